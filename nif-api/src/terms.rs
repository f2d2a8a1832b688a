//! Making, reading and testing terms: numbers, atoms, strings, tuples, lists, comparison and
//! types (`enif_make_*`, `enif_get_*`, `enif_is_*`, `enif_compare`, `enif_term_type`).
//!
//! Every function takes the environment and term words as C passes them; terms are built on
//! the environment's heap. Nothing here panics: bad input returns false/0 as OTP's do.

use crate::abi::*;
use crate::env::{env_mut, ErlNifEnv};
use erts::atom::{self, Atom};
use erts::bignum;
use erts::term::compare::{compare, exact_eq};
use erts::term::{boxed, subtag, Term};
use std::cmp::Ordering;
use std::ffi::{c_char, c_double, c_int, c_long, c_uint, c_ulong, CStr};

/// `t` as a term word.
#[inline]
pub(crate) fn t(w: ERL_NIF_TERM) -> Term {
    Term(w)
}

/// Builds on `env`'s heap; returns 0 (THE_NON_VALUE) for a null env.
#[inline]
pub(crate) unsafe fn with_heap(
    env: *mut ErlNifEnv,
    f: impl FnOnce(&mut erts::heap::Heap) -> Term,
) -> ERL_NIF_TERM {
    // SAFETY: by the caller's contract, `env` is null or valid.
    match unsafe { env_mut(env) } {
        Some(e) => f(e.heap()).0,
        None => 0,
    }
}

/// An integer term from an `i128`.
unsafe fn make_integer(env: *mut ErlNifEnv, v: i128) -> ERL_NIF_TERM {
    // SAFETY: forwarded contract.
    unsafe { with_heap(env, |h| bignum::from_i128(h, v)) }
}

/// The value of an integer term that fits in an `i128`.
fn integer_value(x: Term) -> Option<i128> {
    if let Some(v) = x.as_small() {
        return Some(v as i128);
    }
    if x.is_bignum() {
        let b = bignum::to_bigint(x)?;
        return i128::try_from(b).ok();
    }
    None
}

/// Writes the integer in `x` to `out` if it fits `T`.
#[inline]
unsafe fn get_int<T: TryFrom<i128> + TryFrom<i64>>(x: ERL_NIF_TERM, out: *mut T) -> c_int {
    // Small integers (the common case) without going through `i128`.
    let v = match t(x).as_small() {
        Some(v) => T::try_from(v).ok(),
        None => integer_value(t(x)).and_then(|v| T::try_from(v).ok()),
    };
    match v {
        Some(v) if !out.is_null() => {
            // SAFETY: `out` is a valid pointer by the API contract.
            unsafe { out.write(v) };
            1
        }
        _ => 0,
    }
}

#[no_mangle]
pub unsafe extern "C" fn enif_make_int(env: *mut ErlNifEnv, i: c_int) -> ERL_NIF_TERM {
    let _ = env;
    Term::small(i as i64).0
}

#[no_mangle]
pub unsafe extern "C" fn enif_make_uint(env: *mut ErlNifEnv, i: c_uint) -> ERL_NIF_TERM {
    let _ = env;
    Term::small(i as i64).0
}

#[no_mangle]
pub unsafe extern "C" fn enif_make_long(env: *mut ErlNifEnv, i: c_long) -> ERL_NIF_TERM {
    // SAFETY: forwarded contract.
    unsafe { make_integer(env, i as i128) }
}

#[no_mangle]
pub unsafe extern "C" fn enif_make_ulong(env: *mut ErlNifEnv, i: c_ulong) -> ERL_NIF_TERM {
    // SAFETY: forwarded contract.
    unsafe { make_integer(env, i as i128) }
}

#[no_mangle]
pub unsafe extern "C" fn enif_make_int64(env: *mut ErlNifEnv, i: i64) -> ERL_NIF_TERM {
    // SAFETY: forwarded contract.
    unsafe { make_integer(env, i as i128) }
}

#[no_mangle]
pub unsafe extern "C" fn enif_make_uint64(env: *mut ErlNifEnv, i: u64) -> ERL_NIF_TERM {
    // SAFETY: forwarded contract.
    unsafe { make_integer(env, i as i128) }
}

#[no_mangle]
pub unsafe extern "C" fn enif_make_double(env: *mut ErlNifEnv, d: c_double) -> ERL_NIF_TERM {
    if !d.is_finite() {
        // SAFETY: forwarded contract.
        return unsafe { crate::misc::enif_make_badarg(env) };
    }
    // SAFETY: forwarded contract.
    unsafe { with_heap(env, |h| boxed::float(h, d)) }
}

