//! The `beam` command: an `erl`-compatible front end to the runtime (`bin/erl` runs it).
//!
//! `beam [erl flags...]` boots OTP as `erl` does: the command line goes through `erlexec`'s
//! steps (`crate::erlexec`: `ERL_AFLAGS`/`ERL_FLAGS`/`ERL_ZFLAGS`, `-args_file`, the split
//! into emulator flags and `init` flags, `-env`, `-detached`, `-version`), the emulator flags
//! are read as OTP's emulator reads them (`crate::emu_flags`: checked, and honoured where
//! this runtime has the knob), and `init` gets the argument vector `erl`'s `init` gets. The
//! exit status is what `halt/1` says. Without `-noshell` (or `-noinput`, `-detached`) it
//! refuses to start: there is no interactive shell yet. `-root DIR` names the OTP to boot
//! (else `ERL_ROOTDIR`, the `erl` on `PATH`, `/usr/lib/erlang`, `/usr/local/lib/erlang`).
//!
//! `beam --bare [-root DIR] [-pa DIR...] -s Mod [Fun [Arg...]]` runs `Mod:Fun()` (or
//! `Mod:Fun([Arg...])` with atom arguments, like `erl -s`) in a first process without booting
//! OTP. The exit status is 0 when it returns, N after `erlang:halt(N)`, 1 on an uncaught
//! exception.

/// The runtime's allocator: the C allocator behind per-thread caches (`erts::erl_alloc`).
#[global_allocator]
static ALLOC: erts::erl_alloc::ErlAlloc = erts::erl_alloc::ErlAlloc;

mod emu_flags;
mod erlexec;

use erts::break_handler::BreakMode;
use erts::runtime::{self, Options};
use std::path::PathBuf;

fn usage() -> ! {
    eprintln!(
        "usage: beam [+S N] [+SDcpu N[:M]] [+SDPcpu P[:Q]] [+SDio N] [+P N] [+A N] [-root DIR] -noshell [erl flags...]\n       beam --bare [emulator flags] [-root DIR] [-pa DIR...] -s Mod [Fun [Arg...]]"
    );
    std::process::exit(2)
}

/// Parses `+SDcpu N[:M]`, `+SDPcpu P[:Q]` (percentages) or `+SDio N` into `c`; false when
/// the value is malformed or out of range (as `erl`, which refuses to start).
fn dirty_flag(c: &mut erts::sched::dirty::DirtyConfig, flag: &str, v: &str) -> bool {
    let max = erts::sched::dirty::MAX_DIRTY;
    let mut parts = v.split(':');
    let first: Option<usize> = parts.next().and_then(|n| n.parse().ok());
    let second: Option<Option<usize>> = match parts.next() {
        None => Some(None),
        Some(m) => m.parse().ok().map(Some),
    };
    let (Some(n), Some(m), None) = (first, second, parts.next()) else {
        return false;
    };
    let limit = if flag == "+SDPcpu" { 100 } else { max };
    if n < 1 || n > limit || m.is_some_and(|m| m < 1 || m > n) {
        return false;
    }
    match flag {
        "+SDcpu" => c.cpu = Some((n, m.unwrap_or(n))),
        "+SDPcpu" => c.cpu_percent = Some((n, m.unwrap_or(n))),
        _ if m.is_some() => return false,
        _ => c.io = Some(n),
    }
    true
}

/// The emulator's own settings, from its `+` flags.
#[derive(Default)]
struct Emulator {
    schedulers: Option<usize>,
    dirty: erts::sched::dirty::DirtyConfig,
    break_mode: BreakMode,
}

