//! The native part of the `unicode` module (OTP's `erl_unicode.c`):
//! `unicode:characters_to_binary/2`, `unicode:characters_to_list/2` and
//! `unicode:bin_is_7bit/1`.
//!
//! The BIFs handle the input encodings `latin1`, `unicode` and `utf8`; any other encoding
//! argument continues in Erlang (`unicode:characters_to_binary_int/2` and
//! `characters_to_list_int/2`), as OTP traps there. (`characters_to_binary/1,3` and
//! `characters_to_list/1` are Erlang code in `unicode.erl`.)
//!
//! Chardata is walked like an iolist whose integers are code points. Malformed input of the
//! wrong type is `badarg`; invalid code points or UTF-8 give `{error, Converted, Rest}` and a
//! UTF-8 sequence cut off at the end `{incomplete, Converted, Rest}`, where `Rest` is built
//! exactly as OTP builds it: the unconverted list from the failing element, wrapped once per
//! enclosing list level around that level's remaining tail (`[[Bad | More] | OuterTail]`),
//! with the bytes of a character split across binaries prepended as a binary.
//! OTP converts in slices and yields between them; this runs to completion in one call, which
//! gives the same results.

use super::iodata::{binary_cow, sub_binary};
use super::Registry;
use crate::atom;
use crate::exception::{BifResult, Fail};
use crate::heap::Heap;
use crate::module;
use crate::process::Process;
use crate::term::boxed;
use crate::term::Term;

pub fn register(r: &mut Registry) {
    r.add("unicode", "characters_to_binary", 2, characters_to_binary_2);
    r.add("unicode", "characters_to_list", 2, characters_to_list_2);
    r.add("unicode", "bin_is_7bit", 1, bin_is_7bit_1);
}

/// How the start of a byte slice reads as UTF-8.
#[derive(Debug, PartialEq, Eq)]
pub enum Utf8Char {
    /// A valid character of this many bytes.
    Valid(usize),
    /// A lead byte whose sequence does not fit in the slice (the bytes are not checked).
    Short,
    /// Not a valid character (stray continuation, overlong, surrogate, above 0x10FFFF).
    Invalid,
}

