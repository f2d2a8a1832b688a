/* Test NIF library for tests/erl/nif_bad.erl: made for another module. */
#include <erl_nif.h>

static ErlNifFunc funcs[] = {};

ERL_NIF_INIT(some_other_module, funcs, NULL, NULL, NULL, NULL)
