//! The driver queue of a port (`driver_enq` ... `driver_peekqv`, `driver_sizeq`,
//! `driver_vec_to_buf`) and port data locks (`driver_pdl_*`).
//!
//! The queue is a list of segments, each a slice of a driver binary it holds one reference
//! to. `driver_peekq`/`driver_peekqv` hand out arrays kept in the queue, valid until the next
//! change. The queue's byte size is the port's `queue_size` (synchronised whenever the port's
//! callback returns, and at once when the call comes from the port's own callback): while it
//! is not empty, a closing port waits for it to drain.

use super::binary;
use super::c_driver::{handle, sync_queue_size, PortHandle};
use crate::driver_abi::*;
use std::collections::VecDeque;
use std::ffi::{c_char, c_int, c_long};
use std::sync::atomic::{AtomicIsize, Ordering};

/// One queued slice: `len` bytes at `off` in `bin`.
struct Seg {
    bin: *mut ErlDrvBinary,
    off: usize,
    len: usize,
}

/// A port's driver queue.
#[derive(Default)]
pub struct DrvQueue {
    segs: VecDeque<Seg>,
    size: usize,
    iov: Vec<SysIOVec>,
    binv: Vec<*mut ErlDrvBinary>,
}

// SAFETY: the queue owns references to its binaries; access is serialised by its mutex.
unsafe impl Send for DrvQueue {}

impl DrvQueue {
    /// Bytes queued.
    pub fn size(&self) -> usize {
        self.size
    }

    fn push(&mut self, front: bool, bin: *mut ErlDrvBinary, off: usize, len: usize) {
        if len == 0 {
            binary::release(bin);
            return;
        }
        let s = Seg { bin, off, len };
        if front {
            self.segs.push_front(s);
        } else {
            self.segs.push_back(s);
        }
        self.size += len;
    }

    /// Queues a copy of `data`.
    pub fn push_copy(&mut self, front: bool, data: &[u8]) {
        if data.is_empty() {
            return;
        }
        let b = binary::alloc(data.len());
        if b.is_null() {
            return;
        }
        // SAFETY: the binary has room for `data`.
        unsafe {
            std::ptr::copy_nonoverlapping(
                data.as_ptr(),
                (*b).orig_bytes.as_mut_ptr() as *mut u8,
                data.len(),
            )
        };
        self.push(front, b, 0, data.len());
    }

    /// Queues `len` bytes at `off` of `bin` (taking a reference).
    pub fn push_bin(&mut self, front: bool, bin: *mut ErlDrvBinary, off: usize, len: usize) {
        binary::retain(bin);
        self.push(front, bin, off, len);
    }

    /// Removes `n` bytes from the head; false when fewer are queued.
    pub fn deq(&mut self, mut n: usize) -> bool {
        if n > self.size {
            return false;
        }
        self.size -= n;
        while n > 0 {
            let Some(front) = self.segs.front_mut() else {
                break;
            };
            if front.len <= n {
                n -= front.len;
                let s = self.segs.pop_front().expect("front exists");
                binary::release(s.bin);
            } else {
                front.off += n;
                front.len -= n;
                n = 0;
            }
        }
        true
    }

    /// Rebuilds the arrays handed out by `peekq`/`peekqv`.
    fn refresh(&mut self) {
        self.iov.clear();
        self.binv.clear();
        for s in &self.segs {
            // SAFETY: the queue holds a reference to each segment's binary.
            let base = unsafe { (*s.bin).orig_bytes.as_mut_ptr().add(s.off) };
            self.iov.push(SysIOVec {
                iov_base: base,
                iov_len: s.len,
            });
            self.binv.push(s.bin);
        }
    }

    /// Empties the queue.
    pub fn clear(&mut self) {
        for s in self.segs.drain(..) {
            binary::release(s.bin);
        }
        self.size = 0;
        self.iov.clear();
        self.binv.clear();
    }
}

impl Drop for DrvQueue {
    fn drop(&mut self) {
        self.clear();
    }
}

