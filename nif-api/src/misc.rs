//! Exceptions, environments, processes and ports, messages, references and unique integers,
//! time, hashing, system information, memory, and threads/mutexes/conds/rwlocks/TSD (which
//! delegate to the erl_driver implementations in `ports::driver_api`: same semantics).

use crate::abi::*;
use crate::env::{env_mut, ErlNifEnv};
use crate::terms::{t, with_heap};
use erts::atom;
use erts::process::signals::{OwnedTerm, Signal};
use erts::term::{boxed, Term};
use ports::driver_abi::{
    ErlDrvCond, ErlDrvMutex, ErlDrvRWLock, ErlDrvTSDKey, ErlDrvThreadOpts, ErlDrvTid,
};
use ports::driver_api::{sync, threads, tsd};
use std::ffi::{c_char, c_int, c_void, CStr};
use std::sync::atomic::Ordering;

// ---- exceptions -------------------------------------------------------------------------------

#[no_mangle]
pub unsafe extern "C" fn enif_make_badarg(env: *mut ErlNifEnv) -> ERL_NIF_TERM {
    // SAFETY: forwarded contract.
    unsafe { enif_raise_exception(env, Term::atom(atom::BADARG).0) }
}

#[no_mangle]
pub unsafe extern "C" fn enif_raise_exception(
    env: *mut ErlNifEnv,
    reason: ERL_NIF_TERM,
) -> ERL_NIF_TERM {
    // SAFETY: forwarded contract.
    if let Some(e) = unsafe { env_mut(env) } {
        e.exception = t(reason);
    }
    0
}

#[no_mangle]
pub unsafe extern "C" fn enif_has_pending_exception(
    env: *mut ErlNifEnv,
    reason: *mut ERL_NIF_TERM,
) -> c_int {
    // SAFETY: forwarded contract.
    let Some(e) = (unsafe { env_mut(env) }) else {
        return 0;
    };
    if e.exception.is_none() {
        return 0;
    }
    if !reason.is_null() {
        // SAFETY: valid out pointer by the API contract.
        unsafe { reason.write(e.exception.0) };
    }
    1
}

// ---- environments -----------------------------------------------------------------------------

