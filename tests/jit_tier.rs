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
-export([main/0, main_cold/0, main_phases/0, main_large/0, main_types/0]).
main() ->
    erlang:display(erlang:system_info(emu_flavor)),
    erlang:display(fib(22)).
main_cold() ->
    erlang:display(fib(3)).
main_large() ->
    erlang:display(unicode_util:gc("abc")),
    {ok, Toks, _} = erl_scan:string("f(X) -> [X || {X} <- X]."),
    {ok, Form} = erl_parse:parse_form(Toks),
    erlang:display(element(1, Form)).
main_phases() ->
    erlang:display(loop_a(40000, 0)),
    erlang:display(loop_b(100000, 0)),
    erlang:display(loop_a(10, 0)).
loop_a(0, Acc) -> Acc;
loop_a(N, Acc) -> loop_a(N - 1, Acc + N rem 7).
loop_b(0, Acc) -> Acc;
loop_b(N, Acc) -> loop_b(N - 1, Acc + step(N)).
step(N) -> N rem 3.
never_called(X) -> [X, X + 1, {X}, lists:reverse([X, 2, 3])].
main_types() ->
    Vs = [0, -1, 1 bsl 70, -(1 bsl 70), 1.5, a, true, false, [], [1], {}, {a, b}, #{},
          #{a => 1}, <<1, 2>>, <<1:3>>, binary:part(<<"abcdef">>, 1, 3),
          binary:copy(<<7>>, 1000), fun() -> ok end, fun erlang:abs/1, self(), make_ref(),
          hd(erlang:ports())],
    erlang:display([kinds(V) || V <- Vs]).
kinds(V) ->
    [K || K <- [integer, float, number, atom, pid, reference, port, nil, binary, bitstring,
                list, nonempty_list, tuple, boolean, map, function], is(K, V) =:= K].
is(integer, V) when is_integer(V) -> integer;
is(float, V) when is_float(V) -> float;
is(number, V) when is_number(V) -> number;
is(atom, V) when is_atom(V) -> atom;
is(pid, V) when is_pid(V) -> pid;
is(reference, V) when is_reference(V) -> reference;
is(port, V) when is_port(V) -> port;
is(nil, V) when V =:= [] -> nil;
is(binary, V) when is_binary(V) -> binary;
is(bitstring, V) when is_bitstring(V) -> bitstring;
is(list, V) when is_list(V) -> list;
is(nonempty_list, [_ | _]) -> nonempty_list;
is(tuple, V) when is_tuple(V) -> tuple;
is(boolean, V) when is_boolean(V) -> boolean;
is(map, V) when is_map(V) -> map;
is(function, V) when is_function(V) -> function;
is(_, _) -> no.
fib(N) when N < 2 -> N;
fib(N) -> fib(N - 1) + fib(N - 2).
"#;

/// A folder of its own for the test `tag` (tests run in parallel in one process).
fn compiled_dir(tag: &str) -> PathBuf {
    common::compile_erl(&format!("jit_tier_{tag}"), "jit_probe", PROGRAM)
}

/// Runs `jit_probe:Fun()` bare with `flags` and the environment `env`; returns stdout and
/// the modules stderr reports compiled.
fn run(dir: &PathBuf, fun: &str, flags: &[&str], env: &[(&str, &str)]) -> (String, Vec<String>) {
    let (out, lines) = run_lines(dir, fun, flags, env);
    let compiled = lines
        .iter()
        .map(|l| l.split(' ').next().unwrap_or("").to_string())
        .collect();
    (out, compiled)
}

/// As [`run`], with the whole `jit: compiled ...` lines (less the prefix).
fn run_lines(
    dir: &PathBuf,
    fun: &str,
    flags: &[&str],
    env: &[(&str, &str)],
) -> (String, Vec<String>) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_beam"));
    cmd.arg("--bare")
        .args(flags)
        .arg("-pa")
        .arg(dir)
        .args(["-s", "jit_probe", fun])
        .env("ERTS_JIT_DEBUG", "1")
        // Compilations on the process's own thread: done before the program goes on, so
        // that a short program's output lists them.
        .env("ERTS_JIT_SYNC", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = common::run_captured(&mut cmd, None, Duration::from_secs(60));
    assert_eq!(o.status, Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let compiled = String::from_utf8_lossy(&o.stderr)
        .lines()
        .filter_map(|l| l.strip_prefix("jit: compiled "))
        .map(str::to_string)
        .collect();
    (
        String::from_utf8_lossy(&o.stdout).replace('\r', ""),
        compiled,
    )
}

#[test]
fn the_flag_selects_the_tier() {
    let dir = compiled_dir("flag");
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

/// Every kind of type test runs as machine code: a program testing values of every type
/// with each test gives the interpreter's answers without leaving machine code at a test
/// (`ERTS_JIT_STATS` counts the instructions where machine code hands over).
#[test]
fn type_tests_run_as_machine_code() {
    let dir = compiled_dir("types");
    let (interpreted, _) = run(&dir, "main_types", &["+JIT", "false"], &[]);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_beam"));
    cmd.args(["--bare", "+JIT", "true", "-pa"])
        .arg(&dir)
        .args(["-s", "jit_probe", "main_types"])
        .env("ERTS_JIT_THRESHOLD", "0")
        .env("ERTS_JIT_SYNC", "1")
        .env("ERTS_JIT_STATS", "1");
    let o = common::run_captured(&mut cmd, None, Duration::from_secs(60));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status, Some(0), "{stderr}");
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).replace('\r', ""),
        interpreted
    );
    assert!(interpreted.contains("[bitstring]"), "{interpreted}");
    let at_tests: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("jit exit") && l.ends_with(" Test"))
        .collect();
    assert!(at_tests.is_empty(), "{at_tests:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `(compiled, total, version)` of a `jit: compiled M (K of N instructions, version V, T us)`
/// line.
fn counts(line: &str) -> (usize, usize, u32) {
    let nums: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|w| !w.is_empty())
        .map(|w| w.parse().unwrap())
        .collect();
    (nums[0] as usize, nums[1] as usize, nums[2] as u32)
}

