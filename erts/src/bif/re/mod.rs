//! The `re` module's native functions (OTP's `erl_bif_re.c`): `re:compile/1,2`, `re:run/2,3`,
//! `re:internal_run/4`, `re:inspect/2`, on PCRE2 ([`pcre`]). `re:replace` and `re:split` are
//! Erlang code in `re.beam` that calls `re:run`.
//!
//! A compiled pattern is OTP's `{re_pattern, Captures, Unicode, UseCRLF, Binary}`; the binary
//! holds this runtime's own description of the pattern (options and source), which `run`
//! compiles once and keeps in a cache.

pub mod pcre;
mod pcre1_escapes;
mod pcre1_groups;
mod pcre1_options;
mod pcre1_scan;

use super::Registry;
use crate::atom;
use crate::exception::{BifResult, Fail};
use crate::process::Process;
use crate::term::boxed;
use crate::term::Term;
use parking_lot::Mutex;
use pcre::{Code, MatchResult, Newline};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

pub fn register(r: &mut Registry) {
    r.add("re", "compile", 1, |p, a| compile(p, a[0], Term::NIL));
    r.add("re", "compile", 2, |p, a| compile(p, a[0], a[1]));
    r.add("re", "run", 2, |p, a| run(p, a[0], a[1], Term::NIL));
    r.add("re", "run", 3, |p, a| run(p, a[0], a[1], a[2]));
    r.add("re", "internal_run", 4, |p, a| run(p, a[0], a[1], a[2]));
    r.add("re", "inspect", 2, inspect_2);
    r.add("re", "version", 0, version_0);
}

/// `re:version/0`: the version of the regular expression engine behind these BIFs, as a
/// binary. OTP reports its bundled PCRE ("8.44 2020-02-12"); this runtime matches with PCRE2
/// and reports PCRE2's own version, because callers use the version to decide whether a
/// compiled pattern made elsewhere (Elixir's regex literals, compiled into `.beam` files) can
/// be run as is or must be compiled again from its source: a PCRE 8.x pattern binary is
/// not one this engine can run.
fn version_0(p: &mut Process, _a: &[Term]) -> BifResult {
    Ok(boxed::binary(&mut p.heap, pcre::version().as_bytes()))
}

/// Magic prefix of this runtime's compiled-pattern binaries.
const MAGIC: &[u8] = b"ERTS-RE\x01";

/// Compile-time settings.
#[derive(Clone, Copy, Default)]
struct CompileOpts {
    flags: u32,
    newline: Option<Newline>,
    bsr_anycrlf: Option<bool>,
    unicode: bool,
}

/// Capture specification of `{capture, Values, Type}`.
#[derive(Clone)]
enum Values {
    All,
    AllButFirst,
    First,
    None,
    AllNames,
    List(Vec<Term>),
}

#[derive(Clone, Copy, PartialEq)]
enum ValueType {
    Index,
    List,
    Binary,
}

struct RunOpts {
    compile: CompileOpts,
    match_flags: u32,
    global: bool,
    offset: usize,
    values: Values,
    vtype: ValueType,
    match_limit: Option<u32>,
    depth_limit: Option<u32>,
    report_errors: bool,
}

struct Compiled {
    code: Code,
    unicode: bool,
    names: Vec<(Vec<u8>, usize)>,
}

fn cache() -> &'static Mutex<HashMap<Vec<u8>, Arc<Compiled>>> {
    // Process-wide: compiled patterns keyed by their source and options; sharing them is not observable.
    static C: OnceLock<Mutex<HashMap<Vec<u8>, Arc<Compiled>>>> = OnceLock::new();
    C.get_or_init(Default::default)
}

fn atom_name(t: Term) -> Option<&'static str> {
    t.as_atom().map(|a| a.name())
}

