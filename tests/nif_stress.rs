//! Stress tests of the erl_nif API under concurrency: the programs of `tests/nif_stress/`
//! (with the NIF library `c-tests/nifs/nif_stress.c`) run on `beam` with `+S 1`, `+S 2` and
//! `+S 4`, and each run must print exactly what the real `erl` prints:
//! - `nif_storm`: `enif_send` from 8 and 16 created threads released at once, to one process
//!   and round-robin to many; every message counted, none lost or duplicated, each thread's
//!   messages in order, payloads intact;
//! - `nif_objects`: resources shared by 1000 processes, made by 2000 processes that die (some
//!   kept in ETS and messages), counts released by created threads; each destructor runs
//!   exactly once (counted per object by the NIF);
//! - `nif_downs`: `enif_monitor_process` on 1000 processes from one resource and from 1000
//!   resources, half demonitored, dead and dying processes; one `down` per monitor held.
//!
//! `NIF_STRESS_FILTER=substr` runs only the programs whose name contains `substr`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const PROGRAMS: &[&str] = &["nif_storm", "nif_objects", "nif_downs"];

/// Where the compiled programs and the NIF library go: (ebin, NIF folder).
fn setup() -> &'static (PathBuf, PathBuf) {
    static S: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    S.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("nif-stress");
        std::fs::create_dir_all(&dir).unwrap();
        let include = [
            "/usr/lib/erlang/usr/include",
            "/usr/local/lib/erlang/usr/include",
        ]
        .into_iter()
        .find(|d| Path::new(d).join("erl_nif.h").exists())
        .expect("OTP's erl_nif.h (install erlang-dev)");
        let st = Command::new("cc")
            .args(["-shared", "-fPIC", "-O2", "-I", include, "-o"])
            .arg(dir.join("nif_stress.so"))
            .arg(root.join("c-tests/nifs/nif_stress.c"))
            .status()
            .expect("cc must be installed");
        assert!(st.success(), "cc failed on nif_stress.c");
        let sources = std::fs::read_dir(root.join("tests/nif_stress"))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "erl"));
        for p in sources {
            let st = Command::new("erlc")
                .arg("-o")
                .arg(&dir)
                .arg(&p)
                .status()
                .expect("erlc must be installed (see README)");
            assert!(st.success(), "erlc failed on {}", p.display());
        }
        (dir.clone(), dir)
    })
}

/// Runs a command with a time limit; returns stdout or a failure.
fn run(mut cmd: Command, limit: Duration) -> Result<String, String> {
    let (_, nif_dir) = setup();
    let mut child = cmd
        .env("BEAM_TEST_NIF_DIR", nif_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let t0 = Instant::now();
    loop {
        if let Some(st) = child.try_wait().map_err(|e| e.to_string())? {
            let out = child.wait_with_output().map_err(|e| e.to_string())?;
            let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
            if !st.success() {
                return Err(format!(
                    "exit {st}: {}{}",
                    stdout.chars().take(2000).collect::<String>(),
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
            let _ = child.wait();
            return Err(format!(
                "timed out after {limit:?} (deadlock or lost message?)"
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn expected(p: &str) -> String {
    let (ebin, _) = setup();
    let run_erl = || {
        let mut cmd = Command::new("erl");
        cmd.args(["-noshell", "-pa"])
            .arg(ebin)
            .args(["-s", p, "main", "-s", "init", "stop"]);
        run(cmd, Duration::from_secs(180)).unwrap_or_else(|e| panic!("real erl failed on {p}: {e}"))
    };
    common::erl_reference(run_erl)
}

fn on_beam(p: &str, schedulers: u32) -> Result<String, String> {
    let (ebin, _) = setup();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_beam"));
    cmd.args(["--bare", "+S", &schedulers.to_string(), "-pa"])
        .arg(ebin)
        .args(["-s", p, "main"]);
    run(cmd, Duration::from_secs(180))
}

#[test]
fn nif_stress_programs_on_1_2_and_4_schedulers() {
    let filter = std::env::var("NIF_STRESS_FILTER").unwrap_or_default();
    let mut failures = Vec::new();
    for p in PROGRAMS.iter().filter(|p| p.contains(filter.as_str())) {
        let want = expected(p);
        assert!(!want.is_empty(), "{p}: no output on real erl");
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
