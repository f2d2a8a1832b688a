//! The native-function call path (OTP's `call_nif` and the code patching of `erl_nif.c`'s
//! `load_nif`), kept free of any C ABI: `nif-api` registers one hook at start-up and installs
//! functions into loaded modules; `erts` only knows an opaque per-function pointer.
//!
//! Installing a native function overwrites the first instruction of the Erlang function (the
//! one after its `func_info`) with [`Instr::CallNif`], as OTP patches the code after
//! `func_info`: local calls, external calls and funs all reach the native code. The
//! instruction calls the hook with the pointer and the arguments, then returns to the caller;
//! a failure raises like a BIF's, with the function's own frame on top of the stack trace.

use crate::atom::Atom;
use crate::emu::instr::Instr;
use crate::exception::BifResult;
use crate::module::{Export, Module};
use crate::process::Process;
use crate::term::Term;
use std::sync::OnceLock;

/// The opaque per-function pointer of an installed native function (owned by `nif-api`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct NifData(pub *const ());

// SAFETY: the pointer is only passed back to the hook; `nif-api` keeps what it points at
// alive and immutable for as long as the code that holds it.
unsafe impl Send for NifData {}
// SAFETY: as above.
unsafe impl Sync for NifData {}

/// Calls a native function: `data` is the pointer given to [`install`], `args` the arguments.
pub type NifHook = fn(&mut Process, *const (), &[Term]) -> BifResult;

static HOOK: OnceLock<NifHook> = OnceLock::new();

/// Sets the hook that [`Instr::CallNif`] calls (once, at start-up); false if already set.
pub fn set_hook(h: NifHook) -> bool {
    HOOK.set(h).is_ok()
}

/// The registered hook (a no-op returning `undef` when none is registered).
#[inline]
pub fn hook() -> NifHook {
    match HOOK.get() {
        Some(h) => *h,
        None => |_, _, _| Err(crate::exception::Fail::Undef),
    }
}

/// Why a native function could not be installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstallError {
    /// The module has no function `name/arity`.
    NoSuchFunction,
}

/// The code offset of the entry (the instruction after `func_info`) of `name/arity` in `m`.
pub fn function_entry(m: &Module, name: Atom, arity: u32) -> Option<usize> {
    m.functions
        .iter()
        .find(|(_, f, a)| *f == name && *a == arity)
        .map(|(off, _, _)| off + 1)
        .filter(|off| *off < m.code.len())
}

/// Makes `name/arity` of `m` call the native function described by `data` (through the hook).
///
/// The caller must make sure that no process is executing the replaced instruction at this
/// moment; as in OTP, NIFs are installed from the module's `on_load` function or before its
/// stubs are called.
pub fn install(m: &Module, name: Atom, arity: u32, data: *const ()) -> Result<(), InstallError> {
    let off = function_entry(m, name, arity).ok_or(InstallError::NoSuchFunction)?;
    let export = crate::module::export(m.name, name, arity);
    let new = Instr::CallNif {
        export,
        data: NifData(data),
    };
    let p = &m.code[off] as *const Instr as *mut Instr;
    // SAFETY: `p` points at a live instruction of `m`, which is never moved or freed while
    // code may run in it. The old value is a plain instruction of the stub body; it is
    // overwritten in place (dropping it would free operands that other instructions never
    // share, so it is leaked instead, as a module's code is never freed). Like OTP's patching
    // of loaded code, this relies on no process running this function's first instruction
    // during the write: NIFs are installed by the module's `on_load` function (before the
    // module is made current) or before its stub functions are called.
    unsafe {
        std::mem::forget(std::ptr::replace(p, new));
    }
    Ok(())
}

/// Makes `name/arity` of `m` run the runtime's own native function `f` (OTP's static NIFs,
/// such as `prim_file`'s): the stub's entry becomes a [`Instr::BifTrampoline`], which calls
/// `f` with the arguments and returns to the caller.
///
/// As for [`install`], no process may be running `m`'s code yet.
pub fn install_native(
    m: &Module,
    name: Atom,
    arity: u32,
    f: crate::bif::BifFn,
) -> Result<(), InstallError> {
    let off = function_entry(m, name, arity).ok_or(InstallError::NoSuchFunction)?;
    let export = crate::module::export(m.name, name, arity);
    let new = Instr::BifTrampoline { bif: f, export };
    let p = &m.code[off] as *const Instr as *mut Instr;
    // SAFETY: as in `install`: `p` points at a live instruction of `m`, which no process
    // runs yet (the module is being loaded); the old instruction is leaked, not dropped.
    unsafe {
        std::mem::forget(std::ptr::replace(p, new));
    }
    Ok(())
}

/// The export entry of a native function's `M:F/A` (for stack traces).
pub fn nif_export(m: Atom, f: Atom, a: u32) -> &'static Export {
    crate::module::export(m, f, a)
}
