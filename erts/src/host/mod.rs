//! What a host program that embeds the runtime needs of it (the C API of the root package
//! builds on this): calls into Erlang code whose outcome comes back to the calling thread
//! ([`call`]), mailboxes that stand for the host as a pid ([`mailbox`]), and sending to a pid
//! or registered name from outside any process ([`send`]).
//!
//! A process started for a host call or standing for a mailbox carries a [`HostRole`]; the
//! scheduler hands it the end of the call, and the mailbox's native behaviour hands it each
//! message.

pub mod call;
pub mod mailbox;

use crate::process::exit::deliver;
use crate::process::signals::{OwnedTerm, Signal};
use crate::term::Term;

/// What a process does for the host.
pub enum HostRole {
    /// It runs a host call: its end (return value, exception or exit) goes to the caller.
    Call(call::Sink),
    /// It is a host mailbox: its messages go to the host.
    Mailbox(std::sync::Arc<mailbox::Mailbox>),
}

/// Why a message could not be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendError {
    /// The destination is neither a local pid nor an atom.
    BadDestination,
    /// No process is registered under that name (`erlang:send/2` raises `badarg`).
    NotRegistered,
}

/// Sends `msg` to `to`, a local pid or a registered name, as `erlang:send/2` does from a
/// process, but from the host: a message to a pid that is gone is dropped silently.
pub fn send(to: Term, msg: Term) -> Result<(), SendError> {
    let id = if to.is_local_pid() {
        to.pid_number()
    } else if let Some(name) = to.as_atom() {
        crate::process::registry::whereis(name).ok_or(SendError::NotRegistered)?
    } else {
        return Err(SendError::BadDestination);
    };
    let _ = deliver(id, Signal::Message(OwnedTerm::copy_of(msg)));
    Ok(())
}
