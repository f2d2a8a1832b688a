-module(process_info_signal_order).
-export([main/0]).
%% process_info/2 of another process answers after the signals sent to it before the
%% request: a monitor, a link and messages just sent show at once.
main() ->
    Runs = [begin
                P = spawn(fun() -> receive stop -> ok end end),
                M = monitor(process, P),
                link(P),
                P ! a,
                P ! b,
                {monitored_by, By} = process_info(P, monitored_by),
                {links, Ls} = process_info(P, links),
                {message_queue_len, N} = process_info(P, message_queue_len),
                {messages, Ms} = process_info(P, messages),
                demonitor(M),
                unlink(P),
                {monitored_by, By2} = process_info(P, monitored_by),
                {links, Ls2} = process_info(P, links),
                exit(P, kill),
                {By =:= [self()], Ls =:= [self()], N, Ms, By2, Ls2}
            end || _ <- lists:seq(1, 200)],
    erlang:display(lists:usort(Runs)).
