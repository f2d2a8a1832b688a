//! What a C driver does to its port: output to the connected process (`driver_output*`),
//! term handles (`driver_mk_*`, `driver_connected`, `driver_caller`), ending the port
//! (`driver_failure*`, `driver_exit`), events (`driver_select`), timers, busy state and
//! flags, `driver_create_port`, `erl_drv_init_ack`, `erl_drv_set_os_pid`,
//! `erl_drv_busy_msgq_limits`, `erl_drv_consume_timeslice`.
//!
//! Each function reaches the port's bookkeeping through [`with_core`]: directly in the port's
//! own callback, under the port lock otherwise. Ending the port is recorded
//! (`PortCore::exit`) and carried out when the callback returns.

use super::c_driver::{create_port, handle, with_core, PortHandle};
use crate::driver_abi::*;
use erts::atom;
use erts::check_io::Ready;
use erts::process::signals::Signal;
use erts::term::Term;
use std::ffi::{c_char, c_int, c_ulong, CStr};
use std::os::fd::RawFd;
use std::sync::atomic::Ordering;

/// `driver_term_nil`: the `[]` term handle.
#[no_mangle]
pub static driver_term_nil: ErlDrvTermData = Term::NIL.raw() as ErlDrvTermData;

fn h<'a>(port: ErlDrvPort) -> Option<&'a PortHandle> {
    // SAFETY: drivers pass their own live port handles (or null).
    unsafe { handle(port) }
}

/// Runs `f` on the port of `port`; `dflt` when the handle is null or the port gone.
fn on_port<R>(
    port: ErlDrvPort,
    dflt: R,
    f: impl FnOnce(&PortHandle, &mut erts::port::PortCore) -> R,
) -> R {
    let Some(h) = h(port) else { return dflt };
    with_core(h, |core| f(h, core)).unwrap_or(dflt)
}

fn open(core: &erts::port::PortCore) -> bool {
    core.life == erts::port::Life::Open && !core.is_exiting()
}

/// `driver_output`: `{Port, {data, Data}}` to the connected process.
///
/// # Safety
/// `buf` must hold `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn driver_output(
    port: ErlDrvPort,
    buf: *mut c_char,
    len: ErlDrvSizeT,
) -> c_int {
    // SAFETY: per the contract.
    unsafe { driver_output2(port, std::ptr::null_mut(), 0, buf, len) }
}

/// `driver_output2`: the header as list elements, then the data in the port's mode.
///
/// # Safety
/// `hbuf` and `buf` must hold `hlen` and `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn driver_output2(
    port: ErlDrvPort,
    hbuf: *mut c_char,
    hlen: ErlDrvSizeT,
    buf: *mut c_char,
    len: ErlDrvSizeT,
) -> c_int {
    // SAFETY: per the contract.
    let (hdr, data) = unsafe {
        (
            super::queue::slice(hbuf, hlen),
            super::queue::slice(buf, len),
        )
    };
    // A null buffer is no data at all: the message's list ends after the header even in
    // binary mode.
    let data = (!buf.is_null()).then_some(data);
    on_port(port, -1, |_, core| {
        if open(core) {
            core.output2_opt(hdr, data);
        }
        0
    })
}

/// Sends `[Header... | <<Data>>]` regardless of the port's mode.
fn output_with_binary(core: &mut erts::port::PortCore, hdr: &[u8], data: &[u8]) {
    if !open(core) {
        return;
    }
    core.input += (hdr.len() + data.len()) as u64;
    let port = core.port_term();
    core.send_to_connected(|h| {
        let bin = erts::term::boxed::binary(h, data);
        let items: Vec<Term> = hdr.iter().map(|&b| Term::small(b as i64)).collect();
        let d = erts::term::boxed::list_with_tail(h, &items, bin);
        let inner = erts::term::boxed::tuple(h, &[Term::atom(atom::atom("data")), d]);
        erts::term::boxed::tuple(h, &[port, inner])
    });
}

/// Header and data: `[Header... | <<Data>>]` in binary mode, one list otherwise (no line
/// splitting, as OTP's binary and vector output).
fn output_in_mode(core: &mut erts::port::PortCore, hdr: &[u8], data: &[u8]) {
    if core.binary {
        output_with_binary(core, hdr, data);
    } else if open(core) {
        core.input += (hdr.len() + data.len()) as u64;
        let port = core.port_term();
        core.send_to_connected(|h| {
            let all: Vec<Term> = hdr
                .iter()
                .chain(data)
                .map(|&b| Term::small(b as i64))
                .collect();
            let d = erts::term::boxed::list(h, &all);
            let inner = erts::term::boxed::tuple(h, &[Term::atom(atom::atom("data")), d]);
            erts::term::boxed::tuple(h, &[port, inner])
        });
    }
}

