//! The interpreter's internal instructions (OTP's specific instructions in `ops.tab`).
//!
//! The loader (`loader/transform.rs`) turns generic operations into these, with operands
//! resolved: labels become absolute code addresses ([`Lbl`]), imports become export entries or
//! BIF function pointers, literals become term words. Operands are small: a source operand is
//! one word ([`Src`]): a literal term, or an X or Y register encoded in a header-tagged word
//! (a header word is never a term value).

use crate::atom::Atom;
use crate::bif::BifFn;
use crate::module::{Export, FunEntry, Mfa};
use crate::term::Term;

pub use super::thin_slice::ThinSlice;

/// A code address: a pointer to an `Instr` (0 = no label, i.e. raise on failure).
pub type Lbl = usize;

/// The unit of a `BsGetBinary` (kept in a byte: 0 stands for 256).
pub fn bin_unit(u: u8) -> u32 {
    if u == 0 {
        256
    } else {
        u as u32
    }
}

/// A source operand: a literal term or a register, in one word.
#[derive(Copy, Clone, PartialEq, Eq)]
#[repr(transparent)]
pub struct Src(pub u64);

const REG_Y_FLAG: u64 = 0x40;

impl Src {
    #[inline]
    pub fn x(i: u32) -> Src {
        Src((i as u64) << 8)
    }
    #[inline]
    pub fn y(i: u32) -> Src {
        Src(((i as u64) << 8) | REG_Y_FLAG)
    }
    #[inline]
    pub fn lit(t: Term) -> Src {
        debug_assert!(t.primary_tag() != 0);
        Src(t.0)
    }
    /// The operand as a literal term, if it is one.
    #[inline]
    pub fn as_lit(self) -> Option<Term> {
        if self.0 & 3 != 0 {
            Some(Term(self.0))
        } else {
            None
        }
    }
    #[inline]
    pub fn is_y(self) -> bool {
        self.0 & 3 == 0 && self.0 & REG_Y_FLAG != 0
    }
    #[inline]
    pub fn reg_index(self) -> usize {
        (self.0 >> 8) as usize
    }
}

impl std::fmt::Debug for Src {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.as_lit() {
            Some(t) => write!(f, "{t:?}"),
            None if self.is_y() => write!(f, "y{}", self.reg_index()),
            None => write!(f, "x{}", self.reg_index()),
        }
    }
}

/// A destination register.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Dst {
    X(u16),
    Y(u16),
}

impl Dst {
    pub fn as_src(self) -> Src {
        match self {
            Dst::X(i) => Src::x(i as u32),
            Dst::Y(i) => Src::y(i as u32),
        }
    }
}

/// Type tests (`is_integer`, ...).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum TypeTest {
    Integer,
    Float,
    Number,
    Atom,
    Pid,
    Reference,
    Port,
    Nil,
    Binary,
    Bitstring,
    List,
    NonemptyList,
    Tuple,
    Boolean,
    Map,
    Function,
}

impl TypeTest {
    /// Whether `t` passes the test.
    #[inline(always)]
    pub fn holds(self, t: Term) -> bool {
        match self {
            TypeTest::Integer => t.is_integer(),
            TypeTest::Float => t.is_float(),
            TypeTest::Number => t.is_number(),
            TypeTest::Atom => t.is_atom(),
            TypeTest::Pid => t.is_pid(),
            TypeTest::Reference => t.is_reference(),
            TypeTest::Port => t.is_port(),
            TypeTest::Nil => t.is_nil(),
            TypeTest::Binary => t.is_binary(),
            TypeTest::Bitstring => t.is_bitstring(),
            TypeTest::List => t.is_list() || t.is_nil(),
            TypeTest::NonemptyList => t.is_list(),
            TypeTest::Tuple => t.is_tuple(),
            TypeTest::Boolean => t.is_boolean(),
            TypeTest::Map => t.is_map(),
            TypeTest::Function => t.is_function(),
        }
    }
}

/// Comparison tests.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Lt,
    Ge,
    Eq,
    Ne,
    EqExact,
    NeExact,
}

/// Integer arithmetic with an inline fast path for small integers.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Band,
    Bor,
    Bxor,
    Bsr,
    Bsl,
    Div,
    Rem,
}

