//! Port BIFs (OTP's `erl_bif_port.c`): the `erts_internal:open_port/2` and `port_*` natives
//! that `erlang:open_port/2`, `port_command/2,3`, `port_close/1`, `port_connect/2`,
//! `port_control/3`, `port_call/3` and `port_info/1,2` call (they return an error atom,
//! which the Erlang side raises with `error_info`), and `erlang:ports/0`,
//! `port_set_data/2`, `port_get_data/1`.
//!
//! Operations run at once in the caller (see `crate::port::signals`); none returns the
//! reference of a scheduled operation.

use super::Registry;
use crate::atom::{self, Atom};
use crate::exception::{BifResult, Fail};
use crate::port::driver::{self, OpenError};
use crate::port::open_opts::{self, OptError, PortKind};
use crate::port::signals::{self as port_sig, PortOpError};
use crate::port::{self, entity_term, Life, PortCell};
use crate::process::{registry, Process};
use crate::term::boxed;
use crate::term::Term;
use std::sync::Arc;

pub fn register(r: &mut Registry) {
    r.add("erts_internal", "open_port", 2, open_port_2);
    r.add("erts_internal", "port_command", 3, port_command_3);
    r.add("erts_internal", "port_close", 1, port_close_1);
    r.add("erts_internal", "port_connect", 2, port_connect_2);
    r.add("erts_internal", "port_control", 3, port_control_3);
    r.add("erts_internal", "port_call", 3, port_call_3);
    r.add("erts_internal", "port_info", 1, port_info_1);
    r.add("erts_internal", "port_info", 2, port_info_2);
    r.add("erlang", "ports", 0, ports_0);
    r.add("erlang", "port_set_data", 2, port_set_data_2);
    r.add("erlang", "port_get_data", 1, port_get_data_1);
}

/// Reductions a port operation costs its caller, OTP's costs of the same operations as port
/// tasks (`CONTEXT_REDS / 100` for output, control, call and exit; `/ 200` for connect and
/// info).
const REDS_OP: u32 = 40;
const REDS_LIGHT_OP: u32 = 20;

/// What `port_info(P, memory)` reports: the size of OTP 25's port structure for a spawn
/// port (an estimate for other drivers).
const PORT_MEMORY: i64 = 40;

fn am(name: &str) -> Term {
    Term::atom(atom::atom(name))
}

/// The live port that `t` (a port or a registered name) names. The port a process used
/// last is kept in the process (`Process::port_cache`), so repeated operations on one port
/// touch no shared table.
fn lookup(p: &mut Process, t: Term) -> Option<Arc<PortCell>> {
    let cell = take_port(p, t)?;
    p.port_cache = Some(cell.clone());
    Some(cell)
}

/// Like [`lookup`], but moves the port out of the process's cache (no reference count
/// traffic on the hot path); give it back with `p.port_cache = Some(cell)`.
fn take_port(p: &mut Process, t: Term) -> Option<Arc<PortCell>> {
    let n = if t.is_local_port() {
        t.port_number()
    } else {
        let id = registry::whereis(t.as_atom()?)?;
        if !port::is_port_id(id) {
            return None;
        }
        id & !port::PORT_BIT
    };
    match p.port_cache.take() {
        Some(c) if c.id == n => (!c.is_dead()).then_some(c),
        other => {
            p.port_cache = other;
            port::lookup(n)
        }
    }
}

fn op_error(e: PortOpError) -> Term {
    match e {
        PortOpError::Badarg | PortOpError::Busy => Term::atom(atom::BADARG),
        PortOpError::NotSup => am("notsup"),
    }
}

fn open_port_2(p: &mut Process, a: &[Term]) -> BifResult {
    let spec = match open_opts::parse(a[0], a[1]) {
        Ok(s) => s,
        Err(OptError::Badopt) => return Ok(am("badopt")),
        Err(OptError::Badarg) => return Ok(Term::atom(atom::BADARG)),
    };
    let word = String::from_utf8_lossy(spec.first_word()).into_owned();
    let factory = match spec.kind {
        PortKind::Fd(..) => driver::lookup("fd"),
        PortKind::Vanilla => driver::lookup("vanilla"),
        PortKind::SpawnExecutable => driver::lookup("spawn"),
        PortKind::Spawn => driver::lookup(&word)
            .filter(|_| !matches!(word.as_str(), "spawn" | "fd" | "vanilla"))
            .or_else(|| driver::lookup("spawn")),
        PortKind::SpawnDriver => driver::lookup(&word),
    };
    let Some(factory) = factory else {
        return Ok(Term::atom(atom::BADARG));
    };
    let settings = port::PortSettings {
        name: spec.command_text(),
        driver_name: factory.name().to_string(),
        binary: spec.binary,
        line: spec.line,
        soft_eof: spec.eof,
        parallelism: spec.parallelism,
    };
    // A driver that acknowledges its start later: the caller gets a reference to wait on.
    let mut awaited = None;
    let created = port::with_caller(p.id, || {
        port::create(p.id, settings, |core| {
            let started = factory.start(core, &spec);
            awaited = core.awaited_init_ack();
            started
        })
    });
    match created {
        Ok(cell) => {
            p.links.push(port::port_id(cell.id));
            match awaited {
                Some(r) => Ok(boxed::reference(&mut p.heap, r)),
                None => Ok(Term::port(cell.id)),
            }
        }
        Err(OpenError::Badarg) => Ok(Term::atom(atom::BADARG)),
        Err(OpenError::SystemLimit) => Ok(Term::atom(atom::SYSTEM_LIMIT)),
        Err(OpenError::Errno(e)) => Ok(am(crate::errno::errno_id(e))),
        Err(OpenError::Failed) => Ok(am("einval")),
    }
}

