//! Socket options of the inet drivers (OTP's `inet_set_opts`/`inet_fill_opts`): the
//! driver-level options (`INET_LOPT_*`: active, packet, mode, header, deliver, buffer,
//! exit_on_close, watermarks, ...) kept in [`Options`], and the socket-level ones
//! (`INET_OPT_*`) passed to `setsockopt`/`getsockopt`. Encodings are `prim_inet`'s: an
//! option byte, then 32-bit big-endian values.

use super::request::{BadRequest, Reader};
use super::socket::{self, Errno};
use erts::bif::packet::Kind;
use std::os::fd::RawFd;

const OPT_REUSEADDR: u8 = 0;
const OPT_KEEPALIVE: u8 = 1;
const OPT_DONTROUTE: u8 = 2;
const OPT_LINGER: u8 = 3;
const OPT_BROADCAST: u8 = 4;
const OPT_OOBINLINE: u8 = 5;
const OPT_SNDBUF: u8 = 6;
const OPT_RCVBUF: u8 = 7;
const OPT_PRIORITY: u8 = 8;
const OPT_TOS: u8 = 9;
const TCP_OPT_NODELAY: u8 = 10;
const UDP_OPT_MULTICAST_TTL: u8 = 12;
const UDP_OPT_MULTICAST_LOOP: u8 = 13;
const OPT_IPV6_V6ONLY: u8 = 16;
const LOPT_BUFFER: u8 = 20;
const LOPT_HEADER: u8 = 21;
const LOPT_ACTIVE: u8 = 22;
const LOPT_PACKET: u8 = 23;
const LOPT_MODE: u8 = 24;
const LOPT_DELIVER: u8 = 25;
const LOPT_EXITONCLOSE: u8 = 26;
const LOPT_TCP_HIWTRMRK: u8 = 27;
const LOPT_TCP_LOWTRMRK: u8 = 28;
const LOPT_TCP_SEND_TIMEOUT: u8 = 30;
const LOPT_TCP_DELAY_SEND: u8 = 31;
const LOPT_PACKET_SIZE: u8 = 32;
const LOPT_READ_PACKETS: u8 = 33;
const LOPT_TCP_SEND_TIMEOUT_CLOSE: u8 = 35;
const LOPT_MSGQ_HIWTRMRK: u8 = 36;
const LOPT_MSGQ_LOWTRMRK: u8 = 37;
const LOPT_TCP_SHOW_ECONNRESET: u8 = 39;
const LOPT_LINE_DELIM: u8 = 40;
const OPT_TCLASS: u8 = 41;
const OPT_RECVTOS: u8 = 43;
const OPT_RECVTCLASS: u8 = 44;
const OPT_TTL: u8 = 46;
const OPT_RECVTTL: u8 = 47;
const TCP_OPT_NOPUSH: u8 = 48;
const OPT_DEBUG: u8 = 99;

const ACTIVE_PASSIVE: u32 = 0;
const ACTIVE_TRUE: u32 = 1;
const ACTIVE_ONCE: u32 = 2;
const ACTIVE_MULTI: u32 = 3;

/// `{active, _}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Active {
    Passive,
    True,
    Once,
    /// `{active, N}`: messages left before the socket turns passive.
    Multi(i32),
}

/// `{packet, _}` as the driver's code (`TCP_PB_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PacketType(pub u32);

impl PacketType {
    pub const RAW: PacketType = PacketType(0);
    /// The framing for [`erts::bif::packet::packet_length`]; `None` for raw.
    pub fn kind(self) -> Option<Kind> {
        Some(match self.0 {
            1 => Kind::Length(1),
            2 => Kind::Length(2),
            3 => Kind::Length(4),
            4 => Kind::Asn1,
            5 => Kind::Sunrm,
            6 => Kind::Cdr,
            7 => Kind::Fcgi,
            8 => Kind::Line,
            9 => Kind::Tpkt,
            10 => Kind::Http {
                headers: false,
                bin: false,
            },
            11 => Kind::Http {
                headers: true,
                bin: false,
            },
            // `ssl_tls` is framed as raw by this driver.
            12 => return None,
            13 => Kind::Http {
                headers: false,
                bin: true,
            },
            14 => Kind::Http {
                headers: true,
                bin: true,
            },
            _ => return None,
        })
    }
    /// The length of the packet header a send adds (`{packet, 1|2|4}`).
    pub fn send_header(self) -> usize {
        match self.0 {
            1 => 1,
            2 => 2,
            3 => 4,
            _ => 0,
        }
    }
}

