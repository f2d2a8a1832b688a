/* The variadic functions of the erl_nif API, which stable Rust cannot define:
 * enif_make_tuple/enif_make_list forward to the *_from_array functions, and the printf
 * family handles %T (a term, printed as erlang:display/1 does, by nif_api_display_term in
 * Rust) and hands every other conversion to the C library. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t ERL_NIF_TERM;
typedef struct enif_environment_t ErlNifEnv;

extern ERL_NIF_TERM enif_make_tuple_from_array(ErlNifEnv *, const ERL_NIF_TERM[], unsigned);
extern ERL_NIF_TERM enif_make_list_from_array(ErlNifEnv *, const ERL_NIF_TERM[], unsigned);
extern int nif_api_display_term(ERL_NIF_TERM term, char *buf, size_t size);

#define SMALL 16

static ERL_NIF_TERM make_from_va(ErlNifEnv *env, unsigned cnt, va_list ap, int tuple)
{
    ERL_NIF_TERM small[SMALL];
    ERL_NIF_TERM *arr = cnt <= SMALL ? small : malloc(sizeof(ERL_NIF_TERM) * cnt);
    ERL_NIF_TERM r;
    unsigned i;
    if (arr == NULL)
        return 0;
    for (i = 0; i < cnt; i++)
        arr[i] = va_arg(ap, ERL_NIF_TERM);
    r = tuple ? enif_make_tuple_from_array(env, arr, cnt) : enif_make_list_from_array(env, arr, cnt);
    if (arr != small)
        free(arr);
    return r;
}

ERL_NIF_TERM enif_make_tuple(ErlNifEnv *env, unsigned cnt, ...)
{
    va_list ap;
    ERL_NIF_TERM r;
    va_start(ap, cnt);
    r = make_from_va(env, cnt, ap, 1);
    va_end(ap);
    return r;
}

ERL_NIF_TERM enif_make_list(ErlNifEnv *env, unsigned cnt, ...)
{
    va_list ap;
    ERL_NIF_TERM r;
    va_start(ap, cnt);
    r = make_from_va(env, cnt, ap, 0);
    va_end(ap);
    return r;
}

/* A growing output buffer. */
struct out {
    char *buf;
    size_t len, cap;
    int failed;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (o->len + n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 128;
        char *nb;
        while (o->len + n + 1 > cap)
            cap *= 2;
        nb = realloc(o->buf, cap);
        if (nb == NULL) {
            o->failed = 1;
            return;
        }
        o->buf = nb;
        o->cap = cap;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = 0;
}

/* One conversion with the C library; `spec` is the whole conversion (from '%'). */
#define FORMAT_ONE(o, spec, value)                                                            \
    do {                                                                                      \
        char tmp_[256];                                                                       \
        int n_ = snprintf(tmp_, sizeof tmp_, spec, value);                                    \
        if (n_ < 0) {                                                                         \
            (o)->failed = 1;                                                                  \
        } else if ((size_t)n_ < sizeof tmp_) {                                                \
            put(o, tmp_, (size_t)n_);                                                         \
        } else {                                                                              \
            char *big_ = malloc((size_t)n_ + 1);                                              \
            if (big_ == NULL) {                                                               \
                (o)->failed = 1;                                                              \
            } else {                                                                          \
                snprintf(big_, (size_t)n_ + 1, spec, value);                                  \
                put(o, big_, (size_t)n_);                                                     \
                free(big_);                                                                   \
            }                                                                                 \
        }                                                                                     \
    } while (0)

/* Formats `fmt` with `ap` into a malloc'ed string (in o); returns 0 or -1. */
static int format(struct out *o, const char *fmt, va_list ap)
{
    const char *p = fmt;
    put(o, "", 0);
    while (*p && !o->failed) {
        const char *start;
        char spec[64];
        int lng = 0, shrt = 0, size_t_ = 0, ll = 0, ldbl = 0, ptrdiff = 0, intmax = 0;
        size_t sl;
        if (*p != '%') {
            const char *q = strchr(p, '%');
            size_t n = q ? (size_t)(q - p) : strlen(p);
            put(o, p, n);
            p += n;
            continue;
        }
        start = p++;
        if (*p == '%') {
            put(o, "%", 1);
            p++;
            continue;
        }
        /* flags, width, precision */
        while (*p && strchr("-+ #0'", *p))
            p++;
        if (*p == '*') {
            return -1; /* '*' widths are not supported */
        }
        while (*p >= '0' && *p <= '9')
            p++;
        if (*p == '.') {
            p++;
            if (*p == '*')
                return -1;
            while (*p >= '0' && *p <= '9')
                p++;
        }
        /* length */
        for (;;) {
            if (*p == 'l') {
                if (lng) ll = 1;
                lng = 1;
            } else if (*p == 'h') {
                shrt = 1;
            } else if (*p == 'z') {
                size_t_ = 1;
            } else if (*p == 'L') {
                ldbl = 1;
            } else if (*p == 't') {
                ptrdiff = 1;
            } else if (*p == 'j') {
                intmax = 1;
            } else {
                break;
            }
            p++;
        }
        if (!*p)
            return -1;
        sl = (size_t)(p - start) + 1;
        if (sl >= sizeof spec)
            return -1;
        memcpy(spec, start, sl);
        spec[sl] = 0;
        switch (*p) {
        case 'T': {
            ERL_NIF_TERM t = va_arg(ap, ERL_NIF_TERM);
            int n = nif_api_display_term(t, NULL, 0);
            char *b = malloc((size_t)n + 1);
            if (b == NULL)
                return -1;
            nif_api_display_term(t, b, (size_t)n + 1);
            put(o, b, (size_t)n);
            free(b);
            break;
        }
        case 'd': case 'i':
            if (ll) FORMAT_ONE(o, spec, va_arg(ap, long long));
            else if (lng) FORMAT_ONE(o, spec, va_arg(ap, long));
            else if (size_t_ || ptrdiff) FORMAT_ONE(o, spec, va_arg(ap, ptrdiff_t));
            else if (intmax) FORMAT_ONE(o, spec, va_arg(ap, long long));
            else FORMAT_ONE(o, spec, va_arg(ap, int));
            break;
        case 'u': case 'o': case 'x': case 'X':
            if (ll) FORMAT_ONE(o, spec, va_arg(ap, unsigned long long));
            else if (lng) FORMAT_ONE(o, spec, va_arg(ap, unsigned long));
            else if (size_t_ || ptrdiff) FORMAT_ONE(o, spec, va_arg(ap, size_t));
            else if (intmax) FORMAT_ONE(o, spec, va_arg(ap, unsigned long long));
            else FORMAT_ONE(o, spec, va_arg(ap, unsigned int));
            break;
        case 'c':
            FORMAT_ONE(o, spec, va_arg(ap, int));
            break;
        case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a': case 'A':
            if (ldbl) FORMAT_ONE(o, spec, va_arg(ap, long double));
            else FORMAT_ONE(o, spec, va_arg(ap, double));
            break;
        case 's':
            FORMAT_ONE(o, spec, va_arg(ap, const char *));
            break;
        case 'p':
            FORMAT_ONE(o, spec, va_arg(ap, void *));
            break;
        default:
            return -1;
        }
        (void)shrt;
        p++;
    }
    return o->failed ? -1 : 0;
}

int enif_vsnprintf(char *buffer, size_t size, const char *fmt, va_list ap)
{
    struct out o = {NULL, 0, 0, 0};
    va_list cp;
    int r;
    /* As OTP's erts_vsnprintf: no buffer to write to is an error, not a length query. */
    if (buffer == NULL || size == 0) {
        errno = EINVAL;
        return -EINVAL;
    }
    va_copy(cp, ap);
    r = format(&o, fmt, cp);
    va_end(cp);
    if (r < 0) {
        free(o.buf);
        return -1;
    }
    if (size > 0 && buffer != NULL) {
        size_t n = o.len < size - 1 ? o.len : size - 1;
        memcpy(buffer, o.buf, n);
        buffer[n] = 0;
    }
    r = (int)o.len;
    free(o.buf);
    return r;
}

int enif_vfprintf(FILE *filep, const char *fmt, va_list ap)
{
    struct out o = {NULL, 0, 0, 0};
    va_list cp;
    int r;
    va_copy(cp, ap);
    r = format(&o, fmt, cp);
    va_end(cp);
    if (r < 0) {
        free(o.buf);
        return -1;
    }
    if (o.len > 0 && fwrite(o.buf, 1, o.len, filep) != o.len)
        r = -1;
    else
        r = (int)o.len;
    free(o.buf);
    return r;
}

int enif_snprintf(char *buffer, size_t size, const char *fmt, ...)
{
    va_list ap;
    int r;
    va_start(ap, fmt);
    r = enif_vsnprintf(buffer, size, fmt, ap);
    va_end(ap);
    return r;
}

int enif_fprintf(FILE *filep, const char *fmt, ...)
{
    va_list ap;
    int r;
    va_start(ap, fmt);
    r = enif_vfprintf(filep, fmt, ap);
    va_end(ap);
    return r;
}
