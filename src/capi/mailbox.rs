//! Host mailboxes in C: a pid that stands for the host. Erlang code sends to it (and links
//! to or monitors it) like to any process; the host receives with a timeout, polls, or has
//! a callback called with each message on a runtime thread.

use super::runtime::{erts_runtime, runtime};
use super::{erts_status, guard, timeout, Failure, ERL_NIF_TERM, ERTS_SYSTEM_LIMIT, ERTS_TIMEOUT};
use erts::host::mailbox::Mailbox;
use nif_api::env::{alloc_independent, with_independent_heap, ErlNifEnv};
use std::ffi::{c_long, c_void};
use std::sync::Arc;

/// A host mailbox (opaque in C).
#[allow(non_camel_case_types)]
pub struct erts_mailbox {
    mailbox: Arc<Mailbox>,
    /// The runtime it belongs to (the host keeps the runtime alive while it uses this).
    rt: *const erts_runtime,
}

/// A function that gets each message of a mailbox: `user` as given to
/// `erts_mailbox_set_callback`, and the message as a term of `env`, an environment that is
/// valid during the call only (copy the term with `enif_make_copy` to keep it). It runs on a
/// runtime thread: it must not block for long, nor call `erts_call` (which would wait for
/// the schedulers it holds up).
#[allow(non_camel_case_types)]
pub type erts_message_callback =
    Option<unsafe extern "C" fn(user: *mut c_void, env: *mut ErlNifEnv, msg: ERL_NIF_TERM)>;

/// Opens a mailbox: a new pid in the runtime that stands for the host.
///
/// # Safety
/// `rt` must be a live handle; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn erts_mailbox_open(
    rt: *mut erts_runtime,
    out: *mut *mut erts_mailbox,
) -> erts_status {
    guard(|| {
        // SAFETY: by the caller's contract.
        let r = unsafe { runtime(rt) }?;
        if out.is_null() {
            return Err(Failure::badarg("out is NULL"));
        }
        r.check_running()?;
        let mailbox = r.instance.enter(Mailbox::open).map_err(|e| {
            Failure(
                ERTS_SYSTEM_LIMIT,
                format!("cannot make a mailbox process: {e:?}"),
            )
        })?;
        let mb = erts_mailbox { mailbox, rt };
        // SAFETY: `out` is valid by the caller's contract.
        unsafe { *out = Box::into_raw(Box::new(mb)) };
        Ok(())
    })
}

/// The mailbox behind a handle.
///
/// # Safety
/// `mb` must be null or a live handle.
unsafe fn mailbox<'a>(mb: *const erts_mailbox) -> Result<&'a erts_mailbox, Failure> {
    // SAFETY: by the caller's contract.
    unsafe { mb.as_ref() }.ok_or_else(|| Failure::badarg("the mailbox is NULL"))
}

/// Stores the mailbox's pid, as a term of `env`, in `*pid`.
///
/// # Safety
/// `mb` must be a live handle; `env` an environment from `enif_alloc_env`; `pid` valid.
#[no_mangle]
pub unsafe extern "C" fn erts_mailbox_pid(
    mb: *const erts_mailbox,
    env: *mut ErlNifEnv,
    pid: *mut ERL_NIF_TERM,
) -> erts_status {
    guard(|| {
        // SAFETY: by the caller's contract.
        let mb = unsafe { mailbox(mb) }?;
        if pid.is_null() {
            return Err(Failure::badarg("pid is NULL"));
        }
        // SAFETY: as above.
        unsafe { super::call::require_env(env) }?;
        // SAFETY: `pid` valid by the caller's contract (a pid is an immediate term).
        unsafe { *pid = mb.mailbox.pid().0 };
        Ok(())
    })
}

