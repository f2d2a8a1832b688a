//! Atom conversion BIFs (OTP's `bif.c` and `erl_unicode.c` parts): `atom_to_list/1`,
//! `list_to_atom/1`, `list_to_existing_atom/1`, `atom_to_binary/2`, `binary_to_atom/2` and
//! `binary_to_existing_atom/2`.
//!
//! Atom names are stored as UTF-8; `latin1` conversions map bytes to code points 0..=255 and
//! back. Names longer than 255 characters raise `system_limit` when creating an atom and
//! `badarg` when looking one up.

use super::iodata::binary_cow;
use super::Registry;
use crate::atom::{self, Atom, AtomError, MAX_ATOM_CHARS};
use crate::exception::{BifResult, Fail};
use crate::process::Process;
use crate::term::boxed;
use crate::term::Term;

pub fn register(r: &mut Registry) {
    r.add("erlang", "atom_to_list", 1, atom_to_list_1);
    r.add("erlang", "list_to_atom", 1, list_to_atom_1);
    r.add(
        "erlang",
        "list_to_existing_atom",
        1,
        list_to_existing_atom_1,
    );
    r.add("erlang", "atom_to_binary", 2, atom_to_binary_2);
    r.add("erlang", "binary_to_atom", 2, binary_to_atom_2);
    r.add(
        "erlang",
        "binary_to_existing_atom",
        2,
        binary_to_existing_atom_2,
    );
}

/// Why a name could not be read.
enum NameError {
    Badarg,
    TooLong,
}

impl NameError {
    /// The failure when creating an atom (`existing` lookups always fail with `badarg`).
    fn fail(self, existing: bool) -> Fail {
        match self {
            NameError::TooLong if !existing => Fail::system_limit(),
            _ => Fail::badarg(),
        }
    }
}

/// Whether `c` is a Unicode scalar value.
fn is_char(c: i64) -> bool {
    (0..=0x10FFFF).contains(&c) && !(0xD800..=0xDFFF).contains(&c)
}

/// The name spelt by a list of code points. As in OTP, a 256th element is `system_limit`
/// whatever it is, and a bad element or tail before that is `badarg`.
fn list_name(mut t: Term) -> Result<String, NameError> {
    let mut s = String::new();
    let mut n = 0;
    while t.is_list() {
        if n == MAX_ATOM_CHARS {
            return Err(NameError::TooLong);
        }
        let c = t.head().as_small().filter(|&c| is_char(c));
        let c = c
            .and_then(|c| char::from_u32(c as u32))
            .ok_or(NameError::Badarg)?;
        s.push(c);
        n += 1;
        t = t.tail();
    }
    if t.is_nil() {
        Ok(s)
    } else {
        Err(NameError::Badarg)
    }
}

/// The name in a binary with the given encoding atom (`latin1`, `utf8` or `unicode`).
fn binary_name(bin: Term, enc: Term) -> Result<String, NameError> {
    let latin1 = match enc.as_atom() {
        Some(atom::LATIN1) => true,
        Some(atom::UTF8) | Some(atom::UNICODE) => false,
        _ => return Err(NameError::Badarg),
    };
    let bytes = binary_cow(bin).ok_or(NameError::Badarg)?;
    if latin1 {
        if bytes.len() > MAX_ATOM_CHARS {
            return Err(NameError::TooLong);
        }
        return Ok(bytes.iter().map(|&b| b as char).collect());
    }
    if bytes.len() > 4 * MAX_ATOM_CHARS {
        return Err(NameError::TooLong);
    }
    // Rust's UTF-8 validation rejects overlong forms, surrogates and values above 0x10FFFF,
    // as OTP's does. As for lists, reaching a 256th character is `system_limit` even when it
    // is malformed; a malformed character before that is `badarg`.
    let valid = match std::str::from_utf8(&bytes) {
        Ok(_) => bytes.len(),
        Err(e) => e.valid_up_to(),
    };
    let prefix = std::str::from_utf8(&bytes[..valid]).map_err(|_| NameError::Badarg)?;
    let n = prefix.chars().count();
    if n > MAX_ATOM_CHARS || (n == MAX_ATOM_CHARS && valid < bytes.len()) {
        return Err(NameError::TooLong);
    }
    if valid < bytes.len() {
        return Err(NameError::Badarg);
    }
    Ok(prefix.to_owned())
}

/// Interns `name` (already checked for length).
fn make_atom(name: &str) -> BifResult {
    match atom::intern(name) {
        Ok(a) => Ok(Term::atom(a)),
        Err(AtomError::TooLong) | Err(AtomError::TableFull) => Err(Fail::system_limit()),
    }
}

fn existing_atom(name: &str) -> BifResult {
    atom::existing(name)
        .map(Term::atom)
        .ok_or_else(Fail::badarg)
}

fn atom_arg(t: Term) -> Result<Atom, Fail> {
    t.as_atom().ok_or_else(Fail::badarg)
}

