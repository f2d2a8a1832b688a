/*
 * abi_smoke: a small dynamic driver that touches most of the erl_driver
 * interface -- every callback of ErlDrvEntry, most types and constants, and
 * a good part of the functions.  It is only compiled to an object file, with
 * -Wall -Wextra -Werror, once against OTP's headers and once against ours
 * (ports/tests/driver_abi_c_compile.rs), as C and as C++: what builds
 * against OTP must build against beam-rs unchanged.  It does nothing useful
 * and is never linked or loaded.
 *
 * -DSMOKE_BARE_DRIVER_INIT (C++ only): leave DRIVER_INIT outside any
 * extern "C" block, relying on the header to give driver_init C linkage.
 */

#include <string.h>

#include <erl_driver.h>

/* C takes the unsigned marker as it is; C++ refuses the narrowing. */
#ifdef __cplusplus
#  define SMOKE_INT(x) ((int)(x))
#else
#  define SMOKE_INT(x) (x)
#endif

#define SMOKE_UNUSED(x) ((void)(x))

typedef struct {
    ErlDrvPort port;
    ErlDrvTermData owner;
    ErlDrvMonitor monitor;
    ErlDrvMutex *mutex;
    ErlDrvCond *cond;
    ErlDrvRWLock *rwlock;
    ErlDrvTSDKey key;
    ErlDrvPDL pdl;
    ErlDrvTid tid;
    unsigned int async_key;
    ErlDrvEvent event;
} smoke_state;

typedef struct {
    ErlDrvSInt64 value;
    ErlDrvUInt64 uvalue;
    double number;
} smoke_job;

static void *smoke_thread_main(void *arg)
{
    return arg;
}

static void smoke_async_invoke(void *data)
{
    smoke_job *job = (smoke_job *)data;
    job->value += 1;
    job->uvalue = (ErlDrvUInt64)job->value;
}

static void smoke_async_free(void *data)
{
    driver_free(data);
}

static void smoke_reply(smoke_state *st, ErlDrvBinary *bin, ErlDrvSizeT len)
{
    double f = 1.5;
    ErlDrvSInt64 i64 = -7;
    ErlDrvUInt64 u64 = 7;
    ErlDrvTermData spec[] = {
        ERL_DRV_ATOM, driver_mk_atom((char *)"abi_smoke"),
        ERL_DRV_PORT, driver_mk_port(st->port),
        ERL_DRV_PID, st->owner,
        ERL_DRV_INT, (ErlDrvTermData)(ErlDrvSInt)-1,
        ERL_DRV_UINT, (ErlDrvTermData)(ErlDrvUInt)1,
        ERL_DRV_FLOAT, TERM_DATA(&f),
        ERL_DRV_INT64, TERM_DATA(&i64),
        ERL_DRV_UINT64, TERM_DATA(&u64),
        ERL_DRV_STRING, TERM_DATA("abc"), 3,
        ERL_DRV_STRING_CONS, TERM_DATA("de"), 2,
        ERL_DRV_BUF2BINARY, TERM_DATA("xyz"), 3,
        ERL_DRV_BINARY, TERM_DATA(bin), (ErlDrvTermData)len, 0,
        ERL_DRV_NIL,
        ERL_DRV_LIST, 2,
        ERL_DRV_ATOM, driver_mk_atom((char *)"k"),
        ERL_DRV_ATOM, driver_mk_atom((char *)"v"),
        ERL_DRV_MAP, 1,
        ERL_DRV_TUPLE, 11,
    };
    ErlDrvTermData nil[] = { ERL_DRV_NIL };
    erl_drv_output_term(driver_mk_port(st->port), spec,
                        (int)(sizeof spec / sizeof spec[0]));
    erl_drv_send_term(driver_mk_port(st->port), driver_caller(st->port), nil,
                      1);
    (void)driver_mk_term_nil();
}

/* ---- callbacks ---------------------------------------------------------- */

static int smoke_init(void)
{
    ErlDrvSysInfo info;
    driver_system_info(&info, sizeof info);
    return info.driver_major_version == ERL_DRV_EXTENDED_MAJOR_VERSION ? 0 : -1;
}

