//! Exceptions: the class and reason of a raised exception, and the failure value that BIFs
//! and instructions return (`Fail`), which the interpreter turns into a raised exception with
//! a stack trace (OTP's `freason` / `x(0..2)` protocol in `beam_emu`).

use crate::atom::{self, Atom};
use crate::module::Export;
use crate::term::Term;

/// The class of an exception.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Class {
    Error,
    Exit,
    Throw,
}

impl Class {
    pub fn atom(self) -> Atom {
        match self {
            Class::Error => atom::ERROR,
            Class::Exit => atom::EXIT,
            Class::Throw => atom::THROW,
        }
    }
    pub fn from_atom(a: Atom) -> Option<Class> {
        match a {
            atom::ERROR => Some(Class::Error),
            atom::EXIT => Some(Class::Exit),
            atom::THROW => Some(Class::Throw),
            _ => None,
        }
    }
}

/// Why a BIF or an instruction did not produce a value.
#[derive(Debug)]
pub enum Fail {
    /// `error:Reason` raised by a BIF: the stack trace gets a frame for the BIF with its
    /// arguments and OTP's `error_info` (optionally with a `cause`).
    Error { reason: Term, cause: Term },
    /// An exception with an explicit class and reason (`throw/1`, `exit/1`, `error/1,2`).
    /// `args` is `NONE` or the argument list to show in the top frame (`error/2`).
    Raise {
        class: Class,
        reason: Term,
        args: Term,
        /// `NONE`, or the `{error_info, Map}` of `error/3`'s options, appended to the top
        /// frame's location.
        error_info: Term,
    },
    /// `erlang:raise/3`: re-raise with a given stack trace term.
    ReRaise {
        class: Class,
        reason: Term,
        stacktrace: Term,
    },
    /// The BIF is not implemented by this runtime: raises `undef` (never a guard failure).
    Undef,
    /// The calling process was killed by an exit signal it sent itself (`exit(self(), R)`):
    /// it terminates with this reason; no catch sees it.
    Exited(Term),
    /// Continue by calling `target` with `args` (as `apply/3` does).
    Trap {
        target: &'static Export,
        args: Vec<Term>,
    },
}

impl Fail {
    #[inline]
    pub fn error(reason: Term) -> Fail {
        Fail::Error {
            reason,
            cause: Term::NONE,
        }
    }
    #[inline]
    pub fn error_atom(a: Atom) -> Fail {
        Fail::error(Term::atom(a))
    }
    #[inline]
    pub fn badarg() -> Fail {
        Fail::error_atom(atom::BADARG)
    }
    #[inline]
    pub fn badarith() -> Fail {
        Fail::error_atom(atom::BADARITH)
    }
    #[inline]
    pub fn system_limit() -> Fail {
        Fail::error_atom(atom::SYSTEM_LIMIT)
    }
    /// `badarg` with an `error_info` cause term.
    pub fn badarg_cause(cause: Term) -> Fail {
        Fail::Error {
            reason: Term::atom(atom::BADARG),
            cause,
        }
    }
    pub fn throw(reason: Term) -> Fail {
        Fail::Raise {
            class: Class::Throw,
            reason,
            args: Term::NONE,
            error_info: Term::NONE,
        }
    }
    pub fn exit(reason: Term) -> Fail {
        Fail::Raise {
            class: Class::Exit,
            reason,
            args: Term::NONE,
            error_info: Term::NONE,
        }
    }
}

/// Result of a BIF.
pub type BifResult = Result<Term, Fail>;
