//! The shared part of a process (OTP's `Process` struct fields other threads touch): its
//! scheduling state, its signal inbox, and the process itself behind a lock that the scheduler
//! running it holds for the length of a time slice.
//!
//! Scheduling states (`state`):
//! - `WAITING`: not queued, not running; a new signal makes it `QUEUED` and enqueues it.
//! - `QUEUED`: in a run queue.
//! - `RUNNING`: a scheduler runs it; a new signal makes it `NOTIFIED`.
//! - `NOTIFIED`: running, and signals arrived since it last looked at its inbox.
//! - `EXITED`: gone; signals sent to it are handled as "no such process".
//!
//! Exactly one party moves a process out of `WAITING` (the signal sender that wins the
//! compare-exchange) and only the running scheduler moves it out of `RUNNING`/`NOTIFIED`, so a
//! process is never queued twice nor lost.

use super::signals::Signal;
use super::Process;
use crate::term::Term;
use parking_lot::Mutex;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

pub const WAITING: u8 = 0;
pub const QUEUED: u8 = 1;
pub const RUNNING: u8 = 2;
pub const NOTIFIED: u8 = 3;
pub const EXITED: u8 = 4;

/// Not in a dirty call.
pub const DIRTY_NONE: u8 = 0;
/// Waiting on a dirty run queue.
pub const DIRTY_QUEUED: u8 = 1;
/// A dirty scheduler runs its native call.
pub const DIRTY_RUNNING: u8 = 2;

/// Process priorities (`process_flag(priority, P)`).
#[derive(Copy, Clone, PartialEq, Eq, Debug, PartialOrd, Ord)]
#[repr(u8)]
pub enum Priority {
    Max = 0,
    High = 1,
    Normal = 2,
    Low = 3,
}

impl Priority {
    pub fn from_u8(v: u8) -> Priority {
        match v {
            0 => Priority::Max,
            1 => Priority::High,
            3 => Priority::Low,
            _ => Priority::Normal,
        }
    }
}

/// The code of a native system process: called with each message it receives.
pub type NativeHandler = fn(&mut Process, Term) -> NativeStep;

/// What a native system process does after a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NativeStep {
    /// Waits for the next message.
    Continue,
    /// Ends with this exit reason (an immediate term: it is not kept on a heap).
    Exit(Term),
}

pub struct ProcessCell {
    /// The pid number.
    pub id: u64,
    /// Set for a native system process (see `process::native`), which runs Rust code on
    /// its messages instead of Erlang code.
    pub native: Option<NativeHandler>,
    /// A system process (`erts_internal:spawn_system_process/3` and the processes the
    /// runtime starts at boot): `init` does not kill it when the system stops.
    pub system: bool,
    state: AtomicU8,
    priority: AtomicU8,
    inbox: Mutex<VecDeque<Signal>>,
    /// Set once the process owns (or has owned) an ETS table: its exit then asks ETS to
    /// delete or hand over its tables.
    owns_ets: AtomicBool,
    /// Where the process stands with the dirty schedulers: [`DIRTY_NONE`], [`DIRTY_QUEUED`]
    /// (waiting for a dirty scheduler) or [`DIRTY_RUNNING`] (a dirty scheduler runs a native
    /// function for it, working on the process's heap without holding `process`, so nothing
    /// may move that heap: a garbage collection asked for by another process waits).
    dirty: AtomicU8,
    /// The process; locked by the scheduler that runs it and briefly by BIFs that inspect it.
    pub process: Mutex<Process>,
}

