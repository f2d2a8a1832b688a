//! A number taken apart for arithmetic: small integer, bignum or float, and the way back to
//! a term (normalised: integers that fit are small).

use crate::bignum;
use crate::exception::Fail;
use crate::heap::Heap;
use crate::term::boxed;
use crate::term::Term;
use num_bigint::BigInt;
use num_traits::ToPrimitive;

#[derive(Clone, Debug)]
pub enum Num {
    /// An integer that fits in 64 bits (a small integer or a one-limb bignum).
    Int(i64),
    Big(BigInt),
    Float(f64),
}

impl Num {
    /// The number in `t`, or `None` when `t` is not a number.
    pub fn of(t: Term) -> Option<Num> {
        if let Some(v) = t.as_small() {
            Some(Num::Int(v))
        } else if t.is_float() {
            Some(Num::Float(boxed::float_value(t)))
        } else if t.is_bignum() {
            // Bignums that fit in 64 bits (the usual ones) take the i128 paths.
            match bignum::bignum_i64(t) {
                Some(v) => Some(Num::Int(v)),
                None => bignum::to_bigint(t).map(Num::Big),
            }
        } else {
            None
        }
    }

    /// The integer in `t`, or `None`.
    pub fn int_of(t: Term) -> Option<Num> {
        match Num::of(t)? {
            Num::Float(_) => None,
            n => Some(n),
        }
    }

    pub fn to_big(&self) -> BigInt {
        match self {
            Num::Int(v) => BigInt::from(*v),
            Num::Big(b) => b.clone(),
            Num::Float(f) => num_traits::FromPrimitive::from_f64(*f).unwrap_or_default(),
        }
    }

    /// The value as a float; `badarith` when a bignum is too large for one.
    pub fn to_f64(&self) -> Result<f64, Fail> {
        let f = match self {
            Num::Int(v) => *v as f64,
            Num::Big(b) => b.to_f64().unwrap_or(f64::INFINITY),
            Num::Float(f) => *f,
        };
        if f.is_finite() {
            Ok(f)
        } else {
            Err(Fail::badarith())
        }
    }

    pub fn is_float(&self) -> bool {
        matches!(self, Num::Float(_))
    }

    /// The number as a term on `heap`.
    pub fn to_term(&self, heap: &mut Heap) -> Result<Term, Fail> {
        match self {
            Num::Int(v) => Ok(bignum::from_i64(heap, *v)),
            Num::Big(b) => big_term(heap, b),
            Num::Float(f) => float_term(heap, *f),
        }
    }
}

/// An integer term, `system_limit` when it exceeds OTP's bignum size limit.
pub fn big_term(heap: &mut Heap, b: &BigInt) -> Result<Term, Fail> {
    if b.bits() > bignum::MAX_BIG_BITS {
        return Err(Fail::system_limit());
    }
    Ok(bignum::from_bigint(heap, b))
}

/// A float term; `badarith` for infinities and NaN (which Erlang does not have).
pub fn float_term(heap: &mut Heap, f: f64) -> Result<Term, Fail> {
    if f.is_finite() {
        Ok(boxed::float(heap, f))
    } else {
        Err(Fail::badarith())
    }
}

/// Both operands as numbers, else `badarith`.
pub fn two(a: &[Term]) -> Result<(Num, Num), Fail> {
    match (Num::of(a[0]), Num::of(a[1])) {
        (Some(x), Some(y)) => Ok((x, y)),
        _ => Err(Fail::badarith()),
    }
}

/// Both operands as integers, else `badarith`.
pub fn two_ints(a: &[Term]) -> Result<(Num, Num), Fail> {
    match (Num::int_of(a[0]), Num::int_of(a[1])) {
        (Some(x), Some(y)) => Ok((x, y)),
        _ => Err(Fail::badarith()),
    }
}
