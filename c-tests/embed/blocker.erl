%% A module whose one NIF (linked into the host c-tests/embed/stuck.c) blocks until the host
%% lets it go: native code that does not return when its runtime stops.
-module(blocker).
-export([block/0]).
-on_load(init/0).

init() -> erlang:load_nif("blocker", 0).

block() -> erlang:nif_error(not_loaded).
