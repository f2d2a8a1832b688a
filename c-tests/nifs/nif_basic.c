/* Test NIF library for tests/erl/nif_basic.erl: numbers, atoms, strings, tuples, lists,
 * binaries, maps and map iterators, exceptions, messages, environments, time, hashing,
 * term_to_binary, snprintf with %T, priv_data from load. */
#include <erl_nif.h>
#include <string.h>
#include <stdio.h>

static int loads = 0;
static int load_info_seen = 0;

static int load(ErlNifEnv *env, void **priv, ERL_NIF_TERM info)
{
    loads++;
    enif_get_int(env, info, &load_info_seen);
    *priv = &loads;
    return 0;
}

static ERL_NIF_TERM priv(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    int *p = enif_priv_data(env);
    return enif_make_tuple2(env, enif_make_int(env, *p), enif_make_int(env, load_info_seen));
}

static ERL_NIF_TERM add(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifSInt64 a, b;
    if (!enif_get_int64(env, argv[0], &a) || !enif_get_int64(env, argv[1], &b))
        return enif_make_badarg(env);
    return enif_make_int64(env, a + b);
}

static ERL_NIF_TERM numbers(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    int i; unsigned u; long l; unsigned long ul; ErlNifUInt64 u64; double d;
    ERL_NIF_TERM x = argv[0];
    return enif_make_list(env, 7,
        enif_get_int(env, x, &i) ? enif_make_int(env, i) : enif_make_atom(env, "no"),
        enif_get_uint(env, x, &u) ? enif_make_uint(env, u) : enif_make_atom(env, "no"),
        enif_get_long(env, x, &l) ? enif_make_long(env, l) : enif_make_atom(env, "no"),
        enif_get_ulong(env, x, &ul) ? enif_make_ulong(env, ul) : enif_make_atom(env, "no"),
        enif_get_uint64(env, x, &u64) ? enif_make_uint64(env, u64) : enif_make_atom(env, "no"),
        enif_get_double(env, x, &d) ? enif_make_double(env, d * 2) : enif_make_atom(env, "no"),
        enif_make_int(env, enif_term_type(env, x)));
}

static ERL_NIF_TERM atoms(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    char buf[256];
    unsigned len = 0;
    ERL_NIF_TERM existing, made;
    int n = enif_get_atom(env, argv[0], buf, sizeof buf, ERL_NIF_LATIN1);
    int has = enif_get_atom_length(env, argv[0], &len, ERL_NIF_LATIN1);
    int ex = enif_make_existing_atom(env, "nif_basic_surely_missing_atom", &existing, ERL_NIF_LATIN1);
    int ex2 = enif_make_existing_atom_len(env, "hello_world", 5, &existing, ERL_NIF_LATIN1);
    made = enif_make_atom_len(env, "made_atom_xyz", 9);
    return enif_make_tuple(env, 6, enif_make_int(env, n),
                           n ? enif_make_string(env, buf, ERL_NIF_LATIN1) : enif_make_atom(env, "none"),
                           enif_make_int(env, has ? (int)len : -1), enif_make_int(env, ex),
                           ex2 ? existing : enif_make_atom(env, "none"), made);
}

static ERL_NIF_TERM strings(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    char small[4], big[64];
    int a = enif_get_string(env, argv[0], big, sizeof big, ERL_NIF_LATIN1);
    int b = enif_get_string(env, argv[0], small, sizeof small, ERL_NIF_LATIN1);
    return enif_make_tuple4(env, enif_make_int(env, a), enif_make_int(env, b),
                            a > 0 ? enif_make_string_len(env, big, a - 1, ERL_NIF_LATIN1) : enif_make_atom(env, "none"),
                            enif_make_string(env, "h\xe9llo", ERL_NIF_LATIN1));
}

static ERL_NIF_TERM lists(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    unsigned len = 0;
    ERL_NIF_TERM head, tail, rev, arr[3];
    int ok = enif_get_list_length(env, argv[0], &len);
    int cell = enif_get_list_cell(env, argv[0], &head, &tail);
    int r = enif_make_reverse_list(env, argv[0], &rev);
    arr[0] = enif_make_int(env, 1);
    arr[1] = enif_make_atom(env, "two");
    arr[2] = enif_make_list_cell(env, enif_make_int(env, 3), enif_make_list(env, 0));
    return enif_make_tuple(env, 6, enif_make_int(env, ok ? (int)len : -1),
                           cell ? head : enif_make_atom(env, "none"),
                           r ? rev : enif_make_atom(env, "improper"),
                           enif_make_list_from_array(env, arr, 3),
                           enif_make_tuple_from_array(env, arr, 3),
                           enif_make_int(env, enif_is_list(env, argv[0]) * 10 + enif_is_empty_list(env, argv[0])));
}

static ERL_NIF_TERM tuples(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    int arity, i;
    const ERL_NIF_TERM *el;
    ERL_NIF_TERM acc;
    if (!enif_get_tuple(env, argv[0], &arity, &el))
        return enif_make_badarg(env);
    acc = enif_make_list(env, 0);
    for (i = 0; i < arity; i++)
        acc = enif_make_list_cell(env, el[i], acc);
    return acc;
}

