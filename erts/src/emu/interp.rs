//! The dispatch loop (OTP's `process_main` in `beam_emu.c`): runs a process's instructions
//! until it exits, waits for a message, or uses up its reductions.
//!
//! Calls push the return address on the stack; `allocate` pushes Y registers above it; `return`
//! pops the return address. Errors become raised exceptions handled by `emu::raise`.

use super::bs;
use super::instr::*;
use super::raise::{self, Raised};
use crate::atom;
use crate::bif::BifFn;
use crate::exception::{Class, Fail};
use crate::map;
use crate::module::{Export, FunEntry};
use crate::process::signal_handling::Handled;
use crate::process::Process;
use crate::term::boxed::{self, tuple_arity, tuple_elems};
use crate::term::compare::{compare, eq, exact_eq};
use crate::term::{header_arity, make_header, subtag, Term};
use std::cmp::Ordering;
use std::sync::OnceLock;

/// Why `execute` returned.
#[derive(Debug)]
pub enum Outcome {
    /// The process's first function returned this value.
    Normal(Term),
    /// The process died from an uncaught exception.
    Exit(Raised),
    /// Reductions used up; call `execute` again.
    Yield,
    /// Waiting for a message; `timeout` in milliseconds (`None` = infinity, or the timer of
    /// this receive is already running).
    Wait { timeout: Option<u64> },
    /// An exit signal killed the process with this reason.
    Killed(Term),
    /// The process calls a native function that runs on a dirty scheduler
    /// (`Process::nif_resume` says which); it leaves its scheduler until the call is over.
    Dirty(crate::nif::DirtyKind),
}

/// Code that a process's first frame returns to.
fn exit_code() -> *const Instr {
    // Process-wide: one instruction that refers to nothing of an instance.
    static CODE: OnceLock<Box<[Instr]>> = OnceLock::new();
    CODE.get_or_init(|| vec![Instr::NormalExit].into_boxed_slice())
        .as_ptr()
}

/// `erlang:send/2` (the location of a failed `send` instruction).
#[cold]
#[inline(never)]
fn send_export() -> &'static Export {
    static SEND: crate::instance::InstanceLocal<&'static Export> =
        crate::instance::InstanceLocal::new();
    SEND.get_or_init(|| crate::module::export(atom::atom("erlang"), atom::atom("send"), 2))
}

/// `erlang:apply/3`.
#[inline(never)]
fn apply_3() -> &'static Export {
    static E: crate::instance::InstanceLocal<&'static Export> =
        crate::instance::InstanceLocal::new();
    E.get_or_init(|| crate::module::export(atom::ERLANG, atom::atom("apply"), 3))
}

/// The export whose code is [`Instr::Hibernate`]; `erlang:hibernate/3` traps to it.
pub fn hibernate_export() -> &'static Export {
    static E: crate::instance::InstanceLocal<&'static Export> =
        crate::instance::InstanceLocal::new();
    E.get_or_init(|| {
        let code: &'static [Instr] = crate::instance::leak_slice(vec![Instr::Hibernate]);
        Export::synthetic(
            crate::module::Mfa {
                module: atom::ERLANG,
                function: atom::atom("hibernate"),
                arity: 3,
            },
            code.as_ptr(),
        )
    })
}

/// The export that `port_command` on a busy port traps to, with its own arguments: the
/// process waits until the port resumes it ([`Instr::AwaitPortResume`]), then calls
/// `erts_internal:port_command/3` again.
pub fn port_busy_wait_export() -> &'static Export {
    static E: crate::instance::InstanceLocal<&'static Export> =
        crate::instance::InstanceLocal::new();
    E.get_or_init(|| {
        let mfa = crate::module::Mfa {
            module: atom::atom("erts_internal"),
            function: atom::atom("port_command"),
            arity: 3,
        };
        let retry = crate::module::export(mfa.module, mfa.function, mfa.arity);
        let code: &'static [Instr] = crate::instance::leak_slice(vec![
            Instr::AwaitPortResume,
            Instr::CallExtOnly { export: retry },
        ]);
        Export::synthetic(mfa, code.as_ptr())
    })
}

/// Prepares `proc` to call `export` with `args` as its first function.
pub fn setup_call(proc: &mut Process, export: &'static Export, args: &[Term]) {
    proc.stack.clear();
    proc.catches = 0;
    proc.stack.push(Term(exit_code() as u64));
    for (i, a) in args.iter().enumerate() {
        proc.x[i] = *a;
    }
    proc.pc = trampoline_for(export);
}

/// Prepares a new process (without registers of its own) to call `export` with `args`: the
/// arguments wait in `saved_x` until a scheduler runs it.
pub fn setup_spawn(proc: &mut Process, export: &'static Export, args: &[Term]) {
    proc.stack.clear();
    proc.catches = 0;
    proc.stack.push(Term(exit_code() as u64));
    proc.saved_x.clear();
    proc.saved_x.extend_from_slice(args);
    proc.pc = trampoline_for(export);
}

/// A code address that calls `export` (its own code, or a BIF trampoline).
#[inline]
fn trampoline_for(export: &'static Export) -> *const Instr {
    let a = export.address();
    if !a.is_null() {
        return a;
    }
    stub_for(export)
}

/// The stub of [`trampoline_for`] (kept out of the interpreter loop).
#[cold]
#[inline(never)]
fn stub_for(export: &'static Export) -> *const Instr {
    // A per-export stub (made once per export): an external tail call, so undefined functions
    // are handled (loaded or raised as undef) by the ordinary call path.
    static STUBS: crate::instance::InstanceLocal<
        parking_lot::Mutex<std::collections::HashMap<usize, usize>>,
    > = crate::instance::InstanceLocal::new();
    let mut stubs = STUBS.get_or_init(Default::default).lock();
    let key = export as *const Export as usize;
    *stubs.entry(key).or_insert_with(|| {
        let code: &'static [Instr] =
            crate::instance::leak_slice(vec![Instr::CallExtOnly { export }]);
        code.as_ptr() as usize
    }) as *const Instr
}

#[inline(always)]
fn cp(pc: *const Instr) -> Term {
    Term(pc as u64)
}

