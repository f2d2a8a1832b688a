//! Maps (OTP's `erl_map.c`): construction, lookup, update and iteration of map terms.
//!
//! A map with at most [`SMALL_MAP_LIMIT`] (32) keys is a *flatmap*; a larger one is a
//! hash-array-mapped trie (HAMT) shaped exactly like OTP 25's, so iteration order matches.
//! Every map object is a boxed object with header subtag `MAP`; word 1 is always a raw word
//! (never a term) and every other word is a term, so the GC can copy any MAP-subtag object by
//! copying word 1 verbatim and treating the rest as terms.
//!
//! ## Heap layout
//!
//! | kind       | header arity | word 1 (raw)                                   | words 2..             |
//! |------------|--------------|------------------------------------------------|-----------------------|
//! | flatmap    | `2 + n`      | `n` (bit 63 clear)                             | keys tuple, n values  |
//! | HAMT head  | `1 + c`      | bit 63, bit 62, bitmap << 46, size (bits 0..46)| c children            |
//! | HAMT node  | `1 + c`      | bit 63, bitmap << 46 (bit 62 and size clear)   | c children            |
//!
//! Flatmap keys are sorted in exact term order and unique. In a HAMT node, bit `s` of the
//! 16-bit bitmap is set when slot `s` is occupied; the children are stored in slot order,
//! `c = popcount(bitmap)`. A child is either a *leaf* — a list-tagged pointer to a cons cell
//! `[Key | Value]` — or a boxed pointer to a HAMT node. The head is the map term itself; nodes
//! are only reachable from a head.
//!
//! The trie is keyed by 4-bit chunks of [`hash::map_hash`]: level `l` uses bits
//! `4 * (l % 8) ..` of `map_hash(key, l / 8)`, so keys whose 32-bit hashes collide keep
//! separating on a salted hash further down. The trie is canonical: a key sits in the
//! shallowest node where no other key shares its hash chunks, a node never holds a single
//! leaf as its only child (except the head), and removal collapses such nodes upward.
//! As in OTP 25, a map that grows past 32 keys becomes a HAMT, and a HAMT that shrinks to 32
//! keys becomes a flatmap again.
//!
//! ## Orders
//! * [`iter_pairs`]: the order of `maps:to_list/1`, `maps:keys/1`, `maps:values/1` and
//!   `term_to_binary`. For a HAMT this is the trie walked from the highest slot to the lowest.
//! * [`iterator_pairs`] / [`next_batch`]: the order of `maps:iterator/1` + `maps:next/1`
//!   (OTP 25's `erts_internal:map_next/3`), used by `io_lib` to print maps: the trie walked
//!   from the lowest slot up — the reverse of `iter_pairs` for a HAMT. Flatmaps iterate in key
//!   order both ways.
//! * [`sorted_pairs`]: exact term order of keys (term comparison).

pub mod hash;

use crate::heap::Heap;
use crate::term::boxed::{self, tuple_elems};
use crate::term::compare::{compare, elems_exact_eq, exact_eq};
use crate::term::{header_arity, make_header, subtag, Term};
use std::cmp::Ordering;

/// Maps with at most this many keys are flatmaps (OTP's `MAP_SMALL_MAP_LIMIT`).
pub const SMALL_MAP_LIMIT: usize = 32;

/// Word-1 flag: the object is a HAMT head or node.
const HAMT_FLAG: u64 = 1 << 63;
/// Word-1 flag: the HAMT object is the head (the map term itself).
const HEAD_FLAG: u64 = 1 << 62;
/// Bit position of the 16-bit bitmap in word 1.
const BITMAP_SHIFT: u32 = 46;
/// Mask of the size field of a head's word 1.
const SIZE_MASK: u64 = (1 << BITMAP_SHIFT) - 1;
/// Deepest HAMT level searched; keys never need it (each 8 levels rehash with a new salt).
const MAX_LEVEL: u32 = 8 * 24;

/// The kind of a MAP-subtag object.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
enum Kind {
    Flat,
    Head,
    Node,
}

#[inline]
fn kind(m: Term) -> Kind {
    let w = m.boxed_word(1);
    if w & HAMT_FLAG == 0 {
        Kind::Flat
    } else if w & HEAD_FLAG != 0 {
        Kind::Head
    } else {
        Kind::Node
    }
}

/// Number of keys in a map (caller checked `is_map`).
pub fn size(m: Term) -> usize {
    let w = m.boxed_word(1);
    if w & HAMT_FLAG == 0 {
        w as usize
    } else {
        (w & SIZE_MASK) as usize
    }
}

/// Whether a map term is a HAMT (more than 32 keys) rather than a flatmap.
pub fn is_hamt(m: Term) -> bool {
    kind(m) != Kind::Flat
}

