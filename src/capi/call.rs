//! Calls from the host into Erlang code (`M:F(Args)` in a new process, synchronously, with
//! a timeout), with terms in erl_nif environments or as external term format bytes; and
//! sending a message to a pid or a registered name.

use super::runtime::{erts_runtime, runtime};
use super::{
    erts_status, guard, str_arg, timeout, Failure, ERL_NIF_TERM, ERTS_BADARG, ERTS_EXCEPTION,
    ERTS_NOPROC, ERTS_STOPPED, ERTS_SYSTEM_LIMIT, ERTS_TIMEOUT,
};
use erts::atom;
use erts::heap::Heap;
use erts::host::call::{CallError, Outcome};
use erts::process::signals::OwnedTerm;
use erts::term::{boxed, Term};
use nif_api::env::{with_independent_heap, ErlNifEnv};
use std::ffi::{c_char, c_long, c_uint};

/// What a call gave: its value, or the `{Class, Reason, Stacktrace}` of its exception.
type CallResult = Result<OwnedTerm, (erts_status, OwnedTerm, String)>;

/// Calls `module:function(args)` in `rt`: the term to hand back (the value, or the
/// exception's `{Class, Reason, Stacktrace}`) and the failure to report with it, if any.
fn call_in(
    rt: &erts_runtime,
    module: &str,
    function: &str,
    args: &[Term],
    timeout_ms: c_long,
) -> Result<(OwnedTerm, Option<Failure>), Failure> {
    let r = rt
        .instance
        .enter(|| run_call(rt, module, function, args, timeout_ms))?;
    Ok(match r {
        Ok(v) => (v, None),
        Err((status, t, msg)) => (t, Some(Failure(status, msg))),
    })
}

/// Fails unless `env` is a process-independent environment (`enif_alloc_env`).
///
/// # Safety
/// `env` must be null or an environment handed out by `nif-api`, not in use by another
/// thread.
pub(crate) unsafe fn require_env(env: *mut ErlNifEnv) -> Result<(), Failure> {
    // SAFETY: by the caller's contract.
    unsafe { with_independent_heap(env, |_| ()) }
        .ok_or_else(|| Failure::badarg("env is not an environment from enif_alloc_env"))
}

/// Calls `module:function(args)` in the current instance of `rt`.
fn run_call(
    rt: &erts_runtime,
    module: &str,
    function: &str,
    args: &[Term],
    timeout_ms: c_long,
) -> Result<CallResult, Failure> {
    rt.check_running()?;
    let export = erts::module::export(atom::atom(module), atom::atom(function), args.len() as u32);
    let outcome = erts::host::call::call(export, args, rt.group_leader, timeout(timeout_ms));
    let mfa = || format!("{module}:{function}/{}", args.len());
    match outcome {
        Ok(Outcome::Returned(v)) => Ok(Ok(v)),
        Ok(Outcome::Raised {
            class,
            reason,
            stacktrace,
        }) => {
            let msg = format!(
                "{} raised {}:{}",
                mfa(),
                class.atom().name(),
                erts::display::display_string(reason.term)
            );
            let t = OwnedTerm::build(|h| {
                let r = erts::term::copy::copy(h, reason.term);
                let s = erts::term::copy::copy(h, stacktrace.term);
                boxed::tuple(h, &[Term::atom(class.atom()), r, s])
            });
            Ok(Err((ERTS_EXCEPTION, t, msg)))
        }
        Ok(Outcome::Killed(reason)) => {
            let msg = format!(
                "the process running {} exited: {}",
                mfa(),
                erts::display::display_string(reason.term)
            );
            let t = OwnedTerm::build(|h| {
                let r = erts::term::copy::copy(h, reason.term);
                boxed::tuple(h, &[Term::atom(atom::EXIT), r, Term::NIL])
            });
            Ok(Err((ERTS_EXCEPTION, t, msg)))
        }
        Err(CallError::Timeout) => Err(Failure(
            ERTS_TIMEOUT,
            format!("{} did not return within {timeout_ms} ms", mfa()),
        )),
        Err(CallError::Stopped) => Err(rt.check_running().err().unwrap_or_else(|| {
            Failure(ERTS_STOPPED, "the runtime stopped during the call".into())
        })),
        Err(CallError::Spawn(e)) => Err(Failure(
            ERTS_SYSTEM_LIMIT,
            format!("cannot start a process for {}: {e:?}", mfa()),
        )),
    }
}

/// Calls `module:function(args[0], ..., args[argc-1])` and waits up to `timeout_ms`
/// milliseconds (negative: forever) for it to return. The arguments are terms of `env`, an
/// environment from `enif_alloc_env`; the result is stored in `*result` as a term of the same
/// environment. When the function raises an exception, the call returns `ERTS_EXCEPTION` and
/// `*result` is `{Class, Reason, Stacktrace}`. On a timeout the process running the call is
/// killed. The function runs in a new process whose group leader is the runtime's `user`.
///
/// # Safety
/// `rt` must be a live handle; `module`, `function` NUL-terminated strings; `env` an
/// environment from `enif_alloc_env` not used by another thread meanwhile; `args` must point
/// to `argc` terms of `env` (or be null when `argc` is 0); `result` valid.
#[no_mangle]
pub unsafe extern "C" fn erts_call(
    rt: *mut erts_runtime,
    module: *const c_char,
    function: *const c_char,
    env: *mut ErlNifEnv,
    args: *const ERL_NIF_TERM,
    argc: c_uint,
    timeout_ms: c_long,
    result: *mut ERL_NIF_TERM,
) -> erts_status {
    guard(|| {
        // SAFETY: by the caller's contract.
        let rt = unsafe { runtime(rt) }?;
        // SAFETY: as above.
        let (m, f) = unsafe { (str_arg(module, "module")?, str_arg(function, "function")?) };
        if result.is_null() {
            return Err(Failure::badarg("result is NULL"));
        }
        if argc > 0 && args.is_null() {
            return Err(Failure::badarg("args is NULL"));
        }
        let argv: Vec<Term> = (0..argc as usize)
            // SAFETY: `argc` terms at `args` by the caller's contract.
            .map(|i| Term(unsafe { *args.add(i) }))
            .collect();
        // The environment must be one the host can read terms from.
        // SAFETY: by the caller's contract.
        unsafe { require_env(env) }?;
        let (t, failure) = call_in(rt, m, f, &argv, timeout_ms)?;
        // SAFETY: checked above to be a process-independent environment; `result` valid.
        unsafe {
            let copied = with_independent_heap(env, |h| erts::term::copy::copy(h, t.term));
            *result = copied.map(|c| c.0).unwrap_or(0);
        }
        failure.map_or(Ok(()), Err)
    })
}

