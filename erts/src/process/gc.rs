//! The garbage collector (OTP's `erl_gc.c`): a generational, Cheney-style copying
//! collection of one process's heap. Minor collections copy the young block and fragments,
//! promoting what survived the previous collection to the old generation; major ones
//! (`fullsweep_after`, or when the old generation is full) copy everything into a new block.
//!
//! Roots are the live X registers, the stack (continuation pointers and catch tags are skipped:
//! CPs are header-tagged words, catch tags immediates), the process dictionary and the message
//! queue. Terms outside the from-space (literal areas) are left in place. A copied object's
//! header is replaced by a forwarding boxed pointer; a copied cons cell gets `NONE` in its head
//! and the forwarding list pointer in its tail. Refc binaries that survive take a new strong
//! count; the old off-heap list is then released, freeing binaries that died.

use crate::heap::{Heap, MIN_HEAP_SIZE};
use crate::term::{header_arity, header_subtag, subtag, Term, TAG_PRIMARY_HEADER};
use std::sync::atomic::{AtomicU32, AtomicU8, AtomicUsize, Ordering};

/// Heap sizes grow along OTP's sequence: Fibonacci plus one word (…, 233, 376, 610, 987,
/// 1598, …) up to 1347865 words, then by 20% a step.
fn next_heap_size(need: usize) -> usize {
    let (mut a, mut b) = (142usize, MIN_HEAP_SIZE);
    while b < need {
        if b >= 1_347_865 {
            b += b / 5;
            continue;
        }
        let c = a + b + 1;
        a = b;
        b = c;
    }
    b
}

/// How a process's heap is collected: its `min_heap_size` and `fullsweep_after` options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GcSettings {
    /// The young block never shrinks below this (words; a heap size from the sequence).
    pub min_heap_size: usize,
    /// Minor collections between two major ones (0: every collection is major).
    pub fullsweep_after: u32,
}

/// The instance-wide defaults of new processes (`erlang:system_flag/2`).
/// Per runtime instance.
fn default_min_heap_cell() -> &'static AtomicUsize {
    static S: crate::instance::InstanceLocal<AtomicUsize> = crate::instance::InstanceLocal::new();
    S.get_or_init(|| AtomicUsize::new(MIN_HEAP_SIZE))
}

/// Per runtime instance: the default fullsweep.
fn default_fullsweep_cell() -> &'static AtomicU32 {
    static S: crate::instance::InstanceLocal<AtomicU32> = crate::instance::InstanceLocal::new();
    S.get_or_init(|| AtomicU32::new(65535))
}

/// Per runtime instance: the default max heap size.
fn default_max_heap_size_cell() -> &'static AtomicUsize {
    static S: crate::instance::InstanceLocal<AtomicUsize> = crate::instance::InstanceLocal::new();
    S.get_or_init(|| AtomicUsize::new(0))
}

/// Per runtime instance: the default max heap flags (bit 0: kill, bit 1: error_logger).
fn default_max_heap_flags_cell() -> &'static AtomicU8 {
    static S: crate::instance::InstanceLocal<AtomicU8> = crate::instance::InstanceLocal::new();
    S.get_or_init(|| AtomicU8::new(3))
}

impl Default for GcSettings {
    /// The system defaults.
    fn default() -> Self {
        GcSettings {
            min_heap_size: default_min_heap_cell().load(Ordering::Relaxed),
            fullsweep_after: default_fullsweep_cell().load(Ordering::Relaxed),
        }
    }
}

/// Sets the system default `min_heap_size` (rounded up to a heap size); returns the old one.
pub fn set_default_min_heap_size(words: usize) -> usize {
    default_min_heap_cell().swap(next_heap_size(words), Ordering::Relaxed)
}

/// Sets the system default `fullsweep_after`; returns the old one.
pub fn set_default_fullsweep_after(n: u32) -> u32 {
    default_fullsweep_cell().swap(n, Ordering::Relaxed)
}

/// The `max_heap_size` process option: a process whose heap grows past `size` words (0: no
/// limit) is reported (`error_logger`) and killed (`kill`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaxHeap {
    pub size: usize,
    pub kill: bool,
    pub error_logger: bool,
}

