-module(bif_hash_checksum).
-export([main/0]).
%% phash2/1,2, phash/2, md5, crc32, adler32 (+ combine variants) over many term types.
main() ->
    Terms = [0, 1, -1, 1 bsl 64, -(1 bsl 70), 1.5, -0.0, 0.0, abc, '', "abc", [], [a | b],
             {}, {a, b}, <<>>, <<"abc">>, <<1:3>>, #{}, #{a => 1, b => 2},
             maps:from_list([{I, I} || I <- lists:seq(1, 40)]), fun lists:map/2,
             list_to_binary(lists:seq(1, 200)), {[1, 2], <<3>>, 4.0}],
    erlang:display([erlang:phash2(T) || T <- Terms]),
    erlang:display([erlang:phash2(T, 1000) || T <- Terms]),
    erlang:display([erlang:phash(T, 1 bsl 32) || T <- Terms]),
    erlang:display([erlang:phash(T, 97) || T <- Terms]),
    erlang:display(erlang:md5(<<>>)),
    erlang:display(erlang:md5("The quick brown fox jumps over the lazy dog")),
    Ctx = erlang:md5_update(erlang:md5_init(), <<"The quick brown fox ">>),
    erlang:display(erlang:md5_final(erlang:md5_update(Ctx, [<<"jumps over">>, " the lazy dog"]))),
    erlang:display([erlang:crc32(<<"hello">>), erlang:crc32([]), erlang:crc32("123456789")]),
    erlang:display(erlang:crc32(erlang:crc32(<<"hel">>), <<"lo">>)),
    erlang:display(erlang:crc32_combine(erlang:crc32(<<"hel">>), erlang:crc32(<<"lo">>), 2)),
    erlang:display([erlang:adler32(<<"hello">>), erlang:adler32("Wikipedia")]),
    erlang:display(erlang:adler32(erlang:adler32(<<"Wiki">>), <<"pedia">>)),
    erlang:display(erlang:adler32_combine(erlang:adler32(<<"Wiki">>), erlang:adler32(<<"pedia">>), 5)),
    erlang:display(try erlang:phash2(a, 0) catch error:R -> R end),
    erlang:display(try erlang:md5(a) catch error:R2 -> R2 end).