/// Decodes external term format bytes into `heap`.
fn decode(heap: &mut Heap, bytes: &[u8], what: &str) -> Result<Term, Failure> {
    let opts = erts::etf::decode::DecodeOpts::default();
    match erts::etf::decode::decode(heap, bytes, opts) {
        Ok((t, used)) if used == bytes.len() => Ok(t),
        _ => Err(Failure::badarg(format!(
            "{what} is not a term in the external term format"
        ))),
    }
}

/// Hands `bytes` to C as a buffer freed with [`erts_free_buffer`].
fn to_buffer(bytes: Vec<u8>, out: *mut *mut u8, out_len: *mut usize) {
    let b = bytes.into_boxed_slice();
    let len = b.len();
    // SAFETY: both pointers were checked to be non-null by the caller.
    unsafe {
        *out_len = len;
        *out = Box::into_raw(b) as *mut u8;
    }
}

/// `erts_call` with terms in the external term format (`term_to_binary/1`): `args` holds
/// one encoded term, the list of arguments. The result (or `{Class, Reason, Stacktrace}`
/// after `ERTS_EXCEPTION`) is stored in a buffer of `*result_len` bytes at `*result`, freed
/// with `erts_free_buffer`.
///
/// # Safety
/// `rt` must be a live handle; `module`, `function` NUL-terminated strings; `args` must
/// point to `args_len` readable bytes; `result` and `result_len` valid.
#[no_mangle]
pub unsafe extern "C" fn erts_call_etf(
    rt: *mut erts_runtime,
    module: *const c_char,
    function: *const c_char,
    args: *const u8,
    args_len: usize,
    timeout_ms: c_long,
    result: *mut *mut u8,
    result_len: *mut usize,
) -> erts_status {
    guard(|| {
        // SAFETY: by the caller's contract.
        let rt = unsafe { runtime(rt) }?;
        // SAFETY: as above.
        let (m, f) = unsafe { (str_arg(module, "module")?, str_arg(function, "function")?) };
        if args.is_null() || result.is_null() || result_len.is_null() {
            return Err(Failure::badarg("args, result or result_len is NULL"));
        }
        // SAFETY: `args_len` readable bytes by the caller's contract.
        let bytes = unsafe { std::slice::from_raw_parts(args, args_len) };
        let mut heap = Heap::default();
        let list = decode(&mut heap, bytes, "args")?;
        let mut argv = Vec::new();
        let mut l = list;
        while l.is_list() {
            argv.push(l.head());
            l = l.tail();
        }
        if !l.is_nil() {
            return Err(Failure(ERTS_BADARG, "args is not a proper list".into()));
        }
        let (t, failure) = call_in(rt, m, f, &argv, timeout_ms)?;
        let encoded = erts::etf::encode::encode(t.term, Default::default());
        to_buffer(encoded, result, result_len);
        failure.map_or(Ok(()), Err)
    })
}

/// Frees a buffer the API handed out (`erts_call_etf`'s result).
///
/// # Safety
/// `buf` must be null or a buffer of `len` bytes from this API, freed once.
#[no_mangle]
pub unsafe extern "C" fn erts_free_buffer(buf: *mut u8, len: usize) {
    if !buf.is_null() {
        // SAFETY: made by `to_buffer` with this length.
        drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(buf, len)) });
    }
}

/// Sends `msg` to `to` (a pid, or an atom: a registered name), both terms of `env`. A
/// message to a pid that has ended is dropped, as `!` does; an unregistered name gives
/// `ERTS_NOPROC`.
///
/// # Safety
/// `rt` must be a live handle; `env` an environment from `enif_alloc_env` holding `to` and
/// `msg`.
#[no_mangle]
pub unsafe extern "C" fn erts_send(
    rt: *mut erts_runtime,
    env: *mut ErlNifEnv,
    to: ERL_NIF_TERM,
    msg: ERL_NIF_TERM,
) -> erts_status {
    guard(|| {
        // SAFETY: by the caller's contract.
        let rt = unsafe { runtime(rt) }?;
        // SAFETY: as above.
        unsafe { require_env(env) }?;
        rt.check_running()?;
        rt.instance
            .enter(|| match erts::host::send(Term(to), Term(msg)) {
                Ok(()) => Ok(()),
                Err(erts::host::SendError::NotRegistered) => Err(Failure(
                    ERTS_NOPROC,
                    format!(
                        "no process is registered as {}",
                        erts::display::display_string(Term(to))
                    ),
                )),
                Err(erts::host::SendError::BadDestination) => {
                    Err(Failure::badarg("to is neither a pid nor an atom"))
                }
            })
    })
}
