//! Loaded code: export entries (the global table of `M:F/A` call targets, swapped atomically
//! on load as OTP's `export.c`), fun entries (OTP's `erl_fun.c` lambda table) and modules with
//! their instruction stream, literals and line table (OTP's `module.c` / `beam_code.h`).

use crate::atom::Atom;
use crate::bif::BifFn;
use crate::emu::instr::Instr;
use crate::heap::Heap;
use crate::term::Term;
use parking_lot::{Mutex, RwLock};
use std::collections::HashMap;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::Arc;

/// `{Module, Function, Arity}`.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub struct Mfa {
    pub module: Atom,
    pub function: Atom,
    pub arity: u32,
}

/// A call target `M:F/A`. Entries live as long as their instance (`crate::instance::leak`),
/// so `&'static Export` is a stable handle that the instance's instructions and `fun M:F/A`
/// terms hold.
pub struct Export {
    pub mfa: Mfa,
    /// Entry point of the current code, or null when the function is not loaded.
    address: AtomicPtr<Instr>,
    /// The native implementation when `M:F/A` is a BIF.
    pub bif: Option<BifFn>,
    /// When the entry was made: its place in OTP's export table, which lists entries in
    /// the order they were made (`module_info(exports)` follows it).
    pub seq: u64,
}

/// Where an export's code address is (machine code reads it: `crate::jit`).
pub(crate) const EXPORT_ADDRESS_OFFSET: usize = std::mem::offset_of!(Export, address);

/// The sequence number of the next export entry.
fn next_seq() -> u64 {
    static SEQ: crate::instance::InstanceLocal<std::sync::atomic::AtomicU64> =
        crate::instance::InstanceLocal::new();
    SEQ.get_or_default().fetch_add(1, Ordering::Relaxed)
}

impl Export {
    /// An export entry outside the table, for runtime-internal code (freed with the
    /// instance).
    pub fn synthetic(mfa: Mfa, code: *const Instr) -> &'static Export {
        crate::instance::leak(Export {
            mfa,
            address: AtomicPtr::new(code as *mut Instr),
            bif: None,
            seq: next_seq(),
        })
    }
    #[inline]
    pub fn address(&self) -> *const Instr {
        self.address.load(Ordering::Acquire)
    }
    pub fn set_address(&self, p: *const Instr) {
        self.address.store(p as *mut Instr, Ordering::Release);
    }
    /// Whether calling this export reaches code (loaded Erlang code or a BIF).
    pub fn is_callable(&self) -> bool {
        !self.address().is_null() || self.bif.is_some()
    }
}

impl std::fmt::Debug for Export {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}/{}",
            self.mfa.module.name(),
            self.mfa.function.name(),
            self.mfa.arity
        )
    }
}

struct ExportTable {
    map: Mutex<HashMap<Mfa, &'static Export, foldhash::fast::RandomState>>,
}

fn export_table() -> &'static ExportTable {
    static T: crate::instance::InstanceLocal<ExportTable> = crate::instance::InstanceLocal::new();
    T.get_or_init(|| {
        let bifs = crate::bif::registry();
        // Room for the BIFs and as many functions again (a bare start's modules), so that
        // start-up does not rehash.
        let mut map = HashMap::with_capacity_and_hasher(
            2 * bifs.len(),
            foldhash::fast::RandomState::default(),
        );
        for (mfa, f) in bifs.iter() {
            let e: &'static Export = crate::instance::leak(Export {
                mfa: *mfa,
                address: AtomicPtr::new(std::ptr::null_mut()),
                bif: Some(*f),
                seq: next_seq(),
            });
            map.insert(*mfa, e);
        }
        ExportTable {
            map: Mutex::new(map),
        }
    })
}

/// The export entry for `M:F/A`, created (unloaded) if missing.
pub fn export(module: Atom, function: Atom, arity: u32) -> &'static Export {
    let mfa = Mfa {
        module,
        function,
        arity,
    };
    let mut map = export_table().map.lock();
    map.entry(mfa).or_insert_with(|| {
        crate::instance::leak(Export {
            mfa,
            address: AtomicPtr::new(std::ptr::null_mut()),
            bif: None,
            seq: next_seq(),
        })
    })
}

/// The export entry that `apply` and `spawn` call `M:F/A` through: the table's entry when
/// there is one. OTP's apply only looks entries up (a missing one goes to the error handler),
/// so that entries keep the order in which loading made them (`module_info(exports)` shows
/// it); a booted system gets an entry outside the table for a missing function (calling it
/// reaches the error handler, which loads the module and applies again). A bare run, which
/// loads modules natively when a call finds no code, uses the table's entry.
pub fn export_for_call(module: Atom, function: Atom, arity: u32) -> &'static Export {
    if let Some(e) = find_export(module, function, arity) {
        return e;
    }
    if crate::code::native_autoload() {
        return export(module, function, arity);
    }
    static UNLISTED: crate::instance::InstanceLocal<Mutex<HashMap<Mfa, &'static Export>>> =
        crate::instance::InstanceLocal::new();
    let mfa = Mfa {
        module,
        function,
        arity,
    };
    let mut map = UNLISTED.get_or_init(Default::default).lock();
    map.entry(mfa)
        .or_insert_with(|| Export::synthetic(mfa, std::ptr::null()))
}

