//! Scheduling from native code (OTP's `enif_schedule_nif`, `enif_consume_timeslice`,
//! `enif_thread_type`): a NIF continues in another function, on a normal or a dirty
//! scheduler, and tells the scheduler how much of its time slice it used.
//!
//! `enif_schedule_nif` only records the continuation in the environment; the call hooks of
//! [`crate::env`] hand it to `erts`, whose `call_nif` instruction (or dirty scheduler) runs it.

use crate::abi::*;
use crate::env::{env_mut, ErlNifEnv, ON_SCHEDULER};
use erts::nif::{DirtyKind, NifCallee, NifContinuation};
use erts::term::Term;
use std::ffi::{c_char, c_int};

/// The most arguments a scheduled function takes (OTP's `MAX_ARG`).
const MAX_ARG: c_int = 255;

/// `enif_schedule_nif`: the calling NIF is to continue in `fp` with `argv`, on the
/// scheduler that `flags` names. The caller returns what this returns.
#[no_mangle]
pub unsafe extern "C" fn enif_schedule_nif(
    env: *mut ErlNifEnv,
    fun_name: *const c_char,
    flags: c_int,
    fp: Option<NifCFn>,
    argc: c_int,
    argv: *const ERL_NIF_TERM,
) -> ERL_NIF_TERM {
    // SAFETY: forwarded contract.
    let badarg = || unsafe { crate::misc::enif_make_badarg(env) };
    if !(0..=MAX_ARG).contains(&argc) || fun_name.is_null() {
        return badarg();
    }
    // The name must make an atom (OTP uses it for the scheduled function's MFA).
    // SAFETY: forwarded contract (a NUL-terminated name).
    let name = unsafe { crate::terms::enif_make_atom(env, fun_name) };
    if !Term(name).is_atom() {
        return name;
    }
    let dirty = match flags as u32 {
        0 => None,
        ERL_NIF_DIRTY_JOB_CPU_BOUND => Some(DirtyKind::Cpu),
        ERL_NIF_DIRTY_JOB_IO_BOUND => Some(DirtyKind::Io),
        _ => return badarg(),
    };
    let Some(f) = fp else {
        return badarg();
    };
    // SAFETY: forwarded contract.
    let Some(e) = (unsafe { env_mut(env) }) else {
        return 0;
    };
    if e.self_pid().is_none() {
        // Not the environment of a NIF call.
        return badarg();
    }
    let args: Vec<Term> = if argc > 0 && !argv.is_null() {
        // SAFETY: `argc` terms at `argv` by the API contract (copied: they may live in the
        // caller's frame).
        unsafe { std::slice::from_raw_parts(argv, argc as usize) }
            .iter()
            .map(|&a| Term(a))
            .collect()
    } else {
        Vec::new()
    };
    e.scheduled = Some(NifContinuation {
        callee: NifCallee {
            fptr: f as *const (),
            lib: e.lib as *const (),
            dirty,
            builtin: None,
        },
        args,
    });
    Term::NIL.0
}

/// `enif_consume_timeslice`: charges `percent` (1..=100) of a time slice to the calling
/// process; true (1) when the slice is used up and the NIF should yield. A no-op (0) on a
/// dirty scheduler and outside NIF calls.
#[no_mangle]
pub unsafe extern "C" fn enif_consume_timeslice(env: *mut ErlNifEnv, percent: c_int) -> c_int {
    // SAFETY: forwarded contract.
    let Some(p) = (unsafe { env_mut(env) }).and_then(|e| e.process()) else {
        return 0;
    };
    let per_percent = (erts::sched::worker::CONTEXT_REDS + 99) / 100;
    let reds = per_percent * percent.clamp(1, 100) as i64;
    p.charge(reds as u32);
    (p.nif_reds_left - p.extra_reds as i64 <= 0) as c_int
}

/// `enif_thread_type`: the kind of scheduler running the caller.
#[no_mangle]
pub unsafe extern "C" fn enif_thread_type() -> c_int {
    match erts::sched::dirty::thread_kind() {
        Some(DirtyKind::Cpu) => ERL_NIF_THR_DIRTY_CPU_SCHEDULER,
        Some(DirtyKind::Io) => ERL_NIF_THR_DIRTY_IO_SCHEDULER,
        None if erts::sched::worker::scheduler_id() > 0 || ON_SCHEDULER.with(|s| s.get()) => {
            ERL_NIF_THR_NORMAL_SCHEDULER
        }
        None => ERL_NIF_THR_UNDEFINED,
    }
}
