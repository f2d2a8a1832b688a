//! `erts_internal:request_system_task/3` (OTP's `erts_internal_request_system_task_3` in
//! `erl_process.c`), behind `erlang:garbage_collect/1,2` of another process (or of the caller,
//! asynchronously): the target is collected between its time slices and the requester gets
//! `{garbage_collect, RequestId, Done}`, `Done` being `false` when the process is gone.
//! `{check_process_code, ReqId, Module}` answers `{check_process_code, ReqId, Bool}`: whether
//! the target runs old code of `Module` (`erts_code_purger` asks every process before a
//! purge). A target between time slices is served at once; a running one gets the task as a
//! signal (`Signal::SystemTask`) and serves it after its slice, so the caller never waits for
//! another process's slice to end. Other system tasks (`copy_literals`, ...) raise `badarg`: this runtime does not
//! do them yet.

use super::Registry;
use crate::atom;
use crate::exception::{BifResult, Fail};
use crate::process::cell::{self, ProcessCell};
use crate::process::exit;
use crate::process::signals::{OwnedTerm, Signal, SystemTask, SystemTaskKind};
use crate::process::table::table;
use crate::process::Process;
use crate::term::boxed;
use crate::term::Term;
use std::sync::Arc;

pub fn register(r: &mut Registry) {
    r.add(
        "erts_internal",
        "request_system_task",
        3,
        request_system_task_3,
    );
}

fn request_system_task_3(p: &mut Process, a: &[Term]) -> BifResult {
    let (pid, req) = (a[0], a[2]);
    if !pid.is_local_pid() || !req.is_tuple() || boxed::tuple_arity(req) != 3 {
        return Err(Fail::badarg());
    }
    let e = boxed::tuple_elems(req);
    if e[0] == Term::atom(atom::atom("check_process_code")) {
        return check_process_code(p, pid, e);
    }
    if e[0] != Term::atom(atom::atom("garbage_collect")) {
        return Err(Fail::badarg());
    }
    let major = match e[2].as_atom().map(|t| t.name()) {
        Some("major") => true,
        Some("minor") => false,
        _ => return Err(Fail::badarg()),
    };
    let id = pid.pid_number();
    // The reply is built first: collecting the caller itself moves its terms (the mailbox is
    // one of the roots, so the queued reply stays valid).
    let reply = |p: &mut Process, done: bool| {
        let r = boxed::tuple(&mut p.heap, &[e[0], e[1], Term::bool(done)]);
        p.mailbox.push_back(r);
    };
    if id == p.id {
        reply(p, true);
        // The three argument registers are live; a heap over `max_heap_size` is dealt with
        // at the next collection at a safe point.
        let _ = if major { p.gc_major(3, 0) } else { p.gc(3, 0) };
        return Ok(Term::atom(atom::atom("ok")));
    }
    let done = match table().get(id) {
        Some(c) if c.state() != cell::EXITED => {
            let Some(mut target) = c.try_lock_other() else {
                let kind = SystemTaskKind::GarbageCollect { major };
                return Ok(ask_running(p, &c, kind, e[1]));
            };
            if c.dirty_running() && c.state() != cell::EXITED {
                // Its heap is in use by a dirty native call: collected (and answered) when
                // it is next scheduled, as OTP does.
                target.gc_requests.push(crate::process::gc::GcRequest {
                    from: p.id,
                    id: crate::process::signals::OwnedTerm::copy_of(e[1]),
                    major,
                });
                return Ok(Term::atom(atom::atom("ok")));
            }
            if c.state() == cell::EXITED {
                false
            } else {
                // Between slices, the live registers are kept in `saved_x` (a root).
                let _ = if major {
                    target.gc_major(0, 0)
                } else {
                    target.gc(0, 0)
                };
                true
            }
        }
        _ => false,
    };
    reply(p, done);
    Ok(Term::atom(atom::atom("ok")))
}

/// Asks the running process `c` for a system task by a signal: it does the task between its
/// time slices and answers the caller (or the signal is answered `false` if it exits first).
/// The caller does not wait for the target's slice to end.
fn ask_running(p: &Process, c: &Arc<ProcessCell>, kind: SystemTaskKind, request_id: Term) -> Term {
    let task = SystemTask {
        from: p.id,
        request_id: OwnedTerm::copy_of(request_id),
        kind,
    };
    if let Err(Signal::SystemTask(task)) = exit::deliver_to(c, Signal::SystemTask(task)) {
        // It exited meanwhile.
        task.answer(false);
    }
    Term::atom(atom::atom("ok"))
}

/// The `check_process_code` system task: answered at once when the target is between time
/// slices, else by the target itself after its current slice.
fn check_process_code(p: &mut Process, pid: Term, e: &[Term]) -> BifResult {
    let Some(m) = e[2].as_atom() else {
        return Err(Fail::badarg());
    };
    let id = pid.pid_number();
    let uses = if id == p.id {
        super::loading::uses_old_code(p, m)
    } else {
        match table().get(id) {
            Some(c) if c.state() != cell::EXITED => {
                let Some(target) = c.try_lock_other() else {
                    let kind = SystemTaskKind::CheckProcessCode { module: m };
                    return Ok(ask_running(p, &c, kind, e[1]));
                };
                super::loading::uses_old_code(&target, m)
            }
            _ => false,
        }
    };
    let r = boxed::tuple(&mut p.heap, &[e[0], e[1], Term::bool(uses)]);
    p.mailbox.push_back(r);
    Ok(Term::atom(atom::atom("ok")))
}