fn port_command_3(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(flags) = boxed::list_to_vec(a[2]) else {
        return Ok(am("badopt"));
    };
    let (mut force, mut nosuspend) = (false, false);
    for f in flags {
        match f.as_atom().map(Atom::name) {
            Some("force") => force = true,
            Some("nosuspend") => nosuspend = true,
            _ => return Ok(am("badopt")),
        }
    }
    let Some(bytes) = command_bytes(a[1]) else {
        return Ok(Term::atom(atom::BADARG));
    };
    let Some(cell) = take_port(p, a[0]) else {
        return Ok(Term::atom(atom::BADARG));
    };
    let me = p.id;
    let r = port::with_caller(me, || {
        port_sig::command(&cell, me, &bytes, force, nosuspend)
    });
    p.port_cache = Some(cell);
    match r {
        Ok(done) => {
            p.charge(REDS_OP);
            Ok(Term::bool(done))
        }
        // Busy without `nosuspend`: the caller is suspended until the port is not busy, then
        // tries again.
        Err(PortOpError::Busy) => {
            p.port_suspended = true;
            Err(Fail::Trap {
                target: crate::emu::interp::port_busy_wait_export(),
                args: a.to_vec(),
            })
        }
        Err(e) => Ok(op_error(e)),
    }
}

/// The bytes of `port_command` data: iodata (a binary is borrowed, not copied), or (as OTP
/// takes it) a bitstring's whole bytes.
fn command_bytes<'a>(t: Term) -> Option<std::borrow::Cow<'a, [u8]>> {
    if t.is_bitstring() {
        let v = boxed::bitstring_view(t);
        let bits = boxed::BitView {
            size_bits: v.size_bits / 8 * 8,
            ..v
        };
        return Some(match bits.as_bytes() {
            Some(b) => std::borrow::Cow::Borrowed(b),
            None => std::borrow::Cow::Owned(bits.to_vec()),
        });
    }
    super::iodata::iodata_to_bytes(t).map(std::borrow::Cow::Owned)
}

fn port_close_1(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(cell) = lookup(p, a[0]) else {
        return Ok(Term::atom(atom::BADARG));
    };
    p.charge(REDS_OP);
    Ok(match port_sig::close(&cell) {
        Ok(()) => Term::bool(true),
        Err(e) => op_error(e),
    })
}

fn port_connect_2(p: &mut Process, a: &[Term]) -> BifResult {
    let (Some(cell), true) = (lookup(p, a[0]), a[1].is_local_pid()) else {
        return Ok(Term::atom(atom::BADARG));
    };
    p.charge(REDS_LIGHT_OP);
    Ok(match port_sig::connect(&cell, a[1].pid_number()) {
        Ok(()) => Term::bool(true),
        Err(e) => op_error(e),
    })
}

fn operation(t: Term) -> Option<u32> {
    t.as_small().and_then(|n| u32::try_from(n).ok())
}

