//! Connections to other nodes (OTP's dist entries, `erl_node_tables.c` and the connection
//! half of `dist.c`): one [`DistEntry`] per node this node has spoken to, holding the state
//! of the connection and what crosses it (links, monitors both ways, `monitor_node`
//! subscriptions, spawn requests in flight), so that when the connection goes, every local
//! party hears `noconnection` as on OTP.
//!
//! A connection's life, driven by `net_kernel` and `dist_util`:
//! - **idle**: nothing; the first signal for the node makes it *pending* and asks `net_kernel`
//!   to connect (`{auto_connect, Node, ConnId}`); `erts_internal:new_connection/1` does the
//!   same for an explicit connect.
//! - **pending**: frames for the node wait in a queue. `erts_internal:abort_pending_connection/2`
//!   (the setup failed) drops them and takes the connection down.
//! - **up**: `erlang:setnode/3` named the controller; the queued frames go to it first
//!   (senders keep queueing while that runs, so nothing overtakes them), then frames go
//!   straight to it. A controller port (`inet_tcp_dist`) gets them written; a controller
//!   process (`inet_tls_dist`'s sender) takes them with `dist_ctrl_get_data/1` when told
//!   `dist_data`, and hands in what it receives with `dist_ctrl_put_data/2`. When the
//!   controller ends, the connection goes down.
//!
//! Locks: an entry's state lock is never held while a port lock is taken (a port that ends
//! takes the entry lock under its own), so writes to the port happen after the entry lock
//! is released.

use super::remote;
use crate::atom::{self, Atom};
use crate::process::exit::deliver;
use crate::process::signals::{OwnedTerm, Signal};
use crate::term::{boxed, copy, Term};
use parking_lot::{Mutex, RwLock};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;

/// A monitor a local process holds on a remote one (by pid or by `{Name, Node}`).
pub struct OutMonitor {
    /// The local watcher.
    pub watcher: u64,
    /// The remote endpoint: a pid id, or the node's id for a monitor by name.
    pub target: u64,
    pub name: Option<Atom>,
}

/// A monitor a remote process holds on a local one. Locally it is known by a proxy
/// reference number (local monitors keep `u64` references) and its watcher by the node's
/// id ([`remote::node_id`]: no id per watcher, as every remote caller of a `gen_server`
/// monitors it); the remote reference and watcher are kept here for the `MONITOR_P_EXIT`
/// and `DEMONITOR_P` that name them.
pub struct InMonitor {
    /// The remote watcher (a pid).
    pub watcher: OwnedTerm,
    pub reference: OwnedTerm,
    /// The local process monitored.
    pub target: u64,
    pub name: Option<Atom>,
}

/// A `spawn_request` this node sent to the node, waiting for its `SPAWN_REPLY`.
pub struct SpawnRequest {
    /// The requesting local process.
    pub from: u64,
    /// The reply tag (`spawn_reply` unless `{reply_tag, T}`).
    pub tag: OwnedTerm,
    /// `{reply, yes | no | error_only | success_only}`.
    pub reply: crate::bif::spawn::Reply,
}

enum Conn {
    Idle,
    Pending {
        id: u32,
        queue: Vec<Vec<u8>>,
    },
    Up {
        id: u32,
        /// The controller: a port id (with [`crate::port::PORT_BIT`]) or a pid number.
        ctrl: u64,
        flags: u64,
        /// Frames queued while the pending queue is being written (`Some` until then).
        flushing: Option<Vec<Vec<u8>>>,
    },
}

#[derive(Default)]
struct Book {
    /// (local, remote) links.
    links: HashSet<(u64, u64)>,
    /// By local reference.
    out_monitors: HashMap<u64, OutMonitor>,
    /// By proxy reference.
    in_monitors: HashMap<u64, InMonitor>,
    /// Processes that called `monitor_node(Node, true)`, once per call.
    node_monitors: Vec<u64>,
    /// By request reference.
    spawns: HashMap<u64, SpawnRequest>,
}

