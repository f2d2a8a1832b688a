//! Debugging output BIFs that write straight to the emulator's stdout, below OTP's I/O system
//! (`erlang:display/1`, `erlang:display_string/1`, `erlang:display_nl/0`), as in OTP's
//! `erl_bif_info.c` / `erl_printf_term.c`.

use super::Registry;
use crate::exception::{BifResult, Fail};
use crate::process::Process;
use crate::term::Term;
use std::io::Write;

fn write_out(bytes: &[u8]) {
    let out = std::io::stdout();
    let mut lock = out.lock();
    // Output errors (a closed pipe) are ignored like OTP's erts_printf does.
    let _ = lock.write_all(bytes);
    let _ = lock.flush();
}

/// `erlang:display/1`: prints the term as OTP's `erts_printf("%T\n")` does.
fn display(_p: &mut Process, a: &[Term]) -> BifResult {
    let mut s = crate::display::display_bytes(a[0]);
    s.extend_from_slice(b"\r\n");
    write_out(&s);
    Ok(Term::bool(true))
}

/// `erlang:display_string/1`: prints a (latin-1) string without a newline.
fn display_string(_p: &mut Process, a: &[Term]) -> BifResult {
    let mut bytes = Vec::new();
    let mut c = a[0];
    while c.is_list() {
        match c.head().as_small() {
            Some(b @ 0..=255) => bytes.push(b as u8),
            _ => return Err(Fail::badarg()),
        }
        c = c.tail();
    }
    if !c.is_nil() {
        return Err(Fail::badarg());
    }
    write_out(&bytes);
    Ok(Term::bool(true))
}

/// `erlang:display_nl/0`.
fn display_nl(_p: &mut Process, _a: &[Term]) -> BifResult {
    write_out(b"\r\n");
    Ok(Term::bool(true))
}

pub fn register(r: &mut Registry) {
    r.add("erlang", "display", 1, display);
    r.add("erlang", "display_string", 1, display_string);
    r.add("erlang", "display_nl", 0, display_nl);
}
