//! Storage of `set`, `bag` and `duplicate_bag` tables, laid out as OTP's `erl_db_hash.c` lays
//! them out so that every traversal (`first`/`next`, `tab2list`, `select`, `slot`) visits
//! objects in the order the real BEAM does.
//!
//! It is a linear hash table. A key's hash is OTP's: the atom table's text hash for an atom,
//! `make_internal_hash(Key, 0)` for anything else. The table starts with 256 buckets
//! (`nactive`) and a size mask `szm`; bucket `hash & szm`, or `hash & (szm >> 1)` when that is
//! not active yet. When the number of objects exceeds the number of buckets, one bucket is
//! split into a new one at the end (up to five per insertion); when it falls under the
//! shrink limit (only once the table has grown past two extra 2048-bucket segments), the
//! last bucket is joined into its partner.
//!
//! A bucket is a chain. A new key is appended at the chain's tail; another object of a key
//! already present (`bag`, `duplicate_bag`) goes in front of that key's first object, so a
//! key's objects are newest first in the chain and `lookup` (which conses them) gives them
//! in insertion order. Each bucket here stores its chain reversed (the chain's head last),
//! which makes that common case a push.
//!
//! Traversal visits buckets `0, 1, 2, ...`; a table with fine-grained locking (public or
//! protected with `write_concurrency` and more than one scheduler) visits them by lock
//! stripe instead: `0, 64, 128, ..., 1, 65, ...`. Such a table with decentralized counters
//! decides growth from the count of its stripe times 64, as OTP does.
//!
//! While a table is fixed (`ets:safe_fixtable/2`) it neither grows nor shrinks, and a
//! deleted key's first object stays in place marked deleted, so that `next/2` from a deleted
//! key still works; unfixing removes the marked objects.

use super::db_term::{key_of, DbTerm};
use super::Kind;
use crate::map::hash::internal_hash;
use crate::term::compare::exact_eq;
use crate::term::Term;
use smallvec::SmallVec;

/// Buckets of a new table (OTP's first segment).
const FIRST_SEGSZ: usize = 256;
/// Buckets added by each further segment.
const EXT_SEGSZ: usize = 2048;
/// Lock stripes of a fine-locked table.
const LOCK_CNT: usize = 64;
/// Most buckets split or joined by one operation.
const MAX_RESIZE_STEPS: usize = 5;

/// An object in a bucket: two words, so that a bucket of two fits in a cache line. The key
/// is read from the object only when the hashes are equal (almost always: the key sought).
struct Entry {
    hash: u32,
    /// Deleted while the table was fixed: kept in place until the table is unfixed.
    dead: bool,
    obj: DbTerm,
}

impl Entry {
    fn new(hash: u32, obj: DbTerm) -> Entry {
        Entry {
            hash,
            dead: false,
            obj,
        }
    }
    /// Whether the entry (live or not) has key `key` of hash `h`.
    #[inline]
    fn has_key(&self, key: Term, h: u32, keypos: usize) -> bool {
        if self.hash != h {
            return false;
        }
        let k = self.obj.key(keypos);
        k == key || (!key.is_immediate() && exact_eq(k, key))
    }
    #[inline]
    fn has_live_key(&self, key: Term, h: u32, keypos: usize) -> bool {
        !self.dead && self.has_key(key, h, keypos)
    }
}

/// A bucket's chain, stored tail first (the chain's head is the last element). Buckets
/// hold one object on average; two fit without an allocation of their own.
type Bucket = SmallVec<[Entry; 2]>;

/// `next` was given a key that is not in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoSuchKey;

/// How a table is locked in OTP, which decides its traversal order and growth.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HashShape {
    /// Fine-grained locking: traversal goes by lock stripe.
    pub fine_locked: bool,
    /// Growth and shrinking go by per-stripe counts (only with fine locking).
    pub decentralized: bool,
}

pub struct HashStore {
    kind: Kind,
    keypos: usize,
    shape: HashShape,
    /// The active buckets (`nactive` of them).
    buckets: Vec<Bucket>,
    /// Size mask.
    szm: usize,
    /// Buckets allocated (whole segments), which sets the shrink limit.
    nslots: usize,
    /// Live objects per lock stripe (decentralized counters only).
    stripe_items: Vec<isize>,
    fixed: bool,
    /// Live objects.
    len: usize,
    /// Objects marked deleted.
    dead: usize,
    words: usize,
}

