//! How `erlang:display/1` writes character data: lists that print as strings and binaries
//! and bitstrings (OTP's `is_printable_string`, `is_printable_ascii` and the binary case of
//! `print_term` in `erl_printf_term.c`).
//!
//! * A non-empty proper list prints as `"..."` when every element is a latin-1 character that
//!   is not a control character, or is one of `\t \n \r` (so 9, 10, 13, 32..126 and
//!   160..255). Only `"` (as `\"`) and newline (as `\n`) are escaped; every other character,
//!   `\` and tab included, is written as its single latin-1 byte (not UTF-8).
//! * A binary of whole bytes, non-empty, all in 32..126, prints as `<<"...">>` with only `"`
//!   escaped. Any other bitstring prints its bytes in decimal, and a trailing partial byte as
//!   `Value:Bits` (`<<1,2:3>>`).

use crate::term::boxed;
use crate::term::Term;

/// Whether `c` keeps a list printable as a string.
fn is_string_char(c: i64) -> bool {
    matches!(c, 9 | 10 | 13 | 32..=126 | 160..=255)
}

/// The characters of `t` when it is a non-empty list that prints as a string.
pub fn printable_list(t: Term) -> Option<Vec<u8>> {
    let mut s = Vec::new();
    let mut c = t;
    while c.is_list() {
        let ch = c.head().as_small().filter(|&ch| is_string_char(ch))?;
        s.push(ch as u8);
        c = c.tail();
    }
    (c.is_nil() && !s.is_empty()).then_some(s)
}

/// Appends `s` (latin-1 bytes) as a double-quoted string.
pub fn write_string(out: &mut Vec<u8>, s: &[u8]) {
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

/// Appends the bitstring `bytes` holding `size_bits` bits (left-aligned, as `BitView::to_vec`
/// returns them).
pub fn write_bits(out: &mut Vec<u8>, bytes: &[u8], size_bits: usize) {
    let whole = &bytes[..size_bits / 8];
    let rest = size_bits % 8;
    out.extend_from_slice(b"<<");
    if rest == 0 && !whole.is_empty() && whole.iter().all(|b| (32..=126).contains(b)) {
        out.push(b'"');
        for &b in whole {
            if b == b'"' {
                out.push(b'\\');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        let mut sep = "";
        for b in whole {
            out.extend_from_slice(format!("{sep}{b}").as_bytes());
            sep = ",";
        }
        if rest > 0 {
            let last = bytes[whole.len()] >> (8 - rest);
            out.extend_from_slice(format!("{sep}{last}:{rest}").as_bytes());
        }
    }
    out.extend_from_slice(b">>");
}

/// Appends the bitstring term `t` (a heap, refc or sub binary).
pub fn write_bitstring(out: &mut Vec<u8>, t: Term) {
    let v = boxed::bitstring_view(t);
    write_bits(out, &v.to_vec(), v.size_bits);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heap::Heap;

    fn bits(bytes: &[u8], size: usize) -> String {
        let mut v = Vec::new();
        write_bits(&mut v, bytes, size);
        String::from_utf8(v).unwrap()
    }

    fn string(s: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        write_string(&mut v, s);
        v
    }

    #[test]
    fn printable_lists() {
        let mut h = Heap::default();
        let mut list = |cs: &[u32]| printable_list(boxed::string(&mut h, cs.iter().copied()));
        assert_eq!(
            list(b"abc".map(u32::from).as_slice()),
            Some(b"abc".to_vec())
        );
        assert_eq!(
            list(&[9, 10, 13, 32, 126, 160, 255]),
            Some(vec![9, 10, 13, 32, 126, 160, 255])
        );
        for bad in [0, 7, 8, 11, 12, 27, 31, 127, 128, 159, 256, 1000] {
            assert_eq!(list(&[97, bad]), None, "{bad}");
        }
        assert_eq!(printable_list(Term::NIL), None);
        let improper = h_cons(&mut h);
        assert_eq!(printable_list(improper), None);
    }

    fn h_cons(h: &mut Heap) -> Term {
        boxed::cons(h, Term::small(97), Term::small(98))
    }

    #[test]
    fn string_escapes() {
        assert_eq!(string(b"a\"b"), b"\"a\\\"b\"");
        assert_eq!(string(b"a\nb"), b"\"a\\nb\"");
        assert_eq!(string(b"a\\b\t\r"), b"\"a\\b\t\r\"");
        assert_eq!(string(&[0xe9]), b"\"\xe9\"");
    }

    #[test]
    fn binaries() {
        assert_eq!(bits(b"", 0), "<<>>");
        assert_eq!(bits(b"abc", 24), "<<\"abc\">>");
        assert_eq!(bits(b"a\"\\", 24), "<<\"a\\\"\\\">>");
        assert_eq!(bits(b"a\n", 16), "<<97,10>>");
        assert_eq!(bits(&[255, 127], 16), "<<255,127>>");
        assert_eq!(bits(&[0b1010_0000], 3), "<<5:3>>");
        assert_eq!(bits(&[1, 0b0100_0000], 11), "<<1,2:3>>");
        assert_eq!(bits(&[b'a', 0x80], 9), "<<97,1:1>>");
    }
}
