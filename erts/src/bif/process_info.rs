//! `erlang:process_info/1,2` (OTP's `erl_bif_info.c`): facts about a process, read from the
//! caller itself or, for another process, under that process's lock (taken between its time
//! slices); terms from the other process's heap are copied to the caller's.

use super::Registry;
use crate::atom;
use crate::emu::raise;
use crate::exception::{BifResult, Fail};
use crate::module::modules;
use crate::process::cell::{self, Priority};
use crate::process::table::table;
use crate::process::Process;
use crate::term::boxed;
use crate::term::copy;
use crate::term::Term;

pub fn register(r: &mut Registry) {
    r.add("erlang", "process_info", 1, process_info_1);
    r.add("erlang", "process_info", 2, process_info_2);
}

/// The items of `process_info/1`, in OTP's order.
const DEFAULT_ITEMS: &[&str] = &[
    "current_function",
    "initial_call",
    "status",
    "message_queue_len",
    "links",
    "dictionary",
    "trap_exit",
    "error_handler",
    "priority",
    "group_leader",
    "total_heap_size",
    "heap_size",
    "stack_size",
    "reductions",
    "garbage_collection",
    "suspending",
];

/// Whether `process_info/2` knows `item`.
fn known(item: &str) -> bool {
    DEFAULT_ITEMS.contains(&item)
        || matches!(
            item,
            "registered_name"
                | "messages"
                | "monitors"
                | "monitored_by"
                | "memory"
                | "min_heap_size"
                | "min_bin_vheap_size"
                | "current_stacktrace"
                | "current_location"
                | "message_queue_data"
                | "fullsweep_after"
                | "max_heap_size"
                | "last_calls"
                | "binary"
                | "catchlevel"
                | "sequential_trace_token"
                | "parent"
                | "magic_ref"
        )
}

fn mfa_tuple(out: &mut Process, m: atom::Atom, f: atom::Atom, a: u32) -> Term {
    boxed::tuple(
        &mut out.heap,
        &[Term::atom(m), Term::atom(f), Term::small(a as i64)],
    )
}

