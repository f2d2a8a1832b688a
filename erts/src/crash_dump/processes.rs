//! The processes of a crash dump (OTP's `print_process_info` in `break.c` and
//! `erl_process_dump.c`): a `=proc:<pid>` summary each, and later, for each process, its
//! `=proc_messages`, `=proc_dictionary`, `=proc_stack` and `=proc_heap` sections.

use super::heap_terms::HeapDump;
use super::{DumpError, Sink};
use crate::display::display_string;
use crate::emu::instr::Instr;
use crate::module::modules;
use crate::process::cell::{self, Priority, ProcessCell};
use crate::process::signals::MonitorTarget;
use crate::process::table::table;
use crate::process::Process;
use crate::term::{boxed, Term, TAG_PRIMARY_HEADER};
use parking_lot::MutexGuard;
use std::time::{Duration, Instant};

/// How the dump reads a process.
pub(crate) enum Held<'a> {
    /// The process calling `halt` (its lock is held by its scheduler: this thread).
    Caller(&'a Process),
    /// Locked for the dump (and kept locked until the runtime exits).
    Locked(MutexGuard<'static, Process>),
    /// Still running on another scheduler when the dump gave up waiting.
    Busy,
}

/// A process as the dump sees it.
pub(crate) struct ProcEntry<'a> {
    pub id: u64,
    pub cell: Option<&'static ProcessCell>,
    pub held: Held<'a>,
}

impl ProcEntry<'_> {
    pub fn process(&self) -> Option<&Process> {
        match &self.held {
            Held::Caller(p) => Some(p),
            Held::Locked(g) => Some(g),
            Held::Busy => None,
        }
    }
    pub fn is_caller(&self) -> bool {
        matches!(self.held, Held::Caller(_))
    }
    fn priority(&self) -> Priority {
        self.cell.map_or(Priority::Normal, |c| c.priority())
    }
    /// OTP's `State:` words.
    fn state(&self) -> &'static str {
        if self.is_caller() {
            return "Running";
        }
        match self.cell.map(|c| c.state()) {
            Some(cell::EXITED) => "Exiting",
            Some(cell::RUNNING) | Some(cell::NOTIFIED) => "Running",
            Some(cell::QUEUED) => "Scheduled",
            _ => "Waiting",
        }
    }
}

/// Locks every live process (waiting up to two seconds in all for those running on other
/// schedulers), in pid order.
pub(crate) fn lock_all(caller: &Process) -> Vec<ProcEntry<'_>> {
    let deadline = Instant::now() + Duration::from_secs(2);
    let mut out = Vec::new();
    for id in table().ids() {
        if id == caller.id {
            out.push(ProcEntry {
                id,
                cell: table().get(id).map(leak),
                held: Held::Caller(caller),
            });
            continue;
        }
        let Some(cell) = table().get(id).map(leak) else {
            continue;
        };
        let held = loop {
            if let Some(g) = cell.process.try_lock() {
                break Held::Locked(g);
            }
            if Instant::now() > deadline {
                break Held::Busy;
            }
            std::thread::sleep(Duration::from_micros(200));
        };
        out.push(ProcEntry {
            id,
            cell: Some(cell),
            held,
        });
    }
    out
}

/// The dump never ends (the runtime exits after it): a cell it reads is kept alive for
/// good, so guards on its lock can live as long.
fn leak(c: std::sync::Arc<ProcessCell>) -> &'static ProcessCell {
    Box::leak(Box::new(c))
}

fn pid_text(id: u64) -> String {
    display_string(Term::pid(id))
}

fn ref_text(id: u64) -> String {
    let mut h = crate::heap::Heap::default();
    display_string(boxed::reference(&mut h, id))
}

