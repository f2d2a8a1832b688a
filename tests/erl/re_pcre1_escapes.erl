-module(re_pcre1_escapes).
-export([main/0]).
%% OTP's PCRE 8.x reads an unknown letter escape as the letter, and assertions such as \A, \B,
%% \Z or \R inside a character class as their letter; others (\N, \E, \o, \L, \u) stay errors.
main() ->
    Subject = <<"xABCGKNRXZzEQyjiT\\">>,
    [erlang:display({[L], run(Subject, <<"[\\", L, "]+">>)})
     || L <- "ABCGKNRXZzEQyjiolLuUcT"],
    [erlang:display({[L], run(Subject, <<"\\", L>>)}) || L <- "yjiTFIJMOq"],
    erlang:display(run(<<10,99,46,66,66,66,32>>, <<"[\\Ab[^a]|">>, [notempty, noteol])),
    erlang:display(run(<<"a[b">>, <<"\\Q[\\A\\E|[\\A]">>)),
    erlang:display(run(<<"-y-">>, <<"(?#[\\A)\\y">>)),
    erlang:display(run(<<"x]A">>, <<"[]\\A]+">>)),
    erlang:display(run(<<"a:B">>, <<"[[:alpha:]\\B]+">>)),
    %% Error offsets are in the pattern as written.
    erlang:display(re:compile(<<"\\y\\y(">>)),
    erlang:display(re:compile(<<"[\\A](?<n">>)),
    ok.

run(S, P) -> run(S, P, []).
run(S, P, O) ->
    try re:run(S, P, [global | O]) catch error:E -> {error, E} end.