/// The value of `item` for process `t` (read) as a term on `out`'s heap. `status` is given
/// by the caller (only it knows whether `t` is running).
fn value(out: &mut Process, t: Option<&Process>, item: &str, status: &str) -> Term {
    // `t` is `None` when the target is `out` itself.
    macro_rules! src {
        () => {
            match t {
                Some(p) => p,
                None => &*out,
            }
        };
    }
    match item {
        "status" => Term::atom(atom::atom(status)),
        "message_queue_len" => {
            let n = src!().mailbox.len() as i64;
            Term::small(n)
        }
        "messages" => {
            let msgs: Vec<Term> = src!().mailbox.iter().copied().collect();
            copy_list(out, t.is_some(), &msgs)
        }
        "links" => {
            let l: Vec<Term> = src!()
                .links
                .iter()
                .map(|&i| crate::port::entity_term(i))
                .collect();
            boxed::list(&mut out.heap, &l)
        }
        "monitors" => {
            let ms = src!().monitors.clone();
            let mut items = Vec::new();
            for m in ms {
                let v = match m.target {
                    crate::process::signals::MonitorTarget::Pid(i) => crate::port::entity_term(i),
                    crate::process::signals::MonitorTarget::Name(n) => {
                        // By `{Name, Node}` of another node: `m.pid` is that node's id.
                        let remote = crate::dist::remote::is_remote_id(m.pid)
                            .then(|| crate::dist::remote::endpoint(m.pid))
                            .flatten();
                        let node = Term::atom(remote.map_or(crate::dist::node::name(), |e| e.node));
                        boxed::tuple(&mut out.heap, &[Term::atom(n), node])
                    }
                    crate::process::signals::MonitorTarget::ClockService => {
                        Term::atom(atom::atom("clock_service"))
                    }
                };
                let kind = if m.target == crate::process::signals::MonitorTarget::ClockService {
                    "time_offset"
                } else if crate::port::is_port_id(m.pid) {
                    "port"
                } else {
                    "process"
                };
                items.push(boxed::tuple(
                    &mut out.heap,
                    &[Term::atom(atom::atom(kind)), v],
                ));
            }
            boxed::list(&mut out.heap, &items)
        }
        "monitored_by" => {
            let ms: Vec<(u64, u64)> = src!()
                .monitored_by
                .iter()
                // Native owners (NIF resources) are not listed.
                .filter(|m| !crate::process::exit::is_native_id(m.pid))
                .map(|m| (m.pid, m.reference))
                .collect();
            let l: Vec<Term> = ms
                .into_iter()
                .filter_map(|(pid, reference)| {
                    if crate::dist::remote::is_remote_id(pid) {
                        // A process of another node, known by its monitor's record.
                        crate::dist::entry::in_monitor_watcher(pid, reference, &mut out.heap)
                    } else {
                        Some(Term::pid(pid))
                    }
                })
                .collect();
            boxed::list(&mut out.heap, &l)
        }
        "dictionary" => {
            let pairs: Vec<(Term, Term)> = src!().dictionary.iter().rev().copied().collect();
            let copied = t.is_some();
            let mut items = Vec::new();
            for (k, v) in pairs {
                let (k, v) = if copied {
                    (copy::copy(&mut out.heap, k), copy::copy(&mut out.heap, v))
                } else {
                    (k, v)
                };
                items.push(boxed::tuple(&mut out.heap, &[k, v]));
            }
            boxed::list(&mut out.heap, &items)
        }
        "trap_exit" => Term::bool(src!().trap_exit),
        "error_handler" => Term::atom(src!().error_handler),
        "group_leader" => src!().group_leader,
        "registered_name" => match src!().registered_name {
            Some(n) => Term::atom(n),
            None => Term::NIL,
        },
        "heap_size" => {
            let h = &src!().heap;
            Term::small((h.capacity() + h.fragment_words()) as i64)
        }
        "total_heap_size" => Term::small(src!().total_heap_words() as i64),
        "stack_size" => Term::small(src!().stack.len() as i64),
        "reductions" => Term::small(src!().reductions as i64),
        "memory" => {
            let p = src!();
            let words = p.total_heap_words() + p.stack.capacity();
            Term::small((words * 8 + std::mem::size_of::<Process>()) as i64)
        }
        "min_heap_size" => Term::small(src!().gc_settings.min_heap_size as i64),
        "min_bin_vheap_size" => Term::small(46422),
        "fullsweep_after" => Term::small(src!().gc_settings.fullsweep_after as i64),
        "max_heap_size" => {
            let m = src!().max_heap;
            m.to_term(&mut out.heap)
        }
        "message_queue_data" => Term::atom(atom::atom(if src!().message_queue_off_heap {
            "off_heap"
        } else {
            "on_heap"
        })),
        // Nothing suspends processes here, and calls are not saved.
        "suspending" => Term::NIL,
        "last_calls" => Term::bool(false),
        "binary" => {
            let bins = src!().heap.binaries();
            let items: Vec<Term> = bins
                .iter()
                .map(|&(id, size, refs)| {
                    let id = crate::bignum::from_i128(&mut out.heap, id as i128);
                    let size = crate::bignum::from_i128(&mut out.heap, size as i128);
                    boxed::tuple(&mut out.heap, &[id, size, Term::small(refs as i64)])
                })
                .collect();
            boxed::list(&mut out.heap, &items)
        }
        "catchlevel" => {
            // OTP's count of open catch blocks.
            Term::small(src!().catches)
        }
        "sequential_trace_token" => Term::NIL,
        "parent" => src!().parent.map_or(Term::atom(atom::UNDEFINED), Term::pid),
        // This runtime has no magic references (OTP lists the ones the process holds).
        "magic_ref" => Term::NIL,
        "garbage_collection" => {
            let (settings, max_heap, minor) = {
                let p = src!();
                (p.gc_settings, p.max_heap, p.heap.minor_gcs())
            };
            let keys = [
                ("max_heap_size", max_heap.to_term(&mut out.heap)),
                ("min_bin_vheap_size", Term::small(46422)),
                ("min_heap_size", Term::small(settings.min_heap_size as i64)),
                (
                    "fullsweep_after",
                    Term::small(settings.fullsweep_after as i64),
                ),
                ("minor_gcs", Term::small(minor as i64)),
            ];
            let items: Vec<Term> = keys
                .iter()
                .map(|(k, v)| boxed::tuple(&mut out.heap, &[Term::atom(atom::atom(k)), *v]))
                .collect();
            boxed::list(&mut out.heap, &items)
        }
        "initial_call" => match src!().initial_call {
            Some(m) => mfa_tuple(out, m.module, m.function, m.arity),
            None => Term::atom(atom::UNDEFINED),
        },
        "current_function" => {
            let pc = src!().pc;
            let found = modules()
                .find_by_pc(pc)
                .and_then(|m| m.function_at(m.offset_of(pc)).map(|(f, a)| (m.name, f, a)));
            match found {
                Some((m, f, a)) => mfa_tuple(out, m, f, a),
                None => Term::atom(atom::UNDEFINED),
            }
        }
        "current_location" => {
            let pc = src!().pc;
            raise::location_of(&mut out.heap, pc).unwrap_or(Term::atom(atom::UNDEFINED))
        }
        "current_stacktrace" => {
            let (pc, stack) = {
                let p = src!();
                (p.pc, p.stack.clone())
            };
            raise::stacktrace_of(&mut out.heap, pc, &stack)
        }
        "priority" => Term::atom(atom::atom("normal")),
        _ => Term::atom(atom::UNDEFINED),
    }
}

