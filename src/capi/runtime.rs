//! Runtimes: `erts_runtime_start` makes one from erl-style arguments (a `--bare` system or a
//! full OTP boot), `erts_runtime_stop` stops it, `erts_runtime_free` frees it.
//!
//! A runtime does not take over the host: it starts threads of its own (schedulers, dirty
//! schedulers, the I/O poller, timers) but leaves the host's `main`, OS signal handlers and
//! standard input alone (`user` writes to standard output, reads nothing: `-noinput`,
//! unless the host passes `-stdin`).
//! `erlang:halt/0,1,2` in Erlang code stops the runtime, not the host process; the host
//! reads the status with `erts_runtime_halted`.

use super::erts_status;
use super::{guard, str_arg, Failure, ERTS_START_FAILED, ERTS_STOPPED, ERTS_TIMEOUT};
use erts::atom;
use erts::host::call::Outcome;
use erts::instance::Instance;
use erts::term::boxed;
use std::ffi::{c_char, c_int};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// A runtime (opaque in C).
#[allow(non_camel_case_types)]
pub struct erts_runtime {
    pub(crate) instance: Instance,
    /// The group leader of the processes host calls start (`user`), if any.
    pub(crate) group_leader: Option<u64>,
    /// Whether OTP was booted (its code server then loads code, not the runtime itself).
    pub(crate) booted: bool,
}

/// What the start arguments ask for.
#[derive(Debug, Default)]
struct StartArgs {
    root: Option<PathBuf>,
    bare: bool,
    schedulers: Option<usize>,
    pa: Vec<PathBuf>,
    /// `-stdin`: the runtime's `user` reads the host's standard input.
    stdin: bool,
    /// The rest, for OTP's `init` (a boot only).
    init: Vec<String>,
}

fn parse_args(args: &[String]) -> Result<StartArgs, Failure> {
    let mut s = StartArgs::default();
    let mut i = 0;
    let value = |i: usize, flag: &str| {
        args.get(i + 1)
            .cloned()
            .ok_or_else(|| Failure::badarg(format!("{flag} needs a value")))
    };
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "--bare" | "-bare" => s.bare = true,
            "-stdin" => s.stdin = true,
            "-root" => {
                s.root = Some(PathBuf::from(value(i, a)?));
                i += 1;
            }
            "+S" => {
                let v = value(i, a)?;
                let n = v
                    .split(':')
                    .next()
                    .and_then(|n| n.parse::<usize>().ok())
                    .filter(|n| (1..=1024).contains(n))
                    .ok_or_else(|| Failure::badarg(format!("bad +S value {v:?}")))?;
                s.schedulers = Some(n);
                i += 1;
            }
            "-pa" => {
                let mut any = false;
                while i + 1 < args.len() && !args[i + 1].starts_with(['-', '+']) {
                    i += 1;
                    s.pa.push(PathBuf::from(&args[i]));
                    any = true;
                }
                if !any {
                    return Err(Failure::badarg("-pa needs a folder"));
                }
            }
            _ if s.bare => {
                return Err(Failure::badarg(format!(
                    "unknown argument {a:?} for a --bare runtime"
                )))
            }
            _ => s.init.push(args[i].clone()),
        }
        i += 1;
    }
    Ok(s)
}

/// Sets up what the runtime needs once per OS process: the erl_nif and driver hooks and the
/// built-in drivers (the port-program helper is forked when a port program first starts).
fn process_init() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        ports::init_without_helper();
        nif_api::init();
    });
}

