/* Test NIF library for tests/erl/nif_env.erl: process-independent environments (terms kept
 * across calls and garbage collections, copies in and out, clearing and reuse), enif_send
 * from NIFs and from created threads (NULL caller environment), processes and ports by
 * name, enif_system_info, time, enif_snprintf/enif_fprintf with %T, monitors held by
 * resources and their terms, dynamic resource calls and resource binaries. */
#include <erl_nif.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static ERL_NIF_TERM atom_no;
static ERL_NIF_TERM atom_ok;

/* A term kept in an environment of its own between calls. */
static ErlNifEnv *stash_env;
static ERL_NIF_TERM stashed;

/* Resources: `mon` watches processes for its owner; `blob` backs resource binaries. */
typedef struct {
    ErlNifPid owner;
    ErlNifMonitor mons[4];
    int n;
} mon_t;

typedef struct {
    size_t size;
    unsigned char bytes[64];
} blob_t;

static ErlNifResourceType *mon_type;
static ErlNifResourceType *blob_type;
static volatile long blob_dtors = 0;

static void mon_down(ErlNifEnv *env, void *obj, ErlNifPid *pid, ErlNifMonitor *mon)
{
    mon_t *m = obj;
    ErlNifEnv *msg_env = enif_alloc_env();
    int i, which = -1;
    for (i = 0; i < m->n; i++)
        if (enif_compare_monitors(&m->mons[i], mon) == 0)
            which = i;
    enif_send(env, &m->owner, msg_env,
              enif_make_tuple4(msg_env, enif_make_atom(msg_env, "down"), enif_make_pid(msg_env, pid),
                               enif_make_int(msg_env, which), enif_make_monitor_term(msg_env, mon)));
    enif_free_env(msg_env);
}

static void mon_dyncall(ErlNifEnv *env, void *obj, void *data)
{
    mon_t *m = obj;
    *(int *)data = 100 + m->n;
}

static void blob_dtor(ErlNifEnv *env, void *obj)
{
    __sync_fetch_and_add(&blob_dtors, 1);
}

static int load(ErlNifEnv *env, void **priv, ERL_NIF_TERM info)
{
    ErlNifResourceTypeInit init;
    atom_no = enif_make_atom(env, "no");
    atom_ok = enif_make_atom(env, "ok");
    stash_env = enif_alloc_env();
    stashed = enif_make_atom(stash_env, "empty");
    memset(&init, 0, sizeof init);
    init.down = mon_down;
    init.dyncall = mon_dyncall;
    init.members = 4;
    mon_type = enif_init_resource_type(env, "mon", &init, ERL_NIF_RT_CREATE, NULL);
    blob_type = enif_open_resource_type(env, NULL, "blob", blob_dtor, ERL_NIF_RT_CREATE, NULL);
    return mon_type && blob_type ? 0 : 1;
}

/* ---- process-independent environments ---------------------------------------------------- */

static ERL_NIF_TERM stash(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    enif_clear_env(stash_env);
    stashed = enif_make_copy(stash_env, argv[0]);
    return atom_ok;
}

static ERL_NIF_TERM unstash(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    return enif_make_copy(env, stashed);
}

/* Terms of every kind built in a fresh environment around a copy of the argument, then
 * copied back into the caller's. */
static ERL_NIF_TERM build_elsewhere(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifEnv *e = enif_alloc_env();
    ErlNifBinary big;
    ERL_NIF_TERM m, parts[9], t, r;
    unsigned char *p;
    enif_alloc_binary(200, &big);
    memset(big.data, 'z', big.size);
    m = enif_make_new_map(e);
    enif_make_map_put(e, m, enif_make_atom(e, "k"), enif_make_copy(e, argv[0]), &m);
    parts[0] = enif_make_copy(e, argv[0]);
    parts[1] = enif_make_int64(e, (ErlNifSInt64)1 << 62);
    parts[2] = enif_make_atom(e, "built");
    parts[3] = enif_make_binary(e, &big);
    parts[4] = enif_make_sub_binary(e, parts[3], 10, 5);
    parts[5] = enif_make_double(e, 2.5);
    parts[6] = enif_make_string(e, "text", ERL_NIF_LATIN1);
    parts[7] = m;
    p = enif_make_new_binary(e, 3, &parts[8]);
    memcpy(p, "new", 3);
    t = enif_make_tuple_from_array(e, parts, 9);
    r = enif_make_copy(env, t);
    enif_free_env(e);
    return r;
}

