//! Compiles `c-tests/drivers/abi_smoke.c`, a small driver using most of the erl_driver
//! interface, against OTP's installed `erl_driver.h` and against ours (`include/`), as C and as
//! C++, with `-Wall -Wextra -Werror`, and checks that `DRIVER_INIT` defined the exported entry
//! point with C linkage. Only objects are built (`cc -c`): nothing is linked or loaded.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn our_include_dir() -> PathBuf {
    repo_root().join("include")
}

/// OTP's `usr/include` under `code:root_dir()`, else `/usr/include` (Debian's erlang-dev).
fn otp_include_dir() -> PathBuf {
    let mut candidates = Vec::new();
    if let Ok(out) = Command::new("erl")
        .args([
            "-noshell",
            "-eval",
            "io:format(\"~s\",[code:root_dir()]),halt().",
        ])
        .output()
    {
        let root = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if !root.is_empty() {
            candidates.push(Path::new(&root).join("usr/include"));
        }
    }
    candidates.push(PathBuf::from("/usr/include"));
    candidates
        .iter()
        .find(|d| d.join("erl_driver.h").is_file())
        .cloned()
        .unwrap_or_else(|| {
            panic!("OTP's erl_driver.h not found in {candidates:?}: install Erlang/OTP's headers (erlang-dev)")
        })
}

/// Compiles the smoke driver with `flags` against `include`; returns the object's defined
/// global symbols.
fn compile(label: &str, include: &Path, flags: &[&str]) -> Vec<String> {
    let src = repo_root().join("c-tests/drivers/abi_smoke.c");
    let out_dir =
        std::env::temp_dir().join(format!("beam-rs-abi-smoke-{}-{label}", std::process::id()));
    std::fs::create_dir_all(&out_dir).unwrap();
    let obj = out_dir.join(format!("{label}.o"));
    let output = Command::new("cc")
        .args(flags)
        .args(["-c", "-Wall", "-Wextra", "-Werror", "-o"])
        .arg(&obj)
        .arg(format!("-I{}", include.display()))
        .arg(&src)
        .output()
        .expect("running cc");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stderr.trim().is_empty(),
        "{label}: cc {flags:?} -I{} failed or warned:\n{stderr}",
        include.display()
    );
    let nm = Command::new("nm")
        .args(["-g", "--defined-only"])
        .arg(&obj)
        .output()
        .expect("running nm");
    assert!(nm.status.success(), "nm {}", obj.display());
    let _ = std::fs::remove_dir_all(&out_dir);
    String::from_utf8_lossy(&nm.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().nth(2).map(str::to_string))
        .collect()
}

fn check(label: &str, include: &Path, flags: &[&str], entry: &str) {
    let symbols = compile(label, include, flags);
    assert!(
        symbols.iter().any(|s| s == entry),
        "{label}: `{entry}` is not a global symbol of the object: {symbols:?}"
    );
}

/// The variants compiled against both header sets.
fn check_both(label: &str, flags: &[&str], entry: &str) {
    check(&format!("otp-{label}"), &otp_include_dir(), flags, entry);
    check(&format!("ours-{label}"), &our_include_dir(), flags, entry);
}

#[test]
fn abi_smoke_compiles_as_c() {
    check_both("c", &["-x", "c"], "driver_init");
}

#[test]
fn abi_smoke_compiles_as_c_with_sys_uio() {
    // SysIOVec becomes `struct iovec`.
    check_both("c-uio", &["-x", "c", "-DHAVE_SYS_UIO_H"], "driver_init");
}

#[test]
fn abi_smoke_compiles_as_static_driver() {
    check_both(
        "c-static",
        &["-x", "c", "-DSTATIC_ERLANG_DRIVER"],
        "abi_smoke_driver_init",
    );
}

#[test]
fn abi_smoke_compiles_as_cpp() {
    // DRIVER_INIT inside `extern "C" { }`, as C++ drivers for OTP write it.
    check_both("cpp", &["-x", "c++"], "driver_init");
}

#[test]
fn our_driver_init_has_c_linkage_in_cpp() {
    // Without the driver's own `extern "C"` block our DRIVER_INIT still gives C linkage.
    check(
        "ours-cpp-bare",
        &our_include_dir(),
        &["-x", "c++", "-DSMOKE_BARE_DRIVER_INIT"],
        "driver_init",
    );
}

#[test]
fn our_headers_compile_alone() {
    // Each header is self-contained, in C and C++, also with ERL_DRIVER_TYPES_ONLY.
    let dir = std::env::temp_dir().join(format!("beam-rs-abi-hdr-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (i, (header, lang, def)) in [
        ("erl_driver.h", "c", ""),
        ("erl_driver.h", "c++", ""),
        ("erl_driver.h", "c", "-DERL_DRIVER_TYPES_ONLY"),
        ("erl_drv_nif.h", "c", ""),
        ("erl_drv_nif.h", "c++", ""),
    ]
    .into_iter()
    .enumerate()
    {
        let src = dir.join(format!("h{i}.c"));
        std::fs::write(&src, format!("#include <{header}>\nint beam_rs_hdr_{i};\n")).unwrap();
        let mut cmd = Command::new("cc");
        cmd.args(["-x", lang, "-c", "-Wall", "-Wextra", "-Werror", "-o"])
            .arg(dir.join(format!("h{i}.o")))
            .arg(format!("-I{}", our_include_dir().display()))
            .arg(&src);
        if !def.is_empty() {
            cmd.arg(def);
        }
        let out = cmd.output().expect("running cc");
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{header} as {lang} {def}:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
