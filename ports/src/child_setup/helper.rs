//! The helper process: what runs in the process [`super::start`] forks.
//!
//! It owns everything that happens on the helper's side of the socket: cutting loose from the
//! VM (closing inherited descriptors, resetting signal handlers), the single-threaded event
//! loop (`poll` on the socket and on a `signalfd` for `SIGCHLD`), and for each `Spawn` request
//! the fork, the async-signal-safe set-up of the child and the exec, then reaping the children
//! and reporting their exit status.
//!
//! The helper keeps descriptors 0, 1 and 2 of the VM (as OTP's `erl_child_setup` does): a child
//! whose mapping does not cover them inherits the VM's standard input, output and error.
//! Every other descriptor the helper holds is close-on-exec.
//!
//! As with OTP's `erl_child_setup`, `Go` goes out as soon as the fork has succeeded: the
//! helper never waits for a child's exec (so one slow exec delays no other request), and a
//! child whose set-up or exec fails exits with the `errno` as its exit code, reported by
//! `Exited` like any other exit.

use std::ffi::{CStr, CString};
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::os::raw::c_char;

use super::protocol::{self, Reply, Spawn, HEADER_LEN};
use super::sys;

/// Where to look for a program when `search_path` is set and the request's environment has no
/// `PATH`: the VM's `PATH` when the helper started, else this.
const FALLBACK_PATH: &[u8] = b"/usr/local/bin:/usr/bin:/bin";

/// Entry point of the forked helper; never returns.
pub(super) fn run(sock: OwnedFd, vm_path: Option<Vec<u8>>) -> ! {
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| serve(sock, vm_path)));
    let code = match result {
        Ok(Ok(())) => 0,
        Ok(Err(_)) => 1,
        Err(_) => 2,
    };
    // SAFETY: leaving the helper without running the VM's atexit handlers or destructors,
    // which belong to the VM process, not to this copy of it.
    unsafe { libc::_exit(code) }
}

/// Signal dispositions a child gets back before exec (what the helper changed for itself).
#[derive(Clone, Copy)]
struct ChildSignals {
    /// `(signal, disposition)` pairs.
    restore: [(libc::c_int, libc::sighandler_t); 3],
}

fn set_disposition(sig: libc::c_int, handler: libc::sighandler_t) {
    // SAFETY: sigaction is zero-initialisable plain data; installing SIG_DFL/SIG_IGN runs no
    // code of ours. Async-signal-safe, so it may also be called in a forked child.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = handler;
        libc::sigemptyset(&mut sa.sa_mask);
        libc::sigaction(sig, &sa, std::ptr::null_mut());
    }
}

fn disposition(sig: libc::c_int) -> Option<libc::sighandler_t> {
    // SAFETY: querying with a null new action only writes `old`.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        if libc::sigaction(sig, std::ptr::null(), &mut old) == 0 {
            Some(old.sa_sigaction)
        } else {
            None
        }
    }
}

/// Drops the VM's signal handlers, ignores the terminal signals the VM handles itself
/// (`SIGINT`, `SIGQUIT`) and `SIGPIPE`, and routes `SIGCHLD` to a `signalfd`.
fn setup_signals() -> io::Result<(OwnedFd, ChildSignals)> {
    for sig in 1..=libc::SIGRTMAX() {
        if sig == libc::SIGKILL || sig == libc::SIGSTOP {
            continue;
        }
        if let Some(h) = disposition(sig) {
            if h != libc::SIG_DFL && h != libc::SIG_IGN {
                set_disposition(sig, libc::SIG_DFL);
            }
        }
    }
    // A child gets SIGINT/SIGQUIT as the VM had them when the helper started (ignored stays
    // ignored, as with any exec), and SIGPIPE at its default, whatever the VM's runtime did.
    let inherited = |sig| match disposition(sig) {
        Some(h) if h == libc::SIG_IGN => libc::SIG_IGN,
        _ => libc::SIG_DFL,
    };
    let child = ChildSignals {
        restore: [
            (libc::SIGINT, inherited(libc::SIGINT)),
            (libc::SIGQUIT, inherited(libc::SIGQUIT)),
            (libc::SIGPIPE, libc::SIG_DFL),
        ],
    };
    set_disposition(libc::SIGINT, libc::SIG_IGN);
    set_disposition(libc::SIGQUIT, libc::SIG_IGN);
    set_disposition(libc::SIGPIPE, libc::SIG_IGN);
    set_disposition(libc::SIGCHLD, libc::SIG_DFL);
    // SAFETY: sigset_t is plain data initialised by sigemptyset; the helper has one thread, so
    // sigprocmask sets its only mask; signalfd returns a new descriptor or -1.
    let fd = unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGCHLD);
        if libc::sigprocmask(libc::SIG_SETMASK, &set, std::ptr::null_mut()) != 0 {
            return Err(io::Error::last_os_error());
        }
        libc::signalfd(-1, &set, libc::SFD_CLOEXEC | libc::SFD_NONBLOCK)
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a fresh descriptor that nothing else owns.
    Ok((unsafe { OwnedFd::from_raw_fd(fd) }, child))
}

