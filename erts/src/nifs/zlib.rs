//! The built-in `zlib` NIF library (OTP's `zlib_nif.c`): the streams behind `zlib:open/0`,
//! over zlib itself (the `libz-sys` crate's build of it, linked into the runtime).
//!
//! A stream is a magic object named by a magic reference, as OTP's resource: a `z_stream`,
//! its state (none, deflating, inflating, closed), the process that controls it (every
//! function raises `not_on_controlling_process` for any other), an input queue that
//! `enqueue_nif/2` fills with the binaries of `erlang:iolist_to_iovec/1` and the codec calls
//! drain, and a *stash* (one term kept across calls, which `zlib.erl` uses for output it
//! must hand back later).
//!
//! `deflate_nif/4` and `inflate_nif/4` take the input chunk size, the output chunk size and
//! the flush mode; each call consumes queued input up to about the input chunk size, fills
//! at most one output chunk, and answers `{continue, Output}` (call again), `{finished,
//! Output}` (all input consumed and the output chunk not full) or `{need_dictionary, Adler,
//! Output}`; `zlib.erl` loops over them. Errors are OTP's: `data_error` and `stream_error`
//! are raised, other zlib codes returned as atoms (`buf_error`, `mem_error`, ...);
//! `not_initialized` and `already_initialized` are raised for calls in the wrong state.
//! A chunk size that is not positive is `badarg` (OTP leaves that undefined; `zlib.erl`
//! never passes one).
//!
//! Every call into zlib (`unsafe` FFI) is in [`ZStream`]; the rest of the module is safe.

use super::{get_i32, object_of, BuiltinLib, BuiltinNif};
use crate::atom;
use crate::exception::{BifResult, Fail};
use crate::magic::{self, MagicHeader};
use crate::process::signals::OwnedTerm;
use crate::process::Process;
use crate::term::{boxed, Term};
use libz_sys as z;
use parking_lot::Mutex;
use std::collections::VecDeque;
use std::ffi::{c_int, c_void};

/// The magic kind of zlib streams (`"ZLIBSTR"`).
pub const STREAM_KIND: u64 = u64::from_be_bytes(*b"ZLIBSTR\0");

/// The most dictionary bytes zlib keeps for inflating (its largest window).
const INFLATE_DICT_SIZE: usize = 32768;

/// The most binaries one `enqueue_nif/2` call takes from its list (OTP's limit for
/// `enif_inspect_iovec` there); the rest comes back as `{continue, Tail}`.
const ENQUEUE_MAX_ELEMENTS: usize = 256;

/// `inflateChunk/1`'s output size until `setBufSize/2` says otherwise.
const DEFAULT_CHUNK_BUF_SIZE: i32 = 4000;

macro_rules! nif {
    ($name:literal, $arity:literal, $f:expr) => {
        BuiltinNif {
            name: $name,
            arity: $arity,
            f: $f,
        }
    };
}

/// The library: the stubs of `zlib.erl` (its `-nifs` attribute).
pub static LIB: BuiltinLib = BuiltinLib {
    module: "zlib",
    funcs: &[
        nif!("close_nif", 1, close_nif),
        nif!("open_nif", 0, open_nif),
        nif!("set_controller_nif", 2, set_controller_nif),
        nif!("deflateInit_nif", 6, deflate_init_nif),
        nif!("deflateSetDictionary_nif", 2, deflate_set_dictionary_nif),
        nif!("deflateReset_nif", 1, deflate_reset_nif),
        nif!("deflateEnd_nif", 1, deflate_end_nif),
        nif!("deflateParams_nif", 3, deflate_params_nif),
        nif!("deflate_nif", 4, deflate_nif),
        nif!("inflateInit_nif", 3, inflate_init_nif),
        nif!("inflateSetDictionary_nif", 2, inflate_set_dictionary_nif),
        nif!("inflateGetDictionary_nif", 1, inflate_get_dictionary_nif),
        nif!("inflateReset_nif", 1, inflate_reset_nif),
        nif!("inflateEnd_nif", 1, inflate_end_nif),
        nif!("inflate_nif", 4, inflate_nif),
        nif!("crc32_nif", 1, crc32_nif),
        nif!("getStash_nif", 1, get_stash_nif),
        nif!("clearStash_nif", 1, clear_stash_nif),
        nif!("setStash_nif", 2, set_stash_nif),
        nif!("getBufSize_nif", 1, get_buf_size_nif),
        nif!("setBufSize_nif", 2, set_buf_size_nif),
        nif!("enqueue_nif", 2, enqueue_nif),
    ],
    load: |_| 0,
};

