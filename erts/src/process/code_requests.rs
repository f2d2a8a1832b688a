//! The code-management requests of a `--bare` run that need more than the module table: the
//! rest of `code_server`'s protocol (loading from memory or an absolute file, object code,
//! deleting and purging, sticky modules, the code path, the mode, `finish_loading`) and a
//! native `erl_prim_loader` (`list_dir`, `get_file`, `read_file_info`, `get_cwd`, its path,
//! `get_modules` for `code`'s own loading fun, and `set_primary_archive`, with paths inside
//! zip archives served by `crate::prim_archive`), so that `code:which/1`, `all_available/0`,
//! `ensure_modules_loaded/1`, `code:set_primary_archive/4` and friends work without boot.
//!
//! What this runtime cannot do is said on stderr where it happens: a purge drops old code
//! without looking for processes that still run it (OTP would kill them), and requests this
//! module does not know are answered with `{error, unsupported_in_bare_mode}`.

use super::cell::NativeStep;
use super::native::{code_reply, string};
use super::signals::{OwnedTerm, Signal};
use crate::atom::{self, Atom};
use crate::code::{self, CodeError};
use crate::heap::Heap;
use crate::prim_archive::{self, ArchiveError, ArchiveInfo, FolderInfo, Split};
use crate::term::boxed;
use crate::term::Term;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::path::PathBuf;

/// The file name `code:is_loaded/1` reports for a module loaded by `load_binary` (which may
/// be any string or atom the caller gave).
#[derive(Clone)]
enum LoadedAs {
    Path(String),
    Atom(Atom),
}

fn loaded_as() -> &'static Mutex<HashMap<Atom, LoadedAs>> {
    static L: crate::instance::InstanceLocal<Mutex<HashMap<Atom, LoadedAs>>> =
        crate::instance::InstanceLocal::new();
    L.get_or_init(Default::default)
}

/// Modules made sticky or unsticky by `stick_mod`/`stick_dir` (and their opposites).
fn sticky_overrides() -> &'static Mutex<HashMap<Atom, bool>> {
    static S: crate::instance::InstanceLocal<Mutex<HashMap<Atom, bool>>> =
        crate::instance::InstanceLocal::new();
    S.get_or_init(Default::default)
}

/// `{file, F}` for a module loaded from memory (`None`: ask the module table).
pub fn loaded_file_term(h: &mut Heap, m: Atom) -> Option<Term> {
    let f = loaded_as().lock().get(&m).cloned()?;
    let f = match f {
        LoadedAs::Path(s) => string(h, &s),
        LoadedAs::Atom(a) => Term::atom(a),
    };
    Some(boxed::tuple(h, &[Term::atom(atom::FILE), f]))
}

/// Forgets what `load_binary` recorded for `m` (it was loaded again from the code path).
pub fn forget_loaded_as(m: Atom) {
    loaded_as().lock().remove(&m);
}

/// A string argument: an atom or a flat list of characters.
fn chars(t: Term) -> Option<String> {
    if let Some(a) = t.as_atom() {
        return Some(a.name().to_string());
    }
    let items = boxed::list_to_vec(t)?;
    items
        .into_iter()
        .map(|c| {
            c.as_small()
                .and_then(|c| char::from_u32(u32::try_from(c).ok()?))
        })
        .collect()
}

/// A flat list of characters only (OTP's `int_list/1`); atoms are not.
fn int_list(t: Term) -> Option<String> {
    if t.is_atom() {
        return None;
    }
    chars(t)
}

/// `filename:join([Dir])` for the names this server sees: no repeated or trailing slashes.
fn normalize(s: &str) -> String {
    let abs = s.starts_with('/');
    let parts: Vec<&str> = s.split('/').filter(|p| !p.is_empty()).collect();
    let joined = parts.join("/");
    if abs {
        format!("/{joined}")
    } else if joined.is_empty() {
        s.to_string()
    } else {
        joined
    }
}

/// The application name of a code path folder (OTP's `get_name/1`): `App` of `.../App-Vsn/ebin`
/// or of a last component `App-Vsn`.
fn app_name(dir: &str) -> String {
    let parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    let name = match parts.as_slice() {
        [.., d, "ebin"] => d,
        [.., d] => d,
        [] => "",
    };
    name.split('-').next().unwrap_or("").to_string()
}

