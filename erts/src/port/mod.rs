//! Ports (OTP's `erl_port.h`, `io.c`): the port entity that connects Erlang processes to a
//! driver. A port has an id (`#Port<0.N>`), a connected process (its owner), links, monitors,
//! and a [`Driver`](driver::Driver) that does the work (the spawn and fd drivers of the
//! `ports` crate, or a C driver loaded through the erl_driver ABI).
//!
//! Concurrency: a port's state sits behind one lock ([`PortCell::lock`]). A process that
//! operates on a port (`port_command`, `port_control`, a link, an exit signal...) takes that
//! lock and runs the operation at once, in its own thread, so operations from one process
//! keep their order; the I/O poller takes the same lock to run the driver's `ready_input` /
//! `ready_output`. A port never takes a process lock: what it tells a process goes to that
//! process's signal inbox. Operations from the driver that end the port (`driver_failure`,
//! end of file) are recorded in [`PortCore`] and carried out when the callback returns.
//!
//! Links and monitors between processes and ports share the processes' bookkeeping: a port
//! is named there by its number with [`PORT_BIT`] set (see [`entity_term`]).

pub mod deferred_output;
pub mod driver;
pub mod open_opts;
pub mod output;
pub mod signals;
pub mod table;

use crate::atom;
use crate::check_io::Ready;
use crate::process::signals::{OwnedTerm, Signal};
use crate::term::Term;
use driver::Driver;
use parking_lot::{Mutex, MutexGuard};
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Weak};

/// Marks a port number among the pid numbers kept in link, monitor and name tables.
pub const PORT_BIT: u64 = 1 << 63;

/// Whether a link/monitor/registry id names a port.
#[inline]
pub fn is_port_id(id: u64) -> bool {
    id & PORT_BIT != 0
}

/// The link/monitor id of port number `n`.
#[inline]
pub fn port_id(n: u64) -> u64 {
    n | PORT_BIT
}

/// The pid or port that a link/monitor/registry id names.
#[inline]
pub fn entity_term(id: u64) -> Term {
    if crate::dist::remote::is_remote_id(id) {
        return crate::dist::remote::term(id);
    }
    if is_port_id(id) {
        Term::port(id & !PORT_BIT)
    } else {
        Term::pid(id)
    }
}

/// The link/monitor id of a local pid or port term.
pub fn entity_id(t: Term) -> Option<u64> {
    if t.is_local_pid() {
        Some(t.pid_number())
    } else if t.is_local_port() {
        Some(port_id(t.port_number()))
    } else {
        None
    }
}

/// A monitor that a process holds on a port (`monitor(port, P)`).
#[derive(Clone, Copy, Debug)]
pub struct PortMonitor {
    pub reference: u64,
    /// The monitoring process.
    pub pid: u64,
    /// Monitored by registered name (the `'DOWN'` then names `{Name, Node}`).
    pub name: Option<atom::Atom>,
}

/// The shared part of a port.
pub struct PortCell {
    /// The port number (`#Port<0.N>`).
    pub id: u64,
    /// The connected process (readable without the lock, for `driver_connected` and senders
    /// on other threads).
    connected: AtomicU64,
    /// Set once the port has terminated.
    dead: AtomicBool,
    /// The OS pid of the port program, when there is one (`u64::MAX` otherwise).
    os_pid: AtomicU64,
    state: Mutex<PortState>,
    /// `erlang:port_set_data/2` (not a signal to the port: a table keyed by the port).
    data: Mutex<Option<OwnedTerm>>,
    /// Poll events not run yet: they came while another thread held the port lock (the
    /// holder runs them before it lets go, see [`PortGuard`]), or they wait for the busy
    /// connected process (`input_to_owner`).
    deferred: Mutex<Vec<(RawFd, Ready)>>,
    /// Set when `deferred` may hold events (read without its lock).
    has_deferred: AtomicBool,
    /// A [`Signal::PortInput`] for this port is on its way to the connected process.
    input_signalled: AtomicBool,
}