impl Default for MaxHeap {
    fn default() -> Self {
        MaxHeap {
            size: 0,
            kill: true,
            error_logger: true,
        }
    }
}

impl MaxHeap {
    /// The system default of new processes.
    pub fn system_default() -> MaxHeap {
        let flags = default_max_heap_flags_cell().load(Ordering::Relaxed);
        MaxHeap {
            size: default_max_heap_size_cell().load(Ordering::Relaxed),
            kill: flags & 1 != 0,
            error_logger: flags & 2 != 0,
        }
    }

    /// Makes `self` the system default; returns the old one.
    pub fn set_system_default(self) -> MaxHeap {
        let old = MaxHeap::system_default();
        default_max_heap_size_cell().store(self.size, Ordering::Relaxed);
        default_max_heap_flags_cell().store(
            u8::from(self.kill) | (u8::from(self.error_logger) << 1),
            Ordering::Relaxed,
        );
        old
    }

    /// Parses a `max_heap_size` option value (a size, or a map with `size` and optionally
    /// `kill` and `error_logger`, those missing taken from `base`).
    pub fn parse(t: Term, base: MaxHeap) -> Option<MaxHeap> {
        if let Some(n) = t.as_small() {
            return (n >= 0).then_some(MaxHeap {
                size: n as usize,
                ..base
            });
        }
        if !t.is_map() {
            return None;
        }
        let mut m = base;
        let pairs = crate::map::iter_pairs(t);
        // The size must be given.
        if !pairs
            .iter()
            .any(|(k, _)| *k == Term::atom(crate::atom::atom("size")))
        {
            return None;
        }
        for (k, v) in pairs {
            match k.as_atom()?.name() {
                "size" => m.size = usize::try_from(v.as_small()?).ok()?,
                "kill" => m.kill = as_bool(v)?,
                "error_logger" => m.error_logger = as_bool(v)?,
                _ => return None,
            }
        }
        Some(m)
    }

    /// The option as OTP shows it: `#{error_logger => _, kill => _, size => _}`.
    pub fn to_term(self, heap: &mut Heap) -> Term {
        use crate::atom::atom;
        let pairs = [
            (
                Term::atom(atom("error_logger")),
                Term::bool(self.error_logger),
            ),
            (Term::atom(atom("kill")), Term::bool(self.kill)),
            (Term::atom(atom("size")), Term::small(self.size as i64)),
        ];
        crate::map::from_pairs(heap, &pairs)
    }
}

fn as_bool(t: Term) -> Option<bool> {
    if t == Term::atom(crate::atom::TRUE) {
        Some(true)
    } else if t == Term::atom(crate::atom::FALSE) {
        Some(false)
    } else {
        None
    }
}

/// Which collection to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GcKind {
    /// Minor unless the settings or the old generation's room call for a major one.
    Auto,
    /// A major collection (`erlang:garbage_collect/0`, hibernation).
    Major,
}

/// The smallest heap size of the sequence that holds `words` (OTP's `erts_next_heap_size`).
pub fn heap_size_for(words: usize) -> usize {
    next_heap_size(words)
}

struct Collector<'a> {
    /// The from-space (sorted by start address).
    ranges: &'a [(usize, usize)],
    /// Addresses `[start, end)` whose live objects move to the old generation (the part of
    /// the young block below the high-water mark; empty in a major collection).
    mature: (usize, usize),
    to: Vec<Term>,
    off_heap: Vec<crate::heap::OffHeap>,
    /// The old generation's block (minor collections only) and the binaries it holds.
    old: Vec<Term>,
    old_off_heap: Vec<crate::heap::OffHeap>,
}

