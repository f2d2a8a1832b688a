//! Parts of the API not implemented yet, exported so that libraries importing them still
//! load (most Debian NIFs are linked `BIND_NOW`): each says on stderr, once, that it is not
//! implemented, and reports failure the way OTP's does for a refused request (NULL, 0, or
//! an error code), never crashing.
//!
//! Not implemented: `enif_select`, I/O vectors and queues, `enif_port_command`.

use crate::abi::*;
use crate::env::ErlNifEnv;
use std::ffi::{c_int, c_uint, c_void};

/// The exported `enif_*` functions of this module that are placeholders (for the coverage
/// report, `src/bin/erts-coverage.rs`).
pub const NOT_IMPLEMENTED: &[&str] = &[
    "enif_select",
    "enif_select_x",
    "enif_port_command",
    "enif_inspect_iovec",
    "enif_free_iovec",
    "enif_ioq_create",
    "enif_ioq_destroy",
    "enif_ioq_enq_binary",
    "enif_ioq_enqv",
    "enif_ioq_size",
    "enif_ioq_deq",
    "enif_ioq_peek",
    "enif_ioq_peek_head",
];

/// Says once per function that a NIF called an `enif_*` function this runtime lacks.
fn missing(name: &'static str) {
    static SAID: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());
    let mut said = SAID.lock().unwrap_or_else(|e| e.into_inner());
    if !said.contains(&name) {
        said.push(name);
        eprintln!("beam: {name} is not implemented yet; the NIF gets a failure result");
    }
}

/// `ErlNifIOQueue` (opaque); never created yet.
pub enum ErlNifIOQueue {}

/// `ERL_NIF_SELECT_FAILED` (bit 3 of the result): the request was not carried out.
const SELECT_FAILED: c_int = 1 << 3;

#[no_mangle]
pub unsafe extern "C" fn enif_select(
    _env: *mut ErlNifEnv,
    _e: c_int,
    _flags: c_int,
    _obj: *mut c_void,
    _pid: *const ErlNifPid,
    _ref: ERL_NIF_TERM,
) -> c_int {
    missing("enif_select");
    SELECT_FAILED
}

#[no_mangle]
pub unsafe extern "C" fn enif_select_x(
    _env: *mut ErlNifEnv,
    _e: c_int,
    _flags: c_int,
    _obj: *mut c_void,
    _pid: *const ErlNifPid,
    _msg: ERL_NIF_TERM,
    _msg_env: *mut ErlNifEnv,
) -> c_int {
    missing("enif_select_x");
    SELECT_FAILED
}

#[no_mangle]
pub unsafe extern "C" fn enif_port_command(
    _env: *mut ErlNifEnv,
    _to_port: *const ErlNifPort,
    _msg_env: *mut ErlNifEnv,
    _msg: ERL_NIF_TERM,
) -> c_int {
    missing("enif_port_command");
    0
}

#[no_mangle]
pub unsafe extern "C" fn enif_inspect_iovec(
    _env: *mut ErlNifEnv,
    _max_length: usize,
    _iovec_term: ERL_NIF_TERM,
    _tail: *mut ERL_NIF_TERM,
    _iovec: *mut *mut ErlNifIOVec,
) -> c_int {
    missing("enif_inspect_iovec");
    0
}

#[no_mangle]
pub unsafe extern "C" fn enif_free_iovec(_iov: *mut ErlNifIOVec) {}

#[no_mangle]
pub unsafe extern "C" fn enif_ioq_create(_opts: c_uint) -> *mut ErlNifIOQueue {
    missing("enif_ioq_create");
    std::ptr::null_mut()
}

#[no_mangle]
pub unsafe extern "C" fn enif_ioq_destroy(_q: *mut ErlNifIOQueue) {}

#[no_mangle]
pub unsafe extern "C" fn enif_ioq_enq_binary(
    _q: *mut ErlNifIOQueue,
    _bin: *mut ErlNifBinary,
    _skip: usize,
) -> c_int {
    missing("enif_ioq_enq_binary");
    0
}

#[no_mangle]
pub unsafe extern "C" fn enif_ioq_enqv(
    _q: *mut ErlNifIOQueue,
    _iov: *mut ErlNifIOVec,
    _skip: usize,
) -> c_int {
    missing("enif_ioq_enqv");
    0
}

#[no_mangle]
pub unsafe extern "C" fn enif_ioq_size(_q: *mut ErlNifIOQueue) -> usize {
    missing("enif_ioq_size");
    0
}

#[no_mangle]
pub unsafe extern "C" fn enif_ioq_deq(
    _q: *mut ErlNifIOQueue,
    _count: usize,
    _size: *mut usize,
) -> c_int {
    missing("enif_ioq_deq");
    0
}

#[no_mangle]
pub unsafe extern "C" fn enif_ioq_peek(
    _q: *mut ErlNifIOQueue,
    iovlen: *mut c_int,
) -> *mut SysIOVec {
    missing("enif_ioq_peek");
    if !iovlen.is_null() {
        // SAFETY: valid out pointer by the API contract.
        unsafe { iovlen.write(0) };
    }
    std::ptr::null_mut()
}

#[no_mangle]
pub unsafe extern "C" fn enif_ioq_peek_head(
    _env: *mut ErlNifEnv,
    _q: *mut ErlNifIOQueue,
    _size: *mut usize,
    _head: *mut ERL_NIF_TERM,
) -> c_int {
    missing("enif_ioq_peek_head");
    0
}
