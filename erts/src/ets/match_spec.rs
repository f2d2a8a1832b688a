//! Match specifications (OTP's `erl_db_util.c`): compiling `[{Head, Guards, Body}]` into
//! patterns and expression trees, and running them against a term. Shared by `ets:select`
//! and friends, `ets:match_spec_run/2` and `erlang:match_spec_test/3`.
//!
//! Head patterns bind `'$N'` variables (`'_'` matches anything, other terms match with
//! `=:=`); guards are expressions that must all be `true` (an exception makes a guard false);
//! the body's last expression is the result (an exception gives `'EXIT'`). Expressions are
//! `'$N'`, `'$_'` (the whole term), `'$$'` (all variables), `{const, T}`, `{{...}}` (tuple
//! construction), lists, maps, constants, and calls `{Fun, Arg...}` of the guard functions.

use super::atoms::am;
use crate::atom::{self, Atom};
use crate::bif::BifFn;
use crate::process::signals::OwnedTerm;
use crate::process::Process;
use crate::term::boxed;
use crate::term::compare::{compare, exact_eq};
use crate::term::Term;
use std::cmp::Ordering;

/// Why a match specification is invalid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MsError {
    /// Not a list of `{Head, Guards, Body}` tuples.
    Malformed,
    /// A variable used in a guard or body is not bound by the head.
    UnboundVariable(u32),
    /// A call of a function that match specifications do not have.
    UnknownFunction(Atom, usize),
    /// A construct that is not an expression (e.g. `'_'` in a body).
    BadExpression,
}

impl MsError {
    /// The message `erlang:match_spec_test/3` gives, as OTP words it.
    pub fn message(&self) -> String {
        match self {
            MsError::Malformed => "Match program is not a list of tuples.".to_string(),
            MsError::UnboundVariable(n) => format!("Variable '${}' is unbound.", n),
            MsError::UnknownFunction(f, a) => {
                format!("Function {}/{} does_not_exist.", f.name(), a)
            }
            MsError::BadExpression => "Term is not a valid match spec expression.".to_string(),
        }
    }
}

enum Pat {
    Wild,
    /// First occurrence of a variable: binds slot.
    Bind(usize),
    /// Later occurrence: must equal the slot's value.
    Check(usize),
    Const(Term),
    Tuple(Vec<Pat>),
    Cons(Box<Pat>, Box<Pat>),
    /// A map pattern: these keys (constants) with values matching.
    Map(Vec<(Term, Pat)>),
}

#[derive(Clone, Copy)]
enum TypeTest {
    Atom,
    Float,
    Integer,
    List,
    Number,
    Pid,
    Port,
    Reference,
    Tuple,
    Map,
    Binary,
    Function,
}

#[derive(Clone, Copy)]
enum Cmp {
    Gt,
    Ge,
    Lt,
    Le,
    ExactEq,
    Eq,
    ExactNe,
    Ne,
}

