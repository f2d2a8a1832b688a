//! Archives as `erl_prim_loader` sees them: a path with a component ending in `.ez` names
//! a file inside that zip archive, and one archive may be made primary
//! (`set_primary_archive/4`, which `escript` and `code:set_primary_archive/4` use), so that
//! paths under its own name (an escript's path) lie inside it. This module splits a path
//! into "plain file" or "archive and name inside", and answers `get_file`, `list_dir` and
//! `read_file_info` inside an archive with OTP's rules: the entries in directory order, each
//! folder that has entries but no entry of its own listed once as a virtual folder (before
//! the entry that needs it), and the archive's own top folder never listed.
//!
//! The native `erl_prim_loader` and code server of a `--bare` run use it
//! (`process::code_requests`, `code::ensure_loaded`); a booted system runs OTP's own
//! `erl_prim_loader` instead.
//!
//! One difference from OTP: when a primary archive's file changes on disk, OTP reads it
//! again with the parser fun given to `set_primary_archive/4`; a native loader cannot run a
//! fun, so the archive given at that time keeps being used.

use crate::atom::{self, Atom};
use crate::prim_zip::{self, ZipEntry, ZipError};
use parking_lot::Mutex;
use std::sync::Arc;

/// The archive extension (`init:archive_extension/0`).
const ARCHIVE_EXT: &str = ".ez";

/// Where a path lies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Split {
    /// A plain file (the path as given).
    File(String),
    /// `inside` (possibly empty: the archive's top folder) of the archive file `archive`.
    Archive { archive: String, inside: String },
}

/// Why an archive could not be read: a file error (`enoent`, ...) or a damaged archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArchiveError {
    Posix(Atom),
    Zip(ZipError),
}

impl ArchiveError {
    /// The error of a failed file operation, named as `prim_file` names it.
    pub fn of_io(e: &std::io::Error) -> ArchiveError {
        ArchiveError::Posix(atom::atom(
            e.raw_os_error()
                .map(crate::errno::errno_id)
                .unwrap_or("einval"),
        ))
    }

    /// The reason of the `{error, Reason}` reply.
    pub fn reason(&self, h: &mut crate::heap::Heap) -> crate::term::Term {
        use crate::term::{boxed, Term};
        let a = |s: &str| Term::atom(atom::atom(s));
        match self {
            ArchiveError::Posix(e) => Term::atom(*e),
            ArchiveError::Zip(z) => match z {
                ZipError::BadEocd => a("bad_eocd"),
                ZipError::BadCentralDirectory => a("bad_central_directory"),
                ZipError::DataError => a("data_error"),
                ZipError::Einval => a("einval"),
                ZipError::BadLocalFileHeader(f) => {
                    let f = boxed::string(h, f.chars().map(|c| c as u32));
                    boxed::tuple(h, &[a("bad_local_file_header"), f])
                }
                ZipError::BadLocalFileOffset(f) => {
                    let f = boxed::string(h, f.chars().map(|c| c as u32));
                    boxed::tuple(h, &[a("bad_local_file_offset"), f])
                }
                ZipError::UnsupportedCompression(f, m) => {
                    let f = boxed::string(h, f.chars().map(|c| c as u32));
                    boxed::tuple(
                        h,
                        &[a("unsupported_compression"), f, Term::small(*m as i64)],
                    )
                }
            },
        }
    }
}

/// A name in the archive as OTP's `path_split/1` gives it: its components, last first
/// (`"a/b/"` is `["", "b", "a"]`, `""` is `[""]`).
type Components = Vec<String>;

fn path_split(s: &str) -> Components {
    s.split('/').rev().map(str::to_string).collect()
}

/// One item of an archive's listing.
#[derive(Debug, Clone)]
struct Item {
    components: Components,
    /// The zip entry; `None` for a virtual folder.
    entry: Option<usize>,
}

/// An archive read: its bytes, entries and listing.
#[derive(Debug)]
struct Opened {
    bin: Vec<u8>,
    entries: Vec<ZipEntry>,
    items: Vec<Item>,
}

