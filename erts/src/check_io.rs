//! The I/O poller (OTP's `erl_check_io.c`): one `check_io` thread waits on `mio` (epoll)
//! for the file descriptors that ports, NIFs (`enif_select`) and sockets have selected, and
//! hands each readiness event to the [`PollTarget`] that asked for it: a port runs its
//! driver's `ready_input`/`ready_output` under the port lock, a process gets a message.
//! Nothing here blocks a scheduler thread.
//!
//! Drivers expect level-triggered events (OTP's `driver_select`): a driver may read only
//! part of what is available and be called again. `mio` is edge-triggered, so after each
//! event the fd is re-armed (`reregister`), which reports it again at once while it is still
//! ready. Files that epoll refuses (regular files) are always ready, as `poll(2)` says:
//! they are dispatched on every round until deselected.

use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Registry, Token, Waker};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::os::fd::RawFd;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// Readiness for reading and/or writing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ready {
    pub read: bool,
    pub write: bool,
}

impl Ready {
    pub const READ: Ready = Ready {
        read: true,
        write: false,
    };
    pub const WRITE: Ready = Ready {
        read: false,
        write: true,
    };
    pub const BOTH: Ready = Ready {
        read: true,
        write: true,
    };
    fn is_empty(self) -> bool {
        !self.read && !self.write
    }
    fn interest(self) -> Option<Interest> {
        match (self.read, self.write) {
            (true, true) => Some(Interest::READABLE | Interest::WRITABLE),
            (true, false) => Some(Interest::READABLE),
            (false, true) => Some(Interest::WRITABLE),
            (false, false) => None,
        }
    }
}

/// Who is told when a selected fd is ready. Called on the poll thread.
pub trait PollTarget: Send + Sync {
    fn ready(&self, fd: RawFd, ready: Ready);
}

struct Selection {
    target: Arc<dyn PollTarget>,
    interest: Ready,
    /// epoll refused the fd (a regular file): it is always ready.
    always: bool,
}

struct Poller {
    registry: Registry,
    waker: Waker,
    selections: Mutex<HashMap<RawFd, Selection>>,
}

const WAKE: Token = Token(usize::MAX);

fn poller() -> &'static Poller {
    static P: OnceLock<Poller> = OnceLock::new();
    P.get_or_init(|| {
        let poll = Poll::new().expect("cannot create the I/O poller");
        let registry = poll
            .registry()
            .try_clone()
            .expect("cannot share the poller registry");
        let waker = Waker::new(poll.registry(), WAKE).expect("cannot create the poller waker");
        std::thread::Builder::new()
            .name("check_io".into())
            .spawn(move || poll_thread(poll))
            .expect("cannot start the I/O poll thread");
        Poller {
            registry,
            waker,
            selections: Mutex::new(HashMap::new()),
        }
    })
}

/// Why a select failed: the OS refused the fd.
#[derive(Debug)]
pub enum SelectError {
    Io(std::io::Error),
}

/// Adds `which` to the interest of `fd` for `target` (OTP's `driver_select(.., on = 1)`).
pub fn select(fd: RawFd, which: Ready, target: Arc<dyn PollTarget>) -> Result<(), SelectError> {
    let p = poller();
    let mut sels = p.selections.lock();
    // An fd number still selected by another target was closed and reused without being
    // deselected: the new owner takes it over.
    let (old, mut always, known) = match sels.get(&fd) {
        Some(s) if Arc::ptr_eq(&s.target, &target) => (s.interest, s.always, true),
        Some(s) => (Ready::default(), s.always, true),
        None => (Ready::default(), false, false),
    };
    let new = Ready {
        read: old.read || which.read,
        write: old.write || which.write,
    };
    if !always {
        let interest = new.interest().expect("non-empty interest");
        let token = Token(fd as usize);
        let r = if known {
            p.registry
                .reregister(&mut SourceFd(&fd), token, interest)
                .or_else(|_| p.registry.register(&mut SourceFd(&fd), token, interest))
        } else {
            p.registry
                .register(&mut SourceFd(&fd), token, interest)
                .or_else(|e| match e.raw_os_error() {
                    // Closed and reused behind our back: epoll still knows the number.
                    Some(libc::EEXIST) => {
                        p.registry.reregister(&mut SourceFd(&fd), token, interest)
                    }
                    _ => Err(e),
                })
        };
        match r {
            Ok(()) => {}
            Err(e) if e.raw_os_error() == Some(libc::EPERM) => always = true,
            Err(e) => return Err(SelectError::Io(e)),
        }
    }
    sels.insert(
        fd,
        Selection {
            target,
            interest: new,
            always,
        },
    );
    if always {
        let _ = p.waker.wake();
    }
    Ok(())
}

