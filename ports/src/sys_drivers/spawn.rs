//! The `spawn` driver (OTP's `spawn_driver` in `sys_drivers.c`): `{spawn, Cmd}` and
//! `{spawn_executable, File}` ports. The program is started by the fork helper
//! ([`crate::child_setup`]) with pipes for its standard input and output (fds 3 and 4 with
//! `nouse_stdio`); its exit status comes back from the helper.
//!
//! End of the port's input: with `exit_status`, the status message waits until both the
//! output pipe is at end of file and the program has exited; then `{Port, {exit_status, N}}`
//! is sent, and the port closes (or, with `eof`, sends `{Port, eof}` and stays open).

use super::pipe_io::{PipeIo, ReadOutcome};
use crate::child_setup::{self, SpawnRequest};
use erts::port::driver::{Driver, DriverFactory, OpenError, PortEvent};
use erts::port::open_opts::{OpenSpec, PortKind};
use erts::port::PortCore;
use std::ffi::CString;
use std::os::fd::{FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;

pub struct SpawnFactory;

struct SpawnDriver {
    io: PipeIo,
    exit_status: bool,
    /// The program's exit status, once known.
    status: Option<i32>,
    /// The output pipe reached end of file (or there is none).
    input_done: bool,
    /// The end-of-input handling has run.
    finished: bool,
}

fn cstring(b: &[u8]) -> Result<CString, OpenError> {
    CString::new(b.to_vec()).map_err(|_| OpenError::Badarg)
}

/// A close-on-exec pipe: (read end, write end).
fn pipe() -> Result<(OwnedFd, OwnedFd), OpenError> {
    let mut fds = [0 as RawFd; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2 writes.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        let e = std::io::Error::last_os_error();
        return Err(OpenError::Errno(e.raw_os_error().unwrap_or(libc::EMFILE)));
    }
    // SAFETY: pipe2 just returned these two descriptors, owned by nobody else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// The child's environment: the VM's, changed by `{env, _}`.
fn environment(spec: &OpenSpec) -> Result<Vec<CString>, OpenError> {
    let mut vars: Vec<(Vec<u8>, Vec<u8>)> = std::env::vars_os()
        .map(|(k, v)| (k.as_bytes().to_vec(), v.as_bytes().to_vec()))
        .collect();
    for (k, v) in &spec.env {
        vars.retain(|(name, _)| name != k);
        if let Some(v) = v {
            vars.push((k.clone(), v.clone()));
        }
    }
    vars.into_iter()
        .map(|(mut k, v)| {
            k.push(b'=');
            k.extend_from_slice(&v);
            cstring(&k)
        })
        .collect()
}

impl DriverFactory for SpawnFactory {
    fn name(&self) -> &str {
        "spawn"
    }

    fn start(&self, core: &mut PortCore, spec: &OpenSpec) -> Result<Box<dyn Driver>, OpenError> {
        let (program, argv) = match spec.kind {
            PortKind::SpawnExecutable => {
                let program = cstring(&spec.command)?;
                // As OTP: a missing or non-executable file fails `open_port` itself; later
                // failures (a directory, a bad `cd`) are the program's exit status.
                // SAFETY: `program` is a NUL-terminated path.
                if unsafe { libc::access(program.as_ptr(), libc::X_OK) } != 0 {
                    let e = std::io::Error::last_os_error();
                    return Err(OpenError::Errno(e.raw_os_error().unwrap_or(libc::ENOENT)));
                }
                let arg0 = spec.arg0.as_deref().unwrap_or(&spec.command);
                let mut argv = vec![cstring(arg0)?];
                for a in spec.args.iter().flatten() {
                    argv.push(cstring(a)?);
                }
                (program, argv)
            }
            _ => {
                // As OTP: the shell replaces itself with the command.
                let mut cmd = b"exec ".to_vec();
                cmd.extend_from_slice(&spec.command);
                let argv = vec![cstring(b"sh")?, cstring(b"-c")?, cstring(&cmd)?];
                (cstring(b"/bin/sh")?, argv)
            }
        };
        let (in_fd, out_fd) = if spec.use_stdio { (0, 1) } else { (3, 4) };
        let mut fds: Vec<(i32, OwnedFd)> = Vec::new();
        // The program's input: the port writes into it.
        let to_child = if spec.write {
            let (r, w) = pipe()?;
            fds.push((in_fd, r));
            Some(w)
        } else {
            None
        };
        // The program's output: the port reads it.
        let from_child = if spec.read {
            let (r, w) = pipe()?;
            if spec.stderr_to_stdout {
                let dup = w
                    .try_clone()
                    .map_err(|e| OpenError::Errno(e.raw_os_error().unwrap_or(libc::EMFILE)))?;
                fds.push((2, dup));
            }
            fds.push((out_fd, w));
            Some(r)
        } else {
            None
        };
        let req = SpawnRequest {
            program,
            argv,
            env: environment(spec)?,
            cd: spec.cd.as_deref().map(cstring).transpose()?,
            fds,
            search_path: false,
        };
        let weak = core.cell.clone();
        let on_exit = Box::new(move |status: i32| {
            if let Some(cell) = weak.upgrade() {
                cell.with_driver(|d, core| d.event(core, PortEvent::ChildExited(status)));
            }
        });
        // The fork is asked for and not waited on (the scheduler goes on at once); the pid
        // comes with the helper's answer, and `port_info(P, os_pid)` waits for it if asked
        // sooner. A program that cannot be started (exec or chdir failed) exits at once with
        // the errno as its status, as in OTP; if the helper cannot fork, the port exits with
        // the errno as its reason, as OTP's does when the fork of `erl_child_setup` fails.
        let weak = core.cell.clone();
        let on_start = Box::new(move |started: Result<u32, i32>| {
            let Some(cell) = weak.upgrade() else { return };
            match started {
                Ok(os_pid) => cell.set_os_pid(u64::from(os_pid)),
                Err(e) => {
                    cell.no_os_pid();
                    cell.with_driver(|d, core| d.event(core, PortEvent::IoError(e)));
                }
            }
        });
        if let Some(cell) = core.cell.upgrade() {
            cell.expect_os_pid();
        }
        if let Err(e) = child_setup::spawn_async(req, on_start, on_exit) {
            if let Some(cell) = core.cell.upgrade() {
                cell.no_os_pid();
            }
            return Err(OpenError::Errno(e));
        }
        let has_input = from_child.is_some();
        let io = PipeIo::new(from_child, to_child, spec.packet, spec.busy_port);
        io.select_read(core)
            .map_err(|e| OpenError::Errno(e.raw_os_error().unwrap_or(libc::EINVAL)))?;
        Ok(Box::new(SpawnDriver {
            io,
            exit_status: spec.exit_status,
            status: None,
            input_done: !has_input,
            finished: false,
        }))
    }
}

impl SpawnDriver {
    /// End of input once the exit status (if wanted) is known.
    fn maybe_finish(&mut self, core: &mut PortCore) {
        if self.finished || !self.input_done {
            return;
        }
        if self.exit_status {
            let Some(status) = self.status else { return };
            core.send_exit_status(status);
        }
        self.finished = true;
        core.input_eof();
    }
}

impl Driver for SpawnDriver {
    fn output(&mut self, core: &mut PortCore, data: &[u8]) {
        self.io.output(core, data);
    }

    fn write_held_output(&mut self, core: &mut PortCore) {
        self.io.write_held(core);
    }

    fn ready_input(&mut self, core: &mut PortCore, _fd: RawFd) {
        if let ReadOutcome::Eof = self.io.ready_input(core) {
            self.input_done = true;
            self.maybe_finish(core);
        }
    }

    fn ready_output(&mut self, core: &mut PortCore, _fd: RawFd) {
        self.io.ready_output(core);
    }

    fn event(&mut self, core: &mut PortCore, ev: PortEvent) {
        match ev {
            PortEvent::ChildExited(status) => {
                self.status = Some(status);
                self.maybe_finish(core);
            }
            PortEvent::IoError(e) => core.exit(super::pipe_io::errno_term(e)),
            _ => {}
        }
    }

    fn flush(&mut self, _core: &mut PortCore) -> bool {
        self.io.queued() > 0
    }

    fn stop(&mut self, core: &mut PortCore) {
        self.io.close(core);
    }
}
