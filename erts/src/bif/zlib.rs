//! The one-shot functions of OTP's `zlib` module (`compress/1`, `uncompress/1`, `zip/1`,
//! `unzip/1`, `gzip/1`, `gunzip/1`), done natively over the system zlib (as OTP's zlib NIF
//! is), so that what calls them (OTP's compiler compresses literal tables with
//! `zlib:compress/1`) works and produces the same bytes as the real BEAM. They override the
//! module's Erlang code for calls from other modules. The streaming API (`zlib:open/0` and the
//! functions on a stream) needs the zlib NIF, which this runtime does not load yet.

use super::iodata::iodata_to_bytes;
use super::Registry;
use crate::atom;
use crate::exception::{BifResult, Fail};
use crate::process::Process;
use crate::term::boxed;
use crate::term::Term;
use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

pub fn register(r: &mut Registry) {
    r.add("zlib", "compress", 1, |p, a| {
        deflate_bif(p, a[0], Format::Zlib)
    });
    r.add("zlib", "zip", 1, |p, a| deflate_bif(p, a[0], Format::Raw));
    r.add("zlib", "gzip", 1, |p, a| deflate_bif(p, a[0], Format::Gzip));
    r.add("zlib", "uncompress", 1, |p, a| {
        inflate_bif(p, a[0], Format::Zlib)
    });
    r.add("zlib", "unzip", 1, |p, a| inflate_bif(p, a[0], Format::Raw));
    r.add("zlib", "gunzip", 1, |p, a| {
        inflate_bif(p, a[0], Format::Gzip)
    });
}

/// The stream wrapping: zlib header and Adler-32, none (raw deflate), or gzip.
#[derive(Clone, Copy)]
enum Format {
    Zlib,
    Raw,
    Gzip,
}

/// zlib's default window (15 bits), as OTP's one-shot functions use.
const WINDOW_BITS: u8 = 15;

fn deflate_bif(p: &mut Process, data: Term, f: Format) -> BifResult {
    let input = iodata_to_bytes(data).ok_or_else(Fail::badarg)?;
    let level = Compression::default();
    let mut z = match f {
        Format::Zlib => Compress::new(level, true),
        Format::Raw => Compress::new_with_window_bits(level, false, WINDOW_BITS),
        Format::Gzip => Compress::new_gzip(level, WINDOW_BITS),
    };
    let mut out: Vec<u8> = Vec::with_capacity(input.len() / 2 + 64);
    loop {
        let consumed = z.total_in() as usize;
        out.reserve(4096);
        let st = z
            .compress_vec(&input[consumed..], &mut out, FlushCompress::Finish)
            .map_err(|_| Fail::error_atom(atom::atom("data_error")))?;
        if st == Status::StreamEnd {
            break;
        }
    }
    Ok(boxed::binary(&mut p.heap, &out))
}

fn inflate_bif(p: &mut Process, data: Term, f: Format) -> BifResult {
    let input = iodata_to_bytes(data).ok_or_else(Fail::badarg)?;
    let mut z = match f {
        Format::Zlib => Decompress::new(true),
        Format::Raw => Decompress::new_with_window_bits(false, WINDOW_BITS),
        Format::Gzip => Decompress::new_gzip(WINDOW_BITS),
    };
    let data_error = || Fail::error_atom(atom::atom("data_error"));
    let mut out: Vec<u8> = Vec::with_capacity(input.len() * 3 + 64);
    loop {
        let consumed = z.total_in() as usize;
        let produced = z.total_out();
        out.reserve(out.len().max(4096));
        let st = z
            .decompress_vec(&input[consumed..], &mut out, FlushDecompress::Finish)
            .map_err(|_| data_error())?;
        match st {
            Status::StreamEnd => break,
            // No progress with all input given: the stream is cut short.
            _ if z.total_in() as usize == consumed && z.total_out() == produced => {
                return Err(data_error())
            }
            _ => {}
        }
    }
    Ok(boxed::binary(&mut p.heap, &out))
}