/// Which driver the options are for (some apply to one protocol only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proto {
    Tcp,
    Udp,
}

/// The driver-level options of a socket.
#[derive(Clone, Debug)]
pub struct Options {
    pub active: Active,
    pub binary: bool,
    pub header: usize,
    /// `{deliver, term}` (else `port`: `{S, {data, D}}`).
    pub deliver_term: bool,
    pub packet: PacketType,
    pub packet_size: u32,
    pub line_delim: u8,
    pub exit_on_close: bool,
    /// `{buffer, N}`: the size of a read.
    pub buffer: usize,
    /// `buffer` was set explicitly (else `recbuf` raises it).
    pub buffer_set: bool,
    pub high_watermark: usize,
    pub low_watermark: usize,
    pub high_msgq_watermark: u32,
    pub low_msgq_watermark: u32,
    pub send_timeout: Option<u64>,
    pub send_timeout_close: bool,
    pub delay_send: bool,
    pub show_econnreset: bool,
    pub read_packets: u32,
    pub debug: bool,
}

impl Options {
    pub fn new(proto: Proto) -> Self {
        Options {
            active: Active::True,
            binary: false,
            header: 0,
            deliver_term: true,
            packet: PacketType::RAW,
            packet_size: 0,
            line_delim: b'\n',
            exit_on_close: true,
            buffer: 1460,
            buffer_set: false,
            high_watermark: 8192,
            low_watermark: 4096,
            high_msgq_watermark: 8192,
            low_msgq_watermark: 4096,
            send_timeout: None,
            send_timeout_close: false,
            delay_send: false,
            show_econnreset: false,
            read_packets: if proto == Proto::Udp { 5 } else { 0 },
            debug: false,
        }
    }
}

/// What a `setopts` changed that the driver must act on.
#[derive(Default, Debug, Clone, Copy)]
pub struct Changed {
    /// The active mode changed (reading may start or stop).
    pub active: bool,
    /// `{active, N}` reached zero: `{tcp_passive, S}` is due.
    pub passive_message: bool,
    /// Watermarks changed (the busy state is to be checked).
    pub watermarks: bool,
    /// Framing changed (buffered data may now form packets).
    pub framing: bool,
}

fn bool32(v: u32) -> bool {
    v != 0
}

