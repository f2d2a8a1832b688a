//! Type tests as functions (`is_atom/1` ... `is_record/3`, OTP's `erl_bif_guard.c`) and the
//! boolean operators `and or xor not`.

use crate::bif::Registry;
use crate::exception::{BifResult, Fail};
use crate::process::Process;
use crate::term::boxed;
use crate::term::Term;

pub fn register(r: &mut Registry) {
    r.add("erlang", "is_atom", 1, |_, a| {
        Ok(Term::bool(a[0].is_atom()))
    });
    r.add("erlang", "is_integer", 1, |_, a| {
        Ok(Term::bool(a[0].is_integer()))
    });
    r.add("erlang", "is_float", 1, |_, a| {
        Ok(Term::bool(a[0].is_float()))
    });
    r.add("erlang", "is_number", 1, |_, a| {
        Ok(Term::bool(a[0].is_number()))
    });
    r.add("erlang", "is_list", 1, |_, a| {
        Ok(Term::bool(a[0].is_list() || a[0].is_nil()))
    });
    r.add("erlang", "is_tuple", 1, |_, a| {
        Ok(Term::bool(a[0].is_tuple()))
    });
    r.add("erlang", "is_binary", 1, |_, a| {
        Ok(Term::bool(a[0].is_binary()))
    });
    r.add("erlang", "is_bitstring", 1, |_, a| {
        Ok(Term::bool(a[0].is_bitstring()))
    });
    r.add("erlang", "is_boolean", 1, |_, a| {
        Ok(Term::bool(a[0].is_boolean()))
    });
    r.add("erlang", "is_function", 1, |_, a| {
        Ok(Term::bool(a[0].is_function()))
    });
    r.add("erlang", "is_function", 2, is_function_2);
    r.add("erlang", "is_pid", 1, |_, a| Ok(Term::bool(a[0].is_pid())));
    r.add("erlang", "is_port", 1, |_, a| {
        Ok(Term::bool(a[0].is_port()))
    });
    r.add("erlang", "is_reference", 1, |_, a| {
        Ok(Term::bool(a[0].is_reference()))
    });
    r.add("erlang", "is_map", 1, |_, a| Ok(Term::bool(a[0].is_map())));
    r.add("erlang", "is_record", 2, is_record_2);
    r.add("erlang", "is_record", 3, is_record_3);
    r.add("erlang", "and", 2, and);
    r.add("erlang", "or", 2, or);
    r.add("erlang", "xor", 2, xor);
    r.add("erlang", "not", 1, not);
}

fn is_function_2(_p: &mut Process, a: &[Term]) -> BifResult {
    let Some(n) = a[1].as_small().filter(|n| *n >= 0) else {
        return Err(Fail::badarg());
    };
    Ok(Term::bool(
        a[0].is_function() && crate::emu::interp::fun_arity(a[0]) == n as u32,
    ))
}

fn is_record_2(_p: &mut Process, a: &[Term]) -> BifResult {
    if !a[1].is_atom() {
        return Err(Fail::badarg());
    }
    let t = a[0];
    Ok(Term::bool(
        t.is_tuple() && boxed::tuple_arity(t) > 0 && boxed::tuple_element(t, 0) == a[1],
    ))
}

fn is_record_3(_p: &mut Process, a: &[Term]) -> BifResult {
    let (Some(size), true) = (a[2].as_small(), a[1].is_atom()) else {
        return Err(Fail::badarg());
    };
    let t = a[0];
    Ok(Term::bool(
        t.is_tuple()
            && boxed::tuple_arity(t) as i64 == size
            && size > 0
            && boxed::tuple_element(t, 0) == a[1],
    ))
}

fn bools(a: &[Term]) -> Result<(bool, bool), Fail> {
    match (as_bool(a[0]), as_bool(a[1])) {
        (Some(x), Some(y)) => Ok((x, y)),
        _ => Err(Fail::badarg()),
    }
}

fn as_bool(t: Term) -> Option<bool> {
    if t == Term::bool(true) {
        Some(true)
    } else if t == Term::bool(false) {
        Some(false)
    } else {
        None
    }
}

fn and(_p: &mut Process, a: &[Term]) -> BifResult {
    let (x, y) = bools(a)?;
    Ok(Term::bool(x && y))
}
fn or(_p: &mut Process, a: &[Term]) -> BifResult {
    let (x, y) = bools(a)?;
    Ok(Term::bool(x || y))
}
fn xor(_p: &mut Process, a: &[Term]) -> BifResult {
    let (x, y) = bools(a)?;
    Ok(Term::bool(x ^ y))
}
fn not(_p: &mut Process, a: &[Term]) -> BifResult {
    as_bool(a[0])
        .map(|b| Term::bool(!b))
        .ok_or_else(Fail::badarg)
}
