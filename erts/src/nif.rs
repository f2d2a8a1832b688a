//! The native-function call path (OTP's `call_nif` and the code patching of `erl_nif.c`'s
//! `load_nif`), kept free of any C ABI: `nif-api` registers two hooks at start-up (a call on a
//! normal scheduler, a call on a dirty one) and installs functions into loaded modules; `erts`
//! only knows opaque pointers ([`NifCallee`]).
//!
//! Installing a native function overwrites the first instruction of the Erlang function (the
//! one after its `func_info`) with [`Instr::CallNif`], as OTP patches the code after
//! `func_info`: local calls, external calls and funs all reach the native code. The
//! instruction (`emu/call_nif.rs`) calls the hook with the callee and the arguments, then
//! returns to the caller; a failure raises like a BIF's, with the function's own frame on top
//! of the stack trace. Dirty functions run on `sched::dirty`'s pools.

use crate::atom::Atom;
use crate::emu::instr::Instr;
use crate::exception::BifResult;
use crate::module::{Export, Module};
use crate::process::Process;
use crate::term::Term;
use std::sync::OnceLock;

/// The dirty scheduler pool a native function runs on (`ERL_NIF_DIRTY_JOB_CPU_BOUND` /
/// `ERL_NIF_DIRTY_JOB_IO_BOUND`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum DirtyKind {
    Cpu,
    Io,
}

/// One native function as `erts` sees it: two opaque pointers owned by `nif-api` (the C
/// function and its library) and where it runs, or a function of a built-in library
/// (`crate::nifs`), which the instruction calls directly instead of the hook.
#[derive(Copy, Clone, Debug)]
pub struct NifCallee {
    pub fptr: *const (),
    pub lib: *const (),
    /// `None` for a function run on a normal scheduler.
    pub dirty: Option<DirtyKind>,
    /// A NIF of a library built into the runtime (`crate::nifs`): called like a BIF, on the
    /// normal scheduler; `fptr` and `lib` are null then.
    pub builtin: Option<crate::bif::BifFn>,
}

impl NifCallee {
    /// A function of a built-in NIF library.
    pub fn builtin(f: crate::bif::BifFn) -> NifCallee {
        NifCallee {
            fptr: std::ptr::null(),
            lib: std::ptr::null(),
            dirty: None,
            builtin: Some(f),
        }
    }
}

impl PartialEq for NifCallee {
    /// Two callees are the same function when they name the same C function of the same
    /// library with the same flags, or the same built-in function (compared by address).
    fn eq(&self, other: &NifCallee) -> bool {
        let same_builtin = match (self.builtin, other.builtin) {
            (None, None) => true,
            (Some(a), Some(b)) => std::ptr::fn_addr_eq(a, b),
            _ => false,
        };
        same_builtin
            && self.fptr == other.fptr
            && self.lib == other.lib
            && self.dirty == other.dirty
    }
}

impl Eq for NifCallee {}

// SAFETY: the pointers are only passed back to the hooks; `nif-api` keeps what they point at
// alive and immutable for as long as the code that holds them.
unsafe impl Send for NifCallee {}
// SAFETY: as above.
unsafe impl Sync for NifCallee {}

/// What [`Instr::CallNif`] holds: the installed function (leaked by `nif-api`, like code).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct NifData(pub &'static NifCallee);

/// A native function's request to continue in another one (`enif_schedule_nif`): the callee
/// and its arguments (terms on the heap the call was made with).
#[derive(Clone, Debug)]
pub struct NifContinuation {
    pub callee: NifCallee,
    pub args: Vec<Term>,
}

/// Where the interrupted native call of a process stands when it is switched out in the
/// middle of [`Instr::CallNif`] (kept in `Process::nif_resume`); the instruction is executed
/// again and goes on from here.
///
/// X registers `0..orig` keep the arguments of the original call: as in OTP, an exception
/// raised by any function of the chain shows the original function and arguments.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NifResume {
    /// No native call in progress: the instruction calls its own function.
    #[default]
    Start,
    /// Call `callee` with X registers `at..at + argc` (a dirty call to make, a call
    /// scheduled with `enif_schedule_nif`, or one moved back from a dirty scheduler); `at` is
    /// 0 for the original function, `orig` for the functions it scheduled.
    Call {
        callee: NifCallee,
        orig: u32,
        at: u32,
        argc: u32,
    },
    /// A dirty call finished: `x[orig]` holds its value (`ok`) or the reason of the `error`
    /// it raised.
    Done { ok: bool, orig: u32 },
}

