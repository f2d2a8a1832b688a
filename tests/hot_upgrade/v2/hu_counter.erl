%% Version 2 of the upgraded gen_server: its state is a map, made from version 1's count by
%% code_change/3 (which also keeps the Extra term it was given).
-module(hu_counter).
-behaviour(gen_server).
-vsn(2).
-export([start_link/0, bump/0, version/0]).
-export([init/1, handle_call/3, handle_cast/2, code_change/3]).

start_link() -> gen_server:start_link({local, ?MODULE}, ?MODULE, [], []).

bump() -> gen_server:call(?MODULE, bump, 30000).

version() -> 2.

init([]) -> {ok, #{count => 0, upgraded_from => none, extra => none}}.

handle_call(bump, _From, #{count := N} = S) ->
    {reply, {v2, N + 1}, S#{count := N + 1}}.

handle_cast(_Msg, S) -> {noreply, S}.

code_change("1", N, Extra) when is_integer(N) ->
    {ok, #{count => N, upgraded_from => "1", extra => Extra}}.
