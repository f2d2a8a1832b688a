/* Test NIF library for the NIF stress programs (the .erl files of tests/nif_stress, run by
 * tests/nif_stress.rs): enif_send storms from many created threads at once, resources
 * shared by many processes and released from any thread (each destructor counted per
 * object), and resources monitoring many processes. */
#include <erl_nif.h>
#include <stdint.h>
#include <string.h>

#define MAX_SENDERS 16
#define MAX_TARGETS 1024
#define MAX_OBJECTS (1 << 17)

/* ---- send storms ------------------------------------------------------------------------- */

typedef struct storm storm_t;

typedef struct {
    storm_t *st;
    int index;
    ErlNifTid tid;
    long failed;
} sender_t;

struct storm {
    ErlNifPid targets[MAX_TARGETS];
    int ntargets;
    int per_thread;
    int nthreads;
    sender_t senders[MAX_SENDERS];
    /* A gate so that every thread starts sending at once. */
    ErlNifMutex *mx;
    ErlNifCond *cv;
    int ready;
    int go;
    int joined;
};

static ErlNifResourceType *storm_type;

/* The payload of message Seq of thread T: a binary whose bytes are derived from T and Seq,
 * long enough (every 7th message) to be a reference-counted binary. */
static ERL_NIF_TERM payload(ErlNifEnv *env, int t, int seq)
{
    ERL_NIF_TERM bin;
    size_t n = seq % 7 == 0 ? 200 : 1 + seq % 13, i;
    unsigned char *p = enif_make_new_binary(env, n, &bin);
    for (i = 0; i < n; i++)
        p[i] = (unsigned char)(t * 31 + seq + i);
    return bin;
}

static void *sender_main(void *arg)
{
    sender_t *s = arg;
    storm_t *st = s->st;
    ErlNifEnv *env = enif_alloc_env();
    int seq;
    enif_mutex_lock(st->mx);
    st->ready++;
    enif_cond_broadcast(st->cv);
    while (!st->go)
        enif_cond_wait(st->cv, st->mx);
    enif_mutex_unlock(st->mx);
    for (seq = 0; seq < st->per_thread; seq++) {
        /* Thread T sends its messages to the targets round-robin, starting at target T. */
        ErlNifPid *to = &st->targets[(s->index + seq) % st->ntargets];
        ERL_NIF_TERM msg = enif_make_tuple4(env, enif_make_atom(env, "storm"), enif_make_int(env, s->index),
                                            enif_make_int(env, seq), payload(env, s->index, seq));
        if (!enif_send(NULL, to, env, msg))
            s->failed++;
        enif_clear_env(env);
    }
    enif_free_env(env);
    return NULL;
}

static void storm_dtor(ErlNifEnv *env, void *obj)
{
    storm_t *st = obj;
    int i;
    if (!st->joined)
        for (i = 0; i < st->nthreads; i++)
            enif_thread_join(st->senders[i].tid, NULL);
    enif_cond_destroy(st->cv);
    enif_mutex_destroy(st->mx);
}

/* storm(Targets, Threads, PerThread): starts the sending threads (all released together
 * once every one is ready) and returns a handle for storm_join/1. */
