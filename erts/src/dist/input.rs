//! Frames from other nodes (OTP's `erts_net_message`): what a controller port reads is
//! queued on the node's entry under the port lock ([`received`]) and taken in once the lock
//! is released ([`drain`]), one thread at a time per node, in the order received, so that
//! answering a frame (a `SPAWN_REPLY`, an exit signal to a dead process's linker) can write
//! to the same port.
//!
//! Each control message becomes the local signal it stands for: messages to pids, names and
//! aliases, links and exit signals, monitors both ways, and spawn requests and replies.

use super::entry::{self, DistEntry, InMonitor, OutMonitor};
use super::protocol::{op, PASS_THROUGH, SPAWN_FLG_LINK, SPAWN_FLG_MONITOR};
use super::{output, remote};
use crate::atom::{self, Atom};
use crate::etf::decode::{decode, DecodeOpts};
use crate::heap::Heap;
use crate::process::exit::deliver;
use crate::process::registry;
use crate::process::signals::{MonitorTarget, OwnedTerm, Signal};
use crate::term::{boxed, subtag, Term};

/// Queues packet `data` from the controller of `node`.
pub fn received(node: Atom, data: &[u8]) {
    entry::entry(node).inbox.lock().push_back(data.to_vec());
}

/// Takes in the queued frames of `node`, unless another thread is at it. What it sends
/// goes out at once.
pub fn drain(node: Atom) {
    output::undeferred(|| drain_entry(node))
}

fn drain_entry(node: Atom) {
    let Some(e) = entry::find(node) else { return };
    loop {
        if e.draining.swap(true, std::sync::atomic::Ordering::AcqRel) {
            return;
        }
        loop {
            let f = e.inbox.lock().pop_front();
            match f {
                Some(f) => handle(&e, &f),
                None => break,
            }
        }
        e.draining
            .store(false, std::sync::atomic::Ordering::Release);
        // A frame queued after the last look, by a thread that found `draining` set.
        if e.inbox.lock().is_empty() {
            return;
        }
    }
}

/// A local pid's number.
fn local_pid(t: Term) -> Option<u64> {
    t.is_local_pid().then(|| t.pid_number())
}

/// A local reference's number.
fn local_ref(t: Term) -> Option<u64> {
    t.is_boxed_with(subtag::REF).then(|| boxed::reference_id(t))
}

/// The id of a remote pid.
fn remote_pid(t: Term) -> Option<u64> {
    t.is_boxed_with(subtag::EXTERNAL_PID)
        .then(|| remote::pid_id(t))
}

/// Decodes the payload after the control message (`rest`) into a heap of its own.
fn payload(rest: &[u8]) -> Option<OwnedTerm> {
    let mut ok = true;
    let t = OwnedTerm::build(|h| match decode(h, rest, DecodeOpts::default()) {
        Ok((t, _)) => t,
        Err(_) => {
            ok = false;
            Term::NIL
        }
    });
    ok.then_some(t)
}

