-module(re_module).
-export([main/0]).
%% re: compile, run with capture options, replace, split, unicode, named groups.
main() ->
    {ok, MP} = re:compile("(\\d+)-(\\d+)"),
    erlang:display(re:run("tel 123-456 and 7-89", MP)),
    erlang:display(re:run("tel 123-456 and 7-89", MP, [{capture, all, list}])),
    erlang:display(re:run("tel 123-456 and 7-89", MP, [global, {capture, all_but_first, binary}])),
    erlang:display(re:run("no digits", MP)),
    erlang:display(re:run(<<"abcABC">>, "b", [caseless, global, {capture, first, index}])),
    erlang:display(re:run("key=value", "(?<k>\\w+)=(?<v>\\w+)", [{capture, [v, k], list}])),
    erlang:display(re:replace("hello world", "o", "0", [global, {return, list}])),
    erlang:display(re:replace("hello world", "(\\w+) (\\w+)", "\\2 \\1", [{return, binary}])),
    erlang:display(re:replace("aaa", "a", "b", [{return, list}])),
    erlang:display(re:replace(<<"x.y.z">>, "\\.", "&&", [global, {return, binary}])),
    erlang:display(re:split("a,b;;c d", "[,; ]")),
    erlang:display(re:split("a,b;;c d", "[,; ]", [{return, list}, trim])),
    erlang:display(re:split("1a2b3", "[a-z]", [{return, list}, {parts, 2}])),
    erlang:display(re:split("abc", "", [{return, list}])),
    erlang:display(re:run("héllo", "é", [unicode, {capture, all, list}])),
    erlang:display(re:run(<<"日本語"/utf8>>, ".", [unicode, global, {capture, all, binary}])),
    erlang:display(re:run("line1\nline2", "^line\\d$", [multiline, global, {capture, all, list}])),
    erlang:display(re:run("aaa", "a*?", [{capture, all, list}])),
    erlang:display(re:run("foo", "(x)?foo", [{capture, all, list}])),
    erlang:display(re:run("abc", "b", [{capture, none}])),
    erlang:display(re:compile("(unclosed")),
    erlang:display(re:run("AbC", "abc", [caseless, {capture, all, list}])),
    erlang:display(re:replace("a1b22c333", "\\d+", fun_replacement(), [global, {return, list}])),
    erlang:display(re:run("x", "x", [{capture, all, list}, {offset, 0}])).

fun_replacement() -> "<&>".