// `inflateGetDictionary` is in the zlib that `libz-sys` links (1.2.7.1 and later) but not in
// its declarations.
extern "C" {
    fn inflateGetDictionary(strm: z::z_streamp, dictionary: *mut u8, len: *mut z::uInt) -> c_int;
}

/// Which way a stream works, once initialized.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    None,
    Deflate,
    Inflate,
    Closed,
}

/// What `inflate_nif/4` does with input that follows the end of the compressed stream
/// (`zlib:inflateInit/3`'s `EoSBehavior`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum EndOfStream {
    /// `error`: raise `data_error`.
    Error,
    /// `reset`: start a new stream on it (concatenated gzip members).
    Reset,
    /// `cut`: drop it.
    Cut,
}

impl EndOfStream {
    fn from_int(v: i32) -> Option<EndOfStream> {
        match v {
            0 => Some(EndOfStream::Error),
            1 => Some(EndOfStream::Reset),
            2 => Some(EndOfStream::Cut),
            _ => None,
        }
    }
}

/// A zlib result code (`Z_OK`, `Z_DATA_ERROR`, ...).
type ZCode = c_int;

/// The two codecs: one call of `deflate` or `inflate`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Codec {
    Deflate,
    Inflate,
}

unsafe extern "C" fn z_alloc(_opaque: *mut c_void, items: z::uInt, size: z::uInt) -> *mut c_void {
    // SAFETY: plain allocation; zlib frees it with `z_free`.
    unsafe { libc::calloc(items as usize, size as usize) }
}

unsafe extern "C" fn z_free(_opaque: *mut c_void, p: *mut c_void) {
    // SAFETY: `p` came from `z_alloc`.
    unsafe { libc::free(p) }
}

/// A `z_stream` and which of zlib's initializations it had. Boxed: zlib's internal state
/// points back at it, so it must not move.
struct ZStream {
    s: Box<z::z_stream>,
    mode: Mode,
}

impl ZStream {
    fn new() -> ZStream {
        ZStream {
            s: Box::new(z::z_stream {
                next_in: std::ptr::null_mut(),
                avail_in: 0,
                total_in: 0,
                next_out: std::ptr::null_mut(),
                avail_out: 0,
                total_out: 0,
                msg: std::ptr::null_mut(),
                state: std::ptr::null_mut(),
                zalloc: z_alloc,
                zfree: z_free,
                opaque: std::ptr::null_mut(),
                data_type: z::Z_BINARY,
                adler: 0,
                reserved: 0,
            }),
            mode: Mode::None,
        }
    }

    fn stream_size() -> c_int {
        std::mem::size_of::<z::z_stream>() as c_int
    }

    /// `deflateInit2`; the stream deflates when it returns `Z_OK`.
    fn deflate_init(
        &mut self,
        level: i32,
        method: i32,
        bits: i32,
        mem: i32,
        strategy: i32,
    ) -> ZCode {
        debug_assert_eq!(self.mode, Mode::None);
        // SAFETY: the stream is boxed (does not move) and not initialized; zlibVersion is a
        // static string.
        let r = unsafe {
            z::deflateInit2_(
                &mut *self.s,
                level,
                method,
                bits,
                mem,
                strategy,
                z::zlibVersion(),
                Self::stream_size(),
            )
        };
        if r == z::Z_OK {
            self.mode = Mode::Deflate;
        }
        r
    }

    /// `inflateInit2`; the stream inflates when it returns `Z_OK`.
    fn inflate_init(&mut self, bits: i32) -> ZCode {
        debug_assert_eq!(self.mode, Mode::None);
        // SAFETY: as in `deflate_init`.
        let r =
            unsafe { z::inflateInit2_(&mut *self.s, bits, z::zlibVersion(), Self::stream_size()) };
        if r == z::Z_OK {
            self.mode = Mode::Inflate;
        }
        r
    }

    /// `deflateEnd` or `inflateEnd`, whichever the stream had; it is uninitialized after.
    fn end(&mut self) -> ZCode {
        // SAFETY: the stream was initialized for the codec that ends it.
        let r = unsafe {
            match self.mode {
                Mode::Deflate => z::deflateEnd(&mut *self.s),
                Mode::Inflate => z::inflateEnd(&mut *self.s),
                Mode::None | Mode::Closed => return z::Z_OK,
            }
        };
        self.mode = Mode::None;
        r
    }