/// The export entry for `M:F/A` if one exists.
pub fn find_export(module: Atom, function: Atom, arity: u32) -> Option<&'static Export> {
    export_table()
        .map
        .lock()
        .get(&Mfa {
            module,
            function,
            arity,
        })
        .copied()
}

/// A lambda of a module (one per `FunT` entry).
pub struct FunEntry {
    pub module: Atom,
    /// Name of the generated function (`'-main/0-fun-0-'`).
    pub function: Atom,
    /// Arity of the fun as called (without free variables).
    pub arity: u32,
    pub num_free: u32,
    /// Index in the module's lambda table.
    pub index: u32,
    /// `OldUniq` from `FunT`.
    pub old_uniq: u32,
    /// The module's MD5 (`NewUniq`) as OTP computes it.
    pub new_uniq: [u8; 16],
    /// Entry point (the lambda's function with arity + num_free).
    address: AtomicPtr<Instr>,
}

impl std::fmt::Debug for FunEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "fun {}:{}/{}",
            self.module.name(),
            self.function.name(),
            self.arity
        )
    }
}

impl FunEntry {
    pub fn new(
        module: Atom,
        function: Atom,
        arity: u32,
        num_free: u32,
        index: u32,
        old_uniq: u32,
        new_uniq: [u8; 16],
    ) -> FunEntry {
        FunEntry {
            module,
            function,
            arity,
            num_free,
            index,
            old_uniq,
            new_uniq,
            address: AtomicPtr::new(std::ptr::null_mut()),
        }
    }
    #[inline]
    pub fn address(&self) -> *const Instr {
        self.address.load(Ordering::Acquire)
    }
    pub fn set_address(&self, p: *const Instr) {
        self.address.store(p as *mut Instr, Ordering::Release);
    }
}

/// A line-table entry: file name index and line number.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub file: u32,
    pub line: u32,
}

/// A loaded module version.
pub struct Module {
    pub name: Atom,
    /// The instruction stream; never moved or freed while code may run in it.
    pub code: Box<[Instr]>,
    /// Literal area: constant terms the code refers to; never garbage collected.
    pub literals: Heap,
    pub lambdas: Vec<&'static FunEntry>,
    /// The code offset of each of `lambdas`: the entries are pointed there when this version
    /// is added to the table ([`ModuleTable::add_version`]), not when it is translated, so
    /// a translation that is never installed leaves them alone.
    pub lambda_offsets: Vec<usize>,
    /// Start offset (into `code`) of each function with its name and arity, sorted.
    pub functions: Vec<(usize, Atom, u32)>,
    /// Code offset → location of the `line` instruction in force there, sorted by offset.
    pub lines: Vec<(u32, Location)>,
    /// File names of the line table (index 0 is the module's source file).
    pub files: Vec<String>,
    /// Exported functions `(name, arity, code offset)`.
    pub exports: Vec<(Atom, u32, usize)>,
    pub attributes: Term,
    pub compile_info: Term,
    pub md5: [u8; 16],
    /// Code offset of the `on_load` function, if any.
    pub on_load: Option<usize>,
    /// The native-code state (with the tier on when the module was loaded).
    pub jit: Option<&'static crate::jit::JitModule>,
}

// SAFETY: a module's code and literals are immutable after loading and shared read-only.
unsafe impl Send for Module {}
// SAFETY: as above.
unsafe impl Sync for Module {}

impl Module {
    /// Whether `pc` points into this module's code.
    pub fn contains(&self, pc: *const Instr) -> bool {
        let start = self.code.as_ptr() as usize;
        let end = start + std::mem::size_of_val(&*self.code);
        (start..end).contains(&(pc as usize))
    }
    /// Offset of `pc` in this module's code.
    pub fn offset_of(&self, pc: *const Instr) -> usize {
        (pc as usize - self.code.as_ptr() as usize) / std::mem::size_of::<Instr>()
    }
    /// The function containing code offset `off`.
    pub fn function_at(&self, off: usize) -> Option<(Atom, u32)> {
        let i = self.functions.partition_point(|(s, _, _)| *s <= off);
        if i == 0 {
            None
        } else {
            let (_, f, a) = self.functions[i - 1];
            Some((f, a))
        }
    }
    /// The source location of code offset `off`, if the module has a line table.
    pub fn location_at(&self, off: usize) -> Option<(&str, u32)> {
        let i = self.lines.partition_point(|(s, _)| *s as usize <= off);
        if i == 0 {
            return None;
        }
        let loc = self.lines[i - 1].1;
        if loc.line == 0 {
            return None;
        }
        self.files
            .get(loc.file as usize)
            .map(|f| (f.as_str(), loc.line))
    }
}

