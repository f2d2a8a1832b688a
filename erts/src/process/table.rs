//! The process table (OTP's `erl_ptab`): pid number → process, the process limit (`+P`), and
//! pid allocation. Sharded so that lookups from many schedulers do not contend on one lock.

use super::cell::ProcessCell;
use crate::id_hash::IdHashMap;
use parking_lot::RwLock;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

const SHARDS: usize = 64;

/// OTP's default process limit.
pub const DEFAULT_PROCESS_LIMIT: usize = 262_144;

pub struct ProcessTable {
    shards: Vec<RwLock<IdHashMap<u64, Arc<ProcessCell>>>>,
    next_id: AtomicU64,
    live: AtomicUsize,
    limit: AtomicUsize,
}

/// Why a process could not be created.
#[derive(Debug, PartialEq, Eq)]
pub enum SpawnError {
    /// The process limit is reached (`system_limit`).
    Limit,
}

impl ProcessTable {
    pub(crate) fn new() -> ProcessTable {
        ProcessTable {
            shards: (0..SHARDS)
                .map(|_| RwLock::new(IdHashMap::default()))
                .collect(),
            next_id: AtomicU64::new(0),
            live: AtomicUsize::new(0),
            limit: AtomicUsize::new(DEFAULT_PROCESS_LIMIT),
        }
    }

    fn shard(&self, id: u64) -> &RwLock<IdHashMap<u64, Arc<ProcessCell>>> {
        &self.shards[(id as usize) % SHARDS]
    }

    /// Reserves a slot and a new pid number.
    pub fn reserve(&self) -> Result<u64, SpawnError> {
        let limit = self.limit.load(Ordering::Relaxed);
        let prev = self.live.fetch_add(1, Ordering::AcqRel);
        if prev >= limit {
            self.live.fetch_sub(1, Ordering::AcqRel);
            return Err(SpawnError::Limit);
        }
        Ok(self.next_id.fetch_add(1, Ordering::Relaxed))
    }

    /// The pid number the next `reserve` hands out (when no other thread spawns meanwhile).
    pub fn next_id(&self) -> u64 {
        self.next_id.load(Ordering::Relaxed)
    }

    /// Makes a reserved process visible.
    pub fn insert(&self, cell: Arc<ProcessCell>) {
        self.shard(cell.id).write().insert(cell.id, cell);
    }

    /// Removes an exited process and frees its slot.
    pub fn remove(&self, id: u64) {
        if self.shard(id).write().remove(&id).is_some() {
            self.live.fetch_sub(1, Ordering::AcqRel);
        }
    }

    pub fn get(&self, id: u64) -> Option<Arc<ProcessCell>> {
        self.shard(id).read().get(&id).cloned()
    }

    /// Number of live processes.
    pub fn count(&self) -> usize {
        self.live.load(Ordering::Acquire)
    }

    pub fn limit(&self) -> usize {
        self.limit.load(Ordering::Relaxed)
    }

    /// Sets the process limit (`+P`), clamped to OTP's bounds.
    pub fn set_limit(&self, n: usize) {
        self.limit
            .store(n.clamp(1024, 134_217_727), Ordering::Relaxed);
    }

    /// Takes every process out of the table (the instance's teardown): they are dropped
    /// without exit signals, since nothing of the instance runs any more.
    /// Drops every process (the instance's teardown, with the instance entered). A
    /// process's own data (its mailbox, saved registers, heap) may hold the cells of others;
    /// each is emptied under its lock first, so no cycle keeps one alive.
    pub(crate) fn teardown(&self) {
        let cells = self.drain();
        for c in &cells {
            let old = std::mem::replace(&mut *c.process.lock(), super::Process::new_spawned(c.id));
            drop(old);
            let mut signals = std::collections::VecDeque::new();
            c.take_signals(&mut signals);
            drop(signals);
        }
    }

    fn drain(&self) -> Vec<Arc<ProcessCell>> {
        let mut v = Vec::new();
        for s in &self.shards {
            v.extend(std::mem::take(&mut *s.write()).into_values());
        }
        self.live.store(0, Ordering::Release);
        v
    }

    /// All live pid numbers, in creation order.
    pub fn ids(&self) -> Vec<u64> {
        let mut v: Vec<u64> = self
            .shards
            .iter()
            .flat_map(|s| s.read().keys().copied().collect::<Vec<_>>())
            .collect();
        v.sort_unstable();
        v
    }
}

/// The instance's process table.
#[inline]
pub fn table() -> &'static ProcessTable {
    &crate::instance::current().processes
}