/// `m:f/a + offset` of code address `pc` (OTP prints the byte offset in the function).
pub(crate) fn code_location(pc: *const Instr) -> String {
    let Some(m) = modules().find_by_pc(pc) else {
        return "unknown function".to_string();
    };
    let off = m.offset_of(pc);
    let i = m.functions.partition_point(|(s, _, _)| *s <= off);
    if i == 0 {
        return "unknown function".to_string();
    }
    let (start, f, a) = m.functions[i - 1];
    let bytes = (off - start) * std::mem::size_of::<Instr>();
    format!(
        "{}:{}/{} + {bytes}",
        display_string(Term::atom(m.name)),
        display_string(Term::atom(f)),
        a
    )
}

/// The `Internal State:` flags OTP would show.
fn internal_state(e: &ProcEntry, p: Option<&Process>) -> String {
    let prio = match e.priority() {
        Priority::Max => "MAX",
        Priority::High => "HIGH",
        Priority::Normal => "NORMAL",
        Priority::Low => "LOW",
    };
    let mut s = format!("ACT_PRIO_{prio} | USR_PRIO_{prio} | PRQ_PRIO_{prio}");
    if p.is_some_and(|p| p.message_queue_off_heap) {
        s.push_str(" | OFF_HEAP_MSGQ");
    }
    match e.state() {
        "Running" => s.push_str(" | ACTIVE | RUNNING"),
        "Scheduled" => s.push_str(&format!(" | IN_PRQ_{prio} | ACTIVE | IN_RUNQ")),
        "Exiting" => s.push_str(" | EXITING"),
        _ => {}
    }
    s
}

/// The `=proc:<pid>` sections.
pub(crate) fn summaries(sink: &mut Sink, procs: &[ProcEntry]) -> Result<(), DumpError> {
    for e in procs {
        sink.line(&format!("=proc:{}", pid_text(e.id)))?;
        sink.line(&format!("State: {}", e.state()))?;
        let Some(p) = e.process() else {
            sink.line(&format!("Internal State: {}", internal_state(e, None)))?;
            continue;
        };
        if let Some(n) = p.registered_name {
            sink.line(&format!("Name: {}", display_string(Term::atom(n))))?;
        }
        if let Some(m) = p.initial_call {
            sink.line(&format!(
                "Spawned as: {}:{}/{}",
                display_string(Term::atom(m.module)),
                display_string(Term::atom(m.function)),
                m.arity
            ))?;
        }
        let parent = p.parent.map_or("[]".to_string(), pid_text);
        sink.line(&format!("Spawned by: {parent}"))?;
        sink.line(&format!("Message queue length: {}", p.mailbox.len()))?;
        let frag = p.heap.fragment_words();
        sink.line(&format!(
            "Number of heap fragments: {}",
            usize::from(frag > 0)
        ))?;
        sink.line(&format!("Heap fragment data: {frag}"))?;
        let mut links: Vec<String> = p
            .links
            .iter()
            .map(|&l| display_string(crate::port::entity_term(l)))
            .collect();
        for m in &p.monitors {
            let target = match m.target {
                MonitorTarget::Pid(i) => display_string(crate::port::entity_term(i)),
                MonitorTarget::Name(n) => display_string(Term::atom(n)),
                // A time-offset monitor watches no process or port.
                MonitorTarget::ClockService => continue,
            };
            links.push(format!("{{to,{target},{}}}", ref_text(m.reference)));
        }
        for m in &p.monitored_by {
            if crate::process::exit::is_native_id(m.pid) {
                continue;
            }
            links.push(format!(
                "{{from,{},{}}}",
                display_string(crate::port::entity_term(m.pid)),
                ref_text(m.reference)
            ));
        }
        if !links.is_empty() {
            sink.line(&format!("Link list: [{}]", links.join(", ")))?;
        }
        sink.line(&format!("Reductions: {}", p.reductions))?;
        let young = p.heap.capacity();
        let (old_used, old_cap) = p.heap.old_words();
        sink.line(&format!("Stack+heap: {}", young + p.stack.len()))?;
        sink.line(&format!("OldHeap: {old_cap}"))?;
        sink.line(&format!(
            "Heap unused: {}",
            young.saturating_sub(p.heap.used_words())
        ))?;
        sink.line(&format!("OldHeap unused: {}", old_cap - old_used))?;
        let bin_words = p.heap.off_heap_bytes() / 8;
        sink.line(&format!("BinVHeap: {bin_words}"))?;
        sink.line("OldBinVHeap: 0")?;
        sink.line(&format!(
            "BinVHeap unused: {}",
            46422usize.saturating_sub(bin_words)
        ))?;
        sink.line("OldBinVHeap unused: 46422")?;
        let memory =
            (p.total_heap_words() + p.stack.capacity()) * 8 + std::mem::size_of::<Process>();
        sink.line(&format!("Memory: {memory}"))?;
        if !p.pc.is_null() {
            sink.line(&format!(
                "Program counter: {:#018x} ({})",
                p.pc as usize,
                code_location(p.pc)
            ))?;
        }
        sink.line(&format!("Internal State: {}", internal_state(e, Some(p))))?;
    }
    Ok(())
}

