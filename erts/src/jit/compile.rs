//! The code generator: the chosen functions of one module (a version) to one Cranelift
//! function.
//!
//! The function takes a [`JitCtx`] and the slot of the `JitEnter` to start at. Each reachable
//! instruction becomes a block; an instruction this generator does not handle, or one whose
//! fast path does not apply, ends in the exit block with the instruction's own address (the
//! interpreter runs it). Returns pop the return address and, when it is a `JitEnter` of this
//! module, jump to its block through a table indexed by instruction (slot per instruction).
//! The stack pointer, heap top and reductions live in Cranelift variables (registers) and are
//! written back to the context on exit.

use super::ctx::JitCtx;
use super::{helpers, JitModule, NativeFn};
use crate::bif::BifFn;
use crate::emu::instr::{
    ArithOp, CmpOp, Dst, FloatOp, Instr, LocalCall, OnPass, Src, TypeTest, BSF_LITTLE, BSF_SIGNED,
    NO_RET,
};
use crate::module::Export;
use crate::term::{subtag, Term, TAG_IMMED2_NIL};
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{
    types, AbiParam, Block, BlockArg, BlockCall, InstBuilder, JumpTableData, MemFlagsData,
    Signature, TrapCode, Value,
};
use cranelift_codegen::settings::Configurable;
use cranelift_codegen::{control::ControlPlane, settings, Context};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::Module;
use std::mem::{offset_of, size_of};

/// Why a module was not compiled.
#[derive(Debug)]
pub enum JitError {
    /// Cranelift could not be set up for this machine.
    Isa(String),
    /// Cranelift could not place the generated code.
    Codegen(Box<cranelift_module::ModuleError>),
    /// Cranelift refused the generated function.
    Compile(String),
    /// The generated code needs relocations (it should not: it calls nothing).
    Relocations,
    /// The module has more instructions than one function should hold.
    TooLarge(usize),
    /// The module has no entry points (nothing to compile).
    NoEntries,
    /// The instance's code memory is being freed (it is stopping).
    Stopping,
}

impl std::fmt::Display for JitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JitError::Isa(e) => write!(f, "no code generator for this machine: {e}"),
            JitError::Codegen(e) => write!(f, "placing the code failed: {e:?}"),
            JitError::Compile(e) => write!(f, "code generation failed: {e}"),
            JitError::Relocations => write!(f, "generated code needs relocations"),
            JitError::TooLarge(n) => write!(f, "module too large ({n} instructions)"),
            JitError::NoEntries => write!(f, "no entry points"),
            JitError::Stopping => write!(f, "the instance is stopping"),
        }
    }
}

/// The bits of a segment whose size is a literal: `size × unit`, when that is a small
/// non-negative integer below 2^32 bits.
fn lit_bits(size: Src, unit: u32) -> Option<i64> {
    let s = size.as_lit()?.as_small()?;
    let n = s.checked_mul(unit as i64)?;
    (0..1 << 32).contains(&n).then_some(n)
}

/// The X registers a collection inside a bit-syntax instruction keeps: its `live` ones and
/// the match context's (which its `live` need not count).
fn gc_live(live: u8, ctx: Src) -> Option<u32> {
    if live == u8::MAX {
        return None;
    }
    let ctx_x = ctx.as_lit().is_none() && !ctx.is_y();
    let need = if ctx_x { ctx.reg_index() as u32 + 1 } else { 0 };
    Some((live as u32).max(need))
}

/// Modules with more instructions stay interpreted (compile time grows with function size).
const MAX_INSTRUCTIONS: usize = 60_000;

const INSTR: i64 = size_of::<Instr>() as i64;
/// The offset from a match context term (the object's address + 2, the boxed tag) of its
/// current bit position, word 3 (the end follows it; see `emu::bs`).
const CTX_POS_OFFSET: i32 = 3 * W as i32 - 2;

/// The low bits of a header word that say what kind of object it heads (primary tag and
/// subtag); the arity is above them.
const HEADER_SUBTAG_MASK: i64 = 0x3F;
/// Integer segments of fewer bits match small integers (`emu::bs::SMALL_INTEGER_BITS`).
const SMALL_BITS: u64 = crate::emu::bs::SMALL_INTEGER_BITS as u64;
const W: i64 = 8;
const NIL: i64 = TAG_IMMED2_NIL as i64;

/// Whether entering machine code at the `JitEnter` at `entry` is worth it: false when the
/// straight path from it reaches an instruction without machine code (`no_code`, as the
/// generator recorded) before any call or return (a receive loop, say): machine code would
/// leave again at once, and the interpreter is better off running the stretch itself.
fn worth_entering(code: &[Instr], no_code: &[bool], entry: usize) -> bool {
    use Instr::*;
    for (i, ins) in code.iter().enumerate().skip(entry + 1).take(64) {
        if no_code[i] {
            return false;
        }
        if matches!(
            ins,
            Return
                | MoveReturn { .. }
                | DeallocateReturn { .. }
                | PutListReturn { .. }
                | Call { .. }
                | CallLast { .. }
                | CallOnly { .. }
                | MovesCall { .. }
                | GetListCall { .. }
                | CallExt { .. }
                | CallExtLast { .. }
                | CallExtOnly { .. }
                | CallBif { .. }
                | CallBifLast { .. }
                | CallBifOnly { .. }
                | Apply { .. }
                | ApplyLast { .. }
                | CallFun { .. }
                | CallFunLast { .. }
                | Jump { .. }
                | JitEnter { .. }
        ) {
            return true;
        }
    }
    true
}

/// A compiled module: its machine code, and per slot whether the interpreter enters it there
/// and whether the code covers it.
pub(super) struct Compiled {
    pub f: NativeFn,
    pub enter: Box<[bool]>,
    pub compiled: Box<[bool]>,
    /// The number of instructions compiled (those of the functions chosen).
    pub instructions: usize,
    /// The size of the machine code in bytes (from `f` on).
    pub code_bytes: usize,
}

/// Functions with more instructions stay interpreted: register allocation grows faster
/// than linearly with the size of a function (a 14,000-instruction `select_val` table in
/// `unicode_util` took seconds), and such functions are lookup tables, not loops.
pub(super) const MAX_FUNCTION: usize = 3_000;

/// The instructions one version compiles at most (more functions wait for the next
/// version), for the same reason.
const VERSION_BUDGET: usize = 8_000;

/// The functions of `code` as instruction ranges (a function runs from its `func_info` to
/// the next one's; what comes before the first is a range of its own).
fn functions(code: &[Instr]) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let mut starts: Vec<usize> = code
        .iter()
        .enumerate()
        .filter(|(_, ins)| matches!(ins, Instr::FuncInfo { .. }))
        .map(|(i, _)| i)
        .collect();
    if starts.first() != Some(&0) {
        starts.insert(0, 0);
    }
    starts.push(code.len());
    (0..starts.len() - 1).map(move |k| starts[k]..starts[k + 1])
}

/// The slots of the functions of `code` longer than [`MAX_FUNCTION`].
pub(super) fn too_large_slots(code: &[Instr]) -> Vec<u32> {
    functions(code)
        .filter(|r| r.len() > MAX_FUNCTION)
        .flat_map(|r| {
            code[r].iter().filter_map(|ins| match ins {
                Instr::JitEnter { slot, .. } => Some(*slot),
                _ => None,
            })
        })
        .collect()
}

/// Per instruction: whether it belongs to a function chosen for compilation, that is one
/// holding a slot for which `hot` says yes, or a native function; in module order, up to
/// [`VERSION_BUDGET`] instructions (the rest wait for a later version).
fn hot_instructions(code: &[Instr], hot: &dyn Fn(u32) -> bool) -> Vec<bool> {
    let mut out = vec![false; code.len()];
    let mut taken = 0;
    for r in functions(code) {
        let chosen = code[r.clone()].iter().any(|ins| match ins {
            Instr::JitEnter { slot, .. } => hot(*slot),
            // A native function (installed over its entry's `JitEnter`): a stub, small, and
            // only reached by calls from compiled code.
            Instr::CallNif { .. } => true,
            _ => false,
        });
        if !chosen || r.len() > MAX_FUNCTION || (taken > 0 && taken + r.len() > VERSION_BUDGET) {
            continue;
        }
        taken += r.len();
        out[r].iter_mut().for_each(|h| *h = true);
    }
    out
}

/// Compiles the functions of `code` (the instructions of the module `jit` describes) that
/// hold a slot `hot` chooses to machine code; entries into the others leave to the
/// interpreter. `name` names the machine code (a symbol `perf` shows: Cranelift writes
/// the names to the perf map itself when run under `perf record`).
pub(super) fn compile(
    code: &[Instr],
    jit: &JitModule,
    hot: &dyn Fn(u32) -> bool,
    name: &str,
) -> Result<Compiled, JitError> {
    if code.len() > MAX_INSTRUCTIONS {
        return Err(JitError::TooLarge(code.len()));
    }
    // The slot of each instruction that is a `JitEnter` (u32::MAX elsewhere), and the
    // instruction of each slot.
    let mut slot_of = vec![u32::MAX; code.len()].into_boxed_slice();
    let mut entries: Vec<usize> = Vec::new();
    for (i, ins) in code.iter().enumerate() {
        if let Instr::JitEnter { slot, .. } = ins {
            slot_of[i] = *slot;
            let s = *slot as usize;
            if entries.len() <= s {
                entries.resize(s + 1, usize::MAX);
            }
            entries[s] = i;
        }
    }
    if entries.is_empty() {
        return Err(JitError::NoEntries);
    }
    // The tables are read by the machine code for as long as it may run: the module's
    // native-code state keeps them (freed with the instance, after its last process).
    let slot_of: &[u32] = jit.keep_slot_table(slot_of);
    let base = code.as_ptr() as i64;
    let entry_pc: &[usize] = jit.keep_entry_table(
        entries
            .iter()
            .map(|&i| {
                if i == usize::MAX {
                    0
                } else {
                    (base + i as i64 * INSTR) as usize
                }
            })
            .collect(),
    );
    let hot = hot_instructions(code, hot);
    if !entries.iter().any(|&i| i != usize::MAX && hot[i]) {
        return Err(JitError::NoEntries);
    }

    let be = backend()?;
    let ptr = be.isa.pointer_type();
    let mut ctx = Context::new();
    ctx.func.signature = Signature::new(be.isa.default_call_conv());
    ctx.func.signature.params.push(AbiParam::new(ptr));
    ctx.func.signature.params.push(AbiParam::new(types::I32));
    ctx.func.signature.returns.push(AbiParam::new(ptr));
    let mut fctx = FunctionBuilderContext::new();
    let no_code = {
        let b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
        let tables = Tables {
            slot_of,
            entry_pc,
            entries: &entries,
            hot: &hot,
        };
        let mut g = Gen::new(b, be.isa.default_call_conv(), code, base, tables);
        g.build();
        g.b.seal_all_blocks();
        g.b.finalize(be.isa.frontend_config());
        g.no_code
    };
    let covered: Box<[bool]> = entries.iter().map(|&i| i != usize::MAX && hot[i]).collect();
    let enter: Box<[bool]> = entries
        .iter()
        .zip(covered.iter())
        .map(|(&i, &c)| c && worth_entering(code, &no_code, i))
        .collect();
    let instructions = hot.iter().filter(|h| **h).count();
    if std::env::var_os("ERTS_JIT_DUMP").is_some() {
        eprintln!("{}", ctx.func.display());
    }
    let disasm = std::env::var_os("ERTS_JIT_DISASM").is_some();
    ctx.set_disasm(disasm);
    // Code generation runs outside the lock; only placing the bytes takes it.
    let compiled = ctx
        .compile(&*be.isa, &mut ControlPlane::default())
        .map_err(|e| JitError::Compile(format!("{:?}", e.inner)))?;
    if disasm {
        eprintln!("{}", compiled.vcode.as_deref().unwrap_or(""));
    }
    if !compiled.buffer.relocs().is_empty() {
        return Err(JitError::Relocations);
    }
    let alignment = compiled.buffer.alignment as u64;
    let bytes = compiled.code_buffer().to_vec();
    let mut module = code_memory(be).0.lock();
    let Some(m) = module.0.as_mut() else {
        return Err(JitError::Stopping);
    };
    let sig = ctx.func.signature.clone();
    // Names must be unique in the instance's code memory: a module loaded again compiles
    // versions of the same numbers.
    static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let id = m
        .declare_function(
            &format!("{name}#{seq}"),
            cranelift_module::Linkage::Local,
            &sig,
        )
        .map_err(|e| JitError::Codegen(Box::new(e)))?;
    module.1 += bytes.len();
    super::stats()
        .live_code_bytes
        .fetch_add(bytes.len(), std::sync::atomic::Ordering::Relaxed);
    let Some(m) = module.0.as_mut() else {
        return Err(JitError::Stopping);
    };
    m.define_function_bytes(id, alignment, &bytes, &[])
        .map_err(|e| JitError::Codegen(Box::new(e)))?;
    m.finalize_definitions()
        .map_err(|e| JitError::Codegen(Box::new(e)))?;
    let f = m.get_finalized_function(id);
    // SAFETY: the function was built with `NativeFn`'s signature (pointer, u32 -> pointer)
    // in the platform's default calling convention; its code lives as long as the instance.
    let f = unsafe { std::mem::transmute::<*const u8, NativeFn>(f) };
    Ok(Compiled {
        f,
        enter,
        compiled: covered,
        instructions,
        code_bytes: bytes.len(),
    })
}

/// The process-wide code generator.
struct Backend {
    isa: cranelift_codegen::isa::OwnedTargetIsa,
}

/// The memory an instance's machine code is placed in: freed with the instance, when none of
/// its processes can run the code any more.
struct CodeMemory(parking_lot::Mutex<SendModule>);

/// `JITModule` holds raw pointers to the memory it manages, so it is not `Send`.
struct SendModule(Option<JITModule>, usize);

// SAFETY: the module is only used under `CodeMemory`'s lock, one thread at a time; the memory
// it points to is its own and not shared with other threads except as finished code.
unsafe impl Send for SendModule {}

