-module(map_literal_keys).
-export([main/0]).
%% Map expressions of literal keys (which the loader makes updates of a literal map of
%% those keys): key order and kinds, repeated keys, keys of every type, sizes around 32
%% (flat) and past it (hash; its atom keys' order depends on atom indices, in OTP too, so
%% only sorted here), and the maps they make updated, merged and compared.
main() ->
    X = id(1), Y = id(two),
    M1 = #{b => X, a => Y, c => [X]},
    erlang:display({M1, maps:keys(M1), maps:to_list(M1)}),
    M2 = #{{k, 1} => X, 1 => a, 1.0 => b, "s" => c, <<"b">> => d, [] => e, z => f},
    erlang:display({M2, maps:keys(M2), map_size(M2)}),
    M3 = #{0.5 => X, -0.5 => Y, 1 => X, -1 => Y},
    erlang:display({M3, map_size(M3), maps:to_list(M3)}),
    M5 = #{k => X, k => Y},
    erlang:display(M5),
    M6 = M1#{d => X, a => Y, 0 => z},
    erlang:display({M6, maps:keys(M6)}),
    erlang:display([M1 =:= #{a => two, b => 1, c => [1]}, M1 == #{a => two, b => 1, c => [1.0]},
                    lists:sort([M2, M1, M3, M6])]),
    Big = big(X),
    erlang:display({map_size(Big), lists:sort(maps:to_list(Big)), maps:get(k33, Big)}),
    Flat = flat(X),
    erlang:display({map_size(Flat), maps:to_list(Flat), lists:sort(maps:to_list(maps:merge(Flat, M1)))}),
    erlang:display([maps:get(K, Flat) || K <- [k1, k16, k32]]),
    Over = Flat#{k0 => Y, k16 => Y, k99 => Y},
    erlang:display({map_size(Over), lists:sort(maps:to_list(Over))}),
    Mixed = M2#{1 => x, 2 => y, {k, 1} => z, zz => w},
    erlang:display({Mixed, maps:keys(Mixed)}),
    erlang:display([begin #{a := A, b := B} = #{a => I, b => -I}, A + B end || I <- [1, 2, 3]]),
    %% One boxed key at a time (found or placed by one search in key order): new keys,
    %% the same keys again, equal values, past 32 keys.
    T1 = lists:foldl(fun(I, Acc) -> Acc#{{t, I rem 7} => I} end, #{}, lists:seq(1, 20)),
    T2 = lists:foldl(fun(I, Acc) -> Acc#{[I] => I, {t, I rem 7} => -I} end, T1, lists:seq(1, 40)),
    T3 = T1#{{t, 3} => maps:get({t, 3}, T1)},
    erlang:display({T1, map_size(T2), lists:sort(maps:to_list(T2)), T3 =:= T1}).
id(X) -> X.
flat(X) ->
    #{k1 => X, k2 => X, k3 => X, k4 => X, k5 => X, k6 => X, k7 => X, k8 => X, k9 => X,
      k10 => X, k11 => X, k12 => X, k13 => X, k14 => X, k15 => X, k16 => X, k17 => X,
      k18 => X, k19 => X, k20 => X, k21 => X, k22 => X, k23 => X, k24 => X, k25 => X,
      k26 => X, k27 => X, k28 => X, k29 => X, k30 => X, k31 => X, k32 => X}.
big(X) ->
    #{k1 => X, k2 => X, k3 => X, k4 => X, k5 => X, k6 => X, k7 => X, k8 => X, k9 => X,
      k10 => X, k11 => X, k12 => X, k13 => X, k14 => X, k15 => X, k16 => X, k17 => X,
      k18 => X, k19 => X, k20 => X, k21 => X, k22 => X, k23 => X, k24 => X, k25 => X,
      k26 => X, k27 => X, k28 => X, k29 => X, k30 => X, k31 => X, k32 => X, k33 => X}.
