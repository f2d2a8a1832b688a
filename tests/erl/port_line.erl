-module(port_line).
-export([main/0]).
%% {line, L}: lines shorter than, as long as and longer than L ({noeol, Piece} messages then
%% {eol, Rest}), empty lines, a last line without a newline, \r kept, in list and binary mode,
%% line mode on stdout of a spawn_executable, and line combined with exit_status (the last line
%% without newline comes after the exit status) and eof (the last line comes before eof); a
%% partial line is dropped by port_close.
main() ->
    {Pid, Ref} = spawn_monitor(fun checks/0),
    receive
        {'DOWN', Ref, process, Pid, normal} -> erlang:display(done);
        {'DOWN', Ref, process, Pid, {Reason, _Stack}} -> erlang:display({crashed, anon(Reason)});
        {'DOWN', Ref, process, Pid, Reason} -> erlang:display({crashed, anon(Reason)})
    after 20000 -> erlang:display(timeout)
    end.

checks() ->
    process_flag(trap_exit, false),
    Text = "short\n\nexactly_10\neleven_char\nthis line is much longer than ten\nno newline at end",
    [begin
         erlang:display({Mode, L, lines(Text, [{line, L} | Mode])})
     end || Mode <- [[], [binary]], L <- [10, 1, 100]],
    %% Carriage returns: \r\n ends a line as \n does (the \r is dropped); other \r are kept.
    erlang:display({crlf, lines("a\r\nb\rc\n", [{line, 10}])}),
    erlang:display({cr_cases, lines("\r\r\nx\r\ry\n\rz\r", [{line, 10}])}),
    erlang:display({cr_at_limit, lines("abc\r\nabcd\r\n", [{line, 3}])}),
    %% A long last line without newline: pieces of L then the rest as noeol.
    erlang:display({long_last, lines("abcdefghijklmnopqrstuvw", [{line, 5}])}),
    %% Output ending exactly at a line of length L.
    erlang:display({exact_l, lines("abcde\nfghij", [{line, 5}])}),
    %% Only newlines.
    erlang:display({newlines, lines("\n\n\n", [{line, 3}, binary])}),
    %% Written in several writes by the program: lines are assembled.
    Pieces = "sh -c \"printf 'par'; sleep 0.05; printf 'tial\\nline2 is'; sleep 0.05;"
             " printf ' long\\nend'\"",
    erlang:display({pieces, run_collect(Pieces, [{line, 8}])}),
    %% {spawn, Command} runs `exec Command`: only the first command of a list runs.
    erlang:display({exec_first_only, run_collect("printf 'first\\n'; printf 'second\\n'", [{line, 8}])}),
    %% Line mode with spawn_executable.
    erlang:display({executable, collect(open_port({spawn_executable, "/bin/echo"},
                                                  [{line, 4}, {args, ["one", "two", "three"]}, exit_status]))}),
    %% Line mode with eof: the last line without newline comes before eof.
    P = open_port({spawn, "printf 'x\\ny'"}, [{line, 10}, eof]),
    erlang:display({with_eof, [recv(P), recv(P), recv(P)]}),
    port_close(P),
    %% Line mode does not change what is written to the program.
    Cat = open_port({spawn, "cat"}, [{line, 100}, binary]),
    true = port_command(Cat, ["first\nsec", <<"ond\n">>]),
    erlang:display({cat, [recv(Cat), recv(Cat)]}),
    port_close(Cat),
    %% port_close drops a partial line: no {noeol, _} message.
    Cat2 = open_port({spawn, "cat"}, [{line, 10}]),
    true = port_command(Cat2, "abc\npartial"),
    erlang:display({before_close, recv(Cat2)}),
    erlang:display({close_partial, port_close(Cat2), receive {Cat2, M2} -> M2 after 100 -> none end}),
    erlang:display({mailbox, flush()}),
    ok.

lines(Text, Opts) -> run_collect("printf '%s' '" ++ Text ++ "'", Opts).

run_collect(Cmd, Opts) ->
    collect(open_port({spawn, Cmd}, [exit_status | Opts])).

%% All messages of the port until it is closed, in order, data messages as their contents.
%% The end is seen through the link open_port made (a monitor set up after open_port could
%% come after a fast program's port has already closed).
collect(P) ->
    Old = process_flag(trap_exit, true),
    Res = collect(P, []),
    process_flag(trap_exit, Old),
    Res.
collect(P, Acc) ->
    receive
        {P, {data, D}} -> collect(P, [D | Acc]);
        {P, M} -> collect(P, [M | Acc]);
        {'EXIT', P, R} -> lists:reverse(Acc, [{down, R}])
    after 5000 -> lists:reverse(Acc, [timeout])
    end.

recv(P) ->
    receive {P, M} -> M after 5000 -> timeout end.

%% The messages left in the mailbox, with pids, ports and references replaced by atoms.
flush() ->
    receive M -> [anon(M) | flush()] after 0 -> [] end.

anon(T) when is_pid(T) -> pid;
anon(T) when is_port(T) -> port;
anon(T) when is_reference(T) -> ref;
anon([H | T]) -> [anon(H) | anon(T)];
anon(T) when is_tuple(T) -> list_to_tuple(anon(tuple_to_list(T)));
anon(T) when is_map(T) -> maps:from_list(anon(maps:to_list(T)));
anon(T) -> T.
