//! Facts about the runtime (OTP's `erl_bif_info.c`): `erlang:system_info/1`,
//! `statistics/1`, `node/0,1`, `nodes/0,1`, `is_alive/0`, `is_builtin/3`,
//! `io:printable_range/0`, `erts_internal:garbage_collect/1`, and the `*_to_list` views of
//! pids, ports, references and funs.

use super::Registry;
use crate::atom;
use crate::exception::{BifResult, Fail};
use crate::process::table::table;
use crate::process::Process;
use crate::term::boxed;
use crate::term::{subtag, Term};
use std::sync::atomic::AtomicU64;

pub fn register(r: &mut Registry) {
    r.add("erlang", "system_info", 1, system_info_1);
    r.add("erlang", "statistics", 1, statistics_1);
    // This runtime has no ports yet.
    r.add("erts_internal", "is_system_process", 1, |_, a| {
        if !a[0].is_local_pid() {
            return Err(Fail::badarg());
        }
        let system = crate::process::table::table()
            .get(a[0].pid_number())
            .is_some_and(|c| c.system);
        Ok(Term::bool(system))
    });
    // Without dynamic tracing (as OTP built without DTrace): no tag to spread or restore.
    r.add("erlang", "dt_spread_tag", 1, |_, a| {
        if a[0].is_boolean() {
            Ok(Term::bool(true))
        } else {
            Err(Fail::badarg())
        }
    });
    r.add("erlang", "dt_restore_tag", 1, |_, a| {
        if a[0] == Term::bool(true) {
            Ok(Term::bool(true))
        } else {
            Err(Fail::badarg())
        }
    });
    r.add("erlang", "node", 0, |_, _| {
        Ok(Term::atom(crate::dist::node::name()))
    });
    r.add("erlang", "node", 1, |_, a| {
        let t = a[0];
        if t.is_boxed_with(subtag::EXTERNAL_PID)
            || t.is_boxed_with(subtag::EXTERNAL_PORT)
            || t.is_boxed_with(subtag::EXTERNAL_REF)
        {
            Ok(Term::atom(crate::term::external::node(t)))
        } else if t.is_pid() || t.is_port() || t.is_reference() {
            Ok(Term::atom(crate::dist::node::name()))
        } else {
            Err(Fail::badarg())
        }
    });
    r.add("erlang", "is_alive", 0, |_, _| {
        Ok(Term::bool(crate::dist::node::is_alive()))
    });
    r.add("erlang", "is_builtin", 3, is_builtin_3);
    r.add("io", "printable_range", 0, |_, _| {
        let unicode = printable_unicode_cell().load(std::sync::atomic::Ordering::Relaxed);
        Ok(Term::atom(atom::atom(if unicode {
            "unicode"
        } else {
            "latin1"
        })))
    });
    r.add("erts_internal", "garbage_collect", 1, |p, a| {
        // Called with one live argument register. A heap over `max_heap_size` is dealt with
        // at the next collection at a safe point.
        let _ = if a[0] == Term::atom(atom::atom("minor")) {
            p.gc(1, 0)
        } else {
            p.gc_major(1, 0)
        };
        Ok(Term::bool(true))
    });
    r.add("erlang", "pid_to_list", 1, |p, a| {
        text_of(p, a[0], Term::is_pid)
    });
    r.add("erlang", "port_to_list", 1, |p, a| {
        text_of(p, a[0], Term::is_port)
    });
    r.add("erlang", "ref_to_list", 1, |p, a| {
        text_of(p, a[0], Term::is_reference)
    });
    r.add("erlang", "fun_to_list", 1, |p, a| {
        text_of(p, a[0], Term::is_function)
    });
    r.add("erlang", "list_to_pid", 1, list_to_pid_1);
    r.add("erlang", "list_to_ref", 1, list_to_ref_1);
    r.add("erlang", "list_to_port", 1, list_to_port_1);
    r.add("file", "native_name_encoding", 0, |_, _| {
        Ok(Term::atom(atom::atom(native_name_encoding())))
    });
}

/// How file names are encoded (`+fnu`/`+fnl`): OTP's default picks `utf8` when the locale's
/// character set is UTF-8, else `latin1`.
pub fn native_name_encoding() -> &'static str {
    let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .unwrap_or_default()
        .to_ascii_lowercase();
    if locale.contains("utf-8") || locale.contains("utf8") {
        "utf8"
    } else {
        "latin1"
    }
}

