-module(function_exported).
-export([main/0, exported/0, exported/2]).
%% erlang:function_exported/3, is_builtin/3, module_info, loaded modules.
exported() -> ok.
exported(_, _) -> ok.
local() -> ok.
main() ->
    local(),
    %% `lists` is loaded at boot on the real erl; load it here too (bare runs boot nothing).
    _ = lists:reverse([]),
    erlang:display(erlang:function_exported(?MODULE, exported, 0)),
    erlang:display(erlang:function_exported(?MODULE, exported, 2)),
    erlang:display(erlang:function_exported(?MODULE, local, 0)),
    erlang:display(erlang:function_exported(?MODULE, nope, 0)),
    erlang:display(erlang:function_exported(lists, reverse, 1)),
    erlang:display(erlang:function_exported(erlang, length, 1)),
    erlang:display(erlang:function_exported(erlang, display, 1)),
    erlang:display(erlang:function_exported(not_loaded_mod_xyz, f, 0)),
    erlang:display(erlang:is_builtin(erlang, length, 1)),
    erlang:display(erlang:is_builtin(lists, reverse, 2)),
    erlang:display(erlang:is_builtin(lists, map, 2)),
    %% The order of module_info(exports) follows OTP's global export table: compare sorted.
    erlang:display(lists:sort(?MODULE:module_info(exports))),
    erlang:display(?MODULE:module_info(module)),
    erlang:display(lists:sort(?MODULE:module_info(functions))),
    erlang:display(erlang:module_loaded(?MODULE)),
    erlang:display(code:is_loaded(?MODULE) =/= false),
    erlang:display(erlang:module_loaded(not_loaded_mod_xyz)),
    erlang:display(erlang:fun_info(fun ?MODULE:exported/2, arity)),
    erlang:display(erlang:fun_info(fun erlang:length/1)),
    erlang:display(is_function(fun ?MODULE:exported/0, 0)),
    erlang:display(erlang:function_exported(?MODULE, module_info, 1)),
    erlang:display(erlang:fun_to_list(fun lists:map/2)).
