//! Differential tests: every `tests/erl/*.erl` program is compiled with the system `erlc`, run on
//! the real `erl` (the oracle) and on our `beam --bare`, and stdout plus exit status must match
//! byte for byte.
//!
//! Environment:
//! - `DIFF_FILTER=substr`  run only the programs whose name contains `substr`
//! - `DIFF_JOBS=n`         parallel jobs (default 2)
//! - `DIFF_TIMEOUT=secs`   per-program timeout (default 30)
//! - `DIFF_MODE=bare|boot` run only one of the two modes: `differential` runs every program on
//!   `beam --bare`, `differential_booted` runs it on `beam` as `erl` is run (booting OTP,
//!   `-noshell ... -s init stop`); both run by default
//! - `DIFF_TIER=jit|interp` run only one of the two execution tiers (the native-code tier,
//!   default, or `+JIT false`); both run by default
//!
//! A program may declare its expected exit status (for negative tests) with a line
//! `%% expect_status: N` (default 0), and extra `erlc` options with a line
//! `%% erlc_opts: +r24 ...` (for example to get the instructions of older compilers), and
//! emulator flags given to both VMs with a line `%% vm_flags: +S 1 ...`. A program
//! may also be BEAM assembly, `NAME.S` (compiled with `erlc`, which assembles it). ASN.1
//! specifications `NAME.asn1` are compiled with `erlc` (asn1ct) into modules the programs
//! call. Real erl's expected outputs are cached in `tests/out/expected`
//! keyed by a hash of the `.erl` source.
//!
//! `tests/known_failures.txt` names the programs that do not match yet (one per line, `#`
//! comments). They are run and reported but do not fail the test; a listed program that now
//! passes does fail it, so the list always says exactly what is still missing.

use std::collections::HashMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

/// A value set in the environment of both VMs, read by `os_getenv.erl`.
const ENV_VAR: (&str, &str) = ("BEAM_DIFF_TEST_VAR", "hello from the harness");

/// Set for both VMs to the folder of the compiled `c-tests/port_progs/*.c`, read by `port_*.erl`.
const PORT_BIN_VAR: &str = "BEAM_TEST_PORT_BIN";

/// Set for both VMs to the folder of the compiled `c-tests/drivers/*.c`, read by `drv_*.erl`.
const DRIVER_DIR_VAR: &str = "BEAM_TEST_DRIVER_DIR";

/// Set for both VMs to the folder of the compiled `c-tests/nifs/*.c`, read by `nif_*.erl`.
const NIF_DIR_VAR: &str = "BEAM_TEST_NIF_DIR";

/// Set for both VMs to the `priv/lib` folder of the installed megaco application (its flex
/// scanner driver), read by `drv_megaco.erl`.
const MEGACO_LIB_VAR: &str = "BEAM_TEST_MEGACO_LIB";

/// The `priv/lib` folder of the installed megaco (empty when there is none).
fn megaco_lib_dir() -> PathBuf {
    let lib = Path::new("/usr/lib/erlang/lib");
    let mut found: Vec<PathBuf> = fs::read_dir(lib)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("megaco-"))
        .map(|e| e.path().join("priv/lib"))
        .filter(|p| p.is_dir())
        .collect();
    found.sort();
    found.pop().unwrap_or_default()
}

struct Program {
    name: String,
    expect_status: i32,
    /// Emulator flags given to both VMs (`%% vm_flags: +S 1 ...`).
    vm_flags: Vec<String>,
}

struct Outcome {
    status: Option<i32>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    timed_out: bool,
}

