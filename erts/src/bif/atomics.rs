//! `atomics` (OTP's `erl_bif_atomics.c`): arrays of 64-bit signed or unsigned integers with
//! atomic, wrapping operations, shared by every process that holds their reference. The
//! `counters` BIFs ([`super::counters`]) use the same arrays.
//!
//! An array's reference number carries [`ARRAY_REF_TAG`] and the array's index in an
//! append-only registry, so finding an array takes no lock. OTP frees an array with its last
//! (magic) reference; this runtime has no magic references yet, so arrays live as long as the
//! node (a known gap).

use super::Registry;
use crate::atom;
use crate::exception::{BifResult, Fail};
use crate::process::Process;
use crate::term::boxed;
use crate::term::Term;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// Set in the reference number of an atomics array (ordinary references never reach it).
const ARRAY_REF_TAG: u64 = 1 << 63;

/// Most elements an array may have (OTP's limit for `atomics:new/2`).
const MAX_ARITY: i128 = (1 << 27) - 1;

/// One array.
pub struct AtomicsArray {
    pub signed: bool,
    pub cells: Box<[AtomicU64]>,
}

fn arrays() -> &'static boxcar::Vec<AtomicsArray> {
    static A: OnceLock<boxcar::Vec<AtomicsArray>> = OnceLock::new();
    A.get_or_init(boxcar::Vec::new)
}

/// Makes an array of `n` zeros and returns its reference on `p`'s heap.
pub fn new_array(p: &mut Process, n: usize, signed: bool) -> Term {
    let cells: Box<[AtomicU64]> = (0..n).map(|_| AtomicU64::new(0)).collect();
    let i = arrays().push(AtomicsArray { signed, cells });
    boxed::reference(&mut p.heap, ARRAY_REF_TAG | i as u64)
}

/// The array a reference stands for.
pub fn array(t: Term) -> Option<&'static AtomicsArray> {
    if !t.is_boxed_with(crate::term::subtag::REF) {
        return None;
    }
    let id = boxed::reference_id(t);
    if id & ARRAY_REF_TAG == 0 {
        return None;
    }
    arrays().get((id & !ARRAY_REF_TAG) as usize)
}

/// An integer argument as `i128` (any integer fits or is out of every range used here).
pub fn int_arg(t: Term) -> Option<i128> {
    if let Some(v) = t.as_small() {
        return Some(v as i128);
    }
    use num_traits::ToPrimitive;
    crate::bignum::to_bigint(t)?.to_i128()
}

impl AtomicsArray {
    /// The cell at 1-based index `ix`.
    pub fn cell(&self, ix: Term) -> Option<&AtomicU64> {
        let i = ix.as_small()?;
        if i < 1 {
            return None;
        }
        self.cells.get(i as usize - 1)
    }
    pub fn min(&self) -> i128 {
        if self.signed {
            i64::MIN as i128
        } else {
            0
        }
    }
    pub fn max(&self) -> i128 {
        if self.signed {
            i64::MAX as i128
        } else {
            u64::MAX as i128
        }
    }
    /// A value to store: in range, as its 64-bit pattern.
    pub fn bits_of(&self, v: Term) -> Option<u64> {
        let v = int_arg(v)?;
        (self.min()..=self.max()).contains(&v).then_some(v as u64)
    }
    /// An increment: any integer of the signed or unsigned 64-bit range, as a wrapping
    /// 64-bit pattern.
    pub fn incr_of(&self, v: Term) -> Option<u64> {
        let v = int_arg(v)?;
        (i64::MIN as i128..=u64::MAX as i128)
            .contains(&v)
            .then_some(v as u64)
    }
    /// The term for a stored 64-bit pattern.
    pub fn value(&self, p: &mut Process, bits: u64) -> Term {
        if self.signed {
            crate::bignum::from_i64(&mut p.heap, bits as i64)
        } else {
            crate::bignum::from_i128(&mut p.heap, bits as i128)
        }
    }
    /// Bytes the array uses, for `info/1`.
    pub fn memory(&self) -> usize {
        std::mem::size_of::<Self>() + 8 * self.cells.len()
    }
}

