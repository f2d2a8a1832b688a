//! Pids, ports and references of other nodes (OTP's external things, `erl_node_tables`):
//! what `binary_to_term` makes of a `NEW_PID_EXT`, `V4_PORT_EXT` or `NEWER_REFERENCE_EXT` that
//! does not name this node. They carry the node name, its creation and the numbers as sent,
//! so they print, compare, hash and re-encode as OTP's do; nothing can be sent to them until
//! distribution exists.
//!
//! Layouts (words after the header; word 1 is the only term word, the rest are raw):
//!
//! | object        | words                                                           |
//! |---------------|-----------------------------------------------------------------|
//! | external pid  | node atom, creation, `id | serial << 32`                         |
//! | external port | node atom, creation, the 64-bit port number                      |
//! | external ref  | node atom, creation, n (0..=5), the n 32-bit words two per word  |

use super::{make_header, subtag, Term};
use crate::atom::Atom;
use crate::heap::Heap;

/// The most 32-bit words a reference carries (OTP's `ERTS_MAX_REF_NUMBERS`).
pub const MAX_REF_WORDS: usize = 5;

fn alloc(heap: &mut Heap, st: u64, words: &[u64]) -> Term {
    let p = heap.alloc(1 + words.len());
    // SAFETY: `alloc` returned 1 + len writable words.
    unsafe {
        *p = Term(make_header(st, words.len()));
        for (i, &w) in words.iter().enumerate() {
            *p.add(1 + i) = Term(w);
        }
    }
    Term::make_boxed(p)
}

/// A pid `<N.Id.Serial>` of node `node` with creation `creation`.
pub fn pid(heap: &mut Heap, node: Atom, creation: u32, id: u32, serial: u32) -> Term {
    let number = id as u64 | (serial as u64) << 32;
    alloc(
        heap,
        subtag::EXTERNAL_PID,
        &[Term::atom(node).0, creation as u64, number],
    )
}

/// The words of an external pid object (header first), for objects kept outside any heap
/// (the distribution's table of remote processes, [`crate::dist::remote`]).
pub fn pid_words(node: Atom, creation: u32, id: u32, serial: u32) -> [u64; 4] {
    [
        make_header(subtag::EXTERNAL_PID, 3),
        Term::atom(node).0,
        creation as u64,
        id as u64 | (serial as u64) << 32,
    ]
}

/// A port `#Port<N.Id>` of node `node`.
pub fn port(heap: &mut Heap, node: Atom, creation: u32, id: u64) -> Term {
    alloc(
        heap,
        subtag::EXTERNAL_PORT,
        &[Term::atom(node).0, creation as u64, id],
    )
}

/// A reference of node `node` with at most 5 words (caller checked the count).
pub fn reference(heap: &mut Heap, node: Atom, creation: u32, ws: &[u32]) -> Term {
    debug_assert!(ws.len() <= MAX_REF_WORDS);
    let mut words = vec![Term::atom(node).0, creation as u64, ws.len() as u64];
    for pair in ws.chunks(2) {
        words.push(pair[0] as u64 | (*pair.get(1).unwrap_or(&0) as u64) << 32);
    }
    alloc(heap, subtag::EXTERNAL_REF, &words)
}

/// The node of an external pid, port or reference.
pub fn node(t: Term) -> Atom {
    Term(t.boxed_word(1))
        .as_atom()
        .unwrap_or(crate::atom::NONODE)
}

/// The creation of an external pid, port or reference.
pub fn creation(t: Term) -> u32 {
    t.boxed_word(2) as u32
}

/// `(id, serial)` of an external pid.
pub fn pid_fields(t: Term) -> (u32, u32) {
    let w = t.boxed_word(3);
    (w as u32, (w >> 32) as u32)
}

/// The number of an external port.
pub fn port_number(t: Term) -> u64 {
    t.boxed_word(3)
}

/// The 32-bit words of an external reference, first word first.
pub fn ref_words(t: Term) -> Vec<u32> {
    let n = (t.boxed_word(3) as usize).min(MAX_REF_WORDS);
    (0..n)
        .map(|i| {
            let w = t.boxed_word(4 + i / 2);
            if i % 2 == 0 {
                w as u32
            } else {
                (w >> 32) as u32
            }
        })
        .collect()
}

/// The number OTP prints for a node in pids, ports and references (its "channel"): 0 for
/// this node, otherwise the index of the node name in the atom table (so it differs from
/// OTP's numbers, whose atom tables differ).
pub fn channel(t: Term) -> u32 {
    let n = node(t);
    if n == crate::dist::node::name() {
        0
    } else {
        n.0
    }
}

/// The printed form of an external pid, port or reference (`<C.Id.Serial>`, `#Port<C.N>`,
/// `#Ref<C.Wn.....W0>`), `None` for any other term.
pub fn text(t: Term) -> Option<String> {
    if !t.is_boxed() {
        return None;
    }
    let c = channel(t);
    match t.boxed_subtag() {
        subtag::EXTERNAL_PID => {
            let (id, serial) = pid_fields(t);
            Some(format!("<{c}.{id}.{serial}>"))
        }
        subtag::EXTERNAL_PORT => Some(format!("#Port<{c}.{}>", port_number(t))),
        subtag::EXTERNAL_REF => {
            let mut s = format!("#Ref<{c}");
            for w in ref_words(t).iter().rev() {
                s.push_str(&format!(".{w}"));
            }
            s.push('>');
            Some(s)
        }
        _ => None,
    }
}
