//! Native system processes: registered processes whose behaviour is Rust code run on each
//! message (for `--bare` runs, which do not boot OTP's own `init`). They take part in message
//! passing, links and monitors like any process.
//!
//! `init` answers the requests of OTP's `init:request/1` protocol that library code makes
//! (`get_arguments`, `get_argument`, `get_plain_arguments`, `get_status`) from the real command
//! line, and `init:stop/0,1` ends the run.

use super::cell::{NativeHandler, ProcessCell};
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
    p.registered_name = Some(atom::atom(name));
    let mut cell = ProcessCell::new(p);
    cell.native = Some(handler);
    let cell = Arc::new(cell);
    cell.process.lock().cell = Arc::as_ptr(&cell);
    table().insert(cell);
    registry::register(atom::atom(name), id);
    Some(id)
}

/// The command-line arguments `init:get_arguments/0` reports: `(flag, values)`.
static ARGUMENTS: OnceLock<Vec<(String, Vec<String>)>> = OnceLock::new();

/// Sets the arguments that `init` reports (once, at start-up).
pub fn set_arguments(args: Vec<(String, Vec<String>)>) {
    let _ = ARGUMENTS.set(args);
}

fn arguments() -> &'static [(String, Vec<String>)] {
    ARGUMENTS.get().map(|v| v.as_slice()).unwrap_or(&[])
}

fn string(h: &mut crate::heap::Heap, s: &str) -> Term {
    boxed::string(h, s.chars().map(|c| c as u32))
}

fn reply(to: Term, build: impl FnOnce(&mut crate::heap::Heap) -> Term) {
    if !to.is_local_pid() {
        return;
    }
    let msg = super::signal_handling::build_owned(|h| {
        let r = build(h);
        boxed::tuple(h, &[Term::atom(atom::atom("init")), r])
    });
    let _ = deliver(to.pid_number(), Signal::Message(msg));
}

/// `init`'s behaviour.
pub fn init_handler(_p: &mut Process, msg: Term) {
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
                let _ = std::io::stdout().flush();
                std::process::exit(status as i32);
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
}
