//! ETS, the Erlang term storage (OTP's `erl_db.c`): the table registry (table ids and names),
//! the table record with its options, owner and heir, access control, and what happens to a
//! table when its owner dies. The storage of objects is in [`db_hash`] (`set`, `bag`,
//! `duplicate_bag`) and [`db_tree`] (`ordered_set`), objects themselves in [`db_term`], match
//! specifications in [`match_spec`]. The BIFs are in `bif::ets`.
//!
//! A table id is a reference whose number indexes the registry. Each table has its own
//! reader-writer lock, so operations on different tables never contend, and readers of one
//! table run in parallel; the registry is sharded and read-mostly.

pub mod atoms;
pub mod db_hash;
pub mod db_term;
pub mod db_tree;
pub mod match_spec;
pub mod store;

use crate::atom::Atom;
use crate::process::signals::OwnedTerm;
use crate::term::Term;
use parking_lot::{Mutex, RwLock};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use store::Store;

/// The table types.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Kind {
    Set,
    OrderedSet,
    Bag,
    DuplicateBag,
}

/// Who may read and write a table.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Access {
    Public = 0,
    Protected = 1,
    Private = 2,
}

/// What an operation does to a table, for access checks.
#[derive(Copy, Clone, PartialEq, Eq)]
pub enum Op {
    Read,
    Write,
}

/// The heir of a table: the process that gets it when the owner dies, and the data it gets.
pub struct Heir {
    pub pid: u64,
    pub data: OwnedTerm,
}

/// Safe-fixation bookkeeping (`ets:safe_fixtable/2`).
#[derive(Default)]
pub struct Fixations {
    /// Monotonic time (native units) of the first fixation.
    pub since: Option<(i64, i64)>,
    /// Process and fixation count, in fixation order.
    pub by: Vec<(u64, u64)>,
}

/// One ETS table.
pub struct Table {
    /// The number of the table id reference.
    pub id: u64,
    name: std::sync::atomic::AtomicU32,
    /// Set when the table is deleted (a cached handle then no longer names it).
    deleted: std::sync::atomic::AtomicBool,
    pub named: std::sync::atomic::AtomicBool,
    pub kind: Kind,
    /// An [`Access`] as a byte: `ets:setopts/2` may change it.
    access: std::sync::atomic::AtomicU8,
    /// Key position, 0-based.
    pub keypos: usize,
    pub read_concurrency: bool,
    pub write_concurrency: bool,
    /// `{write_concurrency, auto}` was given.
    pub write_concurrency_auto: bool,
    pub decentralized_counters: bool,
    pub compressed: bool,
    /// How the hash storage is laid out (fine-grained locking as OTP would use it).
    pub hash_shape: db_hash::HashShape,
    owner: AtomicU64,
    pub heir: Mutex<Option<Heir>>,
    pub fix: Mutex<Fixations>,
    /// The objects, under a lock on cache lines of its own, so that writers taking it do not
    /// slow down readers of the fields above (every call reads them).
    pub store: Padded<RwLock<Store>>,
}

/// A value aligned to (and filling whole) 128-byte blocks: two cache lines, as adjacent-line
/// prefetching moves them together.
#[repr(align(128))]
pub struct Padded<T>(pub T);

impl<T> std::ops::Deref for Padded<T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        &self.0
    }
}