/// Whether a MAP-subtag object is an inner HAMT node (never a map value of its own; only
/// `erts_internal:map_hashmap_children/1` hands them out, as OTP does).
pub fn is_hamt_node(m: Term) -> bool {
    kind(m) == Kind::Node
}

/// The keys tuple of a flatmap, `None` for a HAMT.
pub fn flat_keys_tuple(m: Term) -> Option<Term> {
    (kind(m) == Kind::Flat).then(|| Term(m.boxed_word(2)))
}

/// The children of a HAMT head or node (leaves are `[K | V]` cells), `None` for a flatmap.
pub fn hamt_children<'a>(m: Term) -> Option<&'a [Term]> {
    (kind(m) != Kind::Flat).then(|| children(m))
}

// ---------------------------------------------------------------- flatmaps

fn flat_keys<'a>(m: Term) -> &'a [Term] {
    tuple_elems(Term(m.boxed_word(2)))
}

fn flat_values<'a>(m: Term) -> &'a [Term] {
    let n = size(m);
    debug_assert_eq!(header_arity(m.header()), 2 + n);
    // SAFETY: a flatmap has n value words after the size and keys words.
    unsafe { std::slice::from_raw_parts(m.boxed_ptr().add(3), n) }
}

/// Builds a flatmap from keys already sorted in exact order and unique.
fn build_flat(heap: &mut Heap, keys: &[Term], values: &[Term]) -> Term {
    let kt = boxed::tuple(heap, keys);
    build_flat_on_keys(heap, kt, values)
}

/// Builds a flatmap on a keys tuple (an existing map's, shared as OTP shares it when only
/// values change, or a new one) with one value per key.
fn build_flat_on_keys(heap: &mut Heap, kt: Term, values: &[Term]) -> Term {
    let n = values.len();
    debug_assert_eq!(boxed::tuple_arity(kt), n);
    let p = heap.alloc(3 + n);
    // SAFETY: `alloc` returned 3 + n writable words.
    unsafe {
        *p = Term(make_header(subtag::MAP, 2 + n));
        *p.add(1) = Term(n as u64);
        *p.add(2) = kt;
        std::ptr::copy_nonoverlapping(values.as_ptr(), p.add(3), n);
    }
    Term::make_boxed(p)
}

/// Builds a flatmap from pairs sorted in exact key order with distinct keys, straight onto
/// the heap.
fn build_flat_pairs(heap: &mut Heap, pairs: &[(Term, Term)]) -> Term {
    let n = pairs.len();
    let kp = heap.alloc(1 + n);
    let p = heap.alloc(3 + n);
    // SAFETY: `alloc` returned 1 + n and 3 + n writable words.
    unsafe {
        *kp = Term(make_header(subtag::TUPLE, n));
        *p = Term(make_header(subtag::MAP, 2 + n));
        *p.add(1) = Term(n as u64);
        *p.add(2) = Term::make_boxed(kp);
        for (i, &(k, v)) in pairs.iter().enumerate() {
            *kp.add(1 + i) = k;
            *p.add(3 + i) = v;
        }
    }
    Term::make_boxed(p)
}

/// Flatmap `m` with key `k` (absent, its place in order `at`) and its value `v` added; the
/// caller checked that the map stays flat.
fn flat_insert(heap: &mut Heap, m: Term, at: usize, k: Term, v: Term) -> Term {
    let (keys, values) = (flat_keys(m), flat_values(m));
    let n = keys.len() + 1;
    let kp = heap.alloc(1 + n);
    let p = heap.alloc(3 + n);
    // SAFETY: `alloc` returned 1 + n and 3 + n writable words; `at` is at most the old size,
    // so the copies fill exactly the n keys and n values.
    unsafe {
        *kp = Term(make_header(subtag::TUPLE, n));
        std::ptr::copy_nonoverlapping(keys.as_ptr(), kp.add(1), at);
        *kp.add(1 + at) = k;
        std::ptr::copy_nonoverlapping(keys.as_ptr().add(at), kp.add(2 + at), n - 1 - at);
        *p = Term(make_header(subtag::MAP, 2 + n));
        *p.add(1) = Term(n as u64);
        *p.add(2) = Term::make_boxed(kp);
        std::ptr::copy_nonoverlapping(values.as_ptr(), p.add(3), at);
        *p.add(3 + at) = v;
        std::ptr::copy_nonoverlapping(values.as_ptr().add(at), p.add(4 + at), n - 1 - at);
    }
    Term::make_boxed(p)
}

/// The index of key `k` among a flatmap's keys, by exact equality, one key after the other
/// as OTP does (at most 32): an immediate (an atom, a small integer, a local pid...) equals
/// only itself, word for word; other keys by `=:=` (element by element, without ranking).
#[inline]
fn find_key(keys: &[Term], k: Term) -> Option<usize> {
    if k.is_immediate() {
        keys.iter().position(|&x| x == k)
    } else if k.is_tuple() {
        // Tuple keys (`{var, N}`, records): tuples of the same size, element by element.
        let ke = boxed::tuple_elems(k);
        keys.iter()
            .position(|&x| x == k || (x.is_tuple() && elems_exact_eq(boxed::tuple_elems(x), ke)))
    } else {
        keys.iter().position(|&x| exact_eq(x, k))
    }
}

