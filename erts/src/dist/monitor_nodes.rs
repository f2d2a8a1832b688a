//! `process_flag(monitor_nodes, Flag)` and `process_flag({monitor_nodes, Opts}, Flag)` (what
//! `net_kernel:monitor_nodes/1,2` calls; OTP keeps these subscriptions in the emulator):
//! subscribers get `{nodeup, Node}` when a connection comes up and `{nodedown, Node}` when
//! it goes, or with options `{nodeup, Node, Info}` / `{nodedown, Node, Info}`, `Info` a map or
//! (for options given as a list) a list of `node_type`, `connection_id` and (down only)
//! `nodedown_reason`.

use crate::atom::{self, Atom};
use crate::process::exit::deliver;
use crate::process::signals::{OwnedTerm, Signal};
use crate::term::{boxed, Term};
use parking_lot::Mutex;

/// Which nodes a subscription is about.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum NodeType {
    Visible,
    Hidden,
    All,
}

/// The options of a subscription (`None` for the plain one).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Opts {
    pub node_type: Option<NodeType>,
    pub connection_id: bool,
    pub nodedown_reason: bool,
    /// Info as a list (options given as a list) rather than a map.
    pub list: bool,
}

impl Opts {
    /// Parses the option map `process_flag/2` gets; `None` for a bad one.
    pub fn parse(m: Term) -> Option<Opts> {
        if !m.is_map() {
            return None;
        }
        let mut o = Opts {
            node_type: None,
            connection_id: false,
            nodedown_reason: false,
            list: false,
        };
        for (k, v) in crate::map::iter_pairs(m) {
            let flag = || {
                if v == Term::bool(true) {
                    Some(true)
                } else if v == Term::bool(false) {
                    Some(false)
                } else {
                    None
                }
            };
            match k.as_atom()?.name() {
                "node_type" => {
                    o.node_type = Some(match v.as_atom()?.name() {
                        "visible" => NodeType::Visible,
                        "hidden" => NodeType::Hidden,
                        "all" => NodeType::All,
                        _ => return None,
                    })
                }
                "connection_id" => o.connection_id = flag()?,
                "nodedown_reason" => o.nodedown_reason = flag()?,
                "list" => o.list = flag()?,
                _ => return None,
            }
        }
        Some(o)
    }

    /// Whether a subscription with these options hears of a `hidden` node or a visible one.
    fn covers(&self, hidden: bool) -> bool {
        match self.node_type.unwrap_or(NodeType::Visible) {
            NodeType::Visible => !hidden,
            NodeType::Hidden => hidden,
            NodeType::All => true,
        }
    }
}

struct Subscription {
    pid: u64,
    opts: Option<Opts>,
}

fn subs() -> &'static Mutex<Vec<Subscription>> {
    // Per runtime instance, as the distribution's other tables.
    static S: crate::instance::InstanceLocal<Mutex<Vec<Subscription>>> =
        crate::instance::InstanceLocal::new();
    S.get_or_default()
}

/// Adds a subscription of `pid`.
pub fn subscribe(pid: u64, opts: Option<Opts>) {
    subs().lock().push(Subscription { pid, opts });
}

/// Removes one subscription of `pid` with `opts`.
pub fn unsubscribe(pid: u64, opts: Option<Opts>) {
    let mut s = subs().lock();
    if let Some(i) = s.iter().position(|x| x.pid == pid && x.opts == opts) {
        s.remove(i);
    }
}

/// Tells the subscribers that the connection to `node` (`hidden` or not) came up
/// (`reason` is `None`) or went down with `reason`.
pub fn notify(node: Atom, hidden: bool, conn_id: u32, reason: Option<Term>) {
    let tag = Term::atom(atom::atom(if reason.is_some() {
        "nodedown"
    } else {
        "nodeup"
    }));
    let mut gone = Vec::new();
    let targets: Vec<(u64, Option<Opts>)> = subs()
        .lock()
        .iter()
        .filter(|s| s.opts.map_or(!hidden, |o| o.covers(hidden)))
        .map(|s| (s.pid, s.opts))
        .collect();
    for (pid, opts) in targets {
        let msg = OwnedTerm::build(|h| {
            let Some(o) = opts else {
                return boxed::tuple(h, &[tag, Term::atom(node)]);
            };
            let mut info = Vec::new();
            if o.connection_id {
                info.push((
                    Term::atom(atom::atom("connection_id")),
                    Term::small(conn_id as i64),
                ));
            }
            if o.node_type.is_some() {
                let t = if hidden { "hidden" } else { "visible" };
                info.push((
                    Term::atom(atom::atom("node_type")),
                    Term::atom(atom::atom(t)),
                ));
            }
            if let (Some(r), true) = (reason, o.nodedown_reason) {
                let r = crate::term::copy::copy(h, r);
                info.push((Term::atom(atom::atom("nodedown_reason")), r));
            }
            let info = if o.list {
                let items: Vec<Term> = info
                    .iter()
                    .map(|&(k, v)| boxed::tuple(h, &[k, v]))
                    .collect();
                boxed::list(h, &items)
            } else {
                crate::map::from_pairs(h, &info)
            };
            boxed::tuple(h, &[tag, Term::atom(node), info])
        });
        if deliver(pid, Signal::Message(msg)).is_err() {
            gone.push(pid);
        }
    }
    if !gone.is_empty() {
        subs().lock().retain(|s| !gone.contains(&s.pid));
    }
}