fn cwd() -> String {
    std::env::current_dir()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// An absolute name for `f` (OTP's `absname/1` in `code_server`).
fn absname(f: &str) -> String {
    if f.starts_with('/') {
        normalize(f)
    } else {
        normalize(&format!("{}/{}", cwd(), f))
    }
}

fn path_strings() -> Vec<String> {
    code::get_path()
        .iter()
        .map(|d| d.to_string_lossy().into_owned())
        .collect()
}

fn set_path_strings(dirs: &[String]) {
    code::replace_path(dirs.iter().map(PathBuf::from).collect());
}

fn is_dir(d: &str) -> bool {
    crate::prim_archive::is_dir(d)
}

/// Whether `m` is sticky by default: preloaded, or found in the folders of `kernel`,
/// `stdlib` or `compiler` (which OTP's code server sticks at start).
fn sticky_by_default(m: Atom) -> bool {
    let file = format!("{}.beam", m.name());
    let erts = code::get_path().into_iter().find(|d| {
        d.parent()
            .and_then(|p| p.file_name())
            .is_some_and(|n| n.to_string_lossy().starts_with("erts-"))
    });
    ["kernel", "stdlib", "compiler"]
        .iter()
        .filter_map(|app| code::lib_dir(app).map(|d| d.join("ebin")))
        .chain(erts)
        .any(|d| d.join(&file).is_file())
}

fn is_sticky(m: Atom) -> bool {
    if !crate::module::modules().is_loaded(m) {
        return false;
    }
    match sticky_overrides().lock().get(&m) {
        Some(&s) => s,
        None => sticky_by_default(m),
    }
}

/// Purges `m`'s old code as `code:purge/1` does: the processes executing it are killed
/// (from `by`, with reason `kill`), then the old code is dropped. Whether any was killed.
fn purge_old(m: Atom, by: Term) -> bool {
    let victims = code::processes_in_old_code(m);
    let from = if by.is_local_pid() {
        by.pid_number()
    } else {
        0
    };
    for &id in &victims {
        let sig = crate::process::signals::Signal::Exit {
            from,
            reason: crate::process::signals::OwnedTerm::immediate(Term::atom(atom::atom("kill"))),
            linked: false,
        };
        let _ = crate::process::exit::deliver(id, sig);
    }
    code::drop_old_code(m);
    !victims.is_empty()
}

fn error(h: &mut Heap, why: &str) -> Term {
    boxed::tuple(h, &[Term::atom(atom::ERROR), Term::atom(atom::atom(why))])
}

/// The reply to a load: `{module, M}` or `{error, Why}`; waits for an `on_load` function.
fn load_and_reply(from: Term, m: Atom, r: Result<(), CodeError>, as_: LoadedAs) {
    let why = match r {
        Ok(()) => {
            loaded_as().lock().insert(m, as_);
            None
        }
        Err(CodeError::OnLoadPending) => {
            code::when_on_load_done(
                m,
                Box::new(move |ok| {
                    if ok {
                        loaded_as().lock().insert(m, as_);
                    }
                    code_reply(from, |h| {
                        if ok {
                            boxed::tuple(h, &[Term::atom(atom::atom("module")), Term::atom(m)])
                        } else {
                            error(h, "on_load_failure")
                        }
                    })
                }),
            );
            return;
        }
        Err(CodeError::OnLoadFailed) => Some("on_load_failure"),
        Err(CodeError::NotFound) => Some("nofile"),
        Err(CodeError::Load(_)) => Some("badfile"),
    };
    code_reply(from, |h| match why {
        None => boxed::tuple(h, &[Term::atom(atom::atom("module")), Term::atom(m)]),
        Some(w) => error(h, w),
    })
}

fn load_bytes(from: Term, m: Atom, bytes: &[u8], as_: LoadedAs) {
    if is_sticky(m) {
        eprintln!(
            "beam: code_server: can't load module '{}' that resides in sticky dir",
            m.name()
        );
        return code_reply(from, |h| error(h, "sticky_directory"));
    }
    if crate::module::modules().is_loaded(m) && code::has_old_code(m) {
        return code_reply(from, |h| error(h, "not_purged"));
    }
    let file = match &as_ {
        LoadedAs::Path(p) => Some(PathBuf::from(p)),
        LoadedAs::Atom(_) => None,
    };
    let r = code::load_module_bytes(m, bytes, file).map(|_| ());
    load_and_reply(from, m, r, as_)
}

/// `{M, Bin, AbsName}` for the first `M.beam` on the code path.
fn object_code(m: Atom) -> Option<(Vec<u8>, String)> {
    let file = format!("{}.beam", m.name());
    if file.contains('/') {
        return None;
    }
    path_strings().into_iter().find_map(|d| {
        let f = format!("{d}/{file}");
        crate::prim_archive::read_file(&f)
            .ok()
            .map(|b| (b, absname(&f)))
    })
}

/// `load_file` of a loaded module: its object code from the path, loaded again (the
/// current version becomes old code), as OTP's code server does.
pub fn reload(from: Term, m: Atom) {
    match object_code(m) {
        Some((bytes, f)) => load_bytes(from, m, &bytes, LoadedAs::Path(f)),
        None => code_reply(from, |h| error(h, "nofile")),
    }
}

/// `add_path(Where, Dir)`: `true` or `{error, bad_directory}`.
fn add_path(first: bool, dir: Term) -> Result<(), &'static str> {
    let d = chars(dir).ok_or("bad_directory")?;
    let d = normalize(&d);
    if !is_dir(&d) {
        return Err("bad_directory");
    }
    let mut p = path_strings();
    if first {
        p.retain(|x| *x != d);
        p.insert(0, d);
    } else if !p.contains(&d) {
        p.push(d);
    }
    set_path_strings(&p);
    Ok(())
}

