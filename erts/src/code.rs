//! The code path and module loading (the native half of OTP's `code_server`): finding
//! `<Module>.beam` in the `-pa` folders and the OTP root's `lib/*/ebin`, loading it through the
//! loader, and installing it as the module's current version.

use crate::atom::Atom;
use crate::loader::{beam_file, transform, LoadError};
use crate::module::{modules, Module};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

fn path() -> &'static Mutex<Vec<PathBuf>> {
    static P: crate::instance::InstanceLocal<Mutex<Vec<PathBuf>>> =
        crate::instance::InstanceLocal::new();
    P.get_or_init(|| Mutex::new(Vec::new()))
}

fn root_dir() -> &'static Mutex<Option<PathBuf>> {
    static R: crate::instance::InstanceLocal<Mutex<Option<PathBuf>>> =
        crate::instance::InstanceLocal::new();
    R.get_or_init(|| Mutex::new(None))
}

/// The OTP root in use (`code:root_dir()`), if known.
pub fn root() -> Option<PathBuf> {
    root_dir().lock().clone()
}

/// Sets the code path as OTP's: the `-pa` folders first, then the current folder (`.`), then
/// `kernel` and `stdlib`, then every other `lib/*/ebin` under `root`, last name first. The
/// `erts` folder (the preloaded modules, loaded at start on OTP, so never shadowed) comes
/// right after the `-pa` folders. The modules of a bare start (kernel's and stdlib's) are
/// then found at the second or third place tried.
pub fn set_path(pa: &[PathBuf], root: Option<&Path>) {
    *root_dir().lock() = root.map(Path::to_path_buf);
    let mut apps: Vec<PathBuf> = root
        .and_then(|r| std::fs::read_dir(r.join("lib")).ok())
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    // Last name first, then erts, kernel, stdlib to the front (a stable sort).
    apps.sort();
    apps.reverse();
    let rank = |a: &PathBuf| {
        let app = a.file_name().and_then(|n| n.to_str()).unwrap_or("");
        match app.split('-').next().unwrap_or(app) {
            "erts" => 0,
            "kernel" => 1,
            "stdlib" => 2,
            _ => 3,
        }
    };
    apps.sort_by_key(rank);
    let (erts, rest): (Vec<PathBuf>, Vec<PathBuf>) = apps.into_iter().partition(|a| rank(a) == 0);
    let ebins = |apps: Vec<PathBuf>| {
        apps.into_iter()
            .map(|a| a.join("ebin"))
            .filter(|e| e.is_dir())
    };
    let mut p: Vec<PathBuf> = pa.to_vec();
    p.extend(ebins(erts));
    p.push(PathBuf::from("."));
    p.extend(ebins(rest));
    *path().lock() = p;
}

/// The current code path.
pub fn get_path() -> Vec<PathBuf> {
    path().lock().clone()
}

/// The folder of application `app` (`code:lib_dir/1`): the parent of a code path folder
/// `.../App/ebin` or `.../App-Vsn/ebin` (the first on the path).
pub fn lib_dir(app: &str) -> Option<PathBuf> {
    get_path().into_iter().find_map(|ebin| {
        let dir = ebin.parent()?;
        let name = dir.file_name()?.to_str()?;
        let matches = name == app
            || name.strip_prefix(app).is_some_and(|rest| {
                rest.strip_prefix('-')
                    .is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit()))
            });
        matches.then(|| dir.to_path_buf())
    })
}

/// Whether the runtime loads missing modules itself from its code path (a `--bare` run).
/// A booted system does not: a call of code that is not loaded goes to the process's error
/// handler (`error_handler:undefined_function/3`), which asks OTP's `code_server`, as in
/// OTP.
/// Per runtime instance.
fn native_autoload_cell() -> &'static std::sync::atomic::AtomicBool {
    static S: crate::instance::InstanceLocal<std::sync::atomic::AtomicBool> =
        crate::instance::InstanceLocal::new();
    S.get_or_init(|| std::sync::atomic::AtomicBool::new(true))
}

/// Turns native autoloading off (before booting OTP).
pub fn disable_native_autoload() {
    native_autoload_cell().store(false, std::sync::atomic::Ordering::Relaxed);
}

/// Whether missing modules are loaded by the runtime itself (see [`disable_native_autoload`]).
pub fn native_autoload() -> bool {
    native_autoload_cell().load(std::sync::atomic::Ordering::Relaxed)
}