fn text_of(p: &mut Process, t: Term, ok: fn(Term) -> bool) -> BifResult {
    if !ok(t) {
        return Err(Fail::badarg());
    }
    let bytes = crate::display::display_bytes(t);
    Ok(boxed::string(&mut p.heap, bytes.iter().map(|b| *b as u32)))
}

/// The dot-separated numbers of `Prefix<N.N...>` written as a string (`list_to_pid/1`,
/// `list_to_ref/1`, `list_to_port/1`).
fn printed_numbers(t: Term, prefix: &str) -> Result<Vec<u32>, Fail> {
    let chars = boxed::list_to_vec(t).ok_or_else(Fail::badarg)?;
    let s: String = chars
        .iter()
        .map(|c| c.as_small().and_then(|c| char::from_u32(c as u32)))
        .collect::<Option<String>>()
        .ok_or_else(Fail::badarg)?;
    let inner = s
        .strip_prefix(prefix)
        .and_then(|s| s.strip_suffix('>'))
        .ok_or_else(Fail::badarg)?;
    inner
        .split('.')
        .map(|x| x.parse::<u32>().ok())
        .collect::<Option<Vec<u32>>>()
        .ok_or_else(Fail::badarg)
}

/// `list_to_ref("#Ref<0.A.B.C>")`: a local reference (no other nodes here). Reference
/// numbers here are 64 bits, so text naming a reference this runtime cannot have made (a
/// first number of 2^14 or more) is refused with `badarg`.
fn list_to_ref_1(p: &mut Process, a: &[Term]) -> BifResult {
    match printed_numbers(a[0], "#Ref<")?[..] {
        [0, w2, w1, w0] if w0 < 1 << 18 => {
            let id = boxed::ref_id_from_words(&[w0, w1, w2]).ok_or_else(Fail::badarg)?;
            Ok(boxed::reference(&mut p.heap, id))
        }
        _ => Err(Fail::badarg()),
    }
}

/// `list_to_port("#Port<0.N>")`.
fn list_to_port_1(_p: &mut Process, a: &[Term]) -> BifResult {
    match printed_numbers(a[0], "#Port<")?[..] {
        [0, n] => Ok(Term::port(n as u64)),
        _ => Err(Fail::badarg()),
    }
}

fn list_to_pid_1(_p: &mut Process, a: &[Term]) -> BifResult {
    let parts = printed_numbers(a[0], "<")?;
    match parts[..] {
        [0, n, s] if n < (1 << 15) && s < (1 << 13) => Ok(Term::pid(boxed::pid_number(n, s))),
        _ => Err(Fail::badarg()),
    }
}

fn is_builtin_3(_p: &mut Process, a: &[Term]) -> BifResult {
    let (Some(m), Some(f), Some(n)) = (a[0].as_atom(), a[1].as_atom(), a[2].as_small()) else {
        return Err(Fail::badarg());
    };
    if n < 0 {
        return Err(Fail::badarg());
    }
    Ok(Term::bool(super::is_otp_bif(m, f, n as u32)))
}

/// The kernel release as `uname -r` gives it, cut to OTP's `{Major, Minor, Release}`.
fn os_release() -> [usize; 3] {
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let mut out = [0; 3];
    // OTP reads the leading digits of each dot-separated part ("6.1.0-18-amd64" → {6,1,0}).
    for (slot, part) in out.iter_mut().zip(release.trim().split('.')) {
        let digits: String = part.chars().take_while(|c| c.is_ascii_digit()).collect();
        *slot = digits.parse().unwrap_or(0);
    }
    out
}

/// `[{function,clock_gettime},{clock_id,Id},{resolution,R},...,{time,T}]` for one OS clock,
/// as `os_monotonic_time_source`/`os_system_time_source` describe it.
fn clock_source(p: &mut Process, clock: libc::clockid_t, name: &str) -> Term {
    let mut res = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    let mut now = res;
    // SAFETY: both pointers are to live, writable timespec values owned by this frame.
    unsafe {
        libc::clock_getres(clock, &mut res);
        libc::clock_gettime(clock, &mut now);
    }
    let per_sec = if res.tv_nsec > 0 {
        1_000_000_000 / res.tv_nsec
    } else {
        1_000_000_000
    };
    let nanos = now.tv_sec as i128 * 1_000_000_000 + now.tv_nsec as i128;
    let a = |s: &str| Term::atom(atom::atom(s));
    let h = &mut p.heap;
    let mut items = vec![
        boxed::tuple(h, &[a("function"), a("clock_gettime")]),
        boxed::tuple(h, &[a("clock_id"), a(name)]),
        boxed::tuple(h, &[a("resolution"), Term::small(per_sec)]),
    ];
    if clock == libc::CLOCK_MONOTONIC {
        items.push(boxed::tuple(h, &[a("extended"), a("no")]));
    }
    items.push(boxed::tuple(h, &[a("parallel"), a("yes")]));
    let t = crate::bignum::from_i128(h, nanos);
    items.push(boxed::tuple(h, &[a("time"), t]));
    boxed::list(h, &items)
}

