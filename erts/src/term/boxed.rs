//! Layouts of boxed objects and lists, with their constructors and accessors.
//!
//! Word 0 of every boxed object is its header (`make_header(subtag, arity)`); the arity is the
//! number of words after it. Layouts (words after the header):
//!
//! | object        | words                                                                 |
//! |---------------|-----------------------------------------------------------------------|
//! | tuple         | the elements                                                          |
//! | float         | the `f64` bits                                                        |
//! | bignum        | little-endian `u64` magnitude limbs; the sign is in the subtag        |
//! | heap binary   | byte size, then the bytes packed 8 per word (at most 64 bytes)        |
//! | refc binary   | byte size, raw `*const crate::heap::BinBuf` (a strong count held by the heap)     |
//! | sub binary    | size in bits, offset in bits, the underlying heap/refc binary term    |
//! | match state   | binary term (heap/refc), start bit offset, position, end (absolute)   |
//! | ref           | the 64-bit reference number                                           |
//! | fun           | `*const FunEntry` raw, then the free variables                        |
//! | export        | `*const Export` raw                                                   |
//! | map (flat)    | size n, keys tuple (sorted in term order), then n values              |
//!
//! Words that are not terms (raw pointers, sizes) are known to the GC by the subtag.
//! Accessors returning slices hand out references into a heap: hold them only until the next
//! allocation that may garbage collect.

use super::{header_arity, make_header, subtag, Term};
use crate::heap::{BinaryData, Heap};

/// Binaries of at most this many bytes live on the process heap.
pub const HEAP_BIN_LIMIT: usize = 64;

// ---------------------------------------------------------------- lists

/// Allocates a cons cell.
#[inline]
pub fn cons(heap: &mut Heap, head: Term, tail: Term) -> Term {
    let p = heap.alloc(2);
    // SAFETY: `alloc` returned two writable words.
    unsafe {
        *p = head;
        *p.add(1) = tail;
    }
    Term::make_list(p)
}

/// Builds a proper list of `items` ending in `tail`.
pub fn list_with_tail(heap: &mut Heap, items: &[Term], tail: Term) -> Term {
    if items.is_empty() {
        return tail;
    }
    let p = heap.alloc(2 * items.len());
    // SAFETY: `alloc` returned 2 * len writable words; each cell points to the next.
    unsafe {
        for (i, &it) in items.iter().enumerate() {
            let c = p.add(2 * i);
            *c = it;
            *c.add(1) = if i + 1 == items.len() {
                tail
            } else {
                Term::make_list(c.add(2))
            };
        }
    }
    Term::make_list(p)
}

/// Builds a proper list.
pub fn list(heap: &mut Heap, items: &[Term]) -> Term {
    list_with_tail(heap, items, Term::NIL)
}

/// A list of small integers (an Erlang string).
pub fn string(heap: &mut Heap, chars: impl IntoIterator<Item = u32>) -> Term {
    let mut it = chars.into_iter();
    let (lo, hi) = it.size_hint();
    if hi != Some(lo) {
        let v: Vec<Term> = it.map(|c| Term::small(c as i64)).collect();
        return list(heap, &v);
    }
    // The length is known (a slice, a range): the cells are written straight to the heap.
    if lo == 0 {
        return Term::NIL;
    }
    let p = heap.alloc(2 * lo);
    // SAFETY: `alloc` returned 2 * lo writable words; each cell points to the next.
    unsafe {
        for i in 0..lo {
            let c = p.add(2 * i);
            *c = Term::small(it.next().unwrap_or(0) as i64);
            *c.add(1) = if i + 1 == lo {
                Term::NIL
            } else {
                Term::make_list(c.add(2))
            };
        }
    }
    Term::make_list(p)
}

/// Collects a proper list into a vector; `None` for an improper list or a non-list.
pub fn list_to_vec(mut t: Term) -> Option<Vec<Term>> {
    let mut out = Vec::new();
    while t.is_list() {
        out.push(t.head());
        t = t.tail();
    }
    if t.is_nil() {
        Some(out)
    } else {
        None
    }
}

/// Length of a proper list; `None` if improper.
pub fn list_length(mut t: Term) -> Option<usize> {
    let mut n = 0;
    while t.is_list() {
        n += 1;
        t = t.tail();
    }
    if t.is_nil() {
        Some(n)
    } else {
        None
    }
}

// ---------------------------------------------------------------- tuples

/// Allocates a tuple with the given elements.
pub fn tuple(heap: &mut Heap, elems: &[Term]) -> Term {
    let p = heap.alloc(1 + elems.len());
    // SAFETY: `alloc` returned 1 + len writable words.
    unsafe {
        *p = Term(make_header(subtag::TUPLE, elems.len()));
        std::ptr::copy_nonoverlapping(elems.as_ptr(), p.add(1), elems.len());
    }
    Term::make_boxed(p)
}

