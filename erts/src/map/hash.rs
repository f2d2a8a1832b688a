//! OTP 25's internal term hash (`make_internal_hash` / `make_map_hash` in
//! `erl_term_hashing.c`), which orders the keys of hash-array-mapped-trie maps.
//!
//! The hash is Bob Jenkins' 96-bit mix over 32-bit chunks of the term, started from
//! `salt ^ 3432918353`. Immediates are hashed by their raw tagged word, so the order of keys
//! that are atoms depends on atom indices (as in OTP, where it differs between VM builds).
//! `map_hash(key, depth)` is the hash used at HAMT levels `8 * depth .. 8 * depth + 7`: depth 0
//! uses salt 0, deeper levels a salt derived from the depth, so keys whose 32-bit hashes
//! collide still separate further down.
//!
//! This build matches OTP's generic x86-64 build (no CRC32C mixing), which is what the
//! reference `erl` on this machine uses; the tests check it against orders printed by `erl`.

use crate::term::boxed;
use crate::term::{header_arity, subtag, Term};

pub(crate) const HCONST: u32 = 0x9e37_79b9;
pub(crate) const HCONST_4: u32 = HCONST.wrapping_mul(4);
pub(crate) const HCONST_5: u32 = HCONST.wrapping_mul(5);
pub(crate) const HCONST_6: u32 = HCONST.wrapping_mul(6);
pub(crate) const HCONST_7: u32 = HCONST.wrapping_mul(7);
pub(crate) const HCONST_8: u32 = HCONST.wrapping_mul(8);
pub(crate) const HCONST_9: u32 = HCONST.wrapping_mul(9);
pub(crate) const HCONST_10: u32 = HCONST.wrapping_mul(10);
pub(crate) const HCONST_11: u32 = HCONST.wrapping_mul(11);
pub(crate) const HCONST_12: u32 = HCONST.wrapping_mul(12);
pub(crate) const HCONST_13: u32 = HCONST.wrapping_mul(13);
pub(crate) const HCONST_14: u32 = HCONST.wrapping_mul(14);
pub(crate) const HCONST_15: u32 = HCONST.wrapping_mul(15);
pub(crate) const HCONST_16: u32 = HCONST.wrapping_mul(16);
pub(crate) const HCONST_17: u32 = HCONST.wrapping_mul(17);
pub(crate) const HCONST_18: u32 = HCONST.wrapping_mul(18);
pub(crate) const HCONST_20: u32 = HCONST.wrapping_mul(20);
pub(crate) const HCONST_21: u32 = HCONST.wrapping_mul(21);
pub(crate) const HCONST_22: u32 = HCONST.wrapping_mul(22);

/// Initial value mixed into every internal hash (OTP's `INTERNAL_HASH_SALT`).
const INTERNAL_HASH_SALT: u32 = 3_432_918_353;

/// Bob Jenkins' mix of three 32-bit words.
#[inline(always)]
pub(crate) fn mix(a: &mut u32, b: &mut u32, c: &mut u32) {
    macro_rules! step {
        ($x:ident, $y:ident, $z:ident, $op:tt, $s:expr) => {
            *$x = $x.wrapping_sub(*$y).wrapping_sub(*$z);
            *$x ^= *$z $op $s;
        };
    }
    step!(a, b, c, >>, 13);
    step!(b, c, a, <<, 8);
    step!(c, a, b, >>, 13);
    step!(a, b, c, >>, 12);
    step!(b, c, a, <<, 16);
    step!(c, a, b, >>, 5);
    step!(a, b, c, >>, 3);
    step!(b, c, a, <<, 10);
    step!(c, a, b, >>, 15);
}

/// The running state of one hash computation.
struct Hasher {
    hash: u32,
}

impl Hasher {
    /// Mixes two 32-bit words with a type constant into the hash.
    #[inline]
    fn two(&mut self, x: u32, y: u32, k: u32) {
        let mut a = k.wrapping_add(x);
        let mut b = k.wrapping_add(y);
        mix(&mut a, &mut b, &mut self.hash);
    }
    #[inline]
    fn one(&mut self, x: u32, k: u32) {
        self.two(x, 0, k);
    }
    /// Lightweight mixing of a constant (type information).
    #[inline]
    fn constant(&mut self, k: u32) {
        self.hash ^= k;
        self.hash = self.hash.rotate_left(17);
    }
    #[inline]
    fn word(&mut self, w: u64, k: u32) {
        self.two(w as u32, (w >> 32) as u32, k);
    }
}

