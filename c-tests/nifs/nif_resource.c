/* Test NIF library for tests/erl/nif_resource.erl: resource types (the three ways of opening
 * one, and what they report in `tried`), resource objects and terms, counts and destructors,
 * resource binaries, dynamic calls, and process monitors held by resources. */
#include <erl_nif.h>
#include <string.h>

typedef struct {
    long value;
    char text[8];
} counter_t;

typedef struct {
    ErlNifPid owner;
    int downs;
} watcher_t;

static ErlNifResourceType *counter_type;
static ErlNifResourceType *watcher_type;
static ErlNifResourceType *plain_type;
static int tried_counter = -1, tried_watcher = -1, tried_plain = -1, refused = 0;
static volatile long dtors = 0;
static volatile unsigned long long destroyed = 0; /* bit V: a counter of value V (< 64) died */
static void *held = NULL;

static void counter_dtor(ErlNifEnv *env, void *obj)
{
    counter_t *c = obj;
    __sync_fetch_and_add(&dtors, 1);
    if (c->value >= 0 && c->value < 64)
        __sync_fetch_and_or(&destroyed, 1ULL << c->value);
}

static void watcher_dtor(ErlNifEnv *env, void *obj)
{
    __sync_fetch_and_add(&dtors, 100);
}

static void watcher_down(ErlNifEnv *env, void *obj, ErlNifPid *pid, ErlNifMonitor *mon)
{
    watcher_t *w = obj;
    ErlNifEnv *msg_env = enif_alloc_env();
    ERL_NIF_TERM m = enif_make_tuple3(msg_env, enif_make_atom(msg_env, "down"),
                                      enif_make_pid(msg_env, pid),
                                      enif_make_monitor_term(msg_env, mon));
    w->downs++;
    enif_send(env, &w->owner, msg_env, m);
    enif_free_env(msg_env);
}

static void watcher_dyncall(ErlNifEnv *env, void *obj, void *data)
{
    watcher_t *w = obj;
    *(int *)data += 1000 + w->downs;
}

static int open_types(ErlNifEnv *env, ErlNifResourceFlags flags)
{
    ErlNifResourceTypeInit winit;
    ErlNifResourceTypeInit pinit;
    counter_type = enif_open_resource_type(env, NULL, "counter", counter_dtor, flags,
                                           (ErlNifResourceFlags *)&tried_counter);
    memset(&winit, 0, sizeof winit);
    winit.dtor = watcher_dtor;
    winit.down = watcher_down;
    winit.dyncall = watcher_dyncall;
    winit.members = 4;
    watcher_type = enif_init_resource_type(env, "watcher", &winit, flags,
                                           (ErlNifResourceFlags *)&tried_watcher);
    memset(&pinit, 0, sizeof pinit);
    plain_type = enif_open_resource_type_x(env, "plain", &pinit, flags,
                                           (ErlNifResourceFlags *)&tried_plain);
    /* Creating an existing type without TAKEOVER is refused. */
    if (enif_open_resource_type(env, NULL, "counter", NULL, ERL_NIF_RT_CREATE, NULL) == NULL)
        refused = 1;
    return counter_type && watcher_type && plain_type ? 0 : 1;
}

static int load(ErlNifEnv *env, void **priv, ERL_NIF_TERM info)
{
    return open_types(env, ERL_NIF_RT_CREATE);
}

static int upgrade(ErlNifEnv *env, void **priv, void **old_priv, ERL_NIF_TERM info)
{
    return open_types(env, ERL_NIF_RT_CREATE | ERL_NIF_RT_TAKEOVER);
}

static ERL_NIF_TERM new_counter(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    long v;
    counter_t *c;
    ERL_NIF_TERM t;
    if (!enif_get_long(env, argv[0], &v))
        return enif_make_badarg(env);
    c = enif_alloc_resource(counter_type, sizeof(counter_t));
    c->value = v;
    memcpy(c->text, "counter", 8);
    t = enif_make_resource(env, c);
    enif_release_resource(c);
    return t;
}

static ERL_NIF_TERM value(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    counter_t *c;
    if (!enif_get_resource(env, argv[0], counter_type, (void **)&c))
        return enif_make_badarg(env);
    return enif_make_long(env, c->value);
}

