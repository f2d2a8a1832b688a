%% Bad input to erlang:load_nif/2 and NIFs that raise (c-tests/nifs/nif_bad*.c): each load
%% gives OTP's error tuple, and the VM keeps running.
-module(nif_bad).
-export([main/0]).

raise_badarg() -> erlang:nif_error(not_loaded).
raise_term(_) -> erlang:nif_error(not_loaded).

lib(Name) -> filename:join(os:getenv("BEAM_TEST_NIF_DIR"), Name).

load(Name, Info) ->
    case erlang:load_nif(lib(Name), Info) of
        {error, {Kind, Text}} -> {Kind, strip(Text)};
        Other -> Other
    end.

%% The folder of the test libraries differs between runs: keep only the file name.
strip(Text) -> lists:flatten(string:replace(Text, os:getenv("BEAM_TEST_NIF_DIR") ++ "/", "", all)).

main() ->
    erlang:display(load("no_such_library", 0)),
    %% A text file (a linker script) with a .so name.
    erlang:display(erlang:load_nif("/usr/lib/x86_64-linux-gnu/libm", 0)),
    erlang:display(load("nif_bad_noinit", 0)),
    erlang:display(load("nif_bad_version", 0)),
    erlang:display(load("nif_bad_name", 0)),
    erlang:display(load("nif_bad_func", 0)),
    erlang:display(load("nif_bad", 7)),
    erlang:display(load("nif_bad", -1)),
    erlang:display(try raise_badarg() catch C:R -> {C, R} end),
    erlang:display(load("nif_bad", 0)),
    erlang:display(load("nif_bad", 0)),
    erlang:display(load("nif_bad_func", 0)),
    erlang:display(try raise_badarg() catch C1:R1 -> {C1, R1} end),
    erlang:display(try raise_term({my, reason}) catch C2:R2 -> {C2, R2} end),
    erlang:display(try raise_term(foo) catch C3:R3:S -> {C3, R3, hd(S)} end),
    [erlang:display(try erlang:load_nif(P, 0) catch C4:R4 -> {C4, R4} end)
     || P <- [123, <<"x">>, foo, ["x"], [300], "x" ++ y]],
    erlang:display(still_running),
    ok.