fn reply_bool_or_error(from: Term, r: Result<(), &'static str>) {
    code_reply(from, |h| match r {
        Ok(()) => Term::bool(true),
        Err(w) => error(h, w),
    })
}

fn stick_dir(dir: Term, stick: bool) -> bool {
    let Some(d) = chars(dir) else { return false };
    let Ok(rd) = std::fs::read_dir(&d) else {
        return false;
    };
    let mut o = sticky_overrides().lock();
    for e in rd.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        if let Some(m) = n.strip_suffix(".beam") {
            o.insert(atom::atom(m), stick);
        }
    }
    true
}

/// Prepared code (`erlang:prepare_loading/2`) by reference number.
fn prepared() -> &'static Mutex<HashMap<u64, std::sync::Arc<crate::module::Module>>> {
    static P: crate::instance::InstanceLocal<
        Mutex<HashMap<u64, std::sync::Arc<crate::module::Module>>>,
    > = crate::instance::InstanceLocal::new();
    P.get_or_init(Default::default)
}

/// `erlang:prepare_loading(M, Bin)`: the reference number of the prepared code, or why the
/// code does not load as `M`.
pub fn prepare(m: Atom, bytes: &[u8]) -> Result<u64, CodeError> {
    let parsed = crate::loader::beam_file::parse(bytes).map_err(CodeError::Load)?;
    if parsed.module != m {
        return Err(CodeError::Load(crate::loader::LoadError::BadModuleName {
            expected: m.name().to_string(),
            found: parsed.module.name().to_string(),
        }));
    }
    let module = crate::loader::transform::transform(parsed).map_err(CodeError::Load)?;
    let id = crate::bif::process::new_ref_id();
    prepared().lock().insert(id, std::sync::Arc::new(module));
    Ok(id)
}

/// The prepared code with reference number `id`, if any.
pub fn prepared_module(id: u64) -> Option<std::sync::Arc<crate::module::Module>> {
    prepared().lock().get(&id).cloned()
}

/// Forgets prepared code once it is loaded.
pub fn take_prepared(id: u64) -> Option<std::sync::Arc<crate::module::Module>> {
    prepared().lock().remove(&id)
}

/// Whether prepared code has an `on_load` function (`None`: not prepared code).
pub fn prepared_on_load(id: u64) -> Option<bool> {
    prepared().lock().get(&id).map(|m| m.on_load.is_some())
}

/// `{finish_loading, [{M, {Prepared, File}}], EnsureLoaded}`: `ok` or `{error, [{M, Why}]}`.
fn finish_loading(from: Term, list: Term, ensure: bool) {
    let mut errors: Vec<(Atom, &str)> = Vec::new();
    let mut todo: Vec<(Atom, std::sync::Arc<crate::module::Module>, String)> = Vec::new();
    for item in boxed::list_to_vec(list).unwrap_or_default() {
        let el = if item.is_tuple() {
            boxed::tuple_elems(item)
        } else {
            &[]
        };
        let [m, pf] = el else { continue };
        let Some(m) = m.as_atom() else { continue };
        let pf = if pf.is_tuple() {
            boxed::tuple_elems(*pf)
        } else {
            &[]
        };
        let [prep, file] = pf else { continue };
        if ensure && crate::module::modules().is_loaded(m) {
            continue;
        }
        let module = prep
            .is_reference()
            .then(|| prepared().lock().remove(&boxed::reference_id(*prep)))
            .flatten();
        match module {
            None => errors.push((m, "badfile")),
            Some(_) if is_sticky(m) => errors.push((m, "sticky_directory")),
            Some(_) if crate::module::modules().is_loaded(m) && code::has_old_code(m) => {
                errors.push((m, "not_purged"))
            }
            Some(module) => todo.push((m, module, chars(*file).unwrap_or_default())),
        }
    }
    if errors.is_empty() {
        for (m, module, file) in todo {
            let file = (!file.is_empty()).then(|| PathBuf::from(&file));
            if code::install_prepared(module, file).is_err() {
                errors.push((m, "on_load_not_allowed"));
            }
            forget_loaded_as(m);
        }
    }
    code_reply(from, |h| {
        if errors.is_empty() {
            return Term::atom(atom::OK);
        }
        let items: Vec<Term> = errors
            .iter()
            .map(|(m, w)| boxed::tuple(h, &[Term::atom(*m), Term::atom(atom::atom(w))]))
            .collect();
        let l = boxed::list(h, &items);
        boxed::tuple(h, &[Term::atom(atom::ERROR), l])
    })
}

