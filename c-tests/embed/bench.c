/*
 * Timings of the embedding API (bench/embed.sh runs this and prints the table).
 *
 *   bench start EBIN [runtime arguments...]
 *       one runtime start: prints "start_us N" (erts_runtime_start until it returns),
 *       "first_call_us N" (until the first erts_call, of erlang:abs/1, has answered) and
 *       "otp_booted 0|1" (whether OTP's application controller runs).
 *       The first runtime of an OS process (bench/embed.sh runs it once per measurement).
 *   bench restarts EBIN N [runtime arguments...]
 *       N runtimes one after the other in one OS process, each started, called once and
 *       stopped: "restart_start_median_us" (the starts after the first), "stop_median_us"
 *       (erts_runtime_free: every process ended, every thread joined, memory freed).
 *   bench run EBIN CALLS MESSAGES [runtime arguments...]
 *       on one --bare (or booted) runtime, after a warm-up:
 *       call_<fn>_{median,p99,mean,min}_ns   round trips of erts_call, CALLS times each, of
 *                                         bench_embed:id/1 (Erlang) and erlang:abs/1 (a BIF)
 *       call_etf_{median,p99}_ns          erts_call_etf of bench_embed:id/1
 *       mailbox_recv_msgs_per_s           an Erlang process sends MESSAGES messages to a
 *                                         host mailbox, the host takes them with
 *                                         erts_mailbox_receive
 *       mailbox_callback_msgs_per_s       the same, handed to a callback
 *       threads2_calls_per_s, threads2_median_ns, threads1_calls_per_s
 *                                         CALLS calls from each of 2 host threads at once,
 *                                         against CALLS calls from one
 *   Each figure is a line "name value"; a wrong answer or a failed call exits with 1.
 */
#include "erts.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what, erts_status st) {
    fprintf(stderr, "%s: %s (%s)\n", what, erts_status_name(st), erts_last_error());
    exit(1);
}

