//! The native-code tier (OTP's BeamAsm plays this part): the hot functions of a module are
//! compiled from their loaded instructions (`emu::instr::Instr`) to machine code with
//! Cranelift.
//!
//! How the tiers meet:
//! - With the tier on, the loader puts an [`Instr::JitEnter`] at every function entry, after
//!   every call (the return addresses) and before every `loop_rec` (where a process that
//!   waited for a message resumes), each with a slot number. The interpreter counts the
//!   entries it executes per slot and per module; past [`hot_threshold`] entries the
//!   module's hot functions are compiled (`compile.rs`) into a version, on the instance's
//!   compiler thread while the process goes on interpreted; functions that get hot later
//!   make further versions (see [`JitModule`]). From then on a `JitEnter` whose slot has
//!   machine code runs it ([`run`]).
//! - Machine code works on the same state as the interpreter, in the same layout: X registers
//!   in `Process::x`, the stack (Y registers and return addresses, which stay instruction
//!   addresses) in `Process::stack`, the heap's top in its block; [`ctx::JitCtx`] carries their
//!   pointers in and out.
//! - Every compiled instruction has a fast path for the common case (small integers, room on
//!   the heap and the stack, reductions left) and otherwise leaves the machine code *before*
//!   changing anything, returning the instruction's address: the interpreter then runs that
//!   instruction itself and goes on until the next `JitEnter`. Instructions not compiled at
//!   all leave the same way. So the interpreter stays the reference for every slow path:
//!   exceptions, garbage collection, bignums, yielding, tracing.
//! - Local calls and returns into the same version are jumps inside its machine-code
//!   function; a call or return elsewhere leaves to [`run`], which goes straight on into the
//!   machine code covering the target when there is some.

mod compile;
pub mod ctx;
mod helpers;

use crate::emu::instr::Instr;
use crate::process::Process;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU8, AtomicUsize, Ordering};
use std::sync::OnceLock;

pub use compile::JitError;

/// Whether newly loaded code gets the native-code tier (`+JIT true|false`).
static ENABLED: AtomicBool = AtomicBool::new(true);

/// Turns the native-code tier on or off for code loaded from now on.
pub fn set_enabled(on: bool) {
    ENABLED.store(on && supported(), Ordering::Relaxed);
}

/// Whether code loaded now gets the native-code tier.
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed) && supported()
}

/// Whether each compiled version is written to `/tmp/perf-<os pid>.map` (`+JPperf map`), so
/// that `perf report` names machine code by module.
static PERF_MAP: AtomicBool = AtomicBool::new(false);

/// Turns the perf map on or off (`+JPperf map|true|false`; `true` is taken as `map`, the only
/// kind of perf support this tier has).
pub fn set_perf_map(on: bool) {
    PERF_MAP.store(on, Ordering::Relaxed);
}

/// Appends one version's machine code to the perf map: `perf` reads lines of start address,
/// size (both hexadecimal) and name.
fn write_perf_map(start: usize, bytes: usize, name: &str) {
    use std::io::Write;
    static FILE: parking_lot::Mutex<Option<std::fs::File>> = parking_lot::const_mutex(None);
    let mut file = FILE.lock();
    if file.is_none() {
        let path = format!("/tmp/perf-{}.map", std::process::id());
        *file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .ok();
    }
    if let Some(f) = file.as_mut() {
        let _ = writeln!(f, "{start:x} {bytes:x} {name}");
    }
}

/// Whether this machine has a code generator (Cranelift's x86-64 and AArch64 back ends).
pub fn supported() -> bool {
    cfg!(any(target_arch = "x86_64", target_arch = "aarch64"))
}

/// Entries into a module's functions (calls and returns) the interpreter counts before it
/// compiles the module (`ERTS_JIT_THRESHOLD` overrides it; 0 compiles at the first call).
pub fn hot_threshold() -> u32 {
    static T: OnceLock<u32> = OnceLock::new();
    *T.get_or_init(|| {
        let t = std::env::var("ERTS_JIT_THRESHOLD")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1000);
        if t == 0 {
            TICK_MASK.store(0, Ordering::Relaxed);
        }
        t
    })
}

/// A module's machine code: `ctx` holds the process state, `slot` names the `JitEnter` to
/// start at; returns the address of the instruction the interpreter goes on with.
pub type NativeFn = unsafe extern "C" fn(ctx: *mut ctx::JitCtx, slot: u32) -> *const Instr;

