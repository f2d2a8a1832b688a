//! Table-level ETS BIFs: `new/2`, `delete/1`, `whereis/1`, `rename/2`, `give_away/3`,
//! `setopts/2`, `info/1,2`, `safe_fixtable/2` and `internal_request_all/0` (for `ets:all/0`).

use super::{cause, table_for};
use crate::atom;
use crate::bif::Registry;
use crate::ets::atoms::am;
use crate::ets::{registry, tid_term, Access, Heir, Kind, NewError, NewTable, Op, Table};
use crate::exception::{BifResult, Fail};
use crate::process::signals::OwnedTerm;
use crate::process::Process;
use crate::term::boxed;
use crate::term::Term;

pub fn register(r: &mut Registry) {
    r.add("ets", "new", 2, new_2);
    r.add("ets", "delete", 1, delete_1);
    r.add("ets", "whereis", 1, whereis_1);
    r.add("ets", "rename", 2, rename_2);
    r.add("ets", "give_away", 3, give_away_3);
    r.add("ets", "setopts", 2, setopts_2);
    r.add("ets", "info", 1, info_1);
    r.add("ets", "info", 2, info_2);
    r.add("ets", "safe_fixtable", 2, safe_fixtable_2);
    r.add("ets", "internal_request_all", 0, internal_request_all_0);
}

fn bool_opt(t: Term) -> Option<bool> {
    if t == Term::atom(atom::TRUE) {
        Some(true)
    } else if t == Term::atom(atom::FALSE) {
        Some(false)
    } else {
        None
    }
}

/// Parses `{heir, Pid, Data}` / `{heir, none}`; `Some(None)` is "no heir".
fn heir_opt(t: Term) -> Option<Option<Heir>> {
    if !t.is_tuple() {
        return None;
    }
    let e = boxed::tuple_elems(t);
    if e[0] != Term::atom(am().heir) {
        return None;
    }
    match e.len() {
        2 if e[1] == Term::atom(am().none) => Some(None),
        3 if e[1].is_local_pid() => Some(Some(Heir {
            pid: e[1].pid_number(),
            data: OwnedTerm::copy_of(e[2]),
        })),
        _ => None,
    }
}

fn new_2(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(name) = a[0].as_atom() else {
        return Err(Fail::badarg());
    };
    let opts = boxed::list_to_vec(a[1]).ok_or_else(Fail::badarg)?;
    let m = am();
    let mut nt = NewTable {
        name,
        named: false,
        kind: Kind::Set,
        access: Access::Protected,
        keypos: 0,
        read_concurrency: false,
        write_concurrency: false,
        write_concurrency_auto: false,
        decentralized_counters: false,
        compressed: false,
        heir: None,
    };
    let mut decentralized: Option<bool> = None;
    // As in OTP: `set` and `protected` change nothing, the last of the other types and
    // of public/private wins, and naming `ordered_set` anywhere makes counters
    // decentralized by default.
    let mut saw_ordered_set = false;
    let mut wc_auto = false;
    for o in opts {
        if let Some(x) = o.as_atom() {
            match x {
                _ if x == m.set || x == m.protected => {}
                _ if x == m.ordered_set => {
                    nt.kind = Kind::OrderedSet;
                    saw_ordered_set = true;
                }
                _ if x == m.bag => nt.kind = Kind::Bag,
                _ if x == m.duplicate_bag => nt.kind = Kind::DuplicateBag,
                _ if x == m.public => nt.access = Access::Public,
                _ if x == m.private => nt.access = Access::Private,
                _ if x == m.named_table => nt.named = true,
                _ if x == m.compressed => nt.compressed = true,
                _ => return Err(Fail::badarg()),
            }
            continue;
        }
        if !o.is_tuple() {
            return Err(Fail::badarg());
        }
        let e = boxed::tuple_elems(o);
        if let Some(h) = heir_opt(o) {
            nt.heir = h;
            continue;
        }
        if e.len() != 2 {
            return Err(Fail::badarg());
        }
        let Some(k) = e[0].as_atom() else {
            return Err(Fail::badarg());
        };
        if k == m.keypos {
            nt.keypos = super::position(e[1]).ok_or_else(Fail::badarg)? - 1;
        } else if k == m.read_concurrency {
            nt.read_concurrency = bool_opt(e[1]).ok_or_else(Fail::badarg)?;
        } else if k == m.write_concurrency {
            if e[1] == Term::atom(m.auto) {
                nt.write_concurrency = true;
                wc_auto = true;
            } else {
                nt.write_concurrency = bool_opt(e[1]).ok_or_else(Fail::badarg)?;
                wc_auto = false;
            }
        } else if k == m.decentralized_counters {
            decentralized = Some(bool_opt(e[1]).ok_or_else(Fail::badarg)?);
        } else {
            return Err(Fail::badarg());
        }
    }
    // Fine-grained locking (and so write_concurrency as reported) needs a shared table
    // and more than one scheduler; read_concurrency needs a shared table.
    let shared = nt.access != Access::Private;
    let fine_locked = nt.write_concurrency && shared && crate::sched::system().schedulers > 1;
    nt.write_concurrency = fine_locked;
    nt.write_concurrency_auto = wc_auto && fine_locked;
    nt.read_concurrency &= shared;
    nt.decentralized_counters = fine_locked && decentralized.unwrap_or(saw_ordered_set || wc_auto);
    let named = nt.named;
    let id = crate::bif::process::new_ref_id();
    match registry().create(id, p.id, nt) {
        Ok(_) if named => Ok(a[0]),
        Ok(_) => Ok(boxed::reference(&mut p.heap, id)),
        Err(NewError::AlreadyExists) => Err(cause(am().already_exists)),
    }
}

