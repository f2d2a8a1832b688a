%% Debian's real megaco_flex_scanner_drv.so (package erlang-megaco): loaded from megaco's
%% priv/lib (BEAM_TEST_MEGACO_LIB, set by the harness) with erl_ddll:load_driver/2, opened as {spawn, "megaco_flex_scanner_drv"}, and
%% used to scan megaco text messages through megaco_flex_scanner:scan/2 (port_control, then
%% the tokens come back with erl_drv_send_term to the caller).
-module(drv_megaco).
-export([main/0]).
-compile(nowarn_unused_function).

msg1() ->
    <<"!/1 [124.124.124.222]:55555\n"
      "T=9998{C=-{SC=A4444{SV{MT=FO,RE=\"901 mg col boot\"}}}}">>.

msg2() ->
    <<"MEGACO/1 [124.124.124.222]\n"
      "Transaction = 9998 {\n"
      "  Context = - {\n"
      "    ServiceChange = ROOT {\n"
      "      Services {\n"
      "        Method = Restart,\n"
      "        ServiceChangeAddress = 55555,\n"
      "        Profile = ResGW/1,\n"
      "        Reason = \"901 mg col boot\"\n"
      "      }\n"
      "    }\n"
      "  }\n"
      "}\n">>.

main() ->
    process_flag(trap_exit, true),
    Dir = os:getenv("BEAM_TEST_MEGACO_LIB"),
    erlang:display(erl_ddll:load_driver(Dir, "megaco_flex_scanner_drv")),
    P = open_port({spawn, "megaco_flex_scanner_drv"}, [binary]),
    erlang:display(erlang:port_info(P, locking)),
    [begin
         R = megaco_flex_scanner:scan(M, P),
         erlang:display(R)
     end || M <- [msg1(), msg2()]],
    erlang:display(megaco_flex_scanner:scan(<<"!/1 [1.2.3.4]:5 T=1{C=-{\"unterminated">>, P)),
    erlang:display(port_control(P, $s, <<"!/1 [1.2.3.4] P=1{C=1{}}">>)),
    receive {tokens, Toks, Line} -> erlang:display({tokens, length(Toks), Line})
    after 2000 -> erlang:display(no_tokens)
    end,
    port_close(P),
    receive {'EXIT', P, R2} -> erlang:display({exit, R2}) after 1000 -> ok end,
    erlang:display(erl_ddll:unload_driver("megaco_flex_scanner_drv")),
    ok.
