//! Time for drivers: `erl_drv_monotonic_time`, `erl_drv_time_offset`,
//! `erl_drv_convert_time_unit` and the deprecated `driver_get_now`.
//!
//! The values are Erlang's own: monotonic and system time are read through
//! `erts::bif::time::monotonic` and `erts::bif::time::system_time` (the functions behind
//! `erlang:monotonic_time/1` and `erlang:system_time/1`), in nanoseconds, the native unit of
//! this runtime, so that a driver's `erl_drv_monotonic_time(ERL_DRV_NSEC)` and a process's
//! `erlang:monotonic_time(nanosecond)` count from the same origin. Those functions build their
//! result on a process heap: each thread keeps a scratch [`Process`] for that, whose heap is
//! renewed now and then.
//!
//! `driver_get_now` gives the system time in microseconds as `{MegaSecs, Secs, MicroSecs}`,
//! like `erlang:now/0`, and like it strictly increasing from one call to the next (a value not
//! larger than the last one given becomes that plus one microsecond). The "last value" of
//! `erlang:now/0` is private to `erts`, so the two sequences are each strictly increasing but
//! may give the same value once each.
//!
//! Conversions round down (toward negative infinity) as OTP's do; a bad unit gives
//! `ERL_DRV_TIME_ERROR`, and so does a conversion whose result does not fit.

use core::cell::RefCell;
use core::ffi::c_int;
use std::sync::atomic::{AtomicU64, Ordering};

use erts::heap::Heap;
use erts::process::Process;
use erts::term::Term;

use crate::driver_abi::{
    ErlDrvNowData, ErlDrvTime, ErlDrvTimeUnit, ERL_DRV_MSEC, ERL_DRV_NSEC, ERL_DRV_SEC,
    ERL_DRV_TIME_ERROR, ERL_DRV_USEC,
};

/// Units of a time unit in one second; `None` for a bad unit.
fn per_second(unit: ErlDrvTimeUnit) -> Option<i64> {
    match unit {
        ERL_DRV_SEC => Some(1),
        ERL_DRV_MSEC => Some(1_000),
        ERL_DRV_USEC => Some(1_000_000),
        ERL_DRV_NSEC => Some(1_000_000_000),
        _ => None,
    }
}

/// `val` from one unit to another, rounded down; `None` for a bad unit or a result that does
/// not fit.
fn convert(val: i64, from: ErlDrvTimeUnit, to: ErlDrvTimeUnit) -> Option<i64> {
    let (f, t) = (per_second(from)?, per_second(to)?);
    if t >= f {
        val.checked_mul(t / f)
    } else {
        Some(val.div_euclid(f / t))
    }
}

/// Words a scratch heap may hold before it is replaced by a fresh one.
const SCRATCH_LIMIT: usize = 4096;

thread_local! {
    /// The process the erts time functions build their results in, on this thread.
    static SCRATCH: RefCell<Option<Process>> = const { RefCell::new(None) };
}

/// `f` run with a scratch process (this thread's, else a temporary one).
fn with_scratch<R>(f: impl FnOnce(&mut Process) -> R) -> R {
    let mut f = Some(f);
    let done = SCRATCH.try_with(|s| {
        let mut slot = s.try_borrow_mut().ok()?;
        let p = slot.get_or_insert_with(|| Process::new(0));
        let r = (f.take()?)(p);
        if p.heap.used_words() > SCRATCH_LIMIT {
            p.heap = Heap::default();
        }
        Some(r)
    });
    match (done, f) {
        (Ok(Some(r)), _) => r,
        // Re-entered, or the thread is ending: use a process of its own.
        (_, Some(f)) => f(&mut Process::new(0)),
        (_, None) => unreachable!("the closure ran but gave no result"),
    }
}

/// Reads one erts clock in nanoseconds; `None` if it failed.
fn erts_nanos(clock: fn(&mut Process, Term) -> erts::exception::BifResult) -> Option<i64> {
    std::panic::catch_unwind(|| {
        with_scratch(|p| {
            let unit = Term::atom(erts::atom::atom("nanosecond"));
            clock(p, unit).ok().and_then(erts::bignum::to_i64)
        })
    })
    .ok()
    .flatten()
}

/// Erlang monotonic time in nanoseconds.
fn monotonic_nanos() -> Option<i64> {
    erts_nanos(erts::bif::time::monotonic)
}

/// Erlang system time in nanoseconds.
fn system_nanos() -> Option<i64> {
    erts_nanos(erts::bif::time::system_time)
}

/// `ErlDrvTime erl_drv_monotonic_time(ErlDrvTimeUnit time_unit)`: Erlang monotonic time in
/// `time_unit`, or `ERL_DRV_TIME_ERROR` for a bad unit.
#[no_mangle]
pub extern "C" fn erl_drv_monotonic_time(time_unit: ErlDrvTimeUnit) -> ErlDrvTime {
    if per_second(time_unit).is_none() {
        return ERL_DRV_TIME_ERROR;
    }
    monotonic_nanos()
        .and_then(|n| convert(n, ERL_DRV_NSEC, time_unit))
        .unwrap_or(ERL_DRV_TIME_ERROR)
}

/// `ErlDrvTime erl_drv_time_offset(ErlDrvTimeUnit time_unit)`: Erlang system time minus
/// Erlang monotonic time, in `time_unit`, or `ERL_DRV_TIME_ERROR` for a bad unit.
#[no_mangle]
pub extern "C" fn erl_drv_time_offset(time_unit: ErlDrvTimeUnit) -> ErlDrvTime {
    if per_second(time_unit).is_none() {
        return ERL_DRV_TIME_ERROR;
    }
    let offset = match (monotonic_nanos(), system_nanos()) {
        (Some(m), Some(s)) => s.checked_sub(m),
        _ => None,
    };
    offset
        .and_then(|n| convert(n, ERL_DRV_NSEC, time_unit))
        .unwrap_or(ERL_DRV_TIME_ERROR)
}

