%% Version 1 of the upgraded gen_server: its state is the count itself.
-module(hu_counter).
-behaviour(gen_server).
-vsn(1).
-export([start_link/0, bump/0, version/0]).
-export([init/1, handle_call/3, handle_cast/2, code_change/3]).

start_link() -> gen_server:start_link({local, ?MODULE}, ?MODULE, [], []).

bump() -> gen_server:call(?MODULE, bump, 30000).

version() -> 1.

init([]) -> {ok, 0}.

handle_call(bump, _From, N) -> {reply, {v1, N + 1}, N + 1}.

handle_cast(_Msg, N) -> {noreply, N}.

code_change(_OldVsn, N, _Extra) -> {ok, N}.
