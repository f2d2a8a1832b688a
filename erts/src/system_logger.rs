//! Where the runtime's own log events go (OTP's `system_logger` system flag): the report of a
//! process that died from an uncaught exception becomes the message
//! `{log, error, "Error in process ~p with exit value:~n~p~n", [Pid, Reason], Meta}` to the
//! system logger (kernel's `logger_proxy` sets itself with `erlang:system_flag(system_logger,
//! Pid)`; the default is whatever process is registered as `logger`), so a booted system
//! formats it with `logger` like OTP does. With no such process (a bare run, or early in
//! the boot) the report is printed on stderr as the emulator does.

use crate::atom;
use crate::process::exit::deliver;
use crate::process::signals::{OwnedTerm, Signal};
use crate::term::boxed;
use crate::term::{copy, Term};
use parking_lot::Mutex;

/// The receiver of log events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The process registered as `logger`, when there is one (the default).
    Logger,
    /// Events are dropped.
    Undefined,
    /// This process.
    Pid(u64),
}

/// Per runtime instance: the target.
fn target_cell() -> &'static Mutex<Target> {
    static S: crate::instance::InstanceLocal<Mutex<Target>> = crate::instance::InstanceLocal::new();
    S.get_or_init(|| Mutex::new(Target::Logger))
}

impl Target {
    /// The flag's value as a term (`logger`, `undefined` or a pid).
    pub fn to_term(self) -> Term {
        match self {
            Target::Logger => Term::atom(atom::atom("logger")),
            Target::Undefined => Term::atom(atom::UNDEFINED),
            Target::Pid(id) => Term::pid(id),
        }
    }

    /// The flag's value from a term; `None` for anything else than `logger`, `undefined` or
    /// a local pid.
    pub fn from_term(t: Term) -> Option<Target> {
        if t == Term::atom(atom::atom("logger")) {
            Some(Target::Logger)
        } else if t == Term::atom(atom::UNDEFINED) {
            Some(Target::Undefined)
        } else if t.is_local_pid() {
            Some(Target::Pid(t.pid_number()))
        } else {
            None
        }
    }
}

/// Sets the system logger (`erlang:system_flag(system_logger, T)`); the previous one.
pub fn set(t: Target) -> Target {
    std::mem::replace(&mut *target_cell().lock(), t)
}

/// The system logger (`erlang:system_info(system_logger)`).
pub fn get() -> Target {
    *target_cell().lock()
}

/// The pid number of the process that receives log events now, if any.
fn receiver() -> Option<u64> {
    let id = match get() {
        Target::Logger => crate::process::registry::whereis(atom::atom("logger"))?,
        Target::Undefined => return None,
        Target::Pid(id) => id,
    };
    crate::process::table::table().get(id).map(|_| id)
}

/// Reports that `pid` (whose group leader is `gl`) died from an uncaught exception with
/// exit reason `reason`.
pub fn crash_report(pid: Term, gl: Term, reason: Term) {
    if get() == Target::Undefined {
        return;
    }
    let Some(to) = receiver() else {
        print_crash_report(pid, reason);
        return;
    };
    let msg = OwnedTerm::build(|h| {
        let reason = copy::copy(h, reason);
        let format = boxed::string(
            h,
            "Error in process ~p with exit value:~n~p~n"
                .chars()
                .map(|c| c as u32),
        );
        let args = boxed::list(h, &[pid, reason]);
        let el = crate::map::from_pairs(
            h,
            &[
                (Term::atom(atom::atom("emulator")), Term::bool(true)),
                (Term::atom(atom::atom("tag")), Term::atom(atom::ERROR)),
            ],
        );
        let micros = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_micros() as i64)
            .unwrap_or(0);
        let meta = crate::map::from_pairs(
            h,
            &[
                (Term::atom(atom::atom("error_logger")), el),
                (Term::atom(atom::atom("gl")), gl),
                (Term::atom(atom::atom("pid")), pid),
                (Term::atom(atom::atom("time")), Term::small(micros)),
            ],
        );
        boxed::tuple(
            h,
            &[
                Term::atom(atom::atom("log")),
                Term::atom(atom::ERROR),
                format,
                args,
                meta,
            ],
        )
    });
    if deliver(to, Signal::Message(msg)).is_err() {
        print_crash_report(pid, reason);
    }
}

/// The emulator's own printing of a crash report, on stderr.
fn print_crash_report(pid: Term, reason: Term) {
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let mut msg = format!(
        "Error in process {} with exit value:\n",
        crate::display::display_string(pid)
    )
    .into_bytes();
    msg.extend_from_slice(&crate::display::display_bytes(reason));
    msg.extend_from_slice(b"\n\n");
    let _ = std::io::stderr().write_all(&msg);
}