impl Table {
    pub fn owner(&self) -> u64 {
        self.owner.load(Ordering::Acquire)
    }
    pub fn set_owner(&self, pid: u64) {
        self.owner.store(pid, Ordering::Release);
    }
    pub fn name(&self) -> Atom {
        Atom(self.name.load(Ordering::Acquire))
    }
    fn set_name(&self, a: Atom) {
        self.name.store(a.0, Ordering::Release);
    }
    pub fn is_deleted(&self) -> bool {
        self.deleted.load(Ordering::Acquire)
    }
    /// Whether the identifier term `tab` (a name or a table reference) names this table.
    #[inline]
    pub fn is_named_by(&self, tab: Term) -> bool {
        if self.is_deleted() {
            return false;
        }
        match tab.as_atom() {
            Some(a) => self.is_named() && self.name() == a,
            None => {
                tab.is_boxed_with(crate::term::subtag::REF)
                    && crate::term::boxed::reference_id(tab) == self.id
            }
        }
    }
    pub fn is_named(&self) -> bool {
        self.named.load(Ordering::Acquire)
    }
    pub fn access(&self) -> Access {
        match self.access.load(Ordering::Relaxed) {
            0 => Access::Public,
            1 => Access::Protected,
            _ => Access::Private,
        }
    }
    pub fn set_access(&self, a: Access) {
        self.access.store(a as u8, Ordering::Relaxed);
    }
    /// Whether process `pid` may do `op`.
    pub fn allows(&self, pid: u64, op: Op) -> bool {
        match (self.access(), op) {
            (Access::Public, _) => true,
            (Access::Protected, Op::Read) => true,
            _ => self.owner() == pid,
        }
    }
    /// Words of `ets:info(T, memory)`: OTP's fixed part of a table of its kind and options
    /// (the table structure with its locks and counters, a hash table's first 256 buckets),
    /// a record per process fixing it, and what its objects take in OTP's layout.
    pub fn memory_words(&self) -> usize {
        let wc = self.write_concurrency || self.write_concurrency_auto;
        let fixed = match self.kind {
            Kind::OrderedSet => {
                let base = if wc { 133 } else { 139 };
                base + if self.read_concurrency { 32 } else { 0 }
            }
            _ if self.hash_shape.fine_locked => {
                // 64 stripe locks; read-optimised ones take 32 words more each.
                let locks = if self.read_concurrency { 64 * 32 } else { 0 };
                let counters = if self.hash_shape.decentralized { 34 } else { 0 };
                1361 + locks + counters
            }
            _ => 305 + if self.read_concurrency { 32 } else { 0 },
        };
        let fixers = self.fix.lock().by.len();
        fixed + 9 * fixers + self.store.read().memory_words()
    }
    /// Whether any process has the table fixed.
    pub fn is_fixed(&self) -> bool {
        !self.fix.lock().by.is_empty()
    }
    /// Tells the storage whether the table is fixed, after `fix` (held) changed; objects
    /// deleted while it was fixed are freed when it no longer is.
    pub fn fixation_changed(&self, fix: &Fixations) {
        let freed = self.store.write().set_fixed(!fix.by.is_empty());
        drop(freed);
    }
}

/// Options of a new table.
pub struct NewTable {
    pub name: Atom,
    pub named: bool,
    pub kind: Kind,
    pub access: Access,
    pub keypos: usize,
    pub read_concurrency: bool,
    pub write_concurrency: bool,
    pub write_concurrency_auto: bool,
    pub decentralized_counters: bool,
    pub compressed: bool,
    pub heir: Option<Heir>,
}

/// Why a table could not be created.
#[derive(Debug, PartialEq, Eq)]
pub enum NewError {
    /// A named table with that name exists.
    AlreadyExists,
}

const SHARDS: usize = 16;

/// Tables with at least this many objects are freed in the background when deleted.
const BACKGROUND_FREE: usize = 10_000;

/// All tables: by id (sharded) and by name.
pub struct Registry {
    by_id: Vec<RwLock<HashMap<u64, Arc<Table>>>>,
    by_name: RwLock<HashMap<Atom, Arc<Table>>>,
    /// Tables per owner pid, for owner exit.
    by_owner: Mutex<HashMap<u64, Vec<u64>>>,
}

/// The table registry.
pub fn registry() -> &'static Registry {
    static R: crate::instance::InstanceLocal<Registry> = crate::instance::InstanceLocal::new();
    R.get_or_init(|| Registry {
        by_id: (0..SHARDS).map(|_| RwLock::new(HashMap::new())).collect(),
        by_name: RwLock::new(HashMap::new()),
        by_owner: Mutex::new(HashMap::new()),
    })
}

