//! `include/erts.h` is generated from `src/capi/` by cbindgen (with `cbindgen.toml`): this
//! test generates it again and fails when the checked-in header is stale. Run it with
//! `UPDATE_HEADER=1` to rewrite the header.

use std::path::PathBuf;

#[test]
fn checked_in_header_is_what_cbindgen_makes() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml");
    let mut out = Vec::new();
    cbindgen::Builder::new()
        .with_crate(&root)
        .with_config(config)
        .generate()
        .expect("cbindgen cannot read src/capi")
        .write(&mut out);
    let made = String::from_utf8(out).expect("UTF-8 header");
    let path = root.join("include/erts.h");
    if std::env::var_os("UPDATE_HEADER").is_some() {
        std::fs::write(&path, &made).expect("cannot write include/erts.h");
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == made,
        "include/erts.h is stale: run `UPDATE_HEADER=1 cargo test --release --test capi_header`"
    );
}
