//! Map BIFs (OTP 25's `erl_map.c`): the functions of `maps` that OTP implements natively,
//! `erlang:map_size/1`, `map_get/2`, `is_map_key/2`, and `erts_internal:map_next/3`, which
//! `maps:iterator/1`, `maps:next/1` and `maps:to_list/1` (Erlang code in OTP 25) are built on.
//!
//! Errors follow OTP: a non-map argument raises `{badmap, Term}`, a missing key
//! `{badkey, Key}`, malformed lists `badarg`.

use super::Registry;
use crate::atom;
use crate::bignum;
use crate::exception::{BifResult, Fail};
use crate::heap::Heap;
use crate::map;
use crate::process::Process;
use crate::term::boxed;
use crate::term::Term;
use num_bigint::BigUint;

pub fn register(r: &mut Registry) {
    r.add("erlang", "map_size", 1, map_size_1);
    r.add("erlang", "map_get", 2, map_get_2);
    r.add("erlang", "is_map_key", 2, is_map_key_2);
    r.add("maps", "find", 2, find_2);
    r.add("maps", "get", 2, get_2);
    r.add("maps", "from_list", 1, from_list_1);
    r.add("maps", "from_keys", 2, from_keys_2);
    r.add("maps", "is_key", 2, is_key_2);
    r.add("maps", "keys", 1, keys_1);
    r.add("maps", "merge", 2, merge_2);
    r.add("maps", "put", 3, put_3);
    r.add("maps", "remove", 2, remove_2);
    r.add("maps", "take", 2, take_2);
    r.add("maps", "update", 3, update_3);
    r.add("maps", "values", 1, values_1);
    r.add("erts_internal", "map_next", 3, map_next_3);
}

/// `error:{badmap, T}`.
fn badmap(heap: &mut Heap, t: Term) -> Fail {
    Fail::error(boxed::tuple(heap, &[Term::atom(atom::BADMAP), t]))
}

/// `error:{badkey, K}`.
fn badkey(heap: &mut Heap, k: Term) -> Fail {
    Fail::error(boxed::tuple(heap, &[Term::atom(atom::BADKEY), k]))
}

/// The argument if it is a map, else `{badmap, T}`.
fn need_map(p: &mut Process, t: Term) -> Result<Term, Fail> {
    if t.is_map() {
        Ok(t)
    } else {
        Err(badmap(&mut p.heap, t))
    }
}

fn map_size_1(p: &mut Process, a: &[Term]) -> BifResult {
    let m = need_map(p, a[0])?;
    Ok(bignum::from_i128(&mut p.heap, map::size(m) as i128))
}

fn map_get_2(p: &mut Process, a: &[Term]) -> BifResult {
    let m = need_map(p, a[1])?;
    map::get(m, a[0]).ok_or_else(|| badkey(&mut p.heap, a[0]))
}

fn is_map_key_2(p: &mut Process, a: &[Term]) -> BifResult {
    let m = need_map(p, a[1])?;
    Ok(Term::bool(map::get(m, a[0]).is_some()))
}

fn find_2(p: &mut Process, a: &[Term]) -> BifResult {
    let m = need_map(p, a[1])?;
    Ok(match map::get(m, a[0]) {
        Some(v) => boxed::tuple(&mut p.heap, &[Term::atom(atom::OK), v]),
        None => Term::atom(atom::ERROR),
    })
}

fn get_2(p: &mut Process, a: &[Term]) -> BifResult {
    map_get_2(p, a)
}

fn is_key_2(p: &mut Process, a: &[Term]) -> BifResult {
    is_map_key_2(p, a)
}

fn from_list_1(p: &mut Process, a: &[Term]) -> BifResult {
    let items = boxed::list_to_vec(a[0]).ok_or_else(Fail::badarg)?;
    let mut pairs = Vec::with_capacity(items.len());
    for t in items {
        if !t.is_tuple() || boxed::tuple_arity(t) != 2 {
            return Err(Fail::badarg());
        }
        let e = boxed::tuple_elems(t);
        pairs.push((e[0], e[1]));
    }
    Ok(map::from_pairs(&mut p.heap, &pairs))
}

