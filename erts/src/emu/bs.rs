//! The bit syntax (OTP's `erl_bits.c`): match contexts and the `bs_get_*` family for matching,
//! and `bs_create_bin` for construction.
//!
//! A match context is a boxed object (subtag MATCH_STATE, arity 4): word 1 the underlying heap
//! or refc binary, word 2 the bit offset where matching started, word 3 the current bit
//! position and word 4 the end bit offset (all absolute in the underlying binary's bytes).

use super::instr::{BinSeg, Lbl, OldBuild, OldInit, SegKind, BSF_LITTLE, BSF_SIGNED};
use crate::atom;
use crate::bignum;
use crate::bits::copy_bits;
use crate::exception::Fail;
use crate::heap::Heap;
use crate::term::boxed::{self, bitstring_base, bitstring_view};
use crate::term::{make_header, subtag, Term};
use num_bigint::{BigInt, Sign};

const W_ORIG: usize = 1;
const W_START: usize = 2;
const W_POS: usize = 3;
const W_END: usize = 4;

fn word(c: Term, i: usize) -> usize {
    c.boxed_word(i) as usize
}

fn set_word(c: Term, i: usize, v: usize) {
    // SAFETY: `c` is a match context with 4 words after its header; `i` is 1..=4.
    unsafe { *c.boxed_ptr().add(i) = Term(v as u64) }
}

/// The bytes of the context's underlying binary.
fn bytes<'a>(c: Term) -> &'a [u8] {
    bitstring_view(Term(c.boxed_word(W_ORIG))).bytes
}

/// Starts matching `t`: a new context for a bitstring, the same context for a context.
pub fn start_match(heap: &mut Heap, t: Term) -> Option<Term> {
    if t.is_match_state() {
        return Some(t);
    }
    if !t.is_bitstring() {
        return None;
    }
    let (base, off) = bitstring_base(t);
    let size = boxed::bitstring_bit_size(t);
    let p = heap.alloc(5);
    // SAFETY: five writable words.
    unsafe {
        *p = Term(make_header(subtag::MATCH_STATE, 4));
        *p.add(W_ORIG) = base;
        *p.add(W_START) = Term(off as u64);
        *p.add(W_POS) = Term(off as u64);
        *p.add(W_END) = Term((off + size) as u64);
    }
    Some(Term::make_boxed(p))
}

pub fn position(c: Term) -> usize {
    word(c, W_POS)
}

/// Whether `pos` is a bit position of the context's binary (from where matching started to
/// its end), as `bs_set_position` needs.
pub fn position_in_range(c: Term, pos: i64) -> bool {
    pos >= word(c, W_START) as i64 && pos <= word(c, W_END) as i64
}

pub fn set_position(c: Term, pos: usize) {
    set_word(c, W_POS, pos);
}

pub fn remaining(c: Term) -> usize {
    word(c, W_END) - word(c, W_POS)
}

/// The rest of the matched binary as a sub binary.
pub fn get_tail(heap: &mut Heap, c: Term) -> Term {
    let orig = Term(c.boxed_word(W_ORIG));
    let pos = word(c, W_POS);
    boxed::sub_binary(heap, orig, pos, word(c, W_END) - pos)
}

/// The whole matched binary (from where matching started).
pub fn context_to_binary(heap: &mut Heap, c: Term) -> Term {
    let orig = Term(c.boxed_word(W_ORIG));
    let start = word(c, W_START);
    boxed::sub_binary(heap, orig, start, word(c, W_END) - start)
}

/// Size in bits of a segment from its size operand and unit; `None` if invalid.
fn seg_bits(size: Term, unit: u32) -> Option<usize> {
    let s = size.as_small()?;
    if s < 0 {
        return None;
    }
    (s as usize).checked_mul(unit as usize)
}

