-module(bif_decode_packet).
-export([main/0]).
%% erlang:decode_packet/3 for raw, 1/2/4-byte length headers and line framing, with options.
main() ->
  [erlang:display(try erlang:decode_packet(T, B, O) catch error:R -> {error, R} end) || {T, B, O} <- [
     {raw, <<>>, []}, {raw, <<"abc">>, []}, {0, <<"x">>, [{packet_size, 0}]}, {1, <<>>, []}, {1, <<5, "ab">>, []},
     {4, <<0,0,0,2,"hi","rest">>, []}, {2, <<0,10,"x">>, [{packet_size, 5}]}, {line, <<"abc">>, []},
     {line, <<"abcdef">>, [{line_length, 3}]}, {line, <<"ab\ncd">>, [{line_length, 1}]}, {line, <<"abcdef\n">>, [{packet_size, 3}]},
     {line, <<"\n">>, []}, {3, <<>>, []}, {line, notbin, []}]].