#[no_mangle]
pub unsafe extern "C" fn enif_get_int(
    _env: *mut ErlNifEnv,
    x: ERL_NIF_TERM,
    ip: *mut c_int,
) -> c_int {
    // SAFETY: forwarded contract.
    unsafe { get_int(x, ip) }
}

#[no_mangle]
pub unsafe extern "C" fn enif_get_uint(
    _env: *mut ErlNifEnv,
    x: ERL_NIF_TERM,
    ip: *mut c_uint,
) -> c_int {
    // SAFETY: forwarded contract.
    unsafe { get_int(x, ip) }
}

#[no_mangle]
pub unsafe extern "C" fn enif_get_long(
    _env: *mut ErlNifEnv,
    x: ERL_NIF_TERM,
    ip: *mut c_long,
) -> c_int {
    // SAFETY: forwarded contract.
    unsafe { get_int(x, ip) }
}

#[no_mangle]
pub unsafe extern "C" fn enif_get_ulong(
    _env: *mut ErlNifEnv,
    x: ERL_NIF_TERM,
    ip: *mut c_ulong,
) -> c_int {
    // SAFETY: forwarded contract.
    unsafe { get_int(x, ip) }
}

#[no_mangle]
pub unsafe extern "C" fn enif_get_int64(
    _env: *mut ErlNifEnv,
    x: ERL_NIF_TERM,
    ip: *mut i64,
) -> c_int {
    // SAFETY: forwarded contract.
    unsafe { get_int(x, ip) }
}

#[no_mangle]
pub unsafe extern "C" fn enif_get_uint64(
    _env: *mut ErlNifEnv,
    x: ERL_NIF_TERM,
    ip: *mut u64,
) -> c_int {
    // SAFETY: forwarded contract.
    unsafe { get_int(x, ip) }
}

#[no_mangle]
pub unsafe extern "C" fn enif_get_double(
    _env: *mut ErlNifEnv,
    x: ERL_NIF_TERM,
    dp: *mut c_double,
) -> c_int {
    let x = t(x);
    if !x.is_float() || dp.is_null() {
        return 0;
    }
    // SAFETY: `dp` is valid by the API contract.
    unsafe { dp.write(boxed::float_value(x)) };
    1
}

// ---- atoms ------------------------------------------------------------------------------------

/// The bytes at `p` (`len` of them) as Latin-1 text.
unsafe fn latin1(p: *const c_char, len: usize) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: the caller passes `len` readable bytes.
    let b = unsafe { std::slice::from_raw_parts(p as *const u8, len) };
    b.iter().map(|&c| c as char).collect()
}

/// Text in the given encoding (`None`: not valid UTF-8).
unsafe fn text(p: *const c_char, len: usize, enc: c_int) -> Option<String> {
    if enc == ERL_NIF_UTF8 {
        if p.is_null() {
            return Some(String::new());
        }
        // SAFETY: the caller passes `len` readable bytes.
        let b = unsafe { std::slice::from_raw_parts(p as *const u8, len) };
        String::from_utf8(b.to_vec()).ok()
    } else {
        // SAFETY: forwarded contract.
        Some(unsafe { latin1(p, len) })
    }
}

unsafe fn cstr_len(p: *const c_char) -> usize {
    if p.is_null() {
        0
    } else {
        // SAFETY: a NUL-terminated string by the API contract.
        unsafe { CStr::from_ptr(p) }.to_bytes().len()
    }
}

#[no_mangle]
pub unsafe extern "C" fn enif_make_atom(env: *mut ErlNifEnv, name: *const c_char) -> ERL_NIF_TERM {
    // SAFETY: forwarded contract.
    unsafe { enif_make_atom_len(env, name, cstr_len(name)) }
}

#[no_mangle]
pub unsafe extern "C" fn enif_make_atom_len(
    env: *mut ErlNifEnv,
    name: *const c_char,
    len: usize,
) -> ERL_NIF_TERM {
    // SAFETY: forwarded contract.
    let s = unsafe { latin1(name, len) };
    match atom::intern(&s) {
        Ok(a) => Term::atom(a).0,
        // SAFETY: forwarded contract.
        Err(_) => unsafe { crate::misc::enif_make_badarg(env) },
    }
}

#[no_mangle]
pub unsafe extern "C" fn enif_make_existing_atom(
    env: *mut ErlNifEnv,
    name: *const c_char,
    atom: *mut ERL_NIF_TERM,
    enc: c_int,
) -> c_int {
    // SAFETY: forwarded contract.
    unsafe { enif_make_existing_atom_len(env, name, cstr_len(name), atom, enc) }
}

