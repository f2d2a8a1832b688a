-module(nif_p1_tls).
-export([main/0]).
%% Debian's unmodified NIF libraries of erlang-p1-tls: p1_sha.so (SHA digests, hex) and
%% fast_tls.so (OpenSSL TLS over memory buffers: fast_tls:tcp_to_tls/2 only keeps the socket,
%% and the program carries the encrypted bytes between a client and a server itself with
%% fast_tls:loop_nif/4, instead of over TCP). The server's certificate and key are the
%% self-signed test pair c-tests/tls/server.pem (the harness runs programs in tests/out/run).
-include_lib("public_key/include/public_key.hrl").

-define(PEM, "../../../c-tests/tls/server.pem").

main() ->
    sha(),
    tls().

sha() ->
    [erlang:display({F, p1_sha:F(In)})
     || F <- [sha, sha1, sha224, sha256, sha384, sha512],
        In <- [<<>>, <<"abc">>, ["io", $l, <<"ist">>]]],
    erlang:display(p1_sha:to_hexlist(<<0, 1, 254, 255>>)),
    erlang:display(catching(fun() -> p1_sha:sha256(atom) end)),
    erlang:display(p1_sha:sha256(binary:copy(<<"x">>, 100000))).

tls() ->
    erlang:display({fips_mode, fast_tls:get_fips_mode()}),
    erlang:display({no_certfile, fast_tls:tcp_to_tls(sock, [])}),
    erlang:display({bad_certfile, element(1, fast_tls:tcp_to_tls(sock, [{certfile, "nope.pem"}]))}),
    {ok, S} = fast_tls:tcp_to_tls(server_sock, [{certfile, ?PEM}, verify_none]),
    {ok, C} = fast_tls:tcp_to_tls(client_sock, [connect, verify_none, {sni, "example.org"}]),
    erlang:display({handshake_rounds, handshake(C, S, <<>>, 0)}),
    erlang:display({cipher, fast_tls:get_negotiated_cipher(C), fast_tls:get_negotiated_cipher(S)}),
    {ok, Cert} = fast_tls:get_peer_certificate(C, otp),
    #'OTPCertificate'{tbsCertificate = #'OTPTBSCertificate'{subject = Subject}} = Cert,
    erlang:display({server_subject, Subject}),
    erlang:display({client_cert_at_server, fast_tls:get_peer_certificate(S)}),
    erlang:display({verify, fast_tls:get_verify_result(C)}),
    [erlang:display({to_server, transfer(C, S, Msg)})
     || Msg <- [<<"hello">>, <<>>, binary:copy(<<"0123456789">>, 3000)]],
    erlang:display({to_client, transfer(S, C, [<<"iolist ">>, "reply"])}),
    {Garbage, _} = fast_tls:loop_nif(port(C), <<"more">>, <<>>, -1),
    %% The server answers a corrupted record with an (encrypted) alert.
    {Alert, Read} = fast_tls:loop_nif(port(S), <<>>, corrupt(Garbage), -1),
    erlang:display({corrupted, byte_size(Alert), Read}),
    erlang:display({after_alert, fast_tls:loop_nif(port(S), <<"x">>, <<>>, -1)}),
    erlang:display({invalidated, fast_tls:invalidate_nif(port(C)),
                    catching(fun() -> fast_tls:loop_nif(port(C), <<"x">>, <<>>, -1) end)}).

port(T) -> element(3, T).

%% Carries the client's and the server's handshake bytes to the other side until neither
%% has anything left to send; the number of rounds.
handshake(C, S, ToClient, N) ->
    {ToServer, <<>>} = fast_tls:loop_nif(port(C), <<>>, ToClient, -1),
    {Back, <<>>} = fast_tls:loop_nif(port(S), <<>>, ToServer, -1),
    case {ToServer, Back} of
        {<<>>, <<>>} -> N;
        _ -> handshake(C, S, Back, N + 1)
    end.

%% Sends Data from A and reads it at B: what B decrypts, or whether it matches.
transfer(A, B, Data) ->
    {Encrypted, <<>>} = fast_tls:loop_nif(port(A), Data, <<>>, -1),
    {<<>>, Plain} = fast_tls:loop_nif(port(B), <<>>, Encrypted, -1),
    case iolist_to_binary(Data) of
        Plain when byte_size(Plain) > 100 -> {same, byte_size(Plain)};
        Plain -> Plain;
        _ -> {different, Plain}
    end.

corrupt(<<H:5/binary, B, Rest/binary>>) -> <<H/binary, (B bxor 16#FF), Rest/binary>>.

catching(F) ->
    try F() catch C:R -> {C, R} end.
