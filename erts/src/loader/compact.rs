//! The compact term encoding of the `Code` and `Line` chunks (OTP's `beam_asm:encode_arg` /
//! `beam_file.c` `get_tag_and_value`): a tag in the low 3 bits of the first byte and a value in
//! 4 bits, 11 bits, or 2..8 (or more) following bytes; tag `z` introduces extended operands.

use super::{LoadError, Operand};
use crate::atom::Atom;
use crate::heap::Heap;
use crate::term::Term;
use num_bigint::{BigInt, Sign};

pub const TAG_U: u8 = 0;
pub const TAG_I: u8 = 1;
pub const TAG_A: u8 = 2;
pub const TAG_X: u8 = 3;
pub const TAG_Y: u8 = 4;
pub const TAG_F: u8 = 5;
pub const TAG_H: u8 = 6;
pub const TAG_Z: u8 = 7;

/// A decoded value: small enough for an i64, or a bignum.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Small(i64),
    Big(BigInt),
}

/// A bounds-checked reader over a byte slice.
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    chunk: &'static str,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8], chunk: &'static str) -> Reader<'a> {
        Reader {
            bytes,
            pos: 0,
            chunk,
        }
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    pub fn position(&self) -> usize {
        self.pos
    }

    pub fn err(&self, detail: impl Into<String>) -> LoadError {
        LoadError::BadChunk {
            chunk: self.chunk,
            detail: format!("{} at byte {}", detail.into(), self.pos),
        }
    }

    pub fn byte(&mut self) -> Result<u8, LoadError> {
        let b = *self
            .bytes
            .get(self.pos)
            .ok_or_else(|| self.err("unexpected end"))?;
        self.pos += 1;
        Ok(b)
    }

    pub fn take(&mut self, n: usize) -> Result<&'a [u8], LoadError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(|| self.err("unexpected end"))?;
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    pub fn u32(&mut self) -> Result<u32, LoadError> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub fn u16(&mut self) -> Result<u16, LoadError> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    /// The tag and value at the reader's position when the value is in the first byte (4
    /// bits) or the first two (11 bits), and how many bytes that takes; `None` for the
    /// longer forms and at the end. Nothing is consumed.
    #[inline(always)]
    fn short(&self) -> Option<(u8, u32, usize)> {
        let b = *self.bytes.get(self.pos)?;
        if b & 0x08 == 0 {
            return Some((b & 7, (b >> 4) as u32, 1));
        }
        if b & 0x10 == 0 {
            let lo = *self.bytes.get(self.pos + 1)?;
            return Some((b & 7, (((b >> 5) as u32) << 8) | lo as u32, 2));
        }
        None
    }

    /// Reads a tag and its value.
    pub fn tag_value(&mut self) -> Result<(u8, Value), LoadError> {
        if let Some((tag, v, len)) = self.short() {
            self.pos += len;
            return Ok((tag, Value::Small(v as i64)));
        }
        let b = self.byte()?;
        let tag = b & 7;
        if b & 0x10 == 0 {
            // The two-byte form, its second byte missing.
            return Err(self.err("unexpected end"));
        }
        let len_code = (b >> 5) as usize;
        let n = if len_code < 7 {
            len_code + 2
        } else {
            match self.tag_value()? {
                (TAG_U, Value::Small(v)) if (0..=1 << 20).contains(&v) => v as usize + 9,
                _ => return Err(self.err("bad length of a large value")),
            }
        };
        let bytes = self.take(n)?;
        // Up to 8 bytes make an i64 (a signed `i` value always; an unsigned one when its top
        // bit is clear) without a bignum.
        if n <= 8 && (tag == TAG_I || n < 8 || bytes[0] & 0x80 == 0) {
            let mut v: i64 = if tag == TAG_I && bytes[0] & 0x80 != 0 {
                -1
            } else {
                0
            };
            for &b in bytes {
                v = (v << 8) | b as i64;
            }
            return Ok((tag, Value::Small(v)));
        }
        if tag == TAG_I && !normalized(bytes) {
            return Err(self.err("integer not normalized"));
        }
        if tag != TAG_I {
            // Any other tag's value past a signed word, whatever its bytes: OTP's reader
            // makes it an overflow (`TAG_o`), which few operands take (see `Operand::Overflow`).
            return Ok((tag, Value::Big(BigInt::from_bytes_be(Sign::Plus, bytes))));
        }
        let v = BigInt::from_signed_bytes_be(bytes);
        Ok((
            tag,
            match i64::try_from(&v) {
                Ok(s) => Value::Small(s),
                Err(_) => Value::Big(v),
            },
        ))
    }

    /// Reads an unsigned value with tag `u`.
    pub fn untagged(&mut self) -> Result<u64, LoadError> {
        match self.tag_value()? {
            (TAG_U, Value::Small(v)) if v >= 0 => Ok(v as u64),
            _ => Err(self.err("expected an unsigned operand")),
        }
    }
}