const COLD: u8 = 0;
/// Some functions have machine code.
const READY: u8 = 2;
/// No machine code is used (compilation failed, or native functions were installed after
/// it), and no more is made.
const OFF: u8 = 3;

/// How many versions a module's machine code comes in at most (each compiles the functions
/// that became hot since the last).
const MAX_VERSIONS: u8 = 8;

/// Interpreter entries a function needs (since the module was loaded) for a version to be
/// made. Compiling costs about 250,000 machine instructions per instruction compiled
/// (callgrind of Cranelift on OTP's modules), as much as interpreting that instruction
/// tens of thousands of times, so code that a program runs a few thousand times is cheaper
/// interpreted: with a threshold of 16, a first `compile:file/2` of three stdlib modules
/// took 4.5 times the instructions of the interpreter alone, most of them compiling.
const HOT_FUNCTION_HITS: u32 = 16_384;

/// Interpreter entries a function needs to join a version that a hot function makes: the
/// functions it calls and its callers, entered less often, go into the same machine-code
/// function, where calls between them are jumps (calls between versions go through
/// [`run`]).
const WARM_FUNCTION_HITS: u32 = 1_024;

/// A slot's flags: machine code covers the slot (and is entered there when the generator
/// says it pays).
const SLOT_COMPILED: u8 = 1;
const SLOT_ENTER: u8 = 2;
/// The slot's function is too large to compile (see [`compile::MAX_FUNCTION`]): entries
/// there are not counted and no version takes it.
const SLOT_NEVER: u8 = 4;

/// Slot entries counted between two updates of the module's count (see
/// [`JitModule::enter_or_count`]); a power of two.
const TICK_BATCH: u32 = 32;

/// `TICK_BATCH - 1`, or 0 with a threshold of 0 (every entry then checks whether the module
/// is due, so that it compiles at its first call): set when [`hot_threshold`] is first read,
/// which loading a module does before any of its code runs.
static TICK_MASK: AtomicU32 = AtomicU32::new(TICK_BATCH - 1);

fn tick_mask() -> u32 {
    TICK_MASK.load(Ordering::Relaxed)
}

/// The per-slot state of a module's native code.
#[derive(Default)]
struct Slot {
    flags: AtomicU8,
    /// Entries the interpreter counted here (`JitModule::enter_or_count`).
    hits: AtomicU32,
    /// The machine code (a `NativeFn`) of the version that covers the slot.
    native: AtomicUsize,
}

impl Slot {
    /// No machine code covers the slot, and some may (its function is not too large).
    fn open(&self) -> bool {
        self.flags.load(Ordering::Relaxed) & (SLOT_COMPILED | SLOT_NEVER) == 0
    }

    /// The machine code that covers the slot, if any.
    #[inline]
    fn native(&self) -> Option<NativeFn> {
        let f = self.native.load(Ordering::Acquire);
        // SAFETY: `native` holds a function of type `NativeFn` (set before the flags; its
        // code lives as long as the instance whose processes run it).
        (f != 0).then(|| unsafe { std::mem::transmute::<usize, NativeFn>(f) })
    }
}

/// The native-code state of one loaded module version.
///
/// A module is compiled in versions, function by function: once its functions have taken
/// [`hot_threshold`] interpreter entries in all and one of them at least
/// [`HOT_FUNCTION_HITS`], the functions entered at least [`WARM_FUNCTION_HITS`] times are
/// compiled into one machine-code function; the others stay interpreted. When those take
/// twice as many entries in turn, the functions that have become hot since are compiled
/// into another, and so on up to [`MAX_VERSIONS`] times, each time waiting twice as long.
/// Calls and returns between versions go through [`run`],
/// which enters the version that covers the target. With a threshold of 0 the whole module
/// is compiled at its first call. Machine code stays in place until the instance stops.
pub struct JitModule {
    /// Interpreter entries into slots no machine code covers.
    hits: AtomicU32,
    /// A slot no machine code covers has [`HOT_FUNCTION_HITS`] entries: a version is due
    /// (so a module whose code is only warm asks for no compilation at all).
    hot_seen: AtomicBool,
    state: AtomicU8,
    /// A compilation (or a patch of the code) is under way.
    busy: AtomicBool,
    versions: AtomicU8,
    /// The module's instructions (address, length), set once loading has placed them.
    code: OnceLock<(usize, usize)>,
    /// The slot of each instruction (`u32::MAX` where none), which the machine code reads on
    /// returns.
    slot_table: OnceLock<Box<[u32]>>,
    /// The address of each slot's `JitEnter`, which machine code leaves at when entered
    /// at a slot it does not cover.
    entry_table: OnceLock<Box<[usize]>>,
    slots: OnceLock<Box<[Slot]>>,
}

