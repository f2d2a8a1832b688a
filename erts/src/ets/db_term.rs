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

/// Words of bookkeeping before the tuple in an object's block.
const PREFIX: usize = 2;

/// Off-heap binary counts of an object.
type OffHeap = Vec<crate::heap::OffHeap>;

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
    /// Asks the CPU to start loading the object's first words (a hint for scans that will
    /// read it soon; it has no other effect).
    #[inline(always)]
    pub fn prefetch(&self) {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: a prefetch is only a hint: it never faults, even on a bad address, and
        // changes no memory; `block` is a valid pointer anyway.
        unsafe {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            _mm_prefetch::<_MM_HINT_T0>(self.block.as_ptr() as *const i8);
        }
    }

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
    /// Words the object takes in OTP (for `ets:info(T, memory)`): its heap words, where each
    /// refcounted binary is OTP's six-word `ProcBin` rather than this VM's three words.
    pub fn otp_words(&self) -> usize {
        let bins = self.word(1);
        let nbins = if bins == 0 {
            0
        } else {
            // SAFETY: a non-zero second word is the `Box<OffHeap>` made in `new`, alive
            // until `drop`.
            unsafe { (*(bins as *const OffHeap)).len() }
        };
        self.words() + 3 * nbins
    }
}

impl Drop for DbTerm {
    fn drop(&mut self) {
        let (len, bins) = (self.word(0) as usize, self.word(1));
        if bins != 0 {
            // SAFETY: made by `Box::into_raw` in `new` and released only here.
            // Dropping the entries drops the counts taken when the object was copied.
            drop(unsafe { Box::from_raw(bins as *mut OffHeap) });
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::term::compare::exact_eq;
    use std::sync::Arc;

    /// Strong count of the refcounted binary `bin`.
    fn count(bin: Term) -> usize {
        let raw = bin.boxed_word(2) as *const crate::heap::BinBuf;
        // SAFETY: `bin` is alive, so `raw` is a live `Arc`; it is not released here.
        let a = ManuallyDrop::new(unsafe { Arc::from_raw(raw) });
        Arc::strong_count(&a)
    }

    #[test]
    fn objects_are_independent_copies() {
        let mut h = Heap::default();
        let big = boxed::binary(&mut h, &[7u8; 300]);
        let f = boxed::float(&mut h, 1.5);
        let l = boxed::list_with_tail(&mut h, &[Term::small(1), f, Term::NIL], big);
        let obj = boxed::tuple(
            &mut h,
            &[Term::small(1), l, big, Term::atom(crate::atom::TRUE)],
        );
        let flat = boxed::tuple(&mut h, &[Term::small(2), Term::NIL, Term::small(-5)]);
        assert_eq!(count(big), 1);
        let o = DbTerm::new(obj);
        let p = DbTerm::new(flat);
        assert_eq!(count(big), 3);
        assert!(exact_eq(o.term(), obj) && exact_eq(p.term(), flat));
        assert_eq!(o.words(), copy::size_of(obj));
        assert_eq!(p.words(), copy::size_of(flat));
        assert!(exact_eq(o.key(0), Term::small(1)) && exact_eq(p.key(2), Term::small(-5)));
        // The objects stay valid when the source heap is gone.
        let mut h2 = Heap::default();
        let expect = copy::copy(&mut h2, obj);
        drop(h);
        assert!(exact_eq(o.term(), expect));
        let mut p = p;
        p.set_immediate(2, Term::small(6));
        assert_eq!(boxed::tuple_element(p.term(), 2), Term::small(6));
        // Counts: two for the object's references, two for the copy's.
        let bin = boxed::tuple_element(o.term(), 2);
        assert_eq!(count(bin), 4);
        drop(o);
        assert_eq!(count(boxed::tuple_element(expect, 2)), 2);
    }
}
