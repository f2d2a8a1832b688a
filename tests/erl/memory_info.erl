-module(memory_info).
-export([main/0]).
%% erlang:memory/0,1: the categories in OTP's order, consistent relations between them, and
%% growth where memory is used (ETS objects, binaries). Values themselves
%% differ between VMs, so only their shape and relations are printed.
main() ->
    D = fun(X) -> erlang:display(X) end,
    M = erlang:memory(),
    D([K || {K, _} <- M]),
    D(lists:all(fun({_, V}) -> is_integer(V) andalso V >= 0 end, M)),
    V = fun(K) -> proplists:get_value(K, M) end,
    D(V(total) >= V(processes) + V(ets)),
    D(V(processes_used) =< V(processes)),
    D(V(system) =:= V(total) - V(processes)),
    D(V(atom_used) =< V(atom)),
    D(erlang:memory(ets) >= 0),
    D([K || {K, _} <- erlang:memory([ets, atom, total])]),
    D(try erlang:memory(bogus) catch error:R -> R end),
    D(try erlang:memory([ets, bogus]) catch error:R2 -> R2 end),
    E0 = erlang:memory(ets),
    T = ets:new(t, []),
    ets:insert(T, [{I, lists:seq(1, 20)} || I <- lists:seq(1, 20000)]),
    D(erlang:memory(ets) - E0 > 20000 * 20 * 8),
    Big = lists:seq(1, 300000),
    Bin = binary:copy(<<"x">>, 4000000),
    %% Only a lower bound: a difference against an earlier reading is not stable on the real
    %% erl, where garbage binaries may be freed in between.
    D(erlang:memory(binary) >= byte_size(Bin)),
    D({length(Big), byte_size(Bin)}),
    ok.
