//! Process BIFs of a single process's own state (OTP's `erl_bif_info.c` / `bif.c` parts):
//! `self/0`, `make_ref/0`, `send/2`, and the process dictionary.

use super::Registry;
use crate::exception::{BifResult, Fail};
use crate::process::exit::deliver;
use crate::process::registry;
use crate::process::signals::{OwnedTerm, Signal};
use crate::process::Process;
use crate::term::boxed;
use crate::term::compare::exact_eq;
use crate::term::{subtag, Term};
use std::sync::atomic::{AtomicU64, Ordering};

pub fn register(r: &mut Registry) {
    r.add("erlang", "self", 0, self_0);
    r.add("erlang", "make_ref", 0, make_ref_0);
    r.add("erlang", "send", 2, send_2);
    r.add("erlang", "!", 2, send_2);
    r.add("erlang", "send", 3, send_3);
    r.add("erlang", "put", 2, put_2);
    r.add("erlang", "get", 1, get_1);
    r.add("erlang", "get", 0, get_0);
    r.add("erlang", "get_keys", 0, get_keys_0);
    r.add("erlang", "get_keys", 1, get_keys_1);
    r.add("erlang", "erase", 0, erase_0);
    r.add("erlang", "erase", 1, erase_1);
}

fn self_0(p: &mut Process, _a: &[Term]) -> BifResult {
    Ok(p.pid())
}

