/*
 * drv_echo: a test driver for the differential tests (tests/erl/drv_*.erl).
 *
 * port_command data: the first byte selects an action, the rest is its argument.
 *   'e' driver_output of the rest           '2' driver_output2 with header "hd"
 *   '0' driver_output2, header "hd", no data (a null buffer)   'N' driver_output(NULL, 0)
 *   'b' driver_output_binary, header "H"    't' erl_drv_output_term of many term kinds
 *   's' erl_drv_send_term to the caller     'c' {caller, connected} as a term
 *   'f' driver_failure_atom(rest)           'p' driver_failure_posix(EPIPE)
 *   'o' driver_failure_eof                  'n' driver_failure(42)    'z' driver_failure(0)
 *   'x' driver_exit(0)                      'X' driver_exit(EACCES)
 *   'T' driver_set_timer(atoi(rest))        'C' driver_cancel_timer
 *   'B' set_busy_port(rest == "1")          'q' driver_enq(rest)   'd' dequeue all
 *   'm' monitor the caller                  'M' demonitor it
 *   'k' bad term spec: reports the result
 * port_control: 1 reversed echo, 2 a long reply (driver_alloc), 3 binary replies on,
 *   4 error (-1), 5 get_port_flags, 6 timer left > 0, 7 sizeq, 8 binary replies off,
 *   9 set_busy_port(0), 10 erl_drv_consume_timeslice(P) until it returns 1 (P = the first
 *   data byte, negated with a second byte): the number of calls, 11 the busy message queue
 *   limits ("Low,High" or "d"; data "L,H" sets them first).
 * port_call: 1 echoes the external-format argument, 2 an invalid reply.
 * open_port command words: "fail_badarg", "fail_errno", "fail_general" make start fail.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <erl_driver.h>

typedef struct {
    ErlDrvPort port;
    ErlDrvMonitor mon;
    int have_mon;
    int bin_replies;
} echo_t;

static ErlDrvData echo_start(ErlDrvPort port, char *cmd)
{
    echo_t *e;
    if (strstr(cmd, "fail_badarg"))
        return ERL_DRV_ERROR_BADARG;
    if (strstr(cmd, "fail_errno")) {
        errno = ENOENT;
        return ERL_DRV_ERROR_ERRNO;
    }
    if (strstr(cmd, "fail_general"))
        return ERL_DRV_ERROR_GENERAL;
    e = driver_alloc(sizeof(echo_t));
    memset(e, 0, sizeof(*e));
    e->port = port;
    return (ErlDrvData)e;
}

static void echo_stop(ErlDrvData d)
{
    driver_free(d);
}

static void send_atom(echo_t *e, const char *a)
{
    ErlDrvTermData spec[] = {ERL_DRV_ATOM, driver_mk_atom((char *)a)};
    erl_drv_output_term(driver_mk_port(e->port), spec, 2);
}

static void send_int(echo_t *e, const char *tag, long v)
{
    ErlDrvTermData spec[] = {ERL_DRV_ATOM, driver_mk_atom((char *)tag),
                             ERL_DRV_INT, (ErlDrvTermData)v, ERL_DRV_TUPLE, 2};
    erl_drv_output_term(driver_mk_port(e->port), spec, 6);
}

static void term_output(echo_t *e, char *arg, ErlDrvSizeT n)
{
    static double f = 3.25;
    static ErlDrvSInt64 i64 = -1234567890123456789LL;
    static ErlDrvUInt64 u64 = 18446744073709551615ULL;
    /* term_to_binary({17, 4711}) */
    static char ext[] = {(char)131, 104, 2, 97, 17, 98, 0, 0, 18, 103};
    ErlDrvBinary *bin = driver_alloc_binary(5);
    memcpy(bin->orig_bytes, "abcde", 5);
    ErlDrvTermData spec[] = {
        ERL_DRV_ATOM, driver_mk_atom("terms"),
        ERL_DRV_PORT, driver_mk_port(e->port),
        ERL_DRV_INT, (ErlDrvTermData)(ErlDrvSInt)-7,
        ERL_DRV_UINT, (ErlDrvTermData)(~(ErlDrvUInt)0),
        ERL_DRV_INT64, (ErlDrvTermData)&i64,
        ERL_DRV_UINT64, (ErlDrvTermData)&u64,
        ERL_DRV_FLOAT, (ErlDrvTermData)&f,
        ERL_DRV_STRING, (ErlDrvTermData)arg, (ErlDrvTermData)n,
        ERL_DRV_BINARY, (ErlDrvTermData)bin, 3, 1,
        ERL_DRV_BUF2BINARY, (ErlDrvTermData)"xyz", 3,
        ERL_DRV_EXT2TERM, (ErlDrvTermData)ext, sizeof(ext),
        ERL_DRV_NIL,
        ERL_DRV_STRING_CONS, (ErlDrvTermData)"def", 3,
        ERL_DRV_STRING_CONS, (ErlDrvTermData)"abc", 3,
        ERL_DRV_ATOM, driver_mk_atom("a"),
        ERL_DRV_INT, 1,
        ERL_DRV_NIL,
        ERL_DRV_LIST, 3,
        ERL_DRV_ATOM, driver_mk_atom("k1"), ERL_DRV_INT, 100,
        ERL_DRV_ATOM, driver_mk_atom("k2"), ERL_DRV_INT, 200, ERL_DRV_INT, 300,
        ERL_DRV_TUPLE, 2,
        ERL_DRV_MAP, 2,
        ERL_DRV_PID, driver_connected(e->port),
        ERL_DRV_TUPLE, 15,
    };
    int r = erl_drv_output_term(driver_mk_port(e->port), spec,
                                sizeof(spec) / sizeof(spec[0]));
    driver_free_binary(bin);
    send_int(e, "term_result", r);
}

