//! What the inet drivers send to processes (OTP's `inet_async_*`, `tcp_message`,
//! `packet_*_message`): the data term in the socket's mode (a list, a binary, or `header`
//! bytes as list elements before a binary), the framing of received bytes into packets by
//! `{packet, _}` (OTP's `packet_get_length`, shared with `erlang:decode_packet/3`), and the
//! messages `{inet_async, S, Ref, Status}`, `{inet_reply, S, Status}`, `{tcp, S, Data}`,
//! `{http, S, Packet}`, `{tcp_closed, S}`, `{tcp_error, S, Reason}`, `{tcp_passive, S}`,
//! `{udp, S, IP, Port, Data}`.

use super::options::{Options, PacketType};
use super::request::errno_name;
use super::socket::{Errno, SockAddr};
use erts::atom;
use erts::bif::packet::{http_term, packet_length, Kind, Len};
use erts::heap::Heap;
use erts::port::PortCore;
use erts::process::signals::OwnedTerm;
use erts::term::{boxed, Term};

fn am(name: &str) -> Term {
    Term::atom(atom::atom(name))
}

fn byte_list(h: &mut Heap, bytes: &[u8], tail: Term) -> Term {
    let items: Vec<Term> = bytes.iter().map(|&b| Term::small(b as i64)).collect();
    boxed::list_with_tail(h, &items, tail)
}

/// `Data` as the socket's `mode` and `header` say; `prefix` (a UDP sender's address) goes
/// first as list elements.
pub fn data_term(h: &mut Heap, binary: bool, header: usize, prefix: &[u8], data: &[u8]) -> Term {
    if !binary {
        let tail = byte_list(h, data, Term::NIL);
        return byte_list(h, prefix, tail);
    }
    let hdr = header.min(data.len());
    let tail = if data.len() > hdr || hdr == 0 {
        boxed::binary(h, &data[hdr..])
    } else {
        Term::NIL
    };
    let tail = byte_list(h, &data[..hdr], tail);
    byte_list(h, prefix, tail)
}

/// `{error, Reason}` for an errno (or a reason atom).
pub fn error_term(h: &mut Heap, reason: &str) -> Term {
    boxed::tuple(h, &[Term::atom(atom::ERROR), am(reason)])
}

/// Sends `{inet_async, S, Ref, Status}` to `to`; `status` builds the status term.
pub fn inet_async(
    core: &mut PortCore,
    to: u64,
    reference: u16,
    status: impl FnOnce(&mut Heap) -> Term,
) {
    let port = core.port_term();
    core.send_to(
        to,
        OwnedTerm::build(|h| {
            let st = status(h);
            boxed::tuple(
                h,
                &[am("inet_async"), port, Term::small(reference as i64), st],
            )
        }),
    );
}

/// `{inet_async, S, Ref, {error, Reason}}`.
pub fn inet_async_error(core: &mut PortCore, to: u64, reference: u16, reason: &str) {
    inet_async(core, to, reference, |h| error_term(h, reason));
}

/// `{inet_reply, S, ok}` or `{inet_reply, S, {error, Reason}}`.
pub fn inet_reply(core: &mut PortCore, to: u64, result: Result<(), &str>) {
    let port = core.port_term();
    core.send_to(
        to,
        OwnedTerm::build(|h| {
            let st = match result {
                Ok(()) => Term::atom(atom::OK),
                Err(r) => error_term(h, r),
            };
            boxed::tuple(h, &[am("inet_reply"), port, st])
        }),
    );
}

/// The reason atom of an errno.
pub fn reason(e: Errno) -> &'static str {
    errno_name(e)
}

/// A message to the connected process about the socket: `{Tag, S}`.
pub fn socket_event(core: &mut PortCore, tag: &str) {
    let port = core.port_term();
    let tag = am(tag);
    core.send_to_connected(|h| boxed::tuple(h, &[tag, port]));
}

/// `{tcp_error, S, Reason}` / `{udp_error, S, Reason}`.
pub fn socket_error(core: &mut PortCore, tag: &str, reason: &str) {
    let port = core.port_term();
    let (tag, reason) = (am(tag), am(reason));
    core.send_to_connected(|h| boxed::tuple(h, &[tag, port, reason]));
}

