//! A process handling the signals in its inbox (OTP's `erts_proc_sig_handle_incoming`):
//! messages join the mailbox, exit signals kill the process or become `{'EXIT', From, Reason}`
//! messages when it traps exits, links and monitors update its bookkeeping, timer expiries
//! end a `receive ... after`.

use super::alias::AliasMode;
use super::signals::{MonitorTarget, Signal};
use super::{Monitor, MonitoredBy, Process};
use crate::atom;
use crate::term::boxed;
use crate::term::Term;

/// What handling the signals decided.
pub enum Handled {
    /// The process goes on.
    Alive,
    /// An exit signal killed it with this reason (a term on its heap).
    Killed(Term),
}

impl Process {
    /// Takes the signals from the inbox and handles them in order.
    pub fn handle_signals(&mut self) -> Handled {
        let Some((cell, mut pending)) = self.queued_signals() else {
            return Handled::Alive;
        };
        let mut verdict = Handled::Alive;
        while let Some(sig) = pending.pop_front() {
            let port_input = matches!(sig, Signal::PortInput(_));
            if let Handled::Killed(r) = self.handle_signal(sig) {
                verdict = Handled::Killed(r);
                break;
            }
            if port_input {
                // The port has read its input: what it sent is in the inbox, after the
                // signals already taken.
                cell.take_signals(&mut pending);
            }
        }
        // Signals after a fatal one stay in `pending`: the exit code answers them as if they
        // had arrived after the process died.
        self.pending = pending;
        verdict
    }

    /// For a reader of this process's state holding its lock (`process_info/2` from another
    /// process): takes in the signals at the head of its queue that cannot end it or need
    /// it to run (messages, links, monitors), as OTP's `process_info` request is handled only
    /// after the signals sent before it. The rest stay queued, in order, for the process.
    pub fn handle_signals_in_place(&mut self) {
        let Some((_, mut pending)) = self.queued_signals() else {
            return;
        };
        while let Some(sig) = pending.front() {
            let harmless = matches!(
                sig,
                Signal::Message(_)
                    | Signal::Link { .. }
                    | Signal::Unlink { .. }
                    | Signal::Monitor { .. }
                    | Signal::Demonitor { .. }
                    | Signal::MonitorUp { .. }
                    | Signal::Down { .. }
                    | Signal::AliasMessage { .. }
            );
            if !harmless {
                break;
            }
            if let Some(sig) = pending.pop_front() {
                let _ = self.handle_signal(sig);
            }
        }
        self.pending = pending;
    }

