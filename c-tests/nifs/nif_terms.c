/* Test NIF library for tests/erl/nif_terms.erl: making and reading terms of every type at
 * their limits (integers around the word and small-integer limits, bignums, floats, atoms,
 * Latin-1 strings), enif_term_type, enif_compare/enif_is_identical, enif_hash, unique
 * integers, sub binaries, iolists, the external term format, and exceptions. */
#include <erl_nif.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

static ERL_NIF_TERM atom_no;
static ERL_NIF_TERM atom_ok;

static int load(ErlNifEnv *env, void **priv, ERL_NIF_TERM info)
{
    atom_no = enif_make_atom(env, "no");
    atom_ok = enif_make_atom(env, "ok");
    return 0;
}

/* ---- integers ---------------------------------------------------------------------------- */

/* What each enif_get_* makes of the term, remade with the matching enif_make_*. */
static ERL_NIF_TERM get_ints(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    int i;
    unsigned u;
    long l;
    unsigned long ul;
    ErlNifSInt64 i64;
    ErlNifUInt64 u64;
    ERL_NIF_TERM x = argv[0];
    ERL_NIF_TERM r[6];
    r[0] = enif_get_int(env, x, &i) ? enif_make_int(env, i) : atom_no;
    r[1] = enif_get_uint(env, x, &u) ? enif_make_uint(env, u) : atom_no;
    r[2] = enif_get_long(env, x, &l) ? enif_make_long(env, l) : atom_no;
    r[3] = enif_get_ulong(env, x, &ul) ? enif_make_ulong(env, ul) : atom_no;
    r[4] = enif_get_int64(env, x, &i64) ? enif_make_int64(env, i64) : atom_no;
    r[5] = enif_get_uint64(env, x, &u64) ? enif_make_uint64(env, u64) : atom_no;
    return enif_make_tuple_from_array(env, r, 6);
}

/* Integers made at the limits of each C type and of OTP's small integers (60 bits). */
static ERL_NIF_TERM make_ints(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ERL_NIF_TERM r[20];
    int n = 0;
    r[n++] = enif_make_int(env, INT_MIN);
    r[n++] = enif_make_int(env, INT_MAX);
    r[n++] = enif_make_uint(env, UINT_MAX);
    r[n++] = enif_make_long(env, LONG_MIN);
    r[n++] = enif_make_long(env, LONG_MAX);
    r[n++] = enif_make_ulong(env, ULONG_MAX);
    r[n++] = enif_make_int64(env, INT64_MIN);
    r[n++] = enif_make_int64(env, INT64_MAX);
    r[n++] = enif_make_uint64(env, UINT64_MAX);
    r[n++] = enif_make_int64(env, (ErlNifSInt64)1 << 59);
    r[n++] = enif_make_int64(env, ((ErlNifSInt64)1 << 59) - 1);
    r[n++] = enif_make_int64(env, -((ErlNifSInt64)1 << 59));
    r[n++] = enif_make_int64(env, -((ErlNifSInt64)1 << 59) - 1);
    r[n++] = enif_make_uint64(env, (ErlNifUInt64)1 << 63);
    r[n++] = enif_make_long(env, -1);
    r[n++] = enif_make_ulong(env, 0);
    r[n++] = enif_make_uint64(env, 0);
    r[n++] = enif_make_int(env, 0);
    return enif_make_list_from_array(env, r, n);
}

/* ---- floats ------------------------------------------------------------------------------ */

static ERL_NIF_TERM get_double(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    double d;
    if (!enif_get_double(env, argv[0], &d))
        return atom_no;
    return enif_make_tuple2(env, enif_make_double(env, d), enif_make_int(env, signbit(d) != 0));
}

static ERL_NIF_TERM make_doubles(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    volatile double zero = 0.0;
    ERL_NIF_TERM r[10];
    int n = 0;
    r[n++] = enif_make_double(env, 0.0);
    r[n++] = enif_make_double(env, -zero);
    r[n++] = enif_make_double(env, DBL_MIN);
    r[n++] = enif_make_double(env, DBL_MAX);
    r[n++] = enif_make_double(env, -DBL_MAX);
    r[n++] = enif_make_double(env, 4.9406564584124654e-324);
    r[n++] = enif_make_double(env, 0.1 + 0.2);
    r[n++] = enif_make_double(env, 1e15);
    r[n++] = enif_make_double(env, 123456789012345678.0);
    r[n++] = enif_make_double(env, -1.5e-7);
    return enif_make_list_from_array(env, r, n);
}

