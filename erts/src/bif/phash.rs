//! The portable term hashes `erlang:phash/2` (OTP's `make_hash`) and `erlang:phash2/1,2`
//! (`make_hash2`): values identical to OTP's on every platform, independent of how terms are
//! stored (atoms hash by their text, integers by value whatever their representation).

use super::Registry;
use crate::atom;
use crate::exception::{BifResult, Fail};
use crate::map::hash::{block_hash, mix, HCONST};
use crate::map::{self, MapView};
use crate::module::{Export, FunEntry};
use crate::process::Process;
use crate::term::boxed;
use crate::term::external;
use crate::term::{header_arity, subtag, Term};

pub fn register(r: &mut Registry) {
    r.add("erlang", "phash2", 1, |_, a| {
        Ok(Term::small((make_hash2(a[0]) & ((1 << 27) - 1)) as i64))
    });
    r.add("erlang", "phash2", 2, phash2_2);
    r.add("erlang", "phash", 2, phash_2);
}

/// The number OTP hashes for a pid, local or of another node (not its serial nor its node).
fn pid_id(t: Term) -> Option<u32> {
    if t.is_local_pid() {
        Some(boxed::pid_fields(t.pid_number()).0)
    } else if t.is_boxed_with(subtag::EXTERNAL_PID) {
        Some(external::pid_fields(t).0)
    } else {
        None
    }
}

/// The number OTP hashes for a port, local or of another node.
fn port_number(t: Term) -> Option<u64> {
    if t.is_local_port() {
        Some(t.port_number())
    } else if t.is_boxed_with(subtag::EXTERNAL_PORT) {
        Some(external::port_number(t))
    } else {
        None
    }
}

/// The word OTP hashes for a reference (its first), local or of another node.
fn ref_first_word(t: Term) -> u32 {
    if t.boxed_subtag() == subtag::REF {
        boxed::ref_words(boxed::reference_id(t))[0]
    } else {
        external::ref_words(t).first().copied().unwrap_or(0)
    }
}

fn range_of(t: Term) -> Result<u64, Fail> {
    crate::bignum::to_i64(t)
        .filter(|r| (1..=1 << 32).contains(r))
        .map(|r| r as u64)
        .ok_or_else(Fail::badarg)
}

fn phash2_2(_p: &mut Process, a: &[Term]) -> BifResult {
    let range = range_of(a[1])?;
    Ok(Term::small((make_hash2(a[0]) as u64 % range) as i64))
}

fn phash_2(_p: &mut Process, a: &[Term]) -> BifResult {
    let range = range_of(a[1])?;
    Ok(Term::small((make_hash(a[0]) as u64 % range + 1) as i64))
}

const fn hc(n: u32) -> u32 {
    HCONST.wrapping_mul(n)
}

fn atom_value(a: atom::Atom) -> u32 {
    atom::text_hash(a.name())
}

/// Whether `v` fits OTP's 28-bit "small small" range.
fn ssmall28(v: i64) -> bool {
    (-(1 << 27)..(1 << 27)).contains(&v)
}

struct H2 {
    hash: u32,
}

impl H2 {
    fn two(&mut self, x: u32, y: u32, k: u32) {
        let mut a = k.wrapping_add(x);
        let mut b = k.wrapping_add(y);
        mix(&mut a, &mut b, &mut self.hash);
    }
    fn one(&mut self, x: u32, k: u32) {
        self.two(x, 0, k);
    }
    fn small(&mut self, v: i64) {
        if ssmall28(v) {
            let y = v as i32;
            if y < 0 {
                self.one(y.wrapping_neg() as u32, HCONST);
            }
            self.one(y as u32, HCONST);
        } else {
            let (con, t) = if v < 0 {
                (hc(10), v.unsigned_abs())
            } else {
                (hc(11), v as u64)
            };
            self.two(t as u32, (t >> 32) as u32, con);
        }
    }
}

enum Item {
    Term(Term),
    MapTail { hash: u32, xor: u32 },
    MapPair,
}

