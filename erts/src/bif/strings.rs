//! The native part of the `string` module (OTP's `bif.c`): `string:list_to_integer/1` and
//! `string:list_to_float/1`, the parsers behind `string:to_integer/1` and `string:to_float/1`.
//!
//! Both read a number from the front of a list of characters and return `{Number, Rest}`,
//! or `{error, no_integer | no_float}` when there is none and `{error, not_a_list}` when the
//! argument is not a non-empty list. Parsing stops at the first element that cannot continue
//! the number (of any type), so the rest may be an improper tail.
//! A float needs digits, a decimal point (`.` or `,`) and digits, with an optional exponent;
//! an exponent marker not followed by digits is left in the rest.

use super::Registry;
use crate::atom;
use crate::exception::BifResult;
use crate::heap::Heap;
use crate::process::Process;
use crate::term::boxed;
use crate::term::Term;
use num_bigint::BigInt;

pub fn register(r: &mut Registry) {
    r.add("string", "list_to_integer", 1, list_to_integer_1);
    r.add("string", "list_to_float", 1, list_to_float_1);
}

fn error(heap: &mut Heap, why: &str) -> Term {
    boxed::tuple(
        heap,
        &[Term::atom(atom::ERROR), Term::atom(atom::atom(why))],
    )
}

/// The character code of a list cell's head, if it is a small integer.
fn char_at(cell: Term) -> Option<i64> {
    cell.head().as_small()
}

fn list_to_integer_1(p: &mut Process, a: &[Term]) -> BifResult {
    let t = a[0];
    let heap = &mut p.heap;
    if t.is_nil() {
        return Ok(error(heap, "no_integer"));
    }
    if !t.is_list() {
        return Ok(error(heap, "not_a_list"));
    }
    let mut cur = t;
    let mut text = String::new();
    if let Some(c @ (0x2B | 0x2D)) = char_at(cur) {
        if c == 0x2D {
            text.push('-');
        }
        cur = cur.tail();
    }
    let mut digits = 0;
    while cur.is_list() {
        match char_at(cur) {
            Some(c @ 0x30..=0x39) => text.push(c as u8 as char),
            _ => break,
        }
        digits += 1;
        cur = cur.tail();
    }
    if digits == 0 {
        return Ok(error(heap, "no_integer"));
    }
    let v: BigInt = text.parse().unwrap_or_default();
    let n = crate::bignum::from_bigint(heap, &v);
    Ok(boxed::tuple(heap, &[n, cur]))
}

/// Where the float scanner is (OTP's parts of a float).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Sign,
    Int,
    Frac,
    ExpSign,
    Exp0,
    Exp1,
    End,
}

/// Converts scanned float text the way OTP's `sys_chars_to_double` does: it must read
/// `[+-]digits(.|,)digits[(e|E)[+-]digits]` exactly, and overflow is an error while
/// underflow gives the (possibly zero) nearest value.
fn chars_to_double(s: &[u8]) -> Option<f64> {
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < s.len() && s[*i].is_ascii_digit() {
            *i += 1;
        }
        *i > start
    };
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        i += 1;
    }
    if !digits(&mut i) {
        return None;
    }
    if i >= s.len() || (s[i] != b'.' && s[i] != b',') {
        return None;
    }
    i += 1;
    if !digits(&mut i) {
        return None;
    }
    if i < s.len() && (s[i] == b'e' || s[i] == b'E') {
        i += 1;
        if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
            i += 1;
        }
        if !digits(&mut i) {
            return None;
        }
    }
    if i != s.len() {
        return None;
    }
    let text: String = s
        .iter()
        .map(|&b| if b == b',' { '.' } else { b as char })
        .collect();
    let f: f64 = text.parse().ok()?;
    f.is_finite().then_some(f)
}

