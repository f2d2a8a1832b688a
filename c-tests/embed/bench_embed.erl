%% What c-tests/embed/bench.c (bench/embed.sh) calls: a trivial function for the call round
%% trip, and a process that floods the host's mailbox.
-module(bench_embed).
-export([id/1, flood/2]).

id(X) -> X.

%% Starts a process that sends {n, N}, {n, N-1}, ..., {n, 1} to To; returns at once.
flood(To, N) when is_integer(N), N >= 0 ->
    spawn(fun() -> send_n(To, N) end),
    ok.

send_n(_, 0) -> ok;
send_n(To, N) ->
    To ! {n, N},
    send_n(To, N - 1).
