//! The break handler (OTP's `break.c` with the signal and terminal parts of `sys.c`): what
//! Ctrl-C (`SIGINT`) does, as the `+B` flags choose, and the terminal mode the VM found at
//! start, which is put back when it exits.
//!
//! * default ([`BreakMode::Menu`]): `SIGINT` shows the BREAK menu on stdout and reads the
//!   answer from descriptor 0, with the terminal back in the mode it had when the VM started
//!   (cooked) while the menu is up. `a` (or `q`, or end of input) ends the VM with status 0,
//!   `c` goes on, `v` prints the emulator version, `d` the distribution state (none); a
//!   second `SIGINT` while the menu is up ends the VM at once. Unlike OTP, the VM keeps
//!   running while the menu is shown, and the dumps (`p`, `i`, `l`, `k`, `D`, `o`, the crash
//!   dump of `A`) are not implemented: they say so.
//! * `+B`, `+Bd` ([`BreakMode::Disabled`]): no handler; `SIGINT` ends the VM (default action).
//! * `+Bi` ([`BreakMode::Ignore`]): `SIGINT`, `SIGQUIT` and `SIGTSTP` are ignored;
//!   `erlang:system_info(break_ignored)` is true.
//! * `+Bc` ([`BreakMode::ReplaceIntr`]): the terminal's interrupt character is switched off,
//!   so Ctrl-C reaches the shell as a character (OTP's `user_drv` interrupts the current
//!   shell); a `SIGINT` sent otherwise still shows the menu.
//!
//! Readers of descriptor 0 (the `fd` driver's reader, the `tty_sl` driver) take
//! [`input_lock`] around each read, so that what is typed while the menu is up goes to the
//! menu.

use parking_lot::Mutex;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::OnceLock;

/// What the break signal does (`+B` flags).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BreakMode {
    /// The BREAK menu (no `+B` flag).
    #[default]
    Menu,
    /// `+B` / `+Bd`: no break handler.
    Disabled,
    /// `+Bi`: break signals are ignored.
    Ignore,
    /// `+Bc`: Ctrl-C interrupts the shell instead of raising `SIGINT`.
    ReplaceIntr,
}

// Process-wide (this module): the break signal and the terminal belong to the OS process; only the `beam` binary installs them.
static BREAK_IGNORED: AtomicBool = AtomicBool::new(false);
/// True while the menu is shown: a second `SIGINT` ends the VM.
static IN_BREAK: AtomicBool = AtomicBool::new(false);
/// The write end of the pipe the signal handler wakes the break thread through.
static WAKE_FD: AtomicI32 = AtomicI32::new(-1);

/// The terminal mode of descriptor 0 when the VM started, if it is a terminal.
struct InitialMode(libc::termios);

fn initial_mode() -> &'static OnceLock<Option<InitialMode>> {
    static M: OnceLock<Option<InitialMode>> = OnceLock::new();
    &M
}

/// A plain copy of the initial terminal mode, readable from a signal handler.
static mut INITIAL_COPY: Option<libc::termios> = None;

/// The lock readers of descriptor 0 hold around each read (the menu holds it while shown).
pub fn input_lock() -> &'static Mutex<()> {
    static L: Mutex<()> = Mutex::new(());
    &L
}

/// `erlang:system_info(break_ignored)`.
pub fn break_ignored() -> bool {
    BREAK_IGNORED.load(Ordering::Relaxed)
}

fn is_tty(fd: RawFd) -> bool {
    // SAFETY: isatty only queries the descriptor.
    unsafe { libc::isatty(fd) == 1 }
}

fn get_mode(fd: RawFd) -> Option<libc::termios> {
    // SAFETY: termios is plain data; tcgetattr fills it or fails.
    unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        (libc::tcgetattr(fd, &mut t) == 0).then_some(t)
    }
}

fn set_mode(fd: RawFd, t: &libc::termios) {
    // SAFETY: `t` is a complete termios read by tcgetattr.
    unsafe {
        libc::tcsetattr(fd, libc::TCSANOW, t);
    }
}

/// Puts descriptor 0 back in the mode the VM found it in (at exit: OTP's
/// `erts_sys_tty_reset`).
pub fn reset_tty() {
    if let Some(Some(m)) = initial_mode().get() {
        set_mode(0, &m.0);
    }
}

extern "C" fn at_exit() {
    reset_tty();
}

extern "C" fn on_sigint(_sig: libc::c_int) {
    if IN_BREAK.load(Ordering::Relaxed) {
        // A second break while the menu is up ends the VM, as OTP's (its read of the answer
        // is interrupted). Only async-signal-safe calls here: tcsetattr and _exit.
        // SAFETY: INITIAL_COPY is written once in `install`, before the handler exists.
        unsafe {
            if let Some(t) = *std::ptr::addr_of!(INITIAL_COPY) {
                libc::tcsetattr(0, libc::TCSANOW, &t);
            }
            libc::_exit(0);
        }
    }
    let fd = WAKE_FD.load(Ordering::Relaxed);
    if fd >= 0 {
        let b = 1u8;
        // SAFETY: write is async-signal-safe; `b` lives for the call. A full pipe drops the
        // byte, which is fine: a break is already pending.
        unsafe {
            libc::write(fd, std::ptr::addr_of!(b).cast(), 1);
        }
    }
}

