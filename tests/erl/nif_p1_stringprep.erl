-module(nif_p1_stringprep).
-export([main/0]).
%% Debian's unmodified stringprep NIF (package erlang-p1-stringprep): the XMPP profiles
%% (nameprep, nodeprep, resourceprep) and case folding, with invalid input. The library is
%% loaded by stringprep:load_nif/0 (its application's start does the same).
main() ->
    erlang:display(stringprep:load_nif()),
    [erlang:display({F, In, stringprep:F(In)})
     || F <- [nameprep, nodeprep, resourceprep, tolower, tolower_nofilter],
        In <- [<<"Example.COM">>, <<"User">>, <<"Straße"/utf8>>, <<"ÀÉÎ"/utf8>>,
               <<"a b">>, <<"a@b">>, <<"ｆｕｌｌ"/utf8>>, <<"x\x{0301}"/utf8>>,
               <<"">>, <<255, 254>>, <<"\x{05D0}a"/utf8>>]],
    erlang:display(catching(fun() -> stringprep:nameprep(not_binary) end)),
    Long = binary:copy(<<"Ab">>, 5000),
    erlang:display(byte_size(stringprep:tolower(Long))).

catching(F) ->
    try F() catch C:R -> {C, R} end.
