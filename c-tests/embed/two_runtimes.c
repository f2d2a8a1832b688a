/*
 * Two runtimes in one process, each driven by its own host thread at the same time: each
 * loads counter.erl, starts it under the same registered name, makes an ETS table with the
 * same name, and counts; neither sees the other's processes, names, tables or code. Then a
 * third thread calls into both runtimes at once (calls from any host thread are safe), and
 * one runtime is stopped while the other goes on.
 *
 * usage: two_runtimes EBIN_DIR
 */
#define STATIC_ERLANG_NIF 1
#include "erts.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *ebin;
static int failures = 0;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

#define CHECK(cond, ...)                                              \
    do {                                                              \
        if (!(cond)) {                                                \
            pthread_mutex_lock(&out_lock);                            \
            printf("FAILED: " __VA_ARGS__);                           \
            printf(" (%s)\n", erts_last_error());                     \
            failures++;                                               \
            pthread_mutex_unlock(&out_lock);                          \
        }                                                             \
    } while (0)

struct job {
    const char *name;
    int add;             /* what this runtime's counter adds each time */
    erts_runtime *rt;
    long total;
};

/* relay:send_later/1 (see relay.erl): a thread of the library's own, which no runtime
 * knows, sends {relayed, Term} to the caller with an environment made during the call. With
 * two runtimes running, that environment is what tells the send which runtime's process
 * the pid names. */
struct relayed {
    ErlNifPid to;
    ErlNifEnv *env;
    ERL_NIF_TERM msg;
};

static void *relay_thread(void *p) {
    struct relayed *r = p;
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
    if (!enif_send(NULL, &r->to, r->env, r->msg)) {
        pthread_mutex_lock(&out_lock);
        printf("FAILED: enif_send from the relay thread\n");
        failures++;
        pthread_mutex_unlock(&out_lock);
    }
    enif_free_env(r->env);
    free(r);
    return NULL;
}

static ERL_NIF_TERM send_later_nif(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    (void)argc;
    struct relayed *r = malloc(sizeof *r);
    pthread_t t;
    enif_self(env, &r->to);
    r->env = enif_alloc_env();
    r->msg = enif_make_tuple2(r->env, enif_make_atom(r->env, "relayed"), enif_make_copy(r->env, argv[0]));
    if (pthread_create(&t, NULL, relay_thread, r) != 0) {
        enif_free_env(r->env);
        free(r);
        return enif_make_badarg(env);
    }
    pthread_detach(t);
    return enif_make_atom(env, "ok");
}

static ErlNifFunc relay_funcs[] = {{"send_later", 1, send_later_nif, 0}};

ERL_NIF_INIT(relay, relay_funcs, NULL, NULL, NULL, NULL)

/* Calls M:F with one argument (or none when arg is 0); the result as a long, or -1. */
static long call_long(erts_runtime *rt, ErlNifEnv *env, const char *m, const char *f, ERL_NIF_TERM *arg) {
    ERL_NIF_TERM r;
    long v = -1;
    erts_status st = erts_call(rt, m, f, env, arg, arg ? 1 : 0, 10000, &r);
    if (st != ERTS_OK || !enif_get_long(env, r, &v))
        return -1;
    return v;
}

static void *run(void *p) {
    struct job *j = p;
    const char *args[] = {"--bare", "+S", "2", "-pa", ebin};
    erts_status st = erts_runtime_start(5, args, &j->rt);
    CHECK(st == ERTS_OK, "%s: start", j->name);
    if (st != ERTS_OK)
        return NULL;
    ErlNifEnv *env = enif_alloc_env();
    ERL_NIF_TERM r;
    CHECK(erts_load_module(j->rt, "counter") == ERTS_OK, "%s: load counter", j->name);
    st = erts_call(j->rt, "counter", "start", env, NULL, 0, 10000, &r);
    CHECK(st == ERTS_OK, "%s: counter:start", j->name);
    /* A named ETS table, the same name in both runtimes (owned by the counter server). */
    ERL_NIF_TERM tname = enif_make_atom(env, "shared");
    st = erts_call(j->rt, "counter", "table", env, &tname, 1, 10000, &r);
    CHECK(st == ERTS_OK, "%s: counter:table(shared)", j->name);
    ERL_NIF_TERM obj = enif_make_tuple(env, 2, enif_make_atom(env, "owner"), enif_make_atom(env, j->name));
    ERL_NIF_TERM insargs[2] = {enif_make_atom(env, "shared"), obj};
    st = erts_call(j->rt, "ets", "insert", env, insargs, 2, 10000, &r);
    CHECK(st == ERTS_OK, "%s: ets:insert", j->name);
    for (int i = 0; i < 2000; i++) {
        ERL_NIF_TERM n = enif_make_int(env, j->add);
        j->total = call_long(j->rt, env, "counter", "add", &n);
        if ((i & 255) == 0)
            enif_clear_env(env);
    }
    enif_free_env(env);
    return NULL;
}

/* ets:lookup(shared, owner) in rt: the owner's name. */
static void owner_of(erts_runtime *rt, char *buf, size_t len) {
    ErlNifEnv *env = enif_alloc_env();
    ERL_NIF_TERM r, args[2] = {enif_make_atom(env, "shared"), enif_make_atom(env, "owner")};
    buf[0] = 0;
    if (erts_call(rt, "ets", "lookup", env, args, 2, 10000, &r) == ERTS_OK) {
        ERL_NIF_TERM head, tail;
        const ERL_NIF_TERM *el;
        int arity;
        if (enif_get_list_cell(env, r, &head, &tail) && enif_get_tuple(env, head, &arity, &el) && arity == 2)
            enif_get_atom(env, el[1], buf, (unsigned)len, ERL_NIF_LATIN1);
    }
    enif_free_env(env);
}

