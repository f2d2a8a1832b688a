//! Decoding the external term format (OTP's `external.c` `dec_term`): `binary_to_term` and the
//! loader's literal table. Every length is checked against the remaining input before anything
//! is allocated, nesting is bounded, and malformed input is a [`DecodeError`], never a panic.
//!
//! Local pids, ports and references (node `nonode@nohost`, creation 0) decode to local terms
//! with the number mappings of `term::boxed`; those of other nodes (or other creations) to
//! external terms (`term::external`).

use super::tags::*;
use crate::atom::{self, Atom};
use crate::bignum;
use crate::heap::Heap;
use crate::map;
use crate::module;
use crate::term::boxed;
use crate::term::external;
use crate::term::{make_header, subtag, Term};
use num_bigint::{BigInt, Sign};

/// Why a binary is not a valid external term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// Input ended early.
    Truncated,
    /// Missing or wrong version byte.
    BadVersion,
    /// A tag this decoder does not know.
    BadTag(u8),
    /// A field has an invalid value.
    Invalid(&'static str),
    /// `safe` was given and the term would create an atom or a fun.
    Unsafe,
    /// Nesting deeper than the decoder allows.
    TooDeep,
}

/// Options of `binary_to_term/2`.
#[derive(Debug, Clone, Copy, Default)]
pub struct DecodeOpts {
    pub safe: bool,
}

/// Largest number of a local port (28 bits, as OTP's).
const MAX_LOCAL_PORT: u64 = (1 << 28) - 1;

/// Whether a pid, port or reference names this node (its name and creation, see
/// [`crate::dist::node`]); any other node or creation makes an external term.
fn is_this_node(node: Atom, creation: u32) -> bool {
    crate::dist::node::is_this(node, creation)
}

/// Maximum nesting depth.
const MAX_DEPTH: u32 = 20_000;

struct Decoder<'a> {
    b: &'a [u8],
    pos: usize,
    heap: &'a mut Heap,
    opts: DecodeOpts,
}

