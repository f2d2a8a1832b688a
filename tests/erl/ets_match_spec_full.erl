-module(ets_match_spec_full).
%% Match specifications in depth: heads with '_', '$N', nested and repeated variables, maps;
%% guards with every type test, arithmetic and bitwise operators, comparisons, boolean operators,
%% element/hd/tl/length/size/tuple_size/map_get/map_size/is_map_key/abs/float/round/trunc,
%% self(); bodies with '$_', '$$', {const,T}, tuple/list/map construction, several expressions,
%% a body that raises ('EXIT'); several clauses; match/match_object; select_count/select_delete/
%% select_replace; ets:fun2ms (ms_transform) with guards and records; match_spec_compile/run,
%% is_compiled_ms; erlang:match_spec_test/3 on tables.  OTP 25 rejects min/max in match specs.
-export([main/0]).
-include_lib("stdlib/include/ms_transform.hrl").

-record(emp, {id, name, dept, salary, tags = []}).

d(X) -> erlang:display(X).

c(F) ->
    try F() of
        V -> {ok, V}
    catch
        error:R:St ->
            Cause = case St of
                        [{_, _, _, Info} | _] ->
                            maps:get(cause, proplists:get_value(error_info, Info, #{}), none);
                        _ -> none
                    end,
            {R, Cause}
    end.

main() ->
    T = ets:new(ms, [ordered_set]),
    ets:insert(T, objects()),
    heads(T),
    guards(T),
    bodies(T),
    clauses(T),
    matching(),
    modifying(),
    fun2ms(),
    compiled(),
    spec_test(),
    ets:delete(T),
    ok.

objects() ->
    [{1, int, 42},
     {2, neg, -7},
     {3, float, 2.5},
     {4, atom, hello},
     {5, list, [1, 2, 3]},
     {6, string, "abc"},
     {7, tuple, {a, b, c}},
     {8, binary, <<"bytes">>},
     {9, map, #{a => 1, b => 2}},
     {10, nil, []},
     {11, big, 1 bsl 80},
     {12, pair, {x, 1}},
     {13, nested, {outer, {inner, [1, {deep, 2}]}}},
     {14, same, same},
     {15, fn, fun lists:reverse/1},
     {16, bits, <<1:3>>},
     {17, emptymap, #{}},
     {18, pid, self()}].

sel(T, MS) -> ets:select(T, MS).

heads(T) ->
    d(heads),
    %% '_' matches anything, '$N' binds
    d(sel(T, [{{'$1', '_', '_'}, [{'<', '$1', 4}], ['$1']}])),
    %% constants in the head
    d(sel(T, [{{'_', atom, '$1'}, [], ['$1']}])),
    %% nested patterns
    d(sel(T, [{{'_', '_', {outer, {'$1', ['_', {'$2', '$3'}]}}}, [], [['$1', '$2', '$3']]}])),
    d(sel(T, [{{'$1', '_', {'_', '_', '_'}}, [], ['$1']}])),
    d(sel(T, [{{'$1', '_', [1 | '$2']}, [], [{{'$1', '$2'}}]}])),
    d(sel(T, [{{'$1', '_', [$a | '_']}, [], ['$1']}])),
    %% repeated variable: both positions must be equal
    d(sel(T, [{{'_', '$1', '$1'}, [], ['$1']}])),
    %% maps in the head match on a subset of keys
    d(sel(T, [{{'$1', '_', #{a => '$2'}}, [], [{{'$1', '$2'}}]}])),
    d(sel(T, [{{'$1', '_', #{a => 1, b => '$2'}}, [], ['$2']}])),
    d(sel(T, [{{'$1', '_', #{c => '_'}}, [], ['$1']}])),
    d(sel(T, [{{'$1', '_', #{}}, [], ['$1']}])),
    %% a head that is just a variable or '_'
    d(length(sel(T, [{'$1', [], ['$1']}]))),
    d(length(sel(T, [{'_', [], [true]}]))),
    %% a head of the wrong arity matches nothing
    d(sel(T, [{{'_', '_'}, [], ['$_']}])),
    %% binaries and big integers as constants
    d(sel(T, [{{'$1', '_', <<"bytes">>}, [], ['$1']}])),
    d(sel(T, [{{'$1', '_', 1 bsl 80}, [], ['$1']}])),
    d(sel(T, [{{'$1', '_', 2.5}, [], ['$1']}])),
    d(sel(T, [{{'$1', '_', 2}, [], ['$1']}])).

tests() ->
    [is_atom, is_float, is_integer, is_list, is_number, is_pid, is_port, is_reference,
     is_tuple, is_binary, is_bitstring, is_function, is_map, is_boolean].

guards(T) ->
    d(guards),
    %% type tests: which objects pass each one
    [d({Test, c(fun() -> sel(T, [{{'$1', '_', '$2'}, [{Test, '$2'}], ['$1']}]) end)}) || Test <- tests()],
    %% comparisons
    Cmp = ['<', '>', '=<', '>=', '==', '/=', '=:=', '=/='],
    [d({Op, sel(T, [{{'$1', '_', '$2'}, [{is_number, '$2'}, {Op, '$2', 2.5}], ['$1']}])}) || Op <- Cmp],
    d(sel(T, [{{'$1', '_', '$2'}, [{'==', '$1', 3.0}], ['$1']}])),
    d(sel(T, [{{'$1', '_', '$2'}, [{'=:=', '$1', 3.0}], ['$1']}])),
    %% term order comparisons across types
    d(sel(T, [{{'$1', '_', '$2'}, [{'>', '$2', hello}], ['$1']}])),
    %% arithmetic in guards and bodies
    N = [{{'$1', '_', '$2'}, [{'=:=', '$1', 1}], [Expr]} || Expr <-
            [{'+', '$2', 8}, {'-', '$2', 50}, {'*', '$2', -3}, {'div', '$2', 5},
             {'rem', '$2', 5}, {'div', {'-', '$2'}, 5}, {'rem', {'-', '$2'}, 5},
             {'/', '$2', 8}, {'band', '$2', 15}, {'bor', '$2', 1}, {'bxor', '$2', 255},
             {'bnot', '$2'}, {'bsl', '$2', 70}, {'bsr', '$2', 3}, {abs, {'-', 0, '$2'}},
             {float, '$2'}, {'+', '$2'}, {'-', '$2'}, {'*', '$2', 1.5},
             {round, {'/', '$2', 4}}, {trunc, {'/', '$2', 4}}, {'+', '$2', 1 bsl 64},
             {'*', '$2', '$2'}, {'bsr', 1 bsl 100, 90}]],
    d([hd(sel(T, [MS])) || MS <- N]),
    d(sel(T, [{{3, '_', '$2'}, [], [{'+', '$2', 1}, {'*', '$2', 2}]}])),
    d(sel(T, [{{3, '_', '$2'}, [], [{round, '$2'}]}, {{3, '_', '$2'}, [], [{trunc, '$2'}]}])),
    d(sel(T, [{{'$1', '_', '$2'}, [{is_integer, '$2'}, {'>', {'*', '$2', 2}, 50}], ['$1']}])),
    d(sel(T, [{{'$1', '_', '_'}, [{'=:=', {'rem', '$1', 4}, 0}], ['$1']}])),
    %% a guard that raises fails the clause instead of raising
    d(sel(T, [{{'$1', '_', '$2'}, [{'>', {'+', '$2', 1}, 0}], ['$1']}])),
    d(sel(T, [{{'$1', '_', '$2'}, [{'==', {hd, '$2'}, 1}], ['$1']}])),
    d(sel(T, [{{'$1', '_', '$2'}, [{'>', {length, '$2'}, 2}], ['$1']}])),
    %% boolean operators
    d(sel(T, [{{'$1', '_', '_'}, [{'andalso', {'>', '$1', 3}, {'<', '$1', 6}}], ['$1']}])),
    d(sel(T, [{{'$1', '_', '_'}, [{'orelse', {'<', '$1', 2}, {'>', '$1', 16}}], ['$1']}])),
    d(sel(T, [{{'$1', '_', '_'}, [{'and', {'>', '$1', 3}, {'<', '$1', 6}}], ['$1']}])),
    d(sel(T, [{{'$1', '_', '_'}, [{'or', {'<', '$1', 2}, {'>', '$1', 16}}], ['$1']}])),
    d(sel(T, [{{'$1', '_', '_'}, [{'xor', {'<', '$1', 5}, {'<', '$1', 3}}], ['$1']}])),
    d(sel(T, [{{'$1', '_', '_'}, [{'not', {'>', '$1', 2}}], ['$1']}])),
    %% orelse short-circuits past a failing right operand, or does not
    d(sel(T, [{{'$1', '_', '$2'}, [{'orelse', {is_atom, '$2'}, {'>', {'+', '$2', 0}, 40}}], ['$1']}])),
    d(sel(T, [{{'$1', '_', '$2'}, [{'or', {is_atom, '$2'}, {'>', {'+', '$2', 0}, 40}}], ['$1']}])),
    d(sel(T, [{{'$1', '_', '$2'}, [{'andalso', {is_list, '$2'}, {'==', {hd, '$2'}, 1}}], ['$1']}])),
    %% several guards: all must hold
    d(sel(T, [{{'$1', '_', '$2'}, [{is_integer, '$2'}, {'>', '$2', 0}, {'<', '$1', 11}], ['$1']}])),
    %% constant guards and non-boolean guard results
    d(length(sel(T, [{'_', [true], [x]}]))),
    d(sel(T, [{'_', [false], [x]}])),
    d(sel(T, [{{'$1', '_', '_'}, [{'+', '$1', 1}], ['$1']}])),
    d(sel(T, [{{'$1', '_', '_'}, [{'andalso', true, '$1'}], ['$1']}])),
    %% guard BIFs on the bound terms; OTP 25 rejects tuple_size, is_boolean, is_bitstring and
    %% is_function/2 in match specs (badarg)
    Bifs = [{'==', {element, 1, '$2'}, x},
            {'==', {tuple_size, '$2'}, 3},
            {'==', {size, '$2'}, 5},
            {'==', {size, '$2'}, 3},
            {'==', {byte_size, '$2'}, 1},
            {'==', {bit_size, '$2'}, 3},
            {'==', {map_size, '$2'}, 0},
            {is_map_key, b, '$2'},
            {'==', {map_get, b, '$2'}, 2},
            {'==', {hd, '$2'}, $a},
            {'==', {tl, '$2'}, "bc"},
            {'==', {length, '$2'}, 0},
            {'==', {abs, '$2'}, 7},
            {'==', {float, '$2'}, 42.0},
            {'==', {round, '$2'}, 3},
            {'==', {trunc, '$2'}, 2},
            {'==', {self}, '$2'},
            {'==', {binary_part, '$2', 1, 2}, <<"yt">>},
            {'==', {binary_part, '$2', {1, 2}}, <<"yt">>},
            {is_record, '$2', x, 2},
            {is_function, '$2', 1},
            {is_boolean, '$2'},
            {is_bitstring, '$2'}],
    [d({G, c(fun() -> sel(T, [{{'$1', '_', '$2'}, [G], ['$1']}]) end)}) || G <- Bifs],
    d(sel(T, [{{'$1', '_', '$2'}, [{'==', {node}, nonode@nohost}, {'<', '$1', 2}], ['$1']}])),
    %% min/max are not match spec functions in OTP 25
    d(c(fun() -> sel(T, [{{'$1', '_', '_'}, [], [{min, '$1', 3}]}]) end)),
    d(c(fun() -> sel(T, [{{'$1', '_', '_'}, [{'<', {max, '$1', 3}, 5}], ['$1']}]) end)).

bodies(T) ->
    d(bodies),
    %% '$_' is the whole object, '$$' the list of all bound variables
    d(sel(T, [{{1, '_', '_'}, [], ['$_']}])),
    d(sel(T, [{{'$1', '$2', '$3'}, [{'<', '$1', 3}], ['$$']}])),
    d(sel(T, [{{'$3', '_', '$1'}, [{'<', '$3', 3}], ['$$']}])),
    d(sel(T, [{{'$1', '_', '_'}, [{'<', '$1', 3}], ['$$']}])),
    d(sel(T, [{{1, '_', '_'}, [], ['$$']}])),
    %% tuple construction needs double braces; one-brace tuples of size 1 are {{X}}
    d(sel(T, [{{'$1', '$2', '_'}, [{'<', '$1', 3}], [{{'$2', '$1', lit}}]}])),
    d(sel(T, [{{'$1', '_', '_'}, [{'<', '$1', 3}], [{{'$1'}}]}])),
    d(sel(T, [{{'$1', '_', '_'}, [{'<', '$1', 3}], [{{}}]}])),
    d(sel(T, [{{'$1', '_', '_'}, [{'<', '$1', 3}], [{{{{'$1', '$1'}}, [{{'$1'}}]}}]}])),
    %% list construction
    d(sel(T, [{{'$1', '$2', '_'}, [{'<', '$1', 3}], [['$1', '$2', [nested, '$1']]]}])),
    d(sel(T, [{{'$1', '_', '_'}, [{'<', '$1', 3}], [['$1' | tail]]}])),
    d(sel(T, [{{'$1', '_', '_'}, [{'<', '$1', 3}], [[]]}])),
    %% map construction
    d(sel(T, [{{'$1', '$2', '_'}, [{'<', '$1', 3}], [#{key => '$1', '$2' => 1}]}])),
    %% constants
    d(sel(T, [{{1, '_', '_'}, [], [{const, '$1'}]}])),
    d(sel(T, [{{1, '_', '_'}, [], [{const, {a, '$2', ['$_']}}]}])),
    d(sel(T, [{{1, '_', '_'}, [], [{const, {}}]}])),
    d(sel(T, [{{1, '_', '_'}, [], [plain_atom]}])),
    d(sel(T, [{{1, '_', '_'}, [], [<<"bin">>]}])),
    d(sel(T, [{{1, '_', '_'}, [], [3.25]}])),
    %% element, hd, tl, length, size, tuple_size, map_get, map_size in bodies
    d(sel(T, [{{7, '_', '$1'}, [], [{element, 2, '$1'}]}])),
    d(sel(T, [{{5, '_', '$1'}, [], [{{{hd, '$1'}, {tl, '$1'}, {length, '$1'}}}]}])),
    d(sel(T, [{{7, '_', '$1'}, [], [{{{size, '$1'}, {element, 3, '$1'}}}]}])),
    d(c(fun() -> sel(T, [{{7, '_', '$1'}, [], [{tuple_size, '$1'}]}]) end)),
    d(sel(T, [{{8, '_', '$1'}, [], [{size, '$1'}]}])),
    d(sel(T, [{{9, '_', '$1'}, [], [{{{map_get, a, '$1'}, {map_size, '$1'}, {is_map_key, c, '$1'}}}]}])),
    d(sel(T, [{{1, '_', '$1'}, [], [{{{is_integer, '$1'}, {is_atom, '$1'}}}]}])),
    d(sel(T, [{{1, '_', '$1'}, [], [{'andalso', {'>', '$1', 1}, {'<', '$1', 100}}]}])),
    d(sel(T, [{{1, '_', '$1'}, [], [{'not', {'>', '$1', 1}}]}])),
    %% self() in a body
    d(sel(T, [{{18, '_', '$1'}, [], [{'=:=', {self}, '$1'}]}])),
    %% a body that raises gives 'EXIT' for that object
    d(sel(T, [{{'$1', '_', '$2'}, [{'<', '$1', 6}], [{'+', '$2', 1}]}])),
    d(sel(T, [{{'$1', '_', '$2'}, [{'<', '$1', 3}], [{element, 5, '$_'}]}])),
    d(sel(T, [{{'$1', '_', '$2'}, [{'<', '$1', 3}], [{hd, '$2'}]}])),
    d(sel(T, [{{'$1', '_', '$2'}, [{'<', '$1', 3}], [{'div', '$1', 0}]}])),
    d(sel(T, [{{'$1', '_', '$2'}, [{'<', '$1', 3}], [{map_get, a, '$2'}]}])),
    %% several body expressions: the last one is the result
    d(sel(T, [{{'$1', '_', '_'}, [{'<', '$1', 3}], [first, {{'$1', second}}]}])),
    %% select_count counts objects whose body is true
    d(ets:select_count(T, [{{'$1', '_', '_'}, [], [{'<', '$1', 5}]}])),
    d(ets:select_count(T, [{{'$1', '_', '_'}, [], [true]}])),
    %% unbound variables and bad specs are errors
    d(c(fun() -> sel(T, [{{'$1', '_', '_'}, [], ['$2']}]) end)),
    d(c(fun() -> sel(T, [{{'$1', '_', '_'}, ['$2'], ['$1']}]) end)),
    d(c(fun() -> sel(T, [{{'$1', '_', '_'}, [{no_such_fun, '$1'}], ['$1']}]) end)),
    d(c(fun() -> sel(T, [{{'$1', '_', '_'}, [], [{element, '$1'}]}]) end)),
    d(c(fun() -> sel(T, [{{'$1', '_', '_'}, []}]) end)),
    d(c(fun() -> sel(T, [{{'$1', '_', '_'}, [], ['$1']} | tail]) end)),
    d(c(fun() -> sel(T, {{'$1', '_', '_'}, [], ['$1']}) end)),
    d(sel(T, [])).

clauses(T) ->
    d(clauses),
    %% the first clause that matches wins, per object
    MS = [{{'$1', int, '_'}, [], [{{int, '$1'}}]},
          {{'$1', '_', '$2'}, [{is_atom, '$2'}], [{{atom, '$2'}}]},
          {{'$1', '_', '$2'}, [{is_list, '$2'}], [{{list, {length, '$2'}}}]},
          {{'$1', '_', '$2'}, [{is_integer, '$2'}], [{{integer, '$2'}}]},
          {{'$1', '_', '_'}, [{'>', '$1', 15}], [{{late, '$1'}}]}],
    d(sel(T, MS)),
    %% a clause whose body raises does not fall through to the next one
    MS2 = [{{'$1', '_', '$2'}, [{'<', '$1', 4}], [{'+', '$2', 1}]},
           {{'$1', '_', '_'}, [{'<', '$1', 4}], [fallback]}],
    d(sel(T, MS2)),
    %% a clause whose guard raises falls through
    MS3 = [{{'$1', '_', '$2'}, [{'>', {'+', '$2', 1}, -100}, {'<', '$1', 5}], [{ok, '$1'}]},
           {{'$1', '_', '_'}, [{'<', '$1', 5}], [{{fallback, '$1'}}]}],
    d(c(fun() -> sel(T, MS3) end)),
    MS4 = [{{'$1', '_', '$2'}, [{'>', {'+', '$2', 1}, -100}, {'<', '$1', 5}], [{{ok, '$1'}}]},
           {{'$1', '_', '_'}, [{'<', '$1', 5}], [{{fallback, '$1'}}]}],
    d(sel(T, MS4)),
    %% select/3 with several clauses and a continuation
    {A, Cont} = ets:select(T, MS4, 3),
    d(A),
    d(ets:select(Cont)).

matching() ->
    d(matching),
    S = ets:new(mt, [set]),
    ets:insert(S, [{a, 1, {x, 1}}, {b, 2, {x, 3}}, {c, 3, {y, 3}}, {d, {x, 4}, [4]},
                   {e, #{k => 1, j => 2}, z}, {f, #{k => 2}, z}, {g, 5, 5}, {h, [5, 5], {5}}]),
    %% match returns the bindings in variable-number order
    d(lists:sort(ets:match(S, {'$1', '$2', {x, '_'}}))),
    d(lists:sort(ets:match(S, {'$2', '$1', {x, '_'}}))),
    d(lists:sort(ets:match(S, {'_', '_', {'$1', 3}}))),
    d(lists:sort(ets:match(S, {'$1', '_', '_'}))),
    d(lists:sort(ets:match(S, {'_', '_', '_'}))),
    d(ets:match(S, {'$1', nomatch, '_'})),
    %% repeated variables
    d(lists:sort(ets:match(S, {'$1', '$2', {'_', '$2'}}))),
    d(lists:sort(ets:match(S, {'_', '$1', '$1'}))),
    d(lists:sort(ets:match(S, {'_', ['$1', '$1'], {'$1'}}))),
    d(lists:sort(ets:match_object(S, {'_', '$1', {x, '$1'}}))),
    %% maps in patterns
    d(lists:sort(ets:match(S, {'$1', #{k => '$2'}, '_'}))),
    d(lists:sort(ets:match(S, {'$1', #{j => '_'}, '_'}))),
    d(lists:sort(ets:match_object(S, {'_', #{k => 2}, '_'}))),
    d(lists:sort(ets:match_object(S, {'_', #{}, '_'}))),
    %% nested patterns
    d(lists:sort(ets:match_object(S, {'_', {x, '$1'}, ['$1']}))),
    d(lists:sort(ets:match_object(S, {'_', '_', {x, '_'}}))),
    d(lists:sort(ets:match_object(S, '_'))),
    d(lists:sort(ets:match_object(S, {'_', '_'}))),
    %% ordered_set with a bound key prefix
    O = ets:new(mo, [ordered_set]),
    ets:insert(O, [{{K1, K2}, K1 * 10 + K2} || K1 <- [1, 2, 3], K2 <- [1, 2, 3]]),
    d(ets:match(O, {{2, '$1'}, '$2'})),
    d(ets:match_object(O, {{'_', 3}, '_'})),
    d(ets:match(O, {{'$1', '$1'}, '_'})),
    d(ets:select(O, [{{{'$1', '$2'}, '_'}, [{'>', '$1', '$2'}], [{{'$2', '$1'}}]}])),
    ets:delete(O),
    ets:delete(S).

modifying() ->
    d(modifying),
    T = ets:new(mod, [set]),
    ets:insert(T, [{N, N * N, N rem 3} || N <- lists:seq(1, 20)]),
    d(ets:select_count(T, [{{'_', '_', 0}, [], [true]}])),
    d(ets:select_count(T, [{{'$1', '$2', '_'}, [{'>', '$2', 100}], [true]}])),
    d(ets:select_count(T, [{{'$1', '_', '_'}, [], [{'<', '$1', 3}]}])),
    d(ets:select_count(T, [{{'$1', '_', '_'}, [], [yes]}])),
    %% select_delete deletes objects whose body is true
    d(ets:select_delete(T, [{{'_', '_', 0}, [], [true]}])),
    d(ets:select_delete(T, [{{'$1', '_', '_'}, [{'>', '$1', 15}], [false]}])),
    d(ets:select_delete(T, [{{'$1', '_', '_'}, [{'>', '$1', 15}], ['$_']}])),
    d(ets:select_delete(T, [{{'$1', '_', '_'}, [{'>', '$1', 15}], [true]}])),
    d(lists:sort(ets:tab2list(T))),
    %% select_replace rewrites objects, keeping the key
    d(ets:select_replace(T, [{{'$1', '$2', 1}, [{'<', '$1', 5}], [{{'$1', {'+', '$2', 1000}, one}}]}])),
    d(lists:sort(ets:tab2list(T))),
    d(ets:select_replace(T, [{{'$1', '$2', '$3'}, [{'==', '$1', 2}], [{{'$1', '$3', '$2'}}]}])),
    d(ets:lookup(T, 2)),
    %% a replacement that changes the key is a badarg
    d(c(fun() -> ets:select_replace(T, [{{'$1', '$2', '$3'}, [{'==', '$1', 5}], [{{{'+', '$1', 100}, '$2', '$3'}}]}]) end)),
    d(ets:lookup(T, 5)),
    d(ets:lookup(T, 105)),
    %% '$_' as replacement counts every matched object; a bare variable head is rejected
    d(c(fun() -> ets:select_replace(T, [{'$1', [], ['$1']}]) end)),
    d(c(fun() -> ets:select_replace(T, [{'_', [], ['$_']}]) end)),
    d(ets:select_replace(T, [{{'_', '_', '_'}, [], ['$_']}])),
    d(ets:select_replace(T, [{{'$1', '$2', '$3'}, [], [{{'$1', '$2', '$3'}}]}])),
    d(lists:sort(ets:tab2list(T))),
    %% ordered_set: a replacement key that is only == to the old one is rejected too
    O = ets:new(modo, [ordered_set]),
    ets:insert(O, [{1, a}, {2, b}]),
    d(c(fun() -> ets:select_replace(O, [{{1, '$1'}, [], [{{1.0, '$1'}}]}]) end)),
    d(c(fun() -> ets:select_replace(O, [{{'$1', '$2'}, [], [{{{'+', '$1', 0.0}, '$2'}}]}]) end)),
    d(ets:tab2list(O)),
    d(ets:select_replace(O, [{{'$1', '$2'}, [], [{{'$1', {{'$2', '$2'}}}}]}])),
    d(ets:tab2list(O)),
    d(ets:select_delete(O, [{{'$1', '_'}, [{'>', '$1', 1.5}], [true]}])),
    d(ets:tab2list(O)),
    ets:delete(O),
    ets:delete(T).

fun2ms() ->
    d(fun2ms),
    T = ets:new(emps, [ordered_set, {keypos, #emp.id}]),
    ets:insert(T, [#emp{id = 1, name = "ann", dept = eng, salary = 100, tags = [lead]},
                   #emp{id = 2, name = "bob", dept = eng, salary = 80},
                   #emp{id = 3, name = "cid", dept = ops, salary = 90, tags = [oncall, lead]},
                   #emp{id = 4, name = "dee", dept = ops, salary = 70},
                   #emp{id = 5, name = "eve", dept = sales, salary = 120, tags = [remote]}]),
    MS1 = ets:fun2ms(fun(#emp{name = N, dept = eng}) -> N end),
    d(MS1),
    d(ets:select(T, MS1)),
    MS2 = ets:fun2ms(fun(#emp{id = I, salary = S}) when S >= 90, S =< 110 -> {I, S} end),
    d(MS2),
    d(ets:select(T, MS2)),
    MS3 = ets:fun2ms(fun(#emp{dept = D, tags = [lead | _]} = E) when D =/= sales -> E#emp.id end),
    d(MS3),
    d(ets:select(T, MS3)),
    MS4 = ets:fun2ms(fun(E = #emp{salary = S}) when S > 100; element(#emp.dept, E) =:= ops ->
                             {E#emp.name, S * 2, is_list(E#emp.tags)}
                     end),
    d(MS4),
    d(ets:select(T, MS4)),
    MS5 = ets:fun2ms(fun(#emp{id = I, tags = Tags}) when length(Tags) > 0 andalso I rem 2 =:= 1 ->
                             [I | Tags]
                     end),
    d(ets:select(T, MS5)),
    MS6 = ets:fun2ms(fun(#emp{id = I} = E) when I > 3 -> E#emp{salary = 0} end),
    d(MS6),
    d(ets:select_replace(T, MS6)),
    d(ets:select(T, ets:fun2ms(fun(#emp{id = I, salary = 0}) -> I end))),
    MS7 = ets:fun2ms(fun({A, B}) when is_atom(A), not is_atom(B) -> {B, A};
                        ({A, _}) -> A
                     end),
    d(MS7),
    Self = self(),
    MS8 = ets:fun2ms(fun(#emp{id = I}) when I < 3 -> {I, self() =:= Self} end),
    d(ets:select(T, MS8)),
    Limit = 85,
    MS9 = ets:fun2ms(fun(#emp{salary = S, name = N}) when S > Limit -> N end),
    d(MS9),
    d(ets:select(T, MS9)),
    d(ets:select_count(T, ets:fun2ms(fun(#emp{dept = ops}) -> true end))),
    d(ets:select_delete(T, ets:fun2ms(fun(#emp{dept = ops}) -> true end))),
    d(ets:select(T, ets:fun2ms(fun(#emp{id = I}) -> I end))),
    ets:delete(T).

compiled() ->
    d(compiled),
    MS = [{{'$1', '$2'}, [{is_integer, '$2'}, {'>', '$2', 1}], [{{'$2', '$1'}}]},
          {{'$1', '_'}, [{is_atom, '$1'}], ['$1']}],
    C = ets:match_spec_compile(MS),
    d(ets:is_compiled_ms(C)),
    d(ets:is_compiled_ms(MS)),
    d(ets:is_compiled_ms(make_ref())),
    d(ets:is_compiled_ms(not_a_spec)),
    d(ets:match_spec_run([{a, 1}, {b, 2}, {"c", 3}, {d, x}, x, {1, 2, 3}, {e, 5}], C)),
    d(ets:match_spec_run([], C)),
    C2 = ets:match_spec_compile([{'$1', [], [{{'$1', '$1'}}]}]),
    d(ets:match_spec_run([1, [2], {3}], C2)),
    C3 = ets:match_spec_compile([{'$1', [], [{'+', '$1', 1}]}]),
    d(ets:match_spec_run([1, a, 2.5], C3)),
    C4 = ets:match_spec_compile(ets:fun2ms(fun({K, V}) when V > K -> K + V end)),
    d(ets:match_spec_run([{1, 2}, {2, 1}, {3, 10}], C4)),
    d(c(fun() -> ets:match_spec_compile([{'_', [], ['$9']}]) end)),
    d(c(fun() -> ets:match_spec_compile(bad) end)),
    d(c(fun() -> ets:match_spec_run([{a, 1}], MS) end)).

spec_test() ->
    d(spec_test),
    d(erlang:match_spec_test({a, 1, [x]}, [{{'$1', '$2', '_'}, [], [{{'$2', '$1'}}]}], table)),
    d(erlang:match_spec_test({a, 1}, [{{'$1', '$2'}, [{'>', '$2', 5}], ['$1']}], table)),
    d(erlang:match_spec_test({a, 1}, [{{'$1', '$2'}, [], ['$$']}], table)),
    d(erlang:match_spec_test({a, 1}, [{{'$1', '$2'}, [], ['$_']}], table)),
    d(erlang:match_spec_test({a, 1}, [{{'$1', '$2'}, [], [{'+', '$1', 1}]}], table)),
    d(erlang:match_spec_test(#{k => v}, [{#{k => '$1'}, [], ['$1']}], table)),
    d(erlang:match_spec_test({2, 3}, ets:fun2ms(fun({A, B}) -> A * B end), table)),
    d(erlang:match_spec_test([a], [{'$1', [], ['$1']}], table)),
    d(erlang:match_spec_test({a}, [{{'_'}, [], [{const, '$1'}]}, {'_', [], [x]}], table)),
    d(erlang:match_spec_test({a}, [{{b}, [], [x]}, {{a}, [], [y]}], table)).
