/* Test NIF library for tests/erl/nif_headers.erl, built by tests/nif_our_headers.rs against
 * OTP's erl_nif.h and against ours (and by the differential suite against OTP's): what a
 * library sees of the interface at compile time (its own entry as ERL_NIF_INIT filled it in,
 * struct sizes and offsets, constants) and a broad use of the functions: numbers, atoms,
 * strings, tuples and lists (the inline helpers too), binaries and the external format, maps
 * and iterators, resources (opened in load, taken over in upgrade), pids and messages,
 * exceptions, time, formatted output with %T through enif_fprintf/enif_vfprintf (into a
 * temporary file)/enif_snprintf/enif_vsnprintf, and functions flagged dirty in the function
 * table. */
#include <erl_nif.h>
#include <stddef.h>
#include <string.h>

/* Defined by ERL_NIF_INIT at the end. */
ErlNifEntry *nif_init(void);

typedef struct {
    long value;
    int kept;
} box_t;

static ErlNifResourceType *box_type;
static int loads = 0, upgrades = 0, unloads = 0;
static int load_info_seen = -1, upgrade_info_seen = -1;
static int tried_at_load = -1, tried_at_upgrade = -1;
static volatile long box_dtors = 0;
static int priv_word = 0;

static void box_dtor(ErlNifEnv *env, void *obj)
{
    (void)env;
    (void)obj;
    __sync_fetch_and_add(&box_dtors, 1);
}

static ErlNifResourceType *open_box_type(ErlNifEnv *env, ErlNifResourceFlags flags, int *tried)
{
    ErlNifResourceTypeInit init;
    ErlNifResourceFlags t = (ErlNifResourceFlags)0;
    ErlNifResourceType *type;
    memset(&init, 0, sizeof init);
    init.dtor = box_dtor;
    init.members = 1;
    type = enif_init_resource_type(env, "box", &init, flags, &t);
    *tried = (int)t;
    return type;
}

static int load(ErlNifEnv *env, void **priv, ERL_NIF_TERM info)
{
    loads++;
    enif_get_int(env, info, &load_info_seen);
    priv_word = 100;
    *priv = &priv_word;
    box_type = open_box_type(env, ERL_NIF_RT_CREATE, &tried_at_load);
    return box_type == NULL;
}

static int upgrade(ErlNifEnv *env, void **priv, void **old_priv, ERL_NIF_TERM info)
{
    upgrades++;
    enif_get_int(env, info, &upgrade_info_seen);
    /* The old instance's private data is handed over. */
    priv_word = *(int *)*old_priv + 1;
    *priv = &priv_word;
    box_type = open_box_type(env, ERL_NIF_RT_CREATE | ERL_NIF_RT_TAKEOVER, &tried_at_upgrade);
    return box_type == NULL;
}

static void unload(ErlNifEnv *env, void *priv)
{
    (void)env;
    (void)priv;
    unloads++;
}

static ERL_NIF_TERM atom(ErlNifEnv *env, const char *name)
{
    return enif_make_atom(env, name);
}

static ERL_NIF_TERM str(ErlNifEnv *env, const char *s)
{
    return s ? enif_make_string(env, s, ERL_NIF_LATIN1) : atom(env, "null");
}

static ERL_NIF_TERM pair(ErlNifEnv *env, const char *key, ERL_NIF_TERM value)
{
    return enif_make_tuple2(env, atom(env, key), value);
}

static ERL_NIF_TERM boolean(ErlNifEnv *env, int b)
{
    return atom(env, b ? "true" : "false");
}

/* ---- what ERL_NIF_INIT wrote, and the layout the compiler sees ------------------------- */

