//! Signals between processes and ports (OTP's `erl_port_task` signal part of `io.c`): the
//! operations a process performs on a port (command, control, call, close, connect, info),
//! link/monitor/exit signals that reach a port, the port message interface
//! (`Port ! {Pid, {command, D}}` ...), and what a terminating port tells its links and
//! monitors.
//!
//! Every operation runs at once in the calling thread under the port lock, so operations of
//! one process on a port keep their order.

use super::{Life, PortCell, PortCore, PortMonitor, PORT_BIT};
use crate::atom;
use crate::process::exit::deliver;
use crate::process::signals::{MonitorTarget, OwnedTerm, Signal};
use crate::term::{boxed, copy, Term};

/// Why a port operation failed (the atom `erts_internal:port_*` returns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortOpError {
    /// No such port, or a bad argument (`badarg`).
    Badarg,
    /// `port_command` on a busy port with `nosuspend`.
    Busy,
    /// `force` on a driver that cannot take it (`notsup`).
    NotSup,
}

/// A signal from a process to the port with link/monitor id `id` ([`PORT_BIT`] set). Gives
/// the signal back when the port is gone, so the caller can answer as for a dead process.
pub fn deliver_to_port(id: u64, sig: Signal) -> Result<(), Signal> {
    let Some(cell) = super::lookup(id & !PORT_BIT) else {
        return Err(sig);
    };
    let mut st = cell.lock();
    if st.core.life == Life::Dead {
        return Err(sig);
    }
    match sig {
        Signal::Link { from } => {
            if !st.core.links.contains(&from) {
                st.core.links.push(from);
            }
        }
        Signal::Unlink { from } => st.core.links.retain(|&l| l != from),
        Signal::Monitor {
            from,
            reference,
            target,
        } => st.core.monitored_by.push(PortMonitor {
            reference,
            pid: from,
            name: match target {
                MonitorTarget::Name(n) => Some(n),
                MonitorTarget::Pid(_) | MonitorTarget::ClockService => None,
            },
        }),
        Signal::Demonitor { from, reference } => st
            .core
            .monitored_by
            .retain(|m| !(m.reference == reference && m.pid == from)),
        Signal::Exit {
            from,
            reason,
            linked,
        } => {
            if linked {
                let Some(i) = st.core.links.iter().position(|&l| l == from) else {
                    return Ok(());
                };
                st.core.links.swap_remove(i);
                // A broken link with reason `normal` ends the port only when it comes from
                // the connected process.
                if reason.term == Term::atom(atom::NORMAL) && from != st.core.connected {
                    return Ok(());
                }
            }
            let reason = if !linked && reason.term == Term::atom(atom::KILL) {
                OwnedTerm::immediate(Term::atom(atom::KILLED))
            } else {
                reason
            };
            st.terminate(&cell, reason);
        }
        Signal::Down { reference, .. } => {
            // A process the driver monitors has exited.
            if let Some(i) = st.core.monitors.iter().position(|m| m.0 == reference) {
                st.core.monitors.swap_remove(i);
                st.call(|d, core| d.process_exit(core, reference));
            }
        }
        // Messages go through `send_message`; timer signals never reach ports.
        Signal::Message(_)
        | Signal::AliasMessage { .. }
        | Signal::ReceiveTimeout { .. }
        | Signal::Resume
        | Signal::Wake
        | Signal::SystemTask(_)
        | Signal::PortInput(_)
        | Signal::MonitorUp { .. } => {}
    }
    Ok(())
}

/// Tells the links and monitors of a terminated port; its monitors of processes end.
pub(super) fn port_exited(core: &mut PortCore, reason: Term) {
    let me = core.id | PORT_BIT;
    for l in std::mem::take(&mut core.links) {
        core.signal(
            l,
            Signal::Exit {
                from: me,
                reason: OwnedTerm::copy_of(reason),
                linked: true,
            },
        );
    }
    for m in std::mem::take(&mut core.monitored_by) {
        let msg = port_down_message(m.reference, core.id, m.name, reason);
        core.signal(
            m.pid,
            Signal::Down {
                reference: m.reference,
                msg,
            },
        );
    }
    for (reference, pid) in std::mem::take(&mut core.monitors) {
        core.signal(
            pid,
            Signal::Demonitor {
                from: me,
                reference,
            },
        );
    }
    if let Some(name) = core.registered_name.take() {
        crate::process::registry::unregister_if(name, me);
    }
}

