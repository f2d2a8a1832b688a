//! Driver locks: mutexes (`erl_drv_mutex_*`), condition variables (`erl_drv_cond_*`) and
//! reader/writer locks (`erl_drv_rwlock_*`), each with the name it was made with
//! (`erl_drv_*_name`).
//!
//! They are POSIX `pthread_mutex_t`, `pthread_cond_t` and `pthread_rwlock_t` in a heap
//! allocation that never moves (a pthread object may not be moved once initialised), so C can
//! lock in one call and unlock in another, and `erl_drv_cond_wait` waits on the mutex of
//! `erl_drv_mutex_create`. The handle types of `erl_driver.h` are opaque to drivers: an
//! `ErlDrvMutex *` here points to a [`DrvMutex`], and so on.
//!
//! As in OTP, `erl_drv_*_create` returns NULL when the object cannot be made, `*_trylock`
//! returns 0 when it took the lock and `EBUSY` when it did not, a NULL name reads back as
//! `"unknown"`, and a lock operation on a NULL handle is a fatal error (the runtime aborts with
//! a message, as OTP does). Destroying a NULL handle does nothing.

use core::cell::UnsafeCell;
use core::ffi::{c_char, c_int, CStr};
use std::ffi::CString;

use crate::driver_abi::{ErlDrvCond, ErlDrvMutex, ErlDrvRWLock};

/// The name of an object made without one (OTP's placeholder).
const NO_NAME: &CStr = c"unknown";

/// A copy of a C name, or [`NO_NAME`].
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
unsafe fn own_name(name: *const c_char) -> CString {
    if name.is_null() {
        NO_NAME.to_owned()
    } else {
        // SAFETY: the caller passes a NUL-terminated string.
        unsafe { CStr::from_ptr(name) }.to_owned()
    }
}

/// A fatal misuse by a driver: OTP ends the runtime too.
fn fatal(what: &str) -> ! {
    eprintln!("beam: {what} called with a NULL handle");
    std::process::abort()
}

/// What an `ErlDrvMutex *` points to.
pub struct DrvMutex {
    raw: UnsafeCell<libc::pthread_mutex_t>,
    name: CString,
}

/// What an `ErlDrvCond *` points to.
pub struct DrvCond {
    raw: UnsafeCell<libc::pthread_cond_t>,
    name: CString,
}

/// What an `ErlDrvRWLock *` points to.
pub struct DrvRwLock {
    raw: UnsafeCell<libc::pthread_rwlock_t>,
    name: CString,
}

// ---- mutexes --------------------------------------------------------------------------------

/// The pthread mutex of a handle; aborts on NULL.
///
/// # Safety
/// `mtx` is NULL or a live handle of `erl_drv_mutex_create`.
unsafe fn mutex_raw(mtx: *mut ErlDrvMutex, what: &str) -> *mut libc::pthread_mutex_t {
    let m: *mut DrvMutex = mtx.cast();
    if m.is_null() {
        fatal(what);
    }
    // SAFETY: a live `DrvMutex` (the caller's contract).
    unsafe { (*m).raw.get() }
}

/// `ErlDrvMutex *erl_drv_mutex_create(char *name)`: an unlocked mutex, or NULL.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_mutex_create(name: *mut c_char) -> *mut ErlDrvMutex {
    let m = Box::new(DrvMutex {
        raw: UnsafeCell::new(libc::PTHREAD_MUTEX_INITIALIZER),
        // SAFETY: the caller passes NULL or a NUL-terminated string.
        name: unsafe { own_name(name) },
    });
    let m = Box::into_raw(m);
    // SAFETY: `m` is a fresh allocation that will not move; the mutex is initialised once.
    let rc = unsafe { libc::pthread_mutex_init((*m).raw.get(), core::ptr::null()) };
    if rc != 0 {
        // SAFETY: made by `Box::into_raw` above and not shared.
        drop(unsafe { Box::from_raw(m) });
        return core::ptr::null_mut();
    }
    m.cast()
}

/// `void erl_drv_mutex_destroy(ErlDrvMutex *mtx)`: frees an unlocked mutex.
///
/// # Safety
/// `mtx` is NULL or a live, unlocked handle nobody uses any more.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_mutex_destroy(mtx: *mut ErlDrvMutex) {
    let m: *mut DrvMutex = mtx.cast();
    if m.is_null() {
        return;
    }
    // SAFETY: the caller's contract: a live handle made by `Box::into_raw`, unused from now.
    unsafe {
        libc::pthread_mutex_destroy((*m).raw.get());
        drop(Box::from_raw(m));
    }
}