/// A port's locked state: the bookkeeping and the driver instance.
pub struct PortState {
    pub core: PortCore,
    /// `None` once the port has terminated.
    pub driver: Option<Box<dyn Driver>>,
}

/// Where the port is in its life.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Life {
    Open,
    /// `port_close` while output was queued: the driver flushes, then the port closes.
    Closing,
    Dead,
}

/// The port's bookkeeping, passed to every driver callback.
pub struct PortCore {
    /// The port number.
    pub id: u64,
    /// What `port_info(P, name)` reports: the command or driver name.
    pub name: String,
    /// The driver's name (for the loaded-driver reference counts).
    pub driver_name: String,
    pub connected: u64,
    /// Linked processes (pid numbers).
    pub links: Vec<u64>,
    /// Processes monitoring this port.
    pub monitored_by: Vec<PortMonitor>,
    /// Processes this port monitors (`driver_monitor_process`): (reference, pid).
    pub monitors: Vec<(u64, u64)>,
    /// Data is delivered as binaries (`binary` option) rather than lists.
    pub binary: bool,
    /// `{line, L}`: the line length, and the bytes of an unfinished line.
    pub line: Option<usize>,
    pub line_buf: Vec<u8>,
    /// A `\r` ended the last data in line mode (it may start a `\r\n`).
    pub line_cr: bool,
    /// `eof` option: end of input is a message, not the end of the port.
    pub soft_eof: bool,
    /// Bytes received from and sent to the port (`port_info` `input`/`output`).
    pub input: u64,
    pub output: u64,
    /// `set_busy_port`, or the driver queue above its high watermark.
    busy: bool,
    /// Processes suspended in `port_command` until the port is no longer busy.
    busy_waiters: Vec<u64>,
    /// `{parallelism, B}`.
    pub parallelism: bool,
    /// `set_port_control_flags(PORT_CONTROL_FLAG_BINARY)`: `port_control` replies are
    /// binaries.
    pub control_binary: bool,
    /// Byte size of the driver queue (`port_info` `queue_size`).
    pub queue_size: usize,
    /// A termination requested by the driver during a callback, carried out after it.
    pending_exit: Option<OwnedTerm>,
    pub life: Life,
    /// Registered name.
    pub registered_name: Option<atom::Atom>,
    /// Driver timer (`driver_set_timer`): the timer id.
    pub timer: Option<u64>,
    /// Weak self-reference, for registrations (poller, timers) that call back into the port.
    pub cell: Weak<PortCell>,
    /// The fds this port has selected in the poller (deselected when it terminates).
    pub selected: Vec<std::os::fd::RawFd>,
    /// Signals to processes, sent when the port lock is released: consecutive signals to one
    /// process arrive together, so a port's last data and its exit are seen at once.
    outbox: Vec<(u64, Signal)>,
    /// The node this port is the distribution controller of (`erlang:setnode/3`): what
    /// the driver reads goes to the distribution ([`crate::dist::input`]), not to the
    /// connected process.
    pub dist: Option<atom::Atom>,
    /// Frames for the distribution were received under the lock: they are run once it is
    /// released.
    dist_input: bool,
    /// The driver holds back output of a process's slice ([`deferred_output`]): the next
    /// lock of the port but a command's has it written first.
    output_held: bool,
    /// A driver with `ERL_DRV_FLAG_USE_INIT_ACK` has not acknowledged its start yet: the
    /// process that opened the port and the reference it waits for ([`PortCore::init_ack`]).
    async_open: Option<(u64, u64)>,
}

/// The locked state of a port. Releasing it carries out a termination the driver asked for
/// and sends what the port has for processes (under the lock, so a port's messages keep
/// their order whichever thread produced them).
///
/// The poll thread does not wait for a port lock through a callback (OTP's poll thread only
/// schedules port tasks): a poll event for a port whose lock is held is left in the port's
/// deferred events, and the holder runs it before it lets go. The holder looks for events
/// last thing under the lock; the poller, after recording the event, retries the lock until
/// it gets it (and runs the event itself) or sees that a holder has taken the events, so no
/// event is left behind and the poller waits at most for the holder's unlock.
pub struct PortGuard<'a> {
    cell: &'a PortCell,
    /// `None` only inside `drop`.
    st: Option<MutexGuard<'a, PortState>>,
}

