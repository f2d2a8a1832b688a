//! Dirty schedulers (OTP's dirty CPU and dirty I/O schedulers of `erl_process.c`): two
//! pools of threads that run native functions flagged `ERL_NIF_DIRTY_JOB_CPU_BOUND` or
//! `ERL_NIF_DIRTY_JOB_IO_BOUND`, so that a long native call never holds up a normal
//! scheduler.
//!
//! A process reaching such a call leaves its normal scheduler with `Outcome::Dirty`: it stays
//! `RUNNING` (signals sent to it meanwhile wait in its inbox, so an exit takes effect when the
//! call returns) and is put on the pool's queue. A pool thread takes it, reads the callee and
//! its arguments under the process lock, then runs the call *without* the lock, in an
//! environment with a heap of its own: other processes can inspect the process meanwhile
//! (`process_info/2` answers), and the process's heap, which the arguments point into, is not
//! moved (`ProcessCell::dirty_running` holds off garbage collections asked for by others). The
//! result is copied to the process's heap, and the process goes back to the normal run
//! queues, where its `call_nif` instruction finishes (`crate::emu::call_nif`). Continuations
//! scheduled with `enif_schedule_nif` run on the same pool, on the other one, or on a normal
//! scheduler, as their flags say.
//!
//! Signals sent to a process during a dirty call are handled at once by the dirty signal
//! handler thread (OTP's `erts_dirty_process_signal_handler`), which takes the process lock
//! the dirty call does not hold: messages reach the mailbox, links and monitors are set up,
//! and an exit signal that kills the process terminates it (its links and monitors fire)
//! while the native function still runs; what the function returns is then dropped.

use crate::nif::{DirtyKind, NifResume};
use crate::process::cell::{ProcessCell, DIRTY_NONE, DIRTY_QUEUED, DIRTY_RUNNING};
use crate::term::copy::copy;
use crate::term::Term;
use parking_lot::{Condvar, Mutex};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// How long an idle dirty scheduler looks for work before it sleeps.
const SPIN: std::time::Duration = std::time::Duration::from_micros(50);

/// OTP's default number of dirty I/O schedulers.
pub const DEFAULT_IO: usize = 10;

/// The most dirty schedulers of one kind (OTP's limit).
pub const MAX_DIRTY: usize = 1024;

/// One pool of dirty scheduler threads.
pub struct Pool {
    kind: DirtyKind,
    queue: Mutex<VecDeque<Arc<ProcessCell>>>,
    cv: Condvar,
    threads: usize,
    /// Threads `0..online` take work; the others wait until they are online again.
    online: AtomicUsize,
    /// The length of `queue` (read without the lock by threads looking for work).
    queued: AtomicUsize,
}

impl Pool {
    fn new(kind: DirtyKind, threads: usize, online: usize) -> Pool {
        Pool {
            kind,
            queue: Mutex::new(VecDeque::new()),
            cv: Condvar::new(),
            threads,
            online: AtomicUsize::new(online.clamp(1, threads)),
            queued: AtomicUsize::new(0),
        }
    }

    /// Number of threads in the pool.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Number of threads online.
    pub fn online(&self) -> usize {
        self.online.load(Ordering::SeqCst)
    }

    /// Sets the number of threads online (`1..=threads`, checked by the caller); returns the
    /// previous number.
    pub fn set_online(&self, n: usize) -> usize {
        let _g = self.queue.lock();
        let old = self.online.swap(n, Ordering::SeqCst);
        self.cv.notify_all();
        old
    }

    /// Queues a process whose dirty call is to run.
    fn submit(&self, cell: Arc<ProcessCell>) {
        {
            let mut q = self.queue.lock();
            q.push_back(cell);
            self.queued.store(q.len(), Ordering::Release);
        }
        self.wake();
    }

    /// Wakes a thread for queued work. A thread woken while offline goes back to sleep, so
    /// when some are offline all are woken, for an online one to take the work.
    fn wake(&self) {
        if self.online() < self.threads {
            self.cv.notify_all();
        } else {
            self.cv.notify_one();
        }
    }

    /// Wakes every thread of the pool (the instance stops).
    fn wake_all(&self) {
        let _g = self.queue.lock();
        self.cv.notify_all();
    }

