//! Host mailboxes: a pid that stands for the host. Erlang code sends to it like to any
//! process (and can link to it or monitor it); the host takes the messages by a blocking
//! receive with a timeout, by polling, or has them handed to a callback as they arrive.
//!
//! The pid is a native process (`process::native`): its behaviour, run on a scheduler for
//! each message, copies the message out of the process into the mailbox's queue (or calls
//! the callback with it), then frees the process's heap once its queue is empty. Closing the
//! mailbox ends the process with reason `normal` (links and monitors hear of it).

use super::HostRole;
use crate::process::cell::{NativeStep, ProcessCell};
use crate::process::signals::{OwnedTerm, Signal};
use crate::process::table::{table, SpawnError};
use crate::process::Process;
use crate::term::Term;
use parking_lot::{Condvar, Mutex, RwLock};
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A function that gets each message on the scheduler thread that delivers it.
pub type Callback = Arc<dyn Fn(Term) + Send + Sync>;

/// The host side of a mailbox.
pub struct Mailbox {
    id: u64,
    queue: Mutex<VecDeque<OwnedTerm>>,
    arrived: Condvar,
    callback: RwLock<Option<Callback>>,
}

impl Mailbox {
    /// Creates a mailbox and its process.
    pub fn open() -> Result<Arc<Mailbox>, SpawnError> {
        let id = table().reserve()?;
        let mb = Arc::new(Mailbox {
            id,
            queue: Mutex::new(VecDeque::new()),
            arrived: Condvar::new(),
            callback: RwLock::new(None),
        });
        let mut p = Process::new_spawned(id);
        p.heap = crate::heap::Heap::default();
        p.host = Some(Box::new(HostRole::Mailbox(mb.clone())));
        let mut cell = ProcessCell::new(p);
        cell.native = Some(behaviour);
        let cell = Arc::new(cell);
        cell.process.lock().cell = Arc::as_ptr(&cell);
        table().insert(cell);
        Ok(mb)
    }

    /// The mailbox's pid.
    pub fn pid(&self) -> Term {
        Term::pid(self.id)
    }

    /// Takes the oldest message, waiting up to `timeout` (`None`: forever, zero: just a
    /// look) for one to arrive.
    pub fn receive(&self, timeout: Option<Duration>) -> Option<OwnedTerm> {
        let deadline = timeout.map(|t| Instant::now() + t);
        let mut q = self.queue.lock();
        loop {
            if let Some(m) = q.pop_front() {
                return Some(m);
            }
            match deadline {
                None => self.arrived.wait(&mut q),
                Some(d) => {
                    if self.arrived.wait_until(&mut q, d).timed_out() {
                        return q.pop_front();
                    }
                }
            }
        }
    }

    /// How many messages wait in the queue.
    pub fn len(&self) -> usize {
        self.queue.lock().len()
    }

    /// Whether no message waits.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Hands every later message to `cb` (on a scheduler thread) instead of the queue, or
    /// back to the queue with `None`. Messages already queued stay there. Returns once no
    /// call of the previous callback is running (so it must not be called from the callback).
    pub fn set_callback(&self, cb: Option<Callback>) {
        *self.callback.write() = cb;
    }

    /// Ends the mailbox's process (reason `normal`); the messages still queued stay
    /// readable.
    pub fn close(&self) {
        let sig = Signal::Exit {
            from: self.id,
            reason: OwnedTerm::immediate(Term::atom(crate::atom::NORMAL)),
            linked: false,
        };
        let _ = crate::process::exit::deliver(self.id, sig);
    }

    fn take(&self, msg: Term) {
        // The callback runs under the read lock: `set_callback` (and so closing the mailbox)
        // waits for a call in progress, after which the host may free what it gave it.
        let cb = self.callback.read();
        match cb.as_ref() {
            Some(cb) => cb(msg),
            None => {
                self.queue.lock().push_back(OwnedTerm::copy_of(msg));
                self.arrived.notify_all();
            }
        }
    }
}

/// The native behaviour of a mailbox's process.
fn behaviour(p: &mut Process, msg: Term) -> NativeStep {
    let Some(HostRole::Mailbox(mb)) = p.host.as_deref() else {
        return NativeStep::Continue;
    };
    mb.take(msg);
    if p.mailbox.is_empty() {
        // Every message has been copied out: nothing on the heap is referred to any more.
        p.heap = crate::heap::Heap::default();
    }
    NativeStep::Continue
}