impl std::ops::Deref for PortGuard<'_> {
    type Target = PortState;
    fn deref(&self) -> &PortState {
        self.st.as_ref().expect("port guard holds the lock")
    }
}

impl std::ops::DerefMut for PortGuard<'_> {
    fn deref_mut(&mut self) -> &mut PortState {
        self.st.as_mut().expect("port guard holds the lock")
    }
}

impl Drop for PortGuard<'_> {
    fn drop(&mut self) {
        let Some(mut st) = self.st.take() else { return };
        let cell = self.cell;
        loop {
            st.after_callback(cell);
            st.core.flush_outbox();
            // Looked at last thing under the lock: an event deferred after this look is run
            // by the thread that deferred it (see `PortCell::hand_over`).
            if !cell.has_deferred.load(Ordering::Acquire) {
                let dist = std::mem::take(&mut st.core.dist_input).then_some(st.core.dist);
                drop(st);
                deferred_output::count_lock(false);
                if let Some(Some(node)) = dist {
                    crate::dist::input::drain(node);
                }
                return;
            }
            cell.has_deferred.store(false, Ordering::Release);
            let events = std::mem::take(&mut *cell.deferred.lock());
            for (fd, ready) in events {
                st.poll_event(fd, ready);
                crate::check_io::rearm(fd);
            }
        }
    }
}

impl PortCell {
    /// Locks the port's state.
    /// Output a driver holds back ([`deferred_output`]) is written first.
    pub fn lock(&self) -> PortGuard<'_> {
        let mut g = self.lock_keeping_output();
        g.write_held_output();
        g
    }

    /// Locks the port's state for a command: output the driver holds back stays held, and
    /// the command's data goes after it.
    fn lock_keeping_output(&self) -> PortGuard<'_> {
        let st = self.state.lock();
        deferred_output::count_lock(true);
        PortGuard {
            cell: self,
            st: Some(st),
        }
    }

    /// Locks the port's state unless another thread holds it.
    fn try_lock(&self) -> Option<PortGuard<'_>> {
        let st = self.state.try_lock()?;
        deferred_output::count_lock(true);
        let mut g = PortGuard {
            cell: self,
            st: Some(st),
        };
        g.write_held_output();
        Some(g)
    }
    /// The connected process.
    pub fn connected(&self) -> u64 {
        self.connected.load(Ordering::Acquire)
    }
    /// Whether the port has terminated.
    pub fn is_dead(&self) -> bool {
        self.dead.load(Ordering::Acquire)
    }
    /// The OS pid of the port program. While one is announced but not known yet
    /// ([`Self::expect_os_pid`]) this waits for it (a fork, well under a millisecond; at most
    /// five seconds), so that `port_info(P, os_pid)` answers as OTP's does at once.
    pub fn os_pid(&self) -> Option<u64> {
        let mut v = self.os_pid.load(Ordering::Acquire);
        if v == OS_PID_PENDING {
            v = wait_for_os_pid(&self.os_pid);
        }
        match v {
            OS_PID_NONE | OS_PID_PENDING => None,
            n => Some(n),
        }
    }
    /// Records the OS pid of the port program (`erl_drv_set_os_pid`).
    pub fn set_os_pid(&self, pid: u64) {
        self.settle_os_pid(pid.min(OS_PID_PENDING - 1));
    }
    /// Announces an OS pid that a driver will record soon ([`Self::set_os_pid`]) or give up
    /// on ([`Self::no_os_pid`]): a port program whose fork has been asked for.
    pub fn expect_os_pid(&self) {
        self.os_pid.store(OS_PID_PENDING, Ordering::Release);
    }
    /// The announced OS pid will not come (the program could not be started).
    pub fn no_os_pid(&self) {
        self.settle_os_pid(OS_PID_NONE);
    }
    fn settle_os_pid(&self, v: u64) {
        if self.os_pid.swap(v, Ordering::AcqRel) == OS_PID_PENDING {
            let (lock, cond) = &OS_PID_WAIT;
            drop(
                lock.lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner),
            );
            cond.notify_all();
        }
    }
    /// `port_set_data/2`.
    pub fn set_data(&self, t: Term) {
        *self.data.lock() = Some(OwnedTerm::copy_of(t));
    }
    /// `port_get_data/1`, copied onto `heap`.
    pub fn get_data(&self, heap: &mut crate::heap::Heap) -> Term {
        match &*self.data.lock() {
            Some(o) => crate::term::copy::copy(heap, o.term),
            None => Term::atom(atom::UNDEFINED),
        }
    }

    /// Runs `f` on the port's driver and bookkeeping under the lock, then carries out a
    /// termination the driver asked for. Does nothing on a dead port.
    pub fn with_driver<R>(&self, f: impl FnOnce(&mut dyn Driver, &mut PortCore) -> R) -> Option<R> {
        self.lock().call(f)
    }
}