static ERL_NIF_TERM binaries(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifBinary in, out, io;
    ERL_NIF_TERM nb, sub;
    unsigned char *p;
    size_t i;
    if (!enif_inspect_binary(env, argv[0], &in))
        return enif_make_badarg(env);
    enif_alloc_binary(in.size, &out);
    for (i = 0; i < in.size; i++)
        out.data[in.size - 1 - i] = in.data[i];
    enif_realloc_binary(&out, in.size + 2);
    out.data[in.size] = '!';
    out.data[in.size + 1] = '?';
    p = enif_make_new_binary(env, 3, &nb);
    memcpy(p, "new", 3);
    sub = in.size >= 2 ? enif_make_sub_binary(env, argv[0], 1, in.size - 2) : enif_make_atom(env, "short");
    if (!enif_inspect_iolist_as_binary(env, argv[1], &io))
        return enif_make_badarg(env);
    return enif_make_tuple(env, 5, enif_make_binary(env, &out), nb, sub,
                           enif_make_uint64(env, io.size), enif_make_int(env, enif_is_binary(env, argv[0])));
}

static ERL_NIF_TERM big_binary(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifBinary b;
    unsigned n;
    if (!enif_get_uint(env, argv[0], &n))
        return enif_make_badarg(env);
    enif_alloc_binary(n, &b);
    memset(b.data, 'x', n);
    return enif_make_binary(env, &b);
}

static ERL_NIF_TERM maps(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ERL_NIF_TERM m = enif_make_new_map(env), m2, m3, v, k, acc, keys[2], vals[2], fa, dup;
    ErlNifMapIterator it;
    size_t sz = 0;
    int dupok;
    enif_make_map_put(env, m, enif_make_atom(env, "a"), enif_make_int(env, 1), &m);
    enif_make_map_put(env, m, enif_make_atom(env, "b"), enif_make_int(env, 2), &m);
    enif_make_map_update(env, m, enif_make_atom(env, "a"), enif_make_int(env, 10), &m2);
    int upd = enif_make_map_update(env, m, enif_make_atom(env, "zz"), enif_make_int(env, 0), &m3);
    enif_make_map_remove(env, m2, enif_make_atom(env, "b"), &m3);
    enif_get_map_size(env, argv[0], &sz);
    acc = enif_make_list(env, 0);
    if (enif_map_iterator_create(env, argv[0], &it, ERL_NIF_MAP_ITERATOR_FIRST)) {
        while (enif_map_iterator_get_pair(env, &it, &k, &v)) {
            acc = enif_make_list_cell(env, enif_make_tuple2(env, k, v), acc);
            enif_map_iterator_next(env, &it);
        }
        acc = enif_make_list_cell(env, enif_make_int(env, enif_map_iterator_is_tail(env, &it)), acc);
        enif_map_iterator_destroy(env, &it);
    }
    if (enif_map_iterator_create(env, argv[0], &it, ERL_NIF_MAP_ITERATOR_LAST)) {
        if (enif_map_iterator_get_pair(env, &it, &k, &v))
            acc = enif_make_list_cell(env, enif_make_tuple2(env, enif_make_atom(env, "last"), k), acc);
        enif_map_iterator_prev(env, &it);
        enif_map_iterator_prev(env, &it);
        enif_map_iterator_prev(env, &it);
        acc = enif_make_list_cell(env, enif_make_int(env, enif_map_iterator_is_head(env, &it)), acc);
        enif_map_iterator_destroy(env, &it);
    }
    keys[0] = enif_make_int(env, 1); vals[0] = enif_make_atom(env, "one");
    keys[1] = enif_make_int(env, 2); vals[1] = enif_make_atom(env, "two");
    enif_make_map_from_arrays(env, keys, vals, 2, &fa);
    keys[1] = keys[0];
    dupok = enif_make_map_from_arrays(env, keys, vals, 2, &dup);
    if (!enif_get_map_value(env, m, enif_make_atom(env, "b"), &v))
        v = enif_make_atom(env, "none");
    return enif_make_tuple(env, 8, m, m2, m3, enif_make_int(env, upd), v,
                           enif_make_uint64(env, sz), acc,
                           enif_make_tuple2(env, fa, enif_make_int(env, dupok)));
}

static ERL_NIF_TERM raise_it(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ERL_NIF_TERM r;
    int kind;
    enif_get_int(env, argv[0], &kind);
    if (kind == 0)
        return enif_make_badarg(env);
    r = enif_raise_exception(env, enif_make_tuple2(env, enif_make_atom(env, "my_error"), argv[0]));
    if (!enif_has_pending_exception(env, NULL))
        return enif_make_atom(env, "no_pending");
    return r;
}

static ERL_NIF_TERM send_self(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifPid self;
    ErlNifEnv *menv = enif_alloc_env();
    ERL_NIF_TERM msg = enif_make_copy(menv, enif_make_tuple2(env, enif_make_atom(env, "hello"), argv[0]));
    int ok1, ok2;
    enif_self(env, &self);
    ok1 = enif_send(env, &self, menv, msg);
    enif_clear_env(menv);
    ok2 = enif_send(env, &self, NULL, enif_make_atom(env, "second"));
    enif_free_env(menv);
    return enif_make_tuple3(env, enif_make_int(env, ok1), enif_make_int(env, ok2),
                            enif_make_int(env, enif_is_process_alive(env, &self)));
}

