//! Non-blocking pipe I/O of the spawn driver, on the runtime's poller: writes go out at once
//! when the pipe takes them and wait in a queue otherwise (the port turns busy above its
//! high watermark), reads are framed and delivered to the connected process.

use super::framing::{header, Deframer};
use erts::check_io::Ready;
use erts::port::PortCore;
use erts::term::Term;
use std::collections::VecDeque;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};

/// The most bytes read in one `ready_input` before the poller moves on (bounded steps).
const READ_BUDGET: usize = 1 << 20;
const READ_CHUNK: usize = 64 * 1024;
/// The most bytes of commands held back to go out in one write: a quarter of a pipe's
/// capacity. Larger batches (the whole pipe) made `port_echo` slower on an idle 2-processor
/// machine: the process, the program and the poll thread then take turns on whole batches
/// instead of working at once on consecutive ones.
const HOLD_MAX: usize = 16 * 1024;

/// What reading found.
pub enum ReadOutcome {
    /// Data delivered, more may come.
    More,
    /// End of input.
    Eof,
}

/// One direction pair of a port program's pipes.
pub struct PipeIo {
    pub read: Option<OwnedFd>,
    pub write: Option<OwnedFd>,
    packet: u8,
    deframer: Deframer,
    queue: VecDeque<Vec<u8>>,
    /// Bytes of the queue's front already written.
    front_done: usize,
    queued: usize,
    write_selected: bool,
    /// `{busy_limits_port, {Low, High}}`; `None` = disabled.
    limits: Option<(u64, u64)>,
    buf: Vec<u8>,
    /// Framed commands of a process's slice not written yet ([`PortCore::defer_output`]).
    held: Vec<u8>,
}

/// The errno atom for `e`.
pub fn errno_term(e: i32) -> Term {
    Term::atom(erts::atom::atom(erts::errno::errno_id(e)))
}

pub fn set_nonblocking(fd: RawFd) {
    // SAFETY: fcntl on a descriptor this driver owns; no memory is passed.
    unsafe {
        let fl = libc::fcntl(fd, libc::F_GETFL);
        if fl >= 0 {
            libc::fcntl(fd, libc::F_SETFL, fl | libc::O_NONBLOCK);
        }
    }
}

fn last_errno() -> i32 {
    std::io::Error::last_os_error()
        .raw_os_error()
        .unwrap_or(libc::EIO)
}

impl PipeIo {
    pub fn new(
        read: Option<OwnedFd>,
        write: Option<OwnedFd>,
        packet: u8,
        limits: Option<(u64, u64)>,
    ) -> PipeIo {
        for fd in read.iter().chain(write.iter()) {
            set_nonblocking(fd.as_raw_fd());
        }
        PipeIo {
            read,
            write,
            packet,
            deframer: Deframer::new(packet),
            queue: VecDeque::new(),
            front_done: 0,
            queued: 0,
            write_selected: false,
            limits,
            buf: Vec::new(),
            held: Vec::new(),
        }
    }

    /// Starts watching the read side.
    pub fn select_read(&self, core: &mut PortCore) -> std::io::Result<()> {
        if let Some(fd) = &self.read {
            core.select(fd.as_raw_fd(), Ready::READ)
                .map_err(|erts::check_io::SelectError::Io(e)| e)?;
        }
        Ok(())
    }

    /// Bytes waiting to be written.
    pub fn queued(&self) -> usize {
        self.queued
    }

    /// Writes `data` (framed), queueing what the pipe does not take now.
    pub fn output(&mut self, core: &mut PortCore, data: &[u8]) {
        let Some(fd) = self.write.as_ref().map(|f| f.as_raw_fd()) else {
            core.exit(errno_term(libc::EBADF));
            return;
        };
        let Ok((hdr, hdr_len)) = header(self.packet, data.len()) else {
            core.exit(errno_term(libc::EINVAL));
            return;
        };
        let hdr = &hdr[..hdr_len];
        let total = hdr.len() + data.len();
        if total == 0 {
            return;
        }
        // Commands of one slice go out together when nothing waits in the queue.
        if self.queue.is_empty() && self.held.len() + total <= HOLD_MAX && core.defer_output() {
            self.held.extend_from_slice(hdr);
            self.held.extend_from_slice(data);
            return;
        }
        self.write_held(core);
        // The header and the data go out in one `writev`, uncopied, when nothing waits.
        let mut done = 0;
        if self.queue.is_empty() {
            match write_two(fd, hdr, data) {
                Ok(n) => done = n,
                Err(e) => {
                    core.exit(errno_term(e));
                    return;
                }
            }
        }
        if done < total {
            let mut rest = Vec::with_capacity(total - done);
            if done < hdr.len() {
                rest.extend_from_slice(&hdr[done..]);
                rest.extend_from_slice(data);
            } else {
                rest.extend_from_slice(&data[done - hdr.len()..]);
            }
            self.enqueue(core, fd, rest);
        }
        self.update_queue(core);
    }

    /// Queues bytes the pipe did not take and watches for it to take more.
    fn enqueue(&mut self, core: &mut PortCore, fd: RawFd, rest: Vec<u8>) {
        self.queued += rest.len();
        self.queue.push_back(rest);
        if !self.write_selected {
            self.write_selected = true;
            let _ = core.select(fd, Ready::WRITE);
        }
    }