/// Loads the modules OTP preloads into its emulator from `dir` (`<root>/lib/erts-*/ebin`),
/// each made current at once: their `on_load` functions are not run (`erl_init:start/2`
/// calls those of the static NIF modules itself, as OTP's preloaded code expects).
pub fn load_preloaded(dir: &Path, names: &[&str]) -> Result<(), PreloadError> {
    for name in names {
        let file = dir.join(format!("{name}.beam"));
        let bytes = std::fs::read(&file).map_err(|e| PreloadError::Read(file.clone(), e))?;
        let parsed = beam_file::parse(&bytes).map_err(|e| PreloadError::Load(file.clone(), e))?;
        let m = transform::transform(parsed).map_err(|e| PreloadError::Load(file.clone(), e))?;
        modules().install(Arc::new(m));
    }
    Ok(())
}

/// Why the preloaded modules could not be loaded.
#[derive(Debug)]
pub enum PreloadError {
    Read(PathBuf, std::io::Error),
    Load(PathBuf, LoadError),
}

impl std::fmt::Display for PreloadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PreloadError::Read(p, e) => write!(f, "cannot read {}: {e}", p.display()),
            PreloadError::Load(p, e) => write!(f, "cannot load {}: {e:?}", p.display()),
        }
    }
}

/// Why a module could not be made available.
#[derive(Debug)]
pub enum CodeError {
    NotFound,
    Load(LoadError),
    /// The module is loaded but its `-on_load` function has not finished yet: it becomes
    /// current (or is dropped) when it does. Callers wait ([`on_load_pending`]).
    OnLoadPending,
    /// The module's `-on_load` function did not return `ok`: the module was not installed
    /// (OTP's `on_load_failure`).
    OnLoadFailed,
}

/// A module whose `-on_load` function is running or about to run (OTP keeps such a module
/// loaded but not current, and makes its callers wait).
struct PendingOnLoad {
    module: Arc<Module>,
    file: Option<PathBuf>,
    /// The process running the `on_load` function, once spawned.
    runner: Option<u64>,
    /// Called with the outcome (`true`: the module is now current).
    waiters: Vec<Box<dyn FnOnce(bool) + Send>>,
}

fn pending() -> &'static Mutex<std::collections::HashMap<Atom, PendingOnLoad>> {
    static P: crate::instance::InstanceLocal<
        Mutex<std::collections::HashMap<Atom, PendingOnLoad>>,
    > = crate::instance::InstanceLocal::new();
    P.get_or_init(Default::default)
}

/// Modules whose `on_load` failed; autoloading does not retry them (an explicit
/// `code:load_file/1` does).
fn failed() -> &'static Mutex<std::collections::HashSet<Atom>> {
    static F: crate::instance::InstanceLocal<Mutex<std::collections::HashSet<Atom>>> =
        crate::instance::InstanceLocal::new();
    F.get_or_init(Default::default)
}

/// Whether `module` waits for its `on_load` function; starts that function (in a new
/// process) the first time it is asked. Callers of the module retry while this is true.
pub fn on_load_pending(module: Atom) -> bool {
    let mut p = pending().lock();
    let Some(entry) = p.get_mut(&module) else {
        return false;
    };
    match entry.runner {
        None => {
            // Claimed under the lock, so that of callers asking at once only one starts it.
            entry.runner = Some(STARTING);
            let m = entry.module.clone();
            drop(p);
            match start_on_load(&m) {
                Some(pid) => {
                    if let Some(e) = pending().lock().get_mut(&module) {
                        e.runner = Some(pid);
                    }
                }
                None => finish_on_load(module, crate::term::Term::atom(crate::atom::ERROR)),
            }
        }
        Some(STARTING) => {}
        Some(pid) => {
            // The runner died (an exception) without finishing: the load failed.
            if crate::process::table::table().get(pid).is_none() {
                drop(p);
                finish_on_load(module, crate::term::Term::atom(crate::atom::ERROR));
                return false;
            }
        }
    }
    true
}

/// The runner of an `on_load` function that is being spawned (no pid yet).
const STARTING: u64 = u64::MAX;

/// The module version waiting for its `on_load` function, if `module` has one (for
/// `erlang:load_nif/2`, which is called from that function).
pub fn on_load_pending_module(module: Atom) -> Option<Arc<Module>> {
    pending().lock().get(&module).map(|e| e.module.clone())
}

