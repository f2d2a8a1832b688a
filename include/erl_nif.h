/*
 * beam-rs: the interface of native implemented functions (NIFs).
 *
 * Binary and source compatible with the erl_nif.h of Erlang/OTP 25 (NIF
 * interface version 2.16) on Unix-like systems built with GCC or clang: a
 * NIF library written for OTP compiles against this file unchanged, and its
 * shared object loads into beam-rs (and into OTP 25).  The functions
 * declared here are implemented by the `nif-api` crate; its module `abi`
 * holds the Rust mirror of the types and constants, and the test
 * nif-api/tests/nif_abi_layout.rs compares this file, that mirror and OTP's
 * header with each other.
 *
 * A library names its table of functions and its callbacks with
 *
 *     ERL_NIF_INIT(module, funcs, load, reload, upgrade, unload)
 *
 * which defines the exported entry point `nif_init` returning the library's
 * ErlNifEntry.  With STATIC_ERLANG_NIF defined the entry point is called
 * `module_nif_init` and is not exported (libraries linked into the runtime);
 * STATIC_ERLANG_NIF_LIBNAME, if defined, replaces `module` in that name.
 */

#ifndef BEAM_RS_ERL_NIF_H
#define BEAM_RS_ERL_NIF_H

#ifdef HAVE_CONFIG_H
#  include "config.h"
#endif

#include "erl_drv_nif.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* ------------------------------------------------------------------------
 * Versions
 * ------------------------------------------------------------------------ */

/* The interface version a library is built against; ERL_NIF_INIT stores it
 * in the entry.  The runtime accepts entries of the same major version with
 * a minor version not above its own. */
#define ERL_NIF_MAJOR_VERSION 2
#define ERL_NIF_MINOR_VERSION 16

/* The oldest runtime (erts application version) that can load a library
 * built against this interface version. */
#define ERL_NIF_MIN_ERTS_VERSION "erts-12.0"

/* Entries with a major version below this one are refused. */
#define ERL_NIF_MIN_REQUIRED_MAJOR_VERSION_ON_LOAD 2

/* The flavour of virtual machine a library is built for. */
#define ERL_NIF_VM_VARIANT "beam.vanilla"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Basic types
 * ------------------------------------------------------------------------ */

typedef ErlNapiUInt64 ErlNifUInt64;
typedef ErlNapiSInt64 ErlNifSInt64;
typedef ErlNapiUInt ErlNifUInt;
typedef ErlNapiSInt ErlNifSInt;

/* A term: one machine word whose meaning belongs to the runtime.  Terms are
 * only valid in the environment they were made in or handed to. */
typedef ErlNifUInt ERL_NIF_TERM;
typedef ERL_NIF_TERM ERL_NIF_UINT;

/* A point in time or a duration, in some ErlNifTimeUnit. */
typedef ErlNifSInt64 ErlNifTime;

/* What the time functions return when they cannot answer. */
#define ERL_NIF_TIME_ERROR ((ErlNifSInt64)ERTS_NAPI_TIME_ERROR__)

typedef enum {
    ERL_NIF_SEC = ERTS_NAPI_SEC__,
    ERL_NIF_MSEC = ERTS_NAPI_MSEC__,
    ERL_NIF_USEC = ERTS_NAPI_USEC__,
    ERL_NIF_NSEC = ERTS_NAPI_NSEC__
} ErlNifTimeUnit;

/* The environment of a call, a callback or a process-independent message
 * (enif_alloc_env); opaque. */
typedef struct enif_environment_t ErlNifEnv;

/* ------------------------------------------------------------------------
 * The library's entry
 * ------------------------------------------------------------------------ */

/* One native function: replaces the Erlang function name/arity of the
 * module.  `flags` is 0, or ERL_NIF_DIRTY_JOB_CPU_BOUND or
 * ERL_NIF_DIRTY_JOB_IO_BOUND for a function that runs on a dirty
 * scheduler. */
typedef struct enif_func_t {
    const char *name;
    unsigned arity;
    ERL_NIF_TERM (*fptr)(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]);
    unsigned flags;
} ErlNifFunc;

/* What a library's entry point returns (normally written by ERL_NIF_INIT). */
typedef struct enif_entry_t {
    int major;                  /* ERL_NIF_MAJOR_VERSION */
    int minor;                  /* ERL_NIF_MINOR_VERSION */
    const char *name;           /* the module that loads the library */
    int num_of_funcs;
    ErlNifFunc *funcs;
    /* Called when the module loads the library; non-zero refuses it. */
    int (*load)(ErlNifEnv *env, void **priv_data, ERL_NIF_TERM load_info);
    /* Not called any more (loading twice is refused); keep NULL. */
    int (*reload)(ErlNifEnv *env, void **priv_data, ERL_NIF_TERM load_info);
    /* Called instead of `load` when a new version of a module whose old
     * version has a library loaded loads one; non-zero refuses it. */
    int (*upgrade)(ErlNifEnv *env, void **priv_data, void **old_priv_data,
                   ERL_NIF_TERM load_info);
    /* Called when the module instance that loaded the library is purged. */
    void (*unload)(ErlNifEnv *env, void *priv_data);
    /* From version 2.1 on: ERL_NIF_VM_VARIANT. */
    const char *vm_variant;
    /* From version 2.7 on: 1 (0 is accepted too). */
    unsigned options;
    /* From version 2.12 on: sizeof(ErlNifResourceTypeInit). */
    size_t sizeof_ErlNifResourceTypeInit;
    /* From version 2.14 on: ERL_NIF_MIN_ERTS_VERSION. */
    const char *min_erts;
} ErlNifEntry;

/* ------------------------------------------------------------------------
 * Binaries
 * ------------------------------------------------------------------------ */

/* A binary's bytes as a library sees them: filled in by enif_inspect_binary
 * (read only) or enif_alloc_binary (writable until made into a term or
 * released).  Only `size` and `data` are for the library. */
typedef struct {
    size_t size;
    unsigned char *data;
    void *ref_bin;              /* the runtime's */
    void *__spare__[2];         /* room for later fields, same size */
} ErlNifBinary;

