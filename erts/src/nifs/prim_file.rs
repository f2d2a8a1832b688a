//! The built-in `prim_file` NIF library (OTP's `prim_file_nif.c` over `unix_prim_file.c`):
//! the file operations under `prim_file`, `file`, `file_server_2` and `erl_prim_loader`.
//!
//! Paths come from `prim_file:internal_name2native/1` (see `bif::filename`): a binary
//! ending in NUL; anything else is `{error, einval}`. Errors are `{error, Posix}` with
//! OTP's errno atoms (`crate::errno`), and OTP's adjustments (`del_file` of a directory is
//! `eperm`, a non-empty directory is `eexist`, opening a directory without `directory` is
//! `eisdir`). Arguments of the wrong type are `badarg`, as OTP's NIF checks them.
//!
//! An open file is a magic object ([`FILE_KIND`]) named by a magic reference, as OTP's
//! resource: it holds the descriptor and a monitor of the process that opened it. The
//! object keeps a count of its own while open (so dropping every term does not close it,
//! as in OTP); `close_nif/1` closes the descriptor and drops that count, and when the owner
//! dies its `'DOWN'` closes the descriptor ([`owner_down`]; OTP asks its janitor process to
//! do the close, here it is done at once). An operation on a closed file is
//! `{error, einval}`. A file is used under a lock, so an owner's death during an operation
//! closes it when the operation ends.

use super::{get_i32, get_i64, get_u32, iovec, object_of, BuiltinLib, BuiltinNif};
use crate::atom::{self, Atom};
use crate::bignum;
use crate::exception::{BifResult, Fail};
use crate::magic::{self, MagicHeader};
use crate::process::exit::{self, NATIVE_BIT};
use crate::process::signals::{MonitorTarget, Signal};
use crate::process::Process;
use crate::term::{boxed, Term};
use parking_lot::Mutex;
use std::ffi::CStr;
use std::sync::atomic::{AtomicBool, Ordering};

/// The magic kind of open files (`"EFILE"`).
pub const FILE_KIND: u64 = u64::from_be_bytes(*b"EFILE\0\0\0");

macro_rules! nifs {
    ($($name:literal / $arity:literal => $f:ident,)*) => {
        &[$(BuiltinNif { name: $name, arity: $arity, f: $f },)*]
    };
}

/// The library: every NIF stub of OTP 25's `prim_file.erl`.
pub static LIB: BuiltinLib = BuiltinLib {
    module: "prim_file",
    funcs: nifs! {
        "open_nif"/2 => open_nif,
        "close_nif"/1 => close_nif,
        "read_nif"/2 => read_nif,
        "write_nif"/2 => write_nif,
        "pread_nif"/3 => pread_nif,
        "pwrite_nif"/3 => pwrite_nif,
        "seek_nif"/3 => seek_nif,
        "sync_nif"/2 => sync_nif,
        "truncate_nif"/1 => truncate_nif,
        "allocate_nif"/3 => allocate_nif,
        "advise_nif"/4 => advise_nif,
        "read_handle_info_nif"/1 => read_handle_info_nif,
        "make_hard_link_nif"/2 => make_hard_link_nif,
        "make_soft_link_nif"/2 => make_soft_link_nif,
        "rename_nif"/2 => rename_nif,
        "read_info_nif"/2 => read_info_nif,
        "set_permissions_nif"/2 => set_permissions_nif,
        "set_owner_nif"/3 => set_owner_nif,
        "set_time_nif"/4 => set_time_nif,
        "read_link_nif"/1 => read_link_nif,
        "list_dir_nif"/1 => list_dir_nif,
        "make_dir_nif"/1 => make_dir_nif,
        "del_file_nif"/1 => del_file_nif,
        "del_dir_nif"/1 => del_dir_nif,
        "get_device_cwd_nif"/1 => get_device_cwd_nif,
        "set_cwd_nif"/1 => set_cwd_nif,
        "get_cwd_nif"/0 => get_cwd_nif,
        "ipread_s32bu_p32bu_nif"/3 => ipread_s32bu_p32bu_nif,
        "read_file_nif"/1 => read_file_nif,
        "get_handle_nif"/1 => get_handle_nif,
        "delayed_close_nif"/1 => delayed_close_nif,
        "altname_nif"/1 => altname_nif,
        "file_desc_to_ref_nif"/1 => file_desc_to_ref_nif,
    },
    // The load info is the pid of `prim_file`'s janitor process, which closes files of dead
    // owners in OTP; closes happen at once here, so it is not needed.
    load: |_| 0,
};

// ---- errors ---------------------------------------------------------------------------------

/// An errno value.
type Errno = i32;

fn last_errno() -> Errno {
    std::io::Error::last_os_error()
        .raw_os_error()
        .unwrap_or(libc::EIO)
}

/// `{error, Posix}`.
fn posix_error(p: &mut Process, e: Errno) -> BifResult {
    let reason = Term::atom(atom::atom(crate::errno::errno_id(e)));
    Ok(boxed::tuple(
        &mut p.heap,
        &[Term::atom(atom::ERROR), reason],
    ))
}

fn ok() -> BifResult {
    Ok(Term::atom(atom::OK))
}

/// `{ok, T}`.
fn ok_tuple(p: &mut Process, t: Term) -> BifResult {
    Ok(boxed::tuple(&mut p.heap, &[Term::atom(atom::OK), t]))
}

/// `ok`, or `{error, Posix}` of `errno` when `r` is negative.
fn ok_or_errno(p: &mut Process, r: libc::c_int) -> BifResult {
    if r < 0 {
        posix_error(p, last_errno())
    } else {
        ok()
    }
}