impl Registry {
    fn shard(&self, id: u64) -> &RwLock<HashMap<u64, Arc<Table>>> {
        &self.by_id[(id as usize) % SHARDS]
    }

    /// Creates a table owned by `owner` with reference number `id`.
    pub fn create(&self, id: u64, owner: u64, opts: NewTable) -> Result<Arc<Table>, NewError> {
        // OTP locks a shared table with write concurrency by stripes of buckets (not with a
        // single scheduler), and that decides the order its objects are visited in.
        let fine_locked = (opts.write_concurrency || opts.write_concurrency_auto)
            && opts.access != Access::Private
            && crate::sched::started()
            && crate::sched::system().schedulers > 1;
        let hash_shape = db_hash::HashShape {
            fine_locked,
            decentralized: opts.decentralized_counters,
        };
        let t = Arc::new(Table {
            id,
            name: std::sync::atomic::AtomicU32::new(opts.name.0),
            deleted: std::sync::atomic::AtomicBool::new(false),
            named: std::sync::atomic::AtomicBool::new(opts.named),
            kind: opts.kind,
            access: std::sync::atomic::AtomicU8::new(opts.access as u8),
            keypos: opts.keypos,
            read_concurrency: opts.read_concurrency,
            write_concurrency: opts.write_concurrency,
            write_concurrency_auto: opts.write_concurrency_auto,
            decentralized_counters: opts.decentralized_counters,
            compressed: opts.compressed,
            hash_shape,
            owner: AtomicU64::new(owner),
            heir: Mutex::new(opts.heir),
            fix: Mutex::new(Fixations::default()),
            store: Padded(RwLock::new(Store::new(opts.kind, opts.keypos, hash_shape))),
        });
        if opts.named {
            let mut names = self.by_name.write();
            if names.contains_key(&opts.name) {
                return Err(NewError::AlreadyExists);
            }
            names.insert(opts.name, t.clone());
        }
        self.shard(id).write().insert(id, t.clone());
        self.by_owner.lock().entry(owner).or_default().push(id);
        mark_owner(owner);
        Ok(t)
    }

    /// The table with reference number `id`.
    pub fn by_id(&self, id: u64) -> Option<Arc<Table>> {
        self.shard(id).read().get(&id).cloned()
    }

    /// The named table `name`.
    pub fn by_name(&self, name: Atom) -> Option<Arc<Table>> {
        self.by_name.read().get(&name).cloned()
    }

    /// Resolves a table identifier term (a name or a table reference).
    pub fn resolve(&self, t: Term) -> Option<Arc<Table>> {
        if let Some(a) = t.as_atom() {
            self.by_name(a)
        } else if t.is_reference() && !t.is_boxed_with(crate::term::subtag::EXTERNAL_REF) {
            self.by_id(crate::term::boxed::reference_id(t))
        } else {
            None
        }
    }

    /// Removes a table (its objects are freed when the last user drops it).
    pub fn delete(&self, t: &Table) {
        t.deleted.store(true, Ordering::Release);
        self.shard(t.id).write().remove(&t.id);
        if t.is_named() {
            let name = t.name();
            let mut names = self.by_name.write();
            if names.get(&name).is_some_and(|x| x.id == t.id) {
                names.remove(&name);
            }
        }
        let mut owners = self.by_owner.lock();
        if let Some(v) = owners.get_mut(&t.owner()) {
            v.retain(|&i| i != t.id);
            if v.is_empty() {
                owners.remove(&t.owner());
            }
        }
        // Free the objects; a big table is freed on a thread of its own so that the
        // deleting process (or the exit of its owner) does not wait for it.
        let old = std::mem::replace(
            &mut *t.store.write(),
            Store::new(t.kind, t.keypos, t.hash_shape),
        );
        if old.len() >= BACKGROUND_FREE {
            // A failed start drops the objects here instead.
            let _ = crate::instance::spawn_thread("ets-free".into(), 0, move || drop(old));
        }
    }

