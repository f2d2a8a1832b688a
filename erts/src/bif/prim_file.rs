//! The file-name BIFs of `prim_file` (OTP's `erl_unicode.c`: `internal_name2native/1`,
//! `internal_native2name/1`, `is_translatable/1`) and the path operations of OTP's static
//! `prim_file` NIF library (`prim_file_nif.c` over `unix_prim_file.c`): file information,
//! whole-file reads, directory listings, reading and making links, the current folder, and
//! making, deleting and renaming files and folders. Operations on open files (`open_nif` and the functions on its
//! handle) are not here; they still raise `undef`.
//!
//! OTP installs the NIFs when `erl_init` runs the preloaded module's `on_load`; here
//! [`install_nifs`] replaces the Erlang stubs when `prim_file` is loaded, so `prim_file`'s own
//! Erlang code (path encoding, time conversion, error mapping) runs on top of them unchanged.
//! Paths reach the NIFs as `internal_name2native/1` made them: a binary with a terminating
//! zero byte, read (as C does) up to its first zero byte.

use super::{BifFn, Registry};
use crate::atom;
use crate::exception::{BifResult, Fail};
use crate::module::Module;
use crate::process::Process;
use crate::term::boxed;
use crate::term::Term;
use std::ffi::{CString, OsStr};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

pub fn register(r: &mut Registry) {
    r.add("prim_file", "internal_name2native", 1, name2native_1);
    r.add("prim_file", "internal_native2name", 1, native2name_1);
    r.add("prim_file", "is_translatable", 1, is_translatable_1);
}

/// The NIFs of `prim_file` that this runtime implements: `(name, arity, function)`.
const NIFS: &[(&str, u32, BifFn)] = &[
    ("read_info_nif", 2, read_info_nif),
    ("read_file_nif", 1, read_file_nif),
    ("list_dir_nif", 1, list_dir_nif),
    ("read_link_nif", 1, read_link_nif),
    ("get_cwd_nif", 0, get_cwd_nif),
    ("make_dir_nif", 1, make_dir_nif),
    ("del_file_nif", 1, del_file_nif),
    ("del_dir_nif", 1, del_dir_nif),
    ("rename_nif", 2, rename_nif),
    ("make_soft_link_nif", 2, make_soft_link_nif),
    ("make_hard_link_nif", 2, make_hard_link_nif),
    ("altname_nif", 1, altname_nif),
];

/// Makes the NIF stubs of a freshly loaded `prim_file` call the native functions (any other
/// module is left alone). Called before the module can run.
pub fn install_nifs(m: &Module) {
    if m.name != atom::atom("prim_file") {
        return;
    }
    for &(name, arity, f) in NIFS {
        // A `prim_file` without one of these functions (another OTP release) keeps its stub.
        let _ = crate::nif::install_native(m, atom::atom(name), arity, f);
    }
}

/// Whether file names are UTF-8 (`+fnu`) rather than Latin-1 (`+fnl`).
fn utf8_names() -> bool {
    super::system_info::native_name_encoding() == "utf8"
}

/// Appends `c` as UTF-8 as OTP writes file names: any code point below 0x110000 (surrogates
/// included, in the three-byte form).
fn push_utf8(out: &mut Vec<u8>, c: u32) {
    match c {
        0..=0x7F => out.push(c as u8),
        0x80..=0x7FF => out.extend([0xC0 | (c >> 6) as u8, 0x80 | (c & 0x3F) as u8]),
        0x800..=0xFFFF => out.extend([
            0xE0 | (c >> 12) as u8,
            0x80 | ((c >> 6) & 0x3F) as u8,
            0x80 | (c & 0x3F) as u8,
        ]),
        _ => out.extend([
            0xF0 | (c >> 18) as u8,
            0x80 | ((c >> 12) & 0x3F) as u8,
            0x80 | ((c >> 6) & 0x3F) as u8,
            0x80 | (c & 0x3F) as u8,
        ]),
    }
}

/// The bytes of a (possibly deep) list of characters in the native file-name encoding, or
/// `None` for anything else or a character the encoding cannot hold.
fn encode_chars(t: Term, utf8: bool, out: &mut Vec<u8>) -> Option<()> {
    let mut stack = vec![t];
    while let Some(mut t) = stack.pop() {
        while t.is_list() {
            let (h, tl) = (t.head(), t.tail());
            if let Some(c) = h.as_small() {
                match (utf8, c) {
                    (true, 0..=0x10FFFF) => push_utf8(out, c as u32),
                    (false, 0..=0xFF) => out.push(c as u8),
                    _ => return None,
                }
            } else if h.is_list() || h.is_nil() {
                stack.push(tl);
                stack.push(h);
                t = Term::NIL;
                break;
            } else {
                return None;
            }
            t = tl;
        }
        if !t.is_nil() {
            return None;
        }
    }
    Some(())
}

