//! The `repr(C)` types and constants of OTP 25's `erl_nif.h` (NIF version 2.16), laid out as
//! on LP64 (checked against OTP's header by `tests/nif_abi_layout.rs`).

#![allow(non_camel_case_types, non_snake_case)]

use std::ffi::{c_char, c_int, c_uint, c_void};

pub use ports::driver_abi::ErlDrvSysInfo as ErlNifSysInfo;
pub use ports::driver_abi::ErlDrvThreadOpts as ErlNifThreadOpts;
// Shared with the driver interface (`erl_drv_nif.h`).
pub use ports::driver_abi::{
    ErlNifSelectFlags, ERL_NIF_SELECT_CANCEL, ERL_NIF_SELECT_CUSTOM_MSG, ERL_NIF_SELECT_ERROR,
    ERL_NIF_SELECT_READ, ERL_NIF_SELECT_STOP, ERL_NIF_SELECT_WRITE,
};

/// A term: the runtime's tagged word, unchanged.
pub type ERL_NIF_TERM = u64;
/// `ErlNifUInt64`.
pub type ErlNifUInt64 = u64;
/// `ErlNifSInt64`.
pub type ErlNifSInt64 = i64;
/// `ErlNifUInt`: unsigned, as wide as a pointer.
pub type ErlNifUInt = u64;
/// `ErlNifSInt`: signed, as wide as a pointer.
pub type ErlNifSInt = i64;
/// `ERL_NIF_UINT` (the count fields of `ErlNifMapIterator`).
pub type ERL_NIF_UINT = ERL_NIF_TERM;
/// `ErlNifTime`.
pub type ErlNifTime = i64;

pub const ERL_NIF_MAJOR_VERSION: c_int = 2;
pub const ERL_NIF_MINOR_VERSION: c_int = 16;
/// Entries with an older major version are refused.
pub const ERL_NIF_MIN_REQUIRED_MAJOR_VERSION_ON_LOAD: c_int = 2;
pub const ERL_NIF_VM_VARIANT: &str = "beam.vanilla";
/// What `ERL_NIF_INIT` puts in `ErlNifEntry::min_erts`.
pub const ERL_NIF_MIN_ERTS_VERSION: &str = "erts-12.0";

/// The environment of a NIF call (opaque to C; see `crate::env`).
pub use crate::env::ErlNifEnv;

/// A NIF's C function.
pub type NifCFn = unsafe extern "C" fn(
    env: *mut ErlNifEnv,
    argc: c_int,
    argv: *const ERL_NIF_TERM,
) -> ERL_NIF_TERM;

/// One function of a NIF library.
#[repr(C)]
pub struct ErlNifFunc {
    pub name: *const c_char,
    pub arity: c_uint,
    pub fptr: Option<NifCFn>,
    pub flags: c_uint,
}

pub type LoadFn = unsafe extern "C" fn(
    env: *mut ErlNifEnv,
    priv_data: *mut *mut c_void,
    load_info: ERL_NIF_TERM,
) -> c_int;
pub type UpgradeFn = unsafe extern "C" fn(
    env: *mut ErlNifEnv,
    priv_data: *mut *mut c_void,
    old_priv_data: *mut *mut c_void,
    load_info: ERL_NIF_TERM,
) -> c_int;
pub type UnloadFn = unsafe extern "C" fn(env: *mut ErlNifEnv, priv_data: *mut c_void);

/// What `nif_init` returns.
#[repr(C)]
pub struct ErlNifEntry {
    pub major: c_int,
    pub minor: c_int,
    pub name: *const c_char,
    pub num_of_funcs: c_int,
    pub funcs: *mut ErlNifFunc,
    pub load: Option<LoadFn>,
    pub reload: Option<LoadFn>,
    pub upgrade: Option<UpgradeFn>,
    pub unload: Option<UnloadFn>,
    pub vm_variant: *const c_char,
    pub options: c_uint,
    pub sizeof_ErlNifResourceTypeInit: usize,
    pub min_erts: *const c_char,
}

/// A binary as NIFs see it.
#[repr(C)]
pub struct ErlNifBinary {
    pub size: usize,
    pub data: *mut u8,
    pub ref_bin: *mut c_void,
    pub __spare__: [*mut c_void; 2],
}

/// `ErlNifPid`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ErlNifPid {
    pub pid: ERL_NIF_TERM,
}

/// `ErlNifPort`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ErlNifPort {
    pub port_id: ERL_NIF_TERM,
}

