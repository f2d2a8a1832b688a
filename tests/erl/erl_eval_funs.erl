-module(erl_eval_funs).
-export([main/0]).
%% erl_eval: bindings, funs created by the evaluator called from compiled code, local function handler.
main() ->
    B0 = erl_eval:add_binding('Base', 100, erl_eval:new_bindings()),
    erlang:display(eval("Base + 1.", B0)),
    F = eval("fun(X) -> X + Base end.", B0),
    erlang:display(F(5)),
    erlang:display(lists:map(F, [1, 2, 3])),
    erlang:display(is_function(F, 1)),
    G = eval("fun(A, B) -> {B, A} end.", erl_eval:new_bindings()),
    erlang:display(G(1, 2)),
    {ok, Toks, _} = erl_scan:string("double(21)."),
    {ok, Exprs} = erl_parse:parse_exprs(Toks),
    Local = {value, fun(double, [X]) -> 2 * X end},
    {value, V, _} = erl_eval:exprs(Exprs, erl_eval:new_bindings(), Local),
    erlang:display(V),
    {value, _, Bs} = erl_eval:exprs(element(2, erl_parse:parse_exprs(element(2, erl_scan:string("A = 1, B = {A, 2}.")))), erl_eval:new_bindings()),
    erlang:display(lists:sort(erl_eval:bindings(Bs))),
    erlang:display(eval("lists:foldl(fun(X, Acc) -> X * Acc end, 1, lists:seq(1, 25)).", erl_eval:new_bindings())),
    erlang:display(eval("receive after 0 -> timeout end.", erl_eval:new_bindings())),
    erlang:display(eval("[{K, V} || {K, V} <- [{a, 1}, {b, 2}], V > 1].", erl_eval:new_bindings())),
    erlang:display(eval("<< <<(C + 1)>> || <<C>> <= <<\"HAL\">> >>.", erl_eval:new_bindings())).

eval(S, Bs) ->
    {ok, Toks, _} = erl_scan:string(S),
    {ok, Exprs} = erl_parse:parse_exprs(Toks),
    {value, V, _} = erl_eval:exprs(Exprs, Bs),
    V.
