//! The runtime functions machine code calls for work it does not inline: BIFs (`bif`,
//! `gc_bif` and the slow paths of arithmetic), term comparison, garbage collection.
//!
//! Each takes the [`JitCtx`] whose stack and heap tops the machine code has just written
//! back, hands them to the process, does its work and reads the (possibly moved) stack and
//! heap windows back into the context. Results are term words; the two words no term can
//! be, [`FAILED`] and [`LEAVE`], say "the operation failed (go to the failure label)" and
//! "let the interpreter run this instruction". A panic inside is caught (unwinding through
//! machine code is not possible) and turns into [`LEAVE`]: the interpreter then runs the
//! instruction again and meets the same bug on its own path.

use super::ctx::JitCtx;
use crate::bif::BifFn;
use crate::exception::Fail;
use crate::process::Process;
use crate::term::compare::{compare, eq, exact_eq};
use crate::term::Term;
use std::cmp::Ordering;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The operation failed: go to the instruction's failure label (or let the interpreter
/// raise when it has none).
pub const FAILED: u64 = 0;
/// Leave machine code at the instruction: the interpreter runs it.
pub const LEAVE: u64 = 1;

/// Runs `f` on the process of `ctx` with the context's tops written back and read again.
///
/// # Safety
/// `ctx` is the live context of the running machine code (built by `JitCtx::load`).
unsafe fn with_proc(ctx: *mut JitCtx, f: impl FnOnce(&mut Process) -> u64) -> u64 {
    // SAFETY: the caller's promise: `ctx` and the process it points to are live, and the
    // machine code does not touch them while this runs.
    let c = unsafe { &mut *ctx };
    // SAFETY: as above.
    let proc = unsafe { &mut *c.proc };
    c.store(proc);
    let r = catch_unwind(AssertUnwindSafe(|| f(proc))).unwrap_or(LEAVE);
    c.reload(proc);
    r
}

/// A BIF of up to three arguments (`n` of `a0..a2`): its result, [`FAILED`] when it raised
/// an error a failure label may take, [`LEAVE`] otherwise (`undef`, traps, exits).
///
/// # Safety
/// `ctx` as in `with_proc`; `bif` is a `BifFn`.
pub unsafe extern "C" fn call_bif(
    ctx: *mut JitCtx,
    bif: usize,
    n: u64,
    a0: u64,
    a1: u64,
    a2: u64,
) -> u64 {
    // SAFETY: the generated code passes the address of a `BifFn` here.
    let f = unsafe { std::mem::transmute::<usize, BifFn>(bif) };
    let args = [Term(a0), Term(a1), Term(a2)];
    // SAFETY: the caller's promise.
    unsafe {
        with_proc(ctx, |proc| match f(proc, &args[..n as usize]) {
            Ok(v) if v.0 > LEAVE => v.0,
            Ok(_) => LEAVE,
            Err(Fail::Undef | Fail::Trap { .. } | Fail::Exited(_)) => LEAVE,
            Err(_) => FAILED,
        })
    }
}

/// Collects as `test_heap` does (`live` X registers, room for `need` words): 2 when done,
/// [`LEAVE`] when the process must end (marked in the context: [`super::run`] ends it).
///
/// # Safety
/// As `with_proc`.
pub unsafe extern "C" fn gc(ctx: *mut JitCtx, live: u64, need: u64) -> u64 {
    // SAFETY: the caller's promise.
    let r = unsafe {
        with_proc(ctx, |proc| {
            if proc.gc(live as usize, need as usize) {
                LEAVE
            } else {
                2
            }
        })
    };
    if r == LEAVE {
        // SAFETY: as above.
        unsafe { (*ctx).killed = true };
    }
    r
}

/// The term order of `a` and `b` (`<`, `>=`): -1, 0 or 1 (2 on a panic: the caller leaves
/// to the interpreter).
pub extern "C" fn compare_terms(a: u64, b: u64) -> i64 {
    catch_unwind(|| match compare(Term(a), Term(b), false) {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    })
    .unwrap_or(2)
}

