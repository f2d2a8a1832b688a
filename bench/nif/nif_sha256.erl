-module(nif_sha256).
-export([main/0]).
%% 1,000,000 crypto:hash(sha256, <<0:8192>>) calls (OTP's crypto NIF). Prints the time
%% (measured inside the VM) in microseconds.
-define(N, 1000000).
main() ->
    Data = <<0:8192>>,
    Expect = crypto:hash(sha256, Data),
    T0 = erlang:monotonic_time(microsecond),
    ok = loop(Data, Expect, ?N),
    T1 = erlang:monotonic_time(microsecond),
    io:format("~p~n", [{nif_sha256, ?N, T1 - T0}]).

loop(_, _, 0) -> ok;
loop(Data, Expect, K) ->
    Expect = crypto:hash(sha256, Data),
    loop(Data, Expect, K - 1).