/// `driver_output_binary`: the header as list elements, then `len` bytes at `offset` of
/// `bin` as a binary.
///
/// # Safety
/// `hbuf` must hold `hlen` bytes; `bin` must be a live binary.
#[no_mangle]
pub unsafe extern "C" fn driver_output_binary(
    port: ErlDrvPort,
    hbuf: *mut c_char,
    hlen: ErlDrvSizeT,
    bin: *mut ErlDrvBinary,
    offset: ErlDrvSizeT,
    len: ErlDrvSizeT,
) -> c_int {
    if bin.is_null() {
        return -1;
    }
    // SAFETY: per the contract.
    let (hdr, all) = unsafe { (super::queue::slice(hbuf, hlen), super::binary::bytes(bin)) };
    let Some(data) = offset.checked_add(len).and_then(|end| all.get(offset..end)) else {
        return -1;
    };
    on_port(port, -1, |_, core| {
        output_in_mode(core, hdr, data);
        0
    })
}

/// `driver_outputv`: the header, then the contents of `ev` after `skip` bytes.
///
/// # Safety
/// `hbuf` must hold `hlen` bytes; `ev` must describe live memory.
#[no_mangle]
pub unsafe extern "C" fn driver_outputv(
    port: ErlDrvPort,
    hbuf: *mut c_char,
    hlen: ErlDrvSizeT,
    ev: *mut ErlIOVec,
    skip: ErlDrvSizeT,
) -> c_int {
    if ev.is_null() {
        return -1;
    }
    // SAFETY: per the contract.
    let hdr = unsafe { super::queue::slice(hbuf, hlen) };
    let mut data = Vec::new();
    // SAFETY: per the contract.
    let e = unsafe { &*ev };
    for i in 0..e.vsize.max(0) as usize {
        // SAFETY: `iov` has `vsize` elements, each live.
        let io = unsafe { *e.iov.add(i) };
        // SAFETY: as above.
        data.extend_from_slice(unsafe { super::queue::slice(io.iov_base, io.iov_len) });
    }
    let data = data.get(skip..).unwrap_or(&[]);
    on_port(port, -1, |_, core| {
        output_in_mode(core, hdr, data);
        0
    })
}

/// `driver_mk_atom`.
///
/// # Safety
/// `string` must be NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn driver_mk_atom(string: *mut c_char) -> ErlDrvTermData {
    if string.is_null() {
        return Term::NIL.raw() as ErlDrvTermData;
    }
    // SAFETY: per the contract.
    let s = unsafe { CStr::from_ptr(string) }.to_string_lossy();
    Term::atom(atom::atom(&s)).raw() as ErlDrvTermData
}

/// `driver_mk_port`: the port as a term handle.
///
/// # Safety
/// `port` must be a live handle.
#[no_mangle]
pub unsafe extern "C" fn driver_mk_port(port: ErlDrvPort) -> ErlDrvTermData {
    h(port).map_or(Term::NIL.raw(), |h| Term::port(h.id).raw()) as ErlDrvTermData
}

/// `driver_mk_term_nil`.
#[no_mangle]
pub extern "C" fn driver_mk_term_nil() -> ErlDrvTermData {
    Term::NIL.raw() as ErlDrvTermData
}

/// `driver_connected`: the port's owner.
///
/// # Safety
/// `port` must be a live handle.
#[no_mangle]
pub unsafe extern "C" fn driver_connected(port: ErlDrvPort) -> ErlDrvTermData {
    let Some(h) = h(port) else {
        return Term::NIL.raw() as ErlDrvTermData;
    };
    match h.cell.upgrade() {
        Some(c) => Term::pid(c.connected()).raw() as ErlDrvTermData,
        None => Term::NIL.raw() as ErlDrvTermData,
    }
}

/// `driver_caller`: the process making the current call to the driver.
///
/// # Safety
/// `port` must be a live handle.
#[no_mangle]
pub unsafe extern "C" fn driver_caller(port: ErlDrvPort) -> ErlDrvTermData {
    if h(port).is_none() {
        return Term::NIL.raw() as ErlDrvTermData;
    }
    match erts::port::current_caller() {
        Some(pid) => Term::pid(pid).raw() as ErlDrvTermData,
        None => Term::NIL.raw() as ErlDrvTermData,
    }
}