/// A new unique reference number (references, monitors and timers share the sequence).
pub fn new_ref_id() -> u64 {
    // Process-wide: reference numbers are unique in the OS process (magic objects are found by them).
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A new unique reference on `p`'s heap.
pub fn make_ref(p: &mut Process) -> Term {
    let id = new_ref_id();
    boxed::reference(&mut p.heap, id)
}

fn make_ref_0(p: &mut Process, _a: &[Term]) -> BifResult {
    Ok(make_ref(p))
}

/// Where a message goes.
enum Remote {
    /// To this node.
    Local,
    /// To another node while this one is not alive: dropped.
    Dropped,
    /// To another node ([`crate::dist::output::send`]; `{Name, Node}` as a pair).
    Out(Option<(crate::atom::Atom, crate::atom::Atom)>),
}

/// Where a message for `to` goes (a local pid, port or name costs one tag test).
fn remote_destination(to: Term) -> Remote {
    if !to.is_boxed() {
        return Remote::Local;
    }
    let name = if to.is_boxed_with(subtag::EXTERNAL_PID) || to.is_boxed_with(subtag::EXTERNAL_REF) {
        None
    } else if to.is_tuple() && boxed::tuple_arity(to) == 2 {
        let (name, node) = (boxed::tuple_element(to, 0), boxed::tuple_element(to, 1));
        match (name.as_atom(), node.as_atom()) {
            (Some(name), Some(node)) if node != crate::dist::node::name() => Some((name, node)),
            _ => return Remote::Local,
        }
    } else {
        return Remote::Local;
    };
    if crate::dist::node::is_alive() {
        Remote::Out(name)
    } else {
        Remote::Dropped
    }
}

/// Sends `msg` to `to` (a pid, a registered name, `{Name, Node}`, or an alias).
pub fn send(p: &mut Process, to: Term, msg: Term) -> BifResult {
    match remote_destination(to) {
        Remote::Local => {}
        // No distribution: messages to other nodes are dropped.
        Remote::Dropped => return Ok(msg),
        Remote::Out(name) => {
            crate::dist::output::send(p.id, to, name, msg, false);
            return Ok(msg);
        }
    }
    let id = if to.is_local_pid() {
        to.pid_number()
    } else if to.is_local_port() {
        crate::port::signals::send_message(to.port_number(), msg);
        return Ok(msg);
    } else if let Some(name) = to.as_atom() {
        match registry::whereis(name) {
            Some(id) if crate::port::is_port_id(id) => {
                crate::port::signals::send_message(id & !crate::port::PORT_BIT, msg);
                return Ok(msg);
            }
            Some(id) => id,
            None => return Err(Fail::badarg()),
        }
    } else if to.is_tuple() && boxed::tuple_arity(to) == 2 {
        let (name, node) = (boxed::tuple_element(to, 0), boxed::tuple_element(to, 1));
        match (name.as_atom(), node.as_atom()) {
            (Some(name), Some(node)) if node == crate::dist::node::name() => {
                match registry::whereis(name) {
                    Some(id) => id,
                    // A message to an unregistered name on this node is dropped.
                    None => return Ok(msg),
                }
            }
            _ => return Err(Fail::badarg()),
        }
    } else if to.is_reference() {
        // An alias: dropped unless active; the receiver checks again on arrival.
        let reference = boxed::reference_id(to);
        if let Some(owner) = crate::process::alias::owner(reference) {
            let _ = deliver(
                owner,
                Signal::AliasMessage {
                    alias: reference,
                    msg: OwnedTerm::copy_of(msg),
                },
            );
        }
        return Ok(msg);
    } else {
        return Err(Fail::badarg());
    };
    if id == p.id {
        p.mailbox.push_back(msg);
        return Ok(msg);
    }
    // A message to a process that does not exist is dropped.
    let _ = deliver(id, Signal::Message(OwnedTerm::copy_of(msg)));
    Ok(msg)
}

fn send_2(p: &mut Process, a: &[Term]) -> BifResult {
    send(p, a[0], a[1])
}

/// `send(Dest, Msg, Options)`: with `noconnect`, a message for a node that is not connected
/// is not sent (`noconnect`); `nosuspend` changes nothing (a busy connection never
/// suspends the sender here).
fn send_3(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(opts) = boxed::list_to_vec(a[2]) else {
        return Err(Fail::badarg());
    };
    let noconnect = opts.contains(&Term::atom(crate::atom::atom("noconnect")));
    let sent = match remote_destination(a[0]) {
        Remote::Local => {
            send(p, a[0], a[1])?;
            true
        }
        Remote::Dropped => !noconnect,
        Remote::Out(name) => crate::dist::output::send(p.id, a[0], name, a[1], noconnect),
    };
    Ok(Term::atom(if sent {
        crate::atom::OK
    } else {
        crate::atom::atom("noconnect")
    }))
}

fn find(p: &Process, k: Term) -> Option<usize> {
    p.dictionary.iter().position(|(key, _)| exact_eq(*key, k))
}

fn put_2(p: &mut Process, a: &[Term]) -> BifResult {
    match find(p, a[0]) {
        Some(i) => {
            let old = p.dictionary[i].1;
            p.dictionary[i].1 = a[1];
            Ok(old)
        }
        None => {
            p.dictionary.push((a[0], a[1]));
            Ok(Term::atom(crate::atom::UNDEFINED))
        }
    }
}

fn get_1(p: &mut Process, a: &[Term]) -> BifResult {
    Ok(find(p, a[0])
        .map(|i| p.dictionary[i].1)
        .unwrap_or(Term::atom(crate::atom::UNDEFINED)))
}

fn pairs(p: &mut Process) -> Vec<Term> {
    let d = p.dictionary.clone();
    d.iter()
        .rev()
        .map(|(k, v)| boxed::tuple(&mut p.heap, &[*k, *v]))
        .collect()
}

fn get_0(p: &mut Process, _a: &[Term]) -> BifResult {
    let v = pairs(p);
    Ok(boxed::list(&mut p.heap, &v))
}

fn get_keys_0(p: &mut Process, _a: &[Term]) -> BifResult {
    let v: Vec<Term> = p.dictionary.iter().rev().map(|(k, _)| *k).collect();
    Ok(boxed::list(&mut p.heap, &v))
}

fn get_keys_1(p: &mut Process, a: &[Term]) -> BifResult {
    let v: Vec<Term> = p
        .dictionary
        .iter()
        .rev()
        .filter(|(_, v)| exact_eq(*v, a[0]))
        .map(|(k, _)| *k)
        .collect();
    Ok(boxed::list(&mut p.heap, &v))
}

fn erase_0(p: &mut Process, _a: &[Term]) -> BifResult {
    let v = pairs(p);
    p.dictionary.clear();
    Ok(boxed::list(&mut p.heap, &v))
}

fn erase_1(p: &mut Process, a: &[Term]) -> BifResult {
    match find(p, a[0]) {
        Some(i) => Ok(p.dictionary.remove(i).1),
        None => Ok(Term::atom(crate::atom::UNDEFINED)),
    }
}
