-module(port_reductions).
-export([main/0]).
%% Port operations cost their caller reductions as in OTP (about CONTEXT_REDS/100 for a
%% command, a control, a call or a close): 100 port_command calls use up at least one time
%% slice's worth.
main() ->
    P = open_port({spawn, "cat"}, []),
    {reductions, R0} = process_info(self(), reductions),
    loop(P, 100),
    erlang:yield(),
    {reductions, R1} = process_info(self(), reductions),
    Used = R1 - R0,
    erlang:display({commands_cost, Used >= 4000, Used < 8000}),
    port_close(P),
    erlang:display(done).

loop(_P, 0) -> ok;
loop(P, N) -> port_command(P, "x"), loop(P, N - 1).
