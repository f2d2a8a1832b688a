//! `erlang:decode_packet/3` (OTP's `packet_parser.c` and the callbacks of `erl_bif_port.c`):
//! the packet length of each type (`packet_get_length`), then the packet: the body for `1`,
//! `2`, `4`, the whole packet with its header for `raw`, `asn1`, `cdr`, `sunrm`, `fcgi`, `tpkt`
//! and `line`, and the parsed line for `http`/`httph`/`http_bin`/`httph_bin`.

use super::Registry;
use crate::atom;
use crate::exception::{BifResult, Fail};
use crate::heap::Heap;
use crate::process::Process;
use crate::term::boxed;
use crate::term::Term;

pub fn register(r: &mut Registry) {
    r.add("erlang", "decode_packet", 3, decode_packet_3);
}

/// A packet type (`{packet, T}`), shared with the `tcp_inet` driver.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Raw,
    Length(usize),
    Asn1,
    Cdr,
    Sunrm,
    Fcgi,
    Tpkt,
    Line,
    /// `http*`: whether headers are expected (`httph*`), whether strings are binaries.
    Http {
        headers: bool,
        bin: bool,
    },
}

fn tag(p: &mut Process, name: &str, v: Term) -> Term {
    boxed::tuple(&mut p.heap, &[Term::atom(atom::atom(name)), v])
}

/// What `packet_get_length` says.
pub enum Len {
    More,
    Invalid,
    Total(usize),
}

const INT_MAX: usize = i32::MAX as usize;

/// OTP's `remain`: a header of `hlen` bytes and a body of `plen`, against `packet_size`.
fn remain(hlen: usize, plen: usize, max: usize) -> Len {
    let max = if max == 0 { INT_MAX - hlen } else { max };
    if plen > max {
        Len::Invalid
    } else {
        Len::Total(hlen + plen)
    }
}

fn be(b: &[u8]) -> usize {
    b.iter().fold(0usize, |acc, x| (acc << 8) | *x as usize)
}

