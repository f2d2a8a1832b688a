//! The I/O poller (OTP's `erl_check_io.c`): one `check_io` thread waits on `mio` (epoll)
//! for the file descriptors that ports, NIFs (`enif_select`) and sockets have selected, and
//! hands each readiness event to the [`PollTarget`] that asked for it: a port runs its
//! driver's `ready_input`/`ready_output` under the port lock, a process gets a message.
//! Nothing here blocks a scheduler thread.
//!
//! Drivers expect level-triggered events (OTP's `driver_select`): a driver may read only
//! part of what is available and be called again. Fds are registered edge-triggered and
//! one-shot (`Poller::ctl`); after its target has handled an event the fd is re-armed
//! ([`rearm`]), which reports it again at once while it is still ready. A target may defer
//! an event (a port whose lock is held, or whose input waits for its process): it re-arms
//! the fd itself once it has handled it, and until then the fd wakes nobody. Files that
//! epoll refuses (regular files) are always ready, as `poll(2)` says: they are dispatched
//! on every round until deselected.
//!
//! NIF selects (`enif_select`) are one-shot instead: their target says so
//! ([`PollTarget::one_shot`]), gets the event as the kernel reported it (readable, writable,
//! error or hang-up) without re-arming, and itself deselects what fired; selecting again
//! re-registers the fd, which reports a condition that still holds at once. An interest in
//! errors alone ([`Ready::error`]) is registered as an interest in reading, the kernel
//! reporting errors and hang-ups whatever the interest.

use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Registry, Token, Waker};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::os::fd::{AsRawFd, RawFd};
use std::sync::Arc;
use std::time::Duration;

/// Readiness for reading and/or writing, and errors (an interest in them, or an error or
/// hang-up reported).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ready {
    pub read: bool,
    pub write: bool,
    /// In an interest: errors are wanted as events of their own (NIF selects only). In an
    /// event for a one-shot target: the kernel reported an error or a hang-up.
    pub error: bool,
}

impl Ready {
    pub const READ: Ready = Ready {
        read: true,
        write: false,
        error: false,
    };
    pub const WRITE: Ready = Ready {
        read: false,
        write: true,
        error: false,
    };
    pub const BOTH: Ready = Ready {
        read: true,
        write: true,
        error: false,
    };
    /// Reading, writing and errors.
    pub const ALL: Ready = Ready {
        read: true,
        write: true,
        error: true,
    };
    /// Nothing at all.
    pub fn is_empty(self) -> bool {
        !self.read && !self.write && !self.error
    }
    /// What is in `self` and not in `other`.
    pub fn without(self, other: Ready) -> Ready {
        Ready {
            read: self.read && !other.read,
            write: self.write && !other.write,
            error: self.error && !other.error,
        }
    }
    /// What is in `self` or in `other`.
    pub fn with(self, other: Ready) -> Ready {
        Ready {
            read: self.read || other.read,
            write: self.write || other.write,
            error: self.error || other.error,
        }
    }
    fn interest(self) -> Option<Interest> {
        match (self.read, self.write) {
            (true, true) => Some(Interest::READABLE | Interest::WRITABLE),
            (true, false) => Some(Interest::READABLE),
            (false, true) => Some(Interest::WRITABLE),
            // epoll reports errors and hang-ups whatever the interest; mio wants one.
            (false, false) if self.error => Some(Interest::READABLE),
            (false, false) => None,
        }
    }
}

/// Who is told when a selected fd is ready. Called on the poll thread.
pub trait PollTarget: Send + Sync {
    /// Handles the event; whether the poller is to re-arm the fd. False when the target
    /// re-arms it itself: it deferred the event (to a thread that holds its lock, which
    /// calls [`rearm`] once it has handled it), or it changed its selection ([`select`],
    /// [`deselect`] register the fd anew).
    fn ready(&self, fd: RawFd, ready: Ready) -> bool;

    /// Whether the target takes events one at a time (`enif_select`): it is given the
    /// event as reported (with [`Ready::error`] for errors and hang-ups), the fd is not
    /// re-armed after it, and the target deselects what it has handled. Level-triggered
    /// targets (drivers, the default) see errors and hang-ups as readiness of the
    /// directions they selected, and the fd is re-armed after each event.
    fn one_shot(&self) -> bool {
        false
    }
}

