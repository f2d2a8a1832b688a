//! Dynamic driver loading (OTP's `erl_bif_ddll.c` and `erl_unix_sys_ddll.c`): the `erl_ddll`
//! BIFs that `erl_ddll.erl` calls (`try_load/3`, `try_unload/2`, `loaded_drivers/0`,
//! `info/2`, `format_error_int/1`, `monitor/2`, `demonitor/1`), the table of loaded drivers
//! with OTP's per-process reference counting, and the driver-facing `driver_lock_driver`,
//! `driver_dl_*`, `add_driver_entry` and `remove_driver_entry`.
//!
//! Loading: `dlopen(Path/Name.so, RTLD_NOW)`, `driver_init` (or `_driver_init`), the entry's
//! marker and version (major 2 or 3, minor at most 3 with major 3), its name, its `init`; the
//! driver is then registered with `erts` as a [`CFactory`]. Each `try_load` by a process adds
//! one reference for it; a driver whose last reference is gone (by `try_unload`, or its
//! loader having died: noticed lazily at the next `erl_ddll` call) is unloaded once its last
//! port has closed (at once with `kill_ports`: the ports exit with `driver_unloaded`).
//! Reloading (`{reload, _}`) waits in the same way, then loads the new library.
//! Errors are OTP's: the atoms of its error table, or `{open_error, Code}` for `dlopen`
//! errors, whose texts are kept in a table indexed by code (`format_error_int/1`).

use super::c_driver::{CFactory, LoadedDriver, Mutex};
use crate::driver_abi::*;
use erts::bif::Registry;
use erts::exception::{BifResult, Fail};
use erts::heap::Heap;
use erts::process::signals::{OwnedTerm, Signal};
use erts::process::Process;
use erts::term::{boxed, Term};
use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Registers the `erl_ddll` BIFs; call once at start-up, before any code is loaded.
pub fn init() {
    erts::bif::register_extension(register);
}

fn register(r: &mut Registry) {
    r.add("erl_ddll", "try_load", 3, try_load_3);
    r.add("erl_ddll", "try_unload", 2, try_unload_2);
    r.add("erl_ddll", "loaded_drivers", 0, loaded_drivers_0);
    r.add("erl_ddll", "info", 2, info_2);
    r.add("erl_ddll", "format_error_int", 1, format_error_int_1);
    r.add("erl_ddll", "monitor", 2, monitor_2);
    r.add("erl_ddll", "demonitor", 1, demonitor_1);
}

// ---- error codes --------------------------------------------------------------------------

const NO_ERROR: i64 = 0;
const NO_INIT: i64 = -1;
const FAILED_INIT: i64 = -2;
const BAD_NAME: i64 = -3;
const INCORRECT_VERSION: i64 = -5;
const NOT_FOUND: i64 = -8;
const DYNAMIC_ERROR_OFFSET: i64 = -10;

/// OTP's error atoms and their codes.
const ERR_ATOMS: [(&str, i64); 9] = [
    ("no_error", 0),
    ("no_driver_init", -1),
    ("driver_init_failed", -2),
    ("bad_driver_name", -3),
    ("driver_name_to_long", -4),
    ("driver_incorrect_version", -5),
    ("no_ddll_available", -6),
    ("unspecified_error", -7),
    ("symbol_not_found", -8),
];

/// Texts of `dlopen`/`dlsym` errors, indexed by `DYNAMIC_ERROR_OFFSET - code` (process-wide:
/// a cache keyed by the text).
static DL_ERRORS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// The code of a dynamic-linker error text (added to the table when new).
fn dl_error_code(text: &str) -> i64 {
    let mut t = DL_ERRORS.lock();
    let i = match t.iter().position(|s| s == text) {
        Some(i) => i,
        None => {
            t.push(text.to_string());
            t.len() - 1
        }
    };
    DYNAMIC_ERROR_OFFSET - i as i64
}

/// The text of error `code`.
fn error_text(code: i64) -> String {
    match code {
        0 => "No error",
        -1 => "No driver init in dynamic library",
        -2 => "Driver init failed",
        -3 => "Bad driver name",
        -4 => "Driver name to long",
        -5 => "Driver compiled with incorrect version of erl_driver.h",
        -6 => "DDLL functionality not available on this platform",
        -7 => "Unspecified dynamic library error",
        -8 => "Symbol not found in dynamic library",
        c if c > DYNAMIC_ERROR_OFFSET => "Unspecified error",
        c => {
            let i = (DYNAMIC_ERROR_OFFSET - c) as usize;
            return DL_ERRORS
                .lock()
                .get(i)
                .cloned()
                .unwrap_or_else(|| "Unknown dlload error".to_string());
        }
    }
    .to_string()
}

/// The error term of `code`: an atom of the table, else `{open_error, Code}`.
fn error_term(h: &mut Heap, code: i64) -> Term {
    match ERR_ATOMS.iter().find(|(_, c)| *c == code) {
        Some((a, _)) => am(a),
        None => boxed::tuple(h, &[am("open_error"), Term::small(code)]),
    }
}

fn am(s: &str) -> Term {
    Term::atom(erts::atom::atom(s))
}

