//! The tagged term word (`Eterm` in OTP): one machine word whose low bits say what it is.
//!
//! The layout follows OTP's 64-bit `erl_term.h`, so an `ERL_NIF_TERM` is this word:
//!
//! | low bits   | meaning                                                    |
//! |------------|------------------------------------------------------------|
//! | `..00`     | header word (only inside boxed objects, never a value)     |
//! | `..01`     | list: pointer to a cons cell `[head, tail]`                |
//! | `..10`     | boxed: pointer to a header word                            |
//! | `0011`     | local pid (number above bit 4)                             |
//! | `0111`     | local port                                                 |
//! | `1111`     | small integer (60-bit signed, above bit 4)                 |
//! | `00 1011`  | atom (index into the atom table above bit 6)               |
//! | `01 1011`  | catch tag (code pointer above bit 6, only on the stack)    |
//! | `11 1011`  | `[]`                                                       |
//!
//! A word of value 0 is `NONE` (OTP's `THE_NON_VALUE`): "no term".
//!
//! Header words hold a subtag (bits 2..6) and an arity (bits 6..): the number of words that
//! follow the header. See [`boxed`] for the layout of each boxed object.

pub mod boxed;
pub mod compare;
pub mod copy;
pub mod external;
pub mod otp_size;

use crate::atom::Atom;

/// One tagged term word.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Default)]
#[repr(transparent)]
pub struct Term(pub u64);

pub const TAG_PRIMARY_MASK: u64 = 0x3;
pub const TAG_PRIMARY_HEADER: u64 = 0x0;
pub const TAG_PRIMARY_LIST: u64 = 0x1;
pub const TAG_PRIMARY_BOXED: u64 = 0x2;
pub const TAG_PRIMARY_IMMED1: u64 = 0x3;

pub const TAG_IMMED1_MASK: u64 = 0xF;
pub const TAG_IMMED1_PID: u64 = 0x3;
pub const TAG_IMMED1_PORT: u64 = 0x7;
pub const TAG_IMMED1_IMMED2: u64 = 0xB;
pub const TAG_IMMED1_SMALL: u64 = 0xF;

pub const TAG_IMMED2_MASK: u64 = 0x3F;
pub const TAG_IMMED2_ATOM: u64 = 0x0B;
pub const TAG_IMMED2_CATCH: u64 = 0x1B;
pub const TAG_IMMED2_NIL: u64 = 0x3B;

/// Largest small integer (60-bit signed).
pub const MAX_SMALL: i64 = (1i64 << 59) - 1;
/// Smallest small integer.
pub const MIN_SMALL: i64 = -(1i64 << 59);

/// Header subtags (already shifted into bits 2..6), as in OTP.
pub mod subtag {
    pub const MASK: u64 = 0x3C;
    pub const TUPLE: u64 = 0x0 << 2;
    pub const MATCH_STATE: u64 = 0x1 << 2;
    pub const POS_BIG: u64 = 0x2 << 2;
    pub const NEG_BIG: u64 = 0x3 << 2;
    pub const REF: u64 = 0x4 << 2;
    pub const FUN: u64 = 0x5 << 2;
    pub const FLOAT: u64 = 0x6 << 2;
    pub const EXPORT: u64 = 0x7 << 2;
    pub const REFC_BINARY: u64 = 0x8 << 2;
    pub const HEAP_BINARY: u64 = 0x9 << 2;
    pub const SUB_BINARY: u64 = 0xA << 2;
    pub const EXTERNAL_PID: u64 = 0xC << 2;
    pub const EXTERNAL_PORT: u64 = 0xD << 2;
    pub const EXTERNAL_REF: u64 = 0xE << 2;
    pub const MAP: u64 = 0xF << 2;
}

/// Builds a header word from a subtag and an arity (words that follow the header).
#[inline(always)]
pub const fn make_header(subtag: u64, arity: usize) -> u64 {
    ((arity as u64) << 6) | subtag
}

/// The arity stored in a header word.
#[inline(always)]
pub const fn header_arity(header: u64) -> usize {
    (header >> 6) as usize
}

/// The subtag stored in a header word.
#[inline(always)]
pub const fn header_subtag(header: u64) -> u64 {
    header & subtag::MASK
}

impl Term {
    /// "No value" (`THE_NON_VALUE`): never a valid term.
    pub const NONE: Term = Term(0);
    /// The empty list `[]`.
    pub const NIL: Term = Term(TAG_IMMED2_NIL);

    #[inline(always)]
    pub const fn raw(self) -> u64 {
        self.0
    }
    #[inline(always)]
    pub const fn is_none(self) -> bool {
        self.0 == 0
    }
    #[inline(always)]
    pub const fn primary_tag(self) -> u64 {
        self.0 & TAG_PRIMARY_MASK
    }