thread_local! {
    /// Buffers for `port_control` data and replies, reused from call to call.
    static CONTROL_BUFS: std::cell::RefCell<(Vec<u8>, Vec<u8>)> =
        const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

fn port_control_3(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(op) = operation(a[1]) else {
        return Ok(Term::atom(atom::BADARG));
    };
    let Some(cell) = take_port(p, a[0]) else {
        return Ok(Term::atom(atom::BADARG));
    };
    let mut control = |data: &mut Vec<u8>, reply: &mut Vec<u8>| {
        data.clear();
        reply.clear();
        if !super::iodata::iodata_append(a[2], data) {
            return Term::atom(atom::BADARG);
        }
        match port::with_caller(p.id, || port_sig::control(&cell, op, data, reply)) {
            Ok(true) => boxed::binary(&mut p.heap, reply),
            Ok(false) => boxed::string(&mut p.heap, reply.iter().map(|&b| b as u32)),
            Err(e) => op_error(e),
        }
    };
    // The thread's buffers; fresh ones when they are in use (a driver callback that calls
    // back into `port_control` on this thread).
    let r = CONTROL_BUFS
        .try_with(|b| match b.try_borrow_mut() {
            Ok(mut b) => {
                let (data, reply) = &mut *b;
                Some(control(data, reply))
            }
            Err(_) => None,
        })
        .ok()
        .flatten();
    let r = match r {
        Some(r) => r,
        None => control(&mut Vec::new(), &mut Vec::new()),
    };
    p.port_cache = Some(cell);
    p.charge(REDS_OP);
    Ok(r)
}

fn port_call_3(p: &mut Process, a: &[Term]) -> BifResult {
    let (Some(cell), Some(op)) = (lookup(p, a[0]), operation(a[1])) else {
        return Ok(Term::atom(atom::BADARG));
    };
    let arg = crate::etf::encode::encode(a[2], Default::default());
    p.charge(REDS_OP);
    match port::with_caller(p.id, || port_sig::call(&cell, op, &arg)) {
        Ok(reply) => match crate::etf::decode::decode(&mut p.heap, &reply, Default::default()) {
            Ok((t, _)) => Ok(boxed::tuple(&mut p.heap, &[Term::atom(atom::OK), t])),
            Err(_) => Ok(Term::atom(atom::BADARG)),
        },
        Err(e) => Ok(op_error(e)),
    }
}

/// The items of `port_info/1`, in OTP's order.
const INFO_ITEMS: [&str; 7] = [
    "name",
    "links",
    "id",
    "connected",
    "input",
    "output",
    "os_pid",
];

/// The value of one `port_info/2` item; `None` for an unknown item.
fn info_item(p: &mut Process, cell: &PortCell, item: &str) -> Option<Term> {
    let st = cell.lock();
    if st.core.life == Life::Dead {
        return Some(Term::atom(atom::UNDEFINED));
    }
    let c = &st.core;
    let h = &mut p.heap;
    let v = match item {
        "id" => Term::small(c.id as i64),
        "name" => boxed::string(h, c.name.chars().map(|ch| ch as u32)),
        "connected" => Term::pid(c.connected),
        "links" => {
            let l: Vec<Term> = c.links.iter().map(|&i| entity_term(i)).collect();
            boxed::list(h, &l)
        }
        "monitors" => {
            let proc_atom = am("process");
            let l: Vec<Term> = c
                .monitors
                .iter()
                .map(|&(_, pid)| boxed::tuple(h, &[proc_atom, Term::pid(pid)]))
                .collect();
            boxed::list(h, &l)
        }
        "monitored_by" => {
            let l: Vec<Term> = c.monitored_by.iter().map(|m| Term::pid(m.pid)).collect();
            boxed::list(h, &l)
        }
        "input" => crate::bignum::from_i128(h, c.input as i128),
        "output" => crate::bignum::from_i128(h, c.output as i128),
        "os_pid" => match cell.os_pid() {
            Some(n) => Term::small(n as i64),
            None => Term::atom(atom::UNDEFINED),
        },
        "queue_size" => Term::small(c.queue_size as i64),
        "memory" => Term::small(PORT_MEMORY),
        "parallelism" => Term::bool(c.parallelism),
        "locking" => {
            let l = st.driver.as_ref().map(|d| d.locking()).unwrap_or("false");
            am(l)
        }
        "registered_name" => match c.registered_name {
            Some(n) => Term::atom(n),
            None => return Some(Term::NIL),
        },
        _ => return None,
    };
    Some(boxed::tuple(&mut p.heap, &[am(item), v]))
}

fn port_info_1(p: &mut Process, a: &[Term]) -> BifResult {
    if !a[0].is_port() && !a[0].is_atom() {
        return Ok(Term::atom(atom::BADARG));
    }
    let Some(cell) = lookup(p, a[0]) else {
        return Ok(Term::atom(atom::UNDEFINED));
    };
    let mut items = Vec::with_capacity(8);
    let reg = info_item(p, &cell, "registered_name");
    if let Some(r) = reg.filter(|r| r.is_tuple()) {
        items.push(r);
    }
    for it in INFO_ITEMS {
        match info_item(p, &cell, it) {
            Some(t) if t == Term::atom(atom::UNDEFINED) => return Ok(Term::atom(atom::UNDEFINED)),
            Some(t) => items.push(t),
            None => {}
        }
    }
    Ok(boxed::list(&mut p.heap, &items))
}

fn port_info_2(p: &mut Process, a: &[Term]) -> BifResult {
    if !a[0].is_port() && !a[0].is_atom() {
        return Ok(am("badtype"));
    }
    let Some(item) = a[1].as_atom() else {
        return Ok(Term::atom(atom::BADARG));
    };
    let Some(cell) = lookup(p, a[0]) else {
        return Ok(Term::atom(atom::UNDEFINED));
    };
    Ok(info_item(p, &cell, item.name()).unwrap_or(Term::atom(atom::BADARG)))
}

fn ports_0(p: &mut Process, _a: &[Term]) -> BifResult {
    let ports: Vec<Term> = port::table::table()
        .all()
        .into_iter()
        .filter(|c| !c.is_dead())
        .map(|c| Term::port(c.id))
        .collect();
    Ok(boxed::list(&mut p.heap, &ports))
}

fn port_set_data_2(p: &mut Process, a: &[Term]) -> BifResult {
    let cell = lookup(p, a[0]).ok_or_else(Fail::badarg)?;
    cell.set_data(a[1]);
    Ok(Term::bool(true))
}

fn port_get_data_1(p: &mut Process, a: &[Term]) -> BifResult {
    let cell = lookup(p, a[0]).ok_or_else(Fail::badarg)?;
    Ok(cell.get_data(&mut p.heap))
}
