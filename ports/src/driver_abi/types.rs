//! `repr(C)` mirrors of the types of `erl_driver.h` and `erl_drv_nif.h` (OTP 25, LP64 Unix).
//!
//! Names follow the C headers so that the driver functions read like their C prototypes.
//! Handles the C headers leave incomplete (`ErlDrvPort`, `ErlDrvData`, ...) are raw pointers to
//! zero-sized opaque structs: distinct types that can never be built or dereferenced in Rust.
//! Enums of the headers are plain integer aliases (a C caller may pass any value; a Rust enum
//! would make that undefined behaviour) with their values in [`super::consts`].

use core::ffi::{c_char, c_int, c_long, c_uchar, c_uint, c_ulong, c_void};
use core::marker::{PhantomData, PhantomPinned};

/// The body of an opaque C struct: no size, not `Send`/`Sync`/`Unpin`, never constructed.
macro_rules! opaque {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[repr(C)]
        pub struct $name {
            _data: [u8; 0],
            _marker: PhantomData<(*mut u8, PhantomPinned)>,
        }
    };
}

// ---- integers -----------------------------------------------------------------------------

/// `ErlNapiSInt64` / `ErlDrvSInt64`: `long` on LP64.
pub type ErlNapiSInt64 = c_long;
/// `ErlNapiUInt64` / `ErlDrvUInt64`: `unsigned long` on LP64.
pub type ErlNapiUInt64 = c_ulong;
/// `ErlNapiSInt`: signed, as wide as a pointer.
pub type ErlNapiSInt = ErlNapiSInt64;
/// `ErlNapiUInt`: unsigned, as wide as a pointer.
pub type ErlNapiUInt = ErlNapiUInt64;

pub type ErlDrvSInt64 = ErlNapiSInt64;
pub type ErlDrvUInt64 = ErlNapiUInt64;
pub type ErlDrvSInt = ErlNapiSInt;
pub type ErlDrvUInt = ErlNapiUInt;
/// One word of a term specification (`driver_output_term` and friends): an `ERL_DRV_*`
/// operation, an atom/port/pid handle made by `driver_mk_*`, or an argument.
pub type ErlDrvTermData = ErlNapiUInt;
/// C `size_t` (`usize` on every target Rust supports).
pub type ErlDrvSizeT = usize;
/// C `ssize_t`.
pub type ErlDrvSSizeT = isize;

/// Monotonic or system time in some [`ErlDrvTimeUnit`]; `ERL_DRV_TIME_ERROR` on bad input.
pub type ErlDrvTime = ErlDrvSInt64;
/// C enum `ErlDrvTimeUnit` (`ERL_DRV_SEC`, `ERL_DRV_MSEC`, `ERL_DRV_USEC`, `ERL_DRV_NSEC`).
pub type ErlDrvTimeUnit = c_uint;
/// C enum `ErlDirtyJobFlags` (`ERL_DIRTY_JOB_CPU_BOUND`, `ERL_DIRTY_JOB_IO_BOUND`).
pub type ErlDirtyJobFlags = c_uint;
/// C enum `ErlNifSelectFlags` (`ERL_NIF_SELECT_*`), also the mode bits of `driver_select`.
pub type ErlNifSelectFlags = c_uint;
/// Key of thread-specific data (`erl_drv_tsd_*`).
pub type ErlDrvTSDKey = c_int;

// ---- handles ------------------------------------------------------------------------------

opaque!(
    /// `struct _erl_drv_data`: whatever the driver's `start` returned.
    ErlDrvDataOpaque
);
opaque!(
    /// `struct _erl_drv_event`: on Unix a file descriptor cast to a pointer.
    ErlDrvEventOpaque
);
opaque!(
    /// `struct _erl_drv_port`: one port as drivers see it.
    ErlDrvPortOpaque
);
opaque!(
    /// `struct ErlDrvTid_`: a driver thread.
    ErlDrvTidOpaque
);
opaque!(
    /// `struct erl_drv_port_data_lock`: a port data lock.
    ErlDrvPdlOpaque
);
opaque!(
    /// `ErlDrvMutex` (`struct ErlDrvMutex_`), used through pointers only.
    ErlDrvMutex
);
opaque!(
    /// `ErlDrvCond` (`struct ErlDrvCond_`), used through pointers only.
    ErlDrvCond
);
opaque!(
    /// `ErlDrvRWLock` (`struct ErlDrvRWLock_`), used through pointers only.
    ErlDrvRWLock
);

