//! Code BIFs (OTP's `beam_bif_load.c` and `erl_bif_info.c` parts): module information,
//! `function_exported`, `module_loaded`, `make_fun/3` and `fun_info/2`.

use super::Registry;
use crate::atom;
use crate::exception::{BifResult, Fail};
use crate::module::{self, modules};
use crate::process::Process;
use crate::term::boxed;
use crate::term::{make_header, subtag, Term};

pub fn register(r: &mut Registry) {
    r.add("erlang", "get_module_info", 1, get_module_info_1);
    r.add("erlang", "get_module_info", 2, get_module_info_2);
    r.add("erlang", "function_exported", 3, function_exported_3);
    r.add("erlang", "module_loaded", 1, module_loaded_1);
    r.add("erlang", "prepare_loading", 2, prepare_loading_2);
    r.add(
        "erlang",
        "has_prepared_code_on_load",
        1,
        has_prepared_code_on_load_1,
    );
    r.add("erlang", "check_old_code", 1, |_, a| {
        let m = a[0].as_atom().ok_or_else(Fail::badarg)?;
        Ok(Term::bool(crate::code::has_old_code(m)))
    });
    r.add("erlang", "make_fun", 3, make_fun_3);
    r.add("erlang", "fun_info", 2, fun_info_2);
    r.add("erlang", "fun_info_mfa", 1, fun_info_mfa_1);
    r.add("erlang", "loaded", 0, |p, _| {
        let names: Vec<Term> = modules().loaded().into_iter().map(Term::atom).collect();
        Ok(boxed::list(&mut p.heap, &names))
    });
    r.add("erlang", "pre_loaded", 0, |p, _| {
        let names: Vec<Term> = crate::runtime::PRELOADED
            .iter()
            .map(|n| Term::atom(atom::atom(n)))
            .collect();
        Ok(boxed::list(&mut p.heap, &names))
    });
}

/// `{Module, Name, Arity}` of a fun (for a local fun, its generated function and the arity
/// it is called with).
fn fun_info_mfa_1(p: &mut Process, a: &[Term]) -> BifResult {
    let fun = a[0];
    if !fun.is_function() {
        return Err(Fail::badarg());
    }
    let (m, f, n) = if fun.boxed_subtag() == subtag::EXPORT {
        let e = crate::emu::interp::export_of(fun);
        (e.mfa.module, e.mfa.function, e.mfa.arity)
    } else {
        let e = crate::emu::interp::fun_entry_of(fun);
        (e.module, e.function, e.arity)
    };
    Ok(boxed::tuple(
        &mut p.heap,
        &[Term::atom(m), Term::atom(f), Term::small(n as i64)],
    ))
}

fn info_item(p: &mut Process, m: &module::Module, item: Term) -> BifResult {
    let a = item.as_atom().ok_or_else(Fail::badarg)?;
    Ok(match a.name() {
        "module" => Term::atom(m.name),
        "exports" | "functions" => {
            let mut v: Vec<Term> = Vec::new();
            let list: Vec<(atom::Atom, u32)> = if a.name() == "exports" {
                // OTP walks its export table (entries in the order they were made) and
                // conses each of the module's: the newest entry comes first.
                let mut by_age: Vec<(u64, atom::Atom, u32)> = m
                    .exports
                    .iter()
                    .map(|&(f, a, _)| (module::export(m.name, f, a).seq, f, a))
                    .collect();
                by_age.sort_unstable_by_key(|x| std::cmp::Reverse(x.0));
                by_age.into_iter().map(|(_, f, a)| (f, a)).collect()
            } else {
                m.functions
                    .iter()
                    .map(|(_, f, a)| (*f, *a))
                    .filter(|(f, _)| !f.name().starts_with('-'))
                    .collect()
            };
            for (f, ar) in list {
                v.push(boxed::tuple(
                    &mut p.heap,
                    &[Term::atom(f), Term::small(ar as i64)],
                ));
            }
            boxed::list(&mut p.heap, &v)
        }
        // `NONE`: the chunk passed the loader's walk but does not decode (as OTP, badarg).
        "attributes" if m.attributes.is_none() => return Err(Fail::badarg()),
        "compile" if m.compile_info.is_none() => return Err(Fail::badarg()),
        "attributes" => m.attributes,
        "compile" => m.compile_info,
        "md5" => boxed::binary(&mut p.heap, &m.md5),
        "native" => Term::bool(false),
        "nifs" => Term::NIL,
        _ => return Err(Fail::badarg()),
    })
}

fn get_module_info_1(p: &mut Process, a: &[Term]) -> BifResult {
    let name = a[0].as_atom().ok_or_else(Fail::badarg)?;
    let m = modules().get(name).ok_or_else(Fail::badarg)?;
    let mut items = Vec::new();
    for k in ["module", "exports", "attributes", "compile", "md5"] {
        let key = Term::atom(atom::atom(k));
        let v = info_item(p, &m, key)?;
        items.push(boxed::tuple(&mut p.heap, &[key, v]));
    }
    Ok(boxed::list(&mut p.heap, &items))
}