struct Helper {
    sock: OwnedFd,
    vm_path: Option<Vec<u8>>,
    signals: ChildSignals,
    /// Upper bound for closing descriptors by hand where `close_range` is missing.
    fd_limit: RawFd,
}

fn serve(sock: OwnedFd, vm_path: Option<Vec<u8>>) -> io::Result<()> {
    sys::close_all_but_stdio_and(sock.as_raw_fd());
    // SAFETY: PR_SET_NAME copies at most 16 bytes from a NUL-terminated string.
    unsafe {
        libc::prctl(
            libc::PR_SET_NAME,
            c"child_setup".as_ptr() as libc::c_ulong,
            0,
            0,
            0,
        )
    };
    let (sigfd, signals) = setup_signals()?;
    let fd_limit = {
        // SAFETY: getrlimit writes into the rlimit struct.
        let mut rl: libc::rlimit = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut rl) } == 0 {
            rl.rlim_cur.min(65_536) as RawFd
        } else {
            4096
        }
    };
    let helper = Helper {
        sock,
        vm_path,
        signals,
        fd_limit,
    };
    loop {
        let mut pfds = [
            libc::pollfd {
                fd: helper.sock.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: sigfd.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            },
        ];
        // SAFETY: `pfds` is a valid array of two pollfd structs.
        if unsafe { libc::poll(pfds.as_mut_ptr(), 2, -1) } < 0 {
            let err = io::Error::last_os_error();
            if err.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(err);
        }
        if pfds[1].revents != 0 {
            drain_signalfd(sigfd.as_fd());
            helper.reap()?;
        }
        if pfds[0].revents != 0 {
            match read_frame(helper.sock.as_fd())? {
                None => return Ok(()), // the VM is gone: leave the children alone
                Some(frame) => helper.handle(frame)?,
            }
        }
    }
}

fn drain_signalfd(fd: BorrowedFd<'_>) {
    let mut buf = [0u8; std::mem::size_of::<libc::signalfd_siginfo>() * 8];
    while matches!(sys::read(fd, &mut buf), Ok(n) if n > 0) {}
}

/// A `Spawn` frame as read: body and the descriptors that came with it.
struct Frame {
    body: Vec<u8>,
    fds: Vec<OwnedFd>,
    /// The kernel dropped some descriptors on the way in.
    truncated: bool,
}

/// Reads exactly `buf.len()` bytes, collecting descriptors. `Ok(false)` at end of stream.
fn read_exact_with_fds(
    sock: BorrowedFd<'_>,
    buf: &mut [u8],
    fds: &mut Vec<OwnedFd>,
    truncated: &mut bool,
) -> io::Result<bool> {
    let mut got = 0;
    while got < buf.len() {
        let r = sys::recv_with_fds(sock, &mut buf[got..])?;
        fds.extend(r.fds);
        *truncated |= r.truncated;
        if r.len == 0 {
            return Ok(false);
        }
        got += r.len;
    }
    Ok(true)
}

/// Reads one frame. The VM writes each frame with its descriptors in one `sendmsg`, and every
/// read here stays within one frame, so the descriptors received belong to this frame.
fn read_frame(sock: BorrowedFd<'_>) -> io::Result<Option<Frame>> {
    let mut fds = Vec::new();
    let mut truncated = false;
    let mut header = [0u8; HEADER_LEN];
    if !read_exact_with_fds(sock, &mut header, &mut fds, &mut truncated)? {
        return Ok(None);
    }
    let len =
        protocol::body_len(header).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    let mut body = vec![0u8; len];
    if !read_exact_with_fds(sock, &mut body, &mut fds, &mut truncated)? {
        return Ok(None);
    }
    Ok(Some(Frame {
        body,
        fds,
        truncated,
    }))
}

/// OTP's `exit_status` for a wait status, or `None` for a stop/continue report.
pub(super) fn exit_status(status: libc::c_int) -> Option<i32> {
    if libc::WIFEXITED(status) {
        Some(libc::WEXITSTATUS(status))
    } else if libc::WIFSIGNALED(status) {
        Some(128 + libc::WTERMSIG(status))
    } else {
        None
    }
}

impl Helper {
    fn send(&self, reply: Reply) -> io::Result<()> {
        sys::send_with_fds(self.sock.as_fd(), &reply.encode(), &[])
    }