fn uint(p: &mut Process, v: u64) -> Term {
    bignum::from_i128(&mut p.heap, v as i128)
}

// ---- paths ----------------------------------------------------------------------------------

/// A path as `efile_marshal_path` takes it: a binary holding the name, then one or more NUL
/// bytes and nothing else; `EINVAL` for anything else.
fn path<'a>(t: Term) -> Result<&'a CStr, Errno> {
    let bytes = boxed::binary_bytes(t).ok_or(libc::EINVAL)?;
    let nul = bytes.iter().position(|&b| b == 0).ok_or(libc::EINVAL)?;
    if bytes[nul..].iter().any(|&b| b != 0) {
        return Err(libc::EINVAL);
    }
    CStr::from_bytes_until_nul(bytes).map_err(|_| libc::EINVAL)
}

/// Runs `f` on the path argument `t`: its result, or `{error, einval}` for a bad path.
fn with_path(
    p: &mut Process,
    t: Term,
    f: impl FnOnce(&mut Process, &CStr) -> BifResult,
) -> BifResult {
    match path(t) {
        Ok(c) => f(p, c),
        Err(e) => posix_error(p, e),
    }
}

/// Like [`with_path`] with two paths.
fn with_paths(
    p: &mut Process,
    a: Term,
    b: Term,
    f: impl FnOnce(&mut Process, &CStr, &CStr) -> BifResult,
) -> BifResult {
    match (path(a), path(b)) {
        (Ok(a), Ok(b)) => f(p, a, b),
        (Err(e), _) | (_, Err(e)) => posix_error(p, e),
    }
}

// ---- file objects ---------------------------------------------------------------------------

/// The monitor an open file holds on its owner.
#[derive(Clone, Copy)]
struct OwnerMonitor {
    reference: u64,
    pid: u64,
}

/// What is behind a file's lock: the descriptor (-1 once closed) and the owner's monitor.
struct FileState {
    fd: libc::c_int,
    monitor: Option<OwnerMonitor>,
}

/// An open file: the magic header, then its state.
#[repr(C)]
struct File {
    magic: MagicHeader,
    state: Mutex<FileState>,
    /// Set when the owner died while an operation held the lock: whoever takes the lock
    /// next closes the file.
    close_pending: AtomicBool,
}

/// Frees a file object whose last count was dropped (its descriptor is closed by then,
/// except for an object whose monitor could not be set up).
///
/// # Safety
/// `p` must be a [`File`] made by [`new_file`] with no count left.
unsafe fn destroy(p: *const MagicHeader) {
    // SAFETY: made by `Box::into_raw` in `new_file`, no longer referenced.
    let f = unsafe { Box::from_raw(p as *mut File) };
    let fd = f.state.lock().fd;
    if fd >= 0 {
        // SAFETY: the object owns the descriptor.
        unsafe { libc::close(fd) };
    }
}

fn file<'a>(t: Term) -> Result<&'a File, Fail> {
    // SAFETY: only `File`s have `FILE_KIND`; `t` is an argument on the caller's heap.
    unsafe { object_of::<File>(t, FILE_KIND) }.ok_or_else(Fail::badarg)
}

/// Makes an object for the open descriptor `fd`, owned by `p` (monitored), and returns
/// `{ok, Ref}`.
fn new_file(p: &mut Process, fd: libc::c_int) -> BifResult {
    let obj = Box::into_raw(Box::new(File {
        magic: MagicHeader::new(FILE_KIND, destroy),
        state: Mutex::new(FileState { fd, monitor: None }),
        close_pending: AtomicBool::new(false),
    })) as *const MagicHeader;
    // SAFETY: a live object; its creator's count stays with it while it is open.
    unsafe { magic::register(obj) };
    // SAFETY: as above.
    let f = unsafe { &*(obj as *const File) };
    let reference = crate::bif::process::new_ref_id();
    f.state.lock().monitor = Some(OwnerMonitor {
        reference,
        pid: p.id,
    });
    let sig = Signal::Monitor {
        from: f.magic.id() | NATIVE_BIT,
        reference,
        target: MonitorTarget::Pid(p.id),
    };
    if exit::deliver(p.id, sig).is_err() {
        // Cannot happen for the running process; closed as OTP does when the monitor fails.
        f.state.lock().monitor = None;
        close_object(f, false);
        return posix_error(p, libc::EINVAL);
    }
    // SAFETY: the object is alive (its open count); the term takes a count of its own.
    let t = unsafe { magic::make_ref(&mut p.heap, obj) };
    ok_tuple(p, t)
}

/// Closes `f` if it is open: takes the descriptor and the monitor under the lock, then
/// (without it) demonitors the owner when `demonitor`, closes the descriptor and drops the
/// object's open count. Returns the result of `close(2)`, `None` when already closed.
fn close_object(f: &File, demonitor: bool) -> Option<Result<(), Errno>> {
    let (fd, mon) = {
        let mut st = f.state.lock();
        if st.fd < 0 {
            return None;
        }
        (std::mem::replace(&mut st.fd, -1), st.monitor.take())
    };
    Some(finish_close(f, fd, mon, demonitor))
}

/// The part of a close done without the lock (see [`close_object`]).
fn finish_close(
    f: &File,
    fd: libc::c_int,
    mon: Option<OwnerMonitor>,
    demonitor: bool,
) -> Result<(), Errno> {
    if let (true, Some(m)) = (demonitor, mon) {
        let _ = exit::deliver(
            m.pid,
            Signal::Demonitor {
                from: f.magic.id() | NATIVE_BIT,
                reference: m.reference,
            },
        );
    }
    // SAFETY: the descriptor was owned by the object and is closed once (it was replaced
    // by -1 under the lock). close(2) is not retried on EINTR, as in OTP.
    let r = unsafe { libc::close(fd) };
    let result = if r < 0 { Err(last_errno()) } else { Ok(()) };
    // SAFETY: the object's open count, dropped once with the descriptor; the caller holds
    // another count (a term, or `magic::lookup`'s), so `f` stays valid.
    unsafe { magic::release(&f.magic) };
    result
}

