//! Every constant of `erl_driver.h` and `erl_drv_nif.h` (OTP 25), typed as the field or
//! argument it is used with.

use core::ffi::{c_int, c_uint};

use super::types::{
    ErlDirtyJobFlags, ErlDrvData, ErlDrvSizeT, ErlDrvTermData, ErlDrvTime, ErlDrvTimeUnit,
    ErlNifSelectFlags,
};

// ---- versions (ErlDrvEntry.extended_marker / major_version / minor_version) ---------------

/// Marks an entry of the extended interface. The C macro is the unsigned `0xfeeeeeed`; here it
/// is the bit pattern as stored in the `int` field `extended_marker`.
pub const ERL_DRV_EXTENDED_MARKER: c_int = 0xfeee_eeed_u32 as c_int;
pub const ERL_DRV_EXTENDED_MAJOR_VERSION: c_int = 3;
pub const ERL_DRV_EXTENDED_MINOR_VERSION: c_int = 3;
/// Drivers with a lower major version are refused.
pub const ERL_DRV_MIN_REQUIRED_MAJOR_VERSION_ON_LOAD: c_int = 2;

// ---- driver_select modes ------------------------------------------------------------------

pub const ERL_NIF_SELECT_READ: ErlNifSelectFlags = 1 << 0;
pub const ERL_NIF_SELECT_WRITE: ErlNifSelectFlags = 1 << 1;
pub const ERL_NIF_SELECT_STOP: ErlNifSelectFlags = 1 << 2;
pub const ERL_NIF_SELECT_CANCEL: ErlNifSelectFlags = 1 << 3;
pub const ERL_NIF_SELECT_CUSTOM_MSG: ErlNifSelectFlags = 1 << 4;
pub const ERL_NIF_SELECT_ERROR: ErlNifSelectFlags = 1 << 5;

pub const ERL_DRV_READ: c_int = ERL_NIF_SELECT_READ as c_int;
pub const ERL_DRV_WRITE: c_int = ERL_NIF_SELECT_WRITE as c_int;
/// With `on`: the event is in use; with `!on`: release it (then `stop_select` is called).
pub const ERL_DRV_USE: c_int = ERL_NIF_SELECT_STOP as c_int;
/// Like [`ERL_DRV_USE`] but without the `stop_select` call.
pub const ERL_DRV_USE_NO_CALLBACK: c_int = ERL_DRV_USE | (ERL_DRV_USE << 1);
/// Old name of [`ERL_DRV_READ`].
pub const DO_READ: c_int = ERL_DRV_READ;
/// Old name of [`ERL_DRV_WRITE`].
pub const DO_WRITE: c_int = ERL_DRV_WRITE;

// ---- port flags ---------------------------------------------------------------------------

/// `set_port_control_flags`: `port_control/3` replies are binaries.
pub const PORT_CONTROL_FLAG_BINARY: c_int = 1 << 0;
pub const PORT_CONTROL_FLAG_HEAVY: c_int = 1 << 1;

/// `get_port_flags`: the port was opened with `binary`.
pub const PORT_FLAG_BINARY: c_int = 1 << 0;
/// `get_port_flags`: the port was opened with `{line, N}`.
pub const PORT_FLAG_LINE: c_int = 1 << 1;

// ---- ErlDrvEntry.driver_flags -------------------------------------------------------------

pub const ERL_DRV_FLAG_USE_PORT_LOCKING: c_int = 1 << 0;
pub const ERL_DRV_FLAG_SOFT_BUSY: c_int = 1 << 1;
pub const ERL_DRV_FLAG_NO_BUSY_MSGQ: c_int = 1 << 2;
pub const ERL_DRV_FLAG_USE_INIT_ACK: c_int = 1 << 3;

// ---- the `call` callback's return flags ---------------------------------------------------

/// The runtime must not free the reply buffer the driver returned.
pub const DRIVER_CALL_KEEP_BUFFER: c_uint = 0x1;

// ---- results of `start` -------------------------------------------------------------------

