//! Raising exceptions (OTP's `handle_error` / `next_catch` / `save_stacktrace` in
//! `beam_emu.c`): builds the stack trace, finds the innermost catch tag on the stack, unwinds
//! to its frame and sets up the handler's registers (`x0 = NONE`, `x1 = Class`,
//! `x2 = Reason`, `x3 = Stacktrace`).
//!
//! Stack traces are built eagerly as OTP's term form `[{M, F, ArityOrArgs, Location}]`, at most
//! `backtrace_depth` entries, so `build_stacktrace` has nothing left to do.

use super::instr::Instr;
use crate::atom::{self, Atom};
use crate::exception::{Class, Fail};
use crate::map;
use crate::module::{modules, Export};
use crate::process::Process;
use crate::term::boxed;
use crate::term::{Term, TAG_PRIMARY_HEADER};

/// OTP's default `backtrace_depth`.
pub const BACKTRACE_DEPTH: usize = 8;

/// The current `backtrace_depth` (`erlang:system_flag/2`).
/// Per runtime instance.
fn depth_cell() -> &'static std::sync::atomic::AtomicUsize {
    static S: crate::instance::InstanceLocal<std::sync::atomic::AtomicUsize> =
        crate::instance::InstanceLocal::new();
    S.get_or_init(|| std::sync::atomic::AtomicUsize::new(BACKTRACE_DEPTH))
}

/// The maximum number of stack trace entries.
pub fn backtrace_depth() -> usize {
    depth_cell().load(std::sync::atomic::Ordering::Relaxed)
}

/// Sets `backtrace_depth` (capped at OTP's maximum, 10 000); returns the old value.
pub fn set_backtrace_depth(n: usize) -> usize {
    depth_cell().swap(n.min(10_000), std::sync::atomic::Ordering::Relaxed)
}

/// An exception that no catch handled.
#[derive(Debug, Clone, Copy)]
pub struct Raised {
    pub class: Class,
    pub reason: Term,
    pub stacktrace: Term,
}