/// `{'DOWN', Ref, port, Item, Reason}`: `Item` is the port, or `{Name, Node}` for a monitor
/// by registered name.
pub fn port_down_message(
    reference: u64,
    port: u64,
    name: Option<atom::Atom>,
    reason: Term,
) -> OwnedTerm {
    OwnedTerm::build(|h| {
        let r = boxed::reference(h, reference);
        let item = match name {
            None => Term::port(port),
            Some(n) => boxed::tuple(h, &[Term::atom(n), Term::atom(crate::dist::node::name())]),
        };
        // As OTP 25: the type is `process` when the reason is not an immediate.
        let kind = if reason.is_immediate() {
            "port"
        } else {
            "process"
        };
        let reason = copy::copy(h, reason);
        boxed::tuple(
            h,
            &[
                Term::atom(atom::DOWN),
                r,
                Term::atom(atom::atom(kind)),
                item,
                reason,
            ],
        )
    })
}

/// `Port ! Msg`: `{Pid, {command, Data}}`, `{Pid, close}`, `{Pid, {connect, NewPid}}` from
/// the connected process. Anything else (another sender, another shape) makes the port send
/// the exit signal `badsig` to its connected process, as OTP does; the port stays open. A
/// message to a closed port is dropped.
pub fn send_message(port: u64, msg: Term) {
    let Some(cell) = super::lookup(port) else {
        return;
    };
    super::deferred_output::flush_other_than(cell.id);
    let mut st = cell.lock();
    if st.core.life != Life::Open {
        return;
    }
    if !port_message(&cell, &mut st, msg) {
        let (to, from) = (st.core.connected, st.core.id | PORT_BIT);
        let reason = OwnedTerm::immediate(Term::atom(atom::atom("badsig")));
        st.core.signal(
            to,
            Signal::Exit {
                from,
                reason,
                linked: false,
            },
        );
    }
}

/// Carries out a port message; false when it is not one the port takes.
fn port_message(cell: &PortCell, st: &mut super::PortGuard<'_>, msg: Term) -> bool {
    if !msg.is_tuple() || boxed::tuple_arity(msg) != 2 {
        return false;
    }
    let (sender, what) = (boxed::tuple_element(msg, 0), boxed::tuple_element(msg, 1));
    if !sender.is_local_pid() || sender.pid_number() != st.core.connected {
        return false;
    }
    let sender = sender.pid_number();
    if what == Term::atom(atom::atom("close")) {
        let port_term = st.core.port_term();
        st.terminate(cell, OwnedTerm::immediate(Term::atom(atom::NORMAL)));
        let m =
            OwnedTerm::build(|h| boxed::tuple(h, &[port_term, Term::atom(atom::atom("closed"))]));
        st.core.send_to(sender, m);
        return true;
    }
    if !what.is_tuple() || boxed::tuple_arity(what) != 2 {
        return false;
    }
    let (tag, arg) = (boxed::tuple_element(what, 0), boxed::tuple_element(what, 1));
    if tag == Term::atom(atom::atom("command")) {
        let Some(bytes) = crate::bif::iodata::iodata_to_bytes(arg) else {
            return false;
        };
        st.core.output += bytes.len() as u64;
        super::with_caller(sender, || st.call(|d, core| d.output(core, &bytes)));
        return true;
    }
    if tag == Term::atom(atom::atom("connect")) && arg.is_local_pid() {
        st.core.set_connected(arg.pid_number());
        let port_term = st.core.port_term();
        let m = OwnedTerm::build(|h| {
            boxed::tuple(h, &[port_term, Term::atom(atom::atom("connected"))])
        });
        st.core.send_to(sender, m);
        return true;
    }
    false
}

