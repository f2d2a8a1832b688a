//! Second loader stage (OTP's `beam_load.c` transformations): generic operations of a parsed
//! [`BeamFile`] become the interpreter's [`Instr`]uctions, with labels resolved to code
//! addresses, imports to export entries or BIFs, and literals to term words. The result is a
//! [`Module`] ready to install.

use super::beam_file::CodeReader;
use super::compact::OperandCtx;
use super::{genop, BeamFile, GenOp, LoadError, Operand};
use crate::atom::Atom;

use crate::emu::instr::*;
use crate::module::{self, FunEntry, Location, Mfa, Module};
use crate::term::Term;

/// Generic opcode numbers used here (OTP 25's `genop.tab`).
mod op {
    pub const LABEL: u8 = 1;
    pub const FUNC_INFO: u8 = 2;
    pub const INT_CODE_END: u8 = 3;
    pub const CALL: u8 = 4;
    pub const CALL_LAST: u8 = 5;
    pub const CALL_ONLY: u8 = 6;
    pub const CALL_EXT: u8 = 7;
    pub const CALL_EXT_LAST: u8 = 8;
    pub const BIF0: u8 = 9;
    pub const BIF1: u8 = 10;
    pub const BIF2: u8 = 11;
    pub const ALLOCATE: u8 = 12;
    pub const ALLOCATE_HEAP: u8 = 13;
    pub const ALLOCATE_ZERO: u8 = 14;
    pub const ALLOCATE_HEAP_ZERO: u8 = 15;
    pub const TEST_HEAP: u8 = 16;
    pub const INIT: u8 = 17;
    pub const DEALLOCATE: u8 = 18;
    pub const RETURN: u8 = 19;
    pub const SEND: u8 = 20;
    pub const REMOVE_MESSAGE: u8 = 21;
    pub const TIMEOUT: u8 = 22;
    pub const LOOP_REC: u8 = 23;
    pub const LOOP_REC_END: u8 = 24;
    pub const WAIT: u8 = 25;
    pub const WAIT_TIMEOUT: u8 = 26;
    pub const IS_LT: u8 = 39;
    pub const IS_GE: u8 = 40;
    pub const IS_EQ: u8 = 41;
    pub const IS_NE: u8 = 42;
    pub const IS_EQ_EXACT: u8 = 43;
    pub const IS_NE_EXACT: u8 = 44;
    pub const IS_INTEGER: u8 = 45;
    pub const IS_FLOAT: u8 = 46;
    pub const IS_NUMBER: u8 = 47;
    pub const IS_ATOM: u8 = 48;
    pub const IS_PID: u8 = 49;
    pub const IS_REFERENCE: u8 = 50;
    pub const IS_PORT: u8 = 51;
    pub const IS_NIL: u8 = 52;
    pub const IS_BINARY: u8 = 53;
    pub const IS_LIST: u8 = 55;
    pub const IS_NONEMPTY_LIST: u8 = 56;
    pub const IS_TUPLE: u8 = 57;
    pub const TEST_ARITY: u8 = 58;
    pub const SELECT_VAL: u8 = 59;
    pub const SELECT_TUPLE_ARITY: u8 = 60;
    pub const JUMP: u8 = 61;
    pub const CATCH: u8 = 62;
    pub const CATCH_END: u8 = 63;
    pub const MOVE: u8 = 64;
    pub const GET_LIST: u8 = 65;
    pub const GET_TUPLE_ELEMENT: u8 = 66;
    pub const SET_TUPLE_ELEMENT: u8 = 67;
    pub const PUT_LIST: u8 = 69;
    pub const BADMATCH: u8 = 72;
    pub const IF_END: u8 = 73;
    pub const CASE_END: u8 = 74;
    pub const CALL_FUN: u8 = 75;
    pub const IS_FUNCTION: u8 = 77;
    pub const CALL_EXT_ONLY: u8 = 78;
    pub const FCLEARERROR: u8 = 94;
    pub const FCHECKERROR: u8 = 95;
    pub const FMOVE: u8 = 96;
    pub const FCONV: u8 = 97;
    pub const FADD: u8 = 98;
    pub const FSUB: u8 = 99;
    pub const FMUL: u8 = 100;
    pub const FDIV: u8 = 101;
    pub const FNEGATE: u8 = 102;
    pub const MAKE_FUN2: u8 = 103;
    pub const TRY: u8 = 104;
    pub const TRY_END: u8 = 105;
    pub const TRY_CASE: u8 = 106;
    pub const TRY_CASE_END: u8 = 107;
    pub const RAISE: u8 = 108;
    pub const APPLY: u8 = 112;
    pub const APPLY_LAST: u8 = 113;
    pub const IS_BOOLEAN: u8 = 114;
    pub const IS_FUNCTION2: u8 = 115;
    pub const BS_GET_INTEGER2: u8 = 117;
    pub const BS_GET_FLOAT2: u8 = 118;
    pub const BS_GET_BINARY2: u8 = 119;
    pub const BS_SKIP_BITS2: u8 = 120;
    pub const BS_TEST_TAIL2: u8 = 121;
    pub const GC_BIF1: u8 = 124;
    pub const GC_BIF2: u8 = 125;
    pub const IS_BITSTR: u8 = 129;
    pub const BS_CONTEXT_TO_BINARY: u8 = 130;
    pub const BS_PUT_INTEGER: u8 = 89;
    pub const BS_PUT_BINARY: u8 = 90;
    pub const BS_PUT_FLOAT: u8 = 91;
    pub const BS_PUT_STRING: u8 = 92;
    pub const BS_INIT2: u8 = 109;
    pub const BS_ADD: u8 = 111;
    pub const BS_APPEND: u8 = 134;
    pub const BS_PRIVATE_APPEND: u8 = 135;
    pub const BS_INIT_BITS: u8 = 137;
    pub const BS_UTF8_SIZE: u8 = 144;
    pub const BS_PUT_UTF8: u8 = 145;
    pub const BS_UTF16_SIZE: u8 = 146;
    pub const BS_PUT_UTF16: u8 = 147;
    pub const BS_PUT_UTF32: u8 = 148;
    pub const BS_TEST_UNIT: u8 = 131;
    pub const BS_MATCH_STRING: u8 = 132;
    pub const BS_INIT_WRITABLE: u8 = 133;
    pub const TRIM: u8 = 136;
    pub const BS_GET_UTF8: u8 = 138;
    pub const BS_SKIP_UTF8: u8 = 139;
    pub const BS_GET_UTF16: u8 = 140;
    pub const BS_SKIP_UTF16: u8 = 141;
    pub const BS_GET_UTF32: u8 = 142;
    pub const BS_SKIP_UTF32: u8 = 143;
    pub const ON_LOAD: u8 = 149;
    pub const RECV_MARK: u8 = 150;
    pub const RECV_SET: u8 = 151;
    pub const GC_BIF3: u8 = 152;
    pub const LINE: u8 = 153;
    pub const PUT_MAP_ASSOC: u8 = 154;
    pub const PUT_MAP_EXACT: u8 = 155;
    pub const IS_MAP: u8 = 156;
    pub const HAS_MAP_FIELDS: u8 = 157;
    pub const GET_MAP_ELEMENTS: u8 = 158;
    pub const IS_TAGGED_TUPLE: u8 = 159;
    pub const BUILD_STACKTRACE: u8 = 160;
    pub const RAW_RAISE: u8 = 161;
    pub const GET_HD: u8 = 162;
    pub const GET_TL: u8 = 163;
    pub const PUT_TUPLE2: u8 = 164;
    pub const BS_GET_TAIL: u8 = 165;
    pub const BS_START_MATCH3: u8 = 166;
    pub const BS_GET_POSITION: u8 = 167;
    pub const BS_SET_POSITION: u8 = 168;
    pub const SWAP: u8 = 169;
    pub const BS_START_MATCH4: u8 = 170;
    pub const MAKE_FUN3: u8 = 171;
    pub const INIT_YREGS: u8 = 172;
    pub const RECV_MARKER_BIND: u8 = 173;
    pub const RECV_MARKER_CLEAR: u8 = 174;
    pub const RECV_MARKER_RESERVE: u8 = 175;
    pub const RECV_MARKER_USE: u8 = 176;
    pub const BS_CREATE_BIN: u8 = 177;
    pub const CALL_FUN2: u8 = 178;
    pub const NIF_START: u8 = 179;
    pub const BADRECORD: u8 = 180;
}

/// Whether the loader translates generic opcode `op` (used by the coverage report).
pub fn is_supported(op: u8) -> bool {
    use op::*;
    matches!(
        op,
        LABEL
            | LINE
            | FUNC_INFO
            | INT_CODE_END
            | CALL
            | CALL_LAST
            | CALL_ONLY
            | CALL_EXT
            | CALL_EXT_LAST
            | CALL_EXT_ONLY
            | BIF0
            | BIF1
            | BIF2
            | GC_BIF1
            | GC_BIF2
            | GC_BIF3
            | ALLOCATE
            | ALLOCATE_ZERO
            | ALLOCATE_HEAP
            | ALLOCATE_HEAP_ZERO
            | TEST_HEAP
            | INIT
            | INIT_YREGS
            | DEALLOCATE
            | RETURN
            | TRIM
            | SEND
            | REMOVE_MESSAGE
            | TIMEOUT
            | LOOP_REC
            | LOOP_REC_END
            | WAIT
            | WAIT_TIMEOUT
            | RECV_MARK
            | RECV_SET
            | BS_PUT_INTEGER
            | BS_PUT_BINARY
            | BS_PUT_FLOAT
            | BS_PUT_STRING
            | BS_INIT2
            | BS_ADD
            | BS_APPEND
            | BS_PRIVATE_APPEND
            | BS_INIT_BITS
            | BS_UTF8_SIZE
            | BS_PUT_UTF8
            | BS_UTF16_SIZE
            | BS_PUT_UTF16
            | BS_PUT_UTF32
            | RECV_MARKER_RESERVE
            | RECV_MARKER_BIND
            | RECV_MARKER_CLEAR
            | RECV_MARKER_USE
            | IS_LT
            | IS_GE
            | IS_EQ
            | IS_NE
            | IS_EQ_EXACT
            | IS_NE_EXACT
            | IS_INTEGER
            | IS_FLOAT
            | IS_NUMBER
            | IS_ATOM
            | IS_PID
            | IS_REFERENCE
            | IS_PORT
            | IS_NIL
            | IS_BINARY
            | IS_LIST
            | IS_NONEMPTY_LIST
            | IS_TUPLE
            | IS_BOOLEAN
            | IS_FUNCTION
            | IS_BITSTR
            | IS_MAP
            | IS_FUNCTION2
            | TEST_ARITY
            | IS_TAGGED_TUPLE
            | SELECT_VAL
            | SELECT_TUPLE_ARITY
            | JUMP
            | CATCH
            | TRY
            | CATCH_END
            | TRY_END
            | TRY_CASE
            | TRY_CASE_END
            | RAISE
            | BUILD_STACKTRACE
            | RAW_RAISE
            | MOVE
            | SWAP
            | GET_LIST
            | GET_HD
            | GET_TL
            | GET_TUPLE_ELEMENT
            | SET_TUPLE_ELEMENT
            | PUT_LIST
            | PUT_TUPLE2
            | BADMATCH
            | IF_END
            | CASE_END
            | BADRECORD
            | CALL_FUN
            | CALL_FUN2
            | MAKE_FUN2
            | MAKE_FUN3
            | APPLY
            | APPLY_LAST
            | FCLEARERROR
            | FCHECKERROR
            | FMOVE
            | FCONV
            | FADD
            | FSUB
            | FMUL
            | FDIV
            | FNEGATE
            | PUT_MAP_ASSOC
            | PUT_MAP_EXACT
            | HAS_MAP_FIELDS
            | GET_MAP_ELEMENTS
            | BS_START_MATCH3
            | BS_START_MATCH4
            | BS_GET_POSITION
            | BS_SET_POSITION
            | BS_GET_TAIL
            | BS_GET_INTEGER2
            | BS_GET_FLOAT2
            | BS_GET_BINARY2
            | BS_SKIP_BITS2
            | BS_TEST_TAIL2
            | BS_TEST_UNIT
            | BS_MATCH_STRING
            | BS_GET_UTF8
            | BS_GET_UTF16
            | BS_GET_UTF32
            | BS_SKIP_UTF8
            | BS_SKIP_UTF16
            | BS_SKIP_UTF32
            | BS_CONTEXT_TO_BINARY
            | BS_INIT_WRITABLE
            | BS_CREATE_BIN
            | ON_LOAD
            | NIF_START
    )
}

struct Ctx<'a> {
    file: &'a mut BeamFile,
    module_name: String,
    code: Vec<Instr>,
    label_pos: Vec<usize>,
    functions: Vec<(usize, Atom, u32)>,
    lines: Vec<(u32, Location)>,
    /// Name of the generic operation being translated (for errors).
    op_name: &'static str,
    lambda_entries: Vec<&'static FunEntry>,
    /// An old-style binary construction (`bs_init2`, `bs_append`, ...) whose `bs_put_*`
    /// instructions are being collected; emitted as one `Instr::BsBuild` at the next
    /// instruction that is not a `bs_put_*` (or `line`).
    pending_build: Option<OldBuild>,
    /// After `recv_set`: 1 until a `label` follows, 2 until a `loop_rec` follows (any other
    /// instruction there: no specific operation, as OTP's table).
    after_recv_set: u8,
    /// The `line` instructions naming an item of the line table so far.
    lines_seen: u32,
    /// Where the code stands in OTP's search for function starts.
    boundary: Boundary,
}

