//! The body of the `call_nif` instruction (OTP's `call_nif` and the scheduling of
//! `erl_nif.c`'s `enif_schedule_nif` and dirty calls): calls the native function through the
//! hook `nif-api` registered, follows the continuations it schedules, and switches the process
//! out when a function must run on a dirty scheduler or a chain of scheduled functions has
//! used up the slice. The instruction runs again when the process comes back and resumes
//! from `Process::nif_resume`.
//!
//! X registers `0..arity` keep the original arguments throughout (continuations get theirs
//! above them): the instruction reads them back for a failure's stack trace.

use super::instr::Instr;
use super::interp::Outcome;
use crate::exception::{BifResult, Fail};
use crate::module::Export;
use crate::nif::{NifData, NifResume};
use crate::process::Process;
use crate::term::Term;

/// How a `call_nif` instruction went.
pub(super) enum NifStep {
    /// The native call is over: its result.
    Finished(BifResult),
    /// The process leaves its scheduler (`proc.pc` and `proc.live` are set, `proc.nif_resume`
    /// says how to go on).
    Suspend(Outcome),
}

/// Arguments copied to the stack for the common call (more go through the general path).
const FAST_ARGS: usize = 8;

/// Runs the `call_nif` instruction at `pc` for the function `data` of `export`.
#[inline(always)]
pub(super) fn call(
    proc: &mut Process,
    pc: *const Instr,
    export: &'static Export,
    data: NifData,
    reds: &mut i64,
) -> NifStep {
    // Machine code made the call and left the outcome for this instruction.
    if let Some(r) = proc.nif_pending.take() {
        return finish(proc, pc, export, data, *r, reds);
    }
    match call_common(proc, pc, export, data, reds) {
        Some(r) => finish(proc, pc, export, data, r, reds),
        None => general(proc, pc, export, data, reds),
    }
}

/// Whether calls of `data` (the function of `export`) can take the common path: a normal
/// function of up to [`FAST_ARGS`] arguments (machine code calls only those itself).
#[inline(always)]
pub(crate) fn common_callee(export: &Export, data: NifData) -> bool {
    export.mfa.arity as usize <= FAST_ARGS && data.0.dirty.is_none()
}

/// Starts the common call (see [`common_callee`]) of a function called afresh: charges its
/// reduction, records the call, and gives its arguments. `None` (nothing done) for any
/// other call.
#[inline(always)]
fn start_common(
    proc: &mut Process,
    pc: *const Instr,
    export: &'static Export,
    data: NifData,
    reds: &mut i64,
) -> Option<[Term; FAST_ARGS]> {
    if !common_callee(export, data) || proc.nif_resume != NifResume::Start {
        return None;
    }
    let args = copy_args(proc, export.mfa.arity as usize);
    *reds -= 1;
    proc.pc = pc;
    proc.nif_reds_left = *reds;
    Some(args)
}

/// The common call (see [`start_common`]); `None` (nothing done) for any other call.
#[inline(always)]
fn call_common(
    proc: &mut Process,
    pc: *const Instr,
    export: &'static Export,
    data: NifData,
    reds: &mut i64,
) -> Option<BifResult> {
    let args = start_common(proc, pc, export, data, reds)?;
    let args = &args[..export.mfa.arity as usize];
    Some(match data.0.builtin {
        Some(f) => f(proc, args),
        None => (crate::nif::hook())(proc, data.0, args),
    })
}

/// The first `n <= FAST_ARGS` X registers (the arguments), copied out so that the function
/// can have the process.
#[inline(always)]
fn copy_args(proc: &Process, n: usize) -> [Term; FAST_ARGS] {
    let mut args = [Term::NIL; FAST_ARGS];
    for (i, a) in args.iter_mut().enumerate().take(n) {
        // Word by word: the caller has just stored these registers one word each, and
        // wider loads of them (a `memcpy`, vector moves) stall on store forwarding.
        // SAFETY: a reference to a live register is valid for reads.
        *a = unsafe { std::ptr::read_volatile(&proc.x[i]) };
    }
    args
}

/// After the first function of a call returned `r`: the call is over, or goes on with the
/// function it scheduled.
#[inline(always)]
fn finish(
    proc: &mut Process,
    pc: *const Instr,
    export: &'static Export,
    data: NifData,
    r: BifResult,
    reds: &mut i64,
) -> NifStep {
    if proc.nif_continuation.is_none() {
        return NifStep::Finished(r);
    }
    match after_call(proc, pc, export, r, reds) {
        Ok(step) => {
            proc.nif_resume = step;
            general(proc, pc, export, data, reds)
        }
        Err(done) => done,
    }
}

