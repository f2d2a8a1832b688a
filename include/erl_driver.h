/*
 * beam-rs: the interface of linked-in and dynamically loaded port drivers.
 *
 * Binary and source compatible with the erl_driver.h of Erlang/OTP 25
 * (extended driver interface 3.3) on Unix-like systems built with GCC or
 * clang: a driver written for OTP compiles against this file unchanged and
 * its shared object loads into beam-rs.  The runtime side of every function
 * declared here lives in the `ports` crate (module `driver_abi` holds the
 * Rust mirror of these types and constants).
 *
 * A dynamic driver defines its entry point with DRIVER_INIT(name): an
 * exported function `driver_init` that returns a pointer to its
 * ErlDrvEntry.  Defining STATIC_ERLANG_DRIVER names it `name_driver_init`
 * instead, for drivers linked into the runtime.  Defining
 * ERL_DRIVER_TYPES_ONLY leaves out DRIVER_INIT and all function prototypes.
 */

#ifndef BEAM_RS_ERL_DRIVER_H
#define BEAM_RS_ERL_DRIVER_H

#ifdef HAVE_CONFIG_H
#  include "config.h"
#endif

#include "erl_drv_nif.h"

#include <stdlib.h>

/* Marks functions kept only for old drivers. */
#if defined(__GNUC__) && __GNUC__ >= 3
#  define ERL_DRV_DEPRECATED_FUNC __attribute__((deprecated))
#else
#  define ERL_DRV_DEPRECATED_FUNC
#endif

/* Storage class of the runtime's functions, for drivers that use it. */
#ifndef EXTERN
#  ifdef __cplusplus
#    define EXTERN extern "C"
#  else
#    define EXTERN extern
#  endif
#endif

/* ------------------------------------------------------------------------
 * Versions
 * ------------------------------------------------------------------------ */

/* ErlDrvEntry.extended_marker must hold this value ... */
#define ERL_DRV_EXTENDED_MARKER (0xfeeeeeed)
/* ... and major_version / minor_version the version the driver was built
 * against: the runtime accepts the same major version with a minor version
 * not above its own. */
#define ERL_DRV_EXTENDED_MAJOR_VERSION 3
#define ERL_DRV_EXTENDED_MINOR_VERSION 3
/* The oldest major version a runtime of this generation still loads. */
#define ERL_DRV_MIN_REQUIRED_MAJOR_VERSION_ON_LOAD 2

/* ------------------------------------------------------------------------
 * Flags
 * ------------------------------------------------------------------------ */

/* Mode bits of driver_select(). */
#define ERL_DRV_READ ((int)ERL_NIF_SELECT_READ)
#define ERL_DRV_WRITE ((int)ERL_NIF_SELECT_WRITE)
#define ERL_DRV_USE ((int)ERL_NIF_SELECT_STOP)
#define ERL_DRV_USE_NO_CALLBACK (ERL_DRV_USE | (ERL_DRV_USE << 1))
/* Older spellings of ERL_DRV_READ and ERL_DRV_WRITE. */
#define DO_READ ERL_DRV_READ
#define DO_WRITE ERL_DRV_WRITE

/* set_port_control_flags(): the form of port_control/3 replies. */
#define PORT_CONTROL_FLAG_BINARY (1 << 0)
#define PORT_CONTROL_FLAG_HEAVY (1 << 1)

/* get_port_flags(): options the port was opened with. */
#define PORT_FLAG_BINARY (1 << 0)
#define PORT_FLAG_LINE (1 << 1)

/* ErlDrvEntry.driver_flags */
#define ERL_DRV_FLAG_USE_PORT_LOCKING (1 << 0)
#define ERL_DRV_FLAG_SOFT_BUSY (1 << 1)
#define ERL_DRV_FLAG_NO_BUSY_MSGQ (1 << 2)
#define ERL_DRV_FLAG_USE_INIT_ACK (1 << 3)

/* Set in *flags by the `call` callback: the runtime must not free *rbuf. */
#define DRIVER_CALL_KEEP_BUFFER 0x1

/* ------------------------------------------------------------------------
 * Types
 * ------------------------------------------------------------------------ */

