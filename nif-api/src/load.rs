//! NIF library loading (OTP's `erlang:load_nif/2` in `erl_nif.c`): `dlopen(Path ++ ".so",
//! RTLD_NOW)`, the `nif_init` entry (or `_nif_init`), the checks of the entry in OTP's order
//! with OTP's error tuples, the `load`/`upgrade` callbacks, and the installation of each
//! function into the calling module's code (`erts::nif::install`). A module with a library
//! built into the runtime (`erts::nifs`) gets that library instead of the path's.
//!
//! Functions flagged `ERL_NIF_DIRTY_JOB_CPU_BOUND`/`IO_BOUND` are installed to run on the
//! dirty schedulers (`erts::sched::dirty`). Purging a module version calls its library's
//! `unload` callback ([`purged`]); the library itself stays mapped (processes may still run
//! the purged code, which this runtime does not kill yet).

use crate::abi::*;
use crate::env::{ErlNifEnv, ON_SCHEDULER};
use erts::atom::{self, Atom};
use erts::bif::Registry;
use erts::exception::{BifResult, Fail};
use erts::module::{modules, Module};
use erts::process::Process;
use erts::term::{boxed, Term};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::ffi::{c_void, CStr, CString};
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::Arc;

/// A loaded NIF library (never freed: installed code points at its functions).
pub struct NifLib {
    /// The module the library belongs to.
    pub module: Atom,
    /// The `dlopen` handle.
    pub handle: *mut c_void,
    /// The library's `priv_data` (`enif_priv_data`).
    pub(crate) priv_data: AtomicPtr<c_void>,
    /// The entry's `unload` callback, called when the module version is purged.
    unload: Option<UnloadFn>,
}

// SAFETY: the handle is only used to keep the library open; `priv_data` is atomic.
unsafe impl Send for NifLib {}
// SAFETY: as above.
unsafe impl Sync for NifLib {}

/// What `erts` keeps of an installed function (an [`erts::nif::NifCallee`]): the C function
/// and its library.
pub(crate) fn callee(fptr: NifCFn, lib: *const NifLib, flags: u32) -> erts::nif::NifCallee {
    erts::nif::NifCallee {
        fptr: fptr as *const (),
        lib: lib as *const (),
        dirty: dirty_kind(flags),
        builtin: None,
    }
}

/// The dirty pool named by `ERL_NIF_DIRTY_JOB_*` flags (`None` for 0).
pub(crate) fn dirty_kind(flags: u32) -> Option<erts::nif::DirtyKind> {
    match flags {
        ERL_NIF_DIRTY_JOB_CPU_BOUND => Some(erts::nif::DirtyKind::Cpu),
        ERL_NIF_DIRTY_JOB_IO_BOUND => Some(erts::nif::DirtyKind::Io),
        _ => None,
    }
}

/// The library loaded for each module version (keyed by the address of its code).
fn libs() -> &'static Mutex<HashMap<usize, &'static NifLib>> {
    static L: erts::instance::InstanceLocal<Mutex<HashMap<usize, &'static NifLib>>> =
        erts::instance::InstanceLocal::new();
    L.get_or_init(Default::default)
}

fn module_key(m: &Module) -> usize {
    m.code.as_ptr() as usize
}

/// The purge hook (`erts::code::set_purge_hook`): the NIF library loaded by the purged
/// version `m`, if any, is unloaded: its `unload` callback runs with the version's
/// `priv_data`, and a later version can load the library afresh.
pub(crate) fn purged(m: &Module) {
    let Some(lib) = libs().lock().remove(&module_key(m)) else {
        return;
    };
    let Some(unload) = lib.unload else {
        return;
    };
    let mut env = ErlNifEnv::independent();
    env.lib = lib;
    let was = ON_SCHEDULER.with(|s| s.replace(true));
    // SAFETY: the library's unload callback, with a valid environment and the private data
    // its load (or upgrade) callback set; called once, as the version is purged once.
    unsafe { unload(&mut env, lib.priv_data.load(Ordering::Acquire)) };
    ON_SCHEDULER.with(|s| s.set(was));
}

pub(crate) fn register(r: &mut Registry) {
    r.add("erlang", "load_nif", 2, load_nif_2);
}

