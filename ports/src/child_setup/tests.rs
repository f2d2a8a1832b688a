//! Tests of the helper through the public API.
//!
//! `cargo test` runs these on several threads, so the helper is forked from a multithreaded
//! process here (the VM forks it before its threads start). That is acceptable for tests: the
//! helper only needs the allocator to be fork-safe, which glibc's is. `start()` runs once, from
//! a `Once`. Tests that disturb the shared helper (lowering its descriptor limit, killing it,
//! counting its zombies) take an exclusive lock; the others share it.

use super::*;
use std::collections::BTreeSet;
use std::ffi::CString;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::sync::{Arc, Once, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

static EXCLUSIVE: RwLock<()> = RwLock::new(());

fn setup() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| start().expect("start the helper"));
}

fn shared() -> RwLockReadGuard<'static, ()> {
    setup();
    EXCLUSIVE.read().unwrap_or_else(|e| e.into_inner())
}

fn exclusive() -> RwLockWriteGuard<'static, ()> {
    setup();
    EXCLUSIVE.write().unwrap_or_else(|e| e.into_inner())
}

fn c(s: &str) -> CString {
    CString::new(s).unwrap()
}

fn cs(v: &[&str]) -> Vec<CString> {
    v.iter().map(|s| c(s)).collect()
}

fn pipe() -> (OwnedFd, OwnedFd) {
    sys::pipe().unwrap()
}

fn read_all(fd: OwnedFd) -> String {
    let mut s = String::new();
    std::fs::File::from(fd).read_to_string(&mut s).unwrap();
    s
}

type OnExit = Box<dyn FnOnce(i32) + Send>;

fn on_exit() -> (OnExit, Receiver<i32>) {
    let (tx, rx) = channel();
    (
        Box::new(move |status| {
            let _ = tx.send(status);
        }),
        rx,
    )
}

fn wait(rx: &Receiver<i32>) -> i32 {
    rx.recv_timeout(Duration::from_secs(30))
        .expect("exit status reported")
}

fn request(program: &str, argv: &[&str], env: &[&str], fds: Vec<(i32, OwnedFd)>) -> SpawnRequest {
    SpawnRequest {
        program: c(program),
        argv: cs(argv),
        env: cs(env),
        cd: None,
        fds,
        search_path: false,
    }
}

/// Runs `req` with its stdout (and stderr when asked) on a pipe: (output, exit status).
fn capture(mut req: SpawnRequest, stderr_too: bool) -> (String, i32) {
    let (r, w) = pipe();
    if stderr_too {
        req.fds.push((2, w.try_clone().unwrap()));
    }
    req.fds.push((1, w));
    let (cb, rx) = on_exit();
    spawn(req, cb).expect("spawned");
    let out = read_all(r);
    (out, wait(&rx))
}

fn sh(script: &str) -> SpawnRequest {
    request(
        "/bin/sh",
        &["sh", "-c", script],
        &["PATH=/usr/bin:/bin"],
        vec![],
    )
}

/// The descriptor numbers a process holds.
fn fds_of(pid: u32) -> BTreeSet<i32> {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect()
}

#[test]
fn echo_hi() {
    let _g = shared();
    let (out, status) = capture(request("/bin/echo", &["echo", "hi"], &[], vec![]), false);
    assert_eq!(out, "hi\n");
    assert_eq!(status, 0);
    assert!(started());
}

/// `spawn_async` with both callbacks reporting on channels: (start, exit).
fn spawn_reporting(req: SpawnRequest) -> (Receiver<Result<u32, i32>>, Receiver<i32>) {
    let (started_tx, started_rx) = channel();
    let (cb, exit_rx) = on_exit();
    spawn_async(
        req,
        Box::new(move |started| started_tx.send(started).unwrap()),
        cb,
    )
    .unwrap();
    (started_rx, exit_rx)
}

