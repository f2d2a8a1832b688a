//! OTP's tools on `beam`: `escript` (with `ESCRIPT_EMULATOR` pointing at `beam`) and rebar3
//! (an escript archive). Each scenario runs once with the real `erl` (the oracle) and once
//! with `beam`, and compares stdout and the exit status, and for escripts stderr too (where
//! escript reports errors, with their stack traces).
//!
//! The scripts are `tests/escript/*.escript`: interpreted and `-mode(compile)` scripts, a
//! `%%!` line of emulator arguments, a script reading stdin, the ways a script ends
//! (`halt/1`, exceptions, a syntax error), and `make_escripts.escript`, which makes a
//! compiled-beam escript and an archive escript with `escript:create/2` (zip and the zlib
//! NIF); both VMs must make the same bytes, and the scripts made run the same on both.
//!
//! rebar3: `rebar3 new app`, `rebar3 compile` and `rebar3 eunit` in a scratch project with
//! `HOME` in a scratch folder; the generated files, the compiled `ebin` and the output must be
//! the same. Without a `rebar3` command that test prints a note and passes; `erl` and
//! `escript` (Debian's erlang-base) must be installed.

mod common;

use common::{run_captured, Outcome};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Which VM runs the escript.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Vm {
    Erl,
    Beam,
}

impl Vm {
    const BOTH: [Vm; 2] = [Vm::Erl, Vm::Beam];
}

fn beam() -> &'static str {
    env!("CARGO_BIN_EXE_beam")
}

fn scripts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/escript")
}

/// A fresh scratch folder `name` under the target's temporary folder.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a scratch folder");
    dir
}

/// Runs `program args` in `dir` on `vm` (the real `erl` or, through `ESCRIPT_EMULATOR`,
/// `beam`) with `stdin` as input and `env` set, for at most two minutes.
fn run(
    vm: Vm,
    program: &str,
    args: &[&str],
    dir: &Path,
    env: &[(&str, &str)],
    stdin: &[u8],
) -> Outcome {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .current_dir(dir)
        .envs(env.iter().copied())
        .env_remove("ESCRIPT_EMULATOR")
        // No `erl_crash.dump` from `halt/1` with a string.
        .env("ERL_CRASH_DUMP_SECONDS", "0");
    if vm == Vm::Beam {
        cmd.env("ESCRIPT_EMULATOR", beam());
    }
    run_captured(&mut cmd, Some(stdin), Duration::from_secs(120))
}

/// `text` with the unique numbers of the modules escript compiles scripts into
/// (`NAME__escript__1796__437058__21234__2`) taken out.
fn normalise_modules(text: &[u8]) -> String {
    let s = String::from_utf8_lossy(text);
    let mut out = String::with_capacity(s.len());
    let mut rest: &str = &s;
    while let Some(i) = rest.find("__escript__") {
        out.push_str(&rest[..i]);
        out.push_str("__escript__N");
        rest = rest[i + "__escript__".len()..]
            .trim_start_matches(|c: char| c.is_ascii_digit() || c == '_');
    }
    out.push_str(rest);
    out
}

/// Runs `escript SCRIPT args` on both VMs and checks that stdout, stderr (escript's reports
/// of errors, with their stack traces) and the exit status are the same, and that it ended
/// with `status`. Returns beam's outcome.
fn escript_same(script: &str, args: &[&str], stdin: &[u8], status: i32) -> Outcome {
    let dir = scripts();
    let mut argv = vec![script];
    argv.extend_from_slice(args);
    let [erl, beam] = Vm::BOTH.map(|vm| run(vm, "escript", &argv, &dir, &[], stdin));
    let what = format!("escript {argv:?}");
    assert_eq!(
        erl.status,
        Some(status),
        "{what} on erl: {}",
        String::from_utf8_lossy(&erl.stderr)
    );
    assert_eq!(
        normalise_modules(&beam.stdout),
        normalise_modules(&erl.stdout),
        "{what}: stdout differs (stderr on beam: {})",
        String::from_utf8_lossy(&beam.stderr)
    );
    assert_eq!(
        beam.status,
        erl.status,
        "{what}: exit status differs (stderr on beam: {})",
        String::from_utf8_lossy(&beam.stderr)
    );
    assert_eq!(
        normalise_modules(&beam.stderr),
        normalise_modules(&erl.stderr),
        "{what}: stderr differs"
    );
    beam
}

