//! `enif_select` and `enif_select_x` (`enif_select_read`, `enif_select_write` and
//! `enif_select_error` are macros of `erl_nif.h` over `enif_select_x`), on the shared I/O
//! poller (`erts::check_io`), with the semantics of OTP 25's `erl_check_io.c`:
//!
//! - A select is one-shot: the fd is watched for the requested directions (read, write,
//!   error) until an event fires; then the message prepared at select time goes to the
//!   recipient (`{select, Resource, Ref, ready_input | ready_output | ready_error}`, or the
//!   custom message of `ERL_NIF_SELECT_CUSTOM_MSG`) and that direction must be selected again.
//!   Selecting an armed direction again replaces its recipient and message.
//! - An error or hang-up fires the armed read and write directions, unless errors were
//!   selected on the fd (`ERL_NIF_SELECT_ERROR`, then until the fd is stopped), which makes
//!   them an event of their own.
//! - The fd belongs to one resource from its first select until `ERL_NIF_SELECT_STOP`, which
//!   holds a count of it meanwhile (a select with another resource takes the fd over, which
//!   OTP reports as an error). `STOP` deselects everything (reporting the armed read and
//!   write as cancelled) and calls the resource type's `stop` callback at once
//!   (`ERL_NIF_SELECT_STOP_CALLED`: deregistering from epoll is immediate), also for an fd
//!   never selected; for an fd epoll refused (a regular file, which OTP keeps in its
//!   fallback poll set) the callback runs on the poll thread (`ERL_NIF_SELECT_STOP_SCHEDULED`,
//!   `is_direct_call` = 0).
//! - `ERL_NIF_SELECT_CANCEL` disarms the requested directions and reports which were armed.
//! - Failures are negative: `INT_MIN` with `ERL_NIF_SELECT_INVALID_EVENT` (a negative fd or
//!   one beyond the open-files limit) or `ERL_NIF_SELECT_FAILED` (the poller refused it).
//!
//! The state of each selected fd lives in a table here; the poller delivers events to
//! [`NifTarget`], which fires what is armed under the table's lock and sends the messages
//! after releasing it.

use crate::abi::*;
use crate::env::{env_mut, ErlNifEnv};
use crate::resource;
use erts::atom;
use erts::check_io::{self, PollTarget, Ready, Registered};
use erts::process::signals::{OwnedTerm, Signal};
use erts::term::{boxed, copy, Term};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::ffi::{c_int, c_void};
use std::os::fd::RawFd;
use std::sync::{Arc, OnceLock};

/// Why a select request failed (the negative results).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SelectError {
    /// A negative fd, or one at or beyond the open-files limit.
    InvalidEvent,
    /// The poller refused the fd, there is no resource, or no recipient.
    Failed,
}

impl SelectError {
    /// The C result: `INT_MIN` with the reason's bit.
    fn code(self) -> c_int {
        c_int::MIN
            | match self {
                SelectError::InvalidEvent => ERL_NIF_SELECT_INVALID_EVENT,
                SelectError::Failed => ERL_NIF_SELECT_FAILED,
            }
    }
}

/// A direction waiting for its event: who gets which message.
struct Armed {
    pid: u64,
    msg: OwnedTerm,
}

/// A resource's data pointer (`enif_alloc_resource`), on which the table holds a count.
#[derive(Clone, Copy, PartialEq, Eq)]
struct ResPtr(*mut c_void);

impl ResPtr {
    fn get(self) -> *mut c_void {
        self.0
    }
}

// SAFETY: resources are shared between threads by design (counts are atomic); the table
// only keeps and releases counts and calls the type's `stop` callback, as OTP does from any
// thread.
unsafe impl Send for ResPtr {}

/// What one fd selected by a NIF is waiting for.
struct FdState {
    /// The resource the fd belongs to until it is stopped (a count is held).
    resource: ResPtr,
    input: Option<Armed>,
    output: Option<Armed>,
    error: Option<Armed>,
    /// Errors were selected since the fd was taken: they are events of their own instead
    /// of waking the read and write directions (OTP's `ERTS_EV_FLAG_WANT_ERROR`).
    want_error: bool,
    /// epoll refused the fd (a regular file, always ready; OTP's fallback poll set, whose
    /// `STOP` is scheduled on the poll thread).
    fallback: bool,
}

impl FdState {
    fn armed(&self) -> Ready {
        Ready {
            read: self.input.is_some(),
            write: self.output.is_some(),
            error: self.error.is_some(),
        }
    }
}