/// Reads the directory of `bin` and lays out the listing as `erl_prim_loader`'s
/// `open_archive/4` does.
fn open_bin(bin: Vec<u8>, from_file: bool) -> Result<Opened, ZipError> {
    let entries = prim_zip::central_dir(&bin, from_file)?;
    let mut items = Vec::with_capacity(entries.len() * 2);
    let mut dirs: Vec<Components> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let comps = path_split(&e.name);
        if comps.len() > 1 && comps[0].is_empty() {
            dirs.push(comps[1..].to_vec());
        }
        // The folders above the entry that have not been seen, outermost first.
        let mut virtual_dirs: Vec<Components> = Vec::new();
        let mut c: &[String] = &comps;
        while c.len() > 1 {
            let dir = &c[1..];
            if !dirs.iter().any(|d| d.as_slice() == dir) {
                dirs.push(dir.to_vec());
                let mut v = Vec::with_capacity(dir.len() + 1);
                v.push(String::new());
                v.extend_from_slice(dir);
                virtual_dirs.push(v);
            }
            c = dir;
        }
        for v in virtual_dirs.into_iter().rev() {
            items.push(Item {
                components: v,
                entry: None,
            });
        }
        items.push(Item {
            components: comps,
            entry: Some(i),
        });
    }
    Ok(Opened {
        bin,
        entries,
        items,
    })
}

/// The primary archive.
struct Primary {
    /// Its real absolute name.
    path: String,
    opened: Arc<Opened>,
    /// The `#file_info{}` it was set with, in the external format (folders of the archive
    /// report it, typed `directory`).
    info_etf: Vec<u8>,
}

fn primary() -> &'static Mutex<Option<Primary>> {
    static P: crate::instance::InstanceLocal<Mutex<Option<Primary>>> =
        crate::instance::InstanceLocal::new();
    P.get_or_init(Default::default)
}

fn cwd() -> Option<String> {
    std::env::current_dir()
        .ok()
        .map(|p| p.to_string_lossy().into_owned())
}

/// `erl_prim_loader`'s `absname/1`: a relative name is put under the working folder
/// (nothing else is changed).
pub fn absname(name: &str) -> String {
    if name.starts_with('/') {
        return name.to_string();
    }
    match cwd() {
        Some(c) => format!("{c}/{name}"),
        None => name.to_string(),
    }
}

/// OTP's `path_join/1` of a component list, last first.
fn path_join(rev: &[String]) -> String {
    let mut out = String::new();
    for (i, c) in rev.iter().rev().enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(c);
    }
    if rev.len() == 1 && rev[0].is_empty() {
        return String::new();
    }
    out
}

/// `erl_prim_loader`'s `real_path/1`: `.` and `..` removed and symbolic links followed, so
/// that a path can be compared with the primary archive's.
pub fn real_path(name: &str) -> String {
    let mut todo: Vec<String> = path_split(name); // popped from the end: first component first
    let mut acc: Vec<String> = Vec::new(); // last first
    let mut links: Vec<String> = Vec::new();
    while let Some(c) = todo.pop() {
        if c == "." {
            continue;
        }
        if c == ".." {
            if acc.len() == 1 && acc[0].is_empty() {
                continue;
            }
            if acc.first().is_some_and(|p| p != "..") {
                acc.remove(0);
                continue;
            }
        }
        let mut this = Vec::with_capacity(acc.len() + 1);
        this.push(c);
        this.extend(acc.iter().cloned());
        let this_file = path_join(&this);
        if links.contains(&this_file) {
            return name.to_string();
        }
        match std::fs::read_link(&this_file) {
            Ok(link) => {
                let link = link.to_string_lossy().into_owned();
                // The link's components come next (`todo` pops its last item first).
                todo.extend(path_split(&link));
                if link.starts_with('/') {
                    acc.clear();
                }
                links.push(this_file);
            }
            Err(_) => acc = this,
        }
    }
    path_join(&acc)
}

/// Where `file` lies (`name_split/2`): inside the primary archive, inside an archive named
/// by one of its components, or in the file system.
pub fn name_split(file: &str) -> Split {
    let prim = primary().lock().as_ref().map(|p| p.path.clone());
    let file = match prim {
        None => file.to_string(),
        Some(archive) => {
            let file = absname(file);
            let real = real_path(&file);
            if let Some(rest) = real.strip_prefix(archive.as_str()) {
                if rest.is_empty() {
                    return Split::Archive {
                        archive,
                        inside: String::new(),
                    };
                }
                if let Some(inside) = rest.strip_prefix('/') {
                    return Split::Archive {
                        archive,
                        inside: inside.to_string(),
                    };
                }
            }
            file
        }
    };
    archive_split(&file)
}

