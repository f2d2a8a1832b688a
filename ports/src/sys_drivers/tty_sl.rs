//! The `tty_sl` driver (OTP's `ttsl_drv.c`): the terminal under OTP's line-editing shell.
//! `user_drv` opens it as `{spawn, "tty_sl -c -e"}`; it puts the terminal in the raw mode the
//! flags ask for (`-c`: no canonical input, `-e`: no echo), hands what is typed to the owner
//! as data (UTF-8), keeps a model of the line being edited (the "smart line": characters,
//! their widths on screen and the cursor) and carries out `user_drv`'s output operations
//! with relative cursor movements (ANSI sequences): `PUTC`/`PUTC_SYNC` (write), `MOVE`
//! (move the cursor by characters), `INSC` (insert), `DELC` (delete), `BEEP`. Its controls
//! answer the window size and get or set whether the terminal takes UTF-8.
//!
//! Starting fails (`einval`) unless descriptors 0 and 1 are terminals, or when a `tty_sl`
//! port is already open: `user_drv` then falls back to the plain `user` I/O server over
//! descriptors 0 and 1. The mode the terminal had is put back when the port closes (and,
//! through `erts::break_handler`, when the VM exits); a job stopped and continued
//! (`SIGCONT`) gets the port's mode back.

use super::fd::wait_readable;
use erts::port::driver::{Driver, DriverFactory, OpenError, PortEvent};
use erts::port::open_opts::OpenSpec;
use erts::port::{PortCell, PortCore};
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};

const OP_PUTC: u8 = 0;
const OP_MOVE: u8 = 1;
const OP_INSC: u8 = 2;
const OP_DELC: u8 = 3;
const OP_BEEP: u8 = 4;
const OP_PUTC_SYNC: u8 = 5;

/// OTP's `ERTS_TTYSL_DRV_CONTROL_MAGIC_NUMBER`, added to the control operation numbers.
const CTRL_MAGIC: u32 = 0x018b_0900;
const CTRL_GET_WINSIZE: u32 = CTRL_MAGIC + 100;
const CTRL_GET_UNICODE_STATE: u32 = CTRL_MAGIC + 101;
const CTRL_SET_UNICODE_STATE: u32 = CTRL_MAGIC + 102;

/// Only one `tty_sl` port at a time (it owns the terminal).
// Process-wide: the terminal belongs to the OS process.
static ACTIVE: AtomicBool = AtomicBool::new(false);

const IN_FD: RawFd = 0;
const OUT_FD: RawFd = 1;

pub struct TtySlFactory;

/// One character of the edited line as the terminal shows it.
#[derive(Clone, Debug)]
struct Glyph {
    /// What is written to draw it.
    text: String,
    /// Columns it takes.
    width: usize,
}

struct TtySl {
    /// The terminal mode before the port opened.
    saved: libc::termios,
    utf8: bool,
    /// The current line (since the last newline) and the cursor's index in it.
    line: Vec<Glyph>,
    pos: usize,
    /// An incomplete UTF-8 sequence at the end of the last input.
    partial: Vec<u8>,
    stop: Arc<AtomicBool>,
}

fn is_tty(fd: RawFd) -> bool {
    // SAFETY: isatty only queries the descriptor.
    unsafe { libc::isatty(fd) == 1 }
}

/// Whether the locale the environment names uses UTF-8 (`LC_ALL`, `LC_CTYPE`, `LANG`, the
/// first one set): asked of the C library without changing the process's locale.
fn locale_is_utf8() -> bool {
    // SAFETY: newlocale with an empty name reads the environment and returns a new locale
    // object or null; nl_langinfo_l reads from that object, which is freed afterwards.
    unsafe {
        let loc = libc::newlocale(libc::LC_CTYPE_MASK, c"".as_ptr(), std::ptr::null_mut());
        if loc.is_null() {
            return false;
        }
        let cs = libc::nl_langinfo_l(libc::CODESET, loc);
        let utf8 = !cs.is_null() && std::ffi::CStr::from_ptr(cs).to_bytes() == b"UTF-8";
        libc::freelocale(loc);
        utf8
    }
}

/// The terminal's width and height (80x24 when it does not say).
fn window_size() -> (u32, u32) {
    // SAFETY: winsize is plain data that TIOCGWINSZ fills.
    let ws = unsafe {
        let mut ws: libc::winsize = std::mem::zeroed();
        if libc::ioctl(IN_FD, libc::TIOCGWINSZ, &mut ws) != 0 {
            return (80, 24);
        }
        ws
    };
    let w = if ws.ws_col == 0 { 80 } else { ws.ws_col as u32 };
    let h = if ws.ws_row == 0 { 24 } else { ws.ws_row as u32 };
    (w, h)
}