/* enif_make_double of infinity or NaN: a badarg exception. */
static ERL_NIF_TERM bad_double(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    volatile double zero = 0.0;
    int k;
    double d;
    ERL_NIF_TERM r, reason;
    if (!enif_get_int(env, argv[0], &k))
        return enif_make_badarg(env);
    d = k == 0 ? 1.0 / zero : k == 1 ? -1.0 / zero : zero / zero;
    r = enif_make_double(env, d);
    if (argv[1] == atom_ok) {
        /* Report instead of raising: is there a pending exception, and which? */
        int pending = enif_has_pending_exception(env, &reason);
        return enif_make_tuple3(env, enif_make_int(env, pending), reason,
                                enif_make_int(env, enif_is_exception(env, r)));
    }
    return r;
}

/* ---- atoms and strings ------------------------------------------------------------------- */

static ERL_NIF_TERM atom_of_length(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    char buf[300];
    unsigned n;
    if (!enif_get_uint(env, argv[0], &n) || n > sizeof buf)
        return enif_make_badarg(env);
    memset(buf, 'x', n);
    return enif_make_atom_len(env, buf, n);
}

static ERL_NIF_TERM latin1_atoms(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    /* "\xe5ngstr\xf6m" is Latin-1 for the Swedish word, and a NUL inside a length. */
    return enif_make_list3(env, enif_make_atom(env, "\xe5ngstr\xf6m"),
                           enif_make_atom_len(env, "nul\0inside", 10),
                           enif_make_atom_len(env, "cut_here_xyz", 8));
}

/* enif_make_existing_atom(_len) of the bytes of a binary. */
static ERL_NIF_TERM existing(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifBinary b;
    ERL_NIF_TERM a = atom_no, a2 = atom_no;
    char buf[300];
    int r1, r2 = 0;
    if (!enif_inspect_binary(env, argv[0], &b) || b.size >= sizeof buf)
        return enif_make_badarg(env);
    r1 = enif_make_existing_atom_len(env, (const char *)b.data, b.size, &a, ERL_NIF_LATIN1);
    if (memchr(b.data, 0, b.size) == NULL) {
        memcpy(buf, b.data, b.size);
        buf[b.size] = 0;
        r2 = enif_make_existing_atom(env, buf, &a2, ERL_NIF_LATIN1);
    }
    return enif_make_tuple4(env, enif_make_int(env, r1), a, enif_make_int(env, r2), a2);
}

/* enif_get_atom into a buffer of the given size, and enif_get_atom_length. */
static ERL_NIF_TERM get_atom(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    char buf[300];
    unsigned size, len = 12345;
    int r, rl;
    ERL_NIF_TERM text;
    if (!enif_get_uint(env, argv[1], &size) || size > sizeof buf)
        return enif_make_badarg(env);
    memset(buf, '#', sizeof buf);
    r = enif_get_atom(env, argv[0], buf, size, ERL_NIF_LATIN1);
    rl = enif_get_atom_length(env, argv[0], &len, ERL_NIF_LATIN1);
    /* The bytes written, up to and including the NUL when there is one. */
    text = enif_make_string_len(env, buf, r > 0 ? (size_t)r : 0, ERL_NIF_LATIN1);
    return enif_make_tuple4(env, enif_make_int(env, r), text, enif_make_int(env, rl),
                            enif_make_uint(env, len));
}

