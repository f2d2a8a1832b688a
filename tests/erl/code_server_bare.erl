%% The requests OTP's `code` module makes of the code server (and erl_prim_loader) that make
%% sense without boot: loading from memory and from an absolute file, object code, delete and
%% purge, sticky modules, the code path, all_available, ensure_modules_loaded, module_status.
%% (Failed loads are left out: the real erl reports them through the logger, on stdout.)
-module(code_server_bare).
-export([main/0]).

base(F) when is_list(F) -> filename:basename(F);
base(F) -> F.

main() ->
    M = make,
    erlang:display(code:get_mode()),
    erlang:display(code:is_loaded(M)),
    erlang:display(base(code:which(M))),
    erlang:display(code:which(no_such_module_here)),
    {M, Bin, File} = code:get_object_code(M),
    erlang:display({is_binary(Bin), base(File), File =:= code:which(M)}),
    erlang:display(code:get_object_code(no_such_module_here)),
    %% Loading from memory.
    erlang:display(code:load_binary(M, "/nowhere/fake.beam", Bin)),
    erlang:display(code:is_loaded(M)),
    erlang:display(code:which(M)),
    erlang:display(erlang:function_exported(M, all, 0)),
    erlang:display(code:load_binary(M, fake_atom_name, Bin)),
    erlang:display(code:is_loaded(M)),
    erlang:display(code:is_loaded(M)),
    %% Delete and purge.
    erlang:display({code:is_loaded(M), erlang:module_loaded(M), erlang:check_old_code(M)}),
    erlang:display(code:purge(M)),
    erlang:display(erlang:check_old_code(M)),
    erlang:display(code:soft_purge(M)),
    erlang:display(code:purge(no_such_module_here)),
    erlang:display(code:soft_purge(no_such_module_here)),
    erlang:display(code:delete(no_such_module_here)),
    %% Loading from an absolute file name (without the extension).
    Abs = filename:rootname(File),
    erlang:display(code:load_abs(Abs)),
    erlang:display(code:is_loaded(M) =:= {file, File}),
    erlang:display(code:load_abs("/nowhere/fake")),
    erlang:display(code:purge(M)),
    erlang:display(code:load_abs(Abs, M)),
    erlang:display(code:purge(M)),
    erlang:display(code:delete(M)),
    erlang:display({code:is_loaded(M), erlang:module_loaded(M), erlang:check_old_code(M)}),
    erlang:display(code:soft_purge(M)),
    erlang:display(erlang:check_old_code(M)),
    erlang:display(code:load_abs(Abs)),
    erlang:display(code:purge(M)),
    erlang:display(code:load_file(M)),
    erlang:display({code:is_loaded(M) =:= {file, File}, erlang:check_old_code(M)}),
    erlang:display(code:purge(M)),
    %% Sticky modules.
    erlang:display({code:is_sticky(lists), code:is_sticky(M), code:is_sticky(no_such)}),
    erlang:display(code:stick_mod(M)),
    erlang:display(code:is_sticky(M)),
    erlang:display(code:unstick_mod(M)),
    erlang:display(code:is_sticky(M)),
    %% The code path.
    P0 = code:get_path(),
    erlang:display(code:add_patha("/tmp")),
    erlang:display(hd(code:get_path())),
    erlang:display(code:add_pathz("/tmp//")),
    erlang:display(length(code:get_path()) - length(P0)),
    erlang:display(code:add_path("/no/such/dir")),
    erlang:display(code:del_path("/tmp")),
    erlang:display(code:del_path("/tmp")),
    erlang:display(code:get_path() =:= P0),
    erlang:display(code:add_pathsa(["/tmp", "/"])),
    erlang:display(lists:sublist(code:get_path(), 2)),
    erlang:display({code:del_path("/"), code:del_path("/tmp")}),
    ToolsEbin = filename:dirname(File),
    erlang:display(code:replace_path(tools, ToolsEbin)),
    erlang:display(code:replace_path(tools, "/tmp")),
    erlang:display(code:get_path() =:= P0),
    erlang:display(code:set_path(P0)),
    erlang:display(code:set_path(["/no/such/dir"])),
    erlang:display(code:get_path() =:= P0),
    erlang:display(code:lib_dir() =:= filename:join(code:root_dir(), "lib")),
    erlang:display(base(code:compiler_dir())),
    %% What is available.
    All = code:all_available(),
    erlang:display([{N, L} || {N, _, L} <- All, lists:member(N, ["lists", "make", "array"])]),
    erlang:display(code:ensure_modules_loaded([M, lists, array, no_such_module_here])),
    erlang:display(base(element(2, code:is_loaded(array)))),
    erlang:display(code:ensure_modules_loaded([array, lists])),
    erlang:display([code:module_status(X) || X <- [array, lists, no_such_module_here]]),
    erlang:display(code:modified_modules()),
    erlang:display(code:atomic_load([queue, sets])),
    erlang:display({code:is_loaded(queue) =/= false, code:is_loaded(sets) =/= false}),
    erlang:display(code:atomic_load([no_such_module_here])),
    ok.
