//! The `ets` BIFs (OTP's `erl_db.c` entry points): argument checking, access control and
//! OTP 25's `error_info` causes, over the tables of [`crate::ets`]. Split by what the
//! functions do: tables ([`table`]), single objects ([`objects`]), counters and element
//! updates ([`update`]), key traversal ([`traverse`]) and match specifications ([`select`]).

pub mod objects;
pub mod select;
pub mod table;
pub mod traverse;
pub mod update;

use super::Registry;
use crate::atom::Atom;
use crate::ets::atoms::am;
use crate::ets::{registry, Op, Table};
use crate::exception::Fail;
use crate::process::Process;
use crate::term::Term;
use std::sync::Arc;

pub fn register(r: &mut Registry) {
    table::register(r);
    objects::register(r);
    update::register(r);
    traverse::register(r);
    select::register(r);
}

/// `badarg` with `error_info` cause `cause`.
pub fn cause(cause: Atom) -> Fail {
    Fail::badarg_cause(Term::atom(cause))
}

/// The table `tab` names, if the caller may do `op` on it: else `badarg` with cause `type`
/// (`tab` is neither an atom nor a reference), `id` (no such table) or `access`.
///
/// The process's last-used table is taken from its cache when `tab` names it; [`release`]
/// puts a table back in the cache after the call.
pub fn table_for(p: &mut Process, tab: Term, op: Op) -> Result<Arc<Table>, Fail> {
    let t = match p.ets_cache.take() {
        Some(t) if t.is_named_by(tab) => t,
        _ => registry().resolve(tab).ok_or_else(|| no_table(tab))?,
    };
    if !t.allows(p.id, op) {
        return Err(cause(am().access));
    }
    Ok(t)
}

/// The error for a `tab` that names no table: cause `type` unless it is an atom or a
/// reference, else `id`.
pub fn no_table(tab: Term) -> Fail {
    if tab.is_atom() || tab.is_reference() {
        cause(am().id)
    } else {
        cause(am().type_)
    }
}

/// Keeps `t` as the process's cached table.
#[inline]
pub fn release(p: &mut Process, t: Arc<Table>) {
    p.ets_cache = Some(t);
}

/// A 1-based position argument: a small integer ≥ 1.
pub fn position(t: Term) -> Option<usize> {
    match t.as_small() {
        Some(n) if n >= 1 => Some(n as usize),
        _ => None,
    }
}