static ErlDrvData smoke_start(ErlDrvPort port, char *command)
{
    smoke_state *st;
    ErlDrvThreadOpts *opts;
    ErlDrvSizeT low = ERL_DRV_BUSY_MSGQ_LIM_MIN;
    ErlDrvSizeT high = ERL_DRV_BUSY_MSGQ_LIM_MAX;

    if (command == NULL || strcmp(command, "abi_smoke") != 0)
        return ERL_DRV_ERROR_BADARG;
    st = (smoke_state *)driver_alloc(sizeof *st);
    if (st == NULL)
        return ERL_DRV_ERROR_ERRNO;
    memset(st, 0, sizeof *st);
    st->port = port;
    st->owner = driver_connected(port);
    st->mutex = erl_drv_mutex_create((char *)"abi_smoke.mutex");
    st->cond = erl_drv_cond_create((char *)"abi_smoke.cond");
    st->rwlock = erl_drv_rwlock_create((char *)"abi_smoke.rwlock");
    if (st->mutex == NULL || st->cond == NULL || st->rwlock == NULL)
        return ERL_DRV_ERROR_GENERAL;
    if (erl_drv_tsd_key_create((char *)"abi_smoke.key", &st->key) != 0)
        return ERL_DRV_ERROR_GENERAL;
    erl_drv_tsd_set(st->key, st);
    st->pdl = driver_pdl_create(port);
    opts = erl_drv_thread_opts_create((char *)"abi_smoke.opts");
    if (opts != NULL) {
        opts->suggested_stack_size = 64;
        if (erl_drv_thread_create((char *)"abi_smoke", &st->tid,
                                  smoke_thread_main, st, opts) == 0) {
            void *res = NULL;
            if (!erl_drv_equal_tids(st->tid, erl_drv_thread_self()))
                erl_drv_thread_join(st->tid, &res);
        }
        erl_drv_thread_opts_destroy(opts);
    }
    st->async_key = driver_async_port_key(port);
    set_port_control_flags(port, PORT_CONTROL_FLAG_BINARY);
    if (get_port_flags(port) & PORT_FLAG_LINE)
        set_busy_port(port, 1);
    erl_drv_busy_msgq_limits(port, &low, &high);
    driver_monitor_process(port, st->owner, &st->monitor);
    erl_drv_set_os_pid(port, (ErlDrvSInt)0);
    return (ErlDrvData)st;
}

static void smoke_stop(ErlDrvData drv_data)
{
    smoke_state *st = (smoke_state *)drv_data;
    driver_demonitor_process(st->port, &st->monitor);
    if (st->pdl != NULL && driver_pdl_dec_refc(st->pdl) < 0)
        driver_pdl_inc_refc(st->pdl);
    erl_drv_tsd_key_destroy(st->key);
    erl_drv_rwlock_destroy(st->rwlock);
    erl_drv_cond_destroy(st->cond);
    erl_drv_mutex_destroy(st->mutex);
    driver_free(st);
}

static void smoke_output(ErlDrvData drv_data, char *buf, ErlDrvSizeT len)
{
    smoke_state *st = (smoke_state *)drv_data;
    char header[2] = { 'o', 'k' };
    if (len == 0)
        driver_failure_eof(st->port);
    else if (buf[0] == 'x')
        driver_failure_atom(st->port, (char *)"bad_input");
    else
        driver_output2(st->port, header, sizeof header, buf, len);
}

static void smoke_ready_input(ErlDrvData drv_data, ErlDrvEvent event)
{
    smoke_state *st = (smoke_state *)drv_data;
    st->event = event;
    driver_select(st->port, event, ERL_DRV_READ | ERL_DRV_USE, 0);
}

static void smoke_ready_output(ErlDrvData drv_data, ErlDrvEvent event)
{
    smoke_state *st = (smoke_state *)drv_data;
    driver_select(st->port, event, DO_WRITE, 0);
    driver_select(st->port, event, ERL_DRV_USE_NO_CALLBACK, 0);
}

static void smoke_finish(void)
{
}

