//! The wire format between the VM and the child-setup helper process.
//!
//! This module owns the byte layout of every message and nothing else: it does no I/O.
//! The transport is a `socketpair(AF_UNIX, SOCK_STREAM)`, so messages are framed:
//!
//! ```text
//! frame  = len:u32 body            (len = number of bytes in body, 1 ..= MAX_FRAME)
//! body   = tag:u8 fields
//! str    = n:u32 bytes[n]           (no NUL byte inside; the terminator is not sent)
//! ```
//!
//! All integers are little-endian. The messages:
//!
//! | tag | direction     | fields |
//! |-----|---------------|--------|
//! | 1 `Spawn`  | VM → helper | `request_id:u64 flags:u8 nfds:u16 program:str argc:u32 str[argc] envc:u32 str[envc] [cd:str] nmap:u16 (target:i32 source:u16)[nmap]` |
//! | 2 `Go`     | helper → VM | `request_id:u64 os_pid:u32` |
//! | 3 `Failed` | helper → VM | `request_id:u64 errno:i32` |
//! | 4 `Exited` | helper → VM | `os_pid:u32 status:i32` |
//!
//! `flags`: bit 0 = search `PATH` for the program, bit 1 = a `cd` string is present.
//! `nfds` file descriptors travel with a `Spawn` frame as one `SCM_RIGHTS` control message
//! attached to the frame's first byte, in the order the mapping's `source` indexes them: the
//! mapping entry `(target, source)` means "the `source`-th received fd becomes fd number `target`
//! in the child". One received fd may feed several targets; every target appears once.
//! `status` in `Exited` is already OTP's `exit_status`: the exit code, or 128 + the signal number.
//!
//! Decoding never panics: bad, truncated or oversized input is a [`ProtocolError`].

use std::ffi::CString;
use std::fmt;

/// Bytes in a frame header (the body length).
pub const HEADER_LEN: usize = 4;
/// The largest body accepted in either direction.
pub const MAX_FRAME: usize = 16 << 20;
/// The most file descriptors one `Spawn` may carry (well below the kernel's `SCM_MAX_FD`).
pub const MAX_FDS: usize = 64;
/// The highest fd number a child may be given.
pub const MAX_TARGET_FD: i32 = 1023;

const TAG_SPAWN: u8 = 1;
const TAG_GO: u8 = 2;
const TAG_FAILED: u8 = 3;
const TAG_EXITED: u8 = 4;

const FLAG_SEARCH_PATH: u8 = 1;
const FLAG_CD: u8 = 2;

/// Why a message could not be encoded or decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProtocolError {
    /// The input ended in the middle of a field.
    Truncated,
    /// A frame body longer than [`MAX_FRAME`] (or empty).
    BadLength(usize),
    /// A tag this side does not expect.
    UnknownTag(u8),
    /// Flags with unknown bits set.
    BadFlags(u8),
    /// A string that contains a NUL byte.
    InteriorNul,
    /// Bytes left over after the last field.
    TrailingBytes(usize),
    /// More than [`MAX_FDS`] descriptors or mapping entries.
    TooManyFds(usize),
    /// A mapping entry refers to a descriptor that is not sent.
    BadFdIndex(u16),
    /// A target fd number outside `0 ..= MAX_TARGET_FD`.
    BadTarget(i32),
    /// The same target fd number appears twice.
    DuplicateTarget(i32),
    /// A count that does not fit its field.
    Overflow,
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProtocolError::Truncated => write!(f, "truncated message"),
            ProtocolError::BadLength(n) => write!(f, "bad frame length {n}"),
            ProtocolError::UnknownTag(t) => write!(f, "unknown message tag {t}"),
            ProtocolError::BadFlags(b) => write!(f, "unknown flags {b:#x}"),
            ProtocolError::InteriorNul => write!(f, "string contains a NUL byte"),
            ProtocolError::TrailingBytes(n) => write!(f, "{n} trailing bytes"),
            ProtocolError::TooManyFds(n) => write!(f, "too many file descriptors ({n})"),
            ProtocolError::BadFdIndex(i) => write!(f, "mapping refers to missing fd #{i}"),
            ProtocolError::BadTarget(t) => write!(f, "bad target fd {t}"),
            ProtocolError::DuplicateTarget(t) => write!(f, "target fd {t} mapped twice"),
            ProtocolError::Overflow => write!(f, "count too large"),
        }
    }
}

