//! Reading a PCRE pattern's text far enough to skip what is not syntax: escapes, `\Q...\E`
//! quoting and character classes. Shared by the PCRE 8.x compatibility rewrites and checks.

/// The first offset at or after `from` where `needle` starts.
pub fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// The index just past the escape that starts at `i` (a backslash): `\Q` quotes up to `\E`
/// (or the end of the pattern), any other escape is two bytes here.
pub fn escape_end(pattern: &[u8], i: usize) -> usize {
    if pattern.get(i + 1) == Some(&b'Q') {
        find(pattern, i + 2, b"\\E").map_or(pattern.len(), |e| e + 2)
    } else {
        (i + 2).min(pattern.len())
    }
}

/// The index just past the class that starts at `start` (a `[`): a `]` right after `[` or
/// `[^` is a member, and `[:name:]` (or `[.x.]`, `[=x=]`) is a POSIX item inside it.
pub fn class_end(pattern: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    if pattern.get(i) == Some(&b'^') {
        i += 1;
    }
    if pattern.get(i) == Some(&b']') {
        i += 1;
    }
    while i < pattern.len() {
        match pattern[i] {
            b'\\' => i = escape_end(pattern, i),
            b'[' if matches!(pattern.get(i + 1), Some(b':' | b'.' | b'=')) => {
                let close = [pattern[i + 1], b']'];
                i = find(pattern, i + 2, &close).map_or(i + 1, |e| e + 2);
            }
            b']' => return i + 1,
            _ => i += 1,
        }
    }
    pattern.len()
}

#[cfg(test)]
mod tests {
    use super::{class_end, escape_end};

    #[test]
    fn classes_end_after_their_bracket() {
        assert_eq!(class_end(b"[ab]c", 0), 4);
        assert_eq!(class_end(b"[]a]c", 0), 4);
        assert_eq!(class_end(b"[^]a]c", 0), 5);
        assert_eq!(class_end(b"[[:alpha:]]c", 0), 11);
        assert_eq!(class_end(br"[\]]c", 0), 4);
        assert_eq!(class_end(b"[ab", 0), 3);
    }

    #[test]
    fn escapes_and_quotes() {
        assert_eq!(escape_end(br"\dx", 0), 2);
        assert_eq!(escape_end(br"\Q()\Ex", 0), 6);
        assert_eq!(escape_end(br"\Q()", 0), 4);
        assert_eq!(escape_end(b"\\", 0), 1);
    }
}
