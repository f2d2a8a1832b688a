//! Packaging of the embeddable library: `scripts/install-lib.sh` installs `liberts.so`,
//! `liberts.a`, the headers and `erts.pc` under a prefix; a C host then builds with nothing
//! but `pkg-config --cflags --libs erts`, and links statically against `liberts.a` with the
//! system libraries `erts.pc` lists for a static link. Both hosts run the full C host
//! (`c-tests/embed/host.c`) and must print what it prints against the build folder.

mod common;

use common::run_captured;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The folder holding `liberts.so` and `liberts.a` of this build (built if needed).
fn lib_dir() -> PathBuf {
    common::liberts_dir()
}

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("beam-rs-embedpkg-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("scratch folder");
    d
}

/// Runs `cmd` (a build step) and fails the test, with its stderr, unless it succeeds; gives
/// its stdout.
fn must(cmd: &mut Command, what: &str) -> String {
    let o = run_captured(cmd, None, Duration::from_secs(120));
    assert_eq!(
        o.status,
        Some(0),
        "{what}: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Compiles the Erlang modules the C host uses into `out`.
fn compile_erlang(out: &Path) {
    let dir = root().join("c-tests/embed");
    must(
        Command::new("erlc")
            .arg("-o")
            .arg(out)
            .arg(dir.join("counter.erl"))
            .arg(dir.join("hostnif.erl")),
        "erlc",
    );
}

/// Installs the library under `prefix` with the install script.
fn install(prefix: &Path) {
    must(
        Command::new("bash")
            .arg(root().join("scripts/install-lib.sh"))
            .arg(prefix)
            .env("ERTS_BUILD_DIR", lib_dir()),
        "install-lib.sh",
    );
}

/// `pkg-config ARGS erts` with the prefix's `erts.pc` first on the search path, split into
/// words.
fn pkg_config(prefix: &Path, args: &[&str]) -> Vec<String> {
    let out = must(
        Command::new("pkg-config")
            .args(args)
            .arg("erts")
            .env("PKG_CONFIG_PATH", prefix.join("lib/pkgconfig")),
        "pkg-config",
    );
    out.split_whitespace().map(str::to_string).collect()
}

/// The shared libraries `exe` names (`DT_NEEDED`).
fn needed(exe: &Path) -> Vec<String> {
    let out = must(Command::new("readelf").arg("-d").arg(exe), "readelf");
    out.lines()
        .filter(|l| l.contains("(NEEDED)"))
        .filter_map(|l| l.split('[').nth(1)?.split(']').next().map(str::to_string))
        .collect()
}

/// Runs the C host `exe` on a `--bare` runtime and checks its output.
fn run_host(exe: &Path, ebin: &Path, ld_path: Option<&Path>) {
    let mut cmd = Command::new(exe);
    cmd.arg(ebin).args(["--bare", "+S", "2"]);
    cmd.env_remove("LD_LIBRARY_PATH");
    if let Some(p) = ld_path {
        cmd.env("LD_LIBRARY_PATH", p);
    }
    let o = run_captured(&mut cmd, None, Duration::from_secs(60));
    let want = std::fs::read_to_string(root().join("c-tests/embed/host.expected")).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        want,
        "{}: stderr: {}",
        exe.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(o.status, Some(0));
}

#[test]
fn the_installed_library_builds_hosts_with_pkg_config_and_statically() {
    let dir = scratch("install");
    let prefix = dir.join("prefix");
    install(&prefix);
    for f in [
        "lib/liberts.so",
        "lib/liberts.a",
        "include/erts/erts.h",
        "include/erts/erl_nif.h",
        "include/erts/erl_drv_nif.h",
        "lib/pkgconfig/erts.pc",
    ] {
        assert!(prefix.join(f).is_file(), "{f} was not installed");
    }
    let pc = std::fs::read_to_string(prefix.join("lib/pkgconfig/erts.pc")).unwrap();
    assert!(!pc.contains('@'), "a placeholder left in erts.pc:\n{pc}");
    assert_eq!(
        pkg_config(&prefix, &["--modversion"]),
        [env!("CARGO_PKG_VERSION")]
    );
    let ebin = dir.join("ebin");
    std::fs::create_dir_all(&ebin).unwrap();
    compile_erlang(&ebin);
    let src = root().join("c-tests/embed/host.c");

    // Dynamic: only what pkg-config says; the installed liberts.so found at run time
    // through LD_LIBRARY_PATH.
    let dynamic = dir.join("host-dynamic");
    let flags = pkg_config(&prefix, &["--cflags", "--libs"]);
    must(
        Command::new("cc")
            .args(["-Wall", "-Wextra", "-Werror"])
            .arg(&src)
            .arg("-o")
            .arg(&dynamic)
            .args(&flags),
        "cc with pkg-config flags",
    );
    assert!(
        needed(&dynamic).iter().any(|l| l == "liberts.so"),
        "the dynamic host does not name liberts.so: {:?}",
        needed(&dynamic)
    );
    run_host(&dynamic, &ebin, Some(&prefix.join("lib")));

    // Static: the installed liberts.a and the system libraries erts.pc lists for a static
    // link (Libs.private), nothing else.
    let system_libs: Vec<String> = pkg_config(&prefix, &["--static", "--libs-only-l"])
        .into_iter()
        .filter(|l| l != "-lerts")
        .collect();
    assert!(!system_libs.is_empty(), "erts.pc has no Libs.private");
    let static_host = dir.join("host-static");
    must(
        Command::new("cc")
            .args(["-Wall", "-Wextra", "-Werror"])
            .args(pkg_config(&prefix, &["--cflags"]))
            .arg(&src)
            .arg("-o")
            .arg(&static_host)
            .arg(prefix.join("lib/liberts.a"))
            .args(&system_libs),
        "cc with liberts.a",
    );
    let libs = needed(&static_host);
    assert!(
        !libs.iter().any(|l| l.starts_with("liberts")),
        "the static host still needs {libs:?}"
    );
    // No library path: it must not need liberts.so at all.
    run_host(&static_host, &ebin, None);
    let _ = std::fs::remove_dir_all(&dir);
}