static ERL_NIF_TERM entry(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifEntry *e = nif_init();
    ERL_NIF_TERM funcs = enif_make_list(env, 0);
    int i;
    (void)argc;
    (void)argv;
    for (i = e->num_of_funcs - 1; i >= 0; i--) {
        const ErlNifFunc *f = &e->funcs[i];
        funcs = enif_make_list_cell(env,
                                    enif_make_tuple3(env, atom(env, f->name),
                                                     enif_make_uint(env, f->arity),
                                                     enif_make_uint(env, f->flags)),
                                    funcs);
    }
    return enif_make_list(env, 15,
        pair(env, "version", enif_make_tuple2(env, enif_make_int(env, e->major),
                                              enif_make_int(env, e->minor))),
        pair(env, "name", str(env, e->name)),
        pair(env, "num_of_funcs", enif_make_int(env, e->num_of_funcs)),
        pair(env, "funcs", funcs),
        pair(env, "load", boolean(env, e->load == load)),
        pair(env, "reload", boolean(env, e->reload == NULL)),
        pair(env, "upgrade", boolean(env, e->upgrade == upgrade)),
        pair(env, "unload", boolean(env, e->unload == unload)),
        pair(env, "vm_variant", str(env, e->vm_variant)),
        pair(env, "options", enif_make_uint(env, e->options)),
        pair(env, "sizeof_rti", enif_make_uint64(env, e->sizeof_ErlNifResourceTypeInit)),
        pair(env, "min_erts", str(env, e->min_erts)),
        pair(env, "same_entry", boolean(env, e == nif_init())),
        pair(env, "macros", enif_make_tuple4(env, enif_make_int(env, ERL_NIF_MAJOR_VERSION),
                                             enif_make_int(env, ERL_NIF_MINOR_VERSION),
                                             str(env, ERL_NIF_VM_VARIANT),
                                             str(env, ERL_NIF_MIN_ERTS_VERSION))),
        pair(env, "min_major", enif_make_int(env, ERL_NIF_MIN_REQUIRED_MAJOR_VERSION_ON_LOAD)));
}

#define SIZE(T) enif_make_tuple2(env, atom(env, #T), enif_make_uint64(env, sizeof(T)))
#define OFF(T, F) enif_make_uint64(env, offsetof(T, F))

static ERL_NIF_TERM layout(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ERL_NIF_TERM sizes[] = {
        SIZE(ERL_NIF_TERM), SIZE(ErlNifEntry), SIZE(ErlNifFunc), SIZE(ErlNifBinary),
        SIZE(ErlNifPid), SIZE(ErlNifPort), SIZE(ErlNifMonitor), SIZE(ErlNifResourceTypeInit),
        SIZE(ErlNifMapIterator), SIZE(ErlNifIOVec), SIZE(SysIOVec), SIZE(ErlNifSysInfo),
        SIZE(ErlNifThreadOpts), SIZE(ErlNifTime), SIZE(ErlNifEvent), SIZE(ErlNifTermType),
        SIZE(ErlNifCharEncoding), SIZE(ErlNifUInt64), SIZE(ErlNifTid),
    };
    ERL_NIF_TERM offsets[] = {
        OFF(ErlNifEntry, name), OFF(ErlNifEntry, funcs), OFF(ErlNifEntry, unload),
        OFF(ErlNifEntry, vm_variant), OFF(ErlNifEntry, options),
        OFF(ErlNifEntry, sizeof_ErlNifResourceTypeInit), OFF(ErlNifEntry, min_erts),
        OFF(ErlNifFunc, fptr), OFF(ErlNifFunc, flags), OFF(ErlNifBinary, data),
        OFF(ErlNifResourceTypeInit, members), OFF(ErlNifResourceTypeInit, dyncall),
        OFF(ErlNifMapIterator, u), OFF(ErlNifMapIterator, __spare__),
        OFF(ErlNifIOVec, flags), OFF(ErlNifIOVec, small_iov), OFF(ErlNifIOVec, small_ref_bin),
        OFF(ErlNifSysInfo, nif_major_version), OFF(ErlNifSysInfo, dirty_scheduler_support),
    };
    (void)argc;
    (void)argv;
    return enif_make_tuple2(env,
                            enif_make_list_from_array(env, sizes, sizeof sizes / sizeof *sizes),
                            enif_make_list_from_array(env, offsets,
                                                      sizeof offsets / sizeof *offsets));
}

#define CONST(C) enif_make_int64(env, (ErlNifSInt64)(C))

