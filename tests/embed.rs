//! The embedding C API (`liberts`, `include/erts.h`) from real host programs: the hosts in
//! `c-tests/embed/` are compiled with the system C compiler against the header and the
//! library this build made, run, and their output compared with what they must print.

mod common;

use common::run_captured;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The folder holding `liberts.so` and `liberts.a` of this build (built if needed).
fn lib_dir() -> PathBuf {
    common::liberts_dir()
}

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("beam-rs-embed-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("scratch folder");
    d
}

/// Compiles the Erlang modules of `c-tests/embed` into `out`.
fn compile_erlang(out: &Path) {
    let mut cmd = Command::new("erlc");
    cmd.arg("-o").arg(out);
    for e in std::fs::read_dir(root().join("c-tests/embed")).expect("c-tests/embed") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "erl") {
            cmd.arg(p);
        }
    }
    let o = run_captured(&mut cmd, None, Duration::from_secs(120));
    assert_eq!(
        o.status,
        Some(0),
        "erlc: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Compiles the C (or C++) host `src` of `c-tests/embed` into `out/exe`, linked with
/// `liberts.so` (found at run time through an rpath).
pub fn build_host(compiler: &str, src: &str, out: &Path, exe: &str, extra: &[&str]) -> PathBuf {
    let lib = lib_dir();
    let path = out.join(exe);
    let mut cmd = Command::new(compiler);
    cmd.args(["-Wall", "-Wextra", "-Werror", "-g"])
        .arg("-I")
        .arg(root().join("include"))
        .arg(root().join("c-tests/embed").join(src))
        .arg("-o")
        .arg(&path)
        .args(extra)
        .arg(format!("-L{}", lib.display()))
        .arg("-lerts")
        .arg(format!("-Wl,-rpath,{}", lib.display()))
        .arg("-lpthread");
    let o = run_captured(&mut cmd, None, Duration::from_secs(120));
    assert_eq!(
        o.status,
        Some(0),
        "{compiler} {src}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    path
}

/// Runs `host` with `args` and compares what it prints with `c-tests/embed/<expected>`.
fn expect_output(host: &Path, args: &[&str], expected: &str, limit: Duration) {
    let o = run_captured(Command::new(host).args(args), None, limit);
    let want = std::fs::read_to_string(root().join("c-tests/embed").join(expected)).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        want,
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(o.status, Some(0));
}

#[test]
fn c_host_calls_runs_a_gen_server_and_registers_a_static_nif() {
    let dir = scratch("host");
    compile_erlang(&dir);
    let host = build_host("cc", "host.c", &dir, "host", &[]);
    let d = dir.to_str().unwrap();
    expect_output(
        &host,
        &[d, "--bare", "+S", "2"],
        "host.expected",
        Duration::from_secs(60),
    );
}

#[test]
fn c_host_does_the_same_on_a_booted_otp() {
    let dir = scratch("host-boot");
    compile_erlang(&dir);
    let host = build_host("cc", "host.c", &dir, "host", &[]);
    // Without --bare: OTP boots (`erl -noshell -noinput`) and its code server loads.
    let d = dir.to_str().unwrap();
    expect_output(
        &host,
        &[d, "+S", "2"],
        "host.expected",
        Duration::from_secs(120),
    );
}

#[test]
fn cpp_host_wraps_the_api_in_raii_classes_and_calls_from_eight_threads() {
    let dir = scratch("host-cpp");
    compile_erlang(&dir);
    let host = build_host("g++", "host.cpp", &dir, "host_cpp", &["-std=c++17"]);
    let d = dir.to_str().unwrap();
    expect_output(
        &host,
        &[d, "--bare", "+S", "2"],
        "host_cpp.expected",
        Duration::from_secs(60),
    );
}

#[test]
fn python_binding_demo_prints_what_it_must() {
    let python = "python3";
    if Command::new(python).arg("--version").output().is_err() {
        eprintln!("skipped: no {python} on PATH");
        return;
    }
    let lib = lib_dir().join("liberts.so");
    let o = run_captured(
        Command::new(python)
            .arg(root().join("examples/python/demo.py"))
            .env("ERTS_LIB", &lib),
        None,
        Duration::from_secs(60),
    );
    let want = std::fs::read_to_string(root().join("examples/python/demo.expected")).unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(String::from_utf8_lossy(&o.stdout), want, "stderr: {stderr}");
    // A mailbox callback that raised prints its traceback there.
    assert!(!stderr.contains("Traceback"), "stderr: {stderr}");
    assert_eq!(o.status, Some(0));
}

/// The figures `bench` printed: `name value` lines.
fn bench_figures(out: &[u8]) -> std::collections::HashMap<String, f64> {
    String::from_utf8_lossy(out)
        .lines()
        .filter_map(|l| {
            let (k, v) = l.split_once(' ')?;
            Some((k.to_string(), v.trim().parse().ok()?))
        })
        .collect()
}

#[test]
fn embedding_benchmark_runs_and_checks_its_answers() {
    // A short run of what bench/embed.sh times: every call's answer and the order of the
    // mailbox messages are checked by the program itself (exit status 1 otherwise).
    let dir = scratch("bench");
    compile_erlang(&dir);
    let bench = build_host("cc", "bench.c", &dir, "bench", &["-O2"]);
    let o = run_captured(
        Command::new(&bench).arg("start").arg(&dir).arg("--bare"),
        None,
        Duration::from_secs(60),
    );
    assert_eq!(o.status, Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let f = bench_figures(&o.stdout);
    assert!(f["start_us"] > 0.0 && f["first_call_us"] >= f["start_us"]);
    assert_eq!(f["otp_booted"], 0.0);
    let o = run_captured(
        Command::new(&bench)
            .arg("run")
            .arg(&dir)
            .args(["500", "5000", "--bare", "+S", "2"]),
        None,
        Duration::from_secs(60),
    );
    assert_eq!(o.status, Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let f = bench_figures(&o.stdout);
    for k in [
        "call_id_median_ns",
        "call_id_p99_ns",
        "call_abs_median_ns",
        "call_etf_median_ns",
        "mailbox_recv_msgs_per_s",
        "mailbox_callback_msgs_per_s",
        "threads1_calls_per_s",
        "threads2_calls_per_s",
        "threads2_median_ns",
    ] {
        assert!(f.get(k).is_some_and(|v| *v > 0.0), "no {k} in {f:?}");
    }
    assert!(f["call_id_p99_ns"] >= f["call_id_median_ns"]);
}

/// The code block of `docs/embedding.md` that follows the line `marker`.
fn doc_code_block(doc: &str, marker: &str) -> Option<String> {
    let mut lines = doc.lines().skip_while(|l| l.trim() != marker).skip(1);
    if !lines.next()?.starts_with("```") {
        return None;
    }
    let mut code = String::new();
    for l in lines {
        if l.starts_with("```") {
            return Some(code);
        }
        code.push_str(l);
        code.push('\n');
    }
    None
}

#[test]
fn c_example_of_the_docs_runs() {
    let file = std::fs::read_to_string(root().join("c-tests/embed/example.c")).unwrap();
    let doc = std::fs::read_to_string(root().join("docs/embedding.md")).unwrap();
    let block = doc_code_block(&doc, "<!-- the file c-tests/embed/example.c -->")
        .expect("docs/embedding.md has no code block after the example.c marker");
    assert_eq!(
        block, file,
        "the example in docs/embedding.md differs from c-tests/embed/example.c"
    );
    let dir = scratch("example");
    let exe = build_host("cc", "example.c", &dir, "example", &[]);
    let o = run_captured(&mut Command::new(&exe), None, Duration::from_secs(60));
    let want = std::fs::read_to_string(root().join("c-tests/embed/example.expected")).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        want,
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(o.status, Some(0));
    // The doc shows the output too.
    let shown: String = want.lines().map(|l| format!("    {l}\n")).collect();
    assert!(
        doc.contains(&shown),
        "docs/embedding.md does not show the example's output"
    );
}

/// Runs `host` with `args`, prints its output, and asserts it exited with status 0.
fn run_ok(host: &Path, args: &[&str], env: &[(&str, &str)], limit: Duration) -> String {
    let mut cmd = Command::new(host);
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = run_captured(&mut cmd, None, limit);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let err = String::from_utf8_lossy(&o.stderr);
    println!("{out}");
    assert_eq!(o.status, Some(0), "{host:?}: {out}\nstderr: {err}");
    out
}

/// Builds the C host `src` and runs it with the folder of the compiled Erlang modules as its
/// argument; what it printed.
fn run_host_with_ebin(name: &str, src: &str) -> String {
    let dir = scratch(name);
    compile_erlang(&dir);
    let host = build_host("cc", src, &dir, name, &[]);
    run_ok(
        &host,
        &[dir.to_str().unwrap()],
        &[],
        Duration::from_secs(120),
    )
}

#[test]
fn two_runtimes_in_one_process_are_isolated() {
    let out = run_host_with_ebin("two_runtimes", "two_runtimes.c");
    for line in [
        "counters: one=2000 two=6000",
        "ets shared: one sees one, two sees two",
        "relayed from threads of no runtime: one got to_one, two got to_two",
        "only_one loaded: in one true, in two false",
        "after stopping one, two still counts: 6000",
        "done: 0 failures",
    ] {
        assert!(out.contains(line), "missing {line:?}");
    }
}

#[test]
fn a_runtime_started_and_stopped_a_thousand_times_leaves_nothing_behind() {
    let dir = scratch("restart");
    compile_erlang(&dir);
    let host = build_host("cc", "restart.c", &dir, "restart", &[]);
    // restart.c itself checks the RSS growth from round 100 to round 1000 (at most 4 MB) and
    // the thread count.
    let out = run_ok(
        &host,
        &[dir.to_str().unwrap(), "1000"],
        &[],
        Duration::from_secs(300),
    );
    assert!(out.contains("rounds: 1000, failed: 0"), "{out}");
}

/// Whether the C compiler can build and run an AddressSanitizer program here.
fn asan_available(dir: &Path) -> bool {
    let src = dir.join("asan_probe.c");
    std::fs::write(&src, "int main(void) { return 0; }\n").unwrap();
    let exe = dir.join("asan_probe");
    let built = Command::new("cc")
        .args(["-fsanitize=address", "-o"])
        .arg(&exe)
        .arg(&src)
        .status()
        .is_ok_and(|s| s.success());
    built && Command::new(&exe).status().is_ok_and(|s| s.success())
}

#[test]
fn hosts_are_clean_under_address_sanitizer() {
    let dir = scratch("asan");
    compile_erlang(&dir);
    assert!(
        asan_available(&dir),
        "the C compiler cannot build with -fsanitize=address (install libasan)"
    );
    let asan = ["-fsanitize=address", "-fno-omit-frame-pointer"];
    // Leaks are reported (LeakSanitizer) and make the run fail, like any memory error.
    let env = [(
        "ASAN_OPTIONS",
        "detect_leaks=1:abort_on_error=0:exitcode=86",
    )];
    let d = dir.to_str().unwrap();
    let host = build_host("cc", "host.c", &dir, "host_asan", &asan);
    run_ok(
        &host,
        &[d, "--bare", "+S", "2"],
        &env,
        Duration::from_secs(300),
    );
    let two = build_host("cc", "two_runtimes.c", &dir, "two_asan", &asan);
    run_ok(&two, &[d], &env, Duration::from_secs(300));
    let restart = build_host("cc", "restart.c", &dir, "restart_asan", &asan);
    // Under ASan freed memory is held in quarantine: the RSS bound is ASan's, not ours.
    let env_restart = [env[0], ("RSS_LIMIT_KB", "65536")];
    let out = run_ok(
        &restart,
        &[d, "200"],
        &env_restart,
        Duration::from_secs(300),
    );
    assert!(out.contains("rounds: 200, failed: 0"), "{out}");
}

#[test]
fn halt_in_erlang_stops_the_runtime_not_the_host() {
    let dir = scratch("halt");
    let host = build_host("cc", "halt.c", &dir, "halt", &[]);
    let out = run_ok(&host, &[], &[], Duration::from_secs(120));
    let want = std::fs::read_to_string(root().join("c-tests/embed/halt.expected")).unwrap();
    assert_eq!(out, want);
}

#[test]
fn a_runtime_stuck_in_native_code_stops_within_its_limit() {
    let out = run_host_with_ebin("stuck", "stuck.c");
    let want = std::fs::read_to_string(root().join("c-tests/embed/stuck.expected")).unwrap();
    assert_eq!(out, want);
}

#[test]
fn standard_input_is_the_hosts_unless_it_asks() {
    let dir = scratch("stdin");
    let host = build_host("cc", "stdin.c", &dir, "stdin", &[]);
    let input = b"one\ntwo\n";
    let run = |args: &[&str]| {
        let o = run_captured(
            Command::new(&host).args(args),
            Some(input),
            Duration::from_secs(60),
        );
        assert_eq!(o.status, Some(0), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    assert_eq!(run(&[]), "the host read: one\nthe host read: two\n");
    assert_eq!(
        run(&["-stdin"]),
        "the runtime read: ERTS_OK \"one\\n\"\nthe runtime read: ERTS_OK \"two\\n\"\n"
    );
}