static ERL_NIF_TERM storm(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    storm_t *st;
    ERL_NIF_TERM l = argv[0], h, r;
    int nthreads, per, i;
    if (!enif_get_int(env, argv[1], &nthreads) || nthreads < 1 || nthreads > MAX_SENDERS ||
        !enif_get_int(env, argv[2], &per) || per < 0)
        return enif_make_badarg(env);
    st = enif_alloc_resource(storm_type, sizeof(storm_t));
    memset(st, 0, sizeof *st);
    while (enif_get_list_cell(env, l, &h, &l)) {
        if (st->ntargets == MAX_TARGETS || !enif_get_local_pid(env, h, &st->targets[st->ntargets])) {
            enif_release_resource(st);
            return enif_make_badarg(env);
        }
        st->ntargets++;
    }
    st->per_thread = per;
    st->mx = enif_mutex_create("nif_stress_storm");
    st->cv = enif_cond_create("nif_stress_storm");
    if (st->ntargets == 0) {
        st->joined = 1;
        enif_release_resource(st);
        return enif_make_badarg(env);
    }
    for (i = 0; i < nthreads; i++) {
        st->senders[i].st = st;
        st->senders[i].index = i;
        if (enif_thread_create("nif_stress_sender", &st->senders[i].tid, sender_main,
                               &st->senders[i], NULL) != 0)
            break;
        st->nthreads++;
    }
    enif_mutex_lock(st->mx);
    while (st->ready < st->nthreads)
        enif_cond_wait(st->cv, st->mx);
    st->go = 1;
    enif_cond_broadcast(st->cv);
    enif_mutex_unlock(st->mx);
    r = enif_make_resource(env, st);
    enif_release_resource(st);
    return enif_make_tuple2(env, enif_make_int(env, st->nthreads), r);
}

/* storm_join(Handle): waits for the senders; the number of failed sends. */
static ERL_NIF_TERM storm_join(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    storm_t *st;
    long failed = 0;
    int i;
    if (!enif_get_resource(env, argv[0], storm_type, (void **)&st) || st->joined)
        return enif_make_badarg(env);
    for (i = 0; i < st->nthreads; i++) {
        enif_thread_join(st->senders[i].tid, NULL);
        failed += st->senders[i].failed;
    }
    st->joined = 1;
    return enif_make_long(env, failed);
}

/* check(T, Seq, Payload): whether the payload is the one thread T sent as message Seq. */
static ERL_NIF_TERM check(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    int t, seq;
    ErlNifBinary b;
    size_t n, i;
    if (!enif_get_int(env, argv[0], &t) || !enif_get_int(env, argv[1], &seq) ||
        !enif_inspect_binary(env, argv[2], &b))
        return enif_make_atom(env, "false");
    n = seq % 7 == 0 ? 200 : 1 + seq % 13;
    if (b.size != n)
        return enif_make_atom(env, "false");
    for (i = 0; i < n; i++)
        if (b.data[i] != (unsigned char)(t * 31 + seq + i))
            return enif_make_atom(env, "false");
    return enif_make_atom(env, "true");
}

/* ---- shared resources -------------------------------------------------------------------- */

typedef struct {
    long id;
    long touches;
} obj_t;

static ErlNifResourceType *obj_type;
static volatile long next_id = 0;
static volatile long created = 0;
static volatile long destroyed = 0;
/* Per object: how many times its destructor ran (must end at exactly 1). */
static volatile int dtor_runs[MAX_OBJECTS];

static void obj_dtor(ErlNifEnv *env, void *p)
{
    obj_t *o = p;
    if (o->id >= 0 && o->id < MAX_OBJECTS)
        __sync_fetch_and_add(&dtor_runs[o->id], 1);
    __sync_fetch_and_add(&destroyed, 1);
}

static ERL_NIF_TERM obj_new(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    obj_t *o = enif_alloc_resource(obj_type, sizeof(obj_t));
    ERL_NIF_TERM t;
    o->id = __sync_fetch_and_add(&next_id, 1);
    o->touches = 0;
    __sync_fetch_and_add(&created, 1);
    t = enif_make_resource(env, o);
    enif_release_resource(o);
    return t;
}

static ERL_NIF_TERM obj_touch(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    obj_t *o;
    if (!enif_get_resource(env, argv[0], obj_type, (void **)&o))
        return enif_make_badarg(env);
    return enif_make_long(env, __sync_add_and_fetch(&o->touches, 1));
}

/* Counts held by threads that drop them later: each releaser thread releases the counts it
 * was given. */
typedef struct {
    obj_t *objs[64];
    int n;
} releaser_t;

static ErlNifMutex *releasers_mx;
static ErlNifTid releasers[4096];
static releaser_t *releaser_args[4096];
static int nreleasers = 0;