/// Applies one compile option; `false` when `o` is not a compile option.
fn compile_opt(c: &mut CompileOpts, o: Term) -> Result<bool, Fail> {
    if let Some(n) = atom_name(o) {
        let f = match n {
            "unicode" => {
                c.unicode = true;
                pcre::UTF
            }
            "anchored" => pcre::ANCHORED,
            "caseless" => pcre::CASELESS,
            "dollar_endonly" => pcre::DOLLAR_ENDONLY,
            "dotall" => pcre::DOTALL,
            "extended" => pcre::EXTENDED,
            "firstline" => pcre::FIRSTLINE,
            "multiline" => pcre::MULTILINE,
            "no_auto_capture" => pcre::NO_AUTO_CAPTURE,
            "dupnames" => pcre::DUPNAMES,
            "ungreedy" => pcre::UNGREEDY,
            "no_start_optimize" => pcre::NO_START_OPTIMIZE,
            "ucp" => pcre::UCP,
            "never_utf" => pcre::NEVER_UTF,
            "bsr_anycrlf" => {
                c.bsr_anycrlf = Some(true);
                0
            }
            "bsr_unicode" => {
                c.bsr_anycrlf = Some(false);
                0
            }
            _ => return Ok(false),
        };
        c.flags |= f;
        return Ok(true);
    }
    if o.is_tuple()
        && boxed::tuple_arity(o) == 2
        && atom_name(boxed::tuple_element(o, 0)) == Some("newline")
    {
        c.newline = Some(match atom_name(boxed::tuple_element(o, 1)) {
            Some("cr") => Newline::Cr,
            Some("lf") => Newline::Lf,
            Some("crlf") => Newline::CrLf,
            Some("anycrlf") => Newline::AnyCrLf,
            Some("any") => Newline::Any,
            _ => return Err(Fail::badarg()),
        });
        return Ok(true);
    }
    Ok(false)
}

/// The bytes of a subject or pattern: iodata, or chardata in unicode mode (as UTF-8).
fn text_bytes(t: Term, unicode: bool) -> Option<Vec<u8>> {
    if t.is_binary() {
        return Some(boxed::bitstring_view(t).to_vec());
    }
    if unicode {
        let mut out = Vec::new();
        chardata(t, &mut out)?;
        Some(out)
    } else {
        super::iodata::iodata_to_bytes(t)
    }
}

fn chardata(t: Term, out: &mut Vec<u8>) -> Option<()> {
    let mut stack = vec![t];
    while let Some(t) = stack.pop() {
        if t.is_nil() {
            continue;
        }
        if t.is_binary() {
            out.extend_from_slice(&boxed::bitstring_view(t).to_vec());
        } else if t.is_list() {
            stack.push(t.tail());
            stack.push(t.head());
        } else {
            let c = t.as_small()?;
            let ch = char::from_u32(u32::try_from(c).ok()?)?;
            let mut buf = [0u8; 4];
            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
        }
    }
    Some(())
}

/// PCRE 8's message for the PCRE2 compile errors whose text changed (OTP 25 bundles PCRE 8).
fn pcre1_message(code: i32) -> String {
    let m = match code {
        101 => "\\ at end of pattern",
        102 => "\\c at end of pattern",
        103 => "unrecognized character follows \\",
        104 => "numbers out of order in {} quantifier",
        105 => "number too big in {} quantifier",
        106 => "missing terminating ] for character class",
        108 => "range out of order in character class",
        109 => "nothing to repeat",
        111 => "unrecognized character after (? or (?-",
        112 => "POSIX named classes are supported only within a class",
        114 => "missing )",
        115 => "reference to non-existent subpattern",
        118 => "missing ) after comment",
        122 => "unmatched parentheses",
        142 => "syntax error in subpattern name (missing terminator)",
        _ => return pcre::error_message(code),
    };
    m.to_string()
}

