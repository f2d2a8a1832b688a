//! A process heap: the young-generation block that terms are bump-allocated into, the heap
//! fragments used when the block is full between garbage collections, the old generation
//! (terms that survived two collections), and the off-heap lists (OTP's MSO lists) of
//! refcounted binaries that the young and old terms point to.
//!
//! Allocation never moves terms: when the block has no room, a fragment is allocated and the
//! next garbage collection (`process/gc.rs`) copies the live data of block and fragments into
//! a new block, promoting what had already survived one collection (below the high-water
//! mark) to the old generation. So BIFs may allocate freely; only instructions at GC safe
//! points collect. A module's literal area is also a `Heap` that is never collected.

use crate::term::Term;
use std::sync::Arc;

/// Off-heap binary data shared by reference count between heaps (`Binary` in OTP).
pub type BinaryData = Arc<BinBuf>;

/// The bytes of a refcounted binary, and what they keep alive: a binary made from a native
/// object's memory (`enif_make_resource_binary`) holds a count of the object until the last
/// term referring to the binary is gone, as OTP's magic binaries do.
///
/// The first word is the address of the bytes (`bytes.as_ptr()`, kept up to date when they
/// grow): machine code reads a refc binary's bytes through it without a call
/// ([`BinBuf::DATA_OFFSET`]).
#[repr(C)]
pub struct BinBuf {
    data: usize,
    bytes: Vec<u8>,
    keep: Option<Box<dyn std::any::Any + Send + Sync>>,
}

impl BinBuf {
    /// Where in a `BinBuf` the address of its bytes is.
    pub const DATA_OFFSET: usize = std::mem::offset_of!(BinBuf, data);

    /// Bytes that keep `keep` alive (dropped with the last count of the binary).
    pub fn keeping(bytes: Vec<u8>, keep: Box<dyn std::any::Any + Send + Sync>) -> BinBuf {
        BinBuf {
            data: bytes.as_ptr() as usize,
            bytes,
            keep: Some(keep),
        }
    }

    /// Appends `extra` (an in-place append to a binary no one else sees).
    pub fn extend_from_slice(&mut self, extra: &[u8]) {
        self.bytes.extend_from_slice(extra);
        self.data = self.bytes.as_ptr() as usize;
    }

    /// Whether the bytes keep a native object alive (such a binary is never written in place).
    pub fn keeps(&self) -> bool {
        self.keep.is_some()
    }
}

impl From<Vec<u8>> for BinBuf {
    fn from(bytes: Vec<u8>) -> BinBuf {
        BinBuf {
            data: bytes.as_ptr() as usize,
            bytes,
            keep: None,
        }
    }
}

impl std::ops::Deref for BinBuf {
    type Target = Vec<u8>;
    fn deref(&self) -> &Vec<u8> {
        &self.bytes
    }
}

/// One count held by a heap on an off-heap object (an entry of OTP's MSO list): the data of
/// a refc binary (an `Arc<BinBuf>` strong count) or a magic object (`crate::magic`, tagged
/// by the low bit of the address). Dropping the entry drops the count.
pub struct OffHeap(usize);

impl OffHeap {
    /// An entry owning one strong count of a binary's `Arc`.
    pub(crate) fn binary(p: *const BinBuf) -> OffHeap {
        OffHeap(p as usize)
    }

    /// An entry owning one count of a magic object.
    pub(crate) fn magic(p: *const crate::magic::MagicHeader) -> OffHeap {
        OffHeap(p as usize | 1)
    }

    /// The binary data this entry counts, if it is a binary's.
    pub(crate) fn as_binary(&self) -> Option<*const BinBuf> {
        (self.0 & 1 == 0).then_some(self.0 as *const BinBuf)
    }
}

impl Drop for OffHeap {
    fn drop(&mut self) {
        if self.0 & 1 == 0 {
            // SAFETY: the entry owns one strong count of this `Arc` (see `binary`).
            unsafe { drop(Arc::from_raw(self.0 as *const BinBuf)) };
        } else {
            // SAFETY: the entry owns one count of this live magic object (see `magic`).
            unsafe { crate::magic::release((self.0 & !1) as *const crate::magic::MagicHeader) };
        }
    }
}

