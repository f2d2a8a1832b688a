//! Several runtime instances in one OS process (`erts::instance`): isolation of two
//! instances running at once, start/stop cycles without growth of memory or threads, and
//! `halt` in an instance with a halt handler.
//!
//! The Erlang side is a small module compiled with the system `erlc` at test time; OTP is
//! found with `erts::runtime::find_root`. Tests that need neither skip with a message.

use erts::atom::atom;
use erts::instance::Instance;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier, Mutex, OnceLock};
use std::time::{Duration, Instant};

const SOURCE: &str = r#"
-module(iso_a).
-export([setup/2, check/2, idle/0, work/0, halt_me/1]).

%% A registered server owning a named table that holds this instance's tag, and N idle
%% processes.
setup(Tag, N) ->
    Parent = self(),
    spawn(fun() ->
                  register(iso_server, self()),
                  iso_tab = ets:new(iso_tab, [named_table, public]),
                  true = ets:insert(iso_tab, {tag, Tag}),
                  Parent ! ready,
                  receive stop -> ok end
          end),
    receive ready -> ok end,
    [spawn(?MODULE, idle, []) || _ <- lists:seq(1, N)],
    case Tag of
        one -> loaded = iso_only:hello();
        _ -> ok
    end,
    ok.

idle() -> receive stop -> ok end.

%% What this instance sees: its own server, its own table, its own processes.
check(Tag, Expected) ->
    true = is_pid(whereis(iso_server)),
    true = lists:member(iso_server, registered()),
    [{tag, Tag}] = ets:lookup(iso_tab, tag),
    1 = length([T || T <- ets:all(), T =:= iso_tab]),
    Expected = length(erlang:processes()),
    Loaded = (Tag =:= one),
    Loaded = erlang:module_loaded(iso_only),
    ok.

work() ->
    T = ets:new(w, [set]),
    [ets:insert(T, {I, lists:seq(1, 20)}) || I <- lists:seq(1, 200)],
    Self = self(),
    Pids = [spawn(fun() -> Self ! {done, I * I} end) || I <- lists:seq(1, 20)],
    Sum = lists:sum([receive {done, V} -> V end || _ <- Pids]),
    2870 = Sum,
    erlang:send_after(1, self(), tick),
    receive tick -> ok end,
    persistent_term:put({iso, key}, lists:seq(1, 100)),
    {ok, _} = re:compile("a+b"),
    _ = term_to_binary({self(), make_ref(), fun() -> ok end}),
    %% A loop hot enough for the native-code tier to compile.
    30000 = spin(30000, 0),
    ok.

spin(0, Acc) -> Acc;
spin(N, Acc) -> spin(N - 1, Acc + 1).

halt_me(Status) -> erlang:halt(Status).
"#;

const ONLY: &str = r#"
-module(iso_only).
-export([hello/0]).
hello() -> loaded.
"#;

/// The OTP root and a folder with the compiled test modules, once per test binary.
fn setup() -> Option<&'static (PathBuf, PathBuf)> {
    static S: OnceLock<Option<(PathBuf, PathBuf)>> = OnceLock::new();
    S.get_or_init(|| {
        let root = erts::runtime::find_root()?;
        let dir = std::env::temp_dir().join(format!("erts-instances-{}", std::process::id()));
        std::fs::create_dir_all(&dir).ok()?;
        for (name, src) in [("iso_a.erl", SOURCE), ("iso_only.erl", ONLY)] {
            std::fs::write(dir.join(name), src).ok()?;
        }
        let ok = std::process::Command::new("erlc")
            .arg("-o")
            .arg(&dir)
            .arg(dir.join("iso_a.erl"))
            .arg(dir.join("iso_only.erl"))
            .status()
            .ok()?
            .success();
        if !ok {
            return None;
        }
        // The port-program helper, the drivers and the NIF API, once per OS process.
        ports::init();
        nif_api::init();
        Some((root, dir))
    })
    .as_ref()
}

/// Tests that count threads or look at the RSS run one at a time.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static L: Mutex<()> = Mutex::new(());
    L.lock().unwrap_or_else(|e| e.into_inner())
}

fn options(root: &Path, dir: &Path) -> erts::runtime::Options {
    erts::runtime::Options {
        root: Some(root.to_path_buf()),
        pa: vec![dir.to_path_buf()],
        no_input: true,
    }
}

