//! A scheduler thread (OTP's `erts_schedule` loop): takes runnable processes from the run
//! queues, handles their signals, runs them for a time slice of `CONTEXT_REDS` reductions with
//! its own register file, and puts them back, parks them, or terminates them.

use super::run_queue::Task;
use super::system;
use crate::emu::interp::{self, Outcome};
use crate::exception::Class;
use crate::host::call::Ending;
use crate::process::cell::ProcessCell;
use crate::process::exit::terminate;
use crate::process::signal_handling::Handled;
use crate::process::{Process, MAX_FREG, MAX_REG};
use crate::term::boxed;
use crate::term::Term;
use crossbeam_deque::Worker;
use std::cell::RefCell;
use std::sync::Arc;

/// How long an idle scheduler looks for work before it sleeps (OTP's scheduler busy wait,
/// `+sbwt`): work that comes back soon, such as a process returning from a dirty call or a
/// reply from another scheduler, is taken without a thread wake-up.
const SPIN: std::time::Duration = std::time::Duration::from_micros(50);

/// Reductions in one time slice (OTP's `CONTEXT_REDS`).
pub const CONTEXT_REDS: i64 = 4000;

thread_local! {
    /// The local run queue of the scheduler running on this thread.
    static LOCAL: RefCell<Option<Worker<Task>>> = const { RefCell::new(None) };
    /// The number (1-based) of the scheduler running on this thread; 0 elsewhere.
    static SCHEDULER_ID: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The number (1-based) of the scheduler running the caller (`system_info(scheduler_id)`).
pub fn scheduler_id() -> usize {
    SCHEDULER_ID.with(|c| c.get())
}

/// Queues `t` on this thread's scheduler when there is one (normal priority). Returns `t`
/// back when this thread is not a scheduler; else the length of the local queue after the
/// push.
pub fn push_local(t: Task) -> Result<usize, Task> {
    if t.priority() != crate::process::cell::Priority::Normal {
        return Err(t);
    }
    LOCAL.with(|l| match &*l.borrow() {
        Some(w) => {
            w.push(t);
            Ok(w.len())
        }
        None => Err(t),
    })
}

/// The register file a scheduler lends to the process it runs.
struct Registers {
    x: Box<[Term]>,
    f: Box<[f64]>,
}

/// Runs scheduler number `me` with its local queue `local` until the instance stops.
pub fn run(me: usize, local: Worker<Task>) {
    LOCAL.with(|l| *l.borrow_mut() = Some(local));
    SCHEDULER_ID.with(|c| c.set(me + 1));
    let mut regs = Registers {
        x: vec![Term::NIL; MAX_REG].into_boxed_slice(),
        f: vec![0.0; MAX_FREG].into_boxed_slice(),
    };
    let sys = system();
    let inst = crate::instance::current();
    let mut tick: u64 = 0;
    loop {
        if inst.stopping() {
            break;
        }
        if me >= sys.online() {
            // Offline: the processes queued here go to the shared queues, for the others.
            LOCAL.with(|l| {
                if let Some(w) = l.borrow().as_ref() {
                    while let Some(t) = w.pop() {
                        sys.queues.inject(t);
                    }
                }
            });
            sys.parker.unpark_one();
            sys.wait_online(me, inst);
            continue;
        }
        tick = tick.wrapping_add(1);
        let next = LOCAL.with(|l| {
            let l = l.borrow();
            let w = l.as_ref().expect("scheduler thread has a local queue");
            sys.queues.pop(w, me, tick)
        });
        match next {
            Some(t) => {
                super::stats::set_running(me, true);
                run_slice(&t, &mut regs);
                super::stats::set_running(me, false);
            }
            None => {
                if !super::park::spin_until(SPIN, || sys.queues.has_work()) {
                    sys.parker.park(|| sys.queues.has_work() || inst.stopping())
                }
            }
        }
    }
    // The queued processes go with the instance's teardown, with the instance entered.
    let left = LOCAL.with(|l| l.borrow_mut().take());
    drop(left);
    SCHEDULER_ID.with(|c| c.set(0));
}

/// Distribution frames sent during a slice are held back and written when it ends
/// ([`crate::dist::output::defer`]); dropping this ends the holding back.
struct DeferDist;

impl DeferDist {
    fn start() -> DeferDist {
        crate::dist::output::set_deferring(true);
        DeferDist
    }
}

impl Drop for DeferDist {
    fn drop(&mut self) {
        crate::dist::output::set_deferring(false);
    }
}

/// Runs one time slice of `cell`.
fn run_slice(cell: &Arc<ProcessCell>, regs: &mut Registers) {
    super::stats::add_context_switch();
    let _defer = DeferDist::start();
    cell.begin_run();
    let mut guard = cell.process.lock();
    let p: &mut Process = &mut guard;
    if let Handled::Killed(r) = p.handle_signals() {
        terminate(cell, p, r);
        return;
    }
    if !p.gc_requests.is_empty() {
        p.serve_gc_requests(true);
    }
    if !p.system_tasks.is_empty() {
        p.serve_system_tasks();
    }
    if let Some(handler) = cell.native {
        while let Some(m) = p.mailbox.pop_front() {
            if let crate::process::cell::NativeStep::Exit(reason) = handler(p, m) {
                terminate(cell, p, reason);
                return;
            }
        }
        drop(guard);
        if cell.end_run_waiting() {
            super::enqueue(cell.clone());
        }
        return;
    }
    std::mem::swap(&mut p.x, &mut regs.x);
    std::mem::swap(&mut p.f, &mut regs.f);
    for (i, v) in p.saved_x.drain(..).enumerate() {
        p.x[i] = v;
    }
    crate::port::deferred_output::set_deferring(true);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        interp::execute(p, CONTEXT_REDS)
    }));
    // Port output held back during the slice is written (`port::deferred_output`).
    crate::port::deferred_output::set_deferring(false);
    if let Ok(Outcome::Yield | Outcome::Wait { .. } | Outcome::Dirty(_)) = outcome {
        let live = p.live.min(MAX_REG);
        p.saved_x.extend_from_slice(&p.x[..live]);
    }
    // Out before the process can run elsewhere and send more.
    crate::dist::output::flush_deferred();
    std::mem::swap(&mut p.x, &mut regs.x);
    std::mem::swap(&mut p.f, &mut regs.f);
    // System tasks that arrived during the slice (taken in by `receive`), now that the
    // process is between slices; not during a dirty call, nor when it ends.
    if let Ok(Outcome::Yield | Outcome::Wait { .. }) = outcome {
        if !p.system_tasks.is_empty() {
            p.serve_system_tasks();
        }
    }
    match outcome {
        Ok(Outcome::Yield) => {
            drop(guard);
            cell.end_run_yield();
            super::enqueue(cell.clone());
        }
        Ok(Outcome::Dirty(kind)) => {
            // Still `RUNNING`: signals wait until the dirty call is over.
            drop(guard);
            super::dirty::submit(kind, cell.clone());
        }
        Ok(Outcome::Wait { timeout }) => {
            if let Some(ms) = timeout {
                p.timer_gen += 1;
                p.timer_active = true;
                p.timer_id =
                    crate::timer::start_receive_timer(Arc::downgrade(cell), p.timer_gen, ms);
            }
            drop(guard);
            if cell.end_run_waiting() {
                super::enqueue(cell.clone());
            }
        }
        Ok(Outcome::Normal(v)) => {
            if let Some(sink) = host_call(p) {
                sink.finish(Ending::Returned(v));
            }
            terminate(cell, p, Term::atom(crate::atom::NORMAL))
        }
        Ok(Outcome::Killed(r)) => terminate(cell, p, r),
        Ok(Outcome::Exit(r)) => {
            // A host call's exception goes to the host, not to the logger.
            let host = host_call(p);
            let reason = match r.class {
                Class::Exit => r.reason,
                Class::Error => boxed::tuple(&mut p.heap, &[r.reason, r.stacktrace]),
                Class::Throw => {
                    let nocatch = boxed::tuple(
                        &mut p.heap,
                        &[Term::atom(crate::atom::atom("nocatch")), r.reason],
                    );
                    boxed::tuple(&mut p.heap, &[nocatch, r.stacktrace])
                }
            };
            match host {
                Some(sink) => sink.finish(Ending::Raised(&r)),
                None if r.class != Class::Exit => {
                    crate::system_logger::crash_report(p.pid(), p.group_leader, reason);
                }
                None => {}
            }
            terminate(cell, p, reason);
        }
        Err(_) => {
            eprintln!(
                "beam: internal error in the runtime (a bug) while running {}; the process was stopped",
                crate::display::display_string(p.pid())
            );
            p.stack.clear();
            let reason = Term::atom(crate::atom::atom("internal_error"));
            terminate(cell, p, reason);
        }
    }
}

/// The sink of a host call's process, taken out of it.
fn host_call(p: &mut Process) -> Option<crate::host::call::Sink> {
    match p.host.take().map(|b| *b) {
        Some(crate::host::HostRole::Call(sink)) => Some(sink),
        Some(other) => {
            p.host = Some(Box::new(other));
            None
        }
        None => None,
    }
}