/// `+pc unicode`: `io:printable_range/0` says `unicode` instead of `latin1`.
/// Per runtime instance.
fn printable_unicode_cell() -> &'static std::sync::atomic::AtomicBool {
    static S: crate::instance::InstanceLocal<std::sync::atomic::AtomicBool> =
        crate::instance::InstanceLocal::new();
    S.get_or_init(|| std::sync::atomic::AtomicBool::new(false))
}

/// Sets the range of printable characters (`+pc`): all of Unicode, or Latin-1.
pub fn set_printable_unicode(unicode: bool) {
    printable_unicode_cell().store(unicode, std::sync::atomic::Ordering::Relaxed);
}

fn string(p: &mut Process, s: &str) -> Term {
    boxed::string(&mut p.heap, s.chars().map(|c| c as u32))
}

/// The erts version of the OTP root (`erts-X.Y.Z` folder), else this build's target.
pub(crate) fn erts_version() -> String {
    crate::code::root()
        .and_then(|r| std::fs::read_dir(r.join("lib")).ok())
        .and_then(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| e.file_name().into_string().ok())
                .find_map(|n| n.strip_prefix("erts-").map(str::to_string))
        })
        .unwrap_or_else(|| "13.1.5".to_string())
}

/// `system_info(system_version)` (also the crash dump's `System version:` line).
pub(crate) fn system_version() -> String {
    format!(
        "Erlang/OTP 25 [erts-{}] [source] [64-bit] [smp:{}:{}] [ds:{}:{}:10] [async-threads:1]\n",
        erts_version(),
        schedulers(),
        schedulers(),
        schedulers(),
        schedulers()
    )
}

fn schedulers() -> usize {
    if crate::sched::started() {
        crate::sched::system().schedulers
    } else {
        1
    }
}