/// The fds selected by NIFs in the current instance.
fn selected() -> &'static Mutex<HashMap<RawFd, FdState>> {
    static S: erts::instance::InstanceLocal<Mutex<HashMap<RawFd, FdState>>> =
        erts::instance::InstanceLocal::new();
    S.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Runs `f` on the table under its lock. Nothing that may run a NIF's callback (dropping a
/// message or a resource count) happens inside: `f` hands such things out.
fn with_table<R>(f: impl FnOnce(&mut HashMap<RawFd, FdState>) -> R) -> R {
    f(&mut selected().lock())
}

/// The poller's target for every fd a NIF selects.
pub struct NifTarget;

fn target() -> Arc<dyn PollTarget> {
    static T: erts::instance::InstanceLocal<Arc<dyn PollTarget>> =
        erts::instance::InstanceLocal::new();
    T.get_or_init(|| Arc::new(NifTarget)).clone()
}

impl PollTarget for NifTarget {
    fn one_shot(&self) -> bool {
        true
    }

    fn ready(&self, fd: RawFd, ev: Ready) -> bool {
        let fired = with_table(|t| {
            let st = t.get_mut(&fd)?;
            let armed = st.armed();
            let fire = if ev.error && !st.want_error {
                // An error or hang-up wakes whatever is waiting to read or write.
                Ready {
                    error: false,
                    ..armed
                }
            } else {
                Ready {
                    read: ev.read && armed.read,
                    write: ev.write && armed.write,
                    error: ev.error && armed.error,
                }
            };
            if fire.is_empty() {
                return None;
            }
            check_io::deselect(fd, fire);
            let take = |on: bool, a: &mut Option<Armed>| if on { a.take() } else { None };
            Some([
                take(fire.read, &mut st.input),
                take(fire.write, &mut st.output),
                take(fire.error, &mut st.error),
            ])
        });
        // Nothing fired: nothing was deselected (and so re-registered).
        let Some(fired) = fired else {
            return true;
        };
        // Sent outside the lock, input first, as OTP does.
        for a in fired.into_iter().flatten() {
            send(a);
        }
        false
    }
}

fn send(a: Armed) {
    // A recipient that is gone loses the message.
    let _ = erts::process::exit::deliver(a.pid, Signal::Message(a.msg));
}

/// The largest fd + 1 the poller accepts (OTP's `max_fds`: the open-files limit).
fn max_fds() -> i64 {
    // Process-wide: the OS process's descriptor limit.
    static MAX: OnceLock<i64> = OnceLock::new();
    *MAX.get_or_init(|| {
        let mut rl = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: a valid out pointer.
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut rl) } != 0
            || rl.rlim_cur == libc::RLIM_INFINITY
        {
            return i64::from(c_int::MAX);
        }
        i64::try_from(rl.rlim_cur).unwrap_or(i64::from(c_int::MAX))
    })
}

/// Drops what the table holds for an fd it no longer watches: the armed messages and the
/// count of its resource.
fn discard(st: FdState) {
    drop((st.input, st.output, st.error));
    // SAFETY: the table held a count of this live resource since it took the fd.
    unsafe { resource::enif_release_resource(st.resource.0) };
}

/// Takes `fd` away from the resource that has it (a select with another resource, OTP's
/// "stealing control of fd"): reported on stderr, as OTP reports it to the logger.
fn steal(fd: RawFd, st: FdState) {
    eprintln!("enif_select: stealing control of fd={fd} from another resource");
    check_io::forget_for(fd, &target());
    discard(st);
}

/// Calls the `stop` callback of `obj`'s type for `fd` (`direct`: from the `enif_select`
/// call itself, `is_direct_call` = 1; otherwise from the poll thread).
fn call_stop(obj: *mut c_void, fd: RawFd, direct: bool) {
    // SAFETY: the caller passes a live resource (API contract).
    let Some(stop) = (unsafe { resource::stop_callback(obj) }) else {
        return;
    };
    let mut env = resource::callback_env();
    // SAFETY: the type's callback with a fresh process-independent environment and the
    // object's data.
    unsafe { stop(&mut env, obj, fd, direct as c_int) };
}

/// The message of one direction: the custom message, or `{select, Obj, Ref, Event}`.
fn message(custom: bool, obj: *mut c_void, msg: Term, event: &str) -> OwnedTerm {
    if custom {
        return OwnedTerm::copy_of(msg);
    }
    OwnedTerm::build(|h| {
        // SAFETY: `obj` is a live resource (the caller holds a count).
        let r = unsafe { resource::resource_term(h, obj) };
        let m = copy::copy(h, msg);
        boxed::tuple(
            h,
            &[
                Term::atom(atom::atom("select")),
                r,
                m,
                Term::atom(atom::atom(event)),
            ],
        )
    })
}