/// Writes all of `b` to the terminal.
fn write_all(mut b: &[u8]) {
    while !b.is_empty() {
        // SAFETY: `b` is a live buffer of its length.
        let n = unsafe { libc::write(OUT_FD, b.as_ptr().cast(), b.len()) };
        if n > 0 {
            b = &b[n as usize..];
            continue;
        }
        let e = std::io::Error::last_os_error();
        if n < 0 && matches!(e.raw_os_error(), Some(libc::EINTR) | Some(libc::EAGAIN)) {
            if e.raw_os_error() == Some(libc::EAGAIN) {
                std::thread::yield_now();
            }
            continue;
        }
        return;
    }
}

/// Columns a printable character takes: 2 for East Asian wide and fullwidth characters
/// and emoji, 0 for combining marks, else 1.
fn char_width(c: char) -> usize {
    let u = c as u32;
    let zero = matches!(u, 0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD
        | 0x0610..=0x061A | 0x064B..=0x065F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF
        | 0x200B..=0x200F | 0x20D0..=0x20FF | 0xFE00..=0xFE0F | 0xFE20..=0xFE2F);
    if zero {
        return 0;
    }
    let wide = matches!(u, 0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1F64F | 0x1F900..=0x1F9FF | 0x20000..=0x2FFFD | 0x30000..=0x3FFFD);
    if wide {
        2
    } else {
        1
    }
}

/// The characters of UTF-8 `data`; a byte that starts no valid sequence stands for itself
/// (Latin-1).
fn decode(data: &[u8]) -> Vec<char> {
    let mut out = Vec::with_capacity(data.len());
    let mut rest = data;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.extend(s.chars());
                break;
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                out.extend(std::str::from_utf8(good).unwrap_or("").chars());
                out.push(bad[0] as char);
                rest = &bad[1..];
            }
        }
    }
    out
}

impl TtySl {
    fn cols(&self) -> usize {
        window_size().0.max(1) as usize
    }

    /// The screen column (counted from the line's start) of the glyph at index `i`.
    fn col(&self, i: usize) -> usize {
        self.line[..i].iter().map(|g| g.width).sum()
    }

    /// How `c`, written at column `col` of the line, is drawn.
    fn glyph(&self, c: char, col: usize) -> Glyph {
        let u = c as u32;
        match c {
            '\t' => {
                let w = 8 - col % 8;
                Glyph {
                    text: " ".repeat(w),
                    width: w,
                }
            }
            // Other control characters show as ^X (DEL as '^' followed by the DEL byte
            // itself, which terminals do not show, as OTP's driver writes it).
            _ if u < 32 => Glyph {
                text: format!("^{}", (u as u8 + b'@') as char),
                width: 2,
            },
            '\u{7f}' => Glyph {
                text: "^\u{7f}".into(),
                width: 2,
            },
            _ if self.utf8 || (u < 128) => Glyph {
                text: c.to_string(),
                width: char_width(c),
            },
            // A terminal without UTF-8 shows other characters as octal or \x{H} escapes.
            _ => {
                let text = if u < 0o1000 {
                    format!("\\{u:03o}")
                } else {
                    format!("\\x{{{u:X}}}")
                };
                Glyph {
                    width: text.len(),
                    text,
                }
            }
        }
    }

    /// Appends the text of the glyph as the terminal gets it.
    fn draw(&self, out: &mut Vec<u8>, g: &Glyph) {
        if self.utf8 {
            out.extend_from_slice(g.text.as_bytes());
        } else {
            // Without UTF-8 the terminal gets Latin-1 bytes.
            out.extend(g.text.chars().map(|c| c as u32 as u8));
        }
    }

    /// Appends the movement of the cursor from line column `from` to `to`.
    fn move_cursor(&self, out: &mut Vec<u8>, from: usize, to: usize) {
        let cols = self.cols();
        let (fl, fc) = (from / cols, from % cols);
        let (tl, tc) = (to / cols, to % cols);
        use std::io::Write;
        if tl > fl {
            let _ = write!(out, "\x1b[{}B", tl - fl);
        } else if tl < fl {
            let _ = write!(out, "\x1b[{}A", fl - tl);
        }
        if tc > fc {
            let _ = write!(out, "\x1b[{}C", tc - fc);
        } else if tc < fc {
            let _ = write!(out, "\x1b[{}D", fc - tc);
        }
    }

