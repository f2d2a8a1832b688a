//! Control-flow BIFs (OTP's `bif.c`): raising exceptions (`error`, `throw`, `exit`,
//! `raise`), `apply`, `halt`, and `nif_error`.

use super::Registry;
use crate::atom;
use crate::exception::{BifResult, Class, Fail};
use crate::module;
use crate::process::Process;
use crate::term::boxed;
use crate::term::Term;
use std::io::Write;

pub fn register(r: &mut Registry) {
    r.add("erlang", "error", 1, error_1);
    r.add("erlang", "error", 2, error_2);
    r.add("erlang", "error", 3, error_3);
    r.add("erlang", "throw", 1, throw_1);
    r.add("erlang", "exit", 1, exit_1);
    r.add("erlang", "raise", 3, raise_3);
    r.add("erlang", "apply", 2, apply_2);
    r.add("erlang", "apply", 3, apply_3);
    r.add("erlang", "halt", 0, halt_0);
    r.add("erlang", "halt", 1, halt_1);
    r.add("erlang", "halt", 2, halt_2);
    r.add("erlang", "nif_error", 1, nif_error_1);
    r.add("erlang", "nif_error", 2, nif_error_2);
}

fn error_1(_p: &mut Process, a: &[Term]) -> BifResult {
    Err(Fail::Raise {
        class: Class::Error,
        reason: a[0],
        args: Term::NONE,
        error_info: Term::NONE,
    })
}

fn error_2(_p: &mut Process, a: &[Term]) -> BifResult {
    Err(Fail::Raise {
        class: Class::Error,
        reason: a[0],
        args: a[1],
        error_info: Term::NONE,
    })
}

/// `error(Reason, Args, Options)`: `Options` may hold `{error_info, Map}`.
fn error_3(_p: &mut Process, a: &[Term]) -> BifResult {
    let Some(opts) = boxed::list_to_vec(a[2]) else {
        return Err(Fail::badarg());
    };
    let error_info = opts
        .iter()
        .rev()
        .find(|o| {
            o.is_tuple()
                && boxed::tuple_arity(**o) == 2
                && boxed::tuple_element(**o, 0) == Term::atom(crate::atom::ERROR_INFO)
        })
        .copied()
        .unwrap_or(Term::NONE);
    Err(Fail::Raise {
        class: Class::Error,
        reason: a[0],
        args: a[1],
        error_info,
    })
}

fn throw_1(_p: &mut Process, a: &[Term]) -> BifResult {
    Err(Fail::throw(a[0]))
}

fn exit_1(_p: &mut Process, a: &[Term]) -> BifResult {
    Err(Fail::exit(a[0]))
}

/// Whether `t` looks like a stack trace OTP accepts in `raise/3`.
fn valid_stacktrace(t: Term) -> bool {
    let Some(items) = boxed::list_to_vec(t) else {
        return false;
    };
    items.iter().all(|e| {
        e.is_tuple() && {
            let el = boxed::tuple_elems(*e);
            // Arity or arguments, and a location list, as OTP checks them.
            let args = |t: Term| t.is_small() || t.is_list() || t.is_nil();
            let loc = |t: Term| t.is_list() || t.is_nil();
            match el.len() {
                4 => el[0].is_atom() && el[1].is_atom() && args(el[2]) && loc(el[3]),
                3 => {
                    el[0].is_atom() && el[1].is_atom() && args(el[2])
                        || el[0].is_function() && args(el[1]) && loc(el[2])
                }
                2 => el[0].is_function(),
                _ => false,
            }
        }
    })
}

/// A stack trace with each `{M, F, A}` entry given its empty location list, as OTP does.
fn with_locations(p: &mut Process, t: Term) -> Term {
    let items = boxed::list_to_vec(t).unwrap_or_default();
    if !items
        .iter()
        .any(|e| boxed::tuple_arity(*e) == 3 && boxed::tuple_element(*e, 0).is_atom())
    {
        return t;
    }
    let fixed: Vec<Term> = items
        .iter()
        .map(|&e| {
            let el = boxed::tuple_elems(e);
            if el.len() == 3 && el[0].is_atom() {
                let (m, f, a) = (el[0], el[1], el[2]);
                boxed::tuple(&mut p.heap, &[m, f, a, Term::NIL])
            } else {
                e
            }
        })
        .collect();
    boxed::list(&mut p.heap, &fixed)
}

fn raise_3(p: &mut Process, a: &[Term]) -> BifResult {
    let class = a[0].as_atom().and_then(Class::from_atom);
    match class {
        Some(c) if valid_stacktrace(a[2]) => Err(Fail::ReRaise {
            class: c,
            reason: a[1],
            stacktrace: with_locations(p, a[2]),
        }),
        // OTP's raise/3 returns `badarg` (it does not raise) when its arguments are invalid.
        _ => Ok(Term::atom(crate::atom::BADARG)),
    }
}

fn apply_3(_p: &mut Process, a: &[Term]) -> BifResult {
    let (Some(m), Some(f)) = (a[0].as_atom(), a[1].as_atom()) else {
        return Err(Fail::badarg());
    };
    let Some(args) = boxed::list_to_vec(a[2]) else {
        return Err(Fail::badarg());
    };
    let target = module::export_for_call(m, f, args.len() as u32);
    Err(Fail::Trap { target, args })
}

