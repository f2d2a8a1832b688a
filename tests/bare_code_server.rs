//! The `--bare` code server's answers that the differential suite cannot compare with the
//! real `erl`, because on a booted `erl` they take the node down: `code:stop/0` ends the code
//! server, and kernel's supervisor then restarts it until it gives up and the node stops.
//! What a caller sees up to then is OTP's (checked on the real `erl` 25): the server ends
//! without a reply, so `code:stop/0` exits with `{'DOWN', code_server, stop}`, the name is
//! free, and the next request fails to send (`badarg`).

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
