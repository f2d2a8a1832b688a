%% Reads a crash dump with OTP's crashdump_viewer (the functions its GUI calls) and prints
%% what it found about cd_prog's system, in a form that does not depend on pids or times:
%% the same text for a dump of the real erl and of beam.
-module(cdv_check).
-export([main/1]).

main([File]) ->
    {ok, _} = crashdump_viewer:start_link(),
    ok = crashdump_viewer:read_file(File),
    {ok, GI, _} = crashdump_viewer:general_info(),
    out("slogan", element(3, GI)),
    out("node", element(7, GI)),
    {ok, Procs, _} = crashdump_viewer:processes(),
    Names = maps:from_list([{element(2, P), element(3, P)} || P <- Procs]),
    Name = fun(Pid) -> maps:get(Pid, Names, "?") end,
    out("named processes", lists:sort([N || N <- maps:values(Names),
                                            lists:member(N, ["cd_main", "cd_waiter", "init",
                                                             "code_server", "kernel_sup"])])),
    Failed = [P || P <- maps:keys(Names),
                   not is_tuple(catch crashdump_viewer:proc_details(pid_to_list(P)))],
    out("unreadable processes", length(Failed)),
    [Main] = [P || P <- maps:keys(Names), maps:get(P, Names) =:= "cd_main"],
    {ok, Detail, _} = crashdump_viewer:proc_details(pid_to_list(Main)),
    %% #proc{}: msg_q is element 10, dict element 18 (observer's crashdump_viewer.hrl).
    out("cd_main messages", element(10, Detail)),
    out("cd_main dictionary", [D || {cd_key, _} = D <- element(18, Detail)]),
    %% #ets_table{pid, slot, id, name, is_named, data_type, buckets, size, memory, details}.
    {ok, Tabs, _} = crashdump_viewer:ets_tables(all),
    [Tab] = [T || T <- Tabs, element(4, T) =:= "cd_table"],
    out("cd_table", {Name(element(2, Tab)), element(5, Tab), element(6, Tab),
                     element(7, Tab), element(9, Tab),
                     maps:get(protection, element(11, Tab))}),
    %% #timer{pid, name, msg, time}.
    {ok, Timers, _} = crashdump_viewer:timers(all),
    out("timers", lists:sort([{Name(element(2, T)), unref(element(4, T)),
                               element(5, T) > 0} || T <- Timers,
                                                     lists:member(Name(element(2, T)),
                                                                  ["cd_main", "cd_waiter"])])),
    {ok, Mods, _} = crashdump_viewer:loaded_modules(),
    %% #loaded_mod{mod = {NameBinary, Quoting}, current_size, ...}.
    out("cd_prog loaded", [N || M <- Mods, {N, _} <- [element(2, M)], N =:= <<"cd_prog">>]),
    {ok, ModDetail, _} = crashdump_viewer:loaded_mod_details("cd_prog"),
    %% #loaded_mod{mod, current_size, current_attrib, current_comp_info, old_size, ...}.
    out("cd_prog attributes", lists:flatten(element(4, ModDetail))),
    out("cd_prog compilation info", lists:flatten(element(5, ModDetail))),
    out("cd_prog old code", element(6, ModDetail)),
    {ok, Ports, _} = crashdump_viewer:ports(),
    out("fd ports", lists:sort([element(11, P) || P <- Ports,
                                                 lists:prefix("UNIX fd", element(11, P))])),
    {ok, Atoms, _} = crashdump_viewer:atoms(),
    Texts = [T || {_, {T, _}} <- Atoms],
    out("atoms found", [A || A <- [<<"cd_table">>, <<"cd_waiter">>, <<"tick">>],
                             lists:member(A, Texts)]),
    halt().

out(Label, Value) ->
    io:format("~s: ~p~n", [Label, Value]).

%% "#Ref<...>" texts differ between any two runs.
unref(Text) ->
    re:replace(Text, "#Ref<[0-9.]+>", "#Ref", [global, {return, list}]).
