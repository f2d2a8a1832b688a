//! Timer BIFs (OTP's `erl_bif_timer` part of `erl_hl_timer.c`): `send_after/3,4`,
//! `start_timer/3,4`, `cancel_timer/1,2`, `read_timer/1,2`. The timers themselves live in
//! [`crate::timer`].

use super::Registry;
use crate::atom;
use crate::exception::{BifResult, Fail};
use crate::process::Process;
use crate::term::boxed;
use crate::term::Term;
use crate::timer::{self, Dest};

pub fn register(r: &mut Registry) {
    r.add("erlang", "send_after", 3, send_after_3);
    r.add("erlang", "send_after", 4, send_after_4);
    r.add("erlang", "start_timer", 3, start_timer_3);
    r.add("erlang", "start_timer", 4, start_timer_4);
    r.add("erlang", "cancel_timer", 1, cancel_timer_1);
    r.add("erlang", "cancel_timer", 2, cancel_timer_2);
    r.add("erlang", "read_timer", 1, read_timer_1);
    r.add("erlang", "read_timer", 2, read_timer_2);
}

/// Largest timeout OTP accepts (`2^32 - 1` ms... and beyond: any non-negative integer that
/// fits a 64-bit count of milliseconds).
fn time_ms(t: Term) -> Option<u64> {
    crate::bignum::to_i64(t).and_then(|v| u64::try_from(v).ok())
}

fn dest(t: Term) -> Option<Dest> {
    if t.is_local_pid() {
        Some(Dest::Pid(t.pid_number()))
    } else {
        t.as_atom().map(Dest::Name)
    }
}

/// `{abs, Bool}` options: only relative timers are supported; `{abs, true}` is refused with
/// `badarg` rather than misread.
fn check_opts(t: Term) -> Result<(), Fail> {
    let Some(opts) = boxed::list_to_vec(t) else {
        return Err(Fail::badarg());
    };
    for o in opts {
        if o.is_tuple()
            && boxed::tuple_arity(o) == 2
            && boxed::tuple_element(o, 0) == Term::atom(atom::atom("abs"))
            && boxed::tuple_element(o, 1) == Term::bool(false)
        {
            continue;
        }
        return Err(Fail::badarg());
    }
    Ok(())
}

fn start(p: &mut Process, a: &[Term], start_timer: bool) -> BifResult {
    let (Some(ms), Some(d)) = (time_ms(a[0]), dest(a[1])) else {
        return Err(Fail::badarg());
    };
    let id = super::process::new_ref_id();
    timer::start_message_timer(id, ms, d, a[2], start_timer);
    Ok(boxed::reference(&mut p.heap, id))
}

fn send_after_3(p: &mut Process, a: &[Term]) -> BifResult {
    start(p, a, false)
}
fn send_after_4(p: &mut Process, a: &[Term]) -> BifResult {
    check_opts(a[3])?;
    start(p, &a[..3], false)
}
fn start_timer_3(p: &mut Process, a: &[Term]) -> BifResult {
    start(p, a, true)
}
fn start_timer_4(p: &mut Process, a: &[Term]) -> BifResult {
    check_opts(a[3])?;
    start(p, &a[..3], true)
}

fn left(v: Option<u64>) -> Term {
    match v {
        Some(ms) => Term::small(ms as i64),
        None => Term::bool(false),
    }
}

fn timer_ref(t: Term) -> Result<u64, Fail> {
    if t.is_reference() {
        Ok(boxed::reference_id(t))
    } else {
        Err(Fail::badarg())
    }
}

fn cancel_timer_1(_p: &mut Process, a: &[Term]) -> BifResult {
    Ok(left(timer::cancel(timer_ref(a[0])?)))
}

fn read_timer_1(_p: &mut Process, a: &[Term]) -> BifResult {
    Ok(left(timer::read(timer_ref(a[0])?)))
}

/// Parses `[{async, B}, {info, B}]` (defaults: async false, info true).
fn async_info(t: Term, allow_info: bool) -> Result<(bool, bool), Fail> {
    let Some(opts) = boxed::list_to_vec(t) else {
        return Err(Fail::badarg());
    };
    let (mut asynchronous, mut info) = (false, true);
    for o in opts {
        if !o.is_tuple() || boxed::tuple_arity(o) != 2 {
            return Err(Fail::badarg());
        }
        let v = match boxed::tuple_element(o, 1).as_atom().map(|a| a.name()) {
            Some("true") => true,
            Some("false") => false,
            _ => return Err(Fail::badarg()),
        };
        match boxed::tuple_element(o, 0).as_atom().map(|a| a.name()) {
            Some("async") => asynchronous = v,
            Some("info") if allow_info => info = v,
            _ => return Err(Fail::badarg()),
        }
    }
    Ok((asynchronous, info))
}

/// The answer of an asynchronous cancel/read: `{Tag, Ref, Result}` sent to the caller.
fn reply_async(p: &mut Process, tag: &str, r: Term, result: Term) {
    let msg = boxed::tuple(&mut p.heap, &[Term::atom(atom::atom(tag)), r, result]);
    let _ = super::process::send(p, p.pid(), msg);
}

fn cancel_timer_2(p: &mut Process, a: &[Term]) -> BifResult {
    let id = timer_ref(a[0])?;
    let (asynchronous, info) = async_info(a[1], true)?;
    let result = left(timer::cancel(id));
    if asynchronous {
        if info {
            reply_async(p, "cancel_timer", a[0], result);
        }
        return Ok(Term::atom(atom::OK));
    }
    if info {
        Ok(result)
    } else {
        Ok(Term::atom(atom::OK))
    }
}

fn read_timer_2(p: &mut Process, a: &[Term]) -> BifResult {
    let id = timer_ref(a[0])?;
    let (asynchronous, _) = async_info(a[1], false)?;
    let result = left(timer::read(id));
    if asynchronous {
        reply_async(p, "read_timer", a[0], result);
        return Ok(Term::atom(atom::OK));
    }
    Ok(result)
}
