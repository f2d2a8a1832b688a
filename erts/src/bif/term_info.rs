//! Term inspection BIFs used by OTP's tools and tests: `erts_internal:term_type/1` (the kind
//! of object a term is, by OTP's names), `erts_internal:cmp_term/2` (term order as -1/0/1) and
//! `erts_debug:same/2` (whether two terms are the very same object).

use super::Registry;
use crate::atom;
use crate::exception::BifResult;
use crate::process::Process;
use crate::term::compare::compare;
use crate::term::{subtag, Term};
use std::cmp::Ordering;

pub fn register(r: &mut Registry) {
    r.add("erts_internal", "term_type", 1, term_type_1);
    r.add("erts_internal", "cmp_term", 2, cmp_term_2);
    r.add("erts_debug", "same", 2, |_, a| Ok(Term::bool(a[0] == a[1])));
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
