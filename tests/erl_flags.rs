//! `bin/erl` as a drop-in `erl`: each scenario runs the real `erl` (the oracle) and the
//! repository's `bin/erl` launcher (on this build's `beam`) with the same command line and
//! environment, and compares stdout and the exit status (and, where the emulator reports a
//! bad flag, its message). The scenarios cover the emulator's `+` flags (accepted, honoured,
//! refused with OTP's message), `ERL_AFLAGS`/`ERL_FLAGS`/`ERL_ZFLAGS`, `-args_file`, `-env`,
//! `-config`, `-APP Key Value`, `-extra`/`--`, `-mode`, `-run`, `-s`, `+V`/`-version`,
//! `-emu_args_exit`, `-detached` and running through a symlink on `PATH`.
//!
//! Without a real `erl` on `PATH` the scenarios are skipped (with a note).

mod common;

use common::{run_captured, Outcome};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The launcher under test.
fn launcher() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("bin/erl")
}

/// Whether the real `erl` is installed; notes the skip once when it is not.
fn have_erl() -> bool {
    static HAVE: OnceLock<bool> = OnceLock::new();
    *HAVE.get_or_init(|| {
        let ok = Command::new("erl")
            .args(["-noshell", "-eval", "halt()."])
            .stdin(Stdio::null())
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            eprintln!("note: no working `erl` on PATH; the erl_flags scenarios are skipped");
        }
        ok
    })
}

/// A scratch folder for one scenario (the current folder of both runs).
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("erl_flags")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the scratch folder");
    dir
}

/// Runs `program args` in `dir` with the environment changes `env` (a `None` value removes
/// the variable), no input, for at most a minute.
fn run(program: &Path, args: &[&str], env: &[(&str, Option<&str>)], dir: &Path) -> Outcome {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .current_dir(dir)
        // No `erl_crash.dump` files from runs that end in `init terminating in do_boot`.
        .env("ERL_CRASH_DUMP_SECONDS", "0")
        // The launcher runs the `beam` of this build, whatever the profile.
        .env("BEAM_RS_BEAM", env!("CARGO_BIN_EXE_beam"));
    for var in ["ERL_AFLAGS", "ERL_FLAGS", "ERL_ZFLAGS", "ERL_OTP25_FLAGS"] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    run_captured(&mut cmd, None, Duration::from_secs(60))
}

/// Runs `args` with `env` in `dir` on `erl` and on `bin/erl`; asserts the same stdout and
/// exit status; returns (erl's, ours).
fn same_in(dir: &Path, args: &[&str], env: &[(&str, Option<&str>)]) -> Option<(Outcome, Outcome)> {
    if !have_erl() {
        return None;
    }
    let erl = run(Path::new("erl"), args, env, dir);
    let ours = run(&launcher(), args, env, dir);
    assert!(
        erl.stdout == ours.stdout,
        "stdout differs for {args:?} {env:?}\n--- erl:\n{}\n--- bin/erl:\n{}\n--- bin/erl's stderr:\n{}",
        String::from_utf8_lossy(&erl.stdout),
        String::from_utf8_lossy(&ours.stdout),
        String::from_utf8_lossy(&ours.stderr)
    );
    assert_eq!(
        erl.status,
        ours.status,
        "exit status differs for {args:?} {env:?}; bin/erl's stderr:\n{}",
        String::from_utf8_lossy(&ours.stderr)
    );
    Some((erl, ours))
}

fn same(name: &str, args: &[&str]) -> Option<(Outcome, Outcome)> {
    same_in(&scratch(name), args, &[])
}

/// `-eval` text printing the argument vector `init` sees, then halting.
const SHOW_ARGS: &str =
    "io:format(\"~p~n~p~n\", [init:get_arguments(), init:get_plain_arguments()]), halt().";

