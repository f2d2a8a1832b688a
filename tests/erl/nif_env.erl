%% Environments, messages and the rest of the process-facing erl_nif API
%% (c-tests/nifs/nif_env.c): terms kept in a process-independent environment across calls,
%% garbage collections and the death of the process they came from; terms built in one
%% environment and copied into another; an environment cleared and reused; enif_send from
%% a created thread with no caller environment (to one process and round-robin to several,
%% to dead processes), from a NIF with the message in the caller's environment, and from a
%% reused message environment; liveness of processes and ports; enif_whereis_pid/port;
%% enif_system_info (whole and older, shorter structures); monotonic time and time offset
%% against erlang:monotonic_time/1 and erlang:time_offset/1, enif_convert_time_unit;
%% enif_snprintf/enif_fprintf with %T; monitors held by a resource (terms, comparison,
%% demonitor, the down callback); enif_dynamic_resource_call; resource binaries.
-module(nif_env).
-export([main/0]).
%% For nif_resource_binary.erl.
-export([blob/2, blob_destroyed/0]).
-compile({no_auto_import, [whereis/1]}).
-on_load(init/0).

init() ->
    erlang:load_nif(filename:join(os:getenv("BEAM_TEST_NIF_DIR"), "nif_env"), 0).

stash(_) -> erlang:nif_error(not_loaded).
unstash() -> erlang:nif_error(not_loaded).
build_elsewhere(_) -> erlang:nif_error(not_loaded).
clear_reuse(_) -> erlang:nif_error(not_loaded).
send_from_thread(_, _, _, _) -> erlang:nif_error(not_loaded).
send_from_nif(_, _) -> erlang:nif_error(not_loaded).
alive(_) -> erlang:nif_error(not_loaded).
whereis(_) -> erlang:nif_error(not_loaded).
self_of() -> erlang:nif_error(not_loaded).
sysinfo(_) -> erlang:nif_error(not_loaded).
monotonic(_) -> erlang:nif_error(not_loaded).
time_offset(_) -> erlang:nif_error(not_loaded).
convert(_, _, _) -> erlang:nif_error(not_loaded).
print_terms(_) -> erlang:nif_error(not_loaded).
print_mixed(_) -> erlang:nif_error(not_loaded).
fprint(_) -> erlang:nif_error(not_loaded).
watch(_) -> erlang:nif_error(not_loaded).
unwatch(_, _) -> erlang:nif_error(not_loaded).
dyn(_, _, _) -> erlang:nif_error(not_loaded).
blob(_, _) -> erlang:nif_error(not_loaded).
blob_destroyed() -> erlang:nif_error(not_loaded).

main() ->
    envs(),
    messages(),
    procs(),
    sysinfo(),
    times(),
    printing(),
    monitors(),
    blobs(),
    ok.

%% ---- environments ---------------------------------------------------------------------------

