//! TEMPORARY: small-integer arithmetic for bring-up, replaced by the arith branch.
use super::Registry;
use crate::exception::{BifResult, Fail};
use crate::process::Process;
use crate::term::compare::{compare, eq, exact_eq};
use crate::term::Term;
use std::cmp::Ordering;

fn ints(a: &[Term]) -> Result<(i64, i64), Fail> {
    match (a[0].as_small(), a[1].as_small()) {
        (Some(x), Some(y)) => Ok((x, y)),
        _ => Err(Fail::badarith()),
    }
}
fn mk(p: &mut Process, v: i64) -> BifResult {
    Ok(crate::bignum::from_i64(&mut p.heap, v))
}
fn add(p: &mut Process, a: &[Term]) -> BifResult {
    let (x, y) = ints(a)?;
    mk(p, x + y)
}
fn sub(p: &mut Process, a: &[Term]) -> BifResult {
    let (x, y) = ints(a)?;
    mk(p, x - y)
}
fn mul(p: &mut Process, a: &[Term]) -> BifResult {
    let (x, y) = ints(a)?;
    mk(p, x.wrapping_mul(y))
}
fn div(p: &mut Process, a: &[Term]) -> BifResult {
    let (x, y) = ints(a)?;
    if y == 0 {
        return Err(Fail::badarith());
    }
    mk(p, x / y)
}
fn rem(p: &mut Process, a: &[Term]) -> BifResult {
    let (x, y) = ints(a)?;
    if y == 0 {
        return Err(Fail::badarith());
    }
    mk(p, x % y)
}
fn lt(_p: &mut Process, a: &[Term]) -> BifResult {
    Ok(Term::bool(compare(a[0], a[1], false) == Ordering::Less))
}
fn gt(_p: &mut Process, a: &[Term]) -> BifResult {
    Ok(Term::bool(compare(a[0], a[1], false) == Ordering::Greater))
}
fn le(_p: &mut Process, a: &[Term]) -> BifResult {
    Ok(Term::bool(compare(a[0], a[1], false) != Ordering::Greater))
}
fn ge(_p: &mut Process, a: &[Term]) -> BifResult {
    Ok(Term::bool(compare(a[0], a[1], false) != Ordering::Less))
}
fn eqq(_p: &mut Process, a: &[Term]) -> BifResult {
    Ok(Term::bool(eq(a[0], a[1])))
}
fn ne(_p: &mut Process, a: &[Term]) -> BifResult {
    Ok(Term::bool(!eq(a[0], a[1])))
}
fn xeq(_p: &mut Process, a: &[Term]) -> BifResult {
    Ok(Term::bool(exact_eq(a[0], a[1])))
}
fn xne(_p: &mut Process, a: &[Term]) -> BifResult {
    Ok(Term::bool(!exact_eq(a[0], a[1])))
}

pub fn register(r: &mut Registry) {
    r.add("erlang", "+", 2, add);
    r.add("erlang", "-", 2, sub);
    r.add("erlang", "*", 2, mul);
    r.add("erlang", "div", 2, div);
    r.add("erlang", "rem", 2, rem);
    r.add("erlang", "<", 2, lt);
    r.add("erlang", ">", 2, gt);
    r.add("erlang", "=<", 2, le);
    r.add("erlang", ">=", 2, ge);
    r.add("erlang", "==", 2, eqq);
    r.add("erlang", "/=", 2, ne);
    r.add("erlang", "=:=", 2, xeq);
    r.add("erlang", "=/=", 2, xne);
}