enum Expr {
    Const(Term),
    Var(usize),
    Whole,
    AllVars,
    Tuple(Vec<Expr>),
    Cons(Box<Expr>, Box<Expr>),
    Map(Vec<(Expr, Expr)>),
    AndAlso(Vec<Expr>),
    OrElse(Vec<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Type(TypeTest, Box<Expr>),
    IsRecord(Box<Expr>, Box<Expr>, Box<Expr>),
    Compare(Cmp, Box<Expr>, Box<Expr>),
    Call(BifFn, Vec<Expr>),
}

struct Clause {
    head: Pat,
    /// The head term (in the spec's own heap), for finding a bound key.
    head_term: Term,
    guards: Vec<Expr>,
    body: Vec<Expr>,
    nslots: usize,
    /// Slots in ascending variable number, for `'$$'`.
    ordered_slots: Vec<usize>,
}

/// A compiled match specification.
pub struct MatchSpec {
    /// The specification term, which constants point into.
    src: OwnedTerm,
    clauses: Vec<Clause>,
}

// SAFETY: the terms of a compiled spec point only into `src`, which it owns and never
// changes; BIF function pointers are plain code.
unsafe impl Send for MatchSpec {}
// SAFETY: as above; running a spec only reads it.
unsafe impl Sync for MatchSpec {}

/// Whether `t` is a match variable `'$N'`.
pub fn is_variable(t: Term) -> bool {
    t.as_atom().and_then(var_number).is_some()
}

/// The variable number of `'$N'`.
fn var_number(a: Atom) -> Option<u32> {
    let s = a.name().strip_prefix('$')?;
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u32 = s.parse().ok()?;
    (n <= 100_000_000).then_some(n)
}

struct Vars {
    /// (variable number, slot)
    map: Vec<(u32, usize)>,
}

impl Vars {
    fn slot(&self, n: u32) -> Option<usize> {
        self.map.iter().find(|(v, _)| *v == n).map(|(_, s)| *s)
    }
}

fn compile_pat(t: Term, vars: &mut Vars) -> Pat {
    if let Some(a) = t.as_atom() {
        if a == am().underscore {
            return Pat::Wild;
        }
        if let Some(n) = var_number(a) {
            return match vars.slot(n) {
                Some(s) => Pat::Check(s),
                None => {
                    let s = vars.map.len();
                    vars.map.push((n, s));
                    Pat::Bind(s)
                }
            };
        }
        return Pat::Const(t);
    }
    if t.is_tuple() {
        return Pat::Tuple(
            boxed::tuple_elems(t)
                .iter()
                .map(|e| compile_pat(*e, vars))
                .collect(),
        );
    }
    if t.is_list() {
        let h = compile_pat(t.head(), vars);
        let tl = compile_pat(t.tail(), vars);
        return Pat::Cons(Box::new(h), Box::new(tl));
    }
    if t.is_map() {
        let mut pairs = Vec::new();
        for (k, v) in crate::map::sorted_pairs(t) {
            pairs.push((k, compile_pat(v, vars)));
        }
        return Pat::Map(pairs);
    }
    Pat::Const(t)
}

fn erlang_bif(name: &str, arity: u32) -> Option<BifFn> {
    crate::bif::lookup(atom::ERLANG, atom::atom(name), arity)
}

fn compile_expr(t: Term, vars: &Vars) -> Result<Expr, MsError> {
    if let Some(a) = t.as_atom() {
        if a == am().dollar_underscore {
            return Ok(Expr::Whole);
        }
        if a == am().dollar_dollar {
            return Ok(Expr::AllVars);
        }
        if a == am().underscore {
            return Err(MsError::BadExpression);
        }
        if let Some(n) = var_number(a) {
            return vars
                .slot(n)
                .map(Expr::Var)
                .ok_or(MsError::UnboundVariable(n));
        }
        return Ok(Expr::Const(t));
    }
    if t.is_list() {
        let h = compile_expr(t.head(), vars)?;
        let tl = compile_expr(t.tail(), vars)?;
        return Ok(Expr::Cons(Box::new(h), Box::new(tl)));
    }
    if t.is_map() {
        let mut pairs = Vec::new();
        for (k, v) in crate::map::sorted_pairs(t) {
            pairs.push((compile_expr(k, vars)?, compile_expr(v, vars)?));
        }
        return Ok(Expr::Map(pairs));
    }
    if !t.is_tuple() {
        return Ok(Expr::Const(t));
    }
    let elems = boxed::tuple_elems(t);
    if elems.is_empty() {
        return Err(MsError::BadExpression);
    }
    if elems.len() == 1 && elems[0].is_tuple() {
        let inner = boxed::tuple_elems(elems[0]);
        let parts: Result<Vec<Expr>, MsError> =
            inner.iter().map(|e| compile_expr(*e, vars)).collect();
        return Ok(Expr::Tuple(parts?));
    }
    let Some(f) = elems[0].as_atom() else {
        return Err(MsError::BadExpression);
    };
    let args = &elems[1..];
    if f == am().const_ && args.len() == 1 {
        return Ok(Expr::Const(args[0]));
    }
    let c = |i: usize| compile_expr(args[i], vars).map(Box::new);
    let all = |vars: &Vars| -> Result<Vec<Expr>, MsError> {
        args.iter().map(|e| compile_expr(*e, vars)).collect()
    };
    let n = args.len();
    let name = f.name();
    // The functions OTP 25 accepts in table match specifications (is_boolean,
    // is_bitstring, tuple_size, min/max, ceil/floor and is_function/2 are not among them).
    let type_test = match (name, n) {
        ("is_atom", 1) => Some(TypeTest::Atom),
        ("is_float", 1) => Some(TypeTest::Float),
        ("is_integer", 1) => Some(TypeTest::Integer),
        ("is_list", 1) => Some(TypeTest::List),
        ("is_number", 1) => Some(TypeTest::Number),
        ("is_pid", 1) => Some(TypeTest::Pid),
        ("is_port", 1) => Some(TypeTest::Port),
        ("is_reference", 1) => Some(TypeTest::Reference),
        ("is_tuple", 1) => Some(TypeTest::Tuple),
        ("is_map", 1) => Some(TypeTest::Map),
        ("is_binary", 1) => Some(TypeTest::Binary),
        ("is_function", 1) => Some(TypeTest::Function),
        _ => None,
    };
    if let Some(tt) = type_test {
        return Ok(Expr::Type(tt, c(0)?));
    }
    let cmp = match (name, n) {
        (">", 2) => Some(Cmp::Gt),
        (">=", 2) => Some(Cmp::Ge),
        ("<", 2) => Some(Cmp::Lt),
        ("=<", 2) => Some(Cmp::Le),
        ("=:=", 2) => Some(Cmp::ExactEq),
        ("==", 2) => Some(Cmp::Eq),
        ("=/=", 2) => Some(Cmp::ExactNe),
        ("/=", 2) => Some(Cmp::Ne),
        _ => None,
    };
    if let Some(op) = cmp {
        return Ok(Expr::Compare(op, c(0)?, c(1)?));
    }
    match (name, n) {
        ("andalso", _) => return Ok(Expr::AndAlso(all(vars)?)),
        ("orelse", _) => return Ok(Expr::OrElse(all(vars)?)),
        ("and", _) => return Ok(Expr::And(all(vars)?)),
        ("or", _) => return Ok(Expr::Or(all(vars)?)),
        ("is_record", 3) => return Ok(Expr::IsRecord(c(0)?, c(1)?, c(2)?)),
        _ => {}
    }
    const CALLS: &[(&str, usize)] = &[
        ("element", 2),
        ("hd", 1),
        ("tl", 1),
        ("length", 1),
        ("size", 1),
        ("byte_size", 1),
        ("bit_size", 1),
        ("map_size", 1),
        ("map_get", 2),
        ("is_map_key", 2),
        ("abs", 1),
        ("round", 1),
        ("trunc", 1),
        ("float", 1),
        ("binary_part", 2),
        ("binary_part", 3),
        ("node", 0),
        ("node", 1),
        ("self", 0),
        ("not", 1),
        ("xor", 2),
        ("+", 1),
        ("+", 2),
        ("-", 1),
        ("-", 2),
        ("*", 2),
        ("/", 2),
        ("div", 2),
        ("rem", 2),
        ("band", 2),
        ("bor", 2),
        ("bxor", 2),
        ("bnot", 1),
        ("bsl", 2),
        ("bsr", 2),
    ];
    if CALLS.contains(&(name, n)) {
        if let Some(bif) = erlang_bif(name, n as u32) {
            return Ok(Expr::Call(bif, all(vars)?));
        }
    }
    Err(MsError::UnknownFunction(f, n))
}

/// Compiles the match specification `ms`.
pub fn compile(ms: Term) -> Result<MatchSpec, MsError> {
    let src = OwnedTerm::copy_of(ms);
    let Some(items) = boxed::list_to_vec(src.term) else {
        return Err(MsError::Malformed);
    };
    let mut clauses = Vec::with_capacity(items.len());
    for item in items {
        if !item.is_tuple() || boxed::tuple_arity(item) != 3 {
            return Err(MsError::Malformed);
        }
        let (head, guards, body) = (
            boxed::tuple_element(item, 0),
            boxed::tuple_element(item, 1),
            boxed::tuple_element(item, 2),
        );
        let mut vars = Vars { map: Vec::new() };
        let pat = compile_pat(head, &mut vars);
        let guards = boxed::list_to_vec(guards).ok_or(MsError::Malformed)?;
        let body = boxed::list_to_vec(body).ok_or(MsError::Malformed)?;
        if body.is_empty() {
            return Err(MsError::Malformed);
        }
        let guards: Result<Vec<Expr>, MsError> =
            guards.iter().map(|g| compile_expr(*g, &vars)).collect();
        let body: Result<Vec<Expr>, MsError> =
            body.iter().map(|b| compile_expr(*b, &vars)).collect();
        let mut by_number = vars.map.clone();
        by_number.sort_by_key(|(n, _)| *n);
        clauses.push(Clause {
            head: pat,
            head_term: head,
            guards: guards?,
            body: body?,
            nslots: vars.map.len(),
            ordered_slots: by_number.into_iter().map(|(_, s)| s).collect(),
        });
    }
    Ok(MatchSpec { src, clauses })
}

/// Whether `t` contains no `'_'` and no `'$N'` variables.
fn is_ground(t: Term) -> bool {
    if let Some(a) = t.as_atom() {
        return a != am().underscore && var_number(a).is_none();
    }
    if t.is_tuple() {
        return boxed::tuple_elems(t).iter().all(|e| is_ground(*e));
    }
    if t.is_list() {
        return is_ground(t.head()) && is_ground(t.tail());
    }
    if t.is_map() {
        return crate::map::sorted_pairs(t)
            .into_iter()
            .all(|(k, v)| is_ground(k) && is_ground(v));
    }
    true
}

struct Ctx<'a> {
    p: &'a mut Process,
    whole: Term,
    vars: &'a [Term],
    clause: &'a Clause,
}

