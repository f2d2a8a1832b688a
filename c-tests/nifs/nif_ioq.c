/* Test NIF library for tests/erl/nif_ioq.erl: enif_inspect_iovec (with and without an
 * environment, into the caller's ErlNifIOVec or an allocated one; which binaries are
 * referenced and which copied; the tail) and enif_free_iovec, and I/O queues: enqueueing
 * vectors and binaries (with skips), sizes, dequeueing, peeking at the vector and at the
 * head as a binary. */
#include <erl_nif.h>
#include <string.h>

typedef struct {
    ErlNifIOQueue *q;
} queue_t;

static ErlNifResourceType *queue_type;

static void queue_dtor(ErlNifEnv *env, void *obj)
{
    queue_t *q = obj;
    if (q->q)
        enif_ioq_destroy(q->q);
}

static int load(ErlNifEnv *env, void **priv, ERL_NIF_TERM info)
{
    queue_type = enif_open_resource_type(env, NULL, "ioq", queue_dtor, ERL_NIF_RT_CREATE, NULL);
    return queue_type == NULL;
}

static ERL_NIF_TERM atom(ErlNifEnv *env, const char *name)
{
    return enif_make_atom(env, name);
}

static ERL_NIF_TERM bytes_term(ErlNifEnv *env, const void *p, size_t n)
{
    ERL_NIF_TERM t;
    unsigned char *d = enif_make_new_binary(env, n, &t);
    if (n)
        memcpy(d, p, n);
    return t;
}

/* The elements of a vector: [{Len, Bytes, shared | copied}]; shared when the element points
 * at the bytes of the corresponding non-empty binary of the list (as enif_inspect_binary
 * sees them), and whether all the copied elements lie one after the other in one buffer. */
static ERL_NIF_TERM describe(ErlNifEnv *env, ErlNifIOVec *v, ERL_NIF_TERM list, int *one_buffer)
{
    ERL_NIF_TERM out = enif_make_list(env, 0), head, tail = list;
    ERL_NIF_TERM items[64];
    char *next_copy = NULL;
    int i = 0, n = 0;
    *one_buffer = 1;
    while (i < v->iovcnt && n < 64 && enif_get_list_cell(env, tail, &head, &tail)) {
        ErlNifBinary b;
        const char *kind;
        if (!enif_inspect_binary(env, head, &b) || b.size == 0)
            continue;
        if ((unsigned char *)v->iov[i].iov_base == b.data) {
            kind = "shared";
        } else {
            kind = "copied";
            if (next_copy && next_copy != v->iov[i].iov_base)
                *one_buffer = 0;
            next_copy = (char *)v->iov[i].iov_base + v->iov[i].iov_len;
        }
        items[n++] = enif_make_tuple3(env, enif_make_uint64(env, v->iov[i].iov_len),
                                      bytes_term(env, v->iov[i].iov_base, v->iov[i].iov_len),
                                      atom(env, kind));
        i++;
    }
    out = enif_make_list_from_array(env, items, n);
    return out;
}

/* inspect(List, Max, How) -> {IovCnt, Size, Elements, OneBuffer, Tail, InPlace} | error
 * How: 0 = env, fresh; 1 = env, caller's structure; 2 = no env, fresh; 3 = no env, caller's. */
static ERL_NIF_TERM inspect(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifIOVec vec, *v;
    ErlNifUInt64 max;
    int how, one;
    ERL_NIF_TERM tail, elems, res;
    if (!enif_get_uint64(env, argv[1], &max) || !enif_get_int(env, argv[2], &how))
        return enif_make_badarg(env);
    v = (how & 1) ? &vec : NULL;
    if (!enif_inspect_iovec((how & 2) ? NULL : env, max, argv[0], &tail, &v))
        return atom(env, "error");
    elems = describe(env, v, argv[0], &one);
    res = enif_make_tuple6(env, enif_make_int(env, v->iovcnt), enif_make_uint64(env, v->size),
                           elems, atom(env, one ? "one_buffer" : "scattered"), tail,
                           atom(env, v == &vec ? "in_place" : "allocated"));
    if (how & 2)
        enif_free_iovec(v);
    return res;
}