impl PortState {
    /// Has the driver write the output it holds back, if it does.
    fn write_held_output(&mut self) {
        if std::mem::take(&mut self.core.output_held) {
            self.call(|d, core| d.write_held_output(core));
        }
    }

    /// Calls `f` on the driver (if the port is alive).
    pub fn call<R>(&mut self, f: impl FnOnce(&mut dyn Driver, &mut PortCore) -> R) -> Option<R> {
        let d = self.driver.as_mut()?;
        Some(f(d.as_mut(), &mut self.core))
    }

    /// After a driver callback (run when the lock is released, [`PortGuard`]): carries out
    /// the termination it asked for, or finishes a close once the driver's queue has drained.
    fn after_callback(&mut self, cell: &PortCell) {
        if let Some(reason) = self.core.pending_exit.take() {
            self.terminate(cell, reason);
        } else if self.core.life == Life::Closing && self.core.queue_size == 0 {
            self.terminate(cell, OwnedTerm::immediate(Term::atom(atom::NORMAL)));
        }
    }

    /// Ends the port with `reason`: stops the driver, tells links and monitors, and removes
    /// the port from the table. A second termination does nothing.
    pub fn terminate(&mut self, cell: &PortCell, reason: OwnedTerm) {
        if self.core.life == Life::Dead {
            return;
        }
        self.core.life = Life::Dead;
        if let Some(mut d) = self.driver.take() {
            d.stop(&mut self.core);
        }
        if let Some(t) = self.core.timer.take() {
            crate::timer::cancel_internal(t);
        }
        for fd in std::mem::take(&mut self.core.selected) {
            crate::check_io::forget(fd);
        }
        cell.dead.store(true, Ordering::Release);
        self.core.resume_waiters();
        signals::port_exited(&mut self.core, reason.term);
        *cell.data.lock() = None;
        table::table().remove(cell.id);
        if let Some(node) = self.core.dist.take() {
            if let Some(e) = crate::dist::entry::find(node) {
                e.controller_ended(port_id(cell.id));
            }
        }
    }
}

impl PortCore {
    /// For a driver's `output`: true when it may keep the data and write it later, with
    /// what follows (the command comes from a process in its time slice, and this thread
    /// holds back no other port's output); the port then calls the driver's
    /// [`Driver::write_held_output`] before anything else sees it ([`deferred_output`]).
    pub fn defer_output(&mut self) -> bool {
        if deferred_output::hold(self.id, &self.cell) {
            self.output_held = true;
            true
        } else {
            false
        }
    }

    /// For a driver's `start` that acknowledges later (`erl_drv_init_ack`): `open_port`
    /// gives its caller a reference to wait on instead of the port (the calling Erlang code
    /// receives `{Ref, Result}`), as OTP's `erts_internal:open_port/2` does.
    pub fn await_init_ack(&mut self) {
        if let Some(pid) = current_caller() {
            self.async_open = Some((pid, crate::bif::process::new_ref_id()));
        }
    }

