//! I/O vectors and I/O queues (OTP 25's `enif_inspect_iovec`/`enif_free_iovec` in
//! `erl_nif.c` and the `enif_ioq_*` functions over `erl_io_queue.c`).
//!
//! A binary's data here is an `Arc<BinBuf>` (refc binaries) or lives on a heap (heap
//! binaries, at most 64 bytes). In an `ErlNifIOVec` every element points at bytes owned by
//! such an `Arc`, and `ref_bins[i]` is that `Arc`'s raw pointer (`Arc::into_raw`): aligned
//! parts of refc binaries are referenced where they are; heap binaries and unaligned ones
//! are copied, all of one inspection into one shared buffer, as OTP does.
//!
//! - `enif_inspect_iovec(env, max, list, &tail, &iov)` takes up to `max` elements (at least
//!   one) of a list of binaries, one vector element per non-empty binary; `tail` gets the
//!   rest of the list. With an environment the vector and the copy buffer live as long as
//!   the environment's terms (they are kept on its heap) and no counts are taken; without
//!   one the vector is allocated and holds a count of every binary it points into, until
//!   `enif_free_iovec`. A caller's `ErlNifIOVec` (`*iov` not null) is filled in place when
//!   fewer than `ERL_NIF_IOVEC_SIZE` elements are needed.
//! - An `ErlNifIOQueue` is a queue of such elements: each holds a count of its `Arc`
//!   (elements without one, and binaries from `enif_alloc_binary`, are copied or moved into
//!   new ones); `enif_ioq_peek` gives the elements as a contiguous `SysIOVec` array, and
//!   `enif_ioq_peek_head` the first one as a binary term (sharing the data above 64 bytes).
//!   `enif_ioq_enqv` copies the elements of a vector whose `ref_bins` entry is null (one a
//!   NIF built itself); storing an `ErlNifBinary`'s `ref_bin` there (OTP's internals, where
//!   both are a `Binary*`) is not supported. As in OTP, a skip shortens the first element
//!   kept in the caller's vector itself.

use crate::abi::*;
use crate::env::{env_mut, ErlNifEnv};
use erts::heap::BinBuf;
use erts::term::{boxed, subtag, Term};
use std::ffi::{c_char, c_int, c_void};
use std::sync::Arc;

/// `ErlNifIOVec::flags`: the structure is the caller's (OTP's `ERL_NIF_IOVEC_FLAGS_PREALLOC`).
const FLAG_PREALLOC: c_int = 1 << 0;
/// `ErlNifIOVec::flags`: made with an environment, which keeps the binaries (and the
/// structure, unless it is the caller's) alive: `enif_free_iovec` has nothing to do.
const FLAG_ENV: c_int = 1 << 1;

/// A binary's bytes as an `Arc`'s raw pointer (`ref_bins` entries and queue elements).
type RawBin = *const BinBuf;

/// One binary of the list, as inspection found it.
enum Part<'a> {
    /// Aligned bytes of a refc binary: referenced where they are.
    Shared { bin: RawBin, bytes: &'a [u8] },
    /// A heap binary or an unaligned one: copied into the shared buffer.
    Copied(Term),
}

/// What `examine` found in the list: the binaries and the tail.
struct Slice<'a> {
    parts: Vec<Part<'a>>,
    copied: usize,
    size: usize,
    tail: Term,
}

/// Walks up to `max` elements of `list` (at least one, as OTP): each must be a binary; a
/// bitstring with a partial last byte is refused unless it is shorter than a byte (OTP only
/// checks non-empty ones). `None` for anything else or an improper end.
fn examine<'a>(list: Term, max: usize) -> Option<Slice<'a>> {
    let mut s = Slice {
        parts: Vec::new(),
        copied: 0,
        size: 0,
        tail: list,
    };
    let mut count = 0usize;
    while s.tail.is_list() {
        let b = s.tail.head();
        if !b.is_bitstring() {
            return None;
        }
        let bits = boxed::bitstring_bit_size(b);
        let bytes = bits / 8;
        if bytes > 0 {
            if !bits.is_multiple_of(8) {
                return None;
            }
            let (base, off) = boxed::bitstring_base(b);
            if base.boxed_subtag() == subtag::REFC_BINARY && off.is_multiple_of(8) {
                let view = boxed::bitstring_view(b).as_bytes()?;
                s.parts.push(Part::Shared {
                    bin: base.boxed_word(2) as RawBin,
                    bytes: view,
                });
            } else {
                s.copied += bytes;
                s.parts.push(Part::Copied(b));
            }
            s.size += bytes;
        }
        count += 1;
        s.tail = s.tail.tail();
        if count >= max {
            break;
        }
    }
    if !s.tail.is_list() && !s.tail.is_nil() {
        return None;
    }
    Some(s)
}

