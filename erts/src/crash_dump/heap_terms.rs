//! Terms in a crash dump (OTP's `erl_process_dump.c`, read by `crashdump_viewer`): an
//! immediate is written where it is referenced (`I42`, `A5:hello`, `N`, `P<0.9.0>`,
//! `p<0.3>`), a list cell or boxed term as `H<address>`, and each such term once, on a line
//! of its own in the process's `=proc_heap` section: `ADDR:lHEAD|TAIL`, `ADDR:tN:E1,E2`,
//! `ADDR:FN:TEXT` (float), `ADDR:YhN:BASE64` (binary), and anything else in the external
//! format, `ADDR:EN:BASE64`.

use crate::atom;
use crate::display::display_string;
use crate::etf::encode::{encode, EncodeOpts};
use crate::term::{boxed, Term};
use std::collections::HashSet;

/// The lines of one heap section: the terms referenced so far, each written once.
#[derive(Default)]
pub struct HeapDump {
    seen: HashSet<u64>,
    pending: Vec<Term>,
    /// Addresses for lines made up by the dump itself (a process dictionary's pairs, which
    /// this runtime does not keep as tuples), above any real address.
    next_synthetic: u64,
    synthetic_lines: Vec<u8>,
}

/// The address a dump names list cell or boxed term `t` by.
fn address(t: Term) -> u64 {
    if t.is_list() {
        t.list_ptr() as u64
    } else {
        t.boxed_ptr() as u64
    }
}

impl HeapDump {
    pub fn new() -> HeapDump {
        HeapDump {
            next_synthetic: 0xFFFF_0000_0000_0000,
            ..Default::default()
        }
    }

    /// Writes the reference to `t` (and remembers a compound term for the heap section).
    pub fn reference(&mut self, out: &mut Vec<u8>, t: Term) {
        if t.is_small() {
            out.extend_from_slice(format!("I{}", t.small_value()).as_bytes());
        } else if t.is_atom() {
            write_atom(out, t.atom_value());
        } else if t.is_nil() {
            out.push(b'N');
        } else if t.is_local_pid() {
            out.push(b'P');
            out.extend_from_slice(display_string(t).as_bytes());
        } else if t.is_local_port() {
            out.push(b'p');
            let s = display_string(t);
            out.extend_from_slice(s.trim_start_matches("#Port").as_bytes());
        } else if t.is_list() || t.is_boxed() {
            if t.is_boxed() && t.is_match_state() {
                out.extend_from_slice(b"SMatch context");
                return;
            }
            let a = address(t);
            out.extend_from_slice(format!("H{a:X}").as_bytes());
            if self.seen.insert(a) {
                self.pending.push(t);
            }
        } else {
            // Not a term (a stray word): shown as information text.
            out.extend_from_slice(b"SNot a term");
        }
    }

    /// A reference to a 2-tuple `{a, b}` the dump makes up (its line is written with the
    /// heap section).
    pub fn synthetic_pair(&mut self, out: &mut Vec<u8>, a: Term, b: Term) {
        let addr = self.next_synthetic;
        self.next_synthetic += 16;
        out.extend_from_slice(format!("H{addr:X}").as_bytes());
        let mut line = format!("{addr:X}:t2:").into_bytes();
        self.reference(&mut line, a);
        line.push(b',');
        self.reference(&mut line, b);
        line.push(b'\n');
        self.synthetic_lines.extend_from_slice(&line);
    }

    /// Writes the lines of every term referenced so far (and of the terms they refer to).
    pub fn write_lines(&mut self, out: &mut Vec<u8>) {
        out.append(&mut self.synthetic_lines);
        while let Some(t) = self.pending.pop() {
            out.extend_from_slice(format!("{:X}:", address(t)).as_bytes());
            if t.is_list() {
                out.push(b'l');
                self.reference(out, t.head());
                out.push(b'|');
                self.reference(out, t.tail());
            } else if t.is_tuple() {
                let elems = boxed::tuple_elems(t);
                out.extend_from_slice(format!("t{:X}:", elems.len()).as_bytes());
                for (i, &e) in elems.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    self.reference(out, e);
                }
            } else if t.is_float() {
                let text = format!("{:.20e}", boxed::float_value(t));
                out.extend_from_slice(format!("F{:X}:{text}", text.len()).as_bytes());
            } else if let Some(bytes) = t.is_binary().then(|| boxed::binary_bytes(t)).flatten() {
                out.extend_from_slice(format!("Yh{:X}:", bytes.len()).as_bytes());
                base64(out, bytes);
            } else {
                let ext = encode(t, EncodeOpts::default());
                out.extend_from_slice(format!("E{:X}:", ext.len()).as_bytes());
                base64(out, &ext);
            }
            out.push(b'\n');
        }
    }
}

/// `A<length>:<name>`: the length in bytes of the UTF-8 name, in hex.
pub fn write_atom(out: &mut Vec<u8>, a: atom::Atom) {
    let name = atom::name(a);
    out.extend_from_slice(format!("A{:X}:{name}", name.len()).as_bytes());
}

/// Standard base64 with padding (the `0.5` dump format's encoding of binaries).
pub fn base64(out: &mut Vec<u8>, bytes: &[u8]) {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let sextets = [(n >> 18) & 63, (n >> 12) & 63, (n >> 6) & 63, n & 63];
        for (i, s) in sextets.iter().enumerate() {
            if i <= chunk.len() {
                out.push(ALPHABET[*s as usize]);
            } else {
                out.push(b'=');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &[u8]) -> String {
        let mut v = Vec::new();
        base64(&mut v, s);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn base64_pads_as_the_standard_says() {
        assert_eq!(b64(b""), "");
        assert_eq!(b64(b"f"), "Zg==");
        assert_eq!(b64(b"fo"), "Zm8=");
        assert_eq!(b64(b"foo"), "Zm9v");
        assert_eq!(b64(b"/usr/lib/erlang"), "L3Vzci9saWIvZXJsYW5n");
    }

    #[test]
    fn tuples_and_lists_become_lines() {
        let mut h = crate::heap::Heap::default();
        let l = boxed::list(&mut h, &[Term::small(1)]);
        let t = boxed::tuple(&mut h, &[Term::atom(atom::atom("state")), l, Term::NIL]);
        let mut d = HeapDump::new();
        let mut top = Vec::new();
        d.reference(&mut top, t);
        let mut lines = Vec::new();
        d.write_lines(&mut lines);
        let text = String::from_utf8(lines).unwrap();
        let tl = format!("{:X}:t3:A5:state,H{:X},N\n", address(t), address(l));
        let ll = format!("{:X}:lI1|N\n", address(l));
        assert_eq!(text, format!("{tl}{ll}"));
        assert_eq!(
            String::from_utf8(top).unwrap(),
            format!("H{:X}", address(t))
        );
    }
}