struct Setup {
    ebin: PathBuf,
    rundir: PathBuf,
    /// The compiled port programs (`PORT_BIN_VAR`).
    port_bin: PathBuf,
    /// The compiled test drivers (`DRIVER_DIR_VAR`).
    driver_dir: PathBuf,
    /// The compiled test NIF libraries (`NIF_DIR_VAR`).
    nif_dir: PathBuf,
    programs: Vec<Program>,
    /// Real erl's outcome per program name (status, filtered stdout).
    expected: HashMap<String, (Option<i32>, Vec<u8>, bool)>,
    /// Problems found while preparing (compile errors).
    errors: Vec<String>,
    /// One lock per program: the four suites run at once in the same directory, and a program
    /// that makes files under fixed names must not meet another suite's run of itself.
    running: HashMap<String, Mutex<()>>,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn jobs() -> usize {
    std::env::var("DIFF_JOBS")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|&n: &usize| n > 0)
        .unwrap_or(2)
}

fn timeout() -> Duration {
    let secs = std::env::var("DIFF_TIMEOUT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30u64);
    Duration::from_secs(secs)
}

/// FNV-1a, stable across Rust versions (unlike `DefaultHasher`).
fn fnv1a(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in data {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn expect_status(src: &str) -> i32 {
    for line in src.lines() {
        if let Some(rest) = line.trim().strip_prefix("%% expect_status:") {
            return rest.trim().parse().expect("bad expect_status");
        }
    }
    0
}

/// The extra `erlc` options a program declares with a line `%% erlc_opts: ...`.
fn erlc_opts(src: &str) -> Vec<String> {
    for line in src.lines() {
        if let Some(rest) = line.trim().strip_prefix("%% erlc_opts:") {
            return rest.split_whitespace().map(str::to_string).collect();
        }
    }
    Vec::new()
}

/// The emulator flags a program declares with a line `%% vm_flags: ...` (given to both VMs).
fn vm_flags(src: &str) -> Vec<String> {
    for line in src.lines() {
        if let Some(rest) = line.trim().strip_prefix("%% vm_flags:") {
            return rest.split_whitespace().map(str::to_string).collect();
        }
    }
    Vec::new()
}

/// Runs a command with a timeout, collecting stdout and stderr.
fn run_with_timeout(mut cmd: Command, limit: Duration) -> Outcome {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env(ENV_VAR.0, ENV_VAR.1)
        .env("ERL_CRASH_DUMP_SECONDS", "0");
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return Outcome {
                status: None,
                stdout: Vec::new(),
                stderr: format!("cannot spawn {cmd:?}: {e}").into_bytes(),
                timed_out: false,
            }
        }
    };
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let t_err = thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let start = Instant::now();
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(st)) => break st.code(),
            Ok(None) => {
                if start.elapsed() > limit {
                    let _ = child.kill();
                    let _ = child.wait();
                    timed_out = true;
                    break None;
                }
                thread::sleep(Duration::from_millis(5));
            }
            Err(_) => break None,
        }
    };
    let stdout = t_out.join().unwrap_or_default();
    let stderr = t_err.join().unwrap_or_default();
    Outcome {
        status,
        stdout,
        stderr,
        timed_out,
    }
}

/// Real erl prints `{"init terminating in do_boot",...}` on stdout when the start function
/// crashes; that report is not part of the program's output.
fn filter_erl_stdout(out: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(out);
    if !text.contains("{\"init terminating in do_boot\"") {
        return out.to_vec();
    }
    let mut res = String::new();
    for line in text.split_inclusive('\n') {
        if !line.starts_with("{\"init terminating in do_boot\"") {
            res.push_str(line);
        }
    }
    res.into_bytes()
}

/// Runs `f` over `items` on `jobs()` threads.
fn par_for<T: Sync>(items: &[T], f: impl Fn(&T) + Sync) {
    let next = AtomicUsize::new(0);
    thread::scope(|s| {
        for _ in 0..jobs().min(items.len().max(1)) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= items.len() {
                    break;
                }
                f(&items[i]);
            });
        }
    });
}

/// The programs listed in `tests/known_failures.txt`.
fn known_failures() -> std::collections::HashSet<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/known_failures.txt");
    fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