impl MatchSpec {
    /// The spec term (in the spec's heap).
    pub fn source(&self) -> Term {
        self.src.term
    }

    /// When every clause's head is a tuple of `arity > keypos` whose key is fully bound, the
    /// keys to look up (so a select need not scan the table).
    pub fn bound_keys(&self, keypos: usize) -> Option<Vec<Term>> {
        let mut keys = Vec::new();
        for c in &self.clauses {
            let h = c.head_term;
            if !h.is_tuple() || boxed::tuple_arity(h) <= keypos {
                return None;
            }
            let k = boxed::tuple_element(h, keypos);
            if !is_ground(k) {
                return None;
            }
            if !keys.iter().any(|x| exact_eq(*x, k)) {
                keys.push(k);
            }
        }
        Some(keys)
    }

    /// Runs the spec on `t`: the body's result of the first clause whose head and guards
    /// match, or `None`. Terms built go on `p`'s heap; the result may point into `t`.
    pub fn run(&self, p: &mut Process, t: Term) -> Option<Term> {
        // Variables live on the stack for the usual few; a spec with many gets a vector.
        const INLINE: usize = 16;
        let mut inline = [Term::NONE; INLINE];
        let mut spill: Vec<Term> = Vec::new();
        for c in &self.clauses {
            let vars: &mut [Term] = if c.nslots <= INLINE {
                let v = &mut inline[..c.nslots];
                v.fill(Term::NONE);
                v
            } else {
                spill.clear();
                spill.resize(c.nslots, Term::NONE);
                &mut spill
            };
            if !match_pat(&c.head, t, vars) {
                continue;
            }
            let mut ctx = Ctx {
                p,
                whole: t,
                vars,
                clause: c,
            };
            let ok = c
                .guards
                .iter()
                .all(|g| matches!(eval(g, &mut ctx), Ok(v) if v == Term::atom(atom::TRUE)));
            if !ok {
                continue;
            }
            let mut result = Term::atom(atom::TRUE);
            for b in &c.body {
                match eval(b, &mut ctx) {
                    Ok(v) => result = v,
                    Err(()) => return Some(Term::atom(am().exit_upper)),
                }
            }
            return Some(result);
        }
        None
    }
}

