//! Elixir on this runtime: Debian's `elixir` and `mix` (1.14, under `/usr/lib/elixir`) start
//! the `erl` they find on `PATH`, so putting a folder whose `erl` runs `beam` first on `PATH`
//! runs Elixir on this VM. Each scenario runs once with the real `erl` (the oracle) and once
//! with `beam`, and compares stdout and the exit status (and stderr where Elixir prints an
//! error).
//!
//! The `erl` used for `beam` is the repository's `bin/erl`, pointed at the `beam` this test was
//! built with (`BEAM_RS_BEAM`).
//! The scripts are `tests/elixir/*.exs`. The `mix` scenario makes a fresh project with `mix
//! new`, compiles and tests it in the same folder for both VMs (the compiler records the
//! source path in each module), with `HOME` and `MIX_HOME` in that temporary folder, and
//! checks that the compiled modules are the same bytes.
//!
//! Without `elixir` installed (Debian package `elixir`) each test prints a note and passes;
//! the real `erl` must be installed.

mod common;

use common::{run_captured, Outcome};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

/// The virtual machine under Elixir.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Vm {
    /// The installed OTP's `erl`.
    Erl,
    /// This runtime's `beam`, through the repository's `bin/erl`.
    Beam,
}

/// Whether an `elixir` is on `PATH`.
fn elixir_installed() -> bool {
    static FOUND: OnceLock<bool> = OnceLock::new();
    *FOUND.get_or_init(|| {
        std::env::var_os("PATH")
            .map(|p| std::env::split_paths(&p).any(|d| d.join("elixir").is_file()))
            .unwrap_or(false)
    })
}

/// Prints why a test does nothing and says whether it should.
fn skip() -> bool {
    if elixir_installed() {
        return false;
    }
    eprintln!("note: `elixir` is not installed (Debian package `elixir`); skipping");
    true
}

/// `PATH` for a run on `vm`: the inherited one without the repository's `bin/` (whose `erl`
/// runs `beam`), and for `beam` with that folder first.
fn path_for(vm: Vm) -> OsString {
    let ours = Path::new(env!("CARGO_MANIFEST_DIR")).join("bin");
    let inherited = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&inherited)
        .filter(|d| *d != ours)
        .collect();
    if vm == Vm::Beam {
        dirs.insert(0, ours);
    }
    std::env::join_paths(dirs).expect("PATH")
}

/// Runs `program args` in `dir` on `vm` with `input` on stdin and `env` set, for at most two
/// minutes.
fn run(
    vm: Vm,
    program: &str,
    args: &[&str],
    dir: &Path,
    env: &[(&str, &Path)],
    input: &[u8],
) -> Outcome {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .current_dir(dir)
        .env("PATH", path_for(vm))
        // `bin/erl` runs the `beam` this test was built with.
        .env("BEAM_RS_BEAM", env!("CARGO_BIN_EXE_beam"))
        // No `erl_crash.dump` files from a failing run.
        .env("ERL_CRASH_DUMP_SECONDS", "0");
    for var in common::ELIXIR_CLEARED_ENV {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    run_captured(&mut cmd, Some(input), Duration::from_secs(120))
}

/// A fresh folder `name` in the test's temporary space.
fn fresh_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a work folder");
    dir
}

/// Asserts that `got` (beam) printed and ended as `want` (erl) did; stderr is compared too
/// when `stderr` is set.
fn assert_same(what: &str, want: &Outcome, got: &Outcome, stderr: bool) {
    let show = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    assert_eq!(
        show(&got.stdout),
        show(&want.stdout),
        "{what}: stdout differs (left: beam, right: erl); beam's stderr:\n{}",
        show(&got.stderr)
    );
    assert_eq!(
        got.status,
        want.status,
        "{what}: exit status differs (left: beam, right: erl); beam's stderr:\n{}",
        show(&got.stderr)
    );
    if stderr {
        assert_eq!(
            show(&got.stderr),
            show(&want.stderr),
            "{what}: stderr differs (left: beam, right: erl)"
        );
    }
}

/// Runs `elixir tests/elixir/SCRIPT` on both VMs in a folder of its own, with `input` on
/// stdin; asserts the same stdout and exit status, and returns erl's outcome.
fn script(name: &str, input: &[u8], stderr: bool) -> Outcome {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/elixir")
        .join(name);
    let dir = fresh_dir(&format!("elixir-script-{name}"));
    std::fs::copy(&src, dir.join(name)).expect("copy the script");
    let want = run(Vm::Erl, "elixir", &[name], &dir, &[], input);
    let got = run(Vm::Beam, "elixir", &[name], &dir, &[], input);
    assert_same(name, &want, &got, stderr);
    want
}

