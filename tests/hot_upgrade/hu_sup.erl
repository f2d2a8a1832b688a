%% The supervisor of the upgraded gen_server.
-module(hu_sup).
-behaviour(supervisor).
-export([start_link/0, init/1]).

start_link() -> supervisor:start_link({local, ?MODULE}, ?MODULE, []).

init([]) ->
    Child = #{id => hu_counter, start => {hu_counter, start_link, []},
              restart => permanent, shutdown => 1000, type => worker,
              modules => [hu_counter]},
    {ok, {#{strategy => one_for_one, intensity => 0, period => 1}, [Child]}}.
