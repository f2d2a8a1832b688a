//! What a driver may ask about the runtime: `driver_system_info`, `erl_errno_id`, and
//! `null_func`.
//!
//! `driver_system_info` fills an `ErlDrvSysInfo` of the size the driver gives: a driver built
//! against an older `erl_driver.h` knows a shorter structure, so only the fields that lie
//! wholly within `si_size` bytes are written. The values are those `erlang:system_info/1`
//! reports: extended driver interface 3.3, NIF interface 2.16, OTP release "25", the erts
//! version of the OTP root (the `erts-X.Y.Z` folder, else 13.1.5), threads, SMP and dirty
//! schedulers supported, one async thread, and the number of schedulers (1 before they
//! start). The strings are owned by the runtime and live for the whole run.

use core::ffi::{c_char, c_int, CStr};
use core::mem::offset_of;
use std::collections::HashMap;
use std::ffi::CString;
use std::sync::{Mutex, OnceLock};

use crate::driver_abi::{
    ErlDrvSysInfo, ERL_DRV_EXTENDED_MAJOR_VERSION, ERL_DRV_EXTENDED_MINOR_VERSION,
};

/// The NIF interface version (`ERL_NIF_MAJOR_VERSION`/`MINOR` of OTP 25).
const NIF_MAJOR: c_int = 2;
const NIF_MINOR: c_int = 16;
/// The erts version when the OTP root has no `erts-*` folder.
const DEFAULT_ERTS_VERSION: &CStr = c"13.1.5";

/// The erts version of the OTP root, as `erlang:system_info(version)` finds it: the
/// `erts-X.Y.Z` folder under `<root>/lib` (or `<root>`).
fn erts_version_of_root() -> Option<CString> {
    let root = erts::code::root()?;
    [root.join("lib"), root]
        .iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flat_map(|rd| rd.filter_map(|e| e.ok()))
        .filter_map(|e| e.file_name().into_string().ok())
        .find_map(|n| n.strip_prefix("erts-").and_then(|v| CString::new(v).ok()))
}

/// The erts version string, kept once found (the OTP root is known once the runtime runs).
fn erts_version() -> *const c_char {
    // Process-wide: facts of the OS process and the OTP installation.
    static FOUND: OnceLock<CString> = OnceLock::new();
    if let Some(v) = FOUND.get() {
        return v.as_ptr();
    }
    match std::panic::catch_unwind(erts_version_of_root) {
        Ok(Some(v)) => FOUND.get_or_init(|| v).as_ptr(),
        _ => DEFAULT_ERTS_VERSION.as_ptr(),
    }
}

/// Scheduler threads: as many as started, 1 before that.
fn scheduler_threads() -> c_int {
    if erts::sched::started() {
        c_int::try_from(erts::sched::system().schedulers).unwrap_or(c_int::MAX)
    } else {
        1
    }
}

/// Writes `value` at `at`.
///
/// # Safety
/// `at` is writable for a `T` and aligned for it.
unsafe fn write_at<T>(at: *mut u8, value: T) {
    // SAFETY: the caller's contract.
    unsafe { at.cast::<T>().write(value) }
}

/// `void driver_system_info(ErlDrvSysInfo *sip, size_t si_size)`: see the module
/// documentation.
///
/// # Safety
/// `sip` is NULL or points to `si_size` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn driver_system_info(sip: *mut ErlDrvSysInfo, si_size: usize) {
    if sip.is_null() {
        return;
    }
    let base = sip.cast::<u8>();
    /// Writes one field if it lies within the driver's structure.
    macro_rules! put {
        ($field:ident, $value:expr) => {
            let off = offset_of!(ErlDrvSysInfo, $field);
            let value = $value;
            if off + size_of_val(&value) <= si_size {
                // SAFETY: the field lies within the `si_size` writable bytes at `sip`; the
                // driver's structure has our layout up to its size (older ones are prefixes),
                // so the offset is aligned for the field's type.
                unsafe { write_at(base.add(off), value) };
            }
        };
    }
    put!(driver_major_version, ERL_DRV_EXTENDED_MAJOR_VERSION);
    put!(driver_minor_version, ERL_DRV_EXTENDED_MINOR_VERSION);
    put!(erts_version, erts_version().cast_mut());
    put!(otp_release, c"25".as_ptr().cast_mut());
    put!(thread_support, 1 as c_int);
    put!(smp_support, 1 as c_int);
    put!(async_threads, super::async_pool::thread_count() as c_int);
    put!(scheduler_threads, scheduler_threads());
    put!(nif_major_version, NIF_MAJOR);
    put!(nif_minor_version, NIF_MINOR);
    put!(dirty_scheduler_support, 1 as c_int);
}