/// The last `dlerror()` text, if any.
fn dlerror_text() -> Option<String> {
    // SAFETY: dlerror returns null or a NUL-terminated string valid until the next call.
    let e = unsafe { libc::dlerror() };
    // SAFETY: as above.
    (!e.is_null()).then(|| unsafe { CStr::from_ptr(e) }.to_string_lossy().into_owned())
}

/// `dlopen(file, RTLD_NOW)`: the handle, or the error text.
fn dl_open(file: &str) -> Result<*mut c_void, String> {
    let c = CString::new(file).map_err(|_| "invalid file name".to_string())?;
    // SAFETY: clearing the error state, then opening a NUL-terminated path.
    let h = unsafe {
        libc::dlerror();
        libc::dlopen(c.as_ptr(), libc::RTLD_NOW)
    };
    if h.is_null() {
        Err(dlerror_text().unwrap_or_else(|| "unspecified error".to_string()))
    } else {
        Ok(h)
    }
}

/// `dlsym`: the symbol, or the error text.
fn dl_sym(h: *mut c_void, name: &str) -> Result<*mut c_void, String> {
    let c = CString::new(name).map_err(|_| "invalid symbol name".to_string())?;
    // SAFETY: a handle from dlopen and a NUL-terminated name.
    unsafe {
        libc::dlerror();
        let s = libc::dlsym(h, c.as_ptr());
        match dlerror_text() {
            Some(e) => Err(e),
            None => Ok(s),
        }
    }
}

fn dl_close(h: *mut c_void) {
    if !h.is_null() {
        // SAFETY: a handle from dlopen, closed once.
        unsafe { libc::dlclose(h) };
    }
}

/// Loads driver `name` from `path` (without `.so`); the loaded driver or an error code.
fn load_driver(path: &str, name: &str) -> Result<Arc<LoadedDriver>, i64> {
    let file = format!("{path}.so");
    let dl = match dl_open(&file) {
        Ok(h) => h,
        Err(text) => {
            // Without the file name prefix, so that codes do not multiply.
            let short = text
                .strip_prefix(file.as_str())
                .map(|r| r.trim_start_matches([':', ' ']))
                .filter(|r| !r.is_empty())
                .unwrap_or(&text);
            return Err(dl_error_code(short));
        }
    };
    let fail = |code| {
        dl_close(dl);
        Err(code)
    };
    let init = match dl_sym(dl, "driver_init").or_else(|_| dl_sym(dl, "_driver_init")) {
        Ok(f) if !f.is_null() => f,
        _ => return fail(NO_INIT),
    };
    // SAFETY: `driver_init` has this signature in every driver.
    let init: DriverInitFn = unsafe { std::mem::transmute::<*mut c_void, DriverInitFn>(init) };
    // SAFETY: calling the driver's init function, catching a Rust-side panic.
    let entry = match std::panic::catch_unwind(|| unsafe { init() }) {
        Ok(e) if !e.is_null() => e,
        _ => return fail(FAILED_INIT),
    };
    // SAFETY: the entry returned by the driver stays valid while the library is loaded.
    let e = unsafe { &*entry };
    if e.extended_marker != ERL_DRV_EXTENDED_MARKER
        || e.major_version < ERL_DRV_MIN_REQUIRED_MAJOR_VERSION_ON_LOAD
        || e.major_version > ERL_DRV_EXTENDED_MAJOR_VERSION
        || (e.major_version == ERL_DRV_EXTENDED_MAJOR_VERSION
            && e.minor_version > ERL_DRV_EXTENDED_MINOR_VERSION)
    {
        return fail(INCORRECT_VERSION);
    }
    // SAFETY: the driver name is a NUL-terminated string of the library.
    if e.driver_name.is_null()
        || unsafe { CStr::from_ptr(e.driver_name) }.to_bytes() != name.as_bytes()
    {
        return fail(BAD_NAME);
    }
    // SAFETY: the entry is valid while `dl` stays open, which the LoadedDriver keeps.
    let drv = Arc::new(unsafe { LoadedDriver::new(entry, dl, false) });
    if let Some(f) = e.init {
        // SAFETY: the driver's init callback, once after loading.
        let r = drv.locked(|| unsafe { f() });
        if r != Some(0) {
            return fail(FAILED_INIT);
        }
    }
    Ok(drv)
}

/// Runs the driver's `finish`, forgets it in `erts` and closes its library.
fn unload(drv: &Arc<LoadedDriver>) {
    erts::port::driver::unregister(&drv.name);
    if let Some(f) = drv.entry().finish {
        // SAFETY: the driver's finish callback, once before unloading.
        drv.locked(|| unsafe { f() });
    }
    dl_close(drv.dl);
}

// ---- the driver table -----------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Status {
    Ok,
    Unload,
    Reload,
    Permanent,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// Loaded by the process; `deref`: not counted while a reload is pending.
    Loaded {
        deref: bool,
    },
    AwaitLoad(u64),
    AwaitUnload(u64),
    AwaitUnloadOnly(u64),
}

#[derive(Clone, Copy, Debug)]
struct ProcEntry {
    pid: u64,
    kind: Kind,
}

