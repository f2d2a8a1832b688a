//! The bit syntax (OTP's `erl_bits.c`): match contexts and the `bs_get_*` family for matching,
//! and `bs_create_bin` for construction.
//!
//! A match context is a boxed object (subtag MATCH_STATE, arity 4): word 1 the underlying heap
//! or refc binary, word 2 the bit offset where matching started, word 3 the current bit
//! position and word 4 the end bit offset (all absolute in the underlying binary's bytes).

use super::instr::{BinSeg, SegKind, BSF_LITTLE, BSF_SIGNED};
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

/// Matches an integer segment.
pub fn get_integer(heap: &mut Heap, c: Term, size: Term, unit: u32, flags: u32) -> Option<Term> {
    let n = seg_bits(size, unit)?;
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
    let sign: u16 = if f.is_sign_negative() { 0x8000 } else { 0 };
    let a = f.abs();
    if a == 0.0 {
        return Some(sign);
    }
    if a >= 65520.0 {
        return None;
    }
    let e = a.log2().floor() as i32;
    if e < -14 {
        let m = (a / 2f64.powi(-24)).round() as u16;
        return Some(sign | m);
    }
    let mut m = ((a / 2f64.powi(e) - 1.0) * 1024.0).round() as u32;
    let mut e = e;
    if m == 1024 {
        m = 0;
        e += 1;
    }
    if e > 15 {
        return None;
    }
    Some(sign | (((e + 15) as u16) << 10) | m as u16)
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

fn seg_error() -> Fail {
    Fail::badarg()
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

/// Builds a binary from segments (`bs_create_bin`). `vals[i]` holds the value and size
/// operand values of segment `i`.
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
    let all = Term::atom(atom::ALL);
    for (seg, &(v, size)) in segs.iter().zip(vals) {
        match seg.kind {
            SegKind::Integer => {
                let n = seg_bits(size, seg.unit).ok_or_else(seg_error)?;
                if !v.is_integer() {
                    return Err(seg_error());
                }
                if n == 0 {
                    continue;
                }
                let little = seg.flags & BSF_LITTLE != 0;
                if v.is_small() && n <= 64 && !little {
                    let x = v.small_value() as u64;
                    let bytes = x.to_be_bytes();
                    w.put_be_value(&bytes, n);
                    continue;
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
                let n = seg_bits(size, seg.unit).ok_or_else(seg_error)?;
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
                    32 => {
                        let g = f as f32;
                        if g.is_infinite() && f.is_finite() {
                            return Err(seg_error());
                        }
                        g.to_bits().to_be_bytes().to_vec()
                    }
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
                    let n = seg_bits(size, seg.unit).ok_or_else(seg_error)?;
                    if n > view.size_bits {
                        return Err(seg_error());
                    }
                    n
                };
                w.put_bits(view.bytes, view.offset_bits, n);
            }
            SegKind::String => {
                let view = bitstring_view(v);
                let n = seg_bits(size, 1).ok_or_else(seg_error)?;
                w.put_bits(view.bytes, view.offset_bits, n.min(view.size_bits));
            }
            SegKind::Utf8 | SegKind::Utf16 | SegKind::Utf32 => {
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
    }
    let total = w.bits;
    if total % 8 == 0 {
        Ok(boxed::binary_from_vec(heap, w.buf))
    } else {
        let bin = boxed::binary_from_vec(heap, w.buf);
        Ok(boxed::sub_binary(heap, bin, 0, total))
    }
}