/* ------------------------------------------------------------------------
 * Events, resources, processes and ports
 * ------------------------------------------------------------------------ */

/* What enif_select waits on: a file descriptor. */
typedef int ErlNifEvent;

/* Bits of the value enif_select returns. */
#define ERL_NIF_SELECT_STOP_CALLED (1 << 0)
#define ERL_NIF_SELECT_STOP_SCHEDULED (1 << 1)
#define ERL_NIF_SELECT_INVALID_EVENT (1 << 2)
#define ERL_NIF_SELECT_FAILED (1 << 3)
#define ERL_NIF_SELECT_READ_CANCELLED (1 << 4)
#define ERL_NIF_SELECT_WRITE_CANCELLED (1 << 5)
#define ERL_NIF_SELECT_ERROR_CANCELLED (1 << 6)
#define ERL_NIF_SELECT_NOTSUP (1 << 7)

/* How to open a resource type, and (in `tried`) what was done. */
typedef enum {
    ERL_NIF_RT_CREATE = 1,      /* create a new type */
    ERL_NIF_RT_TAKEOVER = 2     /* take over the type of an older library */
} ErlNifResourceFlags;

/* The encodings of atoms and strings. */
typedef enum {
    ERL_NIF_LATIN1 = 1
} ErlNifCharEncoding;

/* A local process, as enif_self / enif_get_local_pid fill it in.  Compare
 * with enif_compare_pids, never by its bytes. */
typedef struct {
    ERL_NIF_TERM pid;           /* the runtime's */
} ErlNifPid;

/* A local port, as enif_get_local_port fills it in. */
typedef struct {
    ERL_NIF_TERM port_id;       /* the runtime's */
} ErlNifPort;

/* A monitor of a process by a resource (enif_monitor_process). */
typedef ErlDrvMonitor ErlNifMonitor;

/* A resource type (opaque). */
typedef struct enif_resource_type_t ErlNifResourceType;

/* The callbacks of a resource type: the object's last reference is gone;
 * a selected event was stopped (enif_select with ERL_NIF_SELECT_STOP); a
 * monitored process died; a call from enif_dynamic_resource_call. */
typedef void ErlNifResourceDtor(ErlNifEnv *env, void *obj);
typedef void ErlNifResourceStop(ErlNifEnv *env, void *obj, ErlNifEvent event,
                                int is_direct_call);
typedef void ErlNifResourceDown(ErlNifEnv *env, void *obj, ErlNifPid *pid,
                                ErlNifMonitor *mon);
typedef void ErlNifResourceDynCall(ErlNifEnv *env, void *obj, void *call_data);

/* For enif_open_resource_type_x / enif_init_resource_type.  `members`
 * (used by enif_init_resource_type only) says how many of the callbacks
 * that follow `dtor` are present; the older call reads only the first
 * three. */
typedef struct {
    ErlNifResourceDtor *dtor;
    ErlNifResourceStop *stop;
    ErlNifResourceDown *down;
    int members;
    ErlNifResourceDynCall *dyncall;
} ErlNifResourceTypeInit;

/* ------------------------------------------------------------------------
 * System information and threads
 * ------------------------------------------------------------------------ */

typedef ErlDrvSysInfo ErlNifSysInfo;

typedef struct ErlDrvTid_ *ErlNifTid;
typedef struct ErlDrvMutex_ ErlNifMutex;
typedef struct ErlDrvCond_ ErlNifCond;
typedef struct ErlDrvRWLock_ ErlNifRWLock;
typedef int ErlNifTSDKey;
typedef ErlDrvThreadOpts ErlNifThreadOpts;

/* The values of ErlNifFunc.flags and of enif_schedule_nif's flags. */
typedef enum {
    ERL_NIF_DIRTY_JOB_CPU_BOUND = ERL_DIRTY_JOB_CPU_BOUND,
    ERL_NIF_DIRTY_JOB_IO_BOUND = ERL_DIRTY_JOB_IO_BOUND
} ErlNifDirtyTaskFlags;

/* What enif_thread_type returns: positive for the runtime's schedulers,
 * 0 for any other thread. */
#define ERL_NIF_THR_UNDEFINED 0
#define ERL_NIF_THR_NORMAL_SCHEDULER 1
#define ERL_NIF_THR_DIRTY_CPU_SCHEDULER 2
#define ERL_NIF_THR_DIRTY_IO_SCHEDULER 3

/* ------------------------------------------------------------------------
 * Maps
 * ------------------------------------------------------------------------ */

/* The state of a walk over a map's pairs.  Every field is the runtime's. */
typedef struct {
    ERL_NIF_TERM map;
    ERL_NIF_UINT size;
    ERL_NIF_UINT idx;
    union {
        struct {
            ERL_NIF_TERM *ks;
            ERL_NIF_TERM *vs;
        } flat;
        struct {
            struct ErtsDynamicWStack_ *wstack;
            ERL_NIF_TERM *kv;
        } hash;
    } u;
    void *__spare__[2];         /* room for later fields, same size */
} ErlNifMapIterator;

/* Where enif_map_iterator_create starts. */
typedef enum {
    ERL_NIF_MAP_ITERATOR_FIRST = 1,
    ERL_NIF_MAP_ITERATOR_LAST = 2,
    /* older names of the two */
    ERL_NIF_MAP_ITERATOR_HEAD = ERL_NIF_MAP_ITERATOR_FIRST,
    ERL_NIF_MAP_ITERATOR_TAIL = ERL_NIF_MAP_ITERATOR_LAST
} ErlNifMapIteratorEntry;

/* ------------------------------------------------------------------------
 * Other arguments
 * ------------------------------------------------------------------------ */

/* Properties asked of enif_make_unique_integer (a bit set). */
typedef enum {
    ERL_NIF_UNIQUE_POSITIVE = (1 << 0),
    ERL_NIF_UNIQUE_MONOTONIC = (1 << 1)
} ErlNifUniqueInteger;

/* Options of enif_binary_to_term. */
typedef enum {
    ERL_NIF_BIN2TERM_SAFE = 0x20000000
} ErlNifBinaryToTerm;

