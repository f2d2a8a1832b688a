-module(proc_info_binary).
-export([main/0]).
%% process_info(P, binary): the refcounted binaries a process refers to, with their sizes and
%% reference counts (shared between the sender and the receiver of a message).
main() ->
    B = binary:copy(<<"x">>, 1000),
    B2 = binary:copy(<<"y">>, 500),
    {binary, L} = process_info(self(), binary),
    erlang:display(lists:sort([{S, R} || {_, S, R} <- L])),
    P = spawn(fun() -> receive {X, Y} -> receive stop -> byte_size(X) + byte_size(Y) end end end),
    P ! {B, B2},
    receive after 20 -> ok end,
    {binary, L2} = process_info(P, binary),
    erlang:display(lists:sort([{S, R} || {_, S, R} <- L2])),
    {binary, L3} = process_info(self(), binary),
    erlang:display(lists:sort([{S, R} || {_, S, R} <- L3])),
    erlang:display([I || {I, _, _} <- L3] -- [I || {I, _, _} <- L2]),
    P ! stop.
