%% Several processes write to one port program (cat, {packet, 4}) at once while its owner
%% reads the echoes: every message comes back once, each writer's in the order it wrote
%% them. Commands from other processes contend with the owner and the poller for the port,
%% so poll events are handed to whoever holds the port (or to the busy owner) and must all
%% be run.
-module(port_concurrent_writers).
-export([main/0]).

-define(WRITERS, 4).
-define(EACH, 3000).

main() ->
    P = open_port({spawn, "cat"}, [{packet, 4}, binary]),
    Self = self(),
    [spawn_link(fun() -> write(P, W, 1), Self ! {done, W} end) || W <- lists:seq(1, ?WRITERS)],
    Seen = collect(P, ?WRITERS * ?EACH, #{}),
    [receive {done, W} -> ok end || W <- lists:seq(1, ?WRITERS)],
    erlang:display(lists:sort(maps:to_list(Seen))),
    port_close(P),
    erlang:display(done).

write(_P, _W, N) when N > ?EACH -> ok;
write(P, W, N) ->
    true = port_command(P, <<W:8, N:32, (binary:copy(<<N:8>>, N rem 700))/binary>>),
    write(P, W, N + 1).

%% Per writer: the last sequence number seen, or out_of_order.
collect(_P, 0, Seen) -> Seen;
collect(P, Left, Seen) ->
    receive
        {P, {data, <<W:8, N:32, Pad/binary>>}} ->
            Ok = byte_size(Pad) =:= N rem 700,
            Prev = maps:get(W, Seen, 0),
            Next = if Ok andalso Prev =:= N - 1 -> N; true -> {out_of_order, Prev, N} end,
            collect(P, Left - 1, Seen#{W => Next})
    after 10000 ->
        erlang:display({timeout, Left}),
        Seen
    end.
