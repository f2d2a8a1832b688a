//! Process creation BIFs (OTP's `erl_bif_spawn` parts of `bif.c`): `spawn/3`, `spawn_link/3`,
//! `spawn_opt/4` with its options, and the asynchronous `spawn_request` (the BIFs
//! `erts_internal:spawn_request/4`, `erts_internal:dist_spawn_request/4` and
//! `erlang:spawn_request_abandon/1` under `erlang:spawn_request/1..5`). (`spawn/1`, `spawn_monitor/1,3` and friends are Erlang code
//! in `erlang.beam` that calls these.)

use super::signals::MonitorOpts;
use super::Registry;
use crate::exception::{BifResult, Fail};
use crate::module;
use crate::process::cell::Priority;
use crate::process::gc::{heap_size_for, MaxHeap};
use crate::process::spawn::{spawn, SpawnOpts};
use crate::process::table::SpawnError;
use crate::process::Process;
use crate::term::boxed;
use crate::term::Term;

pub fn register(r: &mut Registry) {
    r.add("erlang", "spawn", 3, spawn_3);
    r.add("erlang", "spawn_link", 3, spawn_link_3);
    // A system process survives `init:restart/0` in OTP; this runtime has no restart, so it
    // is an ordinary process (`prim_file`'s `on_load` spawns its janitor with it).
    r.add("erts_internal", "spawn_system_process", 3, |p, a| {
        let opts = SpawnOpts {
            system: true,
            ..SpawnOpts::default()
        };
        start(p, a, opts).map(Term::pid)
    });
    r.add("erlang", "spawn_opt", 4, spawn_opt_4);
    r.add("erts_internal", "spawn_request", 4, spawn_request_4);
    r.add(
        "erts_internal",
        "dist_spawn_request",
        4,
        dist_spawn_request_4,
    );
    r.add(
        "erlang",
        "spawn_request_abandon",
        1,
        spawn_request_abandon_1,
    );
}

fn start(p: &mut Process, a: &[Term], opts: SpawnOpts) -> Result<u64, Fail> {
    let (Some(m), Some(f)) = (a[0].as_atom(), a[1].as_atom()) else {
        return Err(Fail::badarg());
    };
    let Some(args) = boxed::list_to_vec(a[2]) else {
        return Err(Fail::badarg());
    };
    let e = module::export_for_call(m, f, args.len() as u32);
    spawn(Some(p), e, &args, opts).map_err(|e| match e {
        SpawnError::Limit => Fail::system_limit(),
    })
}

fn spawn_3(p: &mut Process, a: &[Term]) -> BifResult {
    start(p, a, SpawnOpts::default()).map(Term::pid)
}

fn spawn_link_3(p: &mut Process, a: &[Term]) -> BifResult {
    let opts = SpawnOpts {
        link: true,
        ..SpawnOpts::default()
    };
    start(p, a, opts).map(Term::pid)
}

/// Parses a `process_flag(priority, P)` / `{priority, P}` value.
pub fn priority_from(t: Term) -> Option<Priority> {
    match t.as_atom()?.name() {
        "max" => Some(Priority::Max),
        "high" => Some(Priority::High),
        "normal" => Some(Priority::Normal),
        "low" => Some(Priority::Low),
        _ => None,
    }
}

fn is_size(t: Term) -> bool {
    t.as_small().is_some_and(|n| n >= 0)
}