/// Why a call could not be entered.
enum CallErr {
    /// The function is not defined (module missing or not exporting it).
    Undef(&'static Export),
    Fail(Fail),
}

/// Where a call instruction goes on.
enum Next {
    Jump(*const Instr),
    /// A BIF reached through an export: call it with `arity` args in X registers.
    Bif(BifFn, &'static Export),
}

macro_rules! y {
    ($p:expr, $i:expr) => {{
        let len = $p.stack.len();
        $p.stack[len - 1 - ($i as usize)]
    }};
}

#[inline(always)]
pub(crate) fn get(p: &Process, s: Src) -> Term {
    if s.0 & 0x43 == 0 {
        p.x[s.reg_index()]
    } else if let Some(t) = s.as_lit() {
        t
    } else {
        y!(p, s.reg_index())
    }
}

#[inline(always)]
pub(crate) fn put(p: &mut Process, d: Dst, t: Term) {
    match d {
        Dst::X(i) => p.x[i as usize] = t,
        Dst::Y(i) => {
            let len = p.stack.len();
            p.stack[len - 1 - i as usize] = t;
        }
    }
}

#[inline(always)]
fn lbl(l: Lbl) -> *const Instr {
    l as *const Instr
}

/// Runs `proc` for at most `reds` reductions, adding those it used to its count and to the
/// system's.
pub fn execute(proc: &mut Process, reds: i64) -> Outcome {
    let mut left = reds;
    let mut held = 0;
    let mut out = run(proc, &mut left, &mut held);
    // A slice can end without reaching a call that collects (after a BIF or NIF that used
    // up the slice or made a collection due, say): the collection is made here, with the
    // `proc.live` registers the process resumes with, as OTP collects after such calls.
    if matches!(out, Outcome::Yield) && proc.heap.collection_due() && proc.gc(proc.live, 0) {
        out = Outcome::Killed(Term::atom(atom::KILLED));
    }
    let used = (reds - left - held).max(0) as u64;
    proc.reductions += used;
    crate::sched::stats::add_reductions(used);
    out
}

/// The interpreter loop: runs until `*reds` reductions are used up (or the process waits or
/// exits).
fn run(proc: &mut Process, reds: &mut i64, held: &mut i64) -> Outcome {
    let mut pc = proc.pc;

    // Raises `$fail` (a `Fail`) at the current instruction; continues at the handler or
    // returns the exit outcome.
    macro_rules! raise {
        ($fail:expr, $ctx:expr) => {{
            match raise::raise(proc, pc, $fail, $ctx) {
                Ok(h) => {
                    pc = h;
                    // Each raise builds its stack trace in heap fragments: code that catches
                    // and raises again without a call in between would pile them up without
                    // end (damaged code, say); it yields so that they are collected (and
                    // signals, a kill among them, are seen).
                    if proc.heap.collection_due() {
                        proc.pc = pc;
                        proc.live = 4;
                        return Outcome::Yield;
                    }
                    continue;
                }
                Err(r) => return Outcome::Exit(r),
            }
        }};
    }
    macro_rules! error {
        ($reason:expr) => {
            raise!(Fail::error($reason), raise::Ctx::Plain)
        };
    }
    // Loaded code is trusted as OTP trusts it (the compiler's types), but damaged code must
    // not take the VM down: where an instruction would read a term as a list, a tuple or a
    // match context that is none, the process gets `badarg` instead (OTP crashes).
    macro_rules! require {
        ($ok:expr) => {{
            if !$ok {
                raise!(Fail::badarg(), raise::Ctx::Plain)
            }
        }};
    }
    // The match context operand `$src` of a bit-syntax instruction (`badarg` when it is none).
    macro_rules! match_ctx {
        ($src:expr) => {{
            let c = get(proc, $src);
            require!(c.is_match_state());
            c
        }};
    }
    macro_rules! fail_or {
        ($fail:expr, $f:expr) => {{
            if $fail != 0 {
                pc = lbl($fail);
                continue;
            }
            raise!($f, raise::Ctx::Plain)
        }};
    }
    macro_rules! next {
        () => {{
            // SAFETY: code is a contiguous instruction array ending in `IntCodeEnd`; `pc` is
            // inside it and not at the end marker when advancing.
            pc = unsafe { pc.add(1) };
            continue;
        }};
    }
    macro_rules! tuple2 {
        ($a:expr, $b:expr) => {
            boxed::tuple(&mut proc.heap, &[$a, $b])
        };
    }
    // At the call that ends a slice, `$live` argument registers are the only live X
    // registers: collect there when heap fragments (from BIFs and map updates outside
    // `test_heap`) have piled up, so loops without `test_heap` do not grow them without bound.
    macro_rules! call_gc {
        ($live:expr) => {
            if proc.heap.collection_due() && proc.gc($live as usize, 0) {
                return Outcome::Killed(Term::atom(atom::KILLED));
            }
        };
    }
    // A call (or a function entry) found the reductions used up, `$live` argument
    // registers live: the slice ends, collecting first when a collection is due. When
    // `remove_message` only held the slice's reductions back for a collection (`held`),
    // the process collects and goes on with them instead (a yield would move it to the
    // back of the queue, where the other scheduler may take it away from the processes
    // it exchanges messages with).
    macro_rules! out_of_reds {
        ($live:expr) => {{
            call_gc!($live);
            if *held > 0 {
                *reds += std::mem::take(held);
            } else {
                proc.pc = pc;
                proc.live = $live as usize;
                return Outcome::Yield;
            }
        }};
    }
    // `test_heap` + `put_list`: collects if the cell does not fit (a heap past
    // `max_heap_size` ends the process), then conses.
    macro_rules! test_heap_put_list {
        ($heap:expr, $live:expr, $head:expr, $tail:expr, $dst:expr) => {{
            if proc.heap.needs_gc(*$heap as usize) && proc.gc(*$live as usize, *$heap as usize) {
                return Outcome::Killed(Term::atom(atom::KILLED));
            }
            let h = get(proc, *$head);
            let t = get(proc, *$tail);
            let l = boxed::cons(&mut proc.heap, h, t);
            put(proc, *$dst, l);
        }};
    }
    // A fused `allocate` of `$n` stack words (none when 0), initialised to `[]`.
    macro_rules! allocate_frame {
        ($n:expr) => {
            if $n != 0 {
                let n = proc.stack.len() + $n as usize;
                proc.stack.resize(n, Term::NIL);
            }
        };
    }
    // `+`/`-` (`$op` is `checked_add`/`checked_sub`) of a register and a small literal.
    // Tagged arithmetic: (v << 4 | 15) ± (w << 4) overflows exactly when v ± w leaves the
    // small range; anything else goes through the BIF.
    macro_rules! imm_arith {
        ($op:ident, $arith:expr, $fail:expr, $a:expr, $imm:expr, $dst:expr) => {{
            let x = get(proc, *$a);
            if x.is_small() {
                if let Some(r) = (x.0 as i64).$op($imm.0 as i64 - 15) {
                    put(proc, *$dst, Term(r as u64));
                    next!();
                }
            }
            match arith_slow(proc, $arith, x, *$imm) {
                Ok(v) => {
                    put(proc, *$dst, v);
                    next!();
                }
                Err(f) if *$fail != 0 && !matches!(f, Fail::Undef) => pc = lbl(*$fail),
                Err(f) => raise!(f, raise::Ctx::Plain),
            }
        }};
    }
    // After an arithmetic instruction: go on, or do the fused `deallocate` + `return`.
    macro_rules! arith_then {
        ($ret:expr) => {{
            match *$ret {
                NO_RET => next!(),
                n => {
                    let len = proc.stack.len() - n as usize;
                    proc.stack.truncate(len);
                    pc = pop_cp(proc);
                    at_entry!()
                }
            }
        }};
    }
    // A specialised test passed: go on, or return as the fused instructions after it do.
    macro_rules! on_pass {
        ($then:expr) => {{
            match $then {
                OnPass::Next => next!(),
                OnPass::Return => {
                    pc = pop_cp(proc);
                    at_entry!()
                }
            }
        }};
    }
    // After a BIF trapped: ends the slice first if it asked to (it retries after yielding).
    macro_rules! trap_yield {
        ($live:expr) => {
            if proc.yield_now {
                proc.yield_now = false;
                proc.pc = pc;
                proc.live = $live;
                return Outcome::Yield;
            }
        };
    }
    // Runs machine code `$f` from its entry `$slot` and goes on where it leaves.
    macro_rules! run_native {
        ($f:expr, $slot:expr) => {{
            match crate::jit::run(proc, $f, $slot, reds) {
                // A return leaves with the address it popped: checked as `pop_cp`.
                crate::jit::Left::Continue(p) => pc = return_address(p as u64),
                crate::jit::Left::Yield(p) => {
                    proc.pc = p;
                    proc.live = 1;
                    return Outcome::Yield;
                }
                crate::jit::Left::Killed => return Outcome::Killed(Term::atom(atom::KILLED)),
            }
            continue;
        }};
    }
    // `pc` was just set to a function's entry or a return address, where the native-code
    // tier puts a `JitEnter`: it runs here, without a dispatch of its own (calls and
    // returns are the most frequent instructions of call-heavy code that is not compiled).
    macro_rules! at_entry {
        () => {{
            // SAFETY: `pc` points at an instruction of loaded code.
            if let Instr::JitEnter { jit, slot } = unsafe { &*pc } {
                if let Some(f) = jit.enter_or_count(*slot) {
                    run_native!(f, *slot);
                }
                // SAFETY: a `JitEnter` is followed by the instruction it enters.
                pc = unsafe { pc.add(1) };
            }
            continue;
        }};
    }
    // A local call of kind `$kind` to `$target`, returning to `$ret`.
    macro_rules! local_call {
        ($kind:expr, $arity:expr, $target:expr, $ret:expr) => {{
            match $kind {
                LocalCall::Call => proc.stack.push(cp($ret)),
                LocalCall::Last(n) => {
                    let len = proc.stack.len() - *n as usize;
                    proc.stack.truncate(len);
                }
                LocalCall::Only => {}
            }
            pc = lbl(*$target);
            *reds -= 1;
            if *reds <= 0 {
                out_of_reds!(*$arity);
            }
            at_entry!()
        }};
    }
    // Enters a call target: `$push` is true for a call (push the return address), false
    // for a tail call.
    macro_rules! enter {
        ($next:expr, $arity:expr, $push:expr) => {{
            // The live X registers at the target: the error handler takes three.
            let mut live = $arity as usize;
            let next = match $next {
                Err(CallErr::Undef(e)) => match error_handler_call(proc, e, $arity as usize) {
                    Some(t) => {
                        live = 3;
                        Ok(Next::Jump(t))
                    }
                    None => Err(CallErr::Undef(e)),
                },
                n => n,
            };
            match next {
                Ok(Next::Jump(t)) => {
                    if $push {
                        // SAFETY: see `next!`.
                        proc.stack.push(cp(unsafe { pc.add(1) }));
                    }
                    pc = t;
                    *reds -= 1;
                    if *reds <= 0 {
                        out_of_reds!(live);
                    }
                    at_entry!()
                }
                Ok(Next::Bif(f, e)) => {
                    let n = $arity as usize;
                    // The arguments, off the X registers (which the BIF may overwrite);
                    // on the stack for all but the rare BIF with many arguments.
                    let args: smallvec::SmallVec<[Term; 8]> =
                        smallvec::SmallVec::from_slice(&proc.x[..n]);
                    *reds -= 1;
                    // The calling instruction, for BIFs that look at their caller's module
                    // (`erlang:load_nif/2`).
                    proc.pc = pc;
                    let mut result = f(proc, &args);
                    let (mut e, mut args, mut applied) = (e, args, false);
                    // `apply/2,3` trap to the function applied: a BIF is called here, at the
                    // applying instruction, as OTP's apply instructions call it (so a failure
                    // is located there). A BIF that asked to yield goes the long way.
                    while let Err(Fail::Trap {
                        target,
                        args: targs,
                    }) = &result
                    {
                        let (target, targs) = (*target, smallvec::SmallVec::from_slice(targs));
                        let Some(bif) = target.bif.filter(|_| target.address().is_null()) else {
                            break;
                        };
                        if proc.yield_now {
                            break;
                        }
                        (e, args, applied) = (target, targs, true);
                        result = bif(proc, &args);
                    }
                    match result {
                        Ok(v) => {
                            proc.x[0] = v;
                            if $push {
                                // SAFETY: see `next!`.
                                pc = unsafe { pc.add(1) };
                            } else {
                                // A tail call: return to the caller.
                                pc = pop_cp(proc);
                            }
                            if proc.yield_now {
                                // The BIF asked to end the slice (`erlang:yield/0`, `spawn`),
                                // or charged reductions beyond its call (`Process::charge`):
                                // the slice ends only when they use it up.
                                proc.yield_now = false;
                                let extra = std::mem::take(&mut proc.extra_reds);
                                *reds -= extra as i64;
                                if extra == 0 || *reds <= 0 {
                                    proc.pc = pc;
                                    proc.live = 1;
                                    return Outcome::Yield;
                                }
                            }
                            // It made (or took) many new binaries, say: collected here
                            // (`x0` and the stack live), as OTP collects after such a BIF.
                            if proc.heap.collection_due() && proc.gc(1, 0) {
                                return Outcome::Killed(Term::atom(atom::KILLED));
                            }
                            continue;
                        }
                        Err(Fail::Exited(r)) => return Outcome::Killed(r),
                        Err(Fail::Trap { target, args }) => {
                            for (i, a) in args.iter().enumerate() {
                                proc.x[i] = *a;
                            }
                            let mut live = args.len();
                            let next = match resolve_export(target) {
                                Err(CallErr::Undef(e)) => {
                                    match error_handler_call(proc, e, args.len()) {
                                        Some(t) => {
                                            live = 3;
                                            Ok(Next::Jump(t))
                                        }
                                        None => Err(CallErr::Undef(e)),
                                    }
                                }
                                n => n,
                            };
                            match next {
                                Ok(Next::Jump(t)) => {
                                    if $push {
                                        // SAFETY: see `next!`.
                                        proc.stack.push(cp(unsafe { pc.add(1) }));
                                    }
                                    pc = t;
                                    trap_yield!(live);
                                    continue;
                                }
                                Ok(Next::Bif(_, e)) => {
                                    // Applying a BIF: run it through its call stub.
                                    if $push {
                                        // SAFETY: see `next!`.
                                        proc.stack.push(cp(unsafe { pc.add(1) }));
                                    }
                                    pc = trampoline_for(e);
                                    trap_yield!(args.len());
                                    continue;
                                }
                                Err(CallErr::Fail(f)) => raise!(f, raise::Ctx::Plain),
                                Err(CallErr::Undef(e)) => raise!(
                                    Fail::error_atom(atom::UNDEF),
                                    raise::Ctx::Undef {
                                        export: e,
                                        tail: !$push
                                    }
                                ),
                            }
                        }
                        Err(fail) => raise!(
                            fail,
                            raise::Ctx::Bif {
                                export: e,
                                args: args.to_vec(),
                                tail: !$push,
                                applied
                            }
                        ),
                    }
                }
                Err(CallErr::Undef(e)) => raise!(
                    Fail::error_atom(atom::UNDEF),
                    raise::Ctx::Undef {
                        export: e,
                        tail: !$push
                    }
                ),
                Err(CallErr::Fail(f)) => raise!(f, raise::Ctx::Plain),
            }
        }};
    }

    loop {
        // SAFETY: `pc` always points at a valid instruction of loaded (never freed) code.
        let ins = unsafe { &*pc };
        match ins {
            Instr::Moves { moves } => {
                for (s, d) in moves.iter() {
                    let v = get(proc, *s);
                    put(proc, *d, v);
                }
                // SAFETY: the fused moves follow this instruction.
                pc = unsafe { pc.add(moves.len()) };
            }
            Instr::MoveXX { src, dst } => {
                proc.x[*dst as usize] = proc.x[*src as usize];
                next!();
            }
            Instr::JitEnter { jit, slot } => {
                if let Some(f) = jit.enter_or_count(*slot) {
                    run_native!(f, *slot);
                }
                next!();
            }
            Instr::MoveXY { src, dst } => {
                let v = proc.x[*src as usize];
                put(proc, Dst::Y(*dst as u16), v);
                next!();
            }
            Instr::MoveYX { src, dst } => {
                proc.x[*dst as usize] = y!(proc, *src);
                next!();
            }
            Instr::MoveYY { src, dst } => {
                let v = y!(proc, *src);
                put(proc, Dst::Y(*dst as u16), v);
                next!();
            }
            Instr::MoveLitX { lit, dst } => {
                proc.x[*dst as usize] = *lit;
                next!();
            }
            Instr::IsNonemptyGetList {
                fail,
                src,
                head,
                tail,
            } => {
                let l = get(proc, *src);
                if l.is_list() {
                    put(proc, *head, l.head());
                    put(proc, *tail, l.tail());
                    // SAFETY: the fused get_list follows this instruction.
                    pc = unsafe { pc.add(2) };
                    continue;
                }
                pc = lbl(*fail);
            }
            Instr::TestHeapPutList {
                heap,
                live,
                head,
                tail,
                dst,
            } => {
                test_heap_put_list!(heap, live, head, tail, dst);
                // SAFETY: the fused put_list follows this instruction.
                pc = unsafe { pc.add(2) };
            }
            Instr::MovesCall {
                arity,
                alloc,
                trim,
                target,
                moves,
                ret,
                kind,
            } => {
                allocate_frame!(*alloc);
                for (s, d) in moves.iter() {
                    let v = get(proc, *s);
                    put(proc, *d, v);
                }
                if *trim != 0 {
                    let len = proc.stack.len() - *trim as usize;
                    proc.stack.truncate(len);
                }
                // SAFETY: the call and the instruction after it follow the fused ones.
                local_call!(kind, arity, target, unsafe { pc.add(*ret as usize) });
            }
            Instr::GetListCall(op) => {
                if !get(proc, op.src).is_list() {
                    fail_or!(op.fail, Fail::badarg());
                }
                allocate_frame!(op.alloc);
                let l = get(proc, op.src);
                put(proc, op.head, l.head());
                put(proc, op.tail, l.tail());
                // SAFETY: the call and the instruction after it follow the fused ones.
                local_call!(&op.kind, &op.arity, &op.target, unsafe {
                    pc.add(op.ret as usize)
                });
            }
            Instr::MoveReturn { src } => {
                proc.x[0] = get(proc, *src);
                pc = pop_cp(proc);
                at_entry!()
            }
            Instr::PutListReturn {
                heap,
                live,
                head,
                tail,
                dst,
                dealloc,
            } => {
                test_heap_put_list!(heap, live, head, tail, dst);
                let len = proc.stack.len() - *dealloc as usize;
                proc.stack.truncate(len);
                pc = pop_cp(proc);
                at_entry!()
            }
            Instr::CmpLt { fail, a, b, then } => {
                let (x, y) = (get(proc, *a), get(proc, *b));
                let lt = if x.is_small() && y.is_small() {
                    // Tagged small integers order as their values.
                    (x.0 as i64) < (y.0 as i64)
                } else {
                    compare(x, y, false) == Ordering::Less
                };
                if lt {
                    on_pass!(then);
                }
                pc = lbl(*fail);
            }
            Instr::CmpGe { fail, a, b, then } => {
                let (x, y) = (get(proc, *a), get(proc, *b));
                let ge = if x.is_small() && y.is_small() {
                    (x.0 as i64) >= (y.0 as i64)
                } else {
                    compare(x, y, false) != Ordering::Less
                };
                if ge {
                    on_pass!(then);
                }
                pc = lbl(*fail);
            }
            Instr::EqImm { fail, a, imm } => {
                if get(proc, *a) == *imm {
                    next!();
                }
                pc = lbl(*fail);
            }
            Instr::NeImm { fail, a, imm } => {
                if get(proc, *a) != *imm {
                    next!();
                }
                pc = lbl(*fail);
            }
            Instr::AddImm { fail, a, imm, dst } => {
                imm_arith!(checked_add, ArithOp::Add, fail, a, imm, dst)
            }
            Instr::SubImm { fail, a, imm, dst } => {
                imm_arith!(checked_sub, ArithOp::Sub, fail, a, imm, dst)
            }
            Instr::DeallocateReturn { n } => {
                let len = proc.stack.len() - *n as usize;
                proc.stack.truncate(len);
                pc = pop_cp(proc);
                at_entry!()
            }
            Instr::Move { src, dst } => {
                let v = get(proc, *src);
                put(proc, *dst, v);
                next!();
            }
            Instr::FuncInfo { mfa } => {
                let _ = mfa;
                raise!(
                    Fail::error_atom(atom::FUNCTION_CLAUSE),
                    raise::Ctx::FunctionClause
                )
            }
            Instr::IntCodeEnd | Instr::Nop | Instr::Comment(_) => {
                raise!(Fail::error_atom(atom::BADARG), raise::Ctx::Plain)
            }
            Instr::NormalExit => {
                return Outcome::Normal(proc.x[0]);
            }
            Instr::Hibernate => {
                // Only the bottom frame (the process's exit address) survives.
                proc.stack.truncate(1);
                proc.catches = 0;
                proc.save = 0;
                if proc.mailbox.is_empty() {
                    if let Handled::Killed(r) = proc.handle_signals() {
                        return Outcome::Killed(r);
                    }
                }
                if proc.mailbox.is_empty() {
                    if proc.gc_major(3, 0) {
                        return Outcome::Killed(Term::atom(atom::KILLED));
                    }
                    proc.pc = pc;
                    proc.live = 3;
                    return Outcome::Wait { timeout: None };
                }
                pc = trampoline_for(apply_3());
                continue;
            }
            Instr::AwaitPortResume => {
                if proc.port_suspended {
                    if let Handled::Killed(r) = proc.handle_signals() {
                        return Outcome::Killed(r);
                    }
                }
                if proc.port_suspended {
                    proc.pc = pc;
                    proc.live = 3;
                    return Outcome::Wait { timeout: None };
                }
                // SAFETY: see `next!`.
                pc = unsafe { pc.add(1) };
            }
            Instr::Call { target, arity } => {
                // SAFETY: see `next!`.
                proc.stack.push(cp(unsafe { pc.add(1) }));
                pc = lbl(*target);
                *reds -= 1;
                if *reds <= 0 {
                    out_of_reds!(*arity);
                }
                at_entry!()
            }
            Instr::CallLast {
                target,
                dealloc,
                arity,
            } => {
                let n = proc.stack.len() - *dealloc as usize;
                proc.stack.truncate(n);
                pc = lbl(*target);
                *reds -= 1;
                if *reds <= 0 {
                    out_of_reds!(*arity);
                }
                at_entry!()
            }
            Instr::CallOnly { target, arity } => {
                pc = lbl(*target);
                *reds -= 1;
                if *reds <= 0 {
                    out_of_reds!(*arity);
                }
                at_entry!()
            }
            Instr::CallExt { export } => {
                let n = resolve_export(export);
                enter!(n, export.mfa.arity, true)
            }
            Instr::CallExtLast { export, dealloc } => {
                let len = proc.stack.len() - *dealloc as usize;
                proc.stack.truncate(len);
                let n = resolve_export(export);
                enter!(n, export.mfa.arity, false)
            }
            Instr::CallExtOnly { export } => {
                let n = resolve_export(export);
                enter!(n, export.mfa.arity, false)
            }
            Instr::CallBif { bif, export } => {
                enter!(
                    Ok::<Next, CallErr>(Next::Bif(*bif, export)),
                    export.mfa.arity,
                    true
                )
            }
            Instr::CallBifLast {
                bif,
                export,
                dealloc,
            } => {
                let len = proc.stack.len() - *dealloc as usize;
                proc.stack.truncate(len);
                enter!(
                    Ok::<Next, CallErr>(Next::Bif(*bif, export)),
                    export.mfa.arity,
                    false
                )
            }
            Instr::CallBifOnly { bif, export } => {
                enter!(
                    Ok::<Next, CallErr>(Next::Bif(*bif, export)),
                    export.mfa.arity,
                    false
                )
            }
            Instr::BifTrampoline { bif, export } => {
                enter!(
                    Ok::<Next, CallErr>(Next::Bif(*bif, export)),
                    export.mfa.arity,
                    false
                )
            }
            Instr::Bif(op) => {
                let BifOp {
                    export,
                    fail,
                    args,
                    arity,
                    dst,
                } = &**op;
                let bif = export.bif.unwrap_or(crate::bif::undef_bif);
                let mut a = [Term::NIL; 3];
                let n = *arity as usize;
                for i in 0..n {
                    a[i] = get(proc, args[i]);
                }
                match bif(proc, &a[..n]) {
                    Ok(v) => {
                        put(proc, *dst, v);
                        next!();
                    }
                    Err(f) => {
                        if *fail != 0 && !matches!(f, Fail::Undef) {
                            pc = lbl(*fail);
                            continue;
                        }
                        raise!(
                            f,
                            raise::Ctx::Bif {
                                export,
                                args: a[..n].to_vec(),
                                tail: false,
                                applied: false
                            }
                        )
                    }
                }
            }
            Instr::Arith2 {
                op,
                ret,
                dst,
                fail,
                a,
                b,
            } => {
                let (x, y) = (get(proc, *a), get(proc, *b));
                if x.is_small() && y.is_small() {
                    // `+` and `-` on tagged words (see `AddImm`), the others on values.
                    let v = match op {
                        ArithOp::Add => (x.0 as i64)
                            .checked_add(y.0 as i64 - 15)
                            .map(|r| Term(r as u64)),
                        ArithOp::Sub => (x.0 as i64)
                            .checked_sub(y.0 as i64 - 15)
                            .map(|r| Term(r as u64)),
                        _ => small_arith(*op, x.small_value(), y.small_value()),
                    };
                    if let Some(v) = v {
                        put(proc, *dst, v);
                        arith_then!(ret);
                    }
                }
                match op.bif()(proc, &[x, y]) {
                    Ok(v) => {
                        put(proc, *dst, v);
                        arith_then!(ret);
                    }
                    Err(f) => {
                        if *fail != 0 && !matches!(f, Fail::Undef) {
                            pc = lbl(*fail);
                            continue;
                        }
                        if inline_arith_error(*op, *a, *b) {
                            // OTP's JIT raises these from inline code: the trace starts with
                            // the current function.
                            raise!(f, raise::Ctx::Plain)
                        }
                        raise!(
                            f,
                            raise::Ctx::Bif {
                                export: op.export(),
                                args: vec![x, y],
                                tail: false,
                                applied: false
                            }
                        )
                    }
                }
            }
            Instr::Apply { arity } | Instr::ApplyLast { arity, .. } => {
                let n = *arity as usize;
                let m = proc.x[n];
                let f = proc.x[n + 1];
                let push = matches!(ins, Instr::Apply { .. });
                if let Instr::ApplyLast { dealloc, .. } = ins {
                    let len = proc.stack.len() - *dealloc as usize;
                    proc.stack.truncate(len);
                }
                match (m.as_atom(), f.as_atom()) {
                    (Some(m), Some(f)) => {
                        let e = crate::module::export_for_call(m, f, *arity);
                        let nx = resolve_export(e);
                        enter!(nx, n, push)
                    }
                    _ => error!(Term::atom(atom::BADARG)),
                }
            }
            Instr::CallFun { arity } => {
                let n = *arity as usize;
                let fun = proc.x[n];
                let (nx, live) = prepare_fun_call(proc, fun, n);
                enter!(nx, live, true)
            }
            Instr::CallFun2 { arity, fun } => {
                let n = *arity as usize;
                let fun = get(proc, *fun);
                let (nx, live) = prepare_fun_call(proc, fun, n);
                enter!(nx, live, true)
            }
            Instr::CallFunLast {
                arity,
                fun,
                dealloc,
            } => {
                let n = *arity as usize;
                let fun = get(proc, *fun);
                let len = proc.stack.len() - *dealloc as usize;
                proc.stack.truncate(len);
                let (nx, live) = prepare_fun_call(proc, fun, n);
                if let Ok(Next::Bif(_, e)) = nx {
                    // An external fun of a BIF, called in tail position: through the BIF's
                    // call stub, as OTP calls it (no frame of this function in a trace).
                    pc = trampoline_for(e);
                    continue;
                }
                enter!(nx, live, false)
            }
            Instr::MakeFun { entry, dst, env } => {
                let f = make_fun(proc, entry, env);
                put(proc, *dst, f);
                next!();
            }
            Instr::Allocate { stack, live } => {
                let _ = live;
                let n = proc.stack.len() + *stack as usize;
                proc.stack.resize(n, Term::NIL);
                next!();
            }
            Instr::AllocateHeap { stack, heap, live } => {
                let n = proc.stack.len() + *stack as usize;
                proc.stack.resize(n, Term::NIL);
                if proc.heap.needs_gc(*heap as usize) && proc.gc(*live as usize, *heap as usize) {
                    return Outcome::Killed(Term::atom(atom::KILLED));
                }
                next!();
            }
            Instr::TestHeap { heap, live } => {
                if proc.heap.needs_gc(*heap as usize) && proc.gc(*live as usize, *heap as usize) {
                    return Outcome::Killed(Term::atom(atom::KILLED));
                }
                next!();
            }
            Instr::Deallocate { n } => {
                let len = proc.stack.len() - *n as usize;
                proc.stack.truncate(len);
                next!();
            }
            Instr::Return => {
                pc = pop_cp(proc);
                at_entry!()
            }
            Instr::Trim { n } => {
                let len = proc.stack.len() - *n as usize;
                proc.stack.truncate(len);
                next!();
            }
            Instr::InitYregs { regs } => {
                for &r in regs.iter() {
                    put(proc, Dst::Y(r as u16), Term::NIL);
                }
                next!();
            }
            Instr::Swap { a, b } => {
                let va = get(proc, a.as_src());
                let vb = get(proc, b.as_src());
                put(proc, *a, vb);
                put(proc, *b, va);
                next!();
            }
            Instr::GetList { src, head, tail } => {
                let l = get(proc, *src);
                require!(l.is_list());
                put(proc, *head, l.head());
                put(proc, *tail, l.tail());
                next!();
            }
            Instr::GetHd { src, dst } => {
                let l = get(proc, *src);
                require!(l.is_list());
                put(proc, *dst, l.head());
                next!();
            }
            Instr::GetTl { src, dst } => {
                let l = get(proc, *src);
                require!(l.is_list());
                put(proc, *dst, l.tail());
                next!();
            }
            Instr::GetTupleElement { src, index, dst } => {
                let t = get(proc, *src);
                require!(t.is_tuple() && (*index as usize) < tuple_arity(t));
                put(proc, *dst, boxed::tuple_element(t, *index as usize));
                next!();
            }
            Instr::GetTupleElement2 {
                src,
                index,
                dst,
                index2,
                dst2,
            } => {
                let t = get(proc, *src);
                require!(t.is_tuple() && (*index.max(index2) as usize) < tuple_arity(t));
                put(proc, *dst, boxed::tuple_element(t, *index as usize));
                put(proc, *dst2, boxed::tuple_element(t, *index2 as usize));
                // SAFETY: the fused get_tuple_element follows this instruction.
                pc = unsafe { pc.add(2) };
            }
            Instr::SetTupleElement { val, tuple, index } => {
                let t = get(proc, *tuple);
                require!(t.is_tuple() && (*index as usize) < tuple_arity(t));
                let v = get(proc, *val);
                boxed::tuple_elems_mut(t)[*index as usize] = v;
                next!();
            }
            Instr::PutList { head, tail, dst } => {
                let h = get(proc, *head);
                let t = get(proc, *tail);
                let l = boxed::cons(&mut proc.heap, h, t);
                put(proc, *dst, l);
                next!();
            }
            Instr::PutTuple2 { dst, elems } => {
                let n = elems.len();
                let p = proc.heap.alloc(1 + n);
                // SAFETY: `alloc` returned 1 + n writable words.
                unsafe {
                    *p = Term(make_header(subtag::TUPLE, n));
                    for (i, s) in elems.iter().enumerate() {
                        *p.add(1 + i) = get(proc, *s);
                    }
                }
                put(proc, *dst, Term::make_boxed(p));
                next!();
            }
            Instr::Cmp { op, fail, a, b } => {
                let (x, y) = (get(proc, *a), get(proc, *b));
                let ok = match op {
                    CmpOp::EqExact => exact_eq(x, y),
                    CmpOp::NeExact => !exact_eq(x, y),
                    CmpOp::Eq => eq(x, y),
                    CmpOp::Ne => !eq(x, y),
                    CmpOp::Lt => {
                        if x.is_small() && y.is_small() {
                            x.small_value() < y.small_value()
                        } else {
                            compare(x, y, false) == Ordering::Less
                        }
                    }
                    CmpOp::Ge => {
                        if x.is_small() && y.is_small() {
                            x.small_value() >= y.small_value()
                        } else {
                            compare(x, y, false) != Ordering::Less
                        }
                    }
                };
                if ok {
                    next!();
                }
                pc = lbl(*fail);
            }
            Instr::Test { test, fail, src } => {
                let ok = test.holds(get(proc, *src));
                if ok {
                    next!();
                }
                pc = lbl(*fail);
            }
            Instr::IsFunction2 { fail, src, arity } => {
                let t = get(proc, *src);
                let a = get(proc, *arity);
                let ok = is_function_of_arity(t, a);
                if ok {
                    next!();
                }
                pc = lbl(*fail);
            }
            Instr::TestArity { fail, src, arity } => {
                let t = get(proc, *src);
                if t.is_tuple() && tuple_arity(t) == *arity as usize {
                    next!();
                }
                pc = lbl(*fail);
            }
            Instr::IsTupleOfArity { fail, src, arity } => {
                let t = get(proc, *src);
                if t.is_tuple() && tuple_arity(t) == *arity as usize {
                    // SAFETY: the fused test_arity follows this instruction.
                    pc = unsafe { pc.add(2) };
                    continue;
                }
                pc = lbl(*fail);
            }
            Instr::IsTaggedTuple {
                fail,
                src,
                arity,
                tag,
            } => {
                let t = get(proc, *src);
                if t.is_tuple()
                    && tuple_arity(t) == *arity as usize
                    && *arity > 0
                    && boxed::tuple_element(t, 0) == *tag
                {
                    next!();
                }
                pc = lbl(*fail);
            }
            Instr::SelectValImm { src, fail, table } => {
                let t = get(proc, *src);
                pc = match table.binary_search_by_key(&t.0, |p| p.0) {
                    Ok(i) => lbl(table[i].1),
                    Err(_) => lbl(*fail),
                };
            }
            Instr::SelectVal { src, fail, table } => {
                let t = get(proc, *src);
                pc = lbl(table
                    .iter()
                    .find(|(v, _)| exact_eq(*v, t))
                    .map(|p| p.1)
                    .unwrap_or(*fail));
            }
            Instr::SelectTupleArity { src, fail, table } => {
                let t = get(proc, *src);
                if !t.is_tuple() {
                    pc = lbl(*fail);
                    continue;
                }
                let a = tuple_arity(t) as u32;
                pc = lbl(table
                    .iter()
                    .find(|(v, _)| *v == a)
                    .map(|p| p.1)
                    .unwrap_or(*fail));
            }
            Instr::Jump { target } => {
                pc = lbl(*target);
            }
            Instr::EntryYield { target, arity } => {
                pc = lbl(*target);
                *reds -= 1;
                if *reds <= 0 {
                    out_of_reds!(*arity);
                }
                at_entry!()
            }
            Instr::Catch { y, handler } | Instr::Try { y, handler } => {
                put(proc, Dst::Y(*y as u16), Term::catch(*handler));
                proc.catches = proc.catches.wrapping_add(1);
                next!();
            }
            Instr::CatchEnd { y } => {
                put(proc, Dst::Y(*y as u16), Term::NIL);
                proc.catches = proc.catches.wrapping_sub(1);
                if proc.x[0].is_none() {
                    let class = proc.x[1];
                    let reason = proc.x[2];
                    proc.x[0] = if class == Term::atom(atom::THROW) {
                        reason
                    } else if class == Term::atom(atom::ERROR) {
                        let st = raise::split_raw_stacktrace(proc.x[3]).1;
                        let inner = tuple2!(reason, st);
                        tuple2!(Term::atom(atom::EXIT_UPPER), inner)
                    } else {
                        tuple2!(Term::atom(atom::EXIT_UPPER), reason)
                    };
                }
                next!();
            }
            Instr::TryEnd { y } => {
                put(proc, Dst::Y(*y as u16), Term::NIL);
                proc.catches = proc.catches.wrapping_sub(1);
                next!();
            }
            Instr::TryCase { y } => {
                put(proc, Dst::Y(*y as u16), Term::NIL);
                proc.catches = proc.catches.wrapping_sub(1);
                proc.x[0] = proc.x[1];
                proc.x[1] = proc.x[2];
                proc.x[2] = proc.x[3];
                next!();
            }
            Instr::TryCaseEnd { src } => {
                let v = get(proc, *src);
                let r = tuple2!(Term::atom(atom::TRY_CLAUSE), v);
                error!(r)
            }
            Instr::Badmatch { src } => {
                let v = get(proc, *src);
                let r = tuple2!(Term::atom(atom::BADMATCH), v);
                error!(r)
            }
            Instr::CaseEnd { src } => {
                let v = get(proc, *src);
                let r = tuple2!(Term::atom(atom::CASE_CLAUSE), v);
                error!(r)
            }
            Instr::Badrecord { src } => {
                let v = get(proc, *src);
                let r = tuple2!(Term::atom(atom::BADRECORD), v);
                error!(r)
            }
            Instr::IfEnd => error!(Term::atom(atom::IF_CLAUSE)),
            Instr::Raise { trace, value } => {
                let (class, st) = raise::split_raw_stacktrace(get(proc, *trace));
                let v = get(proc, *value);
                raise!(
                    Fail::ReRaise {
                        class,
                        reason: v,
                        stacktrace: st
                    },
                    raise::Ctx::Plain
                )
            }
            Instr::BuildStacktrace => {
                proc.x[0] = raise::split_raw_stacktrace(proc.x[0]).1;
                next!();
            }
            Instr::RawRaise => {
                let class = proc.x[0];
                let reason = proc.x[1];
                let st = raise::split_raw_stacktrace(proc.x[2]).1;
                match class.as_atom().and_then(Class::from_atom) {
                    Some(c) => raise!(
                        Fail::ReRaise {
                            class: c,
                            reason,
                            stacktrace: st
                        },
                        raise::Ctx::Plain
                    ),
                    None => error!(Term::atom(atom::BADARG)),
                }
            }
            Instr::Send => {
                let (to, msg) = (proc.x[0], proc.x[1]);
                match crate::bif::send(proc, to, msg) {
                    Ok(v) => {
                        proc.x[0] = v;
                        next!();
                    }
                    Err(f) => {
                        let export = send_export();
                        raise!(
                            f,
                            raise::Ctx::Bif {
                                export,
                                args: vec![to, msg],
                                tail: false,
                                applied: false
                            }
                        )
                    }
                }
            }
            Instr::LoopRec { fail, dst } => {
                if proc.save >= proc.mailbox.len() {
                    // Out of messages: take what has arrived in the inbox.
                    if let Handled::Killed(r) = proc.handle_signals() {
                        return Outcome::Killed(r);
                    }
                }
                if proc.save < proc.mailbox.len() {
                    let m = proc.mailbox[proc.save];
                    put(proc, *dst, m);
                    next!();
                }
                pc = lbl(*fail);
            }
            Instr::LoopRecEnd { target } => {
                proc.save += 1;
                pc = lbl(*target);
            }
            Instr::RemoveMessage => {
                if proc.save < proc.mailbox.len() {
                    proc.mailbox.remove(proc.save);
                }
                // Messages taken have piled up in heap fragments (or brought many bytes
                // of binaries): the next call collects them, with the slice's reductions
                // held back until then (a receive loop that allocates nothing would
                // otherwise keep them all).
                if proc.heap.collection_due() && *reds > 0 {
                    *held += std::mem::take(reds);
                }
                proc.end_receive();
                next!();
            }
            Instr::Timeout => {
                proc.end_receive();
                next!();
            }
            Instr::Wait { target } => {
                proc.pc = lbl(*target);
                proc.live = 0;
                return Outcome::Wait { timeout: None };
            }
            Instr::WaitTimeout { target, timeout } => {
                let t = get(proc, *timeout);
                let ms = if t == Term::atom(atom::INFINITY) {
                    None
                } else {
                    match crate::bignum::to_i64(t) {
                        Some(v) if v >= 0 => Some(v as u64),
                        _ => error!(Term::atom(atom::TIMEOUT_VALUE)),
                    }
                };
                if ms == Some(0) || proc.timed_out {
                    // Expired: continue with the `timeout` instruction that follows.
                    proc.timed_out = false;
                    proc.timer_active = false;
                    next!();
                }
                if proc.cell.is_null() {
                    // Not under the scheduler (unit tests): the wait ends by the timeout.
                    proc.pc = lbl(*target);
                    // SAFETY: see `next!`.
                    proc.timeout_pc = unsafe { pc.add(1) };
                    return Outcome::Wait { timeout: ms };
                }
                // Wait for a message (back to `loop_rec`); the timer, started once per
                // receive, wakes the process with `timed_out` set.
                proc.pc = lbl(*target);
                // The timeout operand is read again when the process wakes up.
                proc.live = if timeout.as_lit().is_none() && !timeout.is_y() {
                    timeout.reg_index() + 1
                } else {
                    0
                };
                let start = if proc.timer_active { None } else { ms };
                return Outcome::Wait { timeout: start };
            }
            Instr::RecvMarkerReserve { dst } => {
                let r = crate::bif::make_ref(proc);
                put(proc, *dst, r);
                next!();
            }
            Instr::RecvMarkerBind { .. }
            | Instr::RecvMarkerClear { .. }
            | Instr::RecvMarkerUse { .. } => {
                next!();
            }
            Instr::Fclearerror => next!(),
            Instr::Fcheckerror { .. } => next!(),
            Instr::FLoad { src, dst } => {
                let t = get(proc, *src);
                proc.f[*dst as usize] = boxed::float_value(t);
                next!();
            }
            Instr::FStore { src, dst } => {
                let v = proc.f[*src as usize];
                let t = boxed::float(&mut proc.heap, v);
                put(proc, *dst, t);
                next!();
            }
            Instr::FMove { src, dst } => {
                proc.f[*dst as usize] = proc.f[*src as usize];
                next!();
            }
            Instr::Fconv { src, dst } => {
                let t = get(proc, *src);
                let v = if t.is_small() {
                    t.small_value() as f64
                } else if t.is_float() {
                    boxed::float_value(t)
                } else if t.is_bignum() {
                    match crate::bignum::to_f64(t) {
                        Some(v) => v,
                        None => error!(Term::atom(atom::BADARITH)),
                    }
                } else {
                    error!(Term::atom(atom::BADARITH))
                };
                proc.f[*dst as usize] = v;
                next!();
            }
            Instr::Farith {
                op,
                a,
                b,
                dst,
                fail,
            } => {
                let (x, y) = (proc.f[*a as usize], proc.f[*b as usize]);
                let r = match op {
                    FloatOp::Add => x + y,
                    FloatOp::Sub => x - y,
                    FloatOp::Mul => x * y,
                    FloatOp::Div => x / y,
                };
                if !r.is_finite() {
                    fail_or!(*fail, Fail::badarith())
                }
                proc.f[*dst as usize] = r;
                next!();
            }
            Instr::Fnegate { src, dst, .. } => {
                // As OTP 25's `fnegate`: `0.0 - X`, so it gives `0.0` for `0.0` (the BIF
                // `erlang:'-'/1` gives `-0.0`).
                proc.f[*dst as usize] = 0.0 - proc.f[*src as usize];
                next!();
            }
            Instr::PutMapAssoc {
                fail,
                src,
                dst,
                pairs,
            } => {
                let m = get(proc, *src);
                if !m.is_map() {
                    let r = tuple2!(Term::atom(atom::BADMAP), m);
                    fail_or!(*fail, Fail::error(r))
                }
                let nm = put_map_assoc(proc, m, pairs);
                put(proc, *dst, nm);
                next!();
            }
            Instr::PutMapExact {
                fail,
                src,
                dst,
                pairs,
            } => {
                let m = get(proc, *src);
                if !m.is_map() {
                    let r = tuple2!(Term::atom(atom::BADMAP), m);
                    fail_or!(*fail, Fail::error(r))
                }
                match put_map_exact(proc, m, pairs) {
                    Ok(nm) => put(proc, *dst, nm),
                    Err(k) => {
                        let r = tuple2!(Term::atom(atom::BADKEY), k);
                        fail_or!(*fail, Fail::error(r))
                    }
                }
                next!();
            }
            Instr::HasMapFields { fail, src, keys } => {
                let m = get(proc, *src);
                let ok = keys.iter().all(|k| map::get(m, get(proc, *k)).is_some());
                if ok {
                    next!();
                }
                pc = lbl(*fail);
            }
            Instr::GetMapElements { fail, src, pairs } => {
                let m = get(proc, *src);
                let mut ok = true;
                for (k, d) in pairs.iter() {
                    match map::get(m, get(proc, *k)) {
                        Some(v) => put(proc, *d, v),
                        None => {
                            ok = false;
                            break;
                        }
                    }
                }
                if ok {
                    next!();
                }
                pc = lbl(*fail);
            }
            Instr::BsStartMatch { fail, src, dst } => {
                let t = get(proc, *src);
                match bs::start_match(&mut proc.heap, t) {
                    Some(ctx) => {
                        put(proc, *dst, ctx);
                        next!();
                    }
                    None => fail_or!(*fail, Fail::badarg()),
                }
            }
            Instr::BsGetPosition { ctx, dst } => {
                let c = match_ctx!(*ctx);
                put(proc, *dst, Term::small(bs::position(c) as i64));
                next!();
            }
            Instr::BsSetPosition { ctx, pos } => {
                let c = match_ctx!(*ctx);
                let p = get(proc, *pos);
                require!(p.is_small() && bs::position_in_range(c, p.small_value()));
                bs::set_position(c, p.small_value() as usize);
                next!();
            }
            Instr::BsGetTail { ctx, dst } => {
                let c = match_ctx!(*ctx);
                let t = bs::get_tail(&mut proc.heap, c);
                put(proc, *dst, t);
                next!();
            }
            Instr::BsGetInteger {
                fail,
                ctx,
                size,
                unit,
                flags,
                dst,
            } => {
                let c = match_ctx!(*ctx);
                let sz = get(proc, *size);
                match bs::get_integer(&mut proc.heap, c, sz, (*unit).into(), (*flags).into()) {
                    Some(v) => {
                        put(proc, *dst, v);
                        next!();
                    }
                    None => pc = lbl(*fail),
                }
            }
            Instr::BsGetFloat {
                fail,
                ctx,
                size,
                unit,
                flags,
                dst,
                ..
            } => {
                let c = match_ctx!(*ctx);
                let sz = get(proc, *size);
                match bs::get_float(&mut proc.heap, c, sz, (*unit).into(), (*flags).into()) {
                    Some(v) => {
                        put(proc, *dst, v);
                        next!();
                    }
                    None => pc = lbl(*fail),
                }
            }
            Instr::BsGetBinary {
                fail,
                ctx,
                size,
                unit,
                dst,
                ..
            } => {
                let c = match_ctx!(*ctx);
                let sz = get(proc, *size);
                match bs::get_binary(&mut proc.heap, c, sz, bin_unit(*unit)) {
                    Some(v) => {
                        put(proc, *dst, v);
                        next!();
                    }
                    None => pc = lbl(*fail),
                }
            }
            Instr::BsSkipBits {
                fail,
                ctx,
                size,
                unit,
            } => {
                let c = match_ctx!(*ctx);
                let sz = get(proc, *size);
                if bs::skip_bits(c, sz, *unit) {
                    next!();
                }
                pc = lbl(*fail);
            }
            Instr::BsTestTail { fail, ctx, bits } => {
                let c = match_ctx!(*ctx);
                if bs::remaining(c) == *bits as usize {
                    next!();
                }
                pc = lbl(*fail);
            }
            Instr::BsTestUnit { fail, ctx, unit } => {
                let c = match_ctx!(*ctx);
                if *unit == 0 || bs::remaining(c) % *unit as usize == 0 {
                    next!();
                }
                pc = lbl(*fail);
            }
            Instr::BsMatchString {
                fail,
                ctx,
                bits,
                data,
            } => {
                let c = match_ctx!(*ctx);
                if bs::match_string(c, *bits as usize, data) {
                    next!();
                }
                pc = lbl(*fail);
            }
            Instr::BsGetUtf8 { fail, ctx, dst } => {
                let c = match_ctx!(*ctx);
                match bs::get_utf8(c) {
                    Some(v) => {
                        put(proc, *dst, v);
                        next!();
                    }
                    None => pc = lbl(*fail),
                }
            }
            Instr::BsGetUtf16 {
                fail,
                ctx,
                flags,
                dst,
            } => {
                let c = match_ctx!(*ctx);
                match bs::get_utf16(c, *flags) {
                    Some(v) => {
                        put(proc, *dst, v);
                        next!();
                    }
                    None => pc = lbl(*fail),
                }
            }
            Instr::BsGetUtf32 {
                fail,
                ctx,
                flags,
                dst,
            } => {
                let c = match_ctx!(*ctx);
                match bs::get_utf32(c, *flags) {
                    Some(v) => {
                        put(proc, *dst, v);
                        next!();
                    }
                    None => pc = lbl(*fail),
                }
            }
            Instr::BsSkipUtf8 { fail, ctx } => {
                let c = match_ctx!(*ctx);
                if bs::get_utf8(c).is_some() {
                    next!();
                }
                pc = lbl(*fail);
            }
            Instr::BsSkipUtf16 { fail, ctx, flags } => {
                let c = match_ctx!(*ctx);
                if bs::get_utf16(c, *flags).is_some() {
                    next!();
                }
                pc = lbl(*fail);
            }
            Instr::BsSkipUtf32 { fail, ctx, flags } => {
                let c = match_ctx!(*ctx);
                if bs::get_utf32(c, *flags).is_some() {
                    next!();
                }
                pc = lbl(*fail);
            }
            Instr::BsContextToBinary { src } => {
                let c = get(proc, src.as_src());
                if c.is_match_state() {
                    let b = bs::context_to_binary(&mut proc.heap, c);
                    put(proc, *src, b);
                }
                next!();
            }
            Instr::BsCreateBin {
                fail,
                unit,
                dst,
                segs,
            } => {
                let vals: smallvec::SmallVec<[(Term, Term); 8]> = segs
                    .iter()
                    .map(|s| (get(proc, s.src), get(proc, s.size)))
                    .collect();
                match bs::create_bin(&mut proc.heap, segs, &vals, (*unit).into()) {
                    Ok(b) => {
                        put(proc, *dst, b);
                        next!();
                    }
                    Err(f) => fail_or!(*fail, f),
                }
            }
            Instr::BsBuild(b) => {
                let (size, base) = match &b.init {
                    OldInit::Bytes(s) | OldInit::Bits(s) => (get(proc, *s), Term::NONE),
                    OldInit::Append { bin, size, .. } => (get(proc, *size), get(proc, *bin)),
                };
                let vals: smallvec::SmallVec<[(Term, Term); 8]> = b
                    .segs
                    .iter()
                    .map(|s| (get(proc, s.src), get(proc, s.size)))
                    .collect();
                match bs::old_build(&mut proc.heap, b, size, base, &vals) {
                    Ok(t) => {
                        put(proc, b.dst, t);
                        next!();
                    }
                    Err((fail, f)) => fail_or!(fail, f),
                }
            }
            Instr::BsAdd {
                fail,
                a,
                b,
                unit,
                dst,
            } => match bs::bs_add(get(proc, *a), get(proc, *b), (*unit).into()) {
                Ok(t) => {
                    put(proc, *dst, t);
                    next!();
                }
                Err(f) => fail_or!(*fail, f),
            },
            Instr::BsUtfSize {
                fail: _,
                src,
                dst,
                utf16,
            } => {
                let t = bs::utf_size(get(proc, *src), *utf16);
                put(proc, *dst, t);
                next!();
            }
            Instr::BsInitWritable => {
                proc.x[0] = boxed::binary(&mut proc.heap, &[]);
                next!();
            }
            Instr::OnLoad => next!(),
            Instr::CallNif { export, data } => {
                let result = match super::call_nif::call(proc, pc, export, *data, reds) {
                    super::call_nif::NifStep::Finished(r) => r,
                    super::call_nif::NifStep::Suspend(o) => return o,
                };
                match result {
                    Ok(v) => {
                        proc.x[0] = v;
                        pc = pop_cp(proc);
                        if proc.yield_now {
                            // `enif_consume_timeslice` charged reductions.
                            proc.yield_now = false;
                            *reds -= std::mem::take(&mut proc.extra_reds) as i64;
                        }
                        if *reds <= 0 || proc.heap.collection_due() {
                            proc.pc = pc;
                            proc.live = 1;
                            return Outcome::Yield;
                        }
                    }
                    Err(Fail::Exited(r)) => return Outcome::Killed(r),
                    Err(Fail::Trap { target, args }) => {
                        // A NIF continuing in other code (a tail call): as a BIF's trap.
                        for (i, a) in args.iter().enumerate() {
                            proc.x[i] = *a;
                        }
                        pc = trampoline_for(target);
                        trap_yield!(args.len());
                    }
                    Err(fail) => {
                        // The original arguments (still in X registers `0..arity`).
                        let args = proc.x[..export.mfa.arity as usize].to_vec();
                        raise!(fail, raise::Ctx::Nif { export, args })
                    }
                }
            }
            Instr::OnLoadFinish { module } => {
                crate::code::finish_on_load(*module, proc.x[0]);
                next!();
            }
            Instr::AwaitOnLoad { export } => {
                let module = export.mfa.module;
                if crate::code::on_load_pending(module) {
                    if let Handled::Killed(r) = proc.handle_signals() {
                        return Outcome::Killed(r);
                    }
                }
                if crate::code::on_load_pending(module) {
                    // Sleeps until the `on_load` function is over (a `Wake` signal then, or
                    // at once when it ended in between); any other signal wakes it too, and
                    // it looks again.
                    let n = export.mfa.arity as usize;
                    call_gc!(n);
                    proc.pc = pc;
                    proc.live = n;
                    let me = proc.id;
                    crate::code::when_on_load_done(
                        module,
                        Box::new(move |_| {
                            let _ = crate::process::exit::deliver(
                                me,
                                crate::process::signals::Signal::Wake,
                            );
                        }),
                    );
                    return Outcome::Wait { timeout: None };
                }
                pc = trampoline_for(export);
            }
        }
    }
}

/// An internal export whose code calls the fun in `x[n]` with `x[0..n]` (used by
/// `erlang:apply/2` on funs).
pub fn apply_fun_export(n: u32) -> &'static Export {
    static CACHE: crate::instance::InstanceLocal<
        parking_lot::Mutex<std::collections::HashMap<u32, &'static Export>>,
    > = crate::instance::InstanceLocal::new();
    let mut c = CACHE.get_or_init(Default::default).lock();
    c.entry(n).or_insert_with(|| {
        let code: &'static [Instr] =
            crate::instance::leak_slice(vec![Instr::CallFun { arity: n }, Instr::Return]);
        Export::synthetic(
            crate::module::Mfa {
                module: atom::ERLANG,
                function: atom::APPLY,
                arity: 2,
            },
            code.as_ptr(),
        )
    })
}

/// Small-integer arithmetic when the result is a small integer; `None` sends the operation
/// to the BIF (overflow, division by zero, large shifts).
#[inline(always)]
/// Whether OTP 25's JIT raises the error of `a op b` from its inline code (no `erlang:op`
/// frame on the stack trace): `+` with one operand a register and the other a small-integer
/// constant, `-` with a register minus a small-integer constant. With two constants (an
/// operation the compiler knows will fail), or any other operand, it calls the BIF.
fn inline_arith_error(op: ArithOp, a: Src, b: Src) -> bool {
    let small_lit = |s: Src| s.as_lit().is_some_and(|t| t.is_small());
    let reg = |s: Src| s.as_lit().is_none();
    match op {
        ArithOp::Add => reg(a) && small_lit(b) || small_lit(a) && reg(b),
        ArithOp::Sub => reg(a) && small_lit(b),
        _ => false,
    }
}

fn small_arith(op: ArithOp, x: i64, y: i64) -> Option<Term> {
    let r = match op {
        ArithOp::Add => x + y,
        ArithOp::Sub => x - y,
        ArithOp::Mul => x.checked_mul(y)?,
        ArithOp::Band => x & y,
        ArithOp::Bor => x | y,
        ArithOp::Bxor => x ^ y,
        ArithOp::Bsr => {
            if y >= 0 {
                x >> y.min(63)
            } else if y > -64 {
                x.checked_shl((-y) as u32).filter(|v| v >> (-y) == x)?
            } else {
                return None;
            }
        }
        ArithOp::Bsl => {
            if (0..64).contains(&y) {
                let v = x.checked_shl(y as u32)?;
                if v >> y != x {
                    return None;
                }
                v
            } else if y < 0 {
                x >> (-y).min(63)
            } else {
                return None;
            }
        }
        ArithOp::Div => {
            if y == 0 {
                return None;
            }
            x / y
        }
        ArithOp::Rem => {
            if y == 0 {
                return None;
            }
            x % y
        }
    };
    Term::try_small(r)
}

/// The general case of the arithmetic instructions: the BIF `erlang:OP/2` on `x` and `y`.
#[cold]
fn arith_slow(proc: &mut Process, op: ArithOp, x: Term, y: Term) -> Result<Term, Fail> {
    op.bif()(proc, &[x, y])
}

/// Pops a return address.
#[inline(always)]
fn pop_cp(proc: &mut Process) -> *const Instr {
    match proc.stack.pop() {
        Some(t) => return_address(t.0),
        None => exit_code(),
    }
}

/// The instruction a return goes to: `word` itself when it is a continuation pointer (on
/// the stack only a code address has the primary tag 0, as OTP's CPs), else one that raises
/// `badarg` — damaged code (a frame of the wrong size) returned through a term.
#[inline(always)]
fn return_address(word: u64) -> *const Instr {
    if word & crate::term::TAG_PRIMARY_MASK == crate::term::TAG_PRIMARY_HEADER && word != 0 {
        word as *const Instr
    } else {
        bad_return_code()
    }
}

/// One instruction that raises `badarg`: where a return through a term goes.
#[cold]
fn bad_return_code() -> *const Instr {
    static CODE: OnceLock<Box<[Instr]>> = OnceLock::new();
    CODE.get_or_init(|| vec![Instr::IntCodeEnd].into_boxed_slice())
        .as_ptr()
}

/// The arity a fun or export term is called with.
pub fn fun_arity(t: Term) -> u32 {
    if t.boxed_subtag() == subtag::EXPORT {
        export_of(t).mfa.arity
    } else {
        fun_entry_of(t).arity
    }
}

/// The export entry of an export fun term.
pub fn export_of(t: Term) -> &'static Export {
    // SAFETY: word 1 of an export object is a `&'static Export`.
    unsafe { &*(t.boxed_word(1) as *const Export) }
}