    /// Renames a named table; false when `new` is taken (also by the table itself).
    pub fn rename(&self, t: &Arc<Table>, new: Atom) -> bool {
        if !t.is_named() {
            t.set_name(new);
            return true;
        }
        let mut names = self.by_name.write();
        let old = t.name();
        if names.contains_key(&new) {
            return false;
        }
        names.remove(&old);
        names.insert(new, t.clone());
        t.set_name(new);
        true
    }

    /// Moves table `t` to owner `to`.
    pub fn transfer(&self, t: &Table, to: u64) {
        let mut owners = self.by_owner.lock();
        let from = t.owner();
        if let Some(v) = owners.get_mut(&from) {
            v.retain(|&i| i != t.id);
            if v.is_empty() {
                owners.remove(&from);
            }
        }
        owners.entry(to).or_default().push(t.id);
        t.set_owner(to);
        drop(owners);
        mark_owner(to);
    }

    /// The ids of all tables, oldest first.
    pub fn all(&self) -> Vec<Arc<Table>> {
        let mut v: Vec<Arc<Table>> = self
            .by_id
            .iter()
            .flat_map(|s| s.read().values().cloned().collect::<Vec<_>>())
            .collect();
        v.sort_by_key(|t| t.id);
        v
    }

    /// The tables owned by `pid`.
    pub fn owned_by(&self, pid: u64) -> Vec<Arc<Table>> {
        let ids = self.by_owner.lock().get(&pid).cloned().unwrap_or_default();
        ids.into_iter().filter_map(|i| self.by_id(i)).collect()
    }
}

/// Records on the process cell that `pid` owns or fixes tables, so its exit looks them up.
pub fn mark_owner(pid: u64) {
    if let Some(cell) = crate::process::table::table().get(pid) {
        cell.set_owns_ets();
    }
}

/// Called when process `pid` exits (if it ever owned or fixed a table): its fixations end,
/// and each table it owns goes to its heir (with an
/// `{'ETS-TRANSFER', Tab, Pid, HeirData}` message) or is deleted.
pub fn owner_exited(pid: u64) {
    let reg = registry();
    // Fixations by the dying process end with it.
    for t in reg.all() {
        let mut fix = t.fix.lock();
        if fix.by.iter().any(|(p, _)| *p == pid) {
            fix.by.retain(|(p, _)| *p != pid);
            if fix.by.is_empty() {
                fix.since = None;
            }
            t.fixation_changed(&fix);
        }
    }
    for t in reg.owned_by(pid) {
        let heir = t.heir.lock().as_ref().map(|h| h.pid).filter(|&h| h != pid);
        let cell = heir.and_then(|h| crate::process::table::table().get(h));
        let handed = match cell {
            Some(cell) if cell.state() != crate::process::cell::EXITED => {
                reg.transfer(&t, cell.id);
                let msg = {
                    let heir = t.heir.lock();
                    let data = heir
                        .as_ref()
                        .map_or(Term::atom(crate::atom::UNDEFINED), |h| h.data.term);
                    transfer_message(&t, pid, data)
                };
                let sent = crate::process::exit::deliver_to(
                    &cell,
                    crate::process::signals::Signal::Message(msg),
                );
                sent.is_ok()
            }
            _ => false,
        };
        if !handed {
            reg.delete(&t);
        }
    }
}

/// The table identifier as functions return it: the name of a named table, else the reference.
pub fn tid_term(t: &Table, heap: &mut crate::heap::Heap) -> Term {
    if t.is_named() {
        Term::atom(t.name())
    } else {
        crate::term::boxed::reference(heap, t.id)
    }
}

/// `{'ETS-TRANSFER', Tab, From, Data}` in its own heap.
pub fn transfer_message(t: &Table, from: u64, data: Term) -> OwnedTerm {
    crate::process::signals::OwnedTerm::build(|h| {
        let tab = tid_term(t, h);
        let data = crate::term::copy::copy(h, data);
        crate::term::boxed::tuple(
            h,
            &[
                Term::atom(atoms::am().ets_transfer),
                tab,
                Term::pid(from),
                data,
            ],
        )
    })
}