    /// The reference `open_port` returns for a start not acknowledged yet.
    pub fn awaited_init_ack(&self) -> Option<u64> {
        self.async_open.map(|(_, r)| r)
    }

    /// `erl_drv_init_ack`: tells the opener the port (`Ok`) or the error atom; after an
    /// error the opener is no longer linked to the port (which the driver then ends). False
    /// when no start waits for it (an acknowledgement during `start`, or a second one).
    pub fn init_ack(&mut self, result: Result<(), atom::Atom>) -> bool {
        let Some((pid, reference)) = self.async_open.take() else {
            return false;
        };
        let answer = match result {
            Ok(()) => self.port_term(),
            Err(reason) => {
                self.links.retain(|&l| l != pid);
                self.signal(
                    pid,
                    Signal::Unlink {
                        from: self.id | PORT_BIT,
                    },
                );
                Term::atom(reason)
            }
        };
        let msg = OwnedTerm::build(|h| {
            let r = crate::term::boxed::reference(h, reference);
            crate::term::boxed::tuple(h, &[r, answer])
        });
        self.send_to(pid, msg);
        true
    }

    /// The port as a term.
    pub fn port_term(&self) -> Term {
        Term::port(self.id)
    }

    /// Asks for the port to end with `reason` once the current callback returns
    /// (`driver_failure*`, `driver_exit`, end of input without `eof`).
    pub fn exit(&mut self, reason: Term) {
        if self.pending_exit.is_none() && self.life != Life::Dead {
            self.pending_exit = Some(OwnedTerm::copy_of(reason));
        }
    }

    /// Whether the port is ending (a termination is pending or done).
    pub fn is_exiting(&self) -> bool {
        self.pending_exit.is_some() || self.life == Life::Dead
    }

    /// Whether the port is busy (`port_command` suspends its caller).
    pub fn is_busy(&self) -> bool {
        self.busy
    }

    /// Sets the busy state (`set_busy_port`); when it ends, the processes suspended on the
    /// port go on.
    pub fn set_busy(&mut self, on: bool) {
        self.busy = on;
        if !on {
            self.resume_waiters();
        }
    }

    /// Records a driver queue of `bytes` (`port_info(P, queue_size)`) and turns the port
    /// busy above `limits`' high watermark and not busy at or below its low one
    /// (`{busy_limits_port, {Low, High}}`; `None` = disabled).
    pub fn set_queue_size(&mut self, bytes: usize, limits: Option<(u64, u64)>) {
        self.queue_size = bytes;
        if let Some((low, high)) = limits {
            if !self.busy && bytes as u64 > high {
                self.set_busy(true);
            } else if self.busy && bytes as u64 <= low {
                self.set_busy(false);
            }
        }
    }

    /// Suspends process `pid` until the port is no longer busy (or gone).
    pub fn add_busy_waiter(&mut self, pid: u64) {
        if !self.busy_waiters.contains(&pid) {
            self.busy_waiters.push(pid);
        }
    }

    fn resume_waiters(&mut self) {
        for pid in std::mem::take(&mut self.busy_waiters) {
            self.signal(pid, Signal::Resume);
        }
    }

    /// Changes the connected process (`port_connect`, `{connect, Pid}`).
    pub fn set_connected(&mut self, pid: u64) {
        self.connected = pid;
        if let Some(c) = self.cell.upgrade() {
            c.connected.store(pid, Ordering::Release);
        }
    }

    /// Adds `which` to the poller interest of `fd` for this port (`driver_select` on).
    pub fn select(
        &mut self,
        fd: std::os::fd::RawFd,
        which: crate::check_io::Ready,
    ) -> Result<(), crate::check_io::SelectError> {
        let Some(cell) = self.cell.upgrade() else {
            return Ok(());
        };
        crate::check_io::select(fd, which, cell)?;
        if !self.selected.contains(&fd) {
            self.selected.push(fd);
        }
        Ok(())
    }