fn delete_1(p: &mut Process, a: &[Term]) -> BifResult {
    let t = table_for(p, a[0], Op::Write)?;
    registry().delete(&t);
    Ok(Term::atom(atom::TRUE))
}

fn whereis_1(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(name) = a[0].as_atom() else {
        return Err(Fail::badarg());
    };
    Ok(match registry().by_name(name) {
        Some(t) => boxed::reference(&mut p.heap, t.id),
        None => Term::atom(atom::UNDEFINED),
    })
}

fn rename_2(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(new) = a[1].as_atom() else {
        return Err(Fail::badarg());
    };
    let t = table_for(p, a[0], Op::Write)?;
    if !registry().rename(&t, new) {
        return Err(Fail::badarg());
    }
    Ok(tid_term(&t, &mut p.heap))
}

/// The table, if the caller may write it (`id`/`type`/`access` otherwise) and owns it
/// (`not_owner`: a public table written by another process).
fn owned_table(p: &mut Process, tab: Term) -> Result<std::sync::Arc<Table>, Fail> {
    let t = table_for(p, tab, Op::Write)?;
    if t.owner() != p.id {
        return Err(cause(am().not_owner));
    }
    Ok(t)
}

fn give_away_3(p: &mut Process, a: &[Term]) -> BifResult {
    if !a[1].is_local_pid() {
        return Err(Fail::badarg());
    }
    let t = owned_table(p, a[0])?;
    let to = a[1].pid_number();
    if to == p.id {
        return Err(cause(am().owner));
    }
    let cell = crate::process::table::table()
        .get(to)
        .filter(|c| c.state() != crate::process::cell::EXITED)
        .ok_or_else(Fail::badarg)?;
    registry().transfer(&t, to);
    let msg = crate::ets::transfer_message(&t, p.id, a[2]);
    let _ = crate::process::exit::deliver_to(&cell, crate::process::signals::Signal::Message(msg));
    Ok(Term::atom(atom::TRUE))
}

/// Parses `{protection, public | protected | private}`.
fn protection_opt(t: Term) -> Option<Access> {
    if !t.is_tuple() {
        return None;
    }
    let e = boxed::tuple_elems(t);
    if e.len() != 2 || e[0] != Term::atom(am().protection) {
        return None;
    }
    let m = am();
    match e[1].as_atom()? {
        x if x == m.public => Some(Access::Public),
        x if x == m.protected => Some(Access::Protected),
        x if x == m.private => Some(Access::Private),
        _ => None,
    }
}

fn setopts_2(p: &mut Process, a: &[Term]) -> BifResult {
    let opts = if a[1].is_list() || a[1].is_nil() {
        boxed::list_to_vec(a[1]).ok_or_else(Fail::badarg)?
    } else {
        vec![a[1]]
    };
    // Unlike `give_away`, a caller that is not the owner of a public table gets a plain
    // `badarg`.
    let t = owned_table(p, a[0]).map_err(|e| match e {
        Fail::Error { cause, .. } if cause == Term::atom(am().not_owner) => Fail::badarg(),
        e => e,
    })?;
    let mut heir = None;
    let mut access = None;
    for o in opts {
        if let Some(h) = heir_opt(o) {
            heir = Some(h);
            continue;
        }
        access = Some(protection_opt(o).ok_or_else(Fail::badarg)?);
    }
    if let Some(h) = heir {
        *t.heir.lock() = h;
    }
    if let Some(a) = access {
        t.set_access(a);
    }
    Ok(Term::atom(atom::TRUE))
}

const INFO_ITEMS: [&str; 15] = [
    "id",
    "decentralized_counters",
    "read_concurrency",
    "write_concurrency",
    "compressed",
    "memory",
    "owner",
    "heir",
    "name",
    "size",
    "node",
    "named_table",
    "type",
    "keypos",
    "protection",
];

