-module(nif_jiffy).
-export([main/0]).
%% Debian's unmodified jiffy JSON NIF (package erlang-jiffy): encode and decode of every JSON
%% kind, options, errors, and inputs big enough that jiffy reschedules itself
%% (enif_consume_timeslice / enif_schedule_nif).
main() ->
    erlang:display(jiffy:encode({[{<<"a">>, [1, -2, 2.5, 1.0e100, true, false, null, <<"x">>]}]})),
    erlang:display(jiffy:encode(#{<<"m">> => [#{}, []]})),
    erlang:display(jiffy:encode(<<"é \" \\ \n"/utf8>>)),
    erlang:display(jiffy:encode([1, 2, 3], [pretty])),
    erlang:display(jiffy:decode(<<"{\"k\":[1,{\"n\":null}],\"s\":\"\\u00e9\",\"f\":-1.5e3}">>)),
    erlang:display(jiffy:decode(<<"{\"a\":{\"b\":[]}}">>, [return_maps])),
    erlang:display(jiffy:decode(<<"123456789012345678901234567890">>)),
    [erlang:display({bad, B, try jiffy:decode(B) catch C:R -> {C, R} end})
     || B <- [<<"{bad">>, <<"[1,]">>, <<"\"\\x\"">>, <<>>, <<"nul">>]],
    erlang:display({bad_term, try jiffy:encode({1, 2}) catch C2:R2 -> {C2, R2} end}),
    Big = [#{<<"i">> => I, <<"s">> => integer_to_binary(I * 7)} || I <- lists:seq(1, 20000)],
    Json = iolist_to_binary(jiffy:encode(Big)),
    erlang:display({big, byte_size(Json), erlang:crc32(Json),
                    jiffy:decode(Json, [return_maps]) =:= Big}).
