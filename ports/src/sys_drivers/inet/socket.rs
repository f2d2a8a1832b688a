//! The socket system calls the inet drivers make (OTP's `sock_*` macros of `inet_drv.c`):
//! every `unsafe` block of the inet drivers lives here. Sockets are non-blocking and
//! close-on-exec; each call returns the errno on failure.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

/// An errno value.
pub type Errno = i32;

fn last_errno() -> Errno {
    std::io::Error::last_os_error()
        .raw_os_error()
        .unwrap_or(libc::EIO)
}

/// Turns a `-1`-on-failure return into the errno.
fn check(r: libc::c_int) -> Result<libc::c_int, Errno> {
    if r < 0 {
        Err(last_errno())
    } else {
        Ok(r)
    }
}

fn check_size(r: libc::ssize_t) -> Result<usize, Errno> {
    if r < 0 {
        Err(last_errno())
    } else {
        Ok(r as usize)
    }
}

/// An IPv4 or IPv6 socket address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SockAddr {
    V4 {
        ip: [u8; 4],
        port: u16,
    },
    V6 {
        ip: [u8; 16],
        port: u16,
        flowinfo: u32,
        scope_id: u32,
    },
}

impl SockAddr {
    pub fn port(&self) -> u16 {
        match self {
            SockAddr::V4 { port, .. } | SockAddr::V6 { port, .. } => *port,
        }
    }

    fn to_raw(self) -> (libc::sockaddr_storage, libc::socklen_t) {
        // SAFETY: sockaddr_storage is plain old data; all zeroes is a valid value.
        let mut st: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
        match self {
            SockAddr::V4 { ip, port } => {
                let sin = libc::sockaddr_in {
                    sin_family: libc::AF_INET as libc::sa_family_t,
                    sin_port: port.to_be(),
                    sin_addr: libc::in_addr {
                        s_addr: u32::from_ne_bytes(ip),
                    },
                    sin_zero: [0; 8],
                };
                // SAFETY: sockaddr_storage is larger than and aligned for sockaddr_in.
                unsafe { std::ptr::write(&mut st as *mut _ as *mut libc::sockaddr_in, sin) };
                (
                    st,
                    std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
                )
            }
            SockAddr::V6 {
                ip,
                port,
                flowinfo,
                scope_id,
            } => {
                let sin6 = libc::sockaddr_in6 {
                    sin6_family: libc::AF_INET6 as libc::sa_family_t,
                    sin6_port: port.to_be(),
                    sin6_flowinfo: flowinfo.to_be(),
                    sin6_addr: libc::in6_addr { s6_addr: ip },
                    sin6_scope_id: scope_id,
                };
                // SAFETY: sockaddr_storage is larger than and aligned for sockaddr_in6.
                unsafe { std::ptr::write(&mut st as *mut _ as *mut libc::sockaddr_in6, sin6) };
                (
                    st,
                    std::mem::size_of::<libc::sockaddr_in6>() as libc::socklen_t,
                )
            }
        }
    }

    fn from_raw(st: &libc::sockaddr_storage) -> Option<SockAddr> {
        match st.ss_family as libc::c_int {
            libc::AF_INET => {
                // SAFETY: the family says the storage holds a sockaddr_in.
                let sin = unsafe { &*(st as *const _ as *const libc::sockaddr_in) };
                Some(SockAddr::V4 {
                    ip: sin.sin_addr.s_addr.to_ne_bytes(),
                    port: u16::from_be(sin.sin_port),
                })
            }
            libc::AF_INET6 => {
                // SAFETY: the family says the storage holds a sockaddr_in6.
                let sin6 = unsafe { &*(st as *const _ as *const libc::sockaddr_in6) };
                Some(SockAddr::V6 {
                    ip: sin6.sin6_addr.s6_addr,
                    port: u16::from_be(sin6.sin6_port),
                    flowinfo: u32::from_be(sin6.sin6_flowinfo),
                    scope_id: sin6.sin6_scope_id,
                })
            }
            _ => None,
        }
    }
}

