//! Driver memory: `driver_alloc`, `driver_realloc` and `driver_free`, with the semantics of
//! C's `malloc`, `realloc` and `free` (the C allocator is used, so the memory may also be
//! given to C code that frees it with `driver_free`, and alignment is `malloc`'s).
//!
//! As in OTP, `driver_alloc(0)` gives a valid pointer (to a block of at least one byte), to be
//! freed with `driver_free`; NULL means out of memory. `driver_realloc(NULL, n)` is
//! `driver_alloc(n)`, and `driver_realloc(p, 0)` keeps a one-byte block rather than freeing
//! `p` (a C caller then still owns one pointer to free). On failure `driver_realloc` returns
//! NULL and leaves `p` untouched.

use core::ffi::c_void;

use crate::driver_abi::ErlDrvSizeT;

/// `void *driver_alloc(ErlDrvSizeT size)`: `size` bytes, or NULL when out of memory.
#[no_mangle]
pub extern "C" fn driver_alloc(size: ErlDrvSizeT) -> *mut c_void {
    // SAFETY: `malloc` may be called with any size.
    unsafe { libc::malloc(size.max(1)) }
}

/// `void *driver_realloc(void *ptr, ErlDrvSizeT size)`: `ptr` resized to `size` bytes
/// (contents kept up to the smaller size), or NULL with `ptr` unchanged.
///
/// # Safety
/// `ptr` is NULL or a live block of `driver_alloc`/`driver_realloc`.
#[no_mangle]
pub unsafe extern "C" fn driver_realloc(ptr: *mut c_void, size: ErlDrvSizeT) -> *mut c_void {
    // SAFETY: `ptr` is NULL or a live `malloc` block (the caller's contract); a size of at
    // least 1 never frees it.
    unsafe { libc::realloc(ptr, size.max(1)) }
}

/// `void driver_free(void *ptr)`: frees a block of `driver_alloc`/`driver_realloc`; NULL is
/// ignored.
///
/// # Safety
/// `ptr` is NULL or a live block of `driver_alloc`/`driver_realloc`, freed once.
#[no_mangle]
pub unsafe extern "C" fn driver_free(ptr: *mut c_void) {
    // SAFETY: the caller's contract; `free(NULL)` does nothing.
    unsafe { libc::free(ptr) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alloc_realloc_free() {
        let p = driver_alloc(0);
        assert!(!p.is_null());
        // SAFETY: blocks are used within their sizes and freed once.
        unsafe {
            driver_free(p);
            let p = driver_alloc(16).cast::<u8>();
            assert!(!p.is_null());
            assert_eq!(p as usize % core::mem::align_of::<u64>(), 0);
            for i in 0..16 {
                *p.add(i) = i as u8;
            }
            let q = driver_realloc(p.cast(), 4096).cast::<u8>();
            assert!(!q.is_null());
            assert!((0..16).all(|i| *q.add(i) == i as u8));
            let r = driver_realloc(q.cast(), 0);
            assert!(!r.is_null());
            driver_free(r);
            let s = driver_realloc(core::ptr::null_mut(), 8);
            assert!(!s.is_null());
            driver_free(s);
            driver_free(core::ptr::null_mut());
        }
    }
}
