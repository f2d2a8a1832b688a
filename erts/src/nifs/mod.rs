//! NIF libraries built into the runtime (OTP's static NIFs of `erts/emulator/nifs/`, found
//! by `erts_static_nif_get_nif_init` in `driver_tab.c`): `prim_file`, `prim_buffer` and
//! `zlib`, written in Rust, and function-less stand-ins for the others (`unimplemented.rs`).
//!
//! OTP decides by the *calling module*: when `erlang:load_nif(Path, LoadInfo)` is called
//! from a module that has a static library (`prim_file:on_load/0` calls
//! `erlang:load_nif("prim_file", Pid)`), the path is not opened; the library built into the
//! emulator is installed instead. `nif-api`'s `load_nif` does the same with [`lookup`] and
//! [`load`]. Each function of a built-in library is an ordinary BIF-shaped Rust function
//! ([`BifFn`]); installing it patches the module's Erlang stub exactly like a C NIF
//! (`crate::nif::install`, [`Instr::CallNif`](crate::emu::instr::Instr)), with a
//! [`NifCallee`] that carries the function ([`NifCallee::builtin`]), which the `call_nif`
//! instruction calls directly instead of `nif-api`'s hook. So local calls inside the module,
//! external calls and funs all reach it, and a failure shows the NIF's own frame on top of
//! the stack trace, as with a C NIF. Built-in NIFs run on the normal scheduler that runs
//! the calling process (OTP runs `prim_file`'s on the dirty I/O schedulers).
//!
//! Native objects of these libraries (open files, buffers) are magic objects
//! ([`crate::magic`]); terms for them are magic references, as OTP's resource terms.
//! A library may monitor processes from such an object (an open file monitors its owner):
//! signals for native owners whose magic object belongs to a built-in library come to
//! [`native_signal`] before `nif-api`'s hook sees them.

pub mod prim_buffer;
pub mod prim_file;
pub mod unimplemented;
pub mod zlib;

use crate::atom::Atom;
use crate::bif::BifFn;
use crate::module::Module;
use crate::nif::NifCallee;
use crate::process::signals::Signal;
use crate::term::Term;
use parking_lot::Mutex;
use std::collections::HashSet;

/// One function of a built-in library: `name/arity` of the module's stub.
pub struct BuiltinNif {
    pub name: &'static str,
    pub arity: u32,
    pub f: BifFn,
}

/// A built-in NIF library: the module it belongs to, its functions, and its `load`
/// callback (given the `LoadInfo` argument; a non-zero value vetoes the load, as a C
/// library's `load` does).
pub struct BuiltinLib {
    pub module: &'static str,
    pub funcs: &'static [BuiltinNif],
    pub load: fn(Term) -> i32,
}

/// Every built-in library.
static LIBS: &[&BuiltinLib] = &[
    &prim_file::LIB,
    &prim_buffer::LIB,
    &zlib::LIB,
    &unimplemented::ERL_TRACER,
    &unimplemented::PRIM_SOCKET,
    &unimplemented::PRIM_NET,
];

/// The built-in library of module `module`, if there is one.
pub fn lookup(module: Atom) -> Option<&'static BuiltinLib> {
    LIBS.iter().copied().find(|l| l.module == module.name())
}

/// Why a built-in library could not be installed (OTP's `{error, {Kind, Text}}` of
/// `erlang:load_nif/2`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// The module version already has its NIF library.
    Reload,
    /// The module has no stub for one of the library's functions.
    FunctionNotFound {
        module: &'static str,
        name: &'static str,
        arity: u32,
    },
    /// The library's `load` callback returned this non-zero value.
    LoadCall(i32),
}

impl LoadError {
    /// The error kind atom's text (`reload`, `bad_lib`, `load`).
    pub fn kind(&self) -> &'static str {
        match self {
            LoadError::Reload => "reload",
            LoadError::FunctionNotFound { .. } => "bad_lib",
            LoadError::LoadCall(_) => "load",
        }
    }

    /// OTP's text for the error.
    pub fn text(&self) -> String {
        match self {
            LoadError::Reload => {
                "NIF library already loaded (reload disallowed since OTP 20).".to_string()
            }
            LoadError::FunctionNotFound {
                module,
                name,
                arity,
            } => format!("Function not found {module}:{name}/{arity}"),
            LoadError::LoadCall(v) => format!("Library load-call unsuccessful ({v})."),
        }
    }
}

/// The module versions (by the address of their code) that have their built-in library.
fn loaded() -> &'static Mutex<HashSet<usize>> {
    static L: crate::instance::InstanceLocal<Mutex<HashSet<usize>>> =
        crate::instance::InstanceLocal::new();
    L.get_or_init(Default::default)
}

fn key(m: &Module) -> usize {
    m.code.as_ptr() as usize
}

/// Whether the module version `m` has its built-in library installed.
pub fn is_loaded(m: &Module) -> bool {
    loaded().lock().contains(&key(m))
}