/// The owner of the file `obj` died (the `'DOWN'` of the monitor `reference`): closes the
/// file now, or when the operation that holds its lock ends.
pub(super) fn owner_down(obj: *const MagicHeader, reference: u64) {
    // SAFETY: the caller holds a count of this object of `FILE_KIND`.
    let f = unsafe { &*(obj as *const File) };
    // Set first: an operation holding the lock sees it when it releases the lock.
    f.close_pending.store(true, Ordering::SeqCst);
    let Some(mut st) = f.state.try_lock() else {
        return; // the running operation closes the file when it ends
    };
    f.close_pending.store(false, Ordering::SeqCst);
    if st.fd < 0 || st.monitor.is_none_or(|m| m.reference != reference) {
        return; // closed meanwhile
    }
    st.monitor = None;
    let fd = std::mem::replace(&mut st.fd, -1);
    drop(st);
    let _ = finish_close(f, fd, None, false);
}

/// Runs a file operation (OTP's `file_handle_wrapper`): `badarg` unless `a[0]` is a file,
/// `{error, einval}` when it is closed; else `op` with the descriptor and the other
/// arguments, under the file's lock. A close asked for by the owner's death meanwhile is
/// done afterwards.
fn with_file(
    p: &mut Process,
    a: &[Term],
    op: impl FnOnce(&mut Process, libc::c_int, &[Term]) -> BifResult,
) -> BifResult {
    let f = file(a[0])?;
    let r = {
        let st = f.state.lock();
        if st.fd < 0 {
            drop(st);
            return posix_error(p, libc::EINVAL);
        }
        op(p, st.fd, &a[1..])
    };
    if f.close_pending.swap(false, Ordering::SeqCst) {
        let _ = close_object(f, false);
    }
    r
}

// ---- opening and closing --------------------------------------------------------------------

const MODE_READ: u32 = 1;
const MODE_WRITE: u32 = 2;
const MODE_EXCLUSIVE: u32 = 4;
const MODE_APPEND: u32 = 8;
const MODE_SYNC: u32 = 16;
const MODE_SKIP_TYPE_CHECK: u32 = 32;
const MODE_DIRECTORY: u32 = 64;

/// The modes of `open_nif/2` that the NIF itself reads (OTP's `efile_translate_modelist`):
/// other elements and an improper tail are ignored; `append` and `exclusive` imply write,
/// and no access mode means read.
fn modes(mut list: Term) -> u32 {
    let mut m = 0;
    while list.is_list() {
        m |= match list.head().as_atom().map(Atom::name) {
            Some("read") => MODE_READ,
            Some("write") => MODE_WRITE,
            Some("exclusive") => MODE_EXCLUSIVE,
            Some("append") => MODE_APPEND,
            Some("sync") => MODE_SYNC,
            Some("skip_type_check") => MODE_SKIP_TYPE_CHECK,
            Some("directory") => MODE_DIRECTORY,
            _ => 0,
        };
        list = list.tail();
    }
    if m & (MODE_APPEND | MODE_EXCLUSIVE) != 0 {
        m |= MODE_WRITE;
    } else if m & (MODE_READ | MODE_WRITE) == 0 {
        m |= MODE_READ;
    }
    m
}

/// The `open(2)` flags of `modes` (OTP's `get_flags`).
fn open_flags(modes: u32) -> libc::c_int {
    let rw = modes & (MODE_READ | MODE_WRITE);
    let mut flags = if rw == MODE_READ {
        libc::O_RDONLY
    } else if rw == MODE_WRITE {
        libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC
    } else {
        libc::O_RDWR | libc::O_CREAT
    };
    if modes & MODE_APPEND != 0 {
        flags = (flags & !libc::O_TRUNC) | libc::O_APPEND;
    }
    if modes & MODE_EXCLUSIVE != 0 {
        flags |= libc::O_EXCL;
    }
    if modes & MODE_SYNC != 0 {
        flags |= libc::O_SYNC;
    }
    if modes & MODE_DIRECTORY != 0 {
        flags |= libc::O_DIRECTORY;
    }
    flags | libc::O_CLOEXEC
}

fn fstat(fd: libc::c_int) -> Result<libc::stat, Errno> {
    // SAFETY: an all-zero `stat` is valid; fstat fills it.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: a valid out pointer.
    if unsafe { libc::fstat(fd, &mut st) } < 0 {
        return Err(last_errno());
    }
    Ok(st)
}

fn is_dir(st: &libc::stat) -> bool {
    st.st_mode & libc::S_IFMT == libc::S_IFDIR
}

/// Opens `path` with `modes` (OTP's `efile_open`): the descriptor, or the errno. A directory
/// opened without `directory` (and without `skip_type_check`) is `EISDIR`.
fn open_path(path: &CStr, modes: u32) -> Result<libc::c_int, Errno> {
    let mode: libc::c_uint = if modes & MODE_DIRECTORY != 0 {
        0o777
    } else {
        0o666
    };
    let fd = loop {
        // SAFETY: a NUL-terminated path.
        let fd = unsafe { libc::open(path.as_ptr(), open_flags(modes), mode) };
        if fd >= 0 {
            break fd;
        }
        let e = last_errno();
        if e != libc::EINTR {
            return Err(e);
        }
    };
    if modes & (MODE_SKIP_TYPE_CHECK | MODE_DIRECTORY) == 0 && fstat(fd).is_ok_and(|s| is_dir(&s)) {
        // SAFETY: the descriptor just opened.
        unsafe { libc::close(fd) };
        return Err(libc::EISDIR);
    }
    Ok(fd)
}

