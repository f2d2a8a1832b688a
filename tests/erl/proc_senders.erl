-module(proc_senders).
-export([main/0]).
%% 100 senders x 10,000 messages each to one receiver; per-sender order is verified.
main() ->
    Senders = 100, Msgs = 10000,
    Self = self(),
    Pids = [spawn(fun() -> send_all(Self, I, 1, Msgs) end) || I <- lists:seq(1, Senders)],
    Expect = maps:from_list([{I, 1} || I <- lists:seq(1, Senders)]),
    {Ok, Bad} = collect(Expect, Senders * Msgs, 0, 0),
    erlang:display({received, Ok, out_of_order, Bad}),
    erlang:display(length(Pids)).

send_all(_To, _I, K, Max) when K > Max -> ok;
send_all(To, I, K, Max) -> To ! {I, K}, send_all(To, I, K + 1, Max).

collect(_Expect, 0, Ok, Bad) -> {Ok, Bad};
collect(Expect, Left, Ok, Bad) ->
    receive
        {I, K} ->
            case maps:get(I, Expect) of
                K -> collect(Expect#{I := K + 1}, Left - 1, Ok + 1, Bad);
                _ -> collect(Expect#{I := K + 1}, Left - 1, Ok, Bad + 1)
            end
    end.