/// Reads `n <= 64` bits big-endian at bit `off`.
fn read_bits_u64(b: &[u8], off: usize, n: usize) -> u64 {
    if n == 0 {
        return 0;
    }
    if off % 8 == 0 && n % 8 == 0 {
        let s = off / 8;
        return b[s..s + n / 8]
            .iter()
            .fold(0u64, |acc, &x| (acc << 8) | x as u64);
    }
    let mut v = 0u64;
    for i in 0..n {
        let bit = off + i;
        v = (v << 1) | ((b[bit / 8] >> (7 - bit % 8)) & 1) as u64;
    }
    v
}

/// Reads `n` bits at `off` into big-endian bytes holding the value right-aligned.
fn read_bits_bytes(b: &[u8], off: usize, n: usize) -> Vec<u8> {
    let nbytes = n.div_ceil(8);
    let mut out = vec![0u8; nbytes];
    let pad = nbytes * 8 - n;
    copy_bits(b, off, &mut out, pad, n);
    out
}

/// Segments of fewer bits than this always match a small integer (no heap needed).
pub const SMALL_INTEGER_BITS: usize = 60;

/// Matches an integer segment of `n` bits, fewer than [`SMALL_INTEGER_BITS`]: as
/// [`get_integer`], whose value is then always a small integer.
pub fn get_small_integer(c: Term, n: usize, flags: u32) -> Option<Term> {
    debug_assert!(n < SMALL_INTEGER_BITS);
    if remaining(c) < n {
        return None;
    }
    let pos = position(c);
    let b = bytes(c);
    set_position(c, pos + n);
    if n == 0 {
        return Some(Term::small(0));
    }
    let v = if flags & BSF_LITTLE != 0 {
        // Chunks of 8 bits, least significant first; a trailing partial chunk holds the
        // most significant bits.
        let (mut v, mut shift, mut p, mut left) = (0u64, 0, pos, n);
        while left > 0 {
            let k = left.min(8);
            v |= read_bits_u64(b, p, k) << shift;
            shift += k;
            p += k;
            left -= k;
        }
        v
    } else {
        read_bits_u64(b, pos, n)
    };
    let signed = flags & BSF_SIGNED != 0;
    Some(Term::small(if signed && (v >> (n - 1)) & 1 == 1 {
        (v as i64) - (1i64 << n)
    } else {
        v as i64
    }))
}

/// Matches an integer segment.
pub fn get_integer(heap: &mut Heap, c: Term, size: Term, unit: u32, flags: u32) -> Option<Term> {
    let n = seg_bits(size, unit)?;
    if n < SMALL_INTEGER_BITS {
        return get_small_integer(c, n, flags);
    }
    if remaining(c) < n {
        return None;
    }
    let pos = position(c);
    let b = bytes(c);
    let signed = flags & BSF_SIGNED != 0;
    let little = flags & BSF_LITTLE != 0;
    set_position(c, pos + n);
    if n == 0 {
        return Some(Term::small(0));
    }
    if n <= 64 && !little {
        let v = read_bits_u64(b, pos, n);
        return Some(int_from_u64(heap, v, n, signed));
    }
    // General case: collect big-endian magnitude bytes.
    let be = if little {
        // Little endian: chunks of 8 bits, least significant first; a trailing partial chunk
        // holds the most significant bits.
        let mut chunks = Vec::new();
        let mut p = pos;
        let mut left = n;
        while left > 0 {
            let k = left.min(8);
            chunks.push(read_bits_u64(b, p, k) as u8);
            p += k;
            left -= k;
        }
        chunks.reverse();
        chunks
    } else {
        read_bits_bytes(b, pos, n)
    };
    if n <= 64 {
        let v = be.iter().fold(0u64, |acc, &x| (acc << 8) | x as u64);
        return Some(int_from_u64(heap, v, n, signed));
    }
    let neg = signed && (be[0] >> ((n - 1) % 8)) & 1 == 1;
    let mag = BigInt::from_bytes_be(Sign::Plus, &be);
    let v = if neg {
        mag - (BigInt::from(1) << n)
    } else {
        mag
    };
    Some(bignum::from_bigint(heap, &v))
}