/// What machine code's call of a native function came to (see [`call_from_machine_code`]).
pub(crate) enum MachineNif {
    /// The common call was not possible: nothing was done, the instruction runs as usual.
    NotCalled,
    /// The function returned this value.
    Returned(Term),
    /// The function raised or scheduled another one: the outcome waits in
    /// `Process::nif_pending` for the `call_nif` instruction, which goes on from there.
    Pending,
}

/// The common call of the native function of the `call_nif` instruction at `pc`, made
/// from machine code (`crate::jit`), with the arguments in the X registers and the return
/// address pushed as the instruction expects them.
pub(crate) fn call_from_machine_code(
    proc: &mut Process,
    pc: *const Instr,
    reds: &mut i64,
) -> MachineNif {
    // SAFETY: machine code passes the address of a loaded (never freed) instruction.
    let Instr::CallNif { export, data } = (unsafe { &*pc }) else {
        return MachineNif::NotCalled;
    };
    if data.0.builtin.is_none() {
        if let Some(fast) = crate::nif::fast_hook() {
            let Some(args) = start_common(proc, pc, export, *data, reds) else {
                return MachineNif::NotCalled;
            };
            return match fast(proc, data.0, &args[..export.mfa.arity as usize]) {
                0 => MachineNif::Pending,
                v => MachineNif::Returned(Term(v)),
            };
        }
    }
    match call_common(proc, pc, export, *data, reds) {
        None => MachineNif::NotCalled,
        Some(Ok(v)) if proc.nif_continuation.is_none() => MachineNif::Returned(v),
        Some(r) => {
            proc.nif_pending = Some(Box::new(r));
            MachineNif::Pending
        }
    }
}

/// The general path: resumes from `proc.nif_resume` and goes on until the call is over or
/// the process must leave its scheduler.
#[inline(never)]
fn general(
    proc: &mut Process,
    pc: *const Instr,
    export: &'static Export,
    data: NifData,
    reds: &mut i64,
) -> NifStep {
    let orig = export.mfa.arity;
    let mut step = match std::mem::take(&mut proc.nif_resume) {
        NifResume::Start => NifResume::Call {
            callee: *data.0,
            orig,
            at: 0,
            argc: orig,
        },
        resumed => resumed,
    };
    loop {
        let (callee, at, n) = match step {
            NifResume::Start => unreachable!("replaced above"),
            NifResume::Done { ok, .. } => {
                let v = proc.x[orig as usize];
                return NifStep::Finished(if ok { Ok(v) } else { Err(Fail::error(v)) });
            }
            NifResume::Call {
                callee, at, argc, ..
            } => (callee, at as usize, argc as usize),
        };
        if let Some(kind) = callee.dirty {
            proc.nif_resume = step;
            proc.pc = pc;
            proc.live = at + n;
            return NifStep::Suspend(Outcome::Dirty(kind));
        }
        let args: Vec<Term> = proc.x[at..at + n].to_vec();
        *reds -= 1;
        proc.pc = pc;
        proc.nif_reds_left = *reds;
        let r = match callee.builtin {
            Some(f) => f(proc, &args),
            None => (crate::nif::hook())(proc, &callee, &args),
        };
        match after_call(proc, pc, export, r, reds) {
            Ok(next) => step = next,
            Err(done) => return done,
        }
    }
}

/// After a function returned `r` on a normal scheduler: the call is over, or goes on with
/// the continuation it scheduled (its arguments placed above the original ones), after
/// yielding when the slice is used up.
fn after_call(
    proc: &mut Process,
    pc: *const Instr,
    export: &'static Export,
    r: BifResult,
    reds: &mut i64,
) -> Result<NifResume, NifStep> {
    let Some(next) = proc.nif_continuation.take() else {
        return Err(NifStep::Finished(r));
    };
    if r.is_err() {
        return Err(NifStep::Finished(r));
    }
    let orig = export.mfa.arity;
    let n0 = orig as usize;
    if n0 + next.args.len() > proc.x.len() {
        return Err(NifStep::Finished(Err(Fail::badarg())));
    }
    for (i, a) in next.args.iter().enumerate() {
        proc.x[n0 + i] = *a;
    }
    let step = NifResume::Call {
        callee: next.callee,
        orig,
        at: orig,
        argc: next.args.len() as u32,
    };
    if proc.yield_now {
        proc.yield_now = false;
        *reds -= std::mem::take(&mut proc.extra_reds) as i64;
    }
    if *reds <= 0 && next.callee.dirty.is_none() {
        // A chain of scheduled functions yields like Erlang code between them.
        proc.nif_resume = step;
        proc.pc = pc;
        proc.live = n0 + next.args.len();
        return Err(NifStep::Suspend(Outcome::Yield));
    }
    Ok(step)
}