    /// `deflateReset` or `inflateReset`.
    fn reset(&mut self) -> ZCode {
        // SAFETY: the stream was initialized for the codec that resets it.
        unsafe {
            match self.mode {
                Mode::Deflate => z::deflateReset(&mut *self.s),
                Mode::Inflate => z::inflateReset(&mut *self.s),
                Mode::None | Mode::Closed => z::Z_STREAM_ERROR,
            }
        }
    }

    /// One call of the codec on `input` (may be empty) into `out[*produced..]` with `flush`;
    /// the bytes of `input` it consumed. `*produced` grows by what it wrote.
    fn run(
        &mut self,
        codec: Codec,
        input: &[u8],
        out: &mut [u8],
        produced: &mut usize,
        flush: c_int,
    ) -> (ZCode, usize) {
        let room = &mut out[*produced..];
        let avail_in = input.len().min(z::uInt::MAX as usize);
        let avail_out = room.len().min(z::uInt::MAX as usize);
        self.s.next_in = if avail_in == 0 {
            std::ptr::null_mut()
        } else {
            input.as_ptr() as *mut u8
        };
        self.s.avail_in = avail_in as z::uInt;
        self.s.next_out = room.as_mut_ptr();
        self.s.avail_out = avail_out as z::uInt;
        // SAFETY: the stream was initialized for `codec` (checked by the callers' state
        // test); `next_in`/`next_out` point into live slices of the lengths given, which zlib
        // only reads / writes within.
        let r = unsafe {
            match codec {
                Codec::Deflate => z::deflate(&mut *self.s, flush),
                Codec::Inflate => z::inflate(&mut *self.s, flush),
            }
        };
        let consumed = avail_in - self.s.avail_in as usize;
        *produced += avail_out - self.s.avail_out as usize;
        self.clear_buffers();
        (r, consumed)
    }

    /// Forgets the buffers of the last call (they belonged to it).
    fn clear_buffers(&mut self) {
        self.s.next_in = std::ptr::null_mut();
        self.s.avail_in = 0;
        self.s.next_out = std::ptr::null_mut();
        self.s.avail_out = 0;
    }

    /// `deflateParams`, given a one-byte output buffer: the code, and whether zlib wrote into
    /// it (it must not: the caller flushed everything first).
    fn deflate_params(&mut self, level: i32, strategy: i32) -> (ZCode, bool) {
        let mut dummy = [0u8; 1];
        self.s.next_out = dummy.as_mut_ptr();
        self.s.avail_out = 1;
        // SAFETY: a deflating stream; `next_out` points at `dummy`, one byte.
        let r = unsafe { z::deflateParams(&mut *self.s, level, strategy) };
        let wrote = self.s.avail_out == 0;
        self.clear_buffers();
        (r, wrote)
    }

    /// `deflateSetDictionary` or `inflateSetDictionary`.
    fn set_dictionary(&mut self, dict: &[u8]) -> ZCode {
        let Ok(len) = z::uInt::try_from(dict.len()) else {
            return z::Z_STREAM_ERROR;
        };
        // SAFETY: an initialized stream; zlib reads `len` bytes of `dict`.
        unsafe {
            match self.mode {
                Mode::Deflate => z::deflateSetDictionary(&mut *self.s, dict.as_ptr(), len),
                Mode::Inflate => z::inflateSetDictionary(&mut *self.s, dict.as_ptr(), len),
                Mode::None | Mode::Closed => z::Z_STREAM_ERROR,
            }
        }
    }

    /// `inflateGetDictionary`: the inflater's current dictionary.
    fn get_dictionary(&mut self) -> Result<Vec<u8>, ZCode> {
        let mut buf = vec![0u8; INFLATE_DICT_SIZE];
        let mut len: z::uInt = 0;
        // SAFETY: an inflating stream; zlib writes at most its window size (32 KiB, the
        // buffer's size) into `buf`.
        let r = unsafe { inflateGetDictionary(&mut *self.s, buf.as_mut_ptr(), &mut len) };
        if r < 0 {
            return Err(r);
        }
        buf.truncate(len as usize);
        Ok(buf)
    }

    /// The running checksum zlib keeps (`adler`: Adler-32, or CRC-32 for gzip).
    #[allow(clippy::unnecessary_cast)] // `uLong` is 32 bits wide on some platforms
    fn adler(&self) -> u64 {
        self.s.adler as u64
    }
}

impl Drop for ZStream {
    fn drop(&mut self) {
        self.end();
    }
}

/// zlib's `crc32` continuing from `crc`.
fn crc32(crc: u32, data: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new_with_initial(crc);
    h.update(data);
    h.finalize()
}

