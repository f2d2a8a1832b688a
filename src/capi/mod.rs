//! The C API of `liberts` (prefix `erts_`): runtimes ([`runtime`]), loading code
//! ([`code`]), calls into Erlang and sending ([`call`]), host mailboxes ([`mailbox`]) and
//! static NIF libraries ([`code`]).
//!
//! Every function returns an [`erts_status`]; after a failure, [`erts_last_error`] gives a
//! message on the same thread. Handles are opaque. Terms go in and out through erl_nif
//! environments the host makes with `enif_alloc_env` and reads with `enif_get_*`, or as
//! external term format bytes. A call from any host thread is safe; nothing here panics
//! into the host (a Rust panic is caught at the boundary and reported as
//! `ERTS_INTERNAL_ERROR`).

pub mod call;
pub mod code;
pub mod mailbox;
pub mod runtime;

use std::cell::RefCell;
use std::ffi::{c_char, c_long, CStr, CString};
use std::time::Duration;

/// `ERL_NIF_TERM` of `erl_nif.h`.
#[allow(non_camel_case_types)]
pub type ERL_NIF_TERM = u64;

/// What a call of the C API did.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum erts_status {
    /// It worked.
    ERTS_OK = 0,
    /// A bad argument: a null pointer, a string that is not UTF-8, a term of the wrong kind,
    /// an unknown option.
    ERTS_BADARG = 1,
    /// The runtime could not start (no OTP root, a boot that failed).
    ERTS_START_FAILED = 2,
    /// The runtime is stopped (by `erts_runtime_stop` or by Erlang code calling
    /// `erlang:halt`).
    ERTS_STOPPED = 3,
    /// A module could not be loaded (not found, not a valid `.beam`, its `on_load` failed).
    ERTS_LOAD_FAILED = 4,
    /// The called function raised an exception; the result is `{Class, Reason, Stacktrace}`
    /// (`{exit, Reason, []}` when the process running it was killed).
    ERTS_EXCEPTION = 5,
    /// No answer in time: the call's process was killed; or no message arrived.
    ERTS_TIMEOUT = 6,
    /// No process is registered under that name.
    ERTS_NOPROC = 7,
    /// A system limit (processes) was reached.
    ERTS_SYSTEM_LIMIT = 8,
    /// A bug in the runtime (a caught Rust panic); the runtime may be unusable.
    ERTS_INTERNAL_ERROR = 9,
}

pub use erts_status::*;

thread_local! {
    /// The message of the last failed call on this thread.
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

/// A failure: its status and message.
pub(crate) struct Failure(pub erts_status, pub String);

impl Failure {
    pub(crate) fn badarg(what: impl Into<String>) -> Failure {
        Failure(ERTS_BADARG, what.into())
    }
}

/// Runs `f` as the body of a C API function: records the message of a failure for
/// [`erts_last_error`] and turns a panic into `ERTS_INTERNAL_ERROR`.
pub(crate) fn guard(f: impl FnOnce() -> Result<(), Failure>) -> erts_status {
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|p| {
        let what = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(Failure(
            ERTS_INTERNAL_ERROR,
            format!("internal error in the runtime (a bug): {what}"),
        ))
    });
    match r {
        Ok(()) => ERTS_OK,
        Err(Failure(status, msg)) => {
            let msg = CString::new(msg.replace('\0', " ")).unwrap_or_default();
            LAST_ERROR.with(|e| *e.borrow_mut() = msg);
            status
        }
    }
}

/// The message of the last call on this thread that did not return `ERTS_OK` (empty when
/// there was none). Valid until the next failing call on this thread.
#[no_mangle]
pub extern "C" fn erts_last_error() -> *const c_char {
    LAST_ERROR.with(|e| e.borrow().as_ptr())
}

/// The name of a status, e.g. `"ERTS_TIMEOUT"` (a static string).
#[no_mangle]
pub extern "C" fn erts_status_name(status: erts_status) -> *const c_char {
    let s: &'static CStr = match status {
        ERTS_OK => c"ERTS_OK",
        ERTS_BADARG => c"ERTS_BADARG",
        ERTS_START_FAILED => c"ERTS_START_FAILED",
        ERTS_STOPPED => c"ERTS_STOPPED",
        ERTS_LOAD_FAILED => c"ERTS_LOAD_FAILED",
        ERTS_EXCEPTION => c"ERTS_EXCEPTION",
        ERTS_TIMEOUT => c"ERTS_TIMEOUT",
        ERTS_NOPROC => c"ERTS_NOPROC",
        ERTS_SYSTEM_LIMIT => c"ERTS_SYSTEM_LIMIT",
        ERTS_INTERNAL_ERROR => c"ERTS_INTERNAL_ERROR",
    };
    s.as_ptr()
}

/// A C string argument as UTF-8.
///
/// # Safety
/// `s` must be null or a NUL-terminated string.
pub(crate) unsafe fn str_arg<'a>(s: *const c_char, what: &str) -> Result<&'a str, Failure> {
    if s.is_null() {
        return Err(Failure::badarg(format!("{what} is NULL")));
    }
    // SAFETY: by the caller's contract.
    unsafe { CStr::from_ptr(s) }
        .to_str()
        .map_err(|_| Failure::badarg(format!("{what} is not UTF-8")))
}

/// A timeout in milliseconds as the API takes it: negative is infinity.
pub(crate) fn timeout(ms: c_long) -> Option<Duration> {
    u64::try_from(ms).ok().map(Duration::from_millis)
}
