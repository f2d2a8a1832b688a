//! List BIFs (OTP's `erl_bif_lists.c` and `bif.c` parts): `length/1`, `hd/1`, `tl/1`,
//! `erlang:'++'/2`, `erlang:'--'/2`, and the native `lists` functions `reverse/2`,
//! `member/2`, `keymember/3`, `keysearch/3` and `keyfind/3`.
//!
//! `--` and `member` compare with exact equality (`=:=`); the `key*` functions compare keys
//! with `==`, as OTP does. Searches stop at the first hit, so an improper tail after it is
//! not noticed (also as in OTP).

use super::Registry;
use crate::atom;
use crate::exception::{BifResult, Fail};
use crate::process::Process;
use crate::term::boxed;
use crate::term::compare::{compare, eq, exact_eq};
use crate::term::Term;
use std::cmp::Ordering;

pub fn register(r: &mut Registry) {
    r.add("erlang", "length", 1, length_1);
    r.add("erlang", "hd", 1, hd_1);
    r.add("erlang", "tl", 1, tl_1);
    r.add("erlang", "++", 2, append_2);
    r.add("erlang", "--", 2, subtract_2);
    r.add("lists", "reverse", 2, reverse_2);
    r.add("lists", "member", 2, member_2);
    r.add("lists", "keymember", 3, keymember_3);
    r.add("lists", "keysearch", 3, keysearch_3);
    r.add("lists", "keyfind", 3, keyfind_3);
}

fn length_1(_p: &mut Process, a: &[Term]) -> BifResult {
    let n = boxed::list_length(a[0]).ok_or_else(Fail::badarg)?;
    Ok(Term::small(n as i64))
}

fn hd_1(_p: &mut Process, a: &[Term]) -> BifResult {
    if a[0].is_list() {
        Ok(a[0].head())
    } else {
        Err(Fail::badarg())
    }
}

fn tl_1(_p: &mut Process, a: &[Term]) -> BifResult {
    if a[0].is_list() {
        Ok(a[0].tail())
    } else {
        Err(Fail::badarg())
    }
}

fn append_2(p: &mut Process, a: &[Term]) -> BifResult {
    if a[0].is_nil() {
        return Ok(a[1]);
    }
    let items = boxed::list_to_vec(a[0]).ok_or_else(Fail::badarg)?;
    Ok(boxed::list_with_tail(&mut p.heap, &items, a[1]))
}

/// Below this many elements to remove, `--` scans linearly; above, it uses a sorted multiset.
const SUBTRACT_LINEAR_LIMIT: usize = 16;

fn subtract_2(p: &mut Process, a: &[Term]) -> BifResult {
    let left = boxed::list_to_vec(a[0]).ok_or_else(Fail::badarg)?;
    let right = boxed::list_to_vec(a[1]).ok_or_else(Fail::badarg)?;
    if right.is_empty() {
        return Ok(a[0]);
    }
    if left.is_empty() {
        return Ok(Term::NIL);
    }
    let mut kept = Vec::with_capacity(left.len());
    if right.len() <= SUBTRACT_LINEAR_LIMIT {
        let mut remove: Vec<Option<Term>> = right.into_iter().map(Some).collect();
        for x in left {
            let hit = remove
                .iter_mut()
                .find(|r| r.is_some_and(|r| exact_eq(r, x)));
            match hit {
                Some(slot) => *slot = None,
                None => kept.push(x),
            }
        }
    } else {
        // A multiset of the elements to remove, sorted in exact term order (where equal
        // means `=:=`), with counts.
        let mut sorted = right;
        sorted.sort_by(|x, y| compare(*x, *y, true));
        let mut set: Vec<(Term, usize)> = Vec::new();
        for t in sorted {
            match set.last_mut() {
                Some((u, n)) if compare(*u, t, true) == Ordering::Equal => *n += 1,
                _ => set.push((t, 1)),
            }
        }
        for x in left {
            match set.binary_search_by(|(u, _)| compare(*u, x, true)) {
                Ok(i) if set[i].1 > 0 => set[i].1 -= 1,
                _ => kept.push(x),
            }
        }
    }
    Ok(boxed::list(&mut p.heap, &kept))
}

fn reverse_2(p: &mut Process, a: &[Term]) -> BifResult {
    let mut cur = a[0];
    let mut acc = a[1];
    while cur.is_list() {
        acc = boxed::cons(&mut p.heap, cur.head(), acc);
        cur = cur.tail();
    }
    if cur.is_nil() {
        Ok(acc)
    } else {
        Err(Fail::badarg())
    }
}

fn member_2(_p: &mut Process, a: &[Term]) -> BifResult {
    let mut cur = a[1];
    while cur.is_list() {
        if exact_eq(cur.head(), a[0]) {
            return Ok(Term::bool(true));
        }
        cur = cur.tail();
    }
    if cur.is_nil() {
        Ok(Term::bool(false))
    } else {
        Err(Fail::badarg())
    }
}

