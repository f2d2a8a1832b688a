//! What the root package's integration tests share: running a program with its output
//! captured and a time limit (`run_captured`). Each test file includes it with `mod common;`
//! and uses what it needs.
#![allow(dead_code)]

pub mod tmux;

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a run printed and how it ended.
pub struct Outcome {
    /// The exit status; `None` when a signal ended it.
    pub status: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// Wall time from the start to the exit.
    pub elapsed: Duration,
}

/// Starts `cmd`. An executable this test process has just written may still be open for
/// writing in a child another test thread is forking at that moment (the descriptor lives
/// until that child's exec), and the kernel then refuses to run it with ETXTBSY; the start is
/// retried a while in that case only.
fn spawn_retrying_busy(cmd: &mut Command) -> std::process::Child {
    const ETXTBSY: i32 = 26;
    let mut tries = 0;
    loop {
        match cmd.spawn() {
            Ok(child) => return child,
            Err(e) if e.raw_os_error() == Some(ETXTBSY) && tries < 50 => {
                tries += 1;
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => panic!("cannot run {cmd:?}: {e}"),
        }
    }
}

/// Runs `cmd` with its stdout and stderr captured and `input` on its stdin (no stdin at all
/// when `None`), and waits for it for at most `limit`: a run that takes longer is killed and
/// the test fails, naming `cmd`.
pub fn run_captured(cmd: &mut Command, input: Option<&[u8]>, limit: Duration) -> Outcome {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd.stdin(if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    let start = Instant::now();
    let mut child = spawn_retrying_busy(cmd);
    let writer = child.stdin.take().map(|mut stdin| {
        let data = input.unwrap_or_default().to_vec();
        std::thread::spawn(move || {
            let _ = stdin.write_all(&data);
        })
    });
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let t_err = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let status = loop {
        if let Some(st) = child.try_wait().expect("wait") {
            break st.code();
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} did not end within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = start.elapsed();
    if let Some(w) = writer {
        let _ = w.join();
    }
    Outcome {
        status,
        stdout: t_out.join().expect("stdout reader"),
        stderr: t_err.join().expect("stderr reader"),
        elapsed,
    }
}

/// The folder holding `liberts.so` and `liberts.a` of this build (the test executable's
/// target folder, next to its `deps`). An integration test does not make cargo build the
/// package's C library, so the first call builds it (`cargo build --lib`, same profile and
/// target folder; nothing to do when it is up to date).
pub fn liberts_dir() -> std::path::PathBuf {
    static BUILT: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let exe = std::env::current_exe().expect("test executable");
            let dir = exe
                .parent()
                .and_then(std::path::Path::parent)
                .expect("target folder")
                .to_path_buf();
            let target = dir.parent().expect("target root");
            let mut cmd = Command::new(env!("CARGO"));
            cmd.args(["build", "--lib", "--quiet"])
                .arg("--manifest-path")
                .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
                .arg("--target-dir")
                .arg(target);
            if dir.file_name().is_some_and(|n| n == "release") {
                cmd.arg("--release");
            }
            let o = run_captured(&mut cmd, None, Duration::from_secs(1800));
            assert_eq!(
                o.status,
                Some(0),
                "cargo build --lib: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            assert!(
                dir.join("liberts.so").is_file() && dir.join("liberts.a").is_file(),
                "no liberts.so/liberts.a in {} after cargo build --lib",
                dir.display()
            );
            dir
        })
        .clone()
}

/// Environment variables that would change how `elixir`, `mix`, IEx or `erl` behave (the
/// Elixir tool tests clear them).
pub const ELIXIR_CLEARED_ENV: &[&str] = &[
    "MIX_ENV",
    "MIX_TARGET",
    "MIX_BUILD_PATH",
    "MIX_BUILD_ROOT",
    "MIX_DEPS_PATH",
    "MIX_EXS",
    "MIX_LOCKFILE",
    "ELIXIR_ERL_OPTIONS",
    "ELIXIR_CLI_DRY_RUN",
    "ERL_AFLAGS",
    "ERL_FLAGS",
    "ERL_ZFLAGS",
    "ERL_LIBS",
    "NO_COLOR",
];

/// Writes `source` as `NAME.erl` into a new folder of the system's temporary directory
/// named after `tag` and this test process, compiles it there with the system `erlc` and
/// returns the folder (the caller removes it).
pub fn compile_erl(tag: &str, name: &str, source: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("{tag}_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join(format!("{name}.erl"));
    std::fs::write(&src, source).unwrap();
    let st = Command::new("erlc")
        .arg("-o")
        .arg(&dir)
        .arg(&src)
        .status()
        .expect("erlc runs");
    assert!(st.success(), "erlc {}", src.display());
    dir
}

/// The stdout of a reference run of the real `erl` (`run_erl`), run again (up to three more
/// times) while it shows that erl's logger lost its default handler to a crash report racing
/// with `init:stop` (`{removed_failing_handler,default}`): such a run is not the program's
/// output.
pub fn erl_reference(run_erl: impl Fn() -> String) -> String {
    let mut out = run_erl();
    for _ in 0..3 {
        if !out.contains("{removed_failing_handler") {
            break;
        }
        out = run_erl();
    }
    out
}