/// The table of loaded modules (current versions).
pub struct ModuleTable {
    modules: RwLock<HashMap<Atom, Arc<Module>>>,
    /// Every module version ever loaded, so code pointers can be mapped back to a module.
    all: RwLock<Vec<Arc<Module>>>,
}

pub fn modules() -> &'static ModuleTable {
    static T: crate::instance::InstanceLocal<ModuleTable> = crate::instance::InstanceLocal::new();
    T.get_or_init(|| ModuleTable {
        modules: RwLock::new(HashMap::new()),
        all: RwLock::new(Vec::new()),
    })
}

impl ModuleTable {
    pub fn get(&self, name: Atom) -> Option<Arc<Module>> {
        self.modules.read().get(&name).cloned()
    }
    pub fn is_loaded(&self, name: Atom) -> bool {
        self.modules.read().contains_key(&name)
    }
    /// Makes `m` the current version of its module and points its exports at it.
    pub fn install(&self, m: Arc<Module>) {
        // Exports of the previous version that the new one lacks lead nowhere any more.
        if let Some(prev) = self.get(m.name) {
            for &(f, a, _) in &prev.exports {
                if !m.exports.iter().any(|&(f2, a2, _)| f2 == f && a2 == a) {
                    let e = export(m.name, f, a);
                    if e.bif.is_none() && !crate::bif::is_otp_bif(m.name, f, a) {
                        e.set_address(std::ptr::null_mut());
                    }
                }
            }
        }
        for &(f, a, off) in &m.exports {
            let e = export(m.name, f, a);
            if e.bif.is_none() && !crate::bif::is_otp_bif(m.name, f, a) {
                e.set_address(&m.code[off] as *const Instr);
            }
        }
        self.add_version(m.clone());
        self.modules.write().insert(m.name, m);
    }
    /// Records `m` as a loaded version (so its code addresses map back to it) without making
    /// it current: a module waiting for its `on_load` function (`crate::code`).
    pub fn add_version(&self, m: Arc<Module>) {
        let mut all = self.all.write();
        if !all.iter().any(|v| Arc::ptr_eq(v, &m)) {
            for (e, &off) in m.lambdas.iter().zip(&m.lambda_offsets) {
                e.set_address(&m.code[off] as *const Instr);
            }
            all.push(m);
        }
    }
    /// The module version whose code contains `pc`.
    pub fn find_by_pc(&self, pc: *const Instr) -> Option<Arc<Module>> {
        self.all.read().iter().find(|m| m.contains(pc)).cloned()
    }
    /// Makes `name`'s current code old (`erlang:delete_module/1`): it is no longer loaded and
    /// its exports no longer lead to it; processes running it go on. Returns the module.
    pub fn delete(&self, name: Atom) -> Option<Arc<Module>> {
        let m = self.modules.write().remove(&name)?;
        for &(f, a, _) in &m.exports {
            let e = export(m.name, f, a);
            if e.bif.is_none() && !crate::bif::is_otp_bif(m.name, f, a) {
                e.set_address(std::ptr::null_mut());
            }
        }
        Some(m)
    }
    pub fn loaded(&self) -> Vec<Atom> {
        self.modules.read().keys().copied().collect()
    }
}

type FunTable = Mutex<HashMap<(Atom, u32, u32), &'static FunEntry>>;

/// The instance's lambda table, keyed by `(module, index, old_uniq)`, so that funs decoded from
/// the external format and funs made by loaded code share one entry.
fn fun_table() -> parking_lot::MutexGuard<'static, HashMap<(Atom, u32, u32), &'static FunEntry>> {
    static T: crate::instance::InstanceLocal<FunTable> = crate::instance::InstanceLocal::new();
    T.get_or_init(|| Mutex::new(HashMap::new())).lock()
}

/// The lambda table's entry for `(module, index, old_uniq)`, made by `make` when there is none.
pub fn fun_entry(
    module: Atom,
    index: u32,
    old_uniq: u32,
    make: impl FnOnce() -> FunEntry,
) -> &'static FunEntry {
    fun_table()
        .entry((module, index, old_uniq))
        .or_insert_with(|| crate::instance::leak(make()))
}

/// As [`fun_entry`], for a module being loaded: where the entry there has another arity or
/// environment size (a damaged or hand-made file under the same key), `new` takes its place;
/// funs made before keep the old one. (An entry made by decoding a fun before its module was
/// loaded has the right sizes, and stays.)
pub fn fun_entry_for_load(new: FunEntry) -> &'static FunEntry {
    let mut t = fun_table();
    let key = (new.module, new.index, new.old_uniq);
    match t.get(&key) {
        Some(old) if (old.arity, old.num_free) == (new.arity, new.num_free) => old,
        _ => {
            let e = crate::instance::leak(new);
            t.insert(key, e);
            e
        }
    }
}
