//! The block of process state machine code works on: pointers to the X registers, the stack
//! and the heap's free window, and the reductions left. [`JitCtx::load`] fills it from a
//! process before machine code runs and [`JitCtx::store`] gives the stack and heap tops
//! back after it.

use crate::process::Process;
use crate::term::Term;

/// What machine code reads and writes (field offsets are part of the generated code).
#[repr(C)]
pub struct JitCtx {
    /// `Process::x`.
    pub x: *mut Term,
    /// The stack's first word (the bottom; the stack grows upwards, `y0` is the top word).
    pub stack_base: *mut Term,
    /// One past the stack's top word.
    pub sp: *mut Term,
    /// The end of the stack's allocation: pushes beyond it go through the interpreter.
    pub stack_end: *mut Term,
    /// Where the heap's next word goes.
    pub htop: *mut Term,
    /// The end of the heap's main block.
    pub hend: *mut Term,
    /// Non-zero when a collection is due (`Heap::collection_due`: `test_heap` then
    /// collects, through the interpreter).
    pub gc_due: u64,
    /// Reductions left in the slice.
    pub reds: i64,
    /// `Process::f` (float registers).
    pub f: *mut f64,
    /// The process itself, for the runtime functions machine code calls (`helpers.rs`).
    pub proc: *mut Process,
    /// Set by a runtime function when the process must end (a collection found it past
    /// its `max_heap_size`): the machine code has left, the interpreter ends the process.
    pub killed: bool,
    /// Set by a runtime function when the slice must end (a BIF asked to yield): the
    /// machine code has left at the next instruction, the interpreter yields there.
    pub yield_now: bool,
}

impl JitCtx {
    /// The state of `proc`, with `reds` reductions left.
    pub fn load(proc: &mut Process, reds: i64) -> JitCtx {
        let (htop, hend, gc_due) = proc.heap.jit_window();
        let len = proc.stack.len();
        let cap = proc.stack.capacity();
        let base = proc.stack.as_mut_ptr();
        JitCtx {
            x: proc.x.as_mut_ptr(),
            stack_base: base,
            // SAFETY: `len` and `cap` are within the stack's allocation.
            sp: unsafe { base.add(len) },
            // SAFETY: as above.
            stack_end: unsafe { base.add(cap) },
            htop,
            hend,
            gc_due: gc_due as u64,
            reds,
            f: proc.f.as_mut_ptr(),
            proc: proc as *mut Process,
            killed: false,
            yield_now: false,
        }
    }

    /// Reads the stack and heap windows of `proc` again (after a runtime function may have
    /// grown the stack, collected or allocated on the heap); the reductions stay.
    pub fn reload(&mut self, proc: &mut Process) {
        let (reds, killed, yield_now) = (self.reds, self.killed, self.yield_now);
        *self = JitCtx::load(proc, reds);
        self.killed = killed;
        self.yield_now = yield_now;
    }

    /// Gives the stack and heap tops machine code left back to `proc`.
    pub fn store(&self, proc: &mut Process) {
        // SAFETY: machine code keeps `sp` between the stack's base and the end of its
        // allocation, and writes every word it pushes (a new frame's words are set to
        // `[]`), so the words below `sp` are initialised.
        unsafe {
            let len = self.sp.offset_from(self.stack_base) as usize;
            proc.stack.set_len(len);
        }
        // SAFETY: machine code only moves `htop` up to `hend`, writing the words it passes.
        unsafe { proc.heap.jit_set_top(self.htop) };
    }
}