static void echo_output(ErlDrvData d, char *buf, ErlDrvSizeT len)
{
    echo_t *e = (echo_t *)d;
    char *arg = buf + 1;
    ErlDrvSizeT n = len > 0 ? len - 1 : 0;
    char tmp[64];
    if (len == 0) {
        send_atom(e, "empty");
        return;
    }
    switch (buf[0]) {
    case 'e':
        driver_output(e->port, arg, n);
        break;
    case '2':
        driver_output2(e->port, "hd", 2, arg, n);
        break;
    case '0':
        driver_output2(e->port, "hd", 2, NULL, 0);
        break;
    case 'N':
        driver_output(e->port, NULL, 0);
        break;
    case 'b': {
        ErlDrvBinary *bin = driver_alloc_binary(n);
        memcpy(bin->orig_bytes, arg, n);
        driver_output_binary(e->port, "H", 1, bin, 0, n);
        driver_free_binary(bin);
        break;
    }
    case 't':
        term_output(e, arg, n);
        break;
    case 's': {
        ErlDrvTermData spec[] = {ERL_DRV_ATOM, driver_mk_atom("sent"),
                                 ERL_DRV_STRING, (ErlDrvTermData)arg, (ErlDrvTermData)n,
                                 ERL_DRV_TUPLE, 2};
        int r = erl_drv_send_term(driver_mk_port(e->port), driver_caller(e->port), spec, 7);
        send_int(e, "send_result", r);
        break;
    }
    case 'c': {
        ErlDrvTermData spec[] = {ERL_DRV_ATOM, driver_mk_atom("caller"),
                                 ERL_DRV_PID, driver_caller(e->port),
                                 ERL_DRV_PID, driver_connected(e->port),
                                 ERL_DRV_TUPLE, 3};
        erl_drv_output_term(driver_mk_port(e->port), spec, 8);
        break;
    }
    case 'f':
        if (n >= sizeof(tmp)) n = sizeof(tmp) - 1;
        memcpy(tmp, arg, n);
        tmp[n] = 0;
        driver_failure_atom(e->port, tmp);
        break;
    case 'p':
        driver_failure_posix(e->port, EPIPE);
        break;
    case 'o':
        driver_failure_eof(e->port);
        break;
    case 'n':
        driver_failure(e->port, 42);
        break;
    case 'z':
        driver_failure(e->port, 0);
        break;
    case 'x':
        driver_exit(e->port, 0);
        break;
    case 'X':
        driver_exit(e->port, EACCES);
        break;
    case 'T':
        if (n >= sizeof(tmp)) n = sizeof(tmp) - 1;
        memcpy(tmp, arg, n);
        tmp[n] = 0;
        send_int(e, "set_timer", driver_set_timer(e->port, strtoul(tmp, NULL, 10)));
        break;
    case 'C':
        send_int(e, "cancel_timer", driver_cancel_timer(e->port));
        break;
    case 'B':
        set_busy_port(e->port, n > 0 && arg[0] == '1');
        send_atom(e, "busy_set");
        break;
    case 'q':
        driver_enq(e->port, arg, n);
        send_int(e, "queued", (long)driver_sizeq(e->port));
        break;
    case 'd': {
        int vlen = 0;
        SysIOVec *iov = driver_peekq(e->port, &vlen);
        ErlDrvSizeT total = 0;
        int i;
        for (i = 0; i < vlen; i++) {
            driver_output(e->port, iov[i].iov_base, iov[i].iov_len);
            total += iov[i].iov_len;
        }
        send_int(e, "left", (long)driver_deq(e->port, total));
        break;
    }
    case 'm': {
        int r = driver_monitor_process(e->port, driver_caller(e->port), &e->mon);
        e->have_mon = (r == 0);
        send_int(e, "monitor", r);
        break;
    }
    case 'M':
        send_int(e, "demonitor", e->have_mon ? driver_demonitor_process(e->port, &e->mon) : -9);
        send_int(e, "demonitor_again", e->have_mon ? driver_demonitor_process(e->port, &e->mon) : -9);
        e->have_mon = 0;
        break;
    case 'k': {
        ErlDrvTermData bad1[] = {ERL_DRV_TUPLE, 2};
        ErlDrvTermData bad2[] = {ERL_DRV_NIL, ERL_DRV_NIL};
        ErlDrvTermData bad3[] = {ERL_DRV_ATOM};
        send_int(e, "bad1", erl_drv_output_term(driver_mk_port(e->port), bad1, 2));
        send_int(e, "bad2", erl_drv_output_term(driver_mk_port(e->port), bad2, 2));
        send_int(e, "bad3", erl_drv_output_term(driver_mk_port(e->port), bad3, 1));
        break;
    }
    default:
        send_atom(e, "unknown");
    }
}