/* The hash functions of enif_hash. */
typedef enum {
    ERL_NIF_INTERNAL_HASH = 1,
    ERL_NIF_PHASH2 = 2
} ErlNifHash;

/* ------------------------------------------------------------------------
 * I/O vectors and queues
 * ------------------------------------------------------------------------ */

/* How many elements an ErlNifIOVec holds without allocating. */
#define ERL_NIF_IOVEC_SIZE 16

/* An iolist as a vector of byte ranges (enif_inspect_iovec).  `iovcnt`,
 * `size` and `iov` are for the library; the rest is the runtime's. */
typedef struct erl_nif_io_vec {
    int iovcnt;                 /* elements of iov */
    size_t size;                /* bytes in all of them */
    SysIOVec *iov;
    void **ref_bins;
    int flags;
    SysIOVec small_iov[ERL_NIF_IOVEC_SIZE];
    void *small_ref_bin[ERL_NIF_IOVEC_SIZE];
} ErlNifIOVec;

/* A queue of byte ranges (opaque). */
typedef struct erts_io_queue ErlNifIOQueue;

typedef enum {
    ERL_NIF_IOQ_NORMAL = 1
} ErlNifIOQueueOpts;

/* ------------------------------------------------------------------------
 * Term types (enif_term_type)
 * ------------------------------------------------------------------------ */

typedef enum {
    ERL_NIF_TERM_TYPE_ATOM = 1,
    ERL_NIF_TERM_TYPE_BITSTRING = 2,
    ERL_NIF_TERM_TYPE_FLOAT = 3,
    ERL_NIF_TERM_TYPE_FUN = 4,
    ERL_NIF_TERM_TYPE_INTEGER = 5,
    ERL_NIF_TERM_TYPE_LIST = 6,
    ERL_NIF_TERM_TYPE_MAP = 7,
    ERL_NIF_TERM_TYPE_PID = 8,
    ERL_NIF_TERM_TYPE_PORT = 9,
    ERL_NIF_TERM_TYPE_REFERENCE = 10,
    ERL_NIF_TERM_TYPE_TUPLE = 11,
    /* Never returned.  It keeps a switch that names every type above from
     * looking complete to the compiler: later versions add types, so such
     * a switch needs a default case. */
    ERL_NIF_TERM_TYPE__MISSING_DEFAULT_CASE__READ_THE_MANUAL = -1
} ErlNifTermType;

/* ------------------------------------------------------------------------
 * Functions
 *
 * Every function with an `env` argument may only be called with the
 * environment of the running call or callback, or one from enif_alloc_env.
 * Deallocators come before the allocators that name them in attributes.
 * ------------------------------------------------------------------------ */

/* Memory */
extern void enif_free(void *ptr);
extern void *enif_alloc(size_t size)
    ERL_NAPI_ATTR_MALLOC_USD(1, enif_free, 1);
extern void *enif_realloc(void *ptr, size_t size) ERL_NAPI_ATTR_ALLOC_SIZE(2);

/* The library, its environment and the runtime */
extern void *enif_priv_data(ErlNifEnv *env);
extern ErlNifEnv *enif_alloc_env(void) ERL_NAPI_ATTR_WUR;
extern void enif_free_env(ErlNifEnv *env);
extern void enif_clear_env(ErlNifEnv *env);
extern void enif_system_info(ErlNifSysInfo *info, size_t info_size);
extern int enif_getenv(const char *key, char *value, size_t *value_size);
extern void *enif_dlopen(const char *lib,
                         void (*on_error)(void *arg, const char *text),
                         void *arg);
extern void *enif_dlsym(void *handle, const char *symbol,
                        void (*on_error)(void *arg, const char *text),
                        void *arg);
extern int enif_consume_timeslice(ErlNifEnv *env, int percent);
extern ERL_NIF_TERM enif_schedule_nif(
    ErlNifEnv *env, const char *fun_name, int flags,
    ERL_NIF_TERM (*fp)(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]),
    int argc, const ERL_NIF_TERM argv[]);
extern int enif_thread_type(void);

/* Kinds of terms, order and hashing */
extern int enif_is_atom(ErlNifEnv *env, ERL_NIF_TERM term);
extern int enif_is_binary(ErlNifEnv *env, ERL_NIF_TERM term);
extern int enif_is_ref(ErlNifEnv *env, ERL_NIF_TERM term);
extern int enif_is_fun(ErlNifEnv *env, ERL_NIF_TERM term);
extern int enif_is_pid(ErlNifEnv *env, ERL_NIF_TERM term);
extern int enif_is_port(ErlNifEnv *env, ERL_NIF_TERM term);
extern int enif_is_empty_list(ErlNifEnv *env, ERL_NIF_TERM term);
extern int enif_is_list(ErlNifEnv *env, ERL_NIF_TERM term);
extern int enif_is_tuple(ErlNifEnv *env, ERL_NIF_TERM term);
extern int enif_is_map(ErlNifEnv *env, ERL_NIF_TERM term);
extern int enif_is_number(ErlNifEnv *env, ERL_NIF_TERM term);
extern int enif_is_exception(ErlNifEnv *env, ERL_NIF_TERM term);
extern ErlNifTermType enif_term_type(ErlNifEnv *env, ERL_NIF_TERM term);
extern int enif_is_identical(ERL_NIF_TERM a, ERL_NIF_TERM b);
extern int enif_compare(ERL_NIF_TERM a, ERL_NIF_TERM b);
extern ErlNifUInt64 enif_hash(ErlNifHash kind, ERL_NIF_TERM term,
                              ErlNifUInt64 salt);

/* Numbers */
extern int enif_get_int(ErlNifEnv *env, ERL_NIF_TERM term, int *out);
extern int enif_get_uint(ErlNifEnv *env, ERL_NIF_TERM term, unsigned *out);
extern int enif_get_long(ErlNifEnv *env, ERL_NIF_TERM term, long *out);
extern int enif_get_ulong(ErlNifEnv *env, ERL_NIF_TERM term,
                          unsigned long *out);