impl std::error::Error for ProtocolError {}

impl ProtocolError {
    /// The errno a spawn request that fails this way is reported with.
    pub fn errno(&self) -> i32 {
        match self {
            ProtocolError::BadLength(_) | ProtocolError::Overflow => libc::E2BIG,
            ProtocolError::TooManyFds(_) => libc::EMFILE,
            _ => libc::EINVAL,
        }
    }
}

/// One mapping entry: the `source`-th sent descriptor becomes fd `target` in the child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FdMapping {
    pub target: i32,
    pub source: u16,
}

/// A request to start a child (tag 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spawn {
    pub request_id: u64,
    pub program: CString,
    pub argv: Vec<CString>,
    pub env: Vec<CString>,
    pub cd: Option<CString>,
    pub search_path: bool,
    /// How many descriptors travel with the frame.
    pub nfds: u16,
    pub fd_map: Vec<FdMapping>,
}

impl Spawn {
    /// Checks the descriptor mapping: at most [`MAX_FDS`] descriptors and entries, targets in
    /// range and distinct, sources among the sent descriptors.
    pub fn validate(&self) -> Result<(), ProtocolError> {
        if usize::from(self.nfds) > MAX_FDS {
            return Err(ProtocolError::TooManyFds(self.nfds.into()));
        }
        if self.fd_map.len() > MAX_FDS {
            return Err(ProtocolError::TooManyFds(self.fd_map.len()));
        }
        for (i, m) in self.fd_map.iter().enumerate() {
            if !(0..=MAX_TARGET_FD).contains(&m.target) {
                return Err(ProtocolError::BadTarget(m.target));
            }
            if m.source >= self.nfds {
                return Err(ProtocolError::BadFdIndex(m.source));
            }
            if self.fd_map[..i].iter().any(|o| o.target == m.target) {
                return Err(ProtocolError::DuplicateTarget(m.target));
            }
        }
        Ok(())
    }

    /// The whole frame, header included.
    pub fn encode(&self) -> Result<Vec<u8>, ProtocolError> {
        self.validate()?;
        let mut w = Writer::new(TAG_SPAWN);
        w.u64(self.request_id);
        let mut flags = 0;
        if self.search_path {
            flags |= FLAG_SEARCH_PATH;
        }
        if self.cd.is_some() {
            flags |= FLAG_CD;
        }
        w.u8(flags);
        w.u16(self.nfds);
        w.str(&self.program)?;
        w.strs(&self.argv)?;
        w.strs(&self.env)?;
        if let Some(cd) = &self.cd {
            w.str(cd)?;
        }
        w.u16(u16::try_from(self.fd_map.len()).map_err(|_| ProtocolError::Overflow)?);
        for m in &self.fd_map {
            w.i32(m.target);
            w.u16(m.source);
        }
        w.finish()
    }

