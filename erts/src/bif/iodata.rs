//! Iolists and iodata (OTP's `binary.c` / `erl_io_queue.c` parts): flattening nested lists of
//! bytes and binaries, and the BIFs `iolist_to_binary/1`, `iolist_size/1`, `list_to_binary/1`,
//! `list_to_bitstring/1`, `binary_to_list/1,3`, `bitstring_to_list/1` and
//! `erlang:iolist_to_iovec/1`.
//!
//! An iolist is a (possibly improper) list whose elements are bytes (0..=255), binaries or
//! iolists, and whose tail is `[]` or a binary. Iodata is an iolist or a binary.
//! The walkers here are iterative, so deep nesting cannot overflow the native stack.
//!
//! Also home of small helpers shared by the other binary BIF modules: reading the bytes of a
//! binary term whatever its alignment, and extracting parts the way OTP 25 does (copied when at
//! most 64 bytes, a sub binary otherwise).

use super::Registry;
use crate::exception::{BifResult, Fail};
use crate::heap::Heap;
use crate::process::Process;
use crate::term::boxed::{self, BitView, HEAP_BIN_LIMIT};
use crate::term::Term;
use std::borrow::Cow;

pub fn register(r: &mut Registry) {
    r.add("erlang", "iolist_to_binary", 1, iolist_to_binary_1);
    r.add("erlang", "iolist_size", 1, iolist_size_1);
    r.add("erlang", "list_to_binary", 1, list_to_binary_1);
    r.add("erlang", "list_to_bitstring", 1, list_to_bitstring_1);
    r.add("erlang", "binary_to_list", 1, binary_to_list_1);
    r.add("erlang", "binary_to_list", 3, binary_to_list_3);
    r.add("erlang", "bitstring_to_list", 1, bitstring_to_list_1);
    r.add("erlang", "iolist_to_iovec", 1, iolist_to_iovec_1);
}

// ---------------------------------------------------------------- shared helpers

/// The bytes of a binary term (a bitstring with a whole number of bytes), borrowed when the
/// binary is byte aligned and copied otherwise. `None` for anything else.
pub fn binary_cow<'a>(t: Term) -> Option<Cow<'a, [u8]>> {
    if !t.is_bitstring() {
        return None;
    }
    let v = boxed::bitstring_view(t);
    if v.size_bits % 8 != 0 {
        return None;
    }
    Some(match v.as_bytes() {
        Some(b) => Cow::Borrowed(b),
        None => Cow::Owned(v.to_vec()),
    })
}

/// Byte `i` of a bitstring view counted from its start (no bounds check beyond the slice's).
fn view_byte(v: &BitView, i: usize) -> u8 {
    let b = v.offset_bits + 8 * i;
    if b.is_multiple_of(8) {
        v.bytes[b / 8]
    } else {
        let s = b % 8;
        (v.bytes[b / 8] << s) | (v.bytes[b / 8 + 1] >> (8 - s))
    }
}

/// A part of the bitstring `bin` (`bit_off` and `bit_len` in bits, caller checked bounds) as
/// OTP 25 builds it: a fresh heap binary when it is whole bytes and at most 64 of them, else
/// a sub binary sharing `bin`'s data.
pub fn sub_bits(heap: &mut Heap, bin: Term, bit_off: usize, bit_len: usize) -> Term {
    let v = boxed::bitstring_view(bin);
    if bit_len.is_multiple_of(8) && bit_len / 8 <= HEAP_BIN_LIMIT {
        let n = bit_len / 8;
        let t = boxed::heap_binary_uninit(heap, n);
        let out = boxed::binary_bytes_mut(t);
        let start = v.offset_bits + bit_off;
        if start.is_multiple_of(8) {
            out.copy_from_slice(&v.bytes[start / 8..start / 8 + n]);
        } else {
            crate::bits::copy_bits(v.bytes, start, out, 0, bit_len);
        }
        return t;
    }
    let (base, base_off) = boxed::bitstring_base(bin);
    boxed::sub_binary(heap, base, base_off + bit_off, bit_len)
}