#[test]
fn escript_interpreted_script() {
    let o = escript_same("plain.escript", &["3", "a", "b"], b"", 3);
    assert!(String::from_utf8_lossy(&o.stdout).contains("fib: [0,1,1,2,3,5,8"));
    escript_same("plain.escript", &["0"], b"", 0);
    // escript's own options: compile (-c), interpret (-i), only check the syntax (-s).
    escript_same("-c", &["plain.escript", "5", "x"], b"", 5);
    escript_same("-i", &["plain.escript", "6"], b"", 6);
    escript_same("-s", &["plain.escript"], b"", 0);
    escript_same("-s", &["syntax_error.escript"], b"", 127);
}

#[test]
fn escript_compile_mode() {
    let o = escript_same("compiled.escript", &["1", "2", "3"], b"", 0);
    assert!(String::from_utf8_lossy(&o.stdout).contains("3 squares sum to 14"));
}

#[test]
fn escript_emulator_arguments_line() {
    let o = escript_same("emu_args.escript", &["last"], b"", 0);
    assert!(String::from_utf8_lossy(&o.stdout).contains("{ok,[[\"one\",\"two\"]]}"));
}

#[test]
fn escript_reads_stdin() {
    let input: String = (1..=300).map(|n| format!("line {n}\n{n}\n")).collect();
    let o = escript_same("stdin.escript", &[], input.as_bytes(), 0);
    assert!(String::from_utf8_lossy(&o.stdout).ends_with("600 lines, sum 45150\n"));
    escript_same("stdin.escript", &[], b"", 0);
    escript_same("stdin.escript", &[], b"no newline at the end", 0);
}

#[test]
fn escript_exit_statuses() {
    escript_same("exits.escript", &["return"], b"", 0);
    escript_same("exits.escript", &["halt", "42"], b"", 42);
    escript_same("exits.escript", &["halt", "0"], b"", 0);
    escript_same("exits.escript", &["exit"], b"", 127);
    escript_same("exits.escript", &["throw"], b"", 127);
    escript_same("exits.escript", &["halt_string"], b"", 1);
    // No clause matches: a function_clause out of main/1.
    escript_same("exits.escript", &["no", "such", "clause"], b"", 127);
}

#[test]
fn escript_errors_in_main() {
    let o = escript_same("crash.escript", &[], b"", 127);
    assert!(String::from_utf8_lossy(&o.stderr).starts_with("escript: exception error:"));
    escript_same("crash_compiled.escript", &["x"], b"", 127);
    escript_same("syntax_error.escript", &[], b"", 127);
}