fn info_item(p: &mut Process, t: &Table, item: &str) -> Option<Term> {
    let m = am();
    Some(match item {
        "id" => boxed::reference(&mut p.heap, t.id),
        "decentralized_counters" => Term::bool(t.decentralized_counters),
        "read_concurrency" => Term::bool(t.read_concurrency),
        "write_concurrency" if t.write_concurrency_auto => Term::atom(m.auto),
        "write_concurrency" => Term::bool(t.write_concurrency),
        "compressed" => Term::bool(t.compressed),
        "memory" => Term::small(t.memory_words() as i64),
        "owner" => Term::pid(t.owner()),
        "heir" => match &*t.heir.lock() {
            Some(h) => Term::pid(h.pid),
            None => Term::atom(m.none),
        },
        "name" => Term::atom(t.name()),
        "size" => Term::small(t.store.read().len() as i64),
        "node" => Term::atom(crate::dist::node::name()),
        "named_table" => Term::bool(t.is_named()),
        "type" => Term::atom(match t.kind {
            Kind::Set => m.set,
            Kind::OrderedSet => m.ordered_set,
            Kind::Bag => m.bag,
            Kind::DuplicateBag => m.duplicate_bag,
        }),
        "keypos" => Term::small(t.keypos as i64 + 1),
        "protection" => Term::atom(match t.access() {
            Access::Public => m.public,
            Access::Protected => m.protected,
            Access::Private => m.private,
        }),
        "fixed" => Term::bool(t.is_fixed()),
        "safe_fixed" | "safe_fixed_monotonic_time" => {
            let fix = t.fix.lock();
            match fix.since {
                Some((mono, unix_us)) if !fix.by.is_empty() => {
                    let when = if item == "safe_fixed" {
                        let mega = unix_us / 1_000_000_000_000;
                        let secs = (unix_us / 1_000_000) % 1_000_000;
                        let micro = unix_us % 1_000_000;
                        boxed::tuple(
                            &mut p.heap,
                            &[Term::small(mega), Term::small(secs), Term::small(micro)],
                        )
                    } else {
                        crate::bignum::from_i128(&mut p.heap, mono as i128)
                    };
                    let pairs: Vec<Term> = fix
                        .by
                        .iter()
                        .map(|&(pid, n)| {
                            boxed::tuple(&mut p.heap, &[Term::pid(pid), Term::small(n as i64)])
                        })
                        .collect();
                    let list = boxed::list(&mut p.heap, &pairs);
                    boxed::tuple(&mut p.heap, &[when, list])
                }
                _ => Term::atom(atom::FALSE),
            }
        }
        _ => return None,
    })
}

fn info_1(p: &mut Process, a: &[Term]) -> BifResult {
    if !a[0].is_atom() && !a[0].is_reference() {
        return Err(cause(am().type_));
    }
    let Some(t) = registry().resolve(a[0]) else {
        return Ok(Term::atom(atom::UNDEFINED));
    };
    let mut items = Vec::with_capacity(INFO_ITEMS.len());
    for name in INFO_ITEMS {
        let v = info_item(p, &t, name).unwrap_or(Term::atom(atom::UNDEFINED));
        items.push(boxed::tuple(
            &mut p.heap,
            &[Term::atom(atom::atom(name)), v],
        ));
    }
    Ok(boxed::list(&mut p.heap, &items))
}

fn info_2(p: &mut Process, a: &[Term]) -> BifResult {
    if !a[0].is_atom() && !a[0].is_reference() {
        return Err(cause(am().type_));
    }
    let Some(item) = a[1].as_atom() else {
        return Err(Fail::badarg());
    };
    let Some(t) = registry().resolve(a[0]) else {
        return Ok(Term::atom(atom::UNDEFINED));
    };
    info_item(p, &t, item.name()).ok_or_else(Fail::badarg)
}

fn safe_fixtable_2(p: &mut Process, a: &[Term]) -> BifResult {
    let on = bool_opt(a[1]).ok_or_else(Fail::badarg)?;
    let t = table_for(p, a[0], Op::Read)?;
    let mut fix = t.fix.lock();
    match fix.by.iter().position(|(pid, _)| *pid == p.id) {
        Some(i) if on => fix.by[i].1 += 1,
        Some(i) => {
            fix.by[i].1 -= 1;
            if fix.by[i].1 == 0 {
                fix.by.remove(i);
            }
        }
        None if on => {
            if fix.by.is_empty() {
                let mono = crate::bif::time::monotonic(p, Term::atom(atom::atom("native")))?;
                let mono = mono.as_small().unwrap_or(0);
                let unix_us = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_micros() as i64);
                fix.since = Some((mono, unix_us));
            }
            fix.by.insert(0, (p.id, 1));
            crate::ets::mark_owner(p.id);
        }
        None => {}
    }
    if fix.by.is_empty() {
        fix.since = None;
    }
    t.fixation_changed(&fix);
    Ok(Term::atom(atom::TRUE))
}

/// `ets:all/0` asks every scheduler for its tables; here one message carries them all and
/// the others are empty, so the caller's count of replies matches.
fn internal_request_all_0(p: &mut Process, _a: &[Term]) -> BifResult {
    let r = crate::bif::process::make_ref(p);
    let tabs = registry().all();
    let ids: Vec<Term> = tabs.iter().map(|t| tid_term(t, &mut p.heap)).collect();
    let all = boxed::list(&mut p.heap, &ids);
    let n = crate::sched::system().schedulers.max(1);
    for i in 0..n {
        let list = if i == 0 { all } else { Term::NIL };
        let msg = boxed::tuple(&mut p.heap, &[r, list]);
        p.mailbox.push_back(msg);
    }
    Ok(r)
}