/// `socket(2)`: a non-blocking, close-on-exec socket.
pub fn open(domain: libc::c_int, ty: libc::c_int) -> Result<OwnedFd, Errno> {
    // SAFETY: plain system call with integer arguments.
    let fd =
        check(unsafe { libc::socket(domain, ty | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC, 0) })?;
    // SAFETY: socket just returned this descriptor, owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

pub fn bind(fd: RawFd, addr: SockAddr) -> Result<(), Errno> {
    let (st, len) = addr.to_raw();
    // SAFETY: `st` holds a valid address of `len` bytes.
    check(unsafe { libc::bind(fd, &st as *const _ as *const libc::sockaddr, len) }).map(|_| ())
}

pub fn listen(fd: RawFd, backlog: i32) -> Result<(), Errno> {
    // SAFETY: plain system call with integer arguments.
    check(unsafe { libc::listen(fd, backlog) }).map(|_| ())
}

/// `connect(2)` on a non-blocking socket: `Err(EINPROGRESS)` while it goes on.
pub fn connect(fd: RawFd, addr: SockAddr) -> Result<(), Errno> {
    let (st, len) = addr.to_raw();
    // SAFETY: `st` holds a valid address of `len` bytes.
    check(unsafe { libc::connect(fd, &st as *const _ as *const libc::sockaddr, len) }).map(|_| ())
}

/// `accept4(2)`: the new socket is non-blocking and close-on-exec.
pub fn accept(fd: RawFd) -> Result<OwnedFd, Errno> {
    // SAFETY: null address pointers are allowed (the peer's address is not wanted).
    let s = check(unsafe {
        libc::accept4(
            fd,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
        )
    })?;
    // SAFETY: accept4 just returned this descriptor, owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(s) })
}

fn name_with(
    fd: RawFd,
    f: unsafe extern "C" fn(libc::c_int, *mut libc::sockaddr, *mut libc::socklen_t) -> libc::c_int,
) -> Result<SockAddr, Errno> {
    // SAFETY: sockaddr_storage is plain old data; all zeroes is a valid value.
    let mut st: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    // SAFETY: `st` has room for `len` bytes, which the call updates.
    check(unsafe { f(fd, &mut st as *mut _ as *mut libc::sockaddr, &mut len) })?;
    SockAddr::from_raw(&st).ok_or(libc::EAFNOSUPPORT)
}

pub fn sockname(fd: RawFd) -> Result<SockAddr, Errno> {
    name_with(fd, libc::getsockname)
}

pub fn peername(fd: RawFd) -> Result<SockAddr, Errno> {
    name_with(fd, libc::getpeername)
}

/// `send(2)` without SIGPIPE.
pub fn send(fd: RawFd, data: &[u8]) -> Result<usize, Errno> {
    // SAFETY: `data` is a valid buffer of its length.
    check_size(unsafe {
        libc::send(
            fd,
            data.as_ptr() as *const libc::c_void,
            data.len(),
            libc::MSG_NOSIGNAL,
        )
    })
}

/// `sendto(2)` (`None`: the connected peer).
pub fn send_to(fd: RawFd, data: &[u8], to: Option<SockAddr>) -> Result<usize, Errno> {
    match to {
        None => send(fd, data),
        Some(a) => {
            let (st, len) = a.to_raw();
            // SAFETY: `data` is a valid buffer; `st` holds a valid address of `len` bytes.
            check_size(unsafe {
                libc::sendto(
                    fd,
                    data.as_ptr() as *const libc::c_void,
                    data.len(),
                    libc::MSG_NOSIGNAL,
                    &st as *const _ as *const libc::sockaddr,
                    len,
                )
            })
        }
    }
}

/// `recv(2)` into `buf`; `Ok(0)` is end of stream.
pub fn recv(fd: RawFd, buf: &mut [u8]) -> Result<usize, Errno> {
    // SAFETY: `buf` is a valid writable buffer of its length.
    check_size(unsafe { libc::recv(fd, buf.as_mut_ptr() as *mut libc::c_void, buf.len(), 0) })
}

/// `recvfrom(2)`: the datagram's length (truncated to `buf`) and its sender.
pub fn recv_from(fd: RawFd, buf: &mut [u8]) -> Result<(usize, Option<SockAddr>), Errno> {
    // SAFETY: sockaddr_storage is plain old data; all zeroes is a valid value.
    let mut st: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    // SAFETY: `buf` is a valid writable buffer; `st` has room for `len` bytes.
    let n = check_size(unsafe {
        libc::recvfrom(
            fd,
            buf.as_mut_ptr() as *mut libc::c_void,
            buf.len(),
            0,
            &mut st as *mut _ as *mut libc::sockaddr,
            &mut len,
        )
    })?;
    Ok((n, SockAddr::from_raw(&st)))
}

pub fn shutdown(fd: RawFd, how: libc::c_int) -> Result<(), Errno> {
    // SAFETY: plain system call with integer arguments.
    check(unsafe { libc::shutdown(fd, how) }).map(|_| ())
}

/// `setsockopt(2)` with an `int` value.
pub fn set_int(fd: RawFd, level: libc::c_int, name: libc::c_int, v: i32) -> Result<(), Errno> {
    // SAFETY: the option value is a valid int of the given size.
    check(unsafe {
        libc::setsockopt(
            fd,
            level,
            name,
            &v as *const i32 as *const libc::c_void,
            std::mem::size_of::<i32>() as libc::socklen_t,
        )
    })
    .map(|_| ())
}

/// `getsockopt(2)` of an `int` value.
pub fn get_int(fd: RawFd, level: libc::c_int, name: libc::c_int) -> Result<i32, Errno> {
    let mut v: i32 = 0;
    let mut len = std::mem::size_of::<i32>() as libc::socklen_t;
    // SAFETY: `v` has room for the `len` bytes the call writes.
    check(unsafe {
        libc::getsockopt(
            fd,
            level,
            name,
            &mut v as *mut i32 as *mut libc::c_void,
            &mut len,
        )
    })?;
    Ok(v)
}

/// `SO_LINGER`: (on, seconds).
pub fn set_linger(fd: RawFd, on: bool, secs: i32) -> Result<(), Errno> {
    let l = libc::linger {
        l_onoff: on as i32,
        l_linger: secs,
    };
    // SAFETY: the option value is a valid linger struct of the given size.
    check(unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            &l as *const libc::linger as *const libc::c_void,
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        )
    })
    .map(|_| ())
}

