//! Driver threads: `erl_drv_thread_create`, `erl_drv_thread_self`, `erl_drv_equal_tids`,
//! `erl_drv_thread_exit`, `erl_drv_thread_join`, `erl_drv_thread_name` and the thread options
//! (`erl_drv_thread_opts_create`/`destroy`).
//!
//! A driver thread is a plain joinable POSIX thread (made with `pthread_create`, so its stack
//! size follows `suggested_stack_size`). It is not a scheduler: it runs no Erlang process and
//! `erts::sched::worker::scheduler_id()` is 0 on it.
//!
//! An [`ErlDrvTid`] points to a [`DrvThread`] record: the thread's name and its `pthread_t`.
//! The record of a thread made here lives until `erl_drv_thread_join` (as in OTP, a driver
//! thread must be joined; one never joined keeps its record). `erl_drv_thread_self` on a thread
//! not made here (a scheduler, an async thread, the main thread) gives a record made on first
//! use, freed when that thread ends; such a thread cannot be joined through it.
//!
//! # `erl_drv_thread_exit`
//!
//! It ends the calling thread with `pthread_exit`, as OTP does. glibc implements that as a
//! *forced unwind* to the bottom of the thread (running C cleanup handlers) and then hands the
//! value to `pthread_join`. A private Rust panic caught at the bottom of the thread would be
//! the alternative, but a Rust panic may not cross the driver's C frames (they are compiled
//! without Rust's exception handling), while a forced unwind is made for exactly that. Every
//! Rust frame the forced unwind crosses is a "plain old frame": [`thread_main`] and
//! `erl_drv_thread_exit` hold no value with a destructor at that point, and both use the
//! `"C-unwind"` ABI (the same calling convention as `"C"`) so that no abort-on-unwind guard
//! stands in the way. A Rust caller of `erl_drv_thread_exit` (the tests) must obey the same
//! rules. On a thread not made by `erl_drv_thread_create` the call is a fatal driver error: the
//! runtime aborts with a message rather than unwind through its own frames.

use core::cell::Cell;
use core::ffi::{c_char, c_int, c_void, CStr};
use std::ffi::CString;

use crate::driver_abi::{DrvThreadFn, ErlDrvThreadOpts, ErlDrvTid};

/// The name of a thread, mutex, ... made without one (OTP's placeholder).
const NO_NAME: &CStr = c"unknown";

/// Default stack of a driver thread when no size is suggested: what OTP gives its
/// driver threads is small, but C code expects the usual few megabytes.
const DEFAULT_STACK: usize = 8 << 20;
/// Largest stack accepted from `suggested_stack_size`.
const MAX_STACK: usize = 256 << 20;
/// Smallest stack given, whatever is suggested.
const MIN_STACK: usize = 64 << 10;

/// The driver's thread function with the `"C-unwind"` ABI: the same calling convention as the
/// `"C"` one of [`DrvThreadFn`], and allowed to be left by `pthread_exit`'s forced unwind.
type UnwindingThreadFn = unsafe extern "C-unwind" fn(*mut c_void) -> *mut c_void;

/// What an [`ErlDrvTid`] points to.
pub struct DrvThread {
    /// NUL-terminated, returned by `erl_drv_thread_name`.
    name: CString,
    /// The thread; written by the creating thread once `pthread_create` returned.
    pthread: Cell<libc::pthread_t>,
    /// Made by `erl_drv_thread_create` (joinable), rather than adopted by `erl_drv_thread_self`.
    joinable: bool,
    /// The function and argument to run (made threads only).
    func: Option<UnwindingThreadFn>,
    arg: *mut c_void,
    /// The runtime instance of the creating thread, entered by the new thread while it runs
    /// (taken by the thread at its start).
    instance: Option<std::sync::Arc<erts::instance::InstanceState>>,
}

impl DrvThread {
    fn as_tid(this: *mut DrvThread) -> ErlDrvTid {
        this.cast()
    }
}

thread_local! {
    /// This thread's record, if the thread was made by `erl_drv_thread_create` (no destructor:
    /// the record belongs to whoever joins the thread).
    static CURRENT: Cell<*mut DrvThread> = const { Cell::new(core::ptr::null_mut()) };
    /// The record `erl_drv_thread_self` made for a thread not made here; freed at its end.
    static ADOPTED: Adopted = const { Adopted(Cell::new(core::ptr::null_mut())) };
}

