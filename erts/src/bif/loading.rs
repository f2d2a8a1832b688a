//! The code-loading BIFs that OTP's Erlang `code_server`, `init` and `erts_code_purger` use
//! (OTP's `beam_bif_load.c`): `erlang:finish_loading/1` of prepared code, the `on_load`
//! protocol (`call_on_load_function/1`, `finish_after_on_load/2`), `delete_module/1`,
//! `erts_internal:purge_module/2` and `erts_internal:check_process_code/1`.
//!
//! Prepared code (`erlang:prepare_loading/2`) is kept by reference number in
//! `process::code_requests`; installing it and the old/current versions are `crate::code`'s.

use super::Registry;
use crate::atom::{self, Atom};
use crate::exception::{BifResult, Fail};
use crate::module::{self, modules, Module};
use crate::process::Process;
use crate::term::boxed;
use crate::term::Term;
use std::sync::Arc;

pub fn register(r: &mut Registry) {
    r.add("erlang", "finish_loading", 1, finish_loading_1);
    r.add(
        "erlang",
        "call_on_load_function",
        1,
        call_on_load_function_1,
    );
    r.add("erlang", "finish_after_on_load", 2, finish_after_on_load_2);
    r.add("erlang", "delete_module", 1, delete_module_1);
    r.add(
        "erts_internal",
        "prepare_loading",
        2,
        super::modules::prepare_loading_2,
    );
    r.add("erts_internal", "purge_module", 2, purge_module_2);
    r.add("erts_internal", "beamfile_chunk", 2, beamfile_chunk_2);
    r.add("erts_internal", "beamfile_module_md5", 1, |p, a| {
        let bytes = boxed::binary_bytes(a[0]).ok_or_else(Fail::badarg)?;
        match crate::loader::beam_file::md5_of(bytes) {
            Ok(md5) => Ok(boxed::binary(&mut p.heap, &md5)),
            Err(_) => Ok(Term::atom(atom::UNDEFINED)),
        }
    });
    r.add("erts_internal", "check_process_code", 1, |p, a| {
        let m = a[0].as_atom().ok_or_else(Fail::badarg)?;
        Ok(Term::bool(uses_old_code(p, m)))
    });
}

fn atom_list(p: &mut Process, mods: &[Atom]) -> Term {
    let items: Vec<Term> = mods.iter().map(|m| Term::atom(*m)).collect();
    boxed::list(&mut p.heap, &items)
}

/// `erlang:finish_loading(PreparedList)`: installs all the prepared modules, or none:
/// `{on_load_not_allowed, Mods}` when more than one is loaded and some have an `on_load`
/// function, `{not_purged, Mods}` when some still have old code. A single module with an
/// `on_load` function is loaded but not made current: `{on_load, [Mod]}` (the caller runs
/// the function with `call_on_load_function/1`, then `finish_after_on_load/2`).
fn finish_loading_1(p: &mut Process, a: &[Term]) -> BifResult {
    let refs = boxed::list_to_vec(a[0]).ok_or_else(Fail::badarg)?;
    let mut todo: Vec<(u64, Arc<Module>)> = Vec::new();
    for r in &refs {
        if !r.is_reference() {
            return Err(Fail::badarg());
        }
        let id = boxed::reference_id(*r);
        let m = crate::process::code_requests::prepared_module(id).ok_or_else(Fail::badarg)?;
        if todo.iter().any(|(_, t)| t.name == m.name) {
            return Err(Fail::badarg());
        }
        todo.push((id, m));
    }
    let mut with_on_load: Vec<Atom> = todo
        .iter()
        .filter(|(_, m)| m.on_load.is_some())
        .map(|(_, m)| m.name)
        .collect();
    if todo.len() > 1 && !with_on_load.is_empty() {
        with_on_load.sort_by(|x, y| x.name().cmp(y.name()));
        let l = atom_list(p, &with_on_load);
        let tag = Term::atom(atom::atom("on_load_not_allowed"));
        return Ok(boxed::tuple(&mut p.heap, &[tag, l]));
    }
    let mut not_purged: Vec<Atom> = todo
        .iter()
        .map(|(_, m)| m.name)
        .filter(|&n| modules().is_loaded(n) && crate::code::has_old_code(n))
        .collect();
    if !not_purged.is_empty() {
        not_purged.sort_by(|x, y| x.name().cmp(y.name()));
        let l = atom_list(p, &not_purged);
        let tag = Term::atom(atom::atom("not_purged"));
        return Ok(boxed::tuple(&mut p.heap, &[tag, l]));
    }
    for (id, m) in todo {
        crate::process::code_requests::take_prepared(id);
        crate::process::code_requests::forget_loaded_as(m.name);
        // The file is the code server's to record (`code:which/1` asks it).
        let _ = crate::code::install_prepared(m, None);
    }
    if let [m] = with_on_load[..] {
        let l = atom_list(p, &[m]);
        let tag = Term::atom(atom::atom("on_load"));
        return Ok(boxed::tuple(&mut p.heap, &[tag, l]));
    }
    Ok(Term::atom(atom::OK))
}