/// Queues the contents of `ev` after `skip` bytes, at the head or the tail.
///
/// # Safety
/// `ev` must describe live memory.
unsafe fn push_vec(q: &mut DrvQueue, front: bool, ev: *const ErlIOVec, mut skip: usize) {
    // SAFETY: per the contract.
    let ev = unsafe { &*ev };
    let n = ev.vsize.max(0) as usize;
    let mut parts: Vec<(*mut ErlDrvBinary, *mut c_char, usize)> = Vec::with_capacity(n);
    for i in 0..n {
        // SAFETY: `iov` and `binv` have `vsize` elements (`binv` may be null).
        let (io, bin) = unsafe {
            let io = *ev.iov.add(i);
            let bin = if ev.binv.is_null() {
                std::ptr::null_mut()
            } else {
                *ev.binv.add(i)
            };
            (io, bin)
        };
        let mut base = io.iov_base;
        let mut len = io.iov_len;
        if skip > 0 {
            let k = skip.min(len);
            skip -= k;
            len -= k;
            base = base.wrapping_add(k);
        }
        if len > 0 {
            parts.push((bin, base, len));
        }
    }
    let mut place = |(bin, base, len): (*mut ErlDrvBinary, *mut c_char, usize)| {
        if bin.is_null() {
            // SAFETY: the element's bytes are live per the contract.
            let data = unsafe { std::slice::from_raw_parts(base as *const u8, len) };
            q.push_copy(front, data);
        } else {
            // SAFETY: the element lies inside `bin`.
            let off =
                unsafe { (base as *const u8).offset_from((*bin).orig_bytes.as_ptr() as *const u8) };
            q.push_bin(front, bin, off.max(0) as usize, len);
        }
    };
    if front {
        parts.into_iter().rev().for_each(&mut place);
    } else {
        parts.into_iter().for_each(&mut place);
    }
}

fn with_queue<R>(port: ErlDrvPort, dflt: R, f: impl FnOnce(&mut DrvQueue) -> R) -> R {
    // SAFETY: drivers pass their own live port handles.
    let Some(h) = (unsafe { handle(port) }) else {
        return dflt;
    };
    let r = {
        let mut q = h.queue.lock();
        let r = f(&mut q);
        h.queue_bytes
            .store(q.size(), std::sync::atomic::Ordering::Release);
        r
    };
    sync_queue_size(h);
    r
}

/// `driver_enq`: queues a copy of `len` bytes at `buf`.
///
/// # Safety
/// `buf` must hold `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn driver_enq(port: ErlDrvPort, buf: *mut c_char, len: ErlDrvSizeT) -> c_int {
    if buf.is_null() && len > 0 {
        return -1;
    }
    with_queue(port, -1, |q| {
        // SAFETY: per the contract.
        q.push_copy(false, unsafe { slice(buf, len) });
        0
    })
}

/// `driver_pushq`: puts a copy of `len` bytes at `buf` at the head.
///
/// # Safety
/// `buf` must hold `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn driver_pushq(
    port: ErlDrvPort,
    buf: *mut c_char,
    len: ErlDrvSizeT,
) -> c_int {
    if buf.is_null() && len > 0 {
        return -1;
    }
    with_queue(port, -1, |q| {
        // SAFETY: per the contract.
        q.push_copy(true, unsafe { slice(buf, len) });
        0
    })
}

/// `driver_enq_bin`.
///
/// # Safety
/// `bin` must be a live binary with `offset + len` bytes.
#[no_mangle]
pub unsafe extern "C" fn driver_enq_bin(
    port: ErlDrvPort,
    bin: *mut ErlDrvBinary,
    offset: ErlDrvSizeT,
    len: ErlDrvSizeT,
) -> c_int {
    if bin.is_null() {
        return -1;
    }
    with_queue(port, -1, |q| {
        q.push_bin(false, bin, offset, len);
        0
    })
}

/// `driver_pushq_bin`.
///
/// # Safety
/// `bin` must be a live binary with `offset + len` bytes.
#[no_mangle]
pub unsafe extern "C" fn driver_pushq_bin(
    port: ErlDrvPort,
    bin: *mut ErlDrvBinary,
    offset: ErlDrvSizeT,
    len: ErlDrvSizeT,
) -> c_int {
    if bin.is_null() {
        return -1;
    }
    with_queue(port, -1, |q| {
        q.push_bin(true, bin, offset, len);
        0
    })
}

/// `driver_enqv`.
///
/// # Safety
/// `ev` must describe live memory.
#[no_mangle]
pub unsafe extern "C" fn driver_enqv(
    port: ErlDrvPort,
    ev: *mut ErlIOVec,
    skip: ErlDrvSizeT,
) -> c_int {
    if ev.is_null() {
        return -1;
    }
    with_queue(port, -1, |q| {
        // SAFETY: per the contract.
        unsafe { push_vec(q, false, ev, skip) };
        0
    })
}

