//! ETS BIFs driven by match specifications: `select/1,2,3`, `select_reverse/1,2,3`,
//! `select_count/2`, `internal_select_delete/2`, `select_replace/2`, `match/1,2,3`,
//! `match_object/1,2,3` (with continuations), `match_spec_compile/1`, `match_spec_run_r/3`,
//! `is_compiled_ms/1` and `erlang:match_spec_test/3`.
//!
//! A continuation is `{'$ets_cont', Tab, MatchSpec, Limit, Reverse, Where}`: the spec is
//! compiled again by the next call. For an ordered set `Where` is `{'$ets_cont', LastKey}`;
//! for a hash table it is OTP's `{Bucket, Surplus}` (the bucket to go on from, `-1` at the
//! end, and the results found beyond the last chunk), so chunks hold what OTP's hold.

use super::{cause, release, table_for};
use crate::atom;
use crate::bif::Registry;
use crate::ets::atoms::am;
use crate::ets::db_hash::HashStore;
use crate::ets::db_tree::TreeStore;
use crate::ets::match_spec::{self, MatchSpec};
use crate::ets::store::Store;
use crate::ets::{Kind, Op, Table};
use crate::exception::{BifResult, Fail};
use crate::process::Process;
use crate::term::boxed;
use crate::term::compare::{compare, exact_eq};
use crate::term::copy;
use crate::term::Term;
use parking_lot::RwLock;
use std::cell::Cell;
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

pub fn register(r: &mut Registry) {
    r.add("ets", "select", 1, select_1);
    r.add("ets", "select", 2, select_2);
    r.add("ets", "select", 3, select_3);
    r.add("ets", "select_reverse", 1, select_1);
    r.add("ets", "select_reverse", 2, select_reverse_2);
    r.add("ets", "select_reverse", 3, select_reverse_3);
    r.add("ets", "select_count", 2, select_count_2);
    r.add("ets", "internal_select_delete", 2, internal_select_delete_2);
    r.add("ets", "select_replace", 2, select_replace_2);
    r.add("ets", "match", 1, select_1);
    r.add("ets", "match", 2, match_2);
    r.add("ets", "match", 3, match_3);
    r.add("ets", "match_object", 1, select_1);
    r.add("ets", "match_object", 2, match_object_2);
    r.add("ets", "match_object", 3, match_object_3);
    r.add("ets", "match_spec_compile", 1, match_spec_compile_1);
    r.add("ets", "match_spec_run_r", 3, match_spec_run_r_3);
    r.add("ets", "is_compiled_ms", 1, is_compiled_ms_1);
    r.add("erlang", "match_spec_test", 3, match_spec_test_3);
}

fn compile(ms: Term) -> Result<MatchSpec, Fail> {
    match_spec::compile(ms).map_err(|_| Fail::badarg())
}

/// Where a limited select stopped, as its continuation carries it.
enum Resume {
    /// Ordered sets: after this key.
    Tree(Term),
    /// Hash tables (OTP's continuation): the bucket to go on from (`None`: the end was
    /// reached) and the results found beyond the last chunk, as a list.
    Hash(Option<usize>, Term),
}

/// What a select run produced: the results in the order returned, and where to go on.
struct Chunk {
    results: Vec<Term>,
    /// Where to continue; `None` when nothing is left.
    next: Option<Resume>,
}

/// An ordered set's select: at most `limit` results (copied onto the caller's heap) from
/// the key after `from` on, in key order (descending when `reverse`).
fn run_tree(
    p: &mut Process,
    s: &TreeStore,
    keypos: usize,
    ms: &MatchSpec,
    reverse: bool,
    limit: Option<usize>,
    from: Option<Term>,
) -> Chunk {
    let mut results = Vec::new();
    let take = |p: &mut Process, obj: Term, results: &mut Vec<Term>| {
        if let Some(r) = ms.run(p, obj) {
            results.push(copy::copy(&mut p.heap, r));
        }
    };
    let next = match (limit, from, ms.bound_keys(keypos)) {
        (None, None, Some(mut keys)) => {
            keys.sort_by(|a, b| compare(*a, *b, false));
            if reverse {
                keys.reverse();
            }
            for k in keys {
                if let Some(o) = s.get(k) {
                    take(p, o.term(), &mut results);
                }
            }
            None
        }
        _ => s
            .visit(from, reverse, |o| {
                take(p, o.term(), &mut results);
                limit.is_none_or(|l| results.len() < l)
            })
            .filter(|_| limit.is_some_and(|l| results.len() >= l))
            .map(Resume::Tree),
    };
    Chunk { results, next }
}

