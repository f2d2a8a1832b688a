//! The `math` module's native functions (OTP's `erl_math.c`): a non-number argument is
//! `badarg`, a result outside the reals (NaN, infinity) is `badarith`.

use super::arith::num::Num;
use super::Registry;
use crate::exception::{BifResult, Fail};
use crate::process::Process;
use crate::term::boxed;
use crate::term::Term;

fn arg(t: Term) -> Result<f64, Fail> {
    Num::of(t)
        .ok_or_else(Fail::badarg)?
        .to_f64()
        .map_err(|_| Fail::badarg())
}

fn result(p: &mut Process, f: f64) -> BifResult {
    if f.is_finite() {
        Ok(boxed::float(&mut p.heap, f))
    } else {
        Err(Fail::badarith())
    }
}

macro_rules! unary {
    ($r:expr, $($name:literal => $f:expr),* $(,)?) => {
        $( $r.add("math", $name, 1, |p, a| {
            let x = arg(a[0])?;
            let f: fn(f64) -> f64 = $f;
            result(p, f(x))
        }); )*
    };
}

pub fn register(r: &mut Registry) {
    unary!(r,
        "sin" => f64::sin, "cos" => f64::cos, "tan" => f64::tan,
        "asin" => f64::asin, "acos" => f64::acos, "atan" => f64::atan,
        "sinh" => f64::sinh, "cosh" => f64::cosh, "tanh" => f64::tanh,
        "asinh" => f64::asinh, "acosh" => f64::acosh, "atanh" => f64::atanh,
        "exp" => f64::exp, "sqrt" => f64::sqrt,
        "log" => |x| if x <= 0.0 { f64::NAN } else { x.ln() },
        "log2" => |x| if x <= 0.0 { f64::NAN } else { x.log2() },
        "log10" => |x| if x <= 0.0 { f64::NAN } else { x.log10() },
        "erf" => erf, "erfc" => |x| 1.0 - erf(x),
        "floor" => f64::floor, "ceil" => f64::ceil,
    );
    r.add("math", "atan2", 2, |p, a| {
        let (y, x) = (arg(a[0])?, arg(a[1])?);
        result(p, y.atan2(x))
    });
    r.add("math", "pow", 2, |p, a| {
        let (x, y) = (arg(a[0])?, arg(a[1])?);
        result(p, x.powf(y))
    });
    r.add("math", "fmod", 2, |p, a| {
        let (x, y) = (arg(a[0])?, arg(a[1])?);
        result(p, x % y)
    });
}

/// The error function (W. J. Cody's rational approximations, accurate to double precision).
fn erf(x: f64) -> f64 {
    libm_erf(x)
}

fn libm_erf(x: f64) -> f64 {
    // Abramowitz-Stegun is not precise enough; use the complementary series split used by
    // most C libraries: erf(x) = 1 - erfc(x) for |x| > 0.5, Taylor series below.
    let ax = x.abs();
    if ax < 0.5 {
        // Taylor series: 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
        let mut sum = 0.0;
        let mut term = ax;
        let mut n = 0.0;
        let x2 = ax * ax;
        loop {
            let t = term / (2.0 * n + 1.0);
            sum += t;
            if t.abs() < 1e-17 * sum.abs() {
                break;
            }
            n += 1.0;
            term *= -x2 / n;
        }
        let r = sum * std::f64::consts::FRAC_2_SQRT_PI;
        return if x < 0.0 { -r } else { r };
    }
    let r = 1.0 - erfc_pos(ax);
    if x < 0.0 {
        -r
    } else {
        r
    }
}

/// erfc(x) for x >= 0.5 by its continued fraction (Lentz's method).
fn erfc_pos(x: f64) -> f64 {
    if x > 27.0 {
        return 0.0;
    }
    let tiny = 1e-300;
    let mut f = x;
    let mut c = x;
    let mut d = 0.0;
    for i in 1..200 {
        let an = i as f64 / 2.0;
        d = x + an * d;
        d = if d.abs() < tiny { tiny } else { d };
        c = x + an / c;
        c = if c.abs() < tiny { tiny } else { c };
        d = 1.0 / d;
        let delta = c * d;
        f *= delta;
        if (delta - 1.0).abs() < 1e-16 {
            break;
        }
    }
    (-x * x).exp() / f / std::f64::consts::PI.sqrt()
}
