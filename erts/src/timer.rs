//! Timers (OTP's `erl_hl_timer.c`): `receive ... after` timeouts and the timers of
//! `erlang:send_after/3,4` and `erlang:start_timer/3,4`, kept in one deadline-ordered heap
//! served by a timer thread. A timer never fires before its deadline (monotonic clock).
//! Timers made by the BIFs are known by their reference, for `cancel_timer` / `read_timer`.

use crate::atom::Atom;
use crate::process::cell::ProcessCell;
use crate::process::exit::{deliver, deliver_to};
use crate::process::registry;
use crate::process::signals::{OwnedTerm, Signal};
use crate::term::{boxed, copy, Term};
use parking_lot::{Condvar, Mutex};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Weak;
use std::time::{Duration, Instant};

/// Where a BIF timer's message goes.
pub enum Dest {
    Pid(u64),
    Name(Atom),
}

enum Action {
    /// A `receive ... after` of this process, generation `gen`.
    Receive { cell: Weak<ProcessCell>, gen: u64 },
    /// A `send_after` / `start_timer` message (`{timeout, Ref, Msg}` for `start_timer`).
    Send {
        dest: Dest,
        msg: OwnedTerm,
        start_timer: bool,
    },
    /// A runtime callback (driver timers: `driver_set_timer`).
    Call(Box<dyn FnOnce() + Send>),
}

struct Entry {
    deadline: Instant,
    action: Action,
}

#[derive(Default)]
struct State {
    queue: BinaryHeap<Reverse<(Instant, u64)>>,
    entries: crate::id_hash::IdHashMap<u64, Entry>,
    next_id: u64,
    /// What the timer thread is doing: a new timer wakes it only when due before it would
    /// wake anyway (one wake-up per `receive ... after` would cost a system call each).
    thread: ThreadState,
}

/// See [`State::thread`].
#[derive(Default, Clone, Copy)]
enum ThreadState {
    /// Running: it looks at the heap before it sleeps again.
    #[default]
    Awake,
    /// Sleeping until this deadline (that of the heap's first entry when it went to sleep,
    /// which may have been cancelled since).
    Until(Instant),
    /// Sleeping until woken: no timers.
    Idle,
}

struct Service {
    state: Mutex<State>,
    cv: Condvar,
}

fn service() -> &'static Service {
    static S: crate::instance::InstanceLocal<Service> = crate::instance::InstanceLocal::new();
    S.get_or_init(|| {
        crate::instance::spawn_thread("timer".into(), 0, timer_thread)
            .expect("cannot start the timer thread");
        crate::instance::on_stop(|| {
            let s = service();
            let _g = s.state.lock();
            s.cv.notify_all();
        });
        Service {
            state: Mutex::new(State::default()),
            cv: Condvar::new(),
        }
    })
}

fn add(id: Option<u64>, ms: u64, action: Action) -> u64 {
    let s = service();
    let deadline = Instant::now() + Duration::from_millis(ms);
    let mut st = s.state.lock();
    let (id, wake) = st.insert(id, deadline, action);
    if wake {
        s.cv.notify_one();
    }
    id
}

impl State {
    /// Adds a timer (`id`, or a new internal id); its id, and whether the timer thread
    /// must be woken for it (it is due before the thread would wake anyway).
    fn insert(&mut self, id: Option<u64>, deadline: Instant, action: Action) -> (u64, bool) {
        let id = id.unwrap_or_else(|| {
            self.next_id += 1;
            // Internal ids live above the reference ids used by BIF timers.
            (1 << 63) | self.next_id
        });
        // Cancelled timers leave their deadlines in the heap (skipped when they come up):
        // when those are most of it, it is rebuilt from the live ones, so that it stays the
        // size of the timers running.
        if self.queue.len() > 2 * self.entries.len() + 64 {
            let entries = &self.entries;
            self.queue
                .retain(|Reverse((_, id))| entries.contains_key(id));
        }
        self.queue.push(Reverse((deadline, id)));
        self.entries.insert(id, Entry { deadline, action });
        let wake = match self.thread {
            ThreadState::Awake => false,
            ThreadState::Until(t) => deadline < t,
            ThreadState::Idle => true,
        };
        if wake {
            self.thread = ThreadState::Awake;
        }
        (id, wake)
    }
}

/// Starts the timer of a `receive ... after ms` in `cell`'s process (generation `gen`);
/// returns its id for [`cancel_internal`].
pub fn start_receive_timer(cell: Weak<ProcessCell>, gen: u64, ms: u64) -> u64 {
    add(None, ms, Action::Receive { cell, gen })
}

/// Starts a BIF timer known by reference number `ref_id`.
pub fn start_message_timer(ref_id: u64, ms: u64, dest: Dest, msg: Term, start_timer: bool) {
    let msg = OwnedTerm::copy_of(msg);
    add(
        Some(ref_id),
        ms,
        Action::Send {
            dest,
            msg,
            start_timer,
        },
    );
}

/// Runs `f` on the timer thread after `ms` milliseconds; returns the timer's id for
/// [`cancel_internal`] and [`read`].
pub fn start_callback_timer(ms: u64, f: Box<dyn FnOnce() + Send>) -> u64 {
    add(None, ms, Action::Call(f))
}

/// Cancels a callback or receive timer (by the id its start returned); true if it had not
/// fired.
pub fn cancel_internal(id: u64) -> bool {
    service().state.lock().entries.remove(&id).is_some()
}

/// Cancels BIF timer `ref_id`; returns the milliseconds that were left, or `None` when it had
/// already fired or never existed.
pub fn cancel(ref_id: u64) -> Option<u64> {
    let mut st = service().state.lock();
    st.entries.remove(&ref_id).map(|e| remaining(e.deadline))
}