/// The first tuple in `list` whose element `pos` (1-based) equals `key` with `==`.
fn keyfind(key: Term, pos: Term, list: Term) -> Result<Option<Term>, Fail> {
    let pos = match pos.as_small() {
        Some(n) if n >= 1 => n as usize,
        _ => return Err(Fail::badarg()),
    };
    let mut cur = list;
    while cur.is_list() {
        let t = cur.head();
        if t.is_tuple() && boxed::tuple_arity(t) >= pos && eq(boxed::tuple_element(t, pos - 1), key)
        {
            return Ok(Some(t));
        }
        cur = cur.tail();
    }
    if cur.is_nil() {
        Ok(None)
    } else {
        Err(Fail::badarg())
    }
}

fn keymember_3(_p: &mut Process, a: &[Term]) -> BifResult {
    Ok(Term::bool(keyfind(a[0], a[1], a[2])?.is_some()))
}

fn keysearch_3(p: &mut Process, a: &[Term]) -> BifResult {
    Ok(match keyfind(a[0], a[1], a[2])? {
        Some(t) => boxed::tuple(&mut p.heap, &[Term::atom(atom::VALUE), t]),
        None => Term::bool(false),
    })
}

fn keyfind_3(_p: &mut Process, a: &[Term]) -> BifResult {
    Ok(keyfind(a[0], a[1], a[2])?.unwrap_or(Term::bool(false)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bif::iodata::tests::{ints, is_badarg, small_list};

    fn a(s: &str) -> Term {
        Term::atom(atom::atom(s))
    }
    fn n(i: i64) -> Term {
        Term::small(i)
    }
    fn list(p: &mut Process, v: &[Term]) -> Term {
        boxed::list(&mut p.heap, v)
    }
    fn improper(p: &mut Process, v: &[Term], t: Term) -> Term {
        boxed::list_with_tail(&mut p.heap, v, t)
    }
    fn fl(p: &mut Process, f: f64) -> Term {
        boxed::float(&mut p.heap, f)
    }

    #[test]
    fn length_hd_tl() {
        let mut p = Process::new(0);
        let l = ints(&mut p, &[1, 2, 3]);
        assert_eq!(length_1(&mut p, &[l]).unwrap(), n(3));
        assert_eq!(length_1(&mut p, &[Term::NIL]).unwrap(), n(0));
        let il = improper(&mut p, &[n(1)], n(2));
        assert!(is_badarg(length_1(&mut p, &[il])));
        assert!(is_badarg(length_1(&mut p, &[a("a")])));
        assert_eq!(hd_1(&mut p, &[l]).unwrap(), n(1));
        assert!(is_badarg(hd_1(&mut p, &[Term::NIL])));
        assert_eq!(small_list(tl_1(&mut p, &[l]).unwrap()), vec![2, 3]);
        assert_eq!(tl_1(&mut p, &[il]).unwrap(), n(2));
        assert!(is_badarg(tl_1(&mut p, &[Term::NIL])));
    }

    #[test]
    fn append() {
        let mut p = Process::new(0);
        let l12 = ints(&mut p, &[1, 2]);
        let l3 = ints(&mut p, &[3]);
        assert_eq!(
            small_list(append_2(&mut p, &[l12, l3]).unwrap()),
            vec![1, 2, 3]
        );
        let r = append_2(&mut p, &[l12, a("a")]).unwrap();
        assert_eq!(boxed::list_length(r), None);
        assert_eq!(append_2(&mut p, &[Term::NIL, a("a")]).unwrap(), a("a"));
        let il = improper(&mut p, &[n(1)], n(2));
        assert!(is_badarg(append_2(&mut p, &[il, l3])));
        assert!(is_badarg(append_2(&mut p, &[a("a"), Term::NIL])));
    }

    #[test]
    fn subtract() {
        let mut p = Process::new(0);
        let l = ints(&mut p, &[1, 2, 3, 2, 1]);
        let r = ints(&mut p, &[2, 1]);
        assert_eq!(
            small_list(subtract_2(&mut p, &[l, r]).unwrap()),
            vec![3, 2, 1]
        );
        // Exact equality: 1.0 removes only 1.0.
        let f = fl(&mut p, 1.0);
        let l = list(&mut p, &[n(1), n(2), f]);
        let r = list(&mut p, &[f]);
        assert_eq!(small_list(subtract_2(&mut p, &[l, r]).unwrap()), vec![1, 2]);
        let il = improper(&mut p, &[n(1)], n(2));
        let l12 = ints(&mut p, &[1, 2]);
        assert!(is_badarg(subtract_2(&mut p, &[l12, il])));
        assert!(is_badarg(subtract_2(&mut p, &[il, l12])));
        assert!(is_badarg(subtract_2(&mut p, &[l12, a("a")])));
        assert!(is_badarg(subtract_2(&mut p, &[a("a"), Term::NIL])));
        assert_eq!(subtract_2(&mut p, &[Term::NIL, l12]).unwrap(), Term::NIL);
        let l = list(&mut p, &[a("a"), a("b"), a("a"), a("b")]);
        let r = list(&mut p, &[a("a"), a("a"), a("a")]);
        let out = subtract_2(&mut p, &[l, r]).unwrap();
        assert_eq!(boxed::list_to_vec(out).unwrap(), vec![a("b"), a("b")]);
        // The sorted path agrees with the linear one.
        let left: Vec<i64> = (0..200).map(|i| i % 37).collect();
        let right: Vec<i64> = (0..50).map(|i| (i * 7) % 41).collect();
        let l = ints(&mut p, &left);
        let r = ints(&mut p, &right);
        let mut want = Vec::new();
        let mut rem = right.clone();
        for x in &left {
            match rem.iter().position(|y| y == x) {
                Some(i) => {
                    rem.remove(i);
                }
                None => want.push(*x),
            }
        }
        assert_eq!(small_list(subtract_2(&mut p, &[l, r]).unwrap()), want);
        // Tuples with an integer and a float are different.
        let t1 = boxed::tuple(&mut p.heap, &[n(1)]);
        let tf = boxed::tuple(&mut p.heap, &[f]);
        let l = list(&mut p, &[t1]);
        let r = list(&mut p, &[tf]);
        let out = subtract_2(&mut p, &[l, r]).unwrap();
        assert_eq!(boxed::list_length(out), Some(1));
    }

    #[test]
    fn reverse_member() {
        let mut p = Process::new(0);
        let l = ints(&mut p, &[1, 2, 3]);
        let t = ints(&mut p, &[4]);
        assert_eq!(
            small_list(reverse_2(&mut p, &[l, t]).unwrap()),
            vec![3, 2, 1, 4]
        );
        assert_eq!(reverse_2(&mut p, &[Term::NIL, a("a")]).unwrap(), a("a"));
        let il = improper(&mut p, &[n(1), n(2)], n(3));
        assert!(is_badarg(reverse_2(&mut p, &[il, Term::NIL])));
        assert!(is_badarg(reverse_2(&mut p, &[a("a"), Term::NIL])));
        let f = fl(&mut p, 1.0);
        let lf = list(&mut p, &[f]);
        assert_eq!(member_2(&mut p, &[n(1), lf]).unwrap(), Term::bool(false));
        assert_eq!(member_2(&mut p, &[f, lf]).unwrap(), Term::bool(true));
        let il = improper(&mut p, &[n(2)], n(3));
        assert!(is_badarg(member_2(&mut p, &[n(1), il])));
        assert_eq!(member_2(&mut p, &[n(2), il]).unwrap(), Term::bool(true));
        assert!(is_badarg(member_2(&mut p, &[n(1), a("a")])));
        assert_eq!(
            member_2(&mut p, &[n(1), Term::NIL]).unwrap(),
            Term::bool(false)
        );
    }

    #[test]
    fn keys() {
        let mut p = Process::new(0);
        let f = fl(&mut p, 1.0);
        let tf = boxed::tuple(&mut p.heap, &[f, a("a")]);
        let lf = list(&mut p, &[tf]);
        assert_eq!(
            keymember_3(&mut p, &[n(1), n(1), lf]).unwrap(),
            Term::bool(true)
        );
        assert_eq!(keyfind_3(&mut p, &[n(1), n(1), lf]).unwrap(), tf);
        assert_eq!(
            keyfind_3(&mut p, &[a("b"), n(1), lf]).unwrap(),
            Term::bool(false)
        );
        let t1 = boxed::tuple(&mut p.heap, &[n(1)]);
        let ta1 = boxed::tuple(&mut p.heap, &[a("a"), n(1)]);
        let l = list(&mut p, &[a("x"), t1, ta1]);
        assert_eq!(keyfind_3(&mut p, &[n(1), n(2), l]).unwrap(), ta1);
        let r = keysearch_3(&mut p, &[n(1), n(2), l]).unwrap();
        assert_eq!(boxed::tuple_elems(r), &[a("value"), ta1]);
        assert_eq!(
            keysearch_3(&mut p, &[n(1), n(3), l]).unwrap(),
            Term::bool(false)
        );
        assert!(is_badarg(keymember_3(&mut p, &[n(1), n(0), l])));
        assert!(is_badarg(keyfind_3(&mut p, &[n(1), f, Term::NIL])));
        let t2 = boxed::tuple(&mut p.heap, &[n(2)]);
        let il = improper(&mut p, &[t2], a("x"));
        assert!(is_badarg(keymember_3(&mut p, &[n(1), n(1), il])));
        let il = improper(&mut p, &[t1], a("x"));
        assert_eq!(
            keymember_3(&mut p, &[n(1), n(1), il]).unwrap(),
            Term::bool(true)
        );
        assert!(is_badarg(keyfind_3(&mut p, &[n(1), n(1), a("x")])));
        // Keys compare with ==, deep inside tuples too.
        let k = boxed::tuple(&mut p.heap, &[n(1)]);
        let kf = boxed::tuple(&mut p.heap, &[f]);
        let e = boxed::tuple(&mut p.heap, &[kf, a("a")]);
        let l = list(&mut p, &[e]);
        assert_eq!(keyfind_3(&mut p, &[k, n(1), l]).unwrap(), e);
    }
}