static void *thread_main(void *arg)
{
    ErlNifPid *to = arg;
    ErlNifEnv *env = enif_alloc_env();
    int i;
    for (i = 0; i < 5; i++)
        enif_send(NULL, to, env, enif_make_tuple2(env, enif_make_atom(env, "from_thread"), enif_make_int(env, i)));
    enif_free_env(env);
    return NULL;
}

static ERL_NIF_TERM thread_send(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    static ErlNifPid to;
    ErlNifTid tid;
    void *res;
    if (!enif_get_local_pid(env, argv[0], &to))
        return enif_make_badarg(env);
    if (enif_thread_create("nif_basic_thread", &tid, thread_main, &to, NULL) != 0)
        return enif_make_atom(env, "create_failed");
    enif_thread_join(tid, &res);
    return enif_make_atom(env, "joined");
}

static ERL_NIF_TERM misc(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifBinary etf;
    ERL_NIF_TERM back;
    size_t used;
    char buf[128];
    ErlNifTime t1 = enif_monotonic_time(ERL_NIF_MSEC), t2 = enif_monotonic_time(ERL_NIF_MSEC);
    ErlNifSysInfo si;
    ErlNifPid pid;
    ErlNifMutex *mx = enif_mutex_create("nif_basic_mx");
    enif_mutex_lock(mx);
    enif_mutex_unlock(mx);
    enif_mutex_destroy(mx);
    enif_term_to_binary(env, argv[0], &etf);
    used = enif_binary_to_term(env, etf.data, etf.size, &back, 0);
    enif_snprintf(buf, sizeof buf, "v=%T n=%d s=%s", argv[0], 42, "str");
    enif_system_info(&si, sizeof si);
    return enif_make_list(env, 12,
        enif_make_int(env, t2 >= t1),
        enif_make_int64(env, enif_convert_time_unit(3000, ERL_NIF_MSEC, ERL_NIF_SEC)),
        enif_make_int64(env, enif_convert_time_unit(1, ERL_NIF_SEC, ERL_NIF_USEC)),
        enif_make_uint64(env, enif_hash(ERL_NIF_PHASH2, argv[0], 0)),
        enif_make_int(env, used == etf.size),
        back,
        enif_make_binary(env, &etf),
        enif_make_string(env, buf, ERL_NIF_LATIN1),
        enif_make_tuple2(env, enif_make_int(env, si.nif_major_version), enif_make_int(env, si.nif_minor_version)),
        enif_make_int(env, enif_compare(argv[0], argv[0]) == 0 && enif_is_identical(argv[0], argv[0])),
        enif_make_int(env, enif_whereis_pid(env, enif_make_atom(env, "nif_basic_nobody"), &pid)),
        enif_make_int(env, enif_thread_type()));
}

static ERL_NIF_TERM compare(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    int c = enif_compare(argv[0], argv[1]);
    return enif_make_int(env, c < 0 ? -1 : c > 0 ? 1 : 0);
}

static ERL_NIF_TERM refs(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ERL_NIF_TERM r1 = enif_make_ref(env), r2 = enif_make_ref(env);
    ERL_NIF_TERM u1 = enif_make_unique_integer(env, ERL_NIF_UNIQUE_POSITIVE);
    ERL_NIF_TERM u2 = enif_make_unique_integer(env, ERL_NIF_UNIQUE_POSITIVE);
    ErlNifSInt64 a = 0, b = 0;
    enif_get_int64(env, u1, &a);
    enif_get_int64(env, u2, &b);
    return enif_make_tuple4(env, enif_make_int(env, enif_is_ref(env, r1)),
                            enif_make_int(env, enif_compare(r1, r2) != 0),
                            enif_make_int(env, a > 0 && b > a),
                            enif_make_int(env, enif_is_fun(env, argv[0]) * 100 + enif_is_pid(env, argv[0]) * 10 + enif_is_atom(env, argv[0])));
}

static ErlNifFunc funcs[] = {
    {"priv", 0, priv, 0},
    {"add", 2, add, 0},
    {"numbers", 1, numbers, 0},
    {"atoms", 1, atoms, 0},
    {"strings", 1, strings, 0},
    {"lists", 1, lists, 0},
    {"tuples", 1, tuples, 0},
    {"binaries", 2, binaries, 0},
    {"big_binary", 1, big_binary, 0},
    {"maps", 1, maps, 0},
    {"raise_it", 1, raise_it, 0},
    {"send_self", 1, send_self, 0},
    {"thread_send", 1, thread_send, 0},
    {"misc", 1, misc, 0},
    {"compare", 2, compare, 0},
    {"refs", 1, refs, 0},
    {"dirty_add", 2, add, ERL_NIF_DIRTY_JOB_CPU_BOUND},
};

ERL_NIF_INIT(nif_basic, funcs, load, NULL, NULL, NULL)
