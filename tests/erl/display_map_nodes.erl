-module(display_map_nodes).
-export([main/0]).
%% erlang:display/1 of maps: flatmaps in key order, and the hash-trie nodes of large maps,
%% whose leaves are cons cells [Key|Value] and so print as lists (or strings).
main() ->
    D = fun erlang:display/1,
    D(#{}), D(#{a => 1}), D(#{b => 1, a => 2, 1 => x, 1.0 => y, "s" => s, {t} => t, [] => n}),
    D(maps:from_list([{I, I} || I <- lists:seq(1, 32)])),
    D(maps:from_list([{I, I} || I <- lists:seq(1, 33)])),
    D(maps:from_list([{I, [I, I]} || I <- lists:seq(1, 40)])),
    D(maps:from_list([{I, "xy"} || I <- lists:seq(90, 130)])),
    D(maps:from_list([{[I], I} || I <- lists:seq(97, 140)])),
    D(maps:from_list([{I, []} || I <- lists:seq(1, 50)])),
    D(maps:from_list([{I, I} || I <- lists:seq(1, 400)])),
    D(maps:from_list([{{I, <<I>>}, [I]} || I <- lists:seq(1, 2000)])),
    D(#{maps:from_list([{I, I} || I <- lists:seq(1, 40)]) => 1, 2 => 3}),
    D(#{a => #{b => maps:from_list([{{"k", I}, x} || I <- lists:seq(1, 33)])}}),
    D(lists:foldl(fun(I, A) -> #{I => A} end, [], lists:seq(1, 2000))),
    ok.
