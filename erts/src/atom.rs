//! The global atom table (OTP's `atom.c`): UTF-8 names interned once, an atom is an index.
//!
//! Reads (`name`) are lock-free: names live in an append-only `boxcar::Vec`. Interning takes a
//! mutex on the name→index hash table. Atoms that the runtime refers to by name are declared in the
//! `atoms!` list below and get fixed indices, so `atom::OK` is a constant.

use parking_lot::Mutex;
use std::hash::BuildHasher;
use std::sync::OnceLock;

/// An atom: an index into the atom table.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct Atom(pub u32);

/// OTP's limit on atom length in characters.
pub const MAX_ATOM_CHARS: usize = 255;
/// OTP's default atom table size (`+t`).
pub const MAX_ATOMS: usize = 1_048_576;

struct Table {
    names: boxcar::Vec<Name>,
    index: Mutex<Index>,
}

/// Name → atom: a hash table of atom indices (4 bytes a slot; the name is read from `names`),
/// and the storage the names are copied into.
/// An atom's text, and its first eight bytes as a big-endian number (zeros past the end):
/// two atoms whose numbers differ are ordered as those numbers are, without reading the
/// texts (OTP's `ord0`).
#[derive(Copy, Clone)]
struct Name {
    text: &'static str,
    ord: u64,
}

impl Name {
    fn of(text: &'static str) -> Name {
        let mut b = [0u8; 8];
        let n = text.len().min(8);
        b[..n].copy_from_slice(&text.as_bytes()[..n]);
        Name {
            text,
            ord: u64::from_be_bytes(b),
        }
    }
}

struct Index {
    slots: hashbrown::HashTable<u32>,
    hasher: foldhash::fast::RandomState,
    names: NameArena,
}

impl Index {
    fn find(&self, names: &boxcar::Vec<Name>, name: &str) -> Option<u32> {
        let h = self.hasher.hash_one(name);
        self.slots
            .find(h, |&i| {
                names.get(i as usize).is_some_and(|n| n.text == name)
            })
            .copied()
    }

    fn insert(&mut self, names: &boxcar::Vec<Name>, name: &'static str) -> u32 {
        let i = names.push(Name::of(name)) as u32;
        let h = self.hasher.hash_one(name);
        let hasher = &self.hasher;
        self.slots.insert_unique(h, i, |&j| {
            hasher.hash_one(names.get(j as usize).map_or("", |n| n.text))
        });
        i
    }
}

/// Atom names, packed into large blocks that live as long as the process (an atom is never
/// freed), rather than one allocation each.
struct NameArena {
    free: &'static mut [u8],
}

impl NameArena {
    const BLOCK: usize = 32 * 1024;

    fn store(&mut self, name: &str) -> &'static str {
        let n = name.len();
        if n > self.free.len() {
            let size = Self::BLOCK.max(n);
            self.free = Box::leak(vec![0u8; size].into_boxed_slice());
        }
        let block = std::mem::take(&mut self.free);
        let (piece, rest) = block.split_at_mut(n);
        self.free = rest;
        piece.copy_from_slice(name.as_bytes());
        let piece: &'static [u8] = piece;
        std::str::from_utf8(piece).expect("a copy of a str is UTF-8")
    }
}

/// Atoms the index holds before it first grows (a full OTP boot makes about 9,000).
const INITIAL_SLOTS: usize = 16 * 1024;

// Process-wide: atoms are immutable, and an atom's index means the same in every instance.
static TABLE: OnceLock<Table> = OnceLock::new();

fn table() -> &'static Table {
    TABLE.get_or_init(|| {
        let t = Table {
            names: boxcar::Vec::new(),
            index: Mutex::new(Index {
                // Room for a booted system's atoms, so that start-up does not rehash.
                slots: hashbrown::HashTable::with_capacity(INITIAL_SLOTS),
                hasher: foldhash::fast::RandomState::default(),
                names: NameArena { free: &mut [] },
            }),
        };
        {
            let mut idx = t.index.lock();
            for (i, n) in PREDEFINED.iter().enumerate() {
                let got = idx.insert(&t.names, n);
                debug_assert_eq!(got as usize, i);
            }
        }
        t
    })
}

/// Errors from interning an atom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AtomError {
    /// More than 255 characters.
    TooLong,
    /// The table is full.
    TableFull,
}