impl Drop for SendModule {
    fn drop(&mut self) {
        if let Some(m) = self.0.take() {
            // SAFETY: this runs when the instance is torn down: its processes are gone and
            // its scheduler threads joined, so nothing can run the code any more.
            unsafe { m.free_memory() };
            super::stats()
                .live_code_bytes
                .fetch_sub(self.1, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

fn backend() -> Result<&'static Backend, JitError> {
    static B: std::sync::OnceLock<Result<Backend, String>> = std::sync::OnceLock::new();
    B.get_or_init(|| {
        let mut flags = settings::builder();
        for (k, v) in [
            ("opt_level", "speed"),
            ("use_colocated_libcalls", "false"),
            ("is_pic", "false"),
            // The IR verifier checks the generator's output: in debug builds (the tests),
            // not in release builds, where it costs about a tenth of compile time.
            (
                "enable_verifier",
                if cfg!(debug_assertions) {
                    "true"
                } else {
                    "false"
                },
            ),
        ] {
            flags.set(k, v).map_err(|e| e.to_string())?;
        }
        let isa = cranelift_native::builder()
            .map_err(|e| e.to_string())?
            .finish(settings::Flags::new(flags))
            .map_err(|e| e.to_string())?;
        Ok(Backend { isa })
    })
    .as_ref()
    .map_err(|e| JitError::Isa(e.clone()))
}

/// The current instance's code memory.
fn code_memory(be: &Backend) -> &'static CodeMemory {
    static M: crate::instance::InstanceLocal<CodeMemory> = crate::instance::InstanceLocal::new();
    M.get_or_init(|| {
        CodeMemory(parking_lot::Mutex::new(SendModule(
            Some(JITModule::new(JITBuilder::with_isa(
                be.isa.clone(),
                cranelift_module::default_libcall_names(),
            ))),
            0,
        )))
    })
}

/// The module's slot tables and the choice of instructions to compile.
struct Tables<'a> {
    /// The slot of each instruction (`u32::MAX` where none).
    slot_of: &'a [u32],
    /// The address of each slot's `JitEnter`.
    entry_pc: &'a [usize],
    /// The instruction of each slot.
    entries: &'a [usize],
    /// Whether each instruction is compiled (others leave to the interpreter).
    hot: &'a [bool],
}

/// The state of one function's generation.
struct Gen<'a> {
    b: FunctionBuilder<'a>,
    code: &'a [Instr],
    base: i64,
    slot_of: &'a [u32],
    entries: &'a [usize],
    hot: &'a [bool],
    /// Block of each instruction, made when first referred to.
    blocks: Vec<Option<Block>>,
    /// The instructions generated as a plain exit to the interpreter (no machine code).
    no_code: Vec<bool>,
    work: Vec<usize>,
    /// The exit: writes back the state and returns the address in `exit_pc`.
    exit: Block,
    /// The return dispatch: jumps to the `JitEnter` at `ret_pc` or exits there.
    dispatch: Block,
    /// The returns' way into `dispatch`: pops the return address into `ret_pc`.
    ret_dispatch: Block,
    /// Per function (by its `func_info`'s index): where its calls of itself return to
    /// (`ret`'s guesses before the dispatch).
    self_returns: std::collections::HashMap<usize, Vec<usize>>,
    ctx: Value,
    x: Value,
    f: Value,
    call_conv: cranelift_codegen::isa::CallConv,
    sp: Variable,
    htop: Variable,
    reds: Variable,
    exit_pc: Variable,
    ret_pc: Variable,
}

fn mem() -> MemFlagsData {
    MemFlagsData::trusted()
}