// ---------------------------------------------------------------- HAMT nodes

#[inline]
fn bitmap(node: Term) -> u32 {
    ((node.boxed_word(1) >> BITMAP_SHIFT) & 0xffff) as u32
}

/// The children of a HAMT head or node.
#[inline]
fn children<'a>(node: Term) -> &'a [Term] {
    let n = header_arity(node.header()).saturating_sub(1);
    // SAFETY: a HAMT object has `arity - 1` child words after word 1.
    unsafe { std::slice::from_raw_parts(node.boxed_ptr().add(2), n) }
}

/// Index in the children array of the child in `slot`.
#[inline]
fn child_index(bm: u32, slot: u32) -> usize {
    (bm & ((1u32 << slot) - 1)).count_ones() as usize
}

/// Allocates a HAMT head (when `size` is given) or node.
fn alloc_node(heap: &mut Heap, size: Option<usize>, bm: u32, kids: &[Term]) -> Term {
    debug_assert_eq!(bm.count_ones() as usize, kids.len());
    let mut w1 = HAMT_FLAG | ((bm as u64) << BITMAP_SHIFT);
    if let Some(s) = size {
        w1 |= HEAD_FLAG | (s as u64 & SIZE_MASK);
    }
    let p = heap.alloc(2 + kids.len());
    // SAFETY: `alloc` returned 2 + len writable words.
    unsafe {
        *p = Term(make_header(subtag::MAP, 1 + kids.len()));
        *p.add(1) = Term(w1);
        std::ptr::copy_nonoverlapping(kids.as_ptr(), p.add(2), kids.len());
    }
    Term::make_boxed(p)
}

/// A copy of `node` (head or node) with a new bitmap and children; a head's size changes by
/// `delta`.
fn rebuild(heap: &mut Heap, node: Term, bm: u32, kids: &[Term], delta: isize) -> Term {
    let size = match kind(node) {
        Kind::Head => Some((size(node) as isize + delta).max(0) as usize),
        _ => None,
    };
    alloc_node(heap, size, bm, kids)
}

/// A leaf: the cons cell `[K | V]`.
#[inline]
fn leaf(heap: &mut Heap, k: Term, v: Term) -> Term {
    boxed::cons(heap, k, v)
}

/// The position of a key in the trie: its level and the hash bits from that level on.
#[derive(Copy, Clone)]
struct Cursor {
    key: Term,
    lvl: u32,
    hx: u32,
}

impl Cursor {
    fn new(key: Term) -> Cursor {
        Cursor {
            key,
            lvl: 0,
            hx: hash::map_hash(key, 0),
        }
    }
    /// The cursor of `key` at level `lvl` (OTP's `hashmap_restore_hash`).
    fn at(key: Term, lvl: u32) -> Cursor {
        Cursor {
            key,
            lvl,
            hx: hash::map_hash(key, lvl / 8) >> (4 * (lvl % 8)),
        }
    }
    #[inline]
    fn slot(&self) -> u32 {
        self.hx & 0xf
    }
    /// Moves one level down (OTP's `hashmap_shift_hash`).
    #[inline]
    fn down(&mut self) {
        self.lvl += 1;
        if self.lvl.is_multiple_of(8) {
            self.hx = hash::map_hash(self.key, self.lvl / 8);
        } else {
            self.hx >>= 4;
        }
    }
}

fn hamt_get(m: Term, k: Term) -> Option<Term> {
    let mut c = Cursor::new(k);
    let mut node = m;
    loop {
        let bm = bitmap(node);
        let s = c.slot();
        if bm & (1 << s) == 0 {
            return None;
        }
        let child = children(node)[child_index(bm, s)];
        if child.is_list() {
            return if exact_eq(child.head(), k) {
                Some(child.tail())
            } else {
                None
            };
        }
        node = child;
        c.down();
        if c.lvl > MAX_LEVEL {
            return None;
        }
    }
}

/// A subtree holding two leaves whose keys agree on the hash chunks above `a.lvl`.
fn make_two(heap: &mut Heap, leaf_a: Term, mut a: Cursor, leaf_b: Term, mut b: Cursor) -> Term {
    let mut chain: Vec<u32> = Vec::new();
    while a.slot() == b.slot() {
        if a.lvl >= MAX_LEVEL {
            // Two unequal keys whose hashes agree at every level cannot exist (every bit that
            // matters for equality is hashed); keep the trie valid by dropping `b`.
            let bm = 1 << a.slot();
            let mut t = alloc_node(heap, None, bm, &[leaf_a]);
            for &s in chain.iter().rev() {
                t = alloc_node(heap, None, 1 << s, &[t]);
            }
            return t;
        }
        chain.push(a.slot());
        a.down();
        b.down();
    }
    let (sa, sb) = (a.slot(), b.slot());
    let kids = if sa < sb {
        [leaf_a, leaf_b]
    } else {
        [leaf_b, leaf_a]
    };
    let mut t = alloc_node(heap, None, (1 << sa) | (1 << sb), &kids);
    for &s in chain.iter().rev() {
        t = alloc_node(heap, None, 1 << s, &[t]);
    }
    t
}

