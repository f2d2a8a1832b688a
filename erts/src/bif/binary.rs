//! Binary BIFs (OTP's `erl_bif_binary.c` and the binary parts of `bif.c`): `byte_size/1`,
//! `bit_size/1`, `split_binary/2`, `binary_part/2,3`, and the native functions of the
//! `binary` module (`match`, `matches`, `split`, `part`, `first`, `last`, `at`, `copy`,
//! `referenced_byte_size`, `longest_common_prefix/suffix`, `encode/decode_unsigned`,
//! `compile_pattern`, `list_to_bin`).
//!
//! Searching is leftmost-longest: the match that starts first wins, and among matches starting
//! at the same byte the longest; `matches` and `split` continue after the end of each match
//! (non-overlapping), as OTP's Boyer-Moore and Aho-Corasick searches do.
//!
//! `binary:compile_pattern/1` returns `{bm, {Pattern}}` for one pattern and
//! `{ac, {Pattern1, Pattern2, ...}}` for several: the patterns themselves (copied binaries) in
//! a tuple, where OTP has a magic reference to its precompiled tables. The term is as opaque to
//! callers, is garbage collected like any term and needs no table; the difference is that a
//! hand-built tuple of that shape is accepted where OTP raises `badarg`.

use super::iodata::{self, binary_cow, sub_binary, term_to_usize};
use super::Registry;
use crate::atom;
use crate::exception::{BifResult, Fail};
use crate::heap::Heap;
use crate::process::Process;
use crate::term::boxed;
use crate::term::Term;
use num_bigint::{BigInt, BigUint, Sign};

pub fn register(r: &mut Registry) {
    r.add("erlang", "byte_size", 1, byte_size_1);
    r.add("erlang", "bit_size", 1, bit_size_1);
    r.add("erlang", "split_binary", 2, split_binary_2);
    r.add("erlang", "binary_part", 2, binary_part_2);
    r.add("erlang", "binary_part", 3, binary_part_3);
    r.add("binary", "part", 2, binary_part_2);
    r.add("binary", "part", 3, binary_part_3);
    r.add("binary", "first", 1, first_1);
    r.add("binary", "last", 1, last_1);
    r.add("binary", "at", 2, at_2);
    r.add("binary", "copy", 1, copy_1);
    r.add("binary", "copy", 2, copy_2);
    r.add("binary", "referenced_byte_size", 1, referenced_byte_size_1);
    r.add(
        "binary",
        "longest_common_prefix",
        1,
        longest_common_prefix_1,
    );
    r.add(
        "binary",
        "longest_common_suffix",
        1,
        longest_common_suffix_1,
    );
    r.add("binary", "encode_unsigned", 1, encode_unsigned_1);
    r.add("binary", "encode_unsigned", 2, encode_unsigned_2);
    r.add("binary", "decode_unsigned", 1, decode_unsigned_1);
    r.add("binary", "decode_unsigned", 2, decode_unsigned_2);
    r.add("binary", "list_to_bin", 1, list_to_bin_1);
    r.add("binary", "compile_pattern", 1, compile_pattern_1);
    r.add("binary", "match", 2, match_2);
    r.add("binary", "match", 3, match_3);
    r.add("binary", "matches", 2, matches_2);
    r.add("binary", "matches", 3, matches_3);
    r.add("binary", "split", 2, split_2);
    r.add("binary", "split", 3, split_3);
}

// ---------------------------------------------------------------- sizes and parts

fn byte_size_1(_p: &mut Process, a: &[Term]) -> BifResult {
    if !a[0].is_bitstring() {
        return Err(Fail::badarg());
    }
    let bits = boxed::bitstring_bit_size(a[0]);
    Ok(Term::small(bits.div_ceil(8) as i64))
}

fn bit_size_1(_p: &mut Process, a: &[Term]) -> BifResult {
    if !a[0].is_bitstring() {
        return Err(Fail::badarg());
    }
    Ok(Term::small(boxed::bitstring_bit_size(a[0]) as i64))
}

fn split_binary_2(p: &mut Process, a: &[Term]) -> BifResult {
    let b = a[0];
    if !b.is_bitstring() {
        return Err(Fail::badarg());
    }
    let bits = boxed::bitstring_bit_size(b);
    let pos = term_to_usize(a[1]).ok_or_else(Fail::badarg)?;
    if pos > bits / 8 {
        return Err(Fail::badarg());
    }
    let left = iodata::sub_bits(&mut p.heap, b, 0, pos * 8);
    let right = iodata::sub_bits(&mut p.heap, b, pos * 8, bits - pos * 8);
    Ok(boxed::tuple(&mut p.heap, &[left, right]))
}

/// Normalises a `{Start, Length}` part (negative lengths count backwards) of a subject of
/// `size` bytes into a start and a length; `None` if it does not lie inside.
fn norm_part(size: usize, start: Term, len: Term) -> Option<(usize, usize)> {
    let s = start.as_small()?;
    let l = len.as_small()?;
    let (s, l) = if l < 0 { (s + l, -l) } else { (s, l) };
    if s < 0 || s as u64 > size as u64 || (s + l) as u64 > size as u64 {
        return None;
    }
    Some((s as usize, l as usize))
}