#[no_mangle]
pub unsafe extern "C" fn enif_make_existing_atom_len(
    _env: *mut ErlNifEnv,
    name: *const c_char,
    len: usize,
    out: *mut ERL_NIF_TERM,
    enc: c_int,
) -> c_int {
    // SAFETY: forwarded contract.
    let Some(s) = (unsafe { text(name, len, enc) }) else {
        return 0;
    };
    match atom::existing(&s) {
        Some(a) if !out.is_null() => {
            // SAFETY: `out` is valid by the API contract.
            unsafe { out.write(Term::atom(a).0) };
            1
        }
        _ => 0,
    }
}

/// The name of atom `a` in the encoding (`None`: not representable in Latin-1).
fn atom_bytes(a: Atom, enc: c_int) -> Option<Vec<u8>> {
    let name = a.name();
    if enc == ERL_NIF_UTF8 {
        return Some(name.as_bytes().to_vec());
    }
    name.chars().map(|c| u8::try_from(c as u32).ok()).collect()
}

#[no_mangle]
pub unsafe extern "C" fn enif_get_atom(
    _env: *mut ErlNifEnv,
    x: ERL_NIF_TERM,
    buf: *mut c_char,
    len: c_uint,
    enc: c_int,
) -> c_int {
    let Some(a) = t(x).as_atom() else { return 0 };
    let Some(b) = atom_bytes(a, enc) else {
        return 0;
    };
    if b.len() + 1 > len as usize || buf.is_null() {
        return 0;
    }
    // SAFETY: `buf` has room for `len` bytes, checked above.
    unsafe {
        std::ptr::copy_nonoverlapping(b.as_ptr(), buf as *mut u8, b.len());
        *buf.add(b.len()) = 0;
    }
    (b.len() + 1) as c_int
}

#[no_mangle]
pub unsafe extern "C" fn enif_get_atom_length(
    _env: *mut ErlNifEnv,
    x: ERL_NIF_TERM,
    len: *mut c_uint,
    enc: c_int,
) -> c_int {
    let Some(a) = t(x).as_atom() else { return 0 };
    let Some(b) = atom_bytes(a, enc) else {
        return 0;
    };
    if len.is_null() {
        return 0;
    }
    // SAFETY: `len` is valid by the API contract.
    unsafe { len.write(b.len() as c_uint) };
    1
}

// ---- strings ----------------------------------------------------------------------------------

#[no_mangle]
pub unsafe extern "C" fn enif_make_string(
    env: *mut ErlNifEnv,
    s: *const c_char,
    enc: c_int,
) -> ERL_NIF_TERM {
    // SAFETY: forwarded contract.
    unsafe { enif_make_string_len(env, s, cstr_len(s), enc) }
}

#[no_mangle]
pub unsafe extern "C" fn enif_make_string_len(
    env: *mut ErlNifEnv,
    s: *const c_char,
    len: usize,
    enc: c_int,
) -> ERL_NIF_TERM {
    let bytes: &[u8] = if s.is_null() {
        &[]
    } else {
        // SAFETY: `len` readable bytes by the API contract.
        unsafe { std::slice::from_raw_parts(s as *const u8, len) }
    };
    let chars: Vec<u32> = if enc == ERL_NIF_UTF8 {
        match std::str::from_utf8(bytes) {
            Ok(s) => s.chars().map(|c| c as u32).collect(),
            // SAFETY: forwarded contract.
            Err(_) => return unsafe { crate::misc::enif_make_badarg(env) },
        }
    } else {
        bytes.iter().map(|&b| b as u32).collect()
    };
    // SAFETY: forwarded contract.
    unsafe { with_heap(env, |h| boxed::string(h, chars)) }
}

/// OTP's Latin-1 `enif_get_string`: bytes are written as the list is walked; a bad element
/// or tail ends the text where it is (NUL-terminated) and gives 0; a full buffer is
/// NUL-terminated in its last byte and gives `-len`; otherwise the length with the NUL.
///
/// # Safety
/// `buf` holds `len` (at least 1) writable bytes.
unsafe fn get_latin1_string(list: Term, buf: *mut u8, len: usize) -> c_int {
    let mut n = 0usize;
    let mut l = list;
    while !l.is_nil() {
        let byte = if l.is_list() {
            l.head().as_small().and_then(|c| u8::try_from(c).ok())
        } else {
            None
        };
        let Some(b) = byte else {
            // SAFETY: `n < len` (the buffer is never full here).
            unsafe { *buf.add(n) = 0 };
            return 0;
        };
        // SAFETY: as above.
        unsafe { *buf.add(n) = b };
        n += 1;
        if n >= len {
            // SAFETY: `n - 1 < len`.
            unsafe { *buf.add(n - 1) = 0 };
            return (len as c_int).wrapping_neg();
        }
        l = l.tail();
    }
    // SAFETY: `n < len`.
    unsafe { *buf.add(n) = 0 };
    (n + 1) as c_int
}

