//! The `--bare` code server's answers that the differential suite cannot compare with the
//! real `erl`, because on a booted `erl` they take the node down: `code:stop/0` ends the code
//! server, and kernel's supervisor then restarts it until it gives up and the node stops.
//! What a caller sees up to then is OTP's (checked on the real `erl` 25): the server ends
//! without a reply, so `code:stop/0` exits with `{'DOWN', code_server, stop}`, the name is
//! free, and the next request fails to send (`badarg`). And the code path seen from a
//! program run in its own folder without `-pa` (the differential suite always gives `-pa`).

mod common;

use std::process::Command;
use std::time::Duration;

const PROGRAM: &str = r#"
-module(code_stop).
-export([main/0]).
main() ->
    Server = whereis(code_server),
    Ref = monitor(process, Server),
    erlang:display(catch code:stop()),
    erlang:display(receive {'DOWN', Ref, process, Server, Why} -> Why after 5000 -> timeout end),
    erlang:display(whereis(code_server)),
    erlang:display(element(1, catch code:is_loaded(lists))),
    erlang:display(done).
"#;

#[test]
fn code_stop_ends_the_server_without_a_reply() {
    let dir = common::compile_erl("bare_code_stop", "code_stop", PROGRAM);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_beam"));
    cmd.arg("--bare")
        .arg("-pa")
        .arg(&dir)
        .args(["-s", "code_stop", "main"]);
    let o = common::run_captured(&mut cmd, None, Duration::from_secs(60));
    let out = String::from_utf8_lossy(&o.stdout).replace('\r', "");
    assert_eq!(
        out,
        "{'EXIT',{'DOWN',code_server,stop}}\nnormal\nundefined\n'EXIT'\ndone\n",
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(o.status, Some(0));
    std::fs::remove_dir_all(&dir).unwrap();
}

const CWD_PROGRAM: &str = r#"
-module(cwd_mod).
-export([main/0]).
main() ->
    io:format("~p~n", [code:which(cwd_mod) =:= filename:absname("cwd_mod.beam")]),
    io:format("~p~n", [[filename:basename(filename:dirname(D))
                         || D <- lists:sublist(code:get_path(), 3)]]),
    io:format("~p~n", [filename:basename(filename:dirname(code:which(queue)))]).
"#;

/// A module in the current folder loads without `-pa` (the code path has `.` after the
/// `-pa` folders, as OTP's), is recorded under its absolute name, and kernel and stdlib come
/// before the other applications. Compared with the real `erl` run in the same folder (its
/// path has no `erts` folder first: the first three entries of ours start with it).
#[test]
fn current_folder_is_in_the_path() {
    let dir = common::compile_erl("bare_code_cwd", "cwd_mod", CWD_PROGRAM);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_beam"));
    cmd.current_dir(&dir)
        .args(["--bare", "-s", "cwd_mod", "main"]);
    let o = common::run_captured(&mut cmd, None, Duration::from_secs(60));
    let ours = String::from_utf8_lossy(&o.stdout).replace('\r', "");
    let theirs = common::erl_reference(|| {
        let out = Command::new("erl")
            .current_dir(&dir)
            .args(["-noshell", "-s", "cwd_mod", "main", "-s", "init", "stop"])
            .output()
            .expect("erl runs");
        String::from_utf8_lossy(&out.stdout).replace('\r', "")
    });
    let lines = |s: &str| s.lines().map(str::to_string).collect::<Vec<_>>();
    let (ours, theirs) = (lines(&ours), lines(&theirs));
    assert_eq!(
        ours.len(),
        3,
        "ours: {ours:?}, stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(ours[0], "true");
    assert_eq!(ours[0], theirs[0]);
    // Ours: erts, ., kernel; erl's: ., kernel, stdlib.
    assert!(
        ours[1].starts_with("[\"erts-") && ours[1].contains("\".\",\"kernel-"),
        "{ours:?}"
    );
    assert!(theirs[1].starts_with("[\".\",\"kernel-"), "{theirs:?}");
    assert_eq!(ours[2], theirs[2]);
    std::fs::remove_dir_all(&dir).unwrap();
}
