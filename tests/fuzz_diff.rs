//! Differential fuzzing against the real `erl`: `tests/fuzz/fuzz_diff.erl` generates a batch of
//! inputs per target from a seed (random terms, their encodings, mutations of 1 to 4 bytes,
//! edge values, malformed data), calls the function under test on each and prints one line per
//! input. The same program runs on the real `erl` and on `beam --bare`; the results are compared
//! input by input (value, or error class and reason), and the first differing inputs are printed
//! as `erlang:display(...)` lines ready to paste into a `tests/erl/` program.
//!
//! Environment:
//! - `FUZZ_SEED=n`        seed (default 15, the one CI runs)
//! - `FUZZ_N=n`           inputs per target (default 1000)
//! - `FUZZ_START=n`       first input index (default 0); input `i` depends only on seed, target, `i`
//! - `FUZZ_TARGETS=a,b`   targets to run (default all, see `fuzz_diff:targets/0`)
//! - `FUZZ_CHUNK=n`       inputs per target per VM run (default 20000)
//! - `FUZZ_SHOW=n`        differences shown per target (default 5)
//! - `FUZZ_TIMEOUT=secs`  limit per VM run (default 600)
//!
//! A long run: `FUZZ_SEED=1 FUZZ_N=1000000 cargo test --release --test fuzz_diff -- --nocapture`.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(default)
}

/// The output of one VM run.
struct Run {
    status: Option<i32>,
    stdout: String,
    stderr: String,
    timed_out: bool,
}

fn run(mut cmd: Command, limit: Duration) -> Run {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("ERL_CRASH_DUMP_SECONDS", "0");
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return Run {
                status: None,
                stdout: String::new(),
                stderr: format!("cannot spawn {cmd:?}: {e}"),
                timed_out: false,
            }
        }
    };
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let t_out = thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let t_err = thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let start = Instant::now();
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(st)) => break st.code(),
            Ok(None) if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                timed_out = true;
                break None;
            }
            Ok(None) => thread::sleep(Duration::from_millis(10)),
            Err(_) => break None,
        }
    };
    Run {
        status,
        stdout: String::from_utf8_lossy(&t_out.join().unwrap_or_default()).into_owned(),
        stderr: String::from_utf8_lossy(&t_err.join().unwrap_or_default()).into_owned(),
        timed_out,
    }
}

/// One input's line: (target, index) -> (call, result).
type Results = HashMap<(String, u64), (String, String)>;