/// `void erl_drv_mutex_lock(ErlDrvMutex *mtx)`.
///
/// # Safety
/// `mtx` is a live handle not locked by the calling thread.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_mutex_lock(mtx: *mut ErlDrvMutex) {
    // SAFETY: a live handle (the caller's contract).
    unsafe { libc::pthread_mutex_lock(mutex_raw(mtx, "erl_drv_mutex_lock()")) };
}

/// `int erl_drv_mutex_trylock(ErlDrvMutex *mtx)`: 0 if locked now, else `EBUSY`.
///
/// # Safety
/// `mtx` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_mutex_trylock(mtx: *mut ErlDrvMutex) -> c_int {
    // SAFETY: a live handle (the caller's contract).
    match unsafe { libc::pthread_mutex_trylock(mutex_raw(mtx, "erl_drv_mutex_trylock()")) } {
        0 => 0,
        _ => libc::EBUSY,
    }
}

/// `void erl_drv_mutex_unlock(ErlDrvMutex *mtx)`.
///
/// # Safety
/// `mtx` is a live handle locked by the calling thread.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_mutex_unlock(mtx: *mut ErlDrvMutex) {
    // SAFETY: a live handle (the caller's contract).
    unsafe { libc::pthread_mutex_unlock(mutex_raw(mtx, "erl_drv_mutex_unlock()")) };
}

/// `char *erl_drv_mutex_name(ErlDrvMutex *mtx)`: the name given at creation; NULL for NULL.
///
/// # Safety
/// `mtx` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_mutex_name(mtx: *mut ErlDrvMutex) -> *mut c_char {
    let m: *mut DrvMutex = mtx.cast();
    if m.is_null() {
        return core::ptr::null_mut();
    }
    // SAFETY: a live handle (the caller's contract); the name lives as long as it.
    unsafe { (*m).name.as_ptr().cast_mut() }
}

// ---- condition variables --------------------------------------------------------------------

/// The pthread condition variable of a handle; aborts on NULL.
///
/// # Safety
/// `cnd` is NULL or a live handle of `erl_drv_cond_create`.
unsafe fn cond_raw(cnd: *mut ErlDrvCond, what: &str) -> *mut libc::pthread_cond_t {
    let c: *mut DrvCond = cnd.cast();
    if c.is_null() {
        fatal(what);
    }
    // SAFETY: a live `DrvCond` (the caller's contract).
    unsafe { (*c).raw.get() }
}

/// `ErlDrvCond *erl_drv_cond_create(char *name)`: a condition variable, or NULL.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_cond_create(name: *mut c_char) -> *mut ErlDrvCond {
    let c = Box::new(DrvCond {
        raw: UnsafeCell::new(libc::PTHREAD_COND_INITIALIZER),
        // SAFETY: the caller passes NULL or a NUL-terminated string.
        name: unsafe { own_name(name) },
    });
    let c = Box::into_raw(c);
    // SAFETY: `c` is a fresh allocation that will not move; initialised once.
    let rc = unsafe { libc::pthread_cond_init((*c).raw.get(), core::ptr::null()) };
    if rc != 0 {
        // SAFETY: made by `Box::into_raw` above and not shared.
        drop(unsafe { Box::from_raw(c) });
        return core::ptr::null_mut();
    }
    c.cast()
}

/// `void erl_drv_cond_destroy(ErlDrvCond *cnd)`: frees a condition variable nobody waits on.
///
/// # Safety
/// `cnd` is NULL or a live handle nobody uses any more.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_cond_destroy(cnd: *mut ErlDrvCond) {
    let c: *mut DrvCond = cnd.cast();
    if c.is_null() {
        return;
    }
    // SAFETY: the caller's contract: a live handle made by `Box::into_raw`, unused from now.
    unsafe {
        libc::pthread_cond_destroy((*c).raw.get());
        drop(Box::from_raw(c));
    }
}

/// `void erl_drv_cond_signal(ErlDrvCond *cnd)`: wakes one waiter, if any.
///
/// # Safety
/// `cnd` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_cond_signal(cnd: *mut ErlDrvCond) {
    // SAFETY: a live handle (the caller's contract).
    unsafe { libc::pthread_cond_signal(cond_raw(cnd, "erl_drv_cond_signal()")) };
}

