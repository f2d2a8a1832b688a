//! Storage of `set`, `bag` and `duplicate_bag` tables (OTP's `erl_db_hash.c`): a hash table
//! whose buckets are chosen by the top bits of the key's hash and kept sorted by hash, so
//! walking the buckets in order visits objects in ascending hash order. Doubling the table
//! splits each bucket into two neighbours and keeps that order, so a traversal position
//! (`first`/`next`, `select` continuations) stays valid across insertions, deletions and
//! growth between calls. Keys compare with `=:=`; objects with equal keys are kept together
//! in insertion order.

use super::db_term::{key_of, DbTerm};
use super::Kind;
use crate::map::hash::internal_hash;
use crate::term::compare::exact_eq;
use crate::term::Term;
use smallvec::SmallVec;

struct Entry {
    hash: u32,
    /// The key when it is an immediate (compared without touching the object), else `NONE`.
    imm_key: Term,
    obj: DbTerm,
}

impl Entry {
    fn new(hash: u32, obj: DbTerm, keypos: usize) -> Entry {
        let k = obj.key(keypos);
        Entry {
            hash,
            imm_key: if k.is_immediate() { k } else { Term::NONE },
            obj,
        }
    }
    /// Whether the entry's key is exactly `key`.
    #[inline]
    fn has_key(&self, key: Term, keypos: usize) -> bool {
        if self.imm_key != Term::NONE {
            self.imm_key == key
        } else {
            !key.is_immediate() && exact_eq(self.obj.key(keypos), key)
        }
    }
}

type Bucket = SmallVec<[Entry; 1]>;

/// A traversal position: continue with the objects of hash `.0` after the first `.1` of them.
pub type HashPos = (u32, usize);

/// `next` was given a key that is not in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoSuchKey;

const MIN_BITS: u32 = 4;

pub struct HashStore {
    kind: Kind,
    keypos: usize,
    buckets: Vec<Bucket>,
    /// log2 of the number of buckets.
    bits: u32,
    len: usize,
    words: usize,
}

#[inline]
fn hash(key: Term) -> u32 {
    internal_hash(key, 0)
}

/// The hash that places key `key` in a hash table.
#[inline]
pub fn key_hash(key: Term) -> u32 {
    hash(key)
}

fn empty_buckets(bits: u32) -> Vec<Bucket> {
    (0..1usize << bits).map(|_| SmallVec::new()).collect()
}

