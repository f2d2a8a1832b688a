-module(port_thousand).
-export([main/0]).
%% 1,000 port programs at once: each `cat` echoes a 1 KB {packet, 4} message back to its own
%% process; prints how many came back intact and how many ports are left.
main() ->
    Before = erlang:ports(),
    Self = self(),
    N = 1000,
    Pids = [spawn(fun() -> echo(Self, I) end) || I <- lists:seq(1, N)],
    Results = [receive {done, P, R} -> R after 60000 -> timeout end || P <- Pids],
    erlang:display({intact, length([ok || ok <- Results])}),
    erlang:display({ports_left, wait_ports(Before, 500)}).

echo(Parent, I) ->
    P = open_port({spawn, "cat"}, [{packet, 4}, binary]),
    Data = binary:copy(<<I:32>>, 256),
    true = port_command(P, Data),
    R = receive {P, {data, Data}} -> ok after 30000 -> timeout end,
    port_close(P),
    Parent ! {done, self(), R}.

%% Ports close as their owners finish; give stragglers a moment (up to 5 s: the machine may
%% be loaded by the other stress programs running beside this one).
wait_ports(Before, 0) -> length(erlang:ports() -- Before);
wait_ports(Before, K) ->
    case erlang:ports() -- Before of
        [] -> 0;
        _ -> receive after 10 -> wait_ports(Before, K - 1) end
    end.
