//! Term order and equality (OTP's `erts_cmp` in `utils.c`).
//!
//! Order: number < atom < reference < fun < port < pid < tuple < map < nil < list < bitstring.
//! `compare(a, b, false)` is the order of `<`, `==` and sorting: integers and floats compare by
//! value. `compare(a, b, true)` is the exact order used for `=:=` and map keys: an integer and a
//! float are never equal, and every integer is less than every float.

use super::boxed::{self, bitstring_view};
use super::{external, header_arity, subtag, Term};
use crate::bignum;
use std::cmp::Ordering;

/// `A == B`. Two different immediates are never equal (small integers equal only
/// themselves, and so do atoms, local pids and ports, `[]`), so they are not ranked; an
/// integer may equal a float, and boxed terms are compared.
#[inline]
pub fn eq(a: Term, b: Term) -> bool {
    a == b || (!(a.is_immediate() && b.is_immediate()) && compare(a, b, false) == Ordering::Equal)
}

/// `A =:= B`.
#[inline]
pub fn exact_eq(a: Term, b: Term) -> bool {
    a == b || (!a.is_immediate() && !b.is_immediate() && exact_eq_boxed(a, b))
}

/// Whether two runs of elements (of tuples) are `=:=` pairwise.
#[inline]
pub fn elems_exact_eq(a: &[Term], b: &[Term]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(&x, &y)| exact_eq(x, y))
}

/// `A =:= B` for two terms that are not immediates: lists (strings above all) and tuples
/// (map keys, records) are walked here, element by element, without ranking each pair of
/// elements as the term order does (iteratively along a list's tail and a tuple's last
/// element); everything else is compared by [`compare`]. Immediates are equal only when
/// identical.
fn exact_eq_boxed(mut a: Term, mut b: Term) -> bool {
    loop {
        if a == b {
            return true;
        }
        if a.is_immediate() || b.is_immediate() {
            return false;
        }
        if a.is_list() && b.is_list() {
            if !exact_eq(a.head(), b.head()) {
                return false;
            }
            a = a.tail();
            b = b.tail();
            continue;
        }
        if a.is_tuple() && b.is_tuple() {
            let (ea, eb) = (boxed::tuple_elems(a), boxed::tuple_elems(b));
            let Some((&la, ra)) = ea.split_last() else {
                return eb.is_empty();
            };
            let Some((&lb, rb)) = eb.split_last() else {
                return false;
            };
            if !elems_exact_eq(ra, rb) {
                return false;
            }
            a = la;
            b = lb;
            continue;
        }
        if a.is_bitstring() && b.is_bitstring() {
            return bitstrings_equal(a, b);
        }
        return compare(a, b, true) == Ordering::Equal;
    }
}

/// Rank of a term's type in the term order.
fn type_rank(t: Term) -> u8 {
    if t.is_small() {
        return 0;
    }
    if t.is_atom() {
        return 1;
    }
    if t.is_local_port() {
        return 4;
    }
    if t.is_local_pid() {
        return 5;
    }
    if t.is_nil() {
        return 8;
    }
    if t.is_list() {
        return 9;
    }
    if t.is_boxed() {
        return match t.boxed_subtag() {
            subtag::POS_BIG | subtag::NEG_BIG | subtag::FLOAT => 0,
            subtag::REF | subtag::EXTERNAL_REF => 2,
            subtag::FUN | subtag::EXPORT => 3,
            subtag::EXTERNAL_PORT => 4,
            subtag::EXTERNAL_PID => 5,
            subtag::TUPLE => 6,
            subtag::MAP => 7,
            subtag::HEAP_BINARY | subtag::REFC_BINARY | subtag::SUB_BINARY => 10,
            _ => 11,
        };
    }
    11
}

/// Compares two numbers.
fn compare_numbers(a: Term, b: Term, exact: bool) -> Ordering {
    if a.is_small() && b.is_small() {
        return a.small_value().cmp(&b.small_value());
    }
    let af = a.is_float();
    let bf = b.is_float();
    match (af, bf) {
        (true, true) => {
            let (x, y) = (boxed::float_value(a), boxed::float_value(b));
            x.partial_cmp(&y).unwrap_or(Ordering::Equal)
        }
        (false, false) => {
            let x = bignum::to_bigint(a).unwrap_or_default();
            let y = bignum::to_bigint(b).unwrap_or_default();
            x.cmp(&y)
        }
        // In the exact order every integer is less than every float (OTP's map key order).
        (true, false) if exact => Ordering::Greater,
        (false, true) if exact => Ordering::Less,
        (true, false) => float_vs_int(boxed::float_value(a), b),
        (false, true) => float_vs_int(boxed::float_value(b), a).reverse(),
    }
}

