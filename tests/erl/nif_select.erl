%% enif_select through the nif_select test NIF (c-tests/nifs/nif_select.c), on pipes and
%% socket pairs the NIF makes: one-shot read and write events and their messages
%% {select, Resource, Ref, ready_input | ready_output | ready_error}, re-arming, replacing
%% the recipient and ref, cancelling (and what it reports), custom messages (with and without
%% a message environment), hang-ups, stopping (the stop callback, and what STOP reports), and
%% the results of requests on invalid descriptors.
-module(nif_select).
-export([main/0]).
-on_load(init/0).

-define(READ, 1).
-define(WRITE, 2).
-define(STOP, 4).
-define(CANCEL, 8).
-define(ERROR, 32).

init() ->
    erlang:load_nif(filename:join(os:getenv("BEAM_TEST_NIF_DIR"), "nif_select"), 0).

pipe(_, _) -> erlang:nif_error(not_loaded).
socketpair(_, _) -> erlang:nif_error(not_loaded).
open_file(_, _) -> erlang:nif_error(not_loaded).
select(_, _, _) -> erlang:nif_error(not_loaded).
select_to(_, _, _, _) -> erlang:nif_error(not_loaded).
select_custom(_, _, _, _) -> erlang:nif_error(not_loaded).
select_fd(_, _) -> erlang:nif_error(not_loaded).
write(_, _) -> erlang:nif_error(not_loaded).
read(_, _) -> erlang:nif_error(not_loaded).
fill(_) -> erlang:nif_error(not_loaded).
close(_) -> erlang:nif_error(not_loaded).
counts() -> erlang:nif_error(not_loaded).
flags() -> erlang:nif_error(not_loaded).

main() ->
    erlang:display(flags()),
    reading(),
    writing(),
    both_directions(),
    rearm_replaces(),
    other_recipient(),
    custom_messages(),
    hang_up(),
    errors(),
    stopping(),
    regular_file(),
    invalid(),
    {Stops, _} = counts(),
    erlang:display({stops, Stops}),
    ok.

%% The messages that arrive within T ms, with resources and refs named as in Names.
msgs(T, Names) ->
    receive M -> [name(M, Names) | msgs(T, Names)]
    after T -> []
    end.

%% The next message (waiting up to 2 s), named.
next(Names) ->
    receive M -> name(M, Names)
    after 2000 -> timeout
    end.

name(X, Names) ->
    case lists:keyfind(X, 1, Names) of
        {_, N} -> N;
        false when is_tuple(X) -> list_to_tuple([name(E, Names) || E <- tuple_to_list(X)]);
        false when is_list(X) -> [name(E, Names) || E <- X];
        false -> X
    end.

show(Tag, X) -> erlang:display({Tag, X}).

reading() ->
    {R, W} = pipe(1, 2),
    Ref = make_ref(),
    N = [{R, r}, {W, w}, {Ref, ref}],
    show(armed, select(R, ?READ, Ref)),
    show(quiet, msgs(50, N)),
    show(written, write(W, <<"hello">>)),
    show(event, next(N)),
    %% One shot: no second message although the data is still there.
    show(once, msgs(50, N)),
    %% Armed again while readable: at once.
    show(rearmed, select(R, ?READ, Ref)),
    show(event, next(N)),
    show(read, read(R, 100)),
    show(armed_empty, select(R, ?READ, Ref)),
    show(quiet, msgs(50, N)),
    %% Cancel reports the armed read once.
    show(cancel, select(R, ?READ bor ?CANCEL, Ref)),
    show(cancel_again, select(R, ?READ bor ?CANCEL, Ref)),
    show(cancel_write, select(R, ?WRITE bor ?CANCEL, Ref)),
    show(written, write(W, <<"x">>)),
    show(cancelled_quiet, msgs(50, N)),
    show(mode_zero, select(R, 0, Ref)),
    show(quiet, msgs(50, N)),
    show(rearmed, select(R, ?READ, undefined)),
    show(event, next(N)),
    show(read, read(R, 100)),
    show(stop_r, select(R, ?STOP, undefined)),
    show(stop_msg, next(N)),
    show(stop_w, select(W, ?STOP, undefined)),
    show(stop_msg, next(N)),
    show(quiet, msgs(50, N)).