static void echo_timeout(ErlDrvData d)
{
    send_atom((echo_t *)d, "timeout");
}

static void echo_process_exit(ErlDrvData d, ErlDrvMonitor *m)
{
    echo_t *e = (echo_t *)d;
    ErlDrvTermData pid = driver_get_monitored_process(e->port, m);
    ErlDrvTermData spec[] = {ERL_DRV_ATOM, driver_mk_atom("process_exit"),
                             ERL_DRV_INT, (ErlDrvTermData)(pid != driver_term_nil),
                             ERL_DRV_INT, (ErlDrvTermData)driver_compare_monitors(m, &e->mon),
                             ERL_DRV_TUPLE, 3};
    erl_drv_output_term(driver_mk_port(e->port), spec, 8);
    e->have_mon = 0;
}

static ErlDrvSSizeT echo_control(ErlDrvData d, unsigned int cmd, char *buf, ErlDrvSizeT len,
                                 char **rbuf, ErlDrvSizeT rlen)
{
    echo_t *e = (echo_t *)d;
    ErlDrvSizeT i;
    switch (cmd) {
    case 1:
        if (e->bin_replies) {
            ErlDrvBinary *b = driver_alloc_binary(len);
            for (i = 0; i < len; i++)
                b->orig_bytes[i] = buf[len - 1 - i];
            *rbuf = (char *)b;
            return len;
        }
        if (len > rlen)
            *rbuf = driver_alloc(len);
        for (i = 0; i < len; i++)
            (*rbuf)[i] = buf[len - 1 - i];
        return len;
    case 2: {
        char *r = driver_alloc(200);
        for (i = 0; i < 200; i++)
            r[i] = 'a' + (i % 26);
        *rbuf = r;
        return 200;
    }
    case 3:
        set_port_control_flags(e->port, PORT_CONTROL_FLAG_BINARY);
        e->bin_replies = 1;
        return 0;
    case 4:
        return -1;
    case 5:
        (*rbuf)[0] = '0' + get_port_flags(e->port);
        return 1;
    case 6: {
        unsigned long left = 0;
        driver_read_timer(e->port, &left);
        (*rbuf)[0] = left > 0 ? 'y' : 'n';
        return 1;
    }
    case 7:
        (*rbuf)[0] = '0' + (char)driver_sizeq(e->port);
        return 1;
    case 8:
        set_port_control_flags(e->port, 0);
        e->bin_replies = 0;
        return 0;
    case 9:
        set_busy_port(e->port, 0);
        return 0;
    case 10: {
        /* erl_drv_consume_timeslice(buf[0] percent) until it says the slice is used up
         * (at most 250 times): the number of calls, in decimal. */
        int pct = len > 0 ? (unsigned char)buf[0] : 0;
        int n = 0;
        if (len > 1)
            pct = -pct;
        while (n < 250) {
            n++;
            if (erl_drv_consume_timeslice(e->port, pct))
                break;
        }
        i = 0;
        if (n >= 100)
            (*rbuf)[i++] = '0' + n / 100;
        if (n >= 10)
            (*rbuf)[i++] = '0' + (n / 10) % 10;
        (*rbuf)[i++] = '0' + n % 10;
        return i;
    }
    case 11: {
        /* The busy message queue limits (read with 0, 0), as "Low,High" ('d' when
         * disabled); with data "L,H" sets them first. */
        ErlDrvSizeT lo = 0, hi = 0;
        char tmp[64];
        int k;
        if (len > 0 && len < sizeof(tmp)) {
            memcpy(tmp, buf, len);
            tmp[len] = 0;
            lo = (ErlDrvSizeT)strtoul(tmp, NULL, 10);
            hi = (ErlDrvSizeT)strtoul(strchr(tmp, ',') ? strchr(tmp, ',') + 1 : "0", NULL, 10);
        }
        erl_drv_busy_msgq_limits(e->port, &lo, &hi);
        if (lo == ERL_DRV_BUSY_MSGQ_DISABLED)
            k = snprintf(tmp, sizeof(tmp), "d");
        else
            k = snprintf(tmp, sizeof(tmp), "%lu,%lu", (unsigned long)lo, (unsigned long)hi);
        if ((ErlDrvSizeT)k > rlen)
            *rbuf = driver_alloc(k);
        memcpy(*rbuf, tmp, k);
        return k;
    }
    default:
        return -1;
    }
}

static ErlDrvSSizeT echo_call(ErlDrvData d, unsigned int cmd, char *buf, ErlDrvSizeT len,
                              char **rbuf, ErlDrvSizeT rlen, unsigned int *flags)
{
    (void)d;
    (void)flags;
    if (cmd == 1) {
        if (len > rlen)
            *rbuf = driver_alloc(len);
        memcpy(*rbuf, buf, len);
        return len;
    }
    (*rbuf)[0] = 1;
    return 1;
}

static ErlDrvEntry echo_entry = {
    NULL, echo_start, echo_stop, echo_output, NULL, NULL, "drv_echo", NULL, NULL,
    echo_control, echo_timeout, NULL, NULL, NULL, echo_call, NULL,
    ERL_DRV_EXTENDED_MARKER, ERL_DRV_EXTENDED_MAJOR_VERSION, ERL_DRV_EXTENDED_MINOR_VERSION,
    0, NULL, echo_process_exit, NULL, NULL,
};

DRIVER_INIT(drv_echo)
{
    return &echo_entry;
}