#[test]
fn spawn_async_reports_the_pid_then_the_exit() {
    let _g = shared();
    // The child waits for its input, so the pid surely comes before the exit.
    let (r, w) = pipe();
    let req = request(
        "/bin/sh",
        &["sh", "-c", "read x; exit 7"],
        &[],
        vec![(0, r)],
    );
    let (started, exited) = spawn_reporting(req);
    let pid = started
        .recv_timeout(Duration::from_secs(30))
        .expect("start reported")
        .expect("forked");
    assert!(pid > 0);
    assert!(exited.try_recv().is_err());
    std::fs::File::from(w).write_all(b"go\n").unwrap();
    assert_eq!(wait(&exited), 7);

    // A request the helper refuses: `on_start` gets the errno, `on_exit` is dropped.
    let mut bad = request("/bin/true", &["true"], &[], vec![]);
    bad.program = c("");
    let (started, exited) = spawn_reporting(bad);
    assert_eq!(
        started.recv_timeout(Duration::from_secs(30)).unwrap(),
        Err(libc::ENOENT)
    );
    assert_eq!(
        exited.recv_timeout(Duration::from_secs(5)),
        Err(RecvTimeoutError::Disconnected)
    );
}

#[test]
fn exit_code() {
    let _g = shared();
    let (cb, rx) = on_exit();
    spawn(sh("exit 3"), cb).unwrap();
    assert_eq!(wait(&rx), 3);
}

#[test]
fn killed_by_signal() {
    let _g = shared();
    let (cb, rx) = on_exit();
    spawn(sh("kill -9 $$"), cb).unwrap();
    assert_eq!(wait(&rx), 128 + 9);

    // Killed from outside, with the default SIGTERM disposition restored in the child.
    let (cb, rx) = on_exit();
    let pid = spawn(request("/bin/sleep", &["sleep", "30"], &[], vec![]), cb).unwrap();
    // SAFETY: signalling a child we just started (it cannot have been reaped: no Exited yet).
    assert_eq!(unsafe { libc::kill(pid as i32, libc::SIGTERM) }, 0);
    assert_eq!(wait(&rx), 128 + libc::SIGTERM);
}

#[test]
fn missing_program_is_enoent() {
    let _g = shared();
    assert_eq!(
        exec_failure(request("/no/such/program", &["x"], &[], vec![])),
        libc::ENOENT
    );
}

/// Spawns a child whose set-up or exec must fail: the spawn itself succeeds and the child
/// exits with the `errno` as its exit code. Returns that code.
fn exec_failure(req: SpawnRequest) -> i32 {
    let (cb, rx) = on_exit();
    let r = spawn(req, cb);
    assert!(matches!(r, Ok(pid) if pid > 0), "{r:?}");
    wait(&rx)
}

/// A fresh directory for one test, removed when dropped.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(test: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("child_setup_test_{}_{test}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir.canonicalize().unwrap())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn not_executable_is_eacces() {
    let _g = shared();
    let tmp = TempDir::new("eacces");
    let file = tmp.0.join("not_executable");
    std::fs::write(&file, "#!/bin/sh\nexit 0\n").unwrap();
    let path = file.to_str().unwrap();
    assert_eq!(
        exec_failure(request(path, &["x"], &[], vec![])),
        libc::EACCES
    );
    // A directory is not executable either.
    assert_eq!(
        exec_failure(request("/", &["x"], &[], vec![])),
        libc::EACCES
    );
}

#[test]
fn search_path() {
    let _g = shared();
    let tmp = TempDir::new("search_path");
    let dir = &tmp.0;
    std::fs::write(dir.join("cs-test-not-exec"), "").unwrap();
    let path_var = format!("PATH=/no/such/dir::{}:/usr/bin:/bin", dir.display());
    let mut req = request("echo", &["echo", "found"], &[&path_var], vec![]);
    req.search_path = true;
    assert_eq!(capture(req, false), ("found\n".to_string(), 0));

    let mut req = request("cs-test-no-such-program", &["x"], &[&path_var], vec![]);
    req.search_path = true;
    assert_eq!(exec_failure(req), libc::ENOENT);

    let mut req = request("cs-test-not-exec", &["x"], &[&path_var], vec![]);
    req.search_path = true;
    assert_eq!(exec_failure(req), libc::EACCES);

    // Without search_path a bare name is a path relative to the directory.
    let req = request("echo", &["echo"], &[&path_var], vec![]);
    assert_eq!(exec_failure(req), libc::ENOENT);
}