extern int enif_get_double(ErlNifEnv *env, ERL_NIF_TERM term, double *out);
extern ERL_NIF_TERM enif_make_int(ErlNifEnv *env, int value);
extern ERL_NIF_TERM enif_make_uint(ErlNifEnv *env, unsigned value);
extern ERL_NIF_TERM enif_make_long(ErlNifEnv *env, long value);
extern ERL_NIF_TERM enif_make_ulong(ErlNifEnv *env, unsigned long value);
extern ERL_NIF_TERM enif_make_double(ErlNifEnv *env, double value);
#if SIZEOF_LONG != 8
/* Where `long` is narrower than 64 bits the 64-bit variants are functions
 * of their own; elsewhere they are the `long` ones (see the end). */
extern int enif_get_int64(ErlNifEnv *env, ERL_NIF_TERM term,
                          ErlNifSInt64 *out);
extern int enif_get_uint64(ErlNifEnv *env, ERL_NIF_TERM term,
                           ErlNifUInt64 *out);
extern ERL_NIF_TERM enif_make_int64(ErlNifEnv *env, ErlNifSInt64 value);
extern ERL_NIF_TERM enif_make_uint64(ErlNifEnv *env, ErlNifUInt64 value);
#endif

/* Atoms and strings */
extern ERL_NIF_TERM enif_make_atom(ErlNifEnv *env, const char *name);
extern ERL_NIF_TERM enif_make_atom_len(ErlNifEnv *env, const char *name,
                                       size_t len);
extern int enif_make_existing_atom(ErlNifEnv *env, const char *name,
                                   ERL_NIF_TERM *atom,
                                   ErlNifCharEncoding encoding);
extern int enif_make_existing_atom_len(ErlNifEnv *env, const char *name,
                                       size_t len, ERL_NIF_TERM *atom,
                                       ErlNifCharEncoding encoding);
extern int enif_get_atom(ErlNifEnv *env, ERL_NIF_TERM atom, char *buf,
                         unsigned size, ErlNifCharEncoding encoding);
extern int enif_get_atom_length(ErlNifEnv *env, ERL_NIF_TERM atom,
                                unsigned *len, ErlNifCharEncoding encoding);
extern ERL_NIF_TERM enif_make_string(ErlNifEnv *env, const char *string,
                                     ErlNifCharEncoding encoding);
extern ERL_NIF_TERM enif_make_string_len(ErlNifEnv *env, const char *string,
                                         size_t len,
                                         ErlNifCharEncoding encoding);
extern int enif_get_string(ErlNifEnv *env, ERL_NIF_TERM list, char *buf,
                           unsigned size, ErlNifCharEncoding encoding);

/* Tuples and lists */
extern ERL_NIF_TERM enif_make_tuple(ErlNifEnv *env, unsigned count, ...);
extern ERL_NIF_TERM enif_make_tuple_from_array(ErlNifEnv *env,
                                               const ERL_NIF_TERM elements[],
                                               unsigned count);
extern int enif_get_tuple(ErlNifEnv *env, ERL_NIF_TERM tuple, int *arity,
                          const ERL_NIF_TERM **elements);
extern ERL_NIF_TERM enif_make_list(ErlNifEnv *env, unsigned count, ...);
extern ERL_NIF_TERM enif_make_list_from_array(ErlNifEnv *env,
                                              const ERL_NIF_TERM elements[],
                                              unsigned count);
extern ERL_NIF_TERM enif_make_list_cell(ErlNifEnv *env, ERL_NIF_TERM head,
                                        ERL_NIF_TERM tail);
extern int enif_get_list_cell(ErlNifEnv *env, ERL_NIF_TERM list,
                              ERL_NIF_TERM *head, ERL_NIF_TERM *tail);
extern int enif_get_list_length(ErlNifEnv *env, ERL_NIF_TERM list,
                                unsigned *len);
extern int enif_make_reverse_list(ErlNifEnv *env, ERL_NIF_TERM list,
                                  ERL_NIF_TERM *reversed);

/* Binaries and the external term format */
extern int enif_alloc_binary(size_t size, ErlNifBinary *bin);
extern int enif_realloc_binary(ErlNifBinary *bin, size_t size);
extern void enif_release_binary(ErlNifBinary *bin);
extern int enif_inspect_binary(ErlNifEnv *env, ERL_NIF_TERM term,
                               ErlNifBinary *bin);
extern int enif_inspect_iolist_as_binary(ErlNifEnv *env, ERL_NIF_TERM term,
                                         ErlNifBinary *bin);
extern ERL_NIF_TERM enif_make_binary(ErlNifEnv *env, ErlNifBinary *bin);
extern unsigned char *enif_make_new_binary(ErlNifEnv *env, size_t size,
                                           ERL_NIF_TERM *term);
extern ERL_NIF_TERM enif_make_sub_binary(ErlNifEnv *env, ERL_NIF_TERM bin,
                                         size_t pos, size_t size);
extern int enif_term_to_binary(ErlNifEnv *env, ERL_NIF_TERM term,
                               ErlNifBinary *bin);
extern size_t enif_binary_to_term(ErlNifEnv *env, const unsigned char *data,
                                  size_t size, ERL_NIF_TERM *term,
                                  unsigned int options);

/* Maps */
extern int enif_get_map_size(ErlNifEnv *env, ERL_NIF_TERM map, size_t *size);
extern ERL_NIF_TERM enif_make_new_map(ErlNifEnv *env);
extern int enif_make_map_put(ErlNifEnv *env, ERL_NIF_TERM map,
                             ERL_NIF_TERM key, ERL_NIF_TERM value,
                             ERL_NIF_TERM *map_out);
extern int enif_get_map_value(ErlNifEnv *env, ERL_NIF_TERM map,
                              ERL_NIF_TERM key, ERL_NIF_TERM *value);
extern int enif_make_map_update(ErlNifEnv *env, ERL_NIF_TERM map,
                                ERL_NIF_TERM key, ERL_NIF_TERM value,
                                ERL_NIF_TERM *map_out);
extern int enif_make_map_remove(ErlNifEnv *env, ERL_NIF_TERM map,
                                ERL_NIF_TERM key, ERL_NIF_TERM *map_out);
extern int enif_make_map_from_arrays(ErlNifEnv *env, ERL_NIF_TERM keys[],
                                     ERL_NIF_TERM values[], size_t count,
                                     ERL_NIF_TERM *map_out);