/// Memory for an `ErlNifIOVec` with `n` elements (the structure, then the `SysIOVec`s, then
/// the `ref_bins`), 16-byte aligned: on `env`'s heap (as a binary nobody refers to, dropped
/// when the environment's terms are) or, without an environment, from `malloc`. Returns
/// the structure (zeroed, `iov` and `ref_bins` set) and its flags.
fn alloc_iovec(env: Option<&mut ErlNifEnv>, n: usize) -> Option<(*mut ErlNifIOVec, c_int)> {
    let head = std::mem::size_of::<ErlNifIOVec>().next_multiple_of(16);
    let total = head
        .checked_add(n.checked_mul(std::mem::size_of::<SysIOVec>())?)?
        .checked_add(n.checked_mul(std::mem::size_of::<*mut c_void>())?)?;
    let (p, flags) = match env {
        Some(e) => {
            let mut v = vec![0u8; total + 16];
            let base = v.as_mut_ptr();
            let p = base.wrapping_add(base.align_offset(16));
            // The vector's buffer does not move when the vector does.
            e.heap().register_binary(Arc::new(v.into()));
            (p, FLAG_ENV)
        }
        None => {
            // SAFETY: plain malloc of a non-zero size.
            let p = unsafe { libc::malloc(total) } as *mut u8;
            if p.is_null() {
                return None;
            }
            (p, 0)
        }
    };
    let v = p as *mut ErlNifIOVec;
    // SAFETY: `total` bytes at `p`, aligned for all three parts.
    unsafe {
        std::ptr::write_bytes(p, 0, head);
        (*v).iov = p.add(head) as *mut SysIOVec;
        (*v).ref_bins = p.add(head + n * std::mem::size_of::<SysIOVec>()) as *mut *mut c_void;
    }
    Some((v, flags))
}

#[no_mangle]
pub unsafe extern "C" fn enif_inspect_iovec(
    env: *mut ErlNifEnv,
    max_elements: usize,
    list: ERL_NIF_TERM,
    tail: *mut ERL_NIF_TERM,
    iovec: *mut *mut ErlNifIOVec,
) -> c_int {
    let Some(s) = examine(Term(list), max_elements) else {
        return 0;
    };
    if iovec.is_null() || tail.is_null() {
        return 0;
    }
    // SAFETY: forwarded contract.
    let mut env = unsafe { env_mut(env) };
    let n = s.parts.len();
    // SAFETY: a valid pointer (API contract); `*iovec` is null or the caller's structure.
    let given = unsafe { *iovec };
    let v = if !given.is_null() && n < ERL_NIF_IOVEC_SIZE {
        // SAFETY: the caller's structure (API contract).
        unsafe {
            (*given).iov = (*given).small_iov.as_mut_ptr();
            (*given).ref_bins = (*given).small_ref_bin.as_mut_ptr();
            // With an environment no counts are taken: `enif_free_iovec` must not drop any.
            (*given).flags = FLAG_PREALLOC | if env.is_some() { FLAG_ENV } else { 0 };
        }
        given
    } else {
        let Some((v, flags)) = alloc_iovec(env.as_deref_mut(), n) else {
            return 0;
        };
        // SAFETY: just allocated.
        unsafe { (*v).flags = flags };
        v
    };
    // One buffer for the copied binaries.
    let copy: Option<Arc<BinBuf>> = (s.copied > 0).then(|| {
        let mut buf = Vec::with_capacity(s.copied);
        for p in &s.parts {
            if let Part::Copied(b) = p {
                buf.extend_from_slice(&boxed::bitstring_view(*b).to_vec());
            }
        }
        Arc::new(BinBuf::from(buf))
    });
    let copy_raw = copy.as_ref().map_or(std::ptr::null(), Arc::as_ptr);
    let mut at = 0usize;
    for (i, p) in s.parts.iter().enumerate() {
        let (bin, base, len) = match p {
            Part::Shared { bin, bytes } => (*bin, bytes.as_ptr(), bytes.len()),
            Part::Copied(b) => {
                let len = boxed::bitstring_bit_size(*b) / 8;
                let c = copy.as_ref().map_or(std::ptr::null(), |c| c.as_ptr());
                // SAFETY: the copied binaries lie one after the other in the buffer.
                let base = unsafe { c.add(at) };
                at += len;
                (copy_raw, base, len)
            }
        };
        // SAFETY: `v` has room for `n` elements (its own arrays or the small ones).
        unsafe {
            *(*v).iov.add(i) = SysIOVec {
                iov_base: base as *mut c_char,
                iov_len: len,
            };
            *(*v).ref_bins.add(i) = bin as *mut c_void;
        }
        if env.is_none() {
            // SAFETY: `bin` is a live `Arc` (the term, or `copy`): the vector takes a count.
            unsafe { Arc::increment_strong_count(bin) };
        }
    }
    // SAFETY: `v` is valid.
    unsafe {
        (*v).iovcnt = n as c_int;
        (*v).size = s.size;
    }
    if let (Some(c), Some(e)) = (copy, env) {
        // The buffer lives as long as the environment's terms.
        e.heap().register_binary(c);
    }
    // SAFETY: valid out pointers (API contract).
    unsafe {
        tail.write(s.tail.0);
        iovec.write(v);
    }
    1
}

