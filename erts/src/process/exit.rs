//! Delivering signals to other processes and process termination (OTP's `erts_do_exit_process`
//! / `erts_continue_exit_process`): a dying process sends exit signals along its links,
//! `'DOWN'` messages to its monitors, drops its name and leaves the process table. Signals
//! that reach a process that is already gone get the answers OTP gives: a link gets a `noproc`
//! exit signal, a monitor a `noproc` `'DOWN'` message.

use super::cell::ProcessCell;
use super::signals::{MonitorTarget, OwnedTerm, Signal};
use super::table::table;
use super::{registry, Process};
use crate::atom;
use crate::term::boxed;
use crate::term::copy;
use crate::term::Term;
use std::sync::Arc;

/// Bit 62 of a monitor owner's id: the owner is a native object (a NIF resource monitoring a
/// process), named by a number of its own; the signals for it (its `'DOWN'`) go to the
/// native hook ([`set_native_hook`]) instead of a process. Pid numbers never reach this bit,
/// and port ids have bit 63 set.
pub const NATIVE_BIT: u64 = 1 << 62;

/// Takes the signals sent to a native monitor owner: its number (without [`NATIVE_BIT`])
/// and the signal. Runs in the sender's thread, without locks held.
pub type NativeHook = fn(owner: u64, sig: Signal);

// Process-wide: a function `nif-api` installs, the same for every instance.
static NATIVE_HOOK: std::sync::OnceLock<NativeHook> = std::sync::OnceLock::new();

/// Sets the hook for signals to native monitor owners (once, at start-up); false if set.
pub fn set_native_hook(h: NativeHook) -> bool {
    NATIVE_HOOK.set(h).is_ok()
}

/// Whether `id` names a native monitor owner.
#[inline]
pub fn is_native_id(id: u64) -> bool {
    id & (NATIVE_BIT | crate::port::PORT_BIT) == NATIVE_BIT
}

/// Puts `sig` in the inbox of process `to` and schedules it; gives the signal back when there
/// is no such process.
pub fn deliver(to: u64, sig: Signal) -> Result<(), Signal> {
    // What the sender wrote to a port goes out before anyone hears from it.
    if crate::port::deferred_output::any_held() {
        crate::port::deferred_output::flush();
    }
    if crate::port::is_port_id(to) {
        return crate::port::signals::deliver_to_port(to, sig);
    }
    if crate::dist::remote::is_remote_id(to) {
        return crate::dist::output::signal(to, sig);
    }
    if is_native_id(to) {
        // Objects of the built-in NIF libraries first, then `nif-api`'s resources.
        let Some(sig) = crate::nifs::native_signal(to & !NATIVE_BIT, sig) else {
            return Ok(());
        };
        if let Some(h) = NATIVE_HOOK.get() {
            h(to & !NATIVE_BIT, sig);
        }
        return Ok(());
    }
    match table().get(to) {
        Some(cell) => deliver_to(&cell, sig),
        None => Err(sig),
    }
}

/// Like [`deliver`], to a known cell.
pub fn deliver_to(cell: &Arc<ProcessCell>, sig: Signal) -> Result<(), Signal> {
    match cell.push(sig) {
        Ok(true) => {
            crate::sched::enqueue(cell.clone());
            Ok(())
        }
        Ok(false) => Ok(()),
        Err(sig) => Err(sig),
    }
}

/// Delivers signals to one process in one step, so that it sees all of them or none (a
/// port's data followed by its exit). Signals to a process that is gone are dropped.
pub fn deliver_all(to: u64, sigs: Vec<Signal>) {
    if crate::port::is_port_id(to) || crate::dist::remote::is_remote_id(to) {
        for s in sigs {
            let _ = deliver(to, s);
        }
        return;
    }
    if let Some(cell) = table().get(to) {
        if let Ok(true) = cell.push_all(sigs) {
            crate::sched::enqueue(cell.clone());
        }
    }
}

/// Delivers `sig` to process `to`; when `to` is gone, answers links and
/// monitors as OTP does.
pub fn deliver_or_answer(to: u64, sig: Signal) {
    if let Err(sig) = deliver(to, sig) {
        answer_dead(to, sig);
    }
}

