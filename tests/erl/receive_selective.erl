-module(receive_selective).
-export([main/0]).
%% receive: loop_rec, remove_message, selective receive, after 0, after N, recv markers with refs.
main() ->
    self() ! {msg, 1},
    self() ! {other, 2},
    self() ! {msg, 3},
    self() ! last,
    erlang:display(recv_msg()),
    erlang:display(recv_msg()),
    erlang:display(recv_msg()),
    erlang:display(recv_any()),
    erlang:display(recv_any()),
    erlang:display(recv_any()),
    Ref = make_ref(),
    self() ! {noise, 1},
    self() ! {Ref, answer},
    Got = receive {Ref, A} -> A end,
    erlang:display(Got),
    erlang:display(recv_any()),
    T = receive never -> no after 10 -> timeout end,
    erlang:display(T),
    [self() ! N || N <- lists:seq(1, 100)],
    erlang:display(drain(0)),
    erlang:display(process_info(self(), message_queue_len)),
    self() ! a, self() ! b,
    erlang:display(receive b -> got_b after 0 -> none end),
    erlang:display(receive X -> X after 0 -> none end).

recv_msg() -> receive {msg, N} -> N after 0 -> none end.
recv_any() -> receive M -> M after 0 -> empty end.
drain(Acc) -> receive N when is_integer(N) -> drain(Acc + N) after 0 -> Acc end.
