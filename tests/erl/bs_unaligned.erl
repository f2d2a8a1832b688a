-module(bs_unaligned).
-export([main/0, id/1]).
%% Unaligned bitstrings: construction, matching, comparison and BIFs on non-byte sizes.
id(X) -> X.
main() ->
    A = ?MODULE:id(<<1:1>>), B = ?MODULE:id(<<5:3>>), C = ?MODULE:id(<<"xyz">>),
    AB = <<A/bits, B/bits, C/binary, A/bits>>,
    erlang:display(AB),
    erlang:display(bit_size(AB)),
    <<P:5, Q:20, R/bits>> = AB,
    erlang:display({P, Q, R}),
    erlang:display(lists:sort([<<1:1>>, <<0:1>>, <<1:2>>, <<0>>, <<>>, <<1, 0:1>>, <<1>>])),
    erlang:display(<<1:1>> < <<1>>),
    erlang:display(<<128>> == <<1:1, 0:7>>),
    erlang:display(bitstring_to_list(<<255, 1:4>>)),
    erlang:display(is_binary(<<1:7>>)),
    erlang:display(is_bitstring(<<1:7>>)),
    erlang:display(shift(<<"abc">>, 3)),
    erlang:display(build_bits(17, <<>>)),
    erlang:display(reverse_bits(<<2#10110:5>>)),
    erlang:display([X || <<X:3>> <= <<2#101110011:9, 1:2>>]),
    erlang:display(<< <<Y:1>> || Y <- [1, 0, 1, 1, 0, 0, 1, 1, 1] >>),
    erlang:display(erlang:phash2(<<1:7>>)),
    erlang:display(term_to_binary(<<1, 2:6>>)),
    erlang:display(binary_to_term(term_to_binary(<<7:3>>))),
    erlang:display(byte_size(<<1:9>>)).

shift(Bin, N) -> <<_:N, Rest/bits>> = Bin, <<Rest/bits, 0:N>>.

build_bits(0, Acc) -> Acc;
build_bits(N, Acc) -> build_bits(N - 1, <<Acc/bits, (N rem 2):1>>).

reverse_bits(<<>>) -> <<>>;
reverse_bits(<<X:1, Rest/bits>>) -> R = reverse_bits(Rest), <<R/bits, X:1>>.
