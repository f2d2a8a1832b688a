//! This node's identity (OTP's `erts_this_node`): its name and creation. A node that is not
//! alive is `nonode@nohost` with creation 0; `erlang:setnode/2` (called by `net_kernel` once
//! it has registered with `epmd`) gives it a name and the creation `epmd` handed out, and
//! every local pid, port and reference is from then on written in the external format with
//! that name and creation.
//!
//! Both live in one atomic word (the atom index in the high half, the creation in the low),
//! so reading them takes no lock and a reader never sees a name with another's creation.
//! Each runtime instance has its own identity (an embedding host may run several).

use crate::atom::{self, Atom};
use std::sync::atomic::{AtomicU64, Ordering};

struct Identity {
    /// `name << 32 | creation`; 0 while the node is not alive (read through [`this`], which
    /// maps it to `nonode@nohost`).
    this: AtomicU64,
    /// The process that named the node (`net_kernel`); `u64::MAX` for none. When it ends,
    /// the node is not alive any more (as OTP's `net_kernel:stop/0` leaves it).
    owner: AtomicU64,
}

/// Per runtime instance.
static IDENTITY: crate::instance::InstanceLocal<Identity> = crate::instance::InstanceLocal::new();

fn identity() -> &'static Identity {
    IDENTITY.get_or_init(|| Identity {
        this: AtomicU64::new(0),
        owner: AtomicU64::new(u64::MAX),
    })
}

/// The node name and creation.
#[inline]
pub fn this() -> (Atom, u32) {
    unpack(identity().this.load(Ordering::Acquire))
}

fn unpack(v: u64) -> (Atom, u32) {
    if v == 0 {
        (atom::NONODE, 0)
    } else {
        (Atom((v >> 32) as u32), v as u32)
    }
}

fn pack(name: Atom, creation: u32) -> u64 {
    if name == atom::NONODE {
        0
    } else {
        (name.0 as u64) << 32 | creation as u64
    }
}

/// The node name (`node()`).
#[inline]
pub fn name() -> Atom {
    this().0
}

/// The node's creation (`erts_internal:get_creation/0`).
#[inline]
pub fn creation() -> u32 {
    this().1
}

/// Whether the node is alive (`is_alive()`).
#[inline]
pub fn is_alive() -> bool {
    identity().this.load(Ordering::Acquire) != 0
}

/// Whether `node` with `creation` names this node (what a decoded pid, port or reference
/// must carry to be a local one).
#[inline]
pub fn is_this(node: Atom, creation: u32) -> bool {
    this() == (node, creation)
}

/// Makes the node alive as `name` with `creation` (`erlang:setnode/2`); `nonode@nohost`
/// makes it not alive again.
pub fn set(name: Atom, creation: u32) {
    identity()
        .this
        .store(pack(name, creation), Ordering::Release);
}

/// Names the node as [`set`] does, on behalf of process `owner` (the node stops being alive
/// when it ends).
pub fn set_by(name: Atom, creation: u32, owner: u64) {
    identity().owner.store(owner, Ordering::Release);
    set(name, creation);
}

/// Process `pid` ended: if it named the node, the node is `nonode@nohost` again.
#[inline]
pub fn process_exited(pid: u64) {
    let owner = &identity().owner;
    if owner.load(Ordering::Relaxed) == pid
        && owner
            .compare_exchange(pid, u64::MAX, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
    {
        set(atom::NONODE, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The identity itself is process-wide and other tests read it: only the packing is
    // tested here (the suite's distribution scenarios test `setnode/2`).
    #[test]
    fn name_and_creation_share_one_word() {
        assert_eq!(unpack(0), (atom::NONODE, 0));
        assert_eq!(pack(atom::NONODE, 5), 0);
        let n = atom::atom("node_test@host");
        assert_eq!(unpack(pack(n, 7)), (n, 7));
        assert_eq!(unpack(pack(n, u32::MAX)), (n, u32::MAX));
    }
}
