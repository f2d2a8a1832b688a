//! Runtime instances: several isolated runtimes in one OS process.
//!
//! An [`Instance`] is one runtime: its processes, registered names, ETS tables, loaded code,
//! export and fun entries, ports, timers, schedulers and every thread it starts. All of that
//! state lives in the instance's [`InstanceState`]; nothing of it is shared with another
//! instance. What stays process-wide (and says so where it is declared): the atom table
//! (atoms are immutable, and a term's atom index means the same everywhere), caches keyed by
//! content whose sharing nobody can observe (compiled regular expressions, the BIF table),
//! the OS signal handling, the break handler and the terminal (only the `beam` binary
//! installs them), the port-program fork helper (one `fork` per OS process) and `dlopen`
//! handles of C libraries (each instance still runs a NIF library's `load` and has its own
//! private data and resource types).
//!
//! # The current instance
//! Runtime code finds its instance through a thread-local pointer: [`current`] is one
//! thread-local read. A thread has an instance *entered* when
//! - it runs inside [`Instance::enter`] (a host thread calling into the runtime, the `beam`
//!   binary's main thread), or
//! - it was started by [`spawn_thread`] (schedulers, dirty schedulers, the poller, the timer
//!   thread, the async pool, port reader and writer threads, threads of `enif_thread_create`
//!   and `erl_drv_thread_create`): the new thread enters the instance of its creator, and
//!   [`Instance::shutdown`] joins it.
//!
//! A thread the runtime did not create (a NIF library's own thread calling `enif_send(NULL,
//! ...)`) falls back to the only live instance; with several live instances [`try_current`]
//! answers `None` (callers report an error) and [`current`] panics (a bug of the caller).
//! A thread that touches runtime state while no instance exists at all gets the *default
//! instance*, made on first use and never shut down: unit tests and small tools use it.
//!
//! # Per-instance statics
//! A subsystem declares its state as `static X: InstanceLocal<T>`; `X.get_or_init(..)` gives
//! the current instance's value, made on first use. Each `InstanceLocal` gets a slot number
//! once per OS process; every instance has a fixed array of slots.
//!
//! # Lifetime
//! [`Instance::shutdown`] stops the schedulers and every thread of the instance (waking them
//! through the stop hooks subsystems register with [`on_stop`]), joins them, then tears the
//! state down with the instance entered (ports are stopped, processes dropped: [`on_teardown`]
//! hooks), so that destructors that look for their instance find it. The memory (slots,
//! exports, fun entries, code: [`leak`]) is freed when the last [`Instance`] handle and the
//! last thread holding the state are gone.

use parking_lot::Mutex;
use std::cell::Cell;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, Weak};

/// How many [`InstanceLocal`] statics one OS process may declare.
const MAX_SLOTS: usize = 256;

/// A value owned by an instance, stored without its type: freed by `drop`.
struct Erased {
    ptr: *mut (),
    drop: unsafe fn(*mut ()),
}

// SAFETY: an `Erased` is made only from values that are `Send + Sync` (`InstanceLocal<T>`
// requires it) or from code and entries that the instance's threads share read-only
// (`leak`); it is dropped once, by the instance.
unsafe impl Send for Erased {}
// SAFETY: as above.
unsafe impl Sync for Erased {}

impl Erased {
    fn new<T>(v: Box<T>) -> Erased {
        unsafe fn drop_box<T>(p: *mut ()) {
            // SAFETY: `p` came from `Box::into_raw` of a `Box<T>` in `Erased::new::<T>`, and is
            // dropped once.
            drop(unsafe { Box::from_raw(p as *mut T) });
        }
        Erased {
            ptr: Box::into_raw(v) as *mut (),
            drop: drop_box::<T>,
        }
    }
}

impl Drop for Erased {
    fn drop(&mut self) {
        // SAFETY: `ptr` and `drop` were made together in `Erased::new`.
        unsafe { (self.drop)(self.ptr) }
    }
}

