//! Maps and map iterators. Iterators visit pairs in OTP's order (`erts::map::iterator_pairs`:
//! key order for flatmaps, the HAMT's order for larger maps); the pairs are kept in a boxed
//! vector in the iterator's `u.hash.wstack`, the position in `idx` (0 = before the first,
//! `size + 1` = after the last; an iterator of an empty map is at its head and its tail at once,
//! as in OTP).

use crate::abi::*;
use crate::env::ErlNifEnv;
use crate::terms::{t, with_heap};
use erts::map;
use erts::term::Term;
use std::ffi::c_int;

unsafe fn out(p: *mut ERL_NIF_TERM, v: ERL_NIF_TERM) -> c_int {
    if p.is_null() || v == 0 {
        return 0;
    }
    // SAFETY: valid out pointer by the API contract.
    unsafe { p.write(v) };
    1
}

#[no_mangle]
pub unsafe extern "C" fn enif_get_map_size(
    _env: *mut ErlNifEnv,
    x: ERL_NIF_TERM,
    size: *mut usize,
) -> c_int {
    let x = t(x);
    if !x.is_map() || size.is_null() {
        return 0;
    }
    // SAFETY: valid out pointer by the API contract.
    unsafe { size.write(map::size(x)) };
    1
}

#[no_mangle]
pub unsafe extern "C" fn enif_make_new_map(env: *mut ErlNifEnv) -> ERL_NIF_TERM {
    // SAFETY: forwarded contract.
    unsafe { with_heap(env, |h| map::from_pairs(h, &[])) }
}

#[no_mangle]
pub unsafe extern "C" fn enif_make_map_put(
    env: *mut ErlNifEnv,
    m: ERL_NIF_TERM,
    k: ERL_NIF_TERM,
    v: ERL_NIF_TERM,
    map_out: *mut ERL_NIF_TERM,
) -> c_int {
    if !t(m).is_map() {
        return 0;
    }
    // SAFETY: forwarded contract.
    unsafe { out(map_out, with_heap(env, |h| map::put(h, t(m), t(k), t(v)))) }
}

#[no_mangle]
pub unsafe extern "C" fn enif_get_map_value(
    _env: *mut ErlNifEnv,
    m: ERL_NIF_TERM,
    k: ERL_NIF_TERM,
    value: *mut ERL_NIF_TERM,
) -> c_int {
    if !t(m).is_map() {
        return 0;
    }
    match map::get(t(m), t(k)) {
        // SAFETY: forwarded contract.
        Some(v) => unsafe { out(value, v.0) },
        None => 0,
    }
}

#[no_mangle]
pub unsafe extern "C" fn enif_make_map_update(
    env: *mut ErlNifEnv,
    m: ERL_NIF_TERM,
    k: ERL_NIF_TERM,
    v: ERL_NIF_TERM,
    map_out: *mut ERL_NIF_TERM,
) -> c_int {
    if !t(m).is_map() || map::get(t(m), t(k)).is_none() {
        return 0;
    }
    // SAFETY: forwarded contract.
    unsafe {
        out(
            map_out,
            with_heap(env, |h| {
                map::update(h, t(m), t(k), t(v)).unwrap_or(Term::NONE)
            }),
        )
    }
}

#[no_mangle]
pub unsafe extern "C" fn enif_make_map_remove(
    env: *mut ErlNifEnv,
    m: ERL_NIF_TERM,
    k: ERL_NIF_TERM,
    map_out: *mut ERL_NIF_TERM,
) -> c_int {
    if !t(m).is_map() {
        return 0;
    }
    // SAFETY: forwarded contract.
    unsafe { out(map_out, with_heap(env, |h| map::remove(h, t(m), t(k)))) }
}

#[no_mangle]
pub unsafe extern "C" fn enif_make_map_from_arrays(
    env: *mut ErlNifEnv,
    keys: *mut ERL_NIF_TERM,
    values: *mut ERL_NIF_TERM,
    cnt: usize,
    map_out: *mut ERL_NIF_TERM,
) -> c_int {
    let mut pairs: Vec<(Term, Term)> = Vec::with_capacity(cnt);
    for i in 0..cnt {
        // SAFETY: `cnt` terms at each array by the API contract.
        let (k, v) = unsafe { (Term(*keys.add(i)), Term(*values.add(i))) };
        // As OTP: a repeated key fails a flat map (up to 32 pairs); a larger map keeps the
        // last value of a repeated key (`from_pairs`).
        if cnt <= SMALL_MAP_LIMIT
            && pairs
                .iter()
                .any(|&(k2, _)| erts::term::compare::exact_eq(k2, k))
        {
            return 0;
        }
        pairs.push((k, v));
    }
    // SAFETY: forwarded contract.
    unsafe { out(map_out, with_heap(env, |h| map::from_pairs(h, &pairs))) }
}