impl Collector<'_> {
    /// Whether `p` is in the from-space.
    #[inline]
    fn in_from(&self, p: *const Term) -> bool {
        let a = p as usize;
        if self.ranges.len() <= 4 {
            return self.ranges.iter().any(|&(s, e)| a >= s && a < e);
        }
        let i = self.ranges.partition_point(|&(s, _)| s <= a);
        i > 0 && a < self.ranges[i - 1].1
    }

    /// The block an object at `p` is copied to: the old generation for mature objects.
    #[inline]
    fn promotes(&self, p: *const Term) -> bool {
        let a = p as usize;
        a >= self.mature.0 && a < self.mature.1
    }

    /// Copies the object `t` refers to (if in from-space) and returns the new term.
    /// Immediates and cons cells are handled here, inline in the scanning loop (they are
    /// most of the words); boxed objects out of line.
    #[inline(always)]
    fn evacuate(&mut self, t: Term) -> Term {
        if t.is_list() {
            let p = t.list_ptr();
            if !self.in_from(p) {
                return t;
            }
            let dest = if self.promotes(p) {
                &mut self.old
            } else {
                &mut self.to
            };
            // SAFETY: `p` points into the from-space at a two-word cons cell. `dest` has
            // room reserved for every from-space word, so writing past its length stays in
            // its allocation and the new pointer stays valid.
            unsafe {
                let head = *p;
                if head.is_none() {
                    return *p.add(1);
                }
                let new_at = dest.len();
                debug_assert!(dest.capacity() - new_at >= 2);
                let to = dest.as_mut_ptr().add(new_at);
                to.write(head);
                to.add(1).write(*p.add(1));
                dest.set_len(new_at + 2);
                let nt = Term::make_list(to);
                *p = Term::NONE;
                *p.add(1) = nt;
                nt
            }
        } else if t.is_boxed() {
            self.evacuate_boxed(t)
        } else {
            t
        }
    }

    /// [`Self::evacuate`] for a boxed term.
    #[inline(never)]
    fn evacuate_boxed(&mut self, t: Term) -> Term {
        let p = t.boxed_ptr();
        if !self.in_from(p) {
            return t;
        }
        let promote = self.promotes(p);
        let (dest, bins) = if promote {
            (&mut self.old, &mut self.old_off_heap)
        } else {
            (&mut self.to, &mut self.off_heap)
        };
        // SAFETY: `p` points into the from-space at a header word (or its forwarding
        // pointer); the object spans 1 + arity words. `dest` has room reserved (see
        // above).
        unsafe {
            let h = *p;
            if h.primary_tag() != TAG_PRIMARY_HEADER {
                return h; // forwarded
            }
            let n = 1 + header_arity(h.0);
            debug_assert!(dest.capacity() - dest.len() >= n);
            let new_at = dest.len();
            dest.extend_from_slice(std::slice::from_raw_parts(p as *const Term, n));
            if header_subtag(h.0) == subtag::REFC_BINARY {
                let raw = (*p.add(2)).0 as *const crate::heap::BinBuf;
                std::sync::Arc::increment_strong_count(raw);
                bins.push(crate::heap::OffHeap::binary(raw));
            } else if crate::magic::is_magic_header(h.0) {
                let m = (*p.add(2)).0 as *const crate::magic::MagicHeader;
                crate::magic::keep(m);
                bins.push(crate::heap::OffHeap::magic(m));
            }
            let nt = Term::make_boxed(dest.as_ptr().add(new_at));
            *p = nt;
            nt
        }
    }

    /// Evacuates what the objects of the young (`OLD == false`) or old to-space refer to,
    /// from word `i` until its end (which moves as objects are copied in); returns where
    /// it stopped.
    #[inline(always)]
    fn scan_space<const OLD: bool>(&mut self, mut i: usize) -> usize {
        loop {
            let space = if OLD { &self.old } else { &self.to };
            if i >= space.len() {
                return i;
            }
            // SAFETY: `i` is below the space's length; words below it are initialised.
            let w = unsafe { *space.as_ptr().add(i) };
            if w.primary_tag() == TAG_PRIMARY_HEADER {
                let n = header_arity(w.0);
                let (first, last) = term_words(w.0, n);
                for k in first..=last.min(n) {
                    let at = i + k;
                    let space = if OLD { &self.old } else { &self.to };
                    // SAFETY: the object's words lie below the space's length.
                    let t = unsafe { *space.as_ptr().add(at) };
                    let nt = self.evacuate(t);
                    let space = if OLD { &mut self.old } else { &mut self.to };
                    // SAFETY: as above; evacuating only appends, so `at` is still in place.
                    unsafe { *space.as_mut_ptr().add(at) = nt };
                }
                i += 1 + n;
            } else {
                let nt = self.evacuate(w);
                let space = if OLD { &mut self.old } else { &mut self.to };
                // SAFETY: as above.
                unsafe { *space.as_mut_ptr().add(i) = nt };
                i += 1;
            }
        }
    }

    /// Scans both to-spaces from the given words until neither has unscanned objects.
    fn scan(&mut self, mut young: usize, mut old: usize) {
        loop {
            young = self.scan_space::<false>(young);
            if old >= self.old.len() {
                break;
            }
            old = self.scan_space::<true>(old);
            if young >= self.to.len() {
                break;
            }
        }
    }
}