fn open_nif(p: &mut Process, a: &[Term]) -> BifResult {
    if !a[1].is_list() && !a[1].is_nil() {
        return Err(Fail::badarg());
    }
    let m = modes(a[1]);
    with_path(p, a[0], |p, path| match open_path(path, m) {
        Ok(fd) => new_file(p, fd),
        Err(e) => posix_error(p, e),
    })
}

fn file_desc_to_ref_nif(p: &mut Process, a: &[Term]) -> BifResult {
    if !a[0].is_number() {
        return Err(Fail::badarg());
    }
    let fd = get_i32(a[0]).ok_or_else(Fail::badarg)?;
    // SAFETY: F_GETFL only inspects the descriptor.
    if unsafe { libc::fcntl(fd, libc::F_GETFL) } == -1 {
        let e = last_errno();
        if e == libc::EBADF {
            return posix_error(p, e);
        }
    }
    new_file(p, fd)
}

fn close_nif(p: &mut Process, a: &[Term]) -> BifResult {
    let f = file(a[0])?;
    match close_object(f, true) {
        None => posix_error(p, libc::EINVAL),
        Some(Ok(())) => ok(),
        Some(Err(e)) => posix_error(p, e),
    }
}

/// `prim_file`'s janitor closes files of dead owners with this in OTP.
fn delayed_close_nif(_: &mut Process, a: &[Term]) -> BifResult {
    let f = file(a[0])?;
    let _ = close_object(f, true);
    ok()
}

// ---- reading and writing --------------------------------------------------------------------

/// Reads until `size` bytes or the end of the file (OTP's `efile_readv` loops the same way),
/// at `offset` when given.
fn read_up_to(fd: libc::c_int, size: u64, mut offset: Option<i64>) -> Result<Vec<u8>, Errno> {
    let size = usize::try_from(size).map_err(|_| libc::ENOMEM)?;
    let mut buf: Vec<u8> = Vec::new();
    while buf.len() < size {
        let want = (size - buf.len()).min(1 << 24);
        buf.reserve(want);
        let spare = buf.spare_capacity_mut();
        // SAFETY: `spare` has room for `want` bytes, which the kernel writes.
        let n = unsafe {
            let dst = spare.as_mut_ptr() as *mut libc::c_void;
            match offset {
                Some(off) => libc::pread(fd, dst, want, off),
                None => libc::read(fd, dst, want),
            }
        };
        if n < 0 {
            let e = last_errno();
            if e == libc::EINTR {
                continue;
            }
            return Err(e);
        }
        if n == 0 {
            break;
        }
        // SAFETY: the kernel initialized `n` more bytes.
        unsafe { buf.set_len(buf.len() + n as usize) };
        if let Some(off) = offset.as_mut() {
            *off += n as i64;
        }
    }
    Ok(buf)
}

/// Writes all of `parts`, at `offset` when given; the errno of a failed write.
fn write_all(fd: libc::c_int, parts: &[&[u8]], mut offset: Option<i64>) -> Result<(), Errno> {
    for part in parts {
        let mut rest = *part;
        while !rest.is_empty() {
            let len = rest.len().min(1 << 30);
            // SAFETY: `rest` is readable for `len` bytes.
            let n = unsafe {
                let src = rest.as_ptr() as *const libc::c_void;
                match offset {
                    Some(off) => libc::pwrite(fd, src, len, off),
                    None => libc::write(fd, src, len),
                }
            };
            if n < 0 {
                let e = last_errno();
                if e == libc::EINTR {
                    continue;
                }
                return Err(e);
            }
            if n == 0 {
                return Err(libc::ENOSPC);
            }
            rest = &rest[n as usize..];
            if let Some(off) = offset.as_mut() {
                *off += n as i64;
            }
        }
    }
    Ok(())
}

/// `eof` for no data, else `{ok, Binary}`.
fn data_or_eof(p: &mut Process, r: Result<Vec<u8>, Errno>) -> BifResult {
    match r {
        Err(e) => posix_error(p, e),
        Ok(v) if v.is_empty() => Ok(Term::atom(atom::atom("eof"))),
        Ok(v) => {
            let b = boxed::binary_from_vec(&mut p.heap, v);
            ok_tuple(p, b)
        }
    }
}

/// A non-negative 64-bit argument that must be a number (`badarg` otherwise); `Err(None)`
/// for `{error, einval}` (a float, a too large or negative integer).
fn non_neg(t: Term) -> Result<i64, Option<Fail>> {
    if !t.is_number() {
        return Err(Some(Fail::badarg()));
    }
    match get_i64(t) {
        Some(v) if v >= 0 => Ok(v),
        _ => Err(None),
    }
}

/// Runs `f` with the checked non-negative arguments, `{error, einval}` or `badarg` as
/// [`non_neg`] says. Every argument is checked to be a number first, as OTP does.
fn with_non_neg<const N: usize>(
    p: &mut Process,
    args: [Term; N],
    f: impl FnOnce(&mut Process, [i64; N]) -> BifResult,
) -> BifResult {
    if args.iter().any(|t| !t.is_number()) {
        return Err(Fail::badarg());
    }
    let mut vals = [0i64; N];
    for (v, t) in vals.iter_mut().zip(args) {
        match non_neg(t) {
            Ok(x) => *v = x,
            Err(Some(fail)) => return Err(fail),
            Err(None) => return posix_error(p, libc::EINVAL),
        }
    }
    f(p, vals)
}