/// Compiles every `c-tests/port_progs/NAME.c` with `cc -O2 -o DIR/NAME` into `tests/out/port_bin`
/// and returns that folder's absolute path, or why a program did not compile. (Expected outputs
/// are cached by `.erl` source only: after changing a C program, delete
/// `tests/out/expected/port_*`.)
fn build_port_programs(out: &Path) -> Result<PathBuf, String> {
    let dir = out.join("port_bin");
    fs::create_dir_all(&dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
    let dir = dir
        .canonicalize()
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let src_dir = root().join("c-tests/port_progs");
    let rd = fs::read_dir(&src_dir).map_err(|e| format!("{}: {e}", src_dir.display()))?;
    for src in rd.flatten().map(|e| e.path()) {
        if src.extension().is_none_or(|x| x != "c") {
            continue;
        }
        let mut cmd = Command::new("cc");
        cmd.arg("-O2")
            .arg("-o")
            .arg(dir.join(src.file_stem().unwrap()))
            .arg(&src);
        let o = run_with_timeout(cmd, Duration::from_secs(120));
        if o.status != Some(0) {
            return Err(format!(
                "cc failed on {}:\n{}{}",
                src.display(),
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ));
        }
    }
    Ok(dir)
}

/// Compiles every `c-tests/drivers/NAME.c` with `cc -shared -fPIC -O2 -I<OTP include dir>` into
/// `tests/out/drivers/NAME.so` and returns that folder's absolute path and a hash of the driver
/// sources (part of the cache key of the `drv_*` programs' expected outputs).
fn build_test_drivers(out: &Path) -> Result<(PathBuf, u64), String> {
    build_c_libraries(out, "drivers")
}

/// Compiles every `c-tests/nifs/NAME.c` as [`build_test_drivers`] does the drivers, into
/// `tests/out/nifs/NAME.so`, and builds the Rustler NIF crate `c-tests/rustler_nif` into
/// `tests/out/nifs/nif_rustler.so`; returns that folder and a hash of the sources (part of
/// the cache key of the `nif_*` programs' expected outputs).
fn build_test_nifs(out: &Path) -> Result<(PathBuf, u64), String> {
    let (dir, hash) = build_c_libraries(out, "nifs")?;
    let rustler_hash = build_rustler_nif(out, &dir)?;
    Ok((dir, hash ^ rustler_hash))
}

/// Builds `c-tests/rustler_nif` (a crate outside the workspace, with its own lock file) with
/// `cargo build --release` into `tests/out/rustler_target`, and copies the library to
/// `nif_dir/nif_rustler.so`, where `erlang:load_nif/2` finds it; returns a hash of the
/// crate's sources and lock file.
fn build_rustler_nif(out: &Path, nif_dir: &Path) -> Result<u64, String> {
    let krate = root().join("c-tests/rustler_nif");
    let mut sources = vec![krate.join("Cargo.toml"), krate.join("Cargo.lock")];
    let src_dir = krate.join("src");
    let rd = fs::read_dir(&src_dir).map_err(|e| format!("{}: {e}", src_dir.display()))?;
    sources.extend(rd.flatten().map(|e| e.path()));
    sources.sort();
    let mut all = Vec::new();
    for src in &sources {
        all.extend(fs::read(src).map_err(|e| format!("{}: {e}", src.display()))?);
    }
    let target = out.join("rustler_target");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "--release", "--locked", "--manifest-path"])
        .arg(krate.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target);
    let o = run_with_timeout(cmd, Duration::from_secs(900));
    if o.status != Some(0) {
        return Err(format!(
            "cargo build of c-tests/rustler_nif failed:\n{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ));
    }
    let built = target.join("release/libnif_rustler.so");
    let dest = nif_dir.join("nif_rustler.so");
    // Replace rather than overwrite: a running VM may have the old file mapped.
    let tmp = nif_dir.join(".nif_rustler.so.tmp");
    fs::copy(&built, &tmp).map_err(|e| format!("copy {}: {e}", built.display()))?;
    fs::rename(&tmp, &dest).map_err(|e| format!("rename to {}: {e}", dest.display()))?;
    Ok(fnv1a(&all))
}

/// Compiles `c-tests/KIND/*.c` into shared libraries in `tests/out/KIND` against OTP's headers.
fn build_c_libraries(out: &Path, kind: &str) -> Result<(PathBuf, u64), String> {
    let dir = out.join(kind);
    fs::create_dir_all(&dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
    let dir = dir
        .canonicalize()
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let include = [
        "/usr/lib/erlang/usr/include",
        "/usr/local/lib/erlang/usr/include",
    ]
    .into_iter()
    .find(|d| Path::new(d).join("erl_driver.h").exists())
    .ok_or("erl_driver.h of OTP not found")?;
    let src_dir = root().join("c-tests").join(kind);
    let rd = fs::read_dir(&src_dir).map_err(|e| format!("{}: {e}", src_dir.display()))?;
    let mut sources: Vec<PathBuf> = rd
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "c"))
        .collect();
    sources.sort();
    let mut all = Vec::new();
    for src in &sources {
        all.extend(fs::read(src).map_err(|e| format!("{}: {e}", src.display()))?);
        let so = dir.join(format!("{}.so", src.file_stem().unwrap().to_string_lossy()));
        let mut cmd = Command::new("cc");
        cmd.args(["-shared", "-fPIC", "-O2", "-I", include, "-o"])
            .arg(&so)
            .arg(src);
        let o = run_with_timeout(cmd, Duration::from_secs(120));
        if o.status != Some(0) {
            return Err(format!(
                "cc failed on {}:\n{}{}",
                src.display(),
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ));
        }
    }
    Ok((dir, fnv1a(&all)))
}