impl Default for JitModule {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for JitModule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "JitModule({})", self.state.load(Ordering::Relaxed))
    }
}

impl JitModule {
    pub fn new() -> JitModule {
        JitModule {
            hits: AtomicU32::new(0),
            hot_seen: AtomicBool::new(false),
            state: AtomicU8::new(COLD),
            busy: AtomicBool::new(false),
            versions: AtomicU8::new(0),
            code: OnceLock::new(),
            slot_table: OnceLock::new(),
            entry_table: OnceLock::new(),
            slots: OnceLock::new(),
        }
    }

    /// The machine code to enter at `slot`, when some covers the slot and entering there
    /// pays (see `compile::Compiled::enter`).
    #[inline]
    pub fn native_at(&self, slot: u32) -> Option<NativeFn> {
        if self.state.load(Ordering::Acquire) != READY {
            return None;
        }
        let s = self.slots.get()?.get(slot as usize)?;
        if s.flags.load(Ordering::Acquire) & SLOT_ENTER == 0 {
            return None;
        }
        s.native()
    }

    /// Keeps the slot table machine code refers to for as long as this state lives (the
    /// same for every version: slots do not change).
    fn keep_slot_table(&self, table: Box<[u32]>) -> &[u32] {
        let _ = self.slot_table.set(table);
        self.slot_table.get().expect("set just above")
    }

    /// Keeps the table of slot entry addresses, as [`Self::keep_slot_table`].
    fn keep_entry_table(&self, table: Box<[usize]>) -> &[usize] {
        let _ = self.entry_table.set(table);
        self.entry_table.get().expect("set just above")
    }