/// One received packet: the raw bytes, or a parsed HTTP line.
pub enum Packet<'a> {
    Bytes(&'a [u8]),
    Http {
        line: &'a [u8],
        headers: bool,
        bin: bool,
    },
}

impl Packet<'_> {
    /// The packet's size in bytes (for the statistics).
    pub fn size(&self) -> usize {
        match self {
            Packet::Bytes(b) => b.len(),
            Packet::Http { line, .. } => line.len(),
        }
    }
    /// The packet as a term in the socket's mode.
    pub fn term(&self, h: &mut Heap, opts: &Options) -> Term {
        match *self {
            Packet::Bytes(b) => data_term(h, opts.binary, opts.header, &[], b),
            Packet::Http { line, headers, bin } => http_term(h, line, headers, bin),
        }
    }
    /// Whether it is an HTTP packet (delivered as `{http, S, P}`).
    pub fn is_http(&self) -> bool {
        matches!(self, Packet::Http { .. })
    }
}

/// The framing of the next packet in a receive buffer.
pub enum Frame {
    /// Not complete: at least this many bytes are wanted in all (0 = unknown).
    More(usize),
    /// The packet is malformed or above `packet_size` (`emsgsize`).
    Invalid,
    /// A packet: the bytes consumed from the buffer, and where its body is.
    Packet {
        consumed: usize,
        body: std::ops::Range<usize>,
    },
}

/// Frames the first packet of `buf` for a stream socket. `want` is a raw `recv(S, N)`
/// length (0 = whatever there is).
pub fn frame(opts: &Options, buf: &[u8], want: usize, http_headers: bool) -> Frame {
    let Some(kind) = opts.packet.kind() else {
        if buf.is_empty() {
            return Frame::More(want.max(1));
        }
        if want > 0 {
            if buf.len() < want {
                return Frame::More(want);
            }
            return Frame::Packet {
                consumed: want,
                body: 0..want,
            };
        }
        return Frame::Packet {
            consumed: buf.len(),
            body: 0..buf.len(),
        };
    };
    let kind = match kind {
        Kind::Http { bin, .. }
            if opts.packet != PacketType(11) && opts.packet != PacketType(14) =>
        {
            Kind::Http {
                headers: http_headers,
                bin,
            }
        }
        k => k,
    };
    if buf.is_empty() {
        return Frame::More(1);
    }
    match packet_length(kind, buf, opts.packet_size as usize, 0, opts.line_delim) {
        Len::More => Frame::More(0),
        Len::Invalid => Frame::Invalid,
        Len::Total(n) if n > buf.len() => Frame::More(n),
        Len::Total(n) => {
            let body = match kind {
                Kind::Length(h) => h..n,
                _ => 0..n,
            };
            Frame::Packet { consumed: n, body }
        }
    }
}

/// Whether the packet type parses HTTP (`http`, `httph`, `http_bin`, `httph_bin`).
pub fn http_kind(opts: &Options) -> Option<bool> {
    match opts.packet.kind() {
        Some(Kind::Http { bin, .. }) => Some(bin),
        _ => None,
    }
}

/// The sender's address as the list elements before a UDP datagram's data.
pub fn addr_prefix(a: &SockAddr) -> Vec<u8> {
    let mut v = Vec::with_capacity(19);
    super::request::put_addr(&mut v, a);
    v
}

/// The IP tuple of an address.
pub fn ip_term(h: &mut Heap, a: &SockAddr) -> Term {
    match a {
        SockAddr::V4 { ip, .. } => {
            let e: Vec<Term> = ip.iter().map(|&b| Term::small(b as i64)).collect();
            boxed::tuple(h, &e)
        }
        SockAddr::V6 { ip, .. } => {
            let e: Vec<Term> = ip
                .chunks(2)
                .map(|c| Term::small(u16::from_be_bytes([c[0], c[1]]) as i64))
                .collect();
            boxed::tuple(h, &e)
        }
    }
}
