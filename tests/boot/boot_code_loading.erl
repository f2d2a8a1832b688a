-module(boot_code_loading).
%% Code loading through OTP's own code_server in a booted system: modules load on first
%% call (error_handler), code:which/1, code:is_loaded/1, loading from a binary, purging and
%% reloading, and an undefined function.
-export([main/0, answer/0]).

answer() -> 42.

main() ->
    io:format("~p~n", [code:is_loaded(boot_code_loading) =/= false]),
    io:format("~p~n", [filename:basename(code:which(boot_code_loading))]),
    io:format("~p~n", [code:which(lists) =:= filename:join(code:lib_dir(stdlib, ebin), "lists.beam")]),
    io:format("~p~n", [code:is_loaded(erlang)]),
    %% a module not loaded by the boot script: loaded on first call
    io:format("~p~n", [erlang:module_loaded(array)]),
    io:format("~p~n", [array:to_list(array:from_list([1, 2, 3]))]),
    io:format("~p~n", [erlang:module_loaded(array)]),
    %% reload this module from its object code: the old version becomes old code
    {boot_code_loading, Bin, File} = code:get_object_code(boot_code_loading),
    io:format("~p~n", [code:load_binary(boot_code_loading, File, Bin)]),
    io:format("~p~n", [erlang:check_old_code(boot_code_loading)]),
    io:format("~p~n", [code:soft_purge(boot_code_loading)]),
    io:format("~p~n", [erlang:check_old_code(boot_code_loading)]),
    io:format("~p~n", [boot_code_loading:answer()]),
    io:format("~p~n", [catch no_such_module:f(1)]),
    io:format("~p~n", [catch boot_code_loading:no_such_function()]),
    ok.
