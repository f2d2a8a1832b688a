//! `atomics` (OTP's `erl_bif_atomics.c`): arrays of 64-bit signed or unsigned integers with
//! atomic, wrapping operations, shared by every process that holds their reference. This
//! module owns the arrays themselves (allocation, the registry that maps a reference to its
//! array, value and index checks) and the `atomics` BIFs plus `erts_internal:atomics_new/2`.
//! The `counters` BIFs ([`super::counters`]) use the same arrays with their own flavour.
//!
//! An array's reference is an ordinary reference whose number carries [`ARRAY_REF_TAG`] and
//! the array's index in an append-only registry (`boxcar::Vec`), so finding an array takes no
//! lock at all. OTP tells an `atomics` array from a `write_concurrency` `counters` array by the
//! type of its magic binary; here the array records its [`Flavor`] and each family of BIFs
//! rejects the other's references with `badarg`, as OTP does.
//!
//! Known gap: OTP frees an array with its last (magic) reference; this runtime has no magic
//! references, so arrays are never freed and live as long as the node.
//!
//! Deviation: where OTP's allocator would abort the node (an array too large for memory), the
//! BIF fails with `system_limit` instead.

use super::Registry;
use crate::atom;
use crate::exception::{BifResult, Fail};
use crate::process::Process;
use crate::term::boxed;
use crate::term::Term;
use std::sync::atomic::{AtomicU64, Ordering};

/// Set in the reference number of an array (ordinary references never reach it).
const ARRAY_REF_TAG: u64 = 1 << 63;

/// What an array is for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Flavor {
    /// An `atomics` array of signed integers (also `counters` made without
    /// `write_concurrency`).
    Signed,
    /// An `atomics` array of unsigned integers.
    Unsigned,
    /// A `counters` array made with `write_concurrency` (signed; reached only through
    /// `erts_internal:counters_*`).
    Counters,
}

/// One array.
pub struct AtomicsArray {
    pub flavor: Flavor,
    pub cells: Box<[AtomicU64]>,
}

fn arrays() -> &'static boxcar::Vec<AtomicsArray> {
    static A: crate::instance::InstanceLocal<boxcar::Vec<AtomicsArray>> =
        crate::instance::InstanceLocal::new();
    A.get_or_init(boxcar::Vec::new)
}

/// `n` zeroed cells, or `None` where the memory cannot be had. The pages come zeroed from the
/// allocator, so a large array costs no time (nor resident memory) until it is used.
fn zeroed_cells(n: usize) -> Option<Box<[AtomicU64]>> {
    let layout = std::alloc::Layout::array::<AtomicU64>(n).ok()?;
    if layout.size() == 0 {
        return Some(Box::new([]));
    }
    // SAFETY: the layout has a non-zero size.
    let p = unsafe { std::alloc::alloc_zeroed(layout) } as *mut AtomicU64;
    if p.is_null() {
        return None;
    }
    // SAFETY: `p` is a fresh allocation of `n` `AtomicU64`s made with the global allocator and
    // the layout `Box<[AtomicU64]>` frees with; all-zero bytes are a valid `AtomicU64` (0).
    Some(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(p, n)) })
}

/// Makes an array of `n` zeros and returns its reference on `p`'s heap; `system_limit` where
/// the memory cannot be had.
pub fn new_array(p: &mut Process, n: usize, flavor: Flavor) -> BifResult {
    let cells = zeroed_cells(n).ok_or_else(Fail::system_limit)?;
    let i = arrays().push(AtomicsArray { flavor, cells });
    Ok(boxed::reference(&mut p.heap, ARRAY_REF_TAG | i as u64))
}

/// The array a reference stands for, of any flavour.
pub fn lookup(t: Term) -> Option<&'static AtomicsArray> {
    if !t.is_boxed_with(crate::term::subtag::REF) {
        return None;
    }
    let id = boxed::reference_id(t);
    if id & ARRAY_REF_TAG == 0 {
        return None;
    }
    arrays().get((id & !ARRAY_REF_TAG) as usize)
}

/// The `atomics` array a reference stands for (not a `write_concurrency` counters array).
fn atomics_array(t: Term) -> Result<&'static AtomicsArray, Fail> {
    match lookup(t) {
        Some(a) if a.flavor != Flavor::Counters => Ok(a),
        _ => Err(Fail::badarg()),
    }
}

/// An integer argument as `i128`, or `None` for a non-integer or one beyond the `i128` range
/// (beyond every range used here).
pub fn int_arg(t: Term) -> Option<i128> {
    if let Some(v) = t.as_small() {
        return Some(v as i128);
    }
    use num_traits::ToPrimitive;
    crate::bignum::to_bigint(t)?.to_i128()
}

/// A size argument (an array's length, or `atomics_new`'s option word) as OTP reads a
/// machine word: `badarg` unless a non-negative integer, `system_limit` if it is too large for
/// a 64-bit word.
pub fn word_arg(t: Term) -> Result<u64, Fail> {
    if let Some(v) = t.as_small() {
        return u64::try_from(v).map_err(|_| Fail::badarg());
    }
    let b = crate::bignum::to_bigint(t).ok_or_else(Fail::badarg)?;
    if b.sign() == num_bigint::Sign::Minus {
        return Err(Fail::badarg());
    }
    use num_traits::ToPrimitive;
    b.to_u64().ok_or_else(Fail::system_limit)
}

/// The length of a new array: a positive word that fits the address space.
pub fn array_len(n: u64) -> Result<usize, Fail> {
    if n == 0 {
        return Err(Fail::badarg());
    }
    // OTP gives system_limit where the array's size in bytes overflows a word.
    match usize::try_from(n) {
        Ok(n) if n <= (isize::MAX as usize) / 8 => Ok(n),
        _ => Err(Fail::system_limit()),
    }
}

