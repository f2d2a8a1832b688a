//! OS signals (OTP's signal dispatcher in `sys/unix/sys.c`): the signals Erlang code may
//! handle (`os:set_signal/2`) are caught by a handler that only writes the signal number to
//! a pipe; a dispatcher thread reads the pipe and sends `{notify, Signal}` to the process
//! registered as `erl_signal_server` (kernel's `gen_event`, whose `erl_signal_handler`
//! halts with a crash dump on `sigusr1`, halts on `sigquit` and calls `init:stop()` on
//! `sigterm`). No scheduler ever blocks on a signal.
//!
//! A booted system handles `sigusr1`, `sigquit` and `sigterm` from the start, as OTP does
//! ([`install_defaults`]); a `--bare` run leaves every signal at the OS default.

use crate::atom::{self, Atom};
use crate::process::exit::deliver;
use crate::process::registry;
use crate::process::signals::{OwnedTerm, Signal};
use crate::term::{boxed, Term};
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::OnceLock;

/// The write end of the notification pipe (-1 until the dispatcher runs); read by the signal
/// handler, so an atomic.
// Process-wide: OS signals belong to the OS process (only the `beam` binary installs them).
static NOTIFY_FD: AtomicI32 = AtomicI32::new(-1);

/// The signals `os:set_signal/2` accepts, by OTP's names.
const SIGNALS: &[(&str, libc::c_int)] = &[
    ("sighup", libc::SIGHUP),
    ("sigquit", libc::SIGQUIT),
    ("sigabrt", libc::SIGABRT),
    ("sigalrm", libc::SIGALRM),
    ("sigterm", libc::SIGTERM),
    ("sigusr1", libc::SIGUSR1),
    ("sigusr2", libc::SIGUSR2),
    ("sigchld", libc::SIGCHLD),
    ("sigstop", libc::SIGSTOP),
    ("sigtstp", libc::SIGTSTP),
];

/// What to do with a signal (the second argument of `os:set_signal/2`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Disposition {
    /// The OS default action.
    Default,
    /// Delivered to `erl_signal_server` as `{notify, Signal}`.
    Handle,
    /// Ignored.
    Ignore,
}

/// Why a disposition could not be set.
#[derive(Debug, PartialEq, Eq)]
pub enum SignalError {
    /// Not one of the signals Erlang code may handle.
    UnknownSignal,
    /// The notification pipe or the dispatcher thread could not be made.
    Dispatcher(String),
}

/// The OS number of the signal OTP names `name`.
pub fn signal_number(name: Atom) -> Option<libc::c_int> {
    let n = atom::name(name);
    SIGNALS.iter().find(|(s, _)| *s == n).map(|&(_, v)| v)
}

fn signal_name(signum: libc::c_int) -> Option<&'static str> {
    SIGNALS.iter().find(|(_, v)| *v == signum).map(|&(s, _)| s)
}

/// The handler: async-signal-safe, it only writes the number to the pipe (one byte: every
/// signal number here is below 32).
extern "C" fn notify(signum: libc::c_int) {
    let fd = NOTIFY_FD.load(Ordering::Relaxed);
    if fd < 0 {
        return;
    }
    let byte = signum as u8;
    // SAFETY: `write` and `__errno_location` are async-signal-safe; the buffer is a local
    // byte, and errno is restored so that the interrupted code does not see it changed.
    unsafe {
        let errno = libc::__errno_location();
        let saved = *errno;
        let _ = libc::write(fd, (&byte as *const u8).cast(), 1);
        *errno = saved;
    }
}

/// Starts the dispatcher thread (once) and publishes the pipe's write end.
fn ensure_dispatcher() -> Result<(), SignalError> {
    static STARTED: OnceLock<Result<(), String>> = OnceLock::new();
    STARTED
        .get_or_init(|| {
            let mut fds: [RawFd; 2] = [-1; 2];
            // SAFETY: `fds` has room for the two descriptors `pipe2` writes.
            let r = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) };
            if r != 0 {
                return Err(std::io::Error::last_os_error().to_string());
            }
            let (read_end, write_end) = (fds[0], fds[1]);
            // OS signals are process-wide (only the `beam` binary installs them): they go to
            // the instance that installed them, which the thread keeps for the OS process's
            // life.
            let inst = crate::instance::current_handle();
            std::thread::Builder::new()
                .name("sys_sig_dispatcher".into())
                .spawn(move || crate::instance::enter_handle(&inst, || dispatch(read_end)))
                .map_err(|e| e.to_string())?;
            NOTIFY_FD.store(write_end, Ordering::Release);
            Ok(())
        })
        .clone()
        .map_err(SignalError::Dispatcher)
}

/// The dispatcher: turns each signal number read from the pipe into a message to
/// `erl_signal_server` (dropped when no such process runs, as in OTP).
fn dispatch(read_end: RawFd) {
    loop {
        let mut byte = 0u8;
        // SAFETY: reads at most one byte into the local `byte`.
        let n = unsafe { libc::read(read_end, (&mut byte as *mut u8).cast(), 1) };
        if n < 0 {
            if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return;
        }
        if n == 0 {
            return;
        }
        let Some(name) = signal_name(byte as libc::c_int) else {
            continue;
        };
        let Some(server) = registry::whereis(atom::atom("erl_signal_server")) else {
            continue;
        };
        let msg = OwnedTerm::build(|h| {
            boxed::tuple(
                h,
                &[
                    Term::atom(atom::atom("notify")),
                    Term::atom(atom::atom(name)),
                ],
            )
        });
        let _ = deliver(server, Signal::Message(msg));
    }
}

/// Sets what the OS does with `signum`.
pub fn set(signum: libc::c_int, how: Disposition) -> Result<(), SignalError> {
    if signal_name(signum).is_none() {
        return Err(SignalError::UnknownSignal);
    }
    let handler: libc::sighandler_t = match how {
        Disposition::Default => libc::SIG_DFL,
        Disposition::Ignore => libc::SIG_IGN,
        Disposition::Handle => {
            ensure_dispatcher()?;
            notify as extern "C" fn(libc::c_int) as libc::sighandler_t
        }
    };
    // SAFETY: a zeroed `sigaction` is a valid value to fill in; the handler is either a
    // constant disposition or `notify`, which is async-signal-safe. A signal that cannot be
    // caught (SIGSTOP) makes `sigaction` fail, which OTP ignores too.
    unsafe {
        let mut act: libc::sigaction = std::mem::zeroed();
        act.sa_sigaction = handler;
        act.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut act.sa_mask);
        let _ = libc::sigaction(signum, &act, std::ptr::null_mut());
    }
    Ok(())
}

/// The signals a booted system handles from the start (OTP's `init_break_handler` and
/// `erts_sys_unix_later_init`): `sigusr1`, `sigquit`, `sigterm`.
pub fn install_defaults() -> Result<(), SignalError> {
    for s in [libc::SIGUSR1, libc::SIGQUIT, libc::SIGTERM] {
        set(s, Disposition::Handle)?;
    }
    Ok(())
}
