//! `erlang:memory/0,1` (OTP's `erts_memory`): memory by category, in bytes, measured from the
//! runtime's own structures: process heaps and stacks, ETS objects, the atom table, loaded
//! code and literals, off-heap binaries referenced from process heaps; `total` is what the C
//! allocator has handed out and not taken back (glibc's `mallinfo2`, at least the sum of the
//! categories), as OTP's `total` is what its own allocators hold, and `system` is
//! `total - processes`.
//!
//! A process running on another scheduler at the moment of the call is counted by its
//! structure's size only (its heap is in use and not read).

use super::Registry;
use crate::atom::{self, Atom};
use crate::exception::{BifResult, Fail};
use crate::process::Process;
use crate::term::boxed;
use crate::term::Term;

pub fn register(r: &mut Registry) {
    r.add("erlang", "memory", 0, memory_0);
    r.add("erlang", "memory", 1, memory_1);
}

/// The categories of `memory/0`, in OTP's order.
const TYPES: [&str; 9] = [
    "total",
    "processes",
    "processes_used",
    "system",
    "atom",
    "atom_used",
    "binary",
    "code",
    "ets",
];

struct Usage {
    processes: usize,
    processes_used: usize,
    atom: usize,
    binary: usize,
    code: usize,
    ets: usize,
    total: usize,
}

/// Heap, stack and structure bytes of a process; the bytes of the binaries it refers to.
fn process_bytes(p: &Process) -> (usize, usize, usize) {
    let words = p.total_heap_words() + p.stack.capacity();
    let used = p.heap.used_words() + p.heap.fragment_words() + p.heap.old_words().0 + p.stack.len();
    let base = std::mem::size_of::<Process>();
    let bins = p.heap.off_heap_bytes();
    (base + words * 8, base + used * 8, bins)
}

/// Bytes the C allocator has handed out and not taken back (every arena, `mmap`ed blocks
/// included): what this runtime has allocated, as OTP's `total` is what its allocators have.
fn allocated_bytes() -> usize {
    // SAFETY: `mallinfo2` only reads the allocator's own statistics.
    let m = unsafe { libc::mallinfo2() };
    m.uordblks + m.hblkhd
}

fn measure(me: &Process) -> Usage {
    let table = crate::process::table::table();
    let procs = table.ids().into_iter().filter_map(|id| {
        if id == me.id {
            return Some(process_bytes(me));
        }
        let cell = table.get(id)?;
        let bytes = match cell.process.try_lock() {
            Some(p) => process_bytes(&p),
            None => {
                let base = std::mem::size_of::<Process>();
                (base, base, 0)
            }
        };
        Some(bytes)
    });
    measure_with(procs)
}

/// The memory categories of `erlang:memory/0`, in its order, with the processes read by
/// the caller (the crash dump holds their locks): `None` for a process that is running.
pub(crate) fn categories<'a>(
    procs: impl Iterator<Item = Option<&'a Process>>,
) -> Vec<(&'static str, usize)> {
    let base = std::mem::size_of::<Process>();
    let u = measure_with(procs.map(|p| p.map_or((base, base, 0), process_bytes)));
    TYPES
        .iter()
        .map(|t| (*t, value(&u, t).unwrap_or(0)))
        .collect()
}

/// Usage from the (all, used, binary) bytes of each process and the shared tables.
fn measure_with(procs: impl Iterator<Item = (usize, usize, usize)>) -> Usage {
    let mut u = Usage {
        processes: 0,
        processes_used: 0,
        atom: 0,
        binary: 0,
        code: 0,
        ets: 0,
        total: 0,
    };
    for (all, used, bins) in procs {
        u.processes += all;
        u.processes_used += used;
        u.binary += bins;
    }
    let atoms = atom::count();
    u.atom = (0..atoms)
        .map(|i| Atom(i as u32).name().len() + 2 * std::mem::size_of::<usize>())
        .sum();
    for name in crate::module::modules().loaded() {
        if let Some(m) = crate::module::modules().get(name) {
            u.code += std::mem::size_of_val(&*m.code) + m.literals.capacity() * 8;
        }
    }
    for t in crate::ets::registry().all() {
        u.ets += t.memory_words() * 8;
    }
    let sum = u.processes + u.atom + u.binary + u.code + u.ets;
    u.total = allocated_bytes().max(sum);
    u
}

fn value(u: &Usage, name: &str) -> Option<usize> {
    Some(match name {
        "total" => u.total,
        "processes" => u.processes,
        "processes_used" => u.processes_used,
        "system" => u.total - u.processes,
        "atom" | "atom_used" => u.atom,
        "binary" => u.binary,
        "code" => u.code,
        "ets" => u.ets,
        _ => return None,
    })
}

fn memory_0(p: &mut Process, _a: &[Term]) -> BifResult {
    let u = measure(p);
    let items: Vec<Term> = TYPES
        .iter()
        .map(|t| {
            let v = value(&u, t).unwrap_or(0);
            boxed::tuple(
                &mut p.heap,
                &[Term::atom(atom::atom(t)), Term::small(v as i64)],
            )
        })
        .collect();
    Ok(boxed::list(&mut p.heap, &items))
}

fn memory_1(p: &mut Process, a: &[Term]) -> BifResult {
    let u = measure(p);
    if let Some(t) = a[0].as_atom() {
        return value(&u, t.name())
            .map(|v| Term::small(v as i64))
            .ok_or_else(Fail::badarg);
    }
    let names = boxed::list_to_vec(a[0]).ok_or_else(Fail::badarg)?;
    let mut items = Vec::with_capacity(names.len());
    for n in names {
        let t = n.as_atom().ok_or_else(Fail::badarg)?;
        let v = value(&u, t.name()).ok_or_else(Fail::badarg)?;
        items.push(boxed::tuple(&mut p.heap, &[n, Term::small(v as i64)]));
    }
    Ok(boxed::list(&mut p.heap, &items))
}
