/* Test NIF library for tests/erl/nif_bad.erl: lists a function module nif_bad lacks. */
#include <erl_nif.h>

static ERL_NIF_TERM f(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    return argv[0];
}

static ErlNifFunc funcs[] = {
    {"raise_badarg", 0, f, 0},
    {"no_such_function", 1, f, 0},
};

ERL_NIF_INIT(nif_bad, funcs, NULL, NULL, NULL, NULL)