#[test]
fn cd() {
    let _g = shared();
    let tmp = TempDir::new("cd");
    let dir = &tmp.0;
    let mut req = request("/bin/pwd", &["pwd", "-P"], &[], vec![]);
    req.cd = Some(c(dir.to_str().unwrap()));
    assert_eq!(capture(req, false), (format!("{}\n", dir.display()), 0));

    // No cd: the VM's current directory.
    let here = std::env::current_dir().unwrap().canonicalize().unwrap();
    let req = request("/bin/pwd", &["pwd", "-P"], &[], vec![]);
    assert_eq!(capture(req, false), (format!("{}\n", here.display()), 0));

    let mut req = request("/bin/pwd", &["pwd"], &[], vec![]);
    req.cd = Some(c("/no/such/directory"));
    assert_eq!(exec_failure(req), libc::ENOENT);
}

#[test]
fn env() {
    let _g = shared();
    let req = request(
        "/usr/bin/env",
        &["env"],
        &["A=1", "B=two words", "C="],
        vec![],
    );
    assert_eq!(
        capture(req, false),
        ("A=1\nB=two words\nC=\n".to_string(), 0)
    );
    let req = request("/usr/bin/env", &["env"], &[], vec![]);
    assert_eq!(capture(req, false), (String::new(), 0));
}

#[test]
fn fds_3_and_4() {
    let _g = shared();
    let (in_r, in_w) = pipe();
    let (out_r, out_w) = pipe();
    let req = request(
        "/bin/sh",
        &["sh", "-c", "read line <&3; echo \"got $line\" >&4"],
        &[],
        vec![(3, in_r), (4, out_w)],
    );
    let (cb, rx) = on_exit();
    spawn(req, cb).unwrap();
    std::fs::File::from(in_w).write_all(b"ping\n").unwrap();
    assert_eq!(read_all(out_r), "got ping\n");
    assert_eq!(wait(&rx), 0);
}

#[test]
fn stderr_to_stdout() {
    let _g = shared();
    // A duplicate descriptor, and the same descriptor number given twice.
    let script = "echo out; echo err >&2";
    assert_eq!(capture(sh(script), true), ("out\nerr\n".to_string(), 0));

    let (r, w) = pipe();
    // SAFETY: a second owner of the same number, as the API allows; `spawn` closes it once.
    let alias = unsafe { OwnedFd::from_raw_fd(w.as_raw_fd()) };
    let mut req = sh(script);
    req.fds = vec![(1, w), (2, alias)];
    let (cb, rx) = on_exit();
    spawn(req, cb).unwrap();
    assert_eq!(read_all(r), "out\nerr\n");
    assert_eq!(wait(&rx), 0);
}

#[test]
fn swapped_stdio() {
    let _g = shared();
    // The child's stdin reads what the test writes; its stdout and stderr go to two pipes
    // given in the order 2, 1, 0 so that sources and targets interleave.
    let (in_r, in_w) = pipe();
    let (out_r, out_w) = pipe();
    let (err_r, err_w) = pipe();
    let mut req = sh("read x; echo \"o$x\"; echo \"e$x\" >&2");
    req.fds = vec![(2, err_w), (1, out_w), (0, in_r)];
    let (cb, rx) = on_exit();
    spawn(req, cb).unwrap();
    std::fs::File::from(in_w).write_all(b"1\n").unwrap();
    assert_eq!(read_all(out_r), "o1\n");
    assert_eq!(read_all(err_r), "e1\n");
    assert_eq!(wait(&rx), 0);
}

#[test]
fn no_leaked_fds() {
    let _g = shared();
    // Descriptors of the VM without close-on-exec: the child must not see them either.
    let mut leaky = [0; 2];
    // SAFETY: `leaky` has room for two descriptors.
    assert_eq!(unsafe { libc::pipe(leaky.as_mut_ptr()) }, 0);

    let (in_r, in_w) = pipe();
    let (out_r, out_w) = pipe();
    let (x_r, x_w) = pipe();
    let req = request(
        "/bin/cat",
        &["cat"],
        &[],
        vec![(0, in_r), (1, out_w), (3, x_r), (4, x_w)],
    );
    let (cb, rx) = on_exit();
    let pid = spawn(req, cb).unwrap();
    let mut input = std::fs::File::from(in_w);
    let mut output = std::fs::File::from(out_r);
    input.write_all(b"x\n").unwrap();
    let mut got = [0u8; 2];
    output.read_exact(&mut got).unwrap(); // cat is past its start-up now
    assert_eq!(&got, b"x\n");
    assert_eq!(fds_of(pid), BTreeSet::from([0, 1, 2, 3, 4]));
    drop(input);
    assert_eq!(wait(&rx), 0);

    // No mapping at all: only the inherited standard streams.
    let (cb, rx) = on_exit();
    let pid = spawn(request("/bin/sleep", &["sleep", "30"], &[], vec![]), cb).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    // The dynamic loader opens libraries briefly: wait for the steady state.
    while fds_of(pid) != BTreeSet::from([0, 1, 2]) {
        assert!(Instant::now() < deadline, "fds {:?}", fds_of(pid));
        std::thread::sleep(Duration::from_millis(10));
    }
    // SAFETY: signalling our own running child.
    unsafe { libc::kill(pid as i32, libc::SIGKILL) };
    assert_eq!(wait(&rx), 137);
    // SAFETY: closing the two descriptors made above.
    unsafe {
        libc::close(leaky[0]);
        libc::close(leaky[1]);
    }
}