/// Collects `heap`, treating every term reachable from `roots` as live and updating the roots
/// in place. Afterwards the young block has at least `need` free words.
///
/// A minor collection copies the live young objects that had already survived a collection
/// (below the high-water mark) into the old generation and the others into a new young
/// block; the old generation is not looked at (its terms cannot refer to younger ones: terms
/// are immutable). A major collection copies everything live, old generation included, into
/// a new young block and drops the old generation. It runs when asked for, after
/// `fullsweep_after` minor ones, or when the old generation has no room for the promotion.
///
/// The to-space is first sized for everything that could be live (the whole from-space);
/// when the live data turns out to be much smaller, it is moved into a right-sized block.
pub fn collect(
    heap: &mut Heap,
    roots: &mut [&mut [Term]],
    need: usize,
    settings: &GcSettings,
    kind: GcKind,
) {
    let mature_words = heap.hwm;
    let (old_used, old_cap) = heap.old_words();
    let major = kind == GcKind::Major
        || settings.fullsweep_after == 0
        || heap.minor_gcs >= settings.fullsweep_after
        || (old_used > 0 && old_cap - old_used < mature_words);
    if major {
        collect_major(heap, roots, need, settings);
    } else {
        collect_minor(heap, roots, need, settings);
    }
}

fn collect_minor(heap: &mut Heap, roots: &mut [&mut [Term]], need: usize, settings: &GcSettings) {
    let mut ranges = heap.ranges();
    let block_start = ranges[0].0;
    let mature = (block_start, block_start + heap.hwm * 8);
    ranges.sort_unstable();
    let from_used: usize = ranges.iter().map(|(s, e)| (e - s) / 8).sum();
    let young_max = from_used - heap.hwm;
    // The young block keeps its size unless more may survive (OTP's minor collections do
    // the same), so that promoting most of it does not shrink it into collecting often; it
    // grows a step when more than half of it survived the last minor collection.
    let mut bound = next_heap_size(young_max + need)
        .max(heap.capacity())
        .max(settings.min_heap_size);
    // What survived the last collection is below the high-water mark; after a minor one
    // (a major one resets the count) more than half of the block means collecting often
    // copies the same live data again and again, as OTP's heap growth avoids.
    if heap.minor_gcs > 0 && heap.hwm * 2 > heap.capacity() {
        bound = bound.max(next_heap_size(heap.capacity() + 1));
    }
    // The old generation, with room for every mature word (made on first use, sized with
    // headroom for later promotions).
    let mut old_gen = heap.old.take().unwrap_or_default();
    if old_gen.block.capacity() - old_gen.block.len() < heap.hwm {
        debug_assert!(old_gen.block.is_empty());
        let cap = next_heap_size(from_used.max(heap.hwm + heap.hwm / 2));
        old_gen.block = Vec::with_capacity(cap);
    }
    let old_scan = old_gen.block.len();
    let mut c = Collector {
        ranges: &ranges,
        mature,
        to: heap.take_block(bound),
        off_heap: Vec::new(),
        old: std::mem::take(&mut old_gen.block),
        old_off_heap: std::mem::take(&mut old_gen.off_heap),
    };
    evacuate_roots(&mut c, roots);
    c.scan(0, old_scan);
    let Collector {
        mut to,
        off_heap,
        old,
        old_off_heap,
        ..
    } = c;
    let old_live = old.len();
    old_gen.block = old;
    old_gen.off_heap = old_off_heap;
    heap.old = Some(old_gen);
    let want = wanted_size(to.len() + old_live, roots, need, settings);
    if to.capacity() > 4 * want {
        to = relocate(to, want, roots);
    }
    heap.install(to, off_heap);
    heap.minor_gcs += 1;
}

