//! The `fd` driver (OTP's `fd_driver` in `sys_drivers.c`): `{fd, In, Out}` ports over file
//! descriptors the VM already has, such as 0 and 1 for OTP's `user` I/O server.
//!
//! These descriptors are shared with other processes (the shell's terminal, a pipe of the
//! caller), so they are left in blocking mode: making them non-blocking would change them for
//! everyone who shares them. Instead a reader thread blocks in `read` and hands the data to
//! the port, and a writer thread writes the port's queued output; the port's queue size
//! counts what the writer has not written yet, and the port is busy above its high
//! watermark. Neither thread ever blocks a scheduler.

use super::framing::{frame, Deframer};
use super::pipe_io::errno_term;
use erts::port::driver::{Driver, DriverFactory, OpenError, PortEvent};
use erts::port::open_opts::{OpenSpec, PortKind};
use erts::port::{PortCell, PortCore};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::mpsc::{channel, Sender};
use std::sync::{Arc, Weak};

pub struct FdFactory;

/// OTP's `vanilla` driver: `open_port(FileName, Opts)` with an atom or string name is a port
/// over that file, opened for reading and/or writing as the `in`/`out` settings say.
pub struct VanillaFactory;

/// A descriptor the threads use: one the VM had (never closed here) or one the port opened
/// (closed when the port and both threads are done with it).
#[derive(Clone)]
enum FdRef {
    Shared(RawFd),
    Owned(Arc<OwnedFd>),
}

impl FdRef {
    fn raw(&self) -> RawFd {
        match self {
            FdRef::Shared(fd) => *fd,
            FdRef::Owned(f) => f.as_raw_fd(),
        }
    }
}

struct FdDriver {
    packet: u8,
    deframer: Deframer,
    /// The descriptor written to (for writes made at once), with the writer thread's queue.
    out: Option<FdRef>,
    /// The writer thread's queue; an empty buffer tells it to end (the instance stops).
    writer: Option<Arc<Sender<Vec<u8>>>>,
    queued: usize,
    limits: Option<(u64, u64)>,
}

fn last_errno() -> i32 {
    std::io::Error::last_os_error()
        .raw_os_error()
        .unwrap_or(libc::EIO)
}

/// Whether `fd` is an open descriptor.
fn valid(fd: RawFd) -> bool {
    // SAFETY: F_GETFD only queries the descriptor table.
    unsafe { libc::fcntl(fd, libc::F_GETFD) >= 0 }
}

fn event(cell: &Weak<PortCell>, ev: PortEvent) -> bool {
    match cell.upgrade() {
        Some(c) if !c.is_dead() => {
            c.with_driver(|d, core| d.event(core, ev));
            true
        }
        _ => false,
    }
}

fn reader(fd: FdRef, cell: Weak<PortCell>) {
    let mut buf = vec![0u8; 64 * 1024];
    let fd_ref = fd;
    let fd = fd_ref.raw();
    // Readable when the runtime instance stops: the thread ends then (it is joined).
    let stop = erts::instance::stop_fd();
    loop {
        // Wait until there is input (or the instance stops) before reading.
        match wait_input(fd, stop) {
            Wait::Stop => return,
            Wait::Again => continue,
            Wait::Ready => {}
        }
        // Descriptor 0 is shared with the break menu: read under the input lock only if it
        // is still readable (the menu may have taken the input).
        let input_guard = if fd == 0 {
            let guard = erts::break_handler::input_lock().lock();
            if !wait_readable(fd, 0) {
                continue;
            }
            Some(guard)
        } else {
            None
        };
        // SAFETY: `buf` is a live buffer of its length; `fd` was valid when the port opened
        // (reading a descriptor closed since only fails).
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        drop(input_guard);
        let ev = if n > 0 {
            PortEvent::Input(buf[..n as usize].to_vec())
        } else if n == 0 {
            PortEvent::InputEof
        } else {
            match last_errno() {
                libc::EINTR | libc::EAGAIN => continue,
                e => PortEvent::IoError(e),
            }
        };
        let last = !matches!(ev, PortEvent::Input(_));
        if !event(&cell, ev) || last {
            return;
        }
    }
}