/// Whether a large integer's bytes (two's complement, most significant first) are as OTP's
/// loader wants them: its magnitude with at most one leading zero byte.
fn normalized(bytes: &[u8]) -> bool {
    let n = bytes.len();
    if n < 2 {
        return true;
    }
    let mut mag = bytes.to_vec();
    if bytes[0] & 0x80 != 0 {
        // The magnitude of a negative number: invert and add one.
        let mut carry = true;
        for b in mag.iter_mut().rev() {
            *b = !*b;
            if carry {
                let (v, c) = b.overflowing_add(1);
                *b = v;
                carry = c;
            }
        }
    }
    !(mag[0] == 0 && mag[1] == 0)
}

/// Registers (`x`, `y` and float) are numbered below this, as OTP's code reader checks.
const MAX_REG: usize = crate::process::MAX_REG;
/// The bits of a typed register's number that name the register (OTP's `REG_MASK`).
const REG_MASK: u64 = MAX_REG as u64 - 1;

/// What operand decoding needs from the rest of the file.
pub struct OperandCtx<'a> {
    pub atoms: &'a [Atom],
    pub literals: &'a [Term],
    /// Entries of the `Type` chunk (`None`: no type table, any index is ignored).
    pub type_count: Option<u32>,
    /// The code header's label count: a label operand (other than 0, "no label") is below
    /// it, wherever it stands, as OTP's code reader checks.
    pub label_count: u32,
    pub heap: &'a mut Heap,
}

fn small_index(r: &Reader, v: &Value) -> Result<u32, LoadError> {
    match v {
        Value::Small(i) if (0..=u32::MAX as i64).contains(i) => Ok(*i as u32),
        _ => Err(r.err("operand value out of range")),
    }
}

/// Decodes one operand. The common ones (a tag other than the extended `z` with a value
/// in the first one or two bytes) are decoded here, inline in the caller's loop; the rest
/// by [`operand_depth`].
#[inline(always)]
pub fn operand(r: &mut Reader, cx: &mut OperandCtx) -> Result<Operand, LoadError> {
    if let Some((tag, v, len)) = r.short() {
        if let Some(op) = plain_operand(tag, v, cx) {
            r.pos += len;
            return Ok(op);
        }
    }
    operand_depth(r, cx, 0)
}

/// The operand of tag `tag` (not the extended `z`) with value `v`; `None` for `z` and for
/// an atom index past the atom table.
#[inline(always)]
fn plain_operand(tag: u8, v: u32, cx: &OperandCtx) -> Option<Operand> {
    let atoms = cx.atoms;
    Some(match tag {
        TAG_U => Operand::Untagged(v as u64),
        TAG_I => Operand::Int(v as i64),
        TAG_A if v == 0 => Operand::Nil,
        TAG_A => Operand::Atom(*atoms.get(v as usize - 1)?),
        TAG_X if (v as usize) < MAX_REG => Operand::X(v),
        TAG_Y if (v as usize) < MAX_REG => Operand::Y(v),
        TAG_F if v == 0 || v < cx.label_count => Operand::Label(v),
        _ => return None,
    })
}

/// Heap words per entry of an allocation list, by kind (words, floats, funs), as OTP 25
/// counts them (measured: the stack an `allocate` of such a list makes).
const ALLOC_KIND_WORDS: [u64; 3] = [1, 2, 5];

