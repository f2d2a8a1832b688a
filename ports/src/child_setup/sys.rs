//! Thin, safe wrappers over the few system calls both sides of the child-setup socket use:
//! socket pairs, `sendmsg`/`recvmsg` with `SCM_RIGHTS`, close-on-exec pipes, `close_range`.

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

use super::protocol::MAX_FDS;

/// The calling thread's `errno`.
pub fn errno() -> i32 {
    io::Error::last_os_error()
        .raw_os_error()
        .unwrap_or(libc::EIO)
}

fn cvt(ret: libc::c_int) -> io::Result<libc::c_int> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

/// A connected `AF_UNIX` stream socket pair, both ends close-on-exec.
pub fn socketpair() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [-1; 2];
    // SAFETY: `fds` is a valid array of two ints for the kernel to fill.
    cvt(unsafe {
        libc::socketpair(
            libc::AF_UNIX,
            libc::SOCK_STREAM | libc::SOCK_CLOEXEC,
            0,
            fds.as_mut_ptr(),
        )
    })?;
    // SAFETY: on success both entries are fresh descriptors that nothing else owns.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// A pipe `(read end, write end)`, both close-on-exec (the tests' plumbing).
#[cfg(test)]
pub fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [-1; 2];
    // SAFETY: `fds` is a valid array of two ints for the kernel to fill.
    cvt(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) })?;
    // SAFETY: on success both entries are fresh descriptors that nothing else owns.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// Bytes of control buffer for `n` descriptors.
const fn cmsg_space(n: usize) -> usize {
    // SAFETY: CMSG_SPACE is pure arithmetic.
    unsafe { libc::CMSG_SPACE((n * std::mem::size_of::<RawFd>()) as libc::c_uint) as usize }
}

const CMSG_BUF_LEN: usize = cmsg_space(MAX_FDS);

/// A control-message buffer aligned for `cmsghdr`, large enough for [`MAX_FDS`] descriptors.
#[repr(C, align(8))]
struct CmsgBuf([u8; CMSG_BUF_LEN]);

/// Writes all of `data`; `fds` travel with its first byte as one `SCM_RIGHTS` message.
/// Never raises `SIGPIPE`.
pub fn send_with_fds(sock: BorrowedFd<'_>, data: &[u8], fds: &[RawFd]) -> io::Result<()> {
    if fds.len() > MAX_FDS {
        return Err(io::Error::from_raw_os_error(libc::EMFILE));
    }
    let mut sent = 0;
    let mut fds_sent = fds.is_empty();
    while sent < data.len() {
        let rest = &data[sent..];
        let mut iov = libc::iovec {
            iov_base: rest.as_ptr() as *mut libc::c_void,
            iov_len: rest.len(),
        };
        let mut cbuf = CmsgBuf([0; CMSG_BUF_LEN]);
        // SAFETY: msghdr is plain data; all-zero is a valid (empty) value.
        let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        if !fds_sent {
            let bytes = std::mem::size_of_val(fds);
            msg.msg_control = cbuf.0.as_mut_ptr() as *mut libc::c_void;
            msg.msg_controllen = cmsg_space(fds.len()) as _;
            // SAFETY: msg_control points at a buffer of at least msg_controllen bytes (checked
            // by the MAX_FDS bound above), aligned for cmsghdr; CMSG_FIRSTHDR is therefore
            // non-null and CMSG_DATA has room for `bytes` bytes.
            unsafe {
                let cmsg = libc::CMSG_FIRSTHDR(&msg);
                (*cmsg).cmsg_level = libc::SOL_SOCKET;
                (*cmsg).cmsg_type = libc::SCM_RIGHTS;
                (*cmsg).cmsg_len = libc::CMSG_LEN(bytes as libc::c_uint) as _;
                std::ptr::copy_nonoverlapping(
                    fds.as_ptr() as *const u8,
                    libc::CMSG_DATA(cmsg),
                    bytes,
                );
            }
        }
        // SAFETY: msg describes valid buffers that outlive the call.
        let n = unsafe { libc::sendmsg(sock.as_raw_fd(), &msg, libc::MSG_NOSIGNAL) };
        if n < 0 {
            let err = io::Error::last_os_error();
            if err.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(err);
        }
        fds_sent = true;
        sent += n as usize;
    }
    Ok(())
}