    /// After drawing up to line column `at`: a cursor that filled the last column of a row
    /// waits there (terminals that defer the wrap); drawing the next glyph (or a blank) and
    /// stepping back puts it at the start of the next row, where the model has it.
    fn settle_wrap(&self, out: &mut Vec<u8>, at: usize, next: Option<&Glyph>) {
        if at == 0 || !at.is_multiple_of(self.cols()) {
            return;
        }
        match next {
            Some(g) if g.width > 0 => {
                self.draw(out, g);
                self.move_cursor(out, at + g.width, at);
            }
            _ => out.extend_from_slice(b" \x1b[1D"),
        }
    }

    /// `PUTC`: writes over the line from the cursor on.
    fn put_chars(&mut self, text: &[u8]) {
        let mut out = Vec::new();
        let mut last_newline = false;
        for c in decode(text) {
            last_newline = false;
            match c {
                // A newline, a carriage return or an escape sequence starts a new line in
                // the model: what was after the cursor stays, as the start of it (OTP's
                // driver keeps it so).
                '\n' | '\r' | '\u{1b}' => {
                    match c {
                        '\n' => out.extend_from_slice(b"\r\n"),
                        '\r' => out.push(b'\r'),
                        _ => out.push(0x1b),
                    }
                    self.line.drain(..self.pos);
                    self.pos = 0;
                    last_newline = c != '\u{1b}';
                }
                _ => {
                    let g = self.glyph(c, self.col(self.pos));
                    self.draw(&mut out, &g);
                    if self.pos < self.line.len() {
                        self.line[self.pos] = g;
                    } else {
                        self.line.push(g);
                    }
                    self.pos += 1;
                }
            }
        }
        if !last_newline {
            let at = self.col(self.pos);
            let next = self.line.get(self.pos).cloned();
            self.settle_wrap(&mut out, at, next.as_ref());
        }
        write_all(&out);
    }

    /// `MOVE`: moves the cursor `n` characters (negative: left), within the line.
    fn move_rel(&mut self, n: i16) {
        let target = (self.pos as isize + n as isize).clamp(0, self.line.len() as isize) as usize;
        let mut out = Vec::new();
        self.move_cursor(&mut out, self.col(self.pos), self.col(target));
        self.pos = target;
        write_all(&out);
    }

    /// Redraws the line from glyph `from` to its end, blanks `blank` more columns, and puts
    /// the cursor at glyph `cursor`.
    fn redraw_tail(&self, out: &mut Vec<u8>, from: usize, blank: usize, cursor: usize) {
        for g in &self.line[from..] {
            self.draw(out, g);
        }
        out.extend(std::iter::repeat_n(b' ', blank));
        let end = self.col(self.line.len()) + blank;
        self.settle_wrap(out, end, None);
        self.move_cursor(out, end, self.col(cursor));
    }

    /// `INSC`: inserts characters at the cursor, which ends after them.
    fn ins_chars(&mut self, text: &[u8]) {
        let start = self.pos;
        for c in decode(text) {
            let g = self.glyph(c, self.col(self.pos));
            self.line.insert(self.pos, g);
            self.pos += 1;
        }
        let mut out = Vec::new();
        self.redraw_tail(&mut out, start, 0, self.pos);
        write_all(&out);
    }

    /// `DELC`: deletes `n` characters after the cursor (negative: before it).
    fn del_chars(&mut self, n: i16) {
        let mut out = Vec::new();
        let (from, to) = if n >= 0 {
            (self.pos, (self.pos + n as usize).min(self.line.len()))
        } else {
            let from = self.pos.saturating_sub(n.unsigned_abs() as usize);
            self.move_cursor(&mut out, self.col(self.pos), self.col(from));
            (from, self.pos)
        };
        let gone: usize = self.line.drain(from..to).map(|g| g.width).sum();
        self.pos = from;
        self.redraw_tail(&mut out, from, gone, from);
        write_all(&out);
    }

    /// What was typed, as UTF-8 for the owner: complete sequences of a UTF-8 terminal
    /// (the rest waits for the next read), or Latin-1 bytes.
    fn input(&mut self, data: &[u8]) -> Vec<u8> {
        if !self.utf8 {
            let s: String = data.iter().map(|&b| b as char).collect();
            return s.into_bytes();
        }
        let mut bytes = std::mem::take(&mut self.partial);
        bytes.extend_from_slice(data);
        // An incomplete sequence at the very end waits for its other bytes.
        let mut cut = bytes.len();
        for back in 1..=3.min(bytes.len()) {
            let b = bytes[bytes.len() - back];
            if b & 0xC0 == 0x80 {
                continue;
            }
            let need = match b {
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                0xF0..=0xF7 => 4,
                _ => 1,
            };
            if need > back {
                cut = bytes.len() - back;
            }
            break;
        }
        self.partial = bytes.split_off(cut);
        decode(&bytes).into_iter().collect::<String>().into_bytes()
    }
}