/// The lambda entry of a local fun term.
pub fn fun_entry_of(t: Term) -> &'static FunEntry {
    // SAFETY: word 1 of a fun object is a `&'static FunEntry`.
    unsafe { &*(t.boxed_word(1) as *const FunEntry) }
}

/// Resolves an export to code: its loaded code, its BIF, or (after loading the module from
/// the code path) its code; `undef` otherwise. The loaded-code case, that of nearly every
/// remote call, is inline at the calling instruction.
#[inline(always)]
fn resolve_export(e: &'static Export) -> Result<Next, CallErr> {
    let a = e.address();
    if !a.is_null() {
        return Ok(Next::Jump(a));
    }
    resolve_export_slow(e)
}

/// [`resolve_export`] for an export without loaded code.
#[inline(never)]
fn resolve_export_slow(e: &'static Export) -> Result<Next, CallErr> {
    if let Some(b) = e.bif {
        return Ok(Next::Bif(b, e));
    }
    if crate::code::native_autoload() && !crate::module::modules().is_loaded(e.mfa.module) {
        if let Err(crate::code::CodeError::OnLoadPending) = crate::code::ensure_loaded(e.mfa.module)
        {
            return Ok(Next::Jump(await_on_load_stub(e)));
        }
    }
    // Read again: the module may have been installed since the first look (by this call's
    // load, or by another process, e.g. when its `on_load` function finished).
    let a = e.address();
    if !a.is_null() {
        return Ok(Next::Jump(a));
    }
    Err(CallErr::Undef(e))
}

