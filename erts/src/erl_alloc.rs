//! The runtime's memory allocator (the part OTP's `erl_alloc` plays): the C allocator, with
//! per-thread caches of freed small blocks in front of it that threads hand to each other in
//! batches. The `beam` binary and the C library install it as Rust's global allocator
//! ([`ErlAlloc`]).
//!
//! Why: glibc's `malloc` gives each thread an arena of its own, but a block goes back to the
//! arena it came from, under that arena's lock. Processes are spawned on one scheduler and
//! often end on another, and messages are built on one and freed on another, so two
//! schedulers that spawn and reap (or send and receive) at a high rate take each other's arena
//! locks thousands of times a second and sleep on them in the kernel: spawning and ending
//! 1M processes spent a third of its time in `malloc`, `free` and `futex`. OTP avoids the same
//! cost with per-scheduler allocator instances and delayed deallocation.
//!
//! How:
//! - A *small* block (alignment at most 16 bytes, size at most [`MAX_SMALL`]) belongs to a
//!   size class: the usable sizes of glibc's chunks, `16·k − 8` bytes. A block of a class is
//!   allocated with exactly that size, so it takes the memory `malloc` would have taken for
//!   the request (no rounding of our own on top of glibc's).
//! - A freed small block goes onto its thread's free list for the class (a linked list
//!   through the blocks' first words); an allocation takes from that list first. A thread
//!   keeps two lists of at most one *batch* each per class (about 16 KB of blocks, at least 8
//!   and at most 64 blocks).
//! - A thread that frees more than it allocates (one that ends processes) passes full batches
//!   to the class's *depot*, shared by all threads; a thread that allocates more than it frees
//!   (one that spawns) takes whole batches from there. So blocks travel between threads one
//!   batch per lock, and a spin lock held for a few instructions guards each depot. The depots
//!   hold at most [`DEPOT_BYTES`] in all; beyond that batches go back to `free`.
//! - A thread's lists go to the depots (or back to `free`) when the thread ends.
//! - `fork` takes every depot lock first (`pthread_atfork`), as glibc does with its arenas,
//!   so a forked child allocates safely.
//! - Larger blocks and stricter alignments go straight to [`std::alloc::System`].

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::{Cell, UnsafeCell};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

/// The largest small block (bytes): glibc's chunks of 4 KB.
pub const MAX_SMALL: usize = 4096 - 8;

/// Bytes the depots may hold in all.
pub const DEPOT_BYTES: usize = 8 << 20;

/// Size classes: class `k` holds blocks of `16·k − 8` bytes (glibc's chunk of `16·k`);
/// classes 0 and 1 are unused (glibc's smallest chunk is 32 bytes).
const CLASSES: usize = (MAX_SMALL + 8) / 16 + 1;

/// The class of a small request of `size` bytes.
#[inline]
fn class_of(size: usize) -> usize {
    (size + 8).div_ceil(16).max(2)
}

/// The bytes a block of class `k` has.
#[inline]
fn class_size(k: usize) -> usize {
    16 * k - 8
}

/// How many blocks of class `k` one batch holds.
#[inline]
fn batch_of(k: usize) -> u32 {
    ((16 * 1024) / (16 * k)).clamp(8, 64) as u32
}

/// Whether a layout is served from the size classes.
#[inline]
fn is_small(layout: &Layout) -> bool {
    layout.align() <= 16 && layout.size() <= MAX_SMALL
}

/// A free list: blocks linked through their first word.
#[derive(Clone, Copy)]
struct List {
    head: *mut u8,
    len: u32,
}

impl List {
    const EMPTY: List = List {
        head: ptr::null_mut(),
        len: 0,
    };

    /// # Safety
    /// `b` is a free block of at least two words that nothing else uses.
    #[inline]
    unsafe fn push(&mut self, b: *mut u8) {
        // SAFETY: the caller's promise: the block is ours and has room for a pointer.
        unsafe { (b as *mut *mut u8).write(self.head) };
        self.head = b;
        self.len += 1;
    }

    /// # Safety
    /// The list is not empty.
    #[inline]
    unsafe fn pop(&mut self) -> *mut u8 {
        let b = self.head;
        // SAFETY: the caller's promise: `head` is a free block whose first word links on.
        self.head = unsafe { (b as *mut *mut u8).read() };
        self.len -= 1;
        b
    }

