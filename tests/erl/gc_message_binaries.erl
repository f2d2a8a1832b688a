-module(gc_message_binaries).
-export([main/0]).
%% A process whose receive loop allocates nothing takes 1,000 messages, each with a fresh
%% 512 KiB binary it drops: the binaries the messages brought must be let go of as it goes
%% (a collection once they pile up), not kept until the process ends (500 MiB).
main() ->
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