impl ArithOp {
    /// Every operator, in declaration order (`op as usize` indexes it).
    pub const ALL: [ArithOp; 10] = {
        use ArithOp::*;
        [Add, Sub, Mul, Band, Bor, Bxor, Bsr, Bsl, Div, Rem]
    };

    /// The operator named `name` in module `erlang`, if it is one.
    pub fn from_name(name: &str) -> Option<ArithOp> {
        Self::ALL.into_iter().find(|op| op.name() == name)
    }

    /// The operator's name in module `erlang`.
    pub fn name(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Band => "band",
            ArithOp::Bor => "bor",
            ArithOp::Bxor => "bxor",
            ArithOp::Bsr => "bsr",
            ArithOp::Bsl => "bsl",
            ArithOp::Div => "div",
            ArithOp::Rem => "rem",
        }
    }

    /// The BIF `erlang:OP/2` (the same function in every runtime instance).
    pub fn bif(self) -> BifFn {
        static BIFS: std::sync::OnceLock<[BifFn; 10]> = std::sync::OnceLock::new();
        let all = BIFS.get_or_init(|| {
            Self::ALL.map(|op| {
                crate::bif::lookup(crate::atom::ERLANG, crate::atom::atom(op.name()), 2)
                    .unwrap_or(crate::bif::undef_bif)
            })
        });
        all[self as usize]
    }

    /// This runtime's export entry of `erlang:OP/2` (for stack traces).
    pub fn export(self) -> &'static Export {
        crate::module::export(crate::atom::ERLANG, crate::atom::atom(self.name()), 2)
    }
}

/// Float arithmetic.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FloatOp {
    Add,
    Sub,
    Mul,
    Div,
}

/// A segment of `bs_create_bin`.
#[derive(Clone, Debug)]
pub struct BinSeg {
    pub kind: SegKind,
    /// Unit for the size.
    pub unit: u32,
    /// Flags: bit 0 aligned(ignored), bit 1 little, bit 2 signed, bit 3 native (= little here).
    pub flags: u32,
    pub src: Src,
    /// Size operand: a literal integer, the atom `all`, `undefined`, or a register.
    pub size: Src,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum SegKind {
    Integer,
    Float,
    Binary,
    Append,
    PrivateAppend,
    String,
    Utf8,
    Utf16,
    Utf32,
}

/// How an old-style binary construction (`Instr::BsBuild`) starts.
#[derive(Clone, Debug)]
pub enum OldInit {
    /// `bs_init2`: a binary of `size` bytes.
    Bytes(Src),
    /// `bs_init_bits`: a bitstring of `size` bits.
    Bits(Src),
    /// `bs_append` / `bs_private_append`: `bin` (whose size must be a multiple of `unit`)
    /// followed by `size` more bits.
    Append {
        bin: Src,
        size: Src,
        unit: u32,
        private: bool,
    },
}

/// An old-style binary construction: the start and the `bs_put_*` segments after it, each with
/// its own failure label (0: raise).
#[derive(Clone, Debug)]
pub struct OldBuild {
    pub fail: Lbl,
    pub init: OldInit,
    pub dst: Dst,
    pub segs: Box<[BinSeg]>,
    pub seg_fails: Box<[Lbl]>,
}

/// Bit-syntax flag bits (as in the compiler's flag encoding).
pub const BSF_LITTLE: u32 = 0x02;
pub const BSF_SIGNED: u32 = 0x04;
pub const BSF_NATIVE: u32 = 0x10;

/// The kind of a local call: `call` (pushes a return address), `call_last` (drops `n`
/// stack words) or `call_only`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum LocalCall {
    Call,
    Last(u16),
    Only,
}

/// What a specialised comparison does when it passes: go on, or (fused with the `return`
/// after it) return.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum OnPass {
    Next,
    Return,
}

/// The `ret` of an [`Instr::Arith2`] that is not fused with a `deallocate` + `return`.
pub const NO_RET: u16 = u16::MAX;

