-module(file_name_ops).
-export([main/0]).
%% The file module's name-based functions through OTP's file server (`file_server_2`) and
%% prim_file's NIFs: file information, whole-file reads, listings, folders, links, renames
%% and deletes, filelib on top of them, and prim_file's file-name BIFs. Runs in the harness's
%% run folder (tests/out/run), so this source is at ../../erl.
-include_lib("kernel/include/file.hrl").

main() ->
    Src = "../../erl/file_name_ops.erl",
    {ok, Info} = file:read_file_info(Src),
    erlang:display({info, Info#file_info.type, Info#file_info.access,
                    Info#file_info.size > 0, is_tuple(Info#file_info.mtime)}),
    {ok, Posix} = file:read_file_info(Src, [{time, posix}]),
    erlang:display({posix_mtime, is_integer(Posix#file_info.mtime)}),
    {ok, Bin} = file:read_file(Src),
    erlang:display({read, byte_size(Bin) =:= Info#file_info.size,
                    binary:part(Bin, 0, 26)}),
    {ok, Names} = file:list_dir("../../erl"),
    erlang:display({listed, lists:member("file_name_ops.erl", Names)}),
    erlang:display({missing, file:read_file_info("no/such/file"), file:read_file("nope"),
                    file:list_dir("nope")}),
    erlang:display({not_a_dir, file:list_dir(Src)}),
    erlang:display({is, filelib:is_file(Src), filelib:is_dir("../../erl"),
                    filelib:is_regular(Src), filelib:is_dir(Src), filelib:is_file("nope")}),
    {ok, Cwd} = file:get_cwd(),
    erlang:display({cwd, filename:basename(Cwd)}),
    Dir = "file_name_ops.tmp",
    clean(Dir),
    erlang:display({make_dir, file:make_dir(Dir), file:make_dir(Dir)}),
    Sub = filename:join(Dir, "sub"),
    erlang:display({make_sub, file:make_dir(Sub)}),
    {ok, DirInfo} = file:read_file_info(Dir),
    erlang:display({dir_type, DirInfo#file_info.type}),
    Link = filename:join(Dir, "link"),
    erlang:display({symlink, file:make_symlink("sub", Link)}),
    {ok, LinkInfo} = file:read_link_info(Link),
    erlang:display({link_info, LinkInfo#file_info.type, file:read_link(Link),
                    file:read_link(Sub)}),
    {ok, Followed} = file:read_file_info(Link),
    erlang:display({followed, Followed#file_info.type}),
    Hard = filename:join(Dir, "hard.erl"),
    erlang:display({hard_link, file:make_link(Src, Hard)}),
    erlang:display({hard_read, file:read_file(Hard) =:= {ok, Bin}}),
    {ok, L} = file:list_dir(Dir),
    erlang:display({dir_listing, lists:sort(L)}),
    erlang:display({del_dir_not_empty, file:del_dir(Dir)}),
    erlang:display({del_dir_is_file, file:delete(Sub)}),
    Renamed = filename:join(Dir, "renamed"),
    erlang:display({rename, file:rename(Sub, Renamed), filelib:is_dir(Renamed),
                    filelib:is_dir(Sub)}),
    erlang:display({delete, file:delete(Link), file:delete(Hard), file:delete(Hard)}),
    erlang:display({del_dirs, file:del_dir(Renamed), file:del_dir(Dir), file:del_dir(Dir)}),
    erlang:display({name2native, prim_file:internal_name2native("a/b"),
                    prim_file:internal_name2native(["a", [$/, "c"]]),
                    prim_file:internal_name2native(<<"bin">>)}),
    erlang:display({native2name, prim_file:internal_native2name(<<"x/y">>),
                    prim_file:internal_native2name(<<>>)}),
    erlang:display({translatable, prim_file:is_translatable(<<"abc">>)}),
    erlang:display({bad_name, catching(fun() -> prim_file:internal_name2native(atom) end),
                    catching(fun() -> prim_file:internal_native2name("list") end)}),
    erlang:display({bad_file_name, file:read_file_info({not_a_name})}).

%% Removes what an interrupted earlier run may have left.
clean(Dir) ->
    [file:delete(filename:join(Dir, F)) || F <- ["link", "hard.erl"]],
    [file:del_dir(filename:join(Dir, D)) || D <- ["sub", "renamed"]],
    file:del_dir(Dir).

catching(F) ->
    try F() catch C:R -> {C, R} end.
