//! Signals to other nodes (OTP's `erts_dsig_send_*`): each local signal for a remote
//! endpoint becomes its control message, written on the connection to the endpoint's node
//! ([`super::entry::DistEntry::send`]), and the entry's book is kept up to date (links and
//! monitors that cross the connection, for when it goes down). Also the answers the input
//! side gives (exit signals of dead processes, `noproc` monitor exits, spawn replies).

use super::entry::{self, DistEntry, InMonitor, SendError};
use super::protocol::{frame, op, SPAWN_FLG_LINK, SPAWN_FLG_MONITOR};
use super::remote;
use crate::atom::{self, Atom};
use crate::heap::Heap;
use crate::process::signals::{MonitorTarget, OwnedTerm, Signal};
use crate::term::{boxed, subtag, Term};

thread_local! {
    /// Whether this thread holds frames back until [`flush_deferred`] (a scheduler, while it
    /// runs a process's time slice).
    static DEFERRING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// The frames held back, with their nodes, in the order sent.
    static DEFERRED: std::cell::RefCell<Vec<(Atom, Vec<u8>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Holds frame `f` for `node` back when this thread defers (gives it back otherwise). The
/// frames of one slice go out together when it ends, as OTP's distribution queue flushes
/// in a port task: one write for many messages.
pub fn defer(node: Atom, f: Vec<u8>) -> Option<Vec<u8>> {
    if !DEFERRING.with(|d| d.get()) {
        return Some(f);
    }
    DEFERRED.with(|q| q.borrow_mut().push((node, f)));
    None
}

/// Starts (or stops, writing what was held back) holding frames back in this thread.
pub fn set_deferring(on: bool) {
    DEFERRING.with(|d| d.set(on));
    if !on {
        flush_deferred();
    }
}

/// Runs `f` with frames going out at once (the distribution's own answers: a spawn reply
/// must not wait behind a slice that may never end before the new process sends).
pub fn undeferred<R>(f: impl FnOnce() -> R) -> R {
    let old = DEFERRING.with(|d| d.replace(false));
    let r = f();
    DEFERRING.with(|d| d.set(old));
    r
}

/// Writes the frames held back, each node's in one batch, in order (and any held back
/// while writing).
pub fn flush_deferred() {
    loop {
        let frames = DEFERRED.with(|q| {
            let mut q = q.borrow_mut();
            if q.is_empty() {
                None
            } else {
                Some(std::mem::take(&mut *q))
            }
        });
        let Some(frames) = frames else { return };
        let mut it = frames.into_iter().peekable();
        while let Some((node, first)) = it.next() {
            let mut batch = vec![first];
            while let Some((_, f)) = it.next_if(|(n, _)| *n == node) {
                batch.push(f);
            }
            let _ = entry::entry(node).send_frames(batch);
        }
    }
}

/// Builds a control message (in a scratch heap) and its frame.
fn ctl(elems: &[Term], payload: Option<Term>) -> Vec<u8> {
    let mut h = Heap::with_capacity(elems.len() + 1);
    let t = boxed::tuple(&mut h, elems);
    frame(t, payload)
}

fn small(n: i64) -> Term {
    Term::small(n)
}

/// The term for a local link/monitor id (a pid, or a port).
fn local(id: u64) -> Term {
    crate::port::entity_term(id)
}

/// Sends signal `sig` to remote endpoint `to` (from [`crate::process::exit::deliver`]).
/// Signals that cannot cross (no connection can be had: the node is not alive) get the
/// answer a connection that went down gives. Never gives the signal back.
pub fn signal(to: u64, sig: Signal) -> Result<(), Signal> {
    let Some(ep) = remote::endpoint(to) else {
        return Ok(());
    };
    let e = entry::entry(ep.node);
    let target = ep.term();
    let f = match sig {
        Signal::Message(m) => ctl(
            &[small(op::SEND), Term::atom(atom::atom("")), target],
            Some(m.term),
        ),
        Signal::Exit {
            from,
            reason,
            linked,
        } => {
            if linked {
                e.remove_link(from, to);
                ctl(&[small(op::EXIT), local(from), target, reason.term], None)
            } else {
                ctl(&[small(op::EXIT2), local(from), target, reason.term], None)
            }
        }
        Signal::Link { from } => {
            e.add_link(from, to);
            ctl(&[small(op::LINK), local(from), target], None)
        }
        Signal::Unlink { from } => {
            e.remove_link(from, to);
            ctl(&[small(op::UNLINK), local(from), target], None)
        }
        Signal::Monitor {
            from,
            reference,
            target: what,
        } => {
            let name = match what {
                MonitorTarget::Name(n) => Some(n),
                _ => None,
            };
            e.add_out_monitor(
                reference,
                super::entry::OutMonitor {
                    watcher: from,
                    target: to,
                    name,
                },
            );
            let mut h = Heap::with_capacity(4);
            let r = boxed::reference(&mut h, reference);
            let to_proc = name.map_or(target, Term::atom);
            ctl(&[small(op::MONITOR_P), local(from), to_proc, r], None)
        }
        Signal::Demonitor { from, reference } => {
            let Some(m) = e.take_out_monitor(reference) else {
                return Ok(());
            };
            let mut h = Heap::with_capacity(4);
            let r = boxed::reference(&mut h, reference);
            let to_proc = m.name.map_or(target, Term::atom);
            ctl(&[small(op::DEMONITOR_P), local(from), to_proc, r], None)
        }
        Signal::Down { reference, msg } => {
            let Some(m) = e.take_in_monitor(reference) else {
                return Ok(());
            };
            let reason = boxed::tuple_element(msg.term, 4);
            let from = m.name.map_or(Term::pid(m.target), Term::atom);
            ctl(
                &[
                    small(op::MONITOR_P_EXIT),
                    from,
                    m.watcher.term,
                    m.reference.term,
                    reason,
                ],
                None,
            )
        }
        _ => return Ok(()),
    };
    if e.send(f) == Err(SendError::NotAlive) {
        // This node is not alive (it stopped being since the caller looked): the link or
        // monitor just booked gets `noconnection` at once.
        e.went_down_now();
    }
    Ok(())
}

/// `EXIT` from local process `dead` (which is gone) to remote `to`, for a link that came
/// too late.
pub fn exit_from_dead(e: &DistEntry, dead: u64, to: u64, reason: Term) {
    let _ = e.send(ctl(
        &[small(op::EXIT), Term::pid(dead), remote::term(to), reason],
        None,
    ));
}

/// The exit signal `abandoned` from local `requester` to `child`, the process a spawn
/// request made after the request was abandoned.
pub fn abandoned(e: &DistEntry, requester: u64, child: Term) {
    let _ = e.send(ctl(
        &[
            small(op::EXIT2),
            Term::pid(requester),
            child,
            Term::atom(atom::atom("abandoned")),
        ],
        None,
    ));
}

/// `UNLINK_ID_ACK` for an `UNLINK_ID`.
pub fn unlink_ack(e: &DistEntry, id: Term, local: u64, remote_pid: u64) {
    let _ = e.send(ctl(
        &[
            small(op::UNLINK_ID_ACK),
            id,
            Term::pid(local),
            remote::term(remote_pid),
        ],
        None,
    ));
}

/// `MONITOR_P_EXIT` with `noproc` for a monitor of a process that does not exist.
pub fn monitor_exit_noproc(e: &DistEntry, target: Term, watcher: Term, reference: Term) {
    let _ = e.send(ctl(
        &[
            small(op::MONITOR_P_EXIT),
            target,
            watcher,
            reference,
            Term::atom(atom::NOPROC),
        ],
        None,
    ));
}

/// Sends `msg` from local process `from` to `to`: an external pid, an external reference
/// (an alias), or `{Name, Node}` of another node (`name`). With `noconnect`, nothing goes to
/// a node with no connection up or being set up, and false is returned.
pub fn send(from: u64, to: Term, name: Option<(Atom, Atom)>, msg: Term, noconnect: bool) -> bool {
    let (node, f) = if let Some((name, node)) = name {
        let f = ctl(
            &[
                small(op::REG_SEND),
                Term::pid(from),
                Term::atom(atom::atom("")),
                Term::atom(name),
            ],
            Some(msg),
        );
        (node, f)
    } else if to.is_boxed_with(subtag::EXTERNAL_PID) {
        let f = ctl(
            &[small(op::SEND), Term::atom(atom::atom("")), to],
            Some(msg),
        );
        (crate::term::external::node(to), f)
    } else {
        let f = ctl(&[small(op::ALIAS_SEND), Term::pid(from), to], Some(msg));
        (crate::term::external::node(to), f)
    };
    let e = entry::entry(node);
    // `noconnect` asks for no new connection: one being set up takes the message.
    if noconnect && e.conn_id().is_none() {
        return false;
    }
    let _ = e.send(f);
    true
}

/// The options of a spawn request that go to the other node: the `spawn_opt` ones (a
/// monitor's own options stay here).
pub fn remote_spawn_opts(h: &mut Heap, opts: &[Term]) -> Term {
    let mut out = Vec::new();
    for &o in opts {
        if o.is_tuple() && boxed::tuple_arity(o) == 2 {
            match boxed::tuple_element(o, 0).as_atom().map(|a| a.name()) {
                Some("reply" | "reply_tag") => continue,
                Some("monitor") => {
                    out.push(Term::atom(atom::atom("monitor")));
                    continue;
                }
                _ => {}
            }
        }
        out.push(o);
    }
    boxed::list(h, &out)
}

/// Sends `SPAWN_REQUEST` `req` of local process `from` (group leader `gl`) for
/// `M:F(Args)` with `opts` (already filtered) to `node`.
pub fn spawn_request(
    node: Atom,
    req: u64,
    from: u64,
    gl: Term,
    mfa: (Term, Term, Term),
    opts: Term,
    s: entry::SpawnRequest,
) {
    let e = entry::entry(node);
    e.add_spawn(req, s);
    let mut h = Heap::with_capacity(16);
    let r = boxed::reference(&mut h, req);
    let arity = small(boxed::list_to_vec(mfa.2).map_or(0, |v| v.len()) as i64);
    let m = boxed::tuple(&mut h, &[mfa.0, mfa.1, arity]);
    let c = boxed::tuple(
        &mut h,
        &[small(op::SPAWN_REQUEST), r, Term::pid(from), gl, m, opts],
    );
    if e.send(frame(c, Some(mfa.2))) == Err(SendError::NotAlive) {
        e.went_down_now();
    }
}

/// Serves a `SPAWN_REQUEST` from the node of `e`: spawns `erts_internal:dist_spawn_init/1`
/// with the arguments as its first message, linked to or monitored by the requester as
/// asked, and answers with `SPAWN_REPLY`.
pub fn serve_spawn_request(
    e: &DistEntry,
    req: Term,
    from: Term,
    gl: Term,
    mfa: Term,
    opts: Term,
    args: OwnedTerm,
) {
    if !from.is_boxed_with(subtag::EXTERNAL_PID) || !mfa.is_tuple() || boxed::tuple_arity(mfa) != 3
    {
        return;
    }
    // An id for the requester only for a link (a monitor's watcher is known by its
    // node's id, see `InMonitor`).
    let node_id = remote::node_id(e.node);
    let gl = if gl.is_boxed_with(subtag::EXTERNAL_PID) {
        remote::term(remote::pid_id(gl))
    } else if gl.is_local_pid() {
        gl
    } else {
        Term::pid(0)
    };
    let answer = |flags: i64, result: Term| {
        let _ = e.send(ctl(
            &[small(op::SPAWN_REPLY), req, from, small(flags), result],
            None,
        ));
    };
    // Link and monitor are the requester's: they are set up here by hand.
    let parsed = boxed::list_to_vec(opts).map(|l| {
        let mut rest = Vec::new();
        let (mut link, mut monitor) = (false, false);
        for o in l {
            match o.as_atom().map(|a| a.name()) {
                Some("link") => link = true,
                Some("monitor") => monitor = true,
                _ => rest.push(o),
            }
        }
        (rest, link, monitor)
    });
    let Some((rest, link, monitor)) = parsed else {
        answer(0, Term::atom(atom::atom("badopt")));
        return;
    };
    let mut h = Heap::with_capacity(2 * rest.len() + 2);
    let rest = boxed::list(&mut h, &rest);
    let Some((mut sopts, _)) = crate::bif::spawn::parse_opts(rest) else {
        answer(0, Term::atom(atom::atom("badopt")));
        return;
    };
    sopts.link = false;
    sopts.monitor = None;
    let export = crate::module::export_for_call(
        atom::atom("erts_internal"),
        atom::atom("dist_spawn_init"),
        1,
    );
    // `dist_spawn_init({M, F, Arity})` takes the arguments from its first message. The
    // reply goes out before the process can run, so that it reaches the requester before
    // anything the new process sends.
    let spawned = crate::process::spawn::spawn_prepared(None, export, &[mfa], sopts, |p| {
        p.group_leader = gl;
        if link {
            let requester = remote::pid_id(from);
            p.links.push(requester);
            e.add_link(p.id, requester);
        }
        if monitor {
            let proxy = e.add_in_monitor(InMonitor {
                watcher: OwnedTerm::copy_of(from),
                reference: OwnedTerm::copy_of(req),
                target: p.id,
                name: None,
            });
            p.monitored_by.push(crate::process::MonitoredBy {
                reference: proxy,
                pid: node_id,
                target: MonitorTarget::Pid(p.id),
            });
        }
        let a = crate::term::copy::copy(&mut p.heap, args.term);
        p.mailbox.push_back(a);
        let flags =
            if link { SPAWN_FLG_LINK } else { 0 } | if monitor { SPAWN_FLG_MONITOR } else { 0 };
        answer(flags, Term::pid(p.id));
    });
    if spawned.is_err() {
        answer(0, Term::atom(atom::SYSTEM_LIMIT));
    }
}