    /// Gives every block of the list back to `free`.
    ///
    /// # Safety
    /// The blocks came from `malloc` and nothing else uses them.
    unsafe fn free_all(mut self) {
        while self.len > 0 {
            // SAFETY: the caller's promise.
            unsafe { libc::free(self.pop() as *mut libc::c_void) };
        }
    }
}

/// One thread's two lists for one class: `cur` is allocated from and freed to; `spare` is a
/// full batch (or empty) kept back before anything goes to the depot.
#[derive(Clone, Copy)]
struct ClassCache {
    cur: List,
    spare: List,
}

/// One thread's caches, all classes.
struct ThreadCache {
    classes: UnsafeCell<[ClassCache; CLASSES]>,
}

impl Drop for ThreadCache {
    fn drop(&mut self) {
        BUSY.with(|b| b.set(true));
        for (k, c) in self.classes.get_mut().iter_mut().enumerate() {
            let batch = batch_of(k.max(2));
            for l in [&mut c.cur, &mut c.spare] {
                let list = std::mem::replace(l, List::EMPTY);
                if list.len == batch {
                    depot_put(k, list);
                } else {
                    // SAFETY: the blocks of a thread's lists came from `malloc` and are free.
                    unsafe { list.free_all() };
                }
            }
        }
    }
}

thread_local! {
    static CACHE: ThreadCache = const {
        ThreadCache {
            classes: UnsafeCell::new(
                [ClassCache { cur: List::EMPTY, spare: List::EMPTY }; CLASSES],
            ),
        }
    };
    /// Set while this thread works on its cache (or has dropped it): an allocation made
    /// meanwhile (by the thread-local machinery itself) goes straight to `malloc`.
    static BUSY: Cell<bool> = const { Cell::new(false) };
}

/// A class's shared batches: linked through the second word of each batch's first block.
struct Depot {
    lock: AtomicBool,
    batches: UnsafeCell<*mut u8>,
}

// SAFETY: `batches` is only touched with `lock` held.
unsafe impl Sync for Depot {}

#[allow(clippy::declare_interior_mutable_const)]
const DEPOT: Depot = Depot {
    lock: AtomicBool::new(false),
    batches: UnsafeCell::new(ptr::null_mut()),
};

static DEPOTS: [Depot; CLASSES] = [DEPOT; CLASSES];

/// Bytes the depots hold now.
static DEPOT_HELD: AtomicUsize = AtomicUsize::new(0);

impl Depot {
    fn lock(&self) {
        let mut spins = 0u32;
        while self
            .lock
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            spins += 1;
            if spins < 64 {
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
        }
    }

    fn unlock(&self) {
        self.lock.store(false, Ordering::Release);
    }

    fn with<R>(&self, f: impl FnOnce(&mut *mut u8) -> R) -> R {
        self.lock();
        // SAFETY: the lock is held.
        let r = f(unsafe { &mut *self.batches.get() });
        self.unlock();
        r
    }
}

/// Makes `fork` safe for the depots: every depot lock is taken just before a fork and let go
/// after it in both processes, so a child (the port-program helper forked by a process that
/// already runs threads) never finds one held by a thread it does not have. Registered before
/// the first batch goes to a depot (no depot lock is taken before that).
///
/// The registration's state is one word, [`FORK_HANDLERS`]: the registering process's id and
/// whether it is done. No thread blocks on a lock for it (a `std::sync::Once` would: a child
/// forked while another thread of its parent ran the registration waits for that thread,
/// which it does not have, for ever). glibc runs `fork` and `pthread_atfork` one at a time, so
/// a child forked during the registration either got the handlers (and its child handler
/// marks the registration done) or did not, and no depot lock was held then (nobody takes one
/// before the registration is done): it registers them itself.
fn ensure_fork_handlers() {
    if FORK_HANDLERS.load(Ordering::Acquire) & FORK_HANDLERS_DONE != 0 {
        return;
    }
    register_fork_handlers();
}

/// [`ensure_fork_handlers`]'s state: 0 before any registration; else the id of the process
/// that registers (shifted left by one) and [`FORK_HANDLERS_DONE`] once it has.
static FORK_HANDLERS: AtomicU64 = AtomicU64::new(0);
const FORK_HANDLERS_DONE: u64 = 1;

