//! Bignums on the heap: conversion between the boxed limb layout and `num_bigint::BigInt`,
//! and the integer constructor that picks a small or a bignum.

use crate::heap::Heap;
use crate::term::{header_arity, make_header, subtag, Term};
use num_bigint::{BigInt, BigUint, Sign};

/// OTP's limit on bignum size: 2^24 bits (`system_limit` beyond).
pub const MAX_BIG_BITS: u64 = 1 << 24;

/// An integer term for `v`: a small if it fits, else a bignum.
#[inline]
pub fn from_i64(heap: &mut Heap, v: i64) -> Term {
    match Term::try_small(v) {
        Some(t) => t,
        None => from_i128(heap, v as i128),
    }
}

/// An integer term for `v`.
pub fn from_i128(heap: &mut Heap, v: i128) -> Term {
    if let Some(t) = i64::try_from(v).ok().and_then(Term::try_small) {
        return t;
    }
    // One or two limbs, written directly (no `BigInt` on the way).
    let mag = v.unsigned_abs();
    let limbs = [mag as u64, (mag >> 64) as u64];
    let n = if limbs[1] == 0 { 1 } else { 2 };
    let st = if v < 0 {
        subtag::NEG_BIG
    } else {
        subtag::POS_BIG
    };
    let p = heap.alloc(1 + n);
    // SAFETY: `alloc` returned 1 + n words.
    unsafe {
        *p = Term(make_header(st, n));
        for (i, l) in limbs[..n].iter().enumerate() {
            *p.add(1 + i) = Term(*l);
        }
    }
    Term::make_boxed(p)
}

/// The value of a bignum term (caller checked `is_bignum`) when it fits in an `i64`.
#[inline]
pub fn bignum_i64(t: Term) -> Option<i64> {
    let l = limbs(t);
    let (mag, rest) = l.split_first()?;
    if rest.iter().any(|w| *w != 0) {
        return None;
    }
    if is_negative(t) {
        0i64.checked_sub_unsigned(*mag)
    } else {
        i64::try_from(*mag).ok()
    }
}

/// An integer term for `v`, normalised (a small if it fits).
pub fn from_bigint(heap: &mut Heap, v: &BigInt) -> Term {
    if let Ok(s) = i64::try_from(v) {
        if let Some(t) = Term::try_small(s) {
            return t;
        }
    }
    let (sign, limbs) = v.to_u64_digits();
    let st = if sign == Sign::Minus {
        subtag::NEG_BIG
    } else {
        subtag::POS_BIG
    };
    let p = heap.alloc(1 + limbs.len());
    // SAFETY: `alloc` returned 1 + limbs words.
    unsafe {
        *p = Term(make_header(st, limbs.len()));
        for (i, l) in limbs.iter().enumerate() {
            *p.add(1 + i) = Term(*l);
        }
    }
    Term::make_boxed(p)
}

/// The limbs of a bignum term (caller checked `is_bignum`).
pub fn limbs<'a>(t: Term) -> &'a [u64] {
    let n = header_arity(t.header());
    // SAFETY: a bignum header is followed by `arity` limb words.
    unsafe { std::slice::from_raw_parts(t.boxed_ptr().add(1) as *const u64, n) }
}

/// Whether a bignum term is negative.
pub fn is_negative(t: Term) -> bool {
    t.boxed_subtag() == subtag::NEG_BIG
}

/// The value of an integer term (small or bignum); `None` for other terms.
pub fn to_bigint(t: Term) -> Option<BigInt> {
    if t.is_small() {
        return Some(BigInt::from(t.small_value()));
    }
    if !t.is_bignum() {
        return None;
    }
    let mag = BigUint::from_slice(
        &limbs(t)
            .iter()
            .flat_map(|l| [*l as u32, (*l >> 32) as u32])
            .collect::<Vec<_>>(),
    );
    let sign = if is_negative(t) {
        Sign::Minus
    } else {
        Sign::Plus
    };
    Some(BigInt::from_biguint(sign, mag))
}

/// The value of an integer term as a float; `None` if not an integer or too large.
pub fn to_f64(t: Term) -> Option<f64> {
    use num_traits::ToPrimitive;
    let f = to_bigint(t)?.to_f64()?;
    if f.is_finite() {
        Some(f)
    } else {
        None
    }
}

/// The value of an integer term if it fits in an `i64`.
pub fn to_i64(t: Term) -> Option<i64> {
    if t.is_small() {
        return Some(t.small_value());
    }
    if !t.is_bignum() {
        return None;
    }
    bignum_i64(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let mut h = Heap::default();
        for s in [
            "0",
            "576460752303423487",
            "576460752303423488",
            "-576460752303423489",
            "123456789012345678901234567890",
            "-98765432109876543210987654321098765432109876543210",
        ] {
            let b: BigInt = s.parse().unwrap();
            let t = from_bigint(&mut h, &b);
            assert_eq!(to_bigint(t).unwrap(), b, "{s}");
        }
        assert!(from_bigint(&mut h, &BigInt::from(5)).is_small());
        assert!(from_i64(&mut h, i64::MAX).is_bignum());
    }
}