fn system_info_1(p: &mut Process, a: &[Term]) -> BifResult {
    let t = a[0];
    if t.is_tuple() && boxed::tuple_arity(t) == 2 {
        let (k, v) = (boxed::tuple_element(t, 0), boxed::tuple_element(t, 1));
        if k == Term::atom(atom::atom("wordsize"))
            && (v == Term::atom(atom::atom("internal")) || v == Term::atom(atom::atom("external")))
        {
            return Ok(Term::small(8));
        }
        return Err(Fail::badarg());
    }
    let Some(key) = t.as_atom() else {
        return Err(Fail::badarg());
    };
    let n = |v: usize| Term::small(v as i64);
    let a_ = |s: &str| Term::atom(atom::atom(s));
    Ok(match key.name() {
        "otp_release" => string(p, "25"),
        "version" => string(p, &erts_version()),
        "system_version" => string(p, &system_version()),
        "wordsize" => n(8),
        "break_ignored" => Term::bool(crate::break_handler::break_ignored()),
        "os_type" => boxed::tuple(&mut p.heap, &[a_("unix"), a_("linux")]),
        "os_version" => {
            let [a, b, c] = os_release();
            boxed::tuple(&mut p.heap, &[n(a), n(b), n(c)])
        }
        "machine" => string(p, "BEAM"),
        "system_architecture" => string(p, &system_architecture()),
        "smp_support" | "threads" => Term::bool(true),
        "schedulers_online" => n(if crate::sched::started() {
            crate::sched::system().online()
        } else {
            schedulers()
        }),
        "schedulers" => n(schedulers()),
        "dirty_cpu_schedulers" => n(crate::sched::dirty::dirty().cpu.threads()),
        "dirty_cpu_schedulers_online" => n(crate::sched::dirty::dirty().cpu.online()),
        "dirty_io_schedulers" => n(crate::sched::dirty::dirty().io.threads()),
        // Every scheduler runs, none is bound to a core, nothing blocks multi-scheduling.
        "multi_scheduling" => a_("enabled"),
        "multi_scheduling_blockers" | "normal_multi_scheduling_blockers" => Term::NIL,
        "scheduler_bind_type" => a_("unbound"),
        "scheduler_bindings" => {
            let unbound = vec![a_("unbound"); schedulers()];
            boxed::tuple(&mut p.heap, &unbound)
        }
        "schedulers_state" => {
            let s = n(schedulers());
            boxed::tuple(&mut p.heap, &[s, s, s])
        }
        "scheduler_id" => n(crate::sched::worker::scheduler_id().max(1)),
        "logical_processors" | "logical_processors_available" | "logical_processors_online" => {
            n(std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1))
        }
        "thread_pool_size" => n(1),
        "process_limit" => n(table().limit()),
        "process_count" => n(table().count()),
        "atom_limit" => n(1_048_576),
        "atom_count" => n(crate::atom::count()),
        "port_limit" => n(crate::port::table::table().limit()),
        "port_count" => n(crate::port::table::table().count()),
        "ets_limit" => n(8192),
        "ets_count" => n(crate::ets::registry().all().len()),
        "endian" => a_("little"),
        "hipe_architecture" => a_("undefined"),
        "debug_compiled" | "kernel_poll" => Term::bool(false),
        "build_type" | "emu_type" => a_("opt"),
        // `jit` with the native-code tier on (as OTP's JIT build), `emu` with `+JIT false`.
        "emu_flavor" => a_(if crate::jit::enabled() { "jit" } else { "emu" }),
        "compat_rel" => n(25),
        "creation" => n(0),
        "heap_type" => a_("private"),
        "min_heap_size" => {
            let s = crate::process::gc::GcSettings::default();
            boxed::tuple(&mut p.heap, &[a_("min_heap_size"), n(s.min_heap_size)])
        }
        "fullsweep_after" => {
            let s = crate::process::gc::GcSettings::default();
            boxed::tuple(
                &mut p.heap,
                &[a_("fullsweep_after"), n(s.fullsweep_after as usize)],
            )
        }
        "max_heap_size" => crate::process::gc::MaxHeap::system_default().to_term(&mut p.heap),
        "context_reductions" => n(crate::sched::worker::CONTEXT_REDS as usize),
        "start_time" => n(0),
        // This runtime runs in OTP's default time warp mode, where the time offset is fixed
        // at start ("final") and corrected monotonic time is used.
        "time_warp_mode" => a_("no_time_warp"),
        "time_correction" => Term::bool(true),
        "time_offset" => a_("final"),
        "tolerant_timeofday" => a_("enabled"),
        "os_monotonic_time_source" => clock_source(p, libc::CLOCK_MONOTONIC, "CLOCK_MONOTONIC"),
        "os_system_time_source" => clock_source(p, libc::CLOCK_REALTIME, "CLOCK_REALTIME"),
        "nif_version" => string(p, "2.16"),
        "system_logger" => crate::system_logger::get().to_term(),
        // OTP's default: twice the schedulers (`erts_code_purger` keeps at most this many
        // `check_process_code` requests out).
        "outstanding_system_requests_limit" => n(2 * schedulers()),
        "driver_version" => string(p, "3.3"),
        _ => return Err(Fail::badarg()),
    })
}

/// The platform as OTP's build names it (the GNU triple `configure` guessed): the CPU, a
/// vendor (`pc` for x86 as `config.guess` says, else `unknown`), the OS and its C library.
fn system_architecture() -> String {
    let arch = std::env::consts::ARCH;
    let vendor = if matches!(arch, "x86_64" | "x86") {
        "pc"
    } else {
        "unknown"
    };
    let os = std::env::consts::OS;
    let libc = if cfg!(target_env = "musl") {
        "musl"
    } else {
        "gnu"
    };
    format!("{arch}-{vendor}-{os}-{libc}")
}

/// The "last call" values of `statistics/1`'s `{Total, SinceLastCall}` items.
/// Per runtime instance.
fn last_runtime_cell() -> &'static AtomicU64 {
    static S: crate::instance::InstanceLocal<AtomicU64> = crate::instance::InstanceLocal::new();
    S.get_or_init(|| AtomicU64::new(0))
}

/// Per runtime instance: the last wall clock.
fn last_wall_clock_cell() -> &'static AtomicU64 {
    static S: crate::instance::InstanceLocal<AtomicU64> = crate::instance::InstanceLocal::new();
    S.get_or_init(|| AtomicU64::new(0))
}