    /// Reaps every dead child and reports it.
    fn reap(&self) -> io::Result<()> {
        loop {
            let mut status = 0;
            // SAFETY: waitpid writes the status into a valid int.
            let pid = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
            if pid <= 0 {
                return Ok(());
            }
            if let Some(status) = exit_status(status) {
                self.send(Reply::Exited {
                    os_pid: pid as u32,
                    status,
                })?;
            }
        }
    }

    fn handle(&self, frame: Frame) -> io::Result<()> {
        let req = match Spawn::decode(&frame.body) {
            Ok(req) => req,
            Err(e) => {
                return match protocol::peek_request_id(&frame.body) {
                    Some(request_id) => self.send(Reply::Failed {
                        request_id,
                        errno: e.errno(),
                    }),
                    None => Err(io::Error::new(io::ErrorKind::InvalidData, e)),
                };
            }
        };
        let reply = if frame.truncated {
            Err(libc::EMFILE)
        } else if frame.fds.len() != usize::from(req.nfds) {
            Err(libc::EINVAL)
        } else {
            self.start_child(&req, &frame.fds)
        };
        // The received descriptors (`frame.fds`) are closed when `frame` drops below, after
        // the child has its own copies.
        let request_id = req.request_id;
        self.send(match reply {
            Ok(os_pid) => Reply::Go { request_id, os_pid },
            Err(errno) => Reply::Failed { request_id, errno },
        })
    }

    /// The executables to try, in order: the program itself, or its `PATH` candidates.
    fn candidates(&self, req: &Spawn) -> Result<Vec<CString>, i32> {
        let program = req.program.as_bytes();
        if program.is_empty() {
            return Err(libc::ENOENT);
        }
        if !req.search_path || program.contains(&b'/') {
            return Ok(vec![req.program.clone()]);
        }
        let path = req
            .env
            .iter()
            .find_map(|kv| kv.as_bytes().strip_prefix(b"PATH="))
            .or(self.vm_path.as_deref())
            .unwrap_or(FALLBACK_PATH);
        let candidates = path
            .split(|&b| b == b':')
            .map(|dir| {
                let mut full = Vec::with_capacity(dir.len() + 1 + program.len());
                if dir.is_empty() {
                    full.extend_from_slice(b"./"); // an empty entry is the working directory
                } else {
                    full.extend_from_slice(dir);
                    if !dir.ends_with(b"/") {
                        full.push(b'/');
                    }
                }
                full.extend_from_slice(program);
                // Both parts come from NUL-free strings.
                CString::new(full).map_err(|_| libc::EINVAL)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(candidates)
    }

    /// Forks one child that sets itself up and execs; `Ok(pid)` once the fork succeeded.
    fn start_child(&self, req: &Spawn, fds: &[OwnedFd]) -> Result<u32, i32> {
        let paths = self.candidates(req)?;
        let mut plan = ExecPlan {
            paths: paths.iter().map(|p| p.as_ptr()).collect(),
            search: req.search_path && paths.len() > 1,
            argv: null_terminated(&req.argv),
            envp: null_terminated(&req.env),
            cd: req.cd.as_deref(),
            sources: fds.iter().map(|f| f.as_raw_fd()).collect(),
            high: vec![-1; fds.len()],
            map: req
                .fd_map
                .iter()
                .map(|m| (m.target, usize::from(m.source)))
                .collect(),
            min_high: req
                .fd_map
                .iter()
                .map(|m| m.target + 1)
                .max()
                .unwrap_or(0)
                .max(3),
            fd_limit: self.fd_limit,
            signals: self.signals,
        };
        // SAFETY: the helper is single-threaded, so the child may run any code; it still only
        // makes async-signal-safe calls (see `ExecPlan::exec`) and never returns.
        let pid = unsafe { libc::fork() };
        if pid < 0 {
            return Err(sys::errno());
        }
        if pid == 0 {
            plan.exec();
        }
        Ok(pid as u32)
    }
}

fn null_terminated(strings: &[CString]) -> Vec<*const c_char> {
    strings
        .iter()
        .map(|s| s.as_ptr())
        .chain(std::iter::once(std::ptr::null()))
        .collect()
}

/// Everything the child needs, prepared before `fork` so that the child allocates nothing.
/// The pointers point into the request, which outlives the fork in both processes.
struct ExecPlan<'a> {
    paths: Vec<*const c_char>,
    /// Whether `paths` are `PATH` candidates (execvp's rules for which errors to skip).
    search: bool,
    argv: Vec<*const c_char>,
    envp: Vec<*const c_char>,
    cd: Option<&'a CStr>,
    /// The received descriptors, by source index.
    sources: Vec<RawFd>,
    /// Scratch: each source's copy above every target.
    high: Vec<RawFd>,
    /// `(target, source index)`.
    map: Vec<(RawFd, usize)>,
    /// One above the highest target (at least 3).
    min_high: RawFd,
    fd_limit: RawFd,
    signals: ChildSignals,
}

impl ExecPlan<'_> {
    /// Runs in the forked child: sets it up and execs, or exits with the failure's `errno`
    /// as its exit code (as OTP's children do). Only async-signal-safe calls from here on; no
    /// allocation, no panics.
    fn exec(&mut self) -> ! {
        if let Err(e) = self.setup() {
            fail(e);
        }
        let mut errno = libc::ENOENT;
        let mut saw_eacces = false;
        for &path in &self.paths {
            // SAFETY: `path`, `argv` and `envp` are NUL-terminated strings / null-terminated
            // arrays of them, alive in this copy of the helper's memory.
            unsafe { libc::execve(path, self.argv.as_ptr(), self.envp.as_ptr()) };
            errno = child_errno();
            if !self.search {
                break;
            }
            match errno {
                libc::EACCES => saw_eacces = true,
                libc::ENOENT | libc::ENOTDIR | libc::ESTALE | libc::ENODEV | libc::ETIMEDOUT => {}
                _ => break,
            }
        }
        if saw_eacces && matches!(errno, libc::ENOENT | libc::ENOTDIR) {
            errno = libc::EACCES;
        }
        fail(errno)
    }