/// The driver's per-port state, returned by `start` and passed to every callback.
pub type ErlDrvData = *mut ErlDrvDataOpaque;
/// Something `driver_select` waits on (a file descriptor).
pub type ErlDrvEvent = *mut ErlDrvEventOpaque;
/// A port, as passed to `start` and to the driver functions.
pub type ErlDrvPort = *mut ErlDrvPortOpaque;
/// The second argument of `ready_async`; the same pointer type as [`ErlDrvPort`] in C.
pub type ErlDrvThreadData = *mut ErlDrvPortOpaque;
/// A driver thread (`erl_drv_thread_*`).
pub type ErlDrvTid = *mut ErlDrvTidOpaque;
/// A port data lock (`driver_pdl_*`).
pub type ErlDrvPDL = *mut ErlDrvPdlOpaque;

// ---- structures ---------------------------------------------------------------------------

/// A reference-counted binary (`struct erl_drv_binary`): the header is followed by
/// `orig_size` bytes, of which `orig_bytes` is the first (a C "struct hack").
#[repr(C)]
#[derive(Debug)]
pub struct ErlDrvBinary {
    /// Number of bytes of data.
    pub orig_size: ErlDrvSInt,
    /// The first byte of the data; the rest follows in the same allocation.
    pub orig_bytes: [c_char; 1],
}

/// One element of an I/O vector (`SysIOVec`): the layout of `struct iovec`, with a `char *`
/// base as in the header when `HAVE_SYS_UIO_H` is not defined.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct SysIOVec {
    pub iov_base: *mut c_char,
    pub iov_len: usize,
}

/// An I/O vector (`struct erl_io_vec`) as given to `outputv` and kept in a port's queue:
/// `iov[i]` lies inside `binv[i]` when that is not null.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ErlIOVec {
    /// Number of elements of `iov` and of `binv`.
    pub vsize: c_int,
    /// Total number of bytes.
    pub size: ErlDrvSizeT,
    pub iov: *mut SysIOVec,
    pub binv: *mut *mut ErlDrvBinary,
}

/// A process monitor, opaque to drivers: 4 pointers' worth of bytes.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ErlDrvMonitor {
    pub data: [c_uchar; 4 * core::mem::size_of::<*mut c_void>()],
}

/// `driver_get_now`: the three parts of `erlang:now/0`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ErlDrvNowData {
    pub megasecs: c_ulong,
    pub secs: c_ulong,
    pub microsecs: c_ulong,
}

/// Filled in by `driver_system_info` (and `enif_system_info`). A driver passes the size it
/// knows: only the fields within that size may be written.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ErlDrvSysInfo {
    pub driver_major_version: c_int,
    pub driver_minor_version: c_int,
    /// NUL-terminated, owned by the runtime.
    pub erts_version: *mut c_char,
    /// NUL-terminated, owned by the runtime.
    pub otp_release: *mut c_char,
    pub thread_support: c_int,
    pub smp_support: c_int,
    pub async_threads: c_int,
    pub scheduler_threads: c_int,
    pub nif_major_version: c_int,
    pub nif_minor_version: c_int,
    pub dirty_scheduler_support: c_int,
}

/// Options of `erl_drv_thread_create`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ErlDrvThreadOpts {
    /// In kilowords; negative for the default.
    pub suggested_stack_size: c_int,
}

// ---- the driver entry ---------------------------------------------------------------------

/// `init`: once after loading.
pub type DrvInitFn = unsafe extern "C" fn() -> c_int;
/// `start`: `open_port/2`; returns the port's data or an `ERL_DRV_ERROR_*` value.
pub type DrvStartFn = unsafe extern "C" fn(port: ErlDrvPort, command: *mut c_char) -> ErlDrvData;
/// `stop`, `timeout`, `flush`, `emergency_close`.
pub type DrvDataFn = unsafe extern "C" fn(drv_data: ErlDrvData);
/// `output`.
pub type DrvOutputFn =
    unsafe extern "C" fn(drv_data: ErlDrvData, buf: *mut c_char, len: ErlDrvSizeT);
