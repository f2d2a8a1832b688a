//! A NIF library written with Rustler (module `nif_rustler`), for tests/erl/nif_rustler.erl: it
//! goes through what Rustler's generated code asks of the erl_nif API, from term encoding and
//! decoding to resources, messages from other threads, dirty functions and derived codecs.

use rustler::types::tuple::{get_tuple, make_tuple};
use rustler::{
    Atom, Binary, Encoder, Env, Error, ListIterator, LocalPid, MapIterator, NewBinary, NifMap,
    NifRecord, NifResult, NifStruct, NifTaggedEnum, NifTuple, NifUnitEnum, NifUntaggedEnum,
    OwnedBinary, OwnedEnv, Resource, ResourceArc, Term, TermType,
};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

mod atoms {
    rustler::atoms! {
        ok,
        error,
        hello,
        done,
        tick,
        loaded,
        unknown,
        too_big,
        custom_raise,
    }
}

// ---------------------------------------------------------------- numbers

#[rustler::nif]
fn add_i64(a: i64, b: i64) -> NifResult<i64> {
    a.checked_add(b).ok_or(Error::Atom("overflow"))
}

#[rustler::nif]
fn add_u64(a: u64, b: u64) -> u64 {
    a.wrapping_add(b)
}

#[rustler::nif]
fn narrow(a: i64) -> (Option<i32>, Option<u8>, Option<i8>) {
    (
        i32::try_from(a).ok(),
        u8::try_from(a).ok(),
        i8::try_from(a).ok(),
    )
}

#[rustler::nif]
fn i32_only(a: i32) -> i32 {
    a.wrapping_mul(2)
}

#[rustler::nif]
fn float_ops(a: f64, b: f64) -> (f64, f64, f64, bool) {
    (a * b, a / b, a.sqrt(), a < b)
}

#[rustler::nif]
fn big_i128(a: i64) -> (i128, u128) {
    let x = a as i128 * (1i128 << 70);
    (x, x.unsigned_abs())
}

// ---------------------------------------------------------------- binaries and strings

#[rustler::nif]
fn reverse_binary<'a>(env: Env<'a>, bin: Binary) -> NifResult<Binary<'a>> {
    let mut out = OwnedBinary::new(bin.len());
    for (o, i) in out
        .as_mut_slice()
        .iter_mut()
        .zip(bin.as_slice().iter().rev())
    {
        *o = *i;
    }
    Ok(out.release(env))
}

#[rustler::nif]
fn new_binary(env: Env, n: usize, fill: u8) -> Binary {
    let mut b = NewBinary::new(env, n);
    b.as_mut_slice().fill(fill);
    b.into()
}

#[rustler::nif]
fn sub_binary(bin: Binary, offset: usize, len: usize) -> NifResult<Binary> {
    bin.make_subbinary(offset, len)
}

#[rustler::nif]
fn upcase(s: String) -> String {
    s.to_uppercase()
}

#[rustler::nif]
fn str_len(s: &str) -> (usize, usize) {
    (s.len(), s.chars().count())
}

#[rustler::nif]
fn grow_binary<'a>(env: Env<'a>, bin: Binary, extra: usize) -> NifResult<Binary<'a>> {
    let mut out = bin.to_owned();
    let old = out.len();
    if !out.realloc(old + extra) {
        return Err(Error::RaiseAtom("enomem"));
    }
    out.as_mut_slice()[old..].fill(b'!');
    Ok(out.release(env))
}

#[rustler::nif]
fn to_charlist(s: String) -> Vec<u32> {
    s.chars().map(|c| c as u32).collect()
}

// ---------------------------------------------------------------- atoms, tuples, lists, maps

#[rustler::nif]
fn atom_info<'a>(env: Env<'a>, t: Term<'a>) -> NifResult<(Atom, Term<'a>)> {
    if t.is_atom() {
        let name = t.atom_to_string()?;
        Ok((atoms::ok(), name.len().encode(env)))
    } else {
        Err(Error::BadArg)
    }
}

