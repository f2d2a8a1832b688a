//! The external term format (OTP's `external.c`): `binary_to_term` decoding (`decode`) and
//! `term_to_binary` encoding (`encode`), and the structural pass OTP's loader checks module
//! attributes with (`size_pass`).

pub mod decode;
pub mod encode;
pub mod size_pass;
pub mod tags;

pub use decode::{decode, decode_literal, DecodeError, DecodeOpts};
pub use encode::{encode, EncodeOpts};
