//! Processes of other nodes as link and monitor ids. Links, monitors and signal delivery
//! name their ends by a `u64` (a local pid number, a port id with [`crate::port::PORT_BIT`],
//! a native owner with [`crate::process::exit::NATIVE_BIT`]); a process of another node gets
//! such an id here, with [`REMOTE_BIT`] set, so a link or monitor across nodes is kept by the
//! same bookkeeping as a local one and a signal to it ([`crate::process::exit::deliver`]) goes
//! out over the connection to its node ([`super::output`]).
//!
//! An id names an *endpoint*: a remote pid, or a node alone (the far end of a monitor by
//! `{Name, Node}`, whose pid is not known). Endpoints are interned: one id per pid for the life
//! of the runtime, with the pid's external object kept outside every heap, so
//! [`term`] gives a term without allocating (heaps may point at it as they point at
//! literals; the collector leaves what is outside its heaps in place).

use crate::atom::Atom;
use crate::term::{external, Term};
use parking_lot::RwLock;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Marks an endpoint id among pid numbers (bits 63 and 62 are ports' and native owners').
pub const REMOTE_BIT: u64 = 1 << 61;

/// Whether link/monitor id `id` names a remote endpoint.
#[inline]
pub fn is_remote_id(id: u64) -> bool {
    id & (crate::port::PORT_BIT | crate::process::exit::NATIVE_BIT | REMOTE_BIT) == REMOTE_BIT
}

/// What an id names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub node: Atom,
    /// The pid's object (`None` for a node endpoint).
    object: Option<&'static [u64; 4]>,
}

impl Endpoint {
    /// The remote pid, or the node's name as an atom for a node endpoint.
    pub fn term(&self) -> Term {
        match self.object {
            Some(o) => Term::make_boxed(o.as_ptr() as *const Term),
            None => Term::atom(self.node),
        }
    }

    /// Whether this is a pid (not a node alone).
    pub fn is_pid(&self) -> bool {
        self.object.is_some()
    }
}

#[derive(Hash, PartialEq, Eq)]
enum Key {
    Pid(Atom, u32, u64),
    Node(Atom),
}

#[derive(Default)]
struct Table {
    ids: HashMap<Key, u64>,
    endpoints: Vec<Endpoint>,
}

fn table() -> &'static RwLock<Table> {
    // Process-wide, as the pid numbers it sits beside.
    static T: OnceLock<RwLock<Table>> = OnceLock::new();
    T.get_or_init(Default::default)
}

fn intern(key: Key, make: impl FnOnce() -> Endpoint) -> u64 {
    if let Some(&id) = table().read().ids.get(&key) {
        return id;
    }
    let mut t = table().write();
    if let Some(&id) = t.ids.get(&key) {
        return id;
    }
    let id = REMOTE_BIT | t.endpoints.len() as u64;
    t.endpoints.push(make());
    t.ids.insert(key, id);
    id
}

/// The id of external pid `pid` (a term with [`crate::term::subtag::EXTERNAL_PID`]).
pub fn pid_id(pid: Term) -> u64 {
    let (node, creation) = (external::node(pid), external::creation(pid));
    let (n, s) = external::pid_fields(pid);
    intern(
        Key::Pid(node, creation, n as u64 | (s as u64) << 32),
        || {
            let words: &'static [u64; 4] =
                Box::leak(Box::new(external::pid_words(node, creation, n, s)));
            Endpoint {
                node,
                object: Some(words),
            }
        },
    )
}

/// The id of node `node` itself (the far end of a monitor by name).
pub fn node_id(node: Atom) -> u64 {
    intern(Key::Node(node), || Endpoint { node, object: None })
}

/// The endpoint of id `id` (which [`is_remote_id`]).
pub fn endpoint(id: u64) -> Option<Endpoint> {
    table()
        .read()
        .endpoints
        .get((id & !REMOTE_BIT) as usize)
        .copied()
}

/// The term of id `id`: the remote pid (or the node's name); `[]` for an unknown id.
pub fn term(id: u64) -> Term {
    endpoint(id).map_or(Term::NIL, |e| e.term())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heap::Heap;

    #[test]
    fn a_pid_has_one_id_and_its_term_equals_the_pid() {
        let mut h = Heap::with_capacity(16);
        let node = crate::atom::atom("remote_test@host");
        let p = external::pid(&mut h, node, 3, 40, 1);
        let q = external::pid(&mut h, node, 3, 40, 1);
        let id = pid_id(p);
        assert!(is_remote_id(id));
        assert_eq!(pid_id(q), id);
        let other = external::pid(&mut h, node, 4, 40, 1);
        assert_ne!(pid_id(other), id);
        let t = term(id);
        assert!(crate::term::compare::exact_eq(t, p));
        let n = node_id(node);
        assert!(is_remote_id(n) && n != id);
        assert_eq!(term(n), Term::atom(node));
        assert!(!is_remote_id(crate::port::port_id(5)));
        assert!(!is_remote_id(77));
    }
}