struct DriverRec {
    name: String,
    /// `Path/Name` (without `.so`).
    path: String,
    kill_ports: bool,
    status: Status,
    /// Entries, oldest first.
    procs: Vec<ProcEntry>,
    drv: Arc<LoadedDriver>,
    /// The pending reload: path and `kill_ports`.
    reload: Option<(String, bool)>,
}

impl DriverRec {
    fn loaded_count(&self) -> usize {
        self.procs
            .iter()
            .filter(|e| matches!(e.kind, Kind::Loaded { .. }))
            .count()
    }
    fn references(&self) -> usize {
        let procs = self
            .procs
            .iter()
            .filter(|e| e.kind == Kind::Loaded { deref: false })
            .count();
        procs + self.drv.port_count()
    }
}

/// Loaded drivers, in load order.
/// Per runtime instance.
fn table_cell() -> &'static Mutex<Vec<DriverRec>> {
    static S: erts::instance::InstanceLocal<Mutex<Vec<DriverRec>>> =
        erts::instance::InstanceLocal::new();
    S.get_or_init(|| Mutex::new(Vec::new()))
}

/// Drivers added with `add_driver_entry`.
/// Per runtime instance.
fn static_cell() -> &'static Mutex<Vec<Arc<LoadedDriver>>> {
    static S: erts::instance::InstanceLocal<Mutex<Vec<Arc<LoadedDriver>>>> =
        erts::instance::InstanceLocal::new();
    S.get_or_init(|| Mutex::new(Vec::new()))
}

/// A message to process `pid` (built on its own heap).
fn notify(pid: u64, build: impl FnOnce(&mut Heap) -> Term) {
    let _ = erts::process::exit::deliver(pid, Signal::Message(OwnedTerm::build(build)));
}

/// `{Type, Ref, driver, Name, Tag}` to `pid`; `Tag` built by `tag`.
fn notify_driver(
    pid: u64,
    reference: u64,
    ty: &str,
    name: NameTerm,
    tag: impl FnOnce(&mut Heap) -> Term,
) {
    notify(pid, |h| {
        let r = boxed::reference(h, reference);
        let n = name.build(h);
        let t = tag(h);
        boxed::tuple(h, &[am(ty), r, am("driver"), n, t])
    });
}

/// The name a notification carries: the driver's name as an atom, or the term the caller
/// gave (copied).
enum NameTerm {
    Atom(String),
    Given(OwnedTerm),
}

impl NameTerm {
    fn build(&self, h: &mut Heap) -> Term {
        match self {
            NameTerm::Atom(s) => am(s),
            NameTerm::Given(o) => erts::term::copy::copy(h, o.term),
        }
    }
}

/// Notifies and removes the entries of `rec` waiting as `pred` says.
fn notify_all(rec: &mut DriverRec, pred: impl Fn(Kind) -> Option<u64>, ty: &str, tag: &str) {
    let name = rec.name.clone();
    rec.procs.retain(|e| match pred(e.kind) {
        Some(r) => {
            notify_driver(e.pid, r, ty, NameTerm::Atom(name.clone()), |_| am(tag));
            false
        }
        None => true,
    });
}

fn await_load(k: Kind) -> Option<u64> {
    match k {
        Kind::AwaitLoad(r) => Some(r),
        _ => None,
    }
}

fn await_unload(k: Kind) -> Option<u64> {
    match k {
        Kind::AwaitUnload(r) | Kind::AwaitUnloadOnly(r) => Some(r),
        _ => None,
    }
}

/// Completes a pending unload or reload of `table[i]` when nothing references it any more.
fn maybe_finish(table: &mut Vec<DriverRec>, i: usize) {
    let rec = &mut table[i];
    if !matches!(rec.status, Status::Unload | Status::Reload) || rec.references() > 0 {
        return;
    }
    unload(&rec.drv);
    notify_all(rec, await_unload, "DOWN", "unloaded");
    if rec.status == Status::Unload {
        table.remove(i);
        return;
    }
    let (path, kill) = rec
        .reload
        .take()
        .unwrap_or_else(|| (rec.path.clone(), rec.kill_ports));
    match load_driver(&path, &rec.name) {
        Ok(drv) => {
            erts::port::driver::register(Arc::new(CFactory(drv.clone())));
            rec.drv = drv;
            rec.path = path;
            rec.kill_ports = kill;
            rec.status = Status::Ok;
            for e in rec.procs.iter_mut() {
                if let Kind::Loaded { .. } = e.kind {
                    e.kind = Kind::Loaded { deref: false };
                }
            }
            notify_all(rec, await_load, "UP", "loaded");
        }
        Err(code) => {
            let name = rec.name.clone();
            for e in std::mem::take(&mut rec.procs) {
                if let Kind::AwaitLoad(r) = e.kind {
                    notify_driver(e.pid, r, "DOWN", NameTerm::Atom(name.clone()), |h| {
                        let err = error_term(h, code);
                        boxed::tuple(h, &[am("load_failure"), err])
                    });
                }
            }
            table.remove(i);
        }
    }
}

