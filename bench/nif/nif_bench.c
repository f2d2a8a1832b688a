/* The NIF library of the bench/nif/*.erl benchmarks (built by bench/nif.sh): a trivial NIF,
 * a dirty CPU-bound NIF, and a created thread that sends a stream of messages. */
#include <erl_nif.h>

/* Returns its argument. */
static ERL_NIF_TERM trivial(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    return argv[0];
}

/* A little arithmetic on a dirty CPU scheduler: the argument plus one. */
static ERL_NIF_TERM dirty_inc(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    long v;
    if (!enif_get_long(env, argv[0], &v))
        return enif_make_badarg(env);
    return enif_make_long(env, v + 1);
}

typedef struct {
    ErlNifPid to;
    long count;
    ErlNifTid tid;
} stream_t;

static void *stream_main(void *arg)
{
    stream_t *s = arg;
    ErlNifEnv *env = enif_alloc_env();
    long i;
    for (i = 0; i < s->count; i++) {
        enif_send(NULL, &s->to, env, enif_make_tuple2(env, enif_make_atom(env, "n"), enif_make_long(env, i)));
        enif_clear_env(env);
    }
    enif_free_env(env);
    return NULL;
}

static stream_t stream;

/* stream_start(Pid, Count): a thread sends {n, 0}, {n, 1}, ... {n, Count - 1} to Pid. */
static ERL_NIF_TERM stream_start(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    if (!enif_get_local_pid(env, argv[0], &stream.to) || !enif_get_long(env, argv[1], &stream.count))
        return enif_make_badarg(env);
    if (enif_thread_create("nif_bench_stream", &stream.tid, stream_main, &stream, NULL) != 0)
        return enif_make_badarg(env);
    return enif_make_atom(env, "ok");
}

static ERL_NIF_TERM stream_join(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    enif_thread_join(stream.tid, NULL);
    return enif_make_atom(env, "ok");
}

static ErlNifFunc funcs[] = {
    {"trivial", 1, trivial, 0},
    {"dirty_inc", 1, dirty_inc, ERL_NIF_DIRTY_JOB_CPU_BOUND},
    {"stream_start", 2, stream_start, 0},
    {"stream_join", 0, stream_join, 0},
};

ERL_NIF_INIT(nif_bench, funcs, NULL, NULL, NULL, NULL)