fn from_keys_2(p: &mut Process, a: &[Term]) -> BifResult {
    let keys = boxed::list_to_vec(a[0]).ok_or_else(Fail::badarg)?;
    let pairs: Vec<(Term, Term)> = keys.into_iter().map(|k| (k, a[1])).collect();
    Ok(map::from_pairs(&mut p.heap, &pairs))
}

fn keys_1(p: &mut Process, a: &[Term]) -> BifResult {
    let m = need_map(p, a[0])?;
    let ks: Vec<Term> = map::iter_pairs(m).into_iter().map(|kv| kv.0).collect();
    Ok(boxed::list(&mut p.heap, &ks))
}

fn values_1(p: &mut Process, a: &[Term]) -> BifResult {
    let m = need_map(p, a[0])?;
    let vs: Vec<Term> = map::iter_pairs(m).into_iter().map(|kv| kv.1).collect();
    Ok(boxed::list(&mut p.heap, &vs))
}

fn merge_2(p: &mut Process, a: &[Term]) -> BifResult {
    let m1 = need_map(p, a[0])?;
    let m2 = need_map(p, a[1])?;
    Ok(map::merge(&mut p.heap, m1, m2))
}

fn put_3(p: &mut Process, a: &[Term]) -> BifResult {
    let m = need_map(p, a[2])?;
    Ok(map::put(&mut p.heap, m, a[0], a[1]))
}

fn remove_2(p: &mut Process, a: &[Term]) -> BifResult {
    let m = need_map(p, a[1])?;
    Ok(map::remove(&mut p.heap, m, a[0]))
}

fn take_2(p: &mut Process, a: &[Term]) -> BifResult {
    let m = need_map(p, a[1])?;
    Ok(match map::take(&mut p.heap, m, a[0]) {
        Some((v, m2)) => boxed::tuple(&mut p.heap, &[v, m2]),
        None => Term::atom(atom::ERROR),
    })
}

fn update_3(p: &mut Process, a: &[Term]) -> BifResult {
    let m = need_map(p, a[2])?;
    map::update(&mut p.heap, m, a[0], a[1]).ok_or_else(|| badkey(&mut p.heap, a[0]))
}

/// Pairs `map_next` returns per call when resuming (OTP: reductions left / 4; a fresh time
/// slice has 4000). A first call (path 0) returns at most 32, as in OTP.
const NEXT_BATCH: usize = 1000;

/// The path of `map_next` as child indices (4 bits each, least significant first).
fn path_nibbles(path: Term) -> Option<Vec<u8>> {
    let mut words: Vec<u64> = Vec::new();
    if path.is_small() {
        // OTP reads a small as unsigned (`unsigned_val`): the raw word without its tag.
        words.push(path.raw() >> 4);
    } else if path.is_bignum() && !bignum::is_negative(path) {
        words.extend_from_slice(bignum::limbs(path));
    } else {
        return None;
    }
    Some(
        words
            .iter()
            .flat_map(|w| (0..16).map(move |i| ((w >> (4 * i)) & 0xf) as u8))
            .collect(),
    )
}

