//! Storage of `ordered_set` tables (OTP's `erl_db_tree.c`): objects in a B-tree ordered by
//! key in Erlang term order, where keys compare with `==` (so `1` and `1.0` are one key).
//!
//! The map's key points into its object's own heap. When an object is replaced by one with an
//! equal key, the key word is swapped to the new object's key (an atomic word, so the tree
//! stays `Sync` without locks of its own), because the old object's heap is freed.

use super::db_term::{key_of, DbTerm};
use crate::term::compare::compare;
use crate::term::Term;
use std::cmp::Ordering as CmpOrdering;
use std::collections::btree_map::Entry;
use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::atomic::{AtomicU64, Ordering};

/// A key in the tree: a term word (pointing into the object it belongs to, or into the
/// caller's heap for a probe).
pub struct TreeKey(AtomicU64);

impl TreeKey {
    #[inline]
    pub fn new(t: Term) -> TreeKey {
        TreeKey(AtomicU64::new(t.raw()))
    }
    #[inline]
    pub fn term(&self) -> Term {
        Term(self.0.load(Ordering::Relaxed))
    }
    fn set(&self, t: Term) {
        self.0.store(t.raw(), Ordering::Relaxed)
    }
}

impl PartialEq for TreeKey {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == CmpOrdering::Equal
    }
}
impl Eq for TreeKey {}
impl PartialOrd for TreeKey {
    fn partial_cmp(&self, o: &Self) -> Option<CmpOrdering> {
        Some(self.cmp(o))
    }
}
impl Ord for TreeKey {
    fn cmp(&self, o: &Self) -> CmpOrdering {
        let (a, b) = (self.term(), o.term());
        if a == b {
            return CmpOrdering::Equal;
        }
        if let (Some(x), Some(y)) = (a.as_small(), b.as_small()) {
            return x.cmp(&y);
        }
        compare(a, b, false)
    }
}

pub struct TreeStore {
    keypos: usize,
    map: BTreeMap<TreeKey, DbTerm>,
    words: usize,
}

impl TreeStore {
    pub fn new(keypos: usize) -> TreeStore {
        TreeStore {
            keypos,
            map: BTreeMap::new(),
            words: 0,
        }
    }
    pub fn len(&self) -> usize {
        self.map.len()
    }
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
    pub fn words(&self) -> usize {
        self.words
    }

    /// Inserts the tuple `obj`, replacing an object with an equal key.
    pub fn insert(&mut self, obj: Term) {
        drop(self.put(obj));
    }

    /// Inserts `obj`; returns the object with an equal key that it replaced.
    fn put(&mut self, obj: Term) -> Option<DbTerm> {
        let new = DbTerm::new(obj);
        let key = new.key(self.keypos);
        self.words += new.otp_words();
        match self.map.entry(TreeKey::new(key)) {
            Entry::Occupied(mut e) => {
                // Point the tree's key at the new object before the old one is freed.
                e.key().set(key);
                let old = e.insert(new);
                self.words -= old.otp_words();
                Some(old)
            }
            Entry::Vacant(e) => {
                e.insert(new);
                None
            }
        }
    }

    /// Replaces the object with the key of `obj` (which must exist) by `obj`; returns the
    /// old object.
    pub fn replace(&mut self, obj: Term) -> Option<DbTerm> {
        self.put(obj)
    }

    pub fn contains_key(&self, key: Term) -> bool {
        self.map.contains_key(&TreeKey::new(key))
    }

    pub fn get(&self, key: Term) -> Option<&DbTerm> {
        self.map.get(&TreeKey::new(key))
    }

    pub fn get_mut(&mut self, key: Term) -> Option<&mut DbTerm> {
        self.map.get_mut(&TreeKey::new(key))
    }

    pub fn remove_key(&mut self, key: Term) -> Option<DbTerm> {
        let o = self.map.remove(&TreeKey::new(key))?;
        self.words -= o.otp_words();
        Some(o)
    }