fn int_from_u64(heap: &mut Heap, v: u64, n: usize, signed: bool) -> Term {
    if signed && n > 0 && (v >> (n - 1)) & 1 == 1 {
        let sv = if n == 64 {
            v as i64
        } else {
            (v as i64) - (1i64 << n)
        };
        bignum::from_i64(heap, sv)
    } else if v <= i64::MAX as u64 {
        bignum::from_i64(heap, v as i64)
    } else {
        bignum::from_bigint(heap, &BigInt::from(v))
    }
}

/// Matches a float segment (16, 32 or 64 bits); non-finite values do not match.
pub fn get_float(heap: &mut Heap, c: Term, size: Term, unit: u32, flags: u32) -> Option<Term> {
    let n = seg_bits(size, unit)?;
    if remaining(c) < n || !matches!(n, 16 | 32 | 64) {
        return None;
    }
    let pos = position(c);
    let b = bytes(c);
    let mut v = read_bits_u64(b, pos, n);
    if flags & BSF_LITTLE != 0 {
        v = v.swap_bytes() >> (64 - n);
    }
    let f = match n {
        64 => f64::from_bits(v),
        32 => f32::from_bits(v as u32) as f64,
        _ => f16_to_f64(v as u16),
    };
    if !f.is_finite() {
        return None;
    }
    set_position(c, pos + n);
    Some(boxed::float(heap, f))
}

fn f16_to_f64(h: u16) -> f64 {
    let sign = if h >> 15 == 1 { -1.0 } else { 1.0 };
    let exp = ((h >> 10) & 0x1F) as i32;
    let frac = (h & 0x3FF) as f64;
    match exp {
        0 => sign * frac * 2f64.powi(-24),
        31 => {
            if frac == 0.0 {
                sign * f64::INFINITY
            } else {
                f64::NAN
            }
        }
        e => sign * (1.0 + frac / 1024.0) * 2f64.powi(e - 15),
    }
}

fn f64_to_f16(f: f64) -> Option<u16> {
    // IEEE 754 conversion with round-to-nearest-even; too large values become infinity (as
    // OTP 25 writes them).
    let b = f.to_bits();
    let sign = ((b >> 48) & 0x8000) as u16;
    let exp = ((b >> 52) & 0x7ff) as i32;
    let man = b & ((1u64 << 52) - 1);
    if exp == 0 {
        return Some(sign);
    }
    let round = |full: u64, shift: u32| -> u64 {
        if shift >= 64 {
            return 0;
        }
        let m = full >> shift;
        let rem = full & ((1u64 << shift) - 1);
        let half = 1u64 << (shift - 1);
        if rem > half || (rem == half && m & 1 == 1) {
            m + 1
        } else {
            m
        }
    };
    let mut e = exp - 1023;
    if e > 15 {
        return Some(sign | 0x7c00);
    }
    if e >= -14 {
        let mut m = round(man, 42);
        if m == 1024 {
            m = 0;
            e += 1;
        }
        if e > 15 {
            return Some(sign | 0x7c00);
        }
        return Some(sign | (((e + 15) as u16) << 10) | m as u16);
    }
    let full = man | (1u64 << 52);
    let m = round(full, (28 - e) as u32);
    Some(sign | m as u16)
}

/// Matches a binary segment (`all` takes the rest, which must be a multiple of the unit).
pub fn get_binary(heap: &mut Heap, c: Term, size: Term, unit: u32) -> Option<Term> {
    let rem = remaining(c);
    let n = if size == Term::atom(atom::ALL) {
        if unit > 1 && rem % unit as usize != 0 {
            return None;
        }
        rem
    } else {
        seg_bits(size, unit)?
    };
    if rem < n {
        return None;
    }
    let pos = position(c);
    set_position(c, pos + n);
    let orig = Term(c.boxed_word(W_ORIG));
    Some(boxed::sub_binary(heap, orig, pos, n))
}