/// Default size of a new process heap in words (OTP's `H_MIN_SIZE`).
pub const MIN_HEAP_SIZE: usize = 233;

pub struct Heap {
    /// The main block; its capacity is fixed, so pointers into it stay valid.
    block: Vec<Term>,
    /// Blocks allocated when `block` was full; merged into a new block by the next GC.
    fragments: Vec<Vec<Term>>,
    /// Words allocated in fragments since the last GC.
    fragment_words: usize,
    /// Bytes of the refcounted binaries this heap took counts of since the last GC (made
    /// here or brought by messages): OTP's binary virtual heap.
    new_binary_bytes: usize,
    /// Refcounted binaries referenced from this heap (one strong count each).
    pub(crate) off_heap: Vec<OffHeap>,
    /// The previous block of a large heap, kept empty for the next GC's to-space so that big
    /// heaps do not return their memory to the OS and fault it back in at every collection.
    spare: Vec<Term>,
    /// Words at the start of `block` that survived the last collection (OTP's high-water
    /// mark): the next minor collection promotes the live ones to the old generation.
    pub(crate) hwm: usize,
    /// The old generation, made by the first minor collection that promotes something.
    pub(crate) old: Option<Box<OldGen>>,
    /// Minor collections since the last major one.
    pub(crate) minor_gcs: u32,
}

/// The old generation: a block whose capacity is fixed (terms in it never move until a
/// major collection) and the refcounted binaries its terms point to.
#[derive(Default)]
pub(crate) struct OldGen {
    pub(crate) block: Vec<Term>,
    pub(crate) off_heap: Vec<OffHeap>,
}

/// Smallest heap fragment made when the block is full (words).
const FRAGMENT_MIN_WORDS: usize = 512;

/// Heap-fragment words that make the next allocation collect, at least (see
/// [`Heap::collection_due`]).
pub const FRAGMENT_GC_WORDS: usize = 16 * 1024;

/// Bytes of new refcounted binaries a heap may take counts of before a collection is due
/// (OTP's default binary virtual heap, `min_bin_vheap_size`: 46,422 words).
pub const BINARY_GC_BYTES: usize = 46_422 * 8;

/// Bytes of the refcounted binaries among off-heap entries.
fn binary_bytes(entries: &[OffHeap]) -> usize {
    entries
        .iter()
        .filter_map(OffHeap::as_binary)
        // SAFETY: each entry is a live strong count, so the binary is alive.
        .map(|b| unsafe { (*b).len() })
        .sum()
}

/// Blocks at least this large (in words) are kept as the spare to-space.
const SPARE_MIN_WORDS: usize = 8192;

// SAFETY: a heap is owned by one process at a time; the raw pointers in `off_heap` are strong
// counts of `Arc`s whose data is immutable and `Sync`.
unsafe impl Send for Heap {}

impl Default for Heap {
    fn default() -> Self {
        Heap::with_capacity(MIN_HEAP_SIZE)
    }
}

impl Heap {
    pub fn with_capacity(words: usize) -> Heap {
        Heap {
            block: Vec::with_capacity(words),
            fragments: Vec::new(),
            fragment_words: 0,
            new_binary_bytes: 0,
            off_heap: Vec::new(),
            spare: Vec::new(),
            hwm: 0,
            old: None,
            minor_gcs: 0,
        }
    }

    /// Words the old generation holds and can hold.
    pub fn old_words(&self) -> (usize, usize) {
        self.old
            .as_ref()
            .map_or((0, 0), |o| (o.block.len(), o.block.capacity()))
    }
    /// The refcounted binaries this heap holds counts of (young and old generation): an
    /// identifier (the data's address), the size in bytes and the number of references.
    pub fn binaries(&self) -> Vec<(usize, usize, usize)> {
        let old = self.old.as_ref().map_or(&[][..], |o| &o.off_heap[..]);
        self.off_heap
            .iter()
            .chain(old)
            .filter_map(OffHeap::as_binary)
            .map(|b| {
                // SAFETY: each entry is a live strong count held by this heap, so the Arc is
                // alive; it is rebuilt only to read its counts and then forgotten.
                let arc = unsafe { Arc::from_raw(b) };
                let r = (b as usize, arc.len(), Arc::strong_count(&arc));
                std::mem::forget(arc);
                r
            })
            .collect()
    }