/// Jenkins' block hash over bytes (OTP's `block_hash`), starting from `init`.
pub(crate) fn block_hash(bytes: &[u8], init: u32) -> u32 {
    let le = |k: &[u8]| -> u32 {
        k.iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc.wrapping_add((b as u32) << (8 * i)))
    };
    let (mut a, mut b, mut c) = (HCONST, HCONST, init);
    let mut chunks = bytes.chunks_exact(12);
    for k in &mut chunks {
        a = a.wrapping_add(le(&k[0..4]));
        b = b.wrapping_add(le(&k[4..8]));
        c = c.wrapping_add(le(&k[8..12]));
        mix(&mut a, &mut b, &mut c);
    }
    let rest = chunks.remainder();
    c = c.wrapping_add(bytes.len() as u32);
    // The first byte of `c` is taken by the length: the tail bytes 8..11 go above it.
    for (i, &byte) in rest.iter().enumerate() {
        let v = byte as u32;
        match i {
            0..=3 => a = a.wrapping_add(v << (8 * i)),
            4..=7 => b = b.wrapping_add(v << (8 * (i - 4))),
            _ => c = c.wrapping_add(v << (8 * (i - 7))),
        }
    }
    mix(&mut a, &mut b, &mut c);
    c
}

/// Work items of the explicit stack (OTP pushes terms and a `HASH_CDR` marker).
enum Item {
    Term(Term),
    Cdr,
}

/// OTP's `make_internal_hash(term, salt)`.
pub fn internal_hash(term: Term, salt: u32) -> u32 {
    let mut h = Hasher {
        hash: salt ^ INTERNAL_HASH_SALT,
    };
    let mut stack: Vec<Item> = Vec::new();
    let mut t = term;
    loop {
        // Hash `t`; `None` means "continue with the next stack item".
        let next: Option<Term> = if t.is_list() {
            hash_list(&mut h, &mut stack, t)
        } else if t.is_boxed() {
            hash_boxed(&mut h, &mut stack, t)
        } else {
            h.word(t.raw(), HCONST);
            None
        };
        if let Some(n) = next {
            t = n;
            continue;
        }
        // Pop the next term to hash.
        loop {
            match stack.pop() {
                None => return h.hash,
                Some(Item::Cdr) => h.constant(HCONST_18),
                Some(Item::Term(n)) => {
                    t = n;
                    break;
                }
            }
        }
    }
}

/// A list: runs of byte-sized small integers are hashed four at a time; a non-byte head is
/// hashed as a term with the rest of the list pushed.
fn hash_list(h: &mut Hasher, stack: &mut Vec<Item>, list: Term) -> Option<Term> {
    let mut c = 0u32;
    let mut sh = 0u32;
    let mut t = list;
    while t.is_list() {
        let hd = t.head();
        match hd.as_small() {
            Some(b) if (0..=255).contains(&b) => {
                sh = (sh << 8).wrapping_add(b as u32);
                if c == 3 {
                    h.one(sh, HCONST_4);
                    c = 0;
                    sh = 0;
                } else {
                    c += 1;
                }
                t = t.tail();
            }
            _ => break,
        }
    }
    if c > 0 {
        h.two(sh, c, HCONST_22);
    }
    if t.is_list() {
        let tl = t.tail();
        h.constant(HCONST_17);
        stack.push(Item::Term(tl));
        if !tl.is_list() {
            stack.push(Item::Cdr);
        }
        Some(t.head())
    } else {
        // The tail (usually `[]`) is hashed as the next term.
        Some(t)
    }
}