/// Owner of an adopted thread's record.
struct Adopted(Cell<*mut DrvThread>);

impl Drop for Adopted {
    fn drop(&mut self) {
        let p = self.0.replace(core::ptr::null_mut());
        if !p.is_null() {
            // SAFETY: `p` came from `Box::into_raw` in `adopt` and is freed only here, once.
            drop(unsafe { Box::from_raw(p) });
        }
    }
}

/// The OS name of the calling thread, if it has one.
fn os_thread_name() -> Option<CString> {
    let mut buf = [0 as c_char; 64];
    // SAFETY: `buf` is writable for its length; glibc NUL-terminates what it writes.
    let rc = unsafe { libc::pthread_getname_np(libc::pthread_self(), buf.as_mut_ptr(), buf.len()) };
    if rc != 0 || buf[0] == 0 {
        return None;
    }
    // SAFETY: `buf` holds a NUL-terminated string (its last byte was never written).
    Some(unsafe { CStr::from_ptr(buf.as_ptr()) }.to_owned())
}

/// The record of the calling thread, made on first use for a thread not made here.
fn current() -> *mut DrvThread {
    let made = CURRENT.try_with(Cell::get).unwrap_or(core::ptr::null_mut());
    if !made.is_null() {
        return made;
    }
    ADOPTED
        .try_with(|a| {
            if a.0.get().is_null() {
                let rec = Box::new(DrvThread {
                    name: os_thread_name().unwrap_or_else(|| NO_NAME.to_owned()),
                    // SAFETY: always safe to call.
                    pthread: Cell::new(unsafe { libc::pthread_self() }),
                    joinable: false,
                    func: None,
                    arg: core::ptr::null_mut(),
                    instance: None,
                });
                a.0.set(Box::into_raw(rec));
            }
            a.0.get()
        })
        .unwrap_or(core::ptr::null_mut())
}

/// The bottom of a driver thread: records the thread and runs the driver's function. A plain
/// old frame while that runs (nothing to drop), so `pthread_exit` may unwind through it.
unsafe extern "C-unwind" fn thread_main(rec: *mut c_void) -> *mut c_void {
    let rec: *mut DrvThread = rec.cast();
    let _ = CURRENT.try_with(|c| c.set(rec));
    // SAFETY: `rec` is the live record `erl_drv_thread_create` made for this thread; it is
    // freed only by the join, after this thread ended. `name` is NUL-terminated.
    let (func, arg, instance) = unsafe {
        let name = (*rec).name.as_bytes();
        // The OS limit is 15 bytes plus the NUL; a longer name is cut.
        let mut short = [0 as c_char; 16];
        for (d, s) in short.iter_mut().zip(name.iter().take(15)) {
            *d = *s as c_char;
        }
        libc::pthread_setname_np(libc::pthread_self(), short.as_ptr());
        ((*rec).func, (*rec).arg, (*rec).instance.take())
    };
    let run = || match func {
        // SAFETY: the driver gave this function for this argument.
        Some(f) => unsafe { f(arg) },
        None => core::ptr::null_mut(),
    };
    // The thread runs with its creator's instance entered (its `driver_*`/`enif_*` calls
    // reach that instance); it holds the instance until it ends.
    match &instance {
        Some(st) => erts::instance::enter_handle(st, run),
        None => run(),
    }
}

/// The stack size in bytes for `suggested_stack_size` kilowords (negative: the default).
fn stack_bytes(kilowords: c_int) -> usize {
    if kilowords < 0 {
        return DEFAULT_STACK;
    }
    let words = (kilowords as usize).saturating_mul(1024);
    let bytes = words.saturating_mul(core::mem::size_of::<usize>());
    // SAFETY: always safe to call.
    let page = match unsafe { libc::sysconf(libc::_SC_PAGESIZE) } {
        p if p > 0 => p as usize,
        _ => 4096,
    };
    let bytes = bytes.clamp(MIN_STACK.max(libc::PTHREAD_STACK_MIN), MAX_STACK);
    bytes.div_ceil(page) * page
}