static int cmp_ll(const void *a, const void *b) {
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

/* Sorts `v` and prints its median, 99th percentile, mean and minimum as NAME_*. */
static void report(const char *name, long long *v, size_t n) {
    qsort(v, n, sizeof *v, cmp_ll);
    long long sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    printf("%s_median_ns %lld\n", name, v[n / 2]);
    printf("%s_p99_ns %lld\n", name, v[(n * 99) / 100]);
    printf("%s_mean_ns %lld\n", name, sum / (long long)n);
    printf("%s_min_ns %lld\n", name, v[0]);
}

static erts_runtime *start(const char *ebin, int argc, char **argv, long long *elapsed) {
    const char *args[64];
    int n = 0;
    args[n++] = "-pa";
    args[n++] = ebin;
    for (int i = 0; i < argc && n < 64; i++)
        args[n++] = argv[i];
    erts_runtime *rt = NULL;
    long long t0 = now_ns();
    erts_status st = erts_runtime_start(n, args, &rt);
    *elapsed = now_ns() - t0;
    if (st != ERTS_OK)
        die("erts_runtime_start", st);
    return rt;
}

/* One call of module:function(N) that must give N back (abs of a positive N is N). */
static void call_n(erts_runtime *rt, ErlNifEnv *env, const char *m, const char *f, long n) {
    ERL_NIF_TERM arg = enif_make_long(env, n), r;
    erts_status st = erts_call(rt, m, f, env, &arg, 1, 5000, &r);
    long got;
    if (st != ERTS_OK)
        die(f, st);
    if (!enif_get_long(env, r, &got) || got != n) {
        fprintf(stderr, "%s:%s(%ld) gave a wrong answer\n", m, f, n);
        exit(1);
    }
}

static int cmd_start(const char *ebin, int argc, char **argv) {
    long long start_ns;
    long long t0 = now_ns();
    erts_runtime *rt = start(ebin, argc, argv, &start_ns);
    ErlNifEnv *env = enif_alloc_env();
    call_n(rt, env, "erlang", "abs", 1);
    long long first = now_ns() - t0;
    printf("start_us %lld\n", start_ns / 1000);
    printf("first_call_us %lld\n", first / 1000);
    /* Whether OTP booted: its application controller runs. */
    ERL_NIF_TERM name = enif_make_atom(env, "application_controller"), r;
    erts_status st = erts_call(rt, "erlang", "whereis", env, &name, 1, 5000, &r);
    if (st != ERTS_OK)
        die("erlang:whereis", st);
    printf("otp_booted %d\n", enif_is_pid(env, r) ? 1 : 0);
    enif_free_env(env);
    erts_runtime_free(rt);
    return 0;
}

/* Times `calls` round trips of module:function/1 into `out`. */
static void time_calls(erts_runtime *rt, const char *m, const char *f, long long *out,
                       size_t calls) {
    ErlNifEnv *env = enif_alloc_env();
    for (size_t i = 0; i < calls; i++) {
        long long t0 = now_ns();
        call_n(rt, env, m, f, (long)i + 1);
        out[i] = now_ns() - t0;
        enif_clear_env(env);
    }
    enif_free_env(env);
}

static void time_etf_calls(erts_runtime *rt, long long *out, size_t calls) {
    /* [7] in the external term format */
    unsigned char args[] = {131, 108, 0, 0, 0, 1, 97, 7, 106};
    unsigned char want[] = {131, 97, 7};
    for (size_t i = 0; i < calls; i++) {
        unsigned char *res = NULL;
        size_t len = 0;
        long long t0 = now_ns();
        erts_status st = erts_call_etf(rt, "bench_embed", "id", args, sizeof args, 5000, &res,
                                       &len);
        out[i] = now_ns() - t0;
        if (st != ERTS_OK)
            die("erts_call_etf", st);
        if (len != sizeof want || memcmp(res, want, len) != 0) {
            fprintf(stderr, "erts_call_etf gave a wrong answer\n");
            exit(1);
        }
        erts_free_buffer(res, len);
    }
}

/* Asks bench_embed:flood/2 for `n` messages to the mailbox's pid. */
static void flood(erts_runtime *rt, erts_mailbox *mb, ErlNifEnv *env, long n) {
    ERL_NIF_TERM args[2], r;
    erts_status st = erts_mailbox_pid(mb, env, &args[0]);
    if (st != ERTS_OK)
        die("erts_mailbox_pid", st);
    args[1] = enif_make_long(env, n);
    st = erts_call(rt, "bench_embed", "flood", env, args, 2, 5000, &r);
    if (st != ERTS_OK)
        die("bench_embed:flood", st);
}

/* Reads {n, K} into K, or exits. */
static long message_number(ErlNifEnv *env, ERL_NIF_TERM msg) {
    int arity;
    const ERL_NIF_TERM *e;
    long k;
    if (!enif_get_tuple(env, msg, &arity, &e) || arity != 2 || !enif_get_long(env, e[1], &k)) {
        fprintf(stderr, "an unexpected message in the mailbox\n");
        exit(1);
    }
    return k;
}

static double mailbox_receive_rate(erts_runtime *rt, long n) {
    erts_mailbox *mb;
    erts_status st = erts_mailbox_open(rt, &mb);
    if (st != ERTS_OK)
        die("erts_mailbox_open", st);
    ErlNifEnv *env = enif_alloc_env();
    long long t0 = now_ns();
    flood(rt, mb, env, n);
    for (long want = n; want >= 1; want--) {
        ERL_NIF_TERM msg;
        enif_clear_env(env);
        st = erts_mailbox_receive(mb, env, 5000, &msg);
        if (st != ERTS_OK)
            die("erts_mailbox_receive", st);
        if (message_number(env, msg) != want) {
            fprintf(stderr, "messages out of order\n");
            exit(1);
        }
    }
    long long dt = now_ns() - t0;
    enif_free_env(env);
    erts_mailbox_close(mb);
    return (double)n * 1e9 / (double)dt;
}

/* What the callback of the callback measurement counts. */
struct tally {
    pthread_mutex_t lock;
    pthread_cond_t done;
    long next; /* the number the next message must carry */
    int out_of_order;
};

static void on_message(void *user, ErlNifEnv *env, ERL_NIF_TERM msg) {
    struct tally *t = user;
    long k = message_number(env, msg);
    pthread_mutex_lock(&t->lock);
    if (k != t->next)
        t->out_of_order = 1;
    t->next = k - 1;
    if (t->next == 0)
        pthread_cond_signal(&t->done);
    pthread_mutex_unlock(&t->lock);
}

static double mailbox_callback_rate(erts_runtime *rt, long n) {
    struct tally t = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, n, 0};
    erts_mailbox *mb;
    erts_status st = erts_mailbox_open(rt, &mb);
    if (st != ERTS_OK)
        die("erts_mailbox_open", st);
    st = erts_mailbox_set_callback(mb, on_message, &t);
    if (st != ERTS_OK)
        die("erts_mailbox_set_callback", st);
    ErlNifEnv *env = enif_alloc_env();
    long long t0 = now_ns();
    flood(rt, mb, env, n);
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 30;
    pthread_mutex_lock(&t.lock);
    while (t.next != 0) {
        if (pthread_cond_timedwait(&t.done, &t.lock, &deadline) != 0) {
            fprintf(stderr, "the callback got %ld of %ld messages\n", n - t.next, n);
            exit(1);
        }
    }
    int bad = t.out_of_order;
    pthread_mutex_unlock(&t.lock);
    long long dt = now_ns() - t0;
    if (bad) {
        fprintf(stderr, "callback messages out of order\n");
        exit(1);
    }
    enif_free_env(env);
    erts_mailbox_close(mb);
    return (double)n * 1e9 / (double)dt;
}

