-module(jit_receive).
-export([main/0]).
%% Receiving and sending in the native-code tier: a server loop, selective receives that
%% skip messages (which stay, in order), receives with `after` (0 and a real timeout),
%% the reference-tagged request/reply pattern (receive markers), sends to pids, to
%% registered names and to a bad destination (badarg, caught), and a process woken from
%% its wait many times. Every loop runs often enough to be compiled.

main() ->
    Server = spawn(fun() -> server(0) end),
    Replies = [call(Server, {add, N}) || N <- lists:seq(1, 3000)],
    erlang:display({lists:last(Replies), length(Replies)}),
    %% Selective receive: the tagged messages are taken out first, the others stay.
    Self = self(),
    [Self ! {other, N} || N <- lists:seq(1, 5)],
    [Self ! {tag, N} || N <- lists:seq(1, 2000)],
    erlang:display(take_tagged(0, 0)),
    erlang:display(drain([])),
    %% after 0 on an empty mailbox, many times.
    erlang:display(lists:sum([poll() || _ <- lists:seq(1, 3000)])),
    %% A real timeout, then a message that arrives before it.
    erlang:display(wait_for(5)),
    spawn(fun() -> Self ! late end),
    erlang:display(wait_for(5000)),
    %% Registered names and bad destinations.
    register(jit_receive_echo, spawn(fun echo/0)),
    erlang:display(lists:sum([via_name(N) || N <- lists:seq(1, 2000)])),
    erlang:display(lists:usort([bad_send(X) || X <- [nobody, {a, b, c}, 42, "x"], _ <- lists:seq(1, 600)])),
    %% A pipeline of processes woken up for every message.
    Last = lists:foldl(fun(_, Next) -> spawn(fun() -> relay(Next) end) end, Self, lists:seq(1, 20)),
    [Last ! {hop, N} || N <- lists:seq(1, 3000)],
    erlang:display(collect(3000, 0)),
    Server ! stop,
    jit_receive_echo ! stop.

call(Server, Req) ->
    Ref = make_ref(),
    Server ! {self(), Ref, Req},
    receive
        {Ref, Reply} -> Reply
    after 5000 -> timeout
    end.

server(Acc) ->
    receive
        {From, Ref, {add, N}} ->
            From ! {Ref, Acc + N},
            server(Acc + N);
        stop -> ok
    end.

take_tagged(Count, Sum) ->
    receive
        {tag, N} -> take_tagged(Count + 1, Sum + N)
    after 0 -> {Count, Sum}
    end.

drain(Acc) ->
    receive
        M -> drain([M | Acc])
    after 0 -> lists:reverse(Acc)
    end.

poll() ->
    receive
        never_sent -> 1
    after 0 -> 0
    end.

wait_for(Ms) ->
    receive
        late -> late
    after Ms -> timeout
    end.

echo() ->
    receive
        {From, N} -> From ! {echo, N}, echo();
        stop -> ok
    end.

via_name(N) ->
    jit_receive_echo ! {self(), N},
    receive {echo, M} -> M end.

bad_send(To) ->
    try To ! hello of
        _ -> sent
    catch
        error:R -> R
    end.

relay(Next) ->
    receive
        {hop, N} -> Next ! {hop, N + 1}, relay(Next)
    end.

collect(0, Sum) -> Sum;
collect(K, Sum) ->
    receive
        {hop, N} -> collect(K - 1, Sum + N)
    end.
