#!/usr/bin/env escript
%% Makes a compiled-beam escript and an archive escript in the folder given (escript:create/2;
%% the archive is zipped with deflate, so the zlib NIF is used). Every archive member has a
%% fixed time stamp, so two runs make the same bytes.
-include_lib("kernel/include/file.hrl").

main([Dir]) ->
    Hello = compile_src(
        "-module(beam_script).\n"
        "-export([main/1]).\n"
        "main(Args) ->\n"
        "    io:format(\"beam escript ~p ~s~n\", [Args, filename:basename(escript:script_name())]),\n"
        "    io:format(\"~p~n\", [init:get_argument(beamflag)]),\n"
        "    halt(length(Args) + 7).\n"),
    ok = escript:create(filename:join(Dir, "beam_script"),
                        [shebang, {comment, "made by make_escripts"},
                         {emu_args, "-beamflag on"}, {beam, Hello}]),
    Main = compile_src(
        "-module(archive_script).\n"
        "-export([main/1]).\n"
        "main(Args) ->\n"
        "    io:format(\"archive escript ~p~n\", [Args]),\n"
        "    io:format(\"~s~n\", [helper:greet(\"archive\")]),\n"
        "    {ok, Parts} = escript:extract(escript:script_name(), []),\n"
        "    {archive, Zip} = lists:keyfind(archive, 1, Parts),\n"
        "    {ok, Files} = zip:extract(Zip, [memory]),\n"
        "    [io:format(\"~s ~p ~p~n\", [N, byte_size(B), erlang:md5(B)]) || {N, B} <- lists:sort(Files)],\n"
        "    {ok, Text, _} = erl_prim_loader:get_file(filename:join(escript:script_name(), \"data/words.txt\")),\n"
        "    io:format(\"words: ~p~n\", [length(string:lexemes(binary_to_list(Text), \" \\n\"))]),\n"
        "    halt(3).\n"),
    Helper = compile_src(
        "-module(helper).\n"
        "-export([greet/1]).\n"
        "greet(Who) -> lists:flatten([\"hello from the \", Who, \" helper\"]).\n"),
    Words = iolist_to_binary([[integer_to_list(N), " word\n"] || N <- lists:seq(1, 2000)]),
    Info = #file_info{size = 0, type = regular, access = read_write, mode = 8#644,
                      atime = {{2020, 1, 2}, {3, 4, 6}}, mtime = {{2020, 1, 2}, {3, 4, 6}},
                      ctime = {{2020, 1, 2}, {3, 4, 6}}, links = 1, major_device = 0,
                      minor_device = 0, inode = 0, uid = 0, gid = 0},
    Member = fun(Name, Bin) -> {Name, Bin, Info#file_info{size = byte_size(Bin)}} end,
    ok = escript:create(filename:join(Dir, "archive_script"),
                        [shebang, {archive, [Member("archive_script.beam", Main),
                                             Member("helper.beam", Helper),
                                             Member("data/words.txt", Words)], []}]),
    io:format("made ~p and ~p bytes~n",
              [filelib:file_size(filename:join(Dir, "beam_script")),
               filelib:file_size(filename:join(Dir, "archive_script"))]).

compile_src(Src) ->
    {ok, Toks, _} = erl_scan:string(Src),
    Forms = split_forms(Toks, [], []),
    {ok, _, Bin} = compile:forms(Forms, [binary, deterministic]),
    Bin.

split_forms([], [], Acc) -> lists:reverse(Acc);
split_forms([{dot, _} = Dot | T], Cur, Acc) ->
    {ok, F} = erl_parse:parse_form(lists:reverse([Dot | Cur])),
    split_forms(T, [], [F | Acc]);
split_forms([H | T], Cur, Acc) -> split_forms(T, [H | Cur], Acc).