/// `erlang:call_on_load_function(Mod)`: continues in the `on_load` function of `Mod`'s
/// code that waits for it (`badarg` when there is none).
fn call_on_load_function_1(_p: &mut Process, a: &[Term]) -> BifResult {
    let name = a[0].as_atom().ok_or_else(Fail::badarg)?;
    let m = crate::code::on_load_pending_module(name).ok_or_else(Fail::badarg)?;
    let off = m.on_load.ok_or_else(Fail::badarg)?;
    let (f, _) = m.function_at(off).ok_or_else(Fail::badarg)?;
    let target = on_load_export(&m, f, off);
    Err(Fail::Trap {
        target,
        args: Vec::new(),
    })
}

/// An export that reaches the `on_load` function at `off` of `m` (one per module version).
fn on_load_export(m: &Arc<Module>, f: Atom, off: usize) -> &'static module::Export {
    use std::collections::HashMap;
    static CACHE: crate::instance::InstanceLocal<
        parking_lot::Mutex<HashMap<usize, &'static module::Export>>,
    > = crate::instance::InstanceLocal::new();
    let code = &m.code[off] as *const crate::emu::instr::Instr;
    let mut c = CACHE.get_or_init(Default::default).lock();
    c.entry(code as usize).or_insert_with(|| {
        let mfa = module::Mfa {
            module: m.name,
            function: f,
            arity: 0,
        };
        module::Export::synthetic(mfa, code)
    })
}

/// `erlang:finish_after_on_load(Mod, Keep)`: makes the code that waited for its `on_load`
/// function current (`Keep`), or drops it.
fn finish_after_on_load_2(_p: &mut Process, a: &[Term]) -> BifResult {
    let name = a[0].as_atom().ok_or_else(Fail::badarg)?;
    let keep = match a[1] {
        t if t == Term::bool(true) => true,
        t if t == Term::bool(false) => false,
        _ => return Err(Fail::badarg()),
    };
    if crate::code::on_load_pending_module(name).is_none() {
        return Err(Fail::badarg());
    }
    let result = if keep {
        Term::atom(atom::OK)
    } else {
        Term::atom(atom::ERROR)
    };
    crate::code::finish_on_load(name, result);
    Ok(Term::bool(true))
}

/// `erlang:delete_module(Mod)`: its current code becomes old; `undefined` when it has none;
/// `badarg` while it still has old code (which must be purged first).
fn delete_module_1(_p: &mut Process, a: &[Term]) -> BifResult {
    let name = a[0].as_atom().ok_or_else(Fail::badarg)?;
    if crate::code::has_old_code(name) {
        return Err(Fail::badarg());
    }
    if !modules().is_loaded(name) {
        return Ok(Term::atom(atom::UNDEFINED));
    }
    Ok(Term::bool(crate::code::delete_module(name)))
}

/// `erts_internal:purge_module(Mod, Op)`, the steps of `erts_code_purger`'s purge:
/// `prepare` (is there old code to purge?), `prepare_on_load` (code dropped after a failed
/// `on_load`: this runtime has already freed it), `abort`, `complete` (the old code goes).
fn purge_module_2(_p: &mut Process, a: &[Term]) -> BifResult {
    let name = a[0].as_atom().ok_or_else(Fail::badarg)?;
    match a[1].as_atom().map(|o| o.name()) {
        Some("prepare") => Ok(Term::bool(crate::code::has_old_code(name))),
        Some("prepare_on_load") => Ok(Term::bool(false)),
        Some("abort") => Ok(Term::bool(false)),
        Some("complete") => {
            crate::code::drop_old_code(name);
            Ok(Term::bool(true))
        }
        _ => Err(Fail::badarg()),
    }
}

/// Whether process `p` runs or will return into the old code of `module`: its current
/// instruction, the return addresses on its stack. (OTP also looks for funs of the old code
/// on the heap; this runtime does not.)
pub fn uses_old_code(p: &Process, module: Atom) -> bool {
    let Some(old) = crate::code::old_version(module) else {
        return false;
    };
    if old.contains(p.pc) {
        return true;
    }
    p.stack
        .iter()
        .any(|t| old.contains(t.0 as *const crate::emu::instr::Instr))
}

/// `erts_internal:beamfile_chunk(Beam, ChunkId)`: the chunk's contents, `undefined` when the
/// file has none or is not a BEAM container (`erl_features` reads `Meta` before a module is loaded).
fn beamfile_chunk_2(p: &mut Process, a: &[Term]) -> BifResult {
    let bytes = boxed::binary_bytes(a[0]).ok_or_else(Fail::badarg)?;
    let id: Vec<u8> = boxed::list_to_vec(a[1])
        .ok_or_else(Fail::badarg)?
        .iter()
        .map(|c| c.as_small().and_then(|c| u8::try_from(c).ok()))
        .collect::<Option<_>>()
        .ok_or_else(Fail::badarg)?;
    let id: [u8; 4] = id.try_into().map_err(|_| Fail::badarg())?;
    match crate::loader::beam_file::chunk(bytes, &id) {
        Ok(Some(d)) => {
            let d = d.to_vec();
            Ok(boxed::binary(&mut p.heap, &d))
        }
        // Also for what is not a BEAM container at all, as OTP.
        Ok(None) | Err(_) => Ok(Term::atom(atom::UNDEFINED)),
    }
}
