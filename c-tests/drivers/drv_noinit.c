/* drv_noinit: a library without driver_init (refused: no_driver_init). */
int drv_noinit_something(void)
{
    return 1;
}