#[test]
fn emulator_flags_are_accepted_and_init_sees_erls_arguments() {
    let (erl, _) = match same(
        "accepted",
        &[
            "+S",
            "2",
            "+SDcpu",
            "1",
            "+SDio",
            "4",
            "+P",
            "300000",
            "+Q",
            "2000",
            "+A",
            "4",
            "+K",
            "true",
            "+e",
            "1000",
            "+t",
            "2000000",
            "+hms",
            "500",
            "+hmbs",
            "50000",
            "+hmax",
            "0",
            "+hmaxk",
            "true",
            "+sbt",
            "db",
            "+sbwt",
            "none",
            "+sbwtdcpu",
            "short",
            "+swt",
            "low",
            "+pc",
            "latin1",
            "+zdbbl",
            "2048",
            "+zdntgc",
            "10",
            "+MIscs",
            "10",
            "+MBas",
            "aobf",
            "+Mea",
            "min",
            "+MHe",
            "true",
            "+Muycs",
            "0",
            "+fnu",
            "+c",
            "true",
            "+C",
            "multi_time_warp",
            "+W",
            "w",
            "+rg",
            "2",
            "+IOt",
            "1",
            "+IOp",
            "1",
            "+JPperf",
            "false",
            "+T",
            "0",
            "+Bi",
            "+d",
            "+r",
            "+SP",
            "100",
            "-noshell",
            "-hidden",
            "-nostick",
            "-pz",
            ".",
            "-myflag",
            "a",
            "b",
            "-eval",
            SHOW_ARGS,
            "-extra",
            "x",
            "--",
            "-y",
        ],
    ) {
        Some(o) => o,
        None => return,
    };
    let text = String::from_utf8_lossy(&erl.stdout);
    assert!(text.contains("{progname,[\"erl\"]}"), "{text}");
    assert!(text.contains("[\"x\",\"--\",\"-y\"]"), "{text}");
}

#[test]
fn honoured_flags_change_the_system_as_in_erl() {
    let show = "io:format(\"~p~n\", [[erlang:system_info(I) || I <- [schedulers, \
                schedulers_online, process_limit, port_limit, min_heap_size, max_heap_size]] \
                ++ [io:printable_range()]]), halt().";
    for flags in [
        &["+S", "3:1", "+P", "5000", "+Q", "5000"][..],
        &["+S", "-1", "+hms", "1000", "+pc", "unicode"],
        &[
            "+S4:2", "+hmax", "100000", "+hmaxk", "false", "+hmaxel", "false",
        ],
        &["+SP", "50"],
    ] {
        let mut args = flags.to_vec();
        args.extend(["-noshell", "-eval", show]);
        if same("honoured", &args).is_none() {
            return;
        }
    }
}

/// `+JIT false` (this runtime's flag; OTP's emulator has no interpreter to fall back to)
/// turns the native-code tier off in a booted system as with `--bare`.
#[test]
fn the_jit_flag_turns_the_native_tier_off() {
    let dir = scratch("jit_flag");
    let show = "io:format(\"~p~n\", [erlang:system_info(emu_flavor)]), halt().";
    for (flags, want) in [(&[][..], "jit\n"), (&["+JIT", "false"], "emu\n")] {
        let mut args = flags.to_vec();
        args.extend(["-noshell", "-eval", show]);
        let o = run(&launcher(), &args, &[], &dir);
        assert_eq!(String::from_utf8_lossy(&o.stdout), want, "{args:?}");
    }
}

#[test]
fn environment_flags_are_merged_in_erlexecs_order() {
    let env = [
        ("ERL_AFLAGS", Some("-a1 x +S 1 -extra ea")),
        ("ERL_FLAGS", Some("-f1 'y z' -noshell")),
        ("ERL_ZFLAGS", Some("-z1 z -extra ez")),
    ];
    same_in(
        &scratch("env_flags"),
        &["-c1", "-eval", SHOW_ARGS, "-extra", "ec"],
        &env,
    );
}

