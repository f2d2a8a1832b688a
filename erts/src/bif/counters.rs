//! The native part of `counters` (OTP's `erts_internal:counters_*`): arrays made by
//! `counters:new/2` with `write_concurrency`, signed 64-bit wrapping counters. This module owns
//! those BIFs; the arrays are [`super::atomics`] arrays of [`Flavor::Counters`], and these BIFs
//! reject `atomics` arrays (and `atomics` BIFs reject these) as OTP does. `counters` made
//! without `write_concurrency` are `atomics` arrays outright: the Erlang module `counters`
//! dispatches on the tag of `{atomics, Ref}` / `{write_concurrency, Ref}`.
//!
//! OTP keeps a copy of a `write_concurrency` array per scheduler and sums them on read; here
//! every scheduler updates one shared cell with relaxed atomic operations, which gives the same
//! results (`put` and `get` are exact) at the cost of contention on heavily shared counters.
//! Like `atomics` arrays, these are never freed (see [`super::atomics`]).

use super::atomics::Flavor;
use super::atomics::{array_len, incr_of, int_arg, lookup, new_array, word_arg, AtomicsArray};
use super::Registry;
use crate::atom;
use crate::exception::{BifResult, Fail};
use crate::process::Process;
use crate::term::Term;
use std::sync::atomic::{AtomicU64, Ordering};

pub fn register(r: &mut Registry) {
    r.add("erts_internal", "counters_new", 1, counters_new_1);
    r.add("erts_internal", "counters_get", 2, counters_get_2);
    r.add("erts_internal", "counters_add", 3, counters_add_3);
    r.add("erts_internal", "counters_put", 3, counters_put_3);
    r.add("erts_internal", "counters_info", 1, counters_info_1);
}

/// The `write_concurrency` counters array a reference stands for.
fn counters_array(t: Term) -> Result<&'static AtomicsArray, Fail> {
    match lookup(t) {
        Some(a) if a.flavor == Flavor::Counters => Ok(a),
        _ => Err(Fail::badarg()),
    }
}

/// The array and cell of `(Ref, Ix)` arguments.
fn cell_args(a: &[Term]) -> Result<(&'static AtomicsArray, &'static AtomicU64), Fail> {
    let arr = counters_array(a[0])?;
    Ok((arr, arr.cell(a[1])?))
}

fn counters_new_1(p: &mut Process, a: &[Term]) -> BifResult {
    let n = array_len(word_arg(a[0])?)?;
    new_array(p, n, Flavor::Counters)
}

fn counters_get_2(p: &mut Process, a: &[Term]) -> BifResult {
    let (arr, c) = cell_args(a)?;
    Ok(arr.value(p, c.load(Ordering::Relaxed)))
}

fn counters_add_3(_p: &mut Process, a: &[Term]) -> BifResult {
    let (_, c) = cell_args(a)?;
    c.fetch_add(incr_of(a[2])?, Ordering::Relaxed);
    Ok(Term::atom(atom::OK))
}

/// `put` takes a signed 64-bit value only (unlike `add`, which also takes unsigned ones).
fn counters_put_3(_p: &mut Process, a: &[Term]) -> BifResult {
    let (_, c) = cell_args(a)?;
    let v = match int_arg(a[2]) {
        Some(v) if (i64::MIN as i128..=i64::MAX as i128).contains(&v) => v as i64,
        _ => return Err(Fail::badarg()),
    };
    c.store(v as u64, Ordering::Relaxed);
    Ok(Term::atom(atom::OK))
}

fn counters_info_1(p: &mut Process, a: &[Term]) -> BifResult {
    let arr = counters_array(a[0])?;
    let size = crate::bignum::from_i128(&mut p.heap, arr.cells.len() as i128);
    let memory = crate::bignum::from_i128(&mut p.heap, arr.memory() as i128);
    let pairs = [
        (Term::atom(atom::atom("size")), size),
        (Term::atom(atom::atom("memory")), memory),
    ];
    Ok(crate::map::from_pairs(&mut p.heap, &pairs))
}
