-module(bs_skip_tail).
-export([main/0]).
%% Skipping segments (bs_skip_bits), test_tail, unit checks on the remaining tail.
main() ->
    erlang:display([tail_kind(B) || B <- [<<>>, <<1>>, <<1, 2>>, <<1:4>>, <<1, 2, 3, 4>>, <<1:12>>]]),
    erlang:display(skip_fields(<<1, 2, 3, 4, 5, 6, 7, 8>>)),
    erlang:display(nth_field(<<10, 20, 30, 40>>, 2)),
    erlang:display(every_other(<<1, 2, 3, 4, 5, 6, 7>>, [])),
    erlang:display([exact(B) || B <- [<<1, 2, 3, 4>>, <<1, 2, 3>>, <<1, 2, 3, 4, 5>>]]),
    erlang:display([units(B) || B <- [<<1, 2, 3, 4>>, <<1, 2, 3>>, <<1:17>>, <<>>]]).

tail_kind(<<>>) -> empty;
tail_kind(<<_:8>>) -> one_byte;
tail_kind(<<_:16>>) -> two_bytes;
tail_kind(<<_:4>>) -> nibble;
tail_kind(<<_, _/binary>>) -> more_bytes;
tail_kind(_) -> odd_bits.

skip_fields(<<_:16, X:8, _:3/binary, Y:8, _/binary>>) -> {X, Y}.

nth_field(B, N) -> Skip = N * 8, <<_:Skip, V:8, _/binary>> = B, V.

every_other(<<X, _, Rest/binary>>, Acc) -> every_other(Rest, [X | Acc]);
every_other(<<X>>, Acc) -> lists:reverse([X | Acc]);
every_other(<<>>, Acc) -> lists:reverse(Acc).

exact(<<_:32>>) -> four;
exact(_) -> not_four.

units(<<_/binary-unit:16>>) -> even_bytes;
units(<<_/binary>>) -> bytes;
units(_) -> bits.