static int get_queue(ErlNifEnv *env, ERL_NIF_TERM t, queue_t **q)
{
    return enif_get_resource(env, t, queue_type, (void **)q) && (*q)->q != NULL;
}

/* new(Opts) -> Queue | null */
static ERL_NIF_TERM new_queue(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    unsigned opts;
    ErlNifIOQueue *q;
    queue_t *r;
    ERL_NIF_TERM t;
    if (!enif_get_uint(env, argv[0], &opts))
        return enif_make_badarg(env);
    q = enif_ioq_create(opts);
    if (!q)
        return atom(env, "null");
    r = enif_alloc_resource(queue_type, sizeof(queue_t));
    r->q = q;
    t = enif_make_resource(env, r);
    enif_release_resource(r);
    return t;
}

/* enqv(Q, List, Skip, How) -> {Result, QueueSize, FirstLenAfter}: the list inspected (How as
 * in inspect/3) and queued after Skip bytes. */
static ERL_NIF_TERM enqv(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    queue_t *q;
    ErlNifIOVec vec, *v;
    ErlNifUInt64 skip;
    ERL_NIF_TERM tail, res;
    int how, r;
    if (!get_queue(env, argv[0], &q) || !enif_get_uint64(env, argv[2], &skip)
        || !enif_get_int(env, argv[3], &how))
        return enif_make_badarg(env);
    v = (how & 1) ? &vec : NULL;
    if (!enif_inspect_iovec((how & 2) ? NULL : env, 1000, argv[1], &tail, &v))
        return atom(env, "error");
    r = enif_ioq_enqv(q->q, v, skip);
    res = enif_make_tuple3(env, enif_make_int(env, r), enif_make_uint64(env, enif_ioq_size(q->q)),
                           v->iovcnt > 0 ? enif_make_uint64(env, v->iov[0].iov_len) : atom(env, "none"));
    if (how & 2)
        enif_free_iovec(v);
    return res;
}

/* enq_binary(Q, Binary, Skip, How) -> {Result, QueueSize}; How = alloc (a copy made with
 * enif_alloc_binary, which the queue takes over) or inspect (the term's own bytes). */
static ERL_NIF_TERM enq_binary(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    queue_t *q;
    ErlNifBinary in, b;
    ErlNifUInt64 skip;
    char how[16];
    int r;
    if (!get_queue(env, argv[0], &q) || !enif_inspect_binary(env, argv[1], &in)
        || !enif_get_uint64(env, argv[2], &skip)
        || !enif_get_atom(env, argv[3], how, sizeof how, ERL_NIF_LATIN1))
        return enif_make_badarg(env);
    if (strcmp(how, "alloc") == 0) {
        if (!enif_alloc_binary(in.size, &b))
            return atom(env, "no_memory");
        memcpy(b.data, in.data, in.size);
    } else {
        b = in;
    }
    r = enif_ioq_enq_binary(q->q, &b, skip);
    return enif_make_tuple2(env, enif_make_int(env, r), enif_make_uint64(env, enif_ioq_size(q->q)));
}

/* size(Q) -> Bytes */
static ERL_NIF_TERM qsize(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    queue_t *q;
    if (!get_queue(env, argv[0], &q))
        return enif_make_badarg(env);
    return enif_make_uint64(env, enif_ioq_size(q->q));
}

/* deq(Q, N) -> {Result, SizeAfter} */
static ERL_NIF_TERM deq(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    queue_t *q;
    ErlNifUInt64 n;
    size_t after = 12345;
    int r;
    if (!get_queue(env, argv[0], &q) || !enif_get_uint64(env, argv[1], &n))
        return enif_make_badarg(env);
    r = enif_ioq_deq(q->q, n, &after);
    return enif_make_tuple2(env, enif_make_int(env, r), enif_make_uint64(env, after));
}

