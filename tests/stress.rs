//! Stress tests of processes and schedulers: the concurrency programs of `tests/erl/` (ring of
//! 10,000 processes × 100 laps, 100 senders × 10,000 messages with per-sender order checked,
//! exit storms through a 20,000-process link chain, 100,000 processes alive at once, busy
//! loops that must not starve a ping-pong pair, processes sharing ETS tables) run on `beam` with `+S 1`, `+S 2` and `+S 4`,
//! and each run must print exactly what the real `erl` prints (no lost message, no deadlock).
//! The port programs of `tests/port_stress/` run the same way: 1,000 port programs at once,
//! owners killed while data streams (no port, program or file descriptor left behind), and
//! 1 GB through one port.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const PROGRAMS: &[&str] = &[
    "proc_ring",
    "proc_senders",
    "proc_link_chain",
    "proc_many",
    "proc_fairness",
    "proc_registry_timers",
    "spawn_messages",
    "exit_signals",
    "receive_selective",
    "ets_concurrency",
    "ets_ownership",
];

/// Stress programs of ports, in `tests/port_stress/`.
const PORT_PROGRAMS: &[&str] = &["port_thousand", "port_owner_killed", "port_gigabyte"];

/// Run under a limit of 64 open files: ports until `emfile`, then room again.
const EMFILE_PROGRAM: &str = "port_emfile";

fn ebin() -> &'static PathBuf {
    static E: OnceLock<PathBuf> = OnceLock::new();
    E.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("stress-ebin");
        std::fs::create_dir_all(&dir).unwrap();
        let tests = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests");
        let sources = PROGRAMS
            .iter()
            .map(|p| tests.join("erl").join(format!("{p}.erl")))
            .chain(
                PORT_PROGRAMS
                    .iter()
                    .chain([&EMFILE_PROGRAM])
                    .map(|p| tests.join("port_stress").join(format!("{p}.erl"))),
            );
        for p in sources {
            let st = Command::new("erlc")
                .arg("-o")
                .arg(&dir)
                .arg(&p)
                .status()
                .expect("erlc must be installed (see README)");
            assert!(st.success(), "erlc failed on {}", p.display());
        }
        dir
    })
}

/// Runs a command with a time limit; returns stdout (with erl's `\r\n` kept) or a failure.
fn run(mut cmd: Command, limit: Duration) -> Result<String, String> {
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let t0 = Instant::now();
    loop {
        if let Some(st) = child.try_wait().map_err(|e| e.to_string())? {
            let out = child.wait_with_output().map_err(|e| e.to_string())?;
            let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
            if !st.success() {
                return Err(format!(
                    "exit {st}: {}",
                    String::from_utf8_lossy(&out.stderr)
                        .chars()
                        .take(2000)
                        .collect::<String>()
                ));
            }
            return Ok(stdout);
        }
        if t0.elapsed() > limit {
            let _ = child.kill();
            return Err(format!(
                "timed out after {limit:?} (deadlock or lost message?)"
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn expected(p: &str) -> String {
    let run_erl = || {
        let mut cmd = Command::new("erl");
        cmd.args(["-noshell", "+P", "2000000", "-pa"])
            .arg(ebin())
            .args(["-s", p, "main", "-s", "init", "stop"]);
        run(cmd, Duration::from_secs(120)).unwrap_or_else(|e| panic!("real erl failed on {p}: {e}"))
    };
    common::erl_reference(run_erl)
}

fn on_beam(p: &str, schedulers: u32) -> Result<String, String> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_beam"));
    cmd.args([
        "--bare",
        "+S",
        &schedulers.to_string(),
        "+P",
        "2000000",
        "-pa",
    ])
    .arg(ebin())
    .args(["-s", p, "main"]);
    run(cmd, Duration::from_secs(120))
}

#[test]
fn concurrency_programs_on_1_2_and_4_schedulers() {
    run_all(PROGRAMS);
}

#[test]
fn port_stress_programs_on_1_2_and_4_schedulers() {
    run_all(PORT_PROGRAMS);
}

/// A command run by `sh` with at most 64 open files.
fn with_file_limit(program: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "ulimit -n 64 && exec \"$@\"", "sh", program])
        .args(args);
    cmd
}

#[test]
fn ports_fail_with_emfile_at_the_file_limit() {
    let ebin = ebin().to_str().expect("utf-8 path").to_string();
    let p = EMFILE_PROGRAM;
    let erl = with_file_limit(
        "erl",
        &[
            "-noshell", "-pa", &ebin, "-s", p, "main", "-s", "init", "stop",
        ],
    );
    let want = run(erl, Duration::from_secs(60)).expect("real erl");
    let beam = with_file_limit(
        env!("CARGO_BIN_EXE_beam"),
        &["--bare", "-pa", &ebin, "-s", p, "main"],
    );
    let got = run(beam, Duration::from_secs(60)).expect("beam");
    assert!(
        want.contains("emfile"),
        "erl did not reach the limit: {want}"
    );
    assert_eq!(got, want);
}

/// Runs each program on real erl once and on beam with 1, 2 and 4 schedulers.
fn run_all(programs: &[&str]) {
    let mut failures = Vec::new();
    for p in programs {
        let want = expected(p);
        for s in [1, 2, 4] {
            let t0 = Instant::now();
            match on_beam(p, s) {
                Ok(got) if got == want => {
                    println!("ok   {p} +S {s} ({} ms)", t0.elapsed().as_millis())
                }
                Ok(got) => {
                    let line = want
                        .lines()
                        .zip(got.lines())
                        .position(|(a, b)| a != b)
                        .unwrap_or(want.lines().count().min(got.lines().count()));
                    failures.push(format!(
                        "{p} +S {s}: output differs at line {}: expected {:?}, got {:?}",
                        line + 1,
                        want.lines().nth(line),
                        got.lines().nth(line)
                    ));
                }
                Err(e) => failures.push(format!("{p} +S {s}: {e}")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
