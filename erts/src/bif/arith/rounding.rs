//! Number conversions between integers and floats: `float/1`, `trunc/1`, `round/1`,
//! `floor/1`, `ceil/1`.

use super::num::{big_term, float_term, Num};
use crate::bif::Registry;
use crate::exception::{BifResult, Fail};
use crate::process::Process;
use crate::term::Term;
use num_bigint::BigInt;
use num_traits::FromPrimitive;

pub fn register(r: &mut Registry) {
    r.add("erlang", "float", 1, float);
    r.add("erlang", "trunc", 1, trunc);
    r.add("erlang", "round", 1, round);
    r.add("erlang", "floor", 1, floor);
    r.add("erlang", "ceil", 1, ceil);
}

fn float(p: &mut Process, a: &[Term]) -> BifResult {
    let n = Num::of(a[0]).ok_or_else(Fail::badarg)?;
    let f = n.to_f64().map_err(|_| Fail::badarg())?;
    float_term(&mut p.heap, f)
}

/// Applies `op` to a float argument and returns the integer; integers are returned as they
/// are.
fn to_int(p: &mut Process, a: &[Term], op: fn(f64) -> f64) -> BifResult {
    match Num::of(a[0]).ok_or_else(Fail::badarg)? {
        Num::Float(f) => {
            let r = op(f);
            if r.abs() < 9.0e15 {
                return Ok(crate::bignum::from_i64(&mut p.heap, r as i64));
            }
            let b = BigInt::from_f64(r).ok_or_else(Fail::badarg)?;
            big_term(&mut p.heap, &b)
        }
        _ => Ok(a[0]),
    }
}

fn trunc(p: &mut Process, a: &[Term]) -> BifResult {
    to_int(p, a, f64::trunc)
}
fn round(p: &mut Process, a: &[Term]) -> BifResult {
    // Halfway cases round away from zero, as C's `round`.
    to_int(p, a, f64::round)
}
fn floor(p: &mut Process, a: &[Term]) -> BifResult {
    to_int(p, a, f64::floor)
}
fn ceil(p: &mut Process, a: &[Term]) -> BifResult {
    to_int(p, a, f64::ceil)
}