fn read_nif(p: &mut Process, a: &[Term]) -> BifResult {
    with_file(p, a, |p, fd, a| {
        with_non_neg(p, [a[0]], |p, [size]| {
            data_or_eof(p, read_up_to(fd, size as u64, None))
        })
    })
}

fn pread_nif(p: &mut Process, a: &[Term]) -> BifResult {
    with_file(p, a, |p, fd, a| {
        with_non_neg(p, [a[0], a[1]], |p, [offset, size]| {
            data_or_eof(p, read_up_to(fd, size as u64, Some(offset)))
        })
    })
}

fn write_nif(p: &mut Process, a: &[Term]) -> BifResult {
    with_file(p, a, |p, fd, a| {
        let parts = iovec(a[0]).ok_or_else(Fail::badarg)?;
        match write_all(fd, &parts, None) {
            Ok(()) => ok(),
            Err(e) => posix_error(p, e),
        }
    })
}

fn pwrite_nif(p: &mut Process, a: &[Term]) -> BifResult {
    with_file(p, a, |p, fd, a| {
        if !a[0].is_number() {
            return Err(Fail::badarg());
        }
        let parts = iovec(a[1]).ok_or_else(Fail::badarg)?;
        let offset = match get_i64(a[0]) {
            Some(o) if o >= 0 => o,
            _ => return posix_error(p, libc::EINVAL),
        };
        match write_all(fd, &parts, Some(offset)) {
            Ok(()) => ok(),
            Err(e) => posix_error(p, e),
        }
    })
}

fn seek_nif(p: &mut Process, a: &[Term]) -> BifResult {
    with_file(p, a, |p, fd, a| {
        let offset = get_i64(a[1]).ok_or_else(Fail::badarg)?;
        let whence = match a[0].as_atom().map(Atom::name) {
            Some("bof") => libc::SEEK_SET,
            Some("cur") => libc::SEEK_CUR,
            Some("eof") => libc::SEEK_END,
            _ => return Err(Fail::badarg()),
        };
        // SAFETY: lseek on the file's descriptor.
        let r = unsafe { libc::lseek(fd, offset, whence) };
        if r < 0 {
            return posix_error(p, last_errno());
        }
        let pos = uint(p, r as u64);
        ok_tuple(p, pos)
    })
}

fn sync_nif(p: &mut Process, a: &[Term]) -> BifResult {
    with_file(p, a, |p, fd, a| {
        let data_only = get_i32(a[0]).ok_or_else(Fail::badarg)?;
        // SAFETY: syncing the file's descriptor.
        let r = unsafe {
            if data_only != 0 {
                libc::fdatasync(fd)
            } else {
                libc::fsync(fd)
            }
        };
        ok_or_errno(p, r)
    })
}

fn truncate_nif(p: &mut Process, a: &[Term]) -> BifResult {
    with_file(p, a, |p, fd, _| {
        // SAFETY: lseek and ftruncate on the file's descriptor.
        let pos = unsafe { libc::lseek(fd, 0, libc::SEEK_CUR) };
        if pos < 0 {
            return posix_error(p, last_errno());
        }
        // SAFETY: as above.
        let r = unsafe { libc::ftruncate(fd, pos) };
        ok_or_errno(p, r)
    })
}

fn allocate_nif(p: &mut Process, a: &[Term]) -> BifResult {
    with_file(p, a, |p, fd, a| {
        with_non_neg(p, [a[0], a[1]], |p, [offset, length]| {
            // Linux's fallocate first, then posix_fallocate, as OTP.
            // SAFETY: on the file's descriptor.
            let mut r = unsafe { libc::fallocate(fd, 0, offset, length) };
            while r < 0 && last_errno() == libc::EINTR {
                // SAFETY: as above.
                r = unsafe { libc::fallocate(fd, 0, offset, length) };
            }
            if r < 0 {
                let e = loop {
                    // SAFETY: as above; it returns an errno value.
                    let e = unsafe { libc::posix_fallocate(fd, offset, length) };
                    if e != libc::EINTR {
                        break e;
                    }
                };
                if e != 0 {
                    return posix_error(p, e);
                }
            }
            ok()
        })
    })
}

fn advise_nif(p: &mut Process, a: &[Term]) -> BifResult {
    with_file(p, a, |p, fd, a| {
        with_non_neg(p, [a[0], a[1]], |p, [offset, length]| {
            let advice = match a[2].as_atom().map(Atom::name) {
                Some("normal") => libc::POSIX_FADV_NORMAL,
                Some("random") => libc::POSIX_FADV_RANDOM,
                Some("sequential") => libc::POSIX_FADV_SEQUENTIAL,
                Some("will_need") => libc::POSIX_FADV_WILLNEED,
                Some("dont_need") => libc::POSIX_FADV_DONTNEED,
                Some("no_reuse") => libc::POSIX_FADV_NOREUSE,
                _ => return posix_error(p, libc::EINVAL),
            };
            // It is only advice: OTP ignores what posix_fadvise returns (an errno value,
            // never negative).
            // SAFETY: on the file's descriptor.
            unsafe { libc::posix_fadvise(fd, offset, length, advice) };
            ok()
        })
    })
}

fn get_handle_nif(p: &mut Process, a: &[Term]) -> BifResult {
    with_file(p, a, |p, fd, _| {
        Ok(boxed::binary(&mut p.heap, &fd.to_ne_bytes()))
    })
}

