//! Copying a term into another heap (OTP's `size_object` / `copy_struct` in `copy.c`), for
//! messages, persistent terms and ETS. Shared subterms are copied once per occurrence (as OTP
//! does without `copy_shared`); refc binaries are shared by reference count; literal-area
//! terms are copied too, so the copy never points into a module's literals.

use super::boxed;
use super::{header_arity, header_subtag, subtag, Term, TAG_PRIMARY_HEADER};
use crate::heap::Heap;
use smallvec::SmallVec;

/// Whether `t` needs no heap words of its own (an immediate or `[]`).
#[inline(always)]
fn is_flat(t: Term) -> bool {
    t.is_immediate() || t.is_nil()
}

/// Number of heap words a copy of `t` needs.
pub fn size_of(t: Term) -> usize {
    let mut words = 0;
    // Only terms with heap words are pushed, so small objects never leave the inline stack.
    let mut stack: SmallVec<[Term; 16]> = SmallVec::new();
    if !is_flat(t) {
        stack.push(t);
    }
    let push = |stack: &mut SmallVec<[Term; 16]>, t: Term| {
        if !is_flat(t) {
            stack.push(t);
        }
    };
    while let Some(t) = stack.pop() {
        let mut t = t;
        loop {
            if t.is_list() {
                words += 2;
                push(&mut stack, t.head());
                t = t.tail();
                continue;
            }
            if t.is_boxed() {
                let h = t.header();
                let n = header_arity(h);
                words += 1 + n;
                match header_subtag(h) {
                    subtag::TUPLE => {
                        for &e in boxed::tuple_elems(t) {
                            push(&mut stack, e);
                        }
                    }
                    subtag::FUN | subtag::MAP => {
                        for i in 2..=n {
                            push(&mut stack, Term(t.boxed_word(i)));
                        }
                    }
                    subtag::SUB_BINARY => push(&mut stack, Term(t.boxed_word(3))),
                    subtag::MATCH_STATE => {
                        // A match context is copied as the binary it matches.
                        words -= 1 + n;
                        words += 4;
                        push(&mut stack, Term(t.boxed_word(1)));
                    }
                    _ => {}
                }
            }
            break;
        }
    }
    words
}

/// Copies `t` into `heap` and returns the copy.
pub fn copy(heap: &mut Heap, t: Term) -> Term {
    if is_flat(t) {
        return t;
    }
    copy_rec(heap, t)
}

/// Copies a term that may have heap words. An object's words are allocated before those of
/// its parts (a tuple's header comes first), and allocation never moves terms, so the parts'
/// copies are written into the already allocated object.
fn copy_rec(heap: &mut Heap, t: Term) -> Term {
    if t.is_list() {
        return copy_list(heap, t);
    }
    if !t.is_boxed() {
        return t;
    }
    let h = t.header();
    let n = header_arity(h);
    let st = header_subtag(h);
    if st == subtag::MATCH_STATE {
        // Copy the underlying binary instead (contexts never escape a process).
        return copy_rec(heap, Term(t.boxed_word(1)));
    }
    if st == subtag::REFC_BINARY {
        let raw = t.boxed_word(2) as *const crate::heap::BinBuf;
        // SAFETY: the source heap holds a strong count, so the data is alive; we take another
        // count for the new heap.
        let data = unsafe {
            std::sync::Arc::increment_strong_count(raw);
            std::sync::Arc::from_raw(raw)
        };
        return boxed::refc_binary(heap, data);
    }
    if let Some(m) = crate::magic::magic_of(t) {
        // SAFETY: the source heap holds a count, so the object is alive.
        return unsafe { crate::magic::make_ref(heap, m) };
    }
    // Copy the object's words, then replace its term words by copies.
    let (first, last) = match st {
        subtag::TUPLE => (1, n),
        subtag::FUN | subtag::MAP => (2, n),
        subtag::SUB_BINARY => (3, 3),
        _ => (1, 0),
    };
    let p = heap.alloc(1 + n);
    // SAFETY: `alloc` returned 1 + n writable words, which cannot overlap the source object
    // (a live object's words are never handed out again); the source has 1 + n words.
    unsafe {
        std::ptr::copy_nonoverlapping(t.boxed_ptr() as *const Term, p, 1 + n);
    }
    for i in first..=last.min(n) {
        // SAFETY: `i` ≤ n indexes the words just written; allocating the part's copy below
        // does not move them.
        let e = unsafe { *p.add(i) };
        if !is_flat(e) && e.primary_tag() != TAG_PRIMARY_HEADER {
            let c = copy_rec(heap, e);
            // SAFETY: as above.
            unsafe { *p.add(i) = c };
        }
    }
    Term::make_boxed(p)
}