    // ----- small integers -----
    #[inline(always)]
    pub const fn small(v: i64) -> Term {
        Term(((v as u64) << 4) | TAG_IMMED1_SMALL)
    }
    /// A small integer if `v` fits in 60 bits.
    #[inline(always)]
    pub fn try_small(v: i64) -> Option<Term> {
        if (MIN_SMALL..=MAX_SMALL).contains(&v) {
            Some(Term::small(v))
        } else {
            None
        }
    }
    #[inline(always)]
    pub const fn is_small(self) -> bool {
        self.0 & TAG_IMMED1_MASK == TAG_IMMED1_SMALL
    }
    /// The value of a small integer (caller checked `is_small`).
    #[inline(always)]
    pub const fn small_value(self) -> i64 {
        (self.0 as i64) >> 4
    }
    #[inline(always)]
    pub fn as_small(self) -> Option<i64> {
        if self.is_small() {
            Some(self.small_value())
        } else {
            None
        }
    }

    // ----- atoms -----
    #[inline(always)]
    pub const fn atom(a: Atom) -> Term {
        Term(((a.0 as u64) << 6) | TAG_IMMED2_ATOM)
    }
    #[inline(always)]
    pub const fn is_atom(self) -> bool {
        self.0 & TAG_IMMED2_MASK == TAG_IMMED2_ATOM
    }
    /// The atom of an atom term (caller checked `is_atom`).
    #[inline(always)]
    pub const fn atom_value(self) -> Atom {
        Atom((self.0 >> 6) as u32)
    }
    #[inline(always)]
    pub fn as_atom(self) -> Option<Atom> {
        if self.is_atom() {
            Some(self.atom_value())
        } else {
            None
        }
    }
    #[inline(always)]
    pub const fn bool(b: bool) -> Term {
        if b {
            Term::atom(crate::atom::TRUE)
        } else {
            Term::atom(crate::atom::FALSE)
        }
    }
    #[inline(always)]
    pub fn is_boolean(self) -> bool {
        self == Term::atom(crate::atom::TRUE) || self == Term::atom(crate::atom::FALSE)
    }

    // ----- nil, pids, ports, catches -----
    #[inline(always)]
    pub const fn is_nil(self) -> bool {
        self.0 == TAG_IMMED2_NIL
    }
    #[inline(always)]
    pub const fn pid(n: u64) -> Term {
        Term((n << 4) | TAG_IMMED1_PID)
    }
    #[inline(always)]
    pub const fn is_local_pid(self) -> bool {
        self.0 & TAG_IMMED1_MASK == TAG_IMMED1_PID
    }
    #[inline(always)]
    pub const fn pid_number(self) -> u64 {
        self.0 >> 4
    }
    #[inline(always)]
    pub const fn port(n: u64) -> Term {
        Term((n << 4) | TAG_IMMED1_PORT)
    }
    #[inline(always)]
    pub const fn is_local_port(self) -> bool {
        self.0 & TAG_IMMED1_MASK == TAG_IMMED1_PORT
    }
    #[inline(always)]
    pub const fn port_number(self) -> u64 {
        self.0 >> 4
    }
    /// A catch tag holding a code address (stack only).
    #[inline(always)]
    pub fn catch(addr: usize) -> Term {
        Term(((addr as u64) << 6) | TAG_IMMED2_CATCH)
    }
    #[inline(always)]
    pub const fn is_catch(self) -> bool {
        self.0 & TAG_IMMED2_MASK == TAG_IMMED2_CATCH
    }
    #[inline(always)]
    pub const fn catch_addr(self) -> usize {
        (self.0 >> 6) as usize
    }
    #[inline(always)]
    pub const fn is_immediate(self) -> bool {
        self.0 & TAG_PRIMARY_MASK == TAG_PRIMARY_IMMED1
    }

    // ----- lists and boxed pointers -----
    #[inline(always)]
    pub const fn is_list(self) -> bool {
        self.0 & TAG_PRIMARY_MASK == TAG_PRIMARY_LIST
    }
    #[inline(always)]
    pub const fn is_boxed(self) -> bool {
        self.0 & TAG_PRIMARY_MASK == TAG_PRIMARY_BOXED
    }
    /// Tags a pointer to a cons cell.
    #[inline(always)]
    pub fn make_list(ptr: *const Term) -> Term {
        Term(ptr as u64 | TAG_PRIMARY_LIST)
    }
    /// Tags a pointer to a header word.
    #[inline(always)]
    pub fn make_boxed(ptr: *const Term) -> Term {
        Term(ptr as u64 | TAG_PRIMARY_BOXED)
    }
    /// The cons cell pointer of a list term.
    #[inline(always)]
    pub const fn list_ptr(self) -> *mut Term {
        (self.0 & !TAG_PRIMARY_MASK) as *mut Term
    }
    /// The header pointer of a boxed term.
    #[inline(always)]
    pub const fn boxed_ptr(self) -> *mut Term {
        (self.0 & !TAG_PRIMARY_MASK) as *mut Term
    }
    /// Head of a cons cell (caller checked `is_list`).
    #[inline(always)]
    pub fn head(self) -> Term {
        // SAFETY: a list term always points at a live two-word cons cell on a heap or in a
        // literal area; terms are only created by this crate's allocation functions.
        unsafe { *self.list_ptr() }
    }
    /// Tail of a cons cell (caller checked `is_list`).
    #[inline(always)]
    pub fn tail(self) -> Term {
        // SAFETY: as in `head`; the cell has two words.
        unsafe { *self.list_ptr().add(1) }
    }
    /// The header word of a boxed term (caller checked `is_boxed`).
    #[inline(always)]
    pub fn header(self) -> u64 {
        // SAFETY: a boxed term always points at a live header word (see `head`).
        unsafe { (*self.boxed_ptr()).0 }
    }
    /// Word `i` of a boxed object, counting the header as word 0.
    #[inline(always)]
    pub fn boxed_word(self, i: usize) -> u64 {
        // SAFETY: callers index within the arity recorded in the header.
        unsafe { (*self.boxed_ptr().add(i)).0 }
    }
    #[inline(always)]
    pub fn boxed_subtag(self) -> u64 {
        header_subtag(self.header())
    }
    #[inline(always)]
    pub fn is_boxed_with(self, st: u64) -> bool {
        self.is_boxed() && self.boxed_subtag() == st
    }