extern int enif_map_iterator_create(ErlNifEnv *env, ERL_NIF_TERM map,
                                    ErlNifMapIterator *iter,
                                    ErlNifMapIteratorEntry start);
extern void enif_map_iterator_destroy(ErlNifEnv *env, ErlNifMapIterator *iter);
extern int enif_map_iterator_is_head(ErlNifEnv *env, ErlNifMapIterator *iter);
extern int enif_map_iterator_is_tail(ErlNifEnv *env, ErlNifMapIterator *iter);
extern int enif_map_iterator_next(ErlNifEnv *env, ErlNifMapIterator *iter);
extern int enif_map_iterator_prev(ErlNifEnv *env, ErlNifMapIterator *iter);
extern int enif_map_iterator_get_pair(ErlNifEnv *env, ErlNifMapIterator *iter,
                                      ERL_NIF_TERM *key, ERL_NIF_TERM *value);

/* Exceptions */
extern ERL_NIF_TERM enif_make_badarg(ErlNifEnv *env);
extern ERL_NIF_TERM enif_raise_exception(ErlNifEnv *env, ERL_NIF_TERM reason);
extern int enif_has_pending_exception(ErlNifEnv *env, ERL_NIF_TERM *reason);

/* References, unique integers, copies */
extern ERL_NIF_TERM enif_make_ref(ErlNifEnv *env);
extern ERL_NIF_TERM enif_make_unique_integer(ErlNifEnv *env,
                                             ErlNifUniqueInteger properties);
extern ERL_NIF_TERM enif_make_copy(ErlNifEnv *dst_env, ERL_NIF_TERM term);

/* Processes, ports and messages */
extern ErlNifPid *enif_self(ErlNifEnv *caller_env, ErlNifPid *pid);
extern int enif_get_local_pid(ErlNifEnv *env, ERL_NIF_TERM term,
                              ErlNifPid *pid);
extern int enif_is_current_process_alive(ErlNifEnv *env);
extern int enif_is_process_alive(ErlNifEnv *env, ErlNifPid *pid);
extern void enif_set_pid_undefined(ErlNifPid *pid);
extern int enif_is_pid_undefined(const ErlNifPid *pid);
extern int enif_whereis_pid(ErlNifEnv *env, ERL_NIF_TERM name, ErlNifPid *pid);
extern int enif_send(ErlNifEnv *caller_env, const ErlNifPid *to,
                     ErlNifEnv *msg_env, ERL_NIF_TERM msg);
extern int enif_get_local_port(ErlNifEnv *env, ERL_NIF_TERM term,
                               ErlNifPort *port);
extern int enif_is_port_alive(ErlNifEnv *env, ErlNifPort *port);
extern int enif_whereis_port(ErlNifEnv *env, ERL_NIF_TERM name,
                             ErlNifPort *port);
extern int enif_port_command(ErlNifEnv *caller_env, const ErlNifPort *to,
                             ErlNifEnv *msg_env, ERL_NIF_TERM msg);

/* Time */
extern ErlNifTime enif_monotonic_time(ErlNifTimeUnit unit);
extern ErlNifTime enif_time_offset(ErlNifTimeUnit unit);
extern ErlNifTime enif_convert_time_unit(ErlNifTime value, ErlNifTimeUnit from,
                                         ErlNifTimeUnit to);
extern ERL_NIF_TERM enif_now_time(ErlNifEnv *env);
extern ERL_NIF_TERM enif_cpu_time(ErlNifEnv *env);

/* Resources, their monitors and selected events */
extern ErlNifResourceType *enif_open_resource_type(
    ErlNifEnv *env, const char *module, const char *name,
    void (*dtor)(ErlNifEnv *env, void *obj), ErlNifResourceFlags flags,
    ErlNifResourceFlags *tried);
extern ErlNifResourceType *enif_open_resource_type_x(
    ErlNifEnv *env, const char *name, const ErlNifResourceTypeInit *init,
    ErlNifResourceFlags flags, ErlNifResourceFlags *tried);
extern ErlNifResourceType *enif_init_resource_type(
    ErlNifEnv *env, const char *name, const ErlNifResourceTypeInit *init,
    ErlNifResourceFlags flags, ErlNifResourceFlags *tried);
extern void *enif_alloc_resource(ErlNifResourceType *type, size_t size)
    ERL_NAPI_ATTR_MALLOC_US(2);
extern void enif_release_resource(void *obj);
extern void enif_keep_resource(void *obj);
extern ERL_NIF_TERM enif_make_resource(ErlNifEnv *env, void *obj);
extern int enif_get_resource(ErlNifEnv *env, ERL_NIF_TERM term,
                             ErlNifResourceType *type, void **obj);
extern size_t enif_sizeof_resource(void *obj);
extern ERL_NIF_TERM enif_make_resource_binary(ErlNifEnv *env, void *obj,
                                              const void *data, size_t size);
extern int enif_dynamic_resource_call(ErlNifEnv *env, ERL_NIF_TERM module,
                                      ERL_NIF_TERM name, ERL_NIF_TERM resource,
                                      void *call_data);
extern int enif_monitor_process(ErlNifEnv *env, void *obj,
                                const ErlNifPid *pid, ErlNifMonitor *mon);
extern int enif_demonitor_process(ErlNifEnv *env, void *obj,
                                  const ErlNifMonitor *mon);
extern int enif_compare_monitors(const ErlNifMonitor *a,
                                 const ErlNifMonitor *b);
extern ERL_NIF_TERM enif_make_monitor_term(ErlNifEnv *env,
                                           const ErlNifMonitor *mon);
extern int enif_select(ErlNifEnv *env, ErlNifEvent event,
                       enum ErlNifSelectFlags mode, void *obj,
                       const ErlNifPid *pid, ERL_NIF_TERM ref);
extern int enif_select_x(ErlNifEnv *env, ErlNifEvent event,
                         enum ErlNifSelectFlags mode, void *obj,
                         const ErlNifPid *pid, ERL_NIF_TERM msg,
                         ErlNifEnv *msg_env);

