//! Schedulers (OTP's `erl_process.c` scheduling part): `+S N` threads, each running processes
//! from its local queue and the shared queues ([`run_queue`]), stealing work when idle and
//! parking when there is none ([`park`]); the loop of one thread is in [`worker`].
//!
//! Also the spawn path (making a new process runnable) and the watch on the first process,
//! whose end ends a `--bare` run.

pub mod dirty;
pub mod park;
pub mod run_queue;
pub mod stats;
pub mod worker;

use crate::process::cell::ProcessCell;
use crate::term::Term;
use crossbeam_deque::Worker;
use park::Parker;
use parking_lot::{Condvar, Mutex};
use run_queue::{RunQueues, Task};
use std::sync::Arc;

pub struct System {
    pub queues: RunQueues,
    pub parker: Parker,
    pub schedulers: usize,
    /// Schedulers online (`system_flag(schedulers_online, N)`): numbers `0..online` run
    /// processes, the others sleep on `offline` until they are online again.
    online: std::sync::atomic::AtomicUsize,
    offline: (Mutex<()>, Condvar),
    /// The process whose exit ends the run, and how it ended (`Some(normal?)`).
    watch: Mutex<(Option<u64>, Option<bool>)>,
    watch_cv: Condvar,
}

/// The scheduler system of the current instance; panics if not started (a bug: processes
/// run only after `start`).
#[inline]
pub fn system() -> &'static System {
    try_system().expect("schedulers not started")
}

/// The scheduler system, if started.
#[inline]
fn try_system() -> Option<&'static System> {
    crate::instance::current().sched.get()
}

/// Whether the schedulers are running.
pub fn started() -> bool {
    try_system().is_some()
}

impl System {
    /// Number of schedulers online.
    pub fn online(&self) -> usize {
        self.online.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Sets the number of schedulers online (1..=schedulers, checked by the caller); returns
    /// the previous number. Schedulers taken offline hand their queued processes to the
    /// others when their current slice ends.
    pub fn set_online(&self, n: usize) -> usize {
        let _g = self.offline.0.lock();
        let old = self.online.swap(n, std::sync::atomic::Ordering::SeqCst);
        self.offline.1.notify_all();
        old
    }

    /// Sleeps while scheduler `me` is offline (and the instance runs).
    fn wait_online(&self, me: usize, inst: &crate::instance::InstanceState) {
        let mut g = self.offline.0.lock();
        while me >= self.online() && !inst.stopping() {
            self.offline.1.wait(&mut g);
        }
    }

    /// Wakes every scheduler (the instance stops: they see it and end).
    fn wake_all(&self) {
        {
            let _g = self.offline.0.lock();
            self.offline.1.notify_all();
        }
        self.parker.unpark_all();
        let mut w = self.watch.lock();
        if w.1.is_none() {
            w.1 = Some(false);
        }
        self.watch_cv.notify_all();
    }
}

/// Starts `n` scheduler threads (once per instance); they end when the instance stops.
pub fn start(n: usize) {
    let n = n.max(1);
    let mut workers = Vec::new();
    let mut stealers = Vec::new();
    for _ in 0..n {
        let w: Worker<Task> = Worker::new_fifo();
        stealers.push(w.stealer());
        workers.push(w);
    }
    let sys = System {
        queues: RunQueues::new(stealers),
        parker: Parker::default(),
        schedulers: n,
        online: std::sync::atomic::AtomicUsize::new(n),
        offline: (Mutex::new(()), Condvar::new()),
        watch: Mutex::new((None, None)),
        watch_cv: Condvar::new(),
    };
    if crate::instance::current().sched.set(sys).is_err() {
        return;
    }
    crate::instance::on_stop(|| {
        if let Some(sys) = try_system() {
            sys.wake_all();
        }
    });
    dirty::start(n);
    for (i, w) in workers.into_iter().enumerate() {
        crate::instance::spawn_thread(format!("scheduler-{}", i + 1), 8 << 20, move || {
            worker::run(i, w)
        })
        .expect("cannot start a scheduler thread");
    }
}

/// Stops the schedulers other than the caller's from running processes, as OTP blocks them
/// before it writes a crash dump: all go offline (each after its current slice; the
/// caller's own slice goes on), and this waits up to a second until no other runs one.
pub fn block_others() {
    if !started() {
        return;
    }
    let sys = system();
    sys.set_online(0);
    let me = worker::scheduler_id();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
    while (0..sys.schedulers).any(|i| i + 1 != me && stats::is_running(i))
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(std::time::Duration::from_micros(100));
    }
}

/// Makes a runnable process (state `QUEUED`) visible to the schedulers. A process queued
/// locally wakes a sleeping scheduler only when this scheduler has more than one process
/// waiting (as OTP, which lets the queue's owner run a lone new process next rather than
/// handing it to another core at once).
pub fn enqueue(t: Task) {
    let sys = system();
    match worker::push_local(t) {
        Ok(len) => {
            if len > 1 {
                sys.parker.unpark_one();
            }
        }
        Err(t) => {
            sys.queues.inject(t);
            sys.parker.unpark_one();
        }
    }
}

/// Called when process `id` has terminated with `reason`.
pub fn process_exited(id: u64, reason: Term) {
    let Some(sys) = try_system() else { return };
    let mut w = sys.watch.lock();
    if w.0 == Some(id) {
        w.1 = Some(reason == Term::atom(crate::atom::NORMAL));
        sys.watch_cv.notify_all();
    }
}

/// Starts a new process `cell` (already in the process table).
pub fn spawn(cell: Arc<ProcessCell>) {
    cell.mark_queued();
    enqueue(cell);
}

/// Watches process `id`: [`wait_watched`] returns when it ends.
pub fn watch(id: u64) {
    *system().watch.lock() = (Some(id), None);
}

/// Blocks until the watched process ends; true when it ended normally.
pub fn wait_watched() -> bool {
    let sys = system();
    let mut w = sys.watch.lock();
    while w.1.is_none() {
        sys.watch_cv.wait(&mut w);
    }
    w.1.unwrap_or(false)
}