/// Forgets the entries of dead processes (OTP does this when a process exits; here at the
/// next `erl_ddll` call). Returns the ports to kill (drivers loaded with `kill_ports` whose
/// last loader is gone).
fn prune(table: &mut Vec<DriverRec>) -> Vec<u64> {
    let mut kill = Vec::new();
    let mut i = 0;
    while i < table.len() {
        let rec = &mut table[i];
        if rec.status == Status::Permanent {
            i += 1;
            continue;
        }
        let before = rec.procs.len();
        rec.procs
            .retain(|e| erts::process::table::table().get(e.pid).is_some());
        if rec.procs.len() != before && rec.loaded_count() == 0 {
            if rec.status == Status::Reload {
                notify_all(rec, await_load, "DOWN", "load_cancelled");
                rec.reload = None;
            }
            rec.status = Status::Unload;
            if rec.kill_ports {
                kill.extend(rec.drv.ports.lock().iter().copied());
            }
        }
        let n = table.len();
        maybe_finish(table, i);
        if table.len() == n {
            i += 1;
        }
    }
    kill
}

/// Ends the given ports with `driver_unloaded` (without the table lock held).
fn kill_ports(ports: Vec<u64>) {
    for p in ports {
        if let Some(cell) = erts::port::lookup(p) {
            cell.with_driver(|_, core| core.exit(am("driver_unloaded")));
        }
    }
}

/// A driver's port has closed: an unload waiting for it may complete.
pub fn port_closed(drv: &Arc<LoadedDriver>) {
    let mut t = table_cell().lock();
    if let Some(i) = t.iter().position(|r| Arc::ptr_eq(&r.drv, drv)) {
        maybe_finish(&mut t, i);
    }
}

fn find(t: &[DriverRec], name: &str) -> Option<usize> {
    t.iter().position(|r| r.name == name)
}

// ---- BIFs ---------------------------------------------------------------------------------

/// A driver name: a non-empty atom or an iolist.
fn pick_list_or_atom(t: Term) -> Option<String> {
    if let Some(a) = t.as_atom() {
        let n = a.name();
        return (!n.is_empty()).then(|| n.to_string());
    }
    let b = erts::bif::iodata::iodata_to_bytes(t)?;
    Some(String::from_utf8_lossy(&b).into_owned())
}

fn ok_tuple(p: &mut Process, status: &str, monitor: Option<u64>) -> Term {
    match monitor {
        Some(r) => {
            let r = boxed::reference(&mut p.heap, r);
            boxed::tuple(&mut p.heap, &[am("ok"), am(status), r])
        }
        None => boxed::tuple(&mut p.heap, &[am("ok"), am(status)]),
    }
}

fn error_tuple(p: &mut Process, e: Term) -> Term {
    boxed::tuple(&mut p.heap, &[am("error"), e])
}

/// The value of a `{Tag, pending_driver | pending}` option: 1 or 2.
fn pending_opt(v: Term) -> Option<u8> {
    match v.as_atom().map(|a| a.name()) {
        Some("pending_driver") => Some(1),
        Some("pending") => Some(2),
        _ => None,
    }
}

/// The linked-in drivers `erl_ddll` reports, in OTP's order: OTP lists its static drivers
/// other than the port program and file descriptor ones (`spawn`, `fd`, `vanilla`). Of
/// those, this runtime has all but `sctp_inet`.
const LINKED_IN: [&str; 4] = ["tcp_inet", "udp_inet", "ram_file_drv", "tty_sl"];

/// Whether `name` is a linked-in driver (`erl_ddll` refuses to load or unload it).
fn is_linked_in(name: &str) -> bool {
    LINKED_IN.contains(&name) && erts::port::driver::lookup(name).is_some()
}