fn set_handler(sig: libc::c_int, handler: libc::sighandler_t) {
    // SAFETY: sigaction is plain data; the handler (if ours) only makes async-signal-safe
    // calls. SA_RESTART keeps other threads' system calls going.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = handler;
        sa.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut sa.sa_mask);
        libc::sigaction(sig, &sa, std::ptr::null_mut());
    }
}

/// Sets up break handling as `mode` says and records the terminal's initial mode (restored
/// at exit). Call once, at start-up.
pub fn install(mode: BreakMode) {
    let initial = is_tty(0).then(|| get_mode(0)).flatten();
    // SAFETY: written once here, before any handler that reads it is installed.
    unsafe {
        *std::ptr::addr_of_mut!(INITIAL_COPY) = initial;
    }
    if initial_mode().set(initial.map(InitialMode)).is_err() {
        return;
    }
    // SAFETY: `at_exit` is an `extern "C" fn()` that only restores the terminal mode.
    unsafe {
        libc::atexit(at_exit);
    }
    match mode {
        BreakMode::Disabled => {}
        BreakMode::Ignore => {
            BREAK_IGNORED.store(true, Ordering::Relaxed);
            for sig in [libc::SIGINT, libc::SIGQUIT, libc::SIGTSTP] {
                set_handler(sig, libc::SIG_IGN);
            }
        }
        BreakMode::Menu | BreakMode::ReplaceIntr => {
            if mode == BreakMode::ReplaceIntr {
                if let Some(mut t) = get_mode(0) {
                    t.c_cc[libc::VINTR] = 0;
                    set_mode(0, &t);
                }
            }
            start_break_thread();
        }
    }
}

fn start_break_thread() {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2 returns.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return;
    }
    let (rd, wr) = (fds[0], fds[1]);
    WAKE_FD.store(wr, Ordering::Relaxed);
    let spawned = std::thread::Builder::new()
        .name("break_handler".into())
        .spawn(move || loop {
            let mut b = [0u8; 16];
            // SAFETY: `b` is a live buffer of its length; `rd` is the pipe's read end.
            let n = unsafe { libc::read(rd, b.as_mut_ptr().cast(), b.len()) };
            if n > 0 {
                do_break();
            } else if n == 0
                || std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted
            {
                return;
            }
        });
    if spawned.is_ok() {
        let handler: extern "C" fn(libc::c_int) = on_sigint;
        set_handler(libc::SIGINT, handler as *const () as libc::sighandler_t);
    }
}

/// Writes `s` to stdout as it is.
fn print(s: &str) {
    let mut b = s.as_bytes();
    while !b.is_empty() {
        // SAFETY: `b` is a live buffer of its length.
        let n = unsafe { libc::write(1, b.as_ptr().cast(), b.len()) };
        if n > 0 {
            b = &b[n as usize..];
        } else if n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted
        {
            continue;
        } else {
            return;
        }
    }
}

const MENU: &str = "BREAK: (a)bort (A)bort with dump (c)ontinue (p)roc info (i)nfo\r\n       \
                    (l)oaded (v)ersion (k)ill (D)b-tables (d)istribution\r\n";

/// One answer: the first byte of what one read of descriptor 0 returns (the rest is
/// dropped, as OTP's `sys_get_key`); `None` at end of input or on an error.
fn get_key() -> Option<u8> {
    let mut buf = [0u8; 64];
    loop {
        // SAFETY: `buf` is a live buffer of its length; descriptor 0 is the VM's input.
        let n = unsafe { libc::read(0, buf.as_mut_ptr().cast(), buf.len()) };
        if n > 0 {
            return Some(buf[0]);
        }
        if n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
            continue;
        }
        return None;
    }
}

/// The menu: shown on stdout, answered on descriptor 0 in the terminal's initial mode.
fn do_break() {
    let _input = input_lock().lock();
    let saved = is_tty(0).then(|| get_mode(0)).flatten();
    reset_tty();
    IN_BREAK.store(true, Ordering::Relaxed);
    print("\r\n");
    print(MENU);
    loop {
        let Some(key) = get_key() else {
            std::process::exit(0);
        };
        match key {
            b'a' | b'q' | b'*' => std::process::exit(0),
            b'c' => break,
            b'v' => {
                print(&format!(
                    "Erlang (BEAM) emulator version {}\r\n",
                    crate::bif::system_info::erts_version()
                ));
                break;
            }
            b'\n' => continue,
            b'm' => break,
            b'd' => {
                let node = crate::dist::node::name();
                print(&format!("=node:'{}'\r\n", node.name()));
                if !crate::dist::node::is_alive() {
                    print("=no_distribution\r\n");
                }
                break;
            }
            b'A' => {
                // OTP writes a crash dump and aborts; this runtime writes no crash dumps.
                reset_tty();
                eprint!("Crash dump requested by user\r\n");
                eprint!("beam: crash dumps are not supported by this runtime\r\n");
                // SAFETY: abort ends the process at once, as OTP's dump exit does.
                unsafe { libc::abort() }
            }
            b'p' | b'i' | b'l' | b'k' | b'D' | b'o' => {
                // Process, port, table, code and allocator dumps are not implemented.
                print(&format!(
                    "beam: break option '{}' is not supported by this runtime\r\n",
                    key as char
                ));
                break;
            }
            other => {
                print(&format!(
                    "Invalid option '{}'. Please enter one of the following:\r\n",
                    other as char
                ));
                print(MENU);
            }
        }
    }
    IN_BREAK.store(false, Ordering::Relaxed);
    if let Some(t) = saved {
        set_mode(0, &t);
    }
}
