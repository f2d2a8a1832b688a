//! The inet drivers (OTP's `inet_drv.c`): `tcp_inet` and `udp_inet`, the ports behind
//! `gen_tcp`, `gen_udp` and `prim_inet`. Sockets are non-blocking and served by the shared
//! I/O poller (`erts::check_io`); no scheduler thread ever waits on one.
//!
//! Modules: [`socket`] (the system calls), [`request`] (the `port_control` protocol and
//! address encoding), [`options`] (`setopts`/`getopts`), [`deliver`] (packet framing and
//! the messages to processes), [`common`] (what both drivers share: async operations,
//! timers, statistics, the requests every socket answers), [`tcp`] and [`udp`].

pub mod common;
pub mod deliver;
pub mod options;
pub mod request;
pub mod socket;
pub mod tcp;
pub mod udp;

use std::sync::Arc;

/// Makes `tcp_inet` and `udp_inet` available to `open_port({spawn_driver, _}, _)`.
pub fn register() {
    erts::port::driver::register(Arc::new(tcp::TcpFactory));
    erts::port::driver::register(Arc::new(udp::UdpFactory));
}
