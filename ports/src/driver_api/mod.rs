//! The erl_driver C ABI: the `driver_*` and `erl_drv_*` functions of OTP 25 that C drivers
//! call, exported from the `beam` binary with C linkage, and the loading of dynamic drivers
//! (`erl_ddll`). The types are in [`crate::driver_abi`].
//!
//! | module | owns |
//! |---|---|
//! | `ddll` | `erl_ddll` BIFs: dlopen, `driver_init`, the loaded-driver table |
//! | `c_driver` | a loaded `ErlDrvEntry` as an `erts` driver; the current-port context |
//! | `port_ops` | output, failures, select, timers, busy/control flags, caller/connected |
//! | `term_spec` | `erl_drv_output_term`/`send_term`: the `ERL_DRV_*` term specifications |
//! | `queue` | the driver queue (`driver_enq` ... `driver_peekqv`) and PDLs |
//! | `binary` | `ErlDrvBinary` allocation and reference counts |
//! | `async_pool` | `driver_async` on the `+A` async threads |
//! | `monitor` | `driver_monitor_process` and friends |
//! | `threads`, `sync`, `tsd` | threads, mutexes, conds, rwlocks, thread-specific data |
//! | `env`, `time`, `alloc`, `sysinfo` | `erl_drv_getenv/putenv`, time, memory, system info |

// Driver-facing part (port machinery).
pub mod async_pool;
pub mod binary;
pub mod c_driver;
pub mod ddll;
pub mod monitor;
pub mod port_ops;
pub mod queue;
pub mod term_spec;

// Runtime utilities (no port involved).
pub mod alloc;
pub mod env;
pub mod sync;
pub mod sysinfo;
pub mod threads;
pub mod time;
pub mod tsd;