/// Compiles every ASN.1 specification `tests/erl/NAME.asn1` with `erlc` (asn1ct, BER) into
/// `ebin` (the module `NAME`, plus the `.erl`, `.hrl` and `.asn1db` files asn1ct writes), unless
/// its stamp says it is current; returns a hash of all of them (part of the cache key of the
/// programs with `asn1` in their name).
fn compile_asn1_specs(src_dir: &Path, ebin: &Path) -> Result<u64, String> {
    let rd = fs::read_dir(src_dir).map_err(|e| format!("{}: {e}", src_dir.display()))?;
    let mut specs: Vec<PathBuf> = rd
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "asn1"))
        .collect();
    specs.sort();
    let mut all = Vec::new();
    for spec in &specs {
        let src = fs::read(spec).map_err(|e| format!("{}: {e}", spec.display()))?;
        let hash = format!("{:016x}", fnv1a(&src));
        all.extend(src);
        let stem = spec.file_stem().unwrap().to_string_lossy().into_owned();
        let stamp = ebin.join(format!("{stem}.asn1hash"));
        if ebin.join(format!("{stem}.beam")).exists()
            && fs::read_to_string(&stamp).ok().as_deref() == Some(hash.as_str())
        {
            continue;
        }
        let mut cmd = Command::new("erlc");
        cmd.arg("-o").arg(ebin).arg(spec);
        let o = run_with_timeout(cmd, Duration::from_secs(300));
        if o.status != Some(0) {
            return Err(format!(
                "erlc failed on {}:\n{}{}",
                spec.display(),
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ));
        }
        let _ = fs::write(&stamp, hash);
    }
    Ok(fnv1a(&all))
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(build_setup)
}