/// `{error, {Kind, Text}}`.
fn error(p: &mut Process, kind: &str, text: &str) -> BifResult {
    let t = boxed::string(&mut p.heap, text.chars().map(|c| c as u32));
    let inner = boxed::tuple(&mut p.heap, &[Term::atom(atom::atom(kind)), t]);
    Ok(boxed::tuple(&mut p.heap, &[Term::atom(atom::ERROR), inner]))
}

fn dl_error() -> String {
    // SAFETY: dlerror returns null or a NUL-terminated string valid until the next dl call.
    unsafe {
        let e = libc::dlerror();
        if e.is_null() {
            String::new()
        } else {
            CStr::from_ptr(e).to_string_lossy().into_owned()
        }
    }
}

/// The path argument as OTP 25 takes it: a binary, or a possibly deep list of characters
/// and binaries; anything else (an atom, an integer, an improper list) is `badarg`.
fn path_arg(t: Term) -> Option<String> {
    if let Some(b) = boxed::binary_bytes(t) {
        return Some(String::from_utf8_lossy(b).into_owned());
    }
    if !t.is_list() && !t.is_nil() {
        return None;
    }
    let mut out = String::new();
    let mut stack = vec![t];
    while let Some(t) = stack.pop() {
        if t.is_nil() {
            continue;
        }
        if t.is_list() {
            let (h, tl) = (t.head(), t.tail());
            if !tl.is_list() && !tl.is_nil() {
                return None;
            }
            stack.push(tl);
            if let Some(c) = h.as_small() {
                out.push(char::from_u32(u32::try_from(c).ok()?)?);
            } else if let Some(b) = boxed::binary_bytes(h) {
                out.push_str(&String::from_utf8_lossy(b));
            } else if h.is_list() || h.is_nil() {
                stack.push(h);
            } else {
                return None;
            }
        } else {
            return None;
        }
    }
    Some(out)
}