fn is_cont(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// Classifies the first character of `s` (non-empty) with OTP's rules.
pub fn utf8_char(s: &[u8]) -> Utf8Char {
    let b = s[0];
    if b < 0x80 {
        Utf8Char::Valid(1)
    } else if b & 0xE0 == 0xC0 {
        if s.len() < 2 {
            Utf8Char::Short
        } else if !is_cont(s[1]) || b < 0xC2 {
            Utf8Char::Invalid
        } else {
            Utf8Char::Valid(2)
        }
    } else if b & 0xF0 == 0xE0 {
        if s.len() < 3 {
            Utf8Char::Short
        } else if !is_cont(s[1])
            || !is_cont(s[2])
            || (b == 0xE0 && s[1] < 0xA0)
            || (b & 0x0F == 0x0D && s[1] & 0x20 != 0)
        {
            Utf8Char::Invalid
        } else {
            Utf8Char::Valid(3)
        }
    } else if b & 0xF8 == 0xF0 {
        if s.len() < 4 {
            Utf8Char::Short
        } else if !is_cont(s[1])
            || !is_cont(s[2])
            || !is_cont(s[3])
            || (b == 0xF0 && s[1] < 0x90)
            || (b & 0x07) > 4
            || ((b & 0x07) == 4 && (s[1] & 0x3F) > 0x0F)
        {
            Utf8Char::Invalid
        } else {
            Utf8Char::Valid(4)
        }
    } else {
        Utf8Char::Invalid
    }
}

/// Whether bytes left over at the end of the input (a cut-off sequence) could still become a
/// character: `incomplete` rather than `error` (OTP's `check_leftovers`).
fn leftover_incomplete(s: &[u8]) -> bool {
    let b = s[0];
    if b & 0xE0 == 0xC0 {
        true
    } else if b & 0xF0 == 0xE0 {
        s.len() < 2 || (s.len() < 3 && is_cont(s[1]))
    } else if b & 0xF8 == 0xF0 {
        s.len() < 2
            || (s.len() < 3 && is_cont(s[1]))
            || (s.len() < 4 && is_cont(s[1]) && is_cont(s[2]))
    } else {
        false
    }
}

/// Appends the UTF-8 encoding of code point `c`; `false` if it is not a valid character.
fn push_char(out: &mut Vec<u8>, c: i64) -> bool {
    let ch = u32::try_from(c).ok().and_then(char::from_u32);
    match ch {
        Some(ch) => {
            let mut buf = [0u8; 4];
            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            true
        }
        None => false,
    }
}

/// Whether `t` has the shape of chardata (OTP's `utf8_need` check): lists of small integers
/// (of any value), byte-aligned binaries and chardata, with `[]` or binary tails.
fn is_chardata(t: Term) -> bool {
    let ok_bin = |b: Term| b.is_binary();
    let mut stack: Vec<Term> = Vec::new();
    let mut cur = t;
    loop {
        while cur.is_list() {
            let h = cur.head();
            if h.is_list() {
                stack.push(cur.tail());
                cur = h;
                continue;
            }
            if !(h.is_small() || h.is_nil() || (h.is_bitstring() && ok_bin(h))) {
                return false;
            }
            cur = cur.tail();
        }
        if cur.is_bitstring() {
            if !ok_bin(cur) {
                return false;
            }
        } else if !cur.is_nil() {
            return false;
        }
        match stack.pop() {
            Some(next) => cur = next,
            None => return true,
        }
    }
}

/// Converts chardata to UTF-8 bytes (OTP's `do_build_utf8`).
struct Builder {
    latin1: bool,
    out: Vec<u8>,
    /// Bytes of a character begun at the end of a binary, to be completed by the next one.
    leftover: Vec<u8>,
}

impl Builder {
    /// Converts one binary; on invalid UTF-8 returns the rest of the binary from the bad
    /// character.
    fn binary(&mut self, heap: &mut Heap, bin: Term) -> Option<Term> {
        let bytes = binary_cow(bin)?;
        if self.latin1 {
            for &b in bytes.iter() {
                push_char(&mut self.out, b as i64);
            }
            return None;
        }
        let mut i = 0;
        if !self.leftover.is_empty() {
            // The leftover starts with a lead byte of a 2, 3 or 4-byte sequence.
            let need = match self.leftover[0] {
                b if b & 0xE0 == 0xC0 => 2,
                b if b & 0xF0 == 0xE0 => 3,
                _ => 4,
            };
            let from_source = need - self.leftover.len();
            if bytes.len() < from_source {
                self.leftover.extend_from_slice(&bytes);
                return None;
            }
            let mut ch = self.leftover.clone();
            ch.extend_from_slice(&bytes[..from_source]);
            if utf8_char(&ch) != Utf8Char::Valid(need) {
                return Some(sub_binary(heap, bin, 0, bytes.len()));
            }
            self.out.extend_from_slice(&ch);
            self.leftover.clear();
            i = from_source;
        }
        while i < bytes.len() {
            match utf8_char(&bytes[i..]) {
                Utf8Char::Valid(n) => {
                    self.out.extend_from_slice(&bytes[i..i + n]);
                    i += n;
                }
                Utf8Char::Short => {
                    self.leftover.extend_from_slice(&bytes[i..]);
                    break;
                }
                Utf8Char::Invalid => return Some(sub_binary(heap, bin, i, bytes.len() - i)),
            }
        }
        None
    }

    /// Converts `t` (checked with [`is_chardata`]); on an error returns the unconverted rest.
    fn run(&mut self, heap: &mut Heap, t: Term) -> Option<Term> {
        if t.is_bitstring() {
            return self.binary(heap, t);
        }
        let mut stack: Vec<Term> = Vec::new();
        let mut cur = t;
        let failed = 'walk: loop {
            while cur.is_list() {
                let h = cur.head();
                if let Some(c) = h.as_small() {
                    if !self.leftover.is_empty() || (self.latin1 && !(0..=255).contains(&c)) {
                        break 'walk true;
                    }
                    if !push_char(&mut self.out, c) {
                        break 'walk true;
                    }
                } else if h.is_list() {
                    stack.push(cur.tail());
                    cur = h;
                    continue;
                } else if h.is_bitstring() {
                    if let Some(rest) = self.binary(heap, h) {
                        cur = boxed::cons(heap, rest, cur.tail());
                        break 'walk true;
                    }
                } else if !h.is_nil() {
                    break 'walk true;
                }
                cur = cur.tail();
            }
            if cur.is_bitstring() {
                if let Some(rest) = self.binary(heap, cur) {
                    cur = rest;
                    break 'walk true;
                }
            } else if !cur.is_nil() {
                break 'walk true;
            }
            match stack.pop() {
                Some(next) => cur = next,
                None => break 'walk false,
            }
        };
        if !failed {
            return None;
        }
        while let Some(outer) = stack.pop() {
            cur = boxed::cons(heap, cur, outer);
        }
        Some(cur)
    }
}