fn atom_to_list_1(p: &mut Process, a: &[Term]) -> BifResult {
    let name = atom::name(atom_arg(a[0])?);
    Ok(boxed::string(&mut p.heap, name.chars().map(|c| c as u32)))
}

fn list_to_atom_1(_p: &mut Process, a: &[Term]) -> BifResult {
    let name = list_name(a[0]).map_err(|e| e.fail(false))?;
    make_atom(&name)
}

fn list_to_existing_atom_1(_p: &mut Process, a: &[Term]) -> BifResult {
    let name = list_name(a[0]).map_err(|e| e.fail(true))?;
    existing_atom(&name)
}

fn atom_to_binary_2(p: &mut Process, a: &[Term]) -> BifResult {
    let name = atom::name(atom_arg(a[0])?);
    match a[1].as_atom() {
        Some(atom::LATIN1) => {
            let bytes: Option<Vec<u8>> =
                name.chars().map(|c| u8::try_from(c as u32).ok()).collect();
            let bytes = bytes.ok_or_else(Fail::badarg)?;
            Ok(boxed::binary_from_vec(&mut p.heap, bytes))
        }
        Some(atom::UTF8) | Some(atom::UNICODE) => Ok(boxed::binary(&mut p.heap, name.as_bytes())),
        _ => Err(Fail::badarg()),
    }
}

fn binary_to_atom_2(_p: &mut Process, a: &[Term]) -> BifResult {
    let name = binary_name(a[0], a[1]).map_err(|e| e.fail(false))?;
    make_atom(&name)
}