fn part(p: &mut Process, b: Term, start: Term, len: Term) -> BifResult {
    if !b.is_bitstring() {
        return Err(Fail::badarg());
    }
    let size = boxed::bitstring_bit_size(b) / 8;
    let (s, l) = norm_part(size, start, len).ok_or_else(Fail::badarg)?;
    Ok(sub_binary(&mut p.heap, b, s, l))
}

fn binary_part_2(p: &mut Process, a: &[Term]) -> BifResult {
    let pl = a[1];
    if !pl.is_tuple() || boxed::tuple_arity(pl) != 2 {
        return Err(Fail::badarg());
    }
    part(
        p,
        a[0],
        boxed::tuple_element(pl, 0),
        boxed::tuple_element(pl, 1),
    )
}

fn binary_part_3(p: &mut Process, a: &[Term]) -> BifResult {
    part(p, a[0], a[1], a[2])
}

// ---------------------------------------------------------------- bytes

fn first_1(_p: &mut Process, a: &[Term]) -> BifResult {
    let b = binary_cow(a[0]).ok_or_else(Fail::badarg)?;
    b.first()
        .map(|&x| Term::small(x as i64))
        .ok_or_else(Fail::badarg)
}

fn last_1(_p: &mut Process, a: &[Term]) -> BifResult {
    let b = binary_cow(a[0]).ok_or_else(Fail::badarg)?;
    b.last()
        .map(|&x| Term::small(x as i64))
        .ok_or_else(Fail::badarg)
}

fn at_2(_p: &mut Process, a: &[Term]) -> BifResult {
    let b = binary_cow(a[0]).ok_or_else(Fail::badarg)?;
    let i = term_to_usize(a[1]).ok_or_else(Fail::badarg)?;
    b.get(i)
        .map(|&x| Term::small(x as i64))
        .ok_or_else(Fail::badarg)
}

fn copy_1(p: &mut Process, a: &[Term]) -> BifResult {
    let b = binary_cow(a[0]).ok_or_else(Fail::badarg)?;
    Ok(boxed::binary(&mut p.heap, &b))
}

/// Results of `binary:copy/2` above this size raise `system_limit` (OTP tries to allocate
/// and aborts the emulator when it cannot).
const MAX_COPY_BYTES: u128 = 1 << 40;

fn copy_2(p: &mut Process, a: &[Term]) -> BifResult {
    let b = binary_cow(a[0]).ok_or_else(Fail::badarg)?;
    let n = term_to_usize(a[1]).ok_or_else(Fail::badarg)?;
    if b.len() as u128 * n as u128 > MAX_COPY_BYTES {
        return Err(Fail::system_limit());
    }
    Ok(boxed::binary_from_vec(&mut p.heap, b.repeat(n)))
}

fn referenced_byte_size_1(_p: &mut Process, a: &[Term]) -> BifResult {
    let t = a[0];
    if !t.is_bitstring() {
        return Err(Fail::badarg());
    }
    let (base, _) = boxed::bitstring_base(t);
    Ok(Term::small(boxed::bitstring_view(base).bytes.len() as i64))
}

/// The binaries of a proper, non-empty list of binaries.
fn binary_list<'a>(t: Term) -> Option<Vec<std::borrow::Cow<'a, [u8]>>> {
    let items = boxed::list_to_vec(t)?;
    if items.is_empty() {
        return None;
    }
    items.into_iter().map(binary_cow).collect()
}

fn longest_common_prefix_1(_p: &mut Process, a: &[Term]) -> BifResult {
    let bins = binary_list(a[0]).ok_or_else(Fail::badarg)?;
    let first = &bins[0];
    let mut n = first.len();
    for b in &bins[1..] {
        n = n.min(
            first
                .iter()
                .zip(b.iter())
                .take_while(|(x, y)| x == y)
                .count(),
        );
    }
    Ok(Term::small(n as i64))
}

fn longest_common_suffix_1(_p: &mut Process, a: &[Term]) -> BifResult {
    let bins = binary_list(a[0]).ok_or_else(Fail::badarg)?;
    let first = &bins[0];
    let mut n = first.len();
    for b in &bins[1..] {
        let same = first
            .iter()
            .rev()
            .zip(b.iter().rev())
            .take_while(|(x, y)| x == y)
            .count();
        n = n.min(same);
    }
    Ok(Term::small(n as i64))
}

/// `big` → false, `little` → true; anything else is `badarg`.
fn endianness(t: Term) -> Result<bool, Fail> {
    match t.as_atom() {
        Some(atom::BIG) => Ok(false),
        Some(atom::LITTLE) => Ok(true),
        _ => Err(Fail::badarg()),
    }
}

fn encode_unsigned(p: &mut Process, n: Term, little: bool) -> BifResult {
    let v = crate::bignum::to_bigint(n).ok_or_else(Fail::badarg)?;
    if v.sign() == Sign::Minus {
        return Err(Fail::badarg());
    }
    let mag = v.magnitude();
    let bytes = if little {
        mag.to_bytes_le()
    } else {
        mag.to_bytes_be()
    };
    Ok(boxed::binary_from_vec(&mut p.heap, bytes))
}

fn encode_unsigned_1(p: &mut Process, a: &[Term]) -> BifResult {
    encode_unsigned(p, a[0], false)
}

fn encode_unsigned_2(p: &mut Process, a: &[Term]) -> BifResult {
    let little = endianness(a[1])?;
    encode_unsigned(p, a[0], little)
}

