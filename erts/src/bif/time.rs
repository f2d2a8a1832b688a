//! Time BIFs (OTP's `erl_time_sup.c`): Erlang monotonic and system time in any time unit,
//! `timestamp/0`, `now/0`, `unique_integer/0,1`, calendar conversions between universal time,
//! local time and POSIX seconds. The native time unit is the nanosecond, as on Linux.

use super::Registry;
use crate::atom;
use crate::exception::{BifResult, Fail};
use crate::process::Process;
use crate::term::boxed;
use crate::term::Term;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

pub fn register(r: &mut Registry) {
    r.add("erlang", "monotonic_time", 0, |p, _| monotonic(p, native()));
    r.add("erlang", "monotonic_time", 1, |p, a| monotonic(p, a[0]));
    r.add("erlang", "system_time", 0, |p, _| system_time(p, native()));
    r.add("erlang", "system_time", 1, |p, a| system_time(p, a[0]));
    r.add("erlang", "time_offset", 0, |p, _| time_offset(p, native()));
    r.add("erlang", "time_offset", 1, |p, a| time_offset(p, a[0]));
    r.add("erlang", "timestamp", 0, |p, _| timestamp(p));
    // Units per second of `native` and `perf_counter` (for `erlang:convert_time_unit/3`).
    r.add("erts_internal", "time_unit", 0, |_, _| {
        Ok(Term::small(1_000_000_000))
    });
    r.add("erts_internal", "perf_counter_unit", 0, |_, _| {
        Ok(Term::small(1_000_000_000))
    });
    r.add("erlang", "now", 0, now_0);
    r.add("erlang", "unique_integer", 0, |p, _| unique(p, Term::NIL));
    r.add("erlang", "unique_integer", 1, |p, a| unique(p, a[0]));
    r.add("erlang", "universaltime", 0, |p, _| {
        let s = unix_seconds();
        Ok(datetime_term(p, civil_from_seconds(s)))
    });
    r.add("erlang", "localtime", 0, |p, _| {
        let s = unix_seconds();
        Ok(datetime_term(p, local_from_seconds(s)))
    });
    r.add("erlang", "date", 0, |p, _| {
        let ((y, m, d), _) = local_from_seconds(unix_seconds());
        Ok(tuple3(p, y, m, d))
    });
    r.add("erlang", "time", 0, |p, _| {
        let (_, (h, mi, s)) = local_from_seconds(unix_seconds());
        Ok(tuple3(p, h, mi, s))
    });
    r.add("erlang", "universaltime_to_posixtime", 1, |_, a| {
        let (date, time) = datetime_of(a[0]).ok_or_else(Fail::badarg)?;
        Ok(Term::small(seconds_from_civil(date, time)))
    });
    r.add("erlang", "posixtime_to_universaltime", 1, |p, a| {
        let s = crate::bignum::to_i64(a[0]).ok_or_else(Fail::badarg)?;
        Ok(datetime_term(p, civil_from_seconds(s)))
    });
    r.add("erlang", "universaltime_to_localtime", 1, |p, a| {
        let (date, time) = datetime_of(a[0]).ok_or_else(Fail::badarg)?;
        Ok(datetime_term(
            p,
            local_from_seconds(seconds_from_civil(date, time)),
        ))
    });
    r.add("erlang", "localtime_to_universaltime", 2, |p, a| {
        let (date, time) = datetime_of(a[0]).ok_or_else(Fail::badarg)?;
        let secs = seconds_from_civil(date, time);
        // Find the UTC instant whose local time is the given one (offset of that instant).
        let guess = secs - local_offset(secs);
        let utc = secs - local_offset(guess);
        Ok(datetime_term(p, civil_from_seconds(utc)))
    });
}

fn native() -> Term {
    Term::atom(atom::atom("native"))
}

fn start() -> Instant {
    static START: crate::instance::InstanceLocal<Instant> = crate::instance::InstanceLocal::new();
    *START.get_or_init(Instant::now)
}

fn unix_nanos() -> i128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as i128)
        .unwrap_or(0)
}

fn unix_seconds() -> i64 {
    (unix_nanos() / 1_000_000_000) as i64
}

/// Units per second of a time unit term.
fn per_second(unit: Term) -> Option<i128> {
    if let Some(n) = unit.as_small() {
        return (n > 0).then_some(n as i128);
    }
    match unit.as_atom()?.name() {
        "second" | "seconds" => Some(1),
        "millisecond" | "milli_seconds" => Some(1_000),
        "microsecond" | "micro_seconds" => Some(1_000_000),
        "nanosecond" | "nano_seconds" | "native" => Some(1_000_000_000),
        "perf_counter" => Some(1_000_000_000),
        _ => None,
    }
}

fn in_unit(p: &mut Process, nanos: i128, unit: Term) -> BifResult {
    let ps = per_second(unit).ok_or_else(Fail::badarg)?;
    let v = nanos * ps;
    // Floor division, as OTP converts time values.
    let r = v.div_euclid(1_000_000_000);
    Ok(crate::bignum::from_i128(&mut p.heap, r))
}

/// Erlang monotonic time in nanoseconds (what `erlang:monotonic_time(nanosecond)` returns),
/// for native code (`enif_monotonic_time`).
pub fn monotonic_nanos() -> i128 {
    const BASE: i128 = -576_460_752_303_423_488;
    start().elapsed().as_nanos() as i128 + BASE
}

/// The time offset in nanoseconds (`erlang:time_offset(nanosecond)`, also for native code):
/// as in OTP's default `no_time_warp` mode, fixed when first asked for, so every reader sees
/// the same offset.
pub fn time_offset_nanos() -> i128 {
    static OFFSET: crate::instance::InstanceLocal<i128> = crate::instance::InstanceLocal::new();
    *OFFSET.get_or_init(|| unix_nanos() - monotonic_nanos())
}