/// Ends the port: `eof` semantics (the `eof` option keeps it open) or with `reason`.
fn fail(port: ErlDrvPort, reason: Option<Term>) -> c_int {
    on_port(port, -1, |h, core| {
        h.clear_queue();
        core.queue_size = 0;
        match reason {
            None => core.input_eof(),
            Some(r) => core.exit(r),
        }
        0
    })
}

/// `driver_failure`: the port exits with the integer `error` (0: as end of file).
///
/// # Safety
/// `port` must be a live handle.
#[no_mangle]
pub unsafe extern "C" fn driver_failure(port: ErlDrvPort, error: c_int) -> c_int {
    fail(port, (error != 0).then(|| Term::small(error as i64)))
}

/// `driver_failure_atom`: the port exits with the atom `string`.
///
/// # Safety
/// `string` must be NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn driver_failure_atom(port: ErlDrvPort, string: *mut c_char) -> c_int {
    if string.is_null() {
        return -1;
    }
    // SAFETY: per the contract.
    let s = unsafe { CStr::from_ptr(string) }.to_string_lossy();
    fail(port, Some(Term::atom(atom::atom(&s))))
}

/// `driver_failure_posix`: the port exits with the errno atom of `error`.
///
/// # Safety
/// `port` must be a live handle.
#[no_mangle]
pub unsafe extern "C" fn driver_failure_posix(port: ErlDrvPort, error: c_int) -> c_int {
    fail(
        port,
        Some(Term::atom(atom::atom(erts::errno::errno_id(error)))),
    )
}

/// `driver_failure_eof`: end of input (`{Port, eof}` with the `eof` option, else the port
/// closes normally).
///
/// # Safety
/// `port` must be a live handle.
#[no_mangle]
pub unsafe extern "C" fn driver_failure_eof(port: ErlDrvPort) -> c_int {
    fail(port, None)
}

/// `driver_exit`: unlinks the connected process, then ends the port with `normal` (0) or the
/// errno atom of `err`.
///
/// # Safety
/// `port` must be a live handle.
#[no_mangle]
pub unsafe extern "C" fn driver_exit(port: ErlDrvPort, err: c_int) -> c_int {
    let reason = if err == 0 {
        Term::atom(atom::NORMAL)
    } else {
        Term::atom(atom::atom(erts::errno::errno_id(err)))
    };
    on_port(port, -1, |h, core| {
        let owner = core.connected;
        if let Some(i) = core.links.iter().position(|&l| l == owner) {
            core.links.swap_remove(i);
            core.signal(
                owner,
                Signal::Unlink {
                    from: erts::port::port_id(h.id),
                },
            );
        }
        h.clear_queue();
        core.queue_size = 0;
        core.exit(reason);
        0
    })
}

/// `driver_select`: watches (`on`) or stops watching the fd `event` for reading/writing;
/// `ERL_DRV_USE` off releases it, calling `stop_select`.
///
/// # Safety
/// `port` must be a live handle.
#[no_mangle]
pub unsafe extern "C" fn driver_select(
    port: ErlDrvPort,
    event: ErlDrvEvent,
    mode: c_int,
    on: c_int,
) -> c_int {
    let Some(h) = h(port) else { return -1 };
    let fd = event as isize as RawFd;
    if fd < 0 {
        return -1;
    }
    let entry = *h.driver.entry();
    let which = Ready {
        read: mode & ERL_DRV_READ != 0,
        write: mode & ERL_DRV_WRITE != 0,
        error: false,
    };
    if on != 0 {
        if (which.read && entry.ready_input.is_none())
            || (which.write && entry.ready_output.is_none())
        {
            return -1;
        }
        if mode & ERL_DRV_USE != 0 {
            let mut used = h.used_events.lock();
            if !used.contains(&fd) {
                used.push(fd);
            }
        }
        if !which.read && !which.write {
            return 0;
        }
        return with_core(h, |core| match core.select(fd, which) {
            Ok(()) => 0,
            Err(_) => -1,
        })
        .unwrap_or(-1);
    }
    let release = mode & ERL_DRV_USE != 0;
    let which = if release { Ready::BOTH } else { which };
    if which.read || which.write {
        let _ = with_core(h, |core| core.deselect(fd, which));
    }
    if release {
        let was_used = {
            let mut used = h.used_events.lock();
            let had = used.contains(&fd);
            used.retain(|&f| f != fd);
            had
        };
        let callback = mode & (ERL_DRV_USE << 1) == 0;
        if callback {
            let _ = was_used;
            if let Some(stop_select) = entry.stop_select {
                h.driver.locked(|| {
                    // SAFETY: the driver's stop_select with the event it released.
                    unsafe { stop_select(event, std::ptr::null_mut()) }
                });
            }
        }
    }
    0
}

