-module(records_badrecord).
-export([main/0, id/1]).
%% {badrecord, R} errors from record access and update on wrong terms.
-record(r, {a = 1, b = 2}).
-record(s, {a}).
id(X) -> X.

main() ->
    S = ?MODULE:id(#s{a = 5}),
    erlang:display(try (?MODULE:id(S))#r.a catch C:R -> {C, R} end),
    erlang:display(try (?MODULE:id(not_a_record))#r.b catch C2:R2 -> {C2, R2} end),
    erlang:display(try S#r{a = 10} catch C3:R3 -> {C3, R3} end),
    erlang:display(try (?MODULE:id({r, 1}))#r.a catch C4:R4 -> {C4, R4} end),
    erlang:display(try (?MODULE:id({r, 1, 2}))#r.b catch C5:R5 -> {C5, R5} end),
    show(catch (?MODULE:id(42))#r{b = 0}),
    erlang:display(try get_a(S) catch C6:R6:St -> {C6, R6, [F || F = {M, _, _, _} <- St, M =/= init]} end).

get_a(R) -> R#r.a.

%% Displays a catch result without the frames of init (the real erl's -s caller).
show({'EXIT', {R, St}}) when is_list(St) ->
    erlang:display({'EXIT', {R, [F || F <- St, element(1, F) =/= init]}});
show(X) -> erlang:display(X).
