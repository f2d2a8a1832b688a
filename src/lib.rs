//! The embeddable runtime library (C API for host programs). The C API comes with a later
//! issue; today this crate re-exports the Rust runtime for the `beam` binary and tools.

pub use erts;

pub mod emu_flags;
pub mod erlexec;