/// Reads a pointer block `<<Size:32, Offset:32>>` at an offset, then the data it points at
/// (see OTP's comment on `ipread_s32bu_p32bu_nif_impl`).
fn ipread_s32bu_p32bu_nif(p: &mut Process, a: &[Term]) -> BifResult {
    with_file(p, a, |p, fd, a| {
        if !a[0].is_number() || !a[1].is_number() {
            return Err(Fail::badarg());
        }
        let (Some(ptr_offset), Some(max)) = (get_i64(a[0]), get_i64(a[1])) else {
            return posix_error(p, libc::EINVAL);
        };
        if ptr_offset < 0 || max >= 1 << 31 {
            return posix_error(p, libc::EINVAL);
        }
        let block = match read_up_to(fd, 8, Some(ptr_offset)) {
            Err(e) => return posix_error(p, e),
            Ok(b) if b.len() < 8 => return Ok(Term::atom(atom::atom("eof"))),
            Ok(b) => b,
        };
        let size = u32::from_be_bytes([block[0], block[1], block[2], block[3]]);
        let offset = u32::from_be_bytes([block[4], block[5], block[6], block[7]]);
        if i64::from(size) > max {
            return Ok(Term::atom(atom::atom("eof")));
        }
        let data = match read_up_to(fd, u64::from(size), Some(i64::from(offset))) {
            Err(e) => return posix_error(p, e),
            Ok(d) if d.is_empty() => Term::atom(atom::atom("eof")),
            Ok(d) => boxed::binary_from_vec(&mut p.heap, d),
        };
        let (s, o) = (uint(p, u64::from(size)), uint(p, u64::from(offset)));
        let inner = boxed::tuple(&mut p.heap, &[s, o, data]);
        ok_tuple(p, inner)
    })
}

fn read_file_nif(p: &mut Process, a: &[Term]) -> BifResult {
    with_path(p, a[0], |p, path| {
        let fd = match open_path(path, MODE_READ) {
            Ok(fd) => fd,
            Err(e) => return posix_error(p, e),
        };
        let r = read_whole(fd);
        // SAFETY: the descriptor opened above.
        unsafe { libc::close(fd) };
        match r {
            Ok(v) => {
                let b = boxed::binary_from_vec(&mut p.heap, v);
                ok_tuple(p, b)
            }
            Err(e) => posix_error(p, e),
        }
    })
}

/// Reads a file to its end, starting with a buffer of its size when known.
fn read_whole(fd: libc::c_int) -> Result<Vec<u8>, Errno> {
    let size = fstat(fd).map(|s| s.st_size.max(0) as usize).unwrap_or(0);
    let mut buf: Vec<u8> = Vec::with_capacity(if size == 0 { 16 << 10 } else { size + 1 });
    loop {
        if buf.len() == buf.capacity() {
            buf.reserve(buf.capacity().max(16 << 10));
        }
        let spare = buf.spare_capacity_mut();
        // SAFETY: `spare` is writable for its length.
        let n = unsafe { libc::read(fd, spare.as_mut_ptr() as *mut libc::c_void, spare.len()) };
        if n < 0 {
            let e = last_errno();
            if e == libc::EINTR {
                continue;
            }
            return Err(e);
        }
        if n == 0 {
            return Ok(buf);
        }
        // SAFETY: the kernel initialized `n` more bytes.
        unsafe { buf.set_len(buf.len() + n as usize) };
    }
}

// ---- file information -----------------------------------------------------------------------

/// `read`, `write`, `read_write` or `none`.
fn access_atom(read: bool, write: bool) -> Term {
    Term::atom(atom::atom(match (read, write) {
        (true, false) => "read",
        (false, true) => "write",
        (true, true) => "read_write",
        (false, false) => "none",
    }))
}

/// The `#file_info{}` record of `file.hrl` (times as POSIX seconds, which `prim_file`
/// converts), with OTP's integer widths: links, devices and the inode are C `unsigned int`s
/// there, so they are truncated to 32 bits as in OTP.
fn file_info(p: &mut Process, st: &libc::stat, access: Term) -> BifResult {
    let kind = match st.st_mode & libc::S_IFMT {
        libc::S_IFCHR | libc::S_IFBLK => "device",
        libc::S_IFDIR => "directory",
        libc::S_IFREG => "regular",
        libc::S_IFLNK => "symlink",
        _ => "other",
    };
    let size = uint(p, st.st_size.max(0) as u64);
    let (at, mt, ct) = (
        bignum::from_i64(&mut p.heap, st.st_atime),
        bignum::from_i64(&mut p.heap, st.st_mtime),
        bignum::from_i64(&mut p.heap, st.st_ctime),
    );
    let small = |v: u64| Term::small((v as u32) as i64);
    // `nlink_t` is 64 bits on some targets and 32 on others.
    #[allow(clippy::unnecessary_cast)]
    let links = st.st_nlink as u64;
    let elems = [
        Term::atom(atom::atom("file_info")),
        size,
        Term::atom(atom::atom(kind)),
        access,
        at,
        mt,
        ct,
        small(st.st_mode as u64),
        small(links),
        small(st.st_dev),
        small(st.st_rdev),
        small(st.st_ino),
        small(st.st_uid as u64),
        small(st.st_gid as u64),
    ];
    Ok(boxed::tuple(&mut p.heap, &elems))
}

fn read_info_nif(p: &mut Process, a: &[Term]) -> BifResult {
    let follow = get_i32(a[1]).ok_or_else(Fail::badarg)?;
    with_path(p, a[0], |p, path| {
        // SAFETY: an all-zero `stat` is valid; (l)stat fills it from a NUL-terminated path.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: as above.
        let r = unsafe {
            if follow != 0 {
                libc::stat(path.as_ptr(), &mut st)
            } else {
                libc::lstat(path.as_ptr(), &mut st)
            }
        };
        if r < 0 {
            return posix_error(p, last_errno());
        }
        // SAFETY: access(2) on a NUL-terminated path.
        let (read, write) = unsafe {
            (
                libc::access(path.as_ptr(), libc::R_OK) == 0,
                libc::access(path.as_ptr(), libc::W_OK) == 0,
            )
        };
        file_info(p, &st, access_atom(read, write))
    })
}