#[rustler::nif]
fn make_atoms(env: Env) -> NifResult<Vec<Atom>> {
    Ok(vec![
        atoms::hello(),
        Atom::from_str(env, "made_from_str")?,
        Atom::from_bytes(env, "héllo".as_bytes())?,
        rustler::types::atom::true_(),
        rustler::types::atom::nil(),
    ])
}

#[rustler::nif]
fn existing_atom(env: Env, name: String) -> Option<Atom> {
    Atom::existing_from_utf8_bytes(env, name.as_bytes()).ok()
}

#[rustler::nif]
fn swap(t: (i64, String, f64)) -> (f64, String, i64) {
    (t.2, t.1, t.0)
}

#[rustler::nif]
fn tuple_elems<'a>(env: Env<'a>, t: Term<'a>) -> NifResult<Term<'a>> {
    let elems = get_tuple(t)?;
    let mut rev: Vec<Term> = elems.into_iter().rev().collect();
    rev.push(elems_count(env, rev.len()));
    Ok(make_tuple(env, &rev))
}

fn elems_count(env: Env, n: usize) -> Term {
    n.encode(env)
}

#[rustler::nif]
fn sum_list(l: Vec<i64>) -> i64 {
    l.iter().sum()
}

#[rustler::nif]
fn list_kinds<'a>(env: Env<'a>, l: ListIterator<'a>) -> Vec<Term<'a>> {
    l.map(|t| kind_of(t).encode(env)).collect()
}

fn kind_of(t: Term) -> &'static str {
    match t.get_type() {
        TermType::Atom => "atom",
        TermType::Binary => "binary",
        TermType::Fun => "fun",
        TermType::List => "list",
        TermType::Map => "map",
        TermType::Integer => "integer",
        TermType::Float => "float",
        TermType::Pid => "pid",
        TermType::Port => "port",
        TermType::Ref => "ref",
        TermType::Tuple => "tuple",
        TermType::Unknown => "unknown",
    }
}

#[rustler::nif]
fn list_ops<'a>(env: Env<'a>, l: Term<'a>) -> NifResult<(usize, Term<'a>, Term<'a>)> {
    let len = l.list_length()?;
    let rev = l.list_reverse()?;
    let consed = rev.list_prepend(atoms::hello().encode(env));
    Ok((len, rev, consed))
}

#[rustler::nif]
fn map_double(m: HashMap<String, i64>) -> HashMap<String, i64> {
    m.into_iter().map(|(k, v)| (k, v * 2)).collect()
}

#[rustler::nif]
fn map_ops<'a>(env: Env<'a>, m: Term<'a>) -> NifResult<(usize, Term<'a>, Term<'a>, Vec<Term<'a>>)> {
    let size = m.map_size()?;
    let got = m
        .map_get(atoms::hello().encode(env))
        .unwrap_or(atoms::unknown().encode(env));
    let put = m
        .map_put(atoms::done(), true)?
        .map_update(atoms::hello(), "updated")
        .unwrap_or(m);
    let mut keys: Vec<Term> = MapIterator::new(m)
        .ok_or(Error::BadArg)?
        .map(|(k, _)| k)
        .collect();
    keys.sort();
    Ok((size, got, put, keys))
}

#[rustler::nif]
fn map_from_pairs<'a>(
    env: Env<'a>,
    keys: Vec<Term<'a>>,
    values: Vec<Term<'a>>,
) -> NifResult<Term<'a>> {
    Term::map_from_term_arrays(env, &keys, &values)
}

#[rustler::nif]
fn map_remove<'a>(m: Term<'a>, k: Term<'a>) -> NifResult<Term<'a>> {
    m.map_remove(k)
}

#[rustler::nif]
fn compare<'a>(a: Term<'a>, b: Term<'a>) -> (bool, bool, i32) {
    let ord = match a.cmp(&b) {
        std::cmp::Ordering::Less => -1,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    };
    (a == b, a.eq(&b), ord)
}

