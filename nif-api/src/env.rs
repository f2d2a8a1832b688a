//! `ErlNifEnv`: the environment of a NIF call (bound to the calling process: terms are built
//! on its heap) or a process-independent environment (`enif_alloc_env`: terms on a heap of
//! its own), the pending exception, and the library whose `priv_data` the NIF sees. Also the
//! hooks through which `erts` calls an installed NIF, on a normal scheduler (the environment
//! builds on the process's heap) or on a dirty one (the environment has a heap of its own,
//! which the dirty scheduler copies to the process afterwards: the process is not locked
//! during a dirty call).

use crate::abi::*;
use crate::load::NifLib;
use erts::exception::{BifResult, Fail};
use erts::heap::Heap;
use erts::nif::{DirtyReturn, NifCallee, NifContinuation};
use erts::process::Process;
use erts::term::Term;
use std::cell::Cell;
use std::ffi::c_int;

/// The environment handed to C (opaque there).
pub struct ErlNifEnv {
    /// The calling process, or null for a process-independent environment.
    pub(crate) proc: *mut Process,
    /// The heap of a process-independent environment (terms of a process-bound one live on
    /// the process's heap).
    pub(crate) own: Option<Box<Heap>>,
    /// A pending exception (`enif_make_badarg`, `enif_raise_exception`), or `NONE`.
    pub(crate) exception: Term,
    /// The NIF library of the running call or callback (null outside them).
    pub(crate) lib: *const NifLib,
    /// The calling process's pid (`NONE` for a process-independent environment); set also
    /// in a dirty call, whose environment has no access to the process itself.
    pub(crate) self_pid: Term,
    /// A continuation asked for with `enif_schedule_nif` during this call.
    pub(crate) scheduled: Option<NifContinuation>,
    /// For a process-independent environment made on a thread of a runtime: that runtime.
    /// A thread the runtime does not know (one a NIF library started itself) that sends
    /// with this environment reaches that runtime's processes, whatever other runtimes the
    /// host runs.
    pub(crate) instance: Option<std::sync::Weak<erts::instance::InstanceState>>,
}

impl ErlNifEnv {
    /// An environment bound to `proc` for a call into `lib`.
    pub(crate) fn for_process(proc: &mut Process, lib: *const NifLib) -> ErlNifEnv {
        let self_pid = proc.pid();
        ErlNifEnv {
            proc,
            own: None,
            exception: Term::NONE,
            lib,
            self_pid,
            scheduled: None,
            instance: None,
        }
    }

    /// The environment of a dirty call for the process `self_pid` into `lib`: terms are
    /// built on a heap of its own.
    pub(crate) fn for_dirty(self_pid: Term, lib: *const NifLib) -> ErlNifEnv {
        ErlNifEnv {
            proc: std::ptr::null_mut(),
            own: Some(Box::default()),
            exception: Term::NONE,
            lib,
            self_pid,
            scheduled: None,
            instance: None,
        }
    }

    /// A process-independent environment.
    pub(crate) fn independent() -> ErlNifEnv {
        ErlNifEnv {
            proc: std::ptr::null_mut(),
            own: Some(Box::default()),
            exception: Term::NONE,
            lib: std::ptr::null(),
            self_pid: Term::NONE,
            scheduled: None,
            instance: erts::instance::entered()
                .then(|| std::sync::Arc::downgrade(&erts::instance::current_handle())),
        }
    }

    /// The heap that terms of this environment are built on.
    pub(crate) fn heap(&mut self) -> &mut Heap {
        if self.proc.is_null() {
            self.own.get_or_insert_with(Box::default)
        } else {
            // SAFETY: a process-bound environment only exists during a NIF call, while the
            // calling scheduler holds the process (and no other reference to its heap is
            // used meanwhile).
            unsafe { &mut (*self.proc).heap }
        }
    }

    /// The calling process, if this environment is bound to one on a normal scheduler.
    pub(crate) fn process(&mut self) -> Option<&mut Process> {
        if self.proc.is_null() {
            None
        } else {
            // SAFETY: as in `heap`.
            Some(unsafe { &mut *self.proc })
        }
    }

    /// The pid of the calling process, if this environment belongs to a NIF call.
    pub(crate) fn self_pid(&self) -> Option<Term> {
        (!self.self_pid.is_none()).then_some(self.self_pid)
    }
}

/// The heap of `env`, or `None` for a null pointer.
///
/// # Safety
/// `env` must be null or an environment handed out by this crate that is still valid.
pub(crate) unsafe fn env_mut<'a>(env: *mut ErlNifEnv) -> Option<&'a mut ErlNifEnv> {
    // SAFETY: by the caller's contract.
    unsafe { env.as_mut() }
}

thread_local! {
    /// Whether this thread is running a NIF (or a load callback) on a scheduler.
    pub(crate) static ON_SCHEDULER: Cell<bool> = const { Cell::new(false) };
}