/// Starts a runtime from erl-style arguments and stores its handle in `*out`.
///
/// Arguments: `-root DIR` (the OTP installation; default: `ERL_ROOTDIR`, the `erl` on
/// `PATH`, `/usr/lib/erlang`), `--bare` (no OTP boot: the runtime's own `init`,
/// `code_server` and I/O servers; starts in milliseconds), `+S N` (schedulers; default: the
/// processors), `-pa DIR...` (code path folders, searched first), `-stdin` (the runtime's
/// `user` reads the host's standard input; by default it only writes). Without `--bare`, OTP
/// boots as `erl -noshell -noinput` with the other arguments given to its `init` (e.g.
/// `-boot start_sasl`, `-config FILE`, `-eval EXPR`); the call returns once the boot has
/// finished.
///
/// # Safety
/// `argv` must point to `argc` NUL-terminated strings (or be null when `argc` is 0); `out`
/// must be a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn erts_runtime_start(
    argc: c_int,
    argv: *const *const c_char,
    out: *mut *mut erts_runtime,
) -> erts_status {
    guard(|| {
        if out.is_null() {
            return Err(Failure::badarg("out is NULL"));
        }
        let n = usize::try_from(argc).map_err(|_| Failure::badarg("argc is negative"))?;
        if n > 0 && argv.is_null() {
            return Err(Failure::badarg("argv is NULL"));
        }
        let mut args = Vec::with_capacity(n);
        for i in 0..n {
            // SAFETY: `argv` has `argc` entries by the caller's contract.
            let a = unsafe { *argv.add(i) };
            // SAFETY: each entry is a NUL-terminated string by the caller's contract.
            args.push(unsafe { str_arg(a, "an argument") }?.to_string());
        }
        let rt = start(&parse_args(&args)?)?;
        // SAFETY: `out` is valid by the caller's contract.
        unsafe { *out = Box::into_raw(Box::new(rt)) };
        Ok(())
    })
}

fn start(a: &StartArgs) -> Result<erts_runtime, Failure> {
    process_init();
    let root = a.root.clone().or_else(erts::runtime::find_root);
    let schedulers = a.schedulers.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    let instance = Instance::new();
    // With a handler, `erlang:halt` stops this runtime (the instance records the status)
    // instead of the OS process.
    instance.set_halt_handler(Box::new(|_status| {}));
    let group_leader = instance.enter(|| -> Result<Option<u64>, Failure> {
        if a.bare {
            let opts = erts::runtime::Options {
                root: root.clone(),
                pa: a.pa.clone(),
                no_input: !a.stdin,
            };
            erts::runtime::start_bare(&opts, schedulers)
                .map(|s| s.group_leader)
                .map_err(|e| Failure(ERTS_START_FAILED, format!("cannot start: {e}")))
        } else {
            let root = root.clone().ok_or_else(|| {
                Failure(
                    ERTS_START_FAILED,
                    "cannot find the OTP root (give -root DIR or set ERL_ROOTDIR)".into(),
                )
            })?;
            let mut user: Vec<String> = vec!["-noshell".into()];
            if !a.stdin {
                user.push("-noinput".into());
            }
            for p in &a.pa {
                user.push("-pa".into());
                user.push(p.display().to_string());
            }
            user.extend(a.init.iter().cloned());
            let args = erts::runtime::boot_args(&root, &user);
            erts::runtime::start_boot(&root, &args, schedulers)
                .map_err(|e| Failure(ERTS_START_FAILED, format!("cannot boot OTP: {e}")))?;
            wait_booted()?;
            Ok(erts::process::registry::whereis(atom::atom("user")))
        }
    });
    let group_leader = match group_leader {
        Ok(g) => g,
        Err(e) => {
            instance.shutdown();
            return Err(e);
        }
    };
    Ok(erts_runtime {
        instance,
        group_leader,
        booted: !a.bare,
    })
}

