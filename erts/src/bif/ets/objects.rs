//! ETS BIFs on objects by key: `insert/2`, `insert_new/2`, `lookup/2`, `lookup_element/3`,
//! `member/2`, `delete/2`, `delete_object/2`, `take/2` and `internal_delete_all/2`.

use super::{cause, position, release, table_for};
use crate::atom;
use crate::bif::Registry;
use crate::ets::atoms::am;
use crate::ets::{Kind, Op, Table};
use crate::exception::{BifResult, Fail};
use crate::process::Process;
use crate::term::boxed;
use crate::term::copy;
use crate::term::Term;

pub fn register(r: &mut Registry) {
    r.add("ets", "insert", 2, insert_2);
    r.add("ets", "insert_new", 2, insert_new_2);
    r.add("ets", "lookup", 2, lookup_2);
    r.add("ets", "lookup_element", 3, lookup_element_3);
    r.add("ets", "member", 2, member_2);
    r.add("ets", "delete", 2, delete_2);
    r.add("ets", "delete_object", 2, delete_object_2);
    r.add("ets", "take", 2, take_2);
    r.add("ets", "internal_delete_all", 2, internal_delete_all_2);
}

/// The objects to insert: one tuple or a proper list of tuples, each with the key position.
/// A `bag` takes the objects of a list in reverse order (as OTP 25 does: objects with equal
/// keys from one list end up last-first).
fn objects(t: &Table, arg: Term) -> Result<Vec<Term>, Fail> {
    let objs = if arg.is_tuple() {
        vec![arg]
    } else {
        let mut v = boxed::list_to_vec(arg).ok_or_else(Fail::badarg)?;
        if t.kind == Kind::Bag {
            v.reverse();
        }
        v
    };
    for o in &objs {
        if !o.is_tuple() || boxed::tuple_arity(*o) <= t.keypos {
            return Err(Fail::badarg());
        }
    }
    Ok(objs)
}

fn insert_2(p: &mut Process, a: &[Term]) -> BifResult {
    let t = table_for(p, a[0], Op::Write)?;
    if a[1].is_tuple() {
        // One object: no list of objects to collect.
        if boxed::tuple_arity(a[1]) <= t.keypos {
            return Err(Fail::badarg());
        }
        t.store.write().insert(a[1]);
        release(p, t);
        return Ok(Term::atom(atom::TRUE));
    }
    let objs = objects(&t, a[1])?;
    let mut s = t.store.write();
    for o in objs {
        s.insert(o);
    }
    drop(s);
    release(p, t);
    Ok(Term::atom(atom::TRUE))
}

fn insert_new_2(p: &mut Process, a: &[Term]) -> BifResult {
    let t = table_for(p, a[0], Op::Write)?;
    let objs = objects(&t, a[1])?;
    let mut s = t.store.write();
    if objs
        .iter()
        .any(|o| s.contains_key(boxed::tuple_element(*o, t.keypos)))
    {
        return Ok(Term::atom(atom::FALSE));
    }
    for o in objs {
        s.insert(o);
    }
    Ok(Term::atom(atom::TRUE))
}

fn lookup_2(p: &mut Process, a: &[Term]) -> BifResult {
    let t = table_for(p, a[0], Op::Read)?;
    let s = t.store.read();
    if matches!(t.kind, Kind::Set | Kind::OrderedSet) {
        // At most one object.
        let found = s.get(a[1]).map(|o| copy::copy(&mut p.heap, o.term()));
        drop(s);
        release(p, t);
        return Ok(match found {
            Some(o) => boxed::list(&mut p.heap, &[o]),
            None => Term::NIL,
        });
    }
    let mut found: Vec<Term> = Vec::new();
    s.lookup(a[1], |o| found.push(copy::copy(&mut p.heap, o.term())));
    drop(s);
    release(p, t);
    Ok(boxed::list(&mut p.heap, &found))
}

fn lookup_element_3(p: &mut Process, a: &[Term]) -> BifResult {
    let t = table_for(p, a[0], Op::Read)?;
    let pos = position(a[2]).ok_or_else(Fail::badarg)?;
    let s = t.store.read();
    let mut elems: Vec<Term> = Vec::new();
    let mut short = false;
    s.lookup(a[1], |o| {
        let obj = o.term();
        if boxed::tuple_arity(obj) < pos {
            short = true;
        } else {
            elems.push(boxed::tuple_element(obj, pos - 1));
        }
    });
    if short {
        return Err(Fail::badarg());
    }
    if elems.is_empty() {
        return Err(cause(am().badkey));
    }
    let copies: Vec<Term> = elems.iter().map(|e| copy::copy(&mut p.heap, *e)).collect();
    drop(s);
    let single = matches!(t.kind, Kind::Set | Kind::OrderedSet);
    release(p, t);
    if single {
        Ok(copies[0])
    } else {
        Ok(boxed::list(&mut p.heap, &copies))
    }
}

fn member_2(p: &mut Process, a: &[Term]) -> BifResult {
    let t = table_for(p, a[0], Op::Read)?;
    let found = t.store.read().contains_key(a[1]);
    release(p, t);
    Ok(Term::bool(found))
}

fn delete_2(p: &mut Process, a: &[Term]) -> BifResult {
    let t = table_for(p, a[0], Op::Write)?;
    let removed = t.store.write().remove_key(a[1], |_| {});
    drop(removed);
    release(p, t);
    Ok(Term::atom(atom::TRUE))
}

fn delete_object_2(p: &mut Process, a: &[Term]) -> BifResult {
    let t = table_for(p, a[0], Op::Write)?;
    if !a[1].is_tuple() || boxed::tuple_arity(a[1]) <= t.keypos {
        return Err(Fail::badarg());
    }
    let removed = t.store.write().remove_object(a[1]);
    drop(removed);
    Ok(Term::atom(atom::TRUE))
}

fn take_2(p: &mut Process, a: &[Term]) -> BifResult {
    let t = table_for(p, a[0], Op::Write)?;
    let mut items: Vec<Term> = Vec::new();
    let mut s = t.store.write();
    let removed = s.remove_key(a[1], |o| items.push(copy::copy(&mut p.heap, o.term())));
    drop(s);
    drop(removed);
    Ok(boxed::list(&mut p.heap, &items))
}

/// `ets:delete_all_objects/1` (and `select_delete` of everything): the number deleted.
fn internal_delete_all_2(p: &mut Process, a: &[Term]) -> BifResult {
    let t = table_for(p, a[0], Op::Write)?;
    let mut s = t.store.write();
    let n = s.len();
    let old = s.clear();
    drop(s);
    drop(old);
    Ok(Term::small(n as i64))
}
