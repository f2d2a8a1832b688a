//! The C test NIFs of `c-tests/nifs/` built against our own `include/erl_nif.h` are the same
//! libraries as those built against OTP's:
//! - compiled with the same flags and stripped of symbol tables, the two builds of every
//!   library are byte for byte the same file (same code, same data, same entry), so nothing
//!   in our header changes what the compiler makes of a library;
//! - every `tests/erl/nif_*.erl` program that loads them prints the same and exits the same
//!   on `beam` with either build (and the differential suite compares the OTP-header build
//!   with the real `erl`). `nif_headers.c` uses a broad part of the API, `ERL_NIF_INIT` with
//!   load, upgrade and unload callbacks, dirty flags in its function table and `enif_fprintf`
//!   with `%T`; its program also reloads its module so that the library is upgraded;
//! - our header compiles cleanly in strict C89/C99/C11 and C++98/C++17;
//! - the coverage report (`src/bin/erts-coverage.rs`) finds the same API in our header as in
//!   OTP's `erl_nif_api_funcs.h`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn otp_include() -> &'static Path {
    [
        "/usr/lib/erlang/usr/include",
        "/usr/local/lib/erlang/usr/include",
    ]
    .into_iter()
    .map(Path::new)
    .find(|d| d.join("erl_nif.h").exists())
    .expect("OTP's erl_nif.h (erlang-dev) must be installed")
}

fn sources() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("c-tests/nifs"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "c"))
        .collect();
    v.sort();
    assert!(v.len() >= 2, "no C NIFs in c-tests/nifs");
    v
}

fn so_name(src: &Path) -> String {
    format!("{}.so", src.file_stem().unwrap().to_string_lossy())
}

/// Builds every NIF of `c-tests/nifs` with `include` into `out` (`extra`: more `cc` flags).
fn build(include: &Path, out: &Path, extra: &[&str]) {
    std::fs::create_dir_all(out).unwrap();
    for src in sources() {
        let st = Command::new("cc")
            .args(["-shared", "-fPIC", "-O2", "-Wall", "-Werror"])
            .args(extra)
            .arg("-I")
            .arg(include)
            .arg("-o")
            .arg(out.join(so_name(&src)))
            .arg(&src)
            .status()
            .expect("cc must be installed");
        assert!(
            st.success(),
            "cc failed on {} with {}",
            src.display(),
            include.display()
        );
    }
}

#[test]
fn nifs_built_against_our_header_are_the_same_binaries() {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("nif-headers-bytes");
    let (otp_dir, ours_dir) = (tmp.join("otp"), tmp.join("ours"));
    // No build id: it hashes the symbol tables, which name the static entry differently.
    let flags = ["-Wl,--build-id=none"];
    build(otp_include(), &otp_dir, &flags);
    build(&root().join("include"), &ours_dir, &flags);
    for src in sources() {
        let name = so_name(&src);
        let (a, b) = (otp_dir.join(&name), ours_dir.join(&name));
        let st = Command::new("strip")
            .arg(&a)
            .arg(&b)
            .status()
            .expect("strip (binutils) must be installed");
        assert!(st.success(), "strip failed on {name}");
        let (a, b) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
        assert!(!a.is_empty());
        assert!(
            a == b,
            "{name}: the library built against our header differs from the one built \
             against OTP's ({} and {} bytes)",
            a.len(),
            b.len()
        );
    }
}

/// The emulator flags a program declares with a line `%% vm_flags: ...` (as the
/// differential harness gives them).
fn vm_flags(src: &str) -> Vec<String> {
    src.lines()
        .find_map(|l| l.trim().strip_prefix("%% vm_flags:"))
        .map(|rest| rest.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

/// `beam` running `program` (with `flags`) with the NIFs of `nifs`: its stdout and exit
/// status; a program still running after two minutes is killed and the test fails.
fn run(ebin: &Path, program: &str, flags: &[String], nifs: &Path) -> (String, Option<i32>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_beam"))
        .arg("--bare")
        .args(flags)
        .arg("-pa")
        .arg(ebin)
        .args(["-s", program, "main"])
        .env("BEAM_TEST_NIF_DIR", nifs)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("run beam");
    // Read on a thread, so that a program writing more than a pipe holds does not block.
    let mut stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = std::io::Read::read_to_end(&mut stdout, &mut buf);
        buf
    });
    let t0 = std::time::Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().expect("wait for beam") {
            break st;
        }
        if t0.elapsed() > std::time::Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{program} did not finish within two minutes");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let out = reader.join().expect("stdout reader");
    (String::from_utf8_lossy(&out).into_owned(), status.code())
}

