//! Internal instructions.
pub enum Instr { Nop }