#[no_mangle]
pub unsafe extern "C" fn enif_priv_data(env: *mut ErlNifEnv) -> *mut c_void {
    // SAFETY: forwarded contract; `lib` is null or a leaked library.
    match unsafe { env_mut(env) }.and_then(|e| unsafe { e.lib.as_ref() }) {
        Some(l) => l.priv_data.load(Ordering::Acquire),
        None => std::ptr::null_mut(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn enif_alloc_env() -> *mut ErlNifEnv {
    Box::into_raw(Box::new(ErlNifEnv::independent()))
}

#[no_mangle]
pub unsafe extern "C" fn enif_free_env(env: *mut ErlNifEnv) {
    if !env.is_null() {
        // SAFETY: an environment made by `enif_alloc_env`, freed once.
        drop(unsafe { Box::from_raw(env) });
    }
}

#[no_mangle]
pub unsafe extern "C" fn enif_clear_env(env: *mut ErlNifEnv) {
    // SAFETY: forwarded contract.
    if let Some(e) = unsafe { env_mut(env) } {
        if e.proc.is_null() {
            e.own = Some(Box::default());
            e.exception = Term::NONE;
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn enif_make_copy(
    dst_env: *mut ErlNifEnv,
    src: ERL_NIF_TERM,
) -> ERL_NIF_TERM {
    // SAFETY: forwarded contract.
    unsafe { with_heap(dst_env, |h| erts::term::copy::copy(h, t(src))) }
}

// ---- processes and ports ----------------------------------------------------------------------

#[no_mangle]
pub unsafe extern "C" fn enif_self(env: *mut ErlNifEnv, pid: *mut ErlNifPid) -> *mut ErlNifPid {
    // SAFETY: forwarded contract.
    let Some(p) = (unsafe { env_mut(env) }).and_then(|e| e.self_pid()) else {
        return std::ptr::null_mut();
    };
    if pid.is_null() {
        return pid;
    }
    // SAFETY: valid out pointer by the API contract.
    unsafe { (*pid).pid = p.0 };
    pid
}

#[no_mangle]
pub unsafe extern "C" fn enif_get_local_pid(
    _env: *mut ErlNifEnv,
    x: ERL_NIF_TERM,
    pid: *mut ErlNifPid,
) -> c_int {
    if !t(x).is_local_pid() || pid.is_null() {
        return 0;
    }
    // SAFETY: valid out pointer by the API contract.
    unsafe { (*pid).pid = x };
    1
}

#[no_mangle]
pub unsafe extern "C" fn enif_get_local_port(
    _env: *mut ErlNifEnv,
    x: ERL_NIF_TERM,
    port: *mut ErlNifPort,
) -> c_int {
    if !t(x).is_local_port() || port.is_null() {
        return 0;
    }
    // SAFETY: valid out pointer by the API contract.
    unsafe { (*port).port_id = x };
    1
}

#[no_mangle]
pub unsafe extern "C" fn enif_set_pid_undefined(pid: *mut ErlNifPid) {
    if !pid.is_null() {
        // SAFETY: valid pointer by the API contract.
        unsafe { (*pid).pid = Term::atom(atom::UNDEFINED).0 };
    }
}

#[no_mangle]
pub unsafe extern "C" fn enif_is_pid_undefined(pid: *const ErlNifPid) -> c_int {
    // SAFETY: valid pointer by the API contract.
    unsafe { pid.as_ref() }.is_some_and(|p| p.pid == Term::atom(atom::UNDEFINED).0) as c_int
}

fn process_alive(pid: Term) -> bool {
    pid.is_local_pid()
        && erts::process::table::table()
            .get(pid.pid_number())
            .is_some()
}

#[no_mangle]
pub unsafe extern "C" fn enif_is_process_alive(_env: *mut ErlNifEnv, pid: *mut ErlNifPid) -> c_int {
    // SAFETY: valid pointer by the API contract.
    unsafe { pid.as_ref() }.is_some_and(|p| process_alive(t(p.pid))) as c_int
}

#[no_mangle]
pub unsafe extern "C" fn enif_is_current_process_alive(env: *mut ErlNifEnv) -> c_int {
    // SAFETY: forwarded contract.
    match unsafe { env_mut(env) }.and_then(|e| e.self_pid()) {
        Some(p) => process_alive(p) as c_int,
        None => 0,
    }
}

#[no_mangle]
pub unsafe extern "C" fn enif_is_port_alive(_env: *mut ErlNifEnv, port: *mut ErlNifPort) -> c_int {
    // SAFETY: valid pointer by the API contract.
    let Some(p) = (unsafe { port.as_ref() }) else {
        return 0;
    };
    let x = t(p.port_id);
    (x.is_local_port() && erts::port::table::table().get(x.port_number()).is_some()) as c_int
}

#[no_mangle]
pub unsafe extern "C" fn enif_whereis_pid(
    _env: *mut ErlNifEnv,
    name: ERL_NIF_TERM,
    pid: *mut ErlNifPid,
) -> c_int {
    let Some(a) = t(name).as_atom() else { return 0 };
    match erts::process::registry::whereis(a) {
        Some(id) if id & erts::port::PORT_BIT == 0 && !pid.is_null() => {
            // SAFETY: valid out pointer by the API contract.
            unsafe { (*pid).pid = Term::pid(id).0 };
            1
        }
        _ => 0,
    }
}

#[no_mangle]
pub unsafe extern "C" fn enif_whereis_port(
    _env: *mut ErlNifEnv,
    name: ERL_NIF_TERM,
    port: *mut ErlNifPort,
) -> c_int {
    let Some(a) = t(name).as_atom() else { return 0 };
    match erts::process::registry::whereis(a) {
        Some(id) if id & erts::port::PORT_BIT != 0 && !port.is_null() => {
            // SAFETY: valid out pointer by the API contract.
            unsafe { (*port).port_id = Term::port(id & !erts::port::PORT_BIT).0 };
            1
        }
        _ => 0,
    }
}

/// `enif_send`: from a NIF (process-bound `env`), from any thread (`env` NULL or a
/// process-independent one). `msg_env`, when given, is cleared afterwards. A thread the
/// runtime did not make sends into the only live instance; with several (or none) it cannot
/// tell which, and the send fails (0).
#[no_mangle]
pub unsafe extern "C" fn enif_send(
    _env: *mut ErlNifEnv,
    to: *const ErlNifPid,
    msg_env: *mut ErlNifEnv,
    msg: ERL_NIF_TERM,
) -> c_int {
    // SAFETY: valid pointer by the API contract.
    let Some(to) = (unsafe { to.as_ref() }) else {
        return 0;
    };
    let pid = t(to.pid);
    if !pid.is_local_pid() {
        return 0;
    }
    let send = || {
        let m = OwnedTerm::copy_of(t(msg));
        erts::process::exit::deliver(pid.pid_number(), Signal::Message(m)).is_ok()
    };
    let ok = if erts::instance::entered() {
        send()
    } else {
        // A thread of no runtime: the runtime the message's environment was made in, else
        // the only one running.
        // SAFETY: forwarded contract (`msg_env` is null or an environment of the caller's).
        let made_in = unsafe { env_mut(msg_env) }
            .and_then(|e| e.instance.as_ref())
            .and_then(|w| w.upgrade());
        match made_in.or_else(erts::instance::try_current_handle) {
            Some(inst) => erts::instance::enter_handle(&inst, send),
            None => false,
        }
    };
    if !msg_env.is_null() {
        // SAFETY: forwarded contract.
        unsafe { enif_clear_env(msg_env) };
    }
    ok as c_int
}

#[no_mangle]
pub unsafe extern "C" fn enif_make_ref(env: *mut ErlNifEnv) -> ERL_NIF_TERM {
    let id = erts::bif::process::new_ref_id();
    // SAFETY: forwarded contract.
    unsafe { with_heap(env, |h| boxed::reference(h, id)) }
}

#[no_mangle]
pub unsafe extern "C" fn enif_make_unique_integer(
    env: *mut ErlNifEnv,
    properties: c_int,
) -> ERL_NIF_TERM {
    // The counter of `erlang:unique_integer/1`, as in OTP (monotonic ones interleave).
    let v = erts::bif::time::next_unique(properties & ERL_NIF_UNIQUE_POSITIVE != 0);
    // SAFETY: forwarded contract.
    unsafe { with_heap(env, |h| erts::bignum::from_i128(h, v)) }
}

// ---- time -------------------------------------------------------------------------------------

fn per_second(unit: c_int) -> Option<i128> {
    match unit {
        ERL_NIF_SEC => Some(1),
        ERL_NIF_MSEC => Some(1_000),
        ERL_NIF_USEC => Some(1_000_000),
        ERL_NIF_NSEC => Some(1_000_000_000),
        _ => None,
    }
}

fn nanos_in(n: i128, unit: c_int) -> i64 {
    match per_second(unit) {
        Some(ps) => (n * ps).div_euclid(1_000_000_000) as i64,
        None => ERL_NIF_TIME_ERROR,
    }
}

/// Whether the calling thread is a scheduler: OTP answers time questions only there.
fn on_scheduler() -> bool {
    // SAFETY: no arguments, reads thread-local state.
    unsafe { crate::schedule::enif_thread_type() != ERL_NIF_THR_UNDEFINED }
}

#[no_mangle]
pub unsafe extern "C" fn enif_monotonic_time(unit: c_int) -> ErlNifTime {
    if !on_scheduler() {
        return ERL_NIF_TIME_ERROR;
    }
    nanos_in(erts::bif::time::monotonic_nanos(), unit)
}

#[no_mangle]
pub unsafe extern "C" fn enif_time_offset(unit: c_int) -> ErlNifTime {
    if !on_scheduler() {
        return ERL_NIF_TIME_ERROR;
    }
    nanos_in(erts::bif::time::time_offset_nanos(), unit)
}

/// OTP's conversion: multiplied (wrapping around on overflow, as OTP's C does) towards a
/// finer unit, divided rounding down towards a coarser one (where OTP's `val - (denom - 1)`
/// also wraps for values near the minimum).
#[no_mangle]
pub unsafe extern "C" fn enif_convert_time_unit(
    val: ErlNifTime,
    from: c_int,
    to: c_int,
) -> ErlNifTime {
    let (Some(f), Some(t)) = (per_second(from), per_second(to)) else {
        return ERL_NIF_TIME_ERROR;
    };
    let (f, t) = (f as i64, t as i64);
    if t >= f {
        return val.wrapping_mul(t / f);
    }
    let denom = f / t;
    if val >= 0 {
        val / denom
    } else {
        val.wrapping_sub(denom - 1) / denom
    }
}

#[no_mangle]
pub unsafe extern "C" fn enif_now_time(env: *mut ErlNifEnv) -> ERL_NIF_TERM {
    let us = (erts::bif::time::monotonic_nanos() + erts::bif::time::time_offset_nanos()) / 1000;
    let (mega, rest) = (us / 1_000_000_000_000, us % 1_000_000_000_000);
    let (s, micro) = (rest / 1_000_000, rest % 1_000_000);
    // SAFETY: forwarded contract.
    unsafe {
        with_heap(env, |h| {
            boxed::tuple(
                h,
                &[
                    Term::small(mega as i64),
                    Term::small(s as i64),
                    Term::small(micro as i64),
                ],
            )
        })
    }
}

#[no_mangle]
pub unsafe extern "C" fn enif_cpu_time(env: *mut ErlNifEnv) -> ERL_NIF_TERM {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid timespec out pointer.
    if unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) } != 0 {
        // SAFETY: forwarded contract.
        return unsafe { enif_make_badarg(env) };
    }
    let us = ts.tv_sec * 1_000_000 + ts.tv_nsec / 1000;
    // SAFETY: forwarded contract.
    unsafe {
        with_heap(env, |h| {
            boxed::tuple(
                h,
                &[
                    Term::small(us / 1_000_000_000_000),
                    Term::small(us / 1_000_000 % 1_000_000),
                    Term::small(us % 1_000_000),
                ],
            )
        })
    }
}

// ---- hashing, system information, memory ------------------------------------------------------

#[no_mangle]
pub unsafe extern "C" fn enif_hash(kind: c_int, term: ERL_NIF_TERM, salt: u64) -> u64 {
    match kind {
        ERL_NIF_INTERNAL_HASH => erts::map::hash::internal_hash(t(term), salt as u32) as u64,
        ERL_NIF_PHASH2 => erts::bif::phash::make_hash2(t(term)) as u64 & ((1 << 27) - 1),
        _ => 0,
    }
}

#[no_mangle]
pub unsafe extern "C" fn enif_system_info(sip: *mut ErlNifSysInfo, si_size: usize) {
    // SAFETY: forwarded contract (the same structure as the driver API's).
    unsafe { ports::driver_api::sysinfo::driver_system_info(sip, si_size) }
}

#[no_mangle]
pub unsafe extern "C" fn enif_alloc(size: usize) -> *mut c_void {
    // SAFETY: plain malloc.
    unsafe { libc::malloc(size) }
}

#[no_mangle]
pub unsafe extern "C" fn enif_realloc(ptr: *mut c_void, size: usize) -> *mut c_void {
    // SAFETY: `ptr` is null or from `enif_alloc`/`enif_realloc` by the API contract.
    unsafe { libc::realloc(ptr, size) }
}

#[no_mangle]
pub unsafe extern "C" fn enif_free(ptr: *mut c_void) {
    // SAFETY: `ptr` is null or from `enif_alloc`/`enif_realloc` by the API contract.
    unsafe { libc::free(ptr) }
}

#[no_mangle]
pub unsafe extern "C" fn enif_getenv(
    key: *const c_char,
    value: *mut c_char,
    value_size: *mut usize,
) -> c_int {
    // SAFETY: forwarded contract (same semantics as the driver API's).
    unsafe { ports::driver_api::env::erl_drv_getenv(key, value, value_size) }
}

#[no_mangle]
pub unsafe extern "C" fn enif_dlopen(
    lib: *const c_char,
    err_handler: Option<unsafe extern "C" fn(*mut c_void, *const c_char)>,
    err_arg: *mut c_void,
) -> *mut c_void {
    if lib.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: NUL-terminated by the API contract.
    let name = unsafe { CStr::from_ptr(lib) }
        .to_string_lossy()
        .into_owned();
    let Ok(c) = std::ffi::CString::new(format!("{name}.so")) else {
        return std::ptr::null_mut();
    };
    // SAFETY: a NUL-terminated path.
    let h = unsafe { libc::dlopen(c.as_ptr(), libc::RTLD_NOW) };
    if h.is_null() {
        if let Some(f) = err_handler {
            // SAFETY: dlerror's text is valid until the next dl call; the handler is the
            // caller's.
            unsafe { f(err_arg, libc::dlerror()) };
        }
    }
    h
}

#[no_mangle]
pub unsafe extern "C" fn enif_dlsym(
    handle: *mut c_void,
    symbol: *const c_char,
    err_handler: Option<unsafe extern "C" fn(*mut c_void, *const c_char)>,
    err_arg: *mut c_void,
) -> *mut c_void {
    // SAFETY: a handle from `enif_dlopen` and a NUL-terminated name by the API contract.
    let p = unsafe { libc::dlsym(handle, symbol) };
    if p.is_null() {
        if let Some(f) = err_handler {
            // SAFETY: as in `enif_dlopen`.
            unsafe { f(err_arg, libc::dlerror()) };
        }
    }
    p
}

// ---- threads and synchronisation (the driver API's, same semantics) ---------------------------

macro_rules! delegate {
    ($(fn $name:ident($($a:ident: $t:ty),*) $(-> $r:ty)? = $target:path;)*) => {$(
        #[no_mangle]
        pub unsafe extern "C" fn $name($($a: $t),*) $(-> $r)? {
            // SAFETY: the same contract as the erl_driver function it forwards to.
            #[allow(unused_unsafe)]
            unsafe { $target($($a),*) }
        }
    )*};
}

delegate! {
    fn enif_mutex_create(name: *mut c_char) -> *mut ErlDrvMutex = sync::erl_drv_mutex_create;
    fn enif_mutex_destroy(mtx: *mut ErlDrvMutex) = sync::erl_drv_mutex_destroy;
    fn enif_mutex_lock(mtx: *mut ErlDrvMutex) = sync::erl_drv_mutex_lock;
    fn enif_mutex_trylock(mtx: *mut ErlDrvMutex) -> c_int = sync::erl_drv_mutex_trylock;
    fn enif_mutex_unlock(mtx: *mut ErlDrvMutex) = sync::erl_drv_mutex_unlock;
    fn enif_mutex_name(mtx: *mut ErlDrvMutex) -> *mut c_char = sync::erl_drv_mutex_name;
    fn enif_cond_create(name: *mut c_char) -> *mut ErlDrvCond = sync::erl_drv_cond_create;
    fn enif_cond_destroy(cnd: *mut ErlDrvCond) = sync::erl_drv_cond_destroy;
    fn enif_cond_signal(cnd: *mut ErlDrvCond) = sync::erl_drv_cond_signal;
    fn enif_cond_broadcast(cnd: *mut ErlDrvCond) = sync::erl_drv_cond_broadcast;
    fn enif_cond_wait(cnd: *mut ErlDrvCond, mtx: *mut ErlDrvMutex) = sync::erl_drv_cond_wait;
    fn enif_cond_name(cnd: *mut ErlDrvCond) -> *mut c_char = sync::erl_drv_cond_name;
    fn enif_rwlock_create(name: *mut c_char) -> *mut ErlDrvRWLock = sync::erl_drv_rwlock_create;
    fn enif_rwlock_destroy(l: *mut ErlDrvRWLock) = sync::erl_drv_rwlock_destroy;
    fn enif_rwlock_rlock(l: *mut ErlDrvRWLock) = sync::erl_drv_rwlock_rlock;
    fn enif_rwlock_runlock(l: *mut ErlDrvRWLock) = sync::erl_drv_rwlock_runlock;
    fn enif_rwlock_rwlock(l: *mut ErlDrvRWLock) = sync::erl_drv_rwlock_rwlock;
    fn enif_rwlock_rwunlock(l: *mut ErlDrvRWLock) = sync::erl_drv_rwlock_rwunlock;
    fn enif_rwlock_tryrlock(l: *mut ErlDrvRWLock) -> c_int = sync::erl_drv_rwlock_tryrlock;
    fn enif_rwlock_tryrwlock(l: *mut ErlDrvRWLock) -> c_int = sync::erl_drv_rwlock_tryrwlock;
    fn enif_rwlock_name(l: *mut ErlDrvRWLock) -> *mut c_char = sync::erl_drv_rwlock_name;
    fn enif_tsd_key_create(name: *mut c_char, key: *mut ErlDrvTSDKey) -> c_int = tsd::erl_drv_tsd_key_create;
    fn enif_tsd_key_destroy(key: ErlDrvTSDKey) = tsd::erl_drv_tsd_key_destroy;
    fn enif_tsd_set(key: ErlDrvTSDKey, data: *mut c_void) = tsd::erl_drv_tsd_set;
    fn enif_tsd_get(key: ErlDrvTSDKey) -> *mut c_void = tsd::erl_drv_tsd_get;
    fn enif_thread_opts_create(name: *mut c_char) -> *mut ErlDrvThreadOpts = threads::erl_drv_thread_opts_create;
    fn enif_thread_opts_destroy(opts: *mut ErlDrvThreadOpts) = threads::erl_drv_thread_opts_destroy;
    fn enif_thread_self() -> ErlDrvTid = threads::erl_drv_thread_self;
    fn enif_equal_tids(a: ErlDrvTid, b: ErlDrvTid) -> c_int = threads::erl_drv_equal_tids;
    fn enif_thread_join(tid: ErlDrvTid, respp: *mut *mut c_void) -> c_int = threads::erl_drv_thread_join;
    fn enif_thread_name(tid: ErlDrvTid) -> *mut c_char = threads::erl_drv_thread_name;
}

#[no_mangle]
pub unsafe extern "C" fn enif_thread_create(
    name: *mut c_char,
    tid: *mut ErlDrvTid,
    func: Option<unsafe extern "C" fn(*mut c_void) -> *mut c_void>,
    args: *mut c_void,
    opts: *mut ErlDrvThreadOpts,
) -> c_int {
    // SAFETY: the same contract as `erl_drv_thread_create`.
    unsafe { threads::erl_drv_thread_create(name, tid, func, args, opts) }
}

#[no_mangle]
pub unsafe extern "C-unwind" fn enif_thread_exit(resp: *mut c_void) -> ! {
    // SAFETY: the same contract as `erl_drv_thread_exit` (called on a thread made by
    // `enif_thread_create`).
    unsafe { threads::erl_drv_thread_exit(resp) }
}