    /// Records where the module's instructions are (once loading has finished them).
    pub fn set_code(&self, code: &[Instr]) {
        // Settles the threshold (and with it `TICK_MASK`) before the module's code runs.
        let _ = hot_threshold();
        let _ = self.code.set((code.as_ptr() as usize, code.len()));
        let n = code
            .iter()
            .filter_map(|i| match i {
                Instr::JitEnter { slot, .. } => Some(*slot as usize + 1),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        let slots: Box<[Slot]> = (0..n).map(|_| Slot::default()).collect();
        for slot in compile::too_large_slots(code) {
            if let Some(s) = slots.get(slot as usize) {
                s.flags.store(SLOT_NEVER, Ordering::Relaxed);
            }
        }
        let _ = self.slots.set(slots);
    }

    /// Keeps the module in the interpreter from now on.
    pub fn disable(&self) {
        self.state.store(OFF, Ordering::Release);
    }

    /// Runs `patch`, which rewrites some of the module's instructions (`erlang:load_nif/2`
    /// installing native functions), while no compilation can read them. A module with
    /// machine code already (or being compiled) stays in the interpreter from now on, since
    /// its machine code would not see the change; one not compiled yet is compiled later
    /// with it.
    pub fn patch<R>(&self, patch: impl FnOnce() -> R) -> R {
        if self.busy.swap(true, Ordering::AcqRel) {
            // A compilation reads the code now.
            self.disable();
            return patch();
        }
        if self.state.load(Ordering::Acquire) != COLD {
            self.disable();
        }
        let r = patch();
        self.busy.store(false, Ordering::Release);
        r
    }

    /// An entry the interpreter executes at `slot`: the machine code to enter there, if
    /// any (as [`Self::native_at`]); otherwise the entry is counted, and the functions
    /// that have become hot are compiled when no machine code covers the slot and enough
    /// such entries were made.
    ///
    /// This runs at every interpreted call and return of a module with the native-code
    /// tier, so the common case is a few instructions: one read of the slot's flags and a
    /// plain load and store of its count (no locked read-modify-write; two schedulers
    /// counting at once may lose an entry now and then: the counts are a heuristic). The
    /// module-wide count is kept in steps of [`TICK_BATCH`] slot entries.
    #[inline]
    pub fn enter_or_count(&'static self, slot: u32) -> Option<NativeFn> {
        let s = self.slots.get()?.get(slot as usize)?;
        let flags = s.flags.load(Ordering::Acquire);
        if flags == 0 {
            // Open: no machine code covers the slot yet, and some may.
            let hits = s.hits.load(Ordering::Relaxed).wrapping_add(1);
            s.hits.store(hits, Ordering::Relaxed);
            if hits & tick_mask() == 0 {
                self.counted(hits);
            }
            return None;
        }
        if flags & SLOT_ENTER == 0 || self.state.load(Ordering::Acquire) != READY {
            return None;
        }
        s.native()
    }

    /// A slot's count reached `hits`, a multiple of [`TICK_BATCH`] (of 1 with a threshold
    /// of 0): adds the batch to the module's count, and compiles when a version is due.
    #[cold]
    fn counted(&'static self, hits: u32) {
        let versions = self.versions.load(Ordering::Relaxed);
        if self.state.load(Ordering::Relaxed) == OFF || versions >= MAX_VERSIONS {
            return;
        }
        if hits == HOT_FUNCTION_HITS {
            self.hot_seen.store(true, Ordering::Relaxed);
        }
        let batch = tick_mask() + 1;
        let module_hits = self.hits.load(Ordering::Relaxed).saturating_add(batch);
        self.hits.store(module_hits, Ordering::Relaxed);
        if module_hits > hot_threshold() << versions
            && (self.hot_seen.load(Ordering::Relaxed) || hot_threshold() == 0)
            && !self.busy.load(Ordering::Relaxed)
        {
            self.compile_now();
        }
    }

    /// Has the functions that are hot and have no machine code yet compiled, unless this
    /// module is being compiled already: by the instance's compiler thread, so that the
    /// process that made the module hot goes on (interpreted) meanwhile, or at once on this
    /// thread with `ERTS_JIT_SYNC` set or a threshold of 0.
    #[cold]
    fn compile_now(&'static self) {
        if self.busy.swap(true, Ordering::AcqRel) {
            return;
        }
        if !compile_in_background() || !compiler::queue(self) {
            self.compile_queued();
        }
    }

    /// Compiles a version now and lets the next compilation of this module start (the
    /// compiler thread's job, or [`Self::compile_now`]'s when it compiles in place).
    fn compile_queued(&self) {
        self.compile_version();
        self.busy.store(false, Ordering::Release);
    }

    fn compile_version(&self) {
        let (Some(&(base, len)), Some(slots)) = (self.code.get(), self.slots.get()) else {
            return;
        };
        if self.state.load(Ordering::Acquire) == OFF
            || self.versions.load(Ordering::Relaxed) >= MAX_VERSIONS
        {
            return;
        }
        // SAFETY: `set_code` recorded the module's instruction array, which is never moved or
        // freed while code may run in it.
        let code = unsafe { std::slice::from_raw_parts(base as *const Instr, len) };
        let whole = hot_threshold() == 0;
        // From now on the count is of entries the code does not cover, and a version is
        // due again when a function left out gets hot.
        self.hits.store(0, Ordering::Relaxed);
        self.hot_seen.store(false, Ordering::Relaxed);
        let hot = |slot: u32| {
            slots.get(slot as usize).is_some_and(|s| {
                s.open() && (whole || s.hits.load(Ordering::Relaxed) >= WARM_FUNCTION_HITS)
            })
        };
        let version = self.versions.fetch_add(1, Ordering::Relaxed) + 1;
        let started = std::time::Instant::now();
        let module = crate::module::modules()
            .find_by_pc(code.as_ptr())
            .map(|m| m.name.name());
        let module = module.unwrap_or("?");
        let name = format!("$beam:{module}:v{version}");
        // Cranelift reports bad input as errors; a panic inside it would be its bug, and
        // must not take the scheduler down: the module then stays interpreted.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            compile::compile(code, self, &hot, &name)
        }));
        let debug = std::env::var_os("ERTS_JIT_DEBUG").is_some();
        match result {
            Ok(Ok(compile::Compiled {
                f,
                enter,
                compiled,
                instructions,
                code_bytes,
            })) => {
                if PERF_MAP.load(Ordering::Relaxed) {
                    write_perf_map(f as usize, code_bytes, &name);
                }
                if debug {
                    eprintln!(
                        "jit: compiled {module} ({instructions} of {len} instructions, version \
                         {version}, {} us)",
                        started.elapsed().as_micros()
                    );
                }
                for (k, s) in slots.iter().enumerate() {
                    if !compiled.get(k).copied().unwrap_or(false) {
                        continue;
                    }
                    s.native.store(f as usize, Ordering::Release);
                    let flags = if enter.get(k).copied().unwrap_or(false) {
                        SLOT_ENTER | SLOT_COMPILED
                    } else {
                        SLOT_COMPILED
                    };
                    s.flags.store(flags, Ordering::Release);
                }
                let _ =
                    self.state
                        .compare_exchange(COLD, READY, Ordering::AcqRel, Ordering::Relaxed);
            }
            // Nothing hot without machine code yet (entries into slots not worth
            // entering, say): nothing to do until more entries are counted.
            Ok(Err(compile::JitError::NoEntries)) => {
                self.versions.fetch_sub(1, Ordering::Relaxed);
            }
            Ok(Err(e)) => {
                if debug {
                    eprintln!("jit: module not compiled: {e}");
                }
                self.give_up();
            }
            Err(_) => self.give_up(),
        }
        // Hot functions this version had no room for make the next one due.
        if slots
            .iter()
            .any(|s| s.open() && s.hits.load(Ordering::Relaxed) >= HOT_FUNCTION_HITS)
        {
            self.hot_seen.store(true, Ordering::Relaxed);
        }
    }

    /// After a failed compilation: a module without machine code stays interpreted; one
    /// with some keeps it and compiles no more.
    fn give_up(&self) {
        if self.state.load(Ordering::Acquire) == COLD {
            self.disable();
        } else {
            self.versions.store(MAX_VERSIONS, Ordering::Relaxed);
        }
    }
}

