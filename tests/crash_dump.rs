//! Crash dumps: `halt/1` with a slogan (and init's "terminating in do_boot") writes
//! `erl_crash.dump` as OTP 25 does. The same program runs on the real `erl` and on `beam`;
//! what they print on stderr and their exit status must be the same, and OTP's own
//! `crashdump_viewer` (the functions its GUI calls, run on the real `erl`) must find the
//! same things in both dumps: processes, a named ETS table, timers, a message, a dictionary
//! entry, the loaded module, the ports, the atoms. `ERL_CRASH_DUMP_SECONDS=0`,
//! `ERL_CRASH_DUMP_BYTES` and an unwritable path behave as in OTP.
//!
//! Needs `erl`, `erlc` and OTP's `observer` application (Debian's `erlang-observer`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

struct Outcome {
    status: Option<i32>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

fn run(program: &str, args: &[&str], env: &[(&str, &str)], dir: &Path) -> Outcome {
    let o = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e} (the real erl must be installed)"));
    Outcome {
        status: o.status.code(),
        stdout: o.stdout,
        stderr: o.stderr,
    }
}

/// The folder with the compiled programs (also the runs' current folder).
fn dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("crash-dump-ebin");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the folder");
        for p in ["cd_prog", "cdv_check"] {
            let src = root.join("tests/crash_dump").join(format!("{p}.erl"));
            let o = Command::new("erlc")
                .arg("-o")
                .arg(&dir)
                .arg(&src)
                .output()
                .expect("erlc must be installed");
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        }
        dir
    })
}

fn beam() -> &'static str {
    env!("CARGO_BIN_EXE_beam")
}

/// Runs `args` on erl and on beam, each with its own dump file `<name>.erl.dump` /
/// `<name>.beam.dump`; returns the outcomes and the dump paths.
fn both(name: &str, args: &[&str], env: &[(&str, &str)]) -> [(Outcome, PathBuf); 2] {
    ["erl", beam()].map(|vm| {
        let tag = if vm == "erl" { "erl" } else { "beam" };
        let dump = dir().join(format!("{name}.{tag}.dump"));
        let _ = std::fs::remove_file(&dump);
        let mut env: Vec<(&str, &str)> = env.to_vec();
        let dump_text = dump.to_str().expect("path").to_string();
        if !env.iter().any(|(k, _)| *k == "ERL_CRASH_DUMP") {
            env.push(("ERL_CRASH_DUMP", &dump_text));
        }
        (run(vm, args, &env, dir()), dump)
    })
}

/// Stderr with the dump's path named `DUMP`.
fn stderr_text(o: &Outcome, dump: &Path) -> String {
    String::from_utf8_lossy(&o.stderr).replace(dump.to_str().expect("path"), "DUMP")
}

fn has_observer() -> bool {
    let o = run(
        "erl",
        &[
            "-noshell",
            "-eval",
            "io:format(\"~p\", [code:which(crashdump_viewer)]), halt().",
        ],
        &[],
        Path::new("."),
    );
    !String::from_utf8_lossy(&o.stdout).contains("non_existing")
}

