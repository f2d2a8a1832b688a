//! The sizes OTP 25 (64-bit) reports for terms: `erts_debug:flat_size/1` (the words a copy of
//! the term takes, shared subterms counted at each occurrence, as `size_object` in `copy.c`)
//! and `erts_debug:size_shared/1` (each object counted once, literals not at all).
//!
//! Our objects are not all laid out as OTP's (our refs, funs and HAMT nodes are smaller), so the
//! counts are OTP's words for the object each of ours stands for, not our own words:
//!
//! | object                          | OTP words                                          |
//! |---------------------------------|----------------------------------------------------|
//! | cons cell                       | 2                                                  |
//! | tuple of n (`{}` is a global)   | 1 + n (`{}`: 0)                                    |
//! | float                           | 2                                                  |
//! | bignum of k 64-bit digits       | 1 + k                                              |
//! | local reference                 | 3                                                  |
//! | local fun with n free variables | 5 + n                                              |
//! | external fun (`fun m:f/a`)      | 5                                                  |
//! | heap binary of b bytes          | 2 + ceil(b / 8)                                    |
//! | refc binary (ProcBin)           | 6                                                  |
//! | sub binary                      | see [`sub_binary_words`]                           |
//! | external pid or port            | 4                                                  |
//! | external reference of n words   | 3 + (n + 2) / 2                                    |
//! | flatmap of n keys               | 3 + n, plus its keys tuple                         |
//! | HAMT head / node of c children  | 2 + c / 1 + c                                      |
//!
//! OTP 25's `size_shared` counts every HAMT head and node twice; so does [`size_shared`].

use super::{boxed, header_arity, subtag, Term};
use crate::heap::Heap;
use std::collections::HashSet;

/// Words of OTP's sub-binary object (`ERL_SUB_BIN_SIZE`).
const SUB_BIN_WORDS: usize = 5;
/// Words of OTP's refc-binary object (`PROC_BIN_SIZE`).
const PROC_BIN_WORDS: usize = 6;
/// Words of OTP's fun object without its free variables (`ERL_FUN_SIZE`).
const FUN_WORDS: usize = 5;

/// Words of a heap binary of `bytes` bytes (`heap_bin_size`).
fn heap_bin_words(bytes: usize) -> usize {
    2 + bytes.div_ceil(8)
}

/// OTP's words for a copy of a sub binary: whole bytes at a byte offset are copied as the
/// binary they are part of (a new ProcBin, or a heap binary of just those bytes); otherwise a
/// sub binary is copied too, with one or two extra bytes for the bits around the edges.
fn sub_binary_words(t: Term) -> usize {
    let size_bits = t.boxed_word(1) as usize;
    let offset_bits = t.boxed_word(2) as usize;
    let orig = Term(t.boxed_word(3));
    if size_bits % 8 == 0 && size_bits / 8 <= boxed::HEAP_BIN_LIMIT {
        // OTP 25 extracts such a part of a binary as a heap binary of its own.
        return heap_bin_words(size_bits / 8);
    }
    let edge = size_bits % 8 + offset_bits % 8;
    let (sub, extra) = match edge {
        0 => (0, 0),
        1..=8 => (SUB_BIN_WORDS, 1),
        _ => (SUB_BIN_WORDS, 2),
    };
    if orig.boxed_subtag() == subtag::REFC_BINARY {
        sub + PROC_BIN_WORDS
    } else {
        sub + heap_bin_words(size_bits / 8 + extra)
    }
}

/// The kind of a HAMT object by OTP's counting: `Some(true)` for a head, `Some(false)` for an
/// inner node, `None` for a flatmap.
fn hamt_kind(t: Term) -> Option<bool> {
    let w = t.boxed_word(1);
    if w >> 63 == 0 {
        None
    } else {
        Some((w >> 62) & 1 == 1)
    }
}

/// OTP's words for the object `t` points to (not its parts), and its term parts.
fn object(t: Term, parts: &mut Vec<Term>) -> usize {
    if t.is_list() {
        parts.push(t.head());
        parts.push(t.tail());
        return 2;
    }
    let h = t.header();
    let n = header_arity(h);
    match t.boxed_subtag() {
        subtag::TUPLE => {
            parts.extend_from_slice(boxed::tuple_elems(t));
            if n == 0 {
                0
            } else {
                1 + n
            }
        }
        subtag::FUN => {
            for i in 2..=n {
                parts.push(Term(t.boxed_word(i)));
            }
            FUN_WORDS + n - 1
        }
        subtag::EXPORT => FUN_WORDS,
        subtag::REF if boxed::reference_id(t) & boxed::PID_REF_BIT != 0 => 4,
        subtag::REF => 3,
        subtag::REFC_BINARY => PROC_BIN_WORDS,
        subtag::HEAP_BINARY => heap_bin_words(t.boxed_word(1) as usize),
        subtag::SUB_BINARY => sub_binary_words(t),
        subtag::MATCH_STATE => {
            parts.push(Term(t.boxed_word(1)));
            0
        }
        subtag::EXTERNAL_PID | subtag::EXTERNAL_PORT => 4,
        subtag::EXTERNAL_REF => 3 + (crate::term::external::ref_words(t).len() + 2) / 2,
        subtag::MAP => {
            for i in 2..=n {
                parts.push(Term(t.boxed_word(i)));
            }
            match hamt_kind(t) {
                None => 1 + n,
                Some(true) => 1 + n,
                Some(false) => n,
            }
        }
        // Floats and bignums are laid out as OTP's.
        _ => 1 + n,
    }
}

/// Whether `t` has words of its own (not an immediate or `[]`).
fn has_words(t: Term) -> bool {
    t.is_list() || t.is_boxed()
}

/// `erts_debug:flat_size/1`: OTP's words for a copy of `t`.
pub fn flat_size(t: Term) -> usize {
    let mut sum = 0;
    let mut stack = vec![t];
    let mut parts = Vec::new();
    while let Some(t) = stack.pop() {
        if !has_words(t) {
            continue;
        }
        sum += object(t, &mut parts);
        stack.append(&mut parts);
    }
    sum
}

/// `erts_debug:size_shared/1`: OTP's words for `t` with each object counted once and objects
/// outside `heap` (literals, persistent terms) not counted.
pub fn size_shared(t: Term, heap: &Heap) -> usize {
    let mut sum = 0;
    let mut seen: HashSet<u64> = HashSet::new();
    let mut stack = vec![t];
    let mut parts = Vec::new();
    while let Some(t) = stack.pop() {
        if !has_words(t) {
            continue;
        }
        let addr = t.0 & !3;
        if !heap.contains(addr as *const Term) || !seen.insert(addr) {
            continue;
        }
        let words = object(t, &mut parts);
        let twice = t.is_boxed() && t.boxed_subtag() == subtag::MAP && hamt_kind(t).is_some();
        sum += if twice { 2 * words } else { words };
        stack.append(&mut parts);
    }
    sum
}
