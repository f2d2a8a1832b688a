//! Registered process names (OTP's `register.c`): `register/2`, `unregister/1`, `whereis/1`,
//! `registered/0`.

use crate::atom::Atom;
use parking_lot::RwLock;
use std::collections::HashMap;

fn names() -> &'static RwLock<HashMap<Atom, u64>> {
    static N: crate::instance::InstanceLocal<RwLock<HashMap<Atom, u64>>> =
        crate::instance::InstanceLocal::new();
    N.get_or_init(|| RwLock::new(HashMap::new()))
}

/// Registers `name` for process `id`; false when the name is taken.
pub fn register(name: Atom, id: u64) -> bool {
    let mut n = names().write();
    if n.contains_key(&name) {
        return false;
    }
    n.insert(name, id);
    true
}

/// Removes `name`; returns the process it named.
pub fn unregister(name: Atom) -> Option<u64> {
    names().write().remove(&name)
}

/// Removes `name` only if it still names process `id` (at exit).
pub fn unregister_if(name: Atom, id: u64) {
    let mut n = names().write();
    if n.get(&name) == Some(&id) {
        n.remove(&name);
    }
}

pub fn whereis(name: Atom) -> Option<u64> {
    names().read().get(&name).copied()
}

/// All registered names.
pub fn registered() -> Vec<Atom> {
    names().read().keys().copied().collect()
}