    /// Bytes of the refcounted binaries this heap's terms (young and old) refer to.
    pub fn off_heap_bytes(&self) -> usize {
        let old = self.old.as_ref().map_or(&[][..], |o| &o.off_heap[..]);
        binary_bytes(&self.off_heap) + binary_bytes(old)
    }
    /// Minor collections since the last major one.
    pub fn minor_gcs(&self) -> u32 {
        self.minor_gcs
    }

    /// An empty block with room for at least `words`, reusing the spare block if it fits.
    pub(crate) fn take_block(&mut self, words: usize) -> Vec<Term> {
        if self.spare.capacity() >= words && self.spare.capacity() <= words * 4 {
            std::mem::take(&mut self.spare)
        } else {
            self.spare = Vec::new();
            Vec::with_capacity(words)
        }
    }

    /// Allocates `n` words and returns a pointer to the first. The words are initialised to
    /// `NONE`; the caller fills them before the next GC.
    #[inline]
    pub fn alloc(&mut self, n: usize) -> *mut Term {
        let len = self.block.len();
        if self.block.capacity() - len >= n {
            // SAFETY: capacity is never exceeded, so the block does not reallocate and the
            // new words lie inside its allocation; they are initialised right here.
            unsafe {
                let p = self.block.as_mut_ptr().add(len);
                std::ptr::write_bytes(p, 0, n);
                self.block.set_len(len + n);
                p
            }
        } else {
            self.alloc_fragment(n)
        }
    }

    #[cold]
    fn alloc_fragment(&mut self, n: usize) -> *mut Term {
        // Bump-allocate in the last fragment when it has room (fragments never reallocate:
        // their capacity is fixed when made), else start a new one sized for many such
        // allocations, so a full block does not turn every allocation into a fragment.
        if let Some(last) = self.fragments.last_mut() {
            let len = last.len();
            if last.capacity() - len >= n {
                // SAFETY: within capacity, so no reallocation; the words are initialised here.
                unsafe {
                    let p = last.as_mut_ptr().add(len);
                    std::ptr::write_bytes(p, 0, n);
                    last.set_len(len + n);
                    self.fragment_words += n;
                    return p;
                }
            }
        }
        let cap = n.max(FRAGMENT_MIN_WORDS).max(self.block.capacity() / 4);
        let mut frag: Vec<Term> = Vec::with_capacity(cap);
        frag.resize(n.max(1), Term::NONE);
        let p = frag.as_mut_ptr();
        self.fragments.push(frag);
        self.fragment_words += n;
        p
    }

    /// The main block's free window for machine code (`crate::jit`): its top (where the next
    /// word goes), its end, and whether a collection is due (then `test_heap` collects).
    #[inline]
    pub(crate) fn jit_window(&mut self) -> (*mut Term, *mut Term, bool) {
        let due = self.collection_due();
        let len = self.block.len();
        let cap = self.block.capacity();
        let base = self.block.as_mut_ptr();
        // SAFETY: `len` and `cap` are within the block's allocation.
        unsafe { (base.add(len), base.add(cap), due) }
    }

    /// Takes back the main block's top after machine code allocated on it.
    ///
    /// # Safety
    /// `top` lies in the block between its current top and its capacity (as `jit_window`
    /// gave them), and every word below it has been written.
    #[inline]
    pub(crate) unsafe fn jit_set_top(&mut self, top: *mut Term) {
        let base = self.block.as_mut_ptr();
        // SAFETY: the caller's promise: `top` is inside the block's allocation.
        let len = unsafe { top.offset_from(base) } as usize;
        debug_assert!(len >= self.block.len() && len <= self.block.capacity());
        // SAFETY: as promised, the words up to `len` are initialised and within capacity.
        unsafe { self.block.set_len(len) };
    }

    /// Free words left in the main block.
    #[inline]
    pub fn free_words(&self) -> usize {
        self.block.capacity() - self.block.len()
    }
    /// Words used in the main block.
    pub fn used_words(&self) -> usize {
        self.block.len()
    }
    /// Capacity of the main block in words.
    pub fn capacity(&self) -> usize {
        self.block.capacity()
    }
    pub fn fragment_words(&self) -> usize {
        self.fragment_words
    }
    /// Whether an allocation of `n` words would need a GC: it does not fit in the main
    /// block, or a collection is due anyway (see [`collection_due`](Self::collection_due)).
    #[inline]
    pub fn needs_gc(&self, n: usize) -> bool {
        self.free_words() < n || self.collection_due()
    }