/// Calls `f` with the outcome of `module`'s pending `on_load` (at once with `true` when the
/// module is not pending).
pub fn when_on_load_done(module: Atom, f: Box<dyn FnOnce(bool) + Send>) {
    let mut p = pending().lock();
    match p.get_mut(&module) {
        Some(e) => {
            e.waiters.push(f);
            // `on_load_pending` takes the lock again (to start the runner if need be).
            drop(p);
            on_load_pending(module);
        }
        None => {
            drop(p);
            f(modules().is_loaded(module))
        }
    }
}

/// Spawns the process that runs `m`'s `on_load` function and then [`finish_on_load`]
/// (through [`Instr::OnLoadFinish`]).
fn start_on_load(m: &Arc<Module>) -> Option<u64> {
    use crate::emu::instr::Instr;
    let off = m.on_load?;
    let (f, _) = m.function_at(off).unwrap_or((crate::atom::OK, 0));
    let code: &'static [Instr] = crate::instance::leak_slice(vec![
        Instr::Call {
            arity: 0,
            target: &m.code[off] as *const Instr as usize,
        },
        Instr::OnLoadFinish { module: m.name },
        Instr::Return,
    ]);
    let mfa = crate::module::Mfa {
        module: m.name,
        function: f,
        arity: 0,
    };
    let e = crate::module::Export::synthetic(mfa, code.as_ptr());
    let opts = crate::process::spawn::SpawnOpts::default();
    crate::process::spawn::spawn(None, e, &[], opts).ok()
}

/// Ends `module`'s pending `on_load`: `ok` makes it current; anything else drops it (OTP's
/// `on_load_failure`). Wakes the waiters.
pub fn finish_on_load(module: Atom, result: crate::term::Term) {
    let ok = result == crate::term::Term::atom(crate::atom::OK);
    // Under the load lock: a concurrent `ensure_loaded` sees the module either pending or
    // settled (installed or failed), never neither (it would load it a second time).
    let entry = {
        let _g = load_lock().lock();
        let Some(entry) = pending().lock().remove(&module) else {
            return;
        };
        if ok {
            modules().install(entry.module.clone());
            if let Some(f) = &entry.file {
                loaded_files().lock().insert(module, f.clone());
            }
        } else {
            failed().lock().insert(module);
            // The version that was current when the new one was loaded stays current: it
            // is not old code.
            let mut old = old_code().lock();
            let current = modules().get(module);
            if let (Some(o), Some(c)) = (old.get(&module), current) {
                if Arc::ptr_eq(o, &c) {
                    old.remove(&module);
                }
            }
        }
        entry
    };
    for w in entry.waiters {
        w(ok);
    }
}

/// Installs `m`, or parks it until its `on_load` function has run.
fn install_or_park(m: Arc<Module>, file: Option<PathBuf>) -> Result<Arc<Module>, CodeError> {
    // Recorded as an absolute name, as OTP's code server does (`./m.beam` found through
    // the path's `.` is `/cwd/m.beam`).
    let file = file.map(|f| std::path::absolute(&f).unwrap_or(f));
    if m.on_load.is_none() {
        modules().install(m.clone());
        if let Some(f) = file {
            loaded_files().lock().insert(m.name, f);
        }
        return Ok(m);
    }
    failed().lock().remove(&m.name);
    modules().add_version(m.clone());
    pending().lock().insert(
        m.name,
        PendingOnLoad {
            module: m,
            file,
            runner: None,
            waiters: Vec::new(),
        },
    );
    Err(CodeError::OnLoadPending)
}

/// Loads `bytes` as the code of `module` (`code:load_binary/3`, `code:load_abs/1`): the module
/// must have that name; it becomes current (or waits for its `on_load` function), and its
/// previous version, if any, becomes old code. `file` is recorded as where it came from.
pub fn load_module_bytes(
    module: Atom,
    bytes: &[u8],
    file: Option<PathBuf>,
) -> Result<Arc<Module>, CodeError> {
    let _g = load_lock().lock();
    let parsed = beam_file::parse(bytes).map_err(CodeError::Load)?;
    if parsed.module != module {
        return Err(CodeError::Load(LoadError::BadModuleName {
            expected: module.name().to_string(),
            found: parsed.module.name().to_string(),
        }));
    }
    let m = Arc::new(transform::transform(parsed).map_err(CodeError::Load)?);
    if let Some(prev) = modules().get(module) {
        old_code().lock().insert(module, prev);
    }
    loaded_files().lock().remove(&module);
    install_or_park(m, file)
}