fn build_setup() -> Setup {
    let root = root();
    let src_dir = root.join("tests/erl");
    let out = root.join("tests/out");
    let ebin = out.join("ebin");
    let cache = out.join("expected");
    let rundir = out.join("run");
    for d in [&ebin, &cache, &rundir] {
        fs::create_dir_all(d).expect("create tests/out");
    }
    let filter = std::env::var("DIFF_FILTER").unwrap_or_default();
    let mut errors = Vec::new();
    let port_bin = build_port_programs(&out).unwrap_or_else(|e| {
        errors.push(e);
        PathBuf::new()
    });
    let (driver_dir, drivers_hash) = build_test_drivers(&out).unwrap_or_else(|e| {
        errors.push(e);
        (PathBuf::new(), 0)
    });
    let (nif_dir, nifs_hash) = build_test_nifs(&out).unwrap_or_else(|e| {
        errors.push(e);
        (PathBuf::new(), 0)
    });

    let asn1_hash = compile_asn1_specs(&src_dir, &ebin).unwrap_or_else(|e| {
        errors.push(e);
        0
    });

    let mut sources: Vec<PathBuf> = fs::read_dir(&src_dir)
        .expect("tests/erl")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "erl" || x == "S"))
        .filter(|p| p.file_stem().unwrap().to_string_lossy().contains(&filter))
        .collect();
    sources.sort();

    // Drop modules whose source is gone (renamed tests must not shadow anything).
    if filter.is_empty() {
        if let Ok(rd) = fs::read_dir(&ebin) {
            for e in rd.flatten() {
                let p = e.path();
                let stem = p
                    .file_stem()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned();
                if !src_dir.join(format!("{stem}.erl")).exists()
                    && !src_dir.join(format!("{stem}.S")).exists()
                    && !src_dir.join(format!("{stem}.asn1")).exists()
                {
                    let _ = fs::remove_file(&p);
                }
            }
        }
    }

    let mut programs = Vec::new();
    let mut hashes = HashMap::new();
    let mut stale = Vec::new();
    // Programs with their own `erlc` options, and assembly files: one `erlc` each.
    let mut stale_special: Vec<(PathBuf, PathBuf, u64, Vec<String>)> = Vec::new();
    for path in &sources {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let src = fs::read(path).expect("read .erl");
        let mut hash = fnv1a(&src);
        if name.starts_with("drv_") {
            hash ^= drivers_hash;
        }
        if name.starts_with("nif_") {
            hash ^= nifs_hash;
        }
        if name.contains("asn1") {
            hash ^= asn1_hash;
        }
        let beam = ebin.join(format!("{name}.beam"));
        let stamp = ebin.join(format!("{name}.hash"));
        let fresh = beam.exists()
            && fs::read_to_string(&stamp).ok().as_deref() == Some(&format!("{hash:016x}"));
        if !fresh {
            let opts = erlc_opts(&String::from_utf8_lossy(&src));
            let assembly = path.extension().is_some_and(|x| x == "S");
            if opts.is_empty() && !assembly {
                stale.push((path.clone(), stamp, hash));
            } else {
                stale_special.push((path.clone(), stamp, hash, opts));
            }
        }
        programs.push(Program {
            name: name.clone(),
            expect_status: expect_status(&String::from_utf8_lossy(&src)),
            vm_flags: vm_flags(&String::from_utf8_lossy(&src)),
        });
        hashes.insert(name, hash);
    }

    // Compile the stale modules, in chunks, one erlc per chunk, on the worker threads.
    if !stale.is_empty() {
        let chunks: Vec<_> = stale.chunks(stale.len().div_ceil(jobs())).collect();
        let errs = Mutex::new(Vec::new());
        par_for(&chunks, |chunk| {
            let mut cmd = Command::new("erlc");
            cmd.arg("-o").arg(&ebin);
            for (p, _, _) in chunk.iter() {
                cmd.arg(p);
            }
            let o = run_with_timeout(cmd, Duration::from_secs(300));
            if o.status != Some(0) {
                errs.lock().unwrap().push(format!(
                    "erlc failed:\n{}{}",
                    String::from_utf8_lossy(&o.stdout),
                    String::from_utf8_lossy(&o.stderr)
                ));
            } else {
                for (_, stamp, hash) in chunk.iter() {
                    let _ = fs::write(stamp, format!("{hash:016x}"));
                }
            }
        });
        errors.extend(errs.into_inner().unwrap());
    }

    if !stale_special.is_empty() {
        let errs = Mutex::new(Vec::new());
        par_for(&stale_special, |(path, stamp, hash, opts)| {
            let mut cmd = Command::new("erlc");
            cmd.args(opts).arg("-o").arg(&ebin).arg(path);
            let o = run_with_timeout(cmd, Duration::from_secs(300));
            if o.status != Some(0) {
                errs.lock().unwrap().push(format!(
                    "erlc {opts:?} failed on {}:\n{}{}",
                    path.display(),
                    String::from_utf8_lossy(&o.stdout),
                    String::from_utf8_lossy(&o.stderr)
                ));
            } else {
                let _ = fs::write(stamp, format!("{hash:016x}"));
            }
        });
        errors.extend(errs.into_inner().unwrap());
    }

    // Expected outputs from real erl (cached by source hash).
    let expected = Mutex::new(HashMap::new());
    par_for(&programs, |p| {
        let hash = hashes[&p.name];
        let file = cache.join(format!("{}.{hash:016x}", p.name));
        if let Ok(data) = fs::read(&file) {
            if let Some(nl) = data.iter().position(|&b| b == b'\n') {
                let head = String::from_utf8_lossy(&data[..nl]).into_owned();
                if let Some(code) = head.strip_prefix("status ") {
                    let status = code.parse().ok();
                    expected
                        .lock()
                        .unwrap()
                        .insert(p.name.clone(), (status, data[nl + 1..].to_vec(), false));
                    return;
                }
            }
        }
        let run_erl = || {
            let mut cmd = Command::new("erl");
            cmd.current_dir(&rundir)
                .arg("-noshell")
                .args(&p.vm_flags)
                .arg("-pa")
                .arg(&ebin)
                .args(["-s", &p.name, "main", "-s", "init", "stop"])
                .env(PORT_BIN_VAR, &port_bin)
                .env(DRIVER_DIR_VAR, &driver_dir)
                .env(NIF_DIR_VAR, &nif_dir)
                .env(MEGACO_LIB_VAR, megaco_lib_dir());
            run_with_timeout(cmd, timeout().max(Duration::from_secs(60)))
        };
        // Real erl's logger sometimes loses its default handler when a crash report races
        // with `init:stop` (it then prints `{removed_failing_handler,default}`): that run
        // is not the program's output, and is tried again.
        let mut o = run_erl();
        for _ in 0..3 {
            if !o
                .stdout
                .windows(24)
                .any(|w| w == b"{removed_failing_handler")
            {
                break;
            }
            o = run_erl();
        }
        let stdout = filter_erl_stdout(&o.stdout);
        if !o.timed_out {
            let mut data = format!("status {}\n", o.status.unwrap_or(-1)).into_bytes();
            data.extend_from_slice(&stdout);
            // Remove older cache entries of this program, then write atomically.
            if let Ok(rd) = fs::read_dir(&cache) {
                for e in rd.flatten() {
                    let n = e.file_name().to_string_lossy().into_owned();
                    if n.starts_with(&format!("{}.", p.name)) {
                        let _ = fs::remove_file(e.path());
                    }
                }
            }
            let tmp = cache.join(format!(".{}.tmp", p.name));
            if fs::write(&tmp, &data).is_ok() {
                let _ = fs::rename(&tmp, &file);
            }
        }
        expected
            .lock()
            .unwrap()
            .insert(p.name.clone(), (o.status, stdout, o.timed_out));
    });

    let running = programs
        .iter()
        .map(|p| (p.name.clone(), Mutex::new(())))
        .collect();
    Setup {
        ebin,
        rundir,
        port_bin,
        driver_dir,
        nif_dir,
        programs,
        expected: expected.into_inner().unwrap(),
        errors,
        running,
    }
}