impl HashStore {
    pub fn new(kind: Kind, keypos: usize) -> HashStore {
        HashStore {
            kind,
            keypos,
            buckets: empty_buckets(MIN_BITS),
            bits: MIN_BITS,
            len: 0,
            words: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    pub fn words(&self) -> usize {
        self.words
    }

    #[inline]
    fn index(&self, h: u32) -> usize {
        (h as u64 >> (32 - self.bits)) as usize
    }

    /// Doubles the number of buckets, splitting each in two (order is kept).
    fn grow(&mut self) {
        let bits = self.bits + 1;
        let mut new = empty_buckets(bits);
        for b in std::mem::take(&mut self.buckets) {
            for e in b {
                let i = (e.hash as u64 >> (32 - bits)) as usize;
                new[i].push(e);
            }
        }
        self.buckets = new;
        self.bits = bits;
    }

    /// Inserts the tuple `obj` (set: replaces an object with an equal key; bag: skips an
    /// object equal to one stored; duplicate bag: always adds).
    pub fn insert(&mut self, obj: Term) {
        let key = key_of(obj, self.keypos);
        let h = hash(key);
        let keypos = self.keypos;
        let kind = self.kind;
        let i = self.index(h);
        let b = &mut self.buckets[i];
        // Where the run of this hash starts and ends.
        let start = b.iter().position(|e| e.hash >= h).unwrap_or(b.len());
        let end = start + b[start..].iter().take_while(|e| e.hash == h).count();
        let mut at = end;
        match kind {
            Kind::Set | Kind::OrderedSet => {
                if let Some(e) = b[start..end].iter_mut().find(|e| e.has_key(key, keypos)) {
                    let new = DbTerm::new(obj);
                    self.words = self.words + new.words() - e.obj.words();
                    e.obj = new;
                    return;
                }
            }
            Kind::Bag | Kind::DuplicateBag => {
                if kind == Kind::Bag && b[start..end].iter().any(|e| exact_eq(e.obj.term(), obj)) {
                    return;
                }
                // After the last object with this key, so equal keys stay together.
                if let Some(last) = b[start..end].iter().rposition(|e| e.has_key(key, keypos)) {
                    at = start + last + 1;
                }
            }
        }
        let new = DbTerm::new(obj);
        self.words += new.words();
        b.insert(at, Entry::new(h, new, keypos));
        self.len += 1;
        if self.len > self.buckets.len() {
            self.grow();
        }
    }

    /// The entries of hash `h`.
    fn run(&self, h: u32) -> &[Entry] {
        let b = &self.buckets[self.index(h)];
        let start = b.iter().position(|e| e.hash >= h).unwrap_or(b.len());
        let n = b[start..].iter().take_while(|e| e.hash == h).count();
        &b[start..start + n]
    }

    pub fn contains_key(&self, key: Term) -> bool {
        let keypos = self.keypos;
        self.run(hash(key)).iter().any(|e| e.has_key(key, keypos))
    }

    /// The objects with key `key`, in insertion order.
    pub fn lookup(&self, key: Term) -> impl Iterator<Item = &DbTerm> {
        let keypos = self.keypos;
        self.run(hash(key))
            .iter()
            .filter(move |e| e.has_key(key, keypos))
            .map(|e| &e.obj)
    }

    /// The first object with key `key`, to change in place.
    pub fn get_mut(&mut self, key: Term) -> Option<&mut DbTerm> {
        self.get_mut_hashed(key, hash(key))
    }

    /// As [`HashStore::get_mut`], with the key's hash ([`key_hash`]) computed beforehand
    /// (outside the table's lock).
    pub fn get_mut_hashed(&mut self, key: Term, h: u32) -> Option<&mut DbTerm> {
        let keypos = self.keypos;
        let i = self.index(h);
        self.buckets[i]
            .iter_mut()
            .find(|e| e.hash == h && e.has_key(key, keypos))
            .map(|e| &mut e.obj)
    }

    /// Replaces the object with the key of `obj` (set tables) by `obj`.
    pub fn replace(&mut self, obj: Term) {
        let key = key_of(obj, self.keypos);
        let h = hash(key);
        let keypos = self.keypos;
        let i = self.index(h);
        if let Some(e) = self.buckets[i]
            .iter_mut()
            .find(|e| e.hash == h && e.has_key(key, keypos))
        {
            let new = DbTerm::new(obj);
            let (nw, ow) = (new.words(), e.obj.words());
            e.obj = new;
            self.words = self.words + nw - ow;
        }
    }

    fn remove_where(&mut self, h: u32, mut gone: impl FnMut(&DbTerm) -> bool) -> Vec<DbTerm> {
        let i = self.index(h);
        let b = &mut self.buckets[i];
        let mut out = Vec::new();
        let mut j = 0;
        while j < b.len() {
            if b[j].hash == h && gone(&b[j].obj) {
                out.push(b.remove(j).obj);
            } else {
                j += 1;
            }
        }
        self.len -= out.len();
        self.words -= out.iter().map(|o| o.words()).sum::<usize>();
        out
    }

    /// Removes and returns the objects with key `key`.
    pub fn remove_key(&mut self, key: Term) -> Vec<DbTerm> {
        let keypos = self.keypos;
        self.remove_where(hash(key), |o| exact_eq(o.key(keypos), key))
    }

    /// Removes the objects equal to `obj`; returns how many.
    pub fn remove_object(&mut self, obj: Term) -> usize {
        let h = hash(key_of(obj, self.keypos));
        self.remove_where(h, |o| exact_eq(o.term(), obj)).len()
    }

    pub fn clear(&mut self) {
        self.buckets = empty_buckets(MIN_BITS);
        self.bits = MIN_BITS;
        self.len = 0;
        self.words = 0;
    }

    /// The entries from position `from` on, in traversal order, with each one's position
    /// after it.
    fn entries_from(&self, from: Option<HashPos>) -> impl Iterator<Item = (&Entry, HashPos)> {
        let (h0, skip0) = from.unwrap_or((0, 0));
        let first = if from.is_some() { self.index(h0) } else { 0 };
        let mut seen_h = u32::MAX;
        let mut nth = 0usize;
        self.buckets[first..]
            .iter()
            .flat_map(|b| b.iter())
            .filter_map(move |e| {
                if e.hash == seen_h {
                    nth += 1;
                } else {
                    seen_h = e.hash;
                    nth = 0;
                }
                if from.is_some() && (e.hash < h0 || (e.hash == h0 && nth < skip0)) {
                    return None;
                }
                Some((e, (e.hash, nth + 1)))
            })
    }

    /// The first key in traversal order.
    pub fn first_key(&self) -> Option<Term> {
        self.entries_from(None)
            .next()
            .map(|(e, _)| e.obj.key(self.keypos))
    }

    /// The key after `key` in traversal order: `Err(())` when `key` is not in the table and
    /// `lenient` is false (a fixed table continues after the hash of a deleted key).
    pub fn next_key(&self, key: Term, lenient: bool) -> Result<Option<Term>, NoSuchKey> {
        let h = hash(key);
        let keypos = self.keypos;
        let run = self.run(h);
        let pos = match run.iter().rposition(|e| e.has_key(key, keypos)) {
            Some(last) => (h, last + 1),
            None if lenient => (h, usize::MAX),
            None => return Err(NoSuchKey),
        };
        Ok(self
            .entries_from(Some(pos))
            .next()
            .map(|(e, _)| e.obj.key(keypos)))
    }

    /// Visits the objects from position `from` on, in traversal order, until `f` returns
    /// false; returns the position after the last object visited (`None` at the end).
    pub fn visit(
        &self,
        from: Option<HashPos>,
        mut f: impl FnMut(&DbTerm) -> bool,
    ) -> Option<HashPos> {
        // Objects live in blocks of their own: the objects of the bucket a few places ahead
        // are asked to be loaded before the walk reaches them.
        const AHEAD: usize = 8;
        let (h0, skip0) = from.unwrap_or((0, 0));
        let first = if from.is_some() { self.index(h0) } else { 0 };
        let n = self.buckets.len();
        for b in &self.buckets[first..(first + AHEAD).min(n)] {
            b.iter().for_each(|e| e.obj.prefetch());
        }
        for i in first..n {
            if let Some(b) = self.buckets.get(i + AHEAD) {
                b.iter().for_each(|e| e.obj.prefetch());
            }
            // Objects with equal hashes sit together; `nth` counts them for the position.
            let mut prev_hash = None;
            let mut nth = 0;
            for e in self.buckets[i].iter() {
                if prev_hash == Some(e.hash) {
                    nth += 1;
                } else {
                    prev_hash = Some(e.hash);
                    nth = 1;
                }
                if from.is_some() && (e.hash < h0 || (e.hash == h0 && nth <= skip0)) {
                    continue;
                }
                if !f(&e.obj) {
                    return Some((e.hash, nth));
                }
            }
        }
        None
    }

    /// Keeps only the objects for which `f` is true; returns how many were removed.
    pub fn retain(&mut self, mut f: impl FnMut(&DbTerm) -> bool) -> usize {
        let mut removed = 0;
        let mut freed = 0;
        for b in self.buckets.iter_mut() {
            b.retain(|e| {
                let keep = f(&e.obj);
                if !keep {
                    removed += 1;
                    freed += e.obj.words();
                }
                keep
            });
        }
        self.len -= removed;
        self.words -= freed;
        removed
    }

    /// Replaces objects in traversal order: `f` gives a new object (same key) for one to
    /// replace.
    pub fn replace_each(&mut self, mut f: impl FnMut(&DbTerm) -> Option<Term>) -> usize {
        let mut n = 0;
        let mut words = self.words;
        for b in self.buckets.iter_mut() {
            for e in b.iter_mut() {
                if let Some(new) = f(&e.obj) {
                    let new = DbTerm::new(new);
                    words = words + new.words() - e.obj.words();
                    e.obj = new;
                    n += 1;
                }
            }
        }
        self.words = words;
        n
    }

    /// The objects of bucket number `i` (`ets:slot/2`); `None` past the last bucket.
    pub fn slot(&self, i: usize) -> Option<Vec<&DbTerm>> {
        self.buckets
            .get(i)
            .map(|b| b.iter().map(|e| &e.obj).collect())
    }

    /// Number of buckets.
    pub fn slots(&self) -> usize {
        self.buckets.len()
    }
}