/// Installs prepared code (`erlang:prepare_loading/2`, then `finish_loading`): the previous
/// version, if any, becomes old code; a module with an `on_load` function waits for it.
pub fn install_prepared(m: Arc<Module>, file: Option<PathBuf>) -> Result<(), CodeError> {
    let _g = load_lock().lock();
    if let Some(prev) = modules().get(m.name) {
        old_code().lock().insert(m.name, prev);
    }
    loaded_files().lock().remove(&m.name);
    match install_or_park(m, file) {
        Ok(_) | Err(CodeError::OnLoadPending) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Modules with old code (a version replaced by a newer one or deleted, not yet purged), and
/// that version.
fn old_code() -> &'static Mutex<HashMap<Atom, Arc<Module>>> {
    static O: crate::instance::InstanceLocal<Mutex<HashMap<Atom, Arc<Module>>>> =
        crate::instance::InstanceLocal::new();
    O.get_or_init(Default::default)
}

/// Called with a module version whose code is purged (`nif-api` unloads its NIF library).
pub type PurgeHook = fn(&Module);

// Process-wide: a function `nif-api` installs.
static PURGE_HOOK: OnceLock<PurgeHook> = OnceLock::new();

/// Sets the hook called for each purged module version (once, at start-up).
pub fn set_purge_hook(h: PurgeHook) -> bool {
    PURGE_HOOK.set(h).is_ok()
}

/// The old code of `module`, if it has some.
pub fn old_version(module: Atom) -> Option<Arc<Module>> {
    old_code().lock().get(&module).cloned()
}

/// Whether `module` has old code (`erlang:check_old_code/1`).
pub fn has_old_code(module: Atom) -> bool {
    old_code().lock().contains_key(&module)
}

/// Forgets `module`'s old code (a purge), telling the purge hook; returns whether it had any.
pub fn drop_old_code(module: Atom) -> bool {
    let old = old_code().lock().remove(&module);
    match old {
        Some(m) => {
            // Funs of the purged version lead nowhere any more (OTP's `erts_fun_purge_*`):
            // calling one is `badfun` while the module has current code, else the error
            // handler's `undefined_lambda/3`. An entry the current version shares (same
            // index and uniq) points into the current code and stays.
            for e in &m.lambdas {
                if m.contains(e.address()) {
                    e.set_address(std::ptr::null());
                }
            }
            crate::nifs::purged(&m);
            if let Some(h) = PURGE_HOOK.get() {
                h(&m);
            }
            true
        }
        None => false,
    }
}

/// The processes executing the old code of `module` (OTP's
/// `erts_internal:check_process_code/1` as used by a purge): their current instruction, or a
/// return address on their stack, lies in it. Native system processes run no Erlang code and
/// are skipped. A process running on a scheduler is looked at when its time slice ends.
pub fn processes_in_old_code(module: Atom) -> Vec<u64> {
    let Some(old) = old_code().lock().get(&module).cloned() else {
        return Vec::new();
    };
    let table = crate::process::table::table();
    let mut found = Vec::new();
    for id in table.ids() {
        let Some(cell) = table.get(id) else {
            continue;
        };
        if cell.native.is_some() {
            continue;
        }
        let p = cell.process.lock();
        if cell.state() == crate::process::cell::EXITED {
            continue;
        }
        // Return addresses are code pointers; no other stack word can point into code.
        let in_code = old.contains(p.pc)
            || p.stack
                .iter()
                .any(|t| old.contains(t.0 as *const crate::emu::instr::Instr));
        if in_code {
            found.push(id);
        }
    }
    found
}

/// `erlang:delete_module/1`: makes the current code of `module` old. `false` when it is not
/// loaded or already has old code (which must be purged first).
pub fn delete_module(module: Atom) -> bool {
    let _g = load_lock().lock();
    if has_old_code(module) {
        return false;
    }
    let Some(prev) = modules().delete(module) else {
        return false;
    };
    old_code().lock().insert(module, prev);
    loaded_files().lock().remove(&module);
    true
}

/// Replaces the code path (`code:set_path/1` and the other path requests).
pub fn replace_path(dirs: Vec<PathBuf>) {
    *path().lock() = dirs;
}

/// Like [`ensure_loaded`], but after a failed `on_load` it tries again (`code:load_file/1`).
pub fn load_again(module: Atom) -> Result<Arc<Module>, CodeError> {
    failed().lock().remove(&module);
    ensure_loaded(module)
}

/// Loads `bytes` as module code and installs it.
pub fn load_binary(bytes: &[u8]) -> Result<Arc<Module>, LoadError> {
    let file = beam_file::parse(bytes)?;
    let m = Arc::new(transform::transform(file)?);
    modules().install(m.clone());
    Ok(m)
}

/// The modules being autoloaded ([`ensure_loaded`]), each by one thread.
struct Autoloading(Atom);

fn autoloading() -> &'static (Mutex<std::collections::HashSet<Atom>>, parking_lot::Condvar) {
    static A: crate::instance::InstanceLocal<(
        Mutex<std::collections::HashSet<Atom>>,
        parking_lot::Condvar,
    )> = crate::instance::InstanceLocal::new();
    A.get_or_init(Default::default)
}

