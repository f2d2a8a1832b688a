//! The term printer of `erlang:display/1` and of the runtime's own reports (OTP's
//! `erl_printf_term.c`, format `%T`). Output is bytes, exactly as the real BEAM writes them:
//! atoms as their UTF-8 text, string characters 160..255 as single latin-1 bytes.
//!
//! This module walks the term; `atom` owns atom quoting and `text` owns strings, binaries and
//! bitstrings. Other forms (checked against OTP 25):
//! * integers in decimal, floats as C's `%e` (`1.500000e+00`);
//! * `[a,b|c]`, `{a,b}`, `#{k=>v}` for flatmaps in key order; a large map shows its
//!   hash-trie nodes, `#<bitmap>{...}` for the head and `<bitmap>{...}` for inner nodes (hex
//!   bitmaps), with each leaf printed as the cons cell `[Key|Value]` it is, so as a list;
//! * `<0.N.S>`, `#Port<0.N>`, `#Ref<0.A.B.C>`, `#Fun<module.index.uniq>` (module unquoted),
//!   `fun m:f/a` (atoms quoted), `#MatchState`.
//!
//! Printing uses an explicit work stack, so deeply nested terms cannot overflow the stack.

mod atom;
mod text;

pub use atom::write_atom as atom;

use crate::map::{self, MapView};
use crate::module::{Export, FunEntry};
use crate::term::boxed;
use crate::term::{subtag, Term};

/// The bytes `erlang:display/1` prints for `t` (without the line end).
pub fn display_bytes(t: Term) -> Vec<u8> {
    let mut out = Vec::new();
    write_term(&mut out, t);
    out
}

/// [`display_bytes`] as a string (lossy for latin-1 bytes), for diagnostics.
pub fn display_string(t: Term) -> String {
    String::from_utf8_lossy(&display_bytes(t)).into_owned()
}