/// What a native function run on a dirty scheduler produced: terms on `heap` (its
/// environment's), which the dirty scheduler copies to the process.
pub struct DirtyReturn {
    pub heap: crate::heap::Heap,
    /// The value, or the reason of the exception it raised (class `error`).
    pub result: Result<Term, Term>,
    /// A continuation asked for with `enif_schedule_nif` (arguments on `heap`).
    pub next: Option<NifContinuation>,
}

/// Calls a native function for the process running it on a normal scheduler. A request to
/// continue in another function is left in `Process::nif_continuation`.
pub type NifHook = fn(&mut Process, &NifCallee, &[Term]) -> BifResult;

/// Calls a native function on a dirty scheduler for the process with pid `self_pid`, without
/// access to the process (whose signals may be handled meanwhile); `args` are terms on the
/// process's heap, which nothing moves or frees during the call.
pub type DirtyHook = fn(Term, &NifCallee, &[Term]) -> DirtyReturn;

/// Calls a native function as [`NifHook`] does, for machine code: returns the value's word,
/// or 0 when the call raised or scheduled a continuation, whose outcome it leaves in
/// `Process::nif_pending` (and `Process::nif_continuation`) for the `call_nif` instruction.
pub type NifFastHook = fn(&mut Process, &NifCallee, &[Term]) -> u64;

// Process-wide: the call hooks `nif-api` installs are functions, the same for every instance.
static HOOK: OnceLock<NifHook> = OnceLock::new();
static DIRTY_HOOK: OnceLock<DirtyHook> = OnceLock::new();
static FAST_HOOK: OnceLock<NifFastHook> = OnceLock::new();

/// Sets the hook machine code calls native functions through (once, at start-up); without
/// one, it goes through [`hook`].
pub fn set_fast_hook(h: NifFastHook) -> bool {
    FAST_HOOK.set(h).is_ok()
}

/// The fast hook, when one is registered.
#[inline]
pub fn fast_hook() -> Option<NifFastHook> {
    FAST_HOOK.get().copied()
}

/// Sets the hooks that [`Instr::CallNif`] and the dirty schedulers call (once, at start-up);
/// false if already set.
pub fn set_hook(h: NifHook, dirty: DirtyHook) -> bool {
    HOOK.set(h).is_ok() && DIRTY_HOOK.set(dirty).is_ok()
}

/// The registered hook (a no-op returning `undef` when none is registered).
#[inline]
pub fn hook() -> NifHook {
    match HOOK.get() {
        Some(h) => *h,
        None => |_, _, _| Err(crate::exception::Fail::Undef),
    }
}

/// The registered dirty hook (one raising `undef` when none is registered).
pub fn dirty_hook() -> DirtyHook {
    match DIRTY_HOOK.get() {
        Some(h) => *h,
        None => |_, _, _| DirtyReturn {
            heap: crate::heap::Heap::default(),
            result: Err(Term::atom(crate::atom::atom("undef"))),
            next: None,
        },
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
pub fn install(
    m: &Module,
    name: Atom,
    arity: u32,
    data: &'static NifCallee,
) -> Result<(), InstallError> {
    let off = function_entry(m, name, arity).ok_or(InstallError::NoSuchFunction)?;
    let export = crate::module::export(m.name, name, arity);
    let new = Instr::CallNif {
        export,
        data: NifData(data),
    };
    match m.jit {
        // Machine code compiled before would still run the stub's body.
        Some(jit) => jit.patch(|| replace_instr(m, off, new)),
        None => replace_instr(m, off, new),
    }
    Ok(())
}

/// Replaces the instruction at `off` in `m` (see [`install`] for when this is allowed).
fn replace_instr(m: &Module, off: usize, new: Instr) {
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
}

/// The export entry of a native function's `M:F/A` (for stack traces).
pub fn nif_export(m: Atom, f: Atom, a: u32) -> &'static Export {
    crate::module::export(m, f, a)
}
