/*
 * beam-rs: declarations shared by the driver interface (erl_driver.h) and
 * the NIF interface (erl_nif.h).
 *
 * Binary compatible with the headers of Erlang/OTP 25 on Unix-like systems
 * built with GCC or clang: the same type names, the same sizes and layouts
 * and the same constant values, so that native code written for OTP builds
 * unchanged against this file.  Only what a native library may use is here;
 * nothing of the runtime's own internals.
 */

#ifndef BEAM_RS_ERL_DRV_NIF_H
#define BEAM_RS_ERL_DRV_NIF_H

#include <sys/types.h>
#ifdef HAVE_SYS_UIO_H
#  include <sys/uio.h>
#endif

/* ------------------------------------------------------------------------
 * Sizes of the C integer types, as OTP's configuration header publishes them.
 * A library that defined any of them itself must agree with the compiler.
 * ------------------------------------------------------------------------ */

#if !defined(__SIZEOF_LONG__) || !defined(__SIZEOF_POINTER__)
#  error "beam-rs erl_drv_nif.h needs a GCC-compatible compiler (__SIZEOF_LONG__, __SIZEOF_POINTER__)"
#endif

#ifndef SIZEOF_CHAR
#  define SIZEOF_CHAR 1
#endif
#ifndef SIZEOF_SHORT
#  define SIZEOF_SHORT __SIZEOF_SHORT__
#endif
#ifndef SIZEOF_INT
#  define SIZEOF_INT __SIZEOF_INT__
#endif
#ifndef SIZEOF_LONG
#  define SIZEOF_LONG __SIZEOF_LONG__
#endif
#ifndef SIZEOF_LONG_LONG
#  define SIZEOF_LONG_LONG __SIZEOF_LONG_LONG__
#endif
#ifndef SIZEOF_VOID_P
#  define SIZEOF_VOID_P __SIZEOF_POINTER__
#endif

#if SIZEOF_CHAR != 1 || SIZEOF_SHORT != __SIZEOF_SHORT__ || SIZEOF_INT != __SIZEOF_INT__
#  error "SIZEOF_CHAR, SIZEOF_SHORT or SIZEOF_INT disagrees with the compiler"
#endif
#if SIZEOF_LONG != __SIZEOF_LONG__ || SIZEOF_LONG_LONG != __SIZEOF_LONG_LONG__
#  error "SIZEOF_LONG or SIZEOF_LONG_LONG disagrees with the compiler"
#endif
#if SIZEOF_VOID_P != __SIZEOF_POINTER__
#  error "SIZEOF_VOID_P disagrees with the compiler"
#endif

/* ------------------------------------------------------------------------
 * Integer types of the native interfaces
 * ------------------------------------------------------------------------ */

/* Exactly 64 bits: `long` where it is that wide (LP64), else `long long`. */
#if SIZEOF_LONG == 8
typedef long ErlNapiSInt64;
typedef unsigned long ErlNapiUInt64;
#  define ERL_NAPI_SINT64_MAX__ 0x7fffffffffffffffL
#elif SIZEOF_LONG_LONG == 8
typedef long long ErlNapiSInt64;
typedef unsigned long long ErlNapiUInt64;
#  define ERL_NAPI_SINT64_MAX__ 0x7fffffffffffffffLL
#else
#  error "no 64-bit integer type"
#endif
#define ERL_NAPI_SINT64_MIN__ (-ERL_NAPI_SINT64_MAX__ - 1)

/* As wide as a pointer (a machine word of the runtime). */
#if SIZEOF_VOID_P == 8
typedef ErlNapiSInt64 ErlNapiSInt;
typedef ErlNapiUInt64 ErlNapiUInt;
#elif SIZEOF_VOID_P == 4 && SIZEOF_LONG == 4
typedef long ErlNapiSInt;
typedef unsigned long ErlNapiUInt;
#elif SIZEOF_VOID_P == 4 && SIZEOF_INT == 4
typedef int ErlNapiSInt;
typedef unsigned int ErlNapiUInt;
#else
#  error "unsupported pointer size"
#endif

/* Time: the error value and the numeric codes of the time units. */
#define ERTS_NAPI_TIME_ERROR__ ERL_NAPI_SINT64_MIN__
#define ERTS_NAPI_SEC__  0
#define ERTS_NAPI_MSEC__ 1
#define ERTS_NAPI_USEC__ 2
#define ERTS_NAPI_NSEC__ 3

/* ------------------------------------------------------------------------
 * Shared structures
 * ------------------------------------------------------------------------ */

/* Filled in by driver_system_info() and enif_system_info(). */
typedef struct {
    int driver_major_version;
    int driver_minor_version;
    char *erts_version;          /* e.g. "13.1.5" */
    char *otp_release;           /* e.g. "25" */
    int thread_support;          /* non-zero: threads available */
    int smp_support;             /* non-zero: several schedulers */
    int async_threads;           /* size of the async thread pool */
    int scheduler_threads;       /* number of schedulers */
    int nif_major_version;
    int nif_minor_version;
    int dirty_scheduler_support; /* non-zero: dirty schedulers available */
} ErlDrvSysInfo;