/// Answers the `code_server` requests not answered by `native::code_server_handler`; `false`
/// when `req` is not one of them.
pub fn code_server(from: Term, req: Term) -> bool {
    let el: &[Term] = if req.is_tuple() {
        boxed::tuple_elems(req)
    } else {
        &[]
    };
    let name = if req.is_atom() {
        req.as_atom()
    } else {
        el.first().and_then(|t| t.as_atom())
    };
    let Some(name) = name else { return false };
    match (name.name(), el) {
        ("load_native_partial" | "load_native_sticky", _) => {
            // OTP 25's code server has no clause for these (HiPE is gone): it reports the
            // request and does not answer, so the caller waits.
            eprintln!(
                "beam: code_server ignoring {}",
                crate::display::display_string(req)
            );
        }
        ("get_mode", []) => code_reply(from, |_| Term::atom(atom::atom("interactive"))),
        ("set_primary_archive", [_, file, bin, info, _parser]) => {
            // As OTP's code server: `{ok, Mode, Ebins}` from the loader's `{ok, Ebins}`.
            let r = set_primary_archive(*file, *bin, *info);
            code_reply(from, |h| match r {
                Ok(ebins) => {
                    let l = strings(h, &ebins);
                    let mode = Term::atom(atom::atom("interactive"));
                    boxed::tuple(h, &[Term::atom(atom::OK), mode, l])
                }
                Err(e) => archive_error(h, &e),
            })
        }
        ("load_binary", [_, m, file, bin]) if m.is_atom() => {
            let m = m.as_atom().unwrap_or(atom::OK);
            let as_ = if let Some(a) = file.as_atom() {
                Some(LoadedAs::Atom(a))
            } else {
                int_list(*file).map(LoadedAs::Path)
            };
            match (as_, boxed::binary_bytes(*bin)) {
                (Some(as_), Some(bytes)) => {
                    if crate::module::modules().is_loaded(m) {
                        purge_old(m, from);
                    }
                    load_bytes(from, m, bytes, as_)
                }
                _ => code_reply(from, |h| error(h, "badarg")),
            }
        }
        ("load_abs", [_, file, m]) if m.is_atom() => {
            let m = m.as_atom().unwrap_or(atom::OK);
            let Some(f) = chars(*file) else {
                code_reply(from, |h| error(h, "badarg"));
                return true;
            };
            let f = absname(&format!("{f}.beam"));
            match crate::prim_archive::read_file(&f) {
                Ok(bytes) => load_bytes(from, m, &bytes, LoadedAs::Path(f)),
                Err(_) => code_reply(from, |h| error(h, "nofile")),
            }
        }
        ("get_object_code", [_, m]) if m.is_atom() => {
            let m = m.as_atom().unwrap_or(atom::OK);
            let found = object_code(m);
            code_reply(from, |h| match found {
                Some((bytes, f)) => {
                    let b = boxed::binary(h, &bytes);
                    let f = string(h, &f);
                    boxed::tuple(h, &[Term::atom(m), b, f])
                }
                None => Term::atom(atom::ERROR),
            })
        }
        ("delete", [_, m]) if m.is_atom() => {
            let m = m.as_atom().unwrap_or(atom::OK);
            let ok = code::delete_module(m);
            if ok {
                forget_loaded_as(m);
            }
            code_reply(from, |_| Term::bool(ok))
        }
        ("purge", [_, m]) if m.is_atom() => {
            // Whether a process was killed.
            let killed = purge_old(m.as_atom().unwrap_or(atom::OK), from);
            code_reply(from, |_| Term::bool(killed))
        }
        ("soft_purge", [_, m]) if m.is_atom() => {
            // Refused (`false`) while a process executes the old code.
            let m = m.as_atom().unwrap_or(atom::OK);
            let free = code::processes_in_old_code(m).is_empty();
            if free {
                code::drop_old_code(m);
            }
            code_reply(from, |_| Term::bool(free))
        }
        ("is_sticky", [_, m]) => {
            let s = m.as_atom().is_some_and(is_sticky);
            code_reply(from, |_| Term::bool(s))
        }
        ("stick_mod" | "unstick_mod", [_, m]) if m.is_atom() => {
            let stick = name.name() == "stick_mod";
            sticky_overrides()
                .lock()
                .insert(m.as_atom().unwrap_or(atom::OK), stick);
            code_reply(from, |_| Term::bool(true))
        }
        ("stick_dir" | "unstick_dir", [_, d]) => {
            let ok = stick_dir(*d, name.name() == "stick_dir");
            code_reply(from, |_| {
                Term::atom(if ok { atom::OK } else { atom::ERROR })
            })
        }
        ("add_path", [_, w, d]) => {
            let first = w.as_atom().is_some_and(|w| w.name() == "first");
            reply_bool_or_error(from, add_path(first, *d))
        }
        ("add_paths", [_, w, ds]) => {
            let first = w.as_atom().is_some_and(|w| w.name() == "first");
            let mut dirs = boxed::list_to_vec(*ds).unwrap_or_default();
            // Added one at a time, each in front when `first` (so the last ends first).
            for d in dirs.drain(..) {
                let _ = add_path(first, d);
            }
            code_reply(from, |_| Term::atom(atom::OK))
        }
        ("set_path", [_, l]) => {
            let dirs: Option<Vec<String>> = boxed::list_to_vec(*l)
                .and_then(|v| v.into_iter().map(chars).collect())
                .map(|v: Vec<String>| v.iter().map(|d| normalize(d)).collect());
            let r = match dirs {
                Some(d) if d.iter().all(|x| is_dir(x)) => {
                    set_path_strings(&d);
                    Ok(())
                }
                _ => Err("bad_directory"),
            };
            reply_bool_or_error(from, r)
        }
        ("del_path", [_, n]) => {
            let Some(n) = chars(*n).map(|n| normalize(&n)) else {
                code_reply(from, |h| error(h, "bad_name"));
                return true;
            };
            let mut p = path_strings();
            let pos = p.iter().position(|d| app_name(d) == n || *d == n);
            if let Some(i) = pos {
                p.remove(i);
                set_path_strings(&p);
            }
            code_reply(from, |_| Term::bool(pos.is_some()))
        }
        ("replace_path", [_, n, d]) => {
            let r = match (chars(*n), chars(*d)) {
                (Some(n), Some(d)) => {
                    let d = normalize(&d);
                    if app_name(&d) != n {
                        Err("bad_name")
                    } else if !is_dir(&d) {
                        Err("bad_directory")
                    } else {
                        let mut p = path_strings();
                        match p.iter().position(|x| app_name(x) == n) {
                            Some(i) => p[i] = d,
                            None => p.push(d),
                        }
                        set_path_strings(&p);
                        Ok(())
                    }
                }
                _ => Err("bad_name"),
            };
            reply_bool_or_error(from, r)
        }
        ("finish_loading", [_, list, ensure]) => {
            finish_loading(from, *list, *ensure == Term::bool(true))
        }
        _ => return false,
    }
    true
}