    /// Removes the object equal to `obj` (exactly); returns it.
    pub fn remove_object(&mut self, obj: Term) -> Vec<DbTerm> {
        let key = key_of(obj, self.keypos);
        match self.map.get(&TreeKey::new(key)) {
            Some(o) if crate::term::compare::exact_eq(o.term(), obj) => {
                self.remove_key(key).into_iter().collect()
            }
            _ => Vec::new(),
        }
    }

    /// Removes every object; returns them (to be freed outside the table's lock).
    pub fn clear(&mut self) -> Box<dyn Send> {
        self.words = 0;
        Box::new(std::mem::take(&mut self.map))
    }

    pub fn first_key(&self) -> Option<Term> {
        self.map.keys().next().map(|k| k.term())
    }
    pub fn last_key(&self) -> Option<Term> {
        self.map.keys().next_back().map(|k| k.term())
    }
    /// The smallest key greater than `key` (which need not be in the table).
    pub fn next_key(&self, key: Term) -> Option<Term> {
        self.map
            .range((Bound::Excluded(TreeKey::new(key)), Bound::Unbounded))
            .next()
            .map(|(k, _)| k.term())
    }
    /// The greatest key less than `key`.
    pub fn prev_key(&self, key: Term) -> Option<Term> {
        self.map
            .range((Bound::Unbounded, Bound::Excluded(TreeKey::new(key))))
            .next_back()
            .map(|(k, _)| k.term())
    }

    /// Visits objects in key order (descending when `reverse`) starting after key `after`
    /// (or from the start), until `f` returns false; returns the key of the last object
    /// visited when stopped early.
    pub fn visit(
        &self,
        after: Option<Term>,
        reverse: bool,
        mut f: impl FnMut(&DbTerm) -> bool,
    ) -> Option<Term> {
        let range = match (after, reverse) {
            (None, _) => self.map.range::<TreeKey, _>(..),
            (Some(k), false) => self
                .map
                .range((Bound::Excluded(TreeKey::new(k)), Bound::Unbounded)),
            (Some(k), true) => self
                .map
                .range((Bound::Unbounded, Bound::Excluded(TreeKey::new(k)))),
        };
        // A second cursor a few objects ahead asks for their blocks to be loaded early.
        const AHEAD: usize = 4;
        if reverse {
            let mut ahead = range.clone().rev().map(|(_, o)| o);
            for o in ahead.by_ref().take(AHEAD) {
                o.prefetch();
            }
            for (k, o) in range.rev() {
                if let Some(a) = ahead.next() {
                    a.prefetch();
                }
                if !f(o) {
                    return Some(k.term());
                }
            }
        } else {
            let mut ahead = range.clone().map(|(_, o)| o);
            for o in ahead.by_ref().take(AHEAD) {
                o.prefetch();
            }
            for (k, o) in range {
                if let Some(a) = ahead.next() {
                    a.prefetch();
                }
                if !f(o) {
                    return Some(k.term());
                }
            }
        }
        None
    }

    /// Keeps the objects for which `f` is true; returns how many were removed.
    pub fn retain(&mut self, mut f: impl FnMut(&DbTerm) -> bool) -> (usize, Vec<DbTerm>) {
        let before = self.map.len();
        let mut freed = 0;
        self.map.retain(|_, o| {
            let keep = f(o);
            if !keep {
                freed += o.otp_words();
            }
            keep
        });
        self.words -= freed;
        (before - self.map.len(), Vec::new())
    }

    /// Replaces objects in key order: `f` gives a new object (with an equal key) for one to
    /// replace.
    pub fn replace_each(&mut self, mut f: impl FnMut(&DbTerm) -> Option<Term>) -> usize {
        let mut n = 0;
        let keypos = self.keypos;
        let mut words = self.words;
        for (k, o) in self.map.iter_mut() {
            if let Some(new) = f(o) {
                let new = DbTerm::new(new);
                k.set(new.key(keypos));
                words = words + new.otp_words() - o.otp_words();
                *o = new;
                n += 1;
            }
        }
        self.words = words;
        n
    }

    /// The `i`-th object in key order.
    pub fn nth(&self, i: usize) -> Option<&DbTerm> {
        self.map.values().nth(i)
    }
}
