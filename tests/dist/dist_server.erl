%% A gen_server on the peer node of the distribution scenarios: a counter that the driver
%% calls across the connection.
-module(dist_server).
-behaviour(gen_server).
-export([start/0, init/1, handle_call/3, handle_cast/2]).

start() -> gen_server:start({local, dist_server}, ?MODULE, 0, []).

init(N) -> {ok, N}.

handle_call(bump, _From, N) -> {reply, N + 1, N + 1};
handle_call({echo, X}, _From, N) -> {reply, {echo, X}, N};
handle_call(who, {Pid, _}, N) -> {reply, {caller_node_is_remote, node(Pid) =/= node()}, N}.

handle_cast({add, K}, N) -> {noreply, N + K}.
