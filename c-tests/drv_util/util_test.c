/*
 * The runtime-utility half of the erl_driver API, called from C: threads, locks,
 * thread-specific data, the environment, time, memory and system information.
 *
 * Built as a shared object by ports/tests/driver_util_c.rs and driven through two entry
 * points: util_test_forward() (with -DUTIL_TEST_FORWARD only, see below) and
 * util_test_run(), which returns 0 when every check passed, else 1 with a message in the
 * caller's buffer.
 *
 * With -DUTIL_TEST_FORWARD the object also defines every erl_driver function it uses as a
 * bare jump through a pointer that util_test_forward() sets. A Rust test executable does not
 * export its symbols to objects it loads, so the test hands the object the addresses of the
 * runtime's functions instead. The jumps leave arguments, return values and the stack as the
 * caller made them, so each call reaches the runtime's function exactly as a driver's call
 * would.
 */

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "erl_driver.h"

#define UTIL_FUNCS(X)                                                                        \
    X(erl_drv_thread_create) X(erl_drv_thread_self) X(erl_drv_equal_tids)                    \
    X(erl_drv_thread_exit) X(erl_drv_thread_join) X(erl_drv_thread_name)                     \
    X(erl_drv_thread_opts_create) X(erl_drv_thread_opts_destroy)                             \
    X(erl_drv_mutex_create) X(erl_drv_mutex_destroy) X(erl_drv_mutex_lock)                   \
    X(erl_drv_mutex_trylock) X(erl_drv_mutex_unlock) X(erl_drv_mutex_name)                   \
    X(erl_drv_cond_create) X(erl_drv_cond_destroy) X(erl_drv_cond_signal)                    \
    X(erl_drv_cond_broadcast) X(erl_drv_cond_wait) X(erl_drv_cond_name)                      \
    X(erl_drv_rwlock_create) X(erl_drv_rwlock_destroy) X(erl_drv_rwlock_rlock)               \
    X(erl_drv_rwlock_runlock) X(erl_drv_rwlock_rwlock) X(erl_drv_rwlock_rwunlock)            \
    X(erl_drv_rwlock_tryrlock) X(erl_drv_rwlock_tryrwlock) X(erl_drv_rwlock_name)            \
    X(erl_drv_tsd_key_create) X(erl_drv_tsd_key_destroy) X(erl_drv_tsd_set)                  \
    X(erl_drv_tsd_get) X(erl_drv_getenv) X(erl_drv_putenv) X(erl_drv_monotonic_time)         \
    X(erl_drv_time_offset) X(erl_drv_convert_time_unit) X(driver_get_now) X(driver_alloc)    \
    X(driver_realloc) X(driver_free) X(driver_system_info) X(erl_errno_id) X(null_func)

#ifdef UTIL_TEST_FORWARD

#define FWD_VAR(name) __attribute__((visibility("hidden"))) void *util_fwd_##name;
UTIL_FUNCS(FWD_VAR)

