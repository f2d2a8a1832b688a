%% The `file` module over OTP's own file server (`file_server_2`) and I/O servers
%% (`file_io_server`), and raw files: whole-file functions, open/read/write/close in list,
%% binary and raw modes, positions, read_line, file information with each time unit,
%% directories, `filelib:wildcard/1`, `file:consult/1`, and the errors of each.
-module(file_module).
-export([main/0]).

-include_lib("kernel/include/file.hrl").

-define(DIR, "file_module_tmp").

main() ->
    _ = del_tree(?DIR),
    ok = file:make_dir(?DIR),
    try
        whole_files(),
        io_servers(),
        raw_files(),
        infos(),
        dirs(),
        terms(),
        wildcards()
    after
        del_tree(?DIR)
    end,
    io:format("gone: ~p~n", [file:read_file_info(?DIR)]).

p(Name) -> filename:join(?DIR, Name).

show(Label, V) -> io:format("~s: ~p~n", [Label, V]).

t(F) ->
    try F() catch C:R -> {C, R} end.

whole_files() ->
    show("write_file", file:write_file(p("a.txt"), <<"line one\nline two\n">>)),
    show("read_file", file:read_file(p("a.txt"))),
    show("write_file list", file:write_file(p("b.txt"), ["ab", [$c | <<"de">>], 10])),
    show("read_file list", file:read_file(p("b.txt"))),
    show("write_file append", file:write_file(p("b.txt"), "more", [append])),
    show("read_file appended", file:read_file(p("b.txt"))),
    show("write_file atom name", file:write_file(list_to_atom(p("c.txt")), <<"c">>)),
    show("read_file atom name", file:read_file(list_to_atom(p("c.txt")))),
    show("read_file binary name", file:read_file(list_to_binary(p("c.txt")))),
    show("read_file missing", file:read_file(p("missing"))),
    show("read_file dir", file:read_file(?DIR)),
    show("read_file bad name", t(fun() -> file:read_file({x}) end)),
    show("write_file bad data", t(fun() -> file:write_file(p("d.txt"), [foo]) end)),
    show("write_file missing dir", file:write_file(p("nodir/d.txt"), <<"x">>)),
    show("write_file to dir", file:write_file(?DIR, <<"x">>)),
    show("copy", file:copy(p("a.txt"), p("copy.txt"))),
    show("copied", file:read_file(p("copy.txt"))),
    show("copy missing", file:copy(p("missing"), p("copy2.txt"))),
    Big = binary:copy(<<"0123456789">>, 20000),
    ok = file:write_file(p("big.bin"), Big),
    {ok, BigBack} = file:read_file(p("big.bin")),
    show("big", {byte_size(BigBack), BigBack =:= Big}).

