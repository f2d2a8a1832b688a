//! The term printer of `erlang:display/1` and of the runtime's own reports (OTP's
//! `erl_printf_term.c`, format `%T`). Output is bytes: atoms are written as their UTF-8 text,
//! string characters 160..255 as raw latin-1 bytes, exactly as the real BEAM writes them.
//!
//! Rules (checked against OTP 25):
//! * an atom is quoted unless it starts with a lower-case latin-1 letter and has only latin-1
//!   letters, digits and `_`; inside quotes `'`, `\` and control characters are escaped;
//! * a list prints as a string when every element is a printable latin-1 character
//!   (32..126, 160..255, `\t`, `\n`, `\r`); only `"` and newline are escaped;
//! * a binary prints as `<<"...">>` when every byte is in 32..126, else as bytes;
//! * floats use C's `%e`; large maps show their hash-trie nodes (`#<bitmap>{...}`).
//!
//! Printing uses an explicit work stack, so deeply nested terms cannot overflow the stack.

use crate::map::{self, MapView};
use crate::module::{Export, FunEntry};
use crate::term::boxed;
use crate::term::{header_arity, subtag, Term};

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

enum Work {
    Term(Term),
    Text(&'static str),
    /// The rest of a list after an element: `,Elem...`, `|Tail` or `]`.
    ListRest(Term),
    /// Elements `i..` of tuple `t`.
    TupleRest(Term, usize),
    /// Pairs `i..` of flatmap `m`.
    FlatRest(Term, usize),
    /// Children `i..` of HAMT node `m`.
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
            Work::TupleRest(t, i) => {
                let el = boxed::tuple_elems(t);
                if i < el.len() {
                    out.push(b',');
                    stack.push(Work::TupleRest(t, i + 1));
                    stack.push(Work::Term(el[i]));
                } else {
                    out.push(b'}');
                }
            }
            Work::FlatRest(m, i) => {
                if let MapView::Flat { keys, values } = map::view(m) {
                    if i < keys.len() {
                        if i > 0 {
                            out.push(b',');
                        }
                        stack.push(Work::FlatRest(m, i + 1));
                        stack.push(Work::Term(values[i]));
                        stack.push(Work::Text("=>"));
                        stack.push(Work::Term(keys[i]));
                    } else {
                        out.push(b'}');
                    }
                }
            }
            Work::HamtRest(m, i) => {
                if let MapView::Hamt { children, .. } = map::view(m) {
                    if i < children.len() {
                        if i > 0 {
                            out.push(b',');
                        }
                        stack.push(Work::HamtRest(m, i + 1));
                        let c = children[i];
                        if c.is_list() {
                            // A leaf: printed as the cons cell `[K|V]` it is.
                            stack.push(Work::Text("]"));
                            stack.push(Work::Term(c.tail()));
                            stack.push(Work::Text("|"));
                            stack.push(Work::Term(c.head()));
                            stack.push(Work::Text("["));
                        } else {
                            hamt_node(out, &mut stack, c, false);
                        }
                    } else {
                        out.push(b'}');
                    }
                }
            }
        }
    }
}

fn hamt_node(out: &mut Vec<u8>, stack: &mut Vec<Work>, m: Term, top: bool) {
    if let MapView::Hamt { bitmap, .. } = map::view(m) {
        if top {
            out.push(b'#');
        }
        out.extend_from_slice(format!("<{bitmap:x}>{{").as_bytes());
        stack.push(Work::HamtRest(m, 0));
    }
}

fn term(out: &mut Vec<u8>, stack: &mut Vec<Work>, t: Term) {
    if let Some(v) = t.as_small() {
        out.extend_from_slice(v.to_string().as_bytes());
    } else if let Some(a) = t.as_atom() {
        atom(out, a.name());
    } else if t.is_nil() {
        out.extend_from_slice(b"[]");
    } else if t.is_list() {
        if let Some(s) = printable_list(t) {
            string(out, &s);
        } else {
            out.push(b'[');
            stack.push(Work::ListRest(t.tail()));
            stack.push(Work::Term(t.head()));
        }
    } else if t.is_local_pid() {
        let (n, s) = boxed::pid_fields(t.pid_number());
        out.extend_from_slice(format!("<0.{n}.{s}>").as_bytes());
    } else if t.is_port() {
        out.extend_from_slice(format!("#Port<0.{}>", t.port_number()).as_bytes());
    } else if t.is_boxed() {
        boxed_term(out, stack, t);
    } else {
        out.extend_from_slice(format!("<unknown:{:#x}>", t.0).as_bytes());
    }
}

fn boxed_term(out: &mut Vec<u8>, stack: &mut Vec<Work>, t: Term) {
    match t.boxed_subtag() {
        subtag::TUPLE => {
            let el = boxed::tuple_elems(t);
            out.push(b'{');
            if el.is_empty() {
                out.push(b'}');
            } else {
                stack.push(Work::TupleRest(t, 1));
                stack.push(Work::Term(el[0]));
            }
        }
        subtag::FLOAT => {
            out.extend_from_slice(crate::float_fmt::format_e(boxed::float_value(t), 6).as_bytes())
        }
        subtag::POS_BIG | subtag::NEG_BIG => {
            if let Some(b) = crate::bignum::to_bigint(t) {
                out.extend_from_slice(b.to_string().as_bytes());
            }
        }
        subtag::MAP => match map::view(t) {
            MapView::Flat { .. } => {
                out.extend_from_slice(b"#{");
                stack.push(Work::FlatRest(t, 0));
            }
            MapView::Hamt { .. } => hamt_node(out, stack, t, true),
        },
        subtag::REFC_BINARY | subtag::HEAP_BINARY | subtag::SUB_BINARY => bitstring(out, t),
        subtag::REF => {
            let w = boxed::ref_words(boxed::reference_id(t));
            out.extend_from_slice(format!("#Ref<0.{}.{}.{}>", w[2], w[1], w[0]).as_bytes());
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
            atom(out, e.mfa.module.name());
            out.push(b':');
            atom(out, e.mfa.function.name());
            out.extend_from_slice(format!("/{}", e.mfa.arity).as_bytes());
        }
        subtag::MATCH_STATE => out.extend_from_slice(b"#MatchState"),
        _ => {
            let n = header_arity(t.header());
            out.extend_from_slice(format!("<boxed:{n}>").as_bytes());
        }
    }
}

