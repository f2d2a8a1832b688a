-module(bs_parse).
-export([main/0]).
%% Bit-syntax parser: generate a binary of 200000 TLV records, then parse it 60 times.
main() ->
    T0 = erlang:monotonic_time(microsecond),
    Bin = gen(200000, 1, []),
    Result = {byte_size(Bin), loop(60, Bin, 0)},
    T1 = erlang:monotonic_time(microsecond),
    erlang:display(Result),
    erlang:display({bench_us, T1 - T0}).

gen(0, _, Acc) -> iolist_to_binary(Acc);
gen(N, X, Acc) ->
    X1 = (X * 1103515245 + 12345) band 16#7FFFFFFF,
    Rec = case X1 rem 3 of
              0 -> <<1, 4:16, X1:32>>;
              1 -> Len = X1 rem 16, <<2, Len:16, (binary:copy(<<"s">>, Len))/binary>>;
              2 -> <<3, 8:16, (X1 / 1000):64/float>>
          end,
    gen(N - 1, X1, [Rec | Acc]).

loop(0, _, Acc) -> Acc;
loop(N, Bin, _) -> loop(N - 1, Bin, parse(Bin, 0)).

parse(<<1, 4:16, V:32, Rest/binary>>, Acc) -> parse(Rest, (Acc + V) band 16#FFFFFFF);
parse(<<2, Len:16, S:Len/binary, Rest/binary>>, Acc) -> parse(Rest, Acc + byte_size(S));
parse(<<3, 8:16, F:64/float, Rest/binary>>, Acc) -> parse(Rest, Acc + trunc(F) rem 7);
parse(<<>>, Acc) -> Acc.
