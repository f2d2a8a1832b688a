//! Loading code into a runtime: a module from the code path, a `.beam` file, `.beam` bytes
//! in memory, a code path folder; and static NIF libraries (C functions the host registers
//! as the NIFs of a module, with no `.so`).
//!
//! A module with an `-on_load` function is current only once that function has returned
//! `ok`; these calls wait for it and fail with `ERTS_LOAD_FAILED` when it does not.

use super::runtime::{erts_runtime, runtime};
use super::{erts_status, guard, str_arg, Failure, ERTS_BADARG, ERTS_LOAD_FAILED};
use erts::atom::{self, Atom};
use erts::code::CodeError;
use nif_api::abi::ErlNifEntry;
use std::ffi::c_char;
use std::path::PathBuf;
use std::time::Duration;

/// Waits for the `on_load` function of `module`, if it has one running (loading it runs it
/// on the schedulers).
fn wait_on_load(module: Atom) -> Result<(), Failure> {
    if !erts::code::on_load_pending(module) {
        return Ok(());
    }
    let (tx, rx) = std::sync::mpsc::channel();
    erts::code::when_on_load_done(
        module,
        Box::new(move |ok| {
            let _ = tx.send(ok);
        }),
    );
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(true) => Ok(()),
        Ok(false) => Err(Failure(
            ERTS_LOAD_FAILED,
            format!("the on_load function of {} failed", module.name()),
        )),
        Err(_) => Err(Failure(
            ERTS_LOAD_FAILED,
            format!("the on_load function of {} did not finish", module.name()),
        )),
    }
}

fn load_failed(module: &str, e: CodeError) -> Failure {
    let why = match e {
        CodeError::NotFound => "not found in the code path".to_string(),
        CodeError::Load(e) => format!("not a valid module: {e:?}"),
        CodeError::OnLoadFailed => "its on_load function failed".to_string(),
        CodeError::OnLoadPending => "its on_load function is running".to_string(),
    };
    Failure(ERTS_LOAD_FAILED, format!("cannot load {module}: {why}"))
}

/// Loads `bytes` as `module` and waits for its `on_load` function.
fn load_bytes(module: Atom, bytes: &[u8], file: Option<PathBuf>) -> Result<(), Failure> {
    match erts::code::load_module_bytes(module, bytes, file) {
        Ok(_) => Ok(()),
        Err(CodeError::OnLoadPending) => wait_on_load(module),
        Err(e) => Err(load_failed(module.name(), e)),
    }
}

/// Loads `module` from the runtime's code path unless it is loaded.
///
/// # Safety
/// `rt` must be a live handle; `module` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn erts_load_module(
    rt: *mut erts_runtime,
    module: *const c_char,
) -> erts_status {
    guard(|| {
        // SAFETY: by the caller's contract.
        let (rt, name) = unsafe { (runtime(rt)?, str_arg(module, "module")?) };
        rt.check_running()?;
        if rt.booted {
            return code_server(rt, "ensure_loaded", &[CodeArg::Atom(name)], name);
        }
        rt.instance.enter(|| {
            let m = atom::atom(name);
            match erts::code::ensure_loaded(m) {
                Ok(_) => Ok(()),
                Err(CodeError::OnLoadPending) => wait_on_load(m),
                Err(e) => Err(load_failed(name, e)),
            }
        })
    })
}