/// A hash table's select as OTP's match traversal does it: whole buckets at a time, the
/// results consed as found (so in reverse traversal order); with a `limit`, a bucket is
/// finished even past the limit and the results beyond it are carried in the continuation
/// (`from`: where the last call stopped, and those results).
fn run_hash(
    p: &mut Process,
    h: &HashStore,
    keypos: usize,
    ms: &MatchSpec,
    limit: Option<usize>,
    from: Option<(Option<usize>, Term)>,
) -> Result<Chunk, Fail> {
    let first_call = from.is_none();
    let (mut slot, carried) = from.unwrap_or((Some(0), Term::NIL));
    // The result list, head first.
    let mut list: VecDeque<Term> = boxed::list_to_vec(carried).ok_or_else(Fail::badarg)?.into();
    let got = Cell::new(list.len());
    let enough = || limit.is_some_and(|l| got.get() >= l);
    let take = |p: &mut Process, list: &mut VecDeque<Term>, o: &crate::ets::db_term::DbTerm| {
        if let Some(r) = ms.run(p, o.term()) {
            list.push_front(copy::copy(&mut p.heap, r));
            got.set(got.get() + 1);
        }
    };
    match (first_call, ms.bound_keys(keypos)) {
        (true, Some(keys)) => {
            for ix in h.buckets_of(&keys) {
                h.visit_bucket(ix, |o| take(p, &mut list, o));
            }
            slot = None;
        }
        _ => {
            if let Some(ix) = slot.filter(|_| !enough()) {
                if ix >= h.slots() {
                    return Err(Fail::badarg());
                }
                slot = h.visit_buckets(ix, |o| take(p, &mut list, o), enough);
            }
        }
    }
    let mut rest = Vec::new();
    if let Some(l) = limit {
        if list.len() > l {
            rest = list.drain(..list.len() - l).collect();
            // A continued call conses the surplus onto a new list, reversing it.
            if !first_call {
                rest.reverse();
            }
        }
    }
    let next = if limit.is_some() && (!rest.is_empty() || slot.is_some()) {
        Some(Resume::Hash(slot, boxed::list(&mut p.heap, &rest)))
    } else {
        None
    };
    Ok(Chunk {
        results: list.into(),
        next,
    })
}

/// Runs `ms` over table `t` (its storage `s`), from `from` on, with at most `limit` results.
fn run(
    p: &mut Process,
    t: &Table,
    s: &Store,
    ms: &MatchSpec,
    reverse: bool,
    limit: Option<usize>,
    from: Option<Resume>,
) -> Result<Chunk, Fail> {
    match (s, from) {
        (Store::Tree(tree), None) => Ok(run_tree(p, tree, t.keypos, ms, reverse, limit, None)),
        (Store::Tree(tree), Some(Resume::Tree(k))) => {
            Ok(run_tree(p, tree, t.keypos, ms, reverse, limit, Some(k)))
        }
        (Store::Hash(h), None) => run_hash(p, h, t.keypos, ms, limit, None),
        (Store::Hash(h), Some(Resume::Hash(slot, rest))) => {
            run_hash(p, h, t.keypos, ms, limit, Some((slot, rest)))
        }
        _ => Err(Fail::badarg()),
    }
}

fn limit_arg(t: Term) -> Result<usize, Fail> {
    match t.as_small() {
        Some(n) if n >= 1 => Ok(n as usize),
        _ => Err(Fail::badarg()),
    }
}

fn resume_term(p: &mut Process, r: Resume) -> Term {
    match r {
        Resume::Hash(slot, rest) => {
            let slot = Term::small(slot.map_or(-1, |s| s as i64));
            boxed::tuple(&mut p.heap, &[slot, rest])
        }
        Resume::Tree(k) => {
            let k = copy::copy(&mut p.heap, k);
            boxed::tuple(&mut p.heap, &[Term::atom(am().ets_cont), k])
        }
    }
}

fn resume_from(t: Term) -> Option<Resume> {
    if !t.is_tuple() || boxed::tuple_arity(t) != 2 {
        return None;
    }
    let (a, b) = (boxed::tuple_element(t, 0), boxed::tuple_element(t, 1));
    if a == Term::atom(am().ets_cont) {
        return Some(Resume::Tree(b));
    }
    match a.as_small() {
        Some(-1) => Some(Resume::Hash(None, b)),
        Some(s) if s >= 0 => Some(Resume::Hash(Some(s as usize), b)),
        _ => None,
    }
}

/// A limited select: `{Results, Continuation}` or `'$end_of_table'`.
fn limited(
    p: &mut Process,
    tab: Term,
    t: &Table,
    ms_term: Term,
    limit: usize,
    reverse: bool,
    from: Option<Resume>,
) -> BifResult {
    let ms = compile(ms_term)?;
    let s = t.store.read();
    let chunk = run(p, t, &s, &ms, reverse, Some(limit), from)?;
    drop(s);
    let cont = match chunk.next {
        Some(r) => {
            let c = resume_term(p, r);
            boxed::tuple(
                &mut p.heap,
                &[
                    Term::atom(am().ets_cont),
                    tab,
                    ms_term,
                    Term::small(limit as i64),
                    Term::bool(reverse),
                    c,
                ],
            )
        }
        None => {
            if chunk.results.is_empty() {
                return Ok(Term::atom(am().end_of_table));
            }
            Term::atom(am().end_of_table)
        }
    };
    let list = boxed::list(&mut p.heap, &chunk.results);
    Ok(boxed::tuple(&mut p.heap, &[list, cont]))
}