impl<'a> Gen<'a> {
    fn new(
        mut b: FunctionBuilder<'a>,
        call_conv: cranelift_codegen::isa::CallConv,
        code: &'a [Instr],
        base: i64,
        tables: Tables<'a>,
    ) -> Gen<'a> {
        let start = b.create_block();
        b.append_block_params_for_function_params(start);
        b.switch_to_block(start);
        let ctx = b.block_params(start)[0];
        let slot = b.block_params(start)[1];
        let ld =
            |b: &mut FunctionBuilder, off: usize| b.ins().load(types::I64, mem(), ctx, off as i32);
        let x = ld(&mut b, offset_of!(JitCtx, x));
        let sp0 = ld(&mut b, offset_of!(JitCtx, sp));
        let htop0 = ld(&mut b, offset_of!(JitCtx, htop));
        let reds0 = ld(&mut b, offset_of!(JitCtx, reds));
        let f = ld(&mut b, offset_of!(JitCtx, f));
        let sp = b.declare_var(types::I64);
        let htop = b.declare_var(types::I64);
        let reds = b.declare_var(types::I64);
        let exit_pc = b.declare_var(types::I64);
        let ret_pc = b.declare_var(types::I64);
        b.def_var(sp, sp0);
        b.def_var(htop, htop0);
        b.def_var(reds, reds0);
        let zero = b.ins().iconst(types::I64, 0);
        b.def_var(exit_pc, zero);
        b.def_var(ret_pc, zero);
        let exit = b.create_block();
        let dispatch = b.create_block();
        let ret_dispatch = b.create_block();
        let mut g = Gen {
            b,
            code,
            base,
            slot_of: tables.slot_of,
            entries: tables.entries,
            hot: tables.hot,
            blocks: vec![None; code.len()],
            no_code: vec![false; code.len()],
            work: Vec::new(),
            exit,
            dispatch,
            ret_dispatch,
            self_returns: Default::default(),
            ctx,
            x,
            f,
            call_conv,
            sp,
            htop,
            reds,
            exit_pc,
            ret_pc,
        };
        // Entry: a table from slot to the `JitEnter`'s block (a slot is always valid). A
        // slot this code does not cover (another version's, entered while this one was
        // current) leaves at its `JitEnter`.
        let bad = g.b.create_block();
        let cold = g.b.create_block();
        let mut targets: Vec<Block> = Vec::with_capacity(g.entries.len());
        for k in 0..g.entries.len() {
            let i = g.entries[k];
            targets.push(if i == usize::MAX {
                bad
            } else if g.hot[i] {
                g.block(i)
            } else {
                cold
            });
        }
        g.br_table(slot, bad, &targets);
        g.b.switch_to_block(bad);
        g.b.ins().trap(TrapCode::unwrap_user(1));
        g.b.set_cold_block(cold);
        g.b.switch_to_block(cold);
        let slot64 = g.b.ins().uextend(types::I64, slot);
        let off = g.b.ins().ishl_imm_s(slot64, 3);
        let table = g.iconst(tables.entry_pc.as_ptr() as i64);
        let addr = g.b.ins().iadd(table, off);
        let pc = g.load_at(addr, 0);
        g.exit_to(pc);
        g
    }

    fn br_table(&mut self, index: Value, default: Block, targets: &[Block]) {
        let pool = &mut self.b.func.dfg.value_lists;
        let def = BlockCall::new(default, std::iter::empty::<BlockArg>(), pool);
        let calls: Vec<BlockCall> = targets
            .iter()
            .map(|t| BlockCall::new(*t, std::iter::empty::<BlockArg>(), pool))
            .collect();
        let jt = self.b.create_jump_table(JumpTableData::new(def, &calls));
        self.b.ins().br_table(index, jt);
    }

    /// The block of instruction `i` (queued for generation when new).
    fn block(&mut self, i: usize) -> Block {
        if let Some(b) = self.blocks[i] {
            return b;
        }
        let b = self.b.create_block();
        self.blocks[i] = Some(b);
        self.work.push(i);
        b
    }

    fn pc_of(&self, i: usize) -> i64 {
        self.base + i as i64 * INSTR
    }

    /// The instruction index of a label (a code address in this module).
    fn index_of(&self, l: usize) -> Option<usize> {
        let off = (l as i64).checked_sub(self.base)?;
        if off < 0 || off % INSTR != 0 {
            return None;
        }
        let i = (off / INSTR) as usize;
        (i < self.code.len()).then_some(i)
    }

    fn build(&mut self) {
        while let Some(i) = self.work.pop() {
            let blk = self.blocks[i].expect("queued instructions have blocks");
            self.b.switch_to_block(blk);
            if self.hot[i] {
                self.instr(i);
            } else {
                // In a function not compiled (a call or jump into it).
                self.exit_at(i);
            }
        }
        // The exit: write back the state, return the address.
        self.b.set_cold_block(self.exit);
        self.b.switch_to_block(self.exit);
        self.write_back();
        let pc = self.b.use_var(self.exit_pc);
        self.b.ins().return_(&[pc]);
        self.b.switch_to_block(self.ret_dispatch);
        let sp = self.b.use_var(self.sp);
        let sp = self.b.ins().iadd_imm_s(sp, -W);
        self.b.def_var(self.sp, sp);
        let cp = self.load_at(sp, 0);
        self.b.def_var(self.ret_pc, cp);
        self.b.ins().jump(self.dispatch, &[]);
        // The return dispatch: a return address inside this module whose instruction is a
        // `JitEnter` jumps to that block; anything else leaves.
        self.b.switch_to_block(self.dispatch);
        let cp = self.b.use_var(self.ret_pc);
        self.b.def_var(self.exit_pc, cp);
        let off = self.b.ins().iadd_imm_s(cp, -self.base);
        let inside =
            self.b
                .ins()
                .icmp_imm_s(IntCC::UnsignedLessThan, off, self.code.len() as i64 * INSTR);
        let lookup = self.b.create_block();
        self.b.ins().brif(inside, lookup, &[], self.exit, &[]);
        self.b.switch_to_block(lookup);
        let idx = self.b.ins().udiv_imm_s(off, INSTR);
        let idx4 = self.b.ins().ishl_imm_s(idx, 2);
        let table = self
            .b
            .ins()
            .iconst(types::I64, self.slot_of.as_ptr() as i64);
        let addr = self.b.ins().iadd(table, idx4);
        let slot = self.b.ins().load(types::I32, mem(), addr, 0);
        let targets: Vec<Block> = self
            .entries
            .iter()
            .map(|&i| {
                if i == usize::MAX {
                    self.exit
                } else {
                    self.blocks[i].unwrap_or(self.exit)
                }
            })
            .collect();
        let exit = self.exit;
        self.br_table(slot, exit, &targets);
    }

    // ----- helpers for instruction bodies

    /// A field of the context that machine code does not keep in a variable (the windows'
    /// bounds: they change only in runtime calls, which write them to the context).
    fn ctx_field(&mut self, off: usize) -> Value {
        let c = self.ctx;
        self.load_at(c, off as i64)
    }

    fn iconst(&mut self, v: i64) -> Value {
        self.b.ins().iconst(types::I64, v)
    }

    /// Instruction `i` has no machine code: it always leaves to the interpreter.
    fn no_code(&mut self, i: usize) {
        self.no_code[i] = true;
        self.exit_at(i);
    }

    /// Leaves the machine code at instruction `i` (not executed).
    fn exit_at(&mut self, i: usize) {
        let pc = self.iconst(self.pc_of(i));
        self.exit_to(pc);
    }

    /// Leaves at code address `pc`, through the shared exit block. (Each exit writing back
    /// and returning by itself takes 13 % off compile time, as register allocation no longer
    /// merges the exits' values into one bundle, but made `nbody` and `binary_trees` 8-10 %
    /// slower.)
    fn exit_to(&mut self, pc: Value) {
        self.b.def_var(self.exit_pc, pc);
        self.b.ins().jump(self.exit, &[]);
    }

    fn goto(&mut self, i: usize) {
        let blk = self.block(i);
        self.b.ins().jump(blk, &[]);
    }

    /// Goes to label `l` (an address in this module).
    fn goto_label(&mut self, l: usize) {
        match self.index_of(l) {
            Some(i) => self.goto(i),
            None => {
                let pc = self.iconst(l as i64);
                self.exit_to(pc);
            }
        }
    }

    /// Continues in a new block when `ok`, else leaves at instruction `i`.
    fn guard(&mut self, ok: Value, i: usize) {
        let cont = self.b.create_block();
        let slow = self.b.create_block();
        self.b.ins().brif(ok, cont, &[], slow, &[]);
        self.b.set_cold_block(slow);
        self.b.switch_to_block(slow);
        self.exit_at(i);
        self.b.switch_to_block(cont);
    }

    /// Branches on `cond` to instruction `then` or label `fail`.
    fn branch(&mut self, cond: Value, then: usize, fail: usize) {
        let t = self.b.create_block();
        let f = self.b.create_block();
        self.b.ins().brif(cond, t, &[], f, &[]);
        self.b.switch_to_block(t);
        self.goto(then);
        self.b.switch_to_block(f);
        self.goto_label(fail);
    }

    /// Adds `by` to the process's count of open catch blocks (`Process::catches`).
    fn count_catches(&mut self, by: i64) {
        let p = self.ctx_field(offset_of!(JitCtx, proc));
        let off = offset_of!(crate::process::Process, catches) as i64;
        let n = self.load_at(p, off);
        let n = self.b.ins().iadd_imm_s(n, by);
        self.store_at(n, p, off);
    }

    fn load_at(&mut self, base: Value, off: i64) -> Value {
        self.b.ins().load(types::I64, mem(), base, off as i32)
    }

    fn store_at(&mut self, v: Value, base: Value, off: i64) {
        self.b.ins().store(mem(), v, base, off as i32);
    }

    fn y_addr_off(i: u32) -> i64 {
        -(i as i64 + 1) * W
    }

    fn get(&mut self, s: Src) -> Value {
        if let Some(t) = s.as_lit() {
            return self.iconst(t.0 as i64);
        }
        let i = s.reg_index() as u32;
        if s.is_y() {
            self.get_y(i)
        } else {
            self.get_x(i)
        }
    }

    fn get_x(&mut self, i: u32) -> Value {
        let x = self.x;
        self.load_at(x, i as i64 * W)
    }

    fn get_y(&mut self, i: u32) -> Value {
        let sp = self.b.use_var(self.sp);
        self.load_at(sp, Self::y_addr_off(i))
    }

    fn put(&mut self, d: Dst, v: Value) {
        match d {
            Dst::X(i) => self.put_x(i as u32, v),
            Dst::Y(i) => self.put_y(i as u32, v),
        }
    }

    fn put_x(&mut self, i: u32, v: Value) {
        let x = self.x;
        self.store_at(v, x, i as i64 * W);
    }

    fn put_y(&mut self, i: u32, v: Value) {
        let sp = self.b.use_var(self.sp);
        self.store_at(v, sp, Self::y_addr_off(i));
    }

    /// Whether `words` more stack words fit.
    fn stack_room(&mut self, words: i64) -> Value {
        let sp = self.b.use_var(self.sp);
        let need = self.b.ins().iadd_imm_s(sp, words * W);
        let end = self.ctx_field(offset_of!(JitCtx, stack_end));
        self.b.ins().icmp(IntCC::UnsignedLessThanOrEqual, need, end)
    }

    /// Leaves at `i` unless the stack has room for a frame of `alloc` words and, for a
    /// body call, the return address (a tail call pushes nothing: a stack filled to its
    /// capacity must not send every tail call to the interpreter).
    fn call_room(&mut self, alloc: impl Into<i64>, kind: LocalCall, i: usize) {
        let need = alloc.into() + (kind == LocalCall::Call) as i64;
        if need > 0 {
            let ok = self.stack_room(need);
            self.guard(ok, i);
        }
    }

    /// Whether the stack holds more than `words` words (so `words` can be dropped and a
    /// return address popped).
    fn stack_more_than(&mut self, words: i64) -> Value {
        let sp = self.b.use_var(self.sp);
        let after = self.b.ins().iadd_imm_s(sp, -words * W);
        let base = self.ctx_field(offset_of!(JitCtx, stack_base));
        self.b.ins().icmp(IntCC::UnsignedGreaterThan, after, base)
    }

    /// Whether `words` heap words fit in the main block.
    fn heap_room(&mut self, words: i64) -> Value {
        let htop = self.b.use_var(self.htop);
        let need = self.b.ins().iadd_imm_s(htop, words * W);
        let hend = self.ctx_field(offset_of!(JitCtx, hend));
        self.b
            .ins()
            .icmp(IntCC::UnsignedLessThanOrEqual, need, hend)
    }

    /// `test_heap`'s condition: no collection due and `words` fit.
    fn heap_ok(&mut self, words: i64) -> Value {
        let room = self.heap_room(words);
        let due = self.ctx_field(offset_of!(JitCtx, gc_due));
        let not_due = self.b.ins().icmp_imm_s(IntCC::Equal, due, 0);
        self.b.ins().band(room, not_due)
    }

    /// Whether a call may go on without ending the slice (the interpreter yields when the
    /// call leaves no reductions).
    fn reds_ok(&mut self) -> Value {
        let r = self.b.use_var(self.reds);
        self.b.ins().icmp_imm_s(IntCC::SignedGreaterThan, r, 1)
    }

    /// Calls the runtime function at `f` with `args`, returning its result. With `with_ctx`
    /// the context goes first: the stack and heap tops and the reductions are written to it
    /// before and read back after (the function may have moved or charged them).
    fn call_rt(&mut self, f: usize, args: &[Value], with_ctx: bool) -> Value {
        let mut sig = Signature::new(self.call_conv);
        let n = args.len() + with_ctx as usize;
        for _ in 0..n {
            sig.params.push(AbiParam::new(types::I64));
        }
        sig.returns.push(AbiParam::new(types::I64));
        let sigref = self.b.import_signature(sig);
        let callee = self.iconst(f as i64);
        let mut all = Vec::with_capacity(n);
        if with_ctx {
            self.write_back();
            all.push(self.ctx);
        }
        all.extend_from_slice(args);
        let call = self.b.ins().call_indirect(sigref, callee, &all);
        let r = self.b.inst_results(call)[0];
        if with_ctx {
            let c = self.ctx;
            for (var, off) in self.kept_in_variables() {
                let v = self.load_at(c, off as i64);
                self.b.def_var(var, v);
            }
        }
        r
    }

    /// The context fields machine code keeps in variables.
    fn kept_in_variables(&self) -> [(Variable, usize); 3] {
        [
            (self.sp, offset_of!(JitCtx, sp)),
            (self.htop, offset_of!(JitCtx, htop)),
            (self.reds, offset_of!(JitCtx, reds)),
        ]
    }

    /// Writes the variables' values to the context (before an exit or a runtime call).
    fn write_back(&mut self) {
        let c = self.ctx;
        for (var, off) in self.kept_in_variables() {
            let v = self.b.use_var(var);
            self.store_at(v, c, off as i64);
        }
    }

    /// Runs BIF `bif` on `args` through `helpers::call_bif`; continues (in a new block) with
    /// its result, or goes to `fail` when it failed and `fail` is a label, else leaves at `i`.
    fn bif_call(&mut self, bif: BifFn, args: &[Value], fail: usize, i: usize) -> Value {
        let f = self.iconst(bif as usize as i64);
        let n = self.iconst(args.len() as i64);
        let mut a = vec![f, n];
        for k in 0..3 {
            let v = match args.get(k) {
                Some(v) => *v,
                None => self.iconst(0),
            };
            a.push(v);
        }
        let r = self.call_rt(helpers::call_bif as *const () as usize, &a, true);
        self.result_or_fail(r, fail, i);
        r
    }

    /// After a runtime call returning a term or `FAILED`/`LEAVE`: continues in a new block
    /// with a term, goes to `fail` (a label, non-zero) on `FAILED`, else leaves at `i`.
    fn result_or_fail(&mut self, r: Value, fail: usize, i: usize) {
        let ok = self
            .b
            .ins()
            .icmp_imm_u(IntCC::UnsignedGreaterThan, r, helpers::LEAVE as i64);
        let cont = self.b.create_block();
        let bad = self.b.create_block();
        self.b.ins().brif(ok, cont, &[], bad, &[]);
        self.b.set_cold_block(bad);
        self.b.switch_to_block(bad);
        if fail != 0 {
            let failed = self
                .b
                .ins()
                .icmp_imm_u(IntCC::Equal, r, helpers::FAILED as i64);
            let to_fail = self.b.create_block();
            let leave = self.b.create_block();
            self.b.ins().brif(failed, to_fail, &[], leave, &[]);
            self.b.switch_to_block(to_fail);
            self.goto_label(fail);
            self.b.switch_to_block(leave);
        }
        self.exit_at(i);
        self.b.switch_to_block(cont);
    }

    /// Makes sure `words` heap words are free (and no collection due), collecting with `live`
    /// X registers when not; leaves at `i` when the process must end or room is still
    /// missing.
    fn heap_need(&mut self, words: i64, live: u32, i: usize) {
        let ok = self.heap_ok(words);
        let cont = self.b.create_block();
        let collect = self.b.create_block();
        self.b.ins().brif(ok, cont, &[], collect, &[]);
        self.b.set_cold_block(collect);
        self.b.switch_to_block(collect);
        let l = self.iconst(live as i64);
        let n = self.iconst(words);
        let r = self.call_rt(helpers::gc as *const () as usize, &[l, n], true);
        let done = self
            .b
            .ins()
            .icmp_imm_u(IntCC::NotEqual, r, helpers::LEAVE as i64);
        let ok2 = self.heap_ok(words);
        let ok2 = self.b.ins().band(done, ok2);
        self.guard(ok2, i);
        self.b.ins().jump(cont, &[]);
        self.b.switch_to_block(cont);
    }

    /// Branches on `x cc y` in the term order (`cc` a signed `<` or `>=`): machine code for
    /// two small integers, else `helpers::compare_terms`. Returns the blocks taken when
    /// the comparison holds and when it does not; leaves at `i` if the comparison panicked.
    fn order_branch(&mut self, x: Value, y: Value, cc: IntCC, i: usize) -> (Block, Block) {
        let t = self.b.create_block();
        let f = self.b.create_block();
        let small = self.both_small(x, y);
        let fast = self.b.create_block();
        let slow = self.b.create_block();
        self.b.ins().brif(small, fast, &[], slow, &[]);
        self.b.switch_to_block(fast);
        let c = self.b.ins().icmp(cc, x, y);
        self.b.ins().brif(c, t, &[], f, &[]);
        self.b.switch_to_block(slow);
        // Two floats compare as machine doubles (Erlang floats are finite, so the order is
        // total); anything else through the runtime's term order.
        let fcc = match cc {
            IntCC::SignedLessThan => Some(FloatCC::LessThan),
            IntCC::SignedGreaterThanOrEqual => Some(FloatCC::GreaterThanOrEqual),
            _ => None,
        };
        match fcc {
            None => self.b.set_cold_block(slow),
            Some(fcc) => {
                let general = self.b.create_block();
                self.b.set_cold_block(general);
                let a = self.float_value(x, general);
                let b = self.float_value(y, general);
                let c = self.b.ins().fcmp(fcc, a, b);
                self.b.ins().brif(c, t, &[], f, &[]);
                self.b.switch_to_block(general);
            }
        }
        let r = self.call_rt(helpers::compare_terms as *const () as usize, &[x, y], false);
        let ok = self.b.ins().icmp_imm_s(IntCC::NotEqual, r, 2);
        self.guard(ok, i);
        let c = self.b.ins().icmp_imm_s(cc, r, 0);
        self.b.ins().brif(c, t, &[], f, &[]);
        (t, f)
    }

    /// Whether `x` and `y` are equal (exactly when `exact`), as 0/1 in an I8; leaves at `i`
    /// if the comparison panicked.
    fn equality(&mut self, x: Value, y: Value, exact: bool, i: usize) -> Value {
        let same = self.b.ins().icmp(IntCC::Equal, x, y);
        let xi = self.tag_is(x, 3, 3);
        let yi = self.tag_is(y, 3, 3);
        // Different words where one (exact) or both (arithmetic) are immediates: not equal.
        let decided_ne = if exact {
            self.b.ins().bor(xi, yi)
        } else {
            self.b.ins().band(xi, yi)
        };
        let decided = self.b.ins().bor(same, decided_ne);
        let fast = self.b.create_block();
        let slow = self.b.create_block();
        let join = self.b.create_block();
        self.b.append_block_param(join, types::I8);
        self.b.ins().brif(decided, fast, &[], slow, &[]);
        self.b.set_cold_block(slow);
        self.b.switch_to_block(fast);
        self.b.ins().jump(join, &[BlockArg::Value(same)]);
        self.b.switch_to_block(slow);
        let e = self.iconst(exact as i64);
        let r = self.call_rt(
            helpers::equal_terms as *const () as usize,
            &[x, y, e],
            false,
        );
        let ok = self.b.ins().icmp_imm_u(IntCC::UnsignedLessThan, r, 2);
        self.guard(ok, i);
        let r8 = self.b.ins().ireduce(types::I8, r);
        self.b.ins().jump(join, &[BlockArg::Value(r8)]);
        self.b.switch_to_block(join);
        self.b.block_params(join)[0]
    }

    /// Two-operand integer arithmetic: inline on small integers where it can be, else the
    /// BIF `export`'s (through `bif_call`). Continues with the result.
    fn arith(&mut self, op: ArithOp, x: Value, y: Value, fail: usize, i: usize) -> Value {
        let join = self.b.create_block();
        self.b.append_block_param(join, types::I64);
        let slow = self.b.create_block();
        self.b.set_cold_block(slow);
        let inline = matches!(
            op,
            ArithOp::Add
                | ArithOp::Sub
                | ArithOp::Band
                | ArithOp::Bor
                | ArithOp::Bxor
                | ArithOp::Mul
                | ArithOp::Div
                | ArithOp::Rem
        );
        if inline {
            let small = self.both_small(x, y);
            let fast = self.b.create_block();
            let float_op = match op {
                ArithOp::Add => Some(FloatOp::Add),
                ArithOp::Sub => Some(FloatOp::Sub),
                ArithOp::Mul => Some(FloatOp::Mul),
                _ => None,
            };
            let not_small = match float_op {
                Some(_) => self.b.create_block(),
                None => slow,
            };
            self.b.ins().brif(small, fast, &[], not_small, &[]);
            if let Some(fop) = float_op {
                // Two floats: the operation on machine doubles, the result boxed inline.
                self.b.switch_to_block(not_small);
                let r = self.float_arith_boxed(fop, x, y, slow);
                self.b.ins().jump(join, &[BlockArg::Value(r)]);
            }
            self.b.switch_to_block(fast);
            match op {
                ArithOp::Add | ArithOp::Sub => {
                    let c = self.b.ins().iadd_imm_s(y, -15);
                    let (r, of) = if op == ArithOp::Add {
                        self.b.ins().sadd_overflow(x, c)
                    } else {
                        self.b.ins().ssub_overflow(x, c)
                    };
                    let done = self.b.create_block();
                    self.b.ins().brif(of, slow, &[], done, &[]);
                    self.b.switch_to_block(done);
                    self.b.ins().jump(join, &[BlockArg::Value(r)]);
                }
                ArithOp::Mul | ArithOp::Div | ArithOp::Rem => {
                    // On the values: a product or a quotient must fit the small range (the
                    // smallest small divided by -1 does not); a remainder always does. A zero
                    // divisor goes to the BIF, which raises.
                    let a = self.b.ins().sshr_imm_s(x, 4);
                    let c = self.b.ins().sshr_imm_s(y, 4);
                    let out_of_range = |g: &mut Self, r: Value| {
                        let off = g.b.ins().iadd_imm_s(r, -crate::term::MIN_SMALL);
                        g.b.ins().icmp_imm_u(
                            IntCC::UnsignedGreaterThan,
                            off,
                            crate::term::MAX_SMALL - crate::term::MIN_SMALL,
                        )
                    };
                    let (r, bad) = if op == ArithOp::Mul {
                        let (r, of) = self.b.ins().smul_overflow(a, c);
                        let out = out_of_range(self, r);
                        (r, self.b.ins().bor(of, out))
                    } else {
                        let zero = self.b.ins().icmp_imm_s(IntCC::Equal, c, 0);
                        let nz = self.b.create_block();
                        self.b.ins().brif(zero, slow, &[], nz, &[]);
                        self.b.switch_to_block(nz);
                        if op == ArithOp::Div {
                            let r = self.b.ins().sdiv(a, c);
                            (r, out_of_range(self, r))
                        } else {
                            let r = self.b.ins().srem(a, c);
                            (r, self.b.ins().iconst(types::I8, 0))
                        }
                    };
                    let done = self.b.create_block();
                    self.b.ins().brif(bad, slow, &[], done, &[]);
                    self.b.switch_to_block(done);
                    let t = self.b.ins().ishl_imm_s(r, 4);
                    let t = self.b.ins().bor_imm_s(t, 0xF);
                    self.b.ins().jump(join, &[BlockArg::Value(t)]);
                }
                ArithOp::Band => {
                    let r = self.b.ins().band(x, y);
                    self.b.ins().jump(join, &[BlockArg::Value(r)]);
                }
                ArithOp::Bor => {
                    let r = self.b.ins().bor(x, y);
                    self.b.ins().jump(join, &[BlockArg::Value(r)]);
                }
                _ => {
                    let r = self.b.ins().bxor(x, y);
                    let r = self.b.ins().bor_imm_s(r, 0xF);
                    self.b.ins().jump(join, &[BlockArg::Value(r)]);
                }
            }
        } else {
            self.b.ins().jump(slow, &[]);
        }
        self.b.switch_to_block(slow);
        let r = self.bif_call(op.bif(), &[x, y], fail, i);
        self.b.ins().jump(join, &[BlockArg::Value(r)]);
        self.b.switch_to_block(join);
        self.b.block_params(join)[0]
    }

    fn f_addr(&self, r: u32) -> (Value, i32) {
        (self.f, (r as i64 * W) as i32)
    }

    fn get_f(&mut self, r: u32) -> Value {
        let (b, off) = self.f_addr(r);
        self.b.ins().load(types::F64, mem(), b, off)
    }

    fn put_f(&mut self, r: u32, v: Value) {
        let (b, off) = self.f_addr(r);
        self.b.ins().store(mem(), v, b, off);
    }

    fn charge_call(&mut self) {
        let r = self.b.use_var(self.reds);
        let r = self.b.ins().iadd_imm_s(r, -1);
        self.b.def_var(self.reds, r);
    }

    fn push(&mut self, v: Value) {
        let sp = self.b.use_var(self.sp);
        self.store_at(v, sp, 0);
        let sp = self.b.ins().iadd_imm_s(sp, W);
        self.b.def_var(self.sp, sp);
    }

    fn drop_words(&mut self, n: i64) {
        if n != 0 {
            let sp = self.b.use_var(self.sp);
            let sp = self.b.ins().iadd_imm_s(sp, -n * W);
            self.b.def_var(self.sp, sp);
        }
    }

    /// Pushes `n` words of `[]` (a new frame).
    fn allocate(&mut self, n: i64) {
        if n == 0 {
            return;
        }
        let nil = self.iconst(NIL);
        let sp = self.b.use_var(self.sp);
        for k in 0..n {
            self.store_at(nil, sp, k * W);
        }
        let sp = self.b.ins().iadd_imm_s(sp, n * W);
        self.b.def_var(self.sp, sp);
    }

    /// Pops the return address (the stack is known to hold one) and goes there.
    /// Returns from the function holding instruction `i`: pops the return address and goes
    /// there. A body-recursive function mostly returns into itself, so the places its own
    /// calls of itself return to are tried first, each with a compare and a direct jump;
    /// anything else goes through the dispatch (a table lookup and an indirect jump).
    fn ret(&mut self, i: usize) {
        let sites = self.self_return_sites(i);
        if sites.is_empty() {
            // The stack pointer still points above the return address: the shared return
            // block pops it, so that the returns of a function with one stack depth pass one
            // value (thousands of returns each passing values of their own into one block's
            // parameters make register allocation quadratic; a lookup table of literals is
            // such a function).
            self.b.ins().jump(self.ret_dispatch, &[]);
            return;
        }
        let sp = self.b.use_var(self.sp);
        let sp = self.b.ins().iadd_imm_s(sp, -W);
        self.b.def_var(self.sp, sp);
        let cp = self.load_at(sp, 0);
        for site in sites {
            let at = self.pc_of(site);
            let hit = self.b.ins().icmp_imm_s(IntCC::Equal, cp, at);
            let there = self.block(site);
            let other = self.b.create_block();
            self.b.ins().brif(hit, there, &[], other, &[]);
            self.b.switch_to_block(other);
        }
        self.b.def_var(self.ret_pc, cp);
        self.b.ins().jump(self.dispatch, &[]);
    }

    /// Where the function holding instruction `i` most likely returns to: the `JitEnter`s
    /// after its calls of itself, then after the other calls of it in the module (body
    /// calls; at most three in all).
    fn self_return_sites(&mut self, i: usize) -> Vec<usize> {
        const MAX: usize = 3;
        let Some(start) = (0..=i)
            .rev()
            .find(|&k| matches!(self.code[k], Instr::FuncInfo { .. }))
        else {
            return Vec::new();
        };
        if let Some(v) = self.self_returns.get(&start) {
            return v.clone();
        }
        let entry = start + 1;
        let end = (entry..self.code.len())
            .find(|&k| matches!(self.code[k], Instr::FuncInfo { .. }))
            .unwrap_or(self.code.len());
        let mut own = Vec::new();
        let mut others = Vec::new();
        for j in 0..self.code.len() {
            let (target, ret) = match &self.code[j] {
                Instr::Call { target, .. } => (*target, 1),
                Instr::MovesCall {
                    target,
                    kind: LocalCall::Call,
                    ret,
                    ..
                } => (*target, *ret as usize),
                Instr::GetListCall(op) if op.kind == LocalCall::Call => {
                    (op.target, op.ret as usize)
                }
                _ => continue,
            };
            let site = j + ret;
            if self.index_of(target) == Some(entry)
                && site < self.code.len()
                && matches!(self.code[site], Instr::JitEnter { .. })
                && self.hot[site]
            {
                let list = if (start..end).contains(&j) {
                    &mut own
                } else {
                    &mut others
                };
                if !list.contains(&site) {
                    list.push(site);
                }
            }
        }
        own.extend(others);
        own.truncate(MAX);
        self.self_returns.insert(start, own.clone());
        own
    }

    /// Goes to a call's target (after the caller pushed or dropped what the call kind asks).
    fn call_target(&mut self, target: usize) {
        self.charge_call();
        self.goto_label(target);
    }

    fn tag_is(&mut self, v: Value, mask: i64, tag: i64) -> Value {
        let t = self.b.ins().band_imm_s(v, mask);
        self.b.ins().icmp_imm_s(IntCC::Equal, t, tag)
    }

    fn both_small(&mut self, a: Value, c: Value) -> Value {
        let t = self.b.ins().band(a, c);
        self.tag_is(t, 0xF, 0xF)
    }

    /// The header word of boxed term `v`.
    fn header(&mut self, v: Value) -> Value {
        let p = self.b.ins().band_imm_s(v, !3i64);
        self.load_at(p, 0)
    }

    /// The value of `v` when it is a boxed float (in the block this leaves current); a jump
    /// to `other` when it is not.
    fn float_value(&mut self, v: Value, other: Block) -> Value {
        let boxed = self.tag_is(v, 3, 2);
        let check = self.b.create_block();
        self.b.ins().brif(boxed, check, &[], other, &[]);
        self.b.switch_to_block(check);
        let h = self.header(v);
        let is_float = self.b.ins().icmp_imm_s(
            IntCC::Equal,
            h,
            crate::term::make_header(subtag::FLOAT, 1) as i64,
        );
        let load = self.b.create_block();
        self.b.ins().brif(is_float, load, &[], other, &[]);
        self.b.switch_to_block(load);
        self.float_payload(v)
    }

    /// The double of boxed float `v`.
    fn float_payload(&mut self, v: Value) -> Value {
        let p = self.b.ins().band_imm_s(v, !3i64);
        self.b.ins().load(types::F64, mem(), p, W as i32)
    }

    /// Double `v` boxed on the heap (the caller made sure of two words of room).
    fn box_float(&mut self, v: Value) -> Value {
        let hp = self.b.use_var(self.htop);
        let hdr = self.iconst(crate::term::make_header(subtag::FLOAT, 1) as i64);
        self.store_at(hdr, hp, 0);
        self.b.ins().store(mem(), v, hp, W as i32);
        let next = self.b.ins().iadd_imm_s(hp, 2 * W);
        self.b.def_var(self.htop, next);
        self.b.ins().bor_imm_s(hp, 2)
    }

    /// `a OP b` on doubles, and whether the result is finite (|r| < infinity: false for NaN
    /// too), as Erlang requires of a float result.
    fn float_op(&mut self, op: FloatOp, a: Value, b: Value) -> (Value, Value) {
        let r = match op {
            FloatOp::Add => self.b.ins().fadd(a, b),
            FloatOp::Sub => self.b.ins().fsub(a, b),
            FloatOp::Mul => self.b.ins().fmul(a, b),
            FloatOp::Div => self.b.ins().fdiv(a, b),
        };
        let abs = self.b.ins().fabs(r);
        let inf = self.b.ins().f64const(f64::INFINITY);
        let finite = self.b.ins().fcmp(FloatCC::LessThan, abs, inf);
        (r, finite)
    }

    /// `x OP y` of two boxed floats as a new boxed float on the heap; a jump to `other` when
    /// either is not a float, the result is not finite (the BIF raises `badarith`) or the
    /// heap has no room for it (the BIF collects).
    fn float_arith_boxed(&mut self, op: FloatOp, x: Value, y: Value, other: Block) -> Value {
        let a = self.float_value(x, other);
        let b = self.float_value(y, other);
        let (r, finite) = self.float_op(op, a, b);
        let room = self.heap_room(2);
        let ok = self.b.ins().band(finite, room);
        let store = self.b.create_block();
        self.b.ins().brif(ok, store, &[], other, &[]);
        self.b.switch_to_block(store);
        self.box_float(r)
    }

    /// Branches to `then` when `v` is boxed and its header satisfies `pred`, else `fail`.
    fn boxed_test(
        &mut self,
        v: Value,
        then: usize,
        fail: usize,
        pred: impl FnOnce(&mut Self, Value) -> Value,
    ) {
        let boxed = self.tag_is(v, 3, 2);
        let hdr = self.b.create_block();
        let f = self.b.create_block();
        self.b.ins().brif(boxed, hdr, &[], f, &[]);
        self.b.switch_to_block(f);
        self.goto_label(fail);
        self.b.switch_to_block(hdr);
        let h = self.header(v);
        let ok = pred(self, h);
        self.branch(ok, then, fail);
    }

    /// Leaves at instruction `i` (where the interpreter raises `badarg`) unless `l` is a list
    /// cell: damaged code must not read a term as one.
    fn guard_list(&mut self, l: Value, i: usize) {
        let is_list = self.tag_is(l, 3, 1);
        self.guard(is_list, i);
    }

    /// Leaves at instruction `i` unless `v` is boxed and `pred` holds of its header.
    fn guard_header(&mut self, v: Value, i: usize, pred: impl FnOnce(&mut Self, Value) -> Value) {
        let boxed = self.tag_is(v, 3, 2);
        self.guard(boxed, i);
        let h = self.header(v);
        let ok = pred(self, h);
        self.guard(ok, i);
    }

    /// Leaves at instruction `i` unless `t` is a tuple of more than `index` elements: its
    /// header is above that of a tuple of `index` elements (the arity is the header's high
    /// bits).
    fn guard_tuple_past(&mut self, t: Value, index: u32, i: usize) {
        let least = crate::term::make_header(subtag::TUPLE, index as usize) as i64;
        self.guard_header(t, i, |g, h| {
            let tuple = g.b.ins().band_imm_s(h, HEADER_SUBTAG_MASK);
            let tuple =
                g.b.ins()
                    .icmp_imm_s(IntCC::Equal, tuple, least & HEADER_SUBTAG_MASK);
            let big = g.b.ins().icmp_imm_s(IntCC::UnsignedGreaterThan, h, least);
            g.b.ins().band(tuple, big)
        });
    }

    /// Leaves at instruction `i` unless `c` is a match context.
    fn guard_match_state(&mut self, c: Value, i: usize) {
        let want = crate::term::make_header(subtag::MATCH_STATE, 4) as i64;
        self.guard_header(c, i, |g, h| g.b.ins().icmp_imm_s(IntCC::Equal, h, want));
    }

    /// The header of `v` when it is boxed with the header's subtag bits `bits`; a jump to
    /// label `fail` otherwise.
    fn header_or_fail(&mut self, v: Value, fail: usize, bits: i64) -> Value {
        let boxed = self.tag_is(v, 3, 2);
        self.require(boxed, fail);
        let h = self.header(v);
        let sub = self.b.ins().band_imm_s(h, HEADER_SUBTAG_MASK);
        let ok = self
            .b
            .ins()
            .icmp_imm_s(IntCC::Equal, sub, bits & HEADER_SUBTAG_MASK);
        self.require(ok, fail);
        h
    }

    /// A return from instruction `i`: drops `dealloc` frame words and pops the return address,
    /// moving `x0` first when given (leaves at `i` when no return address is left: the
    /// interpreter ends the process).
    fn return_from(&mut self, i: usize, dealloc: i64, x0: Option<Src>) {
        let ok = self.stack_more_than(dealloc);
        self.guard(ok, i);
        if let Some(s) = x0 {
            let v = self.get(s);
            self.put_x(0, v);
        }
        self.drop_words(dealloc);
        self.ret(i);
    }

    /// Continues in a new block when `cond`, else goes to label `fail`.
    fn require(&mut self, cond: Value, fail: usize) {
        let t = self.b.create_block();
        let f = self.b.create_block();
        self.b.ins().brif(cond, t, &[], f, &[]);
        self.b.switch_to_block(f);
        self.goto_label(fail);
        self.b.switch_to_block(t);
    }

    /// Puts the head and the tail of list cell `l` where asked.
    fn get_list(&mut self, l: Value, head: Option<Dst>, tail: Option<Dst>) {
        // A list term is the cell's address + 1: the head at -1, the tail at +7.
        let h = head.map(|_| self.load_at(l, -1));
        let t = tail.map(|_| self.load_at(l, 7));
        if let (Some(d), Some(v)) = (head, h) {
            self.put(d, v);
        }
        if let (Some(d), Some(v)) = (tail, t) {
            self.put(d, v);
        }
    }

    /// What follows a passed test: go on, or return as the fused instructions after it do.
    fn on_pass(&mut self, i: usize, then: OnPass) {
        match then {
            OnPass::Next => self.goto(i + 1),
            OnPass::Return => self.return_from(i, 0, None),
        }
    }

    /// A local call of kind `kind` (after the guard, moves and frame work of its
    /// instruction), returning to instruction `ret`.
    fn local_call(&mut self, kind: LocalCall, target: usize, ret: usize) {
        match kind {
            LocalCall::Call => {
                let cp = self.iconst(self.pc_of(ret));
                self.push(cp);
            }
            LocalCall::Last(n) => self.drop_words(n as i64),
            LocalCall::Only => {}
        }
        self.call_target(target);
    }

    fn moves(&mut self, moves: &[(Src, Dst)]) {
        for (s, d) in moves {
            let v = self.get(*s);
            self.put(*d, v);
        }
    }

    fn select_imm(&mut self, v: Value, table: &[(u64, usize)], fail: usize) {
        if table.len() <= 4 {
            for (k, l) in table {
                let eq = self.b.ins().icmp_imm_s(IntCC::Equal, v, *k as i64);
                let t = self.b.create_block();
                let e = self.b.create_block();
                self.b.ins().brif(eq, t, &[], e, &[]);
                self.b.switch_to_block(t);
                self.goto_label(*l);
                self.b.switch_to_block(e);
            }
            self.goto_label(fail);
            return;
        }
        let mid = table.len() / 2;
        let lt = self
            .b
            .ins()
            .icmp_imm_s(IntCC::UnsignedLessThan, v, table[mid].0 as i64);
        let lo = self.b.create_block();
        let hi = self.b.create_block();
        self.b.ins().brif(lt, lo, &[], hi, &[]);
        self.b.switch_to_block(lo);
        self.select_imm(v, &table[..mid], fail);
        self.b.switch_to_block(hi);
        self.select_imm(v, &table[mid..], fail);
    }

    // ----- instructions

    fn instr(&mut self, i: usize) {
        let code = self.code;
        match &code[i] {
            Instr::JitEnter { .. } => self.goto(i + 1),
            Instr::MoveXX { .. }
            | Instr::MoveXY { .. }
            | Instr::MoveYX { .. }
            | Instr::MoveYY { .. }
            | Instr::MoveLitX { .. }
            | Instr::Move { .. } => {
                let (s, d) = match &code[i] {
                    Instr::MoveXX { src, dst } => (Src::x(*src), Dst::X(*dst as u16)),
                    Instr::MoveXY { src, dst } => (Src::x(*src), Dst::Y(*dst as u16)),
                    Instr::MoveYX { src, dst } => (Src::y(*src), Dst::X(*dst as u16)),
                    Instr::MoveYY { src, dst } => (Src::y(*src), Dst::Y(*dst as u16)),
                    Instr::MoveLitX { lit, dst } => (Src::lit(*lit), Dst::X(*dst as u16)),
                    Instr::Move { src, dst } => (*src, *dst),
                    _ => unreachable!("only moves in this arm"),
                };
                self.moves(&[(s, d)]);
                self.goto(i + 1);
            }
            Instr::Moves { moves } => {
                self.moves(moves);
                self.goto(i + moves.len());
            }
            Instr::Swap { a, b } => {
                let va = self.get(a.as_src());
                let vb = self.get(b.as_src());
                self.put(*a, vb);
                self.put(*b, va);
                self.goto(i + 1);
            }
            Instr::GetList { src, head, tail } => {
                let l = self.get(*src);
                self.guard_list(l, i);
                self.get_list(l, Some(*head), Some(*tail));
                self.goto(i + 1);
            }
            Instr::GetHd { src, dst } => {
                let l = self.get(*src);
                self.guard_list(l, i);
                self.get_list(l, Some(*dst), None);
                self.goto(i + 1);
            }
            Instr::GetTl { src, dst } => {
                let l = self.get(*src);
                self.guard_list(l, i);
                self.get_list(l, None, Some(*dst));
                self.goto(i + 1);
            }
            // A fused pair compiles as its first read, then goes on to the second (still in
            // place after it).
            Instr::GetTupleElement { src, index, dst }
            | Instr::GetTupleElement2 {
                src, index, dst, ..
            } => {
                let t = self.get(*src);
                self.guard_tuple_past(t, *index, i);
                let p = self.b.ins().band_imm_s(t, !3i64);
                let v = self.load_at(p, (*index as i64 + 1) * W);
                self.put(*dst, v);
                self.goto(i + 1);
            }
            Instr::IsNonemptyGetList {
                fail,
                src,
                head,
                tail,
            } if *fail != 0 => {
                let l = self.get(*src);
                let is_list = self.tag_is(l, 3, 1);
                self.require(is_list, *fail);
                self.get_list(l, Some(*head), Some(*tail));
                self.goto(i + 2);
            }
            Instr::TestHeap { heap, live } => {
                self.heap_need(*heap as i64, *live, i);
                self.goto(i + 1);
            }
            Instr::PutList { head, tail, dst } => {
                let ok = self.heap_room(2);
                self.guard(ok, i);
                self.put_list(*head, *tail, *dst);
                self.goto(i + 1);
            }
            Instr::TestHeapPutList {
                live,
                heap,
                dst,
                head,
                tail,
            } => {
                self.heap_need((*heap as i64).max(2), (*live).into(), i);
                self.put_list(*head, *tail, *dst);
                self.goto(i + 2);
            }
            Instr::PutListReturn {
                live,
                heap,
                dst,
                head,
                tail,
                dealloc,
            } => {
                let ok = self.stack_more_than(*dealloc as i64);
                self.guard(ok, i);
                self.heap_need((*heap as i64).max(2), (*live).into(), i);
                self.put_list(*head, *tail, *dst);
                self.drop_words(*dealloc as i64);
                self.ret(i);
            }
            Instr::PutTuple2 { dst, elems } => {
                let n = elems.len() as i64;
                let ok = self.heap_room(n + 1);
                self.guard(ok, i);
                let vals: Vec<Value> = elems.iter().map(|s| self.get(*s)).collect();
                let hp = self.b.use_var(self.htop);
                let hdr = self.iconst(crate::term::make_header(subtag::TUPLE, n as usize) as i64);
                self.store_at(hdr, hp, 0);
                for (k, v) in vals.into_iter().enumerate() {
                    self.store_at(v, hp, (k as i64 + 1) * W);
                }
                let next = self.b.ins().iadd_imm_s(hp, (n + 1) * W);
                self.b.def_var(self.htop, next);
                let t = self.b.ins().bor_imm_s(hp, 2);
                self.put(*dst, t);
                self.goto(i + 1);
            }
            Instr::Allocate { stack, .. } => {
                let ok = self.stack_room(*stack as i64);
                self.guard(ok, i);
                self.allocate(*stack as i64);
                self.goto(i + 1);
            }
            Instr::AllocateHeap { stack, heap, .. } => {
                let ok = self.stack_room(*stack as i64);
                let ok2 = self.heap_ok(*heap as i64);
                self.guard(ok, i);
                self.guard(ok2, i);
                self.allocate(*stack as i64);
                self.goto(i + 1);
            }
            Instr::Deallocate { n } | Instr::Trim { n } => {
                self.drop_words(*n as i64);
                self.goto(i + 1);
            }
            Instr::InitYregs { regs } => {
                let nil = self.iconst(NIL);
                for r in regs.iter() {
                    self.put_y(*r, nil);
                }
                self.goto(i + 1);
            }
            Instr::Return => self.return_from(i, 0, None),
            Instr::MoveReturn { src } => self.return_from(i, 0, Some(*src)),
            Instr::DeallocateReturn { n } => self.return_from(i, *n as i64, None),
            Instr::Call { target, .. } => {
                let ok = self.reds_ok();
                let ok2 = self.stack_room(1);
                self.guard(ok, i);
                self.guard(ok2, i);
                self.local_call(LocalCall::Call, *target, i + 1);
            }
            Instr::CallLast {
                target, dealloc, ..
            } => {
                let ok = self.reds_ok();
                self.guard(ok, i);
                self.drop_words(*dealloc as i64);
                self.call_target(*target);
            }
            Instr::CallOnly { target, .. } => {
                let ok = self.reds_ok();
                self.guard(ok, i);
                self.local_call(LocalCall::Only, *target, i + 1);
            }
            Instr::MovesCall {
                alloc,
                trim,
                target,
                moves,
                ret,
                kind,
                ..
            } => {
                let ok = self.reds_ok();
                self.guard(ok, i);
                self.call_room(*alloc, *kind, i);
                self.allocate(*alloc as i64);
                self.moves(moves);
                self.drop_words(*trim as i64);
                self.local_call(*kind, *target, i + *ret as usize);
            }
            Instr::GetListCall(op) => {
                let l = self.get(op.src);
                if op.fail != 0 {
                    let is_list = self.tag_is(l, 3, 1);
                    self.require(is_list, op.fail);
                } else {
                    self.guard_list(l, i);
                }
                let ok = self.reds_ok();
                self.guard(ok, i);
                self.call_room(op.alloc, op.kind, i);
                self.allocate(op.alloc as i64);
                let l = self.get(op.src);
                self.get_list(l, Some(op.head), Some(op.tail));
                self.local_call(op.kind, op.target, i + op.ret as usize);
            }
            Instr::CmpLt { fail, a, b, then } | Instr::CmpGe { fail, a, b, then } if *fail != 0 => {
                let lt = matches!(code[i], Instr::CmpLt { .. });
                let x = self.get(*a);
                let y = self.get(*b);
                let cc = if lt {
                    IntCC::SignedLessThan
                } else {
                    IntCC::SignedGreaterThanOrEqual
                };
                let (t, f) = self.order_branch(x, y, cc, i);
                self.b.switch_to_block(f);
                self.goto_label(*fail);
                self.b.switch_to_block(t);
                self.on_pass(i, *then);
            }
            Instr::EqImm { fail, a, imm } | Instr::NeImm { fail, a, imm } if *fail != 0 => {
                let v = self.get(*a);
                let cc = if matches!(code[i], Instr::EqImm { .. }) {
                    IntCC::Equal
                } else {
                    IntCC::NotEqual
                };
                let c = self.b.ins().icmp_imm_s(cc, v, imm.0 as i64);
                self.branch(c, i + 1, *fail);
            }
            Instr::AddImm { a, imm, dst, fail } | Instr::SubImm { a, imm, dst, fail } => {
                let op = if matches!(code[i], Instr::AddImm { .. }) {
                    ArithOp::Add
                } else {
                    ArithOp::Sub
                };
                let x = self.get(*a);
                let y = self.iconst(imm.0 as i64);
                let r = self.arith(op, x, y, *fail, i);
                self.put(*dst, r);
                self.goto(i + 1);
            }
            Instr::Arith2 {
                op,
                ret,
                dst,
                fail,
                a,
                b,
            } => {
                if *ret != NO_RET {
                    let ok = self.stack_more_than(*ret as i64);
                    self.guard(ok, i);
                }
                let x = self.get(*a);
                let y = self.get(*b);
                let r = self.arith(*op, x, y, *fail, i);
                self.put(*dst, r);
                match *ret {
                    NO_RET => self.goto(i + 1),
                    n => {
                        self.drop_words(n as i64);
                        self.ret(i);
                    }
                }
            }
            Instr::Bif(op) => match op.export.bif {
                Some(bif) if op.arity <= 3 => {
                    let vals: Vec<Value> = op.args[..op.arity as usize]
                        .iter()
                        .map(|s| self.get(*s))
                        .collect();
                    let join = self.b.create_block();
                    self.b.append_block_param(join, types::I64);
                    let mfa = &op.export.mfa;
                    if mfa.module == crate::atom::ERLANG
                        && mfa.function == crate::atom::atom("byte_size")
                        && op.arity == 1
                    {
                        self.byte_size_inline(vals[0], join);
                    }
                    let r = self.bif_call(bif, &vals, op.fail, i);
                    self.b.ins().jump(join, &[BlockArg::Value(r)]);
                    self.b.switch_to_block(join);
                    let r = self.b.block_params(join)[0];
                    self.put(op.dst, r);
                    self.goto(i + 1);
                }
                _ => self.no_code(i),
            },
            Instr::Cmp {
                op: op @ (CmpOp::Lt | CmpOp::Ge),
                fail,
                a,
                b,
            } if *fail != 0 => {
                let x = self.get(*a);
                let y = self.get(*b);
                let cc = if *op == CmpOp::Lt {
                    IntCC::SignedLessThan
                } else {
                    IntCC::SignedGreaterThanOrEqual
                };
                let (t, f) = self.order_branch(x, y, cc, i);
                self.b.switch_to_block(t);
                self.goto(i + 1);
                self.b.switch_to_block(f);
                self.goto_label(*fail);
            }
            Instr::Cmp { op, fail, a, b } if *fail != 0 => {
                let x = self.get(*a);
                let y = self.get(*b);
                let c = match op {
                    CmpOp::EqExact => self.equality(x, y, true, i),
                    CmpOp::Eq => self.equality(x, y, false, i),
                    CmpOp::NeExact => {
                        let e = self.equality(x, y, true, i);
                        self.b.ins().icmp_imm_s(IntCC::Equal, e, 0)
                    }
                    CmpOp::Ne => {
                        let e = self.equality(x, y, false, i);
                        self.b.ins().icmp_imm_s(IntCC::Equal, e, 0)
                    }
                    CmpOp::Lt | CmpOp::Ge => unreachable!("handled above"),
                };
                self.branch(c, i + 1, *fail);
            }
            Instr::Test { test, fail, src } if *fail != 0 => {
                let v = self.get(*src);
                let fail = *fail;
                let subtag_is =
                    |st: u64| move |g: &mut Self, h: Value| g.tag_is(h, 0x3F, st as i64);
                match test {
                    TypeTest::Atom => {
                        let c = self.tag_is(v, 0x3F, 0x0B);
                        self.branch(c, i + 1, fail);
                    }
                    TypeTest::Nil => {
                        let c = self.b.ins().icmp_imm_s(IntCC::Equal, v, NIL);
                        self.branch(c, i + 1, fail);
                    }
                    TypeTest::NonemptyList => {
                        let c = self.tag_is(v, 3, 1);
                        self.branch(c, i + 1, fail);
                    }
                    TypeTest::List => {
                        let c = self.tag_is(v, 3, 1);
                        let n = self.b.ins().icmp_imm_s(IntCC::Equal, v, NIL);
                        let c = self.b.ins().bor(c, n);
                        self.branch(c, i + 1, fail);
                    }
                    TypeTest::Boolean => {
                        let t = Term::bool(true).0 as i64;
                        let f = Term::bool(false).0 as i64;
                        let a = self.b.ins().icmp_imm_s(IntCC::Equal, v, t);
                        let c = self.b.ins().icmp_imm_s(IntCC::Equal, v, f);
                        let c = self.b.ins().bor(a, c);
                        self.branch(c, i + 1, fail);
                    }
                    TypeTest::Tuple => self.boxed_test(v, i + 1, fail, subtag_is(subtag::TUPLE)),
                    TypeTest::Float => self.boxed_test(v, i + 1, fail, subtag_is(subtag::FLOAT)),
                    TypeTest::Map => self.boxed_test(v, i + 1, fail, subtag_is(subtag::MAP)),
                    TypeTest::Function => self.boxed_test(v, i + 1, fail, |g, h| {
                        let a = g.tag_is(h, 0x3F, subtag::FUN as i64);
                        let b = g.tag_is(h, 0x3F, subtag::EXPORT as i64);
                        g.b.ins().bor(a, b)
                    }),
                    TypeTest::Integer
                    | TypeTest::Number
                    | TypeTest::Pid
                    | TypeTest::Port
                    | TypeTest::Reference => {
                        // An immediate form (small integer, local pid or port) passes at
                        // once; otherwise the boxed forms' subtags decide.
                        let (mask, tag) = match test {
                            TypeTest::Integer | TypeTest::Number => (0xF, 0xF),
                            TypeTest::Pid => (0xF, 0x3),
                            TypeTest::Port => (0xF, 0x7),
                            // References have no immediate form: no word has all these bits.
                            _ => (0, 1),
                        };
                        let test = *test;
                        let imm = self.tag_is(v, mask, tag);
                        let t = self.b.create_block();
                        let other = self.b.create_block();
                        self.b.ins().brif(imm, t, &[], other, &[]);
                        self.b.switch_to_block(t);
                        self.goto(i + 1);
                        self.b.switch_to_block(other);
                        self.boxed_test(v, i + 1, fail, move |g, h| match test {
                            TypeTest::Integer | TypeTest::Number => {
                                // Bignums: subtags POS_BIG and NEG_BIG (header tag 0).
                                let big = g.tag_is(h, 0x3B, subtag::POS_BIG as i64);
                                if test == TypeTest::Number {
                                    let fl = g.tag_is(h, 0x3F, subtag::FLOAT as i64);
                                    g.b.ins().bor(big, fl)
                                } else {
                                    big
                                }
                            }
                            TypeTest::Pid => g.tag_is(h, 0x3F, subtag::EXTERNAL_PID as i64),
                            TypeTest::Port => g.tag_is(h, 0x3F, subtag::EXTERNAL_PORT as i64),
                            _ => {
                                let a = g.tag_is(h, 0x3F, subtag::REF as i64);
                                let b = g.tag_is(h, 0x3F, subtag::EXTERNAL_REF as i64);
                                g.b.ins().bor(a, b)
                            }
                        });
                    }
                    TypeTest::Bitstring => self.boxed_test(v, i + 1, fail, |g, h| {
                        let a = g.tag_is(h, 0x3F, subtag::REFC_BINARY as i64);
                        let b = g.tag_is(h, 0x3F, subtag::HEAP_BINARY as i64);
                        let c = g.tag_is(h, 0x3F, subtag::SUB_BINARY as i64);
                        let ab = g.b.ins().bor(a, b);
                        g.b.ins().bor(ab, c)
                    }),
                    TypeTest::Binary => {
                        // Whole bytes or not is in the binary's size: the runtime's test.
                        let f = helpers::is_binary as *const () as usize;
                        let r = self.call_rt(f, &[v], false);
                        let ok = self.b.ins().icmp_imm_u(IntCC::NotEqual, r, 0);
                        self.branch(ok, i + 1, fail);
                    }
                }
            }
            Instr::TestArity { fail, src, arity } | Instr::IsTupleOfArity { fail, src, arity }
                if *fail != 0 =>
            {
                let v = self.get(*src);
                let want = crate::term::make_header(subtag::TUPLE, *arity as usize) as i64;
                // The fused test passes over the `test_arity` after it.
                let then = match code[i] {
                    Instr::IsTupleOfArity { .. } => i + 2,
                    _ => i + 1,
                };
                self.boxed_test(v, then, *fail, |g, h| {
                    g.b.ins().icmp_imm_s(IntCC::Equal, h, want)
                });
            }
            Instr::IsTaggedTuple {
                fail,
                src,
                arity,
                tag,
            } if *fail != 0 => {
                if *arity == 0 {
                    self.goto_label(*fail);
                    return;
                }
                let v = self.get(*src);
                let want = crate::term::make_header(subtag::TUPLE, *arity as usize) as i64;
                let tag = tag.0 as i64;
                let fail = *fail;
                self.boxed_test(v, i + 1, fail, |g, h| {
                    let hdr_ok = g.b.ins().icmp_imm_s(IntCC::Equal, h, want);
                    let p = g.b.ins().band_imm_s(v, !3i64);
                    // Reading the first element is safe even when the header differs: a
                    // boxed object has at least one word after its header... not for an
                    // empty tuple, so read it only after the header matched.
                    let rd = g.b.create_block();
                    let no = g.b.create_block();
                    let join = g.b.create_block();
                    g.b.append_block_param(join, types::I8);
                    g.b.ins().brif(hdr_ok, rd, &[], no, &[]);
                    g.b.switch_to_block(rd);
                    let e0 = g.load_at(p, W);
                    let c = g.b.ins().icmp_imm_s(IntCC::Equal, e0, tag);
                    g.b.ins().jump(join, &[BlockArg::Value(c)]);
                    g.b.switch_to_block(no);
                    let z = g.b.ins().iconst(types::I8, 0);
                    g.b.ins().jump(join, &[BlockArg::Value(z)]);
                    g.b.switch_to_block(join);
                    g.b.block_params(join)[0]
                });
            }
            Instr::SelectValImm { src, fail, table } if *fail != 0 => {
                let v = self.get(*src);
                let t: Vec<(u64, usize)> = table.iter().map(|(k, l)| (*k, *l)).collect();
                self.select_imm(v, &t, *fail);
            }
            Instr::SelectVal { src, fail, table }
                if *fail != 0 && table.iter().all(|(t, _)| t.primary_tag() == 3) =>
            {
                // Immediates only: a term equals one exactly when the words are equal.
                let v = self.get(*src);
                let mut t: Vec<(u64, usize)> = table.iter().map(|(k, l)| (k.0, *l)).collect();
                // First match wins in the interpreter: keep the first of equal keys.
                let mut seen = std::collections::HashSet::new();
                t.retain(|(k, _)| seen.insert(*k));
                t.sort_by_key(|p| p.0);
                self.select_imm(v, &t, *fail);
            }
            Instr::SelectTupleArity { src, fail, table } if *fail != 0 => {
                let v = self.get(*src);
                let tuple_bits = crate::term::make_header(subtag::TUPLE, 0) as i64;
                let h = self.header_or_fail(v, *fail, tuple_bits);
                let a = self.b.ins().ushr_imm_s(h, 6);
                let mut t: Vec<(u64, usize)> = table.iter().map(|(k, l)| (*k as u64, *l)).collect();
                let mut seen = std::collections::HashSet::new();
                t.retain(|(k, _)| seen.insert(*k));
                t.sort_by_key(|p| p.0);
                self.select_imm(a, &t, *fail);
            }
            Instr::CallBif { bif, export }
            | Instr::CallBifLast { bif, export, .. }
            | Instr::CallBifOnly { bif, export } => {
                let dealloc = match &code[i] {
                    Instr::CallBifLast { dealloc, .. } => *dealloc as i64,
                    _ => 0,
                };
                let tail = !matches!(code[i], Instr::CallBif { .. });
                if tail {
                    // Returning needs a return address under the frame.
                    let ok = self.stack_more_than(dealloc);
                    self.guard(ok, i);
                }
                // As the interpreter: the frame goes before the BIF runs.
                self.drop_words(dealloc);
                let f = self.iconst(*bif as usize as i64);
                let n = self.iconst(export.mfa.arity as i64);
                let pc = self.iconst(self.pc_of(i));
                let r = self.call_rt(helpers::call_bif_x as *const () as usize, &[f, n, pc], true);
                let left = self
                    .b
                    .ins()
                    .icmp_imm_u(IntCC::Equal, r, helpers::LEAVE as i64);
                let done = self.b.create_block();
                let leave = self.b.create_block();
                self.b.ins().brif(left, leave, &[], done, &[]);
                self.b.set_cold_block(leave);
                self.b.switch_to_block(leave);
                // Put the frame back (its words are untouched) for the interpreter.
                self.drop_words(-dealloc);
                self.exit_at(i);
                self.b.switch_to_block(done);
                self.put_x(0, r);
                let c = self.ctx;
                let y =
                    self.b
                        .ins()
                        .load(types::I8, mem(), c, offset_of!(JitCtx, yield_now) as i32);
                self.end_call(i, tail, y);
            }
            Instr::BsStartMatch { .. }
            | Instr::BsGetPosition { .. }
            | Instr::BsSetPosition { .. }
            | Instr::BsGetTail { .. }
            | Instr::BsGetInteger { .. }
            | Instr::BsGetFloat { .. }
            | Instr::BsGetBinary { .. }
            | Instr::BsSkipBits { .. }
            | Instr::BsTestTail { .. }
            | Instr::BsTestUnit { .. }
            | Instr::BsMatchString { .. }
            | Instr::BsGetUtf8 { .. }
            | Instr::BsGetUtf16 { .. }
            | Instr::BsGetUtf32 { .. }
            | Instr::BsSkipUtf8 { .. }
            | Instr::BsSkipUtf16 { .. }
            | Instr::BsSkipUtf32 { .. } => self.bs_match(i),
            Instr::Fclearerror | Instr::Fcheckerror { .. } => self.goto(i + 1),
            Instr::FLoad { src, dst } => {
                let t = self.get(*src);
                let v = self.float_payload(t);
                self.put_f(*dst, v);
                self.goto(i + 1);
            }
            Instr::FStore { src, dst } => {
                let ok = self.heap_room(2);
                self.guard(ok, i);
                let v = self.get_f(*src);
                let t = self.box_float(v);
                self.put(*dst, t);
                self.goto(i + 1);
            }
            Instr::FMove { src, dst } => {
                let v = self.get_f(*src);
                self.put_f(*dst, v);
                self.goto(i + 1);
            }
            Instr::Fconv { src, dst } => {
                let t = self.get(*src);
                let join = self.b.create_block();
                self.b.append_block_param(join, types::F64);
                let small = self.tag_is(t, 0xF, 0xF);
                let from_small = self.b.create_block();
                let other = self.b.create_block();
                self.b.ins().brif(small, from_small, &[], other, &[]);
                self.b.switch_to_block(from_small);
                let n = self.b.ins().sshr_imm_s(t, 4);
                let f = self.b.ins().fcvt_from_sint(types::F64, n);
                self.b.ins().jump(join, &[BlockArg::Value(f)]);
                // A boxed float, else the interpreter raises.
                self.b.switch_to_block(other);
                let leave = self.b.create_block();
                self.b.set_cold_block(leave);
                let f = self.float_value(t, leave);
                self.b.ins().jump(join, &[BlockArg::Value(f)]);
                self.b.switch_to_block(leave);
                self.exit_at(i);
                self.b.switch_to_block(join);
                let f = self.b.block_params(join)[0];
                self.put_f(*dst, f);
                self.goto(i + 1);
            }
            Instr::Farith {
                op,
                a,
                b,
                dst,
                fail,
            } => {
                let x = self.get_f(*a);
                let y = self.get_f(*b);
                let (r, finite) = self.float_op(*op, x, y);
                if *fail != 0 {
                    let ok = self.b.create_block();
                    let bad = self.b.create_block();
                    self.b.ins().brif(finite, ok, &[], bad, &[]);
                    self.b.switch_to_block(bad);
                    self.goto_label(*fail);
                    self.b.switch_to_block(ok);
                } else {
                    self.guard(finite, i);
                }
                self.put_f(*dst, r);
                self.goto(i + 1);
            }
            Instr::Fnegate { src, dst, .. } => {
                let x = self.get_f(*src);
                let z = self.b.ins().f64const(0.0);
                let r = self.b.ins().fsub(z, x);
                self.put_f(*dst, r);
                self.goto(i + 1);
            }
            Instr::CallExt { export }
            | Instr::CallExtLast { export, .. }
            | Instr::CallExtOnly { export } => {
                // The export's current address (null: not loaded, or a BIF: interpreter).
                let e = self.iconst(*export as *const Export as i64);
                let addr = self.load_at(e, crate::module::EXPORT_ADDRESS_OFFSET as i64);
                let loaded = self.b.ins().icmp_imm_s(IntCC::NotEqual, addr, 0);
                self.guard(loaded, i);
                let reds = self.reds_ok();
                self.guard(reds, i);
                if matches!(code[i], Instr::CallExt { .. }) {
                    let room = self.stack_room(1);
                    self.guard(room, i);
                }
                let body = matches!(code[i], Instr::CallExt { .. });
                if let Instr::CallExtLast { dealloc, .. } = &code[i] {
                    self.drop_words(*dealloc as i64);
                }
                self.charge_call();
                if let Some(nif_pc) = common_nif_entry(export) {
                    // The callee is a native function (when the module holding it is still
                    // the one loaded now): called from here, as OTP's JIT does.
                    let is_nif =
                        self.b
                            .ins()
                            .icmp_imm_u(IntCC::Equal, addr, nif_pc as usize as i64);
                    let nif = self.b.create_block();
                    let other = self.b.create_block();
                    self.b.ins().brif(is_nif, nif, &[], other, &[]);
                    self.b.switch_to_block(nif);
                    self.call_nif(i, addr, !body);
                    self.b.switch_to_block(other);
                }
                if body {
                    let cp = self.iconst(self.pc_of(i + 1));
                    self.push(cp);
                }
                self.b.def_var(self.ret_pc, addr);
                self.b.ins().jump(self.dispatch, &[]);
            }
            Instr::Jump { target } => self.goto_label(*target),
            Instr::GetMapElements { fail, src, pairs } => {
                let m = self.get(*src);
                for (k, d) in pairs.iter() {
                    let kv = self.get(*k);
                    let v = self.call_rt(helpers::map_get as *const () as usize, &[m, kv], false);
                    self.result_or_fail(v, *fail, i);
                    self.put(*d, v);
                }
                self.goto(i + 1);
            }
            Instr::HasMapFields { fail, src, keys } => {
                let m = self.get(*src);
                for k in keys.iter() {
                    let kv = self.get(*k);
                    let v = self.call_rt(helpers::map_get as *const () as usize, &[m, kv], false);
                    self.result_or_fail(v, *fail, i);
                }
                self.goto(i + 1);
            }
            Instr::PutMapAssoc { src, dst, .. } | Instr::PutMapExact { src, dst, .. } => {
                // A failure (not a map, a missing key) leaves: the interpreter raises or
                // takes the label.
                let m = self.get(*src);
                let pc = self.iconst(self.pc_of(i));
                let r = self.call_rt(helpers::map_put as *const () as usize, &[pc, m], true);
                self.result_or_fail(r, 0, i);
                self.put(*dst, r);
                self.goto(i + 1);
            }
            Instr::MakeFun { dst, .. } => {
                let pc = self.iconst(self.pc_of(i));
                let r = self.call_rt(helpers::make_fun as *const () as usize, &[pc], true);
                self.result_or_fail(r, 0, i);
                self.put(*dst, r);
                self.goto(i + 1);
            }
            Instr::SetTupleElement { val, tuple, index } => {
                let t = self.get(*tuple);
                // The compiler emits it on a tuple known to be large enough; a damaged
                // module may not, and the interpreter then raises.
                self.guard_tuple_past(t, *index, i);
                let v = self.get(*val);
                let p = self.b.ins().band_imm_s(t, !3i64);
                self.store_at(v, p, (*index as i64 + 1) * W);
                self.goto(i + 1);
            }
            Instr::IsFunction2 { fail, src, arity } => {
                let t = self.get(*src);
                let a = self.get(*arity);
                let r = self.call_rt(helpers::is_function2 as *const () as usize, &[t, a], false);
                let ok = self.b.ins().icmp_imm_u(IntCC::NotEqual, r, 0);
                self.branch(ok, i + 1, *fail);
            }
            Instr::CallFun { arity } | Instr::CallFun2 { arity, .. } => {
                let fun = match &code[i] {
                    Instr::CallFun2 { fun, .. } => self.get(*fun),
                    _ => self.get_x(*arity),
                };
                let room = self.stack_room(1);
                self.guard(room, i);
                self.call_fun(i, fun, *arity, None);
            }
            Instr::CallFunLast {
                arity,
                fun,
                dealloc,
            } => {
                let fun = self.get(*fun);
                self.call_fun(i, fun, *arity, Some(*dealloc as i64));
            }
            Instr::Catch { y, handler } | Instr::Try { y, handler } => {
                let tag = self.iconst(Term::catch(*handler).0 as i64);
                self.put(Dst::Y(*y as u16), tag);
                self.count_catches(1);
                self.goto(i + 1);
            }
            Instr::TryEnd { y } => {
                let nil = self.iconst(Term::NIL.0 as i64);
                self.put(Dst::Y(*y as u16), nil);
                self.count_catches(-1);
                self.goto(i + 1);
            }
            Instr::TryCase { y } => {
                // The handler of a `try`: class, reason and stack trace move down.
                let nil = self.iconst(Term::NIL.0 as i64);
                self.put(Dst::Y(*y as u16), nil);
                self.count_catches(-1);
                for r in 0..3 {
                    let v = self.get_x(r + 1);
                    self.put_x(r, v);
                }
                self.goto(i + 1);
            }
            Instr::CatchEnd { y } => {
                // After a caught exception (`x0` is no term) the interpreter builds the value.
                let x0 = self.get_x(0);
                let normal = self
                    .b
                    .ins()
                    .icmp_imm_u(IntCC::NotEqual, x0, Term::NONE.0 as i64);
                self.guard(normal, i);
                let nil = self.iconst(Term::NIL.0 as i64);
                self.put(Dst::Y(*y as u16), nil);
                self.count_catches(-1);
                self.goto(i + 1);
            }
            Instr::CallNif { export, data }
                if crate::emu::call_nif::common_callee(export, *data) =>
            {
                // A native function installed before the module was compiled, reached by a
                // local call (the return address is pushed).
                let pc = self.iconst(self.pc_of(i));
                self.call_nif(i, pc, true);
            }
            Instr::LoopRec { fail: _, dst } => {
                // The message at the save point; with none left the interpreter takes in
                // what has arrived (it may go to the failure label and wait).
                let c = self.ctx;
                let m = self.call_rt(helpers::loop_rec as *const () as usize, &[c], false);
                self.result_or_fail(m, 0, i);
                self.put(*dst, m);
                self.goto(i + 1);
            }
            Instr::LoopRecEnd { target } => {
                let c = self.ctx;
                self.call_rt(helpers::loop_rec_end as *const () as usize, &[c], false);
                self.goto_label(*target);
            }
            Instr::RemoveMessage | Instr::Timeout => {
                let c = self.ctx;
                let remove = self.iconst(matches!(code[i], Instr::RemoveMessage) as i64);
                let r = self.call_rt(
                    helpers::end_receive as *const () as usize,
                    &[c, remove],
                    false,
                );
                let done = self
                    .b
                    .ins()
                    .icmp_imm_u(IntCC::NotEqual, r, helpers::LEAVE as i64);
                self.guard(done, i);
                self.goto(i + 1);
            }
            Instr::Send => {
                let r = self.call_rt(helpers::send as *const () as usize, &[], true);
                self.result_or_fail(r, 0, i);
                self.put_x(0, r);
                self.goto(i + 1);
            }
            Instr::RecvMarkerReserve { dst } => {
                let r = self.call_rt(helpers::make_ref as *const () as usize, &[], true);
                self.result_or_fail(r, 0, i);
                self.put(*dst, r);
                self.goto(i + 1);
            }
            Instr::RecvMarkerBind { .. }
            | Instr::RecvMarkerClear { .. }
            | Instr::RecvMarkerUse { .. } => self.goto(i + 1),
            Instr::BsCreateBin { dst, .. } => {
                let pc = self.iconst(self.pc_of(i));
                let r = self.call_rt(helpers::bs_create_bin as *const () as usize, &[pc], true);
                self.result_or_fail(r, 0, i);
                self.put(*dst, r);
                self.goto(i + 1);
            }
            _ => self.no_code(i),
        }
    }

    /// `byte_size/1` of a heap or refc binary (the size word) goes to `join` with the
    /// result; anything else continues in a new block (the BIF's path).
    fn byte_size_inline(&mut self, v: Value, join: Block) {
        let slow = self.b.create_block();
        let boxed = self.tag_is(v, 3, 2);
        let check = self.b.create_block();
        self.b.ins().brif(boxed, check, &[], slow, &[]);
        self.b.switch_to_block(check);
        let h = self.header(v);
        let heap = self.tag_is(h, 0x3F, subtag::HEAP_BINARY as i64);
        let refc = self.tag_is(h, 0x3F, subtag::REFC_BINARY as i64);
        let bytes = self.b.ins().bor(heap, refc);
        let fast = self.b.create_block();
        self.b.ins().brif(bytes, fast, &[], slow, &[]);
        self.b.switch_to_block(fast);
        let p = self.b.ins().band_imm_s(v, !3i64);
        let n = self.load_at(p, W);
        let t = self.b.ins().ishl_imm_s(n, 4);
        let t = self.b.ins().bor_imm_s(t, 0xF);
        self.b.ins().jump(join, &[BlockArg::Value(t)]);
        self.b.switch_to_block(slow);
    }

    /// The native function whose `call_nif` instruction is at `nif` through
    /// `helpers::call_nif`, its value to `x0`. For a `tail` call (the `call_nif` instruction
    /// itself, reached with the return address pushed, or a `call_ext_last`/`call_ext_only`
    /// with the caller's frame dropped) the call then returns; for the body call `call_ext`
    /// at `i` it goes on at `i + 1`, and the return address is pushed only when the machine
    /// code leaves at the `call_nif` instruction (the native function does not look at the
    /// stack).
    fn call_nif(&mut self, i: usize, nif: Value, tail: bool) {
        // The helper reads and writes only the heap top and the reductions (the stack's
        // top goes to the context when the machine code leaves).
        let mut sig = Signature::new(self.call_conv);
        sig.params.push(AbiParam::new(types::I64));
        sig.params.push(AbiParam::new(types::I64));
        sig.returns.push(AbiParam::new(types::I64));
        let sigref = self.b.import_signature(sig);
        let callee = self.iconst(helpers::call_nif as *const () as usize as i64);
        let c = self.ctx;
        let kept = [
            (self.htop, offset_of!(JitCtx, htop)),
            (self.reds, offset_of!(JitCtx, reds)),
        ];
        for (var, off) in kept {
            let v = self.b.use_var(var);
            self.store_at(v, c, off as i64);
        }
        let call = self.b.ins().call_indirect(sigref, callee, &[c, nif]);
        let r = self.b.inst_results(call)[0];
        for (var, off) in kept {
            let v = self.load_at(c, off as i64);
            self.b.def_var(var, v);
        }
        let left = self
            .b
            .ins()
            .icmp_imm_u(IntCC::Equal, r, helpers::LEAVE as i64);
        let done = self.b.create_block();
        let leave = self.b.create_block();
        self.b.ins().brif(left, leave, &[], done, &[]);
        self.b.set_cold_block(leave);
        self.b.switch_to_block(leave);
        // As if the call had gone there: the instruction makes or finishes the call.
        if !tail {
            let cp = self.iconst(self.pc_of(i + 1));
            self.push(cp);
        }
        self.exit_to(nif);
        self.b.switch_to_block(done);
        self.put_x(0, r);
        // The slice is over when no reductions are left (the helper then also set the
        // context's `yield_now`, which `run` reads).
        let reds = self.b.use_var(self.reds);
        let over = self
            .b
            .ins()
            .icmp_imm_s(IntCC::SignedLessThanOrEqual, reds, 0);
        self.end_call(i, tail, over);
    }

    /// A call at `i` of `fun` with `arity` arguments: a fun of this runtime whose code is
    /// loaded is entered (a body call pushes the return address; a tail call drops
    /// `dealloc` words of the caller's frame); anything else leaves.
    fn call_fun(&mut self, i: usize, fun: Value, arity: u32, dealloc: Option<i64>) {
        let reds = self.reds_ok();
        self.guard(reds, i);
        let n = self.iconst(arity as i64);
        // The helper writes X registers only: the context goes in as it is.
        let c = self.ctx;
        let target = self.call_rt(
            helpers::fun_target as *const () as usize,
            &[c, fun, n],
            false,
        );
        self.result_or_fail(target, 0, i);
        match dealloc {
            None => {
                let cp = self.iconst(self.pc_of(i + 1));
                self.push(cp);
            }
            Some(words) => self.drop_words(words),
        }
        self.charge_call();
        self.b.def_var(self.ret_pc, target);
        self.b.ins().jump(self.dispatch, &[]);
    }

    /// After a call made at `i` from machine code returned (its value in `x0`): when
    /// `stop`, the slice is over and the process resumes at the return address (popped for
    /// a `tail` call, whose caller's frame is gone; `i + 1` otherwise); else the call
    /// returns (`tail`) or goes on at `i + 1`.
    fn end_call(&mut self, i: usize, tail: bool, stop: Value) {
        let go = self.b.create_block();
        let over = self.b.create_block();
        self.b.ins().brif(stop, over, &[], go, &[]);
        self.b.set_cold_block(over);
        self.b.switch_to_block(over);
        if tail {
            let sp = self.b.use_var(self.sp);
            let sp = self.b.ins().iadd_imm_s(sp, -W);
            self.b.def_var(self.sp, sp);
            let cp = self.load_at(sp, 0);
            self.exit_to(cp);
        } else {
            self.exit_at(i + 1);
        }
        self.b.switch_to_block(go);
        if tail {
            self.ret(i);
        } else {
            self.goto(i + 1);
        }
    }

    /// Bit-syntax instructions done in machine code: reading and setting the context's
    /// position, testing what is left, and starting a match on what is already a context.
    /// False when instruction `i` is not one of them (or its form needs the general path).
    fn bs_match_inline(&mut self, i: usize) -> bool {
        use Instr::*;
        match &self.code[i] {
            BsGetPosition { ctx, dst } => {
                let c = self.get(*ctx);
                self.guard_match_state(c, i);
                let off = CTX_POS_OFFSET;
                let pos = self.b.ins().load(types::I64, mem(), c, off);
                let t = self.b.ins().ishl_imm_s(pos, 4);
                let t = self.b.ins().bor_imm_s(t, 0xF);
                self.put(*dst, t);
                self.goto(i + 1);
                true
            }
            BsSetPosition { ctx, pos } => {
                let c = self.get(*ctx);
                self.guard_match_state(c, i);
                let p = self.get(*pos);
                let small = self.tag_is(p, 0xF, 0xF);
                self.guard(small, i);
                let v = self.b.ins().sshr_imm_s(p, 4);
                let off = CTX_POS_OFFSET;
                // Within the binary: from where matching started (the word before the
                // position) to the end (the word after).
                let start = self.b.ins().load(types::I64, mem(), c, off - W as i32);
                let end = self.b.ins().load(types::I64, mem(), c, off + W as i32);
                let lo = self.b.ins().icmp(IntCC::SignedGreaterThanOrEqual, v, start);
                let hi = self.b.ins().icmp(IntCC::SignedLessThanOrEqual, v, end);
                let inside = self.b.ins().band(lo, hi);
                self.guard(inside, i);
                self.b.ins().store(mem(), v, c, off);
                self.goto(i + 1);
                true
            }
            BsTestTail { fail, ctx, bits } if *fail != 0 => {
                let c = self.get(*ctx);
                self.guard_match_state(c, i);
                let off = CTX_POS_OFFSET;
                let pos = self.b.ins().load(types::I64, mem(), c, off);
                let end = self.b.ins().load(types::I64, mem(), c, off + W as i32);
                let left = self.b.ins().isub(end, pos);
                let ok = self.b.ins().icmp_imm_u(IntCC::Equal, left, *bits as i64);
                self.branch(ok, i + 1, *fail);
                true
            }
            BsStartMatch { src, dst, .. } => {
                // Already a context (matching goes on in a loop): itself.
                let v = self.get(*src);
                let boxed = self.tag_is(v, 3, 2);
                let is_ctx = self.b.create_block();
                let other = self.b.create_block();
                let check = self.b.create_block();
                self.b.ins().brif(boxed, check, &[], other, &[]);
                self.b.switch_to_block(check);
                let h = self.header(v);
                let same = self.b.ins().icmp_imm_s(
                    IntCC::Equal,
                    h,
                    crate::term::make_header(subtag::MATCH_STATE, 4) as i64,
                );
                self.b.ins().brif(same, is_ctx, &[], other, &[]);
                self.b.switch_to_block(is_ctx);
                self.put(*dst, v);
                self.goto(i + 1);
                // Anything else: the general path, in its own block.
                self.b.switch_to_block(other);
                false
            }
            BsGetInteger {
                fail,
                ctx,
                size,
                unit,
                flags,
                dst,
            } => match lit_bits(*size, *unit as u32) {
                Some(n @ (8 | 16 | 32)) => {
                    let (c, pos) = self.bs_take(*ctx, n, *fail, i);
                    let addr = self.bs_byte_addr(c, pos, i);
                    let little = *flags as u32 & BSF_LITTLE != 0;
                    let signed = *flags as u32 & BSF_SIGNED != 0;
                    let ty = match n {
                        8 => types::I8,
                        16 => types::I16,
                        _ => types::I32,
                    };
                    let mut v = self.b.ins().load(ty, mem(), addr, 0);
                    if n > 8 && !little {
                        v = self.b.ins().bswap(v);
                    }
                    let v = if signed {
                        self.b.ins().sextend(types::I64, v)
                    } else {
                        self.b.ins().uextend(types::I64, v)
                    };
                    self.bs_advance(c, pos, n);
                    let t = self.b.ins().ishl_imm_s(v, 4);
                    let t = self.b.ins().bor_imm_s(t, 0xF);
                    self.put(*dst, t);
                    self.goto(i + 1);
                    true
                }
                _ => false,
            },
            BsGetFloat {
                fail,
                ctx,
                size,
                unit,
                flags,
                dst,
                live,
            } if lit_bits(*size, *unit as u32) == Some(64) => {
                self.bs_heap_need(2, gc_live(*live, *ctx), i);
                let (c, pos) = self.bs_take(*ctx, 64, *fail, i);
                let addr = self.bs_byte_addr(c, pos, i);
                let mut v = self.b.ins().load(types::I64, mem(), addr, 0);
                if *flags as u32 & BSF_LITTLE == 0 {
                    v = self.b.ins().bswap(v);
                }
                // NaN and the infinities (all exponent bits set) match no float segment.
                const EXP: i64 = 0x7FF0_0000_0000_0000;
                let e = self.b.ins().band_imm_s(v, EXP);
                let finite = self.b.ins().icmp_imm_s(IntCC::NotEqual, e, EXP);
                self.bs_fail_unless(finite, *fail, i);
                self.bs_advance(c, pos, 64);
                // The float's bits go to the heap as they are.
                let t = self.box_float(v);
                self.put(*dst, t);
                self.goto(i + 1);
                true
            }
            BsMatchString {
                fail,
                ctx,
                bits,
                data,
            } if *bits % 8 == 0 && (8..=64).contains(bits) => {
                let n = *bits as i64;
                let (c, pos) = self.bs_take(*ctx, n, *fail, i);
                let addr = self.bs_byte_addr(c, pos, i);
                for (k, byte) in data.iter().take(n as usize / 8).enumerate() {
                    let v = self.b.ins().uload8(types::I64, mem(), addr, k as i32);
                    let same = self.b.ins().icmp_imm_u(IntCC::Equal, v, *byte as i64);
                    self.bs_fail_unless(same, *fail, i);
                }
                self.bs_advance(c, pos, n);
                self.goto(i + 1);
                true
            }
            BsSkipBits {
                fail,
                ctx,
                size,
                unit,
            } if lit_bits(*size, *unit).is_some() => {
                let n = lit_bits(*size, *unit).unwrap_or(0);
                let (c, pos) = self.bs_take(*ctx, n, *fail, i);
                self.bs_advance(c, pos, n);
                self.goto(i + 1);
                true
            }
            BsGetBinary {
                fail,
                ctx,
                size,
                unit,
                dst,
                live,
            } if size.as_lit().is_none()
                || lit_bits(*size, crate::emu::instr::bin_unit(*unit)).is_some() =>
            {
                // A sub binary of the bits at the position (`bs::get_binary`); a size that
                // is no small integer below 2^32 goes to the interpreter.
                self.bs_heap_need(4, gc_live(*live, *ctx), i);
                let c = self.get(*ctx);
                let unit = crate::emu::instr::bin_unit(*unit);
                let n = match lit_bits(*size, unit) {
                    Some(n) => self.iconst(n),
                    None => {
                        let s = self.get(*size);
                        let small = self.tag_is(s, 0xF, 0xF);
                        self.guard(small, i);
                        let s = self.b.ins().sshr_imm_s(s, 4);
                        let in_range = self.b.ins().icmp_imm_u(IntCC::UnsignedLessThan, s, 1 << 32);
                        self.guard(in_range, i);
                        self.b.ins().imul_imm_s(s, unit as i64)
                    }
                };
                let pos = self.bs_room(c, n, *fail, i);
                let next = self.b.ins().iadd(pos, n);
                self.b.ins().store(mem(), next, c, CTX_POS_OFFSET);
                let orig = self.b.ins().load(types::I64, mem(), c, W as i32 - 2);
                let hp = self.b.use_var(self.htop);
                let hdr = self.iconst(crate::term::make_header(subtag::SUB_BINARY, 3) as i64);
                self.store_at(hdr, hp, 0);
                self.store_at(n, hp, W);
                self.store_at(pos, hp, 2 * W);
                self.store_at(orig, hp, 3 * W);
                let top = self.b.ins().iadd_imm_s(hp, 4 * W);
                self.b.def_var(self.htop, top);
                let t = self.b.ins().bor_imm_s(hp, 2);
                self.put(*dst, t);
                self.goto(i + 1);
                true
            }
            _ => false,
        }
    }

    /// Makes room for `words` heap words for a bit-syntax instruction at `i`: collecting
    /// with `live` X registers when known, else leaving when there is no room.
    fn bs_heap_need(&mut self, words: i64, live: Option<u32>, i: usize) {
        match live {
            Some(live) => self.heap_need(words, live, i),
            None => {
                let ok = self.heap_ok(words);
                self.guard(ok, i);
            }
        }
    }

    /// Goes to the failure label `fail` unless `ok` (leaves at `i` when there is none: the
    /// interpreter raises).
    fn bs_fail_unless(&mut self, ok: Value, fail: usize, i: usize) {
        if fail != 0 {
            self.require(ok, fail);
        } else {
            self.guard(ok, i);
        }
    }

    /// The match context in `ctx` and its bit position, after checking that `n` more bits
    /// are left (the failure label otherwise).
    fn bs_take(&mut self, ctx: Src, n: i64, fail: usize, i: usize) -> (Value, Value) {
        let c = self.get(ctx);
        let n = self.iconst(n);
        let pos = self.bs_room(c, n, fail, i);
        (c, pos)
    }

    /// The bit position of context `c`, after checking that `n` more bits are left (the
    /// failure label otherwise).
    fn bs_room(&mut self, c: Value, n: Value, fail: usize, i: usize) -> Value {
        let pos = self.b.ins().load(types::I64, mem(), c, CTX_POS_OFFSET);
        let end = self
            .b
            .ins()
            .load(types::I64, mem(), c, CTX_POS_OFFSET + W as i32);
        let left = self.b.ins().isub(end, pos);
        let enough = self
            .b
            .ins()
            .icmp(IntCC::UnsignedGreaterThanOrEqual, left, n);
        self.bs_fail_unless(enough, fail, i);
        pos
    }

    /// Moves context `c` from bit `pos` on by `n` bits.
    fn bs_advance(&mut self, c: Value, pos: Value, n: i64) {
        let next = self.b.ins().iadd_imm_s(pos, n);
        self.b.ins().store(mem(), next, c, CTX_POS_OFFSET);
    }

    /// The address of the byte at bit `pos` of context `c`'s binary (a heap binary's bytes
    /// follow its size word; a refc binary's are found through its `BinBuf`); leaves at `i`
    /// when `pos` is not at a byte boundary.
    fn bs_byte_addr(&mut self, c: Value, pos: Value, i: usize) -> Value {
        let aligned = self.tag_is(pos, 7, 0);
        self.guard(aligned, i);
        let orig = self.b.ins().load(types::I64, mem(), c, W as i32 - 2);
        let hdr = self.b.ins().load(types::I64, mem(), orig, -2);
        let is_heap = self.tag_is(hdr, 0x3F, subtag::HEAP_BINARY as i64);
        let heap = self.b.create_block();
        let refc = self.b.create_block();
        let join = self.b.create_block();
        self.b.append_block_param(join, types::I64);
        self.b.ins().brif(is_heap, heap, &[], refc, &[]);
        self.b.switch_to_block(heap);
        let d = self.b.ins().iadd_imm_s(orig, 2 * W - 2);
        self.b.ins().jump(join, &[BlockArg::Value(d)]);
        self.b.switch_to_block(refc);
        let raw = self.b.ins().load(types::I64, mem(), orig, 2 * W as i32 - 2);
        let d = self.b.ins().load(
            types::I64,
            mem(),
            raw,
            crate::heap::BinBuf::DATA_OFFSET as i32,
        );
        self.b.ins().jump(join, &[BlockArg::Value(d)]);
        self.b.switch_to_block(join);
        let data = self.b.block_params(join)[0];
        let byte = self.b.ins().ushr_imm_u(pos, 3);
        self.b.ins().iadd(data, byte)
    }

    /// A bit-syntax matching instruction through `helpers::bs_match`: its operands' values
    /// go in, its result goes to its destination; a failed match goes to its label.
    fn bs_match(&mut self, i: usize) {
        use Instr::*;
        if self.bs_match_inline(i) {
            return;
        }
        let pure = match &self.code[i] {
            BsGetInteger { size, unit, .. } => size.as_lit().is_none_or(|s| {
                s.as_small()
                    .is_some_and(|s| s >= 0 && (s as u64).saturating_mul(*unit as u64) < SMALL_BITS)
            }),
            BsSkipBits { .. }
            | BsTestUnit { .. }
            | BsMatchString { .. }
            | BsGetUtf8 { .. }
            | BsGetUtf16 { .. }
            | BsGetUtf32 { .. }
            | BsSkipUtf8 { .. }
            | BsSkipUtf16 { .. }
            | BsSkipUtf32 { .. } => true,
            _ => false,
        };
        let (fail, c, size, dst): (usize, Src, Option<Src>, Option<Dst>) = match &self.code[i] {
            BsStartMatch { fail, src, dst } => (*fail, *src, None, Some(*dst)),
            BsGetTail { ctx, dst } => (0, *ctx, None, Some(*dst)),
            BsGetInteger {
                fail,
                ctx,
                size,
                dst,
                ..
            }
            | BsGetFloat {
                fail,
                ctx,
                size,
                dst,
                ..
            }
            | BsGetBinary {
                fail,
                ctx,
                size,
                dst,
                ..
            } => (*fail, *ctx, Some(*size), Some(*dst)),
            BsSkipBits {
                fail, ctx, size, ..
            } => (*fail, *ctx, Some(*size), None),
            BsTestTail { fail, ctx, .. }
            | BsTestUnit { fail, ctx, .. }
            | BsMatchString { fail, ctx, .. }
            | BsSkipUtf8 { fail, ctx }
            | BsSkipUtf16 { fail, ctx, .. }
            | BsSkipUtf32 { fail, ctx, .. } => (*fail, *ctx, None, None),
            BsGetUtf8 { fail, ctx, dst }
            | BsGetUtf16 { fail, ctx, dst, .. }
            | BsGetUtf32 { fail, ctx, dst, .. } => (*fail, *ctx, None, Some(*dst)),
            _ => {
                self.no_code(i);
                return;
            }
        };
        let pc = self.iconst(self.pc_of(i));
        let cv = self.get(c);
        let sv = match size {
            Some(s) => self.get(s),
            None => self.iconst(0),
        };
        let r = if pure {
            // No heap, stack or process state involved: a plain call.
            self.call_rt(
                helpers::bs_match_pure as *const () as usize,
                &[pc, cv, sv],
                false,
            )
        } else {
            self.call_rt(helpers::bs_match as *const () as usize, &[pc, cv, sv], true)
        };
        self.result_or_fail(r, fail, i);
        if let Some(d) = dst {
            self.put(d, r);
        }
        self.goto(i + 1);
    }

    fn put_list(&mut self, head: Src, tail: Src, dst: Dst) {
        let h = self.get(head);
        let t = self.get(tail);
        let hp = self.b.use_var(self.htop);
        self.store_at(h, hp, 0);
        self.store_at(t, hp, W);
        let next = self.b.ins().iadd_imm_s(hp, 2 * W);
        self.b.def_var(self.htop, next);
        let l = self.b.ins().bor_imm_s(hp, 1);
        self.put(dst, l);
    }
}

/// Where the common native call of `export` starts: its current code when that is a
/// `call_nif` instruction of a normal native function with few enough arguments (what
/// `helpers::call_nif` handles).
fn common_nif_entry(export: &Export) -> Option<*const Instr> {
    let pc = export.address();
    if pc.is_null() {
        return None;
    }
    // SAFETY: an export's address is a loaded (never freed) instruction.
    match unsafe { &*pc } {
        Instr::CallNif { export, data } if crate::emu::call_nif::common_callee(export, *data) => {
            Some(pc)
        }
        _ => None,
    }
}
