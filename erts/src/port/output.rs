//! Data from a port to its connected process (OTP's `deliver_read_message` and the line
//! buffering of `io.c`): `{Port, {data, Data}}` with `Data` a list or a binary as the port's
//! `binary` option says, split into `{eol, Line}` / `{noeol, Part}` pieces in `{line, L}`
//! mode; `{Port, eof}` and `{Port, {exit_status, N}}`.

use super::PortCore;
use crate::atom;
use crate::heap::Heap;
use crate::term::boxed;
use crate::term::Term;

/// Builds `bytes` as a list of integers ending in `tail`.
fn byte_list(h: &mut Heap, bytes: &[u8], tail: Term) -> Term {
    let items: Vec<Term> = bytes.iter().map(|&b| Term::small(b as i64)).collect();
    boxed::list_with_tail(h, &items, tail)
}

/// `Data` in the port's mode: the header bytes as list elements, then the rest as a binary
/// (binary mode) or as more list elements. No data at all (a driver's null buffer) ends the
/// list even in binary mode, as OTP's `deliver_read_message` does.
fn data_term(binary: bool, h: &mut Heap, hdr: &[u8], data: Option<&[u8]>) -> Term {
    let tail = match data {
        Some(d) if binary => boxed::binary(h, d),
        Some(d) => byte_list(h, d, Term::NIL),
        None => Term::NIL,
    };
    if hdr.is_empty() {
        tail
    } else {
        byte_list(h, hdr, tail)
    }
}

impl PortCore {
    /// Sends `{Port, {data, Msg}}` to the connected process.
    fn send_data(&mut self, build: impl FnOnce(bool, &mut Heap) -> Term) {
        let (port, binary) = (self.port_term(), self.binary);
        self.send_to_connected(|h| {
            let d = build(binary, h);
            let inner = boxed::tuple(h, &[Term::atom(atom::DATA), d]);
            boxed::tuple(h, &[port, inner])
        });
    }

    /// `driver_output`: delivers `data` read from the port (line-split in line mode).
    pub fn output(&mut self, data: &[u8]) {
        self.output2(&[], data);
    }

    /// `driver_output2`: `hdr` then `data` in one message (line mode splits `data` only
    /// when there is no header, as OTP does).
    pub fn output2(&mut self, hdr: &[u8], data: &[u8]) {
        self.output2_opt(hdr, Some(data));
    }

    /// `driver_output2` as drivers call it: `data` is `None` for a null buffer.
    pub fn output2_opt(&mut self, hdr: &[u8], data: Option<&[u8]>) {
        let len = data.map_or(0, |d| d.len());
        self.input += (hdr.len() + len) as u64;
        match self.line {
            Some(max) if hdr.is_empty() => self.output_lines(data.unwrap_or_default(), max),
            _ => self.send_data(|binary, h| data_term(binary, h, hdr, data)),
        }
    }

    fn send_line(&mut self, eol: bool) {
        let line = std::mem::take(&mut self.line_buf);
        self.send_data(|binary, h| {
            let l = data_term(binary, h, &[], Some(&line));
            let tag = Term::atom(if eol { atom::EOL } else { atom::NOEOL });
            boxed::tuple(h, &[tag, l])
        });
    }

    /// Line mode, as OTP's line buffer: `\n` or `\r\n` ends a line (`eol`, without the
    /// terminator); a full buffer followed by anything else goes out as `noeol`. A `\r` that
    /// ends the data waits for the next byte.
    fn output_lines(&mut self, data: &[u8], max: usize) {
        let held;
        let bytes: &[u8] = if self.line_cr {
            self.line_cr = false;
            let mut v = Vec::with_capacity(data.len() + 1);
            v.push(b'\r');
            v.extend_from_slice(data);
            held = v;
            &held
        } else {
            data
        };
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b == b'\n' {
                self.send_line(true);
                i += 1;
                continue;
            }
            if b == b'\r' {
                match bytes.get(i + 1) {
                    Some(b'\n') => {
                        self.send_line(true);
                        i += 2;
                        continue;
                    }
                    None => {
                        self.line_cr = true;
                        break;
                    }
                    Some(_) => {}
                }
            }
            if self.line_buf.len() >= max {
                self.send_line(false);
                continue;
            }
            self.line_buf.push(b);
            i += 1;
        }
    }

    /// Delivers an unfinished line as `{noeol, Part}` (when the port closes, or at end of
    /// input with `eof`).
    pub fn flush_line(&mut self) {
        if std::mem::take(&mut self.line_cr) {
            self.line_buf.push(b'\r');
        }
        if !self.line_buf.is_empty() {
            self.send_line(false);
        }
    }

    /// End of input: an unfinished line goes out, then `{Port, eof}` with the `eof` option,
    /// else the port closes (`normal`). (`port_close` drops an unfinished line.)
    pub fn input_eof(&mut self) {
        if self.line.is_some() {
            self.flush_line();
        }
        if self.soft_eof {
            let port = self.port_term();
            self.send_to_connected(|h| boxed::tuple(h, &[port, Term::atom(atom::atom("eof"))]));
        } else {
            self.exit(Term::atom(atom::NORMAL));
        }
    }

    /// `{Port, {exit_status, Status}}`.
    pub fn send_exit_status(&mut self, status: i32) {
        let port = self.port_term();
        self.send_to_connected(|h| {
            let inner = boxed::tuple(
                h,
                &[
                    Term::atom(atom::atom("exit_status")),
                    Term::small(status as i64),
                ],
            );
            boxed::tuple(h, &[port, inner])
        });
    }
}
