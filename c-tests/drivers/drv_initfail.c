/* drv_initfail: a driver whose init callback fails. */
#include <erl_driver.h>

static int fail_init(void)
{
    return -1;
}

static ErlDrvData fail_start(ErlDrvPort port, char *cmd)
{
    (void)cmd;
    return (ErlDrvData)port;
}

static ErlDrvEntry fail_entry = {
    fail_init, fail_start, NULL, NULL, NULL, NULL, "drv_initfail", NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    ERL_DRV_EXTENDED_MARKER, ERL_DRV_EXTENDED_MAJOR_VERSION, ERL_DRV_EXTENDED_MINOR_VERSION,
    0, NULL, NULL, NULL, NULL,
};

DRIVER_INIT(drv_initfail)
{
    return &fail_entry;
}
