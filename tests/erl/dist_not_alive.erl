-module(dist_not_alive).
-export([main/0]).
%% Distribution BIFs on a node that is not alive: nodes/0,1,2 and monitor_node/2,3.
main() ->
    D = fun(X) -> erlang:display(X) end,
    S = fun(F) -> try F() catch C:E -> {C, E} end end,
    D([nodes(), nodes(this), nodes(known), nodes([this, known]), nodes(visible), nodes(hidden),
       nodes(connected), nodes([])]),
    D([S(fun() -> nodes(bad) end), S(fun() -> nodes([visible, bad]) end)]),
    D([S(fun() -> erlang:nodes(connected, #{}) end),
       S(fun() -> erlang:nodes([this], #{node_type => true}) end),
       S(fun() -> erlang:nodes(known, #{connection_id => true, node_type => true}) end),
       S(fun() -> erlang:nodes(this, #{}) end),
       S(fun() -> erlang:nodes(this, #{node_type => false}) end),
       S(fun() -> erlang:nodes(this, #{bad => true}) end),
       S(fun() -> erlang:nodes(this, bad) end),
       S(fun() -> erlang:nodes(bad, #{}) end)]),
    D([S(fun() -> erlang:monitor_node(foo@bar, true) end),
       S(fun() -> erlang:monitor_node(node(), true) end),
       S(fun() -> erlang:monitor_node(node(), false) end),
       S(fun() -> erlang:monitor_node(foo@bar, true, [allow_passive_connect]) end),
       S(fun() -> erlang:monitor_node(x, maybe) end),
       S(fun() -> erlang:monitor_node("x", true) end),
       S(fun() -> erlang:monitor_node(foo@bar, true, [bad]) end)]),
    D(receive M -> M after 100 -> none end),
    ok.