/// Parses `Target\tIndex\tCall\tResult` lines; returns them and whether `done` was reached.
fn parse(out: &str) -> (Results, bool) {
    let mut map = HashMap::new();
    let mut done = false;
    for line in out.lines() {
        if line == "done" {
            done = true;
            continue;
        }
        let mut parts = line.splitn(4, '\t');
        let (Some(t), Some(i), Some(call), Some(res)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let Ok(i) = i.parse::<u64>() else { continue };
        map.insert((t.to_string(), i), (call.to_string(), res.to_string()));
    }
    (map, done)
}

fn tail(s: &str, n: usize) -> &str {
    let mut start = s.len().saturating_sub(n);
    while !s.is_char_boundary(start) {
        start += 1;
    }
    &s[start..]
}

fn compile_driver(root: &Path) -> PathBuf {
    let ebin = root.join("tests/out/fuzz_ebin");
    fs::create_dir_all(&ebin).expect("create tests/out/fuzz_ebin");
    let mut cmd = Command::new("erlc");
    cmd.arg("-o")
        .arg(&ebin)
        .arg(root.join("tests/fuzz/fuzz_diff.erl"));
    let o = run(cmd, Duration::from_secs(120));
    assert_eq!(
        o.status,
        Some(0),
        "erlc fuzz_diff.erl failed:\n{}{}",
        o.stdout,
        o.stderr
    );
    ebin
}

#[derive(Default)]
struct TargetStats {
    inputs: u64,
    diffs: u64,
    shown: Vec<String>,
}

#[test]
fn fuzz_against_real_erl() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let beam = env!("CARGO_BIN_EXE_beam");
    let ebin = compile_driver(&root);
    let seed = env_u64("FUZZ_SEED", 15);
    let first = env_u64("FUZZ_START", 0);
    let n = env_u64("FUZZ_N", 1000);
    let chunk = env_u64("FUZZ_CHUNK", 20000).max(1);
    let show = env_u64("FUZZ_SHOW", 5) as usize;
    let limit = Duration::from_secs(env_u64("FUZZ_TIMEOUT", 600));
    let targets = std::env::var("FUZZ_TARGETS").unwrap_or_default();
    let rundir = root.join("tests/out/run");
    fs::create_dir_all(&rundir).expect("create tests/out/run");

    let mut stats: BTreeMap<String, TargetStats> = BTreeMap::new();
    let mut problems = Vec::new();
    let t0 = Instant::now();
    let mut start = first;
    while start < first + n {
        let count = chunk.min(first + n - start);
        let envs = [
            ("FUZZ_SEED", seed.to_string()),
            ("FUZZ_START", start.to_string()),
            ("FUZZ_N", count.to_string()),
            ("FUZZ_TARGETS", targets.clone()),
        ];
        let mut erl = Command::new("erl");
        erl.current_dir(&rundir)
            .args(["-noshell", "-pa"])
            .arg(&ebin)
            .args(["-s", "fuzz_diff", "main", "-s", "init", "stop"]);
        let mut ours = Command::new(beam);
        ours.current_dir(&rundir)
            .args(["--bare", "-pa"])
            .arg(&ebin)
            .args(["-s", "fuzz_diff", "main"]);
        for (k, v) in &envs {
            erl.env(k, v);
            ours.env(k, v);
        }
        let (expected, got) = thread::scope(|s| {
            let e = s.spawn(|| run(erl, limit));
            let g = run(ours, limit);
            (e.join().expect("erl runner"), g)
        });
        let (exp, exp_done) = parse(&expected.stdout);
        assert!(
            exp_done && !expected.timed_out,
            "the real erl did not finish the batch (seed {seed}, start {start}):\n{}\n{}",
            tail(&expected.stdout, 2000),
            tail(&expected.stderr, 2000)
        );
        let (ours_res, ours_done) = parse(&got.stdout);
        if !ours_done || got.status != Some(0) || got.stderr.contains("panicked") {
            problems.push(format!(
                "beam did not finish the batch (seed {seed}, start {start}, status {:?}, timed out {}):\n{}",
                got.status,
                got.timed_out,
                tail(&got.stderr, 2000)
            ));
        }
        let mut keys: Vec<_> = exp.keys().cloned().collect();
        keys.sort();
        for key in keys {
            let (call, want) = &exp[&key];
            let st = stats.entry(key.0.clone()).or_default();
            st.inputs += 1;
            let have = ours_res.get(&key).map(|(_, r)| r.as_str());
            if have == Some(want.as_str()) {
                continue;
            }
            st.diffs += 1;
            if st.shown.len() < show {
                st.shown.push(format!(
                    "%% {} seed {seed} input {}\n%%   erl:  {want}\n%%   beam: {}\nerlang:display(try {{ok, {call}}} catch C:R -> {{C, R}} end),",
                    key.0,
                    key.1,
                    have.unwrap_or("<no result: crashed or stopped before this input>")
                ));
            }
        }
        start += count;
    }

    let mut total_diffs = 0;
    for (t, st) in &stats {
        println!(
            "{t}: {} inputs, {} without a difference, {} differences",
            st.inputs,
            st.inputs - st.diffs,
            st.diffs
        );
        for s in &st.shown {
            println!("{s}");
        }
        total_diffs += st.diffs;
    }
    println!(
        "seed {seed}, inputs {first}..{}, {:.1} s",
        first + n,
        t0.elapsed().as_secs_f64()
    );
    for p in &problems {
        println!("{p}");
    }
    assert!(
        problems.is_empty() && total_diffs == 0,
        "{total_diffs} differences from the real erl, {} incomplete runs (see the output above)",
        problems.len()
    );
}