/// Whether `a` and `b` are equal: exactly (`=:=`) when `exact` is non-zero, else as numbers
/// too (`==`). 2 on a panic (the caller leaves to the interpreter).
pub extern "C" fn equal_terms(a: u64, b: u64, exact: u64) -> u64 {
    catch_unwind(|| {
        let r = if exact != 0 {
            exact_eq(Term(a), Term(b))
        } else {
            eq(Term(a), Term(b))
        };
        r as u64
    })
    .unwrap_or(2)
}

/// A BIF called as a function (`call_ext` of a BIF): its `n` arguments are in the X
/// registers. Returns its result (the caller puts it in `x0`), or [`LEAVE`] when it failed
/// or trapped (the interpreter calls it again and raises or follows the trap; a BIF fails or
/// traps before it changes anything). Charges the call's reduction, and, as the interpreter
/// does, ends the slice (`JitCtx::yield_now`) when the BIF asked to and its extra charge
/// used up the slice, and collects when the BIF left a collection due (many new binaries;
/// [`LEAVE`] with `JitCtx::killed` set when that found the process past its
/// `max_heap_size`).
///
/// # Safety
/// As `with_proc`; `bif` is a `BifFn`, `pc` the calling instruction.
pub unsafe extern "C" fn call_bif_x(ctx: *mut JitCtx, bif: usize, n: u64, pc: u64) -> u64 {
    // SAFETY: the generated code passes the address of a `BifFn` here.
    let f = unsafe { std::mem::transmute::<usize, BifFn>(bif) };
    // The arguments are copied out of the X registers (the BIF gets the process, X
    // registers included, mutably). Up to eight are read a word at a time: machine code has
    // just stored them a word at a time, and a wider read (what `memcpy` or a merged copy
    // does) would wait for those stores to reach the cache.
    let n = n as usize;
    let mut few = [Term::NIL; 8];
    let many: Vec<Term>;
    let args: &[Term] = if n <= few.len() {
        for (i, slot) in few.iter_mut().enumerate().take(n) {
            // SAFETY: the caller's promise: the X registers hold at least `n` words.
            *slot = unsafe { std::ptr::read_volatile((*ctx).x.add(i)) };
        }
        &few[..n]
    } else {
        // SAFETY: the caller's promise: the context's X registers hold at least `n` words.
        many = unsafe { std::slice::from_raw_parts((*ctx).x, n) }.to_vec();
        &many
    };
    // Whether the BIF asked to end the slice, and the extra reductions it charged.
    let mut asked: Option<i64> = None;
    // Whether a collection after the BIF found the process past its `max_heap_size`.
    let mut killed = false;
    // SAFETY: the caller's promise.
    let r = unsafe {
        with_proc(ctx, |proc| {
            proc.pc = pc as *const crate::emu::instr::Instr;
            let suspended = proc.port_suspended;
            match f(proc, args) {
                Ok(v) if v.0 > LEAVE => {
                    if proc.yield_now {
                        proc.yield_now = false;
                        asked = Some(std::mem::take(&mut proc.extra_reds) as i64);
                    }
                    if !proc.heap.collection_due() {
                        return v.0;
                    }
                    // It made (or took) many new binaries, say: collected here, with the
                    // result and the stack live, as the interpreter does.
                    proc.x[0] = v;
                    if proc.gc(1, 0) {
                        killed = true;
                        return LEAVE;
                    }
                    proc.x[0].0
                }
                _ => {
                    proc.port_suspended = suspended;
                    LEAVE
                }
            }
        })
    };
    // SAFETY: as above.
    let c = unsafe { &mut *ctx };
    if killed {
        c.killed = true;
    }
    if r != LEAVE {
        c.reds -= 1;
        if let Some(extra) = asked {
            // The slice ends unless the BIF charged extra reductions and some are left.
            c.reds -= extra;
            c.yield_now = extra == 0 || c.reds <= 0;
        }
    }
    r
}