// ------------------------------------------------------------------ erl_prim_loader

/// `erl_prim_loader`'s own search path (`set_path/1`, `get_path/0`); empty in a bare run,
/// where plain file names are read from the current folder.
fn prim_path() -> &'static Mutex<Vec<String>> {
    static P: crate::instance::InstanceLocal<Mutex<Vec<String>>> =
        crate::instance::InstanceLocal::new();
    P.get_or_init(Default::default)
}

/// A list of strings.
fn strings(h: &mut Heap, items: &[String]) -> Term {
    let l: Vec<Term> = items.iter().map(|i| string(h, i)).collect();
    boxed::list(h, &l)
}

fn prim_reply(me: Term, to: Term, build: impl FnOnce(&mut Heap) -> Term) {
    if !to.is_local_pid() {
        return;
    }
    let msg = OwnedTerm::build(|h| {
        let r = build(h);
        boxed::tuple(h, &[me, r])
    });
    let _ = super::exit::deliver(to.pid_number(), Signal::Message(msg));
}

/// Whether `f` is the loading fun of OTP's `code` module (`prepare_loading_fun/0`), the only
/// fun `get_modules` is asked to apply; this server cannot run Erlang funs, so it does what
/// that fun does.
fn is_code_prepare_fun(f: Term) -> bool {
    f.is_function()
        && f.boxed_subtag() != crate::term::subtag::EXPORT
        && crate::emu::interp::fun_entry_of(f).module == atom::atom("code")
        && crate::emu::interp::fun_entry_of(f).arity == 3
}

