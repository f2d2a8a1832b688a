-module(hello).
-export([main/0]).
%% The demo program: greets through io:format (OTP's own `user` I/O server over an fd port),
%% prints a few terms with erlang:display/1, computes fib(25), sorts a list and asks a port
%% program (`uname -s`) what system it runs on.
main() ->
    io:format("Hello, ~s! ~p~n", ["world", self() =/= undefined]),
    erlang:display(hello_world),
    erlang:display({"a string", <<"a binary">>, [1, 2.5, atom], #{key => value}}),
    erlang:display({fib, 25, fib(25)}),
    erlang:display(lists:sort([5, 3, 9, 1, 7, 2, 8])),
    erlang:display({factorial, 30, lists:foldl(fun(X, Acc) -> X * Acc end, 1, lists:seq(1, 30))}),
    io:format("The port program says: ~s", [os:cmd("uname -s")]).

fib(N) when N < 2 -> N;
fib(N) -> fib(N - 1) + fib(N - 2).
