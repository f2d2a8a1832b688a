-module(bs_construct_int).
-export([main/0, id/1]).
%% Integer segments: sizes, signedness, endianness, units, variable sizes, bignums.
id(X) -> X.
main() ->
    V = ?MODULE:id(16#12345678), N = ?MODULE:id(-2), S = ?MODULE:id(12),
    erlang:display(<<V:32>>),
    erlang:display(<<V:32/little>>),
    erlang:display(<<V:32/native>>),
    erlang:display(<<V:16, V:8, V:4, V:4>>),
    erlang:display(<<N:8, N:16, N:3, N:5/little-signed>>),
    erlang:display(<<V:S>>),
    erlang:display(<<V:S/little>>),
    erlang:display(<<V:S/little, 1:4>>),
    erlang:display(<<1:1, 0:1, 1:1>>),
    erlang:display(<<300:8>>),
    erlang:display(<<(-1):64>>),
    erlang:display(<<(1 bsl 70 + 5):72>>),
    erlang:display(<<(1 bsl 70 + 5):72/little>>),
    erlang:display(<<(-(1 bsl 70)):80/signed>>),
    erlang:display(<<V:3/unit:8>>),
    erlang:display(<<V:2/little-unit:16>>),
    erlang:display(<<0:0, V:0>>),
    erlang:display(<<1, 2, 3>>),
    erlang:display(<<$a, $b, "cd", "é"/utf8>>),
    erlang:display(<< <<X:4>> || X <- lists:seq(1, 9) >>),
    erlang:display([<<I:I>> || I <- lists:seq(1, 17)]),
    erlang:display(<<(?MODULE:id(255)):7>>),
    erlang:display(<<(?MODULE:id(1 bsl 64)):65/little>>),
    erlang:display(<<1:13/little>>),
    erlang:display(<<16#abcd:13/little>>),
    erlang:display(<<16#abcdef:23/little-signed>>).