fn read_handle_info_nif(p: &mut Process, a: &[Term]) -> BifResult {
    with_file(p, a, |p, fd, _| {
        let st = match fstat(fd) {
            Ok(st) => st,
            Err(e) => return posix_error(p, e),
        };
        // OTP's `check_access`: the owner's, group's or others' bits, whichever apply.
        // SAFETY: plain queries of the process's ids.
        let (euid, egid) = unsafe { (libc::geteuid(), libc::getegid()) };
        let m = st.st_mode;
        let (r, w) = if st.st_uid == euid {
            (m & libc::S_IRUSR != 0, m & libc::S_IWUSR != 0)
        } else if st.st_gid == egid {
            (m & libc::S_IRGRP != 0, m & libc::S_IWGRP != 0)
        } else {
            (m & libc::S_IROTH != 0, m & libc::S_IWOTH != 0)
        };
        file_info(p, &st, access_atom(r, w))
    })
}

fn set_permissions_nif(p: &mut Process, a: &[Term]) -> BifResult {
    let perms = get_u32(a[1]).ok_or_else(Fail::badarg)?;
    with_path(p, a[0], |p, path| {
        let mutable = libc::S_ISUID | libc::S_ISGID | 0o777;
        let mode = perms & mutable;
        // SAFETY: chmod on a NUL-terminated path.
        if unsafe { libc::chmod(path.as_ptr(), mode) } < 0 {
            // Without the set-id bits, which an unprivileged user may not set.
            // SAFETY: as above.
            let r = unsafe { libc::chmod(path.as_ptr(), mode & !(libc::S_ISUID | libc::S_ISGID)) };
            return ok_or_errno(p, r);
        }
        ok()
    })
}

fn set_owner_nif(p: &mut Process, a: &[Term]) -> BifResult {
    let (Some(uid), Some(gid)) = (get_i32(a[1]), get_i32(a[2])) else {
        return Err(Fail::badarg());
    };
    with_path(p, a[0], |p, path| {
        // SAFETY: chown on a NUL-terminated path (-1 keeps an id, as in OTP).
        let r = unsafe { libc::chown(path.as_ptr(), uid as libc::uid_t, gid as libc::gid_t) };
        ok_or_errno(p, r)
    })
}

fn set_time_nif(p: &mut Process, a: &[Term]) -> BifResult {
    let (Some(atime), Some(mtime), Some(_ctime)) = (get_i64(a[1]), get_i64(a[2]), get_i64(a[3]))
    else {
        return Err(Fail::badarg());
    };
    with_path(p, a[0], |p, path| {
        let times = libc::utimbuf {
            actime: atime,
            modtime: mtime,
        };
        // SAFETY: utime on a NUL-terminated path with a valid buffer.
        let r = unsafe { libc::utime(path.as_ptr(), &times) };
        ok_or_errno(p, r)
    })
}

// ---- names ----------------------------------------------------------------------------------

fn read_link_nif(p: &mut Process, a: &[Term]) -> BifResult {
    with_path(p, a[0], |p, path| {
        let mut buf = vec![0u8; 256];
        loop {
            // SAFETY: readlink writes at most `buf.len()` bytes into `buf`.
            let n = unsafe {
                libc::readlink(
                    path.as_ptr(),
                    buf.as_mut_ptr() as *mut libc::c_char,
                    buf.len(),
                )
            };
            if n <= 0 {
                return posix_error(p, last_errno());
            }
            let n = n as usize;
            if n < buf.len() {
                buf.truncate(n);
                let b = boxed::binary_from_vec(&mut p.heap, buf);
                return ok_tuple(p, b);
            }
            buf.resize(buf.len() * 2, 0);
        }
    })
}

/// Closes a directory stream when dropped.
struct Dir(*mut libc::DIR);

impl Drop for Dir {
    fn drop(&mut self) {
        // SAFETY: a stream opened by opendir, closed once.
        unsafe { libc::closedir(self.0) };
    }
}

fn list_dir_nif(p: &mut Process, a: &[Term]) -> BifResult {
    with_path(p, a[0], |p, path| {
        // SAFETY: opendir on a NUL-terminated path.
        let dir = unsafe { libc::opendir(path.as_ptr()) };
        if dir.is_null() {
            return posix_error(p, last_errno());
        }
        let dir = Dir(dir);
        // Each name is put in front, so the list is in the reverse of readdir's order, as
        // OTP's (whose `prim_file` reverses it again).
        let mut list = Term::NIL;
        loop {
            // SAFETY: a valid stream; the entry is valid until the next readdir.
            let entry = unsafe { libc::readdir(dir.0) };
            if entry.is_null() {
                break;
            }
            // SAFETY: `d_name` is NUL-terminated.
            let name = unsafe { CStr::from_ptr((*entry).d_name.as_ptr()) }.to_bytes();
            if name == b"." || name == b".." {
                continue;
            }
            let b = boxed::binary(&mut p.heap, name);
            list = boxed::cons(&mut p.heap, b, list);
        }
        drop(dir);
        ok_tuple(p, list)
    })
}

fn rename_nif(p: &mut Process, a: &[Term]) -> BifResult {
    with_paths(p, a[0], a[1], |p, from, to| {
        // SAFETY: rename with NUL-terminated paths.
        if unsafe { libc::rename(from.as_ptr(), to.as_ptr()) } < 0 {
            let e = last_errno();
            if e == libc::ENOTEMPTY {
                return posix_error(p, libc::EEXIST);
            }
            if from.to_bytes() == b"/" {
                return posix_error(p, libc::EINVAL);
            }
            return posix_error(p, e);
        }
        ok()
    })
}