fn try_load_3(p: &mut Process, a: &[Term]) -> BifResult {
    let (mut monitor, mut reload, mut kill) = (0u8, 0u8, false);
    let opts = boxed::list_to_vec(a[2]).ok_or_else(Fail::badarg)?;
    for o in opts {
        if !o.is_tuple() || boxed::tuple_arity(o) != 2 {
            return Err(Fail::badarg());
        }
        let (k, v) = (boxed::tuple_element(o, 0), boxed::tuple_element(o, 1));
        match k.as_atom().map(|a| a.name()) {
            Some("driver_options") => {
                for d in boxed::list_to_vec(v).ok_or_else(Fail::badarg)? {
                    if d != am("kill_ports") {
                        return Err(Fail::badarg());
                    }
                    kill = true;
                }
            }
            Some("monitor") => monitor = pending_opt(v).ok_or_else(Fail::badarg)?,
            Some("reload") => reload = pending_opt(v).ok_or_else(Fail::badarg)?,
            _ => return Err(Fail::badarg()),
        }
    }
    let name = pick_list_or_atom(a[1]).ok_or_else(Fail::badarg)?;
    let path = erts::bif::iodata::iodata_to_bytes(a[0]).ok_or_else(Fail::badarg)?;
    let mut path = String::from_utf8_lossy(&path).into_owned();
    while path.ends_with('/') || path.ends_with('\\') {
        path.pop();
    }
    let full = format!("{path}/{name}");
    let me = p.id;
    if is_linked_in(&name) {
        return Ok(error_tuple(p, am("linked_in_driver")));
    }

    let mut t = table_cell().lock();
    let mut to_kill = prune(&mut t);
    let outcome: Result<&str, Result<&str, i64>> = match find(&t, &name) {
        Some(i) => {
            let rec = &mut t[i];
            match rec.status {
                Status::Ok => {
                    let others = rec
                        .procs
                        .iter()
                        .any(|e| matches!(e.kind, Kind::Loaded { .. }) && e.pid != me);
                    let mine = rec
                        .procs
                        .iter()
                        .filter(|e| matches!(e.kind, Kind::Loaded { .. }) && e.pid == me)
                        .count();
                    let is_last = !others && mine == 1;
                    if reload == 1 && !is_last {
                        Err(Ok("pending_process"))
                    } else if reload != 0 {
                        if rec.kill_ports != kill {
                            Err(Ok("inconsistent"))
                        } else if let Some(j) = rec
                            .procs
                            .iter()
                            .position(|e| matches!(e.kind, Kind::Loaded { .. }) && e.pid == me)
                        {
                            rec.procs.remove(j);
                            for e in rec.procs.iter_mut() {
                                if let Kind::Loaded { .. } = e.kind {
                                    e.kind = Kind::Loaded { deref: true };
                                }
                            }
                            rec.procs.push(ProcEntry {
                                pid: me,
                                kind: Kind::Loaded { deref: true },
                            });
                            rec.status = Status::Reload;
                            rec.reload = Some((full.clone(), kill));
                            if rec.kill_ports {
                                to_kill.extend(rec.drv.ports.lock().iter().copied());
                            }
                            Ok(if reload == 1 {
                                "pending_driver"
                            } else {
                                "pending_process"
                            })
                        } else {
                            Err(Ok("not_loaded_by_this_process"))
                        }
                    } else if rec.path != full || rec.kill_ports != kill {
                        Err(Ok("inconsistent"))
                    } else {
                        rec.procs.push(ProcEntry {
                            pid: me,
                            kind: Kind::Loaded { deref: false },
                        });
                        monitor = 0;
                        Ok("already_loaded")
                    }
                }
                Status::Unload => {
                    if reload != 0 {
                        Err(Ok("not_loaded_by_this_process"))
                    } else if rec.path != full || rec.kill_ports != kill {
                        Err(Ok("inconsistent"))
                    } else {
                        rec.status = Status::Ok;
                        notify_all(
                            rec,
                            |k| match k {
                                Kind::AwaitUnload(r) => Some(r),
                                _ => None,
                            },
                            "UP",
                            "unload_cancelled",
                        );
                        rec.procs.push(ProcEntry {
                            pid: me,
                            kind: Kind::Loaded { deref: false },
                        });
                        monitor = 0;
                        Ok("already_loaded")
                    }
                }
                Status::Reload => {
                    let (rpath, rkill) = rec.reload.clone().unwrap_or_default();
                    if reload != 0 {
                        Err(Ok("pending_reload"))
                    } else if rpath != full || rkill != kill {
                        Err(Ok("inconsistent"))
                    } else {
                        rec.procs.push(ProcEntry {
                            pid: me,
                            kind: Kind::Loaded { deref: true },
                        });
                        monitor += 1;
                        Ok("pending_driver")
                    }
                }
                Status::Permanent => Err(Ok("permanent")),
            }
        }
        None if reload != 0 => Err(Ok("not_loaded")),
        None => match load_driver(&full, &name) {
            Err(code) => Err(Err(code)),
            Ok(drv) => {
                if erts::port::driver::lookup(&name).is_some() {
                    unload(&drv);
                    Err(Ok("linked_in_driver"))
                } else {
                    erts::port::driver::register(Arc::new(CFactory(drv.clone())));
                    t.push(DriverRec {
                        name: name.clone(),
                        path: full.clone(),
                        kill_ports: kill,
                        status: Status::Ok,
                        procs: vec![ProcEntry {
                            pid: me,
                            kind: Kind::Loaded { deref: false },
                        }],
                        drv,
                        reload: None,
                    });
                    monitor = 0;
                    Ok("loaded")
                }
            }
        },
    };
    let res = match outcome {
        Ok(status) => {
            let mref = (monitor > 0).then(erts::bif::process::new_ref_id);
            if let (Some(r), Some(i)) = (mref, find(&t, &name)) {
                t[i].procs.push(ProcEntry {
                    pid: me,
                    kind: Kind::AwaitLoad(r),
                });
            }
            ok_tuple(p, status, mref)
        }
        Err(Ok(atom)) => error_tuple(p, am(atom)),
        Err(Err(code)) => {
            let e = error_term(&mut p.heap, code);
            error_tuple(p, e)
        }
    };
    drop(t);
    kill_ports(to_kill);
    let mut t = table_cell().lock();
    if let Some(i) = find(&t, &name) {
        maybe_finish(&mut t, i);
    }
    Ok(res)
}

