-module(filename_module).
-export([main/0]).
%% filename: join, split, basename, dirname, extension, rootname, absname with given cwd.
main() ->
    erlang:display(filename:join(["/usr", "local", "bin"])),
    erlang:display(filename:join("a", "../b")),
    erlang:display(filename:join(<<"bin">>, "x.erl")),
    erlang:display(filename:split("/usr/local/bin/erl")),
    erlang:display(filename:split(<<"rel/path">>)),
    erlang:display(filename:basename("/a/b/c.tar.gz")),
    erlang:display(filename:basename("/a/b/c.erl", ".erl")),
    erlang:display(filename:dirname("/a/b/c.erl")),
    erlang:display(filename:dirname("c.erl")),
    erlang:display(filename:extension("/a/b/c.tar.gz")),
    erlang:display(filename:extension("noext")),
    erlang:display(filename:rootname("/a/b/c.tar.gz")),
    erlang:display(filename:rootname("c.erl", ".erl")),
    erlang:display(filename:absname("x/y", "/base")),
    erlang:display(filename:absname_join("/base", "z")),
    erlang:display(filename:pathtype("/abs")),
    erlang:display(filename:pathtype("rel")),
    erlang:display(filename:nativename("/a//b/")),
    erlang:display(filename:flatten([<<"a">>, "/", [b, "/c"]])),
    erlang:display(filename:join([<<"α"/utf8>>, "β"])).