/// A BIF call with a failure label (`bif`, `gc_bif`): its operands live in a box of their own
/// so that the instruction stays one 32-byte slot.
#[derive(Clone, Debug)]
pub struct BifOp {
    pub export: &'static Export,
    pub fail: Lbl,
    pub args: [Src; 3],
    pub arity: u8,
    pub dst: Dst,
}

/// The `get_list` (with its `is_nonempty_list` test, when `fail` is not 0) and local call of
/// an [`Instr::GetListCall`].
#[derive(Clone, Debug)]
pub struct GetListCallOp {
    pub fail: Lbl,
    pub src: Src,
    pub head: Dst,
    pub tail: Dst,
    pub kind: LocalCall,
    pub arity: u16,
    pub target: Lbl,
    pub alloc: u16,
    pub ret: u16,
}

/// One instruction. `repr(u8)` keeps the discriminant a plain byte the dispatch indexes with;
/// with it the fields of a variant are laid out in their declared order after that byte, so
/// each variant lists its small fields (at most 7 bytes of them) before its word-sized ones,
/// and no variant has more than three words: an instruction is 32 bytes (see the test).
#[derive(Clone, Debug)]
#[repr(u8)]
pub enum Instr {
    /// Start of a function: raises `function_clause` when reached.
    FuncInfo {
        mfa: Mfa,
    },
    IntCodeEnd,

    // ----- calls
    Call {
        arity: u32,
        target: Lbl,
    },
    CallLast {
        arity: u32,
        target: Lbl,
        dealloc: u32,
    },
    CallOnly {
        arity: u32,
        target: Lbl,
    },
    CallExt {
        export: &'static Export,
    },
    CallExtLast {
        export: &'static Export,
        dealloc: u32,
    },
    CallExtOnly {
        export: &'static Export,
    },
    /// A BIF called as a function (`call_ext` to a BIF): arguments in X registers.
    CallBif {
        bif: BifFn,
        export: &'static Export,
    },
    CallBifLast {
        bif: BifFn,
        export: &'static Export,
        dealloc: u32,
    },
    CallBifOnly {
        bif: BifFn,
        export: &'static Export,
    },
    /// A guard or body BIF with operands (`bif0..2`, `gc_bif1..3`).
    Bif(Box<BifOp>),
    /// `erlang:'+'/2` and friends: inline on small integers, else the BIF.
    Arith2 {
        op: ArithOp,
        /// Unless [`NO_RET`]: the stack words a fused `deallocate` + `return` after it drops
        /// (the result is in `x0`). The BIF (for a slow path and errors) follows from `op`.
        ret: u16,
        dst: Dst,
        fail: Lbl,
        a: Src,
        b: Src,
    },
    Apply {
        arity: u32,
    },
    ApplyLast {
        arity: u32,
        dealloc: u32,
    },
    CallFun {
        arity: u32,
    },
    CallFun2 {
        arity: u32,
        fun: Src,
    },
    /// `call_fun` or `call_fun2` followed by `deallocate N` and `return` (OTP's
    /// `i_call_fun_last`): a tail call, the frame dropped before the fun is entered. `fun` is
    /// where the fun is (`x[arity]` for `call_fun`), read before the frame goes.
    CallFunLast {
        arity: u32,
        fun: Src,
        dealloc: u32,
    },
    MakeFun {
        dst: Dst,
        entry: &'static FunEntry,
        env: ThinSlice<Src>,
    },

    // ----- frames and heap
    Allocate {
        stack: u32,
        live: u32,
    },
    AllocateHeap {
        stack: u32,
        heap: u32,
        live: u32,
    },
    TestHeap {
        heap: u32,
        live: u32,
    },
    Deallocate {
        n: u32,
    },
    Return,
    Trim {
        n: u32,
    },
    InitYregs {
        regs: Box<[u32]>,
    },

    // ----- data movement
    Move {
        src: Src,
        dst: Dst,
    },
    Swap {
        a: Dst,
        b: Dst,
    },
    GetList {
        src: Src,
        head: Dst,
        tail: Dst,
    },
    GetHd {
        src: Src,
        dst: Dst,
    },
    GetTl {
        src: Src,
        dst: Dst,
    },
    GetTupleElement {
        src: Src,
        index: u32,
        dst: Dst,
    },
    SetTupleElement {
        val: Src,
        tuple: Src,
        index: u32,
    },
    PutList {
        head: Src,
        tail: Src,
        dst: Dst,
    },
    PutTuple2 {
        dst: Dst,
        elems: Box<[Src]>,
    },

