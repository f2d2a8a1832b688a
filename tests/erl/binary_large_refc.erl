-module(binary_large_refc).
-export([main/0]).
%% Large (off-heap, refcounted) binaries: sub-binaries, sharing, matching, messages between processes.
main() ->
    Big = list_to_binary([lists:seq(0, 255) || _ <- lists:seq(1, 400)]),
    erlang:display(byte_size(Big)),
    erlang:display(erlang:md5(Big)),
    <<_:1000/binary, Slice:300/binary, _/binary>> = Big,
    erlang:display(erlang:crc32(Slice)),
    Parts = [binary:part(Big, I * 1000, 1000) || I <- lists:seq(0, 99)],
    erlang:display(iolist_size(Parts)),
    erlang:display(iolist_to_binary(Parts) =:= Big),
    Self = self(),
    spawn(fun() -> Self ! {bin, binary:part(Big, 500, 10)} end),
    erlang:display(receive {bin, B} -> B after 5000 -> timeout end),
    spawn(fun() -> receive {data, D, From} -> From ! {size, byte_size(D), erlang:md5(D)} end end) ! {data, Big, self()},
    erlang:display(receive {size, S, H} -> {S, H =:= erlang:md5(Big)} after 5000 -> timeout end),
    Copy = binary:copy(Big),
    erlang:display(Copy =:= Big),
    erlang:display(binary:referenced_byte_size(Slice)),
    erlang:display(binary:referenced_byte_size(binary:copy(Slice))),
    Appended = <<Big/binary, "tail">>,
    erlang:display(binary:part(Appended, byte_size(Appended), -6)),
    erlang:display(binary_to_term(term_to_binary(Big)) =:= Big).
