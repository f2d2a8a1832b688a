//! Booting OTP: `beam` without `--bare` is run like `erl` (`-noshell`, the `start_clean`
//! boot script, OTP's own `init`, `code_server`, `logger`, `user`, ...), and each scenario
//! runs on the real `erl` (the oracle) and on `beam`; stdout and the exit status must be the
//! same. The real `erl` and `erlc` must be installed: without them the tests fail.
//!
//! The programs are `tests/boot/*.erl` (made for these scenarios) and a few of the
//! differential programs of `tests/erl/` (files, ETS, processes), compiled with `erlc` once
//! into a folder both VMs get with `-pa`. Stdout is compared byte for byte, except in the
//! scenario of a logger report, where the report's time stamp and the pids differ between
//! any two runs (see [`normalise_report`]).

mod common;

use common::{run_captured, Outcome};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

/// Runs `program args` in `dir` with no input and the environment variables `env` set, for at
/// most a minute.
fn run(program: &str, args: &[&str], env: &[(&str, &str)], dir: &Path) -> Outcome {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        // No `erl_crash.dump` from `halt/1` with a string (init's "terminating in do_boot").
        .env("ERL_CRASH_DUMP_SECONDS", "0");
    run_captured(&mut cmd, None, Duration::from_secs(60))
}

/// The programs the scenarios use.
const OWN_PROGRAMS: &[&str] = &["boot_crash_main", "boot_logger_report", "boot_code_loading"];
const DIFFERENTIAL_PROGRAMS: &[&str] = &["file_module", "ets_basic", "proc_alias"];

/// The folder the programs are compiled into (once), which is also the current folder of
/// the runs.
fn ebin() -> &'static Path {
    static EBIN: OnceLock<PathBuf> = OnceLock::new();
    EBIN.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("boot-ebin");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the ebin folder");
        let sources = OWN_PROGRAMS
            .iter()
            .map(|p| root.join("tests/boot").join(format!("{p}.erl")))
            .chain(
                DIFFERENTIAL_PROGRAMS
                    .iter()
                    .map(|p| root.join("tests/erl").join(format!("{p}.erl"))),
            );
        for src in sources {
            let o = Command::new("erlc")
                .arg("-o")
                .arg(&dir)
                .arg(&src)
                .output()
                .unwrap_or_else(|e| panic!("cannot run erlc: {e} (it must be installed)"));
            assert!(
                o.status.success(),
                "erlc {}: {}",
                src.display(),
                String::from_utf8_lossy(&o.stderr)
            );
        }
        dir
    })
}

/// Runs `args` on both VMs with the environment `env`; returns (erl's, beam's) outcomes.
fn both(args: &[&str], env: &[(&str, &str)]) -> (Outcome, Outcome) {
    let dir = ebin();
    let erl = run("erl", args, env, dir);
    let beam = run(env!("CARGO_BIN_EXE_beam"), args, env, dir);
    (erl, beam)
}

/// Asserts that beam printed what erl printed (after `normalise`) and ended the same way.
fn assert_same(args: &[&str], normalise: fn(&[u8]) -> Vec<u8>) -> Outcome {
    assert_same_env(args, &[], normalise)
}

/// [`assert_same`] with environment variables set for both VMs.
fn assert_same_env(
    args: &[&str],
    env: &[(&str, &str)],
    normalise: fn(&[u8]) -> Vec<u8>,
) -> Outcome {
    let (erl, beam) = both(args, env);
    let (want, got) = (normalise(&erl.stdout), normalise(&beam.stdout));
    assert!(
        want == got,
        "stdout differs for {args:?}\n--- erl:\n{}\n--- beam:\n{}\n--- beam's stderr:\n{}",
        String::from_utf8_lossy(&want),
        String::from_utf8_lossy(&got),
        String::from_utf8_lossy(&beam.stderr)
    );
    assert_eq!(
        erl.status,
        beam.status,
        "exit status differs for {args:?}; beam's stderr:\n{}",
        String::from_utf8_lossy(&beam.stderr)
    );
    erl
}

fn exact(b: &[u8]) -> Vec<u8> {
    b.to_vec()
}

/// `=ERROR REPORT==== <time> ===` lines lose their time stamp, and pids their number: OTP
/// starts one process more than this runtime while booting (kernel's `inet_db` looks up the
/// host name through `inet_gethost`, over the `udp_inet` driver this runtime lacks), so the
/// pids of later processes are one apart.
fn normalise_report(b: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(b);
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("=ERROR REPORT==== ") {
            assert!(rest.trim_end().ends_with("==="), "report line {line:?}");
            out.push_str("=ERROR REPORT==== TIME ===\n");
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find("<0.") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 3..];
            let digits = after.chars().take_while(|c| c.is_ascii_digit()).count();
            if digits > 0 && after[digits..].starts_with(".0>") {
                out.push_str("<0.N.0>");
                rest = &after[digits + 3..];
            } else {
                out.push_str("<0.");
                rest = after;
            }
        }
        out.push_str(rest);
    }
    out.into_bytes()
}