/// `void erl_drv_cond_broadcast(ErlDrvCond *cnd)`: wakes every waiter.
///
/// # Safety
/// `cnd` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_cond_broadcast(cnd: *mut ErlDrvCond) {
    // SAFETY: a live handle (the caller's contract).
    unsafe { libc::pthread_cond_broadcast(cond_raw(cnd, "erl_drv_cond_broadcast()")) };
}

/// `void erl_drv_cond_wait(ErlDrvCond *cnd, ErlDrvMutex *mtx)`: unlocks `mtx`, waits for a
/// signal and locks `mtx` again. It may also return without a signal (spurious wake-up), as
/// OTP documents: callers wait in a loop on their condition.
///
/// # Safety
/// `cnd` and `mtx` are live handles; the calling thread holds `mtx`.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_cond_wait(cnd: *mut ErlDrvCond, mtx: *mut ErlDrvMutex) {
    // SAFETY: live handles, `mtx` held by this thread (the caller's contract).
    unsafe {
        libc::pthread_cond_wait(
            cond_raw(cnd, "erl_drv_cond_wait()"),
            mutex_raw(mtx, "erl_drv_cond_wait()"),
        )
    };
}

/// `char *erl_drv_cond_name(ErlDrvCond *cnd)`: the name given at creation; NULL for NULL.
///
/// # Safety
/// `cnd` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_cond_name(cnd: *mut ErlDrvCond) -> *mut c_char {
    let c: *mut DrvCond = cnd.cast();
    if c.is_null() {
        return core::ptr::null_mut();
    }
    // SAFETY: a live handle (the caller's contract); the name lives as long as it.
    unsafe { (*c).name.as_ptr().cast_mut() }
}

// ---- reader/writer locks --------------------------------------------------------------------

/// The pthread rwlock of a handle; aborts on NULL.
///
/// # Safety
/// `rw` is NULL or a live handle of `erl_drv_rwlock_create`.
unsafe fn rwlock_raw(rw: *mut ErlDrvRWLock, what: &str) -> *mut libc::pthread_rwlock_t {
    let l: *mut DrvRwLock = rw.cast();
    if l.is_null() {
        fatal(what);
    }
    // SAFETY: a live `DrvRwLock` (the caller's contract).
    unsafe { (*l).raw.get() }
}

/// `ErlDrvRWLock *erl_drv_rwlock_create(char *name)`: an unlocked rwlock, or NULL.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_rwlock_create(name: *mut c_char) -> *mut ErlDrvRWLock {
    let l = Box::new(DrvRwLock {
        raw: UnsafeCell::new(libc::PTHREAD_RWLOCK_INITIALIZER),
        // SAFETY: the caller passes NULL or a NUL-terminated string.
        name: unsafe { own_name(name) },
    });
    let l = Box::into_raw(l);
    // SAFETY: `l` is a fresh allocation that will not move; initialised once.
    let rc = unsafe { libc::pthread_rwlock_init((*l).raw.get(), core::ptr::null()) };
    if rc != 0 {
        // SAFETY: made by `Box::into_raw` above and not shared.
        drop(unsafe { Box::from_raw(l) });
        return core::ptr::null_mut();
    }
    l.cast()
}

/// `void erl_drv_rwlock_destroy(ErlDrvRWLock *rwlck)`: frees an unlocked rwlock.
///
/// # Safety
/// `rwlck` is NULL or a live, unlocked handle nobody uses any more.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_rwlock_destroy(rwlck: *mut ErlDrvRWLock) {
    let l: *mut DrvRwLock = rwlck.cast();
    if l.is_null() {
        return;
    }
    // SAFETY: the caller's contract: a live handle made by `Box::into_raw`, unused from now.
    unsafe {
        libc::pthread_rwlock_destroy((*l).raw.get());
        drop(Box::from_raw(l));
    }
}

/// `void erl_drv_rwlock_rlock(ErlDrvRWLock *rwlck)`: locks for reading.
///
/// # Safety
/// `rwlck` is a live handle the calling thread does not hold for writing.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_rwlock_rlock(rwlck: *mut ErlDrvRWLock) {
    // SAFETY: a live handle (the caller's contract).
    unsafe { libc::pthread_rwlock_rdlock(rwlock_raw(rwlck, "erl_drv_rwlock_rlock()")) };
}

/// `void erl_drv_rwlock_runlock(ErlDrvRWLock *rwlck)`: ends a read lock.
///
/// # Safety
/// `rwlck` is a live handle the calling thread holds for reading.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_rwlock_runlock(rwlck: *mut ErlDrvRWLock) {
    // SAFETY: a live handle (the caller's contract).
    unsafe { libc::pthread_rwlock_unlock(rwlock_raw(rwlck, "erl_drv_rwlock_runlock()")) };
}