/// Interns `name` (UTF-8), returning its atom.
pub fn intern(name: &str) -> Result<Atom, AtomError> {
    if name.len() > MAX_ATOM_CHARS && name.chars().count() > MAX_ATOM_CHARS {
        return Err(AtomError::TooLong);
    }
    let t = table();
    let mut idx = t.index.lock();
    if let Some(i) = idx.find(&t.names, name) {
        return Ok(Atom(i));
    }
    if t.names.count() >= MAX_ATOMS {
        return Err(AtomError::TableFull);
    }
    let s = idx.names.store(name);
    Ok(Atom(idx.insert(&t.names, s)))
}

/// Interns a name known to be valid (runtime-internal names); panics only on misuse.
pub fn atom(name: &str) -> Atom {
    intern(name).expect("runtime atom name is valid")
}

/// Looks up an existing atom without creating it.
pub fn existing(name: &str) -> Option<Atom> {
    let t = table();
    let found = t.index.lock().find(&t.names, name);
    found.map(Atom)
}

/// The name of an atom.
#[inline]
pub fn name(a: Atom) -> &'static str {
    table().names.get(a.0 as usize).map_or("", |n| n.text)
}

/// The order of two atoms (by their texts, as Erlang's term order has it).
pub fn cmp(a: Atom, b: Atom) -> std::cmp::Ordering {
    let names = &table().names;
    match (names.get(a.0 as usize), names.get(b.0 as usize)) {
        (Some(x), Some(y)) if x.ord != y.ord => x.ord.cmp(&y.ord),
        (Some(x), Some(y)) => x.text.cmp(y.text),
        _ => name(a).cmp(name(b)),
    }
}

/// Number of atoms in the table.
pub fn count() -> usize {
    table().names.count()
}

impl Atom {
    pub fn name(self) -> &'static str {
        name(self)
    }
}

macro_rules! atoms {
    ($($id:ident = $name:literal,)*) => {
        const PREDEFINED: &[&str] = &[$($name,)*];
        atoms!(@consts 0u32, $($id,)*);
    };
    (@consts $n:expr, $id:ident, $($rest:ident,)*) => {
        pub const $id: Atom = Atom($n);
        atoms!(@consts $n + 1u32, $($rest,)*);
    };
    (@consts $n:expr,) => {};
}

atoms! {
    // --- core
    FALSE = "false",
    TRUE = "true",
    UNDEFINED = "undefined",
    OK = "ok",
    ERROR = "error",
    THROW = "throw",
    EXIT = "exit",
    NORMAL = "normal",
    KILL = "kill",
    KILLED = "killed",
    EXIT_UPPER = "EXIT",
    DOWN = "DOWN",
    NOPROC = "noproc",
    INFINITY = "infinity",
    ERLANG = "erlang",
    NONODE = "nonode@nohost",
    EMPTY = "",
    // --- error reasons
    BADARG = "badarg",
    BADARITH = "badarith",
    BADMATCH = "badmatch",
    FUNCTION_CLAUSE = "function_clause",
    CASE_CLAUSE = "case_clause",
    IF_CLAUSE = "if_clause",
    UNDEF = "undef",
    BADFUN = "badfun",
    BADARITY = "badarity",
    TRY_CLAUSE = "try_clause",
    BADKEY = "badkey",
    BADMAP = "badmap",
    BADRECORD = "badrecord",
    SYSTEM_LIMIT = "system_limit",
    NOCATCH = "nocatch",
    NOTSUP = "notsup",
    // --- stack traces and error_info
    FILE = "file",
    LINE = "line",
    ERROR_INFO = "error_info",
    MODULE = "module",
    FUNCTION = "function",
    ARITY = "arity",
    CAUSE = "cause",
    NAME = "name",
    ENV = "env",
    TYPE = "type",
    LOCAL = "local",
    EXTERNAL = "external",
    UNIQ = "uniq",
    INDEX = "index",
    NEW_INDEX = "new_index",
    NEW_UNIQ = "new_uniq",
    PID = "pid",
    // --- bit syntax, binaries, conversions
    LATIN1 = "latin1",
    UNICODE = "unicode",
    UTF8 = "utf8",
    UTF16 = "utf16",
    UTF32 = "utf32",
    BIG = "big",
    LITTLE = "little",
    NATIVE = "native",
    SIGNED = "signed",
    UNSIGNED = "unsigned",
    DECIMALS = "decimals",
    SCIENTIFIC = "scientific",
    COMPACT = "compact",
    SHORT = "short",
    COMPRESSED = "compressed",
    SAFE = "safe",
    USED = "used",
    MINOR_VERSION = "minor_version",
    DETERMINISTIC = "deterministic",
    // --- maps, misc
    ITERATOR = "iterator",
    NONE = "none",
    VALUE = "value",
    APPLY = "apply",
    CALL = "call",
    RETURN = "return",
    FUN = "fun",
    MAX = "max",
    HIGH = "high",
    LOW = "low",
    START = "start",
    STOP = "stop",
    INIT = "init",
    ON_LOAD = "on_load",
    MODULE_INFO = "module_info",
    EXPORTS = "exports",
    ATTRIBUTES = "attributes",
    COMPILE = "compile",
    MD5 = "md5",
    NIF = "nif",
    ERROR_HANDLER = "error_handler",
    UNDEFINED_FUNCTION = "undefined_function",
    UNDEFINED_LAMBDA = "undefined_lambda",
    TIMEOUT_VALUE = "timeout_value",
    ALL = "all",
    NIF_ERROR = "nif_error",
    // --- port messages
    DATA = "data",
    EOL = "eol",
    NOEOL = "noeol",
}

