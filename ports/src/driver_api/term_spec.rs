//! Term specifications (`erl_drv_output_term`, `erl_drv_send_term`, `driver_output_term`,
//! `driver_send_term`): an array of `ErlDrvTermData` words describing a term in reverse
//! Polish notation (`ERL_DRV_*` operations and their arguments), turned into a message.
//!
//! [`decode`] checks the whole specification first (argument counts, stack depth, handles
//! that must be atoms/pids/ports, pointers and lengths) and only then builds the term, so a
//! bad specification sends nothing and returns -1, as OTP does. Results: 1 delivered, 0 the
//! receiver or port is gone, -1 a bad specification.

use super::c_driver::{current_core_by_id, handle};
use crate::driver_abi::*;
use erts::heap::Heap;
use erts::process::signals::{OwnedTerm, Signal};
use erts::term::{boxed, Term};
use std::ffi::c_int;

/// Why a specification was refused.
#[derive(Debug, PartialEq, Eq)]
pub struct BadSpec;

/// The number of argument words of operation `op`, or `None` for an unknown one.
fn arg_count(op: ErlDrvTermData) -> Option<usize> {
    Some(match op {
        ERL_DRV_NIL => 0,
        ERL_DRV_ATOM | ERL_DRV_INT | ERL_DRV_UINT | ERL_DRV_INT64 | ERL_DRV_UINT64
        | ERL_DRV_PORT | ERL_DRV_TUPLE | ERL_DRV_LIST | ERL_DRV_PID | ERL_DRV_FLOAT
        | ERL_DRV_MAP => 1,
        ERL_DRV_STRING | ERL_DRV_STRING_CONS | ERL_DRV_BUF2BINARY | ERL_DRV_EXT2TERM => 2,
        ERL_DRV_BINARY => 3,
        _ => return None,
    })
}

/// Checks `spec`: every operation known with its arguments present, the values of handles
/// and pointers plausible, and exactly one term left at the end.
///
/// # Safety
/// Pointers in the specification must be valid for what their operation reads.
unsafe fn check(spec: &[ErlDrvTermData]) -> Result<(), BadSpec> {
    let mut depth: i64 = 0;
    let mut i = 0;
    while i < spec.len() {
        let op = spec[i];
        let n = arg_count(op).ok_or(BadSpec)?;
        if n > 0 && i + n >= spec.len() {
            return Err(BadSpec);
        }
        let a = &spec[i + 1..i + 1 + n];
        // The number of stack terms the operation consumes.
        let popped: i64 = match op {
            ERL_DRV_LIST | ERL_DRV_TUPLE | ERL_DRV_MAP => {
                let k = a[0] as c_int;
                if k < 0 || (op == ERL_DRV_LIST && k == 0) {
                    return Err(BadSpec);
                }
                if op == ERL_DRV_MAP {
                    2 * k as i64
                } else {
                    k as i64
                }
            }
            _ => 0,
        };
        let ok = match op {
            ERL_DRV_ATOM => Term(a[0]).is_atom(),
            ERL_DRV_PORT => Term(a[0]).is_local_port(),
            ERL_DRV_PID => Term(a[0]).is_local_pid(),
            ERL_DRV_INT64 | ERL_DRV_UINT64 | ERL_DRV_FLOAT => a[0] != 0,
            ERL_DRV_BINARY => {
                let b = a[0] as *const ErlDrvBinary;
                // SAFETY: a non-null binary pointer per the contract.
                !b.is_null()
                    && a[1]
                        .checked_add(a[2])
                        .is_some_and(|end| end <= unsafe { (*b).orig_size }.max(0) as u64)
            }
            ERL_DRV_BUF2BINARY => a[0] != 0 || a[1] == 0,
            ERL_DRV_STRING => a[0] != 0 && (a[1] as c_int) >= 0,
            ERL_DRV_STRING_CONS => a[0] != 0 && (a[1] as c_int) >= 0 && depth >= 1,
            ERL_DRV_EXT2TERM => a[0] != 0 && (a[1] as i64) > 0,
            _ => true,
        };
        depth -= popped;
        if !ok || depth < 0 {
            return Err(BadSpec);
        }
        if op != ERL_DRV_STRING_CONS {
            depth += 1;
        }
        i += 1 + n;
    }
    if depth != 1 {
        return Err(BadSpec);
    }
    Ok(())
}