/// The most pairs of a flat map (OTP's `MAP_SMALL_MAP_LIMIT`).
const SMALL_MAP_LIMIT: usize = 32;

type Pairs = Vec<(Term, Term)>;

unsafe fn pairs<'a>(iter: *mut ErlNifMapIterator) -> Option<&'a Pairs> {
    // SAFETY: `iter` was set up by `enif_map_iterator_create`.
    unsafe {
        let it = iter.as_ref()?;
        (it.u.hash.wstack as *const Pairs).as_ref()
    }
}

#[no_mangle]
pub unsafe extern "C" fn enif_map_iterator_create(
    _env: *mut ErlNifEnv,
    m: ERL_NIF_TERM,
    iter: *mut ErlNifMapIterator,
    entry: c_int,
) -> c_int {
    let x = t(m);
    if !x.is_map() || iter.is_null() {
        return 0;
    }
    let v: Box<Pairs> = Box::new(map::iterator_pairs(x));
    let n = v.len() as u64;
    let idx = match entry {
        ERL_NIF_MAP_ITERATOR_FIRST => 1,
        ERL_NIF_MAP_ITERATOR_LAST => n,
        _ => return 0,
    };
    // SAFETY: `iter` is a valid iterator struct by the API contract.
    unsafe {
        (*iter).map = m;
        (*iter).size = n;
        (*iter).idx = idx;
        (*iter).u.hash = ErlNifMapIteratorHash {
            wstack: Box::into_raw(v) as *mut std::ffi::c_void,
            kv: std::ptr::null_mut(),
        };
    }
    1
}

#[no_mangle]
pub unsafe extern "C" fn enif_map_iterator_destroy(
    _env: *mut ErlNifEnv,
    iter: *mut ErlNifMapIterator,
) {
    // SAFETY: an iterator made by `enif_map_iterator_create`; its box is freed once.
    unsafe {
        if let Some(it) = iter.as_mut() {
            let p = it.u.hash.wstack as *mut Pairs;
            if !p.is_null() {
                drop(Box::from_raw(p));
                it.u.hash.wstack = std::ptr::null_mut();
            }
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn enif_map_iterator_is_head(
    _env: *mut ErlNifEnv,
    iter: *mut ErlNifMapIterator,
) -> c_int {
    // SAFETY: valid iterator by the API contract.
    unsafe { iter.as_ref() }.is_some_and(|it| it.size == 0 || it.idx == 0) as c_int
}

#[no_mangle]
pub unsafe extern "C" fn enif_map_iterator_is_tail(
    _env: *mut ErlNifEnv,
    iter: *mut ErlNifMapIterator,
) -> c_int {
    // SAFETY: valid iterator by the API contract.
    unsafe { iter.as_ref() }.is_some_and(|it| it.size == 0 || it.idx > it.size) as c_int
}

#[no_mangle]
pub unsafe extern "C" fn enif_map_iterator_next(
    _env: *mut ErlNifEnv,
    iter: *mut ErlNifMapIterator,
) -> c_int {
    // SAFETY: valid iterator by the API contract.
    let Some(it) = (unsafe { iter.as_mut() }) else {
        return 0;
    };
    if it.idx <= it.size {
        it.idx += 1;
    }
    (it.idx >= 1 && it.idx <= it.size) as c_int
}

#[no_mangle]
pub unsafe extern "C" fn enif_map_iterator_prev(
    _env: *mut ErlNifEnv,
    iter: *mut ErlNifMapIterator,
) -> c_int {
    // SAFETY: valid iterator by the API contract.
    let Some(it) = (unsafe { iter.as_mut() }) else {
        return 0;
    };
    if it.idx > 0 {
        it.idx -= 1;
    }
    (it.idx >= 1 && it.idx <= it.size) as c_int
}

#[no_mangle]
pub unsafe extern "C" fn enif_map_iterator_get_pair(
    _env: *mut ErlNifEnv,
    iter: *mut ErlNifMapIterator,
    key: *mut ERL_NIF_TERM,
    value: *mut ERL_NIF_TERM,
) -> c_int {
    // SAFETY: valid iterator by the API contract.
    let (Some(it), Some(p)) = (unsafe { iter.as_ref() }, unsafe { pairs(iter) }) else {
        return 0;
    };
    if it.idx == 0 || it.idx > it.size || key.is_null() || value.is_null() {
        return 0;
    }
    let (k, v) = p[(it.idx - 1) as usize];
    // SAFETY: valid out pointers by the API contract.
    unsafe {
        key.write(k.0);
        value.write(v.0);
    }
    1
}
