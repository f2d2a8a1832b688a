//! Arithmetic BIFs (OTP's `erl_arith.c`, `erl_bif_guard.c`): the operators on integers of any
//! size and floats, bit operations, rounding, comparisons, boolean operators and the type-test
//! BIFs. The interpreter inlines small-integer arithmetic and calls these for everything else.

pub mod bitwise;
pub mod num;
pub mod ops;
pub mod rounding;
pub mod types;

use super::Registry;

pub fn register(r: &mut Registry) {
    ops::register(r);
    bitwise::register(r);
    rounding::register(r);
    types::register(r);
}