/// Erlang monotonic time: nanoseconds since an arbitrary point (here, shifted negative like
/// OTP's so that it never looks like a system time).
pub fn monotonic(p: &mut Process, unit: Term) -> BifResult {
    const BASE: i128 = -576_460_752_303_423_488;
    let n = start().elapsed().as_nanos() as i128 + BASE;
    in_unit(p, n, unit)
}

pub fn system_time(p: &mut Process, unit: Term) -> BifResult {
    in_unit(p, unix_nanos(), unit)
}

fn time_offset(p: &mut Process, unit: Term) -> BifResult {
    in_unit(p, time_offset_nanos(), unit)
}

/// `{MegaSecs, Secs, MicroSecs}` of the system time.
pub fn timestamp(p: &mut Process) -> BifResult {
    let us = unix_nanos() / 1000;
    Ok(mega_secs_micro(p, us))
}

fn mega_secs_micro(p: &mut Process, us: i128) -> Term {
    let mega = (us / 1_000_000_000_000) as i64;
    let secs = ((us / 1_000_000) % 1_000_000) as i64;
    let micro = (us % 1_000_000) as i64;
    boxed::tuple(
        &mut p.heap,
        &[Term::small(mega), Term::small(secs), Term::small(micro)],
    )
}

/// `now/0`: like `timestamp/0` but strictly increasing between calls.
fn now_0(p: &mut Process, _a: &[Term]) -> BifResult {
    static LAST: crate::instance::InstanceLocal<AtomicU64> = crate::instance::InstanceLocal::new();
    let last = LAST.get_or_default();
    let now = (unix_nanos() / 1000) as u64;
    let mut prev = last.load(Ordering::Relaxed);
    let v = loop {
        let v = now.max(prev + 1);
        match last.compare_exchange_weak(prev, v, Ordering::AcqRel, Ordering::Relaxed) {
            Ok(_) => break v,
            Err(cur) => prev = cur,
        }
    };
    Ok(mega_secs_micro(p, v as i128))
}

/// The next unique integer of `erlang:unique_integer/0,1` (also `enif_make_unique_integer`):
/// one counter serves every caller, so the integers are also strictly monotonic. Like OTP,
/// plain unique integers may be negative; positive ones start at 1.
pub fn next_unique(positive: bool) -> i128 {
    static NEXT: crate::instance::InstanceLocal<AtomicU64> = crate::instance::InstanceLocal::new();
    let n = NEXT
        .get_or_init(|| AtomicU64::new(1))
        .fetch_add(1, Ordering::Relaxed) as i128;
    if positive {
        n
    } else {
        n - (1 << 59)
    }
}

fn unique(p: &mut Process, opts: Term) -> BifResult {
    let mut positive = false;
    for o in boxed::list_to_vec(opts).ok_or_else(Fail::badarg)? {
        match o.as_atom().map(|a| a.name()) {
            Some("positive") => positive = true,
            Some("monotonic") => {}
            _ => return Err(Fail::badarg()),
        }
    }
    Ok(crate::bignum::from_i128(&mut p.heap, next_unique(positive)))
}

type Date = (i64, i64, i64);
type Time = (i64, i64, i64);

fn tuple3(p: &mut Process, a: i64, b: i64, c: i64) -> Term {
    boxed::tuple(
        &mut p.heap,
        &[Term::small(a), Term::small(b), Term::small(c)],
    )
}

fn datetime_term(p: &mut Process, (d, t): (Date, Time)) -> Term {
    let dt = tuple3(p, d.0, d.1, d.2);
    let tt = tuple3(p, t.0, t.1, t.2);
    boxed::tuple(&mut p.heap, &[dt, tt])
}

fn triple(t: Term) -> Option<(i64, i64, i64)> {
    if !t.is_tuple() || boxed::tuple_arity(t) != 3 {
        return None;
    }
    let e = boxed::tuple_elems(t);
    Some((e[0].as_small()?, e[1].as_small()?, e[2].as_small()?))
}

fn datetime_of(t: Term) -> Option<(Date, Time)> {
    if !t.is_tuple() || boxed::tuple_arity(t) != 2 {
        return None;
    }
    let e = boxed::tuple_elems(t);
    let (d, tm) = (triple(e[0])?, triple(e[1])?);
    let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [
        31,
        if leap(d.0) { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let ok = d.0 >= 1970
        && (1..=12).contains(&d.1)
        && d.2 >= 1
        && d.2 <= days[(d.1 - 1) as usize]
        && (0..24).contains(&tm.0)
        && (0..60).contains(&tm.1)
        && (0..60).contains(&tm.2);
    ok.then_some((d, tm))
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn seconds_from_civil(d: Date, t: Time) -> i64 {
    days_from_civil(d.0, d.1, d.2) * 86_400 + t.0 * 3600 + t.1 * 60 + t.2
}

fn civil_from_seconds(s: i64) -> (Date, Time) {
    let days = s.div_euclid(86_400);
    let rem = s.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    ((y, m, d), (rem / 3600, (rem % 3600) / 60, rem % 60))
}

/// The local time zone's offset from UTC (seconds) at instant `s`.
fn local_offset(s: i64) -> i64 {
    let t: libc::time_t = s as libc::time_t;
    // SAFETY: `tm` is plain data that `localtime_r` fills; both pointers are valid.
    unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&t, &mut tm).is_null() {
            return 0;
        }
        tm.tm_gmtoff
    }
}

/// The local date and time of POSIX time `s` (seconds).
pub(crate) fn local_from_seconds(s: i64) -> (Date, Time) {
    civil_from_seconds(s + local_offset(s))
}
