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

impl PortCore {
    /// `Data` in the port's mode: the header bytes as list elements, then the rest as a
    /// binary (binary mode) or as more list elements.
    fn data_term(&self, h: &mut Heap, hdr: &[u8], data: &[u8]) -> Term {
        if self.binary {
            let bin = boxed::binary(h, data);
            if hdr.is_empty() {
                bin
            } else {
                byte_list(h, hdr, bin)
            }
        } else {
            let tail = byte_list(h, data, Term::NIL);
            byte_list(h, hdr, tail)
        }
    }

    /// Sends `{Port, {data, Msg}}` to the connected process.
    fn send_data(&self, build: impl FnOnce(&Self, &mut Heap) -> Term) {
        let port = self.port_term();
        self.send_to_connected(|h| {
            let d = build(self, h);
            let inner = boxed::tuple(h, &[Term::atom(atom::atom("data")), d]);
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
        self.input += (hdr.len() + data.len()) as u64;
        match self.line {
            Some(max) if hdr.is_empty() => self.output_lines(data, max),
            _ => self.send_data(|me, h| me.data_term(h, hdr, data)),
        }
    }

    fn send_line(&self, eol: bool, line: &[u8]) {
        self.send_data(|me, h| {
            let l = me.data_term(h, &[], line);
            let tag = Term::atom(atom::atom(if eol { "eol" } else { "noeol" }));
            boxed::tuple(h, &[tag, l])
        });
    }

    /// Line mode: a newline ends a line (`eol`); a full buffer followed by anything but a
    /// newline goes out as `noeol`. Bytes after the last newline wait for more input.
    fn output_lines(&mut self, data: &[u8], max: usize) {
        let mut rest = data;
        while !rest.is_empty() {
            match rest.iter().position(|&b| b == b'\n') {
                Some(i) if self.line_buf.len() + i <= max => {
                    let mut line = std::mem::take(&mut self.line_buf);
                    line.extend_from_slice(&rest[..i]);
                    self.send_line(true, &line);
                    rest = &rest[i + 1..];
                }
                _ => {
                    let room = max - self.line_buf.len();
                    if room == 0 {
                        let line = std::mem::take(&mut self.line_buf);
                        self.send_line(false, &line);
                        continue;
                    }
                    let take = room.min(rest.len());
                    self.line_buf.extend_from_slice(&rest[..take]);
                    rest = &rest[take..];
                }
            }
        }
    }

    /// Delivers an unfinished line as `{noeol, Part}` (at end of input).
    pub fn flush_line(&mut self) {
        if !self.line_buf.is_empty() {
            let line = std::mem::take(&mut self.line_buf);
            self.send_line(false, &line);
        }
    }

    /// End of input: `{Port, eof}` with the `eof` option, else the port closes (`normal`).
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
    pub fn send_exit_status(&self, status: i32) {
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
