/* Test NIF library for tests/erl/nif_bad.erl: a shared library without nif_init. */
int nif_bad_noinit_function(int x)
{
    return x + 1;
}