/// OTP's `call_error_handler`: in a booted system, a call of `e`, which has no code, becomes
/// a call of `undefined_function(Module, Function, Args)` of the process's error handler
/// module (`error_handler`, which has `code_server` load the module), with the `arity`
/// arguments in `x[0..arity]` made into `Args`. `None` (the caller raises `undef`) in a
/// bare run, or when the error handler is not loaded.
fn error_handler_call(
    proc: &mut Process,
    e: &'static Export,
    arity: usize,
) -> Option<*const Instr> {
    if crate::code::native_autoload() {
        return None;
    }
    if crate::bif::is_otp_bif(e.mfa.module, e.mfa.function, e.mfa.arity) {
        // A BIF of OTP's that this runtime lacks: `undef` at once (no code to load).
        if std::env::var_os("BEAM_DEBUG_UNDEF").is_some() {
            eprintln!(
                "beam: BIF {}:{}/{} is not implemented",
                e.mfa.module.name(),
                e.mfa.function.name(),
                e.mfa.arity
            );
        }
        return None;
    }
    let handler = crate::module::export(proc.error_handler, atom::UNDEFINED_FUNCTION, 3);
    let target = handler.address();
    if target.is_null() {
        return None;
    }
    let args = boxed::list(&mut proc.heap, &proc.x[..arity]);
    proc.x[0] = Term::atom(e.mfa.module);
    proc.x[1] = Term::atom(e.mfa.function);
    proc.x[2] = args;
    Some(target)
}

