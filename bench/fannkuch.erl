-module(fannkuch).
-export([main/0]).
%% fannkuch-redux: for every permutation of 1..N (generated in the benchmarks-game order), count
%% the prefix reversals until 1 comes first; reports the alternating checksum and the maximum.
%% Lists, list reversal and small-integer arithmetic. N = 9, computed 4 times (N = 10 alone takes
%% too long for this suite).
main() ->
    N = 9,
    T0 = erlang:monotonic_time(microsecond),
    Result = repeat(4, N, none),
    T1 = erlang:monotonic_time(microsecond),
    erlang:display(Result),
    erlang:display({bench_us, T1 - T0}).

%% Every round must give the same answer as the one before.
repeat(0, _, Last) -> Last;
repeat(K, N, Last) ->
    R = fannkuch(N),
    case Last of
        none -> repeat(K - 1, N, R);
        R -> repeat(K - 1, N, R)
    end.

fannkuch(N) ->
    Perm = lists:seq(1, N),
    Count = lists:seq(1, N),
    loop(Perm, Count, N, 0, 0, 0).

%% Index is the permutation's number (its parity gives the checksum's sign).
loop(Perm, Count, N, Index, Checksum, MaxFlips) ->
    F = flips(Perm, 0),
    Checksum1 = case Index band 1 of 0 -> Checksum + F; 1 -> Checksum - F end,
    MaxFlips1 = max(F, MaxFlips),
    case next(Perm, Count, N, 2) of
        done -> {{checksum, Checksum1}, {max_flips, MaxFlips1}, {n, N}};
        {Perm1, Count1} -> loop(Perm1, Count1, N, Index + 1, Checksum1, MaxFlips1)
    end.

flips([1 | _], F) -> F;
flips([K | _] = L, F) ->
    {Front, Back} = lists:split(K, L),
    flips(lists:reverse(Front, Back), F + 1).

%% The next permutation: rotate the first R elements left by one; Count holds, per prefix
%% length, how many rotations remain before the next longer prefix rotates.
next(_, _, N, R) when R > N -> done;
next(Perm, Count, N, R) ->
    Perm1 = rotate(Perm, R),
    case lists:nth(R, Count) of
        1 -> next(Perm1, set_nth(R, R, Count), N, R + 1);
        C -> {Perm1, set_nth(R, C - 1, Count)}
    end.

rotate([H | T], R) ->
    {Front, Back} = lists:split(R - 1, T),
    Front ++ [H | Back].

set_nth(1, V, [_ | T]) -> [V | T];
set_nth(I, V, [H | T]) -> [H | set_nth(I - 1, V, T)].