fn decode_unsigned(p: &mut Process, b: Term, little: bool) -> BifResult {
    let bytes = binary_cow(b).ok_or_else(Fail::badarg)?;
    let mag = if little {
        BigUint::from_bytes_le(&bytes)
    } else {
        BigUint::from_bytes_be(&bytes)
    };
    let v = BigInt::from_biguint(Sign::Plus, mag);
    Ok(crate::bignum::from_bigint(&mut p.heap, &v))
}

fn decode_unsigned_1(p: &mut Process, a: &[Term]) -> BifResult {
    decode_unsigned(p, a[0], false)
}

fn decode_unsigned_2(p: &mut Process, a: &[Term]) -> BifResult {
    let little = endianness(a[1])?;
    decode_unsigned(p, a[0], little)
}

fn list_to_bin_1(p: &mut Process, a: &[Term]) -> BifResult {
    let t = a[0];
    if !(t.is_list() || t.is_nil()) {
        return Err(Fail::badarg());
    }
    let bytes = iodata::iodata_to_bytes(t).ok_or_else(Fail::badarg)?;
    Ok(boxed::binary_from_vec(&mut p.heap, bytes))
}

// ---------------------------------------------------------------- searching

/// A set of non-empty search patterns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patterns {
    /// Longest first, so the first pattern that matches at a position is the longest one.
    pats: Vec<Vec<u8>>,
    /// Whether a pattern starts with each byte value.
    first: Box<[bool; 256]>,
}

impl Patterns {
    /// Builds a pattern set; `None` if there is no pattern or one is empty.
    pub fn new(mut pats: Vec<Vec<u8>>) -> Option<Patterns> {
        if pats.is_empty() || pats.iter().any(|p| p.is_empty()) {
            return None;
        }
        pats.sort_by_key(|p| std::cmp::Reverse(p.len()));
        let mut first = Box::new([false; 256]);
        for p in &pats {
            first[p[0] as usize] = true;
        }
        Some(Patterns { pats, first })
    }

    /// The leftmost-longest match `(start, len)` lying inside `subject[from..end]`.
    pub fn find(&self, subject: &[u8], from: usize, end: usize) -> Option<(usize, usize)> {
        let hay = &subject[..end];
        let mut i = from;
        while i < end {
            if self.first[hay[i] as usize] {
                for p in &self.pats {
                    if hay[i..].starts_with(p) {
                        return Some((i, p.len()));
                    }
                }
            }
            i += 1;
        }
        None
    }

    /// All non-overlapping matches in `subject[from..end]`, left to right.
    pub fn find_all(&self, subject: &[u8], from: usize, end: usize) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut pos = from;
        while let Some((s, l)) = self.find(subject, pos, end) {
            out.push((s, l));
            pos = s + l;
        }
        out
    }
}

/// Reads a pattern argument: a non-empty binary, a non-empty proper list of them, or a
/// compiled pattern from [`compile_pattern_1`].
fn parse_pattern(t: Term) -> Option<Patterns> {
    if t.is_tuple() && boxed::tuple_arity(t) == 2 {
        let tag = boxed::tuple_element(t, 0);
        let pats = boxed::tuple_element(t, 1);
        if !pats.is_tuple() {
            return None;
        }
        let elems = boxed::tuple_elems(pats);
        let ok_count = match tag.as_atom()? {
            a if a == atom::atom("bm") => elems.len() == 1,
            a if a == atom::atom("ac") => elems.len() > 1,
            _ => false,
        };
        if !ok_count {
            return None;
        }
        let v: Option<Vec<Vec<u8>>> = elems
            .iter()
            .map(|&b| binary_cow(b).map(|c| c.into_owned()))
            .collect();
        return Patterns::new(v?);
    }
    if t.is_bitstring() {
        return Patterns::new(vec![binary_cow(t)?.into_owned()]);
    }
    let items = boxed::list_to_vec(t)?;
    let v: Option<Vec<Vec<u8>>> = items
        .iter()
        .map(|&b| binary_cow(b).map(|c| c.into_owned()))
        .collect();
    Patterns::new(v?)
}

fn compile_pattern_1(p: &mut Process, a: &[Term]) -> BifResult {
    let pats = parse_pattern(a[0]).ok_or_else(Fail::badarg)?;
    // Keep the caller's order (the set itself sorts by length).
    let originals: Vec<Vec<u8>> = if a[0].is_bitstring() {
        vec![binary_cow(a[0]).ok_or_else(Fail::badarg)?.into_owned()]
    } else if a[0].is_list() {
        boxed::list_to_vec(a[0])
            .unwrap_or_default()
            .iter()
            .filter_map(|&b| binary_cow(b).map(|c| c.into_owned()))
            .collect()
    } else {
        pats.pats.clone()
    };
    let heap = &mut p.heap;
    let bins: Vec<Term> = originals.iter().map(|b| boxed::binary(heap, b)).collect();
    let tag = if bins.len() == 1 { "bm" } else { "ac" };
    let inner = boxed::tuple(heap, &bins);
    Ok(boxed::tuple(heap, &[Term::atom(atom::atom(tag)), inner]))
}

/// Options of `match/3`, `matches/3` and `split/3`.
#[derive(Default)]
struct SearchOpts {
    scope: Option<(Term, Term)>,
    global: bool,
    trim: bool,
    trim_all: bool,
}

