//! The OS environment for drivers: `erl_drv_getenv` and `erl_drv_putenv`.
//!
//! Both go through `std::env`, as `os:getenv/1` and `os:putenv/2` do in `erts`
//! (`erts/src/bif/os.rs`): the standard library guards every read and write of the process
//! environment with one lock, so a driver thread and an Erlang process changing or reading
//! the environment at the same time see each other's changes whole. (C code calling libc's
//! `getenv`/`setenv` directly is outside that lock, as with any Rust program.)
//!
//! Return values follow OTP: `erl_drv_getenv` gives 0 with the value copied (NUL-terminated)
//! and `*value_size` set to its length without the NUL; a value larger than 0 when the buffer
//! is too small, with `*value_size` set to the size needed (length + 1) and the buffer left
//! alone; and a negative value (-1) when the variable is not set. `erl_drv_putenv` gives 0 on
//! success and a non-zero value when the variable cannot be set (an empty name, a name with
//! `=`, a NULL argument).

use core::ffi::{c_char, c_int, CStr};
use std::ffi::OsStr;
use std::os::unix::ffi::{OsStrExt, OsStringExt};

/// A name `std::env` accepts (it panics on the others).
fn valid_name(name: &[u8]) -> bool {
    !name.is_empty() && !name.contains(&b'=')
}

/// `int erl_drv_getenv(const char *key, char *value, size_t *value_size)`: see the module
/// documentation.
///
/// # Safety
/// `key` is a NUL-terminated string; `value_size` points to the size of `value`, a buffer of
/// that many writable bytes.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_getenv(
    key: *const c_char,
    value: *mut c_char,
    value_size: *mut usize,
) -> c_int {
    if key.is_null() || value_size.is_null() {
        return -1;
    }
    // SAFETY: `key` is NUL-terminated (the caller's contract).
    let name = unsafe { CStr::from_ptr(key) }.to_bytes();
    if !valid_name(name) {
        return -1;
    }
    let found = std::panic::catch_unwind(|| std::env::var_os(OsStr::from_bytes(name)));
    let Ok(Some(v)) = found else {
        return -1;
    };
    let v = v.into_vec();
    // SAFETY: `value_size` is readable and writable (the caller's contract).
    let room = unsafe { *value_size };
    if v.len() >= room || value.is_null() {
        // SAFETY: as above.
        unsafe { *value_size = v.len() + 1 };
        return 1;
    }
    // SAFETY: `value` has `room` > `v.len()` writable bytes (the caller's contract), which do
    // not overlap the environment copy `v`.
    unsafe {
        core::ptr::copy_nonoverlapping(v.as_ptr(), value.cast::<u8>(), v.len());
        *value.add(v.len()) = 0;
        *value_size = v.len();
    }
    0
}

/// `int erl_drv_putenv(const char *key, char *value)`: sets `key` to `value` in the
/// environment of the runtime (seen by `os:getenv/1` and by port programs started later);
/// 0, or non-zero on failure.
///
/// # Safety
/// `key` and `value` are NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_putenv(key: *const c_char, value: *mut c_char) -> c_int {
    if key.is_null() || value.is_null() {
        return -1;
    }
    // SAFETY: both are NUL-terminated (the caller's contract).
    let (name, val) = unsafe {
        (
            CStr::from_ptr(key).to_bytes(),
            CStr::from_ptr(value).to_bytes(),
        )
    };
    if !valid_name(name) {
        return -1;
    }
    let set = std::panic::catch_unwind(|| {
        std::env::set_var(OsStr::from_bytes(name), OsStr::from_bytes(val));
    });
    if set.is_ok() {
        0
    } else {
        -1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn getenv_protocol() {
        // SAFETY: valid strings and buffers.
        unsafe {
            let key = c"BEAM_RS_DRV_UTIL_TEST".as_ptr();
            assert_eq!(erl_drv_putenv(key, c"hello world".as_ptr().cast_mut()), 0);
            assert_eq!(
                std::env::var("BEAM_RS_DRV_UTIL_TEST").unwrap(),
                "hello world"
            );

            // Too small: > 0, the size needed, the buffer untouched.
            let mut buf = [b'x' as c_char; 32];
            let mut size = 5usize;
            assert!(erl_drv_getenv(key, buf.as_mut_ptr(), &mut size) > 0);
            assert_eq!(size, 12);
            assert_eq!(buf[0], b'x' as c_char);
            // Exactly the length is still too small (no room for the NUL).
            size = 11;
            assert!(erl_drv_getenv(key, buf.as_mut_ptr(), &mut size) > 0);
            assert_eq!(size, 12);

            size = 12;
            assert_eq!(erl_drv_getenv(key, buf.as_mut_ptr(), &mut size), 0);
            assert_eq!(size, 11);
            assert_eq!(CStr::from_ptr(buf.as_ptr()), c"hello world");

            // Set from Rust (as os:putenv/2 does), read by the driver.
            std::env::set_var("BEAM_RS_DRV_UTIL_TEST", "");
            size = buf.len();
            assert_eq!(erl_drv_getenv(key, buf.as_mut_ptr(), &mut size), 0);
            assert_eq!(size, 0);
            assert_eq!(buf[0], 0);

            std::env::remove_var("BEAM_RS_DRV_UTIL_TEST");
            size = buf.len();
            assert!(erl_drv_getenv(key, buf.as_mut_ptr(), &mut size) < 0);

            // Bad names.
            assert_ne!(erl_drv_putenv(c"".as_ptr(), c"v".as_ptr().cast_mut()), 0);
            assert_ne!(erl_drv_putenv(c"A=B".as_ptr(), c"v".as_ptr().cast_mut()), 0);
            assert!(erl_drv_getenv(c"A=B".as_ptr(), buf.as_mut_ptr(), &mut size) < 0);
            assert!(erl_drv_getenv(c"".as_ptr(), buf.as_mut_ptr(), &mut size) < 0);
        }
    }
}