static ERL_NIF_TERM constants(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ERL_NIF_TERM all[] = {
        CONST(ERL_NIF_TIME_ERROR), CONST(ERL_NIF_SEC), CONST(ERL_NIF_MSEC), CONST(ERL_NIF_USEC),
        CONST(ERL_NIF_NSEC), CONST(ERL_NIF_SELECT_READ), CONST(ERL_NIF_SELECT_WRITE),
        CONST(ERL_NIF_SELECT_STOP), CONST(ERL_NIF_SELECT_CANCEL),
        CONST(ERL_NIF_SELECT_CUSTOM_MSG), CONST(ERL_NIF_SELECT_ERROR),
        CONST(ERL_NIF_SELECT_STOP_CALLED), CONST(ERL_NIF_SELECT_STOP_SCHEDULED),
        CONST(ERL_NIF_SELECT_INVALID_EVENT), CONST(ERL_NIF_SELECT_FAILED),
        CONST(ERL_NIF_SELECT_READ_CANCELLED), CONST(ERL_NIF_SELECT_WRITE_CANCELLED),
        CONST(ERL_NIF_SELECT_ERROR_CANCELLED), CONST(ERL_NIF_SELECT_NOTSUP),
        CONST(ERL_NIF_RT_CREATE), CONST(ERL_NIF_RT_TAKEOVER), CONST(ERL_NIF_LATIN1),
        CONST(ERL_NIF_DIRTY_JOB_CPU_BOUND), CONST(ERL_NIF_DIRTY_JOB_IO_BOUND),
        CONST(ERL_NIF_THR_UNDEFINED), CONST(ERL_NIF_THR_NORMAL_SCHEDULER),
        CONST(ERL_NIF_THR_DIRTY_CPU_SCHEDULER), CONST(ERL_NIF_THR_DIRTY_IO_SCHEDULER),
        CONST(ERL_NIF_MAP_ITERATOR_FIRST), CONST(ERL_NIF_MAP_ITERATOR_LAST),
        CONST(ERL_NIF_MAP_ITERATOR_HEAD), CONST(ERL_NIF_MAP_ITERATOR_TAIL),
        CONST(ERL_NIF_UNIQUE_POSITIVE), CONST(ERL_NIF_UNIQUE_MONOTONIC),
        CONST(ERL_NIF_BIN2TERM_SAFE), CONST(ERL_NIF_INTERNAL_HASH), CONST(ERL_NIF_PHASH2),
        CONST(ERL_NIF_IOVEC_SIZE), CONST(ERL_NIF_IOQ_NORMAL), CONST(ERL_NIF_TERM_TYPE_ATOM),
        CONST(ERL_NIF_TERM_TYPE_TUPLE),
        CONST(ERL_NIF_TERM_TYPE__MISSING_DEFAULT_CASE__READ_THE_MANUAL),
    };
    (void)argc;
    (void)argv;
    return enif_make_list_from_array(env, all, sizeof all / sizeof *all);
}

/* ---- terms ------------------------------------------------------------------------------ */

static ERL_NIF_TERM numbers(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    int i;
    unsigned u;
    long l;
    unsigned long ul;
    ErlNifSInt64 s64;
    ErlNifUInt64 u64;
    double d;
    ERL_NIF_TERM x = argv[0], no = atom(env, "no");
    (void)argc;
    return enif_make_tuple8(env,
        enif_get_int(env, x, &i) ? enif_make_int(env, i) : no,
        enif_get_uint(env, x, &u) ? enif_make_uint(env, u) : no,
        enif_get_long(env, x, &l) ? enif_make_long(env, l) : no,
        enif_get_ulong(env, x, &ul) ? enif_make_ulong(env, ul) : no,
        enif_get_int64(env, x, &s64) ? enif_make_int64(env, s64) : no,
        enif_get_uint64(env, x, &u64) ? enif_make_uint64(env, u64) : no,
        enif_get_double(env, x, &d) ? enif_make_double(env, d / 4) : no,
        enif_make_tuple3(env, enif_make_int(env, enif_is_number(env, x)),
                         enif_make_int(env, (int)enif_term_type(env, x)),
                         enif_make_int(env, enif_is_exception(env, x))));
}

