//! The structural pass OTP makes over an external term before decoding it (its "decoded
//! size" walk): every tag must be known and every length must stay inside the input, but
//! the contents are not judged (a bit count, an atom's bytes, a float's text are the
//! decoder's business). OTP's loader checks a module's `Attr` and `CInf` chunks only this
//! way, so a module whose compilation information passes the walk but does not decode still
//! loads (its `module_info(compile)` then fails with `badarg`).

use super::tags::*;
use crate::atom::MAX_ATOM_CHARS;
use crate::term::external::MAX_REF_WORDS;

/// The longest atom in bytes: 255 Latin-1 characters, or 255 characters of up to 4 UTF-8
/// bytes.
const MAX_LATIN1_ATOM: usize = MAX_ATOM_CHARS;
const MAX_UTF8_ATOM: usize = 4 * MAX_ATOM_CHARS;
/// The most free variables a fun may have.
const MAX_FREE: usize = 255;

/// Whether `bytes` (a version byte, then one term) passes the walk.
pub fn accepts(bytes: &[u8]) -> bool {
    match bytes {
        // A compressed term is inflated first (it must give the size it announces).
        [VERSION_MAGIC, COMPRESSED, a, b, c, d, rest @ ..] => {
            let size = u32::from_be_bytes([*a, *b, *c, *d]) as usize;
            super::decode::inflate(rest, size).is_ok_and(|(data, _)| walk(&data))
        }
        [VERSION_MAGIC, COMPRESSED, ..] => false,
        [VERSION_MAGIC, rest @ ..] => walk(rest),
        _ => false,
    }
}