/// A bit-syntax matching instruction that never allocates (`bs_get_integer` of fewer than
/// `bs::SMALL_INTEGER_BITS` bits, `bs_skip_bits`, `bs_test_unit`, `bs_match_string`, the
/// UTF segments) at `pc`, with its context's value `c` and its size operand's value `size`
/// (0 when it has none): as [`bs_match`], without handing the process state over (nothing
/// here touches the heap, the stack or the process).
pub extern "C" fn bs_match_pure(pc: u64, c: u64, size: u64) -> u64 {
    use crate::emu::bs;
    use crate::emu::instr::Instr;
    // SAFETY: the generated code passes the address of the instruction it compiled.
    let ins = unsafe { &*(pc as *const Instr) };
    let (c, size) = (Term(c), Term(size));
    let value = |v: Option<Term>| v.map_or(FAILED, |t| t.0);
    catch_unwind(|| match ins {
        Instr::BsGetInteger { unit, flags, .. } => {
            match size.as_small().and_then(|s| usize::try_from(s).ok()) {
                Some(s) if s.saturating_mul(*unit as usize) < bs::SMALL_INTEGER_BITS => value(
                    bs::get_small_integer(c, s * *unit as usize, (*flags).into()),
                ),
                // Negative (no match) or large sizes: the interpreter's path.
                _ => LEAVE,
            }
        }
        other => bs_match_no_heap(other, c, size).unwrap_or(LEAVE),
    })
    .unwrap_or(LEAVE)
}

/// The value of key `k` in map `m`, or [`FAILED`] when it has none (`get_map_elements`,
/// `has_map_fields`).
pub extern "C" fn map_get(m: u64, k: u64) -> u64 {
    catch_unwind(|| crate::map::get(Term(m), Term(k)).map_or(FAILED, |v| v.0)).unwrap_or(LEAVE)
}

/// The map that `put_map_assoc` or `put_map_exact` at `pc` makes from map `m` (its pairs'
/// operands read from the process), or [`LEAVE`] when `m` is not a map or (`put_map_exact`)
/// lacks a key: the interpreter then raises or goes to the failure label.
///
/// # Safety
/// As `with_proc`; `pc` is the address of one of those instructions.
pub unsafe extern "C" fn map_put(ctx: *mut JitCtx, pc: u64, m: u64) -> u64 {
    use crate::emu::instr::Instr;
    use crate::emu::interp::{put_map_assoc, put_map_exact};
    // SAFETY: the generated code passes the address of the instruction it compiled.
    let ins = unsafe { &*(pc as *const Instr) };
    let m = Term(m);
    if !m.is_map() {
        return LEAVE;
    }
    // SAFETY: the caller's promise.
    unsafe {
        with_proc(ctx, |proc| match ins {
            Instr::PutMapAssoc { pairs, .. } => put_map_assoc(proc, m, pairs).0,
            Instr::PutMapExact { pairs, .. } => {
                put_map_exact(proc, m, pairs).map_or(LEAVE, |t| t.0)
            }
            _ => LEAVE,
        })
    }
}

/// The fun that `make_fun` at `pc` makes (its environment read from the process).
///
/// # Safety
/// As `with_proc`; `pc` is the address of a `make_fun` instruction.
pub unsafe extern "C" fn make_fun(ctx: *mut JitCtx, pc: u64) -> u64 {
    use crate::emu::instr::Instr;
    // SAFETY: the generated code passes the address of the instruction it compiled.
    let Instr::MakeFun { entry, env, .. } = (unsafe { &*(pc as *const Instr) }) else {
        return LEAVE;
    };
    // SAFETY: the caller's promise.
    unsafe { with_proc(ctx, |proc| crate::emu::interp::make_fun(proc, entry, env).0) }
}

