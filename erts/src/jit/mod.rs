//! The native-code tier (OTP's BeamAsm plays this part): hot modules are compiled from their
//! loaded instructions (`emu::instr::Instr`) to machine code with Cranelift.
//!
//! How the tiers meet:
//! - With the tier on, the loader puts an [`Instr::JitEnter`] at every function entry and after
//!   every call (the return addresses). The interpreter counts the entries it executes per
//!   module; past [`hot_threshold`] calls it compiles the module (`compile.rs`), and from then
//!   on a `JitEnter` runs the module's machine code ([`run`]).
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
//! - Local calls and returns into the same module are jumps inside one machine-code function
//!   per module; a call or return elsewhere leaves to [`run`], which goes straight on into the
//!   target module's machine code when it has some.

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

/// Whether this machine has a code generator (Cranelift's x86-64 and AArch64 back ends).
pub fn supported() -> bool {
    cfg!(any(target_arch = "x86_64", target_arch = "aarch64"))
}

/// Entries into a module's functions (calls and returns) the interpreter counts before it
/// compiles the module (`ERTS_JIT_THRESHOLD` overrides it; 0 compiles at the first call).
pub fn hot_threshold() -> u32 {
    static T: OnceLock<u32> = OnceLock::new();
    *T.get_or_init(|| {
        std::env::var("ERTS_JIT_THRESHOLD")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1000)
    })
}

/// A module's machine code: `ctx` holds the process state, `slot` names the `JitEnter` to
/// start at; returns the address of the instruction the interpreter goes on with.
pub type NativeFn = unsafe extern "C" fn(ctx: *mut ctx::JitCtx, slot: u32) -> *const Instr;

const COLD: u8 = 0;
const COMPILING: u8 = 1;
const READY: u8 = 2;
/// Not compiled, and never will be (compilation failed, or native functions were installed).
const OFF: u8 = 3;

/// The native-code state of one loaded module version.
pub struct JitModule {
    hits: AtomicU32,
    state: AtomicU8,
    native: AtomicUsize,
    /// The module's instructions (address, length), set once loading has placed them.
    code: OnceLock<(usize, usize)>,
    /// The slot of each instruction (`u32::MAX` where none), which the machine code reads on
    /// returns.
    slot_table: OnceLock<Box<[u32]>>,
    /// Per slot: whether the interpreter enters machine code there (the generator says).
    enter: OnceLock<Box<[bool]>>,
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
            state: AtomicU8::new(COLD),
            native: AtomicUsize::new(0),
            code: OnceLock::new(),
            slot_table: OnceLock::new(),
            enter: OnceLock::new(),
        }
    }

    /// The machine code to enter at `slot`, when the module is compiled and entering there
    /// pays (see `compile::Compiled::enter`).
    #[inline]
    pub fn native_at(&self, slot: u32) -> Option<NativeFn> {
        let f = self.native()?;
        match self.enter.get() {
            Some(e) if e.get(slot as usize).copied().unwrap_or(false) => Some(f),
            _ => None,
        }
    }

    /// Keeps the slot table machine code refers to for as long as this state lives.
    fn keep_slot_table(&self, table: Box<[u32]>) -> &[u32] {
        let _ = self.slot_table.set(table);
        self.slot_table.get().expect("set just above")
    }

    /// Records where the module's instructions are (once loading has finished them).
    pub fn set_code(&self, code: &[Instr]) {
        let _ = self.code.set((code.as_ptr() as usize, code.len()));
    }

    /// The module's machine code, when it has been compiled.
    #[inline]
    pub fn native(&self) -> Option<NativeFn> {
        if self.state.load(Ordering::Acquire) != READY {
            return None;
        }
        let f = self.native.load(Ordering::Relaxed);
        // SAFETY: `native` holds a function of type `NativeFn` (set with READY below; its
        // code lives as long as the instance whose processes run it).
        (f != 0).then(|| unsafe { std::mem::transmute::<usize, NativeFn>(f) })
    }

    /// Keeps the module in the interpreter from now on.
    pub fn disable(&self) {
        self.state.store(OFF, Ordering::Release);
    }

    /// Runs `patch`, which rewrites some of the module's instructions (`erlang:load_nif/2`
    /// installing native functions), while no compilation can read them. A module compiled
    /// (or being compiled) already stays in the interpreter from now on, since its machine
    /// code would not see the change; one not compiled yet is compiled later with it.
    pub fn patch<R>(&self, patch: impl FnOnce() -> R) -> R {
        if self
            .state
            .compare_exchange(COLD, COMPILING, Ordering::AcqRel, Ordering::Relaxed)
            .is_err()
        {
            self.disable();
            return patch();
        }
        let r = patch();
        self.state.store(COLD, Ordering::Release);
        r
    }

    /// Counts an entry executed by the interpreter; compiles the module when it is hot.
    #[inline]
    pub fn tick(&self) {
        if self.state.load(Ordering::Relaxed) != COLD {
            return;
        }
        if self.hits.fetch_add(1, Ordering::Relaxed) >= hot_threshold() {
            self.compile_now();
        }
    }

    /// Compiles the module unless another thread does or did.
    #[cold]
    pub fn compile_now(&self) {
        if self
            .state
            .compare_exchange(COLD, COMPILING, Ordering::AcqRel, Ordering::Relaxed)
            .is_err()
        {
            return;
        }
        let Some(&(base, len)) = self.code.get() else {
            self.state.store(COLD, Ordering::Release);
            return;
        };
        // SAFETY: `set_code` recorded the module's instruction array, which is never moved or
        // freed while code may run in it.
        let code = unsafe { std::slice::from_raw_parts(base as *const Instr, len) };
        // Cranelift reports bad input as errors; a panic inside it would be its bug, and
        // must not take the scheduler down: the module then stays interpreted.
        let started = std::time::Instant::now();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            compile::compile(code, self)
        }));
        match result {
            Ok(Ok(compile::Compiled { f, enter })) => {
                let _ = self.enter.set(enter);
                if std::env::var_os("ERTS_JIT_DEBUG").is_some() {
                    let name = crate::module::modules()
                        .find_by_pc(code.as_ptr())
                        .map(|m| m.name.name());
                    eprintln!(
                        "jit: compiled {} ({len} instructions, {} us)",
                        name.unwrap_or("?"),
                        started.elapsed().as_micros()
                    );
                }
                self.native.store(f as usize, Ordering::Relaxed);
                let _ = self.state.compare_exchange(
                    COMPILING,
                    READY,
                    Ordering::AcqRel,
                    Ordering::Relaxed,
                );
            }
            Ok(Err(e)) => {
                if std::env::var_os("ERTS_JIT_DEBUG").is_some() {
                    eprintln!("jit: module not compiled: {e}");
                }
                self.state.store(OFF, Ordering::Release);
            }
            Err(_) => self.state.store(OFF, Ordering::Release),
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
    let name: String = format!("{ins:?}")
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .collect();
    *exit_counts().lock().entry(name).or_insert(0) += 1;
}
