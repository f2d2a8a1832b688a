//! A loaded C driver (`ErlDrvEntry`) seen as an `erts` driver: [`LoadedDriver`] (one per
//! driver: the entry, the library it came from, its driver-level lock, its ports), the
//! [`DriverFactory`] that starts instances, and [`CPort`], the per-port [`Driver`] that calls
//! the entry's callbacks.
//!
//! The `ErlDrvPort` a C driver gets is a pointer to a [`PortHandle`], allocated when the port
//! starts and freed once the port has stopped. Every call into C runs with the port locked
//! and the port's `&mut PortCore` recorded in a thread-local stack of current ports, so that
//! the `driver_*` functions called back from C reach the port without locking it again
//! ([`with_core`]). A `driver_*` call for a port that is not current on the calling thread
//! (from a driver thread, or for another port) takes that port's lock instead.
//!
//! Driver-level locking (drivers without `ERL_DRV_FLAG_USE_PORT_LOCKING`): one reentrant
//! mutex per driver is held around every callback, so the driver's callbacks never run
//! concurrently, as with OTP's driver lock.

use crate::driver_abi::*;
use erts::port::driver::{Driver, DriverFactory, OpenError, PortEvent};
use erts::port::open_opts::OpenSpec;
use erts::port::{PortCell, PortCore};
use std::cell::RefCell;
use std::collections::HashMap;
use std::ffi::{c_char, c_uint, c_void, CStr, CString};
use std::os::fd::RawFd;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};

extern "C" {
    // Defined in `alloc.rs` (the other half of the ABI), exported with C linkage.
    fn driver_free(ptr: *mut c_void);
}

/// A mutex whose poisoning (a panic while held) is ignored: the data stays usable.
#[derive(Default)]
pub struct Mutex<T>(std::sync::Mutex<T>);

impl<T> Mutex<T> {
    pub const fn new(v: T) -> Self {
        Mutex(std::sync::Mutex::new(v))
    }
    pub fn lock(&self) -> std::sync::MutexGuard<'_, T> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The lock of a driver with driver-level locking: held around its callbacks, and taken
/// again (re-entrantly) when a callback calls back into the driver on the same thread.
pub type ReentrantMutex = parking_lot::ReentrantMutex<()>;

/// The size of the reply buffer given to `control` and `call` (OTP's on-heap binary limit).
const RESULT_BUF: usize = 64;

/// One loaded driver entry.
pub struct LoadedDriver {
    /// The driver's name (`driver_name` of the entry).
    pub name: String,
    entry: *mut ErlDrvEntry,
    /// The library handle (`dlopen`), when loaded through `erl_ddll`.
    pub dl: *mut c_void,
    /// Held around callbacks with driver-level locking.
    lock: Option<ReentrantMutex>,
    /// Live ports of this driver (port numbers).
    pub ports: Mutex<Vec<u64>>,
    /// Made permanent by `driver_lock_driver`.
    pub permanent: AtomicBool,
    /// Added by `add_driver_entry` rather than `erl_ddll`.
    pub static_entry: bool,
}

// SAFETY: the entry and library handle are only read after loading (the entry is owned by
// the library, which stays loaded as long as this value lives); C drivers declare their
// callbacks callable from any scheduler thread.
unsafe impl Send for LoadedDriver {}
// SAFETY: as above; the mutable parts are behind locks or atomics.
unsafe impl Sync for LoadedDriver {}

impl LoadedDriver {
    /// Wraps `entry` (already checked and initialised).
    ///
    /// # Safety
    /// `entry` must point to a valid driver entry that outlives the returned value.
    pub unsafe fn new(entry: *mut ErlDrvEntry, dl: *mut c_void, static_entry: bool) -> Self {
        // SAFETY: the caller guarantees `entry` is valid; the name is a C string.
        let (name, flags) = unsafe {
            let e = &*entry;
            let name = if e.driver_name.is_null() {
                String::new()
            } else {
                CStr::from_ptr(e.driver_name).to_string_lossy().into_owned()
            };
            (name, e.driver_flags)
        };
        LoadedDriver {
            name,
            entry,
            dl,
            lock: (flags & ERL_DRV_FLAG_USE_PORT_LOCKING == 0).then(|| ReentrantMutex::new(())),
            ports: Mutex::new(Vec::new()),
            permanent: AtomicBool::new(false),
            static_entry,
        }
    }

