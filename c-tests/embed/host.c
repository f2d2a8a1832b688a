/*
 * A C host of liberts: starts a --bare runtime, calls lists:sort/1, runs a port program
 * (os:cmd/1), runs a gen_server (counter.erl) and hears from it through a host mailbox,
 * calls NIFs it registered itself (a static NIF library for hostnif.erl), and checks that
 * each kind of bad use is a status code with a message. Prints one line per step;
 * tests/embed.rs compares them.
 *
 * usage: host EBIN_DIR [runtime arguments...]
 */
#define STATIC_ERLANG_NIF 1
#include "erts.h"

#include <stdio.h>
#include <string.h>

/* hostnif:add/2 and hostnif:hello/0, linked into this program. */
static ERL_NIF_TERM add_nif(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    long a, b;
    (void)argc;
    if (!enif_get_long(env, argv[0], &a) || !enif_get_long(env, argv[1], &b))
        return enif_make_badarg(env);
    return enif_make_long(env, a + b);
}

static ERL_NIF_TERM hello_nif(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    (void)argc;
    (void)argv;
    return enif_make_string(env, "hello from the host", ERL_NIF_LATIN1);
}

static ErlNifFunc hostnif_funcs[] = {
    {"add", 2, add_nif, 0},
    {"hello", 0, hello_nif, 0},
};

ERL_NIF_INIT(hostnif, hostnif_funcs, NULL, NULL, NULL, NULL)

static int failures = 0;

/* Prints what a call gave: the status, and the term or the message. */
static void show(const char *what, erts_status st, ErlNifEnv *env, ERL_NIF_TERM t) {
    (void)env;
    if (st == ERTS_OK || st == ERTS_EXCEPTION)
        enif_fprintf(stdout, "%s: %s %T\n", what, erts_status_name(st), t);
    else
        printf("%s: %s (%s)\n", what, erts_status_name(st), erts_last_error());
    fflush(stdout);
}