#[test]
fn bad_mappings_are_errors() {
    let _g = shared();
    let (_r, w) = pipe();
    let (cb, _rx) = on_exit();
    let req = request("/bin/true", &["true"], &[], vec![(-1, w)]);
    assert_eq!(spawn(req, cb), Err(libc::EINVAL));

    let (_r, w) = pipe();
    let w2 = w.try_clone().unwrap();
    let (cb, _rx) = on_exit();
    let req = request("/bin/true", &["true"], &[], vec![(1, w), (1, w2)]);
    assert_eq!(spawn(req, cb), Err(libc::EINVAL));

    let many: Vec<(i32, OwnedFd)> = (0..protocol::MAX_FDS as i32 + 1)
        .map(|i| (i, pipe().1))
        .collect();
    let (cb, _rx) = on_exit();
    assert_eq!(
        spawn(request("/bin/true", &["true"], &[], many), cb),
        Err(libc::EMFILE)
    );

    let (cb, _rx) = on_exit();
    let req = request("/bin/true", &["true"], &[], vec![]);
    let mut bad = req;
    bad.program = c("");
    assert_eq!(spawn(bad, cb), Err(libc::ENOENT));
}

#[test]
fn spawn_from_on_exit_is_refused() {
    let _g = shared();
    let (tx, rx) = channel();
    let cb: OnExit = Box::new(move |_| {
        let (cb, _rx) = on_exit();
        let _ = tx.send(spawn(request("/bin/true", &["true"], &[], vec![]), cb));
    });
    spawn(request("/bin/true", &["true"], &[], vec![]), cb).unwrap();
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(30)).unwrap(),
        Err(libc::EDEADLK)
    );
}

#[test]
fn many_children_from_many_threads() {
    let _g = shared();
    const THREADS: usize = 8;
    const EACH: usize = 25;
    let calls: Arc<Vec<AtomicUsize>> =
        Arc::new((0..THREADS * EACH).map(|_| AtomicUsize::new(0)).collect());
    let (tx, rx) = channel::<(usize, i32)>();
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let calls = calls.clone();
            let tx = tx.clone();
            std::thread::spawn(move || {
                for i in 0..EACH {
                    let id = t * EACH + i;
                    let calls = calls.clone();
                    let tx = tx.clone();
                    let cb: OnExit = Box::new(move |status| {
                        calls[id].fetch_add(1, Ordering::SeqCst);
                        let _ = tx.send((id, status));
                    });
                    let req = if id.is_multiple_of(2) {
                        sh(&format!("exit {}", id % 256))
                    } else {
                        // Often exits before `spawn` has returned.
                        request("/bin/true", &["true"], &[], vec![])
                    };
                    spawn(req, cb).expect("spawned");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    drop(tx);
    let mut seen = 0;
    while seen < THREADS * EACH {
        let (id, status) = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("every child reported");
        let expected = if id.is_multiple_of(2) {
            (id % 256) as i32
        } else {
            0
        };
        assert_eq!(status, expected, "child {id}");
        seen += 1;
    }
    std::thread::sleep(Duration::from_millis(200));
    for (id, n) in calls.iter().enumerate() {
        assert_eq!(n.load(Ordering::SeqCst), 1, "child {id}");
    }
}

/// Zombie children of `parent` (state `Z` in `/proc/*/stat`).
fn zombies_of(parent: u32) -> Vec<u32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // "pid (comm) state ppid ...": comm may hold anything, so split after the last ')'.
        let Some(rest) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
            continue;
        };
        let mut fields = rest.split_whitespace();
        let state = fields.next();
        let ppid = fields.next().and_then(|p| p.parse::<u32>().ok());
        if state == Some("Z") && ppid == Some(parent) {
            found.push(pid);
        }
    }
    found
}

