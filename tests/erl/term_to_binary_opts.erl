-module(term_to_binary_opts).
-export([main/0]).
%% term_to_binary options: compressed, minor_version, deterministic; binary_to_term safe and errors.
main() ->
    T = {lists:duplicate(100, abc), <<0:800>>, "repeated repeated repeated repeated"},
    C = term_to_binary(T, [compressed]),
    erlang:display(C),
    erlang:display(binary_to_term(C) =:= T),
    erlang:display([byte_size(term_to_binary(T, [{compressed, L}])) || L <- [0, 1, 6, 9]]),
    erlang:display(term_to_binary(small, [compressed])),
    erlang:display([term_to_binary(3.14, [{minor_version, V}]) || V <- [0, 1, 2]]),
    erlang:display([term_to_binary(abc, [{minor_version, V}]) || V <- [0, 1, 2]]),
    erlang:display([term_to_binary('é', [{minor_version, V}]) || V <- [0, 1, 2]]),
    M = maps:from_list([{I, I} || I <- lists:seq(1, 40)]),
    erlang:display(term_to_binary(M, [deterministic]) =:= term_to_binary(maps:from_list(lists:reverse(maps:to_list(M))), [deterministic])),
    erlang:display(term_to_binary(#{b => 1, a => 2, c => 3}, [deterministic])),
    erlang:display(term_to_binary(#{b => 1, a => 2, c => 3})),
    erlang:display(binary_to_term(term_to_binary(M, [deterministic])) =:= M),
    erlang:display(try binary_to_term(<<131, 100, 0, 20, "zq_not_existing_atom">>, [safe]) catch error:R -> R end),
    erlang:display(binary_to_term(<<131, 100, 0, 2, "ok">>, [safe])),
    erlang:display([try binary_to_term(B) catch error:R2 -> R2 end || B <- [<<>>, <<131>>, <<130, 97, 1>>, <<131, 97>>, <<131, 107, 0, 5, 1>>]]),
    erlang:display(term_to_binary(T, [compressed, {minor_version, 1}]) =:= term_to_binary(T, [{minor_version, 1}, compressed])),
    erlang:display(try term_to_binary(x, [bad_option]) catch error:R3 -> R3 end).
