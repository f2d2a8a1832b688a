%% The demo's counter: a gen_server whose first value comes from the application environment.
-module(demo_counter).
-behaviour(gen_server).
-export([start_link/0, bump/0, crash/0]).
-export([init/1, handle_call/3, handle_cast/2]).

start_link() ->
    gen_server:start_link({local, ?MODULE}, ?MODULE, [], []).

bump() -> gen_server:call(?MODULE, bump).

crash() -> gen_server:cast(?MODULE, crash).

init([]) ->
    {ok, application:get_env(demo_app, start_value, 0)}.

handle_call(bump, _From, N) ->
    {reply, N + 1, N + 1}.

handle_cast(crash, N) ->
    {stop, {deliberate_crash, N}, N}.