/// The error handler's `undefined_lambda(Module, Fun, Args)` for a call of `fun` with the
/// `n` arguments in `x[0..n]`, whose module has no code (see [`error_handler_call`]).
fn error_handler_lambda(
    proc: &mut Process,
    module: atom::Atom,
    fun: Term,
    n: usize,
) -> Option<*const Instr> {
    let handler = crate::module::export(proc.error_handler, atom::UNDEFINED_LAMBDA, 3);
    let target = handler.address();
    if target.is_null() {
        return None;
    }
    let args = boxed::list(&mut proc.heap, &proc.x[..n]);
    proc.x[0] = Term::atom(module);
    proc.x[1] = fun;
    proc.x[2] = args;
    Some(target)
}

/// A code address that waits for `e`'s module to finish its `on_load` function, then calls
/// `e` (one stub per export, made once).
fn await_on_load_stub(e: &'static Export) -> *const Instr {
    static STUBS: crate::instance::InstanceLocal<
        parking_lot::Mutex<std::collections::HashMap<usize, usize>>,
    > = crate::instance::InstanceLocal::new();
    let mut stubs = STUBS.get_or_init(Default::default).lock();
    let key = e as *const Export as usize;
    *stubs.entry(key).or_insert_with(|| {
        let code: &'static [Instr] =
            crate::instance::leak_slice(vec![Instr::AwaitOnLoad { export: e }]);
        code.as_ptr() as usize
    }) as *const Instr
}