fn list_to_float_1(p: &mut Process, a: &[Term]) -> BifResult {
    let t = a[0];
    let heap = &mut p.heap;
    if t.is_nil() {
        return Ok(error(heap, "no_float"));
    }
    if !t.is_list() {
        return Ok(error(heap, "not_a_list"));
    }
    let mut buf: Vec<u8> = Vec::new();
    let mut cur = t;
    let mut part = Part::Sign;
    // Position of an `e` that may turn out not to belong to the float.
    let mut saved = (0usize, t);
    while let Some(c) = char_at(cur) {
        let mut store = true;
        let restore = |buf: &mut Vec<u8>, cur: &mut Term, saved: (usize, Term)| {
            buf.truncate(saved.0);
            *cur = saved.1;
        };
        match c {
            0x2D | 0x2B => match part {
                Part::Sign => {
                    part = Part::Int;
                    store = c == 0x2D;
                }
                Part::ExpSign => part = Part::Exp0,
                Part::Exp0 => {
                    restore(&mut buf, &mut cur, saved);
                    part = Part::End;
                }
                _ => part = Part::End,
            },
            0x2E | 0x2C => match part {
                Part::Int => part = Part::Frac,
                Part::ExpSign | Part::Exp0 => {
                    restore(&mut buf, &mut cur, saved);
                    part = Part::End;
                }
                _ => part = Part::End,
            },
            0x45 | 0x65 => match part {
                Part::Frac => {
                    saved = (buf.len(), cur);
                    part = Part::ExpSign;
                }
                Part::ExpSign | Part::Exp0 => {
                    restore(&mut buf, &mut cur, saved);
                    part = Part::End;
                }
                _ => part = Part::End,
            },
            0x30..=0x39 => match part {
                Part::Sign => part = Part::Int,
                Part::ExpSign | Part::Exp0 => part = Part::Exp1,
                _ => {}
            },
            _ => break,
        }
        if part == Part::End {
            if buf.len() < 3 {
                return Ok(error(heap, "no_float"));
            }
            break;
        }
        if store {
            buf.push(c as u8);
        }
        cur = cur.tail();
        if !cur.is_list() {
            break;
        }
    }
    if matches!(part, Part::ExpSign | Part::Exp0) {
        buf.truncate(saved.0);
        cur = saved.1;
    }
    if buf.is_empty() {
        return Ok(error(heap, "no_float"));
    }
    match chars_to_double(&buf) {
        Some(f) => {
            let ft = boxed::float(heap, f);
            Ok(boxed::tuple(heap, &[ft, cur]))
        }
        None => Ok(error(heap, "no_float")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bif::iodata::tests::small_list;

    fn s(p: &mut Process, x: &str) -> Term {
        boxed::string(&mut p.heap, x.chars().map(|c| c as u32))
    }
    fn a(x: &str) -> Term {
        Term::atom(atom::atom(x))
    }
    fn is_error(t: Term, why: &str) -> bool {
        t.is_tuple() && boxed::tuple_elems(t) == [Term::atom(atom::ERROR), a(why)]
    }
    fn int_ok(t: Term) -> (String, Term) {
        let e = boxed::tuple_elems(t);
        (crate::bignum::to_bigint(e[0]).unwrap().to_string(), e[1])
    }
    fn float_ok(t: Term) -> (f64, Term) {
        let e = boxed::tuple_elems(t);
        assert!(e[0].is_float(), "{t:?}");
        (boxed::float_value(e[0]), e[1])
    }

    #[test]
    fn integers() {
        let mut p = Process::new(0);
        let cases = [
            ("123abc", "123", "abc"),
            ("-12", "-12", ""),
            ("+12 ", "12", " "),
            ("007", "7", ""),
            ("1_000", "1", "_000"),
            (
                "123456789012345678901234567890x",
                "123456789012345678901234567890",
                "x",
            ),
        ];
        for (input, n, rest) in cases {
            let l = s(&mut p, input);
            let (got, r) = int_ok(list_to_integer_1(&mut p, &[l]).unwrap());
            assert_eq!(got, n, "{input}");
            let want: Vec<i64> = rest.chars().map(|c| c as i64).collect();
            assert_eq!(small_list(r), want);
        }
        for input in ["+", "-", "", "abc", " 12"] {
            let l = s(&mut p, input);
            let r = list_to_integer_1(&mut p, &[l]).unwrap();
            assert!(is_error(r, "no_integer"), "{input}");
        }
        let l = boxed::list_with_tail(&mut p.heap, &[Term::small(49)], a("a"));
        let (n, rest) = int_ok(list_to_integer_1(&mut p, &[l]).unwrap());
        assert_eq!((n.as_str(), rest), ("1", a("a")));
        let r = list_to_integer_1(&mut p, &[a("a")]).unwrap();
        assert!(is_error(r, "not_a_list"));
        let l = boxed::list(&mut p.heap, &[Term::small(49), Term::small(300)]);
        let (_, rest) = int_ok(list_to_integer_1(&mut p, &[l]).unwrap());
        assert_eq!(small_list(rest), vec![300]);
    }

    #[test]
    fn floats() {
        let mut p = Process::new(0);
        let cases = [
            ("1.5e3x", 1.5e3, "x"),
            ("1.5", 1.5, ""),
            ("-1.5", -1.5, ""),
            ("+1.5", 1.5, ""),
            ("1.5e", 1.5, "e"),
            ("1.5e+", 1.5, "e+"),
            ("1.5E-2", 0.015, ""),
            ("1.5e-400", 0.0, ""),
            ("1.5e-320", 1.5e-320, ""),
            ("0.1abc", 0.1, "abc"),
            ("1,5", 1.5, ""),
            ("1.5 ", 1.5, " "),
            ("12345678901234567890.5", 1.2345678901234567e19, ""),
            ("1.5e5.5", 1.5e5, ".5"),
            ("1.5_0", 1.5, "_0"),
            ("2.3e--", 2.3, "e--"),
            ("2.5-", 2.5, "-"),
        ];
        for (input, f, rest) in cases {
            let l = s(&mut p, input);
            let (got, r) = float_ok(list_to_float_1(&mut p, &[l]).unwrap());
            assert_eq!(got, f, "{input}");
            let want: Vec<i64> = rest.chars().map(|c| c as i64).collect();
            assert_eq!(small_list(r), want, "{input}");
        }
        for input in ["1", "1.", "1.e5", ".5", "1.5e400", "abc", "", "inf", "1-"] {
            let l = s(&mut p, input);
            let r = list_to_float_1(&mut p, &[l]).unwrap();
            assert!(is_error(r, "no_float"), "{input}");
        }
        let l = s(&mut p, "1.5");
        let items = boxed::list_to_vec(l).unwrap();
        let l = boxed::list_with_tail(&mut p.heap, &items, a("a"));
        let (f, rest) = float_ok(list_to_float_1(&mut p, &[l]).unwrap());
        assert_eq!((f, rest), (1.5, a("a")));
        let r = list_to_float_1(&mut p, &[a("a")]).unwrap();
        assert!(is_error(r, "not_a_list"));
    }
}