/// Parses an option list. Elements after a non-list tail are ignored, as OTP does.
fn parse_opts(t: Term, split: bool) -> Option<SearchOpts> {
    if !(t.is_list() || t.is_nil()) {
        return None;
    }
    let mut o = SearchOpts::default();
    let scope = atom::atom("scope");
    let mut cur = t;
    while cur.is_list() {
        let h = cur.head();
        if h.is_tuple()
            && boxed::tuple_arity(h) == 2
            && boxed::tuple_element(h, 0).as_atom() == Some(scope)
        {
            let r = boxed::tuple_element(h, 1);
            if !r.is_tuple() || boxed::tuple_arity(r) != 2 {
                return None;
            }
            o.scope = Some((boxed::tuple_element(r, 0), boxed::tuple_element(r, 1)));
        } else if split && h.as_atom() == Some(atom::atom("global")) {
            o.global = true;
        } else if split && h.as_atom() == Some(atom::atom("trim")) {
            o.trim = true;
        } else if split && h.as_atom() == Some(atom::atom("trim_all")) {
            o.trim_all = true;
        } else {
            return None;
        }
        cur = cur.tail();
    }
    Some(o)
}

/// What every search BIF starts with: the subject's bytes, the patterns, the options and the
/// byte range searched.
struct Search<'a> {
    subject: std::borrow::Cow<'a, [u8]>,
    /// `None` when the range searched is `{0, 0}`: OTP then does not look at the pattern.
    pats: Option<Patterns>,
    opts: SearchOpts,
    from: usize,
    end: usize,
}

fn setup<'a>(subject: Term, pattern: Term, opts: Term, split: bool) -> Result<Search<'a>, Fail> {
    let bytes = binary_cow(subject).ok_or_else(Fail::badarg)?;
    let opts = parse_opts(opts, split).ok_or_else(Fail::badarg)?;
    let (from, len) = match opts.scope {
        Some((s, l)) => norm_part(bytes.len(), s, l).ok_or_else(Fail::badarg)?,
        None => (0, bytes.len()),
    };
    // An empty range at the start (an empty subject, or `{scope, {0, 0}}`) finds nothing
    // whatever the pattern is, even an invalid one (as OTP).
    let pats = if from == 0 && len == 0 {
        None
    } else {
        Some(parse_pattern(pattern).ok_or_else(Fail::badarg)?)
    };
    Ok(Search {
        subject: bytes,
        pats,
        opts,
        from,
        end: from + len,
    })
}

fn pos_tuple(heap: &mut Heap, (s, l): (usize, usize)) -> Term {
    boxed::tuple(heap, &[Term::small(s as i64), Term::small(l as i64)])
}

fn do_match(p: &mut Process, subject: Term, pattern: Term, opts: Term) -> BifResult {
    let s = setup(subject, pattern, opts, false)?;
    Ok(
        match s.pats.and_then(|p| p.find(&s.subject, s.from, s.end)) {
            Some(m) => pos_tuple(&mut p.heap, m),
            None => Term::atom(atom::atom("nomatch")),
        },
    )
}

fn match_2(p: &mut Process, a: &[Term]) -> BifResult {
    do_match(p, a[0], a[1], Term::NIL)
}

fn match_3(p: &mut Process, a: &[Term]) -> BifResult {
    do_match(p, a[0], a[1], a[2])
}

fn do_matches(p: &mut Process, subject: Term, pattern: Term, opts: Term) -> BifResult {
    let s = setup(subject, pattern, opts, false)?;
    let found = s
        .pats
        .map(|p| p.find_all(&s.subject, s.from, s.end))
        .unwrap_or_default();
    let heap = &mut p.heap;
    let items: Vec<Term> = found.into_iter().map(|m| pos_tuple(heap, m)).collect();
    Ok(boxed::list(heap, &items))
}

fn matches_2(p: &mut Process, a: &[Term]) -> BifResult {
    do_matches(p, a[0], a[1], Term::NIL)
}

fn matches_3(p: &mut Process, a: &[Term]) -> BifResult {
    do_matches(p, a[0], a[1], a[2])
}

fn do_split(p: &mut Process, subject: Term, pattern: Term, opts: Term) -> BifResult {
    let s = setup(subject, pattern, opts, true)?;
    let found = match &s.pats {
        None => Vec::new(),
        Some(p) if s.opts.global => p.find_all(&s.subject, s.from, s.end),
        Some(p) => p.find(&s.subject, s.from, s.end).into_iter().collect(),
    };
    let size = s.subject.len();
    // Byte ranges of the parts between matches.
    let mut ranges: Vec<(usize, usize)> = Vec::with_capacity(found.len() + 1);
    let mut at = 0;
    for (ms, ml) in &found {
        ranges.push((at, ms - at));
        at = ms + ml;
    }
    ranges.push((at, size - at));
    if s.opts.trim_all {
        ranges.retain(|r| r.1 != 0);
    } else if s.opts.trim {
        while ranges.last().is_some_and(|r| r.1 == 0) {
            ranges.pop();
        }
    }
    let heap = &mut p.heap;
    let parts: Vec<Term> = if found.is_empty() {
        // No match: the subject itself (unless trimmed away).
        ranges.iter().map(|_| subject).collect()
    } else {
        ranges
            .iter()
            .map(|&(o, l)| sub_binary(heap, subject, o, l))
            .collect()
    };
    Ok(boxed::list(heap, &parts))
}

