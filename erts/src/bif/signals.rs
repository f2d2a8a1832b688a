//! BIFs that send signals to other processes or change how this one takes them (OTP's
//! `bif.c`): `link/1`, `unlink/1`, `monitor/2,3`, `demonitor/1,2`, `exit/2`,
//! `process_flag/2`, `is_process_alive/1`, `yield/0`, `group_leader`, `processes/0`, and the
//! name registry BIFs.

use super::Registry;
use crate::atom::{self, Atom};
use crate::exception::{BifResult, Fail};
use crate::process::alias::{self, AliasMode};
use crate::process::exit::{deliver, deliver_or_answer, down_message};
use crate::process::gc::{heap_size_for, MaxHeap};
use crate::process::signal_handling::Handled;
use crate::process::signals::{MonitorTarget, OwnedTerm, Signal};
use crate::process::table::table;
use crate::process::{registry, Monitor, Process};
use crate::term::boxed;
use crate::term::{subtag, Term};

pub fn register(r: &mut Registry) {
    r.add("erlang", "link", 1, link_1);
    r.add("erlang", "unlink", 1, unlink_1);
    r.add("erlang", "monitor", 2, monitor_2);
    r.add("erlang", "monitor", 3, monitor_3);
    r.add("erlang", "alias", 0, alias_0);
    r.add("erlang", "alias", 1, alias_1);
    r.add("erlang", "unalias", 1, unalias_1);
    r.add("erlang", "demonitor", 1, demonitor_1);
    r.add("erlang", "demonitor", 2, demonitor_2);
    r.add("erlang", "exit", 2, exit_2);
    r.add("erlang", "process_flag", 2, process_flag_2);
    r.add("erlang", "is_process_alive", 1, is_process_alive_1);
    r.add("erlang", "yield", 0, yield_0);
    r.add("erlang", "hibernate", 3, hibernate_3);
    r.add("erlang", "bump_reductions", 1, bump_reductions_1);
    r.add("erlang", "group_leader", 0, group_leader_0);
    r.add("erts_internal", "group_leader", 2, group_leader_2);
    r.add("erts_internal", "group_leader", 3, group_leader_3);
    r.add("erlang", "processes", 0, processes_0);
    r.add("erlang", "register", 2, register_2);
    r.add("erlang", "unregister", 1, unregister_1);
    r.add("erlang", "whereis", 1, whereis_1);
    r.add("erlang", "registered", 0, registered_0);
}

/// Whether `t` is a pid or port of another node. While this node is not alive there is no
/// connection to it: links and exit signals to it do nothing, monitors fire at once with
/// `noconnection`, as on OTP's nodes that are not alive.
fn is_remote(t: Term) -> bool {
    t.is_boxed_with(subtag::EXTERNAL_PID) || t.is_boxed_with(subtag::EXTERNAL_PORT)
}

/// The link/monitor id of `t` when it is a pid of another node and this node is alive (the
/// signals for it then go over the connection to its node).
fn remote_pid_id(t: Term) -> Option<u64> {
    (t.is_boxed_with(subtag::EXTERNAL_PID) && crate::dist::node::is_alive())
        .then(|| crate::dist::remote::pid_id(t))
}

fn link_1(p: &mut Process, a: &[Term]) -> BifResult {
    if let Some(to) = remote_pid_id(a[0]) {
        if !p.links.contains(&to) {
            p.links.push(to);
            let _ = deliver(to, Signal::Link { from: p.id });
        }
        return Ok(Term::bool(true));
    }
    if is_remote(a[0]) {
        return Ok(Term::bool(true));
    }
    let Some(to) = crate::port::entity_id(a[0]) else {
        return Err(Fail::badarg());
    };
    if to != p.id && !p.links.contains(&to) {
        p.links.push(to);
        if let Err(_sig) = deliver(to, Signal::Link { from: p.id }) {
            // The process is gone: no link, and an exit signal `noproc` to the caller.
            p.links.retain(|&l| l != to);
            let _ = deliver(
                p.id,
                Signal::Exit {
                    from: to,
                    reason: OwnedTerm::immediate(Term::atom(atom::NOPROC)),
                    linked: false,
                },
            );
        }
    }
    Ok(Term::bool(true))
}