fn match_pat(pat: &Pat, t: Term, vars: &mut [Term]) -> bool {
    match pat {
        Pat::Wild => true,
        Pat::Bind(s) => {
            vars[*s] = t;
            true
        }
        Pat::Check(s) => exact_eq(vars[*s], t),
        Pat::Const(c) => exact_eq(*c, t),
        Pat::Tuple(ps) => {
            if !t.is_tuple() {
                return false;
            }
            let es = boxed::tuple_elems(t);
            es.len() == ps.len() && ps.iter().zip(es).all(|(p, e)| match_pat(p, *e, vars))
        }
        Pat::Cons(h, tl) => {
            t.is_list() && match_pat(h, t.head(), vars) && match_pat(tl, t.tail(), vars)
        }
        Pat::Map(pairs) => {
            if !t.is_map() {
                return false;
            }
            pairs.iter().all(|(k, vp)| match crate::map::get(t, *k) {
                Some(v) => match_pat(vp, v, vars),
                None => false,
            })
        }
    }
}

fn type_test(tt: TypeTest, v: Term) -> bool {
    match tt {
        TypeTest::Atom => v.is_atom(),
        TypeTest::Float => v.is_float(),
        TypeTest::Integer => v.is_integer(),
        TypeTest::List => v.is_list() || v.is_nil(),
        TypeTest::Number => v.is_number(),
        TypeTest::Pid => v.is_pid(),
        TypeTest::Port => v.is_port(),
        TypeTest::Reference => v.is_reference(),
        TypeTest::Tuple => v.is_tuple(),
        TypeTest::Map => v.is_map(),
        TypeTest::Binary => v.is_binary(),
        TypeTest::Function => v.is_function(),
    }
}