pub fn get_linger(fd: RawFd) -> Result<(bool, i32), Errno> {
    let mut l = libc::linger {
        l_onoff: 0,
        l_linger: 0,
    };
    let mut len = std::mem::size_of::<libc::linger>() as libc::socklen_t;
    // SAFETY: `l` has room for the `len` bytes the call writes.
    check(unsafe {
        libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            &mut l as *mut libc::linger as *mut libc::c_void,
            &mut len,
        )
    })?;
    Ok((l.l_onoff != 0, l.l_linger))
}

/// The pending error of a socket (`SO_ERROR`), 0 if none.
pub fn take_error(fd: RawFd) -> Errno {
    get_int(fd, libc::SOL_SOCKET, libc::SO_ERROR).unwrap_or_else(|e| e)
}

/// Bytes waiting to be read (`FIONREAD`).
pub fn readable_bytes(fd: &OwnedFd) -> usize {
    let mut n: libc::c_int = 0;
    // SAFETY: FIONREAD writes one int.
    let r = unsafe { libc::ioctl(fd.as_raw_fd(), libc::FIONREAD, &mut n as *mut libc::c_int) };
    if r < 0 {
        0
    } else {
        n.max(0) as usize
    }
}

/// `gethostname(2)`.
pub fn hostname() -> Result<Vec<u8>, Errno> {
    let mut buf = [0u8; 256];
    // SAFETY: `buf` has room for the given length.
    check(unsafe { libc::gethostname(buf.as_mut_ptr() as *mut libc::c_char, buf.len()) })?;
    let end = buf.iter().position(|&c| c == 0).unwrap_or(buf.len());
    Ok(buf[..end].to_vec())
}

/// The names of the network interfaces with an IPv4 address, in the kernel's order
/// (what OTP's `SIOCGIFCONF` lists).
pub fn interface_names() -> Result<Vec<Vec<u8>>, Errno> {
    let mut head: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `head` with a list freed below.
    check(unsafe { libc::getifaddrs(&mut head) })?;
    let mut names: Vec<Vec<u8>> = Vec::new();
    let mut p = head;
    // SAFETY: the list is valid until freeifaddrs; each entry's name is a NUL-terminated
    // string and its address, when not null, starts with a family field.
    unsafe {
        while !p.is_null() {
            let a = (*p).ifa_addr;
            if !a.is_null() && (*a).sa_family as libc::c_int == libc::AF_INET {
                let n = std::ffi::CStr::from_ptr((*p).ifa_name).to_bytes().to_vec();
                if !names.contains(&n) {
                    names.push(n);
                }
            }
            p = (*p).ifa_next;
        }
        libc::freeifaddrs(head);
    }
    Ok(names)
}