fn level_of(opt: u8, inet6: bool) -> Option<(libc::c_int, libc::c_int)> {
    let ip = if inet6 {
        libc::IPPROTO_IPV6
    } else {
        libc::IPPROTO_IP
    };
    Some(match opt {
        OPT_REUSEADDR => (libc::SOL_SOCKET, libc::SO_REUSEADDR),
        OPT_KEEPALIVE => (libc::SOL_SOCKET, libc::SO_KEEPALIVE),
        OPT_DONTROUTE => (libc::SOL_SOCKET, libc::SO_DONTROUTE),
        OPT_BROADCAST => (libc::SOL_SOCKET, libc::SO_BROADCAST),
        OPT_OOBINLINE => (libc::SOL_SOCKET, libc::SO_OOBINLINE),
        OPT_SNDBUF => (libc::SOL_SOCKET, libc::SO_SNDBUF),
        OPT_RCVBUF => (libc::SOL_SOCKET, libc::SO_RCVBUF),
        OPT_PRIORITY => (libc::SOL_SOCKET, libc::SO_PRIORITY),
        OPT_TOS => (libc::IPPROTO_IP, libc::IP_TOS),
        OPT_TTL => (libc::IPPROTO_IP, libc::IP_TTL),
        OPT_RECVTOS => (libc::IPPROTO_IP, libc::IP_RECVTOS),
        OPT_RECVTTL => (libc::IPPROTO_IP, libc::IP_RECVTTL),
        OPT_TCLASS => (libc::IPPROTO_IPV6, libc::IPV6_TCLASS),
        OPT_RECVTCLASS => (libc::IPPROTO_IPV6, libc::IPV6_RECVTCLASS),
        TCP_OPT_NODELAY => (libc::IPPROTO_TCP, libc::TCP_NODELAY),
        TCP_OPT_NOPUSH => (libc::IPPROTO_TCP, libc::TCP_CORK),
        UDP_OPT_MULTICAST_TTL if inet6 => (ip, libc::IPV6_MULTICAST_HOPS),
        UDP_OPT_MULTICAST_TTL => (ip, libc::IP_MULTICAST_TTL),
        UDP_OPT_MULTICAST_LOOP if inet6 => (ip, libc::IPV6_MULTICAST_LOOP),
        UDP_OPT_MULTICAST_LOOP => (ip, libc::IP_MULTICAST_LOOP),
        OPT_IPV6_V6ONLY => (libc::IPPROTO_IPV6, libc::IPV6_V6ONLY),
        _ => return None,
    })
}

/// Options that exist for one protocol only: skipped (set) or left out (get) on the other.
fn foreign(opt: u8, proto: Proto, inet6: bool) -> bool {
    let other = match proto {
        Proto::Tcp => matches!(
            opt,
            LOPT_READ_PACKETS | UDP_OPT_MULTICAST_TTL | UDP_OPT_MULTICAST_LOOP
        ),
        Proto::Udp => matches!(
            opt,
            LOPT_TCP_HIWTRMRK
                | LOPT_TCP_LOWTRMRK
                | LOPT_TCP_SEND_TIMEOUT
                | LOPT_TCP_SEND_TIMEOUT_CLOSE
                | LOPT_TCP_DELAY_SEND
                | LOPT_TCP_SHOW_ECONNRESET
                | TCP_OPT_NODELAY
                | TCP_OPT_NOPUSH
        ),
    };
    other || (opt == OPT_IPV6_V6ONLY && !inet6)
}

/// The socket a `setopts`/`getopts` works on.
pub struct Target {
    pub fd: Option<RawFd>,
    pub proto: Proto,
    pub inet6: bool,
}

impl Options {
    /// `INET_REQ_SETOPTS`: applies each option in order; the first bad one ends it with
    /// `einval` (what was applied before stays, as in OTP).
    pub fn set(&mut self, t: &Target, bytes: &[u8]) -> Result<Changed, Errno> {
        let mut r = Reader::new(bytes);
        let mut ch = Changed::default();
        while !r.is_empty() {
            self.set_one(t, &mut r, &mut ch)
                .map_err(|e| e.unwrap_or(libc::EINVAL))?;
        }
        Ok(ch)
    }