/// `erts_internal:map_next(Path, Map, iterator | Acc)`.
///
/// With `iterator`: `{K1, V1, {K2, V2, ... Tail}}` where `Tail` is `none` or
/// `[NextPath | Map]`. With a list `Acc`: `[{Kn, Vn}, ..., {K1, V1} | Acc]` preceded by
/// `NextPath, Map` when pairs remain (a flatmap returns all its pairs, in key order).
fn map_next_3(p: &mut Process, a: &[Term]) -> BifResult {
    let (path, m, acc) = (a[0], a[1], a[2]);
    if !m.is_map() {
        return Err(Fail::badarg());
    }
    let iterator = acc == Term::atom(atom::ITERATOR);
    if !(iterator || acc.is_nil() || acc.is_list()) {
        return Err(Fail::badarg());
    }
    let heap = &mut p.heap;
    if !map::is_hamt(m) {
        let n = map::size(m) as u64;
        if !path.is_small() || (path.raw() >> 4) > n {
            return Err(Fail::badarg());
        }
        let pairs = map::iterator_pairs(m);
        return Ok(if iterator {
            let mut res = Term::atom(atom::NONE);
            for &(k, v) in pairs.iter().rev() {
                res = boxed::tuple(heap, &[k, v, res]);
            }
            res
        } else {
            let mut res = acc;
            for &(k, v) in pairs.iter().rev() {
                let t = boxed::tuple(heap, &[k, v]);
                res = boxed::cons(heap, t, res);
            }
            res
        });
    }
    let nibbles = path_nibbles(path).ok_or_else(Fail::badarg)?;
    let max = if path == Term::small(0) {
        map::SMALL_MAP_LIMIT
    } else {
        NEXT_BATCH
    };
    let batch = map::next_batch(m, |i| nibbles.get(i).copied().unwrap_or(0), max)
        .map_err(|map::BadPath| Fail::badarg())?;
    let next = batch.next_path.map(|np| {
        let mut n = BigUint::default();
        for &d in np.iter().rev() {
            n = (n << 4u32) | BigUint::from(d);
        }
        bignum::from_bigint(heap, &n.into())
    });
    Ok(if iterator {
        let mut res = match next {
            Some(np) => boxed::cons(heap, np, m),
            None => Term::atom(atom::NONE),
        };
        for &(k, v) in batch.pairs.iter().rev() {
            res = boxed::tuple(heap, &[k, v, res]);
        }
        res
    } else {
        let mut res = acc;
        for &(k, v) in &batch.pairs {
            let t = boxed::tuple(heap, &[k, v]);
            res = boxed::cons(heap, t, res);
        }
        if let Some(np) = next {
            res = boxed::cons(heap, m, res);
            res = boxed::cons(heap, np, res);
        }
        res
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(p: &mut Process, r: std::ops::RangeInclusive<i64>) -> Term {
        let pairs: Vec<(Term, Term)> = r.map(|i| (Term::small(i), Term::small(i))).collect();
        map::from_pairs(&mut p.heap, &pairs)
    }

    fn reason(f: Fail) -> Term {
        match f {
            Fail::Error { reason, .. } => reason,
            other => panic!("unexpected {other:?}"),
        }
    }

    fn tag_of(t: Term) -> (Term, Term) {
        let e = boxed::tuple_elems(t);
        (e[0], e[1])
    }

    #[test]
    fn errors_like_otp() {
        let mut p = Process::new(1);
        let x = Term::atom(atom::atom("x"));
        let f = ints(&mut p, 1..=2);
        let badmap_x = |r: Term| tag_of(r) == (Term::atom(atom::BADMAP), x);
        assert!(badmap_x(reason(map_size_1(&mut p, &[x]).unwrap_err())));
        assert!(badmap_x(reason(keys_1(&mut p, &[x]).unwrap_err())));
        assert!(badmap_x(reason(get_2(&mut p, &[x, x]).unwrap_err())));
        assert!(badmap_x(reason(put_3(&mut p, &[x, x, x]).unwrap_err())));
        assert!(badmap_x(reason(merge_2(&mut p, &[x, f]).unwrap_err())));
        assert!(badmap_x(reason(merge_2(&mut p, &[f, x]).unwrap_err())));
        let r = reason(update_3(&mut p, &[x, x, f]).unwrap_err());
        assert_eq!(tag_of(r), (Term::atom(atom::BADKEY), x));
        let r = reason(get_2(&mut p, &[x, f]).unwrap_err());
        assert_eq!(tag_of(r), (Term::atom(atom::BADKEY), x));
        let improper = boxed::cons(&mut p.heap, Term::NIL, x);
        assert_eq!(
            reason(from_list_1(&mut p, &[improper]).unwrap_err()),
            Term::atom(atom::BADARG)
        );
        assert_eq!(
            reason(from_keys_2(&mut p, &[improper, x]).unwrap_err()),
            Term::atom(atom::BADARG)
        );
        let three = boxed::tuple(&mut p.heap, &[x, x, x]);
        let l = boxed::list(&mut p.heap, &[three]);
        assert!(from_list_1(&mut p, &[l]).is_err());
        assert_eq!(take_2(&mut p, &[x, f]).unwrap(), Term::atom(atom::ERROR));
        assert_eq!(find_2(&mut p, &[x, f]).unwrap(), Term::atom(atom::ERROR));
        // map_next: a bad accumulator, a flatmap path past its size, a negative path.
        assert!(map_next_3(&mut p, &[Term::small(0), f, x]).is_err());
        assert!(map_next_3(&mut p, &[Term::small(3), f, Term::NIL]).is_err());
        assert!(map_next_3(&mut p, &[Term::small(-1), f, Term::NIL]).is_err());
        assert!(map_next_3(&mut p, &[Term::small(0), x, Term::NIL]).is_err());
        let big = ints(&mut p, 1..=40);
        assert!(map_next_3(&mut p, &[x, big, Term::NIL]).is_err());
    }

    #[test]
    fn keys_values_and_map_next_like_otp() {
        let mut p = Process::new(1);
        let m = ints(&mut p, 1..=33);
        let ks = boxed::list_to_vec(keys_1(&mut p, &[m]).unwrap()).unwrap();
        assert_eq!(ks[0], Term::small(33));
        assert_eq!(ks[32], Term::small(16));
        // map_next(0, M, []) returns [30, M, {12,12}, ..., {16,16}].
        let r = map_next_3(&mut p, &[Term::small(0), m, Term::NIL]).unwrap();
        let v = boxed::list_to_vec(r).unwrap();
        assert_eq!(v.len(), 34);
        assert_eq!(v[0], Term::small(30));
        assert_eq!(v[1], m);
        assert_eq!(tag_of(v[2]), (Term::small(12), Term::small(12)));
        assert_eq!(tag_of(v[33]), (Term::small(16), Term::small(16)));
        // Continuing gives the full maps:to_list/1 order.
        let acc = boxed::list(&mut p.heap, &v[2..]);
        let r2 = map_next_3(&mut p, &[v[0], m, acc]).unwrap();
        let all = boxed::list_to_vec(r2).unwrap();
        let order: Vec<Term> = all.iter().map(|&t| tag_of(t).0).collect();
        assert_eq!(order, ks);
        // The iterator form on a flatmap.
        let f = ints(&mut p, 1..=2);
        let it = map_next_3(&mut p, &[Term::small(0), f, Term::atom(atom::ITERATOR)]).unwrap();
        let e = boxed::tuple_elems(it);
        assert_eq!((e[0], e[1]), (Term::small(1), Term::small(1)));
        let e2 = boxed::tuple_elems(e[2]);
        assert_eq!(e2[2], Term::atom(atom::NONE));
        // The iterator form on a HAMT: first 16 (maps:next order), tail [30 | M].
        let it = map_next_3(&mut p, &[Term::small(0), m, Term::atom(atom::ITERATOR)]).unwrap();
        let mut t = it;
        let mut n = 0;
        while t.is_tuple() {
            if n == 0 {
                assert_eq!(boxed::tuple_elems(t)[0], Term::small(16));
            }
            t = boxed::tuple_elems(t)[2];
            n += 1;
        }
        assert_eq!(n, 32);
        assert_eq!((t.head(), t.tail()), (Term::small(30), m));
        // A bignum path (2^70) starts at the first leaf and returns everything.
        let bp = bignum::from_i128(&mut p.heap, 1 << 70);
        let r = map_next_3(&mut p, &[bp, m, Term::NIL]).unwrap();
        assert_eq!(boxed::list_length(r), Some(33));
    }

    #[test]
    fn merge_take_update() {
        let mut p = Process::new(1);
        let a = ints(&mut p, 1..=30);
        let b = ints(&mut p, 20..=50);
        let m = merge_2(&mut p, &[a, b]).unwrap();
        assert_eq!(map_size_1(&mut p, &[m]).unwrap(), Term::small(50));
        let r = take_2(&mut p, &[Term::small(25), m]).unwrap();
        let (v, m2) = tag_of(r);
        assert_eq!(v, Term::small(25));
        assert_eq!(map::size(m2), 49);
        let u = update_3(&mut p, &[Term::small(1), Term::NIL, m2]).unwrap();
        assert_eq!(map_get_2(&mut p, &[Term::small(1), u]).unwrap(), Term::NIL);
        let l = boxed::list(&mut p.heap, &[Term::small(1), Term::small(1)]);
        let k = from_keys_2(&mut p, &[l, Term::NIL]).unwrap();
        assert_eq!(map::size(k), 1);
    }
}