/// `archive_split/3`: the first prefix of `file` ending in the archive extension just before
/// a `/` or at the end.
fn archive_split(file: &str) -> Split {
    let b = file.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c == b'/' && file[..i].ends_with(ARCHIVE_EXT) {
            return Split::Archive {
                archive: absname(&file[..i]),
                inside: file[i + 1..].to_string(),
            };
        }
    }
    if file.ends_with(ARCHIVE_EXT) {
        return Split::Archive {
            archive: absname(file),
            inside: String::new(),
        };
    }
    Split::File(file.to_string())
}

/// The listing of `archive`: the primary one, or the file read now.
fn open(archive: &str) -> Result<Arc<Opened>, ArchiveError> {
    let prim = primary()
        .lock()
        .as_ref()
        .filter(|p| p.path == archive)
        .map(|p| p.opened.clone());
    if let Some(opened) = prim {
        // OTP looks at the file each time: a primary archive gone from disk is not read.
        std::fs::metadata(archive).map_err(|e| ArchiveError::of_io(&e))?;
        return Ok(opened);
    }
    let bin = std::fs::read(archive).map_err(|e| ArchiveError::of_io(&e))?;
    open_bin(bin, true).map(Arc::new).map_err(ArchiveError::Zip)
}

/// `get_file` inside an archive: the bytes of the first item named `inside`.
pub fn get_file(archive: &str, inside: &str) -> Result<Vec<u8>, ArchiveError> {
    let a = open(archive)?;
    let want = path_split(inside);
    for it in &a.items {
        if it.components == want {
            return match it.entry {
                None => Ok(Vec::new()),
                Some(i) => prim_zip::entry_data(&a.bin, &a.entries[i]).map_err(ArchiveError::Zip),
            };
        }
    }
    Err(ArchiveError::Posix(atom::atom("enoent")))
}

/// `list_dir` inside an archive: the names in folder `inside`, last found first, as OTP
/// gives them; `enotdir` when nothing says the folder is there.
pub fn list_dir(archive: &str, inside: &str) -> Result<Vec<String>, ArchiveError> {
    // OTP matches a failed open as `{Status, Names}`: any failure reads as "not a folder".
    let Ok(a) = open(archive) else {
        return Err(ArchiveError::Posix(atom::atom("enotdir")));
    };
    let dir = path_split(inside);
    let top = dir.len() == 1 && dir[0].is_empty();
    let mut ok = false;
    let mut names: Vec<String> = Vec::new();
    for it in &a.items {
        let c = &it.components;
        if !c.is_empty() && c[1..] == dir[..] {
            if c[0].is_empty() {
                ok = true;
            } else {
                names.push(c[0].clone());
            }
        } else if c.len() >= 2 && c[0].is_empty() && c[2..] == dir[..] {
            names.push(c[1].clone());
        } else if c.len() == 1 && top {
            names.push(c[0].clone());
            ok = true;
        } else if c.len() == 2 && c[0].is_empty() && top {
            names.push(c[1].clone());
            ok = true;
        }
    }
    if !ok {
        return Err(ArchiveError::Posix(atom::atom("enotdir")));
    }
    names.reverse();
    Ok(names)
}

/// What `read_file_info` reports of a name inside an archive.
#[derive(Debug, Clone)]
pub enum ArchiveInfo {
    /// A zip entry: its size, whether it is a folder, its time.
    Entry {
        size: u64,
        dir: bool,
        time: ((i64, i64, i64), (i64, i64, i64)),
    },
    /// A folder of the archive without an entry of its own (or its top): the info of the
    /// archive file, typed `directory`. `Etf` is the info the primary archive was set with.
    ArchiveFolder(FolderInfo),
}

#[derive(Debug, Clone)]
pub enum FolderInfo {
    Etf(Vec<u8>),
    Disk(String),
}

/// `read_file_info` inside an archive.
pub fn file_info(archive: &str, inside: &str) -> Result<ArchiveInfo, ArchiveError> {
    if inside.is_empty() {
        // The top folder: the archive file's own info, read now.
        std::fs::metadata(archive).map_err(|e| ArchiveError::of_io(&e))?;
        return Ok(ArchiveInfo::ArchiveFolder(FolderInfo::Disk(
            archive.to_string(),
        )));
    }
    let a = open(archive)?;
    let want = path_split(inside);
    for it in &a.items {
        let c = &it.components;
        let dir_match = !c.is_empty() && c[0].is_empty() && c[1..] == want[..];
        if dir_match || *c == want {
            return Ok(match it.entry {
                Some(i) => {
                    let e = &a.entries[i];
                    ArchiveInfo::Entry {
                        size: e.size,
                        dir: e.is_dir(),
                        time: e.datetime(),
                    }
                }
                None => ArchiveInfo::ArchiveFolder(folder_info(archive)),
            });
        }
    }
    Err(ArchiveError::Posix(atom::atom("enoent")))
}

