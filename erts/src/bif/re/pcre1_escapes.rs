//! OTP 25's `re` is PCRE 8.x; this runtime compiles with PCRE2. The two read some escapes
//! differently, and this module rewrites a pattern so PCRE2 reads it as PCRE 8.x does:
//!
//! - a backslash before a letter that has no meaning (`\y`, `\j`, `\i`, ...) is the letter itself
//!   (PCRE 8.x without `PCRE_EXTRA`), where PCRE2 refuses the pattern;
//! - in a character class, escapes that only mean something outside classes (`\A`, `\B`, `\C`,
//!   `\G`, `\K`, `\R`, `\X`, `\Z`, `\z`) are their letter too.
//!
//! Everything else is copied unchanged: `\Q...\E` quoting, `(?#...)` comments, escapes with
//! arguments. The rewrite keeps, for each byte it writes, the offset of the byte it came from,
//! so compile errors report offsets in the pattern the program gave.

use super::pcre1_scan::find;

/// Letters whose escape PCRE 8.x does not know: the letter itself, in and out of classes.
const UNKNOWN_ESCAPES: &[u8] = b"FIJMOTYijmqy";

/// Escapes PCRE 8.x reads as their letter inside a class (they are assertions or sequences
/// outside).
const CLASS_LITERAL_ESCAPES: &[u8] = b"ABCGKRXZz";

/// A pattern rewritten for PCRE2, and where each of its bytes came from.
pub struct Rewritten {
    pub pattern: Vec<u8>,
    origin: Vec<usize>,
    original_len: usize,
}

impl Rewritten {
    /// An empty rewrite of a pattern of `original_len` bytes.
    pub fn with_capacity(original_len: usize) -> Rewritten {
        Rewritten {
            pattern: Vec::with_capacity(original_len),
            origin: Vec::with_capacity(original_len),
            original_len,
        }
    }

    /// Appends `b`, which stands for the byte at `from` in the original pattern.
    pub fn push(&mut self, b: u8, from: usize) {
        self.pattern.push(b);
        self.origin.push(from);
    }

    /// The offset in the original pattern of offset `at` in the rewritten one.
    pub fn original_offset(&self, at: usize) -> usize {
        self.origin.get(at).copied().unwrap_or(self.original_len)
    }
}

/// Rewrites `pattern`; `None` when nothing needs rewriting (the common case).
pub fn rewrite(pattern: &[u8]) -> Option<Rewritten> {
    if !pattern
        .windows(2)
        .any(|w| w[0] == b'\\' && needs_look(w[1]))
    {
        return None;
    }
    let mut out = Rewritten {
        pattern: Vec::with_capacity(pattern.len()),
        origin: Vec::with_capacity(pattern.len()),
        original_len: pattern.len(),
    };
    let push = |out: &mut Rewritten, b: u8, from: usize| {
        out.pattern.push(b);
        out.origin.push(from);
    };
    let mut i = 0;
    let mut in_class = false;
    let mut changed = false;
    while i < pattern.len() {
        let b = pattern[i];
        match b {
            b'\\' if i + 1 < pattern.len() => {
                let e = pattern[i + 1];
                if e == b'Q' {
                    // Quoted up to `\E` (or the end): copied as it is.
                    let end = find(pattern, i + 2, b"\\E").map_or(pattern.len(), |e| e + 2);
                    for (k, &c) in pattern[i..end].iter().enumerate() {
                        push(&mut out, c, i + k);
                    }
                    i = end;
                    continue;
                }
                let literal = UNKNOWN_ESCAPES.contains(&e)
                    || (in_class && CLASS_LITERAL_ESCAPES.contains(&e));
                if literal {
                    push(&mut out, e, i);
                    changed = true;
                    i += 2;
                    continue;
                }
                push(&mut out, b'\\', i);
                push(&mut out, e, i + 1);
                i += 2;
                // `\cX`: X is data, whatever it is (`\c[` is ESC, not a class).
                if e == b'c' && i < pattern.len() {
                    push(&mut out, pattern[i], i);
                    i += 1;
                }
                continue;
            }
            b'[' if !in_class => {
                in_class = true;
                push(&mut out, b, i);
                i += 1;
                // `^` and then a `]` right after the opening are members, not the end.
                if pattern.get(i) == Some(&b'^') {
                    push(&mut out, b'^', i);
                    i += 1;
                }
                if pattern.get(i) == Some(&b']') {
                    push(&mut out, b']', i);
                    i += 1;
                }
                continue;
            }
            b'[' if in_class && matches!(pattern.get(i + 1), Some(b':' | b'.' | b'=')) => {
                // A POSIX class name `[:alpha:]` inside a class: copied to its end.
                let close = [pattern[i + 1], b']'];
                if let Some(end) = find(pattern, i + 2, &close) {
                    for (k, &c) in pattern[i..end + 2].iter().enumerate() {
                        push(&mut out, c, i + k);
                    }
                    i = end + 2;
                    continue;
                }
            }
            b']' if in_class => in_class = false,
            b'(' if !in_class && pattern[i..].starts_with(b"(?#") => {
                // A comment: copied up to its `)`.
                let end = find(pattern, i, b")").map_or(pattern.len(), |e| e + 1);
                for (k, &c) in pattern[i..end].iter().enumerate() {
                    push(&mut out, c, i + k);
                }
                i = end;
                continue;
            }
            _ => {}
        }
        push(&mut out, b, i);
        i += 1;
    }
    changed.then_some(out)
}

/// Whether an escape of `e` may need rewriting somewhere.
fn needs_look(e: u8) -> bool {
    UNKNOWN_ESCAPES.contains(&e) || CLASS_LITERAL_ESCAPES.contains(&e)
}

#[cfg(test)]
mod tests {
    use super::rewrite;

    fn rw(p: &str) -> Option<String> {
        rewrite(p.as_bytes()).map(|r| String::from_utf8(r.pattern).unwrap())
    }

    #[test]
    fn unknown_escapes_become_their_letter() {
        assert_eq!(rw(r"a\yb"), Some("ayb".into()));
        assert_eq!(rw(r"[\j]"), Some("[j]".into()));
        assert_eq!(rw(r"\d+\w"), None);
    }

    #[test]
    fn assertions_are_letters_only_in_classes() {
        assert_eq!(rw(r"\A[\A\Z]\Z"), Some(r"\A[AZ]\Z".into()));
        assert_eq!(rw(r"[\Ab[^a]|"), Some("[Ab[^a]|".into()));
        assert_eq!(rw(r"[]\A]"), Some("[]A]".into()));
        assert_eq!(rw(r"[[:alpha:]\B]"), Some("[[:alpha:]B]".into()));
    }

    #[test]
    fn quoted_text_and_comments_are_kept() {
        assert_eq!(rw(r"\Q[\A\E[\A]"), Some(r"\Q[\A\E[A]".into()));
        assert_eq!(rw(r"(?#[\A)\y"), Some(r"(?#[\A)y".into()));
        assert_eq!(rw(r"\c[\A"), None);
    }

    #[test]
    fn offsets_map_back() {
        let r = rewrite(br"\y\y(").unwrap();
        assert_eq!(r.pattern, b"yy(");
        assert_eq!(r.original_offset(2), 4);
        assert_eq!(r.original_offset(3), 5);
    }
}
