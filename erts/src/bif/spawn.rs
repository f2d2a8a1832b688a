//! Process creation BIFs (OTP's `erl_bif_spawn` parts of `bif.c`): `spawn/3`, `spawn_link/3`,
//! `spawn_opt/4` with its options. (`spawn/1`, `spawn_monitor/1,3` and friends are Erlang code
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
    r.add("erlang", "spawn_opt", 4, spawn_opt_4);
}

fn start(p: &mut Process, a: &[Term], opts: SpawnOpts) -> Result<u64, Fail> {
    let (Some(m), Some(f)) = (a[0].as_atom(), a[1].as_atom()) else {
        return Err(Fail::badarg());
    };
    let Some(args) = boxed::list_to_vec(a[2]) else {
        return Err(Fail::badarg());
    };
    let e = module::export(m, f, args.len() as u32);
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

/// The options of `spawn_opt`, and those of its monitor (`{monitor, Options}`).
fn parse_opts(list: Term) -> Option<(SpawnOpts, MonitorOpts)> {
    let mut o = SpawnOpts::default();
    let mut monitor_opts = MonitorOpts::default();
    for opt in boxed::list_to_vec(list)? {
        if let Some(a) = opt.as_atom() {
            match a.name() {
                "link" => o.link = true,
                "monitor" => o.monitor = Some(super::process::new_ref_id()),
                _ => return None,
            }
            continue;
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
                o.monitor = Some(super::process::new_ref_id());
                monitor_opts = super::signals::parse_monitor_opts(v)?;
            }
            _ => return None,
        }
    }
    // A limit below the minimum heap size cannot be met.
    if let Some(m) = o.max_heap {
        let min = heap_size_for(
            o.min_heap_size
                .unwrap_or(crate::process::gc::GcSettings::default().min_heap_size),
        );
        if m.size != 0 && m.size < min {
            return None;
        }
    }
    Some((o, monitor_opts))
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