fn first_difference(expected: &[u8], got: &[u8]) -> String {
    let e = String::from_utf8_lossy(expected);
    let g = String::from_utf8_lossy(got);
    let el: Vec<&str> = e.split('\n').collect();
    let gl: Vec<&str> = g.split('\n').collect();
    for i in 0..el.len().max(gl.len()) {
        let a = el.get(i).copied();
        let b = gl.get(i).copied();
        if a != b {
            let show = |x: Option<&str>| match x {
                Some(s) if s.len() > 300 => {
                    format!("{:?}...", &s[..s.floor_char_boundary_compat(300)])
                }
                Some(s) => format!("{s:?}"),
                None => "<end of output>".to_string(),
            };
            return format!(
                "line {}:\n      expected: {}\n      got:      {}",
                i + 1,
                show(a),
                show(b)
            );
        }
    }
    "outputs differ".to_string()
}

trait FloorCharBoundary {
    fn floor_char_boundary_compat(&self, i: usize) -> usize;
}
impl FloorCharBoundary for str {
    fn floor_char_boundary_compat(&self, mut i: usize) -> usize {
        while i > 0 && !self.is_char_boundary(i) {
            i -= 1;
        }
        i
    }
}

fn short(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(bytes);
    let s = s.trim_end();
    let start = s.len().saturating_sub(600);
    let start = s.floor_char_boundary_compat(start);
    s[start..].to_string()
}

