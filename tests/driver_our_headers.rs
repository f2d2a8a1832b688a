//! The C test drivers of `c-tests/drivers/` built against our own `include/erl_driver.h`
//! behave exactly as the same drivers built against OTP's: every `tests/erl/drv_*.erl`
//! program that loads them prints the same on `beam` with either build (and the differential
//! suite compares the OTP-header build with the real `erl`).

use std::path::{Path, PathBuf};
use std::process::Command;

fn otp_include() -> &'static str {
    [
        "/usr/lib/erlang/usr/include",
        "/usr/local/lib/erlang/usr/include",
    ]
    .into_iter()
    .find(|d| Path::new(d).join("erl_driver.h").exists())
    .expect("OTP's erl_driver.h (erlang-dev) must be installed")
}

/// Builds every driver of `c-tests/drivers` with `include` into `out`.
fn build(include: &Path, out: &Path) {
    std::fs::create_dir_all(out).unwrap();
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("c-tests/drivers");
    for e in std::fs::read_dir(src).unwrap().flatten() {
        let p = e.path();
        if p.extension().is_none_or(|x| x != "c") {
            continue;
        }
        let so = out.join(format!("{}.so", p.file_stem().unwrap().to_string_lossy()));
        let st = Command::new("cc")
            .args(["-shared", "-fPIC", "-O2", "-Wall", "-Werror", "-I"])
            .arg(include)
            .arg("-o")
            .arg(&so)
            .arg(&p)
            .status()
            .expect("cc must be installed");
        assert!(
            st.success(),
            "cc failed on {} with {}",
            p.display(),
            include.display()
        );
    }
}

fn run(ebin: &Path, program: &str, drivers: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_beam"))
        .args(["--bare", "-pa"])
        .arg(ebin)
        .args(["-s", program, "main"])
        .env("BEAM_TEST_DRIVER_DIR", drivers)
        .output()
        .expect("run beam");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn drivers_built_against_our_header_behave_the_same() {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("driver-headers");
    let (otp_dir, ours_dir, ebin) = (tmp.join("otp"), tmp.join("ours"), tmp.join("ebin"));
    build(Path::new(otp_include()), &otp_dir);
    build(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("include"),
        &ours_dir,
    );
    std::fs::create_dir_all(&ebin).unwrap();
    let erl = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/erl");
    let mut programs: Vec<String> = std::fs::read_dir(&erl)
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.starts_with("drv_") && n.ends_with(".erl") && !n.contains("megaco"))
        .map(|n| n.trim_end_matches(".erl").to_string())
        .collect();
    programs.sort();
    assert!(!programs.is_empty(), "no drv_*.erl programs");
    for p in &programs {
        let st = Command::new("erlc")
            .arg("-o")
            .arg(&ebin)
            .arg(erl.join(format!("{p}.erl")))
            .status()
            .expect("erlc must be installed");
        assert!(st.success(), "erlc failed on {p}");
        let a = run(&ebin, p, &otp_dir);
        let b = run(&ebin, p, &ours_dir);
        assert!(!a.is_empty(), "{p} printed nothing");
        assert_eq!(
            a, b,
            "{p}: the driver built against our header behaves differently"
        );
    }
}
