//! Host calls: `M:F(Args)` run in a new process on the schedulers, its outcome handed back to
//! the host thread that waits for it (with a timeout).
//!
//! The process carries a [`Sink`] ([`super::HostRole::Call`]). When its first function
//! returns, the scheduler gives the sink the return value; when it dies from an uncaught
//! exception, the class, reason and stack trace (and no crash report is logged: the host gets
//! the exception instead); when an exit signal kills it, the reason. The sink copies what it
//! gets into an [`OwnedTerm`] and wakes the caller. A sink dropped without an outcome (the
//! process ended some other way) answers `Killed(internal_error)`, so a caller never waits
//! for an answer that cannot come.

use super::HostRole;
use crate::atom;
use crate::exception::Class;
use crate::module::Export;
use crate::process::exit::deliver;
use crate::process::signals::{OwnedTerm, Signal};
use crate::process::spawn::{spawn_prepared, SpawnOpts};
use crate::process::table::SpawnError;
use crate::term::Term;
use parking_lot::{Condvar, Mutex};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How a host call ended.
pub enum Outcome {
    /// The function returned this value.
    Returned(OwnedTerm),
    /// The function raised an exception that nothing caught.
    Raised {
        class: Class,
        reason: OwnedTerm,
        stacktrace: OwnedTerm,
    },
    /// An exit signal killed the process running the call, with this reason.
    Killed(OwnedTerm),
}

/// Why a host call has no outcome.
#[derive(Debug)]
pub enum CallError {
    /// The process could not be created (the process limit).
    Spawn(SpawnError),
    /// No outcome within the timeout (the process running the call is killed).
    Timeout,
    /// The instance stopped (halted, or shut down) before the call ended.
    Stopped,
}

/// Where the outcome of one call is left for its caller.
#[derive(Default)]
struct Slot {
    outcome: Mutex<Option<Outcome>>,
    ready: Condvar,
    /// Set once the outcome is in (the caller spins on it before it sleeps, without
    /// taking the lock the scheduler needs).
    done: AtomicBool,
    /// Whether the caller sleeps on `ready` (else no wake-up is needed).
    sleeping: AtomicBool,
}

impl Slot {
    fn put(&self, o: Outcome) {
        let mut g = self.outcome.lock();
        if g.is_none() {
            *g = Some(o);
            self.done.store(true, Ordering::Release);
            if self.sleeping.load(Ordering::Acquire) {
                self.ready.notify_all();
            }
        }
    }
}

/// The end of a host call's process, as the scheduler reports it.
pub enum Ending<'a> {
    Returned(Term),
    Raised(&'a crate::emu::raise::Raised),
    Killed(Term),
}

/// The host side of one call, held by the process that runs it.
pub struct Sink {
    slot: Arc<Slot>,
}

impl Sink {
    /// Hands the end of the call to the caller.
    pub fn finish(self, end: Ending<'_>) {
        let o = match end {
            Ending::Returned(v) => Outcome::Returned(OwnedTerm::copy_of(v)),
            Ending::Raised(r) => Outcome::Raised {
                class: r.class,
                reason: OwnedTerm::copy_of(r.reason),
                stacktrace: OwnedTerm::copy_of(r.stacktrace),
            },
            Ending::Killed(r) => Outcome::Killed(OwnedTerm::copy_of(r)),
        };
        self.slot.put(o);
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        // After `finish` the slot is full and this does nothing.
        let r = Term::atom(atom::atom("internal_error"));
        self.slot.put(Outcome::Killed(OwnedTerm::immediate(r)));
    }
}

/// Runs `export(args)` in a new process whose group leader is `group_leader` (itself when
/// `None`) and waits up to `timeout` (`None`: forever) for its outcome.
pub fn call(
    export: &'static Export,
    args: &[Term],
    group_leader: Option<u64>,
    timeout: Option<Duration>,
) -> Result<Outcome, CallError> {
    let slot = Arc::new(Slot::default());
    let sink = Sink { slot: slot.clone() };
    let opts = SpawnOpts {
        group_leader,
        ..Default::default()
    };
    let id = spawn_prepared(None, export, args, opts, move |p| {
        p.host = Some(Box::new(HostRole::Call(sink)));
    })
    .map_err(CallError::Spawn)?;
    let deadline = timeout.map(|t| Instant::now() + t);
    // A short call is often over before the caller would have slept: look for a while
    // first (about 20 us), without the lock.
    for i in 0..2048u32 {
        if slot.done.load(Ordering::Acquire) {
            break;
        }
        if i % 64 == 63 {
            std::thread::yield_now();
        } else {
            std::hint::spin_loop();
        }
    }
    let mut g = slot.outcome.lock();
    slot.sleeping.store(true, Ordering::Release);
    // The instance may stop meanwhile (Erlang code halts it): look every 20 ms.
    let tick = Duration::from_millis(20);
    while g.is_none() {
        if crate::instance::stopping() {
            return Err(CallError::Stopped);
        }
        let wake = Instant::now() + tick;
        match deadline {
            None => {
                slot.ready.wait_until(&mut g, wake);
            }
            Some(d) => {
                if slot.ready.wait_until(&mut g, d.min(wake)).timed_out()
                    && g.is_none()
                    && Instant::now() >= d
                {
                    drop(g);
                    let kill = OwnedTerm::immediate(Term::atom(atom::KILL));
                    let sig = Signal::Exit {
                        from: id,
                        reason: kill,
                        linked: false,
                    };
                    let _ = deliver(id, sig);
                    return Err(CallError::Timeout);
                }
            }
        }
    }
    Ok(g.take().expect("the outcome is there"))
}