    /// Decodes a frame body (without the header) and validates it.
    pub fn decode(body: &[u8]) -> Result<Spawn, ProtocolError> {
        let mut r = Reader::new(body);
        let tag = r.u8()?;
        if tag != TAG_SPAWN {
            return Err(ProtocolError::UnknownTag(tag));
        }
        let request_id = r.u64()?;
        let flags = r.u8()?;
        if flags & !(FLAG_SEARCH_PATH | FLAG_CD) != 0 {
            return Err(ProtocolError::BadFlags(flags));
        }
        let nfds = r.u16()?;
        let program = r.str()?;
        let argv = r.strs()?;
        let env = r.strs()?;
        let cd = if flags & FLAG_CD != 0 {
            Some(r.str()?)
        } else {
            None
        };
        let nmap = r.u16()?;
        let mut fd_map = Vec::new();
        for _ in 0..nmap {
            let target = r.i32()?;
            let source = r.u16()?;
            fd_map.push(FdMapping { target, source });
        }
        r.finish()?;
        let spawn = Spawn {
            request_id,
            program,
            argv,
            env,
            cd,
            search_path: flags & FLAG_SEARCH_PATH != 0,
            nfds,
            fd_map,
        };
        spawn.validate()?;
        Ok(spawn)
    }
}

/// The request id of a `Spawn` body too damaged to decode, if at least that much is there.
pub fn peek_request_id(body: &[u8]) -> Option<u64> {
    let mut r = Reader::new(body);
    match r.u8() {
        Ok(TAG_SPAWN) => r.u64().ok(),
        _ => None,
    }
}

/// A message from the helper to the VM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// The child `os_pid` is forked (its exec comes after; a failed one is its exit code).
    Go { request_id: u64, os_pid: u32 },
    /// The request failed; nothing runs.
    Failed { request_id: u64, errno: i32 },
    /// A child reported by `Go` has died; `status` is OTP's `exit_status`.
    Exited { os_pid: u32, status: i32 },
}

impl Reply {
    /// The whole frame, header included.
    pub fn encode(&self) -> Vec<u8> {
        let mut w;
        match *self {
            Reply::Go { request_id, os_pid } => {
                w = Writer::new(TAG_GO);
                w.u64(request_id);
                w.u32(os_pid);
            }
            Reply::Failed { request_id, errno } => {
                w = Writer::new(TAG_FAILED);
                w.u64(request_id);
                w.i32(errno);
            }
            Reply::Exited { os_pid, status } => {
                w = Writer::new(TAG_EXITED);
                w.u32(os_pid);
                w.i32(status);
            }
        }
        // A reply is a few bytes: never over the limit.
        w.finish().unwrap_or_default()
    }

    /// Decodes a frame body (without the header).
    pub fn decode(body: &[u8]) -> Result<Reply, ProtocolError> {
        let mut r = Reader::new(body);
        let reply = match r.u8()? {
            TAG_GO => Reply::Go {
                request_id: r.u64()?,
                os_pid: r.u32()?,
            },
            TAG_FAILED => Reply::Failed {
                request_id: r.u64()?,
                errno: r.i32()?,
            },
            TAG_EXITED => Reply::Exited {
                os_pid: r.u32()?,
                status: r.i32()?,
            },
            tag => return Err(ProtocolError::UnknownTag(tag)),
        };
        r.finish()?;
        Ok(reply)
    }
}

/// The body length announced by a frame header.
pub fn body_len(header: [u8; HEADER_LEN]) -> Result<usize, ProtocolError> {
    let len = u32::from_le_bytes(header) as usize;
    if len == 0 || len > MAX_FRAME {
        return Err(ProtocolError::BadLength(len));
    }
    Ok(len)
}

/// Splits the first complete frame off `buf`: `Ok(Some((body, consumed)))`, or `Ok(None)` when
/// more bytes are needed.
pub fn split_frame(buf: &[u8]) -> Result<Option<(&[u8], usize)>, ProtocolError> {
    let Some(header) = buf.get(..HEADER_LEN) else {
        return Ok(None);
    };
    let mut h = [0; HEADER_LEN];
    h.copy_from_slice(header);
    let len = body_len(h)?;
    Ok(buf
        .get(HEADER_LEN..HEADER_LEN + len)
        .map(|body| (body, HEADER_LEN + len)))
}

struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    fn new(tag: u8) -> Writer {
        let mut buf = Vec::with_capacity(64);
        buf.extend_from_slice(&[0; HEADER_LEN]);
        buf.push(tag);
        Writer { buf }
    }
    fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }
    fn u16(&mut self, v: u16) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    fn i32(&mut self, v: i32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    fn len32(&mut self, n: usize) -> Result<(), ProtocolError> {
        if n > MAX_FRAME {
            return Err(ProtocolError::BadLength(n));
        }
        self.u32(n as u32);
        Ok(())
    }
    fn str(&mut self, s: &CString) -> Result<(), ProtocolError> {
        let bytes = s.as_bytes();
        self.len32(bytes.len())?;
        self.buf.extend_from_slice(bytes);
        if self.buf.len() > HEADER_LEN + MAX_FRAME {
            return Err(ProtocolError::BadLength(self.buf.len() - HEADER_LEN));
        }
        Ok(())
    }
    fn strs(&mut self, v: &[CString]) -> Result<(), ProtocolError> {
        self.len32(v.len())?;
        v.iter().try_for_each(|s| self.str(s))
    }
    fn finish(mut self) -> Result<Vec<u8>, ProtocolError> {
        let len = self.buf.len() - HEADER_LEN;
        if len > MAX_FRAME {
            return Err(ProtocolError::BadLength(len));
        }
        self.buf[..HEADER_LEN].copy_from_slice(&(len as u32).to_le_bytes());
        Ok(self.buf)
    }
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Reader<'a> {
        Reader { buf, pos: 0 }
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8], ProtocolError> {
        let end = self.pos.checked_add(n).ok_or(ProtocolError::Truncated)?;
        let bytes = self
            .buf
            .get(self.pos..end)
            .ok_or(ProtocolError::Truncated)?;
        self.pos = end;
        Ok(bytes)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], ProtocolError> {
        let mut a = [0; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }
    fn u8(&mut self) -> Result<u8, ProtocolError> {
        Ok(self.array::<1>()?[0])
    }
    fn u16(&mut self) -> Result<u16, ProtocolError> {
        self.array().map(u16::from_le_bytes)
    }
    fn u32(&mut self) -> Result<u32, ProtocolError> {
        self.array().map(u32::from_le_bytes)
    }
    fn i32(&mut self) -> Result<i32, ProtocolError> {
        self.array().map(i32::from_le_bytes)
    }
    fn u64(&mut self) -> Result<u64, ProtocolError> {
        self.array().map(u64::from_le_bytes)
    }
    fn str(&mut self) -> Result<CString, ProtocolError> {
        let n = self.u32()? as usize;
        let bytes = self.take(n)?;
        CString::new(bytes).map_err(|_| ProtocolError::InteriorNul)
    }
    fn strs(&mut self) -> Result<Vec<CString>, ProtocolError> {
        let n = self.u32()? as usize;
        // Each string takes at least its 4-byte length: a larger count cannot be genuine.
        if n > (self.buf.len() - self.pos) / 4 {
            return Err(ProtocolError::Truncated);
        }
        (0..n).map(|_| self.str()).collect()
    }
    fn finish(&self) -> Result<(), ProtocolError> {
        match self.buf.len() - self.pos {
            0 => Ok(()),
            n => Err(ProtocolError::TrailingBytes(n)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> CString {
        CString::new(s).unwrap()
    }

    fn sample() -> Spawn {
        Spawn {
            request_id: 0x0102_0304_0506_0708,
            program: c("/bin/sh"),
            argv: vec![c("sh"), c("-c"), c("echo hi")],
            env: vec![c("A=1"), c("EMPTY=")],
            cd: Some(c("/tmp")),
            search_path: true,
            nfds: 2,
            fd_map: vec![
                FdMapping {
                    target: 0,
                    source: 0,
                },
                FdMapping {
                    target: 1,
                    source: 1,
                },
                FdMapping {
                    target: 2,
                    source: 1,
                },
            ],
        }
    }

    #[test]
    fn spawn_round_trip() {
        let s = sample();
        let frame = s.encode().unwrap();
        let (body, used) = split_frame(&frame).unwrap().unwrap();
        assert_eq!(used, frame.len());
        assert_eq!(Spawn::decode(body).unwrap(), s);
        assert_eq!(peek_request_id(body), Some(s.request_id));

        let bare = Spawn {
            cd: None,
            search_path: false,
            env: vec![],
            nfds: 0,
            fd_map: vec![],
            ..sample()
        };
        let frame = bare.encode().unwrap();
        assert_eq!(Spawn::decode(&frame[HEADER_LEN..]).unwrap(), bare);
    }

    #[test]
    fn reply_round_trip() {
        for r in [
            Reply::Go {
                request_id: 7,
                os_pid: 1234,
            },
            Reply::Failed {
                request_id: u64::MAX,
                errno: libc::ENOENT,
            },
            Reply::Exited {
                os_pid: 99,
                status: 137,
            },
        ] {
            let frame = r.encode();
            let (body, used) = split_frame(&frame).unwrap().unwrap();
            assert_eq!(used, frame.len());
            assert_eq!(Reply::decode(body).unwrap(), r);
        }
    }

    #[test]
    fn truncated_input_is_an_error() {
        let frame = sample().encode().unwrap();
        let body = &frame[HEADER_LEN..];
        for n in 0..body.len() {
            assert!(Spawn::decode(&body[..n]).is_err(), "prefix {n}");
            assert_eq!(split_frame(&frame[..HEADER_LEN + n]).unwrap(), None);
        }
        let reply = Reply::Exited {
            os_pid: 1,
            status: 2,
        }
        .encode();
        for n in 0..reply.len() - HEADER_LEN {
            assert!(Reply::decode(&reply[HEADER_LEN..HEADER_LEN + n]).is_err());
        }
    }

    #[test]
    fn bad_input_is_an_error() {
        assert_eq!(Reply::decode(&[9, 0, 0]), Err(ProtocolError::UnknownTag(9)));
        assert_eq!(
            split_frame(&[0, 0, 0, 0, 1]),
            Err(ProtocolError::BadLength(0))
        );
        assert_eq!(
            split_frame(&[0xff, 0xff, 0xff, 0xff]),
            Err(ProtocolError::BadLength(u32::MAX as usize))
        );
        let mut reply = Reply::Go {
            request_id: 1,
            os_pid: 2,
        }
        .encode();
        reply.push(0);
        assert_eq!(
            Reply::decode(&reply[HEADER_LEN..]),
            Err(ProtocolError::TrailingBytes(1))
        );
        // A string length pointing past the end, and a huge count.
        let mut body = vec![TAG_SPAWN];
        body.extend_from_slice(&1u64.to_le_bytes());
        body.push(0);
        body.extend_from_slice(&0u16.to_le_bytes());
        body.extend_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(Spawn::decode(&body), Err(ProtocolError::Truncated));
        // Mapping problems are caught both ways.
        let mut s = sample();
        s.fd_map[1].source = 5;
        assert_eq!(s.encode(), Err(ProtocolError::BadFdIndex(5)));
        let mut s = sample();
        s.fd_map[2].target = 1;
        assert_eq!(s.encode(), Err(ProtocolError::DuplicateTarget(1)));
        let mut s = sample();
        s.fd_map[0].target = -1;
        assert_eq!(s.encode(), Err(ProtocolError::BadTarget(-1)));
        // Garbage of every short length never panics.
        let mut seed = 0x1234_5678u32;
        for len in 0..200 {
            let junk: Vec<u8> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    (seed >> 16) as u8
                })
                .collect();
            let _ = Spawn::decode(&junk);
            let _ = Reply::decode(&junk);
            let _ = split_frame(&junk);
            let mut tagged = junk.clone();
            tagged.insert(0, TAG_SPAWN);
            let _ = Spawn::decode(&tagged);
        }
    }
}
