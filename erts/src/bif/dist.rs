//! The distribution BIFs (OTP's `dist.c` BIFs): this node's name (`erlang:setnode/2`), the
//! connections `net_kernel` and `dist_util` set up (`erts_internal:get_dflags/0`,
//! `get_creation/0`, `new_connection/1`, `abort_pending_connection/2`, `create_dist_channel/3`,
//! `dist_get_stat/1`, and the `dist_ctrl_*` BIFs of process controllers), and what processes
//! ask of them: `nodes/0,1,2` and `monitor_node/2,3`. The machinery is in [`crate::dist`].

use super::Registry;
use crate::atom::{self, Atom};
use crate::dist::entry;
use crate::dist::protocol::dflag;
use crate::exception::{BifResult, Fail};
use crate::process::Process;
use crate::term::boxed;
use crate::term::Term;

pub fn register(r: &mut Registry) {
    r.add("erlang", "nodes", 0, |p, _| {
        Ok(node_list(p, Kinds::VISIBLE, None))
    });
    // Whether the node of a pid takes unicode I/O requests: every node this runtime talks
    // to offers `UNICODE_IO` (all OTP nodes since R16 do).
    r.add("net_kernel", "dflag_unicode_io", 1, |_, a| {
        if a[0].is_pid() {
            Ok(Term::bool(true))
        } else {
            Err(crate::exception::Fail::badarg())
        }
    });
    r.add("erlang", "nodes", 1, |p, a| {
        let kinds = kinds(a[0])?;
        Ok(node_list(p, kinds, None))
    });
    r.add("erlang", "nodes", 2, nodes_2);
    r.add("erlang", "monitor_node", 2, |p, a| {
        monitor_node(p, a[0], a[1], Term::NIL)
    });
    r.add("erlang", "monitor_node", 3, |p, a| {
        monitor_node(p, a[0], a[1], a[2])
    });
    r.add("erlang", "setnode", 2, setnode_2);
    // What OTP's `erlang:setnode/3` (Erlang code) calls: `{ok, DHandle}`, or the error as
    // an atom.
    r.add(
        "erts_internal",
        "create_dist_channel",
        3,
        |p, a| match create_channel(p, a) {
            Ok(dh) => Ok(boxed::tuple(&mut p.heap, &[Term::atom(atom::OK), dh])),
            Err(_) => Ok(Term::atom(atom::BADARG)),
        },
    );
    r.add("erts_internal", "get_dflags", 0, get_dflags_0);
    // `undefined` while the node is not alive, as OTP's.
    r.add("erts_internal", "get_creation", 0, |_, _| {
        Ok(if crate::dist::node::is_alive() {
            Term::small(crate::dist::node::creation() as i64)
        } else {
            Term::atom(atom::UNDEFINED)
        })
    });
    r.add("erts_internal", "new_connection", 1, new_connection_1);
    r.add(
        "erts_internal",
        "abort_pending_connection",
        2,
        abort_pending_connection_2,
    );
    r.add("erlang", "dist_get_stat", 1, dist_get_stat_1);
    r.add("erlang", "dist_ctrl_get_data", 1, dist_ctrl_get_data_1);
    r.add("erlang", "dist_ctrl_get_data_notification", 1, |_, a| {
        handle_entry(a[0])?.want_notification();
        Ok(Term::atom(atom::OK))
    });
    r.add("erlang", "dist_ctrl_put_data", 2, dist_ctrl_put_data_2);
    // Which process may hand in data: any, here (the check is OTP's guard against
    // mistakes, not part of the protocol).
    r.add("erlang", "dist_ctrl_input_handler", 2, |_, a| {
        handle_entry(a[0])?;
        if !a[1].is_local_pid() {
            return Err(Fail::badarg());
        }
        Ok(Term::atom(atom::OK))
    });
    r.add("erlang", "dist_ctrl_set_opt", 3, dist_ctrl_set_opt_3);
    r.add("erlang", "dist_ctrl_get_opt", 2, dist_ctrl_get_opt_2);
}

/// Which nodes `nodes/1,2` list.
#[derive(Clone, Copy, Default)]
struct Kinds {
    this: bool,
    visible: bool,
    hidden: bool,
}

impl Kinds {
    const VISIBLE: Kinds = Kinds {
        this: false,
        visible: true,
        hidden: false,
    };
}

