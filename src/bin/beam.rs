//! The `beam` command: an `erl`-compatible front end to the runtime.
//!
//! `beam --bare [-root DIR] [-pa DIR...] -s Mod [Fun [Arg...]]` runs `Mod:Fun()` (or
//! `Mod:Fun([Arg...])` with atom arguments, like `erl -s`) in a first process without booting
//! OTP. The exit status is 0 when it returns, N after `erlang:halt(N)`, 1 on an uncaught
//! exception.

use erts::runtime::{self, Options};
use std::path::PathBuf;

fn usage() -> ! {
    eprintln!(
        "usage: beam --bare [+S N] [+SDcpu N[:M]] [+SDPcpu P[:Q]] [+SDio N] [+P N] [+A N] [-root DIR] [-pa DIR...] -s Mod [Fun [Arg...]]"
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

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut opts = Options::default();
    let mut bare = false;
    let mut schedulers: Option<usize> = None;
    let mut dirty = erts::sched::dirty::DirtyConfig::default();
    let mut start: Option<(String, String, Option<Vec<String>>)> = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--bare" | "-bare" => bare = true,
            "-noshell" | "-noinput" => {}
            "+S" => {
                i += 1;
                let v = args.get(i).unwrap_or_else(|| usage());
                // `+S N` or `+S N:M` (schedulers:online).
                let n = v.split(':').next().and_then(|n| n.parse().ok());
                schedulers = Some(n.unwrap_or_else(|| usage()));
            }
            "+SDcpu" | "+SDPcpu" | "+SDio" => {
                let flag = args[i].clone();
                i += 1;
                let v = args.get(i).unwrap_or_else(|| usage());
                if !dirty_flag(&mut dirty, &flag, v) {
                    usage();
                }
            }
            "+A" => {
                i += 1;
                let n: usize = args
                    .get(i)
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| usage());
                if !ports::driver_api::async_pool::set_thread_count(n) {
                    usage();
                }
            }
            "+P" => {
                i += 1;
                let n: usize = args
                    .get(i)
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| usage());
                erts::process::table::table().set_limit(n);
            }
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
    if !bare {
        eprintln!("beam: booting OTP is not supported yet; use --bare");
        std::process::exit(2);
    }
    let Some((m, f, a)) = start else { usage() };
    // Before any thread starts: the port-program helper is forked from this process.
    ports::init();
    nif_api::init();
    erts::sched::dirty::configure(dirty);
    runtime::init(&opts);
    let n = schedulers.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    std::process::exit(runtime::run_bare(&m, &f, a, n));
}