typedef ErlNapiSInt64 ErlDrvSInt64;
typedef ErlNapiUInt64 ErlDrvUInt64;
typedef ErlNapiSInt ErlDrvSInt;
typedef ErlNapiUInt ErlDrvUInt;
/* One element of a term specification (driver_output_term() etc.): an
 * operation code, an atom or pid handle, or an argument. */
typedef ErlNapiUInt ErlDrvTermData;

typedef size_t ErlDrvSizeT;
typedef ssize_t ErlDrvSSizeT;

/* A reference counted binary owned by the runtime.  Its bytes follow the
 * header; once delivered to Erlang they must never change. */
typedef struct erl_drv_binary {
    ErlDrvSInt orig_size;  /* number of bytes in orig_bytes */
    char orig_bytes[1];    /* really orig_size bytes */
} ErlDrvBinary;

/* Handles.  The structures behind them are never defined: each is only a
 * distinct pointer type. */
typedef struct _erl_drv_data *ErlDrvData;       /* the driver's own state */
#ifndef ERL_SYS_DRV
typedef struct _erl_drv_event *ErlDrvEvent;     /* a file descriptor */
#endif
typedef struct _erl_drv_port *ErlDrvPort;       /* one port instance */
typedef struct _erl_drv_port *ErlDrvThreadData; /* argument of ready_async */

/* driver_get_now(): the triple of erlang:now/0. */
typedef struct {
    unsigned long megasecs;
    unsigned long secs;
    unsigned long microsecs;
} ErlDrvNowData;

/* Erlang monotonic and system time. */
typedef ErlDrvSInt64 ErlDrvTime;
#define ERL_DRV_TIME_ERROR ((ErlDrvSInt64)ERTS_NAPI_TIME_ERROR__)

typedef enum {
    ERL_DRV_SEC = ERTS_NAPI_SEC__,
    ERL_DRV_MSEC = ERTS_NAPI_MSEC__,
    ERL_DRV_USEC = ERTS_NAPI_USEC__,
    ERL_DRV_NSEC = ERTS_NAPI_NSEC__
} ErlDrvTimeUnit;

/* Values `start` may return instead of driver data, making open_port/2
 * fail with einval, with the errno of the moment, or with badarg. */
#define ERL_DRV_ERROR_GENERAL ((ErlDrvData)-1)
#define ERL_DRV_ERROR_ERRNO ((ErlDrvData)-2)
#define ERL_DRV_ERROR_BADARG ((ErlDrvData)-3)

/* Data handed to `outputv` and kept in a port's queue: iov[i] describes
 * bytes inside binv[i] (which may be NULL for bytes not in a binary). */
typedef struct erl_io_vec {
    int vsize;            /* number of elements in iov and binv */
    ErlDrvSizeT size;     /* total number of bytes */
    SysIOVec *iov;
    ErlDrvBinary **binv;
} ErlIOVec;

/* Threads and synchronisation. */
typedef struct ErlDrvTid_ *ErlDrvTid;
typedef struct ErlDrvMutex_ ErlDrvMutex;
typedef struct ErlDrvCond_ ErlDrvCond;
typedef struct ErlDrvRWLock_ ErlDrvRWLock;
typedef int ErlDrvTSDKey;

/* A port data lock, shared by a port and the threads working for it. */
typedef struct erl_drv_port_data_lock *ErlDrvPDL;

/* What a driver tells the runtime about itself.  Every callback may be
 * NULL.  Sizes and offsets are those of OTP 25 (176 bytes on LP64). */