/// Copies a list: its cells in one allocation (the spine iteratively), heads recursively.
fn copy_list(heap: &mut Heap, t: Term) -> Term {
    let mut len = 0;
    let mut c = t;
    while c.is_list() {
        len += 1;
        c = c.tail();
    }
    let p = heap.alloc(2 * len);
    let mut c = t;
    for i in 0..len {
        let hd = c.head();
        let hd = if is_flat(hd) { hd } else { copy_rec(heap, hd) };
        // SAFETY: `alloc` returned 2 * len writable words and cell `i` < len lies inside them;
        // copying the head did not move them. Each cell's tail points to the next cell.
        unsafe {
            let cell = p.add(2 * i);
            *cell = hd;
            *cell.add(1) = if i + 1 < len {
                Term::make_list(cell.add(2))
            } else {
                Term::NIL
            };
        }
        c = c.tail();
    }
    if !c.is_nil() {
        // An improper list: copy its tail into the last cell.
        let tail = copy_rec(heap, c);
        // SAFETY: len ≥ 1 (`t` is a list), so word 2 * len - 1 is the last cell's tail.
        unsafe { *p.add(2 * len - 1) = tail };
    }
    Term::make_list(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::term::compare::exact_eq;

    #[test]
    fn copies_are_equal_and_independent() {
        let mut a = Heap::default();
        let f = boxed::float(&mut a, 2.5);
        let inner = boxed::tuple(&mut a, &[Term::small(1), f]);
        let big = boxed::binary(&mut a, &[9u8; 200]);
        let sub = boxed::sub_binary(&mut a, big, 8, 20);
        let t = boxed::list(&mut a, &[inner, big, sub, Term::NIL]);
        let m = crate::map::from_pairs(&mut a, &[(Term::small(1), t)]);
        let mut b = Heap::default();
        let c = copy(&mut b, m);
        assert!(exact_eq(c, m));
        assert!(b.contains(c.boxed_ptr()));
        assert!(size_of(m) >= 10);
        drop(a);
        // The copy stays valid after the source heap is gone.
        let l = crate::map::get(c, Term::small(1)).unwrap();
        let v = boxed::list_to_vec(l).unwrap();
        assert_eq!(boxed::binary_bytes(v[1]).unwrap(), &[9u8; 200][..]);
    }
}

#[cfg(test)]
mod list_tests {
    use super::*;
    use crate::term::compare::exact_eq;

    #[test]
    fn lists_copy_with_their_tails_and_exact_sizes() {
        let mut a = Heap::default();
        let f = boxed::float(&mut a, -0.5);
        let inner = boxed::list_with_tail(&mut a, &[f, Term::small(3)], Term::small(4));
        let t = boxed::tuple(&mut a, &[inner, Term::NIL]);
        let improper = boxed::list_with_tail(&mut a, &[Term::small(1), t], t);
        let proper = boxed::list(&mut a, &[improper, Term::NIL, inner]);
        for x in [inner, improper, proper, t] {
            let need = size_of(x);
            let mut b = Heap::with_capacity(need);
            let c = copy(&mut b, x);
            assert!(exact_eq(c, x));
            assert_eq!(b.used_words(), need);
            assert_eq!(b.fragment_words(), 0);
        }
    }
}
