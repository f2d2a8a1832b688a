//! The fork helper for port programs (OTP's `erl_child_setup`).
//!
//! The VM is multithreaded and may be large, so it never forks to start a port program.
//! Instead [`start`], called early while the VM still has one thread, forks one small helper
//! process. Every [`spawn`] then sends the helper a request over a Unix socket (the child's
//! descriptors travel with it as `SCM_RIGHTS`); the helper forks the child, answers with its
//! pid (or the `errno` of a failed fork) without waiting for the exec, and later reports the
//! child's exit status (a failed exec's is its `errno`). [`spawn`] waits for the pid;
//! [`spawn_async`] does not (`open_port/2` uses it, so a scheduler never waits for a fork). Port programs are children of the helper, so the VM never has zombies to reap.
//!
//! | module | owns |
//! |---|---|
//! | `protocol` | the wire format (documented there) |
//! | `sys` | safe wrappers of the system calls both sides use |
//! | `helper` | the helper process: its loop, the fork/exec of children, reaping |
//! | `client` | the VM side: starting the helper, sending requests, the reader thread |
//!
//! ```no_run
//! use ports::child_setup::{self, SpawnRequest};
//! use std::ffi::CString;
//! # fn pipe() -> (std::os::fd::OwnedFd, std::os::fd::OwnedFd) { unimplemented!() }
//! child_setup::start().expect("helper");          // early in main, before threads
//! let (to_child_r, to_child_w) = pipe();          // close-on-exec pipes of the caller
//! let (from_child_r, from_child_w) = pipe();
//! let req = SpawnRequest {
//!     program: CString::new("/bin/sh").unwrap(),
//!     argv: ["sh", "-c", "cat"].map(|s| CString::new(s).unwrap()).to_vec(),
//!     env: vec![CString::new("PATH=/usr/bin:/bin").unwrap()],
//!     cd: None,
//!     fds: vec![(0, to_child_r), (1, from_child_w)],
//!     search_path: false,
//! };
//! let pid = child_setup::spawn(req, Box::new(|status| println!("exit_status {status}")));
//! ```

mod client;
mod helper;
pub mod protocol;
mod sys;

#[cfg(test)]
mod tests;

use std::ffi::CString;
use std::os::fd::OwnedFd;

pub use client::{helper_pid, spawn, spawn_async, start, started};

/// What to start, as [`spawn`] takes it.
#[derive(Debug)]
pub struct SpawnRequest {
    /// The path given to `execve`. For `{spawn, Cmd}` the caller passes `/bin/sh` with argv
    /// `["sh", "-c", Cmd]`.
    pub program: CString,
    /// The arguments, `argv[0]` included.
    pub argv: Vec<CString>,
    /// The child's whole environment, as `K=V` strings.
    pub env: Vec<CString>,
    /// The directory to start in. `None` means the VM's current directory at the time of the
    /// call, and a relative path is taken from there.
    pub cd: Option<CString>,
    /// `(fd number in the child, descriptor in the VM)`: e.g. `[(0, r), (1, w), (2, w)]`, or
    /// `[(3, r), (4, w)]` for `nouse_stdio`. One VM descriptor may feed several targets (both
    /// as one `OwnedFd` number repeated and as separate duplicates). Child descriptors 0, 1 and
    /// 2 not listed are the VM's own standard streams; no other descriptor is inherited.
    /// `spawn` closes these VM descriptors once they are sent.
    pub fds: Vec<(i32, OwnedFd)>,
    /// `true`: a `program` without `/` is looked up in `PATH` like `execvp` does (the `PATH`
    /// of `env`, else the VM's `PATH` when the helper started); `false`: `execve` as given.
    pub search_path: bool,
}
