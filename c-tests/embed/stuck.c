/*
 * A runtime whose scheduler is stuck in a NIF that does not return: erts_runtime_stop gives
 * up after its limit (5 s) with ERTS_TIMEOUT instead of waiting forever, the host frees the
 * handle and goes on with a new runtime; once the NIF returns, its thread ends.
 *
 * usage: stuck
 */
#define STATIC_ERLANG_NIF 1
#include "erts.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

static volatile int released = 0;
static volatile int returned = 0;

static ERL_NIF_TERM block_nif(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    (void)argc;
    (void)argv;
    while (!released)
        usleep(1000);
    returned = 1;
    return enif_make_atom(env, "released");
}

static ErlNifFunc blocker_funcs[] = {
    {"block", 0, block_nif, 0},
};

ERL_NIF_INIT(blocker, blocker_funcs, NULL, NULL, NULL, NULL)

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: stuck EBIN\n");
        return 2;
    }
    const char *args[] = {"--bare", "+S", "1", "-pa", argv[1]};
    erts_runtime *rt = NULL;
    ErlNifEnv *env = enif_alloc_env();
    ERL_NIF_TERM r, five = enif_make_int(env, -5);
    if (erts_runtime_start(5, args, &rt) != ERTS_OK) {
        printf("start: %s\n", erts_last_error());
        return 1;
    }
    erts_status st = erts_register_static_nif(rt, blocker_nif_init());
    printf("register: %s\n", erts_status_name(st));
    st = erts_load_module(rt, "blocker");
    printf("load: %s\n", erts_status_name(st));
    st = erts_call(rt, "blocker", "block", env, NULL, 0, 300, &r);
    printf("blocking call: %s\n", erts_status_name(st));
    double t0 = now();
    st = erts_runtime_stop(rt);
    double took = now() - t0;
    printf("stop: %s (%s)\n", erts_status_name(st), erts_last_error());
    printf("stop gave up after the limit: %s\n", took >= 4.5 && took < 9 ? "yes" : "no");
    st = erts_runtime_stop(rt);
    printf("stop again: %s\n", erts_status_name(st));
    st = erts_call(rt, "erlang", "abs", env, &five, 1, 1000, &r);
    printf("call on the stopped runtime: %s\n", erts_status_name(st));
    erts_runtime_free(rt);

    erts_runtime *rt2 = NULL;
    if (erts_runtime_start(3, args, &rt2) != ERTS_OK) {
        printf("second start: %s\n", erts_last_error());
        return 1;
    }
    st = erts_call(rt2, "erlang", "abs", env, &five, 1, 5000, &r);
    enif_fprintf(stdout, "second runtime: %s %T\n", erts_status_name(st), r);
    printf("second stop: %s\n", erts_status_name(erts_runtime_stop(rt2)));
    erts_runtime_free(rt2);

    released = 1;
    for (int i = 0; i < 2000 && !returned; i++)
        usleep(1000);
    usleep(50000);
    printf("the blocked NIF returned: %s\n", returned ? "yes" : "no");
    enif_free_env(env);
    printf("the host is still here\n");
    return 0;
}
