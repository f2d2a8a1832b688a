//! The interpreter (OTP's `beam_emu.c`): executes the loaded instruction stream.

pub mod instr;