/// Arity of a tuple (caller checked `is_tuple`).
#[inline]
pub fn tuple_arity(t: Term) -> usize {
    header_arity(t.header())
}

/// The elements of a tuple (caller checked `is_tuple`).
#[inline]
pub fn tuple_elems<'a>(t: Term) -> &'a [Term] {
    let n = tuple_arity(t);
    // SAFETY: a tuple's header is followed by `arity` element words.
    unsafe { std::slice::from_raw_parts(t.boxed_ptr().add(1), n) }
}

/// Element `i` (0-based) of a tuple (caller checked bounds).
#[inline]
pub fn tuple_element(t: Term, i: usize) -> Term {
    Term(t.boxed_word(1 + i))
}

/// Mutable elements of a freshly built tuple (used by `setelement` and the loader).
#[inline]
pub fn tuple_elems_mut<'a>(t: Term) -> &'a mut [Term] {
    let n = tuple_arity(t);
    // SAFETY: as `tuple_elems`; callers only mutate tuples they just allocated.
    unsafe { std::slice::from_raw_parts_mut(t.boxed_ptr().add(1), n) }
}

// ---------------------------------------------------------------- floats

pub fn float(heap: &mut Heap, f: f64) -> Term {
    let p = heap.alloc(2);
    // SAFETY: two writable words.
    unsafe {
        *p = Term(make_header(subtag::FLOAT, 1));
        *p.add(1) = Term(f.to_bits());
    }
    Term::make_boxed(p)
}

/// The value of a float (caller checked `is_float`).
#[inline]
pub fn float_value(t: Term) -> f64 {
    f64::from_bits(t.boxed_word(1))
}

// ---------------------------------------------------------------- refs, funs, exports

pub fn reference(heap: &mut Heap, id: u64) -> Term {
    let p = heap.alloc(2);
    // SAFETY: two writable words.
    unsafe {
        *p = Term(make_header(subtag::REF, 1));
        *p.add(1) = Term(id);
    }
    Term::make_boxed(p)
}

/// Marks the number of a pid reference (OTP's reference that can serve as an alias:
/// `alias/0,1`, `monitor/3` with `alias`): OTP's term is a word longer, which
/// `erts_debug:flat_size/1` reports. (Bits 62 and 63 mark other kinds of numbers: native
/// objects, timers, atomics.)
pub const PID_REF_BIT: u64 = 1 << 61;

/// The number of a local reference.
pub fn reference_id(t: Term) -> u64 {
    t.boxed_word(1)
}

// ---------------------------------------------------------------- binaries

/// Allocates a binary holding `bytes`: on the heap up to 64 bytes, off-heap above.
pub fn binary(heap: &mut Heap, bytes: &[u8]) -> Term {
    if bytes.len() <= HEAP_BIN_LIMIT {
        let t = heap_binary_uninit(heap, bytes.len());
        binary_bytes_mut(t).copy_from_slice(bytes);
        t
    } else {
        refc_binary(heap, std::sync::Arc::new(bytes.to_vec().into()))
    }
}

/// Allocates a binary that takes ownership of `bytes`.
pub fn binary_from_vec(heap: &mut Heap, bytes: Vec<u8>) -> Term {
    if bytes.len() <= HEAP_BIN_LIMIT {
        binary(heap, &bytes)
    } else {
        refc_binary(heap, std::sync::Arc::new(bytes.into()))
    }
}

/// A heap binary of `n` bytes (n <= 64) whose bytes the caller fills.
pub fn heap_binary_uninit(heap: &mut Heap, n: usize) -> Term {
    let words = n.div_ceil(8);
    let p = heap.alloc(2 + words);
    // SAFETY: 2 + words writable words (zeroed by `alloc`).
    unsafe {
        *p = Term(make_header(subtag::HEAP_BINARY, 1 + words));
        *p.add(1) = Term(n as u64);
    }
    Term::make_boxed(p)
}

/// A refc binary object pointing at shared data.
pub fn refc_binary(heap: &mut Heap, data: BinaryData) -> Term {
    let len = data.len();
    let raw = heap.register_binary(data);
    let p = heap.alloc(3);
    // SAFETY: three writable words.
    unsafe {
        *p = Term(make_header(subtag::REFC_BINARY, 2));
        *p.add(1) = Term(len as u64);
        *p.add(2) = Term(raw as u64);
    }
    Term::make_boxed(p)
}