/// Spawns `iso_a:F(Args)` in the current instance and waits for it; true when it returned.
fn run(f: &str, args: &[erts::term::Term]) -> bool {
    let e = erts::module::export(atom("iso_a"), atom(f), args.len() as u32);
    let id = erts::process::table::table().next_id();
    erts::sched::watch(id);
    let got = erts::process::spawn::spawn(None, e, args, Default::default());
    assert_eq!(got.ok(), Some(id), "the process gets the pid watched");
    erts::sched::wait_watched()
}

fn atom_term(name: &str) -> erts::term::Term {
    erts::term::Term::atom(atom(name))
}

/// Live processes of the current instance, once no process has started or ended for 30 ms
/// (processes of the start-up and the checkers end on their own time).
fn process_count() -> usize {
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut last = erts::process::table::table().count();
    loop {
        std::thread::sleep(Duration::from_millis(30));
        let now = erts::process::table::table().count();
        if now == last || Instant::now() >= deadline {
            return now;
        }
        last = now;
    }
}

/// The scenarios run one after the other in one test: they count the threads and the
/// processes of this OS process, which test threads the harness starts for other tests
/// would disturb.
#[test]
fn instances() {
    two_instances_are_isolated();
    machine_code_is_freed_with_its_instance();
    // The RSS check runs the rounds interpreted: compiling the same hot modules again in
    // every round (each instance loads its own module versions) leaves about 20 KiB of
    // allocator fragmentation per round, which would hide real leaks; the native-code
    // tier's own memory is checked exactly above.
    erts::jit::set_enabled(false);
    start_stop_cycles_do_not_grow();
    erts::jit::set_enabled(true);
    halt_calls_the_handler_and_does_not_exit();
}

/// With the native-code tier on, every round compiles machine code (`work/0` runs a hot
/// loop), and stopping the instance frees all of it.
fn machine_code_is_freed_with_its_instance() {
    let Some((root, dir)) = setup() else {
        eprintln!("skipped: no OTP root or erlc");
        return;
    };
    let _serial = serial();
    if !erts::jit::enabled() {
        eprintln!("skipped: no native-code tier on this machine");
        return;
    }
    let opts = options(root, dir);
    let live = || {
        erts::jit::stats()
            .live_code_bytes
            .load(std::sync::atomic::Ordering::Relaxed)
    };
    let baseline = live();
    for round in 1..=20 {
        let inst = Instance::new();
        let compiled = inst.enter(|| {
            erts::runtime::start_bare(&opts, 2).expect("start");
            assert!(run("work", &[]), "round {round}: the work ran");
            // The compiler thread compiles while the work goes on: wait for its code.
            let t0 = std::time::Instant::now();
            while live() == baseline && t0.elapsed() < std::time::Duration::from_secs(10) {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            live()
        });
        assert!(
            compiled > baseline,
            "round {round}: the hot modules were compiled"
        );
        inst.shutdown();
        drop(inst);
        assert_eq!(live(), baseline, "round {round}: the machine code is freed");
    }
}

fn two_instances_are_isolated() {
    let Some((root, dir)) = setup() else {
        eprintln!("skipped: no OTP root or erlc");
        return;
    };
    let _serial = serial();
    let barrier = Arc::new(Barrier::new(2));
    let mut threads = Vec::new();
    for (tag, idle) in [("one", 5usize), ("two", 23usize)] {
        let (root, dir, barrier) = (root.clone(), dir.clone(), barrier.clone());
        threads.push(std::thread::spawn(move || {
            let inst = Instance::new();
            let report = inst.enter(|| {
                erts::runtime::start_bare(&options(&root, &dir), 2).expect("start");
                let before = process_count();
                assert!(run(
                    "setup",
                    &[atom_term(tag), erts::term::Term::small(idle as i64)]
                ));
                // Both instances are set up before either looks.
                barrier.wait();
                // What is running now and the checker.
                let expected = process_count() + 1;
                let ok = run(
                    "check",
                    &[atom_term(tag), erts::term::Term::small(expected as i64)],
                );
                // The host's view of the same state.
                let table = erts::ets::registry()
                    .by_name(atom("iso_tab"))
                    .expect("the named table");
                let server = erts::process::registry::whereis(atom("iso_server"));
                let loaded = erts::module::modules().is_loaded(atom("iso_only"));
                barrier.wait();
                (
                    ok,
                    table.id,
                    server.is_some(),
                    loaded,
                    process_count() - before,
                )
            });
            inst.shutdown();
            report
        }));
    }
    let one = threads.remove(0).join().expect("instance one");
    let two = threads.remove(0).join().expect("instance two");
    assert!(one.0, "instance one sees only its own state");
    assert!(two.0, "instance two sees only its own state");
    assert!(one.2 && two.2, "both registered iso_server");
    assert!(one.3, "iso_only is loaded in instance one");
    assert!(!two.3, "iso_only is not loaded in instance two");
    assert_eq!(one.4, 1 + 5, "instance one: its server and idle processes");
    assert_eq!(two.4, 1 + 23, "instance two: its server and idle processes");
}

fn threads_now() -> usize {
    std::fs::read_dir("/proc/self/task")
        .map(|d| d.count())
        .unwrap_or(0)
}

fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    // SAFETY: sysconf only reads a system setting.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(4096) as u64;
    pages * page
}

