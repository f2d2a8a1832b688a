//! How `erlang:display/1` writes an atom (OTP's `print_atom_name` in `erl_printf_term.c`):
//! when it is quoted and how characters inside are escaped.
//!
//! * An atom is written bare when its first character is a lower-case latin-1 letter
//!   (`a..z`, `ß..ÿ` except `÷`) and every other character is a latin-1 letter or digit
//!   (`À..ÿ` except `×` and `÷`) or `_`. Everything else, including the empty atom and any
//!   atom with a character above 255, is quoted.
//! * Inside the text, `'` and `\` are escaped with a backslash, `\n \f \t \r \b \v` use their
//!   C escapes, other characters below 32 and the C1 controls 128..159 are written as three
//!   octal digits (`\033`, `\200`). DEL (127) and every other character are written as their
//!   UTF-8 bytes, quoted or not.

/// Whether `c` may start an unquoted atom.
fn is_lower(c: char) -> bool {
    c.is_ascii_lowercase() || (('\u{df}'..='\u{ff}').contains(&c) && c != '\u{f7}')
}

/// Whether `c` may follow the first character of an unquoted atom.
fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || c == '_'
        || (('\u{c0}'..='\u{ff}').contains(&c) && c != '\u{d7}' && c != '\u{f7}')
}

/// Whether the atom named `name` is written between single quotes.
pub fn needs_quotes(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) => !(is_lower(c) && chars.all(is_name_char)),
        None => true,
    }
}

/// Appends the text of one atom character, escaped as OTP's printer does.
fn push_char(out: &mut Vec<u8>, c: char) {
    let escape: &[u8] = match c {
        '\'' => b"\\'",
        '\\' => b"\\\\",
        '\n' => b"\\n",
        '\u{c}' => b"\\f",
        '\t' => b"\\t",
        '\r' => b"\\r",
        '\u{8}' => b"\\b",
        '\u{b}' => b"\\v",
        '\0'..='\u{1f}' | '\u{80}'..='\u{9f}' => {
            out.extend_from_slice(format!("\\{:03o}", c as u32).as_bytes());
            return;
        }
        _ => {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            return;
        }
    };
    out.extend_from_slice(escape);
}

/// Appends the atom named `name`, quoted when OTP's printer quotes it.
pub fn write_atom(out: &mut Vec<u8>, name: &str) {
    let quote = needs_quotes(name);
    if quote {
        out.push(b'\'');
    }
    for c in name.chars() {
        push_char(out, c);
    }
    if quote {
        out.push(b'\'');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Vec<u8> {
        let mut v = Vec::new();
        write_atom(&mut v, s);
        v
    }

    fn shown(s: &str) -> String {
        String::from_utf8(text(s)).unwrap()
    }

    #[test]
    fn bare_atoms() {
        for a in [
            "abc", "and", "a1", "aB_9", "é", "ÿ", "ñandu", "ß", "aÀ", "aÞ",
        ] {
            assert_eq!(shown(a), a, "{a}");
        }
    }

    #[test]
    fn quoted_atoms() {
        assert_eq!(shown(""), "''");
        assert_eq!(shown("Abc"), "'Abc'");
        assert_eq!(shown("_x"), "'_x'");
        assert_eq!(shown("9a"), "'9a'");
        assert_eq!(shown("a b"), "'a b'");
        assert_eq!(shown("a@b"), "'a@b'");
        assert_eq!(shown("a.b"), "'a.b'");
        assert_eq!(shown("Ñandu"), "'Ñandu'");
        assert_eq!(shown("a×"), "'a×'");
        assert_eq!(shown("a÷"), "'a÷'");
        assert_eq!(shown("÷"), "'÷'");
        assert_eq!(shown("aª"), "'aª'");
        assert_eq!(shown("a\u{a0}"), "'a\u{a0}'");
        assert_eq!(shown("α"), "'α'");
        assert_eq!(shown("aĀ"), "'aĀ'");
        assert_eq!(shown("a日"), "'a日'");
        assert_eq!(shown("a😀"), "'a😀'");
    }

    #[test]
    fn escapes() {
        assert_eq!(shown("it's"), "'it\\'s'");
        assert_eq!(shown("\\"), "'\\\\'");
        assert_eq!(shown("a\tb"), "'a\\tb'");
        assert_eq!(shown("\n\u{c}\r\u{8}\u{b}"), "'\\n\\f\\r\\b\\v'");
        assert_eq!(shown("\0\u{1}\u{1b}\u{1f}"), "'\\000\\001\\033\\037'");
        assert_eq!(shown("\u{80}\u{9f}"), "'\\200\\237'");
        assert_eq!(text("\u{7f}"), b"'\x7f'");
    }
}