/// Removes `which` from the interest of `fd` (OTP's `driver_select(.., on = 0)`); the fd is
/// forgotten when nothing is left.
pub fn deselect(fd: RawFd, which: Ready) {
    let p = poller();
    let mut sels = p.selections.lock();
    let Some(s) = sels.get_mut(&fd) else { return };
    s.interest = Ready {
        read: s.interest.read && !which.read,
        write: s.interest.write && !which.write,
    };
    let always = s.always;
    match s.interest.interest() {
        None => {
            sels.remove(&fd);
            if !always {
                let _ = p.registry.deregister(&mut SourceFd(&fd));
            }
        }
        Some(i) if !always => {
            let _ = p
                .registry
                .reregister(&mut SourceFd(&fd), Token(fd as usize), i);
        }
        Some(_) => {}
    }
}

/// Forgets `fd` entirely (before it is closed).
pub fn forget(fd: RawFd) {
    deselect(fd, Ready::BOTH);
}

/// The target and interest of `fd`, if selected.
fn lookup(fd: RawFd) -> Option<(Arc<dyn PollTarget>, Ready)> {
    let sels = poller().selections.lock();
    sels.get(&fd).map(|s| (s.target.clone(), s.interest))
}

fn poll_thread(mut poll: Poll) {
    let mut events = Events::with_capacity(1024);
    loop {
        let always: Vec<RawFd> = {
            let sels = poller().selections.lock();
            sels.iter()
                .filter(|(_, s)| s.always && !s.interest.is_empty())
                .map(|(&fd, _)| fd)
                .collect()
        };
        let timeout = if always.is_empty() {
            None
        } else {
            Some(Duration::ZERO)
        };
        if let Err(e) = poll.poll(&mut events, timeout) {
            if e.kind() != std::io::ErrorKind::Interrupted {
                eprintln!("beam: I/O poll failed: {e}");
                std::thread::sleep(Duration::from_millis(10));
            }
            continue;
        }
        for ev in events.iter() {
            if ev.token() == WAKE {
                continue;
            }
            let fd = ev.token().0 as RawFd;
            let Some((target, interest)) = lookup(fd) else {
                continue;
            };
            // Errors and hang-ups wake both directions, as poll(2) reports them.
            let problem = ev.is_error() || ev.is_read_closed() || ev.is_write_closed();
            let ready = Ready {
                read: interest.read && (ev.is_readable() || problem),
                write: interest.write && (ev.is_writable() || problem),
            };
            if ready.is_empty() {
                continue;
            }
            target.ready(fd, ready);
            rearm(fd);
        }
        for fd in always {
            if let Some((target, interest)) = lookup(fd) {
                target.ready(fd, interest);
            }
        }
    }
}

/// Re-arms `fd` after an event, so that it is reported again while still ready.
fn rearm(fd: RawFd) {
    let p = poller();
    let sels = p.selections.lock();
    if let Some(s) = sels.get(&fd) {
        if let (false, Some(i)) = (s.always, s.interest.interest()) {
            let _ = p
                .registry
                .reregister(&mut SourceFd(&fd), Token(fd as usize), i);
        }
    }
}