fn operand_depth(r: &mut Reader, cx: &mut OperandCtx, depth: u32) -> Result<Operand, LoadError> {
    if depth > 4 {
        return Err(r.err("operands nested too deeply"));
    }
    let (tag, v) = r.tag_value()?;
    Ok(match tag {
        // A value past a signed word under a tag other than `i`: OTP's reader takes it as a
        // valueless overflow operand (even under the extended tag, whose contents it then
        // does not read).
        _ if tag != TAG_I && matches!(v, Value::Big(_)) => Operand::Overflow,
        TAG_U => match v {
            Value::Small(i) if i >= 0 => Operand::Untagged(i as u64),
            _ => return Err(r.err("unsigned operand out of range")),
        },
        TAG_I => match v {
            Value::Small(i) => Operand::Int(i),
            Value::Big(b) => Operand::BigInt(crate::bignum::from_bigint(cx.heap, &b)),
        },
        // OTP 25's code reader knows no character operands (`Unrecognized tag`).
        TAG_H => return Err(r.err("the character tag (h) is not accepted")),
        TAG_X | TAG_Y => {
            let i = small_index(r, &v)?;
            plain_operand(tag, i, cx).ok_or_else(|| r.err(format!("register {i} out of range")))?
        }
        TAG_A | TAG_F => {
            let i = small_index(r, &v)?;
            plain_operand(tag, i, cx).ok_or_else(|| {
                r.err(format!(
                    "{} {i} out of range",
                    if tag == TAG_A { "atom index" } else { "label" }
                ))
            })?
        }
        _ => {
            // Extended.
            match small_index(r, &v)? {
                1 => {
                    let n = r.untagged()? as usize;
                    if n > r.bytes.len() {
                        return Err(r.err("list operand too long"));
                    }
                    let mut items = Vec::with_capacity(n);
                    for k in 0..n {
                        let item = operand_depth(r, cx, depth + 1)?;
                        match item {
                            // Label 0 ("no label", OTP's type `p`) is no list element
                            // OTP's loader takes ("unsupported primitive type 'p'").
                            Operand::Label(0) => return Err(r.err("label 0 in a list")),
                            // OTP's reader reads a list's elements as more operands of
                            // the instruction: a list in a list must be the last element,
                            // and then stands for its length and its elements in turn.
                            Operand::List(inner) => {
                                if k + 1 != n {
                                    return Err(r.err("a list in a list before its end"));
                                }
                                items.push(Operand::Untagged(inner.len() as u64));
                                items.extend(*inner);
                            }
                            item => items.push(item),
                        }
                    }
                    Operand::List(Box::new(items))
                }
                2 => match r.untagged()? {
                    i if (i as usize) < MAX_REG => Operand::FloatReg(i as u32),
                    i => return Err(r.err(format!("float register {i} out of range"))),
                },
                3 => {
                    let n = r.untagged()? as usize;
                    if n > r.bytes.len() {
                        return Err(r.err("allocation list too long"));
                    }
                    // Words, floats, funs: OTP's reader takes at most three entries.
                    if n > 3 {
                        return Err(r.err("allocation list of more than three entries"));
                    }
                    // OTP's reader makes it the unsigned number of heap words it asks for.
                    let mut words = 0;
                    for _ in 0..n {
                        let kind = r.untagged()?;
                        // Words, floats, funs: OTP's reader knows no other kind.
                        let Some(per) = ALLOC_KIND_WORDS.get(kind as usize) else {
                            return Err(r.err(format!("allocation kind {kind}")));
                        };
                        let count = u32::try_from(r.untagged()?).map_err(|_| r.err("count"))?;
                        words += u64::from(count) * per;
                    }
                    Operand::Untagged(words)
                }
                4 => {
                    let i = r.untagged()? as usize;
                    let t = cx
                        .literals
                        .get(i)
                        .ok_or_else(|| r.err(format!("literal {i} out of range")))?;
                    Operand::Literal(*t)
                }
                5 => {
                    // A register with an index into the `Type` chunk: the index is checked
                    // and dropped (the loader has no use for type hints). As OTP's reader,
                    // the register's number is not checked against the register count:
                    // OTP keeps the type index in the bits above the number's low ten, so
                    // only those name the register.
                    let (tag, v) = r.tag_value()?;
                    let reg = match (tag, v) {
                        (TAG_X, Value::Small(i)) if i >= 0 => {
                            Operand::X((i as u64 & REG_MASK) as u32)
                        }
                        (TAG_Y, Value::Small(i)) if i >= 0 => {
                            Operand::Y((i as u64 & REG_MASK) as u32)
                        }
                        _ => return Err(r.err("typed register is not a register")),
                    };
                    let ty = r.untagged()?;
                    if cx.type_count.is_some_and(|n| ty >= n as u64) {
                        return Err(r.err(format!("type {ty} out of range")));
                    }
                    reg
                }
                other => return Err(r.err(format!("unknown extended tag {other}"))),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        let mut r = Reader::new(&[0x31, 0x08 | 0x20 | 1, 0x05, 0x19, 0xFF, 0xFE], "t");
        assert_eq!(r.tag_value().unwrap(), (TAG_I, Value::Small(3)));
        assert_eq!(r.tag_value().unwrap(), (TAG_I, Value::Small((1 << 8) | 5)));
        // 0x19: tag i, 2 bytes follow, signed.
        assert_eq!(r.tag_value().unwrap(), (TAG_I, Value::Small(-2)));
        assert!(r.tag_value().is_err());
    }

    #[test]
    fn values_of_several_bytes() {
        // 0x08 | 0x10 | (n - 2) << 5 | tag: n bytes follow.
        let cases: &[(&[u8], (u8, Value))] = &[
            (&[0x18 | TAG_U, 0x08, 0x00], (TAG_U, Value::Small(0x800))),
            (&[0x18 | TAG_I, 0xF8, 0x00], (TAG_I, Value::Small(-0x800))),
            (
                &[0x38 | TAG_F, 0x01, 0x00, 0x00],
                (TAG_F, Value::Small(0x10000)),
            ),
            (
                &[0xD8 | TAG_I, 0x80, 0, 0, 0, 0, 0, 0, 0],
                (TAG_I, Value::Small(i64::MIN)),
            ),
            (
                &[0xD8 | TAG_U, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],
                (TAG_U, Value::Small(i64::MAX)),
            ),
            (
                &[0xD8 | TAG_U, 0x80, 0, 0, 0, 0, 0, 0, 0],
                (TAG_U, Value::Big(BigInt::from(1u64 << 63))),
            ),
        ];
        for (bytes, want) in cases {
            let mut r = Reader::new(bytes, "t");
            assert_eq!(&r.tag_value().unwrap(), want, "{bytes:x?}");
            assert!(r.at_end());
        }
    }
}
