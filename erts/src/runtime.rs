//! Starting and running the runtime in the current instance (`crate::instance`): the
//! `--bare` mode that runs `Mod:Fun(Args)` in a first process without booting OTP (what tests
//! and benchmarks use), with OTP's exit-status rules, and the boot of OTP. Each is split into
//! a start ([`start_bare`], [`start_boot`]) that an embedding host calls for an instance, and
//! the run of the `beam` binary ([`run_bare`], [`boot`]).

use crate::atom;
use crate::code;
use crate::module;
use crate::sched;
use crate::term::boxed;
use crate::term::Term;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Options for a runtime start.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// The OTP root (`-root`).
    pub root: Option<PathBuf>,
    /// Extra code path folders (`-pa`), searched first.
    pub pa: Vec<PathBuf>,
    /// `-noinput`: `user` only writes (`user:start_out/0`) and leaves descriptor 0 alone
    /// (an embedded runtime does not read its host's standard input).
    pub no_input: bool,
}

/// Finds the OTP root as `erl` users expect: `ERL_ROOTDIR` (or `ERL_ROOT`), else the
/// installation of the system `erl` on `PATH` (this project's own launcher skipped), else
/// `/usr/lib/erlang` or `/usr/local/lib/erlang`. A root found on `PATH` or in the usual
/// places must hold `lib/erts-*`.
pub fn find_root() -> Option<PathBuf> {
    let is_root = |p: &Path| erts_dir_name(p).is_some();
    for var in ["ERL_ROOTDIR", "ERL_ROOT"] {
        if let Some(r) = std::env::var_os(var).filter(|r| !r.is_empty()) {
            return Some(PathBuf::from(r));
        }
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if let Some(root) = root_of_erl(&dir.join("erl")).filter(|r| is_root(r)) {
                return Some(root);
            }
        }
    }
    ["/usr/lib/erlang", "/usr/local/lib/erlang"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| is_root(p))
}

/// The root of the OTP installation whose `erl` script is `erl`: the folder above the
/// script's real location (`<root>/bin/erl`), else what the script sets `ROOTDIR` to.
/// `None` for a file that is not there and for this project's launcher (`bin/erl` of the
/// repository, which runs this runtime).
fn root_of_erl(erl: &Path) -> Option<PathBuf> {
    let real = std::fs::canonicalize(erl).ok()?;
    if !real.is_file() {
        return None;
    }
    let head = std::fs::read(&real).ok()?;
    let text = String::from_utf8_lossy(&head[..head.len().min(8192)]);
    if text.contains("beam-rs launcher") {
        return None;
    }
    let above = real.parent()?.parent()?.to_path_buf();
    if erts_dir_name(&above).is_some() {
        return Some(above);
    }
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("ROOTDIR="))
        .map(|v| PathBuf::from(v.trim_matches('"')))
        .find(|p| p.is_absolute() && erts_dir_name(p).is_some())
}

/// What the crates that plug into the runtime (`ports`) set up in each instance, registered
/// once per OS process (process-wide: a list of functions).
static INSTANCE_SETUP: parking_lot::Mutex<Vec<fn()>> = parking_lot::Mutex::new(Vec::new());

/// Registers `f` to run once in every instance before it starts (drivers, the forker port).
pub fn add_instance_setup(f: fn()) {
    let mut v = INSTANCE_SETUP.lock();
    if !v.contains(&f) {
        v.push(f);
    }
}

/// Runs the instance setup functions in the current instance (once).
pub fn setup_instance() {
    static DONE: crate::instance::InstanceLocal<std::sync::OnceLock<()>> =
        crate::instance::InstanceLocal::new();
    DONE.get_or_default().get_or_init(|| {
        let setup = INSTANCE_SETUP.lock().clone();
        for f in setup {
            f();
        }
    });
}

/// Sets up the code path from the options.
pub fn init(opts: &Options) {
    setup_instance();
    crate::bif::system_info::mark_vm_start();
    let root = opts.root.clone().or_else(find_root);
    code::set_path(&opts.pa, root.as_deref());
}

