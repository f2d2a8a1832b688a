//! ETS BIFs that change elements of a stored object in place: `update_counter/3,4` (every
//! operation form, with thresholds and default objects) and `update_element/3`.

use super::{cause, position, release, table_for};
use crate::atom;
use crate::bif::Registry;
use crate::ets::atoms::am;
use crate::ets::store::Store;
use crate::ets::{Kind, Op, Table};
use crate::exception::{BifResult, Fail};
use crate::process::Process;
use crate::term::boxed;
use crate::term::compare::compare;
use crate::term::copy;
use crate::term::Term;
use std::cmp::Ordering;

pub fn register(r: &mut Registry) {
    r.add("ets", "update_counter", 3, update_counter_3);
    r.add("ets", "update_counter", 4, update_counter_4);
    r.add("ets", "update_element", 3, update_element_3);
}

/// One counter operation: 1-based position, increment, optional threshold and set value.
struct CounterOp {
    pos: usize,
    incr: Term,
    limit: Option<(Term, Term)>,
}

/// Parses `Incr | {Pos, Incr} | {Pos, Incr, Threshold, SetValue}` or a list of the tuple
/// forms; the flag tells whether a list was given (the result is then a list).
fn counter_ops(t: &Table, arg: Term) -> Result<(Vec<CounterOp>, bool), Fail> {
    if arg.is_integer() {
        return Ok((
            vec![CounterOp {
                pos: t.keypos + 2,
                incr: arg,
                limit: None,
            }],
            false,
        ));
    }
    let one = |op: Term| -> Result<CounterOp, Fail> {
        if !op.is_tuple() {
            return Err(Fail::badarg());
        }
        let e = boxed::tuple_elems(op);
        let pos = match (position(e[0]), e[0].as_small()) {
            (Some(pos), _) => pos,
            // An integer position before the first element.
            (None, Some(_)) => return Err(cause(am().position)),
            (None, None) => return Err(Fail::badarg()),
        };
        match e.len() {
            2 if e[1].is_integer() => Ok(CounterOp {
                pos,
                incr: e[1],
                limit: None,
            }),
            4 if e[1].is_integer() && e[2].is_integer() && e[3].is_integer() => Ok(CounterOp {
                pos,
                incr: e[1],
                limit: Some((e[2], e[3])),
            }),
            _ => Err(Fail::badarg()),
        }
    };
    if arg.is_tuple() {
        return Ok((vec![one(arg)?], false));
    }
    let items = boxed::list_to_vec(arg).ok_or_else(Fail::badarg)?;
    let ops: Result<Vec<CounterOp>, Fail> = items.into_iter().map(one).collect();
    Ok((ops?, true))
}

/// The common update: one small increment of an element that holds a small integer and
/// stays one, changed in place under the write lock with no allocation. `None` (and the table
/// unchanged) when the general path must decide: no such object, another operation form, a
/// position that is not a counter, or a sum that is not a small integer.
fn update_small(t: &Table, key: Term, arg: Term) -> Option<Term> {
    let (pos, incr) = match arg.as_small() {
        Some(incr) => (t.keypos + 2, incr),
        None if arg.is_tuple() && boxed::tuple_arity(arg) == 2 => {
            let e = boxed::tuple_elems(arg);
            (position(e[0])?, e[1].as_small()?)
        }
        None => return None,
    };
    if pos == t.keypos + 1 {
        return None;
    }
    let hash = Store::key_hash(t.kind, key);
    let mut s = t.store.write();
    let o = s.get_mut_hashed(key, hash)?;
    let old = boxed::tuple_elems(o.term()).get(pos - 1)?.as_small()?;
    let new = Term::try_small(old.checked_add(incr)?)?;
    o.set_immediate(pos - 1, new);
    Some(new)
}