static void *releaser_main(void *arg)
{
    releaser_t *r = arg;
    int i;
    for (i = 0; i < r->n; i++)
        enif_release_resource(r->objs[i]);
    return NULL;
}

/* release_later(Objs): keeps a count on each object and hands the counts to a new thread,
 * which releases them (perhaps the last counts: the destructors then run on that thread). */
static ERL_NIF_TERM release_later(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    releaser_t *r = enif_alloc(sizeof(releaser_t));
    ERL_NIF_TERM l = argv[0], h;
    int i, ok;
    r->n = 0;
    while (enif_get_list_cell(env, l, &h, &l) && r->n < 64) {
        obj_t *o;
        if (!enif_get_resource(env, h, obj_type, (void **)&o)) {
            for (i = 0; i < r->n; i++)
                enif_release_resource(r->objs[i]);
            enif_free(r);
            return enif_make_badarg(env);
        }
        enif_keep_resource(o);
        r->objs[r->n++] = o;
    }
    enif_mutex_lock(releasers_mx);
    ok = nreleasers < 4096 &&
         enif_thread_create("nif_stress_releaser", &releasers[nreleasers], releaser_main, r, NULL) == 0;
    if (ok)
        releaser_args[nreleasers++] = r;
    enif_mutex_unlock(releasers_mx);
    if (!ok) {
        releaser_main(r);
        enif_free(r);
    }
    return enif_make_atom(env, "ok");
}

static ERL_NIF_TERM join_releasers(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    int i, n;
    enif_mutex_lock(releasers_mx);
    n = nreleasers;
    for (i = 0; i < nreleasers; i++) {
        enif_thread_join(releasers[i], NULL);
        enif_free(releaser_args[i]);
    }
    nreleasers = 0;
    enif_mutex_unlock(releasers_mx);
    return enif_make_int(env, n);
}

/* {Created, Destroyed, objects destroyed more than once, objects of ids below `next_id`
 * not destroyed}. */
static ERL_NIF_TERM obj_counts(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    long i, n = __sync_fetch_and_add(&next_id, 0), twice = 0, alive = 0;
    for (i = 0; i < n && i < MAX_OBJECTS; i++) {
        int runs = __sync_fetch_and_add(&dtor_runs[i], 0);
        if (runs > 1)
            twice++;
        if (runs == 0)
            alive++;
    }
    return enif_make_tuple4(env, enif_make_long(env, __sync_fetch_and_add(&created, 0)),
                            enif_make_long(env, __sync_fetch_and_add(&destroyed, 0)),
                            enif_make_long(env, twice), enif_make_long(env, alive));
}

/* ---- monitors ---------------------------------------------------------------------------- */

typedef struct {
    ErlNifPid owner;
    long downs;
} watcher_t;

static ErlNifResourceType *watcher_type;

static void watcher_down(ErlNifEnv *env, void *obj, ErlNifPid *pid, ErlNifMonitor *mon)
{
    watcher_t *w = obj;
    ErlNifEnv *menv = enif_alloc_env();
    __sync_fetch_and_add(&w->downs, 1);
    enif_send(env, &w->owner, menv,
              enif_make_tuple3(menv, enif_make_atom(menv, "down"), enif_make_pid(menv, pid),
                               enif_make_monitor_term(menv, mon)));
    enif_free_env(menv);
}

static ERL_NIF_TERM watcher_new(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    watcher_t *w = enif_alloc_resource(watcher_type, sizeof(watcher_t));
    ERL_NIF_TERM t;
    enif_self(env, &w->owner);
    w->downs = 0;
    t = enif_make_resource(env, w);
    enif_release_resource(w);
    return t;
}

/* watch(Watcher, Pid): {Result, MonitorTerm} (MonitorTerm `none` when it failed). */
static ERL_NIF_TERM watch(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    watcher_t *w;
    ErlNifPid pid;
    ErlNifMonitor mon;
    int rc;
    if (!enif_get_resource(env, argv[0], watcher_type, (void **)&w) ||
        !enif_get_local_pid(env, argv[1], &pid))
        return enif_make_badarg(env);
    rc = enif_monitor_process(env, w, &pid, &mon);
    return enif_make_tuple2(env, enif_make_int(env, rc),
                            rc == 0 ? enif_make_monitor_term(env, &mon) : enif_make_atom(env, "none"));
}