/// The portable hash, and whether the internal hash (whose values are the VM's own) of `a`
/// and `b` agree with and without a salt.
#[rustler::nif]
fn term_hashes<'a>(a: Term<'a>, b: Term<'a>) -> (u32, bool, bool) {
    (
        a.hash_phash2(),
        a.hash_internal(0) == b.hash_internal(0),
        a.hash_internal(12345) == b.hash_internal(12345),
    )
}

#[rustler::nif]
fn to_from_etf<'a>(env: Env<'a>, t: Term<'a>) -> NifResult<(Binary<'a>, Term<'a>)> {
    let b = t.to_binary();
    let bin = b.release(env);
    let (back, _) = env.binary_to_term(bin.as_slice()).ok_or(Error::BadArg)?;
    Ok((bin, back))
}

// ---------------------------------------------------------------- errors

#[rustler::nif]
fn fail(kind: Atom) -> NifResult<Atom> {
    match kind {
        k if k == atoms::ok() => Ok(atoms::ok()),
        k if k == atoms::error() => Err(Error::Term(Box::new("a reason"))),
        k if k == atoms::too_big() => Err(Error::Atom("too_big_atom")),
        k if k == atoms::custom_raise() => Err(Error::RaiseTerm(Box::new((atoms::error(), 42)))),
        k if k == atoms::hello() => Err(Error::RaiseAtom("raised_atom")),
        _ => Err(Error::BadArg),
    }
}

#[rustler::nif]
fn panics(n: i64) -> i64 {
    if n > 0 {
        panic!("asked to panic");
    }
    n
}

// ---------------------------------------------------------------- resources

struct Counter {
    value: Mutex<i64>,
    label: String,
}

#[rustler::resource_impl]
impl Resource for Counter {}

/// A second resource type, whose destructor counts the objects freed.
struct Token(#[allow(dead_code)] u64);

static TOKENS_DROPPED: AtomicUsize = AtomicUsize::new(0);

impl Drop for Token {
    fn drop(&mut self) {
        TOKENS_DROPPED.fetch_add(1, Ordering::SeqCst);
    }
}

#[rustler::resource_impl]
impl Resource for Token {}

#[rustler::nif]
fn token_new(n: u64) -> ResourceArc<Token> {
    ResourceArc::new(Token(n))
}

#[rustler::nif]
fn tokens_dropped() -> usize {
    TOKENS_DROPPED.load(Ordering::SeqCst)
}

#[rustler::nif]
fn counter_new(start: i64) -> ResourceArc<Counter> {
    ResourceArc::new(Counter {
        value: Mutex::new(start),
        label: format!("counter from {start}"),
    })
}

#[rustler::nif]
fn counter_add(c: ResourceArc<Counter>, n: i64) -> i64 {
    let mut v = c.value.lock().unwrap();
    *v += n;
    *v
}

/// A binary over the resource's own memory (`enif_make_resource_binary`).
#[rustler::nif]
fn counter_binary(env: Env, c: ResourceArc<Counter>) -> Binary {
    c.make_binary(env, |c| c.label.as_bytes())
}

// ---------------------------------------------------------------- messages

#[rustler::nif]
fn send_self<'a>(env: Env<'a>, msg: Term<'a>) -> NifResult<Atom> {
    let me = env.pid();
    env.send(&me, (atoms::hello(), msg))
        .map_err(|_| Error::Atom("send_failed"))?;
    Ok(atoms::ok())
}

#[rustler::nif]
fn send_from_thread(pid: LocalPid, n: u32, payload: Term) -> Atom {
    let mut owned = OwnedEnv::new();
    let saved = owned.save(payload);
    std::thread::spawn(move || {
        let payload = owned.run(|env| saved.load(env).to_binary());
        for i in 0..n {
            let bytes = payload.as_slice().to_vec();
            let _ = owned.send_and_clear(&pid, |env| {
                let (t, _) = env.binary_to_term(&bytes).unwrap();
                (atoms::tick(), i, t)
            });
        }
        let _ = owned.send_and_clear(&pid, |_| atoms::done());
    });
    atoms::ok()
}