/// Appends `extra` in place to the refc binary under `t` when that is safe: `t` covers its
/// data from the start to the current end, and this heap holds the only reference to the data
/// (so no other process or table can see it change). Returns the new, longer binary object
/// (sharing the data and the heap's one count), or `None` when the caller must copy.
pub fn try_append_in_place(heap: &mut Heap, t: Term, extra: &[u8]) -> Option<Term> {
    let (base, off) = bitstring_base(t);
    if off != 0 || base.boxed_subtag() != subtag::REFC_BINARY {
        return None;
    }
    let len = base.boxed_word(1) as usize;
    if bitstring_bit_size(t) != len * 8 {
        return None;
    }
    let raw = base.boxed_word(2) as *const crate::heap::BinBuf;
    // SAFETY: `raw` came from `Arc::into_raw` and this heap holds a strong count, so the Arc
    // is alive; it is rebuilt only to call `get_mut` and then forgotten, leaving the count as
    // it was. `get_mut` succeeds only when no other count exists, so no other thread can be
    // reading the data.
    let mut arc = unsafe { std::sync::Arc::from_raw(raw) };
    let grown = match std::sync::Arc::get_mut(&mut arc) {
        Some(v) if v.len() == len => {
            v.extend_from_slice(extra);
            Some(v.len())
        }
        _ => None,
    };
    std::mem::forget(arc);
    let new_len = grown?;
    let p = heap.alloc(3);
    // SAFETY: three writable words. The new object shares the heap's existing count (the GC
    // counts each live object it copies).
    unsafe {
        *p = Term(make_header(subtag::REFC_BINARY, 2));
        *p.add(1) = Term(new_len as u64);
        *p.add(2) = Term(raw as u64);
    }
    Some(Term::make_boxed(p))
}

/// A refc binary of `bytes` with spare capacity for later in-place appends (the result of an
/// append that had to copy; off the heap however small, as OTP's writable binaries).
pub fn appendable_binary(heap: &mut Heap, bytes: Vec<u8>) -> Term {
    let mut v = Vec::with_capacity((bytes.len() * 2).max(256));
    v.extend_from_slice(&bytes);
    refc_binary(heap, std::sync::Arc::new(v.into()))
}

/// A sub binary of `orig` (a heap or refc binary) at `offset_bits` for `size_bits`.
pub fn sub_binary(heap: &mut Heap, orig: Term, offset_bits: usize, size_bits: usize) -> Term {
    let p = heap.alloc(4);
    // SAFETY: four writable words.
    unsafe {
        *p = Term(make_header(subtag::SUB_BINARY, 3));
        *p.add(1) = Term(size_bits as u64);
        *p.add(2) = Term(offset_bits as u64);
        *p.add(3) = orig;
    }
    Term::make_boxed(p)
}

/// The bytes of a heap or refc binary object (not a sub binary).
#[inline]
fn base_bytes<'a>(t: Term) -> &'a [u8] {
    match t.boxed_subtag() {
        subtag::HEAP_BINARY => {
            let n = t.boxed_word(1) as usize;
            // SAFETY: a heap binary stores `n` bytes from word 2.
            unsafe { std::slice::from_raw_parts(t.boxed_ptr().add(2) as *const u8, n) }
        }
        subtag::REFC_BINARY => {
            let raw = t.boxed_word(2) as *const crate::heap::BinBuf;
            let n = t.boxed_word(1) as usize;
            // SAFETY: the heap holds a strong count of this data while the object is live;
            // the data may have grown past this object's length (in-place appends), never
            // shrunk.
            unsafe { &(&*raw)[..n] }
        }
        _ => &[],
    }
}

/// Mutable bytes of a freshly allocated heap binary.
pub fn binary_bytes_mut<'a>(t: Term) -> &'a mut [u8] {
    debug_assert!(t.is_boxed_with(subtag::HEAP_BINARY));
    let n = t.boxed_word(1) as usize;
    // SAFETY: a heap binary stores `n` bytes from word 2; the caller just allocated it.
    unsafe { std::slice::from_raw_parts_mut(t.boxed_ptr().add(2) as *mut u8, n) }
}

/// A view of a bitstring: the underlying bytes, the bit offset into them and the size in bits.
#[derive(Clone, Copy, Debug)]
pub struct BitView<'a> {
    pub bytes: &'a [u8],
    pub offset_bits: usize,
    pub size_bits: usize,
}

