//! The VM side of the child-setup helper.
//!
//! It owns the connection to the helper: starting it (the one `fork` of the VM), the socket,
//! the lock that keeps request frames whole, the table of requests waiting for `Go`/`Failed`,
//! the table of running children waiting for `Exited`, and the reader thread
//! (`child_setup_reader`) that routes the helper's replies.
//!
//! Ordering: the helper sends a child's `Go` before its `Exited` on the same stream, and the
//! reader moves the `on_exit` callback from the request table to the child table while
//! handling `Go`, so a child that dies before [`spawn`] even returns is still reported.
//!
//! If the helper dies or talks nonsense, the connection is shut down: waiting requests fail
//! with `EPIPE`, callbacks of children still running are dropped without being called, and the
//! next [`spawn`] starts a new helper.

use std::cell::Cell;
use std::collections::HashMap;
use std::ffi::CString;
use std::io;
use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::sync_channel;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::protocol::{self, FdMapping, Reply, Spawn, MAX_FDS};
use super::{helper, sys, SpawnRequest};

type ExitFn = Box<dyn FnOnce(i32) + Send>;
type StartFn = Box<dyn FnOnce(Result<u32, i32>) + Send>;

struct Pending {
    on_start: StartFn,
    on_exit: ExitFn,
}

#[derive(Default)]
struct State {
    /// False once the connection is shut down.
    alive: bool,
    /// Requests sent, by request id, waiting for `Go` or `Failed`.
    pending: HashMap<u64, Pending>,
    /// Children announced by `Go`, by OS pid, waiting for `Exited`.
    running: HashMap<u32, ExitFn>,
}

struct Client {
    sock: OwnedFd,
    helper_pid: libc::pid_t,
    /// Held while one request frame is written.
    writer: Mutex<()>,
    state: Mutex<State>,
    next_id: AtomicU64,
}

/// The current connection, if started.
// Process-wide: the fork helper is forked once per OS process and serves every instance.
static CLIENT: Mutex<Option<Arc<Client>>> = Mutex::new(None);

thread_local! {
    /// Set on the reader thread: a `spawn` from an `on_exit` callback would wait on itself.
    static IN_READER: Cell<bool> = const { Cell::new(false) };
}

/// Locks ignoring poisoning: the data under these locks stays consistent between statements.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn os_errno(e: &io::Error) -> i32 {
    e.raw_os_error().unwrap_or(libc::EIO)
}

/// Forks the helper unless one is running (idempotent) and starts the reader thread.
///
/// Call it early, while the process has one thread: the helper is a copy of the process at
/// this point. Fails when `socketpair`, `fork` or the thread spawn fails.
pub fn start() -> io::Result<()> {
    current().map(drop)
}

/// Whether a helper is running and connected.
pub fn started() -> bool {
    lock(&CLIENT).as_ref().is_some_and(|c| c.alive())
}

/// The OS pid of the running helper, if one is connected (for diagnostics and tests).
pub fn helper_pid() -> Option<u32> {
    lock(&CLIENT)
        .as_ref()
        .filter(|c| c.alive())
        .map(|c| c.helper_pid as u32)
}

fn current() -> io::Result<Arc<Client>> {
    let mut slot = lock(&CLIENT);
    if let Some(client) = slot.as_ref().filter(|c| c.alive()) {
        return Ok(client.clone());
    }
    let client = Client::launch()?;
    *slot = Some(client.clone());
    Ok(client)
}

/// Asks the helper to start a child, starting the helper first if none is running, and waits
/// for the answer.
///
/// Returns the child's OS pid once the helper has forked it (not waiting for its exec), or
/// an `errno`: the helper's (`EMFILE`, `EAGAIN`, ...), `ENOENT` for an empty program, those of
/// [`spawn_async`], and `EDEADLK` when called from a callback (it would wait on itself).
///
/// A child whose `chdir` or exec fails (`ENOENT`, `EACCES`, `ENOEXEC`, ...) exits at once
/// with that `errno` as its exit code, as OTP's do.
///
/// `on_exit` is called exactly once if the spawn succeeds (never if it fails), as with
/// [`spawn_async`].
pub fn spawn(req: SpawnRequest, on_exit: Box<dyn FnOnce(i32) + Send>) -> Result<u32, i32> {
    if IN_READER.with(Cell::get) {
        return Err(libc::EDEADLK);
    }
    let (reply, answer) = sync_channel(1);
    spawn_async(
        req,
        Box::new(move |started| {
            let _ = reply.send(started);
        }),
        on_exit,
    )?;
    answer.recv().unwrap_or(Err(libc::EPIPE))
}