/// OTP's `make_hash2`.
pub fn make_hash2(t: Term) -> u32 {
    if let Some(a) = t.as_atom() {
        return atom_value(a);
    }
    if let Some(v) = t.as_small() {
        let mut h = H2 { hash: 0 };
        h.small(v);
        return h.hash;
    }
    let mut h = H2 { hash: 0 };
    let mut xor_pairs: u32 = 0;
    let mut stack: Vec<Item> = Vec::new();
    let mut term = t;
    'outer: loop {
        // Hash `term`; `true` means "done with it, go to the common continuation".
        let mut common = true;
        if term.is_list() {
            let (mut c, mut sh) = (0u32, 0u32);
            let mut cur = term;
            loop {
                match cur.head().as_small() {
                    Some(b) if (0..=255).contains(&b) => {
                        sh = (sh << 8).wrapping_add(b as u32);
                        if c == 3 {
                            h.one(sh, hc(4));
                            c = 0;
                            sh = 0;
                        } else {
                            c += 1;
                        }
                        cur = cur.tail();
                        if !cur.is_list() {
                            break;
                        }
                    }
                    _ => break,
                }
            }
            if c > 0 {
                h.one(sh, hc(4));
            }
            if cur.is_list() {
                stack.push(Item::Term(cur.tail()));
                term = cur.head();
            } else {
                term = cur;
            }
            common = false;
        } else if term.is_nil() {
            if h.hash == 0 {
                h.hash = 3_468_870_702;
            } else {
                h.one(2, hc(2));
            }
        } else if let Some(a) = term.as_atom() {
            if h.hash == 0 {
                h.hash = atom_value(a);
            } else {
                h.one(atom_value(a), hc(3));
            }
        } else if let Some(v) = term.as_small() {
            h.small(v);
        } else if let Some(id) = pid_id(term) {
            h.one(id, hc(5));
        } else if let Some(n) = port_number(term) {
            h.two(n as u32, (n >> 32) as u32, hc(6));
        } else if term.is_boxed() {
            match term.boxed_subtag() {
                subtag::TUPLE => {
                    let el = boxed::tuple_elems(term);
                    h.one(el.len() as u32, hc(9));
                    if !el.is_empty() {
                        for &e in el[1..].iter().rev() {
                            stack.push(Item::Term(e));
                        }
                        term = el[0];
                        common = false;
                    }
                }
                subtag::MAP => {
                    let (size, pairs): (usize, Vec<(Term, Term)>) = match map::view(term) {
                        MapView::Flat { keys, values } => (
                            keys.len(),
                            keys.iter().copied().zip(values.iter().copied()).collect(),
                        ),
                        MapView::Hamt { .. } => {
                            let p = map::iter_pairs(term);
                            (p.len(), p)
                        }
                    };
                    h.one(size as u32, hc(16));
                    if size > 0 {
                        // Pairs are hashed independently and combined with xor, so the
                        // order does not matter.
                        stack.push(Item::MapTail {
                            hash: h.hash,
                            xor: xor_pairs,
                        });
                        h.hash = 0;
                        xor_pairs = 0;
                        for (k, v) in pairs.iter().rev() {
                            stack.push(Item::MapPair);
                            stack.push(Item::Term(*v));
                            stack.push(Item::Term(*k));
                        }
                    }
                }
                subtag::FUN => {
                    // SAFETY: word 1 of a fun object is a `&'static FunEntry`.
                    let fe = unsafe { &*(term.boxed_word(1) as *const FunEntry) };
                    let nfree = header_arity(term.header()) - 1;
                    h.two(nfree as u32, atom_value(fe.module), HCONST);
                    h.two(fe.index, fe.old_uniq, HCONST);
                    if nfree > 0 {
                        for i in (1..nfree).rev() {
                            stack.push(Item::Term(Term(term.boxed_word(2 + i))));
                        }
                        term = Term(term.boxed_word(2));
                        common = false;
                    }
                }
                subtag::EXPORT => {
                    // SAFETY: word 1 of an export fun object is a `&'static Export`.
                    let e = unsafe { &*(term.boxed_word(1) as *const Export) };
                    h.two(e.mfa.arity, atom_value(e.mfa.module), HCONST);
                    h.one(atom_value(e.mfa.function), hc(14));
                }
                subtag::REFC_BINARY | subtag::HEAP_BINARY | subtag::SUB_BINARY => {
                    let v = boxed::bitstring_view(term);
                    let bytes = v.to_vec();
                    let sz = v.size_bits / 8;
                    let bits = (v.size_bits % 8) as u32;
                    let con = hc(13).wrapping_add(h.hash);
                    if sz == 0 && bits == 0 {
                        h.hash = con;
                    } else {
                        h.hash = block_hash(&bytes[..sz], con);
                        if bits > 0 {
                            h.two(bits, (bytes[sz] >> (8 - bits)) as u32, hc(15));
                        }
                    }
                }
                subtag::POS_BIG | subtag::NEG_BIG => {
                    let con = if crate::bignum::is_negative(term) {
                        hc(10)
                    } else {
                        hc(11)
                    };
                    for &l in crate::bignum::limbs(term) {
                        h.two(l as u32, (l >> 32) as u32, con);
                    }
                }
                subtag::FLOAT => {
                    let mut f = boxed::float_value(term);
                    if f == 0.0 {
                        f = 0.0;
                    }
                    // The high word first, as OTP on little-endian machines.
                    let bits = f.to_bits();
                    h.two((bits >> 32) as u32, bits as u32, hc(12));
                }
                subtag::REF | subtag::EXTERNAL_REF => h.one(ref_first_word(term), hc(7)),
                _ => {}
            }
        }
        if !common {
            continue;
        }
        // The common continuation: take the next stacked item.
        loop {
            match stack.pop() {
                None => break 'outer,
                Some(Item::MapTail { hash, xor }) => {
                    let pairs = xor_pairs;
                    h.hash = hash;
                    h.one(pairs, hc(19));
                    xor_pairs = xor;
                }
                Some(Item::MapPair) => {
                    xor_pairs ^= h.hash;
                    h.hash = 0;
                }
                Some(Item::Term(t)) => {
                    term = t;
                    continue 'outer;
                }
            }
        }
    }
    h.hash
}