/// zlib's `adler32` continuing from `adler` (which need not be the usual 1).
fn adler32(adler: u32, data: &[u8]) -> u32 {
    let mut a = adler::Adler32::from_checksum(adler);
    a.write_slice(data);
    a.checksum()
}

/// Queued input: whole binaries, the first one partly consumed (OTP's I/O queue).
#[derive(Default)]
struct InputQueue {
    parts: VecDeque<Vec<u8>>,
    /// Bytes of the first part already consumed.
    head_offset: usize,
    size: usize,
}

impl InputQueue {
    fn push(&mut self, part: Vec<u8>) {
        if !part.is_empty() {
            self.size += part.len();
            self.parts.push_back(part);
        }
    }

    /// The `i`th queued piece (the first without its consumed bytes).
    fn piece(&self, i: usize) -> Option<&[u8]> {
        let p = self.parts.get(i)?;
        Some(if i == 0 {
            &p[self.head_offset..]
        } else {
            &p[..]
        })
    }

    /// Drops `n` bytes from the front (at most what is queued).
    fn dequeue(&mut self, mut n: usize) {
        n = n.min(self.size);
        self.size -= n;
        while n > 0 {
            let first = self.parts[0].len() - self.head_offset;
            if n >= first {
                n -= first;
                self.parts.pop_front();
                self.head_offset = 0;
            } else {
                self.head_offset += n;
                n = 0;
            }
        }
    }
}

/// The state of a stream besides zlib's own.
struct Inner {
    z: ZStream,
    /// `Mode::Closed` after `close_nif/1`; else the zlib stream's mode.
    closed: bool,
    eos_behavior: EndOfStream,
    eos_seen: bool,
    /// CRC-32 of the plain text (`zlib:crc32/1`): the input of a raw deflater, the output of
    /// a raw inflater.
    input_crc: u32,
    output_crc: u32,
    want_input_crc: bool,
    want_output_crc: bool,
    is_raw: bool,
    /// `inflateChunk/1`'s output size.
    chunk_buf_size: i32,
    /// The controlling process (a local pid).
    controller: Term,
    input: InputQueue,
    stash: Option<OwnedTerm>,
}

impl Inner {
    fn mode(&self) -> Mode {
        if self.closed {
            Mode::Closed
        } else {
            self.z.mode
        }
    }

    /// Empties the input queue and the stash (a reset or an end of the codec).
    fn reset_input(&mut self) {
        self.input = InputQueue::default();
        self.stash = None;
    }
}

/// A stream object: the magic header, then the state.
#[repr(C)]
struct Stream {
    magic: MagicHeader,
    inner: Mutex<Inner>,
}

/// Frees a stream whose last count was dropped (ending its zlib stream).
///
/// # Safety
/// `p` must be a stream made by [`open_nif`] with no count left.
unsafe fn destroy(p: *const MagicHeader) {
    // SAFETY: made by `Box::into_raw` in `open_nif`, and no longer referenced.
    drop(unsafe { Box::from_raw(p as *mut Stream) });
}

/// The stream `t` names, locked, after checking that the caller controls it (`badarg` for a
/// term that is no stream, `not_on_controlling_process` for another process).
fn stream<'a>(p: &Process, t: Term) -> Result<parking_lot::MutexGuard<'a, Inner>, Fail> {
    // SAFETY: only `Stream`s have `STREAM_KIND`; `t` is an argument on the caller's heap.
    let s = unsafe { object_of::<Stream>(t, STREAM_KIND) }.ok_or_else(Fail::badarg)?;
    let inner = s.inner.lock();
    if inner.controller != p.pid() {
        return Err(raise("not_on_controlling_process"));
    }
    Ok(inner)
}

/// The stream `t` names, which must be in `mode` (else `not_initialized`).
fn stream_in<'a>(
    p: &Process,
    t: Term,
    mode: Mode,
) -> Result<parking_lot::MutexGuard<'a, Inner>, Fail> {
    let inner = stream(p, t)?;
    if inner.mode() != mode {
        return Err(raise("not_initialized"));
    }
    Ok(inner)
}

fn raise(name: &str) -> Fail {
    Fail::error_atom(atom::atom(name))
}

fn ok() -> Term {
    Term::atom(atom::OK)
}

fn uint(p: &mut Process, v: u64) -> Term {
    crate::bignum::from_i128(&mut p.heap, v as i128)
}

