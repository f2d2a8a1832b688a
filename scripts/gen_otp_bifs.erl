%% Writes the list of OTP's BIFs (erlang:is_builtin/3 true) among the exports of every module
%% in the given ebin folders, one `M:F/A` per line. Run with the system OTP:
%%   erlc -o /tmp scripts/gen_otp_bifs.erl && erl -noshell -pa /tmp -run gen_otp_bifs main DIR... > docs/otp25_bifs.txt
-module(gen_otp_bifs).
-export([main/1]).
main(Dirs) ->
    Beams = lists:append([filelib:wildcard(filename:join(D, "*.beam")) || D <- Dirs]),
    Mods = [list_to_atom(filename:basename(B, ".beam")) || B <- Beams],
    Bifs = lists:usort([{M, F, A} || M <- Mods, {F, A} <- exports(M), erlang:is_builtin(M, F, A)]),
    [io:format("~s:~s/~p~n", [M, F, A]) || {M, F, A} <- Bifs],
    halt().
exports(M) ->
    case code:ensure_loaded(M) of
        {module, M} -> M:module_info(exports);
        _ -> []
    end.