    fn set_one(
        &mut self,
        t: &Target,
        r: &mut Reader<'_>,
        ch: &mut Changed,
    ) -> Result<(), Option<Errno>> {
        let bad = |_: BadRequest| None;
        let opt = r.u8().map_err(bad)?;
        if opt == OPT_LINGER {
            let on = bool32(r.u32().map_err(bad)?);
            let secs = r.i32().map_err(bad)?;
            if let Some(fd) = t.fd {
                socket::set_linger(fd, on, secs).map_err(Some)?;
            }
            return Ok(());
        }
        let v = r.u32().map_err(bad)?;
        if foreign(opt, t.proto, t.inet6) {
            return Ok(());
        }
        match opt {
            LOPT_ACTIVE => {
                let before = self.active;
                match v {
                    ACTIVE_PASSIVE => self.active = Active::Passive,
                    ACTIVE_TRUE => self.active = Active::True,
                    ACTIVE_ONCE => self.active = Active::Once,
                    ACTIVE_MULTI => {
                        let n = r.u16().map_err(bad)? as i16 as i32;
                        let cur = match self.active {
                            Active::Multi(c) => c,
                            _ => 0,
                        };
                        let sum = cur + n;
                        if sum > i16::MAX as i32 {
                            return Err(None);
                        }
                        if sum <= 0 {
                            self.active = Active::Passive;
                            ch.passive_message = true;
                        } else {
                            self.active = Active::Multi(sum);
                        }
                    }
                    _ => return Err(None),
                }
                ch.active |= before != self.active || ch.passive_message;
            }
            LOPT_BUFFER => {
                let n = v as i32;
                if n < 0 {
                    return Err(None);
                }
                self.buffer = (n as usize).max(1);
                self.buffer_set = true;
            }
            LOPT_HEADER => {
                self.header = v as usize;
                ch.framing = true;
            }
            LOPT_PACKET => {
                if v > 14 {
                    return Err(None);
                }
                self.packet = PacketType(v);
                ch.framing = true;
            }
            LOPT_MODE => {
                self.binary = match v {
                    0 => false,
                    1 => true,
                    _ => return Err(None),
                }
            }
            LOPT_DELIVER => {
                self.deliver_term = match v {
                    0 => false,
                    1 => true,
                    _ => return Err(None),
                }
            }
            LOPT_EXITONCLOSE => self.exit_on_close = bool32(v),
            LOPT_TCP_HIWTRMRK => {
                self.high_watermark = (v as i32).max(0) as usize;
                if self.low_watermark > self.high_watermark {
                    self.low_watermark = self.high_watermark;
                }
                ch.watermarks = true;
            }
            LOPT_TCP_LOWTRMRK => {
                self.low_watermark = (v as i32).max(0) as usize;
                if self.high_watermark < self.low_watermark {
                    self.high_watermark = self.low_watermark;
                }
                ch.watermarks = true;
            }
            LOPT_MSGQ_HIWTRMRK => {
                self.high_msgq_watermark = v.max(1);
                if self.low_msgq_watermark > self.high_msgq_watermark {
                    self.low_msgq_watermark = self.high_msgq_watermark;
                }
            }
            LOPT_MSGQ_LOWTRMRK => {
                self.low_msgq_watermark = v.max(1);
                if self.high_msgq_watermark < self.low_msgq_watermark {
                    self.high_msgq_watermark = self.low_msgq_watermark;
                }
            }
            LOPT_TCP_SEND_TIMEOUT => {
                let t = v as i32;
                self.send_timeout = (t >= 0).then_some(t as u64);
            }
            LOPT_TCP_SEND_TIMEOUT_CLOSE => self.send_timeout_close = bool32(v),
            LOPT_TCP_DELAY_SEND => self.delay_send = bool32(v),
            LOPT_TCP_SHOW_ECONNRESET => self.show_econnreset = bool32(v),
            LOPT_PACKET_SIZE => {
                self.packet_size = v;
                ch.framing = true;
            }
            LOPT_READ_PACKETS => {
                if v == 0 {
                    return Err(None);
                }
                self.read_packets = v;
            }
            LOPT_LINE_DELIM => {
                self.line_delim = v as u8;
                ch.framing = true;
            }
            OPT_DEBUG => self.debug = bool32(v),
            _ => {
                let Some((level, name)) = level_of(opt, t.inet6) else {
                    return Err(None);
                };
                if let Some(fd) = t.fd {
                    socket::set_int(fd, level, name, v as i32).map_err(Some)?;
                }
                if opt == OPT_RCVBUF && !self.buffer_set && v as usize > self.buffer {
                    self.buffer = v as usize;
                }
            }
        }
        Ok(())
    }