    // ----- tests and branches
    Cmp {
        op: CmpOp,
        fail: Lbl,
        a: Src,
        b: Src,
    },
    Test {
        test: TypeTest,
        fail: Lbl,
        src: Src,
    },
    IsFunction2 {
        fail: Lbl,
        src: Src,
        arity: Src,
    },
    TestArity {
        fail: Lbl,
        src: Src,
        arity: u32,
    },
    IsTaggedTuple {
        arity: u32,
        fail: Lbl,
        src: Src,
        tag: Term,
    },
    /// `select_val` over immediates: sorted by raw word for binary search.
    SelectValImm {
        src: Src,
        fail: Lbl,
        table: ThinSlice<(u64, Lbl)>,
    },
    /// `select_val` over other literals (floats, bignums): linear exact comparison.
    SelectVal {
        src: Src,
        fail: Lbl,
        table: ThinSlice<(Term, Lbl)>,
    },
    SelectTupleArity {
        src: Src,
        fail: Lbl,
        table: ThinSlice<(u32, Lbl)>,
    },
    Jump {
        target: Lbl,
    },
    /// A function entry reached by a branch rather than a call (damaged code only): counts a
    /// reduction and yields there when they are used up, as a call would (OTP checks at every
    /// entry), so that such a loop stays preemptible and killable. `arity`: the function's.
    EntryYield {
        target: Lbl,
        arity: u32,
    },

    // ----- exceptions
    Catch {
        y: u32,
        handler: Lbl,
    },
    CatchEnd {
        y: u32,
    },
    Try {
        y: u32,
        handler: Lbl,
    },
    TryEnd {
        y: u32,
    },
    TryCase {
        y: u32,
    },
    TryCaseEnd {
        src: Src,
    },
    Badmatch {
        src: Src,
    },
    IfEnd,
    CaseEnd {
        src: Src,
    },
    Badrecord {
        src: Src,
    },
    Raise {
        trace: Src,
        value: Src,
    },
    BuildStacktrace,
    RawRaise,

    // ----- messages
    Send,
    RemoveMessage,
    Timeout,
    LoopRec {
        fail: Lbl,
        dst: Dst,
    },
    LoopRecEnd {
        target: Lbl,
    },
    Wait {
        target: Lbl,
    },
    WaitTimeout {
        target: Lbl,
        timeout: Src,
    },
    RecvMarkerReserve {
        dst: Dst,
    },
    RecvMarkerBind {
        marker: Src,
        reference: Src,
    },
    RecvMarkerClear {
        reference: Src,
    },
    RecvMarkerUse {
        reference: Src,
    },

    // ----- floats
    Fclearerror,
    Fcheckerror {
        fail: Lbl,
    },
    /// Load a float register from a term (a float literal or a register holding a float).
    FLoad {
        src: Src,
        dst: u32,
    },
    /// Store a float register into a term register (boxes a float).
    FStore {
        src: u32,
        dst: Dst,
    },
    FMove {
        src: u32,
        dst: u32,
    },
    Fconv {
        src: Src,
        dst: u32,
    },
    Farith {
        op: FloatOp,
        a: u32,
        b: u32,
        dst: u32,
        fail: Lbl,
    },
    Fnegate {
        src: u32,
        dst: u32,
        fail: Lbl,
    },

    // ----- maps
    PutMapAssoc {
        dst: Dst,
        fail: Lbl,
        src: Src,
        pairs: ThinSlice<(Src, Src)>,
    },
    PutMapExact {
        dst: Dst,
        fail: Lbl,
        src: Src,
        pairs: ThinSlice<(Src, Src)>,
    },
    HasMapFields {
        fail: Lbl,
        src: Src,
        keys: ThinSlice<Src>,
    },
    GetMapElements {
        fail: Lbl,
        src: Src,
        pairs: ThinSlice<(Src, Dst)>,
    },

