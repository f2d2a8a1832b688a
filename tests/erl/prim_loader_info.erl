%% erl_prim_loader:read_file_info/1 and read_link_info/1 (the loader's own file queries):
%% the #file_info{} record with local times, as prim_file gives it, and `error` for a
%% missing file. Works in a folder it creates; prints no times, inodes or devices.
-module(prim_loader_info).
-export([main/0]).

show(Label, V) -> io:format("~s: ~p~n", [Label, V]).

summary({ok, {file_info, Size, Type, Access, A, M, C, Mode, Links, _, _, _, _, _}}) ->
    IsDT = fun({{_, _, _}, {_, _, _}}) -> true; (_) -> false end,
    {ok, Size, Type, Access, IsDT(A) andalso IsDT(M) andalso IsDT(C), Mode band 8#777, Links};
summary(Other) -> Other.

main() ->
    Dir = "prim_loader_info_dir",
    ok = filelib:ensure_dir(Dir ++ "/"),
    File = Dir ++ "/data.txt",
    Link = Dir ++ "/link",
    ok = file:write_file(File, <<"twelve bytes">>),
    ok = file:change_mode(File, 8#640),
    _ = file:make_symlink("data.txt", Link),
    show("file", summary(erl_prim_loader:read_file_info(File))),
    show("dir", element(3, element(2, erl_prim_loader:read_file_info(Dir)))),
    show("link followed", summary(erl_prim_loader:read_file_info(Link))),
    show("link itself", element(3, element(2, erl_prim_loader:read_link_info(Link)))),
    show("missing", erl_prim_loader:read_file_info(Dir ++ "/missing")),
    show("missing link", erl_prim_loader:read_link_info(Dir ++ "/missing")),
    {ok, Info} = erl_prim_loader:read_file_info(File),
    {ok, Info2} = file:read_file_info(File),
    show("same mtime as file:read_file_info", element(6, Info) =:= element(6, Info2)),
    ok = file:delete(Link),
    ok = file:delete(File),
    ok = file:del_dir(Dir).