/// What a process controller (`setnode/3` with a pid: TLS distribution, other carriers)
/// has not taken yet (`erlang:dist_ctrl_get_data/1`) and how it wants it.
#[derive(Default)]
struct ProcessCtrl {
    out: VecDeque<Vec<u8>>,
    /// `dist_ctrl_get_data_notification/1` asked for a `dist_data` message.
    notify: bool,
    /// `dist_ctrl_set_opt(_, get_size, true)`: data comes as `{Size, Data}`.
    get_size: bool,
    /// Bytes taken out and put in.
    sent: u64,
    received: u64,
}

struct State {
    conn: Conn,
    book: Book,
    pctl: ProcessCtrl,
}

/// A node this node knows.
pub struct DistEntry {
    pub node: Atom,
    st: Mutex<State>,
    /// Frames received, in order, for [`super::input`].
    pub(super) inbox: Mutex<VecDeque<Vec<u8>>>,
    /// Set while a thread runs the inbox.
    pub(super) draining: AtomicBool,
}

fn entries() -> &'static RwLock<HashMap<Atom, Arc<DistEntry>>> {
    // Per runtime instance, as the process table.
    static T: crate::instance::InstanceLocal<RwLock<HashMap<Atom, Arc<DistEntry>>>> =
        crate::instance::InstanceLocal::new();
    T.get_or_default()
}

static NEXT_CONN: AtomicU32 = AtomicU32::new(1);

/// The entry of `node`, made if there is none.
pub fn entry(node: Atom) -> Arc<DistEntry> {
    if let Some(e) = entries().read().get(&node) {
        return e.clone();
    }
    entries()
        .write()
        .entry(node)
        .or_insert_with(|| {
            Arc::new(DistEntry {
                node,
                st: Mutex::new(State {
                    conn: Conn::Idle,
                    book: Book::default(),
                    pctl: ProcessCtrl::default(),
                }),
                inbox: Mutex::new(VecDeque::new()),
                draining: AtomicBool::new(false),
            })
        })
        .clone()
}

/// The entry of `node` if there is one.
pub fn find(node: Atom) -> Option<Arc<DistEntry>> {
    entries().read().get(&node).cloned()
}

/// The nodes with a connection up, visible (published) ones and hidden ones.
pub fn connected() -> (Vec<Atom>, Vec<Atom>) {
    let (mut visible, mut hidden) = (Vec::new(), Vec::new());
    for e in entries().read().values() {
        if let Conn::Up { flags, .. } = e.st.lock().conn {
            if flags & super::protocol::dflag::PUBLISHED != 0 {
                visible.push(e.node);
            } else {
                hidden.push(e.node);
            }
        }
    }
    (visible, hidden)
}

/// `ConnId` of `net_kernel`: `{Id, DHandle}`. The handle is a reference whose number is the
/// connection id (so `dist_get_stat/1` can find the entry from it).
pub fn conn_id_term(h: &mut crate::heap::Heap, node: Atom, id: u32) -> Term {
    let dh = dhandle_term(h, node, id);
    boxed::tuple(h, &[Term::small(id as i64), dh])
}

fn dhandles() -> &'static Mutex<HashMap<u64, (Atom, u32)>> {
    static T: crate::instance::InstanceLocal<Mutex<HashMap<u64, (Atom, u32)>>> =
        crate::instance::InstanceLocal::new();
    T.get_or_default()
}

/// The distribution handle of connection `id` to `node` (a reference, remembered).
pub fn dhandle_term(h: &mut crate::heap::Heap, node: Atom, id: u32) -> Term {
    let mut map = dhandles().lock();
    let r = match map.iter().find(|(_, v)| **v == (node, id)) {
        Some((r, _)) => *r,
        None => {
            let r = crate::bif::process::new_ref_id();
            map.insert(r, (node, id));
            r
        }
    };
    boxed::reference(h, r)
}

/// The node and connection id of a distribution handle.
pub fn dhandle_of(t: Term) -> Option<(Atom, u32)> {
    if !t.is_reference() || !t.is_boxed() {
        return None;
    }
    dhandles().lock().get(&boxed::reference_id(t)).copied()
}

