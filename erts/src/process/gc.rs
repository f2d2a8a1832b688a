//! The garbage collector (OTP's `erl_gc.c`, without the old generation yet): a Cheney-style
//! copying collection of one process's heap block and fragments into a fresh block.
//!
//! Roots are the live X registers, the stack (continuation pointers and catch tags are skipped:
//! CPs are header-tagged words, catch tags immediates), the process dictionary and the message
//! queue. Terms outside the from-space (literal areas) are left in place. A copied object's
//! header is replaced by a forwarding boxed pointer; a copied cons cell gets `NONE` in its head
//! and the forwarding list pointer in its tail. Refc binaries that survive take a new strong
//! count; the old off-heap list is then released, freeing binaries that died.

use crate::heap::{Heap, MIN_HEAP_SIZE};
use crate::term::{header_arity, header_subtag, subtag, Term, TAG_PRIMARY_HEADER};

/// Heap sizes grow along this sequence (Fibonacci-like, as OTP), then by 20%.
fn next_heap_size(need: usize) -> usize {
    let (mut a, mut b) = (MIN_HEAP_SIZE, 377usize);
    while a < need {
        if a > 4_000_000 {
            return need + need / 5;
        }
        let c = a + b;
        a = b;
        b = c;
    }
    a
}

struct Collector<'a> {
    ranges: &'a [(usize, usize)],
    to: Vec<Term>,
    off_heap: Vec<*const Vec<u8>>,
}

impl Collector<'_> {
    /// Whether `p` is in the from-space (`ranges` is sorted by start address).
    #[inline]
    fn in_from(&self, p: *const Term) -> bool {
        let a = p as usize;
        if self.ranges.len() <= 4 {
            return self.ranges.iter().any(|&(s, e)| a >= s && a < e);
        }
        let i = self.ranges.partition_point(|&(s, _)| s <= a);
        i > 0 && a < self.ranges[i - 1].1
    }

    /// Copies the object `t` refers to (if in from-space) and returns the new term.
    fn evacuate(&mut self, t: Term) -> Term {
        if t.is_list() {
            let p = t.list_ptr();
            if !self.in_from(p) {
                return t;
            }
            // SAFETY: `p` points into the from-space at a two-word cons cell.
            unsafe {
                if (*p).is_none() {
                    return *p.add(1);
                }
                let new_at = self.to.len();
                self.to.push(*p);
                self.to.push(*p.add(1));
                let nt = Term::make_list(self.to.as_ptr().add(new_at));
                *p = Term::NONE;
                *p.add(1) = nt;
                nt
            }
        } else if t.is_boxed() {
            let p = t.boxed_ptr();
            if !self.in_from(p) {
                return t;
            }
            // SAFETY: `p` points into the from-space at a header word (or its forwarding
            // pointer); the object spans 1 + arity words.
            unsafe {
                let h = *p;
                if h.primary_tag() != TAG_PRIMARY_HEADER {
                    return h; // forwarded
                }
                let n = 1 + header_arity(h.0);
                let new_at = self.to.len();
                self.to
                    .extend_from_slice(std::slice::from_raw_parts(p as *const Term, n));
                if header_subtag(h.0) == subtag::REFC_BINARY {
                    let raw = (*p.add(2)).0 as *const Vec<u8>;
                    std::sync::Arc::increment_strong_count(raw);
                    self.off_heap.push(raw);
                }
                let nt = Term::make_boxed(self.to.as_ptr().add(new_at));
                *p = nt;
                nt
            }
        } else {
            t
        }
    }

    /// Scans the to-space from `scan`, evacuating what its objects refer to.
    fn scan(&mut self, mut scan: usize) {
        while scan < self.to.len() {
            let w = self.to[scan];
            if w.primary_tag() == TAG_PRIMARY_HEADER {
                let n = header_arity(w.0);
                let (first, last) = match header_subtag(w.0) {
                    subtag::TUPLE => (1, n),
                    subtag::FUN => (2, n),
                    subtag::MAP => (2, n),
                    subtag::SUB_BINARY => (3, 3),
                    subtag::MATCH_STATE => (1, 1),
                    subtag::EXTERNAL_PID | subtag::EXTERNAL_PORT | subtag::EXTERNAL_REF => (1, 1),
                    _ => (1, 0),
                };
                for i in first..=last.min(n) {
                    let t = self.to[scan + i];
                    let nt = self.evacuate(t);
                    self.to[scan + i] = nt;
                }
                scan += 1 + n;
            } else {
                let nt = self.evacuate(w);
                self.to[scan] = nt;
                scan += 1;
            }
        }
    }
}

/// Collects `heap`, treating every term reachable from `roots` as live and updating the roots
/// in place. Afterwards the block has at least `need` free words.
///
/// The to-space is first sized for everything that could be live (the whole from-space);
/// when the live data turns out to be much smaller, it is moved into a right-sized block.
pub fn collect(heap: &mut Heap, roots: &mut [&mut [Term]], need: usize) {
    let mut ranges = heap.ranges();
    ranges.sort_unstable();
    let from_used: usize = ranges.iter().map(|(s, e)| (e - s) / 8).sum();
    let bound = next_heap_size(from_used + need);
    let mut c = Collector {
        ranges: &ranges,
        to: heap.take_block(bound),
        off_heap: Vec::new(),
    };
    for set in roots.iter_mut() {
        for t in set.iter_mut() {
            if t.primary_tag() != TAG_PRIMARY_HEADER {
                *t = c.evacuate(*t);
            }
        }
    }
    c.scan(0);
    let Collector {
        mut to, off_heap, ..
    } = c;
    let live = to.len();
    let want = next_heap_size(2 * live + need);
    if to.capacity() > 4 * want {
        to = relocate(to, want, roots);
    }
    heap.install(to, off_heap);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::term::boxed;

    #[test]
    fn keeps_live_and_shares() {
        let mut h = Heap::with_capacity(8);
        let shared = boxed::tuple(&mut h, &[Term::small(1), Term::small(2)]);
        let l = boxed::list(&mut h, &[shared, shared, Term::small(3)]);
        let _garbage = boxed::list(&mut h, &[Term::small(9); 50]);
        let big = boxed::binary(&mut h, &[7u8; 100]);
        let fl = boxed::float(&mut h, 2.5);
        let mut roots = [l, big, fl];
        collect(&mut h, &mut [&mut roots[..]], 10);
        let [l, big, fl] = roots;
        let v = boxed::list_to_vec(l).unwrap();
        assert_eq!(v.len(), 3);
        assert_eq!(v[0], v[1], "sharing preserved");
        assert_eq!(boxed::tuple_elems(v[0]), &[Term::small(1), Term::small(2)]);
        assert_eq!(boxed::binary_bytes(big).unwrap(), &[7u8; 100][..]);
        assert_eq!(boxed::float_value(fl), 2.5);
        assert!(h.free_words() >= 10);
        assert_eq!(h.off_heap.len(), 1);
        // A second collection without the binary frees it.
        let mut roots2 = [l];
        collect(&mut h, &mut [&mut roots2[..]], 0);
        assert_eq!(h.off_heap.len(), 0);
    }
}
