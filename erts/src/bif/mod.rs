//! Built-in functions (OTP's `bif.c`, `erl_bif_*.c`): the registry mapping `M:F/A` to native
//! code, and the BIF implementations grouped by area in submodules.
//!
//! A BIF takes the calling process (for its heap) and its arguments and returns a term or a
//! [`Fail`](crate::exception::Fail). Each submodule has a `register` function that adds its
//! BIFs; `registry()` collects them once. Only functions OTP implements natively belong here
//! (`erlang:is_builtin/3` is true, or NIFs of preloaded modules).

pub mod arith;
pub mod atomics;
pub mod atoms;
pub mod binary;
pub mod control;
pub mod counters;
pub mod debug;
pub mod dist;
pub mod ets;
pub mod external;
pub mod filename;
pub mod hash;
pub mod iodata;
pub mod lists;
pub mod loading;
pub mod math;
pub mod memory;
pub mod modules;
pub mod numbers;
pub mod os;
pub mod packet;
pub mod persistent_term;
pub mod phash;
pub mod port;
pub mod process;
pub mod process_info;
pub mod re;
pub mod signals;
pub mod spawn;
pub mod strings;
pub mod system_flag;
pub mod system_info;
pub mod system_task;
pub mod term_info;
pub mod time;
pub mod timers;
pub mod tuples;
pub mod unicode;

pub use process::{make_ref, send};

use crate::atom::{self, Atom};
use crate::exception::{BifResult, Fail};
use crate::module::Mfa;
use crate::process::Process;
use crate::term::Term;
use std::collections::HashMap;
use std::sync::OnceLock;

pub mod maps;

/// The signature of a BIF.
pub type BifFn = fn(&mut Process, &[Term]) -> BifResult;

/// Collects BIFs during start-up.
pub struct Registry {
    map: HashMap<Mfa, BifFn, foldhash::fast::RandomState>,
}

impl Registry {
    /// Adds `module:function/arity`.
    pub fn add(&mut self, module: &str, function: &str, arity: u32, f: BifFn) {
        let mfa = Mfa {
            module: atom::atom(module),
            function: atom::atom(function),
            arity,
        };
        self.map.insert(mfa, f);
    }
    pub fn iter(&self) -> impl Iterator<Item = (&Mfa, &BifFn)> {
        self.map.iter()
    }
    pub fn get(&self, m: Atom, f: Atom, a: u32) -> Option<BifFn> {
        self.map
            .get(&Mfa {
                module: m,
                function: f,
                arity: a,
            })
            .copied()
    }
    pub fn len(&self) -> usize {
        self.map.len()
    }
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// BIFs implemented outside `erts` (the `ports` and `nif-api` crates: `erl_ddll`, NIF
/// loading), added by [`register_extension`] before the registry is built.
// Process-wide: the BIF table is functions, the same for every instance.
static EXTENSIONS: parking_lot::Mutex<Vec<fn(&mut Registry)>> = parking_lot::Mutex::new(Vec::new());

/// Adds BIFs from another crate. Call it at start-up, before any code is loaded (the
/// registry is built on first use); returns false when it is too late.
pub fn register_extension(f: fn(&mut Registry)) -> bool {
    let mut ext = EXTENSIONS.lock();
    if REGISTRY.get().is_some() {
        return false;
    }
    ext.push(f);
    true
}

static REGISTRY: OnceLock<Registry> = OnceLock::new();

/// The BIF registry, built on first use.
pub fn registry() -> &'static Registry {
    REGISTRY.get_or_init(|| {
        let mut r = Registry {
            map: HashMap::with_capacity_and_hasher(1024, Default::default()),
        };
        register_all(&mut r);
        for f in EXTENSIONS.lock().iter() {
            f(&mut r);
        }
        r
    })
}

/// Stands in for a BIF this runtime does not implement: raises `undef`.
/// The failure that makes the interpreter end the caller's time slice and then call
/// `module:function(args)` again: for a BIF that found another process busy (see
/// `ProcessCell::try_lock_other`).
pub fn retry_after_yield(p: &mut Process, module: &str, function: &str, args: &[Term]) -> Fail {
    p.yield_now = true;
    Fail::Trap {
        target: crate::module::export(atom::atom(module), atom::atom(function), args.len() as u32),
        args: args.to_vec(),
    }
}

pub fn undef_bif(_p: &mut Process, _a: &[Term]) -> BifResult {
    Err(crate::exception::Fail::Undef)
}

/// Looks up a BIF.
pub fn lookup(m: Atom, f: Atom, a: u32) -> Option<BifFn> {
    registry().get(m, f, a)
}

fn register_all(r: &mut Registry) {
    arith::register(r);
    math::register(r);
    memory::register(r);
    numbers::register(r);
    os::register(r);
    packet::register(r);
    phash::register(r);
    port::register(r);
    system_info::register(r);
    system_flag::register(r);
    system_task::register(r);
    dist::register(r);
    term_info::register(r);
    filename::register(r);
    time::register(r);
    atoms::register(r);
    binary::register(r);
    control::register(r);
    atomics::register(r);
    counters::register(r);
    debug::register(r);
    ets::register(r);
    external::register(r);
    hash::register(r);
    lists::register(r);
    loading::register(r);
    iodata::register(r);
    modules::register(r);
    persistent_term::register(r);
    process::register(r);
    process_info::register(r);
    re::register(r);
    signals::register(r);
    spawn::register(r);
    timers::register(r);
    maps::register(r);
    strings::register(r);
    tuples::register(r);
    unicode::register(r);
}

/// OTP 25's BIFs (`erlang:is_builtin/3`), one `M:F/A` per line.
const OTP_BIFS: &str = include_str!("../../../docs/otp25_bifs.txt");

/// Whether OTP implements `M:F/A` as a BIF (so its Erlang stub must never run: when this
/// runtime lacks the BIF, calls raise `undef` instead of running the stub).
pub fn is_otp_bif(m: Atom, f: Atom, a: u32) -> bool {
    type Set =
        std::collections::HashSet<(&'static str, &'static str, u32), foldhash::fast::RandomState>;
    static SET: OnceLock<Set> = OnceLock::new();
    // Keyed by name, so that building it interns none of its 500 atoms.
    SET.get_or_init(|| {
        let mut set = Set::with_capacity_and_hasher(1024, Default::default());
        set.extend(OTP_BIFS.lines().filter_map(|l| {
            let (m, rest) = l.split_once(':')?;
            let (f, a) = rest.rsplit_once('/')?;
            Some((m, f, a.parse().ok()?))
        }));
        set
    })
    .contains(&(atom::name(m), atom::name(f), a))
}
