//! The forker port (OTP's `forker` port of the `spawn_forker` driver in `sys_drivers.c`):
//! the VM's channel to the port-program helper ([`crate::child_setup`], OTP's
//! `erl_child_setup`), opened as the VM starts, before any other port, so it is
//! `#Port<0.0>`, connected to `<0.0.0>` (`init`) and linked to nothing. Erlang code sees it in
//! `erlang:ports()` and `port_info/1` as in OTP, and the ports opened later get the numbers
//! they get in OTP.
//!
//! The helper is talked to by [`crate::child_setup::client`] (a socket and a reader thread),
//! not through this port; the port stands for that channel. As OTP's driver, which has no
//! output callback, it takes `port_command` data and drops it (the bytes are counted);
//! `port_control` and `port_call` raise `badarg`. The driver is not in the driver table:
//! `open_port({spawn_driver, "spawn_forker"}, ...)` is `badarg`, as in OTP.

use erts::port::driver::Driver;
use erts::port::{PortCore, PortSettings};

/// OTP's name of the driver (`port_info` reports the port's name, `forker`).
pub const DRIVER_NAME: &str = "spawn_forker";

struct Forker;

impl Driver for Forker {
    fn output(&mut self, _port: &mut PortCore, _data: &[u8]) {
        // OTP's forker driver has no output callback: the data goes nowhere.
    }
}

/// Opens the forker port, connected to pid 0 (`init` in a booted system). Call it once, as
/// the VM starts and before any other port opens. Returns the port number, `None` when the
/// port table refuses it.
pub fn open() -> Option<u64> {
    let settings = PortSettings {
        name: "forker".to_string(),
        driver_name: DRIVER_NAME.to_string(),
        ..PortSettings::default()
    };
    let cell = erts::port::create(0, settings, |_| Ok(Box::new(Forker))).ok()?;
    // OTP opens it for `init` without a link.
    cell.lock().core.links.clear();
    Some(cell.id)
}
