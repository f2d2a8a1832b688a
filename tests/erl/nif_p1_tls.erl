-module(nif_p1_tls).
-export([main/0]).
%% Debian's unmodified p1_sha NIF (package erlang-p1-tls): SHA digests and hex encoding.
main() ->
    [erlang:display({F, p1_sha:F(In)})
     || F <- [sha, sha1, sha224, sha256, sha384, sha512],
        In <- [<<>>, <<"abc">>, ["io", $l, <<"ist">>]]],
    erlang:display(p1_sha:to_hexlist(<<0, 1, 254, 255>>)),
    erlang:display(catching(fun() -> p1_sha:sha256(atom) end)),
    erlang:display(p1_sha:sha256(binary:copy(<<"x">>, 100000))),
    erlang:display(fast_tls:get_fips_mode()).

catching(F) ->
    try F() catch C:R -> {C, R} end.