typedef struct erl_drv_entry {
    /* once, after loading (or at start-up for a static driver) */
    int (*init)(void);
    /* open_port/2; returns the port's data or an ERL_DRV_ERROR_* value */
#ifndef ERL_SYS_DRV
    ErlDrvData (*start)(ErlDrvPort port, char *command);
#else
    ErlDrvData (*start)(ErlDrvPort port, char *command, SysDriverOpts *opts);
#endif
    /* the port closes */
    void (*stop)(ErlDrvData drv_data);
    /* data sent to the port (used when outputv is NULL) */
    void (*output)(ErlDrvData drv_data, char *buf, ErlDrvSizeT len);
    /* a selected event is readable / writable */
    void (*ready_input)(ErlDrvData drv_data, ErlDrvEvent event);
    void (*ready_output)(ErlDrvData drv_data, ErlDrvEvent event);
    /* the name open_port/2 uses */
    char *driver_name;
    /* before a dynamic driver is unloaded */
    void (*finish)(void);
    /* reserved for the runtime */
    void *handle;
    /* port_control/3 */
    ErlDrvSSizeT (*control)(ErlDrvData drv_data, unsigned int command,
                            char *buf, ErlDrvSizeT len,
                            char **rbuf, ErlDrvSizeT rlen);
    /* the timer of driver_set_timer() expired */
    void (*timeout)(ErlDrvData drv_data);
    /* data sent to the port, as an I/O vector */
    void (*outputv)(ErlDrvData drv_data, ErlIOVec *ev);
    /* an async job of driver_async() finished */
    void (*ready_async)(ErlDrvData drv_data, ErlDrvThreadData thread_data);
    /* the port closes while its queue is not empty */
    void (*flush)(ErlDrvData drv_data);
    /* erlang:port_call/3; data in the external term format */
    ErlDrvSSizeT (*call)(ErlDrvData drv_data, unsigned int command,
                         char *buf, ErlDrvSizeT len,
                         char **rbuf, ErlDrvSizeT rlen,
                         unsigned int *flags);
    /* no longer called; keeps the layout */
    void (*unused_event_callback)(void);
    /* ERL_DRV_EXTENDED_MARKER and the version built against */
    int extended_marker;
    int major_version;
    int minor_version;
    /* ERL_DRV_FLAG_* */
    int driver_flags;
    /* reserved for the runtime */
    void *handle2;
    /* a process monitored with driver_monitor_process() exited */
    void (*process_exit)(ErlDrvData drv_data, ErlDrvMonitor *monitor);
    /* an event deselected with ERL_DRV_USE may now be closed */
    void (*stop_select)(ErlDrvEvent event, void *reserved);
    /* the runtime is going down abruptly (crash dump) */
    void (*emergency_close)(ErlDrvData drv_data);
} ErlDrvEntry;

/* ------------------------------------------------------------------------
 * The entry point
 * ------------------------------------------------------------------------ */

#ifdef STATIC_ERLANG_DRIVER
#  define ERLANG_DRIVER_NAME(NAME) NAME##_driver_init
#  define ERL_DRIVER_EXPORT
#else
#  define ERLANG_DRIVER_NAME(NAME) driver_init
#  if defined(__GNUC__) && __GNUC__ >= 4
#    define ERL_DRIVER_EXPORT __attribute__((visibility("default")))
#  else
#    define ERL_DRIVER_EXPORT
#  endif
#endif

#ifdef __cplusplus
#  define BEAM_RS_DRV_LINKAGE_ extern "C"
#else
#  define BEAM_RS_DRV_LINKAGE_
#endif

/* ------------------------------------------------------------------------
 * Term specifications (driver_output_term(), driver_send_term(),
 * erl_drv_output_term(), erl_drv_send_term()): each operation code is
 * followed by its arguments.
 * ------------------------------------------------------------------------ */

#define TERM_DATA(x) ((ErlDrvTermData)(x))

#define ERL_DRV_NIL ((ErlDrvTermData)1)          /* -                      */
#define ERL_DRV_ATOM ((ErlDrvTermData)2)         /* driver_mk_atom(..)     */
#define ERL_DRV_INT ((ErlDrvTermData)3)          /* ErlDrvSInt             */
#define ERL_DRV_PORT ((ErlDrvTermData)4)         /* driver_mk_port(..)     */
#define ERL_DRV_BINARY ((ErlDrvTermData)5)       /* ErlDrvBinary*, len, offset */
#define ERL_DRV_STRING ((ErlDrvTermData)6)       /* char*, len             */
#define ERL_DRV_TUPLE ((ErlDrvTermData)7)        /* arity                  */
#define ERL_DRV_LIST ((ErlDrvTermData)8)         /* length                 */
#define ERL_DRV_STRING_CONS ((ErlDrvTermData)9)  /* char*, len             */
#define ERL_DRV_PID ((ErlDrvTermData)10)         /* driver_connected(..)   */
#define ERL_DRV_FLOAT ((ErlDrvTermData)11)       /* double*                */
#define ERL_DRV_EXT2TERM ((ErlDrvTermData)12)    /* char*, len             */
#define ERL_DRV_UINT ((ErlDrvTermData)13)        /* ErlDrvUInt             */
#define ERL_DRV_BUF2BINARY ((ErlDrvTermData)14)  /* char*, len             */
#define ERL_DRV_INT64 ((ErlDrvTermData)15)       /* ErlDrvSInt64*          */
#define ERL_DRV_UINT64 ((ErlDrvTermData)16)      /* ErlDrvUInt64*          */
#define ERL_DRV_MAP ((ErlDrvTermData)17)         /* number of pairs        */

