//! `erlang:system_flag/2` (OTP's `erts_bif_system_flag` in `erl_bif_info.c`), for the flags
//! this runtime honours: the heap defaults of new processes (`min_heap_size`,
//! `fullsweep_after`, `max_heap_size`), `backtrace_depth` and `schedulers_online`. Any other flag raises `badarg`
//! (cause `badopt`) rather than being accepted and ignored.

use super::Registry;
use crate::atom;
use crate::emu::raise;
use crate::exception::{BifResult, Fail};
use crate::process::gc::{self, GcSettings, MaxHeap};
use crate::process::Process;
use crate::term::Term;

pub fn register(r: &mut Registry) {
    r.add("erlang", "system_flag", 2, system_flag_2);
    r.add(
        "erts_internal",
        "scheduler_wall_time",
        1,
        scheduler_wall_time_1,
    );
}

/// Whether scheduler wall time is being measured (`kernel_refc` turns it on and off for the
/// processes that use `statistics(scheduler_wall_time)`).
/// Per runtime instance.
fn scheduler_wall_time_cell() -> &'static std::sync::atomic::AtomicBool {
    static S: crate::instance::InstanceLocal<std::sync::atomic::AtomicBool> =
        crate::instance::InstanceLocal::new();
    S.get_or_init(|| std::sync::atomic::AtomicBool::new(false))
}

/// `erts_internal:scheduler_wall_time(Enable)`: sets the flag, returns its previous value.
/// (This runtime measures nothing more when it is on: `statistics(scheduler_wall_time)` is
/// not implemented.)
fn scheduler_wall_time_1(_p: &mut Process, a: &[Term]) -> BifResult {
    let on = match a[0] {
        t if t == Term::bool(true) => true,
        t if t == Term::bool(false) => false,
        _ => return Err(Fail::badarg()),
    };
    let old = scheduler_wall_time_cell().swap(on, std::sync::atomic::Ordering::Relaxed);
    Ok(Term::bool(old))
}

/// A size argument (of `system_flag/2` and `process_flag/2`): a non-negative small integer,
/// not absurdly large.
pub fn size_arg(t: Term) -> Result<usize, Fail> {
    match t.as_small() {
        Some(n) if (0..1 << 40).contains(&n) => Ok(n as usize),
        _ => Err(Fail::badarg()),
    }
}

fn system_flag_2(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(flag) = a[0].as_atom() else {
        return Err(Fail::badarg());
    };
    match flag.name() {
        "min_heap_size" => {
            let n = size_arg(a[1])?;
            let max = MaxHeap::system_default();
            if max.size != 0 && max.size < gc::heap_size_for(n) {
                return Err(Fail::badarg());
            }
            Ok(Term::small(gc::set_default_min_heap_size(n) as i64))
        }
        "fullsweep_after" => {
            let n = u32::try_from(size_arg(a[1])?).unwrap_or(u32::MAX);
            Ok(Term::small(gc::set_default_fullsweep_after(n) as i64))
        }
        "max_heap_size" => {
            let m = MaxHeap::parse(a[1], MaxHeap::system_default()).ok_or_else(Fail::badarg)?;
            if m.size != 0 && m.size < GcSettings::default().min_heap_size {
                return Err(Fail::badarg());
            }
            Ok(m.set_system_default().to_term(&mut p.heap))
        }
        "system_logger" => {
            let t = crate::system_logger::Target::from_term(a[1]).ok_or_else(Fail::badarg)?;
            Ok(crate::system_logger::set(t).to_term())
        }
        "backtrace_depth" => {
            let n = size_arg(a[1])?;
            Ok(Term::small(raise::set_backtrace_depth(n) as i64))
        }
        "schedulers_online" => {
            let sys = crate::sched::system();
            match a[1].as_small() {
                Some(n) if n >= 1 && n as usize <= sys.schedulers => {
                    let old = sys.set_online(n as usize);
                    crate::sched::dirty::schedulers_online_changed(old, n as usize);
                    Ok(Term::small(old as i64))
                }
                _ => Err(Fail::badarg()),
            }
        }
        "dirty_cpu_schedulers_online" => {
            let pool = &crate::sched::dirty::dirty().cpu;
            let max = pool.threads().min(crate::sched::system().online());
            match a[1].as_small() {
                Some(n) if n >= 1 && n as usize <= max => {
                    Ok(Term::small(pool.set_online(n as usize) as i64))
                }
                _ => Err(Fail::badarg()),
            }
        }
        _ => Err(Fail::badarg_cause(Term::atom(atom::atom("badopt")))),
    }
}
