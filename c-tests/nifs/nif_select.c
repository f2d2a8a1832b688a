/* Test NIF library for tests/erl/nif_select.erl: enif_select on pipes and socket pairs the
 * library makes itself (read, write and error events, the default message and custom ones,
 * other recipients, re-arming, cancelling, stopping and the stop callback), and the results of
 * invalid requests. A resource wraps one descriptor; its stop callback closes it and tells the
 * process that made it {stop, Id, IsDirectCall}. */
#define _GNU_SOURCE
#include <erl_nif.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct {
    int fd;
    int id;
    ErlNifPid owner;
} fdres_t;

static ErlNifResourceType *fd_type;
static volatile long dtors = 0;
static volatile long stops = 0;

static void fd_dtor(ErlNifEnv *env, void *obj)
{
    __sync_fetch_and_add(&dtors, 1);
}

static void fd_stop(ErlNifEnv *env, void *obj, ErlNifEvent event, int is_direct_call)
{
    fdres_t *r = obj;
    ErlNifEnv *msg_env = enif_alloc_env();
    ERL_NIF_TERM m = enif_make_tuple3(msg_env, enif_make_atom(msg_env, "stop"),
                                      enif_make_int(msg_env, r->id),
                                      enif_make_int(msg_env, is_direct_call));
    __sync_fetch_and_add(&stops, 1);
    if (event == r->fd && r->fd >= 0) {
        close(r->fd);
        r->fd = -1;
    }
    enif_send(env, &r->owner, msg_env, m);
    enif_free_env(msg_env);
}

static int load(ErlNifEnv *env, void **priv, ERL_NIF_TERM info)
{
    ErlNifResourceTypeInit init = {fd_dtor, fd_stop, NULL};
    fd_type = enif_open_resource_type_x(env, "fd", &init, ERL_NIF_RT_CREATE, NULL);
    return fd_type == NULL;
}

static ERL_NIF_TERM wrap(ErlNifEnv *env, int fd, int id)
{
    fdres_t *r = enif_alloc_resource(fd_type, sizeof(fdres_t));
    ERL_NIF_TERM t;
    r->fd = fd;
    r->id = id;
    enif_self(env, &r->owner);
    t = enif_make_resource(env, r);
    enif_release_resource(r);
    return t;
}

static ERL_NIF_TERM errno_tuple(ErlNifEnv *env)
{
    return enif_make_tuple2(env, enif_make_atom(env, "error"), enif_make_int(env, errno));
}

/* pipe(IdRead, IdWrite) -> {ReadRes, WriteRes} */
static ERL_NIF_TERM make_pipe(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    int fds[2], a, b;
    if (!enif_get_int(env, argv[0], &a) || !enif_get_int(env, argv[1], &b))
        return enif_make_badarg(env);
    if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0)
        return errno_tuple(env);
    return enif_make_tuple2(env, wrap(env, fds[0], a), wrap(env, fds[1], b));
}

/* socketpair(IdA, IdB) -> {ResA, ResB} */
static ERL_NIF_TERM make_socketpair(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    int fds[2], a, b;
    if (!enif_get_int(env, argv[0], &a) || !enif_get_int(env, argv[1], &b))
        return enif_make_badarg(env);
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0)
        return errno_tuple(env);
    return enif_make_tuple2(env, wrap(env, fds[0], a), wrap(env, fds[1], b));
}

/* open_file(Path, Id) -> Res: a regular file (or device), read-only */
static ERL_NIF_TERM open_file(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    char path[256];
    int id, fd;
    if (enif_get_string(env, argv[0], path, sizeof path, ERL_NIF_LATIN1) <= 0
        || !enif_get_int(env, argv[1], &id))
        return enif_make_badarg(env);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno_tuple(env);
    return wrap(env, fd, id);
}

static int get_res(ErlNifEnv *env, ERL_NIF_TERM t, fdres_t **r)
{
    return enif_get_resource(env, t, fd_type, (void **)r);
}

/* select(Res, Mode, Ref) -> Result (the pid is the caller's) */
static ERL_NIF_TERM do_select(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    fdres_t *r;
    int mode;
    if (!get_res(env, argv[0], &r) || !enif_get_int(env, argv[1], &mode))
        return enif_make_badarg(env);
    return enif_make_int(env, enif_select(env, r->fd, mode, r, NULL, argv[2]));
}

/* select_to(Res, Mode, Pid, Ref) -> Result (messages go to Pid) */
static ERL_NIF_TERM do_select_to(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    fdres_t *r;
    int mode;
    ErlNifPid pid;
    if (!get_res(env, argv[0], &r) || !enif_get_int(env, argv[1], &mode)
        || !enif_get_local_pid(env, argv[2], &pid))
        return enif_make_badarg(env);
    return enif_make_int(env, enif_select(env, r->fd, mode, r, &pid, argv[3]));
}

/* select_custom(Res, Which, Msg, UseMsgEnv) -> Result, with enif_select_read/_write/_error
 * (Which = read | write | error | both: read and write in one enif_select_x). */