    /// Signals, descriptors and directory.
    fn setup(&mut self) -> Result<(), i32> {
        for (sig, handler) in self.signals.restore {
            set_disposition(sig, handler);
        }
        // SAFETY: sigset_t is plain data; sigemptyset/sigprocmask are async-signal-safe.
        unsafe {
            let mut empty: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut empty);
            libc::sigprocmask(libc::SIG_SETMASK, &empty, std::ptr::null_mut());
        }
        // First lift every source above all targets, so that placing one target cannot
        // overwrite a source still needed.
        for i in 0..self.sources.len() {
            self.high[i] = dup_above(self.sources[i], self.min_high)?;
        }
        for &(target, source) in &self.map {
            let from = *self.high.get(source).ok_or(libc::EINVAL)?;
            // SAFETY: dup2 between descriptors of this process; the target is meant to be
            // replaced. dup2 leaves the new descriptor without close-on-exec.
            while unsafe { libc::dup2(from, target) } < 0 {
                let e = child_errno();
                if e != libc::EINTR {
                    return Err(e);
                }
            }
        }
        // Close what the child must not see: the helper's descriptors below the targets that
        // are not targets themselves (0, 1 and 2 stay: the VM's standard streams), and all
        // above them (all close-on-exec anyway; this is belt and braces).
        for fd in 3..self.min_high {
            if !self.map.iter().any(|&(t, _)| t == fd) {
                // SAFETY: closing a descriptor the child does not use (EBADF if none).
                unsafe { libc::close(fd) };
            }
        }
        close_from(self.min_high, self.fd_limit);
        if let Some(cd) = self.cd {
            // SAFETY: `cd` is a NUL-terminated string.
            if unsafe { libc::chdir(cd.as_ptr()) } < 0 {
                return Err(child_errno());
            }
        }
        Ok(())
    }
}

fn child_errno() -> i32 {
    // SAFETY: reads this thread's errno; async-signal-safe.
    unsafe { *libc::__errno_location() }
}

/// `fcntl(F_DUPFD_CLOEXEC)`: a close-on-exec copy of `fd` numbered `min` or above.
fn dup_above(fd: RawFd, min: RawFd) -> Result<RawFd, i32> {
    // SAFETY: fcntl on a descriptor number; fails with EBADF if it is not open.
    let new = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, min) };
    if new < 0 {
        Err(child_errno())
    } else {
        Ok(new)
    }
}

/// Closes every descriptor from `first` up (async-signal-safe).
fn close_from(first: RawFd, fd_limit: RawFd) {
    // SAFETY: close_range only closes descriptors of this (child) process.
    let ret = unsafe { libc::syscall(libc::SYS_close_range, first as u32, u32::MAX, 0u32) };
    if ret < 0 {
        for fd in first..fd_limit {
            // SAFETY: as above, one descriptor at a time.
            unsafe { libc::close(fd) };
        }
    }
}

/// Ends a child whose set-up or exec failed, with the `errno` as its exit code.
fn fail(errno: i32) -> ! {
    // SAFETY: _exit is async-signal-safe and leaves without running any of the helper's code.
    unsafe { libc::_exit(errno & 0xff) }
}