/// `int erl_drv_thread_create(char *name, ErlDrvTid *tid, void *(*func)(void *), void *arg,
/// ErlDrvThreadOpts *opts)`: starts `func(arg)` on a new joinable thread; 0, or an errno value
/// (`EINVAL` for a missing `tid` or `func`, `EAGAIN`/`ENOMEM` when no thread can be made).
///
/// # Safety
/// `name` is NULL or a NUL-terminated string; `tid` is NULL or writable; `opts` is NULL or
/// valid; `func` must be safe to call with `arg` on another thread.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_thread_create(
    name: *mut c_char,
    tid: *mut ErlDrvTid,
    func: Option<DrvThreadFn>,
    arg: *mut c_void,
    opts: *mut ErlDrvThreadOpts,
) -> c_int {
    let Some(func) = func else {
        return libc::EINVAL;
    };
    if tid.is_null() {
        return libc::EINVAL;
    }
    let name = if name.is_null() {
        NO_NAME.to_owned()
    } else {
        // SAFETY: the caller passes a NUL-terminated string.
        unsafe { CStr::from_ptr(name) }.to_owned()
    };
    let kilowords = if opts.is_null() {
        -1
    } else {
        // SAFETY: the caller passes valid options.
        unsafe { (*opts).suggested_stack_size }
    };
    // SAFETY: `DrvThreadFn` and `UnwindingThreadFn` have the same signature and calling
    // convention; the second only allows unwinding out of the call.
    let func: UnwindingThreadFn = unsafe { core::mem::transmute::<DrvThreadFn, _>(func) };
    let rec = Box::into_raw(Box::new(DrvThread {
        name,
        pthread: Cell::new(0),
        joinable: true,
        func: Some(func),
        arg,
        instance: erts::instance::try_current_handle(),
    }));

    let mut attr = core::mem::MaybeUninit::<libc::pthread_attr_t>::uninit();
    // SAFETY: `attr` is initialised by `pthread_attr_init` before any other use and destroyed
    // once; `thread_main` has the start routine's calling convention (the `"C-unwind"` ABI is
    // the `"C"` one) and gets the record, which outlives the thread (freed by the join).
    let rc = unsafe {
        let rc = libc::pthread_attr_init(attr.as_mut_ptr());
        if rc != 0 {
            drop(Box::from_raw(rec));
            return rc;
        }
        // A size the system refuses leaves the default: not an error.
        let _ = libc::pthread_attr_setstacksize(attr.as_mut_ptr(), stack_bytes(kilowords));
        let start: extern "C" fn(*mut c_void) -> *mut c_void = core::mem::transmute::<
            unsafe extern "C-unwind" fn(*mut c_void) -> *mut c_void,
            extern "C" fn(*mut c_void) -> *mut c_void,
        >(thread_main);
        let mut th: libc::pthread_t = 0;
        let rc = libc::pthread_create(&mut th, attr.as_ptr(), start, rec.cast());
        libc::pthread_attr_destroy(attr.as_mut_ptr());
        if rc == 0 {
            (*rec).pthread.set(th);
        }
        rc
    };
    if rc != 0 {
        // SAFETY: no thread was started, so nothing else refers to `rec`.
        drop(unsafe { Box::from_raw(rec) });
        return rc;
    }
    // SAFETY: `tid` is writable (checked non-null above; the caller's contract).
    unsafe { *tid = DrvThread::as_tid(rec) };
    0
}

/// `ErlDrvTid erl_drv_thread_self(void)`: the calling thread. On a thread not made by
/// `erl_drv_thread_create` it is a handle made for the thread (not joinable).
#[no_mangle]
pub extern "C" fn erl_drv_thread_self() -> ErlDrvTid {
    DrvThread::as_tid(current())
}

/// `int erl_drv_equal_tids(ErlDrvTid tid1, ErlDrvTid tid2)`: non-zero if both are the same
/// thread.
#[no_mangle]
pub extern "C" fn erl_drv_equal_tids(tid1: ErlDrvTid, tid2: ErlDrvTid) -> c_int {
    c_int::from(tid1 == tid2)
}

