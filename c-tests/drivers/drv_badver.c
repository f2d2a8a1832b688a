/* drv_badver: a driver built for a future major version of the interface (refused). */
#include <erl_driver.h>

static ErlDrvData bad_start(ErlDrvPort port, char *cmd)
{
    (void)cmd;
    return (ErlDrvData)port;
}

static ErlDrvEntry bad_entry = {
    NULL, bad_start, NULL, NULL, NULL, NULL, "drv_badver", NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    ERL_DRV_EXTENDED_MARKER, ERL_DRV_EXTENDED_MAJOR_VERSION + 1, 0,
    0, NULL, NULL, NULL, NULL,
};

DRIVER_INIT(drv_badver)
{
    return &bad_entry;
}