/// `ERL_NIF_SELECT_STOP`: forgets `fd` and calls `obj`'s `stop` callback, at once, or (for
/// an fd epoll refused, as OTP for its fallback poll set) from the poll thread.
fn stop(fd: RawFd, obj: *mut c_void) -> c_int {
    let old = with_table(|t| t.remove(&fd));
    let Some(st) = old else {
        call_stop(obj, fd, true);
        return ERL_NIF_SELECT_STOP_CALLED;
    };
    if st.resource.0 != obj {
        steal(fd, st);
        call_stop(obj, fd, true);
        return ERL_NIF_SELECT_STOP_CALLED;
    }
    check_io::forget_for(fd, &target());
    let mut ret = 0;
    if st.input.is_some() {
        ret |= ERL_NIF_SELECT_READ_CANCELLED;
    }
    if st.output.is_some() {
        ret |= ERL_NIF_SELECT_WRITE_CANCELLED;
    }
    drop((st.input, st.output, st.error));
    let res = st.resource;
    let finish = move |direct: bool| {
        // The whole `ResPtr` (which is `Send`) moves into the closure.
        let obj = res.get();
        call_stop(obj, fd, direct);
        // SAFETY: the count the table held since it took the fd.
        unsafe { resource::enif_release_resource(obj) };
    };
    if st.fallback {
        check_io::on_poll_thread(Box::new(move || finish(false)));
        ret | ERL_NIF_SELECT_STOP_SCHEDULED
    } else {
        finish(true);
        ret | ERL_NIF_SELECT_STOP_CALLED
    }
}

/// Arms the directions of `mode` on `fd` for `obj`, with messages to `pid`.
fn arm(
    fd: RawFd,
    mode: ErlNifSelectFlags,
    obj: *mut c_void,
    pid: u64,
    msg: Term,
) -> Result<c_int, SelectError> {
    let want = Ready {
        read: mode & ERL_NIF_SELECT_READ != 0,
        write: mode & ERL_NIF_SELECT_WRITE != 0,
        error: mode & ERL_NIF_SELECT_ERROR != 0,
    };
    let custom = mode & ERL_NIF_SELECT_CUSTOM_MSG != 0;
    // Built before taking the table's lock (copying may take other locks).
    let mut msgs = Some([
        want.read.then(|| message(custom, obj, msg, "ready_input")),
        want.write
            .then(|| message(custom, obj, msg, "ready_output")),
        want.error.then(|| message(custom, obj, msg, "ready_error")),
    ]);
    let stolen = with_table(|t| match t.get(&fd) {
        Some(st) if st.resource.0 != obj => t.remove(&fd),
        _ => None,
    });
    if let Some(st) = stolen {
        steal(fd, st);
    }
    with_table(|t| {
        let fresh = !t.contains_key(&fd);
        let armed = t.get(&fd).map_or(Ready::default(), FdState::armed);
        let new = want.without(armed);
        let reg = if new.is_empty() {
            Registered::Polled
        } else {
            check_io::select(fd, new, target()).map_err(|_| SelectError::Failed)?
        };
        let st = t.entry(fd).or_insert_with(|| FdState {
            resource: ResPtr(obj),
            input: None,
            output: None,
            error: None,
            want_error: false,
            fallback: false,
        });
        st.fallback |= reg == Registered::AlwaysReady;
        if fresh {
            // SAFETY: a live resource (API contract); the table holds this count until
            // the fd is stopped.
            unsafe { resource::enif_keep_resource(obj) };
        }
        let [i, o, e] = msgs.take().unwrap_or_default();
        let mut replaced = Vec::new();
        for (slot, m) in [(&mut st.input, i), (&mut st.output, o), (&mut st.error, e)] {
            if let Some(msg) = m {
                replaced.extend(slot.replace(Armed { pid, msg }));
            }
        }
        st.want_error |= want.error;
        Ok(replaced)
    })
    .map(|replaced| {
        // The messages of a re-armed direction (or of a failed request) are dropped
        // outside the lock.
        drop((replaced, msgs));
        0
    })
}