#[test]
fn erl_programs_run_on_real_erl() {
    let s = setup();
    assert!(s.errors.is_empty(), "{}", s.errors.join("\n"));
    let mut bad = Vec::new();
    for p in &s.programs {
        let (status, out, timed_out) = &s.expected[&p.name];
        if *timed_out {
            bad.push(format!("{}: timed out on real erl", p.name));
        } else if *status != Some(p.expect_status) {
            bad.push(format!(
                "{}: real erl exit status {:?}, expected {}",
                p.name, status, p.expect_status
            ));
        } else if out.is_empty() {
            bad.push(format!("{}: no output on real erl", p.name));
        }
    }
    println!("{} programs checked on real erl", s.programs.len());
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn differential() {
    if mode_enabled("bare") && tier_enabled(Tier::Jit) {
        run_suite(false, Tier::Jit);
    }
}

#[test]
fn differential_interpreter() {
    if mode_enabled("bare") && tier_enabled(Tier::Interpreter) {
        run_suite(false, Tier::Interpreter);
    }
}

#[test]
fn differential_booted() {
    if mode_enabled("boot") && tier_enabled(Tier::Jit) {
        run_suite(true, Tier::Jit);
    }
}

#[test]
fn differential_booted_interpreter() {
    if mode_enabled("boot") && tier_enabled(Tier::Interpreter) {
        run_suite(true, Tier::Interpreter);
    }
}

/// Which execution tier a run uses.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tier {
    /// The native-code tier (the default). Bare runs compile every module at its first call
    /// (`ERTS_JIT_THRESHOLD=0`) so that the programs run as machine code; booted runs keep
    /// the default threshold (compiling all of OTP at boot would make each run seconds long).
    Jit,
    /// `+JIT false`: the interpreter alone.
    Interpreter,
}

/// Whether the suite runs in `tier`: both unless `DIFF_TIER=jit|interp` names one.
fn tier_enabled(tier: Tier) -> bool {
    match std::env::var("DIFF_TIER").as_deref() {
        Ok("jit") => tier == Tier::Jit,
        Ok("interp") => tier == Tier::Interpreter,
        _ => true,
    }
}