/// Parses a `nodes/1,2` node type (an atom or a list of them).
fn kinds(arg: Term) -> Result<Kinds, Fail> {
    let types = match arg.as_atom() {
        Some(_) => vec![arg],
        None => boxed::list_to_vec(arg).ok_or_else(Fail::badarg)?,
    };
    let mut k = Kinds::default();
    for t in types {
        match t.as_atom().map(|a| a.name()) {
            Some("this") => k.this = true,
            Some("known") => {
                k.this = true;
                k.visible = true;
                k.hidden = true;
            }
            Some("visible") => k.visible = true,
            Some("hidden") => k.hidden = true,
            Some("connected") => {
                k.visible = true;
                k.hidden = true;
            }
            _ => return Err(Fail::badarg()),
        }
    }
    Ok(k)
}

/// The nodes of `kinds` (this node first, as OTP lists it, then the visible, then the
/// hidden ones); with `info`, each paired with its info map.
fn node_list(p: &mut Process, kinds: Kinds, info: Option<(bool, bool)>) -> Term {
    let (visible, hidden) = entry::connected();
    let mut nodes: Vec<(Atom, &str)> = Vec::new();
    if kinds.this {
        nodes.push((crate::dist::node::name(), "this"));
    }
    if kinds.visible {
        nodes.extend(visible.iter().map(|&n| (n, "visible")));
    }
    if kinds.hidden {
        nodes.extend(hidden.iter().map(|&n| (n, "hidden")));
    }
    let items: Vec<Term> = nodes
        .into_iter()
        .map(|(node, node_type)| match info {
            None => Term::atom(node),
            Some((connection_id, with_type)) => {
                let mut pairs = Vec::new();
                if connection_id {
                    let id = match node_type {
                        "this" => Term::atom(atom::UNDEFINED),
                        _ => entry::find(node)
                            .and_then(|e| e.conn_id())
                            .map_or(Term::atom(atom::UNDEFINED), |i| Term::small(i as i64)),
                    };
                    pairs.push((Term::atom(atom::atom("connection_id")), id));
                }
                if with_type {
                    pairs.push((
                        Term::atom(atom::atom("node_type")),
                        Term::atom(atom::atom(node_type)),
                    ));
                }
                let m = crate::map::from_pairs(&mut p.heap, &pairs);
                boxed::tuple(&mut p.heap, &[Term::atom(node), m])
            }
        })
        .collect();
    boxed::list(&mut p.heap, &items)
}

fn nodes_2(p: &mut Process, a: &[Term]) -> BifResult {
    let kinds = kinds(a[0])?;
    if !a[1].is_map() {
        return Err(Fail::badarg());
    }
    let (mut connection_id, mut node_type) = (false, false);
    for (k, v) in crate::map::iter_pairs(a[1]) {
        let on = if v == Term::bool(true) {
            true
        } else if v == Term::bool(false) {
            false
        } else {
            return Err(Fail::badarg());
        };
        match k.as_atom().map(|k| k.name()) {
            Some("connection_id") => connection_id = on,
            Some("node_type") => node_type = on,
            _ => return Err(Fail::badarg()),
        }
    }
    Ok(node_list(p, kinds, Some((connection_id, node_type))))
}

/// `monitor_node(Node, Flag, Options)`: `{nodedown, Node}` when the connection to `Node` goes
/// (at once when there is none and none can be made).
fn monitor_node(p: &mut Process, node: Term, flag: Term, opts: Term) -> BifResult {
    let Some(node) = node.as_atom() else {
        return Err(Fail::badarg());
    };
    let opts = boxed::list_to_vec(opts).ok_or_else(Fail::badarg)?;
    let passive = Term::atom(atom::atom("allow_passive_connect"));
    if opts.iter().any(|o| *o != passive) {
        return Err(Fail::badarg());
    }
    // As OTP orders its checks: `notalive` comes before a bad flag.
    if node != crate::dist::node::name() && !crate::dist::node::is_alive() {
        return Err(Fail::error_atom(atom::atom("notalive")));
    }
    if !flag.is_boolean() {
        return Err(Fail::badarg());
    }
    if node == crate::dist::node::name() {
        // This node cannot go down while the caller runs: nothing to watch.
        return Ok(Term::bool(true));
    }
    let e = entry::entry(node);
    if flag == Term::bool(false) {
        e.remove_node_monitor(p.id);
        return Ok(Term::bool(true));
    }
    e.add_node_monitor(p.id);
    // Not connected: a connection is asked for; if it fails, the subscription hears
    // `nodedown` then.
    e.connect(true);
    Ok(Term::bool(true))
}

/// `erlang:setnode(Node, Creation)`: this node is now `Node` (what `net_kernel` does once
/// `epmd` gave it `Creation`), until the caller ends.
fn setnode_2(p: &mut Process, a: &[Term]) -> BifResult {
    let (Some(name), Some(creation)) = (a[0].as_atom(), a[1].as_small()) else {
        return Err(Fail::badarg());
    };
    if !(0..=u32::MAX as i64).contains(&creation) || !valid_node_name(name.name()) {
        return Err(Fail::badarg());
    }
    if crate::dist::node::is_alive() && name != crate::dist::node::name() {
        // A node that is alive keeps its name (OTP refuses a change while alive).
        return Err(Fail::badarg());
    }
    crate::dist::node::set_by(name, creation as u32, p.id);
    Ok(Term::bool(true))
}

