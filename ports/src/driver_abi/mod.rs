//! The erl_driver C ABI surface, as Rust declarations: the `repr(C)` mirrors of the structures
//! and handle types of OTP 25's `erl_driver.h` / `erl_drv_nif.h` (extended driver interface 3.3)
//! in [`types`], and every constant of those headers in [`consts`].
//!
//! This module owns layouts and values only. The C side of the same surface is
//! `include/erl_driver.h` and `include/erl_drv_nif.h` at the repository root, written to be
//! source and binary compatible with OTP's, so that a driver built for OTP compiles against them
//! and loads here. The `driver_*` / `erl_drv_*` functions those headers declare are implemented
//! elsewhere in this crate on top of these types.
//!
//! `tests/driver_abi_layout.rs` checks, through bindgen, that every size, alignment, field
//! offset, field type and constant here agrees with both OTP's installed headers and ours, and
//! that our headers declare the same functions with the same signatures as OTP's;
//! `tests/driver_abi_c_compile.rs` compiles `c-tests/drivers/abi_smoke.c` against both.

pub mod consts;
pub mod types;

pub use consts::*;
pub use types::*;