/// Starts OTP's own I/O servers over the fd driver, as `erl -noshell` has them: `user` on
/// fds 0 and 1 (`user:start/0`; `user:start_out/0`, output only, when `no_input`) and
/// `standard_error` on fd 2 (`standard_error:init/1`). Returns how many ports were open
/// before (for [`await_io_servers`]); `None` when they cannot start, e.g. without the
/// `spawn`/`fd` drivers or OTP's kernel.
fn begin_io_servers(no_input: bool) -> Option<usize> {
    crate::port::driver::lookup("fd")?;
    // Ports open before (the forker port) do not count.
    let ports_before = crate::port::table::table().count();
    let start = if no_input { "start_out" } else { "start" };
    spawn_loading("user", start, &[])?;
    spawn_loading("standard_error", "init", &[Term::NIL]);
    Some(ports_before)
}

/// Waits for the I/O servers [`begin_io_servers`] started; `user`'s pid, the group leader
/// of the first process (`None`: the first process is then its own group leader).
fn await_io_servers(ports_before: usize) -> Option<u64> {
    // Both register the servers they spawn, which open their fd ports; wait for the names
    // and the two ports, so the first process starts with its I/O ready.
    let registered = |name: &str| crate::process::registry::whereis(atom::atom(name));
    let ready = || {
        registered("user").is_some()
            && registered("standard_error").is_some()
            && crate::port::table::table().count() >= ports_before + 2
    };
    wait_for(ready);
    registered("user")
}

/// Spawns a process running `m:f(args)`; its pid number.
fn spawn_call(m: &str, f: &str, args: &[Term]) -> Option<u64> {
    let m = atom::atom(m);
    code::ensure_loaded(m).ok()?;
    let e = module::export(m, atom::atom(f), args.len() as u32);
    let opts = crate::process::spawn::SpawnOpts::default();
    crate::process::spawn::spawn(None, e, args, opts).ok()
}

/// Spawns a process running `m:f(args)` that loads `m` itself (on its scheduler, while
/// this thread goes on), when `m` can be loaded; its pid number.
fn spawn_loading(m: &str, f: &str, args: &[Term]) -> Option<u64> {
    let m = atom::atom(m);
    if !code::loadable(m) {
        return None;
    }
    let e = module::export(m, atom::atom(f), args.len() as u32);
    let opts = crate::process::spawn::SpawnOpts::default();
    crate::process::spawn::spawn(None, e, args, opts).ok()
}

/// The modules the file server runs, loaded by [`start_file_server`]'s thread while the
/// I/O servers start on the schedulers (which load theirs).
const FILE_SERVER_MODULES: [&str; 5] = ["file_server", "gen_server", "proc_lib", "gen", "queue"];

/// Waits up to five seconds for `ready`; whether it became true.
fn wait_for(ready: impl Fn() -> bool) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !ready() {
        if std::time::Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_micros(50));
    }
    true
}

/// Installs the built-in NIF libraries the file server needs as OTP's `erl_init:start/2`
/// does, by calling `prim_buffer:on_load/0` and `prim_file:on_load/0` (each calls
/// `erlang:load_nif/2`; `zlib`, which `erl_init` also starts, gets its library from its own
/// `on_load` when a program first calls it, sparing every bare start its loading), then
/// starts OTP's file server `file_server_2` (`file_server:start/0`; kernel's supervisor
/// starts it the same way in a full boot), so `file` works. Does nothing when the modules
/// cannot be loaded (no OTP root).
fn start_file_server() {
    let libs = ["prim_buffer", "prim_file"];
    for m in libs {
        spawn_call(m, "on_load", &[]);
    }
    for m in FILE_SERVER_MODULES {
        let _ = code::ensure_loaded(atom::atom(m));
    }
    let loaded = || {
        libs.iter().all(|m| {
            module::modules()
                .get(atom::atom(m))
                .is_some_and(|v| crate::nifs::is_loaded(&v))
        })
    };
    if !wait_for(loaded) {
        return;
    }
    if spawn_call("file_server", "start", &[]).is_some() {
        wait_for(|| crate::process::registry::whereis(atom::atom("file_server_2")).is_some());
    }
}

/// Creates the application controller's table `ac_tab`, empty, owned by the native `init`:
/// library code reads it through `application:get_env/2,3` (NIF modules' `on_load`
/// functions do, e.g. `crypto`'s), and with no application started every key is unset, as in
/// OTP before its application controller knows the application.
fn create_ac_tab(owner: u64) {
    let opts = crate::ets::NewTable {
        name: atom::atom("ac_tab"),
        named: true,
        kind: crate::ets::Kind::Set,
        access: crate::ets::Access::Public,
        keypos: 0,
        read_concurrency: true,
        write_concurrency: false,
        write_concurrency_auto: false,
        decentralized_counters: false,
        compressed: false,
        heir: None,
    };
    let id = crate::bif::process::new_ref_id();
    let _ = crate::ets::registry().create(id, owner, opts);
}

