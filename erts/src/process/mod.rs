//! A process (OTP's `erl_process.h`): its heap, stack, registers, message queue and the state
//! the interpreter saves between time slices.

pub mod gc;

use crate::emu::instr::Instr;
use crate::heap::Heap;
use crate::term::Term;
use std::collections::VecDeque;

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
    /// The stack. A call pushes its return address (a code pointer: a header-tagged word);
    /// `allocate` pushes Y registers above it; Y register `i` is `stack[len - 1 - i]`.
    /// Catch tags live in Y registers.
    pub stack: Vec<Term>,
    /// Where execution resumes.
    pub pc: *const Instr,
    /// Where execution resumes when a `receive ... after` times out.
    pub timeout_pc: *const Instr,
    /// Messages received and not yet removed.
    pub mailbox: VecDeque<Term>,
    /// Index of the next message `loop_rec` looks at.
    pub save: usize,
    /// Process dictionary, in insertion order.
    pub dictionary: Vec<(Term, Term)>,
    pub reductions: u64,
    pub group_leader: Term,
}

// SAFETY: a process is run by one scheduler thread at a time; `pc` points into immutable code.
unsafe impl Send for Process {}

impl Process {
    pub fn new(id: u64) -> Process {
        Process {
            id,
            heap: Heap::default(),
            x: vec![Term::NIL; MAX_REG].into_boxed_slice(),
            f: vec![0.0; MAX_FREG].into_boxed_slice(),
            stack: Vec::with_capacity(64),
            pc: std::ptr::null(),
            timeout_pc: std::ptr::null(),
            mailbox: VecDeque::new(),
            save: 0,
            dictionary: Vec::new(),
            reductions: 0,
            group_leader: Term::NIL,
        }
    }
    /// This process's pid.
    pub fn pid(&self) -> Term {
        Term::pid(self.id)
    }

    /// Garbage collects with the first `live` X registers as roots, leaving `need` free words.
    pub fn gc(&mut self, live: usize, need: usize) {
        let live = live.min(MAX_REG);
        let mut dict: Vec<Term> = self.dictionary.iter().flat_map(|(k, v)| [*k, *v]).collect();
        let (a, b) = self.mailbox.as_mut_slices();
        gc::collect(
            &mut self.heap,
            &mut [
                &mut self.x[..live],
                &mut self.stack[..],
                &mut dict[..],
                a,
                b,
                std::slice::from_mut(&mut self.group_leader),
            ],
            need,
        );
        for (i, pair) in self.dictionary.iter_mut().enumerate() {
            *pair = (dict[2 * i], dict[2 * i + 1]);
        }
    }
}