type Hook = Box<dyn FnOnce() + Send>;
/// A halt handler as the instance keeps it (shared with a caller of `halt`).
type SharedHaltHandler = Arc<dyn Fn(i32) + Send + Sync>;
/// What `erlang:halt/0,1,2` calls in an embedded instance, with the exit status.
pub type HaltHandler = Box<dyn Fn(i32) + Send + Sync>;

/// The state of one runtime instance (see the module documentation).
pub struct InstanceState {
    id: u64,
    /// The hottest state is in fields of its own (one thread-local read and an offset):
    /// the process table, the scheduler system and the statistics counters.
    pub(crate) processes: crate::process::table::ProcessTable,
    pub(crate) sched: OnceLock<crate::sched::System>,
    pub(crate) counters: crate::sched::stats::Counters,
    slots: [OnceLock<Erased>; MAX_SLOTS],
    /// Code, export entries and fun entries that the instance's code refers to as
    /// `&'static` ([`leak`]).
    arena: Mutex<Vec<Erased>>,
    /// Set when the instance stops (shutdown or halt): thread loops end.
    stopping: AtomicBool,
    /// Held while `shutdown` runs; once it is done, the number of threads it left running
    /// (blocked in native code: 0 normally).
    shut_down: Mutex<Option<usize>>,
    threads: Mutex<Vec<std::thread::JoinHandle<()>>>,
    /// The instance's threads that have not finished yet, and the signal of each end.
    live_threads: Mutex<usize>,
    thread_ended: parking_lot::Condvar,
    stop_hooks: Mutex<Vec<Hook>>,
    teardown_hooks: Mutex<Vec<Hook>>,
    halt_handler: Mutex<Option<SharedHaltHandler>>,
    halt_status: Mutex<Option<i32>>,
    /// An eventfd that becomes readable when the instance stops (threads blocked in `poll`).
    stop_fd: OnceLock<Option<std::os::fd::OwnedFd>>,
    /// Number of [`Instance`] handles (the host's); the last one dropped shuts down.
    handles: AtomicUsize,
}

/// One runtime: its processes, names, ETS, loaded code, ports, timers, schedulers, threads.
pub struct Instance(Arc<InstanceState>);

impl Clone for Instance {
    fn clone(&self) -> Instance {
        self.0.handles.fetch_add(1, Ordering::AcqRel);
        Instance(self.0.clone())
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        if self.0.handles.fetch_sub(1, Ordering::AcqRel) == 1 && !self.0.is_own_thread() {
            self.shutdown();
        }
    }
}

thread_local! {
    /// The instance entered on this thread (null: none).
    static CURRENT: Cell<*const InstanceState> = const { Cell::new(std::ptr::null()) };
    /// Set on threads made by [`spawn_thread`].
    static OWN_THREAD: Cell<*const InstanceState> = const { Cell::new(std::ptr::null()) };
}

/// Instances created and not shut down.
static LIVE: Mutex<Vec<Weak<InstanceState>>> = Mutex::new(Vec::new());
/// The default instance (see the module documentation). Process-wide by design.
static DEFAULT: OnceLock<Instance> = OnceLock::new();
static NEXT_ID: AtomicU64 = AtomicU64::new(1);
/// Instance states made and not freed yet.
static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

/// How many instance states exist (made and not yet freed), the default instance included:
/// a host (or test) checks with it that instances it dropped are gone.
pub fn allocated() -> usize {
    ALLOCATED.load(Ordering::Acquire)
}

impl Default for Instance {
    fn default() -> Self {
        Instance::new()
    }
}

