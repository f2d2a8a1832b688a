//! Maps (OTP's `erl_map.c`): construction, lookup and update of map terms.
//!
//! Flatmap layout (header subtag MAP, arity 2 + n): word 1 = `n` (raw, not a term),
//! word 2 = a tuple of the n keys sorted in exact term order, words 3.. = the values in key
//! order. Maps above 32 keys use OTP's hash-array-mapped trie (see `map/hamt` when present);
//! this API hides which layout a map has.

use crate::heap::Heap;
use crate::term::boxed::{self, tuple_elems};
use crate::term::compare::compare;
use crate::term::{header_arity, make_header, subtag, Term};
use std::cmp::Ordering;

/// Maps with at most this many keys are flatmaps (OTP's `MAP_SMALL_MAP_LIMIT`).
pub const SMALL_MAP_LIMIT: usize = 32;

/// Number of keys in a map (caller checked `is_map`).
pub fn size(m: Term) -> usize {
    m.boxed_word(1) as usize
}

fn flat_keys<'a>(m: Term) -> &'a [Term] {
    tuple_elems(Term(m.boxed_word(2)))
}

fn flat_values<'a>(m: Term) -> &'a [Term] {
    let n = size(m);
    debug_assert_eq!(header_arity(m.header()), 2 + n);
    // SAFETY: a flatmap has n value words after the size and keys words.
    unsafe { std::slice::from_raw_parts(m.boxed_ptr().add(3), n) }
}

/// Builds a flatmap from keys already sorted in exact order and unique.
fn build_flat(heap: &mut Heap, keys: &[Term], values: &[Term]) -> Term {
    let n = keys.len();
    let kt = boxed::tuple(heap, keys);
    let p = heap.alloc(3 + n);
    // SAFETY: `alloc` returned 3 + n writable words.
    unsafe {
        *p = Term(make_header(subtag::MAP, 2 + n));
        *p.add(1) = Term(n as u64);
        *p.add(2) = kt;
        std::ptr::copy_nonoverlapping(values.as_ptr(), p.add(3), n);
    }
    Term::make_boxed(p)
}

fn key_index(keys: &[Term], k: Term) -> Result<usize, usize> {
    keys.binary_search_by(|x| compare(*x, k, true))
}

/// Builds a map from pairs; a later pair wins over an earlier one with the same key.
pub fn from_pairs(heap: &mut Heap, pairs: &[(Term, Term)]) -> Term {
    let mut v: Vec<(Term, Term)> = Vec::with_capacity(pairs.len());
    // Stable sort keeps insertion order among equal keys; keep the last of each run.
    let mut idx: Vec<usize> = (0..pairs.len()).collect();
    idx.sort_by(|&i, &j| compare(pairs[i].0, pairs[j].0, true).then(i.cmp(&j)));
    for i in idx {
        let (k, val) = pairs[i];
        match v.last_mut() {
            Some(last) if compare(last.0, k, true) == Ordering::Equal => last.1 = val,
            _ => v.push((k, val)),
        }
    }
    let keys: Vec<Term> = v.iter().map(|p| p.0).collect();
    let vals: Vec<Term> = v.iter().map(|p| p.1).collect();
    build_flat(heap, &keys, &vals)
}

/// The value for `k` (exact key match).
pub fn get(m: Term, k: Term) -> Option<Term> {
    let keys = flat_keys(m);
    key_index(keys, k).ok().map(|i| flat_values(m)[i])
}

/// `m#{k => v}`.
pub fn put(heap: &mut Heap, m: Term, k: Term, v: Term) -> Term {
    put_many(heap, m, &[(k, v)])
}

/// `m#{k1 => v1, ...}`.
pub fn put_many(heap: &mut Heap, m: Term, new: &[(Term, Term)]) -> Term {
    let mut pairs = sorted_pairs(m);
    for &(k, v) in new {
        match pairs.binary_search_by(|p| compare(p.0, k, true)) {
            Ok(i) => pairs[i].1 = v,
            Err(i) => pairs.insert(i, (k, v)),
        }
    }
    let keys: Vec<Term> = pairs.iter().map(|p| p.0).collect();
    let vals: Vec<Term> = pairs.iter().map(|p| p.1).collect();
    build_flat(heap, &keys, &vals)
}

/// `m#{k := v}`: `None` if `k` is not a key.
pub fn update(heap: &mut Heap, m: Term, k: Term, v: Term) -> Option<Term> {
    let keys = flat_keys(m);
    let i = key_index(keys, k).ok()?;
    let mut vals = flat_values(m).to_vec();
    vals[i] = v;
    let keys = keys.to_vec();
    Some(build_flat(heap, &keys, &vals))
}

/// The map without `k` (the same map if absent).
pub fn remove(heap: &mut Heap, m: Term, k: Term) -> Term {
    let keys = flat_keys(m);
    match key_index(keys, k) {
        Err(_) => m,
        Ok(i) => {
            let mut ks = keys.to_vec();
            let mut vs = flat_values(m).to_vec();
            ks.remove(i);
            vs.remove(i);
            build_flat(heap, &ks, &vs)
        }
    }
}

/// Pairs in exact key order.
pub fn sorted_pairs(m: Term) -> Vec<(Term, Term)> {
    flat_keys(m)
        .iter()
        .copied()
        .zip(flat_values(m).iter().copied())
        .collect()
}

/// Pairs in iteration order (`maps:to_list/1`, printing, `term_to_binary`).
pub fn iter_pairs(m: Term) -> Vec<(Term, Term)> {
    sorted_pairs(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_and_query() {
        let mut h = Heap::default();
        let m = from_pairs(
            &mut h,
            &[
                (Term::small(2), Term::small(20)),
                (Term::small(1), Term::small(10)),
                (Term::small(2), Term::small(21)),
            ],
        );
        assert_eq!(size(m), 2);
        assert_eq!(get(m, Term::small(2)), Some(Term::small(21)));
        assert_eq!(get(m, Term::small(3)), None);
        let m2 = put(&mut h, m, Term::small(0), Term::NIL);
        assert_eq!(sorted_pairs(m2)[0], (Term::small(0), Term::NIL));
        assert!(update(&mut h, m2, Term::small(9), Term::NIL).is_none());
        let m3 = remove(&mut h, m2, Term::small(1));
        assert_eq!(size(m3), 2);
    }
}
