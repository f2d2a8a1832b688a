//! The built-in `prim_buffer` NIF library (OTP's `prim_buffer_nif.c`): a byte queue that
//! `prim_file` uses as its read-ahead buffer, named by a magic reference.
//!
//! Functions: `new/0`, `size/1`, `peek_head/1`, `copying_read/2`, `write/2`, `skip/2`,
//! `find_byte_index/2`, `try_lock/1`, `unlock/1`. A term that is not a buffer, a size that
//! is not a non-negative 64-bit integer, or a read or skip past the end is `badarg`, as in
//! OTP; `unlock/1` of an unlocked buffer raises `lock_order_violation`.
//!
//! The queue is one contiguous byte vector with a read offset (OTP keeps an I/O queue of
//! binaries), so `peek_head/1` gives all the queued bytes as one binary; `prim_buffer`'s
//! Erlang code gives the same results either way.

use super::{get_i32, get_u64, iovec, object_of, BuiltinLib, BuiltinNif};
use crate::atom;
use crate::exception::{BifResult, Fail};
use crate::magic::{self, MagicHeader};
use crate::process::Process;
use crate::term::{boxed, Term};
use parking_lot::Mutex;

/// The magic kind of buffers (`"PRIMBUF"`).
pub const BUFFER_KIND: u64 = u64::from_be_bytes(*b"PRIMBUF\0");

/// The library: the stubs of `prim_buffer.erl`.
pub static LIB: BuiltinLib = BuiltinLib {
    module: "prim_buffer",
    funcs: &[
        BuiltinNif {
            name: "new",
            arity: 0,
            f: new_0,
        },
        BuiltinNif {
            name: "size",
            arity: 1,
            f: size_1,
        },
        BuiltinNif {
            name: "peek_head",
            arity: 1,
            f: peek_head_1,
        },
        BuiltinNif {
            name: "copying_read",
            arity: 2,
            f: copying_read_2,
        },
        BuiltinNif {
            name: "write",
            arity: 2,
            f: write_2,
        },
        BuiltinNif {
            name: "skip",
            arity: 2,
            f: skip_2,
        },
        BuiltinNif {
            name: "find_byte_index",
            arity: 2,
            f: find_byte_index_2,
        },
        BuiltinNif {
            name: "try_lock",
            arity: 1,
            f: try_lock_1,
        },
        BuiltinNif {
            name: "unlock",
            arity: 1,
            f: unlock_1,
        },
    ],
    load: |_| 0,
};

/// A buffer object: the magic header, then the queue.
#[repr(C)]
struct Buffer {
    magic: MagicHeader,
    queue: Mutex<Queue>,
}

/// The queued bytes are `data[start..]`.
#[derive(Default)]
struct Queue {
    data: Vec<u8>,
    start: usize,
    /// The external lock of `try_lock/1` and `unlock/1`.
    locked: bool,
}

impl Queue {
    fn bytes(&self) -> &[u8] {
        &self.data[self.start..]
    }

    fn len(&self) -> usize {
        self.data.len() - self.start
    }

    /// Drops `n` queued bytes (at most the length).
    fn skip(&mut self, n: usize) {
        self.start += n.min(self.len());
        if self.start == self.data.len() {
            self.data.clear();
            self.start = 0;
        } else if self.start > 4096 && self.start * 2 > self.data.len() {
            self.data.drain(..self.start);
            self.start = 0;
        }
    }
}

/// Frees a buffer whose last count was dropped.
///
/// # Safety
/// `p` must be a buffer made by [`new_0`] with no count left.
unsafe fn destroy(p: *const MagicHeader) {
    // SAFETY: made by `Box::into_raw` in `new_0`, and no longer referenced.
    drop(unsafe { Box::from_raw(p as *mut Buffer) });
}

fn buffer<'a>(t: Term) -> Result<&'a Buffer, Fail> {
    // SAFETY: only `Buffer`s have `BUFFER_KIND`; `t` is an argument on the caller's heap.
    unsafe { object_of::<Buffer>(t, BUFFER_KIND) }.ok_or_else(Fail::badarg)
}