    // ----- binary matching
    BsStartMatch {
        fail: Lbl,
        src: Src,
        dst: Dst,
    },
    BsGetPosition {
        ctx: Src,
        dst: Dst,
    },
    BsSetPosition {
        ctx: Src,
        pos: Src,
    },
    BsGetTail {
        ctx: Src,
        dst: Dst,
    },
    BsGetInteger {
        flags: u8,
        unit: u16,
        dst: Dst,
        fail: Lbl,
        ctx: Src,
        size: Src,
    },
    BsGetFloat {
        flags: u8,
        /// The unit, at most 255 (a larger one can only make a size of 0 bits, which no
        /// float segment has: it fails as 255 does).
        unit: u8,
        /// Live X registers, for a collection that makes room (machine code's); `u8::MAX`
        /// when more (machine code then leaves instead of collecting).
        live: u8,
        dst: Dst,
        fail: Lbl,
        ctx: Src,
        size: Src,
    },
    BsGetBinary {
        /// The unit, 1 to 255, or 0 for 256 ([`bin_unit`]).
        unit: u8,
        /// Live X registers, as for `BsGetFloat`.
        live: u8,
        dst: Dst,
        fail: Lbl,
        ctx: Src,
        size: Src,
    },
    BsSkipBits {
        unit: u32,
        fail: Lbl,
        ctx: Src,
        size: Src,
    },
    BsTestTail {
        fail: Lbl,
        ctx: Src,
        bits: u64,
    },
    BsTestUnit {
        fail: Lbl,
        ctx: Src,
        unit: u32,
    },
    BsMatchString {
        bits: u32,
        fail: Lbl,
        ctx: Src,
        data: ThinSlice<u8>,
    },
    BsGetUtf8 {
        fail: Lbl,
        ctx: Src,
        dst: Dst,
    },
    BsGetUtf16 {
        fail: Lbl,
        ctx: Src,
        flags: u32,
        dst: Dst,
    },
    BsGetUtf32 {
        fail: Lbl,
        ctx: Src,
        flags: u32,
        dst: Dst,
    },
    BsSkipUtf8 {
        fail: Lbl,
        ctx: Src,
    },
    BsSkipUtf16 {
        fail: Lbl,
        ctx: Src,
        flags: u32,
    },
    BsSkipUtf32 {
        fail: Lbl,
        ctx: Src,
        flags: u32,
    },
    /// `bs_start_match2`-era context-to-binary conversion (kept for `bs_context_to_binary`).
    BsContextToBinary {
        src: Dst,
    },

    // ----- binary construction
    BsCreateBin {
        unit: u16,
        dst: Dst,
        fail: Lbl,
        segs: ThinSlice<BinSeg>,
    },
    BsInitWritable,
    /// A binary built by the instructions of OTP 23/24 compilers: `bs_init2`, `bs_init_bits`,
    /// `bs_append` or `bs_private_append` and the `bs_put_*` instructions that follow it, fused
    /// by the loader into one step.
    BsBuild(Box<OldBuild>),
    /// `bs_add`: `dst = a + b * unit` for sizes (non-negative integers), else `badarg`.
    BsAdd {
        unit: u16,
        dst: Dst,
        fail: Lbl,
        a: Src,
        b: Src,
    },
    /// `bs_utf8_size` / `bs_utf16_size`: the bytes needed to encode a code point.
    BsUtfSize {
        fail: Lbl,
        src: Src,
        dst: Dst,
        utf16: bool,
    },

    // ----- misc
    OnLoad,
    /// A native function installed in place of an Erlang function's body (`crate::nif`):
    /// calls the NIF hook with `data` and the `export.mfa.arity` arguments in the X registers,
    /// then returns to the caller.
    CallNif {
        export: &'static Export,
        data: crate::nif::NifData,
    },
    /// The return point of a module's `on_load` function run by `crate::code`: finishes
    /// loading `module` with the function's result in `x0`.
    OnLoadFinish {
        module: Atom,
    },
    /// The entry of a call to a function of a module whose `on_load` function is still
    /// running: yields (arguments in the X registers) until the module is current, then calls
    /// `export` (or raises `undef` if the `on_load` failed).
    AwaitOnLoad {
        export: &'static Export,
    },
    /// Where a process's first function returns to: the process ends normally.
    NormalExit,
    /// The code of `erlang:hibernate/3` (reached by a trap with `{M, F, A}` in x0..x2): drops
    /// the call stack, compacts the heap and waits until a message is queued, then applies
    /// `M:F(A)` on the empty stack.
    Hibernate,
    /// Waits while the process is suspended on a busy port (`Process::port_suspended`), then
    /// goes on (to a retry of `erts_internal:port_command/3`, x0..x2 its arguments).
    AwaitPortResume,
    /// Not reachable code filler (never executed).
    Nop,

