-module(try_after_order).
-export([main/0, id/1]).
%% after clauses: run order with side effects, on success, on exception, when nested, on return from of.
id(X) -> X.
log(X) -> put(log, [X | get_log()]).
get_log() -> case get(log) of undefined -> []; L -> L end.
take_log() -> L = lists:reverse(get_log()), erase(log), L.

main() ->
    R1 = try log(body), value after log(after1) end,
    erlang:display({R1, take_log()}),
    R2 = (catch try log(body), throw(t) after log(after2) end),
    erlang:display({R2, take_log()}),
    R3 = try try log(inner), error(e) after log(inner_after) end catch error:E -> log({caught, E}), handled after log(outer_after) end,
    erlang:display({R3, take_log()}),
    R4 = try ?MODULE:id(1) of 1 -> log(of_clause), from_of after log(after4) end,
    erlang:display({R4, take_log()}),
    R5 = (catch try ?MODULE:id(2) of 1 -> no after log(after5) end),
    erlang:display({element(1, element(2, R5)), take_log()}),
    R6 = try_return(),
    erlang:display({R6, take_log()}),
    R7 = (catch try exit(ex) catch throw:_ -> no after log(after7) end),
    erlang:display({R7, take_log()}),
    R8 = deep_after(3),
    erlang:display({R8, take_log()}),
    R9 = (catch try log(a), ok catch _:_ -> err after log(b), throw(from_after) end),
    erlang:display(take_log()),
    erlang:display(R9).

try_return() ->
    try log(in_fun), {returned, ?MODULE:id(x)} after log(fun_after) end.

deep_after(0) -> log(bottom), throw(deep);
deep_after(N) ->
    try deep_after(N - 1) catch throw:deep when N =:= 2 -> log(caught_at_2), caught after log({after_level, N}) end.
