//! `term_to_binary` encoding (OTP's `erts_term_to_binary` in `external.c`), byte for byte
//! as OTP 25 writes terms for a node that is not distributed (`nonode@nohost`, creation 0).

use super::tags::*;
use crate::atom::Atom;
use crate::map;
use crate::module::{Export, FunEntry};
use crate::term::boxed;
use crate::term::external;
use crate::term::{header_arity, subtag, Term};

/// Encoding options.
#[derive(Clone, Copy)]
pub struct EncodeOpts {
    /// `{minor_version, N}`: 0 writes floats as text, below 2 writes latin-1 atoms as
    /// `ATOM_EXT`.
    pub minor_version: u8,
    /// `deterministic`: map pairs in map key order (integers before floats) rather than in
    /// the internal order of hash maps.
    pub deterministic: bool,
}

impl Default for EncodeOpts {
    fn default() -> Self {
        EncodeOpts {
            minor_version: 1,
            deterministic: false,
        }
    }
}

/// The external format of `t` including the version byte (uncompressed).
pub fn encode(t: Term, opts: EncodeOpts) -> Vec<u8> {
    let mut out = vec![VERSION_MAGIC];
    encode_into(&mut out, t, opts);
    out
}

enum Work {
    Term(Term),
    /// A list tail still to write.
    Tail(Term),
}

/// Writes `t` (no version byte) to `out`.
pub fn encode_into(out: &mut Vec<u8>, t: Term, opts: EncodeOpts) {
    let mut stack = vec![Work::Term(t)];
    while let Some(w) = stack.pop() {
        let t = match w {
            Work::Term(t) | Work::Tail(t) => t,
        };
        term(out, &mut stack, t, opts);
    }
}

fn atom_ext(out: &mut Vec<u8>, a: Atom, opts: EncodeOpts) {
    let name = a.name();
    if opts.minor_version < 2 {
        if let Some(latin1) = to_latin1(name) {
            out.push(ATOM_EXT);
            out.extend_from_slice(&(latin1.len() as u16).to_be_bytes());
            out.extend_from_slice(&latin1);
            return;
        }
    }
    let b = name.as_bytes();
    if b.len() < 256 {
        out.push(SMALL_ATOM_UTF8_EXT);
        out.push(b.len() as u8);
    } else {
        out.push(ATOM_UTF8_EXT);
        out.extend_from_slice(&(b.len() as u16).to_be_bytes());
    }
    out.extend_from_slice(b);
}

fn to_latin1(s: &str) -> Option<Vec<u8>> {
    s.chars().map(|c| u8::try_from(c as u32).ok()).collect()
}

fn integer(out: &mut Vec<u8>, v: i64) {
    if (0..=255).contains(&v) {
        out.push(SMALL_INTEGER_EXT);
        out.push(v as u8);
    } else if let Ok(i) = i32::try_from(v) {
        out.push(INTEGER_EXT);
        out.extend_from_slice(&i.to_be_bytes());
    } else {
        let (neg, mag) = (v < 0, v.unsigned_abs());
        let bytes: Vec<u8> = mag
            .to_le_bytes()
            .into_iter()
            .rev()
            .skip_while(|b| *b == 0)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        big(out, neg, &bytes);
    }
}

fn big(out: &mut Vec<u8>, neg: bool, le_bytes: &[u8]) {
    if le_bytes.len() < 256 {
        out.push(SMALL_BIG_EXT);
        out.push(le_bytes.len() as u8);
    } else {
        out.push(LARGE_BIG_EXT);
        out.extend_from_slice(&(le_bytes.len() as u32).to_be_bytes());
    }
    out.push(neg as u8);
    out.extend_from_slice(le_bytes);
}

/// This node's name (the creation follows the numbers, see [`creation`]).
fn node(out: &mut Vec<u8>, opts: EncodeOpts) {
    atom_ext(out, crate::dist::node::name(), opts);
}

/// This node's creation, as the last field of a local pid or port (or after a
/// reference's node).
fn creation(out: &mut Vec<u8>) {
    out.extend_from_slice(&crate::dist::node::creation().to_be_bytes());
}

