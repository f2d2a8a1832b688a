//! Float formatting shared by the printers and conversion BIFs: C's `printf("%.*e")` layout
//! (`1.500000e+00`: at least two exponent digits, explicit sign), as OTP's `sys_double_to_chars`
//! and `erts_printf` produce it.

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

#[cfg(test)]
mod tests {
    use super::format_e;

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