/* enif_get_string into a buffer of the given size: the result and the bytes written. */
static ERL_NIF_TERM get_string(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    char buf[300];
    unsigned size;
    int r, i, n;
    ERL_NIF_TERM bytes[300];
    if (!enif_get_uint(env, argv[1], &size) || size > sizeof buf)
        return enif_make_badarg(env);
    memset(buf, '#', sizeof buf);
    r = enif_get_string(env, argv[0], buf, size, ERL_NIF_LATIN1);
    /* Show the buffer up to its size, '#' where nothing was written. */
    n = (int)size;
    for (i = 0; i < n; i++)
        bytes[i] = enif_make_int(env, (unsigned char)buf[i]);
    return enif_make_tuple2(env, enif_make_int(env, r), enif_make_list_from_array(env, bytes, n));
}

static ERL_NIF_TERM make_strings(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifBinary b;
    if (!enif_inspect_binary(env, argv[0], &b))
        return enif_make_badarg(env);
    return enif_make_list4(env, enif_make_string_len(env, (const char *)b.data, b.size, ERL_NIF_LATIN1),
                           enif_make_string(env, "caf\xe9", ERL_NIF_LATIN1),
                           enif_make_string(env, "", ERL_NIF_LATIN1),
                           enif_make_string_len(env, "a\0b", 3, ERL_NIF_LATIN1));
}

/* ---- types, comparison, hashing ---------------------------------------------------------- */

static ERL_NIF_TERM term_type(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ERL_NIF_TERM x = argv[0];
    int bits = enif_is_atom(env, x) | enif_is_binary(env, x) << 1 | enif_is_ref(env, x) << 2 |
               enif_is_fun(env, x) << 3 | enif_is_pid(env, x) << 4 | enif_is_port(env, x) << 5 |
               enif_is_list(env, x) << 6 | enif_is_tuple(env, x) << 7 |
               enif_is_empty_list(env, x) << 8 | enif_is_number(env, x) << 9 |
               enif_is_map(env, x) << 10;
    return enif_make_tuple2(env, enif_make_int(env, enif_term_type(env, x)), enif_make_int(env, bits));
}

/* enif_compare of every pair of a list's elements, as a list of strings of <, = and >. */
static ERL_NIF_TERM compare_all(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ERL_NIF_TERM items[64], rows[64], l = argv[0], h;
    unsigned n = 0, i, j;
    char row[65];
    while (enif_get_list_cell(env, l, &h, &l) && n < 64)
        items[n++] = h;
    for (i = 0; i < n; i++) {
        for (j = 0; j < n; j++) {
            int c = enif_compare(items[i], items[j]);
            int c2 = enif_compare(items[j], items[i]);
            if (c != -c2 || c < -1 || c > 1)
                row[j] = '!';
            else if (c == 0)
                row[j] = enif_is_identical(items[i], items[j]) ? '=' : '~';
            else
                row[j] = c < 0 ? '<' : '>';
        }
        row[n] = 0;
        rows[i] = enif_make_string(env, row, ERL_NIF_LATIN1);
    }
    return enif_make_list_from_array(env, rows, n);
}

static ERL_NIF_TERM hash(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    int kind;
    ErlNifUInt64 salt;
    if (!enif_get_int(env, argv[0], &kind) || !enif_get_uint64(env, argv[2], &salt))
        return enif_make_badarg(env);
    return enif_make_uint64(env, enif_hash((ErlNifHash)kind, argv[1], salt));
}

static ERL_NIF_TERM unique(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    int props;
    if (!enif_get_int(env, argv[0], &props))
        return enif_make_badarg(env);
    return enif_make_unique_integer(env, (ErlNifUniqueInteger)props);
}

/* ---- binaries and the external format ---------------------------------------------------- */

static ERL_NIF_TERM sub_binary(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    unsigned long pos, size;
    ERL_NIF_TERM sub;
    ErlNifBinary b;
    if (!enif_get_ulong(env, argv[1], &pos) || !enif_get_ulong(env, argv[2], &size))
        return enif_make_badarg(env);
    sub = enif_make_sub_binary(env, argv[0], pos, size);
    if (!enif_inspect_binary(env, sub, &b))
        return enif_make_badarg(env);
    /* A sub binary of the sub binary, one byte in from each end when there is room. */
    if (b.size >= 2)
        return enif_make_tuple2(env, sub, enif_make_sub_binary(env, sub, 1, b.size - 2));
    return enif_make_tuple2(env, sub, atom_no);
}

