//! The erl_nif C ABI (`enif_*`) and NIF library loading, on the extension points of `erts`.
//!
//! - `abi`: the `repr(C)` types and constants of OTP 25's `erl_nif.h` (NIF 2.16);
//! - `env`: `ErlNifEnv` and the hook through which `erts` calls an installed NIF;
//! - `load`: `erlang:load_nif/2`;
//! - `terms`, `binary`, `maps`, `misc`: the exported `enif_*` functions;
//! - `resource`: resource types, objects and terms, and monitors held by resources;
//! - `schedule`: `enif_schedule_nif`, `enif_consume_timeslice`, `enif_thread_type`;
//! - `select`: `enif_select`/`enif_select_x` on the shared I/O poller;
//! - `ioq`: I/O vectors (`enif_inspect_iovec`) and I/O queues (`enif_ioq_*`);
//! - `port_command`: `enif_port_command`;
//! - `csrc/nif_shim.c`: the variadic functions (`enif_make_tuple`, `enif_make_list`,
//!   `enif_fprintf`, `enif_snprintf`, `enif_vfprintf`, `enif_vsnprintf`), with `%T` printing a
//!   term as `erlang:display/1` does ([`shim::nif_api_display_term`]).
//!
//! `init()` registers the BIF and the call hook; the `beam` binary calls it at start-up and
//! exports every `enif_*` symbol (its `build.rs`).
//!
//! # Safety
//! Every exported `enif_*` function has the safety contract of the function of the same name
//! in OTP's `erl_nif` documentation (valid environments, terms of that environment, valid
//! pointers to the documented structures); it is not repeated on each function.

// The per-function contract is OTP's documented one (see above).
#![allow(clippy::missing_safety_doc)]

pub mod abi;
pub mod binary;
pub mod env;
pub mod ioq;
pub mod load;
pub mod maps;
pub mod misc;
pub mod port_command;
pub mod resource;
pub mod schedule;
pub mod select;
pub mod shim;
pub mod static_libs;
pub mod terms;

/// Registers `erlang:load_nif/2`, the NIF call hooks, the purge hook and the hook for
/// resources' monitors;
/// call once at start-up, before any code is loaded.
pub fn init() {
    erts::bif::register_extension(load::register);
    erts::nif::set_hook(env::call_nif, env::call_dirty);
    erts::nif::set_fast_hook(env::call_nif_fast);
    erts::code::set_purge_hook(load::purged);
    erts::process::exit::set_native_hook(resource::native_signal);
}
