-module(nif_p1_yaml).
-export([main/0]).
%% Debian's unmodified fast_yaml NIF (package erlang-p1-yaml, over libyaml): decoding of
%% scalars, sequences, mappings, several documents, plain and map outputs, anchors and
%% errors, and encoding.
main() ->
    Doc = <<"name: test\nlist: [1, 2.5, -3, true, null, ~, 'q', \"d\\n\"]\n"
            "nested:\n  a: {b: c}\n  seq:\n    - x\n    - y: z\n"
            "anchor: &A [1, 2]\nref: *A\nmulti: |\n  line1\n  line2\n">>,
    erlang:display(fast_yaml:decode(Doc)),
    erlang:display(fast_yaml:decode(Doc, [plain_as_atom])),
    erlang:display(fast_yaml:decode(Doc, [maps])),
    erlang:display(fast_yaml:decode(<<"--- 1\n--- [a]\n...\n">>)),
    erlang:display(fast_yaml:decode(<<"">>)),
    erlang:display(fast_yaml:decode(<<"a: [1, 2">>)),
    erlang:display(fast_yaml:decode(<<"a: *nope">>)),
    erlang:display(fast_yaml:decode(<<"\tbad">>)),
    erlang:display(catching(fun() -> fast_yaml:decode(not_a_binary) end)),
    erlang:display(fast_yaml:decode_from_file("no_such_file.yml")),
    erlang:display(iolist_to_binary(fast_yaml:encode([{a, 1}, {b, [<<"x">>, 2.5, true]},
                                                       {c, [{d, <<"e f">>}]}]))),
    erlang:display(fast_yaml:format_error({parser_error, <<"msg">>, 1, 2})),
    Big = iolist_to_binary([["k", integer_to_list(I), ": ", integer_to_list(I * I), "\n"]
                            || I <- lists:seq(1, 3000)]),
    {ok, [L]} = fast_yaml:decode(Big),
    erlang:display({big, length(L), lists:last(L)}).

catching(F) ->
    try F() catch C:R -> {C, R} end.
