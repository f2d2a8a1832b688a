-module(erl_scan_parse).
-export([main/0]).
%% erl_scan, erl_parse and erl_eval: evaluate expression strings.
main() ->
    erlang:display(eval("1 + 2 * 3.")),
    erlang:display(eval("lists:reverse([1,2,3]).")),
    erlang:display(eval("X = 5, Y = X * X, {X, Y}.")),
    erlang:display(eval("[X * 2 || X <- [1,2,3], X > 1].")),
    erlang:display(eval("case {a, 1} of {a, N} -> N + 1; _ -> none end.")),
    erlang:display(eval("F = fun(A) -> A * 10 end, F(4).")),
    erlang:display(eval("<<A:4, B:4>> = <<16#ab>>, {A, B}.")),
    erlang:display(eval("#{a => 1, b => 2}.")),
    erlang:display(eval("M = #{k => v}, M#{k := w}.")),
    erlang:display(eval("try throw(x) catch throw:V -> {caught, V} end.")),
    erlang:display(eval("\"str\" ++ [$!].")),
    erlang:display(eval("Fact = fun Fa(0) -> 1; Fa(N) -> N * Fa(N-1) end, Fact(20).")),
    erlang:display(eval("if 1 > 2 -> a; true -> b end.")),
    erlang:display(eval("begin 1, 2, 3 end.")),
    erlang:display(eval("erlang:element(2, {x, y, z}).")),
    erlang:display(eval("2#1010 + 16#ff + $a.")),
    {ok, Toks, End} = erl_scan:string("foo(X) -> X + 1.\n"),
    erlang:display({[element(1, T) || T <- Toks], End}),
    {ok, Form} = erl_parse:parse_form(Toks),
    erlang:display(Form),
    {ok, Toks2, _} = erl_scan:string("{a, \"b\", 1.5, 'c d', <<1>>}."),
    erlang:display(Toks2),
    {ok, Term} = erl_parse:parse_term(Toks2),
    erlang:display(Term),
    erlang:display(erl_scan:string("x = ")),
    erlang:display(erl_scan:string("\"unterminated")),
    {ok, BadToks, _} = erl_scan:string("1 + ."),
    erlang:display(erl_parse:parse_exprs(BadToks)),
    erlang:display(try eval("1 + a.") catch error:R -> R end),
    erlang:display(try eval("undefined_var.") catch error:R2 -> R2 end).

eval(S) ->
    {ok, Toks, _} = erl_scan:string(S),
    {ok, Exprs} = erl_parse:parse_exprs(Toks),
    {value, V, _Bindings} = erl_eval:exprs(Exprs, erl_eval:new_bindings()),
    V.
