//! The system-wide sections of a crash dump: the header (`=erl_crash_dump:0.5`), the
//! schedulers, `=memory`, `=allocated_areas`, `=port:` (OTP's `print_port_info`), `=ets:`
//! (`erl_db.c`'s table info), `=timer:` (`erl_hl_timer.c`), `=node`, `=loaded_modules` with
//! a `=mod:` per module, and `=atoms`.

use super::heap_terms::base64;
use super::processes::{code_location, ProcEntry};
use super::{DumpError, Sink};
use crate::atom::{self, Atom};
use crate::display::display_string;
use crate::etf::encode::{encode, EncodeOpts};
use crate::ets::{store::Store, Access, Kind};
use crate::module::modules;
use crate::term::{boxed, Term};

/// The local time as `ctime(3)` writes it, without the line end.
fn ctime_now() -> String {
    let mut buf = [0u8; 64];
    // SAFETY: `time` and `localtime_r` write only into the locals passed; `strftime` writes
    // at most `buf.len()` bytes into `buf` and returns how many.
    let n = unsafe {
        let now = libc::time(std::ptr::null_mut());
        let mut tm: libc::tm = std::mem::zeroed();
        libc::localtime_r(&now, &mut tm);
        libc::strftime(
            buf.as_mut_ptr().cast(),
            buf.len(),
            c"%a %b %e %H:%M:%S %Y".as_ptr(),
            &tm,
        )
    };
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

/// The first lines: format version, date, slogan, system version, atoms, calling thread.
pub(crate) fn header(sink: &mut Sink, slogan: &[u8]) -> Result<(), DumpError> {
    sink.line("=erl_crash_dump:0.5")?;
    sink.line(&ctime_now())?;
    let mut s = b"Slogan: ".to_vec();
    s.extend_from_slice(slogan);
    s.push(b'\n');
    sink.put(&s)?;
    let version = crate::bif::system_info::system_version();
    sink.put(format!("System version: {version}").as_bytes())?;
    sink.line("Taints: ")?;
    sink.line(&format!("Atoms: {}", atom::count()))?;
    let id = crate::sched::worker::scheduler_id();
    if id > 0 {
        sink.line(&format!("Calling Thread: scheduler:{id}"))?;
    } else {
        let name = std::thread::current().name().unwrap_or("main").to_string();
        sink.line(&format!("Calling Thread: {name}"))?;
    }
    Ok(())
}

/// One `=scheduler:N` section per scheduler; the calling one shows the process calling
/// `halt` as its current process.
pub(crate) fn schedulers(sink: &mut Sink, procs: &[ProcEntry]) -> Result<(), DumpError> {
    let n = if crate::sched::started() {
        crate::sched::system().schedulers
    } else {
        1
    };
    let me = crate::sched::worker::scheduler_id();
    for i in 1..=n {
        sink.line(&format!("=scheduler:{i}"))?;
        let current = if i == me {
            procs.iter().find(|e| e.is_caller())
        } else {
            None
        };
        let Some(e) = current.and_then(|e| e.process().map(|p| (e, p))) else {
            sink.line("Current Process: ")?;
            continue;
        };
        let (e, p) = e;
        sink.line(&format!(
            "Current Process: {}",
            display_string(Term::pid(e.id))
        ))?;
        sink.line("Current Process State: Running")?;
        sink.line(&format!(
            "Current Process Program counter: {:#018x} ({})",
            p.pc as usize,
            code_location(p.pc)
        ))?;
        sink.line("Current Process Limited Stack Trace:")?;
        for (i, &t) in p.stack.iter().enumerate().rev() {
            if t.primary_tag() == crate::term::TAG_PRIMARY_HEADER && !t.is_none() {
                let slot = &p.stack[i] as *const Term as usize;
                let pc = t.raw() as *const crate::emu::instr::Instr;
                sink.line(&format!(
                    "{slot:#018x}:SReturn addr {:#X} ({})",
                    t.raw(),
                    code_location(pc)
                ))?;
            }
        }
    }
    Ok(())
}

/// `=memory`: `erlang:memory/0`'s categories.
pub(crate) fn memory(sink: &mut Sink, procs: &[ProcEntry]) -> Result<(), DumpError> {
    sink.line("=memory")?;
    for (name, bytes) in crate::bif::memory::categories(procs.iter().map(|e| e.process())) {
        sink.line(&format!("{name}: {bytes}"))?;
    }
    Ok(())
}

/// `=allocated_areas`: the areas this runtime measures (the atom texts, the loaded code,
/// the process and port tables).
pub(crate) fn allocated_areas(sink: &mut Sink) -> Result<(), DumpError> {
    sink.line("=allocated_areas")?;
    let atom_bytes: usize = (0..atom::count())
        .map(|i| Atom(i as u32).name().len() + 1)
        .sum();
    sink.line(&format!("atom_space: {atom_bytes} {atom_bytes}"))?;
    let code: usize = modules()
        .loaded()
        .into_iter()
        .filter_map(|m| modules().get(m))
        .map(|m| std::mem::size_of_val(&*m.code) + m.literals.capacity() * 8)
        .sum();
    sink.line(&format!("loaded_code: {code}"))?;
    let word = std::mem::size_of::<usize>();
    sink.line(&format!(
        "process_table: {}",
        crate::process::table::table().limit() * word
    ))?;
    sink.line(&format!(
        "port_table: {}",
        crate::port::table::table().limit() * word
    ))?;
    Ok(())
}

/// A `=port:#Port<0.N>` section per open port.
pub(crate) fn ports(sink: &mut Sink) -> Result<(), DumpError> {
    let mut all = crate::port::table::table().all();
    all.sort_by_key(|c| c.id);
    for cell in all {
        if cell.is_dead() {
            continue;
        }
        let st = cell.lock();
        let c = &st.core;
        sink.line(&format!("=port:{}", display_string(Term::port(c.id))))?;
        let mut state = vec!["CONNECTED"];
        if c.binary {
            state.push("BINARY_IO");
        }
        if c.soft_eof {
            state.push("SOFT_EOF");
        }
        if c.life == crate::port::Life::Closing {
            state.push("CLOSING");
        }
        sink.line(&format!("State: {}", state.join("|")))?;
        sink.line(&format!("Slot: {}", c.id))?;
        sink.line(&format!(
            "Connected: {}",
            display_string(crate::port::entity_term(c.connected))
        ))?;
        if !c.links.is_empty() {
            let links: Vec<String> = c
                .links
                .iter()
                .map(|&l| display_string(crate::port::entity_term(l)))
                .collect();
            sink.line(&format!("Links: {}", links.join(", ")))?;
        }
        if let Some(n) = c.registered_name {
            sink.line(&format!("Registered as: {}", display_string(Term::atom(n))))?;
        }
        match c.driver_name.as_str() {
            "spawn" => sink.line(&format!("Port controls external process: {}", c.name))?,
            "spawn_forker" => sink.line(&format!("Port controls forker process: {}", c.name))?,
            "fd" => sink.line(&format!(
                "Port is UNIX fd not opened by emulator: {}",
                c.name
            ))?,
            _ => sink.line(&format!("Port controls linked-in driver: {}", c.name))?,
        }
        sink.line(&format!("Input: {}", c.input))?;
        sink.line(&format!("Output: {}", c.output))?;
        sink.line(&format!("Queue: {}", c.queue_size))?;
    }
    Ok(())
}

/// A `=ets:<owner>` section per table.
pub(crate) fn ets_tables(sink: &mut Sink) -> Result<(), DumpError> {
    let mut tables = crate::ets::registry().all();
    tables.sort_by_key(|t| t.id);
    for t in tables {
        if t.is_deleted() {
            continue;
        }
        sink.line(&format!("=ets:{}", display_string(Term::pid(t.owner()))))?;
        sink.line(&format!("Slot: {}", t.id))?;
        let mut h = crate::heap::Heap::default();
        let tid = if t.is_named() {
            Term::atom(t.name())
        } else {
            crate::ets::tid_term(&t, &mut h)
        };
        sink.line(&format!("Table: {}", display_string(tid)))?;
        sink.line(&format!("Name: {}", display_string(Term::atom(t.name()))))?;
        let store = t.store.read();
        match &*store {
            Store::Hash(hs) => {
                let n = hs.slots();
                let lens: Vec<f64> = (0..n)
                    .map(|i| hs.slot(i).map_or(0, |v| v.len()) as f64)
                    .collect();
                let buckets = n.max(1) as f64;
                let avg = lens.iter().sum::<f64>() / buckets;
                let var = lens.iter().map(|l| (l - avg) * (l - avg)).sum::<f64>() / buckets;
                let max = lens.iter().cloned().fold(0.0, f64::max);
                let min = lens.iter().cloned().fold(f64::INFINITY, f64::min);
                let min = if min.is_finite() { min } else { 0.0 };
                sink.line(&format!("Buckets: {n}"))?;
                sink.line(&format!("Chain Length Avg: {avg:.6}"))?;
                sink.line(&format!("Chain Length Max: {max}"))?;
                sink.line(&format!("Chain Length Min: {min}"))?;
                sink.line(&format!("Chain Length Std Dev: {:.6}", var.sqrt()))?;
                let expected = (avg * (1.0 - 1.0 / buckets)).max(0.0).sqrt();
                sink.line(&format!("Chain Length Expected Std Dev: {expected:.6}"))?;
            }
            Store::Tree(_) => {
                sink.line(&format!(
                    "Ordered set (AVL tree), Elements: {}",
                    store.len()
                ))?;
            }
        }
        if !matches!(&*store, Store::Tree(_)) {
            sink.line(&format!("Fixed: {}", t.is_fixed()))?;
        }
        sink.line(&format!("Objects: {}", store.len()))?;
        drop(store);
        sink.line(&format!("Words: {}", t.memory_words()))?;
        let kind = match t.kind {
            Kind::Set => "set",
            Kind::OrderedSet => "ordered_set",
            Kind::Bag => "bag",
            Kind::DuplicateBag => "duplicate_bag",
        };
        sink.line(&format!("Type: {kind}"))?;
        let access = match t.access() {
            Access::Public => "public",
            Access::Protected => "protected",
            Access::Private => "private",
        };
        sink.line(&format!("Protection: {access}"))?;
        sink.line(&format!("Compressed: {}", t.compressed))?;
        sink.line(&format!(
            "Write Concurrency: {}",
            t.write_concurrency || t.write_concurrency_auto
        ))?;
        sink.line(&format!("Read Concurrency: {}", t.read_concurrency))?;
    }
    Ok(())
}

/// A `=timer:<receiver>` section per `send_after`/`start_timer` timer.
pub(crate) fn timers(sink: &mut Sink) -> Result<(), DumpError> {
    for t in crate::timer::bif_timers() {
        let to = match t.dest {
            Ok(pid) => display_string(Term::pid(pid)),
            Err(name) => match crate::process::registry::whereis(name) {
                Some(pid) => display_string(Term::pid(pid)),
                None => display_string(Term::atom(name)),
            },
        };
        let mut h = crate::heap::Heap::default();
        let msg = if t.start_timer {
            let r = boxed::reference(&mut h, t.ref_id);
            boxed::tuple(&mut h, &[Term::atom(atom::atom("timeout")), r, t.msg.term])
        } else {
            t.msg.term
        };
        sink.line(&format!("=timer:{to}"))?;
        sink.line(&format!("Message: {}", display_string(msg)))?;
        sink.line(&format!("Time left: {}", t.ms_left))?;
    }
    Ok(())
}

/// `=node`, and `=no_distribution` when the node is not alive.
pub(crate) fn node(sink: &mut Sink) -> Result<(), DumpError> {
    sink.line(&format!("=node:'{}'", crate::dist::node::name().name()))?;
    if crate::dist::node::is_alive() {
        return Ok(());
    }
    sink.line("=no_distribution")
}

/// `=loaded_modules` (code sizes in bytes) and a `=mod:` section per module with its
/// attributes and compilation information in the external format.
pub(crate) fn loaded_modules(sink: &mut Sink) -> Result<(), DumpError> {
    let names = modules().loaded();
    let size =
        |m: &crate::module::Module| std::mem::size_of_val(&*m.code) + m.literals.capacity() * 8;
    let current: usize = names
        .iter()
        .filter_map(|&n| modules().get(n))
        .map(|m| size(&m))
        .sum();
    let old: usize = names
        .iter()
        .filter_map(|&n| crate::code::old_version(n))
        .map(|m| size(&m))
        .sum();
    sink.line("=loaded_modules")?;
    sink.line(&format!("Current code: {current}"))?;
    sink.line(&format!("Old code: {old}"))?;
    for n in names {
        let Some(m) = modules().get(n) else { continue };
        sink.line(&format!("=mod:{}", atom::name(n)))?;
        sink.line(&format!("Current size: {}", size(&m)))?;
        for (label, t) in [
            ("Current attributes", m.attributes),
            ("Current compilation info", m.compile_info),
        ] {
            if t.is_none() {
                continue;
            }
            let mut line = format!("{label}: ").into_bytes();
            base64(&mut line, &encode(t, EncodeOpts::default()));
            line.push(b'\n');
            sink.put(&line)?;
        }
        if let Some(o) = crate::code::old_version(n) {
            sink.line(&format!("Old size: {}", size(&o)))?;
        }
    }
    Ok(())
}

/// `=atoms`: every atom, the newest first.
pub(crate) fn atoms(sink: &mut Sink) -> Result<(), DumpError> {
    sink.line("=atoms")?;
    let mut out = Vec::new();
    for i in (0..atom::count()).rev() {
        out.extend_from_slice(display_string(Term::atom(Atom(i as u32))).as_bytes());
        out.push(b'\n');
        if out.len() > 1 << 16 {
            sink.put(&out)?;
            out.clear();
        }
    }
    sink.put(&out)
}
