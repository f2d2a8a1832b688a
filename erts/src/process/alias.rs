//! Process aliases (OTP 24's `alias/0,1`, `unalias/1` and `monitor/3`'s `alias` option): a
//! reference that, while active, works as an address of the process that made it. This
//! module keeps the system-wide map from active alias to owner (for `Alias ! Msg`); each
//! process keeps its own list with the mode that ends the alias, and checks it when a
//! message sent to an alias arrives, so a message that arrives after `unalias/1` is dropped.

use crate::id_hash::IdHashMap;
use parking_lot::RwLock;

/// What else ends an alias besides `unalias/1` and the death of its owner.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AliasMode {
    /// Only `unalias/1` (`explicit_unalias`).
    Explicit,
    /// The first message received through it (`alias([reply])`).
    Reply,
    /// The removal of the monitor it belongs to (`{alias, demonitor}`).
    Demonitor,
    /// The monitor's removal or the first message received through it
    /// (`{alias, reply_demonitor}`).
    ReplyDemonitor,
}

const SHARDS: usize = 16;

fn owners() -> &'static [RwLock<IdHashMap<u64, u64>>] {
    static O: crate::instance::InstanceLocal<Vec<RwLock<IdHashMap<u64, u64>>>> =
        crate::instance::InstanceLocal::new();
    O.get_or_init(|| {
        (0..SHARDS)
            .map(|_| RwLock::new(IdHashMap::default()))
            .collect()
    })
}

fn shard(reference: u64) -> &'static RwLock<IdHashMap<u64, u64>> {
    &owners()[(reference as usize) % SHARDS]
}

/// Makes reference number `reference` an alias of process `pid`.
pub fn activate(reference: u64, pid: u64) {
    shard(reference).write().insert(reference, pid);
}

/// Ends alias `reference`.
pub fn deactivate(reference: u64) {
    shard(reference).write().remove(&reference);
}

/// The process that alias `reference` addresses, if it is active.
pub fn owner(reference: u64) -> Option<u64> {
    shard(reference).read().get(&reference).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activate_and_deactivate() {
        let r = u64::MAX - 7;
        assert_eq!(owner(r), None);
        activate(r, 42);
        assert_eq!(owner(r), Some(42));
        deactivate(r);
        assert_eq!(owner(r), None);
    }
}