pub fn register(r: &mut Registry) {
    r.add("erts_internal", "atomics_new", 2, atomics_new_2);
    r.add("atomics", "get", 2, get_2);
    r.add("atomics", "put", 3, put_3);
    r.add("atomics", "add", 3, add_3);
    r.add("atomics", "add_get", 3, add_get_3);
    r.add("atomics", "exchange", 3, exchange_3);
    r.add("atomics", "compare_exchange", 4, compare_exchange_4);
    r.add("atomics", "info", 1, info_1);
}

fn atomics_new_2(p: &mut Process, a: &[Term]) -> BifResult {
    let n = int_arg(a[0]).ok_or_else(Fail::badarg)?;
    let opts = a[1].as_small().ok_or_else(Fail::badarg)?;
    if !(1..=MAX_ARITY).contains(&n) {
        return Err(Fail::badarg());
    }
    Ok(new_array(p, n as usize, opts & 1 != 0))
}

/// The array and cell of `(Ref, Ix)` arguments.
pub fn cell_args(a: &[Term]) -> Result<(&'static AtomicsArray, &'static AtomicU64), Fail> {
    let arr = array(a[0]).ok_or_else(Fail::badarg)?;
    let c = arr.cell(a[1]).ok_or_else(Fail::badarg)?;
    Ok((arr, c))
}

fn get_2(p: &mut Process, a: &[Term]) -> BifResult {
    let (arr, c) = cell_args(a)?;
    Ok(arr.value(p, c.load(Ordering::SeqCst)))
}

fn put_3(_p: &mut Process, a: &[Term]) -> BifResult {
    let (arr, c) = cell_args(a)?;
    let v = arr.bits_of(a[2]).ok_or_else(Fail::badarg)?;
    c.store(v, Ordering::SeqCst);
    Ok(Term::atom(atom::OK))
}

fn add_3(_p: &mut Process, a: &[Term]) -> BifResult {
    let (arr, c) = cell_args(a)?;
    let v = arr.incr_of(a[2]).ok_or_else(Fail::badarg)?;
    c.fetch_add(v, Ordering::SeqCst);
    Ok(Term::atom(atom::OK))
}

fn add_get_3(p: &mut Process, a: &[Term]) -> BifResult {
    let (arr, c) = cell_args(a)?;
    let v = arr.incr_of(a[2]).ok_or_else(Fail::badarg)?;
    let new = c.fetch_add(v, Ordering::SeqCst).wrapping_add(v);
    Ok(arr.value(p, new))
}

fn exchange_3(p: &mut Process, a: &[Term]) -> BifResult {
    let (arr, c) = cell_args(a)?;
    let v = arr.bits_of(a[2]).ok_or_else(Fail::badarg)?;
    let old = c.swap(v, Ordering::SeqCst);
    Ok(arr.value(p, old))
}

fn compare_exchange_4(p: &mut Process, a: &[Term]) -> BifResult {
    let (arr, c) = cell_args(a)?;
    let expected = arr.bits_of(a[2]).ok_or_else(Fail::badarg)?;
    let desired = arr.bits_of(a[3]).ok_or_else(Fail::badarg)?;
    match c.compare_exchange(expected, desired, Ordering::SeqCst, Ordering::SeqCst) {
        Ok(_) => Ok(Term::atom(atom::OK)),
        Err(cur) => Ok(arr.value(p, cur)),
    }
}

fn info_1(p: &mut Process, a: &[Term]) -> BifResult {
    let arr = array(a[0]).ok_or_else(Fail::badarg)?;
    let min = crate::bignum::from_i128(&mut p.heap, arr.min());
    let max = crate::bignum::from_i128(&mut p.heap, arr.max());
    let pairs = [
        (
            Term::atom(atom::atom("size")),
            Term::small(arr.cells.len() as i64),
        ),
        (Term::atom(atom::atom("max")), max),
        (Term::atom(atom::atom("min")), min),
        (
            Term::atom(atom::atom("memory")),
            Term::small(arr.memory() as i64),
        ),
    ];
    Ok(crate::map::from_pairs(&mut p.heap, &pairs))
}
