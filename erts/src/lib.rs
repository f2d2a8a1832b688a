#![allow(clippy::manual_is_multiple_of)]
//! The runtime core of the Rust ERTS: terms, atoms, heaps, the `.beam` loader, the
//! interpreter, processes and BIFs. Knows nothing of C ABIs; `nif-api` and `ports` plug in.

pub mod atom;
pub mod bif;
pub mod bignum;
pub mod bits;
pub mod break_handler;
pub mod check_io;
pub mod code;
pub mod crash_dump;
pub mod display;
pub mod dist;
pub mod emu;
pub mod erl_alloc;
pub mod errno;
pub mod etf;
pub mod ets;
pub mod exception;
pub mod float_fmt;
pub mod heap;
pub mod host;
pub mod id_hash;
pub mod instance;
pub mod jit;
pub mod loader;
pub mod magic;
pub mod map;
pub mod module;
pub mod nif;
pub mod nifs;
pub mod port;
pub mod prim_archive;
pub mod prim_zip;
pub mod process;
pub mod runtime;
pub mod sched;
pub mod sys_signals;
pub mod system_logger;
pub mod term;
pub mod timer;
