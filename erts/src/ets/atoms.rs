//! The atoms ETS uses, interned once (interning takes the atom table's lock, so hot paths
//! use these instead).

use crate::atom::{atom, Atom};
use std::sync::OnceLock;

macro_rules! ets_atoms {
    ($($field:ident = $name:literal,)*) => {
        /// Interned ETS atoms.
        pub struct Atoms { $(pub $field: Atom,)* }
        fn make() -> Atoms { Atoms { $($field: atom($name),)* } }
    };
}

ets_atoms! {
    set = "set",
    ordered_set = "ordered_set",
    bag = "bag",
    duplicate_bag = "duplicate_bag",
    public = "public",
    protected = "protected",
    private = "private",
    named_table = "named_table",
    keypos = "keypos",
    heir = "heir",
    none = "none",
    read_concurrency = "read_concurrency",
    write_concurrency = "write_concurrency",
    decentralized_counters = "decentralized_counters",
    compressed = "compressed",
    auto = "auto",
    id = "id",
    access = "access",
    badkey = "badkey",
    position = "position",
    table_type = "table_type",
    already_exists = "already_exists",
    owner = "owner",
    not_owner = "not_owner",
    end_of_table = "$end_of_table",
    ets_transfer = "ETS-TRANSFER",
    memory = "memory",
    name = "name",
    size = "size",
    node = "node",
    type_ = "type",
    protection = "protection",
    fixed = "fixed",
    safe_fixed = "safe_fixed",
    safe_fixed_monotonic_time = "safe_fixed_monotonic_time",
    stats = "stats",
    binary = "binary",
    underscore = "_",
    dollar_underscore = "$_",
    dollar_dollar = "$$",
    const_ = "const",
    andalso = "andalso",
    orelse = "orelse",
    and_ = "and",
    or_ = "or",
    self_ = "self",
    exit_upper = "EXIT",
    ets_cont = "$ets_cont",
    table = "table",
    trace = "trace",
}

/// The ETS atoms.
pub fn am() -> &'static Atoms {
    // Process-wide: atoms.
    static A: OnceLock<Atoms> = OnceLock::new();
    A.get_or_init(make)
}