/// The info a virtual folder of `archive` reports.
fn folder_info(archive: &str) -> FolderInfo {
    match primary().lock().as_ref() {
        Some(p) if p.path == archive => FolderInfo::Etf(p.info_etf.clone()),
        _ => FolderInfo::Disk(archive.to_string()),
    }
}

/// `set_primary_archive(File, Bin, FileInfo, _)`: makes the archive `bin` the primary one
/// under the real absolute name of `file`; the archive's name followed by the `App/ebin`
/// folders in it (the replacement of one primary archive by another drops the old one
/// first, as OTP does).
pub fn set_primary(file: &str, bin: Vec<u8>, info_etf: Vec<u8>) -> Result<Vec<String>, ZipError> {
    *primary().lock() = None;
    let path = real_path(&absname(file));
    let opened = open_bin(bin, false)?;
    let mut ebins = vec![path.clone()];
    for it in &opened.items {
        if let [empty, ebin, app] = it.components.as_slice() {
            if empty.is_empty() && ebin == "ebin" {
                ebins.push(format!("{app}/ebin"));
            }
        }
    }
    *primary().lock() = Some(Primary {
        path,
        opened: Arc::new(opened),
        info_etf,
    });
    Ok(ebins)
}

/// `set_primary_archive(undefined, undefined, undefined, _)`: drops the primary archive;
/// false when there was none.
pub fn clear_primary() -> bool {
    primary().lock().take().is_some()
}

/// The bytes of file `path`, wherever it lies (for loading code).
pub fn read_file(path: &str) -> std::io::Result<Vec<u8>> {
    match name_split(path) {
        Split::File(f) => std::fs::read(f),
        Split::Archive { archive, inside } => {
            get_file(&archive, &inside).map_err(|_| std::io::Error::from_raw_os_error(libc::ENOENT))
        }
    }
}

/// Whether a plain file or an archive entry named `path` is there (for finding code).
pub fn is_file(path: &str) -> bool {
    match name_split(path) {
        Split::File(f) => std::path::Path::new(&f).is_file(),
        Split::Archive { archive, inside } => matches!(
            file_info(&archive, &inside),
            Ok(ArchiveInfo::Entry { dir: false, .. })
        ),
    }
}

/// Whether a folder named `path` is there, in the file system or in an archive (for the
/// code path).
pub fn is_dir(path: &str) -> bool {
    match name_split(path) {
        Split::File(f) => std::path::Path::new(&f).is_dir(),
        Split::Archive { archive, inside } => matches!(
            file_info(&archive, &inside),
            Ok(ArchiveInfo::Entry { dir: true, .. } | ArchiveInfo::ArchiveFolder(_))
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_at_an_archive_component() {
        assert_eq!(archive_split("/a/b.beam"), Split::File("/a/b.beam".into()));
        assert_eq!(
            archive_split("/a/x.ez/x/ebin/m.beam"),
            Split::Archive {
                archive: "/a/x.ez".into(),
                inside: "x/ebin/m.beam".into()
            }
        );
        assert_eq!(
            archive_split("/a/x.ez"),
            Split::Archive {
                archive: "/a/x.ez".into(),
                inside: String::new()
            }
        );
        assert_eq!(
            archive_split("/a/x.ez/"),
            Split::Archive {
                archive: "/a/x.ez".into(),
                inside: String::new()
            }
        );
        // Only a whole component's end counts.
        assert_eq!(
            archive_split("/a/x.ezz/m"),
            Split::File("/a/x.ezz/m".into())
        );
    }

    #[test]
    fn real_paths_drop_dots() {
        assert_eq!(real_path("/a/./b/../c"), "/a/c");
        assert_eq!(real_path("/../x"), "/x");
        assert_eq!(real_path("/"), "/");
    }

    #[test]
    fn components_are_last_first() {
        assert_eq!(path_split("a/b/"), vec!["", "b", "a"]);
        assert_eq!(path_split(""), vec![""]);
        assert_eq!(path_join(&path_split("/a/b")), "/a/b");
        assert_eq!(path_join(&path_split("a")), "a");
    }
}