/* I/O vectors and queues */
extern int enif_inspect_iovec(ErlNifEnv *env, size_t max_elements,
                              ERL_NIF_TERM iolist, ERL_NIF_TERM *tail,
                              ErlNifIOVec **iovec);
extern void enif_free_iovec(ErlNifIOVec *iovec);
extern void enif_ioq_destroy(ErlNifIOQueue *q);
extern ErlNifIOQueue *enif_ioq_create(ErlNifIOQueueOpts opts)
    ERL_NAPI_ATTR_MALLOC_D(enif_ioq_destroy, 1);
extern int enif_ioq_enq_binary(ErlNifIOQueue *q, ErlNifBinary *bin,
                               size_t skip);
extern int enif_ioq_enqv(ErlNifIOQueue *q, ErlNifIOVec *iovec, size_t skip);
extern size_t enif_ioq_size(ErlNifIOQueue *q);
extern int enif_ioq_deq(ErlNifIOQueue *q, size_t count, size_t *size_left);
extern SysIOVec *enif_ioq_peek(ErlNifIOQueue *q, int *iovlen);
extern int enif_ioq_peek_head(ErlNifEnv *env, ErlNifIOQueue *q, size_t *size,
                              ERL_NIF_TERM *head);

/* Formatted output: the C library's conversions, and %T for a term. */
extern int enif_fprintf(FILE *out, const char *format, ...);
extern int enif_vfprintf(FILE *out, const char *format, va_list args);
extern int enif_snprintf(char *buf, size_t size, const char *format, ...);
extern int enif_vsnprintf(char *buf, size_t size, const char *format,
                          va_list args);

/* Threads and their synchronisation */
extern void enif_mutex_destroy(ErlNifMutex *mtx);
extern ErlNifMutex *enif_mutex_create(char *name)
    ERL_NAPI_ATTR_MALLOC_D(enif_mutex_destroy, 1);
extern int enif_mutex_trylock(ErlNifMutex *mtx);
extern void enif_mutex_lock(ErlNifMutex *mtx);
extern void enif_mutex_unlock(ErlNifMutex *mtx);
extern char *enif_mutex_name(ErlNifMutex *mtx);
extern void enif_cond_destroy(ErlNifCond *cnd);
extern ErlNifCond *enif_cond_create(char *name)
    ERL_NAPI_ATTR_MALLOC_D(enif_cond_destroy, 1);
extern void enif_cond_signal(ErlNifCond *cnd);
extern void enif_cond_broadcast(ErlNifCond *cnd);
extern void enif_cond_wait(ErlNifCond *cnd, ErlNifMutex *mtx);
extern char *enif_cond_name(ErlNifCond *cnd);
extern void enif_rwlock_destroy(ErlNifRWLock *rwl);
extern ErlNifRWLock *enif_rwlock_create(char *name)
    ERL_NAPI_ATTR_MALLOC_D(enif_rwlock_destroy, 1);
extern int enif_rwlock_tryrlock(ErlNifRWLock *rwl);
extern void enif_rwlock_rlock(ErlNifRWLock *rwl);
extern void enif_rwlock_runlock(ErlNifRWLock *rwl);
extern int enif_rwlock_tryrwlock(ErlNifRWLock *rwl);
extern void enif_rwlock_rwlock(ErlNifRWLock *rwl);
extern void enif_rwlock_rwunlock(ErlNifRWLock *rwl);
extern char *enif_rwlock_name(ErlNifRWLock *rwl);
extern int enif_tsd_key_create(char *name, ErlNifTSDKey *key);
extern void enif_tsd_key_destroy(ErlNifTSDKey key);
extern void enif_tsd_set(ErlNifTSDKey key, void *data);
extern void *enif_tsd_get(ErlNifTSDKey key);
extern void enif_thread_opts_destroy(ErlNifThreadOpts *opts);
extern ErlNifThreadOpts *enif_thread_opts_create(char *name)
    ERL_NAPI_ATTR_MALLOC_D(enif_thread_opts_destroy, 1);
extern int enif_thread_create(char *name, ErlNifTid *tid,
                              void *(*start)(void *arg), void *arg,
                              ErlNifThreadOpts *opts);
extern ErlNifTid enif_thread_self(void);
extern int enif_equal_tids(ErlNifTid a, ErlNifTid b);
extern void enif_thread_exit(void *result);
extern int enif_thread_join(ErlNifTid tid, void **result);
extern char *enif_thread_name(ErlNifTid tid);

/* ------------------------------------------------------------------------
 * Helpers defined here
 * ------------------------------------------------------------------------ */

/* enif_make_tupleN / enif_make_listN: enif_make_tuple / enif_make_list with
 * N elements, as functions where the compiler has inline functions (so the
 * arguments are checked as terms), else as macros. */
#if defined(__GNUC__)
#  define BEAM_RS_NIF_INLINE_ static __inline__
#elif defined(__cplusplus) || \
    (defined(__STDC_VERSION__) && __STDC_VERSION__ >= 199901L)
#  define BEAM_RS_NIF_INLINE_ static inline
#endif

#ifdef BEAM_RS_NIF_INLINE_

#define BEAM_RS_NIF_SEQ_(N, MAKER)                                        \
    BEAM_RS_NIF_INLINE_ ERL_NIF_TERM enif_##MAKER##N(BEAM_RS_NIF_PARAMS##N##_) \
    {                                                                     \
        return enif_##MAKER(env, N, BEAM_RS_NIF_ARGS##N##_);              \
    }
