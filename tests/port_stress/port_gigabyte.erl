-module(port_gigabyte).
-export([main/0]).
%% 1 GB through one port: 64 KB binaries written to `cat` and read back, with a running CRC of
%% each direction; prints the byte counts and whether the checksums agree.
-define(TOTAL, (1 bsl 30)).
-define(CHUNK, (1 bsl 16)).
main() ->
    P = open_port({spawn, "cat"}, [binary, stream]),
    Chunk = << <<(I band 255)>> || I <- lists:seq(1, ?CHUNK) >>,
    {Sent, Got, CrcOut, CrcIn} = loop(P, Chunk, 0, 0, 0, 0),
    port_close(P),
    erlang:display({sent, Sent, received, Got, same_data, CrcOut =:= CrcIn}).

loop(_P, _Chunk, Sent, Got, CrcOut, CrcIn) when Sent =:= ?TOTAL, Got =:= ?TOTAL ->
    {Sent, Got, CrcOut, CrcIn};
loop(P, Chunk, Sent, Got, CrcOut, CrcIn) when Sent < ?TOTAL, Sent - Got < 8 * ?CHUNK ->
    true = port_command(P, Chunk),
    loop(P, Chunk, Sent + ?CHUNK, Got, erlang:crc32(CrcOut, Chunk), CrcIn);
loop(P, Chunk, Sent, Got, CrcOut, CrcIn) ->
    receive
        {P, {data, D}} -> loop(P, Chunk, Sent, Got + byte_size(D), CrcOut, erlang:crc32(CrcIn, D))
    after 30000 -> {Sent, Got, timeout, CrcIn}
    end.