/// Skips bits (`all` skips the rest).
pub fn skip_bits(c: Term, size: Term, unit: u32) -> bool {
    let rem = remaining(c);
    let n = if size == Term::atom(atom::ALL) {
        if unit > 1 && rem % unit as usize != 0 {
            return false;
        }
        rem
    } else {
        match seg_bits(size, unit) {
            Some(n) => n,
            None => return false,
        }
    };
    if rem < n {
        return false;
    }
    set_position(c, position(c) + n);
    true
}

/// Matches literal bits.
pub fn match_string(c: Term, nbits: usize, data: &[u8]) -> bool {
    if remaining(c) < nbits {
        return false;
    }
    let pos = position(c);
    let b = bytes(c);
    let ok = if pos % 8 == 0 && nbits % 8 == 0 {
        b[pos / 8..pos / 8 + nbits / 8] == data[..nbits / 8]
    } else {
        read_bits_bytes(b, pos, nbits) == {
            let mut v = vec![0u8; nbits.div_ceil(8)];
            let pad = v.len() * 8 - nbits;
            copy_bits(data, 0, &mut v, pad, nbits);
            v
        }
    };
    if ok {
        set_position(c, pos + nbits);
    }
    ok
}

fn peek_byte(c: Term, k: usize) -> Option<u8> {
    if remaining(c) < (k + 1) * 8 {
        return None;
    }
    Some(read_bits_u64(bytes(c), position(c) + k * 8, 8) as u8)
}

/// Matches a UTF-8 encoded code point.
pub fn get_utf8(c: Term) -> Option<Term> {
    let b0 = peek_byte(c, 0)?;
    let (len, init) = match b0 {
        0x00..=0x7F => (1, b0 as u32),
        0xC2..=0xDF => (2, (b0 & 0x1F) as u32),
        0xE0..=0xEF => (3, (b0 & 0x0F) as u32),
        0xF0..=0xF4 => (4, (b0 & 0x07) as u32),
        _ => return None,
    };
    let mut cp = init;
    for k in 1..len {
        let b = peek_byte(c, k)?;
        if b & 0xC0 != 0x80 {
            return None;
        }
        cp = (cp << 6) | (b & 0x3F) as u32;
    }
    let min = [0, 0, 0x80, 0x800, 0x10000][len];
    if cp < min || cp > 0x10FFFF || (0xD800..=0xDFFF).contains(&cp) {
        return None;
    }
    set_position(c, position(c) + len * 8);
    Some(Term::small(cp as i64))
}

/// Matches a UTF-16 encoded code point.
pub fn get_utf16(c: Term, flags: u32) -> Option<Term> {
    let little = flags & BSF_LITTLE != 0;
    let unit = |k: usize| -> Option<u32> {
        let a = peek_byte(c, k)? as u32;
        let b = peek_byte(c, k + 1)? as u32;
        Some(if little { (b << 8) | a } else { (a << 8) | b })
    };
    let w1 = unit(0)?;
    if (0xD800..=0xDBFF).contains(&w1) {
        let w2 = unit(2)?;
        if !(0xDC00..=0xDFFF).contains(&w2) {
            return None;
        }
        let cp = 0x10000 + ((w1 - 0xD800) << 10) + (w2 - 0xDC00);
        set_position(c, position(c) + 32);
        Some(Term::small(cp as i64))
    } else if (0xDC00..=0xDFFF).contains(&w1) {
        None
    } else {
        set_position(c, position(c) + 16);
        Some(Term::small(w1 as i64))
    }
}

/// Matches a UTF-32 encoded code point.
pub fn get_utf32(c: Term, flags: u32) -> Option<Term> {
    if remaining(c) < 32 {
        return None;
    }
    let mut v = read_bits_u64(bytes(c), position(c), 32) as u32;
    if flags & BSF_LITTLE != 0 {
        v = v.swap_bytes();
    }
    if v > 0x10FFFF || (0xD800..=0xDFFF).contains(&v) {
        return None;
    }
    set_position(c, position(c) + 32);
    Some(Term::small(v as i64))
}