io_servers() ->
    {ok, F} = file:open(p("a.txt"), [read]),
    show("read list", file:read(F, 4)),
    show("read_line", file:read_line(F)),
    show("position cur", file:position(F, cur)),
    show("io:get_line", io:get_line(F, '')),
    show("read at eof", file:read(F, 1)),
    show("read_line at eof", file:read_line(F)),
    show("position bof", file:position(F, bof)),
    show("pread", file:pread(F, 5, 3)),
    show("pread list", file:pread(F, [{0, 4}, {100, 1}])),
    show("write on read-only", file:write(F, "x")),
    show("close", file:close(F)),
    show("close again", file:close(F)),
    show("read closed", file:read(F, 1)),
    {ok, B} = file:open(p("bin.txt"), [write, read, binary]),
    show("write", file:write(B, <<"hello\nworld\n">>)),
    show("position", file:position(B, 0)),
    show("read binary", file:read(B, 3)),
    show("read_line binary", file:read_line(B)),
    show("io:format", io:format(B, "~p~n", [{x, 1}])),
    show("position eof", file:position(B, eof)),
    show("pwrite", file:pwrite(B, 0, <<"J">>)),
    show("truncate at 4", {file:position(B, 4), file:truncate(B)}),
    show("sync", file:sync(B)),
    ok = file:close(B),
    show("after edits", file:read_file(p("bin.txt"))),
    show("open missing", file:open(p("missing"), [read])),
    show("open dir", file:open(?DIR, [read])),
    {ok, Bogus} = file:open(p("a.txt"), [bogus]),
    show("open unknown mode", file:read(Bogus, 4)),
    ok = file:close(Bogus),
    show("open bad name", file:open({x}, [read])),
    {ok, E} = file:open(p("new.txt"), [write, exclusive]),
    ok = file:write(E, "new"),
    ok = file:close(E),
    show("exclusive again", file:open(p("new.txt"), [write, exclusive])),
    {ok, U} = file:open(p("u.txt"), [write, {encoding, utf8}]),
    ok = io:put_chars(U, [16#3b1, $\n]),
    ok = file:close(U),
    show("utf8 file", file:read_file(p("u.txt"))),
    %% The file is closed when the process that opened it dies.
    Self = self(),
    Pid = spawn(fun() -> {ok, D} = file:open(p("a.txt"), [read]), Self ! {fd, D} end),
    D = receive {fd, Fd} -> Fd end,
    Ref = monitor(process, Pid),
    receive {'DOWN', Ref, process, Pid, _} -> ok end,
    receive after 50 -> ok end,
    show("read after owner died", file:read(D, 1)).

raw_files() ->
    {ok, R} = file:open(p("a.txt"), [raw, binary, read]),
    show("raw read", file:read(R, 4)),
    show("raw read_line", file:read_line(R)),
    show("raw position", file:position(R, {cur, -2})),
    show("raw read_line 2", file:read_line(R)),
    show("raw read_line 3", file:read_line(R)),
    show("raw eof", file:read_line(R)),
    show("raw pread", file:pread(R, 0, 4)),
    show("raw close", file:close(R)),
    show("raw closed read", file:read(R, 1)),
    {ok, L} = file:open(p("a.txt"), [raw, read, read_ahead]),
    show("raw list read", file:read(L, 4)),
    show("raw list line", file:read_line(L)),
    ok = file:close(L),
    {ok, W} = file:open(p("raw.txt"), [raw, write, binary]),
    show("raw write", file:write(W, [<<"abc">>, "def"])),
    show("raw write bad", file:write(W, [foo])),
    show("raw read on write", file:read(W, 1)),
    ok = file:close(W),
    show("raw written", file:read_file(p("raw.txt"))),
    show("raw open missing", file:open(p("missing"), [raw, read])),
    show("raw open dir", file:open(?DIR, [raw, read])),
    {ok, DI} = file:open(?DIR, [raw, read, directory]),
    ok = file:close(DI),
    show("raw directory", ok),
    Self = self(),
    {ok, O} = file:open(p("a.txt"), [raw, read]),
    spawn(fun() -> Self ! {other, t(fun() -> file:read(O, 1) end)} end),
    show("raw from other process", receive {other, X} -> X end),
    ok = file:close(O).

infos() ->
    F = p("a.txt"),
    {ok, I} = file:read_file_info(F),
    show("info", {I#file_info.size, I#file_info.type, I#file_info.access,
                  I#file_info.links, I#file_info.mode band 8#170000}),
    show("local time", tuple_size(I#file_info.mtime)),
    {ok, P} = file:read_file_info(F, [{time, posix}]),
    show("posix time", is_integer(P#file_info.mtime)),
    {ok, Un} = file:read_file_info(F, [{time, universal}]),
    show("universal matches posix",
         calendar:datetime_to_gregorian_seconds(Un#file_info.mtime) - 62167219200
             =:= P#file_info.mtime),
    show("dir", element(3, element(2, file:read_file_info(?DIR)))),
    show("missing", file:read_file_info(p("missing"))),
    show("bad name", file:read_file_info({x})),
    show("bad time", t(fun() -> file:read_file_info(F, [{time, never}]) end)),
    show("change_mode", file:change_mode(F, 8#640)),
    {ok, M} = file:read_file_info(F),
    show("mode", M#file_info.mode band 8#777),
    show("change_time", file:change_time(F, {{2001, 2, 3}, {4, 5, 6}})),
    {ok, T} = file:read_file_info(F, [{time, local}]),
    show("mtime", T#file_info.mtime),
    show("write_file_info posix",
         file:write_file_info(F, #file_info{mtime = 86400, atime = 86400}, [{time, posix}])),
    {ok, T2} = file:read_file_info(F, [{time, posix}]),
    show("posix times", {T2#file_info.mtime, T2#file_info.atime}),
    show("change_mode missing", file:change_mode(p("missing"), 8#600)),
    ok = file:make_symlink("a.txt", p("link")),
    {ok, LI} = file:read_link_info(p("link")),
    show("link info", LI#file_info.type),
    show("read_link", file:read_link(p("link"))),
    show("read_link plain", file:read_link(F)),
    show("is_file", {filelib:is_file(F), filelib:is_dir(?DIR), filelib:is_regular(?DIR)}),
    show("file_size", filelib:file_size(F)),
    ok = file:delete(p("link")),
    ok = file:change_mode(F, 8#644).

dirs() ->
    D = p("sub"),
    show("make_dir", file:make_dir(D)),
    show("make_dir exists", file:make_dir(D)),
    show("make_dir missing parent", file:make_dir(p("x/y"))),
    [ok = file:write_file(filename:join(D, N), N) || N <- ["one", "two", "three"]],
    {ok, Names} = file:list_dir(D),
    show("list_dir", lists:sort(Names)),
    show("list_dir missing", file:list_dir(p("missing"))),
    show("list_dir file", file:list_dir(p("a.txt"))),
    show("list_dir bad", file:list_dir({x})),
    show("del_dir non-empty", file:del_dir(D)),
    show("delete dir", file:delete(D)),
    show("rename", file:rename(filename:join(D, "one"), filename:join(D, "uno"))),
    show("rename missing", file:rename(filename:join(D, "one"), filename:join(D, "x"))),
    {ok, Names2} = file:list_dir(D),
    show("renamed", lists:sort(Names2)),
    show("ensure_dir", filelib:ensure_dir(p("deep/er/file"))),
    show("ensured", filelib:is_dir(p("deep/er"))),
    show("del_dir", file:del_dir(p("deep/er"))),
    show("delete missing", file:delete(p("missing"))),
    {ok, Cwd} = file:get_cwd(),
    show("set_cwd", file:set_cwd(?DIR)),
    show("relative read", file:read_file("a.txt")),
    show("set_cwd back", file:set_cwd("..")),
    show("cwd restored", file:get_cwd() =:= {ok, Cwd}),
    show("set_cwd missing", file:set_cwd(p("missing"))).

terms() ->
    ok = file:write_file(p("terms.txt"),
                         "{a, 1}.\n%% comment\n[x, \"str\", <<\"bin\">>].\n#{k => v}.\n"),
    show("consult", file:consult(p("terms.txt"))),
    ok = file:write_file(p("bad.txt"), "{a, 1}.\n{b,\n"),
    show("consult bad", file:consult(p("bad.txt"))),
    ok = file:write_file(p("syntax.txt"), "{a, 1}.\n{b c}.\n"),
    show("consult syntax", file:consult(p("syntax.txt"))),
    show("consult missing", file:consult(p("missing"))),
    show("path_consult", element(1, file:path_consult([?DIR], "terms.txt"))),
    ok = file:write_file(p("script.txt"), "X = 2, X * 21.\n"),
    show("script", file:script(p("script.txt"))),
    show("eval", file:eval(p("script.txt"))).

wildcards() ->
    W = p("w"),
    ok = file:make_dir(W),
    [ok = file:write_file(filename:join(W, N), "")
     || N <- ["a.erl", "b.erl", "c.hrl", "d.txt"]],
    ok = file:make_dir(filename:join(W, "sub")),
    ok = file:write_file(filename:join([W, "sub", "e.erl"]), ""),
    show("*.erl", filelib:wildcard(W ++ "/*.erl")),
    show("*.{erl,hrl}", filelib:wildcard(W ++ "/*.{erl,hrl}")),
    show("*/*.erl", filelib:wildcard(W ++ "/*/*.erl")),
    show("?.txt", filelib:wildcard(W ++ "/?.txt")),
    show("[ab].erl", filelib:wildcard(W ++ "/[ab].erl")),
    show("**", lists:sort(filelib:wildcard(W ++ "/**/*.erl"))),
    show("cwd relative", filelib:wildcard("*.erl", W)),
    show("none", filelib:wildcard(W ++ "/*.beam")),
    show("fold_files", lists:sort(filelib:fold_files(W, "\\.erl$", true,
                                                     fun(F, A) -> [F | A] end, []))).

del_tree(Path) ->
    case file:read_link_info(Path) of
        {ok, #file_info{type = directory}} ->
            {ok, Names} = file:list_dir(Path),
            [del_tree(filename:join(Path, N)) || N <- Names],
            file:del_dir(Path);
        {ok, _} ->
            file:delete(Path);
        Error ->
            Error
    end.