#[test]
fn hello_world() {
    if skip() {
        return;
    }
    let want = script("hello.exs", b"", true);
    assert_eq!(want.stdout, b"hello world\n");
    assert_eq!(want.status, Some(0));
}

/// Enum, Stream, String, Regex (literals compiled into Elixir's own modules and patterns
/// compiled at run time), Map, structs, protocols.
#[test]
fn standard_library() {
    if skip() {
        return;
    }
    script("stdlib.exs", b"", true);
}

/// `spawn`/`send`/`receive`, monitors, `Task.async_stream`, `Task.await`, a GenServer, an
/// Agent, ETS.
#[test]
fn processes_tasks_and_genserver() {
    if skip() {
        return;
    }
    script("procs.exs", b"", true);
}

/// `try`/`rescue`/`catch`/`after`/`else`, custom exceptions, `with`.
#[test]
fn exceptions_rescued() {
    if skip() {
        return;
    }
    script("exceptions.exs", b"", true);
}

/// `IO.inspect` of atoms, numbers, binaries, bitstrings, charlists, tuples, maps large and
/// small, keyword lists, ranges, funs, structs, options.
#[test]
fn inspect_terms() {
    if skip() {
        return;
    }
    script("inspect.exs", b"", true);
}

/// `System.cmd` (ports), `:crypto`, files, `Code.eval_string`, unicode normalisation,
/// Supervisor, Registry, Task.Supervisor, term_to_binary, zlib.
#[test]
fn system_files_and_supervisors() {
    if skip() {
        return;
    }
    script("system.exs", b"", true);
}

/// Reading stdin line by line, then `IO.gets` at end of input.
#[test]
fn reads_standard_input() {
    if skip() {
        return;
    }
    script("stdin.exs", b"first\nsecond line\n", true);
}

#[test]
fn system_halt_sets_the_exit_status() {
    if skip() {
        return;
    }
    let want = script("halt.exs", b"", true);
    assert_eq!(want.status, Some(3));
}

/// An uncaught exception: Elixir prints it with its stack trace on stderr and exits with 1.
#[test]
fn uncaught_raise_prints_the_error() {
    if skip() {
        return;
    }
    let want = script("raise.exs", b"", true);
    assert_eq!(want.status, Some(1));
    assert!(
        String::from_utf8_lossy(&want.stderr).contains("** (ArgumentError) kaboom 42"),
        "erl's stderr: {}",
        String::from_utf8_lossy(&want.stderr)
    );
}

/// A script that does not compile: the warning and the `CompileError` (with the stack trace
/// Elixir prints for it, empty here) on stderr, exit status 1.
#[test]
fn compile_error_in_a_script() {
    if skip() {
        return;
    }
    let want = script("compile_error.exs", b"", true);
    assert_eq!(want.status, Some(1));
    assert!(lossy(&want.stderr).contains("** (CompileError) compile_error.exs:3"));
}

/// `exit({:shutdown, 7})` at the top of a script ends the VM with status 7.
#[test]
fn exit_shutdown_sets_the_exit_status() {
    if skip() {
        return;
    }
    let want = script("exit_shutdown.exs", b"", true);
    assert_eq!(want.status, Some(7));
}

/// `elixir --version` (OTP's banner: this runtime has no JIT, so no `[jit...]` tag) and
/// `elixir -e`.
#[test]
fn version_and_eval() {
    if skip() {
        return;
    }
    let dir = fresh_dir("elixir-eval");
    let want = run(Vm::Erl, "elixir", &["--version"], &dir, &[], b"");
    let got = run(Vm::Beam, "elixir", &["--version"], &dir, &[], b"");
    let without_jit = |b: &[u8]| {
        String::from_utf8_lossy(b)
            .replace(" [jit:ns]", "")
            .replace(" [jit]", "")
    };
    assert_eq!(without_jit(&got.stdout), without_jit(&want.stdout));
    assert_eq!(got.status, want.status);

    let args = [
        "-e",
        "IO.puts(Enum.sum(1..10)); IO.inspect(System.argv()); System.halt(2)",
        "--",
        "x",
        "y",
    ];
    let want = run(Vm::Erl, "elixir", &args, &dir, &[], b"");
    let got = run(Vm::Beam, "elixir", &args, &dir, &[], b"");
    assert_same("elixir -e", &want, &got, true);
    assert_eq!(want.status, Some(2));
}

/// What one VM made of the `mix` scenario.
struct MixRun {
    new: Outcome,
    compile: Outcome,
    test: Outcome,
    format: Outcome,
    check_formatted: Outcome,
    /// The files of `_build/dev/lib/demo/ebin`, sorted by name, with their bytes.
    ebin: Vec<(String, Vec<u8>)>,
    formatted: Vec<u8>,
}