    /// `INET_REQ_GETOPTS`: each asked option's byte and value; options of the other
    /// protocol are left out, unknown ones fail with `einval`.
    pub fn get(&self, t: &Target, bytes: &[u8]) -> Result<Vec<u8>, Errno> {
        let mut out = Vec::new();
        let put = |out: &mut Vec<u8>, opt: u8, v: u32| {
            out.push(opt);
            out.extend_from_slice(&v.to_be_bytes());
        };
        for &opt in bytes {
            if foreign(opt, t.proto, t.inet6) {
                continue;
            }
            match opt {
                LOPT_ACTIVE => match self.active {
                    Active::Passive => put(&mut out, opt, ACTIVE_PASSIVE),
                    Active::True => put(&mut out, opt, ACTIVE_TRUE),
                    Active::Once => put(&mut out, opt, ACTIVE_ONCE),
                    Active::Multi(n) => {
                        put(&mut out, opt, ACTIVE_MULTI);
                        out.extend_from_slice(&(n as i16).to_be_bytes());
                    }
                },
                LOPT_BUFFER => put(&mut out, opt, self.buffer as u32),
                LOPT_HEADER => put(&mut out, opt, self.header as u32),
                LOPT_PACKET => put(&mut out, opt, self.packet.0),
                LOPT_MODE => put(&mut out, opt, self.binary as u32),
                LOPT_DELIVER => put(&mut out, opt, self.deliver_term as u32),
                LOPT_EXITONCLOSE => put(&mut out, opt, self.exit_on_close as u32),
                LOPT_TCP_HIWTRMRK => put(&mut out, opt, self.high_watermark as u32),
                LOPT_TCP_LOWTRMRK => put(&mut out, opt, self.low_watermark as u32),
                LOPT_MSGQ_HIWTRMRK => put(&mut out, opt, self.high_msgq_watermark),
                LOPT_MSGQ_LOWTRMRK => put(&mut out, opt, self.low_msgq_watermark),
                LOPT_TCP_SEND_TIMEOUT => put(
                    &mut out,
                    opt,
                    self.send_timeout.map_or(u32::MAX, |t| t as u32),
                ),
                LOPT_TCP_SEND_TIMEOUT_CLOSE => put(&mut out, opt, self.send_timeout_close as u32),
                LOPT_TCP_DELAY_SEND => put(&mut out, opt, self.delay_send as u32),
                LOPT_TCP_SHOW_ECONNRESET => put(&mut out, opt, self.show_econnreset as u32),
                LOPT_PACKET_SIZE => put(&mut out, opt, self.packet_size),
                LOPT_READ_PACKETS => put(&mut out, opt, self.read_packets),
                OPT_DEBUG => put(&mut out, opt, self.debug as u32),
                OPT_LINGER => {
                    let (on, secs) = match t.fd {
                        Some(fd) => socket::get_linger(fd)?,
                        None => (false, 0),
                    };
                    put(&mut out, opt, on as u32);
                    out.extend_from_slice(&secs.to_be_bytes());
                }
                _ => {
                    let Some((level, name)) = level_of(opt, t.inet6) else {
                        return Err(libc::EINVAL);
                    };
                    let Some(fd) = t.fd else {
                        return Err(libc::EINVAL);
                    };
                    let v = socket::get_int(fd, level, name)?;
                    let v = match opt {
                        // Booleans come back as 0/1.
                        OPT_REUSEADDR
                        | OPT_KEEPALIVE
                        | OPT_DONTROUTE
                        | OPT_BROADCAST
                        | OPT_OOBINLINE
                        | TCP_OPT_NODELAY
                        | TCP_OPT_NOPUSH
                        | UDP_OPT_MULTICAST_LOOP
                        | OPT_IPV6_V6ONLY
                        | OPT_RECVTOS
                        | OPT_RECVTTL
                        | OPT_RECVTCLASS => (v != 0) as i32,
                        _ => v,
                    };
                    put(&mut out, opt, v as u32);
                }
            }
        }
        Ok(out)
    }
}
