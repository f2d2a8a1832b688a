//! Native system processes: registered processes whose behaviour is Rust code run on each
//! message (for `--bare` runs, which do not boot OTP's own `init`). They take part in message
//! passing, links and monitors like any process.
//!
//! `init` answers the requests of OTP's `init:request/1` protocol that library code makes
//! (`get_arguments`, `get_argument`, `get_plain_arguments`, `get_status`) from the real command
//! line, and `init:stop/0,1` ends the run. `code_server` answers the `code_server:call/1`
//! requests that need no Erlang-side state (`is_loaded`, `ensure_loaded`, `load_file`,
//! `get_path`, `all_loaded`) from the runtime's own module table and code path; the rest of
//! its protocol, and a native `erl_prim_loader`, are in `code_requests.rs`.

use super::cell::{NativeHandler, NativeStep, ProcessCell};
use super::exit::deliver;
use super::signals::Signal;
use super::table::table;
use super::{registry, Process};
use crate::atom;
use crate::term::boxed;
use crate::term::Term;
use std::sync::{Arc, OnceLock};

/// Starts a native process registered as `name`.
pub fn spawn_native(name: &str, handler: NativeHandler) -> Option<u64> {
    let id = table().reserve().ok()?;
    let mut p = Process::new_spawned(id);
    p.heap = crate::heap::Heap::default();
    p.registered_name = Some(atom::atom(name));
    let mut cell = ProcessCell::new(p);
    cell.native = Some(handler);
    let cell = Arc::new(cell);
    cell.process.lock().cell = Arc::as_ptr(&cell);
    table().insert(cell);
    registry::register(atom::atom(name), id);
    Some(id)
}

/// `(flag, values)` pairs.
type Arguments = Vec<(String, Vec<String>)>;
/// The command-line arguments `init:get_arguments/0` reports (per instance).
static ARGUMENTS: crate::instance::InstanceLocal<OnceLock<Arguments>> =
    crate::instance::InstanceLocal::new();

/// Sets the arguments that `init` reports (once, at start-up).
pub fn set_arguments(args: Vec<(String, Vec<String>)>) {
    let _ = ARGUMENTS.get_or_default().set(args);
}

fn arguments() -> &'static [(String, Vec<String>)] {
    ARGUMENTS
        .get_or_default()
        .get()
        .map(|v| v.as_slice())
        .unwrap_or(&[])
}

pub(super) fn string(h: &mut crate::heap::Heap, s: &str) -> Term {
    boxed::string(h, s.chars().map(|c| c as u32))
}

fn reply(to: Term, build: impl FnOnce(&mut crate::heap::Heap) -> Term) {
    if !to.is_local_pid() {
        return;
    }
    let msg = super::signals::OwnedTerm::build(|h| {
        let r = build(h);
        boxed::tuple(h, &[Term::atom(atom::atom("init")), r])
    });
    let _ = deliver(to.pid_number(), Signal::Message(msg));
}

/// `init`'s behaviour.
pub fn init_handler(_p: &mut Process, msg: Term) -> NativeStep {
    let el = if msg.is_tuple() {
        boxed::tuple_elems(msg)
    } else {
        &[]
    };
    // Anything but `{From, Request}` is not a request: dropped, as OTP's init ignores stray
    // messages.
    if let [from, req] = el {
        {
            let (from, req) = (*from, *req);
            if req == Term::atom(atom::atom("get_arguments")) {
                reply(from, |h| {
                    let items: Vec<Term> = arguments()
                        .iter()
                        .map(|(k, vs)| {
                            let vals: Vec<Term> = vs.iter().map(|v| string(h, v)).collect();
                            let l = boxed::list(h, &vals);
                            boxed::tuple(h, &[Term::atom(atom::atom(k)), l])
                        })
                        .collect();
                    boxed::list(h, &items)
                });
            } else if req == Term::atom(atom::atom("get_plain_arguments")) {
                reply(from, |_| Term::NIL);
            } else if req == Term::atom(atom::atom("get_status")) {
                reply(from, |h| {
                    let s = Term::atom(atom::atom("started"));
                    boxed::tuple(h, &[s, s])
                });
            } else if req.is_tuple()
                && boxed::tuple_arity(req) == 2
                && boxed::tuple_element(req, 0) == Term::atom(atom::atom("get_argument"))
            {
                let flag = boxed::tuple_element(req, 1);
                let name = flag.as_atom().map(|a| a.name().to_string());
                reply(from, |h| {
                    let vals: Vec<Term> = arguments()
                        .iter()
                        .filter(|(k, _)| Some(k) == name.as_ref())
                        .map(|(_, vs)| {
                            let vs: Vec<Term> = vs.iter().map(|v| string(h, v)).collect();
                            boxed::list(h, &vs)
                        })
                        .collect();
                    if vals.is_empty() {
                        Term::atom(atom::ERROR)
                    } else {
                        let l = boxed::list(h, &vals);
                        boxed::tuple(h, &[Term::atom(atom::OK), l])
                    }
                });
            } else if from == Term::atom(atom::atom("stop")) {
                // `init:stop()` sends `{stop, stop}`; `init:stop(Status)` `{stop, {stop, S}}`.
                let status = if req.is_tuple() && boxed::tuple_arity(req) == 2 {
                    boxed::tuple_element(req, 1).as_small().unwrap_or(0)
                } else {
                    0
                };
                use std::io::Write;
                crate::port::flush_all(std::time::Duration::from_secs(5));
                let _ = std::io::stdout().flush();
                // An embedded instance with a halt handler stops; the `beam` binary exits.
                if !crate::instance::halt(status as i32) {
                    std::process::exit(status as i32);
                }
            } else {
                eprintln!(
                    "beam: init (bare mode) cannot answer {}",
                    crate::display::display_string(req)
                );
                reply(from, |h| {
                    let e = Term::atom(atom::ERROR);
                    let u = Term::atom(atom::atom("unsupported_in_bare_mode"));
                    boxed::tuple(h, &[e, u])
                });
            }
        }
    }
    NativeStep::Continue
}