/// [`sub_bits`] in bytes.
pub fn sub_binary(heap: &mut Heap, bin: Term, byte_off: usize, byte_len: usize) -> Term {
    sub_bits(heap, bin, byte_off * 8, byte_len * 8)
}

/// A bitstring term of `bits` bits whose content is the first bits of `bytes`.
pub fn make_bitstring(heap: &mut Heap, mut bytes: Vec<u8>, bits: usize) -> Term {
    bytes.truncate(bits.div_ceil(8));
    if bits.is_multiple_of(8) {
        return boxed::binary_from_vec(heap, bytes);
    }
    let base = boxed::binary_from_vec(heap, bytes);
    boxed::sub_binary(heap, base, 0, bits)
}

/// A non-negative integer argument that fits in `usize`; `None` for anything else (negative
/// numbers, bignums, non-integers).
pub fn term_to_usize(t: Term) -> Option<usize> {
    t.as_small().and_then(|v| usize::try_from(v).ok())
}

// ---------------------------------------------------------------- walking iolists

/// One piece of a flattened iolist.
enum Piece<'a> {
    Byte(u8),
    Bits(BitView<'a>),
}

/// Visits the pieces of `t` (a list, `[]` or a bitstring) in order. Bitstrings that are not
/// whole bytes are accepted only when `allow_bits` is set. Returns `false` on a malformed
/// element or tail (after visiting the pieces before it).
fn walk(t: Term, allow_bits: bool, mut emit: impl FnMut(Piece)) -> bool {
    let bits_ok = |b: Term| allow_bits || boxed::bitstring_bit_size(b).is_multiple_of(8);
    let mut stack: Vec<Term> = Vec::new();
    let mut cur = t;
    loop {
        if cur.is_list() {
            let h = cur.head();
            if h.is_small() {
                match u8::try_from(h.small_value()) {
                    Ok(b) => emit(Piece::Byte(b)),
                    Err(_) => return false,
                }
            } else if h.is_list() {
                stack.push(cur.tail());
                cur = h;
                continue;
            } else if h.is_bitstring() {
                if !bits_ok(h) {
                    return false;
                }
                emit(Piece::Bits(boxed::bitstring_view(h)));
            } else if !h.is_nil() {
                return false;
            }
            cur = cur.tail();
            continue;
        }
        if cur.is_bitstring() {
            if !bits_ok(cur) {
                return false;
            }
            emit(Piece::Bits(boxed::bitstring_view(cur)));
        } else if !cur.is_nil() {
            return false;
        }
        match stack.pop() {
            Some(next) => cur = next,
            None => return true,
        }
    }
}

/// The size in bytes of iodata `t` (an iolist or a binary); `None` if `t` is not iodata.
pub fn iolist_size(t: Term) -> Option<usize> {
    let mut n = 0usize;
    let ok = walk(t, false, |p| match p {
        Piece::Byte(_) => n += 1,
        Piece::Bits(v) => n += v.size_bits / 8,
    });
    ok.then_some(n)
}

/// Appends the bytes of a whole-byte view to `out`.
fn push_view(out: &mut Vec<u8>, v: &BitView) {
    match v.as_bytes() {
        Some(b) => out.extend_from_slice(b),
        None => out.extend((0..v.size_bits / 8).map(|i| view_byte(v, i))),
    }
}

/// The bytes of iodata `t` (an iolist or a binary) flattened; `None` if `t` is not iodata.
pub fn iodata_to_bytes(t: Term) -> Option<Vec<u8>> {
    let n = iolist_size(t)?;
    let mut out = Vec::with_capacity(n);
    walk(t, false, |p| match p {
        Piece::Byte(b) => out.push(b),
        Piece::Bits(v) => push_view(&mut out, &v),
    });
    Some(out)
}

