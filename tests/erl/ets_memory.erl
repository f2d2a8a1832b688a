-module(ets_memory).
-export([main/0]).
%% ets:info(T, memory) in words, as OTP 25 counts it: the table structure (with its
%% stripe locks and counters), hash buckets and segment tables, each object with its
%% chain link or tree node, refcounted binaries as ProcBins, fixations and deletions
%% while fixed.
main() ->
    [begin T = ets:new(t, [K|O]), M0 = ets:info(T, memory), [ets:insert(T, {I, I}) || I <- lists:seq(1, 1000)],
      M1 = ets:info(T, memory), [ets:insert(T, {I, I}) || I <- lists:seq(1001, 5000)], M2 = ets:info(T, memory),
      [ets:delete(T, I) || I <- lists:seq(1, 4990)], M3 = ets:info(T, memory),
      ets:insert(T, {x, <<"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz">>, 1.5, "ab", {a, <<"xy">>}}),
      M4 = ets:info(T, memory),
      ets:safe_fixtable(T, true), [ets:delete(T, I) || I <- lists:seq(4991, 4995)], M5 = ets:info(T, memory),
      ets:safe_fixtable(T, false), M6 = ets:info(T, memory),
      ets:delete_all_objects(T), M7 = ets:info(T, memory),
      ets:insert(T, [{I, lists:seq(1, I rem 7), float(I), integer_to_binary(I)} || I <- lists:seq(1, 300)]),
      M8 = ets:info(T, memory),
      erlang:display({K, O, M0, M1, M2, M3, M4, M5, M6, M7, M8}) end
     || K <- [set, ordered_set, duplicate_bag],
        O <- [[], [{write_concurrency,true}], [{read_concurrency,true}], [private],
              [{write_concurrency,true},{decentralized_counters,true}], [{write_concurrency,auto}],
              [{write_concurrency,true},{read_concurrency,true}]]].