/// A badly formatted module for `mix format`.
const UNFORMATTED: &str = "defmodule Demo.Ugly do\n  def f(x),do: x+1\n      \
                           def g( a,b ), do: [a,b]|>Enum.map(& &1*2)\nend\n";

/// `mix new demo`, `mix compile`, `mix test --seed 0`, then `mix format` of an added file, in
/// `base/work` with `HOME` and `MIX_HOME` under `base`; `base/work` is then moved to
/// `base/<vm>` so the other VM compiles in the same folder.
fn mix_scenario(vm: Vm, base: &Path) -> MixRun {
    let work = base.join("work");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).expect("create the work folder");
    let home = base.join(format!("home-{vm:?}"));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).expect("create HOME");
    let mix_home = home.join(".mix");
    let env: [(&str, &Path); 2] = [("HOME", &home), ("MIX_HOME", &mix_home)];
    let project = work.join("demo");
    let new = run(vm, "mix", &["new", "demo"], &work, &env, b"");
    assert_eq!(
        new.status,
        Some(0),
        "mix new on {vm:?}: {}",
        lossy(&new.stderr)
    );
    let compile = run(vm, "mix", &["compile"], &project, &env, b"");
    let test = run(vm, "mix", &["test", "--seed", "0"], &project, &env, b"");
    std::fs::write(project.join("lib/ugly.ex"), UNFORMATTED).expect("write lib/ugly.ex");
    let format = run(vm, "mix", &["format"], &project, &env, b"");
    let check_formatted = run(
        vm,
        "mix",
        &["format", "--check-formatted"],
        &project,
        &env,
        b"",
    );
    let formatted = std::fs::read(project.join("lib/ugly.ex")).expect("read lib/ugly.ex");
    let ebin_dir = project.join("_build/dev/lib/demo/ebin");
    let mut ebin: Vec<(String, Vec<u8>)> = std::fs::read_dir(&ebin_dir)
        .map(|rd| {
            rd.map(|e| {
                let e = e.expect("ebin entry");
                let bytes = std::fs::read(e.path()).expect("read an ebin file");
                (e.file_name().to_string_lossy().into_owned(), bytes)
            })
            .collect()
        })
        .unwrap_or_default();
    ebin.sort();
    let keep = base.join(format!("{vm:?}"));
    let _ = std::fs::remove_dir_all(&keep);
    std::fs::rename(&work, &keep).expect("move the project aside");
    MixRun {
        new,
        compile,
        test,
        format,
        check_formatted,
        ebin,
        formatted,
    }
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// ExUnit's report without its timing line ("Finished in 0.02 seconds ...").
fn without_timing(o: &Outcome) -> Outcome {
    let text = lossy(&o.stdout);
    let kept: String = text
        .split_inclusive('\n')
        .filter(|l| !l.starts_with("Finished in "))
        .collect();
    Outcome {
        status: o.status,
        stdout: kept.into_bytes(),
        stderr: o.stderr.clone(),
        elapsed: o.elapsed,
    }
}

#[test]
fn mix_new_compile_test_format() {
    if skip() {
        return;
    }
    let base = fresh_dir("elixir-mix");
    let want = mix_scenario(Vm::Erl, &base);
    let got = mix_scenario(Vm::Beam, &base);
    assert_same("mix new", &want.new, &got.new, true);
    assert_same("mix compile", &want.compile, &got.compile, true);
    assert_eq!(
        want.compile.status,
        Some(0),
        "{}",
        lossy(&want.compile.stderr)
    );
    assert_same(
        "mix test",
        &without_timing(&want.test),
        &without_timing(&got.test),
        true,
    );
    assert!(
        lossy(&want.test.stdout).contains(" 0 failures"),
        "erl's mix test: {}",
        lossy(&want.test.stdout)
    );
    assert_same("mix format", &want.format, &got.format, true);
    assert_same(
        "mix format --check-formatted",
        &want.check_formatted,
        &got.check_formatted,
        true,
    );
    assert_eq!(lossy(&got.formatted), lossy(&want.formatted));
    assert_ne!(
        want.formatted,
        UNFORMATTED.as_bytes(),
        "mix format changed nothing"
    );

    let names = |r: &MixRun| r.ebin.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&got),
        names(&want),
        "the files in _build/dev/lib/demo/ebin"
    );
    assert!(names(&want).contains(&"Elixir.Demo.beam".to_string()));
    for ((name, g), (_, w)) in got.ebin.iter().zip(&want.ebin) {
        assert!(g == w, "{name} is not the same bytes on both VMs");
    }
}