impl Decoder<'_> {
    fn u8(&mut self) -> Result<u8, DecodeError> {
        let v = *self.b.get(self.pos).ok_or(DecodeError::Truncated)?;
        self.pos += 1;
        Ok(v)
    }
    /// The one-byte creation of the old pid, port and reference tags: OTP takes only 0..3.
    fn tiny_creation(&mut self) -> Result<u32, DecodeError> {
        match self.u8()? {
            c @ 0..=3 => Ok(c as u32),
            _ => Err(DecodeError::Invalid("creation")),
        }
    }
    fn take(&mut self, n: usize) -> Result<&[u8], DecodeError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.b.len())
            .ok_or(DecodeError::Truncated)?;
        let s = &self.b[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u16(&mut self) -> Result<u16, DecodeError> {
        let s = self.take(2)?;
        Ok(u16::from_be_bytes([s[0], s[1]]))
    }
    fn u32(&mut self) -> Result<u32, DecodeError> {
        let s = self.take(4)?;
        Ok(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn remaining(&self) -> usize {
        self.b.len() - self.pos
    }
    /// Checks that at least `n` items of at least `min` bytes each can follow.
    fn check_count(&self, n: usize, min: usize) -> Result<(), DecodeError> {
        if n.saturating_mul(min) > self.remaining() {
            Err(DecodeError::Truncated)
        } else {
            Ok(())
        }
    }

    fn make_atom(&self, bytes: &[u8], utf8: bool) -> Result<Atom, DecodeError> {
        let s: String = if utf8 {
            std::str::from_utf8(bytes)
                .map_err(|_| DecodeError::Invalid("atom text"))?
                .to_owned()
        } else {
            bytes.iter().map(|&c| c as char).collect()
        };
        if self.opts.safe {
            atom::existing(&s).ok_or(DecodeError::Unsafe)
        } else {
            atom::intern(&s).map_err(|_| DecodeError::Invalid("atom"))
        }
    }

    fn atom(&mut self) -> Result<Atom, DecodeError> {
        let tag = self.u8()?;
        let (len, utf8) = match tag {
            ATOM_EXT => (self.u16()? as usize, false),
            SMALL_ATOM_EXT => (self.u8()? as usize, false),
            ATOM_UTF8_EXT => (self.u16()? as usize, true),
            SMALL_ATOM_UTF8_EXT => (self.u8()? as usize, true),
            t => return Err(DecodeError::BadTag(t)),
        };
        let bytes = self.take(len)?.to_vec();
        self.make_atom(&bytes, utf8)
    }

    fn small_int(&mut self) -> Result<i64, DecodeError> {
        match self.u8()? {
            SMALL_INTEGER_EXT => Ok(self.u8()? as i64),
            INTEGER_EXT => Ok(self.u32()? as i32 as i64),
            t => Err(DecodeError::BadTag(t)),
        }
    }

    fn term(&mut self, depth: u32) -> Result<Term, DecodeError> {
        if depth > MAX_DEPTH {
            return Err(DecodeError::TooDeep);
        }
        let tag = self.u8()?;
        Ok(match tag {
            SMALL_INTEGER_EXT => Term::small(self.u8()? as i64),
            INTEGER_EXT => Term::small(self.u32()? as i32 as i64),
            NEW_FLOAT_EXT => {
                let s = self.take(8)?;
                let f = f64::from_be_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]]);
                if !f.is_finite() {
                    return Err(DecodeError::Invalid("float"));
                }
                boxed::float(self.heap, f)
            }
            FLOAT_EXT => {
                // OTP reads the 31 bytes with `sys_chars_to_double`, as `list_to_float/1`:
                // a C string (it ends at a NUL) in Erlang float syntax, `,` for the point.
                let s = self.take(31)?;
                let text: Vec<u8> = s
                    .iter()
                    .take_while(|&&c| c != 0)
                    .map(|&c| if c == b',' { b'.' } else { c })
                    .collect();
                let f =
                    crate::bif::numbers::parse_float(&text).ok_or(DecodeError::Invalid("float"))?;
                boxed::float(self.heap, f)
            }
            ATOM_EXT | SMALL_ATOM_EXT | ATOM_UTF8_EXT | SMALL_ATOM_UTF8_EXT => {
                self.pos -= 1;
                Term::atom(self.atom()?)
            }
            SMALL_TUPLE_EXT | LARGE_TUPLE_EXT => {
                let n = if tag == SMALL_TUPLE_EXT {
                    self.u8()? as usize
                } else {
                    self.u32()? as usize
                };
                self.check_count(n, 1)?;
                let mut elems = Vec::with_capacity(n);
                for _ in 0..n {
                    elems.push(self.term(depth + 1)?);
                }
                boxed::tuple(self.heap, &elems)
            }
            NIL_EXT => Term::NIL,
            STRING_EXT => {
                let n = self.u16()? as usize;
                let s = self.take(n)?.to_vec();
                boxed::string(self.heap, s.iter().map(|&c| c as u32))
            }
            LIST_EXT => {
                let n = self.u32()? as usize;
                self.check_count(n, 1)?;
                let mut elems = Vec::with_capacity(n);
                for _ in 0..n {
                    elems.push(self.term(depth + 1)?);
                }
                let tail = self.term(depth + 1)?;
                boxed::list_with_tail(self.heap, &elems, tail)
            }
            BINARY_EXT => {
                let n = self.u32()? as usize;
                let s = self.take(n)?.to_vec();
                boxed::binary_from_vec(self.heap, s)
            }
            BIT_BINARY_EXT => {
                let n = self.u32()? as usize;
                let bits = self.u8()? as usize;
                if n == 0 || bits == 0 || bits > 8 {
                    if n == 0 && bits == 0 {
                        return Ok(boxed::binary(self.heap, &[]));
                    }
                    return Err(DecodeError::Invalid("bit binary"));
                }
                let s = self.take(n)?.to_vec();
                let bin = boxed::binary_from_vec(self.heap, s);
                if bits == 8 {
                    bin
                } else {
                    boxed::sub_binary(self.heap, bin, 0, (n - 1) * 8 + bits)
                }
            }
            SMALL_BIG_EXT | LARGE_BIG_EXT => {
                let n = if tag == SMALL_BIG_EXT {
                    self.u8()? as usize
                } else {
                    self.u32()? as usize
                };
                // Any non-zero sign byte means negative, as in OTP.
                let sign = self.u8()?;
                if n as u64 * 8 > bignum::MAX_BIG_BITS {
                    return Err(DecodeError::Invalid("bignum size"));
                }
                let digits = self.take(n)?;
                let mag = BigInt::from_bytes_le(Sign::Plus, digits);
                let v = if sign != 0 { -mag } else { mag };
                bignum::from_bigint(self.heap, &v)
            }
            MAP_EXT => {
                let n = self.u32()? as usize;
                self.check_count(n, 2)?;
                let mut pairs = Vec::with_capacity(n);
                for _ in 0..n {
                    let k = self.term(depth + 1)?;
                    let v = self.term(depth + 1)?;
                    pairs.push((k, v));
                }
                let m = map::from_pairs(self.heap, &pairs);
                if map::size(m) != n {
                    return Err(DecodeError::Invalid("duplicate map key"));
                }
                m
            }
            PID_EXT | NEW_PID_EXT => {
                let node = self.atom()?;
                let id = self.u32()?;
                let serial = self.u32()?;
                let creation = if tag == NEW_PID_EXT {
                    self.u32()?
                } else {
                    self.tiny_creation()?
                };
                if is_this_node(node, creation) {
                    if id > 0x7FFF || serial > 0x1FFF {
                        return Err(DecodeError::Invalid("pid"));
                    }
                    Term::pid(boxed::pid_number(id, serial))
                } else {
                    external::pid(self.heap, node, creation, id, serial)
                }
            }
            PORT_EXT | NEW_PORT_EXT | V4_PORT_EXT => {
                let node = self.atom()?;
                let id = if tag == V4_PORT_EXT {
                    let s = self.take(8)?;
                    u64::from_be_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]])
                } else {
                    self.u32()? as u64
                };
                let creation = if tag == PORT_EXT {
                    self.tiny_creation()?
                } else {
                    self.u32()?
                };
                if is_this_node(node, creation) {
                    if id > MAX_LOCAL_PORT {
                        return Err(DecodeError::Invalid("port"));
                    }
                    Term::port(id)
                } else {
                    external::port(self.heap, node, creation, id)
                }
            }
            NEW_REFERENCE_EXT | NEWER_REFERENCE_EXT => {
                let n = self.u16()? as usize;
                let node = self.atom()?;
                let creation = if tag == NEW_REFERENCE_EXT {
                    self.tiny_creation()?
                } else {
                    self.u32()?
                };
                if n > external::MAX_REF_WORDS {
                    return Err(DecodeError::Invalid("reference"));
                }
                let mut words = Vec::with_capacity(n);
                for _ in 0..n {
                    words.push(self.u32()?);
                }
                // The old tag's first word has 18 bits, wherever the reference comes from.
                // OTP 25 checks it even when there are no words: it then reads the 4 bytes
                // that follow (past the input's end, memory it does not own: refused here).
                if tag == NEW_REFERENCE_EXT {
                    let first = match words.first() {
                        Some(&w) => Some(w),
                        None => self
                            .b
                            .get(self.pos..self.pos + 4)
                            .map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]])),
                    };
                    if first.is_none_or(|w| w > 0x3FFFF) {
                        return Err(DecodeError::Invalid("reference"));
                    }
                }
                if is_this_node(node, creation) {
                    // Five words would be a reference holding a pid (OTP's pid references),
                    // which this runtime does not make; the first word has 18 bits.
                    if n == 5 || words.first().is_some_and(|&w| w > 0x3FFFF) {
                        return Err(DecodeError::Invalid("reference"));
                    }
                    let id = if words.is_empty() {
                        0
                    } else {
                        boxed::ref_id_from_words(&words).ok_or(DecodeError::Invalid("ref"))?
                    };
                    // A live magic reference (a NIF resource) comes back as itself.
                    match crate::magic::lookup(id) {
                        // SAFETY: `lookup` took the count that the new term owns.
                        Some(m) => unsafe { crate::magic::make_ref_owned(self.heap, m) },
                        None => boxed::reference(self.heap, id),
                    }
                } else {
                    external::reference(self.heap, node, creation, &words)
                }
            }
            REFERENCE_EXT => {
                let node = self.atom()?;
                let id = self.u32()?;
                let creation = self.tiny_creation()?;
                if id > 0x3FFFF {
                    return Err(DecodeError::Invalid("reference"));
                }
                if is_this_node(node, creation) {
                    boxed::reference(self.heap, id as u64)
                } else {
                    external::reference(self.heap, node, creation, &[id])
                }
            }
            EXPORT_EXT => {
                let m = self.atom()?;
                let f = self.atom()?;
                // Any term that is a non-negative small integer, as OTP accepts (arities
                // above 255 make a fun that no call can match).
                let a = self
                    .term(depth + 1)?
                    .as_small()
                    .filter(|&a| (0..=i64::from(u32::MAX)).contains(&a))
                    .ok_or(DecodeError::Invalid("export arity"))?;
                let e = module::export(m, f, a as u32);
                let p = self.heap.alloc(2);
                // SAFETY: two writable words.
                unsafe {
                    *p = Term(make_header(subtag::EXPORT, 1));
                    *p.add(1) = Term(e as *const module::Export as u64);
                }
                Term::make_boxed(p)
            }
            NEW_FUN_EXT => {
                let size = self.u32()? as usize;
                if size < 4 || size - 4 > self.remaining() {
                    return Err(DecodeError::Truncated);
                }
                let arity = self.u8()? as u32;
                let mut uniq = [0u8; 16];
                uniq.copy_from_slice(self.take(16)?);
                let index = self.u32()?;
                let num_free = self.u32()? as usize;
                self.check_count(num_free, 1)?;
                let m = self.atom()?;
                let _old_index = self.small_int()?;
                let old_uniq = self.small_int()? as u32;
                let _pid = self.term(depth + 1)?;
                if self.opts.safe && !module::modules().is_loaded(m) {
                    return Err(DecodeError::Unsafe);
                }
                let entry = module::fun_entry(m, index, old_uniq, || {
                    module::FunEntry::new(
                        m,
                        atom::atom("-unknown-fun-"),
                        arity,
                        num_free as u32,
                        index,
                        old_uniq,
                        uniq,
                    )
                });
                let mut env = Vec::with_capacity(num_free);
                for _ in 0..num_free {
                    env.push(self.term(depth + 1)?);
                }
                let p = self.heap.alloc(2 + num_free);
                // SAFETY: 2 + num_free writable words.
                unsafe {
                    *p = Term(make_header(subtag::FUN, 1 + num_free));
                    *p.add(1) = Term(entry as *const module::FunEntry as u64);
                    for (i, t) in env.iter().enumerate() {
                        *p.add(2 + i) = *t;
                    }
                }
                Term::make_boxed(p)
            }
            t => return Err(DecodeError::BadTag(t)),
        })
    }
}