/// `ErlDrvTime erl_drv_convert_time_unit(ErlDrvTime val, ErlDrvTimeUnit from,
/// ErlDrvTimeUnit to)`: `val` in `from` units as `to` units, rounded down;
/// `ERL_DRV_TIME_ERROR` for a bad unit or a result out of range.
#[no_mangle]
pub extern "C" fn erl_drv_convert_time_unit(
    val: ErlDrvTime,
    from: ErlDrvTimeUnit,
    to: ErlDrvTimeUnit,
) -> ErlDrvTime {
    convert(val, from, to).unwrap_or(ERL_DRV_TIME_ERROR)
}

/// The last microsecond `driver_get_now` gave.
// Process-wide: `erl_drv_now` is strictly increasing in the OS process.
static LAST_NOW: AtomicU64 = AtomicU64::new(0);

/// A strictly increasing system time in microseconds.
fn now_micros() -> u64 {
    let now = system_nanos()
        .map(|n| n.div_euclid(1000).max(0) as u64)
        .unwrap_or(0);
    let mut prev = LAST_NOW.load(Ordering::Relaxed);
    loop {
        let v = now.max(prev + 1);
        match LAST_NOW.compare_exchange_weak(prev, v, Ordering::AcqRel, Ordering::Relaxed) {
            Ok(_) => return v,
            Err(cur) => prev = cur,
        }
    }
}

/// `int driver_get_now(ErlDrvNowData *now)`: the time as `erlang:now/0` gives it; 0, or -1
/// for a NULL `now`.
///
/// # Safety
/// `now` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn driver_get_now(now: *mut ErlDrvNowData) -> c_int {
    if now.is_null() {
        return -1;
    }
    let us = now_micros();
    let data = ErlDrvNowData {
        megasecs: (us / 1_000_000_000_000) as _,
        secs: (us / 1_000_000 % 1_000_000) as _,
        microsecs: (us % 1_000_000) as _,
    };
    // SAFETY: `now` is writable (checked non-null; the caller's contract).
    unsafe { now.write(data) };
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_round_down() {
        let c = erl_drv_convert_time_unit;
        assert_eq!(c(1, ERL_DRV_SEC, ERL_DRV_NSEC), 1_000_000_000);
        assert_eq!(c(3, ERL_DRV_MSEC, ERL_DRV_USEC), 3_000);
        assert_eq!(c(1_999, ERL_DRV_MSEC, ERL_DRV_SEC), 1);
        assert_eq!(c(-1, ERL_DRV_MSEC, ERL_DRV_SEC), -1);
        assert_eq!(c(-1_000, ERL_DRV_MSEC, ERL_DRV_SEC), -1);
        assert_eq!(c(-1_001, ERL_DRV_NSEC, ERL_DRV_USEC), -2);
        assert_eq!(c(123, ERL_DRV_USEC, ERL_DRV_USEC), 123);
        assert_eq!(c(1, 4, ERL_DRV_SEC), ERL_DRV_TIME_ERROR);
        assert_eq!(c(1, ERL_DRV_SEC, 99), ERL_DRV_TIME_ERROR);
        assert_eq!(
            c(i64::MAX / 10, ERL_DRV_SEC, ERL_DRV_NSEC),
            ERL_DRV_TIME_ERROR
        );
    }

    #[test]
    fn clocks_agree_with_erlang() {
        assert_eq!(erl_drv_monotonic_time(7), ERL_DRV_TIME_ERROR);
        assert_eq!(erl_drv_time_offset(7), ERL_DRV_TIME_ERROR);
        let a = erl_drv_monotonic_time(ERL_DRV_NSEC);
        let erlang = with_scratch(|p| {
            let unit = Term::atom(erts::atom::atom("nanosecond"));
            erts::bignum::to_i64(erts::bif::time::monotonic(p, unit).unwrap()).unwrap()
        });
        let b = erl_drv_monotonic_time(ERL_DRV_NSEC);
        assert!(a <= erlang && erlang <= b, "{a} <= {erlang} <= {b}");
        let ms = erl_drv_monotonic_time(ERL_DRV_MSEC);
        assert!(ms >= b.div_euclid(1_000_000));

        // Monotonic time plus the offset is the system time.
        let system = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let s = erl_drv_monotonic_time(ERL_DRV_SEC) + erl_drv_time_offset(ERL_DRV_SEC);
        assert!((s - system).abs() <= 2, "{s} vs {system}");
    }

    #[test]
    fn now_strictly_increases() {
        let mut last = 0u64;
        for _ in 0..1000 {
            let mut n = ErlDrvNowData::default();
            // SAFETY: `n` is writable.
            assert_eq!(unsafe { driver_get_now(&mut n) }, 0);
            assert!(n.secs < 1_000_000 && n.microsecs < 1_000_000);
            let us = (n.megasecs * 1_000_000 + n.secs) * 1_000_000 + n.microsecs;
            assert!(us > last);
            last = us;
        }
        let wall = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_micros() as u64;
        assert!(last.abs_diff(wall) < 5_000_000);
        // SAFETY: NULL is refused.
        assert_eq!(unsafe { driver_get_now(core::ptr::null_mut()) }, -1);
    }
}
