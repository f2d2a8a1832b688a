//! Builds the C shim with the variadic `enif_*` functions (stable Rust cannot define them).

fn main() {
    println!("cargo:rerun-if-changed=csrc/nif_shim.c");
    cc::Build::new()
        .file("csrc/nif_shim.c")
        .warnings(true)
        .compile("nif_shim");
}
