//! The `beam` command: an `erl`-compatible front end to the runtime.
//!
//! `beam [+S N] [...] -noshell ARGS` boots OTP as `erl -noshell ARGS` does: `ERL_AFLAGS`,
//! `ERL_FLAGS`, `ERL_ZFLAGS` and `-args_file` are merged in as `erlexec` does
//! (`erts_embed::erlexec`), the emulator flags (`+...`) are the runtime's, `-env VAR VALUE`
//! sets an environment variable,
//! `-noinput` implies `-noshell`, and everything else goes to OTP's `init` as `erlexec`
//! passes it (`-s`, `-eval`, `-pa`, `-extra`, ...). The exit status is what `halt/1` says.
//!
//! `beam --bare [-root DIR] [-pa DIR...] -s Mod [Fun [Arg...]]` runs `Mod:Fun()` (or
//! `Mod:Fun([Arg...])` with atom arguments, like `erl -s`) in a first process without booting
//! OTP. The exit status is 0 when it returns, N after `erlang:halt(N)`, 1 on an uncaught
//! exception.

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
                // `+B[c|d|i]`: how the break signal (Ctrl-C) is handled; this runtime has no
                // break menu yet, so every form keeps the default (SIGINT ends the VM).
                "+B" | "+Bc" | "+Bd" | "+Bi" => true,
                // `+sbt u` (`+sbtu`): schedulers not bound to CPUs, which is how this
                // runtime's scheduler threads always run; other bind types are refused.
                "+sbtu" => true,
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
        self.schedulers.unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        })
    }
}

/// `beam` without `--bare`: boots OTP with the arguments `erlexec` would give it.
fn boot_main(cmdline: &[String]) -> ! {
    let args = match erts_embed::erlexec::expand(cmdline, &|v| std::env::var(v).ok()) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("beam: {e}");
            std::process::exit(1);
        }
    };
    let args = &args[..];
    let mut emu = Emulator::default();
    let mut root: Option<PathBuf> = None;
    let mut user: Vec<String> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "-extra" => {
                user.extend(args[i..].iter().cloned());
                break;
            }
            "-root" => {
                i += 1;
                root = Some(PathBuf::from(args.get(i).unwrap_or_else(|| usage())));
            }
            "-env" => {
                let (Some(k), Some(v)) = (args.get(i + 1), args.get(i + 2)) else {
                    usage()
                };
                std::env::set_var(k, v);
                i += 2;
            }
            "-noinput" => {
                user.push("-noshell".to_string());
                user.push("-noinput".to_string());
            }
            _ if a.starts_with('+') => {
                if !emu.flag(args, &mut i) {
                    eprintln!("beam: emulator flag {a} is not supported");
                    std::process::exit(2);
                }
            }
            _ => user.push(a.to_string()),
        }
        i += 1;
    }
    if !user.iter().any(|a| a == "-noshell") {
        eprintln!("beam: the interactive shell is not supported yet; use -noshell");
        std::process::exit(2);
    }
    let Some(root) = root.or_else(runtime::find_root) else {
        eprintln!("beam: cannot find the OTP root (give -root DIR or set ERL_ROOT)");
        std::process::exit(2);
    };
    let boot_args = runtime::boot_args(&root, &user);
    let n = emu.start();
    let Err(e) = runtime::boot(&root, &boot_args, n);
    eprintln!("beam: cannot boot OTP: {e}");
    std::process::exit(1);
}

fn main() {
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