static ERL_NIF_TERM do_select_custom(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    fdres_t *r;
    char which[8];
    int use_env, res;
    ErlNifEnv *msg_env = NULL;
    ERL_NIF_TERM msg = argv[2];
    if (!get_res(env, argv[0], &r) || !enif_get_atom(env, argv[1], which, sizeof which, ERL_NIF_LATIN1)
        || !enif_get_int(env, argv[3], &use_env))
        return enif_make_badarg(env);
    if (use_env) {
        msg_env = enif_alloc_env();
        msg = enif_make_copy(msg_env, argv[2]);
    }
    if (strcmp(which, "read") == 0)
        res = enif_select_read(env, r->fd, r, NULL, msg, msg_env);
    else if (strcmp(which, "write") == 0)
        res = enif_select_write(env, r->fd, r, NULL, msg, msg_env);
    else if (strcmp(which, "error") == 0)
        res = enif_select_error(env, r->fd, r, NULL, msg, msg_env);
    else
        res = enif_select_x(env, r->fd, ERL_NIF_SELECT_READ | ERL_NIF_SELECT_WRITE | ERL_NIF_SELECT_CUSTOM_MSG,
                            r, NULL, msg, msg_env);
    if (msg_env)
        enif_free_env(msg_env);
    return enif_make_int(env, res);
}

/* select_fd(Fd, Mode) -> Result, for descriptors that no resource owns (invalid ones); the
 * resource is a fresh one of the fd type with no descriptor. */
static ERL_NIF_TERM do_select_fd(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    int fd, mode, res;
    fdres_t *r;
    if (!enif_get_int(env, argv[0], &fd) || !enif_get_int(env, argv[1], &mode))
        return enif_make_badarg(env);
    r = enif_alloc_resource(fd_type, sizeof(fdres_t));
    r->fd = -1;
    r->id = -1;
    enif_self(env, &r->owner);
    res = enif_select(env, fd, mode, r, NULL, enif_make_atom(env, "undefined"));
    enif_release_resource(r);
    return enif_make_int(env, res);
}

/* write(Res, Binary) -> Written | {error, Errno} */
static ERL_NIF_TERM do_write(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    fdres_t *r;
    ErlNifBinary bin;
    ssize_t n;
    if (!get_res(env, argv[0], &r) || !enif_inspect_binary(env, argv[1], &bin))
        return enif_make_badarg(env);
    n = write(r->fd, bin.data, bin.size);
    return n < 0 ? errno_tuple(env) : enif_make_long(env, n);
}

/* read(Res, Max) -> Binary | eof | {error, Errno} */
static ERL_NIF_TERM do_read(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    fdres_t *r;
    unsigned max;
    ERL_NIF_TERM t;
    unsigned char *p;
    ssize_t n;
    char buf[4096];
    if (!get_res(env, argv[0], &r) || !enif_get_uint(env, argv[1], &max) || max > sizeof buf)
        return enif_make_badarg(env);
    n = read(r->fd, buf, max);
    if (n < 0)
        return errno_tuple(env);
    if (n == 0)
        return enif_make_atom(env, "eof");
    p = enif_make_new_binary(env, n, &t);
    memcpy(p, buf, n);
    return t;
}

/* fill(Res) -> bytes written until the descriptor would block */
static ERL_NIF_TERM do_fill(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    fdres_t *r;
    char buf[4096];
    long total = 0;
    ssize_t n;
    if (!get_res(env, argv[0], &r))
        return enif_make_badarg(env);
    memset(buf, 'x', sizeof buf);
    while ((n = write(r->fd, buf, sizeof buf)) > 0)
        total += n;
    return enif_make_long(env, total);
}

/* close(Res) -> ok: closes the descriptor without deselecting it */
static ERL_NIF_TERM do_close(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    fdres_t *r;
    if (!get_res(env, argv[0], &r))
        return enif_make_badarg(env);
    if (r->fd >= 0)
        close(r->fd);
    r->fd = -1;
    return enif_make_atom(env, "ok");
}

/* counts() -> {Stops, Dtors} */
static ERL_NIF_TERM counts(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    return enif_make_tuple2(env, enif_make_long(env, stops), enif_make_long(env, dtors));
}

/* flags() -> the constants, so that the Erlang side need not hard-code them */
static ERL_NIF_TERM flags(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    return enif_make_list(env, 14,
        enif_make_int(env, ERL_NIF_SELECT_READ), enif_make_int(env, ERL_NIF_SELECT_WRITE),
        enif_make_int(env, ERL_NIF_SELECT_STOP), enif_make_int(env, ERL_NIF_SELECT_CANCEL),
        enif_make_int(env, ERL_NIF_SELECT_CUSTOM_MSG), enif_make_int(env, ERL_NIF_SELECT_ERROR),
        enif_make_int(env, ERL_NIF_SELECT_STOP_CALLED), enif_make_int(env, ERL_NIF_SELECT_STOP_SCHEDULED),
        enif_make_int(env, ERL_NIF_SELECT_INVALID_EVENT), enif_make_int(env, ERL_NIF_SELECT_FAILED),
        enif_make_int(env, ERL_NIF_SELECT_READ_CANCELLED), enif_make_int(env, ERL_NIF_SELECT_WRITE_CANCELLED),
        enif_make_int(env, ERL_NIF_SELECT_ERROR_CANCELLED), enif_make_int(env, ERL_NIF_SELECT_NOTSUP));
}

static ErlNifFunc funcs[] = {
    {"pipe", 2, make_pipe, 0},
    {"socketpair", 2, make_socketpair, 0},
    {"open_file", 2, open_file, 0},
    {"select", 3, do_select, 0},
    {"select_to", 4, do_select_to, 0},
    {"select_custom", 4, do_select_custom, 0},
    {"select_fd", 2, do_select_fd, 0},
    {"write", 2, do_write, 0},
    {"read", 2, do_read, 0},
    {"fill", 1, do_fill, 0},
    {"close", 1, do_close, 0},
    {"counts", 0, counts, 0},
    {"flags", 0, flags, 0},
};

ERL_NIF_INIT(nif_select, funcs, load, NULL, NULL, NULL)
