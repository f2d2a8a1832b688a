-module(queue_module).
-export([main/0]).
%% queue: FIFO operations, both ends, conversion, internal representation.
main() ->
    Q0 = queue:new(),
    Q1 = lists:foldl(fun queue:in/2, Q0, [1, 2, 3, 4]),
    erlang:display(Q1),
    erlang:display(queue:to_list(Q1)),
    {{value, H}, Q2} = queue:out(Q1),
    erlang:display({H, queue:to_list(Q2)}),
    {{value, T}, Q3} = queue:out_r(Q2),
    erlang:display({T, queue:to_list(Q3)}),
    erlang:display(queue:out(queue:new())),
    Q4 = queue:in_r(0, Q3),
    erlang:display(queue:to_list(Q4)),
    erlang:display(queue:len(Q4)),
    erlang:display(queue:peek(Q4)),
    erlang:display(queue:peek_r(Q4)),
    erlang:display(queue:to_list(queue:reverse(Q4))),
    erlang:display(queue:to_list(queue:join(Q4, queue:from_list([a, b])))),
    erlang:display(queue:to_list(queue:filter(fun(X) -> X =/= 2 end, Q4))),
    erlang:display(queue:member(3, Q4)),
    erlang:display(queue:is_empty(Q0)),
    {A, B} = queue:split(2, queue:from_list([1, 2, 3, 4, 5])),
    erlang:display({queue:to_list(A), queue:to_list(B)}),
    Big = lists:foldl(fun queue:in/2, queue:new(), lists:seq(1, 1000)),
    erlang:display(drain(Big, 0)),
    erlang:display(queue:get(Q4)),
    erlang:display(queue:drop(Q4)).

drain(Q, Acc) ->
    case queue:out(Q) of
        {{value, V}, Q2} -> drain(Q2, Acc + V);
        {empty, _} -> Acc
    end.
