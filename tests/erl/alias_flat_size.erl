%% The size of references that can serve as aliases (pid references: alias/0,1 and
%% monitor/3 with an alias option) is a word more than other references', also after
%% unalias/1, inside terms and after a round trip through the external format; they still
%% work as aliases.
-module(alias_flat_size).
-export([main/0]).

main() ->
    A = alias(),
    R = make_ref(),
    M = erlang:monitor(process, self()),
    MA = erlang:monitor(process, self(), [{alias, demonitor}]),
    MR = erlang:monitor(process, self(), [{alias, reply_demonitor}]),
    A2 = alias([reply]),
    erlang:display([erts_debug:flat_size(X) || X <- [A, R, M, MA, MR, A2]]),
    erlang:display(erts_debug:flat_size({A, R, [MA | M]})),
    erlang:display(erts_debug:size([A, A, R])),
    Back = binary_to_term(term_to_binary(A)),
    erlang:display({Back =:= A, erts_debug:flat_size(Back)}),
    A ! hello,
    receive hello -> erlang:display(got_hello) after 100 -> erlang:display(lost) end,
    erlang:display(unalias(A)),
    erlang:display(erts_debug:flat_size(A)),
    erlang:display([is_reference(X) || X <- [A, MA]]),
    erlang:demonitor(M),
    erlang:demonitor(MA),
    erlang:demonitor(MR),
    ok.