/// The raw mode of the open port, for the `SIGCONT` handler: a job stopped (Ctrl-Z) and
/// continued gets its terminal back from the shell in the shell's mode, and the port puts
/// its own back (OTP's `cont`). Valid while `RAW_VALID` is set; written only while it is not.
static mut RAW_MODE: Option<libc::termios> = None;
static RAW_VALID: AtomicBool = AtomicBool::new(false);

extern "C" fn on_sigcont(_sig: libc::c_int) {
    if RAW_VALID.load(Ordering::Acquire) {
        // SAFETY: RAW_MODE is not written while RAW_VALID is set; tcsetattr is
        // async-signal-safe.
        unsafe {
            if let Some(t) = *std::ptr::addr_of!(RAW_MODE) {
                libc::tcsetattr(IN_FD, libc::TCSANOW, &t);
            }
        }
    }
}

/// Records `mode` for the `SIGCONT` handler (installed once).
fn keep_raw_mode(mode: libc::termios) {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    RAW_VALID.store(false, Ordering::Release);
    // SAFETY: RAW_VALID is clear, so the handler does not read RAW_MODE meanwhile; only one
    // port (ACTIVE) writes it.
    unsafe {
        *std::ptr::addr_of_mut!(RAW_MODE) = Some(mode);
    }
    RAW_VALID.store(true, Ordering::Release);
    INSTALLED.call_once(|| {
        let handler: extern "C" fn(libc::c_int) = on_sigcont;
        // SAFETY: sigaction is plain data; the handler only makes an async-signal-safe call.
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = handler as *const () as libc::sighandler_t;
            sa.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut sa.sa_mask);
            libc::sigaction(libc::SIGCONT, &sa, std::ptr::null_mut());
        }
    });
}

fn set_mode(t: &libc::termios) -> bool {
    // SAFETY: `t` is a complete termios read by tcgetattr.
    unsafe { libc::tcsetattr(IN_FD, libc::TCSADRAIN, t) == 0 }
}

/// Reads the terminal and hands the bytes to the port, until the port stops. Each read is
/// made under the break menu's input lock, and only if input is still there.
fn reader(cell: Weak<PortCell>, stop: Arc<AtomicBool>) {
    let mut buf = vec![0u8; 1024];
    let inst = erts::instance::current();
    while !stop.load(Ordering::Acquire) && !inst.stopping() {
        if !wait_readable(IN_FD, 200) {
            continue;
        }
        let guard = erts::break_handler::input_lock().lock();
        if stop.load(Ordering::Acquire) || !wait_readable(IN_FD, 0) {
            continue;
        }
        // SAFETY: `buf` is a live buffer of its length.
        let n = unsafe { libc::read(IN_FD, buf.as_mut_ptr().cast(), buf.len()) };
        drop(guard);
        let ev = match n {
            n if n > 0 => PortEvent::Input(buf[..n as usize].to_vec()),
            0 => PortEvent::InputEof,
            _ => match std::io::Error::last_os_error().raw_os_error() {
                Some(libc::EINTR) | Some(libc::EAGAIN) => continue,
                e => PortEvent::IoError(e.unwrap_or(libc::EIO)),
            },
        };
        let last = !matches!(ev, PortEvent::Input(_));
        let delivered = match cell.upgrade() {
            Some(c) if !c.is_dead() => c.with_driver(|d, core| d.event(core, ev)).is_some(),
            _ => false,
        };
        if !delivered || last {
            return;
        }
    }
}

impl DriverFactory for TtySlFactory {
    fn name(&self) -> &str {
        "tty_sl"
    }

