//! The objects of one table, whatever its type: one interface over the hash storage
//! ([`HashStore`]) and the ordered storage ([`TreeStore`]).

use super::db_hash::{HashShape, HashStore, NoSuchKey};
use super::db_term::DbTerm;
use super::db_tree::TreeStore;
use super::Kind;
use crate::term::Term;

pub enum Store {
    Hash(HashStore),
    Tree(TreeStore),
}

impl Store {
    pub fn new(kind: Kind, keypos: usize, shape: HashShape) -> Store {
        match kind {
            Kind::OrderedSet => Store::Tree(TreeStore::new(keypos)),
            _ => Store::Hash(HashStore::new(kind, keypos, shape)),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Store::Hash(h) => h.len(),
            Store::Tree(t) => t.len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Words OTP's layout of the objects takes (hash: see
    /// [`HashStore::memory_words`]; tree: each object with five words of tree node).
    pub fn memory_words(&self) -> usize {
        match self {
            Store::Hash(h) => h.memory_words(),
            Store::Tree(t) => t.words() + 5 * t.len(),
        }
    }

    pub fn insert(&mut self, obj: Term) {
        match self {
            Store::Hash(h) => h.insert(obj),
            Store::Tree(t) => t.insert(obj),
        }
    }

    /// Replaces, in place, the object whose key equals that of `obj` (set and ordered
    /// set); returns the old object (to be freed outside the table's lock).
    pub fn replace(&mut self, obj: Term) -> Option<DbTerm> {
        match self {
            Store::Hash(h) => h.replace(obj),
            Store::Tree(t) => t.replace(obj),
        }
    }

    pub fn contains_key(&self, key: Term) -> bool {
        match self {
            Store::Hash(h) => h.contains_key(key),
            Store::Tree(t) => t.contains_key(key),
        }
    }

    /// Calls `f` on each object with key `key`, in insertion order.
    pub fn lookup(&self, key: Term, mut f: impl FnMut(&DbTerm)) {
        match self {
            Store::Hash(h) => h.lookup(key).for_each(f),
            Store::Tree(t) => {
                if let Some(o) = t.get(key) {
                    f(o)
                }
            }
        }
    }

    /// The one object with key `key` (set and ordered set).
    pub fn get(&self, key: Term) -> Option<&DbTerm> {
        match self {
            Store::Hash(h) => h.lookup(key).next(),
            Store::Tree(t) => t.get(key),
        }
    }

    /// The one object with key `key`, to change in place (set and ordered set).
    pub fn get_mut(&mut self, key: Term) -> Option<&mut DbTerm> {
        match self {
            Store::Hash(h) => h.get_mut(key),
            Store::Tree(t) => t.get_mut(key),
        }
    }

    /// As [`Store::get_mut`] with `hash` from [`Store::key_hash`] (computed before the
    /// table's lock is taken).
    pub fn get_mut_hashed(&mut self, key: Term, hash: u32) -> Option<&mut DbTerm> {
        match self {
            Store::Hash(h) => h.get_mut_hashed(key, hash),
            Store::Tree(t) => t.get_mut(key),
        }
    }

    /// What [`Store::get_mut_hashed`] needs of key `key` in a table of kind `kind`: its hash
    /// in a hash table (ordered sets do not hash).
    pub fn key_hash(kind: Kind, key: Term) -> u32 {
        match kind {
            Kind::OrderedSet => 0,
            _ => super::db_hash::key_hash(key),
        }
    }

    /// Deletes the objects with key `key`, calling `seen` on each first (in lookup order);
    /// returns those removed from memory (to be freed outside the table's lock).
    pub fn remove_key(&mut self, key: Term, mut seen: impl FnMut(&DbTerm)) -> Vec<DbTerm> {
        match self {
            Store::Hash(h) => h.remove_key(key, seen),
            Store::Tree(t) => {
                let o = t.remove_key(key);
                if let Some(o) = &o {
                    seen(o);
                }
                o.into_iter().collect()
            }
        }
    }

    /// Deletes the objects equal to `obj`; returns those removed from memory.
    pub fn remove_object(&mut self, obj: Term) -> Vec<DbTerm> {
        match self {
            Store::Hash(h) => h.remove_object(obj),
            Store::Tree(t) => t.remove_object(obj),
        }
    }

    /// Deletes every object; returns what is to be freed outside the table's lock.
    pub fn clear(&mut self) -> Box<dyn Send> {
        match self {
            Store::Hash(h) => Box::new(h.clear()),
            Store::Tree(t) => t.clear(),
        }
    }

    /// Records whether the table is fixed (`ets:safe_fixtable/2`); returns the objects
    /// freed when it stops being fixed.
    pub fn set_fixed(&mut self, fixed: bool) -> Vec<DbTerm> {
        match self {
            Store::Hash(h) => h.set_fixed(fixed),
            Store::Tree(_) => Vec::new(),
        }
    }

    pub fn first_key(&self) -> Option<Term> {
        match self {
            Store::Hash(h) => h.first_key(),
            Store::Tree(t) => t.first_key(),
        }
    }
    pub fn last_key(&self) -> Option<Term> {
        match self {
            Store::Hash(h) => h.first_key(),
            Store::Tree(t) => t.last_key(),
        }
    }
    /// The key after `key`; `Err(NoSuchKey)` for a hash table without `key`.
    pub fn next_key(&self, key: Term) -> Result<Option<Term>, NoSuchKey> {
        match self {
            Store::Hash(h) => h.next_key(key),
            Store::Tree(t) => Ok(t.next_key(key)),
        }
    }
    /// The key before `key` (hash tables: as `next_key`).
    pub fn prev_key(&self, key: Term) -> Result<Option<Term>, NoSuchKey> {
        match self {
            Store::Hash(h) => h.next_key(key),
            Store::Tree(t) => Ok(t.prev_key(key)),
        }
    }

    /// Calls `f` on every object, in traversal order.
    pub fn for_each(&self, mut f: impl FnMut(&DbTerm)) {
        match self {
            Store::Hash(h) => h.visit_all(f),
            Store::Tree(t) => {
                t.visit(None, false, |o| {
                    f(o);
                    true
                });
            }
        }
    }

    /// Deletes the objects for which `f` is false; returns how many, and what is to be
    /// freed outside the table's lock.
    pub fn retain(&mut self, f: impl FnMut(&DbTerm) -> bool) -> (usize, Vec<DbTerm>) {
        match self {
            Store::Hash(h) => h.retain(f),
            Store::Tree(t) => t.retain(f),
        }
    }

    /// Replaces objects in traversal order: `f` gives a new object (with an equal key) for
    /// one to replace. Returns how many were replaced.
    pub fn replace_each(&mut self, f: impl FnMut(&DbTerm) -> Option<Term>) -> usize {
        match self {
            Store::Hash(h) => h.replace_each(f),
            Store::Tree(t) => t.replace_each(f),
        }
    }
}