impl ProcessCell {
    /// Locks another process for a BIF that inspects or changes it, if it can be had at
    /// once (spinning briefly): `None` while a scheduler runs it. The caller holds its own
    /// process's lock, so it must not block here (two processes doing this to each other
    /// would deadlock); it retries after yielding instead (`bif::retry_after_yield`).
    pub fn try_lock_other(&self) -> Option<parking_lot::MutexGuard<'_, Process>> {
        for _ in 0..64 {
            if let Some(g) = self.process.try_lock() {
                return Some(g);
            }
            std::hint::spin_loop();
        }
        None
    }

    pub fn new(process: Process) -> ProcessCell {
        ProcessCell {
            id: process.id,
            native: None,
            system: false,
            state: AtomicU8::new(WAITING),
            priority: AtomicU8::new(Priority::Normal as u8),
            inbox: Mutex::new(VecDeque::new()),
            owns_ets: AtomicBool::new(false),
            dirty: AtomicU8::new(DIRTY_NONE),
            process: Mutex::new(process),
        }
    }

    pub fn state(&self) -> u8 {
        self.state.load(Ordering::Acquire)
    }
    pub fn priority(&self) -> Priority {
        Priority::from_u8(self.priority.load(Ordering::Relaxed))
    }
    pub fn set_priority(&self, p: Priority) {
        self.priority.store(p as u8, Ordering::Relaxed);
    }

    /// Records that the process owns ETS tables.
    pub fn set_owns_ets(&self) {
        self.owns_ets.store(true, Ordering::Release);
    }
    /// Whether the process may own ETS tables.
    pub fn owns_ets(&self) -> bool {
        self.owns_ets.load(Ordering::Acquire)
    }

    /// Whether the process is queued for or running on a dirty scheduler (its signals are
    /// then handled by the dirty signal handler).
    pub fn in_dirty(&self) -> bool {
        self.dirty.load(Ordering::Acquire) != DIRTY_NONE
    }

    /// Whether a dirty scheduler is running a native function for the process (its heap must
    /// not move).
    pub fn dirty_running(&self) -> bool {
        self.dirty.load(Ordering::Acquire) == DIRTY_RUNNING
    }

    /// Records where the process stands with the dirty schedulers (`DIRTY_*`).
    pub fn set_dirty(&self, state: u8) {
        self.dirty.store(state, Ordering::Release);
    }

    /// Puts `sig` in the inbox. Returns it back when the process has exited. Returns
    /// `Ok(true)` when the caller must enqueue the process (it was waiting).
    pub fn push(&self, sig: Signal) -> Result<bool, Signal> {
        {
            let mut q = self.inbox.lock();
            if self.state.load(Ordering::Acquire) == EXITED {
                return Err(sig);
            }
            q.push_back(sig);
        }
        let r = self.notify();
        if self.in_dirty() {
            crate::sched::dirty::signal_arrived(self.id);
        }
        Ok(r)
    }

    /// Puts several signals in the inbox at once (nothing can come between them). Gives them
    /// back when the process has exited; `Ok(true)` when the caller must enqueue it.
    pub fn push_all(&self, sigs: impl IntoIterator<Item = Signal>) -> Result<bool, Vec<Signal>> {
        {
            let mut q = self.inbox.lock();
            if self.state.load(Ordering::Acquire) == EXITED {
                return Err(sigs.into_iter().collect());
            }
            q.extend(sigs);
        }
        let r = self.notify();
        if self.in_dirty() {
            crate::sched::dirty::signal_arrived(self.id);
        }
        Ok(r)
    }

    /// Records that the process has work; returns true when the caller must enqueue it.
    fn notify(&self) -> bool {
        let mut s = self.state.load(Ordering::Acquire);
        loop {
            let new = match s {
                WAITING => QUEUED,
                RUNNING => NOTIFIED,
                _ => return false,
            };
            match self
                .state
                .compare_exchange_weak(s, new, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return new == QUEUED,
                Err(cur) => s = cur,
            }
        }
    }

    /// Takes every signal in the inbox.
    pub fn take_signals(&self, out: &mut VecDeque<Signal>) {
        let mut q = self.inbox.lock();
        if out.is_empty() {
            std::mem::swap(&mut *q, out);
        } else {
            out.extend(q.drain(..));
        }
    }

    /// Whether the inbox has signals.
    pub fn has_signals(&self) -> bool {
        !self.inbox.lock().is_empty()
    }

    /// A scheduler takes the process from a run queue.
    pub fn begin_run(&self) {
        self.state.store(RUNNING, Ordering::Release);
    }

    /// Marks a freshly spawned process as queued (the spawner enqueues it).
    pub fn mark_queued(&self) {
        self.state.store(QUEUED, Ordering::Release);
    }

    /// After a slice that ended in a wait: becomes `WAITING` unless signals arrived meanwhile.
    /// Returns true when it must run again (it is then `QUEUED` and the caller enqueues it).
    pub fn end_run_waiting(&self) -> bool {
        match self
            .state
            .compare_exchange(RUNNING, WAITING, Ordering::AcqRel, Ordering::Acquire)
        {
            Ok(_) => false,
            Err(_) => {
                // NOTIFIED: signals came in while running.
                self.state.store(QUEUED, Ordering::Release);
                true
            }
        }
    }

    /// After a slice that used up its reductions: back to the run queue.
    pub fn end_run_yield(&self) {
        self.state.store(QUEUED, Ordering::Release);
    }

    /// The process terminates: later signals are refused. Returns the signals still queued,
    /// which the exiting process answers (links and monitors get `noproc`-style replies).
    pub fn mark_exited(&self) -> VecDeque<Signal> {
        let mut q = self.inbox.lock();
        self.state.store(EXITED, Ordering::Release);
        std::mem::take(&mut *q)
    }
}
