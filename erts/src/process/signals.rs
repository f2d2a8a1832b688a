//! Signals between processes (OTP's `erl_proc_sig_queue`): messages, exit signals, links,
//! monitors and timer expiries. Every signal to a process goes through its one FIFO inbox, so
//! signals from one process to another keep their order, whatever their kind.
//!
//! A term carried by a signal lives in its own heap ([`OwnedTerm`]): the sender copies it there
//! without touching the receiver, and the receiver adopts that heap as a fragment when it takes
//! the signal (OTP's heap fragments of messages).

use crate::heap::{Fragment, Heap};
use crate::term::copy;
use crate::term::Term;

/// A term together with the storage that holds it (none for immediates).
pub struct OwnedTerm {
    pub term: Term,
    storage: Storage,
}

/// Where an [`OwnedTerm`] lives.
enum Storage {
    /// An immediate needs none.
    None,
    /// One block (one allocation: the common case).
    Block(Fragment),
    /// A heap that spilled into fragments while the term was built.
    Heap(Box<Heap>),
}

impl Storage {
    fn of(heap: Heap) -> Storage {
        match heap.into_fragment() {
            Ok(f) => Storage::Block(f),
            Err(h) => Storage::Heap(h),
        }
    }
}

// SAFETY: the term points only into its storage (or is immediate / a refc binary whose data
// is shared immutably), and the storage moves with it.
unsafe impl Send for OwnedTerm {}

impl OwnedTerm {
    /// Copies `t` into a fresh heap of exactly the needed size.
    pub fn copy_of(t: Term) -> OwnedTerm {
        if t.is_immediate() {
            return OwnedTerm::immediate(t);
        }
        let words = copy::size_of(t);
        let mut heap = Heap::with_capacity(words);
        let term = copy::copy(&mut heap, t);
        OwnedTerm {
            term,
            storage: Storage::of(heap),
        }
    }
    /// A term built by `f` in a fresh heap.
    pub fn build(f: impl FnOnce(&mut Heap) -> Term) -> OwnedTerm {
        let mut heap = Heap::with_capacity(16);
        let term = f(&mut heap);
        OwnedTerm {
            term,
            storage: Storage::of(heap),
        }
    }
    /// An immediate term (atom, small integer, pid, `[]`).
    pub fn immediate(t: Term) -> OwnedTerm {
        debug_assert!(t.is_immediate());
        OwnedTerm {
            term: t,
            storage: Storage::None,
        }
    }
    /// Moves the term into `heap` (adopting its storage as a fragment) and returns it.
    pub fn adopt_into(self, heap: &mut Heap) -> Term {
        match self.storage {
            Storage::None => {}
            Storage::Block(f) => heap.absorb_fragment(f),
            Storage::Heap(h) => heap.absorb(*h),
        }
        self.term
    }
}

/// What a monitor watches by: a pid or a registered name, or the clock service's time offset
/// (`monitor(time_offset, clock_service)`, which never fires: this runtime keeps the
/// `no_time_warp` mode, where the offset is final).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum MonitorTarget {
    Pid(u64),
    Name(crate::atom::Atom),
    ClockService,
}

/// A signal in a process's inbox.
pub enum Signal {
    /// An ordinary message.
    Message(OwnedTerm),
    /// An exit signal from `from` (a pid number). `linked` is true when it comes from a broken
    /// link (then `kill` is not special), false for `exit/2`.
    Exit {
        from: u64,
        reason: OwnedTerm,
        linked: bool,
    },
    /// `from` linked itself to the receiver.
    Link { from: u64 },
    /// `from` removed its link to the receiver.
    Unlink { from: u64 },
    /// `from` monitors the receiver (reference `reference`, as given by `target`).
    Monitor {
        from: u64,
        reference: u64,
        target: MonitorTarget,
    },
    /// `from` removed its monitor `reference`.
    Demonitor { from: u64, reference: u64 },
    /// A monitor of the receiver on `target` (a process of another node) was set up on its
    /// behalf: a `spawn_request` with `monitor` was answered.
    MonitorUp { reference: u64, target: u64 },
    /// A monitor of the receiver fired: `msg` is the `'DOWN'` message, delivered only if the
    /// receiver still holds monitor `reference` (a demonitor may have raced with it).
    Down { reference: u64, msg: OwnedTerm },
    /// The `receive ... after` timer number `generation` expired.
    ReceiveTimeout { generation: u64 },
    /// A message sent to alias `alias` of the receiver: delivered only if the alias is still
    /// active when it arrives.
    AliasMessage { alias: u64, msg: OwnedTerm },
    /// A busy port the receiver was suspended on (in `port_command`) is no longer busy.
    Resume,
    /// Nothing but a wake-up: something the receiver waits for outside its mailbox may be
    /// over (the `on_load` function of a module it calls has finished). The receiver looks
    /// again where it waits.
    Wake,
    /// A system task another process asked for (`erts_internal:request_system_task/3`)
    /// while the receiver was running: done between the receiver's time slices.
    SystemTask(SystemTask),
    /// A port connected to the receiver has input ready: the receiver's scheduler runs the
    /// port's deferred poll events (`PortCell::run_deferred_input`).
    PortInput(u64),
}

/// A system task one process asks of another (OTP's `ErtsProcSysTask`).
pub struct SystemTask {
    /// The requester's pid number, which gets the answer `{Tag, RequestId, Result}`.
    pub from: u64,
    /// The request's id (the requester's reference).
    pub request_id: OwnedTerm,
    pub kind: SystemTaskKind,
}

/// What a [`SystemTask`] asks for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SystemTaskKind {
    /// `garbage_collect`: a collection, major or minor; answered `true`.
    GarbageCollect { major: bool },
    /// `check_process_code`: whether the process runs old code of `module`.
    CheckProcessCode { module: crate::atom::Atom },
}

impl SystemTaskKind {
    /// The request's tag (the first element of the request and of its answer).
    pub fn tag(self) -> Term {
        Term::atom(match self {
            SystemTaskKind::GarbageCollect { .. } => crate::atom::atom("garbage_collect"),
            SystemTaskKind::CheckProcessCode { .. } => crate::atom::atom("check_process_code"),
        })
    }
}

impl SystemTask {
    /// Sends the requester `{Tag, RequestId, Result}`.
    pub fn answer(self, result: bool) {
        let tag = self.kind.tag();
        let id = self.request_id;
        let reply = OwnedTerm::build(|h| {
            let id = copy::copy(h, id.term);
            crate::term::boxed::tuple(h, &[tag, id, Term::bool(result)])
        });
        let _ = super::exit::deliver(self.from, Signal::Message(reply));
    }
}
