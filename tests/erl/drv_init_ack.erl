%% A driver with ERL_DRV_FLAG_USE_INIT_ACK (c-tests/drivers/drv_ack.c): open_port returns
%% once the driver acknowledges the start with erl_drv_init_ack after `start` (from a timer
%% or from ready_async), the acknowledged value becomes the port's driver data, an error
%% acknowledgement makes open_port raise (badarg, einval, the errno's atom) with no port
%% left and no exit signal, and an acknowledgement given during `start` does not count.
-module(drv_init_ack).
-export([main/0]).

main() ->
    process_flag(trap_exit, true),
    ok = erl_ddll:load_driver(os:getenv("BEAM_TEST_DRIVER_DIR"), drv_ack),
    Before = length(erlang:ports()),
    [begin
         P = open_port({spawn, "drv_ack " ++ M}, []),
         erlang:display({M, is_port(P), lists:member(P, erlang:ports())}),
         true = port_command(P, "w"),
         erlang:display({M, data, receive {P, {data, D}} -> D after 2000 -> timeout end}),
         erlang:display({M, links, lists:member(P, element(2, process_info(self(), links)))}),
         port_close(P)
     end
     || M <- ["ok", "async"]],
    [erlang:display({M, try open_port({spawn, "drv_ack " ++ M}, []) of
                            P -> {opened, is_port(P)}
                        catch C:R -> {C, R}
                        end})
     || M <- ["badarg", "general", "errno"]],
    %% No port is left of the failed ones, and no exit signal came from them.
    receive after 50 -> ok end,
    erlang:display({ports_left, length(erlang:ports()) - Before}),
    erlang:display({exit_signals, exits()}),
    %% Acknowledged during start only: the opener is still waiting.
    Self = self(),
    Opener = spawn(fun() -> Self ! {opened, open_port({spawn, "drv_ack early"}, [])} end),
    erlang:display({early, receive {opened, _} -> opened after 300 -> still_waiting end}),
    exit(Opener, kill),
    receive after 50 -> ok end,
    erlang:display({ports_left_at_end, length(erlang:ports()) - Before}),
    ok.

exits() ->
    receive {'EXIT', P, R} -> [{is_port(P), R} | exits()] after 0 -> [] end.
