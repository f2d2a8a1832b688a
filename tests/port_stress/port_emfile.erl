-module(port_emfile).
-export([main/0]).
%% Run with a low limit on open files: ports are opened until the system refuses, which must be
%% the error OTP raises (emfile), after which closing the ports makes room again and the VM
%% goes on.
main() ->
    {Ports, Error} = open_until_error([], 0),
    erlang:display({refused_with, Error, opened_some, length(Ports) > 0}),
    [port_close(P) || P <- Ports],
    P = open_port({spawn, "cat"}, []),
    erlang:display({open_again, is_port(P)}),
    port_close(P).

open_until_error(Ports, 1000) -> {Ports, none};
open_until_error(Ports, N) ->
    try open_port({spawn, "cat"}, []) of
        P -> open_until_error([P | Ports], N + 1)
    catch
        error:E -> {Ports, E}
    end.