/// `ERL_NIF_SELECT_CANCEL`: disarms the directions of `mode` and reports which were armed.
fn cancel(fd: RawFd, mode: ErlNifSelectFlags, obj: *mut c_void) -> c_int {
    let which = Ready {
        read: mode & ERL_NIF_SELECT_READ != 0,
        write: mode & ERL_NIF_SELECT_WRITE != 0,
        error: mode & ERL_NIF_SELECT_ERROR != 0,
    };
    let stolen = with_table(|t| match t.get(&fd) {
        Some(st) if st.resource.0 != obj => t.remove(&fd),
        _ => None,
    });
    if let Some(st) = stolen {
        steal(fd, st);
        return 0;
    }
    let dropped = with_table(|t| {
        let st = t.get_mut(&fd)?;
        let hit = Ready {
            read: which.read && st.input.is_some(),
            write: which.write && st.output.is_some(),
            error: which.error && st.error.is_some(),
        };
        if !hit.is_empty() {
            check_io::deselect(fd, hit);
        }
        let take = |on: bool, a: &mut Option<Armed>| if on { a.take() } else { None };
        Some([
            take(hit.read, &mut st.input),
            take(hit.write, &mut st.output),
            take(hit.error, &mut st.error),
        ])
    });
    let Some([i, o, e]) = dropped else {
        return 0;
    };
    let mut ret = 0;
    if i.is_some() {
        ret |= ERL_NIF_SELECT_READ_CANCELLED;
    }
    if o.is_some() {
        ret |= ERL_NIF_SELECT_WRITE_CANCELLED;
    }
    if e.is_some() {
        ret |= ERL_NIF_SELECT_ERROR_CANCELLED;
    }
    ret
}

/// Carries out one request (the body of `enif_select_x`).
///
/// # Safety
/// As `enif_select_x`.
unsafe fn select_x(
    env: *mut ErlNifEnv,
    fd: ErlNifEvent,
    mode: ErlNifSelectFlags,
    obj: *mut c_void,
    pid: *const ErlNifPid,
    msg: ERL_NIF_TERM,
    msg_env: *mut ErlNifEnv,
) -> Result<c_int, SelectError> {
    if fd < 0 || i64::from(fd) >= max_fds() {
        if fd > 0 {
            eprintln!(
                "enif_select: fd={fd} is larger than the largest allowed fd={}",
                max_fds() - 1
            );
        }
        return Err(SelectError::InvalidEvent);
    }
    if obj.is_null() {
        return Err(SelectError::Failed);
    }
    if mode & ERL_NIF_SELECT_STOP != 0 {
        return Ok(stop(fd, obj));
    }
    if mode & ERL_NIF_SELECT_CANCEL != 0 {
        return Ok(cancel(fd, mode, obj));
    }
    // SAFETY: a valid pointer or null (API contract).
    let to = match unsafe { pid.as_ref() } {
        Some(p) => Term(p.pid),
        // SAFETY: forwarded contract.
        None => match unsafe { env_mut(env) }.and_then(|e| e.self_pid()) {
            Some(p) => p,
            None => return Err(SelectError::Failed),
        },
    };
    if !to.is_local_pid() {
        return Err(SelectError::Failed);
    }
    let r = arm(fd, mode, obj, to.pid_number(), Term(msg))?;
    if mode & ERL_NIF_SELECT_CUSTOM_MSG != 0 && !msg_env.is_null() {
        // The message environment's terms were taken (copied) into the prepared
        // messages; as in OTP it is left empty.
        // SAFETY: forwarded contract.
        unsafe { crate::misc::enif_clear_env(msg_env) };
    }
    Ok(r)
}

#[no_mangle]
pub unsafe extern "C" fn enif_select(
    env: *mut ErlNifEnv,
    e: ErlNifEvent,
    mode: ErlNifSelectFlags,
    obj: *mut c_void,
    pid: *const ErlNifPid,
    reference: ERL_NIF_TERM,
) -> c_int {
    // SAFETY: forwarded contract (no custom message: `msg_env` is unused).
    unsafe { enif_select_x(env, e, mode, obj, pid, reference, std::ptr::null_mut()) }
}

#[no_mangle]
pub unsafe extern "C" fn enif_select_x(
    env: *mut ErlNifEnv,
    e: ErlNifEvent,
    mode: ErlNifSelectFlags,
    obj: *mut c_void,
    pid: *const ErlNifPid,
    msg: ERL_NIF_TERM,
    msg_env: *mut ErlNifEnv,
) -> c_int {
    // SAFETY: forwarded contract.
    match unsafe { select_x(env, e, mode, obj, pid, msg, msg_env) } {
        Ok(r) => r,
        Err(e) => e.code(),
    }
}