/// The outcome of a conversion: the converted UTF-8 bytes and, unless all went well, the tag
/// (`error` or `incomplete`) and the rest term.
struct Converted {
    bytes: Vec<u8>,
    failure: Option<(atom::Atom, Term)>,
}

fn convert(heap: &mut Heap, t: Term, latin1: bool) -> Converted {
    let mut b = Builder {
        latin1,
        out: Vec::new(),
        leftover: Vec::new(),
    };
    let rest = b.run(heap, t);
    let failure = match rest {
        Some(rest) => {
            let rest = if b.leftover.is_empty() {
                rest
            } else {
                let lo = boxed::binary(heap, &b.leftover);
                boxed::list(heap, &[lo, rest])
            };
            Some((atom::ERROR, rest))
        }
        None if !b.leftover.is_empty() => {
            let tag = if leftover_incomplete(&b.leftover) {
                atom::atom("incomplete")
            } else {
                atom::ERROR
            };
            Some((tag, boxed::binary(heap, &b.leftover)))
        }
        None => None,
    };
    Converted {
        bytes: b.out,
        failure,
    }
}

/// `Some(latin1?)` for the encodings the BIFs handle themselves.
fn native_encoding(enc: Term) -> Option<bool> {
    match enc.as_atom()? {
        atom::LATIN1 => Some(true),
        atom::UNICODE | atom::UTF8 => Some(false),
        _ => None,
    }
}

fn trap(function: &str, a: &[Term]) -> BifResult {
    Err(Fail::Trap {
        target: module::export(atom::UNICODE, atom::atom(function), 2),
        args: a.to_vec(),
    })
}

fn characters_to_binary_2(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(latin1) = native_encoding(a[1]) else {
        return trap("characters_to_binary_int", a);
    };
    // A list of one binary is converted as that binary.
    let mut subject = a[0];
    if subject.is_list() && subject.head().is_bitstring() && subject.tail().is_nil() {
        subject = subject.head();
    }
    if !is_chardata(subject) {
        return Err(Fail::badarg());
    }
    if subject.is_bitstring() {
        let b = binary_cow(subject).ok_or_else(Fail::badarg)?;
        let unchanged = if latin1 {
            b.is_ascii()
        } else {
            std::str::from_utf8(&b).is_ok()
        };
        if unchanged {
            return Ok(subject);
        }
    }
    let c = convert(&mut p.heap, subject, latin1);
    let heap = &mut p.heap;
    let bin = boxed::binary_from_vec(heap, c.bytes);
    Ok(match c.failure {
        None => bin,
        Some((tag, rest)) => boxed::tuple(heap, &[Term::atom(tag), bin, rest]),
    })
}