/* One environment cleared and reused many times; the last term is copied out. */
static ERL_NIF_TERM clear_reuse(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifEnv *e = enif_alloc_env();
    ERL_NIF_TERM t = 0, r;
    ErlNifBinary b;
    int i;
    for (i = 0; i < 2000; i++) {
        enif_clear_env(e);
        enif_alloc_binary(100 + i % 50, &b);
        memset(b.data, 'a' + i % 26, b.size);
        t = enif_make_tuple3(e, enif_make_int(e, i), enif_make_binary(e, &b), enif_make_copy(e, argv[0]));
    }
    r = enif_make_copy(env, t);
    enif_free_env(e);
    return r;
}

/* ---- messages ---------------------------------------------------------------------------- */

typedef struct {
    ErlNifPid to[8];
    int nto;
    int count;
    ErlNifEnv *env;       /* holds `payload` */
    ERL_NIF_TERM payload;
    int reuse;            /* one message environment for all messages */
    int failures;
} sender_t;

static void *sender_main(void *arg)
{
    sender_t *s = arg;
    ErlNifEnv *menv = enif_alloc_env();
    int i;
    for (i = 0; i < s->count; i++) {
        ErlNifEnv *e = s->reuse ? menv : enif_alloc_env();
        ERL_NIF_TERM msg = enif_make_tuple3(e, enif_make_atom(e, "msg"), enif_make_int(e, i),
                                            enif_make_copy(e, s->payload));
        if (!enif_send(NULL, &s->to[i % s->nto], e, msg))
            s->failures++;
        /* A successful send invalidates the environment: cleared for reuse, or freed. */
        if (s->reuse)
            enif_clear_env(e);
        else
            enif_free_env(e);
    }
    enif_free_env(menv);
    return s;
}

/* send_from_thread(Pids, Count, Payload, Reuse): a created thread sends Count messages
 * {msg, I, Payload} round-robin to Pids, with no caller environment; joined before
 * returning the number of failed sends. */
static ERL_NIF_TERM send_from_thread(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    sender_t s;
    ErlNifTid tid;
    ERL_NIF_TERM l = argv[0], h;
    void *res = NULL;
    memset(&s, 0, sizeof s);
    while (enif_get_list_cell(env, l, &h, &l) && s.nto < 8)
        if (!enif_get_local_pid(env, h, &s.to[s.nto++]))
            return enif_make_badarg(env);
    if (s.nto == 0 || !enif_get_int(env, argv[1], &s.count))
        return enif_make_badarg(env);
    s.env = enif_alloc_env();
    s.payload = enif_make_copy(s.env, argv[2]);
    s.reuse = argv[3] == enif_make_atom(env, "true");
    if (enif_thread_create("nif_env_sender", &tid, sender_main, &s, NULL) != 0)
        return enif_make_atom(env, "create_failed");
    enif_thread_join(tid, &res);
    enif_free_env(s.env);
    return enif_make_tuple2(env, enif_make_int(env, res == &s), enif_make_int(env, s.failures));
}

/* Sends from the NIF itself: with the message in the caller's environment (msg_env NULL),
 * and from a message environment cleared and reused for three messages. */
