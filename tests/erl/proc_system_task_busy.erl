%% System tasks asked of processes that are busy running (they never wait), as OTP's
%% erts_code_purger and garbage_collect/1,2 ask them: the target does the task between its
%% time slices and answers. garbage_collect/1,2 (sync, async, minor) and check_process_code/2,3
%% of a process running old code, one running new code, and the caller itself.
-module(proc_system_task_busy).
-export([main/0]).

show(Label, V) -> io:format("~s: ~p~n", [Label, V]).

stop(P) ->
    P ! {self(), stop},
    receive {stopped, P, N} -> is_integer(N) after 10000 -> timeout end.

main() ->
    Busy = [spawn(proc_system_task_spinner, spin, [0]) || _ <- lists:seq(1, 3)],
    show("gc of busy processes",
         lists:usort([erlang:garbage_collect(P) || P <- Busy, _ <- lists:seq(1, 100)])),
    show("minor gc of busy processes",
         lists:usort([erlang:garbage_collect(P, [{type, minor}])
                      || P <- Busy, _ <- lists:seq(1, 100)])),
    Reqs = [{P, make_ref()} || P <- Busy, _ <- lists:seq(1, 20)],
    show("async gc requests", lists:usort([erlang:garbage_collect(P, [{async, R}]) || {P, R} <- Reqs])),
    show("async gc answers",
         lists:usort([receive {garbage_collect, R, Res} -> Res after 10000 -> timeout end
                      || {_, R} <- Reqs])),
    show("no old code yet",
         [erlang:check_process_code(P, proc_system_task_spinner) || P <- Busy]),
    {M, Bin, File} = code:get_object_code(proc_system_task_spinner),
    show("load new version", code:load_binary(M, File, Bin)),
    show("old code", erlang:check_old_code(proc_system_task_spinner)),
    show("busy processes run old code",
         lists:usort([erlang:check_process_code(P, proc_system_task_spinner)
                      || P <- Busy, _ <- lists:seq(1, 50)])),
    Fresh = spawn(proc_system_task_spinner, spin, [0]),
    show("a new process runs new code",
         lists:usort([erlang:check_process_code(Fresh, proc_system_task_spinner)
                      || _ <- lists:seq(1, 50)])),
    show("the caller", erlang:check_process_code(self(), proc_system_task_spinner)),
    R1 = make_ref(),
    show("async check", erlang:check_process_code(hd(Busy), proc_system_task_spinner, [{async, R1}])),
    show("async answer", receive {check_process_code, R1, A} -> A after 10000 -> timeout end),
    show("soft purge refused", code:soft_purge(proc_system_task_spinner)),
    show("stopped", [stop(P) || P <- [Fresh | Busy]]),
    show("soft purge after they stopped", code:soft_purge(proc_system_task_spinner)),
    Dead = spawn(fun() -> ok end),
    Ref = monitor(process, Dead),
    receive {'DOWN', Ref, _, _, _} -> ok end,
    show("dead process", {erlang:garbage_collect(Dead),
                          erlang:check_process_code(Dead, proc_system_task_spinner)}).
