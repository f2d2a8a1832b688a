//! Run queues (OTP's `ErtsRunQueue`): global injectors for the `max`, `high` and `low`
//! priorities and for `normal` processes made runnable outside a scheduler thread, plus one
//! local work-stealing deque of `normal` processes per scheduler.

use crate::process::cell::{Priority, ProcessCell};
use crossbeam_deque::{Injector, Steal, Stealer, Worker};
use std::sync::Arc;

pub type Task = Arc<ProcessCell>;

/// The queues shared by all schedulers.
pub struct RunQueues {
    pub max: Injector<Task>,
    pub high: Injector<Task>,
    pub normal: Injector<Task>,
    pub low: Injector<Task>,
    /// Stealing ends of every scheduler's local deque.
    pub stealers: Vec<Stealer<Task>>,
}

impl RunQueues {
    pub fn new(stealers: Vec<Stealer<Task>>) -> RunQueues {
        RunQueues {
            max: Injector::new(),
            high: Injector::new(),
            normal: Injector::new(),
            low: Injector::new(),
            stealers,
        }
    }

    /// Queues `t` in the global queue of its priority.
    pub fn inject(&self, t: Task) {
        match t.priority() {
            Priority::Max => self.max.push(t),
            Priority::High => self.high.push(t),
            Priority::Normal => self.normal.push(t),
            Priority::Low => self.low.push(t),
        }
    }

    /// Processes waiting to run, per scheduler's local queue; the shared queues are counted
    /// with the first scheduler's.
    pub fn lengths(&self) -> Vec<usize> {
        let mut v: Vec<usize> = self.stealers.iter().map(|s| s.len()).collect();
        if let Some(first) = v.first_mut() {
            *first += self.max.len() + self.high.len() + self.normal.len() + self.low.len();
        }
        v
    }

    /// Whether any queue visible to all schedulers has work.
    pub fn has_work(&self) -> bool {
        !self.max.is_empty()
            || !self.high.is_empty()
            || !self.normal.is_empty()
            || !self.low.is_empty()
            || self.stealers.iter().any(|s| !s.is_empty())
    }

    /// The next process for the scheduler that owns `local` (its index is `me`). Higher
    /// priorities first; `low` processes get a turn every `LOW_EVERY` picks so they are not
    /// starved by `normal` ones (as OTP does), and the shared `normal` queue (processes woken
    /// by the timer, the I/O poller or port threads) every `SHARED_EVERY` picks, so that a
    /// local process that keeps yielding cannot starve them.
    pub fn pop(&self, local: &Worker<Task>, me: usize, tick: u64) -> Option<Task> {
        const LOW_EVERY: u64 = 8;
        const SHARED_EVERY: u64 = 4;
        if let Some(t) = take(&self.max) {
            return Some(t);
        }
        if let Some(t) = take(&self.high) {
            return Some(t);
        }
        if tick % LOW_EVERY == 0 {
            if let Some(t) = take(&self.low) {
                return Some(t);
            }
        }
        if tick % SHARED_EVERY == 0 {
            if let Some(t) = take(&self.normal) {
                return Some(t);
            }
        }
        if let Some(t) = local.pop() {
            return Some(t);
        }
        loop {
            match self.normal.steal_batch_and_pop(local) {
                Steal::Success(t) => return Some(t),
                Steal::Retry => continue,
                Steal::Empty => break,
            }
        }
        let n = self.stealers.len();
        for i in 1..n {
            let s = &self.stealers[(me + i) % n];
            loop {
                match s.steal_batch_and_pop(local) {
                    Steal::Success(t) => return Some(t),
                    Steal::Retry => continue,
                    Steal::Empty => break,
                }
            }
        }
        take(&self.low)
    }
}

fn take(q: &Injector<Task>) -> Option<Task> {
    loop {
        match q.steal() {
            Steal::Success(t) => return Some(t),
            Steal::Retry => continue,
            Steal::Empty => return None,
        }
    }
}