#if defined(__x86_64__)
#define FWD_STUB(name)                                                                       \
    __asm__(".text\n.globl " #name "\n.type " #name ", @function\n" #name ":\n"              \
            "\tjmp *util_fwd_" #name "(%rip)\n.size " #name ", .-" #name "\n");
#elif defined(__aarch64__)
#define FWD_STUB(name)                                                                       \
    __asm__(".text\n.globl " #name "\n.type " #name ", %function\n" #name ":\n"              \
            "\tadrp x16, util_fwd_" #name "\n\tldr x16, [x16, :lo12:util_fwd_" #name "]\n"    \
            "\tbr x16\n.size " #name ", .-" #name "\n");
#else
#error "UTIL_TEST_FORWARD needs x86_64 or aarch64"
#endif
UTIL_FUNCS(FWD_STUB)

/* Sets the address `name` jumps to; 0, or -1 for a name this object does not use. */
int util_test_forward(const char *name, void *fn)
{
#define FWD_SET(n)                                                                           \
    if (strcmp(name, #n) == 0) {                                                             \
        util_fwd_##n = fn;                                                                   \
        return 0;                                                                            \
    }
    UTIL_FUNCS(FWD_SET)
    return -1;
}

/* The first function without an address, or NULL. */
static const char *missing_forward(void)
{
#define FWD_CHECK(n)                                                                         \
    if (!util_fwd_##n)                                                                       \
        return #n;
    UTIL_FUNCS(FWD_CHECK)
    return NULL;
}
#else
static const char *missing_forward(void) { return NULL; }
#endif

static char *err_buf;
static size_t err_len;

#define CHECK(c)                                                                             \
    do {                                                                                     \
        if (!(c)) {                                                                          \
            snprintf(err_buf, err_len, "%s:%d: %s", __FILE__, __LINE__, #c);                 \
            return 1;                                                                        \
        }                                                                                    \
    } while (0)

#define INT_PTR(i) ((void *) (uintptr_t) (i))
#define PTR_INT(p) ((uintptr_t) (p))

/* ---- threads ----------------------------------------------------------------------- */

static void *add_one(void *arg) { return INT_PTR(PTR_INT(arg) + 1); }

static void __attribute__((noinline)) exit_deeper(void *res)
{
    erl_drv_thread_exit(res);
}

static void *exiter(void *arg)
{
    exit_deeper(INT_PTR(PTR_INT(arg) * 2));
    return INT_PTR(1); /* not reached */
}

struct who {
    ErlDrvTid self;
    int equal;
    char name[32];
};

static void *who_am_i(void *arg)
{
    struct who *w = arg;
    w->self = erl_drv_thread_self();
    w->equal = erl_drv_equal_tids(w->self, erl_drv_thread_self());
    strncpy(w->name, erl_drv_thread_name(w->self), sizeof(w->name) - 1);
    return arg;
}

static int test_threads(void)
{
    ErlDrvTid me = erl_drv_thread_self(), tid;
    void *res = NULL;
    ErlDrvThreadOpts *opts = erl_drv_thread_opts_create("opts");
    struct who w;

    CHECK(opts != NULL);
    CHECK(opts->suggested_stack_size < 0);
    opts->suggested_stack_size = 64;
    CHECK(erl_drv_thread_create("adder", &tid, add_one, INT_PTR(41), opts) == 0);
    CHECK(strcmp(erl_drv_thread_name(tid), "adder") == 0);
    CHECK(erl_drv_thread_join(tid, &res) == 0);
    CHECK(PTR_INT(res) == 42);

    /* erl_drv_thread_exit from a nested C call. */
    res = NULL;
    CHECK(erl_drv_thread_create("exiter", &tid, exiter, INT_PTR(50), NULL) == 0);
    CHECK(erl_drv_thread_join(tid, &res) == 0);
    CHECK(PTR_INT(res) == 100);
    erl_drv_thread_opts_destroy(opts);

    memset(&w, 0, sizeof(w));
    CHECK(erl_drv_thread_create("who", &tid, who_am_i, &w, NULL) == 0);
    CHECK(erl_drv_thread_join(tid, NULL) == 0);
    CHECK(w.self == tid);
    CHECK(w.equal);
    CHECK(strcmp(w.name, "who") == 0);
    /* The calling thread was not made by erl_drv_thread_create: it still has a handle. */
    CHECK(me != NULL);
    CHECK(erl_drv_equal_tids(me, erl_drv_thread_self()));
    CHECK(!erl_drv_equal_tids(me, w.self));
    return 0;
}

/* ---- locks ------------------------------------------------------------------------- */

#define ROUNDS 1000

struct table {
    ErlDrvMutex *mtx;
    ErlDrvCond *cnd;
    int counter;
};

struct player {
    struct table *t;
    int parity;
};

static void *play(void *arg)
{
    struct player *p = arg;
    int i;
    for (i = 0; i < ROUNDS; i++) {
        erl_drv_mutex_lock(p->t->mtx);
        while (p->t->counter % 2 != p->parity)
            erl_drv_cond_wait(p->t->cnd, p->t->mtx);
        p->t->counter++;
        erl_drv_cond_signal(p->t->cnd);
        erl_drv_mutex_unlock(p->t->mtx);
    }
    return NULL;
}

static void *try_write(void *arg) { return INT_PTR(erl_drv_rwlock_tryrwlock(arg)); }

static void *try_read(void *arg)
{
    int rc = erl_drv_rwlock_tryrlock(arg);
    if (rc == 0)
        erl_drv_rwlock_runlock(arg);
    return INT_PTR(rc);
}

static void *try_mutex(void *arg) { return INT_PTR(erl_drv_mutex_trylock(arg)); }

static int test_locks(void)
{
    struct table t;
    struct player a, b;
    ErlDrvTid ta, tb;
    ErlDrvRWLock *rw;
    void *res;

    t.mtx = erl_drv_mutex_create("pp mutex");
    t.cnd = erl_drv_cond_create("pp cond");
    t.counter = 0;
    CHECK(t.mtx && t.cnd);
    CHECK(strcmp(erl_drv_mutex_name(t.mtx), "pp mutex") == 0);
    CHECK(strcmp(erl_drv_cond_name(t.cnd), "pp cond") == 0);
    a.t = b.t = &t;
    a.parity = 0;
    b.parity = 1;
    CHECK(erl_drv_thread_create("a", &ta, play, &a, NULL) == 0);
    CHECK(erl_drv_thread_create("b", &tb, play, &b, NULL) == 0);
    CHECK(erl_drv_thread_join(ta, NULL) == 0);
    CHECK(erl_drv_thread_join(tb, NULL) == 0);
    CHECK(t.counter == 2 * ROUNDS);

    CHECK(erl_drv_mutex_trylock(t.mtx) == 0);
    CHECK(erl_drv_thread_create("try", &ta, try_mutex, t.mtx, NULL) == 0);
    CHECK(erl_drv_thread_join(ta, &res) == 0);
    CHECK(PTR_INT(res) == EBUSY);
    erl_drv_mutex_unlock(t.mtx);
    erl_drv_cond_broadcast(t.cnd);
    erl_drv_cond_destroy(t.cnd);
    erl_drv_mutex_destroy(t.mtx);

    rw = erl_drv_rwlock_create(NULL);
    CHECK(rw != NULL);
    CHECK(erl_drv_rwlock_name(rw) != NULL);
    erl_drv_rwlock_rlock(rw);
    CHECK(erl_drv_thread_create("w", &ta, try_write, rw, NULL) == 0);
    CHECK(erl_drv_thread_join(ta, &res) == 0);
    CHECK(PTR_INT(res) == EBUSY);
    CHECK(erl_drv_thread_create("r", &ta, try_read, rw, NULL) == 0);
    CHECK(erl_drv_thread_join(ta, &res) == 0);
    CHECK(PTR_INT(res) == 0);
    erl_drv_rwlock_runlock(rw);
    erl_drv_rwlock_rwlock(rw);
    CHECK(erl_drv_thread_create("r", &ta, try_read, rw, NULL) == 0);
    CHECK(erl_drv_thread_join(ta, &res) == 0);
    CHECK(PTR_INT(res) == EBUSY);
    erl_drv_rwlock_rwunlock(rw);
    CHECK(erl_drv_rwlock_tryrwlock(rw) == 0);
    erl_drv_rwlock_rwunlock(rw);
    erl_drv_rwlock_destroy(rw);
    return 0;
}

/* ---- thread-specific data ---------------------------------------------------------- */

static ErlDrvTSDKey tsd_key;

static void *tsd_thread(void *arg)
{
    int fresh = erl_drv_tsd_get(tsd_key) == NULL;
    erl_drv_tsd_set(tsd_key, arg);
    return fresh && erl_drv_tsd_get(tsd_key) == arg ? arg : NULL;
}

static int test_tsd(void)
{
    ErlDrvTid t1, t2;
    void *r1, *r2;
    CHECK(erl_drv_tsd_key_create("key", &tsd_key) == 0);
    erl_drv_tsd_set(tsd_key, INT_PTR(7));
    CHECK(erl_drv_thread_create("t1", &t1, tsd_thread, INT_PTR(1), NULL) == 0);
    CHECK(erl_drv_thread_create("t2", &t2, tsd_thread, INT_PTR(2), NULL) == 0);
    CHECK(erl_drv_thread_join(t1, &r1) == 0);
    CHECK(erl_drv_thread_join(t2, &r2) == 0);
    CHECK(PTR_INT(r1) == 1 && PTR_INT(r2) == 2);
    CHECK(PTR_INT(erl_drv_tsd_get(tsd_key)) == 7);
    erl_drv_tsd_key_destroy(tsd_key);
    return 0;
}

/* ---- environment, time, memory, system information ---------------------------------- */

static int test_env(void)
{
    char buf[16];
    size_t size = 4;
    CHECK(erl_drv_putenv("BEAM_RS_UTIL_C_TEST", "0123456789") == 0);
    CHECK(erl_drv_getenv("BEAM_RS_UTIL_C_TEST", buf, &size) > 0);
    CHECK(size == 11);
    size = sizeof(buf);
    CHECK(erl_drv_getenv("BEAM_RS_UTIL_C_TEST", buf, &size) == 0);
    CHECK(size == 10);
    CHECK(strcmp(buf, "0123456789") == 0);
    size = sizeof(buf);
    CHECK(erl_drv_getenv("BEAM_RS_UTIL_C_TEST_UNSET", buf, &size) < 0);
    return 0;
}

static int test_time(void)
{
    ErlDrvTime a = erl_drv_monotonic_time(ERL_DRV_USEC);
    ErlDrvTime b = erl_drv_monotonic_time(ERL_DRV_USEC);
    ErlDrvTime off = erl_drv_time_offset(ERL_DRV_SEC);
    ErlDrvNowData n1, n2;
    CHECK(a != ERL_DRV_TIME_ERROR && a <= b);
    CHECK(off != ERL_DRV_TIME_ERROR);
    /* System time (monotonic plus offset) is after 2020. */
    CHECK(erl_drv_monotonic_time(ERL_DRV_SEC) + off > 1577836800);
    CHECK(erl_drv_monotonic_time((ErlDrvTimeUnit) 17) == ERL_DRV_TIME_ERROR);
    CHECK(erl_drv_convert_time_unit(1, ERL_DRV_SEC, ERL_DRV_MSEC) == 1000);
    CHECK(erl_drv_convert_time_unit(-1, ERL_DRV_NSEC, ERL_DRV_SEC) == -1);
    CHECK(erl_drv_convert_time_unit(2999, ERL_DRV_USEC, ERL_DRV_MSEC) == 2);
    CHECK(erl_drv_convert_time_unit(1, (ErlDrvTimeUnit) 9, ERL_DRV_SEC) == ERL_DRV_TIME_ERROR);
    /* driver_get_now is deprecated but still part of the interface. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    CHECK(driver_get_now(&n1) == 0);
    CHECK(driver_get_now(&n2) == 0);
#pragma GCC diagnostic pop
    CHECK(n1.megasecs > 0 && n1.secs < 1000000 && n1.microsecs < 1000000);
    CHECK((n2.megasecs * 1000000 + n2.secs) * 1000000 + n2.microsecs >
          (n1.megasecs * 1000000 + n1.secs) * 1000000 + n1.microsecs);
    return 0;
}

static int test_memory(void)
{
    char *p = driver_alloc(0), *q;
    CHECK(p != NULL);
    driver_free(p);
    p = driver_alloc(6);
    CHECK(p != NULL);
    memcpy(p, "hello", 6);
    q = driver_realloc(p, 1 << 16);
    CHECK(q != NULL && strcmp(q, "hello") == 0);
    driver_free(q);
    driver_free(NULL);
    return 0;
}

static int test_sysinfo(void)
{
    ErlDrvSysInfo si;
    memset(&si, 0xff, sizeof(si));
    driver_system_info(&si, sizeof(si));
    CHECK(si.driver_major_version == ERL_DRV_EXTENDED_MAJOR_VERSION);
    CHECK(si.driver_minor_version == ERL_DRV_EXTENDED_MINOR_VERSION);
    CHECK(strcmp(si.otp_release, "25") == 0);
    CHECK(si.erts_version != NULL && si.erts_version[0] >= '1' && si.erts_version[0] <= '9');
    CHECK(si.thread_support && si.smp_support && si.dirty_scheduler_support == 1);
    CHECK(si.async_threads >= 0 && si.scheduler_threads >= 1);
    CHECK(si.nif_major_version == 2 && si.nif_minor_version == 16);

    /* An old driver's structure ends before async_threads. */
    memset(&si, 0xff, sizeof(si));
    driver_system_info(&si, offsetof(ErlDrvSysInfo, async_threads));
    CHECK(si.smp_support == 1);
    CHECK(si.async_threads == -1 && si.dirty_scheduler_support == -1);

    CHECK(strcmp(erl_errno_id(ENOENT), "enoent") == 0);
    CHECK(strcmp(erl_errno_id(EMFILE), "emfile") == 0);
    CHECK(null_func() == 0);
    return 0;
}

int util_test_run(char *err, size_t len)
{
    const char *missing = missing_forward();
    err_buf = err;
    err_len = len;
    if (missing) {
        snprintf(err, len, "no address for %s", missing);
        return 1;
    }
    return test_threads() || test_locks() || test_tsd() || test_env() || test_time() ||
           test_memory() || test_sysinfo();
}