fn compile_bytes(
    pattern: &[u8],
    c: CompileOpts,
) -> Result<(Vec<u8>, Arc<Compiled>), (String, usize)> {
    let mut key = MAGIC.to_vec();
    key.extend_from_slice(&c.flags.to_be_bytes());
    key.push(match c.newline {
        None => 0,
        Some(Newline::Cr) => 1,
        Some(Newline::Lf) => 2,
        Some(Newline::CrLf) => 3,
        Some(Newline::Any) => 4,
        Some(Newline::AnyCrLf) => 5,
    });
    key.push(match c.bsr_anycrlf {
        None => 0,
        Some(true) => 1,
        Some(false) => 2,
    });
    key.extend_from_slice(pattern);
    if let Some(hit) = cache().lock().get(&key) {
        return Ok((key, hit.clone()));
    }
    let rewritten = pcre1_escapes::rewrite(pattern);
    let escaped = rewritten.as_ref().map_or(pattern, |r| &r.pattern[..]);
    let extended = c.flags & pcre::EXTENDED != 0;
    let regrouped = pcre1_groups::rewrite(escaped, extended);
    let source = regrouped.as_ref().map_or(escaped, |r| &r.pattern[..]);
    let unknown_option = pcre1_options::unknown_option(pattern, extended);
    let option_error = |k: usize| (pcre1_options::MESSAGE.to_string(), k);
    let code = Code::compile(source, c.flags, c.newline, c.bsr_anycrlf).map_err(|e| {
        let at = regrouped
            .as_ref()
            .map_or(e.offset, |r| r.original_offset(e.offset));
        let at = rewritten.as_ref().map_or(at, |r| r.original_offset(at));
        // PCRE 8.x reports the first error it meets from the left.
        match unknown_option {
            Some(k) if k <= at => option_error(k),
            _ => (pcre1_message(e.code), at),
        }
    })?;
    if let Some(k) = unknown_option {
        return Err(option_error(k));
    }
    let names = code.names();
    let compiled = Arc::new(Compiled {
        code,
        unicode: c.unicode,
        names,
    });
    let mut cache = cache().lock();
    if cache.len() > 4096 {
        cache.clear();
    }
    cache.insert(key.clone(), compiled.clone());
    Ok((key, compiled))
}

/// A compiled pattern from its `{re_pattern, ...}` term.
fn from_pattern_term(t: Term) -> Option<Arc<Compiled>> {
    if !t.is_tuple() || boxed::tuple_arity(t) != 5 {
        return None;
    }
    let el = boxed::tuple_elems(t);
    if atom_name(el[0]) != Some("re_pattern") {
        return None;
    }
    let bin = boxed::binary_bytes(el[4])?;
    if !bin.starts_with(MAGIC) || bin.len() < MAGIC.len() + 6 {
        return None;
    }
    if let Some(hit) = cache().lock().get(bin) {
        return Some(hit.clone());
    }
    let rest = &bin[MAGIC.len()..];
    let flags = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]);
    let newline = match rest[4] {
        1 => Some(Newline::Cr),
        2 => Some(Newline::Lf),
        3 => Some(Newline::CrLf),
        4 => Some(Newline::Any),
        5 => Some(Newline::AnyCrLf),
        _ => None,
    };
    let bsr = match rest[5] {
        1 => Some(true),
        2 => Some(false),
        _ => None,
    };
    let c = CompileOpts {
        flags,
        newline,
        bsr_anycrlf: bsr,
        unicode: flags & pcre::UTF != 0,
    };
    compile_bytes(&rest[6..], c).ok().map(|(_, c)| c)
}

fn pattern_term(p: &mut Process, key: &[u8], c: &Compiled, opts: CompileOpts) -> Term {
    let bin = boxed::binary(&mut p.heap, key);
    let crlf = matches!(
        opts.newline,
        Some(Newline::CrLf) | Some(Newline::Any) | Some(Newline::AnyCrLf)
    );
    boxed::tuple(
        &mut p.heap,
        &[
            Term::atom(atom::atom("re_pattern")),
            Term::small(c.code.capture_count() as i64),
            Term::small(c.unicode as i64),
            Term::small(crlf as i64),
            bin,
        ],
    )
}

fn compile_error(p: &mut Process, msg: &str, pos: usize) -> Term {
    let m = boxed::string(&mut p.heap, msg.chars().map(|c| c as u32));
    boxed::tuple(&mut p.heap, &[m, Term::small(pos as i64)])
}