#[test]
fn hot_functions_compile_in_versions() {
    let dir = compiled_dir("versions");
    // The versions of `jit_probe` compiled by a run of `main_phases` with `env`, after
    // checking its output.
    let versions = |env: &[(&str, &str)]| -> Vec<(usize, usize, u32)> {
        let (out, lines) = run_lines(&dir, "main_phases", &[], env);
        assert_eq!(out, "119997\n100000\n27\n");
        lines
            .iter()
            .filter(|l| l.starts_with("jit_probe "))
            .map(|l| counts(l))
            .collect()
    };
    // `loop_a` gets hot first: the first version holds it and not `loop_b`, `step` or
    // `never_called`. Then `loop_b` and `step` get hot: a second version compiles them
    // (only them). `never_called` is never compiled.
    let ours = versions(&[]);
    assert_eq!(ours.len(), 2, "{ours:?}");
    let (k1, n, v1) = ours[0];
    let (k2, n2, v2) = ours[1];
    assert_eq!((v1, v2, n), (1, 2, n2), "{ours:?}");
    assert!(k1 > 0 && k2 > 0 && k1 + k2 < n, "{ours:?}");
    // With a zero threshold the whole module is compiled at its first call, once.
    let ours = versions(&[("ERTS_JIT_THRESHOLD", "0")]);
    assert_eq!(ours.len(), 1, "{ours:?}");
    assert_eq!(ours[0].0, ours[0].1, "{ours:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Compile time grows faster than the size of what one machine-code function holds: a
/// function of more than 3,000 instructions (`unicode_util`'s lookup tables) stays
/// interpreted, and one version compiles at most 8,000 instructions (a larger module is
/// compiled in several). Every function is compiled at its first call here.
#[test]
fn large_functions_stay_interpreted_and_versions_are_bounded() {
    let dir = compiled_dir("large");
    let (out, lines) = run_lines(&dir, "main_large", &[], &[("ERTS_JIT_THRESHOLD", "0")]);
    assert_eq!(out, "\"abc\"\nfunction\n");
    for l in &lines {
        let (k, _, _) = counts(l);
        assert!(k <= 8000, "{l}");
    }
    let unicode: Vec<_> = lines
        .iter()
        .filter(|l| l.starts_with("unicode_util "))
        .collect();
    assert!(!unicode.is_empty(), "{lines:?}");
    for l in &unicode {
        let (k, n, _) = counts(l);
        assert!(k < n, "the lookup tables were compiled: {l}");
    }
    // erl_parse has more than 8,000 instructions in functions of ordinary size: its first
    // call compiles a first version, and the next the rest.
    let parse: Vec<_> = lines
        .iter()
        .filter(|l| l.starts_with("erl_parse "))
        .map(|l| counts(l))
        .collect();
    assert!(parse.len() >= 2, "{lines:?}");
    assert!(parse.iter().any(|&(_, _, v)| v == 2), "{parse:?}");
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

/// Starts `jit_probe:main()` bare with `flags`, compiling in place; stdout piped.
fn spawn_probe(dir: &PathBuf, flags: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_beam"))
        .arg("--bare")
        .args(flags)
        .arg("-pa")
        .arg(dir)
        .args(["-s", "jit_probe", "main"])
        .env("ERTS_JIT_SYNC", "1")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// `+JPperf map` (OTP's flag) writes each compiled version to `/tmp/perf-<os pid>.map` in
/// the format `perf` reads: start and size in hexadecimal, then the name, here the module
/// and the version.
#[test]
fn the_perf_map_names_compiled_code() {
    let dir = compiled_dir("perf");
    let child = spawn_probe(&dir, &["+JPperf", "map"]);
    let map = PathBuf::from(format!("/tmp/perf-{}.map", child.id()));
    let o = child.wait_with_output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).replace('\r', ""),
        "jit\n17711\n"
    );
    let text = std::fs::read_to_string(&map).unwrap_or_default();
    let _ = std::fs::remove_file(&map);
    let line = text
        .lines()
        .find(|l| l.ends_with(" $beam:jit_probe:v1"))
        .unwrap_or_else(|| panic!("no jit_probe entry in {text:?}"));
    let mut fields = line.split(' ');
    let start = u64::from_str_radix(fields.next().unwrap(), 16).unwrap();
    let size = u64::from_str_radix(fields.next().unwrap(), 16).unwrap();
    assert!(start > 0 && size > 0, "{line}");
    // Without the flag, no map.
    let child = spawn_probe(&dir, &[]);
    let map = PathBuf::from(format!("/tmp/perf-{}.map", child.id()));
    child.wait_with_output().unwrap();
    assert!(!map.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}
