//! Bit operations on integers of any size (two's complement semantics for negatives, as in
//! Erlang): `band bor bxor bnot bsl bsr`.

use super::num::{big_term, two_ints, Num};
use crate::bif::Registry;
use crate::exception::{BifResult, Fail};
use crate::process::Process;
use crate::term::Term;
use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};

pub fn register(r: &mut Registry) {
    r.add("erlang", "band", 2, band);
    r.add("erlang", "bor", 2, bor);
    r.add("erlang", "bxor", 2, bxor);
    r.add("erlang", "bnot", 1, bnot);
    r.add("erlang", "bsl", 2, bsl);
    r.add("erlang", "bsr", 2, bsr);
}

fn bitop(
    p: &mut Process,
    a: &[Term],
    small: fn(i64, i64) -> i64,
    big: fn(&BigInt, &BigInt) -> BigInt,
) -> BifResult {
    let (x, y) = two_ints(a)?;
    match (&x, &y) {
        (Num::Int(i), Num::Int(j)) => Ok(crate::bignum::from_i64(&mut p.heap, small(*i, *j))),
        _ => big_term(&mut p.heap, &big(&x.to_big(), &y.to_big())),
    }
}

fn band(p: &mut Process, a: &[Term]) -> BifResult {
    bitop(p, a, |x, y| x & y, |x, y| x & y)
}
fn bor(p: &mut Process, a: &[Term]) -> BifResult {
    bitop(p, a, |x, y| x | y, |x, y| x | y)
}
fn bxor(p: &mut Process, a: &[Term]) -> BifResult {
    bitop(p, a, |x, y| x ^ y, |x, y| x ^ y)
}

fn bnot(p: &mut Process, a: &[Term]) -> BifResult {
    match Num::int_of(a[0]).ok_or_else(Fail::badarith)? {
        Num::Int(v) => Ok(crate::bignum::from_i64(&mut p.heap, !v)),
        n => big_term(&mut p.heap, &(-n.to_big() - 1)),
    }
}

/// `x` shifted left by `n` bits (right when negative).
fn shift(p: &mut Process, x: Num, n: Num) -> BifResult {
    // A value that fits a machine word and a count below 64: no bignum unless the result
    // needs one.
    if let Num::Int(count) = n {
        let word = match &x {
            Num::Int(v) => Some(*v),
            Num::Big(b) => b.to_i64(),
            Num::Float(_) => None,
        };
        if let Some(v) = word {
            if (0..64).contains(&count) {
                return Ok(crate::bignum::from_i128(&mut p.heap, (v as i128) << count));
            }
            if count < 0 {
                let c = count.unsigned_abs().min(63);
                return Ok(crate::bignum::from_i128(&mut p.heap, (v >> c) as i128));
            }
        }
    }
    let bx = x.to_big();
    let count = match &n {
        Num::Int(v) => *v as i128,
        Num::Big(b) => {
            // A shift by a bignum: only zero survives a left shift; a right shift leaves the
            // sign.
            if bx.is_zero() {
                return Ok(Term::small(0));
            }
            if b.is_negative() {
                return Ok(Term::small(if bx.is_negative() { -1 } else { 0 }));
            }
            return Err(Fail::system_limit());
        }
        Num::Float(_) => return Err(Fail::badarith()),
    };
    if count >= 0 {
        if bx.is_zero() {
            return Ok(Term::small(0));
        }
        if count as u64 + bx.bits() > crate::bignum::MAX_BIG_BITS {
            return Err(Fail::system_limit());
        }
        big_term(&mut p.heap, &(bx << (count as usize)))
    } else {
        let c = count.unsigned_abs();
        if c as u64 > bx.bits() {
            return Ok(Term::small(if bx.is_negative() { -1 } else { 0 }));
        }
        // BigInt's right shift rounds toward negative infinity, like Erlang's bsr.
        big_term(&mut p.heap, &(bx >> (c as usize)))
    }
}

fn bsl(p: &mut Process, a: &[Term]) -> BifResult {
    let (x, n) = two_ints(a)?;
    shift(p, x, n)
}

fn bsr(p: &mut Process, a: &[Term]) -> BifResult {
    let (x, n) = two_ints(a)?;
    let neg = match n {
        Num::Int(v) if v != i64::MIN => Num::Int(-v),
        other => Num::Big(-other.to_big()),
    };
    shift(p, x, neg)
}