/// `driver_pushqv`.
///
/// # Safety
/// `ev` must describe live memory.
#[no_mangle]
pub unsafe extern "C" fn driver_pushqv(
    port: ErlDrvPort,
    ev: *mut ErlIOVec,
    skip: ErlDrvSizeT,
) -> c_int {
    if ev.is_null() {
        return -1;
    }
    with_queue(port, -1, |q| {
        // SAFETY: per the contract.
        unsafe { push_vec(q, true, ev, skip) };
        0
    })
}

/// `driver_deq`: removes `size` bytes from the head; the bytes left, or -1.
///
/// # Safety
/// `port` must be a live port handle.
#[no_mangle]
pub unsafe extern "C" fn driver_deq(port: ErlDrvPort, size: ErlDrvSizeT) -> ErlDrvSizeT {
    with_queue(port, usize::MAX, |q| {
        if q.deq(size) {
            q.size()
        } else {
            usize::MAX
        }
    })
}

/// `driver_sizeq`.
///
/// # Safety
/// `port` must be a live port handle.
#[no_mangle]
pub unsafe extern "C" fn driver_sizeq(port: ErlDrvPort) -> ErlDrvSizeT {
    with_queue(port, usize::MAX, |q| q.size())
}

/// `driver_peekq`: the queue as an array of `SysIOVec` (valid until the queue changes).
///
/// # Safety
/// `vlen` must be writable (or null).
#[no_mangle]
pub unsafe extern "C" fn driver_peekq(port: ErlDrvPort, vlen: *mut c_int) -> *mut SysIOVec {
    with_queue(port, std::ptr::null_mut(), |q| {
        q.refresh();
        if !vlen.is_null() {
            // SAFETY: per the contract.
            unsafe { *vlen = q.iov.len() as c_int };
        }
        if q.iov.is_empty() {
            std::ptr::null_mut()
        } else {
            q.iov.as_mut_ptr()
        }
    })
}

/// `driver_peekqv`: fills `ev` with the queue; returns its size (`-1` cast when `ev` is null).
///
/// # Safety
/// `ev` must be writable (or null).
#[no_mangle]
pub unsafe extern "C" fn driver_peekqv(port: ErlDrvPort, ev: *mut ErlIOVec) -> ErlDrvSizeT {
    if ev.is_null() {
        return usize::MAX;
    }
    with_queue(port, usize::MAX, |q| {
        q.refresh();
        // SAFETY: per the contract.
        unsafe {
            (*ev).vsize = q.iov.len() as c_int;
            (*ev).size = q.size;
            (*ev).iov = q.iov.as_mut_ptr();
            (*ev).binv = q.binv.as_mut_ptr();
        }
        q.size
    })
}

/// `driver_vec_to_buf`: copies up to `len` bytes of `ev` to `buf`; returns the bytes copied.
///
/// # Safety
/// `ev` must describe live memory; `buf` must have room for `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn driver_vec_to_buf(
    ev: *mut ErlIOVec,
    buf: *mut c_char,
    len: ErlDrvSizeT,
) -> ErlDrvSizeT {
    if ev.is_null() || buf.is_null() {
        return 0;
    }
    // SAFETY: per the contract.
    let ev = unsafe { &*ev };
    let mut done = 0usize;
    for i in 0..ev.vsize.max(0) as usize {
        if done >= len {
            break;
        }
        // SAFETY: `iov` has `vsize` elements; `buf` has room for `len` bytes.
        unsafe {
            let io = *ev.iov.add(i);
            let n = io.iov_len.min(len - done);
            if n > 0 {
                std::ptr::copy_nonoverlapping(io.iov_base, buf.add(done), n);
            }
            done += n;
        }
    }
    done
}

/// `len` bytes at `buf` as a slice (empty for null).
///
/// # Safety
/// `buf` must hold `len` bytes when not null.
pub unsafe fn slice<'a>(buf: *const c_char, len: usize) -> &'a [u8] {
    if buf.is_null() || len == 0 {
        &[]
    } else {
        // SAFETY: per the contract.
        unsafe { std::slice::from_raw_parts(buf as *const u8, len) }
    }
}

// ---- port data locks ----------------------------------------------------------------------

/// A port data lock: a mutex that can be locked and unlocked in separate calls, and a
/// reference count (one held by the port).
pub struct Pdl {
    locked: std::sync::Mutex<bool>,
    cond: std::sync::Condvar,
    refc: AtomicIsize,
}