/// Builds the term of a checked specification on `h`.
///
/// # Safety
/// As [`check`]; `spec` must have passed it.
unsafe fn build(h: &mut Heap, spec: &[ErlDrvTermData]) -> Result<Term, BadSpec> {
    let mut stack: Vec<Term> = Vec::new();
    let mut i = 0;
    while i < spec.len() {
        let op = spec[i];
        let n = arg_count(op).ok_or(BadSpec)?;
        let a = &spec[i + 1..i + 1 + n];
        i += 1 + n;
        // SAFETY (whole match): pointers were checked non-null and are valid per the
        // contract for the lengths given.
        let t = unsafe {
            match op {
                ERL_DRV_NIL => Term::NIL,
                ERL_DRV_ATOM | ERL_DRV_PORT | ERL_DRV_PID => Term(a[0]),
                ERL_DRV_INT => erts::bignum::from_i128(h, a[0] as ErlDrvSInt as i128),
                ERL_DRV_UINT => erts::bignum::from_i128(h, a[0] as i128),
                ERL_DRV_INT64 => erts::bignum::from_i128(h, *(a[0] as *const i64) as i128),
                ERL_DRV_UINT64 => erts::bignum::from_i128(h, *(a[0] as *const u64) as i128),
                ERL_DRV_FLOAT => boxed::float(h, *(a[0] as *const f64)),
                ERL_DRV_BINARY => {
                    let b = a[0] as *const ErlDrvBinary;
                    let bytes = super::binary::bytes(b);
                    let (len, off) = (a[1] as usize, a[2] as usize);
                    boxed::binary(h, &bytes[off..off + len])
                }
                ERL_DRV_BUF2BINARY => {
                    boxed::binary(h, super::queue::slice(a[0] as *const _, a[1] as usize))
                }
                ERL_DRV_STRING => {
                    let s = super::queue::slice(a[0] as *const _, a[1] as c_int as usize);
                    let items: Vec<Term> = s.iter().map(|&b| Term::small(b as i64)).collect();
                    boxed::list(h, &items)
                }
                ERL_DRV_STRING_CONS => {
                    let tail = stack.pop().ok_or(BadSpec)?;
                    let s = super::queue::slice(a[0] as *const _, a[1] as c_int as usize);
                    let items: Vec<Term> = s.iter().map(|&b| Term::small(b as i64)).collect();
                    boxed::list_with_tail(h, &items, tail)
                }
                ERL_DRV_LIST => {
                    let k = a[0] as c_int as usize;
                    let at = stack.len().checked_sub(k).ok_or(BadSpec)?;
                    let items: Vec<Term> = stack.split_off(at);
                    let (tail, heads) = items.split_last().ok_or(BadSpec)?;
                    boxed::list_with_tail(h, heads, *tail)
                }
                ERL_DRV_TUPLE => {
                    let k = a[0] as c_int as usize;
                    let at = stack.len().checked_sub(k).ok_or(BadSpec)?;
                    let items: Vec<Term> = stack.split_off(at);
                    boxed::tuple(h, &items)
                }
                ERL_DRV_MAP => {
                    let k = a[0] as c_int as usize;
                    let at = stack.len().checked_sub(2 * k).ok_or(BadSpec)?;
                    let items: Vec<Term> = stack.split_off(at);
                    let pairs: Vec<(Term, Term)> = items.chunks(2).map(|c| (c[0], c[1])).collect();
                    let m = erts::map::from_pairs(h, &pairs);
                    if erts::map::size(m) != k {
                        // Duplicate keys are not allowed.
                        return Err(BadSpec);
                    }
                    m
                }
                ERL_DRV_EXT2TERM => {
                    let bytes = super::queue::slice(a[0] as *const _, a[1] as usize);
                    match erts::etf::decode::decode(h, bytes, Default::default()) {
                        Ok((t, _)) => t,
                        Err(_) => return Err(BadSpec),
                    }
                }
                _ => return Err(BadSpec),
            }
        };
        stack.push(t);
    }
    match stack.as_slice() {
        [t] => Ok(*t),
        _ => Err(BadSpec),
    }
}

/// Turns a term specification into a term in its own heap.
///
/// # Safety
/// Pointers in the specification must be valid for what their operation reads.
pub unsafe fn decode(spec: &[ErlDrvTermData]) -> Result<OwnedTerm, BadSpec> {
    // SAFETY: per the contract.
    unsafe { check(spec)? };
    let mut res = Ok(());
    let owned = OwnedTerm::build(|h| {
        // SAFETY: checked above; per the contract.
        match unsafe { build(h, spec) } {
            Ok(t) => t,
            Err(e) => {
                res = Err(e);
                Term::NIL
            }
        }
    });
    res.map(|()| owned)
}