/// Why a bare instance could not start.
#[derive(Debug, PartialEq, Eq)]
pub enum StartError {
    /// The native `init` process could not be spawned (the process limit).
    Init,
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Init => write!(f, "cannot start the native init process"),
        }
    }
}

/// What [`start_bare`] started.
#[derive(Debug, Clone, Copy)]
pub struct BareStart {
    /// OTP's `user` I/O server, the group leader for the processes the host starts (`None`
    /// when it could not start: no OTP kernel or no `fd` driver).
    pub group_leader: Option<u64>,
}

/// Starts a bare runtime in the current instance, as `beam --bare` does before its first
/// process: the code path of `opts` (native autoloading), `schedulers` schedulers, the
/// native `init`, `code_server` and `erl_prim_loader`, the built-in NIF libraries and the
/// file server, `ac_tab`, and the `user` and `standard_error` I/O servers.
pub fn start_bare(opts: &Options, schedulers: usize) -> Result<BareStart, StartError> {
    init(opts);
    start_bare_services(schedulers, opts.no_input)
}

/// [`start_bare`] after [`init`].
fn start_bare_services(schedulers: usize, no_input: bool) -> Result<BareStart, StartError> {
    setup_instance();
    start_schedulers(schedulers);
    let mut args = vec![("progname".to_string(), vec!["erl".to_string()])];
    if let Some(root) = crate::code::root() {
        args.insert(0, ("root".to_string(), vec![root.display().to_string()]));
    }
    if let Ok(home) = std::env::var("HOME") {
        args.push(("home".to_string(), vec![home]));
    }
    // OTP's `user` reads this to run without a shell.
    args.push(("noshell".to_string(), vec![]));
    if no_input {
        args.push(("noinput".to_string(), vec![]));
    }
    crate::process::native::set_arguments(args);
    let init = crate::process::native::spawn_native("init", crate::process::native::init_handler);
    let Some(init) = init else {
        return Err(StartError::Init);
    };
    create_ac_tab(init);
    crate::process::native::spawn_native(
        "code_server",
        crate::process::native::code_server_handler,
    );
    crate::process::native::spawn_native(
        "erl_prim_loader",
        crate::process::code_requests::prim_loader_handler,
    );
    // The I/O servers and the file server start side by side.
    let io = begin_io_servers(no_input);
    start_file_server();
    Ok(BareStart {
        group_leader: io.and_then(await_io_servers),
    })
}

/// Runs `module:function(args)` (args as atoms in a list, like `erl -s`) in a first process
/// on `schedulers` scheduler threads; returns the exit status (0 when it returns, 1 when it
/// dies). `erlang:halt/1` exits the OS process directly.
pub fn run_bare(module: &str, function: &str, args: Option<Vec<String>>, schedulers: usize) -> i32 {
    let m = atom::atom(module);
    let f = atom::atom(function);
    // A module with an `on_load` function runs it when first called (the first process
    // waits for it).
    if let Err(e) = code::ensure_loaded(m).map(|_| ()).or_else(|e| match e {
        code::CodeError::OnLoadPending => Ok(()),
        e => Err(e),
    }) {
        eprintln!("beam: cannot load module {module}: {e:?}");
        return 1;
    }
    let mut scratch = crate::heap::Heap::default();
    let argv: Vec<Term> = match args {
        None => vec![],
        Some(list) => {
            let items: Vec<Term> = list.iter().map(|a| Term::atom(atom::atom(a))).collect();
            vec![boxed::list(&mut scratch, &items)]
        }
    };
    let e = module::export(m, f, argv.len() as u32);
    let started = match start_bare_services(schedulers, false) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("beam: {e}");
            return 1;
        }
    };
    // OTP runs `-s` functions in init's boot process, which traps exits; so does ours.
    let opts = crate::process::spawn::SpawnOpts {
        group_leader: started.group_leader,
        trap_exit: true,
        ..Default::default()
    };
    // Watch the first process before it can possibly end (no other process spawns
    // meanwhile, so it gets the next pid number).
    let id = crate::process::table::table().next_id();
    sched::watch(id);
    match crate::process::spawn::spawn(None, e, &argv, opts) {
        Ok(got) if got == id => {}
        Ok(_) | Err(_) => {
            eprintln!("beam: cannot start the first process");
            return 1;
        }
    }
    let normal = sched::wait_watched();
    // What was written to ports (`io:format` through `user`) reaches its descriptor first.
    crate::port::flush_all(std::time::Duration::from_secs(5));
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    if normal {
        0
    } else {
        1
    }
}

