-module(load_bench).
-export([main/0]).
%% Times the loader: erlang:prepare_loading/2 (read, check and prepare a module's code, not
%% install it) over two sets of .beam files read into memory first:
%%   start  the 11 modules a `beam --bare` start loads (its I/O and file servers)
%%   libs   every module of stdlib, kernel and compiler
%% Prints {Set, Modules, Kilobytes, MicrosecondsPerRound}, the best of a few rounds.
main() ->
    Root = code:root_dir(),
    Lib = fun(App) -> hd(filelib:wildcard(filename:join([Root, "lib", App ++ "-*", "ebin"]))) end,
    Start = [{erts, prim_buffer}, {erts, prim_file}, {kernel, user}, {kernel, file_server},
             {kernel, standard_error}, {stdlib, gen_server}, {erts, erlang},
             {stdlib, proc_lib}, {stdlib, gen}, {erts, init}, {stdlib, queue}],
    StartFiles = [filename:join(Lib(atom_to_list(A)), atom_to_list(M) ++ ".beam")
                  || {A, M} <- Start],
    LibFiles = lists:append([filelib:wildcard(filename:join(Lib(A), "*.beam"))
                             || A <- ["stdlib", "kernel", "compiler"]]),
    run(start, StartFiles, 20),
    run(libs, LibFiles, 3).

run(Set, Files, Rounds) ->
    Mods = [read(F) || F <- Files],
    Bytes = lists:sum([byte_size(B) || {_, B} <- Mods]),
    Best = lists:min([round_us(Mods) || _ <- lists:seq(1, Rounds)]),
    io:format("~p~n", [{Set, length(Mods), Bytes div 1024, Best}]).

read(File) ->
    {ok, Bin} = file:read_file(File),
    {list_to_atom(filename:basename(File, ".beam")), Bin}.

round_us(Mods) ->
    T0 = erlang:monotonic_time(microsecond),
    [prepare(M, B) || {M, B} <- Mods],
    erlang:monotonic_time(microsecond) - T0.

prepare(M, B) ->
    case erlang:prepare_loading(M, B) of
        {error, Why} -> exit({M, Why});
        _Prepared -> ok
    end.
