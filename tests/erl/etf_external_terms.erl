%% binary_to_term/1 of terms OTP 25 accepts: bignums with any non-zero sign byte, EXPORT_EXT
%% with any non-negative small arity, NEW_FUN_EXT round trips, and pids, ports and references
%% of other nodes, which decode into external terms that compare, hash, re-encode and report
%% their node as OTP's do on a node that is not alive. (Their printed form holds a node number
%% that differs between VMs, so it is not printed.)
-module(etf_external_terms).
-export([main/0, clo/1]).

clo(X) -> fun(Y) -> {X, Y} end.

t(B) -> try binary_to_term(B) of V -> {ok, V} catch C:R -> {C, R} end.

pid(Node, Id, Ser, Cr) ->
    N = atom_to_binary(Node),
    binary_to_term(<<131, 88, 100, (byte_size(N)):16, N/binary, Id:32, Ser:32, Cr:32>>).
port(Node, Id, Cr) ->
    N = atom_to_binary(Node),
    binary_to_term(<<131, 120, 100, (byte_size(N)):16, N/binary, Id:64, Cr:32>>).
ref(Node, Ws, Cr) ->
    N = atom_to_binary(Node),
    binary_to_term(<<131, 90, (length(Ws)):16, 100, (byte_size(N)):16, N/binary, Cr:32,
                     <<<<W:32>> || W <- Ws>>/binary>>).
ok_or_error(F) -> try F(), ok catch error:R -> R end.