/// `get_modules`: for each module, `{ok, {Prepared, File, undefined}}` as `code`'s fun gives,
/// or the error; `{ok, {Succ, Fail}}`.
fn get_modules(me: Term, from: Term, mods: Term, fun: Term, paths: Vec<String>) {
    if !is_code_prepare_fun(fun) {
        eprintln!(
            "beam: erl_prim_loader (bare mode) cannot apply {} in get_modules",
            crate::display::display_string(fun)
        );
        return prim_reply(me, from, |h| error(h, "unsupported_in_bare_mode"));
    }
    let mut succ: Vec<(Atom, u64, String)> = Vec::new();
    let mut fail: Vec<(Atom, Atom)> = Vec::new();
    for m in boxed::list_to_vec(mods).unwrap_or_default() {
        let Some(m) = m.as_atom() else { continue };
        let file = format!("{}.beam", m.name());
        let found = paths.iter().find_map(|d| {
            let f = format!("{d}/{file}");
            crate::prim_archive::read_file(&f).ok().map(|b| (b, f))
        });
        match found {
            None => fail.push((m, atom::atom("enoent"))),
            Some((bytes, f)) => match prepare(m, &bytes) {
                Ok(id) => succ.push((m, id, f)),
                Err(_) => fail.push((m, atom::atom("badfile"))),
            },
        }
    }
    prim_reply(me, from, |h| {
        let s: Vec<Term> = succ
            .iter()
            .map(|(m, id, f)| {
                let r = boxed::reference(h, *id);
                let f = string(h, f);
                let res = boxed::tuple(h, &[r, f, Term::atom(atom::UNDEFINED)]);
                boxed::tuple(h, &[Term::atom(*m), res])
            })
            .collect();
        let e: Vec<Term> = fail
            .iter()
            .map(|(m, w)| boxed::tuple(h, &[Term::atom(*m), Term::atom(*w)]))
            .collect();
        let s = boxed::list(h, &s);
        let e = boxed::list(h, &e);
        let both = boxed::tuple(h, &[s, e]);
        boxed::tuple(h, &[Term::atom(atom::OK), both])
    })
}

/// `erl_prim_loader`'s behaviour: `{From, Request}` → `From ! {erl_prim_loader, Reply}`.
pub fn prim_loader_handler(p: &mut super::Process, msg: Term) -> NativeStep {
    if !msg.is_tuple() || boxed::tuple_arity(msg) != 2 {
        return NativeStep::Continue;
    }
    let me = p.pid();
    let (from, req) = (boxed::tuple_element(msg, 0), boxed::tuple_element(msg, 1));
    let el: &[Term] = if req.is_tuple() {
        boxed::tuple_elems(req)
    } else {
        &[]
    };
    let name = el.first().and_then(|t| t.as_atom()).map(|a| a.name());
    match (name, el) {
        (Some("list_dir"), [_, d]) => {
            let r = chars(*d).map(|d| match prim_archive::name_split(&d) {
                Split::File(d) => std::fs::read_dir(d)
                    .map(|rd| {
                        rd.flatten()
                            .map(|e| e.file_name().to_string_lossy().into_owned())
                            .collect::<Vec<_>>()
                    })
                    .map_err(|e| ArchiveError::of_io(&e)),
                Split::Archive { archive, inside } => prim_archive::list_dir(&archive, &inside),
            });
            prim_reply(me, from, |h| match r {
                Some(Ok(names)) => {
                    let l = strings(h, &names);
                    boxed::tuple(h, &[Term::atom(atom::OK), l])
                }
                Some(Err(e)) => archive_error(h, &e),
                None => error(h, "einval"),
            })
        }
        (Some("get_file"), [_, f]) => {
            let read = |f: String| match prim_archive::name_split(&f) {
                Split::File(p) => std::fs::read(p)
                    .map(|b| (b, f))
                    .map_err(|e| ArchiveError::of_io(&e)),
                Split::Archive { archive, inside } => {
                    prim_archive::get_file(&archive, &inside).map(|b| (b, f))
                }
            };
            let r = chars(*f).map(|f| {
                let paths = prim_path().lock().clone();
                if f.contains('/') || paths.is_empty() {
                    read(f)
                } else {
                    let mut last = Err(ArchiveError::Posix(atom::atom("enoent")));
                    for d in paths {
                        last = read(format!("{d}/{f}"));
                        if last.is_ok() {
                            break;
                        }
                    }
                    last
                }
            });
            prim_reply(me, from, |h| match r {
                Some(Ok((bytes, name))) => {
                    let b = boxed::binary(h, &bytes);
                    let n = string(h, &name);
                    boxed::tuple(h, &[Term::atom(atom::OK), b, n])
                }
                Some(Err(e)) => archive_error(h, &e),
                None => error(h, "einval"),
            })
        }
        (Some(op @ ("read_file_info" | "read_link_info")), [_, f]) => {
            let Some(path) = chars(*f) else {
                unknown(me, from, req);
                return NativeStep::Continue;
            };
            match prim_archive::name_split(&path) {
                Split::File(path) => {
                    let info = file_info_of(&path, op == "read_file_info");
                    prim_reply(me, from, |h| match info {
                        Some(fields) => {
                            let info = file_info_term(h, &fields);
                            boxed::tuple(h, &[Term::atom(atom::OK), info])
                        }
                        None => Term::atom(atom::ERROR),
                    })
                }
                Split::Archive { archive, inside } => {
                    let r = prim_archive::file_info(&archive, &inside);
                    prim_reply(me, from, |h| match r {
                        Ok(i) => match archive_info_term(h, &i) {
                            Some(t) => boxed::tuple(h, &[Term::atom(atom::OK), t]),
                            None => Term::atom(atom::ERROR),
                        },
                        Err(e) => archive_error(h, &e),
                    })
                }
            }
        }
        (Some("set_primary_archive"), [_, file, bin, info, _parser]) => {
            let r = set_primary_archive(*file, *bin, *info);
            prim_reply(me, from, |h| match r {
                Ok(ebins) => {
                    let l = strings(h, &ebins);
                    boxed::tuple(h, &[Term::atom(atom::OK), l])
                }
                Err(e) => archive_error(h, &e),
            })
        }
        (Some("get_cwd"), [_, args]) if *args == Term::NIL => {
            let c = cwd();
            prim_reply(me, from, |h| {
                let s = string(h, &c);
                boxed::tuple(h, &[Term::atom(atom::OK), s])
            })
        }
        (Some("get_path"), [_, _]) => {
            let p = prim_path().lock().clone();
            prim_reply(me, from, |h| {
                let l = strings(h, &p);
                boxed::tuple(h, &[Term::atom(atom::OK), l])
            })
        }
        (Some("set_path"), [_, l]) => {
            let dirs: Option<Vec<String>> =
                boxed::list_to_vec(*l).and_then(|v| v.into_iter().map(chars).collect());
            if let Some(d) = dirs {
                *prim_path().lock() = d;
            }
            prim_reply(me, from, |_| Term::atom(atom::OK))
        }
        (Some("get_modules"), [_, args]) if args.is_tuple() => match boxed::tuple_elems(*args) {
            [mods, fun] => {
                let paths = prim_path().lock().clone();
                get_modules(me, from, *mods, *fun, paths)
            }
            [mods, fun, paths] => {
                let paths: Vec<String> = boxed::list_to_vec(*paths)
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(chars)
                    .collect();
                get_modules(me, from, *mods, *fun, paths)
            }
            _ => unknown(me, from, req),
        },
        _ if req == Term::atom(atom::atom("purge_archive_cache")) => {
            prim_reply(me, from, |_| Term::atom(atom::OK))
        }
        _ => unknown(me, from, req),
    }
    NativeStep::Continue
}