/// Where a call of `fun` with `n` arguments goes, when `fun` is a fun object of arity `n`
/// whose code is loaded: its environment is copied to the X registers after the arguments
/// and its code address is returned. [`LEAVE`] for anything else (nothing changed: the
/// interpreter makes the call, raising `badfun`/`badarity` or calling an external fun).
///
/// # Safety
/// `ctx` is the live context of the running machine code.
pub unsafe extern "C" fn fun_target(ctx: *mut JitCtx, fun: u64, n: u64) -> u64 {
    use crate::term::{header_arity, subtag};
    let fun = Term(fun);
    if !fun.is_boxed_with(subtag::FUN) {
        return LEAVE;
    }
    let e = crate::emu::interp::fun_entry_of(fun);
    let a = e.address();
    let nf = header_arity(fun.header()) - 1;
    let n = n as usize;
    if e.arity as usize != n || a.is_null() || n + nf > crate::process::MAX_REG {
        return LEAVE;
    }
    // SAFETY: the caller's promise: the context's X registers are the process's, MAX_REG
    // of them.
    let x = unsafe { std::slice::from_raw_parts_mut((*ctx).x, crate::process::MAX_REG) };
    crate::emu::interp::fun_env_to_x(x, fun, n);
    a as u64
}

/// Whether `t` is a binary (`is_binary`: whole bytes, which its size says): 1 or 0.
pub extern "C" fn is_binary(t: u64) -> u64 {
    Term(t).is_binary() as u64
}

/// Whether `t` is a fun of arity `a` (`is_function2`): 1 or 0.
pub extern "C" fn is_function2(t: u64, a: u64) -> u64 {
    crate::emu::interp::is_function_of_arity(Term(t), Term(a)) as u64
}

/// A native function called with `call_ext`: `pc` is its `call_nif` instruction (the
/// callee's entry), the arguments are in the X registers and the call's return address is
/// pushed (or the caller's frame dropped, for a tail call). Returns the function's value
/// (the caller puts it in `x0` and returns), or [`LEAVE`]: the machine code leaves at the
/// `call_nif` instruction, which makes the call itself (when this was not the common case
/// and nothing was done) or finishes it (an exception or a scheduled continuation, left in
/// `Process::nif_pending`). Charges the call's reduction and ends the slice when none are
/// left, as the interpreter does after a native call.
///
/// # Safety
/// As `with_proc`; `pc` is the address of a loaded `call_nif` instruction.
pub unsafe extern "C" fn call_nif(ctx: *mut JitCtx, pc: u64) -> u64 {
    use crate::emu::call_nif::{call_from_machine_code, MachineNif};
    // SAFETY: the caller's promise: `ctx` and the process it points to are live, and the
    // machine code does not touch them while this runs.
    let c = unsafe { &mut *ctx };
    // SAFETY: as above.
    let proc = unsafe { &mut *c.proc };
    let mut reds = c.reds;
    let mut extra = 0;
    // A native function builds terms on the heap but neither collects nor touches the
    // stack: only the heap's window goes to the process and back (the stack's top is
    // written back when the machine code leaves).
    // SAFETY: machine code only moves `htop` up to `hend`, writing the words it passes.
    unsafe { proc.heap.jit_set_top(c.htop) };
    let r = catch_unwind(AssertUnwindSafe(|| {
        match call_from_machine_code(proc, pc as *const crate::emu::instr::Instr, &mut reds) {
            MachineNif::Returned(v) => {
                if proc.yield_now {
                    // `enif_consume_timeslice` charged reductions.
                    proc.yield_now = false;
                    extra = std::mem::take(&mut proc.extra_reds) as i64;
                }
                v.0
            }
            MachineNif::NotCalled | MachineNif::Pending => LEAVE,
        }
    }))
    .unwrap_or(LEAVE);
    let (htop, hend, gc_due) = proc.heap.jit_window();
    c.htop = htop;
    c.hend = hend;
    c.gc_due = gc_due as u64;
    c.reds = reds - extra;
    if r != LEAVE {
        // The slice ends when it is used up or a collection is due (as in the interpreter).
        c.yield_now = c.reds <= 0 || gc_due;
    }
    r
}