    fn start(&self, core: &mut PortCore, spec: &OpenSpec) -> Result<Box<dyn Driver>, OpenError> {
        let (mut canon, mut echo, mut sig) = (0i8, 0i8, 0i8);
        let args = String::from_utf8_lossy(&spec.command).into_owned();
        for a in args.split(' ').skip(1).filter(|a| !a.is_empty()) {
            let flag = match a.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                // A device to open instead of descriptor 0 is not supported.
                _ => return Err(OpenError::Failed),
            };
            match a.as_bytes().get(1) {
                Some(b'c') => canon = flag,
                Some(b'e') => echo = flag,
                Some(b's') => sig = flag,
                _ => {}
            }
        }
        if !is_tty(IN_FD) || !is_tty(OUT_FD) {
            return Err(OpenError::Failed);
        }
        if ACTIVE.swap(true, Ordering::AcqRel) {
            return Err(OpenError::Failed);
        }
        // SAFETY: termios is plain data that tcgetattr fills.
        let saved = unsafe {
            let mut t: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(IN_FD, &mut t) != 0 {
                ACTIVE.store(false, Ordering::Release);
                return Err(OpenError::Failed);
            }
            t
        };
        let mut mode = saved;
        mode.c_iflag &= !libc::ISTRIP;
        match canon {
            1 => {
                mode.c_iflag |= libc::ICRNL;
                mode.c_lflag |= libc::ICANON;
            }
            -1 => {
                mode.c_iflag &= !libc::ICRNL;
                mode.c_lflag &= !libc::ICANON;
                mode.c_cc[libc::VMIN] = 1;
                mode.c_cc[libc::VTIME] = 0;
            }
            _ => {}
        }
        match echo {
            1 => mode.c_lflag |= libc::ECHO,
            -1 => mode.c_lflag &= !libc::ECHO,
            _ => {}
        }
        match sig {
            1 => mode.c_lflag |= libc::ISIG,
            -1 => mode.c_lflag &= !libc::ISIG,
            _ => {}
        }
        if !set_mode(&mode) {
            set_mode(&saved);
            ACTIVE.store(false, Ordering::Release);
            return Err(OpenError::Failed);
        }
        keep_raw_mode(mode);
        let stop = Arc::new(AtomicBool::new(false));
        let (weak, stop2) = (core.cell.clone(), stop.clone());
        if erts::instance::spawn_thread("tty_sl_reader".into(), 0, move || reader(weak, stop2))
            .is_err()
        {
            RAW_VALID.store(false, Ordering::Release);
            set_mode(&saved);
            ACTIVE.store(false, Ordering::Release);
            return Err(OpenError::Errno(libc::EAGAIN));
        }
        Ok(Box::new(TtySl {
            saved,
            utf8: locale_is_utf8(),
            line: Vec::new(),
            pos: 0,
            partial: Vec::new(),
            stop,
        }))
    }
}

fn int16(b: &[u8]) -> i16 {
    match b {
        [hi, lo, ..] => i16::from_be_bytes([*hi, *lo]),
        _ => 0,
    }
}

impl Driver for TtySl {
    fn output(&mut self, core: &mut PortCore, data: &[u8]) {
        let Some((&op, rest)) = data.split_first() else {
            return;
        };
        match op {
            OP_PUTC => self.put_chars(rest),
            OP_PUTC_SYNC => {
                self.put_chars(rest);
                let port = core.port_term();
                core.send_to_connected(|h| {
                    erts::term::boxed::tuple(h, &[port, erts::term::Term::atom(erts::atom::OK)])
                });
            }
            OP_MOVE => self.move_rel(int16(rest)),
            OP_INSC => self.ins_chars(rest),
            OP_DELC => self.del_chars(int16(rest)),
            OP_BEEP => write_all(b"\x07"),
            _ => {}
        }
    }

    fn control(
        &mut self,
        _core: &mut PortCore,
        op: u32,
        data: &mut [u8],
        reply: &mut Vec<u8>,
    ) -> bool {
        match op {
            CTRL_GET_WINSIZE => {
                let (w, h) = window_size();
                reply.extend_from_slice(&w.to_ne_bytes());
                reply.extend_from_slice(&h.to_ne_bytes());
            }
            CTRL_GET_UNICODE_STATE => reply.push(self.utf8 as u8),
            CTRL_SET_UNICODE_STATE => {
                if let Some(&m) = data.first() {
                    reply.push(self.utf8 as u8);
                    self.utf8 = m != 0;
                }
            }
            // Other operations answer nothing, as OTP's driver.
            _ => {}
        }
        true
    }

    fn event(&mut self, core: &mut PortCore, ev: PortEvent) {
        match ev {
            PortEvent::Input(data) => {
                let bytes = self.input(&data);
                if !bytes.is_empty() {
                    core.output(&bytes);
                }
            }
            PortEvent::InputEof => core.input_eof(),
            PortEvent::IoError(e) => core.exit(super::pipe_io::errno_term(e)),
            _ => {}
        }
    }

    fn stop(&mut self, _core: &mut PortCore) {
        self.stop.store(true, Ordering::Release);
        RAW_VALID.store(false, Ordering::Release);
        set_mode(&self.saved);
        ACTIVE.store(false, Ordering::Release);
    }
}
