/*
 * Starts and stops a runtime ROUNDS times (default 1000), each time running some Erlang
 * code in it (a gen_server, a mailbox, an ETS table, a call), and checks that nothing
 * accumulates: the resident set size after the last rounds is within a small bound of the
 * size after the first hundred, and the thread count is back to what it was before the
 * first runtime. Under AddressSanitizer (tests/embed.rs builds it so too) every runtime's
 * memory must be freed and never touched after.
 *
 * usage: restart EBIN_DIR [ROUNDS]
 */
#include "erts.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static long rss_kb(void) {
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static int threads(void) {
    int n = 0;
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    if (!d)
        return -1;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

/* One life of a runtime; 0 when everything answered as it should. */
static int one_round(const char *ebin) {
    const char *args[] = {"--bare", "+S", "2", "-pa", ebin};
    erts_runtime *rt = NULL;
    if (erts_runtime_start(5, args, &rt) != ERTS_OK) {
        printf("start: %s\n", erts_last_error());
        return 1;
    }
    int bad = 0;
    ErlNifEnv *env = enif_alloc_env();
    ERL_NIF_TERM r, me, msg;
    bad |= erts_load_module(rt, "counter") != ERTS_OK;
    bad |= erts_call(rt, "counter", "start", env, NULL, 0, 10000, &r) != ERTS_OK;
    erts_mailbox *mb = NULL;
    bad |= erts_mailbox_open(rt, &mb) != ERTS_OK;
    if (mb) {
        erts_mailbox_pid(mb, env, &me);
        bad |= erts_call(rt, "counter", "subscribe", env, &me, 1, 10000, &r) != ERTS_OK;
    }
    ERL_NIF_TERM n = enif_make_int(env, 7);
    bad |= erts_call(rt, "counter", "add", env, &n, 1, 10000, &r) != ERTS_OK;
    if (mb)
        bad |= erts_mailbox_receive(mb, env, 10000, &msg) != ERTS_OK;
    ERL_NIF_TERM opts = enif_make_list1(env, enif_make_atom(env, "public"));
    ERL_NIF_TERM newargs[2] = {enif_make_atom(env, "t"), opts};
    bad |= erts_call(rt, "ets", "new", env, newargs, 2, 10000, &r) != ERTS_OK;
    /* A call that raises, and one left running when the runtime stops. */
    bad |= erts_call(rt, "counter", "crash", env, NULL, 0, 10000, &r) != ERTS_EXCEPTION;
    ERL_NIF_TERM ms = enif_make_int(env, 100000);
    bad |= erts_call(rt, "timer", "sleep", env, &ms, 1, 1, &r) != ERTS_TIMEOUT;
    erts_mailbox_close(mb);
    bad |= erts_runtime_stop(rt) != ERTS_OK;
    erts_runtime_free(rt);
    enif_free_env(env);
    return bad;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: restart EBIN_DIR [ROUNDS]\n");
        return 2;
    }
    int rounds = argc > 2 ? atoi(argv[2]) : 1000;
    int first = rounds < 100 ? rounds / 2 : 100;
    int threads_before = threads();
    long rss_first = 0, rss_last = 0;
    int failed = 0;
    for (int i = 1; i <= rounds; i++) {
        if (one_round(argv[1])) {
            printf("round %d: a call did not answer as it should (%s)\n", i, erts_last_error());
            failed++;
            if (failed > 3)
                break;
        }
        /* The largest RSS of the second half of the first rounds and of the last rounds:
           single samples dip when the allocator happens to return memory. */
        if (i > first / 2 && i <= first && rss_kb() > rss_first)
            rss_first = rss_kb();
        if (i > rounds - first / 2 && rss_kb() > rss_last)
            rss_last = rss_kb();
    }
    int threads_after = threads();
    /* The helper process that forks port programs is started once (its reader thread
       stays): at most one thread more than before the first runtime. */
    printf("rounds: %d, failed: %d\n", rounds, failed);
    printf("rss after %d rounds: %ld KB, after %d: %ld KB, growth %ld KB\n", first, rss_first, rounds,
           rss_last, rss_last - rss_first);
    printf("threads before: %d, after: %d\n", threads_before, threads_after);
    long limit = getenv("RSS_LIMIT_KB") ? atol(getenv("RSS_LIMIT_KB")) : 4096;
    int ok = failed == 0 && rss_last - rss_first <= limit && threads_after <= threads_before + 1;
    printf("%s\n", ok ? "ok" : "NOT OK");
    return ok ? 0 : 1;
}