fn unlink_1(p: &mut Process, a: &[Term]) -> BifResult {
    let to = match remote_pid_id(a[0]) {
        Some(to) => to,
        None if is_remote(a[0]) => return Ok(Term::bool(true)),
        None => crate::port::entity_id(a[0]).ok_or_else(Fail::badarg)?,
    };
    if let Some(i) = p.links.iter().position(|&l| l == to) {
        p.links.swap_remove(i);
        let _ = deliver(to, Signal::Unlink { from: p.id });
    }
    Ok(Term::bool(true))
}

/// Where a process monitor of `item` goes when it is a process of another node (a pid, or
/// `{Name, Node}`) and this node is alive: the remote endpoint's id and the target.
fn remote_monitor_target(item: Term, port: bool) -> Option<(u64, MonitorTarget)> {
    if port || !crate::dist::node::is_alive() {
        return None;
    }
    if let Some(id) = remote_pid_id(item) {
        return Some((id, MonitorTarget::Pid(id)));
    }
    if item.is_tuple() && boxed::tuple_arity(item) == 2 {
        let name = boxed::tuple_element(item, 0).as_atom()?;
        let node = boxed::tuple_element(item, 1).as_atom()?;
        if node != crate::dist::node::name() {
            return Some((
                crate::dist::remote::node_id(node),
                MonitorTarget::Name(name),
            ));
        }
    }
    None
}

/// `monitor(process, PidOrName)`, `monitor(port, PortOrName)`.
fn monitor_2(p: &mut Process, a: &[Term]) -> BifResult {
    monitor(p, a, false)
}

/// A monitor whose reference is a pid reference (`pid_ref`: it will serve as an alias).
fn monitor(p: &mut Process, a: &[Term], pid_ref: bool) -> BifResult {
    let new_ref = || {
        let id = super::process::new_ref_id();
        if pid_ref {
            id | boxed::PID_REF_BIT
        } else {
            id
        }
    };
    if a[0] == Term::atom(atom::atom("time_offset")) {
        if a[1] != Term::atom(atom::atom("clock_service")) {
            return Err(Fail::badarg());
        }
        let reference = new_ref();
        p.monitors.push(Monitor {
            reference,
            pid: u64::MAX,
            target: MonitorTarget::ClockService,
        });
        return Ok(boxed::reference(&mut p.heap, reference));
    }
    let port = if a[0] == Term::atom(atom::atom("process")) {
        false
    } else if a[0] == Term::atom(atom::atom("port")) {
        true
    } else {
        return Err(Fail::badarg());
    };
    let item = a[1];
    if (port && item.is_pid()) || (!port && item.is_port()) {
        return Err(Fail::badarg());
    }
    let reference = new_ref();
    let rt = boxed::reference(&mut p.heap, reference);
    if let Some(remote) = remote_monitor_target(item, port) {
        // Over the connection to the node; the `'DOWN'` comes back from there (or with
        // `noconnection` when the connection goes).
        let (to, target) = remote;
        p.monitors.push(Monitor {
            reference,
            pid: to,
            target,
        });
        let _ = deliver(
            to,
            Signal::Monitor {
                from: p.id,
                reference,
                target,
            },
        );
        return Ok(rt);
    }
    if is_remote(item) {
        let target = MonitorTarget::Pid(u64::MAX);
        p.monitors.push(Monitor {
            reference,
            pid: u64::MAX,
            target,
        });
        let kind = if port { "port" } else { "process" };
        let msg = OwnedTerm::build(|h| {
            let r = boxed::reference(h, reference);
            let item = crate::term::copy::copy(h, item);
            boxed::tuple(
                h,
                &[
                    Term::atom(atom::DOWN),
                    r,
                    Term::atom(atom::atom(kind)),
                    item,
                    Term::atom(atom::atom("noconnection")),
                ],
            )
        });
        let _ = deliver(p.id, Signal::Down { reference, msg });
        return Ok(rt);
    }
    let (pid, target) = if let Some(id) = crate::port::entity_id(item) {
        (Some(id), MonitorTarget::Pid(id))
    } else {
        let name = if let Some(n) = item.as_atom() {
            n
        } else if item.is_tuple() && boxed::tuple_arity(item) == 2 {
            match (
                boxed::tuple_element(item, 0).as_atom(),
                boxed::tuple_element(item, 1).as_atom(),
            ) {
                (Some(n), Some(node)) if node == crate::dist::node::name() => n,
                _ => return Err(Fail::badarg()),
            }
        } else {
            return Err(Fail::badarg());
        };
        // A name monitors only what it names of the asked kind.
        let id = registry::whereis(name).filter(|&id| crate::port::is_port_id(id) == port);
        (id, MonitorTarget::Name(name))
    };
    let id = pid.unwrap_or(u64::MAX);
    // A monitor of oneself is not kept (OTP 25): it is not listed, and `demonitor/2` with
    // `info` finds nothing.
    if id != p.id {
        p.monitors.push(Monitor {
            reference,
            pid: id,
            target,
        });
    }
    match pid {
        Some(id) if id == p.id => {
            // Monitoring oneself: nothing to watch (the process cannot outlive itself).
        }
        Some(id) => {
            deliver_or_answer(
                id,
                Signal::Monitor {
                    from: p.id,
                    reference,
                    target,
                },
            );
        }
        None if port => {
            let name = match target {
                MonitorTarget::Name(n) => Some(n),
                MonitorTarget::Pid(_) | MonitorTarget::ClockService => None,
            };
            let noproc = Term::atom(atom::NOPROC);
            let msg = crate::port::signals::port_down_message(reference, 0, name, noproc);
            let _ = deliver(p.id, Signal::Down { reference, msg });
        }
        None => {
            let msg = down_message(reference, 0, target, Term::atom(atom::NOPROC));
            let _ = deliver(p.id, Signal::Down { reference, msg });
        }
    }
    Ok(rt)
}

