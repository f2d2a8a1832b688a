-module(boot_crash_main).
%% A `-s` function that raises: OTP's init prints `{"init terminating in do_boot", Reason}`
%% on stdout (and a message on stderr) and halts with status 1.
-export([main/0]).

%% (Nothing is printed before the crash: whether `erl` writes it before halting is a race.)
main() ->
    erlang:error({boom, [1, 2, 3]}).
