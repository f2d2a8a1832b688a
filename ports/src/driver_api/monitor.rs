//! Process monitors held by ports (`driver_monitor_process`, `driver_demonitor_process`,
//! `driver_get_monitored_process`, `driver_compare_monitors`).
//!
//! A monitor is the port's entry in `PortCore::monitors` plus a monitor signal to the process;
//! when the process exits its `'DOWN'` reaches the port and the driver's `process_exit` runs
//! (see `CPort::process_exit`). The `ErlDrvMonitor` bytes hold the reference number and the
//! pid, so equal monitors compare equal byte for byte.

use super::c_driver::{handle, with_core};
use crate::driver_abi::*;
use erts::process::signals::{MonitorTarget, Signal};
use erts::term::Term;
use std::ffi::c_int;

/// The `ErlDrvMonitor` of monitor `reference` on process `pid`.
pub fn encode(reference: u64, pid: u64) -> ErlDrvMonitor {
    let mut m = ErlDrvMonitor {
        data: [0; std::mem::size_of::<ErlDrvMonitor>()],
    };
    m.data[..8].copy_from_slice(&reference.to_ne_bytes());
    m.data[8..16].copy_from_slice(&pid.to_ne_bytes());
    m
}

fn decode(m: &ErlDrvMonitor) -> (u64, u64) {
    let mut r = [0u8; 8];
    let mut p = [0u8; 8];
    r.copy_from_slice(&m.data[..8]);
    p.copy_from_slice(&m.data[8..16]);
    (u64::from_ne_bytes(r), u64::from_ne_bytes(p))
}

/// `driver_monitor_process`: 0 when monitoring, > 0 when the process is gone, < 0 without a
/// `process_exit` callback.
///
/// # Safety
/// `port` must be a live port handle; `monitor` writable.
#[no_mangle]
pub unsafe extern "C" fn driver_monitor_process(
    port: ErlDrvPort,
    process: ErlDrvTermData,
    monitor: *mut ErlDrvMonitor,
) -> c_int {
    // SAFETY: per the contract.
    let Some(h) = (unsafe { handle(port) }) else {
        return -1;
    };
    if h.driver.entry().process_exit.is_none() {
        return -1;
    }
    let t = Term(process);
    if !t.is_local_pid() {
        return 1;
    }
    let pid = t.pid_number();
    let reference = erts::bif::process::new_ref_id();
    let me = erts::port::port_id(h.id);
    let r = with_core(h, |core| {
        let sig = Signal::Monitor {
            from: me,
            reference,
            target: MonitorTarget::Pid(pid),
        };
        if erts::process::exit::deliver(pid, sig).is_err() {
            return 1;
        }
        core.monitors.push((reference, pid));
        0
    })
    .unwrap_or(-1);
    if r == 0 {
        h.monitors.lock().insert(reference, pid);
        if !monitor.is_null() {
            // SAFETY: per the contract.
            unsafe { *monitor = encode(reference, pid) };
        }
    }
    r
}

/// `driver_demonitor_process`: 0 when removed, > 0 when the monitor no longer exists.
///
/// # Safety
/// `port` must be a live port handle; `monitor` readable.
#[no_mangle]
pub unsafe extern "C" fn driver_demonitor_process(
    port: ErlDrvPort,
    monitor: *const ErlDrvMonitor,
) -> c_int {
    // SAFETY: per the contract.
    let (Some(h), Some(m)) = (unsafe { handle(port) }, unsafe { monitor.as_ref() }) else {
        return 1;
    };
    let (reference, pid) = decode(m);
    let me = erts::port::port_id(h.id);
    let removed = with_core(h, |core| {
        let Some(i) = core.monitors.iter().position(|&(r, _)| r == reference) else {
            return false;
        };
        core.monitors.swap_remove(i);
        core.signal(
            pid,
            Signal::Demonitor {
                from: me,
                reference,
            },
        );
        true
    })
    .unwrap_or(false);
    h.monitors.lock().remove(&reference);
    if removed {
        0
    } else {
        1
    }
}

/// `driver_get_monitored_process`: the pid of a live monitor, else `driver_term_nil`.
///
/// # Safety
/// `port` must be a live port handle; `monitor` readable.
#[no_mangle]
pub unsafe extern "C" fn driver_get_monitored_process(
    port: ErlDrvPort,
    monitor: *const ErlDrvMonitor,
) -> ErlDrvTermData {
    let nil = Term::NIL.raw() as ErlDrvTermData;
    // SAFETY: per the contract.
    let (Some(h), Some(m)) = (unsafe { handle(port) }, unsafe { monitor.as_ref() }) else {
        return nil;
    };
    let (reference, _) = decode(m);
    if let Some((r, pid)) = *h.exiting.lock() {
        if r == reference {
            return Term::pid(pid).raw() as ErlDrvTermData;
        }
    }
    match h.monitors.lock().get(&reference) {
        Some(&pid) => Term::pid(pid).raw() as ErlDrvTermData,
        None => nil,
    }
}

/// `driver_compare_monitors`: 0 when equal, else an order.
///
/// # Safety
/// Both monitors must be readable.
#[no_mangle]
pub unsafe extern "C" fn driver_compare_monitors(
    monitor1: *const ErlDrvMonitor,
    monitor2: *const ErlDrvMonitor,
) -> c_int {
    // SAFETY: per the contract.
    let (Some(a), Some(b)) = (unsafe { monitor1.as_ref() }, unsafe { monitor2.as_ref() }) else {
        return 0;
    };
    match a.data.cmp(&b.data) {
        std::cmp::Ordering::Less => -1,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    }
}
