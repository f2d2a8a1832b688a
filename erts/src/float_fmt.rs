//! Float formatting shared by the printers and conversion BIFs: C's `printf("%.*e")` layout
//! (`1.500000e+00`: at least two exponent digits, explicit sign), as OTP's `sys_double_to_chars`
//! and `erts_printf` produce it; fixed decimals rounded exactly (halfway cases to even, as
//! OTP's `float_to_list(F, [{decimals, N}])` from 19 decimals on); and the shortest round-trip form of
//! `float_to_list(F, [short])`.

use num_bigint::BigInt;
use num_integer::Integer;

/// Formats `f` like C's `%.{precision}e`.
pub fn format_e(f: f64, precision: usize) -> String {
    let s = format!("{:.*e}", precision, f);
    // Rust writes `1.5e0` / `1.5e-7`; C writes `1.5e+00` / `1.5e-07`.
    match s.split_once('e') {
        Some((mantissa, exp)) => {
            let (sign, digits) = match exp.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', exp),
            };
            format!("{mantissa}e{sign}{digits:0>2}")
        }
        None => s,
    }
}

/// `|f|` (finite) as `m * 2^e` exactly: its significand as an integer and the power of two.
fn decompose(f: f64) -> (u64, i64) {
    let bits = f.abs().to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1u64 << 52) - 1);
    if biased == 0 {
        (frac, -1074)
    } else {
        (frac | (1 << 52), biased - 1075)
    }
}

/// `f` with exactly `decimals` digits after the point, rounded on its exact binary value with
/// halfway cases to even, as C's `printf("%.*f")` (what OTP 25 falls back to from 19 decimals
/// on or above 2^53).
pub fn format_fixed(f: f64, decimals: usize) -> String {
    let neg = f.is_sign_negative();
    let (mantissa, e) = decompose(f);
    let scale = BigInt::from(10u32).pow(decimals as u32);
    let scaled: BigInt = if e >= 0 {
        (BigInt::from(mantissa) << (e as usize)) * scale
    } else {
        let num = BigInt::from(mantissa) * scale;
        let den = BigInt::from(1u8) << ((-e) as usize);
        let (q, r) = num.div_rem(&den);
        let twice: BigInt = r * 2u8;
        if twice > den || (twice == den && q.is_odd()) {
            q + 1u8
        } else {
            q
        }
    };
    let mut digits = scaled.to_string();
    if digits.len() <= decimals {
        digits = format!("{}{}", "0".repeat(decimals + 1 - digits.len()), digits);
    }
    let (int, fracp) = digits.split_at(digits.len() - decimals);
    let sign = if neg { "-" } else { "" };
    if decimals == 0 {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{fracp}")
    }
}

/// `f` with `decimals` digits after the point as OTP 25's `float_to_list(F, [{decimals, N}])`
/// computes it: when `|f|` is at most 2^53 and `decimals` below 19, in doubles (the integer
/// part, then the fraction times 10^N rounded half away from zero, a carry into the integer
/// part), which is not always the exact rounding; otherwise exactly.
pub fn format_fixed_otp(f: f64, decimals: usize) -> String {
    let af = f.abs();
    if af > (1u64 << 53) as f64 || decimals >= 19 {
        return format_fixed(f, decimals);
    }
    let sign = if f.is_sign_negative() { "-" } else { "" };
    if decimals == 0 {
        return format!("{sign}{}", af.round() as u64);
    }
    let scale = 10f64.powi(decimals as i32);
    let int_f = af.floor();
    let frac_f = ((af - int_f) * scale).round();
    let (int_part, frac_part) = if frac_f >= scale {
        (int_f as u64 + 1, 0)
    } else {
        (int_f as u64, frac_f as u64)
    };
    format!("{sign}{int_part}.{frac_part:0>decimals$}")
}