fn is_sp(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

/// `packet_get_length` (`raw` takes whatever there is): the length of the first packet of
/// `b`, with `max` as `packet_size` and `trunc` as `line_length` (0 = no limit).
pub fn packet_length(kind: Kind, b: &[u8], max: usize, trunc: usize, delimiter: u8) -> Len {
    let n = b.len();
    match kind {
        Kind::Raw => {
            if n == 0 {
                Len::More
            } else {
                Len::Total(n)
            }
        }
        Kind::Length(h) => {
            if n < h {
                Len::More
            } else {
                remain(h, be(&b[..h]), max)
            }
        }
        Kind::Sunrm => {
            if n < 4 {
                Len::More
            } else {
                remain(4, be(&b[..4]) & 0x7fff_ffff, max)
            }
        }
        Kind::Line => match b.iter().position(|c| *c == delimiter) {
            None => {
                if max != 0 && n > max {
                    Len::Invalid
                } else if trunc != 0 && n >= trunc {
                    Len::Total(trunc)
                } else {
                    Len::More
                }
            }
            Some(i) => {
                let len = i + 1;
                if max != 0 && len > max {
                    Len::Invalid
                } else if trunc != 0 && len > trunc {
                    Len::Total(trunc)
                } else {
                    Len::Total(len)
                }
            }
        },
        Kind::Asn1 => {
            if n < 2 {
                return Len::More;
            }
            let mut nn = n - 1;
            let mut t = 1;
            if b[0] & 0x1f == 0x1f {
                // Long tag.
                while nn > 0 && b[t] & 0x80 == 0x80 {
                    t += 1;
                    nn -= 1;
                }
                if nn < 2 {
                    return Len::More;
                }
                t += 1;
                nn -= 1;
            }
            let length = (b[t] & 0x7f) as usize;
            let plen;
            if b[t] & 0x80 == 0x80 {
                t += 1;
                nn -= 1;
                if nn < length {
                    return Len::More;
                }
                if length > 4 {
                    return Len::Invalid;
                }
                plen = be(&b[t..t + length]);
                t += length;
            } else {
                t += 1;
                plen = length;
            }
            remain(t, plen, max)
        }
        Kind::Cdr => {
            if n < 12 {
                return Len::More;
            }
            if &b[..4] != b"GIOP" {
                return Len::Invalid;
            }
            let size = if b[6] & 1 == 1 {
                u32::from_le_bytes([b[8], b[9], b[10], b[11]])
            } else {
                u32::from_be_bytes([b[8], b[9], b[10], b[11]])
            };
            remain(12, size as usize, max)
        }
        Kind::Fcgi => {
            if n < 8 {
                return Len::More;
            }
            if b[0] != 1 {
                return Len::Invalid;
            }
            remain(8, be(&b[4..6]) + b[6] as usize, max)
        }
        Kind::Tpkt => {
            if n < 4 {
                return Len::More;
            }
            if b[0] != 3 {
                return Len::Invalid;
            }
            // An unsigned subtraction in C: a length below 4 wraps to a huge one.
            match be(&b[2..4]).checked_sub(4) {
                Some(plen) => remain(4, plen, max),
                None => Len::Invalid,
            }
        }
        Kind::Http { headers, .. } => {
            if (n == 1 && b[0] == b'\n') || (n == 2 && b == b"\r\n") {
                return Len::Total(n);
            }
            // Old users limit http lines with `line_length`.
            let max = if max == 0 { trunc } else { max };
            let mut from = 0;
            loop {
                let Some(i) = b[from..].iter().position(|c| *c == b'\n') else {
                    if max != 0 && n >= max {
                        return Len::Invalid;
                    }
                    return Len::More;
                };
                let plen = from + i + 1;
                if !headers {
                    if max != 0 && plen > max {
                        return Len::Invalid;
                    }
                    return Len::Total(plen);
                }
                if plen < n {
                    if is_sp(b[plen]) && plen > 2 {
                        // The header's value goes on in the next line.
                        from = plen;
                    } else {
                        if max != 0 && plen > max {
                            return Len::Invalid;
                        }
                        return Len::Total(plen);
                    }
                } else {
                    if max != 0 && plen > max {
                        return Len::Invalid;
                    }
                    return Len::More;
                }
            }
        }
    }
}

fn decode_packet_3(p: &mut Process, a: &[Term]) -> BifResult {
    let http = |headers, bin| Kind::Http { headers, bin };
    let kind = match (a[0].as_small(), a[0].as_atom().map(|x| x.name())) {
        (Some(0), _) | (_, Some("raw")) => Kind::Raw,
        (Some(n @ (1 | 2 | 4)), _) => Kind::Length(n as usize),
        (_, Some("line")) => Kind::Line,
        (_, Some("asn1")) => Kind::Asn1,
        (_, Some("cdr")) => Kind::Cdr,
        (_, Some("sunrm")) => Kind::Sunrm,
        (_, Some("fcgi")) => Kind::Fcgi,
        (_, Some("tpkt")) => Kind::Tpkt,
        (_, Some("http")) => http(false, false),
        (_, Some("httph")) => http(true, false),
        (_, Some("http_bin")) => http(false, true),
        (_, Some("httph_bin")) => http(true, true),
        _ => return Err(Fail::badarg_cause(Term::atom(atom::atom("badopt")))),
    };
    if !a[1].is_binary() {
        return Err(Fail::badarg());
    }
    let (mut packet_size, mut line_length, mut delimiter) = (0usize, 0usize, b'\n');
    for o in boxed::list_to_vec(a[2]).ok_or_else(Fail::badarg)? {
        if !o.is_tuple() || boxed::tuple_arity(o) != 2 {
            return Err(Fail::badarg());
        }
        let v = boxed::tuple_element(o, 1)
            .as_small()
            .filter(|v| *v >= 0)
            .ok_or_else(Fail::badarg)? as usize;
        match boxed::tuple_element(o, 0).as_atom().map(|x| x.name()) {
            Some("packet_size") => packet_size = v,
            Some("line_length") => line_length = v,
            // Only `line` packets take a delimiter.
            Some("line_delimiter") if v <= 255 && kind == Kind::Line => delimiter = v as u8,
            _ => return Err(Fail::badarg()),
        }
    }
    let bytes = boxed::bitstring_view(a[1]).to_vec();
    let len = match packet_length(kind, &bytes, packet_size, line_length, delimiter) {
        Len::More => return Ok(tag(p, "more", Term::atom(atom::UNDEFINED))),
        Len::Invalid => return Ok(tag(p, "error", Term::atom(atom::atom("invalid")))),
        Len::Total(n) if n > bytes.len() => return Ok(tag(p, "more", Term::small(n as i64))),
        Len::Total(n) => n,
    };
    let packet = match kind {
        Kind::Http { headers, bin } => http_term(&mut p.heap, &bytes[..len], headers, bin),
        Kind::Length(h) => boxed::binary(&mut p.heap, &bytes[h..len]),
        // The padding of a FastCGI record is skipped, in neither the packet nor the rest.
        Kind::Fcgi => boxed::binary(&mut p.heap, &bytes[..len - bytes[6] as usize]),
        _ => boxed::binary(&mut p.heap, &bytes[..len]),
    };
    let rest = boxed::binary(&mut p.heap, &bytes[len..]);
    Ok(boxed::tuple(
        &mut p.heap,
        &[Term::atom(atom::OK), packet, rest],
    ))
}

/// The header names OTP knows (`http_hdr_strings`): `{http_header, Index + 1, 'Name', ...}`.
const HEADERS: &[&str] = &[
    "Cache-Control",
    "Connection",
    "Date",
    "Pragma",
    "Transfer-Encoding",
    "Upgrade",
    "Via",
    "Accept",
    "Accept-Charset",
    "Accept-Encoding",
    "Accept-Language",
    "Authorization",
    "From",
    "Host",
    "If-Modified-Since",
    "If-Match",
    "If-None-Match",
    "If-Range",
    "If-Unmodified-Since",
    "Max-Forwards",
    "Proxy-Authorization",
    "Range",
    "Referer",
    "User-Agent",
    "Age",
    "Location",
    "Proxy-Authenticate",
    "Public",
    "Retry-After",
    "Server",
    "Vary",
    "Warning",
    "Www-Authenticate",
    "Allow",
    "Content-Base",
    "Content-Encoding",
    "Content-Language",
    "Content-Length",
    "Content-Location",
    "Content-Md5",
    "Content-Range",
    "Content-Type",
    "Etag",
    "Expires",
    "Last-Modified",
    "Accept-Ranges",
    "Set-Cookie",
    "Set-Cookie2",
    "X-Forwarded-For",
    "Cookie",
    "Keep-Alive",
    "Proxy-Connection",
];

const METHODS: &[&str] = &["OPTIONS", "GET", "HEAD", "POST", "PUT", "DELETE", "TRACE"];

/// Characters that end a token (`tspecial`): controls, space, non-ASCII and separators (DEL
/// is not one: OTP's table leaves it unset).
fn is_tspecial(c: u8) -> bool {
    !(33..128).contains(&c) || b"()<>@,;:\\\"/[]?={} \t".contains(&c)
}

/// A string of the packet: a binary for the `_bin` types, a list otherwise.
fn text(h: &mut Heap, bin: bool, s: &[u8]) -> Term {
    if bin {
        boxed::binary(h, s)
    } else {
        boxed::string(h, s.iter().map(|&c| c as u32))
    }
}

fn digits(s: &[u8], i: &mut usize) -> (u64, bool) {
    let start = *i;
    let mut v = 0u64;
    while *i < s.len() && s[*i].is_ascii_digit() {
        v = v.wrapping_mul(10).wrapping_add((s[*i] - b'0') as u64);
        *i += 1;
    }
    (v, *i > start)
}

/// `packet_parse_http` and the term callbacks: the packet's term, `{http_error, Line}` for a
/// line that does not parse.
pub fn http_term(h: &mut Heap, line: &[u8], headers: bool, bin: bool) -> Term {
    match parse_http(h, line, headers, bin) {
        Some(t) => t,
        None => {
            let l = text(h, bin, line);
            boxed::tuple(h, &[Term::atom(atom::atom("http_error")), l])
        }
    }
}

fn version(h: &mut Heap, major: u64, minor: u64) -> Term {
    boxed::tuple(
        h,
        &[
            Term::small(major as i64 & ((1 << 59) - 1)),
            Term::small(minor as i64 & ((1 << 59) - 1)),
        ],
    )
}

fn parse_http(h: &mut Heap, buf: &[u8], headers: bool, bin: bool) -> Option<Term> {
    let mut n = buf.len();
    if n >= 2 && buf[n - 2] == b'\r' {
        n -= 2;
    } else if n >= 1 && buf[n - 1] == b'\n' {
        n -= 1;
    }
    let s = &buf[..n];
    if !headers {
        if s.starts_with(b"HTTP/") {
            let mut i = 5;
            let (major, ok) = digits(s, &mut i);
            if !ok || i >= s.len() || s[i] != b'.' {
                return None;
            }
            i += 1;
            let (minor, ok) = digits(s, &mut i);
            if !ok {
                return None;
            }
            let p0 = i;
            while i < s.len() && is_sp(s[i]) {
                i += 1;
            }
            if i == p0 {
                return None;
            }
            let (status, _) = digits(s, &mut i);
            let p0 = i;
            while i < s.len() && is_sp(s[i]) {
                i += 1;
            }
            if i == p0 && i < s.len() {
                return None;
            }
            let v = version(h, major, minor);
            let phrase = text(h, bin, &s[i..]);
            return Some(boxed::tuple(
                h,
                &[
                    Term::atom(atom::atom("http_response")),
                    v,
                    Term::small((status as i64) & 0xFFFF_FFFF),
                    phrase,
                ],
            ));
        }
        // Request-Line = Method SP Request-URI SP HTTP-Version
        let mut i = 0;
        while i < s.len() && !is_tspecial(s[i]) {
            i += 1;
        }
        let meth = &s[..i];
        if i == s.len() || meth.is_empty() || !is_sp(s[i]) {
            return None;
        }
        while i < s.len() && is_sp(s[i]) {
            i += 1;
        }
        let u0 = i;
        while i < s.len() && !is_sp(s[i]) {
            i += 1;
        }
        let uri = &s[u0..i];
        if uri.is_empty() {
            return None;
        }
        while i < s.len() && is_sp(s[i]) {
            i += 1;
        }
        let (major, minor) = if i == s.len() {
            (0, 9)
        } else {
            if s.len() - i < 8 || !s[i..].starts_with(b"HTTP/") {
                return None;
            }
            i += 5;
            let (major, ok) = digits(s, &mut i);
            if !ok || i >= s.len() || s[i] != b'.' {
                return None;
            }
            i += 1;
            let (minor, ok) = digits(s, &mut i);
            if !ok {
                return None;
            }
            (major, minor)
        };
        let method = match METHODS.iter().find(|m| m.as_bytes() == meth) {
            Some(m) => Term::atom(atom::atom(m)),
            None => text(h, bin, meth),
        };
        let uri = uri_term(h, uri, bin);
        let v = version(h, major, minor);
        return Some(boxed::tuple(
            h,
            &[Term::atom(atom::atom("http_request")), method, uri, v],
        ));
    }
    if s.is_empty() {
        return Some(Term::atom(atom::atom("http_eoh")));
    }
    // A header: a token (case-normalised, at most 50 characters kept), ':', value.
    let mut name = Vec::new();
    let mut up = true;
    let mut i = 0;
    while !is_tspecial(s[i]) {
        if name.len() < 50 {
            let mut c = s[i];
            if up {
                c = c.to_ascii_uppercase();
                up = false;
            } else if c.is_ascii_uppercase() {
                c = c.to_ascii_lowercase();
            } else if c == b'-' {
                up = true;
            }
            name.push(c);
        }
        i += 1;
        if i == s.len() {
            return None;
        }
    }
    if s[i] != b':' {
        return None;
    }
    let name_len = i;
    let (index, field) = if name_len <= 50 {
        match HEADERS
            .iter()
            .position(|hd| hd.as_bytes() == name.as_slice())
        {
            Some(k) => (k as i64 + 1, Term::atom(atom::atom(HEADERS[k]))),
            None => (0, text(h, bin, &name)),
        }
    } else {
        (0, text(h, bin, &s[..name_len]))
    };
    i += 1;
    while i < s.len() && is_sp(s[i]) {
        i += 1;
    }
    let unmodified = text(h, bin, &s[..name_len]);
    let value = text(h, bin, &s[i..]);
    Some(boxed::tuple(
        h,
        &[
            Term::atom(atom::atom("http_header")),
            Term::small(index),
            field,
            unmodified,
            value,
        ],
    ))
}

/// `http_parse_uri`: `'*'`, `{abs_path, P}`, `{absoluteURI, http | https, Host, Port, Path}`,
/// `{scheme, S, Rest}` or the text itself.
fn uri_term(h: &mut Heap, u: &[u8], bin: bool) -> Term {
    if u == b"*" {
        return Term::atom(atom::atom("*"));
    }
    if u.len() <= 1 || u[0] == b'/' {
        let p = text(h, bin, u);
        return boxed::tuple(h, &[Term::atom(atom::atom("abs_path")), p]);
    }
    let scheme = if u.len() >= 7 && u[..7].eq_ignore_ascii_case(b"http://") {
        Some(("http", &u[7..]))
    } else if u.len() >= 8 && u[..8].eq_ignore_ascii_case(b"https://") {
        Some(("https", &u[8..]))
    } else {
        None
    };
    if let Some((name, rest)) = scheme {
        let (hostport, path): (&[u8], &[u8]) = match rest.iter().position(|c| *c == b'/') {
            None => (rest, b"/"),
            Some(k) => (&rest[..k], &rest[k..]),
        };
        let (host, port) = match hostport.iter().position(|c| *c == b':') {
            None => (hostport, Term::atom(atom::UNDEFINED)),
            Some(k) => {
                let digits_part = &hostport[k + 1..];
                let mut j = 0;
                let mut port = 0i64;
                while j < digits_part.len() && digits_part[j].is_ascii_digit() {
                    port = (port * 10 + (digits_part[j] - b'0') as i64) & 0xFFFF_FFFF;
                    j += 1;
                }
                let port = if j == digits_part.len() && port != 0 {
                    Term::small(port as i32 as i64)
                } else {
                    Term::atom(atom::UNDEFINED)
                };
                (&hostport[..k], port)
            }
        };
        let host = text(h, bin, host);
        let path = text(h, bin, path);
        return boxed::tuple(
            h,
            &[
                Term::atom(atom::atom("absoluteURI")),
                Term::atom(atom::atom(name)),
                host,
                port,
                path,
            ],
        );
    }
    match u.iter().position(|c| *c == b':') {
        None => text(h, bin, u),
        Some(k) => {
            let s1 = text(h, bin, &u[..k]);
            let s2 = text(h, bin, &u[k + 1..]);
            boxed::tuple(h, &[Term::atom(atom::atom("scheme")), s1, s2])
        }
    }
}
