/* example.c: an Erlang runtime inside a C program (docs/embedding.md).
 * Build: cc example.c $(pkg-config --cflags --libs erts) -o example */
#include <erts.h>
#include <stdio.h>
#include <stdlib.h>

static void check(erts_status st, const char *what) {
    if (st != ERTS_OK) {
        fprintf(stderr, "%s: %s (%s)\n", what, erts_status_name(st), erts_last_error());
        exit(1);
    }
}

int main(void) {
    /* A runtime without an OTP boot: ready in milliseconds. */
    const char *args[] = {"--bare"};
    erts_runtime *rt;
    check(erts_runtime_start(1, args, &rt), "start");

    /* Terms live in an environment of the host's own. */
    ErlNifEnv *env = enif_alloc_env();
    ERL_NIF_TERM seq_args[2] = {enif_make_int(env, 1), enif_make_int(env, 10)};
    ERL_NIF_TERM seq, sum;
    check(erts_call(rt, "lists", "seq", env, seq_args, 2, 1000, &seq), "lists:seq");
    check(erts_call(rt, "lists", "sum", env, &seq, 1, 1000, &sum), "lists:sum");
    int n;
    enif_get_int(env, sum, &n);
    enif_fprintf(stdout, "lists:sum(%T) = %d\n", seq, n);

    /* A mailbox: a pid that stands for the host. Erlang code sends to it. */
    erts_mailbox *mb;
    check(erts_mailbox_open(rt, &mb), "mailbox");
    ERL_NIF_TERM send_args[2], msg, ignored;
    check(erts_mailbox_pid(mb, env, &send_args[0]), "mailbox pid");
    send_args[1] = enif_make_tuple2(env, enif_make_atom(env, "hello"), enif_make_int(env, 42));
    check(erts_call(rt, "erlang", "send", env, send_args, 2, 1000, &ignored), "erlang:send");
    check(erts_mailbox_receive(mb, env, 1000, &msg), "receive");
    enif_fprintf(stdout, "the mailbox got %T\n", msg);
    erts_mailbox_close(mb);

    /* An exception is a status, a message and a {Class, Reason, Stacktrace} term. */
    ERL_NIF_TERM bad = enif_make_atom(env, "ten"), exc;
    erts_status st = erts_call(rt, "erlang", "abs", env, &bad, 1, 1000, &exc);
    printf("erlang:abs(ten): %s, %s\n", erts_status_name(st), erts_last_error());

    enif_free_env(env);
    erts_runtime_free(rt);
    return 0;
}