/// What `crashdump_viewer` finds in `dump` (see `tests/crash_dump/cdv_check.erl`).
fn viewer_report(dump: &Path) -> String {
    let o = run(
        "erl",
        &[
            "-noshell",
            "-pa",
            ".",
            "-run",
            "cdv_check",
            "main",
            dump.to_str().expect("path"),
        ],
        &[("ERL_CRASH_DUMP_SECONDS", "0")],
        dir(),
    );
    assert_eq!(
        o.status,
        Some(0),
        "crashdump_viewer failed on {}:\n{}{}",
        dump.display(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("utf-8")
}

fn lines_starting(text: &str, prefixes: &[&str]) -> Vec<String> {
    text.lines()
        .filter(|l| prefixes.iter().any(|p| l.starts_with(p)))
        .map(str::to_string)
        .collect()
}

#[test]
fn halt_with_a_slogan_writes_a_dump_crashdump_viewer_reads() {
    let [(erl, erl_dump), (beam, beam_dump)] = both(
        "slogan",
        &["-noshell", "-pa", ".", "-s", "cd_prog", "main"],
        &[],
    );
    assert_eq!(
        stderr_text(&beam, &beam_dump),
        stderr_text(&erl, &erl_dump),
        "stderr"
    );
    assert_eq!(
        stderr_text(&erl, &erl_dump),
        "my slogan\r\n\r\nCrash dump is being written to: DUMP...done\r\n"
    );
    assert_eq!((erl.status, beam.status), (Some(1), Some(1)));
    assert_eq!(beam.stdout, erl.stdout);

    let ours = std::fs::read_to_string(&beam_dump).expect("beam wrote no dump");
    let theirs = std::fs::read_to_string(&erl_dump).expect("erl wrote no dump");
    let header = [
        "=erl_crash_dump",
        "Slogan:",
        "Taints:",
        "=node:",
        "=no_distribution",
    ];
    assert_eq!(
        lines_starting(&ours, &header),
        lines_starting(&theirs, &header)
    );
    for section in [
        "=scheduler:",
        "=memory",
        "=allocated_areas",
        "=proc:",
        "=port:",
        "=ets:",
        "=timer:",
        "=loaded_modules",
        "=mod:",
        "=proc_stack:",
        "=proc_heap:",
        "=proc_messages:",
        "=proc_dictionary:",
        "=atoms",
    ] {
        assert!(
            ours.lines().any(|l| l.starts_with(section)),
            "no {section} in beam's dump"
        );
    }
    assert!(
        ours.ends_with("\n=end\n"),
        "beam's dump does not end with =end"
    );

    if !has_observer() {
        eprintln!("note: OTP's observer (crashdump_viewer) is not installed; dumps not read");
        return;
    }
    let want = viewer_report(&erl_dump);
    let got = viewer_report(&beam_dump);
    assert_eq!(got, want, "crashdump_viewer reads the dumps differently");
    for fact in [
        "slogan: \"my slogan\"",
        "unreadable processes: 0",
        "cd_main messages: [{{note,\"in the queue\",42},[]}]",
        "cd_main dictionary: [{cd_key,{value,1.5,<<\"bin\">>}}]",
        "cd_table: {\"cd_main\",\"cd_table\",\"yes\",\"set\",2,\"public\"}",
        "timers: [{\"cd_main\",\"{timeout,#Ref,tick}\",true},{\"cd_waiter\",\"hello\",true}]",
        "cd_prog loaded: [<<\"cd_prog\">>]",
    ] {
        assert!(got.contains(fact), "{fact:?} not in:\n{got}");
    }
}

#[test]
fn init_terminating_in_do_boot_writes_a_dump() {
    let [(erl, erl_dump), (beam, beam_dump)] =
        both("do_boot", &["-noshell", "-eval", "erlang:error(foo)."], &[]);
    assert_eq!(stderr_text(&beam, &beam_dump), stderr_text(&erl, &erl_dump));
    assert_eq!(beam.stdout, erl.stdout);
    assert_eq!((erl.status, beam.status), (Some(1), Some(1)));
    let slogan = |p: &Path| {
        let text = std::fs::read_to_string(p).expect("no dump");
        lines_starting(&text, &["Slogan:"])
    };
    let want = slogan(&erl_dump);
    assert!(
        want[0].starts_with("Slogan: init terminating in do_boot ({foo,"),
        "{want:?}"
    );
    assert_eq!(slogan(&beam_dump), want);
}

#[test]
fn the_environment_limits_the_dump() {
    let prog = ["-noshell", "-eval", "halt(\"abc\")."];
    // No dump at all.
    for var in ["ERL_CRASH_DUMP_SECONDS", "ERL_CRASH_DUMP_BYTES"] {
        let [(erl, erl_dump), (beam, beam_dump)] = both("none", &prog, &[(var, "0")]);
        assert_eq!(erl.stderr, b"abc\r\n");
        assert_eq!(beam.stderr, erl.stderr, "{var}=0");
        assert_eq!((erl.status, beam.status), (Some(1), Some(1)));
        assert!(
            !erl_dump.exists() && !beam_dump.exists(),
            "{var}=0 wrote a dump"
        );
    }
    // Cut after 1000 bytes, with the abort line; no "done".
    let [(erl, erl_dump), (beam, beam_dump)] =
        both("bytes", &prog, &[("ERL_CRASH_DUMP_BYTES", "1000")]);
    assert_eq!(stderr_text(&beam, &beam_dump), stderr_text(&erl, &erl_dump));
    assert!(stderr_text(&erl, &erl_dump).ends_with("DUMP..."));
    for d in [&erl_dump, &beam_dump] {
        let bytes = std::fs::read(d).expect("no dump");
        assert_eq!(
            bytes.len(),
            1000 + "\n=abort:CRASH DUMP SIZE LIMIT REACHED\n".len()
        );
        assert!(bytes.ends_with(b"\n=abort:CRASH DUMP SIZE LIMIT REACHED\n"));
    }
    // A file that cannot be made: the message stops at "...".
    let missing = "/nonexistent-dir/x.dump";
    let [(erl, _), (beam, _)] = both("missing", &prog, &[("ERL_CRASH_DUMP", missing)]);
    assert_eq!(
        String::from_utf8_lossy(&erl.stderr),
        format!("abc\r\n\r\nCrash dump is being written to: {missing}...")
    );
    assert_eq!(beam.stderr, erl.stderr);
    assert_eq!((erl.status, beam.status), (Some(1), Some(1)));
}