impl<'a> BitView<'a> {
    /// The bytes if the view is byte-aligned and a whole number of bytes.
    #[inline]
    pub fn as_bytes(&self) -> Option<&'a [u8]> {
        if self.offset_bits % 8 == 0 && self.size_bits % 8 == 0 {
            let s = self.offset_bits / 8;
            Some(&self.bytes[s..s + self.size_bits / 8])
        } else {
            None
        }
    }
    /// Bit `i` of the view (0 = most significant bit of the first byte).
    pub fn bit(&self, i: usize) -> u8 {
        let b = self.offset_bits + i;
        (self.bytes[b / 8] >> (7 - (b % 8))) & 1
    }
    /// The contents copied into fresh bytes; a trailing partial byte is padded with zeros.
    pub fn to_vec(&self) -> Vec<u8> {
        if let Some(b) = self.as_bytes() {
            return b.to_vec();
        }
        let mut out = vec![0u8; self.size_bits.div_ceil(8)];
        crate::bits::copy_bits(self.bytes, self.offset_bits, &mut out, 0, self.size_bits);
        out
    }
}

/// Views a bitstring term (caller checked `is_bitstring`).
#[inline]
pub fn bitstring_view<'a>(t: Term) -> BitView<'a> {
    if t.boxed_subtag() == subtag::SUB_BINARY {
        let orig = Term(t.boxed_word(3));
        BitView {
            bytes: base_bytes(orig),
            offset_bits: t.boxed_word(2) as usize,
            size_bits: t.boxed_word(1) as usize,
        }
    } else {
        let bytes = base_bytes(t);
        BitView {
            bytes,
            offset_bits: 0,
            size_bits: bytes.len() * 8,
        }
    }
}

/// Size in bits of a bitstring (caller checked `is_bitstring`).
#[inline]
pub fn bitstring_bit_size(t: Term) -> usize {
    match t.boxed_subtag() {
        subtag::SUB_BINARY => t.boxed_word(1) as usize,
        _ => t.boxed_word(1) as usize * 8,
    }
}

/// The bytes of a binary term if it is a byte-aligned binary.
#[inline]
pub fn binary_bytes<'a>(t: Term) -> Option<&'a [u8]> {
    if !t.is_bitstring() {
        return None;
    }
    bitstring_view(t).as_bytes()
}

/// The underlying heap/refc binary of a bitstring and the bit offset of `t` into it.
pub fn bitstring_base(t: Term) -> (Term, usize) {
    if t.boxed_subtag() == subtag::SUB_BINARY {
        (Term(t.boxed_word(3)), t.boxed_word(2) as usize)
    } else {
        (t, 0)
    }
}

// ---------------------------------------------------------------- pid and ref numbering

/// The pid number of a local pid `<0.Id.Serial>` (OTP: 15 bits of id, 13 of serial).
pub fn pid_number(id: u32, serial: u32) -> u64 {
    (id as u64 & 0x7FFF) | ((serial as u64 & 0x1FFF) << 15)
}

/// `(Id, Serial)` of a local pid number.
pub fn pid_fields(n: u64) -> (u32, u32) {
    ((n & 0x7FFF) as u32, ((n >> 15) & 0x1FFF) as u32)
}

/// The three 32-bit words OTP shows for a local reference number (`#Ref<0.W2.W1.W0>`; the
/// first word has 18 significant bits).
pub fn ref_words(id: u64) -> [u32; 3] {
    [
        (id & 0x3FFFF) as u32,
        ((id >> 18) & 0xFFFF_FFFF) as u32,
        (id >> 50) as u32,
    ]
}

/// The reference number of external-format words (inverse of `ref_words`).
pub fn ref_id_from_words(w: &[u32]) -> Option<u64> {
    let w0 = *w.first()? as u64 & 0x3FFFF;
    let w1 = *w.get(1).unwrap_or(&0) as u64;
    let w2 = *w.get(2).unwrap_or(&0) as u64;
    if w2 >= 1 << 14 {
        return None;
    }
    Some(w0 | (w1 << 18) | (w2 << 50))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(t: Term) -> Vec<i64> {
        list_to_vec(t)
            .expect("a proper list")
            .into_iter()
            .map(|c| c.small_value())
            .collect()
    }

    #[test]
    fn string_of_known_and_unknown_length() {
        let mut h = Heap::with_capacity(4);
        // A slice (known length; more than the heap holds, so part goes to a fragment).
        let s = string(&mut h, b"cba".iter().map(|&b| b as u32));
        assert_eq!(chars(s), vec![99, 98, 97]);
        // A filter (length unknown until the end).
        let t = string(&mut h, (0u32..10).filter(|c| c % 3 == 0));
        assert_eq!(chars(t), vec![0, 3, 6, 9]);
        assert_eq!(string(&mut h, std::iter::empty()), Term::NIL);
        let u = string(&mut h, [0x10FFFFu32]);
        assert_eq!(chars(u), vec![0x10FFFF]);
    }
}
