/* drv_misnamed: a driver whose entry names another driver (refused: bad_driver_name). */
#include <erl_driver.h>

static ErlDrvData mis_start(ErlDrvPort port, char *cmd)
{
    (void)cmd;
    return (ErlDrvData)port;
}

static ErlDrvEntry mis_entry = {
    NULL, mis_start, NULL, NULL, NULL, NULL, "some_other_name", NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    ERL_DRV_EXTENDED_MARKER, ERL_DRV_EXTENDED_MAJOR_VERSION, ERL_DRV_EXTENDED_MINOR_VERSION,
    0, NULL, NULL, NULL, NULL,
};

DRIVER_INIT(drv_misnamed)
{
    return &mis_entry;
}