fn load_nif_2(p: &mut Process, args: &[Term]) -> BifResult {
    let path = path_arg(args[0]).ok_or_else(Fail::badarg)?;
    let load_info = args[1];
    let caller = modules().find_by_pc(p.pc).ok_or_else(Fail::badarg)?;
    let name = caller.name;
    let current = modules().get(name);
    let is_current = current.as_ref().is_some_and(|c| Arc::ptr_eq(c, &caller));
    let pending =
        erts::code::on_load_pending_module(name).is_some_and(|m| Arc::ptr_eq(&m, &caller));
    if !is_current && !pending {
        return error(
            p,
            "old_code",
            &format!(
                "Calling load_nif from old module '{}' not allowed",
                name.name()
            ),
        );
    }
    // The previous version (for `upgrade`): the current one when the caller runs its on_load.
    let prev = if pending { current } else { None };
    if libs().lock().contains_key(&module_key(&caller)) {
        return error(
            p,
            "reload",
            "NIF library already loaded (reload disallowed since OTP 20).",
        );
    }
    // A module with a library built into the runtime gets it whatever the path says, as
    // OTP's static NIFs (`prim_file`, `prim_buffer`).
    if let Some(builtin) = erts::nifs::lookup(name) {
        return match erts::nifs::load(&caller, builtin, load_info) {
            Ok(()) => Ok(Term::atom(atom::OK)),
            Err(e) => error(p, e.kind(), &e.text()),
        };
    }
    let close = |h: *mut c_void| {
        if !h.is_null() {
            // SAFETY: `h` is the handle opened below, used by nothing else.
            unsafe { libc::dlclose(h) };
        }
    };
    // A library the host registered for the module (`erts_register_static_nif`) is used
    // whatever the path says, as OTP's static NIF libraries.
    let (handle, entry) = match crate::static_libs::lookup(name) {
        Some(entry) => (std::ptr::null_mut(), entry),
        None => match open_library(p, &path)? {
            Ok(pair) => pair,
            Err(answer) => return Ok(answer),
        },
    };
    // SAFETY: null or the library's static entry, alive while the library is loaded (a
    // static library's entry lives as long as the host keeps it registered: always).
    let Some(entry) = (unsafe { entry.as_ref() }) else {
        close(handle);
        return error(p, "bad_lib", "Library init-call unsuccessful");
    };
    // The entry lives in the library: everything reported from it is copied before the
    // library is closed.
    let (major, minor) = (entry.major, entry.minor);
    if major > ERL_NIF_MAJOR_VERSION
        || (major == ERL_NIF_MAJOR_VERSION && minor > ERL_NIF_MINOR_VERSION)
    {
        // Too new: OTP names the erts version the library asks for (`min_erts`, in
        // entries since 2.14).
        let min_erts = if entry.min_erts.is_null() {
            String::new()
        } else {
            // SAFETY: a NUL-terminated static string of the (still open) library.
            unsafe { CStr::from_ptr(entry.min_erts) }
                .to_string_lossy()
                .into_owned()
        };
        close(handle);
        return error(
            p,
            "bad_lib",
            &format!(
                "That '{}' NIF library needs {min_erts} or newer. Either try to recompile the NIF lib or use a newer erts runtime.",
                name.name()
            ),
        );
    }
    if major < 2 || (major == 2 && minor == 5) {
        close(handle);
        return error(
            p,
            "bad_lib",
            &format!(
                "Library version ({major}.{minor}) not compatible (with {ERL_NIF_MAJOR_VERSION}.{ERL_NIF_MINOR_VERSION})."
            ),
        );
    }
    // SAFETY: the entry's strings are NUL-terminated static strings of the library.
    let cstr = |s: *const std::ffi::c_char| unsafe {
        if s.is_null() {
            String::new()
        } else {
            CStr::from_ptr(s).to_string_lossy().into_owned()
        }
    };
    let variant = cstr(entry.vm_variant);
    if (entry.major > 2 || entry.minor >= 1) && variant != ERL_NIF_VM_VARIANT {
        close(handle);
        return error(
            p,
            "bad_lib",
            &format!(
                "Library ({variant}) not compiled for this vm variant ({ERL_NIF_VM_VARIANT})."
            ),
        );
    }
    let lib_mod = cstr(entry.name);
    if lib_mod != name.name() {
        close(handle);
        return error(
            p,
            "bad_lib",
            &format!(
                "Library module name '{lib_mod}' does not match calling module '{}'",
                name.name()
            ),
        );
    }
    let funcs: &[ErlNifFunc] = if entry.num_of_funcs <= 0 || entry.funcs.is_null() {
        &[]
    } else {
        // SAFETY: the entry describes `num_of_funcs` functions at `funcs`.
        unsafe { std::slice::from_raw_parts(entry.funcs, entry.num_of_funcs as usize) }
    };
    let mut resolved = Vec::with_capacity(funcs.len());
    for (i, f) in funcs.iter().enumerate() {
        // Copied: the messages below are made after the library is closed.
        let (fname, arity, flags) = (cstr(f.name), f.arity, f.flags);
        let fatom = atom::existing(&fname);
        let found = fatom.and_then(|a| erts::nif::function_entry(&caller, a, arity).map(|_| a));
        let Some(fatom) = found else {
            close(handle);
            return error(
                p,
                "bad_lib",
                &format!("Function not found {}:{}/{}", name.name(), fname, arity),
            );
        };
        if flags != 0 && flags != ERL_NIF_DIRTY_JOB_CPU_BOUND && flags != ERL_NIF_DIRTY_JOB_IO_BOUND
        {
            close(handle);
            return error(
                p,
                "bad_lib",
                &format!(
                    "Illegal flags field value {} for NIF {}:{}/{}",
                    flags,
                    name.name(),
                    fname,
                    arity
                ),
            );
        }
        if funcs[..i]
            .iter()
            .any(|g| g.arity == arity && cstr(g.name) == fname)
        {
            close(handle);
            return error(
                p,
                "bad_lib",
                &format!(
                    "Duplicate NIF entry for {}:{}/{}",
                    name.name(),
                    fname,
                    arity
                ),
            );
        }
        let Some(fptr) = f.fptr else {
            close(handle);
            return error(
                p,
                "bad_lib",
                &format!("Function not found {}:{}/{}", name.name(), fname, arity),
            );
        };
        resolved.push((fatom, arity, fptr, flags));
    }
    // The instance's record of the library (its own `priv_data`), freed with the instance.
    let lib: &'static NifLib = erts::instance::leak(NifLib {
        module: name,
        handle,
        priv_data: AtomicPtr::new(std::ptr::null_mut()),
        unload: entry.unload,
    });
    let prev_lib = prev
        .as_ref()
        .and_then(|m| libs().lock().get(&module_key(m)).copied());
    let mut env = ErlNifEnv::for_process(p, lib);
    let mut priv_data: *mut c_void = std::ptr::null_mut();
    let was = ON_SCHEDULER.with(|s| s.replace(true));
    // `sizeof_ErlNifResourceTypeInit` is in the entry since NIF 2.12.
    let init_size = if entry.major > 2 || entry.minor >= 12 {
        entry.sizeof_ErlNifResourceTypeInit
    } else {
        16
    };
    crate::resource::begin_load(name, init_size);
    let result = if let Some(prev_lib) = prev_lib {
        match entry.upgrade {
            None => Err((
                "upgrade",
                "Upgrade not supported by this NIF library.".to_string(),
            )),
            Some(up) => {
                let mut old = prev_lib.priv_data.load(Ordering::Acquire);
                // SAFETY: the library's upgrade callback with a valid env and pointers.
                let veto = unsafe { up(&mut env, &mut priv_data, &mut old, load_info.0) };
                prev_lib.priv_data.store(old, Ordering::Release);
                if veto != 0 {
                    Err((
                        "upgrade",
                        format!("Library upgrade-call unsuccessful ({veto})."),
                    ))
                } else {
                    Ok(())
                }
            }
        }
    } else if let Some(load) = entry.load {
        // SAFETY: the library's load callback with a valid env and pointer.
        let veto = unsafe { load(&mut env, &mut priv_data, load_info.0) };
        if veto != 0 {
            Err(("load", format!("Library load-call unsuccessful ({veto}).")))
        } else {
            Ok(())
        }
    } else {
        Ok(())
    };
    ON_SCHEDULER.with(|s| s.set(was));
    crate::resource::end_load(result.is_ok());
    drop(env);
    if let Err((kind, text)) = result {
        close(handle);
        return error(p, kind, &text);
    }
    lib.priv_data.store(priv_data, Ordering::Release);
    for (fatom, arity, fptr, flags) in resolved {
        let f: &'static erts::nif::NifCallee = erts::instance::leak(callee(fptr, lib, flags));
        if erts::nif::install(&caller, fatom, arity, f).is_err() {
            return Err(Fail::badarg());
        }
    }
    libs().lock().insert(module_key(&caller), lib);
    Ok(Term::atom(atom::OK))
}