    /// Removes `which` from the interest of `fd` (`driver_select` off); with both, the fd
    /// is forgotten by the poller.
    pub fn deselect(&mut self, fd: std::os::fd::RawFd, which: crate::check_io::Ready) {
        crate::check_io::deselect(fd, which);
        if which.read && which.write {
            self.selected.retain(|&f| f != fd);
        }
    }

    /// `driver_set_timer`: the driver's `timeout` event after `ms` milliseconds (replacing
    /// a running timer).
    pub fn set_timer(&mut self, ms: u64) {
        self.cancel_timer();
        let weak = self.cell.clone();
        let id = std::sync::Arc::new(AtomicU64::new(0));
        let id2 = id.clone();
        let t = crate::timer::start_callback_timer(
            ms,
            Box::new(move || {
                let Some(cell) = weak.upgrade() else { return };
                cell.with_driver(|d, core| {
                    // Read under the port lock: the id is stored while the setter still
                    // holds it, and a timer of 0 ms can fire before that.
                    let mine = id2.load(Ordering::Acquire);
                    if core.timer == Some(mine) {
                        core.timer = None;
                        d.event(core, driver::PortEvent::Timeout);
                    }
                });
            }),
        );
        id.store(t, Ordering::Release);
        self.timer = Some(t);
    }

    /// `driver_cancel_timer`.
    pub fn cancel_timer(&mut self) {
        if let Some(t) = self.timer.take() {
            crate::timer::cancel_internal(t);
        }
    }

    /// Hands packet `data` read by a distribution controller to the distribution; it is
    /// taken in once the port lock is released. False when the port is not a controller.
    pub fn dist_received(&mut self, data: &[u8]) -> bool {
        let Some(node) = self.dist else {
            return false;
        };
        self.input += data.len() as u64;
        crate::dist::input::received(node, data);
        self.dist_input = true;
        true
    }

    /// Sends `msg` to process `to` (when the port lock is released).
    pub fn send_to(&mut self, to: u64, msg: OwnedTerm) {
        self.signal(to, Signal::Message(msg));
    }

    /// Sends a signal to process `to` (when the port lock is released).
    pub fn signal(&mut self, to: u64, sig: Signal) {
        self.outbox.push((to, sig));
    }

    /// Sends the signals of the outbox, each run of signals to one process in one step.
    fn flush_outbox(&mut self) {
        if self.outbox.is_empty() {
            return;
        }
        let mut pending = std::mem::take(&mut self.outbox).into_iter().peekable();
        while let Some((to, first)) = pending.next() {
            let mut run = vec![first];
            while let Some((_, sig)) = pending.next_if(|(t, _)| *t == to) {
                run.push(sig);
            }
            crate::process::exit::deliver_all(to, run);
        }
    }

    /// Sends `msg` (built by `f`) to the connected process.
    pub fn send_to_connected(&mut self, f: impl FnOnce(&mut crate::heap::Heap) -> Term) {
        let to = self.connected;
        self.send_to(to, OwnedTerm::build(f));
    }
}

impl PortState {
    /// Runs the driver's callbacks for a poll event.
    fn poll_event(&mut self, fd: RawFd, ready: Ready) {
        self.call(|d, core| {
            if ready.read {
                d.ready_input(core, fd);
            }
            if ready.write && !core.is_exiting() {
                d.ready_output(core, fd);
            }
        });
    }
}

impl PortCell {
    /// Adds a poll event to the deferred ones.
    fn defer(&self, fd: RawFd, ready: Ready) {
        {
            let mut d = self.deferred.lock();
            match d.iter_mut().find(|(f, _)| *f == fd) {
                Some((_, r)) => *r = r.with(ready),
                None => d.push((fd, ready)),
            }
        }
        self.has_deferred.store(true, Ordering::SeqCst);
    }

