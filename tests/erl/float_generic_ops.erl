-module(float_generic_ops).
-export([main/0, id/1]).
%% `+`, `-`, `*` and `<`/`>=` on terms the compiler cannot type (generic arithmetic and
%% comparison instructions, not float registers) when they hold floats: results, -0.0, mixed
%% integers and floats, overflow to `badarith`, the heap filling up between results, and the
%% order of floats against other terms.
id(X) -> X.

add(A, B) -> A + B.
sub(A, B) -> A - B.
mul(A, B) -> A * B.
lt(A, B) -> A < B.
ge(A, B) -> A >= B.

ops(A, B) ->
    [add(A, B), sub(A, B), mul(A, B), lt(A, B), ge(A, B), lt(B, A), ge(B, A)].

%% A loop whose values are boxed floats from the generic `+`: many results, many collections.
walk(0, Acc, Sum) -> {length(Acc), Sum};
walk(N, Acc, Sum) ->
    X = add(Sum, 0.5),
    Y = mul(X, 1.0000001),
    walk(N - 1, [Y | Acc], sub(Y, 0.25)).

count_below(_, [], N) -> N;
count_below(Limit, [X | Xs], N) ->
    case lt(X, Limit) of
        true -> count_below(Limit, Xs, N + 1);
        false -> count_below(Limit, Xs, N)
    end.

%% The error and the frame that raised it (the rest of the trace differs under `-s`).
top(F) ->
    try F() catch error:R:St -> {R, hd(St)} end.

main() ->
    Pairs = [{1.5, 2.25}, {-0.0, 0.0}, {0.0, -0.0}, {1.0e300, 1.0e-10}, {3, 0.5}, {0.5, 3},
             {2.0, 2}, {1 bsl 70, 1.0e20}, {-1.5, -1.5}, {5.0e-324, 2.0}],
    [erlang:display({A, B, ops(id(A), id(B))}) || {A, B} <- Pairs],
    erlang:display([top(fun() -> add(id(1.0e308), id(1.0e308)) end),
                    top(fun() -> mul(id(1.0e200), id(1.0e200)) end),
                    top(fun() -> sub(id(-1.0e308), id(1.0e308)) end),
                    top(fun() -> add(id(1.0), id(an_atom)) end)]),
    erlang:display(walk(id(200000), [], id(0.0))),
    Fs = [float(X) / 7 || X <- lists:seq(1, 5000)],
    erlang:display(count_below(id(300.0), Fs, 0)),
    erlang:display([lt(id(1.0), id(an_atom)), ge(id(1.0), id({})), lt(id(2.0), id(1)),
                    ge(id(-0.0), id(0)), lt(id(0), id(-0.0)), lt(id(1.0), id(1))]),
    erlang:display([mul(id(-0.0), id(5.0)), add(id(-0.0), id(-0.0)), sub(id(0.0), id(0.0))]).
