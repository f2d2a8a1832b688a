//! The `ram_file_drv` driver (OTP's `ram_file_drv.c`): a file held in memory, behind
//! `file:open(Data, [ram | Modes])` and the `ram_file` module. `ram_file` opens it as
//! `{spawn, "ram_file_drv"}` and speaks a request/reply protocol over `port_command`: each
//! command is an operation byte and its arguments (32-bit big-endian integers, then data),
//! and each reply a message whose first byte says what follows:
//!
//! | reply  | bytes after it                                   |
//! |--------|--------------------------------------------------|
//! | ok     | none                                             |
//! | error  | the errno's name in lower case (`ebadf`)         |
//! | number | a 32-bit big-endian number                       |
//! | data   | a 32-bit length, then the bytes in the port mode |
//!
//! The file is its contents up to the end position; the current position may be past it
//! (a write there fills the gap with zeros). An operation it does not know gets no reply,
//! as in OTP.

use erts::port::driver::{Driver, DriverFactory, OpenError};
use erts::port::open_opts::OpenSpec;
use erts::port::PortCore;

const OPEN: u8 = 1;
const READ: u8 = 2;
const LSEEK: u8 = 3;
const WRITE: u8 = 4;
const FSYNC: u8 = 9;
const TRUNCATE: u8 = 14;
const PREAD: u8 = 17;
const PWRITE: u8 = 18;
const FDATASYNC: u8 = 19;
const GET: u8 = 30;
const SIZE: u8 = 37;
const ADVISE: u8 = 38;
const ALLOCATE: u8 = 39;

const MODE_READ: i32 = 1;
const MODE_WRITE: i32 = 2;

const SEEK_SET: i32 = 0;
const SEEK_CUR: i32 = 1;
const SEEK_END: i32 = 2;

const RESP_OK: u8 = 0;
const RESP_ERROR: u8 = 1;
const RESP_DATA: u8 = 2;
const RESP_NUMBER: u8 = 3;

/// Why an operation failed: the errno it reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Errno {
    Badf,
    Inval,
    Acces,
    Nomem,
}

impl Errno {
    fn name(self) -> &'static [u8] {
        match self {
            Errno::Badf => b"ebadf",
            Errno::Inval => b"einval",
            Errno::Acces => b"eacces",
            Errno::Nomem => b"enomem",
        }
    }
}

pub struct RamFileFactory;

impl DriverFactory for RamFileFactory {
    fn name(&self) -> &str {
        "ram_file_drv"
    }

    fn start(&self, _core: &mut PortCore, _spec: &OpenSpec) -> Result<Box<dyn Driver>, OpenError> {
        Ok(Box::new(RamFile::default()))
    }
}

/// One open RAM file.
#[derive(Default)]
struct RamFile {
    /// The open mode (`MODE_READ`, `MODE_WRITE`); 0 until opened.
    flags: i32,
    /// The contents: its length is the end position.
    data: Vec<u8>,
    /// The current position (may be past the end).
    cur: usize,
}

/// The signed 32-bit big-endian integer at `at` (`None` when the command is too short).
fn int32(b: &[u8], at: usize) -> Option<i64> {
    let w: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
    Some(i64::from(i32::from_be_bytes(w)))
}

impl RamFile {
    /// Makes the contents `len` bytes long at least (zeros after the old end).
    fn grow_to(&mut self, len: usize) -> Result<(), Errno> {
        if len > self.data.len() {
            self.data
                .try_reserve(len - self.data.len())
                .map_err(|_| Errno::Nomem)?;
            self.data.resize(len, 0);
        }
        Ok(())
    }

    /// Writes `bytes` at `at` (or at the current position, which then moves past them).
    fn write(&mut self, bytes: &[u8], at: Option<usize>) -> Result<usize, Errno> {
        if self.flags & MODE_WRITE == 0 {
            return Err(Errno::Badf);
        }
        let pos = at.unwrap_or(self.cur);
        let end = pos.checked_add(bytes.len()).ok_or(Errno::Inval)?;
        self.grow_to(end)?;
        self.data[pos..end].copy_from_slice(bytes);
        if at.is_none() {
            self.cur = end;
        }
        Ok(bytes.len())
    }

    /// Up to `len` bytes from `at` (or from the current position, which then moves past
    /// them); none at or past the end.
    fn read(&mut self, len: i64, at: Option<usize>) -> Result<Vec<u8>, Errno> {
        if self.flags & MODE_READ == 0 {
            return Err(Errno::Badf);
        }
        let len = usize::try_from(len).map_err(|_| Errno::Inval)?;
        let pos = at.unwrap_or(self.cur);
        let n = len.min(self.data.len().saturating_sub(pos));
        let out = if n == 0 {
            Vec::new()
        } else {
            self.data[pos..pos + n].to_vec()
        };
        if at.is_none() {
            self.cur = pos + n;
        }
        Ok(out)
    }

    fn seek(&mut self, offset: i64, whence: i64) -> Result<usize, Errno> {
        if self.flags == 0 {
            return Err(Errno::Badf);
        }
        let base = match whence as i32 {
            SEEK_SET => 0,
            SEEK_CUR => self.cur as i64,
            SEEK_END => self.data.len() as i64,
            _ => return Err(Errno::Inval),
        };
        let pos = usize::try_from(base + offset).map_err(|_| Errno::Inval)?;
        self.cur = pos;
        Ok(pos)
    }

