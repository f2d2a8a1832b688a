//! The static NIF libraries of OTP whose functions this runtime does not implement yet:
//! `erl_tracer`, `prim_socket` and `prim_net`. `erl_init:start/2` loads them at boot (and crashes the boot
//! when `erlang:load_nif/2` fails), so each is a library without functions: loading it
//! succeeds, and every function keeps its Erlang stub, which raises (`erlang:nif_error/1`:
//! `undef`, or `{nif_not_loaded, ...}` for the socket modules) instead of doing anything
//! silently wrong.

use super::BuiltinLib;
use crate::term::Term;

fn accept(_load_info: Term) -> i32 {
    0
}

pub static ERL_TRACER: BuiltinLib = BuiltinLib {
    module: "erl_tracer",
    funcs: &[],
    load: accept,
};

pub static PRIM_SOCKET: BuiltinLib = BuiltinLib {
    module: "prim_socket",
    funcs: &[],
    load: accept,
};

pub static PRIM_NET: BuiltinLib = BuiltinLib {
    module: "prim_net",
    funcs: &[],
    load: accept,
};
