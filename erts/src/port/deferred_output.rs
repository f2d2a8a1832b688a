//! Port output held back within a process's time slice (a per-scheduler-thread slot).
//!
//! A driver that opts in (the spawn driver's pipes) may keep the data of `port_command`
//! instead of writing it at once, when the command comes from a process running its slice
//! ([`PortCore::defer_output`]): consecutive commands then go to the OS in one write, which
//! lets the program at the other end read them in one go too. The data goes out, in order,
//! before anything else can see the port or the effects of the process: when the slice ends
//! (the process waits, yields, goes to a dirty scheduler or exits), before the process sends
//! any signal, before it operates on another port, and before any other operation on the
//! port itself (every lock of the port but a command's writes it first, see
//! [`super::PortCell::lock`]). A process that writes to a port and then tells another
//! process about it has therefore written it, as on OTP, where the write happens in the
//! command.
//!
//! One port at most is held back per thread: a command to another port writes the first
//! one's data out before it, so data to two ports (a terminal's stdout and stderr) keeps its
//! order.

use super::PortCell;
use std::cell::{Cell, RefCell};
use std::sync::{Arc, Weak};

thread_local! {
    /// Set while a process runs its slice on this thread.
    static DEFERRING: Cell<bool> = const { Cell::new(false) };
    /// The port with held-back output.
    static HELD: RefCell<Option<Arc<PortCell>>> = const { RefCell::new(None) };
    /// How many port locks this thread holds: the held port is not written under another
    /// port's lock (a lock order no other path takes), nor under its own.
    static LOCKS_HELD: Cell<u32> = const { Cell::new(0) };
}

/// Starts (true) or ends (false) the time slice of a process on this thread; ending it
/// writes what is held back.
pub fn set_deferring(on: bool) {
    DEFERRING.with(|d| d.set(on));
    if !on {
        flush();
    }
}

/// Whether port `id` (`cell`) may hold back output now; if so it becomes this thread's
/// held port.
pub(super) fn hold(id: u64, cell: &Weak<PortCell>) -> bool {
    if !DEFERRING.with(Cell::get) {
        return false;
    }
    HELD.with(|h| {
        let mut h = h.borrow_mut();
        match &*h {
            Some(held) => held.id == id,
            None => match cell.upgrade() {
                Some(c) => {
                    *h = Some(c);
                    true
                }
                None => false,
            },
        }
    })
}

/// Writes the held-back output of this thread, if any, unless a port lock is held here
/// (then it goes when the slice ends or the next signal is sent).
pub fn flush() {
    if LOCKS_HELD.with(Cell::get) != 0 {
        return;
    }
    let Some(cell) = HELD.with(|h| h.borrow_mut().take()) else {
        return;
    };
    // `lock` writes it.
    drop(cell.lock());
}

/// Before an operation on port `id`: writes another port's held-back output first.
pub(super) fn flush_other_than(id: u64) {
    let other = HELD.with(|h| h.borrow().as_ref().is_some_and(|c| c.id != id));
    if other {
        flush();
    }
}

/// Whether this thread has held-back output (a cheap test for the signal path).
#[inline]
pub fn any_held() -> bool {
    HELD.with(|h| h.borrow().is_some())
}

/// Counts a port lock taken (true) or released (false) on this thread.
#[inline]
pub(super) fn count_lock(taken: bool) {
    LOCKS_HELD.with(|n| n.set(if taken { n.get() + 1 } else { n.get() - 1 }));
}