writing() ->
    {R, W} = pipe(3, 4),
    N = [{R, r}, {W, w}],
    show(armed, select(W, ?WRITE, 42)),
    show(event, next(N)),
    show(filled, fill(W) > 0),
    show(armed_full, select(W, ?WRITE, 43)),
    show(quiet, msgs(50, N)),
    show(read, byte_size(read(R, 4096))),
    show(read, byte_size(read(R, 4096))),
    show(event, next(N)),
    show(cancel_fired, select(W, ?WRITE bor ?CANCEL, 43)),
    show(stop_w, select(W, ?STOP, 0)),
    show(stop_msg, next(N)),
    show(stop_r, select(R, ?STOP, 0)),
    show(stop_msg, next(N)).

both_directions() ->
    {A, B} = socketpair(5, 6),
    N = [{A, a}, {B, b}],
    show(armed, select(A, ?READ bor ?WRITE, both)),
    show(event, next(N)),
    show(quiet, msgs(50, N)),
    show(cancel_both, select(A, ?READ bor ?WRITE bor ?CANCEL, both)),
    show(armed, select(A, ?READ bor ?WRITE, both)),
    show(event, next(N)),
    show(written, write(B, <<"ping">>)),
    show(event, next(N)),
    show(read, read(A, 10)),
    show(armed, select(A, ?READ, both)),
    show(stop_with_read, select(A, ?STOP, both)),
    show(stop_msg, next(N)),
    show(stop_b, select(B, ?STOP, both)),
    show(stop_msg, next(N)),
    show(quiet, msgs(50, N)).

rearm_replaces() ->
    {R, W} = pipe(7, 8),
    N = [{R, r}, {W, w}],
    show(armed, select(R, ?READ, first)),
    show(again, select(R, ?READ, second)),
    show(written, write(W, <<"z">>)),
    show(event, next(N)),
    show(only_one, msgs(50, N)),
    show(stop, {select(R, ?STOP, x), select(W, ?STOP, x)}),
    show(stop_msgs, lists:sort([next(N), next(N)])).

other_recipient() ->
    Me = self(),
    P = spawn(fun() -> forward(Me) end),
    {R, W} = pipe(9, 10),
    N = [{R, r}, {W, w}],
    show(armed_for_other, select_to(R, ?READ, P, other)),
    show(written, write(W, <<"o">>)),
    show(event, next(N)),
    %% A select made by another process goes to that process.
    spawn(fun() -> Me ! {from_child, select(R, ?READ, child), name(next(N), N)} end),
    show(child, next(N)),
    P ! stop,
    show(stop, {select(R, ?STOP, x), select(W, ?STOP, x)}),
    show(stop_msgs, lists:sort([next(N), next(N)])).

forward(To) ->
    receive
        stop -> ok;
        M -> To ! {forwarded, M}, forward(To)
    end.

custom_messages() ->
    {R, W} = pipe(11, 12),
    N = [{R, r}, {W, w}],
    show(armed, select_custom(R, read, {my, msg, [1, 2, 3]}, 0)),
    show(written, write(W, <<"c">>)),
    show(event, next(N)),
    show(armed_env, select_custom(R, read, {env_msg, <<"a binary">>, R}, 1)),
    show(event, next(N)),
    show(read, read(R, 10)),
    show(write_custom, select_custom(W, write, hello_write, 0)),
    show(event, next(N)),
    show(write_custom_env, select_custom(W, write, {hello, W}, 1)),
    show(event, next(N)),
    show(stop, {select(R, ?STOP, x), select(W, ?STOP, x)}),
    show(stop_msgs, lists:sort([next(N), next(N)])),
    {A, B} = socketpair(13, 14),
    N2 = [{A, a}, {B, b}],
    show(both_custom, select_custom(A, both, both_msg, 1)),
    show(event, next(N2)),
    show(written, write(B, <<"d">>)),
    show(event, next(N2)),
    show(quiet, msgs(50, N2)),
    show(stop, {select(A, ?STOP, x), select(B, ?STOP, x)}),
    show(stop_msgs, lists:sort([next(N2), next(N2)])).