/// What is left to print, innermost last.
enum Work {
    Term(Term),
    Text(&'static str),
    /// The rest of a list after an element: `,Elem...`, `|Tail]` or `]`.
    ListRest(Term),
    /// Elements `i..` of tuple `t` (after the first).
    TupleRest(Term, usize),
    /// Pairs `i..` of flatmap `m`.
    FlatRest(Term, usize),
    /// Children `i..` of HAMT head or node `m`.
    HamtRest(Term, usize),
}

fn write_term(out: &mut Vec<u8>, t: Term) {
    let mut stack = vec![Work::Term(t)];
    while let Some(w) = stack.pop() {
        match w {
            Work::Text(s) => out.extend_from_slice(s.as_bytes()),
            Work::Term(t) => term(out, &mut stack, t),
            Work::ListRest(rest) => {
                if rest.is_list() {
                    out.push(b',');
                    stack.push(Work::ListRest(rest.tail()));
                    stack.push(Work::Term(rest.head()));
                } else if rest.is_nil() {
                    out.push(b']');
                } else {
                    out.push(b'|');
                    stack.push(Work::Text("]"));
                    stack.push(Work::Term(rest));
                }
            }
            Work::TupleRest(t, i) => match boxed::tuple_elems(t).get(i) {
                Some(&e) => {
                    out.push(b',');
                    stack.push(Work::TupleRest(t, i + 1));
                    stack.push(Work::Term(e));
                }
                None => out.push(b'}'),
            },
            Work::FlatRest(m, i) => {
                let (keys, values) = match map::view(m) {
                    MapView::Flat { keys, values } => (keys, values),
                    MapView::Hamt { .. } => (&[][..], &[][..]),
                };
                match (keys.get(i), values.get(i)) {
                    (Some(&k), Some(&v)) => {
                        if i > 0 {
                            out.push(b',');
                        }
                        stack.push(Work::FlatRest(m, i + 1));
                        stack.push(Work::Term(v));
                        stack.push(Work::Text("=>"));
                        stack.push(Work::Term(k));
                    }
                    _ => out.push(b'}'),
                }
            }
            Work::HamtRest(m, i) => {
                let children = match map::view(m) {
                    MapView::Hamt { children, .. } => children,
                    MapView::Flat { .. } => &[][..],
                };
                match children.get(i) {
                    Some(&c) => {
                        if i > 0 {
                            out.push(b',');
                        }
                        stack.push(Work::HamtRest(m, i + 1));
                        // A leaf is a cons cell and prints as any list; a node is a map object.
                        stack.push(Work::Term(c));
                    }
                    None => out.push(b'}'),
                }
            }
        }
    }
}

fn term(out: &mut Vec<u8>, stack: &mut Vec<Work>, t: Term) {
    if let Some(v) = t.as_small() {
        out.extend_from_slice(v.to_string().as_bytes());
    } else if let Some(a) = t.as_atom() {
        atom::write_atom(out, a.name());
    } else if t.is_nil() {
        out.extend_from_slice(b"[]");
    } else if t.is_list() {
        if let Some(s) = text::printable_list(t) {
            text::write_string(out, &s);
        } else {
            out.push(b'[');
            stack.push(Work::ListRest(t.tail()));
            stack.push(Work::Term(t.head()));
        }
    } else if t.is_local_pid() {
        let (n, s) = boxed::pid_fields(t.pid_number());
        out.extend_from_slice(format!("<0.{n}.{s}>").as_bytes());
    } else if t.is_local_port() {
        out.extend_from_slice(format!("#Port<0.{}>", t.port_number()).as_bytes());
    } else if let Some(s) = crate::term::external::text(t) {
        out.extend_from_slice(s.as_bytes());
    } else if t.is_boxed() {
        boxed_term(out, stack, t);
    } else {
        unknown(out, t);
    }
}

/// A word that is no printable term (OTP prints `<unknown:address>`).
fn unknown(out: &mut Vec<u8>, t: Term) {
    out.extend_from_slice(format!("<unknown:{:#x}>", t.raw()).as_bytes());
}

fn boxed_term(out: &mut Vec<u8>, stack: &mut Vec<Work>, t: Term) {
    match t.boxed_subtag() {
        subtag::TUPLE => {
            out.push(b'{');
            match boxed::tuple_elems(t).first() {
                Some(&e) => {
                    stack.push(Work::TupleRest(t, 1));
                    stack.push(Work::Term(e));
                }
                None => out.push(b'}'),
            }
        }
        subtag::FLOAT => {
            out.extend_from_slice(crate::float_fmt::format_e(boxed::float_value(t), 6).as_bytes())
        }
        subtag::POS_BIG | subtag::NEG_BIG => match crate::bignum::to_bigint(t) {
            Some(b) => out.extend_from_slice(b.to_string().as_bytes()),
            None => unknown(out, t),
        },
        subtag::MAP => match map::view(t) {
            MapView::Flat { .. } => {
                out.extend_from_slice(b"#{");
                stack.push(Work::FlatRest(t, 0));
            }
            MapView::Hamt { head, bitmap, .. } => {
                let hash = if head { "#" } else { "" };
                out.extend_from_slice(format!("{hash}<{bitmap:x}>{{").as_bytes());
                stack.push(Work::HamtRest(t, 0));
            }
        },
        subtag::REFC_BINARY | subtag::HEAP_BINARY | subtag::SUB_BINARY => {
            text::write_bitstring(out, t)
        }
        subtag::REF => {
            let [w0, w1, w2] = boxed::ref_words(boxed::reference_id(t));
            out.extend_from_slice(format!("#Ref<0.{w2}.{w1}.{w0}>").as_bytes());
        }
        subtag::FUN => {
            // SAFETY: word 1 of a fun object is a `&'static FunEntry`.
            let fe = unsafe { &*(t.boxed_word(1) as *const FunEntry) };
            out.extend_from_slice(
                format!("#Fun<{}.{}.{}>", fe.module.name(), fe.index, fe.old_uniq).as_bytes(),
            );
        }
        subtag::EXPORT => {
            // SAFETY: word 1 of an export fun object is a `&'static Export`.
            let e = unsafe { &*(t.boxed_word(1) as *const Export) };
            out.extend_from_slice(b"fun ");
            atom::write_atom(out, e.mfa.module.name());
            out.push(b':');
            atom::write_atom(out, e.mfa.function.name());
            out.extend_from_slice(format!("/{}", e.mfa.arity).as_bytes());
        }
        subtag::MATCH_STATE => out.extend_from_slice(b"#MatchState"),
        _ => unknown(out, t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heap::Heap;

    #[test]
    fn lists_and_tuples() {
        let mut h = Heap::default();
        let s = boxed::string(&mut h, "a\nb\tc\"".chars().map(|c| c as u32));
        assert_eq!(display_string(s), "\"a\\nb\tc\\\"\"");
        let l = boxed::string(&mut h, [27u32, 11]);
        assert_eq!(display_string(l), "[27,11]");
        let improper = boxed::cons(&mut h, Term::small(1), Term::small(-2));
        assert_eq!(display_string(improper), "[1|-2]");
        let ab = boxed::string(&mut h, [97u32, 98]);
        let leaf = boxed::cons(&mut h, Term::small(120), ab);
        assert_eq!(display_string(leaf), "\"xab\"");
        let t = boxed::tuple(&mut h, &[Term::NIL, improper, Term::small(3)]);
        assert_eq!(display_string(t), "{[],[1|-2],3}");
        let e = boxed::tuple(&mut h, &[]);
        assert_eq!(display_string(e), "{}");
    }

    #[test]
    fn deep_nesting_does_not_recurse() {
        let mut h = Heap::default();
        let mut t = Term::NIL;
        for _ in 0..200_000 {
            t = boxed::cons(&mut h, t, Term::NIL);
        }
        let out = display_bytes(t);
        assert_eq!(out.len(), 2 * 200_000 + 2);
        let mut u = Term::small(0);
        for _ in 0..200_000 {
            u = boxed::tuple(&mut h, &[u]);
        }
        assert_eq!(display_bytes(u).len(), 2 * 200_000 + 1);
    }

    #[test]
    fn binaries() {
        let mut h = Heap::default();
        let b = boxed::binary(&mut h, b"a\\b");
        assert_eq!(display_string(b), "<<\"a\\b\">>");
        let b2 = boxed::binary(&mut h, &[9]);
        assert_eq!(display_string(b2), "<<9>>");
        let e = boxed::binary(&mut h, &[]);
        assert_eq!(display_string(e), "<<>>");
    }
}