impl Instance {
    /// A new instance with empty state; starts no thread.
    pub fn new() -> Instance {
        let st = Arc::new(InstanceState {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            processes: crate::process::table::ProcessTable::new(),
            sched: OnceLock::new(),
            counters: crate::sched::stats::Counters::default(),
            slots: [const { OnceLock::new() }; MAX_SLOTS],
            arena: Mutex::new(Vec::new()),
            stopping: AtomicBool::new(false),
            shut_down: Mutex::new(None),
            threads: Mutex::new(Vec::new()),
            live_threads: Mutex::new(0),
            thread_ended: parking_lot::Condvar::new(),
            stop_hooks: Mutex::new(Vec::new()),
            teardown_hooks: Mutex::new(Vec::new()),
            halt_handler: Mutex::new(None),
            halt_status: Mutex::new(None),
            stop_fd: OnceLock::new(),
            handles: AtomicUsize::new(1),
        });
        ALLOCATED.fetch_add(1, Ordering::AcqRel);
        let mut live = LIVE.lock();
        live.retain(|w| w.strong_count() > 0);
        live.push(Arc::downgrade(&st));
        Instance(st)
    }

    /// Runs `f` with this instance current on this thread; the previous one (if any) is
    /// current again afterwards, also when `f` panics.
    pub fn enter<R>(&self, f: impl FnOnce() -> R) -> R {
        enter_state(&self.0, f)
    }

    /// The instance's number (unique in this OS process).
    pub fn id(&self) -> u64 {
        self.0.id
    }

    /// The state (for runtime code that holds an instance).
    pub fn state(&self) -> &InstanceState {
        &self.0
    }

    /// Makes `erlang:halt/0,1,2` (and `init:stop` of a bare run, and the exit after a crash
    /// dump) call `h` with the exit status and stop this instance, instead of exiting the OS
    /// process.
    pub fn set_halt_handler(&self, h: HaltHandler) {
        *self.0.halt_handler.lock() = Some(Arc::from(h));
    }

    /// The status `halt` was called with, if it was (with a halt handler).
    pub fn halt_status(&self) -> Option<i32> {
        *self.0.halt_status.lock()
    }

    /// Whether the instance is stopping or stopped (shutdown, or halt with a handler).
    pub fn is_stopping(&self) -> bool {
        self.0.stopping()
    }

    /// Stops every process and port, stops and joins every thread the instance started,
    /// and frees its tables (the rest goes with the last handle). Idempotent. Must not be
    /// called from a thread of this instance (it would wait for itself): there it only asks
    /// the threads to stop. After it returns no code of this instance runs.
    pub fn shutdown(&self) {
        let _ = self.shutdown_within(None);
    }

    /// [`shutdown`](Self::shutdown), waiting at most `limit` for the instance's threads.
    /// `Err(n)` when `n` threads were still running then (blocked in native code: a NIF or
    /// a driver that does not return): they are left running, holding the instance, and
    /// nothing is torn down under them (its processes and tables stay allocated). Later
    /// calls give the same answer at once.
    pub fn shutdown_within(&self, limit: Option<std::time::Duration>) -> Result<(), usize> {
        let st = &self.0;
        if st.is_own_thread() {
            st.request_stop();
            return Ok(());
        }
        let stuck_as_result = |stuck: usize| match stuck {
            0 => Ok(()),
            n => Err(n),
        };
        let mut done = st.shut_down.lock();
        if let Some(stuck) = *done {
            return stuck_as_result(stuck);
        }
        LIVE.lock()
            .retain(|w| w.strong_count() > 0 && !std::ptr::eq(w.as_ptr(), Arc::as_ptr(st)));
        let deadline = limit.map(|l| std::time::Instant::now() + l);
        let stuck = self.enter(|| {
            st.request_stop();
            let stuck = st.join_threads(deadline);
            if stuck > 0 {
                return stuck;
            }
            // Teardown hooks may stop ports whose threads end now.
            loop {
                let hooks = std::mem::take(&mut *st.teardown_hooks.lock());
                if hooks.is_empty() {
                    break;
                }
                for h in hooks.into_iter().rev() {
                    h();
                }
                let stuck = st.join_threads(deadline);
                if stuck > 0 {
                    return stuck;
                }
            }
            // Last, the processes (ports and other subsystems are gone).
            st.processes.teardown();
            0
        });
        *done = Some(stuck);
        stuck_as_result(stuck)
    }
}