/// OTP's hash value of an atom's text (`atom_hash` in `atom.c`): hashpjw over the UTF-8
/// bytes, with two-byte UTF-8 sequences of latin-1 characters folded to the character first.
/// `phash/2` and `phash2/1,2` hash atoms by this value.
pub fn text_hash(name: &str) -> u32 {
    let b = name.as_bytes();
    let mut h: u32 = 0;
    let mut i = 0;
    while i < b.len() {
        let mut v = b[i];
        i += 1;
        if i < b.len() && (v & 0xFE) == 0xC2 && (b[i] & 0xC0) == 0x80 {
            v = (v << 6) | (b[i] & 0x3F);
            i += 1;
        }
        h = (h << 4).wrapping_add(v as u32);
        let g = h & 0xf000_0000;
        if g != 0 {
            h ^= g >> 24;
            h ^= g;
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_is_the_texts_order() {
        // Texts that share their first eight bytes, NULs (which the numbers pad with),
        // prefixes, and characters past ASCII (UTF-8 orders as the code points).
        let texts = [
            "",
            "a",
            "a\0",
            "a\0b",
            "ab",
            "abcdefgh",
            "abcdefgh\0",
            "abcdefghi",
            "abcdefghj",
            "abcdefgi",
            "b",
            "zzzzzzzzzzzz",
            "\u{e9}",
            "\u{e9}t\u{e9}",
            "\u{1F600}",
        ];
        let atoms: Vec<Atom> = texts.iter().map(|t| atom(t)).collect();
        for (i, a) in atoms.iter().enumerate() {
            for (j, b) in atoms.iter().enumerate() {
                assert_eq!(
                    cmp(*a, *b),
                    texts[i].cmp(texts[j]),
                    "{:?} {:?}",
                    texts[i],
                    texts[j]
                );
            }
        }
    }

    #[test]
    fn predefined_are_fixed() {
        assert_eq!(name(OK), "ok");
        assert_eq!(atom("ok"), OK);
        assert_eq!(name(FALSE), "false");
        let a = atom("some_new_atom_xyz");
        assert_eq!(name(a), "some_new_atom_xyz");
        assert_eq!(existing("some_new_atom_xyz"), Some(a));
        assert_eq!(intern(&"a".repeat(256)), Err(AtomError::TooLong));
        assert!(intern(&"ä".repeat(255)).is_ok());
    }

    #[test]
    fn names_survive_the_index_growing() {
        // Enough new atoms to grow the hash table several times and fill more than one
        // block of names (some names longer than a block's remainder).
        let made: Vec<(String, Atom)> = (0..40_000)
            .map(|i| {
                let n = format!("growth_test_{i}_{}", "x".repeat(i % 200));
                let a = atom(&n);
                (n, a)
            })
            .collect();
        for (n, a) in &made {
            assert_eq!(name(*a), n);
            assert_eq!(existing(n), Some(*a));
            assert_eq!(atom(n), *a);
        }
        assert_eq!(existing("growth_test_never_made"), None);
    }
}
