//! Inline option settings that PCRE 8.x (OTP 25's `re`) refuses and PCRE2 takes.
//!
//! PCRE 8.x knows the option letters `i`, `J`, `m`, `s`, `U`, `x`, `X` and `-` in `(?...)` and
//! `(?...:`; PCRE2 adds `^` (unset all), `n` (no auto capture), `a...` (ASCII restrictions) and
//! `r` (caseless restrict). OTP answers such a pattern with
//! `{error, {"unrecognized character after (? or (?-", Offset}}`, the offset being that of the
//! first letter it does not know. This module finds that letter, skipping what is not pattern
//! syntax: escapes, `\Q...\E` quoting, character classes, `(?#...)` comments and, in extended
//! mode, `#` comments.

use super::pcre1_scan::{class_end, escape_end, find};

/// The message PCRE 8.x gives (its error 12).
pub const MESSAGE: &str = "unrecognized character after (? or (?-";

/// Letters PCRE 8.x accepts in an option setting.
const PCRE1_OPTION_LETTERS: &[u8] = b"iJmsUxX-";

/// The offset of the first option letter PCRE 8.x refuses, if any. `extended` is whether the
/// pattern is compiled with the `extended` option.
pub fn unknown_option(pattern: &[u8], extended: bool) -> Option<usize> {
    if !pattern.windows(2).any(|w| w == b"(?") {
        return None;
    }
    let mut extended = extended;
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            b'\\' => i = escape_end(pattern, i),
            b'[' => i = class_end(pattern, i),
            b'#' if extended => {
                i = pattern[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(pattern.len(), |n| i + n + 1);
            }
            b'(' if pattern.get(i + 1) == Some(&b'?') => {
                let j = i + 2;
                match pattern.get(j) {
                    Some(b'#') => {
                        i = find(pattern, j, b")").map_or(pattern.len(), |e| e + 1);
                    }
                    Some(&c) if !is_option_start(pattern, j, c) => i = j,
                    Some(_) => {
                        let mut k = j;
                        while k < pattern.len() && pattern[k] != b')' && pattern[k] != b':' {
                            if !PCRE1_OPTION_LETTERS.contains(&pattern[k]) {
                                return Some(k);
                            }
                            if pattern[k] == b'x' {
                                extended = true;
                            }
                            k += 1;
                        }
                        i = k;
                    }
                    None => i = j,
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// Whether `(?` followed by `c` (at `at`) is an option setting for PCRE 8.x: anything but the
/// characters that start another kind of group.
fn is_option_start(pattern: &[u8], at: usize, c: u8) -> bool {
    match c {
        b'|' | b':' | b'(' | b'=' | b'!' | b'<' | b'>' | b'C' | b'P' | b'\'' | b'&' | b'R'
        | b'+' | b')' => false,
        b'0'..=b'9' => false,
        b'-' => !pattern.get(at + 1).is_some_and(|d| d.is_ascii_digit()),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::unknown_option;

    fn at(p: &str) -> Option<usize> {
        unknown_option(p.as_bytes(), false)
    }

    #[test]
    fn pcre2_only_letters_are_found_where_they_are() {
        assert_eq!(at("(?a)"), Some(2));
        assert_eq!(at("(?^)"), Some(2));
        assert_eq!(at("(?ia)"), Some(3));
        assert_eq!(at("(?i-a)"), Some(4));
        assert_eq!(at("A|(?n:x)"), Some(4));
        assert_eq!(at("(?x)(?r)"), Some(6));
    }

    #[test]
    fn pcre1_settings_and_other_groups_pass() {
        for p in [
            "(?i)", "(?xx)", "(?-)", "(?)", "(?i:a)", "(?J)", "(?X)", "(?-1)", "(?+1)", "(?R)",
            "(?<n>a)", "(?P<n>a)", "(?=a)", "(?!a)", "(?<=a)", "(?>a)", "(?|a)", "(?C1)",
            "(?'n'a)", "(?&n)",
        ] {
            assert_eq!(at(p), None, "{p}");
        }
    }

    #[test]
    fn quoted_classes_and_comments_are_skipped() {
        assert_eq!(at("[(?a)]"), None);
        assert_eq!(at("[](?a)]"), None);
        assert_eq!(at("[[:alpha:](?a)]"), None);
        assert_eq!(at(r"\Q(?a)\E"), None);
        assert_eq!(at(r"\(?a)"), None);
        assert_eq!(at("(?#(?a)"), None);
        assert_eq!(at("(?x)#(?a)\n"), None);
        assert_eq!(at("#(?a)"), Some(3));
        assert_eq!(unknown_option(b"#(?a)", true), None);
    }
}
