/* Test NIF library for tests/erl/nif_threads.erl: threads (create with and without options,
 * join, exit values, names, ids), mutexes (exclusion, trylock), condition variables (signal
 * and broadcast), reader-writer locks (shared readers, exclusive writers, try variants),
 * thread-specific data, and what a created thread is told by enif_thread_type and the time
 * functions. Every result is deterministic: threads are joined before the NIF returns. */
#include <erl_nif.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

static ERL_NIF_TERM atom_ok;

static int load(ErlNifEnv *env, void **priv, ERL_NIF_TERM info)
{
    atom_ok = enif_make_atom(env, "ok");
    return 0;
}

#define MAX_THREADS 16

/* ---- a counter under a mutex ------------------------------------------------------------- */

typedef struct {
    ErlNifMutex *mx;
    long counter;
    int iters;
} shared_t;

typedef struct {
    shared_t *sh;
    int index;
} worker_t;

static void *count_main(void *arg)
{
    worker_t *w = arg;
    int i;
    for (i = 0; i < w->sh->iters; i++) {
        enif_mutex_lock(w->sh->mx);
        w->sh->counter++;
        enif_mutex_unlock(w->sh->mx);
    }
    /* Odd threads leave through enif_thread_exit, even ones by returning. */
    if (w->index % 2)
        enif_thread_exit((void *)(intptr_t)(w->index + 1));
    return (void *)(intptr_t)(w->index + 1);
}

static ERL_NIF_TERM count(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    shared_t sh;
    worker_t w[MAX_THREADS];
    ErlNifTid tids[MAX_THREADS];
    int n, i, created = 0, joined = 0;
    long sum = 0;
    if (!enif_get_int(env, argv[0], &n) || n < 1 || n > MAX_THREADS ||
        !enif_get_int(env, argv[1], &sh.iters))
        return enif_make_badarg(env);
    sh.mx = enif_mutex_create("nif_threads_count");
    sh.counter = 0;
    for (i = 0; i < n; i++) {
        w[i].sh = &sh;
        w[i].index = i;
        if (enif_thread_create("nif_threads_counter", &tids[i], count_main, &w[i], NULL) == 0)
            created++;
    }
    for (i = 0; i < created; i++) {
        void *res = NULL;
        if (enif_thread_join(tids[i], &res) == 0)
            joined++;
        sum += (long)(intptr_t)res;
    }
    enif_mutex_destroy(sh.mx);
    return enif_make_tuple4(env, enif_make_int(env, created), enif_make_int(env, joined),
                            enif_make_long(env, sh.counter), enif_make_long(env, sum));
}

/* ---- condition variables ----------------------------------------------------------------- */

typedef struct {
    ErlNifMutex *mx;
    ErlNifCond *cv;
    int turn;      /* whose turn: 0 or 1 */
    int rounds;
    int trace[400];
    int ntrace;
} pingpong_t;

typedef struct {
    pingpong_t *pp;
    int me;
} player_t;

static void *player_main(void *arg)
{
    player_t *p = arg;
    pingpong_t *pp = p->pp;
    int i;
    for (i = 0; i < pp->rounds; i++) {
        enif_mutex_lock(pp->mx);
        while (pp->turn != p->me)
            enif_cond_wait(pp->cv, pp->mx);
        pp->trace[pp->ntrace++] = p->me;
        pp->turn = 1 - p->me;
        enif_cond_signal(pp->cv);
        enif_mutex_unlock(pp->mx);
    }
    return NULL;
}

/* Two threads taking turns `rounds` times each: the trace alternates 0, 1, 0, 1, ... */
static ERL_NIF_TERM pingpong(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    pingpong_t pp;
    player_t pl[2];
    ErlNifTid tids[2];
    int i, alternates = 1;
    memset(&pp, 0, sizeof pp);
    if (!enif_get_int(env, argv[0], &pp.rounds) || pp.rounds < 0 || pp.rounds > 200)
        return enif_make_badarg(env);
    pp.mx = enif_mutex_create("nif_threads_pp");
    pp.cv = enif_cond_create("nif_threads_pp");
    for (i = 0; i < 2; i++) {
        pl[i].pp = &pp;
        pl[i].me = 1 - i; /* the second player created starts */
        enif_thread_create("nif_threads_player", &tids[i], player_main, &pl[i], NULL);
    }
    for (i = 0; i < 2; i++)
        enif_thread_join(tids[i], NULL);
    for (i = 0; i < pp.ntrace; i++)
        if (pp.trace[i] != i % 2)
            alternates = 0;
    enif_cond_destroy(pp.cv);
    enif_mutex_destroy(pp.mx);
    return enif_make_tuple2(env, enif_make_int(env, pp.ntrace), enif_make_int(env, alternates));
}

