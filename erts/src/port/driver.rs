//! Drivers (OTP's `ErlDrvEntry` seen from the runtime): the [`Driver`] trait that a port's
//! driver instance implements, and the table of loaded drivers that `open_port` picks from.
//!
//! `erts` knows no driver itself. The `ports` crate registers the built-in ones (`spawn`,
//! `fd`) at start-up and wraps C drivers loaded by `erl_ddll` in this same trait.

use super::open_opts::OpenSpec;
use super::PortCore;
use parking_lot::RwLock;
use std::collections::HashMap;
use std::os::fd::RawFd;
use std::sync::Arc;

/// Why a port could not be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenError {
    /// Bad arguments (`badarg`).
    Badarg,
    /// The port limit is reached (`system_limit`).
    SystemLimit,
    /// An OS error: raised as its errno atom (`enoent`, `eacces`, `emfile`...).
    Errno(i32),
    /// The driver's start callback failed without saying why (`einval`).
    Failed,
}

/// Events delivered to a driver instance from outside the port's own callbacks.
#[derive(Debug)]
pub enum PortEvent {
    /// The port program exited with this `exit_status` value.
    ChildExited(i32),
    /// A driver timer (`driver_set_timer`) fired.
    Timeout,
    /// A job of the async pool finished (`driver_async`): the job's key.
    AsyncDone(u64),
    /// Bytes read by a driver's reader thread.
    Input(Vec<u8>),
    /// The reader thread reached end of file.
    InputEof,
    /// A driver's writer thread wrote this many bytes.
    Written(usize),
    /// A driver's I/O thread failed with this errno.
    IoError(i32),
}

/// A driver instance: one per port. Every method runs with the port locked and gets the
/// port's bookkeeping; a method that wants the port to end calls [`PortCore::exit`].
pub trait Driver: Send {
    /// `port_command/2`, `Port ! {Pid, {command, Data}}`: the flattened iodata.
    fn output(&mut self, port: &mut PortCore, data: &[u8]);
    /// Distribution frames ([`super::signals::command_dist`]), each a packet of its own,
    /// with no process waiting for a reply: a driver may write them together.
    fn output_frames(&mut self, port: &mut PortCore, frames: &[Vec<u8>]) {
        for f in frames {
            self.output(port, f);
        }
    }
    /// `port_control/3`: the driver may change `data` (C drivers get it as `char *`) and
    /// appends its reply to `reply` (empty on entry). False raises `badarg` (a driver
    /// without control).
    fn control(
        &mut self,
        _port: &mut PortCore,
        _op: u32,
        _data: &mut [u8],
        _reply: &mut Vec<u8>,
    ) -> bool {
        false
    }
    /// `erlang:port_call/3`: `data` is the argument in external format; the reply is a
    /// term in external format. `None` raises `badarg`.
    fn call(&mut self, _port: &mut PortCore, _op: u32, _data: &[u8]) -> Option<Vec<u8>> {
        None
    }
    /// Writes the output this driver held back ([`PortCore::defer_output`]): the port calls
    /// it before any operation on the port but a command, and when the slice of the process
    /// that sent it ends.
    fn write_held_output(&mut self, _port: &mut PortCore) {}
    /// An fd selected for reading is readable.
    fn ready_input(&mut self, _port: &mut PortCore, _fd: RawFd) {}
    /// An fd selected for writing is writable.
    fn ready_output(&mut self, _port: &mut PortCore, _fd: RawFd) {}
    /// Something happened outside the port's callbacks (child exit, timer, async job).
    fn event(&mut self, _port: &mut PortCore, _ev: PortEvent) {}
    /// A process monitored by the port (`driver_monitor_process`) exited.
    fn process_exit(&mut self, _port: &mut PortCore, _monitor: u64) {}
    /// `port_close` was asked: return true while output is still queued (the port then
    /// closes when `queue_size` reaches zero).
    fn flush(&mut self, _port: &mut PortCore) -> bool {
        false
    }
    /// The port terminates: release everything.
    fn stop(&mut self, _port: &mut PortCore) {}
    /// Whether `port_command(P, D, [force])` is allowed (OTP's `ERL_DRV_FLAG_SOFT_BUSY`):
    /// the driver takes data even while busy. Otherwise `force` is `notsup`.
    fn soft_busy(&self) -> bool {
        false
    }
    /// `port_info(P, locking)`: `port_level` or `driver_level` (or `false`).
    fn locking(&self) -> &'static str {
        "port_level"
    }
}

/// What starts driver instances: a built-in driver or a loaded C driver.
pub trait DriverFactory: Send + Sync {
    /// The driver's name (what `{spawn_driver, Name}` and `erl_ddll` use).
    fn name(&self) -> &str;
    /// Starts an instance for a new port.
    fn start(&self, port: &mut PortCore, spec: &OpenSpec) -> Result<Box<dyn Driver>, OpenError>;
}

fn drivers() -> &'static RwLock<HashMap<String, Arc<dyn DriverFactory>>> {
    static D: crate::instance::InstanceLocal<RwLock<HashMap<String, Arc<dyn DriverFactory>>>> =
        crate::instance::InstanceLocal::new();
    D.get_or_init(|| RwLock::new(HashMap::new()))
}

/// Makes a driver available to `open_port` (replacing one of the same name).
pub fn register(factory: Arc<dyn DriverFactory>) {
    drivers()
        .write()
        .insert(factory.name().to_string(), factory);
}

/// Removes a driver; true if it was there.
pub fn unregister(name: &str) -> bool {
    drivers().write().remove(name).is_some()
}

/// The driver of that name.
pub fn lookup(name: &str) -> Option<Arc<dyn DriverFactory>> {
    drivers().read().get(name).cloned()
}
