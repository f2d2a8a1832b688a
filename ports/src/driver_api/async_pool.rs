//! The async thread pool (OTP's `erl_async.c`): `driver_async` runs a driver's function on
//! one of the pool's threads (chosen by the job's key, so jobs with one key run in order on
//! one thread), then the port's `ready_async` callback runs with the job's data, under the
//! port lock (`PortEvent::AsyncDone`). Without `ready_async`, or when the port is gone, the
//! job's `async_free` is called instead. The pool has [`thread_count`] threads (OTP's `+A`,
//! default 1), started on first use.

use super::c_driver::handle;
use crate::driver_abi::*;
use std::collections::HashMap;
use std::ffi::{c_long, c_uint, c_void};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{channel, Sender};
use std::sync::Mutex;

/// A job in flight.
struct Job {
    id: u64,
    port: u64,
    invoke: DrvAsyncFn,
    data: usize,
    free: Option<DrvAsyncFn>,
}

/// The `+A` setting: number of async threads (OTP's default is 1), per instance.
/// Per runtime instance.
fn threads_cell() -> &'static std::sync::atomic::AtomicUsize {
    static S: erts::instance::InstanceLocal<std::sync::atomic::AtomicUsize> =
        erts::instance::InstanceLocal::new();
    S.get_or_init(|| std::sync::atomic::AtomicUsize::new(1))
}

/// Sets the number of async threads (`+A N`, 1 to 1024) before the pool starts; false when
/// out of range.
pub fn set_thread_count(n: usize) -> bool {
    if !(1..=1024).contains(&n) {
        return false;
    }
    threads_cell().store(n, std::sync::atomic::Ordering::Relaxed);
    true
}

/// Number of async threads (`+A`).
pub fn thread_count() -> usize {
    threads_cell().load(std::sync::atomic::Ordering::Relaxed)
}

/// The instance's pool: one queue per thread (`None` tells a thread to end: the instance
/// stops).
fn pool() -> &'static Vec<Mutex<Sender<Option<Job>>>> {
    static P: erts::instance::InstanceLocal<Vec<Mutex<Sender<Option<Job>>>>> =
        erts::instance::InstanceLocal::new();
    P.get_or_init(|| {
        erts::instance::on_stop(|| {
            for tx in pool() {
                let _ = tx.lock().unwrap_or_else(|e| e.into_inner()).send(None);
            }
        });
        (0..thread_count())
            .map(|i| {
                let (tx, rx) = channel::<Option<Job>>();
                let _ = erts::instance::spawn_thread(format!("async_{}", i + 1), 0, move || {
                    while let Ok(Some(job)) = rx.recv() {
                        run(job);
                    }
                });
                Mutex::new(tx)
            })
            .collect()
    })
}

/// Finished jobs by id: their data and free function.
type Done = Mutex<HashMap<u64, (usize, Option<DrvAsyncFn>)>>;

/// Jobs whose function has run, waiting for `ready_async`.
fn done() -> &'static Done {
    static D: erts::instance::InstanceLocal<Done> = erts::instance::InstanceLocal::new();
    D.get_or_init(|| Mutex::new(HashMap::new()))
}

fn run(job: Job) {
    let data = job.data as *mut c_void;
    // SAFETY: the driver's own function on its own data, as `driver_async` was asked.
    let _ = std::panic::catch_unwind(|| unsafe { (job.invoke)(data) });
    done()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(job.id, (job.data, job.free));
    let delivered = erts::port::lookup(job.port).and_then(|cell| {
        cell.with_driver(|d, core| d.event(core, erts::port::driver::PortEvent::AsyncDone(job.id)))
    });
    if delivered.is_none() {
        // The port is gone: free the data.
        if let Some((data, Some(free))) = take_job(job.id) {
            // SAFETY: the job's free function on its data, once.
            unsafe { free(data) };
        }
    }
}

/// Takes a finished job's data and free function (once).
pub fn take_job(id: u64) -> Option<(*mut c_void, Option<DrvAsyncFn>)> {
    done()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(&id)
        .map(|(d, f)| (d as *mut c_void, f))
}

/// `driver_async`: queues `async_invoke(async_data)`; returns the job's id, or -1.
///
/// # Safety
/// `port` must be a live port handle; `key` null or readable.
#[no_mangle]
pub unsafe extern "C" fn driver_async(
    port: ErlDrvPort,
    key: *mut c_uint,
    async_invoke: Option<DrvAsyncFn>,
    async_data: *mut c_void,
    async_free: Option<DrvAsyncFn>,
) -> c_long {
    // Process-wide: job numbers are unique in the OS process (each instance keeps its own jobs).
    static NEXT: AtomicU64 = AtomicU64::new(1);
    // SAFETY: per the contract.
    let (Some(h), Some(invoke)) = (unsafe { handle(port) }, async_invoke) else {
        return -1;
    };
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    let p = pool();
    let slot = if key.is_null() {
        (id as usize) % p.len()
    } else {
        // SAFETY: per the contract.
        (unsafe { *key } as usize) % p.len()
    };
    let job = Job {
        id,
        port: h.id,
        invoke,
        data: async_data as usize,
        free: async_free,
    };
    match p[slot]
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .send(Some(job))
    {
        Ok(()) => id as c_long,
        Err(_) => -1,
    }
}

/// `driver_async_port_key`: a key spreading ports evenly over the threads.
///
/// # Safety
/// `port` must be a live port handle.
#[no_mangle]
pub unsafe extern "C" fn driver_async_port_key(port: ErlDrvPort) -> c_uint {
    // SAFETY: per the contract.
    unsafe { handle(port) }.map_or(0, |h| (h.id as c_uint).wrapping_mul(2_654_435_761))
}
