%% The driver of the distribution scenarios (tests/distribution.rs): runs on one node and
%% talks to the peer node (`dist_peer`) named on the command line. It prints only facts that
%% do not depend on node names, pid numbers or timing, so its output is the same whichever
%% runtime each side runs.
-module(dist_main).
-export([main/1, hidden/1, brief/1]).

out(What, Term) -> io:format("~s: ~p~n", [What, Term]).

%% The peer's node name from its name without the host: it runs on this host.
peer(PeerName) ->
    [_, Host] = string:split(atom_to_list(node()), "@"),
    wait_registered(atom_to_list(PeerName), Host, 200),
    list_to_atom(atom_to_list(PeerName) ++ "@" ++ Host).

%% `PeerName` is the peer's name without the host.
main([PeerName]) ->
    Peer = peer(PeerName),
    out("alive", is_alive()),
    out("node is a name@host atom", length(string:split(atom_to_list(node()), "@")) =:= 2),
    out("nodes before", nodes()),
    out("ping", net_adm:ping(Peer)),
    out("nodes after", nodes() =:= [Peer]),
    out("nodes(connected)", nodes(connected) =:= [Peer]),
    out("nodes(known) has both", [N || N <- [node(), Peer], lists:member(N, nodes(known))] =:= [node(), Peer]),
    messages(Peer),
    calls(Peer),
    spawns(Peer),
    terms(Peer),
    links_and_monitors(Peer),
    group_leader(Peer),
    global_names(Peer),
    idle(Peer),
    reconnect(Peer),
    node_down(Peer),
    ok.

