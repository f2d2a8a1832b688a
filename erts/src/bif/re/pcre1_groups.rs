//! PCRE 8.x and PCRE2 disagree on the "first character" of a branch that begins with a group
//! whose own first character is not known (an empty group `()`, a group of assertions). The
//! first character is a start-of-match optimisation, so the difference is invisible but for
//! one bug that PCRE 8.x (OTP 25's `re`) and the PCRE2 release this runtime pins share: when a
//! pattern's first character comes from a lookahead (`(?=a)`) and its last literal is that
//! same character, the match needs a second copy of it in the subject. `(?=a)()a` does not
//! match `"a"` on OTP 25.
//!
//! PCRE 8.x says "no first character" after such a group; PCRE2 looks through it. To make
//! PCRE2 say what PCRE 8.x says, each group gets, at the end of its last branch, an empty
//! group that PCRE2 counts as "no first character" and that matches the empty string and
//! nothing else: `(?:(?!)(?m:^)|)` (a multi-line `^` has no fixed first character; the
//! `(?!)` in front of it never lets that branch match; it has width zero, so it is allowed in
//! lookbehinds). A group whose first character is known keeps it: the empty group comes after
//! it. Only patterns with a lookahead can meet the bug, so only they are rewritten.

use super::pcre1_escapes::Rewritten;
use super::pcre1_scan::{class_end, escape_end, find};

/// What PCRE2 reads as "no first character", matching the empty string only.
const NO_FIRST_CHAR: &[u8] = b"(?:(?!)(?m:^)|)";

/// What an open parenthesis started.
#[derive(Clone, Copy, PartialEq)]
enum Open {
    /// A group whose first character PCRE 8.x takes into the branch's: capturing,
    /// non-capturing, named, atomic, branch reset, or with option letters (`(?i:`).
    Group,
    /// An assertion, a condition, an option setting, a verb, a call.
    Other,
}

/// Rewrites `pattern` (already through the escape rewrite) as described above; `None` when it
/// has no lookahead, is in extended mode (where `#` starts a comment that this scan does not
/// follow), or its parentheses do not balance (the compiler reports that on the original).
pub fn rewrite(pattern: &[u8], extended: bool) -> Option<Rewritten> {
    if extended
        || !pattern.windows(3).any(|w| w == b"(?=")
        || pattern.windows(3).any(|w| w == b"(?x")
    {
        return None;
    }
    let mut out = Rewritten::with_capacity(pattern.len() + 32);
    let copy = |out: &mut Rewritten, from: usize, to: usize| {
        for (k, &c) in pattern[from..to].iter().enumerate() {
            out.push(c, from + k);
        }
    };
    let mut stack: Vec<Open> = Vec::new();
    let mut inserted = false;
    let mut i = 0;
    while i < pattern.len() {
        let end = match pattern[i] {
            b'\\' => escape_end(pattern, i),
            b'[' => class_end(pattern, i),
            b'(' if pattern[i..].starts_with(b"(?#") => {
                find(pattern, i, b")").map_or(pattern.len(), |e| e + 1)
            }
            // A condition: `(?(1)`, `(?(<n>)`, `(?(R)`, `(?(DEFINE)` name no group; an
            // assertion as condition (`(?(?=`) is read as any other.
            b'(' if pattern[i..].starts_with(b"(?(") => {
                stack.push(Open::Other);
                if pattern.get(i + 3) == Some(&b'?') {
                    i + 3
                } else {
                    find(pattern, i + 3, b")").map_or(pattern.len(), |e| e + 1)
                }
            }
            b'(' => {
                stack.push(kind(pattern, i + 1));
                i + 1
            }
            b')' => {
                if stack.pop()? == Open::Group {
                    for &c in NO_FIRST_CHAR {
                        out.push(c, i);
                    }
                    inserted = true;
                }
                i + 1
            }
            _ => i + 1,
        };
        copy(&mut out, i, end);
        i = end;
    }
    (stack.is_empty() && inserted).then_some(out)
}

/// The kind of the parenthesis whose contents start at `at`.
fn kind(pattern: &[u8], at: usize) -> Open {
    let rest = &pattern[at..];
    match rest.first() {
        Some(b'*') => Open::Other,
        Some(b'?') => {
            let r = &rest[1..];
            if r.starts_with(b":")
                || r.starts_with(b"|")
                || r.starts_with(b">")
                || r.starts_with(b"'")
                || r.starts_with(b"P<")
                || (r.starts_with(b"<") && !r.starts_with(b"<=") && !r.starts_with(b"<!"))
            {
                return Open::Group;
            }
            // Option letters, then `:` (a group) or `)` (a setting).
            let letters = r
                .iter()
                .take_while(|c| c.is_ascii_alphabetic() || **c == b'-')
                .count();
            if letters > 0 && r.get(letters) == Some(&b':') {
                Open::Group
            } else {
                Open::Other
            }
        }
        _ => Open::Group,
    }
}

#[cfg(test)]
mod tests {
    use super::{rewrite, NO_FIRST_CHAR};

    fn rw(p: &str) -> Option<String> {
        rewrite(p.as_bytes(), false).map(|r| String::from_utf8(r.pattern).unwrap())
    }

    fn with(p: &str) -> String {
        p.replace('@', std::str::from_utf8(NO_FIRST_CHAR).unwrap())
    }

    #[test]
    fn groups_get_the_empty_group_before_their_close() {
        assert_eq!(rw("(?=a)()a"), Some(with("(?=a)(@)a")));
        assert_eq!(rw("(?=a)(?:x|)?a"), Some(with("(?=a)(?:x|@)?a")));
        assert_eq!(
            rw("(?=a)(?<n>b)(?i:c)(?>d)"),
            Some(with("(?=a)(?<n>b@)(?i:c@)(?>d@)"))
        );
    }

    #[test]
    fn assertions_settings_and_quoted_text_are_left_alone() {
        assert_eq!(rw("(?=a)(?!b)(?<=c)(?i)a"), None);
        assert_eq!(rw(r"(?=a)[(]\(\Q()\E(?#())"), None);
        assert_eq!(rw("(?=a)(*UTF8)"), None);
        assert_eq!(rw("(?=a)(?(1)a|b)"), None);
        assert_eq!(rw("(?=a)(?(<n>)a)"), None);
        assert_eq!(rw("(?=a)(?(?=b)a)"), None);
    }

    #[test]
    fn no_lookahead_extended_or_unbalanced_means_no_rewrite() {
        assert_eq!(rw("()a"), None);
        assert_eq!(rw("(?=a)(a"), None);
        assert_eq!(rw("(?=a)a)"), None);
        assert_eq!(rw("(?x)(?=a)()"), None);
        assert!(rewrite(b"(?=a)()", true).is_none());
    }

    #[test]
    fn offsets_map_back_to_the_close() {
        let r = rewrite(b"(?=a)()a", false).unwrap();
        assert_eq!(r.original_offset(6), 6);
        assert_eq!(r.original_offset(6 + NO_FIRST_CHAR.len()), 6);
        assert_eq!(r.original_offset(7 + NO_FIRST_CHAR.len()), 7);
    }
}
