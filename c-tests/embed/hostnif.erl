%% A module whose NIFs the C host links in (a static NIF library: no .so).
-module(hostnif).
-export([add/2, hello/0]).
-on_load(init/0).

init() -> erlang:load_nif("hostnif", 0).

add(_, _) -> erlang:nif_error(not_loaded).
hello() -> erlang:nif_error(not_loaded).
