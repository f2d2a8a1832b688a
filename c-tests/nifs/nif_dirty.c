/* Dirty schedulers and scheduling from native code: dirty CPU and I/O NIFs,
 * enif_schedule_nif between normal and dirty schedulers, yielding with
 * enif_consume_timeslice, enif_thread_type, and what a dirty NIF may do (enif_self,
 * enif_send, building terms from its arguments, raising). */
#include <erl_nif.h>
#include <string.h>
#include <unistd.h>

static ERL_NIF_TERM atom(ErlNifEnv *env, const char *name) {
    return enif_make_atom(env, name);
}

static ERL_NIF_TERM thread_type(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    (void)argc; (void)argv;
    return enif_make_int(env, enif_thread_type());
}

/* Sleeps Ms milliseconds (on whatever scheduler the function is flagged for). */
static ERL_NIF_TERM nap(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    int ms;
    (void)argc;
    if (!enif_get_int(env, argv[0], &ms) || ms < 0)
        return enif_make_badarg(env);
    usleep((useconds_t)ms * 1000);
    return enif_make_tuple2(env, atom(env, "slept"), enif_make_int(env, enif_thread_type()));
}

/* {Arg, [1..N], Bin reversed}: a result that refers to the arguments. */
static ERL_NIF_TERM build(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    int n, i;
    ErlNifBinary in;
    unsigned char *out;
    ERL_NIF_TERM list = enif_make_list(env, 0), bin;
    (void)argc;
    if (!enif_get_int(env, argv[0], &n) || n < 0 || !enif_inspect_binary(env, argv[1], &in))
        return enif_make_badarg(env);
    for (i = n; i >= 1; i--)
        list = enif_make_list_cell(env, enif_make_int(env, i), list);
    out = enif_make_new_binary(env, in.size, &bin);
    for (i = 0; i < (int)in.size; i++)
        out[i] = in.data[in.size - 1 - i];
    return enif_make_tuple3(env, argv[2], list, bin);
}

static ERL_NIF_TERM raise_it(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    (void)argc;
    if (enif_is_atom(env, argv[0]))
        return enif_make_badarg(env);
    return enif_raise_exception(env, enif_make_tuple2(env, atom(env, "dirty_error"), argv[0]));
}

static ERL_NIF_TERM whoami(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    ErlNifPid self;
    (void)argc; (void)argv;
    if (!enif_self(env, &self))
        return atom(env, "no_self");
    return enif_make_pid(env, &self);
}

/* Sends {from_dirty, Msg} to Pid with the caller's environment. */
static ERL_NIF_TERM send_to(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    ErlNifPid to;
    (void)argc;
    if (!enif_get_local_pid(env, argv[0], &to))
        return enif_make_badarg(env);
    return enif_send(env, &to, NULL, enif_make_tuple2(env, atom(env, "from_dirty"), argv[1]))
        ? atom(env, "true") : atom(env, "false");
}

/* chain(Steps, Acc): each step records the thread type it ran on and schedules the next
 * one on the next kind of scheduler (normal -> dirty CPU -> dirty I/O -> normal ...). */
static ERL_NIF_TERM chain_step(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    int steps, flags;
    ERL_NIF_TERM acc, next[2];
    (void)argc;
    if (!enif_get_int(env, argv[0], &steps))
        return enif_make_badarg(env);
    acc = enif_make_list_cell(env, enif_make_int(env, enif_thread_type()), argv[1]);
    if (steps <= 1) {
        ERL_NIF_TERM rev;
        enif_make_reverse_list(env, acc, &rev);
        return rev;
    }
    switch (enif_thread_type()) {
    case ERL_NIF_THR_NORMAL_SCHEDULER: flags = ERL_NIF_DIRTY_JOB_CPU_BOUND; break;
    case ERL_NIF_THR_DIRTY_CPU_SCHEDULER: flags = ERL_NIF_DIRTY_JOB_IO_BOUND; break;
    default: flags = 0; break;
    }
    next[0] = enif_make_int(env, steps - 1);
    next[1] = acc;
    return enif_schedule_nif(env, "chain_step", flags, chain_step, 2, next);
}

static ERL_NIF_TERM chain(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    return chain_step(env, argc, argv);
}