/// OTP's code reader finds a function's start by looking ahead after a `label`: the next
/// instruction, and after a `line` one more; `func_info` found there starts a function and
/// must be followed by its entry `label`. A `func_info` anywhere else has no specific
/// instruction to become (OTP: "no specific operation found"), nor may the code end where
/// the reader looks ahead. This follows the reader's steps so that the same modules load.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Boundary {
    /// No look-ahead under way.
    Outside,
    /// After a `label` (the next instruction is looked at).
    Label,
    /// After `label` and `line` (one more instruction is looked at).
    LabelLine,
    /// After `label [line] func_info`: the entry label must come next.
    FuncInfo,
}

fn name_of(op: u8) -> &'static str {
    genop::info(op).map(|i| i.name).unwrap_or("?")
}

impl Ctx<'_> {
    fn bad(&self, detail: impl Into<String>) -> LoadError {
        LoadError::BadInstruction {
            module: self.module_name.clone(),
            name: self.op_name,
            detail: detail.into(),
        }
    }

    fn arg<'b>(&self, g: &'b GenOp, i: usize) -> Result<&'b Operand, LoadError> {
        g.args
            .get(i)
            .ok_or_else(|| self.bad(format!("missing operand {i}")))
    }

    /// An operand tagged `u` (OTP's loader refuses an integer-tagged `i` one there).
    fn untagged(&self, g: &GenOp, i: usize) -> Result<u32, LoadError> {
        match self.arg(g, i)? {
            Operand::Untagged(v) if *v <= u32::MAX as u64 => Ok(*v as u32),
            // OTP's reader makes a list the unsigned number of its elements (which follow
            // as operands the instruction does not look at): as the last operand, a list
            // is an unsigned operand there.
            Operand::List(items) if i + 1 == g.args.len() => Ok(items.len() as u32),
            o => Err(self.bad(format!("expected an unsigned operand, got {o:?}"))),
        }
    }

    /// A tuple element's position: an unsigned operand of any size, as OTP's loader takes it
    /// (what its code then reads is undefined); one past 32 bits is past every tuple here.
    fn position(&self, g: &GenOp, i: usize) -> Result<u32, LoadError> {
        match self.arg(g, i)? {
            Operand::Untagged(v) => Ok((*v).min(u32::MAX as u64) as u32),
            _ => self.untagged(g, i),
        }
    }

    /// An unsigned operand that must fit the narrower field `T` of the instruction it goes
    /// into (a unit, a set of flags): a larger one is a load error naming the instruction.
    fn untagged_as<T: TryFrom<u32>>(&self, g: &GenOp, i: usize) -> Result<T, LoadError> {
        let v = self.untagged(g, i)?;
        T::try_from(v).map_err(|_| self.bad(format!("operand {i} out of range: {v}")))
    }

    fn label(&self, g: &GenOp, i: usize) -> Result<Lbl, LoadError> {
        match self.arg(g, i)? {
            Operand::Label(0) if NEEDS_A_LABEL.contains(&self.op_name) => {
                Err(self.bad("label 0 where a label is required"))
            }
            Operand::Label(l) => self.check_label(*l),
            o => Err(self.bad(format!("expected a label, got {o:?}"))),
        }
    }

    /// The fail operand of `bif1`/`bif2` calling `export`. A label as usual; anything else
    /// (damaged code) loads only where OTP's loader drops the operand unread: for a BIF that
    /// never fails (its `never_fails` list, matched on the name alone: the comparisons but
    /// `<`, the `is_` type tests, `is_function/1`), and for `get/1` of a source into a
    /// register. Elsewhere OTP wants a label there, and so does this loader.
    fn bif_fail(&self, g: &GenOp, export: &module::Export) -> Result<Lbl, LoadError> {
        let fail = self.arg(g, 0)?;
        if matches!(fail, Operand::Label(_)) {
            return self.label(g, 0);
        }
        let mfa = &export.mfa;
        let erlang = mfa.module == crate::atom::ERLANG;
        let name = mfa.function.name();
        let never_fails = erlang
            && (matches!(
                name,
                "=/="
                    | "=<"
                    | "/="
                    | "=:="
                    | "=="
                    | ">"
                    | ">="
                    | "is_atom"
                    | "is_boolean"
                    | "is_binary"
                    | "is_bitstring"
                    | "is_float"
                    | "is_integer"
                    | "is_list"
                    | "is_map"
                    | "is_number"
                    | "is_pid"
                    | "is_port"
                    | "is_reference"
                    | "is_tuple"
            ) || (name == "is_function" && mfa.arity == 1));
        let get_into_register = erlang
            && name == "get"
            && mfa.arity == 1
            && g.op == op::BIF1
            && !matches!(self.arg(g, 2)?, Operand::Label(_) | Operand::Untagged(_))
            && matches!(self.arg(g, 3)?, Operand::X(_) | Operand::Y(_));
        if never_fails || get_into_register {
            Ok(0)
        } else {
            Err(self.bad(format!("expected a fail label, got {fail:?}")))
        }
    }

    /// For `put_map_assoc` of `pairs` into `src`: when `src` is the literal empty map and
    /// every key a literal, a literal flatmap of those keys (in order, each once) with `[]`
    /// values, which the pairs then update.
    fn map_template(&mut self, src: Src, pairs: &[(Src, Src)]) -> Option<Src> {
        let empty = src.as_lit()?;
        if !empty.is_map() || crate::map::size(empty) != 0 {
            return None;
        }
        let mut keys = pairs
            .iter()
            .map(|(k, _)| k.as_lit())
            .collect::<Option<Vec<Term>>>()?;
        keys.sort_by(|a, b| crate::term::compare::compare(*a, *b, true));
        keys.dedup_by(|a, b| crate::term::compare::compare(*a, *b, true).is_eq());
        if keys.len() > crate::map::SMALL_MAP_LIMIT {
            return None;
        }
        Some(Src::lit(crate::map::flat_template(
            &mut self.file.literal_heap,
            &keys,
        )))
    }

    /// OTP's loader sorts the `keys` of a map instruction with more (or fewer) than one pair
    /// when loading, which only literal keys allow: one in a register (or an untagged
    /// number) is taken only as the single key of its instruction.
    fn check_map_keys_sortable<'o>(
        &self,
        mut keys: impl ExactSizeIterator<Item = &'o Operand>,
    ) -> Result<(), LoadError> {
        if keys.len() != 1 && !keys.all(Operand::is_constant) {
            return Err(self.bad("no specific operation found"));
        }
        Ok(())
    }

    fn check_label(&self, l: u32) -> Result<Lbl, LoadError> {
        if (l as usize) < self.label_pos.len() {
            Ok(l as usize)
        } else {
            Err(self.bad(format!("label {l} out of range")))
        }
    }

    fn src_of(&mut self, o: &Operand) -> Result<Src, LoadError> {
        Ok(match o {
            Operand::X(i) => Src::x(self.xreg(*i)?),
            Operand::Y(i) => Src::y(*i),
            Operand::Atom(a) => Src::lit(Term::atom(*a)),
            Operand::Nil => Src::lit(Term::NIL),
            Operand::Int(v) => Src::lit(crate::bignum::from_i64(&mut self.file.literal_heap, *v)),
            Operand::BigInt(t) | Operand::Literal(t) => Src::lit(*t),
            o => return Err(self.bad(format!("bad source operand {o:?}"))),
        })
    }

    /// A key or value of `put_map_assoc`/`put_map_exact`'s list. OTP's loader passes an
    /// untagged number in a list through as a raw machine word (what a map then holds is
    /// undefined there); a damaged module with one loads here too, the number as an integer.
    fn map_item_src(&mut self, o: &Operand) -> Result<Src, LoadError> {
        match o {
            Operand::Untagged(v) => match i64::try_from(*v) {
                Ok(v) => Ok(Src::lit(crate::bignum::from_i64(
                    &mut self.file.literal_heap,
                    v,
                ))),
                Err(_) => Err(self.bad(format!("bad map list operand {o:?}"))),
            },
            o => self.src_of(o),
        }
    }

    fn xreg(&self, i: u32) -> Result<u32, LoadError> {
        if (i as usize) < crate::process::MAX_REG {
            Ok(i)
        } else {
            Err(self.bad(format!("x register {i} out of range")))
        }
    }

    /// The source of `get_list`, `get_hd` and `get_tl`: a register (OTP's `S`).
    fn list_src(&mut self, g: &GenOp, i: usize) -> Result<Src, LoadError> {
        if !matches!(self.arg(g, i)?, Operand::X(_) | Operand::Y(_)) {
            return Err(self.bad("the list is not in a register"));
        }
        self.src(g, i)
    }

    fn src(&mut self, g: &GenOp, i: usize) -> Result<Src, LoadError> {
        let o = self.arg(g, i)?.clone();
        self.src_of(&o)
    }

    /// A source that must be a register (OTP's operand type `S`): a match context.
    fn reg_src(&mut self, g: &GenOp, i: usize) -> Result<Src, LoadError> {
        if !matches!(self.arg(g, i)?, Operand::X(_) | Operand::Y(_)) {
            return Err(self.bad(format!("operand {i} is not a register")));
        }
        self.src(g, i)
    }

    /// Whether operand `i`, where a list goes, is a bare untagged number: OTP's code reader
    /// then sees the number as the list's length with no elements (`put_tuple2 S A *`,
    /// `make_fun3 ... NumFree=u Env=*`) and loads code whose effect is undefined.
    fn untagged_for_list(&self, g: &GenOp, i: usize) -> bool {
        matches!(self.arg(g, i), Ok(Operand::Untagged(_)))
    }

    fn dst_of(&self, o: &Operand) -> Result<Dst, LoadError> {
        match o {
            Operand::X(i) => Ok(Dst::X(self.xreg(*i)? as u16)),
            Operand::Y(i) if *i < 65536 => Ok(Dst::Y(*i as u16)),
            o => Err(self.bad(format!("bad destination operand {o:?}"))),
        }
    }

    fn dst(&self, g: &GenOp, i: usize) -> Result<Dst, LoadError> {
        self.dst_of(self.arg(g, i)?)
    }

    fn list<'b>(&self, g: &'b GenOp, i: usize) -> Result<&'b [Operand], LoadError> {
        match self.arg(g, i)? {
            Operand::List(v) => Ok(v.as_slice()),
            o => Err(self.bad(format!("expected a list, got {o:?}"))),
        }
    }

    fn freg(&self, o: &Operand) -> Result<u32, LoadError> {
        match o {
            Operand::FloatReg(i) if (*i as usize) < crate::process::MAX_FREG => Ok(*i),
            o => Err(self.bad(format!("expected a float register, got {o:?}"))),
        }
    }

    fn import(&self, idx: u32) -> Result<super::Import, LoadError> {
        self.file
            .imports
            .get(idx as usize)
            .copied()
            .ok_or_else(|| self.bad(format!("import {idx} out of range")))
    }

    fn emit(&mut self, i: Instr) {
        self.code.push(i);
    }

    /// The BIF behind an import; an import of an `erlang` BIF this runtime lacks gets a
    /// function that raises `undef` when called. An import of another module's function that
    /// is no BIF is refused, as OTP refuses any import that is not a BIF.
    fn bif_for(&self, import: u32) -> Result<&'static module::Export, LoadError> {
        let imp = self.import(import)?;
        // A BIF of OTP's (which this runtime may lack: calling it then raises `undef`) or
        // one registered here; any other function is refused, as OTP's loader does.
        if !crate::bif::is_otp_bif(imp.module, imp.function, imp.arity)
            && module::find_export(imp.module, imp.function, imp.arity)
                .is_none_or(|e| e.bif.is_none())
        {
            return Err(self.bad(format!("import {import} is not a BIF")));
        }
        Ok(module::export(imp.module, imp.function, imp.arity))
    }

    /// Follows OTP's look-ahead for function starts over instruction `op` (see [`Boundary`]).
    fn step_boundary(&mut self, op: u8) -> Result<(), LoadError> {
        use op::*;
        let b = self.boundary;
        self.boundary = match (op, b) {
            (LABEL, Boundary::Outside) => Boundary::Label,
            // A label looked at after another is not looked ahead from itself.
            (LABEL, _) => Boundary::Outside,
            (LINE, Boundary::Label) => Boundary::LabelLine,
            (FUNC_INFO, Boundary::Label | Boundary::LabelLine) => Boundary::FuncInfo,
            (FUNC_INFO, _) => return Err(self.bad("no specific operation found")),
            (_, Boundary::FuncInfo) => return Err(self.bad("func_info without its entry label")),
            (INT_CODE_END, Boundary::Label | Boundary::LabelLine) => {
                return Err(self.bad("the code ends right after a label"))
            }
            _ => Boundary::Outside,
        };
        Ok(())
    }

    fn translate(&mut self, g: &GenOp) -> Result<(), LoadError> {
        use op::*;
        self.op_name = name_of(g.op);
        self.step_boundary(g.op)?;
        match (self.after_recv_set, g.op) {
            (0, _) => {}
            (1, LABEL) => self.after_recv_set = 2,
            (2, LOOP_REC) => self.after_recv_set = 0,
            _ => return Err(self.bad("no specific operation found")),
        }
        if let Some(info) = genop::info(g.op) {
            if info.obsolete {
                return Err(LoadError::ObsoleteOpcode {
                    module: self.module_name.clone(),
                    name: info.name,
                });
            }
            if g.args.len() != info.arity as usize {
                return Err(self.bad(format!(
                    "expected {} operands, got {}",
                    info.arity,
                    g.args.len()
                )));
            }
        }
        // An overflow operand (a value past a signed word under a tag other than `i`): OTP's
        // reader takes it, and its loader then refuses it where it reads the operand; the
        // JIT drops gc_bifN's Live unread (but for `length/1`, checked below).
        if let Some(pos) = g.args.iter().position(has_overflow) {
            if !(matches!(g.op, GC_BIF1 | GC_BIF2 | GC_BIF3) && pos == 1) {
                return Err(self.bad("an operand's value is past a signed word"));
            }
        }
        if !matches!(
            g.op,
            LINE | BS_PUT_INTEGER
                | BS_PUT_BINARY
                | BS_PUT_FLOAT
                | BS_PUT_STRING
                | BS_PUT_UTF8
                | BS_PUT_UTF16
                | BS_PUT_UTF32
        ) {
            self.flush_build();
        }
        match g.op {
            LABEL => {
                let l = self.untagged(g, 0)? as usize;
                // OTP: "invalid label num" from the header's count on.
                if l >= self.label_pos.len() || l >= self.file.label_count as usize {
                    return Err(self.bad(format!("label {l} out of range")));
                }
                if self.label_pos[l] != usize::MAX {
                    return Err(self.bad(format!("label {l} defined more than once")));
                }
                self.label_pos[l] = self.code.len();
            }
            LINE => {
                // OTP wants a `u` operand naming an item of the line table, when there is one.
                let idx = match self.arg(g, 0)? {
                    Operand::Untagged(v) => *v as usize,
                    // `[]` (the atom tag's 0) is item 0 to OTP's loader.
                    Operand::Nil => 0,
                    // OTP's reader makes a list the number of its elements (7/953476).
                    Operand::List(items) => items.len(),
                    o => return Err(self.bad(format!("expected an unsigned operand, got {o:?}"))),
                };
                if self.file.has_line_table {
                    if idx >= self.file.line_items.len() {
                        return Err(self.bad(format!("line item {idx} out of range")));
                    }
                    // No more than the line table's header announced, as OTP's loader.
                    if self.lines_seen >= self.file.line_instrs {
                        return Err(self.bad(format!(
                            "line instruction table overflow ({}/{})",
                            self.lines_seen, self.file.line_instrs
                        )));
                    }
                    self.lines_seen += 1;
                }
                if let Some(item) = self.file.line_items.get(idx) {
                    let loc = Location {
                        file: item.file,
                        line: item.line,
                    };
                    let off =
                        u32::try_from(self.code.len()).map_err(|_| self.bad("module too large"))?;
                    self.lines.push((off, loc));
                }
            }
            FUNC_INFO => {
                let m = self.atom_arg(g, 0)?;
                let f = self.atom_arg(g, 1)?;
                let a = self.untagged(g, 2)?;
                // OTP: "too many arguments" past its 255.
                if a > 255 {
                    return Err(self.bad(format!("too many arguments: {a}")));
                }
                self.functions.push((self.code.len(), f, a));
                self.emit(Instr::FuncInfo {
                    mfa: Mfa {
                        module: m,
                        function: f,
                        arity: a,
                    },
                });
            }
            INT_CODE_END => self.emit(Instr::IntCodeEnd),
            // The arity operand is not trusted (OTP's loader ignores it): it is set from the
            // called function's `func_info` once the labels are known (`callee_arities`).
            CALL => {
                let arity = self.untagged(g, 0).unwrap_or(UNKNOWN_ARITY);
                let target = self.label(g, 1)?;
                self.emit(Instr::Call { arity, target });
            }
            CALL_LAST => {
                let arity = self.untagged(g, 0).unwrap_or(UNKNOWN_ARITY);
                let target = self.label(g, 1)?;
                let dealloc = self.untagged(g, 2)?;
                self.emit(Instr::CallLast {
                    arity,
                    target,
                    dealloc,
                });
            }
            CALL_ONLY => {
                let arity = self.untagged(g, 0).unwrap_or(UNKNOWN_ARITY);
                let target = self.label(g, 1)?;
                self.emit(Instr::CallOnly { arity, target });
            }
            CALL_EXT | CALL_EXT_LAST | CALL_EXT_ONLY => {
                let idx = self.untagged(g, 1)?;
                let imp = self.import(idx)?;
                let export = module::export(imp.module, imp.function, imp.arity);
                let dealloc = if g.op == CALL_EXT_LAST {
                    self.untagged(g, 2)?
                } else {
                    0
                };
                let i = match (export.bif, g.op) {
                    (Some(bif), CALL_EXT) => Instr::CallBif { bif, export },
                    (Some(bif), CALL_EXT_LAST) => Instr::CallBifLast {
                        bif,
                        export,
                        dealloc,
                    },
                    (Some(bif), _) => Instr::CallBifOnly { bif, export },
                    (None, CALL_EXT) => Instr::CallExt { export },
                    (None, CALL_EXT_LAST) => Instr::CallExtLast { export, dealloc },
                    (None, _) => Instr::CallExtOnly { export },
                };
                self.emit(i);
            }
            BIF0 | BIF1 | BIF2 | GC_BIF1 | GC_BIF2 | GC_BIF3 => {
                // bif0 Bif Dst | bif1 Fail Bif A Dst | bif2 Fail Bif A B Dst
                // gc_bifN Fail Live Bif A.. Dst
                let (bif_at, first_arg, n) = match g.op {
                    BIF0 => (0, 1, 0),
                    BIF1 => (1, 2, 1),
                    BIF2 => (1, 2, 2),
                    GC_BIF1 => (2, 3, 1),
                    GC_BIF2 => (2, 3, 2),
                    _ => (2, 3, 3),
                };
                let idx = self.untagged(g, bif_at)?;
                let export = self.bif_for(idx)?;
                let fail = match g.op {
                    BIF0 => 0,
                    BIF1 | BIF2 => self.bif_fail(g, export)?,
                    _ => self.label(g, 0)?,
                };
                // bif0 exists only for the guard BIFs self/0 and node/0 (OTP's `self`, `node`).
                if g.op == BIF0
                    && !(export.mfa.module == crate::atom::ERLANG
                        && matches!(export.mfa.function.name(), "self" | "node")
                        && export.mfa.arity == 0)
                {
                    return Err(self.bad("no specific operation found"));
                }
                // gc_bifN's Live: not needed here. OTP's JIT drops it (of any type), except
                // for `length/1`, whose trapping instructions take it as a number.
                if bif_at == 2
                    && export.mfa.module == crate::atom::ERLANG
                    && export.mfa.function.name() == "length"
                    && n == 1
                {
                    self.untagged(g, 1)?;
                }
                let mut args = [Src::lit(Term::NIL); 3];
                for (k, a) in args.iter_mut().enumerate().take(n) {
                    *a = self.src(g, first_arg + k)?;
                }
                let dst = self.dst(g, first_arg + n)?;
                if n == 2 && export.mfa.module == crate::atom::ERLANG {
                    let op = ArithOp::from_name(export.mfa.function.name());
                    if let Some(op) = op {
                        self.emit(Instr::Arith2 {
                            op,
                            ret: NO_RET,
                            dst,
                            fail,
                            a: args[0],
                            b: args[1],
                        });
                        return Ok(());
                    }
                }
                self.emit(Instr::Bif(Box::new(BifOp {
                    export,
                    fail,
                    args,
                    arity: n as u8,
                    dst,
                })));
            }
            ALLOCATE | ALLOCATE_ZERO | ALLOCATE_HEAP | ALLOCATE_HEAP_ZERO
                if count_past_32_bits(g) =>
            {
                // A count past 32 bits loads on OTP (what its code then does is undefined);
                // here it raises `badarg` if run.
                self.emit(Instr::Nop);
            }
            ALLOCATE | ALLOCATE_ZERO => {
                let stack = self.untagged(g, 0)?;
                let live = self.untagged(g, 1)?;
                self.emit(Instr::Allocate { stack, live });
            }
            ALLOCATE_HEAP | ALLOCATE_HEAP_ZERO => {
                let stack = self.untagged(g, 0)?;
                let heap = self.untagged(g, 1)?;
                let live = self.untagged(g, 2)?;
                self.emit(Instr::AllocateHeap { stack, heap, live });
            }
            TEST_HEAP => {
                // A count past 32 bits loads on OTP (what its code then does is undefined);
                // here it raises `badarg` if run.
                if count_past_32_bits(g) {
                    self.emit(Instr::Nop);
                    return Ok(());
                }
                let heap = self.untagged(g, 0)?;
                let live = self.untagged(g, 1)?;
                self.emit(Instr::TestHeap { heap, live });
            }
            INIT => {
                let d = self.dst(g, 0)?;
                match d {
                    Dst::Y(y) => self.emit(Instr::InitYregs {
                        regs: vec![y as u32].into(),
                    }),
                    Dst::X(_) => return Err(self.bad("init of an x register")),
                }
            }
            INIT_YREGS => {
                let odd = |o: &Operand| {
                    !matches!(
                        o,
                        Operand::Y(_) | Operand::X(_) | Operand::Label(_) | Operand::Untagged(_)
                    )
                };
                if self.untagged_for_list(g, 0)
                    || matches!(self.arg(g, 0)?, Operand::List(l) if l.iter().any(odd))
                {
                    // `init_yregs I *` with no registers after the count, or a constant
                    // among them: loads on OTP (what it clears is undefined); raises
                    // `badarg` here if run.
                    self.emit(Instr::Nop);
                    return Ok(());
                }
                let regs = self
                    .list(g, 0)?
                    .iter()
                    .map(|o| match o {
                        // OTP's JIT takes each operand's value as a y index, whatever its tag.
                        Operand::Y(y) | Operand::X(y) | Operand::Label(y) => Ok(*y),
                        Operand::Untagged(v) if *v < 1024 => Ok(*v as u32),
                        o => Err(self.bad(format!("init_yregs operand {o:?}"))),
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                self.emit(Instr::InitYregs { regs: regs.into() });
            }
            DEALLOCATE if count_past_32_bits(g) => {
                // As for `allocate` (7/784598).
                self.emit(Instr::Nop);
            }
            DEALLOCATE => {
                let n = self.untagged(g, 0)?;
                self.emit(Instr::Deallocate { n });
            }
            RETURN => self.emit(Instr::Return),
            TRIM => {
                let n = self.untagged(g, 0)?;
                self.emit(Instr::Trim { n });
            }
            SEND => self.emit(Instr::Send),
            REMOVE_MESSAGE => self.emit(Instr::RemoveMessage),
            TIMEOUT => self.emit(Instr::Timeout),
            LOOP_REC => {
                let fail = self.label(g, 0)?;
                let dst = self.dst(g, 1)?;
                // OTP's instruction table has `loop_rec` only for x0 (what compilers emit).
                if !matches!(dst, Dst::X(0)) {
                    return Err(self.bad(format!("loop_rec into {dst:?}")));
                }
                self.emit(Instr::LoopRec { fail, dst });
            }
            LOOP_REC_END => {
                let target = self.label(g, 0)?;
                self.emit(Instr::LoopRecEnd { target });
            }
            WAIT => {
                let target = self.label(g, 0)?;
                self.emit(Instr::Wait { target });
            }
            WAIT_TIMEOUT => {
                let target = self.label(g, 0)?;
                let timeout = self.src(g, 1)?;
                self.emit(Instr::WaitTimeout { target, timeout });
            }
            // Obsolete (OTP 21's receive optimisation) and dropped, but OTP's instruction
            // table still wants `recv_mark`'s label, and `recv_set` only right before the
            // `label` and `loop_rec` of a receive.
            RECV_MARK => match self.arg(g, 0)? {
                Operand::Label(l) if *l != 0 => {}
                o => return Err(self.bad(format!("expected a label, got {o:?}"))),
            },
            RECV_SET => self.after_recv_set = 1,
            RECV_MARKER_RESERVE => {
                let dst = self.dst(g, 0)?;
                self.emit(Instr::RecvMarkerReserve { dst });
            }
            // OTP's table takes registers only here (`S`).
            RECV_MARKER_BIND => {
                let marker = self.reg_src(g, 0)?;
                let reference = self.reg_src(g, 1)?;
                self.emit(Instr::RecvMarkerBind { marker, reference });
            }
            RECV_MARKER_CLEAR => {
                let reference = self.reg_src(g, 0)?;
                self.emit(Instr::RecvMarkerClear { reference });
            }
            RECV_MARKER_USE => {
                let reference = self.reg_src(g, 0)?;
                self.emit(Instr::RecvMarkerUse { reference });
            }
            IS_LT | IS_GE | IS_EQ | IS_NE | IS_EQ_EXACT | IS_NE_EXACT => {
                let op = match g.op {
                    IS_LT => CmpOp::Lt,
                    IS_GE => CmpOp::Ge,
                    IS_EQ => CmpOp::Eq,
                    IS_NE => CmpOp::Ne,
                    IS_EQ_EXACT => CmpOp::EqExact,
                    _ => CmpOp::NeExact,
                };
                let fail = self.label(g, 0)?;
                let a = self.src(g, 1)?;
                let b = self.src(g, 2)?;
                self.emit(Instr::Cmp { op, fail, a, b });
            }
            IS_INTEGER | IS_FLOAT | IS_NUMBER | IS_ATOM | IS_PID | IS_REFERENCE | IS_PORT
            | IS_NIL | IS_BINARY | IS_LIST | IS_NONEMPTY_LIST | IS_TUPLE | IS_BOOLEAN
            | IS_FUNCTION | IS_BITSTR | IS_MAP => {
                let test = match g.op {
                    IS_INTEGER => TypeTest::Integer,
                    IS_FLOAT => TypeTest::Float,
                    IS_NUMBER => TypeTest::Number,
                    IS_ATOM => TypeTest::Atom,
                    IS_PID => TypeTest::Pid,
                    IS_REFERENCE => TypeTest::Reference,
                    IS_PORT => TypeTest::Port,
                    IS_NIL => TypeTest::Nil,
                    IS_BINARY => TypeTest::Binary,
                    IS_LIST => TypeTest::List,
                    IS_NONEMPTY_LIST => TypeTest::NonemptyList,
                    IS_TUPLE => TypeTest::Tuple,
                    IS_BOOLEAN => TypeTest::Boolean,
                    IS_FUNCTION => TypeTest::Function,
                    IS_BITSTR => TypeTest::Bitstring,
                    _ => TypeTest::Map,
                };
                let fail = self.label(g, 0)?;
                let src = self.src(g, 1)?;
                self.emit(Instr::Test { test, fail, src });
            }
            IS_FUNCTION2 => {
                let fail = self.label(g, 0)?;
                let src = self.src(g, 1)?;
                let arity = self.src(g, 2)?;
                self.emit(Instr::IsFunction2 { fail, src, arity });
            }
            TEST_ARITY => {
                let fail = self.label(g, 0)?;
                let src = self.src(g, 1)?;
                // An arity past 32 bits loads on OTP (no tuple has it): the test fails.
                let arity = match self.arg(g, 2)? {
                    Operand::Untagged(v) if *v > u32::MAX as u64 => u32::MAX,
                    _ => self.untagged(g, 2)?,
                };
                self.emit(Instr::TestArity { fail, src, arity });
            }
            IS_TAGGED_TUPLE => {
                let fail = self.label(g, 0)?;
                let src = self.src(g, 1)?;
                let arity = self.untagged(g, 2)?;
                let tag = Term::atom(self.atom_arg(g, 3)?);
                self.emit(Instr::IsTaggedTuple {
                    fail,
                    src,
                    arity,
                    tag,
                });
            }
            SELECT_VAL => {
                let src = self.src(g, 0)?;
                // OTP's select instructions take a fail label (`f`), not 0.
                if matches!(self.arg(g, 1)?, Operand::Label(0)) {
                    return Err(self.bad("no specific operation found (fail label 0)"));
                }
                let fail = self.label(g, 1)?;
                let items = self.list(g, 2)?.to_vec();
                if items.len() % 2 != 0 {
                    return Err(self.bad("odd select list"));
                }
                let mut pairs = Vec::with_capacity(items.len() / 2);
                for p in items.chunks(2) {
                    let v = self.src_of(&p[0])?;
                    let v = v
                        .as_lit()
                        .ok_or_else(|| self.bad("select value is a register"))?;
                    let l = match &p[1] {
                        // OTP's select_val takes `f` labels only (not 0, "no label").
                        Operand::Label(l) if *l != 0 => self.check_label(*l)?,
                        o => return Err(self.bad(format!("select label {o:?}"))),
                    };
                    pairs.push((v, l));
                }
                if pairs.iter().all(|(t, _)| t.is_immediate() || t.is_nil()) {
                    let mut table: Vec<(u64, Lbl)> = pairs.iter().map(|(t, l)| (t.0, *l)).collect();
                    table.sort_by_key(|p| p.0);
                    self.emit(Instr::SelectValImm {
                        src,
                        fail,
                        table: table.into(),
                    });
                } else {
                    self.emit(Instr::SelectVal {
                        src,
                        fail,
                        table: pairs.into(),
                    });
                }
            }
            SELECT_TUPLE_ARITY => {
                // OTP's table: a register to select on, arities untagged, real labels.
                let src = self.reg_src(g, 0)?;
                let fail = self.label(g, 1)?;
                let items = self.list(g, 2)?.to_vec();
                if items.len() % 2 != 0 {
                    return Err(self.bad("odd select list"));
                }
                let mut table = Vec::with_capacity(items.len() / 2);
                for p in items.chunks(2) {
                    let a = match &p[0] {
                        // An arity no tuple has never matches.
                        Operand::Untagged(a) => u32::try_from(*a).unwrap_or(u32::MAX),
                        _ => return Err(self.bad("no specific operation found")),
                    };
                    let l = match &p[1] {
                        Operand::Label(l) if *l != 0 => self.check_label(*l)?,
                        o => return Err(self.bad(format!("select label {o:?}"))),
                    };
                    table.push((a, l));
                }
                self.emit(Instr::SelectTupleArity {
                    src,
                    fail,
                    table: table.into(),
                });
            }
            JUMP => {
                let target = self.label(g, 0)?;
                self.emit(Instr::Jump { target });
            }
            CATCH | TRY => {
                let y = self.yreg(g, 0)?;
                let handler = self.label(g, 1)?;
                self.emit(if g.op == CATCH {
                    Instr::Catch { y, handler }
                } else {
                    Instr::Try { y, handler }
                });
            }
            CATCH_END => {
                let y = self.yreg(g, 0)?;
                self.emit(Instr::CatchEnd { y });
            }
            TRY_END => {
                let y = self.yreg(g, 0)?;
                self.emit(Instr::TryEnd { y });
            }
            TRY_CASE => {
                let y = self.yreg(g, 0)?;
                self.emit(Instr::TryCase { y });
            }
            TRY_CASE_END => {
                let src = self.src(g, 0)?;
                self.emit(Instr::TryCaseEnd { src });
            }
            RAISE => {
                let trace = self.src(g, 0)?;
                let value = self.src(g, 1)?;
                self.emit(Instr::Raise { trace, value });
            }
            BUILD_STACKTRACE => self.emit(Instr::BuildStacktrace),
            RAW_RAISE => self.emit(Instr::RawRaise),
            MOVE => {
                let src = self.src(g, 0)?;
                let dst = self.dst(g, 1)?;
                self.emit(Instr::Move { src, dst });
            }
            SWAP => {
                let a = self.dst(g, 0)?;
                let b = self.dst(g, 1)?;
                self.emit(Instr::Swap { a, b });
            }
            GET_LIST => {
                let src = self.list_src(g, 0)?;
                let head = self.dst(g, 1)?;
                let tail = self.dst(g, 2)?;
                self.emit(Instr::GetList { src, head, tail });
            }
            GET_HD | GET_TL => {
                let src = self.list_src(g, 0)?;
                let dst = self.dst(g, 1)?;
                self.emit(if g.op == GET_HD {
                    Instr::GetHd { src, dst }
                } else {
                    Instr::GetTl { src, dst }
                });
            }
            GET_TUPLE_ELEMENT => {
                let src = self.src(g, 0)?;
                let index = self.position(g, 1)?;
                let dst = self.dst(g, 2)?;
                self.emit(Instr::GetTupleElement { src, index, dst });
            }
            SET_TUPLE_ELEMENT => {
                let val = self.src(g, 0)?;
                let tuple = self.src(g, 1)?;
                let index = self.position(g, 2)?;
                self.emit(Instr::SetTupleElement { val, tuple, index });
            }
            PUT_LIST => {
                let head = self.src(g, 0)?;
                let tail = self.src(g, 1)?;
                let dst = self.dst(g, 2)?;
                self.emit(Instr::PutList { head, tail, dst });
            }
            PUT_TUPLE2 => {
                let dst = self.dst(g, 0)?;
                if self.untagged_for_list(g, 1) {
                    // Loads, as on OTP; raises `badarg` if it is ever run.
                    self.emit(Instr::Nop);
                    return Ok(());
                }
                let items = self.list(g, 1)?.to_vec();
                let elems = items
                    .iter()
                    .map(|o| match o {
                        Operand::Untagged(_) | Operand::Label(_) => Ok(raw_word_src(o)),
                        o => self.src_of(o),
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                self.emit(Instr::PutTuple2 {
                    dst,
                    elems: elems.into(),
                });
            }
            BADMATCH => {
                let src = self.src(g, 0)?;
                self.emit(Instr::Badmatch { src });
            }
            IF_END => self.emit(Instr::IfEnd),
            CASE_END => {
                let src = self.src(g, 0)?;
                self.emit(Instr::CaseEnd { src });
            }
            BADRECORD => {
                let src = self.src(g, 0)?;
                self.emit(Instr::Badrecord { src });
            }
            CALL_FUN => {
                let arity = self.untagged(g, 0)?;
                self.emit(Instr::CallFun { arity });
            }
            CALL_FUN2 => {
                // Tag Arity Func: as OTP's table, the tag an atom (`safe`, `unsafe`) or a
                // lambda's index, the fun in a register.
                match self.arg(g, 0)? {
                    Operand::Atom(_) => {}
                    Operand::Untagged(i) if (*i as usize) < self.lambda_entries.len() => {}
                    o => return Err(self.bad(format!("call_fun2 tag {o:?}"))),
                }
                let arity = self.untagged(g, 1)?;
                let fun = self.reg_src(g, 2)?;
                self.emit(Instr::CallFun2 { arity, fun });
            }
            MAKE_FUN2 | MAKE_FUN3 => {
                let idx = self.untagged(g, 0)? as usize;
                let entry = *self
                    .lambda_entries
                    .get(idx)
                    .ok_or_else(|| self.bad(format!("lambda {idx} out of range")))?;
                // The free variables are X registers when the fun is made (and at most 255).
                if entry.num_free > 255 {
                    return Err(self.bad("a lambda with too many free variables"));
                }
                let (dst, env) = if g.op == MAKE_FUN3 {
                    let dst = self.dst(g, 1)?;
                    if self.untagged_for_list(g, 2) {
                        // Loads, as on OTP; raises `badarg` if it is ever run.
                        self.emit(Instr::Nop);
                        return Ok(());
                    }
                    let items = self.list(g, 2)?.to_vec();
                    let env = items
                        .iter()
                        .map(|o| match o {
                            Operand::Untagged(_) | Operand::Label(_) => Ok(raw_word_src(o)),
                            o => self.src_of(o),
                        })
                        .collect::<Result<Vec<_>, _>>()?;
                    (dst, env)
                } else {
                    let env = (0..entry.num_free).map(Src::x).collect();
                    (Dst::X(0), env)
                };
                if env.len() != entry.num_free as usize {
                    return Err(self.bad("environment size does not match the lambda"));
                }
                self.emit(Instr::MakeFun {
                    entry,
                    dst,
                    env: env.into(),
                });
            }
            APPLY => {
                let arity = self.untagged(g, 0)?;
                self.emit(Instr::Apply { arity });
            }
            APPLY_LAST => {
                let arity = self.untagged(g, 0)?;
                let dealloc = self.untagged(g, 1)?;
                self.emit(Instr::ApplyLast { arity, dealloc });
            }
            FCLEARERROR => self.emit(Instr::Fclearerror),
            FCHECKERROR => {
                // OTP drops it with no fail label (`fcheckerror p => _`) and has no
                // instruction for one with a label.
                if !matches!(self.arg(g, 0)?, Operand::Label(0)) {
                    return Err(self.bad("no specific operation found (a fail label)"));
                }
                self.emit(Instr::Fcheckerror { fail: 0 });
            }
            FMOVE => {
                let a = self.arg(g, 0)?.clone();
                let b = self.arg(g, 1)?.clone();
                match (&a, &b) {
                    (Operand::FloatReg(s), Operand::FloatReg(_)) => {
                        let (s, d) = (self.freg(&Operand::FloatReg(*s))?, self.freg(&b)?);
                        self.emit(Instr::FMove { src: s, dst: d });
                    }
                    (Operand::FloatReg(_), _) => {
                        let s = self.freg(&a)?;
                        let d = self.dst_of(&b)?;
                        self.emit(Instr::FStore { src: s, dst: d });
                    }
                    // OTP's table loads a float register from a register or a literal
                    // (`fload Sq l`): an atom or a small integer is no operation there.
                    (
                        Operand::Atom(_)
                        | Operand::Nil
                        | Operand::Untagged(_)
                        | Operand::Label(_)
                        | Operand::List(_),
                        Operand::FloatReg(_),
                    ) => return Err(self.bad("no specific operation found")),
                    (Operand::Int(v), Operand::FloatReg(_)) if Term::try_small(*v).is_some() => {
                        return Err(self.bad("no specific operation found"))
                    }
                    (_, Operand::FloatReg(_)) => {
                        let s = self.src_of(&a)?;
                        let d = self.freg(&b)?;
                        self.emit(Instr::FLoad { src: s, dst: d });
                    }
                    _ => return Err(self.bad("fmove without a float register")),
                }
            }
            FCONV => {
                let src = self.src(g, 0)?;
                let dst = self.freg(self.arg(g, 1)?)?;
                self.emit(Instr::Fconv { src, dst });
            }
            FADD | FSUB | FMUL | FDIV => {
                let op = match g.op {
                    FADD => FloatOp::Add,
                    FSUB => FloatOp::Sub,
                    FMUL => FloatOp::Mul,
                    _ => FloatOp::Div,
                };
                // OTP takes these with no fail label only (`fadd p ...`).
                if !matches!(self.arg(g, 0)?, Operand::Label(0)) {
                    return Err(self.bad("no specific operation found (a fail label)"));
                }
                let fail = self.label(g, 0)?;
                let a = self.freg(self.arg(g, 1)?)?;
                let b = self.freg(self.arg(g, 2)?)?;
                let dst = self.freg(self.arg(g, 3)?)?;
                self.emit(Instr::Farith {
                    op,
                    a,
                    b,
                    dst,
                    fail,
                });
            }
            FNEGATE => {
                if !matches!(self.arg(g, 0)?, Operand::Label(0)) {
                    return Err(self.bad("no specific operation found (a fail label)"));
                }
                let fail = self.label(g, 0)?;
                let src = self.freg(self.arg(g, 1)?)?;
                let dst = self.freg(self.arg(g, 2)?)?;
                self.emit(Instr::Fnegate { src, dst, fail });
            }
            PUT_MAP_ASSOC | PUT_MAP_EXACT => {
                // OTP's table drops `put_map_assoc`'s fail operand whatever it is (the
                // instruction cannot fail but on a non-map, which raises `badmap`).
                let fail = if g.op == PUT_MAP_ASSOC && !matches!(self.arg(g, 0)?, Operand::Label(_))
                {
                    0
                } else {
                    self.label(g, 0)?
                };
                let src = self.src(g, 1)?;
                let dst = self.dst(g, 2)?;
                // The live count: an unsigned operand (OTP's `t`).
                self.untagged(g, 3)?;
                let items = self.list(g, 4)?.to_vec();
                if items.len() % 2 != 0 {
                    return Err(self.bad("odd map pair list"));
                }
                self.check_map_keys_sortable(items.iter().step_by(2))?;
                // A label as a key or value: OTP's map holds the label's address (undefined);
                // here the instruction raises `badarg` if run.
                if items.iter().any(|o| matches!(o, Operand::Label(_))) {
                    self.emit(Instr::Nop);
                    return Ok(());
                }
                let mut pairs = Vec::with_capacity(items.len() / 2);
                for p in items.chunks(2) {
                    pairs.push((self.map_item_src(&p[0])?, self.map_item_src(&p[1])?));
                }
                // A map expression of literal keys (`#{a => X, b => Y}`: the pairs put
                // into the literal empty map) fills in a literal map of those keys: an
                // update that finds each key (the keys tuple shared by every map it makes,
                // no ordering at run time), as OTP's loader makes it.
                if g.op == PUT_MAP_ASSOC {
                    if let Some(template) = self.map_template(src, &pairs) {
                        let pairs = ThinSlice::from(pairs);
                        self.emit(Instr::PutMapExact {
                            fail,
                            src: template,
                            dst,
                            pairs,
                        });
                        return Ok(());
                    }
                }
                let pairs = ThinSlice::from(pairs);
                self.emit(if g.op == PUT_MAP_ASSOC {
                    Instr::PutMapAssoc {
                        fail,
                        src,
                        dst,
                        pairs,
                    }
                } else {
                    Instr::PutMapExact {
                        fail,
                        src,
                        dst,
                        pairs,
                    }
                });
            }
            HAS_MAP_FIELDS => {
                let fail = self.label(g, 0)?;
                let src = self.src(g, 1)?;
                let items = self.list(g, 2)?.to_vec();
                // OTP makes a `get_map_elements` of it, one pair per key.
                self.check_map_keys_sortable(items.iter())?;
                let keys = items
                    .iter()
                    .map(|o| self.src_of(o))
                    .collect::<Result<Vec<_>, _>>()?;
                self.emit(Instr::HasMapFields {
                    fail,
                    src,
                    keys: keys.into(),
                });
            }
            GET_MAP_ELEMENTS => {
                let fail = self.label(g, 0)?;
                let src = self.src(g, 1)?;
                // A damaged module may give a register where the key list goes: OTP's
                // loader takes it (its transformation reads no pairs from it); here it is
                // an empty list, which only tests that the source is a map.
                let items = match self.arg(g, 2)? {
                    Operand::X(_) | Operand::Y(_) => Vec::new(),
                    _ => self.list(g, 2)?.to_vec(),
                };
                if items.len() % 2 != 0 {
                    return Err(self.bad("odd map pair list"));
                }
                self.check_map_keys_sortable(items.iter().step_by(2))?;
                if items
                    .chunks(2)
                    .any(|p| !matches!(p[1], Operand::X(_) | Operand::Y(_)))
                {
                    // An untagged number as a destination: OTP loads it (what its code
                    // then writes where is undefined); here it raises `badarg` if run.
                    self.emit(Instr::Nop);
                    return Ok(());
                }
                let mut pairs = Vec::with_capacity(items.len() / 2);
                for p in items.chunks(2) {
                    pairs.push((self.src_of(&p[0])?, self.dst_of(&p[1])?));
                }
                self.emit(Instr::GetMapElements {
                    fail,
                    src,
                    pairs: pairs.into(),
                });
            }
            BS_START_MATCH3 => {
                // Fail Src Live Dst
                let fail = self.label(g, 0)?;
                // A constant to match (no binary): OTP's table makes it a jump to the fail
                // label (Live and Dst unread) when there is one.
                if fail != 0 && self.arg(g, 1)?.is_constant() {
                    self.emit(Instr::Jump { target: fail });
                    return Ok(());
                }
                let src = self.src(g, 1)?;
                // The live count: an unsigned operand (OTP's `t`).
                self.untagged(g, 2)?;
                let dst = self.dst(g, 3)?;
                self.emit(Instr::BsStartMatch { fail, src, dst });
            }
            BS_START_MATCH4 => {
                // Fail Live Src Dst, as OTP's table: after `no_fail` or a label an unsigned
                // Live and the binary in a register; `resume` moves the context (nothing
                // when it stays where it is).
                if matches!(self.arg(g, 0)?, Operand::Atom(a) if a.name() == "resume") {
                    if self.arg(g, 2)? != self.arg(g, 3)? {
                        let src = self.src(g, 2)?;
                        let dst = self.dst(g, 3)?;
                        self.emit(Instr::Move { src, dst });
                    }
                    return Ok(());
                }
                let fail = match self.arg(g, 0)? {
                    Operand::Atom(a) if a.name() == "no_fail" => 0,
                    Operand::Label(l) if *l != 0 => self.label(g, 0)?,
                    o => return Err(self.bad(format!("bs_start_match4 fail {o:?}"))),
                };
                self.untagged(g, 1)?;
                let src = self.reg_src(g, 2)?;
                let dst = self.dst(g, 3)?;
                self.emit(Instr::BsStartMatch { fail, src, dst });
            }
            BS_GET_POSITION => {
                let ctx = self.reg_src(g, 0)?;
                let dst = self.dst(g, 1)?;
                // Live is not needed (no collection), and OTP does not look at it either.
                self.emit(Instr::BsGetPosition { ctx, dst });
            }
            BS_SET_POSITION => {
                let ctx = self.reg_src(g, 0)?;
                let pos = self.reg_src(g, 1)?;
                self.emit(Instr::BsSetPosition { ctx, pos });
            }
            BS_GET_TAIL => {
                let ctx = self.reg_src(g, 0)?;
                let dst = self.dst(g, 1)?;
                // Live: not needed here (no collection), but it must be an unsigned operand.
                self.untagged(g, 2)?;
                self.emit(Instr::BsGetTail { ctx, dst });
            }
            BS_GET_BINARY2 if matches!(self.arg(g, 4)?, Operand::Untagged(0)) => {
                // A unit of 0 (OTP's code takes no bits, or for `all` divides by it); here
                // the instruction raises `badarg` if run.
                self.label(g, 0)?;
                self.reg_src(g, 1)?;
                self.dst(g, 6)?;
                self.emit(Instr::Nop);
            }
            BS_GET_INTEGER2 | BS_GET_FLOAT2 | BS_GET_BINARY2 => {
                // Fail Ctx Live Size Unit Flags Dst
                let fail = self.label(g, 0)?;
                let ctx = self.reg_src(g, 1)?;
                let live = u8::try_from(self.untagged(g, 2)?).unwrap_or(u8::MAX);
                let size = self.src(g, 3)?;
                let unit = self.untagged_as::<u16>(g, 4)?;
                // OTP's code tests single bits of the flags word: the bits above the low
                // eight (no flag of OTP's) change nothing.
                let flags = (native_endian(self.untagged(g, 5)?) & 0xFF) as u8;
                let dst = self.dst(g, 6)?;
                self.emit(match g.op {
                    BS_GET_INTEGER2 => Instr::BsGetInteger {
                        fail,
                        ctx,
                        size,
                        unit,
                        flags,
                        dst,
                    },
                    BS_GET_FLOAT2 => Instr::BsGetFloat {
                        fail,
                        ctx,
                        size,
                        unit: unit.min(255) as u8,
                        live,
                        flags,
                        dst,
                    },
                    _ => Instr::BsGetBinary {
                        fail,
                        ctx,
                        size,
                        // 1 to 256: 256 is kept as 0.
                        unit: match unit {
                            256 => 0,
                            1..=255 => unit as u8,
                            _ => return Err(self.bad("unit out of range")),
                        },
                        live,
                        dst,
                    },
                });
            }
            BS_SKIP_BITS2 => {
                // Fail Ctx Size Unit Flags
                let fail = self.label(g, 0)?;
                let ctx = self.reg_src(g, 1)?;
                let size = self.src(g, 2)?;
                let unit = self.untagged(g, 3)?;
                self.emit(Instr::BsSkipBits {
                    fail,
                    ctx,
                    size,
                    unit,
                });
            }
            BS_TEST_TAIL2 => {
                let fail = self.label(g, 0)?;
                let ctx = self.reg_src(g, 1)?;
                let bits = self.untagged(g, 2)? as u64;
                self.emit(Instr::BsTestTail { fail, ctx, bits });
            }
            BS_TEST_UNIT => {
                let fail = self.label(g, 0)?;
                let ctx = self.reg_src(g, 1)?;
                let unit = self.untagged(g, 2)?;
                self.emit(Instr::BsTestUnit { fail, ctx, unit });
            }
            BS_MATCH_STRING => {
                let fail = self.label(g, 0)?;
                let ctx = self.reg_src(g, 1)?;
                let bits = self.untagged(g, 2)?;
                // OTP takes the offset operand's value whatever its tag: a number, or a
                // register's number. An atom, `[]`, a literal or a negative number is a word
                // far past the string table there (what its code then compares with is
                // undefined); here the instruction raises `badarg` if run.
                let off = match self.arg(g, 3)? {
                    Operand::Untagged(n) => *n as usize,
                    Operand::Int(n) if *n >= 0 => *n as usize,
                    Operand::X(n) | Operand::Y(n) => *n as usize,
                    Operand::Atom(_)
                    | Operand::Nil
                    | Operand::Int(_)
                    | Operand::BigInt(_)
                    | Operand::Literal(_) => {
                        self.emit(Instr::Nop);
                        return Ok(());
                    }
                    o => return Err(self.bad(format!("string offset {o:?}"))),
                };
                let data = self.string_bytes(off, bits.div_ceil(8) as usize)?;
                self.emit(Instr::BsMatchString {
                    fail,
                    ctx,
                    bits,
                    data: data.into(),
                });
            }
            BS_GET_UTF8 | BS_GET_UTF16 | BS_GET_UTF32 => {
                // Fail Ctx Live Flags Dst; OTP wants Live as a number.
                self.untagged(g, 2)?;
                let fail = self.label(g, 0)?;
                let ctx = self.reg_src(g, 1)?;
                let flags = native_endian(self.untagged(g, 3)?);
                let dst = self.dst(g, 4)?;
                self.emit(match g.op {
                    BS_GET_UTF8 => Instr::BsGetUtf8 { fail, ctx, dst },
                    BS_GET_UTF16 => Instr::BsGetUtf16 {
                        fail,
                        ctx,
                        flags,
                        dst,
                    },
                    _ => Instr::BsGetUtf32 {
                        fail,
                        ctx,
                        flags,
                        dst,
                    },
                });
            }
            BS_SKIP_UTF8 | BS_SKIP_UTF16 | BS_SKIP_UTF32 => {
                // Fail Ctx Live Flags; OTP wants Live as a number.
                self.untagged(g, 2)?;
                let fail = self.label(g, 0)?;
                let ctx = self.reg_src(g, 1)?;
                let flags = native_endian(self.untagged(g, 3)?);
                self.emit(match g.op {
                    BS_SKIP_UTF8 => Instr::BsSkipUtf8 { fail, ctx },
                    BS_SKIP_UTF16 => Instr::BsSkipUtf16 { fail, ctx, flags },
                    _ => Instr::BsSkipUtf32 { fail, ctx, flags },
                });
            }
            BS_CONTEXT_TO_BINARY => {
                let src = self.dst(g, 0)?;
                self.emit(Instr::BsContextToBinary { src });
            }
            BS_INIT_WRITABLE => self.emit(Instr::BsInitWritable),
            BS_CREATE_BIN => self.bs_create_bin(g)?,
            BS_INIT2 | BS_INIT_BITS => {
                // Fail Size Words Live Flags Dst
                // With a literal size OTP drops the fail operand unread (the construction
                // cannot fail), unless the size is past any binary (then it fails there).
                let fail = match self.arg(g, 1)? {
                    Operand::Untagged(n) if *n < 1 << 61 => match self.arg(g, 0)? {
                        Operand::Label(_) => self.label(g, 0)?,
                        _ => 0,
                    },
                    _ => self.label(g, 0)?,
                };
                let size = self.size_src(g, 1)?;
                // Words and Live are not needed here, but OTP refuses them of another type.
                self.untagged(g, 2)?;
                self.untagged(g, 3)?;
                let dst = self.dst(g, 5)?;
                let init = if g.op == BS_INIT2 {
                    OldInit::Bytes(size)
                } else {
                    OldInit::Bits(size)
                };
                self.start_build(fail, init, dst);
            }
            BS_APPEND => {
                // Fail Size Extra Live Unit Bin Flags Dst
                let fail = self.label(g, 0)?;
                let size = self.size_src(g, 1)?;
                self.untagged(g, 2)?;
                self.untagged(g, 3)?;
                let unit = self.untagged(g, 4)?;
                let bin = self.src(g, 5)?;
                let dst = self.dst(g, 7)?;
                let init = OldInit::Append {
                    bin,
                    size,
                    unit,
                    private: false,
                };
                self.start_build(fail, init, dst);
            }
            BS_PRIVATE_APPEND => {
                // Fail Size Unit Bin Flags Dst
                let fail = self.label(g, 0)?;
                let size = self.size_src(g, 1)?;
                let unit = self.untagged(g, 2)?;
                // OTP's `i_bs_private_append j t s S x`: the binary in a register (7/814717).
                let bin = self.reg_src(g, 3)?;
                let dst = self.dst(g, 5)?;
                let init = OldInit::Append {
                    bin,
                    size,
                    unit,
                    private: true,
                };
                self.start_build(fail, init, dst);
            }
            BS_PUT_INTEGER | BS_PUT_BINARY | BS_PUT_FLOAT => {
                // Fail Size Unit Flags Src
                let fail = self.label(g, 0)?;
                let size = self.size_src(g, 1)?;
                let unit = self.untagged(g, 2)?;
                let flags = native_endian(self.untagged(g, 3)?);
                let src = self.src(g, 4)?;
                let kind = match g.op {
                    BS_PUT_INTEGER => SegKind::Integer,
                    BS_PUT_BINARY => SegKind::Binary,
                    _ => SegKind::Float,
                };
                self.add_put(fail, kind, unit, flags, src, size)?;
            }
            BS_PUT_STRING => {
                // Length Offset (in the string table)
                // OTP 25 turns the old construction instructions into `bs_create_bin`,
                // taking a label's number too.
                let num = |cx: &Self, i: usize| match cx.arg(g, i)? {
                    Operand::Label(l) => Ok(*l),
                    _ => cx.untagged(g, i),
                };
                let len = num(self, 0)? as usize;
                let off = num(self, 1)? as usize;
                let bytes = self.string_bytes(off, len)?;
                let bin = crate::term::boxed::binary(&mut self.file.literal_heap, &bytes);
                let size = Src::lit(Term::small(len as i64 * 8));
                self.add_put(0, SegKind::String, 1, 0, Src::lit(bin), size)?;
            }
            BS_PUT_UTF8 | BS_PUT_UTF16 | BS_PUT_UTF32 => {
                // Fail Flags Src
                let fail = self.label(g, 0)?;
                let flags = native_endian(self.untagged(g, 1)?);
                let src = self.src(g, 2)?;
                let kind = match g.op {
                    BS_PUT_UTF8 => SegKind::Utf8,
                    BS_PUT_UTF16 => SegKind::Utf16,
                    _ => SegKind::Utf32,
                };
                let size = Src::lit(Term::atom(crate::atom::UNDEFINED));
                self.add_put(fail, kind, 0, flags, src, size)?;
            }
            BS_ADD => {
                // Fail Src1 Src2 Unit Dst
                let fail = self.label(g, 0)?;
                let a = self.src(g, 1)?;
                let b = self.src(g, 2)?;
                let unit = self.untagged_as::<u16>(g, 3)?;
                let dst = self.dst(g, 4)?;
                self.emit(Instr::BsAdd {
                    fail,
                    a,
                    b,
                    unit,
                    dst,
                });
            }
            BS_UTF8_SIZE | BS_UTF16_SIZE => {
                // Fail Src Dst
                let fail = self.label(g, 0)?;
                let src = self.src(g, 1)?;
                let dst = self.dst(g, 2)?;
                self.emit(Instr::BsUtfSize {
                    fail,
                    src,
                    dst,
                    utf16: g.op == BS_UTF16_SIZE,
                });
            }
            ON_LOAD => self.emit(Instr::OnLoad),
            NIF_START => {}
            other => {
                return Err(LoadError::BadInstruction {
                    module: self.module_name.clone(),
                    name: name_of(other),
                    detail: "opcode not supported by this runtime".into(),
                })
            }
        }
        Ok(())
    }

    fn yreg(&self, g: &GenOp, i: usize) -> Result<u32, LoadError> {
        match self.arg(g, i)? {
            Operand::Y(y) => Ok(*y),
            o => Err(self.bad(format!("expected a y register, got {o:?}"))),
        }
    }

    fn atom_arg(&self, g: &GenOp, i: usize) -> Result<Atom, LoadError> {
        match self.arg(g, i)? {
            Operand::Atom(a) => Ok(*a),
            o => Err(self.bad(format!("expected an atom, got {o:?}"))),
        }
    }

    fn string_bytes(&self, off: usize, len: usize) -> Result<Vec<u8>, LoadError> {
        self.file
            .strings
            .get(off..off.saturating_add(len))
            .map(|s| s.to_vec())
            .ok_or_else(|| self.bad("string table offset out of range"))
    }

    /// A size operand of the old construction instructions: a register, an integer, or an
    /// untagged number (how the compiler encodes a literal size of `bs_init2`).
    fn size_src(&mut self, g: &GenOp, i: usize) -> Result<Src, LoadError> {
        match self.arg(g, i)? {
            Operand::Untagged(n) if *n <= i64::MAX as u64 => {
                let n = *n as i64;
                Ok(Src::lit(crate::bignum::from_i64(
                    &mut self.file.literal_heap,
                    n,
                )))
            }
            _ => self.src(g, i),
        }
    }

    /// Starts collecting an old-style binary construction.
    fn start_build(&mut self, fail: Lbl, init: OldInit, dst: Dst) {
        self.pending_build = Some(OldBuild {
            fail,
            init,
            dst,
            segs: Box::new([]),
            seg_fails: Box::new([]),
        });
    }

    /// Adds a `bs_put_*` segment to the construction being collected. OTP's emulator keeps the
    /// binary being built in per-scheduler state, so a `bs_put_*` only means something after
    /// the start of a construction or another `bs_put_*`.
    fn add_put(
        &mut self,
        fail: Lbl,
        kind: SegKind,
        unit: u32,
        flags: u32,
        src: Src,
        size: Src,
    ) -> Result<(), LoadError> {
        let Some(b) = self.pending_build.as_mut() else {
            // OTP's loader takes it, and its code writes into whatever binary was built
            // last; here it raises `badarg` if reached.
            self.emit(Instr::Nop);
            return Ok(());
        };
        let mut segs = std::mem::take(&mut b.segs).into_vec();
        segs.push(BinSeg {
            kind,
            unit,
            flags,
            src,
            size,
        });
        b.segs = segs.into_boxed_slice();
        let mut fails = std::mem::take(&mut b.seg_fails).into_vec();
        fails.push(fail);
        b.seg_fails = fails.into_boxed_slice();
        Ok(())
    }

    /// Emits the old-style binary construction being collected, if any.
    fn flush_build(&mut self) {
        if let Some(b) = self.pending_build.take() {
            self.emit(Instr::BsBuild(Box::new(b)));
        }
    }

    fn bs_create_bin(&mut self, g: &GenOp) -> Result<(), LoadError> {
        // Fail Alloc Live Unit Dst OpList
        let fail = self.label(g, 0)?;
        // Alloc and Live are not needed here, but OTP refuses them of another type.
        self.untagged(g, 1)?;
        self.untagged(g, 2)?;
        let unit = self.untagged_as::<u16>(g, 3)?;
        let dst = self.dst(g, 4)?;
        let items = self.list(g, 5)?.to_vec();
        if items.len() % 6 != 0 {
            return Err(self.bad("segment list length is not a multiple of 6"));
        }
        // OTP's emitter takes each operand of the list as a word, and has none for a float
        // register or a list: it refuses the module whichever segment or field holds one
        // (even one this loader would skip below).
        if let Some(o) = items
            .iter()
            .find(|o| matches!(o, Operand::FloatReg(_) | Operand::List(_)))
        {
            return Err(self.bad(format!("segment operand {o:?}")));
        }
        let mut segs = Vec::with_capacity(items.len() / 6);
        for s in items.chunks(6) {
            // A segment type that is no atom, or an atom that names no type (a damaged
            // module): OTP's loader takes the segment and its code builds nothing for it;
            // so here.
            let kind_atom = match &s[0] {
                Operand::Atom(a) => *a,
                _ => continue,
            };
            let kind = match kind_atom.name() {
                "integer" => SegKind::Integer,
                "float" => SegKind::Float,
                "binary" => SegKind::Binary,
                "append" => SegKind::Append,
                "private_append" => SegKind::PrivateAppend,
                "string" => SegKind::String,
                "utf8" => SegKind::Utf8,
                "utf16" => SegKind::Utf16,
                "utf32" => SegKind::Utf32,
                _ => continue,
            };
            let seg_unit = match &s[2] {
                Operand::Untagged(u) if *u <= u32::MAX as u64 => *u as u32,
                // OTP's emitter reads an integer operand as its tagged small word.
                Operand::Int(u) => match u32::try_from(((*u as u64) << 4) | 0xF) {
                    Ok(unit) if *u >= 0 => unit,
                    _ => {
                        // A unit that large: whatever OTP's code then builds; here the
                        // instruction raises `badarg` if run.
                        self.emit(Instr::Nop);
                        return Ok(());
                    }
                },
                // OTP takes the operand's word whatever its tag: `[]`, an atom, a register
                // load (a unit of 1 here; what such a segment builds differs from OTP's if
                // it is reached).
                _ => 1,
            };
            let flags = self.seg_flags(&s[3]);
            let (src, size) = if kind == SegKind::String {
                let off = match &s[4] {
                    Operand::Untagged(u) => *u as usize,
                    Operand::Int(u) if *u >= 0 => *u as usize,
                    // Any other operand as the offset (a register, an atom, `[]`, a literal,
                    // a negative number): OTP loads it and copies from the string table plus
                    // the operand's word; here the instruction raises `badarg` if run.
                    _ => {
                        self.emit(Instr::Nop);
                        return Ok(());
                    }
                };
                match &s[5] {
                    Operand::Int(n) if *n >= 0 => self.string_segment(off, *n as usize)?,
                    Operand::Untagged(n) => self.string_segment(off, *n as usize)?,
                    // A register as the length, or a literal that may be a small integer:
                    // OTP's code copies no bytes but counts the value in the binary's size;
                    // here the instruction raises `badarg` if run.
                    Operand::X(_) | Operand::Y(_) | Operand::Literal(_) => {
                        self.emit(Instr::Nop);
                        return Ok(());
                    }
                    // Another constant that is no size (an atom, `[]`, a negative number):
                    // OTP's code fails the construction on it (a jump to the fail label or
                    // `badarg`), and so does this segment's.
                    o
                    @ (Operand::Atom(_) | Operand::Nil | Operand::Int(_) | Operand::BigInt(_)) => {
                        let empty = crate::term::boxed::binary(&mut self.file.literal_heap, &[]);
                        (Src::lit(empty), self.src_of(o)?)
                    }
                    o => return Err(self.bad(format!("string size {o:?}"))),
                }
            } else {
                // An untagged number as value or size (a damaged module) loads on OTP;
                // here it is that integer.
                // A label as value or size: OTP's code moves the label's address there
                // (undefined); here the instruction raises `badarg` if run.
                if matches!(s[4], Operand::Label(_)) || matches!(s[5], Operand::Label(_)) {
                    self.emit(Instr::Nop);
                    return Ok(());
                }
                let num_or_src = |cx: &mut Self, o: &Operand| match o {
                    Operand::Untagged(n) => Ok(Src::lit(crate::bignum::from_i64(
                        &mut cx.file.literal_heap,
                        (*n).min(i64::MAX as u64) as i64,
                    ))),
                    o => cx.src_of(o),
                };
                (num_or_src(self, &s[4])?, num_or_src(self, &s[5])?)
            };
            let seg_unit = if kind == SegKind::String { 1 } else { seg_unit };
            segs.push(BinSeg {
                kind,
                unit: seg_unit,
                flags,
                src,
                size,
            });
        }
        self.emit(Instr::BsCreateBin {
            fail,
            unit,
            dst,
            segs: segs.into(),
        });
        Ok(())
    }

    /// A string segment's value and size: `len` bytes of the string table from `off`.
    fn string_segment(&mut self, off: usize, len: usize) -> Result<(Src, Src), LoadError> {
        let bytes = self.string_bytes(off, len)?;
        let bin = crate::term::boxed::binary(&mut self.file.literal_heap, &bytes);
        Ok((Src::lit(bin), Src::lit(Term::small(len as i64 * 8))))
    }

    fn seg_flags(&self, o: &Operand) -> u32 {
        match o {
            // As OTP's loader: the atoms `little` and `native` among the cells of a literal
            // (whatever ends the list, if it is one at all); any other operand its
            // emitter takes in a list gives no flags.
            Operand::Literal(t) => {
                let mut flags = 0;
                let mut t = *t;
                while t.is_list() {
                    match t.head().as_atom().map(|a| a.name()) {
                        Some("little") => flags |= BSF_LITTLE,
                        Some("native") => flags |= BSF_NATIVE | BSF_LITTLE,
                        _ => {}
                    }
                    t = t.tail();
                }
                flags
            }
            // (A float register or a list never gets here: the list is refused.)
            _ => 0,
        }
    }
}

/// Whether an operand is, or a list operand holds, an overflow operand.
fn has_overflow(o: &Operand) -> bool {
    match o {
        Operand::Overflow => true,
        Operand::List(items) => items.iter().any(has_overflow),
        _ => false,
    }
}

/// Whether an instruction of unsigned operands (`allocate*`, `deallocate`, `test_heap`) has a
/// count past 32 bits: OTP loads it (what its code then does is undefined).
fn count_past_32_bits(g: &GenOp) -> bool {
    g.args.iter().all(|o| matches!(o, Operand::Untagged(_)))
        && g.args
            .iter()
            .any(|o| matches!(o, Operand::Untagged(v) if *v > u32::MAX as u64))
}

/// A comparison with a known operator: `<` and `>=` get their own instructions, exact
/// (in)equality with an immediate literal becomes a word comparison.
fn specialise_cmp(op: CmpOp, fail: Lbl, a: Src, b: Src) -> Option<Instr> {
    let imm = |s: Src| s.as_lit().filter(|t| t.is_immediate());
    match op {
        CmpOp::Lt => Some(Instr::CmpLt {
            fail,
            a,
            b,
            then: OnPass::Next,
        }),
        CmpOp::Ge => Some(Instr::CmpGe {
            fail,
            a,
            b,
            then: OnPass::Next,
        }),
        CmpOp::EqExact | CmpOp::NeExact => {
            let (a, imm) = match (imm(a), imm(b)) {
                (_, Some(t)) => (a, t),
                (Some(t), None) => (b, t),
                (None, None) => return None,
            };
            Some(if op == CmpOp::EqExact {
                Instr::EqImm { fail, a, imm }
            } else {
                Instr::NeImm { fail, a, imm }
            })
        }
        _ => None,
    }
}

/// `+`/`-` of a register and a small-integer literal. Two literals (an operation the compiler
/// knows will fail) stay a BIF call, whose error trace starts with the BIF as in OTP.
fn specialise_arith(op: ArithOp, fail: Lbl, a: Src, b: Src, dst: Dst) -> Option<Instr> {
    if a.as_lit().is_some() && b.as_lit().is_some() {
        return None;
    }
    let small = |s: Src| s.as_lit().filter(|t| t.is_small());
    match (op, small(a), small(b)) {
        (ArithOp::Add, _, Some(imm)) => Some(Instr::AddImm { fail, a, imm, dst }),
        (ArithOp::Add, Some(imm), None) => Some(Instr::AddImm {
            fail,
            a: b,
            imm,
            dst,
        }),
        (ArithOp::Sub, _, Some(imm)) => Some(Instr::SubImm { fail, a, imm, dst }),
        _ => None,
    }
}

/// Combines common instruction sequences. A fused instruction replaces the first of the
/// sequence and the others stay in place (jumps may target them); the fused instruction
/// skips them when it runs.
fn peephole(code: &mut [Instr]) {
    // Runs of moves first (they see the plain `Move`s before those are specialised).
    let mut i = 0;
    while i < code.len() {
        let mut j = i;
        while j < code.len() && matches!(code[j], Instr::Move { .. }) {
            j += 1;
        }
        if j - i >= 2 {
            let moves: Vec<(Src, Dst)> = code[i..j]
                .iter()
                .map(|m| match m {
                    Instr::Move { src, dst } => (*src, *dst),
                    _ => unreachable!("only moves in the run"),
                })
                .collect();
            // Keep the later moves (as specialised moves, below) for jumps into the run.
            code[i] = Instr::Moves {
                moves: moves.into(),
            };
        }
        i = j.max(i + 1);
    }
    // Moves or a get_list followed by a local call (before single moves are specialised
    // below).
    for i in 0..code.len() {
        let skip = match &code[i] {
            Instr::Moves { moves } => moves.len(),
            Instr::Move { .. } | Instr::GetList { .. } => 1,
            _ => continue,
        };
        // A `trim` may sit between the moves and the call.
        let (trim, skip) = match code.get(i + skip) {
            Some(Instr::Trim { n }) if !matches!(code[i], Instr::GetList { .. }) => (*n, skip + 1),
            _ => (0, skip),
        };
        let (kind, arity, target) = match code.get(i + skip) {
            Some(Instr::Call { arity, target }) => (LocalCall::Call, *arity, *target),
            Some(Instr::CallLast {
                arity,
                target,
                dealloc,
            }) => match u16::try_from(*dealloc) {
                Ok(d) => (LocalCall::Last(d), *arity, *target),
                Err(_) => continue,
            },
            Some(Instr::CallOnly { arity, target }) => (LocalCall::Only, *arity, *target),
            _ => continue,
        };
        // The fused instruction keeps its counts in 16 bits.
        let (Ok(arity), Ok(trim), Ok(ret)) = (
            u16::try_from(arity),
            u16::try_from(trim),
            u16::try_from(skip + 1),
        ) else {
            continue;
        };
        let moves: Option<ThinSlice<(Src, Dst)>> = match &code[i] {
            Instr::Moves { moves } => Some(moves.to_vec().into()),
            Instr::Move { src, dst } => Some(vec![(*src, *dst)].into()),
            _ => None,
        };
        code[i] = match (moves, &code[i]) {
            (Some(moves), _) => Instr::MovesCall {
                moves,
                kind,
                arity,
                target,
                alloc: 0,
                trim,
                ret,
            },
            (None, Instr::GetList { src, head, tail }) => {
                Instr::GetListCall(Box::new(GetListCallOp {
                    fail: 0,
                    src: *src,
                    head: *head,
                    tail: *tail,
                    kind,
                    arity,
                    target,
                    alloc: 0,
                    ret: 2,
                }))
            }
            _ => unreachable!("matched above"),
        };
    }
    // An `allocate` (without heap) just before such a call sequence joins it; `init_yregs`
    // in between are skipped (a new frame is all `[]` already).
    for i in 0..code.len() {
        let Instr::Allocate { stack, .. } = code[i] else {
            continue;
        };
        let Ok(stack) = u16::try_from(stack) else {
            continue;
        };
        let mut k = i + 1;
        while matches!(code.get(k), Some(Instr::InitYregs { .. })) {
            k += 1;
        }
        let Some(mut fused) = code.get(k).cloned() else {
            continue;
        };
        let (alloc, ret) = match &mut fused {
            Instr::MovesCall { alloc, ret, .. } => (alloc, ret),
            Instr::GetListCall(op) => (&mut op.alloc, &mut op.ret),
            _ => continue,
        };
        let Some(r) = u16::try_from(k - i).ok().and_then(|m| ret.checked_add(m)) else {
            continue;
        };
        *alloc = stack;
        *ret = r;
        code[i] = fused;
    }
    // An `is_nonempty_list` test of an X register just before a fused get_list and call of it.
    for i in 0..code.len().saturating_sub(1) {
        let Instr::Test {
            test: TypeTest::NonemptyList,
            fail: test_fail,
            src: test_src,
        } = code[i]
        else {
            continue;
        };
        if !matches!(code[i + 1], Instr::GetListCall(_)) {
            continue;
        }
        let mut fused = code[i + 1].clone();
        match &mut fused {
            Instr::GetListCall(op)
                if op.fail == 0
                    && op.src == test_src
                    && !test_src.is_y()
                    && test_src.as_lit().is_none() =>
            {
                let Some(r) = op.ret.checked_add(1) else {
                    continue;
                };
                op.fail = test_fail;
                op.ret = r;
            }
            _ => continue,
        }
        code[i] = fused;
    }
    for i in 0..code.len() {
        let next = code.get(i + 1);
        // `test_heap, put_list, deallocate, return`.
        if let (
            Instr::TestHeap { heap, live },
            Some(Instr::PutList { head, tail, dst }),
            Some(Instr::Deallocate { n }),
            Some(Instr::Return),
        ) = (&code[i], next, code.get(i + 2), code.get(i + 3))
        {
            if let (Ok(live), Ok(heap)) = (u8::try_from(*live), u16::try_from(*heap)) {
                code[i] = Instr::PutListReturn {
                    live,
                    heap,
                    dst: *dst,
                    head: *head,
                    tail: *tail,
                    dealloc: *n,
                };
                continue;
            }
        }
        let fused = match (&code[i], next) {
            (Instr::Cmp { op, fail, a, b }, _) => specialise_cmp(*op, *fail, *a, *b),
            (
                Instr::Arith2 {
                    op,
                    ret: NO_RET,
                    dst,
                    fail,
                    a,
                    b,
                },
                _,
            ) => specialise_arith(*op, *fail, *a, *b, *dst).or_else(|| {
                // An arithmetic result returned at once: `..., deallocate N, return`.
                let ret = match (code.get(i + 1), code.get(i + 2)) {
                    (Some(Instr::Deallocate { n }), Some(Instr::Return)) => u16::try_from(*n).ok(),
                    (Some(Instr::Return), _) => Some(0),
                    _ => None,
                };
                ret.filter(|r| *dst == Dst::X(0) && *r != NO_RET)
                    .map(|r| Instr::Arith2 {
                        op: *op,
                        ret: r,
                        dst: *dst,
                        fail: *fail,
                        a: *a,
                        b: *b,
                    })
            }),
            (Instr::Deallocate { n }, Some(Instr::Return)) => {
                Some(Instr::DeallocateReturn { n: *n })
            }
            // A fun called last: `call_fun[2], deallocate N, return` is a tail call.
            (Instr::CallFun { arity } | Instr::CallFun2 { arity, .. }, Some(next))
                if matches!(
                    (next, code.get(i + 2)),
                    (Instr::Deallocate { .. }, Some(Instr::Return)) | (Instr::Return, _)
                ) =>
            {
                let dealloc = match next {
                    Instr::Deallocate { n } => *n,
                    _ => 0,
                };
                let fun = match &code[i] {
                    Instr::CallFun2 { fun, .. } => *fun,
                    _ => Src::x(*arity),
                };
                Some(Instr::CallFunLast {
                    arity: *arity,
                    fun,
                    dealloc,
                })
            }
            (Instr::TestHeap { heap, live }, Some(Instr::PutList { head, tail, dst })) => {
                match (u8::try_from(*live), u16::try_from(*heap)) {
                    (Ok(live), Ok(heap)) => Some(Instr::TestHeapPutList {
                        live,
                        heap,
                        dst: *dst,
                        head: *head,
                        tail: *tail,
                    }),
                    _ => None,
                }
            }
            (
                Instr::Test {
                    test: TypeTest::NonemptyList,
                    fail,
                    src,
                },
                Some(Instr::GetList {
                    src: s2,
                    head,
                    tail,
                }),
            ) if src == s2 => Some(Instr::IsNonemptyGetList {
                fail: *fail,
                src: *src,
                head: *head,
                tail: *tail,
            }),
            (
                Instr::GetTupleElement { src, index, dst },
                Some(Instr::GetTupleElement {
                    src: s2,
                    index: index2,
                    dst: dst2,
                }),
            ) if src == s2 && dst.as_src() != *src => Some(Instr::GetTupleElement2 {
                src: *src,
                index: *index,
                dst: *dst,
                index2: *index2,
                dst2: *dst2,
            }),
            (
                Instr::Test {
                    test: TypeTest::Tuple,
                    fail,
                    src,
                },
                Some(Instr::TestArity {
                    fail: f2,
                    src: s2,
                    arity,
                }),
            ) if src == s2 && fail == f2 => Some(Instr::IsTupleOfArity {
                fail: *fail,
                src: *src,
                arity: *arity,
            }),
            // `select_tuple_arity` fails for anything not a tuple itself.
            (
                Instr::Test {
                    test: TypeTest::Tuple,
                    fail,
                    src,
                },
                Some(
                    select @ Instr::SelectTupleArity {
                        fail: f2, src: s2, ..
                    },
                ),
            ) if src == s2 && fail == f2 => Some(select.clone()),
            (
                Instr::Move {
                    src,
                    dst: Dst::X(0),
                },
                Some(Instr::Return),
            ) => Some(Instr::MoveReturn { src: *src }),
            (Instr::Move { src, dst }, _) => {
                let r = src.reg_index() as u32;
                Some(match (src.as_lit(), src.is_y(), *dst) {
                    (Some(lit), _, Dst::X(d)) => Instr::MoveLitX { lit, dst: d as u32 },
                    (Some(_), _, Dst::Y(_)) => continue,
                    (None, false, Dst::X(d)) => Instr::MoveXX {
                        src: r,
                        dst: d as u32,
                    },
                    (None, false, Dst::Y(d)) => Instr::MoveXY {
                        src: r,
                        dst: d as u32,
                    },
                    (None, true, Dst::X(d)) => Instr::MoveYX {
                        src: r,
                        dst: d as u32,
                    },
                    (None, true, Dst::Y(d)) => Instr::MoveYY {
                        src: r,
                        dst: d as u32,
                    },
                })
            }
            _ => None,
        };
        if let Some(f) = fused {
            code[i] = f;
        }
    }
}

/// A `<`/`>=` test followed by `return` returns by itself when it passes (the base case of a
/// recursion).
fn fuse_test_return(code: &mut [Instr]) {
    for i in 0..code.len().saturating_sub(1) {
        if !matches!(code[i + 1], Instr::Return) {
            continue;
        }
        if let Instr::CmpLt { then: t, .. } | Instr::CmpGe { then: t, .. } = &mut code[i] {
            *t = OnPass::Return;
        }
    }
}

/// Transforms a parsed file into a module (not yet installed).
pub fn transform(mut file: BeamFile) -> Result<Module, LoadError> {
    let module_name = file.module.name().to_string();
    // OTP makes the export entries of all imports first, in the import table's order (the
    // export table's order shows in `module_info(exports)`).
    for imp in &file.imports {
        module::export(imp.module, imp.function, imp.arity);
    }
    let md5 = file.md5;
    let lambda_entries: Vec<&'static FunEntry> = file
        .lambdas
        .iter()
        .map(|l| {
            let m = file.module;
            let (f, a, nf, idx, ou) = (l.function, l.arity, l.num_free, l.index, l.old_uniq);
            module::fun_entry_for_load(FunEntry::new(m, f, a.saturating_sub(nf), nf, idx, ou, md5))
        })
        .collect();
    let code_bytes = std::mem::take(&mut file.code);
    let label_count = file.label_count as usize + 1;
    // About one instruction for every three bytes of code in OTP's modules, and room for the
    // native tier's entries too (`insert_jit_entries`), so that they go in without a copy.
    let capacity = code_bytes.len() / 3 + 16;
    let mut ctx = Ctx {
        file: &mut file,
        module_name,
        code: Vec::with_capacity(capacity),
        label_pos: vec![usize::MAX; label_count],
        functions: Vec::new(),
        lines: Vec::new(),
        op_name: "",
        lambda_entries,
        pending_build: None,
        after_recv_set: 0,
        lines_seen: 0,
        boundary: Boundary::Outside,
    };
    let mut reader = CodeReader::new(&code_bytes);
    let mut g = GenOp {
        op: 0,
        args: smallvec::SmallVec::new(),
    };
    loop {
        let file = &mut *ctx.file;
        let mut cx = OperandCtx {
            atoms: &file.atoms,
            literals: &file.literals,
            type_count: file.type_count,
            label_count: file.label_count,
            heap: &mut file.literal_heap,
        };
        if !reader.next(&mut cx, file.module, &mut g)? {
            break;
        }
        ctx.translate(&g)?;
    }
    reader.finish(ctx.file.function_count)?;
    ctx.flush_build();
    if !matches!(ctx.code.last(), Some(Instr::IntCodeEnd)) {
        ctx.code.push(Instr::IntCodeEnd);
    }
    let Ctx {
        code,
        label_pos,
        functions,
        lines,
        lambda_entries,
        module_name,
        ..
    } = ctx;
    let (mut code, mut label_pos, mut functions, mut lines) = (code, label_pos, functions, lines);
    callee_arities(&mut code, &label_pos);
    let jit = crate::jit::enabled().then(|| crate::instance::leak(crate::jit::JitModule::new()));
    if let Some(jit) = jit {
        code = insert_jit_entries(code, &mut label_pos, &mut functions, &mut lines, jit);
    }
    peephole(&mut code);
    fuse_test_return(&mut code);
    yield_at_branched_entries(&mut code, &mut label_pos, &functions);
    let mut code = code.into_boxed_slice();
    let base = code.as_ptr() as usize;
    let size = std::mem::size_of::<Instr>();
    // A label within the label count that no instruction defines (a damaged module) is
    // taken as OTP's loader takes it, without complaint; here it leads to the closing
    // `int_code_end`, which raises `badarg` if anything ever gets there (OTP would jump
    // nowhere). A label past the count is refused.
    let end = code.iter().rposition(|i| matches!(i, Instr::IntCodeEnd));
    let position = |l: usize| match label_pos.get(l) {
        Some(&p) if p != usize::MAX => Some(p),
        Some(_) => end,
        None => None,
    };
    let mut bad_label = None;
    for ins in code.iter_mut() {
        ins.for_each_label(|l| {
            if *l != 0 {
                match position(*l) {
                    Some(p) => *l = base + p * size,
                    None => bad_label = Some(*l),
                }
            }
        });
    }
    if let Some(l) = bad_label {
        return Err(LoadError::BadInstruction {
            module: module_name,
            name: "label",
            detail: format!("undefined label {l}"),
        });
    }
    let resolve = |l: u32| -> Result<usize, LoadError> {
        position(l as usize).ok_or_else(|| LoadError::BadChunk {
            chunk: "ExpT",
            detail: format!("undefined label {l}"),
        })
    };
    let mut exports = Vec::with_capacity(file.exports.len());
    // A function listed twice is exported once, at its last entry's label (as OTP's
    // loader, which sets the export entry for each in turn).
    let mut export_index = std::collections::HashMap::with_capacity_and_hasher(
        file.exports.len(),
        foldhash::fast::RandomState::default(),
    );
    for e in &file.exports {
        let at = resolve(e.label)?;
        match export_index.entry((e.function, e.arity)) {
            std::collections::hash_map::Entry::Occupied(o) => {
                let k: usize = *o.get();
                exports[k] = (e.function, e.arity, at);
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(exports.len());
                exports.push((e.function, e.arity, at));
            }
        }
    }
    let mut lambda_offsets = Vec::with_capacity(file.lambdas.len());
    for l in &file.lambdas {
        lambda_offsets.push(resolve(l.label)?);
    }
    let on_load = code.iter().position(|i| matches!(i, Instr::OnLoad));
    if let Some(jit) = jit {
        jit.set_code(&code);
    }
    // The tables live as long as the module: no spare capacity from their growth.
    let (mut lines, mut functions, mut lambda_entries) = (lines, functions, lambda_entries);
    lines.shrink_to_fit();
    functions.shrink_to_fit();
    lambda_entries.shrink_to_fit();
    Ok(Module {
        name: file.module,
        code,
        literals: std::mem::take(&mut file.literal_heap),
        lambdas: lambda_entries,
        lambda_offsets,
        functions,
        lines,
        files: std::mem::take(&mut file.files),
        exports,
        attributes: file.attributes,
        compile_info: file.compile_info,
        md5,
        on_load,
        jit,
    })
}

/// The instructions whose label operands must name a label: OTP's loader has no form of
/// them for label 0 (which elsewhere means "raise instead of jumping").
const NEEDS_A_LABEL: &[&str] = &[
    "call",
    "call_last",
    "call_only",
    "jump",
    "loop_rec",
    "loop_rec_end",
    "wait",
    "wait_timeout",
    "catch",
    "try",
    "select_tuple_arity",
    "is_lt",
    "is_ge",
    "is_eq",
    "is_ne",
    "is_eq_exact",
    "is_ne_exact",
    "is_integer",
    "is_float",
    "is_number",
    "is_atom",
    "is_pid",
    "is_reference",
    "is_port",
    "is_nil",
    "is_binary",
    "is_list",
    "is_nonempty_list",
    "is_tuple",
    "test_arity",
    "is_function",
    "is_boolean",
    "is_function2",
    "is_bitstr",
    "is_map",
    "has_map_fields",
    "get_map_elements",
    "is_tagged_tuple",
    "bs_get_integer2",
    "bs_get_float2",
    "bs_get_binary2",
    "bs_skip_bits2",
    "bs_test_tail2",
    "bs_test_unit",
    "bs_match_string",
    "bs_get_utf8",
    "bs_skip_utf8",
    "bs_get_utf16",
    "bs_skip_utf16",
    "bs_get_utf32",
    "bs_skip_utf32",
];

/// A local call's arity operand that was not an unsigned integer.
const UNKNOWN_ARITY: u32 = u32::MAX;

/// Sets the arity of each local call (the registers live across it) from the `func_info` of
/// the function it calls, as OTP does: the instruction's own arity operand is ignored.
fn callee_arities(code: &mut [Instr], label_pos: &[usize]) {
    for i in 0..code.len() {
        let (arity, target) = match &code[i] {
            Instr::Call { arity, target }
            | Instr::CallLast { arity, target, .. }
            | Instr::CallOnly { arity, target } => (*arity, *target),
            _ => continue,
        };
        let callee = label_pos
            .get(target)
            .and_then(|&p| p.checked_sub(1))
            .and_then(|p| match code.get(p) {
                Some(Instr::FuncInfo { mfa }) => Some(mfa.arity),
                _ => None,
            });
        let arity = match (callee, arity) {
            (Some(a), _) => a,
            (None, UNKNOWN_ARITY) => {
                // A call into a function's body with no number of live registers: OTP's
                // loader takes it (its code jumps there with whatever the registers hold);
                // here it raises `badarg` if run.
                code[i] = Instr::Nop;
                continue;
            }
            (None, a) => a,
        };
        match &mut code[i] {
            Instr::Call { arity: a, .. }
            | Instr::CallLast { arity: a, .. }
            | Instr::CallOnly { arity: a, .. } => *a = arity,
            _ => {}
        }
    }
}

/// An untagged number or a label where `put_tuple2`/`make_fun3` take a term (damaged code):
/// OTP's loader stores the operand's number as the word. That is the same term here when
/// the word is a small integer (the tag scheme is OTP's); otherwise OTP stores a word that
/// may be no valid term (a label: a code address), and `[]` stands in for it.
fn raw_word_src(o: &Operand) -> Src {
    let word = match o {
        Operand::Untagged(n) => Some(Term(*n)).filter(|t| t.is_small()),
        _ => None,
    };
    Src::lit(word.unwrap_or(Term::NIL))
}

/// Damaged code may branch (not call) to a function's entry: OTP's code checks reductions at
/// every entry, this VM in its calls, so a loop of such branches would never yield (nor
/// take a `kill`). Each entry label that a branch, a select table or an exception handler
/// names is given a second label, at an [`Instr::EntryYield`] before the closing
/// `int_code_end`, and those operands go there. Code from the compiler has no such branch.
fn yield_at_branched_entries(
    code: &mut Vec<Instr>,
    label_pos: &mut Vec<usize>,
    functions: &[(usize, Atom, u32)],
) {
    // The arity of the function whose entry (the instruction after its `func_info`) is at
    // each position; `NOT_ENTRY` elsewhere.
    const NOT_ENTRY: u32 = u32::MAX;
    let mut arity_at = vec![NOT_ENTRY; code.len() + 1];
    for &(at, _, arity) in functions {
        if let Some(slot) = arity_at.get_mut(at + 1) {
            *slot = arity;
        }
    }
    let entry_arity = |l: Lbl, label_pos: &[usize]| {
        label_pos
            .get(l)
            .and_then(|&p| arity_at.get(p))
            .copied()
            .filter(|&a| a != NOT_ENTRY)
    };
    let mut stubs: std::collections::HashMap<Lbl, Lbl> = std::collections::HashMap::new();
    let mut new_stubs = Vec::new();
    for ins in code.iter_mut() {
        let mut visit = |l: &mut Lbl| {
            if *l == 0 {
                return;
            }
            let Some(arity) = entry_arity(*l, label_pos) else {
                return;
            };
            let stub = *stubs.entry(*l).or_insert_with(|| {
                label_pos.push(usize::MAX);
                new_stubs.push((label_pos.len() - 1, *l, arity));
                label_pos.len() - 1
            });
            *l = stub;
        };
        match ins {
            Instr::Call { .. }
            | Instr::CallLast { .. }
            | Instr::CallOnly { .. }
            | Instr::MovesCall { .. } => {}
            Instr::GetListCall(op) => visit(&mut op.fail),
            other => other.for_each_label(&mut visit),
        }
    }
    if new_stubs.is_empty() {
        return;
    }
    let end = code.pop();
    for (stub, target, arity) in new_stubs {
        label_pos[stub] = code.len();
        code.push(Instr::EntryYield { target, arity });
    }
    code.extend(end);
}

/// With the native-code tier on: puts a `JitEnter` at each function entry (the instruction
/// after `func_info`, where the entry label points), after each call that pushes a return
/// address (where returns land) and before each `loop_rec` (where a waiting process
/// resumes), numbering them, and moves the label, function and line
/// offsets along.
fn insert_jit_entries(
    mut code: Vec<Instr>,
    label_pos: &mut [usize],
    functions: &mut [(usize, Atom, u32)],
    lines: &mut [(u32, Location)],
    jit: &'static crate::jit::JitModule,
) -> Vec<Instr> {
    let len = code.len();
    let mut entry = vec![false; len + 1];
    for (off, _, _) in functions.iter() {
        if off + 1 < len {
            entry[off + 1] = true;
        }
    }
    // A fun called before `deallocate`/`return` becomes a tail call (`peephole`): nothing
    // returns after it, and it must stay next to them to be fused.
    let tail_fun_call = |i: usize| {
        matches!(
            (code.get(i + 1), code.get(i + 2)),
            (Some(Instr::Deallocate { .. }), Some(Instr::Return)) | (Some(Instr::Return), _)
        )
    };
    // Per instruction: an entry before it (a function's entry; a receive's loop head, where
    // a process that waited resumes) and one after it (where a call returns).
    let before = |i: usize| entry[i] || matches!(code[i], Instr::LoopRec { .. });
    let after = |i: usize| match &code[i] {
        Instr::Call { .. }
        | Instr::CallExt { .. }
        | Instr::CallBif { .. }
        | Instr::Apply { .. } => true,
        Instr::CallFun { .. } | Instr::CallFun2 { .. } => !tail_fun_call(i),
        _ => false,
    };
    // Old offset -> new offset of the instruction, or of the entry put before it (where
    // its labels then point); bit 0 of `marks[i]`: an entry before, bit 1: an entry after.
    let mut new_pos = Vec::with_capacity(len + 1);
    let mut marks = Vec::with_capacity(len);
    let mut at = 0usize;
    for i in 0..len {
        let m = before(i) as u8 | (after(i) as u8) << 1;
        marks.push(m);
        new_pos.push(at);
        at += 1 + (m & 1) as usize + (m >> 1) as usize;
    }
    new_pos.push(at);
    let slots = (at - len) as u32;
    // Moved in place from the end: each instruction goes to its new offset (at or after its
    // old one, so the place is free: what was there has moved on already), and the entries
    // fill the gaps, numbered in code order.
    code.resize_with(at, || Instr::IntCodeEnd);
    let mut slot = slots;
    for i in (0..len).rev() {
        let p = new_pos[i] + (marks[i] & 1) as usize;
        if marks[i] & 2 != 0 {
            slot -= 1;
            code[p + 1] = Instr::JitEnter { jit, slot };
        }
        code.swap(i, p);
        if marks[i] & 1 != 0 {
            slot -= 1;
            code[p - 1] = Instr::JitEnter { jit, slot };
        }
    }
    debug_assert_eq!(slot, 0);
    for p in label_pos.iter_mut().filter(|p| **p != usize::MAX) {
        *p = new_pos[*p];
    }
    for f in functions.iter_mut() {
        f.0 = new_pos[f.0];
    }
    for l in lines.iter_mut() {
        l.0 = new_pos[l.0 as usize] as u32;
    }
    code
}

/// Bit-syntax flags with `native` resolved: this runtime runs on little-endian machines.
fn native_endian(flags: u32) -> u32 {
    use crate::emu::instr::{BSF_LITTLE, BSF_NATIVE};
    if flags & BSF_NATIVE != 0 {
        flags | BSF_LITTLE
    } else {
        flags
    }
}
