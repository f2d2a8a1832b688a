//! Resources: resource types (`enif_open_resource_type`, `_x`, `enif_init_resource_type`,
//! taken over on upgrade with `ERL_NIF_RT_TAKEOVER`), resource objects and their counts,
//! resource terms, `enif_dynamic_resource_call`, and process monitors held by resources
//! (`enif_monitor_process` and friends).
//!
//! A resource object is one allocation: a [`Resource`] header, whose first member is the
//! `erts` magic header ([`erts::magic`]: count, reference number, destructor), then the
//! NIF's data at [`DATA_OFFSET`] (the pointer NIFs see). `enif_alloc_resource` gives the
//! creator one count; every resource term on a heap holds one (so terms keep the object
//! alive across processes, ETS and messages, and the GC drops the counts of dead terms);
//! `enif_keep_resource`/`enif_release_resource` add and drop counts. The last count runs the
//! type's destructor with a process-independent environment, demonitors the object's
//! monitors, and frees the memory.
//!
//! A resource term is `erts`' magic reference: it prints as `#Ref<...>`, `is_reference/1`
//! holds, two terms are equal when they name the same object, and `binary_to_term` of its
//! `term_to_binary` gives the object back while it is alive (a plain reference afterwards).
//!
//! A monitor held by a resource names the resource by its reference number with
//! `erts::process::exit::NATIVE_BIT` set, so the monitored process's exit sends its `'DOWN'`
//! to [`native_signal`], which calls the type's `down` callback.
//!
//! `enif_make_resource_binary` copies the bytes into a new binary (this runtime's binaries
//! own their data), so later changes of the memory by the NIF are not seen by the binary.

use crate::abi::*;
use crate::env::{env_mut, ErlNifEnv};
use crate::terms::t;
use erts::atom::Atom;
use erts::magic::{self, MagicHeader};
use erts::process::exit::{self, NATIVE_BIT};
use erts::process::signals::{MonitorTarget, Signal};
use erts::term::{boxed, Term};
use parking_lot::{Mutex, RwLock};
use std::alloc::Layout;
use std::cell::RefCell;
use std::ffi::{c_char, c_int, c_void, CStr};

/// The magic kind of NIF resources (`"RSRC"`).
const RESOURCE_KIND: u64 = 0x5253_5243;

/// The callbacks of a resource type.
#[derive(Clone, Copy, Default)]
struct Callbacks {
    dtor: Option<ErlNifResourceDtor>,
    /// Called by `enif_select` once a selected fd is deselected (`crate::select`).
    stop: Option<ErlNifResourceStop>,
    down: Option<ErlNifResourceDown>,
    dyncall: Option<ErlNifResourceDynCall>,
}

/// `ErlNifResourceType`: a named type of a module (never freed; taking it over replaces its
/// callbacks).
pub struct ErlNifResourceType {
    module: Atom,
    name: String,
    cb: RwLock<Callbacks>,
}

impl ErlNifResourceType {
    fn callbacks(&self) -> Callbacks {
        *self.cb.read()
    }
}

/// Every resource type opened so far in the current instance. The types themselves are never
/// freed (process-wide memory, a few words per type a library opens): a resource a library
/// keeps past its instance still finds its type when it is released.
fn types_cell() -> &'static Mutex<Vec<&'static ErlNifResourceType>> {
    static S: erts::instance::InstanceLocal<Mutex<Vec<&'static ErlNifResourceType>>> =
        erts::instance::InstanceLocal::new();
    S.get_or_init(|| Mutex::new(Vec::new()))
}

fn find_type(module: Atom, name: &str) -> Option<&'static ErlNifResourceType> {
    types_cell()
        .lock()
        .iter()
        .copied()
        .find(|t| t.module == module && t.name == name)
}