/* A monitor term's ErlNifMonitor is not recoverable from the term: demonitoring goes by the
 * pid through a table the NIF keeps (unwatch(Watcher, Pid) after watch_keep). */
typedef struct {
    ErlNifPid pid;
    ErlNifMonitor mon;
} kept_t;

static kept_t kept[4096];
static int nkept = 0;
static ErlNifMutex *kept_mx;

static ERL_NIF_TERM watch_keep(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    watcher_t *w;
    ErlNifPid pid;
    int rc;
    if (!enif_get_resource(env, argv[0], watcher_type, (void **)&w) ||
        !enif_get_local_pid(env, argv[1], &pid))
        return enif_make_badarg(env);
    enif_mutex_lock(kept_mx);
    if (nkept == 4096) {
        enif_mutex_unlock(kept_mx);
        return enif_make_badarg(env);
    }
    kept[nkept].pid = pid;
    rc = enif_monitor_process(env, w, &pid, &kept[nkept].mon);
    if (rc == 0)
        nkept++;
    enif_mutex_unlock(kept_mx);
    return enif_make_int(env, rc);
}

static ERL_NIF_TERM unwatch(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    watcher_t *w;
    ErlNifPid pid;
    int i, rc = -1;
    if (!enif_get_resource(env, argv[0], watcher_type, (void **)&w) ||
        !enif_get_local_pid(env, argv[1], &pid))
        return enif_make_badarg(env);
    enif_mutex_lock(kept_mx);
    for (i = 0; i < nkept; i++)
        if (enif_compare(enif_make_pid(env, &kept[i].pid), argv[1]) == 0) {
            rc = enif_demonitor_process(env, w, &kept[i].mon);
            kept[i] = kept[--nkept];
            break;
        }
    enif_mutex_unlock(kept_mx);
    return enif_make_int(env, rc);
}

static ERL_NIF_TERM downs(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    watcher_t *w;
    if (!enif_get_resource(env, argv[0], watcher_type, (void **)&w))
        return enif_make_badarg(env);
    return enif_make_long(env, __sync_fetch_and_add(&w->downs, 0));
}

static int load(ErlNifEnv *env, void **priv, ERL_NIF_TERM info)
{
    ErlNifResourceTypeInit winit;
    storm_type = enif_open_resource_type(env, NULL, "storm", storm_dtor, ERL_NIF_RT_CREATE, NULL);
    obj_type = enif_open_resource_type(env, NULL, "obj", obj_dtor, ERL_NIF_RT_CREATE, NULL);
    memset(&winit, 0, sizeof winit);
    winit.down = watcher_down;
    watcher_type = enif_open_resource_type_x(env, "watcher", &winit, ERL_NIF_RT_CREATE, NULL);
    releasers_mx = enif_mutex_create("nif_stress_releasers");
    kept_mx = enif_mutex_create("nif_stress_kept");
    return storm_type && obj_type && watcher_type ? 0 : 1;
}

static ErlNifFunc funcs[] = {
    {"storm", 3, storm, 0},
    {"storm_join", 1, storm_join, 0},
    {"check", 3, check, 0},
    {"obj_new", 0, obj_new, 0},
    {"obj_touch", 1, obj_touch, 0},
    {"release_later", 1, release_later, 0},
    {"join_releasers", 0, join_releasers, 0},
    {"obj_counts", 0, obj_counts, 0},
    {"watcher_new", 0, watcher_new, 0},
    {"watch", 2, watch, 0},
    {"watch_keep", 2, watch_keep, 0},
    {"unwatch", 2, unwatch, 0},
    {"downs", 1, downs, 0},
};

ERL_NIF_INIT(nif_stress, funcs, load, NULL, NULL, NULL)