/// Applies one `spawn_opt` option to `o` (and a monitor's options to `monitor_opts`); `None`
/// for an option that is not valid. `monitor` is the reference number a `monitor` option
/// gets.
fn parse_opt(
    o: &mut SpawnOpts,
    monitor_opts: &mut MonitorOpts,
    opt: Term,
    monitor: u64,
) -> Option<()> {
    if let Some(a) = opt.as_atom() {
        match a.name() {
            "link" => o.link = true,
            "monitor" => o.monitor = Some(monitor),
            _ => return None,
        }
        return Some(());
    }
    if !opt.is_tuple() || boxed::tuple_arity(opt) != 2 {
        return None;
    }
    let (k, v) = (boxed::tuple_element(opt, 0), boxed::tuple_element(opt, 1));
    match k.as_atom()?.name() {
        "priority" => o.priority = Some(priority_from(v)?),
        "min_heap_size" if is_size(v) && v.as_small()? < 1 << 40 => {
            o.min_heap_size = Some(v.as_small()? as usize);
        }
        "fullsweep_after" if is_size(v) => {
            o.fullsweep_after = Some(u32::try_from(v.as_small()?).unwrap_or(u32::MAX));
        }
        "min_bin_vheap_size" if is_size(v) => {}
        "max_heap_size" => {
            o.max_heap = Some(MaxHeap::parse(v, MaxHeap::system_default())?);
        }
        "message_queue_data" => match v.as_atom()?.name() {
            "off_heap" => o.message_queue_off_heap = Some(true),
            "on_heap" => o.message_queue_off_heap = Some(false),
            _ => return None,
        },
        "monitor" => {
            o.monitor = Some(monitor);
            *monitor_opts = super::signals::parse_monitor_opts(v)?;
        }
        _ => return None,
    }
    Some(())
}

/// Whether the options taken together can be met: a heap limit below the minimum heap size
/// cannot.
fn opts_consistent(o: &SpawnOpts) -> bool {
    if let Some(m) = o.max_heap {
        let min = heap_size_for(
            o.min_heap_size
                .unwrap_or(crate::process::gc::GcSettings::default().min_heap_size),
        );
        if m.size != 0 && m.size < min {
            return false;
        }
    }
    true
}

/// The options of `spawn_opt`, and those of its monitor (`{monitor, Options}`).
pub(crate) fn parse_opts(list: Term) -> Option<(SpawnOpts, MonitorOpts)> {
    let mut o = SpawnOpts::default();
    let mut monitor_opts = MonitorOpts::default();
    let monitor = super::process::new_ref_id();
    for opt in boxed::list_to_vec(list)? {
        parse_opt(&mut o, &mut monitor_opts, opt, monitor)?;
    }
    opts_consistent(&o).then_some((o, monitor_opts))
}

fn spawn_opt_4(p: &mut Process, a: &[Term]) -> BifResult {
    let Some((opts, monitor_opts)) = parse_opts(a[3]) else {
        return Err(Fail::badarg());
    };
    let id = start(p, a, opts)?;
    match opts.monitor {
        Some(r) => {
            super::signals::apply_monitor_opts(p, r, monitor_opts);
            let rt = boxed::reference(&mut p.heap, r);
            Ok(boxed::tuple(&mut p.heap, &[Term::pid(id), rt]))
        }
        None => Ok(Term::pid(id)),
    }
}

/// Which replies a spawn request asks for (`{reply, yes | no | error_only | success_only}`);
/// also kept for requests to other nodes ([`crate::dist::entry::SpawnRequest`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Reply {
    Yes,
    No,
    ErrorOnly,
    SuccessOnly,
}

impl Reply {
    /// Whether a reply of this kind is sent for a success (`ok`) or a failure.
    pub fn wants(self, ok: bool) -> bool {
        match self {
            Reply::Yes => true,
            Reply::No => false,
            Reply::ErrorOnly => !ok,
            Reply::SuccessOnly => ok,
        }
    }
}

/// The options of a spawn request: the reply wanted, its tag, and the `spawn_opt` options
/// (`None` when one of them is not valid, which is reported in the reply as `badopt`).
struct RequestOpts {
    reply: Reply,
    tag: Term,
    spawn: Option<(SpawnOpts, MonitorOpts)>,
}