/// `{error, Reason}` for a file or archive error.
fn archive_error(h: &mut Heap, e: &ArchiveError) -> Term {
    let r = e.reason(h);
    boxed::tuple(h, &[Term::atom(atom::ERROR), r])
}

/// `set_primary_archive(File, Bin, FileInfo, ParserFun)` (`File` undefined: drop the primary
/// archive): the archive's name and its `App/ebin` folders.
fn set_primary_archive(file: Term, bin: Term, info: Term) -> Result<Vec<String>, ArchiveError> {
    let undefined = Term::atom(atom::UNDEFINED);
    if file == undefined && bin == undefined && info == undefined {
        return if prim_archive::clear_primary() {
            Ok(Vec::new())
        } else {
            Err(ArchiveError::Posix(atom::atom("enoent")))
        };
    }
    let is_file_info = info.is_tuple()
        && boxed::tuple_arity(info) == 14
        && boxed::tuple_element(info, 0) == Term::atom(atom::atom("file_info"));
    let (Some(file), Some(bytes), true) = (chars(file), boxed::binary_bytes(bin), is_file_info)
    else {
        return Err(ArchiveError::Posix(atom::atom("function_clause")));
    };
    let bytes = bytes.to_vec();
    let etf = crate::etf::encode::encode(info, Default::default());
    prim_archive::set_primary(&file, bytes, etf).map_err(ArchiveError::Zip)
}

