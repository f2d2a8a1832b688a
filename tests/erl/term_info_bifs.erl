-module(term_info_bifs).
-export([main/0]).
%% erlang:fun_info_mfa/1, erts_internal:cmp_term/2 and term_type/1, erts_debug:same/2,
%% erlang:loaded/0 and pre_loaded/0.
main() ->
    X = 5,
    F = fun(Y) -> X + Y end,
    G = fun lists:map/2,
    H = fun() -> ok end,
    erlang:display([erlang:fun_info_mfa(F), erlang:fun_info_mfa(G), erlang:fun_info_mfa(H)]),
    erlang:display(try erlang:fun_info_mfa(not_a_fun) catch error:E -> E end),
    erlang:display([erts_internal:cmp_term(A, B) || {A, B} <- [{1, 2}, {2, 1}, {1, 1}, {1, 1.0}, {a, 1}, {[], {}}]]),
    T = {a, b},
    erlang:display([erts_debug:same(T, T), erts_debug:same(T, {a, b}), erts_debug:same(1, 1)]),
    erlang:display([erts_internal:term_type(V) || V <- [1, 1 bsl 70, -(1 bsl 70), 1.0, a, self(), make_ref(), [], [1], {}, #{}, maps:from_list([{I, I} || I <- lists:seq(1, 40)]), <<1>>, <<1:1>>, F, G]]),
    erlang:display(lists:member(?MODULE, erlang:loaded())),
    erlang:display(is_list(erlang:pre_loaded())),
    erlang:display(lists:sort(erlang:pre_loaded())).