/// `prim_file:internal_name2native/1`: a file name (a binary, or a deep list of characters) as
/// the bytes the file functions take, with a terminating zero byte.
fn name2native_1(p: &mut Process, a: &[Term]) -> BifResult {
    let mut out = Vec::new();
    if a[0].is_bitstring() {
        out.extend_from_slice(boxed::binary_bytes(a[0]).ok_or_else(Fail::badarg)?);
    } else {
        encode_chars(a[0], utf8_names(), &mut out).ok_or_else(Fail::badarg)?;
    }
    out.push(0);
    Ok(boxed::binary_from_vec(&mut p.heap, out))
}

/// `prim_file:internal_native2name/1`: the characters of a native file name; with UTF-8 file
/// names, `{error, warning}` for bytes that are not UTF-8 (OTP's default `+fnuw`).
fn native2name_1(p: &mut Process, a: &[Term]) -> BifResult {
    if !a[0].is_bitstring() {
        return Err(Fail::badarg());
    }
    let bytes = boxed::binary_bytes(a[0]).ok_or_else(Fail::badarg)?;
    if !utf8_names() {
        return Ok(boxed::string(&mut p.heap, bytes.iter().map(|&b| b as u32)));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(boxed::string(&mut p.heap, s.chars().map(|c| c as u32))),
        Err(_) => {
            let w = Term::atom(atom::atom("warning"));
            Ok(boxed::tuple(&mut p.heap, &[Term::atom(atom::ERROR), w]))
        }
    }
}

/// `prim_file:is_translatable/1`: whether a binary file name can be shown as characters.
fn is_translatable_1(_p: &mut Process, a: &[Term]) -> BifResult {
    if !a[0].is_bitstring() {
        return Err(Fail::badarg());
    }
    let bytes = boxed::binary_bytes(a[0]).ok_or_else(Fail::badarg)?;
    Ok(Term::bool(
        !utf8_names() || std::str::from_utf8(bytes).is_ok(),
    ))
}

/// The path a NIF was given: the bytes of a binary up to its first zero byte (`None` for a
/// term that is not a binary, which OTP answers with `{error, einval}`).
fn path_of(t: Term) -> Option<&'static Path> {
    let bytes = boxed::binary_bytes(t)?;
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    Some(Path::new(OsStr::from_bytes(&bytes[..end])))
}

fn error_tuple(p: &mut Process, errno: i32) -> Term {
    let why = Term::atom(atom::atom(crate::errno::errno_id(errno)));
    boxed::tuple(&mut p.heap, &[Term::atom(atom::ERROR), why])
}

fn errno_of(e: &std::io::Error) -> i32 {
    e.raw_os_error().unwrap_or(libc::EIO)
}

/// `{ok, Value}`.
fn ok_tuple(p: &mut Process, v: Term) -> Term {
    boxed::tuple(&mut p.heap, &[Term::atom(atom::OK), v])
}

/// `ok`, or `{error, Posix}` with the errno `map` makes of the failure.
fn ok_or_error(p: &mut Process, r: std::io::Result<()>, map: impl FnOnce(i32) -> i32) -> BifResult {
    match r {
        Ok(()) => Ok(Term::atom(atom::OK)),
        Err(e) => Ok(error_tuple(p, map(errno_of(&e)))),
    }
}

/// The file times OTP reports are clamped to years 1902..9999.
fn clamp_time(t: i64) -> Term {
    Term::small(t.clamp(-2_145_916_800, 253_402_300_799))
}

/// Whether the calling user may access `path` as `mode` asks (`access(2)`).
fn may_access(path: &Path, mode: libc::c_int) -> bool {
    let Ok(c) = CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `c` is a NUL-terminated string that lives across the call.
    unsafe { libc::access(c.as_ptr(), mode) == 0 }
}

