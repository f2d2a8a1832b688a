//! The `beam` binary exports the whole erl_driver API dynamically, so that `dlopen`ed drivers
//! resolve their imports in it (see `build.rs`). The names are taken from OTP's own
//! `erl_driver.h` (its `EXTERN` prototypes), plus the data symbol `driver_term_nil`.

use std::path::Path;
use std::process::Command;

/// The functions OTP's `erl_driver.h` declares.
fn otp_driver_api() -> Vec<String> {
    let header = [
        "/usr/lib/erlang/usr/include",
        "/usr/local/lib/erlang/usr/include",
    ]
    .into_iter()
    .map(|d| Path::new(d).join("erl_driver.h"))
    .find(|p| p.exists())
    .expect("OTP's erl_driver.h (erlang-dev) must be installed");
    let text = std::fs::read_to_string(header).unwrap();
    text.split("\nEXTERN ")
        .skip(1)
        .filter_map(|decl| {
            let before = decl[..decl.find('(')?].trim_end();
            let name = before
                .rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()?;
            (!name.is_empty()).then(|| name.to_string())
        })
        .collect()
}

#[test]
fn beam_exports_the_driver_api() {
    let mut api = otp_driver_api();
    assert_eq!(
        api.len(),
        111,
        "OTP 25's erl_driver.h declares 111 functions"
    );
    api.push("driver_term_nil".to_string());
    let out = Command::new("nm")
        .args(["-D", "--defined-only", env!("CARGO_BIN_EXE_beam")])
        .output()
        .expect("nm (binutils) must be installed");
    assert!(out.status.success(), "nm -D failed");
    let text = String::from_utf8_lossy(&out.stdout);
    let exported: std::collections::HashSet<&str> = text
        .lines()
        .filter_map(|l| l.split_whitespace().last())
        .collect();
    let missing: Vec<&String> = api
        .iter()
        .filter(|n| !exported.contains(n.as_str()))
        .collect();
    assert!(missing.is_empty(), "not exported by beam: {missing:?}");
}