fn split_2(p: &mut Process, a: &[Term]) -> BifResult {
    do_split(p, a[0], a[1], Term::NIL)
}

fn split_3(p: &mut Process, a: &[Term]) -> BifResult {
    do_split(p, a[0], a[1], a[2])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bif::iodata::tests::{bin, bits, bytes_of, is_badarg};

    fn a(s: &str) -> Term {
        Term::atom(atom::atom(s))
    }
    fn tup(p: &mut Process, v: &[Term]) -> Term {
        boxed::tuple(&mut p.heap, v)
    }
    fn pair(t: Term) -> (i64, i64) {
        let e = boxed::tuple_elems(t);
        (e[0].as_small().unwrap(), e[1].as_small().unwrap())
    }
    fn pairs(t: Term) -> Vec<(i64, i64)> {
        boxed::list_to_vec(t)
            .unwrap()
            .into_iter()
            .map(pair)
            .collect()
    }
    fn bins(t: Term) -> Vec<Vec<u8>> {
        boxed::list_to_vec(t)
            .unwrap()
            .into_iter()
            .map(bytes_of)
            .collect()
    }
    fn s(x: &str) -> Vec<u8> {
        x.as_bytes().to_vec()
    }
    fn scope(p: &mut Process, st: i64, len: i64) -> Term {
        let r = tup(p, &[Term::small(st), Term::small(len)]);
        let o = tup(p, &[a("scope"), r]);
        boxed::list(&mut p.heap, &[o])
    }

    #[test]
    fn sizes() {
        let mut p = Process::new(0);
        let b = bits(&mut p, &[1, 0x40], 11);
        assert_eq!(byte_size_1(&mut p, &[b]).unwrap(), Term::small(2));
        assert_eq!(bit_size_1(&mut p, &[b]).unwrap(), Term::small(11));
        assert!(is_badarg(byte_size_1(&mut p, &[a("x")])));
        assert!(is_badarg(bit_size_1(&mut p, &[Term::NIL])));
    }

    #[test]
    fn split_binary_cases() {
        let mut p = Process::new(0);
        let b = bin(&mut p, &[1, 2, 3]);
        let r = split_binary_2(&mut p, &[b, Term::small(1)]).unwrap();
        let e = boxed::tuple_elems(r);
        assert_eq!((bytes_of(e[0]), bytes_of(e[1])), (vec![1], vec![2, 3]));
        let r = split_binary_2(&mut p, &[b, Term::small(3)]).unwrap();
        assert_eq!(bytes_of(boxed::tuple_elems(r)[1]), Vec::<u8>::new());
        for bad in [Term::small(4), Term::small(-1)] {
            assert!(is_badarg(split_binary_2(&mut p, &[b, bad])));
        }
        // <<1,2,3:3>> splits at 1 but not at 3.
        let bs = bits(&mut p, &[1, 2, 3 << 5], 19);
        let r = split_binary_2(&mut p, &[bs, Term::small(1)]).unwrap();
        assert_eq!(boxed::bitstring_bit_size(boxed::tuple_elems(r)[1]), 11);
        assert!(is_badarg(split_binary_2(&mut p, &[bs, Term::small(3)])));
        // Large parts share the data, small ones are copied (OTP 25).
        let big = bin(&mut p, &[1; 1000]);
        let r = split_binary_2(&mut p, &[big, Term::small(990)]).unwrap();
        let e = boxed::tuple_elems(r);
        assert_eq!(
            referenced_byte_size_1(&mut p, &[e[0]]).unwrap(),
            Term::small(1000)
        );
        assert_eq!(
            referenced_byte_size_1(&mut p, &[e[1]]).unwrap(),
            Term::small(10)
        );
    }

    #[test]
    fn parts() {
        let mut p = Process::new(0);
        let b = bin(&mut p, &[1, 2, 3]);
        let ok = |p: &mut Process, st: i64, l: i64| {
            let t = tup(p, &[Term::small(st), Term::small(l)]);
            binary_part_2(p, &[b, t]).map(bytes_of)
        };
        assert_eq!(ok(&mut p, 1, 2).unwrap(), vec![2, 3]);
        assert_eq!(ok(&mut p, 3, -2).unwrap(), vec![2, 3]);
        assert_eq!(ok(&mut p, 3, 0).unwrap(), Vec::<u8>::new());
        assert_eq!(ok(&mut p, 3, -3).unwrap(), vec![1, 2, 3]);
        assert!(ok(&mut p, 3, -4).is_err());
        assert!(ok(&mut p, 4, 0).is_err());
        assert!(ok(&mut p, -1, 1).is_err());
        assert!(is_badarg(binary_part_3(
            &mut p,
            &[b, Term::small(0), Term::small(4)]
        )));
        let t3 = tup(&mut p, &[Term::small(0), Term::small(1), Term::small(2)]);
        assert!(is_badarg(binary_part_2(&mut p, &[b, t3])));
        let bs = bits(&mut p, &[1, 2, 3 << 5], 19);
        let r = binary_part_3(&mut p, &[bs, Term::small(0), Term::small(1)]).unwrap();
        assert_eq!(bytes_of(r), vec![1]);
        let big = bin(&mut p, &[1; 1000]);
        let r = binary_part_3(&mut p, &[big, Term::small(0), Term::small(64)]).unwrap();
        assert_eq!(
            referenced_byte_size_1(&mut p, &[r]).unwrap(),
            Term::small(64)
        );
        let r = binary_part_3(&mut p, &[big, Term::small(0), Term::small(65)]).unwrap();
        assert_eq!(
            referenced_byte_size_1(&mut p, &[r]).unwrap(),
            Term::small(1000)
        );
    }

    #[test]
    fn bytes_and_copy() {
        let mut p = Process::new(0);
        let b = bin(&mut p, &[5, 6]);
        let e = bin(&mut p, &[]);
        assert_eq!(first_1(&mut p, &[b]).unwrap(), Term::small(5));
        assert_eq!(last_1(&mut p, &[b]).unwrap(), Term::small(6));
        assert!(is_badarg(first_1(&mut p, &[e])));
        let bs = bits(&mut p, &[5, 6 << 5], 11);
        assert!(is_badarg(last_1(&mut p, &[bs])));
        assert_eq!(at_2(&mut p, &[b, Term::small(1)]).unwrap(), Term::small(6));
        assert!(is_badarg(at_2(&mut p, &[b, Term::small(2)])));
        assert!(is_badarg(at_2(&mut p, &[b, Term::small(-1)])));
        let r = copy_2(&mut p, &[b, Term::small(3)]).unwrap();
        assert_eq!(bytes_of(r), vec![5, 6, 5, 6, 5, 6]);
        assert_eq!(
            bytes_of(copy_2(&mut p, &[b, Term::small(0)]).unwrap()),
            Vec::<u8>::new()
        );
        assert!(is_badarg(copy_2(&mut p, &[b, Term::small(-1)])));
        assert!(is_badarg(copy_1(&mut p, &[bs])));
        let r = copy_2(&mut p, &[e, Term::small(1 << 50)]).unwrap();
        assert_eq!(bytes_of(r), Vec::<u8>::new());
    }

    #[test]
    fn prefixes() {
        let mut p = Process::new(0);
        let x = bin(&mut p, b"abc");
        let y = bin(&mut p, b"abd");
        let e = bin(&mut p, b"");
        let l = boxed::list(&mut p.heap, &[x, y]);
        assert_eq!(
            longest_common_prefix_1(&mut p, &[l]).unwrap(),
            Term::small(2)
        );
        let l = boxed::list(&mut p.heap, &[x]);
        assert_eq!(
            longest_common_prefix_1(&mut p, &[l]).unwrap(),
            Term::small(3)
        );
        let l = boxed::list(&mut p.heap, &[x, e]);
        assert_eq!(
            longest_common_prefix_1(&mut p, &[l]).unwrap(),
            Term::small(0)
        );
        assert!(is_badarg(longest_common_prefix_1(&mut p, &[Term::NIL])));
        let l = boxed::list_with_tail(&mut p.heap, &[x], e);
        assert!(is_badarg(longest_common_prefix_1(&mut p, &[l])));
        let u = bin(&mut p, b"xabc");
        let v = bin(&mut p, b"yybc");
        let l = boxed::list(&mut p.heap, &[u, v]);
        assert_eq!(
            longest_common_suffix_1(&mut p, &[l]).unwrap(),
            Term::small(2)
        );
    }

    #[test]
    fn unsigned() {
        let mut p = Process::new(0);
        let r = encode_unsigned_1(&mut p, &[Term::small(0)]).unwrap();
        assert_eq!(bytes_of(r), vec![0]);
        let r = encode_unsigned_1(&mut p, &[Term::small(256)]).unwrap();
        assert_eq!(bytes_of(r), vec![1, 0]);
        let r = encode_unsigned_2(&mut p, &[Term::small(256), a("little")]).unwrap();
        assert_eq!(bytes_of(r), vec![0, 1]);
        assert!(is_badarg(encode_unsigned_1(&mut p, &[Term::small(-1)])));
        assert!(is_badarg(encode_unsigned_2(
            &mut p,
            &[Term::small(1), a("native")]
        )));
        let big = crate::bignum::from_bigint(&mut p.heap, &(BigInt::from(1) << 100));
        let r = encode_unsigned_1(&mut p, &[big]).unwrap();
        let mut want = vec![16u8];
        want.extend([0u8; 12]);
        assert_eq!(bytes_of(r), want);
        let b = bin(&mut p, &[1, 0]);
        assert_eq!(decode_unsigned_1(&mut p, &[b]).unwrap(), Term::small(256));
        assert_eq!(
            decode_unsigned_2(&mut p, &[b, a("little")]).unwrap(),
            Term::small(1)
        );
        let e = bin(&mut p, &[]);
        assert_eq!(decode_unsigned_1(&mut p, &[e]).unwrap(), Term::small(0));
        let mut v = vec![1u8];
        v.extend([0u8; 11]);
        let b = bin(&mut p, &v);
        let r = decode_unsigned_1(&mut p, &[b]).unwrap();
        assert_eq!(
            crate::bignum::to_bigint(r).unwrap().to_string(),
            "309485009821345068724781056"
        );
    }

    #[test]
    fn matching() {
        let mut p = Process::new(0);
        let subj = bin(&mut p, b"abcabc");
        let bc = bin(&mut p, b"bc");
        let x = bin(&mut p, b"x");
        assert_eq!(pair(match_2(&mut p, &[subj, bc]).unwrap()), (1, 2));
        assert_eq!(match_2(&mut p, &[subj, x]).unwrap(), a("nomatch"));
        let c = bin(&mut p, b"c");
        let l = boxed::list(&mut p.heap, &[c, bc]);
        assert_eq!(pair(match_2(&mut p, &[subj, l]).unwrap()), (1, 2));
        let ca = bin(&mut p, b"ca");
        let bcab = bin(&mut p, b"bcab");
        let l = boxed::list(&mut p.heap, &[ca, bcab]);
        assert_eq!(pair(match_2(&mut p, &[subj, l]).unwrap()), (1, 4));
        let o = scope(&mut p, 2, 4);
        assert_eq!(pair(match_3(&mut p, &[subj, bc, o]).unwrap()), (4, 2));
        let o = scope(&mut p, 6, -4);
        assert_eq!(pair(match_3(&mut p, &[subj, bc, o]).unwrap()), (4, 2));
        let o = scope(&mut p, 6, -7);
        assert!(is_badarg(match_3(&mut p, &[subj, bc, o])));
        let o = scope(&mut p, 7, 0);
        assert!(is_badarg(match_3(&mut p, &[subj, bc, o])));
        let o = scope(&mut p, 6, 0);
        assert_eq!(match_3(&mut p, &[subj, bc, o]).unwrap(), a("nomatch"));
        let o = scope(&mut p, 1, 1);
        assert_eq!(match_3(&mut p, &[subj, bc, o]).unwrap(), a("nomatch"));
        // Bad options, patterns and subjects.
        let o = boxed::list(&mut p.heap, &[a("foo")]);
        assert!(is_badarg(match_3(&mut p, &[subj, bc, o])));
        assert!(is_badarg(match_3(&mut p, &[subj, bc, a("x")])));
        let o = boxed::list(&mut p.heap, &[a("global")]);
        assert!(is_badarg(match_3(&mut p, &[subj, bc, o])));
        let e = bin(&mut p, b"");
        assert!(is_badarg(match_2(&mut p, &[subj, e])));
        assert!(is_badarg(match_2(&mut p, &[subj, Term::NIL])));
        let l = boxed::list(&mut p.heap, &[bc, e]);
        assert!(is_badarg(match_2(&mut p, &[subj, l])));
        let bs = bits(&mut p, b"ab", 11);
        assert!(is_badarg(match_2(&mut p, &[bs, bc])));
        assert!(is_badarg(match_2(&mut p, &[a("a"), bc])));
        // An improper option tail is ignored.
        let sc = {
            let r = tup(&mut p, &[Term::small(1), Term::small(1)]);
            tup(&mut p, &[a("scope"), r])
        };
        let o = boxed::list_with_tail(&mut p.heap, &[sc], a("x"));
        assert_eq!(match_3(&mut p, &[subj, bc, o]).unwrap(), a("nomatch"));
    }

    #[test]
    fn matches_lists() {
        let mut p = Process::new(0);
        type Case<'a> = (&'a str, &'a [&'a str], &'a [(i64, i64)]);
        let cases: &[Case] = &[
            ("abcabc", &["bc"], &[(1, 2), (4, 2)]),
            ("aaaa", &["aa"], &[(0, 2), (2, 2)]),
            ("abcde", &["bcd", "cde", "a"], &[(0, 1), (1, 3)]),
            ("abcde", &["b", "bc", "bcd", "c"], &[(1, 3)]),
            ("abcde", &["bcd", "cd", "c", "e"], &[(1, 3), (4, 1)]),
            ("abcde", &["abcd", "bc"], &[(0, 4)]),
            ("abcde", &["bcde", "abc"], &[(0, 3)]),
            ("aaa", &["a", "aa"], &[(0, 2), (2, 1)]),
            ("abcabd", &["abd", "bca", "ca"], &[(1, 3)]),
            ("aaa", &["a", "a"], &[(0, 1), (1, 1), (2, 1)]),
            ("xyz", &["q"], &[]),
        ];
        for (subj, pats, want) in cases {
            let sb = bin(&mut p, subj.as_bytes());
            let pl: Vec<Term> = pats.iter().map(|x| bin(&mut p, x.as_bytes())).collect();
            let pl = boxed::list(&mut p.heap, &pl);
            let r = matches_2(&mut p, &[sb, pl]).unwrap();
            assert_eq!(pairs(r), want.to_vec(), "{subj} {pats:?}");
        }
        let sb = bin(&mut p, b"abab");
        let ab = bin(&mut p, b"ab");
        let b = bin(&mut p, b"b");
        let pl = boxed::list(&mut p.heap, &[ab, b]);
        let o = scope(&mut p, 1, 3);
        assert_eq!(
            pairs(matches_3(&mut p, &[sb, pl, o]).unwrap()),
            vec![(1, 1), (2, 2)]
        );
    }

    fn split_case(p: &mut Process, subj: &str, pats: &[&str], opts: &[&str]) -> Vec<Vec<u8>> {
        let sb = bin(p, subj.as_bytes());
        let pl: Vec<Term> = pats.iter().map(|x| bin(p, x.as_bytes())).collect();
        let pl = boxed::list(&mut p.heap, &pl);
        let ol: Vec<Term> = opts.iter().map(|o| a(o)).collect();
        let ol = boxed::list(&mut p.heap, &ol);
        bins(split_3(p, &[sb, pl, ol]).unwrap())
    }

    #[test]
    fn splitting() {
        let mut p = Process::new(0);
        let p = &mut p;
        assert_eq!(
            split_case(p, "a,b,,c", &[","], &[]),
            vec![s("a"), s("b,,c")]
        );
        assert_eq!(
            split_case(p, "a,b,,c", &[","], &["global"]),
            vec![s("a"), s("b"), s(""), s("c")]
        );
        assert_eq!(
            split_case(p, ",a,b,,c,,", &[","], &["global", "trim"]),
            vec![s(""), s("a"), s("b"), s(""), s("c")]
        );
        assert_eq!(
            split_case(p, ",a,b,,c,,", &[","], &["global", "trim_all"]),
            vec![s("a"), s("b"), s("c")]
        );
        assert_eq!(
            split_case(p, ",a,b,,c,,", &[","], &["trim_all"]),
            vec![s("a,b,,c,,")]
        );
        assert_eq!(
            split_case(p, ",a,b,,c,,", &[","], &["trim"]),
            vec![s(""), s("a,b,,c,,")]
        );
        assert_eq!(
            split_case(p, ",,", &[","], &["global", "trim"]),
            Vec::<Vec<u8>>::new()
        );
        assert_eq!(
            split_case(p, ",,", &[","], &["global"]),
            vec![s(""), s(""), s("")]
        );
        assert_eq!(split_case(p, "", &[","], &["global"]), vec![s("")]);
        assert_eq!(split_case(p, "", &[","], &["trim"]), Vec::<Vec<u8>>::new());
        assert_eq!(split_case(p, "abc", &["abc"], &[]), vec![s(""), s("")]);
        assert_eq!(
            split_case(p, "abc", &["abc"], &["trim"]),
            Vec::<Vec<u8>>::new()
        );
        assert_eq!(
            split_case(p, "abc", &["a", "c"], &["global", "trim"]),
            vec![s(""), s("b")]
        );
        assert_eq!(
            split_case(p, "xax", &["a"], &["trim_all"]),
            vec![s("x"), s("x")]
        );
        assert_eq!(split_case(p, "xa", &["a"], &["trim"]), vec![s("x")]);
        assert_eq!(
            split_case(p, "a,b;c,d", &[",", ";"], &["global"]),
            vec![s("a"), s("b"), s("c"), s("d")]
        );
        // Scope limits where matches are found; the parts cover the whole subject.
        let sb = bin(p, b"a,b,c,d");
        let comma = bin(p, b",");
        let r = {
            let r = tup(p, &[Term::small(2), Term::small(3)]);
            tup(p, &[a("scope"), r])
        };
        let o = boxed::list(&mut p.heap, &[a("global"), r]);
        assert_eq!(
            bins(split_3(p, &[sb, comma, o]).unwrap()),
            vec![s("a,b"), s("c,d")]
        );
        // No match returns the subject itself.
        let big = bin(p, &[1; 1000]);
        let two = bin(p, &[2]);
        let r = split_2(p, &[big, two]).unwrap();
        assert_eq!(boxed::list_to_vec(r).unwrap(), vec![big]);
        let o = boxed::list(&mut p.heap, &[a("global"), a("foo")]);
        assert!(is_badarg(split_3(p, &[sb, comma, o])));
        // [global|trim]: the improper tail is ignored.
        let o = boxed::list_with_tail(&mut p.heap, &[a("global")], a("trim"));
        assert_eq!(bins(split_3(p, &[sb, comma, o]).unwrap()).len(), 4);
    }

    #[test]
    fn compiled_patterns() {
        let mut p = Process::new(0);
        let subj = bin(&mut p, b"abcabc");
        let ca = bin(&mut p, b"ca");
        let a1 = bin(&mut p, b"a");
        let cp = compile_pattern_1(&mut p, &[ca]).unwrap();
        assert_eq!(boxed::tuple_element(cp, 0), a("bm"));
        assert_eq!(pair(match_2(&mut p, &[subj, cp]).unwrap()), (2, 2));
        let l = boxed::list(&mut p.heap, &[ca, a1]);
        let cp = compile_pattern_1(&mut p, &[l]).unwrap();
        assert_eq!(boxed::tuple_element(cp, 0), a("ac"));
        assert_eq!(pair(match_2(&mut p, &[subj, cp]).unwrap()), (0, 1));
        let l = boxed::list(&mut p.heap, &[ca]);
        let cp = compile_pattern_1(&mut p, &[l]).unwrap();
        assert_eq!(boxed::tuple_element(cp, 0), a("bm"));
        let e = bin(&mut p, b"");
        assert!(is_badarg(compile_pattern_1(&mut p, &[e])));
        assert!(is_badarg(compile_pattern_1(&mut p, &[Term::NIL])));
        let bad = tup(&mut p, &[a("ac"), a("x")]);
        assert!(is_badarg(match_2(&mut p, &[subj, bad])));
        let l = boxed::list_with_tail(&mut p.heap, &[a1], ca);
        assert!(is_badarg(compile_pattern_1(&mut p, &[l])));
    }
}
