-module(gc_message_binaries).
-export([main/0]).
%% A process whose receive loop allocates nothing takes 1,000 messages, each with a fresh
%% 512 KiB binary it drops: the binaries the messages brought must be let go of as it goes
%% (a collection once they pile up), not kept until the process ends (500 MiB). And one
%% taking 200,000 small tuples must not keep them all (600,000 words) in its heap.
main() ->
    small_messages(),
    Self = self(),
    R = spawn(fun() -> recv(0, 0, Self) end),
    B = binary:copy(<<1>>, 512 * 1024),
    send(R, 1000, B),
    R ! {done, self()},
    receive {count, N, MaxMiB} -> erlang:display({N, MaxMiB < 100}) end.
send(_, 0, _) -> ok;
send(R, N, B) ->
    R ! {data, self(), binary:copy(B)},
    receive ack -> ok end,
    send(R, N - 1, B).
recv(N, Max, Parent) ->
    receive
        {data, From, _} ->
            From ! ack,
            recv(N + 1, max(erlang:memory(binary) div (1 bsl 20), Max), Parent);
        {done, P} ->
            P ! {count, N, Max}
    end.

small_messages() ->
    P = spawn(fun pong/0),
    ping(P, 200000),
    {total_heap_size, Words} = process_info(P, total_heap_size),
    P ! stop,
    erlang:display({small_messages, Words < 100000}).
pong() ->
    receive
        {ping, From} -> From ! pong, pong();
        stop -> ok
    end.
ping(_, 0) -> ok;
ping(P, N) -> P ! {ping, self()}, receive pong -> ping(P, N - 1) end.