fn hash_boxed(h: &mut Hasher, stack: &mut Vec<Item>, t: Term) -> Option<Term> {
    let hdr = t.header();
    match t.boxed_subtag() {
        subtag::TUPLE => {
            let el = boxed::tuple_elems(t);
            h.one(el.len() as u32, HCONST_9);
            if el.is_empty() {
                return None;
            }
            for &e in el[1..].iter().rev() {
                stack.push(Item::Term(e));
            }
            Some(el[0])
        }
        subtag::MAP => {
            super::hash_map_node(
                t,
                |size| h.one(size as u32, HCONST_16),
                |item| stack.push(Item::Term(item)),
            );
            None
        }
        subtag::FUN => {
            // SAFETY: word 1 of a fun object is a `&'static FunEntry`.
            let fe = unsafe { &*(t.boxed_word(1) as *const crate::module::FunEntry) };
            let nfree = header_arity(hdr).saturating_sub(1);
            let module = Term::atom(fe.module).raw() as u32;
            h.two(nfree as u32, module, HCONST_20);
            h.two(fe.index, fe.old_uniq, HCONST_21);
            if nfree == 0 {
                return None;
            }
            for i in (1..nfree).rev() {
                stack.push(Item::Term(Term(t.boxed_word(2 + i))));
            }
            Some(Term(t.boxed_word(2)))
        }
        subtag::EXPORT => {
            h.word(t.boxed_word(1), HCONST_14);
            None
        }
        subtag::HEAP_BINARY | subtag::REFC_BINARY | subtag::SUB_BINARY => {
            let view = boxed::bitstring_view(t);
            let con = HCONST_13.wrapping_add(h.hash);
            let bytes = view.to_vec();
            let whole = view.size_bits / 8;
            let bits = (view.size_bits % 8) as u32;
            if view.size_bits == 0 {
                h.hash = con;
            } else {
                h.hash = block_hash(&bytes[..whole], con);
                if bits > 0 {
                    let last = (bytes[whole] >> (8 - bits)) as u32;
                    h.two(bits, last, HCONST_15);
                }
            }
            None
        }
        subtag::POS_BIG | subtag::NEG_BIG => {
            let k = if t.boxed_subtag() == subtag::NEG_BIG {
                HCONST_10
            } else {
                HCONST_11
            };
            for &limb in crate::bignum::limbs(t) {
                h.word(limb, k);
            }
            None
        }
        subtag::FLOAT => {
            let mut f = boxed::float_value(t);
            if f == 0.0 {
                f = 0.0; // positive zero
            }
            h.word(f.to_bits(), HCONST_12);
            None
        }
        subtag::REF => {
            // OTP hashes three 32-bit reference numbers; ours is one 64-bit number.
            let id = boxed::reference_id(t);
            h.one(id as u32, HCONST_7);
            h.two((id >> 32) as u32, 0, HCONST_8);
            None
        }
        st => {
            // External pids, ports and refs (and anything else): all words after the header.
            let k = match st {
                subtag::EXTERNAL_PID => HCONST_5,
                subtag::EXTERNAL_PORT => HCONST_6,
                _ => HCONST_7,
            };
            for i in 1..=header_arity(hdr) {
                h.word(t.boxed_word(i), k);
            }
            None
        }
    }
}

/// OTP's `make_map_hash(key, depth)`: the hash for HAMT levels `8 * depth ..= 8 * depth + 7`.
pub fn map_hash(key: Term, depth: u32) -> u32 {
    let mut salt = Hasher { hash: 0 };
    if depth > 0 {
        salt.two(depth, 1, HCONST_22);
    }
    internal_hash(key, salt.hash)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heap::Heap;

    #[test]
    fn constants_match_otp() {
        assert_eq!(HCONST_4, 0x78dd_e6e4);
        assert_eq!(HCONST_13, 0x08d1_2e65);
        assert_eq!(HCONST_22, 0x98c4_75e6);
    }

    #[test]
    fn float_zero_is_positive() {
        let mut h = Heap::default();
        let a = boxed::float(&mut h, 0.0);
        let b = boxed::float(&mut h, -0.0);
        assert_eq!(map_hash(a, 0), map_hash(b, 0));
        assert_ne!(map_hash(a, 0), map_hash(a, 1));
    }

    #[test]
    fn binaries_hash_by_content() {
        let mut h = Heap::default();
        let long: Vec<u8> = (0..100u8).collect();
        let a = boxed::binary(&mut h, &long);
        let b = boxed::binary(&mut h, &long);
        assert_eq!(map_hash(a, 0), map_hash(b, 0));
        // A sub binary at a bit offset hashes like the equal aligned binary.
        let big = boxed::binary(&mut h, &[0x0f, 0xf0, 0xaa]);
        let sub = boxed::sub_binary(&mut h, big, 4, 8);
        let ff = boxed::binary(&mut h, &[0xff]);
        assert_eq!(map_hash(sub, 0), map_hash(ff, 0));
    }
}
