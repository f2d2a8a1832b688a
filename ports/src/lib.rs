//! Port programs, linked-in drivers and the erl_driver C ABI for dynamic drivers: the
//! fork helper that starts port programs ([`child_setup`]), the built-in `spawn` and `fd`
//! drivers ([`sys_drivers`]) and the erl_driver ABI types ([`driver_abi`]). They plug into
//! the port machinery of `erts` (`erts::port`) through its driver table.

/// Prepares ports: forks the port-program helper (call this while the process has one
/// thread, before the runtime starts its schedulers) and registers the built-in drivers.
pub fn init() {
    match child_setup::start() {
        // As OTP's: the port standing for the helper is the first port, `#Port<0.0>`.
        Ok(()) => {
            sys_drivers::forker::open();
        }
        Err(e) => eprintln!("beam: cannot start the port program helper: {e}"),
    }
    sys_drivers::register();
    driver_api::ddll::init();
}

pub mod driver_abi;

pub mod child_setup;
pub mod driver_api;
pub mod sys_drivers;
