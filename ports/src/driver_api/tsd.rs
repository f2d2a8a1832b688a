//! Thread-specific data of drivers: `erl_drv_tsd_key_create`, `erl_drv_tsd_key_destroy`,
//! `erl_drv_tsd_set` and `erl_drv_tsd_get`.
//!
//! A key is a POSIX thread-specific data key (`pthread_key_t`, an `unsigned int` on Linux,
//! which fits the `int` of `ErlDrvTSDKey`): each thread has its own value per key, NULL until
//! that thread sets one. Nothing is freed when a thread ends (the key has no destructor, as in
//! OTP). After `erl_drv_tsd_key_destroy`, a key number the system hands out again starts with
//! NULL in every thread (glibc numbers key generations). The name of a key is not kept: the
//! API has no way to read it back.

use core::ffi::{c_char, c_int, c_void};

use crate::driver_abi::ErlDrvTSDKey;

/// `int erl_drv_tsd_key_create(char *name, ErlDrvTSDKey *key)`: a new key in `*key`; 0, or an
/// errno value (`EAGAIN` when the system has no key left, `EINVAL` for a NULL `key`).
///
/// # Safety
/// `key` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_tsd_key_create(
    _name: *mut c_char,
    key: *mut ErlDrvTSDKey,
) -> c_int {
    if key.is_null() {
        return libc::EINVAL;
    }
    let mut k: libc::pthread_key_t = 0;
    // SAFETY: `k` is writable; no destructor.
    let rc = unsafe { libc::pthread_key_create(&mut k, None) };
    if rc != 0 {
        return rc;
    }
    let Ok(k) = ErlDrvTSDKey::try_from(k) else {
        // SAFETY: `k` was just made and is not used elsewhere.
        unsafe { libc::pthread_key_delete(k) };
        return libc::EAGAIN;
    };
    // SAFETY: `key` is writable (checked non-null; the caller's contract).
    unsafe { *key = k };
    0
}

/// The pthread key of a driver key; `None` for a negative one.
fn pthread_key(key: ErlDrvTSDKey) -> Option<libc::pthread_key_t> {
    libc::pthread_key_t::try_from(key).ok()
}

/// `void erl_drv_tsd_key_destroy(ErlDrvTSDKey key)`: frees a key (values are not freed).
#[no_mangle]
pub extern "C" fn erl_drv_tsd_key_destroy(key: ErlDrvTSDKey) {
    if let Some(k) = pthread_key(key) {
        // SAFETY: deleting a key has no effect on memory; an unknown key gives EINVAL.
        unsafe { libc::pthread_key_delete(k) };
    }
}

/// `void erl_drv_tsd_set(ErlDrvTSDKey key, void *data)`: the calling thread's value of `key`.
// `data` is stored, never dereferenced: nothing unsafe for the caller.
#[allow(clippy::not_unsafe_ptr_arg_deref)]
#[no_mangle]
pub extern "C" fn erl_drv_tsd_set(key: ErlDrvTSDKey, data: *mut c_void) {
    if let Some(k) = pthread_key(key) {
        // SAFETY: stores a pointer value; an unknown key gives EINVAL and stores nothing.
        unsafe { libc::pthread_setspecific(k, data) };
    }
}

/// `void *erl_drv_tsd_get(ErlDrvTSDKey key)`: the calling thread's value of `key` (NULL if
/// never set in this thread).
#[no_mangle]
pub extern "C" fn erl_drv_tsd_get(key: ErlDrvTSDKey) -> *mut c_void {
    match pthread_key(key) {
        // SAFETY: reads a pointer value; an unknown key gives NULL.
        Some(k) => unsafe { libc::pthread_getspecific(k) },
        None => core::ptr::null_mut(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_per_thread() {
        let mut key: ErlDrvTSDKey = -1;
        // SAFETY: `key` is writable.
        assert_eq!(
            unsafe { erl_drv_tsd_key_create(c"k".as_ptr().cast_mut(), &mut key) },
            0
        );
        assert!(key >= 0);
        assert!(erl_drv_tsd_get(key).is_null());
        erl_drv_tsd_set(key, 7 as *mut c_void);
        assert_eq!(erl_drv_tsd_get(key) as usize, 7);
        let threads: Vec<_> = (1..=4usize)
            .map(|i| {
                std::thread::spawn(move || {
                    let fresh = erl_drv_tsd_get(key).is_null();
                    erl_drv_tsd_set(key, (100 + i) as *mut c_void);
                    std::thread::yield_now();
                    (fresh, erl_drv_tsd_get(key) as usize)
                })
            })
            .collect();
        for (i, t) in threads.into_iter().enumerate() {
            assert_eq!(t.join().unwrap(), (true, 101 + i));
        }
        assert_eq!(erl_drv_tsd_get(key) as usize, 7);
        erl_drv_tsd_key_destroy(key);

        // A bad key reads NULL and ignores writes.
        erl_drv_tsd_set(-5, core::ptr::without_provenance_mut(1));
        assert!(erl_drv_tsd_get(-5).is_null());
        // SAFETY: a NULL `key` is refused before use.
        assert_eq!(
            unsafe { erl_drv_tsd_key_create(core::ptr::null_mut(), core::ptr::null_mut()) },
            libc::EINVAL
        );
    }
}