/// Walks the terms of `b` from its start: false as soon as a tag is unknown or a length
/// runs past the end.
fn walk(b: &[u8]) -> bool {
    let mut pos = 0usize;
    // Terms still to walk (the elements of the containers met so far).
    let mut pending: u64 = 1;
    // Bytes that follow the next atom: the fields of the pid, port or reference whose node
    // name it is.
    let mut after_atom = 0usize;
    let u16_at = |p: usize| -> Option<usize> {
        let s = b.get(p..p + 2)?;
        Some(u16::from_be_bytes([s[0], s[1]]) as usize)
    };
    let u32_at = |p: usize| -> Option<usize> {
        let s = b.get(p..p + 4)?;
        Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]) as usize)
    };
    while pending > 0 {
        let Some(&tag) = b.get(pos) else {
            return false;
        };
        pos += 1;
        // How many bytes the term's own encoding takes after the tag, when that is known
        // now; containers add their elements to `pending` instead.
        let skip: Option<usize> = match tag {
            SMALL_INTEGER_EXT => Some(1),
            INTEGER_EXT => Some(4),
            NEW_FLOAT_EXT => Some(8),
            FLOAT_EXT => Some(31),
            NIL_EXT => Some(0),
            SMALL_BIG_EXT => b.get(pos).map(|&n| 2 + n as usize),
            LARGE_BIG_EXT => match u32_at(pos) {
                Some(n) if (n as u64) * 8 <= crate::bignum::MAX_BIG_BITS => Some(5 + n),
                _ => return false,
            },
            ATOM_EXT | ATOM_UTF8_EXT => {
                let limit = if tag == ATOM_EXT {
                    MAX_LATIN1_ATOM
                } else {
                    MAX_UTF8_ATOM
                };
                match u16_at(pos) {
                    Some(n) if n <= limit => Some(2 + n + std::mem::take(&mut after_atom)),
                    _ => return false,
                }
            }
            SMALL_ATOM_EXT | SMALL_ATOM_UTF8_EXT => b
                .get(pos)
                .map(|&n| 1 + n as usize + std::mem::take(&mut after_atom)),
            // Atoms by index (the distribution's atom cache, OTP's internal atom table): the
            // walk takes them as it takes any atom, by their size.
            ATOM_CACHE_REF => Some(1 + std::mem::take(&mut after_atom)),
            ATOM_INTERNAL_REF2 => Some(2 + std::mem::take(&mut after_atom)),
            ATOM_INTERNAL_REF3 => Some(3 + std::mem::take(&mut after_atom)),
            PID_EXT | NEW_PID_EXT | PORT_EXT | NEW_PORT_EXT | V4_PORT_EXT | REFERENCE_EXT => {
                // The node's atom comes next; the fixed fields after it.
                after_atom = match tag {
                    PID_EXT => 4 + 4 + 1,
                    NEW_PID_EXT => 4 + 4 + 4,
                    PORT_EXT => 4 + 1,
                    NEW_PORT_EXT => 4 + 4,
                    V4_PORT_EXT => 8 + 4,
                    _ => 4 + 1,
                };
                pending += 1;
                Some(0)
            }
            NEW_REFERENCE_EXT | NEWER_REFERENCE_EXT => match u16_at(pos) {
                Some(words) if words <= MAX_REF_WORDS => {
                    let creation = if tag == NEW_REFERENCE_EXT { 1 } else { 4 };
                    after_atom = creation + 4 * words;
                    pending += 1;
                    Some(2)
                }
                _ => return false,
            },
            SMALL_TUPLE_EXT => match b.get(pos) {
                Some(&n) => {
                    pending += n as u64;
                    Some(1)
                }
                None => return false,
            },
            LARGE_TUPLE_EXT | LIST_EXT | MAP_EXT => match u32_at(pos) {
                Some(n) => {
                    pending += match tag {
                        LARGE_TUPLE_EXT => n as u64,
                        // The elements and the tail.
                        LIST_EXT => n as u64 + 1,
                        _ => 2 * n as u64,
                    };
                    Some(4)
                }
                None => return false,
            },
            STRING_EXT => u16_at(pos).map(|n| 2 + n),
            BINARY_EXT => u32_at(pos).map(|n| 4 + n),
            // The length, the bits of the last byte, the bytes.
            BIT_BINARY_EXT => match (u32_at(pos), b.get(pos + 4)) {
                (Some(n), Some(_)) => Some(5 + n),
                _ => return false,
            },
            EXPORT_EXT => {
                pending += 3;
                Some(0)
            }
            NEW_FUN_EXT | FUN_EXT => {
                // NEW_FUN_EXT: its total size (within the input), arity, uniq and index
                // come before the free-variable count.
                let head = if tag == NEW_FUN_EXT {
                    match u32_at(pos) {
                        Some(total)
                            if b.len() - pos >= 4 + 1 + 16 + 4 && total <= b.len() - pos =>
                        {
                            4 + 1 + 16 + 4
                        }
                        _ => return false,
                    }
                } else {
                    0
                };
                match u32_at(pos + head) {
                    Some(free) if free <= MAX_FREE => {
                        // Module, index, uniq, creator pid, then the free variables.
                        pending += 4 + free as u64;
                        Some(head + 4)
                    }
                    _ => return false,
                }
            }
            _ => return false,
        };
        match skip {
            Some(n) if n <= b.len() - pos => pos += n,
            _ => return false,
        }
        pending -= 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::accepts;

    #[test]
    fn whole_terms_pass() {
        // term_to_binary([{version, "8.2.3"}, {options, []}])
        let t = [
            131, 108, 0, 0, 0, 2, 104, 2, 119, 7, b'v', b'e', b'r', b's', b'i', b'o', b'n', 107, 0,
            5, b'8', b'.', b'2', b'.', b'3', 104, 2, 119, 7, b'o', b'p', b't', b'i', b'o', b'n',
            b's', 106, 106,
        ];
        assert!(accepts(&t));
        // A cut anywhere fails.
        for n in 0..t.len() {
            assert!(!accepts(&t[..n]), "accepted a cut at {n}");
        }
    }

    #[test]
    fn contents_are_not_judged_but_tags_and_lengths_are() {
        // A bit binary whose bit count is out of range (the decoder refuses it).
        assert!(accepts(&[131, 77, 0, 0, 0, 1, 99, 0xff]));
        // An unknown tag.
        assert!(!accepts(&[131, 255]));
        // Atoms by index (cache, internal table) pass as OTP's walk takes them: a tuple of
        // an atom cache reference, an internal reference of 2 and one of 3 bytes.
        assert!(accepts(&[131, 104, 3, 82, 0, 73, 0, 1, 75, 0, 0, 1]));
        assert!(!accepts(&[131, 73, 0]));
        // A binary longer than the input.
        assert!(!accepts(&[131, 109, 0, 0, 0, 9, 1, 2]));
        // A pid: node atom, then id, serial and creation.
        let pid = [131, 88, 119, 1, b'a', 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 7];
        assert!(accepts(&pid));
        assert!(!accepts(&pid[..pid.len() - 1]));
        // Too many reference words.
        assert!(!accepts(&[131, 90, 0, 6, 119, 1, b'a']));
        // A list's tail is walked too.
        assert!(accepts(&[131, 108, 0, 0, 0, 1, 97, 1, 97, 2]));
        assert!(!accepts(&[131, 108, 0, 0, 0, 1, 97, 1]));
    }
}