hang_up() ->
    {R, W} = pipe(15, 16),
    N = [{R, r}, {W, w}],
    show(armed, select(R, ?READ, hup)),
    show(quiet, msgs(50, N)),
    show(closed, close(W)),
    show(event, next(N)),
    show(read, read(R, 10)),
    show(stop, select(R, ?STOP, x)),
    show(stop_msg, next(N)),
    %% The writer's descriptor is closed (-1 in the resource): an invalid event.
    show(stop_closed, select(W, ?STOP, x)),
    show(quiet, msgs(50, N)).

errors() ->
    {A, B} = socketpair(17, 18),
    {C, D} = socketpair(21, 22),
    N = [{A, a}, {B, b}],
    show(armed_error, select(A, ?ERROR, err)),
    show(quiet, msgs(50, N)),
    show(cancel_error, select(A, ?ERROR bor ?CANCEL, err)),
    show(armed_error_custom, select_custom(A, error, error_msg, 0)),
    show(quiet, msgs(50, N)),
    show(closed, close(B)),
    show(event, next(N)),
    show(once, msgs(50, N)),
    show(stop_a, select(A, ?STOP, x)),
    show(stop_msg, next(N)),
    %% B's descriptor is closed (-1 in the resource): an invalid event, no stop call.
    show(stop_b, select(B, ?STOP, x)),
    N2 = [{C, c}, {D, d}],
    show(armed_error, select(C, ?ERROR bor ?READ, err)),
    show(quiet, msgs(50, N2)),
    show(closed, close(D)),
    show(events, [next(N2), next(N2)]),
    show(quiet, msgs(50, N2)),
    show(stop_c, select(C, ?STOP, x)),
    show(stop_msg, next(N2)).

stopping() ->
    {A, B} = socketpair(19, 20),
    N = [{A, a}, {B, b}],
    %% Never selected: the stop callback is called at once.
    show(stop_unknown, select(A, ?STOP, x)),
    show(stop_msg, next(N)),
    %% The callback closed the descriptor (the resource now holds -1).
    show(stop_twice, select(A, ?STOP, x)),
    %% The peer is gone: a hang-up wakes both directions.
    show(armed, select(B, ?READ bor ?WRITE, y)),
    show(events, [next(N), next(N)]),
    show(stop_fired, select(B, ?STOP, y)),
    show(stop_msg, next(N)),
    show(quiet, msgs(50, N)).

%% A regular file: epoll refuses it, so it is always ready (OTP's fallback poll set), and
%% its STOP is scheduled: the stop callback runs later, not from the enif_select call.
regular_file() ->
    F = open_file("/dev/null", 23),
    N = [{F, f}],
    show(armed, select(F, ?READ, file)),
    show(event, next(N)),
    show(armed, select(F, ?READ bor ?WRITE, file)),
    show(events, lists:sort([next(N), next(N)])),
    show(quiet, msgs(50, N)),
    show(stop, select(F, ?STOP, file)),
    show(stop_msg, next(N)),
    show(quiet, msgs(50, N)).

invalid() ->
    N = [],
    show(negative, select_fd(-1, ?READ)),
    show(negative_stop, select_fd(-1, ?STOP)),
    show(negative_cancel, select_fd(-1, ?READ bor ?CANCEL)),
    show(quiet, msgs(50, N)).
