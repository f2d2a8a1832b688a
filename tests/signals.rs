//! OS signals, as `erl` handles them: SIGTERM stops the system in order (`init:stop()`,
//! status 0, kernel's "SIGTERM received" report), SIGUSR1 halts with a crash dump
//! ("Received SIGUSR1"), SIGQUIT halts, SIGHUP keeps the OS default (the process dies of
//! it), and `os:set_signal/2` makes a signal ignored or delivered to `erl_signal_server`'s
//! event handlers. Each scenario runs on the real `erl` and on `beam`.

use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

fn dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("signals-ebin");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the folder");
        for p in ["sig_prog", "sig_forward"] {
            let o = Command::new("erlc")
                .arg("-o")
                .arg(&dir)
                .arg(root.join("tests/signals").join(format!("{p}.erl")))
                .output()
                .expect("erlc must be installed");
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        }
        dir
    })
}

struct Outcome {
    /// The exit status, or the signal that ended the process (negated).
    status: i32,
    /// Stdout after the "ready" line.
    stdout: String,
    stderr: String,
}

/// Runs `sig_prog:F` on `vm`, waits for its "ready <pid>" line, sends `signals` to that
/// OS pid (a little apart), and waits (at most 30 s) for the end.
fn run(vm: &str, function: &str, signals: &[i32], dump: &Path) -> Outcome {
    let mut cmd = Command::new(vm);
    // The scenarios count on the default dispositions; a test run started under `nohup`
    // would hand its children SIGHUP ignored (ignored signals survive `exec`).
    // SAFETY: between fork and exec the hook calls only `signal`, which is async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGHUP, libc::SIG_DFL);
            Ok(())
        });
    }
    let mut child = cmd
        .args(["-noshell", "-pa", ".", "-s", "sig_prog", function])
        .current_dir(dir())
        .env("ERL_CRASH_DUMP", dump)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {vm}: {e}"));
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut err = child.stderr.take().expect("stderr");
    let t_err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let mut line = String::new();
    out.read_line(&mut line).expect("read the ready line");
    let pid: i32 = line
        .strip_prefix("ready ")
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or_else(|| panic!("{vm}: no ready line, got {line:?}"));
    for &s in signals {
        // SAFETY: `kill` only sends a signal to the pid the program reported as its own.
        let r = unsafe { libc::kill(pid, s) };
        assert_eq!(r, 0, "kill {pid}");
        std::thread::sleep(Duration::from_millis(300));
    }
    let t_out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().expect("wait") {
            break st;
        }
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{vm} {function} did not end within 30 s after {signals:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Outcome {
        status: status
            .code()
            .unwrap_or_else(|| -status.signal().unwrap_or(0)),
        stdout: t_out.join().expect("stdout"),
        stderr: t_err.join().expect("stderr"),
    }
}

/// Runs the scenario on both VMs: (erl's, beam's) outcomes, stderr with the dump path as
/// `DUMP`.
fn both(function: &str, signals: &[i32]) -> (Outcome, Outcome) {
    let mut r = ["erl", env!("CARGO_BIN_EXE_beam")].map(|vm| {
        let tag = if vm == "erl" { "erl" } else { "beam" };
        let dump = dir().join(format!("{function}-{}.{tag}.dump", signals[0]));
        let _ = std::fs::remove_file(&dump);
        let mut o = run(vm, function, signals, &dump);
        o.stderr = o.stderr.replace(dump.to_str().expect("path"), "DUMP");
        o
    });
    let beam = std::mem::replace(
        &mut r[1],
        Outcome {
            status: 0,
            stdout: String::new(),
            stderr: String::new(),
        },
    );
    let erl = std::mem::replace(
        &mut r[0],
        Outcome {
            status: 0,
            stdout: String::new(),
            stderr: String::new(),
        },
    );
    (erl, beam)
}

/// Report headers lose their time stamps.
fn untimed(s: &str) -> String {
    s.lines()
        .map(|l| match l.strip_prefix("=INFO REPORT==== ") {
            Some(_) => "=INFO REPORT==== TIME ===",
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn sigterm_stops_the_system() {
    let (erl, beam) = both("wait", &[libc::SIGTERM]);
    assert_eq!(erl.status, 0);
    assert_eq!(beam.status, erl.status, "beam's stderr: {}", beam.stderr);
    assert!(erl.stdout.contains("SIGTERM received - shutting down"));
    assert_eq!(untimed(&beam.stdout), untimed(&erl.stdout));
}

#[test]
fn sigusr1_halts_with_a_crash_dump() {
    let (erl, beam) = both("wait", &[libc::SIGUSR1]);
    assert_eq!(
        erl.stderr,
        "Received SIGUSR1\r\n\r\nCrash dump is being written to: DUMP...done\r\n"
    );
    assert_eq!(beam.stderr, erl.stderr);
    assert_eq!((erl.status, beam.status), (1, 1));
    let dump = dir().join(format!("wait-{}.beam.dump", libc::SIGUSR1));
    let text = std::fs::read_to_string(dump).expect("beam wrote no dump");
    assert!(text.contains("\nSlogan: Received SIGUSR1\n"));
}

#[test]
fn sigquit_halts_and_sighup_kills() {
    let (erl, beam) = both("wait", &[libc::SIGQUIT]);
    assert_eq!((erl.status, beam.status), (0, 0));
    let (erl, beam) = both("wait", &[libc::SIGHUP]);
    assert_eq!(erl.status, -libc::SIGHUP);
    assert_eq!(beam.status, erl.status);
}

#[test]
fn set_signal_ignores_and_handles() {
    let (erl, beam) = both("handle", &[libc::SIGHUP, libc::SIGUSR2]);
    assert_eq!(erl.stdout, "got sigusr2\n");
    assert_eq!(erl.status, 0);
    assert_eq!(beam.stdout, erl.stdout, "beam's stderr: {}", beam.stderr);
    assert_eq!(beam.status, erl.status);
}
