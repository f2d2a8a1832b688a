/* Test NIF library for tests/erl/nif_bad.erl: an entry of NIF version 3.0 (too new). */
#include <erl_nif.h>

static ErlNifEntry entry = {
    3, 0, "nif_bad", 0, NULL, NULL, NULL, NULL, NULL, ERL_NIF_VM_VARIANT,
    1, sizeof(ErlNifResourceTypeInit), ERL_NIF_MIN_ERTS_VERSION
};

ERL_NIF_INIT_GLOB
ERL_NIF_INIT_DECL(nif_bad);
ERL_NIF_INIT_DECL(nif_bad)
{
    return &entry;
}
