%% Distribution started and stopped at run time (tests/distribution.rs): `net_kernel:start/1`
%% names the node, `net_kernel:stop/0` makes it `nonode@nohost` again, and it can start
%% once more under another name.
-module(dist_dynamic).
-export([main/1]).

main([Name1, Name2]) ->
    %% As `erlexec` would for `-sname`: epmd must run before net_kernel registers.
    _ = os:cmd("epmd -daemon"),
    Host = net_adm:localhost(),
    out("at start", {node(), is_alive(), nodes(this)}),
    {ok, _} = net_kernel:start([Name1, shortnames]),
    out("started", {node() =:= list_to_atom(atom_to_list(Name1) ++ "@" ++ Host), is_alive()}),
    out("a pid's node", node(self()) =:= node()),
    out("stop", net_kernel:stop()),
    out("stopped", {node(), is_alive(), node(self())}),
    {ok, _} = net_kernel:start([Name2, shortnames]),
    out("started again", {node() =:= list_to_atom(atom_to_list(Name2) ++ "@" ++ Host), is_alive()}),
    out("stop again", net_kernel:stop()).

out(What, Term) -> io:format("~s: ~p~n", [What, Term]).