/// A node name is `Name@Host` with both parts non-empty.
fn valid_node_name(s: &str) -> bool {
    match s.split_once('@') {
        Some((n, h)) => !n.is_empty() && !h.is_empty() && !h.contains('@'),
        None => false,
    }
}

/// `erts_internal:create_dist_channel(Node, Ctrl, {Flags, Creation})` under
/// `erlang:setnode/3`: `Ctrl` (a port or a process) is the controller of the connection to
/// `Node` from now on; returns the connection's distribution handle.
fn create_channel(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(node) = a[0].as_atom() else {
        return Err(Fail::badarg());
    };
    let ctrl_ok = a[1].is_local_port() || a[1].is_local_pid();
    if !ctrl_ok || !a[2].is_tuple() || boxed::tuple_arity(a[2]) != 2 {
        return Err(Fail::badarg());
    }
    let flags = term_u64(boxed::tuple_element(a[2], 0)).ok_or_else(Fail::badarg)?;
    if !valid_node_name(node.name()) || !crate::dist::node::is_alive() {
        return Err(Fail::badarg());
    }
    if node == crate::dist::node::name() {
        return Err(Fail::badarg());
    }
    let e = entry::entry(node);
    let id = if a[1].is_local_port() {
        let port = a[1].port_number();
        let cell = crate::port::lookup(port).ok_or_else(Fail::badarg)?;
        {
            let mut st = cell.lock();
            if st.core.dist.is_some() {
                return Err(Fail::badarg());
            }
            st.core.dist = Some(node);
        }
        let Some(id) = e.up(crate::port::port_id(port), flags) else {
            cell.lock().core.dist = None;
            return Err(Fail::badarg());
        };
        id
    } else {
        // A process controller: it takes frames with `dist_ctrl_get_data/1` and hands in
        // what it receives with `dist_ctrl_put_data/2`.
        let pid = a[1].pid_number();
        if crate::process::table::table().get(pid).is_none() {
            return Err(Fail::badarg());
        }
        e.up(pid, flags).ok_or_else(Fail::badarg)?
    };
    // `net_kernel` learns of the controller from the runtime, before the caller's
    // `nodeup` (both come from the caller, in that order).
    if let Some(nk) = crate::process::registry::whereis(atom::atom("net_kernel")) {
        let (me, ctrl) = (p.pid(), a[1]);
        let msg = crate::process::signals::OwnedTerm::build(|h| {
            boxed::tuple(
                h,
                &[
                    Term::atom(atom::atom("dist_ctrlr")),
                    ctrl,
                    Term::atom(node),
                    me,
                ],
            )
        });
        let _ = crate::process::exit::deliver(nk, crate::process::signals::Signal::Message(msg));
    }
    Ok(entry::dhandle_term(&mut p.heap, node, id))
}

/// A non-negative integer below 2^64.
fn term_u64(t: Term) -> Option<u64> {
    match t.as_small() {
        Some(n) => u64::try_from(n).ok(),
        None => crate::bignum::to_bigint(t).and_then(|b| u64::try_from(b).ok()),
    }
}

fn u64_term(h: &mut crate::heap::Heap, v: u64) -> Term {
    crate::bignum::from_i128(h, v as i128)
}

/// `erts_internal:get_dflags()`: `{erts_dflags, Default, Mandatory, Addable, Rejectable,
/// StrictOrder}`.
fn get_dflags_0(p: &mut Process, _a: &[Term]) -> BifResult {
    let n = u64_term;
    let default = n(&mut p.heap, dflag::DEFAULT);
    let mandatory = n(&mut p.heap, dflag::MANDATORY);
    let addable = n(&mut p.heap, dflag::DEFAULT);
    let rejectable = n(&mut p.heap, dflag::DEFAULT & !dflag::MANDATORY);
    let strict = n(&mut p.heap, dflag::DIST_HDR_ATOM_CACHE);
    Ok(boxed::tuple(
        &mut p.heap,
        &[
            Term::atom(atom::atom("erts_dflags")),
            default,
            mandatory,
            addable,
            rejectable,
            strict,
        ],
    ))
}

/// `erts_internal:new_connection(Node)`: the id of the connection to `Node` being set up
/// (`{Id, DHandle}`), made pending if there is none.
fn new_connection_1(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(node) = a[0].as_atom() else {
        return Err(Fail::badarg());
    };
    if !crate::dist::node::is_alive() || node == crate::dist::node::name() {
        return Err(Fail::badarg());
    }
    let id = entry::entry(node).connect(false);
    Ok(entry::conn_id_term(&mut p.heap, node, id))
}

