-module(conv_atoms).
-export([main/0]).
%% atom_to_list, list_to_atom, atom_to_binary/1,2, binary_to_atom/1,2, existing-atom variants.
main() ->
    erlang:display([atom_to_list(A) || A <- [ok, 'Hello World', '', 'é', '日本']]),
    erlang:display([atom_to_binary(A) || A <- [ok, 'é', '日本']]),
    erlang:display([atom_to_binary(A, utf8) || A <- [ok, 'é']]),
    erlang:display([atom_to_binary(A, latin1) || A <- [ok, 'é']]),
    erlang:display(try atom_to_binary('日本', latin1) catch error:R -> R end),
    erlang:display([list_to_atom(L) || L <- ["abc", "with space", [233], [26085, 26412], ""]]),
    erlang:display([binary_to_atom(B) || B <- [<<"abc">>, <<"é"/utf8>>]]),
    erlang:display([binary_to_atom(B, latin1) || B <- [<<"abc">>, <<233>>]]),
    erlang:display([binary_to_atom(B, utf8) || B <- [<<"x">>, <<195, 169>>]]),
    erlang:display(try binary_to_atom(<<255>>, utf8) catch error:R2 -> R2 end),
    erlang:display(list_to_existing_atom("ok")),
    erlang:display(binary_to_existing_atom(<<"error">>, utf8)),
    erlang:display(try list_to_existing_atom("surely_no_such_atom_exists_zq9") catch error:R3 -> R3 end),
    erlang:display(try binary_to_existing_atom(<<"surely_no_such_atom_exists_zq8">>) catch error:R4 -> R4 end),
    erlang:display(try list_to_atom(lists:duplicate(256, $x)) catch error:R5 -> R5 end),
    erlang:display(length(atom_to_list(list_to_atom(lists:duplicate(255, $x))))),
    erlang:display(try list_to_atom([a]) catch error:R6 -> R6 end),
    erlang:display(try atom_to_list("str") catch error:R7 -> R7 end),
    erlang:display(list_to_atom(lists:duplicate(255, 16#1F600)) =:= binary_to_atom(unicode:characters_to_binary(lists:duplicate(255, 16#1F600)))),
    erlang:display(try list_to_atom(lists:duplicate(256, 16#1F600)) catch error:R8 -> R8 end).