typedef struct {
    ErlNifMutex *mx;
    ErlNifCond *cv;
    int go;
    int waiting;
    int released;
} gate_t;

static void *waiter_main(void *arg)
{
    gate_t *g = arg;
    enif_mutex_lock(g->mx);
    g->waiting++;
    enif_cond_broadcast(g->cv); /* tell the opener one more waits */
    while (!g->go)
        enif_cond_wait(g->cv, g->mx);
    g->released++;
    enif_mutex_unlock(g->mx);
    return NULL;
}

/* N threads wait at a gate; once all wait, one broadcast releases every one. */
static ERL_NIF_TERM broadcast(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    gate_t g;
    ErlNifTid tids[MAX_THREADS];
    int n, i, released_before;
    memset(&g, 0, sizeof g);
    if (!enif_get_int(env, argv[0], &n) || n < 1 || n > MAX_THREADS)
        return enif_make_badarg(env);
    g.mx = enif_mutex_create("nif_threads_gate");
    g.cv = enif_cond_create("nif_threads_gate");
    for (i = 0; i < n; i++)
        enif_thread_create("nif_threads_waiter", &tids[i], waiter_main, &g, NULL);
    enif_mutex_lock(g.mx);
    while (g.waiting < n)
        enif_cond_wait(g.cv, g.mx);
    released_before = g.released;
    g.go = 1;
    enif_cond_broadcast(g.cv);
    enif_mutex_unlock(g.mx);
    for (i = 0; i < n; i++)
        enif_thread_join(tids[i], NULL);
    enif_cond_destroy(g.cv);
    enif_mutex_destroy(g.mx);
    return enif_make_tuple3(env, enif_make_int(env, g.waiting), enif_make_int(env, released_before),
                            enif_make_int(env, g.released));
}

/* ---- try-locks from another thread ------------------------------------------------------- */

typedef struct {
    ErlNifMutex *mx;
    ErlNifRWLock *rw;
    char what; /* 'm': mutex trylock, 'r': tryrlock, 'w': tryrwlock */
    int result;
} probe_t;

static void *probe_main(void *arg)
{
    probe_t *p = arg;
    if (p->what == 'm') {
        p->result = enif_mutex_trylock(p->mx);
        if (p->result == 0)
            enif_mutex_unlock(p->mx);
    } else if (p->what == 'r') {
        p->result = enif_rwlock_tryrlock(p->rw);
        if (p->result == 0)
            enif_rwlock_runlock(p->rw);
    } else {
        p->result = enif_rwlock_tryrwlock(p->rw);
        if (p->result == 0)
            enif_rwlock_rwunlock(p->rw);
    }
    return NULL;
}

/* What a try-lock in another thread gets. */
static int probe(ErlNifMutex *mx, ErlNifRWLock *rw, char what)
{
    probe_t p;
    ErlNifTid tid;
    p.mx = mx;
    p.rw = rw;
    p.what = what;
    p.result = -1;
    if (enif_thread_create("nif_threads_probe", &tid, probe_main, &p, NULL) != 0)
        return -2;
    enif_thread_join(tid, NULL);
    return p.result == 0 ? 0 : p.result == EBUSY ? 1 : p.result;
}

/* Try-lock results (0 = got it, 1 = EBUSY) while the NIF holds nothing, a mutex, a read
 * lock, two read locks, a write lock. */
