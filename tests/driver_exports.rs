//! The `beam` binary exports the whole erl_driver API dynamically, so that `dlopen`ed drivers
//! resolve their imports in it (see `build.rs`).

use std::process::Command;

/// OTP 25's driver API: the 111 functions of `erl_driver.h`, and `driver_term_nil`.
const DRIVER_API: &[&str] = &[
    "add_driver_entry",
    "driver_alloc",
    "driver_alloc_binary",
    "driver_async",
    "driver_async_port_key",
    "driver_binary_dec_refc",
    "driver_binary_get_refc",
    "driver_binary_inc_refc",
    "driver_caller",
    "driver_cancel_timer",
    "driver_compare_monitors",
    "driver_connected",
    "driver_create_port",
    "driver_demonitor_process",
    "driver_deq",
    "driver_dl_close",
    "driver_dl_error",
    "driver_dl_open",
    "driver_dl_sym",
    "driver_enq",
    "driver_enq_bin",
    "driver_enqv",
    "driver_exit",
    "driver_failure",
    "driver_failure_atom",
    "driver_failure_eof",
    "driver_failure_posix",
    "driver_free",
    "driver_free_binary",
    "driver_get_monitored_process",
    "driver_get_now",
    "driver_lock_driver",
    "driver_mk_atom",
    "driver_mk_port",
    "driver_mk_term_nil",
    "driver_monitor_process",
    "driver_output",
    "driver_output2",
    "driver_output_binary",
    "driver_output_term",
    "driver_outputv",
    "driver_pdl_create",
    "driver_pdl_dec_refc",
    "driver_pdl_get_refc",
    "driver_pdl_inc_refc",
    "driver_pdl_lock",
    "driver_pdl_unlock",
    "driver_peekq",
    "driver_peekqv",
    "driver_pushq",
    "driver_pushq_bin",
    "driver_pushqv",
    "driver_read_timer",
    "driver_realloc",
    "driver_realloc_binary",
    "driver_select",
    "driver_send_term",
    "driver_set_timer",
    "driver_sizeq",
    "driver_system_info",
    "driver_vec_to_buf",
    "erl_drv_busy_msgq_limits",
    "erl_drv_cond_broadcast",
    "erl_drv_cond_create",
    "erl_drv_cond_destroy",
    "erl_drv_cond_name",
    "erl_drv_cond_signal",
    "erl_drv_cond_wait",
    "erl_drv_consume_timeslice",
    "erl_drv_convert_time_unit",
    "erl_drv_equal_tids",
    "erl_drv_getenv",
    "erl_drv_init_ack",
    "erl_drv_monotonic_time",
    "erl_drv_mutex_create",
    "erl_drv_mutex_destroy",
    "erl_drv_mutex_lock",
    "erl_drv_mutex_name",
    "erl_drv_mutex_trylock",
    "erl_drv_mutex_unlock",
    "erl_drv_output_term",
    "erl_drv_putenv",
    "erl_drv_rwlock_create",
    "erl_drv_rwlock_destroy",
    "erl_drv_rwlock_name",
    "erl_drv_rwlock_rlock",
    "erl_drv_rwlock_runlock",
    "erl_drv_rwlock_rwlock",
    "erl_drv_rwlock_rwunlock",
    "erl_drv_rwlock_tryrlock",
    "erl_drv_rwlock_tryrwlock",
    "erl_drv_send_term",
    "erl_drv_set_os_pid",
    "erl_drv_thread_create",
    "erl_drv_thread_exit",
    "erl_drv_thread_join",
    "erl_drv_thread_name",
    "erl_drv_thread_opts_create",
    "erl_drv_thread_opts_destroy",
    "erl_drv_thread_self",
    "erl_drv_time_offset",
    "erl_drv_tsd_get",
    "erl_drv_tsd_key_create",
    "erl_drv_tsd_key_destroy",
    "erl_drv_tsd_set",
    "erl_errno_id",
    "get_port_flags",
    "null_func",
    "remove_driver_entry",
    "set_busy_port",
    "set_port_control_flags",
    "driver_term_nil",
];

#[test]
fn beam_exports_the_driver_api() {
    let beam = env!("CARGO_BIN_EXE_beam");
    let out = match Command::new("nm")
        .args(["-D", "--defined-only", beam])
        .output()
    {
        Ok(o) if o.status.success() => o,
        other => {
            eprintln!("skipping: cannot run nm -D: {other:?}");
            return;
        }
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let exported: std::collections::HashSet<&str> = text
        .lines()
        .filter_map(|l| l.split_whitespace().last())
        .collect();
    let missing: Vec<&str> = DRIVER_API
        .iter()
        .copied()
        .filter(|n| !exported.contains(n))
        .collect();
    assert_eq!(DRIVER_API.len(), 112);
    assert!(missing.is_empty(), "not exported by beam: {missing:?}");
}