fn make_hard_link_nif(p: &mut Process, a: &[Term]) -> BifResult {
    with_paths(p, a[0], a[1], |p, existing, new| {
        // SAFETY: link with NUL-terminated paths.
        let r = unsafe { libc::link(existing.as_ptr(), new.as_ptr()) };
        ok_or_errno(p, r)
    })
}

fn make_soft_link_nif(p: &mut Process, a: &[Term]) -> BifResult {
    with_paths(p, a[0], a[1], |p, existing, new| {
        // SAFETY: symlink with NUL-terminated paths.
        let r = unsafe { libc::symlink(existing.as_ptr(), new.as_ptr()) };
        ok_or_errno(p, r)
    })
}

fn make_dir_nif(p: &mut Process, a: &[Term]) -> BifResult {
    with_path(p, a[0], |p, path| {
        // SAFETY: mkdir on a NUL-terminated path.
        let r = unsafe { libc::mkdir(path.as_ptr(), 0o777) };
        ok_or_errno(p, r)
    })
}

fn del_file_nif(p: &mut Process, a: &[Term]) -> BifResult {
    with_path(p, a[0], |p, path| {
        // SAFETY: unlink on a NUL-terminated path.
        if unsafe { libc::unlink(path.as_ptr()) } < 0 {
            // Linux says EISDIR where POSIX (and OTP) say EPERM.
            let e = match last_errno() {
                libc::EISDIR => libc::EPERM,
                e => e,
            };
            return posix_error(p, e);
        }
        ok()
    })
}

fn del_dir_nif(p: &mut Process, a: &[Term]) -> BifResult {
    with_path(p, a[0], |p, path| {
        // SAFETY: rmdir on a NUL-terminated path.
        if unsafe { libc::rmdir(path.as_ptr()) } < 0 {
            let mut e = last_errno();
            if e == libc::ENOTEMPTY {
                e = libc::EEXIST;
            }
            // Deleting the current directory: EINVAL, as OTP.
            if e == libc::EEXIST {
                let here = std::fs::metadata(".");
                // SAFETY: an all-zero `stat` is valid; stat fills it.
                let mut st: libc::stat = unsafe { std::mem::zeroed() };
                // SAFETY: stat on a NUL-terminated path.
                let r = unsafe { libc::stat(path.as_ptr(), &mut st) };
                if let (0, Ok(here)) = (r, here) {
                    use std::os::unix::fs::MetadataExt;
                    if st.st_ino == here.ino() && st.st_dev == here.dev() {
                        e = libc::EINVAL;
                    }
                }
            }
            return posix_error(p, e);
        }
        ok()
    })
}

fn set_cwd_nif(p: &mut Process, a: &[Term]) -> BifResult {
    with_path(p, a[0], |p, path| {
        // SAFETY: chdir on a NUL-terminated path.
        let r = unsafe { libc::chdir(path.as_ptr()) };
        ok_or_errno(p, r)
    })
}

fn get_cwd_nif(p: &mut Process, _: &[Term]) -> BifResult {
    match std::env::current_dir() {
        Ok(d) => {
            use std::os::unix::ffi::OsStrExt;
            let b = boxed::binary(&mut p.heap, d.as_os_str().as_bytes());
            ok_tuple(p, b)
        }
        Err(e) => posix_error(p, e.raw_os_error().unwrap_or(libc::EIO)),
    }
}

/// Drive-letter directories exist only on Windows.
fn get_device_cwd_nif(p: &mut Process, a: &[Term]) -> BifResult {
    get_i32(a[0]).ok_or_else(Fail::badarg)?;
    posix_error(p, libc::ENOTSUP)
}

/// Short (8.3) names exist only on Windows.
fn altname_nif(p: &mut Process, a: &[Term]) -> BifResult {
    with_path(p, a[0], |p, _| posix_error(p, libc::ENOTSUP))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(h: &mut crate::heap::Heap, names: &[&str]) -> Term {
        let items: Vec<Term> = names.iter().map(|n| Term::atom(atom::atom(n))).collect();
        boxed::list(h, &items)
    }

    #[test]
    fn modes_follow_otp() {
        let mut h = crate::heap::Heap::default();
        assert_eq!(modes(Term::NIL), MODE_READ);
        assert_eq!(modes(list(&mut h, &["append"])), MODE_APPEND | MODE_WRITE);
        assert_eq!(
            modes(list(&mut h, &["read", "binary", "raw"])),
            MODE_READ,
            "unknown modes are ignored"
        );
        let rw = open_flags(modes(list(&mut h, &["read", "write"])));
        assert_eq!(rw & libc::O_ACCMODE, libc::O_RDWR);
        assert_eq!(rw & libc::O_TRUNC, 0);
        let w = open_flags(MODE_WRITE);
        assert_ne!(w & libc::O_TRUNC, 0);
        let a = open_flags(MODE_WRITE | MODE_APPEND);
        assert_eq!(a & libc::O_TRUNC, 0);
        assert_ne!(a & libc::O_APPEND, 0);
    }

    #[test]
    fn paths_must_end_in_nul() {
        let mut h = crate::heap::Heap::default();
        let good = boxed::binary(&mut h, b"/tmp\0\0");
        assert_eq!(path(good).unwrap().to_bytes(), b"/tmp");
        for bad in [&b"/tmp"[..], b"/t\0mp\0", b""] {
            let t = boxed::binary(&mut h, bad);
            assert_eq!(path(t).unwrap_err(), libc::EINVAL);
        }
        assert_eq!(path(Term::NIL).unwrap_err(), libc::EINVAL);
    }
}