fn compile(p: &mut Process, re: Term, opts: Term) -> BifResult {
    let mut c = CompileOpts::default();
    for o in boxed::list_to_vec(opts).ok_or_else(Fail::badarg)? {
        if !compile_opt(&mut c, o)? {
            return Err(Fail::badarg());
        }
    }
    let pattern = text_bytes(re, c.unicode).ok_or_else(Fail::badarg)?;
    match compile_bytes(&pattern, c) {
        Ok((key, compiled)) => {
            let t = pattern_term(p, &key, &compiled, c);
            Ok(boxed::tuple(&mut p.heap, &[Term::atom(atom::OK), t]))
        }
        Err((msg, pos)) => {
            let e = compile_error(p, &msg, pos);
            Ok(boxed::tuple(&mut p.heap, &[Term::atom(atom::ERROR), e]))
        }
    }
}

fn parse_run_opts(opts: Term) -> Result<RunOpts, Fail> {
    let mut r = RunOpts {
        compile: CompileOpts::default(),
        match_flags: 0,
        global: false,
        offset: 0,
        values: Values::All,
        vtype: ValueType::Index,
        match_limit: None,
        depth_limit: None,
        report_errors: false,
    };
    for o in boxed::list_to_vec(opts).ok_or_else(Fail::badarg)? {
        if let Some(n) = atom_name(o) {
            match n {
                "global" => r.global = true,
                "notbol" => r.match_flags |= pcre::NOTBOL,
                "noteol" => r.match_flags |= pcre::NOTEOL,
                "notempty" => r.match_flags |= pcre::NOTEMPTY,
                "notempty_atstart" => r.match_flags |= pcre::NOTEMPTY_ATSTART,
                "report_errors" => r.report_errors = true,
                "anchored" => {
                    r.match_flags |= pcre::ANCHORED;
                    r.compile.flags |= pcre::ANCHORED;
                }
                _ => {
                    if !compile_opt(&mut r.compile, o)? {
                        return Err(Fail::badarg());
                    }
                }
            }
            continue;
        }
        if !o.is_tuple() {
            return Err(Fail::badarg());
        }
        let el = boxed::tuple_elems(o);
        match (atom_name(el[0]), el.len()) {
            (Some("offset"), 2) => {
                r.offset = el[1]
                    .as_small()
                    .filter(|v| *v >= 0)
                    .ok_or_else(Fail::badarg)? as usize
            }
            (Some("match_limit"), 2) => {
                r.match_limit = Some(
                    el[1]
                        .as_small()
                        .filter(|v| *v >= 0)
                        .ok_or_else(Fail::badarg)? as u32,
                )
            }
            (Some("match_limit_recursion"), 2) => {
                r.depth_limit = Some(
                    el[1]
                        .as_small()
                        .filter(|v| *v >= 0)
                        .ok_or_else(Fail::badarg)? as u32,
                )
            }
            (Some("capture"), 2 | 3) => {
                r.values = match atom_name(el[1]) {
                    Some("all") => Values::All,
                    Some("all_but_first") => Values::AllButFirst,
                    Some("first") => Values::First,
                    Some("none") => Values::None,
                    Some("all_names") => Values::AllNames,
                    _ => Values::List(boxed::list_to_vec(el[1]).ok_or_else(Fail::badarg)?),
                };
                if el.len() == 3 {
                    r.vtype = match atom_name(el[2]) {
                        Some("index") => ValueType::Index,
                        Some("list") => ValueType::List,
                        Some("binary") => ValueType::Binary,
                        _ => return Err(Fail::badarg()),
                    };
                }
            }
            _ => {
                if !compile_opt(&mut r.compile, o)? {
                    return Err(Fail::badarg());
                }
            }
        }
    }
    Ok(r)
}

/// The group numbers a capture specification asks for (`None`: a name that is not there).
/// `set` is the number of groups the match reported (`all` stops at the last one that took
/// part, as OTP does).
fn wanted(c: &Compiled, v: &Values, set: usize) -> Vec<Option<usize>> {
    let n = c.code.capture_count();
    match v {
        Values::All => (0..set.max(1)).map(Some).collect(),
        Values::AllButFirst => (1..set.max(1)).map(Some).collect(),
        Values::First => vec![Some(0)],
        Values::None => vec![],
        Values::AllNames => {
            let mut names = c.names.clone();
            names.sort();
            names.dedup_by(|a, b| a.0 == b.0);
            names.into_iter().map(|(_, i)| Some(i)).collect()
        }
        Values::List(items) => items
            .iter()
            .map(|t| {
                if let Some(i) = t.as_small() {
                    return usize::try_from(i).ok().filter(|i| *i <= n);
                }
                let name: Vec<u8> = match t.as_atom() {
                    Some(a) => a.name().as_bytes().to_vec(),
                    None => text_bytes(*t, true)?,
                };
                c.names.iter().find(|(nm, _)| *nm == name).map(|(_, i)| *i)
            })
            .collect(),
    }
}