#[test]
fn eval_prints_and_halts() {
    let erl = assert_same(
        &["-noshell", "-eval", "io:format(\"hello~n\"), halt()."],
        exact,
    );
    assert_eq!(erl.stdout, b"hello\n");
    assert_eq!(erl.status, Some(0));
}

#[test]
fn init_stop_ends_with_status_0() {
    let erl = assert_same(&["-noshell", "-eval", "init:stop()."], exact);
    assert_eq!(erl.status, Some(0));
}

#[test]
fn halt_with_a_status() {
    let erl = assert_same(&["-noshell", "-eval", "halt(3)."], exact);
    assert_eq!(erl.status, Some(3));
    let erl = assert_same(&["-noshell", "-eval", "init:stop(5)."], exact);
    assert_eq!(erl.status, Some(5));
}

#[test]
fn eval_that_raises_terminates_init() {
    let erl = assert_same(&["-noshell", "-eval", "erlang:error(foo)."], exact);
    assert_eq!(erl.status, Some(1));
    assert!(erl
        .stdout
        .starts_with(b"{\"init terminating in do_boot\",{foo,"));
    assert_same(&["-noshell", "-eval", "throw(x)."], exact);
    assert_same(&["-noshell", "-eval", "exit(y)."], exact);
}

#[test]
fn boot_arguments_are_erlexecs() {
    let erl = assert_same(
        &[
            "-noshell",
            "-eval",
            "io:format(\"~p~n~p~n\", [init:get_arguments(), init:get_plain_arguments()]), halt().",
            "-extra",
            "plain",
            "args",
        ],
        exact,
    );
    let text = String::from_utf8_lossy(&erl.stdout);
    assert!(text.contains("{progname,[\"erl\"]}"), "{text}");
    assert!(text.contains("[\"plain\",\"args\"]"), "{text}");
}

#[test]
fn flags_from_the_environment_and_files() {
    let show =
        "io:format(\"~p~n~p~n\", [init:get_arguments(), init:get_plain_arguments()]), halt().";
    let env = [
        ("ERL_AFLAGS", "-first 'a b'"),
        ("ERL_FLAGS", "-middle -extra q"),
        ("ERL_ZFLAGS", "-last"),
    ];
    let erl = assert_same_env(&["-noshell", "-eval", show, "-extra", "e1"], &env, exact);
    let text = String::from_utf8_lossy(&erl.stdout);
    assert!(text.contains("{first,[\"a b\"]}"), "{text}");
    let file = ebin().join("boot_args_file");
    std::fs::write(&file, "-from_file x # a comment\n-pa .\n").expect("write the args file");
    let erl = assert_same(
        &["-noshell", "-args_file", "boot_args_file", "-eval", show],
        exact,
    );
    let text = String::from_utf8_lossy(&erl.stdout);
    assert!(text.contains("{from_file,[\"x\"]}"), "{text}");
}

#[test]
fn programs_run_with_s() {
    for m in DIFFERENTIAL_PROGRAMS {
        let erl = assert_same(
            &[
                "-noshell", "-pa", ".", "-s", m, "main", "-s", "init", "stop",
            ],
            exact,
        );
        assert_eq!(erl.status, Some(0), "{m}");
        assert!(!erl.stdout.is_empty(), "{m} printed nothing");
    }
}

#[test]
fn code_is_loaded_by_otps_code_server() {
    let erl = assert_same(
        &[
            "-noshell",
            "-pa",
            ".",
            "-s",
            "boot_code_loading",
            "main",
            "-s",
            "init",
            "stop",
        ],
        exact,
    );
    assert_eq!(erl.status, Some(0));
}

#[test]
fn main_that_crashes_terminates_init() {
    let erl = assert_same(
        &[
            "-noshell",
            "-pa",
            ".",
            "-s",
            "boot_crash_main",
            "main",
            "-s",
            "init",
            "stop",
        ],
        exact,
    );
    assert_eq!(erl.status, Some(1));
    let text = String::from_utf8_lossy(&erl.stdout);
    assert!(
        text.starts_with("before_the_crash\r\n{\"init terminating in do_boot\""),
        "{text}"
    );
}

#[test]
fn crash_reports_go_through_logger() {
    let erl = assert_same(
        &[
            "-noshell",
            "-pa",
            ".",
            "-s",
            "boot_logger_report",
            "main",
            "-s",
            "init",
            "stop",
        ],
        normalise_report,
    );
    let text = String::from_utf8_lossy(&erl.stdout);
    assert!(
        text.contains("=ERROR REPORT====") && text.contains("Error in process <0."),
        "{text}"
    );
}

#[test]
fn report_normalisation_keeps_the_rest() {
    let got = normalise_report(
        b"=ERROR REPORT==== 5-Dec-2026::00:45:49.698690 ===\nError in process <0.79.0> with <0.x\n",
    );
    assert_eq!(
        String::from_utf8_lossy(&got),
        "=ERROR REPORT==== TIME ===\nError in process <0.N.0> with <0.x\n"
    );
}
