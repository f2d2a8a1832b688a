//! A process (OTP's `erl_process.h`): its heap, stack, registers and the state the
//! interpreter saves between time slices.

use crate::heap::Heap;
use crate::term::Term;

/// Number of X registers (OTP's `MAX_REG`).
pub const MAX_REG: usize = 1024;
/// Number of float registers.
pub const MAX_FREG: usize = 1024;

pub struct Process {
    /// Process number (the pid is `Term::pid(id)`).
    pub id: u64,
    pub heap: Heap,
    /// X registers: arguments and temporaries.
    pub x: Box<[Term]>,
    /// Float registers.
    pub f: Box<[f64]>,
    /// The stack: frames of Y registers with the saved continuation pointer on top of each
    /// frame (see `emu`); catch tags live in Y registers.
    pub stack: Vec<Term>,
    /// Process dictionary, in insertion order.
    pub dictionary: Vec<(Term, Term)>,
    pub reductions: u64,
    pub group_leader: Term,
}

impl Process {
    pub fn new(id: u64) -> Process {
        Process {
            id,
            heap: Heap::default(),
            x: vec![Term::NIL; MAX_REG].into_boxed_slice(),
            f: vec![0.0; MAX_FREG].into_boxed_slice(),
            stack: Vec::with_capacity(64),
            dictionary: Vec::new(),
            reductions: 0,
            group_leader: Term::NIL,
        }
    }
    /// This process's pid.
    pub fn pid(&self) -> Term {
        Term::pid(self.id)
    }
}