const F1: u32 = 268_440_163;
const F2: u32 = 268_439_161;
const F3: u32 = 268_435_459;
const F4: u32 = 268_436_141;
const F5: u32 = 268_438_633;
const F6: u32 = 268_437_017;
const F8: u32 = 268_437_511;
const F9: u32 = 268_439_627;
const F10: u32 = 268_440_479;
const F11: u32 = 268_440_577;
const F12: u32 = 268_440_581;
const F13: u32 = 268_440_593;
const F14: u32 = 268_440_611;

enum Op {
    Term(Term),
    /// After a list's tail.
    CdrPost,
    /// Multiply in a tuple's arity after its elements.
    TupleEnd(u32),
}

fn u32_step(hash: u32, x: u32, p: u32) -> u32 {
    let mut h = hash;
    for shift in [0, 8, 16, 24] {
        h = h.wrapping_mul(p).wrapping_add((x >> shift) & 0xff);
    }
    h
}

/// OTP's `make_hash` (for `phash/2`).
pub fn make_hash(t: Term) -> u32 {
    let mut hash: u32 = 0;
    let mut stack = vec![Op::Term(t)];
    while let Some(op) = stack.pop() {
        let term = match op {
            Op::CdrPost => {
                hash = hash.wrapping_mul(F8);
                continue;
            }
            Op::TupleEnd(n) => {
                hash = hash.wrapping_mul(F9).wrapping_add(n);
                continue;
            }
            Op::Term(t) => t,
        };
        if term.is_nil() {
            hash = hash.wrapping_mul(F3).wrapping_add(1);
        } else if let Some(a) = term.as_atom() {
            hash = hash.wrapping_mul(F1).wrapping_add(atom_value(a));
        } else if let Some(v) = term.as_small() {
            let y2 = v.unsigned_abs();
            hash = u32_step(hash, y2 as u32, F2);
            if y2 >> 32 != 0 {
                hash = u32_step(hash, (y2 >> 32) as u32, F2);
            }
            hash = hash.wrapping_mul(if v < 0 { F4 } else { F3 });
        } else if term.is_list() {
            // Leading bytes are hashed inline; the first non-byte element is hashed as a term
            // with the rest of the list after it.
            let mut cur = term;
            loop {
                match cur.head().as_small() {
                    Some(b) if (0..=255).contains(&b) => {
                        hash = hash.wrapping_mul(F2).wrapping_add(b as u32);
                        let tl = cur.tail();
                        if !tl.is_list() {
                            stack.push(Op::CdrPost);
                            stack.push(Op::Term(tl));
                            break;
                        }
                        cur = tl;
                    }
                    _ => {
                        let tl = cur.tail();
                        if tl.is_list() {
                            stack.push(Op::Term(tl));
                        } else {
                            stack.push(Op::CdrPost);
                            stack.push(Op::Term(tl));
                        }
                        stack.push(Op::Term(cur.head()));
                        break;
                    }
                }
            }
        } else if let Some(n) = pid_id(term) {
            hash = u32_step(hash, n, F5).wrapping_mul(F6);
        } else if let Some(n) = port_number(term) {
            if n >> 32 != 0 {
                hash = u32_step(hash, (n >> 32) as u32, F11);
            }
            hash = u32_step(hash, n as u32, F9).wrapping_mul(F10);
        } else if term.is_boxed() {
            match term.boxed_subtag() {
                subtag::TUPLE => {
                    let el = boxed::tuple_elems(term);
                    stack.push(Op::TupleEnd(el.len() as u32));
                    for &e in el.iter().rev() {
                        stack.push(Op::Term(e));
                    }
                }
                subtag::FLOAT => {
                    let mut f = boxed::float_value(term);
                    if f == 0.0 {
                        f = 0.0;
                    }
                    let b = f.to_bits();
                    hash = hash
                        .wrapping_mul(F6)
                        .wrapping_add((b as u32) ^ ((b >> 32) as u32));
                }
                subtag::POS_BIG | subtag::NEG_BIG => {
                    let limbs = crate::bignum::limbs(term);
                    let n = limbs.len();
                    for (i, &d) in limbs.iter().enumerate() {
                        let bytes = if i + 1 == n && d >> 32 == 0 { 4 } else { 8 };
                        for j in 0..bytes {
                            hash = hash
                                .wrapping_mul(F2)
                                .wrapping_add(((d >> (8 * j)) & 0xff) as u32);
                        }
                    }
                    let neg = crate::bignum::is_negative(term);
                    hash = hash.wrapping_mul(if neg { F4 } else { F3 });
                }
                subtag::REFC_BINARY | subtag::HEAP_BINARY | subtag::SUB_BINARY => {
                    let v = boxed::bitstring_view(term);
                    let bytes = v.to_vec();
                    let sz = v.size_bits / 8;
                    let bits = (v.size_bits % 8) as u32;
                    for &b in &bytes[..sz] {
                        hash = hash.wrapping_mul(F1).wrapping_add(b as u32);
                    }
                    if bits > 0 {
                        let b = (bytes[sz] >> (8 - bits)) as u32;
                        hash = hash
                            .wrapping_mul(F1)
                            .wrapping_add(b)
                            .wrapping_mul(F12)
                            .wrapping_add(bits);
                    }
                    hash = hash.wrapping_mul(F4).wrapping_add(sz as u32);
                }
                subtag::FUN => {
                    // SAFETY: word 1 of a fun object is a `&'static FunEntry`.
                    let fe = unsafe { &*(term.boxed_word(1) as *const FunEntry) };
                    let nfree = header_arity(term.header()) - 1;
                    hash = hash.wrapping_mul(F10).wrapping_add(nfree as u32);
                    hash = hash.wrapping_mul(F1).wrapping_add(atom_value(fe.module));
                    hash = hash.wrapping_mul(F2).wrapping_add(fe.index);
                    hash = hash.wrapping_mul(F2).wrapping_add(fe.old_uniq);
                    for i in (0..nfree).rev() {
                        stack.push(Op::Term(Term(term.boxed_word(2 + i))));
                    }
                }
                subtag::EXPORT => {
                    // SAFETY: word 1 of an export fun object is a `&'static Export`.
                    let e = unsafe { &*(term.boxed_word(1) as *const Export) };
                    hash = hash.wrapping_mul(F11).wrapping_add(e.mfa.arity);
                    hash = hash.wrapping_mul(F1).wrapping_add(atom_value(e.mfa.module));
                    hash = hash
                        .wrapping_mul(F1)
                        .wrapping_add(atom_value(e.mfa.function));
                }
                subtag::REF | subtag::EXTERNAL_REF => {
                    hash = u32_step(hash, ref_first_word(term), F9).wrapping_mul(F10);
                }
                subtag::MAP => {
                    hash = hash
                        .wrapping_mul(F13)
                        .wrapping_add(F14)
                        .wrapping_add(make_hash2(term));
                }
                _ => {}
            }
        }
    }
    hash
}
