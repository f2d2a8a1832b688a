-module(port_busy).
-export([main/0]).
%% Busy ports: a program that reads its input only after a while; with small busy limits the
%% port turns busy once its queue passes the high watermark. port_command with nosuspend then
%% returns false, force is refused (notsup) by the spawn driver, and a plain port_command
%% suspends the caller until the program has read enough; then everything arrives in order.
main() ->
    P = open_port({spawn, "sh -c 'sleep 0.5; exec cat'"},
                  [binary, {busy_limits_port, {2048, 4096}}]),
    Chunk = binary:copy(<<"x">>, 100000),
    %% The pipe takes about 64 KB; the rest waits in the port's queue.
    erlang:display({first, port_command(P, Chunk, [nosuspend])}),
    erlang:display({nosuspend_when_busy, port_command(P, <<"y">>, [nosuspend])}),
    erlang:display({force, try port_command(P, <<"y">>, [force]) catch C:R -> {C, R} end}),
    Self = self(),
    Writer = spawn(fun() ->
        true = port_command(P, <<"last">>),
        Self ! {written, self()}
    end),
    Early = receive {written, Writer} -> returned_early after 200 -> suspended end,
    erlang:display({writer_while_busy, Early}),
    Later = receive {written, Writer} -> returned after 5000 -> still_suspended end,
    erlang:display({writer_after, Later}),
    Total = byte_size(Chunk) + 4,
    erlang:display({echoed, collect(P, Total, <<>>)}),
    port_close(P),
    erlang:display(done).

collect(_P, 0, Acc) -> {byte_size(Acc), binary:part(Acc, byte_size(Acc) - 5, 5)};
collect(P, Left, Acc) ->
    receive
        {P, {data, D}} -> collect(P, Left - byte_size(D), <<Acc/binary, D/binary>>)
    after 5000 -> {timeout, byte_size(Acc)}
    end.