fn handle(e: &DistEntry, f: &[u8]) {
    if f.is_empty() {
        return; // a tick
    }
    if f[0] != PASS_THROUGH {
        bad_frame(e, "frame without the pass-through byte");
        return;
    }
    let mut h = Heap::with_capacity(64);
    let Ok((ctl, used)) = decode(&mut h, &f[1..], DecodeOpts::default()) else {
        bad_frame(e, "control message not in the external format");
        return;
    };
    let rest = &f[1 + used..];
    if !ctl.is_tuple() || boxed::tuple_arity(ctl) == 0 {
        bad_frame(e, "control message not a tuple");
        return;
    }
    let c = boxed::tuple_elems(ctl);
    let Some(operation) = c[0].as_small() else {
        bad_frame(e, "control message without an operation");
        return;
    };
    let el = |i: usize| c.get(i).copied().unwrap_or(Term::NIL);
    match operation {
        op::SEND | op::SEND_SENDER | op::SEND_TT | op::SEND_SENDER_TT => {
            let (Some(to), Some(msg)) = (local_pid(el(2)), payload(rest)) else {
                return;
            };
            let _ = deliver(to, Signal::Message(msg));
        }
        op::REG_SEND | op::REG_SEND_TT => {
            let (Some(name), Some(msg)) = (el(3).as_atom(), payload(rest)) else {
                return;
            };
            match registry::whereis(name) {
                Some(id) if crate::port::is_port_id(id) => {
                    crate::port::signals::send_message(id & !crate::port::PORT_BIT, msg.term);
                }
                Some(id) => {
                    let _ = deliver(id, Signal::Message(msg));
                }
                None => {}
            }
        }
        op::ALIAS_SEND | op::ALIAS_SEND_TT => {
            let (Some(alias), Some(msg)) = (local_ref(el(2)), payload(rest)) else {
                return;
            };
            if let Some(owner) = crate::process::alias::owner(alias) {
                let _ = deliver(owner, Signal::AliasMessage { alias, msg });
            }
        }
        op::LINK => {
            let (Some(from), Some(to)) = (remote_pid(el(1)), local_pid(el(2))) else {
                return;
            };
            e.add_link(to, from);
            if deliver(to, Signal::Link { from }).is_err() {
                e.remove_link(to, from);
                output::exit_from_dead(e, to, from, Term::atom(atom::NOPROC));
            }
        }
        op::UNLINK | op::UNLINK_ID => {
            let (f_i, t_i) = if operation == op::UNLINK {
                (1, 2)
            } else {
                (2, 3)
            };
            let (Some(from), Some(to)) = (remote_pid(el(f_i)), local_pid(el(t_i))) else {
                return;
            };
            e.remove_link(to, from);
            let _ = deliver(to, Signal::Unlink { from });
            if operation == op::UNLINK_ID {
                output::unlink_ack(e, el(1), to, from);
            }
        }
        op::UNLINK_ID_ACK => {}
        op::EXIT | op::EXIT_TT | op::EXIT2 | op::EXIT2_TT => {
            let (Some(from), Some(to)) = (remote_pid(el(1)), local_pid(el(2))) else {
                return;
            };
            let reason_at = if matches!(operation, op::EXIT | op::EXIT2) {
                3
            } else {
                4
            };
            let linked = matches!(operation, op::EXIT | op::EXIT_TT);
            exit_signal(e, from, to, OwnedTerm::copy_of(el(reason_at)), linked);
        }
        op::PAYLOAD_EXIT | op::PAYLOAD_EXIT_TT | op::PAYLOAD_EXIT2 | op::PAYLOAD_EXIT2_TT => {
            let (Some(from), Some(to), Some(reason)) =
                (remote_pid(el(1)), local_pid(el(2)), payload(rest))
            else {
                return;
            };
            let linked = matches!(operation, op::PAYLOAD_EXIT | op::PAYLOAD_EXIT_TT);
            exit_signal(e, from, to, reason, linked);
        }
        op::MONITOR_P => monitor(e, el(1), el(2), el(3)),
        op::DEMONITOR_P => {
            if !el(1).is_boxed_with(subtag::EXTERNAL_PID) {
                return;
            }
            if let Some((proxy, target)) = e.find_in_monitor(el(1), el(3)) {
                e.take_in_monitor(proxy);
                let _ = deliver(
                    target,
                    Signal::Demonitor {
                        from: remote::node_id(e.node),
                        reference: proxy,
                    },
                );
            }
        }
        op::MONITOR_P_EXIT | op::PAYLOAD_MONITOR_P_EXIT => {
            let (Some(to), Some(reference)) = (local_pid(el(2)), local_ref(el(3))) else {
                return;
            };
            let reason = if operation == op::MONITOR_P_EXIT {
                Some(OwnedTerm::copy_of(el(4)))
            } else {
                payload(rest)
            };
            let Some(reason) = reason else { return };
            let Some(m) = e.take_out_monitor(reference) else {
                return;
            };
            let node = e.node;
            let from = el(1);
            let msg = OwnedTerm::build(|h| {
                let item = match m.name {
                    Some(n) => boxed::tuple(h, &[Term::atom(n), Term::atom(node)]),
                    None => crate::term::copy::copy(h, from),
                };
                let r = boxed::reference(h, reference);
                let why = crate::term::copy::copy(h, reason.term);
                boxed::tuple(
                    h,
                    &[
                        Term::atom(atom::DOWN),
                        r,
                        Term::atom(atom::atom("process")),
                        item,
                        why,
                    ],
                )
            });
            let _ = deliver(to, Signal::Down { reference, msg });
        }
        op::SPAWN_REQUEST | op::SPAWN_REQUEST_TT => {
            if let Some(args) = payload(rest) {
                output::serve_spawn_request(e, el(1), el(2), el(3), el(4), el(5), args);
            }
        }
        op::SPAWN_REPLY | op::SPAWN_REPLY_TT => spawn_reply(e, el(1), el(2), el(3), el(4)),
        // `group_leader/2` of a local process from another node: not taken (OTP's own
        // kernel does not send it; `rpc` passes the group leader in spawn requests).
        op::GROUP_LEADER => {}
        _ => bad_frame(e, "unknown operation"),
    }
}