/// `spawn_request_abandon/1` of a request to another node: true if it was still waiting for
/// its reply (the process it made, if any, then gets an exit signal `abandoned`).
pub fn abandon_spawn(reference: u64) -> bool {
    let all: Vec<Arc<DistEntry>> = entries().read().values().cloned().collect();
    all.iter().any(|e| e.take_spawn(reference).is_some())
}

/// Why a frame could not be taken for a node.
#[derive(Debug, PartialEq, Eq)]
pub enum SendError {
    /// This node is not alive: there is no distribution.
    NotAlive,
}

impl DistEntry {
    /// The connection id, pending or up; `None` when idle.
    pub fn conn_id(&self) -> Option<u32> {
        match self.st.lock().conn {
            Conn::Idle => None,
            Conn::Pending { id, .. } | Conn::Up { id, .. } => Some(id),
        }
    }

    /// Whether the connection is up.
    pub fn is_up(&self) -> bool {
        matches!(self.st.lock().conn, Conn::Up { .. })
    }

    /// The controller when the connection is up: a port id (with
    /// [`crate::port::PORT_BIT`]) or a pid number.
    pub fn controller(&self) -> Option<u64> {
        match self.st.lock().conn {
            Conn::Up { ctrl, .. } => Some(ctrl),
            _ => None,
        }
    }

    /// Makes the connection pending if it is idle (telling `net_kernel` when `auto`);
    /// returns its id.
    pub fn connect(&self, auto: bool) -> u32 {
        let id = {
            let mut st = self.st.lock();
            match &st.conn {
                Conn::Pending { id, .. } | Conn::Up { id, .. } => return *id,
                Conn::Idle => {
                    let id = NEXT_CONN.fetch_add(1, Ordering::Relaxed);
                    st.conn = Conn::Pending {
                        id,
                        queue: Vec::new(),
                    };
                    id
                }
            }
        };
        if auto {
            let node = self.node;
            if let Some(nk) = crate::process::registry::whereis(atom::atom("net_kernel")) {
                let msg = OwnedTerm::build(|h| {
                    let cid = conn_id_term(h, node, id);
                    boxed::tuple(
                        h,
                        &[
                            Term::atom(atom::atom("auto_connect")),
                            Term::atom(node),
                            cid,
                        ],
                    )
                });
                let _ = deliver(nk, Signal::Message(msg));
            } else {
                // No `net_kernel` to connect: the connection fails at once.
                self.abort(id);
            }
        }
        id
    }

    /// Takes frame `f` for the node: written when the connection is up (at the end of the
    /// calling process's time slice, with the other frames of the slice, when the caller is
    /// a scheduler: [`super::output::defer`]), queued while it is pending; an idle
    /// connection is asked for first.
    pub fn send(&self, f: Vec<u8>) -> Result<(), SendError> {
        if !super::node::is_alive() {
            return Err(SendError::NotAlive);
        }
        // The connection is asked for now, held back or not: a `send/3` with `noconnect`
        // later in the slice must see it pending.
        if matches!(self.st.lock().conn, Conn::Idle) {
            self.connect(true);
        }
        match super::output::defer(self.node, f) {
            None => Ok(()),
            Some(f) => self.send_frames(vec![f]),
        }
    }

    /// Takes frames `fs`, in order, as [`DistEntry::send`] does, at once.
    pub fn send_frames(&self, fs: Vec<Vec<u8>>) -> Result<(), SendError> {
        if !super::node::is_alive() {
            return Err(SendError::NotAlive);
        }
        let mut fs = Some(fs);
        let mut connect = false;
        let mut notify = None;
        let port = {
            let mut st = self.st.lock();
            let st = &mut *st;
            match &mut st.conn {
                Conn::Up {
                    ctrl,
                    flushing: None,
                    ..
                } if crate::port::is_port_id(*ctrl) => Some(*ctrl),
                Conn::Up {
                    ctrl,
                    flushing: None,
                    ..
                } => {
                    st.pctl.out.extend(fs.take().into_iter().flatten());
                    if std::mem::take(&mut st.pctl.notify) {
                        notify = Some(*ctrl);
                    }
                    None
                }
                Conn::Up {
                    flushing: Some(q), ..
                }
                | Conn::Pending { queue: q, .. } => {
                    q.extend(fs.take().into_iter().flatten());
                    None
                }
                Conn::Idle => {
                    connect = true;
                    None
                }
            }
        };
        if connect {
            self.connect(true);
            if matches!(self.st.lock().conn, Conn::Idle) {
                // No connection could be asked for (no `net_kernel`): the frames go nowhere,
                // and what they booked was answered with `noconnection`.
                return Ok(());
            }
            return self.send_frames(fs.take().unwrap_or_default());
        }
        if let Some(pid) = notify {
            notify_data(pid);
        }
        if let (Some(port), Some(fs)) = (port, fs) {
            write(port, &fs);
        }
        Ok(())
    }