/// Inserts or replaces `k` in a HAMT. With `only_update`, `None` when `k` is absent.
fn hamt_insert(heap: &mut Heap, m: Term, k: Term, v: Term, only_update: bool) -> Option<Term> {
    let mut c = Cursor::new(k);
    let mut node = m;
    let mut path: Vec<(Term, u32)> = Vec::new();
    let (mut cur, delta) = loop {
        let bm = bitmap(node);
        let s = c.slot();
        let bit = 1u32 << s;
        let kids = children(node);
        let idx = child_index(bm, s);
        if bm & bit == 0 {
            if only_update {
                return None;
            }
            let l = leaf(heap, k, v);
            let mut nk = Vec::with_capacity(kids.len() + 1);
            nk.extend_from_slice(&kids[..idx]);
            nk.push(l);
            nk.extend_from_slice(&kids[idx..]);
            break (rebuild(heap, node, bm | bit, &nk, 1), 1);
        }
        let child = kids[idx];
        if child.is_list() {
            let old_key = child.head();
            let (new_child, delta) = if exact_eq(old_key, k) {
                if child.tail() == v {
                    return Some(m);
                }
                (leaf(heap, k, v), 0)
            } else {
                if only_update {
                    return None;
                }
                let mut nc = c;
                nc.down();
                let oc = Cursor::at(old_key, nc.lvl);
                let l = leaf(heap, k, v);
                (make_two(heap, child, oc, l, nc), 1)
            };
            let mut nk = kids.to_vec();
            nk[idx] = new_child;
            break (rebuild(heap, node, bm, &nk, delta), delta);
        }
        path.push((node, s));
        node = child;
        c.down();
        if c.lvl > MAX_LEVEL {
            return if only_update { None } else { Some(m) };
        }
    };
    for &(parent, s) in path.iter().rev() {
        let bm = bitmap(parent);
        let mut nk = children(parent).to_vec();
        nk[child_index(bm, s)] = cur;
        cur = rebuild(heap, parent, bm, &nk, delta);
    }
    Some(cur)
}

/// What replaces a subtree after a removal below it.
enum Shrunk {
    Gone,
    Leaf(Term),
    Node(Term),
}

/// `node` without the child in `slot`, collapsing a non-head node left with one leaf.
fn without_slot(heap: &mut Heap, node: Term, slot: u32) -> Shrunk {
    let bm = bitmap(node);
    let idx = child_index(bm, slot);
    let kids = children(node);
    let mut nk = Vec::with_capacity(kids.len().saturating_sub(1));
    nk.extend_from_slice(&kids[..idx]);
    nk.extend_from_slice(&kids[idx + 1..]);
    if kind(node) != Kind::Head {
        match nk.len() {
            0 => return Shrunk::Gone,
            1 if nk[0].is_list() => return Shrunk::Leaf(nk[0]),
            _ => {}
        }
    }
    Shrunk::Node(rebuild(heap, node, bm & !(1 << slot), &nk, -1))
}

/// Removes `k` from a HAMT: `None` if absent, else the new map and the removed value.
fn hamt_remove(heap: &mut Heap, m: Term, k: Term) -> Option<(Term, Term)> {
    let mut c = Cursor::new(k);
    let mut node = m;
    let mut path: Vec<(Term, u32)> = Vec::new();
    let (mut r, value) = loop {
        let bm = bitmap(node);
        let s = c.slot();
        if bm & (1 << s) == 0 {
            return None;
        }
        let child = children(node)[child_index(bm, s)];
        if child.is_list() {
            if !exact_eq(child.head(), k) {
                return None;
            }
            break (without_slot(heap, node, s), child.tail());
        }
        path.push((node, s));
        node = child;
        c.down();
        if c.lvl > MAX_LEVEL {
            return None;
        }
    };
    for &(parent, s) in path.iter().rev() {
        r = match r {
            Shrunk::Gone => without_slot(heap, parent, s),
            Shrunk::Leaf(l) if kind(parent) != Kind::Head && children(parent).len() == 1 => {
                Shrunk::Leaf(l)
            }
            Shrunk::Leaf(t) | Shrunk::Node(t) => {
                let bm = bitmap(parent);
                let mut nk = children(parent).to_vec();
                nk[child_index(bm, s)] = t;
                Shrunk::Node(rebuild(heap, parent, bm, &nk, -1))
            }
        };
    }
    let new_map = match r {
        Shrunk::Node(t) => t,
        // The head always stays a node.
        Shrunk::Gone | Shrunk::Leaf(_) => alloc_node(heap, Some(0), 0, &[]),
    };
    if size(new_map) <= SMALL_MAP_LIMIT {
        let pairs = sorted_pairs(new_map);
        return Some((build_flat_pairs(heap, &pairs), value));
    }
    Some((new_map, value))
}

