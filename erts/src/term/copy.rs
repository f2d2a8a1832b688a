//! Copying a term into another heap (OTP's `size_object` / `copy_struct` in `copy.c`), for
//! messages, persistent terms and ETS. Shared subterms are copied once per occurrence (as OTP
//! does without `copy_shared`); refc binaries are shared by reference count; literal-area
//! terms are copied too, so the copy never points into a module's literals.

use super::boxed;
use super::{header_arity, header_subtag, subtag, Term, TAG_PRIMARY_HEADER};
use crate::heap::Heap;

/// Number of heap words a copy of `t` needs.
pub fn size_of(t: Term) -> usize {
    let mut words = 0;
    let mut stack = vec![t];
    while let Some(t) = stack.pop() {
        let mut t = t;
        loop {
            if t.is_list() {
                words += 2;
                stack.push(t.head());
                t = t.tail();
                continue;
            }
            if t.is_boxed() {
                let h = t.header();
                let n = header_arity(h);
                words += 1 + n;
                match header_subtag(h) {
                    subtag::TUPLE => stack.extend_from_slice(boxed::tuple_elems(t)),
                    subtag::FUN | subtag::MAP => {
                        for i in 2..=n {
                            stack.push(Term(t.boxed_word(i)));
                        }
                    }
                    subtag::SUB_BINARY => stack.push(Term(t.boxed_word(3))),
                    subtag::MATCH_STATE => {
                        // A match context is copied as the binary it matches.
                        words -= 1 + n;
                        words += 4;
                        stack.push(Term(t.boxed_word(1)));
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
    if t.is_immediate() || t.is_nil() {
        return t;
    }
    copy_rec(heap, t)
}

fn copy_rec(heap: &mut Heap, t: Term) -> Term {
    if t.is_list() {
        // Copy the spine iteratively, heads recursively.
        let mut items = Vec::new();
        let mut c = t;
        while c.is_list() {
            items.push(c.head());
            c = c.tail();
        }
        let tail = if c.is_immediate() || c.is_nil() {
            c
        } else {
            copy_rec(heap, c)
        };
        let heads: Vec<Term> = items
            .into_iter()
            .map(|h| {
                if h.is_immediate() || h.is_nil() {
                    h
                } else {
                    copy_rec(heap, h)
                }
            })
            .collect();
        return boxed::list_with_tail(heap, &heads, tail);
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
        let raw = t.boxed_word(2) as *const Vec<u8>;
        // SAFETY: the source heap holds a strong count, so the data is alive; we take another
        // count for the new heap.
        let data = unsafe {
            std::sync::Arc::increment_strong_count(raw);
            std::sync::Arc::from_raw(raw)
        };
        return boxed::refc_binary(heap, data);
    }
    // Copy the object's words, then replace its term words by copies.
    let src: Vec<Term> = (0..=n).map(|i| Term(t.boxed_word(i))).collect();
    let (first, last) = match st {
        subtag::TUPLE => (1, n),
        subtag::FUN | subtag::MAP => (2, n),
        subtag::SUB_BINARY => (3, 3),
        _ => (1, 0),
    };
    let mut words = src;
    for w in words.iter_mut().take(last.min(n) + 1).skip(first) {
        let e = *w;
        if !(e.is_immediate() || e.is_nil()) && e.primary_tag() != TAG_PRIMARY_HEADER {
            *w = copy_rec(heap, e);
        }
    }
    let p = heap.alloc(1 + n);
    // SAFETY: `alloc` returned 1 + n writable words.
    unsafe {
        std::ptr::copy_nonoverlapping(words.as_ptr(), p, 1 + n);
    }
    Term::make_boxed(p)
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