fn capture_terms(
    p: &mut Process,
    subject: &[u8],
    groups: &[Option<(usize, usize)>],
    want: &[Option<usize>],
    vtype: ValueType,
    unicode: bool,
) -> Term {
    let mut items = Vec::with_capacity(want.len());
    for w in want {
        let g = w.and_then(|i| groups.get(i).copied().flatten());
        let t = match (vtype, g) {
            (ValueType::Index, Some((s, e))) => boxed::tuple(
                &mut p.heap,
                &[Term::small(s as i64), Term::small((e - s) as i64)],
            ),
            (ValueType::Index, None) => {
                boxed::tuple(&mut p.heap, &[Term::small(-1), Term::small(0)])
            }
            (ValueType::Binary, Some((s, e))) => boxed::binary(&mut p.heap, &subject[s..e]),
            (ValueType::Binary, None) => boxed::binary(&mut p.heap, &[]),
            (ValueType::List, Some((s, e))) => {
                let part = &subject[s..e];
                if unicode {
                    let text = String::from_utf8_lossy(part).into_owned();
                    boxed::string(&mut p.heap, text.chars().map(|c| c as u32))
                } else {
                    boxed::string(&mut p.heap, part.iter().map(|b| *b as u32))
                }
            }
            (ValueType::List, None) => Term::NIL,
        };
        items.push(t);
    }
    boxed::list(&mut p.heap, &items)
}

/// How far `re:forward2/5` steps past the character at `i`: by the length its first byte
/// announces in UTF-8 mode (1 for anything else), by one byte otherwise.
fn forward_len(s: &[u8], i: usize, unicode: bool) -> usize {
    if !unicode || i >= s.len() {
        return 1;
    }
    match s[i] {
        b if b & 0xE0 == 0xC0 => 2,
        b if b & 0xF0 == 0xE0 => 3,
        b if b & 0xF8 == 0xF0 => 4,
        _ => 1,
    }
}