static ERL_NIF_TERM send_from_nif(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifPid to;
    ErlNifEnv *menv;
    int r[4], i;
    if (!enif_get_local_pid(env, argv[0], &to))
        return enif_make_badarg(env);
    r[0] = enif_send(env, &to, NULL, enif_make_tuple2(env, enif_make_atom(env, "caller_env"), argv[1]));
    menv = enif_alloc_env();
    for (i = 0; i < 3; i++) {
        r[i + 1] = enif_send(env, &to, menv, enif_make_tuple2(menv, enif_make_atom(menv, "reused"),
                                                                enif_make_int(menv, i)));
        enif_clear_env(menv);
    }
    enif_free_env(menv);
    return enif_make_list4(env, enif_make_int(env, r[0]), enif_make_int(env, r[1]),
                           enif_make_int(env, r[2]), enif_make_int(env, r[3]));
}

/* ---- processes and ports ----------------------------------------------------------------- */

static ERL_NIF_TERM alive(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifPid pid;
    ErlNifPort port;
    if (enif_get_local_pid(env, argv[0], &pid))
        return enif_make_tuple2(env, enif_make_atom(env, "pid"),
                                enif_make_int(env, enif_is_process_alive(env, &pid)));
    if (enif_get_local_port(env, argv[0], &port))
        return enif_make_tuple2(env, enif_make_atom(env, "port"),
                                enif_make_int(env, enif_is_port_alive(env, &port)));
    return atom_no;
}

static ERL_NIF_TERM whereis(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifPid pid;
    ErlNifPort port;
    ERL_NIF_TERM p = atom_no, q = atom_no;
    if (enif_whereis_pid(env, argv[0], &pid))
        p = enif_make_pid(env, &pid);
    if (enif_whereis_port(env, argv[0], &port))
        q = enif_make_atom(env, "a_port");
    return enif_make_tuple3(env, p, q, enif_make_int(env, enif_is_current_process_alive(env)));
}

/* enif_self from a process-independent environment gives NULL. */
static ERL_NIF_TERM self_of(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifPid pid;
    ErlNifEnv *e = enif_alloc_env();
    int none = enif_self(e, &pid) == NULL;
    ERL_NIF_TERM me = enif_self(env, &pid) ? enif_make_pid(env, &pid) : atom_no;
    enif_free_env(e);
    return enif_make_tuple2(env, enif_make_int(env, none), me);
}

/* ---- system information and time -------------------------------------------------------- */

static ERL_NIF_TERM sysinfo(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifSysInfo si;
    ErlNifUInt64 size;
    if (!enif_get_uint64(env, argv[0], &size) || size > sizeof si)
        return enif_make_badarg(env);
    memset(&si, 0xee, sizeof si);
    enif_system_info(&si, (size_t)size);
    /* Fields not written keep the 0xee pattern (-286331154 as an int). */
    return enif_make_list(env, 11, enif_make_int(env, si.driver_major_version),
                          enif_make_int(env, si.driver_minor_version),
                          size >= offsetof(ErlNifSysInfo, otp_release)
                              ? enif_make_string(env, si.erts_version, ERL_NIF_LATIN1) : atom_no,
                          size >= offsetof(ErlNifSysInfo, thread_support)
                              ? enif_make_string(env, si.otp_release, ERL_NIF_LATIN1) : atom_no,
                          enif_make_int(env, si.thread_support), enif_make_int(env, si.smp_support),
                          enif_make_int(env, si.async_threads), enif_make_int(env, si.scheduler_threads),
                          enif_make_int(env, si.nif_major_version), enif_make_int(env, si.nif_minor_version),
                          enif_make_int(env, si.dirty_scheduler_support));
}

static ERL_NIF_TERM monotonic(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    int unit;
    if (!enif_get_int(env, argv[0], &unit))
        return enif_make_badarg(env);
    return enif_make_int64(env, enif_monotonic_time((ErlNifTimeUnit)unit));
}