/// The shortest text that reads back as `f`, laid out as OTP's `float_to_list(F, [short])`:
/// decimal notation (`0.001`, `123.0`) unless scientific (`1.0e-5`, `1.0e15`) is shorter, and
/// always scientific from 2^53 up, where not every integer is a float.
pub fn format_short(f: f64) -> String {
    use std::fmt::Write;
    let a = f.abs();
    // Rust's `{:e}` gives the shortest round-trip digits: `d.ddde<x>` (at most 17 digits).
    let mut e = String::with_capacity(32);
    let _ = write!(e, "{a:e}");
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let mut buf = [0u8; 24];
    let mut n = 0;
    for &c in mant
        .as_bytes()
        .iter()
        .filter(|c| **c != b'.')
        .take(buf.len())
    {
        buf[n] = c;
        n += 1;
    }
    let digits = &mut buf[..n];
    tie_to_even(a, digits, exp);
    let digits = &buf[..n];
    let mut out = String::with_capacity(n + 26);
    if f.is_sign_negative() {
        out.push('-');
    }
    // Scientific: d.ddd e<exp>, a 0 after the point when there is one digit.
    let exp_len = if exp < 0 { 1 } else { 0 } + exp.unsigned_abs().max(1).ilog10() as usize + 1;
    let sci_len = 2 + (n - 1).max(1) + 1 + exp_len;
    let dec_len = if exp >= 0 {
        (exp as usize + 1).max(n) + 1 + if n <= exp as usize + 1 { 1 } else { 0 }
    } else {
        2 + (-exp - 1) as usize + n
    };
    let push = |out: &mut String, d: &[u8]| d.iter().for_each(|&c| out.push(c as char));
    if a >= 9007199254740992.0 || sci_len < dec_len {
        push(&mut out, &digits[..1]);
        out.push('.');
        if n == 1 {
            out.push('0');
        } else {
            push(&mut out, &digits[1..]);
        }
        let _ = write!(out, "e{exp}");
    } else if exp >= 0 {
        let int_len = exp as usize + 1;
        if n <= int_len {
            push(&mut out, digits);
            (n..int_len).for_each(|_| out.push('0'));
            out.push_str(".0");
        } else {
            push(&mut out, &digits[..int_len]);
            out.push('.');
            push(&mut out, &digits[int_len..]);
        }
    } else {
        out.push_str("0.");
        (0..-exp - 1).for_each(|_| out.push('0'));
        push(&mut out, digits);
    }
    out
}

/// Rust's shortest digits round a value exactly halfway between two shortest candidates up;
/// OTP's (Ryu's) take the even one. `digits` (first digit at 10^`exp`) are Rust's for `a`,
/// replaced by the even candidate when `a` is such a tie and that candidate reads back as `a`.
fn tie_to_even(a: f64, digits: &mut [u8], exp: i64) {
    let n = digits.len();
    let Some(&last) = digits.last() else {
        return;
    };
    if (last - b'0') % 2 == 0 {
        return;
    }
    let mut lower = [0u8; 24];
    lower[..n].copy_from_slice(digits);
    lower[n - 1] -= 1;
    let lower = &lower[..n];
    // `a` is a tie when it is exactly (lower + 1/2) * 10^q, q the place of the last digit.
    let q = exp - (n as i64 - 1);
    if !is_decimal_tie(a, lower, q) {
        return;
    }
    let text = format!(
        "{}.{}e{exp}",
        lower[0] as char,
        std::str::from_utf8(&lower[1..]).unwrap_or("")
    );
    if text.parse::<f64>() == Ok(a) {
        digits.copy_from_slice(lower);
    }
}