/// Builds the subtree of `items` (at least two, distinct keys) whose cursors are at `lvl`.
fn build_level(
    heap: &mut Heap,
    items: &mut [(Term, Term, Cursor)],
    head_size: Option<usize>,
) -> Term {
    items.sort_by_key(|it| it.2.slot());
    let mut bm = 0u32;
    let mut kids = Vec::new();
    let mut i = 0;
    while i < items.len() {
        let s = items[i].2.slot();
        let mut j = i + 1;
        while j < items.len() && items[j].2.slot() == s {
            j += 1;
        }
        bm |= 1 << s;
        if j - i == 1 {
            kids.push(leaf(heap, items[i].0, items[i].1));
        } else if items[i].2.lvl >= MAX_LEVEL {
            // Unreachable for distinct keys (see `make_two`); keep the first.
            kids.push(leaf(heap, items[i].0, items[i].1));
        } else {
            let group = &mut items[i..j];
            for it in group.iter_mut() {
                it.2.down();
            }
            kids.push(build_level(heap, group, None));
        }
        i = j;
    }
    alloc_node(heap, head_size, bm, &kids)
}

/// Builds a HAMT from pairs with distinct keys (more than one).
fn build_hamt(heap: &mut Heap, pairs: &[(Term, Term)]) -> Term {
    let mut items: Vec<(Term, Term, Cursor)> =
        pairs.iter().map(|&(k, v)| (k, v, Cursor::new(k))).collect();
    build_level(heap, &mut items, Some(pairs.len()))
}

/// Calls `f` on every leaf in ascending slot order (the `maps:next/1` order).
fn for_each_leaf(m: Term, mut f: impl FnMut(Term)) {
    let mut stack: Vec<(&[Term], usize)> = vec![(children(m), 0)];
    while let Some((kids, i)) = stack.pop() {
        if i >= kids.len() {
            continue;
        }
        stack.push((kids, i + 1));
        let c = kids[i];
        if c.is_list() {
            f(c);
        } else {
            stack.push((children(c), 0));
        }
    }
}

/// For the internal hash: feeds a map object's size (flatmaps and heads) and the terms to hash
/// in the order OTP pushes them on its hash stack.
pub(crate) fn hash_map_node(m: Term, mut size_fn: impl FnMut(usize), mut push: impl FnMut(Term)) {
    match kind(m) {
        Kind::Flat => {
            let n = size(m);
            size_fn(n);
            let (ks, vs) = (flat_keys(m), flat_values(m));
            for i in (0..n).rev() {
                push(vs[i]);
                push(ks[i]);
            }
        }
        Kind::Head | Kind::Node => {
            if kind(m) == Kind::Head {
                size_fn(size(m));
                if size(m) == 0 {
                    return;
                }
            }
            for &c in children(m) {
                if c.is_list() {
                    push(c.tail());
                    push(c.head());
                } else {
                    push(c);
                }
            }
        }
    }
}

// ---------------------------------------------------------------- public API

/// The raw shape of one map object, for printers that show OTP's internal structure.
pub enum MapView<'a> {
    Flat {
        keys: &'a [Term],
        values: &'a [Term],
    },
    /// A HAMT head (`head`) or inner node: its 16-bit slot bitmap and its children in slot
    /// order (leaves are `[Key | Value]` cons cells, others are nodes).
    Hamt {
        head: bool,
        bitmap: u32,
        children: &'a [Term],
    },
}

/// The shape of map object `m` (a map term or a HAMT node reached from one).
pub fn view<'a>(m: Term) -> MapView<'a> {
    match kind(m) {
        Kind::Flat => MapView::Flat {
            keys: flat_keys(m),
            values: flat_values(m),
        },
        k => MapView::Hamt {
            head: k == Kind::Head,
            bitmap: bitmap(m),
            children: children(m),
        },
    }
}

/// Builds a map from pairs; a later pair wins over an earlier one with the same key, key
/// included (`maps:from_list([{-0.0, a}, {0.0, b}])` has the key `0.0` in OTP 25, where the
/// two zeros are the same key).
pub fn from_pairs(heap: &mut Heap, pairs: &[(Term, Term)]) -> Term {
    let mut v: Vec<(Term, Term)> = Vec::with_capacity(pairs.len());
    // Stable order among equal keys by index; keep the last of each run.
    let mut idx: Vec<usize> = (0..pairs.len()).collect();
    idx.sort_by(|&i, &j| compare(pairs[i].0, pairs[j].0, true).then(i.cmp(&j)));
    for i in idx {
        let (k, val) = pairs[i];
        match v.last_mut() {
            Some(last) if compare(last.0, k, true) == Ordering::Equal => *last = (k, val),
            _ => v.push((k, val)),
        }
    }
    from_sorted_unique(heap, &v)
}

