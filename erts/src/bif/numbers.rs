//! Conversions between numbers and text (OTP's `bif.c` / `erl_bif_*` number parts):
//! `integer_to_list/1,2`, `integer_to_binary/1,2`, `list_to_integer/1,2`,
//! `binary_to_integer/1,2`, `float_to_list/1,2`, `float_to_binary/1,2`, `list_to_float/1`,
//! `binary_to_float/1`.

use super::arith::num::{big_term, Num};
use super::Registry;
use crate::exception::{BifResult, Fail};
use crate::float_fmt;
use crate::process::Process;
use crate::term::boxed;
use crate::term::Term;
use num_bigint::BigInt;
use num_traits::Num as _;

pub fn register(r: &mut Registry) {
    r.add("erlang", "integer_to_list", 1, |p, a| {
        int_to_text(p, a[0], Term::small(10), false)
    });
    r.add("erlang", "integer_to_list", 2, |p, a| {
        int_to_text(p, a[0], a[1], false)
    });
    r.add("erlang", "integer_to_binary", 1, |p, a| {
        int_to_text(p, a[0], Term::small(10), true)
    });
    r.add("erlang", "integer_to_binary", 2, |p, a| {
        int_to_text(p, a[0], a[1], true)
    });
    r.add("erlang", "list_to_integer", 1, |p, a| {
        text_to_int(p, a[0], Term::small(10), false)
    });
    r.add("erlang", "list_to_integer", 2, |p, a| {
        text_to_int(p, a[0], a[1], false)
    });
    r.add("erlang", "binary_to_integer", 1, |p, a| {
        text_to_int(p, a[0], Term::small(10), true)
    });
    r.add("erlang", "binary_to_integer", 2, |p, a| {
        text_to_int(p, a[0], a[1], true)
    });
    r.add("erlang", "float_to_list", 1, |p, a| {
        float_to_text(p, a[0], Term::NIL, false)
    });
    r.add("erlang", "float_to_list", 2, |p, a| {
        float_to_text(p, a[0], a[1], false)
    });
    r.add("erlang", "float_to_binary", 1, |p, a| {
        float_to_text(p, a[0], Term::NIL, true)
    });
    r.add("erlang", "float_to_binary", 2, |p, a| {
        float_to_text(p, a[0], a[1], true)
    });
    r.add("erlang", "list_to_float", 1, |p, a| {
        text_to_float(p, a[0], false)
    });
    r.add("erlang", "binary_to_float", 1, |p, a| {
        text_to_float(p, a[0], true)
    });
}

/// `text` as a charlist or a binary term.
fn text_term(p: &mut Process, text: &str, binary: bool) -> Term {
    if binary {
        boxed::binary(&mut p.heap, text.as_bytes())
    } else {
        boxed::string(&mut p.heap, text.bytes().map(|b| b as u32))
    }
}

/// The bytes of a flat charlist (all characters below 256) or of a binary.
fn text_bytes(t: Term, binary: bool) -> Option<Vec<u8>> {
    if binary {
        if !t.is_binary() {
            return None;
        }
        return Some(boxed::bitstring_view(t).to_vec());
    }
    let mut out = Vec::new();
    let mut c = t;
    while c.is_list() {
        let ch = c.head().as_small()?;
        out.push(u8::try_from(ch).ok()?);
        c = c.tail();
    }
    c.is_nil().then_some(out)
}

fn base_of(t: Term) -> Option<u32> {
    t.as_small()
        .filter(|b| (2..=36).contains(b))
        .map(|b| b as u32)
}

fn int_to_text(p: &mut Process, i: Term, base: Term, binary: bool) -> BifResult {
    let (Some(n), Some(base)) = (Num::int_of(i), base_of(base)) else {
        return Err(Fail::badarg());
    };
    let text = match n {
        Num::Int(v) if base == 10 => v.to_string(),
        n => n.to_big().to_str_radix(base).to_uppercase(),
    };
    Ok(text_term(p, &text, binary))
}

/// Parses `[+-]digits` in `base` (letters in either case).
pub fn parse_int(s: &[u8], base: u32) -> Option<BigInt> {
    let (neg, digits) = match s.first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.iter().all(|c| (*c as char).is_digit(base)) {
        return None;
    }
    let text = std::str::from_utf8(digits).ok()?;
    let v = BigInt::from_str_radix(text, base).ok()?;
    Some(if neg { -v } else { v })
}