/// Appends the bytes of iodata `t` to `out` in one walk; false (with `out` as it was) if `t`
/// is not iodata.
pub fn iodata_append(t: Term, out: &mut Vec<u8>) -> bool {
    let start = out.len();
    let ok = walk(t, false, |p| match p {
        Piece::Byte(b) => out.push(b),
        Piece::Bits(v) => push_view(out, &v),
    });
    if !ok {
        out.truncate(start);
    }
    ok
}

/// A growing bit buffer.
struct BitBuf {
    bytes: Vec<u8>,
    bits: usize,
}

impl BitBuf {
    fn push_byte(&mut self, b: u8) {
        if self.bits.is_multiple_of(8) {
            self.bytes.push(b);
        } else {
            let s = self.bits % 8;
            *self.bytes.last_mut().expect("partial byte exists") |= b >> s;
            self.bytes.push(b << (8 - s));
        }
        self.bits += 8;
    }
    fn push_view(&mut self, v: &BitView) {
        if self.bits.is_multiple_of(8) && v.size_bits.is_multiple_of(8) {
            push_view(&mut self.bytes, v);
            self.bits += v.size_bits;
            return;
        }
        let new_bits = self.bits + v.size_bits;
        self.bytes.resize(new_bits.div_ceil(8), 0);
        crate::bits::copy_bits(
            v.bytes,
            v.offset_bits,
            &mut self.bytes,
            self.bits,
            v.size_bits,
        );
        self.bits = new_bits;
    }
}

/// The bits of a list of bytes and bitstrings (as `list_to_bitstring/1` takes) as bytes and a
/// bit count; `None` if malformed.
pub fn bitlist_to_bits(t: Term) -> Option<(Vec<u8>, usize)> {
    let mut buf = BitBuf {
        bytes: Vec::new(),
        bits: 0,
    };
    let ok = walk(t, true, |p| match p {
        Piece::Byte(b) => buf.push_byte(b),
        Piece::Bits(v) => buf.push_view(&v),
    });
    ok.then_some((buf.bytes, buf.bits))
}

// ---------------------------------------------------------------- BIFs

fn iolist_to_binary_1(p: &mut Process, a: &[Term]) -> BifResult {
    let t = a[0];
    if t.is_bitstring() {
        return if t.is_binary() {
            Ok(t)
        } else {
            Err(Fail::badarg())
        };
    }
    list_to_binary_1(p, a)
}

fn iolist_size_1(p: &mut Process, a: &[Term]) -> BifResult {
    let n = iolist_size(a[0]).ok_or_else(Fail::badarg)?;
    Ok(crate::bignum::from_i128(&mut p.heap, n as i128))
}

fn list_to_binary_1(p: &mut Process, a: &[Term]) -> BifResult {
    let t = a[0];
    if !(t.is_list() || t.is_nil()) {
        return Err(Fail::badarg());
    }
    let bytes = iodata_to_bytes(t).ok_or_else(Fail::badarg)?;
    Ok(boxed::binary_from_vec(&mut p.heap, bytes))
}

fn list_to_bitstring_1(p: &mut Process, a: &[Term]) -> BifResult {
    let t = a[0];
    if !(t.is_list() || t.is_nil()) {
        return Err(Fail::badarg());
    }
    let (bytes, bits) = bitlist_to_bits(t).ok_or_else(Fail::badarg)?;
    Ok(make_bitstring(&mut p.heap, bytes, bits))
}

/// A list of the bytes `b` ending in `tail`.
fn bytes_to_list(heap: &mut Heap, b: &[u8], tail: Term) -> Term {
    let items: Vec<Term> = b.iter().map(|&x| Term::small(x as i64)).collect();
    boxed::list_with_tail(heap, &items, tail)
}

fn binary_to_list_1(p: &mut Process, a: &[Term]) -> BifResult {
    let b = binary_cow(a[0]).ok_or_else(Fail::badarg)?;
    Ok(bytes_to_list(&mut p.heap, &b, Term::NIL))
}

