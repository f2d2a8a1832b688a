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
        "erf" => |x| erf(x), "erfc" => |x| erfc(x),
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

// SAFETY: `erf` and `erfc` of the C library (glibc's libm, which the Rust standard library
// links already) are pure functions of one double with no preconditions; OTP's `erl_math.c`
// calls the same ones, so results match the real VM to the last bit.
unsafe extern "C" {
    safe fn erf(x: f64) -> f64;
    safe fn erfc(x: f64) -> f64;
}
