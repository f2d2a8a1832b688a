-module(display_atoms_quoting).
-export([main/0]).
%% erlang:display quoting rules for atoms.
main() ->
    [erlang:display(A) || A <- ['', a, 'A', '_a', a1, 'a b', 'a-b', 'a.b', 'a@b', 'a\'b', 'a\nb', 'a\tb',
                                'a\\b', 'é', 'ÿ', '日本', 'true', 'fun', 'case', 'receive', 'andalso', 'div',
                                'when', 'of', 'end', 'not', '1a', 'a1', 'Ölf', 'ö', 'a$b', '+', '++', '=:=',
                                'hello world', '[]', '{}', '$', '\e', 'aB', 'éa']],
    erlang:display(list_to_atom([0])),
    erlang:display(list_to_atom([127])),
    erlang:display(list_to_atom([$a, 0, $b])).
