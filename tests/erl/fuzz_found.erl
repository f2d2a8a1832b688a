%% Differences from OTP 25 found by the differential fuzzer (tests/fuzz_diff.rs), one case per
%% finding, each with the input the fuzzer printed or a smaller one.
-module(fuzz_found).
-export([main/0]).

main() ->
    %% binary_to_term/1,2 ignore bytes after the term; `used` tells where it ended.
    t(fun() -> binary_to_term(<<131,97,1,5,6>>) end),
    t(fun() -> binary_to_term(<<131,97,1,5,6>>, [safe]) end),
    t(fun() -> binary_to_term(<<131,97,1,5,6>>, [used]) end),
    %% A compressed term whose data inflates to more bytes than its header says.
    t(fun() -> binary_to_term(<<131,80,0,0,0,36,120,156,203,83,100,100,98,192,15,24,20,132,0,188,148>>) end),
    %% term_to_binary keeps the compressed form when it is exactly as long as the plain one.
    t(fun() -> term_to_binary(-170141183460469231731687303715884105727, [{compressed,6}]) end),
    %% Map keys: every integer is less than every float (flatmap order, map comparison).
    M = maps:from_list([{2, a}, {1.0, b}, {-5.0, c}, {7, d}, {0.5, e}]),
    t(fun() -> maps:to_list(M) end),
    t(fun() -> term_to_binary(M) end),
    t(fun() -> #{1.0 => a} < #{2 => a} end),
    t(fun() -> lists:sort([#{1.0 => a}, #{2 => a}, #{-1.0 => a}, #{3 => a}]) end),
    t(fun() -> erts_internal:cmp_term(5, 1.0) end),
    %% term_to_binary(_, [deterministic]) writes the pairs of a hash map in key order.
    Big = maps:from_list([{I * 1.0, I} || I <- lists:seq(1, 20)] ++ [{-I, I} || I <- lists:seq(1, 20)]),
    t(fun() -> binary_to_list(term_to_binary(Big, [deterministic])) end),
    t(fun() -> binary_to_term(term_to_binary(Big, [deterministic])) =:= Big end),
    %% Negating 0.0 in float registers (`fnegate`) gives 0.0, through the BIF -0.0.
    Z = id(0.0),
    t(fun() -> term_to_binary(fneg(id(0.0))) end),
    t(fun() -> term_to_binary(fneg(id(-0.0))) end),
    t(fun() -> term_to_binary(-Z) end),
    t(fun() -> term_to_binary(apply(erlang, '-', [id(0.0)])) end),
    t(fun() -> term_to_binary(-id(-0.0)) end),
    %% binary:match/matches/split/replace search nothing in an empty range at the start,
    %% whatever the pattern.
    t(fun() -> binary:match(<<>>, <<>>) end),
    t(fun() -> binary:match(<<>>, foo) end),
    t(fun() -> binary:matches(<<>>, [foo]) end),
    t(fun() -> binary:split(<<>>, <<>>) end),
    t(fun() -> binary:split(<<>>, <<"a">>, [trim]) end),
    t(fun() -> binary:split(<<"ab">>, <<>>, [trim_all, {scope, {0, 0}}]) end),
    t(fun() -> binary:replace(<<>>, <<>>, <<"xy">>, []) end),
    t(fun() -> binary:replace(<<"ab">>, <<>>, <<"x">>, [{scope, {0, 0}}]) end),
    t(fun() -> binary:match(<<"ab">>, <<>>, [{scope, {1, 0}}]) end),
    t(fun() -> binary:split(<<"ab">>, [<<"a">>, <<>>]) end),
    %% float_to_list/2 options: the last format wins and only its N is checked.
    t(fun() -> float_to_binary(-0.1, [{decimals, 127}, {decimals, -1}, {decimals, 6}]) end),
    t(fun() -> float_to_list(3646.831932773109, [{decimals, -1}, {scientific, 12}]) end),
    t(fun() -> float_to_list(1.5, [{decimals, -1}]) end),
    t(fun() -> float_to_list(1.5, [{scientific, -5}]) end),
    t(fun() -> float_to_list(1.5, [{scientific, 250}]) end),
    t(fun() -> float_to_list(1.5, [{decimals, 300}, short]) end),
    %% list_to_float/binary_to_float read a C string: text after a NUL is ignored.
    t(fun() -> binary_to_float(<<"1.3565677850809092", 0, "292">>) end),
    t(fun() -> list_to_float([$1, $., $5, 0, $x]) end),
    t(fun() -> binary_to_float(id(<<0, "1.5">>)) end),
    %% A `,` may stand for the decimal point.
    t(fun() -> list_to_float(id("1,5")) end),
    t(fun() -> binary_to_float(id(<<"1,5e3">>)) end),
    t(fun() -> list_to_float(id("1.5,5")) end),
    %% {decimals, N} below 19 on values up to 2^53 is computed in doubles, as OTP 25 does.
    t(fun() -> float_to_binary(703.7830188679245, [compact, {decimals, 17}]) end),
    t(fun() -> float_to_list(0.1, [{decimals, 18}]) end),
    t(fun() -> float_to_list(4.35, [{decimals, 16}]) end),
    t(fun() -> float_to_list(-860.380195599022, [{decimals, 18}]) end),
    t(fun() -> float_to_list(0.1, [{decimals, 20}]) end),
    t(fun() -> float_to_list(-0.0, [{decimals, 5}]) end),
    t(fun() -> float_to_list(2.5, [{decimals, 0}]) end),
    t(fun() -> float_to_list(0.999999, [{decimals, 3}]) end),
    t(fun() -> float_to_list(1.0e16, [compact, {decimals, 0}]) end),
    %% Texts longer than 255 characters are refused.
    t(fun() -> float_to_list(-490.07912087912086, [{scientific, 249}]) end),
    t(fun() -> length(float_to_list(490.07912087912086, [{scientific, 249}])) end),
    %% decode_packet/3: raw ignores packet_size; line_delimiter only for line; 4-byte
    %% lengths from 2^31 on are invalid.
    t(fun() -> erlang:decode_packet(raw, <<40,206,115,239,84,145>>, [{packet_size, 4}]) end),
    t(fun() -> erlang:decode_packet(line, <<"ab;cd">>, [{line_delimiter, $;}]) end),
    t(fun() -> erlang:decode_packet(line, <<>>, [{line_delimiter, $;}, {line_length, 13}]) end),
    t(fun() -> erlang:decode_packet(line, <<10,10,13>>, [{line_length, 6}, {line_delimiter, 10}]) end),
    t(fun() -> erlang:decode_packet(4, <<0,0,0,0>>, [{line_delimiter, 10}]) end),
    t(fun() -> erlang:decode_packet(4, <<197,0,104,151,1,18,212,110>>, []) end),
    t(fun() -> erlang:decode_packet(4, <<127,0,0,0,1>>, []) end),
    %% FLOAT_EXT is read as list_to_float/1 reads text: Erlang float syntax up to a NUL.
    t(fun() -> binary_to_term(<<131,99,51,46,0,55,51,54,0,56,54,53,57,54,57,53,49,55,49,48,51,49,11,51,101,43,51,48,51,0,0,0,0>>, [used]) end),
    t(fun() -> binary_to_term(<<131,104,2,97,0,99,50,48,48,48,48,48,48,48,48,48,48,48,48,48,48,48,48,48,48,48,48,101,43,48,48,0,0,44,0,0,0>>, [used]) end),
    t(fun() -> binary_to_term(<<131,99,45,57,46,57,55,53,52,53,56,52,50,50,49,55,52,56,52,48,53,48,55,48,55,101,43,48,50,0,0,0,0>>) end),
    t(fun() -> binary_to_term(<<131,99,"1,5e0", 0:(26*8)>>) end),
    t(fun() -> binary_to_term(<<131,99," 1.5", 0:(27*8)>>) end),
    %% From 19 decimals on, an exact tie rounds to even (C's printf).
    t(fun() -> float_to_binary(5.0e-5, [{decimals, 66}]) end),
    t(fun() -> float_to_binary(id(0.5), [{decimals, 0}]) end),
    %% decode_packet/3: a line_length below packet_size cuts the line; a 4-byte length above
    %% 2^31 - 5 is invalid; lengths of sunrm/asn1 records.
    t(fun() -> erlang:decode_packet(line, <<"abcdef">>, [{packet_size, 8}, {line_length, 2}]) end),
    t(fun() -> erlang:decode_packet(line, <<"abcdef">>, [{packet_size, 3}, {line_length, 2}]) end),
    t(fun() -> erlang:decode_packet(line, <<"ab">>, [{packet_size, 3}, {line_length, 2}]) end),
    t(fun() -> erlang:decode_packet(line, <<"abcd">>, [{packet_size, 2}, {line_length, 3}]) end),
    t(fun() -> erlang:decode_packet(4, <<127,255,255,250,1>>, []) end),
    t(fun() -> erlang:decode_packet(4, <<127,255,255,252,1>>, []) end),
    t(fun() -> erlang:decode_packet(4, <<0,0,0,9,1>>, [{packet_size, 9}]) end),
    t(fun() -> erlang:decode_packet(2, <<0,9,1>>, [{packet_size, 8}]) end),
    %% re:run/3 with `global` follows re:loopexec/8 of OTP 25: after an empty match found by a
    %% search from X, the non-empty retry is anchored at X, not where the match was.
    t(fun() -> re:run(<<10,97,49,98,97,66>>, <<"\\w*?\\b">>, [global, {capture, first, list}]) end),
    t(fun() -> re:run(<<"-.-\n0.a">>, <<"(?=a)|\\w">>, [global]) end),
    t(fun() -> re:run(<<"\n..1a-0.b">>, <<"(?=a)|(?i)a">>, [global]) end),
    t(fun() -> re:run(<<"-ab">>, <<"(?=a)|ab">>, [global]) end),
    t(fun() -> re:run(<<"aaa">>, <<"a*?">>, [global]) end),
    t(fun() -> re:run(<<"a\r\nb">>, <<"(?=b)|x*">>, [global, {newline, crlf}]) end),
    %% Option letters that only PCRE2 knows are refused, at the offset of the letter.
    t(fun() -> re:run(<<"-B">>, <<"A|(?a)">>, []) end),
    t(fun() -> re:run(<<"a">>, <<"(?^a)">>, [unicode, ungreedy]) end),
    t(fun() -> re:compile(<<"(?i-n:a)">>) end),
    t(fun() -> re:compile(<<"[(?a)]\\Q(?a)\\E(?xx)">>) =/= error end),
    %% PCRE 8.x: a first character from a lookahead and the same last literal need two copies
    %% of it, also after a group whose first character is not known.
    t(fun() -> re:run(<<"Bb1-a">>, <<"(?=a)(){1,2}(?i)A">>, [ungreedy, caseless]) end),
    t(fun() -> re:run(<<"a">>, <<"(?=a)(x)?a">>, []) end),
    t(fun() -> re:run(<<"a">>, <<"(?=a)(?:)a">>, []) end),
    t(fun() -> re:run(<<"aa">>, <<"(?=a)()a">>, []) end),
    t(fun() -> re:run(<<"ab">>, <<"(?=a)(x)?ab">>, []) end),
    t(fun() -> re:run(<<"a">>, <<"(?<=())a|(?=a)(?(1)a|a)">>, []) end),
    %% The old pid, port and reference tags take creations 0..3 only; REFERENCE_EXT and
    %% NEW_REFERENCE_EXT a first word of 18 bits; for a NEW_REFERENCE_EXT of no words, OTP 25
    %% checks the 4 bytes after it instead.
    A = <<100,0,1,97>>,
    [t(fun() -> term_to_binary(binary_to_term(B)) end)
     || B <- [<<131,102,A/binary,1:32,3>>, <<131,102,A/binary,1:32,4>>,
              <<131,102,100,0,0,2,97,90,98,255>>,
              <<131,103,A/binary,1:32,0:32,3>>, <<131,103,A/binary,1:32,0:32,4>>,
              <<131,101,A/binary,16#3FFFF:32,3>>, <<131,101,A/binary,16#40000:32,0>>,
              <<131,101,A/binary,1:32,4>>,
              <<131,114,0,1,A/binary,3,16#3FFFF:32>>, <<131,114,0,1,A/binary,0,16#40000:32>>,
              <<131,114,0,2,A/binary,0,0:32,16#40000:32>>, <<131,114,0,1,A/binary,4,1:32>>,
              <<131,90,0,1,A/binary,7:32,16#40000:32>>,
              <<131,114,0,0,A/binary,0,16#3FFFF:32>>, <<131,114,0,0,A/binary,0,16#40000:32>>,
              <<131,104,2,114,0,0,A/binary,0,97,0,0,0,1>>]],
    %% 0.0 and -0.0 are one map key in OTP 25: which of the two a map keeps. A flat map keeps
    %% the key it has (put, update, construction); a hash map and from_list/from_keys take the
    %% newer one; merge takes the second map's.
    Zp = id(0.0), Zn = id(-0.0),
    Big40 = maps:from_list([{I, I} || I <- lists:seq(1, 40)]),
    Zero = fun(Zm) -> [term_to_binary(K) || K <- maps:keys(Zm), is_float(K)] end,
    [t(fun() -> Zero(Zm) end)
     || Zm <- [maps:from_list([{Zn, a}, {Zp, b}]), maps:from_list([{Zp, a}, {Zn, b}]),
              #{Zn => a, Zp => b}, (#{Zn => a})#{Zp => b}, (#{Zp => a})#{Zn => b},
              maps:put(Zp, b, #{Zn => a}), maps:put(Zn, a, #{Zp => a}),
              maps:merge(#{Zn => a}, #{Zp => b}), (#{Zn => a})#{Zp := b},
              maps:update(Zp, b, #{Zn => a}), maps:from_list([{Zn, a}, {Zp, b} | maps:to_list(Big40)]),
              maps:put(Zp, b, Big40#{Zn => a}), (Big40#{Zn => a})#{Zp := b},
              maps:merge(#{Zn => a}, Big40#{Zp => b}), maps:from_keys([Zn, Zp], x)]],
    ok.

t(F) ->
    erlang:display(try {ok, F()} catch C:R -> {C, R} end).

id(X) -> X.

fneg(X) when is_float(X) -> -X.
