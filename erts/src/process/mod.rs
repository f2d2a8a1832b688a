//! A process (OTP's `erl_process.h`): its heap, stack, registers, message queue and the state
//! the interpreter saves between time slices. The parts other threads touch (scheduling state,
//! signal inbox) are in [`cell`]; signals in [`signals`], their handling in [`signal_handling`],
//! termination in [`exit`]; the pid table in [`table`] and names in [`registry`].

pub mod alias;
pub mod cell;
pub mod code_requests;
pub mod exit;
pub mod gc;
pub mod native;
pub mod registry;
pub mod signal_handling;
pub mod signals;
pub mod spawn;
pub mod table;

use crate::atom::Atom;
use crate::emu::instr::Instr;
use crate::heap::Heap;
use crate::module::Mfa;
use crate::term::Term;
use signals::{MonitorTarget, Signal};
use std::collections::VecDeque;

/// Number of X registers (OTP's `MAX_REG`).
pub const MAX_REG: usize = 1024;
/// Number of float registers.
pub const MAX_FREG: usize = 1024;

/// A monitor this process holds on another (`monitor/2`).
#[derive(Clone, Copy, Debug)]
pub struct Monitor {
    pub reference: u64,
    /// The monitored process.
    pub pid: u64,
    pub target: MonitorTarget,
}

/// A monitor another process holds on this one.
#[derive(Clone, Copy, Debug)]
pub struct MonitoredBy {
    pub reference: u64,
    /// The monitoring process.
    pub pid: u64,
    pub target: MonitorTarget,
}