/// `void erl_drv_thread_exit(void *resp)`: ends the calling driver thread; its joiner gets
/// `resp`. See the module documentation for how.
///
/// # Safety
/// The caller must be on a thread made by `erl_drv_thread_create`, and every frame between
/// here and the thread's function must allow a forced unwind (C frames do; Rust frames must be
/// `"C-unwind"` with nothing left to drop).
#[no_mangle]
pub unsafe extern "C-unwind" fn erl_drv_thread_exit(resp: *mut c_void) -> ! {
    extern "C-unwind" {
        // The libc function, declared as one that unwinds (it does, by forced unwinding).
        fn pthread_exit(value: *mut c_void) -> !;
    }
    let made = CURRENT.try_with(Cell::get).unwrap_or(core::ptr::null_mut());
    if made.is_null() {
        eprintln!("erl_drv_thread_exit() called on a thread not made by erl_drv_thread_create()");
        std::process::abort();
    }
    // SAFETY: this thread was started by `thread_main` (glibc's bottom frame catches the
    // unwind); the caller guarantees the frames in between allow a forced unwind.
    unsafe { pthread_exit(resp) }
}

/// `int erl_drv_thread_join(ErlDrvTid tid, void **respp)`: waits for `tid` to end, stores what
/// it returned (or gave `erl_drv_thread_exit`) in `*respp` when `respp` is not NULL, and frees
/// `tid`. 0, or an errno value (`EINVAL` for a handle that is not a joinable driver thread,
/// `EDEADLK` for the calling thread itself).
///
/// # Safety
/// `tid` is NULL or a handle of `erl_drv_thread_create`/`erl_drv_thread_self`, joined at most
/// once; `respp` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_thread_join(tid: ErlDrvTid, respp: *mut *mut c_void) -> c_int {
    let rec: *mut DrvThread = tid.cast();
    if rec.is_null() {
        return libc::EINVAL;
    }
    // SAFETY: `rec` is a live record (the caller's contract).
    let (joinable, th) = unsafe { ((*rec).joinable, (*rec).pthread.get()) };
    if !joinable {
        return libc::EINVAL;
    }
    if rec == current() {
        return libc::EDEADLK;
    }
    let mut res: *mut c_void = core::ptr::null_mut();
    // SAFETY: `th` is a joinable thread not joined before (the caller's contract).
    let rc = unsafe { libc::pthread_join(th, &mut res) };
    if rc != 0 {
        return rc;
    }
    if !respp.is_null() {
        // SAFETY: `respp` is writable (the caller's contract).
        unsafe { *respp = res };
    }
    // SAFETY: the thread ended, so nothing else refers to its record, made by `Box::new`.
    drop(unsafe { Box::from_raw(rec) });
    0
}

/// `char *erl_drv_thread_name(ErlDrvTid tid)`: the thread's name (owned by the runtime), or
/// NULL for a NULL handle.
///
/// # Safety
/// `tid` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_thread_name(tid: ErlDrvTid) -> *mut c_char {
    let rec: *mut DrvThread = tid.cast();
    if rec.is_null() {
        return core::ptr::null_mut();
    }
    // SAFETY: `rec` is a live record (the caller's contract).
    unsafe { (*rec).name.as_ptr().cast_mut() }
}

/// `ErlDrvThreadOpts *erl_drv_thread_opts_create(char *name)`: options with the default
/// stack size (`suggested_stack_size` -1); NULL if out of memory. `name` is unused, as in OTP.
#[no_mangle]
pub extern "C" fn erl_drv_thread_opts_create(_name: *mut c_char) -> *mut ErlDrvThreadOpts {
    Box::into_raw(Box::new(ErlDrvThreadOpts {
        suggested_stack_size: -1,
    }))
}