/// A zlib result as OTP answers it: `ok`, `stream_end`, an errno, or an error atom;
/// `stream_error` and `data_error` are raised.
fn z_return(code: ZCode) -> BifResult {
    let name = match code {
        z::Z_OK => "ok",
        z::Z_STREAM_END => "stream_end",
        z::Z_ERRNO => {
            let errno = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
            return Ok(Term::small(errno as i64));
        }
        z::Z_STREAM_ERROR => return Err(raise("stream_error")),
        z::Z_DATA_ERROR => return Err(raise("data_error")),
        z::Z_MEM_ERROR => "mem_error",
        z::Z_BUF_ERROR => "buf_error",
        z::Z_VERSION_ERROR => "version_error",
        _ => "unknown_error",
    };
    Ok(Term::atom(atom::atom(name)))
}

/// `enif_consume_timeslice`: charges `percent` of a time slice; true when the slice is used
/// up.
fn consume_timeslice(p: &mut Process, percent: usize) -> bool {
    let per_percent = (crate::sched::worker::CONTEXT_REDS + 99) / 100;
    let reds = per_percent * percent.clamp(1, 100) as i64;
    p.charge(reds as u32);
    p.nif_reds_left - p.extra_reds as i64 <= 0
}

fn open_nif(p: &mut Process, _: &[Term]) -> BifResult {
    let inner = Inner {
        z: ZStream::new(),
        closed: false,
        eos_behavior: EndOfStream::Cut,
        eos_seen: false,
        input_crc: 0,
        output_crc: 0,
        want_input_crc: false,
        want_output_crc: false,
        is_raw: false,
        chunk_buf_size: DEFAULT_CHUNK_BUF_SIZE,
        controller: p.pid(),
        input: InputQueue::default(),
        stash: None,
    };
    let s = Box::into_raw(Box::new(Stream {
        magic: MagicHeader::new(STREAM_KIND, destroy),
        inner: Mutex::new(inner),
    })) as *const MagicHeader;
    // SAFETY: a live object with its creator's count, handed over to the term.
    unsafe {
        magic::register(s);
        Ok(magic::make_ref_owned(&mut p.heap, s))
    }
}

fn close_nif(p: &mut Process, a: &[Term]) -> BifResult {
    let mut d = stream(p, a[0])?;
    if d.closed {
        return Err(raise("not_initialized"));
    }
    d.z.end();
    d.stash = None;
    d.closed = true;
    Ok(ok())
}

fn set_controller_nif(p: &mut Process, a: &[Term]) -> BifResult {
    // SAFETY: as in `stream`.
    let s = unsafe { object_of::<Stream>(a[0], STREAM_KIND) }.ok_or_else(Fail::badarg)?;
    if !a[1].is_local_pid() {
        return Err(Fail::badarg());
    }
    let mut d = s.inner.lock();
    if d.controller != p.pid() {
        return Err(raise("not_on_controlling_process"));
    }
    d.controller = a[1];
    Ok(ok())
}

fn deflate_init_nif(p: &mut Process, a: &[Term]) -> BifResult {
    // SAFETY: as in `stream`.
    unsafe { object_of::<Stream>(a[0], STREAM_KIND) }.ok_or_else(Fail::badarg)?;
    let ints: Vec<i32> = a[1..6]
        .iter()
        .map(|t| get_i32(*t))
        .collect::<Option<_>>()
        .ok_or_else(Fail::badarg)?;
    let mut d = stream(p, a[0])?;
    if d.mode() != Mode::None {
        return Err(raise("already_initialized"));
    }
    let (level, method, bits, mem, strategy) = (ints[0], ints[1], ints[2], ints[3], ints[4]);
    let r = d.z.deflate_init(level, method, bits, mem, strategy);
    if r == z::Z_OK {
        d.eos_seen = false;
        d.is_raw = bits < 0;
        d.want_output_crc = false;
        d.want_input_crc = d.is_raw;
        d.output_crc = 0;
        d.input_crc = 0;
    }
    z_return(r)
}

fn deflate_set_dictionary_nif(p: &mut Process, a: &[Term]) -> BifResult {
    let dict = dictionary_arg(a)?;
    let mut d = stream_in(p, a[0], Mode::Deflate)?;
    let r = d.z.set_dictionary(&dict);
    if r != z::Z_OK {
        return z_return(r);
    }
    // A raw deflater keeps no Adler-32; OTP computes one over the dictionary (from 0).
    let sum = if d.is_raw {
        adler32(0, &dict) as u64
    } else {
        d.z.adler()
    };
    drop(d);
    Ok(uint(p, sum))
}