    /// Hands input readiness to the connected process while it is busy (running or queued):
    /// the event waits in the deferred ones and the process gets a [`Signal::PortInput`]
    /// (one at a time), which runs them on its scheduler when it next looks at its signals
    /// (as OTP runs a port's input task on a scheduler). Its data would wait for it anyway;
    /// this way the reading happens where the data is consumed, data that comes in the
    /// meantime is read in one go, and the poll thread is not woken for each write at the
    /// other end. False when the process is waiting (the poll thread reads at once, which is
    /// the shortest way to wake it), gone, in a dirty call, or native: the poll thread then
    /// runs the event itself.
    fn input_to_owner(&self, fd: RawFd, ready: Ready) -> bool {
        let owner = self.connected();
        if is_port_id(owner) {
            return false;
        }
        let Some(cell) = crate::process::table::table().get(owner) else {
            return false;
        };
        if cell.in_dirty() || cell.native.is_some() {
            return false;
        }
        if cell.state() == crate::process::cell::WAITING {
            return false;
        }
        self.defer(fd, ready);
        if self.input_signalled.swap(true, Ordering::SeqCst) {
            return true;
        }
        if crate::process::exit::deliver_to(&cell, Signal::PortInput(self.id)).is_err() {
            // Gone meanwhile: run what is deferred here.
            self.input_signalled.store(false, Ordering::SeqCst);
            self.hand_over();
        }
        true
    }

    /// After events were deferred: runs them under the lock, unless a holder of the lock
    /// takes them first (it looks for them just before it lets go).
    fn hand_over(&self) {
        let mut spins = 0u32;
        loop {
            if let Some(g) = self.try_lock() {
                drop(g);
                return;
            }
            if !self.has_deferred.load(Ordering::Acquire) {
                return;
            }
            spins += 1;
            if spins >= 4096 {
                // The holder takes long (a driver callback that blocks): wait for the lock
                // rather than spin; the guard runs what is left.
                drop(self.lock());
                return;
            }
            if spins % 64 == 0 {
                std::thread::yield_now();
            } else {
                std::hint::spin_loop();
            }
        }
    }

    /// Runs the deferred poll events.
    fn run_deferred_input(&self) {
        self.input_signalled.store(false, Ordering::SeqCst);
        if self.has_deferred.load(Ordering::SeqCst) {
            drop(self.lock());
        }
    }
}

/// Runs the deferred poll events of port number `port`, if it is still there
/// ([`Signal::PortInput`] arrived, or the process it went to has exited).
pub fn run_deferred_input(port: u64) {
    if let Some(cell) = table::table().get(port) {
        cell.run_deferred_input();
    }
}

impl crate::check_io::PollTarget for PortCell {
    fn ready(&self, fd: RawFd, ready: Ready) -> bool {
        if ready.read && !ready.write && self.input_to_owner(fd, ready) {
            return false;
        }
        if let Some(mut g) = self.try_lock() {
            g.poll_event(fd, ready);
            return true;
        }
        self.defer(fd, ready);
        self.hand_over();
        false
    }
}

/// How a new port delivers data, as `open_port`'s settings say.
#[derive(Clone, Debug, Default)]
pub struct PortSettings {
    /// What `port_info(P, name)` reports: the command or driver name.
    pub name: String,
    /// The driver's name.
    pub driver_name: String,
    pub binary: bool,
    pub line: Option<usize>,
    pub soft_eof: bool,
    pub parallelism: bool,
}

/// `PortCell::os_pid`: no OS pid.
const OS_PID_NONE: u64 = u64::MAX;
/// `PortCell::os_pid`: an OS pid is on its way.
const OS_PID_PENDING: u64 = u64::MAX - 1;
/// The longest `PortCell::os_pid` waits for an announced pid.
const OS_PID_WAIT_LIMIT: std::time::Duration = std::time::Duration::from_secs(5);
/// Where readers of an announced OS pid wait (rare: only a query right after the start).
static OS_PID_WAIT: (std::sync::Mutex<()>, std::sync::Condvar) =
    (std::sync::Mutex::new(()), std::sync::Condvar::new());

/// Waits until `slot` holds no longer `OS_PID_PENDING`, or `OS_PID_WAIT_LIMIT` has passed.
fn wait_for_os_pid(slot: &AtomicU64) -> u64 {
    let (lock, cond) = &OS_PID_WAIT;
    let deadline = std::time::Instant::now() + OS_PID_WAIT_LIMIT;
    let mut guard = lock
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    loop {
        let v = slot.load(Ordering::Acquire);
        let now = std::time::Instant::now();
        if v != OS_PID_PENDING || now >= deadline {
            return v;
        }
        guard = cond
            .wait_timeout(guard, deadline - now)
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .0;
    }
}