/// The sections of each process's data: messages, dictionary, stack, and the heap terms
/// they refer to.
pub(crate) fn deep(sink: &mut Sink, procs: &[ProcEntry]) -> Result<(), DumpError> {
    for e in procs {
        let Some(p) = e.process() else { continue };
        let pid = pid_text(e.id);
        let mut heap = HeapDump::new();
        let mut out = Vec::new();
        if !p.mailbox.is_empty() {
            out.extend_from_slice(format!("=proc_messages:{pid}\n").as_bytes());
            for &m in &p.mailbox {
                heap.reference(&mut out, m);
                out.extend_from_slice(b":N\n");
            }
        }
        if !p.dictionary.is_empty() {
            out.extend_from_slice(format!("=proc_dictionary:{pid}\n").as_bytes());
            for &(k, v) in p.dictionary.iter().rev() {
                heap.synthetic_pair(&mut out, k, v);
                out.push(b'\n');
            }
        }
        out.extend_from_slice(format!("=proc_stack:{pid}\n").as_bytes());
        stack_lines(&mut out, &mut heap, &p.stack);
        out.extend_from_slice(format!("=proc_heap:{pid}\n").as_bytes());
        heap.write_lines(&mut out);
        sink.put(&out)?;
    }
    Ok(())
}

/// The stack from the top: the Y registers of each frame (`yN:TERM`, a catch as
/// `yN:SCatch ...`), then its return address; the bottom frame returns to
/// `<terminate process normally>`.
fn stack_lines(out: &mut Vec<u8>, heap: &mut HeapDump, stack: &[Term]) {
    let mut y = 0;
    for (i, &t) in stack.iter().enumerate().rev() {
        let slot = &stack[i] as *const Term as usize;
        if t.is_catch() {
            let pc = t.catch_addr() as *const Instr;
            out.extend_from_slice(
                format!(
                    "y{y}:SCatch {:#X} ({})\n",
                    t.catch_addr(),
                    code_location(pc)
                )
                .as_bytes(),
            );
            y += 1;
        } else if t.primary_tag() == TAG_PRIMARY_HEADER && !t.is_none() {
            let pc = t.raw() as *const Instr;
            out.extend_from_slice(
                format!(
                    "{slot:#018x}:SReturn addr {:#X} ({})\n",
                    t.raw(),
                    code_location(pc)
                )
                .as_bytes(),
            );
            y = 0;
        } else {
            out.extend_from_slice(format!("y{y}:").as_bytes());
            heap.reference(out, t);
            out.push(b'\n');
            y += 1;
        }
    }
    let bottom = stack.as_ptr() as usize;
    out.extend_from_slice(
        format!("{bottom:#018x}:SReturn addr 0x0 (<terminate process normally>)\n").as_bytes(),
    );
}