/// Builds a map from pairs already sorted in exact key order with distinct keys.
fn from_sorted_unique(heap: &mut Heap, pairs: &[(Term, Term)]) -> Term {
    if pairs.len() <= SMALL_MAP_LIMIT {
        build_flat_pairs(heap, pairs)
    } else {
        build_hamt(heap, pairs)
    }
}

/// The value for `k` (exact key match).
pub fn get(m: Term, k: Term) -> Option<Term> {
    match kind(m) {
        Kind::Flat => find_key(flat_keys(m), k).map(|i| flat_values(m)[i]),
        _ => hamt_get(m, k),
    }
}

/// `m#{k => v}`.
pub fn put(heap: &mut Heap, m: Term, k: Term, v: Term) -> Term {
    put_many(heap, m, &[(k, v)])
}

/// `m#{k1 => v1, ...}` (a later pair wins over an earlier one with the same key). A key already
/// in a flat map stays as it is, only its value changes; a hash map takes the new key, as
/// OTP 25's do (visible only with `0.0` and `-0.0`).
pub fn put_many(heap: &mut Heap, m: Term, new: &[(Term, Term)]) -> Term {
    match kind(m) {
        Kind::Flat => {
            let keys = flat_keys(m);
            if let [(k, v)] = *new {
                // One key: found (an immediate word by word, as OTP; a boxed key by one
                // binary search in key order, where equal is `=:=`, rather than reading
                // every key), or its place.
                let found = if k.is_immediate() {
                    find_key(keys, k).ok_or_else(|| {
                        keys.partition_point(|&x| compare(x, k, true) == Ordering::Less)
                    })
                } else {
                    keys.binary_search_by(|&x| compare(x, k, true))
                };
                match found {
                    Ok(i) if flat_values(m)[i] == v => return m,
                    // A flatmap has at most 32 keys.
                    Ok(i) => return flat_set_values_at(heap, m, &[(i as u8, v)]),
                    // Copied around the new key, straight onto the heap.
                    Err(at) if keys.len() < SMALL_MAP_LIMIT => {
                        return flat_insert(heap, m, at, k, v)
                    }
                    // The map grows past the flat size: merged below.
                    Err(_) => {}
                }
            } else if let Ok(t) = flat_set_values(heap, m, new) {
                // The common update: new values of keys the map has.
                return t;
            }
            // Keys to add: the new pairs in key order (a map expression's literal keys come
            // sorted; others are sorted here, each key once with its last value), merged
            // with the map's in one pass.
            let sorted = new
                .windows(2)
                .all(|w| compare(w[0].0, w[1].0, true) == Ordering::Less);
            let mut ordered: smallvec::SmallVec<[(Term, Term); 8]> = smallvec::SmallVec::new();
            let new = if sorted {
                new
            } else {
                let mut by_key: smallvec::SmallVec<[(Term, Term); 8]> = new.into();
                by_key.sort_by(|a, b| compare(a.0, b.0, true));
                for (k, v) in by_key {
                    match ordered.last_mut() {
                        // The first of equal keys stays, with the last value.
                        Some(last) if compare(last.0, k, true) == Ordering::Equal => last.1 = v,
                        _ => ordered.push((k, v)),
                    }
                }
                &ordered[..]
            };
            let values = flat_values(m);
            let mut out: smallvec::SmallVec<[(Term, Term); 2 * SMALL_MAP_LIMIT]> =
                smallvec::SmallVec::new();
            let (mut i, mut j) = (0, 0);
            while i < keys.len() && j < new.len() {
                match compare(keys[i], new[j].0, true) {
                    Ordering::Less => {
                        out.push((keys[i], values[i]));
                        i += 1;
                    }
                    Ordering::Greater => {
                        out.push(new[j]);
                        j += 1;
                    }
                    // The map keeps its key, the value is the new one.
                    Ordering::Equal => {
                        out.push((keys[i], new[j].1));
                        i += 1;
                        j += 1;
                    }
                }
            }
            out.extend(keys[i..].iter().copied().zip(values[i..].iter().copied()));
            out.extend(new[j..].iter().copied());
            from_sorted_unique(heap, &out)
        }
        _ => {
            let mut cur = m;
            for &(k, v) in new {
                if let Some(t) = hamt_insert(heap, cur, k, v, false) {
                    cur = t;
                }
            }
            cur
        }
    }
}

