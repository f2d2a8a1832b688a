/* drv_ack: a driver with ERL_DRV_FLAG_USE_INIT_ACK. `open_port({spawn, "drv_ack MODE"}, [])`
 * waits until the driver acknowledges the start with erl_drv_init_ack:
 *   ok      acknowledged from the timeout callback, with another data pointer than start's
 *           (the port's data becomes the acknowledged one);
 *   async   acknowledged from ready_async, after a job of the async pool;
 *   badarg / general / errno   acknowledged with ERL_DRV_ERROR_BADARG / _GENERAL / _ERRNO
 *           (errno ENOENT): open_port fails and the port goes;
 *   early   acknowledged during start only, which does not count: open_port waits on.
 * A command "w" answers which data the callback got: "start" or "acked". */
#include <erl_driver.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    ErlDrvPort port;
    const char *which;
    char mode[16];
    void *acked;
} AckData;

static void ack_job(void *job)
{
    (void)job;
}

static ErlDrvData ack_start(ErlDrvPort port, char *cmd)
{
    AckData *d = driver_alloc(sizeof(AckData));
    AckData *a = driver_alloc(sizeof(AckData));
    const char *sp = strchr(cmd, ' ');
    memset(d, 0, sizeof(*d));
    d->port = port;
    d->which = "start";
    strncpy(d->mode, sp ? sp + 1 : "", sizeof(d->mode) - 1);
    *a = *d;
    a->which = "acked";
    d->acked = a;
    if (strcmp(d->mode, "early") == 0) {
        erl_drv_init_ack(port, (ErlDrvData)a);
    } else if (strcmp(d->mode, "async") == 0) {
        unsigned int key = 0;
        driver_async(port, &key, ack_job, a, NULL);
    } else {
        driver_set_timer(port, 5);
    }
    return (ErlDrvData)d;
}

static void ack_with(AckData *d)
{
    if (strcmp(d->mode, "ok") == 0) {
        erl_drv_init_ack(d->port, (ErlDrvData)d->acked);
    } else if (strcmp(d->mode, "badarg") == 0) {
        erl_drv_init_ack(d->port, ERL_DRV_ERROR_BADARG);
    } else if (strcmp(d->mode, "general") == 0) {
        erl_drv_init_ack(d->port, ERL_DRV_ERROR_GENERAL);
    } else if (strcmp(d->mode, "errno") == 0) {
        errno = ENOENT;
        erl_drv_init_ack(d->port, ERL_DRV_ERROR_ERRNO);
    }
}

static void ack_timeout(ErlDrvData data)
{
    ack_with((AckData *)data);
}

static void ack_ready_async(ErlDrvData data, ErlDrvThreadData job)
{
    AckData *d = (AckData *)data;
    erl_drv_init_ack(d->port, (ErlDrvData)job);
}

static void ack_output(ErlDrvData data, char *buf, ErlDrvSizeT len)
{
    AckData *d = (AckData *)data;
    if (len == 1 && buf[0] == 'w') {
        driver_output(d->port, (char *)d->which, strlen(d->which));
    }
}

static void ack_stop(ErlDrvData data)
{
    (void)data;
}

static ErlDrvEntry ack_entry = {
    NULL, ack_start, ack_stop, ack_output, NULL, NULL, "drv_ack", NULL, NULL,
    NULL, ack_timeout, NULL, ack_ready_async, NULL, NULL, NULL,
    ERL_DRV_EXTENDED_MARKER, ERL_DRV_EXTENDED_MAJOR_VERSION, ERL_DRV_EXTENDED_MINOR_VERSION,
    ERL_DRV_FLAG_USE_INIT_ACK, NULL, NULL, NULL, NULL,
};

DRIVER_INIT(drv_ack)
{
    return &ack_entry;
}
