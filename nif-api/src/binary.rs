//! Binaries: `enif_alloc_binary` (an owned buffer that `enif_make_binary` turns into a refc
//! binary without copying when above 64 bytes), `realloc`/`release`, inspection of binaries
//! and iolists, new and sub binaries, and the external term format.

use crate::abi::*;
use crate::env::{env_mut, ErlNifEnv};
use crate::terms::{t, with_heap};
use erts::term::{boxed, Term};
use std::ffi::{c_int, c_uint, c_void};
use std::sync::Arc;

/// The buffer behind `ErlNifBinary::ref_bin` of an allocated binary.
type Owned = Vec<u8>;

/// Bytes of room that an allocated binary's buffer keeps past its size. C NIFs write a string
/// terminator one byte past what they asked for (p1_sha's `to_hexlist` formats each byte with
/// `sprintf`, the last one's NUL landing after the binary); the real VM's allocator rounds
/// the block up and absorbs it, and so must this one.
const SLACK: usize = 8;

/// A zeroed buffer of `size` bytes with [`SLACK`] bytes of capacity after them.
fn owned_buffer(size: usize) -> Owned {
    let mut v = Vec::with_capacity(size.saturating_add(SLACK));
    v.resize(size, 0);
    v
}

/// Fills `bin` to own `v`.
unsafe fn set_owned(bin: *mut ErlNifBinary, v: Box<Owned>) {
    let p = Box::into_raw(v);
    // SAFETY: `bin` is valid by the caller's contract; `p` is a fresh box.
    unsafe {
        (*bin).size = (*p).len();
        (*bin).data = (*p).as_mut_ptr();
        (*bin).ref_bin = p as *mut c_void;
        (*bin).__spare__ = [std::ptr::null_mut(); 2];
    }
}

#[no_mangle]
pub unsafe extern "C" fn enif_alloc_binary(size: usize, bin: *mut ErlNifBinary) -> c_int {
    if bin.is_null() {
        return 0;
    }
    // SAFETY: forwarded contract.
    unsafe { set_owned(bin, Box::new(owned_buffer(size))) };
    1
}

#[no_mangle]
pub unsafe extern "C" fn enif_realloc_binary(bin: *mut ErlNifBinary, size: usize) -> c_int {
    // SAFETY: `bin` is valid by the API contract.
    let Some(b) = (unsafe { bin.as_mut() }) else {
        return 0;
    };
    if b.ref_bin.is_null() {
        // An inspected binary: copy into a new owned buffer.
        let mut v = owned_buffer(size);
        let n = size.min(b.size);
        if n > 0 {
            // SAFETY: `data` holds `size` bytes of the inspected binary.
            unsafe { std::ptr::copy_nonoverlapping(b.data, v.as_mut_ptr(), n) };
        }
        // SAFETY: forwarded contract.
        unsafe { set_owned(bin, Box::new(v)) };
        return 1;
    }
    // SAFETY: `ref_bin` of an allocated binary is the box made by `set_owned`.
    let v = unsafe { &mut *(b.ref_bin as *mut Owned) };
    v.reserve(size.saturating_add(SLACK).saturating_sub(v.len()));
    v.resize(size, 0);
    b.size = size;
    b.data = v.as_mut_ptr();
    1
}

#[no_mangle]
pub unsafe extern "C" fn enif_release_binary(bin: *mut ErlNifBinary) {
    // SAFETY: `bin` is valid by the API contract.
    let Some(b) = (unsafe { bin.as_mut() }) else {
        return;
    };
    if !b.ref_bin.is_null() {
        // SAFETY: the box made by `set_owned`, released once.
        drop(unsafe { Box::from_raw(b.ref_bin as *mut Owned) });
        b.ref_bin = std::ptr::null_mut();
    }
}

#[no_mangle]
pub unsafe extern "C" fn enif_make_binary(
    env: *mut ErlNifEnv,
    bin: *mut ErlNifBinary,
) -> ERL_NIF_TERM {
    // SAFETY: `bin` is valid by the API contract.
    let Some(b) = (unsafe { bin.as_mut() }) else {
        return 0;
    };
    if b.ref_bin.is_null() {
        let bytes: &[u8] = if b.size == 0 {
            &[]
        } else {
            // SAFETY: `data` holds `size` bytes.
            unsafe { std::slice::from_raw_parts(b.data, b.size) }
        };
        let bytes = bytes.to_vec();
        // SAFETY: forwarded contract.
        return unsafe { with_heap(env, |h| boxed::binary(h, &bytes)) };
    }
    // SAFETY: the box made by `set_owned`; ownership moves into the term.
    let mut v = *unsafe { Box::from_raw(b.ref_bin as *mut Owned) };
    v.truncate(b.size);
    b.ref_bin = std::ptr::null_mut();
    // SAFETY: forwarded contract.
    let term = unsafe {
        with_heap(env, |h| {
            if v.len() <= 64 {
                boxed::binary(h, &v)
            } else {
                boxed::refc_binary(h, Arc::new(v.into()))
            }
        })
    };
    // The binary stays readable through `bin` (OTP documents it as read-only from here on,
    // and Rustler reads it): point it at the term's bytes, a copy on the heap for a small
    // binary, else the same buffer.
    if let Some(bytes) = boxed::binary_bytes(Term(term)) {
        b.data = bytes.as_ptr() as *mut u8;
    }
    term
}

