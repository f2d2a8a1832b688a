%% The program whose crash dump tests/crash_dump.rs reads: a named ETS table with two
%% objects, a registered process, two timers, a message and a dictionary entry, then a
%% halt with a slogan.
-module(cd_prog).
-export([main/0]).

main() ->
    register(cd_main, self()),
    T = ets:new(cd_table, [named_table, public, set]),
    true = ets:insert(T, [{a, 1}, {b, 2}]),
    P = spawn(fun() -> receive stop -> ok end end),
    register(cd_waiter, P),
    erlang:send_after(100000, P, hello),
    erlang:start_timer(200000, self(), tick),
    self() ! {note, "in the queue", 42},
    put(cd_key, {value, 1.5, <<"bin">>}),
    halt("my slogan").