    // ----- fused instructions (the loader's peephole pass puts one in place of the first of
    // the instructions it combines and keeps the rest, so jumps to them still work)
    /// `deallocate N` + `return`.
    DeallocateReturn {
        n: u32,
    },
    /// `test_heap` + `put_list` (skips both).
    TestHeapPutList {
        live: u8,
        heap: u16,
        dst: Dst,
        head: Src,
        tail: Src,
    },
    /// Moves (in order) followed by a local call of `kind` (the call stays in place after
    /// the moves; this skips them all): setting up arguments and calling in one dispatch.
    MovesCall {
        arity: u16,
        /// Stack words a fused `allocate` before the moves pushes (0: none).
        alloc: u16,
        /// Stack words a `trim` between the moves and the call drops (0: none).
        trim: u16,
        target: Lbl,
        moves: ThinSlice<(Src, Dst)>,
        /// Instructions from this one to the one after the call (the return address).
        ret: u16,
        kind: LocalCall,
    },
    /// `get_list` followed by a local call of `kind` (skips both), with fields as in
    /// `MovesCall`; with a `fail` label, a fused `is_nonempty_list` test of `src` comes first.
    GetListCall(Box<GetListCallOp>),
    /// `move Src, x0` + `return`.
    MoveReturn {
        src: Src,
    },
    /// `test_heap` + `put_list` + `deallocate` + `return`: the end of a body-recursive list
    /// builder (`[H | f(T)]`).
    PutListReturn {
        live: u8,
        heap: u16,
        dst: Dst,
        head: Src,
        tail: Src,
        dealloc: u32,
    },
    /// `is_lt` specialised (the operator is known; two small integers compare inline).
    CmpLt {
        then: OnPass,
        fail: Lbl,
        a: Src,
        b: Src,
    },
    /// `is_ge` specialised.
    CmpGe {
        then: OnPass,
        fail: Lbl,
        a: Src,
        b: Src,
    },
    /// `is_eq_exact` against an immediate literal: a word comparison.
    EqImm {
        fail: Lbl,
        a: Src,
        imm: Term,
    },
    /// `is_ne_exact` against an immediate literal.
    NeImm {
        fail: Lbl,
        a: Src,
        imm: Term,
    },
    /// `+` with a small-integer literal operand (`erlang:'+'/2` on the slow path).
    AddImm {
        dst: Dst,
        fail: Lbl,
        a: Src,
        imm: Term,
    },
    /// `-` with a small-integer literal second operand.
    SubImm {
        dst: Dst,
        fail: Lbl,
        a: Src,
        imm: Term,
    },
    /// `is_nonempty_list` + `get_list` of the same source (skips both).
    IsNonemptyGetList {
        fail: Lbl,
        src: Src,
        head: Dst,
        tail: Dst,
    },
    /// `get_tuple_element` twice from the same tuple (skips both; the first's
    /// destination is not the tuple's register).
    GetTupleElement2 {
        src: Src,
        index: u32,
        dst: Dst,
        index2: u32,
        dst2: Dst,
    },
    /// `is_tuple` + `test_arity` of the same source and failure label (skips both).
    IsTupleOfArity {
        fail: Lbl,
        src: Src,
        arity: u32,
    },
    /// `move` specialised by operand kind.
    MoveXX {
        src: u32,
        dst: u32,
    },
    MoveXY {
        src: u32,
        dst: u32,
    },
    MoveYX {
        src: u32,
        dst: u32,
    },
    MoveYY {
        src: u32,
        dst: u32,
    },
    MoveLitX {
        lit: Term,
        dst: u32,
    },
    /// A run of consecutive `move`s done in order (skips them all).
    Moves {
        moves: Box<[(Src, Dst)]>,
    },
    /// The entry of a function whose body is a BIF (the code of a BIF export).
    BifTrampoline {
        bif: BifFn,
        export: &'static Export,
    },
    /// Placeholder referring to an atom (unused at run time).
    Comment(Atom),
    /// Where machine code can take over (`crate::jit`): at each function entry and after
    /// each call. Interpreted, it counts towards compiling the module, then runs its machine
    /// code from `slot`; otherwise it does nothing.
    JitEnter {
        jit: &'static crate::jit::JitModule,
        slot: u32,
    },
}