/// `driver_set_timer`: the driver's `timeout` after `time` ms (replacing a running timer).
///
/// # Safety
/// `port` must be a live handle.
#[no_mangle]
pub unsafe extern "C" fn driver_set_timer(port: ErlDrvPort, time: c_ulong) -> c_int {
    if h(port).is_some_and(|h| h.driver.entry().timeout.is_none()) {
        return -1;
    }
    on_port(port, -1, |_, core| {
        core.set_timer(time);
        0
    })
}

/// `driver_cancel_timer`.
///
/// # Safety
/// `port` must be a live handle.
#[no_mangle]
pub unsafe extern "C" fn driver_cancel_timer(port: ErlDrvPort) -> c_int {
    on_port(port, -1, |_, core| {
        core.cancel_timer();
        0
    })
}

/// `driver_read_timer`: the milliseconds left (0 without a timer).
///
/// # Safety
/// `time_left` must be writable.
#[no_mangle]
pub unsafe extern "C" fn driver_read_timer(port: ErlDrvPort, time_left: *mut c_ulong) -> c_int {
    let left = on_port(port, None, |_, core| {
        Some(core.timer.and_then(erts::timer::read).unwrap_or(0))
    });
    let Some(left) = left else { return -1 };
    if !time_left.is_null() {
        // SAFETY: per the contract.
        unsafe { *time_left = left as c_ulong };
    }
    0
}

/// `set_busy_port`.
///
/// # Safety
/// `port` must be a live handle.
#[no_mangle]
pub unsafe extern "C" fn set_busy_port(port: ErlDrvPort, on: c_int) {
    on_port(port, (), |_, core| core.set_busy(on != 0));
}

/// `set_port_control_flags`: `PORT_CONTROL_FLAG_BINARY` makes `port_control` replies binaries.
///
/// # Safety
/// `port` must be a live handle.
#[no_mangle]
pub unsafe extern "C" fn set_port_control_flags(port: ErlDrvPort, flags: c_int) {
    on_port(port, (), |_, core| {
        core.control_binary = flags & PORT_CONTROL_FLAG_BINARY != 0
    });
}

/// `get_port_flags`: `PORT_FLAG_BINARY`, `PORT_FLAG_LINE`.
///
/// # Safety
/// `port` must be a live handle.
#[no_mangle]
pub unsafe extern "C" fn get_port_flags(port: ErlDrvPort) -> c_int {
    on_port(port, 0, |_, core| {
        let mut f = 0;
        if core.binary {
            f |= PORT_FLAG_BINARY;
        }
        if core.line.is_some() {
            f |= PORT_FLAG_LINE;
        }
        f
    })
}

/// Adjusts one busy message queue limit as OTP does: read-only, disabled, or clamped.
fn adjust(slot: &mut usize, v: *mut ErlDrvSizeT) {
    if v.is_null() {
        return;
    }
    // SAFETY: callers check `v` non-null; it is the driver's variable.
    let want = unsafe { *v };
    if *slot != ERL_DRV_BUSY_MSGQ_DISABLED && want != ERL_DRV_BUSY_MSGQ_READ_ONLY {
        *slot = if want == ERL_DRV_BUSY_MSGQ_DISABLED {
            ERL_DRV_BUSY_MSGQ_DISABLED
        } else {
            want.clamp(ERL_DRV_BUSY_MSGQ_LIM_MIN, ERL_DRV_BUSY_MSGQ_LIM_MAX)
        };
    }
}

