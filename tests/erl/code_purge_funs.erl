-module(code_purge_funs).
-export([main/0]).

%% Funs made by a module version that is later purged: calling one raises badfun while the
%% module has current code; a fun whose code is the same in the new version (same index and
%% uniq) keeps working; after delete + purge the error handler's undefined_lambda/3 runs
%% (and fails, the module being nowhere in the path). Also: soft_purge/purge results and
%% the kill of a process still running the old code.
main() ->
    load(1),
    Changing = cpf_dyn:changing(),
    Same = cpf_dyn:same(),
    P = cpf_dyn:start(),
    Ref = monitor(process, P),
    show(before_reload, [call(Changing), call(Same)]),
    load(2),
    show(after_reload, [call(Changing), call(Same), call(cpf_dyn:changing())]),
    show(check_old_code, erlang:check_old_code(cpf_dyn)),
    show(process_in_old_code, erlang:check_process_code(P, cpf_dyn)),
    show(soft_purge, code:soft_purge(cpf_dyn)),
    show(purge, code:purge(cpf_dyn)),
    show(down, receive {'DOWN', Ref, process, P, Why} -> Why after 5000 -> none end),
    show(after_purge, [call(Changing), call(Same), call(cpf_dyn:changing())]),
    show(fun_info, [erlang:fun_info(Changing, module), erlang:fun_info(Changing, arity)]),
    %% Delete the current version and purge it too: no code at all for cpf_dyn.
    Now = cpf_dyn:changing(),
    show(delete, code:delete(cpf_dyn)),
    show(purge_deleted, code:purge(cpf_dyn)),
    show(loaded, code:is_loaded(cpf_dyn)),
    show(after_delete, [call(Now), call(Same)]),
    %% The same binary loaded again: its funs are the old version's funs (same index and
    %% uniq), so a fun made before keeps working after the old version is purged.
    {ok, cpf_dyn, Bin} = compile:forms(forms(3), [binary]),
    show(load_3, code:load_binary(cpf_dyn, "cpf_dyn.erl", Bin)),
    F3 = cpf_dyn:changing(),
    show(load_3_again, code:load_binary(cpf_dyn, "cpf_dyn.erl", Bin)),
    show(purge_3, code:purge(cpf_dyn)),
    show(after_purge_3, [call(F3), call(Same)]),
    ok.

load(V) ->
    Forms = forms(V),
    {ok, cpf_dyn, Bin} = compile:forms(Forms, [binary, return_errors]),
    show({load, V}, code:load_binary(cpf_dyn, "cpf_dyn.erl", Bin)).

forms(V) ->
    Src = ["-module(cpf_dyn).",
           "-export([changing/0, same/0, start/0]).",
           io_lib:format("changing() -> fun(X) -> {v, ~w, X} end.", [V]),
           "same() -> fun(X) -> {same, X} end.",
           io_lib:format("start() -> spawn(fun() -> loop(~w) end).", [V]),
           "loop(V) -> receive {ask, F} -> F ! V, loop(V) end."],
    [begin
         {ok, Toks, _} = erl_scan:string(lists:flatten(S)),
         {ok, F} = erl_parse:parse_form(Toks),
         F
     end || S <- Src].

call(F) ->
    try F(x) of
        R -> {ok, R}
    catch
        error:{badfun, G} -> {badfun, G =:= F};
        C:E -> {C, strip(E)}
    end.

strip({R, [{M, F, A, _} | _]}) -> {R, {M, F, A}};
strip(E) -> E.

show(Tag, T) -> io:format("~p: ~p~n", [Tag, T]).