    /// The entry's callbacks.
    pub fn entry(&self) -> &ErlDrvEntry {
        // SAFETY: valid for the life of `self` (see `new`).
        unsafe { &*self.entry }
    }

    /// The entry pointer (for `remove_driver_entry`).
    pub fn entry_ptr(&self) -> *mut ErlDrvEntry {
        self.entry
    }

    /// Number of live ports.
    pub fn port_count(&self) -> usize {
        self.ports.lock().len()
    }

    /// Runs `f` (a call into C) under the driver lock, if the driver has one, and catches a
    /// panic of Rust code so it never crosses the C boundary.
    pub fn locked<R>(&self, f: impl FnOnce() -> R) -> Option<R> {
        let _g = self.lock.as_ref().map(|l| l.lock());
        std::panic::catch_unwind(AssertUnwindSafe(f)).ok()
    }
}

/// The state behind an `ErlDrvPort`.
pub struct PortHandle {
    /// The port number.
    pub id: u64,
    pub cell: Weak<PortCell>,
    pub driver: Arc<LoadedDriver>,
    /// What `start` returned.
    pub data: std::sync::atomic::AtomicPtr<ErlDrvDataOpaque>,
    /// The driver queue.
    pub queue: Mutex<super::queue::DrvQueue>,
    /// The queue's size in bytes, kept in step by every change of the queue (read after each
    /// callback without taking the queue lock).
    pub queue_bytes: std::sync::atomic::AtomicUsize,
    /// The port data lock (`driver_pdl_create`), or null.
    pub pdl: std::sync::atomic::AtomicPtr<super::queue::Pdl>,
    /// Monitors of processes (`driver_monitor_process`): reference → pid.
    pub monitors: Mutex<HashMap<u64, u64>>,
    /// The monitor whose `process_exit` is running: (reference, pid).
    pub exiting: Mutex<Option<(u64, u64)>>,
    /// Events selected with `ERL_DRV_USE`.
    pub used_events: Mutex<Vec<RawFd>>,
    /// `erl_drv_busy_msgq_limits`: (low, high).
    pub msgq_limits: Mutex<(usize, usize)>,
    /// Set once `stop` has run.
    pub stopped: AtomicBool,
    /// Reductions the current callback has reported with `erl_drv_consume_timeslice`
    /// (reset before each callback).
    pub slice_reds: std::sync::atomic::AtomicU32,
}

impl PortHandle {
    /// Empties the driver queue.
    pub fn clear_queue(&self) {
        self.queue.lock().clear();
        self.queue_bytes.store(0, Ordering::Release);
    }
    /// The `ErlDrvPort` of this handle.
    pub fn as_port(&self) -> ErlDrvPort {
        self as *const PortHandle as ErlDrvPort
    }
    /// The driver's data for this port.
    pub fn drv_data(&self) -> ErlDrvData {
        self.data.load(Ordering::Acquire)
    }
}

/// The handle behind an `ErlDrvPort`, or `None` for a null pointer.
///
/// # Safety
/// `port` must be null or a handle given to the driver that has not been freed.
pub unsafe fn handle<'a>(port: ErlDrvPort) -> Option<&'a PortHandle> {
    // SAFETY: per the contract, a non-null `port` points to a live `PortHandle`.
    unsafe { (port as *const PortHandle).as_ref() }
}

thread_local! {
    /// The ports whose callbacks run on this thread (innermost last): handle and bookkeeping.
    static CURRENT: RefCell<Vec<(*const PortHandle, *mut PortCore)>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with `h`'s port recorded as current (its bookkeeping reachable by `with_core`).
fn enter<R>(h: &PortHandle, core: *mut PortCore, f: impl FnOnce() -> R) -> R {
    CURRENT.with(|c| c.borrow_mut().push((h as *const PortHandle, core)));
    struct Pop;
    impl Drop for Pop {
        fn drop(&mut self) {
            CURRENT.with(|c| {
                c.borrow_mut().pop();
            });
        }
    }
    let _pop = Pop;
    f()
}

/// The bookkeeping of `h` if its port is current on this thread.
fn current_core(h: &PortHandle) -> Option<*mut PortCore> {
    CURRENT.with(|c| {
        c.borrow()
            .iter()
            .rev()
            .find(|(p, _)| std::ptr::eq(*p, h))
            .map(|&(_, core)| core)
    })
}

/// Whether the port numbered `id` is current on this thread; its bookkeeping if so.
pub fn current_core_by_id(id: u64) -> Option<*mut PortCore> {
    CURRENT.with(|c| {
        c.borrow()
            .iter()
            .rev()
            // SAFETY: handles on the stack are live while their callback runs.
            .find(|(p, _)| unsafe { (**p).id } == id)
            .map(|&(_, core)| core)
    })
}

/// Runs `f` on the bookkeeping of `h`'s port: directly when the port is current on this
/// thread, else under the port's lock. `None` when the port is gone.
pub fn with_core<R>(h: &PortHandle, f: impl FnOnce(&mut PortCore) -> R) -> Option<R> {
    if let Some(core) = current_core(h) {
        // SAFETY: the pointer was made from the `&mut PortCore` of a callback that is still
        // running further up this thread's stack and does not touch it meanwhile.
        return Some(f(unsafe { &mut *core }));
    }
    let cell = h.cell.upgrade()?;
    cell.with_driver(|_d, core| {
        let p: *mut PortCore = core;
        // SAFETY: `p` is the locked port's bookkeeping, used only through this pointer while
        // the closure runs.
        enter(h, p, || f(unsafe { &mut *p }))
    })
}

/// Keeps the port's `queue_size` in step with its driver queue (when the port is current).
pub fn sync_queue_size(h: &PortHandle) {
    if let Some(core) = current_core(h) {
        let size = h.queue_bytes.load(Ordering::Acquire);
        // SAFETY: see `with_core`.
        unsafe { (*core).queue_size = size };
    }
}

/// Starts instances of a loaded driver.
pub struct CFactory(pub Arc<LoadedDriver>);

impl DriverFactory for CFactory {
    fn name(&self) -> &str {
        &self.0.name
    }

    fn start(&self, core: &mut PortCore, spec: &OpenSpec) -> Result<Box<dyn Driver>, OpenError> {
        let drv = self.0.clone();
        let Some(start) = drv.entry().start else {
            return Err(OpenError::Badarg);
        };
        // Busy port limits are the spawn and fd drivers' option (OTP: badarg).
        if spec.busy_port_given {
            return Err(OpenError::Badarg);
        }
        let h = new_handle(core, drv.clone());
        // `{busy_limits_msgq, _}` sets the limits the driver sees from `start` on (not for a
        // driver that has no busy message queue).
        if let (Some(limits), false) = (
            spec.busy_msgq,
            drv.entry().driver_flags & ERL_DRV_FLAG_NO_BUSY_MSGQ != 0,
        ) {
            let size = |n: u64| ErlDrvSizeT::try_from(n).unwrap_or(ErlDrvSizeT::MAX);
            *h.msgq_limits.lock() = match limits {
                Some((lo, hi)) => (size(lo), size(hi)),
                None => (ERL_DRV_BUSY_MSGQ_DISABLED, ERL_DRV_BUSY_MSGQ_DISABLED),
            };
        }
        let cmd = CString::new(spec.command.clone()).map_err(|_| OpenError::Badarg)?;
        let hp = Box::into_raw(h);
        // SAFETY: `hp` was just made from a box and is freed only by `CPort`'s drop or below.
        let h = unsafe { &*hp };
        let r = enter(h, core as *mut PortCore, || {
            drv.locked(|| {
                // SAFETY: calling the driver's start with a live handle and a NUL-terminated
                // command it may modify (a private copy).
                let d = unsafe { start(h.as_port(), cmd.as_ptr() as *mut c_char) };
                let errno = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
                (d, errno)
            })
        });
        let (data, errno) = r.unwrap_or((ERL_DRV_ERROR_GENERAL, 0));
        let fail = if data == ERL_DRV_ERROR_GENERAL {
            Some(OpenError::Failed)
        } else if data == ERL_DRV_ERROR_ERRNO {
            Some(OpenError::Errno(errno))
        } else if data == ERL_DRV_ERROR_BADARG {
            Some(OpenError::Badarg)
        } else {
            None
        };
        if let Some(e) = fail {
            // SAFETY: the handle was never given out beyond `start`, which failed.
            drop(unsafe { Box::from_raw(hp) });
            return Err(e);
        }
        h.data.store(data, Ordering::Release);
        drv.ports.lock().push(h.id);
        // Acknowledged later with `erl_drv_init_ack` (one given during `start` does not
        // count, as in OTP, which waits for it only once `start` has returned).
        if drv.entry().driver_flags & ERL_DRV_FLAG_USE_INIT_ACK != 0 {
            core.await_init_ack();
        }
        Ok(Box::new(CPort { h: hp }))
    }
}

/// A new handle for the port `core` of driver `drv`.
fn new_handle(core: &PortCore, drv: Arc<LoadedDriver>) -> Box<PortHandle> {
    let disabled = drv.entry().driver_flags & ERL_DRV_FLAG_NO_BUSY_MSGQ != 0;
    let limits = if disabled {
        (ERL_DRV_BUSY_MSGQ_DISABLED, ERL_DRV_BUSY_MSGQ_DISABLED)
    } else {
        (4096, 8192)
    };
    Box::new(PortHandle {
        id: core.id,
        cell: core.cell.clone(),
        driver: drv,
        data: std::sync::atomic::AtomicPtr::new(std::ptr::null_mut()),
        queue: Mutex::new(super::queue::DrvQueue::default()),
        queue_bytes: std::sync::atomic::AtomicUsize::new(0),
        pdl: std::sync::atomic::AtomicPtr::new(std::ptr::null_mut()),
        slice_reds: std::sync::atomic::AtomicU32::new(0),
        monitors: Mutex::new(HashMap::new()),
        exiting: Mutex::new(None),
        used_events: Mutex::new(Vec::new()),
        msgq_limits: Mutex::new(limits),
        stopped: AtomicBool::new(false),
    })
}

/// `driver_create_port`: a port of `creator`'s driver, owned by `owner`, with `data` as its
/// driver data (no `start` call). Returns the new handle.
pub fn create_port(
    creator: &PortHandle,
    owner: u64,
    name: String,
    data: ErlDrvData,
) -> Option<*mut PortHandle> {
    let drv = creator.driver.clone();
    let mut made: *mut PortHandle = std::ptr::null_mut();
    let settings = erts::port::PortSettings {
        name,
        driver_name: drv.name.clone(),
        ..Default::default()
    };
    let r = erts::port::create(owner, settings, |core| {
        let h = new_handle(core, drv.clone());
        h.data.store(data, Ordering::Release);
        made = Box::into_raw(h);
        drv.ports.lock().push(core.id);
        Ok(Box::new(CPort { h: made }) as Box<dyn Driver>)
    });
    let cell = r.ok()?;
    // The owner learns of its link to the new port.
    let _ = erts::process::exit::deliver(
        owner,
        erts::process::signals::Signal::Link {
            from: erts::port::port_id(cell.id),
        },
    );
    Some(made)
}

/// The per-port driver instance of a C driver.
pub struct CPort {
    h: *mut PortHandle,
}

// SAFETY: the handle is owned by this value; the C driver's callbacks may run on any
// scheduler thread (the port lock serialises them).
unsafe impl Send for CPort {}

impl CPort {
    fn h(&self) -> &PortHandle {
        // SAFETY: the handle lives until this value is dropped.
        unsafe { &*self.h }
    }

    /// Calls into C for this port: current-port context, driver lock, queue size sync.
    fn call_c<R>(
        &self,
        core: &mut PortCore,
        f: impl FnOnce(&PortHandle, ErlDrvData) -> R,
    ) -> Option<R> {
        let h = self.h();
        let data = h.drv_data();
        h.slice_reds.store(0, Ordering::Relaxed);
        let r = enter(h, core as *mut PortCore, || h.driver.locked(|| f(h, data)));
        core.queue_size = h.queue_bytes.load(Ordering::Acquire);
        r
    }
}

/// Copies `data` into a fresh driver binary (refc 1).
fn binary_of(data: &[u8]) -> *mut ErlDrvBinary {
    let b = super::binary::alloc(data.len());
    if !b.is_null() {
        // SAFETY: the binary has room for `data.len()` bytes.
        unsafe {
            std::ptr::copy_nonoverlapping(
                data.as_ptr(),
                (*b).orig_bytes.as_mut_ptr() as *mut u8,
                data.len(),
            )
        };
    }
    b
}

impl Driver for CPort {
    fn output(&mut self, core: &mut PortCore, data: &[u8]) {
        let e = *self.h().driver.entry();
        if let Some(outputv) = e.outputv {
            let bin = binary_of(data);
            if bin.is_null() {
                return;
            }
            let mut iov = [
                SysIOVec {
                    iov_base: std::ptr::null_mut(),
                    iov_len: 0,
                },
                SysIOVec {
                    // SAFETY: `bin` is a live binary.
                    iov_base: unsafe { (*bin).orig_bytes.as_mut_ptr() },
                    iov_len: data.len(),
                },
            ];
            let mut binv = [std::ptr::null_mut(), bin];
            let mut ev = ErlIOVec {
                vsize: 2,
                size: data.len(),
                iov: iov.as_mut_ptr(),
                binv: binv.as_mut_ptr(),
            };
            self.call_c(core, |_, d| {
                // SAFETY: the vector and its binary are live for the call.
                unsafe { outputv(d, &mut ev) }
            });
            super::binary::release(bin);
        } else if let Some(output) = e.output {
            let mut buf = data.to_vec();
            self.call_c(core, |_, d| {
                // SAFETY: a private copy of the data, live for the call.
                unsafe { output(d, buf.as_mut_ptr() as *mut c_char, data.len()) }
            });
        }
    }

    fn control(
        &mut self,
        core: &mut PortCore,
        op: u32,
        data: &mut [u8],
        reply: &mut Vec<u8>,
    ) -> bool {
        let Some(ctl) = self.h().driver.entry().control else {
            return false;
        };
        let len = data.len();
        let inp = data.as_mut_ptr() as *mut c_char;
        let mut res = [0u8; RESULT_BUF];
        let resp = res.as_mut_ptr() as *mut c_char;
        let mut rbuf = resp;
        let Some(n) = self.call_c(core, |_, d| {
            // SAFETY: the data and the reply buffer are live for the call.
            unsafe { ctl(d, op as c_uint, inp, len, &mut rbuf, RESULT_BUF) }
        }) else {
            return false;
        };
        if n < 0 {
            return false;
        }
        let n = n as usize;
        if rbuf.is_null() {
            return true;
        }
        if rbuf == resp {
            reply.extend_from_slice(&res[..n.min(RESULT_BUF)]);
        } else if core.control_binary {
            let bin = rbuf as *mut ErlDrvBinary;
            // SAFETY: with PORT_CONTROL_FLAG_BINARY the driver returns a driver binary.
            reply.extend_from_slice(unsafe { super::binary::bytes(bin) });
            super::binary::release(bin);
        } else {
            // SAFETY: the driver allocated `n` bytes at `rbuf` with `driver_alloc`.
            reply.extend_from_slice(unsafe { std::slice::from_raw_parts(rbuf as *const u8, n) });
            // SAFETY: the reply buffer is the runtime's to free.
            unsafe { driver_free(rbuf as *mut c_void) };
        }
        true
    }

    fn call(&mut self, core: &mut PortCore, op: u32, data: &[u8]) -> Option<Vec<u8>> {
        let call = self.h().driver.entry().call?;
        let mut inbuf = data.to_vec();
        let mut res = [0u8; RESULT_BUF];
        let resp = res.as_mut_ptr() as *mut c_char;
        let mut rbuf = resp;
        let mut flags: c_uint = 0;
        let n = self.call_c(core, |_, d| {
            // SAFETY: input copy, reply buffer and flags are live for the call.
            unsafe {
                call(
                    d,
                    op as c_uint,
                    inbuf.as_mut_ptr() as *mut c_char,
                    data.len(),
                    &mut rbuf,
                    RESULT_BUF,
                    &mut flags,
                )
            }
        })?;
        if n < 0 || rbuf.is_null() {
            return None;
        }
        let n = n as usize;
        let v = if rbuf == resp {
            res[..n.min(RESULT_BUF)].to_vec()
        } else {
            // SAFETY: the driver's own buffer of `n` bytes.
            let v = unsafe { std::slice::from_raw_parts(rbuf as *const u8, n) }.to_vec();
            if flags & DRIVER_CALL_KEEP_BUFFER == 0 {
                // SAFETY: the buffer came from `driver_alloc` and is ours to free.
                unsafe { driver_free(rbuf as *mut c_void) };
            }
            v
        };
        Some(v)
    }

    fn ready_input(&mut self, core: &mut PortCore, fd: RawFd) {
        if let Some(f) = self.h().driver.entry().ready_input {
            self.call_c(core, |_, d| {
                // SAFETY: calling the driver with its data and the event it selected.
                unsafe { f(d, fd as isize as ErlDrvEvent) }
            });
        }
    }

    fn ready_output(&mut self, core: &mut PortCore, fd: RawFd) {
        if let Some(f) = self.h().driver.entry().ready_output {
            self.call_c(core, |_, d| {
                // SAFETY: calling the driver with its data and the event it selected.
                unsafe { f(d, fd as isize as ErlDrvEvent) }
            });
        }
    }

    fn event(&mut self, core: &mut PortCore, ev: PortEvent) {
        let e = *self.h().driver.entry();
        match ev {
            PortEvent::Timeout => {
                if let Some(f) = e.timeout {
                    self.call_c(core, |_, d| {
                        // SAFETY: the driver's timeout callback with its data.
                        unsafe { f(d) }
                    });
                }
            }
            PortEvent::AsyncDone(job) => {
                let Some((data, free)) = super::async_pool::take_job(job) else {
                    return;
                };
                if let Some(f) = e.ready_async {
                    self.call_c(core, |_, d| {
                        // SAFETY: the driver's ready_async with the job's data.
                        unsafe { f(d, data as ErlDrvThreadData) }
                    });
                } else if let Some(free) = free {
                    self.call_c(core, |_, _| {
                        // SAFETY: the job's own free function on its data.
                        unsafe { free(data) }
                    });
                }
            }
            _ => {}
        }
    }

    fn process_exit(&mut self, core: &mut PortCore, reference: u64) {
        let h = self.h();
        let Some(pid) = h.monitors.lock().remove(&reference) else {
            return;
        };
        let Some(f) = h.driver.entry().process_exit else {
            return;
        };
        let mut mon = super::monitor::encode(reference, pid);
        *h.exiting.lock() = Some((reference, pid));
        self.call_c(core, |_, d| {
            // SAFETY: the driver's process_exit with a monitor value live for the call.
            unsafe { f(d, &mut mon) }
        });
        *self.h().exiting.lock() = None;
    }

    fn flush(&mut self, core: &mut PortCore) -> bool {
        if let Some(f) = self.h().driver.entry().flush {
            self.call_c(core, |_, d| {
                // SAFETY: the driver's flush callback with its data.
                unsafe { f(d) }
            });
        }
        core.queue_size > 0
    }

    fn stop(&mut self, core: &mut PortCore) {
        let h = self.h();
        if h.stopped.swap(true, Ordering::AcqRel) {
            return;
        }
        if let Some(f) = h.driver.entry().stop {
            self.call_c(core, |_, d| {
                // SAFETY: the driver's stop callback with its data, once.
                unsafe { f(d) }
            });
        }
        let h = self.h();
        // Events still in use when the port goes are released as `driver_select(.., USE, 0)`
        // would: deselected, then handed to `stop_select`.
        let used = std::mem::take(&mut *h.used_events.lock());
        let stop_select = h.driver.entry().stop_select;
        for fd in used {
            core.deselect(fd, erts::check_io::Ready::BOTH);
            if let Some(f) = stop_select {
                let event = fd as usize as ErlDrvEvent;
                self.call_c(core, |_, _| {
                    // SAFETY: the driver's stop_select with an event it had in use.
                    unsafe { f(event, std::ptr::null_mut()) }
                });
            }
        }
        h.clear_queue();
        core.set_queue_size(0, None);
        super::queue::release_pdl(h);
    }

    fn locking(&self) -> &'static str {
        if self.h().driver.lock.is_some() {
            "driver_level"
        } else {
            "port_level"
        }
    }
}

impl Drop for CPort {
    fn drop(&mut self) {
        // SAFETY: the handle was made by `Box::into_raw` and is dropped once, here.
        let h = unsafe { Box::from_raw(self.h) };
        let drv = h.driver.clone();
        drv.ports.lock().retain(|&p| p != h.id);
        drop(h);
        super::ddll::port_closed(&drv);
    }
}