pub(super) fn code_reply(to: Term, build: impl FnOnce(&mut crate::heap::Heap) -> Term) {
    if !to.is_local_pid() {
        return;
    }
    let msg = super::signals::OwnedTerm::build(|h| {
        let r = build(h);
        boxed::tuple(h, &[Term::atom(atom::atom("code_server")), r])
    });
    let _ = deliver(to.pid_number(), Signal::Message(msg));
}

/// `{file, Path}` (or `{file, preloaded}`) for a loaded module, else `false`.
fn is_loaded(h: &mut crate::heap::Heap, m: atom::Atom) -> Term {
    if !crate::module::modules().is_loaded(m) {
        return Term::bool(false);
    }
    if let Some(t) = super::code_requests::loaded_file_term(h, m) {
        return t;
    }
    let file = match crate::code::loaded_file(m) {
        Some(p) if !p.to_string_lossy().contains("/erts-") => string(h, &p.to_string_lossy()),
        _ => Term::atom(atom::atom("preloaded")),
    };
    boxed::tuple(h, &[Term::atom(atom::FILE), file])
}

fn load_reply(h: &mut crate::heap::Heap, m: atom::Atom, r: Result<(), &str>) -> Term {
    match r {
        Ok(()) => boxed::tuple(h, &[Term::atom(atom::atom("module")), Term::atom(m)]),
        Err(why) => boxed::tuple(h, &[Term::atom(atom::ERROR), Term::atom(atom::atom(why))]),
    }
}

/// Answers `ensure_loaded`/`load_file` to `from`: at once, or, for a module whose `on_load`
/// function is running, when it has finished (as OTP's code server makes the caller wait).
fn load(from: Term, m: atom::Atom, again: bool) {
    let r = if again {
        crate::code::load_again(m)
    } else {
        crate::code::ensure_loaded(m)
    };
    let r = match r {
        Ok(_) => Ok(()),
        Err(crate::code::CodeError::NotFound) => Err("nofile"),
        Err(crate::code::CodeError::Load(_)) => Err("badfile"),
        Err(crate::code::CodeError::OnLoadFailed) => Err("on_load_failure"),
        Err(crate::code::CodeError::OnLoadPending) => {
            crate::code::when_on_load_done(
                m,
                Box::new(move |ok| {
                    let r = if ok { Ok(()) } else { Err("on_load_failure") };
                    code_reply(from, |h| load_reply(h, m, r))
                }),
            );
            return;
        }
    };
    code_reply(from, |h| load_reply(h, m, r))
}