/// Waits until OTP's `init` says the boot is over (`init:get_status/0` gives
/// `{started, _}`); fails when it stops instead or takes over two minutes.
fn wait_booted() -> Result<(), Failure> {
    let deadline = Instant::now() + Duration::from_secs(120);
    let get_status = erts::module::export(atom::atom("init"), atom::atom("get_status"), 0);
    let started = atom::atom("started");
    loop {
        if erts::instance::stopping() {
            return Err(Failure(
                ERTS_START_FAILED,
                "OTP halted while it booted".into(),
            ));
        }
        let registered = erts::process::registry::whereis(atom::atom("init")).is_some();
        if registered {
            let r = erts::host::call::call(get_status, &[], None, Some(Duration::from_secs(5)));
            if let Ok(Outcome::Returned(v)) = r {
                if v.term.is_tuple()
                    && boxed::tuple_elems(v.term)[0] == erts::term::Term::atom(started)
                {
                    return Ok(());
                }
            }
        }
        if Instant::now() >= deadline {
            return Err(Failure(
                ERTS_START_FAILED,
                "OTP did not finish booting within 120 s".into(),
            ));
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

impl erts_runtime {
    /// Fails with `ERTS_STOPPED` unless the runtime runs.
    pub(crate) fn check_running(&self) -> Result<(), Failure> {
        if let Some(n) = self.instance.halt_status() {
            return Err(Failure(
                ERTS_STOPPED,
                format!("the runtime halted (erlang:halt({n}))"),
            ));
        }
        if self.instance.is_stopping() {
            return Err(Failure(ERTS_STOPPED, "the runtime is stopped".into()));
        }
        Ok(())
    }
}

/// The runtime behind a handle, if it is not null.
///
/// # Safety
/// `rt` must be null or a handle from `erts_runtime_start` not yet freed.
pub(crate) unsafe fn runtime<'a>(rt: *const erts_runtime) -> Result<&'a erts_runtime, Failure> {
    // SAFETY: by the caller's contract.
    unsafe { rt.as_ref() }.ok_or_else(|| Failure::badarg("the runtime is NULL"))
}

/// How long `erts_runtime_stop` waits for the runtime's threads.
const STOP_LIMIT: Duration = Duration::from_secs(5);

/// Stops a runtime: every process and port ends, every thread of the runtime is joined.
/// Stopping a stopped runtime does nothing. Later calls on it return `ERTS_STOPPED`.
/// `ERTS_TIMEOUT` when some of the runtime's threads are still busy after 5 seconds (native
/// code that does not return: a NIF or a driver that blocks): those threads are left
/// running, and the runtime's memory stays allocated for them (freed when the last of them
/// ends); the host goes on, and may start other runtimes.
///
/// # Safety
/// `rt` must be null or a handle from `erts_runtime_start` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn erts_runtime_stop(rt: *mut erts_runtime) -> erts_status {
    guard(|| {
        // SAFETY: by the caller's contract.
        let rt = unsafe { runtime(rt) }?;
        rt.instance.shutdown_within(Some(STOP_LIMIT)).map_err(|n| {
            Failure(
                ERTS_TIMEOUT,
                format!(
                    "{n} thread(s) of the runtime did not stop within {} s (native code that \
                     does not return); they keep running, and the runtime's memory stays \
                     allocated for them",
                    STOP_LIMIT.as_secs()
                ),
            )
        })
    })
}

/// Whether Erlang code halted the runtime (`erlang:halt/0,1,2`): returns 1 and stores the
/// status in `*status` (when not null) if it did, else 0.
///
/// # Safety
/// `rt` must be null or a handle from `erts_runtime_start` not yet freed; `status` null or
/// valid.
#[no_mangle]
pub unsafe extern "C" fn erts_runtime_halted(rt: *const erts_runtime, status: *mut c_int) -> c_int {
    // SAFETY: by the caller's contract.
    let Some(rt) = (unsafe { rt.as_ref() }) else {
        return 0;
    };
    match rt.instance.halt_status() {
        Some(n) => {
            if !status.is_null() {
                // SAFETY: by the caller's contract.
                unsafe { *status = n };
            }
            1
        }
        None => 0,
    }
}

/// Stops the runtime if it runs and frees everything it holds; `rt` is invalid afterwards.
///
/// # Safety
/// `rt` must be null or a handle from `erts_runtime_start` not yet freed, used by no other
/// thread meanwhile.
#[no_mangle]
pub unsafe extern "C" fn erts_runtime_free(rt: *mut erts_runtime) {
    if rt.is_null() {
        return;
    }
    // SAFETY: by the caller's contract.
    unsafe { erts_runtime_stop(rt) };
    // SAFETY: made by `Box::into_raw` in `erts_runtime_start`, freed once.
    drop(unsafe { Box::from_raw(rt) });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn arguments_are_read_as_erl_reads_them() {
        let a = parse_args(&args(&[
            "--bare", "-root", "/r", "+S", "2:2", "-pa", "a", "b",
        ]))
        .ok()
        .unwrap();
        assert!(a.bare);
        assert_eq!(a.root, Some(PathBuf::from("/r")));
        assert_eq!(a.schedulers, Some(2));
        assert_eq!(a.pa, vec![PathBuf::from("a"), PathBuf::from("b")]);
        assert!(!a.stdin);
        assert!(parse_args(&args(&["--bare", "-stdin"])).ok().unwrap().stdin);
        let b = parse_args(&args(&["-boot", "start_sasl", "+S", "1"]))
            .ok()
            .unwrap();
        assert!(!b.bare);
        assert_eq!(b.init, args(&["-boot", "start_sasl"]));
    }

    #[test]
    fn bad_arguments_are_refused() {
        for bad in [
            &["-root"][..],
            &["+S", "0"],
            &["+S", "x"],
            &["-pa"],
            &["--bare", "-eval", "x"],
        ] {
            assert!(parse_args(&args(bad)).is_err(), "{bad:?}");
        }
    }
}
