/* NIFs called from machine code (tests/erl/nif_jit.erl): each way a native call can end
 * when compiled Erlang code calls it directly (a value, an exception, a continuation
 * scheduled with enif_schedule_nif, a used-up time slice, a term built on the heap). */
#include <erl_nif.h>
#include <string.h>

/* add(A, B): A + B for integers, badarg otherwise. */
static ERL_NIF_TERM add(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    long a, b;
    if (!enif_get_long(env, argv[0], &a) || !enif_get_long(env, argv[1], &b))
        return enif_make_badarg(env);
    return enif_make_long(env, a + b);
}

/* raise(T): raises T with enif_raise_exception (class error). */
static ERL_NIF_TERM raise_term(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    return enif_raise_exception(env, argv[0]);
}

static ERL_NIF_TERM twice_step(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    long a;
    if (!enif_get_long(env, argv[0], &a))
        return enif_make_badarg(env);
    return enif_make_tuple2(env, enif_make_atom(env, "scheduled"), enif_make_long(env, 2 * a));
}

/* twice(N): {scheduled, 2 * N}, computed by a function scheduled with enif_schedule_nif. */
static ERL_NIF_TERM twice(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    return enif_schedule_nif(env, "twice_step", 0, twice_step, 1, argv);
}

/* slice(P): charges P percent of a time slice; returns whether the slice is used up. */
static ERL_NIF_TERM slice(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    int p;
    if (!enif_get_int(env, argv[0], &p) || p < 1 || p > 100)
        return enif_make_badarg(env);
    return enif_consume_timeslice(env, p) ? enif_make_atom(env, "true")
                                          : enif_make_atom(env, "false");
}

/* bin(N, Byte): a new binary of N bytes, each Byte (heap binary up to 64 bytes). */
static ERL_NIF_TERM bin(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    unsigned n, byte;
    ERL_NIF_TERM t;
    unsigned char *p;
    if (!enif_get_uint(env, argv[0], &n) || !enif_get_uint(env, argv[1], &byte) || byte > 255)
        return enif_make_badarg(env);
    p = enif_make_new_binary(env, n, &t);
    memset(p, (int)byte, n);
    return t;
}

/* list(N): [N, N-1, ..., 1], built on the heap of the calling process. */
static ERL_NIF_TERM list(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    int n, i;
    ERL_NIF_TERM l = enif_make_list(env, 0);
    if (!enif_get_int(env, argv[0], &n) || n < 0)
        return enif_make_badarg(env);
    for (i = 1; i <= n; i++)
        l = enif_make_list_cell(env, enif_make_int(env, i), l);
    return l;
}

static ErlNifFunc funcs[] = {
    {"add", 2, add, 0},
    {"raise", 1, raise_term, 0},
    {"twice", 1, twice, 0},
    {"slice", 1, slice, 0},
    {"bin", 2, bin, 0},
    {"list", 1, list, 0},
};

ERL_NIF_INIT(nif_jit_lib, funcs, NULL, NULL, NULL, NULL)