fn binary_to_list_3(p: &mut Process, a: &[Term]) -> BifResult {
    if !a[0].is_bitstring() {
        return Err(Fail::badarg());
    }
    let v = boxed::bitstring_view(a[0]);
    let size = v.size_bits / 8;
    let start = term_to_usize(a[1]).ok_or_else(Fail::badarg)?;
    let stop = term_to_usize(a[2]).ok_or_else(Fail::badarg)?;
    if start < 1 || start > stop || stop > size {
        return Err(Fail::badarg());
    }
    let bytes: Vec<u8> = (start - 1..stop).map(|i| view_byte(&v, i)).collect();
    Ok(bytes_to_list(&mut p.heap, &bytes, Term::NIL))
}

fn bitstring_to_list_1(p: &mut Process, a: &[Term]) -> BifResult {
    let t = a[0];
    if !t.is_bitstring() {
        return Err(Fail::badarg());
    }
    let v = boxed::bitstring_view(t);
    let whole = v.size_bits / 8;
    let rest = v.size_bits % 8;
    let bytes: Vec<u8> = (0..whole).map(|i| view_byte(&v, i)).collect();
    let tail = if rest == 0 {
        Term::NIL
    } else {
        let last = sub_bits(&mut p.heap, t, whole * 8, rest);
        boxed::cons(&mut p.heap, last, Term::NIL)
    };
    Ok(bytes_to_list(&mut p.heap, &bytes, tail))
}

// ---------------------------------------------------------------- iolist_to_iovec

/// Binaries below this size are merged into an accumulator (OTP's `IOL2V_SMALL_BIN_LIMIT`).
const IOVEC_SMALL: usize = 4 * HEAP_BIN_LIMIT;
/// Once the accumulator's capacity reaches this, it is emitted instead of grown.
const IOVEC_ACC_LIMIT: usize = IOVEC_SMALL * 32;

/// State of the iovec builder: the result so far and the accumulator of small pieces, whose
/// capacity is tracked as OTP tracks its buffer's size (it decides where results are split).
struct Iovec {
    out: Vec<Term>,
    acc: Vec<u8>,
    acc_cap: usize,
}

impl Iovec {
    fn flush(&mut self, heap: &mut Heap) {
        if self.acc_cap != 0 {
            let bytes = std::mem::take(&mut self.acc);
            self.out.push(boxed::binary_from_vec(heap, bytes));
            self.acc_cap = 0;
        }
    }
    /// Makes room for `extra` more bytes in the accumulator.
    fn reserve(&mut self, heap: &mut Heap, extra: usize) {
        let need = self.acc.len() + extra;
        if self.acc_cap == 0 {
            self.acc_cap = need.max(IOVEC_SMALL);
        } else if need > self.acc_cap {
            if self.acc_cap >= IOVEC_ACC_LIMIT {
                self.flush(heap);
                self.reserve(heap, extra);
                return;
            }
            self.acc_cap = need.max(self.acc_cap * 2);
        }
    }
    fn add_binary(&mut self, heap: &mut Heap, bin: Term) {
        let v = boxed::bitstring_view(bin);
        let size = v.size_bits / 8;
        if size == 0 {
            return;
        }
        let acc_small = self.acc.len() < IOVEC_SMALL;
        let bin_small = size < IOVEC_SMALL;
        if !bin_small && (self.acc.is_empty() || !acc_small) {
            if !self.acc.is_empty() {
                self.flush(heap);
            }
            self.out.push(bin);
        } else if bin_small || size + self.acc.len() < 2 * IOVEC_SMALL {
            self.reserve(heap, size);
            push_view(&mut self.acc, &v);
        } else {
            let spill = IOVEC_SMALL - self.acc.len();
            self.reserve(heap, spill);
            self.acc.extend((0..spill).map(|i| view_byte(&v, i)));
            let tail = sub_binary(heap, bin, spill, size - spill);
            self.flush(heap);
            self.out.push(tail);
        }
    }
}

