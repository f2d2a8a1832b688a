//! The `.beam` loader (OTP's `beam_load.c` / `beam_file.c`).
//!
//! Loading happens in two stages:
//! 1. [`beam_file`] reads the IFF container and its chunks into a [`BeamFile`]: the atom table,
//!    imports, exports, lambdas, literals (decoded into a literal heap), the line table and the
//!    code as a list of generic operations ([`GenOp`]) with decoded operands ([`Operand`]).
//! 2. `transform` turns generic operations into the interpreter's instructions, resolving
//!    labels, imports and BIFs, and installs the module.
//!
//! Every failure is a [`LoadError`]; malformed input never panics.

pub mod beam_file;
pub mod compact;
pub mod genop;
pub mod transform;

use crate::atom::Atom;
use crate::heap::Heap;
use crate::term::Term;

/// A decoded operand of a generic instruction (the compact term encoding).
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    /// `u` tag: an untagged unsigned value (arities, sizes, flags, indices).
    Untagged(u64),
    /// `i` tag: an integer that fits in an i64.
    Int(i64),
    /// `i` tag: an integer beyond i64, stored as a bignum term in the literal heap.
    BigInt(Term),
    /// `a` tag with a non-zero index: an atom.
    Atom(Atom),
    /// `a` tag with index 0: `[]`.
    Nil,
    /// `x` register.
    X(u32),
    /// `y` register.
    Y(u32),
    /// `f` tag: a label (0 means "no label").
    Label(u32),
    /// Extended: float register.
    FloatReg(u32),
    /// Extended: a list of operands (`select_val` tables, `put_map` pairs, ...). Boxed: the
    /// rare large operands stay out of line, so an operand is 16 bytes (a module's generic
    /// instructions are decoded into memory all at once). (An allocation list is read as
    /// the unsigned number of heap words it asks for, as OTP's reader does.)
    List(Box<Vec<Operand>>),
    /// Extended: a literal from `LitT` (a term in the literal heap).
    Literal(Term),
    /// A value past a signed word under a tag other than `i` (OTP's `TAG_o`): the reader
    /// takes it, and only operands OTP's loader drops unread accept it.
    Overflow,
}

impl Operand {
    /// Whether the operand is a constant term (OTP's operand types `i`, `a`, `n`, `q`: an
    /// integer, an atom, `[]` or a literal).
    pub fn is_constant(&self) -> bool {
        matches!(
            self,
            Operand::Atom(_)
                | Operand::Int(_)
                | Operand::BigInt(_)
                | Operand::Nil
                | Operand::Literal(_)
        )
    }
}

/// A generic operation: opcode number (see [`genop`]) and operands.
#[derive(Clone, Debug, PartialEq)]
pub struct GenOp {
    pub op: u8,
    pub args: smallvec::SmallVec<[Operand; 4]>,
}

/// An import: `M:F/A`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Import {
    pub module: Atom,
    pub function: Atom,
    pub arity: u32,
}

/// An export or local function: name, arity and entry label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FuncRef {
    pub function: Atom,
    pub arity: u32,
    pub label: u32,
}

/// A `FunT` entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lambda {
    pub function: Atom,
    pub arity: u32,
    pub label: u32,
    pub index: u32,
    pub num_free: u32,
    pub old_uniq: u32,
}

/// A line-table item: (file index, line). Item 0 is "no location".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineItem {
    pub file: u32,
    pub line: u32,
}

/// A parsed `.beam` file.
pub struct BeamFile {
    pub module: Atom,
    /// The atom table; index 0 of the file's table is unused, so `atoms[i - 1]` is atom `i`.
    pub atoms: Vec<Atom>,
    pub imports: Vec<Import>,
    pub exports: Vec<FuncRef>,
    pub locals: Vec<FuncRef>,
    pub lambdas: Vec<Lambda>,
    /// Literal terms from `LitT`, living in `literal_heap`.
    pub literals: Vec<Term>,
    pub literal_heap: Heap,
    /// `StrT` contents (used by `bs_match_string` / `put_string`).
    pub strings: Vec<u8>,
    /// Line items (index 0 = no location) and file names (from the `Line` chunk; when the
    /// chunk names no files, file 0 is `<module>.erl`).
    pub line_items: Vec<LineItem>,
    /// Whether the file has a line table OTP reads (a `Line` chunk of version 0): `line`
    /// instructions must then name one of its items.
    pub has_line_table: bool,
    /// The number of `line` instructions the line table's header announces (0 without one).
    pub line_instrs: u32,
    pub files: Vec<String>,
    /// `Attr` and `CInf` decoded (in `literal_heap`); `NIL` when absent, `NONE` when the chunk
    /// passed OTP's structural walk but does not decode (the module loads, as on OTP).
    pub attributes: Term,
    pub compile_info: Term,
    /// The module's MD5 as `erlang:module_info(md5)` / `beam_lib:md5/1` computes it.
    pub md5: [u8; 16],
    /// Number of labels (from the code header).
    pub label_count: u32,
    /// Number of functions (from the code header).
    pub function_count: u32,
    /// Entries of the `Type` chunk (`None`: no type table).
    pub type_count: Option<u32>,
    /// The code: the `Code` chunk's instructions (after its header), in the compact
    /// encoding; [`beam_file::CodeReader`] decodes them.
    pub code: Vec<u8>,
}

/// Why a module could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// Not an IFF `FOR1`/`BEAM` file, or a chunk runs past the end.
    BadContainer(String),
    /// A required chunk is absent.
    MissingChunk(&'static str),
    /// A chunk's contents are malformed.
    BadChunk { chunk: &'static str, detail: String },
    /// An opcode the loader does not know.
    UnknownOpcode { module: String, opcode: u8 },
    /// An opcode OTP 25's compiler no longer emits.
    ObsoleteOpcode { module: String, name: &'static str },
    /// An instruction with operands the loader cannot use.
    BadInstruction {
        module: String,
        name: &'static str,
        detail: String,
    },
    /// The file could not be read.
    Io(String),
    /// The module name does not match the file name.
    BadModuleName { expected: String, found: String },
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::BadContainer(d) => write!(f, "not a valid BEAM file: {d}"),
            LoadError::MissingChunk(c) => write!(f, "missing chunk {c}"),
            LoadError::BadChunk { chunk, detail } => write!(f, "bad chunk {chunk}: {detail}"),
            LoadError::UnknownOpcode { module, opcode } => {
                write!(f, "module {module}: unknown opcode {opcode}")
            }
            LoadError::ObsoleteOpcode { module, name } => write!(
                f,
                "module {module}: obsolete instruction {name} is not supported (recompile with OTP 25)"
            ),
            LoadError::BadInstruction {
                module,
                name,
                detail,
            } => write!(f, "module {module}: bad instruction {name}: {detail}"),
            LoadError::Io(e) => write!(f, "{e}"),
            LoadError::BadModuleName { expected, found } => {
                write!(f, "module name in object code is {found}, expected {expected}")
            }
        }
    }
}

impl std::error::Error for LoadError {}

#[cfg(test)]
mod size_tests {
    #[test]
    fn operands_stay_small() {
        assert_eq!(std::mem::size_of::<super::Operand>(), 16);
    }
}
