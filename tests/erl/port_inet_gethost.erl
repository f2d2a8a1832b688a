-module(port_inet_gethost).
-export([main/0]).
%% OTP's own inet_gethost port program, spoken to directly as inet_gethost_native does:
%% {packet, 4} requests <<Rid:32, Op:8, Proto:8, Name/binary, 0>> and replies
%% <<Rid:32, Unit:8, NAddr:32, Addresses, Names>>; `eof` when it is closed.
main() ->
    Bin = filename:join([code:root_dir(), "erts-" ++ erlang:system_info(version), "bin",
                         "inet_gethost"]),
    P = open_port({spawn_executable, Bin}, [{args, ["1"]}, {packet, 4}, eof, binary]),
    erlang:display({by_name, request(P, 1, <<1:8, 1:8, "localhost", 0>>)}),
    erlang:display({by_addr, request(P, 2, <<2:8, 1:8, 127, 0, 0, 1>>)}),
    erlang:display({ipv6_by_name, request(P, 3, <<1:8, 2:8, "localhost", 0>>)}),
    port_close(P),
    erlang:display({closed, erlang:port_info(P)}).

request(P, Rid, Req) ->
    true = port_command(P, [<<Rid:32>>, Req]),
    receive
        {P, {data, <<Rid:32, 0, Err/binary>>}} -> {error, binary_to_list(Err)};
        {P, {data, <<Rid:32, Unit, N:32, Rest/binary>>}} -> {Unit, N, addresses(Unit, N, Rest)};
        {P, Other} -> {unexpected, Other}
    after 10000 -> timeout
    end.

addresses(_Unit, 0, Rest) -> {names, names(Rest)};
addresses(4, N, <<A, B, C, D, Rest/binary>>) -> [{A, B, C, D} | addresses(4, N - 1, Rest)];
addresses(16, N, <<A:128, Rest/binary>>) -> [A | addresses(16, N - 1, Rest)];
addresses(_, _, Rest) -> {malformed, Rest}.

%% The primary name then the aliases, each NUL-terminated (after a count).
names(<<Count:32, Rest/binary>>) -> {Count, [N || N <- binary:split(Rest, <<0>>, [global]), N =/= <<>>]};
names(Rest) -> {raw, Rest}.
