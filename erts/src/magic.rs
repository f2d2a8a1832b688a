//! Magic objects (OTP's magic binaries behind magic references): reference-counted objects
//! owned by code outside `erts` (NIF resources), that terms refer to as references.
//!
//! This is the one generic hook the heap and the GC have for native objects. An owner embeds
//! a [`MagicHeader`] at the start of its object and gives a `destroy` function; `erts` knows
//! nothing else of it. A term for the object ([`make_ref`]) is a reference object with one
//! more word than a plain reference:
//!
//! | word | contents |
//! |---|---|
//! | 0 | header: `REF`, arity 2 |
//! | 1 | the reference number (unique, from the references' sequence) |
//! | 2 | the `*const MagicHeader` |
//!
//! so it is a reference to every BIF (`is_reference/1`, comparison by number, printing as
//! `#Ref<...>`, hashing, `term_to_binary`). Each such object on a heap holds one count of the
//! magic object, recorded in the heap's off-heap list ([`crate::heap::OffHeap`]) as a refc
//! binary's is: copying the term to another heap (messages, ETS) takes a count, the GC takes
//! a count for each live copy and drops the old list, and dropping a heap drops its counts.
//! When the count reaches zero the object is removed from the table of live objects and its
//! `destroy` runs (in the thread that dropped the last count).
//!
//! The table of live objects (number → object) lets `binary_to_term` turn an encoded magic
//! reference back into the live object while it exists, as OTP does ([`lookup`]).

use crate::heap::Heap;
use crate::term::{make_header, subtag, Term};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// The start of every magic object: its count, its reference number and its destructor.
#[repr(C)]
pub struct MagicHeader {
    refc: AtomicUsize,
    id: u64,
    kind: u64,
    destroy: unsafe fn(*const MagicHeader),
}

impl MagicHeader {
    /// A header with one count (the creator's), a new reference number, the owner's `kind`
    /// (a number the owner picks to recognize its objects) and `destroy`, which is called
    /// with the object's address when the last count is dropped and must free it.
    pub fn new(kind: u64, destroy: unsafe fn(*const MagicHeader)) -> MagicHeader {
        MagicHeader {
            refc: AtomicUsize::new(1),
            id: crate::bif::process::new_ref_id(),
            kind,
            destroy,
        }
    }

    /// The reference number of terms for this object.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The owner's kind given to [`MagicHeader::new`].
    pub fn kind(&self) -> u64 {
        self.kind
    }

    /// The current count (for diagnostics and tests).
    pub fn count(&self) -> usize {
        self.refc.load(Ordering::Acquire)
    }
}

/// A magic object's address, made `Send` for the table.
#[derive(Clone, Copy)]
struct Ptr(*const MagicHeader);
// SAFETY: magic objects are shared between threads by design (their counts are atomic and
// their owners make their contents thread-safe).
unsafe impl Send for Ptr {}

fn table() -> &'static Mutex<HashMap<u64, Ptr>> {
    // Process-wide: object numbers are unique in the OS process, and objects are released from any thread (a NIF's own), which may have no instance.
    static T: OnceLock<Mutex<HashMap<u64, Ptr>>> = OnceLock::new();
    T.get_or_init(Default::default)
}

/// Records a new object in the table of live objects (so `binary_to_term` finds it).
///
/// # Safety
/// `p` must point at a live magic object whose header was made by [`MagicHeader::new`].
pub unsafe fn register(p: *const MagicHeader) {
    // SAFETY: by the caller's contract.
    let id = unsafe { (*p).id };
    table().lock().insert(id, Ptr(p));
}

/// Takes one more count of a live object.
///
/// # Safety
/// `p` must point at a live magic object on which the caller holds a count.
pub unsafe fn keep(p: *const MagicHeader) {
    // SAFETY: by the caller's contract the object is alive.
    unsafe { (*p).refc.fetch_add(1, Ordering::Relaxed) };
}

/// Drops one count; the last one removes the object from the table and destroys it.
///
/// # Safety
/// `p` must point at a live magic object, and the caller must own the count it drops.
pub unsafe fn release(p: *const MagicHeader) {
    // SAFETY: by the caller's contract the object is alive until this count is dropped.
    let h = unsafe { &*p };
    if h.refc.fetch_sub(1, Ordering::AcqRel) != 1 {
        return;
    }
    table().lock().remove(&h.id);
    // SAFETY: the count reached zero: no term, heap or owner refers to the object any more,
    // and `lookup` cannot revive it (it only takes counts of objects with a non-zero count,
    // under the table lock, and the entry is gone).
    unsafe { (h.destroy)(p) };
}

