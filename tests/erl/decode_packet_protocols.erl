%% erlang:decode_packet/3 for the protocol packet types (OTP's packet_parser.c): asn1, cdr,
%% sunrm, fcgi, tpkt (whole records, their headers included) and http/httph/http_bin/httph_bin
%% (one parsed line), with packet_size and line_length.
-module(decode_packet_protocols).
-export([main/0]).

main() ->
    Records =
        [{sunrm, <<0,0,0,2,1,2,3>>}, {sunrm, <<128,0,0,2,1,2,3>>}, {sunrm, <<0,0,0>>},
         {sunrm, <<0,0,0,5,1>>},
         {cdr, <<"GIOP",1,0,0,0,0,0,0,2,1,2,3>>}, {cdr, <<"GIOP",1,0,1,0,2,0,0,0,1,2,3>>},
         {cdr, <<"GIOQ",1,0,0,0,0,0,0,2,1,2>>}, {cdr, <<"GIO">>},
         {cdr, <<"GIOP",1,0,0,0,255,255,255,255,1>>},
         {fcgi, <<1,1,0,1,0,2,1,0,9,8,7,6>>}, {fcgi, <<2,1,0,1,0,2,1,0,9,8,7,6>>},
         {fcgi, <<1,1,0,1,0,2>>}, {fcgi, <<1,5,0,2,0,0,2,0,144,231>>},
         {fcgi, <<1,1,0,1,0,1,1,0,200,177,89>>},
         {tpkt, <<3,0,0,6,1,2,3>>}, {tpkt, <<4,0,0,6,1,2,3>>}, {tpkt, <<3,0,0,2,1>>},
         {tpkt, <<3,0,0,9,1>>}, {tpkt, <<3,0,0,1>>}, {tpkt, <<3,0,0,0,5>>},
         {asn1, <<48,3,1,2,3,4>>}, {asn1, <<48,16#81,2,1,2,3>>},
         {asn1, <<16#1F,16#81,1,2,1,2,3>>}, {asn1, <<48,16#80,1,2>>},
         {asn1, <<48,16#85,1,2,3,4,5,6>>}, {asn1, <<48>>}, {asn1, <<48,5,1>>},
         {asn1, <<16#1F,16#81>>}, {asn1, <<48,16#84,0,0,0,1,7>>}],
    [t(Type, B, []) || {Type, B} <- Records],
    t(sunrm, <<0,0,0,9,1>>, [{packet_size, 5}]),
    t(asn1, <<48,3,1,2,3>>, [{packet_size, 2}]),
    Lines =
        [<<"GET / HTTP/1.1\r\n">>, <<"HTTP/1.1 200 OK\r\n">>, <<"Host: example.com\r\n">>,
         <<"\r\n">>, <<"\n">>, <<"POST http://a.b:80/x?y HTTP/1.0\r\n">>, <<"X-Foo:bar\r\n">>,
         <<"GET * HTTP/1.1\r\n">>, <<"BREW /pot HTTP/1.1\r\n">>, <<"GET ftp://x/ HTTP/1.1\r\n">>,
         <<"GET\r\n">>, <<"GET https://[::1]:8080/ HTTP/1.1\r\n">>, <<"GET abc\r\n">>,
         <<"Host : x\r\n">>, <<"HTTP/1.1 200\r\n">>, <<"cOnTeNt-TyPe: x\r\n">>,
         <<"Accept: */*\r\n ">>, <<"a: b\r\n c\r\nd">>, <<"GET /a HTTP/1.1">>,
         <<"HTTP/1.0 404 Not Found\n">>, <<"OPTIONS * HTTP/1.1\r\n">>, <<"get / HTTP/1.1\r\n">>,
         <<"GET / HTTP/11.1\r\n">>, <<"HTTP/1.1 99999 X\r\n">>, <<"Connection:\r\n">>,
         <<"Set-Cookie: a=b\r\nX">>, <<"GET http://h HTTP/1.1\r\n">>,
         <<"GET https://h:0/p HTTP/1.1\r\n">>, <<"GET http://h:12x/ HTTP/1.1\r\n">>,
         %% DEL is a token character.
         <<127,"REW /pot HTTP/1.1\n">>, <<127,"x: y\r\n\r\n">>,
         <<"Very-Long-Header-Name-That-Goes-On-And-On-For-More-Than-Fifty: v\r\n\r\n">>],
    [t(Type, L, []) || Type <- [http, httph, http_bin, httph_bin], L <- Lines],
    t(http, <<"GET / HTTP/1.1\r\n">>, [{packet_size, 10}]),
    t(http, <<"GET / HTTP/1.1">>, [{line_length, 10}]),
    t(httph, <<"Host: x\r\n y\r\n">>, [{packet_size, 5}]),
    ok.

t(Type, B, Opts) ->
    erlang:display({Type, B, Opts, try erlang:decode_packet(Type, B, Opts) catch C:R -> {C, R} end}).
