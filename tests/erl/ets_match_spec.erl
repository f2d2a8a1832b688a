-module(ets_match_spec).
%% Match specifications: guards, bodies, construction, fun2ms (ms_transform), match/select
%% with limits and continuations, select_count/delete/replace, compiled specs, match_spec_test.
-export([main/0]).
-include_lib("stdlib/include/ms_transform.hrl").
-record(r, {a, b, c}).
main() ->
    T = ets:new(t, [ordered_set]),
    ets:insert(T, [{I, I * 3, [I], #{k => I}, {x, I}} || I <- lists:seq(1, 10)]),
    D = fun(X) -> erlang:display(X) end,
    D(ets:select(T, [{{'$1','$2','_','_','_'}, [{'>', '$2', 20}], [{{'$1', {'+', '$2', 1}}}]}])),
    D(ets:select(T, [{{'$1','_','$3','$4','$5'}, [{'=:=', {map_get, k, '$4'}, 3}], ['$$']}])),
    D(ets:select(T, [{{'$1','_',['$2'],'_',{x,'$1'}}, [{is_integer,'$2'}], [['$1','$2'|'$1']]}])),
    D(ets:select(T, [{{'$1','_','_','_','_'}, [{'orelse', {'==','$1',1}, {'andalso', {'>','$1',8}, {'not', {'==','$1',9}}}}], ['$1']}])),
    D(ets:select(T, [{{'$1','_','_','_','_'}, [], [{'div', 10, {'-', '$1', 5}}]}])),
    D(ets:select(T, [{{'$1','_','_','_','_'}, [{'<', '$1', 3}], [{const, {a, '$1'}}, #{v => '$1'}]}])),
    D(ets:select(T, ets:fun2ms(fun({K, V, _, _, _}) when K rem 2 =:= 0, V > 10 -> {K, V * 2} end))),
    D(ets:select(T, ets:fun2ms(fun({K, _, _, M, _}) when is_map_key(k, M) andalso K < 3 -> M end))),
    D(ets:select_count(T, [{{'$1','_','_','_','_'}, [{'>', '$1', 5}], [true]}])),
    D(ets:match(T, {'$1', '_', ['$2'], '_', '_'})),
    D(ets:match_object(T, {'_', 9, '_', '_', '_'})),
    D(ets:select_delete(T, [{{'$1','_','_','_','_'}, [{'>', '$1', 7}], [true]}])),
    D(ets:select_replace(T, [{{'$1','$2','$3','$4','$5'}, [{'<', '$1', 3}], [{{'$1', changed, '$3', '$4', '$5'}}]}])),
    D(ets:lookup(T, 1)),
    R = ets:new(r, [set, {keypos, #r.a}]),
    ets:insert(R, [#r{a = 1, b = x}, #r{a = 2, b = y}]),
    D(lists:sort(ets:select(R, ets:fun2ms(fun(#r{a = A, b = B}) when B =/= x -> A end)))),
    D(ets:select(R, [{'$1', [{is_record, '$1', r, 4}], [{element, 3, '$1'}]}]) -- [x, y]),
    C = ets:match_spec_compile([{{'$1', '$2'}, [{'>', '$2', 1}], ['$1']}]),
    D(ets:is_compiled_ms(C)),
    D(ets:match_spec_run([{a, 1}, {b, 2}, {c, 3}, x], C)),
    D(erlang:match_spec_test({a, 2}, [{{'$1', '$2'}, [], [{{'$2', '$1', '$_'}}]}], table)),
    D(erlang:match_spec_test([1, 2], [{['$1', '_'], [], [{'+', '$1', 10}]}], trace)),
    D(try ets:select(T, [{'_', [], ['$1']}]) catch error:E -> E end),
    D(element(1, ets:select(T, [{{'$1','_','_','_','_'}, [{'>', '$1', 5}], ['$1']}], 1))),
    D(ets:select_reverse(T, [{{'$1','_','_','_','_'}, [], ['$1']}])),
    {R1, C1} = ets:select_reverse(T, [{{'$1','_','_','_','_'}, [], ['$1']}], 3),
    D(R1), D(element(1, ets:select_reverse(C1))),
    {M1, MC} = ets:match(T, {'$1', '_', '_', '_', '_'}, 4),
    D(M1), {M2, MC2} = ets:match(MC), D(M2), D(MC2),
    D(ets:select(T, [{'_', [], ['$_']}], 100)),
    ok.