fn select_all(p: &mut Process, tab: Term, ms_term: Term, reverse: bool) -> BifResult {
    let t = table_for(p, tab, Op::Read)?;
    let ms = compile(ms_term)?;
    let s = t.store.read();
    let chunk = run(p, &t, &s, &ms, reverse, None, None)?;
    drop(s);
    release(p, t);
    Ok(boxed::list(&mut p.heap, &chunk.results))
}

fn select_2(p: &mut Process, a: &[Term]) -> BifResult {
    select_all(p, a[0], a[1], false)
}

fn select_reverse_2(p: &mut Process, a: &[Term]) -> BifResult {
    select_all(p, a[0], a[1], true)
}

fn select_3(p: &mut Process, a: &[Term]) -> BifResult {
    let t = table_for(p, a[0], Op::Read)?;
    let limit = limit_arg(a[2])?;
    limited(p, a[0], &t, a[1], limit, false, None)
}

fn select_reverse_3(p: &mut Process, a: &[Term]) -> BifResult {
    let t = table_for(p, a[0], Op::Read)?;
    let limit = limit_arg(a[2])?;
    limited(p, a[0], &t, a[1], limit, true, None)
}

/// `select/1`, `select_reverse/1`, `match/1`, `match_object/1`: the next chunk.
fn select_1(p: &mut Process, a: &[Term]) -> BifResult {
    let c = a[0];
    if c == Term::atom(am().end_of_table) {
        return Ok(c);
    }
    if !c.is_tuple() {
        return Err(Fail::badarg());
    }
    if boxed::tuple_arity(c) != 6 || boxed::tuple_element(c, 0) != Term::atom(am().ets_cont) {
        // OTP reports a tuple it cannot read as a continuation as a bad table id.
        return Err(super::cause(am().id));
    }
    let e = boxed::tuple_elems(c);
    let limit = limit_arg(e[3])?;
    let reverse = e[4] == Term::atom(atom::TRUE);
    let resume = resume_from(e[5]).ok_or_else(Fail::badarg)?;
    let t = table_for(p, e[1], Op::Read)?;
    limited(p, e[1], &t, e[2], limit, reverse, Some(resume))
}

fn select_count_2(p: &mut Process, a: &[Term]) -> BifResult {
    let t = table_for(p, a[0], Op::Read)?;
    let ms = compile(a[1])?;
    let s = t.store.read();
    let mut n: i64 = 0;
    let yes = Term::atom(atom::TRUE);
    s.for_each(|o| {
        if ms.run(p, o.term()) == Some(yes) {
            n += 1;
        }
    });
    Ok(Term::small(n))
}

fn internal_select_delete_2(p: &mut Process, a: &[Term]) -> BifResult {
    let t = table_for(p, a[0], Op::Write)?;
    let ms = compile(a[1])?;
    let yes = Term::atom(atom::TRUE);
    let mut s = t.store.write();
    let (n, freed) = s.retain(|o| ms.run(p, o.term()) != Some(yes));
    drop(s);
    drop(freed);
    Ok(Term::small(n as i64))
}

fn select_replace_2(p: &mut Process, a: &[Term]) -> BifResult {
    let t = table_for(p, a[0], Op::Write)?;
    if t.kind == Kind::Bag {
        return Err(cause(am().table_type));
    }
    // OTP refuses a clause whose head is a bare variable: it could not tell that the
    // replacement keeps the key.
    if let Some(clauses) = boxed::list_to_vec(a[1]) {
        let bare = |c: &Term| {
            c.is_tuple()
                && boxed::tuple_arity(*c) == 3
                && crate::ets::match_spec::is_variable(boxed::tuple_element(*c, 0))
        };
        if clauses.iter().any(bare) {
            return Err(Fail::badarg());
        }
    }
    let ms = compile(a[1])?;
    let mut s = t.store.write();
    let keypos = t.keypos;
    // First pass: every replacement, checked to keep its object's key.
    let mut news: Vec<Option<Term>> = Vec::new();
    let mut bad = false;
    s.for_each(|o| {
        if bad {
            return;
        }
        let r = ms.run(p, o.term());
        if let Some(r) = r {
            let same_key = r.is_tuple()
                && boxed::tuple_arity(r) > keypos
                && exact_eq(boxed::tuple_element(r, keypos), o.key(keypos));
            bad |= !same_key;
        }
        news.push(r);
    });
    if bad {
        return Err(Fail::badarg());
    }
    // Second pass, in the same order: replace.
    let mut it = news.into_iter();
    let n = s.replace_each(|_| it.next().flatten());
    Ok(Term::small(n as i64))
}

