//! The code path and module loading (the native half of OTP's `code_server`): finding
//! `<Module>.beam` in the `-pa` folders and the OTP root's `lib/*/ebin`, loading it through the
//! loader, and installing it as the module's current version.

use crate::atom::Atom;
use crate::loader::{beam_file, transform, LoadError};
use crate::module::{modules, Module};
use parking_lot::Mutex;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

fn path() -> &'static Mutex<Vec<PathBuf>> {
    static P: OnceLock<Mutex<Vec<PathBuf>>> = OnceLock::new();
    P.get_or_init(|| Mutex::new(Vec::new()))
}

fn root_dir() -> &'static Mutex<Option<PathBuf>> {
    static R: OnceLock<Mutex<Option<PathBuf>>> = OnceLock::new();
    R.get_or_init(|| Mutex::new(None))
}

/// The OTP root in use (`code:root_dir()`), if known.
pub fn root() -> Option<PathBuf> {
    root_dir().lock().clone()
}

/// Sets the code path: the `-pa` folders first, then every `lib/*/ebin` under `root`.
pub fn set_path(pa: &[PathBuf], root: Option<&Path>) {
    *root_dir().lock() = root.map(Path::to_path_buf);
    let mut p: Vec<PathBuf> = pa.to_vec();
    if let Some(root) = root {
        let lib = root.join("lib");
        if let Ok(rd) = std::fs::read_dir(&lib) {
            let mut apps: Vec<PathBuf> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
            apps.sort();
            // erts first (preloaded modules), then the rest in name order.
            apps.sort_by_key(|a| {
                !a.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("erts-"))
            });
            for a in apps {
                let ebin = a.join("ebin");
                if ebin.is_dir() {
                    p.push(ebin);
                }
            }
        }
    }
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

/// Why a module could not be made available.
#[derive(Debug)]
pub enum CodeError {
    NotFound,
    Load(LoadError),
}

/// Loads `bytes` as module code and installs it.
pub fn load_binary(bytes: &[u8]) -> Result<Arc<Module>, LoadError> {
    let file = beam_file::parse(bytes)?;
    let m = Arc::new(transform::transform(file)?);
    modules().install(m.clone());
    Ok(m)
}

/// Serialises loading so two processes do not load the same module twice.
fn load_lock() -> &'static Mutex<()> {
    static L: OnceLock<Mutex<()>> = OnceLock::new();
    L.get_or_init(|| Mutex::new(()))
}

fn loaded_files() -> &'static Mutex<std::collections::HashMap<Atom, PathBuf>> {
    static F: OnceLock<Mutex<std::collections::HashMap<Atom, PathBuf>>> = OnceLock::new();
    F.get_or_init(Default::default)
}

/// The file a loaded module came from (`None` for modules loaded from binaries).
pub fn loaded_file(module: Atom) -> Option<PathBuf> {
    loaded_files().lock().get(&module).cloned()
}

/// Makes sure `module` is loaded, loading it from the code path if needed.
pub fn ensure_loaded(module: Atom) -> Result<Arc<Module>, CodeError> {
    if let Some(m) = modules().get(module) {
        return Ok(m);
    }
    let _g = load_lock().lock();
    if let Some(m) = modules().get(module) {
        return Ok(m);
    }
    let file_name = format!("{}.beam", module.name());
    for dir in get_path() {
        let f = dir.join(&file_name);
        if let Ok(bytes) = std::fs::read(&f) {
            let parsed = beam_file::parse(&bytes).map_err(CodeError::Load)?;
            if parsed.module != module {
                return Err(CodeError::Load(LoadError::BadModuleName {
                    expected: module.name().to_string(),
                    found: parsed.module.name().to_string(),
                }));
            }
            let m = Arc::new(transform::transform(parsed).map_err(CodeError::Load)?);
            modules().install(m.clone());
            loaded_files().lock().insert(module, f);
            return Ok(m);
        }
    }
    Err(CodeError::NotFound)
}