/// Loads the `.beam` file `path` (the module named inside), replacing a loaded version as
/// `code:load_abs/1` does.
///
/// # Safety
/// `rt` must be a live handle; `path` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn erts_load_file(rt: *mut erts_runtime, path: *const c_char) -> erts_status {
    guard(|| {
        // SAFETY: by the caller's contract.
        let (rt, path) = unsafe { (runtime(rt)?, str_arg(path, "path")?) };
        rt.check_running()?;
        let bytes = std::fs::read(path)
            .map_err(|e| Failure(ERTS_LOAD_FAILED, format!("cannot read {path}: {e}")))?;
        let name = beam_module_name(&bytes)
            .ok_or_else(|| Failure(ERTS_LOAD_FAILED, format!("{path} is not a .beam file")))?;
        if rt.booted {
            let args = [
                CodeArg::Atom(&name),
                CodeArg::Str(path),
                CodeArg::Bin(&bytes),
            ];
            return code_server(rt, "load_binary", &args, &name);
        }
        rt.instance
            .enter(|| load_bytes(atom::atom(&name), &bytes, Some(PathBuf::from(path))))
    })
}

/// Loads `len` bytes at `beam` (the contents of a `.beam` file) as module `module`.
///
/// # Safety
/// `rt` must be a live handle; `module` a NUL-terminated string; `beam` must point to `len`
/// readable bytes.
#[no_mangle]
pub unsafe extern "C" fn erts_load_binary(
    rt: *mut erts_runtime,
    module: *const c_char,
    beam: *const u8,
    len: usize,
) -> erts_status {
    guard(|| {
        // SAFETY: by the caller's contract.
        let (rt, name) = unsafe { (runtime(rt)?, str_arg(module, "module")?) };
        if beam.is_null() {
            return Err(Failure::badarg("beam is NULL"));
        }
        // SAFETY: `len` readable bytes by the caller's contract.
        let bytes = unsafe { std::slice::from_raw_parts(beam, len) };
        rt.check_running()?;
        if rt.booted {
            let args = [CodeArg::Atom(name), CodeArg::Str(name), CodeArg::Bin(bytes)];
            return code_server(rt, "load_binary", &args, name);
        }
        rt.instance
            .enter(|| load_bytes(atom::atom(name), bytes, None))
    })
}

/// Puts folder `dir` first in the runtime's code path (`code:add_patha/1`).
///
/// # Safety
/// `rt` must be a live handle; `dir` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn erts_add_path(rt: *mut erts_runtime, dir: *const c_char) -> erts_status {
    guard(|| {
        // SAFETY: by the caller's contract.
        let (rt, dir) = unsafe { (runtime(rt)?, str_arg(dir, "dir")?) };
        rt.check_running()?;
        if !std::path::Path::new(dir).is_dir() {
            return Err(Failure::badarg(format!("{dir} is not a folder")));
        }
        if rt.booted {
            return code_server(rt, "add_patha", &[CodeArg::Str(dir)], dir);
        }
        rt.instance.enter(|| {
            let mut path = erts::code::get_path();
            path.retain(|p| p != std::path::Path::new(dir));
            path.insert(0, PathBuf::from(dir));
            erts::code::replace_path(path);
        });
        Ok(())
    })
}

/// Registers a NIF library linked into the host (made with `ERL_NIF_INIT` and
/// `STATIC_ERLANG_NIF`, the entry its `<module>_nif_init()` returns): when the module named
/// in the entry calls `erlang:load_nif/2`, whatever the path, it gets these functions, with
/// the entry's `load`/`upgrade`/`unload` callbacks, as from a `.so`.
///
/// # Safety
/// `rt` must be a live handle; `entry` must point to a valid `ErlNifEntry` that stays valid
/// as long as the process runs (a static of the host).
#[no_mangle]
pub unsafe extern "C" fn erts_register_static_nif(
    rt: *mut erts_runtime,
    entry: *mut ErlNifEntry,
) -> erts_status {
    guard(|| {
        // SAFETY: by the caller's contract.
        let rt = unsafe { runtime(rt) }?;
        // SAFETY: by the caller's contract.
        let e = unsafe { entry.as_ref() }.ok_or_else(|| Failure::badarg("entry is NULL"))?;
        if e.name.is_null() {
            return Err(Failure(ERTS_BADARG, "the entry has no module name".into()));
        }
        // SAFETY: the entry's name is a NUL-terminated static string.
        let name = unsafe { str_arg(e.name, "the entry's module name") }?;
        rt.check_running()?;
        rt.instance.enter(|| {
            // SAFETY: the entry stays valid, by the caller's contract.
            unsafe { nif_api::static_libs::register(atom::atom(name), entry) }
        });
        Ok(())
    })
}

