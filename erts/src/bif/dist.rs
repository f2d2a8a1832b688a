//! The distribution BIFs as they behave on a node that is not alive (this runtime has no
//! distribution yet): `nodes/0,1,2` list at most this node itself, `monitor_node/2,3` of
//! another node fails with `notalive`, and of this node succeeds with nothing to watch.

use super::Registry;
use crate::atom;
use crate::exception::{BifResult, Fail};
use crate::process::Process;
use crate::term::boxed;
use crate::term::Term;

pub fn register(r: &mut Registry) {
    r.add("erlang", "nodes", 0, |_, _| Ok(Term::NIL));
    // Whether the node of a pid takes unicode I/O requests: always, without distribution.
    r.add("net_kernel", "dflag_unicode_io", 1, |_, a| {
        if a[0].is_pid() {
            Ok(Term::bool(true))
        } else {
            Err(crate::exception::Fail::badarg())
        }
    });
    r.add("erlang", "nodes", 1, |p, a| {
        let this = includes_this(a[0])?;
        Ok(node_list(p, this, None))
    });
    r.add("erlang", "nodes", 2, nodes_2);
    r.add("erlang", "monitor_node", 2, |_, a| {
        monitor_node(a[0], a[1], Term::NIL)
    });
    r.add("erlang", "monitor_node", 3, |_, a| {
        monitor_node(a[0], a[1], a[2])
    });
}

/// Checks a `nodes/1,2` node type (an atom or a list of them): whether it asks for this node
/// (`this` or `known`; the others are connected nodes, of which there are none).
fn includes_this(arg: Term) -> Result<bool, Fail> {
    let types = match arg.as_atom() {
        Some(_) => vec![arg],
        None => boxed::list_to_vec(arg).ok_or_else(Fail::badarg)?,
    };
    let mut this = false;
    for t in types {
        match t.as_atom().map(|a| a.name()) {
            Some("this" | "known") => this = true,
            Some("visible" | "hidden" | "connected") => {}
            _ => return Err(Fail::badarg()),
        }
    }
    Ok(this)
}

/// `[node()]` when `this`, else `[]`; with `info`, each node paired with its info map.
fn node_list(p: &mut Process, this: bool, info: Option<(bool, bool)>) -> Term {
    if !this {
        return Term::NIL;
    }
    let node = Term::atom(atom::NONODE);
    let item = match info {
        None => node,
        Some((connection_id, node_type)) => {
            let mut pairs = Vec::new();
            if connection_id {
                pairs.push((
                    Term::atom(atom::atom("connection_id")),
                    Term::atom(atom::UNDEFINED),
                ));
            }
            if node_type {
                pairs.push((
                    Term::atom(atom::atom("node_type")),
                    Term::atom(atom::atom("this")),
                ));
            }
            let m = crate::map::from_pairs(&mut p.heap, &pairs);
            boxed::tuple(&mut p.heap, &[node, m])
        }
    };
    boxed::list(&mut p.heap, &[item])
}

fn nodes_2(p: &mut Process, a: &[Term]) -> BifResult {
    let this = includes_this(a[0])?;
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
    Ok(node_list(p, this, Some((connection_id, node_type))))
}

fn monitor_node(node: Term, flag: Term, opts: Term) -> BifResult {
    let Some(node) = node.as_atom() else {
        return Err(Fail::badarg());
    };
    let opts = boxed::list_to_vec(opts).ok_or_else(Fail::badarg)?;
    if opts
        .iter()
        .any(|o| *o != Term::atom(atom::atom("allow_passive_connect")))
    {
        return Err(Fail::badarg());
    }
    if node != atom::NONODE {
        return Err(Fail::error_atom(atom::atom("notalive")));
    }
    if !flag.is_boolean() {
        return Err(Fail::badarg());
    }
    // This node cannot go down while the caller runs: nothing to watch.
    Ok(Term::bool(true))
}
