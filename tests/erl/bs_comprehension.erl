-module(bs_comprehension).
-export([main/0]).
%% Binary comprehensions and bitstring generators in list comprehensions.
main() ->
    B = <<"hello world">>,
    erlang:display(<< <<(C - 32)>> || <<C>> <= B, C =/= $\s >>),
    erlang:display(<< <<C, C>> || <<C>> <= <<"abc">> >>),
    erlang:display([{X, Y} || <<X:4, Y:4>> <= <<16#12, 16#34, 16#56>>]),
    erlang:display(<< <<X:16/little>> || X <- [1, 2, 256] >>),
    erlang:display(<< <<B1:1>> || <<B1:1>> <= <<2#10101100>> >>),
    erlang:display(<< <<X:3>> || X <- lists:seq(0, 7) >>),
    erlang:display(<< <<Bin/binary>> || Bin <- [<<"a">>, <<"bc">>, <<>>, <<"def">>] >>),
    erlang:display([W || <<W:16>> <= <<1, 2, 3, 4, 5>>]),
    erlang:display(<< <<X>> || <<X>> <= <<1, 2, 3, 4, 5, 6>>, X rem 2 =:= 0 >>),
    erlang:display(<< <<(X * Y)>> || <<X>> <= <<1, 2>>, <<Y>> <= <<10, 20>> >>),
    erlang:display([C || <<C/utf8>> <= <<"añb€"/utf8>>]),
    erlang:display(<< <<C/utf16>> || C <- "añ" >>),
    erlang:display(<< <<X:8>> || {X, _} <- [{1, a}, {2, b}] >>),
    erlang:display(byte_size(<< <<I:32>> || I <- lists:seq(1, 10000) >>)),
    erlang:display(<< <<>> || _ <- [1, 2, 3] >>),
    erlang:display([X || <<X:2/binary>> <= <<"abcdefg">>]),
    erlang:display(<< <<R/bits>> || <<_:1, R:3/bits>> <= <<2#11110000, 2#10100101>> >>).
