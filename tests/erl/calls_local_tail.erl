-module(calls_local_tail).
-export([main/0]).
%% Local calls, tail calls (call_only/call_last) and body recursion.
main() ->
    erlang:display(sum_tail(lists:seq(1, 1000), 0)),
    erlang:display(sum_body(lists:seq(1, 1000))),
    erlang:display(count_down(1000000)),
    erlang:display(even(100001)),
    erlang:display(len(lists:seq(1, 200000))),
    erlang:display(ack(2, 3)),
    erlang:display(fib(20)),
    erlang:display(mutual_a(10, [])).

sum_tail([], Acc) -> Acc;
sum_tail([H | T], Acc) -> sum_tail(T, Acc + H).

sum_body([]) -> 0;
sum_body([H | T]) -> H + sum_body(T).

count_down(0) -> done;
count_down(N) -> count_down(N - 1).

even(0) -> true;
even(N) -> odd(N - 1).
odd(0) -> false;
odd(N) -> even(N - 1).

len([]) -> 0;
len([_ | T]) -> 1 + len(T).

ack(0, N) -> N + 1;
ack(M, 0) -> ack(M - 1, 1);
ack(M, N) -> ack(M - 1, ack(M, N - 1)).

fib(N) when N < 2 -> N;
fib(N) -> fib(N - 1) + fib(N - 2).

mutual_a(0, Acc) -> lists:reverse(Acc);
mutual_a(N, Acc) -> mutual_b(N - 1, [{a, N} | Acc]).
mutual_b(0, Acc) -> lists:reverse(Acc);
mutual_b(N, Acc) -> mutual_a(N - 1, [{b, N} | Acc]).