/// `read_info_nif(Path, FollowLinks)`: the `#file_info{}` record with POSIX times (which
/// `prim_file` converts), or `{error, Posix}`. As in OTP, the numeric fields are 32 bits.
fn read_info_nif(p: &mut Process, a: &[Term]) -> BifResult {
    let follow = a[1]
        .as_small()
        .filter(|v| i32::try_from(*v).is_ok())
        .ok_or_else(Fail::badarg)?;
    let Some(path) = path_of(a[0]) else {
        return Ok(error_tuple(p, libc::EINVAL));
    };
    let md = if follow != 0 {
        std::fs::metadata(path)
    } else {
        std::fs::symlink_metadata(path)
    };
    let md = match md {
        Ok(md) => md,
        Err(e) => return Ok(error_tuple(p, errno_of(&e))),
    };
    let fmt = md.mode() & libc::S_IFMT;
    let kind = match fmt {
        libc::S_IFCHR | libc::S_IFBLK => "device",
        libc::S_IFDIR => "directory",
        libc::S_IFREG => "regular",
        libc::S_IFLNK => "symlink",
        _ => "other",
    };
    let access = match (may_access(path, libc::R_OK), may_access(path, libc::W_OK)) {
        (true, true) => "read_write",
        (true, false) => "read",
        (false, true) => "write",
        (false, false) => "none",
    };
    let u32_term = |v: u64| Term::small((v as u32) as i64);
    let size = crate::bignum::from_i128(&mut p.heap, md.size() as i128);
    let fields = [
        Term::atom(atom::atom("file_info")),
        size,
        Term::atom(atom::atom(kind)),
        Term::atom(atom::atom(access)),
        clamp_time(md.atime()),
        clamp_time(md.mtime()),
        clamp_time(md.ctime()),
        u32_term(md.mode() as u64),
        u32_term(md.nlink()),
        u32_term(md.dev()),
        u32_term(md.rdev()),
        u32_term(md.ino()),
        u32_term(md.uid() as u64),
        u32_term(md.gid() as u64),
    ];
    Ok(boxed::tuple(&mut p.heap, &fields))
}

/// `read_file_nif(Path)`: `{ok, Binary}` with the whole file, or `{error, Posix}`.
fn read_file_nif(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(path) = path_of(a[0]) else {
        return Ok(error_tuple(p, libc::EINVAL));
    };
    match std::fs::read(path) {
        Ok(bytes) => {
            let b = boxed::binary_from_vec(&mut p.heap, bytes);
            Ok(ok_tuple(p, b))
        }
        Err(e) => Ok(error_tuple(p, errno_of(&e))),
    }
}

/// `list_dir_nif(Path)`: `{ok, Names}`, the raw names (binaries) but `.` and `..`, in the
/// reverse of the order the system lists them (as OTP builds the list).
fn list_dir_nif(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(path) = path_of(a[0]) else {
        return Ok(error_tuple(p, libc::EINVAL));
    };
    let names: Vec<Vec<u8>> = match std::fs::read_dir(path) {
        Ok(rd) => {
            let mut names = Vec::new();
            for e in rd {
                match e {
                    Ok(e) => names.push(e.file_name().as_bytes().to_vec()),
                    Err(e) => return Ok(error_tuple(p, errno_of(&e))),
                }
            }
            names
        }
        Err(e) => return Ok(error_tuple(p, errno_of(&e))),
    };
    let items: Vec<Term> = names
        .iter()
        .rev()
        .map(|n| boxed::binary(&mut p.heap, n))
        .collect();
    let l = boxed::list(&mut p.heap, &items);
    Ok(ok_tuple(p, l))
}

/// `read_link_nif(Path)`: `{ok, Target}` (a binary), or `{error, Posix}`.
fn read_link_nif(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(path) = path_of(a[0]) else {
        return Ok(error_tuple(p, libc::EINVAL));
    };
    match std::fs::read_link(path) {
        Ok(target) => {
            let b = boxed::binary(&mut p.heap, target.as_os_str().as_bytes());
            Ok(ok_tuple(p, b))
        }
        Err(e) => Ok(error_tuple(p, errno_of(&e))),
    }
}

/// `get_cwd_nif()`: `{ok, Folder}` (a binary).
fn get_cwd_nif(p: &mut Process, _a: &[Term]) -> BifResult {
    match std::env::current_dir() {
        Ok(d) => {
            let b = boxed::binary(&mut p.heap, d.as_os_str().as_bytes());
            Ok(ok_tuple(p, b))
        }
        Err(e) => Ok(error_tuple(p, errno_of(&e))),
    }
}

