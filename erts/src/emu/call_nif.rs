//! The body of the `call_nif` instruction (OTP's `call_nif` and the scheduling of
//! `erl_nif.c`'s `enif_schedule_nif` and dirty calls): calls the native function through the
//! hook `nif-api` registered, follows the continuations it schedules, and switches the process
//! out when a function must run on a dirty scheduler or a chain of scheduled functions has
//! used up the slice. The instruction runs again when the process comes back and resumes
//! from `Process::nif_resume`.

use super::instr::Instr;
use super::interp::Outcome;
use crate::exception::{BifResult, Fail};
use crate::module::Export;
use crate::nif::{NifData, NifResume};
use crate::process::Process;
use crate::term::Term;
use smallvec::SmallVec;

/// The arguments of the original call (for the stack trace of a failure).
pub(super) type NifArgs = SmallVec<[Term; 8]>;

/// How a `call_nif` instruction went.
pub(super) enum NifStep {
    /// The native call is over: its result and the arguments of the original call.
    Finished(BifResult, NifArgs),
    /// The process leaves its scheduler (`proc.pc` and `proc.live` are set, `proc.nif_resume`
    /// says how to go on).
    Suspend(Outcome),
}

/// Runs the `call_nif` instruction at `pc` for the function `data` of `export`.
#[inline]
pub(super) fn call(
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
    let n0 = orig as usize;
    loop {
        let (callee, at, n) = match step {
            NifResume::Start => unreachable!("replaced above"),
            NifResume::Done { ok, .. } => {
                let v = proc.x[n0];
                let args = SmallVec::from_slice(&proc.x[..n0]);
                let r = if ok { Ok(v) } else { Err(Fail::error(v)) };
                return NifStep::Finished(r, args);
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
        let args: NifArgs = SmallVec::from_slice(&proc.x[at..at + n]);
        *reds -= 1;
        proc.pc = pc;
        proc.nif_reds_left = *reds;
        let r = match callee.builtin {
            Some(f) => f(proc, &args),
            None => (crate::nif::hook())(proc, &callee, &args),
        };
        let Some(next) = proc.nif_continuation.take() else {
            return NifStep::Finished(r, original(proc, at, n0, args));
        };
        if r.is_err() {
            return NifStep::Finished(r, original(proc, at, n0, args));
        }
        if n0 + next.args.len() > proc.x.len() {
            return NifStep::Finished(Err(Fail::badarg()), original(proc, at, n0, args));
        }
        for (i, a) in next.args.iter().enumerate() {
            proc.x[n0 + i] = *a;
        }
        step = NifResume::Call {
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
            return NifStep::Suspend(Outcome::Yield);
        }
    }
}

/// The arguments of the original call (for a failure's stack trace): those just used when
/// the original function was the one called (`at == 0`), else X registers `0..n0`.
#[inline]
fn original(proc: &Process, at: usize, n0: usize, args: NifArgs) -> NifArgs {
    if at == 0 {
        args
    } else {
        SmallVec::from_slice(&proc.x[..n0])
    }
}
