//! Calls the runtime-utility half of the erl_driver API from C: compiles
//! `c-tests/drv_util/util_test.c` into a shared object (against our `include/` headers and,
//! when installed, OTP's), loads it, gives it the addresses of this crate's functions, and
//! runs its checks (threads and `erl_drv_thread_exit` through C frames, locks, thread-specific
//! data, environment, time, memory, system information).
//!
//! A test executable does not export its symbols to the objects it loads, so the object is
//! built with `-DUTIL_TEST_FORWARD`: it then defines each function it calls as a jump through
//! a pointer, set here by name (see the C file). Linux on x86_64 or aarch64 only.

#![cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::path::{Path, PathBuf};
use std::process::Command;

use ports::driver_api::{alloc, env, sync, sysinfo, threads, time, tsd};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// OTP's `usr/include` (with `erl_driver.h`), if Erlang/OTP is installed.
fn otp_include_dir() -> Option<PathBuf> {
    let out = Command::new("erl")
        .args([
            "-noshell",
            "-eval",
            "io:format(\"~s\",[code:root_dir()]),halt().",
        ])
        .output()
        .ok()?;
    let root = String::from_utf8_lossy(&out.stdout).trim().to_string();
    [
        Path::new(&root).join("usr/include"),
        PathBuf::from("/usr/include"),
    ]
    .into_iter()
    .find(|d| !root.is_empty() && d.join("erl_driver.h").is_file())
}

/// Every function the C file uses, by name.
fn functions() -> Vec<(&'static str, *const c_void)> {
    macro_rules! table {
        ($($m:ident::$f:ident),* $(,)?) => {
            vec![$((stringify!($f), $m::$f as *const c_void)),*]
        };
    }
    table![
        threads::erl_drv_thread_create,
        threads::erl_drv_thread_self,
        threads::erl_drv_equal_tids,
        threads::erl_drv_thread_exit,
        threads::erl_drv_thread_join,
        threads::erl_drv_thread_name,
        threads::erl_drv_thread_opts_create,
        threads::erl_drv_thread_opts_destroy,
        sync::erl_drv_mutex_create,
        sync::erl_drv_mutex_destroy,
        sync::erl_drv_mutex_lock,
        sync::erl_drv_mutex_trylock,
        sync::erl_drv_mutex_unlock,
        sync::erl_drv_mutex_name,
        sync::erl_drv_cond_create,
        sync::erl_drv_cond_destroy,
        sync::erl_drv_cond_signal,
        sync::erl_drv_cond_broadcast,
        sync::erl_drv_cond_wait,
        sync::erl_drv_cond_name,
        sync::erl_drv_rwlock_create,
        sync::erl_drv_rwlock_destroy,
        sync::erl_drv_rwlock_rlock,
        sync::erl_drv_rwlock_runlock,
        sync::erl_drv_rwlock_rwlock,
        sync::erl_drv_rwlock_rwunlock,
        sync::erl_drv_rwlock_tryrlock,
        sync::erl_drv_rwlock_tryrwlock,
        sync::erl_drv_rwlock_name,
        tsd::erl_drv_tsd_key_create,
        tsd::erl_drv_tsd_key_destroy,
        tsd::erl_drv_tsd_set,
        tsd::erl_drv_tsd_get,
        env::erl_drv_getenv,
        env::erl_drv_putenv,
        time::erl_drv_monotonic_time,
        time::erl_drv_time_offset,
        time::erl_drv_convert_time_unit,
        time::driver_get_now,
        alloc::driver_alloc,
        alloc::driver_realloc,
        alloc::driver_free,
        sysinfo::driver_system_info,
        sysinfo::erl_errno_id,
        sysinfo::null_func,
    ]
}

/// Builds the test object against `include`; its path.
fn build(label: &str, include: &Path) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("beam-rs-drv-util-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let so = dir.join(format!("util_test_{label}.so"));
    let out = Command::new("cc")
        .args([
            "-shared",
            "-fPIC",
            "-O2",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-DUTIL_TEST_FORWARD",
        ])
        .arg(format!("-I{}", include.display()))
        .arg("-o")
        .arg(&so)
        .arg(repo_root().join("c-tests/drv_util/util_test.c"))
        .arg("-lpthread")
        .output()
        .expect("running cc");
    assert!(
        out.status.success(),
        "{label}: cc failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    so
}

/// Loads `so`, hands it the functions and runs its checks.
fn run(label: &str, so: &Path) {
    let path = CString::new(so.to_str().unwrap()).unwrap();
    // SAFETY: a path to an object built above; its constructors do nothing.
    let handle = unsafe { libc::dlopen(path.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
    assert!(!handle.is_null(), "{label}: dlopen: {:?}", unsafe {
        // SAFETY: dlerror gives NULL or a NUL-terminated message.
        let e = libc::dlerror();
        (!e.is_null()).then(|| CStr::from_ptr(e).to_owned())
    });
    type Forward = unsafe extern "C" fn(*const c_char, *mut c_void) -> c_int;
    type RunFn = unsafe extern "C" fn(*mut c_char, usize) -> c_int;
    // SAFETY: the object defines both with these signatures (see the C file).
    let (forward, run) = unsafe {
        let f = libc::dlsym(handle, c"util_test_forward".as_ptr());
        let r = libc::dlsym(handle, c"util_test_run".as_ptr());
        assert!(
            !f.is_null() && !r.is_null(),
            "{label}: entry points missing"
        );
        (
            std::mem::transmute::<*mut c_void, Forward>(f),
            std::mem::transmute::<*mut c_void, RunFn>(r),
        )
    };
    for (name, f) in functions() {
        let n = CString::new(name).unwrap();
        // SAFETY: `f` is the function the C side declares under that name.
        assert_eq!(
            unsafe { forward(n.as_ptr(), f.cast_mut()) },
            0,
            "{label}: unknown {name}"
        );
    }
    let mut err = [0 as c_char; 512];
    // SAFETY: `err` is writable for its length.
    let rc = unsafe { run(err.as_mut_ptr(), err.len()) };
    // SAFETY: NUL-terminated by snprintf, or still all zero.
    let msg = unsafe { CStr::from_ptr(err.as_ptr()) }
        .to_string_lossy()
        .into_owned();
    assert_eq!(rc, 0, "{label}: {msg}");
    // The object stays loaded: threads it started are joined, but nothing is gained by
    // unloading it.
}

#[test]
fn utilities_from_c_with_our_headers() {
    let so = build("ours", &repo_root().join("include"));
    run("ours", &so);
    let _ = std::fs::remove_file(so);
}

#[test]
fn utilities_from_c_with_otp_headers() {
    let Some(include) = otp_include_dir() else {
        eprintln!("OTP's erl_driver.h not found: skipped");
        return;
    };
    let so = build("otp", &include);
    run("otp", &so);
    let _ = std::fs::remove_file(so);
}