/// The connection number of a `{Id, DHandle}` connection id.
fn conn_number(t: Term) -> Option<u32> {
    if !t.is_tuple() || boxed::tuple_arity(t) != 2 {
        return None;
    }
    boxed::tuple_element(t, 0)
        .as_small()
        .and_then(|n| u32::try_from(n).ok())
}

/// `erts_internal:abort_pending_connection(Node, ConnId)`.
fn abort_pending_connection_2(_p: &mut Process, a: &[Term]) -> BifResult {
    let (Some(node), Some(id)) = (a[0].as_atom(), conn_number(a[1])) else {
        return Err(Fail::badarg());
    };
    Ok(Term::bool(entry::find(node).is_some_and(|e| e.abort(id))))
}

/// The entry of a distribution handle whose connection is up (`badarg` otherwise).
fn handle_entry(t: Term) -> Result<std::sync::Arc<entry::DistEntry>, Fail> {
    let (node, id) = entry::dhandle_of(t).ok_or_else(Fail::badarg)?;
    let e = entry::find(node).ok_or_else(Fail::badarg)?;
    if e.conn_id() != Some(id) || !e.is_up() {
        return Err(Fail::badarg());
    }
    Ok(e)
}

/// `erlang:dist_get_stat(DHandle)`: `{ok, Received, Sent, PendingOutput}` of the controller.
fn dist_get_stat_1(p: &mut Process, a: &[Term]) -> BifResult {
    let e = handle_entry(a[0])?;
    let ctrl = e.controller().ok_or_else(Fail::badarg)?;
    let (inp, out, pending) = if crate::port::is_port_id(ctrl) {
        crate::port::lookup(ctrl & !crate::port::PORT_BIT)
            .map(|c| {
                let st = c.lock();
                (st.core.input, st.core.output, st.core.queue_size > 0)
            })
            .unwrap_or((0, 0, false))
    } else {
        e.process_stat()
    };
    let i = u64_term(&mut p.heap, inp);
    let o = u64_term(&mut p.heap, out);
    Ok(boxed::tuple(
        &mut p.heap,
        &[Term::atom(atom::OK), i, o, Term::bool(pending)],
    ))
}

/// `erlang:dist_ctrl_get_data(DHandle)`: the next frame for a process controller (`none`
/// when there is none; `{Size, Data}` with the `get_size` option).
fn dist_ctrl_get_data_1(p: &mut Process, a: &[Term]) -> BifResult {
    let e = handle_entry(a[0])?;
    match e.take_out() {
        None => Ok(Term::atom(atom::atom("none"))),
        Some((f, with_size)) => {
            let n = f.len();
            // As OTP's: the data is a list of binaries (its I/O vector), which carriers
            // extend with `++`.
            let bin = boxed::binary_from_vec(&mut p.heap, f);
            let bin = boxed::list(&mut p.heap, &[bin]);
            if with_size {
                let size = Term::small(n as i64);
                Ok(boxed::tuple(&mut p.heap, &[size, bin]))
            } else {
                Ok(bin)
            }
        }
    }
}

/// `erlang:dist_ctrl_put_data(DHandle, Data)`: a frame a process controller received
/// (empty: a tick).
fn dist_ctrl_put_data_2(_p: &mut Process, a: &[Term]) -> BifResult {
    let e = handle_entry(a[0])?;
    let bytes = super::iodata::iodata_to_bytes(a[1]).ok_or_else(Fail::badarg)?;
    e.count_in(bytes.len());
    if !bytes.is_empty() {
        crate::dist::input::received(e.node, &bytes);
        crate::dist::input::drain(e.node);
    }
    Ok(Term::atom(atom::OK))
}

/// `erlang:dist_ctrl_set_opt(DHandle, get_size, Bool)`: the old value.
fn dist_ctrl_set_opt_3(_p: &mut Process, a: &[Term]) -> BifResult {
    let e = handle_entry(a[0])?;
    if a[1] != Term::atom(atom::atom("get_size")) || !a[2].is_boolean() {
        return Err(Fail::badarg());
    }
    Ok(Term::bool(e.set_get_size(a[2] == Term::bool(true))))
}

/// `erlang:dist_ctrl_get_opt(DHandle, get_size)`.
fn dist_ctrl_get_opt_2(_p: &mut Process, a: &[Term]) -> BifResult {
    let e = handle_entry(a[0])?;
    if a[1] != Term::atom(atom::atom("get_size")) {
        return Err(Fail::badarg());
    }
    Ok(Term::bool(e.get_size()))
}