// ------------------------------------------------------------------ construction

/// A bit writer over a growable buffer.
struct BitWriter {
    buf: Vec<u8>,
    bits: usize,
}

impl BitWriter {
    fn put_bits(&mut self, src: &[u8], src_off: usize, n: usize) {
        let need = (self.bits + n).div_ceil(8);
        if self.buf.len() < need {
            self.buf.resize(need, 0);
        }
        copy_bits(src, src_off, &mut self.buf, self.bits, n);
        self.bits += n;
    }
    /// Writes the low `n` bits of big-endian `bytes` (value right-aligned).
    fn put_be_value(&mut self, bytes: &[u8], n: usize) {
        let total = bytes.len() * 8;
        self.put_bits(bytes, total - n, n);
    }
}

fn seg_error() -> BsErr {
    BsErr::Type
}

/// The exception for a failed segment.
fn bs_fail(heap: &mut Heap, n: usize, kind: SegKind, e: BsErr, v: Term, size: Term) -> Fail {
    let ty = match kind {
        SegKind::Integer => "integer",
        SegKind::Float => "float",
        SegKind::Binary | SegKind::Append | SegKind::PrivateAppend | SegKind::String => "binary",
        SegKind::Utf8 => "utf8",
        SegKind::Utf16 => "utf16",
        SegKind::Utf32 => "utf32",
    };
    let (what, value, reason) = match e {
        BsErr::Type => ("type", v, atom::BADARG),
        BsErr::Size => ("size", size, atom::BADARG),
        BsErr::Limit => ("size", size, atom::SYSTEM_LIMIT),
    };
    let cause = boxed::tuple(
        heap,
        &[
            Term::small(n as i64),
            Term::atom(atom::atom(ty)),
            Term::atom(atom::atom(what)),
            value,
        ],
    );
    let info = crate::map::from_pairs(
        heap,
        &[
            (Term::atom(atom::CAUSE), cause),
            (
                Term::atom(atom::atom("function")),
                Term::atom(atom::atom("format_bs_fail")),
            ),
            (
                Term::atom(atom::MODULE),
                Term::atom(atom::atom("erl_erts_errors")),
            ),
        ],
    );
    let ei = boxed::tuple(heap, &[Term::atom(atom::ERROR_INFO), info]);
    Fail::Raise {
        class: crate::exception::Class::Error,
        reason: Term::atom(reason),
        args: Term::NONE,
        error_info: ei,
    }
}

fn utf8_encode(cp: u32) -> Option<Vec<u8>> {
    char::from_u32(cp).map(|ch| ch.to_string().into_bytes())
}

/// Two's complement big-endian bytes of `v`, `n` bits wide (`n` ≥ 1), value right-aligned.
fn int_bytes(v: &BigInt, n: usize) -> Vec<u8> {
    let nbytes = n.div_ceil(8);
    let mut be = v.to_signed_bytes_be();
    let fill = if v.sign() == Sign::Minus { 0xFF } else { 0 };
    if be.len() < nbytes {
        let mut p = vec![fill; nbytes - be.len()];
        p.extend_from_slice(&be);
        be = p;
    } else if be.len() > nbytes {
        be.drain(..be.len() - nbytes);
    }
    be
}

/// Why a segment could not be built (OTP's `format_bs_fail` error kinds).
#[derive(Clone, Copy)]
enum BsErr {
    /// The value has the wrong type or range.
    Type,
    /// The size is not a valid size.
    Size,
    /// The segment would be too large (`system_limit`).
    Limit,
}

/// Segments larger than this many bits are refused with `system_limit`.
const MAX_SEG_BITS: usize = (u32::MAX as usize) * 8;

