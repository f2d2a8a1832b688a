-module(stack_frames_yregs).
-export([main/0, id/1]).
%% Many live values across calls: allocate/deallocate, init_yregs, trim, swap.
id(X) -> X.

main() ->
    erlang:display(many_live(1, 2, 3, 4, 5, 6, 7, 8)),
    erlang:display(swap_loop(1, 2, 11)),
    erlang:display(trim_test(a, b, c)),
    erlang:display(nested_calls(5)),
    erlang:display(conditional_live(true, 1, 2)),
    erlang:display(conditional_live(false, 1, 2)),
    erlang:display(args_shuffle(1, 2, 3, 4)).

many_live(A, B, C, D, E, F, G, H) ->
    X1 = ?MODULE:id(A + B),
    X2 = ?MODULE:id(C + D),
    X3 = ?MODULE:id(E + F),
    X4 = ?MODULE:id(G + H),
    X5 = ?MODULE:id(X1 * X2),
    {A, B, C, D, E, F, G, H, X1, X2, X3, X4, X5}.

swap_loop(A, _B, 0) -> A;
swap_loop(A, B, N) -> swap_loop(B, A, N - 1).

trim_test(A, B, C) ->
    R1 = ?MODULE:id(A),
    R2 = ?MODULE:id({R1, B}),
    R3 = ?MODULE:id({R2, C}),
    R4 = ?MODULE:id(R3),
    [R4, ?MODULE:id(x)].

nested_calls(0) -> [];
nested_calls(N) ->
    V = ?MODULE:id(N),
    W = nested_calls(N - 1),
    U = ?MODULE:id(W),
    [{V, length(U)} | U].

conditional_live(Flag, A, B) ->
    X = case Flag of
            true -> ?MODULE:id(A);
            false -> B
        end,
    Y = ?MODULE:id(X + 1),
    {X, Y, Flag}.

args_shuffle(A, B, C, D) -> shuffled(D, C, B, A).
shuffled(A, B, C, D) -> [A, B, C, D].