pub struct Process {
    /// Process number (the pid is `Term::pid(id)`).
    pub id: u64,
    pub heap: Heap,
    /// X registers: arguments and temporaries. While the process is not running these are
    /// the scheduler's (swapped in for a slice) and the process keeps only `saved_x`.
    pub x: Box<[Term]>,
    /// Float registers (also the scheduler's while running).
    pub f: Box<[f64]>,
    /// The live X registers saved when the process was switched out.
    pub saved_x: Vec<Term>,
    /// How many X registers are live when `execute` returns `Yield`.
    pub live: usize,
    /// The stack. A call pushes its return address (a code pointer: a header-tagged word);
    /// `allocate` pushes Y registers above it; Y register `i` is `stack[len - 1 - i]`.
    /// Catch tags live in Y registers.
    pub stack: Vec<Term>,
    /// How many `catch`/`try` blocks are open (OTP's `catches`): each one opened counts one
    /// up, its end or handler one down. An exception looks for a catch tag on the stack only
    /// while it is above zero (damaged code that ends another block's tag twice leaves the
    /// other tag on the stack unused, as in OTP).
    pub catches: i64,
    /// Where execution resumes.
    pub pc: *const Instr,
    /// Where execution resumes when a `receive ... after` times out.
    pub timeout_pc: *const Instr,
    /// Messages received and not yet removed.
    pub mailbox: VecDeque<Term>,
    /// Index of the next message `loop_rec` looks at.
    pub save: usize,
    /// Process dictionary, in insertion order.
    pub dictionary: Vec<(Term, Term)>,
    pub reductions: u64,
    pub group_leader: Term,
    /// The shared cell holding this process (null for a process run outside the scheduler).
    pub cell: *const cell::ProcessCell,
    /// Signals taken from the inbox and not yet handled (scratch space).
    pub pending: VecDeque<Signal>,
    /// Linked processes.
    pub links: Vec<u64>,
    /// Monitors held by this process.
    pub monitors: Vec<Monitor>,
    /// The active aliases this process made, and what ends each (see [`alias`]).
    pub aliases: Vec<(u64, alias::AliasMode)>,
    /// Monitors (by reference) whose `'DOWN'` message has a custom tag (`{tag, T}`).
    pub monitor_tags: Vec<(u64, signals::OwnedTerm)>,
    /// Monitors others hold on this process.
    pub monitored_by: Vec<MonitoredBy>,
    pub trap_exit: bool,
    /// The module whose `undefined_function/3` and `undefined_lambda/3` handle calls of
    /// code that is not loaded, in a booted system (`process_flag(error_handler, M)`).
    pub error_handler: Atom,
    /// How many node monitors the process holds (`process_flag(monitor_nodes, true)` and
    /// `{monitor_nodes, Opts}`); this runtime is never distributed, so none ever fires.
    pub node_monitors: u32,
    pub registered_name: Option<Atom>,
    /// Generation of the current `receive ... after` timer.
    pub timer_gen: u64,
    /// A `receive ... after` timer is running for the current receive.
    pub timer_active: bool,
    /// The timer service's id of that timer (for cancelling it when a message ends the
    /// receive).
    pub timer_id: u64,
    /// The current receive's timer expired.
    pub timed_out: bool,
    /// Set by BIFs (`erlang:yield/0`) that want the slice to end after they return.
    pub yield_now: bool,
    /// Suspended in `port_command` on a busy port until a `Signal::Resume`.
    pub port_suspended: bool,
    /// Reductions a BIF charged beyond its call ([`Process::charge`]), taken from the slice
    /// when it returns.
    pub extra_reds: u32,
    /// The function the process was spawned with.
    pub initial_call: Option<Mfa>,
    /// The process that spawned it.
    pub parent: Option<u64>,
    /// Set when an exit signal killed the process (the reason, on this heap).
    pub killed_by: Option<Term>,
    /// The ETS table this process used last (saves a registry lookup per ETS call).
    pub ets_cache: Option<std::sync::Arc<crate::ets::Table>>,
    /// The port this process used last (saves a port table lookup per port operation).
    pub port_cache: Option<std::sync::Arc<crate::port::PortCell>>,
    /// `min_heap_size` and `fullsweep_after`.
    pub gc_settings: gc::GcSettings,
    /// `max_heap_size`.
    pub max_heap: gc::MaxHeap,
    /// `message_queue_data` is `off_heap` (kept for `process_info`; messages are always
    /// built outside the heap and absorbed on receipt).
    pub message_queue_off_heap: bool,
    /// Where an interrupted native call stands (a dirty call, a yield between scheduled
    /// NIFs); see [`crate::nif::NifResume`].
    pub nif_resume: crate::nif::NifResume,
    /// Set by a native function that asked to continue in another (`enif_schedule_nif`);
    /// taken by the call instruction as soon as the function returns.
    pub nif_continuation: Option<Box<crate::nif::NifContinuation>>,
    /// The outcome of a native call machine code made that the `call_nif` instruction
    /// must finish (an exception, or a continuation to follow): see
    /// `emu::call_nif::call_from_machine_code`.
    pub nif_pending: Option<Box<crate::exception::BifResult>>,
    /// Reductions left in the slice when the running native function was called (for
    /// `enif_consume_timeslice`).
    pub nif_reds_left: i64,
    /// Garbage collections other processes asked for while this one was in a dirty call,
    /// done (and answered) when it is next scheduled, or answered when it exits.
    pub gc_requests: Vec<gc::GcRequest>,
    /// System tasks that arrived as signals (asked while this process was running), done
    /// and answered between its time slices ([`Process::serve_system_tasks`]), or answered
    /// `false` when it exits.
    pub system_tasks: Vec<signals::SystemTask>,
    /// What the process does for an embedding host (a host call, a host mailbox).
    pub host: Option<Box<crate::host::HostRole>>,
}

// SAFETY: a process is run by one scheduler thread at a time; `pc` points into immutable code.
unsafe impl Send for Process {}

impl Process {
    /// The current receive ends (a message was taken, or its timeout ran out): its
    /// `after` timer, if one is still running, is cancelled (as OTP does), so that it does
    /// not stay in the timer service until its deadline and then wake the process for
    /// nothing (a `gen_server:call` leaves a 5-second timer per call otherwise).
    #[inline]
    pub fn end_receive(&mut self) {
        if self.timer_active {
            self.timer_active = false;
            crate::timer::cancel_internal(self.timer_id);
        }
        self.save = 0;
        self.timed_out = false;
    }

    /// A process with its own register file (one not run by a scheduler, e.g. in tests).
    pub fn new(id: u64) -> Process {
        let mut p = Process::bare(
            id,
            vec![Term::NIL; MAX_REG].into_boxed_slice(),
            vec![0.0; MAX_FREG].into_boxed_slice(),
        );
        p.stack = Vec::with_capacity(64);
        p.heap = Heap::default();
        p
    }