/// An argument of a call to OTP's `code` module.
enum CodeArg<'a> {
    Atom(&'a str),
    Str(&'a str),
    Bin(&'a [u8]),
}

/// In a booted runtime, OTP's code server keeps the code path and loads modules: calls
/// `code:Function(Args)`, which must return `{module, _}` or `true`/`ok`.
fn code_server(
    rt: &erts_runtime,
    function: &str,
    args: &[CodeArg],
    what: &str,
) -> Result<(), Failure> {
    use erts::host::call::Outcome;
    use erts::term::{boxed, Term};
    let mut heap = erts::heap::Heap::default();
    let argv: Vec<Term> = args
        .iter()
        .map(|a| match a {
            CodeArg::Atom(s) => Term::atom(atom::atom(s)),
            CodeArg::Str(s) => boxed::string(&mut heap, s.chars().map(|c| c as u32)),
            CodeArg::Bin(b) => boxed::binary(&mut heap, b),
        })
        .collect();
    rt.instance.enter(|| {
        let e = erts::module::export(atom::atom("code"), atom::atom(function), argv.len() as u32);
        let r = erts::host::call::call(e, &argv, rt.group_leader, Some(Duration::from_secs(60)));
        let fail = |why: String| Failure(ERTS_LOAD_FAILED, format!("cannot load {what}: {why}"));
        match r {
            Ok(Outcome::Returned(v)) => {
                let t = v.term;
                let ok = t == Term::atom(atom::TRUE)
                    || t == Term::atom(atom::OK)
                    || (t.is_tuple()
                        && boxed::tuple_elems(t)[0] == Term::atom(atom::atom("module")));
                if ok {
                    Ok(())
                } else {
                    Err(fail(format!(
                        "code:{function} returned {}",
                        erts::display::display_string(t)
                    )))
                }
            }
            Ok(Outcome::Raised { reason, .. }) | Ok(Outcome::Killed(reason)) => Err(fail(format!(
                "code:{function} failed: {}",
                erts::display::display_string(reason.term)
            ))),
            Err(e) => Err(fail(format!("code:{function}: {e:?}"))),
        }
    })
}

/// The module name in the atom table of a `.beam` file (its first atom), without parsing
/// the code.
fn beam_module_name(bytes: &[u8]) -> Option<String> {
    if bytes.get(0..4)? != b"FOR1" || bytes.get(8..12)? != b"BEAM" {
        return None;
    }
    let mut i = 12;
    while i + 8 <= bytes.len() {
        let id = &bytes[i..i + 4];
        let size = u32::from_be_bytes(bytes[i + 4..i + 8].try_into().ok()?) as usize;
        let body = bytes.get(i + 8..i + 8 + size)?;
        if id == b"AtU8" || id == b"Atom" {
            // Count (4 bytes), then length-prefixed names; the first is the module.
            let len = *body.get(4)? as usize;
            return String::from_utf8(body.get(5..5 + len)?.to_vec()).ok();
        }
        i += 8 + size.div_ceil(4) * 4;
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn module_name_of_a_beam_file() {
        // FOR1 <size> BEAM, then an AtU8 chunk with one atom "m".
        let mut b = b"FOR1\0\0\0\0BEAM".to_vec();
        b.extend_from_slice(b"AtU8");
        b.extend_from_slice(&6u32.to_be_bytes());
        b.extend_from_slice(&[0, 0, 0, 1, 1, b'm', 0, 0]);
        assert_eq!(super::beam_module_name(&b).as_deref(), Some("m"));
        assert_eq!(super::beam_module_name(b"nope"), None);
    }
}
