/*
 * Standard input stays the host's unless it passes -stdin: a runtime started with -stdin
 * reads the host's standard input (io:get_line/1, twice; its reader owns the descriptor:
 * the host gets nothing more). Without -stdin the runtime's `user` does not read it at all,
 * so the host reads its input whole.
 *
 * usage: stdin [-stdin]
 */
#include "erts.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    int runtime_reads = argc > 1 && strcmp(argv[1], "-stdin") == 0;
    const char *args[] = {"--bare", "+S", "1", "-stdin"};
    erts_runtime *rt = NULL;
    if (erts_runtime_start(runtime_reads ? 4 : 3, args, &rt) != ERTS_OK) {
        printf("start: %s\n", erts_last_error());
        return 1;
    }
    ErlNifEnv *env = enif_alloc_env();
    if (runtime_reads) {
        for (int i = 0; i < 2; i++) {
            ERL_NIF_TERM prompt = enif_make_string(env, "", ERL_NIF_LATIN1), r;
            erts_status st = erts_call(rt, "io", "get_line", env, &prompt, 1, 10000, &r);
            enif_fprintf(stdout, "the runtime read: %s %T\n", erts_status_name(st), r);
        }
    }
    fflush(stdout);
    char line[256];
    while (fgets(line, sizeof line, stdin))
        printf("the host read: %s", line);
    enif_free_env(env);
    erts_runtime_free(rt);
    return 0;
}