/// Runs the C function of `callee` with `env` and the arguments.
fn run(env: &mut ErlNifEnv, callee: &NifCallee, args: &[Term]) -> ERL_NIF_TERM {
    // SAFETY: `fptr` is the `NifCFn` that `load::callee` stored, from a library that passed
    // the load checks; the arguments are live terms of the calling process, and `env`
    // outlives the call.
    unsafe {
        let f: NifCFn = std::mem::transmute::<*const (), NifCFn>(callee.fptr);
        f(
            env,
            args.len() as c_int,
            args.as_ptr() as *const ERL_NIF_TERM,
        )
    }
}

/// The hook `erts` calls for `Instr::CallNif` on a normal scheduler: runs the C function with
/// an environment bound to `proc` and returns its value, or what the call comes to
/// otherwise ([`call_outcome`]).
pub(crate) fn call_nif(proc: &mut Process, callee: &NifCallee, args: &[Term]) -> BifResult {
    let mut env = ErlNifEnv::for_process(proc, callee.lib as *const NifLib);
    // (A scheduler thread: `enif_thread_type` knows it by its scheduler id.)
    let r = run(&mut env, callee, args);
    if env.exception.is_none() && env.scheduled.is_none() && r != 0 {
        return Ok(Term(r));
    }
    call_outcome(proc, &mut env, r)
}

/// The hook machine code calls (`erts::nif::NifFastHook`): as [`call_nif`], with the value
/// as a word, or 0 and the outcome left in `Process::nif_pending` for the `call_nif`
/// instruction.
pub(crate) fn call_nif_fast(proc: &mut Process, callee: &NifCallee, args: &[Term]) -> u64 {
    let mut env = ErlNifEnv::for_process(proc, callee.lib as *const NifLib);
    let r = run(&mut env, callee, args);
    if env.exception.is_none() && env.scheduled.is_none() && r != 0 {
        // A process-bound environment holds nothing to free (no heap of its own, no
        // runtime, no continuation): its drop code is skipped on this, the common, return.
        if env.own.is_none() && env.instance.is_none() {
            std::mem::forget(env);
        }
        return r;
    }
    proc.nif_pending = Some(Box::new(call_outcome(proc, &mut env, r)));
    0
}

/// What a call that returned `r` in `env` comes to when it did not simply return a value:
/// a pending exception as a failure, a continuation scheduled with `enif_schedule_nif`
/// handed to `erts` (in `Process::nif_continuation`), or `badarg` for THE_NON_VALUE
/// without an exception (as OTP).
#[cold]
fn call_outcome(proc: &mut Process, env: &mut ErlNifEnv, r: ERL_NIF_TERM) -> BifResult {
    if !env.exception.is_none() {
        return Err(Fail::error(env.exception));
    }
    if let Some(next) = env.scheduled.take() {
        proc.nif_continuation = Some(Box::new(next));
        return Ok(Term::NIL);
    }
    debug_assert_eq!(r, 0);
    Err(Fail::badarg())
}

/// The hook the dirty schedulers call: runs the C function for the process `self_pid` with
/// an environment of its own, whose heap goes back with the result.
pub(crate) fn call_dirty(self_pid: Term, callee: &NifCallee, args: &[Term]) -> DirtyReturn {
    let mut env = ErlNifEnv::for_dirty(self_pid, callee.lib as *const NifLib);
    let r = run(&mut env, callee, args);
    let next = env.scheduled.take();
    let result = if !env.exception.is_none() {
        Err(env.exception)
    } else if next.is_some() {
        Ok(Term::NIL)
    } else if r == 0 {
        Err(Term::atom(erts::atom::atom("badarg")))
    } else {
        Ok(Term(r))
    };
    DirtyReturn {
        heap: env.own.take().map(|h| *h).unwrap_or_default(),
        result,
        next,
    }
}

/// For an embedding host: runs `f` on the heap of `env`, a process-independent environment
/// (`enif_alloc_env`); `None` for a null environment or one bound to a process.
///
/// # Safety
/// `env` must be null or an environment handed out by this crate that is still valid, not
/// used by another thread meanwhile.
pub unsafe fn with_independent_heap<R>(
    env: *mut ErlNifEnv,
    f: impl FnOnce(&mut Heap) -> R,
) -> Option<R> {
    // SAFETY: by the caller's contract.
    let e = unsafe { env_mut(env) }?;
    if !e.proc.is_null() {
        return None;
    }
    Some(f(e.heap()))
}

/// A new process-independent environment, as `enif_alloc_env` makes (freed with
/// `enif_free_env`).
pub fn alloc_independent() -> *mut ErlNifEnv {
    Box::into_raw(Box::new(ErlNifEnv::independent()))
}