/// The dictionary argument (`a[1]`, iodata) of a stream (`a[0]`), checked as OTP does.
fn dictionary_arg(a: &[Term]) -> Result<Vec<u8>, Fail> {
    // SAFETY: as in `stream`.
    unsafe { object_of::<Stream>(a[0], STREAM_KIND) }.ok_or_else(Fail::badarg)?;
    crate::bif::iodata::iodata_to_bytes(a[1]).ok_or_else(Fail::badarg)
}

fn deflate_reset_nif(p: &mut Process, a: &[Term]) -> BifResult {
    let mut d = stream_in(p, a[0], Mode::Deflate)?;
    let r = d.z.reset();
    d.input_crc = 0;
    d.eos_seen = false;
    d.reset_input();
    z_return(r)
}

fn deflate_end_nif(p: &mut Process, a: &[Term]) -> BifResult {
    let mut d = stream_in(p, a[0], Mode::Deflate)?;
    let mut r = d.z.end();
    if r == z::Z_OK && d.input.size > 0 {
        r = z::Z_DATA_ERROR;
    }
    d.reset_input();
    z_return(r)
}

fn deflate_params_nif(p: &mut Process, a: &[Term]) -> BifResult {
    // SAFETY: as in `stream`.
    unsafe { object_of::<Stream>(a[0], STREAM_KIND) }.ok_or_else(Fail::badarg)?;
    let (Some(level), Some(strategy)) = (get_i32(a[1]), get_i32(a[2])) else {
        return Err(Fail::badarg());
    };
    let mut d = stream_in(p, a[0], Mode::Deflate)?;
    // `zlib.erl` flushed the stream first, so zlib has nothing to write here; if it did,
    // the output would be lost: refuse.
    let (r, wrote) = d.z.deflate_params(level, strategy);
    if wrote {
        return z_return(z::Z_STREAM_ERROR);
    }
    z_return(r)
}

/// The chunk sizes and flush mode of `deflate_nif/4` and `inflate_nif/4`.
fn codec_args(a: &[Term]) -> Result<(usize, usize, c_int), Fail> {
    // SAFETY: as in `stream`.
    unsafe { object_of::<Stream>(a[0], STREAM_KIND) }.ok_or_else(Fail::badarg)?;
    let (Some(input), Some(output), Some(flush)) = (get_i32(a[1]), get_i32(a[2]), get_i32(a[3]))
    else {
        return Err(Fail::badarg());
    };
    if input <= 0 || output <= 0 {
        return Err(Fail::badarg());
    }
    Ok((input as usize, output as usize, flush))
}

fn deflate_nif(p: &mut Process, a: &[Term]) -> BifResult {
    let (input, output, flush) = codec_args(a)?;
    let mut d = stream_in(p, a[0], Mode::Deflate)?;
    codec(p, &mut d, Codec::Deflate, input, output, flush)
}

fn inflate_init_nif(p: &mut Process, a: &[Term]) -> BifResult {
    // SAFETY: as in `stream`.
    unsafe { object_of::<Stream>(a[0], STREAM_KIND) }.ok_or_else(Fail::badarg)?;
    let (Some(bits), Some(eos)) = (get_i32(a[1]), get_i32(a[2])) else {
        return Err(Fail::badarg());
    };
    let mut d = stream(p, a[0])?;
    if d.mode() != Mode::None {
        return Err(raise("already_initialized"));
    }
    // OTP stores any integer here; one `zlib.erl` does not make behaves as `cut`.
    let eos = EndOfStream::from_int(eos).unwrap_or(EndOfStream::Cut);
    let r = d.z.inflate_init(bits);
    if r == z::Z_OK {
        d.eos_behavior = eos;
        d.eos_seen = false;
        d.is_raw = bits < 0;
        d.want_output_crc = d.is_raw;
        d.want_input_crc = false;
        d.output_crc = 0;
        d.input_crc = 0;
    }
    z_return(r)
}

fn inflate_set_dictionary_nif(p: &mut Process, a: &[Term]) -> BifResult {
    let dict = dictionary_arg(a)?;
    let mut d = stream_in(p, a[0], Mode::Inflate)?;
    let r = d.z.set_dictionary(&dict);
    z_return(r)
}

fn inflate_get_dictionary_nif(p: &mut Process, a: &[Term]) -> BifResult {
    let mut d = stream_in(p, a[0], Mode::Inflate)?;
    match d.z.get_dictionary() {
        Ok(dict) => {
            drop(d);
            Ok(boxed::binary(&mut p.heap, &dict))
        }
        Err(code) => z_return(code),
    }
}