/// Waits up to two seconds for the thread count to come back to `n` (threads that were
/// joined may take a moment to leave `/proc`).
fn threads_back_to(n: usize) -> usize {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let now = threads_now();
        if now <= n || Instant::now() >= deadline {
            return now;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn start_stop_cycles_do_not_grow() {
    let Some((root, dir)) = setup() else {
        eprintln!("skipped: no OTP root or erlc");
        return;
    };
    let _serial = serial();
    let (rounds, window) = match std::env::var("ERTS_INSTANCE_ROUNDS") {
        Ok(n) => {
            let n: usize = n.parse().expect("ERTS_INSTANCE_ROUNDS is a number");
            (n.max(2), (n / 10).max(1))
        }
        Err(_) if cfg!(debug_assertions) => (200, 50),
        Err(_) => (1000, 100),
    };
    let opts = options(root, dir);
    let baseline_threads = threads_now();
    let baseline_states = erts::instance::allocated();
    let (mut rss_first, mut rss_last) = (0, 0);
    for round in 1..=rounds {
        let inst = Instance::new();
        let ok = inst.enter(|| {
            erts::runtime::start_bare(&opts, 2).expect("start");
            run("work", &[])
        });
        assert!(ok, "round {round}: the work ran");
        inst.shutdown();
        drop(inst);
        assert_eq!(
            erts::instance::allocated(),
            baseline_states,
            "round {round}: the instance's state is freed"
        );
        let threads = threads_back_to(baseline_threads);
        assert_eq!(
            threads, baseline_threads,
            "round {round}: every thread of the instance is joined"
        );
        // The largest RSS of the second half of the first window and of the last half
        // window: single samples dip when the allocator happens to return memory.
        if round > window / 2 && round <= window {
            rss_first = rss_first.max(rss_bytes());
        }
        if round > rounds - window / 2 {
            rss_last = rss_last.max(rss_bytes());
        }
    }
    let growth = rss_last.saturating_sub(rss_first);
    eprintln!(
        "RSS after {window} rounds: {} KiB, after {rounds}: {} KiB",
        rss_first / 1024,
        rss_last / 1024
    );
    assert!(
        growth < 4 << 20,
        "RSS grew by {} KiB over {} rounds",
        growth / 1024,
        rounds - window
    );
}

fn halt_calls_the_handler_and_does_not_exit() {
    let Some((root, dir)) = setup() else {
        eprintln!("skipped: no OTP root or erlc");
        return;
    };
    let _serial = serial();
    let inst = Instance::new();
    let got: Arc<Mutex<Vec<i32>>> = Arc::default();
    let seen = got.clone();
    inst.set_halt_handler(Box::new(move |status| {
        seen.lock().unwrap_or_else(|e| e.into_inner()).push(status)
    }));
    inst.enter(|| {
        erts::runtime::start_bare(&options(root, dir), 2).expect("start");
        let e = erts::module::export(atom("iso_a"), atom("halt_me"), 1);
        erts::process::spawn::spawn(None, e, &[erts::term::Term::small(7)], Default::default())
            .expect("spawn");
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    while got.lock().unwrap_or_else(|e| e.into_inner()).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(*got.lock().unwrap_or_else(|e| e.into_inner()), vec![7]);
    assert_eq!(inst.halt_status(), Some(7));
    assert!(inst.is_stopping(), "the instance stops after halt");
    inst.shutdown();
    // The handler ran once, and this process is still here to check it.
    assert_eq!(*got.lock().unwrap_or_else(|e| e.into_inner()), vec![7]);
}