/// `make_fun`: a fun of `entry` whose environment is the values of `env`.
pub(crate) fn make_fun(proc: &mut Process, entry: &'static FunEntry, env: &[Src]) -> Term {
    let nf = env.len();
    let p = proc.heap.alloc(2 + nf);
    // SAFETY: `alloc` returned 2 + nf writable words.
    unsafe {
        *p = Term(make_header(subtag::FUN, 1 + nf));
        *p.add(1) = Term(entry as *const FunEntry as u64);
        for (i, s) in env.iter().enumerate() {
            *p.add(2 + i) = get(proc, *s);
        }
    }
    Term::make_boxed(p)
}

/// `put_map_assoc` on the map `m`: the map with the pairs' values.
pub(crate) fn put_map_assoc(proc: &mut Process, m: Term, pairs: &[(Src, Src)]) -> Term {
    // One pair (`M#{K => V}`, the common case) without gathering the pairs first.
    if let [(k, v)] = pairs {
        let (k, v) = (get(proc, *k), get(proc, *v));
        return map::put(&mut proc.heap, m, k, v);
    }
    with_map_pairs(proc, pairs, |heap, kv| map::put_many(heap, m, kv))
}

/// Runs `f` on the process's heap with the key and value terms of a map instruction's
/// pairs, gathered on the stack (a map expression rarely has more than 16 pairs).
#[inline]
fn with_map_pairs<R>(
    proc: &mut Process,
    pairs: &[(Src, Src)],
    f: impl FnOnce(&mut crate::heap::Heap, &[(Term, Term)]) -> R,
) -> R {
    const ON_STACK: usize = 16;
    if pairs.len() <= ON_STACK {
        let mut kv = [(Term::NIL, Term::NIL); ON_STACK];
        for (slot, (k, v)) in kv.iter_mut().zip(pairs) {
            *slot = (get(proc, *k), get(proc, *v));
        }
        f(&mut proc.heap, &kv[..pairs.len()])
    } else {
        let kv: Vec<(Term, Term)> = pairs
            .iter()
            .map(|(k, v)| (get(proc, *k), get(proc, *v)))
            .collect();
        f(&mut proc.heap, &kv)
    }
}