/// A proper list of bytes no longer than 65535 (written as `STRING_EXT`).
fn byte_string(t: Term) -> Option<Vec<u8>> {
    let mut v = Vec::new();
    let mut c = t;
    while c.is_list() {
        let b = c.head().as_small().filter(|b| (0..=255).contains(b))?;
        v.push(b as u8);
        if v.len() > 65535 {
            return None;
        }
        c = c.tail();
    }
    c.is_nil().then_some(v)
}

fn term(out: &mut Vec<u8>, stack: &mut Vec<Work>, t: Term, opts: EncodeOpts) {
    if let Some(v) = t.as_small() {
        integer(out, v);
    } else if let Some(a) = t.as_atom() {
        atom_ext(out, a, opts);
    } else if t.is_nil() {
        out.push(NIL_EXT);
    } else if t.is_list() {
        if let Some(s) = byte_string(t) {
            out.push(STRING_EXT);
            out.extend_from_slice(&(s.len() as u16).to_be_bytes());
            out.extend_from_slice(&s);
            return;
        }
        let mut items = Vec::new();
        let mut c = t;
        while c.is_list() {
            items.push(c.head());
            c = c.tail();
        }
        out.push(LIST_EXT);
        out.extend_from_slice(&(items.len() as u32).to_be_bytes());
        stack.push(Work::Tail(c));
        for &i in items.iter().rev() {
            stack.push(Work::Term(i));
        }
    } else if t.is_local_pid() {
        let (n, s) = boxed::pid_fields(t.pid_number());
        out.push(NEW_PID_EXT);
        node(out, opts);
        out.extend_from_slice(&n.to_be_bytes());
        out.extend_from_slice(&s.to_be_bytes());
        creation(out);
    } else if t.is_local_port() {
        out.push(NEW_PORT_EXT);
        node(out, opts);
        out.extend_from_slice(&(t.port_number() as u32).to_be_bytes());
        creation(out);
    } else if t.is_boxed() {
        boxed_term(out, stack, t, opts);
    }
}