fn get_module_info_2(p: &mut Process, a: &[Term]) -> BifResult {
    let name = a[0].as_atom().ok_or_else(Fail::badarg)?;
    let m = modules().get(name).ok_or_else(Fail::badarg)?;
    info_item(p, &m, a[1])
}

fn function_exported_3(_p: &mut Process, a: &[Term]) -> BifResult {
    let (Some(m), Some(f), Some(ar)) = (a[0].as_atom(), a[1].as_atom(), a[2].as_small()) else {
        return Err(Fail::badarg());
    };
    if !(0..=255).contains(&ar) {
        return Err(Fail::badarg());
    }
    Ok(Term::bool(
        module::find_export(m, f, ar as u32)
            .map(|e| !e.address().is_null() || e.bif.is_some())
            .unwrap_or(false),
    ))
}

fn module_loaded_1(_p: &mut Process, a: &[Term]) -> BifResult {
    let m = a[0].as_atom().ok_or_else(Fail::badarg)?;
    Ok(Term::bool(modules().is_loaded(m)))
}

/// An export fun object `fun M:F/A`.
pub fn export_fun(p: &mut Process, e: &'static module::Export) -> Term {
    let ptr = p.heap.alloc(2);
    // SAFETY: two writable words.
    unsafe {
        *ptr = Term(make_header(subtag::EXPORT, 1));
        *ptr.add(1) = Term(e as *const module::Export as u64);
    }
    Term::make_boxed(ptr)
}

fn make_fun_3(p: &mut Process, a: &[Term]) -> BifResult {
    let (Some(m), Some(f), Some(ar)) = (a[0].as_atom(), a[1].as_atom(), a[2].as_small()) else {
        return Err(Fail::badarg());
    };
    if !(0..=255).contains(&ar) {
        return Err(Fail::badarg());
    }
    let e = module::export(m, f, ar as u32);
    Ok(export_fun(p, e))
}

fn fun_info_2(p: &mut Process, a: &[Term]) -> BifResult {
    let fun = a[0];
    if !fun.is_function() {
        return Err(Fail::badarg());
    }
    let item = a[1].as_atom().ok_or_else(Fail::badarg)?;
    let is_export = fun.boxed_subtag() == subtag::EXPORT;
    let v = if is_export {
        let e = crate::emu::interp::export_of(fun);
        match item.name() {
            "module" => Term::atom(e.mfa.module),
            "name" => Term::atom(e.mfa.function),
            "arity" => Term::small(e.mfa.arity as i64),
            "env" => Term::NIL,
            "type" => Term::atom(atom::EXTERNAL),
            "pid" | "index" | "new_index" | "uniq" | "new_uniq" => Term::atom(atom::UNDEFINED),
            _ => return Err(Fail::badarg()),
        }
    } else {
        let e = crate::emu::interp::fun_entry_of(fun);
        match item.name() {
            "module" => Term::atom(e.module),
            "name" => Term::atom(e.function),
            "arity" => Term::small(e.arity as i64),
            "env" => {
                let n = crate::term::header_arity(fun.header()) - 1;
                let env: Vec<Term> = (0..n).map(|i| Term(fun.boxed_word(2 + i))).collect();
                boxed::list(&mut p.heap, &env)
            }
            "type" => Term::atom(atom::LOCAL),
            "pid" => p.pid(),
            "index" | "new_index" => Term::small(e.index as i64),
            "uniq" => Term::small(e.old_uniq as i64),
            "new_uniq" => boxed::binary(&mut p.heap, &e.new_uniq),
            _ => return Err(Fail::badarg()),
        }
    };
    Ok(boxed::tuple(&mut p.heap, &[a[1], v]))
}

/// `erlang:prepare_loading(Module, Code)`: the code loaded but not installed, as a reference
/// that `code`'s `finish_loading` request installs; `{error, badfile}` for code that does not
/// load as `Module`.
pub(super) fn prepare_loading_2(p: &mut Process, a: &[Term]) -> BifResult {
    let m = a[0].as_atom().ok_or_else(Fail::badarg)?;
    let bytes = boxed::binary_bytes(a[1]).ok_or_else(Fail::badarg)?.to_vec();
    match crate::process::code_requests::prepare(m, &bytes) {
        Ok(id) => Ok(boxed::reference(&mut p.heap, id)),
        Err(e) => {
            // OTP's loader says why on its error log; here when asked (`ERTS_LOAD_DEBUG`).
            if std::env::var_os("ERTS_LOAD_DEBUG").is_some() {
                eprintln!("beam: error loading module {}: {e:?}", m.name());
            }
            Ok(boxed::tuple(
                &mut p.heap,
                &[Term::atom(atom::ERROR), Term::atom(atom::atom("badfile"))],
            ))
        }
    }
}

/// `erlang:has_prepared_code_on_load(Prepared)`.
fn has_prepared_code_on_load_1(_p: &mut Process, a: &[Term]) -> BifResult {
    if !a[0].is_reference() {
        return Err(Fail::badarg());
    }
    crate::process::code_requests::prepared_on_load(boxed::reference_id(a[0]))
        .map(Term::bool)
        .ok_or_else(Fail::badarg)
}
