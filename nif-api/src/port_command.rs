//! `enif_port_command`: data to a port as `erlang:port_command/2` sends it, except that it
//! never waits: OTP schedules the command as a port task that a busy port does not hold
//! back, and reports only whether it could be sent (a local, open port and iodata).
//! Here the driver's `output` runs at once under the port lock, the caller (the process of
//! the environment, if any) recorded as the process making the call. The message
//! environment plays no part (the data is read from the term wherever it lives).

use crate::abi::*;
use crate::env::{env_mut, ErlNifEnv};
use crate::terms::t;
use std::ffi::c_int;

#[no_mangle]
pub unsafe extern "C" fn enif_port_command(
    env: *mut ErlNifEnv,
    to_port: *const ErlNifPort,
    _msg_env: *mut ErlNifEnv,
    msg: ERL_NIF_TERM,
) -> c_int {
    // SAFETY: a valid pointer (API contract).
    let Some(port) = (unsafe { to_port.as_ref() }) else {
        return 0;
    };
    // SAFETY: forwarded contract (null or a valid environment).
    let Some(env) = (unsafe { env_mut(env) }) else {
        // OTP aborts the runtime; nothing is sent here.
        return 0;
    };
    let p = t(port.port_id);
    if !p.is_local_port() {
        return 0;
    }
    let Some(cell) = erts::port::lookup(p.port_number()) else {
        return 0;
    };
    let Some(bytes) = erts::bif::iodata::iodata_to_bytes(t(msg)) else {
        return 0;
    };
    let caller = env.self_pid().map_or(u64::MAX, |pid| pid.pid_number());
    let sent =
        erts::port::with_caller(caller, || erts::port::signals::command_async(&cell, &bytes));
    sent.is_ok() as c_int
}