/// The size in bits of a segment being built.
fn build_size(size: Term, unit: u32) -> Result<usize, BsErr> {
    if size.is_bignum() && !bignum::is_negative(size) {
        return Err(BsErr::Limit);
    }
    let s = size.as_small().filter(|s| *s >= 0).ok_or(BsErr::Size)?;
    let n = (s as u128) * (unit as u128);
    if n > MAX_SEG_BITS as u128 {
        return Err(BsErr::Limit);
    }
    Ok(n as usize)
}

/// Appends one segment to `w`.
fn encode_seg(w: &mut BitWriter, seg: &BinSeg, v: Term, size: Term) -> Result<(), BsErr> {
    let all = Term::atom(atom::ALL);
    match seg.kind {
        SegKind::Integer => {
            let n = build_size(size, seg.unit)?;
            if !v.is_integer() {
                return Err(seg_error());
            }
            if n == 0 {
                return Ok(());
            }
            let little = seg.flags & BSF_LITTLE != 0;
            if v.is_small() && n <= 64 && !little {
                let x = v.small_value() as u64;
                let bytes = x.to_be_bytes();
                w.put_be_value(&bytes, n);
                return Ok(());
            }
            let b = bignum::to_bigint(v).ok_or_else(seg_error)?;
            let be = int_bytes(&b, n);
            if little {
                // Least significant byte first; a partial top chunk goes last.
                let rem = n % 8;
                let mut le: Vec<u8> = be.iter().rev().copied().collect();
                if rem == 0 {
                    w.put_bits(&le, 0, n);
                } else {
                    let top = le.pop().unwrap_or(0);
                    w.put_bits(&le, 0, n - rem);
                    w.put_bits(&[top << (8 - rem)], 0, rem);
                }
            } else {
                w.put_be_value(&be, n);
            }
        }
        SegKind::Float => {
            let n = build_size(size, seg.unit)?;
            let f = if v.is_float() {
                boxed::float_value(v)
            } else if v.is_small() {
                v.small_value() as f64
            } else if v.is_bignum() {
                bignum::to_f64(v).ok_or_else(seg_error)?
            } else {
                return Err(seg_error());
            };
            let mut bytes: Vec<u8> = match n {
                64 => f.to_bits().to_be_bytes().to_vec(),
                // Values beyond the 32-bit range become infinity, as in OTP 25.
                32 => (f as f32).to_bits().to_be_bytes().to_vec(),
                16 => f64_to_f16(f).ok_or_else(seg_error)?.to_be_bytes().to_vec(),
                _ => return Err(seg_error()),
            };
            if seg.flags & BSF_LITTLE != 0 {
                bytes.reverse();
            }
            w.put_bits(&bytes, 0, n);
        }
        SegKind::Binary | SegKind::Append | SegKind::PrivateAppend => {
            if !v.is_bitstring() {
                return Err(seg_error());
            }
            let view = bitstring_view(v);
            let n = if size == all || size == Term::atom(atom::UNDEFINED) {
                if seg.unit > 1 && view.size_bits % seg.unit as usize != 0 {
                    return Err(seg_error());
                }
                view.size_bits
            } else {
                let n = build_size(size, seg.unit)?;
                if n > view.size_bits {
                    return Err(seg_error());
                }
                n
            };
            w.put_bits(view.bytes, view.offset_bits, n);
        }
        SegKind::String => {
            let view = bitstring_view(v);
            let n = build_size(size, 1)?;
            w.put_bits(view.bytes, view.offset_bits, n.min(view.size_bits));
        }
        SegKind::Utf8 | SegKind::Utf16 | SegKind::Utf32 => {
            // The compiler gives these segments unit 0; OTP 25 runs any other unit as a
            // segment of a variable size, which its size (`undefined`) is not.
            if seg.unit != 0 {
                return Err(BsErr::Size);
            }
            let cp = v.as_small().ok_or_else(seg_error)?;
            if !(0..=0x10FFFF).contains(&cp) || (0xD800..=0xDFFF).contains(&cp) {
                return Err(seg_error());
            }
            let cp = cp as u32;
            let little = seg.flags & BSF_LITTLE != 0;
            let bytes: Vec<u8> = match seg.kind {
                SegKind::Utf8 => utf8_encode(cp).ok_or_else(seg_error)?,
                SegKind::Utf16 => {
                    let mut units = [0u16; 2];
                    let ch = char::from_u32(cp).ok_or_else(seg_error)?;
                    let us = ch.encode_utf16(&mut units);
                    us.iter()
                        .flat_map(|u| {
                            if little {
                                u.to_le_bytes()
                            } else {
                                u.to_be_bytes()
                            }
                        })
                        .collect()
                }
                _ => {
                    if little {
                        cp.to_le_bytes().to_vec()
                    } else {
                        cp.to_be_bytes().to_vec()
                    }
                }
            };
            w.put_bits(&bytes, 0, bytes.len() * 8);
        }
    }
    Ok(())
}