#define BEAM_RS_NIF_PARAMS1_ ErlNifEnv *env, ERL_NIF_TERM e1
#define BEAM_RS_NIF_PARAMS2_ BEAM_RS_NIF_PARAMS1_, ERL_NIF_TERM e2
#define BEAM_RS_NIF_PARAMS3_ BEAM_RS_NIF_PARAMS2_, ERL_NIF_TERM e3
#define BEAM_RS_NIF_PARAMS4_ BEAM_RS_NIF_PARAMS3_, ERL_NIF_TERM e4
#define BEAM_RS_NIF_PARAMS5_ BEAM_RS_NIF_PARAMS4_, ERL_NIF_TERM e5
#define BEAM_RS_NIF_PARAMS6_ BEAM_RS_NIF_PARAMS5_, ERL_NIF_TERM e6
#define BEAM_RS_NIF_PARAMS7_ BEAM_RS_NIF_PARAMS6_, ERL_NIF_TERM e7
#define BEAM_RS_NIF_PARAMS8_ BEAM_RS_NIF_PARAMS7_, ERL_NIF_TERM e8
#define BEAM_RS_NIF_PARAMS9_ BEAM_RS_NIF_PARAMS8_, ERL_NIF_TERM e9
#define BEAM_RS_NIF_ARGS1_ e1
#define BEAM_RS_NIF_ARGS2_ BEAM_RS_NIF_ARGS1_, e2
#define BEAM_RS_NIF_ARGS3_ BEAM_RS_NIF_ARGS2_, e3
#define BEAM_RS_NIF_ARGS4_ BEAM_RS_NIF_ARGS3_, e4
#define BEAM_RS_NIF_ARGS5_ BEAM_RS_NIF_ARGS4_, e5
#define BEAM_RS_NIF_ARGS6_ BEAM_RS_NIF_ARGS5_, e6
#define BEAM_RS_NIF_ARGS7_ BEAM_RS_NIF_ARGS6_, e7
#define BEAM_RS_NIF_ARGS8_ BEAM_RS_NIF_ARGS7_, e8
#define BEAM_RS_NIF_ARGS9_ BEAM_RS_NIF_ARGS8_, e9

BEAM_RS_NIF_SEQ_(1, make_tuple)
BEAM_RS_NIF_SEQ_(2, make_tuple)
BEAM_RS_NIF_SEQ_(3, make_tuple)
BEAM_RS_NIF_SEQ_(4, make_tuple)
BEAM_RS_NIF_SEQ_(5, make_tuple)
BEAM_RS_NIF_SEQ_(6, make_tuple)
BEAM_RS_NIF_SEQ_(7, make_tuple)
BEAM_RS_NIF_SEQ_(8, make_tuple)
BEAM_RS_NIF_SEQ_(9, make_tuple)
BEAM_RS_NIF_SEQ_(1, make_list)
BEAM_RS_NIF_SEQ_(2, make_list)
BEAM_RS_NIF_SEQ_(3, make_list)
BEAM_RS_NIF_SEQ_(4, make_list)
BEAM_RS_NIF_SEQ_(5, make_list)
BEAM_RS_NIF_SEQ_(6, make_list)
BEAM_RS_NIF_SEQ_(7, make_list)
BEAM_RS_NIF_SEQ_(8, make_list)
BEAM_RS_NIF_SEQ_(9, make_list)

#undef BEAM_RS_NIF_SEQ_
#undef BEAM_RS_NIF_PARAMS1_
#undef BEAM_RS_NIF_PARAMS2_
#undef BEAM_RS_NIF_PARAMS3_
#undef BEAM_RS_NIF_PARAMS4_
#undef BEAM_RS_NIF_PARAMS5_
#undef BEAM_RS_NIF_PARAMS6_
#undef BEAM_RS_NIF_PARAMS7_
#undef BEAM_RS_NIF_PARAMS8_
#undef BEAM_RS_NIF_PARAMS9_
#undef BEAM_RS_NIF_ARGS1_
#undef BEAM_RS_NIF_ARGS2_
#undef BEAM_RS_NIF_ARGS3_
#undef BEAM_RS_NIF_ARGS4_
#undef BEAM_RS_NIF_ARGS5_
#undef BEAM_RS_NIF_ARGS6_
#undef BEAM_RS_NIF_ARGS7_
#undef BEAM_RS_NIF_ARGS8_
#undef BEAM_RS_NIF_ARGS9_
#undef BEAM_RS_NIF_INLINE_

#elif !defined(enif_make_tuple1)

#define enif_make_tuple1(ENV, A) enif_make_tuple(ENV, 1, A)
#define enif_make_tuple2(ENV, A, B) enif_make_tuple(ENV, 2, A, B)
#define enif_make_tuple3(ENV, A, B, C) enif_make_tuple(ENV, 3, A, B, C)
#define enif_make_tuple4(ENV, A, B, C, D) enif_make_tuple(ENV, 4, A, B, C, D)
#define enif_make_tuple5(ENV, A, B, C, D, E) \
    enif_make_tuple(ENV, 5, A, B, C, D, E)
#define enif_make_tuple6(ENV, A, B, C, D, E, F) \
    enif_make_tuple(ENV, 6, A, B, C, D, E, F)
#define enif_make_tuple7(ENV, A, B, C, D, E, F, G) \
    enif_make_tuple(ENV, 7, A, B, C, D, E, F, G)
#define enif_make_tuple8(ENV, A, B, C, D, E, F, G, H) \
    enif_make_tuple(ENV, 8, A, B, C, D, E, F, G, H)
#define enif_make_tuple9(ENV, A, B, C, D, E, F, G, H, I) \
    enif_make_tuple(ENV, 9, A, B, C, D, E, F, G, H, I)
#define enif_make_list1(ENV, A) enif_make_list(ENV, 1, A)
#define enif_make_list2(ENV, A, B) enif_make_list(ENV, 2, A, B)
#define enif_make_list3(ENV, A, B, C) enif_make_list(ENV, 3, A, B, C)
#define enif_make_list4(ENV, A, B, C, D) enif_make_list(ENV, 4, A, B, C, D)
#define enif_make_list5(ENV, A, B, C, D, E) \
    enif_make_list(ENV, 5, A, B, C, D, E)
#define enif_make_list6(ENV, A, B, C, D, E, F) \
    enif_make_list(ENV, 6, A, B, C, D, E, F)
#define enif_make_list7(ENV, A, B, C, D, E, F, G) \
    enif_make_list(ENV, 7, A, B, C, D, E, F, G)
#define enif_make_list8(ENV, A, B, C, D, E, F, G, H) \
    enif_make_list(ENV, 8, A, B, C, D, E, F, G, H)
#define enif_make_list9(ENV, A, B, C, D, E, F, G, H, I) \
    enif_make_list(ENV, 9, A, B, C, D, E, F, G, H, I)