#[test]
fn nifs_built_against_our_header_behave_the_same() {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("nif-headers-run");
    let (otp_dir, ours_dir, ebin) = (tmp.join("otp"), tmp.join("ours"), tmp.join("ebin"));
    build(otp_include(), &otp_dir, &[]);
    build(&root().join("include"), &ours_dir, &[]);
    std::fs::create_dir_all(&ebin).unwrap();
    let erl = root().join("tests/erl");
    // The programs that load the test NIFs (not those that load Debian's libraries).
    let mut programs: Vec<String> = std::fs::read_dir(&erl)
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.starts_with("nif_") && n.ends_with(".erl"))
        .filter(|n| {
            std::fs::read_to_string(erl.join(n))
                .unwrap()
                .contains("BEAM_TEST_NIF_DIR")
        })
        .map(|n| n.trim_end_matches(".erl").to_string())
        // Only programs whose NIF is one of `c-tests/nifs` (built here both ways), not those
        // loading a library built otherwise (the Rustler one).
        .filter(|n| {
            let nifs = root().join("c-tests/nifs");
            nifs.join(format!("{n}.c")).exists()
                || nifs
                    .join(format!("{}.c", n.trim_end_matches("_lib")))
                    .exists()
        })
        .collect();
    programs.sort();
    assert!(
        programs.iter().any(|p| p == "nif_headers"),
        "nif_headers.erl is missing: {programs:?}"
    );
    for p in &programs {
        let st = Command::new("erlc")
            .arg("-o")
            .arg(&ebin)
            .arg(erl.join(format!("{p}.erl")))
            .status()
            .expect("erlc must be installed");
        assert!(st.success(), "erlc failed on {p}");
        let flags = vm_flags(&std::fs::read_to_string(erl.join(format!("{p}.erl"))).unwrap());
        let a = run(&ebin, p, &flags, &otp_dir);
        let b = run(&ebin, p, &flags, &ours_dir);
        assert!(!a.0.is_empty(), "{p} printed nothing");
        assert_eq!(
            a, b,
            "{p}: the NIF built against our header behaves differently"
        );
        if p == "nif_headers" {
            // The whole program ran: the entry as loaded, the upgrade, the destructors.
            for line in [
                "{version,{2,16}}",
                "{sum_cpu,1,1}",
                "{upgrade_info,2}",
                "{tried,{1,2}}",
            ] {
                assert!(
                    a.0.contains(line),
                    "nif_headers did not print {line}:\n{}",
                    a.0
                );
            }
            assert_eq!(a.0.lines().last(), Some("true"), "{}", a.0);
            assert_eq!(a.1, Some(0));
        }
    }
}

/// The coverage report (`scripts/status.sh`) reads the NIF API from OTP's
/// `erl_nif_api_funcs.h`; given our `erl_nif.h` instead it finds the same 169 functions.
#[test]
fn coverage_report_reads_our_header_like_otps() {
    let empty = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("nif-headers-no-beams");
    std::fs::create_dir_all(&empty).unwrap();
    let report = |header: &Path| {
        let out = Command::new(env!("CARGO_BIN_EXE_erts-coverage"))
            .arg(format!("--nif-header={}", header.display()))
            .arg(&empty)
            .output()
            .expect("run erts-coverage");
        assert!(out.status.success(), "erts-coverage failed");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let otp = report(&otp_include().join("erl_nif_api_funcs.h"));
    let ours = report(&root().join("include/erl_nif.h"));
    assert!(
        otp.lines()
            .any(|l| l.starts_with("| erl_nif API") && l.contains("| 169 |")),
        "{otp}"
    );
    assert_eq!(otp, ours);
}

/// A library using the helpers and `ERL_NIF_INIT`, valid C89 and C++98.
const MODES_SOURCE: &str = r#"#include <erl_nif.h>
static ERL_NIF_TERM f(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifPid self;
    ErlNifSInt64 x;
    (void)argc;
    if (!enif_self(env, &self) || !enif_get_int64(env, argv[0], &x))
        return enif_make_badarg(env);
    return enif_make_tuple3(env, enif_make_pid(env, &self), enif_make_int64(env, x),
                            enif_make_list2(env, argv[0], enif_make_atom(env, "a")));
}
int modes_select(ErlNifEnv *env, void *obj, const ErlNifPid *pid, ERL_NIF_TERM m)
{
    return enif_select_read(env, 0, obj, pid, m, NULL) + enif_compare_pids(pid, pid);
}
static ErlNifFunc funcs[] = {{"f", 1, f, 0}, {"g", 1, f, ERL_NIF_DIRTY_JOB_CPU_BOUND}};
ERL_NIF_INIT(modes, funcs, NULL, NULL, NULL, NULL)
"#;

/// Our header compiles without a warning as strict C89, C99 and C11 and as C++98 and C++17.
#[test]
fn our_header_compiles_in_every_language_mode() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("nif-headers-modes");
    std::fs::create_dir_all(&dir).unwrap();
    let (c, cpp) = (dir.join("modes.c"), dir.join("modes.cc"));
    std::fs::write(&c, MODES_SOURCE).unwrap();
    std::fs::write(&cpp, MODES_SOURCE).unwrap();
    for (compiler, std_, src) in [
        ("cc", "c89", &c),
        ("cc", "c99", &c),
        ("cc", "c11", &c),
        ("c++", "c++98", &cpp),
        ("c++", "c++17", &cpp),
    ] {
        let out = Command::new(compiler)
            .arg(format!("-std={std_}"))
            .args(["-pedantic", "-Wall", "-Wextra", "-Werror", "-c", "-I"])
            .arg(root().join("include"))
            .arg("-o")
            .arg(dir.join(format!("modes-{std_}.o")))
            .arg(src)
            .output()
            .unwrap_or_else(|e| panic!("{compiler}: {e}"));
        assert!(
            out.status.success(),
            "{compiler} -std={std_}:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