impl InstanceState {
    /// The instance's number.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Whether the instance is stopping: thread loops end when they see it.
    #[inline]
    pub fn stopping(&self) -> bool {
        self.stopping.load(Ordering::Acquire)
    }

    fn is_own_thread(&self) -> bool {
        OWN_THREAD.with(|t| std::ptr::eq(t.get(), self))
    }

    /// Marks the instance stopping and wakes its threads (the stop hooks); joins nothing.
    pub fn request_stop(&self) {
        self.stopping.store(true, Ordering::Release);
        if let Some(Some(fd)) = self.stop_fd.get() {
            let one: u64 = 1;
            // SAFETY: writing 8 bytes from a live u64 to our own eventfd.
            unsafe {
                libc::write(
                    std::os::fd::AsRawFd::as_raw_fd(fd),
                    (&one as *const u64).cast(),
                    8,
                )
            };
        }
        let hooks = std::mem::take(&mut *self.stop_hooks.lock());
        for h in hooks {
            h();
        }
    }

    /// Joins the instance's threads (waiting until `deadline` at most); the number still
    /// running then, which are let go.
    fn join_threads(&self, deadline: Option<std::time::Instant>) -> usize {
        loop {
            {
                let mut live = self.live_threads.lock();
                while *live > 0 {
                    match deadline {
                        None => self.thread_ended.wait(&mut live),
                        Some(d) => {
                            if self.thread_ended.wait_until(&mut live, d).timed_out() {
                                break;
                            }
                        }
                    }
                }
            }
            let threads = std::mem::take(&mut *self.threads.lock());
            if threads.is_empty() {
                return 0;
            }
            let all_ended = *self.live_threads.lock() == 0;
            let mut stuck = 0;
            for t in threads {
                if all_ended || t.is_finished() {
                    let _ = t.join();
                } else {
                    // Let go: the thread holds its own handle of the instance.
                    stuck += 1;
                }
            }
            if stuck > 0 {
                return stuck;
            }
            // Threads started since the stop ask for their hooks too.
            let hooks = std::mem::take(&mut *self.stop_hooks.lock());
            for h in hooks {
                h();
            }
        }
    }

    /// The slot of an [`InstanceLocal`], made by `init` on first use.
    #[inline]
    fn slot<T>(&self, index: usize, init: impl FnOnce() -> T) -> &T {
        // SAFETY: slot numbers are below MAX_SLOTS (checked when assigned).
        let s = unsafe { self.slots.get_unchecked(index) };
        let e = match s.get() {
            Some(e) => e,
            None => make_slot(s, init),
        };
        // SAFETY: slot `index` belongs to one `InstanceLocal<T>` (its number is taken once
        // per OS process), so the value stored there is a `T`.
        unsafe { &*(e.ptr as *const T) }
    }

    #[inline]
    fn slot_get<T>(&self, index: usize) -> Option<&T> {
        // SAFETY: as in `slot`.
        self.slots[index]
            .get()
            .map(|e| unsafe { &*(e.ptr as *const T) })
    }

    /// The halt handler, if the host set one.
    pub fn halt_handler(&self) -> Option<SharedHaltHandler> {
        self.halt_handler.lock().clone()
    }
}

/// The first use of a slot (kept out of the callers' code).
#[cold]
#[inline(never)]
fn make_slot<T>(s: &OnceLock<Erased>, init: impl FnOnce() -> T) -> &Erased {
    s.get_or_init(|| Erased::new(Box::new(init())))
}

