//! The interpreter (OTP's `beam_emu.c`): the internal instruction set, the dispatch loop,
//! exception raising and the bit syntax.

pub mod bs;
pub(crate) mod call_nif;
pub mod instr;
pub mod interp;
pub mod raise;
pub mod thin_slice;
