//! Creating processes (OTP's `erl_create_process`): a new process gets its own heap with a copy
//! of the arguments, a pid, optional link and monitor to its parent, and is made runnable.

use super::cell::{Priority, ProcessCell};
use super::signals::MonitorTarget;
use super::table::{table, SpawnError};
use super::{Monitor, MonitoredBy, Process};
use crate::emu::interp;
use crate::heap::Heap;
use crate::module::Export;
use crate::term::copy;
use crate::term::Term;
use std::sync::Arc;

/// Options of `spawn_opt`.
#[derive(Default, Clone, Copy)]
pub struct SpawnOpts {
    pub link: bool,
    /// Monitor the child from the parent with this reference number.
    pub monitor: Option<u64>,
    pub priority: Option<Priority>,
    /// Initial heap size in words.
    pub min_heap_size: Option<usize>,
    pub fullsweep_after: Option<u32>,
    pub max_heap: Option<super::gc::MaxHeap>,
    /// `{message_queue_data, off_heap}`.
    pub message_queue_off_heap: Option<bool>,
    /// The group leader of a process without parent (default: itself).
    pub group_leader: Option<u64>,
    /// Start with `trap_exit` set (the first process of a bare run, as OTP's boot process).
    pub trap_exit: bool,
    /// A system process (`erts_internal:is_system_process/1` is true of it).
    pub system: bool,
    /// A pid number already reserved with `table().reserve()` (the first process of a boot,
    /// whose pid must be `<0.0.0>` while it is started after others).
    pub reserved_id: Option<u64>,
}

/// Spawns a process running `export(args)`; `parent` (the caller, if any) gets the link or
/// monitor asked for. Returns the new pid number.
pub fn spawn(
    parent: Option<&mut Process>,
    export: &'static Export,
    args: &[Term],
    opts: SpawnOpts,
) -> Result<u64, SpawnError> {
    spawn_prepared(parent, export, args, opts, |_| {})
}

/// [`spawn`], with `prepare` run on the new process before it becomes runnable (a host
/// call gives it its [`crate::host::HostRole`]).
pub fn spawn_prepared(
    parent: Option<&mut Process>,
    export: &'static Export,
    args: &[Term],
    opts: SpawnOpts,
    prepare: impl FnOnce(&mut Process),
) -> Result<u64, SpawnError> {
    let id = match opts.reserved_id {
        Some(id) => id,
        None => table().reserve()?,
    };
    let mut p = Process::new_spawned(id);
    let words: usize = args.iter().map(|a| copy::size_of(*a)).sum();
    if let Some(n) = opts.min_heap_size {
        // Never below the system default (OTP's `H_MIN_SIZE`).
        let n = super::gc::heap_size_for(n);
        p.gc_settings.min_heap_size = p.gc_settings.min_heap_size.max(n);
    }
    if let Some(n) = opts.fullsweep_after {
        p.gc_settings.fullsweep_after = n;
    }
    if let Some(m) = opts.max_heap {
        p.max_heap = m;
    }
    if let Some(off) = opts.message_queue_off_heap {
        p.message_queue_off_heap = off;
    }
    p.trap_exit = opts.trap_exit;
    let heap_words = p
        .gc_settings
        .min_heap_size
        .max(words + crate::heap::MIN_HEAP_SIZE / 2);
    p.heap = Heap::with_capacity(heap_words);
    let copied: Vec<Term> = args.iter().map(|a| copy::copy(&mut p.heap, *a)).collect();
    interp::setup_spawn(&mut p, export, &copied);
    p.initial_call = Some(export.mfa);
    if let Some(parent) = parent {
        p.parent = Some(parent.id);
        p.group_leader = parent.group_leader;
        if opts.link {
            p.links.push(parent.id);
            parent.links.push(id);
        }
        if let Some(reference) = opts.monitor {
            p.monitored_by.push(MonitoredBy {
                reference,
                pid: parent.id,
                target: MonitorTarget::Pid(id),
            });
            parent.monitors.push(Monitor {
                reference,
                pid: id,
                target: MonitorTarget::Pid(id),
            });
        }
    } else {
        p.group_leader = Term::pid(opts.group_leader.unwrap_or(id));
    }
    prepare(&mut p);
    let mut cell = ProcessCell::new(p);
    cell.system = opts.system;
    let cell = Arc::new(cell);
    cell.process.lock().cell = Arc::as_ptr(&cell);
    if let Some(pr) = opts.priority {
        cell.set_priority(pr);
    }
    table().insert(cell.clone());
    crate::sched::spawn(cell);
    Ok(id)
}