/// The code points of valid UTF-8 bytes, as a list.
fn utf8_to_list(heap: &mut Heap, bytes: &[u8]) -> Term {
    let s = std::str::from_utf8(bytes).unwrap_or("");
    boxed::string(heap, s.chars().map(|c| c as u32))
}

fn characters_to_list_2(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(latin1) = native_encoding(a[1]) else {
        return trap("characters_to_list_int", a);
    };
    let t = a[0];
    let heap = &mut p.heap;
    if t.is_bitstring() && !latin1 {
        let bytes = binary_cow(t).ok_or_else(Fail::badarg)?;
        let mut i = 0;
        let mut tag = None;
        while i < bytes.len() {
            match utf8_char(&bytes[i..]) {
                Utf8Char::Valid(n) => i += n,
                Utf8Char::Short => {
                    tag = Some(if leftover_incomplete(&bytes[i..]) {
                        atom::atom("incomplete")
                    } else {
                        atom::ERROR
                    });
                    break;
                }
                Utf8Char::Invalid => {
                    tag = Some(atom::ERROR);
                    break;
                }
            }
        }
        let list = utf8_to_list(heap, &bytes[..i]);
        return Ok(match tag {
            None => list,
            Some(tag) => {
                let rest = sub_binary(heap, t, i, bytes.len() - i);
                boxed::tuple(heap, &[Term::atom(tag), list, rest])
            }
        });
    }
    if !is_chardata(t) {
        return Err(Fail::badarg());
    }
    let c = convert(heap, t, latin1);
    let list = utf8_to_list(heap, &c.bytes);
    Ok(match c.failure {
        None => list,
        Some((tag, rest)) => boxed::tuple(heap, &[Term::atom(tag), list, rest]),
    })
}

