//! The file name BIFs of `prim_file` (OTP's `erl_unicode.c`): `internal_name2native/1`
//! (a name as the bytes the `prim_file` NIFs take, NUL-terminated), `internal_native2name/1`,
//! `internal_normalize_utf8/1` and `is_translatable/1`, following the native name encoding
//! (`file:native_name_encoding/0`, from the locale as in OTP).
//!
//! A name is a binary (taken as it is, less a trailing partial byte, and refused when it
//! holds a NUL) or a possibly deep list of characters (no binaries, no NUL, valid code
//! points: up to 255 in `latin1`, no surrogates in `utf8`); atoms and anything else are
//! `badarg`. An undecodable native name is `{error, warning}` (OTP's default `+fnuw`).

use super::Registry;
use crate::atom;
use crate::exception::{BifResult, Fail};
use crate::process::Process;
use crate::term::{boxed, Term};

pub fn register(r: &mut Registry) {
    r.add("prim_file", "internal_name2native", 1, name2native_1);
    r.add("prim_file", "internal_native2name", 1, native2name_1);
    r.add("prim_file", "internal_normalize_utf8", 1, normalize_utf8_1);
    r.add("prim_file", "is_translatable", 1, is_translatable_1);
}

/// Whether native names are UTF-8 (else Latin-1).
fn utf8_names() -> bool {
    super::system_info::native_name_encoding() == "utf8"
}

/// The bytes of a name list (see the module doc); `None` for a name that is not valid.
fn encode_list(t: Term, utf8: bool, out: &mut Vec<u8>) -> Option<()> {
    let mut stack = vec![t];
    while let Some(mut t) = stack.pop() {
        while t.is_list() {
            let h = t.head();
            if let Some(c) = h.as_small() {
                let c = u32::try_from(c).ok().filter(|&c| c != 0)?;
                if utf8 {
                    let ch = char::from_u32(c)?;
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                } else {
                    out.push(u8::try_from(c).ok()?);
                }
            } else if h.is_list() || h.is_nil() {
                stack.push(t.tail());
                t = h;
                continue;
            } else {
                return None;
            }
            t = t.tail();
        }
        if !t.is_nil() {
            return None;
        }
    }
    Some(())
}

fn name2native_1(p: &mut Process, a: &[Term]) -> BifResult {
    let t = a[0];
    let mut bytes = Vec::new();
    if t.is_bitstring() {
        let view = boxed::bitstring_view(t);
        let whole = boxed::bitstring_bit_size(t) / 8;
        bytes.extend((0..whole).map(|i| byte_at(&view, i)));
        if bytes.contains(&0) {
            return Err(Fail::badarg());
        }
    } else if t.is_list() || t.is_nil() {
        encode_list(t, utf8_names(), &mut bytes).ok_or_else(Fail::badarg)?;
    } else {
        return Err(Fail::badarg());
    }
    bytes.push(0);
    Ok(boxed::binary_from_vec(&mut p.heap, bytes))
}

/// Byte `i` of a bitstring view.
fn byte_at(view: &boxed::BitView<'_>, i: usize) -> u8 {
    (0..8).fold(0u8, |b, k| (b << 1) | view.bit(i * 8 + k))
}

/// The bytes of a binary argument (`badarg` for anything else, bitstrings included).
fn binary_arg<'a>(t: Term) -> Result<&'a [u8], Fail> {
    boxed::binary_bytes(t).ok_or_else(Fail::badarg)
}

fn chars(p: &mut Process, s: &str) -> Term {
    boxed::string(&mut p.heap, s.chars().map(|c| c as u32))
}

fn native2name_1(p: &mut Process, a: &[Term]) -> BifResult {
    let b = binary_arg(a[0])?;
    if !utf8_names() {
        return Ok(boxed::string(&mut p.heap, b.iter().map(|&c| c as u32)));
    }
    match std::str::from_utf8(b) {
        Ok(s) => Ok(chars(p, s)),
        Err(_) => {
            let w = Term::atom(atom::atom("warning"));
            Ok(boxed::tuple(&mut p.heap, &[Term::atom(atom::ERROR), w]))
        }
    }
}

/// UTF-8 to characters. OTP also composes combining sequences here (for macOS names); this
/// runtime keeps them as they are.
fn normalize_utf8_1(p: &mut Process, a: &[Term]) -> BifResult {
    let b = binary_arg(a[0])?;
    let s = std::str::from_utf8(b).map_err(|_| Fail::badarg())?;
    Ok(chars(p, s))
}

fn is_translatable_1(_: &mut Process, a: &[Term]) -> BifResult {
    let b = binary_arg(a[0])?;
    let ok = !utf8_names() || std::str::from_utf8(b).is_ok();
    Ok(Term::atom(if ok { atom::TRUE } else { atom::FALSE }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(t: Term, utf8: bool) -> Option<Vec<u8>> {
        let mut v = Vec::new();
        encode_list(t, utf8, &mut v).map(|_| v)
    }

    #[test]
    fn lists_encode_like_otp() {
        let mut h = crate::heap::Heap::default();
        let s = boxed::string(&mut h, [0x61, 0xe4, 0x3b1]);
        assert_eq!(encode(s, true).unwrap(), "aäα".as_bytes());
        assert_eq!(encode(s, false), None, "α is not Latin-1");
        let inner = boxed::string(&mut h, [0x62]);
        let deep = boxed::list(&mut h, &[Term::small(0x61), inner, Term::NIL]);
        assert_eq!(encode(deep, true).unwrap(), b"ab");
        for bad in [0, -1, 0xD800, 0x110000] {
            let l = boxed::list(&mut h, &[Term::small(bad)]);
            assert_eq!(encode(l, true), None, "{bad}");
        }
        let bin = boxed::binary(&mut h, b"x");
        let with_bin = boxed::list(&mut h, &[bin]);
        assert_eq!(encode(with_bin, true), None);
        let improper = boxed::cons(&mut h, Term::small(0x61), Term::small(0x62));
        assert_eq!(encode(improper, true), None);
    }
}