/// The answer of a dead process `dead` to a signal it can no longer take.
fn answer_dead(dead: u64, sig: Signal) {
    match sig {
        Signal::SystemTask(task) => task.answer(false),
        Signal::PortInput(port) => crate::port::run_deferred_input(port),
        Signal::Link { from } => {
            let _ = deliver(
                from,
                Signal::Exit {
                    from: dead,
                    reason: OwnedTerm::immediate(Term::atom(atom::NOPROC)),
                    linked: true,
                },
            );
        }
        Signal::Monitor {
            from,
            reference,
            target,
        } => {
            let noproc = Term::atom(atom::NOPROC);
            let msg = if crate::port::is_port_id(dead) {
                let name = match target {
                    MonitorTarget::Name(n) => Some(n),
                    MonitorTarget::Pid(_) | MonitorTarget::ClockService => None,
                };
                let n = dead & !crate::port::PORT_BIT;
                crate::port::signals::port_down_message(reference, n, name, noproc)
            } else {
                down_message(reference, dead, target, noproc)
            };
            let _ = deliver(from, Signal::Down { reference, msg });
        }
        _ => {}
    }
}

/// `{'DOWN', Ref, process, Item, Reason}` in its own heap; `Item` is the pid, or
/// `{Name, Node}` for a monitor by name.
pub fn down_message(reference: u64, pid: u64, target: MonitorTarget, reason: Term) -> OwnedTerm {
    OwnedTerm::build(|h| {
        let r = boxed::reference(h, reference);
        let item = match target {
            MonitorTarget::Pid(_) | MonitorTarget::ClockService => Term::pid(pid),
            MonitorTarget::Name(n) => {
                boxed::tuple(h, &[Term::atom(n), Term::atom(crate::dist::node::name())])
            }
        };
        let reason = copy::copy(h, reason);
        boxed::tuple(
            h,
            &[
                Term::atom(atom::DOWN),
                r,
                Term::atom(atom::atom("process")),
                item,
                reason,
            ],
        )
    })
}

/// Terminates `p` (held by `cell`) with `reason` (a term on its heap): tells linked and
/// monitoring processes, unregisters its name and removes it from the process table.
pub fn terminate(cell: &Arc<ProcessCell>, p: &mut Process, reason: Term) {
    let me = p.id;
    if let Some(role) = p.host.take() {
        if let crate::host::HostRole::Call(sink) = *role {
            sink.finish(crate::host::call::Ending::Killed(reason));
        }
    }
    if !p.gc_requests.is_empty() {
        p.serve_gc_requests(false);
    }
    for task in std::mem::take(&mut p.system_tasks) {
        task.answer(false);
    }
    for (r, _) in std::mem::take(&mut p.aliases) {
        super::alias::deactivate(r);
    }
    // A process that dies in a `receive ... after` lets its timer go (it would hold on to
    // the process's cell until its deadline).
    p.end_receive();
    // As OTP (`erts_do_exit_process`, then the ETS phase of `erts_continue_exit_process`),
    // the name goes and the tables are deleted or handed to their heirs before any link or
    // monitor hears of the exit: whoever gets the `'DOWN'` finds them gone.
    if let Some(name) = p.registered_name.take() {
        registry::unregister_if(name, me);
    }
    if cell.owns_ets() {
        crate::ets::owner_exited(me);
    }
    // Tell links and monitors first, so that once others can see this process as dead its
    // exit signals are already in their inboxes (as with OTP's ordered `is_process_alive`).
    for &l in &p.links {
        let sig = Signal::Exit {
            from: me,
            reason: OwnedTerm::copy_of(reason),
            linked: true,
        };
        let _ = deliver(l, sig);
    }
    p.links.clear();
    for m in std::mem::take(&mut p.monitored_by) {
        let msg = down_message(m.reference, me, m.target, reason);
        let _ = deliver(
            m.pid,
            Signal::Down {
                reference: m.reference,
                msg,
            },
        );
    }
    for m in std::mem::take(&mut p.monitors) {
        let _ = deliver(
            m.pid,
            Signal::Demonitor {
                from: me,
                reference: m.reference,
            },
        );
    }
    // From here on signals are refused; the ones still queued get "no such process" answers.
    let mut leftovers = std::mem::take(&mut p.pending);
    leftovers.extend(cell.mark_exited());
    for sig in leftovers {
        answer_dead(me, sig);
    }
    p.mailbox.clear();
    crate::dist::node::process_exited(me);
    crate::dist::entry::process_exited(me);
    table().remove(me);
    crate::sched::process_exited(me, reason);
}