struct Selection {
    target: Arc<dyn PollTarget>,
    interest: Ready,
    /// epoll refused the fd (a regular file): it is always ready.
    always: bool,
}

/// Work to run on the poll thread (OTP's scheduled `stop` of a NIF select on an fd of its
/// fallback poll set).
type Job = Box<dyn FnOnce() + Send>;

struct Poller {
    registry: Registry,
    waker: Waker,
    selections: Mutex<HashMap<RawFd, Selection>>,
    jobs: Mutex<Vec<Job>>,
}

const WAKE: Token = Token(usize::MAX);

impl Poller {
    /// Adds or modifies (`op`) the registration of `fd` in epoll, one-shot: after an event
    /// the fd reports nothing more until it is re-armed (after its target handled the
    /// event, [`rearm`]), so a port whose input waits for its process does not wake the
    /// poll thread again for each write to the other end (OTP's `EPOLLONESHOT`). Otherwise
    /// as `mio` registers sources: edge-triggered, with hang-ups of the other end reported.
    fn ctl(&self, op: libc::c_int, fd: RawFd, interest: Interest) -> std::io::Result<()> {
        let mut events = (libc::EPOLLET | libc::EPOLLONESHOT) as u32;
        if interest.is_readable() {
            events |= (libc::EPOLLIN | libc::EPOLLRDHUP) as u32;
        }
        if interest.is_writable() {
            events |= libc::EPOLLOUT as u32;
        }
        let mut ev = libc::epoll_event {
            events,
            // The token `mio` gives back with the event: the fd number.
            u64: fd as u64,
        };
        // SAFETY: `registry` owns a live epoll fd; `ev` is a valid event for the call.
        let r = unsafe { libc::epoll_ctl(self.registry.as_raw_fd(), op, fd, &mut ev) };
        if r < 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(())
    }
}

fn poller() -> &'static Poller {
    static P: crate::instance::InstanceLocal<Poller> = crate::instance::InstanceLocal::new();
    P.get_or_init(|| {
        let poll = Poll::new().expect("cannot create the I/O poller");
        let registry = poll
            .registry()
            .try_clone()
            .expect("cannot share the poller registry");
        let waker = Waker::new(poll.registry(), WAKE).expect("cannot create the poller waker");
        crate::instance::spawn_thread("check_io".into(), 0, move || poll_thread(poll))
            .expect("cannot start the I/O poll thread");
        crate::instance::on_stop(|| {
            let _ = poller().waker.wake();
        });
        Poller {
            registry,
            waker,
            selections: Mutex::new(HashMap::new()),
            jobs: Mutex::new(Vec::new()),
        }
    })
}

/// Why a select failed: the OS refused the fd.
#[derive(Debug)]
pub enum SelectError {
    Io(std::io::Error),
}

/// How a selected fd is watched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Registered {
    /// By epoll.
    Polled,
    /// Not at all: epoll refused it (a regular file), so it is always ready (OTP's fallback
    /// poll set).
    AlwaysReady,
}

