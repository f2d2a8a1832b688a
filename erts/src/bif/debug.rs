//! Debugging output BIFs that write straight to the emulator's standard streams, below OTP's
//! I/O system, as in OTP's `bif.c`: `erlang:display/1` (a term, on stdout, printed by
//! `crate::display`), `erlang:display_string/1` and `erlang:display_nl/0` (on stderr). Like
//! OTP running without a shell, every newline written is `\r\n`.

use super::Registry;
use crate::exception::{BifResult, Fail};
use crate::process::Process;
use crate::term::Term;
use std::io::Write;

/// Where the debug BIFs write.
#[derive(Clone, Copy)]
enum Stream {
    Stdout,
    Stderr,
}

/// `bytes` with `\r` put before every newline, as OTP's `erts_printf` writes the standard
/// streams when the emulator runs without a shell.
fn with_cr(bytes: &[u8]) -> Vec<u8> {
    let mut buf = Vec::with_capacity(bytes.len() + 2);
    for &b in bytes {
        if b == b'\n' {
            buf.push(b'\r');
        }
        buf.push(b);
    }
    buf
}

/// Writes `bytes` (newlines as `\r\n`) to `stream`.
fn write_out(stream: Stream, bytes: &[u8]) {
    let buf = with_cr(bytes);
    // Output errors (a closed pipe) are ignored like OTP's erts_printf does.
    match stream {
        Stream::Stdout => {
            let mut lock = std::io::stdout().lock();
            let _ = lock.write_all(&buf);
            let _ = lock.flush();
        }
        Stream::Stderr => {
            let mut lock = std::io::stderr().lock();
            let _ = lock.write_all(&buf);
            let _ = lock.flush();
        }
    }
}

/// `erlang:display/1`: prints the term and a newline on stdout, as OTP's `erts_printf("%T\n")`.
fn display(_p: &mut Process, a: &[Term]) -> BifResult {
    let mut s = crate::display::display_bytes(a[0]);
    s.push(b'\n');
    write_out(Stream::Stdout, &s);
    Ok(Term::bool(true))
}

/// The UTF-8 text of a flat, proper list of Unicode code points (surrogates excluded).
fn unicode_list_text(list: Term) -> Result<String, Fail> {
    let mut s = String::new();
    let mut c = list;
    while c.is_list() {
        let ch = c
            .head()
            .as_small()
            .and_then(|v| u32::try_from(v).ok())
            .and_then(char::from_u32)
            .ok_or_else(Fail::badarg)?;
        s.push(ch);
        c = c.tail();
    }
    if c.is_nil() {
        Ok(s)
    } else {
        Err(Fail::badarg())
    }
}

/// `erlang:display_string/1`: writes a list of Unicode code points as UTF-8 to stderr. OTP
/// passes it on as a C string, so nothing from the first NUL character on is written.
fn display_string(_p: &mut Process, a: &[Term]) -> BifResult {
    let text = unicode_list_text(a[0])?;
    let bytes = text.as_bytes();
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    write_out(Stream::Stderr, &bytes[..end]);
    Ok(Term::bool(true))
}

/// `erlang:display_nl/0`: a newline on stderr.
fn display_nl(_p: &mut Process, _a: &[Term]) -> BifResult {
    write_out(Stream::Stderr, b"\n");
    Ok(Term::bool(true))
}

pub fn register(r: &mut Registry) {
    r.add("erlang", "display", 1, display);
    r.add("erlang", "display_string", 1, display_string);
    r.add("erlang", "display_nl", 0, display_nl);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heap::Heap;
    use crate::term::boxed;

    #[test]
    fn newlines_get_carriage_returns() {
        assert_eq!(with_cr(b"a\nb\n"), b"a\r\nb\r\n");
        assert_eq!(with_cr(b"\r"), b"\r");
        assert_eq!(with_cr(b""), b"");
    }

    #[test]
    fn unicode_lists() {
        let mut h = Heap::default();
        let ok = boxed::string(&mut h, [104, 233, 0x100, 0x1F600]);
        assert_eq!(
            unicode_list_text(ok).ok().as_deref(),
            Some("hé\u{100}\u{1F600}")
        );
        assert_eq!(unicode_list_text(Term::NIL).ok().as_deref(), Some(""));
        for bad in [0xD800, 0xDFFF, 0x110000] {
            let l = boxed::string(&mut h, [97, bad]);
            assert!(unicode_list_text(l).is_err(), "{bad:#x}");
        }
        let neg = boxed::cons(&mut h, Term::small(-1), Term::NIL);
        assert!(unicode_list_text(neg).is_err());
        let improper = boxed::cons(&mut h, Term::small(97), Term::small(98));
        assert!(unicode_list_text(improper).is_err());
        let deep = boxed::cons(&mut h, ok, Term::NIL);
        assert!(unicode_list_text(deep).is_err());
    }
}