/// Takes the oldest message of the mailbox into `env` (`*msg`), waiting up to `timeout_ms`
/// milliseconds for one (negative: forever; 0: a poll). `ERTS_TIMEOUT` when none came.
///
/// # Safety
/// `mb` must be a live handle; `env` an environment from `enif_alloc_env` not used by another
/// thread meanwhile; `msg` valid.
#[no_mangle]
pub unsafe extern "C" fn erts_mailbox_receive(
    mb: *const erts_mailbox,
    env: *mut ErlNifEnv,
    timeout_ms: c_long,
    msg: *mut ERL_NIF_TERM,
) -> erts_status {
    guard(|| {
        // SAFETY: by the caller's contract.
        let mb = unsafe { mailbox(mb) }?;
        if msg.is_null() {
            return Err(Failure::badarg("msg is NULL"));
        }
        // SAFETY: as above.
        unsafe { super::call::require_env(env) }?;
        let got = mb
            .mailbox
            .receive(timeout(timeout_ms))
            .ok_or_else(|| Failure(ERTS_TIMEOUT, format!("no message within {timeout_ms} ms")))?;
        // SAFETY: checked above; `msg` valid by the caller's contract.
        unsafe {
            let t = with_independent_heap(env, |h| erts::term::copy::copy(h, got.term));
            *msg = t.map(|t| t.0).unwrap_or(0);
        }
        Ok(())
    })
}

/// A callback and its user pointer, called from runtime threads.
struct CallbackFn {
    f: unsafe extern "C" fn(*mut c_void, *mut ErlNifEnv, ERL_NIF_TERM),
    user: *mut c_void,
}

impl CallbackFn {
    /// Calls the host's function with `t` copied into a fresh environment.
    fn call(&self, t: erts::term::Term) {
        let env = alloc_independent();
        // SAFETY: a fresh environment, freed after the call; the callback's contract is the
        // host's.
        unsafe {
            let copied = with_independent_heap(env, |h| erts::term::copy::copy(h, t));
            (self.f)(self.user, env, copied.map(|t| t.0).unwrap_or(0));
            nif_api::misc::enif_free_env(env);
        }
    }
}

// SAFETY: the host promises (erts_mailbox_set_callback's contract) that the callback may be
// called with `user` from any thread.
unsafe impl Send for CallbackFn {}
// SAFETY: as above.
unsafe impl Sync for CallbackFn {}

/// Has every later message handed to `cb` (with `user`) on a runtime thread instead of
/// queued; a null `cb` queues them again. Messages already queued stay there. Returns once
/// no call of the previous callback is running: after it (or after `erts_mailbox_close`)
/// the host may free what `user` points to. Not to be called from the callback itself.
///
/// # Safety
/// `mb` must be a live handle; `cb` must be callable from any thread with `user`, until the
/// mailbox is closed or the callback replaced.
#[no_mangle]
pub unsafe extern "C" fn erts_mailbox_set_callback(
    mb: *const erts_mailbox,
    cb: erts_message_callback,
    user: *mut c_void,
) -> erts_status {
    guard(|| {
        // SAFETY: by the caller's contract.
        let mb = unsafe { mailbox(mb) }?;
        let cb = cb.map(|f| {
            let c = CallbackFn { f, user };
            Arc::new(move |t: erts::term::Term| c.call(t)) as erts::host::mailbox::Callback
        });
        mb.mailbox.set_callback(cb);
        Ok(())
    })
}

/// How many messages wait in the mailbox.
///
/// # Safety
/// `mb` must be null or a live handle.
#[no_mangle]
pub unsafe extern "C" fn erts_mailbox_size(mb: *const erts_mailbox) -> usize {
    // SAFETY: by the caller's contract.
    unsafe { mb.as_ref() }.map_or(0, |m| m.mailbox.len())
}

/// Closes the mailbox: its pid ends with reason `normal` (links and monitors hear of it),
/// later messages to it are dropped, and the handle is freed. A callback call in progress
/// has finished when this returns. Not to be called from the callback itself.
///
/// # Safety
/// `mb` must be null or a live handle, not used afterwards; its runtime must not be freed
/// yet.
#[no_mangle]
pub unsafe extern "C" fn erts_mailbox_close(mb: *mut erts_mailbox) {
    if mb.is_null() {
        return;
    }
    // SAFETY: made by `Box::into_raw` in `erts_mailbox_open`, freed once.
    let mb = unsafe { Box::from_raw(mb) };
    mb.mailbox.set_callback(None);
    // SAFETY: the runtime outlives its mailboxes by the caller's contract.
    if let Some(rt) = unsafe { mb.rt.as_ref() } {
        if rt.check_running().is_ok() {
            rt.instance.enter(|| mb.mailbox.close());
        }
    }
}
