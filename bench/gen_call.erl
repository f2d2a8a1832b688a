-module(gen_call).
-export([main/0]).
-export([init/1, handle_call/3, handle_cast/2]).
%% 100,000 gen_server:call round trips to a counter server, the replies gathered by a list
%% comprehension (so the caller's stack is 100,000 frames deep when the last ones arrive:
%% a collection per message taken would scan it each time).
main() ->
    {ok, P} = gen_server:start(?MODULE, 0, []),
    T0 = erlang:monotonic_time(microsecond),
    Replies = [gen_server:call(P, {add, I}) || I <- lists:seq(1, 100000)],
    T1 = erlang:monotonic_time(microsecond),
    erlang:display({length(Replies), lists:last(Replies)}),
    erlang:display({bench_us, T1 - T0}).
init(N) -> {ok, N}.
handle_call({add, I}, _From, N) -> {reply, N + I, N + I}.
handle_cast(_, N) -> {noreply, N}.