/// An exit signal from remote `from` to local `to` (through their link when `linked`).
fn exit_signal(e: &DistEntry, from: u64, to: u64, reason: OwnedTerm, linked: bool) {
    if linked {
        e.remove_link(to, from);
    }
    let _ = deliver(
        to,
        Signal::Exit {
            from,
            reason,
            linked,
        },
    );
}

/// `MONITOR_P`: remote `watcher` monitors local `target` (a pid or a registered name) with
/// remote reference `reference`.
fn monitor(e: &DistEntry, watcher: Term, target: Term, reference: Term) {
    if !watcher.is_boxed_with(subtag::EXTERNAL_PID) {
        return;
    }
    let (id, name) = if let Some(n) = target.as_atom() {
        (
            registry::whereis(n).filter(|id| !crate::port::is_port_id(*id)),
            Some(n),
        )
    } else {
        (local_pid(target), None)
    };
    let Some(id) = id else {
        output::monitor_exit_noproc(e, target, watcher, reference);
        return;
    };
    let proxy = e.add_in_monitor(InMonitor {
        watcher: OwnedTerm::copy_of(watcher),
        reference: OwnedTerm::copy_of(reference),
        target: id,
        name,
    });
    let sig = Signal::Monitor {
        from: remote::node_id(e.node),
        reference: proxy,
        target: match name {
            Some(n) => MonitorTarget::Name(n),
            None => MonitorTarget::Pid(id),
        },
    };
    if deliver(id, sig).is_err() {
        e.take_in_monitor(proxy);
        output::monitor_exit_noproc(e, target, watcher, reference);
    }
}

/// `SPAWN_REPLY`: the answer to a spawn request of local process `to`.
fn spawn_reply(e: &DistEntry, req: Term, to: Term, flags: Term, result: Term) {
    let (Some(reference), Some(to)) = (local_ref(req), local_pid(to)) else {
        return;
    };
    let Some(s) = e.take_spawn(reference) else {
        // Abandoned: the process made for it goes (OTP's exit signal `abandoned`).
        if result.is_boxed_with(subtag::EXTERNAL_PID) {
            output::abandoned(e, to, result);
        }
        return;
    };
    let flags = flags.as_small().unwrap_or(0);
    let ok = result.is_pid();
    // An id for the new process only when a link or monitor keeps it.
    let keeps = flags & (SPAWN_FLG_LINK | SPAWN_FLG_MONITOR) != 0;
    if let Some(child) = keeps.then(|| remote_pid(result)).flatten() {
        if flags & SPAWN_FLG_LINK != 0 {
            e.add_link(to, child);
            let _ = deliver(to, Signal::Link { from: child });
        }
        if flags & SPAWN_FLG_MONITOR != 0 {
            e.add_out_monitor(
                reference,
                OutMonitor {
                    watcher: to,
                    target: child,
                    name: None,
                },
            );
            let _ = deliver(
                to,
                Signal::MonitorUp {
                    reference,
                    target: child,
                },
            );
        }
    }
    if s.reply.wants(ok) {
        let msg = OwnedTerm::build(|h| {
            let tag = crate::term::copy::copy(h, s.tag.term);
            let r = boxed::reference(h, reference);
            let res = Term::atom(if ok { atom::OK } else { atom::ERROR });
            let v = crate::term::copy::copy(h, result);
            boxed::tuple(h, &[tag, r, res, v])
        });
        let _ = deliver(to, Signal::Message(msg));
    }
}

/// A frame this runtime cannot take: reported, and dropped.
fn bad_frame(e: &DistEntry, why: &str) {
    eprintln!(
        "** Got invalid data on distribution channel from node {}: {why} **\r",
        e.node.name()
    );
}
