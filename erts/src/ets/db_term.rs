//! A stored ETS object (OTP's `DbTerm`): a tuple copied into one allocation of its own, so a
//! table never points into a process heap and a reader copies the object out under the table
//! lock. Refcounted binaries the object refers to hold one count each, released with it.

use crate::heap::Heap;
use crate::term::boxed;
use crate::term::copy;
use crate::term::Term;
use std::sync::Arc;

/// An object in a table.
pub struct DbTerm {
    term: Term,
    /// The object's words; `term` points into them.
    words: Box<[Term]>,
    /// Counts of the off-heap binaries the object refers to (rarely any).
    off_heap: Option<Box<[*const Vec<u8>]>>,
}

// SAFETY: an object is never changed after it is made (updates replace it whole); its words
// and binary counts move with it.
unsafe impl Send for DbTerm {}
// SAFETY: as above: only the table's write-lock holder replaces or frees an object, readers
// under the read lock only read its words, and binary refcounts are atomic.
unsafe impl Sync for DbTerm {}

impl DbTerm {
    /// Copies the tuple `obj` into a new object.
    pub fn new(obj: Term) -> DbTerm {
        let need = copy::size_of(obj);
        let mut heap = Heap::with_capacity(need);
        let term = copy::copy(&mut heap, obj);
        match heap.into_parts() {
            Some((block, off_heap)) => {
                debug_assert_eq!(block.len(), block.capacity());
                DbTerm {
                    term,
                    words: block.into_boxed_slice(),
                    off_heap: if off_heap.is_empty() {
                        None
                    } else {
                        Some(off_heap.into_boxed_slice())
                    },
                }
            }
            // `size_of` is exact, so the copy always fits in the block.
            None => unreachable!("ETS object copy spilled out of its exact-size block"),
        }
    }
    /// The stored tuple.
    #[inline]
    pub fn term(&self) -> Term {
        self.term
    }
    /// The key at 0-based position `keypos`.
    #[inline]
    pub fn key(&self, keypos: usize) -> Term {
        boxed::tuple_element(self.term, keypos)
    }
    /// Sets element `i` (0-based) of the stored tuple to the immediate `v` (a counter update
    /// in place, under the table's write lock).
    pub fn set_immediate(&mut self, i: usize, v: Term) {
        debug_assert!(v.is_immediate());
        boxed::tuple_elems_mut(self.term)[i] = v;
    }
    /// Heap words used by the object.
    pub fn words(&self) -> usize {
        self.words.len()
    }
}

impl Drop for DbTerm {
    fn drop(&mut self) {
        if let Some(bins) = self.off_heap.take() {
            for &p in bins.iter() {
                // SAFETY: each entry is one strong count taken when the object was copied.
                unsafe { drop(Arc::from_raw(p)) };
            }
        }
    }
}

/// The key of tuple `obj` at 0-based position `keypos`.
#[inline]
pub fn key_of(obj: Term, keypos: usize) -> Term {
    boxed::tuple_element(obj, keypos)
}