fn try_unload_2(p: &mut Process, a: &[Term]) -> BifResult {
    let (mut monitor, mut kill) = (0i32, 0i32);
    for o in boxed::list_to_vec(a[1]).ok_or_else(Fail::badarg)? {
        if o == am("kill_ports") {
            kill = 1;
            continue;
        }
        if !o.is_tuple()
            || boxed::tuple_arity(o) != 2
            || boxed::tuple_element(o, 0) != am("monitor")
        {
            return Err(Fail::badarg());
        }
        monitor = pending_opt(boxed::tuple_element(o, 1)).ok_or_else(Fail::badarg)? as i32;
    }
    let name = pick_list_or_atom(a[0]).ok_or_else(Fail::badarg)?;
    let me = p.id;
    if is_linked_in(&name) {
        return Ok(error_tuple(p, am("linked_in_driver")));
    }
    let mut t = table_cell().lock();
    let mut to_kill = prune(&mut t);
    let Some(i) = find(&t, &name) else {
        drop(t);
        kill_ports(to_kill);
        return Ok(error_tuple(p, am("not_loaded")));
    };
    let rec = &mut t[i];
    if rec.status == Status::Permanent {
        drop(t);
        kill_ports(to_kill);
        return Ok(error_tuple(p, am("permanent")));
    }
    if rec.kill_ports {
        kill = 1;
    }
    match rec
        .procs
        .iter()
        .position(|e| matches!(e.kind, Kind::Loaded { .. }) && e.pid == me)
    {
        None if rec.loaded_count() > 0 => {
            drop(t);
            kill_ports(to_kill);
            return Ok(error_tuple(p, am("not_loaded_by_this_process")));
        }
        None => {}
        Some(j) => {
            rec.procs.remove(j);
        }
    }
    let status = if rec.loaded_count() > 0 {
        monitor -= 1;
        "pending_process"
    } else {
        if rec.status == Status::Reload {
            notify_all(rec, await_load, "DOWN", "load_cancelled");
            rec.reload = None;
        }
        if rec.drv.port_count() > 0 {
            kill += 1;
        }
        rec.status = Status::Unload;
        "pending_driver"
    };
    if kill > 1 {
        to_kill.extend(rec.drv.ports.lock().iter().copied());
    }
    let mref = (monitor > 0).then(erts::bif::process::new_ref_id);
    if let Some(r) = mref {
        rec.procs.push(ProcEntry {
            pid: me,
            kind: Kind::AwaitUnload(r),
        });
    }
    drop(t);
    kill_ports(to_kill);
    let mut t = table_cell().lock();
    if let Some(i) = find(&t, &name) {
        maybe_finish(&mut t, i);
    }
    drop(t);
    Ok(ok_tuple(p, status, mref))
}

fn loaded_drivers_0(p: &mut Process, _a: &[Term]) -> BifResult {
    let mut t = table_cell().lock();
    let to_kill = prune(&mut t);
    let names: Vec<String> = LINKED_IN
        .iter()
        .filter(|n| is_linked_in(n))
        .map(|n| n.to_string())
        .chain(t.iter().map(|r| r.name.clone()))
        .collect();
    drop(t);
    kill_ports(to_kill);
    let items: Vec<Term> = names
        .iter()
        .map(|n| boxed::string(&mut p.heap, n.bytes().map(u32::from)))
        .collect();
    let l = boxed::list(&mut p.heap, &items);
    Ok(boxed::tuple(&mut p.heap, &[am("ok"), l]))
}

fn info_2(p: &mut Process, a: &[Term]) -> BifResult {
    let name = pick_list_or_atom(a[0]).ok_or_else(Fail::badarg)?;
    let item = a[1].as_atom().ok_or_else(Fail::badarg)?;
    if is_linked_in(&name) {
        return match item.name() {
            "linked_in_driver" => Ok(am("true")),
            "permanent" => Ok(am("false")),
            "processes" | "driver_options" | "port_count" | "awaiting_load" | "awaiting_unload" => {
                Ok(am("linked_in_driver"))
            }
            _ => Err(Fail::badarg()),
        };
    }
    let mut t = table_cell().lock();
    let to_kill = prune(&mut t);
    let res = (|| {
        let i = find(&t, &name)?;
        let rec = &t[i];
        let permanent = rec.status == Status::Permanent;
        let filter: fn(Kind) -> bool = match item.name() {
            "processes" => |k| matches!(k, Kind::Loaded { .. }),
            "awaiting_load" => |k| matches!(k, Kind::AwaitLoad(_)),
            "awaiting_unload" => |k| matches!(k, Kind::AwaitUnload(_) | Kind::AwaitUnloadOnly(_)),
            "driver_options" => {
                return Some(if rec.kill_ports {
                    boxed::list(&mut p.heap, &[am("kill_ports")])
                } else {
                    Term::NIL
                })
            }
            "port_count" if permanent => return Some(am("permanent")),
            "port_count" => return Some(Term::small(rec.drv.port_count() as i64)),
            "linked_in_driver" => return Some(am("false")),
            "permanent" => return Some(am(if permanent { "true" } else { "false" })),
            _ => return None,
        };
        if permanent {
            return Some(am("permanent"));
        }
        // Distinct pids with counts, in OTP's order (its list is newest first and the
        // result is built by consing).
        let mut pei: Vec<(u64, i64)> = Vec::new();
        for e in rec.procs.iter().rev().filter(|e| filter(e.kind)) {
            match pei.iter_mut().find(|(pid, _)| *pid == e.pid) {
                Some(x) => x.1 += 1,
                None => pei.push((e.pid, 1)),
            }
        }
        let items: Vec<Term> = pei
            .iter()
            .rev()
            .map(|&(pid, n)| boxed::tuple(&mut p.heap, &[Term::pid(pid), Term::small(n)]))
            .collect();
        Some(boxed::list(&mut p.heap, &items))
    })();
    drop(t);
    kill_ports(to_kill);
    res.ok_or_else(Fail::badarg)
}

