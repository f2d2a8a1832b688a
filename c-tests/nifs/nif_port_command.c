/* Test NIF library for tests/erl/nif_port_command.erl: enif_port_command from a NIF call
 * (with the message in the call's environment or in a process-independent one) and from a
 * thread of the library's own, to open and closed ports. */
#include <erl_nif.h>

/* command(Port, Data, InMsgEnv) -> Result */
static ERL_NIF_TERM command(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifPort port;
    int in_msg_env, r;
    if (!enif_get_local_port(env, argv[0], &port) || !enif_get_int(env, argv[2], &in_msg_env))
        return enif_make_badarg(env);
    if (in_msg_env) {
        ErlNifEnv *msg_env = enif_alloc_env();
        ERL_NIF_TERM msg = enif_make_copy(msg_env, argv[1]);
        r = enif_port_command(env, &port, msg_env, msg);
        enif_free_env(msg_env);
    } else {
        r = enif_port_command(env, &port, NULL, argv[1]);
    }
    return enif_make_int(env, r);
}

typedef struct {
    ErlNifEnv *env;
    ErlNifPort port;
    ERL_NIF_TERM data;
    int result;
} job_t;

static void *thread_main(void *arg)
{
    job_t *j = arg;
    j->result = enif_port_command(j->env, &j->port, j->env, j->data);
    return NULL;
}

/* thread_command(Port, Data) -> Result, sent from a thread made with enif_thread_create
 * (with a process-independent environment) */
static ERL_NIF_TERM thread_command(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    job_t j;
    ErlNifTid tid;
    if (!enif_get_local_port(env, argv[0], &j.port))
        return enif_make_badarg(env);
    j.env = enif_alloc_env();
    j.data = enif_make_copy(j.env, argv[1]);
    j.result = -1;
    if (enif_thread_create("port_command", &tid, thread_main, &j, NULL) != 0) {
        enif_free_env(j.env);
        return enif_make_atom(env, "no_thread");
    }
    enif_thread_join(tid, NULL);
    enif_free_env(j.env);
    return enif_make_int(env, j.result);
}

static ErlNifFunc funcs[] = {
    {"command", 3, command, 0},
    {"thread_command", 2, thread_command, 0},
};

ERL_NIF_INIT(nif_port_command, funcs, NULL, NULL, NULL, NULL)