static ERL_NIF_TERM info(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    counter_t *c;
    void *other;
    if (!enif_get_resource(env, argv[0], counter_type, (void **)&c))
        return enif_make_badarg(env);
    return enif_make_tuple4(env, enif_make_uint64(env, enif_sizeof_resource(c)),
                            enif_make_int(env, enif_get_resource(env, argv[0], watcher_type, &other)),
                            enif_make_resource_binary(env, c, c->text, 7),
                            enif_make_int(env, enif_is_ref(env, argv[0])));
}

static ERL_NIF_TERM load_state(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    /* Outside a load callback a type cannot be opened. */
    ErlNifResourceType *late = enif_open_resource_type(env, NULL, "late", NULL,
                                                       ERL_NIF_RT_CREATE, NULL);
    return enif_make_tuple5(env, enif_make_int(env, tried_counter), enif_make_int(env, tried_watcher),
                            enif_make_int(env, tried_plain), enif_make_int(env, refused),
                            enif_make_int(env, late == NULL));
}

static ERL_NIF_TERM is_destroyed(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    int v;
    if (!enif_get_int(env, argv[0], &v) || v < 0 || v >= 64)
        return enif_make_badarg(env);
    return enif_make_atom(env, (__sync_fetch_and_or(&destroyed, 0) >> v) & 1 ? "true" : "false");
}

static ERL_NIF_TERM hold(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    counter_t *c;
    if (held || !enif_get_resource(env, argv[0], counter_type, (void **)&c))
        return enif_make_badarg(env);
    enif_keep_resource(c);
    held = c;
    return enif_make_atom(env, "ok");
}

static ERL_NIF_TERM unhold(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    if (!held)
        return enif_make_badarg(env);
    enif_release_resource(held);
    held = NULL;
    return enif_make_atom(env, "ok");
}

static ERL_NIF_TERM watch(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifPid pid;
    ErlNifMonitor m1, m2;
    watcher_t *w;
    ERL_NIF_TERM res;
    int r1, r2;
    if (!enif_get_local_pid(env, argv[0], &pid))
        return enif_make_badarg(env);
    w = enif_alloc_resource(watcher_type, sizeof(watcher_t));
    enif_self(env, &w->owner);
    w->downs = 0;
    r1 = enif_monitor_process(env, w, &pid, &m1);
    res = enif_make_resource(env, w);
    enif_release_resource(w);
    if (r1 != 0)
        return enif_make_tuple2(env, enif_make_int(env, r1), res);
    r2 = enif_monitor_process(env, w, &pid, &m2);
    return enif_make_tuple(env, 7, enif_make_int(env, r1), res,
                           enif_make_monitor_term(env, &m1),
                           enif_make_int(env, r2),
                           enif_make_int(env, enif_compare_monitors(&m1, &m1)),
                           enif_make_int(env, enif_compare_monitors(&m1, &m2) != 0),
                           enif_make_int(env, enif_demonitor_process(env, w, &m2) * 10 +
                                              enif_demonitor_process(env, w, &m2)));
}

static ERL_NIF_TERM watch_counter(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    /* A type without a down callback cannot monitor. */
    ErlNifPid pid;
    counter_t *c;
    if (!enif_get_resource(env, argv[0], counter_type, (void **)&c) ||
        !enif_get_local_pid(env, argv[1], &pid))
        return enif_make_badarg(env);
    return enif_make_int(env, enif_monitor_process(env, c, &pid, NULL) < 0);
}

static ERL_NIF_TERM dyn(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    int n = 0;
    int rc = enif_dynamic_resource_call(env, argv[0], argv[1], argv[2], &n);
    return enif_make_tuple2(env, enif_make_int(env, rc), enif_make_int(env, n));
}

static ErlNifFunc funcs[] = {
    {"new", 1, new_counter, 0},
    {"value", 1, value, 0},
    {"info", 1, info, 0},
    {"load_state", 0, load_state, 0},
    {"is_destroyed", 1, is_destroyed, 0},
    {"hold", 1, hold, 0},
    {"unhold", 0, unhold, 0},
    {"watch", 1, watch, 0},
    {"watch_counter", 2, watch_counter, 0},
    {"dyn", 3, dyn, 0},
};

ERL_NIF_INIT(nif_resource, funcs, load, NULL, upgrade, NULL)