/// Decodes an external term (with its version byte); returns the term and the bytes used.
pub fn decode(
    heap: &mut Heap,
    bytes: &[u8],
    opts: DecodeOpts,
) -> Result<(Term, usize), DecodeError> {
    if bytes.first() != Some(&VERSION_MAGIC) {
        return Err(DecodeError::BadVersion);
    }
    if bytes.get(1) == Some(&COMPRESSED) {
        if bytes.len() < 6 {
            return Err(DecodeError::Truncated);
        }
        let size = u32::from_be_bytes([bytes[2], bytes[3], bytes[4], bytes[5]]) as usize;
        let data = inflate(&bytes[6..], size)?;
        let used_in = data.1;
        let mut d = Decoder {
            b: &data.0,
            pos: 0,
            heap,
            opts,
        };
        let t = d.term(0)?;
        if d.pos != data.0.len() {
            return Err(DecodeError::Invalid("trailing bytes in compressed term"));
        }
        return Ok((t, 6 + used_in));
    }
    let mut d = Decoder {
        b: bytes,
        pos: 1,
        heap,
        opts,
    };
    let t = d.term(0)?;
    Ok((t, d.pos))
}

/// Inflates a zlib stream that must produce exactly `size` bytes; returns the data and the
/// compressed bytes consumed.
pub(crate) fn inflate(input: &[u8], size: usize) -> Result<(Vec<u8>, usize), DecodeError> {
    use flate2::{Decompress, FlushDecompress, Status};
    if size > 1 << 31 {
        return Err(DecodeError::Invalid("compressed size"));
    }
    // Room for one byte more than announced, so that a stream longer than its header says
    // is refused (as OTP does) rather than cut.
    let mut out = Vec::with_capacity(size.min(1 << 24) + 1);
    let mut z = Decompress::new(true);
    loop {
        if out.len() == out.capacity() {
            out.reserve((size + 1 - out.len()).clamp(1, 1 << 24));
        }
        let before = z.total_in() as usize;
        let status = z
            .decompress_vec(
                &input[before.min(input.len())..],
                &mut out,
                FlushDecompress::Finish,
            )
            .map_err(|_| DecodeError::Invalid("zlib data"))?;
        if out.len() > size {
            return Err(DecodeError::Invalid("compressed size"));
        }
        match status {
            Status::StreamEnd => break,
            Status::Ok | Status::BufError => {
                if z.total_in() as usize == before && out.len() < out.capacity() {
                    return Err(DecodeError::Truncated);
                }
            }
        }
    }
    if out.len() != size {
        return Err(DecodeError::Invalid("compressed size"));
    }
    Ok((out, z.total_in() as usize))
}