/// Per runtime instance: the last reductions.
fn last_reductions_cell() -> &'static AtomicU64 {
    static S: crate::instance::InstanceLocal<AtomicU64> = crate::instance::InstanceLocal::new();
    S.get_or_init(|| AtomicU64::new(0))
}

/// Per runtime instance: the last exact reductions.
fn last_exact_reductions_cell() -> &'static AtomicU64 {
    static S: crate::instance::InstanceLocal<AtomicU64> = crate::instance::InstanceLocal::new();
    S.get_or_init(|| AtomicU64::new(0))
}

fn statistics_1(p: &mut Process, a: &[Term]) -> BifResult {
    use crate::sched::stats;
    let key = a[0].as_atom().ok_or_else(Fail::badarg)?;
    let int = |p: &mut Process, v: u64| crate::bignum::from_i128(&mut p.heap, v as i128);
    let pair = |p: &mut Process, (x, y): (u64, u64)| {
        let (x, y) = (int(p, x), int(p, y));
        boxed::tuple(&mut p.heap, &[x, y])
    };
    let list = |p: &mut Process, v: &[usize]| {
        let items: Vec<Term> = v.iter().map(|&n| Term::small(n as i64)).collect();
        boxed::list(&mut p.heap, &items)
    };
    // Per run queue (one per scheduler, then the dirty CPU and, for `_all`, dirty I/O ones,
    // which stay empty here): waiting processes, and for `active_tasks` also running ones.
    let queues = |active: bool, all: bool| -> Vec<usize> {
        let mut v = crate::sched::system().queues.lengths();
        if active {
            for (i, n) in v.iter_mut().enumerate() {
                *n += usize::from(stats::is_running(i));
            }
        }
        v.push(0);
        if all {
            v.push(0);
        }
        v
    };
    Ok(match key.name() {
        "runtime" => pair(
            p,
            stats::since_last(last_runtime_cell(), stats::cpu_time_ms()),
        ),
        "wall_clock" => {
            let ms = process_start().elapsed().as_millis() as u64;
            pair(p, stats::since_last(last_wall_clock_cell(), ms))
        }
        "reductions" => pair(
            p,
            stats::since_last(last_reductions_cell(), stats::reductions()),
        ),
        "exact_reductions" => pair(
            p,
            stats::since_last(last_exact_reductions_cell(), stats::reductions()),
        ),
        "context_switches" => pair(p, (stats::context_switches(), 0)),
        "garbage_collection" => {
            let (n, words) = stats::gcs();
            let (n, words) = (int(p, n), int(p, words));
            boxed::tuple(&mut p.heap, &[n, words, Term::small(0)])
        }
        "run_queue" => Term::small(queues(false, false).iter().sum::<usize>() as i64),
        "total_run_queue_lengths" => Term::small(queues(false, false).iter().sum::<usize>() as i64),
        "total_run_queue_lengths_all" => {
            Term::small(queues(false, true).iter().sum::<usize>() as i64)
        }
        "total_active_tasks" => Term::small(queues(true, false).iter().sum::<usize>() as i64),
        "total_active_tasks_all" => Term::small(queues(true, true).iter().sum::<usize>() as i64),
        "run_queue_lengths" => list(p, &queues(false, false)),
        "run_queue_lengths_all" => list(p, &queues(false, true)),
        "active_tasks" => list(p, &queues(true, false)),
        "active_tasks_all" => list(p, &queues(true, true)),
        "io" => {
            // Bytes through ports: this runtime has no port I/O yet.
            let (i, o) = (Term::small(0), Term::small(0));
            let input = boxed::tuple(&mut p.heap, &[Term::atom(atom::atom("input")), i]);
            let output = boxed::tuple(&mut p.heap, &[Term::atom(atom::atom("output")), o]);
            boxed::tuple(&mut p.heap, &[input, output])
        }
        _ => return Err(Fail::badarg()),
    })
}

/// When the VM started: `statistics(wall_clock)` counts from there.
fn process_start() -> std::time::Instant {
    static S: crate::instance::InstanceLocal<std::time::Instant> =
        crate::instance::InstanceLocal::new();
    *S.get_or_init(std::time::Instant::now)
}

/// Notes the VM's start (the runtime calls this first thing as it starts), so that the
/// uptime of `statistics(wall_clock)` is not counted from its first call.
pub fn mark_vm_start() {
    process_start();
}