/* A step that fails after being scheduled (on a dirty scheduler when Dirty is true). */
static ERL_NIF_TERM fail_step(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    (void)argc;
    return enif_raise_exception(env, enif_make_tuple2(env, atom(env, "failed_in"), argv[0]));
}

static ERL_NIF_TERM schedule_fail(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    ERL_NIF_TERM arg = enif_make_int(env, enif_thread_type());
    (void)argc;
    return enif_schedule_nif(env, "fail_step",
                             enif_is_identical(argv[0], atom(env, "true"))
                                 ? ERL_NIF_DIRTY_JOB_CPU_BOUND : 0,
                             fail_step, 1, &arg);
}

/* enif_schedule_nif with the given flags and argc (bad ones give badarg). */
static ERL_NIF_TERM schedule_bad(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    int flags, n;
    ERL_NIF_TERM args[1];
    (void)argc;
    if (!enif_get_int(env, argv[0], &flags) || !enif_get_int(env, argv[1], &n))
        return enif_make_badarg(env);
    args[0] = atom(env, "x");
    return enif_schedule_nif(env, "thread_type", flags, thread_type, n, args);
}

/* sum(N): 1 + ... + N, a slice at a time: yields with enif_schedule_nif whenever
 * enif_consume_timeslice says the time slice is used up. Returns {Sum, Yields}. */
static ERL_NIF_TERM sum_step(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    ErlNifUInt64 i, n, acc, yields;
    (void)argc;
    if (!enif_get_uint64(env, argv[0], &i) || !enif_get_uint64(env, argv[1], &n)
        || !enif_get_uint64(env, argv[2], &acc) || !enif_get_uint64(env, argv[3], &yields))
        return enif_make_badarg(env);
    while (i <= n) {
        ErlNifUInt64 stop = i + 100000;
        for (; i <= n && i < stop; i++)
            acc += i;
        if (i <= n && enif_consume_timeslice(env, 10)) {
            ERL_NIF_TERM next[4];
            next[0] = enif_make_uint64(env, i);
            next[1] = argv[1];
            next[2] = enif_make_uint64(env, acc);
            next[3] = enif_make_uint64(env, yields + 1);
            return enif_schedule_nif(env, "sum_step", 0, sum_step, 4, next);
        }
    }
    return enif_make_tuple2(env, enif_make_uint64(env, acc),
                            enif_make_atom(env, yields > 0 ? "yielded" : "no_yield"));
}

static ERL_NIF_TERM sum(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    ERL_NIF_TERM args[4];
    (void)argc;
    args[0] = enif_make_uint64(env, 1);
    args[1] = argv[0];
    args[2] = enif_make_uint64(env, 0);
    args[3] = enif_make_uint64(env, 0);
    return sum_step(env, 4, args);
}

static ERL_NIF_TERM consume(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    int percent;
    (void)argc;
    if (!enif_get_int(env, argv[0], &percent))
        return enif_make_badarg(env);
    return enif_make_int(env, enif_consume_timeslice(env, percent));
}

static ErlNifFunc funcs[] = {
    {"thread_type", 0, thread_type, 0},
    {"cpu_thread_type", 0, thread_type, ERL_NIF_DIRTY_JOB_CPU_BOUND},
    {"io_thread_type", 0, thread_type, ERL_NIF_DIRTY_JOB_IO_BOUND},
    {"nap", 1, nap, 0},
    {"cpu_nap", 1, nap, ERL_NIF_DIRTY_JOB_CPU_BOUND},
    {"io_nap", 1, nap, ERL_NIF_DIRTY_JOB_IO_BOUND},
    {"cpu_build", 3, build, ERL_NIF_DIRTY_JOB_CPU_BOUND},
    {"cpu_raise", 1, raise_it, ERL_NIF_DIRTY_JOB_CPU_BOUND},
    {"io_whoami", 0, whoami, ERL_NIF_DIRTY_JOB_IO_BOUND},
    {"cpu_send", 2, send_to, ERL_NIF_DIRTY_JOB_CPU_BOUND},
    {"chain", 2, chain, 0},
    {"schedule_fail", 1, schedule_fail, 0},
    {"schedule_bad", 2, schedule_bad, 0},
    {"sum", 1, sum, 0},
    {"consume", 1, consume, 0},
};

ERL_NIF_INIT(nif_dirty, funcs, NULL, NULL, NULL, NULL)