    /// Whether the heap should be collected whether or not its main block has room: heap
    /// fragments (messages taken, terms BIFs and NIFs built past the main block, map updates
    /// outside `test_heap`) have piled up past the main block's size (and
    /// [`FRAGMENT_GC_WORDS`]), or the heap took counts of more than [`BINARY_GC_BYTES`] of
    /// new refcounted binaries (which only a collection lets go of: OTP's binary virtual
    /// heap). A few fragments do not make an allocation collect (as in OTP, where a
    /// message's heap fragment waits for the next collection the heap itself needs): a
    /// process taking a message would otherwise collect once per message, its whole stack
    /// each time.
    #[inline]
    pub fn collection_due(&self) -> bool {
        self.fragment_words > self.block.capacity().max(FRAGMENT_GC_WORDS)
            || self.new_binary_bytes > BINARY_GC_BYTES
    }

    /// Records a strong count of `bin` owned by this heap and returns the raw pointer that a
    /// refc-binary object stores.
    pub fn register_binary(&mut self, bin: BinaryData) -> *const BinBuf {
        self.new_binary_bytes += bin.len();
        let p = Arc::into_raw(bin);
        self.off_heap.push(OffHeap::binary(p));
        p
    }

    /// Records a count of the magic object `p` owned by this heap (see `crate::magic`).
    pub(crate) fn register_magic(&mut self, p: *const crate::magic::MagicHeader) {
        self.off_heap.push(OffHeap::magic(p));
    }

    /// Whether `p` points into this heap's block, fragments or old generation.
    pub fn contains(&self, p: *const Term) -> bool {
        let inside = |v: &Vec<Term>| {
            let start = v.as_ptr() as usize;
            let end = start + v.len() * 8;
            (start..end).contains(&(p as usize))
        };
        inside(&self.block)
            || self.fragments.iter().any(inside)
            || self.old.as_ref().is_some_and(|o| inside(&o.block))
    }

    /// Ranges `[start, end)` of the young generation (block and fragments), for the GC.
    pub(crate) fn ranges(&self) -> Vec<(usize, usize)> {
        let mut r = Vec::with_capacity(1 + self.fragments.len());
        let push = |r: &mut Vec<(usize, usize)>, v: &Vec<Term>| {
            let s = v.as_ptr() as usize;
            r.push((s, s + v.len() * 8));
        };
        push(&mut r, &self.block);
        for f in &self.fragments {
            push(&mut r, f);
        }
        r
    }

    /// Replaces the block by `new_block` (the GC's to-space) and drops fragments and the
    /// young off-heap list (whose entries the GC has already re-counted into `new_off_heap`).
    /// Everything in the new block has survived a collection: the high-water mark is its top.
    pub(crate) fn install(&mut self, new_block: Vec<Term>, new_off_heap: Vec<OffHeap>) {
        self.hwm = new_block.len();
        // Dropping the old entries drops the counts taken by `register_*` (the GC took new
        // ones for the live objects).
        drop(std::mem::replace(&mut self.off_heap, new_off_heap));
        let mut old_block = std::mem::replace(&mut self.block, new_block);
        if old_block.capacity() >= SPARE_MIN_WORDS && self.spare.capacity() == 0 {
            old_block.clear();
            self.spare = old_block;
        }
        self.fragments.clear();
        self.fragment_words = 0;
        self.new_binary_bytes = 0;
    }

    /// Moves the allocation of another heap (a message's heap fragment) into this one so its
    /// terms stay valid; they are merged into the block at the next GC.
    pub fn absorb(&mut self, mut other: Heap) {
        let block = std::mem::take(&mut other.block);
        self.fragment_words += block.len();
        self.fragments.push(block);
        self.fragment_words += other.fragment_words;
        self.fragments.append(&mut other.fragments);
        self.new_binary_bytes += binary_bytes(&other.off_heap);
        self.off_heap.append(&mut other.off_heap);
        if let Some(mut old) = other.old.take() {
            let block = std::mem::take(&mut old.block);
            self.fragment_words += block.len();
            self.fragments.push(block);
            self.new_binary_bytes += binary_bytes(&old.off_heap);
            self.off_heap.append(&mut old.off_heap);
        }
    }
}