static ERL_NIF_TERM text(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    char buf[64];
    unsigned alen = 0;
    ERL_NIF_TERM existing = 0;
    int got_atom = enif_get_atom(env, argv[0], buf, sizeof buf, ERL_NIF_LATIN1);
    int has_len = enif_get_atom_length(env, argv[0], &alen, ERL_NIF_LATIN1);
    int is_existing = enif_make_existing_atom_len(env, "nif_headers", 11, &existing,
                                                  ERL_NIF_LATIN1);
    int not_existing = enif_make_existing_atom(env, "nif_headers_no_such_atom_ever",
                                               &existing, ERL_NIF_LATIN1);
    int got_str;
    ERL_NIF_TERM a = got_atom ? enif_make_atom_len(env, buf, (size_t)got_atom - 1) : atom(env, "none");
    (void)argc;
    got_str = enif_get_string(env, argv[1], buf, sizeof buf, ERL_NIF_LATIN1);
    return enif_make_tuple7(env, enif_make_int(env, got_atom), a,
                            enif_make_int(env, has_len ? (int)alen : -1),
                            enif_make_tuple2(env, enif_make_int(env, is_existing),
                                             enif_make_int(env, not_existing)),
                            enif_make_int(env, got_str),
                            got_str > 0 ? enif_make_string_len(env, buf, (size_t)got_str - 1,
                                                               ERL_NIF_LATIN1)
                                        : atom(env, "none"),
                            enif_make_int(env, enif_is_atom(env, argv[0]) * 10 +
                                                   enif_is_list(env, argv[1])));
}

static ERL_NIF_TERM seqs(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    int arity = 0;
    unsigned len = 0;
    const ERL_NIF_TERM *elems = NULL;
    ERL_NIF_TERM head, tail, rev = 0, t = argv[0], l = argv[1];
    ERL_NIF_TERM one = enif_make_int(env, 1), two = enif_make_int(env, 2);
    int is_tuple = enif_get_tuple(env, t, &arity, &elems);
    int is_list = enif_get_list_length(env, l, &len);
    int has_cell = enif_get_list_cell(env, l, &head, &tail);
    int reversed = enif_make_reverse_list(env, l, &rev);
    (void)argc;
    return enif_make_list6(env,
        is_tuple ? enif_make_tuple_from_array(env, elems, (unsigned)arity) : atom(env, "no"),
        enif_make_tuple2(env, enif_make_int(env, arity),
                         is_list ? enif_make_uint(env, len) : atom(env, "improper")),
        has_cell ? enif_make_list_cell(env, tail, head) : atom(env, "no"),
        reversed ? rev : atom(env, "no"),
        enif_make_tuple9(env, one, two, one, two, one, two, one, two,
                         enif_make_tuple1(env, enif_make_list(env, 0))),
        enif_make_list9(env, one, enif_make_list1(env, two), enif_make_list2(env, one, two),
                        enif_make_list3(env, one, two, one), enif_make_tuple6(env, one, two, one, two, one, two),
                        enif_make_list4(env, one, one, one, one), enif_make_list5(env, two, two, two, two, two),
                        enif_make_list7(env, one, one, one, one, one, one, one),
                        enif_make_list8(env, two, two, two, two, two, two, two, two)));
}

static ERL_NIF_TERM binaries(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifBinary in, flat, grown, etf;
    ERL_NIF_TERM made, fresh, sub, back = 0;
    unsigned char *p;
    size_t used;
    (void)argc;
    if (!enif_inspect_binary(env, argv[0], &in) ||
        !enif_inspect_iolist_as_binary(env, argv[1], &flat))
        return enif_make_badarg(env);
    /* A copy of the first binary, grown by two bytes. */
    if (!enif_alloc_binary(in.size, &grown))
        return atom(env, "alloc_failed");
    memcpy(grown.data, in.data, in.size);
    if (!enif_realloc_binary(&grown, in.size + 2)) {
        enif_release_binary(&grown);
        return atom(env, "realloc_failed");
    }
    grown.data[in.size] = '!';
    grown.data[in.size + 1] = '?';
    made = enif_make_binary(env, &grown);
    p = enif_make_new_binary(env, 3, &fresh);
    memcpy(p, "abc", 3);
    sub = enif_make_sub_binary(env, argv[0], in.size > 1 ? 1 : 0, in.size > 1 ? in.size - 1 : 0);
    if (!enif_term_to_binary(env, argv[1], &etf))
        return atom(env, "t2b_failed");
    used = enif_binary_to_term(env, etf.data, etf.size, &back, ERL_NIF_BIN2TERM_SAFE);
    made = enif_make_tuple7(env, made, fresh, sub, enif_make_uint64(env, flat.size),
                            enif_make_uint64(env, etf.size), enif_make_int(env, used == etf.size),
                            back);
    enif_release_binary(&etf);
    return enif_make_tuple2(env, made,
                            enif_make_int(env, enif_is_binary(env, argv[0]) * 10 +
                                                   enif_is_binary(env, argv[1])));
}

