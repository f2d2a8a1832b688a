//! How a booted system ends, compared with the real `erl` (stdout, stderr, exit status):
//! `init:stop/0,1`, `halt/0,1,2` (statuses, `{flush, false}`, bad arguments),
//! "init terminating in do_boot", and "Kernel pid terminated" when kernel cannot start.

use std::path::Path;
use std::process::{Command, Stdio};

struct Outcome {
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(vm: &str, args: &[&str]) -> Outcome {
    let o = Command::new(vm)
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .env("ERL_CRASH_DUMP_SECONDS", "0")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {vm}: {e}"));
    Outcome {
        status: o.status.code(),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// Runs `args` on both VMs; asserts the same stdout and status; returns (erl, beam).
fn same(args: &[&str]) -> (Outcome, Outcome) {
    let erl = run("erl", args);
    let beam = run(env!("CARGO_BIN_EXE_beam"), args);
    assert_eq!(
        beam.stdout, erl.stdout,
        "stdout of {args:?}; beam's stderr: {}",
        beam.stderr
    );
    assert_eq!(
        beam.status, erl.status,
        "status of {args:?}; beam's stderr: {}",
        beam.stderr
    );
    (erl, beam)
}

fn eval(e: &str) -> (Outcome, Outcome) {
    same(&["-noshell", "-eval", e])
}

#[test]
fn init_stop_and_halt_statuses() {
    // (Whether output queued before `halt(S, [{flush, false}])` comes out is a race on
    // both VMs: that case prints nothing first.)
    assert_eq!(eval("init:stop().").0.status, Some(0));
    assert_eq!(eval("init:stop(3).").0.status, Some(3));
    assert_eq!(eval("halt().").0.status, Some(0));
    assert_eq!(eval("halt(7).").0.status, Some(7));
    assert_eq!(eval("halt(256).").0.status, Some(0));
    assert_eq!(eval("halt(1000000000000000000003).").0.status, Some(3));
    let (erl, beam) = eval("halt(5, [{flush, false}]).");
    assert_eq!(erl.status, Some(5));
    assert_eq!(beam.stderr, erl.stderr);
    let (erl, beam) = eval("io:format(\"out~n\"), halt(0, [{flush, true}]).");
    assert_eq!(erl.stdout, "out\n");
    assert_eq!(beam.stderr, erl.stderr);
}

#[test]
fn bad_halt_arguments_raise() {
    for e in [
        "halt([a])",
        "halt(-1)",
        "halt(<<\"x\">>)",
        "halt(0, [x])",
        "halt(0, [{flush, x}])",
        "halt(0, x)",
        "os:set_signal(sigkill, handle)",
        "os:set_signal(sigterm, foo)",
        "os:set_signal(sigint, handle)",
    ] {
        let prog = format!(
            "try {e} catch error:R:S -> [{{_, _, _, I}} | _] = S, \
             io:format(\"~p ~p~n\", [R, I]) end, halt(2)."
        );
        let (erl, _) = eval(&prog);
        assert_eq!(erl.status, Some(2), "{e}");
    }
}

#[test]
fn slogans_go_to_stderr_with_crlf() {
    for e in [
        "halt(\"abc\").",
        "halt(\"a\\nb\").",
        "halt(\"\").",
        "halt(\"\\x{400}\").",
    ] {
        let (erl, beam) = eval(e);
        assert_eq!(erl.status, Some(1));
        assert_eq!(beam.stderr, erl.stderr, "{e}");
    }
}

#[test]
fn do_boot_failure_slogan() {
    let (erl, beam) = eval("erlang:error(foo).");
    assert_eq!(erl.status, Some(1));
    assert!(erl.stderr.starts_with("init terminating in do_boot ({foo,"));
    assert_eq!(beam.stderr, erl.stderr);
}

#[test]
fn kernel_pid_terminated() {
    let (erl, beam) = same(&["-noshell", "-config", "tests/exits/bad_logger"]);
    assert_eq!(erl.status, Some(1));
    assert!(erl
        .stdout
        .starts_with("{\"Kernel pid terminated\",application_controller,"));
    let last = |s: &str| {
        s.lines()
            .rfind(|l| !l.trim().is_empty())
            .map(str::to_string)
    };
    let want = last(&erl.stderr).expect("erl printed nothing on stderr");
    assert!(want.starts_with("Kernel pid terminated (application_controller) ("));
    assert_eq!(last(&beam.stderr), Some(want));
}
