-module(base64_module).
-export([main/0]).
%% base64 encode/decode, lists and binaries, padding and invalid input.
main() ->
    Inputs = [<<>>, <<"f">>, <<"fo">>, <<"foo">>, <<"foob">>, <<"fooba">>, <<"foobar">>, list_to_binary(lists:seq(0, 255))],
    Enc = [base64:encode(I) || I <- Inputs],
    erlang:display(Enc),
    erlang:display([base64:decode(E) =:= I || {E, I} <- lists:zip(Enc, Inputs)]),
    erlang:display(base64:encode_to_string("hello")),
    erlang:display(base64:decode_to_string("aGVsbG8=")),
    erlang:display(base64:decode(<<"aGVs\nbG8=">>)),
    erlang:display(base64:mime_decode(<<"aGV%%sbG8=">>)),
    erlang:display(try base64:decode(<<"a">>) catch error:R -> R end),
    erlang:display(try base64:decode(<<"!!!!">>) catch error:R2 -> R2 end),
    erlang:display(base64:encode([1, 2, 3, <<4>>] -- [<<4>>])).
