//! Port programs, linked-in drivers and the erl_driver C ABI for dynamic drivers: the
//! fork helper that starts port programs ([`child_setup`]), the built-in `spawn` and `fd`
//! drivers ([`sys_drivers`]) and the erl_driver ABI types ([`driver_abi`]). They plug into
//! the port machinery of `erts` (`erts::port`) through its driver table.

/// Prepares ports for the OS process: forks the port-program helper (call this while the
/// process has one thread, before any runtime starts its schedulers; the helper is shared
/// by every instance), adds the `erl_ddll` BIFs, and has every instance set up with
/// [`init_instance`] when it starts (`erts::runtime::setup_instance`).
pub fn init() {
    if let Err(e) = child_setup::start() {
        eprintln!("beam: cannot start the port program helper: {e}");
    }
    init_without_helper();
}

/// As [`init`], but the helper is forked only when the first port program starts (a host
/// that embeds the runtime may have threads of its own already, so forking at start buys no
/// safety, and most hosts start no port program: their runtimes start without a fork).
pub fn init_without_helper() {
    driver_api::ddll::init();
    erts::runtime::add_instance_setup(init_instance);
}

/// Sets up ports in the current instance: the forker port (as OTP's: the port standing for
/// the helper, started or to be started, is the instance's first port, `#Port<0.0>`) and the
/// built-in drivers.
pub fn init_instance() {
    sys_drivers::forker::open();
    sys_drivers::register();
}

pub mod driver_abi;

pub mod child_setup;
pub mod driver_api;
pub mod sys_drivers;