/// What one `recvmsg` brought.
pub struct Received {
    /// Bytes read into the buffer; 0 means end of stream.
    pub len: usize,
    /// Descriptors received (close-on-exec).
    pub fds: Vec<OwnedFd>,
    /// The kernel dropped descriptors (`MSG_CTRUNC`), e.g. because this process hit `EMFILE`.
    pub truncated: bool,
}

/// One `recvmsg` into `buf`, collecting any `SCM_RIGHTS` descriptors (retries on `EINTR`).
pub fn recv_with_fds(sock: BorrowedFd<'_>, buf: &mut [u8]) -> io::Result<Received> {
    loop {
        let mut iov = libc::iovec {
            iov_base: buf.as_mut_ptr() as *mut libc::c_void,
            iov_len: buf.len(),
        };
        let mut cbuf = CmsgBuf([0; CMSG_BUF_LEN]);
        // SAFETY: msghdr is plain data; all-zero is a valid (empty) value.
        let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = cbuf.0.as_mut_ptr() as *mut libc::c_void;
        msg.msg_controllen = CMSG_BUF_LEN as _;
        // SAFETY: msg describes valid, writable buffers that outlive the call.
        let n = unsafe { libc::recvmsg(sock.as_raw_fd(), &mut msg, libc::MSG_CMSG_CLOEXEC) };
        if n < 0 {
            let err = io::Error::last_os_error();
            if err.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(err);
        }
        let mut fds = Vec::new();
        // SAFETY: the kernel filled msg_control/msg_controllen; the CMSG_* macros walk that
        // buffer within its bounds. Each SCM_RIGHTS payload holds descriptors just installed
        // in this process, which we take ownership of exactly once.
        unsafe {
            let mut cmsg = libc::CMSG_FIRSTHDR(&msg);
            while !cmsg.is_null() {
                if (*cmsg).cmsg_level == libc::SOL_SOCKET && (*cmsg).cmsg_type == libc::SCM_RIGHTS {
                    let data = libc::CMSG_DATA(cmsg);
                    let payload = (*cmsg).cmsg_len as usize - (data as usize - cmsg as usize);
                    let count = payload / std::mem::size_of::<RawFd>();
                    for i in 0..count {
                        let fd = std::ptr::read_unaligned((data as *const RawFd).add(i));
                        fds.push(OwnedFd::from_raw_fd(fd));
                    }
                }
                cmsg = libc::CMSG_NXTHDR(&msg, cmsg);
            }
        }
        return Ok(Received {
            len: n as usize,
            fds,
            truncated: msg.msg_flags & libc::MSG_CTRUNC != 0,
        });
    }
}

/// One `read(2)`, retried on `EINTR`; 0 means end of stream.
pub fn read(fd: BorrowedFd<'_>, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        // SAFETY: `buf` is valid for writes of `buf.len()` bytes.
        let n = unsafe {
            libc::read(
                fd.as_raw_fd(),
                buf.as_mut_ptr() as *mut libc::c_void,
                buf.len(),
            )
        };
        if n >= 0 {
            return Ok(n as usize);
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

/// Closes every descriptor in `first ..= last` with `close_range(2)`.
pub fn close_range(first: u32, last: u32) -> io::Result<()> {
    if first > last {
        return Ok(());
    }
    // SAFETY: close_range only closes descriptors; callers own every descriptor in the range
    // (they are closing what they inherited and do not use).
    let ret = unsafe { libc::syscall(libc::SYS_close_range, first, last, 0u32) };
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// Closes every descriptor of this process except `0`, `1`, `2` and `keep`.
/// Uses `close_range`, or lists `/proc/self/fd` where that call is missing.
pub fn close_all_but_stdio_and(keep: RawFd) {
    let keep = keep.max(0) as u32;
    let ok = if keep <= 2 {
        close_range(3, u32::MAX).is_ok()
    } else {
        close_range(3, keep - 1).is_ok() && close_range(keep + 1, u32::MAX).is_ok()
    };
    if ok {
        return;
    }
    let fds: Vec<RawFd> = match std::fs::read_dir("/proc/self/fd") {
        // The directory's own descriptor is in the listing but closed when `read_dir` ends,
        // so closing it again below fails harmlessly with EBADF.
        Ok(dir) => dir
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
            .collect(),
        // No /proc either: close a plausible range by hand.
        Err(_) => (3..4096).collect(),
    };
    for fd in fds {
        if fd > 2 && fd as u32 != keep {
            // SAFETY: closing a descriptor this process inherited and never uses.
            unsafe { libc::close(fd) };
        }
    }
}
