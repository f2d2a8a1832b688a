%% A NIF library over a module's life (c-tests/nifs/nif_unload.c): `load` on the first
%% load, `upgrade` when a new version of the module loads it again, `unload` when a
%% version's code is purged, and `load` again after the module is deleted and reloaded.
-module(nif_unload).
-export([main/0]).

flush() ->
    receive M -> [M | flush()] after 200 -> [] end.

show(Label, V) -> io:format("~s: ~p~n", [Label, V]).

main() ->
    register(nif_unload_watch, self()),
    show("first call", nif_unload_lib:value()),
    show("callbacks", flush()),
    {nif_unload_lib, Bin, File} = code:get_object_code(nif_unload_lib),
    show("load new version", code:load_binary(nif_unload_lib, File, Bin)),
    show("callbacks", flush()),
    show("new version", nif_unload_lib:value()),
    show("purge old", code:purge(nif_unload_lib)),
    show("callbacks", flush()),
    show("purge again", code:purge(nif_unload_lib)),
    show("delete", code:delete(nif_unload_lib)),
    show("purge deleted", code:purge(nif_unload_lib)),
    show("callbacks", flush()),
    show("load again", code:load_file(nif_unload_lib)),
    show("after reload", nif_unload_lib:value()),
    show("callbacks", flush()).
