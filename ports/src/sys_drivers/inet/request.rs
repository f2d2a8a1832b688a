//! The `port_control/3` protocol of the inet drivers (what `prim_inet:ctl_cmd/3` sends):
//! the request codes (`INET_REQ_*`, `TCP_REQ_*`, `PACKET_REQ_RECV`), the reply byte
//! (`INET_REP_OK`/`INET_REP_ERROR`), a reader of the big-endian argument bytes, and the
//! encoding of socket addresses (`[Family, Port:16, IP...]`).

use super::socket::{Errno, SockAddr};

/// Added to every request code (`ERTS_INET_DRV_CONTROL_MAGIC_NUMBER`).
pub const MAGIC: u32 = 0x03f1_a300;

pub const REQ_OPEN: u32 = 1;
pub const REQ_CLOSE: u32 = 2;
pub const REQ_CONNECT: u32 = 3;
pub const REQ_PEER: u32 = 4;
pub const REQ_NAME: u32 = 5;
pub const REQ_BIND: u32 = 6;
pub const REQ_SETOPTS: u32 = 7;
pub const REQ_GETOPTS: u32 = 8;
pub const REQ_GETSTAT: u32 = 11;
pub const REQ_GETHOSTNAME: u32 = 12;
pub const REQ_FDOPEN: u32 = 13;
pub const REQ_GETFD: u32 = 14;
pub const REQ_GETTYPE: u32 = 15;
pub const REQ_GETSTATUS: u32 = 16;
pub const REQ_GETIFLIST: u32 = 21;
pub const REQ_SUBSCRIBE: u32 = 24;
pub const REQ_ACCEPT: u32 = 26;
pub const REQ_LISTEN: u32 = 27;
pub const REQ_IGNOREFD: u32 = 28;
pub const TCP_REQ_RECV: u32 = 42;
pub const TCP_REQ_UNRECV: u32 = 43;
pub const TCP_REQ_SHUTDOWN: u32 = 44;
pub const PACKET_REQ_RECV: u32 = 60;

pub const REP_ERROR: u8 = 0;
pub const REP_OK: u8 = 1;

pub const AF_INET: u8 = 1;
pub const AF_INET6: u8 = 2;
pub const AF_ANY: u8 = 3;
pub const AF_LOOPBACK: u8 = 4;

pub const TYPE_STREAM: u8 = 1;
pub const TYPE_DGRAM: u8 = 2;

/// `INET_SUBS_EMPTY_OUT_Q`.
pub const SUBS_EMPTY_OUT_Q: u8 = 1;

/// The address family of a socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    Inet,
    Inet6,
}

impl Family {
    pub fn domain(self) -> libc::c_int {
        match self {
            Family::Inet => libc::AF_INET,
            Family::Inet6 => libc::AF_INET6,
        }
    }
    pub fn code(self) -> u8 {
        match self {
            Family::Inet => AF_INET,
            Family::Inet6 => AF_INET6,
        }
    }
}

/// A malformed request (answered `einval`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadRequest;