static ERL_NIF_TERM iolist(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifBinary b;
    ERL_NIF_TERM copy;
    unsigned char *p;
    if (!enif_inspect_iolist_as_binary(env, argv[0], &b))
        return atom_no;
    p = enif_make_new_binary(env, b.size, &copy);
    if (b.size > 0)
        memcpy(p, b.data, b.size);
    return enif_make_tuple2(env, enif_make_uint64(env, b.size), copy);
}

static ERL_NIF_TERM inspect(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifBinary b;
    unsigned long sum = 0;
    size_t i;
    if (!enif_inspect_binary(env, argv[0], &b))
        return atom_no;
    for (i = 0; i < b.size; i++)
        sum = sum * 31 + b.data[i];
    return enif_make_tuple2(env, enif_make_uint64(env, b.size), enif_make_ulong(env, sum));
}

static ERL_NIF_TERM t2b(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifBinary b;
    if (!enif_term_to_binary(env, argv[0], &b))
        return atom_no;
    return enif_make_binary(env, &b);
}

/* enif_binary_to_term of a binary with the given options: {BytesUsed, Term} or 0. */
static ERL_NIF_TERM b2t(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ErlNifBinary b;
    unsigned opts;
    ERL_NIF_TERM t;
    size_t used;
    if (!enif_inspect_binary(env, argv[0], &b) || !enif_get_uint(env, argv[1], &opts))
        return enif_make_badarg(env);
    used = enif_binary_to_term(env, b.data, b.size, &t, opts);
    if (used == 0)
        return enif_make_int(env, 0);
    return enif_make_tuple2(env, enif_make_uint64(env, used), t);
}

/* ---- exceptions -------------------------------------------------------------------------- */

/* Raises `argv[0]`; with `argv[1]` = `twice`, first raises something else; with `value`,
 * returns a term after raising (the exception wins). */
static ERL_NIF_TERM do_raise(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[])
{
    ERL_NIF_TERM r, pending;
    char how[16];
    if (!enif_get_atom(env, argv[1], how, sizeof how, ERL_NIF_LATIN1))
        return enif_make_badarg(env);
    if (strcmp(how, "check") == 0) {
        int before = enif_has_pending_exception(env, NULL);
        r = enif_raise_exception(env, argv[0]);
        if (!enif_has_pending_exception(env, &pending))
            return atom_no;
        return enif_make_tuple3(env, enif_make_int(env, before), pending,
                                enif_make_int(env, enif_is_exception(env, r) * 10 +
                                                       enif_is_exception(env, argv[0])));
    }
    if (strcmp(how, "twice") == 0)
        (void)enif_raise_exception(env, enif_make_atom(env, "first"));
    if (strcmp(how, "badarg_then") == 0)
        (void)enif_make_badarg(env);
    r = enif_raise_exception(env, argv[0]);
    if (strcmp(how, "value") == 0)
        return enif_make_atom(env, "returned_a_value");
    return r;
}

static ErlNifFunc funcs[] = {
    {"get_ints", 1, get_ints, 0},
    {"make_ints", 0, make_ints, 0},
    {"get_double", 1, get_double, 0},
    {"make_doubles", 0, make_doubles, 0},
    {"bad_double", 2, bad_double, 0},
    {"atom_of_length", 1, atom_of_length, 0},
    {"latin1_atoms", 0, latin1_atoms, 0},
    {"existing", 1, existing, 0},
    {"get_atom", 2, get_atom, 0},
    {"get_string", 2, get_string, 0},
    {"make_strings", 1, make_strings, 0},
    {"term_type", 1, term_type, 0},
    {"compare_all", 1, compare_all, 0},
    {"hash", 3, hash, 0},
    {"unique", 1, unique, 0},
    {"sub_binary", 3, sub_binary, 0},
    {"iolist", 1, iolist, 0},
    {"inspect", 1, inspect, 0},
    {"t2b", 1, t2b, 0},
    {"b2t", 2, b2t, 0},
    {"raise", 2, do_raise, 0},
};

ERL_NIF_INIT(nif_terms, funcs, load, NULL, NULL, NULL)