/// Installs `lib` into `caller` (the module version calling `erlang:load_nif/2`): checks
/// that every function has a stub, runs the library's `load` with `load_info`, then patches
/// each stub. The caller checked that `caller` is the current or on_load-pending version.
pub fn load(caller: &Module, lib: &'static BuiltinLib, load_info: Term) -> Result<(), LoadError> {
    if is_loaded(caller) {
        return Err(LoadError::Reload);
    }
    let mut found = Vec::with_capacity(lib.funcs.len());
    for f in lib.funcs {
        let name = crate::atom::existing(f.name)
            .filter(|a| crate::nif::function_entry(caller, *a, f.arity).is_some())
            .ok_or(LoadError::FunctionNotFound {
                module: lib.module,
                name: f.name,
                arity: f.arity,
            })?;
        found.push((name, f));
    }
    let veto = (lib.load)(load_info);
    if veto != 0 {
        return Err(LoadError::LoadCall(veto));
    }
    for (name, f) in found {
        let callee: &'static NifCallee = crate::instance::leak(NifCallee::builtin(f.f));
        // Cannot fail: the entry was found above, and code is never changed meanwhile.
        let _ = crate::nif::install(caller, name, f.arity, callee);
    }
    loaded().lock().insert(key(caller));
    Ok(())
}

/// The preloaded modules whose `on_load/0`, which OTP's `erl_init` calls (they have no
/// `on_load` attribute), does nothing but `erlang:load_nif(Name, 0)`.
const LOADED_BY_ERL_INIT: [&str; 1] = ["zlib"];

/// For a module a bare run autoloads, before it becomes current: installs its built-in
/// library when it is one of [`LOADED_BY_ERL_INIT`], as its `on_load/0` would, so no call
/// reaches its stubs. (`prim_file` and `prim_buffer`, whose `on_load/0` does more, are
/// started at a bare start by calling it.)
pub fn install_autoloaded(m: &Module) {
    if !LOADED_BY_ERL_INIT.contains(&m.name.name()) {
        return;
    }
    if let Some(lib) = lookup(m.name) {
        if !is_loaded(m) {
            let _ = load(m, lib, Term::small(0));
        }
    }
}

/// A module version is purged: a later version may load its library again.
pub(crate) fn purged(m: &Module) {
    loaded().lock().remove(&key(m));
}

/// A signal for the native monitor owner `owner` (a magic object's reference number): taken
/// here when the object belongs to a built-in library (`None`), else given back for
/// `nif-api`'s hook.
pub(crate) fn native_signal(owner: u64, sig: Signal) -> Option<Signal> {
    let Some(obj) = crate::magic::lookup(owner) else {
        return Some(sig);
    };
    // SAFETY: `lookup` took a count, so the object is alive until the release below.
    let kind = unsafe { (*obj).kind() };
    let taken = if kind == prim_file::FILE_KIND {
        if let Signal::Down { reference, .. } = sig {
            prim_file::owner_down(obj, reference);
        }
        None
    } else {
        Some(sig)
    };
    // SAFETY: the count `lookup` took.
    unsafe { crate::magic::release(obj) };
    taken
}

/// The magic object of kind `kind` that `t` refers to, as a `T` (whose first member is its
/// [`MagicHeader`](crate::magic::MagicHeader)); `None` for any other term.
///
/// # Safety
/// Every magic object of kind `kind` must be a `T` (each library picks a kind of its own).
/// The reference is valid while `t` is alive (on the heap of the running process, which
/// holds a count of the object).
unsafe fn object_of<'a, T>(t: Term, kind: u64) -> Option<&'a T> {
    let p = crate::magic::magic_of(t)?;
    // SAFETY: `t` holds a count, so the object is alive; by the caller's contract an object
    // of this kind is a `T` starting with its header.
    unsafe {
        if (*p).kind() != kind {
            return None;
        }
        Some(&*(p as *const T))
    }
}

/// The parts of an I/O vector term as `enif_inspect_iovec` takes it: a proper list of
/// binaries; `None` for anything else.
fn iovec<'a>(mut t: Term) -> Option<Vec<&'a [u8]>> {
    let mut parts = Vec::new();
    while t.is_list() {
        parts.push(crate::term::boxed::binary_bytes(t.head())?);
        t = t.tail();
    }
    t.is_nil().then_some(parts)
}

/// `enif_get_int64`: an integer that fits in 64 signed bits.
fn get_i64(t: Term) -> Option<i64> {
    if t.is_integer() {
        crate::bignum::to_i64(t)
    } else {
        None
    }
}

/// `enif_get_uint64`: a non-negative integer that fits in 64 bits.
fn get_u64(t: Term) -> Option<u64> {
    if t.is_small() {
        return u64::try_from(t.small_value()).ok();
    }
    if t.is_integer() {
        return crate::bignum::to_bigint(t).and_then(|b| u64::try_from(&b).ok());
    }
    None
}

/// `enif_get_int`: an integer that fits in 32 signed bits.
fn get_i32(t: Term) -> Option<i32> {
    t.as_small().and_then(|v| i32::try_from(v).ok())
}

/// `enif_get_uint`: a non-negative integer that fits in 32 bits.
fn get_u32(t: Term) -> Option<u32> {
    t.as_small().and_then(|v| u32::try_from(v).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libraries_are_found_by_module() {
        assert!(lookup(crate::atom::atom("prim_file")).is_some());
        assert!(lookup(crate::atom::atom("prim_buffer")).is_some());
        assert!(lookup(crate::atom::atom("lists")).is_none());
    }

    #[test]
    fn error_texts_are_otps() {
        let e = LoadError::FunctionNotFound {
            module: "prim_file",
            name: "open_nif",
            arity: 2,
        };
        assert_eq!(e.kind(), "bad_lib");
        assert_eq!(e.text(), "Function not found prim_file:open_nif/2");
        assert_eq!(
            LoadError::LoadCall(3).text(),
            "Library load-call unsuccessful (3)."
        );
        assert_eq!(LoadError::Reload.kind(), "reload");
    }
}