/// `open_port/2` fails with `einval`.
pub const ERL_DRV_ERROR_GENERAL: ErlDrvData = -1isize as ErlDrvData;
/// `open_port/2` fails with the errno of the moment.
pub const ERL_DRV_ERROR_ERRNO: ErlDrvData = -2isize as ErlDrvData;
/// `open_port/2` fails with `badarg`.
pub const ERL_DRV_ERROR_BADARG: ErlDrvData = -3isize as ErlDrvData;

// ---- busy message queue limits (erl_drv_busy_msgq_limits) ---------------------------------

pub const ERL_DRV_BUSY_MSGQ_DISABLED: ErlDrvSizeT = !0;
pub const ERL_DRV_BUSY_MSGQ_READ_ONLY: ErlDrvSizeT = 0;
pub const ERL_DRV_BUSY_MSGQ_LIM_MAX: ErlDrvSizeT = ERL_DRV_BUSY_MSGQ_DISABLED - 1;
pub const ERL_DRV_BUSY_MSGQ_LIM_MIN: ErlDrvSizeT = 1;

// ---- time ---------------------------------------------------------------------------------

pub const ERL_DRV_SEC: ErlDrvTimeUnit = 0;
pub const ERL_DRV_MSEC: ErlDrvTimeUnit = 1;
pub const ERL_DRV_USEC: ErlDrvTimeUnit = 2;
pub const ERL_DRV_NSEC: ErlDrvTimeUnit = 3;
/// Returned by the time functions for an invalid unit.
pub const ERL_DRV_TIME_ERROR: ErlDrvTime = ErlDrvTime::MIN;

// ---- dirty NIF job kinds ------------------------------------------------------------------

pub const ERL_DIRTY_JOB_CPU_BOUND: ErlDirtyJobFlags = 1;
pub const ERL_DIRTY_JOB_IO_BOUND: ErlDirtyJobFlags = 2;

// ---- term specification operations (driver_output_term and friends) -----------------------
// Each is followed by its arguments in the specification array.

/// `[]`; no argument.
pub const ERL_DRV_NIL: ErlDrvTermData = 1;
/// An atom: `driver_mk_atom(name)`.
pub const ERL_DRV_ATOM: ErlDrvTermData = 2;
/// An integer: `ErlDrvSInt`.
pub const ERL_DRV_INT: ErlDrvTermData = 3;
/// A port: `driver_mk_port(port)`.
pub const ERL_DRV_PORT: ErlDrvTermData = 4;
/// A binary: `ErlDrvBinary *`, length, offset.
pub const ERL_DRV_BINARY: ErlDrvTermData = 5;
/// A string (list of bytes): `char *`, length.
pub const ERL_DRV_STRING: ErlDrvTermData = 6;
/// A tuple of the last n terms: n.
pub const ERL_DRV_TUPLE: ErlDrvTermData = 7;
/// A list of the last n terms (the last one is the tail): n.
pub const ERL_DRV_LIST: ErlDrvTermData = 8;
/// Bytes consed onto the previous term: `char *`, length.
pub const ERL_DRV_STRING_CONS: ErlDrvTermData = 9;
/// A pid: `driver_connected(port)`, `driver_caller(port)`, ...
pub const ERL_DRV_PID: ErlDrvTermData = 10;
/// A float: `double *`.
pub const ERL_DRV_FLOAT: ErlDrvTermData = 11;
/// A term in the external format: `char *`, length.
pub const ERL_DRV_EXT2TERM: ErlDrvTermData = 12;
/// An unsigned integer: `ErlDrvUInt`.
pub const ERL_DRV_UINT: ErlDrvTermData = 13;
/// A binary copied from a buffer: `char *`, length.
pub const ERL_DRV_BUF2BINARY: ErlDrvTermData = 14;
/// A 64-bit integer: `ErlDrvSInt64 *`.
pub const ERL_DRV_INT64: ErlDrvTermData = 15;
/// An unsigned 64-bit integer: `ErlDrvUInt64 *`.
pub const ERL_DRV_UINT64: ErlDrvTermData = 16;
/// A map of the last 2n terms (key, value, ...): n.
pub const ERL_DRV_MAP: ErlDrvTermData = 17;