impl Drop for InstanceState {
    fn drop(&mut self) {
        // Destructors of the state (processes, NIF resources) may look for their instance.
        let prev = CURRENT.with(|c| c.replace(self as *const InstanceState));
        self.processes.teardown();
        for s in self.slots.iter_mut().rev() {
            drop(s.take());
        }
        drop(self.sched.take());
        self.arena.get_mut().clear();
        CURRENT.with(|c| c.set(prev));
        ALLOCATED.fetch_sub(1, Ordering::AcqRel);
    }
}

fn enter_state<R>(st: &Arc<InstanceState>, f: impl FnOnce() -> R) -> R {
    struct Restore(*const InstanceState);
    impl Drop for Restore {
        fn drop(&mut self) {
            CURRENT.with(|c| c.set(self.0));
        }
    }
    let prev = CURRENT.with(|c| c.replace(Arc::as_ptr(st)));
    let _restore = Restore(prev);
    f()
}

/// The current instance (see the module documentation for threads without one).
///
/// The reference is valid while the instance is entered on this thread; code must not keep
/// it (or references into the state it gives) past that.
#[inline]
pub fn current() -> &'static InstanceState {
    let p = CURRENT.with(Cell::get);
    if !p.is_null() {
        // SAFETY: a thread has `p` entered only while something holds a strong count of the
        // state: `Instance::enter` borrows a handle for the whole call, and threads of
        // `spawn_thread` own a count until they end. See the module documentation.
        return unsafe { &*p };
    }
    current_fallback()
}

#[cold]
fn current_fallback() -> &'static InstanceState {
    if let Some(s) = only_live() {
        return s;
    }
    if LIVE.lock().iter().any(|w| w.strong_count() > 0) {
        panic!("erts: runtime code ran on a thread with no instance entered while several instances are live");
    }
    let d = DEFAULT.get_or_init(Instance::new);
    // SAFETY: the default instance is never dropped (held by a static).
    unsafe { &*Arc::as_ptr(&d.0) }
}

/// The only live instance, if exactly one is.
fn only_live() -> Option<&'static InstanceState> {
    let live = LIVE.lock();
    let mut alive = live.iter().filter_map(|w| w.upgrade());
    let one = alive.next()?;
    if alive.next().is_some() {
        return None;
    }
    // SAFETY: the state stays alive while its instance is live (not shut down); a thread
    // the runtime did not create must not call into an instance that is being destroyed
    // (the host's contract, as with OTP's `enif_send` from a thread after the VM is gone).
    Some(unsafe { &*Arc::as_ptr(&one) })
}

/// Whether this thread has an instance entered.
#[inline]
pub fn entered() -> bool {
    !CURRENT.with(Cell::get).is_null()
}

/// The current instance: the one entered on this thread, else the only live one.
pub fn try_current() -> Option<&'static InstanceState> {
    let p = CURRENT.with(Cell::get);
    if !p.is_null() {
        // SAFETY: as in `current`.
        return Some(unsafe { &*p });
    }
    only_live()
}

/// A strong handle to the current instance, for a thread or callback that must keep it
/// alive (a thread of [`spawn_thread`], a callback run from a process-wide thread).
pub fn current_handle() -> Arc<InstanceState> {
    let p: *const InstanceState = current();
    // SAFETY: `p` came from `Arc::as_ptr` of a state that is alive now (see `current`);
    // taking one more count for the new owner is what `Arc::clone` does.
    unsafe {
        Arc::increment_strong_count(p);
        Arc::from_raw(p)
    }
}

/// A strong handle to the instance [`try_current`] finds, if any.
pub fn try_current_handle() -> Option<Arc<InstanceState>> {
    let p = CURRENT.with(Cell::get);
    if !p.is_null() {
        // SAFETY: as in `current_handle`.
        return Some(unsafe {
            Arc::increment_strong_count(p);
            Arc::from_raw(p)
        });
    }
    let live = LIVE.lock();
    let mut alive = live.iter().filter_map(|w| w.upgrade());
    let one = alive.next()?;
    alive.next().is_none().then_some(one)
}