/// Whether compilations run on the instance's compiler thread (not with `ERTS_JIT_SYNC`
/// set, nor with a threshold of 0, where a module called is to run as machine code from its
/// first call on).
fn compile_in_background() -> bool {
    static B: OnceLock<bool> = OnceLock::new();
    *B.get_or_init(|| std::env::var_os("ERTS_JIT_SYNC").is_none() && hot_threshold() > 0)
}

/// The instance's compiler thread (`jit-compiler`): it compiles the modules queued by
/// [`JitModule::compile_now`] one after the other, and ends when the instance stops.
mod compiler {
    use super::JitModule;
    use parking_lot::{Condvar, Mutex};
    use std::collections::VecDeque;

    #[derive(Default)]
    struct Queue {
        jobs: Mutex<(VecDeque<&'static JitModule>, bool)>,
        wake: Condvar,
    }

    /// The queue, with its thread started on first use; `None` when the thread could not
    /// be started.
    fn queue_of() -> Option<&'static Queue> {
        static Q: crate::instance::InstanceLocal<Option<Queue>> =
            crate::instance::InstanceLocal::new();
        Q.get_or_init(|| {
            let started = crate::instance::spawn_thread("jit-compiler".into(), 8 << 20, run);
            if started.is_err() {
                return None;
            }
            crate::instance::on_stop(|| {
                if let Some(q) = queue_of() {
                    q.jobs.lock().1 = true;
                    q.wake.notify_all();
                }
            });
            Some(Queue::default())
        })
        .as_ref()
    }

    /// Queues `m` for compilation; false when there is no compiler thread (the caller
    /// compiles it itself).
    pub(super) fn queue(m: &'static JitModule) -> bool {
        let Some(q) = queue_of() else {
            return false;
        };
        let mut jobs = q.jobs.lock();
        if jobs.1 {
            return false;
        }
        jobs.0.push_back(m);
        q.wake.notify_one();
        true
    }

    fn run() {
        let Some(q) = queue_of() else {
            return;
        };
        loop {
            let m = {
                let mut jobs = q.jobs.lock();
                loop {
                    if jobs.1 {
                        return;
                    }
                    if let Some(m) = jobs.0.pop_front() {
                        break m;
                    }
                    q.wake.wait(&mut jobs);
                }
            };
            m.compile_queued();
        }
    }
}