/// Why OTP could not be booted.
#[derive(Debug)]
pub enum BootError {
    /// No `lib/erts-*/ebin` under the root (`-root` or `ERL_ROOT` or the `erl` on `PATH`).
    NoErts(PathBuf),
    /// A preloaded module could not be loaded.
    Preload(code::PreloadError),
    /// The first process could not be started.
    Spawn,
    /// The OS signal handling could not be set up.
    Signals(crate::sys_signals::SignalError),
}

impl std::fmt::Display for BootError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BootError::NoErts(r) => write!(f, "no lib/erts-*/ebin under {}", r.display()),
            BootError::Preload(e) => write!(f, "{e}"),
            BootError::Spawn => write!(f, "cannot start the first process"),
            BootError::Signals(e) => write!(f, "cannot handle OS signals: {e:?}"),
        }
    }
}

/// The modules OTP links into its emulator, in the order `erlang:pre_loaded/0` gives them.
pub const PRELOADED: &[&str] = &[
    "persistent_term",
    "counters",
    "atomics",
    "erts_dirty_process_signal_handler",
    "erts_literal_area_collector",
    "erl_tracer",
    "erts_internal",
    "erlang",
    "erl_prim_loader",
    "prim_zip",
    "prim_net",
    "prim_socket",
    "socket_registry",
    "zlib",
    "prim_file",
    "prim_inet",
    "prim_eval",
    "prim_buffer",
    "init",
    "erl_init",
    "erts_code_purger",
];

/// The `erts-<vsn>` folder name under `<root>/lib`.
pub fn erts_dir_name(root: &Path) -> Option<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join("lib"))
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.starts_with("erts-"))
        .collect();
    names.sort();
    names.pop()
}

/// The `bin` folder of the emulator under `root` (`<root>/erts-<vsn>/bin`), as `erlexec`'s
/// `BINDIR`.
pub fn bindir(root: &Path) -> PathBuf {
    let erts = erts_dir_name(root).unwrap_or_else(|| "erts".to_string());
    root.join(erts).join("bin")
}

/// The argument list the first process gets, as OTP's `erlexec` builds it for `beam.smp`
/// after the emulator's own flags: `-root R -bindir R/erts-V/bin -progname P -- -home H
/// [-epmd_port N] -- UserArgs`, where `P` is `PROGNAME` (the `erl` script sets it to its own
/// name; `erl` when unset), `H` is `HOME` (left out when unset) and `N` is `ERL_EPMD_PORT`.
pub fn boot_args(root: &Path, user_args: &[String]) -> Vec<String> {
    let progname = std::env::var("PROGNAME").unwrap_or_else(|_| "erl".to_string());
    let mut v = vec![
        "-root".to_string(),
        root.display().to_string(),
        "-bindir".to_string(),
        bindir(root).display().to_string(),
        "-progname".to_string(),
        progname,
        "--".to_string(),
    ];
    if let Ok(home) = std::env::var("HOME") {
        v.push("-home".to_string());
        v.push(home);
    }
    if let Ok(port) = std::env::var("ERL_EPMD_PORT") {
        v.push("-epmd_port".to_string());
        v.push(port);
    }
    v.push("--".to_string());
    v.extend(user_args.iter().cloned());
    v
}

/// `+S N:M`: the schedulers online at the start (`None`: all of them).
/// Per runtime instance.
fn schedulers_online_cell() -> &'static std::sync::Mutex<Option<usize>> {
    static S: crate::instance::InstanceLocal<std::sync::Mutex<Option<usize>>> =
        crate::instance::InstanceLocal::new();
    S.get_or_init(|| std::sync::Mutex::new(None))
}

/// `+i Module`: the module whose `start/2` boots the system (`None`: `init`).
/// Per runtime instance.
fn boot_module_cell() -> &'static std::sync::Mutex<Option<String>> {
    static S: crate::instance::InstanceLocal<std::sync::Mutex<Option<String>>> =
        crate::instance::InstanceLocal::new();
    S.get_or_init(|| std::sync::Mutex::new(None))
}