static ERL_NIF_TERM trylocks(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifMutex *mx = enif_mutex_create("nif_threads_try");
    ErlNifRWLock *rw = enif_rwlock_create("nif_threads_try");
    ERL_NIF_TERM r[9];
    r[0] = enif_make_int(env, probe(mx, rw, 'm'));
    enif_mutex_lock(mx);
    r[1] = enif_make_int(env, probe(mx, rw, 'm'));
    enif_mutex_unlock(mx);
    r[2] = enif_make_int(env, probe(mx, rw, 'm'));
    enif_rwlock_rlock(rw);
    r[3] = enif_make_int(env, probe(mx, rw, 'r'));
    r[4] = enif_make_int(env, probe(mx, rw, 'w'));
    enif_rwlock_rlock(rw); /* a second shared hold by the same thread */
    r[5] = enif_make_int(env, probe(mx, rw, 'r'));
    enif_rwlock_runlock(rw);
    enif_rwlock_runlock(rw);
    enif_rwlock_rwlock(rw);
    r[6] = enif_make_int(env, probe(mx, rw, 'r'));
    r[7] = enif_make_int(env, probe(mx, rw, 'w'));
    enif_rwlock_rwunlock(rw);
    r[8] = enif_make_int(env, probe(mx, rw, 'w') * 10 + enif_mutex_trylock(mx));
    enif_mutex_unlock(mx);
    enif_rwlock_destroy(rw);
    enif_mutex_destroy(mx);
    return enif_make_list_from_array(env, r, 9);
}

/* ---- reader-writer lock: writers exclusive, readers see whole updates ------------------- */

typedef struct {
    ErlNifRWLock *rw;
    long a, b;     /* kept equal by writers */
    int torn;      /* a reader saw them differ */
    int iters;
} table_t;

static void *rw_writer(void *arg)
{
    table_t *t = arg;
    int i;
    for (i = 0; i < t->iters; i++) {
        enif_rwlock_rwlock(t->rw);
        t->a++;
        t->b++;
        enif_rwlock_rwunlock(t->rw);
    }
    return NULL;
}

static void *rw_reader(void *arg)
{
    table_t *t = arg;
    int i;
    for (i = 0; i < t->iters; i++) {
        long a, b;
        enif_rwlock_rlock(t->rw);
        a = t->a;
        b = t->b;
        enif_rwlock_runlock(t->rw);
        if (a != b)
            __sync_fetch_and_add(&t->torn, 1);
    }
    return NULL;
}

static ERL_NIF_TERM rwlock(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    table_t t;
    ErlNifTid tids[8];
    int i;
    memset(&t, 0, sizeof t);
    if (!enif_get_int(env, argv[0], &t.iters))
        return enif_make_badarg(env);
    t.rw = enif_rwlock_create("nif_threads_table");
    for (i = 0; i < 8; i++)
        enif_thread_create("nif_threads_rw", &tids[i], i < 3 ? rw_writer : rw_reader, &t, NULL);
    for (i = 0; i < 8; i++)
        enif_thread_join(tids[i], NULL);
    enif_rwlock_destroy(t.rw);
    return enif_make_tuple3(env, enif_make_long(env, t.a), enif_make_long(env, t.b),
                            enif_make_int(env, t.torn));
}

/* ---- thread-specific data ---------------------------------------------------------------- */

typedef struct {
    ErlNifTSDKey key;
    int index;
    int before_null;
    int after_ok;
} tsd_worker_t;

static void *tsd_main(void *arg)
{
    tsd_worker_t *w = arg;
    int i;
    w->before_null = enif_tsd_get(w->key) == NULL;
    enif_tsd_set(w->key, &w->index);
    w->after_ok = 1;
    for (i = 0; i < 1000; i++)
        if (enif_tsd_get(w->key) != &w->index)
            w->after_ok = 0;
    return NULL;
}

static ERL_NIF_TERM tsd(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifTSDKey key, key2;
    tsd_worker_t w[8];
    ErlNifTid tids[8];
    int mine = 42, i, before, kept, nulls = 0, oks = 0, other;
    if (enif_tsd_key_create("nif_threads_key", &key) != 0 ||
        enif_tsd_key_create("nif_threads_key2", &key2) != 0)
        return enif_make_atom(env, "key_create_failed");
    before = enif_tsd_get(key) == NULL;
    enif_tsd_set(key, &mine);
    for (i = 0; i < 8; i++) {
        w[i].key = key;
        w[i].index = i;
        enif_thread_create("nif_threads_tsd", &tids[i], tsd_main, &w[i], NULL);
    }
    for (i = 0; i < 8; i++) {
        enif_thread_join(tids[i], NULL);
        nulls += w[i].before_null;
        oks += w[i].after_ok;
    }
    kept = enif_tsd_get(key) == &mine;
    other = enif_tsd_get(key2) == NULL;
    enif_tsd_set(key, NULL);
    enif_tsd_key_destroy(key);
    enif_tsd_key_destroy(key2);
    return enif_make_list5(env, enif_make_int(env, before), enif_make_int(env, nulls),
                           enif_make_int(env, oks), enif_make_int(env, kept), enif_make_int(env, other));
}