impl Emulator {
    /// Takes the emulator flag at `args[*i]` (and its value, moving `*i` on); false when
    /// `args[*i]` is not one this runtime knows. A value may follow in the next argument or
    /// be attached (`+A 1` or `+A1`), as `erl` reads them.
    fn flag(&mut self, args: &[String], i: &mut usize) -> bool {
        let arg = args[*i].as_str();
        // Longest names first, so `+SDcpu4` is not `+S` with `Dcpu4`.
        const VALUED: [&str; 6] = ["+SDPcpu", "+SDcpu", "+SDio", "+S", "+A", "+P"];
        let Some(name) = VALUED.iter().copied().find(|n| arg.starts_with(n)) else {
            return match arg {
                // `+B[c|d|i]`: how the break signal (Ctrl-C) is handled.
                "+B" | "+Bd" => {
                    self.break_mode = BreakMode::Disabled;
                    true
                }
                "+Bc" => {
                    self.break_mode = BreakMode::ReplaceIntr;
                    true
                }
                "+Bi" => {
                    self.break_mode = BreakMode::Ignore;
                    true
                }
                // `+sbt u` (`+sbtu`): schedulers not bound to CPUs, which is how this
                // runtime's scheduler threads always run; other bind types are refused.
                "+sbtu" => true,
                // `+JIT true|false`: the native-code tier.
                "+JIT" => match args.get(*i + 1).map(String::as_str) {
                    Some(v @ ("true" | "false")) => {
                        erts::jit::set_enabled(v == "true");
                        *i += 1;
                        true
                    }
                    _ => false,
                },
                // `+JPperf true|map|false`: a perf map of the machine code (`/tmp/perf-PID.map`).
                "+JPperf" => match args.get(*i + 1).map(String::as_str) {
                    Some(v @ ("true" | "map" | "false")) => {
                        erts::jit::set_perf_map(v != "false");
                        *i += 1;
                        true
                    }
                    _ => false,
                },
                "+sbt" if args.get(*i + 1).map(String::as_str) == Some("u") => {
                    *i += 1;
                    true
                }
                _ => false,
            };
        };
        let attached = &arg[name.len()..];
        if attached.starts_with(|c: char| !c.is_ascii_digit()) {
            // Another flag with the same beginning (`+SP`, `+Awhatever`).
            return false;
        }
        let v: &str = if !attached.is_empty() {
            attached
        } else {
            *i += 1;
            args.get(*i).unwrap_or_else(|| usage())
        };
        match name {
            "+S" => {
                // `+S N` or `+S N:M` (schedulers:online).
                let n = v.split(':').next().and_then(|n| n.parse().ok());
                self.schedulers = Some(n.unwrap_or_else(|| usage()));
            }
            "+A" => {
                let n: usize = v.parse().unwrap_or_else(|_| usage());
                if !ports::driver_api::async_pool::set_thread_count(n) {
                    usage();
                }
            }
            "+P" => {
                let n: usize = v.parse().unwrap_or_else(|_| usage());
                erts::process::table::table().set_limit(n);
            }
            _ => {
                if !dirty_flag(&mut self.dirty, name, v) {
                    usage();
                }
            }
        }
        true
    }

    /// Starts what every run needs, before any thread starts; the scheduler count.
    fn start(self) -> usize {
        // The port-program helper is forked from this process while it has one thread.
        ports::init();
        nif_api::init();
        erts::sched::dirty::configure(self.dirty);
        erts::break_handler::install(self.break_mode);
        self.schedulers.unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        })
    }
}

/// `erlexec`'s usage message (after a flag it cannot take), exit status 1.
fn erlexec_usage() -> ! {
    eprintln!(
        "Usage: erl [-version] [-sname NAME | -name NAME] [-noshell] [-noinput] [-detached] \
         [-env VAR VALUE] [-args_file FILE] [-extra ARGS...] [+V] [+S N[:M]] [+P N] [+Q N] \
         [+A N] [+h<SWITCH> VALUE] [+M<SWITCH> VALUE] [+s<SWITCH> VALUE] [+z<SWITCH> VALUE] \
         [init flags and args...]"
    );
    std::process::exit(1)
}

