/* The library callbacks of a NIF module's life: load, upgrade (a new version of the module
 * loads the library again) and unload (when a version's code is purged). Each callback
 * tells the process registered as nif_unload_watch; the private data holds a generation. */
#include <erl_nif.h>
#include <stdlib.h>

typedef struct {
    int generation;
} priv_t;

static void tell(ErlNifEnv *env, ERL_NIF_TERM msg) {
    ErlNifPid watcher;
    if (enif_whereis_pid(env, enif_make_atom(env, "nif_unload_watch"), &watcher))
        enif_send(env, &watcher, NULL, msg);
}

static int load(ErlNifEnv *env, void **priv, ERL_NIF_TERM info) {
    priv_t *p = malloc(sizeof(priv_t));
    p->generation = 1;
    *priv = p;
    tell(env, enif_make_tuple2(env, enif_make_atom(env, "load"), info));
    return 0;
}

static int upgrade(ErlNifEnv *env, void **priv, void **old_priv, ERL_NIF_TERM info) {
    priv_t *old = *old_priv;
    priv_t *p = malloc(sizeof(priv_t));
    p->generation = old->generation + 1;
    *priv = p;
    tell(env, enif_make_tuple3(env, enif_make_atom(env, "upgrade"), info,
                               enif_make_int(env, old->generation)));
    return 0;
}

static void unload(ErlNifEnv *env, void *priv) {
    priv_t *p = priv;
    tell(env, enif_make_tuple2(env, enif_make_atom(env, "unload"),
                               enif_make_int(env, p->generation)));
    free(p);
}

static ERL_NIF_TERM value(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    priv_t *p = enif_priv_data(env);
    (void)argc; (void)argv;
    return enif_make_int(env, p->generation);
}

static ErlNifFunc funcs[] = {{"value", 0, value, 0}};

ERL_NIF_INIT(nif_unload_lib, funcs, load, NULL, upgrade, unload)