/// `erl_drv_busy_msgq_limits`: reads and sets the busy message queue limits.
///
/// # Safety
/// `low` and `high` must be null or the driver's variables.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_busy_msgq_limits(
    port: ErlDrvPort,
    low: *mut ErlDrvSizeT,
    high: *mut ErlDrvSizeT,
) {
    let Some(h) = h(port) else { return };
    let mut l = h.msgq_limits.lock();
    let (mut lo, mut hi) = *l;
    adjust(&mut lo, low);
    adjust(&mut hi, high);
    if lo == ERL_DRV_BUSY_MSGQ_DISABLED || hi == ERL_DRV_BUSY_MSGQ_DISABLED {
        lo = ERL_DRV_BUSY_MSGQ_DISABLED;
        hi = ERL_DRV_BUSY_MSGQ_DISABLED;
    } else if lo > hi {
        lo = hi;
    }
    *l = (lo, hi);
    // SAFETY: per the contract.
    unsafe {
        if !low.is_null() {
            *low = lo;
        }
        if !high.is_null() {
            *high = hi;
        }
    }
}

/// `erl_drv_set_os_pid`: what `port_info(P, os_pid)` reports.
///
/// # Safety
/// `port` must be a live handle.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_set_os_pid(port: ErlDrvPort, pid: ErlDrvSInt) {
    if let Some(c) = h(port).and_then(|h| h.cell.upgrade()) {
        c.set_os_pid(pid as u64);
    }
}

/// `erl_drv_init_ack`: a driver with `ERL_DRV_FLAG_USE_INIT_ACK` acknowledges its start
/// (after `start` has returned: an acknowledgement during `start` does not count, as in
/// OTP). `res` becomes the port's driver data; an error value (`ERL_DRV_ERROR_GENERAL`,
/// `_ERRNO`, `_BADARG`) makes `open_port` raise `einval`, the errno's atom or `badarg`, and
/// the port ends (reason `normal`, its opener no longer linked).
///
/// # Safety
/// `port` must be a live handle.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_init_ack(port: ErlDrvPort, res: ErlDrvData) {
    let errno = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
    let Some(h) = h(port) else { return };
    let result = if res == ERL_DRV_ERROR_BADARG {
        Err(erts::atom::BADARG)
    } else if res == ERL_DRV_ERROR_ERRNO {
        Err(erts::atom::atom(erts::errno::errno_id(errno)))
    } else if res == ERL_DRV_ERROR_GENERAL {
        Err(erts::atom::atom("einval"))
    } else {
        Ok(())
    };
    let acked = with_core(h, |core| {
        let acked = core.init_ack(result);
        if acked && result.is_err() {
            core.exit(erts::term::Term::atom(erts::atom::NORMAL));
        }
        acked
    });
    if acked == Some(true) {
        h.data.store(res, std::sync::atomic::Ordering::Release);
    }
}

/// `driver_create_port`: a new port of the same driver, owned (and linked) by `owner_pid`,
/// with `drv_data` as its data; `start` is not called.
///
/// # Safety
/// `creator_port` must be a live handle; `name` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn driver_create_port(
    creator_port: ErlDrvPort,
    owner_pid: ErlDrvTermData,
    name: *mut c_char,
    drv_data: ErlDrvData,
) -> ErlDrvPort {
    let owner = Term(owner_pid);
    let (Some(h), true) = (h(creator_port), owner.is_local_pid()) else {
        return std::ptr::null_mut();
    };
    let name = if name.is_null() {
        h.driver.name.clone()
    } else {
        // SAFETY: per the contract.
        unsafe { CStr::from_ptr(name) }
            .to_string_lossy()
            .into_owned()
    };
    match create_port(h, owner.pid_number(), name, drv_data) {
        Some(p) => p as ErlDrvPort,
        None => std::ptr::null_mut(),
    }
}

/// `erl_drv_consume_timeslice`: the callback reports `percent` (clamped to 1..=100) of a
/// time slice used since its start or its last report; 1 once the reports add up to a whole
/// slice (`CONTEXT_REDS` reductions, each percent worth 40 as in OTP), after which every
/// report says 1 until the next callback. -1 for an invalid port.
///
/// # Safety
/// `port` must be null or a port handle the runtime gave the driver.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_consume_timeslice(port: ErlDrvPort, percent: c_int) -> c_int {
    const SLICE: u32 = erts::sched::worker::CONTEXT_REDS as u32;
    const PER_PERCENT: u32 = SLICE.div_ceil(100);
    // SAFETY: per the contract, `port` is null or a live port handle.
    let Some(h) = (unsafe { handle(port) }) else {
        return -1;
    };
    let add = percent.clamp(1, 100) as u32 * PER_PERCENT;
    let used = h.slice_reds.load(Ordering::Relaxed).saturating_add(add);
    if used < SLICE {
        h.slice_reds.store(used, Ordering::Relaxed);
        return 0;
    }
    h.slice_reds.store(SLICE, Ordering::Relaxed);
    1
}
