/*
 * erlang:halt/1 in Erlang code stops the runtime it runs in, not the host: the call that
 * halted returns ERTS_STOPPED, erts_runtime_halted gives the status, later calls give
 * ERTS_STOPPED, and the host starts another runtime. A boot that halts (init's -eval) is
 * ERTS_START_FAILED.
 *
 * usage: halt
 */
#include "erts.h"

#include <stdio.h>

int main(void) {
    const char *bare[] = {"--bare", "+S", "1"};
    erts_runtime *rt = NULL;
    ErlNifEnv *env = enif_alloc_env();
    ERL_NIF_TERM r, three = enif_make_int(env, 3);
    int status = -1;
    for (int round = 1; round <= 2; round++) {
        if (erts_runtime_start(3, bare, &rt) != ERTS_OK) {
            printf("start: %s\n", erts_last_error());
            return 1;
        }
        erts_status st = erts_call(rt, "erlang", "halt", env, &three, 1, 10000, &r);
        printf("round %d: halt(3) call: %s\n", round, erts_status_name(st));
        int halted = erts_runtime_halted(rt, &status);
        printf("round %d: halted %d, status %d\n", round, halted, status);
        st = erts_call(rt, "erlang", "abs", env, &three, 1, 1000, &r);
        printf("round %d: call after halt: %s (%s)\n", round, erts_status_name(st), erts_last_error());
        erts_runtime_free(rt);
    }
    const char *boot[] = {"+S", "1", "-eval", "erlang:halt(4)."};
    erts_status st = erts_runtime_start(4, boot, &rt);
    printf("boot that halts: %s\n", erts_status_name(st));
    enif_free_env(env);
    printf("the host is still here\n");
    return 0;
}