/// Options of a monitor (`monitor/3`, `spawn_opt`'s `{monitor, Options}`).
#[derive(Clone, Copy, Default)]
pub struct MonitorOpts {
    /// `{alias, Mode}`: the monitor's reference is an alias of the monitoring process.
    pub alias: Option<AliasMode>,
    /// `{tag, Tag}`: replaces `'DOWN'` in the message.
    pub tag: Option<Term>,
}

/// Parses a monitor option list.
pub fn parse_monitor_opts(list: Term) -> Option<MonitorOpts> {
    let mut o = MonitorOpts::default();
    for opt in boxed::list_to_vec(list)? {
        if !opt.is_tuple() || boxed::tuple_arity(opt) != 2 {
            return None;
        }
        let (k, v) = (boxed::tuple_element(opt, 0), boxed::tuple_element(opt, 1));
        match k.as_atom()?.name() {
            "alias" => {
                o.alias = Some(match v.as_atom()?.name() {
                    "explicit_unalias" => AliasMode::Explicit,
                    "demonitor" => AliasMode::Demonitor,
                    "reply_demonitor" => AliasMode::ReplyDemonitor,
                    _ => return None,
                })
            }
            "tag" => o.tag = Some(v),
            _ => return None,
        }
    }
    Some(o)
}

/// Gives monitor `reference` of `p` its options (before any `'DOWN'` of it is handled).
pub fn apply_monitor_opts(p: &mut Process, reference: u64, o: MonitorOpts) {
    if let Some(mode) = o.alias {
        alias::activate(reference, p.id);
        p.aliases.push((reference, mode));
    }
    if let Some(t) = o.tag {
        p.monitor_tags.push((reference, OwnedTerm::copy_of(t)));
    }
}