/// Runs every program on `beam` (booting OTP when `boot`) in `tier` and compares it with
/// real erl.
fn run_suite(boot: bool, tier: Tier) {
    let s = setup();
    assert!(s.errors.is_empty(), "{}", s.errors.join("\n"));
    let beam = env!("CARGO_BIN_EXE_beam");
    let known = known_failures();
    let failures = Mutex::new(Vec::new());
    let known_failed = AtomicUsize::new(0);
    let passed = AtomicUsize::new(0);
    par_for(&s.programs, |p| {
        let (exp_status, exp_out, exp_timeout) = &s.expected[&p.name];
        let _alone = s.running[&p.name]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut cmd = Command::new(beam);
        cmd.current_dir(&s.rundir);
        match tier {
            Tier::Interpreter => {
                cmd.args(["+JIT", "false"]);
            }
            Tier::Jit if !boot => {
                cmd.env("ERTS_JIT_THRESHOLD", "0");
            }
            Tier::Jit => {}
        }
        if boot {
            cmd.args(&p.vm_flags)
                .args(["-noshell", "-pa"])
                .arg(&s.ebin)
                .args(["-s", &p.name, "main", "-s", "init", "stop"]);
        } else {
            cmd.arg("--bare")
                .args(&p.vm_flags)
                .arg("-pa")
                .arg(&s.ebin)
                .args(["-s", &p.name, "main"]);
        }
        cmd.env(PORT_BIN_VAR, &s.port_bin)
            .env(DRIVER_DIR_VAR, &s.driver_dir)
            .env(NIF_DIR_VAR, &s.nif_dir)
            .env(MEGACO_LIB_VAR, megaco_lib_dir());
        // Compiling every function at its first call (the native tier's runs) makes programs
        // that run the Erlang compiler take 15-20 s alone: twice the limit there.
        let limit = if matches!(tier, Tier::Jit) && !boot {
            timeout() * 2
        } else {
            timeout()
        };
        let t0 = Instant::now();
        let o = run_with_timeout(cmd, limit);
        let ms = t0.elapsed().as_millis();
        let got_out = filter_erl_stdout(&o.stdout);
        let problem = if *exp_timeout {
            Some("real erl timed out".to_string())
        } else if o.timed_out {
            Some(format!("timed out after {limit:?}"))
        } else if got_out != *exp_out {
            Some(first_difference(exp_out, &got_out))
        } else if o.status != *exp_status {
            Some(format!(
                "exit status: expected {:?}, got {:?}",
                exp_status, o.status
            ))
        } else {
            None
        };
        match problem {
            None if known.contains(&p.name) => {
                passed.fetch_add(1, Ordering::SeqCst);
                let msg = format!(
                    "PASS {}: listed in tests/known_failures.txt but passes; remove it",
                    p.name
                );
                println!("{msg}");
                failures.lock().unwrap().push(msg);
            }
            None => {
                passed.fetch_add(1, Ordering::SeqCst);
                println!(
                    "ok   {}{} ({ms} ms)",
                    p.name,
                    if boot { " (booted)" } else { "" }
                );
            }
            Some(why) if known.contains(&p.name) => {
                known_failed.fetch_add(1, Ordering::SeqCst);
                let mut msg = format!("known {}: {why}", p.name);
                if !o.stderr.is_empty() {
                    msg.push_str(&format!("\n      stderr: {}", short(&o.stderr)));
                }
                println!("{msg}");
            }
            Some(why) => {
                let mode = match (boot, tier) {
                    (true, Tier::Jit) => " (booted)",
                    (true, Tier::Interpreter) => " (booted, +JIT false)",
                    (false, Tier::Jit) => "",
                    (false, Tier::Interpreter) => " (+JIT false)",
                };
                let mut msg = format!("FAIL {}{mode}: {why}", p.name);
                if !o.stderr.is_empty() {
                    msg.push_str(&format!("\n      stderr: {}", short(&o.stderr)));
                }
                println!("{msg}");
                failures.lock().unwrap().push(msg);
            }
        }
    });
    let failures = failures.into_inner().unwrap();
    let passed = passed.load(Ordering::SeqCst);
    println!();
    for f in &failures {
        println!("{f}");
    }
    println!(
        "{} ({:?}): {} passed, {} failed, {} known failures (tests/known_failures.txt)",
        if boot { "booted" } else { "bare" },
        tier,
        passed,
        failures.len(),
        known_failed.load(Ordering::SeqCst)
    );
    assert!(
        failures.is_empty(),
        "{} of {} differential programs failed",
        failures.len(),
        s.programs.len()
    );
}

/// Whether the suite runs in `mode` (`bare` or `boot`): both unless `DIFF_MODE` names one.
fn mode_enabled(mode: &str) -> bool {
    std::env::var("DIFF_MODE").map_or(true, |m| m.is_empty() || m == mode)
}