#[rustler::nif]
fn whereis_send(env: Env, name: Atom, msg: i64) -> NifResult<bool> {
    match env.whereis_pid(name) {
        Some(pid) => Ok(env.send(&pid, msg).is_ok()),
        None => Ok(false),
    }
}

#[rustler::nif]
fn is_alive(env: Env, pid: LocalPid) -> bool {
    env.is_process_alive(pid)
}

#[rustler::nif]
fn new_ref(env: Env) -> rustler::Reference {
    env.make_ref()
}

// ---------------------------------------------------------------- dirty and scheduling

#[rustler::nif(schedule = "DirtyCpu")]
fn dirty_sum(n: u64) -> u64 {
    (1..=n).fold(0u64, |acc, x| acc.wrapping_add(x * x % 7))
}

#[rustler::nif(schedule = "DirtyIo")]
fn dirty_io_echo(t: Term) -> Term {
    t
}

#[rustler::nif]
fn timeslice(env: Env, percent: i32) -> bool {
    rustler::schedule::consume_timeslice(env, percent)
}

// ---------------------------------------------------------------- derived codecs

#[derive(NifStruct)]
#[module = "Point"]
struct Point {
    x: i64,
    y: i64,
}

#[derive(NifMap)]
struct Config {
    name: String,
    size: u32,
    verbose: bool,
}

#[derive(NifTuple)]
struct Pair {
    left: i64,
    right: String,
}

#[derive(NifRecord)]
#[tag = "rec"]
struct Rec {
    id: u32,
    label: String,
}

#[derive(NifUnitEnum, Clone, Copy)]
enum Color {
    Red,
    Green,
    DarkBlue,
}

#[derive(NifTaggedEnum)]
enum Shape {
    Circle(f64),
    Rect { w: i64, h: i64 },
    Empty,
}

#[derive(NifUntaggedEnum)]
enum IntOrText {
    Int(i64),
    Text(String),
}

#[rustler::nif]
fn point_flip(p: Point) -> Point {
    Point { x: p.y, y: p.x }
}

#[rustler::nif]
fn config_grow(c: Config) -> Config {
    Config {
        name: format!("{}!", c.name),
        size: c.size + 1,
        verbose: !c.verbose,
    }
}

#[rustler::nif]
fn pair_swap(p: Pair) -> Pair {
    Pair {
        left: -p.left,
        right: p.right.chars().rev().collect(),
    }
}

#[rustler::nif]
fn rec_bump(r: Rec) -> Rec {
    Rec {
        id: r.id + 1,
        label: r.label,
    }
}

#[rustler::nif]
fn next_color(c: Color) -> Color {
    match c {
        Color::Red => Color::Green,
        Color::Green => Color::DarkBlue,
        Color::DarkBlue => Color::Red,
    }
}

#[rustler::nif]
fn area(s: Shape) -> f64 {
    match s {
        Shape::Circle(r) => (r * r * 314.0).round() / 100.0,
        Shape::Rect { w, h } => (w * h) as f64,
        Shape::Empty => 0.0,
    }
}

#[rustler::nif]
fn describe(v: IntOrText) -> String {
    match v {
        IntOrText::Int(i) => format!("int {i}"),
        IntOrText::Text(t) => format!("text {t}"),
    }
}

// ---------------------------------------------------------------- load

fn load(env: Env, info: Term) -> bool {
    // `erlang:load_nif/2`'s second argument: the test passes `loaded`.
    let _ = env;
    info.decode::<Atom>()
        .map(|a| a == atoms::loaded())
        .unwrap_or(false)
}

rustler::init!("nif_rustler", load = load);