#[no_mangle]
pub unsafe extern "C" fn enif_free_iovec(iov: *mut ErlNifIOVec) {
    // SAFETY: null or a vector from `enif_inspect_iovec` (API contract).
    let Some(v) = (unsafe { iov.as_mut() }) else {
        return;
    };
    if v.flags & FLAG_ENV != 0 {
        // Owned by its environment, which took no counts.
        return;
    }
    for i in 0..usize::try_from(v.iovcnt).unwrap_or(0) {
        // SAFETY: `iovcnt` entries of `ref_bins`.
        let b = unsafe { *v.ref_bins.add(i) } as RawBin;
        if !b.is_null() {
            // SAFETY: the count taken by `enif_inspect_iovec` without an environment.
            unsafe { Arc::decrement_strong_count(b) };
        }
    }
    if v.flags & FLAG_PREALLOC == 0 {
        // SAFETY: allocated by `alloc_iovec` with malloc.
        unsafe { libc::free(iov as *mut c_void) };
    }
}

// ---- queues ---------------------------------------------------------------------------------

/// `ErlNifIOQueue`: the elements (each with a count of the binary it points into) and the
/// number of bytes queued.
pub struct ErlNifIOQueue {
    /// The elements from `head` on are queued (a contiguous array for `enif_ioq_peek`).
    iov: Vec<SysIOVec>,
    bins: Vec<RawBin>,
    head: usize,
    size: usize,
}

impl ErlNifIOQueue {
    /// Appends an element that holds one count of `bin`.
    fn push(&mut self, base: *const u8, len: usize, bin: RawBin) {
        if self.head > 0 && self.head * 2 >= self.iov.len() {
            self.iov.drain(..self.head);
            self.bins.drain(..self.head);
            self.head = 0;
        }
        self.iov.push(SysIOVec {
            iov_base: base as *mut c_char,
            iov_len: len,
        });
        self.bins.push(bin);
    }

    /// Appends `len` bytes at `base` owned by `bin` (its `Arc` gets a count), or a copy of
    /// them when `bin` is null.
    ///
    /// # Safety
    /// `base` must point at `len` readable bytes, which `bin` (when not null, a live
    /// `Arc<BinBuf>` made by `Arc::into_raw`) owns.
    unsafe fn push_ref(&mut self, base: *const u8, len: usize, bin: RawBin) {
        if bin.is_null() {
            let copy = if len == 0 {
                Vec::new()
            } else {
                // SAFETY: `len` readable bytes at `base` (caller's contract).
                unsafe { std::slice::from_raw_parts(base, len) }.to_vec()
            };
            let a = Arc::new(BinBuf::from(copy));
            let p = a.as_ptr();
            self.push(p, len, Arc::into_raw(a));
        } else {
            // SAFETY: `bin` is a live `Arc` (caller's contract); the queue takes a count.
            unsafe { Arc::increment_strong_count(bin) };
            self.push(base, len, bin);
        }
    }

    /// Removes the first element, dropping its count.
    fn pop(&mut self) {
        let b = self.bins[self.head];
        self.head += 1;
        // SAFETY: each element holds one count.
        unsafe { Arc::decrement_strong_count(b) };
        if self.head == self.iov.len() {
            self.iov.clear();
            self.bins.clear();
            self.head = 0;
        }
    }
}