static ERL_NIF_TERM maps(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ERL_NIF_TERM m = argv[0], m2, m3, m4, v = 0, k, val, built;
    ERL_NIF_TERM forward = enif_make_list(env, 0), backward = enif_make_list(env, 0);
    ERL_NIF_TERM keys[2], values[2];
    ErlNifMapIterator it;
    size_t size = 0;
    (void)argc;
    if (!enif_is_map(env, m) || !enif_get_map_size(env, m, &size))
        return enif_make_badarg(env);
    if (enif_map_iterator_create(env, m, &it, ERL_NIF_MAP_ITERATOR_FIRST)) {
        while (enif_map_iterator_get_pair(env, &it, &k, &val)) {
            forward = enif_make_list_cell(env, enif_make_tuple2(env, k, val), forward);
            enif_map_iterator_next(env, &it);
        }
        forward = enif_make_tuple2(env, forward, enif_make_int(env, enif_map_iterator_is_tail(env, &it)));
        enif_map_iterator_destroy(env, &it);
    }
    if (enif_map_iterator_create(env, m, &it, ERL_NIF_MAP_ITERATOR_LAST)) {
        while (enif_map_iterator_get_pair(env, &it, &k, &val)) {
            backward = enif_make_list_cell(env, k, backward);
            enif_map_iterator_prev(env, &it);
        }
        backward = enif_make_tuple2(env, backward, enif_make_int(env, enif_map_iterator_is_head(env, &it)));
        enif_map_iterator_destroy(env, &it);
    }
    enif_make_map_put(env, m, atom(env, "added"), enif_make_int(env, 1), &m2);
    if (!enif_make_map_update(env, m2, atom(env, "added"), enif_make_int(env, 2), &m3))
        m3 = atom(env, "update_failed");
    if (!enif_make_map_remove(env, m3, atom(env, "a"), &m4))
        m4 = atom(env, "remove_failed");
    keys[0] = atom(env, "x");
    values[0] = enif_make_int(env, 10);
    keys[1] = atom(env, "y");
    values[1] = enif_make_int(env, 20);
    if (!enif_make_map_from_arrays(env, keys, values, 2, &built))
        built = atom(env, "duplicate_keys");
    return enif_make_list7(env, enif_make_uint64(env, size), forward, backward,
                           enif_get_map_value(env, m, atom(env, "a"), &v) ? v : atom(env, "none"),
                           m3, m4, enif_make_tuple2(env, built, enif_make_new_map(env)));
}

/* ---- resources -------------------------------------------------------------------------- */

static ERL_NIF_TERM box_new(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    box_t *b;
    ERL_NIF_TERM t;
    long v;
    (void)argc;
    if (!enif_get_long(env, argv[0], &v))
        return enif_make_badarg(env);
    b = enif_alloc_resource(box_type, sizeof(box_t));
    b->value = v;
    b->kept = 0;
    t = enif_make_resource(env, b);
    enif_release_resource(b);
    return t;
}

static ERL_NIF_TERM box_get(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    box_t *b;
    ERL_NIF_TERM bin;
    (void)argc;
    if (!enif_get_resource(env, argv[0], box_type, (void **)&b))
        return enif_make_badarg(env);
    bin = enif_make_resource_binary(env, b, "boxed", 5);
    return enif_make_tuple4(env, enif_make_long(env, b->value),
                            enif_make_uint64(env, enif_sizeof_resource(b) >= sizeof(box_t)), bin,
                            enif_make_int(env, enif_is_ref(env, argv[0])));
}

