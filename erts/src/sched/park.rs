//! Parking idle schedulers (OTP's `scheduler_wait`): a scheduler that finds no work sleeps on a
//! condition variable, so an idle system uses no CPU; making a process runnable wakes one.
//!
//! A sleeper registers itself, then checks the queues once more before sleeping, and a waker
//! checks for sleepers after queueing, both with sequentially consistent operations: a wakeup
//! cannot be lost between the check and the sleep.

use parking_lot::{Condvar, Mutex};
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Default)]
pub struct Parker {
    lock: Mutex<u64>,
    cv: Condvar,
    sleepers: AtomicUsize,
}

impl Parker {
    /// Sleeps until woken, unless `has_work()` says there is work.
    pub fn park(&self, has_work: impl Fn() -> bool) {
        let mut g = self.lock.lock();
        self.sleepers.fetch_add(1, Ordering::SeqCst);
        if !has_work() {
            self.cv.wait(&mut g);
        }
        self.sleepers.fetch_sub(1, Ordering::SeqCst);
    }

    /// Wakes one sleeping scheduler, if any.
    pub fn unpark_one(&self) {
        if self.sleepers.load(Ordering::SeqCst) > 0 {
            let mut g = self.lock.lock();
            *g += 1;
            self.cv.notify_one();
        }
    }

    /// Wakes every sleeping scheduler.
    pub fn unpark_all(&self) {
        let mut g = self.lock.lock();
        *g += 1;
        self.cv.notify_all();
    }

    /// Number of sleeping schedulers.
    pub fn sleeping(&self) -> usize {
        self.sleepers.load(Ordering::SeqCst)
    }
}

/// Busy-waits up to `limit` for `ready()` to become true (yielding the CPU now and then, so
/// that the thread it waits for can run on a busy machine); whether it did.
pub fn spin_until(limit: std::time::Duration, ready: impl Fn() -> bool) -> bool {
    let t0 = std::time::Instant::now();
    let mut i: u32 = 0;
    loop {
        if ready() {
            return true;
        }
        i = i.wrapping_add(1);
        if i % 64 == 0 {
            if t0.elapsed() >= limit {
                return false;
            }
            std::thread::yield_now();
        } else {
            std::hint::spin_loop();
        }
    }
}
