//! The external term format (OTP's `external.c`): `binary_to_term` decoding (`decode`) and
//! `term_to_binary` encoding (`encode`).

pub mod decode;
pub mod encode;
pub mod tags;

pub use decode::{decode, decode_literal, DecodeError, DecodeOpts};
pub use encode::{encode, EncodeOpts};