static ERL_NIF_TERM box_dtor_count(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    (void)argc;
    (void)argv;
    return enif_make_long(env, box_dtors);
}

/* ---- processes and messages ------------------------------------------------------------- */

static ERL_NIF_TERM pids(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifPid self, other, undef, named;
    ErlNifEnv *msg_env;
    ERL_NIF_TERM msg;
    int sent, local = enif_get_local_pid(env, argv[0], &other);
    (void)argc;
    if (!enif_self(env, &self) || !local)
        return enif_make_badarg(env);
    msg_env = enif_alloc_env();
    msg = enif_make_tuple2(msg_env, atom(msg_env, "from_nif"), enif_make_copy(msg_env, argv[1]));
    sent = enif_send(env, &other, msg_env, msg);
    enif_free_env(msg_env);
    enif_set_pid_undefined(&undef);
    return enif_make_list6(env,
        enif_make_int(env, enif_compare_pids(&self, &other) == 0),
        enif_make_pid(env, &other),
        enif_make_int(env, sent),
        enif_make_tuple2(env, enif_make_int(env, enif_is_pid_undefined(&undef)),
                         enif_make_int(env, enif_is_pid_undefined(&self))),
        enif_make_tuple2(env, enif_make_int(env, enif_is_process_alive(env, &other)),
                         enif_make_int(env, enif_is_current_process_alive(env))),
        enif_whereis_pid(env, argv[2], &named) ? enif_make_pid(env, &named) : atom(env, "undefined"));
}

/* ---- exceptions, time, misc ------------------------------------------------------------- */

static ERL_NIF_TERM fail(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ERL_NIF_TERM reason = 0, r;
    int pending;
    (void)argc;
    if (enif_is_atom(env, argv[0]) && enif_is_identical(argv[0], atom(env, "badarg")))
        return enif_make_badarg(env);
    r = enif_raise_exception(env, enif_make_tuple2(env, atom(env, "raised"), argv[0]));
    pending = enif_has_pending_exception(env, &reason);
    return pending && enif_is_exception(env, r) ? r : atom(env, "not_pending");
}

static ERL_NIF_TERM misc(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifTime t1 = enif_monotonic_time(ERL_NIF_NSEC), t2 = enif_monotonic_time(ERL_NIF_NSEC);
    ERL_NIF_TERM u = enif_make_unique_integer(env, ERL_NIF_UNIQUE_POSITIVE | ERL_NIF_UNIQUE_MONOTONIC);
    ErlNifSInt64 uv = 0;
    ErlNifSysInfo si;
    int order = enif_compare(argv[0], argv[1]);
    (void)argc;
    enif_get_int64(env, u, &uv);
    memset(&si, 0, sizeof si);
    enif_system_info(&si, sizeof si);
    return enif_make_list6(env,
        enif_make_int(env, t2 >= t1 && t1 != ERL_NIF_TIME_ERROR),
        enif_make_int64(env, enif_convert_time_unit(5, ERL_NIF_SEC, ERL_NIF_MSEC)),
        enif_make_int(env, uv > 0),
        enif_make_int(env, (order > 0) - (order < 0)),
        enif_make_tuple2(env, enif_make_int(env, si.nif_major_version),
                         enif_make_int(env, si.nif_minor_version)),
        enif_make_int(env, *(int *)enif_priv_data(env)));
}

static ERL_NIF_TERM info(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    (void)argc;
    (void)argv;
    return enif_make_list7(env, pair(env, "loads", enif_make_int(env, loads)),
                           pair(env, "upgrades", enif_make_int(env, upgrades)),
                           pair(env, "unloads", enif_make_int(env, unloads)),
                           pair(env, "load_info", enif_make_int(env, load_info_seen)),
                           pair(env, "upgrade_info", enif_make_int(env, upgrade_info_seen)),
                           pair(env, "tried", enif_make_tuple2(env, enif_make_int(env, tried_at_load),
                                                                 enif_make_int(env, tried_at_upgrade))),
                           pair(env, "priv", enif_make_int(env, *(int *)enif_priv_data(env))));
}

/* ---- formatted output ------------------------------------------------------------------- */

