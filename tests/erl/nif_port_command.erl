%% enif_port_command through the nif_port_command test NIF
%% (c-tests/nifs/nif_port_command.c): iodata to a `cat` port from the NIF call of the
%% port's owner and of another process (the data comes back to the owner either way), with
%% the message in a process-independent environment, from a thread of the library, and to a
%% closed port.
-module(nif_port_command).
-export([main/0]).
-on_load(init/0).

init() ->
    erlang:load_nif(filename:join(os:getenv("BEAM_TEST_NIF_DIR"), "nif_port_command"), 0).

command(_, _, _) -> erlang:nif_error(not_loaded).
thread_command(_, _) -> erlang:nif_error(not_loaded).

main() ->
    P = open_port({spawn, "cat"}, [binary]),
    erlang:display({plain, command(P, <<"hello">>, 0)}),
    erlang:display(echo(P, 5)),
    erlang:display({iolist, command(P, ["ab", <<"cd">>, [$e, [$f | <<"g">>]]], 0)}),
    erlang:display(echo(P, 7)),
    erlang:display({msg_env, command(P, [<<"from">>, " env"], 1)}),
    erlang:display(echo(P, 8)),
    Big = binary:copy(<<"0123456789">>, 1000),
    erlang:display({big, command(P, Big, 0)}),
    erlang:display(echo(P, 10000) =:= {data, Big}),
    erlang:display({empty, command(P, [], 0), command(P, <<>>, 0)}),
    erlang:display({thread, thread_command(P, <<"threaded">>)}),
    erlang:display(echo(P, 8)),
    Me = self(),
    spawn(fun() -> Me ! {other, command(P, <<"other">>, 0)} end),
    receive {other, R} -> erlang:display({other_process, R}) end,
    erlang:display(echo(P, 5)),
    {_, Connected} = erlang:port_info(P, connected),
    erlang:display(Connected =:= self()),
    port_close(P),
    %% (Not from a thread: OTP 25 crashes on a closed port there.)
    erlang:display({closed, command(P, <<"late">>, 0), command(P, <<"late">>, 1)}),
    receive
        {'EXIT', P, Why} -> erlang:display({after_close, exit, Why});
        M -> erlang:display({after_close, M})
    after 100 -> ok
    end,
    ok.

%% The next N bytes the port sends back.
echo(P, N) -> echo(P, N, <<>>).

echo(_, 0, Acc) -> {data, Acc};
echo(P, N, Acc) ->
    receive
        {P, {data, D}} when byte_size(D) =< N -> echo(P, N - byte_size(D), <<Acc/binary, D/binary>>)
    after 5000 -> {timeout, Acc}
    end.
