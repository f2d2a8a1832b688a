//! ETS key traversal BIFs: `first/1`, `next/2`, `last/1`, `prev/2` and `slot/2`.

use super::table_for;
use crate::bif::Registry;
use crate::ets::atoms::am;
use crate::ets::store::Store;
use crate::ets::Op;
use crate::exception::{BifResult, Fail};
use crate::process::Process;
use crate::term::boxed;
use crate::term::copy;
use crate::term::Term;

pub fn register(r: &mut Registry) {
    r.add("ets", "first", 1, first_1);
    r.add("ets", "last", 1, last_1);
    r.add("ets", "next", 2, next_2);
    r.add("ets", "prev", 2, prev_2);
    r.add("ets", "slot", 2, slot_2);
}

fn key_or_end(p: &mut Process, k: Option<Term>) -> Term {
    match k {
        Some(k) => copy::copy(&mut p.heap, k),
        None => Term::atom(am().end_of_table),
    }
}

fn first_1(p: &mut Process, a: &[Term]) -> BifResult {
    let t = table_for(p, a[0], Op::Read)?;
    let s = t.store.read();
    Ok(key_or_end(p, s.first_key()))
}

fn last_1(p: &mut Process, a: &[Term]) -> BifResult {
    let t = table_for(p, a[0], Op::Read)?;
    let s = t.store.read();
    Ok(key_or_end(p, s.last_key()))
}

fn next_2(p: &mut Process, a: &[Term]) -> BifResult {
    let t = table_for(p, a[0], Op::Read)?;
    let s = t.store.read();
    let k = s.next_key(a[1]).map_err(|_| Fail::badarg())?;
    Ok(key_or_end(p, k))
}

fn prev_2(p: &mut Process, a: &[Term]) -> BifResult {
    let t = table_for(p, a[0], Op::Read)?;
    let s = t.store.read();
    let k = s.prev_key(a[1]).map_err(|_| Fail::badarg())?;
    Ok(key_or_end(p, k))
}

fn slot_2(p: &mut Process, a: &[Term]) -> BifResult {
    let i = match a[1].as_small() {
        Some(i) if i >= 0 => i as usize,
        _ => return Err(Fail::badarg()),
    };
    let t = table_for(p, a[0], Op::Read)?;
    let s = t.store.read();
    let objs: Vec<Term> = match &*s {
        Store::Tree(tree) => {
            if i > tree.len() {
                return Err(Fail::badarg());
            }
            match tree.nth(i) {
                Some(o) => vec![o.term()],
                None => return Ok(Term::atom(am().end_of_table)),
            }
        }
        Store::Hash(h) => match h.slot(i) {
            Some(v) => v.iter().map(|o| o.term()).collect(),
            None => {
                if i > h.slots() {
                    return Err(Fail::badarg());
                }
                return Ok(Term::atom(am().end_of_table));
            }
        },
    };
    let copies: Vec<Term> = objs.iter().map(|o| copy::copy(&mut p.heap, *o)).collect();
    drop(s);
    Ok(boxed::list(&mut p.heap, &copies))
}
