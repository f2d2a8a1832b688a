//! Term inspection BIFs used by OTP's tools and tests: `erts_internal:term_type/1` (the kind
//! of object a term is, by OTP's names), `erts_internal:cmp_term/2` (term order as -1/0/1) and
//! `erts_debug:same/2` (whether two terms are the very same object), and the sizes of terms in
//! OTP's words (`erts_debug:flat_size/1`, `size_shared/1`, and the map internals that
//! `erts_debug:size/1` walks: `erts_internal:map_to_tuple_keys/1`, `map_hashmap_children/1`).

use super::Registry;
use crate::atom;
use crate::exception::{BifResult, Fail};
use crate::process::Process;
use crate::term::compare::compare;
use crate::term::{boxed, otp_size};
use crate::term::{subtag, Term};
use std::cmp::Ordering;

pub fn register(r: &mut Registry) {
    r.add("erts_internal", "term_type", 1, term_type_1);
    r.add("erts_internal", "cmp_term", 2, cmp_term_2);
    r.add("erts_debug", "same", 2, |_, a| Ok(Term::bool(a[0] == a[1])));
    r.add("erts_debug", "flat_size", 1, |p, a| {
        Ok(crate::bignum::from_i64(
            &mut p.heap,
            otp_size::flat_size(a[0]) as i64,
        ))
    });
    r.add("erts_debug", "size_shared", 1, |p, a| {
        let n = otp_size::size_shared(a[0], &p.heap);
        Ok(crate::bignum::from_i64(&mut p.heap, n as i64))
    });
    r.add("erts_internal", "map_to_tuple_keys", 1, |p, a| {
        if !a[0].is_map() {
            return Err(Fail::error(boxed::tuple(
                &mut p.heap,
                &[Term::atom(atom::BADMAP), a[0]],
            )));
        }
        crate::map::flat_keys_tuple(a[0]).ok_or_else(Fail::badarg)
    });
    r.add("erts_internal", "map_hashmap_children", 1, |p, a| {
        if !a[0].is_map() {
            return Err(Fail::badarg());
        }
        let kids = crate::map::hamt_children(a[0])
            .ok_or_else(Fail::badarg)?
            .to_vec();
        Ok(boxed::list(&mut p.heap, &kids))
    });
}

fn term_type_1(_p: &mut Process, a: &[Term]) -> BifResult {
    let t = a[0];
    let name = if t.is_small() {
        "fixnum"
    } else if t.is_atom() {
        "atom"
    } else if t.is_nil() {
        "nil"
    } else if t.is_list() {
        "list"
    } else if t.is_local_pid() {
        "pid"
    } else if t.is_local_port() {
        "port"
    } else if t.is_boxed() {
        match t.boxed_subtag() {
            subtag::TUPLE => "tuple",
            subtag::POS_BIG | subtag::NEG_BIG => "bignum",
            subtag::REF => "reference",
            subtag::FUN => "fun",
            subtag::FLOAT => "hfloat",
            subtag::EXPORT => "export",
            subtag::REFC_BINARY => "refc_binary",
            subtag::HEAP_BINARY => "heap_binary",
            subtag::SUB_BINARY => "sub_binary",
            subtag::EXTERNAL_PID => "external_pid",
            subtag::EXTERNAL_PORT => "external_port",
            subtag::EXTERNAL_REF => "external_reference",
            subtag::MAP if crate::map::is_hamt_node(t) => "hashmap_node",
            subtag::MAP if crate::map::is_hamt(t) => "hashmap",
            subtag::MAP => "flatmap",
            subtag::MATCH_STATE => "bin_matchstate",
            _ => "unknown",
        }
    } else {
        "unknown"
    };
    Ok(Term::atom(atom::atom(name)))
}

fn cmp_term_2(_p: &mut Process, a: &[Term]) -> BifResult {
    Ok(Term::small(match compare(a[0], a[1], true) {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    }))
}
