//! `persistent_term` (OTP's `erl_bif_persistent.c`): a global table of terms that readers get
//! without copying. Stored terms are copied into a global area that is never collected (a
//! replaced or erased term is leaked, so readers that still hold it stay valid).

use super::Registry;
use crate::atom;
use crate::exception::{BifResult, Fail};
use crate::heap::Heap;
use crate::process::Process;
use crate::term::boxed;
use crate::term::compare::exact_eq;
use crate::term::copy;
use crate::term::Term;
use parking_lot::RwLock;
use std::sync::OnceLock;

struct Store {
    heap: Heap,
    entries: Vec<(Term, Term)>,
}

// SAFETY: the store's terms live in its own heap and are only read after publication under
// the lock; the heap is never collected.
unsafe impl Send for Store {}
// SAFETY: as above.
unsafe impl Sync for Store {}

fn store() -> &'static RwLock<Store> {
    static S: OnceLock<RwLock<Store>> = OnceLock::new();
    S.get_or_init(|| {
        RwLock::new(Store {
            heap: Heap::with_capacity(0),
            entries: Vec::new(),
        })
    })
}

pub fn register(r: &mut Registry) {
    r.add("persistent_term", "put", 2, put_2);
    r.add("persistent_term", "get", 1, get_1);
    r.add("persistent_term", "get", 2, get_2);
    r.add("persistent_term", "get", 0, get_0);
    r.add("persistent_term", "erase", 1, erase_1);
    r.add("persistent_term", "info", 0, info_0);
}

fn lookup(key: Term) -> Option<Term> {
    let s = store().read();
    s.entries
        .iter()
        .find(|(k, _)| exact_eq(*k, key))
        .map(|(_, v)| *v)
}

fn put_2(_p: &mut Process, a: &[Term]) -> BifResult {
    let mut s = store().write();
    let k = copy::copy(&mut s.heap, a[0]);
    let v = copy::copy(&mut s.heap, a[1]);
    match s.entries.iter().position(|(key, _)| exact_eq(*key, a[0])) {
        Some(i) => s.entries[i].1 = v,
        None => s.entries.push((k, v)),
    }
    Ok(Term::atom(atom::OK))
}

fn get_1(p: &mut Process, a: &[Term]) -> BifResult {
    lookup(a[0]).ok_or_else(|| {
        let _ = p;
        Fail::badarg()
    })
}

fn get_2(_p: &mut Process, a: &[Term]) -> BifResult {
    Ok(lookup(a[0]).unwrap_or(a[1]))
}

fn get_0(p: &mut Process, _a: &[Term]) -> BifResult {
    let entries = store().read().entries.clone();
    let items: Vec<Term> = entries
        .iter()
        .map(|(k, v)| boxed::tuple(&mut p.heap, &[*k, *v]))
        .collect();
    Ok(boxed::list(&mut p.heap, &items))
}

fn erase_1(_p: &mut Process, a: &[Term]) -> BifResult {
    let mut s = store().write();
    match s.entries.iter().position(|(k, _)| exact_eq(*k, a[0])) {
        Some(i) => {
            s.entries.remove(i);
            Ok(Term::bool(true))
        }
        None => Ok(Term::bool(false)),
    }
}

fn info_0(p: &mut Process, _a: &[Term]) -> BifResult {
    let s = store().read();
    let count = s.entries.len() as i64;
    let words: usize = s
        .entries
        .iter()
        .map(|(k, v)| copy::size_of(*k) + copy::size_of(*v))
        .sum();
    drop(s);
    let c = boxed::tuple(
        &mut p.heap,
        &[Term::atom(atom::atom("count")), Term::small(count)],
    );
    let m = boxed::tuple(
        &mut p.heap,
        &[
            Term::atom(atom::atom("memory")),
            Term::small((words * 8) as i64),
        ],
    );
    Ok(crate::map::from_pairs(
        &mut p.heap,
        &[
            (boxed::tuple_element(c, 0), boxed::tuple_element(c, 1)),
            (boxed::tuple_element(m, 0), boxed::tuple_element(m, 1)),
        ],
    ))
}