/// `ready_input`, `ready_output`.
pub type DrvReadyFn = unsafe extern "C" fn(drv_data: ErlDrvData, event: ErlDrvEvent);
/// `finish` and the unused event callback.
pub type DrvVoidFn = unsafe extern "C" fn();
/// `control`: `port_control/3`. The reply goes in `*rbuf` (a buffer of `rlen` bytes given by
/// the runtime, or one the driver allocated).
pub type DrvControlFn = unsafe extern "C" fn(
    drv_data: ErlDrvData,
    command: c_uint,
    buf: *mut c_char,
    len: ErlDrvSizeT,
    rbuf: *mut *mut c_char,
    rlen: ErlDrvSizeT,
) -> ErlDrvSSizeT;
/// `outputv`.
pub type DrvOutputvFn = unsafe extern "C" fn(drv_data: ErlDrvData, ev: *mut ErlIOVec);
/// `ready_async`.
pub type DrvReadyAsyncFn =
    unsafe extern "C" fn(drv_data: ErlDrvData, thread_data: ErlDrvThreadData);
/// `call`: `erlang:port_call/3`, like `control` plus return flags (`DRIVER_CALL_KEEP_BUFFER`).
pub type DrvCallFn = unsafe extern "C" fn(
    drv_data: ErlDrvData,
    command: c_uint,
    buf: *mut c_char,
    len: ErlDrvSizeT,
    rbuf: *mut *mut c_char,
    rlen: ErlDrvSizeT,
    flags: *mut c_uint,
) -> ErlDrvSSizeT;
/// `process_exit`: a monitored process exited.
pub type DrvProcessExitFn = unsafe extern "C" fn(drv_data: ErlDrvData, monitor: *mut ErlDrvMonitor);
/// `stop_select`: an event deselected with `ERL_DRV_USE` may be closed now.
pub type DrvStopSelectFn = unsafe extern "C" fn(event: ErlDrvEvent, reserved: *mut c_void);

/// The function run by `driver_async` on an async thread, and the one freeing its data.
pub type DrvAsyncFn = unsafe extern "C" fn(async_data: *mut c_void);
/// The body of a thread of `erl_drv_thread_create`.
pub type DrvThreadFn = unsafe extern "C" fn(args: *mut c_void) -> *mut c_void;

/// What a driver tells the runtime about itself (`struct erl_drv_entry`, 176 bytes on LP64).
/// Every callback may be absent. `extended_marker` must be `ERL_DRV_EXTENDED_MARKER`, and
/// `major_version`/`minor_version` the interface version the driver was built against.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ErlDrvEntry {
    pub init: Option<DrvInitFn>,
    pub start: Option<DrvStartFn>,
    pub stop: Option<DrvDataFn>,
    pub output: Option<DrvOutputFn>,
    pub ready_input: Option<DrvReadyFn>,
    pub ready_output: Option<DrvReadyFn>,
    /// NUL-terminated name used by `open_port({spawn_driver, Name}, ...)`.
    pub driver_name: *mut c_char,
    pub finish: Option<DrvVoidFn>,
    /// Reserved for the runtime.
    pub handle: *mut c_void,
    pub control: Option<DrvControlFn>,
    pub timeout: Option<DrvDataFn>,
    pub outputv: Option<DrvOutputvFn>,
    pub ready_async: Option<DrvReadyAsyncFn>,
    pub flush: Option<DrvDataFn>,
    pub call: Option<DrvCallFn>,
    /// Never called; keeps the layout.
    pub unused_event_callback: Option<DrvVoidFn>,
    pub extended_marker: c_int,
    pub major_version: c_int,
    pub minor_version: c_int,
    /// `ERL_DRV_FLAG_*` bits.
    pub driver_flags: c_int,
    /// Reserved for the runtime.
    pub handle2: *mut c_void,
    pub process_exit: Option<DrvProcessExitFn>,
    pub stop_select: Option<DrvStopSelectFn>,
    pub emergency_close: Option<DrvDataFn>,
}

/// `driver_init` / `<name>_driver_init`: the symbol a driver exports; returns its entry.
pub type DriverInitFn = unsafe extern "C" fn() -> *mut ErlDrvEntry;