/* peek(Q) -> {IovLen, [Bytes]} */
static ERL_NIF_TERM peek(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    queue_t *q;
    int n = -7, i;
    SysIOVec *iov;
    ERL_NIF_TERM list;
    if (!get_queue(env, argv[0], &q))
        return enif_make_badarg(env);
    iov = enif_ioq_peek(q->q, &n);
    list = enif_make_list(env, 0);
    for (i = n - 1; iov && i >= 0; i--)
        list = enif_make_list_cell(env, bytes_term(env, iov[i].iov_base, iov[i].iov_len), list);
    return enif_make_tuple3(env, enif_make_int(env, n), atom(env, iov ? "vector" : "null"), list);
}

/* peek_head(Q) -> {1, Size, Binary, shared | copied} | 0: shared when the binary's bytes are
 * the queue's (the first element of enif_ioq_peek). */
static ERL_NIF_TERM peek_head(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    queue_t *q;
    size_t size = 777;
    ERL_NIF_TERM head;
    ErlNifBinary b;
    SysIOVec *iov;
    int n;
    if (!get_queue(env, argv[0], &q))
        return enif_make_badarg(env);
    if (!enif_ioq_peek_head(env, q->q, &size, &head))
        return enif_make_tuple2(env, enif_make_int(env, 0), enif_make_uint64(env, size));
    iov = enif_ioq_peek(q->q, &n);
    if (!enif_inspect_binary(env, head, &b))
        return atom(env, "not_a_binary");
    return enif_make_tuple4(env, enif_make_int(env, 1), enif_make_uint64(env, size), head,
                            atom(env, (iov && b.data == (unsigned char *)iov[0].iov_base) ? "shared" : "copied"));
}

/* peek_head_nosize(Q) -> Binary | none: enif_ioq_peek_head with a NULL size pointer */
static ERL_NIF_TERM peek_head_nosize(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    queue_t *q;
    ERL_NIF_TERM head;
    if (!get_queue(env, argv[0], &q))
        return enif_make_badarg(env);
    return enif_ioq_peek_head(env, q->q, NULL, &head) ? head : atom(env, "none");
}

/* destroy(Q) -> ok: the queue is destroyed now (with what it holds) */
static ERL_NIF_TERM destroy(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    queue_t *q;
    if (!get_queue(env, argv[0], &q))
        return enif_make_badarg(env);
    enif_ioq_destroy(q->q);
    q->q = NULL;
    return atom(env, "ok");
}

/* thread_like(List) -> Bytes: inspected without an environment into a fresh vector, queued,
 * the vector freed, then read back through peek and deq, as a NIF thread would. */
static ERL_NIF_TERM no_env_roundtrip(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifIOVec *v = NULL;
    ErlNifIOQueue *q = enif_ioq_create(ERL_NIF_IOQ_NORMAL);
    ERL_NIF_TERM tail, out;
    SysIOVec *iov;
    unsigned char *p;
    size_t total;
    int n, i;
    if (!enif_inspect_iovec(NULL, 100, argv[0], &tail, &v)) {
        enif_ioq_destroy(q);
        return atom(env, "error");
    }
    enif_ioq_enqv(q, v, 0);
    enif_free_iovec(v);
    total = enif_ioq_size(q);
    p = enif_make_new_binary(env, total, &out);
    iov = enif_ioq_peek(q, &n);
    for (i = 0; i < n; i++) {
        memcpy(p, iov[i].iov_base, iov[i].iov_len);
        p += iov[i].iov_len;
    }
    enif_ioq_deq(q, total, NULL);
    n = (int)enif_ioq_size(q);
    enif_ioq_destroy(q);
    return enif_make_tuple2(env, out, enif_make_int(env, n));
}

static ErlNifFunc funcs[] = {
    {"inspect", 3, inspect, 0},
    {"new", 1, new_queue, 0},
    {"enqv", 4, enqv, 0},
    {"enq_binary", 4, enq_binary, 0},
    {"qsize", 1, qsize, 0},
    {"deq", 2, deq, 0},
    {"peek", 1, peek, 0},
    {"peek_head", 1, peek_head, 0},
    {"peek_head_nosize", 1, peek_head_nosize, 0},
    {"destroy", 1, destroy, 0},
    {"no_env_roundtrip", 1, no_env_roundtrip, 0},
};

ERL_NIF_INIT(nif_ioq, funcs, load, NULL, NULL, NULL)