/// Drops the port's reference to its data lock (when the port stops).
pub fn release_pdl(h: &PortHandle) {
    let p = h.pdl.swap(std::ptr::null_mut(), Ordering::AcqRel);
    if !p.is_null() {
        // SAFETY: the port's own reference.
        unsafe { driver_pdl_dec_refc(p as ErlDrvPDL) };
    }
}

fn pdl<'a>(p: ErlDrvPDL) -> Option<&'a Pdl> {
    // SAFETY: drivers pass data locks they hold a reference to.
    unsafe { (p as *const Pdl).as_ref() }
}

/// `driver_pdl_create`: null when the port already has one.
///
/// # Safety
/// `port` must be a live port handle.
#[no_mangle]
pub unsafe extern "C" fn driver_pdl_create(port: ErlDrvPort) -> ErlDrvPDL {
    // SAFETY: per the contract.
    let Some(h) = (unsafe { handle(port) }) else {
        return std::ptr::null_mut();
    };
    let p = Box::into_raw(Box::new(Pdl {
        locked: std::sync::Mutex::new(false),
        cond: std::sync::Condvar::new(),
        refc: AtomicIsize::new(1),
    }));
    match h
        .pdl
        .compare_exchange(std::ptr::null_mut(), p, Ordering::AcqRel, Ordering::Acquire)
    {
        Ok(_) => p as ErlDrvPDL,
        Err(_) => {
            // SAFETY: never shared.
            drop(unsafe { Box::from_raw(p) });
            std::ptr::null_mut()
        }
    }
}

/// `driver_pdl_lock`.
///
/// # Safety
/// `pdl` must be a live data lock.
#[no_mangle]
pub unsafe extern "C" fn driver_pdl_lock(pdl_: ErlDrvPDL) {
    if let Some(p) = pdl(pdl_) {
        let mut l = p.locked.lock().unwrap_or_else(|e| e.into_inner());
        while *l {
            l = p.cond.wait(l).unwrap_or_else(|e| e.into_inner());
        }
        *l = true;
    }
}

/// `driver_pdl_unlock`.
///
/// # Safety
/// `pdl` must be a live data lock locked by the caller.
#[no_mangle]
pub unsafe extern "C" fn driver_pdl_unlock(pdl_: ErlDrvPDL) {
    if let Some(p) = pdl(pdl_) {
        *p.locked.lock().unwrap_or_else(|e| e.into_inner()) = false;
        p.cond.notify_one();
    }
}

/// `driver_pdl_get_refc`.
///
/// # Safety
/// `pdl` must be a live data lock.
#[no_mangle]
pub unsafe extern "C" fn driver_pdl_get_refc(pdl_: ErlDrvPDL) -> c_long {
    pdl(pdl_).map_or(0, |p| p.refc.load(Ordering::Acquire) as c_long)
}

/// `driver_pdl_inc_refc`.
///
/// # Safety
/// `pdl` must be a live data lock.
#[no_mangle]
pub unsafe extern "C" fn driver_pdl_inc_refc(pdl_: ErlDrvPDL) -> c_long {
    pdl(pdl_).map_or(0, |p| (p.refc.fetch_add(1, Ordering::AcqRel) + 1) as c_long)
}

/// `driver_pdl_dec_refc`: frees the lock at zero.
///
/// # Safety
/// `pdl` must be a live data lock; the caller gives up one reference.
#[no_mangle]
pub unsafe extern "C" fn driver_pdl_dec_refc(pdl_: ErlDrvPDL) -> c_long {
    let Some(p) = pdl(pdl_) else { return 0 };
    let n = p.refc.fetch_sub(1, Ordering::AcqRel) - 1;
    if n == 0 {
        // SAFETY: the last reference: nobody else uses the lock.
        drop(unsafe { Box::from_raw(pdl_ as *mut Pdl) });
    }
    n as c_long
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_deq_and_peek() {
        let mut q = DrvQueue::default();
        q.push_copy(false, b"hello");
        q.push_copy(false, b" world");
        q.push_copy(true, b">>");
        assert_eq!(q.size(), 13);
        assert!(q.deq(3));
        q.refresh();
        assert_eq!(q.iov.len(), 2);
        // SAFETY: reading the slices the queue holds.
        let first = unsafe { slice(q.iov[0].iov_base, q.iov[0].iov_len) };
        assert_eq!(first, b"ello");
        assert!(!q.deq(100));
        assert!(q.deq(10));
        assert_eq!(q.size(), 0);
    }
}