/// Terms built outside any process heap (a message or signal in flight): one block and the
/// binary counts its terms hold, adopted by the receiving heap as a fragment.
pub struct Fragment {
    block: Vec<Term>,
    off_heap: Vec<OffHeap>,
}

impl Heap {
    /// The heap as a single-block fragment, or the heap back when it spilled into fragments
    /// or has an old generation.
    pub fn into_fragment(mut self) -> Result<Fragment, Box<Heap>> {
        if !self.fragments.is_empty() || self.old.is_some() {
            return Err(Box::new(self));
        }
        Ok(Fragment {
            block: std::mem::take(&mut self.block),
            off_heap: std::mem::take(&mut self.off_heap),
        })
    }

    /// Adopts a fragment: its terms stay where they are and are merged into the block at the
    /// next GC.
    pub fn absorb_fragment(&mut self, mut f: Fragment) {
        let block = std::mem::take(&mut f.block);
        if block.is_empty() {
            return;
        }
        self.fragment_words += block.len();
        self.fragments.push(block);
        self.new_binary_bytes += binary_bytes(&f.off_heap);
        self.off_heap.append(&mut f.off_heap);
    }
}

impl Heap {
    /// Takes the heap apart into its main block and its off-heap binary counts (whose
    /// ownership passes to the caller), for a term that should live in one allocation (an ETS
    /// object). `None` when the data spilled into fragments.
    pub fn into_parts(mut self) -> Option<(Vec<Term>, Vec<OffHeap>)> {
        if !self.fragments.is_empty() || self.old.is_some() {
            return None;
        }
        let block = std::mem::take(&mut self.block);
        let off_heap = std::mem::take(&mut self.off_heap);
        Some((block, off_heap))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::term::boxed;

    /// A message's heap, as a signal carries it: one tuple in a fragment of its own.
    fn message(words: usize) -> Fragment {
        let mut h = Heap::with_capacity(words);
        let elems = vec![Term::small(1); words - 1];
        boxed::tuple(&mut h, &elems);
        h.into_fragment().ok().unwrap()
    }

    #[test]
    fn taken_messages_make_no_collection_until_they_pile_up() {
        let mut h = Heap::with_capacity(1000);
        h.absorb_fragment(message(8));
        // A message taken does not make the next allocation collect (OTP's heap fragments
        // of messages wait for the collection the heap itself needs)...
        assert!(!h.needs_gc(2));
        // ... but one that does not fit does.
        assert!(h.needs_gc(1001));
        // Fragments past the main block's size (and the floor) do.
        let mut taken = 8;
        while taken <= FRAGMENT_GC_WORDS {
            assert!(!h.needs_gc(2), "collects at {taken} words of fragments");
            h.absorb_fragment(message(64));
            taken += 64;
        }
        assert!(h.collection_due());
        assert!(h.needs_gc(2));
    }

    #[test]
    fn messages_with_large_binaries_pile_up_sooner() {
        let mut h = Heap::with_capacity(1000);
        let mut taken = 0;
        while taken <= BINARY_GC_BYTES {
            assert!(!h.needs_gc(2), "collects at {taken} bytes of binaries");
            let mut m = Heap::with_capacity(16);
            boxed::binary(&mut m, &[7u8; 64 * 1024]);
            h.absorb_fragment(m.into_fragment().ok().unwrap());
            taken += 64 * 1024;
        }
        assert!(h.fragment_words() < FRAGMENT_GC_WORDS);
        assert!(h.needs_gc(2));
    }

    #[test]
    fn a_large_main_block_holds_as_many_fragment_words() {
        let mut h = Heap::with_capacity(4 * FRAGMENT_GC_WORDS);
        let cap = h.capacity();
        let mut taken = 0;
        while taken + 1024 <= cap {
            h.absorb_fragment(message(1024));
            taken += 1024;
            assert!(!h.collection_due(), "piled up at {taken} words");
        }
        h.absorb_fragment(message(1024));
        assert!(h.collection_due());
    }
}
