//! External term format BIFs (OTP's `external.c` BIF part): `term_to_binary/1,2`,
//! `term_to_iovec/1,2`, `binary_to_term/1,2` and `external_size/1,2`.

use super::Registry;
use crate::etf::{self, DecodeOpts, EncodeOpts};
use crate::exception::{BifResult, Fail};
use crate::process::Process;
use crate::term::boxed;
use crate::term::Term;

pub fn register(r: &mut Registry) {
    r.add("erlang", "term_to_binary", 1, |p, a| {
        t2b(p, a[0], Term::NIL, false)
    });
    r.add("erlang", "term_to_binary", 2, |p, a| {
        t2b(p, a[0], a[1], false)
    });
    r.add("erlang", "term_to_iovec", 1, |p, a| {
        t2b(p, a[0], Term::NIL, true)
    });
    r.add("erlang", "term_to_iovec", 2, |p, a| {
        t2b(p, a[0], a[1], true)
    });
    r.add("erlang", "binary_to_term", 1, |p, a| {
        b2t(p, a[0], Term::NIL)
    });
    r.add("erlang", "binary_to_term", 2, |p, a| b2t(p, a[0], a[1]));
    r.add("erlang", "external_size", 1, |_, a| {
        ext_size(a[0], Term::NIL)
    });
    r.add("erlang", "external_size", 2, |_, a| ext_size(a[0], a[1]));
}

/// Parsed `term_to_binary` options: encoding options and the zlib level (if compressing).
fn options(t: Term) -> Option<(EncodeOpts, Option<u32>)> {
    let mut enc = EncodeOpts::default();
    let mut level = None;
    for o in boxed::list_to_vec(t)? {
        if let Some(a) = o.as_atom() {
            match a.name() {
                "compressed" => level = Some(6),
                "deterministic" => enc.deterministic = true,
                "local" => {}
                _ => return None,
            }
            continue;
        }
        if !o.is_tuple() || boxed::tuple_arity(o) != 2 {
            return None;
        }
        let v = boxed::tuple_element(o, 1).as_small()?;
        match boxed::tuple_element(o, 0).as_atom()?.name() {
            "compressed" if (0..=9).contains(&v) => level = Some(v as u32),
            "minor_version" if (0..=2).contains(&v) => enc.minor_version = v as u8,
            _ => return None,
        }
    }
    Some((enc, level))
}

/// The encoded bytes, compressed when asked unless that makes them longer (as OTP).
fn encoded(t: Term, enc: EncodeOpts, level: Option<u32>) -> Vec<u8> {
    let plain = etf::encode(t, enc);
    let Some(level) = level.filter(|l| *l > 0) else {
        return plain;
    };
    use flate2::{write::ZlibEncoder, Compression};
    use std::io::Write;
    let body = &plain[1..];
    let mut z = ZlibEncoder::new(Vec::new(), Compression::new(level));
    if z.write_all(body).is_err() {
        return plain;
    }
    let Ok(data) = z.finish() else { return plain };
    // OTP keeps the compressed form unless it is longer than the plain one.
    let total = 6 + data.len();
    if total > plain.len() {
        return plain;
    }
    let mut out = Vec::with_capacity(total);
    out.push(etf::tags::VERSION_MAGIC);
    out.push(etf::tags::COMPRESSED);
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    out.extend_from_slice(&data);
    out
}

fn t2b(p: &mut Process, t: Term, opts: Term, iovec: bool) -> BifResult {
    let (enc, level) = options(opts).ok_or_else(Fail::badarg)?;
    let bytes = encoded(t, enc, level);
    let bin = boxed::binary_from_vec(&mut p.heap, bytes);
    if iovec {
        Ok(boxed::list(&mut p.heap, &[bin]))
    } else {
        Ok(bin)
    }
}

fn ext_size(t: Term, opts: Term) -> BifResult {
    let (enc, level) = options(opts).ok_or_else(Fail::badarg)?;
    Ok(Term::small(encoded(t, enc, level).len() as i64))
}

fn b2t(p: &mut Process, b: Term, opts: Term) -> BifResult {
    if !b.is_binary() {
        return Err(Fail::badarg());
    }
    let mut d = DecodeOpts::default();
    let mut used = false;
    for o in boxed::list_to_vec(opts).ok_or_else(Fail::badarg)? {
        match o.as_atom().map(|a| a.name()) {
            Some("safe") => d.safe = true,
            Some("used") => used = true,
            _ => return Err(Fail::badarg()),
        }
    }
    let bytes = boxed::bitstring_view(b).to_vec();
    let (t, n) = etf::decode(&mut p.heap, &bytes, d).map_err(|_| Fail::badarg())?;
    if used {
        return Ok(boxed::tuple(&mut p.heap, &[t, Term::small(n as i64)]));
    }
    // Bytes after the term are ignored, as in OTP.
    Ok(t)
}