struct both {
    erts_runtime *a, *b;
    int ok;
};

/* One thread calling into both runtimes, alternating. */
static void *alternate(void *p) {
    struct both *x = p;
    ErlNifEnv *env = enif_alloc_env();
    x->ok = 1;
    for (int i = 0; i < 500; i++) {
        if (call_long(x->a, env, "counter", "get", NULL) != 2000 ||
            call_long(x->b, env, "counter", "get", NULL) != 6000)
            x->ok = 0;
    }
    enif_free_env(env);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: two_runtimes EBIN_DIR\n");
        return 2;
    }
    ebin = argv[1];
    struct job a = {"one", 1, NULL, 0}, b = {"two", 3, NULL, 0};
    pthread_t ta, tb;
    pthread_create(&ta, NULL, run, &a);
    pthread_create(&tb, NULL, run, &b);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    if (!a.rt || !b.rt)
        return 1;
    printf("counters: one=%ld two=%ld\n", a.total, b.total);
    CHECK(a.total == 2000 && b.total == 6000, "each runtime counted alone");

    char oa[32], ob[32];
    owner_of(a.rt, oa, sizeof oa);
    owner_of(b.rt, ob, sizeof ob);
    printf("ets shared: one sees %s, two sees %s\n", oa, ob);
    CHECK(strcmp(oa, "one") == 0 && strcmp(ob, "two") == 0, "each runtime has its own table");

    struct both x = {a.rt, b.rt, 0};
    pthread_t tc;
    pthread_create(&tc, NULL, alternate, &x);
    pthread_join(tc, NULL);
    printf("one thread calling both: %s\n", x.ok ? "ok" : "WRONG");
    CHECK(x.ok, "calls alternating between runtimes");

    /* Threads no runtime knows send into each runtime (relay.erl). */
    CHECK(erts_register_static_nif(a.rt, relay_nif_init()) == ERTS_OK, "relay nif in one");
    CHECK(erts_register_static_nif(b.rt, relay_nif_init()) == ERTS_OK, "relay nif in two");
    CHECK(erts_load_module(a.rt, "relay") == ERTS_OK && erts_load_module(b.rt, "relay") == ERTS_OK,
          "load relay");
    {
        ErlNifEnv *renv = enif_alloc_env();
        ERL_NIF_TERM ta = enif_make_atom(renv, "to_one"), tb = enif_make_atom(renv, "to_two"), ra, rb;
        char sa[16] = "", sb[16] = "";
        for (int i = 0; i < 20; i++) {
            erts_call(a.rt, "relay", "roundtrip", renv, &ta, 1, 10000, &ra);
            erts_call(b.rt, "relay", "roundtrip", renv, &tb, 1, 10000, &rb);
            enif_get_atom(renv, ra, sa, sizeof sa, ERL_NIF_LATIN1);
            enif_get_atom(renv, rb, sb, sizeof sb, ERL_NIF_LATIN1);
            CHECK(strcmp(sa, "to_one") == 0 && strcmp(sb, "to_two") == 0, "relayed %d", i);
        }
        printf("relayed from threads of no runtime: one got %s, two got %s\n", sa, sb);
        enif_free_env(renv);
    }

    /* A module loaded into one runtime only. */
    ErlNifEnv *env = enif_alloc_env();
    ERL_NIF_TERM mod = enif_make_atom(env, "only_one"), r, la, lb;
    CHECK(erts_load_module(a.rt, "only_one") == ERTS_OK, "load only_one into one");
    erts_call(a.rt, "erlang", "module_loaded", env, &mod, 1, 10000, &la);
    erts_call(b.rt, "erlang", "module_loaded", env, &mod, 1, 10000, &lb);
    char sa[8] = "", sb[8] = "";
    enif_get_atom(env, la, sa, sizeof sa, ERL_NIF_LATIN1);
    enif_get_atom(env, lb, sb, sizeof sb, ERL_NIF_LATIN1);
    printf("only_one loaded: in one %s, in two %s\n", sa, sb);
    CHECK(strcmp(sa, "true") == 0 && strcmp(sb, "false") == 0, "code is per runtime");
    ERL_NIF_TERM cnt = enif_make_atom(env, "counter");
    ERL_NIF_TERM wa, wb;
    erts_call(a.rt, "erlang", "whereis", env, &cnt, 1, 10000, &wa);
    erts_call(b.rt, "erlang", "whereis", env, &cnt, 1, 10000, &wb);
    printf("whereis(counter) is a pid in both: %s\n", enif_is_pid(env, wa) && enif_is_pid(env, wb) ? "yes" : "no");

    /* Stop one; the other goes on. */
    CHECK(erts_runtime_stop(a.rt) == ERTS_OK, "stop one");
    CHECK(erts_call(a.rt, "counter", "get", env, NULL, 0, 1000, &r) == ERTS_STOPPED, "one is stopped");
    long left = call_long(b.rt, env, "counter", "get", NULL);
    printf("after stopping one, two still counts: %ld\n", left);
    CHECK(left == 6000, "two goes on");
    erts_runtime_free(a.rt);
    erts_runtime_free(b.rt);
    enif_free_env(env);
    printf("done: %d failures\n", failures);
    return failures == 0 ? 0 : 1;
}