fn bitstring(out: &mut Vec<u8>, t: Term) {
    let v = boxed::bitstring_view(t);
    let bytes = v.to_vec();
    let whole = v.size_bits / 8;
    let rest = v.size_bits % 8;
    out.extend_from_slice(b"<<");
    if rest == 0 && whole > 0 && bytes[..whole].iter().all(|b| (32..=126).contains(b)) {
        out.push(b'"');
        for &b in &bytes[..whole] {
            if b == b'"' {
                out.push(b'\\');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        for (i, b) in bytes[..whole].iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b.to_string().as_bytes());
        }
        if rest > 0 {
            if whole > 0 {
                out.push(b',');
            }
            let last = bytes[whole] >> (8 - rest);
            out.extend_from_slice(format!("{last}:{rest}").as_bytes());
        }
    }
    out.extend_from_slice(b">>");
}

/// The characters of `t` when it is a printable latin-1 string.
fn printable_list(t: Term) -> Option<Vec<u8>> {
    let mut s = Vec::new();
    let mut c = t;
    while c.is_list() {
        let ch = c.head().as_small()?;
        if !matches!(ch, 9 | 10 | 13 | 32..=126 | 160..=255) {
            return None;
        }
        s.push(ch as u8);
        c = c.tail();
    }
    if c.is_nil() {
        Some(s)
    } else {
        None
    }
}

fn string(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    for &b in s {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\n' => out.extend_from_slice(b"\\n"),
            _ => out.push(b),
        }
    }
    out.push(b'"');
}

fn is_latin1_lower(c: char) -> bool {
    c.is_ascii_lowercase() || (('\u{df}'..='\u{ff}').contains(&c) && c != '\u{f7}')
}

fn is_atom_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || c == '_'
        || (('\u{c0}'..='\u{ff}').contains(&c) && c != '\u{d7}' && c != '\u{f7}')
}

/// Writes an atom's text, quoted when OTP's printer quotes it.
pub fn atom(out: &mut Vec<u8>, name: &str) {
    let mut chars = name.chars();
    let plain = match chars.next() {
        Some(c) => is_latin1_lower(c) && chars.all(is_atom_char),
        None => false,
    };
    if plain {
        out.extend_from_slice(name.as_bytes());
        return;
    }
    out.push(b'\'');
    for c in name.chars() {
        match c {
            '\'' => out.extend_from_slice(b"\\'"),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\u{c}' => out.extend_from_slice(b"\\f"),
            '\t' => out.extend_from_slice(b"\\t"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\u{8}' => out.extend_from_slice(b"\\b"),
            '\u{b}' => out.extend_from_slice(b"\\v"),
            c if (c as u32) < 32 => out.extend_from_slice(format!("\\{:03o}", c as u32).as_bytes()),
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out.push(b'\'');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atom_text(s: &str) -> String {
        let mut v = Vec::new();
        atom(&mut v, s);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn atom_quoting() {
        assert_eq!(atom_text("abc"), "abc");
        assert_eq!(atom_text("and"), "and");
        assert_eq!(atom_text("Abc"), "'Abc'");
        assert_eq!(atom_text("a b"), "'a b'");
        assert_eq!(atom_text("a@b"), "'a@b'");
        assert_eq!(atom_text(""), "''");
        assert_eq!(atom_text("é"), "é");
        assert_eq!(atom_text("ñandu"), "ñandu");
        assert_eq!(atom_text("Ñandu"), "'Ñandu'");
        assert_eq!(atom_text("α"), "'α'");
        assert_eq!(atom_text("it's"), "'it\\'s'");
        assert_eq!(atom_text("\\"), "'\\\\'");
        assert_eq!(atom_text("a\tb"), "'a\\tb'");
        assert_eq!(atom_text("_x"), "'_x'");
        assert_eq!(atom_text("9a"), "'9a'");
    }

    #[test]
    fn strings_and_binaries() {
        let mut h = crate::heap::Heap::default();
        let s = boxed::string(&mut h, "a\nb\tc\"".chars().map(|c| c as u32));
        assert_eq!(display_string(s), "\"a\\nb\tc\\\"\"");
        let l = boxed::string(&mut h, [27u32, 11]);
        assert_eq!(display_string(l), "[27,11]");
        let b = boxed::binary(&mut h, b"a\\b");
        assert_eq!(display_string(b), "<<\"a\\b\">>");
        let b2 = boxed::binary(&mut h, &[9]);
        assert_eq!(display_string(b2), "<<9>>");
        let e = boxed::binary(&mut h, &[]);
        assert_eq!(display_string(e), "<<>>");
    }
}