fn new_0(p: &mut Process, _: &[Term]) -> BifResult {
    let b = Box::into_raw(Box::new(Buffer {
        magic: MagicHeader::new(BUFFER_KIND, destroy),
        queue: Mutex::new(Queue::default()),
    })) as *const MagicHeader;
    // SAFETY: a live object with its creator's count, handed over to the term.
    unsafe {
        magic::register(b);
        Ok(magic::make_ref_owned(&mut p.heap, b))
    }
}

fn size_1(p: &mut Process, a: &[Term]) -> BifResult {
    let n = buffer(a[0])?.queue.lock().len();
    Ok(crate::bignum::from_i128(&mut p.heap, n as i128))
}

fn peek_head_1(p: &mut Process, a: &[Term]) -> BifResult {
    let q = buffer(a[0])?.queue.lock();
    if q.len() == 0 {
        return Err(Fail::badarg());
    }
    Ok(boxed::binary(&mut p.heap, q.bytes()))
}

/// A byte count no larger than what is queued.
fn queued_size(q: &Queue, t: Term) -> Result<usize, Fail> {
    let n = get_u64(t).ok_or_else(Fail::badarg)?;
    match usize::try_from(n) {
        Ok(n) if n <= q.len() => Ok(n),
        _ => Err(Fail::badarg()),
    }
}

fn copying_read_2(p: &mut Process, a: &[Term]) -> BifResult {
    let b = buffer(a[0])?;
    let mut q = b.queue.lock();
    let n = queued_size(&q, a[1])?;
    let t = boxed::binary(&mut p.heap, &q.bytes()[..n]);
    q.skip(n);
    Ok(t)
}

fn write_2(_: &mut Process, a: &[Term]) -> BifResult {
    let b = buffer(a[0])?;
    let parts = iovec(a[1]).ok_or_else(Fail::badarg)?;
    let mut q = b.queue.lock();
    for part in parts {
        q.data.extend_from_slice(part);
    }
    Ok(Term::atom(atom::OK))
}

fn skip_2(_: &mut Process, a: &[Term]) -> BifResult {
    let b = buffer(a[0])?;
    let mut q = b.queue.lock();
    let n = queued_size(&q, a[1])?;
    q.skip(n);
    Ok(Term::atom(atom::OK))
}

fn find_byte_index_2(p: &mut Process, a: &[Term]) -> BifResult {
    let b = buffer(a[0])?;
    let needle = get_i32(a[1]).ok_or_else(Fail::badarg)?;
    let needle = u8::try_from(needle).map_err(|_| Fail::badarg())?;
    let q = b.queue.lock();
    match q.bytes().iter().position(|&c| c == needle) {
        Some(i) => {
            let i = crate::bignum::from_i128(&mut p.heap, i as i128);
            Ok(boxed::tuple(&mut p.heap, &[Term::atom(atom::OK), i]))
        }
        None => Ok(Term::atom(atom::atom("not_found"))),
    }
}

fn try_lock_1(_: &mut Process, a: &[Term]) -> BifResult {
    let mut q = buffer(a[0])?.queue.lock();
    if q.locked {
        Ok(Term::atom(atom::atom("busy")))
    } else {
        q.locked = true;
        Ok(Term::atom(atom::atom("acquired")))
    }
}

fn unlock_1(_: &mut Process, a: &[Term]) -> BifResult {
    let mut q = buffer(a[0])?.queue.lock();
    if !q.locked {
        return Err(Fail::error(Term::atom(atom::atom("lock_order_violation"))));
    }
    q.locked = false;
    Ok(Term::atom(atom::OK))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_skips_and_compacts() {
        let mut q = Queue::default();
        q.data.extend_from_slice(&[1; 10_000]);
        q.data.extend_from_slice(b"xyz");
        q.skip(9_000);
        assert_eq!(q.len(), 1_003);
        assert_eq!(q.start, 0, "compacted");
        q.skip(1_000);
        assert_eq!(q.bytes(), b"xyz");
        q.skip(10);
        assert_eq!(q.len(), 0);
        assert!(q.data.is_empty());
    }
}