fn bin_is_7bit_1(_p: &mut Process, a: &[Term]) -> BifResult {
    let ok = binary_cow(a[0]).is_some_and(|b| b.is_ascii());
    Ok(Term::bool(ok))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bif::iodata::tests::{bin, bits, bytes_of, ints, is_badarg, small_list};

    fn a(s: &str) -> Term {
        Term::atom(atom::atom(s))
    }
    fn n(i: i64) -> Term {
        Term::small(i)
    }
    /// Splits `{Tag, Converted, Rest}`.
    fn triple(t: Term) -> (Term, Term, Term) {
        let e = boxed::tuple_elems(t);
        assert_eq!(e.len(), 3);
        (e[0], e[1], e[2])
    }
    fn c2b(p: &mut Process, t: Term, enc: &str) -> BifResult {
        characters_to_binary_2(p, &[t, a(enc)])
    }
    fn c2l(p: &mut Process, t: Term, enc: &str) -> BifResult {
        characters_to_list_2(p, &[t, a(enc)])
    }

    #[test]
    fn to_binary_ok() {
        let mut p = Process::new(0);
        let l = ints(&mut p, &[97, 98, 99]);
        assert_eq!(bytes_of(c2b(&mut p, l, "unicode").unwrap()), b"abc");
        let e = bin(&mut p, "é".as_bytes());
        let l = boxed::list(&mut p.heap, &[n(97), e, n(1000)]);
        assert_eq!(
            bytes_of(c2b(&mut p, l, "utf8").unwrap()),
            vec![97, 195, 169, 207, 168]
        );
        let e1 = bin(&mut p, &[0xE9]);
        let l = boxed::list(&mut p.heap, &[n(97), e1, n(200)]);
        assert_eq!(
            bytes_of(c2b(&mut p, l, "latin1").unwrap()),
            vec![97, 195, 169, 195, 136]
        );
        let b = bin(&mut p, &[98]);
        let l = boxed::list_with_tail(&mut p.heap, &[n(97)], b);
        assert_eq!(bytes_of(c2b(&mut p, l, "unicode").unwrap()), b"ab");
        // A valid binary comes back as is.
        let b = bin(&mut p, "aé".as_bytes());
        assert_eq!(c2b(&mut p, b, "unicode").unwrap(), b);
        let b200 = bin(&mut p, &[200]);
        assert_eq!(
            bytes_of(c2b(&mut p, b200, "latin1").unwrap()),
            vec![195, 136]
        );
        // Characters split across binaries join up.
        let x = bin(&mut p, &[97, 98, 99, 0xE2, 0x82]);
        let y = bin(&mut p, &[0xAC, b'x']);
        let l = boxed::list(&mut p.heap, &[x, y]);
        assert_eq!(
            bytes_of(c2b(&mut p, l, "unicode").unwrap()),
            vec![97, 98, 99, 226, 130, 172, 120]
        );
        let x = bin(&mut p, b"abc");
        let y = bin(&mut p, &[0xE2, 0x82]);
        let z = bin(&mut p, &[0xAC]);
        let zl = boxed::list(&mut p.heap, &[z]);
        let xs = ints(&mut p, &[120]);
        let l = boxed::list(&mut p.heap, &[x, y, zl, xs]);
        assert_eq!(
            bytes_of(c2b(&mut p, l, "unicode").unwrap()),
            vec![97, 98, 99, 226, 130, 172, 120]
        );
        let e = bin(&mut p, b"");
        let deep = boxed::list(&mut p.heap, &[Term::NIL]);
        let deep = boxed::list(&mut p.heap, &[deep]);
        let l = boxed::list(&mut p.heap, &[deep, e]);
        assert_eq!(bytes_of(c2b(&mut p, l, "unicode").unwrap()), b"");
    }

    #[test]
    fn to_binary_errors() {
        let mut p = Process::new(0);
        // {error,<<97>>,[-1,98]}
        let l = ints(&mut p, &[97, -1, 98]);
        let (tag, conv, rest) = triple(c2b(&mut p, l, "unicode").unwrap());
        assert_eq!((tag, bytes_of(conv)), (a("error"), vec![97]));
        assert_eq!(small_list(rest), vec![-1, 98]);
        for bad in [0xD800, 0x110000] {
            let l = ints(&mut p, &[97, bad, 98]);
            let (tag, _, rest) = triple(c2b(&mut p, l, "unicode").unwrap());
            assert_eq!(tag, a("error"));
            assert_eq!(small_list(rest), vec![bad, 98]);
        }
        // latin1 above 255: {error,<<>>,[256]}
        let l = ints(&mut p, &[256]);
        let (_, conv, rest) = triple(c2b(&mut p, l, "latin1").unwrap());
        assert_eq!((bytes_of(conv), small_list(rest)), (vec![], vec![256]));
        // {error,<<97,98,99>>,<<255,100>>}
        let b = bin(&mut p, &[97, 98, 99, 255, 100]);
        let (tag, conv, rest) = triple(c2b(&mut p, b, "unicode").unwrap());
        assert_eq!(tag, a("error"));
        assert_eq!(
            (bytes_of(conv), bytes_of(rest)),
            (b"abc".to_vec(), vec![255, 100])
        );
        // {incomplete,<<97,98,99>>,<<195>>}, also for a list of that one binary
        let b = bin(&mut p, &[97, 98, 99, 0xC3]);
        let (tag, conv, rest) = triple(c2b(&mut p, b, "unicode").unwrap());
        assert_eq!(tag, a("incomplete"));
        assert_eq!(
            (bytes_of(conv), bytes_of(rest)),
            (b"abc".to_vec(), vec![195])
        );
        let l = boxed::list(&mut p.heap, &[b]);
        let (tag, _, _) = triple(c2b(&mut p, l, "unicode").unwrap());
        assert_eq!(tag, a("incomplete"));
        // [<<"abc",16#C3>>, 100] → {error,<<"abc">>,[<<195>>,[100]]}
        let l = boxed::list(&mut p.heap, &[b, n(100)]);
        let (tag, conv, rest) = triple(c2b(&mut p, l, "unicode").unwrap());
        assert_eq!((tag, bytes_of(conv)), (a("error"), b"abc".to_vec()));
        let r = boxed::list_to_vec(rest).unwrap();
        assert_eq!(bytes_of(r[0]), vec![195]);
        assert_eq!(small_list(r[1]), vec![100]);
        // Invalid sequences and what is incomplete.
        let cases: &[(&[u8], &str)] = &[
            (&[0xED, 0xA0, 0x80], "error"),
            (&[0xC0, 0x80], "error"),
            (&[0xF4, 0x90, 0x80, 0x80], "error"),
            (&[0x80], "error"),
            (&[0xC3, 0x41], "error"),
            (&[0xF4], "incomplete"),
            (&[0xF5], "incomplete"),
            (&[0xE0, 0x80], "incomplete"),
            (&[0xED, 0xA0], "incomplete"),
            (&[0xF0, 0x90, 0x80], "incomplete"),
        ];
        for (bytes, want) in cases {
            let b = bin(&mut p, bytes);
            let (tag, conv, rest) = triple(c2b(&mut p, b, "unicode").unwrap());
            assert_eq!(tag, a(want), "{bytes:?}");
            assert_eq!(bytes_of(conv), Vec::<u8>::new());
            assert_eq!(bytes_of(rest), bytes.to_vec());
        }
        let b = bin(&mut p, &[0xF4, 0x8F, 0xBF, 0xBF]);
        assert_eq!(c2b(&mut p, b, "unicode").unwrap(), b);
        // A nested error wraps the outer tails: [97,[98,-1,99],100] → [[-1,99],100]
        let inner = ints(&mut p, &[98, -1, 99]);
        let l = boxed::list(&mut p.heap, &[n(97), inner, n(100)]);
        let (_, conv, rest) = triple(c2b(&mut p, l, "unicode").unwrap());
        assert_eq!(bytes_of(conv), b"ab");
        let r = boxed::list_to_vec(rest).unwrap();
        assert_eq!(small_list(r[0]), vec![-1, 99]);
        assert_eq!(r[1], n(100));
    }

    #[test]
    fn badargs_and_traps() {
        let mut p = Process::new(0);
        let inner = boxed::list(&mut p.heap, &[n(99), a("a")]);
        let inner = boxed::list(&mut p.heap, &[n(98), inner]);
        let l = boxed::list(&mut p.heap, &[n(97), inner, n(100)]);
        assert!(is_badarg(c2b(&mut p, l, "unicode")));
        assert!(is_badarg(c2b(&mut p, l, "latin1")));
        assert!(is_badarg(c2l(&mut p, l, "unicode")));
        let l = boxed::list_with_tail(&mut p.heap, &[n(97)], a("b"));
        assert!(is_badarg(c2b(&mut p, l, "unicode")));
        assert!(is_badarg(c2b(&mut p, a("a"), "unicode")));
        let bs = bits(&mut p, &[97, 0x20], 11);
        assert!(is_badarg(c2b(&mut p, bs, "unicode")));
        let l = boxed::list(&mut p.heap, &[bs]);
        assert!(is_badarg(c2b(&mut p, l, "unicode")));
        assert!(is_badarg(c2l(&mut p, bs, "unicode")));
        let f = boxed::float(&mut p.heap, 1.0);
        let s = ints(&mut p, &[97]);
        let l = boxed::list(&mut p.heap, &[s, f]);
        assert!(is_badarg(c2b(&mut p, l, "unicode")));
        let big = crate::bignum::from_i128(&mut p.heap, 1 << 70);
        let l = boxed::list(&mut p.heap, &[big]);
        assert!(is_badarg(c2b(&mut p, l, "unicode")));
        for enc in ["utf16", "foo"] {
            let s = ints(&mut p, &[97]);
            assert!(matches!(c2b(&mut p, s, enc), Err(Fail::Trap { .. })));
            assert!(matches!(c2l(&mut p, s, enc), Err(Fail::Trap { .. })));
        }
    }

    #[test]
    fn to_list() {
        let mut p = Process::new(0);
        let b = bin(&mut p, "aé".as_bytes());
        assert_eq!(
            small_list(c2l(&mut p, b, "unicode").unwrap()),
            vec![97, 233]
        );
        // [<<"aé">>, 300] in latin1 and in unicode
        let b = bin(&mut p, &[97, 0xE9]);
        let l = boxed::list(&mut p.heap, &[b, n(300)]);
        let (tag, conv, rest) = triple(c2l(&mut p, l, "latin1").unwrap());
        assert_eq!((tag, small_list(conv)), (a("error"), vec![97, 233]));
        assert_eq!(small_list(rest), vec![300]);
        let (tag, conv, rest) = triple(c2l(&mut p, l, "unicode").unwrap());
        assert_eq!((tag, small_list(conv)), (a("error"), vec![97]));
        let r = boxed::list_to_vec(rest).unwrap();
        assert_eq!(bytes_of(r[0]), vec![233]);
        assert_eq!(small_list(r[1]), vec![300]);
        let b = bin(&mut p, &[97, 98, 99, 255, 100]);
        let (tag, conv, rest) = triple(c2l(&mut p, b, "unicode").unwrap());
        assert_eq!((tag, small_list(conv)), (a("error"), vec![97, 98, 99]));
        assert_eq!(bytes_of(rest), vec![255, 100]);
        let b = bin(&mut p, &[97, 98, 99, 0xC3]);
        let l = boxed::list(&mut p.heap, &[b]);
        let (tag, conv, rest) = triple(c2l(&mut p, l, "unicode").unwrap());
        assert_eq!((tag, small_list(conv)), (a("incomplete"), vec![97, 98, 99]));
        assert_eq!(bytes_of(rest), vec![195]);
        let c = bin(&mut p, &[0xA9]);
        let l = boxed::list(&mut p.heap, &[b, c]);
        assert_eq!(
            small_list(c2l(&mut p, l, "unicode").unwrap()),
            vec![97, 98, 99, 233]
        );
        let l = ints(&mut p, &[97, -1, 98]);
        let (_, conv, rest) = triple(c2l(&mut p, l, "unicode").unwrap());
        assert_eq!(
            (small_list(conv), small_list(rest)),
            (vec![97], vec![-1, 98])
        );
    }

    #[test]
    fn seven_bit() {
        let mut p = Process::new(0);
        let b = bin(&mut p, b"abc");
        assert_eq!(bin_is_7bit_1(&mut p, &[b]).unwrap(), Term::bool(true));
        let b = bin(&mut p, "abcé".as_bytes());
        assert_eq!(bin_is_7bit_1(&mut p, &[b]).unwrap(), Term::bool(false));
        let bs = bits(&mut p, &[97, 0x80], 9);
        assert_eq!(bin_is_7bit_1(&mut p, &[bs]).unwrap(), Term::bool(false));
        let l = ints(&mut p, &[97]);
        assert_eq!(bin_is_7bit_1(&mut p, &[l]).unwrap(), Term::bool(false));
    }

    #[test]
    fn classify_matches_std_on_complete_input() {
        // For every 1..4-byte sequence shape, Valid agrees with Rust's validation.
        let samples: Vec<Vec<u8>> = (0u32..=0x10FFFF)
            .step_by(97)
            .filter_map(char::from_u32)
            .map(|c| c.to_string().into_bytes())
            .collect();
        for s in samples {
            assert_eq!(utf8_char(&s), Utf8Char::Valid(s.len()));
        }
        for lead in 0u8..=255 {
            for b1 in [0x80u8, 0x8F, 0x90, 0x9F, 0xA0, 0xBF] {
                let s = [lead, b1, 0x80, 0x80];
                let want = std::str::from_utf8(&s[..1])
                    .ok()
                    .map(|_| 1)
                    .or_else(|| (2..=4).find(|&n| std::str::from_utf8(&s[..n]).is_ok()));
                let got = match utf8_char(&s) {
                    Utf8Char::Valid(n) => Some(n),
                    _ => None,
                };
                assert_eq!(got, want, "{s:?}");
            }
        }
    }
}