pub type ErlNifResourceDtor = unsafe extern "C" fn(env: *mut ErlNifEnv, obj: *mut c_void);
pub type ErlNifResourceStop = unsafe extern "C" fn(
    env: *mut ErlNifEnv,
    obj: *mut c_void,
    event: c_int,
    is_direct_call: c_int,
);
pub type ErlNifResourceDown = unsafe extern "C" fn(
    env: *mut ErlNifEnv,
    obj: *mut c_void,
    pid: *mut ErlNifPid,
    mon: *mut ErlNifMonitor,
);
pub type ErlNifResourceDynCall =
    unsafe extern "C" fn(env: *mut ErlNifEnv, obj: *mut c_void, call_data: *mut c_void);

/// `ErlNifResourceTypeInit` (2.16: with `members` and `dyncall`).
#[repr(C)]
pub struct ErlNifResourceTypeInit {
    pub dtor: Option<ErlNifResourceDtor>,
    pub stop: Option<ErlNifResourceStop>,
    pub down: Option<ErlNifResourceDown>,
    pub members: c_int,
    pub dyncall: Option<ErlNifResourceDynCall>,
}

/// `ErlNifMonitor`: opaque, four words.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ErlNifMonitor {
    pub data: [u8; 32],
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct ErlNifMapIteratorFlat {
    pub ks: *mut ERL_NIF_TERM,
    pub vs: *mut ERL_NIF_TERM,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct ErlNifMapIteratorHash {
    pub wstack: *mut c_void,
    pub kv: *mut ERL_NIF_TERM,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub union ErlNifMapIteratorU {
    pub flat: ErlNifMapIteratorFlat,
    pub hash: ErlNifMapIteratorHash,
}

/// `ErlNifMapIterator`: this runtime keeps the pairs in `u.hash.wstack` (a boxed vector) and
/// the position in `idx`.
#[repr(C)]
pub struct ErlNifMapIterator {
    pub map: ERL_NIF_TERM,
    pub size: ERL_NIF_TERM,
    pub idx: ERL_NIF_TERM,
    pub u: ErlNifMapIteratorU,
    pub __spare__: [*mut c_void; 2],
}

/// `SysIOVec` (`struct iovec`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct SysIOVec {
    pub iov_base: *mut c_char,
    pub iov_len: usize,
}

pub const ERL_NIF_IOVEC_SIZE: usize = 16;

/// `ErlNifIOVec`.
#[repr(C)]
pub struct ErlNifIOVec {
    pub iovcnt: c_int,
    pub size: usize,
    pub iov: *mut SysIOVec,
    pub ref_bins: *mut *mut c_void,
    pub flags: c_int,
    pub small_iov: [SysIOVec; ERL_NIF_IOVEC_SIZE],
    pub small_ref_bin: [*mut c_void; ERL_NIF_IOVEC_SIZE],
}

pub const ERL_NIF_LATIN1: c_int = 1;
/// Not in OTP 25's header (NIF 2.17, OTP 26, adds it); accepted with OTP 26's value.
pub const ERL_NIF_UTF8: c_int = 2;

pub const ERL_NIF_SEC: c_int = 0;
pub const ERL_NIF_MSEC: c_int = 1;
pub const ERL_NIF_USEC: c_int = 2;
pub const ERL_NIF_NSEC: c_int = 3;
pub const ERL_NIF_TIME_ERROR: i64 = i64::MIN;

pub const ERL_NIF_DIRTY_JOB_CPU_BOUND: c_uint = 1;
pub const ERL_NIF_DIRTY_JOB_IO_BOUND: c_uint = 2;

pub const ERL_NIF_MAP_ITERATOR_FIRST: c_int = 1;
pub const ERL_NIF_MAP_ITERATOR_LAST: c_int = 2;

pub const ERL_NIF_UNIQUE_POSITIVE: c_int = 1;
pub const ERL_NIF_UNIQUE_MONOTONIC: c_int = 2;

pub const ERL_NIF_BIN2TERM_SAFE: c_uint = 0x2000_0000;

pub const ERL_NIF_INTERNAL_HASH: c_int = 1;
pub const ERL_NIF_PHASH2: c_int = 2;

pub const ERL_NIF_TERM_TYPE_ATOM: c_int = 1;
pub const ERL_NIF_TERM_TYPE_BITSTRING: c_int = 2;
pub const ERL_NIF_TERM_TYPE_FLOAT: c_int = 3;
pub const ERL_NIF_TERM_TYPE_FUN: c_int = 4;
pub const ERL_NIF_TERM_TYPE_INTEGER: c_int = 5;
pub const ERL_NIF_TERM_TYPE_LIST: c_int = 6;
pub const ERL_NIF_TERM_TYPE_MAP: c_int = 7;
pub const ERL_NIF_TERM_TYPE_PID: c_int = 8;
pub const ERL_NIF_TERM_TYPE_PORT: c_int = 9;
pub const ERL_NIF_TERM_TYPE_REFERENCE: c_int = 10;
pub const ERL_NIF_TERM_TYPE_TUPLE: c_int = 11;

pub const ERL_NIF_THR_UNDEFINED: c_int = 0;
pub const ERL_NIF_THR_NORMAL_SCHEDULER: c_int = 1;
pub const ERL_NIF_THR_DIRTY_CPU_SCHEDULER: c_int = 2;
pub const ERL_NIF_THR_DIRTY_IO_SCHEDULER: c_int = 3;

pub const ERL_NIF_RT_CREATE: c_int = 1;
pub const ERL_NIF_RT_TAKEOVER: c_int = 2;

// ---- C enum types and the constants that had no Rust counterpart yet ----------------------
//
// C enums are plain integer aliases (a library may pass any value). Their underlying type is
// what GCC and clang give them: `unsigned int` when no enumerator is negative, else `int`. The
// older constants above keep the type the `enif_*` functions take them as (`c_int`), which
// has the same size and passing convention.

/// `ErlNifTimeUnit` (`ERL_NIF_SEC` ...).
pub type ErlNifTimeUnit = c_uint;
/// `ErlNifEvent`: a file descriptor.
pub type ErlNifEvent = c_int;
/// `ErlNifResourceFlags` (`ERL_NIF_RT_CREATE`, `ERL_NIF_RT_TAKEOVER`).
pub type ErlNifResourceFlags = c_uint;
/// `ErlNifCharEncoding` (`ERL_NIF_LATIN1`).
pub type ErlNifCharEncoding = c_uint;
/// `ErlNifTid`: the driver interface's thread handle.
pub type ErlNifTid = ports::driver_abi::ErlDrvTid;
/// `ErlNifTSDKey`.
pub type ErlNifTSDKey = c_int;
/// `ErlNifDirtyTaskFlags` (`ERL_NIF_DIRTY_JOB_*`).
pub type ErlNifDirtyTaskFlags = c_uint;
/// `ErlNifMapIteratorEntry` (`ERL_NIF_MAP_ITERATOR_*`).
pub type ErlNifMapIteratorEntry = c_uint;
/// `ErlNifUniqueInteger` (`ERL_NIF_UNIQUE_*`).
pub type ErlNifUniqueInteger = c_uint;
/// `ErlNifBinaryToTerm` (`ERL_NIF_BIN2TERM_SAFE`).
pub type ErlNifBinaryToTerm = c_uint;
/// `ErlNifHash` (`ERL_NIF_INTERNAL_HASH`, `ERL_NIF_PHASH2`).
pub type ErlNifHash = c_uint;
/// `ErlNifIOQueueOpts` (`ERL_NIF_IOQ_NORMAL`).
pub type ErlNifIOQueueOpts = c_uint;
/// `ErlNifTermType` (`ERL_NIF_TERM_TYPE_*`; one enumerator is negative).
pub type ErlNifTermType = c_int;

/// Older names of `ERL_NIF_MAP_ITERATOR_FIRST` and `ERL_NIF_MAP_ITERATOR_LAST`.
pub const ERL_NIF_MAP_ITERATOR_HEAD: c_int = ERL_NIF_MAP_ITERATOR_FIRST;
pub const ERL_NIF_MAP_ITERATOR_TAIL: c_int = ERL_NIF_MAP_ITERATOR_LAST;

/// The only `ErlNifIOQueueOpts`.
pub const ERL_NIF_IOQ_NORMAL: ErlNifIOQueueOpts = 1;

/// Never returned by `enif_term_type` (it makes C switches over the type need a default).
pub const ERL_NIF_TERM_TYPE__MISSING_DEFAULT_CASE__READ_THE_MANUAL: ErlNifTermType = -1;

// Bits of the result of `enif_select`.
pub const ERL_NIF_SELECT_STOP_CALLED: c_int = 1 << 0;
pub const ERL_NIF_SELECT_STOP_SCHEDULED: c_int = 1 << 1;
pub const ERL_NIF_SELECT_INVALID_EVENT: c_int = 1 << 2;
pub const ERL_NIF_SELECT_FAILED: c_int = 1 << 3;
pub const ERL_NIF_SELECT_READ_CANCELLED: c_int = 1 << 4;
pub const ERL_NIF_SELECT_WRITE_CANCELLED: c_int = 1 << 5;
pub const ERL_NIF_SELECT_ERROR_CANCELLED: c_int = 1 << 6;
pub const ERL_NIF_SELECT_NOTSUP: c_int = 1 << 7;