fn iolist_to_iovec_1(p: &mut Process, a: &[Term]) -> BifResult {
    let t = a[0];
    if t.is_nil() {
        return Ok(Term::NIL);
    }
    if t.is_bitstring() {
        if !t.is_binary() {
            return Err(Fail::badarg());
        }
        if boxed::bitstring_bit_size(t) == 0 {
            return Ok(Term::NIL);
        }
        return Ok(boxed::cons(&mut p.heap, t, Term::NIL));
    }
    if !t.is_list() || iolist_size(t).is_none() {
        return Err(Fail::badarg());
    }
    let heap = &mut p.heap;
    let mut st = Iovec {
        out: Vec::new(),
        acc: Vec::new(),
        acc_cap: 0,
    };
    // Walk again collecting runs of bytes (OTP appends a run of integers in one step) and
    // binaries in order.
    let mut stack: Vec<Term> = Vec::new();
    let mut cur = t;
    loop {
        while cur.is_list() {
            let h = cur.head();
            if h.is_small() {
                let mut run = Vec::new();
                while cur.is_list() && cur.head().is_small() {
                    run.push(cur.head().small_value() as u8);
                    cur = cur.tail();
                }
                st.reserve(heap, run.len());
                st.acc.extend_from_slice(&run);
                continue;
            }
            if h.is_bitstring() {
                st.add_binary(heap, h);
            } else if h.is_list() || h.is_nil() {
                let tl = cur.tail();
                if !tl.is_nil() {
                    stack.push(tl);
                }
                cur = h;
                continue;
            }
            cur = cur.tail();
        }
        if cur.is_bitstring() {
            st.add_binary(heap, cur);
        }
        match stack.pop() {
            Some(next) => cur = next,
            None => break,
        }
    }
    st.flush(heap);
    Ok(boxed::list(heap, &st.out))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::atom;

    pub fn bin(p: &mut Process, b: &[u8]) -> Term {
        boxed::binary(&mut p.heap, b)
    }
    pub fn bytes_of(t: Term) -> Vec<u8> {
        binary_cow(t).expect("binary").into_owned()
    }
    pub fn ints(p: &mut Process, v: &[i64]) -> Term {
        let items: Vec<Term> = v.iter().map(|&x| Term::small(x)).collect();
        boxed::list(&mut p.heap, &items)
    }
    /// A bitstring of `bits` bits from the bytes.
    pub fn bits(p: &mut Process, b: &[u8], bits: usize) -> Term {
        make_bitstring(&mut p.heap, b.to_vec(), bits)
    }
    pub fn is_badarg(r: BifResult) -> bool {
        matches!(r, Err(Fail::Error { reason, .. }) if reason == Term::atom(atom::BADARG))
    }
    pub fn small_list(t: Term) -> Vec<i64> {
        boxed::list_to_vec(t)
            .expect("proper list")
            .iter()
            .map(|x| x.as_small().expect("small"))
            .collect()
    }

    #[test]
    fn iolist_to_binary_cases() {
        let mut p = Process::new(0);
        let b2 = bin(&mut p, &[2]);
        let b4 = bin(&mut p, &[4]);
        let inner = boxed::list_with_tail(&mut p.heap, &[Term::small(3)], b4);
        let l = boxed::list(&mut p.heap, &[Term::small(1), b2, inner]);
        let r = iolist_to_binary_1(&mut p, &[l]).unwrap();
        assert_eq!(bytes_of(r), vec![1, 2, 3, 4]);
        // A binary is returned as is; a bitstring is badarg.
        let b = bin(&mut p, &[1, 2]);
        assert_eq!(iolist_to_binary_1(&mut p, &[b]).unwrap(), b);
        let bs = bits(&mut p, &[0x20], 3);
        assert!(is_badarg(iolist_to_binary_1(&mut p, &[bs])));
        let l = boxed::list(&mut p.heap, &[bs]);
        assert!(is_badarg(iolist_to_binary_1(&mut p, &[l])));
        // [1|2], [256], [-1], atom
        let l = boxed::list_with_tail(&mut p.heap, &[Term::small(1)], Term::small(2));
        assert!(is_badarg(iolist_to_binary_1(&mut p, &[l])));
        let l = ints(&mut p, &[256]);
        assert!(is_badarg(iolist_to_binary_1(&mut p, &[l])));
        let l = ints(&mut p, &[-1]);
        assert!(is_badarg(iolist_to_binary_1(&mut p, &[l])));
        assert!(is_badarg(iolist_to_binary_1(
            &mut p,
            &[Term::atom(atom::OK)]
        )));
    }

    #[test]
    fn sizes_and_list_to_binary() {
        let mut p = Process::new(0);
        let b34 = bin(&mut p, &[3, 4]);
        let b5 = bin(&mut p, &[5]);
        let inner = boxed::list(&mut p.heap, &[Term::small(2), b34]);
        let l = boxed::list_with_tail(&mut p.heap, &[Term::small(1), inner], b5);
        assert_eq!(iolist_size_1(&mut p, &[l]).unwrap(), Term::small(5));
        let b = bin(&mut p, &[1, 2]);
        assert_eq!(iolist_size_1(&mut p, &[b]).unwrap(), Term::small(2));
        // list_to_binary refuses a binary, accepts [] and a binary tail.
        assert!(is_badarg(list_to_binary_1(&mut p, &[b])));
        let r = list_to_binary_1(&mut p, &[Term::NIL]).unwrap();
        assert_eq!(bytes_of(r), Vec::<u8>::new());
        let b2 = bin(&mut p, &[2]);
        let l = boxed::list_with_tail(&mut p.heap, &[Term::small(1)], b2);
        assert_eq!(
            bytes_of(list_to_binary_1(&mut p, &[l]).unwrap()),
            vec![1, 2]
        );
        // A large result goes off-heap.
        let big = vec![7u8; 1000];
        let bb = bin(&mut p, &big);
        let l = boxed::list(&mut p.heap, &[bb, bb]);
        assert_eq!(
            bytes_of(list_to_binary_1(&mut p, &[l]).unwrap()).len(),
            2000
        );
    }

    #[test]
    fn list_to_bitstring_cases() {
        // list_to_bitstring([1,<<2:3>>,<<1:1>>|<<1:2>>]) = <<1,21:6>>
        let mut p = Process::new(0);
        let a = bits(&mut p, &[2 << 5], 3);
        let b = bits(&mut p, &[0x80], 1);
        let c = bits(&mut p, &[1 << 6], 2);
        let l = boxed::list_with_tail(&mut p.heap, &[Term::small(1), a, b], c);
        let r = list_to_bitstring_1(&mut p, &[l]).unwrap();
        assert_eq!(boxed::bitstring_bit_size(r), 14);
        let v = boxed::bitstring_view(r).to_vec();
        assert_eq!(v, vec![1, 21 << 2]);
        assert!(is_badarg(list_to_bitstring_1(&mut p, &[a])));
        let l = boxed::list(&mut p.heap, &[a, Term::small(300)]);
        assert!(is_badarg(list_to_bitstring_1(&mut p, &[l])));
    }

    #[test]
    fn binary_to_list_cases() {
        let mut p = Process::new(0);
        let b = bin(&mut p, &[1, 2, 3]);
        assert_eq!(
            small_list(binary_to_list_1(&mut p, &[b]).unwrap()),
            vec![1, 2, 3]
        );
        let bs = bits(&mut p, &[0x20], 3);
        assert!(is_badarg(binary_to_list_1(&mut p, &[bs])));
        let r = binary_to_list_3(&mut p, &[b, Term::small(2), Term::small(2)]).unwrap();
        assert_eq!(small_list(r), vec![2]);
        for (s, e) in [(3, 2), (0, 2), (1, 4)] {
            assert!(is_badarg(binary_to_list_3(
                &mut p,
                &[b, Term::small(s), Term::small(e)]
            )));
        }
        let e = bin(&mut p, &[]);
        assert!(is_badarg(binary_to_list_3(
            &mut p,
            &[e, Term::small(1), Term::small(1)]
        )));
        // <<1,2,3,4:4>> from 1 to 3
        let bs = bits(&mut p, &[1, 2, 3, 0x40], 28);
        let r = binary_to_list_3(&mut p, &[bs, Term::small(1), Term::small(3)]).unwrap();
        assert_eq!(small_list(r), vec![1, 2, 3]);
    }

    #[test]
    fn bitstring_to_list_cases() {
        let mut p = Process::new(0);
        let bs = bits(&mut p, &[1, 2, 3 << 5], 19);
        let r = bitstring_to_list_1(&mut p, &[bs]).unwrap();
        let v = boxed::list_to_vec(r).unwrap();
        assert_eq!(v.len(), 3);
        assert_eq!(v[0], Term::small(1));
        assert_eq!(v[1], Term::small(2));
        assert_eq!(boxed::bitstring_bit_size(v[2]), 3);
        assert_eq!(boxed::bitstring_view(v[2]).to_vec(), vec![3 << 5]);
        let e = bin(&mut p, &[]);
        assert_eq!(bitstring_to_list_1(&mut p, &[e]).unwrap(), Term::NIL);
    }

    fn iovec_sizes(p: &mut Process, t: Term) -> Vec<usize> {
        let r = iolist_to_iovec_1(p, &[t]).unwrap();
        boxed::list_to_vec(r)
            .unwrap()
            .iter()
            .map(|b| boxed::bitstring_bit_size(*b) / 8)
            .collect()
    }

    #[test]
    fn iovec_matches_otp_splitting() {
        let mut p = Process::new(0);
        let b1 = bin(&mut p, &[1]);
        let b3 = bin(&mut p, &[3]);
        let l = boxed::list(&mut p.heap, &[b1, Term::small(2), b3]);
        let r = iolist_to_iovec_1(&mut p, &[l]).unwrap();
        let v = boxed::list_to_vec(r).unwrap();
        assert_eq!(v.len(), 1);
        assert_eq!(bytes_of(v[0]), vec![1, 2, 3]);
        let e = bin(&mut p, &[]);
        assert_eq!(iolist_to_iovec_1(&mut p, &[e]).unwrap(), Term::NIL);
        let l = boxed::list(&mut p.heap, &[Term::NIL, e]);
        assert_eq!(iolist_to_iovec_1(&mut p, &[l]).unwrap(), Term::NIL);
        let bs = bits(&mut p, &[0x20], 3);
        assert!(is_badarg(iolist_to_iovec_1(&mut p, &[bs])));
        // Sizes as OTP 25 prints them.
        let c100 = bin(&mut p, &[1; 100]);
        let c70 = bin(&mut p, &[2; 70]);
        let l = boxed::list(
            &mut p.heap,
            &[c100, Term::small(1), Term::small(2), c70, b3],
        );
        assert_eq!(iovec_sizes(&mut p, l), vec![173]);
        let run = ints(&mut p, &[1; 10000]);
        let c65 = bin(&mut p, &[2; 65]);
        let l = boxed::list(&mut p.heap, &[run, c65]);
        assert_eq!(iovec_sizes(&mut p, l), vec![10000, 65]);
        let c300 = bin(&mut p, &[1; 300]);
        let l = boxed::list(&mut p.heap, &[e, c300, e]);
        assert_eq!(iovec_sizes(&mut p, l), vec![300]);
        let c200 = bin(&mut p, &[1; 200]);
        let c400 = bin(&mut p, &[1; 400]);
        // acc 200 (small) + 400: combined >= 512, so 56 bytes spill and a 344-byte tail.
        let l = boxed::list(&mut p.heap, &[c200, c400]);
        assert_eq!(iovec_sizes(&mut p, l), vec![256, 344]);
    }
}
