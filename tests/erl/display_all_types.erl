-module(display_all_types).
-export([main/0]).
%% erlang:display/1 of every printable term type and nesting.
main() ->
    D = fun erlang:display/1,
    D(42), D(-42), D(1 bsl 100), D(-(1 bsl 100)),
    D(1.0), D(-2.5e-7), D(6.02214076e23), D(1.0e100), D(0.1 + 0.2), D(123456789.0),
    D(atom), D('Quoted Atom'), D('with\'quote'), D('back\\slash'), D('a.b'), D('a@b'), D([]),
    D(true), D(false), D(undefined), D('_'), D('A'), D(aB_9@x),
    D("string"), D(""), D([1, 2, 3]), D([$a, 1]), D("with \"quotes\""), D([a, "b", <<"c">>]),
    D([a | b]), D([1, 2 | 3]), D([[], [[]]]),
    D({}), D({a}), D({a, {b, {c}}}), D(list_to_tuple(lists:seq(1, 30))),
    D(<<>>), D(<<0>>), D(<<"text">>), D(<<"text", 0>>), D(<<255, 254>>), D(<<1:1>>), D(<<1, 2:7>>),
    D(<<"a longer binary with more than sixty four bytes in it to be refc allocated">>),
    D(#{}), D(#{a => 1}), D(#{1 => a, a => 1, "s" => <<"b">>, {t} => [l]}),
    D(maps:from_list([{I, I} || I <- lists:seq(1, 40)])),
    D(#{#{k => v} => #{}}),
    D(fun lists:map/2), D(fun erlang:display/1),
    D({[#{x => [1.5, <<"y">>]}], "str", 'at'}),
    D(lists:seq(1, 100)),
    D(self() =:= self()).