/// `m#{k := v}`: `None` if `k` is not a key. A flat map keeps its key, a hash map takes the
/// new one (see [`put_many`]).
pub fn update(heap: &mut Heap, m: Term, k: Term, v: Term) -> Option<Term> {
    update_many(heap, m, &[(k, v)]).ok()
}

/// `m#{k1 := v1, ...}` (a later pair wins over an earlier one with the same key): `Err` with
/// the first key `m` lacks. A flat map is copied once, sharing its keys tuple.
pub fn update_many(heap: &mut Heap, m: Term, pairs: &[(Term, Term)]) -> Result<Term, Term> {
    match kind(m) {
        Kind::Flat => flat_set_values(heap, m, pairs),
        _ => {
            let mut cur = m;
            for &(k, v) in pairs {
                cur = hamt_insert(heap, cur, k, v, true).ok_or(k)?;
            }
            Ok(cur)
        }
    }
}

/// Flatmap `m` with new values for keys it has, on its keys tuple (as OTP shares it; `m`
/// itself when no value changes): `Err` with the first key it lacks. The keys are looked up
/// first (nothing is built when one is missing), then the map is copied once, straight onto
/// the heap.
fn flat_set_values(heap: &mut Heap, m: Term, pairs: &[(Term, Term)]) -> Result<Term, Term> {
    let (keys, values) = (flat_keys(m), flat_values(m));
    let mut news: smallvec::SmallVec<[(u8, Term); 8]> = smallvec::SmallVec::new();
    let mut changes = false;
    for &(k, v) in pairs {
        let i = find_key(keys, k).ok_or(k)?;
        // A flatmap has at most 32 keys.
        news.push((i as u8, v));
        changes |= values[i] != v;
    }
    if !changes {
        return Ok(m);
    }
    Ok(flat_set_values_at(heap, m, &news))
}

/// Flatmap `m` (on its keys tuple) with the values at the given positions replaced, in
/// order: one copy, straight onto the heap.
fn flat_set_values_at(heap: &mut Heap, m: Term, news: &[(u8, Term)]) -> Term {
    let values = flat_values(m);
    let n = values.len();
    let p = heap.alloc(3 + n);
    // SAFETY: `alloc` returned 3 + n writable words; each position is below n (the caller
    // found it among the map's keys).
    unsafe {
        *p = Term(make_header(subtag::MAP, 2 + n));
        *p.add(1) = Term(n as u64);
        *p.add(2) = Term(m.boxed_word(2));
        std::ptr::copy_nonoverlapping(values.as_ptr(), p.add(3), n);
        for &(i, v) in news {
            debug_assert!((i as usize) < n);
            *p.add(3 + i as usize) = v;
        }
    }
    Term::make_boxed(p)
}

/// A flatmap with the sorted, distinct `keys` and `[]` for each value: the template a
/// map expression of literal keys fills in (the loader makes `#{k1 => V1, ...}` an update
/// of such a literal, whose keys tuple every map it makes then shares, as OTP's loader
/// makes it a map of a literal keys tuple).
pub fn flat_template(heap: &mut Heap, keys: &[Term]) -> Term {
    debug_assert!(keys.len() <= SMALL_MAP_LIMIT);
    build_flat(heap, keys, &vec![Term::NIL; keys.len()])
}

/// The map without `k` (the same map if absent).
pub fn remove(heap: &mut Heap, m: Term, k: Term) -> Term {
    take(heap, m, k).map(|(_, m2)| m2).unwrap_or(m)
}

/// `maps:take/2`: the value of `k` and the map without it; `None` if absent.
pub fn take(heap: &mut Heap, m: Term, k: Term) -> Option<(Term, Term)> {
    match kind(m) {
        Kind::Flat => {
            let keys = flat_keys(m);
            let i = find_key(keys, k)?;
            let mut ks = keys.to_vec();
            let mut vs = flat_values(m).to_vec();
            let v = vs[i];
            ks.remove(i);
            vs.remove(i);
            Some((v, build_flat(heap, &ks, &vs)))
        }
        _ => hamt_remove(heap, m, k).map(|(m2, v)| (v, m2)),
    }
}

/// `maps:merge(a, b)`: the keys of both, values of `b` winning.
pub fn merge(heap: &mut Heap, a: Term, b: Term) -> Term {
    let (na, nb) = (size(a), size(b));
    if nb == 0 {
        return a;
    }
    if na == 0 {
        return b;
    }
    if kind(a) == Kind::Flat && kind(b) == Kind::Flat {
        let (pa, pb) = (sorted_pairs(a), sorted_pairs(b));
        let mut out = Vec::with_capacity(na + nb);
        let (mut i, mut j) = (0, 0);
        while i < pa.len() && j < pb.len() {
            match compare(pa[i].0, pb[j].0, true) {
                Ordering::Less => {
                    out.push(pa[i]);
                    i += 1;
                }
                Ordering::Greater => {
                    out.push(pb[j]);
                    j += 1;
                }
                Ordering::Equal => {
                    out.push(pb[j]);
                    i += 1;
                    j += 1;
                }
            }
        }
        out.extend_from_slice(&pa[i..]);
        out.extend_from_slice(&pb[j..]);
        return from_sorted_unique(heap, &out);
    }
    if nb <= na {
        // Insert b's pairs into a (b wins).
        put_many(heap, a, &iter_pairs(b))
    } else {
        // Insert a's pairs into b where b has no such key.
        let extra: Vec<(Term, Term)> = iter_pairs(a)
            .into_iter()
            .filter(|&(k, _)| get(b, k).is_none())
            .collect();
        put_many(heap, b, &extra)
    }
}

