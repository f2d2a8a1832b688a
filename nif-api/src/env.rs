//! `ErlNifEnv`: the environment of a NIF call (bound to the calling process: terms are built
//! on its heap) or a process-independent environment (`enif_alloc_env`: terms on a heap of
//! its own), the pending exception, and the library whose `priv_data` the NIF sees. Also the
//! hook through which `erts` calls an installed NIF.

use crate::abi::*;
use crate::load::{NifFn, NifLib};
use erts::exception::{BifResult, Fail};
use erts::heap::Heap;
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
    pub(crate) own: Heap,
    /// A pending exception (`enif_make_badarg`, `enif_raise_exception`), or `NONE`.
    pub(crate) exception: Term,
    /// The NIF library of the running call or callback (null outside them).
    pub(crate) lib: *const NifLib,
}

impl ErlNifEnv {
    /// An environment bound to `proc` for a call into `lib`.
    pub(crate) fn for_process(proc: &mut Process, lib: *const NifLib) -> ErlNifEnv {
        ErlNifEnv {
            proc,
            own: Heap::with_capacity(0),
            exception: Term::NONE,
            lib,
        }
    }

    /// A process-independent environment.
    pub(crate) fn independent() -> ErlNifEnv {
        ErlNifEnv {
            proc: std::ptr::null_mut(),
            own: Heap::default(),
            exception: Term::NONE,
            lib: std::ptr::null(),
        }
    }

    /// The heap that terms of this environment are built on.
    pub(crate) fn heap(&mut self) -> &mut Heap {
        if self.proc.is_null() {
            &mut self.own
        } else {
            // SAFETY: a process-bound environment only exists during a NIF call, while the
            // calling scheduler holds the process (and no other reference to its heap is
            // used meanwhile).
            unsafe { &mut (*self.proc).heap }
        }
    }

    /// The calling process, if this environment is bound to one.
    pub(crate) fn process(&mut self) -> Option<&mut Process> {
        if self.proc.is_null() {
            None
        } else {
            // SAFETY: as in `heap`.
            Some(unsafe { &mut *self.proc })
        }
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

/// The hook `erts` calls for `Instr::CallNif`: runs the C function with an environment bound
/// to `proc`, and turns a pending exception into a failure.
pub(crate) fn call_nif(proc: &mut Process, data: *const (), args: &[Term]) -> BifResult {
    // SAFETY: `data` is the `&'static NifFn` that `load::install` gave `erts`.
    let f: &NifFn = unsafe { &*(data as *const NifFn) };
    let mut env = ErlNifEnv::for_process(proc, f.lib);
    let was = ON_SCHEDULER.with(|s| s.replace(true));
    // SAFETY: the function comes from a library that passed the load checks; the arguments
    // are live terms of the calling process, and `env` outlives the call.
    let r = unsafe {
        (f.fptr)(
            &mut env,
            args.len() as c_int,
            args.as_ptr() as *const ERL_NIF_TERM,
        )
    };
    ON_SCHEDULER.with(|s| s.set(was));
    if !env.exception.is_none() {
        return Err(Fail::error(env.exception));
    }
    if r == 0 {
        // THE_NON_VALUE without an exception: OTP raises badarg.
        return Err(Fail::badarg());
    }
    Ok(Term(r))
}