/// `make_dir_nif(Path)`: a new folder (mode 0777 less the umask).
fn make_dir_nif(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(path) = path_of(a[0]) else {
        return Ok(error_tuple(p, libc::EINVAL));
    };
    ok_or_error(p, std::fs::create_dir(path), |e| e)
}

/// `del_file_nif(Path)`: as OTP, a folder is `eperm` (Linux says `eisdir`).
fn del_file_nif(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(path) = path_of(a[0]) else {
        return Ok(error_tuple(p, libc::EINVAL));
    };
    ok_or_error(p, std::fs::remove_file(path), |e| {
        if e == libc::EISDIR {
            libc::EPERM
        } else {
            e
        }
    })
}

/// The device and inode of `path` (following links).
fn dev_ino(path: &Path) -> Option<(u64, u64)> {
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// `del_dir_nif(Path)`: as OTP, a folder that is not empty is `eexist`, and the current
/// folder `einval`.
fn del_dir_nif(p: &mut Process, a: &[Term]) -> BifResult {
    let Some(path) = path_of(a[0]) else {
        return Ok(error_tuple(p, libc::EINVAL));
    };
    ok_or_error(p, std::fs::remove_dir(path), |e| {
        let e = if e == libc::ENOTEMPTY {
            libc::EEXIST
        } else {
            e
        };
        if e == libc::EEXIST && dev_ino(path).is_some() && dev_ino(path) == dev_ino(Path::new("."))
        {
            libc::EINVAL
        } else {
            e
        }
    })
}

/// `rename_nif(From, To)`: as OTP, a target folder that is not empty is `eexist`, and
/// renaming `/` is `einval`.
fn rename_nif(p: &mut Process, a: &[Term]) -> BifResult {
    let (Some(from), Some(to)) = (path_of(a[0]), path_of(a[1])) else {
        return Ok(error_tuple(p, libc::EINVAL));
    };
    ok_or_error(p, std::fs::rename(from, to), |e| {
        if e == libc::ENOTEMPTY {
            libc::EEXIST
        } else if from == Path::new("/") {
            libc::EINVAL
        } else {
            e
        }
    })
}

/// `make_soft_link_nif(Target, Name)`: a symbolic link `Name` to `Target`.
fn make_soft_link_nif(p: &mut Process, a: &[Term]) -> BifResult {
    let (Some(target), Some(name)) = (path_of(a[0]), path_of(a[1])) else {
        return Ok(error_tuple(p, libc::EINVAL));
    };
    ok_or_error(p, std::os::unix::fs::symlink(target, name), |e| e)
}

/// `make_hard_link_nif(Existing, Name)`: a second name for a file.
fn make_hard_link_nif(p: &mut Process, a: &[Term]) -> BifResult {
    let (Some(existing), Some(name)) = (path_of(a[0]), path_of(a[1])) else {
        return Ok(error_tuple(p, libc::EINVAL));
    };
    ok_or_error(p, std::fs::hard_link(existing, name), |e| e)
}

/// `altname_nif(Path)`: short names exist only on Windows.
fn altname_nif(p: &mut Process, _a: &[Term]) -> BifResult {
    Ok(error_tuple(p, libc::ENOTSUP))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_of_code_points() {
        let mut v = Vec::new();
        for c in [0x41, 0xE9, 0x20AC, 0x1F600, 0xD800] {
            push_utf8(&mut v, c);
        }
        assert_eq!(
            v,
            [0x41, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80, 0xED, 0xA0, 0x80]
        );
    }

    #[test]
    fn names_are_read_up_to_the_first_zero_byte() {
        let mut h = crate::heap::Heap::default();
        let t = boxed::binary(&mut h, b"/tmp\0x");
        assert_eq!(path_of(t), Some(Path::new("/tmp")));
        assert_eq!(path_of(Term::NIL), None);
    }

    #[test]
    fn deep_lists_of_characters_encode() {
        let mut h = crate::heap::Heap::default();
        let inner = boxed::string(&mut h, [0x62, 0x100]);
        let outer = boxed::list(&mut h, &[Term::small(0x61), inner]);
        let mut out = Vec::new();
        assert_eq!(encode_chars(outer, true, &mut out), Some(()));
        assert_eq!(out, b"ab\xC4\x80");
        assert_eq!(encode_chars(outer, false, &mut Vec::new()), None);
        let bad = boxed::list(&mut h, &[Term::atom(atom::OK)]);
        assert_eq!(encode_chars(bad, true, &mut Vec::new()), None);
    }
}