/// `monitor(process, Item, Options)`: see [`MonitorOpts`].
fn monitor_3(p: &mut Process, a: &[Term]) -> BifResult {
    let opts = parse_monitor_opts(a[2]).ok_or_else(Fail::badarg)?;
    let r = monitor(p, &a[..2], opts.alias.is_some())?;
    apply_monitor_opts(p, boxed::reference_id(r), opts);
    Ok(r)
}

/// `alias()` / `alias(Options)`: a new reference that addresses the caller until
/// `unalias/1` (or, with `[reply]`, until a message arrives through it).
fn alias_0(p: &mut Process, _a: &[Term]) -> BifResult {
    new_alias(p, AliasMode::Explicit)
}

fn alias_1(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(opts) = boxed::list_to_vec(a[0]) else {
        return Err(Fail::badarg());
    };
    let mut mode = AliasMode::Explicit;
    for o in opts {
        match o.as_atom().map(|o| o.name()) {
            Some("explicit_unalias") => mode = AliasMode::Explicit,
            Some("reply") => mode = AliasMode::Reply,
            _ => return Err(Fail::badarg()),
        }
    }
    new_alias(p, mode)
}

fn new_alias(p: &mut Process, mode: AliasMode) -> BifResult {
    let reference = super::process::new_ref_id() | boxed::PID_REF_BIT;
    alias::activate(reference, p.id);
    p.aliases.push((reference, mode));
    Ok(boxed::reference(&mut p.heap, reference))
}

/// `unalias(Alias)`: true if it was an active alias of the caller.
fn unalias_1(p: &mut Process, a: &[Term]) -> BifResult {
    if !a[0].is_reference() {
        return Err(Fail::badarg());
    }
    let reference = boxed::reference_id(a[0]);
    match p.aliases.iter().position(|&(r, _)| r == reference) {
        Some(i) => {
            p.aliases.swap_remove(i);
            alias::deactivate(reference);
            Ok(Term::bool(true))
        }
        None => Ok(Term::bool(false)),
    }
}

fn do_demonitor(p: &mut Process, r: Term) -> Result<bool, Fail> {
    if !r.is_reference() {
        return Err(Fail::badarg());
    }
    Ok(p.drop_monitor(boxed::reference_id(r)))
}

fn demonitor_1(p: &mut Process, a: &[Term]) -> BifResult {
    take_signals(p)?;
    do_demonitor(p, a[0])?;
    Ok(Term::bool(true))
}

/// Handles the signals that have arrived; an exit signal may end the caller.
fn take_signals(p: &mut Process) -> Result<(), Fail> {
    match p.handle_signals() {
        Handled::Alive => Ok(()),
        Handled::Killed(r) => Err(Fail::Exited(r)),
    }
}

/// Removes `{_, Ref, _, _, _}` messages (a flushed `'DOWN'`).
fn flush_down(p: &mut Process, reference: u64) -> Result<(), Fail> {
    if let Handled::Killed(r) = p.handle_signals() {
        return Err(Fail::Exited(r));
    }
    p.mailbox.retain(|m| {
        !(m.is_tuple()
            && boxed::tuple_arity(*m) == 5
            && boxed::tuple_element(*m, 0) == Term::atom(atom::DOWN)
            && boxed::tuple_element(*m, 1).is_reference()
            && boxed::reference_id(boxed::tuple_element(*m, 1)) == reference)
    });
    p.save = 0;
    Ok(())
}

fn demonitor_2(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(opts) = boxed::list_to_vec(a[1]) else {
        return Err(Fail::badarg());
    };
    let (mut flush, mut info) = (false, false);
    for o in opts {
        match o.as_atom().map(|a| a.name()) {
            Some("flush") => flush = true,
            Some("info") => info = true,
            _ => return Err(Fail::badarg()),
        }
    }
    // A `'DOWN'` already in the inbox means the monitor is gone.
    take_signals(p)?;
    let found = do_demonitor(p, a[0])?;
    if flush {
        flush_down(p, boxed::reference_id(a[0]))?;
    }
    // With `info`: whether the monitor was still there.
    let result = !info || found;
    Ok(Term::bool(result))
}

