-module(nif_asn1).
-export([main/0]).
%% Debian's unmodified asn1rt_nif.so (package erlang-asn1) under the BER codec that asn1ct
%% generated from tests/erl/NifAsn1Types.asn1 (the harness compiles it with erlc): SEQUENCE
%% with OPTIONAL and DEFAULT components, INTEGER, OCTET STRING, IA5String, CHOICE (with an
%% unknown alternative of an extensible CHOICE, which the NIF re-encodes), SEQUENCE OF,
%% SET OF, BIT STRING, BOOLEAN, ENUMERATED, OBJECT IDENTIFIER, indefinite lengths, and decode
%% errors.
-define(M, 'NifAsn1Types').

main() ->
    People = [{'Person', <<"Ann">>, 42, asn1_NOVALUE, [admin, banned], [1, -2, 300],
               {phone, 5551234}, true, high, {1, 2, 840, 113549}},
              {'Person', <<>>, 0, "ann@example.org", [], [], {none, 'NULL'}, false, low,
               {2, 5, 4, 3}},
              {'Person', binary:copy(<<"x">>, 300), 200, asn1_NOVALUE, [active],
               lists:seq(1, 50), {nested, {'Contact_nested', -1, 'NULL'}}, false, medium,
               {1, 3, 6, 1, 4, 1, 99999}}],
    [roundtrip('Person', P) || P <- People],
    [roundtrip('Big', I) || I <- [0, -1, 127, 128, -129, 1 bsl 64, -(1 bsl 100)]],
    [roundtrip('Blob', B) || B <- [<<>>, <<"short">>, binary:copy(<<1, 2, 3>>, 20000)]],
    [roundtrip('Bits', B) || B <- [<<>>, <<1:1>>, <<16#ABCD:16, 5:3>>]],
    roundtrip('Group', People),
    [roundtrip('Contact', C) || C <- [{mail, <<"m">>}, {nested, {'Contact_nested', 7, 'NULL'}}]],
    %% Alternatives this version of Contact does not know: [7] primitive, [9] constructed.
    show(unknown_alternative, fun() -> ?M:decode('Contact', <<16#87, 1, 5>>) end),
    show(unknown_constructed, fun() -> ?M:decode('Contact', <<16#A9, 6, 4, 1, $a, 2, 1, 9>>) end),
    show(unknown_long_form, fun() -> ?M:decode('Contact', <<16#A9, 16#81, 3, 4, 1, $b>>) end),
    {ok, Ber} = ?M:encode('Person', hd(People)),
    [show({decode_error, N}, fun() -> ?M:decode('Person', B) end)
     || {N, B} <- [{truncated, binary:part(Ber, 0, byte_size(Ber) - 3)},
                   {bad_length, <<48, 200, 1, 2>>},
                   {wrong_tag, <<4, 1, 0>>},
                   {indefinite_unterminated, <<48, 128, 4, 1, 65>>},
                   {empty, <<>>},
                   {trailing, <<Ber/binary, 0, 0>>},
                   {long_tag, <<31, 255, 255, 255, 255, 255, 127, 0>>}]],
    show(decode_not_binary, fun() -> ?M:decode('Person', not_a_binary) end),
    show(encode_error, fun() -> ?M:encode('Person', {'Person', bad}) end),
    show(encode_out_of_range, fun() -> ?M:encode('Person', setelement(3, hd(People), 999)) end),
    show(indefinite_length,
         fun() -> ?M:decode('Blob', <<36, 128, 4, 2, "ab", 4, 1, "c", 0, 0>>) end),
    show(tlv, fun() -> asn1rt_nif:decode_ber_tlv(Ber) end),
    show(tlv_bad, fun() -> asn1rt_nif:decode_ber_tlv(<<48, 5, 1>>) end),
    show(tlv_encode, fun() -> asn1rt_nif:encode_ber_tlv({16, [{131072, <<"x">>}, {2, <<1>>}]}) end).

roundtrip(Type, V) ->
    case ?M:encode(Type, V) of
        {ok, B} ->
            {ok, D} = ?M:decode(Type, B),
            erlang:display({Type, byte_size(B), erlang:crc32(B),
                            binary:part(B, 0, min(16, byte_size(B))),
                            sorted(Type, D) =:= decoded(Type, V)});
        Other ->
            erlang:display({Type, strip(Other)})
    end.

%% What decoding gives back: named bits in their order, SET OF elements in any order.
sorted('Group', Ps) -> lists:sort(Ps);
sorted(_, V) -> V.

decoded('Person', P) ->
    setelement(5, P, [F || F <- [admin, active, banned], lists:member(F, element(5, P))]);
decoded('Group', Ps) -> lists:sort([decoded('Person', P) || P <- Ps]);
decoded(_, V) -> V.

show(Tag, F) ->
    R = try F() catch C:E -> {C, E} end,
    erlang:display({Tag, strip(R)}).

%% Errors from generated code carry stack traces, which name init's frames on the real erl.
strip({error, {asn1, {Why, Stack}}}) when is_list(Stack) -> {error, {asn1, Why}};
strip(R) -> R.