envs() ->
    Big = binary:copy(<<"0123456789">>, 100),
    T = {Big, binary:part(Big, 5, 20), [1.5, 1 bsl 80, "str"], #{k => Big}, self(), make_ref()},
    ok = stash(T),
    garbage(),
    erlang:garbage_collect(),
    U = unstash(),
    erlang:display({U =:= T, unstash() =:= T}),
    %% A term of a process that has died since.
    Self = self(),
    {P, M} = spawn_monitor(fun() ->
                                   Own = list_to_binary(lists:duplicate(500, $q)),
                                   ok = stash({Own, [Own], binary:part(Own, 1, 2)}),
                                   Self ! stashed
                           end),
    receive stashed -> ok end,
    receive {'DOWN', M, process, P, normal} -> ok end,
    garbage(),
    erlang:garbage_collect(),
    {Own, [Own2], Part} = unstash(),
    erlang:display({byte_size(Own), Own =:= Own2, Part, binary:first(Own)}),
    ok = stash(small),
    erlang:display(unstash()),
    Built = build_elsewhere({a, <<"x">>, [1 bsl 70]}),
    erlang:display(setelement(4, Built, byte_size(element(4, Built)))),
    erlang:display(element(4, Built) =:= list_to_binary(lists:duplicate(200, $z))),
    {I, Bin, Copy} = clear_reuse({arg, Big}),
    erlang:display({I, byte_size(Bin), binary:first(Bin), Copy =:= {arg, Big}}).

garbage() ->
    _ = [lists:seq(1, 50) || _ <- lists:seq(1, 200)],
    ok.

%% ---- messages -------------------------------------------------------------------------------

messages() ->
    Self = self(),
    %% With a resource term: copied into the thread's environment and into each message.
    Payload = {list_to_binary(lists:seq(1, 255)), 1 bsl 100, #{key => [1.5, "text"]}, Self,
               blob(<<"in payload">>, true)},
    erlang:display(send_from_thread([Self], 100, Payload, false)),
    Got = [receive {msg, N, Pl} -> {N, Pl =:= Payload} after 5000 -> timeout end
           || _ <- lists:seq(1, 100)],
    erlang:display(Got =:= [{N, true} || N <- lists:seq(0, 99)]),
    erlang:display(dyn(nif_env, mon, element(1, element(5, Payload)))),
    erlang:display(send_from_thread([Self], 50, small, true)),
    erlang:display([receive {msg, N, small} -> N after 5000 -> timeout end || _ <- lists:seq(1, 50)]
                   =:= lists:seq(0, 49)),
    %% Round-robin to three collectors.
    Cs = [spawn(fun() -> collect(Self, []) end) || _ <- lists:seq(1, 3)],
    erlang:display(send_from_thread(Cs, 300, {data, Payload}, true)),
    [C ! done || C <- Cs],
    Lists = [receive {collected, C, L} -> L end || C <- Cs],
    erlang:display([{length(L), L =:= lists:seq(K, 299, 3)} || {K, L} <- lists:zip([0, 1, 2], Lists)]),
    %% Dead processes.
    Dead = dead_pid(),
    erlang:display(send_from_thread([Dead], 5, x, false)),
    erlang:display(send_from_nif(Dead, x)),
    %% From the NIF itself.
    erlang:display(send_from_nif(Self, {hello, <<"world">>})),
    erlang:display([receive X -> X after 5000 -> timeout end || _ <- lists:seq(1, 4)]),
    erlang:display(receive Extra -> {extra, Extra} after 0 -> none end).

collect(Parent, Acc) ->
    receive
        {msg, N, {data, _}} -> collect(Parent, [N | Acc]);
        done -> Parent ! {collected, self(), lists:reverse(Acc)}
    end.

dead_pid() ->
    {P, M} = spawn_monitor(fun() -> ok end),
    receive {'DOWN', M, process, P, _} -> P end.

%% ---- processes and ports --------------------------------------------------------------------

procs() ->
    Self = self(),
    erlang:display({alive(Self), alive(dead_pid()), alive(not_a_pid)}),
    Port = open_port({spawn, "cat"}, [binary]),
    A1 = alive(Port),
    port_close(Port),
    erlang:display({A1, alive(Port)}),
    P = spawn(fun() -> receive stop -> ok end end),
    register(nif_env_registered, P),
    {Found, no, 1} = whereis(nif_env_registered),
    erlang:display(Found =:= P),
    erlang:display(whereis(nif_env_nobody)),
    erlang:display(whereis("not an atom")),
    Port2 = open_port({spawn, "cat"}, [binary]),
    register(nif_env_port, Port2),
    erlang:display(whereis(nif_env_port)),
    port_close(Port2),
    P ! stop,
    {NoSelf, Me} = self_of(),
    erlang:display({NoSelf, Me =:= Self}).

%% ---- system information and time ------------------------------------------------------------

sysinfo() ->
    [Maj, Min, Erts, Otp, Thr, Smp, Async, Sched, NifMaj, NifMin, Dirty] = sysinfo(56),
    erlang:display({Maj, Min, Erts =:= erlang:system_info(version),
                    Otp =:= erlang:system_info(otp_release), Thr, Smp,
                    Async =:= erlang:system_info(thread_pool_size),
                    Sched =:= erlang:system_info(schedulers), NifMaj, NifMin, Dirty}),
    %% The structures of older headers (up to smp_support, scheduler_threads and
    %% nif_minor_version): only their fields are written.
    [erlang:display(hide_versions(sysinfo(Size))) || Size <- [32, 40, 48]].

hide_versions([Maj, Min, Erts, Otp | Rest]) ->
    [Maj, Min, Erts =:= erlang:system_info(version), Otp =:= erlang:system_info(otp_release)
     | [case X =:= erlang:system_info(schedulers) of
            true -> schedulers;
            false -> X
        end || X <- Rest]].

times() ->
    Units = [{0, second}, {1, millisecond}, {2, microsecond}, {3, nanosecond}],
    erlang:display([begin
                        E1 = erlang:monotonic_time(U),
                        N = monotonic(I),
                        E2 = erlang:monotonic_time(U),
                        E1 =< N andalso N =< E2
                    end || {I, U} <- Units]),
    erlang:display([time_offset(I) =:= erlang:time_offset(U) || {I, U} <- Units]),
    erlang:display([monotonic(4), monotonic(-1), time_offset(9)]),
    Values = [0, 1, -1, 999, -999, 1000, -1001, 1 bsl 40, -(1 bsl 40),
              16#7fffffffffffffff, -16#8000000000000000],
    [erlang:display({V, [convert(V, F, T) || F <- [0, 1, 2, 3], T <- [0, 1, 2, 3]]}) || V <- Values],
    erlang:display([convert(1, 4, 0), convert(1, 0, 4), convert(1, -1, 1)]),
    %% The same conversions as erlang:convert_time_unit/3 where it does not overflow.
    erlang:display(lists:all(fun(X) -> X end,
                             [convert(V, F, T) =:= erlang:convert_time_unit(V, FU, TU)
                              || V <- lists:sublist(Values, 9), {F, FU} <- Units, {T, TU} <- Units])).

%% ---- printing -------------------------------------------------------------------------------

printing() ->
    Terms = [atom, 'Quoted atom', '', "string", [1, 2, 3], [], "", <<"bin">>, <<>>, <<1:3>>,
             <<200, 1>>, 1.5, -0.0, 3.0e100, 1 bsl 100, -(1 bsl 64), {a, [b | c]}, {},
             #{a => 1, "b" => <<"c">>}, 'åäö', "åäö", [$a, 1000], fun lists:map/2,
             lists:seq(1, 30), binary:copy(<<"x">>, 100)],
    [erlang:display(X) || X <- print_terms(Terms)],
    erlang:display(print_mixed({x, "y"})),
    erlang:display(fprint([1, {two}, <<"three">>])).

%% ---- resources ------------------------------------------------------------------------------

monitors() ->
    Ps = [spawn(fun() -> receive stop -> ok end end) || _ <- lists:seq(1, 3)],
    [P1, P2, P3] = Ps,
    {Res, Terms, Rcs, Cmp} = watch(Ps),
    erlang:display({Rcs, Cmp, [is_reference(T) || T <- Terms], length(lists:usort(Terms))}),
    erlang:display(unwatch(Res, 1)),
    erlang:display(dyn(nif_env, mon, Res)),
    [P ! stop || P <- Ps],
    Downs = lists:sort([receive {down, P, W, MT} -> {W, P, MT} after 5000 -> timeout end
                        || _ <- [1, 2]]),
    erlang:display(case Downs of
                       [{0, P1, T1}, {2, P3, T3}] -> {ok, T1 =:= hd(Terms), T3 =:= lists:last(Terms)};
                       Other -> {unexpected, Other}
                   end),
    erlang:display(receive {down, P2, _, _} -> {down_after_demonitor, P2} after 200 -> none end),
    %% Monitoring a dead process fails (> 0); the resource is kept alive meanwhile.
    {_, [_], DeadRc, _} = watch([dead_pid()]),
    erlang:display(DeadRc),
    Blob = blob(<<"b">>, true),
    erlang:display([dyn(nif_env, mon, Res), dyn(nif_env, blob, element(1, Blob)),
                    dyn(nif_env, nope, Res), dyn(other_module, mon, Res),
                    dyn(nif_env, mon, make_ref()), dyn(nif_env, mon, not_a_ref),
                    dyn(nif_env, mon, element(2, Blob))]),
    erlang:display(is_reference(Res)).

blobs() ->
    %% The blobs of messages/0 and monitors/0 are gone.
    erlang:display(wait_destroyed(2)),
    {R, B} = blob(<<"hello resource">>, true),
    erlang:display({B, is_binary(B), byte_size(B), binary:part(B, 6, 8), B =:= <<"hello resource">>}),
    Self = self(),
    P = spawn(fun() -> receive {bin, X} -> Self ! {back, X, binary:part(X, 0, 5)} end end),
    P ! {bin, B},
    erlang:display(receive {back, B2, Part} -> {B2 =:= B, Part} after 5000 -> timeout end),
    erlang:display({<<B/binary, "!">>, term_to_binary(B) =:= term_to_binary(<<"hello resource">>)}),
    %% The destructor runs once the resource term and the binary are both gone.
    D0 = blob_destroyed(),
    keep(R),
    drop_blob(),
    erlang:display(wait_destroyed(D0 + 1)),
    %% A resource term kept in a process-independent environment keeps its object alive
    %% until the environment is cleared.
    ok = stash(element(1, blob(<<"stashed">>, true))),
    erlang:garbage_collect(),
    receive after 50 -> ok end,
    D1 = blob_destroyed(),
    IsRef = is_reference(unstash()),
    ok = stash(cleared),
    erlang:display({D1 - D0, IsRef, wait_destroyed(D0 + 2)}).

keep(_) -> ok.

drop_blob() ->
    erlang:garbage_collect(),
    ok.

wait_destroyed(N) -> wait_destroyed(N, 200).
wait_destroyed(N, 0) -> {timeout, blob_destroyed() - N};
wait_destroyed(N, K) ->
    erlang:garbage_collect(),
    case blob_destroyed() >= N of
        true -> {destroyed, blob_destroyed() - N};
        false -> receive after 5 -> wait_destroyed(N, K - 1) end
    end.
