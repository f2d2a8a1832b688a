//! Tuple BIFs (OTP's `bif.c` and `erl_bif_*.c` parts): `element/2`, `setelement/3`,
//! `tuple_size/1`, `size/1`, `make_tuple/2,3`, `append_element/2`, `tuple_to_list/1`,
//! `list_to_tuple/1`, `delete_element/2` and `insert_element/3`.
//!
//! Positions are 1-based small integers. Tuples have at most `MAX_ARITY` elements
//! (OTP's `MAX_ARITYVAL`); `insert_element/3` does not check that limit, as in OTP 25.

use super::Registry;
use crate::exception::{BifResult, Fail};
use crate::process::Process;
use crate::term::boxed;
use crate::term::Term;

/// The largest tuple arity (OTP's `MAX_ARITYVAL`, 2^24 - 1).
pub const MAX_ARITY: usize = (1 << 24) - 1;

pub fn register(r: &mut Registry) {
    r.add("erlang", "element", 2, element_2);
    r.add("erlang", "setelement", 3, setelement_3);
    r.add("erlang", "tuple_size", 1, tuple_size_1);
    r.add("erlang", "size", 1, size_1);
    r.add("erlang", "make_tuple", 2, make_tuple_2);
    r.add("erlang", "make_tuple", 3, make_tuple_3);
    r.add("erlang", "append_element", 2, append_element_2);
    r.add("erlang", "tuple_to_list", 1, tuple_to_list_1);
    r.add("erlang", "list_to_tuple", 1, list_to_tuple_1);
    r.add("erlang", "delete_element", 2, delete_element_2);
    r.add("erlang", "insert_element", 3, insert_element_3);
}

/// The elements of a tuple argument.
fn tuple_arg<'a>(t: Term) -> Result<&'a [Term], Fail> {
    if t.is_tuple() {
        Ok(boxed::tuple_elems(t))
    } else {
        Err(Fail::badarg())
    }
}

/// A 1-based position in `1..=max`, as a 0-based index.
fn index_arg(t: Term, max: usize) -> Result<usize, Fail> {
    match t.as_small() {
        Some(i) if i >= 1 && (i as u64) <= max as u64 => Ok(i as usize - 1),
        _ => Err(Fail::badarg()),
    }
}

fn element_2(_p: &mut Process, a: &[Term]) -> BifResult {
    let elems = tuple_arg(a[1])?;
    let i = index_arg(a[0], elems.len())?;
    Ok(elems[i])
}

fn setelement_3(p: &mut Process, a: &[Term]) -> BifResult {
    let elems = tuple_arg(a[1])?;
    let i = index_arg(a[0], elems.len())?;
    let mut v = elems.to_vec();
    v[i] = a[2];
    Ok(boxed::tuple(&mut p.heap, &v))
}

fn tuple_size_1(_p: &mut Process, a: &[Term]) -> BifResult {
    Ok(Term::small(tuple_arg(a[0])?.len() as i64))
}

fn size_1(_p: &mut Process, a: &[Term]) -> BifResult {
    let t = a[0];
    if t.is_tuple() {
        Ok(Term::small(boxed::tuple_arity(t) as i64))
    } else if t.is_bitstring() {
        Ok(Term::small((boxed::bitstring_bit_size(t) / 8) as i64))
    } else {
        Err(Fail::badarg())
    }
}

/// An arity argument in `0..=MAX_ARITY`.
fn arity_arg(t: Term) -> Result<usize, Fail> {
    match t.as_small() {
        Some(n) if n >= 0 && n as u64 <= MAX_ARITY as u64 => Ok(n as usize),
        _ => Err(Fail::badarg()),
    }
}

fn make_tuple_2(p: &mut Process, a: &[Term]) -> BifResult {
    let n = arity_arg(a[0])?;
    Ok(boxed::tuple(&mut p.heap, &vec![a[1]; n]))
}

fn make_tuple_3(p: &mut Process, a: &[Term]) -> BifResult {
    let n = arity_arg(a[0])?;
    let inits = boxed::list_to_vec(a[2]).ok_or_else(Fail::badarg)?;
    let mut v = vec![a[1]; n];
    for init in inits {
        if !init.is_tuple() || boxed::tuple_arity(init) != 2 {
            return Err(Fail::badarg());
        }
        let i = index_arg(boxed::tuple_element(init, 0), n)?;
        v[i] = boxed::tuple_element(init, 1);
    }
    Ok(boxed::tuple(&mut p.heap, &v))
}