/// What a load callback opened, applied when the load succeeds.
enum Opened {
    Created(&'static ErlNifResourceType),
    TakenOver(&'static ErlNifResourceType, Callbacks),
}

/// The library being loaded on this thread: its module, the size of its
/// `ErlNifResourceTypeInit`, and the types its callback opened.
struct Loading {
    module: Atom,
    init_size: usize,
    opened: Vec<Opened>,
}

thread_local! {
    static LOADING: RefCell<Option<Loading>> = const { RefCell::new(None) };
}

/// Marks the start of a `load`/`upgrade` callback of `module`'s library (the types it opens
/// are pending until [`end_load`]); `init_size` is the library's `ErlNifResourceTypeInit`
/// size.
pub(crate) fn begin_load(module: Atom, init_size: usize) {
    LOADING.with(|l| {
        *l.borrow_mut() = Some(Loading {
            module,
            init_size,
            opened: Vec::new(),
        })
    });
}

/// Ends a load callback: commits the types it opened (new types become visible, taken over
/// ones get their new callbacks) if `ok`, drops them otherwise, as OTP does.
pub(crate) fn end_load(ok: bool) {
    let Some(l) = LOADING.with(|l| l.borrow_mut().take()) else {
        return;
    };
    if !ok {
        return;
    }
    for o in l.opened {
        match o {
            Opened::Created(t) => types_cell().lock().push(t),
            Opened::TakenOver(t, cb) => *t.cb.write() = cb,
        }
    }
}

/// Opens (creates or takes over) a type named `name` of the module being loaded. As in OTP,
/// only committed types are found (a type created earlier in the same callback is not), and
/// `tried` gets the operation done, or `flags` when nothing was done. Outside a load
/// callback a new type is made for the calling library but never committed (OTP does the
/// same; such a type cannot be found by name).
unsafe fn open_type(
    env: *mut ErlNifEnv,
    name: *const c_char,
    cb: impl FnOnce(usize) -> Callbacks,
    flags: c_int,
    tried: *mut c_int,
) -> *mut ErlNifResourceType {
    if name.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: a NUL-terminated string by the API contract.
    let name = unsafe { CStr::from_ptr(name) }
        .to_string_lossy()
        .into_owned();
    let (ty, op) = LOADING.with(|l| {
        let mut l = l.borrow_mut();
        let (module, init_size) = match l.as_ref() {
            Some(l) => (l.module, l.init_size),
            None => {
                // SAFETY: forwarded contract: null or a valid environment, whose library
                // (if any) is alive.
                let lib = unsafe { env_mut(env) }.and_then(|e| unsafe { e.lib.as_ref() });
                match lib {
                    Some(lib) => (lib.module, 40),
                    None => return (None, flags),
                }
            }
        };
        let cb = cb(init_size);
        match find_type(module, &name) {
            Some(ty) if flags & ERL_NIF_RT_TAKEOVER != 0 => {
                if let Some(l) = l.as_mut() {
                    l.opened.push(Opened::TakenOver(ty, cb));
                }
                (Some(ty), ERL_NIF_RT_TAKEOVER)
            }
            None if flags & ERL_NIF_RT_CREATE != 0 => {
                let ty: &'static ErlNifResourceType = Box::leak(Box::new(ErlNifResourceType {
                    module,
                    name,
                    cb: RwLock::new(cb),
                }));
                if let Some(l) = l.as_mut() {
                    l.opened.push(Opened::Created(ty));
                }
                (Some(ty), ERL_NIF_RT_CREATE)
            }
            _ => (None, flags),
        }
    });
    if !tried.is_null() {
        // SAFETY: valid out pointer by the API contract.
        unsafe { tried.write(op) };
    }
    ty.map_or(std::ptr::null_mut(), |t| {
        t as *const ErlNifResourceType as *mut ErlNifResourceType
    })
}

#[no_mangle]
pub unsafe extern "C" fn enif_open_resource_type(
    env: *mut ErlNifEnv,
    _module_str: *const c_char,
    name_str: *const c_char,
    dtor: Option<ErlNifResourceDtor>,
    flags: c_int,
    tried: *mut c_int,
) -> *mut ErlNifResourceType {
    let cb = |_| Callbacks {
        dtor,
        ..Callbacks::default()
    };
    // SAFETY: forwarded contract.
    unsafe { open_type(env, name_str, cb, flags, tried) }
}