/// Decodes a literal of a `LitT` chunk.
pub fn decode_literal(heap: &mut Heap, bytes: &[u8]) -> Result<Term, DecodeError> {
    decode(heap, bytes, DecodeOpts::default()).map(|(t, _)| t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::term::compare::exact_eq;

    #[test]
    fn decodes_basic_terms() {
        let mut h = Heap::default();
        // term_to_binary({ok, [1,2], <<"ab">>, -1, 1.5, "xy", #{a => 1}})
        let bytes: &[u8] = &[
            131, 104, 7, 119, 2, 111, 107, 107, 0, 2, 1, 2, 109, 0, 0, 0, 2, 97, 98, 98, 255, 255,
            255, 255, 70, 63, 248, 0, 0, 0, 0, 0, 0, 107, 0, 2, 120, 121, 116, 0, 0, 0, 1, 119, 1,
            97, 97, 1,
        ];
        let (t, used) = decode(&mut h, bytes, DecodeOpts::default()).unwrap();
        assert_eq!(used, bytes.len());
        let e = boxed::tuple_elems(t);
        assert_eq!(e.len(), 7);
        assert_eq!(e[0], Term::atom(atom::OK));
        assert_eq!(e[3], Term::small(-1));
        assert_eq!(boxed::float_value(e[4]), 1.5);
        assert_eq!(boxed::binary_bytes(e[2]).unwrap(), b"ab");
        let xy = boxed::string(&mut h, "xy".chars().map(|c| c as u32));
        assert!(exact_eq(e[5], xy));
        assert_eq!(
            map::get(e[6], Term::atom(atom::atom("a"))),
            Some(Term::small(1))
        );
    }

    #[test]
    fn rejects_garbage() {
        let mut h = Heap::default();
        for bad in [
            &[][..],
            &[131],
            &[131, 104],
            &[131, 108, 255, 255, 255, 255],
            &[131, 80, 0, 0, 0, 10, 1, 2],
            &[130, 97, 1],
            &[131, 200],
        ] {
            assert!(
                decode(&mut h, bad, DecodeOpts::default()).is_err(),
                "{bad:?}"
            );
        }
    }
}