#endif

#ifndef enif_make_pid
/* A pid term from an ErlNifPid (valid in any environment). */
#  define enif_make_pid(ENV, PID) ((void)(ENV), (ERL_NIF_TERM)((PID)->pid))
/* Orders two ErlNifPids as enif_compare orders their terms. */
#  define enif_compare_pids(A, B) (enif_compare((A)->pid, (B)->pid))
/* enif_select_x asking for one kind of readiness with a message of the
 * library's own (MSG, made in MSG_ENV) instead of the default one. */
#  define enif_select_read(ENV, EVENT, OBJ, PID, MSG, MSG_ENV)              \
    enif_select_x((ENV), (EVENT),                                           \
                  (enum ErlNifSelectFlags)(ERL_NIF_SELECT_READ |            \
                                           ERL_NIF_SELECT_CUSTOM_MSG),      \
                  (OBJ), (PID), (MSG), (MSG_ENV))
#  define enif_select_write(ENV, EVENT, OBJ, PID, MSG, MSG_ENV)             \
    enif_select_x((ENV), (EVENT),                                           \
                  (enum ErlNifSelectFlags)(ERL_NIF_SELECT_WRITE |           \
                                           ERL_NIF_SELECT_CUSTOM_MSG),      \
                  (OBJ), (PID), (MSG), (MSG_ENV))
#  define enif_select_error(ENV, EVENT, OBJ, PID, MSG, MSG_ENV)             \
    enif_select_x((ENV), (EVENT),                                           \
                  (enum ErlNifSelectFlags)(ERL_NIF_SELECT_ERROR |           \
                                           ERL_NIF_SELECT_CUSTOM_MSG),      \
                  (OBJ), (PID), (MSG), (MSG_ENV))
#  if SIZEOF_LONG == 8
/* `long` is 64 bits wide: the 64-bit functions are the `long` ones. */
#    define enif_get_int64 enif_get_long
#    define enif_get_uint64 enif_get_ulong
#    define enif_make_int64 enif_make_long
#    define enif_make_uint64 enif_make_ulong
#  endif
#endif

#ifdef __cplusplus
}
#endif

/* ------------------------------------------------------------------------
 * The entry point
 * ------------------------------------------------------------------------ */

#ifdef STATIC_ERLANG_NIF_LIBNAME
#  ifndef STATIC_ERLANG_NIF
#    define STATIC_ERLANG_NIF
#  endif
#endif

/* What surrounds the entry point: C linkage for C++ libraries. */
#ifdef __cplusplus
#  define ERL_NIF_INIT_PROLOGUE extern "C" {
#  define ERL_NIF_INIT_EPILOGUE }
#else
#  define ERL_NIF_INIT_PROLOGUE
#  define ERL_NIF_INIT_EPILOGUE
#endif

/* Platform hooks of the entry point: a global before it, its parameter
 * list, a statement in its body.  Nothing on the systems this file is for. */
#define ERL_NIF_INIT_GLOB
#define ERL_NIF_INIT_ARGS void
#define ERL_NIF_INIT_BODY

/* The entry point's visibility: a dynamic library exports it. */
#ifdef STATIC_ERLANG_NIF
#  define ERL_NIF_INIT_EXPORT
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define ERL_NIF_INIT_EXPORT __attribute__((visibility("default")))
#else
#  define ERL_NIF_INIT_EXPORT
#endif

/* The entry point's name. */
#ifdef STATIC_ERLANG_NIF
#  define BEAM_RS_NIF_CAT_(A, B) A##B
#  define BEAM_RS_NIF_XCAT_(A, B) BEAM_RS_NIF_CAT_(A, B)
#  ifdef STATIC_ERLANG_NIF_LIBNAME
#    define ERL_NIF_INIT_NAME(MODNAME) \
         BEAM_RS_NIF_XCAT_(STATIC_ERLANG_NIF_LIBNAME, _nif_init)
#  else
#    define ERL_NIF_INIT_NAME(MODNAME) MODNAME##_nif_init
#  endif
#  define ERL_NIF_INIT_DECL(MODNAME) \
       ErlNifEntry *ERL_NIF_INIT_NAME(MODNAME)(ERL_NIF_INIT_ARGS)
#else
#  define ERL_NIF_INIT_DECL(MODNAME) \
       ERL_NIF_INIT_EXPORT ErlNifEntry *nif_init(ERL_NIF_INIT_ARGS)
#endif

/* Defines the entry point of a library for module NAME: its functions are
 * the array FUNCS (an array, not a pointer: its length is taken with
 * sizeof); LOAD, RELOAD, UPGRADE and UNLOAD are the callbacks of the entry
 * (NULL for none).  The entry is a static object filled in at compile
 * time. */
#define ERL_NIF_INIT(NAME, FUNCS, LOAD, RELOAD, UPGRADE, UNLOAD)              \
    ERL_NIF_INIT_PROLOGUE                                                     \
    ERL_NIF_INIT_GLOB                                                         \
    ERL_NIF_INIT_DECL(NAME);                                                  \
    ERL_NIF_INIT_DECL(NAME)                                                   \
    {                                                                         \
        static ErlNifEntry beam_rs_nif_entry_ = {                             \
            ERL_NIF_MAJOR_VERSION,                                            \
            ERL_NIF_MINOR_VERSION,                                            \
            #NAME,                                                            \
            (int)(sizeof(FUNCS) / sizeof((FUNCS)[0])),                        \
            (FUNCS),                                                          \
            (LOAD),                                                           \
            (RELOAD),                                                         \
            (UPGRADE),                                                        \
            (UNLOAD),                                                         \
            ERL_NIF_VM_VARIANT,                                               \
            1,                                                                \
            sizeof(ErlNifResourceTypeInit),                                   \
            ERL_NIF_MIN_ERTS_VERSION                                          \
        };                                                                    \
        ERL_NIF_INIT_BODY;                                                    \
        return &beam_rs_nif_entry_;                                           \
    }                                                                         \
    ERL_NIF_INIT_EPILOGUE

#endif /* BEAM_RS_ERL_NIF_H */