static ErlDrvSSizeT smoke_control(ErlDrvData drv_data, unsigned int command,
                                  char *buf, ErlDrvSizeT len, char **rbuf,
                                  ErlDrvSizeT rlen)
{
    smoke_state *st = (smoke_state *)drv_data;
    ErlDrvBinary *bin;

    if (command == 1 && len <= rlen) {
        memcpy(*rbuf, buf, len);
        return (ErlDrvSSizeT)len;
    }
    bin = driver_alloc_binary(len);
    if (bin == NULL)
        return -1;
    memcpy(bin->orig_bytes, buf, len);
    bin = driver_realloc_binary(bin, len + 1);
    if (bin == NULL)
        return -1;
    bin->orig_bytes[len] = '\0';
    if (driver_binary_get_refc(bin) > 1)
        driver_binary_dec_refc(bin);
    driver_binary_inc_refc(bin);
    driver_output_binary(st->port, NULL, 0, bin, 0, len);
    driver_enq_bin(st->port, bin, 0, len);
    driver_pushq_bin(st->port, bin, 0, 0);
    smoke_reply(st, bin, len);
    len = (ErlDrvSizeT)bin->orig_size;
    driver_free_binary(bin);
    return (ErlDrvSSizeT)len;
}

static void smoke_timeout(ErlDrvData drv_data)
{
    smoke_state *st = (smoke_state *)drv_data;
    unsigned long left = 0;
    ErlDrvTime now = erl_drv_monotonic_time(ERL_DRV_MSEC);
    ErlDrvTime offset = erl_drv_time_offset(ERL_DRV_NSEC);

    if (now == ERL_DRV_TIME_ERROR || offset == ERL_DRV_TIME_ERROR)
        return;
    now = erl_drv_convert_time_unit(now, ERL_DRV_MSEC, ERL_DRV_USEC);
    if (now < erl_drv_convert_time_unit(1, ERL_DRV_SEC, ERL_DRV_USEC))
        driver_cancel_timer(st->port);
    if (driver_read_timer(st->port, &left) == 0 && left == 0)
        driver_set_timer(st->port, 100);
    erl_drv_consume_timeslice(st->port, 10);
}

static void smoke_outputv(ErlDrvData drv_data, ErlIOVec *ev)
{
    smoke_state *st = (smoke_state *)drv_data;
    char buf[64];
    int vlen = 0;
    SysIOVec *iov;
    ErlIOVec queued;
    ErlDrvSizeT n = driver_vec_to_buf(ev, buf, sizeof buf);
    smoke_job *job;

    if (ev->vsize > 0 && ev->binv[0] != NULL && ev->iov[0].iov_len > 0)
        buf[0] = ((char *)ev->iov[0].iov_base)[0];
    driver_enqv(st->port, ev, 0);
    driver_pushqv(st->port, ev, ev->size);
    driver_enq(st->port, buf, n);
    driver_pushq(st->port, buf, 0);
    iov = driver_peekq(st->port, &vlen);
    if (iov != NULL && vlen > 0)
        driver_deq(st->port, iov[0].iov_len);
    if (driver_peekqv(st->port, &queued) > 0 && queued.size > 0)
        driver_outputv(st->port, NULL, 0, &queued, 0);

    job = (smoke_job *)driver_alloc(sizeof *job);
    if (job == NULL)
        return;
    job->value = (ErlDrvSInt64)n;
    job->number = 0.0;
    if (driver_async(st->port, &st->async_key, smoke_async_invoke, job,
                     smoke_async_free) < 0)
        smoke_async_free(job);
}

static void smoke_ready_async(ErlDrvData drv_data, ErlDrvThreadData thread_data)
{
    smoke_state *st = (smoke_state *)drv_data;
    smoke_job *job = (smoke_job *)thread_data;
    driver_output(st->port, (char *)&job->uvalue, sizeof job->uvalue);
    driver_free(job);
}

static void smoke_flush(ErlDrvData drv_data)
{
    smoke_state *st = (smoke_state *)drv_data;
    driver_pdl_lock(st->pdl);
    if (driver_sizeq(st->port) > 0)
        driver_deq(st->port, driver_sizeq(st->port));
    driver_pdl_unlock(st->pdl);
}