/// Sends the helper a request to start a child, starting the helper first if none is running,
/// and returns without waiting for it.
///
/// Fails at once, with an `errno`, only before the request is sent: `EINVAL` for a bad
/// mapping (target outside `0..=1023`, a target twice), `EMFILE` for more than 64 distinct
/// descriptors, `EPIPE` when the helper is gone, or when the helper cannot be started. The
/// VM's descriptors in `req.fds` are closed in every case.
///
/// Otherwise `on_start` is called exactly once, on the `child_setup_reader` thread: with the
/// child's OS pid once the helper has forked it, or with the `errno` of the helper's failure
/// (`EMFILE`, `EAGAIN`, `ENOMEM`, `ENOENT` for an empty program, `EPIPE` if the helper dies
/// first). After a pid, `on_exit` is called exactly once with OTP's `exit_status`: the exit
/// code (a failed `chdir` or exec's `errno`), or 128 + the signal number; after a failure it
/// is dropped uncalled. If the helper dies, callbacks of children still running are dropped
/// uncalled. Callbacks run before any later reply is routed (on the thread that finds the
/// helper gone, for `EPIPE`), so they should be quick and must not wait for a thread that is
/// itself inside [`spawn`]; they run with the calling thread's runtime instance entered, and
/// not at all once that instance stops.
pub fn spawn_async(
    req: SpawnRequest,
    on_start: Box<dyn FnOnce(Result<u32, i32>) + Send>,
    on_exit: Box<dyn FnOnce(i32) + Send>,
) -> Result<(), i32> {
    // The helper is shared by the OS process; the callbacks run on its reader thread with
    // the instance of the spawning thread entered.
    let (on_start, on_exit) = (in_caller_instance(on_start), in_caller_instance(on_exit));
    let SpawnRequest {
        program,
        argv,
        env,
        cd,
        fds,
        search_path,
    } = req;
    // Send each distinct VM descriptor once; the mapping refers to it by index.
    let mut sources: Vec<OwnedFd> = Vec::new();
    let mut fd_map = Vec::with_capacity(fds.len());
    for (target, fd) in fds {
        let raw = fd.as_raw_fd();
        let index = match sources.iter().position(|s| s.as_raw_fd() == raw) {
            Some(i) => {
                // Two owners of one descriptor number: close it once, through `sources`.
                std::mem::forget(fd);
                i
            }
            None => {
                sources.push(fd);
                sources.len() - 1
            }
        };
        fd_map.push(FdMapping {
            target,
            source: u16::try_from(index).map_err(|_| libc::EMFILE)?,
        });
    }
    if sources.len() > MAX_FDS {
        return Err(libc::EMFILE);
    }
    let client = current().map_err(|e| os_errno(&e))?;
    let request_id = client.next_id.fetch_add(1, Ordering::Relaxed);
    let frame = Spawn {
        request_id,
        program,
        argv,
        env,
        cd: resolve_cd(cd),
        search_path,
        nfds: sources.len() as u16,
        fd_map,
    }
    .encode()
    .map_err(|e| e.errno())?;

    {
        let mut state = lock(&client.state);
        if !state.alive {
            return Err(libc::EPIPE);
        }
        state
            .pending
            .insert(request_id, Pending { on_start, on_exit });
    }
    let raw: Vec<RawFd> = sources.iter().map(|s| s.as_raw_fd()).collect();
    let sent = {
        let _writing = lock(&client.writer);
        sys::send_with_fds(client.sock.as_fd(), &frame, &raw)
    };
    // The helper has its own copies now (or never will): close ours.
    drop(sources);
    if let Err(e) = sent {
        // Not sent: no callback is called (unless the reader already failed it).
        let unsent = lock(&client.state).pending.remove(&request_id);
        // Part of a frame may have gone out: the stream cannot be trusted any more.
        client.shut_down();
        return match unsent {
            Some(_) => Err(os_errno(&e)),
            None => Ok(()),
        };
    }
    Ok(())
}

/// `f`, made to run with the calling thread's runtime instance entered, and not at all once
/// that instance stops (`f` itself when the caller is in no instance).
fn in_caller_instance<A: 'static>(f: Box<dyn FnOnce(A) + Send>) -> Box<dyn FnOnce(A) + Send> {
    match erts::instance::try_current_handle() {
        Some(inst) => {
            let inst = Arc::downgrade(&inst);
            Box::new(move |a| {
                if let Some(inst) = inst.upgrade().filter(|i| !i.stopping()) {
                    erts::instance::enter_handle(&inst, || f(a));
                }
            })
        }
        None => f,
    }
}

/// Runs a callback; a panicking one must not take the reader (or a shutdown) down with it.
fn call_guarded(f: impl FnOnce()) {
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
}