/// The hash that places key `key` in a hash table (OTP's `MAKE_HASH`).
#[inline]
pub fn key_hash(key: Term) -> u32 {
    match key.as_atom() {
        Some(a) => crate::atom::text_hash(a.name()),
        None => internal_hash(key, 0),
    }
}

fn first_segment() -> Vec<Bucket> {
    (0..FIRST_SEGSZ).map(|_| SmallVec::new()).collect()
}

impl HashStore {
    pub fn new(kind: Kind, keypos: usize, shape: HashShape) -> HashStore {
        let shape = HashShape {
            fine_locked: shape.fine_locked,
            decentralized: shape.fine_locked && shape.decentralized,
        };
        HashStore {
            kind,
            keypos,
            shape,
            buckets: first_segment(),
            szm: FIRST_SEGSZ - 1,
            nslots: FIRST_SEGSZ,
            stripe_items: if shape.decentralized {
                vec![0; LOCK_CNT]
            } else {
                Vec::new()
            },
            fixed: false,
            len: 0,
            dead: 0,
            words: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Words OTP's layout of this storage takes, for `ets:info(T, memory)`: the objects
    /// with their four-word chain links (objects marked deleted included, with a record
    /// each), the bucket
    /// segments beyond the first, and the tables of segments (one for 256 segments, then
    /// 128 more in each next one, the old ones kept).
    pub fn memory_words(&self) -> usize {
        // A deletion while fixed also keeps a two-word record of its bucket.
        let objects = self.words + 4 * (self.len + self.dead) + 2 * self.dead;
        let extra = self.nslots - FIRST_SEGSZ;
        let segments = 1 + extra / EXT_SEGSZ;
        let (mut cap, mut tables) = (1, 0);
        while segments > cap {
            cap = if cap == 1 { 256 } else { cap + 128 };
            tables += 6 + cap;
        }
        objects + extra + tables
    }

    #[inline]
    fn index(&self, h: u32) -> usize {
        let ix = h as usize & self.szm;
        if ix >= self.buckets.len() {
            ix & (self.szm >> 1)
        } else {
            ix
        }
    }

    /// The bucket visited after bucket `ix`, `None` after the last.
    #[inline]
    fn next_slot(&self, ix: usize) -> Option<usize> {
        let stride = if self.shape.fine_locked { LOCK_CNT } else { 1 };
        let next = ix + stride;
        if next < self.buckets.len() {
            return Some(next);
        }
        let wrapped = (next + 1) & (stride - 1);
        (wrapped != 0).then_some(wrapped)
    }

    /// Adds `d` to the live count (and to the stripe count of hash `h`).
    fn count(&mut self, h: u32, d: isize) {
        self.len = (self.len as isize + d) as usize;
        if self.shape.decentralized {
            self.stripe_items[h as usize & (LOCK_CNT - 1)] += d;
        }
    }

    /// The object count that growth and shrinking go by after a change at hash `h`.
    fn estimate(&self, h: u32) -> usize {
        if self.shape.decentralized {
            let n = self.stripe_items[h as usize & (LOCK_CNT - 1)];
            LOCK_CNT * n.max(1) as usize
        } else {
            self.len
        }
    }

    /// Fewer objects than this make the table shrink: none until it has two extra
    /// segments (and, with decentralized counters, enough buckets for a fair estimate).
    fn shrink_limit(&self) -> usize {
        let sample_ok = !self.shape.decentralized || self.nslots >= 100 * LOCK_CNT;
        if sample_ok && self.nslots >= FIRST_SEGSZ + 2 * EXT_SEGSZ {
            (self.nslots - EXT_SEGSZ) / 2
        } else {
            0
        }
    }

    /// Splits buckets while there are more than `nitems` of them (at most five).
    fn grow(&mut self, nitems: usize) {
        for _ in 0..MAX_RESIZE_STEPS {
            let nactive = self.buckets.len();
            if nitems <= nactive {
                return;
            }
            if nactive == self.nslots {
                self.nslots += EXT_SEGSZ;
            }
            let (from, szm) = if nactive <= self.szm {
                (nactive & (self.szm >> 1), self.szm)
            } else {
                (0, (self.szm << 1) | 1)
            };
            self.szm = szm;
            let old = std::mem::take(&mut self.buckets[from]);
            let (stay, go): (Bucket, Bucket) =
                old.into_iter().partition(|e| e.hash as usize & szm == from);
            self.buckets[from] = stay;
            self.buckets.push(go);
        }
    }

    /// Joins the last bucket into its partner while `nitems` is under the shrink limit (at
    /// most five).
    fn shrink(&mut self, nitems: usize) {
        for _ in 0..MAX_RESIZE_STEPS {
            if nitems >= self.shrink_limit() {
                return;
            }
            let src_ix = self.buckets.len() - 1;
            let low = self.szm >> 1;
            let dst = src_ix & low;
            let src = self.buckets.pop().expect("a table has buckets");
            if dst == 0 {
                self.szm = low;
            }
            if self.nslots - src_ix >= EXT_SEGSZ {
                self.nslots -= EXT_SEGSZ;
            }
            // The joined chain is the source chain followed by the destination chain.
            self.buckets[dst].extend(src);
        }
    }

    fn after_insert(&mut self, h: u32) {
        let n = self.estimate(h);
        if !self.fixed && n > self.buckets.len() {
            self.grow(n);
        }
    }

    fn after_remove(&mut self, h: u32) {
        let n = self.estimate(h);
        if !self.fixed && n < self.shrink_limit() {
            self.shrink(n);
        }
    }

    /// Inserts the tuple `obj` (set: replaces the object with an equal key; bag: skips an
    /// object equal to one stored; duplicate bag: always adds).
    pub fn insert(&mut self, obj: Term) {
        let keypos = self.keypos;
        let key = key_of(obj, keypos);
        let h = key_hash(key);
        let ix = self.index(h);
        let b = &mut self.buckets[ix];
        // The key's first object in chain order is the last one stored.
        let found = b.iter().rposition(|e| e.has_key(key, h, keypos));
        let at = match (self.kind, found) {
            (Kind::Set | Kind::OrderedSet, Some(i)) => {
                let e = &mut b[i];
                let new = DbTerm::new(obj);
                self.words = self.words + new.otp_words() - e.obj.otp_words();
                e.obj = new;
                if e.dead {
                    e.dead = false;
                    self.dead -= 1;
                    self.count(h, 1);
                }
                return;
            }
            (Kind::Bag, Some(i)) => {
                let mut j = i;
                loop {
                    if exact_eq(b[j].obj.term(), obj) {
                        if b[j].dead {
                            // Revived objects move to the front of their key's run.
                            b[j].dead = false;
                            let e = b.remove(j);
                            b.insert(i, e);
                            self.dead -= 1;
                            self.count(h, 1);
                        }
                        return;
                    }
                    if j == 0 || !b[j - 1].has_key(key, h, keypos) {
                        break;
                    }
                    j -= 1;
                }
                i + 1
            }
            (Kind::DuplicateBag, Some(i)) => i + 1,
            (_, None) => 0,
        };
        let new = DbTerm::new(obj);
        self.words += new.otp_words();
        b.insert(at, Entry::new(h, new));
        self.count(h, 1);
        self.after_insert(h);
    }

    pub fn contains_key(&self, key: Term) -> bool {
        let h = key_hash(key);
        let keypos = self.keypos;
        self.buckets[self.index(h)]
            .iter()
            .any(|e| e.has_live_key(key, h, keypos))
    }

    /// The objects with key `key`, in insertion order.
    pub fn lookup(&self, key: Term) -> impl Iterator<Item = &DbTerm> {
        let h = key_hash(key);
        let keypos = self.keypos;
        self.buckets[self.index(h)]
            .iter()
            .filter(move |e| e.has_live_key(key, h, keypos))
            .map(|e| &e.obj)
    }

    /// The first object with key `key`, to change in place.
    pub fn get_mut(&mut self, key: Term) -> Option<&mut DbTerm> {
        self.get_mut_hashed(key, key_hash(key))
    }

    /// As [`HashStore::get_mut`], with the key's hash ([`key_hash`]) computed beforehand
    /// (outside the table's lock).
    pub fn get_mut_hashed(&mut self, key: Term, h: u32) -> Option<&mut DbTerm> {
        let keypos = self.keypos;
        let i = self.index(h);
        self.buckets[i]
            .iter_mut()
            .rev()
            .find(|e| e.has_live_key(key, h, keypos))
            .map(|e| &mut e.obj)
    }

    /// Replaces, in place, the live object with the key of `obj` (set tables) by `obj`;
    /// returns the old object.
    pub fn replace(&mut self, obj: Term) -> Option<DbTerm> {
        let keypos = self.keypos;
        let key = key_of(obj, keypos);
        let h = key_hash(key);
        let i = self.index(h);
        let e = self.buckets[i]
            .iter_mut()
            .rev()
            .find(|e| e.has_live_key(key, h, keypos))?;
        let new = DbTerm::new(obj);
        let (nw, ow) = (new.otp_words(), e.obj.otp_words());
        let old = std::mem::replace(&mut e.obj, new);
        self.words = self.words + nw - ow;
        Some(old)
    }

    /// Deletes the live objects of bucket `ix` at the storage positions `idx` (descending,
    /// so chain order): while the table is fixed the one at `mark` stays, marked deleted.
    /// Returns the objects removed.
    fn delete_at(&mut self, ix: usize, idx: &[usize], mark: Option<usize>, h: u32) -> Vec<DbTerm> {
        let mut freed = Vec::with_capacity(idx.len());
        let b = &mut self.buckets[ix];
        for &i in idx {
            if Some(i) == mark && self.fixed {
                b[i].dead = true;
                self.dead += 1;
            } else {
                freed.push(b.remove(i).obj);
            }
        }
        self.words -= freed.iter().map(|o| o.otp_words()).sum::<usize>();
        self.count(h, -(idx.len() as isize));
        self.after_remove(h);
        freed
    }

    /// Deletes the objects with key `key`, calling `seen` on each first (in insertion
    /// order); returns those removed from memory (to be freed outside the table's lock).
    pub fn remove_key(&mut self, key: Term, mut seen: impl FnMut(&DbTerm)) -> Vec<DbTerm> {
        let keypos = self.keypos;
        let h = key_hash(key);
        let ix = self.index(h);
        let b = &self.buckets[ix];
        let idx: SmallVec<[usize; 4]> = (0..b.len())
            .rev()
            .filter(|&i| b[i].has_live_key(key, h, keypos))
            .collect();
        if idx.is_empty() {
            return Vec::new();
        }
        for &i in idx.iter().rev() {
            seen(&b[i].obj);
        }
        self.delete_at(ix, &idx, idx.first().copied(), h)
    }

    /// Deletes the objects equal to `obj` (one unless the table is a duplicate bag); returns
    /// those removed from memory.
    pub fn remove_object(&mut self, obj: Term) -> Vec<DbTerm> {
        let keypos = self.keypos;
        let key = key_of(obj, keypos);
        let h = key_hash(key);
        let ix = self.index(h);
        let b = &self.buckets[ix];
        let live: SmallVec<[usize; 4]> = (0..b.len())
            .rev()
            .filter(|&i| b[i].has_live_key(key, h, keypos))
            .collect();
        let mut idx: SmallVec<[usize; 4]> = SmallVec::new();
        for &i in &live {
            if exact_eq(b[i].obj.term(), obj) {
                idx.push(i);
                if self.kind != Kind::DuplicateBag {
                    break;
                }
            }
        }
        if idx.is_empty() {
            return Vec::new();
        }
        // Only the key's first live object is kept (marked) in a fixed table.
        self.delete_at(ix, &idx, live.first().copied(), h)
    }

    /// Deletes every object: marks them deleted in a fixed table, else starts afresh.
    /// Returns the old storage, to be freed outside the table's lock.
    pub fn clear(&mut self) -> Option<HashStore> {
        if self.fixed {
            for e in self.buckets.iter_mut().flatten() {
                if !e.dead {
                    e.dead = true;
                    self.dead += 1;
                }
            }
            self.len = 0;
            self.stripe_items.iter_mut().for_each(|c| *c = 0);
            return None;
        }
        let fresh = HashStore::new(self.kind, self.keypos, self.shape);
        Some(std::mem::replace(self, fresh))
    }

    /// Records whether the table is fixed; when it stops being fixed, the objects marked
    /// deleted are removed (returned, to be freed outside the table's lock).
    pub fn set_fixed(&mut self, fixed: bool) -> Vec<DbTerm> {
        self.fixed = fixed;
        let mut freed = Vec::new();
        if fixed || self.dead == 0 {
            return freed;
        }
        for b in self.buckets.iter_mut() {
            let mut i = 0;
            while i < b.len() {
                if b[i].dead {
                    freed.push(b.remove(i).obj);
                } else {
                    i += 1;
                }
            }
        }
        self.dead = 0;
        self.words -= freed.iter().map(|o| o.otp_words()).sum::<usize>();
        freed
    }

    /// The first live entry of the traversal from bucket `ix`, chain position `skip` (how
    /// many stored entries from the top of the bucket are passed over) on.
    fn live_from(&self, mut ix: usize, mut skip: usize) -> Option<&Entry> {
        loop {
            let b = &self.buckets[ix];
            if let Some(e) = b.iter().rev().skip(skip).find(|e| !e.dead) {
                return Some(e);
            }
            ix = self.next_slot(ix)?;
            skip = 0;
        }
    }

    /// The first key in traversal order.
    pub fn first_key(&self) -> Option<Term> {
        self.live_from(0, 0).map(|e| e.obj.key(self.keypos))
    }

    /// The key after `key` in traversal order; `key` may be one deleted while the table is
    /// fixed.
    pub fn next_key(&self, key: Term) -> Result<Option<Term>, NoSuchKey> {
        let keypos = self.keypos;
        let h = key_hash(key);
        let ix = self.index(h);
        let b = &self.buckets[ix];
        let Some(i) = b.iter().rposition(|e| e.has_key(key, h, keypos)) else {
            return Err(NoSuchKey);
        };
        // Past the key's object (a bag's: past all of them, which sit together).
        let mut skip = b.len() - i;
        if self.kind != Kind::Set {
            while skip < b.len() && b[b.len() - 1 - skip].has_key(key, h, keypos) {
                skip += 1;
            }
        }
        Ok(self.live_from(ix, skip).map(|e| e.obj.key(keypos)))
    }

    /// The buckets holding the live objects with keys `keys`, each once, in the order of
    /// the keys.
    pub fn buckets_of(&self, keys: &[Term]) -> Vec<usize> {
        let mut v: Vec<usize> = Vec::new();
        for &k in keys {
            let h = key_hash(k);
            let ix = self.index(h);
            let present = self.buckets[ix]
                .iter()
                .any(|e| e.has_live_key(k, h, self.keypos));
            if present && !v.contains(&ix) {
                v.push(ix);
            }
        }
        v
    }

    /// Calls `f` on the live objects of bucket `ix`, in chain order.
    pub fn visit_bucket(&self, ix: usize, mut f: impl FnMut(&DbTerm)) {
        for e in self.buckets[ix].iter().rev() {
            if !e.dead {
                f(&e.obj);
            }
        }
    }

    /// OTP's match traversal: visits the live objects of bucket `from` and of the buckets
    /// after it, whole buckets at a time; before moving on to a bucket, `stop` may end the
    /// walk. Returns the bucket to continue from, `None` at the end of the table.
    pub fn visit_buckets(
        &self,
        from: usize,
        mut f: impl FnMut(&DbTerm),
        mut stop: impl FnMut() -> bool,
    ) -> Option<usize> {
        if from >= self.buckets.len() {
            return None;
        }
        // Objects live in blocks of their own: those of a bucket a few places ahead are
        // asked to be loaded before the walk reaches them.
        const AHEAD: usize = 8;
        let ahead = AHEAD * if self.shape.fine_locked { LOCK_CNT } else { 1 };
        let mut ix = from;
        loop {
            if let Some(b) = self.buckets.get(ix + ahead) {
                b.iter().for_each(|e| e.obj.prefetch());
            }
            self.visit_bucket(ix, &mut f);
            ix = self.next_slot(ix)?;
            if stop() {
                return Some(ix);
            }
        }
    }

    /// Calls `f` on every live object in traversal order.
    pub fn visit_all(&self, f: impl FnMut(&DbTerm)) {
        self.visit_buckets(0, f, || false);
    }

    /// Deletes the objects for which `f` is false (marks them in a fixed table); returns
    /// how many, and those removed from memory.
    pub fn retain(&mut self, mut f: impl FnMut(&DbTerm) -> bool) -> (usize, Vec<DbTerm>) {
        let mut removed = 0;
        let mut freed = Vec::new();
        let fixed = self.fixed;
        let mut ix = Some(0);
        while let Some(i) = ix {
            let b = &mut self.buckets[i];
            let mut gone: SmallVec<[u32; 4]> = SmallVec::new();
            let mut j = b.len();
            while j > 0 {
                j -= 1;
                if b[j].dead || f(&b[j].obj) {
                    continue;
                }
                gone.push(b[j].hash);
                if fixed {
                    b[j].dead = true;
                    self.dead += 1;
                } else {
                    freed.push(b.remove(j).obj);
                }
            }
            removed += gone.len();
            for h in gone {
                self.count(h, -1);
            }
            ix = self.next_slot(i);
        }
        self.words -= freed.iter().map(|o| o.otp_words()).sum::<usize>();
        // No one hash stands for the whole walk: decentralized counters estimate from
        // the first stripe's count.
        self.after_remove(0);
        (removed, freed)
    }

    /// Replaces objects in traversal order: `f` gives a new object (same key) for one to
    /// replace.
    pub fn replace_each(&mut self, mut f: impl FnMut(&DbTerm) -> Option<Term>) -> usize {
        let mut n = 0;
        let mut words = self.words;
        let mut ix = Some(0);
        while let Some(i) = ix {
            for e in self.buckets[i].iter_mut().rev() {
                if e.dead {
                    continue;
                }
                if let Some(new) = f(&e.obj) {
                    let new = DbTerm::new(new);
                    words = words + new.otp_words() - e.obj.otp_words();
                    e.obj = new;
                    n += 1;
                }
            }
            ix = self.next_slot(i);
        }
        self.words = words;
        n
    }

    /// The live objects of bucket number `i` (`ets:slot/2`), as OTP lists them (the chain
    /// reversed); `None` past the last bucket.
    pub fn slot(&self, i: usize) -> Option<Vec<&DbTerm>> {
        self.buckets
            .get(i)
            .map(|b| b.iter().filter(|e| !e.dead).map(|e| &e.obj).collect())
    }

    /// Number of buckets.
    pub fn slots(&self) -> usize {
        self.buckets.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heap::Heap;
    use crate::term::boxed;

    fn keys_in_order(s: &HashStore) -> Vec<i64> {
        let mut out = Vec::new();
        let mut k = s.first_key();
        while let Some(key) = k {
            out.push(key.as_small().unwrap());
            k = s.next_key(key).unwrap();
        }
        out
    }

    fn filled(n: i64, shape: HashShape) -> HashStore {
        let mut h = Heap::default();
        let mut s = HashStore::new(Kind::Set, 0, shape);
        for i in 0..n {
            s.insert(boxed::tuple(&mut h, &[Term::small(i), Term::small(i * 2)]));
        }
        s
    }

    #[test]
    fn growth_and_shrinking_keep_every_object_reachable() {
        for shape in [
            HashShape::default(),
            HashShape {
                fine_locked: true,
                decentralized: true,
            },
        ] {
            let mut s = filled(10_000, shape);
            assert!(s.slots() > FIRST_SEGSZ);
            let mut seen = keys_in_order(&s);
            seen.sort();
            assert_eq!(seen, (0..10_000).collect::<Vec<_>>());
            for i in 0..9_900 {
                s.remove_key(Term::small(i), |_| {});
            }
            assert!(s.slots() < 10_000, "the table shrank");
            let mut seen = keys_in_order(&s);
            seen.sort();
            assert_eq!(seen, (9_900..10_000).collect::<Vec<_>>());
            assert_eq!(s.len(), 100);
        }
    }

    #[test]
    fn a_fixed_table_keeps_deleted_keys_for_next() {
        let mut s = filled(1_000, HashShape::default());
        s.set_fixed(true);
        let order = keys_in_order(&s);
        let (a, b) = (order[0], order[1]);
        s.remove_key(Term::small(a), |_| {});
        assert_eq!(s.next_key(Term::small(a)), Ok(Some(Term::small(b))));
        assert!(!s.contains_key(Term::small(a)));
        assert_eq!(s.len(), 999);
        let slots = s.slots();
        let mut h = Heap::default();
        for i in 1_000..3_000 {
            s.insert(boxed::tuple(&mut h, &[Term::small(i)]));
        }
        assert_eq!(s.slots(), slots, "no growth while fixed");
        assert_eq!(s.set_fixed(false).len(), 1);
        assert_eq!(s.next_key(Term::small(a)), Err(NoSuchKey));
    }

    #[test]
    fn stripe_order_visits_each_bucket_once() {
        let s = filled(
            3_000,
            HashShape {
                fine_locked: true,
                decentralized: false,
            },
        );
        let mut n = 0;
        s.visit_all(|_| n += 1);
        assert_eq!(n, 3_000);
    }
}