    /// The loop of thread number `me`, until the instance stops.
    fn run(&self, me: usize) {
        let inst = crate::instance::current();
        loop {
            // Before sleeping, look for work for a moment (OTP's dirty scheduler busy wait):
            // a process making dirty calls in a row comes back within microseconds.
            if me < self.online() {
                super::park::spin_until(SPIN, || self.queued.load(Ordering::Acquire) > 0);
            }
            let cell = {
                let mut q = self.queue.lock();
                loop {
                    if inst.stopping() {
                        return;
                    }
                    if me < self.online() {
                        if let Some(c) = q.pop_front() {
                            self.queued.store(q.len(), Ordering::Release);
                            break c;
                        }
                    }
                    self.cv.wait(&mut q);
                }
            };
            // More work than this thread: make sure another online thread looks at it.
            if !self.queue.lock().is_empty() {
                self.wake();
            }
            run_call(self.kind, cell);
        }
    }
}

/// The dirty pools.
pub struct Dirty {
    pub cpu: Pool,
    pub io: Pool,
}

impl Dirty {
    /// The pool of `kind`.
    pub fn pool(&self, kind: DirtyKind) -> &Pool {
        match kind {
            DirtyKind::Cpu => &self.cpu,
            DirtyKind::Io => &self.io,
        }
    }
}

/// How many dirty schedulers to start (`+SDcpu`, `+SDPcpu`, `+SDio`).
#[derive(Clone, Copy, Debug, Default)]
pub struct DirtyConfig {
    /// Dirty CPU schedulers and how many are online (`None`: as many as normal schedulers).
    pub cpu: Option<(usize, usize)>,
    /// `+SDPcpu`: dirty CPU schedulers (and online) as percentages of the normal ones.
    pub cpu_percent: Option<(usize, usize)>,
    /// Dirty I/O schedulers (`None`: [`DEFAULT_IO`]).
    pub io: Option<usize>,
}

/// The instance's configuration (`configure`, before the schedulers start).
static CONFIG: crate::instance::InstanceLocal<Mutex<DirtyConfig>> =
    crate::instance::InstanceLocal::new();

/// The instance's dirty pools, set once by [`start`].
static DIRTY: crate::instance::InstanceLocal<OnceLock<Dirty>> =
    crate::instance::InstanceLocal::new();

thread_local! {
    /// The kind of dirty scheduler this thread is (`None` elsewhere).
    static THREAD_KIND: std::cell::Cell<Option<DirtyKind>> = const { std::cell::Cell::new(None) };
}

/// Sets the numbers of dirty schedulers (before the schedulers start).
pub fn configure(c: DirtyConfig) {
    *CONFIG.get_or_default().lock() = c;
}

/// The dirty pools (started with the normal schedulers).
pub fn dirty() -> &'static Dirty {
    DIRTY
        .get_or_default()
        .get()
        .expect("dirty schedulers not started")
}

/// The kind of dirty scheduler running the caller, if it is one (`enif_thread_type`).
pub fn thread_kind() -> Option<DirtyKind> {
    THREAD_KIND.with(|k| k.get())
}

/// The numbers of dirty CPU schedulers (total, online) and dirty I/O schedulers that the
/// configuration gives with `normal` schedulers (`normal_online` of them online) on `cpus`
/// logical processors, by OTP's rules: by default as many dirty CPU schedulers as processors,
/// never more than normal schedulers; `+SDPcpu` percentages are of the normal schedulers
/// online; never more online than normal schedulers online.
fn sizes(
    c: &DirtyConfig,
    normal: usize,
    normal_online: usize,
    cpus: usize,
) -> (usize, usize, usize) {
    let (mut cpu, mut online) = (cpus, None);
    if let Some((p, q)) = c.cpu_percent {
        cpu = normal_online * p / 100;
        online = Some(normal_online * q / 100);
    }
    if let Some((n, m)) = c.cpu {
        cpu = n;
        online = Some(m);
    }
    let cpu = cpu.clamp(1, normal.clamp(1, MAX_DIRTY));
    let online = online
        .unwrap_or(cpu)
        .clamp(1, cpu.min(normal_online.max(1)));
    let io = c.io.unwrap_or(DEFAULT_IO).clamp(1, MAX_DIRTY);
    (cpu, online, io)
}