fn exit_2(p: &mut Process, a: &[Term]) -> BifResult {
    let (to, reason) = (a[0], a[1]);
    let id = match remote_pid_id(to) {
        // Over the connection to its node.
        Some(id) => id,
        None if is_remote(to) => return Ok(Term::bool(true)),
        None => crate::port::entity_id(to).ok_or_else(Fail::badarg)?,
    };
    if id == p.id {
        return match p.exit_signal(p.id, reason, false) {
            Handled::Alive => Ok(Term::bool(true)),
            Handled::Killed(r) => Err(Fail::Exited(r)),
        };
    }
    let _ = deliver(
        id,
        Signal::Exit {
            from: p.id,
            reason: OwnedTerm::copy_of(reason),
            linked: false,
        },
    );
    Ok(Term::bool(true))
}

fn process_flag_2(p: &mut Process, a: &[Term]) -> BifResult {
    let monitor_nodes = Term::atom(atom::atom("monitor_nodes"));
    let with_opts = a[0].is_tuple()
        && boxed::tuple_arity(a[0]) == 2
        && boxed::tuple_element(a[0], 0) == monitor_nodes
        && (boxed::tuple_element(a[0], 1).is_map() || boxed::tuple_element(a[0], 1).is_list());
    if a[0] == monitor_nodes || with_opts {
        // `net_kernel:monitor_nodes/1,2`: the count of monitors before the change.
        use crate::dist::monitor_nodes::{self as mn, Opts};
        let opts = if with_opts {
            let o = boxed::tuple_element(a[0], 1);
            if !o.is_map() {
                return Err(Fail::badarg());
            }
            // An empty option map is the plain subscription.
            (crate::map::size(o) > 0)
                .then(|| Opts::parse(o).ok_or_else(Fail::badarg))
                .transpose()?
        } else {
            None
        };
        let old = p.node_monitors;
        if a[1] == Term::bool(true) {
            p.node_monitors += 1;
            mn::subscribe(p.id, opts);
        } else if a[1] == Term::bool(false) {
            p.node_monitors = p.node_monitors.saturating_sub(1);
            mn::unsubscribe(p.id, opts);
        } else {
            return Err(Fail::badarg());
        }
        return Ok(Term::small(old as i64));
    }
    let Some(flag) = a[0].as_atom() else {
        return Err(Fail::badarg());
    };
    match flag.name() {
        "trap_exit" => {
            let Some(on) = a[1].as_atom().and_then(|v| match v.name() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            }) else {
                return Err(Fail::badarg());
            };
            let old = p.trap_exit;
            p.trap_exit = on;
            Ok(Term::bool(old))
        }
        "priority" => {
            let Some(new) = super::spawn::priority_from(a[1]) else {
                return Err(Fail::badarg());
            };
            let cell = p.cell().ok_or_else(Fail::badarg)?;
            let old = cell.priority();
            cell.set_priority(new);
            let name = match old {
                crate::process::cell::Priority::Max => "max",
                crate::process::cell::Priority::High => "high",
                crate::process::cell::Priority::Normal => "normal",
                crate::process::cell::Priority::Low => "low",
            };
            Ok(Term::atom(atom::atom(name)))
        }
        "min_heap_size" => {
            let n = super::system_flag::size_arg(a[1])?;
            let min = heap_size_for(n);
            if p.max_heap.size != 0 && p.max_heap.size < min {
                return Err(Fail::badarg());
            }
            let old = std::mem::replace(&mut p.gc_settings.min_heap_size, min);
            Ok(Term::small(old as i64))
        }
        "fullsweep_after" => {
            let n = super::system_flag::size_arg(a[1])?;
            let n = u32::try_from(n).unwrap_or(u32::MAX);
            let old = std::mem::replace(&mut p.gc_settings.fullsweep_after, n);
            Ok(Term::small(old as i64))
        }
        "min_bin_vheap_size" => {
            super::system_flag::size_arg(a[1])?;
            Ok(Term::small(46422))
        }
        "max_heap_size" => {
            let m = MaxHeap::parse(a[1], p.max_heap).ok_or_else(Fail::badarg)?;
            if m.size != 0 && m.size < p.gc_settings.min_heap_size {
                return Err(Fail::badarg());
            }
            let old = std::mem::replace(&mut p.max_heap, m);
            Ok(old.to_term(&mut p.heap))
        }
        "message_queue_data" => {
            let off = match a[1].as_atom().map(|a| a.name()) {
                Some("on_heap") => false,
                Some("off_heap") => true,
                _ => return Err(Fail::badarg()),
            };
            let old = std::mem::replace(&mut p.message_queue_off_heap, off);
            Ok(Term::atom(atom::atom(if old {
                "off_heap"
            } else {
                "on_heap"
            })))
        }
        "error_handler" => {
            let m = a[1].as_atom().ok_or_else(Fail::badarg)?;
            let old = std::mem::replace(&mut p.error_handler, m);
            Ok(Term::atom(old))
        }
        "sensitive" | "save_calls" => Ok(Term::bool(false)),
        _ => Err(Fail::badarg()),
    }
}