/// Parses the options of a spawn request whose id (and monitor reference) is `req`; `None`
/// when `list` is not a proper list.
fn parse_request_opts(list: Term, req: u64) -> Option<RequestOpts> {
    let mut r = RequestOpts {
        reply: Reply::Yes,
        tag: Term::atom(crate::atom::atom("spawn_reply")),
        spawn: None,
    };
    let mut o = SpawnOpts::default();
    let mut monitor_opts = MonitorOpts::default();
    let mut valid = true;
    for opt in boxed::list_to_vec(list)? {
        if opt.is_tuple() && boxed::tuple_arity(opt) == 2 {
            let (k, v) = (boxed::tuple_element(opt, 0), boxed::tuple_element(opt, 1));
            match k.as_atom().map(|a| a.name()) {
                Some("reply_tag") => {
                    r.tag = v;
                    continue;
                }
                Some("reply") => {
                    match v.as_atom().map(|a| a.name()) {
                        Some("yes") => r.reply = Reply::Yes,
                        Some("no") => r.reply = Reply::No,
                        Some("error_only") => r.reply = Reply::ErrorOnly,
                        Some("success_only") => r.reply = Reply::SuccessOnly,
                        _ => valid = false,
                    }
                    continue;
                }
                _ => {}
            }
        }
        if parse_opt(&mut o, &mut monitor_opts, opt, req).is_none() {
            valid = false;
        }
    }
    if valid && opts_consistent(&o) {
        r.spawn = Some((o, monitor_opts));
    }
    Some(r)
}

/// Puts `{Tag, ReqId, Result, Value}` in the caller's own mailbox (a reply is the first
/// thing the caller hears of its request, before any signal of the new process).
fn reply(p: &mut Process, tag: Term, req: u64, result: &str, value: Term) {
    let rt = boxed::reference(&mut p.heap, req);
    let msg = boxed::tuple(
        &mut p.heap,
        &[tag, rt, Term::atom(crate::atom::atom(result)), value],
    );
    p.mailbox.push_back(msg);
}

/// `erts_internal:spawn_request(M, F, A, Opts)`: spawns `M:F(A...)` and answers with a
/// `spawn_reply` message; returns the request id, `badarg` for a bad `M`, `F` or `A`, or
/// `badopt` when `Opts` is not a list.
fn spawn_request_4(p: &mut Process, a: &[Term]) -> BifResult {
    let (Some(m), Some(f)) = (a[0].as_atom(), a[1].as_atom()) else {
        return Ok(Term::atom(crate::atom::BADARG));
    };
    let Some(args) = boxed::list_to_vec(a[2]) else {
        return Ok(Term::atom(crate::atom::BADARG));
    };
    let req = super::process::new_ref_id();
    let Some(ro) = parse_request_opts(a[3], req) else {
        return Ok(Term::atom(crate::atom::atom("badopt")));
    };
    match ro.spawn {
        None => {
            if ro.reply.wants(false) {
                let why = Term::atom(crate::atom::atom("badopt"));
                reply(p, ro.tag, req, "error", why);
            }
        }
        Some((opts, monitor_opts)) => {
            let e = module::export_for_call(m, f, args.len() as u32);
            match spawn(Some(p), e, &args, opts) {
                Ok(pid) => {
                    if opts.monitor.is_some() {
                        super::signals::apply_monitor_opts(p, req, monitor_opts);
                    }
                    if ro.reply.wants(true) {
                        reply(p, ro.tag, req, "ok", Term::pid(pid));
                    }
                }
                Err(SpawnError::Limit) => {
                    if ro.reply.wants(false) {
                        let why = Term::atom(crate::atom::SYSTEM_LIMIT);
                        reply(p, ro.tag, req, "error", why);
                    }
                }
            }
        }
    }
    Ok(boxed::reference(&mut p.heap, req))
}