#[test]
fn args_files_nest_and_env_sets_variables() {
    let dir = scratch("args_file");
    std::fs::write(
        dir.join("outer.args"),
        "# flags for the test\n-noshell -kernel k3 '\"s\"' # a comment\n-args_file inner.args\n-o1 after\n-extra from_outer\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("inner.args"),
        "-i1 '[1, 2]'\n-env FROM_ARGS_FILE yes\n",
    )
    .unwrap();
    let show = "io:format(\"~p~n\", [{application:get_env(kernel, k3), os:getenv(\"FROM_ARGS_FILE\"), \
                os:getenv(\"EF_VAR\"), init:get_arguments(), init:get_plain_arguments()}]), halt().";
    same_in(
        &dir,
        &[
            "-args_file",
            "outer.args",
            "-env",
            "EF_VAR",
            "v 1",
            "-eval",
            show,
            "-extra",
            "p",
        ],
        &[],
    );
    // A missing file stops erlexec with status 1.
    same_in(&dir, &["-noshell", "-args_file", "no_such.args"], &[]);
}

#[test]
fn config_files_and_app_flags_set_the_environment() {
    let dir = scratch("config");
    std::fs::write(
        dir.join("one.config"),
        "[{kernel, [{ef_a, 1}, {ef_b, 1}]}, {stdlib, [{ef_s, one}]}].\n",
    )
    .unwrap();
    std::fs::write(dir.join("two.config"), "[{kernel, [{ef_b, 2}]}].\n").unwrap();
    let show = "io:format(\"~p~n\", [[application:get_env(A, K) || {A, K} <- [{kernel, ef_a}, \
                {kernel, ef_b}, {kernel, ef_c}, {stdlib, ef_s}, {stdlib, ef_t}]]]), halt().";
    same_in(
        &dir,
        &[
            "-noshell",
            "-config",
            "one",
            "-config",
            "two.config",
            "-kernel",
            "ef_c",
            "{x, \"y\"}",
            "-stdlib",
            "ef_t",
            "[1,2]",
            "-eval",
            show,
        ],
        &[],
    );
}

#[test]
fn mode_run_and_s_start_as_in_erl() {
    let show = "io:format(\"~p ~p~n\", [code:get_mode(), init:get_argument(mode)]).";
    same(
        "mode",
        &[
            "-noshell", "-mode", "embedded", "-eval", show, "-run", "io", "format", "a~sb~n", "-s",
            "io", "write", "hello", "world", "-s", "init", "stop",
        ],
    );
    // `-run` with string arguments, `-s` with atoms.
    same(
        "run_args",
        &[
            "-noshell", "-run", "io", "format", "x", "y", "-s", "io", "format", "z", "-s", "init",
            "stop",
        ],
    );
}

#[test]
fn version_flags_print_the_emulator_version() {
    for flag in ["+V", "-version"] {
        let Some((erl, ours)) = same("version", &[flag]) else {
            return;
        };
        assert_eq!(erl.status, Some(0));
        assert_eq!(
            String::from_utf8_lossy(&erl.stderr),
            String::from_utf8_lossy(&ours.stderr),
            "{flag}"
        );
    }
}

#[test]
fn emu_args_exit_prints_the_same_vector() {
    same(
        "emu_args",
        &[
            "-emu_args_exit",
            "+S",
            "2",
            "+hms",
            "500",
            "+MBas",
            "aobf",
            "-noshell",
            "-s",
            "foo",
            "-extra",
            "x",
        ],
    );
}

/// The first line of `b` (stderr), without the line end.
fn first_line(b: &[u8]) -> String {
    let s = String::from_utf8_lossy(b);
    s.lines()
        .next()
        .unwrap_or("")
        .trim_end_matches('\r')
        .to_string()
}