fn text_to_int(p: &mut Process, t: Term, base: Term, binary: bool) -> BifResult {
    let (Some(s), Some(base)) = (text_bytes(t, binary), base_of(base)) else {
        return Err(Fail::badarg());
    };
    let v = parse_int(&s, base).ok_or_else(Fail::badarg)?;
    big_term(&mut p.heap, &v)
}

/// Parses Erlang float syntax strictly: `[+-]digits.digits[(e|E)[+-]digits]`.
pub fn parse_float(s: &[u8]) -> Option<f64> {
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
    if !digits(&mut i) || i >= s.len() || s[i] != b'.' {
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
    let f: f64 = std::str::from_utf8(s).ok()?.parse().ok()?;
    f.is_finite().then_some(f)
}

fn text_to_float(p: &mut Process, t: Term, binary: bool) -> BifResult {
    let mut s = text_bytes(t, binary).ok_or_else(Fail::badarg)?;
    // OTP reads the text as a C string: it ends at the first NUL. Its `strtod` is retried
    // with the other radix character, so `,` may stand for the point.
    if let Some(nul) = s.iter().position(|&b| b == 0) {
        s.truncate(nul);
    }
    for b in s.iter_mut() {
        if *b == b',' {
            *b = b'.';
        }
    }
    let f = parse_float(&s).ok_or_else(Fail::badarg)?;
    Ok(boxed::float(&mut p.heap, f))
}

enum FloatFormat {
    Scientific(usize),
    Decimals(usize, bool),
    Short,
}

/// Parses the options of `float_to_list/2` and `float_to_binary/2` as OTP 25 does: the last
/// of `short`, `{decimals, N}` and `{scientific, N}` wins and only its `N` is range-checked;
/// a negative `{scientific, N}` is C's default precision, 6.
fn float_format(opts: Term) -> Option<FloatFormat> {
    let mut format = FloatFormat::Scientific(20);
    let mut compact = false;
    let mut last: Option<(bool, i64)> = None;
    for o in boxed::list_to_vec(opts)? {
        if let Some(a) = o.as_atom() {
            match a.name() {
                "compact" => compact = true,
                "short" => {
                    format = FloatFormat::Short;
                    last = None;
                }
                _ => return None,
            }
            continue;
        }
        if !o.is_tuple() || boxed::tuple_arity(o) != 2 {
            return None;
        }
        let n = boxed::tuple_element(o, 1).as_small()?;
        match boxed::tuple_element(o, 0).as_atom()?.name() {
            "decimals" => last = Some((true, n)),
            "scientific" => last = Some((false, n)),
            _ => return None,
        }
    }
    match last {
        Some((true, n)) if (0..=253).contains(&n) => {
            format = FloatFormat::Decimals(n as usize, compact)
        }
        Some((false, n)) if n <= 249 => {
            format = FloatFormat::Scientific(if n < 0 { 6 } else { n as usize })
        }
        Some(_) => return None,
        None => {}
    }
    Some(format)
}

fn float_to_text(p: &mut Process, f: Term, opts: Term, binary: bool) -> BifResult {
    if !f.is_float() {
        return Err(Fail::badarg());
    }
    let v = boxed::float_value(f);
    let text = match float_format(opts).ok_or_else(Fail::badarg)? {
        FloatFormat::Scientific(n) => {
            let s = float_fmt::format_e(v, n);
            if s.len() > 255 {
                return Err(Fail::badarg());
            }
            s
        }
        FloatFormat::Short => float_fmt::format_short(v),
        FloatFormat::Decimals(n, compact) => {
            let mut s = float_fmt::format_fixed_otp(v, n);
            if s.len() > 255 {
                return Err(Fail::badarg());
            }
            if compact && n > 0 {
                while s.ends_with('0') && !s.ends_with(".0") {
                    s.pop();
                }
            } else if compact && v.abs() > (1u64 << 53) as f64 {
                // OTP strips the zeros of a big integral value printed without decimals
                // too (`1.0e16` with `[compact, {decimals, 0}]` is "1").
                while s.ends_with('0') {
                    s.pop();
                }
            }
            s
        }
    };
    Ok(text_term(p, &text, binary))
}
