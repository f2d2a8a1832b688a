//! The built-in drivers of OTP's `sys_drivers.c`: `spawn` (port programs), `fd` (ports
//! over existing file descriptors) and `vanilla` (ports over files), with their shared
//! `{packet, N}` framing and pipe I/O; `tty_sl` (OTP's `ttsl_drv.c`, the terminal of the
//! interactive shell); OTP's `inet_drv.c` drivers `tcp_inet` and `udp_inet` ([`inet`]);
//! `ram_file_drv` (files in memory, [`ram_file`]); and the forker port, `#Port<0.0>`
//! ([`forker`]).

pub mod fd;
pub mod forker;
pub mod framing;
pub mod inet;
pub mod pipe_io;
pub mod ram_file;
pub mod spawn;
pub mod tty_sl;

use std::sync::Arc;

/// Makes the built-in drivers available to `open_port`.
pub fn register() {
    erts::port::driver::register(Arc::new(spawn::SpawnFactory));
    erts::port::driver::register(Arc::new(fd::FdFactory));
    erts::port::driver::register(Arc::new(fd::VanillaFactory));
    erts::port::driver::register(Arc::new(tty_sl::TtySlFactory));
    erts::port::driver::register(Arc::new(ram_file::RamFileFactory));
    inet::register();
}