/// Sets how many schedulers are online when the runtime starts (`+S N:M`); more than the
/// schedulers started means all of them.
pub fn set_schedulers_online(n: usize) {
    *schedulers_online_cell()
        .lock()
        .unwrap_or_else(|e| e.into_inner()) = Some(n);
}

/// Sets the boot module (`+i`), `init` by default.
pub fn set_boot_module(m: &str) {
    *boot_module_cell().lock().unwrap_or_else(|e| e.into_inner()) = Some(m.to_string());
}

/// Starts `schedulers` schedulers and takes some offline as `+S N:M` asked.
fn start_schedulers(schedulers: usize) {
    sched::start(schedulers);
    let online = *schedulers_online_cell()
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(m) = online {
        let sys = sched::system();
        let m = m.clamp(1, sys.schedulers);
        if m < sys.schedulers {
            let old = sys.set_online(m);
            sched::dirty::schedulers_online_changed(old, m);
        }
    }
}

/// Boots OTP as its emulator does (`erl_init.c`): loads the preloaded modules from
/// `<root>/lib/erts-*/ebin`, starts `schedulers` schedulers, the first process
/// `erl_init:start(init, Args)` (`<0.0.0>`; `Args` are the binaries of [`boot_args`]) and
/// the system processes (`erts_code_purger`, `erts_literal_area_collector` and three
/// `erts_dirty_process_signal_handler`s), then waits: the run ends when Erlang code calls
/// `erlang:halt/0,1,2` (`init:stop/0` does, after taking the system down).
pub fn boot(
    root: &Path,
    args: &[String],
    schedulers: usize,
) -> Result<std::convert::Infallible, BootError> {
    // SIGUSR1, SIGQUIT and SIGTERM go to `erl_signal_server` once kernel runs (OTP's
    // defaults); a signal that arrives before is dropped, as in OTP. OS signals are the
    // `beam` binary's, not an embedded instance's.
    crate::sys_signals::install_defaults().map_err(BootError::Signals)?;
    start_boot(root, args, schedulers)?;
    loop {
        std::thread::park();
    }
}

/// Boots OTP in the current instance as [`boot`] does, without the wait: returns once the
/// first process `erl_init:start(init, Args)` and the system processes are spawned. The
/// instance runs until Erlang code halts it (with a halt handler, the host is told) or the
/// host shuts it down.
pub fn start_boot(root: &Path, args: &[String], schedulers: usize) -> Result<(), BootError> {
    setup_instance();
    crate::bif::system_info::mark_vm_start();
    let erts = erts_dir_name(root).ok_or_else(|| BootError::NoErts(root.to_path_buf()))?;
    let ebin = root.join("lib").join(&erts).join("ebin");
    code::set_path(&[], Some(root));
    code::disable_native_autoload();
    code::load_preloaded(&ebin, PRELOADED).map_err(BootError::Preload)?;
    start_schedulers(schedulers);
    use crate::process::cell::Priority;
    use crate::process::spawn::{spawn, SpawnOpts};
    // `init` is `<0.0.0>`; the system processes get the next pids, before `init` runs.
    let init_id = crate::process::table::table()
        .reserve()
        .map_err(|_| BootError::Spawn)?;
    let system = [
        ("erts_code_purger", Priority::Normal),
        ("erts_literal_area_collector", Priority::High),
        ("erts_dirty_process_signal_handler", Priority::Normal),
        ("erts_dirty_process_signal_handler", Priority::High),
        ("erts_dirty_process_signal_handler", Priority::Max),
    ];
    for (m, prio) in system {
        let e = module::export(atom::atom(m), atom::atom("start"), 0);
        let opts = SpawnOpts {
            system: true,
            priority: Some(prio),
            group_leader: Some(init_id),
            ..Default::default()
        };
        spawn(None, e, &[], opts).map_err(|_| BootError::Spawn)?;
    }
    let mut scratch = crate::heap::Heap::default();
    let bins: Vec<Term> = args
        .iter()
        .map(|a| boxed::binary(&mut scratch, a.as_bytes()))
        .collect();
    let boot_module = boot_module_cell()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .unwrap_or_else(|| "init".to_string());
    let argv = [
        Term::atom(atom::atom(&boot_module)),
        boxed::list(&mut scratch, &bins),
    ];
    let e = module::export(atom::atom("erl_init"), atom::atom("start"), 2);
    let opts = SpawnOpts {
        reserved_id: Some(init_id),
        ..Default::default()
    };
    spawn(None, e, &argv, opts).map_err(|_| BootError::Spawn)?;
    Ok(())
}
