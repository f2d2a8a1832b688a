//! `persistent_term` (OTP's `erl_bif_persistent.c`): a global table of terms that readers get
//! without copying and without ever blocking.
//!
//! The table is an immutable snapshot behind an atomic pointer: `get` reads the current
//! snapshot under an epoch guard (no lock); `put` and `erase` (serialised among themselves)
//! build a new snapshot, publish it, and retire the old one once no reader can still be
//! looking at it. Stored terms live in areas that are never collected while the instance lives: a replaced or erased
//! term stays valid, because processes may hold it without a copy (OTP instead copies it into
//! them at their next GC).

use super::Registry;
use crate::atom;
use crate::exception::{BifResult, Fail};
use crate::heap::Heap;
use crate::map::hash::internal_hash;
use crate::process::Process;
use crate::term::boxed;
use crate::term::compare::exact_eq;
use crate::term::copy;
use crate::term::Term;
use crossbeam_epoch::{self as epoch, Atomic, Owned};
use parking_lot::Mutex;

use std::sync::atomic::Ordering;

/// One version of the table: key hash → (key, value) pairs.
#[derive(Clone, Default)]
struct Snapshot {
    by_hash: crate::id_hash::IdHashMap<u32, Vec<(Term, Term)>>,
    count: usize,
    words: usize,
}

// SAFETY: the terms point into areas that are never changed and freed only with the instance.
unsafe impl Send for Snapshot {}
// SAFETY: as above; a snapshot is immutable once published.
unsafe impl Sync for Snapshot {}

impl Snapshot {
    fn get(&self, key: Term) -> Option<Term> {
        self.by_hash
            .get(&internal_hash(key, 0))?
            .iter()
            .find(|(k, _)| exact_eq(*k, key))
            .map(|(_, v)| *v)
    }
}

struct Table {
    current: Atomic<Snapshot>,
    /// Serialises writers.
    writer: Mutex<()>,
}

impl Drop for Table {
    fn drop(&mut self) {
        // SAFETY: the instance is gone (its threads are joined), so no reader holds the
        // snapshot; it was made by `Owned::new`.
        let guard = unsafe { epoch::unprotected() };
        let cur = self
            .current
            .swap(epoch::Shared::null(), Ordering::AcqRel, guard);
        if !cur.is_null() {
            // SAFETY: as above: nothing else refers to it.
            drop(unsafe { cur.into_owned() });
        }
    }
}

fn table() -> &'static Table {
    static T: crate::instance::InstanceLocal<Table> = crate::instance::InstanceLocal::new();
    T.get_or_init(|| Table {
        current: Atomic::new(Snapshot::default()),
        writer: Mutex::new(()),
    })
}

pub fn register(r: &mut Registry) {
    r.add("persistent_term", "put", 2, put_2);
    r.add("persistent_term", "get", 1, get_1);
    r.add("persistent_term", "get", 2, get_2);
    r.add("persistent_term", "get", 0, get_0);
    r.add("persistent_term", "erase", 1, erase_1);
    r.add("persistent_term", "info", 0, info_0);
    // `init:restart/0` forgets every persistent term.
    r.add("erts_internal", "erase_persistent_terms", 0, |_, _| {
        update(|s| {
            *s = Snapshot::default();
            true
        });
        Ok(Term::bool(true))
    });
}

/// Calls `f` on the current snapshot.
fn with_snapshot<R>(f: impl FnOnce(&Snapshot) -> R) -> R {
    let guard = epoch::pin();
    let snap = table().current.load(Ordering::Acquire, &guard);
    // SAFETY: the pointer is never null (the table starts with an empty snapshot) and a
    // retired snapshot is destroyed only after every guard pinned before its retirement
    // (this one included) is dropped.
    f(unsafe { snap.deref() })
}

/// Replaces the snapshot by `change(copy of current)`.
fn update(change: impl FnOnce(&mut Snapshot) -> bool) -> bool {
    let t = table();
    let _w = t.writer.lock();
    let guard = epoch::pin();
    let cur = t.current.load(Ordering::Acquire, &guard);
    // SAFETY: as in `with_snapshot`; writers are serialised by `writer`.
    let mut next = unsafe { cur.deref() }.clone();
    if !change(&mut next) {
        return false;
    }
    let old = t.current.swap(Owned::new(next), Ordering::AcqRel, &guard);
    // SAFETY: `old` is no longer reachable from the table; readers that loaded it hold guards
    // pinned before this point, so destruction waits for them.
    unsafe { guard.defer_destroy(old) };
    true
}

fn lookup(key: Term) -> Option<Term> {
    with_snapshot(|s| s.get(key))
}

fn put_2(_p: &mut Process, a: &[Term]) -> BifResult {
    let (key, value) = (a[0], a[1]);
    // An identical put changes nothing (and, as in OTP, costs no new snapshot).
    if lookup(key).is_some_and(|v| exact_eq(v, value)) {
        return Ok(Term::atom(atom::OK));
    }
    let words = copy::size_of(key) + copy::size_of(value);
    // The stored copy's area lives as long as the instance (see the module documentation).
    let mut area = Heap::with_capacity(words);
    let k = copy::copy(&mut area, key);
    let v = copy::copy(&mut area, value);
    // Moving the heap keeps its blocks where they are.
    crate::instance::leak(area);
    update(|s| {
        let bucket = s.by_hash.entry(internal_hash(k, 0)).or_default();
        match bucket.iter_mut().find(|(old, _)| exact_eq(*old, k)) {
            Some(e) => {
                s.words -= copy::size_of(e.0) + copy::size_of(e.1);
                e.1 = v;
            }
            None => {
                bucket.push((k, v));
                s.count += 1;
            }
        }
        s.words += words;
        true
    });
    Ok(Term::atom(atom::OK))
}

fn get_1(_p: &mut Process, a: &[Term]) -> BifResult {
    lookup(a[0]).ok_or_else(Fail::badarg)
}

fn get_2(_p: &mut Process, a: &[Term]) -> BifResult {
    Ok(lookup(a[0]).unwrap_or(a[1]))
}

fn get_0(p: &mut Process, _a: &[Term]) -> BifResult {
    let pairs: Vec<(Term, Term)> =
        with_snapshot(|s| s.by_hash.values().flatten().copied().collect());
    let items: Vec<Term> = pairs
        .iter()
        .map(|(k, v)| boxed::tuple(&mut p.heap, &[*k, *v]))
        .collect();
    Ok(boxed::list(&mut p.heap, &items))
}

fn erase_1(_p: &mut Process, a: &[Term]) -> BifResult {
    let key = a[0];
    let erased = update(|s| {
        let h = internal_hash(key, 0);
        let Some(bucket) = s.by_hash.get_mut(&h) else {
            return false;
        };
        let Some(i) = bucket.iter().position(|(k, _)| exact_eq(*k, key)) else {
            return false;
        };
        let (k, v) = bucket.remove(i);
        if bucket.is_empty() {
            s.by_hash.remove(&h);
        }
        s.count -= 1;
        s.words -= copy::size_of(k) + copy::size_of(v);
        true
    });
    Ok(Term::bool(erased))
}

fn info_0(p: &mut Process, _a: &[Term]) -> BifResult {
    let (count, words) = with_snapshot(|s| (s.count, s.words));
    Ok(crate::map::from_pairs(
        &mut p.heap,
        &[
            (Term::atom(atom::atom("count")), Term::small(count as i64)),
            (
                Term::atom(atom::atom("memory")),
                Term::small((words * 8) as i64),
            ),
        ],
    ))
}