/// Compares a float with an integer exactly (no rounding of large integers).
fn float_vs_int(f: f64, i: Term) -> Ordering {
    if i.is_small() {
        let v = i.small_value();
        // Small integers (60 bits) may not be exact in f64; compare via i128 when integral.
        if f.fract() == 0.0 && f.abs() < 1e30 {
            return (f as i128).cmp(&(v as i128));
        }
        return f.partial_cmp(&(v as f64)).unwrap_or(Ordering::Equal);
    }
    let b = bignum::to_bigint(i).unwrap_or_default();
    if f.is_infinite() {
        return if f > 0.0 {
            Ordering::Greater
        } else {
            Ordering::Less
        };
    }
    let fl = f.floor();
    match float_floor_to_bigint(fl).cmp(&b) {
        Ordering::Equal if f > fl => Ordering::Greater,
        o => o,
    }
}

fn float_floor_to_bigint(f: f64) -> num_bigint::BigInt {
    use num_traits::FromPrimitive;
    num_bigint::BigInt::from_f64(f).unwrap_or_default()
}

/// Compares two atoms by their text (UTF-8 byte order equals code point order).
#[inline]
fn compare_atoms(a: Term, b: Term) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    crate::atom::cmp(a.atom_value(), b.atom_value())
}

/// Compares two terms. See the module documentation for `exact`.
pub fn compare(a: Term, b: Term, exact: bool) -> Ordering {
    // Iterative over list tails and the last tuple element to keep deep structures off the
    // native stack in the common cases.
    let mut a = a;
    let mut b = b;
    loop {
        if a == b {
            return Ordering::Equal;
        }
        // The common pairs first: two small integers, two atoms (map keys, record tags).
        if a.is_small() && b.is_small() {
            return a.small_value().cmp(&b.small_value());
        }
        if a.is_atom() && b.is_atom() {
            return compare_atoms(a, b);
        }
        let (ra, rb) = (type_rank(a), type_rank(b));
        if ra != rb {
            return ra.cmp(&rb);
        }
        match ra {
            0 => return compare_numbers(a, b, exact),
            1 => return compare_atoms(a, b),
            2 => return compare_refs(a, b),
            3 => return compare_funs(a, b, exact),
            4 => return compare_ports(a, b),
            5 => return compare_pids(a, b),
            6 => {
                let (ea, eb) = (boxed::tuple_elems(a), boxed::tuple_elems(b));
                if ea.len() != eb.len() {
                    return ea.len().cmp(&eb.len());
                }
                if ea.is_empty() {
                    return Ordering::Equal;
                }
                for i in 0..ea.len() - 1 {
                    let o = compare(ea[i], eb[i], exact);
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                a = ea[ea.len() - 1];
                b = eb[eb.len() - 1];
            }
            7 => return compare_maps(a, b, exact),
            8 => return Ordering::Equal,
            9 => {
                let o = compare(a.head(), b.head(), exact);
                if o != Ordering::Equal {
                    return o;
                }
                a = a.tail();
                b = b.tail();
            }
            10 => return compare_bitstrings(a, b),
            _ => return a.0.cmp(&b.0),
        }
    }
}

/// Compares the nodes of two pids, ports or references (local ones are of this node).
fn compare_nodes(a: Term, b: Term) -> Ordering {
    let key = |t: Term| {
        if t.is_immediate() || t.boxed_subtag() == subtag::REF {
            crate::dist::node::this()
        } else {
            (external::node(t), external::creation(t))
        }
    };
    let ((na, ca), (nb, cb)) = (key(a), key(b));
    if na == nb {
        return ca.cmp(&cb);
    }
    compare_atoms(Term::atom(na), Term::atom(nb)).then(ca.cmp(&cb))
}

/// Pids: by serial and number first, then by node (OTP 25's order).
fn compare_pids(a: Term, b: Term) -> Ordering {
    let data = |t: Term| {
        if t.is_local_pid() {
            let (id, serial) = boxed::pid_fields(t.pid_number());
            (serial, id)
        } else {
            let (id, serial) = external::pid_fields(t);
            (serial, id)
        }
    };
    data(a).cmp(&data(b)).then_with(|| compare_nodes(a, b))
}

/// Ports: by node first, then by number.
fn compare_ports(a: Term, b: Term) -> Ordering {
    let number = |t: Term| {
        if t.is_local_port() {
            t.port_number()
        } else {
            external::port_number(t)
        }
    };
    compare_nodes(a, b).then_with(|| number(a).cmp(&number(b)))
}

/// References: by node first, then by their words from the most significant, the shorter
/// one extended with zeros.
fn compare_refs(a: Term, b: Term) -> Ordering {
    if a.boxed_subtag() == subtag::REF && b.boxed_subtag() == subtag::REF {
        return boxed::reference_id(a).cmp(&boxed::reference_id(b));
    }
    let words = |t: Term| {
        if t.boxed_subtag() == subtag::REF {
            boxed::ref_words(boxed::reference_id(t)).to_vec()
        } else {
            external::ref_words(t)
        }
    };
    compare_nodes(a, b).then_with(|| {
        let (wa, wb) = (words(a), words(b));
        let n = wa.len().max(wb.len());
        for i in (0..n).rev() {
            let o = wa.get(i).unwrap_or(&0).cmp(wb.get(i).unwrap_or(&0));
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    })
}

fn compare_funs(a: Term, b: Term, exact: bool) -> Ordering {
    let (sa, sb) = (a.boxed_subtag(), b.boxed_subtag());
    if sa != sb {
        // Local funs sort before external funs in OTP 25.
        return if sa == subtag::FUN {
            Ordering::Less
        } else {
            Ordering::Greater
        };
    }
    if sa == subtag::EXPORT {
        // SAFETY: word 1 of an export object is a `&'static Export`.
        let (ea, eb) = unsafe {
            (
                &*(a.boxed_word(1) as *const crate::module::Export),
                &*(b.boxed_word(1) as *const crate::module::Export),
            )
        };
        return compare_atoms(Term::atom(ea.mfa.module), Term::atom(eb.mfa.module))
            .then_with(|| compare_atoms(Term::atom(ea.mfa.function), Term::atom(eb.mfa.function)))
            .then_with(|| ea.mfa.arity.cmp(&eb.mfa.arity));
    }
    // SAFETY: word 1 of a fun object is a `&'static FunEntry`.
    let (fa, fb) = unsafe {
        (
            &*(a.boxed_word(1) as *const crate::module::FunEntry),
            &*(b.boxed_word(1) as *const crate::module::FunEntry),
        )
    };
    let o = compare_atoms(Term::atom(fa.module), Term::atom(fb.module))
        .then_with(|| fa.index.cmp(&fb.index))
        .then_with(|| fa.old_uniq.cmp(&fb.old_uniq));
    if o != Ordering::Equal {
        return o;
    }
    let (na, nb) = (header_arity(a.header()), header_arity(b.header()));
    if na != nb {
        return na.cmp(&nb);
    }
    for i in 2..=na {
        let o = compare(Term(a.boxed_word(i)), Term(b.boxed_word(i)), exact);
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

fn compare_maps(a: Term, b: Term, exact: bool) -> Ordering {
    let (sa, sb) = (crate::map::size(a), crate::map::size(b));
    if sa != sb {
        return sa.cmp(&sb);
    }
    // Keys in exact term order first, then values in that key order.
    let ka = crate::map::sorted_pairs(a);
    let kb = crate::map::sorted_pairs(b);
    for (x, y) in ka.iter().zip(kb.iter()) {
        let o = compare(x.0, y.0, true);
        if o != Ordering::Equal {
            return o;
        }
    }
    for (x, y) in ka.iter().zip(kb.iter()) {
        let o = compare(x.1, y.1, exact);
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

/// Whether two bitstrings hold the same bits: sizes first, then the bytes (a matched
/// digest or key compares without ranking).
fn bitstrings_equal(a: Term, b: Term) -> bool {
    let (va, vb) = (bitstring_view(a), bitstring_view(b));
    if va.size_bits != vb.size_bits {
        return false;
    }
    match (va.as_bytes(), vb.as_bytes()) {
        (Some(x), Some(y)) => x == y,
        _ => compare_views(va, vb) == Ordering::Equal,
    }
}

fn compare_bitstrings(a: Term, b: Term) -> Ordering {
    compare_views(bitstring_view(a), bitstring_view(b))
}

fn compare_views(va: boxed::BitView<'_>, vb: boxed::BitView<'_>) -> Ordering {
    if let (Some(x), Some(y)) = (va.as_bytes(), vb.as_bytes()) {
        return x.cmp(y);
    }
    let n = va.size_bits.min(vb.size_bits);
    for i in 0..n {
        let o = va.bit(i).cmp(&vb.bit(i));
        if o != Ordering::Equal {
            return o;
        }
    }
    va.size_bits.cmp(&vb.size_bits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::atom;
    use crate::heap::Heap;

    #[test]
    fn type_order() {
        let mut h = Heap::default();
        let terms = [
            Term::small(1),
            Term::atom(atom::OK),
            boxed::reference(&mut h, 1),
            Term::port(1),
            Term::pid(1),
            boxed::tuple(&mut h, &[]),
            crate::map::from_pairs(&mut h, &[]),
            Term::NIL,
            boxed::list(&mut h, &[Term::small(1)]),
            boxed::binary(&mut h, b""),
        ];
        for i in 0..terms.len() {
            for j in 0..terms.len() {
                assert_eq!(compare(terms[i], terms[j], false), i.cmp(&j), "{i} {j}");
            }
        }
    }

    #[test]
    fn numbers() {
        let mut h = Heap::default();
        let one_f = boxed::float(&mut h, 1.0);
        assert!(eq(Term::small(1), one_f));
        assert!(!exact_eq(Term::small(1), one_f));
        assert_eq!(compare(Term::small(1), one_f, true), Ordering::Less);
        let big = bignum::from_i64(&mut h, i64::MAX);
        assert_eq!(compare(Term::small(5), big, false), Ordering::Less);
        let bigf = boxed::float(&mut h, 1e30);
        assert_eq!(compare(bigf, big, false), Ordering::Greater);
        let half = boxed::float(&mut h, 2.5);
        assert_eq!(compare(half, Term::small(2), false), Ordering::Greater);
        assert_eq!(compare(half, Term::small(3), false), Ordering::Less);
    }

    #[test]
    fn exact_equality_of_lists() {
        let mut h = Heap::default();
        let s1 = boxed::string(&mut h, "cba".chars().map(|c| c as u32));
        let s2 = boxed::string(&mut h, "cba".chars().map(|c| c as u32));
        let s3 = boxed::string(&mut h, "cbb".chars().map(|c| c as u32));
        let s4 = boxed::string(&mut h, "cb".chars().map(|c| c as u32));
        assert!(exact_eq(s1, s2));
        assert!(!exact_eq(s1, s3));
        assert!(!exact_eq(s1, s4) && !exact_eq(s4, s1));
        // Nested and improper lists, floats against integers.
        let f = boxed::float(&mut h, 1.0);
        let one = Term::small(1);
        let l1 = boxed::cons(&mut h, s1, Term::NIL);
        let l2 = boxed::cons(&mut h, s2, Term::NIL);
        assert!(exact_eq(l1, l2));
        let i1 = boxed::cons(&mut h, f, one);
        let i2 = boxed::cons(&mut h, f, one);
        let i3 = boxed::cons(&mut h, one, f);
        let i4 = boxed::cons(&mut h, f, f);
        assert!(exact_eq(i1, i2));
        assert!(!exact_eq(i1, i3));
        assert!(!exact_eq(i1, i4));
        assert!(
            eq(i4, boxed::cons(&mut h, one, one)) && !exact_eq(i4, boxed::cons(&mut h, one, one))
        );
    }

    #[test]
    fn lists_and_binaries() {
        let mut h = Heap::default();
        let a = boxed::list(&mut h, &[Term::small(1), Term::small(2)]);
        let b = boxed::list(&mut h, &[Term::small(1), Term::small(3)]);
        assert_eq!(compare(a, b, false), Ordering::Less);
        let c = boxed::list(&mut h, &[Term::small(1)]);
        assert_eq!(compare(c, a, false), Ordering::Less);
        let x = boxed::binary(&mut h, b"ab");
        let y = boxed::binary(&mut h, b"abc");
        assert_eq!(compare(x, y, false), Ordering::Less);
        assert!(exact_eq(x, boxed::binary(&mut h, b"ab")));
        let aa = Term::atom(atom::atom("aa"));
        let ab = Term::atom(atom::atom("ab"));
        assert_eq!(compare(aa, ab, false), Ordering::Less);
    }
}