enum Wait {
    Ready,
    Again,
    Stop,
}

/// Waits until `fd` is readable (or reports end of input or an error), or `stop` is.
fn wait_input(fd: RawFd, stop: RawFd) -> Wait {
    let mut pfds = [
        libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        },
        libc::pollfd {
            fd: stop,
            events: libc::POLLIN,
            revents: 0,
        },
    ];
    // SAFETY: two valid pollfds (a negative `stop` is skipped by poll).
    let n = unsafe { libc::poll(pfds.as_mut_ptr(), 2, -1) };
    if n <= 0 {
        return Wait::Again;
    }
    if pfds[1].revents != 0 {
        return Wait::Stop;
    }
    if pfds[0].revents != 0 {
        Wait::Ready
    } else {
        Wait::Again
    }
}

/// Whether `fd` becomes readable (or reports end of input or an error) within `timeout_ms`
/// milliseconds (-1: no limit).
pub(crate) fn wait_readable(fd: RawFd, timeout_ms: i32) -> bool {
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    let n = unsafe { libc::poll(&mut pfd, 1, timeout_ms) };
    n == 1
}

/// Writes what `fd` takes without blocking: it is polled first, and at most `PIPE_BUF` bytes
/// are written (a pipe that polls writable takes that many at once). Returns the bytes
/// written (0 on any error: the writer thread meets it again and reports it).
fn write_now(fd: RawFd, data: &[u8]) -> usize {
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLOUT,
        revents: 0,
    };
    // SAFETY: one valid pollfd, zero timeout.
    let ready = unsafe { libc::poll(&mut pfd, 1, 0) };
    if ready != 1 || pfd.revents & libc::POLLOUT == 0 {
        return 0;
    }
    let len = data.len().min(libc::PIPE_BUF);
    // SAFETY: `data` is live for `len` bytes; `fd` is the port's descriptor.
    let n = unsafe { libc::write(fd, data.as_ptr().cast(), len) };
    n.max(0) as usize
}

fn writer(fd: FdRef, cell: Weak<PortCell>, rx: std::sync::mpsc::Receiver<Vec<u8>>) {
    let fd_ref = fd;
    let fd = fd_ref.raw();
    while let Ok(data) = rx.recv() {
        if data.is_empty() {
            return;
        }
        let mut done = 0;
        while done < data.len() {
            // SAFETY: `data` is a live buffer; see `reader` on `fd`.
            let n = unsafe { libc::write(fd, data[done..].as_ptr().cast(), data.len() - done) };
            if n >= 0 {
                done += n as usize;
                continue;
            }
            match last_errno() {
                libc::EINTR | libc::EAGAIN => continue,
                e => {
                    event(&cell, PortEvent::IoError(e));
                    return;
                }
            }
        }
        if !event(&cell, PortEvent::Written(data.len())) {
            return;
        }
    }
}

impl DriverFactory for FdFactory {
    fn name(&self) -> &str {
        "fd"
    }

    fn start(&self, core: &mut PortCore, spec: &OpenSpec) -> Result<Box<dyn Driver>, OpenError> {
        let PortKind::Fd(fd_in, fd_out) = spec.kind else {
            return Err(OpenError::Badarg);
        };
        // A number that is no open descriptor makes the driver's start fail (`einval`).
        if (spec.read && !valid(fd_in)) || (spec.write && !valid(fd_out)) {
            return Err(OpenError::Failed);
        }
        start_threads(core, spec, FdRef::Shared(fd_in), FdRef::Shared(fd_out))
    }
}

impl DriverFactory for VanillaFactory {
    fn name(&self) -> &str {
        "vanilla"
    }

