/*
 * drv_sel: a test driver for driver_select on a pipe it creates, with ERL_DRV_USE and
 * stop_select, ready_input/ready_output, and driver_async / ready_async.
 * Commands (first byte):
 *   'w' write the rest into the pipe (read back by ready_input, sent as data)
 *   'o' select the write end for writing once (ready_output reports it)
 *   'c' deselect and release the read end (stop_select closes it and reports)
 *   'a' N async jobs (N = the rest, one digit) computing squares, keyed on the port
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <erl_driver.h>

typedef struct {
    ErlDrvPort port;
    int fds[2];
    int read_open;
} sel_t;

typedef struct {
    long in;
    long out;
} job_t;

static ErlDrvPort last_port;

static void report(ErlDrvPort port, const char *tag, long n)
{
    ErlDrvTermData spec[] = {ERL_DRV_ATOM, driver_mk_atom((char *)tag),
                             ERL_DRV_INT, (ErlDrvTermData)n, ERL_DRV_TUPLE, 2};
    erl_drv_output_term(driver_mk_port(port), spec, 6);
}

static ErlDrvData sel_start(ErlDrvPort port, char *cmd)
{
    sel_t *s = driver_alloc(sizeof(sel_t));
    (void)cmd;
    s->port = port;
    if (pipe(s->fds) != 0) {
        driver_free(s);
        return ERL_DRV_ERROR_ERRNO;
    }
    s->read_open = 1;
    driver_select(port, (ErlDrvEvent)(long)s->fds[0], ERL_DRV_READ | ERL_DRV_USE, 1);
    return (ErlDrvData)s;
}

static void sel_stop(ErlDrvData d)
{
    sel_t *s = (sel_t *)d;
    if (s->read_open)
        driver_select(s->port, (ErlDrvEvent)(long)s->fds[0], ERL_DRV_USE, 0);
    driver_select(s->port, (ErlDrvEvent)(long)s->fds[1], ERL_DRV_USE, 0);
    driver_free(s);
}

static void sel_stop_select(ErlDrvEvent ev, void *reserved)
{
    (void)reserved;
    close((int)(long)ev);
}

static void sel_ready_input(ErlDrvData d, ErlDrvEvent ev)
{
    sel_t *s = (sel_t *)d;
    char buf[256];
    ssize_t n = read((int)(long)ev, buf, sizeof(buf));
    if (n > 0)
        driver_output(s->port, buf, n);
}

static void sel_ready_output(ErlDrvData d, ErlDrvEvent ev)
{
    sel_t *s = (sel_t *)d;
    driver_select(s->port, ev, ERL_DRV_WRITE, 0);
    report(s->port, "writable", (int)(long)ev == s->fds[1]);
}

static void square(void *arg)
{
    job_t *j = (job_t *)arg;
    j->out = j->in * j->in;
}

static void sel_ready_async(ErlDrvData d, ErlDrvThreadData td)
{
    sel_t *s = (sel_t *)d;
    job_t *j = (job_t *)td;
    report(s->port, "async", j->out);
    driver_free(j);
}

static void sel_output(ErlDrvData d, char *buf, ErlDrvSizeT len)
{
    sel_t *s = (sel_t *)d;
    if (len == 0)
        return;
    switch (buf[0]) {
    case 'w':
        report(s->port, "wrote", (long)write(s->fds[1], buf + 1, len - 1));
        break;
    case 'o':
        report(s->port, "select_write",
               driver_select(s->port, (ErlDrvEvent)(long)s->fds[1], ERL_DRV_WRITE | ERL_DRV_USE, 1));
        break;
    case 'c':
        if (s->read_open) {
            s->read_open = 0;
            report(s->port, "released",
                   driver_select(s->port, (ErlDrvEvent)(long)s->fds[0], ERL_DRV_USE | ERL_DRV_READ, 0));
            /* stop_select has closed it (now or later): a new pipe may reuse the number. */
        }
        break;
    case 'a': {
        int n = len > 1 ? buf[1] - '0' : 1, i;
        unsigned int key = driver_async_port_key(s->port);
        for (i = 1; i <= n; i++) {
            job_t *j = driver_alloc(sizeof(job_t));
            j->in = i;
            j->out = 0;
            if (driver_async(s->port, &key, square, j, driver_free) < 0)
                report(s->port, "async_failed", i);
        }
        break;
    }
    }
}

static ErlDrvEntry sel_entry = {
    NULL, sel_start, sel_stop, sel_output, sel_ready_input, sel_ready_output, "drv_sel",
    NULL, NULL, NULL, NULL, NULL, sel_ready_async, NULL, NULL, NULL,
    ERL_DRV_EXTENDED_MARKER, ERL_DRV_EXTENDED_MAJOR_VERSION, ERL_DRV_EXTENDED_MINOR_VERSION,
    0, NULL, NULL, sel_stop_select, NULL,
};

DRIVER_INIT(drv_sel)
{
    (void)last_port;
    return &sel_entry;
}