impl Drop for ErlNifIOQueue {
    fn drop(&mut self) {
        for &b in &self.bins[self.head..] {
            // SAFETY: each element holds one count.
            unsafe { Arc::decrement_strong_count(b) };
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn enif_ioq_create(opts: ErlNifIOQueueOpts) -> *mut ErlNifIOQueue {
    if opts != ERL_NIF_IOQ_NORMAL {
        return std::ptr::null_mut();
    }
    Box::into_raw(Box::new(ErlNifIOQueue {
        iov: Vec::new(),
        bins: Vec::new(),
        head: 0,
        size: 0,
    }))
}

#[no_mangle]
pub unsafe extern "C" fn enif_ioq_destroy(q: *mut ErlNifIOQueue) {
    if !q.is_null() {
        // SAFETY: a queue from `enif_ioq_create`, destroyed once (API contract).
        drop(unsafe { Box::from_raw(q) });
    }
}

/// Queues the elements of `v` after skipping `skip` bytes (OTP's `erts_ioq_enqv`): leading
/// elements the skip covers are left out, the first one kept is shortened in place (in the
/// caller's vector, as OTP does), empty elements are not queued, and the queue grows by
/// `size - skip`.
///
/// # Safety
/// `v` must describe `iovcnt` valid elements whose `ref_bins` entries (if the array is not
/// null) are null or live `Arc<BinBuf>` pointers owning the elements' bytes.
unsafe fn enqv(q: &mut ErlNifIOQueue, v: &mut ErlNifIOVec, skip: usize) {
    if v.size <= skip {
        return;
    }
    let n = usize::try_from(v.iovcnt).unwrap_or(0);
    let mut i = 0;
    let mut left = skip;
    // As OTP: at least the first element is looked at, so a leading empty one goes.
    loop {
        if i >= n {
            break;
        }
        // SAFETY: `iovcnt` elements at `iov` (API contract).
        let e = unsafe { &mut *v.iov.add(i) };
        if e.iov_len <= left {
            left -= e.iov_len;
            i += 1;
        } else {
            e.iov_base = e.iov_base.wrapping_add(left);
            e.iov_len -= left;
            left = 0;
        }
        if left == 0 {
            break;
        }
    }
    for k in i..n {
        // SAFETY: as above; `ref_bins` has `iovcnt` entries (or is null: copy them all).
        let (e, bin) = unsafe {
            let e = *v.iov.add(k);
            let bin = if v.ref_bins.is_null() {
                std::ptr::null()
            } else {
                *v.ref_bins.add(k) as RawBin
            };
            (e, bin)
        };
        if e.iov_len > 0 {
            // SAFETY: the element's bytes belong to `bin` (or are copied when it is null).
            unsafe { q.push_ref(e.iov_base as *const u8, e.iov_len, bin) };
        }
    }
    q.size += v.size - skip;
}

#[no_mangle]
pub unsafe extern "C" fn enif_ioq_enqv(
    q: *mut ErlNifIOQueue,
    iov: *mut ErlNifIOVec,
    skip: usize,
) -> c_int {
    // SAFETY: valid pointers (API contract).
    let (Some(q), Some(v)) = (unsafe { q.as_mut() }, unsafe { iov.as_mut() }) else {
        return 0;
    };
    if skip > v.size {
        return 0;
    }
    // SAFETY: forwarded contract.
    unsafe { enqv(q, v, skip) };
    1
}

#[no_mangle]
pub unsafe extern "C" fn enif_ioq_enq_binary(
    q: *mut ErlNifIOQueue,
    bin: *mut ErlNifBinary,
    skip: usize,
) -> c_int {
    // SAFETY: valid pointers (API contract).
    let (Some(q), Some(b)) = (unsafe { q.as_mut() }, unsafe { bin.as_mut() }) else {
        return 0;
    };
    // The queue takes the binary over: an allocated one moves into an `Arc` (its bytes stay
    // where they are), an inspected one (no owner) is copied.
    let owner: RawBin = if b.ref_bin.is_null() {
        std::ptr::null()
    } else {
        // SAFETY: `ref_bin` of an allocated binary is the box of `crate::binary`'s
        // `set_owned`; taking it releases the binary, as `enif_release_binary` would.
        let v: Vec<u8> = *unsafe { Box::from_raw(b.ref_bin as *mut Vec<u8>) };
        b.ref_bin = std::ptr::null_mut();
        Arc::into_raw(Arc::new(BinBuf::from(v)))
    };
    let mut small = [std::ptr::null_mut::<c_void>(); 1];
    let mut one = [SysIOVec {
        iov_base: b.data as *mut c_char,
        iov_len: b.size,
    }];
    small[0] = owner as *mut c_void;
    let ok = skip <= b.size;
    if ok && b.size > skip {
        let mut v = ErlNifIOVec {
            iovcnt: 1,
            size: b.size,
            iov: one.as_mut_ptr(),
            ref_bins: small.as_mut_ptr(),
            flags: FLAG_PREALLOC,
            small_iov: [SysIOVec {
                iov_base: std::ptr::null_mut(),
                iov_len: 0,
            }; ERL_NIF_IOVEC_SIZE],
            small_ref_bin: [std::ptr::null_mut(); ERL_NIF_IOVEC_SIZE],
        };
        // SAFETY: one element of `size` bytes owned by `owner` (or copied when null).
        unsafe { enqv(q, &mut v, skip) };
    }
    if !owner.is_null() {
        // The count made with the `Arc` (the queue took its own if it kept the bytes).
        // SAFETY: created above.
        unsafe { Arc::decrement_strong_count(owner) };
    }
    ok as c_int
}

#[no_mangle]
pub unsafe extern "C" fn enif_ioq_size(q: *mut ErlNifIOQueue) -> usize {
    // SAFETY: a valid queue (API contract).
    unsafe { q.as_ref() }.map_or(0, |q| q.size)
}

#[no_mangle]
pub unsafe extern "C" fn enif_ioq_deq(
    q: *mut ErlNifIOQueue,
    count: usize,
    size: *mut usize,
) -> c_int {
    // SAFETY: a valid queue (API contract).
    let Some(q) = (unsafe { q.as_mut() }) else {
        return 0;
    };
    if q.size < count {
        return 0;
    }
    q.size -= count;
    let mut left = count;
    while left > 0 && q.head < q.iov.len() {
        let e = &mut q.iov[q.head];
        if e.iov_len <= left {
            left -= e.iov_len;
            q.pop();
        } else {
            e.iov_base = e.iov_base.wrapping_add(left);
            e.iov_len -= left;
            left = 0;
        }
    }
    if !size.is_null() {
        // SAFETY: valid out pointer (API contract).
        unsafe { size.write(q.size) };
    }
    1
}

#[no_mangle]
pub unsafe extern "C" fn enif_ioq_peek(q: *mut ErlNifIOQueue, iovlen: *mut c_int) -> *mut SysIOVec {
    // SAFETY: a valid queue (API contract).
    let q = unsafe { q.as_mut() };
    let (n, p) = match q {
        None => (-1, std::ptr::null_mut()),
        Some(q) if q.head == q.iov.len() => (0, std::ptr::null_mut()),
        Some(q) => (
            (q.iov.len() - q.head) as c_int,
            q.iov[q.head..].as_mut_ptr(),
        ),
    };
    if !iovlen.is_null() {
        // SAFETY: valid out pointer (API contract).
        unsafe { iovlen.write(n) };
    }
    p
}

#[no_mangle]
pub unsafe extern "C" fn enif_ioq_peek_head(
    env: *mut ErlNifEnv,
    q: *mut ErlNifIOQueue,
    size: *mut usize,
    head: *mut ERL_NIF_TERM,
) -> c_int {
    // SAFETY: a valid queue (API contract).
    let Some(q) = (unsafe { q.as_ref() }) else {
        return 0;
    };
    if q.size == 0 || q.head == q.iov.len() {
        return 0;
    }
    let e = q.iov[q.head];
    let bin = q.bins[q.head];
    if !size.is_null() {
        // SAFETY: valid out pointer (API contract).
        unsafe { size.write(e.iov_len) };
    }
    // SAFETY: the element's bytes, kept alive by the queue's count.
    let bytes = unsafe { std::slice::from_raw_parts(e.iov_base as *const u8, e.iov_len) };
    let make = |h: &mut erts::heap::Heap| {
        if e.iov_len <= boxed::HEAP_BIN_LIMIT {
            return boxed::binary(h, bytes);
        }
        // Shares the queue's data: a sub binary of the whole buffer.
        // SAFETY: a live `Arc` (the queue's count); the term takes a count of its own.
        let whole = unsafe {
            Arc::increment_strong_count(bin);
            Arc::from_raw(bin)
        };
        let off = (e.iov_base as usize).wrapping_sub(whole.as_ptr() as usize);
        if off
            .checked_add(e.iov_len)
            .is_none_or(|end| end > whole.len())
        {
            // Not inside the buffer (a caller's own vector): copy.
            return boxed::binary(h, bytes);
        }
        let full = whole.len();
        let t = boxed::refc_binary(h, whole);
        if off == 0 && e.iov_len == full {
            t
        } else {
            boxed::sub_binary(h, t, off * 8, e.iov_len * 8)
        }
    };
    // SAFETY: forwarded contract.
    let t = unsafe { crate::terms::with_heap(env, make) };
    if t == 0 {
        return 0;
    }
    if !head.is_null() {
        // SAFETY: valid out pointer (API contract).
        unsafe { head.write(t) };
    }
    1
}