static ERL_NIF_TERM time_offset(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    int unit;
    if (!enif_get_int(env, argv[0], &unit))
        return enif_make_badarg(env);
    return enif_make_int64(env, enif_time_offset((ErlNifTimeUnit)unit));
}

static ERL_NIF_TERM convert(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifSInt64 v;
    int from, to;
    if (!enif_get_int64(env, argv[0], &v) || !enif_get_int(env, argv[1], &from) ||
        !enif_get_int(env, argv[2], &to))
        return enif_make_badarg(env);
    return enif_make_int64(env, enif_convert_time_unit(v, (ErlNifTimeUnit)from, (ErlNifTimeUnit)to));
}

/* ---- printing ---------------------------------------------------------------------------- */

/* Each term of a list printed with %T into a large buffer. */
static ERL_NIF_TERM print_terms(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ERL_NIF_TERM l = argv[0], h, out = enif_make_list(env, 0), rev;
    char buf[4096];
    while (enif_get_list_cell(env, l, &h, &l)) {
        int n = enif_snprintf(buf, sizeof buf, "%T", h);
        out = enif_make_list_cell(env, enif_make_tuple2(env, enif_make_int(env, n),
                                                        enif_make_string(env, buf, ERL_NIF_LATIN1)), out);
    }
    enif_make_reverse_list(env, out, &rev);
    return rev;
}

/* Other conversions beside %T, and truncation to small buffers. */
static ERL_NIF_TERM print_mixed(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    char buf[512], small[8];
    int n, m, z, z2;
    n = enif_snprintf(buf, sizeof buf, "[%d|%5s|%-4d|%x|%lu|%.2f|%c|%%|%T|%ld|%s]", -42, "ab", 7,
                      255u, 123456789012UL, 3.14159, 'Q', argv[0], -5L, "end");
    m = enif_snprintf(small, sizeof small, "%T and more", argv[0]);
    z = enif_snprintf(NULL, 0, "%T", argv[0]);
    z2 = enif_snprintf(small, 0, "%T", argv[0]);
    return enif_make_tuple5(env, enif_make_string(env, buf, ERL_NIF_LATIN1), enif_make_int(env, n),
                            enif_make_tuple2(env, enif_make_string(env, small, ERL_NIF_LATIN1),
                                             enif_make_int(env, m)),
                            enif_make_int(env, z), enif_make_int(env, z2));
}

/* enif_fprintf into a temporary file, read back. */
static ERL_NIF_TERM fprint(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    FILE *f = tmpfile();
    char buf[1024];
    size_t got;
    int n;
    ERL_NIF_TERM text;
    if (f == NULL)
        return atom_no;
    n = enif_fprintf(f, "term=%T n=%d s=%s\n", argv[0], 17, "str");
    rewind(f);
    got = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[got] = 0;
    text = enif_make_string(env, buf, ERL_NIF_LATIN1);
    return enif_make_tuple2(env, enif_make_int(env, n), text);
}

/* ---- resources: monitors, dynamic calls, binaries ---------------------------------------- */

/* watch(Pids): a `mon` resource monitoring each process for the caller. Returns the
 * resource, the monitor terms, the results of monitoring, and how the monitors compare. */
