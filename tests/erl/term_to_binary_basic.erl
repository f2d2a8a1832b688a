-module(term_to_binary_basic).
-export([main/0]).
%% term_to_binary of every term type (printed), and binary_to_term round trips.
main() ->
    Terms = [0, 255, 256, -1, 1 bsl 31, 1 bsl 64, -(1 bsl 64), 1 bsl 2100, 1.5, -0.0, abc, 'é', '日本', [],
             "abc", [1, 2, 300], [a | b], {}, {a, 1}, list_to_tuple(lists:seq(1, 300)),
             <<>>, <<1, 2, 3>>, <<1:3>>, <<1, 2, 5:4>>, #{}, #{a => 1, "b" => [2]},
             maps:from_list([{I, I * I} || I <- lists:seq(1, 33)]), fun lists:map/2,
             lists:seq(1, 10), [<<"x">>, {y}, "z"]],
    lists:foreach(fun(T) ->
                          B = term_to_binary(T),
                          erlang:display(B),
                          erlang:display(binary_to_term(B) =:= T)
                  end, Terms),
    erlang:display(binary_to_term(<<131, 100, 0, 3, 102, 111, 111>>)),
    erlang:display(binary_to_term(<<131, 115, 3, 98, 97, 114>>)),
    erlang:display(binary_to_term(<<131, 107, 0, 3, 1, 2, 3>>)),
    erlang:display(binary_to_term(<<131, 99, "1.50000000000000000000e+00", 0:40>>)),
    erlang:display(binary_to_term(<<131, 104, 2, 97, 1, 106>>)),
    {T1, Used} = binary_to_term(<<131, 97, 7, 1, 2, 3>>, [used]),
    erlang:display({T1, Used}),
    erlang:display(term_to_iovec(<<"abc">>)),
    erlang:display(iolist_to_binary(term_to_iovec({a, list_to_binary(lists:seq(1, 100))})) =:= term_to_binary({a, list_to_binary(lists:seq(1, 100))})).