    /// `abort_pending_connection/2`: the setup of connection `id` failed. True if it was
    /// the pending one.
    pub fn abort(&self, id: u32) -> bool {
        let book = {
            let mut st = self.st.lock();
            match st.conn {
                Conn::Pending { id: pid, .. } if pid == id => {
                    st.conn = Conn::Idle;
                    std::mem::take(&mut st.book)
                }
                _ => return false,
            }
        };
        went_down(self.node, book);
        true
    }

    /// `setnode/3`: the connection's controller is `ctrl` (a port id or a pid number), the
    /// other node offered `flags`. Writes what was queued (a process controller gets it
    /// queued for `dist_ctrl_get_data/1`); `None` if the connection is up already.
    pub fn up(&self, ctrl: u64, flags: u64) -> Option<u32> {
        let id = {
            let mut st = self.st.lock();
            let (id, queue) = match &mut st.conn {
                Conn::Up { .. } => return None,
                Conn::Pending { id, queue } => (*id, std::mem::take(queue)),
                Conn::Idle => (NEXT_CONN.fetch_add(1, Ordering::Relaxed), Vec::new()),
            };
            st.conn = Conn::Up {
                id,
                ctrl,
                flags,
                flushing: Some(queue),
            };
            st.pctl = ProcessCtrl::default();
            id
        };
        // Writes the queue, then whatever senders queued meanwhile, until it is empty.
        loop {
            let batch = {
                let mut st = self.st.lock();
                match &mut st.conn {
                    Conn::Up {
                        flushing: flushing @ Some(_),
                        ..
                    } => {
                        let q = flushing.as_mut().map(std::mem::take).unwrap_or_default();
                        if q.is_empty() {
                            *flushing = None;
                            break;
                        }
                        if !crate::port::is_port_id(ctrl) {
                            st.pctl.out.extend(q);
                            continue;
                        }
                        q
                    }
                    _ => break,
                }
            };
            write(ctrl, &batch);
        }
        if !crate::port::is_port_id(ctrl) {
            add_process_controller(ctrl, self.node);
        }
        let hidden = flags & super::protocol::dflag::PUBLISHED == 0;
        super::monitor_nodes::notify(self.node, hidden, id, None);
        Some(id)
    }

    /// The controller `ctrl` (a port id or a pid number) ended: the connection goes down.
    pub fn controller_ended(&self, ctrl: u64) {
        let (book, id, flags) = {
            let mut st = self.st.lock();
            match st.conn {
                Conn::Up {
                    ctrl: c, id, flags, ..
                } if c == ctrl => {
                    st.conn = Conn::Idle;
                    (std::mem::take(&mut st.book), id, flags)
                }
                _ => return,
            }
        };
        went_down(self.node, book);
        let hidden = flags & super::protocol::dflag::PUBLISHED == 0;
        let reason = Term::atom(atom::atom("connection_closed"));
        super::monitor_nodes::notify(self.node, hidden, id, Some(reason));
    }

    /// `dist_ctrl_get_data/1`: the next frame for a process controller (`{Size, Data}`
    /// with `get_size`); `None` when there is none.
    pub fn take_out(&self) -> Option<(Vec<u8>, bool)> {
        let mut st = self.st.lock();
        let f = st.pctl.out.pop_front()?;
        st.pctl.sent += f.len() as u64;
        Some((f, st.pctl.get_size))
    }