    /// Carries out one command; the reply to send (`None`: no reply).
    fn command(&mut self, op: u8, args: &[u8]) -> Option<Reply> {
        let reply = match op {
            OPEN => {
                let flags = int32(args, 0).unwrap_or(0) as i32;
                match args.get(4..) {
                    Some(init) => {
                        self.flags = flags;
                        self.data = init.to_vec();
                        self.cur = 0;
                        Reply::Number(0)
                    }
                    None => Reply::Error(Errno::Inval),
                }
            }
            FSYNC | FDATASYNC | ADVISE | ALLOCATE if self.flags == 0 => Reply::Error(Errno::Badf),
            FSYNC | FDATASYNC | ADVISE | ALLOCATE => Reply::Ok,
            WRITE => number(self.write(args, None)),
            PWRITE => match int32(args, 0) {
                Some(at) if at >= 0 => number(self.write(&args[4..], Some(at as usize))),
                _ => Reply::Error(Errno::Inval),
            },
            LSEEK => match (int32(args, 0), int32(args, 4)) {
                (Some(offset), Some(whence)) => number(self.seek(offset, whence)),
                _ => Reply::Error(Errno::Inval),
            },
            PREAD => match (int32(args, 0), int32(args, 4)) {
                (Some(at), Some(len)) if at >= 0 => data(self.read(len, Some(at as usize))),
                _ => Reply::Error(Errno::Inval),
            },
            READ => match int32(args, 0) {
                Some(len) => data(self.read(len, None)),
                None => Reply::Error(Errno::Inval),
            },
            TRUNCATE => {
                if self.flags & MODE_WRITE == 0 {
                    Reply::Error(Errno::Acces)
                } else if self.cur <= self.data.len() {
                    self.data.truncate(self.cur);
                    Reply::Ok
                } else {
                    // A position past the end becomes the end (zeros up to it).
                    match self.grow_to(self.cur) {
                        Ok(()) => Reply::Ok,
                        Err(e) => Reply::Error(e),
                    }
                }
            }
            GET => Reply::Data(self.data.clone()),
            SIZE => Reply::Number(self.data.len() as i64),
            _ => return None,
        };
        Some(reply)
    }
}

/// A reply to one command.
enum Reply {
    Ok,
    Error(Errno),
    Number(i64),
    Data(Vec<u8>),
}

fn number(r: Result<usize, Errno>) -> Reply {
    match r {
        Ok(n) => Reply::Number(n as i64),
        Err(e) => Reply::Error(e),
    }
}

fn data(r: Result<Vec<u8>, Errno>) -> Reply {
    match r {
        Ok(d) => Reply::Data(d),
        Err(e) => Reply::Error(e),
    }
}

impl Driver for RamFile {
    fn output(&mut self, core: &mut PortCore, bytes: &[u8]) {
        let Some((&op, args)) = bytes.split_first() else {
            return;
        };
        match self.command(op, args) {
            None => {}
            Some(Reply::Ok) => core.output2_opt(&[RESP_OK], None),
            Some(Reply::Error(e)) => {
                let mut msg = vec![RESP_ERROR];
                msg.extend_from_slice(e.name());
                core.output2_opt(&msg, None);
            }
            Some(Reply::Number(n)) => {
                // The low 32 bits, as the C driver's put_int32.
                let [_, _, _, _, a, b, c, d] = n.to_be_bytes();
                core.output2_opt(&[RESP_NUMBER, a, b, c, d], None);
            }
            Some(Reply::Data(d)) => {
                let [_, _, _, _, a, b, c, e] = (d.len() as u64).to_be_bytes();
                core.output2(&[RESP_DATA, a, b, c, e], &d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Errno, RamFile, Reply, MODE_READ, MODE_WRITE};

    fn opened(mode: i32, init: &[u8]) -> RamFile {
        let mut f = RamFile::default();
        let mut args = mode.to_be_bytes().to_vec();
        args.extend_from_slice(init);
        assert!(matches!(
            f.command(super::OPEN, &args),
            Some(Reply::Number(0))
        ));
        f
    }

    #[test]
    fn writes_past_the_end_fill_with_zeros() {
        let mut f = opened(MODE_READ | MODE_WRITE, b"abc");
        assert_eq!(f.seek(5, i64::from(super::SEEK_SET)), Ok(5));
        assert_eq!(f.write(b"xy", None), Ok(2));
        assert_eq!(f.data, b"abc\0\0xy");
        assert_eq!(f.read(10, Some(2)), Ok(b"c\0\0xy".to_vec()));
    }

    #[test]
    fn modes_are_checked() {
        let mut f = opened(MODE_READ, b"abc");
        assert_eq!(f.write(b"x", None), Err(Errno::Badf));
        assert!(matches!(
            f.command(super::TRUNCATE, &[]),
            Some(Reply::Error(Errno::Acces))
        ));
        let mut w = opened(MODE_WRITE, b"abc");
        assert_eq!(w.read(1, None), Err(Errno::Badf));
        assert_eq!(w.seek(-1, i64::from(super::SEEK_SET)), Err(Errno::Inval));
        assert_eq!(w.seek(0, 7), Err(Errno::Inval));
    }

    #[test]
    fn unknown_operations_get_no_reply() {
        let mut f = opened(MODE_READ, b"");
        assert!(f.command(99, &[]).is_none());
        let mut closed = RamFile::default();
        assert!(matches!(
            closed.command(super::FSYNC, &[]),
            Some(Reply::Error(Errno::Badf))
        ));
    }
}