#[test]
fn bad_flag_values_are_refused_as_erl_refuses_them() {
    let cases: &[&[&str]] = &[
        &["+S", "abc"],
        &["+S", "2:3"],
        &["+P", "10"],
        &["+Q", "abc"],
        &["+t", "10"],
        &["+hms", "abc"],
        &["+A", "2000"],
        &["+pc", "foo"],
        &["+MIscs", "abc"],
        &["+MBas", "foo"],
        &["+Mea", "foo"],
        &["+sbt", "foo"],
        &["+sbwt", "foo"],
        &["+zdbbl", "abc"],
        &["+fnx"],
        &["+C", "foo"],
        &["+W", "x"],
        &["+JPperf", "foo"],
        &["+IOt", "0"],
        &["+hmaxk", "foo"],
        &["+R", "22"],
    ];
    for case in cases {
        let mut args = case.to_vec();
        args.extend(["-noshell", "-eval", "halt()."]);
        let Some((erl, ours)) = same("bad_values", &args) else {
            return;
        };
        assert_eq!(erl.status, Some(1), "{case:?}");
        assert_eq!(
            first_line(&erl.stderr),
            first_line(&ours.stderr),
            "{case:?}"
        );
    }
    // erlexec's own refusals: a value missing at the end, `-smp disable`.
    for case in [&["-noshell", "+S"][..], &["-smp", "disable"], &["+Ix", "1"]] {
        let Some((erl, ours)) = same("bad_values", case) else {
            return;
        };
        assert_eq!(erl.status, Some(1), "{case:?}");
        assert_eq!(
            first_line(&erl.stderr),
            first_line(&ours.stderr),
            "{case:?}"
        );
    }
    // An unknown flag: both refuse it (the message names each one's emulator binary).
    let Some((_, ours)) = same("bad_values", &["+xyz", "-noshell"]) else {
        return;
    };
    assert!(first_line(&ours.stderr).ends_with("unknown flag -xyz"));
}

#[test]
fn detached_runs_in_the_background() {
    if !have_erl() {
        return;
    }
    let dir = scratch("detached");
    let mut written = Vec::new();
    for (name, program) in [("erl", PathBuf::from("erl")), ("ours", launcher())] {
        let file = dir.join(format!("{name}.out"));
        let eval = format!(
            "ok = file:write_file(\"{}\", io_lib:format(\"~p~n\", [init:get_arguments()])), halt().",
            file.display()
        );
        let o = run(&program, &["-detached", "-eval", &eval], &[], &dir);
        assert_eq!(o.status, Some(0), "{name}");
        assert!(o.stdout.is_empty(), "{name}");
        written.push(file);
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    let contents: Vec<String> = written
        .iter()
        .map(|f| loop {
            // Written in one go by `file:write_file/2`; a partial read is retried.
            if let Ok(t) = std::fs::read_to_string(f) {
                if t.ends_with("]\n") {
                    break t;
                }
            }
            assert!(Instant::now() < deadline, "{} was not written", f.display());
            std::thread::sleep(Duration::from_millis(50));
        })
        .collect();
    assert_eq!(contents[0], contents[1]);
    assert!(contents[0].contains("{noinput,[]}"));
}

#[test]
fn a_symlink_on_path_runs_as_erl() {
    if !have_erl() {
        return;
    }
    let dir = scratch("symlink");
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(launcher(), bin.join("erl")).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let script = format!("erl -noshell -eval '{SHOW_ARGS}' -extra a");
    let sh = Path::new("/bin/sh");
    let erl = run(sh, &["-c", &script], &[], &dir);
    let ours = run(sh, &["-c", &script], &[("PATH", Some(&path))], &dir);
    assert_eq!(
        String::from_utf8_lossy(&erl.stdout),
        String::from_utf8_lossy(&ours.stdout)
    );
    assert_eq!(erl.status, ours.status);
    // The launcher found through the link really is ours.
    let which = run(
        sh,
        &["-c", "command -v erl"],
        &[("PATH", Some(&path))],
        &dir,
    );
    assert_eq!(
        String::from_utf8_lossy(&which.stdout).trim(),
        bin.join("erl").display().to_string()
    );
}

#[test]
fn a_missing_build_is_reported() {
    let dir = scratch("no_build");
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::copy(launcher(), bin.join("erl")).unwrap();
    let o = run(
        &bin.join("erl"),
        &["-noshell", "-eval", "halt()."],
        &[("BEAM_RS_BEAM", None)],
        &dir,
    );
    assert_ne!(o.status, Some(0));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("cargo build --release"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
