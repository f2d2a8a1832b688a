%% Code in zip archives, as `escript` and `code:set_primary_archive/4` use them: a primary
%% archive (paths under its file name lie inside it), `.ez` archives named by a path
%% component, what `erl_prim_loader` lists, reads and reports inside them (with the folders
%% that have no entry of their own), and a module loaded from an archive's `App/ebin`.
%% Paths are printed with the scratch folder replaced by "TMP"; the times of zip entries
%% (the moment the archive was made) are left out.
-module(code_archive_bare).
-export([main/0]).

-include_lib("kernel/include/file.hrl").

main() ->
    Tmp = "/tmp/code_archive_bare_" ++ os:getpid(),
    _ = file:make_dir(Tmp),
    put(tmp, Tmp),
    {make, MakeBin, _} = code:get_object_code(make),
    Files = [{"arch_app/ebin/make.beam", MakeBin},
             {"arch_app/priv/data.txt", <<"hello archive">>},
             {"arch_app/priv/", <<>>},
             {"other-1.0/ebin/", <<>>},
             {"top.txt", <<"top">>}],
    {ok, {_, Zip}} = zip:create("a.zip", Files, [memory]),
    {ok, {_, Stored}} = zip:create("b.zip", Files, [memory, {compress, []}]),

    %% A primary archive (an escript's archive part, written alone here).
    Esc = Tmp ++ "/prog.escript",
    ok = file:write_file(Esc, Zip),
    {ok, FI} = file:read_file_info(Esc),
    show(code:set_primary_archive(Esc, <<"not a zip">>, FI, fun file:read_file/1)),
    show(code:set_primary_archive(Esc, Zip, FI, fun file:read_file/1)),
    show(lists:sublist(code:get_path(), 3)),
    show(code:is_loaded(make)),
    show(code:which(make)),
    show(list_dir(Esc)),
    show(list_dir(Esc ++ "/")),
    show(list_dir(Esc ++ "/arch_app")),
    show(list_dir(Esc ++ "/arch_app/ebin")),
    show(list_dir(Esc ++ "/arch_app/priv")),
    show(list_dir(Esc ++ "/arch_app/priv/")),
    show(list_dir(Esc ++ "/other-1.0")),
    show(list_dir(Esc ++ "/top.txt")),
    show(list_dir(Esc ++ "/nothing")),
    show(erl_prim_loader:get_file(Esc ++ "/arch_app/priv/data.txt")),
    show(erl_prim_loader:get_file(Esc ++ "/top.txt")),
    show(erl_prim_loader:get_file(Esc ++ "/arch_app/priv/")),
    show(erl_prim_loader:get_file(Esc ++ "/arch_app/")),
    show(erl_prim_loader:get_file(Esc ++ "/nope")),
    {ok, B, _} = erl_prim_loader:get_file(Esc ++ "/arch_app/ebin/make.beam"),
    show(B =:= MakeBin),
    show(info(Esc ++ "/arch_app/priv/data.txt")),
    show(info(Esc ++ "/arch_app/priv")),
    show(info(Esc ++ "/nope")),
    {ok, VDir} = erl_prim_loader:read_file_info(Esc ++ "/arch_app"),
    show(VDir =:= FI#file_info{type = directory}),
    {ok, Top} = erl_prim_loader:read_file_info(Esc),
    show({Top#file_info.type, Top#file_info.size =:= FI#file_info.size}),
    %% A relative name and `..` reach the same archive.
    {ok, Cwd} = file:get_cwd(),
    ok = file:set_cwd(Tmp),
    show(list_dir("prog.escript/arch_app/ebin")),
    show(list_dir("../" ++ filename:basename(Tmp) ++ "/prog.escript/arch_app")),
    ok = file:set_cwd(Cwd),
    %% The module comes from the archive.
    show(make:module_info(module)),
    show(code:is_loaded(make)),
    show(erlang:function_exported(make, all, 0)),
    show(erl_prim_loader:set_primary_archive(undefined, undefined, undefined,
                                             fun file:read_file/1)),
    show(erl_prim_loader:set_primary_archive(undefined, undefined, undefined,
                                             fun file:read_file/1)),
    show(list_dir(Esc)),

    %% Archives named by a `.ez` component, read from disk at each request.
    Ez = Tmp ++ "/lib.ez",
    ok = file:write_file(Ez, Stored),
    show(list_dir(Ez)),
    show(list_dir(Ez ++ "/arch_app/priv")),
    show(erl_prim_loader:get_file(Ez ++ "/arch_app/priv/data.txt")),
    show(erl_prim_loader:get_file(Ez ++ "/top.txt")),
    show(info(Ez ++ "/top.txt")),
    show(info(Ez ++ "/arch_app")),
    show(erl_prim_loader:get_file(Tmp ++ "/missing.ez/top.txt")),
    show(list_dir(Tmp ++ "/missing.ez")),
    Bad = Tmp ++ "/bad.ez",
    ok = file:write_file(Bad, <<"PK but not an archive at all">>),
    show(list_dir(Bad)),
    show(erl_prim_loader:get_file(Bad ++ "/x")),
    show(code:add_patha(Ez ++ "/arch_app/ebin")),
    show(code:add_patha(Ez ++ "/no_app/ebin")),
    show(hd(code:get_path())),
    code:del_path(Ez ++ "/arch_app/ebin"),
    [ok = file:delete(F) || F <- [Esc, Ez, Bad]],
    ok = file:del_dir(Tmp),
    erlang:display(done).

list_dir(D) ->
    case erl_prim_loader:list_dir(D) of
        {ok, Names} -> {ok, lists:sort(Names)};
        Other -> Other
    end.

%% A file info without the times of the zip entry.
info(F) ->
    case erl_prim_loader:read_file_info(F) of
        {ok, #file_info{size = S, type = T, access = A, mode = M, links = L, inode = I,
                        uid = U}} ->
            {ok, S, T, A, M, L, I =:= 0, U};
        Other ->
            Other
    end.

show(T) ->
    erlang:display(scrub(T)).

scrub(L) when is_list(L) ->
    Tmp = get(tmp),
    case io_lib:printable_list(L) andalso lists:prefix(Tmp, L) of
        true -> "TMP" ++ lists:nthtail(length(Tmp), L);
        false -> [scrub(E) || E <- L]
    end;
scrub(T) when is_tuple(T) ->
    list_to_tuple(scrub(tuple_to_list(T)));
scrub(B) when is_binary(B), byte_size(B) > 100 ->
    {binary, byte_size(B)};
scrub(T) ->
    T.
