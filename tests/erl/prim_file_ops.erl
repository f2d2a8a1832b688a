%% prim_file directly (the NIFs under `file`'s raw mode): opening with each mode, reading,
%% writing, positions, pread/pwrite, read_line, truncation, file information, directories,
%% links, renames, deletes, and the errors and badargs of each.
-module(prim_file_ops).
-export([main/0]).

-include_lib("kernel/include/file.hrl").

-define(DIR, "prim_file_ops_tmp").

%% The class and reason of an exception (stack traces differ: `erl` runs `main/0` under `init`).
-define(T(E), t(fun() -> E end)).

main() ->
    _ = rm_rf(?DIR),
    ok = prim_file:make_dir(?DIR),
    try
        names(),
        open_modes(),
        read_write(),
        positions(),
        lines(),
        infos(),
        dirs(),
        links(),
        bad_args(),
        handles()
    after
        rm_rf(?DIR)
    end,
    io:format("gone: ~p~n", [prim_file:read_file_info(?DIR)]).

p(Name) -> ?DIR ++ "/" ++ Name.

show(Label, V) -> io:format("~s: ~p~n", [Label, V]).

t(F) ->
    try F() catch C:R -> {C, R} end.

names() ->
    show("n2n list", prim_file:internal_name2native("abc")),
    show("n2n bin", prim_file:internal_name2native(<<"abc">>)),
    show("n2n deep", prim_file:internal_name2native(["ab", [$c, []], "d"])),
    show("n2n unicode", prim_file:internal_name2native([16#3b1, 255])),
    show("n2n empty", prim_file:internal_name2native([])),
    [show("n2n bad", ?T(prim_file:internal_name2native(X)))
     || X <- [abc, 1.0, [$a | b], [0, $a], <<"a", 0, "b">>, [-1], [16#D800],
              [16#110000], ["ab", <<"c">>], {x}]],
    show("native2name", prim_file:internal_native2name(<<"abc">>)),
    show("native2name utf8", prim_file:internal_native2name(<<206, 177>>)),
    show("native2name bad", prim_file:internal_native2name(<<255, 1>>)),
    show("native2name empty", prim_file:internal_native2name(<<>>)),
    show("native2name list", ?T(prim_file:internal_native2name("ab"))),
    show("translatable", [prim_file:is_translatable(B)
                          || B <- [<<>>, <<"ok">>, <<206, 177>>, <<255>>]]),
    show("translatable bad", ?T(prim_file:is_translatable("ab"))),
    show("normalize", prim_file:internal_normalize_utf8(<<"a", 195, 164>>)),
    show("normalize bad", ?T(prim_file:internal_normalize_utf8(<<255>>))).

open_modes() ->
    F = p("modes.txt"),
    show("open missing read", prim_file:open(F, [read])),
    show("open missing default", prim_file:open(F, [])),
    {ok, W} = prim_file:open(F, [write, binary]),
    show("write", prim_file:write(W, <<"hello ">>)),
    show("write list", prim_file:write(W, ["wor", [$l], <<"d">>, $\n])),
    show("read on write-only", prim_file:read(W, 3)),
    show("close", prim_file:close(W)),
    show("close again", prim_file:close(W)),
    show("write closed", prim_file:write(W, <<"x">>)),
    show("read_file", prim_file:read_file(F)),
    {ok, A} = prim_file:open(F, [append]),
    ok = prim_file:write(A, "more\n"),
    ok = prim_file:close(A),
    show("after append", prim_file:read_file(F)),
    show("exclusive existing", prim_file:open(F, [write, exclusive])),
    {ok, X} = prim_file:open(p("excl.txt"), [exclusive]),
    ok = prim_file:close(X),
    show("exclusive new", prim_file:read_file(p("excl.txt"))),
    {ok, RW} = prim_file:open(F, [read, write, binary]),
    show("rw read", prim_file:read(RW, 5)),
    show("rw write", prim_file:write(RW, <<"!!">>)),
    ok = prim_file:close(RW),
    show("after rw", prim_file:read_file(F)),
    {ok, T} = prim_file:open(F, [write]),
    ok = prim_file:close(T),
    show("write truncates", prim_file:read_file(F)),
    show("open dir", prim_file:open(?DIR, [read])),
    show("open dir write", prim_file:open(?DIR, [write])),
    show("open in missing dir", prim_file:open(p("nodir/x"), [write])),
    show("open through file", prim_file:open(p("excl.txt/x"), [read])),
    show("open bad modes", prim_file:open(F, read)),
    show("open bad name", prim_file:open(1, [read])),
    {ok, D} = prim_file:open(?DIR, [read, directory]),
    show("dir handle read", prim_file:read(D, 1)),
    ok = prim_file:close(D),
    show("read_file dir", prim_file:read_file(?DIR)),
    show("read_file missing", prim_file:read_file(p("missing"))),
    show("read_file bad", prim_file:read_file(self())).

read_write() ->
    F = p("rw.bin"),
    Data = << <<(I rem 256)>> || I <- lists:seq(1, 100000) >>,
    ok = prim_file:write_file(F, Data),
    {ok, Back} = prim_file:read_file(F),
    show("big round trip", {byte_size(Back), Back =:= Data}),
    {ok, R} = prim_file:open(F, [read, binary, {read_ahead, 1000}]),
    {ok, B1} = prim_file:read(R, 10),
    show("read 10", B1),
    {ok, B2} = prim_file:read(R, 70000),
    show("read 70000", {byte_size(B2), binary:part(Data, 10, 70000) =:= B2}),
    {ok, B3} = prim_file:read(R, 70000),
    show("read rest", byte_size(B3)),
    show("read eof", prim_file:read(R, 10)),
    show("read zero", prim_file:read(R, 0)),
    show("read negative", prim_file:read(R, -1)),
    show("read float", ?T(prim_file:read(R, 1.0))),
    show("read atom", ?T(prim_file:read(R, x))),
    ok = prim_file:close(R),
    ok = prim_file:write_file(p("e.txt"), <<>>),
    show("empty file", prim_file:read_file(p("e.txt"))),
    show("write_file iolist", prim_file:write_file(p("l.txt"), ["a", [<<"b">>, $c]])),
    show("l.txt", prim_file:read_file(p("l.txt"))),
    show("write_file bad data", prim_file:write_file(p("l.txt"), [a])),
    show("write_file missing dir", prim_file:write_file(p("no/l.txt"), <<"x">>)).

positions() ->
    F = p("pos.txt"),
    ok = prim_file:write_file(F, <<"0123456789abcdefghij">>),
    {ok, H} = prim_file:open(F, [read, write, binary]),
    show("pos bof", prim_file:position(H, bof)),
    show("pos 5", prim_file:position(H, 5)),
    show("read at 5", prim_file:read(H, 3)),
    show("pos cur", prim_file:position(H, cur)),
    show("pos {cur,-2}", prim_file:position(H, {cur, -2})),
    show("pos eof", prim_file:position(H, eof)),
    show("pos {eof,-3}", prim_file:position(H, {eof, -3})),
    show("read at eof-3", prim_file:read(H, 10)),
    show("pos negative", prim_file:position(H, -1)),
    show("pos {bof,-5}", prim_file:position(H, {bof, -5})),
    show("pos bad", prim_file:position(H, {middle, 1})),
    show("pos past end", prim_file:position(H, 30)),
    show("read past end", prim_file:read(H, 1)),
    show("pread", prim_file:pread(H, 2, 4)),
    show("pread past end", prim_file:pread(H, 100, 4)),
    show("pread list", prim_file:pread(H, [{0, 2}, {18, 5}, {50, 1}])),
    show("pread negative", prim_file:pread(H, -1, 4)),
    show("pread bad", prim_file:pread(H, a, 4)),
    show("pwrite", prim_file:pwrite(H, 1, <<"XY">>)),
    show("pwrite list", prim_file:pwrite(H, [{3, "Z"}, {22, <<"end">>}])),
    show("pwrite negative", prim_file:pwrite(H, -1, <<"x">>)),
    show("pwrite bad", prim_file:pwrite(H, a, <<"x">>)),
    {ok, 0} = prim_file:position(H, bof),
    show("after pwrite", prim_file:read(H, 100)),
    show("pos 10", prim_file:position(H, 10)),
    show("truncate", prim_file:truncate(H)),
    show("sync", prim_file:sync(H)),
    show("datasync", prim_file:datasync(H)),
    show("advise", prim_file:advise(H, 0, 10, sequential)),
    show("advise bad", prim_file:advise(H, 0, 10, sideways)),
    show("advise negative", prim_file:advise(H, -1, 10, normal)),
    show("allocate", prim_file:allocate(H, 0, 100)),
    show("allocate negative", prim_file:allocate(H, 0, -1)),
    ok = prim_file:close(H),
    show("after truncate", prim_file:read_file(F)),
    show("handle op on closed", prim_file:position(H, bof)),
    show("truncate closed", prim_file:truncate(H)).

lines() ->
    F = p("lines.txt"),
    Long = lists:duplicate(700, $x),
    ok = prim_file:write_file(F, ["one\n", "two\r\n", "\n", Long, "\n", "last"]),
    {ok, H} = prim_file:open(F, [read, binary]),
    Ls = read_lines(H, []),
    show("lines", [case byte_size(L) > 20 of true -> byte_size(L); false -> L end
                   || L <- Ls]),
    ok = prim_file:close(H),
    {ok, H2} = prim_file:open(F, [read, binary, read_ahead]),
    {ok, L1} = prim_file:read_line(H2),
    show("first line", L1),
    show("then read 3", prim_file:read(H2, 3)),
    show("position after", prim_file:position(H2, cur)),
    ok = prim_file:close(H2).

read_lines(H, Acc) ->
    case prim_file:read_line(H) of
        {ok, L} -> read_lines(H, [L | Acc]);
        eof -> lists:reverse(Acc)
    end.

infos() ->
    F = p("info.txt"),
    ok = prim_file:write_file(F, <<"12345">>),
    {ok, I} = prim_file:read_file_info(F, [{time, posix}]),
    show("info", {I#file_info.size, I#file_info.type, I#file_info.access,
                  I#file_info.links, is_integer(I#file_info.mtime),
                  I#file_info.mode band 8#170000}),
    {ok, ID} = prim_file:read_file_info(?DIR),
    show("dir info", {ID#file_info.type, tuple_size(ID#file_info.mtime)}),
    {ok, IU} = prim_file:read_file_info(F, [{time, universal}]),
    show("universal", tuple_size(IU#file_info.atime)),
    show("missing", prim_file:read_file_info(p("nope"))),
    show("bad name", prim_file:read_file_info(5)),
    show("under file", prim_file:read_file_info(p("info.txt/x"))),
    ok = prim_file:write_file_info(F, #file_info{mode = 8#600}),
    {ok, I2} = prim_file:read_file_info(F),
    show("mode set", I2#file_info.mode band 8#777),
    T = {{2020, 1, 2}, {3, 4, 5}},
    ok = prim_file:write_file_info(F, #file_info{mtime = T, atime = T}, [{time, universal}]),
    {ok, I3} = prim_file:read_file_info(F, [{time, universal}]),
    show("times set", {I3#file_info.mtime, I3#file_info.atime}),
    ok = prim_file:write_file_info(F, #file_info{mtime = 1000000000}, [{time, posix}]),
    {ok, I4} = prim_file:read_file_info(F, [{time, posix}]),
    show("posix mtime", I4#file_info.mtime),
    show("write info missing", prim_file:write_file_info(p("nope"), #file_info{mode = 8#600})),
    show("write info bad", prim_file:write_file_info(F, #file_info{mode = x})),
    {ok, H} = prim_file:open(F, [read]),
    {ok, HI} = prim_file:read_handle_info(H, [{time, posix}]),
    show("handle info", {HI#file_info.size, HI#file_info.type, HI#file_info.access,
                         HI#file_info.mtime}),
    ok = prim_file:close(H),
    show("handle info closed", prim_file:read_handle_info(H)),
    ok = prim_file:write_file_info(F, #file_info{mode = 8#644}).

dirs() ->
    D = p("sub"),
    show("make_dir", prim_file:make_dir(D)),
    show("make_dir again", prim_file:make_dir(D)),
    show("make_dir missing parent", prim_file:make_dir(p("no/sub"))),
    [ok = prim_file:write_file(D ++ "/" ++ N, N) || N <- ["b", "a", "c"]],
    {ok, Names} = prim_file:list_dir(D),
    show("list_dir", lists:sort(Names)),
    show("list_dir missing", prim_file:list_dir(p("nope"))),
    show("list_dir file", prim_file:list_dir(D ++ "/a")),
    show("list_dir bad", prim_file:list_dir(x)),
    show("del_dir non-empty", prim_file:del_dir(D)),
    show("delete dir", prim_file:delete(D)),
    show("delete missing", prim_file:delete(p("nope"))),
    show("del_dir file", prim_file:del_dir(D ++ "/a")),
    show("rename", prim_file:rename(D ++ "/a", D ++ "/z")),
    show("rename missing", prim_file:rename(D ++ "/a", D ++ "/y")),
    ok = prim_file:make_dir(p("other")),
    ok = prim_file:write_file(p("other/f"), <<>>),
    show("rename over non-empty dir", prim_file:rename(D, p("other"))),
    show("rename dir over file", prim_file:rename(D, p("info.txt"))),
    {ok, Names2} = prim_file:list_dir(D),
    show("after rename", lists:sort(Names2)),
    [ok = prim_file:delete(D ++ "/" ++ N) || N <- Names2],
    show("del_dir", prim_file:del_dir(D)),
    show("del_dir missing", prim_file:del_dir(D)),
    {ok, Cwd} = prim_file:get_cwd(),
    show("cwd is list", io_lib:printable_unicode_list(Cwd)),
    show("set_cwd missing", prim_file:set_cwd(p("nope"))),
    show("set_cwd file", prim_file:set_cwd(p("info.txt"))),
    ok = prim_file:set_cwd(?DIR),
    show("cwd inside", lists:suffix("/" ++ ?DIR, element(2, prim_file:get_cwd()))),
    show("read relative", prim_file:read_file("info.txt")),
    ok = prim_file:set_cwd(".."),
    show("cwd back", prim_file:get_cwd() =:= {ok, Cwd}),
    show("get_cwd drive", prim_file:get_cwd("c:")),
    show("get_cwd other", prim_file:get_cwd("x")),
    show("get_cwd bad", prim_file:get_cwd(x)),
    show("altname", prim_file:altname(p("info.txt"))).

links() ->
    show("symlink", prim_file:make_symlink("info.txt", p("sym"))),
    show("symlink exists", prim_file:make_symlink("info.txt", p("sym"))),
    show("read_link", prim_file:read_link(p("sym"))),
    show("read_link_all", prim_file:read_link_all(p("sym"))),
    show("read_link file", prim_file:read_link(p("info.txt"))),
    show("read_link missing", prim_file:read_link(p("nope"))),
    {ok, LI} = prim_file:read_link_info(p("sym")),
    show("link info", LI#file_info.type),
    {ok, FI} = prim_file:read_file_info(p("sym")),
    show("followed info", FI#file_info.type),
    show("through link", prim_file:read_file(p("sym"))),
    show("dangling", prim_file:make_symlink("nothing", p("dangle"))),
    show("read dangling", prim_file:read_file(p("dangle"))),
    show("dangling link info", element(1, prim_file:read_link_info(p("dangle")))),
    show("hard link", prim_file:make_link(p("info.txt"), p("hard"))),
    show("hard link exists", prim_file:make_link(p("info.txt"), p("hard"))),
    show("hard link missing", prim_file:make_link(p("nope"), p("hard2"))),
    {ok, HI} = prim_file:read_file_info(p("hard")),
    show("links", HI#file_info.links),
    [ok = prim_file:delete(p(N)) || N <- ["sym", "dangle", "hard"]].

bad_args() ->
    {ok, H} = prim_file:open(p("info.txt"), [read]),
    show("read no fd", ?T(prim_file:read(x, 1))),
    show("write no fd", ?T(prim_file:write(x, "a"))),
    show("close no fd", ?T(prim_file:close(x))),
    show("position no fd", ?T(prim_file:position(x, 1))),
    show("write bad data", prim_file:write(H, [x])),
    show("fd not open", prim_file:file_desc_to_ref(1000, [read])),
    show("fd bad", prim_file:file_desc_to_ref(x, [read])),
    ok = prim_file:close(H).

handles() ->
    %% A file whose owner dies is closed (the owner check of `prim_file` is bypassed by
    %% naming ourselves the owner in a copy of the descriptor).
    Self = self(),
    Pid = spawn(fun() ->
                        {ok, H} = prim_file:open(p("info.txt"), [read, binary]),
                        Self ! {handle, H},
                        receive stop -> ok end
                end),
    H = receive {handle, Fd} -> Fd end,
    show("not owner", ?T(prim_file:read(H, 1))),
    Mine = H#file_descriptor{data = (H#file_descriptor.data)#{owner => self()}},
    show("owner alive", prim_file:read(Mine, 2)),
    Ref = monitor(process, Pid),
    Pid ! stop,
    receive {'DOWN', Ref, process, Pid, _} -> ok end,
    receive after 100 -> ok end,
    show("owner dead", prim_file:read(Mine, 2)),
    show("close after owner died", prim_file:close(Mine)),
    show("ipread eof", element(1, prim_file:open(p("ip.bin"), [write]))),
    ok = prim_file:write_file(p("ip.bin"), <<0, 0, 0, 3, 0, 0, 0, 8, "abcdef">>),
    {ok, I} = prim_file:open(p("ip.bin"), [read, binary]),
    show("ipread", prim_file:ipread_s32bu_p32bu(I, 0, 100)),
    show("ipread too big", prim_file:ipread_s32bu_p32bu(I, 0, 2)),
    show("ipread infinity", prim_file:ipread_s32bu_p32bu(I, 0, infinity)),
    show("ipread short", prim_file:ipread_s32bu_p32bu(I, 10, 100)),
    show("ipread bad", prim_file:ipread_s32bu_p32bu(I, x, 100)),
    show("handle size", byte_size(prim_file:get_handle(I))),
    ok = prim_file:close(I),
    show("get_handle closed", prim_file:get_handle(I)).

rm_rf(Path) ->
    case prim_file:read_link_info(Path) of
        {ok, #file_info{type = directory}} ->
            {ok, Names} = prim_file:list_dir(Path),
            [rm_rf(Path ++ "/" ++ N) || N <- Names],
            prim_file:del_dir(Path);
        {ok, _} ->
            prim_file:delete(Path);
        Error ->
            Error
    end.
