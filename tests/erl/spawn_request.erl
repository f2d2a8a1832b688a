%% erlang:spawn_request/1..5 and spawn_request_abandon/1: replies, reply tags, link, monitor,
%% bad options, and requests to a node that is not connected.
-module(spawn_request).
-export([main/0, child/1, echo/1]).

child(How) -> receive go -> exit(How) end.

echo(To) -> To ! {echo, self()}.

flush() -> receive M -> [M | flush()] after 100 -> [] end.

%% Replace the request id and pids by what they are.
shape(R, Msgs) -> [shape1(R, M) || M <- Msgs].
shape1(R, T) when is_tuple(T) -> list_to_tuple([shape1(R, E) || E <- tuple_to_list(T)]);
shape1(R, R) -> req_id;
shape1(_, P) when is_pid(P) -> pid;
shape1(_, X) when is_reference(X) -> other_ref;
shape1(_, X) -> X.

show(R, Extra) ->
    erlang:display({is_reference(R), Extra, shape(R, flush())}).

err(F) ->
    try F() of V -> {value, shape1(none, V)}
    catch error:E:S ->
        [{M, Fn, A, Info} | _] = S,
        {error, E, {M, Fn, length(A)}, proplists:get_value(error_info, Info)}
    end.

main() ->
    process_flag(trap_exit, true),
    Self = self(),
    R1 = spawn_request(fun() -> Self ! from_fun end),
    show(R1, fun1),
    R2 = spawn_request(?MODULE, echo, [Self]),
    show(R2, mfa),
    R3 = spawn_request(?MODULE, echo, [Self], [{reply_tag, my_tag}]),
    show(R3, reply_tag),
    R4 = spawn_request(?MODULE, echo, [Self], [{reply, no}]),
    show(R4, reply_no),
    R5 = spawn_request(?MODULE, echo, [Self], [{reply, error_only}]),
    show(R5, error_only),
    R6 = spawn_request(?MODULE, echo, [Self], [{reply, success_only}]),
    show(R6, success_only),
    R7 = spawn_request(?MODULE, child, [bye], [monitor]),
    receive {spawn_reply, R7, ok, P7} -> P7 ! go end,
    show(R7, monitor),
    R8 = spawn_request(?MODULE, child, [bye], [link, {reply_tag, t8}]),
    receive {t8, R8, ok, P8} -> P8 ! go end,
    show(R8, link),
    R9 = spawn_request(?MODULE, child, [bye], [{monitor, [{tag, my_down}]}, {priority, high}]),
    receive {spawn_reply, R9, ok, P9} -> P9 ! go end,
    show(R9, monitor_tag),
    R10 = spawn_request(node(), ?MODULE, echo, [Self], [{reply, yes}]),
    show(R10, this_node),
    R11 = spawn_request(node(), fun() -> ok end),
    show(R11, this_node_fun),
    R12 = spawn_request(fun() -> ok end, [{reply_tag, fun_opts}]),
    show(R12, fun_opts),
    R13 = spawn_request(node(), fun() -> ok end, [{reply, success_only}]),
    show(R13, node_fun_opts),
    %% Bad options inside a list: an error reply.
    show(spawn_request(?MODULE, echo, [Self], [bad_option]), bad_option),
    show(spawn_request(?MODULE, echo, [Self], [{reply, maybe}]), bad_reply),
    show(spawn_request(?MODULE, echo, [Self], [{priority, urgent}, {reply_tag, x}]), bad_prio),
    show(spawn_request(?MODULE, echo, [Self], [bad, {reply, success_only}]), bad_quiet),
    %% Another node: this one is not alive.
    show(spawn_request(other@host, ?MODULE, echo, [Self], []), other_node),
    show(spawn_request(other@host, ?MODULE, echo, [Self], [{reply, success_only}]), other_quiet),
    show(spawn_request(other@host, fun() -> ok end), other_fun),
    show(spawn_request(other@host, ?MODULE, echo, [Self]), other_4),
    %% Abandoning: local requests are answered at once, so never pending.
    R15 = spawn_request(?MODULE, child, [normal], [{reply, no}]),
    erlang:display(spawn_request_abandon(R15)),
    erlang:display(spawn_request_abandon(make_ref())),
    %% Bad arguments.
    erlang:display(err(fun() -> spawn_request(not_a_fun) end)),
    erlang:display(err(fun() -> spawn_request(fun(_) -> ok end) end)),
    erlang:display(err(fun() -> spawn_request(1, 2) end)),
    erlang:display(err(fun() -> spawn_request(?MODULE, echo, [Self], not_a_list) end)),
    erlang:display(err(fun() -> spawn_request(?MODULE, echo, [Self], [x | y]) end)),
    erlang:display(err(fun() -> spawn_request(?MODULE, "echo", [Self], []) end)),
    erlang:display(err(fun() -> spawn_request(?MODULE, echo, [Self | x], []) end)),
    erlang:display(err(fun() -> spawn_request(1, ?MODULE, echo, [Self], []) end)),
    erlang:display(err(fun() -> spawn_request(node(), ?MODULE, echo, x, []) end)),
    erlang:display(err(fun() -> spawn_request_abandon(x) end)),
    erlang:display(shape(none, flush())),
    ok.
