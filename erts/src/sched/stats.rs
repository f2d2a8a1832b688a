//! The instance's counters behind `erlang:statistics/1` (OTP keeps them per scheduler and sums
//! them; here they are shared atomics, touched once per time slice or collection):
//! reductions, context switches (time slices run), garbage collections and the words they
//! reclaimed, and which schedulers are running a process right now.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Schedulers (by index) that are running a process; more than any machine has.
const MAX_SCHEDULERS: usize = 1024;

pub struct Counters {
    reductions: AtomicU64,
    context_switches: AtomicU64,
    gcs: AtomicU64,
    words_reclaimed: AtomicU64,
    running: [AtomicBool; MAX_SCHEDULERS],
}

impl Default for Counters {
    fn default() -> Self {
        Counters {
            reductions: AtomicU64::new(0),
            context_switches: AtomicU64::new(0),
            gcs: AtomicU64::new(0),
            words_reclaimed: AtomicU64::new(0),
            running: [const { AtomicBool::new(false) }; MAX_SCHEDULERS],
        }
    }
}

/// The current instance's counters.
#[inline]
pub fn counters() -> &'static Counters {
    &crate::instance::current().counters
}

/// Counts reductions used by a process.
#[inline]
pub fn add_reductions(n: u64) {
    if n != 0 {
        counters().reductions.fetch_add(n, Ordering::Relaxed);
    }
}

/// Reductions used by all processes so far.
pub fn reductions() -> u64 {
    counters().reductions.load(Ordering::Relaxed)
}

/// Counts a time slice given to a process.
#[inline]
pub fn add_context_switch() {
    counters().context_switches.fetch_add(1, Ordering::Relaxed);
}

/// Time slices given to processes so far.
pub fn context_switches() -> u64 {
    counters().context_switches.load(Ordering::Relaxed)
}

/// Counts a garbage collection that reclaimed `words`.
#[inline]
pub fn add_gc(words: u64) {
    counters().gcs.fetch_add(1, Ordering::Relaxed);
    counters()
        .words_reclaimed
        .fetch_add(words, Ordering::Relaxed);
}

/// Garbage collections so far and the words they reclaimed.
pub fn gcs() -> (u64, u64) {
    (
        counters().gcs.load(Ordering::Relaxed),
        counters().words_reclaimed.load(Ordering::Relaxed),
    )
}

/// Marks scheduler `i` as running a process (or not).
#[inline]
pub fn set_running(i: usize, running: bool) {
    if let Some(r) = counters().running.get(i) {
        r.store(running, Ordering::Relaxed);
    }
}

/// Whether scheduler `i` is running a process.
pub fn is_running(i: usize) -> bool {
    counters()
        .running
        .get(i)
        .is_some_and(|r| r.load(Ordering::Relaxed))
}

/// CPU time the runtime (all its threads) has used, in milliseconds.
pub fn cpu_time_ms() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; CLOCK_PROCESS_CPUTIME_ID is always
    // available on Linux. On failure `ts` stays zero.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return 0;
    }
    ts.tv_sec as u64 * 1000 + ts.tv_nsec as u64 / 1_000_000
}

/// A value and its increase since the previous call (OTP's `{Total, SinceLastCall}`, the
/// "last call" being shared by all callers).
pub fn since_last(last: &AtomicU64, now: u64) -> (u64, u64) {
    let before = last.swap(now, Ordering::Relaxed);
    (now, now.saturating_sub(before))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_last_reports_increments() {
        let last = AtomicU64::new(0);
        assert_eq!(since_last(&last, 10), (10, 10));
        assert_eq!(since_last(&last, 15), (15, 5));
        assert_eq!(since_last(&last, 15), (15, 0));
    }
}
