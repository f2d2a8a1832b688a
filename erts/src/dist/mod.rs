//! Distribution (OTP's `dist.c`, `erl_node_tables.c`): this node's name, connections to
//! other nodes over controller ports set up by `net_kernel`/`dist_util`, and the signals
//! that cross them.
//!
//! - [`node`]: this node's name and creation (`erlang:setnode/2`).
//! - [`protocol`]: the capability flags, control message operations and frames.
//! - [`remote`]: processes of other nodes as link/monitor ids.
//! - [`entry`]: one entry per known node: the connection's state and the links and
//!   monitors that cross it.
//! - [`output`]: local signals for remote processes, as control messages.
//! - [`input`]: control messages received, as local signals.
//!
//! The data path of a message to a remote pid: `erlang:send/2` → [`output::send`] encodes
//! the control message and payload into a frame → [`entry::DistEntry::send`] writes it to the
//! controller port (a `{packet, 4}` TCP socket of the `tcp_inet` driver), or queues it while
//! the connection is being set up. On the other side the driver's packet goes to
//! [`input::received`] instead of the port's owner, and [`input::drain`] delivers the message
//! to the local process.

pub mod entry;
pub mod input;
pub mod monitor_nodes;
pub mod node;
pub mod output;
pub mod protocol;
pub mod remote;
