-module(proc_hibernate).
-export([main/0, wake/1, counter/1]).
%% erlang:hibernate/3: the process waits with an empty stack and continues in M:F(A) when a
%% message arrives; catches of the hibernating code are gone; a queued message wakes it at once.
main() ->
    Self = self(),
    P = spawn(fun() -> catch erlang:hibernate(?MODULE, wake, [Self]), Self ! {returned} end),
    wait_status(P, waiting),
    {stack_size, S} = process_info(P, stack_size),
    erlang:display(S < 5),
    P ! hello,
    erlang:display(receive {woke, M} -> M after 2000 -> timeout end),
    erlang:display(receive {returned} -> returned after 200 -> no_return end),
    %% A counter process that hibernates between messages.
    C = spawn(?MODULE, counter, [0]),
    [C ! {add, I} || I <- lists:seq(1, 10)],
    C ! {get, Self},
    erlang:display(receive {count, N} -> N after 2000 -> timeout end),
    %% Messages already queued wake it at once.
    self() ! early,
    Q = spawn(fun() -> receive go -> ok end, erlang:hibernate(?MODULE, wake, [Self]) end),
    Q ! first, Q ! go,
    erlang:display(receive {woke, M2} -> M2 after 2000 -> timeout end),
    receive early -> ok end,
    erlang:display(try erlang:hibernate(1, wake, []) catch error:R -> R end),
    erlang:display(try erlang:hibernate(?MODULE, wake, [a | b]) catch error:R2 -> R2 end),
    ok.

wake(Parent) ->
    receive M -> Parent ! {woke, M} end.

counter(N) ->
    receive
        {add, I} -> erlang:hibernate(?MODULE, counter, [N + I]);
        {get, From} -> From ! {count, N}, erlang:hibernate(?MODULE, counter, [N])
    end.

wait_status(P, St) ->
    case process_info(P, status) of
        {status, St} -> ok;
        _ -> receive after 1 -> wait_status(P, St) end
    end.
