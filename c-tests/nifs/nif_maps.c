/* Test NIF library for tests/erl/nif_maps.erl: maps through the erl_nif API, small (flat)
 * and large (hash-array-mapped-trie) ones: size, lookup, put/update/remove, maps from arrays,
 * and iterators walked forwards, backwards and past both ends. */
#include <erl_nif.h>
#include <string.h>

static ERL_NIF_TERM atom_no;

static int load(ErlNifEnv *env, void **priv, ERL_NIF_TERM info)
{
    atom_no = enif_make_atom(env, "no");
    return 0;
}

/* The pairs of a map in iterator order: forwards from FIRST (`first`) or backwards from
 * LAST (`last`), as a list of {K, V}. */
static ERL_NIF_TERM iterate(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifMapIterator it;
    ERL_NIF_TERM k, v, acc = enif_make_list(env, 0), rev;
    char how[8];
    int last;
    if (!enif_get_atom(env, argv[1], how, sizeof how, ERL_NIF_LATIN1))
        return enif_make_badarg(env);
    last = strcmp(how, "last") == 0;
    if (!enif_map_iterator_create(env, argv[0], &it,
                                  last ? ERL_NIF_MAP_ITERATOR_LAST : ERL_NIF_MAP_ITERATOR_FIRST))
        return atom_no;
    while (enif_map_iterator_get_pair(env, &it, &k, &v)) {
        acc = enif_make_list_cell(env, enif_make_tuple2(env, k, v), acc);
        if (last)
            enif_map_iterator_prev(env, &it);
        else
            enif_map_iterator_next(env, &it);
    }
    enif_map_iterator_destroy(env, &it);
    /* Collected in reverse visiting order. */
    enif_make_reverse_list(env, acc, &rev);
    return rev;
}

/* Walks an iterator past its ends and back, recording what each step reports:
 * for each step the result of the move, is_head, is_tail and the key (or `no`). */
static ERL_NIF_TERM walk(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifMapIterator it;
    ERL_NIF_TERM steps[64], acc, k, v, key;
    const ERL_NIF_TERM *moves;
    int n, i, entry;
    char how[8];
    if (!enif_get_atom(env, argv[1], how, sizeof how, ERL_NIF_LATIN1) ||
        !enif_get_tuple(env, argv[2], &n, &moves) || n > 64)
        return enif_make_badarg(env);
    entry = strcmp(how, "last") == 0 ? ERL_NIF_MAP_ITERATOR_LAST : ERL_NIF_MAP_ITERATOR_FIRST;
    if (!enif_map_iterator_create(env, argv[0], &it, entry))
        return atom_no;
    for (i = 0; i < n; i++) {
        char mv[8];
        int r = -1;
        if (!enif_get_atom(env, moves[i], mv, sizeof mv, ERL_NIF_LATIN1))
            mv[0] = 0;
        if (strcmp(mv, "next") == 0)
            r = enif_map_iterator_next(env, &it);
        else if (strcmp(mv, "prev") == 0)
            r = enif_map_iterator_prev(env, &it);
        key = enif_map_iterator_get_pair(env, &it, &k, &v) ? k : atom_no;
        steps[i] = enif_make_tuple4(env, enif_make_int(env, r),
                                    enif_make_int(env, enif_map_iterator_is_head(env, &it)),
                                    enif_make_int(env, enif_map_iterator_is_tail(env, &it)), key);
    }
    enif_map_iterator_destroy(env, &it);
    acc = enif_make_list_from_array(env, steps, n);
    return acc;
}

static ERL_NIF_TERM size(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    size_t n = 12345;
    int r = enif_get_map_size(env, argv[0], &n);
    return enif_make_tuple2(env, enif_make_int(env, r), enif_make_uint64(env, n));
}

static ERL_NIF_TERM get(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ERL_NIF_TERM v;
    if (!enif_get_map_value(env, argv[0], argv[1], &v))
        return atom_no;
    return enif_make_tuple2(env, enif_make_atom(env, "ok"), v);
}

static ERL_NIF_TERM put(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ERL_NIF_TERM m;
    if (!enif_make_map_put(env, argv[0], argv[1], argv[2], &m))
        return atom_no;
    return m;
}

static ERL_NIF_TERM update(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ERL_NIF_TERM m;
    if (!enif_make_map_update(env, argv[0], argv[1], argv[2], &m))
        return atom_no;
    return m;
}

static ERL_NIF_TERM remove_key(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ERL_NIF_TERM m;
    if (!enif_make_map_remove(env, argv[0], argv[1], &m))
        return atom_no;
    return m;
}

/* A map of the {K, V} pairs of a list, by enif_make_map_from_arrays. */
static ERL_NIF_TERM from_arrays(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ERL_NIF_TERM keys[2000], vals[2000], l = argv[0], h, m;
    const ERL_NIF_TERM *kv;
    int arity;
    size_t n = 0;
    while (enif_get_list_cell(env, l, &h, &l)) {
        if (n == 2000 || !enif_get_tuple(env, h, &arity, &kv) || arity != 2)
            return enif_make_badarg(env);
        keys[n] = kv[0];
        vals[n] = kv[1];
        n++;
    }
    if (!enif_make_map_from_arrays(env, keys, vals, n, &m))
        return atom_no;
    return m;
}

/* A map built by putting the {K, V} pairs of a list one by one into an empty map. */
static ERL_NIF_TERM build(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ERL_NIF_TERM m = enif_make_new_map(env), l = argv[0], h;
    const ERL_NIF_TERM *kv;
    int arity;
    while (enif_get_list_cell(env, l, &h, &l)) {
        if (!enif_get_tuple(env, h, &arity, &kv) || arity != 2 ||
            !enif_make_map_put(env, m, kv[0], kv[1], &m))
            return enif_make_badarg(env);
    }
    return m;
}

static ErlNifFunc funcs[] = {
    {"iterate", 2, iterate, 0},
    {"walk", 3, walk, 0},
    {"map_size_nif", 1, size, 0},
    {"get", 2, get, 0},
    {"put", 3, put, 0},
    {"update", 3, update, 0},
    {"remove", 2, remove_key, 0},
    {"from_arrays", 1, from_arrays, 0},
    {"build", 1, build, 0},
};

ERL_NIF_INIT(nif_maps, funcs, load, NULL, NULL, NULL)