/// `put_map_exact` on the map `m`: the map with the pairs' values, or the first key `m`
/// does not have.
pub(crate) fn put_map_exact(
    proc: &mut Process,
    m: Term,
    pairs: &[(Src, Src)],
) -> Result<Term, Term> {
    if let [(k, v)] = pairs {
        let (k, v) = (get(proc, *k), get(proc, *v));
        return map::update(&mut proc.heap, m, k, v).ok_or(k);
    }
    with_map_pairs(proc, pairs, |heap, kv| map::update_many(heap, m, kv))
}

/// Whether `t` is a fun of arity `a` (`is_function/2`).
pub(crate) fn is_function_of_arity(t: Term, a: Term) -> bool {
    t.is_function() && a.as_small() == Some(fun_arity(t) as i64)
}

/// Puts the environment of the fun object `fun` in the X registers `x` after `n`
/// arguments; returns its size.
pub(crate) fn fun_env_to_x(x: &mut [Term], fun: Term, n: usize) -> usize {
    let nf = header_arity(fun.header()) - 1;
    for i in 0..nf {
        x[n + i] = Term(fun.boxed_word(2 + i));
    }
    nf
}

/// Sets up the X registers to call fun `fun` with `n` arguments already in `x[0..n]`; also
/// the number of live X registers at the target (the arguments and the fun's free
/// variables, or the error handler's three arguments).
fn prepare_fun_call(proc: &mut Process, fun: Term, n: usize) -> (Result<Next, CallErr>, usize) {
    if fun.is_boxed_with(subtag::FUN) {
        let e = fun_entry_of(fun);
        if e.arity as usize != n {
            return (Err(CallErr::Fail(badarity(proc, fun, n))), n);
        }
        let nf = fun_env_to_x(&mut proc.x, fun, n);
        let a = e.address();
        if a.is_null() && crate::module::modules().is_loaded(e.module) {
            // The module is loaded but has no code for this fun (made by a purged version):
            // `badfun`, not the error handler, which would only call it again.
            let r = boxed::tuple(&mut proc.heap, &[Term::atom(atom::BADFUN), fun]);
            return (Err(CallErr::Fail(Fail::error(r))), n);
        }
        if a.is_null() && !crate::code::native_autoload() {
            // OTP's `call_fun` of a fun whose code is gone: the error handler's
            // `undefined_lambda(Module, Fun, Args)`.
            return match error_handler_lambda(proc, e.module, fun, n) {
                Some(t) => (Ok(Next::Jump(t)), 3),
                None => {
                    let r = boxed::tuple(&mut proc.heap, &[Term::atom(atom::BADFUN), fun]);
                    (Err(CallErr::Fail(Fail::error(r))), n)
                }
            };
        }
        if a.is_null() {
            let _ = crate::code::ensure_loaded(e.module);
            let a = e.address();
            if a.is_null() {
                // What `error_handler:undefined_lambda/3` does in a booted system: `badfun`
                // when the loaded module lacks the fun, `undef` when it cannot be loaded.
                let reason = if crate::module::modules().is_loaded(e.module) {
                    boxed::tuple(&mut proc.heap, &[Term::atom(atom::BADFUN), fun])
                } else {
                    Term::atom(atom::UNDEF)
                };
                return (Err(CallErr::Fail(Fail::error(reason))), n);
            }
            return (Ok(Next::Jump(a)), n + nf);
        }
        (Ok(Next::Jump(a)), n + nf)
    } else if fun.is_boxed_with(subtag::EXPORT) {
        let e = export_of(fun);
        if e.mfa.arity as usize != n {
            return (Err(CallErr::Fail(badarity(proc, fun, n))), n);
        }
        (resolve_export(e), n)
    } else {
        let r = boxed::tuple(&mut proc.heap, &[Term::atom(atom::BADFUN), fun]);
        (Err(CallErr::Fail(Fail::error(r))), n)
    }
}

fn badarity(proc: &mut Process, fun: Term, n: usize) -> Fail {
    let args = proc.x[..n].to_vec();
    let l = boxed::list(&mut proc.heap, &args);
    let inner = boxed::tuple(&mut proc.heap, &[fun, l]);
    let r = boxed::tuple(&mut proc.heap, &[Term::atom(atom::BADARITY), inner]);
    Fail::error(r)
}

/// Elements of a tuple (re-exported for BIFs that inspect MFA tuples).
pub fn elems<'a>(t: Term) -> &'a [Term] {
    tuple_elems(t)
}