/// `erts_internal:dist_spawn_request(Node, {M, F, A}, Opts, Type)` for a node other than this
/// one: a `SPAWN_REQUEST` to it ([`crate::dist::output::spawn_request`]); when this node is
/// not alive there is no connection and the reply is `{spawn_reply, ReqId, error,
/// noconnection}`. Returns the request id (`spawn_request`) or
/// `{ReqId, Monitor}` (`spawn_opt`), or `badarg`.
fn dist_spawn_request_4(p: &mut Process, a: &[Term]) -> BifResult {
    let badarg = Ok(Term::atom(crate::atom::BADARG));
    let mfa = a[1];
    if a[0].as_atom().is_none() || !mfa.is_tuple() || boxed::tuple_arity(mfa) != 3 {
        return badarg;
    }
    let (m, f, args) = (
        boxed::tuple_element(mfa, 0),
        boxed::tuple_element(mfa, 1),
        boxed::tuple_element(mfa, 2),
    );
    if m.as_atom().is_none() || f.as_atom().is_none() || boxed::list_to_vec(args).is_none() {
        return badarg;
    }
    let spawn_opt = match a[3].as_atom().map(|t| t.name()) {
        Some("spawn_request") => false,
        Some("spawn_opt") => true,
        _ => return badarg,
    };
    let req = super::process::new_ref_id();
    let Some(ro) = parse_request_opts(a[2], req) else {
        return badarg;
    };
    let node = a[0].as_atom().unwrap_or(crate::atom::NONODE);
    if let (Some((opts, monitor_opts)), true) = (ro.spawn, crate::dist::node::is_alive()) {
        // To the other node; the reply comes from there (or `noconnection`).
        let (tag, reply) = if spawn_opt {
            (Term::atom(crate::atom::atom("spawn_reply")), Reply::Yes)
        } else {
            (ro.tag, ro.reply)
        };
        let list = boxed::list_to_vec(a[2]).unwrap_or_default();
        let remote_opts = crate::dist::output::remote_spawn_opts(&mut p.heap, &list);
        let request = crate::dist::entry::SpawnRequest {
            from: p.id,
            tag: crate::process::signals::OwnedTerm::copy_of(tag),
            reply,
        };
        if opts.monitor.is_some() {
            super::signals::apply_monitor_opts(p, req, monitor_opts);
        }
        crate::dist::output::spawn_request(
            node,
            req,
            p.id,
            p.group_leader,
            (m, f, args),
            remote_opts,
            request,
        );
        let rt = boxed::reference(&mut p.heap, req);
        if spawn_opt {
            let monitor = Term::bool(opts.monitor.is_some());
            return Ok(boxed::tuple(&mut p.heap, &[rt, monitor]));
        }
        return Ok(rt);
    }
    let why = if ro.spawn.is_some() {
        "noconnection"
    } else {
        "badopt"
    };
    if spawn_opt || ro.reply.wants(false) {
        let tag = if spawn_opt {
            Term::atom(crate::atom::atom("spawn_reply"))
        } else {
            ro.tag
        };
        reply(p, tag, req, "error", Term::atom(crate::atom::atom(why)));
    }
    let rt = boxed::reference(&mut p.heap, req);
    if spawn_opt {
        let monitor = ro.spawn.is_some_and(|(o, _)| o.monitor.is_some());
        return Ok(boxed::tuple(
            &mut p.heap,
            &[
                rt,
                Term::atom(if monitor {
                    crate::atom::TRUE
                } else {
                    crate::atom::FALSE
                }),
            ],
        ));
    }
    Ok(rt)
}

/// `erlang:spawn_request_abandon(ReqId)`: a local request is answered when it is made, so it
/// is never pending; a request to another node is, until its reply arrives (`true`: it is
/// dropped, and the process made for it gets an exit signal `abandoned`).
fn spawn_request_abandon_1(_p: &mut Process, a: &[Term]) -> BifResult {
    if !a[0].is_reference() {
        return Err(Fail::badarg());
    }
    let pending = a[0].is_boxed_with(crate::term::subtag::REF)
        && crate::dist::entry::abandon_spawn(boxed::reference_id(a[0]));
    Ok(Term::bool(pending))
}