/// `port_command(Port, Data, Flags)` from process `caller`: true when done, false when the
/// port is busy and `nosuspend` was given. `Busy` otherwise: the caller is recorded as
/// waiting and suspends until the port is no longer busy (it is sent `Signal::Resume`).
pub fn command(
    cell: &PortCell,
    caller: u64,
    bytes: &[u8],
    force: bool,
    nosuspend: bool,
) -> Result<bool, PortOpError> {
    super::deferred_output::flush_other_than(cell.id);
    let mut st = cell.lock_keeping_output();
    if st.core.life != Life::Open {
        return Err(PortOpError::Badarg);
    }
    if force && !st.driver.as_ref().is_some_and(|d| d.soft_busy()) {
        return Err(PortOpError::NotSup);
    }
    if st.core.is_busy() && !force {
        if nosuspend {
            return Ok(false);
        }
        st.core.add_busy_waiter(caller);
        return Err(PortOpError::Busy);
    }
    st.core.output += bytes.len() as u64;
    st.call(|d, core| d.output(core, bytes));
    Ok(true)
}

/// Writes distribution frames to controller `cell`, busy or not (OTP's distribution
/// output); false when the port is not open.
pub fn command_dist(cell: &PortCell, frames: &[Vec<u8>]) -> bool {
    let mut st = cell.lock();
    if st.core.life != Life::Open {
        return false;
    }
    st.core.output += frames.iter().map(|f| f.len() as u64).sum::<u64>();
    st.call(|d, core| d.output_frames(core, frames));
    true
}

/// A command that never waits (`enif_port_command`, OTP's `erts_port_output_async`): the
/// data goes to the driver whether or not the port is busy; `Badarg` when the port is not
/// open. The caller is the one `super::with_caller` recorded.
pub fn command_async(cell: &PortCell, bytes: &[u8]) -> Result<(), PortOpError> {
    let mut st = cell.lock();
    if st.core.life != Life::Open {
        return Err(PortOpError::Badarg);
    }
    st.core.output += bytes.len() as u64;
    st.call(|d, core| d.output(core, bytes));
    Ok(())
}

/// `port_close(Port)`: the port ends with `normal` (after its queued output is written).
pub fn close(cell: &PortCell) -> Result<(), PortOpError> {
    let mut st = cell.lock();
    if st.core.life != Life::Open {
        return Err(PortOpError::Badarg);
    }
    let pending = st.call(|d, core| d.flush(core)).unwrap_or(false);
    if pending && st.core.queue_size > 0 {
        // Links see the port end only once the output is gone, but to Erlang it is
        // closed now.
        st.core.life = Life::Closing;
    } else {
        st.terminate(cell, OwnedTerm::immediate(Term::atom(atom::NORMAL)));
    }
    Ok(())
}

/// `port_connect(Port, Pid)`.
pub fn connect(cell: &PortCell, pid: u64) -> Result<(), PortOpError> {
    if crate::process::table::table().get(pid).is_none() {
        return Err(PortOpError::Badarg);
    }
    let mut st = cell.lock();
    if st.core.life != Life::Open {
        return Err(PortOpError::Badarg);
    }
    st.core.set_connected(pid);
    if !st.core.links.contains(&pid) {
        st.core.links.push(pid);
        let _ = deliver(
            pid,
            Signal::Link {
                from: cell.id | PORT_BIT,
            },
        );
    }
    Ok(())
}

/// `port_control(Port, Op, Data)`: the reply bytes are appended to `reply`; returns whether
/// they go back as a binary.
pub fn control(
    cell: &PortCell,
    op: u32,
    data: &mut [u8],
    reply: &mut Vec<u8>,
) -> Result<bool, PortOpError> {
    let mut st = cell.lock();
    if st.core.life != Life::Open {
        return Err(PortOpError::Badarg);
    }
    let ok = st.call(|d, core| d.control(core, op, data, reply)) == Some(true);
    let binary = st.core.control_binary;
    ok.then_some(binary).ok_or(PortOpError::Badarg)
}

/// `erlang:port_call(Port, Op, Data)`: the reply in external term format.
pub fn call(cell: &PortCell, op: u32, data: &[u8]) -> Result<Vec<u8>, PortOpError> {
    let mut st = cell.lock();
    if st.core.life != Life::Open {
        return Err(PortOpError::Badarg);
    }
    let r = st.call(|d, core| d.call(core, op, data)).flatten();
    r.ok_or(PortOpError::Badarg)
}
