//! Driver binaries (`ErlDrvBinary`): `driver_alloc_binary`, `driver_realloc_binary`,
//! `driver_free_binary` and the reference-count functions.
//!
//! A binary is one `malloc` block: a hidden header with the reference count, then the
//! `ErlDrvBinary` the driver sees (`orig_size`, then the bytes). The driver's pointer is to
//! the visible part. A new binary has a reference count of 1; `driver_free_binary` drops one
//! reference and frees the block at zero. Binaries that reach Erlang terms are copied, so the
//! runtime never keeps a reference beyond a call.

use crate::driver_abi::*;
use std::sync::atomic::{AtomicIsize, Ordering};

/// The hidden part before the visible `ErlDrvBinary`.
#[repr(C)]
struct Header {
    refc: AtomicIsize,
    _pad: usize,
}

const HDR: usize = std::mem::size_of::<Header>();
/// Offset of the bytes inside `ErlDrvBinary`.
const DATA_OFF: usize = std::mem::offset_of!(ErlDrvBinary, orig_bytes);

fn header(b: *mut ErlDrvBinary) -> *mut Header {
    (b as *mut u8).wrapping_sub(HDR) as *mut Header
}

/// A new binary of `size` bytes with reference count 1 (null when out of memory).
pub fn alloc(size: usize) -> *mut ErlDrvBinary {
    let Some(total) = (HDR + DATA_OFF).checked_add(size.max(1)) else {
        return std::ptr::null_mut();
    };
    // SAFETY: plain allocation; the result is checked for null.
    let p = unsafe { libc::malloc(total) } as *mut u8;
    if p.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: `p` has room for the header and the visible part.
    unsafe {
        (p as *mut Header).write(Header {
            refc: AtomicIsize::new(1),
            _pad: 0,
        });
        let b = p.add(HDR) as *mut ErlDrvBinary;
        (*b).orig_size = size as ErlDrvSInt;
        b
    }
}

/// The bytes of `b`.
///
/// # Safety
/// `b` must be a live binary made by [`alloc`].
pub unsafe fn bytes<'a>(b: *const ErlDrvBinary) -> &'a [u8] {
    // SAFETY: per the contract, `orig_size` bytes follow the size field.
    unsafe {
        std::slice::from_raw_parts(
            (*b).orig_bytes.as_ptr() as *const u8,
            (*b).orig_size.max(0) as usize,
        )
    }
}

/// Adds a reference; returns the new count.
pub fn retain(b: *mut ErlDrvBinary) -> isize {
    // SAFETY: callers pass live binaries made by `alloc`.
    unsafe { (*header(b)).refc.fetch_add(1, Ordering::AcqRel) + 1 }
}

/// Drops a reference, freeing the binary at zero.
pub fn release(b: *mut ErlDrvBinary) {
    if b.is_null() {
        return;
    }
    // SAFETY: callers pass live binaries made by `alloc`; the last reference frees it.
    unsafe {
        let h = header(b);
        if (*h).refc.fetch_sub(1, Ordering::AcqRel) == 1 {
            libc::free(h as *mut libc::c_void);
        }
    }
}

/// `driver_alloc_binary`.
///
/// # Safety
/// Callable from any thread.
#[no_mangle]
pub unsafe extern "C" fn driver_alloc_binary(size: ErlDrvSizeT) -> *mut ErlDrvBinary {
    alloc(size)
}

/// `driver_realloc_binary`: resizes, keeping the data; null when out of memory.
///
/// # Safety
/// `bin` must be a live binary owned by the caller.
#[no_mangle]
pub unsafe extern "C" fn driver_realloc_binary(
    bin: *mut ErlDrvBinary,
    size: ErlDrvSizeT,
) -> *mut ErlDrvBinary {
    if bin.is_null() {
        return alloc(size);
    }
    let Some(total) = (HDR + DATA_OFF).checked_add(size.max(1)) else {
        return std::ptr::null_mut();
    };
    // SAFETY: the block starts at the header; realloc keeps its contents.
    unsafe {
        let p = libc::realloc(header(bin) as *mut libc::c_void, total) as *mut u8;
        if p.is_null() {
            return std::ptr::null_mut();
        }
        let b = p.add(HDR) as *mut ErlDrvBinary;
        (*b).orig_size = size as ErlDrvSInt;
        b
    }
}

/// `driver_free_binary`: drops one reference.
///
/// # Safety
/// `bin` must be a live binary (or null).
#[no_mangle]
pub unsafe extern "C" fn driver_free_binary(bin: *mut ErlDrvBinary) {
    release(bin)
}

/// `driver_binary_get_refc`.
///
/// # Safety
/// `bin` must be a live binary.
#[no_mangle]
pub unsafe extern "C" fn driver_binary_get_refc(bin: *mut ErlDrvBinary) -> ErlDrvSInt {
    if bin.is_null() {
        return 0;
    }
    // SAFETY: per the contract.
    unsafe { (*header(bin)).refc.load(Ordering::Acquire) as ErlDrvSInt }
}

/// `driver_binary_inc_refc`: returns the count after the increment.
///
/// # Safety
/// `bin` must be a live binary.
#[no_mangle]
pub unsafe extern "C" fn driver_binary_inc_refc(bin: *mut ErlDrvBinary) -> ErlDrvSInt {
    if bin.is_null() {
        return 0;
    }
    retain(bin) as ErlDrvSInt
}

/// `driver_binary_dec_refc`: returns the count after the decrement (never frees).
///
/// # Safety
/// `bin` must be a live binary.
#[no_mangle]
pub unsafe extern "C" fn driver_binary_dec_refc(bin: *mut ErlDrvBinary) -> ErlDrvSInt {
    if bin.is_null() {
        return 0;
    }
    // SAFETY: per the contract.
    unsafe { ((*header(bin)).refc.fetch_sub(1, Ordering::AcqRel) - 1) as ErlDrvSInt }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refcounts_and_realloc() {
        // SAFETY: exercising the functions on binaries made here.
        unsafe {
            let b = driver_alloc_binary(3);
            assert_eq!((*b).orig_size, 3);
            assert_eq!(driver_binary_get_refc(b), 1);
            assert_eq!(driver_binary_inc_refc(b), 2);
            assert_eq!(driver_binary_dec_refc(b), 1);
            std::ptr::copy_nonoverlapping(
                b"abc".as_ptr(),
                (*b).orig_bytes.as_mut_ptr() as *mut u8,
                3,
            );
            let b = driver_realloc_binary(b, 1000);
            assert_eq!((*b).orig_size, 1000);
            assert_eq!(&bytes(b)[..3], b"abc");
            driver_free_binary(b);
        }
    }
}
