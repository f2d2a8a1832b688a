-module(compile_cold).
-export([main/0]).
%% OTP's compiler run once on three stdlib modules, in a fresh VM: code that runs a few
%% thousand times and is then done with (most real programs' code), where compiling it to
%% machine code costs more than it saves. Prints each module's size of code.
main() ->
    Src = filename:join(code:lib_dir(stdlib), "src"),
    T0 = erlang:monotonic_time(microsecond),
    Sizes = [begin
                 {ok, M, Bin} = compile:file(filename:join(Src, F), [binary, report_errors]),
                 {ok, {M, [{"Code", Code}]}} = beam_lib:chunks(Bin, ["Code"]),
                 {M, byte_size(Code)}
             end || F <- ["array.erl", "base64.erl", "queue.erl"]],
    T1 = erlang:monotonic_time(microsecond),
    erlang:display(Sizes),
    erlang:display({bench_us, T1 - T0}).