static void expect(const char *what, erts_status got, erts_status want) {
    printf("%s: %s%s\n", what, erts_status_name(got), got == want ? "" : "  <-- UNEXPECTED");
    if (got != want)
        failures++;
    fflush(stdout);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: host EBIN_DIR [runtime arguments...]\n");
        return 2;
    }
    const char *args[32];
    int n = 0;
    args[n++] = "-pa";
    args[n++] = argv[1];
    for (int i = 2; i < argc && n < 30; i++)
        args[n++] = argv[i];

    erts_runtime *rt = NULL;
    erts_status st = erts_runtime_start(n, args, &rt);
    if (st != ERTS_OK) {
        printf("start: %s (%s)\n", erts_status_name(st), erts_last_error());
        return 1;
    }
    printf("start: ERTS_OK\n");

    ErlNifEnv *env = enif_alloc_env();
    ERL_NIF_TERM r;

    /* lists:sort([3, 1, 2]) */
    ERL_NIF_TERM items[3] = {enif_make_int(env, 3), enif_make_int(env, 1), enif_make_int(env, 2)};
    ERL_NIF_TERM list = enif_make_list_from_array(env, items, 3);
    st = erts_call(rt, "lists", "sort", env, &list, 1, 5000, &r);
    show("lists:sort", st, env, r);

    /* A port program (the fork helper starts on the first one). */
    ERL_NIF_TERM cmd = enif_make_string(env, "echo from a port program", ERL_NIF_LATIN1);
    st = erts_call(rt, "os", "cmd", env, &cmd, 1, 5000, &r);
    show("os:cmd", st, env, r);

    /* A gen_server and a host mailbox that it notifies. */
    st = erts_load_module(rt, "counter");
    expect("load counter", st, ERTS_OK);
    st = erts_call(rt, "counter", "start", env, NULL, 0, 5000, &r);
    printf("counter:start: %s %s\n", erts_status_name(st),
           enif_is_tuple(env, r) ? "{ok,Pid}" : "?");
    erts_mailbox *mb = NULL;
    st = erts_mailbox_open(rt, &mb);
    expect("mailbox open", st, ERTS_OK);
    ERL_NIF_TERM me;
    erts_mailbox_pid(mb, env, &me);
    st = erts_call(rt, "counter", "subscribe", env, &me, 1, 5000, &r);
    show("counter:subscribe", st, env, r);
    ERL_NIF_TERM five = enif_make_int(env, 5);
    st = erts_call(rt, "counter", "add", env, &five, 1, 5000, &r);
    show("counter:add", st, env, r);
    ERL_NIF_TERM msg;
    st = erts_mailbox_receive(mb, env, 5000, &msg);
    show("mailbox receive", st, env, msg);
    st = erts_mailbox_receive(mb, env, 0, &msg);
    expect("mailbox poll (empty)", st, ERTS_TIMEOUT);
    /* The host sends to a registered name; the server's handle_info ignores it. */
    ERL_NIF_TERM name = enif_make_atom(env, "counter");
    st = erts_send(rt, env, name, enif_make_atom(env, "hello"));
    expect("send to counter", st, ERTS_OK);
    st = erts_send(rt, env, me, enif_make_tuple(env, 2, enif_make_atom(env, "to"), enif_make_atom(env, "self")));
    expect("send to the mailbox", st, ERTS_OK);
    st = erts_mailbox_receive(mb, env, 5000, &msg);
    show("mailbox receive", st, env, msg);

    /* A static NIF library. */
    st = erts_register_static_nif(rt, hostnif_nif_init());
    expect("register static nif", st, ERTS_OK);
    st = erts_load_module(rt, "hostnif");
    expect("load hostnif", st, ERTS_OK);
    ERL_NIF_TERM ab[2] = {enif_make_int(env, 2), enif_make_int(env, 40)};
    st = erts_call(rt, "hostnif", "add", env, ab, 2, 5000, &r);
    show("hostnif:add", st, env, r);
    st = erts_call(rt, "hostnif", "hello", env, NULL, 0, 5000, &r);
    show("hostnif:hello", st, env, r);
    ERL_NIF_TERM bad[2] = {enif_make_atom(env, "x"), enif_make_int(env, 1)};
    st = erts_call(rt, "hostnif", "add", env, bad, 2, 5000, &r);
    printf("hostnif:add(x, 1): %s\n", erts_status_name(st));

    /* The same call through the external term format: [[b, a]] encoded. */
    unsigned char etf[] = {131, 108, 0, 0, 0, 1, 108, 0, 0, 0, 2, 119, 1, 'b', 119, 1, 'a', 106, 106};
    unsigned char *out = NULL;
    size_t out_len = 0;
    st = erts_call_etf(rt, "lists", "sort", etf, sizeof etf, 5000, &out, &out_len);
    ERL_NIF_TERM decoded;
    if (st == ERTS_OK && enif_binary_to_term(env, out, out_len, &decoded, 0) == out_len)
        show("lists:sort (etf)", st, env, decoded);
    else
        show("lists:sort (etf)", st, env, 0);
    erts_free_buffer(out, out_len);

    /* Bad use: each a status and a message, never a crash. */
    st = erts_call(rt, "no_such_module", "f", env, NULL, 0, 5000, &r);
    show("undefined function", st, env, r);
    st = erts_call(rt, "counter", "crash", env, NULL, 0, 5000, &r);
    printf("exception: %s (%s)\n", erts_status_name(st), erts_last_error());
    ERL_NIF_TERM ms = enif_make_int(env, 2000);
    st = erts_call(rt, "timer", "sleep", env, &ms, 1, 50, &r);
    expect("timeout", st, ERTS_TIMEOUT);
    st = erts_send(rt, env, enif_make_atom(env, "nobody_here"), name);
    expect("send to an unregistered name", st, ERTS_NOPROC);
    st = erts_load_module(rt, "no_such_module");
    expect("load a missing module", st, ERTS_LOAD_FAILED);
    unsigned char junk[] = "FOR1 not a beam file";
    st = erts_load_binary(rt, "junk", junk, sizeof junk);
    expect("load a bad .beam", st, ERTS_LOAD_FAILED);
    st = erts_call_etf(rt, "lists", "sort", junk, sizeof junk, 5000, &out, &out_len);
    expect("call with bad external format", st, ERTS_BADARG);
    st = erts_call(NULL, "lists", "sort", env, &list, 1, 5000, &r);
    expect("call on a NULL runtime", st, ERTS_BADARG);
    st = erts_call(rt, "lists", "sort", NULL, &list, 1, 5000, &r);
    expect("call without an environment", st, ERTS_BADARG);

    /* The runtime still works after all that. */
    st = erts_call(rt, "counter", "get", env, NULL, 0, 5000, &r);
    show("counter:get", st, env, r);

    erts_mailbox_close(mb);
    st = erts_runtime_stop(rt);
    expect("stop", st, ERTS_OK);
    st = erts_call(rt, "lists", "sort", env, &list, 1, 5000, &r);
    expect("call after stop", st, ERTS_STOPPED);
    erts_runtime_free(rt);
    enif_free_env(env);
    printf("done: %d unexpected\n", failures);
    return failures == 0 ? 0 : 1;
}