fn append_element_2(p: &mut Process, a: &[Term]) -> BifResult {
    let elems = tuple_arg(a[0])?;
    if elems.len() >= MAX_ARITY {
        return Err(Fail::badarg());
    }
    let mut v = Vec::with_capacity(elems.len() + 1);
    v.extend_from_slice(elems);
    v.push(a[1]);
    Ok(boxed::tuple(&mut p.heap, &v))
}

fn tuple_to_list_1(p: &mut Process, a: &[Term]) -> BifResult {
    let elems = tuple_arg(a[0])?.to_vec();
    Ok(boxed::list(&mut p.heap, &elems))
}

fn list_to_tuple_1(p: &mut Process, a: &[Term]) -> BifResult {
    let v = boxed::list_to_vec(a[0]).ok_or_else(Fail::badarg)?;
    if v.len() > MAX_ARITY {
        return Err(Fail::badarg());
    }
    Ok(boxed::tuple(&mut p.heap, &v))
}

fn delete_element_2(p: &mut Process, a: &[Term]) -> BifResult {
    let elems = tuple_arg(a[1])?;
    let i = index_arg(a[0], elems.len())?;
    let mut v = elems.to_vec();
    v.remove(i);
    Ok(boxed::tuple(&mut p.heap, &v))
}

fn insert_element_3(p: &mut Process, a: &[Term]) -> BifResult {
    let elems = tuple_arg(a[1])?;
    let i = index_arg(a[0], elems.len() + 1)?;
    let mut v = elems.to_vec();
    v.insert(i, a[2]);
    Ok(boxed::tuple(&mut p.heap, &v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::atom;
    use crate::bif::iodata::tests::{bin, bits, is_badarg};

    fn a(s: &str) -> Term {
        Term::atom(atom::atom(s))
    }
    fn tup(p: &mut Process, v: &[Term]) -> Term {
        boxed::tuple(&mut p.heap, v)
    }
    fn elems(t: Term) -> Vec<Term> {
        boxed::tuple_elems(t).to_vec()
    }
    fn n(i: i64) -> Term {
        Term::small(i)
    }

    #[test]
    fn element_and_setelement() {
        let mut p = Process::new(0);
        let t = tup(&mut p, &[a("a"), a("b")]);
        assert_eq!(element_2(&mut p, &[n(1), t]).unwrap(), a("a"));
        for bad in [n(0), n(3), Term::NIL] {
            assert!(is_badarg(element_2(&mut p, &[bad, t])));
        }
        let l = boxed::list(&mut p.heap, &[a("a")]);
        assert!(is_badarg(element_2(&mut p, &[n(1), l])));
        let r = setelement_3(&mut p, &[n(2), t, a("c")]).unwrap();
        assert_eq!(elems(r), vec![a("a"), a("c")]);
        assert_eq!(elems(t), vec![a("a"), a("b")]);
        assert!(is_badarg(setelement_3(&mut p, &[n(3), t, a("c")])));
        assert!(is_badarg(setelement_3(&mut p, &[n(0), t, a("c")])));
    }

    #[test]
    fn sizes() {
        let mut p = Process::new(0);
        let e = tup(&mut p, &[]);
        assert_eq!(tuple_size_1(&mut p, &[e]).unwrap(), n(0));
        assert!(is_badarg(tuple_size_1(&mut p, &[Term::NIL])));
        let t = tup(&mut p, &[a("a"), a("b")]);
        assert_eq!(size_1(&mut p, &[t]).unwrap(), n(2));
        let b = bin(&mut p, &[1, 2, 3]);
        assert_eq!(size_1(&mut p, &[b]).unwrap(), n(3));
        let bs = bits(&mut p, &[1, 2, 0x60], 19);
        assert_eq!(size_1(&mut p, &[bs]).unwrap(), n(2));
        let bs = bits(&mut p, &[0x20], 3);
        assert_eq!(size_1(&mut p, &[bs]).unwrap(), n(0));
        assert!(is_badarg(size_1(&mut p, &[Term::NIL])));
    }

    #[test]
    fn make_tuple_cases() {
        let mut p = Process::new(0);
        let r = make_tuple_2(&mut p, &[n(3), a("a")]).unwrap();
        assert_eq!(elems(r), vec![a("a"); 3]);
        assert_eq!(
            elems(make_tuple_2(&mut p, &[n(0), a("a")]).unwrap()),
            vec![]
        );
        for bad in [n(-1), n(1 << 24), a("a")] {
            assert!(is_badarg(make_tuple_2(&mut p, &[bad, a("a")])));
        }
        let i1 = tup(&mut p, &[n(1), a("a")]);
        let i3 = tup(&mut p, &[n(3), a("b")]);
        let l = boxed::list(&mut p.heap, &[i1, i3]);
        let r = make_tuple_3(&mut p, &[n(3), a("x"), l]).unwrap();
        assert_eq!(elems(r), vec![a("a"), a("x"), a("b")]);
        let i1b = tup(&mut p, &[n(1), a("b")]);
        let l = boxed::list(&mut p.heap, &[i1, i1b]);
        let r = make_tuple_3(&mut p, &[n(3), a("x"), l]).unwrap();
        assert_eq!(elems(r), vec![a("b"), a("x"), a("x")]);
        let r = make_tuple_3(&mut p, &[n(3), a("x"), Term::NIL]).unwrap();
        assert_eq!(elems(r), vec![a("x"); 3]);
        let i4 = tup(&mut p, &[n(4), a("a")]);
        let i0 = tup(&mut p, &[n(0), a("a")]);
        let i3e = tup(&mut p, &[n(1), a("a"), a("c")]);
        let f = crate::term::boxed::float(&mut p.heap, 1.0);
        let if1 = tup(&mut p, &[f, a("a")]);
        for bad in [i4, i0, i3e, if1] {
            let l = boxed::list(&mut p.heap, &[bad]);
            assert!(is_badarg(make_tuple_3(&mut p, &[n(3), a("x"), l])));
        }
        let l = boxed::list_with_tail(&mut p.heap, &[i1], a("b"));
        assert!(is_badarg(make_tuple_3(&mut p, &[n(3), a("x"), l])));
        let l = boxed::list(&mut p.heap, &[i1]);
        assert!(is_badarg(make_tuple_3(&mut p, &[n(0), a("x"), l])));
        assert!(is_badarg(make_tuple_3(&mut p, &[n(3), a("x"), a("a")])));
    }

    #[test]
    fn append_convert_delete_insert() {
        let mut p = Process::new(0);
        let t = tup(&mut p, &[a("a")]);
        let r = append_element_2(&mut p, &[t, a("b")]).unwrap();
        assert_eq!(elems(r), vec![a("a"), a("b")]);
        assert!(is_badarg(append_element_2(&mut p, &[Term::NIL, a("b")])));
        let t = tup(&mut p, &[a("a"), a("b")]);
        let l = tuple_to_list_1(&mut p, &[t]).unwrap();
        assert_eq!(boxed::list_to_vec(l).unwrap(), vec![a("a"), a("b")]);
        let e = tup(&mut p, &[]);
        assert_eq!(tuple_to_list_1(&mut p, &[e]).unwrap(), Term::NIL);
        assert!(is_badarg(tuple_to_list_1(&mut p, &[a("a")])));
        let r = list_to_tuple_1(&mut p, &[l]).unwrap();
        assert_eq!(elems(r), vec![a("a"), a("b")]);
        assert_eq!(
            elems(list_to_tuple_1(&mut p, &[Term::NIL]).unwrap()),
            vec![]
        );
        let il = boxed::list_with_tail(&mut p.heap, &[a("a")], a("b"));
        assert!(is_badarg(list_to_tuple_1(&mut p, &[il])));
        assert_eq!(
            elems(delete_element_2(&mut p, &[n(1), t]).unwrap()),
            vec![a("b")]
        );
        assert_eq!(
            elems(delete_element_2(&mut p, &[n(2), t]).unwrap()),
            vec![a("a")]
        );
        assert!(is_badarg(delete_element_2(&mut p, &[n(3), t])));
        assert!(is_badarg(delete_element_2(&mut p, &[n(0), t])));
        assert!(is_badarg(delete_element_2(&mut p, &[n(1), e])));
        let r = insert_element_3(&mut p, &[n(1), t, a("c")]).unwrap();
        assert_eq!(elems(r), vec![a("c"), a("a"), a("b")]);
        let r = insert_element_3(&mut p, &[n(3), t, a("c")]).unwrap();
        assert_eq!(elems(r), vec![a("a"), a("b"), a("c")]);
        assert!(is_badarg(insert_element_3(&mut p, &[n(4), t, a("c")])));
        assert!(is_badarg(insert_element_3(&mut p, &[n(0), t, a("c")])));
        assert_eq!(
            elems(insert_element_3(&mut p, &[n(1), e, a("c")]).unwrap()),
            vec![a("c")]
        );
    }
}