fn run(p: &mut Process, subject: Term, re: Term, opts: Term) -> BifResult {
    let r = parse_run_opts(opts)?;
    let compiled = match from_pattern_term(re) {
        Some(c) => c,
        None => {
            if re.is_tuple() {
                return Err(Fail::badarg());
            }
            let pattern = text_bytes(re, r.compile.unicode).ok_or_else(Fail::badarg)?;
            match compile_bytes(&pattern, r.compile) {
                Ok((_, c)) => c,
                Err((msg, pos)) => {
                    if !r.report_errors {
                        return Err(Fail::badarg());
                    }
                    let e = compile_error(p, &msg, pos);
                    let c = boxed::tuple(&mut p.heap, &[Term::atom(atom::atom("compile")), e]);
                    return Ok(boxed::tuple(&mut p.heap, &[Term::atom(atom::ERROR), c]));
                }
            }
        }
    };
    let unicode = compiled.unicode || r.compile.unicode;
    let subj = text_bytes(subject, unicode).ok_or_else(Fail::badarg)?;
    if r.offset > subj.len() {
        return Err(Fail::badarg());
    }
    let mut found = Vec::new();
    // A match limit met: `{error, Why}` under `report_errors`.
    let limit = |p: &mut Process| -> BifResult {
        let why = if r.depth_limit.is_some() {
            "match_limit_recursion"
        } else {
            "match_limit"
        };
        Ok(boxed::tuple(
            &mut p.heap,
            &[Term::atom(atom::ERROR), Term::atom(atom::atom(why))],
        ))
    };
    if r.global {
        // OTP 25 runs `global` in Erlang (`re:loopexec/8`); its steps are followed exactly.
        let crlf = match from_pattern_term(re) {
            Some(_) => boxed::tuple_element(re, 3).as_small() == Some(1),
            None => matches!(
                r.compile.newline,
                Some(Newline::CrLf) | Some(Newline::Any) | Some(Newline::AnyCrLf)
            ),
        };
        let mut x = r.offset;
        while x <= subj.len() {
            let groups =
                match compiled
                    .code
                    .exec(&subj, x, r.match_flags, r.match_limit, r.depth_limit)
                {
                    MatchResult::Match(groups) => groups,
                    MatchResult::NoMatch => break,
                    MatchResult::Limit if r.report_errors => return limit(p),
                    MatchResult::Limit => break,
                    MatchResult::Error(_) => return Err(Fail::badarg()),
                };
            let (a, e) = groups[0].unwrap_or((x, x));
            found.push(groups);
            if e > a {
                x = e;
                continue;
            }
            // An empty match at A (found by a search from X): a non-empty match is looked
            // for anchored at X, and the next search starts its length after A.
            let retry = compiled.code.exec(
                &subj,
                x,
                r.match_flags | pcre::NOTEMPTY_ATSTART | pcre::ANCHORED,
                r.match_limit,
                r.depth_limit,
            );
            let step = match retry {
                MatchResult::Match(g) => {
                    let (s2, e2) = g[0].unwrap_or((x, x));
                    found.push(g);
                    e2 - s2
                }
                MatchResult::NoMatch => 0,
                MatchResult::Limit if r.report_errors => {
                    // `case re:internal_run(...) of nomatch -> ...; {match, _} -> ... end`
                    // in re.erl meets `{error, Why}`.
                    let err = limit(p)?;
                    let reason =
                        boxed::tuple(&mut p.heap, &[Term::atom(atom::atom("case_clause")), err]);
                    return Err(Fail::error(reason));
                }
                MatchResult::Limit => 0,
                MatchResult::Error(_) => return Err(Fail::badarg()),
            };
            x = if step > 0 {
                a + step
            } else if crlf && subj[a..].starts_with(b"\r\n") {
                a + 2
            } else {
                a + forward_len(&subj, a, unicode)
            };
        }
    } else {
        match compiled
            .code
            .exec(&subj, r.offset, r.match_flags, r.match_limit, r.depth_limit)
        {
            MatchResult::Match(groups) => found.push(groups),
            MatchResult::NoMatch => {}
            MatchResult::Limit if r.report_errors => return limit(p),
            MatchResult::Limit => {}
            MatchResult::Error(_) => return Err(Fail::badarg()),
        }
    }
    if found.is_empty() {
        return Ok(Term::atom(atom::atom("nomatch")));
    }
    if matches!(r.values, Values::None) {
        return Ok(Term::atom(atom::atom("match")));
    }
    let caps: Vec<Term> = found
        .iter()
        .map(|g| {
            let want = wanted(&compiled, &r.values, g.len());
            capture_terms(p, &subj, g, &want, r.vtype, unicode)
        })
        .collect();
    let value = if r.global {
        boxed::list(&mut p.heap, &caps)
    } else {
        caps[0]
    };
    Ok(boxed::tuple(
        &mut p.heap,
        &[Term::atom(atom::atom("match")), value],
    ))
}

/// `re:inspect(MP, namelist)`: `{namelist, [Name]}` with the names in order.
fn inspect_2(p: &mut Process, a: &[Term]) -> BifResult {
    let c = from_pattern_term(a[0]).ok_or_else(Fail::badarg)?;
    if atom_name(a[1]) != Some("namelist") {
        return Err(Fail::badarg());
    }
    let mut names: Vec<Vec<u8>> = c.names.iter().map(|(n, _)| n.clone()).collect();
    names.sort();
    names.dedup();
    let items: Vec<Term> = names
        .iter()
        .map(|n| boxed::binary(&mut p.heap, n))
        .collect();
    let l = boxed::list(&mut p.heap, &items);
    Ok(boxed::tuple(
        &mut p.heap,
        &[Term::atom(atom::atom("namelist")), l],
    ))
}