/// Adds `which` to the interest of `fd` for `target` (OTP's `driver_select(.., on = 1)`).
pub fn select(
    fd: RawFd,
    which: Ready,
    target: Arc<dyn PollTarget>,
) -> Result<Registered, SelectError> {
    let p = poller();
    let mut sels = p.selections.lock();
    // An fd number still selected by another target was closed and reused without being
    // deselected: the new owner takes it over.
    let (old, mut always, known) = match sels.get(&fd) {
        Some(s) if Arc::ptr_eq(&s.target, &target) => (s.interest, s.always, true),
        Some(s) => (Ready::default(), s.always, true),
        None => (Ready::default(), false, false),
    };
    let new = old.with(which);
    let Some(interest) = new.interest() else {
        // Nothing asked for.
        return Ok(Registered::Polled);
    };
    if !always {
        let r = if known {
            p.ctl(libc::EPOLL_CTL_MOD, fd, interest)
                .or_else(|_| p.ctl(libc::EPOLL_CTL_ADD, fd, interest))
        } else {
            p.ctl(libc::EPOLL_CTL_ADD, fd, interest)
                .or_else(|e| match e.raw_os_error() {
                    // Closed and reused behind our back: epoll still knows the number.
                    Some(libc::EEXIST) => p.ctl(libc::EPOLL_CTL_MOD, fd, interest),
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
        return Ok(Registered::AlwaysReady);
    }
    Ok(Registered::Polled)
}

/// Runs `job` on the poll thread, after the events it is handling.
pub fn on_poll_thread(job: Job) {
    let p = poller();
    p.jobs.lock().push(job);
    let _ = p.waker.wake();
}

/// Removes `which` from the interest of `fd` (OTP's `driver_select(.., on = 0)`); the fd is
/// forgotten when nothing is left.
pub fn deselect(fd: RawFd, which: Ready) {
    let p = poller();
    let mut sels = p.selections.lock();
    let Some(s) = sels.get_mut(&fd) else { return };
    s.interest = s.interest.without(which);
    let always = s.always;
    match s.interest.interest() {
        None => {
            sels.remove(&fd);
            if !always {
                let _ = p.registry.deregister(&mut SourceFd(&fd));
            }
        }
        Some(i) if !always => {
            let _ = p.ctl(libc::EPOLL_CTL_MOD, fd, i);
        }
        Some(_) => {}
    }
}

/// Forgets `fd` entirely (before it is closed).
pub fn forget(fd: RawFd) {
    deselect(fd, Ready::ALL);
}

/// Forgets `fd` if `target` is the one that selected it (a NIF's `ERL_NIF_SELECT_STOP`
/// leaves alone an fd that a driver has taken over since).
pub fn forget_for(fd: RawFd, target: &Arc<dyn PollTarget>) {
    let mine = {
        let sels = poller().selections.lock();
        sels.get(&fd)
            .is_some_and(|s| Arc::ptr_eq(&s.target, target))
    };
    if mine {
        forget(fd);
    }
}

/// The target and interest of `fd`, if selected.
fn lookup(fd: RawFd) -> Option<(Arc<dyn PollTarget>, Ready)> {
    let sels = poller().selections.lock();
    sels.get(&fd).map(|s| (s.target.clone(), s.interest))
}

/// The poll thread of the instance (until it stops).
fn poll_thread(mut poll: Poll) {
    let inst = crate::instance::current();
    let mut events = Events::with_capacity(1024);
    loop {
        if inst.stopping() {
            return;
        }
        let jobs = std::mem::take(&mut *poller().jobs.lock());
        for job in jobs {
            job();
        }
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
            if target.one_shot() {
                // OTP's ERTS_POLL_EV_ERR: EPOLLERR or EPOLLHUP (mio reports a hang-up as
                // both directions closed).
                let ready = Ready {
                    read: ev.is_readable(),
                    write: ev.is_writable(),
                    error: ev.is_error() || (ev.is_read_closed() && ev.is_write_closed()),
                };
                // A target that deselected what fired has re-registered what it left
                // selected; otherwise that is re-armed here (one-shot registration).
                if ready.is_empty() || target.ready(fd, ready) {
                    rearm(fd);
                }
                continue;
            }
            // Errors and hang-ups wake both directions, as poll(2) reports them.
            let problem = ev.is_error() || ev.is_read_closed() || ev.is_write_closed();
            let ready = Ready {
                read: interest.read && (ev.is_readable() || problem),
                write: interest.write && (ev.is_writable() || problem),
                error: false,
            };
            if ready.is_empty() {
                rearm(fd);
                continue;
            }
            if target.ready(fd, ready) {
                rearm(fd);
            }
        }
        for fd in always {
            if let Some((target, interest)) = lookup(fd) {
                // A regular file: ready for what was asked, never in error.
                target.ready(
                    fd,
                    Ready {
                        error: false,
                        ..interest
                    },
                );
            }
        }
    }
}

/// Re-arms `fd` after an event, so that it is reported again while still ready.
pub fn rearm(fd: RawFd) {
    let p = poller();
    let sels = p.selections.lock();
    if let Some(s) = sels.get(&fd) {
        if let (false, Some(i)) = (s.always, s.interest.interest()) {
            let _ = p.ctl(libc::EPOLL_CTL_MOD, fd, i);
        }
    }
}
