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

/// `f` with exactly `decimals` digits after the point, rounded on its exact binary value with
/// halfway cases to even, as C's `printf("%.*f")` (what OTP 25 falls back to from 19 decimals
/// on or above 2^53).
pub fn format_fixed(f: f64, decimals: usize) -> String {
    let neg = f.is_sign_negative();
    let bits = f.abs().to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1u64 << 52) - 1);
    // f = mantissa * 2^e exactly.
    let (mantissa, e) = if exp == 0 {
        (frac, -1074i64)
    } else {
        (frac | (1 << 52), exp - 1075)
    };
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
    let sign = if f.is_sign_negative() { "-" } else { "" };
    let a = f.abs();
    // Rust's `{:e}` gives the shortest round-trip digits: `d.ddde<x>`.
    let e = format!("{a:e}");
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    let digits = tie_to_even(a, digits, exp);
    let sci = {
        let (first, rest) = digits.split_at(1);
        let rest = if rest.is_empty() { "0" } else { rest };
        format!("{first}.{rest}e{exp}")
    };
    if a >= 9007199254740992.0 {
        return format!("{sign}{sci}");
    }
    let dec = if exp >= 0 {
        let int_len = exp as usize + 1;
        if digits.len() <= int_len {
            format!("{}{}.0", digits, "0".repeat(int_len - digits.len()))
        } else {
            format!("{}.{}", &digits[..int_len], &digits[int_len..])
        }
    } else {
        format!("0.{}{}", "0".repeat((-exp - 1) as usize), digits)
    };
    if sci.len() < dec.len() {
        format!("{sign}{sci}")
    } else {
        format!("{sign}{dec}")
    }
}

/// Rust's shortest digits round a value exactly halfway between two shortest candidates up;
/// OTP's (Ryu's) take the even one. `digits` (first digit at 10^`exp`) are Rust's for `a`.
fn tie_to_even(a: f64, digits: String, exp: i64) -> String {
    let bytes = digits.as_bytes();
    let Some(&last) = bytes.last() else {
        return digits;
    };
    if (last - b'0') % 2 == 0 {
        return digits;
    }
    let n = bytes.len();
    let mut lower = bytes.to_vec();
    lower[n - 1] -= 1;
    // Whether `a` printed with `precision` digits after the first is `lower` then 5 then zeros.
    let halfway = |precision: usize| {
        let text = format!("{a:.precision$e}");
        let (mant, eexp) = text.split_once('e').unwrap_or((&text, "0"));
        let all: Vec<u8> = mant.bytes().filter(|c| *c != b'.').collect();
        eexp.parse::<i64>().ok() == Some(exp)
            && all.len() > n
            && all[..n] == lower[..]
            && all[n] == b'5'
            && all[n + 1..].iter().all(|&c| c == b'0')
    };
    // A cheap look at a few more digits first; then the exact value (at most 767 significant
    // digits), since a value just below the halfway point also rounds to ...500.
    if !halfway(n + 2) || !halfway(800) {
        return digits;
    }
    let lower = String::from_utf8(lower).unwrap_or_default();
    let (first, rest) = lower.split_at(1);
    match format!("{first}.{rest}e{exp}").parse::<f64>() {
        Ok(v) if v == a => lower,
        _ => digits,
    }
}

#[cfg(test)]
mod tests {
    use super::{format_e, format_fixed, format_short};

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
    fn c_style_exponent() {
        assert_eq!(format_e(1.5, 6), "1.500000e+00");
        assert_eq!(format_e(-0.0, 6), "-0.000000e+00");
        assert_eq!(format_e(1.0e300, 6), "1.000000e+300");
        assert_eq!(format_e(123456789.123, 6), "1.234568e+08");
        assert_eq!(format_e(1.0e-10, 6), "1.000000e-10");
        assert_eq!(format_e(2.0e-300, 20), "2.00000000000000005012e-300");
    }
}