/// Runs `f` with `st` entered (for callbacks that hold a [`current_handle`]).
pub fn enter_handle<R>(st: &Arc<InstanceState>, f: impl FnOnce() -> R) -> R {
    enter_state(st, f)
}

/// Starts an OS thread named `name` (stack `stack` bytes; 0: the default) that runs `f`
/// with the current instance entered; the instance's shutdown joins it. A thread that
/// waits for something must also end when the instance stops ([`on_stop`], [`stopping`]).
pub fn spawn_thread<F>(name: String, stack: usize, f: F) -> std::io::Result<()>
where
    F: FnOnce() + Send + 'static,
{
    let st = current_handle();
    let mut b = std::thread::Builder::new().name(name);
    if stack > 0 {
        b = b.stack_size(stack);
    }
    let inner = st.clone();
    let mut threads = st.threads.lock();
    *st.live_threads.lock() += 1;
    // Threads that are done are joined now, so the list does not grow with them.
    let (done, running): (Vec<_>, Vec<_>) = std::mem::take(&mut *threads)
        .into_iter()
        .partition(|t| t.is_finished());
    *threads = running;
    let h = b.spawn(move || {
        // Counts the thread's end even when it unwinds.
        struct Ended(Arc<InstanceState>);
        impl Drop for Ended {
            fn drop(&mut self) {
                *self.0.live_threads.lock() -= 1;
                self.0.thread_ended.notify_all();
            }
        }
        let ended = Ended(inner);
        OWN_THREAD.with(|t| t.set(Arc::as_ptr(&ended.0)));
        enter_state(&ended.0, f);
        OWN_THREAD.with(|t| t.set(std::ptr::null()));
        drop(ended);
    });
    let h = match h {
        Ok(h) => h,
        Err(e) => {
            *st.live_threads.lock() -= 1;
            return Err(e);
        }
    };
    threads.push(h);
    drop(threads);
    for t in done {
        let _ = t.join();
    }
    Ok(())
}

/// Whether the current instance is stopping.
#[inline]
pub fn stopping() -> bool {
    current().stopping()
}

/// Registers `f` to run when the current instance stops (before its threads are joined):
/// it wakes a thread of the subsystem so that it sees [`stopping`] and ends. Runs at once
/// when the instance is already stopping.
pub fn on_stop(f: impl FnOnce() + Send + 'static) {
    let st = current();
    let mut hooks = st.stop_hooks.lock();
    if st.stopping() {
        drop(hooks);
        f();
        return;
    }
    hooks.push(Box::new(f));
}

/// Registers `f` to run at shutdown after the threads are joined, with the instance
/// entered: it releases what the subsystem holds (ports stopped, processes dropped).
/// Hooks run in the reverse order of their registration.
pub fn on_teardown(f: impl FnOnce() + Send + 'static) {
    current().teardown_hooks.lock().push(Box::new(f));
}

/// A descriptor that becomes readable when the current instance stops, for threads that
/// wait in `poll`.
pub fn stop_fd() -> std::os::fd::RawFd {
    use std::os::fd::{AsRawFd, FromRawFd};
    let st = current();
    let fd = st.stop_fd.get_or_init(|| {
        // SAFETY: eventfd makes a new descriptor, owned by the `OwnedFd` below.
        let fd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
        // Without one (descriptors exhausted), `poll` skips the negative number and the
        // waiting thread ends with its descriptor instead.
        (fd >= 0).then(|| {
            // SAFETY: `fd` is a new descriptor nobody else owns.
            unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) }
        })
    });
    let Some(fd) = fd else { return -1 };
    if st.stopping() {
        let one: u64 = 1;
        // SAFETY: writing 8 bytes from a live u64 to our own eventfd.
        unsafe { libc::write(fd.as_raw_fd(), (&one as *const u64).cast(), 8) };
    }
    fd.as_raw_fd()
}