impl Instr {
    /// Visits every label field (for resolving label numbers to addresses).
    pub fn for_each_label(&mut self, mut f: impl FnMut(&mut Lbl)) {
        use Instr::*;
        match self {
            Call { target, .. }
            | CallLast { target, .. }
            | CallOnly { target, .. }
            | MovesCall { target, .. } => f(target),
            GetListCall(op) => {
                f(&mut op.target);
                f(&mut op.fail);
            }
            Bif(op) => f(&mut op.fail),
            Arith2 { fail, .. } | AddImm { fail, .. } | SubImm { fail, .. } => f(fail),
            CmpLt { fail, .. } | CmpGe { fail, .. } | EqImm { fail, .. } | NeImm { fail, .. } => {
                f(fail)
            }
            Cmp { fail, .. }
            | Test { fail, .. }
            | IsFunction2 { fail, .. }
            | TestArity { fail, .. }
            | IsTupleOfArity { fail, .. }
            | IsTaggedTuple { fail, .. } => f(fail),
            SelectValImm { fail, table, .. } => {
                f(fail);
                table.iter_mut().for_each(|(_, l)| f(l));
            }
            SelectVal { fail, table, .. } => {
                f(fail);
                table.iter_mut().for_each(|(_, l)| f(l));
            }
            SelectTupleArity { fail, table, .. } => {
                f(fail);
                table.iter_mut().for_each(|(_, l)| f(l));
            }
            Jump { target } | EntryYield { target, .. } => f(target),
            IsNonemptyGetList { fail, .. } => f(fail),
            Catch { handler, .. } | Try { handler, .. } => f(handler),
            LoopRec { fail, .. } => f(fail),
            LoopRecEnd { target } | Wait { target } | WaitTimeout { target, .. } => f(target),
            Fcheckerror { fail } | Farith { fail, .. } | Fnegate { fail, .. } => f(fail),
            PutMapAssoc { fail, .. }
            | PutMapExact { fail, .. }
            | HasMapFields { fail, .. }
            | GetMapElements { fail, .. } => f(fail),
            BsStartMatch { fail, .. }
            | BsGetInteger { fail, .. }
            | BsGetFloat { fail, .. }
            | BsGetBinary { fail, .. }
            | BsSkipBits { fail, .. }
            | BsTestTail { fail, .. }
            | BsTestUnit { fail, .. }
            | BsMatchString { fail, .. }
            | BsGetUtf8 { fail, .. }
            | BsGetUtf16 { fail, .. }
            | BsGetUtf32 { fail, .. }
            | BsSkipUtf8 { fail, .. }
            | BsSkipUtf16 { fail, .. }
            | BsSkipUtf32 { fail, .. }
            | BsCreateBin { fail, .. }
            | BsAdd { fail, .. }
            | BsUtfSize { fail, .. } => f(fail),
            BsBuild(b) => {
                f(&mut b.fail);
                for l in b.seg_fails.iter_mut() {
                    f(l);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn arith_ops_are_listed_in_order_by_name() {
        use super::ArithOp;
        for (i, op) in ArithOp::ALL.into_iter().enumerate() {
            assert_eq!(op as usize, i);
            assert_eq!(ArithOp::from_name(op.name()), Some(op));
        }
        assert_eq!(ArithOp::from_name("/"), None);
    }

    #[test]
    fn instruction_size_is_bounded() {
        // Keep instructions small: the dispatch loop touches one per step.
        assert!(
            std::mem::size_of::<super::Instr>() <= 32,
            "{}",
            std::mem::size_of::<super::Instr>()
        );
    }
}