/// Follows a change of the normal schedulers online from `old` to `new`: the dirty CPU
/// schedulers online change in proportion (OTP's rule), at least one.
pub fn schedulers_online_changed(old: usize, new: usize) {
    if old == new {
        return;
    }
    let d = dirty();
    let normal = crate::sched::system().schedulers.max(1);
    let n = (new * d.cpu.threads() / normal).clamp(1, d.cpu.threads());
    d.cpu.set_online(n);
}

/// Starts the dirty scheduler threads (once), sized for `normal` normal schedulers.
pub fn start(normal: usize) {
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let (cpu, cpu_online, io) = sizes(&CONFIG.get_or_default().lock(), normal, normal, cpus);
    let d = Dirty {
        cpu: Pool::new(DirtyKind::Cpu, cpu, cpu_online),
        io: Pool::new(DirtyKind::Io, io, io),
    };
    if DIRTY.get_or_default().set(d).is_err() {
        return;
    }
    crate::instance::on_stop(|| {
        if let Some(d) = DIRTY.get_or_default().get() {
            d.cpu.wake_all();
            d.io.wake_all();
        }
        let s = signalled();
        let _g = s.0.lock();
        s.1.notify_all();
    });
}

/// Starts the dirty scheduler threads and the dirty signal handler of this instance, once:
/// at the first dirty call (most runtimes make none, and starting a dozen threads is most
/// of the cost of a runtime's start).
fn ensure_threads() {
    static STARTED: crate::instance::InstanceLocal<std::sync::OnceLock<()>> =
        crate::instance::InstanceLocal::new();
    STARTED.get_or_default().get_or_init(|| {
        crate::instance::spawn_thread("dirty-signals".into(), 0, signal_handler)
            .expect("cannot start the dirty signal handler");
        let d = dirty();
        for (kind, n, name) in [
            (DirtyKind::Cpu, d.cpu.threads(), "dirty-cpu"),
            (DirtyKind::Io, d.io.threads(), "dirty-io"),
        ] {
            for i in 0..n {
                crate::instance::spawn_thread(format!("{name}-{}", i + 1), 8 << 20, move || {
                    THREAD_KIND.with(|k| k.set(Some(kind)));
                    dirty().pool(kind).run(i);
                    THREAD_KIND.with(|k| k.set(None));
                })
                .expect("cannot start a dirty scheduler thread");
            }
        }
    });
}

/// The ids of processes in dirty calls that have signals to handle (per instance).
fn signalled() -> &'static (Mutex<Vec<u64>>, Condvar) {
    static S: crate::instance::InstanceLocal<(Mutex<Vec<u64>>, Condvar)> =
        crate::instance::InstanceLocal::new();
    S.get_or_default()
}

/// A signal was queued for process `id` while it is in a dirty call: the dirty signal
/// handler thread handles it.
pub fn signal_arrived(id: u64) {
    let s = signalled();
    s.0.lock().push(id);
    s.1.notify_one();
}

/// The dirty signal handler thread (until the instance stops).
fn signal_handler() {
    let inst = crate::instance::current();
    let s = signalled();
    loop {
        let ids = {
            let mut q = s.0.lock();
            while q.is_empty() && !inst.stopping() {
                s.1.wait(&mut q);
            }
            if inst.stopping() {
                return;
            }
            std::mem::take(&mut *q)
        };
        for id in ids {
            let Some(cell) = crate::process::table::table().get(id) else {
                continue;
            };
            if !cell.in_dirty() {
                continue;
            }
            let mut guard = cell.process.lock();
            // Checked again under the lock: once the dirty call is over (`in_dirty` is
            // cleared under this lock) the process's own scheduler handles its signals.
            if !cell.in_dirty() || cell.state() == crate::process::cell::EXITED {
                continue;
            }
            let p = &mut *guard;
            if let crate::process::signal_handling::Handled::Killed(r) = p.handle_signals() {
                crate::process::exit::terminate(&cell, p, r);
            }
        }
    }
}

/// Hands a process that left its normal scheduler with `Outcome::Dirty(kind)` to the pool.
/// The process is still `RUNNING`; its `nif_resume` holds the call and `saved_x` the
/// arguments.
pub fn submit(kind: DirtyKind, cell: Arc<ProcessCell>) {
    ensure_threads();
    cell.set_dirty(DIRTY_QUEUED);
    // Signals that came just before the flag was set are handled now, not after the call.
    if cell.has_signals() {
        signal_arrived(cell.id);
    }
    dirty().pool(kind).submit(cell);
}