/// Milliseconds left of BIF timer `ref_id`.
pub fn read(ref_id: u64) -> Option<u64> {
    let st = service().state.lock();
    st.entries.get(&ref_id).map(|e| remaining(e.deadline))
}

/// A BIF timer as a crash dump shows it (`=timer:` sections).
pub struct BifTimerInfo {
    /// The receiver: a pid number, or the registered name the message goes to.
    pub dest: Result<u64, Atom>,
    /// The reference number of the timer.
    pub ref_id: u64,
    /// The message as given (`start_timer` wraps it in `{timeout, Ref, Msg}` when it fires).
    pub msg: OwnedTerm,
    pub start_timer: bool,
    /// Milliseconds left.
    pub ms_left: u64,
}

/// The pending `send_after`/`start_timer` timers, in the order they will fire.
pub fn bif_timers() -> Vec<BifTimerInfo> {
    let st = service().state.lock();
    let mut v: Vec<(Instant, BifTimerInfo)> = st
        .entries
        .iter()
        .filter_map(|(&id, e)| match &e.action {
            Action::Send {
                dest,
                msg,
                start_timer,
            } => Some((
                e.deadline,
                BifTimerInfo {
                    dest: match dest {
                        Dest::Pid(p) => Ok(*p),
                        Dest::Name(n) => Err(*n),
                    },
                    ref_id: id,
                    msg: OwnedTerm::copy_of(msg.term),
                    start_timer: *start_timer,
                    ms_left: remaining(e.deadline),
                },
            )),
            _ => None,
        })
        .collect();
    v.sort_by_key(|(d, t)| (*d, t.ref_id));
    v.into_iter().map(|(_, t)| t).collect()
}

fn remaining(deadline: Instant) -> u64 {
    let d = deadline.saturating_duration_since(Instant::now());
    // OTP rounds the time left up to whole milliseconds.
    let ms = d.as_millis() as u64;
    if d > Duration::from_millis(ms) {
        ms + 1
    } else {
        ms
    }
}

/// The timer thread of the instance (until it stops).
fn timer_thread() {
    let inst = crate::instance::current();
    let s = service();
    let mut st = s.state.lock();
    loop {
        if inst.stopping() {
            // What was due is dropped with the instance.
            st.queue.clear();
            st.entries.clear();
            return;
        }
        let now = Instant::now();
        let mut due = Vec::new();
        while let Some(Reverse((d, id))) = st.queue.peek().copied() {
            if d > now {
                break;
            }
            st.queue.pop();
            if let Some(e) = st.entries.remove(&id) {
                due.push((id, e));
            }
        }
        if !due.is_empty() {
            drop(st);
            for (id, e) in due {
                fire(id, e.action);
            }
            st = s.state.lock();
            continue;
        }
        // Cancelled timers at the top are dropped, not slept for.
        while let Some(Reverse((_, id))) = st.queue.peek().copied() {
            if st.entries.contains_key(&id) {
                break;
            }
            st.queue.pop();
        }
        match st.queue.peek().copied() {
            Some(Reverse((d, _))) => {
                st.thread = ThreadState::Until(d);
                s.cv.wait_until(&mut st, d);
            }
            None => {
                st.thread = ThreadState::Idle;
                s.cv.wait(&mut st);
            }
        }
        st.thread = ThreadState::Awake;
    }
}

fn fire(id: u64, action: Action) {
    match action {
        Action::Call(f) => f(),
        Action::Receive { cell, gen } => {
            if let Some(cell) = cell.upgrade() {
                let _ = deliver_to(&cell, Signal::ReceiveTimeout { generation: gen });
            }
        }
        Action::Send {
            dest,
            msg,
            start_timer,
        } => {
            let to = match dest {
                Dest::Pid(p) => Some(p),
                Dest::Name(n) => registry::whereis(n),
            };
            let Some(to) = to else { return };
            let msg = if start_timer {
                OwnedTerm::build(|h| {
                    let r = boxed::reference(h, id);
                    let m = copy::copy(h, msg.term);
                    boxed::tuple(h, &[Term::atom(crate::atom::atom("timeout")), r, m])
                })
            } else {
                msg
            };
            let _ = deliver(to, Signal::Message(msg));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nothing() -> Action {
        Action::Call(Box::new(|| {}))
    }

    #[test]
    fn cancelled_timers_do_not_pile_up() {
        let mut st = State::default();
        let t0 = Instant::now() + Duration::from_secs(5);
        // One timer that stays, then 100,000 started and cancelled one after the other (a
        // `gen_server:call` loop): the heap stays near the number of timers running.
        st.insert(None, t0, nothing());
        for i in 0..100_000u64 {
            let (id, _) = st.insert(None, t0 + Duration::from_micros(i), nothing());
            st.entries.remove(&id);
        }
        assert_eq!(st.entries.len(), 1);
        assert!(st.queue.len() <= 2 + 64 + 1, "{}", st.queue.len());
    }

    #[test]
    fn the_thread_is_woken_only_for_an_earlier_deadline() {
        let mut st = State::default();
        let now = Instant::now();
        // Running: it looks at the heap before sleeping.
        assert!(!st.insert(None, now, nothing()).1);
        st.thread = ThreadState::Until(now + Duration::from_secs(5));
        assert!(!st.insert(None, now + Duration::from_secs(6), nothing()).1);
        assert!(st.insert(None, now + Duration::from_secs(1), nothing()).1);
        // Woken: no second wake-up until it sleeps again.
        assert!(!st.insert(None, now, nothing()).1);
        st.thread = ThreadState::Idle;
        assert!(st.insert(None, now + Duration::from_secs(60), nothing()).1);
    }
}
