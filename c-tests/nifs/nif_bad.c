/* Test NIF library for tests/erl/nif_bad.erl: a library that loads (unless its load_info
 * asks the load callback to fail) and NIFs that raise. */
#include <erl_nif.h>

static int load(ErlNifEnv *env, void **priv, ERL_NIF_TERM info)
{
    int v = 0;
    enif_get_int(env, info, &v);
    return v;
}

static ERL_NIF_TERM raise_badarg(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    return enif_make_badarg(env);
}

static ERL_NIF_TERM raise_term(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ERL_NIF_TERM r;
    int has = enif_has_pending_exception(env, &r);
    ERL_NIF_TERM e = enif_raise_exception(env, argv[0]);
    /* The pending exception wins over the value returned. */
    (void)has;
    return enif_make_int(env, enif_has_pending_exception(env, &r) && r == argv[0] ? 1 : e);
}

static ErlNifFunc funcs[] = {
    {"raise_badarg", 0, raise_badarg, 0},
    {"raise_term", 1, raise_term, 0},
};

ERL_NIF_INIT(nif_bad, funcs, load, NULL, NULL, NULL)
