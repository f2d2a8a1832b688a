//! `{packet, N}` framing of the spawn and fd drivers: a big-endian length header of 1, 2 or 4
//! bytes before each message written to the port program, and the same headers taken off
//! what it writes back. `N = 0` is a stream: data passes as it comes.

/// Why a message cannot be framed: it is too long for the header (`einval`).
#[derive(Debug, PartialEq, Eq)]
pub struct TooLong;

/// The length header of a `len`-byte message for `{packet, n}`: its bytes (the first `n`
/// of the array count).
pub fn header(packet: u8, len: usize) -> Result<([u8; 4], usize), TooLong> {
    let mut h = [0u8; 4];
    match packet {
        0 => {}
        1 => h[0] = u8::try_from(len).map_err(|_| TooLong)?,
        2 => h[..2].copy_from_slice(&u16::try_from(len).map_err(|_| TooLong)?.to_be_bytes()),
        _ => h.copy_from_slice(&u32::try_from(len).map_err(|_| TooLong)?.to_be_bytes()),
    }
    Ok((h, packet as usize))
}

/// `data` with its length header for `{packet, n}`.
pub fn frame(packet: u8, data: &[u8]) -> Result<Vec<u8>, TooLong> {
    let (h, n) = header(packet, data.len())?;
    let mut out = Vec::with_capacity(n + data.len());
    out.extend_from_slice(&h[..n]);
    out.extend_from_slice(data);
    Ok(out)
}

/// Reassembles `{packet, n}` messages from the bytes read.
#[derive(Debug)]
pub struct Deframer {
    packet: u8,
    buf: Vec<u8>,
}

impl Deframer {
    pub fn new(packet: u8) -> Deframer {
        Deframer {
            packet,
            buf: Vec::new(),
        }
    }

    /// Adds `data` and calls `each` with every complete message (stream mode: `data` itself).
    pub fn feed(&mut self, data: &[u8], mut each: impl FnMut(&[u8])) {
        if self.packet == 0 {
            each(data);
            return;
        }
        let hdr = self.packet as usize;
        // Whole messages straight from `data` when nothing is pending.
        let mut rest = data;
        if self.buf.is_empty() {
            while let Some(len) = Self::length(self.packet, rest) {
                if rest.len() < hdr + len {
                    break;
                }
                each(&rest[hdr..hdr + len]);
                rest = &rest[hdr + len..];
            }
            self.buf.extend_from_slice(rest);
            return;
        }
        self.buf.extend_from_slice(rest);
        let mut start = 0;
        while let Some(len) = Self::length(self.packet, &self.buf[start..]) {
            if self.buf.len() - start < hdr + len {
                break;
            }
            each(&self.buf[start + hdr..start + hdr + len]);
            start += hdr + len;
        }
        self.buf.drain(..start);
    }

    /// Bytes of an unfinished message.
    pub fn pending(&self) -> usize {
        self.buf.len()
    }

    fn length(packet: u8, b: &[u8]) -> Option<usize> {
        match packet {
            1 => b.first().map(|&n| n as usize),
            2 => b
                .get(..2)
                .map(|h| u16::from_be_bytes([h[0], h[1]]) as usize),
            _ => b
                .get(..4)
                .map(|h| u32::from_be_bytes([h[0], h[1], h[2], h[3]]) as usize),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_in_pieces() {
        for packet in [1u8, 2, 4] {
            let msgs: Vec<Vec<u8>> = vec![vec![], b"a".to_vec(), vec![7; 200]];
            let mut wire = Vec::new();
            for m in &msgs {
                wire.extend(frame(packet, m).unwrap());
            }
            // Fed one byte at a time and all at once, the same messages come out.
            for step in [1, wire.len()] {
                let mut d = Deframer::new(packet);
                let mut got = Vec::new();
                for chunk in wire.chunks(step) {
                    d.feed(chunk, |m| got.push(m.to_vec()));
                }
                assert_eq!(got, msgs, "packet {packet} step {step}");
                assert_eq!(d.pending(), 0);
            }
        }
    }

    #[test]
    fn too_long_for_the_header() {
        assert_eq!(frame(1, &[0; 256]), Err(TooLong));
        assert_eq!(frame(2, &[0; 65536]), Err(TooLong));
        assert!(frame(1, &[0; 255]).is_ok());
    }
}