struct caller {
    erts_runtime *rt;
    size_t calls;
    long long *times;
};

static void *caller_main(void *arg) {
    struct caller *c = arg;
    time_calls(c->rt, "bench_embed", "id", c->times, c->calls);
    return NULL;
}

/* `threads` host threads each make `calls` calls at once; gives calls per second and
 * leaves every round trip in `all`. */
static double concurrent_calls(erts_runtime *rt, int threads, size_t calls, long long *all) {
    pthread_t tid[8];
    struct caller c[8];
    long long t0 = now_ns();
    for (int i = 0; i < threads; i++) {
        c[i] = (struct caller){rt, calls, all + (size_t)i * calls};
        if (pthread_create(&tid[i], NULL, caller_main, &c[i]) != 0) {
            fprintf(stderr, "pthread_create failed\n");
            exit(1);
        }
    }
    for (int i = 0; i < threads; i++)
        pthread_join(tid[i], NULL);
    long long dt = now_ns() - t0;
    return (double)threads * (double)calls * 1e9 / (double)dt;
}

static int cmd_run(const char *ebin, long calls, long messages, int argc, char **argv) {
    long long start_ns;
    erts_runtime *rt = start(ebin, argc, argv, &start_ns);
    erts_status st = erts_load_module(rt, "bench_embed");
    if (st != ERTS_OK)
        die("load bench_embed", st);
    size_t n = (size_t)calls;
    long long *v = malloc(2 * n * sizeof *v);
    if (v == NULL)
        return 1;

    time_calls(rt, "bench_embed", "id", v, n < 2000 ? n : 2000); /* warm-up */
    time_calls(rt, "bench_embed", "id", v, n);
    report("call_id", v, n);
    time_calls(rt, "erlang", "abs", v, n);
    report("call_abs", v, n);
    time_etf_calls(rt, v, n);
    report("call_etf", v, n);

    mailbox_receive_rate(rt, messages < 1000 ? messages : 1000); /* warm-up */
    printf("mailbox_recv_msgs_per_s %.0f\n", mailbox_receive_rate(rt, messages));
    printf("mailbox_callback_msgs_per_s %.0f\n", mailbox_callback_rate(rt, messages));

    printf("threads1_calls_per_s %.0f\n", concurrent_calls(rt, 1, n, v));
    printf("threads2_calls_per_s %.0f\n", concurrent_calls(rt, 2, n, v));
    qsort(v, 2 * n, sizeof *v, cmp_ll);
    printf("threads2_median_ns %lld\n", v[n]);
    printf("threads2_p99_ns %lld\n", v[(2 * n * 99) / 100]);

    free(v);
    erts_runtime_free(rt);
    return 0;
}

static int cmd_restarts(const char *ebin, long n, int argc, char **argv) {
    long long *starts = calloc((size_t)n, sizeof *starts), *stops = calloc((size_t)n, sizeof *stops);
    ErlNifEnv *env = enif_alloc_env();
    for (long i = 0; i < n; i++) {
        erts_runtime *rt = start(ebin, argc, argv, &starts[i]);
        call_n(rt, env, "erlang", "abs", i + 1);
        long long t0 = now_ns();
        erts_runtime_free(rt);
        stops[i] = now_ns() - t0;
    }
    enif_free_env(env);
    qsort(starts + 1, (size_t)n - 1, sizeof *starts, cmp_ll);
    qsort(stops, (size_t)n, sizeof *stops, cmp_ll);
    printf("restart_start_median_us %lld\n", starts[1 + (n - 1) / 2] / 1000);
    printf("stop_median_us %lld\n", stops[n / 2] / 1000);
    free(starts);
    free(stops);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 4 && strcmp(argv[1], "restarts") == 0) {
        long n = atol(argv[3]);
        if (n < 2) {
            fprintf(stderr, "N must be at least 2\n");
            return 2;
        }
        return cmd_restarts(argv[2], n, argc - 4, argv + 4);
    }
    if (argc >= 3 && strcmp(argv[1], "start") == 0)
        return cmd_start(argv[2], argc - 3, argv + 3);
    if (argc >= 5 && strcmp(argv[1], "run") == 0) {
        long calls = atol(argv[3]), messages = atol(argv[4]);
        if (calls < 1 || messages < 1) {
            fprintf(stderr, "CALLS and MESSAGES must be positive\n");
            return 2;
        }
        return cmd_run(argv[2], calls, messages, argc - 5, argv + 5);
    }
    fprintf(stderr, "usage: bench start EBIN [runtime arguments...]\n"
                    "       bench run EBIN CALLS MESSAGES [runtime arguments...]\n"
                    "       bench restarts EBIN N [runtime arguments...]\n");
    return 2;
}