/// Reads the argument bytes of a request.
pub struct Reader<'a> {
    b: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(b: &'a [u8]) -> Self {
        Reader { b }
    }
    pub fn rest(&self) -> &'a [u8] {
        self.b
    }
    pub fn is_empty(&self) -> bool {
        self.b.is_empty()
    }
    pub fn bytes(&mut self, n: usize) -> Result<&'a [u8], BadRequest> {
        if self.b.len() < n {
            return Err(BadRequest);
        }
        let (h, t) = self.b.split_at(n);
        self.b = t;
        Ok(h)
    }
    pub fn u8(&mut self) -> Result<u8, BadRequest> {
        Ok(self.bytes(1)?[0])
    }
    pub fn u16(&mut self) -> Result<u16, BadRequest> {
        let b = self.bytes(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }
    pub fn u32(&mut self) -> Result<u32, BadRequest> {
        let b = self.bytes(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    pub fn i32(&mut self) -> Result<i32, BadRequest> {
        Ok(self.u32()? as i32)
    }
    /// A timeout in milliseconds (`-1` = infinity).
    pub fn timeout(&mut self) -> Result<Option<u64>, BadRequest> {
        let t = self.i32()?;
        Ok((t >= 0).then_some(t as u64))
    }

    /// An address as `prim_inet:enc_value(set, addr, _)` writes it, for a socket of
    /// `family` (`any` and `loopback` take the socket's family).
    pub fn addr(&mut self, family: Family) -> Result<SockAddr, AddrError> {
        let f = self.u8().map_err(|_| AddrError::Bad)?;
        let port = self.u16().map_err(|_| AddrError::Bad)?;
        match (f, family) {
            (AF_INET, Family::Inet) => {
                let b = self.bytes(4).map_err(|_| AddrError::Bad)?;
                Ok(SockAddr::V4 {
                    ip: [b[0], b[1], b[2], b[3]],
                    port,
                })
            }
            (AF_INET6, Family::Inet6) => {
                let b = self.bytes(16).map_err(|_| AddrError::Bad)?;
                let flowinfo = self.u32().map_err(|_| AddrError::Bad)?;
                let scope_id = self.u32().map_err(|_| AddrError::Bad)?;
                let mut ip = [0; 16];
                ip.copy_from_slice(b);
                Ok(SockAddr::V6 {
                    ip,
                    port,
                    flowinfo,
                    scope_id,
                })
            }
            (AF_ANY | AF_LOOPBACK, _) => {
                let lo = f == AF_LOOPBACK;
                Ok(match family {
                    Family::Inet => SockAddr::V4 {
                        ip: if lo { [127, 0, 0, 1] } else { [0; 4] },
                        port,
                    },
                    Family::Inet6 => {
                        let mut ip = [0; 16];
                        if lo {
                            ip[15] = 1;
                        }
                        SockAddr::V6 {
                            ip,
                            port,
                            flowinfo: 0,
                            scope_id: 0,
                        }
                    }
                })
            }
            (AF_INET | AF_INET6, _) => Err(AddrError::Family),
            _ => Err(AddrError::Bad),
        }
    }
}

/// Why an address could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddrError {
    /// Malformed (`einval`).
    Bad,
    /// Of another family than the socket's (`eafnosupport`).
    Family,
}

impl AddrError {
    pub fn errno(self) -> Errno {
        match self {
            AddrError::Bad => libc::EINVAL,
            AddrError::Family => libc::EAFNOSUPPORT,
        }
    }
}

/// Appends `[Family, Port:16, IP...]` (what `prim_inet:get_addr/2` reads).
pub fn put_addr(out: &mut Vec<u8>, a: &SockAddr) {
    match a {
        SockAddr::V4 { ip, port } => {
            out.push(AF_INET);
            out.extend_from_slice(&port.to_be_bytes());
            out.extend_from_slice(ip);
        }
        SockAddr::V6 { ip, port, .. } => {
            out.push(AF_INET6);
            out.extend_from_slice(&port.to_be_bytes());
            out.extend_from_slice(ip);
        }
    }
}

/// The reply of a request.
pub type Reply = Result<Vec<u8>, Errno>;

/// Writes a reply: `[INET_REP_OK | Data]` or `[INET_REP_ERROR | "errno atom"]`.
pub fn write_reply(out: &mut Vec<u8>, r: Reply) {
    match r {
        Ok(data) => {
            out.push(REP_OK);
            out.extend_from_slice(&data);
        }
        Err(e) => {
            out.push(REP_ERROR);
            out.extend_from_slice(errno_name(e).as_bytes());
        }
    }
}

/// The errno as OTP's inet driver names it (`erl_errno_id`), with the driver's own
/// pseudo-errors.
pub fn errno_name(e: Errno) -> &'static str {
    match e {
        EXBADPORT => "exbadport",
        EXBADSEQ => "exbadseq",
        _ => erts::errno::errno_id(e),
    }
}

/// A request code the driver does not know, or without the magic number.
pub const EXBADPORT: Errno = -1_000_001;
/// A request out of sequence.
pub const EXBADSEQ: Errno = -1_000_002;

/// An async operation's reference (`{inet_async, S, Ref, _}`) as two bytes.
pub fn ref_reply(r: u16) -> Reply {
    Ok(r.to_be_bytes().to_vec())
}
