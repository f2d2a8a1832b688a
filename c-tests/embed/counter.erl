%% A gen_server the C hosts talk to: it counts, and tells a subscriber (the host's
%% mailbox) about each change.
-module(counter).
-behaviour(gen_server).
-export([start/0, add/1, get/0, subscribe/1, crash/0, stop/0, table/1]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2]).

start() -> gen_server:start({local, ?MODULE}, ?MODULE, [], []).
add(N) -> gen_server:call(?MODULE, {add, N}).
get() -> gen_server:call(?MODULE, get).
subscribe(Pid) -> gen_server:call(?MODULE, {subscribe, Pid}).
crash() -> erlang:error({crashed, on_purpose}).
stop() -> gen_server:stop(?MODULE).
%% A named public ETS table owned by the server (it outlives the caller).
table(Name) -> gen_server:call(?MODULE, {table, Name}).

init([]) -> {ok, #{n => 0, subs => []}}.

handle_call({add, N}, _From, #{n := V, subs := S} = St) when is_integer(N) ->
    [P ! {counter, V + N} || P <- S],
    {reply, V + N, St#{n := V + N}};
handle_call({table, Name}, _From, St) ->
    {reply, ets:new(Name, [named_table, public]), St};
handle_call(get, _From, #{n := V} = St) ->
    {reply, V, St};
handle_call({subscribe, P}, _From, #{subs := S} = St) ->
    {reply, ok, St#{subs := [P | S]}}.

handle_cast(_, St) -> {noreply, St}.
handle_info(_, St) -> {noreply, St}.