    /// A process without heap, stack or (when `x` and `f` are empty) registers yet: the
    /// spawner gives it a heap sized for its arguments, a scheduler lends it registers.
    fn bare(id: u64, x: Box<[Term]>, f: Box<[f64]>) -> Process {
        Process {
            id,
            heap: Heap::with_capacity(0),
            x,
            f,
            saved_x: Vec::new(),
            live: 0,
            stack: Vec::new(),
            catches: 0,
            pc: std::ptr::null(),
            timeout_pc: std::ptr::null(),
            mailbox: VecDeque::new(),
            save: 0,
            dictionary: Vec::new(),
            reductions: 0,
            group_leader: Term::NIL,
            cell: std::ptr::null(),
            pending: VecDeque::new(),
            links: Vec::new(),
            monitors: Vec::new(),
            aliases: Vec::new(),
            monitor_tags: Vec::new(),
            monitored_by: Vec::new(),
            trap_exit: false,
            error_handler: crate::atom::ERROR_HANDLER,
            node_monitors: 0,
            registered_name: None,
            timer_gen: 0,
            timer_active: false,
            timer_id: 0,
            timed_out: false,
            yield_now: false,
            port_suspended: false,
            extra_reds: 0,
            initial_call: None,
            parent: None,
            killed_by: None,
            ets_cache: None,
            port_cache: None,
            gc_settings: gc::GcSettings::default(),
            max_heap: gc::MaxHeap::system_default(),
            message_queue_off_heap: false,
            nif_resume: crate::nif::NifResume::Start,
            nif_continuation: None,
            nif_pending: None,
            nif_reds_left: 0,
            gc_requests: Vec::new(),
            system_tasks: Vec::new(),
            host: None,
        }
    }

    /// A process for the scheduler: it owns no register file (a scheduler lends it one while
    /// it runs), so an idle process costs little memory.
    pub fn new_spawned(id: u64) -> Process {
        Process::bare(id, Box::new([]), Box::new([]))
    }

    /// Charges `reds` reductions for the work of the BIF being called (beyond the one every
    /// call costs): they come off the time slice when the BIF returns (through the
    /// `yield_now` check the interpreter makes after a BIF anyway).
    pub fn charge(&mut self, reds: u32) {
        self.extra_reds = self.extra_reds.saturating_add(reds);
        self.yield_now = true;
    }

    /// The cell of this process, if it runs under the scheduler.
    pub fn cell(&self) -> Option<&cell::ProcessCell> {
        // SAFETY: `cell` is null or points at the cell that owns this process, which lives at
        // least as long as the process.
        unsafe { self.cell.as_ref() }
    }
    /// This process's pid.
    pub fn pid(&self) -> Term {
        Term::pid(self.id)
    }

    /// Garbage collects (minor or major, as [`gc::collect`] decides) with the first `live` X
    /// registers as roots, leaving `need` free words. True when the heap has grown past
    /// `max_heap_size` and the process is to be killed.
    #[must_use]
    pub fn gc(&mut self, live: usize, need: usize) -> bool {
        self.collect(live, need, gc::GcKind::Auto)
    }

    /// A major collection (`erlang:garbage_collect/0`, hibernation); see [`Process::gc`].
    #[must_use]
    pub fn gc_major(&mut self, live: usize, need: usize) -> bool {
        self.collect(live, need, gc::GcKind::Major)
    }

    fn collect(&mut self, live: usize, need: usize, kind: gc::GcKind) -> bool {
        let before = self.heap_words_used();
        let live = live.min(self.x.len());
        let mut dict: Vec<Term> = self.dictionary.iter().flat_map(|(k, v)| [*k, *v]).collect();
        let mut killed: Vec<Term> = self.killed_by.into_iter().collect();
        let (a, b) = self.mailbox.as_mut_slices();
        gc::collect(
            &mut self.heap,
            &mut [
                &mut self.x[..live],
                &mut self.stack[..],
                &mut dict[..],
                a,
                b,
                std::slice::from_mut(&mut self.group_leader),
                &mut self.saved_x[..],
                &mut killed[..],
            ],
            need,
            &self.gc_settings,
            kind,
        );
        if let Some(k) = killed.first() {
            self.killed_by = Some(*k);
        }
        for (i, pair) in self.dictionary.iter_mut().enumerate() {
            *pair = (dict[2 * i], dict[2 * i + 1]);
        }
        let after = self.heap_words_used();
        crate::sched::stats::add_gc(before.saturating_sub(after) as u64);
        self.check_max_heap()
    }