/// Whether `a` equals `(L + 1/2) * 10^q` exactly, `L` the decimal number in `lower`.
///
/// With `a = m * 2^e` (`m` odd) that is `m * 2^(e+1) = (2L+1) * 2^q * 5^q`: both sides' odd
/// parts and powers of two must agree, so `e + 1 = q` and `m = (2L+1) * 5^q` (or
/// `m * 5^-q = 2L+1` when `q` is negative). Everything fits in 128 bits or is no tie.
fn is_decimal_tie(a: f64, lower: &[u8], q: i64) -> bool {
    let (mut m, mut e) = decompose(a);
    if m == 0 {
        return false;
    }
    let zeros = m.trailing_zeros();
    m >>= zeros;
    e += i64::from(zeros);
    if e + 1 != q {
        return false;
    }
    let mut odd: u128 = 0;
    for &d in lower {
        odd = match odd
            .checked_mul(10)
            .and_then(|v| v.checked_add(u128::from(d - b'0')))
        {
            Some(v) => v,
            None => return false,
        };
    }
    let Some(odd) = odd.checked_mul(2).and_then(|v| v.checked_add(1)) else {
        return false;
    };
    let Some(pow5) = u32::try_from(q.unsigned_abs())
        .ok()
        .and_then(|k| 5u128.checked_pow(k))
    else {
        return false;
    };
    if q >= 0 {
        odd.checked_mul(pow5) == Some(u128::from(m))
    } else {
        u128::from(m).checked_mul(pow5) == Some(odd)
    }
}

#[cfg(test)]
mod tests {
    use super::{format_e, format_fixed, format_short, is_decimal_tie};

    #[test]
    fn fixed_rounds_exactly_half_to_even() {
        assert_eq!(format_fixed(0.5, 0), "0");
        assert_eq!(format_fixed(1.5, 0), "2");
        assert_eq!(format_fixed(2.5, 0), "2");
        assert_eq!(
            format_fixed(5.0e-5, 66),
            "0.000050000000000000002396086801192964799156470689922571182250976562"
        );
        assert_eq!(format_fixed(1.005, 2), "1.00");
        assert_eq!(format_fixed(-0.0, 3), "-0.000");
        assert_eq!(format_fixed(0.0001, 3), "0.000");
        assert_eq!(format_fixed(1.0e23, 3), "99999999999999991611392.000");
        assert_eq!(format_fixed(1.23456, 3), "1.235");
    }

    #[test]
    fn short_forms_like_otp() {
        for (f, s) in [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (0.1, "0.1"),
            (1.0e15, "1.0e15"),
            (123456789.0, "123456789.0"),
            (1.0e-4, "0.0001"),
            (1.0e-5, "1.0e-5"),
            (1.23e-4, "1.23e-4"),
            (100.0, "100.0"),
            (1000.0, "1.0e3"),
            (1234567.0, "1234567.0"),
            (9007199254740992.0, "9.007199254740992e15"),
            (1234567890123456.0, "1234567890123456.0"),
            (5.0e-324, "5.0e-324"),
            (0.0015, "0.0015"),
            (1.5e-4, "1.5e-4"),
            (27719740028452.0 + 0.5625, "27719740028452.562"),
            (2070228452120887.0 + 0.25, "2070228452120887.2"),
        ] {
            assert_eq!(format_short(f), s, "{f}");
        }
    }

    #[test]
    fn decimal_ties_exactly() {
        // 0.5625 = (562 + 1/2) * 10^-3.
        assert!(is_decimal_tie(0.5625, b"562", -3));
        assert!(!is_decimal_tie(0.5625, b"56", -2));
        assert!(is_decimal_tie(2.5, b"2", 0));
        assert!(is_decimal_tie(250.0, b"2", 2));
        assert!(!is_decimal_tie(0.1, b"0", 0));
        assert!(!is_decimal_tie(5.0e-324, b"4", -324));
        assert!(!is_decimal_tie(0.0, b"0", 0));
    }

    #[test]
    fn c_style_exponent() {
        assert_eq!(format_e(1.5, 6), "1.500000e+00");
        assert_eq!(format_e(-0.0, 6), "-0.000000e+00");
        assert_eq!(format_e(1.0e300, 6), "1.000000e+300");
        assert_eq!(format_e(123456789.123, 6), "1.234568e+08");
        assert_eq!(format_e(1.0e-10, 6), "1.000000e-10");
        assert_eq!(format_e(2.0e-300, 20), "2.00000000000000005012e-300");
    }
}