#[no_mangle]
pub unsafe extern "C" fn enif_get_string(
    _env: *mut ErlNifEnv,
    list: ERL_NIF_TERM,
    buf: *mut c_char,
    len: c_uint,
    enc: c_int,
) -> c_int {
    if len == 0 || buf.is_null() {
        return 0;
    }
    if enc != ERL_NIF_UTF8 {
        // SAFETY: `buf` has room for `len` bytes by the API contract.
        return unsafe { get_latin1_string(t(list), buf as *mut u8, len as usize) };
    }
    let mut bytes = Vec::new();
    let mut l = t(list);
    while l.is_list() {
        let Some(c) = l.head().as_small() else {
            return 0;
        };
        let Some(ch) = u32::try_from(c).ok().and_then(char::from_u32) else {
            return 0;
        };
        let mut tmp = [0u8; 4];
        bytes.extend_from_slice(ch.encode_utf8(&mut tmp).as_bytes());
        l = l.tail();
    }
    if !l.is_nil() {
        return 0;
    }
    let room = len as usize - 1;
    // SAFETY: `buf` has room for `len` bytes by the API contract.
    unsafe {
        if bytes.len() <= room {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), buf as *mut u8, bytes.len());
            *buf.add(bytes.len()) = 0;
            (bytes.len() + 1) as c_int
        } else {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), buf as *mut u8, room);
            *buf.add(room) = 0;
            -(len as c_int)
        }
    }
}

// ---- tuples and lists -------------------------------------------------------------------------

/// The `cnt` terms at `arr` (none for a null or empty array).
///
/// # Safety
/// `arr` points at `cnt` terms (the API contract); `Term` is a transparent word.
unsafe fn term_array<'a>(arr: *const ERL_NIF_TERM, cnt: c_uint) -> &'a [Term] {
    if cnt == 0 || arr.is_null() {
        &[]
    } else {
        // SAFETY: per this function's contract.
        unsafe { std::slice::from_raw_parts(arr as *const Term, cnt as usize) }
    }
}

#[no_mangle]
pub unsafe extern "C" fn enif_make_tuple_from_array(
    env: *mut ErlNifEnv,
    arr: *const ERL_NIF_TERM,
    cnt: c_uint,
) -> ERL_NIF_TERM {
    // SAFETY: forwarded contract.
    unsafe { with_heap(env, |h| boxed::tuple(h, term_array(arr, cnt))) }
}

#[no_mangle]
pub unsafe extern "C" fn enif_make_list_from_array(
    env: *mut ErlNifEnv,
    arr: *const ERL_NIF_TERM,
    cnt: c_uint,
) -> ERL_NIF_TERM {
    // SAFETY: forwarded contract.
    unsafe { with_heap(env, |h| boxed::list(h, term_array(arr, cnt))) }
}

#[no_mangle]
pub unsafe extern "C" fn enif_make_list_cell(
    env: *mut ErlNifEnv,
    car: ERL_NIF_TERM,
    cdr: ERL_NIF_TERM,
) -> ERL_NIF_TERM {
    // SAFETY: forwarded contract.
    unsafe { with_heap(env, |h| boxed::cons(h, t(car), t(cdr))) }
}

#[no_mangle]
pub unsafe extern "C" fn enif_get_tuple(
    _env: *mut ErlNifEnv,
    tpl: ERL_NIF_TERM,
    arity: *mut c_int,
    array: *mut *const ERL_NIF_TERM,
) -> c_int {
    let x = t(tpl);
    if !x.is_tuple() || arity.is_null() || array.is_null() {
        return 0;
    }
    let el = boxed::tuple_elems(x);
    // SAFETY: valid out pointers by the API contract; the elements live as long as the term.
    unsafe {
        arity.write(el.len() as c_int);
        array.write(el.as_ptr() as *const ERL_NIF_TERM);
    }
    1
}

#[no_mangle]
pub unsafe extern "C" fn enif_get_list_cell(
    _env: *mut ErlNifEnv,
    x: ERL_NIF_TERM,
    head: *mut ERL_NIF_TERM,
    tail: *mut ERL_NIF_TERM,
) -> c_int {
    let x = t(x);
    if !x.is_list() || head.is_null() || tail.is_null() {
        return 0;
    }
    // SAFETY: valid out pointers by the API contract.
    unsafe {
        head.write(x.head().0);
        tail.write(x.tail().0);
    }
    1
}