static ErlDrvSSizeT smoke_call(ErlDrvData drv_data, unsigned int command,
                               char *buf, ErlDrvSizeT len, char **rbuf,
                               ErlDrvSizeT rlen, unsigned int *flags)
{
    smoke_state *st = (smoke_state *)drv_data;
    SMOKE_UNUSED(command);
    if (len > rlen) {
        char *big = (char *)driver_alloc(len);
        if (big == NULL)
            return -1;
        memcpy(big, buf, len);
        *rbuf = big;
        *flags |= DRIVER_CALL_KEEP_BUFFER;
        return (ErlDrvSSizeT)len;
    }
    erl_drv_mutex_lock(st->mutex);
    memcpy(*rbuf, buf, len);
    erl_drv_cond_signal(st->cond);
    erl_drv_cond_broadcast(st->cond);
    erl_drv_mutex_unlock(st->mutex);
    return (ErlDrvSSizeT)len;
}

static void smoke_process_exit(ErlDrvData drv_data, ErlDrvMonitor *monitor)
{
    smoke_state *st = (smoke_state *)drv_data;
    ErlDrvTermData pid = driver_get_monitored_process(st->port, monitor);
    if (driver_compare_monitors(monitor, &st->monitor) == 0 && pid == st->owner)
        driver_exit(st->port, 0);
}

static void smoke_stop_select(ErlDrvEvent event, void *reserved)
{
    SMOKE_UNUSED(event);
    SMOKE_UNUSED(reserved);
}

static void smoke_emergency_close(ErlDrvData drv_data)
{
    smoke_state *st = (smoke_state *)drv_data;
    if (erl_drv_rwlock_tryrlock(st->rwlock) == 0)
        erl_drv_rwlock_runlock(st->rwlock);
    if (erl_drv_rwlock_tryrwlock(st->rwlock) == 0)
        erl_drv_rwlock_rwunlock(st->rwlock);
    driver_failure_posix(st->port, 5);
}

/* Positional, so the order of the fields is checked too. */
static ErlDrvEntry smoke_entry = {
    smoke_init,
    smoke_start,
    smoke_stop,
    smoke_output,
    smoke_ready_input,
    smoke_ready_output,
    (char *)"abi_smoke",
    smoke_finish,
    NULL,                 /* handle */
    smoke_control,
    smoke_timeout,
    smoke_outputv,
    smoke_ready_async,
    smoke_flush,
    smoke_call,
    NULL,                 /* unused_event_callback */
    SMOKE_INT(ERL_DRV_EXTENDED_MARKER),
    ERL_DRV_EXTENDED_MAJOR_VERSION,
    ERL_DRV_EXTENDED_MINOR_VERSION,
    ERL_DRV_FLAG_USE_PORT_LOCKING | ERL_DRV_FLAG_SOFT_BUSY,
    NULL,                 /* handle2 */
    smoke_process_exit,
    smoke_stop_select,
    smoke_emergency_close,
};

#if defined(__cplusplus) && !defined(SMOKE_BARE_DRIVER_INIT)
extern "C" {
#endif

DRIVER_INIT(abi_smoke)
{
    ErlDrvNowData now;
    char *err;
    void *lib;
    char value[16];
    size_t value_size = sizeof value;

    now.megasecs = now.secs = now.microsecs = 0;
    if (erl_drv_getenv("ABI_SMOKE", value, &value_size) == 0)
        erl_drv_putenv("ABI_SMOKE", value);
    lib = driver_dl_open((char *)"libabi_smoke_none.so");
    if (lib == NULL) {
        err = driver_dl_error();
        SMOKE_UNUSED(err);
    } else {
        if (driver_dl_sym(lib, (char *)"nothing") == NULL)
            SMOKE_UNUSED(erl_errno_id(2));
        driver_dl_close(lib);
    }
    return now.secs == 0 ? &smoke_entry : NULL;
}

#if defined(__cplusplus) && !defined(SMOKE_BARE_DRIVER_INIT)
}
#endif