    fn start(&self, core: &mut PortCore, spec: &OpenSpec) -> Result<Box<dyn Driver>, OpenError> {
        let flags = match (spec.read, spec.write) {
            (true, false) => libc::O_RDONLY,
            (false, true) => libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC,
            _ => libc::O_RDWR | libc::O_CREAT,
        };
        let path = std::ffi::CString::new(spec.command.clone()).map_err(|_| OpenError::Badarg)?;
        // SAFETY: `path` is NUL-terminated; the mode argument is read for O_CREAT.
        let fd = unsafe { libc::open(path.as_ptr(), flags | libc::O_CLOEXEC, 0o666) };
        if fd < 0 {
            return Err(OpenError::Failed);
        }
        // SAFETY: `open` just returned this descriptor, owned by nobody else.
        let owned = FdRef::Owned(Arc::new(unsafe { OwnedFd::from_raw_fd(fd) }));
        start_threads(core, spec, owned.clone(), owned)
    }
}

/// Starts the reader and writer threads the settings ask for.
fn start_threads(
    core: &mut PortCore,
    spec: &OpenSpec,
    input: FdRef,
    output: FdRef,
) -> Result<Box<dyn Driver>, OpenError> {
    let weak = core.cell.clone();
    let out = spec.write.then(|| output.clone());
    let writer_tx = if spec.write {
        let (tx, rx) = channel();
        let tx = Arc::new(tx);
        // When the instance stops, the writer ends even though the port is still open (the
        // port is stopped later, after the instance's threads are joined).
        let stop_tx = Arc::downgrade(&tx);
        erts::instance::on_stop(move || {
            if let Some(tx) = stop_tx.upgrade() {
                let _ = tx.send(Vec::new());
            }
        });
        let w = weak.clone();
        erts::instance::spawn_thread(format!("fd_writer_{}", output.raw()), 0, move || {
            writer(output, w, rx)
        })
        .map_err(|_| OpenError::Errno(libc::EAGAIN))?;
        Some(tx)
    } else {
        None
    };
    if spec.read {
        let w = weak.clone();
        erts::instance::spawn_thread(format!("fd_reader_{}", input.raw()), 0, move || {
            reader(input, w)
        })
        .map_err(|_| OpenError::Errno(libc::EAGAIN))?;
    }
    Ok(Box::new(FdDriver {
        packet: spec.packet,
        deframer: Deframer::new(spec.packet),
        out,
        writer: writer_tx,
        queued: 0,
        limits: spec.busy_port,
    }))
}

impl FdDriver {
    fn update_queue(&self, core: &mut PortCore) {
        core.set_queue_size(self.queued, self.limits);
    }
}

impl Driver for FdDriver {
    fn output(&mut self, core: &mut PortCore, data: &[u8]) {
        let Some(tx) = &self.writer else {
            core.exit(errno_term(libc::EBADF));
            return;
        };
        let Ok(framed) = frame(self.packet, data) else {
            core.exit(errno_term(libc::EINVAL));
            return;
        };
        if framed.is_empty() {
            return;
        }
        // With nothing queued, what the descriptor takes at once is written now (as OTP's
        // fd driver does), so that output keeps its order with the VM's own writes to the
        // same descriptor; the rest goes to the writer thread.
        let mut framed = framed;
        if self.queued == 0 {
            if let Some(fd) = &self.out {
                let n = write_now(fd.raw(), &framed);
                if n == framed.len() {
                    return;
                }
                framed.drain(..n);
            }
        }
        self.queued += framed.len();
        if tx.send(framed).is_err() {
            core.exit(errno_term(libc::EPIPE));
            return;
        }
        self.update_queue(core);
    }

    fn event(&mut self, core: &mut PortCore, ev: PortEvent) {
        match ev {
            PortEvent::Input(data) => {
                if self.packet == 0 {
                    core.output(&data);
                } else {
                    self.deframer.feed(&data, |m| core.output(m));
                }
            }
            PortEvent::InputEof => core.input_eof(),
            PortEvent::Written(n) => {
                self.queued = self.queued.saturating_sub(n);
                self.update_queue(core);
            }
            PortEvent::IoError(e) => core.exit(errno_term(e)),
            _ => {}
        }
    }

    fn flush(&mut self, _core: &mut PortCore) -> bool {
        self.queued > 0
    }

    fn soft_busy(&self) -> bool {
        true
    }

    fn stop(&mut self, core: &mut PortCore) {
        // The writer thread ends when its channel closes; the descriptors stay open.
        self.writer = None;
        self.queued = 0;
        core.queue_size = 0;
    }
}
