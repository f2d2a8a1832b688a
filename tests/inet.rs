//! The inet drivers (`tcp_inet`, `udp_inet`) on a booted `beam` against the real `erl`:
//! each scenario runs `-noshell -pa DIR ... -s init stop` on both VMs, and stdout plus exit
//! status must be the same. The programs are the differential programs `tests/erl/inet_*.erl`
//! (an echo server with many clients, packet types, active modes, a 10 MB transfer, UDP),
//! plus short `-eval` scenarios. The real `erl` and `erlc` must be installed.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Runs `program args` with no input for at most two minutes: (exit status, stdout).
fn run(program: &str, args: &[&str]) -> (Option<i32>, Vec<u8>) {
    let mut child = Command::new(program)
        .args(args)
        .current_dir(ebin())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .env("ERL_CRASH_DUMP_SECONDS", "0")
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e} (the real erl must be installed)"));
    let mut out = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let start = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().expect("wait") {
            break st.code();
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{program} {args:?} did not end within two minutes");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    (status, reader.join().expect("stdout reader"))
}

/// `tests/erl/inet_*.erl` compiled once.
fn ebin() -> &'static Path {
    static EBIN: OnceLock<PathBuf> = OnceLock::new();
    EBIN.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("inet-ebin");
        std::fs::create_dir_all(&dir).expect("ebin folder");
        for p in PROGRAMS {
            let src = root.join("tests/erl").join(format!("{p}.erl"));
            let st = Command::new("erlc")
                .arg("-o")
                .arg(&dir)
                .arg(&src)
                .status()
                .expect("erlc must be installed");
            assert!(st.success(), "erlc {src:?} failed");
        }
        dir
    })
}

const PROGRAMS: &[&str] = &["inet_tcp_echo", "inet_udp_echo"];

/// Runs `args` (after `-noshell -pa DIR`) on both VMs and compares.
fn same_as_erl(args: &[&str]) -> String {
    let dir = ebin().to_str().expect("utf-8 path").to_string();
    let mut full = vec!["-noshell", "-pa", &dir];
    full.extend_from_slice(args);
    let want = run("erl", &full);
    let got = run(env!("CARGO_BIN_EXE_beam"), &full);
    let text = String::from_utf8_lossy(&got.1).into_owned();
    assert_eq!(
        String::from_utf8_lossy(&want.1),
        text,
        "stdout differs for {args:?}"
    );
    assert_eq!(want.0, got.0, "exit status differs for {args:?}");
    text
}

#[test]
fn tcp_echo_server_and_clients() {
    let out = same_as_erl(&["-s", "inet_tcp_echo", "main", "-s", "init", "stop"]);
    assert!(out.contains("20 clients, all echoed: true"), "{out}");
    assert!(out.contains("10 MB echoed intact true"), "{out}");
}

#[test]
fn udp_send_recv_and_hostname() {
    let out = same_as_erl(&["-s", "inet_udp_echo", "main", "-s", "init", "stop"]);
    assert!(out.contains("gethostname is the kernel's true"), "{out}");
}

#[test]
fn gethostname_is_real() {
    let out = same_as_erl(&[
        "-eval",
        "io:format(\"~p~n\", [inet:gethostname()]), halt().",
    ]);
    assert!(!out.contains("nohost"), "{out}");
}

/// A process blocked in `gen_tcp:recv/2` does not hold its scheduler: with one scheduler,
/// another process still runs and answers.
#[test]
fn waiting_recv_blocks_no_scheduler() {
    same_as_erl(&[
        "+S",
        "1",
        "-eval",
        "{ok, L} = gen_tcp:listen(0, [{active, false}]), {ok, P} = inet:port(L), \
         {ok, C} = gen_tcp:connect({127,0,0,1}, P, [{active, false}]), \
         {ok, A} = gen_tcp:accept(L), Self = self(), \
         spawn(fun() -> Self ! {got, gen_tcp:recv(C, 0)} end), \
         io:format(\"~p~n\", [lists:sum(lists:seq(1, 100000))]), \
         ok = gen_tcp:send(A, \"late\"), \
         receive {got, R} -> io:format(\"~p~n\", [R]) end, halt().",
    ]);
}
