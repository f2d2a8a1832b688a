//! Static NIF libraries: entries an embedding host registers for a module
//! (`erts_register_static_nif`), as OTP links `STATIC_ERLANG_NIF` libraries into its
//! emulator. When the module calls `erlang:load_nif/2`, it gets the registered entry instead
//! of a `.so` from the path; everything else (the checks of the entry, `load`/`upgrade`,
//! installing the functions) is as for a library on disk.

use crate::abi::ErlNifEntry;
use erts::atom::Atom;
use parking_lot::Mutex;
use std::collections::HashMap;

/// An entry pointer the host promises stays valid (a static of the host program).
#[derive(Clone, Copy)]
struct Entry(*mut ErlNifEntry);

// SAFETY: the entry is immutable static data of the host program, read only by loading.
unsafe impl Send for Entry {}

fn table() -> &'static Mutex<HashMap<Atom, Entry>> {
    static T: std::sync::OnceLock<Mutex<HashMap<Atom, Entry>>> = std::sync::OnceLock::new();
    T.get_or_init(Default::default)
}

/// Registers `entry` for `module` (replacing an earlier one).
///
/// # Safety
/// `entry` must point to a valid `ErlNifEntry` (and the functions and names it points to)
/// that stays valid as long as the process runs.
pub unsafe fn register(module: Atom, entry: *mut ErlNifEntry) {
    table().lock().insert(module, Entry(entry));
}

/// The entry registered for `module`.
pub(crate) fn lookup(module: Atom) -> Option<*mut ErlNifEntry> {
    table().lock().get(&module).map(|e| e.0)
}
