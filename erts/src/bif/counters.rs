//! The native part of `counters` (OTP's `erts_internal:counters_*`): `write_concurrency`
//! counter arrays, which are signed 64-bit wrapping counters. They share the arrays of
//! [`super::atomics`]; `counters` created with the `atomics` option are atomics arrays
//! outright (the Erlang module dispatches on the tag).

use super::atomics::{array, cell_args, int_arg, new_array};
use super::Registry;
use crate::atom;
use crate::exception::{BifResult, Fail};
use crate::process::Process;
use crate::term::Term;
use std::sync::atomic::Ordering;

pub fn register(r: &mut Registry) {
    r.add("erts_internal", "counters_new", 1, counters_new_1);
    r.add("erts_internal", "counters_get", 2, counters_get_2);
    r.add("erts_internal", "counters_add", 3, counters_add_3);
    r.add("erts_internal", "counters_put", 3, counters_put_3);
    r.add("erts_internal", "counters_info", 1, counters_info_1);
}

/// Most counters an array may have.
const MAX_SIZE: i128 = (1 << 27) - 1;

fn counters_new_1(p: &mut Process, a: &[Term]) -> BifResult {
    let n = int_arg(a[0]).ok_or_else(Fail::badarg)?;
    if !(1..=MAX_SIZE).contains(&n) {
        return Err(Fail::badarg());
    }
    Ok(new_array(p, n as usize, true))
}

/// A signed 64-bit argument.
fn i64_arg(t: Term) -> Result<u64, Fail> {
    match int_arg(t) {
        Some(v) if (i64::MIN as i128..=i64::MAX as i128).contains(&v) => Ok(v as i64 as u64),
        _ => Err(Fail::badarg()),
    }
}

fn counters_get_2(p: &mut Process, a: &[Term]) -> BifResult {
    let (arr, c) = cell_args(a)?;
    Ok(arr.value(p, c.load(Ordering::Relaxed)))
}

fn counters_add_3(_p: &mut Process, a: &[Term]) -> BifResult {
    let (_, c) = cell_args(a)?;
    let v = i64_arg(a[2])?;
    c.fetch_add(v, Ordering::Relaxed);
    Ok(Term::atom(atom::OK))
}

fn counters_put_3(_p: &mut Process, a: &[Term]) -> BifResult {
    let (_, c) = cell_args(a)?;
    let v = i64_arg(a[2])?;
    c.store(v, Ordering::Relaxed);
    Ok(Term::atom(atom::OK))
}

fn counters_info_1(p: &mut Process, a: &[Term]) -> BifResult {
    let arr = array(a[0]).ok_or_else(Fail::badarg)?;
    let pairs = [
        (
            Term::atom(atom::atom("size")),
            Term::small(arr.cells.len() as i64),
        ),
        (
            Term::atom(atom::atom("memory")),
            Term::small(arr.memory() as i64),
        ),
    ];
    Ok(crate::map::from_pairs(&mut p.heap, &pairs))
}
