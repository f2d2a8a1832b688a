-module(boot_crash_main).
%% A `-s` function that raises: OTP's init prints `{"init terminating in do_boot", Reason}`
%% on stdout (and a message on stderr) and halts with status 1. The line before the crash is
%% printed with erlang:display/1, which writes to stdout at once like init's report does
%% (io:format/2 output goes through `user`'s port, and on the real erl it can come out after
%% the report).
-export([main/0]).

main() ->
    erlang:display(before_the_crash),
    erlang:error({boom, [1, 2, 3]}).