/// `void erl_drv_rwlock_rwlock(ErlDrvRWLock *rwlck)`: locks for reading and writing.
///
/// # Safety
/// `rwlck` is a live handle the calling thread does not hold.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_rwlock_rwlock(rwlck: *mut ErlDrvRWLock) {
    // SAFETY: a live handle (the caller's contract).
    unsafe { libc::pthread_rwlock_wrlock(rwlock_raw(rwlck, "erl_drv_rwlock_rwlock()")) };
}

/// `void erl_drv_rwlock_rwunlock(ErlDrvRWLock *rwlck)`: ends a read/write lock.
///
/// # Safety
/// `rwlck` is a live handle the calling thread holds for writing.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_rwlock_rwunlock(rwlck: *mut ErlDrvRWLock) {
    // SAFETY: a live handle (the caller's contract).
    unsafe { libc::pthread_rwlock_unlock(rwlock_raw(rwlck, "erl_drv_rwlock_rwunlock()")) };
}

/// `int erl_drv_rwlock_tryrlock(ErlDrvRWLock *rwlck)`: 0 if read-locked now, else `EBUSY`.
///
/// # Safety
/// `rwlck` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_rwlock_tryrlock(rwlck: *mut ErlDrvRWLock) -> c_int {
    // SAFETY: a live handle (the caller's contract).
    match unsafe { libc::pthread_rwlock_tryrdlock(rwlock_raw(rwlck, "erl_drv_rwlock_tryrlock()")) }
    {
        0 => 0,
        _ => libc::EBUSY,
    }
}

/// `int erl_drv_rwlock_tryrwlock(ErlDrvRWLock *rwlck)`: 0 if write-locked now, else `EBUSY`.
///
/// # Safety
/// `rwlck` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_rwlock_tryrwlock(rwlck: *mut ErlDrvRWLock) -> c_int {
    // SAFETY: a live handle (the caller's contract).
    match unsafe { libc::pthread_rwlock_trywrlock(rwlock_raw(rwlck, "erl_drv_rwlock_tryrwlock()")) }
    {
        0 => 0,
        _ => libc::EBUSY,
    }
}