fn is_process_alive_1(p: &mut Process, a: &[Term]) -> BifResult {
    if !a[0].is_local_pid() {
        return Err(Fail::badarg());
    }
    let id = a[0].pid_number();
    if id == p.id {
        return Ok(Term::bool(true));
    }
    let alive = table()
        .get(id)
        .is_some_and(|c| c.state() != crate::process::cell::EXITED);
    Ok(Term::bool(alive))
}

fn yield_0(p: &mut Process, _a: &[Term]) -> BifResult {
    p.yield_now = true;
    Ok(Term::bool(true))
}

/// `bump_reductions(N)`: charges `N` reductions; a charge of a whole slice or more ends the
/// slice.
fn bump_reductions_1(p: &mut Process, a: &[Term]) -> BifResult {
    let n = a[0]
        .as_small()
        .filter(|n| *n >= 0)
        .ok_or_else(Fail::badarg)?;
    p.reductions += n as u64;
    crate::sched::stats::add_reductions(n as u64);
    if n >= crate::sched::worker::CONTEXT_REDS {
        p.yield_now = true;
    }
    Ok(Term::bool(true))
}

fn group_leader_0(p: &mut Process, _a: &[Term]) -> BifResult {
    Ok(p.group_leader)
}

/// Sets the group leader of process `a[1]` to `a[0]` (`a` are the arguments of
/// `erts_internal:group_leader/2,3`, called again after yielding if the process is busy).
fn set_group_leader(p: &mut Process, a: &[Term]) -> Result<bool, Fail> {
    if !a[0].is_pid() || !a[1].is_local_pid() {
        return Err(Fail::badarg());
    }
    // A group leader of another node is kept as the remote endpoint's term, which lives
    // outside every heap.
    let gl = if a[0].is_local_pid() {
        a[0]
    } else {
        crate::dist::remote::term(crate::dist::remote::pid_id(a[0]))
    };
    let a = &[gl, a[1]];
    let id = a[1].pid_number();
    if id == p.id {
        p.group_leader = a[0];
        return Ok(true);
    }
    match table().get(id) {
        Some(cell) => match cell.try_lock_other() {
            Some(mut other) => {
                other.group_leader = a[0];
                Ok(true)
            }
            None => Err(super::retry_after_yield(
                p,
                "erts_internal",
                "group_leader",
                a,
            )),
        },
        None => Err(Fail::badarg()),
    }
}

/// `erts_internal:group_leader(GL, Pid)`: `true` when done at once.
fn group_leader_2(p: &mut Process, a: &[Term]) -> BifResult {
    set_group_leader(p, a).map(Term::bool)
}

/// `erts_internal:group_leader(GL, Pid, Ref)`: never needed (done synchronously above).
fn group_leader_3(p: &mut Process, a: &[Term]) -> BifResult {
    set_group_leader(p, a).map(Term::bool)
}