#[no_mangle]
pub unsafe extern "C" fn enif_get_list_length(
    _env: *mut ErlNifEnv,
    x: ERL_NIF_TERM,
    len: *mut c_uint,
) -> c_int {
    match boxed::list_length(t(x)) {
        Some(n) if !len.is_null() => {
            // SAFETY: valid out pointer by the API contract.
            unsafe { len.write(n as c_uint) };
            1
        }
        _ => 0,
    }
}

#[no_mangle]
pub unsafe extern "C" fn enif_make_reverse_list(
    env: *mut ErlNifEnv,
    x: ERL_NIF_TERM,
    out: *mut ERL_NIF_TERM,
) -> c_int {
    let Some(items) = boxed::list_to_vec(t(x)) else {
        return 0;
    };
    if out.is_null() {
        return 0;
    }
    // SAFETY: forwarded contract.
    let r = unsafe {
        with_heap(env, |h| {
            let mut l = Term::NIL;
            for i in items {
                l = boxed::cons(h, i, l);
            }
            l
        })
    };
    // SAFETY: valid out pointer by the API contract.
    unsafe { out.write(r) };
    1
}

// ---- tests ------------------------------------------------------------------------------------

macro_rules! is_fn {
    ($name:ident, |$x:ident| $e:expr) => {
        #[no_mangle]
        pub unsafe extern "C" fn $name(_env: *mut ErlNifEnv, term: ERL_NIF_TERM) -> c_int {
            let $x = t(term);
            ($e) as c_int
        }
    };
}

is_fn!(enif_is_atom, |x| x.is_atom());
is_fn!(enif_is_binary, |x| x.is_binary());
is_fn!(enif_is_ref, |x| x.is_reference());
is_fn!(enif_is_fun, |x| x.is_function());
is_fn!(enif_is_pid, |x| x.is_pid());
is_fn!(enif_is_port, |x| x.is_port());
is_fn!(enif_is_list, |x| x.is_list() || x.is_nil());
is_fn!(enif_is_tuple, |x| x.is_tuple());
is_fn!(enif_is_empty_list, |x| x.is_nil());
is_fn!(enif_is_number, |x| x.is_number());
is_fn!(enif_is_map, |x| x.is_map());

#[no_mangle]
pub unsafe extern "C" fn enif_is_exception(env: *mut ErlNifEnv, term: ERL_NIF_TERM) -> c_int {
    // SAFETY: forwarded contract.
    let pending = unsafe { env_mut(env) }.is_some_and(|e| !e.exception.is_none());
    (term == 0 && pending) as c_int
}

#[no_mangle]
pub unsafe extern "C" fn enif_is_identical(lhs: ERL_NIF_TERM, rhs: ERL_NIF_TERM) -> c_int {
    exact_eq(t(lhs), t(rhs)) as c_int
}

#[no_mangle]
pub unsafe extern "C" fn enif_compare(lhs: ERL_NIF_TERM, rhs: ERL_NIF_TERM) -> c_int {
    match compare(t(lhs), t(rhs), false) {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    }
}

#[no_mangle]
pub unsafe extern "C" fn enif_term_type(_env: *mut ErlNifEnv, term: ERL_NIF_TERM) -> c_int {
    let x = t(term);
    if x.is_atom() {
        ERL_NIF_TERM_TYPE_ATOM
    } else if x.is_bitstring() {
        ERL_NIF_TERM_TYPE_BITSTRING
    } else if x.is_float() {
        ERL_NIF_TERM_TYPE_FLOAT
    } else if x.is_function() {
        ERL_NIF_TERM_TYPE_FUN
    } else if x.is_integer() {
        ERL_NIF_TERM_TYPE_INTEGER
    } else if x.is_list() || x.is_nil() {
        ERL_NIF_TERM_TYPE_LIST
    } else if x.is_map() {
        ERL_NIF_TERM_TYPE_MAP
    } else if x.is_pid() {
        ERL_NIF_TERM_TYPE_PID
    } else if x.is_port() {
        ERL_NIF_TERM_TYPE_PORT
    } else if x.is_reference() {
        ERL_NIF_TERM_TYPE_REFERENCE
    } else if x.is_boxed_with(subtag::TUPLE) {
        ERL_NIF_TERM_TYPE_TUPLE
    } else {
        -1
    }
}