/// Reads `dtor`, `stop` and (if the library's structure has it) `down`.
unsafe fn read_init_x(init: *const ErlNifResourceTypeInit, size: usize) -> Callbacks {
    // SAFETY: `init` points at the library's structure, of at least `size` bytes (16 before
    // NIF 2.12, 24 up to 2.15, 40 since 2.16); only the members inside it are read.
    unsafe {
        let Some(i) = init.as_ref() else {
            return Callbacks::default();
        };
        Callbacks {
            dtor: i.dtor,
            stop: i.stop,
            down: if size >= 24 { i.down } else { None },
            dyncall: None,
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn enif_open_resource_type_x(
    env: *mut ErlNifEnv,
    name_str: *const c_char,
    init: *const ErlNifResourceTypeInit,
    flags: c_int,
    tried: *mut c_int,
) -> *mut ErlNifResourceType {
    // SAFETY: forwarded contract (see `read_init_x`).
    let cb = |size| unsafe { read_init_x(init, size) };
    // SAFETY: forwarded contract.
    unsafe { open_type(env, name_str, cb, flags, tried) }
}

#[no_mangle]
pub unsafe extern "C" fn enif_init_resource_type(
    env: *mut ErlNifEnv,
    name_str: *const c_char,
    init: *const ErlNifResourceTypeInit,
    flags: c_int,
    tried: *mut c_int,
) -> *mut ErlNifResourceType {
    let cb = |size: usize| {
        // SAFETY: as in `read_init_x`; `members` and `dyncall` exist in 40-byte structures.
        unsafe {
            let Some(i) = init.as_ref() else {
                return Callbacks::default();
            };
            if size < 40 {
                return read_init_x(init, size);
            }
            let n = i.members;
            Callbacks {
                dtor: if n >= 1 { i.dtor } else { None },
                stop: if n >= 2 { i.stop } else { None },
                down: if n >= 3 { i.down } else { None },
                dyncall: if n >= 4 { i.dyncall } else { None },
            }
        }
    };
    // SAFETY: forwarded contract.
    unsafe { open_type(env, name_str, cb, flags, tried) }
}

// ---- objects --------------------------------------------------------------------------------

/// One monitor held by a resource.
#[derive(Clone, Copy)]
struct Mon {
    reference: u64,
    pid: u64,
}

/// The header of a resource object; the NIF's data follows at [`DATA_OFFSET`].
#[repr(C)]
struct Resource {
    magic: MagicHeader,
    rtype: &'static ErlNifResourceType,
    size: usize,
    monitors: Mutex<Vec<Mon>>,
}

/// Alignment of a resource allocation (and of the NIF's data).
const ALIGN: usize = 16;
/// Offset of the NIF's data from the start of the allocation.
const DATA_OFFSET: usize = std::mem::size_of::<Resource>().next_multiple_of(ALIGN);

fn layout(size: usize) -> Option<Layout> {
    Layout::from_size_align(DATA_OFFSET.checked_add(size)?, ALIGN).ok()
}

/// The header of the resource whose data is at `obj`.
///
/// # Safety
/// `obj` must be a pointer returned by `enif_alloc_resource` whose object is alive.
unsafe fn header<'a>(obj: *mut c_void) -> &'a Resource {
    // SAFETY: by the caller's contract, the header lies `DATA_OFFSET` bytes before `obj`.
    unsafe { &*((obj as *mut u8).sub(DATA_OFFSET) as *const Resource) }
}

fn data_of(r: *const Resource) -> *mut c_void {
    // SAFETY: the data lies inside the same allocation.
    unsafe { (r as *mut u8).add(DATA_OFFSET) as *mut c_void }
}

/// An environment for callbacks (destructor, `down`, `stop`): process-independent, empty.
pub(crate) fn callback_env() -> ErlNifEnv {
    ErlNifEnv {
        proc: std::ptr::null_mut(),
        own: None,
        exception: Term::NONE,
        lib: std::ptr::null(),
        self_pid: Term::NONE,
        scheduled: None,
        instance: None,
    }
}

/// Destroys a resource whose last count was dropped (`erts::magic`'s destructor).
unsafe fn destroy(m: *const MagicHeader) {
    let r = m as *mut Resource;
    // SAFETY: a resource object (the magic header is its first member) with no count left:
    // nothing else uses it, and it is freed here exactly once.
    unsafe {
        let mons = std::mem::take(&mut *(*r).monitors.lock());
        let me = (*r).magic.id() | NATIVE_BIT;
        for m in mons {
            let _ = exit::deliver(
                m.pid,
                Signal::Demonitor {
                    from: me,
                    reference: m.reference,
                },
            );
        }
        if let Some(d) = (*r).rtype.callbacks().dtor {
            let mut env = callback_env();
            d(&mut env, data_of(r));
        }
        let size = (*r).size;
        std::ptr::drop_in_place(r);
        if let Some(l) = layout(size) {
            std::alloc::dealloc(r as *mut u8, l);
        }
    }
}

/// The `stop` callback of the type of the resource whose data is at `obj`.
///
/// # Safety
/// `obj` must be a pointer returned by `enif_alloc_resource` whose object is alive.
pub(crate) unsafe fn stop_callback(obj: *mut c_void) -> Option<ErlNifResourceStop> {
    // SAFETY: by the caller's contract.
    unsafe { header(obj) }.rtype.callbacks().stop
}

/// A resource term for the resource whose data is at `obj`, built on `heap` (it takes a
/// count of its own).
///
/// # Safety
/// `obj` must be a pointer returned by `enif_alloc_resource` whose object is alive.
pub(crate) unsafe fn resource_term(heap: &mut erts::heap::Heap, obj: *mut c_void) -> Term {
    // SAFETY: by the caller's contract; the new term takes its own count.
    unsafe { magic::make_ref(heap, &header(obj).magic) }
}

/// The resource a term refers to, if it is a resource term.
fn resource_of(x: Term) -> Option<*const Resource> {
    let m = magic::magic_of(x)?;
    // SAFETY: the term holds a count, so the object is alive.
    (unsafe { (*m).kind() } == RESOURCE_KIND).then_some(m as *const Resource)
}

#[no_mangle]
pub unsafe extern "C" fn enif_alloc_resource(
    rtype: *mut ErlNifResourceType,
    size: usize,
) -> *mut c_void {
    // SAFETY: a type returned by `open_type` (leaked, so `'static`), or null.
    let Some(rtype) = (unsafe { (rtype as *const ErlNifResourceType).as_ref() }) else {
        return std::ptr::null_mut();
    };
    let Some(l) = layout(size) else {
        return std::ptr::null_mut();
    };
    // SAFETY: `l` has a non-zero size (the header).
    let p = unsafe { std::alloc::alloc(l) } as *mut Resource;
    if p.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: `p` is a fresh allocation large and aligned enough for the header.
    unsafe {
        p.write(Resource {
            magic: MagicHeader::new(RESOURCE_KIND, destroy),
            rtype,
            size,
            monitors: Mutex::new(Vec::new()),
        });
        magic::register(p as *const MagicHeader);
    }
    data_of(p)
}

#[no_mangle]
pub unsafe extern "C" fn enif_release_resource(obj: *mut c_void) {
    if obj.is_null() {
        return;
    }
    // SAFETY: a live resource on which the caller owns a count (API contract).
    unsafe { magic::release(&header(obj).magic) };
}

#[no_mangle]
pub unsafe extern "C" fn enif_keep_resource(obj: *mut c_void) {
    if obj.is_null() {
        return;
    }
    // SAFETY: a live resource (API contract).
    unsafe { magic::keep(&header(obj).magic) };
}

#[no_mangle]
pub unsafe extern "C" fn enif_make_resource(env: *mut ErlNifEnv, obj: *mut c_void) -> ERL_NIF_TERM {
    // SAFETY: forwarded contract.
    let Some(e) = (unsafe { env_mut(env) }) else {
        return 0;
    };
    if obj.is_null() {
        // SAFETY: forwarded contract.
        return unsafe { crate::misc::enif_make_badarg(env) };
    }
    // SAFETY: a live resource (API contract); the new term takes its own count.
    unsafe { magic::make_ref(e.heap(), &header(obj).magic).0 }
}

#[no_mangle]
pub unsafe extern "C" fn enif_make_resource_binary(
    env: *mut ErlNifEnv,
    obj: *mut c_void,
    data: *const c_void,
    size: usize,
) -> ERL_NIF_TERM {
    if obj.is_null() || (data.is_null() && size > 0) {
        // SAFETY: forwarded contract.
        return unsafe { crate::misc::enif_make_badarg(env) };
    }
    let bytes: &[u8] = if size == 0 {
        &[]
    } else {
        // SAFETY: `size` readable bytes at `data` (API contract: memory of the resource).
        unsafe { std::slice::from_raw_parts(data as *const u8, size) }
    };
    // A refc binary (whatever its size, as OTP's) of a copy of the bytes that holds a count
    // of the resource: the resource lives at least as long as the binary.
    // SAFETY: a live resource (API contract); the count is released by `ResourceKeep`'s drop.
    unsafe { enif_keep_resource(obj) };
    let data = erts::heap::BinBuf::keeping(bytes.to_vec(), Box::new(ResourceKeep(obj)));
    // SAFETY: forwarded contract.
    unsafe { crate::terms::with_heap(env, |h| boxed::refc_binary(h, std::sync::Arc::new(data))) }
}

/// One count of a resource, held by a binary made by `enif_make_resource_binary` and
/// released when the binary's data is freed (on whatever thread drops its last count).
struct ResourceKeep(*mut c_void);

// SAFETY: resource counts may be taken and released from any thread.
unsafe impl Send for ResourceKeep {}
// SAFETY: the pointer is never used through a shared reference.
unsafe impl Sync for ResourceKeep {}

impl Drop for ResourceKeep {
    fn drop(&mut self) {
        // SAFETY: this value owns one count of the live resource (taken in
        // `enif_make_resource_binary`).
        unsafe { enif_release_resource(self.0) };
    }
}

#[no_mangle]
pub unsafe extern "C" fn enif_get_resource(
    _env: *mut ErlNifEnv,
    term: ERL_NIF_TERM,
    rtype: *mut ErlNifResourceType,
    objp: *mut *mut c_void,
) -> c_int {
    let Some(r) = resource_of(t(term)) else {
        return 0;
    };
    // SAFETY: the term holds a count, so the resource is alive.
    let rt = unsafe { (*r).rtype } as *const ErlNifResourceType;
    if !std::ptr::eq(rt, rtype) {
        return 0;
    }
    if !objp.is_null() {
        // SAFETY: valid out pointer by the API contract.
        unsafe { objp.write(data_of(r)) };
    }
    1
}

#[no_mangle]
pub unsafe extern "C" fn enif_sizeof_resource(obj: *mut c_void) -> usize {
    if obj.is_null() {
        return 0;
    }
    // SAFETY: a live resource (API contract).
    unsafe { header(obj).size }
}

#[no_mangle]
pub unsafe extern "C" fn enif_dynamic_resource_call(
    env: *mut ErlNifEnv,
    module: ERL_NIF_TERM,
    name: ERL_NIF_TERM,
    rsrc: ERL_NIF_TERM,
    call_data: *mut c_void,
) -> c_int {
    let (Some(m), Some(n)) = (t(module).as_atom(), t(name).as_atom()) else {
        return 1;
    };
    let Some(ty) = find_type(m, n.name()) else {
        return 1;
    };
    let Some(r) = resource_of(t(rsrc)) else {
        return 1;
    };
    // SAFETY: the term holds a count, so the resource is alive.
    if !std::ptr::eq(unsafe { (*r).rtype }, ty) {
        return 1;
    }
    let Some(f) = ty.callbacks().dyncall else {
        return 1;
    };
    // SAFETY: the type's callback with the caller's environment and the object's data.
    unsafe { f(env, data_of(r), call_data) };
    0
}

// ---- monitors -------------------------------------------------------------------------------

/// `ErlNifMonitor` as this runtime fills it: the monitor's reference number, the monitored
/// pid number and the owning resource's number.
fn write_monitor(out: *mut ErlNifMonitor, reference: u64, pid: u64, owner: u64) {
    if out.is_null() {
        return;
    }
    let mut data = [0u8; 32];
    data[..8].copy_from_slice(&reference.to_ne_bytes());
    data[8..16].copy_from_slice(&pid.to_ne_bytes());
    data[16..24].copy_from_slice(&owner.to_ne_bytes());
    // SAFETY: valid out pointer by the API contract.
    unsafe { out.write(ErlNifMonitor { data }) };
}

fn monitor_reference(m: &ErlNifMonitor) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&m.data[..8]);
    u64::from_ne_bytes(b)
}

#[no_mangle]
pub unsafe extern "C" fn enif_monitor_process(
    _env: *mut ErlNifEnv,
    obj: *mut c_void,
    pid: *const ErlNifPid,
    mon: *mut ErlNifMonitor,
) -> c_int {
    // SAFETY: valid pointer by the API contract.
    let Some(pid) = (unsafe { pid.as_ref() }) else {
        return 1;
    };
    if obj.is_null() {
        return -1;
    }
    // SAFETY: a live resource (API contract).
    let r = unsafe { header(obj) };
    if r.rtype.callbacks().down.is_none() {
        return -1;
    }
    let pt = t(pid.pid);
    if !pt.is_local_pid() {
        return 1;
    }
    let target = pt.pid_number();
    let reference = erts::bif::process::new_ref_id();
    let owner = r.magic.id();
    // Recorded first: a `'DOWN'` may come back before `deliver` returns.
    r.monitors.lock().push(Mon {
        reference,
        pid: target,
    });
    let sig = Signal::Monitor {
        from: owner | NATIVE_BIT,
        reference,
        target: MonitorTarget::Pid(target),
    };
    if exit::deliver(target, sig).is_err() {
        r.monitors.lock().retain(|m| m.reference != reference);
        return 1;
    }
    write_monitor(mon, reference, target, owner);
    0
}

#[no_mangle]
pub unsafe extern "C" fn enif_demonitor_process(
    _env: *mut ErlNifEnv,
    obj: *mut c_void,
    mon: *const ErlNifMonitor,
) -> c_int {
    // SAFETY: valid pointer by the API contract.
    let Some(mon) = (unsafe { mon.as_ref() }) else {
        return 1;
    };
    if obj.is_null() {
        return 1;
    }
    // SAFETY: a live resource (API contract).
    let r = unsafe { header(obj) };
    let reference = monitor_reference(mon);
    let found = {
        let mut ms = r.monitors.lock();
        ms.iter()
            .position(|m| m.reference == reference)
            .map(|i| ms.swap_remove(i))
    };
    let Some(m) = found else {
        return 1;
    };
    let _ = exit::deliver(
        m.pid,
        Signal::Demonitor {
            from: r.magic.id() | NATIVE_BIT,
            reference,
        },
    );
    0
}

#[no_mangle]
pub unsafe extern "C" fn enif_compare_monitors(
    a: *const ErlNifMonitor,
    b: *const ErlNifMonitor,
) -> c_int {
    // SAFETY: valid monitors by the API contract.
    match unsafe { (a.as_ref(), b.as_ref()) } {
        (Some(a), Some(b)) => match monitor_reference(a).cmp(&monitor_reference(b)) {
            std::cmp::Ordering::Less => -1,
            std::cmp::Ordering::Equal => 0,
            std::cmp::Ordering::Greater => 1,
        },
        _ => 0,
    }
}

#[no_mangle]
pub unsafe extern "C" fn enif_make_monitor_term(
    env: *mut ErlNifEnv,
    mon: *const ErlNifMonitor,
) -> ERL_NIF_TERM {
    // SAFETY: valid pointer by the API contract.
    let Some(mon) = (unsafe { mon.as_ref() }) else {
        // SAFETY: forwarded contract.
        return unsafe { crate::misc::enif_make_badarg(env) };
    };
    let reference = monitor_reference(mon);
    // SAFETY: forwarded contract.
    unsafe { crate::terms::with_heap(env, |h| boxed::reference(h, reference)) }
}

/// The `erts` hook for signals to resources (see `erts::process::exit::NATIVE_BIT`): a
/// `'DOWN'` of a monitor the resource still holds calls its type's `down` callback.
pub(crate) fn native_signal(owner: u64, sig: Signal) {
    let Signal::Down { reference, msg } = sig else {
        return;
    };
    drop(msg);
    let Some(m) = magic::lookup(owner) else {
        return; // the resource is gone (its destructor demonitored)
    };
    // SAFETY: `lookup` took a count for us, released below.
    let guard = ReleaseOnDrop(m);
    // SAFETY: only resources own native monitors.
    if unsafe { (*m).kind() } != RESOURCE_KIND {
        return;
    }
    let r = m as *const Resource;
    // SAFETY: alive while we hold the count.
    let rr = unsafe { &*r };
    let found = {
        let mut ms = rr.monitors.lock();
        ms.iter()
            .position(|x| x.reference == reference)
            .map(|i| ms.swap_remove(i))
    };
    let Some(mon) = found else {
        return; // demonitored meanwhile
    };
    if let Some(down) = rr.rtype.callbacks().down {
        let mut env = callback_env();
        let mut pid = ErlNifPid {
            pid: Term::pid(mon.pid).0,
        };
        let mut m = ErlNifMonitor { data: [0; 32] };
        write_monitor(&mut m, mon.reference, mon.pid, owner);
        // SAFETY: the type's callback with valid pointers, on a live object.
        unsafe { down(&mut env, data_of(r), &mut pid, &mut m) };
    }
    drop(guard);
}

/// Drops a count of a magic object when dropped.
struct ReleaseOnDrop(*const MagicHeader);

impl Drop for ReleaseOnDrop {
    fn drop(&mut self) {
        // SAFETY: the count was taken by `magic::lookup` for this guard.
        unsafe { magic::release(self.0) };
    }
}