main() ->
    %% Bignum sign bytes.
    erlang:display([t(<<131, 110, 1, S, 5>>) || S <- [0, 1, 2, 128, 255]]),
    erlang:display([t(<<131, 111, 0, 0, 0, 1, S, 5>>) || S <- [0, 1, 2, 255]]),
    erlang:display([t(<<131, 110, 8, S, 0, 0, 0, 0, 0, 0, 0, 128>>) || S <- [0, 1, 7]]),
    erlang:display([t(<<131, 110, 0, S>>) || S <- [0, 1, 9]]),
    %% EXPORT_EXT arities.
    E = fun(A) -> <<131, 113, 100, 0, 5, "lists", 100, 0, 3, "map", A/binary>> end,
    erlang:display([t(E(A)) || A <- [<<97, 2>>, <<98, 0, 0, 0, 2>>, <<98, 0, 0, 1, 0>>,
                                      <<98, 255, 255, 255, 255>>, <<110, 1, 0, 2>>,
                                      <<110, 1, 1, 2>>, <<100, 0, 1, "a">>, <<97, 255>>,
                                      <<98, 0, 0, 1, 44>>, <<110, 0, 0>>]]),
    %% NEW_FUN_EXT.
    F = clo(42),
    {ok, F2} = t(term_to_binary(F)),
    erlang:display([F2 =:= F, F2(1), erlang:fun_info(F2, arity), erlang:fun_info(F2, env),
                    erlang:fun_info(F2, module), size(term_to_binary(F2)) =:= size(term_to_binary(F))]),
    X = fun lists:map/2,
    erlang:display([t(term_to_binary(X)) =:= {ok, X}, term_to_binary(X)]),
    %% Pids, ports and references of other nodes.
    P = pid(a@b, 1, 2, 3),
    Ts = [P, pid(a@b, 1, 2, 4), pid(b@b, 1, 2, 3), pid(nonode@nohost, 1, 2, 0),
          pid(nonode@nohost, 1, 2, 1), port(a@b, 7, 3), port(a@b, 1 bsl 40, 3),
          ref(a@b, [3, 2, 1], 3), ref(a@b, [1], 3), ref(a@b, [], 3), ref(a@b, [1, 2, 3, 4, 5], 3),
          pid(a@b, 1 bsl 15, 0, 1), pid(a@b, 1, 1 bsl 13, 1), ref(a@b, [1 bsl 20, 2, 3], 1)],
    erlang:display([node(T) || T <- Ts]),
    erlang:display([{is_pid(T), is_port(T), is_reference(T)} || T <- Ts]),
    erlang:display([term_to_binary(T) || T <- Ts]),
    erlang:display([binary_to_term(term_to_binary(T)) =:= T || T <- Ts]),
    erlang:display([erlang:phash2(T) || T <- Ts]),
    erlang:display([erlang:phash2(T, 1000) || T <- Ts]),
    erlang:display([erts_debug:flat_size(T) || T <- Ts]),
    erlang:display([erts_internal:term_type(T) || T <- Ts]),
    Idx = lists:zip(Ts, lists:seq(1, length(Ts))),
    erlang:display([I || {_, I} <- lists:sort(Idx ++ [{self(), self}, {hd(erlang:ports()), port}])]),
    erlang:display([pid(nonode@nohost, 1, 2, 0) =:= list_to_pid("<0.1.2>"),
                    pid(nonode@nohost, 1, 2, 1) =:= list_to_pid("<0.1.2>"),
                    ref(a@b, [1, 2, 3], 1) =:= ref(a@b, [1, 2, 3, 0], 1),
                    ref(a@b, [2], 1) == ref(a@b, [2, 0], 1)]),
    erlang:display([pid(a@b, 5, 1, 1) < pid(a@b, 6, 0, 1), pid(a@b, 5, 0, 2) < pid(b@b, 5, 0, 1),
                    pid(a@b, 5, 0, 2) < pid(a@b, 5, 0, 1), pid(a@b, 5, 0, 1) < pid(b@b, 4, 0, 1),
                    list_to_pid("<0.9.0>") < pid(a@b, 1, 0, 1), list_to_pid("<0.9.0>") < pid(z@b, 10, 0, 1),
                    port(a@b, 5, 2) < port(b@b, 5, 1), port(a@b, 5, 1) < port(b@b, 4, 1),
                    ref(a@b, [1], 1) < ref(a@b, [0, 1], 1), ref(a@b, [9, 2, 3], 1) < ref(a@b, [1, 2, 4], 1),
                    make_ref() < ref(a@b, [1, 2, 3], 1), make_ref() < ref(z@b, [1, 2, 3], 1)]),
    M = #{P => pid, port(a@b, 7, 3) => port, ref(a@b, [3, 2, 1], 3) => ref},
    erlang:display([maps:get(pid(a@b, 1, 2, 3), M), maps:get(port(a@b, 7, 3), M),
                    maps:get(ref(a@b, [3, 2, 1], 3), M), maps:is_key(pid(a@b, 1, 2, 4), M)]),
    %% Out of range for this node, or too many words.
    erlang:display([ok_or_error(fun() -> pid(nonode@nohost, 1 bsl 15, 0, 0) end),
                    ok_or_error(fun() -> port(nonode@nohost, 1 bsl 28, 0) end),
                    ok_or_error(fun() -> port(nonode@nohost, (1 bsl 28) - 1, 0) end),
                    ok_or_error(fun() -> ref(nonode@nohost, [1 bsl 18, 2, 3], 0) end),
                    ok_or_error(fun() -> ref(a@b, [1, 2, 3, 4, 5, 6], 1) end)]),
    %% No connection to another node from a node that is not alive.
    process_flag(trap_exit, true),
    Mon = erlang:monitor(process, P),
    erlang:display([P ! hello, link(P), unlink(P), exit(P, kill), erlang:send(P, x, [noconnect]),
                    erlang:send({name, a@b}, x, [noconnect]), ok_or_error(fun() -> is_process_alive(P) end)]),
    receive
        {'DOWN', Mon, process, Who, Why} -> erlang:display({down, Who =:= P, Why})
    after 1000 -> erlang:display(no_down)
    end,
    receive Other -> erlang:display({unexpected, Other}) after 100 -> ok end,
    ok.
