//! The native-code tier as a user selects it: `+JIT true|false` decides whether modules are
//! compiled to machine code (`ERTS_JIT_DEBUG` names each compiled module on stderr), hot
//! modules compile once they pass the call threshold and not before, and
//! `erlang:system_info(emu_flavor)` says which tier runs (`jit`, as OTP's JIT build says, or
//! `emu`). The programs' results are the same in both tiers (the differential suite checks
//! every program in both; this test checks the selection itself).

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

const PROGRAM: &str = r#"
-module(jit_probe).
-export([main/0, main_cold/0]).
main() ->
    erlang:display(erlang:system_info(emu_flavor)),
    erlang:display(fib(22)).
main_cold() ->
    erlang:display(fib(3)).
fib(N) when N < 2 -> N;
fib(N) -> fib(N - 1) + fib(N - 2).
"#;

fn compiled_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("jit_tier_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join("jit_probe.erl");
    std::fs::write(&src, PROGRAM).unwrap();
    let st = Command::new("erlc")
        .arg("-o")
        .arg(&dir)
        .arg(&src)
        .status()
        .expect("erlc runs");
    assert!(st.success());
    dir
}

/// Runs `jit_probe:Fun()` bare with `flags` and the environment `env`; returns stdout and
/// the modules stderr reports compiled.
fn run(dir: &PathBuf, fun: &str, flags: &[&str], env: &[(&str, &str)]) -> (String, Vec<String>) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_beam"));
    cmd.arg("--bare")
        .args(flags)
        .arg("-pa")
        .arg(dir)
        .args(["-s", "jit_probe", fun])
        .env("ERTS_JIT_DEBUG", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = common::run_captured(&mut cmd, None, Duration::from_secs(60));
    assert_eq!(o.status, Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let compiled = String::from_utf8_lossy(&o.stderr)
        .lines()
        .filter_map(|l| l.strip_prefix("jit: compiled "))
        .map(|l| l.split(' ').next().unwrap_or("").to_string())
        .collect();
    (
        String::from_utf8_lossy(&o.stdout).replace('\r', ""),
        compiled,
    )
}

#[test]
fn the_flag_selects_the_tier() {
    let dir = compiled_dir();
    // Default: the tier is on; fib(22) makes ~57k calls, far past the threshold.
    let (out, compiled) = run(&dir, "main", &[], &[]);
    assert_eq!(out, "jit\n17711\n");
    assert!(compiled.iter().any(|m| m == "jit_probe"), "{compiled:?}");
    // Explicitly on, and compiling at the first call: the same result.
    let (out, compiled) = run(
        &dir,
        "main",
        &["+JIT", "true"],
        &[("ERTS_JIT_THRESHOLD", "0")],
    );
    assert_eq!(out, "jit\n17711\n");
    assert!(compiled.iter().any(|m| m == "jit_probe"), "{compiled:?}");
    // Off: nothing is compiled, even with a zero threshold.
    let (out, compiled) = run(
        &dir,
        "main",
        &["+JIT", "false"],
        &[("ERTS_JIT_THRESHOLD", "0")],
    );
    assert_eq!(out, "emu\n17711\n");
    assert!(compiled.is_empty(), "{compiled:?}");
    // A module called a few times stays interpreted under the default threshold.
    let (out, compiled) = run(&dir, "main_cold", &[], &[]);
    assert_eq!(out, "2\n");
    assert!(!compiled.iter().any(|m| m == "jit_probe"), "{compiled:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_bad_flag_value_is_refused() {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_beam"));
    cmd.args(["+JIT", "maybe", "-noshell", "-eval", "halt()."]);
    let o = common::run_captured(&mut cmd, None, Duration::from_secs(30));
    assert_ne!(o.status, Some(0));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bad +JIT flag maybe"), "{err}");
}