/// An increment: any integer of the signed or unsigned 64-bit range, as a wrapping 64-bit
/// pattern (OTP accepts both ranges for `atomics:add/3` and `counters:add/3`).
pub fn incr_of(v: Term) -> Result<u64, Fail> {
    match int_arg(v) {
        Some(v) if (i64::MIN as i128..=u64::MAX as i128).contains(&v) => Ok(v as u64),
        _ => Err(Fail::badarg()),
    }
}

impl AtomicsArray {
    /// The cell at 1-based index `ix`; `badarg` for anything but an index in range.
    pub fn cell(&self, ix: Term) -> Result<&AtomicU64, Fail> {
        let i = ix.as_small().ok_or_else(Fail::badarg)?;
        if i < 1 {
            return Err(Fail::badarg());
        }
        self.cells.get(i as usize - 1).ok_or_else(Fail::badarg)
    }
    fn signed(&self) -> bool {
        self.flavor != Flavor::Unsigned
    }
    pub fn min(&self) -> i128 {
        if self.signed() {
            i64::MIN as i128
        } else {
            0
        }
    }
    pub fn max(&self) -> i128 {
        if self.signed() {
            i64::MAX as i128
        } else {
            u64::MAX as i128
        }
    }
    /// A value to store: in the array's range, as its 64-bit pattern.
    pub fn bits_of(&self, v: Term) -> Result<u64, Fail> {
        match int_arg(v) {
            Some(v) if (self.min()..=self.max()).contains(&v) => Ok(v as u64),
            _ => Err(Fail::badarg()),
        }
    }
    /// The term for a stored 64-bit pattern.
    pub fn value(&self, p: &mut Process, bits: u64) -> Term {
        if self.signed() {
            crate::bignum::from_i64(&mut p.heap, bits as i64)
        } else {
            crate::bignum::from_i128(&mut p.heap, bits as i128)
        }
    }
    /// Bytes the array takes, for `info/1`: OTP's figure for an `atomics` array (a header of
    /// five words and a word per cell), which is also about what this runtime uses.
    pub fn memory(&self) -> usize {
        40 + 8 * self.cells.len()
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

/// `erts_internal:atomics_new(Arity, Opts)`: `Opts` is the option word that `atomics:new/2`
/// encodes (bit 0: signed).
fn atomics_new_2(p: &mut Process, a: &[Term]) -> BifResult {
    let n = word_arg(a[0])?;
    if n == 0 {
        return Err(Fail::badarg());
    }
    let opts = word_arg(a[1])?;
    let n = array_len(n)?;
    let flavor = if opts & 1 != 0 {
        Flavor::Signed
    } else {
        Flavor::Unsigned
    };
    new_array(p, n, flavor)
}

/// The array and cell of `(Ref, Ix)` arguments.
fn cell_args(a: &[Term]) -> Result<(&'static AtomicsArray, &'static AtomicU64), Fail> {
    let arr = atomics_array(a[0])?;
    Ok((arr, arr.cell(a[1])?))
}

fn get_2(p: &mut Process, a: &[Term]) -> BifResult {
    let (arr, c) = cell_args(a)?;
    Ok(arr.value(p, c.load(Ordering::SeqCst)))
}

fn put_3(_p: &mut Process, a: &[Term]) -> BifResult {
    let (arr, c) = cell_args(a)?;
    c.store(arr.bits_of(a[2])?, Ordering::SeqCst);
    Ok(Term::atom(atom::OK))
}

fn add_3(_p: &mut Process, a: &[Term]) -> BifResult {
    let (_, c) = cell_args(a)?;
    c.fetch_add(incr_of(a[2])?, Ordering::SeqCst);
    Ok(Term::atom(atom::OK))
}

fn add_get_3(p: &mut Process, a: &[Term]) -> BifResult {
    let (arr, c) = cell_args(a)?;
    let v = incr_of(a[2])?;
    let new = c.fetch_add(v, Ordering::SeqCst).wrapping_add(v);
    Ok(arr.value(p, new))
}

fn exchange_3(p: &mut Process, a: &[Term]) -> BifResult {
    let (arr, c) = cell_args(a)?;
    let old = c.swap(arr.bits_of(a[2])?, Ordering::SeqCst);
    Ok(arr.value(p, old))
}

fn compare_exchange_4(p: &mut Process, a: &[Term]) -> BifResult {
    let (arr, c) = cell_args(a)?;
    let expected = arr.bits_of(a[2])?;
    let desired = arr.bits_of(a[3])?;
    match c.compare_exchange(expected, desired, Ordering::SeqCst, Ordering::SeqCst) {
        Ok(_) => Ok(Term::atom(atom::OK)),
        Err(cur) => Ok(arr.value(p, cur)),
    }
}

fn info_1(p: &mut Process, a: &[Term]) -> BifResult {
    let arr = atomics_array(a[0])?;
    let min = crate::bignum::from_i128(&mut p.heap, arr.min());
    let max = crate::bignum::from_i128(&mut p.heap, arr.max());
    let size = crate::bignum::from_i128(&mut p.heap, arr.cells.len() as i128);
    let memory = crate::bignum::from_i128(&mut p.heap, arr.memory() as i128);
    let pairs = [
        (Term::atom(atom::atom("size")), size),
        (Term::atom(atom::atom("max")), max),
        (Term::atom(atom::atom("min")), min),
        (Term::atom(atom::atom("memory")), memory),
    ];
    Ok(crate::map::from_pairs(&mut p.heap, &pairs))
}