fn processes_0(p: &mut Process, _a: &[Term]) -> BifResult {
    let ids: Vec<Term> = table().ids().into_iter().map(Term::pid).collect();
    Ok(boxed::list(&mut p.heap, &ids))
}

fn register_2(p: &mut Process, a: &[Term]) -> BifResult {
    if let (Some(name), true) = (a[0].as_atom(), a[1].is_local_port()) {
        return register_port(name, a[1].port_number());
    }
    let (Some(name), true) = (a[0].as_atom(), a[1].is_local_pid()) else {
        return Err(Fail::badarg());
    };
    if name == atom::UNDEFINED {
        return Err(Fail::badarg());
    }
    let id = a[1].pid_number();
    if id == p.id {
        if p.registered_name.is_some() || !registry::register(name, id) {
            return Err(Fail::badarg());
        }
        p.registered_name = Some(name);
        return Ok(Term::bool(true));
    }
    let Some(cell) = table().get(id) else {
        return Err(Fail::badarg());
    };
    let Some(mut other) = cell.try_lock_other() else {
        return Err(super::retry_after_yield(p, "erlang", "register", a));
    };
    if other.registered_name.is_some() || !registry::register(name, id) {
        return Err(Fail::badarg());
    }
    other.registered_name = Some(name);
    Ok(Term::bool(true))
}

fn unregister_1(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(name) = a[0].as_atom() else {
        return Err(Fail::badarg());
    };
    let Some(id) = registry::whereis(name) else {
        return Err(Fail::badarg());
    };
    if id == p.id {
        registry::unregister(name);
        p.registered_name = None;
    } else if crate::port::is_port_id(id) {
        registry::unregister(name);
        if let Some(cell) = crate::port::lookup(id & !crate::port::PORT_BIT) {
            cell.lock().core.registered_name = None;
        }
    } else if let Some(cell) = table().get(id) {
        // Lock first, so that a retry finds the name still registered.
        let Some(mut other) = cell.try_lock_other() else {
            return Err(super::retry_after_yield(p, "erlang", "unregister", a));
        };
        if registry::unregister(name).is_none() {
            return Err(Fail::badarg());
        }
        if other.registered_name == Some(name) {
            other.registered_name = None;
        }
    } else if registry::unregister(name).is_none() {
        return Err(Fail::badarg());
    }
    Ok(Term::bool(true))
}

/// `register(Name, Port)`.
fn register_port(name: Atom, n: u64) -> BifResult {
    let cell = crate::port::lookup(n).ok_or_else(Fail::badarg)?;
    let mut st = cell.lock();
    if name == atom::UNDEFINED
        || st.core.registered_name.is_some()
        || st.core.life == crate::port::Life::Dead
        || !registry::register(name, crate::port::port_id(n))
    {
        return Err(Fail::badarg());
    }
    st.core.registered_name = Some(name);
    Ok(Term::bool(true))
}

fn whereis_1(_p: &mut Process, a: &[Term]) -> BifResult {
    let Some(name) = a[0].as_atom() else {
        return Err(Fail::badarg());
    };
    Ok(registry::whereis(name)
        .map(crate::port::entity_term)
        .unwrap_or(Term::atom(atom::UNDEFINED)))
}

fn registered_0(p: &mut Process, _a: &[Term]) -> BifResult {
    let names: Vec<Term> = registry::registered()
        .into_iter()
        .map(|n: Atom| Term::atom(n))
        .collect();
    Ok(boxed::list(&mut p.heap, &names))
}

/// `erlang:hibernate(M, F, A)`: continues in the interpreter's hibernate code, which drops
/// the stack, compacts the heap, waits for a message and then applies `M:F(A)`.
fn hibernate_3(_p: &mut Process, a: &[Term]) -> BifResult {
    if !a[0].is_atom() || !a[1].is_atom() || boxed::list_length(a[2]).is_none() {
        return Err(Fail::badarg());
    }
    Err(Fail::Trap {
        target: crate::emu::interp::hibernate_export(),
        args: a.to_vec(),
    })
}