/// What the failing instruction was doing, for the top of the stack trace.
pub enum Ctx {
    /// An ordinary instruction: the trace starts with the current function.
    Plain,
    /// A BIF failed: the trace starts with the BIF and its arguments. `applied`: called by
    /// `apply/2,3` (at the applying instruction), whose frame is gone when the apply was a
    /// tail call (`tail`).
    Bif {
        export: &'static Export,
        args: Vec<Term>,
        tail: bool,
        applied: bool,
    },
    /// Calling an undefined function (arguments in the X registers).
    Undef { export: &'static Export, tail: bool },
    /// Calling an unimplemented BIF with these arguments.
    UndefArgs {
        export: &'static Export,
        args: Vec<Term>,
        tail: bool,
    },
    /// No clause matched: the current function with its arguments.
    FunctionClause,
    /// A native function (`crate::nif`) failed: the trace starts with its own function and
    /// arguments (no location, no `error_info`), then the callers.
    Nif {
        export: &'static Export,
        args: Vec<Term>,
    },
}

/// The module that explains errors of BIFs in `module` (OTP's `error_info` convention, the
/// modules `beam_common.c` names); `None` for the BIFs of every other module (`erl_ddll`,
/// `prim_file`, ...), whose failures OTP reports without one.
fn error_info_module(module: Atom) -> Option<Atom> {
    Some(match module.name() {
        "erlang" | "erts_internal" | "atomics" | "counters" | "persistent_term" => {
            atom::atom("erl_erts_errors")
        }
        "code" | "os" => atom::atom("erl_kernel_errors"),
        "ets" | "lists" | "maps" | "binary" | "math" | "unicode" | "re" => {
            atom::atom("erl_stdlib_errors")
        }
        _ => return None,
    })
}

/// Raises `fail` at `pc`; returns the handler's address or the uncaught exception.
pub fn raise(
    proc: &mut Process,
    pc: *const Instr,
    fail: Fail,
    ctx: Ctx,
) -> Result<*const Instr, Raised> {
    let (class, reason, stacktrace) = match fail {
        Fail::Exited(reason) => {
            return Err(Raised {
                class: Class::Exit,
                reason,
                stacktrace: Term::NIL,
            })
        }
        Fail::Undef => {
            let ctx = match ctx {
                Ctx::Bif {
                    export, args, tail, ..
                } => Ctx::UndefArgs { export, args, tail },
                c => c,
            };
            let st = build(proc, pc, &ctx, Term::NONE, None);
            (Class::Error, Term::atom(atom::UNDEF), st)
        }
        Fail::Error { reason, cause } => {
            let st = build(proc, pc, &ctx, cause, None);
            (Class::Error, reason, st)
        }
        Fail::Raise {
            class,
            reason,
            args,
            error_info,
        } => {
            // Arguments that are not a list (`none`) show the arity.
            let top_args = if args.is_list() || args.is_nil() {
                Some(args)
            } else {
                None
            };
            let st = build(proc, pc, &Ctx::Plain, error_info, top_args);
            (class, reason, st)
        }
        Fail::ReRaise {
            class,
            reason,
            stacktrace,
        } => (class, reason, stacktrace),
        Fail::Trap { .. } => {
            let st = build(proc, pc, &ctx, Term::NONE, None);
            (Class::Error, Term::atom(atom::BADARG), st)
        }
    };
    let raised = Raised {
        class,
        reason,
        stacktrace,
    };
    // Find the innermost catch tag (with a block open: see `Process::catches`).
    if proc.catches <= 0 {
        return Err(raised);
    }
    let stack = &proc.stack;
    let Some(p) = stack.iter().rposition(|t| t.is_catch()) else {
        return Err(raised);
    };
    let handler = stack[p].catch_addr() as *const Instr;
    // The catch's frame ends at the next return address above it.
    let end = stack[p + 1..]
        .iter()
        .position(|t| t.primary_tag() == TAG_PRIMARY_HEADER)
        .map(|i| p + 1 + i)
        .unwrap_or(stack.len());
    proc.stack.truncate(end);
    // The tag is used up (OTP's JIT clears it when it jumps to its handler).
    proc.stack[p] = Term::NIL;
    proc.x[0] = Term::NONE;
    proc.x[1] = Term::atom(class.atom());
    proc.x[2] = reason;
    proc.x[3] = boxed::cons(&mut proc.heap, Term::atom(class.atom()), stacktrace);
    Ok(handler)
}

/// The "raw stack trace" a catch handler receives in `x3` (OTP keeps the class of the
/// exception in it so that `raise/2` can re-raise with the original class): here a cons of the
/// class atom and the built stack trace. Returns the class and the stack trace; a term that is
/// not a raw stack trace counts as class `error` with itself as the trace.
pub fn split_raw_stacktrace(raw: Term) -> (Class, Term) {
    if raw.is_list() {
        if let Some(c) = raw.head().as_atom().and_then(Class::from_atom) {
            return (c, raw.tail());
        }
    }
    (Class::Error, raw)
}

/// `[{file, File}, {line, Line}]` for code offset `off` of the module containing `pc`.
fn frame_for(
    proc: &mut Process,
    pc: *const Instr,
    back_one: bool,
    args: Option<Term>,
    extra_loc: Term,
) -> Option<Term> {
    frame_on(&mut proc.heap, pc, back_one, args, extra_loc)
}

/// `frame_for` building on `heap`.
fn frame_on(
    heap: &mut crate::heap::Heap,
    pc: *const Instr,
    back_one: bool,
    args: Option<Term>,
    extra_loc: Term,
) -> Option<Term> {
    let m = modules().find_by_pc(pc)?;
    let mut off = m.offset_of(pc);
    if back_one && off > 0 {
        off -= 1;
    }
    let (f, a) = m.function_at(off)?;
    let loc = match m.location_at(off) {
        Some((file, line)) => {
            let fs = boxed::string(heap, file.chars().map(|c| c as u32));
            let ft = boxed::tuple(heap, &[Term::atom(atom::FILE), fs]);
            let lt = boxed::tuple(heap, &[Term::atom(atom::LINE), Term::small(line as i64)]);
            if extra_loc.is_none() {
                boxed::list(heap, &[ft, lt])
            } else {
                boxed::list(heap, &[ft, lt, extra_loc])
            }
        }
        None if extra_loc.is_none() => Term::NIL,
        None => boxed::list(heap, &[extra_loc]),
    };
    let aa = args.unwrap_or(Term::small(a as i64));
    Some(boxed::tuple(
        heap,
        &[Term::atom(m.name), Term::atom(f), aa, loc],
    ))
}

/// `{M, F, Arity, Location}` of the code at `pc` (a process's current position), on `heap`.
pub fn location_of(heap: &mut crate::heap::Heap, pc: *const Instr) -> Option<Term> {
    frame_on(heap, pc, false, None, Term::NONE)
}

/// The stack trace of a process that is at `pc` with stack `stack` (for
/// `process_info(P, current_stacktrace)`): its current function, then the functions its
/// return addresses lead back to, at most `backtrace_depth` of them.
pub fn stacktrace_of(heap: &mut crate::heap::Heap, pc: *const Instr, stack: &[Term]) -> Term {
    let depth = backtrace_depth();
    let mut frames: Vec<Term> = Vec::new();
    if let Some(f) = frame_on(heap, pc, false, None, Term::NONE) {
        frames.push(f);
    }
    push_return_frames(heap, stack, &mut frames, depth);
    boxed::list(heap, &frames)
}

/// Adds to `frames` (up to `depth` in all) the functions the return addresses on `stack`
/// lead back to, from the top down; like OTP, a return address equal to the one recorded just
/// before (body recursion) is recorded once.
fn push_return_frames(
    heap: &mut crate::heap::Heap,
    stack: &[Term],
    frames: &mut Vec<Term>,
    depth: usize,
) {
    let mut prev = Term::NONE;
    for &t in stack.iter().rev() {
        if frames.len() >= depth {
            break;
        }
        if t.primary_tag() == TAG_PRIMARY_HEADER && !t.is_none() {
            if t == prev {
                continue;
            }
            prev = t;
            if let Some(f) = frame_on(heap, t.0 as *const Instr, true, None, Term::NONE) {
                frames.push(f);
            }
        }
    }
    frames.truncate(depth);
}

/// Builds the stack trace for an exception raised at `pc`.
fn build(
    proc: &mut Process,
    pc: *const Instr,
    ctx: &Ctx,
    cause: Term,
    top_args: Option<Term>,
) -> Term {
    let mut frames: Vec<Term> = Vec::new();
    let mut include_current = true;
    match ctx {
        Ctx::Plain => {}
        Ctx::Bif {
            export,
            args,
            tail,
            applied,
        } => {
            let l = boxed::list(&mut proc.heap, args);
            let loc = match error_info_module(export.mfa.module) {
                None => Term::NIL,
                Some(m) => {
                    let mut pairs = vec![(Term::atom(atom::MODULE), Term::atom(m))];
                    if !cause.is_none() {
                        pairs.push((Term::atom(atom::CAUSE), cause));
                    }
                    let info = map::from_pairs(&mut proc.heap, &pairs);
                    let ei = boxed::tuple(&mut proc.heap, &[Term::atom(atom::ERROR_INFO), info]);
                    boxed::list(&mut proc.heap, &[ei])
                }
            };
            frames.push(boxed::tuple(
                &mut proc.heap,
                &[
                    Term::atom(export.mfa.module),
                    Term::atom(export.mfa.function),
                    l,
                    loc,
                ],
            ));
            // The caller's frame stays even when the BIF was tail-called (OTP keeps the
            // calling instruction's location), unless `apply` was: then it is gone.
            include_current = !(*applied && *tail);
        }
        Ctx::Undef { .. } | Ctx::UndefArgs { .. } => {
            let (export, args, tail) = match ctx {
                Ctx::Undef { export, tail } => {
                    (*export, proc.x[..export.mfa.arity as usize].to_vec(), tail)
                }
                Ctx::UndefArgs { export, args, tail } => (*export, args.clone(), tail),
                _ => unreachable!(),
            };
            let l = boxed::list(&mut proc.heap, &args);
            frames.push(boxed::tuple(
                &mut proc.heap,
                &[
                    Term::atom(export.mfa.module),
                    Term::atom(export.mfa.function),
                    l,
                    Term::NIL,
                ],
            ));
            include_current = !tail;
        }
        Ctx::Nif { export, args } => {
            let l = boxed::list(&mut proc.heap, args);
            frames.push(boxed::tuple(
                &mut proc.heap,
                &[
                    Term::atom(export.mfa.module),
                    Term::atom(export.mfa.function),
                    l,
                    Term::NIL,
                ],
            ));
            include_current = false;
        }
        Ctx::FunctionClause => {
            if let Some(m) = modules().find_by_pc(pc) {
                if let Instr::FuncInfo { mfa } = &m.code[m.offset_of(pc)] {
                    let args = proc.x[..mfa.arity as usize].to_vec();
                    let l = boxed::list(&mut proc.heap, &args);
                    if let Some(f) = frame_for(proc, pc, false, Some(l), Term::NONE) {
                        frames.push(f);
                    }
                }
            }
            include_current = false;
        }
    }
    if include_current {
        // For `Ctx::Plain`, `cause` is `error/3`'s `{error_info, Map}` (or `NONE`).
        let extra = if matches!(ctx, Ctx::Plain) {
            cause
        } else {
            Term::NONE
        };
        if let Some(f) = frame_for(proc, pc, false, top_args, extra) {
            frames.push(f);
        }
    }
    let depth = backtrace_depth();
    push_return_frames(&mut proc.heap, &proc.stack, &mut frames, depth);
    boxed::list(&mut proc.heap, &frames)
}