/// Counts of the tier's work (process-wide), for tests.
#[derive(Default)]
pub struct Stats {
    /// Bytes of machine code placed and not yet freed (all instances).
    pub live_code_bytes: AtomicUsize,
}

pub fn stats() -> &'static Stats {
    static S: OnceLock<Stats> = OnceLock::new();
    S.get_or_init(Stats::default)
}

/// How machine code left (see [`run`]).
pub enum Left {
    /// The interpreter goes on at this instruction.
    Continue(*const Instr),
    /// The slice ends (a BIF asked to yield); the process resumes at this instruction with
    /// one live X register (the BIF's result).
    Yield(*const Instr),
    /// The process must end as `killed` (a collection found it past its `max_heap_size`).
    Killed,
}

/// Runs machine code `f` from its entry `slot` for `proc`, with `reds` reductions left, and
/// goes on into other modules' machine code while calls and returns lead there.
pub fn run(proc: &mut Process, f: NativeFn, slot: u32, reds: &mut i64) -> Left {
    let mut c = ctx::JitCtx::load(proc, *reds);
    let (mut f, mut slot) = (f, slot);
    let pc = loop {
        // SAFETY: `c` describes `proc`'s registers, stack and heap as the machine code
        // expects (see `JitCtx::load`); the code stays inside them and leaves at an
        // instruction of loaded code.
        let pc = unsafe { f(&mut c, slot) };
        if c.killed || c.yield_now {
            break pc;
        }
        // SAFETY: machine code returns addresses of loaded (never freed) instructions.
        match unsafe { &*pc } {
            Instr::JitEnter { jit, slot: s } => match jit.native_at(*s) {
                Some(g) => {
                    f = g;
                    slot = *s;
                }
                None => break pc,
            },
            _ => break pc,
        }
    };
    *reds = c.reds;
    c.store(proc);
    if exit_stats_enabled() {
        record_exit(pc);
    }
    if c.killed {
        Left::Killed
    } else if c.yield_now {
        Left::Yield(pc)
    } else {
        Left::Continue(pc)
    }
}

/// Whether exits from machine code are counted by instruction (`ERTS_JIT_STATS` set: the
/// counts are printed to stderr when the OS process exits). A tool for finding what to
/// compile next.
fn exit_stats_enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| {
        let on = std::env::var_os("ERTS_JIT_STATS").is_some();
        if on {
            extern "C" fn print_stats() {
                let m = exit_counts().lock();
                let mut v: Vec<_> = m.iter().collect();
                v.sort_by(|a, b| b.1.cmp(a.1));
                for (k, n) in v.iter().take(30) {
                    eprintln!("jit exit {n:>12} {k}");
                }
            }
            // SAFETY: registering a plain function without arguments to run at exit.
            unsafe { libc::atexit(print_stats) };
        }
        on
    })
}

fn exit_counts() -> &'static parking_lot::Mutex<std::collections::HashMap<String, u64>> {
    static M: OnceLock<parking_lot::Mutex<std::collections::HashMap<String, u64>>> =
        OnceLock::new();
    M.get_or_init(Default::default)
}

#[cold]
fn record_exit(pc: *const Instr) {
    // SAFETY: machine code returns addresses of loaded (never freed) instructions.
    let ins = unsafe { &*pc };
    let mut name: String = format!("{ins:?}")
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .collect();
    if let Instr::JitEnter { jit, slot } = ins {
        // Why the interpreter goes on there.
        let why = match jit.state.load(Ordering::Relaxed) {
            COLD => "module cold",
            OFF => "module not compiled",
            _ => match jit.slots.get().and_then(|s| s.get(*slot as usize)) {
                Some(s) if s.flags.load(Ordering::Relaxed) & SLOT_ENTER != 0 => "entered (a yield)",
                Some(s) if s.flags.load(Ordering::Relaxed) & SLOT_COMPILED != 0 => {
                    "not worth entering"
                }
                _ => "function not compiled",
            },
        };
        let at = crate::module::modules().find_by_pc(pc).and_then(|m| {
            let off = m.offset_of(pc);
            m.function_at(off)
                .map(|(f, a)| format!("{}:{}/{a} @{off}", m.name.name(), f.name()))
        });
        name = format!("{name} ({why}) {}", at.unwrap_or_default());
    }
    *exit_counts().lock().entry(name).or_insert(0) += 1;
}