fn format_error_int_1(p: &mut Process, a: &[Term]) -> BifResult {
    let t = a[0];
    let text = match t.as_atom().map(|x| x.name()) {
        Some("inconsistent") => {
            "Driver name and/or driver options are inconsistent with currently loaded driver"
                .to_string()
        }
        Some("linked_in_driver") => {
            "Driver is statically linked and cannot be loaded/unloaded".to_string()
        }
        Some("permanent") => "DDLL driver is permanent an cannot be unloaded/loaded".to_string(),
        Some("not_loaded") => "DDLL driver is not loaded".to_string(),
        Some("not_loaded_by_this_process") => {
            "DDLL driver was not loaded by this process".to_string()
        }
        Some("not_pending") => "DDLL load not pending for this driver name".to_string(),
        Some("already_loaded") => "DDLL driver is already loaded successfully".to_string(),
        Some("pending_reload") => "Driver reloading is already pending".to_string(),
        Some("pending_process") => {
            "Driver is loaded by others when attempting option {reload, pending_driver}".to_string()
        }
        Some(other) => {
            let (_, code) = ERR_ATOMS
                .iter()
                .find(|(n, _)| *n == other)
                .ok_or_else(Fail::badarg)?;
            error_text(*code)
        }
        None => {
            if !t.is_tuple()
                || boxed::tuple_arity(t) != 2
                || boxed::tuple_element(t, 0) != am("open_error")
            {
                return Err(Fail::badarg());
            }
            let code = boxed::tuple_element(t, 1)
                .as_small()
                .ok_or_else(Fail::badarg)?;
            error_text(code)
        }
    };
    Ok(boxed::string(&mut p.heap, text.bytes().map(u32::from)))
}

fn monitor_2(p: &mut Process, a: &[Term]) -> BifResult {
    if a[0] != am("driver") || !a[1].is_tuple() || boxed::tuple_arity(a[1]) != 2 {
        return Err(Fail::badarg());
    }
    let (name_t, when) = (boxed::tuple_element(a[1], 0), boxed::tuple_element(a[1], 1));
    let name = pick_list_or_atom(name_t).ok_or_else(Fail::badarg)?;
    let when = match when.as_atom().map(|x| x.name()) {
        Some(w @ ("loaded" | "unloaded" | "unloaded_only")) => w,
        _ => return Err(Fail::badarg()),
    };
    let me = p.id;
    let r = erts::bif::process::new_ref_id();
    let mut t = table_cell().lock();
    let to_kill = prune(&mut t);
    let immediate = match find(&t, &name) {
        None => Some(("DOWN", "unloaded")),
        Some(i) => {
            let rec = &mut t[i];
            match (when, rec.status) {
                (_, Status::Permanent) => Some(("UP", "permanent")),
                ("loaded", Status::Ok) => Some(("UP", "loaded")),
                ("loaded", Status::Unload) => Some(("DOWN", "load_cancelled")),
                ("loaded", _) => {
                    rec.procs.push(ProcEntry {
                        pid: me,
                        kind: Kind::AwaitLoad(r),
                    });
                    None
                }
                ("unloaded", _) => {
                    rec.procs.push(ProcEntry {
                        pid: me,
                        kind: Kind::AwaitUnload(r),
                    });
                    None
                }
                _ => {
                    rec.procs.push(ProcEntry {
                        pid: me,
                        kind: Kind::AwaitUnloadOnly(r),
                    });
                    None
                }
            }
        }
    };
    drop(t);
    kill_ports(to_kill);
    if let Some((ty, tag)) = immediate {
        notify_driver(
            me,
            r,
            ty,
            NameTerm::Given(OwnedTerm::copy_of(name_t)),
            |_| am(tag),
        );
    }
    Ok(boxed::reference(&mut p.heap, r))
}

fn demonitor_1(p: &mut Process, a: &[Term]) -> BifResult {
    if !a[0].is_reference() {
        return Err(Fail::badarg());
    }
    let r = boxed::reference_id(a[0]);
    let me = p.id;
    let mut t = table_cell().lock();
    for rec in t.iter_mut() {
        if let Some(j) = rec.procs.iter().position(|e| {
            e.pid == me
                && matches!(e.kind, Kind::AwaitLoad(x) | Kind::AwaitUnload(x) | Kind::AwaitUnloadOnly(x) if x == r)
        }) {
            rec.procs.remove(j);
            break;
        }
    }
    Ok(am("true"))
}

// ---- driver-facing functions --------------------------------------------------------------