/// Pairs in exact key order.
pub fn sorted_pairs(m: Term) -> Vec<(Term, Term)> {
    match kind(m) {
        Kind::Flat => flat_keys(m)
            .iter()
            .copied()
            .zip(flat_values(m).iter().copied())
            .collect(),
        _ => {
            let mut v = iterator_pairs(m);
            v.sort_by(|a, b| compare(a.0, b.0, true));
            v
        }
    }
}

/// Pairs in the order of `maps:to_list/1`, `maps:keys/1`, `maps:values/1` and
/// `term_to_binary` (see the module documentation).
pub fn iter_pairs(m: Term) -> Vec<(Term, Term)> {
    match kind(m) {
        Kind::Flat => sorted_pairs(m),
        _ => {
            let mut v = iterator_pairs(m);
            v.reverse();
            v
        }
    }
}

/// Pairs in the order of `maps:iterator/1` + `maps:next/1` (and so of printing by `io_lib`).
pub fn iterator_pairs(m: Term) -> Vec<(Term, Term)> {
    match kind(m) {
        Kind::Flat => sorted_pairs(m),
        _ => {
            let mut v = Vec::with_capacity(size(m));
            for_each_leaf(m, |l| v.push((l.head(), l.tail())));
            v
        }
    }
}

/// A `map_next` path that does not lead to an element of the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadPath;

/// One step of `erts_internal:map_next/3` on a HAMT.
#[derive(Debug, Default)]
pub struct NextBatch {
    /// Up to the requested number of pairs, in iterator order.
    pub pairs: Vec<(Term, Term)>,
    /// Where the next batch starts: one child index per level, the head's first; `None` when
    /// the map is exhausted. The path integer is `sum(path[i] << 4 * i)`.
    pub next_path: Option<Vec<u8>>,
}

/// Returns up to `max` (at least 1) pairs of a HAMT in iterator order starting at `path`, as
/// OTP's `erts_internal:map_next/3` does: `path(i)` is the child index at level `i` (0 past the
/// given path); below the path's end the walk takes child 0 until it reaches a leaf.
/// `Err(BadPath)` when the path names a child that does not exist (OTP raises `badarg`).
/// For a flatmap, all pairs are returned (the path is not used).
pub fn next_batch(m: Term, path: impl Fn(usize) -> u8, max: usize) -> Result<NextBatch, BadPath> {
    let mut out = NextBatch::default();
    if kind(m) == Kind::Flat {
        out.pairs = sorted_pairs(m);
        return Ok(out);
    }
    let mut elems = max.max(1);
    // Stack frames: (children, index of the next child to look at).
    let mut stack: Vec<(&[Term], usize)> = Vec::new();
    let mut node = m;
    let mut level = 0usize;
    loop {
        let kids = children(node);
        let e = path(level) as usize;
        if e >= kids.len() {
            return Err(BadPath);
        }
        stack.push((kids, e + 1));
        let c = kids[e];
        if c.is_list() {
            out.pairs.push((c.head(), c.tail()));
            elems -= 1;
            break;
        }
        node = c;
        level += 1;
        if level > MAX_LEVEL as usize {
            return Err(BadPath);
        }
    }
    // Each frame records the index of the next child to look at.
    while let Some((kids, mut idx)) = stack.pop() {
        while idx < kids.len() && elems != 0 && kids[idx].is_list() {
            let l = kids[idx];
            out.pairs.push((l.head(), l.tail()));
            elems -= 1;
            idx += 1;
        }
        if elems == 0 {
            if idx < kids.len() {
                stack.push((kids, idx + 1));
            } else {
                while let Some((k2, i2)) = stack.pop() {
                    if i2 < k2.len() {
                        stack.push((k2, i2 + 1));
                        break;
                    }
                }
            }
            break;
        }
        if idx < kids.len() {
            stack.push((kids, idx + 1));
            stack.push((children(kids[idx]), 0));
        }
        if stack.is_empty() {
            break;
        }
    }
    if !stack.is_empty() {
        // Every frame records "next index + 1"; the path holds the index itself.
        out.next_path = Some(stack.iter().map(|&(_, i)| (i - 1) as u8).collect());
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