fn apply_2(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(args) = boxed::list_to_vec(a[1]) else {
        return Err(Fail::badarg());
    };
    let fun = a[0];
    if fun.is_boxed_with(crate::term::subtag::EXPORT) {
        let e = crate::emu::interp::export_of(fun);
        if e.mfa.arity as usize == args.len() {
            return Err(Fail::Trap { target: e, args });
        }
    }
    // Funs (and arity mismatches) go through `erlang:apply/2`'s Erlang-level helper: call the
    // fun via a small trampoline that uses `call_fun`.
    let mut v = args;
    v.push(fun);
    let _ = p;
    Err(Fail::Trap {
        target: crate::emu::interp::apply_fun_export(v.len() as u32 - 1),
        args: v,
    })
}

/// What `halt/1,2` was asked to do.
enum HaltHow {
    /// Exit with this status.
    Status(i32),
    /// Write a crash dump with this slogan (UTF-8) and exit with status 1.
    Slogan(Vec<u8>),
}

fn halt_how(t: Term) -> Option<HaltHow> {
    if let Some(n) = t.as_small() {
        return (n >= 0).then_some(HaltHow::Status((n & 0xFF) as i32));
    }
    if t.is_bignum() {
        // A positive bignum: its low byte, as OTP.
        if crate::bignum::is_negative(t) {
            return None;
        }
        let low = (crate::bignum::limbs(t).first().copied().unwrap_or(0) & 0xFF) as u8;
        return Some(HaltHow::Status(i32::from(low)));
    }
    if t == Term::atom(atom::atom("abort")) {
        return Some(HaltHow::Status(134));
    }
    let chars = boxed::list_to_vec(t)?;
    let mut text = String::new();
    for c in chars {
        let c = c.as_small().and_then(|c| u32::try_from(c).ok())?;
        text.push(char::from_u32(c)?);
    }
    Some(HaltHow::Slogan(text.into_bytes()))
}

/// Halts with status `code`. In an instance with a halt handler (an embedded runtime) the
/// handler gets the status and the instance stops; the calling process ends its slice
/// (calling `halt` again, should it ever run) and never returns from the call. Otherwise
/// the OS process exits, as OTP's.
fn do_halt(p: &mut Process, code: i32, flush: bool, args: &[Term]) -> BifResult {
    // What this process gave a port is written, whatever `flush` says (OTP writes it in
    // the command).
    crate::port::deferred_output::flush();
    if crate::instance::current().halt_handler().is_some() {
        if flush {
            crate::port::flush_all(std::time::Duration::from_secs(5));
        }
        let _ = std::io::stdout().flush();
        crate::instance::halt(code);
        return Err(super::retry_after_yield(p, "erlang", "halt", args));
    }
    exit_process(code, flush)
}

fn exit_process(code: i32, flush: bool) -> ! {
    if code == 134 {
        // `halt(abort)`: the runtime aborts (a core dump where the OS makes one).
        let _ = std::io::stdout().flush();
        std::process::abort();
    }
    if flush {
        crate::port::flush_all(std::time::Duration::from_secs(5));
    }
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    std::process::exit(code)
}

fn halt_0(p: &mut Process, a: &[Term]) -> BifResult {
    do_halt(p, 0, true, a)
}

fn halt_1(p: &mut Process, a: &[Term]) -> BifResult {
    halt(p, a[0], true, a)
}

fn halt(p: &mut Process, how: Term, flush: bool, args: &[Term]) -> BifResult {
    match halt_how(how) {
        Some(HaltHow::Status(c)) => do_halt(p, c, flush, args),
        Some(HaltHow::Slogan(s)) => {
            if crate::instance::current().halt_handler().is_some() {
                crate::crash_dump::write_for_slogan(p, &s);
                return do_halt(p, 1, false, args);
            }
            crate::crash_dump::halt_with_slogan(p, &s)
        }
        None => Err(Fail::badarg()),
    }
}

/// `halt(Status, Options)`: `Options` is a list of `{flush, boolean()}`.
fn halt_2(p: &mut Process, a: &[Term]) -> BifResult {
    let badopt = || Fail::badarg_cause(Term::atom(atom::atom("badopt")));
    let opts = boxed::list_to_vec(a[1]).ok_or_else(badopt)?;
    let mut flush = true;
    for o in opts {
        let ok = o.is_tuple()
            && boxed::tuple_arity(o) == 2
            && boxed::tuple_element(o, 0) == Term::atom(atom::atom("flush"))
            && boxed::tuple_element(o, 1).is_boolean();
        if !ok {
            return Err(badopt());
        }
        flush = boxed::tuple_element(o, 1) == Term::bool(true);
    }
    halt(p, a[0], flush, a)
}

fn nif_error_1(_p: &mut Process, a: &[Term]) -> BifResult {
    Err(Fail::error(a[0]))
}

fn nif_error_2(_p: &mut Process, a: &[Term]) -> BifResult {
    Err(Fail::Raise {
        class: Class::Error,
        reason: a[0],
        args: a[1],
        error_info: Term::NONE,
    })
}