static ERL_NIF_TERM watch(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    mon_t *m = enif_alloc_resource(mon_type, sizeof(mon_t));
    ERL_NIF_TERM l = argv[0], h, res, terms[4], rcs[4], cmp[4];
    int i;
    enif_self(env, &m->owner);
    m->n = 0;
    while (enif_get_list_cell(env, l, &h, &l) && m->n < 4) {
        ErlNifPid pid;
        if (!enif_get_local_pid(env, h, &pid)) {
            enif_release_resource(m);
            return enif_make_badarg(env);
        }
        rcs[m->n] = enif_make_int(env, enif_monitor_process(env, m, &pid, &m->mons[m->n]));
        m->n++;
    }
    for (i = 0; i < m->n; i++) {
        terms[i] = enif_make_monitor_term(env, &m->mons[i]);
        /* Each against the next: antisymmetric, never equal, and equal to itself. */
        {
            int j = (i + 1) % m->n;
            int a = enif_compare_monitors(&m->mons[i], &m->mons[j]);
            int b = enif_compare_monitors(&m->mons[j], &m->mons[i]);
            int s = enif_compare_monitors(&m->mons[i], &m->mons[i]);
            cmp[i] = enif_make_int(env, m->n == 1 ? (s == 0) : ((a < 0) == (b > 0) && a != 0 && s == 0));
        }
    }
    res = enif_make_resource(env, m);
    enif_release_resource(m);
    return enif_make_tuple4(env, res, enif_make_list_from_array(env, terms, m->n),
                            enif_make_list_from_array(env, rcs, m->n),
                            enif_make_list_from_array(env, cmp, m->n));
}

/* unwatch(Res, I): demonitors the I-th monitor (twice: the second reports 1). */
static ERL_NIF_TERM unwatch(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    mon_t *m;
    int i, a, b;
    if (!enif_get_resource(env, argv[0], mon_type, (void **)&m) || !enif_get_int(env, argv[1], &i) ||
        i < 0 || i >= m->n)
        return enif_make_badarg(env);
    a = enif_demonitor_process(env, m, &m->mons[i]);
    b = enif_demonitor_process(env, m, &m->mons[i]);
    return enif_make_tuple2(env, enif_make_int(env, a), enif_make_int(env, b));
}

static ERL_NIF_TERM dyn(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    int data = -1;
    int rc = enif_dynamic_resource_call(env, argv[0], argv[1], argv[2], &data);
    return enif_make_tuple2(env, enif_make_int(env, rc), enif_make_int(env, data));
}

/* blob(Bytes, KeepTerm): a resource holding the bytes and a resource binary over them; the
 * resource term too when KeepTerm is true. */
static ERL_NIF_TERM blob(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifBinary in;
    blob_t *b;
    ERL_NIF_TERM bin, res;
    if (!enif_inspect_binary(env, argv[0], &in) || in.size > sizeof b->bytes)
        return enif_make_badarg(env);
    b = enif_alloc_resource(blob_type, sizeof(blob_t));
    b->size = in.size;
    memcpy(b->bytes, in.data, in.size);
    bin = enif_make_resource_binary(env, b, b->bytes, b->size);
    res = enif_make_resource(env, b);
    enif_release_resource(b);
    if (argv[1] == enif_make_atom(env, "true"))
        return enif_make_tuple2(env, res, bin);
    return bin;
}

static ERL_NIF_TERM blob_destroyed(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    return enif_make_long(env, __sync_fetch_and_add(&blob_dtors, 0));
}

static ErlNifFunc funcs[] = {
    {"stash", 1, stash, 0},
    {"unstash", 0, unstash, 0},
    {"build_elsewhere", 1, build_elsewhere, 0},
    {"clear_reuse", 1, clear_reuse, 0},
    {"send_from_thread", 4, send_from_thread, 0},
    {"send_from_nif", 2, send_from_nif, 0},
    {"alive", 1, alive, 0},
    {"whereis", 1, whereis, 0},
    {"self_of", 0, self_of, 0},
    {"sysinfo", 1, sysinfo, 0},
    {"monotonic", 1, monotonic, 0},
    {"time_offset", 1, time_offset, 0},
    {"convert", 3, convert, 0},
    {"print_terms", 1, print_terms, 0},
    {"print_mixed", 1, print_mixed, 0},
    {"fprint", 1, fprint, 0},
    {"watch", 1, watch, 0},
    {"unwatch", 2, unwatch, 0},
    {"dyn", 3, dyn, 0},
    {"blob", 2, blob, 0},
    {"blob_destroyed", 0, blob_destroyed, 0},
};

ERL_NIF_INIT(nif_env, funcs, load, NULL, NULL, NULL)
