%% erlc_opts: +r24
%% Binary construction with the instructions of OTP 24's compiler (bs_init2, bs_init_bits,
%% bs_add, bs_put_*, bs_append, bs_private_append, bs_utf*_size), as OTP 25 loads them.
-module(bs_old_construct).
-export([main/0]).

show(F) ->
    erlang:display(try F() catch C:R:S -> {C, R, top(S)} end).

%% The top frame without its location (lines differ by nothing, but keep it short) and with
%% any error_info it carries.
top([{M, F, A, Info} | _]) -> {M, F, arity(A), [I || {error_info, _} = I <- Info]};
top(_) -> none.

arity(A) when is_list(A) -> length(A);
arity(A) -> A.

ints(A, B, N) ->
    [<<A:8>>, <<A:N>>, <<A:N/little>>, <<A:N/signed>>, <<A:N/little-signed>>,
     <<A:N/native>>, <<A:N/unit:8>>, <<A:B/unit:4>>, <<A:3, B:5, A:7/little>>,
     <<A:64>>, <<A:70/little>>, <<(-A):N/signed>>].

floats(X, N) ->
    [<<X:64/float>>, <<X:32/float>>, <<X:16/float>>, <<X:N/float>>, <<X:64/float-little>>,
     <<X:32/float-native>>, <<X:N/float-unit:1>>].

bins(B, N) ->
    [<<B/binary>>, <<B:N/binary>>, <<B/bits>>, <<B:(N * 8 - 3)/binary-unit:1>>,
     <<B/binary, B/binary>>, <<1:1, B/binary, 0:7>>, <<B:N/bytes>>, <<"str", B/binary, "ing">>].

utfs(C) ->
    [<<C/utf8>>, <<C/utf16>>, <<C/utf16-little>>, <<C/utf32>>, <<C/utf32-little>>,
     <<C/utf8, C/utf16, C/utf32, 1:3>>, <<C/utf16-native>>].

append_loop(0, Acc) -> Acc;
append_loop(N, Acc) -> append_loop(N - 1, <<Acc/binary, N:8, (N * 3):16/little>>).

bits_loop(0, Acc) -> Acc;
bits_loop(N, Acc) -> bits_loop(N - 1, <<Acc/bits, N:3>>).

utf_loop([], Acc) -> Acc;
utf_loop([C | T], Acc) -> utf_loop(T, <<Acc/binary, C/utf8>>).

guard(X, N) when <<X:N>> =:= <<1, 2>> -> yes;
guard(_, _) -> no.

main() ->
    erlang:display(ints(1000, 12, 16)),
    erlang:display(ints(-5, 0, 13)),
    erlang:display(ints(1 bsl 70 + 12345, 3, 72)),
    erlang:display(floats(1.5, 64)),
    erlang:display(floats(-3, 32)),
    erlang:display(floats(1 bsl 80, 16)),
    erlang:display(bins(<<1, 2, 3, 4>>, 2)),
    erlang:display(bins(<<255, 7, 9>>, 3)),
    [erlang:display(utfs(C)) || C <- [0, $a, 255, 16#7FF, 16#800, 16#FFFF, 16#10000, 16#10FFFF]],
    erlang:display(append_loop(50, <<>>)),
    erlang:display(append_loop(3, <<9, 4>>)),
    erlang:display(bits_loop(20, <<>>)),
    erlang:display(utf_loop([$h, 228, 8364, 128512, $!], <<"start:">>)),
    erlang:display(<< <<X:8>> || X <- lists:seq(1, 40) >>),
    erlang:display(<< <<X:5>> || X <- lists:seq(1, 13) >>),
    erlang:display(<< <<X/utf8>> || X <- [955, 1000, 70000] >>),
    erlang:display(<< <<B/binary, 0>> || B <- [<<"ab">>, <<>>, <<"c">>] >>),
    erlang:display(byte_size(<< <<X:32>> || X <- lists:seq(1, 1000) >>)),
    erlang:display({guard(258, 16), guard(258, 8), guard(a, 16), guard(258, -1)}),
    %% Error cases: all plain badarg (or system_limit), no error_info for these instructions.
    show(fun() -> ints(a, 1, 8) end),
    show(fun() -> ints(1, 1, -8) end),
    show(fun() -> ints(1, 1, foo) end),
    show(fun() -> ints(1, 1.0, 8) end),
    show(fun() -> floats(a, 64) end),
    show(fun() -> floats(1.0, 24) end),
    show(fun() -> floats(1.0e300, 16) end),
    show(fun() -> bins(<<1, 2>>, 3) end),
    show(fun() -> bins(<<1, 2:3>>, 1) end),
    show(fun() -> bins(not_a_binary, 1) end),
    show(fun() -> bins(<<1>>, -1) end),
    show(fun() -> utfs(-1) end),
    show(fun() -> utfs(16#D800) end),
    show(fun() -> utfs(16#110000) end),
    show(fun() -> utfs(a) end),
    show(fun() -> append_loop(2, <<1:1>>) end),
    show(fun() -> append_loop(2, nope) end),
    show(fun() -> utf_loop([1, -1], <<>>) end),
    show(fun() -> bits_loop(2, [1]) end),
    show(fun() -> ints(1, 1, 1 bsl 64) end),
    show(fun() -> << <<X:8>> || X <- [1, a] >> end),
    ok.