    /// Writes the commands held back, queueing what the pipe does not take now.
    pub fn write_held(&mut self, core: &mut PortCore) {
        if self.held.is_empty() {
            return;
        }
        let held = std::mem::take(&mut self.held);
        let Some(fd) = self.write.as_ref().map(|f| f.as_raw_fd()) else {
            return;
        };
        let mut done = 0;
        if self.queue.is_empty() {
            match write_some(fd, &held) {
                Ok(n) => done = n,
                Err(e) => {
                    core.exit(errno_term(e));
                    return;
                }
            }
        }
        if done < held.len() {
            self.enqueue(core, fd, held[done..].to_vec());
            self.update_queue(core);
        }
        // The buffer is kept for the next slice.
        self.held = held;
        self.held.clear();
    }

    /// The pipe takes more: writes from the queue.
    pub fn ready_output(&mut self, core: &mut PortCore) {
        let Some(fd) = self.write.as_ref().map(|f| f.as_raw_fd()) else {
            return;
        };
        while let Some(front) = self.queue.front() {
            match write_some(fd, &front[self.front_done..]) {
                Ok(0) => break,
                Ok(n) => {
                    self.front_done += n;
                    self.queued -= n;
                    if self.front_done == front.len() {
                        self.queue.pop_front();
                        self.front_done = 0;
                    }
                }
                Err(e) => {
                    core.exit(errno_term(e));
                    return;
                }
            }
        }
        if self.queue.is_empty() && self.write_selected {
            self.write_selected = false;
            core.deselect(fd, Ready::WRITE);
        }
        self.update_queue(core);
    }

    /// Keeps `queue_size` and the busy state in step with the queue.
    fn update_queue(&self, core: &mut PortCore) {
        core.set_queue_size(self.queued, self.limits);
    }

    /// Reads what is there (up to a budget) and delivers it.
    pub fn ready_input(&mut self, core: &mut PortCore) -> ReadOutcome {
        let Some(fd) = self.read.as_ref().map(|f| f.as_raw_fd()) else {
            return ReadOutcome::Eof;
        };
        let mut total = 0;
        if self.buf.len() < READ_CHUNK {
            self.buf.resize(READ_CHUNK, 0);
        }
        while total < READ_BUDGET && !core.is_exiting() {
            // SAFETY: `buf` is a live buffer of `buf.len()` bytes owned by this driver.
            let n = unsafe { libc::read(fd, self.buf.as_mut_ptr().cast(), self.buf.len()) };
            if n > 0 {
                let n = n as usize;
                total += n;
                let chunk = &self.buf[..n];
                if self.packet == 0 {
                    core.output(chunk);
                } else {
                    self.deframer.feed(chunk, |m| core.output(m));
                }
                if n < self.buf.len() {
                    // A short read emptied the pipe: another read would only say EAGAIN.
                    // What arrives later makes the re-armed selection fire again.
                    break;
                }
                continue;
            }
            if n == 0 {
                return self.eof(core);
            }
            match last_errno() {
                libc::EINTR => continue,
                libc::EAGAIN => break,
                // A pipe whose writer is gone may also say so with an error.
                libc::EIO | libc::EPIPE | libc::ECONNRESET => return self.eof(core),
                e => {
                    core.exit(errno_term(e));
                    break;
                }
            }
        }
        ReadOutcome::More
    }

    fn eof(&mut self, core: &mut PortCore) -> ReadOutcome {
        if let Some(fd) = self.read.as_ref().map(|f| f.as_raw_fd()) {
            core.deselect(fd, Ready::READ);
        }
        ReadOutcome::Eof
    }

    /// Closes both pipes (forgetting them in the poller first).
    pub fn close(&mut self, core: &mut PortCore) {
        // What the port was given before it ended was written on OTP.
        self.write_held(core);
        for fd in [self.read.take(), self.write.take()].into_iter().flatten() {
            core.deselect(fd.as_raw_fd(), Ready::BOTH);
            drop(fd);
        }
        self.queue.clear();
        self.queued = 0;
        core.queue_size = 0;
    }
}

/// One `writev` of `a` then `b`: bytes written (0 when the pipe is full), or the errno.
fn write_two(fd: RawFd, a: &[u8], b: &[u8]) -> Result<usize, i32> {
    if a.is_empty() {
        return write_some(fd, b);
    }
    let iov = [
        libc::iovec {
            iov_base: a.as_ptr() as *mut libc::c_void,
            iov_len: a.len(),
        },
        libc::iovec {
            iov_base: b.as_ptr() as *mut libc::c_void,
            iov_len: b.len(),
        },
    ];
    loop {
        // SAFETY: both iovecs describe live slices; `fd` is a descriptor this driver owns.
        let n = unsafe { libc::writev(fd, iov.as_ptr(), 2) };
        if n >= 0 {
            return Ok(n as usize);
        }
        match last_errno() {
            libc::EINTR => continue,
            libc::EAGAIN => return Ok(0),
            e => return Err(e),
        }
    }
}

/// One `write`: bytes written (0 when the pipe is full), or the errno.
fn write_some(fd: RawFd, data: &[u8]) -> Result<usize, i32> {
    loop {
        // SAFETY: `data` is a live slice; `fd` is a descriptor this driver owns.
        let n = unsafe { libc::write(fd, data.as_ptr().cast(), data.len()) };
        if n >= 0 {
            return Ok(n as usize);
        }
        match last_errno() {
            libc::EINTR => continue,
            libc::EAGAIN => return Ok(0),
            e => return Err(e),
        }
    }
}