fn inflate_reset_nif(p: &mut Process, a: &[Term]) -> BifResult {
    let mut d = stream_in(p, a[0], Mode::Inflate)?;
    let r = d.z.reset();
    d.output_crc = 0;
    d.eos_seen = false;
    d.reset_input();
    z_return(r)
}

fn inflate_end_nif(p: &mut Process, a: &[Term]) -> BifResult {
    let mut d = stream_in(p, a[0], Mode::Inflate)?;
    let mut r = d.z.end();
    if r == z::Z_OK && (!d.eos_seen || d.input.size > 0) {
        r = z::Z_DATA_ERROR;
    }
    d.reset_input();
    z_return(r)
}

fn inflate_nif(p: &mut Process, a: &[Term]) -> BifResult {
    let (input, output, flush) = codec_args(a)?;
    let mut d = stream_in(p, a[0], Mode::Inflate)?;
    if d.eos_seen && d.input.size > 0 {
        match d.eos_behavior {
            EndOfStream::Error => return z_return(z::Z_DATA_ERROR),
            EndOfStream::Reset => {
                let r = d.z.reset();
                if r != z::Z_OK {
                    return z_return(r);
                }
                d.eos_seen = false;
            }
            EndOfStream::Cut => d.reset_input(),
        }
    }
    codec(p, &mut d, Codec::Inflate, input, output, flush)
}

/// One step of a codec over the queued input: consumes up to about `input_limit` bytes (whole
/// queued pieces, each cut to the limit) into one output chunk of `output_size` bytes, then,
/// when all input is consumed and the chunk has room, flushes with `flush`.
fn codec(
    p: &mut Process,
    d: &mut Inner,
    codec: Codec,
    input_limit: usize,
    output_size: usize,
    flush: c_int,
) -> BifResult {
    let mut out = vec![0u8; output_size];
    let mut produced = 0usize;
    let mut consumed = 0usize;
    let mut res = z::Z_OK;
    let mut i = 0;
    while res == z::Z_OK && consumed < input_limit {
        let Some(piece) = d.input.piece(i) else { break };
        let block = &piece[..piece.len().min(input_limit)];
        // Input is flushed only once all of it has gone in.
        let (r, used) =
            d.z.run(codec, block, &mut out, &mut produced, z::Z_NO_FLUSH);
        res = r;
        consumed += used;
        if d.want_input_crc {
            d.input_crc = crc32(d.input_crc, &block[..used]);
        }
        if consume_timeslice(p, (100 * used / input_limit).max(1)) {
            break;
        }
        i += 1;
    }
    d.input.dequeue(consumed);
    let remaining = d.input.size;
    if res == z::Z_OK && remaining == 0 && produced < output_size {
        // All input is in: flush as asked (even without a flush mode, output may be pending
        // from a previous call whose chunk was full).
        let (r, _) = d.z.run(codec, &[], &mut out, &mut produced, flush);
        res = r;
    }
    if res < 0 && res != z::Z_BUF_ERROR {
        return z_return(res);
    }
    if res == z::Z_STREAM_END {
        d.eos_seen = true;
    }
    if d.want_output_crc {
        d.output_crc = crc32(d.output_crc, &out[..produced]);
    }
    if consumed == 0 && produced == 0 && remaining != 0 {
        // No progress on input that is there: it is not a valid stream.
        return z_return(z::Z_DATA_ERROR);
    }
    let h = &mut p.heap;
    let output = if produced > 0 {
        let bin = boxed::binary(h, &out[..produced]);
        boxed::cons(h, bin, Term::NIL)
    } else {
        Term::NIL
    };
    let mark = if remaining == 0 && produced < output_size {
        "finished"
    } else if res != z::Z_NEED_DICT {
        "continue"
    } else {
        let adler = d.z.adler();
        let adler = crate::bignum::from_i128(h, adler as i128);
        return Ok(boxed::tuple(
            h,
            &[Term::atom(atom::atom("need_dictionary")), adler, output],
        ));
    };
    Ok(boxed::tuple(h, &[Term::atom(atom::atom(mark)), output]))
}

fn crc32_nif(p: &mut Process, a: &[Term]) -> BifResult {
    let d = stream(p, a[0])?;
    let crc = match d.mode() {
        Mode::Deflate => d.input_crc,
        Mode::Inflate => d.output_crc,
        Mode::None | Mode::Closed => return Err(raise("not_initialized")),
    };
    drop(d);
    Ok(uint(p, crc as u64))
}