fn collect_major(heap: &mut Heap, roots: &mut [&mut [Term]], need: usize, settings: &GcSettings) {
    let mut ranges = heap.ranges();
    let old_gen = heap.old.take();
    if let Some(o) = &old_gen {
        let s = o.block.as_ptr() as usize;
        ranges.push((s, s + o.block.len() * 8));
    }
    ranges.sort_unstable();
    let from_used: usize = ranges.iter().map(|(s, e)| (e - s) / 8).sum();
    let bound = next_heap_size(from_used + need).max(settings.min_heap_size);
    let mut c = Collector {
        ranges: &ranges,
        mature: (0, 0),
        to: heap.take_block(bound),
        off_heap: Vec::new(),
        old: Vec::new(),
        old_off_heap: Vec::new(),
    };
    evacuate_roots(&mut c, roots);
    c.scan(0, 0);
    let Collector {
        mut to, off_heap, ..
    } = c;
    // The old generation's binaries were re-counted where they survived.
    drop(old_gen);
    let want = wanted_size(to.len(), roots, need, settings);
    if to.capacity() > 4 * want {
        to = relocate(to, want, roots);
    }
    heap.install(to, off_heap);
    heap.minor_gcs = 0;
}

/// The young block size a heap with `live` words of data deserves: room for twice the data
/// and the roots (the stack is scanned at every collection, so a deep stack also calls for
/// fewer, larger collections), and `need`.
fn wanted_size(live: usize, roots: &[&mut [Term]], need: usize, settings: &GcSettings) -> usize {
    let root_words: usize = roots.iter().map(|r| r.len()).sum();
    next_heap_size(2 * (live + root_words) + need).max(settings.min_heap_size)
}

fn evacuate_roots(c: &mut Collector, roots: &mut [&mut [Term]]) {
    for set in roots.iter_mut() {
        for t in set.iter_mut() {
            if t.primary_tag() != TAG_PRIMARY_HEADER {
                *t = c.evacuate(*t);
            }
        }
    }
}

/// Moves a compacted block into a new block of capacity `cap`, adjusting every pointer into
/// it (in the block and in the roots), as OTP's `offset_heap` does.
fn relocate(old: Vec<Term>, cap: usize, roots: &mut [&mut [Term]]) -> Vec<Term> {
    let mut new = Vec::with_capacity(cap.max(old.len()));
    new.extend_from_slice(&old);
    let (os, oe) = (
        old.as_ptr() as u64,
        old.as_ptr() as u64 + old.len() as u64 * 8,
    );
    let delta = new.as_ptr() as u64 as i64 - os as i64;
    let fix = |t: Term| -> Term {
        if (t.is_list() || t.is_boxed()) && (os..oe).contains(&(t.0 & !3)) {
            Term((t.0 as i64 + delta) as u64)
        } else {
            t
        }
    };
    let mut i = 0;
    while i < new.len() {
        let w = new[i];
        if w.primary_tag() == TAG_PRIMARY_HEADER {
            let n = header_arity(w.0);
            let (first, last) = term_words(w.0, n);
            for k in first..=last.min(n) {
                new[i + k] = fix(new[i + k]);
            }
            i += 1 + n;
        } else {
            new[i] = fix(w);
            i += 1;
        }
    }
    for set in roots.iter_mut() {
        for t in set.iter_mut() {
            if t.primary_tag() != TAG_PRIMARY_HEADER {
                *t = fix(*t);
            }
        }
    }
    new
}