/// What a bit-syntax matching instruction gives when it passes without a value.
const PASSED: u64 = Term::NIL.0;

/// One bit-syntax matching instruction (`bs_start_match`, `bs_get_*`, `bs_skip_*`,
/// `bs_test_*`, `bs_match_string`, `bs_get_tail`) at `pc`, with its
/// context (or source) operand's value `c` and its size operand's value `size` (0 when it
/// has none): the value it puts in its destination (or a term when it has none), or
/// [`FAILED`] when the match fails (go to its failure label), [`LEAVE`] for anything else.
///
/// # Safety
/// As `with_proc`; `pc` is the address of one of those instructions.
pub unsafe extern "C" fn bs_match(ctx: *mut JitCtx, pc: u64, c: u64, size: u64) -> u64 {
    use crate::emu::bs;
    use crate::emu::instr::Instr;
    // SAFETY: the generated code passes the address of the instruction it compiled.
    let ins = unsafe { &*(pc as *const Instr) };
    let (c, size) = (Term(c), Term(size));
    let value = |v: Option<Term>| v.map_or(FAILED, |t| t.0);
    let test = |ok: bool| if ok { PASSED } else { FAILED };
    // SAFETY: the caller's promise.
    unsafe {
        with_proc(ctx, |proc| match ins {
            Instr::BsStartMatch { .. } => value(bs::start_match(&mut proc.heap, c)),
            // Damaged code matching on what is no context: the interpreter raises `badarg`.
            _ if !c.is_match_state() => LEAVE,
            Instr::BsGetTail { .. } => bs::get_tail(&mut proc.heap, c).0,
            Instr::BsGetInteger { unit, flags, .. } => value(bs::get_integer(
                &mut proc.heap,
                c,
                size,
                (*unit).into(),
                (*flags).into(),
            )),
            Instr::BsGetFloat { unit, flags, .. } => value(bs::get_float(
                &mut proc.heap,
                c,
                size,
                (*unit).into(),
                (*flags).into(),
            )),
            Instr::BsGetBinary { unit, .. } => value(bs::get_binary(
                &mut proc.heap,
                c,
                size,
                crate::emu::instr::bin_unit(*unit),
            )),
            Instr::BsTestTail { bits, .. } => test(bs::remaining(c) == *bits as usize),
            other => bs_match_no_heap(other, c, size).unwrap_or(LEAVE),
        })
    }
}

/// The bit-syntax matching instructions that neither allocate nor read a size operand
/// (`bs_skip_bits` reads it as given): what [`bs_match`] gives for them, `None` for the
/// others.
fn bs_match_no_heap(ins: &crate::emu::instr::Instr, c: Term, size: Term) -> Option<u64> {
    use crate::emu::bs;
    use crate::emu::instr::Instr;
    let value = |v: Option<Term>| v.map_or(FAILED, |t| t.0);
    let test = |ok: bool| if ok { PASSED } else { FAILED };
    Some(match ins {
        Instr::BsSkipBits { unit, .. } => test(bs::skip_bits(c, size, *unit)),
        Instr::BsTestUnit { unit, .. } => {
            test(*unit == 0 || bs::remaining(c) % *unit as usize == 0)
        }
        Instr::BsMatchString { bits, data, .. } => test(bs::match_string(c, *bits as usize, data)),
        Instr::BsGetUtf8 { .. } => value(bs::get_utf8(c)),
        Instr::BsGetUtf16 { flags, .. } => value(bs::get_utf16(c, *flags)),
        Instr::BsGetUtf32 { flags, .. } => value(bs::get_utf32(c, *flags)),
        Instr::BsSkipUtf8 { .. } => test(bs::get_utf8(c).is_some()),
        Instr::BsSkipUtf16 { flags, .. } => test(bs::get_utf16(c, *flags).is_some()),
        Instr::BsSkipUtf32 { flags, .. } => test(bs::get_utf32(c, *flags).is_some()),
        _ => return None,
    })
}