fn get_stash_nif(p: &mut Process, a: &[Term]) -> BifResult {
    let d = stream(p, a[0])?;
    let Some(stash) = &d.stash else {
        return Ok(Term::atom(atom::atom("empty")));
    };
    let t = crate::term::copy::copy(&mut p.heap, stash.term);
    drop(d);
    Ok(boxed::tuple(&mut p.heap, &[ok(), t]))
}

fn clear_stash_nif(p: &mut Process, a: &[Term]) -> BifResult {
    let mut d = stream(p, a[0])?;
    if d.stash.take().is_none() {
        return Err(Fail::error_atom(atom::ERROR));
    }
    Ok(ok())
}

fn set_stash_nif(p: &mut Process, a: &[Term]) -> BifResult {
    let mut d = stream(p, a[0])?;
    if d.stash.is_some() {
        return Err(Fail::error_atom(atom::ERROR));
    }
    d.stash = Some(OwnedTerm::copy_of(a[1]));
    Ok(ok())
}

fn get_buf_size_nif(p: &mut Process, a: &[Term]) -> BifResult {
    let d = stream(p, a[0])?;
    Ok(Term::small(d.chunk_buf_size as i64))
}

fn set_buf_size_nif(p: &mut Process, a: &[Term]) -> BifResult {
    let mut d = stream(p, a[0])?;
    d.chunk_buf_size = get_i32(a[1]).ok_or_else(Fail::badarg)?;
    Ok(ok())
}

fn enqueue_nif(p: &mut Process, a: &[Term]) -> BifResult {
    let mut d = stream(p, a[0])?;
    if !matches!(d.mode(), Mode::Deflate | Mode::Inflate) {
        return Err(raise("not_initialized"));
    }
    // `enif_inspect_iovec`: a list of binaries, at most `ENQUEUE_MAX_ELEMENTS` taken.
    let mut parts = Vec::new();
    let mut t = a[1];
    while t.is_list() && parts.len() < ENQUEUE_MAX_ELEMENTS {
        let h = t.head();
        if !h.is_binary() {
            return Err(Fail::badarg());
        }
        parts.push(boxed::bitstring_view(h).to_vec());
        t = t.tail();
    }
    if !t.is_list() && !t.is_nil() {
        return Err(Fail::badarg());
    }
    for part in parts {
        d.input.push(part);
    }
    if t.is_nil() {
        Ok(ok())
    } else {
        drop(d);
        Ok(boxed::tuple(
            &mut p.heap,
            &[Term::atom(atom::atom("continue")), t],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_queue_dequeues_across_pieces() {
        let mut q = InputQueue::default();
        q.push(b"abc".to_vec());
        q.push(Vec::new());
        q.push(b"defg".to_vec());
        assert_eq!(q.size, 7);
        q.dequeue(2);
        assert_eq!(q.piece(0), Some(&b"c"[..]));
        assert_eq!(q.piece(1), Some(&b"defg"[..]));
        q.dequeue(3);
        assert_eq!(q.piece(0), Some(&b"fg"[..]));
        assert_eq!(q.size, 2);
        q.dequeue(10);
        assert_eq!(q.size, 0);
        assert_eq!(q.piece(0), None);
    }

    #[test]
    fn a_stream_deflates_and_inflates() {
        let text = b"hello hello hello hello".repeat(100);
        let mut z = ZStream::new();
        assert_eq!(z.deflate_init(-1, 8, 15, 8, 0), z::Z_OK);
        let mut out = vec![0u8; 4096];
        let mut n = 0;
        let (r, used) = z.run(Codec::Deflate, &text, &mut out, &mut n, z::Z_FINISH);
        assert_eq!((r, used), (z::Z_STREAM_END, text.len()));
        let packed = out[..n].to_vec();
        let mut u = ZStream::new();
        assert_eq!(u.inflate_init(15), z::Z_OK);
        let mut back = vec![0u8; text.len() + 10];
        let mut m = 0;
        let (r, used) = u.run(Codec::Inflate, &packed, &mut back, &mut m, z::Z_NO_FLUSH);
        assert_eq!((r, used), (z::Z_STREAM_END, packed.len()));
        assert_eq!(&back[..m], &text[..]);
    }

    #[test]
    fn checksums_continue_like_zlibs() {
        assert_eq!(crc32(0, b"hello"), 0x3610_a686);
        assert_eq!(crc32(crc32(0, b"hel"), b"lo"), 0x3610_a686);
        assert_eq!(adler32(1, b"hello"), 0x062c_0215);
    }
}
