-module(zlib_oneshot).
-export([main/0]).
%% zlib's one-shot functions (compress/uncompress, zip/unzip, gzip/gunzip) give the same bytes
%% as the real BEAM's and round-trip, bad input raises data_error; and OTP's compiler, which
%% compresses literal tables with zlib:compress/1, builds the same .beam binary here.
main() ->
    D = fun(X) -> erlang:display(X) end,
    Inputs = [<<>>, <<"a">>, <<"hello hello hello hello">>,
              list_to_binary(lists:seq(0, 255)),
              binary:copy(<<"abcdefgh">>, 5000),
              [<<"io">>, $l, ["ist", <<" data">>]]],
    [D({erlang:md5(zlib:compress(I)), erlang:md5(zlib:zip(I)), erlang:md5(zlib:gzip(I))})
     || I <- Inputs],
    D([{zlib:uncompress(zlib:compress(I)), zlib:unzip(zlib:zip(I)), zlib:gunzip(zlib:gzip(I))}
       =:= {B, B, B} || I <- Inputs, B <- [iolist_to_binary(I)]]),
    D(byte_size(zlib:compress(binary:copy(<<"x">>, 100000)))),
    T = fun(F) -> try F() catch C:E -> {C, E} end end,
    D([T(fun() -> zlib:uncompress(<<"not zlib data">>) end),
       T(fun() -> zlib:uncompress(binary:part(zlib:compress(<<"truncated data here">>), 0, 8)) end),
       T(fun() -> zlib:gunzip(<<1, 2, 3>>) end),
       T(fun() -> zlib:compress(not_iodata) end)]),
    %% the compiler, with literals
    Src = "-module(lit).\n-export([f/0]).\nf() -> {[1, 2, 3], <<\"bin\">>, #{a => \"map\"}, 1.5}.\n",
    {ok, Toks, _} = erl_scan:string(Src),
    {ok, lit, Bin} = compile:forms(forms(Toks, [], []), [binary]),
    D(erlang:md5(Bin)),
    ok.

forms([], [], Acc) -> lists:reverse(Acc);
forms([{dot, _} = Dot | T], Cur, Acc) ->
    {ok, F} = erl_parse:parse_form(lists:reverse([Dot | Cur])),
    forms(T, [], [F | Acc]);
forms([H | T], Cur, Acc) -> forms(T, [H | Cur], Acc).
