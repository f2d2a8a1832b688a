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
    driver_api::ddll::init();
    erts::runtime::add_instance_setup(init_instance);
}

/// Sets up ports in the current instance: the forker port (as OTP's: the port standing for
/// the helper is the instance's first port, `#Port<0.0>`) and the built-in drivers.
pub fn init_instance() {
    if child_setup::started() {
        sys_drivers::forker::open();
    }
    sys_drivers::register();
}

pub mod driver_abi;

pub mod child_setup;
pub mod driver_api;
pub mod sys_drivers;