/* Options for erl_drv_thread_create() and enif_thread_create(). */
typedef struct {
    int suggested_stack_size;    /* kilowords; negative means the default */
} ErlDrvThreadOpts;

/* Kinds of work of a dirty NIF. */
typedef enum {
    ERL_DIRTY_JOB_CPU_BOUND = 1,
    ERL_DIRTY_JOB_IO_BOUND = 2
} ErlDirtyJobFlags;

/* The mode bits of enif_select(), also the mode of driver_select(). */
enum ErlNifSelectFlags {
    ERL_NIF_SELECT_READ = 0x01,
    ERL_NIF_SELECT_WRITE = 0x02,
    ERL_NIF_SELECT_STOP = 0x04,
    ERL_NIF_SELECT_CANCEL = 0x08,
    ERL_NIF_SELECT_CUSTOM_MSG = 0x10,
    ERL_NIF_SELECT_ERROR = 0x20
};

/* A process monitor, opaque to the library: compare with
 * driver_compare_monitors() / enif_compare_monitors(), never by bytes. */
typedef struct {
    unsigned char data[4 * sizeof(void *)];
} ErlDrvMonitor;

/* One element of an I/O vector: the system's struct iovec where the library
 * asked for <sys/uio.h> (HAVE_SYS_UIO_H), otherwise a struct with the same
 * layout whose base is a char pointer. */
#ifdef HAVE_SYS_UIO_H
typedef struct iovec SysIOVec;
#else
typedef struct {
    char *iov_base;
    size_t iov_len;
} SysIOVec;
#endif

/* ------------------------------------------------------------------------
 * Function attributes used in the prototypes of both interfaces.
 *   ..._WUR                  the result must be used
 *   ..._ALLOC_SIZE(N)        argument N is the size of the returned block
 *   ..._MALLOC_U             returns fresh memory aliasing nothing
 *   ..._MALLOC_US(N)         both of the above
 *   ..._MALLOC_D(F, N)       F (argument N) is the matching deallocator
 *   ..._MALLOC_UD / _USD     combinations
 * Each one degrades to nothing where the compiler lacks the attribute.
 * ------------------------------------------------------------------------ */

#if defined(__has_attribute)
#  define BEAM_RS_HAS_ATTR_(A) __has_attribute(A)
#else
#  define BEAM_RS_HAS_ATTR_(A) 0
#endif

#if BEAM_RS_HAS_ATTR_(warn_unused_result)
#  define ERL_NAPI_ATTR_WUR __attribute__((warn_unused_result))
#else
#  define ERL_NAPI_ATTR_WUR
#endif

#if BEAM_RS_HAS_ATTR_(alloc_size)
#  define ERL_NAPI_ATTR_ALLOC_SIZE(SZPOS) \
       __attribute__((alloc_size(SZPOS))) ERL_NAPI_ATTR_WUR
#else
#  define ERL_NAPI_ATTR_ALLOC_SIZE(SZPOS)
#endif

#if BEAM_RS_HAS_ATTR_(malloc)
#  define ERL_NAPI_ATTR_MALLOC_U __attribute__((malloc)) ERL_NAPI_ATTR_WUR
#  define ERL_NAPI_ATTR_MALLOC_US(SZPOS) \
       __attribute__((malloc)) ERL_NAPI_ATTR_ALLOC_SIZE(SZPOS)
   /* The two-argument form of `malloc` exists from GCC 11 on. */
#  if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11
#    define ERL_NAPI_ATTR_MALLOC_D(DTOR, PTRPOS) \
         __attribute__((malloc(DTOR, PTRPOS))) ERL_NAPI_ATTR_WUR
#  else
#    define ERL_NAPI_ATTR_MALLOC_D(DTOR, PTRPOS) ERL_NAPI_ATTR_WUR
#  endif
#else
#  define ERL_NAPI_ATTR_MALLOC_U
#  define ERL_NAPI_ATTR_MALLOC_US(SZPOS)
#  define ERL_NAPI_ATTR_MALLOC_D(DTOR, PTRPOS)
#endif

#define ERL_NAPI_ATTR_MALLOC_UD(DTOR, PTRPOS) \
    ERL_NAPI_ATTR_MALLOC_U ERL_NAPI_ATTR_MALLOC_D(DTOR, PTRPOS)
#define ERL_NAPI_ATTR_MALLOC_USD(SZPOS, DTOR, PTRPOS) \
    ERL_NAPI_ATTR_MALLOC_US(SZPOS) ERL_NAPI_ATTR_MALLOC_D(DTOR, PTRPOS)

#endif /* BEAM_RS_ERL_DRV_NIF_H */