/* ---- names, ids, options, what a created thread is told --------------------------------- */

typedef struct {
    ErlNifTid self;
    int type;
    ErlNifTime mono, offset, converted;
    char name[64];
    int depth;
} inside_t;

static int recurse(int n)
{
    volatile char pad[256];
    pad[0] = (char)n;
    if (n == 0)
        return pad[0];
    return recurse(n - 1) + 1 + pad[0] * 0;
}

static void *inside_main(void *arg)
{
    inside_t *in = arg;
    char *name;
    void *mem;
    in->self = enif_thread_self();
    in->type = enif_thread_type();
    in->mono = enif_monotonic_time(ERL_NIF_MSEC);
    in->offset = enif_time_offset(ERL_NIF_SEC);
    in->converted = enif_convert_time_unit(5000, ERL_NIF_MSEC, ERL_NIF_SEC);
    name = enif_thread_name(in->self);
    strncpy(in->name, name ? name : "(null)", sizeof in->name - 1);
    in->depth = recurse(100);
    mem = enif_alloc(100);
    mem = enif_realloc(mem, 10000);
    memset(mem, 1, 10000);
    enif_free(mem);
    return NULL;
}

static ERL_NIF_TERM inside(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    inside_t in;
    ErlNifTid tid;
    ErlNifThreadOpts *opts = NULL;
    int rc;
    memset(&in, 0, sizeof in);
    if (argv[0] == enif_make_atom(env, "true")) {
        opts = enif_thread_opts_create("nif_threads_opts");
        opts->suggested_stack_size = 128; /* kilowords */
    }
    rc = enif_thread_create("nif_threads_inside", &tid, inside_main, &in, opts);
    if (rc != 0)
        return enif_make_int(env, rc);
    enif_thread_join(tid, NULL);
    if (opts)
        enif_thread_opts_destroy(opts);
    return enif_make_list(env, 8, enif_make_int(env, in.type),
                          enif_make_int(env, in.mono == ERL_NIF_TIME_ERROR),
                          enif_make_int(env, in.offset == ERL_NIF_TIME_ERROR),
                          enif_make_int64(env, in.converted),
                          enif_make_string(env, in.name, ERL_NIF_LATIN1),
                          enif_make_int(env, enif_equal_tids(in.self, tid) != 0),
                          enif_make_int(env, enif_equal_tids(in.self, enif_thread_self()) != 0),
                          enif_make_int(env, in.depth));
}

static ERL_NIF_TERM lock_names(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifMutex *mx = enif_mutex_create("nif_threads_mutex");
    ErlNifCond *cv = enif_cond_create("nif_threads_cond");
    ErlNifRWLock *rw = enif_rwlock_create("nif_threads_rwlock");
    char *a = enif_mutex_name(mx), *b = enif_cond_name(cv), *c = enif_rwlock_name(rw);
    ERL_NIF_TERM r = enif_make_list3(env,
                                     a ? enif_make_string(env, a, ERL_NIF_LATIN1) : enif_make_atom(env, "null"),
                                     b ? enif_make_string(env, b, ERL_NIF_LATIN1) : enif_make_atom(env, "null"),
                                     c ? enif_make_string(env, c, ERL_NIF_LATIN1) : enif_make_atom(env, "null"));
    enif_mutex_destroy(mx);
    enif_cond_destroy(cv);
    enif_rwlock_destroy(rw);
    return r;
}

/* On a scheduler: the thread type, and whether the thread equals itself. */
static ERL_NIF_TERM here(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifTid me = enif_thread_self();
    return enif_make_tuple3(env, enif_make_int(env, enif_thread_type()),
                            enif_make_int(env, enif_equal_tids(me, enif_thread_self()) != 0),
                            enif_make_int(env, enif_monotonic_time(ERL_NIF_MSEC) != ERL_NIF_TIME_ERROR));
}

static ErlNifFunc funcs[] = {
    {"count", 2, count, 0},
    {"pingpong", 1, pingpong, 0},
    {"broadcast", 1, broadcast, 0},
    {"trylocks", 0, trylocks, 0},
    {"rwlock", 1, rwlock, 0},
    {"tsd", 0, tsd, 0},
    {"inside", 1, inside, 0},
    {"lock_names", 0, lock_names, 0},
    {"here", 0, here, 0},
};

ERL_NIF_INIT(nif_threads, funcs, load, NULL, NULL, NULL)