%% Run on a hidden node (`-hidden`), with long names: the connection is not listed by
%% `nodes()` on either side.
hidden([PeerName]) ->
    Peer = peer(PeerName),
    out("ping", net_adm:ping(Peer)),
    wait_services(Peer, 200),
    out("nodes()", nodes()),
    out("nodes(hidden)", nodes(hidden) =:= [Peer]),
    out("the peer sees this node as hidden", rpc:call(Peer, erlang, nodes, [hidden]) =:= [node()]),
    out("the peer's nodes()", rpc:call(Peer, erlang, nodes, [])),
    out("nodes(connected)", nodes(connected) =:= [Peer]),
    out("nodes/2", nodes(hidden, #{node_type => true}) =:= [{Peer, #{node_type => hidden}}]),
    out("rpc", rpc:call(Peer, dist_peer, sum, [[1, 2]])),
    monitor_node(Peer, true),
    rpc:cast(Peer, erlang, halt, []),
    out("nodedown", receive {nodedown, Peer} -> nodedown after 10000 -> timeout end).

%% A shorter scenario for other carriers (TLS distribution: the connection's controller is
%% a process, frames go through `dist_ctrl_get_data/1` and `dist_ctrl_put_data/2`).
brief([PeerName]) ->
    Peer = peer(PeerName),
    out("ping", net_adm:ping(Peer)),
    wait_services(Peer, 200),
    {echo, Peer} ! {self(), hello},
    out("echo", receive {echoed, _, _, hello} -> ok after 5000 -> timeout end),
    out("big term", rpc:call(Peer, erlang, length, [lists:seq(1, 100000)])),
    out("1000 erpc calls", lists:sum([erpc:call(Peer, erlang, abs, [-I]) || I <- lists:seq(1, 1000)])),
    out("gen_server", gen_server:call({dist_server, Peer}, bump)),
    process_flag(trap_exit, true),
    L = spawn_link(Peer, dist_peer, crash_after, [10, boom]),
    out("spawn_link exit", receive {'EXIT', L, Why} -> Why after 5000 -> timeout end),
    idle(Peer),
    monitor_node(Peer, true),
    rpc:cast(Peer, erlang, halt, []),
    out("nodedown", receive {nodedown, Peer} -> nodedown after 10000 -> timeout end).

%% The DEMONITOR_P of an ended watcher may come after its 'DOWN': waits a little for the list
%% to empty.
wait_monitored_by(P, 0) -> process_info(P, monitored_by);
wait_monitored_by(P, N) ->
    case process_info(P, monitored_by) of
        {monitored_by, []} -> {monitored_by, []};
        _ -> timer:sleep(10), wait_monitored_by(P, N - 1)
    end.

%% `global` names registered on one node are seen on the other (its `nodeup` handling
%% synchronises the name tables).
global_names(Peer) ->
    %% Both name servers have synchronised with each other since the connection came up.
    ok = global:sync(),
    ok = rpc:call(Peer, global, sync, []),
    yes = global:register_name(dist_main_driver, self()),
    out("global name registered there",
        rpc:call(Peer, global, whereis_name, [dist_main_driver]) =:= self()),
    out("global:send", rpc:call(Peer, global, send, [dist_main_driver, via_global]) =/= undefined),
    out("global message", receive via_global -> ok after 5000 -> timeout end),
    global:unregister_name(dist_main_driver),
    out("unregistered", global:whereis_name(dist_main_driver)).

%% An idle connection lives on through net ticks (the nodes run with a net tick time of
%% 3 s: a connection that sent nothing for 3 s would be taken down).
idle(Peer) ->
    timer:sleep(4000),
    out("connected after 4 s idle", nodes() =:= [Peer]).

%% `disconnect_node/1`: `nodedown`, and the next message connects again.
reconnect(Peer) ->
    ok = net_kernel:monitor_nodes(true),
    out("disconnect", erlang:disconnect_node(Peer)),
    out("nodedown", receive {nodedown, Peer} -> ok after 5000 -> timeout end),
    out("nodes", nodes()),
    out("ping again", net_adm:ping(Peer)),
    out("nodeup", receive {nodeup, Peer} -> ok after 5000 -> timeout end),
    ok = net_kernel:monitor_nodes(false).

%% Waits until the peer has registered with epmd (it starts at the same time as this node).
wait_registered(_, _, 0) ->
    exit(peer_never_registered);
wait_registered(Name, Host, N) ->
    case erl_epmd:port_please(Name, Host) of
        {port, _, _} -> ok;
        _ -> timer:sleep(50), wait_registered(Name, Host, N - 1)
    end.

%% Waits until the peer's services are registered (its `-s dist_peer start` runs after its
%% distribution is up).
wait_services(_, 0) ->
    exit(peer_services_missing);
wait_services(Peer, N) ->
    case rpc:call(Peer, erlang, whereis, [dist_server]) of
        P when is_pid(P) -> ok;
        _ -> timer:sleep(50), wait_services(Peer, N - 1)
    end.

messages(Peer) ->
    wait_services(Peer, 200),
    {echo, Peer} ! {self(), hello},
    {Echo, Node} = receive {echoed, N, P, hello} -> {P, N} after 5000 -> {timeout, none} end,
    out("echo by name answered from the peer", Node =:= Peer),
    out("the echo pid is of the peer", node(Echo) =:= Peer),
    out("is_pid", is_pid(Echo)),
    Echo ! {self(), by_pid},
    out("echo by pid", receive {echoed, _, _, by_pid} -> ok after 5000 -> timeout end),
    %% Order of many messages from one process to another is kept.
    [Echo ! {self(), I} || I <- lists:seq(1, 200)],
    Got = [receive {echoed, _, _, I} -> I after 5000 -> timeout end || I <- lists:seq(1, 200)],
    out("200 messages in order", Got =:= lists:seq(1, 200)),
    out("send/3 noconnect to a connected node", erlang:send({echo, Peer}, {self(), x}, [noconnect])),
    receive {echoed, _, _, x} -> ok after 5000 -> ok end,
    {no_such_name, Peer} ! {self(), y},
    out("to an unregistered name is dropped", ok),
    A = alias(),
    {echo, Peer} ! {A, via_alias},
    out("reply through an alias", receive {echoed, _, _, via_alias} -> ok after 5000 -> timeout end),
    unalias(A).

calls(Peer) ->
    out("rpc node", rpc:call(Peer, erlang, node, []) =:= Peer),
    out("rpc sum", rpc:call(Peer, dist_peer, sum, [[1, 2, 3, 4]])),
    out("rpc raise", rpc:call(Peer, dist_peer, raise, [x])),
    out("rpc undef", element(1, rpc:call(Peer, no_such_module, f, []))),
    out("erpc", erpc:call(Peer, lists, reverse, [[a, b, c]])),
    %% Each call spawns a process there whose spawn reply must arrive before its exit.
    out("1000 erpc calls", lists:sum([erpc:call(Peer, erlang, abs, [-I]) || I <- lists:seq(1, 1000)])),
    out("erpc error", try erpc:call(Peer, dist_peer, raise, [y]) catch C:R -> {C, R} end),
    out("erpc exit", try erpc:call(Peer, erlang, exit, [bye]) catch C2:R2 -> {C2, R2} end),
    out("gen_server bump", gen_server:call({dist_server, Peer}, bump)),
    out("gen_server bump", gen_server:call({dist_server, Peer}, bump)),
    gen_server:cast({dist_server, Peer}, {add, 10}),
    out("gen_server after cast", gen_server:call({dist_server, Peer}, bump)),
    out("gen_server who", gen_server:call({dist_server, Peer}, who)),
    out("gen_server big", gen_server:call({dist_server, Peer}, {echo, lists:seq(1, 1000)})
                          =:= {echo, lists:seq(1, 1000)}),
    out("gen_server call to a missing name",
        try gen_server:call({nobody, Peer}, x, 2000) catch exit:{E, _} -> E end),
    out("multicall", rpc:multicall([node(), Peer], erlang, length, [[1, 2]])).

spawns(Peer) ->
    Self = self(),
    P = spawn(Peer, dist_peer, tell_node, [Self]),
    out("spawn/4 runs on the peer", receive {from_node, N} -> N =:= Peer after 5000 -> timeout end),
    out("spawned pid is the peer's", node(P) =:= Peer),
    process_flag(trap_exit, true),
    L = spawn_link(Peer, dist_peer, crash_after, [10, boom]),
    out("spawn_link exit", receive {'EXIT', L, Why} -> Why after 5000 -> timeout end),
    {M, Ref} = spawn_monitor(Peer, dist_peer, crash_after, [10, bang]),
    out("spawn_monitor down", receive {'DOWN', Ref, process, M, Why2} -> Why2 after 5000 -> timeout end),
    R = spawn_request(Peer, dist_peer, sum, [[5, 6]], [{reply_tag, my_tag}, monitor]),
    out("spawn_request reply",
        receive {my_tag, R, ok, Pid} -> node(Pid) =:= Peer after 5000 -> timeout end),
    out("spawn_request monitor",
        receive {'DOWN', R, process, _, normal} -> normal after 5000 -> timeout end),
    R3 = spawn_request(Peer, dist_peer, crash_after, [60000, never], [link]),
    out("spawn_request_abandon", spawn_request_abandon(R3)),
    out("no reply after abandon", receive {spawn_reply, R3, _, _} -> reply after 500 -> none end),
    out("abandon again", spawn_request_abandon(R3)),
    out("the abandoned process is gone", rpc:call(Peer, dist_peer, crashers, [])),
    process_flag(trap_exit, false).

links_and_monitors(Peer) ->
    process_flag(trap_exit, true),
    {echo, Peer} ! {self(), who},
    Echo = receive {echoed, _, E, who} -> E after 5000 -> timeout end,
    link(Echo),
    out("links include the remote pid", lists:member(Echo, element(2, process_info(self(), links)))),
    Mon = monitor(process, Echo),
    out("monitors include the remote pid",
        lists:member({process, Echo}, element(2, process_info(self(), monitors)))),
    NameMon = monitor(process, {dist_server, Peer}),
    out("monitor by name listed",
        lists:member({process, {dist_server, Peer}}, element(2, process_info(self(), monitors)))),
    demonitor(NameMon),
    Missing = monitor(process, {no_such_name, Peer}),
    out("monitor of a missing name",
        receive {'DOWN', Missing, process, {no_such_name, Node}, R0} -> {Node =:= Peer, R0}
        after 5000 -> timeout end),
    Echo ! stop,
    out("exit signal from the remote link",
        receive {'EXIT', Echo, Why} -> Why after 5000 -> timeout end),
    out("'DOWN' from the remote monitor",
        receive {'DOWN', Mon, process, Echo, Why2} -> Why2 after 5000 -> timeout end),
    out("monitor of a dead remote pid",
        begin
            M2 = monitor(process, Echo),
            receive {'DOWN', M2, process, Echo, R2} -> R2 after 5000 -> timeout end
        end),
    link(Echo),
    out("link to a dead remote pid",
        receive {'EXIT', Echo, R3} -> R3 after 5000 -> timeout end),
    %% A process here linked to a process there; exit/2 from here kills it there.
    Victim = spawn(Peer, dist_peer, crash_after, [60000, never]),
    VM = monitor(process, Victim),
    exit(Victim, kill),
    out("exit/2 to a remote pid", receive {'DOWN', VM, process, Victim, W} -> W after 5000 -> timeout end),
    %% A remote process linked to a local one that dies.
    Self = self(),
    Local = spawn(fun() -> receive go -> exit(local_reason) end end),
    Watcher = spawn(Peer, erlang, apply, [fun() ->
                                               process_flag(trap_exit, true),
                                               link(Local),
                                               Self ! linked,
                                               receive {'EXIT', Local, R} -> Self ! {peer_saw, R} end
                                           end, []]),
    _ = Watcher,
    receive linked -> ok after 5000 -> ok end,
    Local ! go,
    out("remote linker sees the local exit", receive {peer_saw, R4} -> R4 after 5000 -> timeout end),
    %% A process there monitors one here: listed by `monitored_by` here, and gone from the
    %% list when the watcher ends.
    Target = spawn(fun() -> receive stop -> ok end end),
    W2 = spawn(Peer, erlang, apply, [fun() ->
                                          monitor(process, Target),
                                          Self ! monitoring,
                                          receive stop -> ok end
                                      end, []]),
    receive monitoring -> ok after 5000 -> ok end,
    out("monitored_by lists the remote watcher",
        element(2, process_info(Target, monitored_by)) =:= [W2]),
    WM = monitor(process, W2),
    W2 ! stop,
    receive {'DOWN', WM, process, W2, _} -> ok after 5000 -> ok end,
    out("monitored_by after the watcher ended", wait_monitored_by(Target, 100)),
    Target ! stop,
    unlink(Echo),
    ok = rpc:call(Peer, dist_peer, restart_echo, []),
    process_flag(trap_exit, false).

terms(Peer) ->
    Terms = [
        atom, 'ünïcödé', 42, -(1 bsl 70), 3.25, <<"bin">>, binary:copy(<<"x">>, 300),
        <<1:3>>, [1, 2 | 3], "string", {a, {b, c}}, #{k => v, 1 => [2]},
        maps:from_list([{I, I} || I <- lists:seq(1, 40)]), make_ref(), self(),
        fun lists:sum/1
    ],
    {echo, Peer} ! {self(), Terms},
    out("terms round trip",
        receive {echoed, _, _, Back} -> Back =:= Terms after 5000 -> timeout end),
    F = fun(X) -> X * 2 end,
    out("a fun called on the peer", rpc:call(Peer, erlang, apply, [F, [21]])),
    Ref = make_ref(),
    out("a local ref comes back local",
        rpc:call(Peer, erlang, list_to_tuple, [[Ref]]) =:= {Ref}),
    out("node of a ref made there", node(rpc:call(Peer, erlang, make_ref, [])) =:= Peer).

group_leader(Peer) ->
    ok = rpc:call(Peer, io, format, ["printed by the peer through our group leader~n"]),
    out("io:format on the peer returned", ok).

node_down(Peer) ->
    monitor_node(Peer, true),
    ok = net_kernel:monitor_nodes(true),
    process_flag(trap_exit, true),
    {echo, Peer} ! {self(), last},
    Echo = receive {echoed, _, E, last} -> E after 5000 -> timeout end,
    link(Echo),
    M = monitor(process, Echo),
    rpc:cast(Peer, erlang, halt, []),
    Got = [receive X -> strip(X, Peer, Echo, M) after 10000 -> timeout end || _ <- [1, 2, 3, 4]],
    out("when the peer halts", lists:sort(Got)),
    out("nodes at the end", nodes()),
    out("ping a halted node", net_adm:ping(Peer)).

strip({nodedown, Peer}, Peer, _, _) -> nodedown;
strip({'EXIT', Echo, R}, _, Echo, _) -> {exit, R};
strip({'DOWN', M, process, Echo, R}, _, Echo, M) -> {down, R};
strip(Other, _, _, _) -> {other, Other}.