/// A line on stderr as the emulator writes its messages (OTP ends them with CR LF).
fn emulator_message(line: &str) {
    eprint!("{line}\r\n");
}

/// The emulator's usage message (after a bad emulator flag), exit status 1.
fn emulator_usage() -> ! {
    emulator_message("Usage: beam [flags] [ -- [init_args] ]");
    emulator_message(
        "The flags are erl's + flags (given to erl with +, to the emulator with -); \
         src/bin/beam/emu_flags.rs lists the ones this runtime takes.",
    );
    std::process::exit(1)
}

/// The emulator version of the OTP under `root` (its `lib/erts-<vsn>`).
fn emulator_version(root: Option<&std::path::Path>) -> String {
    root.and_then(runtime::erts_dir_name)
        .and_then(|n| n.strip_prefix("erts-").map(str::to_string))
        .unwrap_or_else(|| "13.1.5".to_string())
}

/// `PATH` as `erlexec` leaves it for the emulator: the emulator's `bin` folder and the
/// root's `bin` first.
fn erlexec_path(root: &std::path::Path, bindir: &std::path::Path) -> String {
    let (root, bindir) = (root.display().to_string(), bindir.display().to_string());
    match std::env::var("PATH") {
        Err(_) => format!("{bindir}:{root}/bin:"),
        Ok(p) if !p.contains(&root) => format!("{bindir}:{root}/bin:{p}"),
        Ok(p) => format!("{bindir}:{}", p.replace(&format!("{bindir}:"), "")),
    }
}

/// The environment variable that marks the background copy `-detached` starts (its command
/// line is the same; it must not detach again).
const DETACHED_MARK: &str = "BEAM_RS_DETACHED_CHILD";

/// `-detached`: starts this same command again in a new session with its standard streams
/// on `/dev/null`, and exits 0 (as `erlexec`, whose caller goes on at once).
/// Starts `epmd -daemon` as `erlexec` does for a distributed node (`system("epmd -daemon")`:
/// the daemon forks and the command returns; an `epmd` already running makes it exit). The
/// program is `-epmd PROGRAM`, else the one in the emulator's `bin`, else `epmd` on `PATH`.
fn start_epmd(root: Option<&std::path::Path>, program: Option<&str>) {
    let prog = match program {
        Some(p) => p.to_string(),
        None => root
            .map(|r| runtime::bindir(r).join("epmd"))
            .filter(|p| p.exists())
            .map_or_else(|| "epmd".to_string(), |p| p.display().to_string()),
    };
    let status = std::process::Command::new("/bin/sh")
        .arg("-c")
        .arg(format!("{prog} -daemon"))
        .stdin(std::process::Stdio::null())
        .status();
    if !status.is_ok_and(|s| s.success()) {
        eprintln!("Error spawning {prog} -daemon (error 0)");
    }
}

fn detach(cmdline: &[String]) -> ! {
    use std::os::unix::process::CommandExt;
    use std::process::{Command, Stdio};
    let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("beam"));
    let mut cmd = Command::new(exe);
    cmd.args(cmdline)
        .env(DETACHED_MARK, "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // SAFETY: the closure runs in the forked child before `exec`; it only calls `setsid`,
    // which is async-signal-safe and touches no memory of the parent.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setsid() < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    match cmd.spawn() {
        Ok(_) => std::process::exit(0),
        Err(e) => {
            eprintln!("erlexec: cannot start the detached emulator: {e}");
            std::process::exit(1)
        }
    }
}