/// The directory the child starts in: the VM's current directory when none is given (the
/// helper's own may be stale), a relative one taken from the VM's current directory.
fn resolve_cd(cd: Option<CString>) -> Option<CString> {
    let relative = match &cd {
        None => true,
        Some(dir) => !dir.as_bytes().starts_with(b"/"),
    };
    if !relative {
        return cd;
    }
    let Ok(here) = std::env::current_dir() else {
        return cd;
    };
    let full = match &cd {
        None => here,
        Some(dir) => here.join(std::ffi::OsStr::from_bytes(dir.as_bytes())),
    };
    CString::new(full.into_os_string().into_vec()).ok().or(cd)
}

impl Client {
    fn alive(&self) -> bool {
        lock(&self.state).alive
    }

    /// Forks the helper and starts the reader thread.
    fn launch() -> io::Result<Arc<Client>> {
        // Read before forking: the helper should not touch the VM's environment lock.
        let vm_path = std::env::var_os("PATH").map(|p| p.into_vec());
        let (vm_end, helper_end) = sys::socketpair()?;
        // SAFETY: the child branch only calls `helper::run`, which never returns into the VM's
        // code. The VM calls this before it starts threads; when a multithreaded process (a
        // test) forks, the helper relies on the allocator being fork-safe (glibc's is, and so
        // is `erts::erl_alloc` in front of it) and takes no lock of the VM's.
        let pid = unsafe { libc::fork() };
        if pid < 0 {
            return Err(io::Error::last_os_error());
        }
        if pid == 0 {
            drop(vm_end);
            helper::run(helper_end, vm_path);
        }
        drop(helper_end);
        let client = Arc::new(Client {
            sock: vm_end,
            helper_pid: pid,
            writer: Mutex::new(()),
            state: Mutex::new(State {
                alive: true,
                ..State::default()
            }),
            next_id: AtomicU64::new(1),
        });
        let reader = client.clone();
        let spawned = std::thread::Builder::new()
            .name("child_setup_reader".into())
            .spawn(move || reader.read_loop());
        if let Err(e) = spawned {
            client.shut_down();
            client.reap_helper();
            return Err(e);
        }
        Ok(client)
    }

    /// Marks the connection dead, fails waiting requests, and makes the helper see EOF.
    fn shut_down(&self) {
        let (pending, running) = {
            let mut state = lock(&self.state);
            state.alive = false;
            (
                std::mem::take(&mut state.pending),
                std::mem::take(&mut state.running),
            )
        };
        for (_, p) in pending {
            call_guarded(|| (p.on_start)(Err(libc::EPIPE)));
        }
        drop(running);
        // SAFETY: shutdown on our own socket; it stays open (closed when `self` drops).
        unsafe { libc::shutdown(self.sock.as_raw_fd(), libc::SHUT_RDWR) };
    }

    fn reap_helper(&self) {
        let mut status = 0;
        // SAFETY: waitpid on the helper, our child; writes into a valid int.
        while unsafe { libc::waitpid(self.helper_pid, &mut status, 0) } < 0
            && sys::errno() == libc::EINTR
        {}
    }

    fn read_loop(&self) {
        IN_READER.with(|f| f.set(true));
        let mut buf: Vec<u8> = Vec::with_capacity(4096);
        let mut chunk = [0u8; 4096];
        'conn: loop {
            loop {
                let (reply, used) = match protocol::split_frame(&buf) {
                    Ok(Some((body, used))) => (Reply::decode(body), used),
                    Ok(None) => break,
                    Err(_) => break 'conn,
                };
                buf.drain(..used);
                match reply {
                    Ok(reply) => self.route(reply),
                    Err(_) => break 'conn,
                }
            }
            match sys::read(self.sock.as_fd(), &mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        self.shut_down();
        self.reap_helper();
    }

    fn route(&self, reply: Reply) {
        match reply {
            Reply::Go { request_id, os_pid } => {
                let on_start = {
                    let mut state = lock(&self.state);
                    state.pending.remove(&request_id).map(|p| {
                        state.running.insert(os_pid, p.on_exit);
                        p.on_start
                    })
                };
                if let Some(f) = on_start {
                    call_guarded(|| f(Ok(os_pid)));
                }
            }
            Reply::Failed { request_id, errno } => {
                let pending = lock(&self.state).pending.remove(&request_id);
                if let Some(p) = pending {
                    call_guarded(|| (p.on_start)(Err(errno)));
                }
            }
            Reply::Exited { os_pid, status } => {
                let on_exit = lock(&self.state).running.remove(&os_pid);
                if let Some(f) = on_exit {
                    call_guarded(|| f(status));
                }
            }
        }
    }
}
