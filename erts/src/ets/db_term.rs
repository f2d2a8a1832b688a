//! A stored ETS object (OTP's `DbTerm`): a tuple copied into one allocation of its own, so a
//! table never points into a process heap and a reader copies the object out under the table
//! lock. Refcounted binaries the object refers to hold one count each, released with it.
//!
//! An object is one pointer wide (so a table's index stays small): its block starts with two
//! words of bookkeeping, the block's length and the off-heap binary counts (a pointer to a
//! boxed vector, or 0 when there are none), followed by the tuple's words, header first.

use crate::heap::Heap;
use crate::term::boxed;
use crate::term::copy;
use crate::term::Term;
use std::mem::ManuallyDrop;
use std::ptr::NonNull;
use std::sync::Arc;

/// Words of bookkeeping before the tuple in an object's block.
const PREFIX: usize = 2;

/// Off-heap binary counts of an object.
type OffHeap = Vec<*const Vec<u8>>;

/// An object in a table.
pub struct DbTerm {
    /// The block: `[length, off-heap counts, tuple words...]`, owned by this object (made
    /// from a `Vec<Term>` whose length and capacity are both `length`).
    block: NonNull<Term>,
}

// SAFETY: the object owns its block (no other pointer to it exists outside the object's own
// words); its words and binary counts move with it.
unsafe impl Send for DbTerm {}
// SAFETY: words change only through `&mut self` (the table's write-lock holder); readers
// under the read lock only read them, and binary refcounts are atomic.
unsafe impl Sync for DbTerm {}

impl DbTerm {
    /// Copies the tuple `obj` into a new object.
    pub fn new(obj: Term) -> DbTerm {
        debug_assert!(obj.is_tuple());
        let elems = boxed::tuple_elems(obj);
        let (mut block, off_heap) = if elems.iter().all(|e| e.is_immediate() || e.is_nil()) {
            // A tuple of immediates (the usual `{Key, Value}`) is its header and elements.
            let mut block = Vec::with_capacity(PREFIX + 1 + elems.len());
            block.extend_from_slice(&[Term::NONE; PREFIX]);
            block.push(Term(obj.header()));
            block.extend_from_slice(elems);
            (block, Vec::new())
        } else {
            let need = copy::size_of(obj);
            let mut heap = Heap::with_capacity(PREFIX + need);
            heap.alloc(PREFIX);
            let term = copy::copy(&mut heap, obj);
            let Some(parts) = heap.into_parts() else {
                // `size_of` is exact, so the copy always fits in the block.
                unreachable!("ETS object copy spilled out of its exact-size block")
            };
            // The copy allocates a tuple's own words before its elements'.
            assert_eq!(term.boxed_ptr(), parts.0[PREFIX..].as_ptr() as *mut Term);
            parts
        };
        assert_eq!(block.len(), block.capacity());
        let len = block.len();
        block[0] = Term(len as u64);
        block[1] = Term(if off_heap.is_empty() {
            0
        } else {
            Box::into_raw(Box::new(off_heap)) as u64
        });
        let mut block = ManuallyDrop::new(block);
        DbTerm {
            block: NonNull::new(block.as_mut_ptr()).expect("a vector's pointer is not null"),
        }
    }
    /// Word `i` of the block.
    #[inline]
    fn word(&self, i: usize) -> u64 {
        // SAFETY: callers read the two bookkeeping words, which every block has.
        unsafe { (*self.block.as_ptr().add(i)).raw() }
    }
    /// The stored tuple.
    #[inline]
    pub fn term(&self) -> Term {
        // SAFETY: the tuple's header is the first word after the bookkeeping, inside the block.
        Term::make_boxed(unsafe { self.block.as_ptr().add(PREFIX) })
    }
    /// The key at 0-based position `keypos`.
    #[inline]
    pub fn key(&self, keypos: usize) -> Term {
        boxed::tuple_element(self.term(), keypos)
    }
    /// Sets element `i` (0-based) of the stored tuple to the immediate `v` (a counter update
    /// in place, under the table's write lock).
    pub fn set_immediate(&mut self, i: usize, v: Term) {
        debug_assert!(v.is_immediate());
        boxed::tuple_elems_mut(self.term())[i] = v;
    }
    /// Heap words used by the object.
    pub fn words(&self) -> usize {
        self.word(0) as usize - PREFIX
    }
}

impl Drop for DbTerm {
    fn drop(&mut self) {
        let (len, bins) = (self.word(0) as usize, self.word(1));
        if bins != 0 {
            // SAFETY: made by `Box::into_raw` in `new` and released only here.
            let bins = unsafe { Box::from_raw(bins as *mut OffHeap) };
            for &p in bins.iter() {
                // SAFETY: each entry is one strong count taken when the object was copied.
                unsafe { drop(Arc::from_raw(p)) };
            }
        }
        // SAFETY: the block came from a vector with this pointer, length and capacity, and is
        // freed only here.
        drop(unsafe { Vec::from_raw_parts(self.block.as_ptr(), len, len) });
    }
}

/// The key of tuple `obj` at 0-based position `keypos`.
#[inline]
pub fn key_of(obj: Term, keypos: usize) -> Term {
    boxed::tuple_element(obj, keypos)
}