/// The `#file_info{}` of a name inside an archive, as `prim_zip` and `erl_prim_loader`
/// make it.
fn archive_info_term(h: &mut Heap, i: &ArchiveInfo) -> Option<Term> {
    match i {
        ArchiveInfo::Entry { size, dir, time } => {
            let t = datetime_term(h, *time);
            let mut elems = vec![
                Term::atom(atom::atom("file_info")),
                crate::bignum::from_i64(h, (*size).min(i64::MAX as u64) as i64),
                Term::atom(atom::atom(if *dir { "directory" } else { "regular" })),
                Term::atom(atom::atom("read_write")),
                t,
                t,
                t,
                // mode 8#066, one link, the rest 0.
                Term::small(0o66),
                Term::small(1),
            ];
            elems.extend([Term::small(0); 5]);
            Some(boxed::tuple(h, &elems))
        }
        ArchiveInfo::ArchiveFolder(FolderInfo::Disk(path)) => {
            let mut fields = file_info_of(path, true)?;
            fields.kind = "directory";
            Some(file_info_term(h, &fields))
        }
        ArchiveInfo::ArchiveFolder(FolderInfo::Etf(etf)) => {
            let (t, _) = crate::etf::decode::decode(h, etf, Default::default()).ok()?;
            let mut elems = boxed::tuple_elems(t).to_vec();
            *elems.get_mut(2)? = Term::atom(atom::atom("directory"));
            Some(boxed::tuple(h, &elems))
        }
    }
}

/// What `erl_prim_loader:read_file_info/1` (`follow`) and `read_link_info/1` report of a
/// file, as `prim_file` does.
struct FileInfo {
    size: u64,
    kind: &'static str,
    access: &'static str,
    times: [i64; 3],
    /// mode, links, major device, minor device, inode, uid, gid.
    numbers: [u64; 7],
}

fn file_info_of(path: &str, follow: bool) -> Option<FileInfo> {
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let md = if follow {
        std::fs::metadata(path)
    } else {
        std::fs::symlink_metadata(path)
    }
    .ok()?;
    let ft = md.file_type();
    let kind = if ft.is_dir() {
        "directory"
    } else if ft.is_file() {
        "regular"
    } else if ft.is_symlink() {
        "symlink"
    } else if ft.is_block_device() || ft.is_char_device() {
        "device"
    } else {
        "other"
    };
    let c = std::ffi::CString::new(path).ok()?;
    // SAFETY: access(2) on a NUL-terminated path.
    let (r, w) = unsafe {
        (
            libc::access(c.as_ptr(), libc::R_OK) == 0,
            libc::access(c.as_ptr(), libc::W_OK) == 0,
        )
    };
    let access = match (r, w) {
        (true, true) => "read_write",
        (true, false) => "read",
        (false, true) => "write",
        (false, false) => "none",
    };
    Some(FileInfo {
        size: md.size(),
        kind,
        access,
        times: [md.atime(), md.mtime(), md.ctime()],
        numbers: [
            md.mode() as u64,
            md.nlink(),
            md.dev(),
            md.rdev(),
            md.ino(),
            md.uid() as u64,
            md.gid() as u64,
        ],
    })
}

/// A `#file_info{}` record with local times, as `prim_file:read_file_info/1` returns it.
/// `{{Y, Mo, D}, {H, Mi, S}}`.
fn datetime_term(
    h: &mut Heap,
    ((y, mo, d), (hh, mi, s)): ((i64, i64, i64), (i64, i64, i64)),
) -> Term {
    let date = boxed::tuple(h, &[Term::small(y), Term::small(mo), Term::small(d)]);
    let time = boxed::tuple(h, &[Term::small(hh), Term::small(mi), Term::small(s)]);
    boxed::tuple(h, &[date, time])
}

fn file_info_term(h: &mut Heap, i: &FileInfo) -> Term {
    let mut elems = vec![
        Term::atom(atom::atom("file_info")),
        crate::bignum::from_i64(h, i.size.min(i64::MAX as u64) as i64),
        Term::atom(atom::atom(i.kind)),
        Term::atom(atom::atom(i.access)),
    ];
    for &t in &i.times {
        elems.push(datetime_term(h, crate::bif::time::local_from_seconds(t)));
    }
    // `prim_file` keeps 32 bits of each number.
    elems.extend(i.numbers.iter().map(|&n| Term::small((n as u32) as i64)));
    boxed::tuple(h, &elems)
}

fn unknown(me: Term, from: Term, req: Term) {
    eprintln!(
        "beam: erl_prim_loader (bare mode) cannot answer {}",
        crate::display::display_string(req)
    );
    prim_reply(me, from, |h| error(h, "unsupported_in_bare_mode"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_path_folders() {
        assert_eq!(app_name("/usr/lib/erlang/lib/stdlib-4.2/ebin"), "stdlib");
        assert_eq!(app_name("/tmp/foo-1.0"), "foo");
        assert_eq!(app_name("ebin"), "ebin");
        assert_eq!(normalize("/tmp//a/"), "/tmp/a");
        assert_eq!(normalize("."), ".");
        assert_eq!(normalize("/"), "/");
    }

    #[test]
    fn sets_of_sticky_overrides_start_empty() {
        assert!(sticky_overrides()
            .lock()
            .get(&atom::atom("no_such_mod"))
            .is_none());
    }
}