/// The live object with reference number `id`, with a count taken for the caller.
pub fn lookup(id: u64) -> Option<*const MagicHeader> {
    let t = table().lock();
    let p = t.get(&id)?.0;
    // SAFETY: objects in the table are alive (an object leaves the table under this lock
    // before it is destroyed).
    let h = unsafe { &*p };
    let mut n = h.refc.load(Ordering::Acquire);
    loop {
        if n == 0 {
            return None; // being destroyed
        }
        match h
            .refc
            .compare_exchange_weak(n, n + 1, Ordering::AcqRel, Ordering::Acquire)
        {
            Ok(_) => return Some(p),
            Err(m) => n = m,
        }
    }
}

/// Words of a magic reference on a heap.
pub const MAGIC_REF_WORDS: usize = 3;

/// A magic reference term for `p` on `heap`, which takes over one count owned by the caller.
///
/// # Safety
/// `p` must point at a live magic object, and the caller must own the count handed over.
pub unsafe fn make_ref_owned(heap: &mut Heap, p: *const MagicHeader) -> Term {
    // SAFETY: by the caller's contract.
    let id = unsafe { (*p).id };
    let w = heap.alloc(MAGIC_REF_WORDS);
    // SAFETY: `alloc` returned three writable words.
    unsafe {
        *w = Term(make_header(subtag::REF, 2));
        *w.add(1) = Term(id);
        *w.add(2) = Term(p as u64);
    }
    heap.register_magic(p);
    Term::make_boxed(w)
}

/// A magic reference term for `p` on `heap` (takes a new count).
///
/// # Safety
/// `p` must point at a live magic object on which the caller holds a count.
pub unsafe fn make_ref(heap: &mut Heap, p: *const MagicHeader) -> Term {
    // SAFETY: by the caller's contract.
    unsafe {
        keep(p);
        make_ref_owned(heap, p)
    }
}

/// Whether the boxed header `h` is that of a magic reference.
#[inline]
pub fn is_magic_header(h: u64) -> bool {
    h == make_header(subtag::REF, 2)
}

/// The magic object a term refers to, if it is a magic reference.
pub fn magic_of(t: Term) -> Option<*const MagicHeader> {
    if t.is_boxed() && is_magic_header(t.header()) {
        Some(t.boxed_word(2) as *const MagicHeader)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::process::gc::{collect, GcKind, GcSettings};
    use std::sync::atomic::AtomicBool;

    #[repr(C)]
    struct Obj {
        h: MagicHeader,
        flag: &'static AtomicBool,
    }

    unsafe fn destroy(p: *const MagicHeader) {
        // SAFETY: made by `new_obj` with `Box::into_raw`.
        let b = unsafe { Box::from_raw(p as *mut Obj) };
        b.flag.store(true, Ordering::SeqCst);
    }

    fn new_obj(flag: &'static AtomicBool) -> *const MagicHeader {
        let p = Box::into_raw(Box::new(Obj {
            h: MagicHeader::new(7, destroy),
            flag,
        })) as *const MagicHeader;
        // SAFETY: a live object.
        unsafe { register(p) };
        p
    }

    #[test]
    fn terms_copies_and_gc_hold_counts() {
        static DEAD: AtomicBool = AtomicBool::new(false);
        let p = new_obj(&DEAD);
        let mut a = Heap::default();
        let mut b = Heap::default();
        // SAFETY: the creator's count is alive until `release` below.
        let t = unsafe { make_ref(&mut a, p) };
        assert!(t.is_reference());
        assert_eq!(magic_of(t), Some(p));
        let c = crate::term::copy::copy(&mut b, t);
        assert!(crate::term::compare::exact_eq(t, c));
        // SAFETY: our count.
        unsafe { release(p) };
        drop(a);
        assert!(!DEAD.load(Ordering::SeqCst));
        // The copy survives a collection with it as a root, and is found by number.
        let mut roots = [c];
        collect(
            &mut b,
            &mut [&mut roots[..]],
            0,
            &GcSettings::default(),
            GcKind::Major,
        );
        let id = boxed_id(roots[0]);
        let found = lookup(id).expect("alive");
        // SAFETY: the count `lookup` took.
        unsafe { release(found) };
        assert!(!DEAD.load(Ordering::SeqCst));
        // Without roots the collection drops the last count.
        collect(&mut b, &mut [], 0, &GcSettings::default(), GcKind::Major);
        assert!(DEAD.load(Ordering::SeqCst));
        assert!(lookup(id).is_none());
    }

    fn boxed_id(t: Term) -> u64 {
        crate::term::boxed::reference_id(t)
    }
}
