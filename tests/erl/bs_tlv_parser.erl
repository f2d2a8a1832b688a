-module(bs_tlv_parser).
-export([main/0]).
%% A type-length-value parser/encoder over a generated binary, nested records.
main() ->
    Recs = [{int, I * 1000 - 7} || I <- lists:seq(1, 20)] ++
           [{str, list_to_binary(lists:duplicate(I, $a + I))} || I <- lists:seq(1, 10)] ++
           [{nested, [{int, 1}, {str, <<"inner">>}, {nested, [{int, 2}]}]}, {float, 2.5}],
    Bin = encode(Recs),
    erlang:display(byte_size(Bin)),
    erlang:display(erlang:crc32(Bin)),
    Dec = decode(Bin),
    erlang:display(Dec =:= Recs),
    erlang:display(lists:sublist(Dec, 3)),
    erlang:display(lists:last(Dec)),
    erlang:display(lists:nth(31, Dec)),
    erlang:display(sum_ints(Dec)),
    show(catch decode(<<1, 0, 5, 1, 2>>)).

encode(Recs) -> << <<(enc(R))/binary>> || R <- Recs >>.

enc({int, I}) -> <<1, 8:16, I:64/signed>>;
enc({str, S}) -> <<2, (byte_size(S)):16, S/binary>>;
enc({float, F}) -> <<3, 8:16, F/float>>;
enc({nested, L}) -> Inner = encode(L), <<4, (byte_size(Inner)):16, Inner/binary>>.

decode(<<>>) -> [];
decode(<<T, Len:16, V:Len/binary, Rest/binary>>) -> [dec(T, V) | decode(Rest)];
decode(Bad) -> throw({bad_tlv, Bad}).

dec(1, <<I:64/signed>>) -> {int, I};
dec(2, S) -> {str, S};
dec(3, <<F/float>>) -> {float, F};
dec(4, Inner) -> {nested, decode(Inner)}.

sum_ints(L) -> lists:sum([case R of {int, I} -> I; {nested, N} -> sum_ints(N); _ -> 0 end || R <- L]).

%% Displays a catch result without the frames of init (the real erl's -s caller).
show({'EXIT', {R, St}}) when is_list(St) ->
    erlang:display({'EXIT', {R, [F || F <- St, element(1, F) =/= init]}});
show(X) -> erlang:display(X).