/// Delivers `spec` from port `port_term` to `to` (`None`: the port's connected process).
///
/// # Safety
/// `spec` must point to `n` words whose pointers are valid.
unsafe fn deliver(
    port_term: ErlDrvTermData,
    to: Option<u64>,
    spec: *const ErlDrvTermData,
    n: c_int,
) -> c_int {
    if spec.is_null() || n <= 0 {
        return -1;
    }
    // SAFETY: per the contract.
    let words = unsafe { std::slice::from_raw_parts(spec, n as usize) };
    // SAFETY: per the contract.
    let Ok(msg) = (unsafe { decode(words) }) else {
        return -1;
    };
    let pt = Term(port_term);
    if !pt.is_local_port() {
        return -1;
    }
    let id = pt.port_number();
    if let Some(core) = current_core_by_id(id) {
        // The port's own callback: the message joins the port's other output, in order.
        // SAFETY: the current port's bookkeeping (see `c_driver::with_core`).
        let core = unsafe { &mut *core };
        if core.is_exiting() {
            return 0;
        }
        let to = to.unwrap_or(core.connected);
        if erts::process::table::table().get(to).is_none() {
            return 0;
        }
        core.send_to(to, msg);
        return 1;
    }
    let Some(cell) = erts::port::lookup(id) else {
        return 0;
    };
    let to = to.unwrap_or_else(|| cell.connected());
    match erts::process::exit::deliver(to, Signal::Message(msg)) {
        Ok(()) => 1,
        Err(_) => 0,
    }
}

/// `erl_drv_output_term`: sends the term to the port's connected process.
///
/// # Safety
/// `term` must point to `n` valid specification words.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_output_term(
    port: ErlDrvTermData,
    term: *mut ErlDrvTermData,
    n: c_int,
) -> c_int {
    // SAFETY: per the contract.
    unsafe { deliver(port, None, term, n) }
}

/// `erl_drv_send_term`: sends the term to `receiver`.
///
/// # Safety
/// `term` must point to `n` valid specification words.
#[no_mangle]
pub unsafe extern "C" fn erl_drv_send_term(
    port: ErlDrvTermData,
    receiver: ErlDrvTermData,
    term: *mut ErlDrvTermData,
    n: c_int,
) -> c_int {
    let r = Term(receiver);
    if !r.is_local_pid() {
        return -1;
    }
    // SAFETY: per the contract.
    unsafe { deliver(port, Some(r.pid_number()), term, n) }
}

/// `driver_output_term` (deprecated form taking a port handle).
///
/// # Safety
/// `port` must be a live handle; `term` must point to `n` valid specification words.
#[no_mangle]
pub unsafe extern "C" fn driver_output_term(
    port: ErlDrvPort,
    term: *mut ErlDrvTermData,
    n: c_int,
) -> c_int {
    // SAFETY: per the contract.
    let Some(h) = (unsafe { handle(port) }) else {
        return -1;
    };
    // SAFETY: per the contract.
    unsafe { deliver(Term::port(h.id).raw() as ErlDrvTermData, None, term, n) }
}

