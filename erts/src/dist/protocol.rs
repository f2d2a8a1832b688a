//! The distribution protocol's data (OTP's `dist.h`, "Distribution Protocol" in the ERTS
//! user's guide): the capability flags this runtime offers in the handshake, the operations
//! of control messages, and the frames written on a connection.
//!
//! A frame, once the handshake is over and the controller is a `{packet, 4}` socket, is one
//! packet: the pass-through byte 112, the control message in the external format, then for
//! messages the payload term in the external format. This runtime offers neither the atom
//! cache header nor fragmentation, so every frame has that form both ways (an empty packet
//! is a tick).

use crate::etf::encode::{encode_into, EncodeOpts};
use crate::term::Term;

/// The byte that starts a frame without a distribution header.
pub const PASS_THROUGH: u8 = 112;
/// The external format's version byte.
pub const VERSION_MAGIC: u8 = 131;

/// Capability flags (OTP's `DFLAG_*`).
pub mod dflag {
    pub const PUBLISHED: u64 = 0x01;
    pub const EXTENDED_REFERENCES: u64 = 0x04;
    pub const DIST_MONITOR: u64 = 0x08;
    pub const FUN_TAGS: u64 = 0x10;
    pub const DIST_MONITOR_NAME: u64 = 0x20;
    pub const NEW_FUN_TAGS: u64 = 0x80;
    pub const EXTENDED_PIDS_PORTS: u64 = 0x100;
    pub const EXPORT_PTR_TAG: u64 = 0x200;
    pub const BIT_BINARIES: u64 = 0x400;
    pub const NEW_FLOATS: u64 = 0x800;
    pub const UNICODE_IO: u64 = 0x1000;
    pub const DIST_HDR_ATOM_CACHE: u64 = 0x2000;
    pub const SMALL_ATOM_TAGS: u64 = 0x4000;
    pub const UTF8_ATOMS: u64 = 0x10000;
    pub const MAP_TAG: u64 = 0x20000;
    pub const BIG_CREATION: u64 = 0x40000;
    pub const HANDSHAKE_23: u64 = 0x0100_0000;
    pub const MANDATORY_25_DIGEST: u64 = 0x0400_0000;
    pub const SPAWN: u64 = 1 << 32;
    pub const NAME_ME: u64 = 2 << 32;
    pub const ALIAS: u64 = 8 << 32;

    /// What every OTP 25 node must offer.
    pub const MANDATORY: u64 = EXTENDED_REFERENCES
        | FUN_TAGS
        | EXTENDED_PIDS_PORTS
        | NEW_FUN_TAGS
        | EXPORT_PTR_TAG
        | BIT_BINARIES
        | NEW_FLOATS
        | UTF8_ATOMS
        | MAP_TAG
        | BIG_CREATION
        | HANDSHAKE_23;

    /// What this runtime offers: the mandatory set, monitors (by pid and by name), unicode
    /// I/O, small atom tags, distributed spawn and aliases (`NAME_ME` is added by
    /// `dist_util` when this node asks for a dynamic name). Not offered: the atom cache,
    /// fragments, exit payloads, `UNLINK_ID` (links use the old `UNLINK`), sequential trace
    /// labels, `V4_NC`.
    pub const DEFAULT: u64 = MANDATORY
        | MANDATORY_25_DIGEST
        | DIST_MONITOR
        | DIST_MONITOR_NAME
        | UNICODE_IO
        | SMALL_ATOM_TAGS
        | SPAWN
        | ALIAS;
}

/// Control message operations (OTP's `DOP_*`).
pub mod op {
    pub const LINK: i64 = 1;
    pub const SEND: i64 = 2;
    pub const EXIT: i64 = 3;
    pub const UNLINK: i64 = 4;
    pub const REG_SEND: i64 = 6;
    pub const GROUP_LEADER: i64 = 7;
    pub const EXIT2: i64 = 8;
    pub const SEND_TT: i64 = 12;
    pub const EXIT_TT: i64 = 13;
    pub const REG_SEND_TT: i64 = 16;
    pub const EXIT2_TT: i64 = 18;
    pub const MONITOR_P: i64 = 19;
    pub const DEMONITOR_P: i64 = 20;
    pub const MONITOR_P_EXIT: i64 = 21;
    pub const SEND_SENDER: i64 = 22;
    pub const SEND_SENDER_TT: i64 = 23;
    pub const PAYLOAD_EXIT: i64 = 24;
    pub const PAYLOAD_EXIT_TT: i64 = 25;
    pub const PAYLOAD_EXIT2: i64 = 26;
    pub const PAYLOAD_EXIT2_TT: i64 = 27;
    pub const PAYLOAD_MONITOR_P_EXIT: i64 = 28;
    pub const SPAWN_REQUEST: i64 = 29;
    pub const SPAWN_REQUEST_TT: i64 = 30;
    pub const SPAWN_REPLY: i64 = 31;
    pub const SPAWN_REPLY_TT: i64 = 32;
    pub const ALIAS_SEND: i64 = 33;
    pub const ALIAS_SEND_TT: i64 = 34;
    pub const UNLINK_ID: i64 = 35;
    pub const UNLINK_ID_ACK: i64 = 36;
}

/// `SPAWN_REPLY` flags: the link, the monitor asked for was set up.
pub const SPAWN_FLG_LINK: i64 = 1;
pub const SPAWN_FLG_MONITOR: i64 = 2;

fn opts() -> EncodeOpts {
    EncodeOpts {
        // UTF-8 atom tags, new floats.
        minor_version: 2,
        deterministic: false,
    }
}

/// A frame: control message `ctl` and, for messages, `payload`.
pub fn frame(ctl: Term, payload: Option<Term>) -> Vec<u8> {
    let mut out = vec![PASS_THROUGH, VERSION_MAGIC];
    encode_into(&mut out, ctl, opts());
    if let Some(p) = payload {
        out.push(VERSION_MAGIC);
        encode_into(&mut out, p, opts());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heap::Heap;
    use crate::term::boxed;

    #[test]
    fn a_frame_is_pass_through_then_two_terms() {
        let mut h = Heap::with_capacity(16);
        let ctl = boxed::tuple(&mut h, &[Term::small(op::SEND), Term::NIL]);
        let f = frame(ctl, Some(Term::small(5)));
        // 112, 131, {2, []} = SMALL_TUPLE 2, SMALL_INT 2, NIL; 131, SMALL_INT 5.
        assert_eq!(f, vec![112, 131, 104, 2, 97, 2, 106, 131, 97, 5]);
        assert_eq!(dflag::DEFAULT & dflag::MANDATORY, dflag::MANDATORY);
        assert_eq!(dflag::DEFAULT & dflag::DIST_HDR_ATOM_CACHE, 0);
    }
}