/// `loop_rec`: the message at the receive's save point, or [`LEAVE`] when the mailbox holds
/// no more (the interpreter then takes in the signals that have arrived and goes on to the
/// message or to the failure label, usually a `wait`).
///
/// # Safety
/// `ctx` is the live context of the running machine code.
pub unsafe extern "C" fn loop_rec(ctx: *mut JitCtx) -> u64 {
    // SAFETY: the caller's promise; the mailbox is not touched by machine code.
    let proc = unsafe { &*(*ctx).proc };
    proc.mailbox.get(proc.save).map_or(LEAVE, |m| m.0)
}

/// `loop_rec_end`: the receive moves on to the next message.
///
/// # Safety
/// As [`loop_rec`].
pub unsafe extern "C" fn loop_rec_end(ctx: *mut JitCtx) -> u64 {
    // SAFETY: the caller's promise.
    let proc = unsafe { &mut *(*ctx).proc };
    proc.save += 1;
    PASSED
}

/// `remove_message` (`remove` 1) or `timeout` (0): the receive is over, with the message
/// at the save point taken out of the mailbox for `remove_message`; its timer no longer
/// counts. [`LEAVE`] (nothing done) for a `remove_message` when a collection is due: the
/// interpreter's holds the slice's reductions back so that its next call collects.
///
/// # Safety
/// As [`loop_rec`].
pub unsafe extern "C" fn end_receive(ctx: *mut JitCtx, remove: u64) -> u64 {
    // SAFETY: the caller's promise.
    let proc = unsafe { &mut *(*ctx).proc };
    if remove != 0 && proc.heap.collection_due() {
        // The interpreter's `remove_message` also ends the slice, to collect them.
        return LEAVE;
    }
    if remove != 0 && proc.save < proc.mailbox.len() {
        proc.mailbox.remove(proc.save);
    }
    proc.end_receive();
    PASSED
}

/// `send` (`x0 ! x1`): the message, or [`LEAVE`] when the destination is bad (nothing was
/// sent: the interpreter raises).
///
/// # Safety
/// As `with_proc`.
pub unsafe extern "C" fn send(ctx: *mut JitCtx) -> u64 {
    // SAFETY: the caller's promise.
    unsafe {
        with_proc(ctx, |proc| {
            let (to, msg) = (proc.x[0], proc.x[1]);
            crate::bif::send(proc, to, msg).map_or(LEAVE, |v| v.0)
        })
    }
}

/// `recv_marker_reserve`: a new reference (the marker; receives here do not use it).
///
/// # Safety
/// As `with_proc`.
pub unsafe extern "C" fn make_ref(ctx: *mut JitCtx) -> u64 {
    // SAFETY: the caller's promise.
    unsafe { with_proc(ctx, |proc| crate::bif::make_ref(proc).0) }
}

/// `bs_create_bin` at `pc`: the binary it builds (its segments' operands read from the
/// process), or [`LEAVE`] when building fails (the interpreter raises or goes to the
/// failure label).
///
/// # Safety
/// As `with_proc`; `pc` is the address of a `bs_create_bin` instruction.
pub unsafe extern "C" fn bs_create_bin(ctx: *mut JitCtx, pc: u64) -> u64 {
    use crate::emu::instr::Instr;
    use crate::emu::interp::get;
    // SAFETY: the generated code passes the address of the instruction it compiled.
    let Instr::BsCreateBin { unit, segs, .. } = (unsafe { &*(pc as *const Instr) }) else {
        return LEAVE;
    };
    // SAFETY: the caller's promise.
    unsafe {
        with_proc(ctx, |proc| {
            let vals: smallvec::SmallVec<[(Term, Term); 8]> = segs
                .iter()
                .map(|s| (get(proc, s.src), get(proc, s.size)))
                .collect();
            crate::emu::bs::create_bin(&mut proc.heap, segs, &vals, (*unit).into())
                .map_or(LEAVE, |b| b.0)
        })
    }
}