#[test]
fn no_zombies() {
    let _g = exclusive();
    let mut rxs = Vec::new();
    for i in 0..20 {
        let (cb, rx) = on_exit();
        spawn(sh(&format!("exit {i}")), cb).unwrap();
        rxs.push(rx);
    }
    for (i, rx) in rxs.iter().enumerate() {
        assert_eq!(wait(rx), i as i32);
    }
    let helper = helper_pid().expect("helper running");
    assert_eq!(zombies_of(helper), Vec::<u32>::new());
    assert_eq!(zombies_of(std::process::id()), Vec::<u32>::new());
}

#[test]
fn out_of_descriptors_is_emfile() {
    let _g = exclusive();
    let helper = helper_pid().expect("helper running") as libc::pid_t;
    // SAFETY: rlimit is plain data; prlimit reads/writes the structs given.
    let mut old: libc::rlimit = unsafe { std::mem::zeroed() };
    // The lowest descriptor number the helper has free: a limit there lets nothing new in.
    let open = fds_of(helper as u32);
    let lowest_free = (0..).find(|fd| !open.contains(fd)).unwrap();
    let tight = libc::rlimit {
        rlim_cur: lowest_free as libc::rlim_t,
        rlim_max: libc::RLIM_INFINITY,
    };
    // SAFETY: as above.
    let set = unsafe { libc::prlimit(helper, libc::RLIMIT_NOFILE, std::ptr::null(), &mut old) };
    assert_eq!(set, 0);
    let tight = libc::rlimit {
        rlim_max: old.rlim_max,
        ..tight
    };
    // SAFETY: as above.
    if unsafe { libc::prlimit(helper, libc::RLIMIT_NOFILE, &tight, std::ptr::null_mut()) } != 0 {
        eprintln!("prlimit not permitted here; skipping the EMFILE test");
        return;
    }
    // A request without descriptors needs none in the helper and still starts.
    let (cb, no_fds_rx) = on_exit();
    let no_fds = spawn(request("/bin/true", &["true"], &[], vec![]), cb);
    let (_r, w) = pipe();
    let (cb, _rx) = on_exit();
    let with_fd = spawn(request("/bin/true", &["true"], &[], vec![(1, w)]), cb);
    // SAFETY: as above.
    unsafe { libc::prlimit(helper, libc::RLIMIT_NOFILE, &old, std::ptr::null_mut()) };
    assert!(matches!(no_fds, Ok(pid) if pid > 0), "{no_fds:?}");
    assert_eq!(wait(&no_fds_rx), 0);
    assert_eq!(with_fd, Err(libc::EMFILE));
    // The helper is still fine.
    let (cb, rx) = on_exit();
    spawn(sh("exit 5"), cb).unwrap();
    assert_eq!(wait(&rx), 5);
}

#[test]
fn helper_restarts_after_dying() {
    let _g = exclusive();
    let old = helper_pid().expect("helper running");
    // A running child of the old helper: its callback is dropped when the helper goes.
    let (cb, orphan_rx) = on_exit();
    let orphan = spawn(request("/bin/sleep", &["sleep", "30"], &[], vec![]), cb).unwrap();
    // SAFETY: killing our own child process (the helper).
    assert_eq!(unsafe { libc::kill(old as i32, libc::SIGKILL) }, 0);
    let deadline = Instant::now() + Duration::from_secs(10);
    while started() {
        assert!(
            Instant::now() < deadline,
            "reader noticed the helper's death"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(
        orphan_rx.recv_timeout(Duration::from_secs(5)),
        Err(RecvTimeoutError::Disconnected)
    );
    // SAFETY: the orphan is ours to stop (it was reparented away from the dead helper).
    unsafe { libc::kill(orphan as i32, libc::SIGKILL) };
    let (cb, rx) = on_exit();
    spawn(sh("exit 7"), cb).unwrap();
    assert_eq!(wait(&rx), 7);
    let new = helper_pid().expect("a new helper");
    assert_ne!(new, old);
}
