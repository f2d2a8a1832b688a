//! `+ - * / div rem`, unary `-`/`+`, `abs`, and the comparison operators as functions.

use super::num::{big_term, float_term, two, two_ints, Num};
use crate::bif::Registry;
use crate::exception::{BifResult, Fail};
use crate::process::Process;
use crate::term::compare::{compare, eq, exact_eq};
use crate::term::Term;
use num_bigint::BigInt;
use num_traits::{Signed, Zero};
use std::cmp::Ordering;

pub fn register(r: &mut Registry) {
    r.add("erlang", "+", 2, add);
    r.add("erlang", "-", 2, sub);
    r.add("erlang", "*", 2, mul);
    r.add("erlang", "/", 2, fdiv);
    r.add("erlang", "div", 2, idiv);
    r.add("erlang", "rem", 2, rem);
    r.add("erlang", "-", 1, neg);
    r.add("erlang", "+", 1, plus);
    r.add("erlang", "abs", 1, abs);
    r.add("erlang", "<", 2, lt);
    r.add("erlang", ">", 2, gt);
    r.add("erlang", "=<", 2, le);
    r.add("erlang", ">=", 2, ge);
    r.add("erlang", "==", 2, eqq);
    r.add("erlang", "/=", 2, ne);
    r.add("erlang", "=:=", 2, xeq);
    r.add("erlang", "=/=", 2, xne);
}

/// Applies an integer operation (on i128 when both fit, else on bignums) or a float one.
fn arith(
    p: &mut Process,
    a: &[Term],
    small: fn(i128, i128) -> i128,
    big: fn(&BigInt, &BigInt) -> BigInt,
    float: fn(f64, f64) -> f64,
) -> BifResult {
    let (x, y) = two(a)?;
    if x.is_float() || y.is_float() {
        let r = float(x.to_f64()?, y.to_f64()?);
        return float_term(&mut p.heap, r);
    }
    match (&x, &y) {
        (Num::Int(i), Num::Int(j)) => {
            let r = small(*i as i128, *j as i128);
            Ok(crate::bignum::from_i128(&mut p.heap, r))
        }
        _ => big_term(&mut p.heap, &big(&x.to_big(), &y.to_big())),
    }
}

fn add(p: &mut Process, a: &[Term]) -> BifResult {
    arith(p, a, |x, y| x + y, |x, y| x + y, |x, y| x + y)
}
fn sub(p: &mut Process, a: &[Term]) -> BifResult {
    arith(p, a, |x, y| x - y, |x, y| x - y, |x, y| x - y)
}
fn mul(p: &mut Process, a: &[Term]) -> BifResult {
    arith(p, a, |x, y| x * y, |x, y| x * y, |x, y| x * y)
}

fn fdiv(p: &mut Process, a: &[Term]) -> BifResult {
    let (x, y) = two(a)?;
    let d = y.to_f64()?;
    if d == 0.0 {
        return Err(Fail::badarith());
    }
    float_term(&mut p.heap, x.to_f64()? / d)
}

fn int_div(p: &mut Process, a: &[Term], want_rem: bool) -> BifResult {
    let (x, y) = two_ints(a)?;
    match (&x, &y) {
        (_, Num::Int(0)) => Err(Fail::badarith()),
        (Num::Int(i), Num::Int(j)) => {
            let (i, j) = (*i as i128, *j as i128);
            let r = if want_rem { i % j } else { i / j };
            Ok(crate::bignum::from_i128(&mut p.heap, r))
        }
        _ => {
            let (bx, by) = (x.to_big(), y.to_big());
            if by.is_zero() {
                return Err(Fail::badarith());
            }
            // BigInt division truncates toward zero, like Erlang's div/rem.
            let r = if want_rem { &bx % &by } else { &bx / &by };
            big_term(&mut p.heap, &r)
        }
    }
}

fn idiv(p: &mut Process, a: &[Term]) -> BifResult {
    int_div(p, a, false)
}
fn rem(p: &mut Process, a: &[Term]) -> BifResult {
    int_div(p, a, true)
}

fn neg(p: &mut Process, a: &[Term]) -> BifResult {
    match Num::of(a[0]).ok_or_else(Fail::badarith)? {
        Num::Int(v) => Ok(crate::bignum::from_i128(&mut p.heap, -(v as i128))),
        Num::Big(b) => big_term(&mut p.heap, &-b),
        Num::Float(f) => float_term(&mut p.heap, -f),
    }
}

fn plus(_p: &mut Process, a: &[Term]) -> BifResult {
    Num::of(a[0]).ok_or_else(Fail::badarith)?;
    Ok(a[0])
}

fn abs(p: &mut Process, a: &[Term]) -> BifResult {
    match Num::of(a[0]).ok_or_else(Fail::badarg)? {
        Num::Int(v) => Ok(crate::bignum::from_i128(&mut p.heap, (v as i128).abs())),
        Num::Big(b) => big_term(&mut p.heap, &b.abs()),
        // OTP 25 negates only what compares below zero, so `abs(-0.0)` is `-0.0` (the
        // compiler folds such calls into literals, whose bytes `erlc` writes).
        Num::Float(f) => float_term(&mut p.heap, if f < 0.0 { -f } else { f }),
    }
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