impl Autoloading {
    /// Marks `module` as being loaded by this thread; `None` (after waiting for it) when
    /// another thread was loading it.
    fn begin(module: Atom) -> Option<Autoloading> {
        let (set, done) = autoloading();
        let mut g = set.lock();
        if g.insert(module) {
            return Some(Autoloading(module));
        }
        while g.contains(&module) {
            done.wait(&mut g);
        }
        None
    }
}

impl Drop for Autoloading {
    fn drop(&mut self) {
        let (set, done) = autoloading();
        set.lock().remove(&self.0);
        done.notify_all();
    }
}

/// Serialises installing code (the module table's versions, pending `on_load`s).
fn load_lock() -> &'static Mutex<()> {
    static L: crate::instance::InstanceLocal<Mutex<()>> = crate::instance::InstanceLocal::new();
    L.get_or_init(|| Mutex::new(()))
}

fn loaded_files() -> &'static Mutex<std::collections::HashMap<Atom, PathBuf>> {
    static F: crate::instance::InstanceLocal<Mutex<std::collections::HashMap<Atom, PathBuf>>> =
        crate::instance::InstanceLocal::new();
    F.get_or_init(Default::default)
}

/// The file a loaded module came from (`None` for modules loaded from binaries).
pub fn loaded_file(module: Atom) -> Option<PathBuf> {
    loaded_files().lock().get(&module).cloned()
}

/// Whether `module` is loaded or its `.beam` file is on the code path (without reading it).
pub fn loadable(module: Atom) -> bool {
    if modules().get(module).is_some() {
        return true;
    }
    let file_name = format!("{}.beam", module.name());
    get_path()
        .iter()
        .any(|d| crate::prim_archive::is_file(&d.join(&file_name).to_string_lossy()))
}

/// Makes sure `module` is loaded, loading it from the code path if needed.
pub fn ensure_loaded(module: Atom) -> Result<Arc<Module>, CodeError> {
    let settled = || -> Option<Result<Arc<Module>, CodeError>> {
        if let Some(m) = modules().get(module) {
            return Some(Ok(m));
        }
        if pending().lock().contains_key(&module) {
            return Some(Err(CodeError::OnLoadPending));
        }
        if failed().lock().contains(&module) {
            return Some(Err(CodeError::OnLoadFailed));
        }
        None
    };
    if let Some(r) = settled() {
        return r;
    }
    // One thread loads a module; another that wants it meanwhile waits for that load.
    let _loading = loop {
        match Autoloading::begin(module) {
            Some(g) => break g,
            None => {
                if let Some(r) = settled() {
                    return r;
                }
            }
        }
    };
    if let Some(r) = settled() {
        return r;
    }
    // Reading, parsing and translating the file is done outside the load lock, so that
    // processes loading different modules do it in parallel (a runtime's start loads a dozen
    // modules on all its threads). A translation changes nothing outside the module (its fun
    // entries are pointed at its code when it is installed), so one that loses to another
    // load of the module is simply dropped; the autoloading mark above spares the work.
    let file_name = format!("{}.beam", module.name());
    for dir in get_path() {
        let f = dir.join(&file_name);
        if let Ok(bytes) = crate::prim_archive::read_file(&f.to_string_lossy()) {
            let parsed = beam_file::parse(&bytes).map_err(CodeError::Load)?;
            if parsed.module != module {
                return Err(CodeError::Load(LoadError::BadModuleName {
                    expected: module.name().to_string(),
                    found: parsed.module.name().to_string(),
                }));
            }
            let m = Arc::new(transform::transform(parsed).map_err(CodeError::Load)?);
            let _g = load_lock().lock();
            if let Some(r) = settled() {
                return r;
            }
            crate::nifs::install_autoloaded(&m);
            return install_or_park(m, Some(f));
        }
    }
    Err(CodeError::NotFound)
}
