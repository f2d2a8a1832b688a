//! `liberts`: the runtime as a C library for host programs (a game engine, a database, a
//! Python or C++ application) that start Erlang runtimes inside themselves, run OTP code and
//! exchange messages with it. The C API is in [`capi`], its header `include/erts.h` is
//! generated from it by `cbindgen` (`scripts/gen-header.sh`); the `enif_*` functions of the
//! erl_nif API come with the library, so a host builds terms as a NIF does.
//!
//! The `beam` binary does not use this library: it links the runtime crates directly.

pub mod capi;

/// The runtime's allocator for the library's Rust code: the C allocator behind per-thread
/// caches (`erts::erl_alloc`); the host's own `malloc` calls are not affected.
#[global_allocator]
static ALLOC: erts::erl_alloc::ErlAlloc = erts::erl_alloc::ErlAlloc;

// The library must carry the erl_nif and erl_driver ABIs (a host builds terms with
// `enif_*`; NIF and driver libraries loaded by a runtime resolve their imports in it).
pub use nif_api;
pub use ports;