/// Halts the current instance with `status` when the host set a halt handler: records the
/// status, stops the instance's threads (without joining), calls the handler, and returns
/// true. False without a handler: the caller exits the OS process as OTP does.
pub fn halt(status: i32) -> bool {
    let st = current();
    let Some(h) = st.halt_handler() else {
        return false;
    };
    {
        let mut s = st.halt_status.lock();
        if s.is_none() {
            *s = Some(status);
        }
    }
    st.request_stop();
    h(status);
    true
}

/// Gives `v` to the current instance, which frees it when its state is dropped, and
/// returns a reference for the instance's code.
///
/// SAFETY (of the `'static`): instance code (export entries, fun entries, generated code,
/// native call records) refers to these values as `&'static`. They are only ever used by
/// code of this instance, which runs on threads that have it entered; those threads are
/// joined by `shutdown` before the last handle can drop the state, and the state frees its
/// arena after everything else it owns. So no reference is used after the value is freed.
pub fn leak<T: 'static>(v: T) -> &'static T {
    let b = Box::new(v);
    let p: *const T = &*b;
    current().arena.lock().push(Erased::new(b));
    // SAFETY: see above; the box is not moved (only its pointer is kept) until the arena
    // drops it.
    unsafe { &*p }
}

/// [`leak`] for a slice (generated code).
pub fn leak_slice<T: 'static>(v: Vec<T>) -> &'static [T] {
    let b: Box<[T]> = v.into_boxed_slice();
    let len = b.len();
    let inner = Box::new(b);
    let p: *const T = inner.as_ptr();
    current().arena.lock().push(Erased::new(inner));
    // SAFETY: as in `leak`: the heap block of the slice stays where it is until the arena
    // drops it.
    unsafe { std::slice::from_raw_parts(p, len) }
}

/// A static whose value is per instance: each instance has its own, made on first use.
pub struct InstanceLocal<T> {
    /// Slot number + 1; 0 until first use.
    index: AtomicUsize,
    _t: PhantomData<fn() -> T>,
}

static NEXT_SLOT: AtomicUsize = AtomicUsize::new(0);

impl<T: Send + Sync + 'static> InstanceLocal<T> {
    pub const fn new() -> InstanceLocal<T> {
        InstanceLocal {
            index: AtomicUsize::new(0),
            _t: PhantomData,
        }
    }

    #[inline]
    fn index(&self) -> usize {
        let i = self.index.load(Ordering::Relaxed);
        if i != 0 {
            return i - 1;
        }
        self.assign()
    }

    #[cold]
    fn assign(&self) -> usize {
        let n = NEXT_SLOT.fetch_add(1, Ordering::Relaxed);
        assert!(
            n < MAX_SLOTS,
            "erts: more InstanceLocal statics than MAX_SLOTS"
        );
        match self
            .index
            .compare_exchange(0, n + 1, Ordering::AcqRel, Ordering::Acquire)
        {
            Ok(_) => n,
            Err(other) => other - 1,
        }
    }

    /// The current instance's value, made by `init` on first use.
    #[inline]
    pub fn get_or_init(&'static self, init: impl FnOnce() -> T) -> &'static T {
        current().slot(self.index(), init)
    }

    /// The current instance's value, if made.
    #[inline]
    pub fn get(&'static self) -> Option<&'static T> {
        current().slot_get(self.index())
    }

    /// Instance `st`'s value, if made.
    pub fn get_in<'a>(&'static self, st: &'a InstanceState) -> Option<&'a T> {
        st.slot_get(self.index())
    }
}

impl<T: Send + Sync + Default + 'static> InstanceLocal<T> {
    /// The current instance's value, `T::default()` on first use.
    #[inline]
    pub fn get_or_default(&'static self) -> &'static T {
        self.get_or_init(T::default)
    }
}

impl<T: Send + Sync + 'static> Default for InstanceLocal<T> {
    fn default() -> Self {
        Self::new()
    }
}