/// `{dir, What}`: `root_dir`, `lib_dir`, `compiler_dir`, `{lib_dir, App}`, `{lib_dir, App, SubDir}`, `{priv_dir, App}`
/// (what `code:root_dir/0`, `lib_dir/1,2` and `priv_dir/1` ask).
fn dir_request(h: &mut crate::heap::Heap, what: Term) -> Term {
    let bad_name = |h: &mut crate::heap::Heap| {
        let e = Term::atom(atom::ERROR);
        boxed::tuple(h, &[e, Term::atom(atom::atom("bad_name"))])
    };
    let path = |h: &mut crate::heap::Heap, p: std::path::PathBuf| string(h, &p.to_string_lossy());
    if what == Term::atom(atom::atom("root_dir")) {
        return match crate::code::root() {
            Some(r) => path(h, r),
            None => bad_name(h),
        };
    }
    if what == Term::atom(atom::atom("lib_dir")) {
        return match crate::code::root() {
            Some(r) => path(h, r.join("lib")),
            None => bad_name(h),
        };
    }
    if what == Term::atom(atom::atom("compiler_dir")) {
        let d = crate::code::lib_dir("compiler").unwrap_or_default();
        return path(h, d);
    }
    let el = if what.is_tuple() {
        boxed::tuple_elems(what)
    } else {
        &[]
    };
    let kind = el.first().and_then(|k| k.as_atom()).map(|k| k.name());
    let app = el.get(1).and_then(|a| a.as_atom());
    let dir = app.and_then(|a| crate::code::lib_dir(a.name()));
    match (kind, dir, el.len()) {
        (Some("lib_dir"), Some(d), 2) => path(h, d),
        (Some("priv_dir"), Some(d), 2) => path(h, d.join("priv")),
        (Some("lib_dir"), Some(d), 3) => match el[2].as_atom() {
            Some(sub) => path(h, d.join(sub.name())),
            None => bad_name(h),
        },
        _ => bad_name(h),
    }
}

/// `code_server`'s behaviour: `{code_call, From, Request}` → `From ! {code_server, Reply}`.
pub fn code_server_handler(_p: &mut Process, msg: Term) -> NativeStep {
    if !msg.is_tuple() || boxed::tuple_arity(msg) != 3 {
        return NativeStep::Continue;
    }
    let el = boxed::tuple_elems(msg);
    if el[0] != Term::atom(atom::atom("code_call")) {
        return NativeStep::Continue;
    }
    let (from, req) = (el[1], el[2]);
    if req == Term::atom(atom::atom("stop")) {
        // As OTP's code server: it ends (reason `normal`) without a reply, so the caller's
        // monitor fires and `code:stop/0` exits with `{'DOWN', code_server, stop}`.
        return NativeStep::Exit(Term::atom(atom::NORMAL));
    }
    let tag = |t: Term| -> Option<(String, Term)> {
        if let Some(a) = t.as_atom() {
            return Some((a.name().to_string(), Term::NIL));
        }
        if t.is_tuple() && boxed::tuple_arity(t) == 2 {
            let a = boxed::tuple_element(t, 0).as_atom()?;
            return Some((a.name().to_string(), boxed::tuple_element(t, 1)));
        }
        None
    };
    match tag(req) {
        Some((name, arg)) if name == "is_loaded" && arg.is_atom() => {
            code_reply(from, |h| is_loaded(h, arg.as_atom().unwrap_or(atom::OK)))
        }
        Some((name, arg))
            if name == "load_file"
                && arg
                    .as_atom()
                    .is_some_and(|m| crate::module::modules().is_loaded(m)) =>
        {
            // `code:load_file/1` of a loaded module loads it again from the path.
            super::code_requests::reload(from, arg.as_atom().unwrap_or(atom::OK))
        }
        Some((name, arg)) if (name == "ensure_loaded" || name == "load_file") && arg.is_atom() => {
            load(from, arg.as_atom().unwrap_or(atom::OK), name == "load_file")
        }
        Some((name, arg)) if name == "dir" => code_reply(from, |h| dir_request(h, arg)),
        Some((name, _)) if name == "get_path" => code_reply(from, |h| {
            let dirs: Vec<Term> = crate::code::get_path()
                .iter()
                .map(|d| string(h, &d.to_string_lossy()))
                .collect();
            boxed::list(h, &dirs)
        }),
        Some((name, _)) if name == "all_loaded" => code_reply(from, |h| {
            let mods = crate::module::modules().loaded();
            let items: Vec<Term> = mods
                .into_iter()
                .map(|m| {
                    let loaded = is_loaded(h, m);
                    let file = if loaded.is_tuple() {
                        boxed::tuple_element(loaded, 1)
                    } else {
                        Term::atom(atom::atom("preloaded"))
                    };
                    boxed::tuple(h, &[Term::atom(m), file])
                })
                .collect();
            boxed::list(h, &items)
        }),
        _ if super::code_requests::code_server(from, req) => {}
        _ => {
            eprintln!(
                "beam: code_server (bare mode) cannot answer {}",
                crate::display::display_string(req)
            );
            code_reply(from, |h| {
                let e = Term::atom(atom::ERROR);
                let u = Term::atom(atom::atom("unsupported_in_bare_mode"));
                boxed::tuple(h, &[e, u])
            });
        }
    }
    NativeStep::Continue
}
