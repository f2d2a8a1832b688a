//! The port table (OTP's port part of `erl_ptab`): port number → port, the port limit, and
//! port number allocation.

use super::PortCell;
use crate::id_hash::IdHashMap;
use parking_lot::RwLock;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

const SHARDS: usize = 16;

/// OTP's default port limit (`+Q`).
pub const DEFAULT_PORT_LIMIT: usize = 65_536;

pub struct PortTable {
    shards: Vec<RwLock<IdHashMap<u64, Arc<PortCell>>>>,
    next_id: AtomicU64,
    live: AtomicUsize,
    limit: AtomicUsize,
}

impl PortTable {
    fn new() -> PortTable {
        PortTable {
            shards: (0..SHARDS)
                .map(|_| RwLock::new(IdHashMap::default()))
                .collect(),
            next_id: AtomicU64::new(0),
            live: AtomicUsize::new(0),
            limit: AtomicUsize::new(DEFAULT_PORT_LIMIT),
        }
    }

    fn shard(&self, id: u64) -> &RwLock<IdHashMap<u64, Arc<PortCell>>> {
        &self.shards[(id as usize) % SHARDS]
    }

    /// Reserves a slot and a port number; `None` at the port limit.
    pub fn reserve(&self) -> Option<u64> {
        let limit = self.limit.load(Ordering::Relaxed);
        if self.live.fetch_add(1, Ordering::AcqRel) >= limit {
            self.live.fetch_sub(1, Ordering::AcqRel);
            return None;
        }
        Some(self.next_id.fetch_add(1, Ordering::Relaxed))
    }

    /// Makes a port visible.
    pub fn insert(&self, cell: Arc<PortCell>) {
        self.shard(cell.id).write().insert(cell.id, cell);
    }

    /// Removes a port and frees its slot (a reserved number that never got a port too).
    pub fn remove(&self, id: u64) {
        self.shard(id).write().remove(&id);
        self.live.fetch_sub(1, Ordering::AcqRel);
    }

    pub fn get(&self, id: u64) -> Option<Arc<PortCell>> {
        self.shard(id).read().get(&id).cloned()
    }

    /// Number of live ports (`erlang:system_info(port_count)`).
    pub fn count(&self) -> usize {
        self.live.load(Ordering::Acquire)
    }

    pub fn limit(&self) -> usize {
        self.limit.load(Ordering::Relaxed)
    }

    /// Sets the port limit (`+Q`), clamped to OTP's bounds.
    pub fn set_limit(&self, n: usize) {
        self.limit
            .store(n.clamp(1024, 134_217_727), Ordering::Relaxed);
    }

    /// All ports, in creation order.
    pub fn all(&self) -> Vec<Arc<PortCell>> {
        let mut v: Vec<Arc<PortCell>> = self
            .shards
            .iter()
            .flat_map(|s| s.read().values().cloned().collect::<Vec<_>>())
            .collect();
        v.sort_unstable_by_key(|c| c.id);
        v
    }
}

/// The port table.
pub fn table() -> &'static PortTable {
    static T: crate::instance::InstanceLocal<PortTable> = crate::instance::InstanceLocal::new();
    T.get_or_init(|| {
        crate::instance::on_teardown(|| {
            // Every port still open ends (its driver stops: descriptors closed, programs
            // told by end of input), as when the runtime exits.
            for c in table().all() {
                let reason = crate::process::signals::OwnedTerm::immediate(
                    crate::term::Term::atom(crate::atom::KILL),
                );
                c.lock().terminate(&c, reason);
            }
        });
        PortTable::new()
    })
}