/// `char *erl_errno_id(int error)`: the atom name of errno `error` (`"enoent"`, ...), or
/// `"unknown"`; a static string owned by the runtime.
#[no_mangle]
pub extern "C" fn erl_errno_id(error: c_int) -> *mut c_char {
    // Process-wide: a cache of C strings keyed by their text.
    static NAMES: OnceLock<Mutex<HashMap<&'static str, &'static CStr>>> = OnceLock::new();
    let name = erts::errno::errno_id(error);
    let names = NAMES.get_or_init(Default::default);
    let mut names = names.lock().unwrap_or_else(|e| e.into_inner());
    let c = *names.entry(name).or_insert_with(|| {
        // The names are a small fixed set: each is made once and kept for the whole run.
        let owned = CString::new(name).unwrap_or_else(|_| c"unknown".to_owned());
        Box::leak(owned.into_boxed_c_str())
    });
    c.as_ptr().cast_mut()
}

/// `int null_func(void)`: does nothing and returns 0 (a placeholder for unused driver
/// callbacks in old drivers).
#[no_mangle]
pub extern "C" fn null_func() -> c_int {
    0
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::ptr::null_mut;

    fn blank() -> ErlDrvSysInfo {
        ErlDrvSysInfo {
            driver_major_version: -1,
            driver_minor_version: -1,
            erts_version: null_mut(),
            otp_release: null_mut(),
            thread_support: -1,
            smp_support: -1,
            async_threads: -1,
            scheduler_threads: -1,
            nif_major_version: -1,
            nif_minor_version: -1,
            dirty_scheduler_support: -1,
        }
    }

    #[test]
    fn full_structure() {
        let mut si = blank();
        // SAFETY: a whole structure.
        unsafe { driver_system_info(&mut si, size_of::<ErlDrvSysInfo>()) };
        assert_eq!((si.driver_major_version, si.driver_minor_version), (3, 3));
        // SAFETY: the runtime's NUL-terminated strings.
        let (erts, otp) = unsafe {
            (
                CStr::from_ptr(si.erts_version),
                CStr::from_ptr(si.otp_release),
            )
        };
        assert_eq!(otp, c"25");
        let erts = erts.to_str().unwrap();
        assert!(
            erts.split('.').count() >= 2 && erts.split('.').all(|p| p.parse::<u32>().is_ok()),
            "{erts}"
        );
        assert_eq!((si.thread_support, si.smp_support), (1, 1));
        assert_eq!(
            si.async_threads,
            super::super::async_pool::thread_count() as c_int
        );
        assert!(si.scheduler_threads >= 1);
        assert_eq!((si.nif_major_version, si.nif_minor_version), (2, 16));
        assert_eq!(si.dirty_scheduler_support, 1);
    }

    #[test]
    fn short_structure() {
        // A driver that knows only up to `smp_support` (an old interface).
        let mut si = blank();
        let size = offset_of!(ErlDrvSysInfo, async_threads);
        // SAFETY: `si` is larger than `size`.
        unsafe { driver_system_info(&mut si, size) };
        assert_eq!(si.driver_major_version, 3);
        assert!(!si.otp_release.is_null());
        assert_eq!(si.smp_support, 1);
        assert_eq!(si.async_threads, -1);
        assert_eq!(si.scheduler_threads, -1);
        assert_eq!(si.dirty_scheduler_support, -1);

        // Only the first field.
        let mut si = blank();
        // SAFETY: as above.
        unsafe { driver_system_info(&mut si, size_of::<c_int>()) };
        assert_eq!(si.driver_major_version, 3);
        assert_eq!(si.driver_minor_version, -1);
        assert!(si.erts_version.is_null());
        // SAFETY: NULL is ignored.
        unsafe { driver_system_info(null_mut(), 100) };
    }

    #[test]
    fn errno_names() {
        // SAFETY: static NUL-terminated strings.
        unsafe {
            assert_eq!(CStr::from_ptr(erl_errno_id(libc::ENOENT)), c"enoent");
            assert_eq!(CStr::from_ptr(erl_errno_id(libc::EAGAIN)), c"eagain");
            assert_eq!(CStr::from_ptr(erl_errno_id(-3)), c"unknown");
        }
        assert_eq!(erl_errno_id(libc::EPIPE), erl_errno_id(libc::EPIPE));
        assert_eq!(null_func(), 0);
    }
}
