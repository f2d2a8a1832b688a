-module(bs_match_string).
-export([main/0]).
%% bs_match_string: literal string prefixes and infixes in binary patterns.
main() ->
    Reqs = [<<"GET /index.html HTTP/1.1">>, <<"POST /api HTTP/1.0">>, <<"PUT /x HTTP/2">>,
            <<"DELETE /y HTTP/1.1">>, <<"GE">>, <<>>],
    erlang:display([method(R) || R <- Reqs]),
    erlang:display([header(H) || H <- [<<"Content-Length: 42">>, <<"Host: example.com">>, <<"X: y">>]]),
    erlang:display([magic(B) || B <- [<<137, "PNG", 13, 10, 26, 10, 0>>, <<"GIF89a...">>, <<"%PDF-1.4">>, <<"other">>]]),
    erlang:display(strip_prefix(<<"prefix:rest">>)),
    erlang:display(find_sep(<<"key=value">>, <<>>)),
    erlang:display([unaligned(B) || B <- [<<1:1, "abc">>, <<0:1, "abc">>, <<1:1, "abd">>]]).

method(<<"GET ", Rest/binary>>) -> {get, Rest};
method(<<"POST ", Rest/binary>>) -> {post, Rest};
method(<<"PUT ", Rest/binary>>) -> {put, Rest};
method(<<"DELETE ", Path:2/binary, _/binary>>) -> {delete, Path};
method(_) -> unknown.

header(<<"Content-Length: ", N/binary>>) -> {length, binary_to_integer(N)};
header(<<"Host: ", H/binary>>) -> {host, H};
header(_) -> other.

magic(<<137, "PNG", 13, 10, 26, 10, _/binary>>) -> png;
magic(<<"GIF8", V, "a", _/binary>>) -> {gif, V - $0};
magic(<<"%PDF-", Ver:3/binary>>) -> {pdf, Ver};
magic(_) -> unknown.

strip_prefix(<<"prefix:", R/binary>>) -> R.

find_sep(<<"=", V/binary>>, K) -> {K, V};
find_sep(<<C, R/binary>>, K) -> find_sep(R, <<K/binary, C>>).

unaligned(<<1:1, "abc">>) -> one_abc;
unaligned(<<_:1, "abc">>) -> any_abc;
unaligned(_) -> no.
