-module(nrev).
-export([main/0]).
%% Naive reverse of a 500-element list, 2000 times: list cells and GC.
main() ->
    T0 = erlang:monotonic_time(microsecond),
    L = lists:seq(1, 500),
    Result = loop(2000, L, 0),
    T1 = erlang:monotonic_time(microsecond),
    erlang:display(Result),
    erlang:display({bench_us, T1 - T0}).
loop(0, _, Acc) -> Acc;
loop(N, L, Acc) -> R = nrev(L), loop(N - 1, L, Acc + hd(R)).
nrev([]) -> [];
nrev([H | T]) -> app(nrev(T), [H]).
app([], L) -> L;
app([H | T], L) -> [H | app(T, L)].