/// Builds a binary from segments (`bs_create_bin`). `vals[i]` holds the value and size
/// operand values of segment `i`. A failing segment raises `badarg` (or `system_limit`) with
/// OTP's `error_info` cause `{SegmentNumber, Type, Kind, Value}`.
pub fn create_bin(
    heap: &mut Heap,
    segs: &[BinSeg],
    vals: &[(Term, Term)],
    _unit: u32,
) -> Result<Term, Fail> {
    let mut w = BitWriter {
        buf: Vec::new(),
        bits: 0,
    };
    let appending = matches!(
        segs.first().map(|s| s.kind),
        Some(SegKind::Append | SegKind::PrivateAppend)
    );
    if appending && vals[0].0.is_binary() {
        // `<<Acc/binary, ...>>`: try to grow `Acc`'s data in place (OTP's writable binaries),
        // which makes appending in a loop linear instead of quadratic.
        for (i, (seg, &(v, size))) in segs.iter().zip(vals).enumerate().skip(1) {
            if let Err(e) = encode_seg(&mut w, seg, v, size) {
                return Err(bs_fail(heap, i + 1, seg.kind, e, v, size));
            }
        }
        if w.bits % 8 == 0 {
            if let Some(t) = boxed::try_append_in_place(heap, vals[0].0, &w.buf) {
                return Ok(t);
            }
        }
        let mut all = bitstring_view(vals[0].0).to_vec();
        if w.bits % 8 == 0 {
            all.extend_from_slice(&w.buf);
            return Ok(boxed::appendable_binary(heap, all));
        }
        w = BitWriter {
            buf: Vec::new(),
            bits: 0,
        };
    }
    for (i, (seg, &(v, size))) in segs.iter().zip(vals).enumerate() {
        if let Err(e) = encode_seg(&mut w, seg, v, size) {
            return Err(bs_fail(heap, i + 1, seg.kind, e, v, size));
        }
    }
    let total = w.bits;
    // The result of an append is a writable binary off the heap, however small (as OTP's,
    // whose term sizes and binary bookkeeping show it).
    let bin = if appending {
        boxed::appendable_binary(heap, w.buf)
    } else {
        boxed::binary_from_vec(heap, w.buf)
    };
    if total % 8 == 0 {
        Ok(bin)
    } else {
        Ok(boxed::sub_binary(heap, bin, 0, total))
    }
}

// ------------------------------------------------------------------ old construction

/// The exception of a failed old-style construction step: OTP raises a plain `badarg` (or
/// `system_limit`) without `error_info` for these instructions.
fn old_fail(e: BsErr) -> Fail {
    match e {
        BsErr::Limit => Fail::system_limit(),
        BsErr::Type | BsErr::Size => Fail::badarg(),
    }
}