/// The range of words (1-based, inclusive) of a boxed object that hold terms.
fn term_words(header: u64, n: usize) -> (usize, usize) {
    match header_subtag(header) {
        subtag::TUPLE => (1, n),
        subtag::FUN => (2, n),
        subtag::MAP => (2, n),
        subtag::SUB_BINARY => (3, 3),
        subtag::MATCH_STATE => (1, 1),
        subtag::EXTERNAL_PID | subtag::EXTERNAL_PORT | subtag::EXTERNAL_REF => (1, 1),
        _ => (1, 0),
    }
}

/// A garbage collection another process asked for (`erlang:garbage_collect/1,2`) while the
/// process could not be collected (it was in a dirty native call).
pub struct GcRequest {
    /// The requester's pid number.
    pub from: u64,
    /// The request's id (the requester's reference).
    pub id: super::signals::OwnedTerm,
    /// A major collection.
    pub major: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::term::boxed;

    fn minor(h: &mut Heap, roots: &mut [Term], need: usize) {
        collect(h, &mut [roots], need, &GcSettings::default(), GcKind::Auto);
    }
    fn major(h: &mut Heap, roots: &mut [Term], need: usize) {
        collect(h, &mut [roots], need, &GcSettings::default(), GcKind::Major);
    }

    #[test]
    fn keeps_live_and_shares() {
        let mut h = Heap::with_capacity(8);
        let shared = boxed::tuple(&mut h, &[Term::small(1), Term::small(2)]);
        let l = boxed::list(&mut h, &[shared, shared, Term::small(3)]);
        let _garbage = boxed::list(&mut h, &[Term::small(9); 50]);
        let big = boxed::binary(&mut h, &[7u8; 100]);
        let fl = boxed::float(&mut h, 2.5);
        let mut roots = [l, big, fl];
        minor(&mut h, &mut roots, 10);
        let [l, big, fl] = roots;
        let v = boxed::list_to_vec(l).unwrap();
        assert_eq!(v.len(), 3);
        assert_eq!(v[0], v[1], "sharing preserved");
        assert_eq!(boxed::tuple_elems(v[0]), &[Term::small(1), Term::small(2)]);
        assert_eq!(boxed::binary_bytes(big).unwrap(), &[7u8; 100][..]);
        assert_eq!(boxed::float_value(fl), 2.5);
        assert!(h.free_words() >= 10);
        assert_eq!(h.off_heap.len(), 1);
        // A second collection promotes the binary (it had survived once); once dropped, only
        // a major collection frees it.
        let mut roots2 = [l, big];
        minor(&mut h, &mut roots2, 0);
        assert_eq!(h.off_heap.len(), 0);
        assert_eq!(h.old.as_ref().map(|o| o.off_heap.len()), Some(1));
        let mut roots2 = [roots2[0]];
        minor(&mut h, &mut roots2, 0);
        assert_eq!(h.old.as_ref().map(|o| o.off_heap.len()), Some(1));
        major(&mut h, &mut roots2, 0);
        assert!(h.old.is_none());
        assert_eq!(h.off_heap.len(), 0);
        assert_eq!(boxed::list_to_vec(roots2[0]).unwrap().len(), 3);
    }

    #[test]
    fn survivors_of_two_collections_are_promoted() {
        let mut h = Heap::with_capacity(64);
        let a = boxed::list(&mut h, &[Term::small(1), Term::small(2), Term::small(3)]);
        let mut roots = [a];
        minor(&mut h, &mut roots, 0);
        // First collection: survivors stay young, below the high-water mark.
        assert_eq!(h.old_words().0, 0);
        assert_eq!(h.hwm, 6);
        let young_a = roots[0];
        // New data pointing at the survivor, then a second collection.
        let b = boxed::tuple(&mut h, &[young_a, Term::small(4)]);
        let mut roots = [b];
        minor(&mut h, &mut roots, 0);
        assert_eq!(h.old_words().0, 6, "the list moved to the old generation");
        assert_eq!(h.used_words(), 3, "the tuple stays young");
        let a2 = boxed::tuple_elems(roots[0])[0];
        assert!(h
            .old
            .as_ref()
            .unwrap()
            .block
            .as_ptr_range()
            .contains(&(a2.list_ptr() as *const Term)));
        assert_eq!(
            boxed::list_to_vec(a2).unwrap(),
            vec![Term::small(1), Term::small(2), Term::small(3)]
        );
        assert_eq!(h.minor_gcs(), 2);
        // The old generation is not collected by minor collections; a major one empties it.
        let mut roots = [Term::small(0)];
        minor(&mut h, &mut roots, 0);
        assert_eq!(h.old_words().0, 6);
        major(&mut h, &mut roots, 0);
        assert_eq!(h.old_words(), (0, 0));
        assert_eq!(h.minor_gcs(), 0);
    }

