//! The `os` module's native functions (OTP's `erl_bif_os.c`): environment variables, the OS
//! pid, and OS clocks.

use super::Registry;
use crate::exception::{BifResult, Fail};
use crate::process::Process;
use crate::term::boxed;
use crate::term::Term;

pub fn register(r: &mut Registry) {
    r.add("os", "getenv", 0, getenv_0);
    r.add("os", "env", 0, env_0);
    r.add("os", "getenv", 1, getenv_1);
    r.add("os", "putenv", 2, putenv_2);
    r.add("os", "unsetenv", 1, unsetenv_1);
    r.add("os", "getpid", 0, |p, _| {
        Ok(string(p, &std::process::id().to_string()))
    });
    r.add("os", "timestamp", 0, |p, _| super::time::timestamp(p));
    r.add("os", "system_time", 0, |p, _| {
        super::time::system_time(p, Term::atom(crate::atom::atom("native")))
    });
    r.add("os", "system_time", 1, |p, a| {
        super::time::system_time(p, a[0])
    });
    r.add("os", "perf_counter", 0, |p, _| {
        super::time::monotonic(p, Term::atom(crate::atom::atom("native")))
    });
    r.add("os", "perf_counter", 1, |p, a| {
        super::time::monotonic(p, a[0])
    });
    r.add("os", "set_signal", 2, set_signal_2);
}

/// `os:set_signal(Signal, default | handle | ignore)`: a handled signal reaches
/// `erl_signal_server` as `{notify, Signal}` (`crate::sys_signals`).
fn set_signal_2(_p: &mut Process, a: &[Term]) -> BifResult {
    use crate::sys_signals::{self, Disposition};
    let signum = a[0]
        .as_atom()
        .and_then(sys_signals::signal_number)
        .ok_or_else(Fail::badarg)?;
    let how = match a[1].as_atom().map(crate::atom::name) {
        Some("default") => Disposition::Default,
        Some("handle") => Disposition::Handle,
        Some("ignore") => Disposition::Ignore,
        _ => return Err(Fail::badarg_cause(Term::atom(crate::atom::atom("badopt")))),
    };
    match sys_signals::set(signum, how) {
        Ok(()) => Ok(Term::atom(crate::atom::atom("ok"))),
        Err(_) => Err(Fail::badarg()),
    }
}

fn string(p: &mut Process, s: &str) -> Term {
    boxed::string(&mut p.heap, s.chars().map(|c| c as u32))
}

/// A flat charlist as a Rust string (OTP accepts unicode characters in names and values).
fn text(t: Term) -> Option<String> {
    let mut s = String::new();
    let mut c = t;
    while c.is_list() {
        let ch = c.head().as_small()?;
        s.push(char::from_u32(u32::try_from(ch).ok()?)?);
        c = c.tail();
    }
    c.is_nil().then_some(s)
}

/// The environment as (name, value) text.
fn env_vars() -> Vec<(String, String)> {
    std::env::vars_os()
        .map(|(k, v)| {
            (
                k.to_string_lossy().into_owned(),
                v.to_string_lossy().into_owned(),
            )
        })
        .collect()
}

fn getenv_0(p: &mut Process, _a: &[Term]) -> BifResult {
    let items: Vec<Term> = env_vars()
        .iter()
        .map(|(k, v)| string(p, &format!("{k}={v}")))
        .collect();
    Ok(boxed::list(&mut p.heap, &items))
}

/// `os:env/0`: `[{Name, Value}]`.
fn env_0(p: &mut Process, _a: &[Term]) -> BifResult {
    let items: Vec<Term> = env_vars()
        .iter()
        .map(|(k, v)| {
            let (k, v) = (string(p, k), string(p, v));
            boxed::tuple(&mut p.heap, &[k, v])
        })
        .collect();
    Ok(boxed::list(&mut p.heap, &items))
}

fn getenv_1(p: &mut Process, a: &[Term]) -> BifResult {
    let name = text(a[0]).ok_or_else(Fail::badarg)?;
    if name.is_empty() || name.contains('=') || name.contains('\0') {
        return Ok(Term::bool(false));
    }
    match std::env::var_os(&name) {
        Some(v) => Ok(string(p, &v.to_string_lossy())),
        None => Ok(Term::bool(false)),
    }
}

fn putenv_2(_p: &mut Process, a: &[Term]) -> BifResult {
    let (Some(k), Some(v)) = (text(a[0]), text(a[1])) else {
        return Err(Fail::badarg());
    };
    if k.is_empty() || k.contains('=') || k.contains('\0') || v.contains('\0') {
        return Err(Fail::badarg());
    }
    std::env::set_var(k, v);
    Ok(Term::bool(true))
}

fn unsetenv_1(_p: &mut Process, a: &[Term]) -> BifResult {
    let k = text(a[0]).ok_or_else(Fail::badarg)?;
    if k.is_empty() || k.contains('=') || k.contains('\0') {
        return Err(Fail::badarg());
    }
    std::env::remove_var(k);
    Ok(Term::bool(true))
}