/// Runs an old-style binary construction (`Instr::BsBuild`): `init_size` is the value of the
/// start's size operand, `base` the binary appended to (`bs_append`/`bs_private_append`, else
/// `NONE`), `vals` the value and size of each `bs_put_*`. On failure returns the label of the
/// failing step (0: raise) and the exception.
pub fn old_build(
    heap: &mut Heap,
    b: &OldBuild,
    init_size: Term,
    base: Term,
    vals: &[(Term, Term)],
) -> Result<Term, (Lbl, Fail)> {
    let declared = match &b.init {
        OldInit::Bytes(_) => build_size(init_size, 8),
        OldInit::Bits(_) | OldInit::Append { .. } => build_size(init_size, 1),
    }
    .map_err(|e| (b.fail, old_fail(e)))?;
    if let OldInit::Append { unit, .. } = &b.init {
        if !base.is_bitstring() || bitstring_view(base).size_bits % (*unit).max(1) as usize != 0 {
            return Err((b.fail, Fail::badarg()));
        }
    }
    let mut w = BitWriter {
        buf: Vec::new(),
        bits: 0,
    };
    for (i, (seg, &(v, size))) in b.segs.iter().zip(vals).enumerate() {
        encode_seg(&mut w, seg, v, size).map_err(|e| (b.seg_fails[i], old_fail(e)))?;
    }
    // The compiler sizes the start to fit the segments exactly; a hand-written sequence that
    // does not is refused (OTP would leave bytes unwritten or write past the binary).
    if w.bits != declared {
        return Err((b.fail, Fail::badarg()));
    }
    match &b.init {
        OldInit::Append { .. } => {
            if base.is_binary() && w.bits % 8 == 0 {
                if let Some(t) = boxed::try_append_in_place(heap, base, &w.buf) {
                    return Ok(t);
                }
            }
            let view = bitstring_view(base);
            let mut all = BitWriter {
                buf: Vec::new(),
                bits: 0,
            };
            all.put_bits(view.bytes, view.offset_bits, view.size_bits);
            all.put_bits(&w.buf, 0, w.bits);
            let total = all.bits;
            let bin = boxed::appendable_binary(heap, all.buf);
            Ok(if total % 8 == 0 {
                bin
            } else {
                boxed::sub_binary(heap, bin, 0, total)
            })
        }
        _ => {
            let total = w.bits;
            let bin = boxed::binary_from_vec(heap, w.buf);
            Ok(if total % 8 == 0 {
                bin
            } else {
                boxed::sub_binary(heap, bin, 0, total)
            })
        }
    }
}

/// `bs_add`: `a + b * unit` for non-negative integer sizes; `badarg` for anything else and
/// `system_limit` for a sum beyond any binary's size.
pub fn bs_add(a: Term, b: Term, unit: u32) -> Result<Term, Fail> {
    let val = |t: Term| -> Result<u128, Fail> {
        if let Some(v) = t.as_small() {
            return u128::try_from(v).map_err(|_| Fail::badarg());
        }
        if t.is_bignum() && !bignum::is_negative(t) {
            return Err(Fail::system_limit());
        }
        Err(Fail::badarg())
    };
    let (a, b) = (val(a)?, val(b)?);
    let sum = a + b * unit as u128;
    if sum > MAX_SEG_BITS as u128 {
        return Err(Fail::system_limit());
    }
    Ok(Term::small(sum as i64))
}

/// `bs_utf8_size` / `bs_utf16_size`: the bytes that encoding `v` takes. A value that is not
/// a code point gets a size too; the `bs_put_utf*` that follows raises `badarg` for it.
pub fn utf_size(v: Term, utf16: bool) -> Term {
    let cp = v.as_small().unwrap_or(0);
    let n = match (utf16, cp) {
        (true, c) if (0..0x10000).contains(&c) => 2,
        (true, _) => 4,
        (false, c) if c < 0x80 => 1,
        (false, c) if c < 0x800 => 2,
        (false, c) if c < 0x10000 => 3,
        _ => 4,
    };
    Term::small(n)
}