    /// The process's cell and its signals in order: those left pending by an earlier
    /// handling, then the inbox's.
    fn queued_signals<'c>(
        &mut self,
    ) -> Option<(
        &'c super::cell::ProcessCell,
        std::collections::VecDeque<Signal>,
    )> {
        let cell = self.cell()?;
        // SAFETY: detach the borrow of `self` taken by `cell()`; the cell outlives `self`.
        let cell: &super::cell::ProcessCell = unsafe { &*(cell as *const _) };
        let mut pending = std::mem::take(&mut self.pending);
        cell.take_signals(&mut pending);
        Some((cell, pending))
    }

    fn handle_signal(&mut self, sig: Signal) -> Handled {
        match sig {
            Signal::Message(m) => {
                let t = m.adopt_into(&mut self.heap);
                self.mailbox.push_back(t);
            }
            Signal::Exit {
                from,
                reason,
                linked,
            } => {
                if linked {
                    // Only a live link delivers an exit signal.
                    let Some(i) = self.links.iter().position(|&l| l == from) else {
                        return Handled::Alive;
                    };
                    self.links.swap_remove(i);
                }
                let reason = reason.adopt_into(&mut self.heap);
                return self.exit_signal(from, reason, linked);
            }
            Signal::Link { from } => {
                if !self.links.contains(&from) {
                    self.links.push(from);
                }
            }
            Signal::Unlink { from } => {
                self.links.retain(|&l| l != from);
            }
            Signal::Monitor {
                from,
                reference,
                target,
            } => self.monitored_by.push(MonitoredBy {
                reference,
                pid: from,
                target,
            }),
            Signal::Demonitor { from, reference } => {
                self.monitored_by
                    .retain(|m| !(m.reference == reference && m.pid == from));
            }
            Signal::MonitorUp { reference, target } => self.monitors.push(Monitor {
                reference,
                pid: target,
                target: MonitorTarget::Pid(target),
            }),
            Signal::Down { reference, msg } => {
                if let Some(i) = self.monitors.iter().position(|m| m.reference == reference) {
                    self.monitors.swap_remove(i);
                    let mut t = msg.adopt_into(&mut self.heap);
                    if let Some(j) = self.monitor_tags.iter().position(|(r, _)| *r == reference) {
                        // `{tag, Tag}`: the message is `{Tag, Ref, Type, Object, Info}`.
                        let (_, tag) = self.monitor_tags.swap_remove(j);
                        let tag = tag.adopt_into(&mut self.heap);
                        let mut elems = crate::term::boxed::tuple_elems(t).to_vec();
                        elems[0] = tag;
                        t = crate::term::boxed::tuple(&mut self.heap, &elems);
                    }
                    self.monitor_removed(reference);
                    self.mailbox.push_back(t);
                }
            }
            Signal::AliasMessage {
                alias: reference,
                msg,
            } => {
                let Some(i) = self.aliases.iter().position(|&(r, _)| r == reference) else {
                    // The alias ended before the message arrived: it is dropped.
                    return Handled::Alive;
                };
                let mode = self.aliases[i].1;
                if matches!(mode, AliasMode::Reply | AliasMode::ReplyDemonitor) {
                    self.aliases.swap_remove(i);
                    super::alias::deactivate(reference);
                    if mode == AliasMode::ReplyDemonitor {
                        self.drop_monitor(reference);
                    }
                }
                let t = msg.adopt_into(&mut self.heap);
                self.mailbox.push_back(t);
            }
            Signal::Resume => self.port_suspended = false,
            Signal::Wake => {}
            // Done between slices (`serve_system_tasks`), where the stack and the live
            // registers are where a collection and a code check expect them.
            Signal::SystemTask(task) => self.system_tasks.push(task),
            Signal::PortInput(port) => crate::port::run_deferred_input(port),
            Signal::ReceiveTimeout { generation } => {
                if self.timer_active && generation == self.timer_gen {
                    self.timer_active = false;
                    self.timed_out = true;
                }
            }
        }
        Handled::Alive
    }

    /// Removes monitor `reference` (telling the monitored process), as `demonitor/1` does.
    /// True if it was there.
    pub fn drop_monitor(&mut self, reference: u64) -> bool {
        let Some(i) = self.monitors.iter().position(|m| m.reference == reference) else {
            return false;
        };
        let m = self.monitors.swap_remove(i);
        let _ = super::exit::deliver(
            m.pid,
            Signal::Demonitor {
                from: self.id,
                reference,
            },
        );
        self.monitor_removed(reference);
        true
    }

    /// The effect of an exit signal with `reason` from process `from`.
    pub fn exit_signal(&mut self, from: u64, reason: Term, linked: bool) -> Handled {
        let kill = Term::atom(atom::KILL);
        if !linked && reason == kill {
            return Handled::Killed(Term::atom(atom::KILLED));
        }
        if self.trap_exit {
            let msg = boxed::tuple(
                &mut self.heap,
                &[
                    Term::atom(atom::EXIT_UPPER),
                    crate::port::entity_term(from),
                    reason,
                ],
            );
            self.mailbox.push_back(msg);
            return Handled::Alive;
        }
        // A `normal` exit signal is ignored, except one a process sends itself: that ends it
        // (OTP 25).
        if reason == Term::atom(atom::NORMAL) && from != self.id {
            return Handled::Alive;
        }
        Handled::Killed(reason)
    }
}