/// `[{Pattern, [], [Body]}]` on the caller's heap.
fn pattern_spec(p: &mut Process, pattern: Term, body: Term) -> Term {
    let b = boxed::list(&mut p.heap, &[body]);
    let clause = boxed::tuple(&mut p.heap, &[pattern, Term::NIL, b]);
    boxed::list(&mut p.heap, &[clause])
}

fn match_2(p: &mut Process, a: &[Term]) -> BifResult {
    let ms = pattern_spec(p, a[1], Term::atom(am().dollar_dollar));
    select_all(p, a[0], ms, false)
}

fn match_3(p: &mut Process, a: &[Term]) -> BifResult {
    let t = table_for(p, a[0], Op::Read)?;
    let limit = limit_arg(a[2])?;
    let ms = pattern_spec(p, a[1], Term::atom(am().dollar_dollar));
    limited(p, a[0], &t, ms, limit, false, None)
}

fn match_object_2(p: &mut Process, a: &[Term]) -> BifResult {
    let ms = pattern_spec(p, a[1], Term::atom(am().dollar_underscore));
    select_all(p, a[0], ms, false)
}

fn match_object_3(p: &mut Process, a: &[Term]) -> BifResult {
    let t = table_for(p, a[0], Op::Read)?;
    let limit = limit_arg(a[2])?;
    let ms = pattern_spec(p, a[1], Term::atom(am().dollar_underscore));
    limited(p, a[0], &t, ms, limit, false, None)
}

/// Compiled specifications by reference number. A compiled spec is a reference (OTP's is a
/// magic reference freed by the GC); these are kept for the life of the node.
fn compiled() -> &'static RwLock<HashMap<u64, Arc<MatchSpec>>> {
    static C: crate::instance::InstanceLocal<RwLock<HashMap<u64, Arc<MatchSpec>>>> =
        crate::instance::InstanceLocal::new();
    C.get_or_init(|| RwLock::new(HashMap::new()))
}

fn compiled_ms(t: Term) -> Option<Arc<MatchSpec>> {
    if !t.is_reference() || t.is_boxed_with(crate::term::subtag::EXTERNAL_REF) {
        return None;
    }
    compiled().read().get(&boxed::reference_id(t)).cloned()
}

fn match_spec_compile_1(p: &mut Process, a: &[Term]) -> BifResult {
    let ms = compile(a[0])?;
    let id = crate::bif::process::new_ref_id();
    compiled().write().insert(id, Arc::new(ms));
    Ok(boxed::reference(&mut p.heap, id))
}

fn is_compiled_ms_1(_p: &mut Process, a: &[Term]) -> BifResult {
    Ok(Term::bool(compiled_ms(a[0]).is_some()))
}

fn match_spec_run_r_3(p: &mut Process, a: &[Term]) -> BifResult {
    let ms = compiled_ms(a[1]).ok_or_else(Fail::badarg)?;
    let items = boxed::list_to_vec(a[0]).ok_or_else(Fail::badarg)?;
    let mut acc = a[2];
    for it in items {
        if let Some(r) = ms.run(p, it) {
            acc = boxed::cons(&mut p.heap, r, acc);
        }
    }
    Ok(acc)
}

/// `erlang:match_spec_test(Term, MatchSpec, table | trace)`.
fn match_spec_test_3(p: &mut Process, a: &[Term]) -> BifResult {
    let kind = a[2];
    if kind != Term::atom(am().table) && kind != Term::atom(am().trace) {
        return Err(Fail::badarg());
    }
    if kind == Term::atom(am().trace) && !(a[0].is_list() || a[0].is_nil()) {
        return Err(Fail::badarg());
    }
    match match_spec::compile(a[1]) {
        Ok(ms) => {
            let r = match ms.run(p, a[0]) {
                // A trace pattern's result is whether it matched.
                Some(_) if kind == Term::atom(am().trace) => Term::atom(atom::TRUE),
                Some(r) => r,
                None => Term::atom(atom::FALSE),
            };
            Ok(boxed::tuple(
                &mut p.heap,
                &[Term::atom(atom::OK), r, Term::NIL, Term::NIL],
            ))
        }
        Err(e) => {
            let msg = e.message();
            let s = boxed::string(&mut p.heap, msg.chars().map(|c| c as u32));
            let item = boxed::tuple(&mut p.heap, &[Term::atom(atom::ERROR), s]);
            let list = boxed::list(&mut p.heap, &[item]);
            Ok(boxed::tuple(&mut p.heap, &[Term::atom(atom::ERROR), list]))
        }
    }
}