/// Creates a port connected to `owner` (linked to it) with a driver made by `start`; the
/// port is in the table before `start` runs, so the driver can register fds and timers.
pub fn create(
    owner: u64,
    settings: PortSettings,
    start: impl FnOnce(&mut PortCore) -> Result<Box<dyn Driver>, driver::OpenError>,
) -> Result<Arc<PortCell>, driver::OpenError> {
    let PortSettings {
        name,
        driver_name,
        binary,
        line,
        soft_eof,
        parallelism,
    } = settings;
    let id = table::table()
        .reserve()
        .ok_or(driver::OpenError::SystemLimit)?;
    let cell = Arc::new_cyclic(|weak| PortCell {
        id,
        connected: AtomicU64::new(owner),
        dead: AtomicBool::new(false),
        os_pid: AtomicU64::new(OS_PID_NONE),
        state: Mutex::new(PortState {
            core: PortCore {
                id,
                name,
                driver_name,
                connected: owner,
                links: vec![owner],
                monitored_by: Vec::new(),
                monitors: Vec::new(),
                binary,
                line,
                line_buf: Vec::new(),
                line_cr: false,
                soft_eof,
                input: 0,
                output: 0,
                busy: false,
                busy_waiters: Vec::new(),
                parallelism,
                control_binary: false,
                queue_size: 0,
                pending_exit: None,
                life: Life::Open,
                registered_name: None,
                timer: None,
                cell: weak.clone(),
                selected: Vec::new(),
                outbox: Vec::new(),
                dist: None,
                dist_input: false,
                output_held: false,
                async_open: None,
            },
            driver: None,
        }),
        data: Mutex::new(None),
        deferred: Mutex::new(Vec::new()),
        has_deferred: AtomicBool::new(false),
        input_signalled: AtomicBool::new(false),
    });
    let mut st = cell.lock();
    table::table().insert(cell.clone());
    match start(&mut st.core) {
        Ok(d) => {
            // A driver may fail in `start` after all (e.g. its program is gone at once): the
            // guard carries that out when it is released.
            st.driver = Some(d);
            drop(st);
            Ok(cell)
        }
        Err(e) => {
            st.core.life = Life::Dead;
            cell.dead.store(true, Ordering::Release);
            drop(st);
            table::table().remove(id);
            Err(e)
        }
    }
}

thread_local! {
    /// The process making the current port operation (`driver_caller`), or `u64::MAX`.
    static CALLER: std::cell::Cell<u64> = const { std::cell::Cell::new(u64::MAX) };
}

/// Runs `f` (a port operation: open, command, control, call) with `pid` recorded as the
/// process making it, for drivers that ask who called them (`driver_caller`).
pub fn with_caller<R>(pid: u64, f: impl FnOnce() -> R) -> R {
    let old = CALLER.with(|c| c.replace(pid));
    let r = f();
    CALLER.with(|c| c.set(old));
    r
}

/// The process making the port operation running on this thread, if any.
pub fn current_caller() -> Option<u64> {
    CALLER.with(|c| Some(c.get()).filter(|&p| p != u64::MAX))
}

/// Looks up a live port by number.
pub fn lookup(n: u64) -> Option<Arc<PortCell>> {
    table::table().get(n).filter(|c| !c.is_dead())
}

/// Waits (up to `limit`) until no port has queued output: called before the runtime exits
/// so that what was written to a port reaches its file descriptor.
pub fn flush_all(limit: std::time::Duration) {
    let deadline = std::time::Instant::now() + limit;
    loop {
        let busy = table::table().all().into_iter().any(|c| {
            let st = c.lock();
            st.core.life != Life::Dead && st.core.queue_size > 0
        });
        if !busy || std::time::Instant::now() >= deadline {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}