    #[test]
    fn fullsweep_after_forces_major_collections() {
        let settings = GcSettings {
            min_heap_size: MIN_HEAP_SIZE,
            fullsweep_after: 2,
        };
        let mut h = Heap::with_capacity(64);
        let mut roots = [boxed::list(&mut h, &[Term::small(1); 10])];
        let mut majors = 0;
        for _ in 0..9 {
            let _garbage = boxed::list(&mut h, &[Term::small(2); 10]);
            let before = h.minor_gcs();
            collect(&mut h, &mut [&mut roots[..]], 0, &settings, GcKind::Auto);
            if h.minor_gcs() == 0 {
                majors += 1;
                assert_eq!(before, 2);
            }
            assert_eq!(boxed::list_to_vec(roots[0]).unwrap().len(), 10);
        }
        assert_eq!(majors, 3);
        let never = GcSettings {
            fullsweep_after: 0,
            ..settings
        };
        collect(&mut h, &mut [&mut roots[..]], 0, &never, GcKind::Auto);
        collect(&mut h, &mut [&mut roots[..]], 0, &never, GcKind::Auto);
        assert!(h.old.is_none(), "fullsweep_after 0 never promotes");
    }

    #[test]
    fn full_old_generation_triggers_a_major_collection() {
        let mut h = Heap::with_capacity(64);
        let mut roots = [Term::NIL];
        // Grow a live list across many collections: promotions fill the old generation,
        // which is then emptied by a major collection, and nothing is lost.
        for i in 0..2000 {
            roots[0] = boxed::cons(&mut h, Term::small(i), roots[0]);
            if h.needs_gc(2) {
                minor(&mut h, &mut roots, 2);
            }
        }
        let v = boxed::list_to_vec(roots[0]).unwrap();
        assert_eq!(v.len(), 2000);
        assert!(v
            .iter()
            .rev()
            .enumerate()
            .all(|(i, t)| *t == Term::small(i as i64)));
    }

    #[test]
    fn min_heap_size_is_kept() {
        let settings = GcSettings {
            min_heap_size: 1598,
            fullsweep_after: 65535,
        };
        let mut h = Heap::with_capacity(1598);
        let mut roots = [Term::small(1)];
        collect(&mut h, &mut [&mut roots[..]], 0, &settings, GcKind::Major);
        assert!(h.capacity() >= 1598);
    }

    #[test]
    fn heap_sizes_follow_otp() {
        let seq: Vec<usize> = [0, 234, 377, 611, 988, 1599, 2587, 46422, 1_347_866]
            .iter()
            .map(|&n| next_heap_size(n))
            .collect();
        assert_eq!(
            seq,
            [233, 376, 610, 987, 1598, 2586, 4185, 46422, 1_617_438]
        );
    }

    #[test]
    fn max_heap_option_parses() {
        let mut h = Heap::with_capacity(64);
        let base = MaxHeap::default();
        assert_eq!(MaxHeap::parse(Term::small(100), base).unwrap().size, 100);
        assert!(MaxHeap::parse(Term::small(-1), base).is_none());
        let m = MaxHeap {
            size: 7,
            kill: false,
            error_logger: true,
        };
        let t = m.to_term(&mut h);
        assert_eq!(MaxHeap::parse(t, base), Some(m));
        assert!(MaxHeap::parse(Term::atom(crate::atom::TRUE), base).is_none());
    }
}