fn update_counter(p: &mut Process, a: &[Term], default: Option<Term>) -> BifResult {
    let t = table_for(p, a[0], Op::Write)?;
    if !matches!(t.kind, Kind::Set | Kind::OrderedSet) {
        return Err(cause(am().table_type));
    }
    if default.is_none_or(|d| d.is_tuple()) {
        if let Some(r) = update_small(&t, a[1], a[2]) {
            release(p, t);
            return Ok(r);
        }
    }
    let (ops, as_list) = counter_ops(&t, a[2])?;
    // The default object must be a tuple; its size matters only when it is used.
    if default.is_some_and(|d| !d.is_tuple()) {
        return Err(Fail::badarg());
    }
    let key = a[1];
    let add = add_bif().ok_or(Fail::Undef)?;
    let mut s = t.store.write();
    // The object to update, as elements (they may point into the stored object).
    let existing = s.get(key).map(|o| o.term());
    let mut elems: Vec<Term> = match existing {
        Some(o) => boxed::tuple_elems(o).to_vec(),
        None => match default {
            Some(d) if boxed::tuple_arity(d) <= t.keypos => return Err(Fail::badarg()),
            Some(d) => {
                let mut e = boxed::tuple_elems(d).to_vec();
                e[t.keypos] = key;
                e
            }
            None => return Err(cause(am().badkey)),
        },
    };
    let mut results = Vec::with_capacity(ops.len());
    for op in &ops {
        if op.pos == t.keypos + 1 {
            return Err(cause(am().keypos));
        }
        if op.pos > elems.len() {
            return Err(cause(am().position));
        }
        let old = elems[op.pos - 1];
        if !old.is_integer() {
            return Err(Fail::badarg());
        }
        let mut new = add(p, &[old, op.incr])?;
        if let Some((threshold, set)) = op.limit {
            let up = compare(op.incr, Term::small(0), false) != Ordering::Less;
            let c = compare(new, threshold, false);
            if (up && c == Ordering::Greater) || (!up && c == Ordering::Less) {
                new = set;
            }
        }
        elems[op.pos - 1] = new;
        results.push(new);
    }
    let in_place = existing.is_some() && results.iter().all(|r| r.is_immediate());
    let old = if in_place {
        // Small counters change in place: no new object, no allocation under the lock.
        let o = s.get_mut(key).expect("the object was just found");
        for op in &ops {
            o.set_immediate(op.pos - 1, elems[op.pos - 1]);
        }
        None
    } else {
        let obj = boxed::tuple(&mut p.heap, &elems);
        if existing.is_some() {
            // In place, as OTP updates an object: its position in the table stays.
            s.replace(obj)
        } else {
            s.insert(obj);
            None
        }
    };
    drop(s);
    drop(old);
    release(p, t);
    let results: Vec<Term> = results
        .iter()
        .map(|r| copy::copy(&mut p.heap, *r))
        .collect();
    if as_list {
        Ok(boxed::list(&mut p.heap, &results))
    } else {
        Ok(results[0])
    }
}

/// `erlang:+/2`, looked up once.
fn add_bif() -> Option<crate::bif::BifFn> {
    // Process-wide: a BIF function, the same for every instance.
    static ADD: std::sync::OnceLock<Option<crate::bif::BifFn>> = std::sync::OnceLock::new();
    *ADD.get_or_init(|| crate::bif::lookup(atom::ERLANG, atom::atom("+"), 2))
}

fn update_counter_3(p: &mut Process, a: &[Term]) -> BifResult {
    update_counter(p, a, None)
}

fn update_counter_4(p: &mut Process, a: &[Term]) -> BifResult {
    update_counter(p, a, Some(a[3]))
}

fn update_element_3(p: &mut Process, a: &[Term]) -> BifResult {
    let t = table_for(p, a[0], Op::Write)?;
    if !matches!(t.kind, Kind::Set | Kind::OrderedSet) {
        return Err(Fail::badarg());
    }
    let specs = if a[2].is_tuple() {
        vec![a[2]]
    } else {
        boxed::list_to_vec(a[2]).ok_or_else(Fail::badarg)?
    };
    let mut changes = Vec::with_capacity(specs.len());
    for sp in specs {
        if !sp.is_tuple() || boxed::tuple_arity(sp) != 2 {
            return Err(Fail::badarg());
        }
        let pos = position(boxed::tuple_element(sp, 0)).ok_or_else(Fail::badarg)?;
        changes.push((pos, boxed::tuple_element(sp, 1)));
    }
    let mut s = t.store.write();
    let Some(o) = s.get(a[1]) else {
        return Ok(Term::atom(atom::FALSE));
    };
    let mut elems = boxed::tuple_elems(o.term()).to_vec();
    for &(pos, v) in &changes {
        if pos == t.keypos + 1 {
            return Err(cause(am().keypos));
        }
        if pos > elems.len() {
            return Err(Fail::badarg());
        }
        elems[pos - 1] = v;
    }
    let obj = boxed::tuple(&mut p.heap, &elems);
    let old = s.replace(obj);
    drop(s);
    drop(old);
    Ok(Term::atom(atom::TRUE))
}