fn as_bool(v: Term) -> Result<bool, ()> {
    if v == Term::atom(atom::TRUE) {
        Ok(true)
    } else if v == Term::atom(atom::FALSE) {
        Ok(false)
    } else {
        Err(())
    }
}

fn eval(e: &Expr, cx: &mut Ctx) -> Result<Term, ()> {
    Ok(match e {
        Expr::Const(t) => *t,
        Expr::Var(s) => cx.vars[*s],
        Expr::Whole => cx.whole,
        Expr::AllVars => {
            let vals: Vec<Term> = cx
                .clause
                .ordered_slots
                .iter()
                .map(|s| cx.vars[*s])
                .collect();
            boxed::list(&mut cx.p.heap, &vals)
        }
        Expr::Tuple(es) => {
            let mut vals = Vec::with_capacity(es.len());
            for x in es {
                vals.push(eval(x, cx)?);
            }
            boxed::tuple(&mut cx.p.heap, &vals)
        }
        Expr::Cons(h, t) => {
            let h = eval(h, cx)?;
            let t = eval(t, cx)?;
            boxed::cons(&mut cx.p.heap, h, t)
        }
        Expr::Map(pairs) => {
            let mut items = Vec::with_capacity(pairs.len());
            for (k, v) in pairs {
                let k = eval(k, cx)?;
                let v = eval(v, cx)?;
                items.push((k, v));
            }
            crate::map::from_pairs(&mut cx.p.heap, &items)
        }
        Expr::AndAlso(es) => {
            for x in es {
                if !as_bool(eval(x, cx)?)? {
                    return Ok(Term::atom(atom::FALSE));
                }
            }
            Term::atom(atom::TRUE)
        }
        Expr::OrElse(es) => {
            for x in es {
                if as_bool(eval(x, cx)?)? {
                    return Ok(Term::atom(atom::TRUE));
                }
            }
            Term::atom(atom::FALSE)
        }
        Expr::And(es) => {
            let mut r = true;
            for x in es {
                r &= as_bool(eval(x, cx)?)?;
            }
            Term::bool(r)
        }
        Expr::Or(es) => {
            let mut r = false;
            for x in es {
                r |= as_bool(eval(x, cx)?)?;
            }
            Term::bool(r)
        }
        Expr::Type(tt, x) => Term::bool(type_test(*tt, eval(x, cx)?)),
        Expr::IsRecord(t, name, arity) => {
            let t = eval(t, cx)?;
            let name = eval(name, cx)?;
            let arity = eval(arity, cx)?;
            let Some(n) = arity.as_small() else {
                return Err(());
            };
            if !name.is_atom() {
                return Err(());
            }
            Term::bool(
                t.is_tuple()
                    && boxed::tuple_arity(t) as i64 == n
                    && n > 0
                    && boxed::tuple_element(t, 0) == name,
            )
        }
        Expr::Compare(op, a, b) => {
            let a = eval(a, cx)?;
            let b = eval(b, cx)?;
            if let (Some(x), Some(y)) = (a.as_small(), b.as_small()) {
                // Two small integers, the common guard: compared directly.
                return Ok(Term::bool(match op {
                    Cmp::ExactEq | Cmp::Eq => x == y,
                    Cmp::ExactNe | Cmp::Ne => x != y,
                    Cmp::Gt => x > y,
                    Cmp::Ge => x >= y,
                    Cmp::Lt => x < y,
                    Cmp::Le => x <= y,
                }));
            }
            let r = match op {
                Cmp::ExactEq => exact_eq(a, b),
                Cmp::ExactNe => !exact_eq(a, b),
                Cmp::Eq => compare(a, b, false) == Ordering::Equal,
                Cmp::Ne => compare(a, b, false) != Ordering::Equal,
                Cmp::Gt => compare(a, b, false) == Ordering::Greater,
                Cmp::Ge => compare(a, b, false) != Ordering::Less,
                Cmp::Lt => compare(a, b, false) == Ordering::Less,
                Cmp::Le => compare(a, b, false) != Ordering::Greater,
            };
            Term::bool(r)
        }
        Expr::Call(f, args) => {
            let mut vals = [Term::NIL; 3];
            for (i, x) in args.iter().enumerate() {
                vals[i] = eval(x, cx)?;
            }
            f(cx.p, &vals[..args.len()]).map_err(|_| ())?
        }
    })
}