/// The schedulers and schedulers online that `+S`/`+SP` ask for, as OTP counts them from the
/// logical processors: a negative number is that many less than the processors; without a
/// number online, as many as are started but at most the processors.
fn scheduler_counts(s: &crate::emu_flags::Settings) -> (usize, usize) {
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1) as i64;
    let of_cpus = |n: i64| if n < 0 { (cpus + n).max(1) } else { n };
    let mut total = cpus;
    let mut online = None;
    if let (Some(p), q) = s.schedulers_percent {
        total = (cpus * p as i64 / 100).max(1);
        online = q.map(|q| (cpus * q as i64 / 100).max(1));
    }
    if let Some(n) = s.schedulers {
        total = of_cpus(n);
    }
    if let Some(m) = s.schedulers_online {
        online = Some(of_cpus(m));
    }
    let total = total.clamp(1, erts::sched::dirty::MAX_DIRTY as i64) as usize;
    let online = online.unwrap_or(cpus).clamp(1, total as i64) as usize;
    (total, online)
}

/// `beam` without `--bare`: boots OTP with the arguments `erlexec` would give it.
fn boot_main(cmdline: &[String]) -> ! {
    let detached_child = std::env::var_os(DETACHED_MARK).is_some();
    if detached_child {
        std::env::remove_var(DETACHED_MARK);
    }
    let launch = crate::erlexec::expand(cmdline, &|v| std::env::var(v).ok())
        .and_then(|args| crate::erlexec::launch(&args));
    let launch = match launch {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{e}");
            erlexec_usage()
        }
    };
    for (k, v) in &launch.env {
        std::env::set_var(k, v);
    }
    // `-root DIR` (before `-extra`) is this runtime's: it names the OTP to boot.
    let mut root: Option<PathBuf> = None;
    let mut user: Vec<String> = Vec::new();
    let mut i = 0;
    while i < launch.init.len() {
        let a = &launch.init[i];
        if a == "-extra" {
            user.extend(launch.init[i..].iter().cloned());
            break;
        }
        if a == "-root" {
            i += 1;
            root = Some(PathBuf::from(
                launch.init.get(i).unwrap_or_else(|| erlexec_usage()),
            ));
        } else {
            user.push(a.clone());
        }
        i += 1;
    }
    let root = root.or_else(runtime::find_root);
    if let Some(root) = &root {
        let bindir = runtime::bindir(root);
        std::env::set_var("PATH", erlexec_path(root, &bindir));
        // What the `erl` script exports for `erlexec` and the emulator.
        std::env::set_var("ROOTDIR", root);
        std::env::set_var("BINDIR", &bindir);
        std::env::set_var("EMU", "beam");
        if std::env::var_os("PROGNAME").is_none() {
            std::env::set_var("PROGNAME", "erl");
        }
    }
    let exe = std::env::current_exe()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| "beam".to_string());
    if launch.print_args_exit || launch.verbose {
        let mut all = launch.emulator.clone();
        all.push("--".to_string());
        if let Some(root) = &root {
            all.extend(runtime::boot_args(root, &user));
        }
        if launch.print_args_exit {
            for a in &all {
                println!("{a}");
            }
            std::process::exit(0);
        }
        println!("Executing: {exe} {exe} {}\n", all.join(" "));
    }
    if launch.distributed && !launch.no_epmd && !detached_child {
        start_epmd(root.as_deref(), launch.epmd.as_deref());
    }
    if launch.detached && !detached_child {
        detach(cmdline);
    }
    let settings = match crate::emu_flags::parse(&launch.emulator) {
        Ok(s) => s,
        Err(crate::emu_flags::Stop::Version) => {
            emulator_message(&format!(
                "Erlang (SMP,ASYNC_THREADS) (BEAM) emulator version {}",
                emulator_version(root.as_deref())
            ));
            std::process::exit(0);
        }
        Err(crate::emu_flags::Stop::Bad(msg)) => {
            emulator_message(&msg);
            emulator_usage()
        }
        Err(crate::emu_flags::Stop::Unknown(flag)) => {
            emulator_message(&format!("{exe} unknown flag {flag}"));
            emulator_usage()
        }
    };
    if launch.emulator.iter().any(|f| f.starts_with("-v")) {
        // As OTP's emulator (not built for debugging) says.
        emulator_message("warning: -v (only in debug compiled code)");
    }
    let Some(root) = root else {
        eprintln!(
            "beam: cannot find the OTP root (give -root DIR, set ERL_ROOTDIR, or put OTP's erl on PATH)"
        );
        std::process::exit(2);
    };
    let (schedulers, online) = scheduler_counts(&settings);
    apply(&settings);
    runtime::set_schedulers_online(online);
    let boot_args = runtime::boot_args(&root, &user);
    let emu = Emulator {
        schedulers: Some(schedulers),
        dirty: settings.dirty,
        break_mode: settings.break_mode,
    };
    let n = emu.start();
    let Err(e) = runtime::boot(&root, &boot_args, n);
    eprintln!("beam: cannot boot OTP: {e}");
    std::process::exit(1);
}

