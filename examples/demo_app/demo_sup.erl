%% The demo's supervisor: one counter, restarted when it dies.
-module(demo_sup).
-behaviour(supervisor).
-export([start_link/0, init/1]).

start_link() ->
    supervisor:start_link({local, ?MODULE}, ?MODULE, []).

init([]) ->
    Counter = #{id => demo_counter, start => {demo_counter, start_link, []}},
    {ok, {#{strategy => one_for_one, intensity => 5, period => 10}, [Counter]}}.
