-module(port_many).
-export([main/0]).
%% Many ports at once: 20 processes each open 10 ports running sh -c 'echo N' (all 200 opened
%% before any output is read), collect every output and exit status; then 100 cat ports open at
%% once in one process, each echoing its own data, closed in reverse order. Only counts and sums
%% are printed.
main() ->
    {Pid, Ref} = spawn_monitor(fun checks/0),
    receive
        {'DOWN', Ref, process, Pid, normal} -> erlang:display(done);
        {'DOWN', Ref, process, Pid, {Reason, _Stack}} -> erlang:display({crashed, anon(Reason)});
        {'DOWN', Ref, process, Pid, Reason} -> erlang:display({crashed, anon(Reason)})
    after 30000 -> erlang:display(timeout)
    end.

checks() ->
    process_flag(trap_exit, false),
    Self = self(),
    Workers = [spawn_link(fun() -> Self ! {self(), worker(W)} end) || W <- lists:seq(0, 19)],
    Results = [receive {W, R} -> R after 20000 -> timeout end || W <- Workers],
    erlang:display({workers, length(Results)}),
    erlang:display({all_ok, lists:all(fun({ok, _, _, _}) -> true; (_) -> false end, Results)}),
    Outputs = lists:append([Out || {ok, Out, _, _} <- Results]),
    erlang:display({outputs, length(Outputs)}),
    erlang:display({sum, lists:sum(Outputs), lists:sum(lists:seq(0, 199))}),
    erlang:display({distinct, length(lists:usort(Outputs))}),
    erlang:display({statuses, lists:usort(lists:append([S || {ok, _, S, _} <- Results]))}),
    erlang:display({distinct_ports, length(lists:usort(lists:append([Ps || {ok, _, _, Ps} <- Results])))}),
    %% 100 cat ports open together.
    Cats = [open_port({spawn, "cat"}, [binary]) || _ <- lists:seq(1, 100)],
    erlang:display({cats_open, length([C || C <- Cats, is_list(erlang:port_info(C))])}),
    erlang:display({cats_in_ports, length([C || C <- Cats, lists:member(C, erlang:ports())])}),
    [true = port_command(C, integer_to_binary(I)) || {I, C} <- lists:zip(lists:seq(1, 100), Cats)],
    Echoes = [receive {C, {data, D}} -> binary_to_integer(D) after 5000 -> timeout end || C <- Cats],
    erlang:display({cats_echo, Echoes =:= lists:seq(1, 100)}),
    [true = port_close(C) || C <- lists:reverse(Cats)],
    erlang:display({cats_closed, length([C || C <- Cats, erlang:port_info(C) =:= undefined])}),
    erlang:display({mailbox, length(flush())}),
    ok.

%% Opens ports for N = W*10 .. W*10+9, all before reading any output.
worker(W) ->
    Ns = lists:seq(W * 10, W * 10 + 9),
    Ports = [{N, open_port({spawn, "sh -c 'echo " ++ integer_to_list(N) ++ "'"}, [exit_status, {line, 80}])} || N <- Ns],
    Got = [collect(P) || {_, P} <- Ports],
    case lists:all(fun({_, _}) -> true; (_) -> false end, Got) of
        true ->
            Outs = [list_to_integer(L) || {[L], _} <- Got],
            Sts = [S || {_, S} <- Got],
            case length(Outs) =:= 10 andalso Outs =:= Ns of
                true -> {ok, Outs, Sts, [P || {_, P} <- Ports]};
                false -> {bad_output, Got}
            end;
        false -> {failed, Got}
    end.

collect(P) -> collect(P, []).
collect(P, Acc) ->
    receive
        {P, {data, {eol, L}}} -> collect(P, [L | Acc]);
        {P, {exit_status, S}} -> {lists:reverse(Acc), S}
    after 10000 -> timeout
    end.

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