static int print_v(FILE *out, const char *format, ...)
{
    va_list ap;
    int n;
    va_start(ap, format);
    n = enif_vfprintf(out, format, ap);
    va_end(ap);
    return n;
}

static int format_v(char *buf, size_t size, const char *format, ...)
{
    va_list ap;
    int n;
    va_start(ap, format);
    n = enif_vsnprintf(buf, size, format, ap);
    va_end(ap);
    return n;
}

/* Prints into a temporary file with enif_fprintf and enif_vfprintf and returns what the file
 * holds; also enif_snprintf and a truncating enif_vsnprintf. */
static ERL_NIF_TERM print(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    char file_text[512], buf[256], small[8];
    FILE *out = tmpfile();
    int a, b, c, d;
    size_t n;
    (void)argc;
    if (out == NULL)
        return atom(env, "no_tmpfile");
    a = enif_fprintf(out, "term=%T int=%d str=%s\n", argv[0], -42, "text");
    b = print_v(out, "v: %T|%T|%lu|%c\n", argv[1], argv[0], 7UL, 'z');
    fflush(out);
    rewind(out);
    n = fread(file_text, 1, sizeof file_text - 1, out);
    file_text[n] = '\0';
    fclose(out);
    c = enif_snprintf(buf, sizeof buf, "%T and %x", argv[1], 255);
    d = format_v(small, sizeof small, "%T", argv[0]);
    return enif_make_tuple4(env, enif_make_string(env, file_text, ERL_NIF_LATIN1),
                            enif_make_int(env, a + b == (int)n),
                            enif_make_tuple2(env, enif_make_string(env, buf, ERL_NIF_LATIN1),
                                             enif_make_int(env, c == (int)strlen(buf))),
                            /* What a truncated %T returns differs between runtimes (OTP
                             * counts less than the whole term): only "more than fit". */
                            enif_make_tuple2(env, enif_make_int(env, d >= (int)sizeof small),
                                             enif_make_string(env, small, ERL_NIF_LATIN1)));
}

/* ---- dirty functions -------------------------------------------------------------------- */

static ERL_NIF_TERM sum_list(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ERL_NIF_TERM l = argv[0], h, t;
    long sum = 0, x;
    (void)argc;
    while (enif_get_list_cell(env, l, &h, &t)) {
        if (!enif_get_long(env, h, &x))
            return enif_make_badarg(env);
        sum += x;
        l = t;
    }
    if (!enif_is_empty_list(env, l))
        return enif_make_badarg(env);
    return enif_make_tuple2(env, enif_make_long(env, sum),
                            enif_make_int(env, enif_is_current_process_alive(env)));
}

/* Compiled, never called: the select helpers expand to enif_select_x calls of the right type. */
int nif_headers_select_helpers(ErlNifEnv *env, ErlNifEvent e, void *obj, const ErlNifPid *pid)
{
    ERL_NIF_TERM m = enif_make_atom(env, "ready");
    return enif_select_read(env, e, obj, pid, m, NULL) | enif_select_write(env, e, obj, pid, m, NULL) |
           enif_select_error(env, e, obj, pid, m, NULL);
}

static ErlNifFunc funcs[] = {
    {"entry", 0, entry, 0},
    {"layout", 0, layout, 0},
    {"constants", 0, constants, 0},
    {"numbers", 1, numbers, 0},
    {"text", 2, text, 0},
    {"seqs", 2, seqs, 0},
    {"binaries", 2, binaries, 0},
    {"maps", 1, maps, 0},
    {"box_new", 1, box_new, 0},
    {"box_get", 1, box_get, 0},
    {"box_dtor_count", 0, box_dtor_count, 0},
    {"pids", 3, pids, 0},
    {"fail", 1, fail, 0},
    {"misc", 2, misc, 0},
    {"info", 0, info, 0},
    {"print", 2, print, 0},
    {"sum_cpu", 1, sum_list, ERL_NIF_DIRTY_JOB_CPU_BOUND},
    {"sum_io", 1, sum_list, ERL_NIF_DIRTY_JOB_IO_BOUND},
};

ERL_NIF_INIT(nif_headers, funcs, load, NULL, upgrade, unload)