/// `char *erl_drv_rwlock_name(ErlDrvRWLock *rwlck)`: the name given at creation; NULL for
/// NULL.
///
/// # Safety
/// `rwlck` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_rwlock_name(rwlck: *mut ErlDrvRWLock) -> *mut c_char {
    let l: *mut DrvRwLock = rwlck.cast();
    if l.is_null() {
        return core::ptr::null_mut();
    }
    // SAFETY: a live handle (the caller's contract); the name lives as long as it.
    unsafe { (*l).name.as_ptr().cast_mut() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::ptr::null_mut;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    /// Raw handles shared with test threads.
    struct Shared<T>(*mut T);
    impl<T> Clone for Shared<T> {
        fn clone(&self) -> Self {
            *self
        }
    }
    impl<T> Copy for Shared<T> {}
    // SAFETY: the handles are thread-safe objects used through the C API.
    unsafe impl<T> Send for Shared<T> {}

    #[test]
    fn names_and_trylock() {
        // SAFETY: handles are used while live and destroyed once, unlocked.
        unsafe {
            let m = erl_drv_mutex_create(c"m1".as_ptr().cast_mut());
            assert!(!m.is_null());
            assert_eq!(CStr::from_ptr(erl_drv_mutex_name(m)), c"m1");
            assert_eq!(erl_drv_mutex_trylock(m), 0);
            let m2 = Shared(m);
            let other = std::thread::spawn(move || {
                let m = m2;
                erl_drv_mutex_trylock(m.0)
            });
            assert_eq!(other.join().unwrap(), libc::EBUSY);
            erl_drv_mutex_unlock(m);
            erl_drv_mutex_destroy(m);

            let c = erl_drv_cond_create(null_mut());
            assert_eq!(CStr::from_ptr(erl_drv_cond_name(c)), NO_NAME);
            erl_drv_cond_signal(c);
            erl_drv_cond_broadcast(c);
            erl_drv_cond_destroy(c);

            let l = erl_drv_rwlock_create(c"rw".as_ptr().cast_mut());
            assert_eq!(CStr::from_ptr(erl_drv_rwlock_name(l)), c"rw");
            erl_drv_rwlock_destroy(l);

            assert!(erl_drv_mutex_name(null_mut()).is_null());
            assert!(erl_drv_cond_name(null_mut()).is_null());
            assert!(erl_drv_rwlock_name(null_mut()).is_null());
            erl_drv_mutex_destroy(null_mut());
            erl_drv_cond_destroy(null_mut());
            erl_drv_rwlock_destroy(null_mut());
        }
    }

    /// Two threads take turns through a shared counter: each waits until the counter has its
    /// parity, then bumps it and signals.
    #[test]
    fn mutex_cond_ping_pong() {
        const ROUNDS: usize = 2000;
        // SAFETY: live handles, destroyed after both threads finished.
        unsafe {
            let m = Shared(erl_drv_mutex_create(c"pp".as_ptr().cast_mut()));
            let c = Shared(erl_drv_cond_create(c"pp".as_ptr().cast_mut()));
            let counter = Arc::new(AtomicUsize::new(0));
            let player = |parity: usize| {
                let counter = counter.clone();
                std::thread::spawn(move || {
                    let (m, c) = (m, c);
                    for _ in 0..ROUNDS {
                        erl_drv_mutex_lock(m.0);
                        while counter.load(Ordering::Relaxed) % 2 != parity {
                            erl_drv_cond_wait(c.0, m.0);
                        }
                        counter.fetch_add(1, Ordering::Relaxed);
                        erl_drv_cond_broadcast(c.0);
                        erl_drv_mutex_unlock(m.0);
                    }
                })
            };
            let (a, b) = (player(0), player(1));
            a.join().unwrap();
            b.join().unwrap();
            assert_eq!(counter.load(Ordering::Relaxed), 2 * ROUNDS);
            erl_drv_cond_destroy(c.0);
            erl_drv_mutex_destroy(m.0);
        }
    }

    /// Readers share the lock; a writer excludes them and other writers.
    #[test]
    fn rwlock_readers_and_writer() {
        // SAFETY: live handle, destroyed after every thread finished.
        unsafe {
            let l = Shared(erl_drv_rwlock_create(c"rw".as_ptr().cast_mut()));
            // Two read locks at once, but no write lock meanwhile.
            erl_drv_rwlock_rlock(l.0);
            assert_eq!(erl_drv_rwlock_tryrlock(l.0), 0);
            let t = std::thread::spawn(move || {
                let l = l;
                let w = erl_drv_rwlock_tryrwlock(l.0);
                let r = erl_drv_rwlock_tryrlock(l.0);
                if r == 0 {
                    erl_drv_rwlock_runlock(l.0);
                }
                (w, r)
            });
            let (w, r) = t.join().unwrap();
            assert_eq!(w, libc::EBUSY);
            assert_eq!(r, 0);
            erl_drv_rwlock_runlock(l.0);
            erl_drv_rwlock_runlock(l.0);
            assert_eq!(erl_drv_rwlock_tryrwlock(l.0), 0);
            erl_drv_rwlock_rwunlock(l.0);

            // A writer excludes readers.
            erl_drv_rwlock_rwlock(l.0);
            let t = std::thread::spawn(move || {
                let l = l;
                erl_drv_rwlock_tryrlock(l.0)
            });
            assert_eq!(t.join().unwrap(), libc::EBUSY);
            erl_drv_rwlock_rwunlock(l.0);

            // Many readers and writers: a writer always sees the value it wrote.
            let value = Arc::new(AtomicUsize::new(0));
            let threads: Vec<_> = (0..6)
                .map(|i| {
                    let value = value.clone();
                    std::thread::spawn(move || {
                        let l = l;
                        for _ in 0..500 {
                            if i % 3 == 0 {
                                erl_drv_rwlock_rwlock(l.0);
                                let v = value.load(Ordering::Relaxed);
                                value.store(v + 1, Ordering::Relaxed);
                                std::thread::yield_now();
                                assert_eq!(value.load(Ordering::Relaxed), v + 1);
                                erl_drv_rwlock_rwunlock(l.0);
                            } else {
                                erl_drv_rwlock_rlock(l.0);
                                let v = value.load(Ordering::Relaxed);
                                std::thread::yield_now();
                                assert_eq!(value.load(Ordering::Relaxed), v);
                                erl_drv_rwlock_runlock(l.0);
                            }
                        }
                    })
                })
                .collect();
            for t in threads {
                t.join().unwrap();
            }
            assert_eq!(value.load(Ordering::Relaxed), 1000);
            erl_drv_rwlock_destroy(l.0);
        }
    }
}