#ifndef ERL_DRIVER_TYPES_ONLY

/* DRIVER_INIT(name) { ...; return &entry; } */
#define DRIVER_INIT(DRIVER_NAME)                                              \
    BEAM_RS_DRV_LINKAGE_ ERL_DRIVER_EXPORT ErlDrvEntry *                      \
        ERLANG_DRIVER_NAME(DRIVER_NAME)(void);                                \
    BEAM_RS_DRV_LINKAGE_ ERL_DRIVER_EXPORT ErlDrvEntry *                      \
        ERLANG_DRIVER_NAME(DRIVER_NAME)(void)

/* Limits of erl_drv_busy_msgq_limits(). */
#define ERL_DRV_BUSY_MSGQ_DISABLED (~((ErlDrvSizeT)0))
#define ERL_DRV_BUSY_MSGQ_READ_ONLY ((ErlDrvSizeT)0)
#define ERL_DRV_BUSY_MSGQ_LIM_MAX (ERL_DRV_BUSY_MSGQ_DISABLED - 1)
#define ERL_DRV_BUSY_MSGQ_LIM_MIN ((ErlDrvSizeT)1)

/* ------------------------------------------------------------------------
 * Functions the runtime provides to drivers
 * ------------------------------------------------------------------------ */

#ifdef __cplusplus
extern "C" {
#endif

/* Memory */
void driver_free(void *ptr);
void *driver_alloc(ErlDrvSizeT size)
    ERL_NAPI_ATTR_MALLOC_USD(1, driver_free, 1);
void *driver_realloc(void *ptr, ErlDrvSizeT size) ERL_NAPI_ATTR_ALLOC_SIZE(2);

/* Binaries */
void driver_free_binary(ErlDrvBinary *bin);
ErlDrvBinary *driver_alloc_binary(ErlDrvSizeT size)
    ERL_NAPI_ATTR_MALLOC_UD(driver_free_binary, 1);
ErlDrvBinary *driver_realloc_binary(ErlDrvBinary *bin, ErlDrvSizeT size)
    ERL_NAPI_ATTR_WUR;
ErlDrvSInt driver_binary_get_refc(ErlDrvBinary *dbp);
ErlDrvSInt driver_binary_inc_refc(ErlDrvBinary *dbp);
ErlDrvSInt driver_binary_dec_refc(ErlDrvBinary *dbp);

/* Output to the port's owner */
int driver_output(ErlDrvPort port, char *buf, ErlDrvSizeT len);
int driver_output2(ErlDrvPort port, char *hbuf, ErlDrvSizeT hlen,
                   char *buf, ErlDrvSizeT len);
int driver_output_binary(ErlDrvPort port, char *hbuf, ErlDrvSizeT hlen,
                         ErlDrvBinary *bin, ErlDrvSizeT offset,
                         ErlDrvSizeT len);
int driver_outputv(ErlDrvPort port, char *hbuf, ErlDrvSizeT hlen,
                   ErlIOVec *ev, ErlDrvSizeT skip);
ErlDrvSizeT driver_vec_to_buf(ErlIOVec *ev, char *buf, ErlDrvSizeT len);

/* Terms */
ErlDrvTermData driver_mk_atom(char *string);
ErlDrvTermData driver_mk_port(ErlDrvPort port);
ErlDrvTermData driver_connected(ErlDrvPort port);
ErlDrvTermData driver_caller(ErlDrvPort port);
ErlDrvTermData driver_mk_term_nil(void);
extern const ErlDrvTermData driver_term_nil;
int erl_drv_output_term(ErlDrvTermData port, ErlDrvTermData *data, int len);
int erl_drv_send_term(ErlDrvTermData port, ErlDrvTermData to,
                      ErlDrvTermData *data, int len);
int driver_output_term(ErlDrvPort port, ErlDrvTermData *data, int len)
    ERL_DRV_DEPRECATED_FUNC;
int driver_send_term(ErlDrvPort port, ErlDrvTermData to,
                     ErlDrvTermData *data, int len) ERL_DRV_DEPRECATED_FUNC;

/* The port's queue */
int driver_enq(ErlDrvPort port, char *buf, ErlDrvSizeT len);
int driver_pushq(ErlDrvPort port, char *buf, ErlDrvSizeT len);
ErlDrvSizeT driver_deq(ErlDrvPort port, ErlDrvSizeT size);
ErlDrvSizeT driver_sizeq(ErlDrvPort port);
int driver_enq_bin(ErlDrvPort port, ErlDrvBinary *bin, ErlDrvSizeT offset,
                   ErlDrvSizeT len);
int driver_pushq_bin(ErlDrvPort port, ErlDrvBinary *bin, ErlDrvSizeT offset,
                     ErlDrvSizeT len);
ErlDrvSizeT driver_peekqv(ErlDrvPort port, ErlIOVec *ev);
SysIOVec *driver_peekq(ErlDrvPort port, int *vlen);
int driver_enqv(ErlDrvPort port, ErlIOVec *ev, ErlDrvSizeT skip);
int driver_pushqv(ErlDrvPort port, ErlIOVec *ev, ErlDrvSizeT skip);

/* Events and timers */
int driver_select(ErlDrvPort port, ErlDrvEvent event, int mode, int on);
int driver_set_timer(ErlDrvPort port, unsigned long time);
int driver_cancel_timer(ErlDrvPort port);
int driver_read_timer(ErlDrvPort port, unsigned long *time_left);
int erl_drv_consume_timeslice(ErlDrvPort port, int percent);

/* Closing the port */
int driver_failure_eof(ErlDrvPort port);
int driver_failure_atom(ErlDrvPort port, char *string);
int driver_failure_posix(ErlDrvPort port, int error);
int driver_failure(ErlDrvPort port, int error);
int driver_exit(ErlDrvPort port, int err);
char *erl_errno_id(int error);

/* Port attributes */
void set_busy_port(ErlDrvPort port, int on);
void set_port_control_flags(ErlDrvPort port, int flags);
int get_port_flags(ErlDrvPort port);
void erl_drv_busy_msgq_limits(ErlDrvPort port, ErlDrvSizeT *low,
                              ErlDrvSizeT *high);
ErlDrvPort driver_create_port(ErlDrvPort creator_port,
                              ErlDrvTermData connected, char *name,
                              ErlDrvData drv_data);
void erl_drv_init_ack(ErlDrvPort port, ErlDrvData res);
void erl_drv_set_os_pid(ErlDrvPort port, ErlDrvSInt pid);

/* Port data locks */
ErlDrvPDL driver_pdl_create(ErlDrvPort port);
void driver_pdl_lock(ErlDrvPDL pdl);
void driver_pdl_unlock(ErlDrvPDL pdl);
ErlDrvSInt driver_pdl_get_refc(ErlDrvPDL pdl);
ErlDrvSInt driver_pdl_inc_refc(ErlDrvPDL pdl);
ErlDrvSInt driver_pdl_dec_refc(ErlDrvPDL pdl);

/* Process monitors */
int driver_monitor_process(ErlDrvPort port, ErlDrvTermData process,
                           ErlDrvMonitor *monitor);
int driver_demonitor_process(ErlDrvPort port, const ErlDrvMonitor *monitor);
ErlDrvTermData driver_get_monitored_process(ErlDrvPort port,
                                            const ErlDrvMonitor *monitor);
int driver_compare_monitors(const ErlDrvMonitor *monitor1,
                            const ErlDrvMonitor *monitor2);

/* Async jobs */
unsigned int driver_async_port_key(ErlDrvPort port);
long driver_async(ErlDrvPort port, unsigned int *key,
                  void (*async_invoke)(void *), void *async_data,
                  void (*async_free)(void *));

/* Drivers */
void add_driver_entry(ErlDrvEntry *de);
int remove_driver_entry(ErlDrvEntry *de);
int driver_lock_driver(ErlDrvPort port);
void driver_system_info(ErlDrvSysInfo *sip, size_t si_size);
int null_func(void);

/* Time */
int driver_get_now(ErlDrvNowData *now) ERL_DRV_DEPRECATED_FUNC;
ErlDrvTime erl_drv_monotonic_time(ErlDrvTimeUnit time_unit);
ErlDrvTime erl_drv_time_offset(ErlDrvTimeUnit time_unit);
ErlDrvTime erl_drv_convert_time_unit(ErlDrvTime val, ErlDrvTimeUnit from,
                                     ErlDrvTimeUnit to);

/* Dynamic libraries */
void *driver_dl_open(char *path);
void *driver_dl_sym(void *handle, char *name);
int driver_dl_close(void *handle);
char *driver_dl_error(void);

/* The environment of the emulator */
int erl_drv_putenv(const char *key, char *value);
int erl_drv_getenv(const char *key, char *value, size_t *value_size);

/* Mutexes */
void erl_drv_mutex_destroy(ErlDrvMutex *mtx);
ErlDrvMutex *erl_drv_mutex_create(char *name)
    ERL_NAPI_ATTR_MALLOC_D(erl_drv_mutex_destroy, 1);
int erl_drv_mutex_trylock(ErlDrvMutex *mtx);
void erl_drv_mutex_lock(ErlDrvMutex *mtx);
void erl_drv_mutex_unlock(ErlDrvMutex *mtx);
char *erl_drv_mutex_name(ErlDrvMutex *mtx);

/* Condition variables */
void erl_drv_cond_destroy(ErlDrvCond *cnd);
ErlDrvCond *erl_drv_cond_create(char *name)
    ERL_NAPI_ATTR_MALLOC_D(erl_drv_cond_destroy, 1);
void erl_drv_cond_signal(ErlDrvCond *cnd);
void erl_drv_cond_broadcast(ErlDrvCond *cnd);
void erl_drv_cond_wait(ErlDrvCond *cnd, ErlDrvMutex *mtx);
char *erl_drv_cond_name(ErlDrvCond *cnd);

/* Reader/writer locks */
void erl_drv_rwlock_destroy(ErlDrvRWLock *rwlck);
ErlDrvRWLock *erl_drv_rwlock_create(char *name)
    ERL_NAPI_ATTR_MALLOC_D(erl_drv_rwlock_destroy, 1);
int erl_drv_rwlock_tryrlock(ErlDrvRWLock *rwlck);
void erl_drv_rwlock_rlock(ErlDrvRWLock *rwlck);
void erl_drv_rwlock_runlock(ErlDrvRWLock *rwlck);
int erl_drv_rwlock_tryrwlock(ErlDrvRWLock *rwlck);
void erl_drv_rwlock_rwlock(ErlDrvRWLock *rwlck);
void erl_drv_rwlock_rwunlock(ErlDrvRWLock *rwlck);
char *erl_drv_rwlock_name(ErlDrvRWLock *rwlck);

/* Thread specific data */
int erl_drv_tsd_key_create(char *name, ErlDrvTSDKey *key);
void erl_drv_tsd_key_destroy(ErlDrvTSDKey key);
void erl_drv_tsd_set(ErlDrvTSDKey key, void *data);
void *erl_drv_tsd_get(ErlDrvTSDKey key);

/* Threads */
void erl_drv_thread_opts_destroy(ErlDrvThreadOpts *opts);
ErlDrvThreadOpts *erl_drv_thread_opts_create(char *name)
    ERL_NAPI_ATTR_MALLOC_D(erl_drv_thread_opts_destroy, 1);
int erl_drv_thread_create(char *name, ErlDrvTid *tid,
                          void *(*func)(void *), void *args,
                          ErlDrvThreadOpts *opts);
ErlDrvTid erl_drv_thread_self(void);
int erl_drv_equal_tids(ErlDrvTid tid1, ErlDrvTid tid2);
void erl_drv_thread_exit(void *resp);
int erl_drv_thread_join(ErlDrvTid tid, void **respp);
char *erl_drv_thread_name(ErlDrvTid tid);

#ifdef __cplusplus
}
#endif

#endif /* !ERL_DRIVER_TYPES_ONLY */

#endif /* BEAM_RS_ERL_DRIVER_H */