/// Makes the runtime follow the emulator flags that have an effect here (the schedulers
/// aside).
fn apply(s: &crate::emu_flags::Settings) {
    if let Some(n) = s.async_threads {
        ports::driver_api::async_pool::set_thread_count(n);
    }
    if let Some(n) = s.process_limit {
        erts::process::table::table().set_limit(n);
    }
    if let Some(n) = s.port_limit {
        erts::port::table::table().set_limit(n);
    }
    if let Some(n) = s.min_heap_size {
        erts::process::gc::set_default_min_heap_size(n);
    }
    if s.max_heap_size.is_some() || s.max_heap_kill.is_some() || s.max_heap_error_logger.is_some() {
        let d = erts::process::gc::MaxHeap::system_default();
        erts::process::gc::MaxHeap {
            size: s.max_heap_size.unwrap_or(d.size),
            kill: s.max_heap_kill.unwrap_or(d.kill),
            error_logger: s.max_heap_error_logger.unwrap_or(d.error_logger),
        }
        .set_system_default();
    }
    if let Some(u) = s.printable_unicode {
        erts::bif::system_info::set_printable_unicode(u);
    }
    if let Some(m) = &s.boot_module {
        runtime::set_boot_module(m);
    }
    if let Some(on) = s.jit {
        erts::jit::set_enabled(on);
    }
}

fn main() {
    // The one runtime instance of this OS process; everything runs with it entered. Its
    // `halt` exits the OS process (no halt handler).
    let instance = erts::instance::Instance::new();
    instance.enter(run);
}

fn run() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !args.iter().any(|a| a == "--bare" || a == "-bare") {
        boot_main(&args);
    }
    let mut opts = Options::default();
    let mut emu = Emulator::default();
    let mut start: Option<(String, String, Option<Vec<String>>)> = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--bare" | "-bare" => {}
            "-noshell" | "-noinput" => {}
            _ if args[i].starts_with('+') && emu.flag(&args, &mut i) => {}
            "-root" => {
                i += 1;
                opts.root = Some(PathBuf::from(args.get(i).unwrap_or_else(|| usage())));
            }
            "-pa" => {
                while i + 1 < args.len() && !args[i + 1].starts_with('-') {
                    i += 1;
                    opts.pa.push(PathBuf::from(&args[i]));
                }
            }
            "-s" => {
                let m = args.get(i + 1).cloned().unwrap_or_else(|| usage());
                i += 1;
                let mut rest = Vec::new();
                while i + 1 < args.len() && !args[i + 1].starts_with('-') {
                    i += 1;
                    rest.push(args[i].clone());
                }
                let (f, a) = if rest.is_empty() {
                    ("start".to_string(), None)
                } else {
                    let f = rest.remove(0);
                    (f, if rest.is_empty() { None } else { Some(rest) })
                };
                if start.is_none() {
                    start = Some((m, f, a));
                }
            }
            other => {
                eprintln!("beam: unknown option {other}");
                usage();
            }
        }
        i += 1;
    }
    let Some((m, f, a)) = start else { usage() };
    let n = emu.start();
    runtime::init(&opts);
    std::process::exit(runtime::run_bare(&m, &f, a, n));
}