/// Runs the dirty call of `cell` (and the continuations it schedules on this pool), then
/// sends the process on.
fn run_call(kind: DirtyKind, cell: Arc<ProcessCell>) {
    let (mut callee, orig, mut args, pid) = {
        let p = cell.process.lock();
        if cell.state() == crate::process::cell::EXITED {
            // Killed while waiting for a dirty scheduler.
            cell.set_dirty(DIRTY_NONE);
            return;
        }
        let NifResume::Call {
            callee,
            orig,
            at,
            argc,
        } = p.nif_resume
        else {
            unreachable!("a process on a dirty queue has a call to make");
        };
        let (at, argc) = (at as usize, argc as usize);
        cell.set_dirty(DIRTY_RUNNING);
        (callee, orig, p.saved_x[at..at + argc].to_vec(), p.pid())
    };
    let hook = crate::nif::dirty_hook();
    loop {
        let ret =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| hook(pid, &callee, &args)))
                .unwrap_or_else(|_| {
                    eprintln!(
                        "beam: internal error in the runtime (a bug) during a dirty native call"
                    );
                    crate::nif::DirtyReturn {
                        heap: crate::heap::Heap::default(),
                        result: Err(Term::atom(crate::atom::atom("internal_error"))),
                        next: None,
                    }
                });
        let mut guard = cell.process.lock();
        if cell.state() == crate::process::cell::EXITED {
            // Killed during the call (by the dirty signal handler): the result is dropped.
            cell.set_dirty(DIRTY_NONE);
            return;
        }
        let p = &mut *guard;
        match (ret.result, ret.next) {
            (Ok(_), Some(next)) => {
                let new_args: Vec<Term> = next.args.iter().map(|a| copy(&mut p.heap, *a)).collect();
                if next.callee.dirty == Some(kind) {
                    callee = next.callee;
                    args = new_args;
                    continue;
                }
                p.nif_resume = NifResume::Call {
                    callee: next.callee,
                    orig,
                    at: orig,
                    argc: new_args.len() as u32,
                };
                p.saved_x.truncate(orig as usize);
                p.saved_x.extend_from_slice(&new_args);
                if let Some(other) = next.callee.dirty {
                    cell.set_dirty(DIRTY_QUEUED);
                    drop(guard);
                    dirty().pool(other).submit(cell);
                    return;
                }
                cell.set_dirty(DIRTY_NONE);
                drop(guard);
            }
            (result, _) => {
                let (ok, v) = match result {
                    Ok(v) => (true, v),
                    Err(e) => (false, e),
                };
                let v = copy(&mut p.heap, v);
                p.nif_resume = NifResume::Done { ok, orig };
                p.saved_x.truncate(orig as usize);
                p.saved_x.push(v);
                cell.set_dirty(DIRTY_NONE);
                drop(guard);
            }
        }
        break;
    }
    cell.end_run_yield();
    super::enqueue(cell);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_follow_otp_rules() {
        // Defaults: as many as processors, at most the normal schedulers; 10 for I/O.
        let c = DirtyConfig::default();
        assert_eq!(sizes(&c, 2, 2, 2), (2, 2, 10));
        assert_eq!(sizes(&c, 3, 3, 2), (2, 2, 10));
        assert_eq!(sizes(&c, 1, 1, 2), (1, 1, 10));
        // `+SDcpu N:M`, capped by the normal schedulers (online).
        let c = DirtyConfig {
            cpu: Some((2, 1)),
            io: Some(3),
            ..Default::default()
        };
        assert_eq!(sizes(&c, 4, 4, 2), (2, 1, 3));
        let c = DirtyConfig {
            cpu: Some((4, 4)),
            ..Default::default()
        };
        assert_eq!(sizes(&c, 1, 1, 2), (1, 1, 10));
        assert_eq!(sizes(&c, 8, 2, 2), (4, 2, 10));
        // `+SDPcpu P:Q`: percentages of the normal schedulers online.
        let c = DirtyConfig {
            cpu_percent: Some((50, 25)),
            ..Default::default()
        };
        assert_eq!(sizes(&c, 8, 8, 2), (4, 2, 10));
        assert_eq!(sizes(&c, 1, 1, 2), (1, 1, 10));
    }
}