    // ----- type tests used by the type-test instructions and BIFs -----
    #[inline(always)]
    pub fn is_tuple(self) -> bool {
        self.is_boxed_with(subtag::TUPLE)
    }
    #[inline(always)]
    pub fn is_float(self) -> bool {
        self.is_boxed_with(subtag::FLOAT)
    }
    #[inline(always)]
    pub fn is_bignum(self) -> bool {
        self.is_boxed() && matches!(self.boxed_subtag(), subtag::POS_BIG | subtag::NEG_BIG)
    }
    #[inline(always)]
    pub fn is_integer(self) -> bool {
        self.is_small() || self.is_bignum()
    }
    #[inline(always)]
    pub fn is_number(self) -> bool {
        self.is_small()
            || (self.is_boxed()
                && matches!(
                    self.boxed_subtag(),
                    subtag::POS_BIG | subtag::NEG_BIG | subtag::FLOAT
                ))
    }
    #[inline(always)]
    pub fn is_map(self) -> bool {
        self.is_boxed_with(subtag::MAP)
    }
    #[inline(always)]
    pub fn is_function(self) -> bool {
        self.is_boxed() && matches!(self.boxed_subtag(), subtag::FUN | subtag::EXPORT)
    }
    #[inline(always)]
    pub fn is_bitstring(self) -> bool {
        self.is_boxed()
            && matches!(
                self.boxed_subtag(),
                subtag::HEAP_BINARY | subtag::REFC_BINARY | subtag::SUB_BINARY
            )
    }
    /// A bitstring whose size is a whole number of bytes.
    #[inline(always)]
    pub fn is_binary(self) -> bool {
        self.is_bitstring() && boxed::bitstring_bit_size(self) % 8 == 0
    }
    #[inline(always)]
    pub fn is_reference(self) -> bool {
        self.is_boxed() && matches!(self.boxed_subtag(), subtag::REF | subtag::EXTERNAL_REF)
    }
    #[inline(always)]
    pub fn is_pid(self) -> bool {
        self.is_local_pid() || self.is_boxed_with(subtag::EXTERNAL_PID)
    }
    #[inline(always)]
    pub fn is_port(self) -> bool {
        self.is_local_port() || self.is_boxed_with(subtag::EXTERNAL_PORT)
    }
    #[inline(always)]
    pub fn is_match_state(self) -> bool {
        self.is_boxed_with(subtag::MATCH_STATE)
    }
}

impl std::fmt::Debug for Term {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_small() {
            write!(f, "{}", self.small_value())
        } else if self.is_atom() {
            write!(f, "'{}'", crate::atom::name(self.atom_value()))
        } else if self.is_nil() {
            write!(f, "[]")
        } else if self.is_none() {
            write!(f, "NONE")
        } else {
            write!(f, "Term({:#x})", self.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_round_trip() {
        for v in [0, 1, -1, MAX_SMALL, MIN_SMALL, 123456789] {
            let t = Term::small(v);
            assert!(t.is_small());
            assert_eq!(t.small_value(), v);
            assert!(!t.is_atom() && !t.is_list() && !t.is_boxed());
        }
        assert!(Term::try_small(MAX_SMALL + 1).is_none());
        assert!(Term::try_small(MIN_SMALL - 1).is_none());
    }

    #[test]
    fn immediates_are_distinct() {
        let a = Term::atom(Atom(5));
        assert!(a.is_atom() && a.atom_value() == Atom(5));
        assert!(Term::NIL.is_nil() && !Term::NIL.is_atom());
        assert!(Term::pid(7).is_local_pid() && Term::pid(7).pid_number() == 7);
        assert!(Term::port(7).is_local_port());
        let c = Term::catch(0x7fff_1234_5678);
        assert!(c.is_catch() && c.catch_addr() == 0x7fff_1234_5678);
    }
}
