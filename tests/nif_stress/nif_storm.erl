%% enif_send storms: 8 created threads released at once send to one process, and
%% round-robin to 100 processes, with no caller environment. Every message is counted and
%% checked: none lost, none duplicated, each thread's messages in the order sent, payloads
%% (small and reference-counted binaries) intact.
-module(nif_storm).
-export([main/0]).

main() ->
    one(8, 20000),
    one(16, 2000),
    many(8, 100, 3000),
    many(16, 7, 700),
    ok.

one(Threads, Per) ->
    Self = self(),
    R = spawn(fun() -> receiver(Self, 0, Threads * Per) end),
    {Threads, H} = nif_stress:storm([R], Threads, Per),
    Failed = nif_stress:storm_join(H),
    R ! finish,
    Report = receive {report, R, X} -> X end,
    erlang:display({one, Threads, Per, Failed, Report}).

many(Threads, Targets, Per) ->
    Self = self(),
    Rs = [spawn(fun() -> receiver(Self, K, expected(K, Threads, Targets, Per)) end)
          || K <- lists:seq(0, Targets - 1)],
    {Threads, H} = nif_stress:storm(Rs, Threads, Per),
    Failed = nif_stress:storm_join(H),
    [R ! finish || R <- Rs],
    Reports = [receive {report, R, X} -> X end || R <- Rs],
    Total = lists:sum([N || {N, _, _, _} <- Reports]),
    Bad = [{K, Rep} || {K, {N, E1, E2, E3} = Rep} <- lists:zip(lists:seq(0, Targets - 1), Reports),
                       N =/= expected(K, Threads, Targets, Per) orelse E1 + E2 + E3 =/= 0],
    erlang:display({many, Threads, Targets, Per, Failed, Total, Bad}).

%% How many messages target K gets: thread T sends message Seq to target (T + Seq) rem Targets.
expected(K, Threads, Targets, Per) ->
    length([x || T <- lists:seq(0, Threads - 1), Seq <- lists:seq(0, Per - 1),
                 (T + Seq) rem Targets =:= K]).

%% Receives Expected storm messages, checking each thread's sequence numbers go up and the
%% payloads; then, told that every send is done, counts what else arrived.
receiver(Parent, K, Expected) ->
    {N, OutOfOrder, BadPayload} = receive_storm(K, Expected, #{}, 0, 0, 0),
    receive finish -> ok end,
    Extra = drain(0),
    Parent ! {report, self(), {N, OutOfOrder, BadPayload, Extra}}.

receive_storm(_K, Expected, _Last, N, Order, Bad) when N =:= Expected ->
    {N, Order, Bad};
receive_storm(K, Expected, Last, N, Order, Bad) ->
    receive
        {storm, T, Seq, Payload} ->
            Prev = maps:get(T, Last, -1),
            Order1 = case Seq > Prev of
                         true -> Order;
                         false -> Order + 1
                     end,
            Bad1 = case nif_stress:check(T, Seq, Payload) of
                       true -> Bad;
                       false -> Bad + 1
                   end,
            receive_storm(K, Expected, Last#{T => Seq}, N + 1, Order1, Bad1)
    end.

drain(N) ->
    receive
        {storm, _, _, _} -> drain(N + 1)
    after 0 -> N
    end.
