-module(zlib_stream).
-export([main/0]).
-compile(nowarn_deprecated_function).
%% The streaming zlib API (the zlib NIF): deflate/inflate in pieces with every flush mode,
%% small output buffers (inflateChunk, safeInflate), dictionaries, deflateParams, resets,
%% concatenated gzip members, the end-of-stream behaviours, the running crc32, the stash
%% kept across a need_dictionary exception, and the errors (data_error, not_initialized,
%% already_initialized, not_on_controlling_process, bad arguments).
main() ->
    D = fun(X) -> erlang:display(X) end,
    T = fun(F) -> try F() catch C:E -> {C, E} end end,
    Text = iolist_to_binary([integer_to_list(N) ++ " bottles of beer, " || N <- lists:seq(1, 3000)]),
    Rand = rand_bytes(40000),
    %% deflate in pieces, every flush mode; the same bytes as one-shot compress
    Z = zlib:open(),
    ok = zlib:deflateInit(Z),
    P1 = zlib:deflate(Z, binary:part(Text, 0, 1000)),
    P2 = zlib:deflate(Z, [binary:part(Text, 1000, 1000), "tail"], sync),
    P3 = zlib:deflate(Z, binary:part(Text, 2000, 5000), full),
    P4 = zlib:deflate(Z, binary:part(Text, 7000, byte_size(Text) - 7000), finish),
    ok = zlib:deflateEnd(Z),
    Packed = iolist_to_binary([P1, P2, P3, P4]),
    D({iolist_size(P1), iolist_size(P2), iolist_size(P3), iolist_size(P4), erlang:md5(Packed)}),
    D(zlib:uncompress(Packed) =:= iolist_to_binary([binary:part(Text, 0, 2000), "tail",
                                                    binary:part(Text, 2000, byte_size(Text) - 2000)])),
    %% reuse the stream after deflateEnd: inflate on it
    ok = zlib:inflateInit(Z),
    Back = iolist_to_binary(zlib:inflate(Z, Packed)),
    D(byte_size(Back)),
    ok = zlib:inflateEnd(Z),
    ok = zlib:close(Z),
    D(T(fun() -> zlib:close(Z) end)),
    D(T(fun() -> zlib:deflateInit(Z) end)),
    %% levels, strategies, window bits, memory levels
    [D({L, S, erlang:md5(deflate_with(Rand, L, S, 15, 8)),
        erlang:md5(deflate_with(Text, L, S, -12, 3))})
     || L <- [none, best_speed, default, best_compression, 5],
        S <- [default, filtered, huffman_only, rle]],
    D(erlang:md5(deflate_with(Text, default, default, 31, 9))),
    %% inflate byte by byte and with inflateChunk / safeInflate
    ZT = zlib:compress(Text),
    I1 = zlib:open(), ok = zlib:inflateInit(I1),
    Bytes = [zlib:inflate(I1, <<B>>) || <<B>> <= ZT],
    ok = zlib:inflateEnd(I1),
    D({length(Bytes), iolist_to_binary(Bytes) =:= Text}),
    I2 = zlib:open(), ok = zlib:inflateInit(I2),
    D(zlib:getBufSize(I2)),
    ok = zlib:setBufSize(I2, 1000),
    D(zlib:getBufSize(I2)),
    Chunks = chunks(I2, zlib:inflateChunk(I2, ZT), []),
    D({length(Chunks), [length(C) || C <- lists:sublist(Chunks, 3)], list_to_binary(Chunks) =:= Text}),
    zlib:close(I2),
    I3 = zlib:open(), ok = zlib:inflateInit(I3),
    Safe = safe(I3, zlib:safeInflate(I3, ZT), []),
    D({length(Safe), iolist_to_binary(Safe) =:= Text}),
    zlib:close(I3),
    %% raw streams and crc32 of the plain text
    R = zlib:open(),
    ok = zlib:deflateInit(R, default, deflated, -15, 8, default),
    RawOut = zlib:deflate(R, Text, finish),
    D({zlib:crc32(R) =:= erlang:crc32(Text), zlib:crc32(R, <<"abc">>), zlib:crc32(R, 7, <<"abc">>),
       zlib:adler32(R, <<"abc">>), zlib:adler32(R, 7, <<"abc">>)}),
    ok = zlib:deflateEnd(R),
    ok = zlib:inflateInit(R, -15),
    D(iolist_to_binary(zlib:inflate(R, RawOut)) =:= Text),
    D(zlib:crc32(R) =:= erlang:crc32(Text)),
    ok = zlib:inflateReset(R),
    D(zlib:crc32(R)),
    zlib:close(R),
    %% dictionaries
    Dict = <<"bottles of beer, ">>,
    DZ = zlib:open(),
    ok = zlib:deflateInit(DZ),
    DictId = zlib:deflateSetDictionary(DZ, Dict),
    DPacked = iolist_to_binary(zlib:deflate(DZ, Text, finish)),
    ok = zlib:deflateEnd(DZ),
    D({DictId, erlang:md5(DPacked)}),
    ok = zlib:inflateInit(DZ),
    D(T(fun() -> zlib:inflate(DZ, DPacked) end)),
    ok = zlib:inflateSetDictionary(DZ, Dict),
    D(iolist_to_binary(zlib:inflate(DZ, [])) =:= Text),
    D(byte_size(zlib:inflateGetDictionary(DZ))),
    ok = zlib:inflateEnd(DZ),
    ok = zlib:inflateInit(DZ),
    {need_dictionary, Adler, []} = zlib:inflate(DZ, DPacked, [{exception_on_need_dict, false}]),
    D(Adler =:= DictId),
    ok = zlib:inflateSetDictionary(DZ, Dict),
    D(iolist_to_binary(zlib:inflate(DZ, [])) =:= Text),
    zlib:close(DZ),
    RD = zlib:open(),
    ok = zlib:deflateInit(RD, default, deflated, -15, 8, default),
    D(zlib:deflateSetDictionary(RD, Dict)),
    zlib:close(RD),
    %% deflateParams in the middle of a stream, deflateReset
    PZ = zlib:open(),
    ok = zlib:deflateInit(PZ, none),
    Q1 = zlib:deflate(PZ, binary:part(Text, 0, 5000)),
    ok = zlib:deflateParams(PZ, best_compression, filtered),
    Q2 = zlib:deflate(PZ, binary:part(Text, 5000, 5000), finish),
    D({iolist_size(Q1), iolist_size(Q2),
       zlib:uncompress([Q1, Q2]) =:= binary:part(Text, 0, 10000)}),
    ok = zlib:deflateReset(PZ),
    D(erlang:md5(zlib:deflate(PZ, <<"again">>, finish))),
    zlib:close(PZ),
    %% gzip members, end-of-stream behaviours
    G = [zlib:gzip("first "), zlib:gzip("second")],
    D(zlib:gunzip(G)),
    Two = iolist_to_binary([zlib:compress("one"), zlib:compress("two")]),
    [begin
         E = zlib:open(), ok = zlib:inflateInit(E, 15, B),
         D({B, T(fun() -> iolist_to_binary(zlib:inflate(E, Two)) end)}),
         zlib:close(E)
     end || B <- [cut, reset, error]],
    %% errors
    D(T(fun() -> zlib:uncompress(<<"not zlib at all">>) end)),
    D(T(fun() -> zlib:uncompress(<<1, 2>>) end)),
    D(T(fun() -> zlib:unzip(<<255, 255, 255, 255>>) end)),
    D(T(fun() -> zlib:gunzip(<<31, 139, 8, 0, 1, 2, 3>>) end)),
    E1 = zlib:open(),
    D(T(fun() -> zlib:deflate(E1, <<"x">>) end)),
    D(T(fun() -> zlib:inflate(E1, <<"x">>) end)),
    D(T(fun() -> zlib:deflateEnd(E1) end)),
    D(T(fun() -> zlib:crc32(E1) end)),
    D(T(fun() -> zlib:deflateInit(E1, 11) end)),
    D(T(fun() -> zlib:deflateInit(E1, default, deflated, 7, 8, default) end)),
    D(T(fun() -> zlib:deflateInit(E1, default, deflated, 15, 10, default) end)),
    D(T(fun() -> zlib:deflate(E1, <<"x">>, bad_flush) end)),
    D(T(fun() -> zlib:setBufSize(E1, 3) end)),
    ok = zlib:deflateInit(E1),
    D(T(fun() -> zlib:deflateInit(E1) end)),
    D(T(fun() -> zlib:inflateInit(E1) end)),
    D(T(fun() -> zlib:deflate(E1, not_iodata) end)),
    D(T(fun() -> zlib:inflateSetDictionary(E1, <<"d">>) end)),
    _ = zlib:deflate(E1, <<"pending">>),
    D(T(fun() -> zlib:deflateEnd(E1) end)),
    ok = zlib:inflateInit(E1),
    _ = zlib:inflate(E1, zlib:compress("abc")),
    D(T(fun() -> zlib:inflateGetDictionary(E1) end)),
    D(T(fun() -> zlib:inflateEnd(E1) end)),
    ok = zlib:inflateInit(E1),
    _ = zlib:inflate(E1, binary:part(zlib:compress(Text), 0, 100)),
    D(T(fun() -> zlib:inflateEnd(E1) end)),
    D(T(fun() -> zlib:close(make_ref()) end)),
    D(T(fun() -> zlib:deflateInit(not_a_stream) end)),
    %% controlling process
    Self = self(),
    C = zlib:open(),
    Other = spawn(fun() -> receive go -> Self ! {other, T(fun() -> zlib:deflateInit(C) end)} end end),
    Other ! go,
    receive {other, Res} -> D(Res) end,
    Receiver = spawn(fun() ->
        receive {go, From} -> ok = zlib:deflateInit(C),
                              From ! {done, zlib:deflate(C, "moved", finish)} end end),
    ok = zlib:set_controlling_process(C, Receiver),
    D(T(fun() -> zlib:deflateInit(C) end)),
    Receiver ! {go, Self},
    receive {done, Moved} -> D(zlib:uncompress(Moved)) end,
    ok.

deflate_with(Data, Level, Strategy, Bits, Mem) ->
    Z = zlib:open(),
    ok = zlib:deflateInit(Z, Level, deflated, Bits, Mem, Strategy),
    Out = zlib:deflate(Z, Data, finish),
    ok = zlib:deflateEnd(Z),
    zlib:close(Z),
    iolist_to_binary(Out).

chunks(Z, {more, C}, Acc) -> chunks(Z, zlib:inflateChunk(Z), [C | Acc]);
chunks(_Z, C, Acc) -> lists:reverse([C | Acc]).

safe(Z, {continue, C}, Acc) -> safe(Z, zlib:safeInflate(Z, []), [C | Acc]);
safe(_Z, {finished, C}, Acc) -> lists:reverse([C | Acc]).

%% Deterministic pseudo-random bytes (a linear congruential generator).
rand_bytes(N) -> rand_bytes(N, 12345, []).
rand_bytes(0, _, Acc) -> list_to_binary(Acc);
rand_bytes(N, S, Acc) ->
    S1 = (S * 1103515245 + 12345) band 16#7fffffff,
    rand_bytes(N - 1, S1, [(S1 bsr 16) band 255 | Acc]).