fn binary_to_existing_atom_2(_p: &mut Process, a: &[Term]) -> BifResult {
    let name = binary_name(a[0], a[1]).map_err(|e| e.fail(true))?;
    existing_atom(&name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bif::iodata::tests::{bin, bits, bytes_of, ints, is_badarg, small_list};

    fn is_system_limit(r: BifResult) -> bool {
        matches!(r, Err(Fail::Error { reason, .. }) if reason == Term::atom(atom::SYSTEM_LIMIT))
    }
    fn a(s: &str) -> Term {
        Term::atom(atom::atom(s))
    }

    #[test]
    fn atom_to_list_cases() {
        let mut p = Process::new(0);
        let r = atom_to_list_1(&mut p, &[a("hé")]).unwrap();
        assert_eq!(small_list(r), vec![104, 233]);
        let r = atom_to_list_1(&mut p, &[a("日本")]).unwrap();
        assert_eq!(small_list(r), vec![26085, 26412]);
        assert!(is_badarg(atom_to_list_1(&mut p, &[Term::NIL])));
    }

    #[test]
    fn list_to_atom_cases() {
        let mut p = Process::new(0);
        let l = ints(&mut p, &[104, 101, 108, 108, 111]);
        assert_eq!(list_to_atom_1(&mut p, &[l]).unwrap(), a("hello"));
        let l = ints(&mut p, &[26085, 26412]);
        assert_eq!(list_to_atom_1(&mut p, &[l]).unwrap(), a("日本"));
        assert_eq!(list_to_atom_1(&mut p, &[Term::NIL]).unwrap(), a(""));
        for bad in [&[0x110000][..], &[-1], &[97, 0xD800]] {
            let l = ints(&mut p, bad);
            assert!(is_badarg(list_to_atom_1(&mut p, &[l])));
        }
        let l = boxed::list_with_tail(&mut p.heap, &[Term::small(97)], a("b"));
        assert!(is_badarg(list_to_atom_1(&mut p, &[l])));
        let b = bin(&mut p, b"a");
        assert!(is_badarg(list_to_atom_1(&mut p, &[b])));
        let l = ints(&mut p, &[97; 255]);
        assert!(list_to_atom_1(&mut p, &[l]).is_ok());
        let l = ints(&mut p, &[26085; 255]);
        assert!(list_to_atom_1(&mut p, &[l]).is_ok());
        let l = ints(&mut p, &[97; 256]);
        assert!(is_system_limit(list_to_atom_1(&mut p, &[l])));
        // 255 good chars then anything: system_limit; bad element first: badarg.
        let mut v = vec![97; 255];
        v.push(-1);
        let l = ints(&mut p, &v);
        assert!(is_system_limit(list_to_atom_1(&mut p, &[l])));
        assert!(is_badarg(list_to_existing_atom_1(&mut p, &[l])));
        let mut v = vec![-1];
        v.extend([97; 256]);
        let l = ints(&mut p, &v);
        assert!(is_badarg(list_to_atom_1(&mut p, &[l])));
        let items = vec![Term::small(97); 255];
        let l = boxed::list_with_tail(&mut p.heap, &items, a("b"));
        assert!(is_badarg(list_to_atom_1(&mut p, &[l])));
    }

    #[test]
    fn existing() {
        let mut p = Process::new(0);
        let l = ints(&mut p, &[111, 107]);
        assert_eq!(
            list_to_existing_atom_1(&mut p, &[l]).unwrap(),
            Term::atom(atom::OK)
        );
        let l = boxed::string(
            &mut p.heap,
            "no_such_atom_qq_zz_1".chars().map(|c| c as u32),
        );
        assert!(is_badarg(list_to_existing_atom_1(&mut p, &[l])));
        let b = bin(&mut p, b"ok");
        assert_eq!(
            binary_to_existing_atom_2(&mut p, &[b, a("latin1")]).unwrap(),
            Term::atom(atom::OK)
        );
        let b = bin(&mut p, b"no_such_atom_qq_zz_2");
        assert!(is_badarg(binary_to_existing_atom_2(
            &mut p,
            &[b, a("utf8")]
        )));
        let b = bin(&mut p, &[b'a'; 256]);
        assert!(is_badarg(binary_to_existing_atom_2(
            &mut p,
            &[b, a("latin1")]
        )));
        let b = bin(&mut p, b"ok");
        assert!(is_badarg(binary_to_existing_atom_2(&mut p, &[b, a("foo")])));
    }

    #[test]
    fn atom_to_binary_cases() {
        let mut p = Process::new(0);
        let r = atom_to_binary_2(&mut p, &[a("hé"), a("latin1")]).unwrap();
        assert_eq!(bytes_of(r), vec![104, 233]);
        let r = atom_to_binary_2(&mut p, &[a("hé"), a("utf8")]).unwrap();
        assert_eq!(bytes_of(r), vec![104, 195, 169]);
        let r = atom_to_binary_2(&mut p, &[a("hé"), a("unicode")]).unwrap();
        assert_eq!(bytes_of(r), vec![104, 195, 169]);
        assert!(is_badarg(atom_to_binary_2(
            &mut p,
            &[a("日本"), a("latin1")]
        )));
        assert!(is_badarg(atom_to_binary_2(&mut p, &[a("x"), a("utf16")])));
        assert!(is_badarg(atom_to_binary_2(&mut p, &[Term::NIL, a("utf8")])));
    }

    #[test]
    fn binary_to_atom_cases() {
        let mut p = Process::new(0);
        let b = bin(&mut p, "hé".as_bytes());
        assert_eq!(binary_to_atom_2(&mut p, &[b, a("utf8")]).unwrap(), a("hé"));
        assert_eq!(
            binary_to_atom_2(&mut p, &[b, a("latin1")]).unwrap(),
            a("hÃ©")
        );
        let b = bin(&mut p, &[104, 233]);
        assert_eq!(
            binary_to_atom_2(&mut p, &[b, a("latin1")]).unwrap(),
            a("hé")
        );
        assert!(is_badarg(binary_to_atom_2(&mut p, &[b, a("utf8")])));
        assert!(is_badarg(binary_to_atom_2(&mut p, &[b, a("utf16")])));
        let bs = bits(&mut p, &[97, 98, 0x20], 19);
        assert!(is_badarg(binary_to_atom_2(&mut p, &[bs, a("latin1")])));
        let e = bin(&mut p, b"");
        assert_eq!(binary_to_atom_2(&mut p, &[e, a("latin1")]).unwrap(), a(""));
        let b = bin(&mut p, &[b'a'; 256]);
        assert!(is_system_limit(binary_to_atom_2(&mut p, &[b, a("latin1")])));
        assert!(is_system_limit(binary_to_atom_2(&mut p, &[b, a("utf8")])));
        let b = bin(&mut p, &"é".repeat(255).into_bytes());
        assert!(binary_to_atom_2(&mut p, &[b, a("utf8")]).is_ok());
        let b = bin(&mut p, &"é".repeat(256).into_bytes());
        assert!(is_system_limit(binary_to_atom_2(&mut p, &[b, a("utf8")])));
        let b = bin(&mut p, &[0xE9; 255]);
        assert!(binary_to_atom_2(&mut p, &[b, a("latin1")]).is_ok());
        // Invalid UTF-8: badarg while short, system_limit past 1020 bytes.
        for bad in [
            &[0xED, 0xA0, 0x80][..],
            &[0xC0, 0x80],
            &[0xF4, 0x90, 0x80, 0x80],
            &[0xFF; 256],
        ] {
            let b = bin(&mut p, bad);
            assert!(is_badarg(binary_to_atom_2(&mut p, &[b, a("utf8")])));
        }
        let b = bin(&mut p, &[0xFF; 1021]);
        assert!(is_system_limit(binary_to_atom_2(&mut p, &[b, a("utf8")])));
        let mut v = vec![b'a'; 256];
        v.push(255);
        let b = bin(&mut p, &v);
        assert!(is_system_limit(binary_to_atom_2(&mut p, &[b, a("utf8")])));
        let mut v = vec![b'a'; 255];
        v.push(0xC3);
        let b = bin(&mut p, &v);
        assert!(is_system_limit(binary_to_atom_2(&mut p, &[b, a("utf8")])));
        let mut v = vec![b'a'; 254];
        v.push(0xFF);
        let b = bin(&mut p, &v);
        assert!(is_badarg(binary_to_atom_2(&mut p, &[b, a("utf8")])));
        assert!(is_badarg(binary_to_atom_2(&mut p, &[a("a"), a("utf8")])));
    }
}
