-module(make_ref_identity).
-export([main/0]).
%% make_ref/0, self/0 and their identities (never printed).
main() ->
    R1 = make_ref(), R2 = make_ref(),
    erlang:display([is_reference(R1), R1 =:= R1, R1 =/= R2, R1 == R2]),
    erlang:display(length(lists:usort([make_ref() || _ <- lists:seq(1, 100)]))),
    M = #{R1 => one, R2 => two},
    erlang:display([maps:get(R1, M), maps:get(R2, M)]),
    erlang:display(binary_to_term(term_to_binary(R1)) =:= R1),
    erlang:display(is_list(ref_to_list(R1))),
    erlang:display(lists:prefix("#Ref<", ref_to_list(R1))),
    erlang:display(is_pid(self())),
    erlang:display(lists:prefix("<", pid_to_list(self()))),
    erlang:display(list_to_pid(pid_to_list(self())) =:= self()),
    erlang:display(node()),
    erlang:display(node(self())),
    erlang:display(node(R1)),
    erlang:display(erlang:phash2(R1) =:= erlang:phash2(R1)),
    erlang:display(is_reference(erlang:monitor(process, self()))).