#[cold]
fn register_fork_handlers() {
    extern "C" fn prepare() {
        DEPOTS.iter().for_each(Depot::lock);
    }
    extern "C" fn parent() {
        DEPOTS.iter().for_each(Depot::unlock);
    }
    extern "C" fn child() {
        DEPOTS.iter().for_each(Depot::unlock);
        FORK_HANDLERS.fetch_or(FORK_HANDLERS_DONE, Ordering::Release);
    }
    // SAFETY: `getpid` has no preconditions.
    let me = (unsafe { libc::getpid() } as u64) << 1;
    loop {
        let state = FORK_HANDLERS.load(Ordering::Acquire);
        if state & FORK_HANDLERS_DONE != 0 {
            return;
        }
        // Nobody registers yet, or the registering thread was in the parent this process
        // was forked from (and its handlers did not reach this process).
        if state != me
            && FORK_HANDLERS
                .compare_exchange(state, me, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
        {
            // SAFETY: registers plain functions that only take and let go of the depot
            // locks and set the state word.
            unsafe { libc::pthread_atfork(Some(prepare), Some(parent), Some(child)) };
            FORK_HANDLERS.store(me | FORK_HANDLERS_DONE, Ordering::Release);
            return;
        }
        // Another thread of this process registers them now.
        std::thread::yield_now();
    }
}

/// Passes a full batch of class `k` to its depot, or back to `free` when the depots are full.
fn depot_put(k: usize, list: List) {
    ensure_fork_handlers();
    let bytes = list.len as usize * class_size(k);
    if DEPOT_HELD.fetch_add(bytes, Ordering::Relaxed) + bytes > DEPOT_BYTES {
        DEPOT_HELD.fetch_sub(bytes, Ordering::Relaxed);
        // SAFETY: the blocks of a thread's lists came from `malloc` and are free.
        unsafe { list.free_all() };
        return;
    }
    DEPOTS[k].with(|top| {
        // SAFETY: a batch's first block is free and has at least three words (class 2 and
        // up): the second links the batches.
        unsafe { (list.head as *mut *mut u8).add(1).write(*top) };
        *top = list.head;
    });
}

/// Takes a full batch of class `k` from its depot.
fn depot_take(k: usize) -> Option<List> {
    // Unlocked peek: most allocations that miss the thread's lists find the depot empty
    // when nobody frees on other threads.
    // SAFETY: a racy read of a pointer-sized word, only compared with null; the locked
    // read below decides.
    if unsafe { ptr::read_volatile(DEPOTS[k].batches.get()) }.is_null() {
        return None;
    }
    let head = DEPOTS[k].with(|top| {
        let head = *top;
        if !head.is_null() {
            // SAFETY: as in `depot_put`.
            *top = unsafe { (head as *mut *mut u8).add(1).read() };
        }
        head
    });
    if head.is_null() {
        return None;
    }
    let len = batch_of(k);
    DEPOT_HELD.fetch_sub(len as usize * class_size(k), Ordering::Relaxed);
    Some(List { head, len })
}

/// Runs `f` on this thread's cache for class `k`; `None` when the cache is unavailable (the
/// thread is ending, or this is a nested call from inside the cache's own work).
#[inline]
fn with_cache<R>(k: usize, f: impl FnOnce(&mut ClassCache) -> R) -> Option<R> {
    let busy = BUSY.try_with(|b| b.replace(true)).unwrap_or(true);
    if busy {
        return None;
    }
    let r = CACHE
        .try_with(|c| {
            // SAFETY: only this thread touches its cache, and `BUSY` keeps nested calls out.
            let classes = unsafe { &mut *c.classes.get() };
            f(&mut classes[k])
        })
        .ok();
    let _ = BUSY.try_with(|b| b.set(false));
    r
}

/// A block of class `k`.
#[inline]
fn alloc_small(k: usize) -> *mut u8 {
    let cached = with_cache(k, |c| {
        if c.cur.len == 0 {
            if c.spare.len > 0 {
                std::mem::swap(&mut c.cur, &mut c.spare);
            } else if let Some(batch) = depot_take(k) {
                c.cur = batch;
            } else {
                return ptr::null_mut();
            }
        }
        // SAFETY: `cur` is not empty.
        unsafe { c.cur.pop() }
    });
    match cached {
        Some(b) if !b.is_null() => b,
        // SAFETY: plain `malloc` of the class's size.
        _ => unsafe { libc::malloc(class_size(k)) as *mut u8 },
    }
}

/// Frees a block of class `k`.
///
/// # Safety
/// `b` came from [`alloc_small`] for class `k` (so from `malloc`) and is no longer used.
#[inline]
unsafe fn free_small(b: *mut u8, k: usize) {
    let kept = with_cache(k, |c| {
        let batch = batch_of(k);
        if c.cur.len == batch {
            let full = std::mem::replace(&mut c.cur, List::EMPTY);
            let old_spare = std::mem::replace(&mut c.spare, full);
            if old_spare.len > 0 {
                depot_put(k, old_spare);
            }
        }
        // SAFETY: the caller's promise: the block is free, and class 2 and up has room.
        unsafe { c.cur.push(b) };
    });
    if kept.is_none() {
        // SAFETY: the caller's promise: the block came from `malloc`.
        unsafe { libc::free(b as *mut libc::c_void) };
    }
}

/// The runtime's global allocator (see the module's documentation).
pub struct ErlAlloc;

// SAFETY: every block handed out is either a `malloc` block of at least the layout's size
// with 16-byte alignment (small layouts, whose alignment is at most 16) or comes from
// `System` with the layout; each is given back the same way (the layout tells which), and a
// cached block is handed out again only after it was freed.
unsafe impl GlobalAlloc for ErlAlloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if is_small(&layout) {
            alloc_small(class_of(layout.size()))
        } else {
            // SAFETY: the caller's promise on `layout`.
            unsafe { System.alloc(layout) }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        if is_small(&layout) {
            // SAFETY: the caller's promise: `p` came from `alloc` with this layout.
            unsafe { free_small(p, class_of(layout.size())) }
        } else {
            // SAFETY: as above.
            unsafe { System.dealloc(p, layout) }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if is_small(&layout) {
            let p = alloc_small(class_of(layout.size()));
            if !p.is_null() {
                // SAFETY: the block has at least `layout.size()` bytes.
                unsafe { ptr::write_bytes(p, 0, layout.size()) };
            }
            p
        } else {
            // SAFETY: the caller's promise on `layout`.
            unsafe { System.alloc_zeroed(layout) }
        }
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's promise: the new size with the old alignment is a valid layout.
        let new = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        match (is_small(&layout), is_small(&new)) {
            (true, true) if class_of(layout.size()) == class_of(new_size) => p,
            (false, false) => {
                // SAFETY: the caller's promise; both layouts are `System`'s.
                unsafe { System.realloc(p, layout, new_size) }
            }
            _ => {
                // SAFETY: the caller's promises: `p` holds `layout.size()` bytes and is
                // freed with its own layout once copied.
                unsafe {
                    let q = self.alloc(new);
                    if !q.is_null() {
                        ptr::copy_nonoverlapping(p, q, layout.size().min(new_size));
                        self.dealloc(p, layout);
                    }
                    q
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(size: usize, align: usize) -> Layout {
        Layout::from_size_align(size, align).unwrap()
    }

    #[test]
    fn classes_are_glibc_chunk_sizes() {
        assert_eq!(class_size(class_of(1)), 24);
        assert_eq!(class_size(class_of(24)), 24);
        assert_eq!(class_size(class_of(25)), 40);
        // A default process heap (233 words) takes glibc's 1872-byte chunk.
        assert_eq!(class_size(class_of(233 * 8)) + 8, 1872);
        assert_eq!(class_of(MAX_SMALL), CLASSES - 1);
        for size in 1..=MAX_SMALL {
            let k = class_of(size);
            assert!(class_size(k) >= size, "{size}");
            assert!(k == 2 || class_size(k) < size + 16, "{size}");
        }
    }

    #[test]
    fn blocks_are_reused_on_the_same_thread() {
        let a = ErlAlloc;
        let l = layout(100, 8);
        // SAFETY: a valid layout; each block is freed once with its layout.
        unsafe {
            let p = a.alloc(l);
            a.dealloc(p, l);
            let q = a.alloc(l);
            assert_eq!(p, q, "the freed block comes back first");
            a.dealloc(q, l);
        }
    }

    #[test]
    fn blocks_freed_on_one_thread_serve_another() {
        let a = ErlAlloc;
        // A class no other test uses, so the depot is this test's alone.
        let l = layout(3000, 16);
        let k = class_of(3000);
        let n = batch_of(k) as usize * 4;
        // SAFETY: valid layouts; every block is written within its size and freed once.
        let blocks: Vec<usize> = (0..n)
            .map(|i| unsafe {
                let p = a.alloc(l);
                assert_eq!(p as usize % 16, 0);
                ptr::write_bytes(p, i as u8, 3000);
                p as usize
            })
            .collect();
        let freed = blocks.clone();
        std::thread::spawn(move || {
            for p in freed {
                // SAFETY: allocated above with `l`, freed once.
                unsafe { ErlAlloc.dealloc(p as *mut u8, l) };
            }
        })
        .join()
        .unwrap();
        // The freeing thread kept two batches at most and passed the rest on (or, at its
        // end, passed its full lists too): this thread gets those blocks back.
        let mut reused = 0;
        // SAFETY: as above.
        let again: Vec<*mut u8> = (0..n).map(|_| unsafe { a.alloc(l) }).collect();
        for p in &again {
            if blocks.contains(&(*p as usize)) {
                reused += 1;
            }
        }
        assert!(reused >= n / 2, "{reused} of {n} blocks reused");
        for p in again {
            // SAFETY: as above.
            unsafe { a.dealloc(p, l) };
        }
    }

    #[test]
    fn realloc_keeps_contents_across_classes_and_sizes() {
        let a = ErlAlloc;
        // SAFETY: valid layouts; each pointer is used within its current size and freed
        // once with its current layout.
        unsafe {
            let mut l = layout(10, 8);
            let mut p = a.alloc(l);
            for i in 0..10 {
                *p.add(i) = i as u8;
            }
            for size in [12, 40, 1000, 5000, 100_000, 3000, 20, 9] {
                p = a.realloc(p, l, size);
                assert!(!p.is_null());
                let keep = l.size().min(size).min(10);
                for i in 0..keep {
                    assert_eq!(*p.add(i), i as u8, "byte {i} after realloc to {size}");
                }
                for i in keep..size.min(10) {
                    *p.add(i) = i as u8;
                }
                l = layout(size, 8);
            }
            a.dealloc(p, l);
        }
    }

    #[test]
    fn a_forked_child_uses_the_depots_while_threads_use_them() {
        // A class no other test uses.
        let l = layout(2500, 16);
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let churn = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    // SAFETY: each block is allocated and freed once with `l`.
                    let v: Vec<usize> = (0..64)
                        .map(|_| unsafe { ErlAlloc.alloc(l) } as usize)
                        .collect();
                    for p in v {
                        // SAFETY: as above.
                        unsafe { ErlAlloc.dealloc(p as *mut u8, l) };
                    }
                }
            })
        };
        let churn_other = std::thread::spawn({
            let stop = stop.clone();
            move || {
                while !stop.load(Ordering::Relaxed) {
                    // SAFETY: as above; frees on another thread than the one allocating.
                    let v: Vec<usize> = (0..64)
                        .map(|_| unsafe { ErlAlloc.alloc(l) } as usize)
                        .collect();
                    std::thread::spawn(move || {
                        for p in v {
                            // SAFETY: as above.
                            unsafe { ErlAlloc.dealloc(p as *mut u8, l) };
                        }
                    })
                    .join()
                    .unwrap();
                }
            }
        });
        for _ in 0..200 {
            // SAFETY: the child only allocates and frees through the depots, then `_exit`s;
            // an alarm ends it should it hang on a lock.
            let pid = unsafe { libc::fork() };
            assert!(pid >= 0);
            if pid == 0 {
                // SAFETY: the forked child allocates and frees each block once with `l`,
                // then ends without running anything of the parent's.
                unsafe {
                    libc::alarm(5);
                    let v: Vec<*mut u8> = (0..256).map(|_| ErlAlloc.alloc(l)).collect();
                    for p in v {
                        ErlAlloc.dealloc(p, l);
                    }
                    for _ in 0..256 {
                        let p = ErlAlloc.alloc(l);
                        ErlAlloc.dealloc(p, l);
                    }
                    libc::_exit(0);
                }
            }
            let mut status = 0;
            // SAFETY: waits for the child just forked.
            unsafe { libc::waitpid(pid, &mut status, 0) };
            assert!(
                libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
                "child status {status}"
            );
        }
        stop.store(true, Ordering::Relaxed);
        churn.join().unwrap();
        churn_other.join().unwrap();
    }

    #[test]
    fn zeroed_and_aligned_blocks() {
        let a = ErlAlloc;
        // SAFETY: valid layouts; each block freed once with its layout.
        unsafe {
            let l = layout(500, 8);
            let p = a.alloc(l);
            ptr::write_bytes(p, 0xff, 500);
            a.dealloc(p, l);
            let z = a.alloc_zeroed(l);
            assert!((0..500).all(|i| *z.add(i) == 0));
            a.dealloc(z, l);
            let big = layout(64, 4096);
            let q = a.alloc(big);
            assert_eq!(q as usize % 4096, 0);
            a.dealloc(q, big);
        }
    }
}