/// `driver_send_term` (deprecated form taking a port handle).
///
/// # Safety
/// `port` must be a live handle; `term` must point to `n` valid specification words.
#[no_mangle]
pub unsafe extern "C" fn driver_send_term(
    port: ErlDrvPort,
    receiver: ErlDrvTermData,
    term: *mut ErlDrvTermData,
    n: c_int,
) -> c_int {
    // SAFETY: per the contract.
    let Some(h) = (unsafe { handle(port) }) else {
        return -1;
    };
    // SAFETY: per the contract.
    unsafe { erl_drv_send_term(Term::port(h.id).raw() as ErlDrvTermData, receiver, term, n) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atom(s: &str) -> ErlDrvTermData {
        Term::atom(erts::atom::atom(s)).raw() as ErlDrvTermData
    }

    fn show(spec: &[ErlDrvTermData]) -> Result<String, BadSpec> {
        // SAFETY: the test specifications point to live locals.
        let o = unsafe { decode(spec) }?;
        Ok(erts::display::display_string(o.term))
    }

    #[test]
    fn scalars_and_containers() {
        let f = 1.5f64;
        let big: i64 = i64::MIN;
        let ubig: u64 = u64::MAX;
        let s = b"abc";
        let spec = [
            ERL_DRV_ATOM,
            atom("x"),
            ERL_DRV_INT,
            (-5i64) as ErlDrvTermData,
            ERL_DRV_UINT,
            7,
            ERL_DRV_FLOAT,
            &f as *const f64 as ErlDrvTermData,
            ERL_DRV_INT64,
            &big as *const i64 as ErlDrvTermData,
            ERL_DRV_UINT64,
            &ubig as *const u64 as ErlDrvTermData,
            ERL_DRV_STRING,
            s.as_ptr() as ErlDrvTermData,
            3,
            ERL_DRV_BUF2BINARY,
            s.as_ptr() as ErlDrvTermData,
            2,
            ERL_DRV_NIL,
            ERL_DRV_TUPLE,
            9,
        ];
        assert_eq!(
            show(&spec).unwrap(),
            "{x,-5,7,1.500000e+00,-9223372036854775808,18446744073709551615,\"abc\",<<\"ab\">>,[]}"
        );
    }

    #[test]
    fn lists_string_cons_and_maps() {
        let a = b"abc";
        let b = b"123";
        let spec = [
            ERL_DRV_NIL,
            ERL_DRV_STRING_CONS,
            b.as_ptr() as ErlDrvTermData,
            3,
            ERL_DRV_STRING_CONS,
            a.as_ptr() as ErlDrvTermData,
            3,
        ];
        assert_eq!(show(&spec).unwrap(), "\"abc123\"");
        let spec = [
            ERL_DRV_ATOM,
            atom("x"),
            ERL_DRV_INT,
            1,
            ERL_DRV_INT,
            2,
            ERL_DRV_LIST,
            3,
        ];
        assert_eq!(show(&spec).unwrap(), "[x,1|2]");
        let spec = [
            ERL_DRV_ATOM,
            atom("k"),
            ERL_DRV_INT,
            1,
            ERL_DRV_ATOM,
            atom("j"),
            ERL_DRV_INT,
            2,
            ERL_DRV_MAP,
            2,
        ];
        assert_eq!(show(&spec).unwrap(), "#{j=>2,k=>1}");
    }

    #[test]
    fn ext2term_and_binary() {
        // term_to_binary({17, 4711})
        let ext = [131u8, 104, 2, 97, 17, 98, 0, 0, 18, 103];
        let bin = super::super::binary::alloc(4);
        // SAFETY: the binary has 4 bytes.
        unsafe {
            std::ptr::copy_nonoverlapping(
                b"wxyz".as_ptr(),
                (*bin).orig_bytes.as_mut_ptr() as *mut u8,
                4,
            )
        };
        let spec = [
            ERL_DRV_EXT2TERM,
            ext.as_ptr() as ErlDrvTermData,
            ext.len() as ErlDrvTermData,
            ERL_DRV_BINARY,
            bin as ErlDrvTermData,
            2,
            1,
            ERL_DRV_TUPLE,
            2,
        ];
        assert_eq!(show(&spec).unwrap(), "{{17,4711},<<\"xy\">>}");
        let spec = [ERL_DRV_BINARY, bin as ErlDrvTermData, 4, 1];
        assert_eq!(show(&spec), Err(BadSpec));
        super::super::binary::release(bin);
    }

    #[test]
    fn bad_specifications() {
        assert_eq!(show(&[]), Err(BadSpec));
        assert_eq!(show(&[ERL_DRV_NIL, ERL_DRV_NIL]), Err(BadSpec));
        assert_eq!(show(&[ERL_DRV_TUPLE, 1]), Err(BadSpec));
        assert_eq!(show(&[ERL_DRV_ATOM, 12345]), Err(BadSpec));
        assert_eq!(show(&[ERL_DRV_INT]), Err(BadSpec));
        assert_eq!(show(&[99]), Err(BadSpec));
        assert_eq!(show(&[ERL_DRV_NIL, ERL_DRV_LIST, 0]), Err(BadSpec));
        let bad_ext = [131u8, 255];
        assert_eq!(
            show(&[ERL_DRV_EXT2TERM, bad_ext.as_ptr() as ErlDrvTermData, 2]),
            Err(BadSpec)
        );
        let k = atom("k");
        assert_eq!(
            show(&[
                ERL_DRV_ATOM,
                k,
                ERL_DRV_NIL,
                ERL_DRV_ATOM,
                k,
                ERL_DRV_NIL,
                ERL_DRV_MAP,
                2
            ]),
            Err(BadSpec)
        );
    }
}