#[no_mangle]
pub unsafe extern "C" fn enif_inspect_binary(
    env: *mut ErlNifEnv,
    x: ERL_NIF_TERM,
    bin: *mut ErlNifBinary,
) -> c_int {
    let x = t(x);
    if !x.is_binary() || bin.is_null() {
        return 0;
    }
    let view = boxed::bitstring_view(x);
    let bytes = match view.as_bytes() {
        Some(bytes) => bytes,
        None => {
            // Not byte-aligned: a copy on the env's heap.
            let bytes = view.to_vec();
            // SAFETY: forwarded contract.
            let copy = Term(unsafe { with_heap(env, |h| boxed::binary(h, &bytes)) });
            let Some(bytes) = boxed::binary_bytes(copy) else {
                return 0;
            };
            bytes
        }
    };
    // SAFETY: `bin` is valid; the bytes live as long as the term.
    unsafe {
        (*bin).size = bytes.len();
        (*bin).data = bytes.as_ptr() as *mut u8;
        (*bin).ref_bin = std::ptr::null_mut();
        (*bin).__spare__ = [std::ptr::null_mut(); 2];
    }
    1
}

#[no_mangle]
pub unsafe extern "C" fn enif_inspect_iolist_as_binary(
    env: *mut ErlNifEnv,
    x: ERL_NIF_TERM,
    bin: *mut ErlNifBinary,
) -> c_int {
    let x = t(x);
    if x.is_binary() {
        // SAFETY: forwarded contract.
        return unsafe { enif_inspect_binary(env, x.0, bin) };
    }
    let Some(bytes) = erts::bif::iodata::iodata_to_bytes(x) else {
        return 0;
    };
    if !(x.is_list() || x.is_nil()) {
        return 0;
    }
    // SAFETY: forwarded contract.
    let b = unsafe {
        with_heap(env, |h| {
            if bytes.len() <= 64 {
                boxed::binary(h, &bytes)
            } else {
                boxed::refc_binary(h, Arc::new(bytes.into()))
            }
        })
    };
    // SAFETY: forwarded contract.
    unsafe { enif_inspect_binary(env, b, bin) }
}

#[no_mangle]
pub unsafe extern "C" fn enif_make_new_binary(
    env: *mut ErlNifEnv,
    size: usize,
    termp: *mut ERL_NIF_TERM,
) -> *mut u8 {
    if termp.is_null() {
        return std::ptr::null_mut();
    }
    // Where the NIF writes the bytes: in a heap binary's words, or in the buffer of a refc
    // binary (which does not move when the vector moves into its `Arc`). The new binary is
    // not shared yet: the NIF fills it before handing the term out.
    let mut data: *mut u8 = std::ptr::null_mut();
    // SAFETY: forwarded contract.
    let b = unsafe {
        with_heap(env, |h| {
            if size <= 64 {
                // Zeroed by the heap, for the NIF to fill.
                let b = boxed::heap_binary_uninit(h, size);
                data = boxed::binary_bytes_mut(b).as_mut_ptr();
                b
            } else {
                let mut v = owned_buffer(size);
                data = v.as_mut_ptr();
                boxed::refc_binary(h, Arc::new(v.into()))
            }
        })
    };
    if b == 0 {
        return std::ptr::null_mut();
    }
    // SAFETY: valid out pointer by the API contract.
    unsafe { termp.write(b) };
    data
}

#[no_mangle]
pub unsafe extern "C" fn enif_make_sub_binary(
    env: *mut ErlNifEnv,
    bin_term: ERL_NIF_TERM,
    pos: usize,
    size: usize,
) -> ERL_NIF_TERM {
    let x = t(bin_term);
    // A binary or a bitstring (its whole bytes); OTP does not check the range (undefined
    // behaviour there): refused here.
    if !x.is_bitstring() || pos.saturating_add(size) > boxed::bitstring_bit_size(x) / 8 {
        // SAFETY: forwarded contract.
        return unsafe { crate::misc::enif_make_badarg(env) };
    }
    // A sub binary refers to the underlying heap or refc binary, never to another sub binary.
    let (base, offset_bits) = boxed::bitstring_base(x);
    // SAFETY: forwarded contract.
    unsafe {
        with_heap(env, |h| {
            boxed::sub_binary(h, base, offset_bits + pos * 8, size * 8)
        })
    }
}

#[no_mangle]
pub unsafe extern "C" fn enif_term_to_binary(
    _env: *mut ErlNifEnv,
    x: ERL_NIF_TERM,
    bin: *mut ErlNifBinary,
) -> c_int {
    if bin.is_null() {
        return 0;
    }
    let v = erts::etf::encode::encode(t(x), Default::default());
    // SAFETY: forwarded contract.
    unsafe { set_owned(bin, Box::new(v)) };
    1
}

#[no_mangle]
pub unsafe extern "C" fn enif_binary_to_term(
    env: *mut ErlNifEnv,
    data: *const u8,
    sz: usize,
    term: *mut ERL_NIF_TERM,
    opts: c_uint,
) -> usize {
    if data.is_null() || term.is_null() || (opts & !ERL_NIF_BIN2TERM_SAFE) != 0 {
        return 0;
    }
    // SAFETY: `sz` readable bytes by the API contract.
    let bytes = unsafe { std::slice::from_raw_parts(data, sz) };
    // OTP's `enif_binary_to_term` decodes no compressed terms (tag 80 after the version).
    if bytes.get(1) == Some(&80) {
        return 0;
    }
    // SAFETY: forwarded contract.
    let Some(e) = (unsafe { env_mut(env) }) else {
        return 0;
    };
    let o = erts::etf::decode::DecodeOpts {
        safe: opts & ERL_NIF_BIN2TERM_SAFE != 0,
    };
    match erts::etf::decode::decode(e.heap(), bytes, o) {
        Ok((v, used)) => {
            // SAFETY: valid out pointer by the API contract.
            unsafe { term.write(v.0) };
            used
        }
        Err(_) => 0,
    }
}