/// `void erl_drv_thread_opts_destroy(ErlDrvThreadOpts *opts)`: frees options (NULL: nothing).
///
/// # Safety
/// `opts` is NULL or came from `erl_drv_thread_opts_create` and is freed once.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_thread_opts_destroy(opts: *mut ErlDrvThreadOpts) {
    if !opts.is_null() {
        // SAFETY: made by `Box::into_raw` in `erl_drv_thread_opts_create` (caller's contract).
        drop(unsafe { Box::from_raw(opts) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::ptr::null_mut;

    unsafe extern "C" fn add_one(arg: *mut c_void) -> *mut c_void {
        (arg as usize + 1) as *mut c_void
    }

    #[test]
    fn create_and_join_with_value() {
        let mut tid: ErlDrvTid = null_mut();
        let name = c"adder".as_ptr().cast_mut();
        // SAFETY: valid arguments; the thread is joined below.
        unsafe {
            assert_eq!(
                erl_drv_thread_create(name, &mut tid, Some(add_one), 41 as *mut c_void, null_mut()),
                0
            );
            assert_eq!(CStr::from_ptr(erl_drv_thread_name(tid)), c"adder");
            let mut res = null_mut();
            assert_eq!(erl_drv_thread_join(tid, &mut res), 0);
            assert_eq!(res as usize, 42);
        }
    }

    /// Ends through `erl_drv_thread_exit` from a nested call: nothing below is returned.
    unsafe extern "C-unwind" fn exits(arg: *mut c_void) -> *mut c_void {
        // SAFETY: on a driver thread; no Rust frame below holds anything to drop.
        unsafe { deeper(arg) };
        core::ptr::without_provenance_mut(1)
    }

    #[inline(never)]
    unsafe extern "C-unwind" fn deeper(arg: *mut c_void) {
        // SAFETY: as above.
        unsafe { erl_drv_thread_exit((arg as usize * 2) as *mut c_void) }
    }

    #[test]
    fn thread_exit_value_reaches_join() {
        // SAFETY: same signature and calling convention (see `UnwindingThreadFn`).
        let f: DrvThreadFn =
            unsafe { core::mem::transmute::<UnwindingThreadFn, DrvThreadFn>(exits) };
        let mut opts = erl_drv_thread_opts_create(null_mut());
        // SAFETY: `opts` is valid until destroyed; the thread is joined.
        unsafe {
            assert_eq!((*opts).suggested_stack_size, -1);
            (*opts).suggested_stack_size = 32; // 256 KiB
            let mut tid: ErlDrvTid = null_mut();
            assert_eq!(
                erl_drv_thread_create(null_mut(), &mut tid, Some(f), 21 as *mut c_void, opts),
                0
            );
            erl_drv_thread_opts_destroy(opts);
            opts = null_mut();
            assert_eq!(CStr::from_ptr(erl_drv_thread_name(tid)), NO_NAME);
            let mut res = null_mut();
            assert_eq!(erl_drv_thread_join(tid, &mut res), 0);
            assert_eq!(res as usize, 42);
        }
        assert!(opts.is_null());
    }

    unsafe extern "C" fn self_tid(_arg: *mut c_void) -> *mut c_void {
        let me = erl_drv_thread_self();
        assert_eq!(erl_drv_equal_tids(me, erl_drv_thread_self()), 1);
        me.cast()
    }

    #[test]
    fn self_is_the_created_handle() {
        let mut tid: ErlDrvTid = null_mut();
        // SAFETY: valid arguments; joined below.
        unsafe {
            assert_eq!(
                erl_drv_thread_create(null_mut(), &mut tid, Some(self_tid), null_mut(), null_mut()),
                0
            );
            let mut res = null_mut();
            let created = tid;
            assert_eq!(erl_drv_thread_join(tid, &mut res), 0);
            assert_eq!(res, created.cast());
        }
        // A thread not made here gets a stable, non-joinable handle.
        let me = erl_drv_thread_self();
        assert!(!me.is_null());
        assert_eq!(erl_drv_equal_tids(me, erl_drv_thread_self()), 1);
        assert_eq!(erl_drv_equal_tids(me, null_mut()), 0);
        // SAFETY: a live handle.
        unsafe {
            assert_eq!(erl_drv_thread_join(me, null_mut()), libc::EINVAL);
            assert!(!erl_drv_thread_name(me).is_null());
        }
    }

    #[test]
    fn bad_arguments() {
        let mut tid: ErlDrvTid = null_mut();
        // SAFETY: the calls check their arguments before use.
        unsafe {
            assert_eq!(
                erl_drv_thread_create(null_mut(), &mut tid, None, null_mut(), null_mut()),
                libc::EINVAL
            );
            assert_eq!(
                erl_drv_thread_create(
                    null_mut(),
                    null_mut(),
                    Some(add_one),
                    null_mut(),
                    null_mut()
                ),
                libc::EINVAL
            );
            assert_eq!(erl_drv_thread_join(null_mut(), null_mut()), libc::EINVAL);
            assert!(erl_drv_thread_name(null_mut()).is_null());
            erl_drv_thread_opts_destroy(null_mut());
        }
    }

    #[test]
    fn stack_sizes() {
        assert_eq!(stack_bytes(-1), DEFAULT_STACK);
        assert_eq!(stack_bytes(0), MIN_STACK.max(libc::PTHREAD_STACK_MIN));
        assert_eq!(stack_bytes(128), 1 << 20);
        assert_eq!(stack_bytes(c_int::MAX), MAX_STACK);
    }
}
