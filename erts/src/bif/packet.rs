//! `erlang:decode_packet/3` (OTP's `packet_parser.c`) for the framing types that carry no
//! protocol parsing: `raw`/`0`, `1`, `2`, `4` (big-endian length headers) and `line` (with
//! `line_length` and `line_delimiter`).
//! The protocol parsers (`http*`, `asn1`, `cdr`, `sunrm`, `fcgi`, `tpkt`) are not implemented:
//! asking for one raises `error:notsup` rather than giving a wrong answer.

use super::Registry;
use crate::atom;
use crate::exception::{BifResult, Fail};
use crate::process::Process;
use crate::term::boxed;
use crate::term::Term;

pub fn register(r: &mut Registry) {
    r.add("erlang", "decode_packet", 3, decode_packet_3);
}

enum Kind {
    Raw,
    Length(usize),
    Line,
}

fn tag(p: &mut Process, name: &str, v: Term) -> Term {
    boxed::tuple(&mut p.heap, &[Term::atom(atom::atom(name)), v])
}

fn decode_packet_3(p: &mut Process, a: &[Term]) -> BifResult {
    let kind = match (a[0].as_small(), a[0].as_atom().map(|x| x.name())) {
        (Some(0), _) | (_, Some("raw")) => Kind::Raw,
        (Some(n @ (1 | 2 | 4)), _) => Kind::Length(n as usize),
        (_, Some("line")) => Kind::Line,
        (
            _,
            Some(
                "http" | "httph" | "http_bin" | "httph_bin" | "asn1" | "cdr" | "sunrm" | "fcgi"
                | "tpkt",
            ),
        ) => return Err(Fail::error_atom(atom::atom("notsup"))),
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
            Some("line_delimiter") if v <= 255 && matches!(kind, Kind::Line) => delimiter = v as u8,
            _ => return Err(Fail::badarg()),
        }
    }
    let bytes = boxed::bitstring_view(a[1]).to_vec();
    let more_undefined = |p: &mut Process| tag(p, "more", Term::atom(atom::UNDEFINED));
    let ok = |p: &mut Process, body: &[u8], rest: &[u8]| {
        let b = boxed::binary(&mut p.heap, body);
        let r = boxed::binary(&mut p.heap, rest);
        boxed::tuple(&mut p.heap, &[Term::atom(atom::OK), b, r])
    };
    let invalid = |p: &mut Process| tag(p, "error", Term::atom(atom::atom("invalid")));
    Ok(match kind {
        // Raw packets are not checked against `packet_size` (as OTP).
        Kind::Raw => {
            if bytes.is_empty() {
                more_undefined(p)
            } else {
                ok(p, &bytes, &[])
            }
        }
        Kind::Length(n) => {
            if bytes.len() < n {
                more_undefined(p)
            } else {
                let len = bytes[..n]
                    .iter()
                    .fold(0usize, |acc, b| (acc << 8) | *b as usize);
                // OTP reads a 4-byte length as signed: from 2^31 on it is invalid.
                if (packet_size > 0 && len > packet_size) || len >= 1 << 31 {
                    invalid(p)
                } else if bytes.len() < n + len {
                    tag(p, "more", Term::small((n + len) as i64))
                } else {
                    ok(p, &bytes[n..n + len], &bytes[n + len..])
                }
            }
        }
        Kind::Line => match bytes.iter().position(|b| *b == delimiter) {
            Some(i) if line_length == 0 || i < line_length => {
                if packet_size > 0 && i + 1 > packet_size {
                    invalid(p)
                } else {
                    ok(p, &bytes[..=i], &bytes[i + 1..])
                }
            }
            _ if line_length > 0 && bytes.len() >= line_length => {
                ok(p, &bytes[..line_length], &bytes[line_length..])
            }
            _ => {
                if packet_size > 0 && bytes.len() > packet_size {
                    invalid(p)
                } else {
                    more_undefined(p)
                }
            }
        },
    })
}