/// Every file of `dir` (recursively, following no links) by its path under `dir`.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
            .map(|e| e.expect("entry").path())
            .collect();
        entries.sort();
        for p in entries {
            let rel = p
                .strip_prefix(root)
                .expect("under root")
                .display()
                .to_string();
            let meta = std::fs::symlink_metadata(&p).expect("metadata");
            if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&p).expect("link");
                out.insert(rel, format!("-> {}", target.display()).into_bytes());
            } else if meta.is_dir() {
                walk(root, &p, out);
            } else {
                out.insert(rel, std::fs::read(&p).expect("read"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

#[test]
fn escript_beam_and_archive_scripts() {
    let make = scripts().join("make_escripts.escript");
    let make = make.to_str().expect("utf-8 path");
    let dirs = Vm::BOTH.map(|vm| {
        let dir = scratch(&format!("escript-made-{vm:?}"));
        let o = run(vm, "escript", &[make, "."], &dir, &[], b"");
        assert_eq!(
            o.status,
            Some(0),
            "make_escripts on {vm:?}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        dir
    });
    let made = tree(&dirs[0]);
    assert_eq!(made.len(), 2, "two scripts made: {:?}", made.keys());
    assert!(
        tree(&dirs[1]) == made,
        "beam made other bytes than erl (escript:create/2, zip, zlib)"
    );
    // The scripts that beam made, run on both.
    for (script, args, status) in [
        ("beam_script", &["a", "b"][..], 9),
        ("archive_script", &["x"][..], 3),
    ] {
        let mut argv = vec![script];
        argv.extend_from_slice(args);
        let [erl, beam] = Vm::BOTH.map(|vm| run(vm, "escript", &argv, &dirs[1], &[], b""));
        assert_eq!(erl.status, Some(status), "{script} on erl");
        assert_eq!(
            String::from_utf8_lossy(&beam.stdout),
            String::from_utf8_lossy(&erl.stdout),
            "{script}: stdout differs (stderr on beam: {})",
            String::from_utf8_lossy(&beam.stderr)
        );
        assert_eq!(beam.status, erl.status, "{script}: exit status");
    }
}

/// Where `rebar3` is, if installed.
fn rebar3() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("rebar3"))
        .find(|p| p.is_file())
}

/// `rebar3 ARGS` in `dir` on `vm`, with `home` as `HOME`.
fn rebar(vm: Vm, rebar3: &Path, args: &[&str], dir: &Path, home: &Path) -> Outcome {
    let home = home.to_str().expect("utf-8 path");
    let env = [
        ("HOME", home),
        ("REBAR_OFFLINE", "1"),
        ("REBAR_COLOR", "none"),
    ];
    let o = run(
        vm,
        rebar3.to_str().expect("utf-8 path"),
        args,
        dir,
        &env,
        b"",
    );
    eprintln!(
        "rebar3 {} on {vm:?}: {:.2} s",
        args.join(" "),
        o.elapsed.as_secs_f64()
    );
    o
}

/// The lines of rebar3's output, without the timing of eunit's run.
fn normalise_rebar(out: &[u8]) -> String {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| {
            if l.starts_with("Finished in ") {
                "Finished in N seconds"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn rebar3_new_compile_eunit() {
    let Some(rebar3) = rebar3() else {
        eprintln!("note: rebar3 is not installed; rebar3_new_compile_eunit skipped");
        return;
    };
    let root = scratch("rebar3");
    let home = root.join("home");
    std::fs::create_dir_all(&home).expect("home");
    // `rebar3 new app`: both make the same project (in folders of their own).
    let mut projects = Vec::new();
    for vm in Vm::BOTH {
        let dir = root.join(format!("{vm:?}"));
        std::fs::create_dir_all(&dir).expect("project folder");
        let o = rebar(vm, &rebar3, &["new", "app", "myapp"], &dir, &home);
        assert_eq!(
            o.status,
            Some(0),
            "rebar3 new on {vm:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        projects.push((o, tree(&dir.join("myapp"))));
    }
    assert_eq!(
        normalise_rebar(&projects[1].0.stdout),
        normalise_rebar(&projects[0].0.stdout)
    );
    assert!(
        projects[1].1 == projects[0].1,
        "rebar3 new made other files on beam"
    );
    // One project, built by each VM in turn (the beams record their source's path).
    let app = root.join("Erl/myapp");
    let src = app.join("src/myapp_app.erl");
    let mut text = std::fs::read_to_string(&src).expect("read the module");
    text.push_str(
        "\n-ifdef(TEST).\n-include_lib(\"eunit/include/eunit.hrl\").\n\
         add_test() -> ?assertEqual(4, 2 + 2).\n\
         fail_test() -> ?assertEqual(5, 2 + 2).\n\
         list_test_() -> [?_assert(lists:member(b, [a, b])), ?_assertMatch({ok, _}, {ok, 1})].\n\
         -endif.\n",
    );
    std::fs::write(&src, text).expect("write the module");
    std::fs::create_dir_all(app.join("test")).expect("test folder");
    std::fs::write(
        app.join("test/myapp_SUITE.erl"),
        "-module(myapp_SUITE).\n-export([all/0, ok_case/1, fail_case/1]).\n\
         all() -> [ok_case, fail_case].\n\
         ok_case(_) -> {ok, _} = application:ensure_all_started(myapp), ok.\n\
         fail_case(_) -> 4 = length(atom_to_list(myapp)).\n",
    )
    .expect("write the suite");
    let mut builds = Vec::new();
    for vm in Vm::BOTH {
        let _ = std::fs::remove_dir_all(app.join("_build"));
        let compile = rebar(vm, &rebar3, &["compile"], &app, &home);
        assert_eq!(
            compile.status,
            Some(0),
            "rebar3 compile on {vm:?}: {}{}",
            String::from_utf8_lossy(&compile.stdout),
            String::from_utf8_lossy(&compile.stderr)
        );
        let ebin = tree(&app.join("_build/default/lib/myapp/ebin"));
        let eunit = rebar(vm, &rebar3, &["eunit"], &app, &home);
        let ct = rebar(vm, &rebar3, &["ct"], &app, &home);
        builds.push((compile, ebin, eunit, ct));
    }
    let (erl, beam) = (&builds[0], &builds[1]);
    assert_eq!(
        erl.1.keys().collect::<Vec<_>>(),
        ["myapp.app", "myapp_app.beam", "myapp_sup.beam"]
    );
    assert_eq!(
        normalise_rebar(&beam.0.stdout),
        normalise_rebar(&erl.0.stdout)
    );
    assert!(beam.1 == erl.1, "the compiled ebin differs");
    // One test fails: rebar3 eunit ends with status 1 on both.
    assert_eq!(
        erl.2.status,
        Some(1),
        "{}",
        String::from_utf8_lossy(&erl.2.stdout)
    );
    assert_eq!(beam.2.status, erl.2.status);
    assert_eq!(
        normalise_rebar(&beam.2.stdout),
        normalise_rebar(&erl.2.stdout)
    );
    // common_test: one case passes, one fails.
    assert_eq!(
        erl.3.status,
        Some(1),
        "{}",
        String::from_utf8_lossy(&erl.3.stdout)
    );
    assert!(String::from_utf8_lossy(&erl.3.stdout).contains("Failed 1 tests. Passed 1 tests."));
    assert_eq!(beam.3.status, erl.3.status);
    assert_eq!(
        normalise_rebar(&beam.3.stdout),
        normalise_rebar(&erl.3.stdout)
    );
}

#[test]
fn rebar3_escriptize() {
    let Some(rebar3) = rebar3() else {
        eprintln!("note: rebar3 is not installed; rebar3_escriptize skipped");
        return;
    };
    let root = scratch("rebar3-escript");
    let home = root.join("home");
    std::fs::create_dir_all(&home).expect("home");
    let o = rebar(Vm::Beam, &rebar3, &["new", "escript", "mys"], &root, &home);
    assert_eq!(o.status, Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let project = root.join("mys");
    let script = project.join("_build/default/bin/mys");
    let mut made = Vec::new();
    for vm in Vm::BOTH {
        let _ = std::fs::remove_dir_all(project.join("_build"));
        let o = rebar(vm, &rebar3, &["escriptize"], &project, &home);
        assert_eq!(
            o.status,
            Some(0),
            "rebar3 escriptize on {vm:?}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        made.push((o, std::fs::read(&script).expect("the escript made")));
    }
    assert_eq!(
        normalise_rebar(&made[1].0.stdout),
        normalise_rebar(&made[0].0.stdout)
    );
    // The archives differ only in the members' time stamps (compiled a moment apart).
    assert_eq!(made[1].1.len(), made[0].1.len(), "the escript's size");
    // The one made on beam, run by both.
    let script = script.to_str().expect("utf-8 path");
    let [erl, beam] = Vm::BOTH.map(|vm| run(vm, script, &["x", "y"], &project, &[], b""));
    assert_eq!(erl.status, Some(0));
    assert_eq!(
        String::from_utf8_lossy(&beam.stdout),
        String::from_utf8_lossy(&erl.stdout)
    );
    assert_eq!(beam.status, erl.status);
}