    /// `dist_ctrl_get_data_notification/1`: a `dist_data` message to the controller when
    /// there is data (now, if there is some already).
    pub fn want_notification(&self) {
        let now = {
            let mut st = self.st.lock();
            match st.conn {
                Conn::Up { ctrl, .. } if !st.pctl.out.is_empty() => Some(ctrl),
                _ => {
                    st.pctl.notify = true;
                    None
                }
            }
        };
        if let Some(pid) = now {
            notify_data(pid);
        }
    }

    /// `dist_ctrl_set_opt(_, get_size, On)`: the old value.
    pub fn set_get_size(&self, on: bool) -> bool {
        std::mem::replace(&mut self.st.lock().pctl.get_size, on)
    }

    pub fn get_size(&self) -> bool {
        self.st.lock().pctl.get_size
    }

    /// Counts `n` bytes a process controller put in.
    pub fn count_in(&self, n: usize) {
        self.st.lock().pctl.received += n as u64;
    }

    /// `dist_get_stat/1` of a process controller: received, sent, whether output waits.
    pub fn process_stat(&self) -> (u64, u64, bool) {
        let st = self.st.lock();
        (st.pctl.received, st.pctl.sent, !st.pctl.out.is_empty())
    }

    /// Runs `f` on the entry's book of links and monitors.
    fn with_book<R>(&self, f: impl FnOnce(&mut Book) -> R) -> R {
        f(&mut self.st.lock().book)
    }

    pub fn add_link(&self, local: u64, remote: u64) {
        self.with_book(|b| b.links.insert((local, remote)));
    }

    pub fn remove_link(&self, local: u64, remote: u64) {
        self.with_book(|b| b.links.remove(&(local, remote)));
    }

    pub fn add_out_monitor(&self, reference: u64, m: OutMonitor) {
        self.with_book(|b| b.out_monitors.insert(reference, m));
    }

    pub fn take_out_monitor(&self, reference: u64) -> Option<OutMonitor> {
        self.with_book(|b| b.out_monitors.remove(&reference))
    }

    /// Records a remote process's monitor of a local one; returns the proxy reference.
    pub fn add_in_monitor(&self, m: InMonitor) -> u64 {
        let proxy = crate::bif::process::new_ref_id();
        self.with_book(|b| b.in_monitors.insert(proxy, m));
        proxy
    }

    /// Everything in the book gets what a connection that goes down gives (for signals
    /// that could not go out at all: this node is not alive).
    pub fn went_down_now(&self) {
        let book = std::mem::take(&mut self.st.lock().book);
        went_down(self.node, book);
    }

    pub fn take_in_monitor(&self, proxy: u64) -> Option<InMonitor> {
        self.with_book(|b| b.in_monitors.remove(&proxy))
    }

    /// The proxy of the in-monitor with remote reference `reference` held by `watcher`.
    pub fn find_in_monitor(&self, watcher: Term, reference: Term) -> Option<(u64, u64)> {
        self.with_book(|b| {
            b.in_monitors
                .iter()
                .find(|(_, m)| {
                    crate::term::compare::exact_eq(m.watcher.term, watcher)
                        && crate::term::compare::exact_eq(m.reference.term, reference)
                })
                .map(|(p, m)| (*p, m.target))
        })
    }

    pub fn add_node_monitor(&self, pid: u64) {
        self.with_book(|b| b.node_monitors.push(pid));
    }

    /// Drops one `monitor_node` subscription of `pid`.
    pub fn remove_node_monitor(&self, pid: u64) {
        self.with_book(|b| {
            if let Some(i) = b.node_monitors.iter().position(|&p| p == pid) {
                b.node_monitors.remove(i);
            }
        })
    }

    pub fn add_spawn(&self, reference: u64, s: SpawnRequest) {
        self.with_book(|b| b.spawns.insert(reference, s));
    }

    pub fn take_spawn(&self, reference: u64) -> Option<SpawnRequest> {
        self.with_book(|b| b.spawns.remove(&reference))
    }
}

/// Writes frames `fs` to controller port `port` (an id with [`crate::port::PORT_BIT`]),
/// whether or not it is busy, as OTP's distribution output does; a port that is gone takes
/// nothing.
fn write(port: u64, fs: &[Vec<u8>]) {
    if let Some(cell) = crate::port::lookup(port & !crate::port::PORT_BIT) {
        crate::port::signals::command_dist(&cell, fs);
    }
}

