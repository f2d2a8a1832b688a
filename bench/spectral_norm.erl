-module(spectral_norm).
-export([main/0]).
%% The benchmarks-game spectral-norm: power iteration (10 rounds of v = A'A u, u = A'A v) on the
%% infinite matrix A(i, j) = 1 / ((i + j)(i + j + 1) / 2 + i + 1) cut to N x N; float arithmetic
%% over lists. The norm is printed as round(Norm * 1.0e9) so both VMs print the same bytes.
main() ->
    N = 1000,
    T0 = erlang:monotonic_time(microsecond),
    Norm = spectral_norm(N),
    T1 = erlang:monotonic_time(microsecond),
    erlang:display({N, round(Norm * 1.0e9)}),
    erlang:display({bench_us, T1 - T0}).

spectral_norm(N) ->
    U0 = lists:duplicate(N, 1.0),
    {U, V} = power(10, U0, U0, N),
    math:sqrt(dot(U, V, 0.0) / dot(V, V, 0.0)).

power(0, U, V, _) -> {U, V};
power(K, U, _, N) ->
    V = ata_times(U, N),
    power(K - 1, ata_times(V, N), V, N).

ata_times(U, N) -> at_times(a_times(U, N), N).

%% (A u)_i = sum_j A(i, j) u_j
a_times(U, N) -> [a_row(I, U, 0, 0.0) || I <- lists:seq(0, N - 1)].
a_row(_, [], _, Acc) -> Acc;
a_row(I, [Uj | Us], J, Acc) -> a_row(I, Us, J + 1, Acc + a(I, J) * Uj).

%% (A' u)_i = sum_j A(j, i) u_j
at_times(U, N) -> [at_row(I, U, 0, 0.0) || I <- lists:seq(0, N - 1)].
at_row(_, [], _, Acc) -> Acc;
at_row(I, [Uj | Us], J, Acc) -> at_row(I, Us, J + 1, Acc + a(J, I) * Uj).

a(I, J) -> 1.0 / ((I + J) * (I + J + 1) div 2 + I + 1).

dot([], [], Acc) -> Acc;
dot([X | Xs], [Y | Ys], Acc) -> dot(Xs, Ys, Acc + X * Y).