/// Opens the library `{path}.so` and calls its `nif_init`: the handle and the entry it
/// returned, or (`Ok(Err(answer))`) the error tuple `load_nif` answers.
#[allow(clippy::type_complexity)]
fn open_library(
    p: &mut Process,
    path: &str,
) -> Result<Result<(*mut c_void, *mut ErlNifEntry), Term>, Fail> {
    let lib_name = format!("{path}.so");
    let Ok(c_name) = CString::new(lib_name.clone()) else {
        return Err(Fail::badarg());
    };
    // SAFETY: a NUL-terminated path; the library's constructors run here, as with OTP.
    let handle = unsafe { libc::dlopen(c_name.as_ptr(), libc::RTLD_NOW) };
    if handle.is_null() {
        let e = dl_error();
        let text = if e.contains(&lib_name) {
            format!("Failed to load NIF library: '{e}'")
        } else {
            format!("Failed to load NIF library {lib_name}: '{e}'")
        };
        return error(p, "load_failed", &text).map(Err);
    }
    let close = |h| {
        // SAFETY: `h` is the handle opened above, used by nothing else.
        unsafe { libc::dlclose(h) };
    };
    // SAFETY: `handle` is a valid dlopen handle; the names are NUL-terminated.
    let mut init = unsafe { libc::dlsym(handle, c"nif_init".as_ptr()) };
    if init.is_null() {
        // SAFETY: as above.
        init = unsafe { libc::dlsym(handle, c"_nif_init".as_ptr()) };
    }
    if init.is_null() {
        let e = dl_error();
        close(handle);
        return error(
            p,
            "bad_lib",
            &format!("Failed to find library init function: '{e}'"),
        )
        .map(Err);
    }
    // SAFETY: `nif_init` has the signature `ErlNifEntry* (void)` in every NIF library.
    let init: unsafe extern "C" fn() -> *mut ErlNifEntry = unsafe { std::mem::transmute(init) };
    // SAFETY: calling the library's init, which returns a pointer to its static entry.
    let entry = unsafe { init() };
    Ok(Ok((handle, entry)))
}