fn boxed_term(out: &mut Vec<u8>, stack: &mut Vec<Work>, t: Term, opts: EncodeOpts) {
    match t.boxed_subtag() {
        subtag::TUPLE => {
            let el = boxed::tuple_elems(t);
            if el.len() < 256 {
                out.push(SMALL_TUPLE_EXT);
                out.push(el.len() as u8);
            } else {
                out.push(LARGE_TUPLE_EXT);
                out.extend_from_slice(&(el.len() as u32).to_be_bytes());
            }
            for &e in el.iter().rev() {
                stack.push(Work::Term(e));
            }
        }
        subtag::FLOAT => {
            let f = boxed::float_value(t);
            if opts.minor_version == 0 {
                out.push(FLOAT_EXT);
                let mut s = crate::float_fmt::format_e(f, 20).into_bytes();
                s.resize(31, 0);
                out.extend_from_slice(&s);
            } else {
                out.push(NEW_FLOAT_EXT);
                out.extend_from_slice(&f.to_bits().to_be_bytes());
            }
        }
        subtag::POS_BIG | subtag::NEG_BIG => {
            let neg = crate::bignum::is_negative(t);
            let mut bytes: Vec<u8> = crate::bignum::limbs(t)
                .iter()
                .flat_map(|l| l.to_le_bytes())
                .collect();
            while bytes.last() == Some(&0) {
                bytes.pop();
            }
            big(out, neg, &bytes);
        }
        subtag::MAP => {
            let pairs = if opts.deterministic {
                map::sorted_pairs(t)
            } else {
                map::iter_pairs(t)
            };
            out.push(MAP_EXT);
            out.extend_from_slice(&(pairs.len() as u32).to_be_bytes());
            for (k, v) in pairs.iter().rev() {
                stack.push(Work::Term(*v));
                stack.push(Work::Term(*k));
            }
        }
        subtag::REFC_BINARY | subtag::HEAP_BINARY | subtag::SUB_BINARY => {
            let v = boxed::bitstring_view(t);
            let bytes = v.to_vec();
            let rest = v.size_bits % 8;
            if rest == 0 {
                out.push(BINARY_EXT);
                out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
                out.extend_from_slice(&bytes);
            } else {
                out.push(BIT_BINARY_EXT);
                out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
                out.push(rest as u8);
                let mut bytes = bytes;
                if let Some(last) = bytes.last_mut() {
                    *last &= 0xffu8 << (8 - rest);
                }
                out.extend_from_slice(&bytes);
            }
        }
        subtag::REF => {
            let w = boxed::ref_words(boxed::reference_id(t));
            out.push(NEWER_REFERENCE_EXT);
            out.extend_from_slice(&3u16.to_be_bytes());
            node(out, opts);
            creation(out);
            for x in w {
                out.extend_from_slice(&x.to_be_bytes());
            }
        }
        subtag::EXPORT => {
            // SAFETY: word 1 of an export fun object is a `&'static Export`.
            let e = unsafe { &*(t.boxed_word(1) as *const Export) };
            out.push(EXPORT_EXT);
            atom_ext(out, e.mfa.module, opts);
            atom_ext(out, e.mfa.function, opts);
            integer(out, e.mfa.arity as i64);
        }
        subtag::FUN => {
            // SAFETY: word 1 of a fun object is a `&'static FunEntry`.
            let fe = unsafe { &*(t.boxed_word(1) as *const FunEntry) };
            let nfree = header_arity(t.header()) - 1;
            // The size covers the whole fun; it is patched once the free variables are out.
            let start = out.len();
            out.push(NEW_FUN_EXT);
            out.extend_from_slice(&0u32.to_be_bytes());
            out.push(fe.arity as u8);
            out.extend_from_slice(&fe.new_uniq);
            out.extend_from_slice(&fe.index.to_be_bytes());
            out.extend_from_slice(&(nfree as u32).to_be_bytes());
            atom_ext(out, fe.module, opts);
            integer(out, fe.index as i64);
            integer(out, fe.old_uniq as i64);
            // The creator pid is not kept in funs here; OTP 25 writes the creating process.
            out.push(NEW_PID_EXT);
            node(out, opts);
            out.extend_from_slice(&[0; 8]);
            creation(out);
            for i in 0..nfree {
                encode_into(out, Term(t.boxed_word(2 + i)), opts);
            }
            // OTP's size counts from the size field on (not the tag byte).
            let size = (out.len() - start - 1) as u32;
            out[start + 1..start + 5].copy_from_slice(&size.to_be_bytes());
        }
        subtag::EXTERNAL_PID => {
            let (id, serial) = external::pid_fields(t);
            out.push(NEW_PID_EXT);
            atom_ext(out, external::node(t), opts);
            out.extend_from_slice(&id.to_be_bytes());
            out.extend_from_slice(&serial.to_be_bytes());
            out.extend_from_slice(&external::creation(t).to_be_bytes());
        }
        subtag::EXTERNAL_PORT => {
            // As OTP: the 32-bit form when the number fits, else `V4_PORT_EXT`.
            let n = external::port_number(t);
            match u32::try_from(n) {
                Ok(small) => {
                    out.push(NEW_PORT_EXT);
                    atom_ext(out, external::node(t), opts);
                    out.extend_from_slice(&small.to_be_bytes());
                }
                Err(_) => {
                    out.push(V4_PORT_EXT);
                    atom_ext(out, external::node(t), opts);
                    out.extend_from_slice(&n.to_be_bytes());
                }
            }
            out.extend_from_slice(&external::creation(t).to_be_bytes());
        }
        subtag::EXTERNAL_REF => {
            let ws = external::ref_words(t);
            out.push(NEWER_REFERENCE_EXT);
            out.extend_from_slice(&(ws.len() as u16).to_be_bytes());
            atom_ext(out, external::node(t), opts);
            out.extend_from_slice(&external::creation(t).to_be_bytes());
            for w in ws {
                out.extend_from_slice(&w.to_be_bytes());
            }
        }
        // Match contexts never reach a term that is encoded; nothing else is boxed.
        _ => out.push(NIL_EXT),
    }
}