fn copy_list(out: &mut Process, copy_terms: bool, items: &[Term]) -> Term {
    let v: Vec<Term> = if copy_terms {
        items
            .iter()
            .map(|t| copy::copy(&mut out.heap, *t))
            .collect()
    } else {
        items.to_vec()
    };
    boxed::list(&mut out.heap, &v)
}

fn priority_name(p: Priority) -> &'static str {
    match p {
        Priority::Max => "max",
        Priority::High => "high",
        Priority::Normal => "normal",
        Priority::Low => "low",
    }
}

/// `{Item, Value}` pairs for `items` of process `id`, or `None` when it is not alive.
/// Why `info` has no answer.
enum NoInfo {
    /// The process is not alive.
    Dead,
    /// A scheduler is running it: ask again after yielding.
    Busy,
}

fn info(out: &mut Process, id: u64, items: &[&str]) -> Result<Vec<Term>, NoInfo> {
    let mut result = Vec::new();
    let mut one = |out: &mut Process, t: Option<&Process>, status: &str, prio: Priority| {
        for item in items {
            let v = if *item == "priority" {
                Term::atom(atom::atom(priority_name(prio)))
            } else {
                value(out, t, item, status)
            };
            if *item == "registered_name" && v == Term::NIL && items.len() == 1 {
                // `process_info(P, registered_name)` of an unregistered process is `[]`.
                result.push(Term::NIL);
                continue;
            }
            result.push(boxed::tuple(
                &mut out.heap,
                &[Term::atom(atom::atom(item)), v],
            ));
        }
    };
    if id == out.id {
        let prio = out.cell().map(|c| c.priority()).unwrap_or(Priority::Normal);
        one(out, None, "running", prio);
        return Ok(result);
    }
    let c = table().get(id).ok_or(NoInfo::Dead)?;
    let status = match c.state() {
        cell::EXITED => return Err(NoInfo::Dead),
        cell::RUNNING | cell::NOTIFIED => "running",
        cell::QUEUED => "runnable",
        _ => "waiting",
    };
    let prio = c.priority();
    let mut target = c.try_lock_other().ok_or(NoInfo::Busy)?;
    if c.state() == cell::EXITED {
        return Err(NoInfo::Dead);
    }
    if c.in_dirty() && c.has_signals() {
        // The dirty signal handler has yet to handle signals sent before this request
        // (messages from the caller must show): ask again after it did.
        return Err(NoInfo::Busy);
    }
    // Links, monitors and messages sent before this request show in the answer.
    target.handle_signals_in_place();
    one(out, Some(&target), status, prio);
    Ok(result)
}

fn process_info_1(p: &mut Process, a: &[Term]) -> BifResult {
    if !a[0].is_local_pid() {
        return Err(Fail::badarg());
    }
    let id = a[0].pid_number();
    let mut items: Vec<&str> = Vec::new();
    let registered = if id == p.id {
        p.registered_name.is_some()
    } else {
        match table().get(id) {
            Some(c) => match c.try_lock_other() {
                Some(other) => other.registered_name.is_some(),
                None => return Err(super::retry_after_yield(p, "erlang", "process_info", a)),
            },
            None => false,
        }
    };
    if registered {
        items.push("registered_name");
    }
    items.extend_from_slice(DEFAULT_ITEMS);
    match info(p, id, &items) {
        Ok(v) => Ok(boxed::list(&mut p.heap, &v)),
        Err(NoInfo::Dead) => Ok(Term::atom(atom::UNDEFINED)),
        Err(NoInfo::Busy) => Err(super::retry_after_yield(p, "erlang", "process_info", a)),
    }
}

fn process_info_2(p: &mut Process, a: &[Term]) -> BifResult {
    if !a[0].is_local_pid() {
        return Err(Fail::badarg());
    }
    let id = a[0].pid_number();
    let single = a[1].as_atom();
    let names: Vec<atom::Atom> = match single {
        Some(n) => vec![n],
        None => {
            let Some(list) = boxed::list_to_vec(a[1]) else {
                return Err(Fail::badarg());
            };
            let mut v = Vec::new();
            for t in list {
                v.push(t.as_atom().ok_or_else(Fail::badarg)?);
            }
            v
        }
    };
    let items: Vec<&str> = names.iter().map(|n| n.name()).collect();
    if items.iter().any(|i| !known(i)) {
        return Err(Fail::badarg());
    }
    match info(p, id, &items) {
        Err(NoInfo::Dead) => Ok(Term::atom(atom::UNDEFINED)),
        Err(NoInfo::Busy) => Err(super::retry_after_yield(p, "erlang", "process_info", a)),
        Ok(v) if single.is_some() => Ok(v[0]),
        Ok(v) => {
            // In a list, an unregistered `registered_name` shows as `{registered_name, []}`.
            Ok(boxed::list(&mut p.heap, &v))
        }
    }
}