/// `dist_data` to process controller `pid`: there is data to take.
fn notify_data(pid: u64) {
    let _ = deliver(
        pid,
        Signal::Message(OwnedTerm::immediate(Term::atom(atom::atom("dist_data")))),
    );
}

/// Process controllers by pid number, with their nodes (per instance).
fn process_controllers() -> &'static Mutex<HashMap<u64, Atom>> {
    static T: crate::instance::InstanceLocal<Mutex<HashMap<u64, Atom>>> =
        crate::instance::InstanceLocal::new();
    T.get_or_default()
}

/// Whether any process of any instance was ever a controller (read on every process exit,
/// so that runtimes without process controllers pay one load).
static ANY_PROCESS_CONTROLLER: AtomicBool = AtomicBool::new(false);

/// Records process `pid` as the controller of `node`'s connection.
fn add_process_controller(pid: u64, node: Atom) {
    process_controllers().lock().insert(pid, node);
    ANY_PROCESS_CONTROLLER.store(true, Ordering::Release);
}

/// The watcher of in-monitor `proxy` on the node of endpoint `node_id`, copied onto
/// `heap` (`process_info(P, monitored_by)`).
pub fn in_monitor_watcher(node_id: u64, proxy: u64, heap: &mut crate::heap::Heap) -> Option<Term> {
    let e = find(remote::endpoint(node_id)?.node)?;
    let st = e.st.lock();
    let m = st.book.in_monitors.get(&proxy)?;
    Some(copy::copy(heap, m.watcher.term))
}

/// Process `pid` ended: if it controlled a connection, the connection goes down.
#[inline]
pub fn process_exited(pid: u64) {
    if !ANY_PROCESS_CONTROLLER.load(Ordering::Acquire) {
        return;
    }
    let node = process_controllers().lock().remove(&pid);
    if let Some(e) = node.and_then(find) {
        e.controller_ended(pid);
    }
}

/// What a connection's end means for the local parties in `book`: linked processes get exit
/// signals `noconnection`, watchers of remote processes `'DOWN'` messages, monitored local
/// processes lose their remote watchers, `monitor_node` subscribers get `{nodedown, Node}`
/// and requesters of spawns `{Tag, Ref, error, noconnection}`.
fn went_down(node: Atom, book: Book) {
    let noconnection = Term::atom(atom::atom("noconnection"));
    for (local, remote) in book.links {
        let _ = deliver(
            local,
            Signal::Exit {
                from: remote,
                reason: OwnedTerm::immediate(noconnection),
                linked: true,
            },
        );
    }
    for (reference, m) in book.out_monitors {
        let msg = OwnedTerm::build(|h| {
            let item = match m.name {
                Some(n) => boxed::tuple(h, &[Term::atom(n), Term::atom(node)]),
                None => remote::term(m.target),
            };
            let r = boxed::reference(h, reference);
            boxed::tuple(
                h,
                &[
                    Term::atom(atom::DOWN),
                    r,
                    Term::atom(atom::atom("process")),
                    item,
                    noconnection,
                ],
            )
        });
        let _ = deliver(m.watcher, Signal::Down { reference, msg });
    }
    for (proxy, m) in book.in_monitors {
        let _ = deliver(
            m.target,
            Signal::Demonitor {
                from: remote::node_id(node),
                reference: proxy,
            },
        );
    }
    for pid in book.node_monitors {
        let msg = OwnedTerm::build(|h| {
            boxed::tuple(h, &[Term::atom(atom::atom("nodedown")), Term::atom(node)])
        });
        let _ = deliver(pid, Signal::Message(msg));
    }
    for (reference, s) in book.spawns {
        if s.reply.wants(false) {
            let msg = OwnedTerm::build(|h| {
                let tag = copy::copy(h, s.tag.term);
                let r = boxed::reference(h, reference);
                boxed::tuple(h, &[tag, r, Term::atom(atom::ERROR), noconnection])
            });
            let _ = deliver(s.from, Signal::Message(msg));
        }
    }
}