    /// Does the collections asked for while the process was in a dirty call (when `collect`;
    /// not when it is exiting) and answers each requester `{garbage_collect, RequestId,
    /// true}` (OTP answers `true` also for a process that exits meanwhile).
    pub fn serve_gc_requests(&mut self, collect: bool) {
        let requests = std::mem::take(&mut self.gc_requests);
        if collect {
            let major = requests.iter().any(|r| r.major);
            // Between slices the live registers are in `saved_x` (a root).
            let _ = if major {
                self.gc_major(0, 0)
            } else {
                self.gc(0, 0)
            };
        }
        for r in requests {
            let reply = signals::OwnedTerm::build(|h| {
                let id = crate::term::copy::copy(h, r.id.term);
                crate::term::boxed::tuple(
                    h,
                    &[
                        Term::atom(crate::atom::atom("garbage_collect")),
                        id,
                        Term::bool(true),
                    ],
                )
            });
            let _ = exit::deliver(r.from, signals::Signal::Message(reply));
        }
    }

    /// Does the system tasks that arrived as signals and answers them: collections (one, major
    /// if any asked for it) answer `true`, code checks whether the process runs old code of
    /// the module. Called between slices only (the live registers are in `saved_x`, `pc` is
    /// where the process resumes), not during a dirty call (its heap is in use: collections
    /// wait in `gc_requests` until it is scheduled again).
    pub fn serve_system_tasks(&mut self) {
        let tasks = std::mem::take(&mut self.system_tasks);
        let (gcs, checks): (Vec<_>, Vec<_>) = tasks
            .into_iter()
            .partition(|t| matches!(t.kind, signals::SystemTaskKind::GarbageCollect { .. }));
        for t in checks {
            let uses = match t.kind {
                signals::SystemTaskKind::CheckProcessCode { module } => {
                    crate::bif::loading::uses_old_code(self, module)
                }
                signals::SystemTaskKind::GarbageCollect { .. } => false,
            };
            t.answer(uses);
        }
        if !gcs.is_empty() {
            let major = gcs.iter().any(|t| {
                matches!(
                    t.kind,
                    signals::SystemTaskKind::GarbageCollect { major: true }
                )
            });
            let _ = if major {
                self.gc_major(0, 0)
            } else {
                self.gc(0, 0)
            };
            for t in gcs {
                t.answer(true);
            }
        }
    }

    /// Words of terms on the heap (young block, fragments, old generation).
    fn heap_words_used(&self) -> usize {
        self.heap.used_words() + self.heap.fragment_words() + self.heap.old_words().0
    }

    /// A monitor is gone (demonitored or fired): its alias ends if made to end with it, and
    /// its tag is dropped.
    pub fn monitor_removed(&mut self, reference: u64) {
        if let Some(i) = self.aliases.iter().position(|&(r, m)| {
            r == reference
                && matches!(
                    m,
                    alias::AliasMode::Demonitor | alias::AliasMode::ReplyDemonitor
                )
        }) {
            self.aliases.swap_remove(i);
            alias::deactivate(reference);
        }
        self.monitor_tags.retain(|(r, _)| *r != reference);
    }

    /// Words of heap the process holds: young block, fragments and old generation (OTP's
    /// `total_heap_size`).
    pub fn total_heap_words(&self) -> usize {
        self.heap.capacity() + self.heap.fragment_words() + self.heap.old_words().1
    }

    /// After a collection: reports a heap over `max_heap_size`; true if it is to be killed.
    fn check_max_heap(&self) -> bool {
        let m = self.max_heap;
        let total = self.total_heap_words();
        if m.size == 0 || total <= m.size {
            return false;
        }
        if m.error_logger {
            max_heap_report(self, total);
        }
        m.kill
    }
}

/// OTP's error report for a process whose heap passed `max_heap_size`.
fn max_heap_report(p: &Process, total: usize) {
    use std::io::Write;
    let m = p.max_heap;
    let (old_used, old_cap) = p.heap.old_words();
    let report = format!(
        "=ERROR REPORT====\n     Process:            {} \n     Context:            maximum heap size reached\n     Max Heap Size:      {}\n     Total Heap Size:    {}\n     Kill:               {}\n     Error Logger:       {}\n     Message Queue Len:  {}\n     GC Info:            [{{old_heap_block_size,{}}},\n                          {{heap_block_size,{}}},\n                          {{old_heap_size,{}}},\n                          {{heap_size,{}}}]\n\n",
        crate::display::display_string(p.pid()),
        m.size,
        total,
        m.kill,
        m.error_logger,
        p.mailbox.len(),
        old_cap,
        p.heap.capacity(),
        old_used,
        p.heap.used_words(),
    );
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().write_all(report.as_bytes());
}