/// `driver_lock_driver`: the port's driver stays loaded for the life of the runtime.
///
/// # Safety
/// `port` must be a live port handle.
#[no_mangle]
pub unsafe extern "C" fn driver_lock_driver(port: ErlDrvPort) -> c_int {
    // SAFETY: per the contract.
    let Some(h) = (unsafe { super::c_driver::handle(port) }) else {
        return -1;
    };
    h.driver.permanent.store(true, Ordering::Release);
    let mut t = table_cell().lock();
    if let Some(rec) = t.iter_mut().find(|r| Arc::ptr_eq(&r.drv, &h.driver)) {
        let name = rec.name.clone();
        for e in std::mem::take(&mut rec.procs) {
            if let Kind::AwaitLoad(r) | Kind::AwaitUnload(r) | Kind::AwaitUnloadOnly(r) = e.kind {
                notify_driver(e.pid, r, "UP", NameTerm::Atom(name.clone()), |_| {
                    am("permanent")
                });
            }
        }
        rec.status = Status::Permanent;
        rec.reload = None;
    }
    0
}

thread_local! {
    /// The last `driver_dl_*` error of this thread (NUL-terminated text).
    static DL_LAST_ERROR: std::cell::RefCell<CString> = std::cell::RefCell::new(CString::default());
}

fn set_dl_error(text: &str) {
    let c = CString::new(text.replace('\0', "")).unwrap_or_default();
    DL_LAST_ERROR.with(|e| *e.borrow_mut() = c);
}

/// `driver_dl_open`: opens `path` + `.so`; null on error (see `driver_dl_error`).
///
/// # Safety
/// `path` must be NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn driver_dl_open(path: *mut c_char) -> *mut c_void {
    if path.is_null() {
        set_dl_error(&error_text(-7));
        return std::ptr::null_mut();
    }
    // SAFETY: per the contract.
    let p = unsafe { CStr::from_ptr(path) }.to_string_lossy();
    match dl_open(&format!("{p}.so")) {
        Ok(h) => h,
        Err(e) => {
            set_dl_error(&e);
            std::ptr::null_mut()
        }
    }
}

/// `driver_dl_sym`: a symbol of a library opened with `driver_dl_open`.
///
/// # Safety
/// `handle` must come from `driver_dl_open`; `func_name` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn driver_dl_sym(handle: *mut c_void, func_name: *mut c_char) -> *mut c_void {
    if handle.is_null() || func_name.is_null() {
        set_dl_error(&error_text(NOT_FOUND));
        return std::ptr::null_mut();
    }
    // SAFETY: per the contract.
    let n = unsafe { CStr::from_ptr(func_name) }.to_string_lossy();
    match dl_sym(handle, &n) {
        Ok(s) => s,
        Err(e) => {
            set_dl_error(&e);
            std::ptr::null_mut()
        }
    }
}

/// `driver_dl_close`: 0 on success.
///
/// # Safety
/// `handle` must come from `driver_dl_open` and not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn driver_dl_close(handle: *mut c_void) -> c_int {
    if handle.is_null() {
        return -1;
    }
    // SAFETY: per the contract.
    if unsafe { libc::dlclose(handle) } == 0 {
        NO_ERROR as c_int
    } else {
        set_dl_error(&dlerror_text().unwrap_or_else(|| "unspecified error".to_string()));
        -1
    }
}

/// `driver_dl_error`: the text of this thread's last `driver_dl_*` error.
#[no_mangle]
pub extern "C" fn driver_dl_error() -> *mut c_char {
    // The buffer lives in this thread's storage until the next error replaces it.
    DL_LAST_ERROR.with(|e| e.borrow().as_ptr() as *mut c_char)
}

/// `add_driver_entry`: adds a driver (calling its `init`) as if linked in.
///
/// # Safety
/// `de` must be a valid entry that outlives its use.
#[no_mangle]
pub unsafe extern "C" fn add_driver_entry(de: *mut ErlDrvEntry) {
    if de.is_null() {
        return;
    }
    // SAFETY: per the contract.
    let drv = Arc::new(unsafe { LoadedDriver::new(de, std::ptr::null_mut(), true) });
    if let Some(f) = drv.entry().init {
        // SAFETY: the entry's init callback.
        if drv.locked(|| unsafe { f() }) != Some(0) {
            return;
        }
    }
    erts::port::driver::register(Arc::new(CFactory(drv.clone())));
    static_cell().lock().push(drv);
}

/// `remove_driver_entry`: removes a driver added by `add_driver_entry`; 0 on success, -1 when
/// it is unknown or has ports.
///
/// # Safety
/// `de` must be an entry given to `add_driver_entry`.
#[no_mangle]
pub unsafe extern "C" fn remove_driver_entry(de: *mut ErlDrvEntry) -> c_int {
    let mut s = static_cell().lock();
    let Some(i) = s.iter().position(|d| d.entry_ptr() == de) else {
        return -1;
    };
    if s[i].port_count() > 0 {
        return -1;
    }
    let d = s.remove(i);
    erts::port::driver::unregister(&d.name);
    0
}

/// The error texts of `erl_ddll:format_error_int/1` (for tests).
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_texts() {
        assert_eq!(error_text(-3), "Bad driver name");
        assert_eq!(error_text(-9), "Unspecified error");
        assert_eq!(error_text(1), "Unspecified error");
        assert_eq!(error_text(-1000), "Unknown dlload error");
        let c = dl_error_code("some text");
        assert!(c <= DYNAMIC_ERROR_OFFSET);
        assert_eq!(error_text(c), "some text");
        assert_eq!(dl_error_code("some text"), c);
    }
}
