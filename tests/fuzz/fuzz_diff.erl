%% Differential fuzzing driver, run unchanged on the real erl and on `beam --bare` by
%% tests/fuzz_diff.rs. Inputs come from a PRNG written here (xorshift64* on integers, state in
%% the process dictionary), seeded per (seed, target, index), so both VMs see the same inputs
%% and any single input can be regenerated alone.
%%
%% Environment: FUZZ_SEED (integer), FUZZ_START and FUZZ_N (index range per target),
%% FUZZ_TARGETS (comma-separated target names; all when unset).
%%
%% Output: one line per input, `Target<TAB>Index<TAB>Call<TAB>Result`, where Call is an Erlang
%% expression that can be pasted into a test and Result is `{ok,Value}` or `{Class,Reason}`.
%% Pids, ports, references and funs in results are shown as their external encoding. The line
%% `done` ends a complete run.
-module(fuzz_diff).
-export([main/0, targets/0, input/3, loader/2, loader_bin/2, jit_crash/1]).

-define(MASK, 16#FFFFFFFFFFFFFFFF).

targets() ->
    [b2t, t2b, phash2, float, int, unicode, packet, binary, compare, re, loader].

main() ->
    Seed = env_int("FUZZ_SEED", 15),
    Start = env_int("FUZZ_START", 0),
    N = env_int("FUZZ_N", 100),
    %% The loader target runs when named: OTP refuses a few mutated modules that ours loads
    %% and the other way round (see fuzz/README.md), which a default run would report.
    Targets = case os:getenv("FUZZ_TARGETS") of
                  false -> targets() -- [loader];
                  "" -> targets() -- [loader];
                  S -> [list_to_atom(T) || T <- string:lexemes(S, ",")]
              end,
    %% OTP's loader reports each refused module to the logger: keep stdout to the results.
    catch logger:set_primary_config(level, none),
    lists:foreach(fun(T) -> run(T, Seed, Start, Start + N) end, Targets),
    io:put_chars("done\n").

env_int(Name, Default) ->
    case os:getenv(Name) of
        false -> Default;
        "" -> Default;
        S -> list_to_integer(S)
    end.

run(_T, _Seed, I, End) when I >= End -> ok;
run(T, Seed, I, End) ->
    %% Loader inputs one line at a time: the real erl may abort on one (the harness then
    %% starts it again after that input).
    Stop = min(End, if T =:= loader -> I + 1; true -> I + 200 end),
    Lines = [line(T, Seed, J) || J <- lists:seq(I, Stop - 1)],
    io:put_chars(Lines),
    run(T, Seed, Stop, End).

line(T, Seed, I) ->
    {M, F, Args} = input(T, Seed, I),
    Res = try {ok, apply(M, F, Args)} catch C:R -> {C, R} end,
    Call = io_lib:format("~w:~w(~s)", [M, F, lists:join(",", [io_lib:format("~w", [A]) || A <- Args])]),
    ascii([atom_to_list(T), $\t, integer_to_list(I), $\t, Call, $\t,
           io_lib:format("~w", [norm(Res)]), $\n]).

%% Characters above 126 as \x{H} so that the output is ASCII on any device encoding.
ascii(Chars) ->
    [if C > 126 -> io_lib:format("\\x{~.16B}", [C]); true -> C end
     || C <- lists:flatten(Chars)].

norm(X) when is_pid(X); is_port(X); is_reference(X); is_function(X) ->
    {kind(X), term_to_binary(X)};
norm(X) when is_list(X) -> norm_list(X);
norm(X) when is_tuple(X) -> list_to_tuple([norm(E) || E <- tuple_to_list(X)]);
norm(X) when is_map(X) -> maps:from_list([{norm(K), norm(V)} || {K, V} <- maps:to_list(X)]);
norm(X) -> X.

norm_list([H | T]) -> [norm(H) | norm_list(T)];
norm_list([]) -> [];
norm_list(T) -> norm(T).

kind(X) when is_pid(X) -> pid;
kind(X) when is_port(X) -> port;
kind(X) when is_reference(X) -> ref;
kind(_) -> 'fun'.

%% ---------------------------------------------------------------- PRNG

seed(Seed, T, I) ->
    Tn = length(lists:takewhile(fun(X) -> X =/= T end, targets())),
    X0 = mix((Seed * 1000003 + Tn * 7919 + I * 104729 + 1) band ?MASK),
    put(fuzz_rng, if X0 =:= 0 -> 1; true -> X0 end).

mix(Z0) ->
    Z1 = ((Z0 bxor (Z0 bsr 30)) * 16#BF58476D1CE4E5B9) band ?MASK,
    Z2 = ((Z1 bxor (Z1 bsr 27)) * 16#94D049BB133111EB) band ?MASK,
    Z2 bxor (Z2 bsr 31).

next() ->
    X0 = get(fuzz_rng),
    X1 = X0 bxor (X0 bsr 12),
    X2 = X1 bxor ((X1 bsl 25) band ?MASK),
    X3 = X2 bxor (X2 bsr 27),
    put(fuzz_rng, X3),
    ((X3 * 16#2545F4914F6CDD1D) band ?MASK) bsr 8.

%% An integer in [0, N).
r(N) -> next() rem N.

pick(L) when is_tuple(L) -> element(r(tuple_size(L)) + 1, L);
pick(L) -> lists:nth(r(length(L)) + 1, L).

bytes(N) -> list_to_binary([r(256) || _ <- lists:seq(1, N)]).

bytes_of(Alphabet, N) -> list_to_binary([pick(Alphabet) || _ <- lists:seq(1, N)]).

%% ---------------------------------------------------------------- terms

int_edge() ->
    B = pick([0, 1, 7, 8, 15, 16, 27, 28, 31, 32, 59, 60, 63, 64, 127, 128, 255, 256, 1000]),
    S = pick([1, -1]),
    S * ((1 bsl B) + r(5) - 2).

float_edge() ->
    pick([0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 1.5, 2.5, 1.0e15, 1.0e16, 1.0e17, 9007199254740992.0,
          9007199254740993.0, 123456789012345680.0, 1.7976931348623157e308, 5.0e-324,
          2.2250738585072014e-308, 2.225073858507201e-308, 1.0e-10, 1.0e21, 1.0e22, 1.0e23,
          3.14159, 0.3, 100.0, 1.0e100, 5.0e-5, 0.000123, 999999.5, 4.35, 0.125]).

gen_float() ->
    case r(4) of
        0 -> float_edge();
        1 -> (r(2000000) - 1000000) / (1 + r(1000));
        2 -> float_edge() * pick([1, -1, 0.1, 0.5, 1.0e-3]);
        _ ->
            <<X:64>> = <<(next() bsl 8 + r(256)):64>>,
            case <<X:64>> of
                <<F/float>> -> F;
                _ -> 0.5
            end
    end.

atom() ->
    pick(['', a, ok, error, true, false, undefined, 'hello world', nonode@nohost, 'Ab',
          'caf\x{e9}', '\x{3b1}\x{3b2}', '\x{1F600}', 'x\x{7FF}y', list_to_atom(lists:duplicate(255, $z))]).

string(N) -> [r(128) || _ <- lists:seq(1, N)].

ustring(N) -> [pick([r(128), 128 + r(1920), 16#800 + r(16#D000), 16#10000 + r(16#100000)])
               || _ <- lists:seq(1, N)].

gen_term(D) ->
    case r(if D > 0 -> 17; true -> 11 end) of
        0 -> r(512) - 256;
        1 -> int_edge();
        2 -> pick([1, -1]) * r(1 bsl (1 + r(300)));
        3 -> gen_float();
        4 -> atom();
        5 -> bytes(pick([0, 1, 3, 8, 20, 64, 65, 100]) + r(3));
        6 -> N = 1 + r(7), <<(bytes(r(6)))/binary, (r(1 bsl N)):N>>;
        7 -> string(r(10));
        8 -> [];
        9 -> ustring(1 + r(5));
        10 -> pick([0, 255, 256, 65535, 16#7FFFFFFF, -16#80000000, 16#80000000, -1]);
        11 -> [gen_term(D - 1) || _ <- lists:seq(1, r(5))];
        12 -> [gen_term(D - 1) | gen_term(D - 1)];
        13 -> list_to_tuple([gen_term(D - 1) || _ <- lists:seq(1, pick([0, 1, 2, 3, 5, 256]))]);
        14 -> maps:from_list([{gen_term(D - 1), gen_term(D - 1)} || _ <- lists:seq(1, r(6))]);
        %% No atom keys in maps of more than 32 keys: their order in a hash map depends on
        %% atom indices, which differ between VMs (also between OTP builds).
        15 -> maps:from_list([{pick([r(100), r(10) * 1.0, r(100) - 100]), r(3)} || _ <- lists:seq(1, 30 + r(12))]);
        _ -> {r(3), float(r(3))}
    end.

%% Options of term_to_binary/2; with Bad, also invalid ones.
t2b_opts(Bad) ->
    V = if Bad -> r(4); true -> r(3) end,
    C = if Bad -> r(11); true -> r(10) end,
    [pick([compressed, {compressed, C}, {minor_version, V}, deterministic, {minor_version, 1}])
     || _ <- lists:seq(1, r(3))].

%% 1 to 4 mutations of a binary: byte changes, truncation, insertion, deletion.
mutate(B) -> mutate(B, 1 + r(4)).

mutate(B, 0) -> B;
mutate(<<>>, K) -> mutate(<<(r(256))>>, K - 1);
mutate(B, K) ->
    P = r(byte_size(B)),
    <<Pre:P/binary, X, Post/binary>> = B,
    B1 = case r(9) of
             0 -> <<Pre/binary, (r(256)), Post/binary>>;
             1 -> <<Pre/binary, ((X + pick([1, -1, 2, -2, 128])) band 255), Post/binary>>;
             2 -> <<Pre/binary, (pick([0, 1, 127, 128, 254, 255, 70, 77, 80, 82, 88, 90, 97, 98,
                                       99, 100, 104, 105, 106, 107, 108, 109, 110, 111, 113, 116,
                                       117, 118, 119]))/integer, Post/binary>>;
             3 -> Pre;
             4 -> <<Pre/binary, (r(256)), X, Post/binary>>;
             5 -> <<Pre/binary, Post/binary>>;
             6 -> <<B/binary, (bytes(1 + r(3)))/binary>>;
             7 -> <<Pre/binary, (X bxor (1 bsl r(8))), Post/binary>>;
             _ -> <<Pre/binary, 0, Post/binary>>
         end,
    mutate(B1, K - 1).

%% Mutations of external terms never write the tags ATOM_INTERNAL_REF2/3 ($I, $K), which only
%% OTP's own atom table gives a meaning.
mutate_ext(B) ->
    << <<(if X =:= $I; X =:= $K -> X + 1; true -> X end)>> || <<X>> <= mutate(B) >>.

%% ---------------------------------------------------------------- targets

%% A loader input is regenerated by its call (the mutated module is too big to print).
input(loader, Seed, I) ->
    {fuzz_diff, loader, [Seed, I]};
input(T, Seed, I) ->
    seed(Seed, T, I),
    gen(T).

gen(b2t) ->
    B0 = term_to_binary(gen_term(3), t2b_opts(false)),
    B = case r(10) of
            0 -> B0;
            1 -> <<B0/binary, (bytes(1 + r(3)))/binary>>;
            _ -> <<131, Rest/binary>> = B0, <<131, (mutate_ext(Rest))/binary>>
        end,
    case r(4) of
        0 -> {erlang, binary_to_term, [B]};
        _ ->
            Opts = pick([[], [safe], [used], [safe, used], [used, safe]]),
            %% Which atoms exist already differs between VMs (OTP's boot makes atoms ours never
            %% needs), so `safe` only sees atoms that the same bytes decoded unsafely made.
            _ = lists:member(safe, Opts) andalso (catch binary_to_term(B)),
            {erlang, binary_to_term, [B, Opts]}
    end;
gen(t2b) ->
    T = gen_term(3),
    case r(5) of
        0 -> {erlang, term_to_binary, [T]};
        _ -> {erlang, term_to_binary, [T, t2b_opts(true)]}
    end;
gen(phash2) ->
    T = gen_term(3),
    case r(3) of
        0 -> {erlang, phash2, [T]};
        _ -> {erlang, phash2, [T, pick([1 + r(1 bsl 32), 1 + r(1000), 1 bsl 32, (1 bsl 32) + 1, 0, 1])]}
    end;
gen(float) ->
    F = gen_float(),
    Opts = [pick([{decimals, r(256)}, {scientific, r(252)}, compact, short, {decimals, r(20)},
                  {scientific, r(20)}, {decimals, -1}, bogus])
            || _ <- lists:seq(1, r(4))],
    case r(6) of
        0 -> {erlang, float_to_list, [F]};
        1 -> {erlang, float_to_list, [F, Opts]};
        2 -> {erlang, float_to_binary, [F, Opts]};
        3 -> {erlang, list_to_float, [float_string()]};
        4 -> {erlang, binary_to_float, [list_to_binary(float_string())]};
        _ -> {erlang, float_to_binary, [F]}
    end;
gen(int) ->
    Base = pick([2, 8, 10, 16, 36, r(40), 10]),
    case r(6) of
        0 -> {erlang, integer_to_list, [int_edge(), Base]};
        1 -> {erlang, integer_to_binary, [int_edge(), Base]};
        2 -> {erlang, list_to_integer, [int_string(), Base]};
        3 -> {erlang, binary_to_integer, [list_to_binary(int_string()), Base]};
        4 -> {erlang, list_to_integer, [int_string()]};
        _ -> {erlang, binary_to_integer, [list_to_binary(int_string())]}
    end;
gen(unicode) ->
    Enc = [latin1, unicode, utf8, utf16, {utf16, little}, {utf16, big}, utf32, {utf32, little},
           {utf32, big}],
    D = chardata(2),
    case r(4) of
        0 -> {unicode, characters_to_binary, [D]};
        1 -> {unicode, characters_to_binary, [D, pick(Enc)]};
        2 -> {unicode, characters_to_list, [D, pick(Enc)]};
        _ -> {unicode, characters_to_binary, [D, pick(Enc), pick(Enc)]}
    end;
gen(packet) ->
    Type = pick([raw, 0, 1, 2, 4, asn1, cdr, sunrm, fcgi, tpkt, line, http, http_bin, httph,
                 httph_bin, bogus]),
    Bin = case r(4) of
              0 -> mutate(packet_bin(Type));
              _ -> packet_bin(Type)
          end,
    Opts = [pick([{packet_size, r(40)}, {line_length, r(20)}, {line_delimiter, pick([$\n, $;, 0])},
                  {packet_size, 0}])
            || _ <- lists:seq(1, r(3))],
    {erlang, decode_packet, [Type, Bin, Opts]};
gen(binary) ->
    Subj = bytes_of("ab\0", r(16)),
    Pat = case r(4) of
              0 -> [bytes_of("ab\0", r(3)) || _ <- lists:seq(1, r(3))];
              _ -> bytes_of("ab\0", r(3))
          end,
    Scope = {scope, {r(18) - 1, r(18) - 3}},
    case r(5) of
        0 -> {binary, split, [Subj, Pat, [pick([global, trim, trim_all, Scope]) || _ <- lists:seq(1, r(3))]]};
        1 -> {binary, replace, [Subj, Pat, bytes_of("xy", r(3)),
                                [pick([global, Scope, {insert_replaced, r(3)}, {insert_replaced, [r(3), r(3)]}])
                                 || _ <- lists:seq(1, r(3))]]};
        2 -> {binary, match, [Subj, Pat, [Scope || _ <- lists:seq(1, r(2))]]};
        3 -> {binary, matches, [Subj, Pat, [Scope || _ <- lists:seq(1, r(2))]]};
        _ -> {binary, split, [Subj, Pat]}
    end;
gen(compare) ->
    A = gen_term(2),
    B = case r(4) of
            0 -> A;
            1 -> related(A);
            _ -> gen_term(2)
        end,
    case r(9) of
        8 -> {lists, sort, [[A, B, gen_term(1), related(B)]]};
        K -> {erlang, element(K + 1, {'<', '==', '=:=', '/=', '=/=', '>=', '>', '=<'}), [A, B]}
    end;
%% Offsets stay within the subject: OTP 25 fails on some patterns with an offset past the end
%% in a way that `catch` does not stop (not a behaviour worth copying).
gen(re) ->
    Pat = re_pattern(),
    Subj = bytes_of("abcAB01 \n.-", r(12)),
    Opts = [pick([global, caseless, multiline, dotall, extended, anchored, ungreedy, unicode,
                  {capture, all, binary}, {capture, first, list}, {capture, none},
                  {capture, all_but_first, index}, {offset, r(byte_size(Subj) + 1)}, notempty,
                  notbol, noteol])
            || _ <- lists:seq(1, r(3))],
    {re, run, [Subj, Pat, Opts]}.

related(A) when is_integer(A) -> pick([float(A), A + 1, A - 1, -A]);
related(A) when is_float(A) -> pick([trunc(A), -A, A / 2]);
related(A) when is_tuple(A), tuple_size(A) > 0 -> setelement(1, A, related(element(1, A)));
related([H | T]) -> [related(H) | T];
related(A) when is_map(A) -> maps:from_list([{related(K), V} || {K, V} <- maps:to_list(A)]);
related(A) when is_binary(A) -> <<A/binary, 0>>;
related(A) -> A.

float_string() ->
    case r(3) of
        0 -> binary_to_list(mutate(list_to_binary(float_to_list(gen_float(), [short]))));
        1 -> [pick("0123456789.eE+-") || _ <- lists:seq(1, r(12))];
        _ -> pick(["1.0", "-1.0", "+1.0", "1.0e10", "1.0E+10", "1.0e-400", "1.0e400", "1e10",
                   "1.", ".1", "0.0", "-0.0", "2.2250738585072011e-308", "1.0e-323",
                   "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791.9",
                   "1.0e308", "1.8e308", "0.1e1", "00001.5", "1.5x", " 1.5", "1_000.0"])
    end.

int_string() ->
    case r(3) of
        0 -> binary_to_list(mutate(list_to_binary(integer_to_list(int_edge()))));
        1 -> [pick("0123456789abcdefzABCZ+-_ ") || _ <- lists:seq(1, r(10))];
        _ -> pick(["", "-", "+", "0", "-0", "+0", "007", "18446744073709551616",
                   "-576460752303423489", "576460752303423487", "1_000", "ff", "FF", "zz", "Zz"])
    end.

chardata(D) ->
    case r(if D > 0 -> 6; true -> 4 end) of
        0 -> utf8ish(r(12));
        1 -> bytes(r(8));
        2 -> [pick([r(128), r(256), r(16#110000), 16#D800 + r(16#800), 16#10FFFF, 16#110000, -1,
                    16#FFFE])
              || _ <- lists:seq(1, r(6))];
        3 -> unicode:characters_to_binary(ustring(r(4)), unicode, pick([utf16, {utf16, little}, utf32]));
        4 -> [chardata(D - 1) || _ <- lists:seq(1, r(4))];
        _ -> [chardata(D - 1) | chardata(0)]
    end.

utf8ish(N) ->
    list_to_binary([pick([r(128), 16#80 + r(64), 16#C0 + r(32), 16#E0 + r(16), 16#F0 + r(8),
                          16#F8 + r(8), 16#ED, 16#EF, 16#BF, 16#BB])
                    || _ <- lists:seq(1, N)]).

packet_bin(Type) ->
    Body = bytes(r(12)),
    L = byte_size(Body) + r(5) - 2,
    Len = max(L, 0),
    case Type of
        1 -> <<(Len band 255), Body/binary>>;
        2 -> <<Len:16, Body/binary>>;
        4 -> <<Len:32, Body/binary>>;
        asn1 -> pick([<<(r(256)), Len, Body/binary>>, <<48, 16#81, Len, Body/binary>>,
                      <<16#1F, 16#81, 1, 16#82, 0, Len, Body/binary>>, <<48, 16#80, Body/binary, 0, 0>>]);
        cdr -> LB = pick([32, 32, 8]), <<"GIOP", 1, (r(3)), (r(2)), (r(8)), Len:LB, Body/binary>>;
        sunrm -> <<(pick([16#80000000, 0]) + Len):32, Body/binary>>;
        fcgi -> <<1, (r(12)), (r(3)):16, Len:16, (r(3)), 0, Body/binary, (bytes(r(3)))/binary>>;
        tpkt -> <<3, 0, (Len + 4):16, Body/binary>>;
        line -> bytes_of("ab\n;\r", r(14));
        _ when Type =:= http; Type =:= http_bin; Type =:= httph; Type =:= httph_bin ->
            list_to_binary(http_line());
        _ -> Body
    end.

http_line() ->
    pick(["GET / HTTP/1.1\r\n", "HTTP/1.1 200 OK\r\n", "Host: example.com\r\n", "\r\n",
          "POST http://a.b:80/x?y HTTP/1.0\r\n", "Content-Length: 12\r\n", "X-Foo:bar\r\n",
          "GET * HTTP/1.1\r\n", "HTTP/1.0 404 Not Found\n", "OPTIONS * HTTP/1.1\r\n",
          "Accept: */*\r\n ", "get / HTTP/1.1\r\n", "Connection:\r\n", "GET / HTTP/11.1\r\n",
          "HTTP/1.1 99999 X\r\n", "GET\r\n", "BREW /pot HTTP/1.1\r\n", "Set-Cookie: a=b\r\n",
          "cOnTeNt-TyPe: x\r\n", "HTTP/1.1 200\r\n", "GET /a HTTP/1.1", "Host : x\r\n",
          "GET https://[::1]:8080/ HTTP/1.1\r\n", "GET ftp://x/ HTTP/1.1\r\n"]).

re_pattern() ->
    list_to_binary([pick(["a", "b", "A", ".", "*", "+", "?", "|", "(", ")", "[ab]", "[^a]", "\\d",
                          "\\w", "\\s", "^", "$", "{1,2}", "(?:", "(?i)", "\\b", "0", "[", "\\",
                          "(?<n>a)", "\\1", "*?", "{2}", "(?=a)", "(?!b)"])
                    || _ <- lists:seq(1, 1 + r(6))]).

%% ---------------------------------------------------------------- the .beam loader

%% Loader input I: a small module (fuzz_loadee, compiled by the harness, or a small OTP module
%% both VMs read from the same file) with only the chunks the loader reads, renamed to
%% ?LOADEE, then mutated: bytes of the file or of one chunk, chunk sizes, chunk order,
%% duplicated or missing chunks, truncation. The result is what erlang:load_module/2 says,
%% and for a module that loads: its exports, its MD5, and the result of calling one of its
%% functions in a process of its own (`timeout` after 200 ms: mutated code may loop).
-define(LOADEE, fuzz_loadee_mutant).

%% The mutated module of loader input I (to write it to a file).
loader_bin(Seed, I) ->
    seed(Seed, loader, I),
    loader_bin().

loader(Seed, I) ->
    Bin = loader_bin(Seed, I),
    case jit_crash(Bin) of
        false -> load(Bin);
        Why -> {excluded, Why}
    end.

load(Bin) ->
    %% erlang:load_module/2 checks the features a module uses when erl_features is loaded,
    %% which a bare run of ours does not do at start.
    {module, erl_features} = code:ensure_loaded(erl_features),
    code:purge(?LOADEE),
    case erlang:load_module(?LOADEE, Bin) of
        {module, ?LOADEE} = Ok ->
            Exports = erlang:get_module_info(?LOADEE, exports),
            Md5 = erlang:get_module_info(?LOADEE, md5),
            Call = case (frame_overread(Bin) orelse types_changed(Bin)
                         orelse stray_bs_put(Bin) orelse undefined_label(Bin)
                         orelse import_atom_zero(Bin) orelse tuple_overread(Bin)
                         orelse lambda_arity_changed(Bin) orelse handler_changed(Bin)
                         orelse falls_into_func_info(Bin) orelse undefined_register_read(Bin)
                         orelse typed_register_high(Bin) orelse call_into_body(Bin)
                         orelse match_string_offset(Bin) orelse loop_without_call(Bin)
                         orelse frame_left_unset(Bin))
                        andalso os:getenv("FUZZ_CALL_ALL") =:= false of
                       true -> undefined_frame_read;
                       false -> loader_call(Exports)
                   end,
            {Ok, lists:sort(Exports), Md5, Call};
        Other ->
            Other
    end.

loader_call(Exports) ->
    Funs = lists:sort([FA || {F, _} = FA <- Exports, F =/= module_info]),
    case Funs of
        [] -> no_call;
        _ ->
            {F, A} = pick(Funs),
            Args = [pick([0, 1, 7, -3, 2.5, a, [], [a, 1], {}, {x, y}, <<>>, <<1, 2, 3, 200>>,
                          #{a => 1, b => 2}, 1 bsl 70, "text"])
                    || _ <- lists:seq(1, A)],
            %% Mutated code may build terms without end: a heap limit stops it.
            {Pid, Ref} = spawn_opt(fun() ->
                                           exit({done, try {ok, apply(?LOADEE, F, Args)}
                                                       catch C:R -> {C, R} end})
                                   end,
                                   [monitor, {max_heap_size, #{size => 1 bsl 20, kill => true,
                                                               error_logger => false}}]),
            receive
                {'DOWN', Ref, process, Pid, {done, Res}} -> {F, Args, sort_exports(Res)};
                {'DOWN', Ref, process, Pid, Why} -> {F, Args, {died, Why}}
            after 200 ->
                    exit(Pid, kill),
                    receive {'DOWN', Ref, process, Pid, _} -> ok end,
                    {F, Args, timeout}
            end
    end.

%% A module_info/0 under another name (its atom mutated) gives the exports in the order the
%% VM made their export entries, which earlier inputs of the run decide (a failed load
%% makes entries for its imports on OTP): the list is compared sorted.
sort_exports({ok, Info} = Res) when is_list(Info) ->
    try
        {ok, [case I of
                  {exports, L} when is_list(L) -> {exports, lists:sort(L)};
                  _ -> I
              end || I <- Info]}
    catch
        _:_ -> Res
    end;
sort_exports(Res) -> Res.

%% Modules that OTP 25's loader lets through to its JIT, where an assertion aborts the VM
%% (`isLabelValid(labelId)` in asmjit): these cannot be compared. Chunks are found as OTP's
%% loader finds them (the last of an id wins).
jit_crash(Bin) ->
    try <<"FOR1", Size:32/signed, Form:Size/binary, _/binary>> = Bin,
        <<"BEAM", Body/binary>> = Form,
        Chunks = lists:reverse(otp_chunks(Body)),
        {_, <<HeadSize:32, Head:HeadSize/binary, _/binary>>} = lists:keyfind("Code", 1, Chunks),
        <<_:32, _:32, Labels:32/signed, _/binary>> = Head,
        {_, <<N:32/signed, Exports:(N * 12)/binary, _/binary>>} = lists:keyfind("ExpT", 1, Chunks),
        %% An export to label 0 or past the last label.
        case [L || <<_:32, _:32, L:32/signed>> <= Exports, L =:= 0 orelse L >= Labels] of
            [] ->
                case lambda_label(Chunks, Labels) of
                    false ->
                        case internal_atom_ref(Chunks) of
                            false -> string_past_table(Chunks);
                            Why -> Why
                        end;
                    Why -> Why
                end;
            _ -> export_label
        end
    catch
        _:_ -> false
    end.

%% Whether a function of the module reads or writes a y register at or past the largest
%% frame it allocates: such code reads its caller's frame (return addresses, catch tags), as
%% in OTP, where what then happens follows from the stack's layout. (Or a bs_create_bin
%% segment's type is no atom, a map is built with an untagged number, or a tuple or fun
%% from a number where its list goes: see below.) Its
%% functions are not
%% called (the verdict, exports and MD5 are still compared) unless FUZZ_CALL_ALL is set. A
%% function starts at func_info.
frame_overread(Bin) ->
    try <<"FOR1", Size:32/signed, Form:Size/binary, _/binary>> = Bin,
        <<"BEAM", Body/binary>> = Form,
        Chunks = lists:reverse(otp_chunks(Body)),
        {_, <<HeadSize:32, _:HeadSize/binary, Code/binary>>} = lists:keyfind("Code", 1, Chunks),
        {_, AtU8} = lists:keyfind("AtU8", 1, Chunks),
        put(fuzz_atoms, list_to_tuple(atom_names(AtU8))),
        put(fuzz_literals, literals(lists:keyfind("LitT", 1, Chunks))),
        frame_overread(Code, 0, -1)
    catch
        _:_ -> false
    end.

%% Frame: the largest frame allocated in the current function; MaxY: its largest y index.
frame_overread(<<>>, Frame, MaxY) -> MaxY >= Frame;
frame_overread(<<Op, Rest/binary>>, Frame, MaxY) ->
    {Name, Arity} = beam_opcodes:opname(Op),
    {Args, Rest1} = operands(Arity, Rest, []),
    MaxY1 = lists:max([MaxY | y_indices(Args)]),
    case Name of
        bs_create_bin ->
            %% A segment whose type is no atom: OTP's JIT emits code that builds whatever
            %% (it differs from run to run); undefined too.
            {list, Segs} = lists:last(Args),
            not all_segment_types_atoms(Segs) orelse frame_overread(Rest1, Frame, MaxY1);
        _ when Name =:= put_map_assoc; Name =:= put_map_exact ->
            %% An untagged number or a label as a key or value: OTP's map holds a raw word.
            %% A constant as the map to update (the base modules only use `#{}` so): OTP's
            %% code takes any term that is no small map for a large one.
            {list, Items} = lists:last(Args),
            lists:keymember(0, 1, Items) orelse lists:keymember(5, 1, Items)
                orelse not map_source(lists:nth(2, Args))
                orelse frame_overread(Rest1, Frame, MaxY1);
        _ when Name =:= put_tuple2; Name =:= make_fun3 ->
            %% A number where the list goes: OTP builds the term from operands that are
            %% not there.
            case lists:last(Args) of
                {list, _} -> frame_overread(Rest1, Frame, MaxY1);
                _ -> true
            end;
        get_map_elements ->
            %% A destination that is no register: OTP's code writes somewhere undefined.
            case lists:last(Args) of
                {list, Items} ->
                    lists:any(fun({T, _}) -> T =/= 3 andalso T =/= 4; (_) -> true end,
                              odd_elements(Items))
                        orelse frame_overread(Rest1, Frame, MaxY1);
                _ -> frame_overread(Rest1, Frame, MaxY1)
            end;
        init_yregs ->
            %% A constant among the registers to clear: OTP clears an undefined slot.
            case Args of
                [{list, Items}] ->
                    lists:any(fun({T, _}) -> not lists:member(T, [0, 3, 4, 5]); (_) -> true end,
                              Items)
                        orelse frame_overread(Rest1, Frame, MaxY1);
                _ -> true
            end;
        _ when Name =:= bif1; Name =:= bif2 ->
            %% A fail operand that is no label: what OTP's code does on failure is undefined.
            case Args of
                [{5, _} | _] -> frame_overread(Rest1, Frame, MaxY1);
                _ -> true
            end;
        bs_get_binary2 ->
            %% A unit of 0 (ours raises badarg there; OTP's code takes no bits, or for `all`
            %% divides by it).
            case Args of
                [_, _, _, _, {0, 0} | _] -> true;
                _ -> frame_overread(Rest1, Frame, MaxY1)
            end;
        fmove ->
            %% A literal that is no float into a float register: OTP's code reads a float
            %% from whatever the literal's box holds.
            case Args of
                [{lit, N}, {fr, _}] ->
                    case get(fuzz_literals) of
                        #{N := F} when is_float(F) -> frame_overread(Rest1, Frame, MaxY1);
                        _ -> true
                    end;
                _ -> frame_overread(Rest1, Frame, MaxY1)
            end;
        _ when Name =:= test_heap; Name =:= deallocate ->
            %% A count past 32 bits: what OTP's code then allocates or frees is undefined.
            count_past_32_bits(Args) orelse frame_overread(Rest1, Frame, MaxY1);
        func_info when MaxY >= Frame -> true;
        func_info -> frame_overread(Rest1, 0, -1);
        int_code_end -> MaxY1 >= Frame;
        _ when Name =:= allocate; Name =:= allocate_zero; Name =:= allocate_heap;
               Name =:= allocate_heap_zero ->
            %% A count past 32 bits: what OTP's code then allocates is undefined.
            [{0, N} | _] = Args,
            count_past_32_bits(Args) orelse frame_overread(Rest1, max(Frame, N), MaxY1);
        _ -> frame_overread(Rest1, Frame, MaxY1)
    end.

count_past_32_bits(Args) ->
    lists:any(fun({0, V}) -> V > 16#FFFFFFFF; (_) -> false end, Args).

all_segment_types_atoms([{2, A}, _, {U, _}, _, Src, Size | More]) when A > 0, U =< 1 ->
    %% An atom that names no segment type builds whatever on OTP too, and so does a string
    %% segment whose offset or length is a register, or whose offset is no number (OTP
    %% copies from the string table plus that operand's word).
    Atoms = get(fuzz_atoms),
    A =< tuple_size(Atoms)
        andalso lists:member(element(A, Atoms),
                             [<<"integer">>, <<"float">>, <<"binary">>, <<"append">>,
                              <<"private_append">>, <<"string">>, <<"utf8">>, <<"utf16">>,
                              <<"utf32">>])
        andalso not (element(A, Atoms) =:= <<"string">>
                     andalso (is_register(Src) orelse is_register(Size)
                              orelse not string_offset(Src)))
        andalso not is_label(Src) andalso not is_label(Size)
        andalso all_segment_types_atoms(More);
all_segment_types_atoms([]) -> true;
all_segment_types_atoms(_) -> false.

string_offset({0, _}) -> true;
string_offset({1, N}) -> N >= 0;
string_offset(_) -> false.

is_register({T, _}) -> T =:= 3 orelse T =:= 4;
is_register(_) -> false.

is_label({5, _}) -> true;
is_label(_) -> false.

%% A register, or a literal that is a map.
map_source({lit, N}) ->
    case get(fuzz_literals) of
        #{N := M} -> is_map(M);
        _ -> false
    end;
map_source(Src) -> is_register(Src).

%% The terms of a LitT chunk by index (an empty map where it does not decode).
literals({_, <<_:32, Z/binary>>}) ->
    try zlib:uncompress(Z) of
        <<N:32, Entries/binary>> -> literal_entries(0, N, Entries, #{})
    catch
        _:_ -> #{}
    end;
literals(_) -> #{}.

literal_entries(I, N, <<Size:32, Ext:Size/binary, Rest/binary>>, Acc) when I < N ->
    case catch binary_to_term(Ext) of
        {'EXIT', _} -> Acc;
        T -> literal_entries(I + 1, N, Rest, Acc#{I => T})
    end;
literal_entries(_, _, _, Acc) -> Acc.

%% The 2nd, 4th... elements of a list.
odd_elements([_, X | More]) -> [X | odd_elements(More)];
odd_elements(_) -> [].

y_indices(Args) ->
    lists:flatmap(fun({4, Y}) when is_integer(Y) -> [Y];
                     ({list, L}) -> y_indices(L);
                     (_) -> []
                  end, Args).

%% Fun(Code, Chunks) on a module's code (the Code chunk after its header; chunks as OTP's
%% loader finds them, the last of an id winning); false where the file does not parse that
%% far or Fun fails.
on_code(Bin, Fun) ->
    try <<"FOR1", Size:32/signed, Form:Size/binary, _/binary>> = Bin,
        <<"BEAM", Body/binary>> = Form,
        Chunks = lists:reverse(otp_chunks(Body)),
        {_, <<HeadSize:32, _:HeadSize/binary, Code/binary>>} = lists:keyfind("Code", 1, Chunks),
        Fun(Code, Chunks)
    catch
        _:_ -> false
    end.

%% Whether a `get_tuple_element` right after a test of its tuple's arity (`test_arity`,
%% `is_tagged_tuple`, with only other such fetches between) reads past that arity: OTP's code
%% reads the words after the tuple. (Or one fetches an element past the 64th: no tuple of
%% the bases is that large; or from a constant that is no literal: OTP's code reads memory at
%% the constant's word.)
tuple_overread(Bin) ->
    on_code(Bin, fun(Code, _) ->
        tuple_overread(Code, none)
    end).

tuple_overread(<<>>, _) -> false;
tuple_overread(<<Op, Rest/binary>>, Known) ->
    {Name, Arity} = beam_opcodes:opname(Op),
    {Args, Rest1} = operands(Arity, Rest, []),
    case {Name, Args, Known} of
        {int_code_end, _, _} -> false;
        {test_arity, [_, Reg, {0, N}], _} -> tuple_overread(Rest1, {Reg, N});
        {is_tagged_tuple, [_, Reg, {0, N}, _], _} -> tuple_overread(Rest1, {Reg, N});
        {get_tuple_element, [Reg, {0, Pos}, _], {Reg, N}} when Pos >= N -> true;
        {get_tuple_element, [_, {0, Pos}, _], _} when Pos >= 64 -> true;
        {get_tuple_element, [{T, _} | _], _} when T =/= 3, T =/= 4, T =/= lit -> true;
        {get_tuple_element, [Reg, _, Reg], {Reg, _}} -> tuple_overread(Rest1, none);
        {get_tuple_element, _, _} -> tuple_overread(Rest1, Known);
        {line, _, _} -> tuple_overread(Rest1, Known);
        _ -> tuple_overread(Rest1, none)
    end.

%% Whether a `try` or `catch` handler does not start with its `try_case` or `catch_end`:
%% the handler then works on the raw registers an exception leaves (on OTP a raw stack trace
%% that `raise` reads as a pointer).
handler_changed(Bin) ->
    on_code(Bin, fun(Code, _) ->
        Ops = code_ops(Code),
        Handlers = maps:from_list([{L, case N of 'try' -> try_case; _ -> catch_end end}
                                   || {N, [_, {5, L}]} <- Ops, N =:= 'try' orelse N =:= 'catch']),
        handler_starts(Ops, Handlers)
    end).

code_ops(<<Op, Rest/binary>>) ->
    {Name, Arity} = beam_opcodes:opname(Op),
    {Args, Rest1} = operands(Arity, Rest, []),
    case Name of
        int_code_end -> [];
        _ -> [{Name, Args} | code_ops(Rest1)]
    end.

handler_starts([{label, [{0, L}]} | More], Handlers) when is_map_key(L, Handlers) ->
    First = [N || {N, _} <- More, N =/= line],
    case First of
        [N | _] when N =:= map_get(L, Handlers) -> handler_starts(More, Handlers);
        _ -> true
    end;
handler_starts([_ | More], Handlers) -> handler_starts(More, Handlers);
handler_starts([], _) -> false.

%% Whether an instruction that goes on to the next (no return, jump, tail call, raise or
%% remote call, which may be a call of erlang:error/1) stands right before a function's
%% label, line and func_info: OTP's JIT runs into the function's descriptor there (data, not
%% code), so what then happens is undefined.
falls_into_func_info(Bin) ->
    on_code(Bin, fun(Code, _) -> falls_into(code_ops(Code), none) end).

falls_into([{func_info, _} | More], Prev) ->
    not lists:member(Prev, [none, call_ext | stops()]) orelse falls_into(More, func_info);
falls_into([{Name, _} | More], Prev) when Name =:= label; Name =:= line ->
    falls_into(More, Prev);
falls_into([{Name, _} | More], _) -> falls_into(More, Name);
falls_into([], _) -> false.

%% The instructions after which the code does not go on to the next.
stops() ->
    [return, jump, call_only, call_last, call_ext_only, call_ext_last, func_info, badmatch,
     case_end, if_end, try_case_end, badrecord, raise, raw_raise, select_val,
     select_tuple_arity, apply_last, wait, loop_rec_end, int_code_end].

%% Whether a function reads an x register that some path from its entry leaves unset, or a
%% float register before its block sets it: OTP's code reads what earlier code left there.
undefined_register_read(Bin) ->
    on_code(Bin, fun(Code, Chunks) ->
        CallReads = call_reads(Code, Chunks),
        lists:any(fun({Arity, Ops}) ->
                          float_read_before_set(Ops, [])
                              orelse x_read_unset(Arity, Ops, CallReads)
                  end, functions(code_ops(Code)))
    end).

%% The x registers a call hands to what it calls: the arguments of the function at a local
%% call's label (the call's own arity where the label is no function's entry), of an import
%% as ImpT gives its arity (OTP's code passes that many to `error_handler` when the function
%% is not defined), the fun and its arguments of `call_fun`, and `apply`'s module, function
%% and arguments. (Numbers past 1,023 are no register: the list stops there.)
call_reads(Code, Chunks) ->
    Imports = case lists:keyfind("ImpT", 1, Chunks) of
                  {_, <<N:32, Imp:(N * 12)/binary, _/binary>>} ->
                      list_to_tuple([A || <<_:32, _:32, A:32>> <= Imp]);
                  _ -> {}
              end,
    Entries = entry_arities(Code, none, #{}),
    Regs = fun(Count) -> [{3, X} || X <- lists:seq(0, min(Count, 1024) - 1)] end,
    fun(Name, [{0, _}, {0, I} | _]) when (Name =:= call_ext orelse Name =:= call_ext_last
                                          orelse Name =:= call_ext_only),
                                         I < tuple_size(Imports) ->
            Regs(element(I + 1, Imports));
       (Name, [{0, A}, {5, L} | _]) when Name =:= call; Name =:= call_last; Name =:= call_only ->
            Regs(maps:get(L, Entries, A));
       (call_fun, [{0, A}]) -> Regs(A + 1);
       (call_fun2, [_, {0, A}, Fun]) -> [Fun | Regs(A)];
       (Name, [{0, A} | _]) when Name =:= apply; Name =:= apply_last -> Regs(A + 2);
       (_, _) -> []
    end.

%% Whether a function reads an x register that is not set on every path from its entry to
%% the read: its arguments are set at the entry, a call leaves x0 only, a `try`/`catch`
%% handler starts with none (its `try_case`/`catch_end` sets them). An operand that is not
%% read counts as set, and code after a call or a raise is only reached through its label.
x_read_unset(Arity, [{label, _} | Body], CallReads) ->
    Ops = list_to_tuple(Body),
    Labels = maps:from_list([{L, P} || {P, {label, [{0, L}]}} <- lists:zip(lists:seq(1, tuple_size(Ops)), Body)]),
    try
        x_flow([{1, lists:seq(0, Arity - 1)}], {Ops, Labels, CallReads}, #{}),
        false
    catch
        throw:unset -> true
    end;
x_read_unset(_, _, _) -> false.

x_flow([], _, _) -> ok;
x_flow([{Pos, Set} | Work], Code, States) ->
    {Work1, States1} = x_walk(Pos, Set, Code, Work, States),
    x_flow(Work1, Code, States1).

%% Runs from Pos with Set until the code stops falling through; jumps (and falling into a
%% label) narrow the label's set and queue it again when it changes.
x_walk(Pos, _, {Ops, _, _}, Work, States) when Pos > tuple_size(Ops) -> {Work, States};
x_walk(Pos, Set, {Ops, Labels, CallReads} = Code, Work, States) ->
    case element(Pos, Ops) of
        {label, [{0, L}]} ->
            x_jump(L, Set, Labels, Work, States);
        {Name, Args} ->
            Read = read_operands(Name, Args) ++ CallReads(Name, Args),
            [throw(unset) || {3, X} <- Read, not lists:member(X, Set)],
            Flat = lists:flatten([flat_args(A) || A <- Args]),
            Handler = lists:member(Name, ['try', 'catch']),
            {Work1, States1} =
                lists:foldl(fun({5, L}, {W, S}) when L > 0 ->
                                    x_jump(L, if Handler -> []; true -> Set end, Labels, W, S);
                               (_, Acc) -> Acc
                            end, {Work, States}, Flat),
            Written = [X || {3, X} <- Flat -- Read],
            Implicit = case Name of
                           try_case -> [0, 1, 2];
                           N when N =:= catch_end; N =:= make_fun2; N =:= build_stacktrace -> [0];
                           _ -> []
                       end,
            case {lists:member(Name, stops()),
                  lists:member(Name, [call, call_ext, call_fun, call_fun2, apply])} of
                {true, _} -> {Work1, States1};
                {_, true} ->
                    case Pos < tuple_size(Ops) andalso element(Pos + 1, Ops) of
                        {label, _} -> {Work1, States1};
                        _ -> x_walk(Pos + 1, [0], Code, Work1, States1)
                    end;
                _ -> x_walk(Pos + 1, lists:usort(Set ++ Written ++ Implicit), Code,
                            Work1, States1)
            end
    end.

flat_args({list, L}) -> [flat_args(A) || A <- L];
flat_args(A) -> [A].

x_jump(L, Set, Labels, Work, States) ->
    case Labels of
        #{L := P} ->
            New = case States of
                      #{L := Old} -> ordsets:intersection(Old, Set);
                      _ -> Set
                  end,
                  case States of
                      #{L := New} -> {Work, States};
                      _ -> {[{P + 1, New} | Work], States#{L => New}}
                  end;
        _ -> {Work, States}
    end.

%% Whether a float register is read before the code since the last label set it (the
%% compiler keeps float registers within one block).
float_read_before_set([{label, _} | More], _) -> float_read_before_set(More, []);
float_read_before_set([{Name, Args} | More], Set) ->
    Read = [F || {fr, F} <- read_operands(Name, Args)],
    Written = case {Name, lists:last([none | Args])} of
                  {_, {fr, F}} -> [F];
                  _ -> []
              end,
    [F || F <- Read, not lists:member(F, Set)] =/= []
        orelse float_read_before_set(More, Written ++ Set);
float_read_before_set([], _) -> false.

functions([{func_info, [_, _, {0, A}]} | More]) ->
    {Body, Rest} = lists:splitwith(fun({N, _}) -> N =/= func_info end, More),
    [{A, Body} | functions(Rest)];
functions([_ | More]) -> functions(More);
functions([]) -> [].

read_operands(Name, Args) ->
    case {Name, Args} of
        {move, [S, _]} -> [S];
        {fmove, [S, _]} -> [S];
        {fconv, [S, _]} -> [S];
        {fnegate, [_, S, _]} -> [S];
        {F, [_, A, B, _]} when F =:= fadd; F =:= fsub; F =:= fmul; F =:= fdiv -> [A, B];
        {get_list, [S, _, _]} -> [S];
        {get_hd, [S, _]} -> [S];
        {get_tl, [S, _]} -> [S];
        {get_tuple_element, [S | _]} -> [S];
        {put_list, [H, T, _]} -> [H, T];
        {select_val, [S | _]} -> [S];
        {select_tuple_arity, [S | _]} -> [S];
        {bif1, [_, _, S, _]} -> [S];
        {bif2, [_, _, A, B, _]} -> [A, B];
        {gc_bif1, [_, _, _, S, _]} -> [S];
        {gc_bif2, [_, _, _, A, B, _]} -> [A, B];
        {test_arity, [_, S, _]} -> [S];
        {_, [{5, _} | Srcs]} ->
            case atom_to_list(Name) of
                "is_" ++ _ -> Srcs;
                _ -> []
            end;
        _ -> []
    end.

%% Whether a function leaves part of its stack frame undefined: it frees a frame of another
%% size than it allocated (`deallocate`, or the count of a `call_last`, `call_ext_last` or
%% `apply_last`, against the `allocate` sizes less up to all its `trim`s), or it allocates
%% slots (without zeroing them) that none of its instructions names. OTP's `allocate` leaves
%% the slots as they were, so OTP then returns through, or catches an exception at, whatever
%% word an earlier process left there (seen: a `try_clause` from `prim_file` code, a crash).
frame_left_unset(Bin) ->
    on_code(Bin, fun(Code, _) ->
        lists:any(fun({_, Ops}) -> frame_unset_in(Ops) end, functions(code_ops(Code)))
    end).

frame_unset_in(Ops) ->
    Allocs = [N || {Name, [{0, N} | _]} <- Ops,
                   lists:member(Name, [allocate, allocate_heap, allocate_zero,
                                       allocate_heap_zero])],
    Unzeroed = [N || {Name, [{0, N} | _]} <- Ops,
                     Name =:= allocate orelse Name =:= allocate_heap],
    Trims = [T || {trim, [{0, T}, _]} <- Ops],
    Frees = [D || {Name, Args} <- Ops,
                  {0, D} <- [case {Name, Args} of
                                 {deallocate, [Count]} -> Count;
                                 {call_last, [_, _, Count]} -> Count;
                                 {call_ext_last, [_, _, Count]} -> Count;
                                 {apply_last, [_, Count]} -> Count;
                                 _ -> none
                             end]],
    Trimmed = lists:sum(Trims),
    Named = lists:usort(y_indices(lists:append([Args || {_, Args} <- Ops]))),
    Fits = fun(D) -> lists:any(fun(A) -> D =< A andalso D >= A - Trimmed end, Allocs) end,
    Unset = fun(N) -> N > length(Named) orelse lists:seq(0, N - 1) -- Named =/= [] end,
    not lists:all(Fits, Frees) orelse lists:any(Unset, Unzeroed).

%% Whether a function's code can go round in a loop that makes no call (nor waits in a
%% `receive`): OTP's code counts no reductions on a jump, so such a loop runs on forever
%% without letting the process be killed, on OTP as here (the compiler makes every loop a
%% call).
loop_without_call(Bin) ->
    on_code(Bin, fun(Code, _) ->
        lists:any(fun({_, Ops}) -> loop_in(list_to_tuple(Ops)) end,
                  functions(code_ops(Code)))
    end).

loop_in(Ops) ->
    Labels = maps:from_list([{L, P} || P <- lists:seq(1, tuple_size(Ops)),
                                       {label, [{0, L}]} <- [element(P, Ops)]]),
    Succ = fun(P) ->
                   case element(P, Ops) of
                       {label, _} -> [P + 1];
                       {Name, Args} ->
                           Jumps = [maps:get(L, Labels)
                                    || {5, L} <- lists:flatten([flat_args(A) || A <- Args]),
                                       is_map_key(L, Labels)],
                           Yields = lists:member(Name, [call, call_last, call_only, call_ext,
                                                        call_ext_last, call_ext_only, call_fun,
                                                        call_fun2, apply, apply_last, loop_rec,
                                                        loop_rec_end, wait, wait_timeout]),
                           if Yields -> [];
                              true ->
                                   Jumps ++ [P + 1 || not lists:member(Name, stops())]
                           end
                   end
           end,
    try
        lists:foldl(fun(P, Done) -> cycle_from(P, Succ, tuple_size(Ops), #{}, Done) end,
                    #{}, lists:seq(1, tuple_size(Ops))),
        false
    catch
        throw:cycle -> true
    end.

%% Depth-first search: Path holds the positions on the way here, Done those fully searched.
cycle_from(P, _, Size, _, Done) when P > Size -> Done;
cycle_from(P, _, _, Path, _) when is_map_key(P, Path) -> throw(cycle);
cycle_from(P, _, _, _, Done) when is_map_key(P, Done) -> Done;
cycle_from(P, Succ, Size, Path, Done) ->
    Done1 = lists:foldl(fun(Q, D) -> cycle_from(Q, Succ, Size, Path#{P => true}, D) end,
                        Done, Succ(P)),
    Done1#{P => true}.

%% Whether a `bs_match_string`'s offset is an atom, `[]`, a literal or a negative number: OTP
%% takes that operand's word as the offset, far past its string table (this VM raises
%% `badarg` there).
match_string_offset(Bin) ->
    on_code(Bin, fun(Code, _) ->
        [x || {bs_match_string, [_, _, _, Offset]} <- code_ops(Code),
              not lists:member(element(1, Offset), [0, 3, 4]),
              not (element(1, Offset) =:= 1 andalso element(2, Offset) >= 0)] =/= []
    end).

%% Whether a typed register's number is 1024 or more: OTP's reader then mixes its high bits
%% into the type index, and its JIT trusts whatever type that names.
typed_register_high(Bin) ->
    on_code(Bin, fun(Code, _) ->
        lists:any(fun({_, Args}) -> typed_high(Args) end, code_ops(Code))
    end).

typed_high(Args) ->
    lists:any(fun({typed_high, _}) -> true;
                 ({list, L}) -> typed_high(L);
                 (_) -> false
              end, Args).

%% Whether a local call whose arity operand is no number calls a label that is no
%% function's entry: OTP's code jumps into that function's body with whatever the registers
%% hold (this VM, which needs the live registers at a call, raises `badarg`).
call_into_body(Bin) ->
    on_code(Bin, fun(Code, _) ->
        Entries = entry_arities(Code, none, #{}),
        [x || {Name, [Arity, {5, L} | _]} <- code_ops(Code),
              lists:member(Name, [call, call_last, call_only]),
              element(1, Arity) =/= 0, not is_map_key(L, Entries)] =/= []
    end).

%% Whether a lambda's arity in FunT is not that of the function at its label: what a call
%% of such a fun runs depends on fun entries earlier loads of the run left (OTP keys them
%% by module, index and uniq).
lambda_arity_changed(Bin) ->
    on_code(Bin, fun(Code, Chunks) ->
        case lists:keyfind("FunT", 1, Chunks) of
            {_, <<N:32, Lambdas:(N * 24)/binary, _/binary>>} ->
                Entries = entry_arities(Code, none, #{}),
                [x || <<_:32, Arity:32, Label:32, _:96>> <= Lambdas,
                      maps:get(Label, Entries, Arity) =/= Arity] =/= [];
            _ -> false
        end
    end).

%% Entry label -> arity of each function (func_info, then its entry label).
entry_arities(<<>>, _, Acc) -> Acc;
entry_arities(<<Op, Rest/binary>>, Pending, Acc) ->
    {Name, Arity} = beam_opcodes:opname(Op),
    {Args, Rest1} = operands(Arity, Rest, []),
    case {Name, Args, Pending} of
        {int_code_end, _, _} -> Acc;
        {func_info, [_, _, {0, A}], _} -> entry_arities(Rest1, A, Acc);
        {label, [{0, L}], A} when is_integer(A) -> entry_arities(Rest1, none, Acc#{L => A});
        _ -> entry_arities(Rest1, none, Acc)
    end.

%% Whether an import names atom 0 (no atom: OTP's reader lets it through as a non-value,
%% and what a call to it then does is undefined).
import_atom_zero(Bin) ->
    on_code(Bin, fun(_, Chunks) ->
        {_, <<N:32, Imp:(N * 12)/binary, _/binary>>} = lists:keyfind("ImpT", 1, Chunks),
        [x || <<M:32, F:32, _:32>> <= Imp, M =:= 0 orelse F =:= 0] =/= []
    end).

%% Whether an instruction names a label that no `label` instruction defines: OTP's JIT
%% jumps to wherever its unbound label leads.
undefined_label(Bin) ->
    on_code(Bin, fun(Code, _) ->
        {Defined, Used} = labels(Code, [], []),
        lists:usort(Used) -- Defined =/= []
    end).

labels(<<>>, Defined, Used) -> {Defined, Used};
labels(<<Op, Rest/binary>>, Defined, Used) ->
    {Name, Arity} = beam_opcodes:opname(Op),
    {Args, Rest1} = operands(Arity, Rest, []),
    case Name of
        int_code_end -> {Defined, Used};
        label -> [{0, L}] = Args, labels(Rest1, [L | Defined], Used);
        _ -> labels(Rest1, Defined, label_refs(Args) ++ Used)
    end.

label_refs(Args) ->
    lists:flatmap(fun({5, L}) when L > 0 -> [L];
                     ({list, L}) -> label_refs(L);
                     (_) -> []
                  end, Args).

%% Whether a bs_put_* instruction stands outside an old-style construction (not after
%% bs_init2, bs_init_bits, bs_append, bs_private_append, another bs_put_* or a line): OTP's
%% code writes into whatever binary its scheduler built last.
stray_bs_put(Bin) ->
    on_code(Bin, fun(Code, _) ->
        stray_bs_put(Code, false)
    end).

stray_bs_put(<<>>, _) -> false;
stray_bs_put(<<Op, Rest/binary>>, InBuild) ->
    {Name, Arity} = beam_opcodes:opname(Op),
    {_, Rest1} = operands(Arity, Rest, []),
    Puts = [bs_put_integer, bs_put_binary, bs_put_float, bs_put_string, bs_put_utf8,
            bs_put_utf16, bs_put_utf32],
    Inits = [bs_init2, bs_init_bits, bs_append, bs_private_append],
    case lists:member(Name, Puts) of
        true -> not InBuild orelse stray_bs_put(Rest1, true);
        false -> stray_bs_put(Rest1, lists:member(Name, Inits) orelse (InBuild andalso Name =:= line))
    end.

%% Whether the module's `Type` chunk (the last one, as OTP reads it) is none of the bases':
%% OTP's JIT trusts the types it gives registers (that an operand is a small integer, say)
%% and what its code then computes is undefined.
types_changed(Bin) ->
    try <<"FOR1", Size:32/signed, Form:Size/binary, _/binary>> = Bin,
        <<"BEAM", Body/binary>> = Form,
        case lists:keyfind("Type", 1, lists:reverse(otp_chunks(Body))) of
            false -> false;
            Type -> not lists:any(fun(B) -> lists:member(Type, B) end, loader_bases())
        end
    catch
        _:_ -> true
    end.

%% A lambda whose label is past the header's label count: OTP 25's loader looks the label up
%% in its label array without a bound check (only `label >= 0`), so whether it then says
%% "lambda already defined" depends on the memory it reads.
lambda_label(Chunks, Labels) ->
    case lists:keyfind("FunT", 1, Chunks) of
        {_, <<N:32/signed, Entries/binary>>} when N > 0, byte_size(Entries) >= N * 24 ->
            case [L || <<_:64, L:32/signed, _:96>> <= binary:part(Entries, 0, N * 24),
                       L >= Labels] of
                [] -> false;
                _ -> lambda_label
            end;
        _ -> false
    end.

%% A term chunk (Meta, read by erl_features when loading; Attr; CInf) that holds the tag
%% ATOM_INTERNAL_REF2/3 ($I, $K) where a term starts: its meaning is an index into OTP's
%% own atom table, out of the fuzzer's scope (as for binary_to_term).
internal_atom_ref(Chunks) ->
    case [Id || {Id, <<131, T/binary>>} <- Chunks, lists:member(Id, ["Meta", "Attr", "CInf"]),
                internal_tag(T)] of
        [] -> false;
        _ -> internal_atom_ref
    end.

internal_tag(T) ->
    try ext_walk(T, 1) of
        _ -> false
    catch
        throw:internal -> true;
        _:_ -> false
    end.

%% Walks N terms of an external encoding from the start of B; returns what follows them.
ext_walk(B, 0) -> B;
ext_walk(<<Tag, R/binary>>, N) -> ext_walk(ext_term(Tag, R), N - 1).

ext_term(Tag, _) when Tag =:= $I; Tag =:= $K -> throw(internal);
ext_term(Tag, R) ->
    Skip = fun(K, B) -> <<_:K/binary, B1/binary>> = B, B1 end,
    case Tag of
        97 -> Skip(1, R);
        98 -> Skip(4, R);
        70 -> Skip(8, R);
        99 -> Skip(31, R);
        106 -> R;
        _ when Tag =:= 100; Tag =:= 118; Tag =:= 107 -> <<L:16, R1/binary>> = R, Skip(L, R1);
        _ when Tag =:= 115; Tag =:= 119 -> <<L, R1/binary>> = R, Skip(L, R1);
        109 -> <<L:32, R1/binary>> = R, Skip(L, R1);
        77 -> <<L:32, R1/binary>> = R, Skip(L + 1, R1);
        110 -> <<L, R1/binary>> = R, Skip(L + 1, R1);
        111 -> <<L:32, R1/binary>> = R, Skip(L + 1, R1);
        104 -> <<A, R1/binary>> = R, ext_walk(R1, A);
        105 -> <<A:32, R1/binary>> = R, ext_walk(R1, A);
        108 -> <<A:32, R1/binary>> = R, ext_walk(R1, A + 1);
        116 -> <<A:32, R1/binary>> = R, ext_walk(R1, 2 * A);
        113 -> ext_walk(R, 3);
        88 -> Skip(12, ext_walk(R, 1));
        103 -> Skip(9, ext_walk(R, 1));
        89 -> Skip(8, ext_walk(R, 1));
        102 -> Skip(5, ext_walk(R, 1));
        120 -> Skip(12, ext_walk(R, 1));
        101 -> Skip(5, ext_walk(R, 1));
        90 -> <<L:16, R1/binary>> = R, Skip(4 + 4 * L, ext_walk(R1, 1));
        114 -> <<L:16, R1/binary>> = R, Skip(1 + 4 * L, ext_walk(R1, 1));
        _ -> throw(other)
    end.

%% A bs_create_bin string segment (or bs_put_string) past the end of StrT: OTP's loader copies the bytes from
%% beyond its string table (no check), so it loads what it happens to read; ours refuses.
string_past_table(Chunks) ->
    Strings = case lists:keyfind("StrT", 1, Chunks) of
                  {_, S} -> byte_size(S);
                  false -> 0
              end,
    {_, AtU8} = lists:keyfind("AtU8", 1, Chunks),
    Atoms = list_to_tuple(atom_names(AtU8)),
    {_, <<HeadSize:32, _:HeadSize/binary, Code/binary>>} = lists:keyfind("Code", 1, Chunks),
    try ops(Code, Atoms, Strings) of
        true -> string_offset;
        false -> operands_overread(Code)
    catch
        _:_ -> false
    end.

%% Instructions whose operands OTP reads from past their own: a make_fun3 with a number where
%% its environment list goes (OTP's loader reads that many environment operands from past
%% the instruction's own; what it finds there decides whether the module loads), and a
%% bs_create_bin whose segment list is not whole segments of six (OTP's JIT reads the last
%% segment's missing operands from past the list: it loads or crashes by what lies there).
operands_overread(<<Op, Rest/binary>>) ->
    {Name, Arity} = beam_opcodes:opname(Op),
    {Args, Rest1} = operands(Arity, Rest, []),
    case {Name, lists:last([none | Args])} of
        {int_code_end, _} -> false;
        {make_fun3, {0, N}} when N > 0 -> make_fun3_env;
        {bs_create_bin, {list, Segs}} when length(Segs) rem 6 =/= 0 -> bs_create_bin_segments;
        _ -> operands_overread(Rest1)
    end.

atom_names(<<Count:32/signed, Rest/binary>>) when Count < 0 ->
    atom_names(-Count, Rest, fun(B) -> {_, L, R} = compact(B), {L, R} end);
atom_names(<<Count:32/signed, Rest/binary>>) ->
    atom_names(Count, Rest, fun(<<L, R/binary>>) -> {L, R} end).

atom_names(0, _, _) -> [];
atom_names(N, Bin, Len) ->
    {L, R} = Len(Bin),
    <<Name:L/binary, R1/binary>> = R,
    [Name | atom_names(N - 1, R1, Len)].

ops(<<Op, Rest/binary>>, Atoms, Strings) ->
    {Name, Arity} = beam_opcodes:opname(Op),
    {Args, Rest1} = operands(Arity, Rest, []),
    case Name of
        int_code_end -> false;
        bs_create_bin ->
            {list, Segs} = lists:last(Args),
            string_segment_past(Segs, Atoms, Strings) orelse ops(Rest1, Atoms, Strings);
        bs_put_string ->
            %% Length, offset (OTP 25 turns it into a bs_create_bin string segment).
            [{_, Len}, {_, Offset}] = Args,
            Offset + Len > Strings orelse ops(Rest1, Atoms, Strings);
        bs_match_string ->
            %% Fail, context, bits, offset: OTP takes a number's or a register's number as
            %% the offset (another operand is no offset: see match_string_offset/1).
            case Args of
                [_, _, {0, Bits}, {T, Offset}] when T =:= 0; T =:= 1; T =:= 3; T =:= 4 ->
                    Offset + (Bits + 7) div 8 > Strings orelse ops(Rest1, Atoms, Strings);
                _ -> ops(Rest1, Atoms, Strings)
            end;
        _ -> ops(Rest1, Atoms, Strings)
    end.

%% Segments are 6 operands: Type (an atom), Seg, Unit, Flags, Src, Size; a string segment has
%% its offset in StrT as Src and its length as Size.
string_segment_past([{2, A}, _, _, _, {_, Offset}, {_, Len} | More], Atoms, Strings)
  when A >= 1, A =< tuple_size(Atoms) ->
    (element(A, Atoms) =:= <<"string">> andalso Offset + Len > Strings)
        orelse string_segment_past(More, Atoms, Strings);
string_segment_past([_, _, _, _, _, _ | More], Atoms, Strings) ->
    string_segment_past(More, Atoms, Strings);
string_segment_past(_, _, _) -> false.

operands(0, Rest, Acc) -> {lists:reverse(Acc), Rest};
operands(N, Bin, Acc) ->
    {Op, Rest} = operand(Bin),
    operands(N - 1, Rest, [Op | Acc]).

%% One operand of the compact encoding: {Tag, Value}, {list, Operands}, {lit, Index},
%% {fr, N} (an allocation list is {0, Words}).
operand(Bin) ->
    case compact(Bin) of
        {7, 1, R} -> {_, N, R1} = compact(R), list_operand(N, R1, []);
        {7, 2, R} -> {{_, N}, R1} = operand(R), {{fr, N}, R1};
        {7, 3, R} -> {_, N, R1} = compact(R), alloc_words(N, R1, 0);
        {7, 4, R} -> {{_, N}, R1} = operand(R), {{lit, N}, R1};
        {7, 5, R} ->
            {{Tag, N} = Reg, R1} = operand(R),
            {_, _, R2} = compact(R1),
            %% OTP's reader keeps the type index above a typed register's low ten bits.
            {if N >= 1024 -> {typed_high, {Tag, N band 1023}}; true -> Reg end, R2};
        {Tag, V, R} -> {{Tag, V}, R}
    end.

%% An allocation list is the unsigned number of heap words it asks for, as OTP's reader
%% reads it: a word each, two a float, five a fun.
alloc_words(0, R, Words) -> {{0, Words}, R};
alloc_words(N, R, Words) ->
    {_, Kind, R1} = compact(R),
    {_, Count, R2} = compact(R1),
    alloc_words(N - 1, R2, Words + Count * element(min(Kind, 2) + 1, {1, 2, 5})).

list_operand(0, R, Acc) -> {{list, lists:reverse(Acc)}, R};
list_operand(N, R, Acc) -> {Op, R1} = operand(R), list_operand(N - 1, R1, [Op | Acc]).

compact(<<B, R/binary>>) when B band 8 =:= 0 -> {B band 7, B bsr 4, R};
compact(<<B, Lo, R/binary>>) when B band 16 =:= 0 -> {B band 7, ((B bsr 5) bsl 8) bor Lo, R};
compact(<<B, R/binary>>) ->
    {N, R1} = case B bsr 5 of
                  7 -> {_, LenCode, Rx} = compact(R), {LenCode + 9, Rx};
                  L -> {L + 2, R}
              end,
    <<V:N/unit:8, R2/binary>> = R1,
    {B band 7, V, R2}.

otp_chunks(<<>>) -> [];
otp_chunks(<<Id:4/binary, Size:32/signed, Rest/binary>>) when Size > 0 ->
    Pad = (4 - Size rem 4) rem 4,
    <<Data:Size/binary, _:Pad/binary, Rest1/binary>> = Rest,
    [{binary_to_list(Id), Data} | otp_chunks(Rest1)];
otp_chunks(<<Id:4/binary, 0:32, Rest/binary>>) -> [{binary_to_list(Id), <<>>} | otp_chunks(Rest)].

%% The chunks OTP 25's loader reads; others (Dbgi, Docs, ...) are dropped from the bases.
-define(LOADER_CHUNKS, ["AtU8", "Code", "StrT", "ImpT", "ExpT", "FunT", "LitT", "LocT", "Attr",
                        "CInf", "Line", "Type", "Meta"]).

loader_bases() ->
    case get(fuzz_loader_bases) of
        undefined ->
            Ebin = filename:dirname(code:which(?MODULE)),
            Files = [filename:join(Ebin, "fuzz_loadee.beam")
                     | [code:which(M) || M <- [orddict, ordsets, erl_bits]]],
            Bases = [begin
                         {ok, B} = file:read_file(F),
                         [{Id, base_chunk(Id, D)}
                          || {Id, D} <- iff_chunks(B), lists:member(Id, ?LOADER_CHUNKS)]
                     end
                     || F <- Files],
            put(fuzz_loader_bases, Bases),
            Bases;
        Bases -> Bases
    end.

%% `fuzz_loadee`'s compile information names its source by the checkout's path; it is set to
%% one path (`FUZZ_LOADEE_SOURCE`, by default that of the checkout where the listed cases were
%% found), so that an input is the same module wherever the repository lies.
base_chunk("CInf", D) ->
    Info = binary_to_term(D),
    case lists:keyfind(source, 1, Info) of
        {source, "/" ++ _ = Path} ->
            case filename:basename(Path) of
                "fuzz_loadee.erl" ->
                    Source = os:getenv("FUZZ_LOADEE_SOURCE",
                                       "/work/main/tests/fuzz/fuzz_loadee.erl"),
                    term_to_binary(lists:keystore(source, 1, Info, {source, Source}));
                _ -> D
            end;
        _ -> D
    end;
base_chunk(_, D) -> D.

iff_chunks(<<"FOR1", Size:32, "BEAM", Rest:(Size - 4)/binary, _/binary>>) -> chunks(Rest).

chunks(<<Id:4/binary, Size:32, Data:Size/binary, Rest0/binary>>) ->
    Pad = (4 - Size rem 4) rem 4,
    <<_:Pad/binary, Rest/binary>> = Rest0,
    [{binary_to_list(Id), Data} | chunks(Rest)];
chunks(<<>>) -> [].

%% Chunks as an IFF file; Sizes overrides the size written for a chunk: [{Index, Size}].
iff(Chunks, Sizes) ->
    Body = [begin
                Size = proplists:get_value(K, Sizes, byte_size(D)),
                Pad = (4 - byte_size(D) rem 4) rem 4,
                [Id, <<Size:32>>, D, <<0:(Pad * 8)>>]
            end
            || {K, {Id, D}} <- lists:zip(lists:seq(1, length(Chunks)), Chunks)],
    B = iolist_to_binary(Body),
    <<"FOR1", (byte_size(B) + 4):32, "BEAM", B/binary>>.

%% Renames the module (atom 1 of AtU8: 1-byte lengths, or compact-term lengths when the count
%% is negative).
rename(Chunks, Name) ->
    [case Id of
         "AtU8" -> {Id, rename_atoms(D, atom_to_binary(Name))};
         _ -> C
     end
     || {Id, D} = C <- Chunks].

rename_atoms(<<Count:32/signed, Rest/binary>>, New) when Count < 0 ->
    {Len, Rest1} = compact_u(Rest),
    <<_:Len/binary, Rest2/binary>> = Rest1,
    <<Count:32/signed, (encode_u(byte_size(New)))/binary, New/binary, Rest2/binary>>;
rename_atoms(<<Count:32/signed, Len, _:Len/binary, Rest/binary>>, New) ->
    <<Count:32/signed, (byte_size(New)), New/binary, Rest/binary>>.

compact_u(<<B, Rest/binary>>) when B band 16#0F =:= 0 -> {B bsr 4, Rest};
compact_u(<<B, Lo, Rest/binary>>) when B band 16#1F =:= 16#08 -> {(B bsr 5) bsl 8 bor Lo, Rest}.

encode_u(N) when N < 16 -> <<(N bsl 4)>>;
encode_u(N) -> <<((N bsr 8) bsl 5 bor 16#08), (N band 255)>>.

loader_bin() ->
    Chunks = rename(pick(loader_bases()), ?LOADEE),
    N = length(Chunks),
    case r(12) of
        0 -> iff(Chunks, []);
        K when K < 3 -> mutate(iff(Chunks, []));
        K when K < 8 ->
            %% Bytes of one chunk, sizes kept right; mostly the code.
            Id = case r(3) of
                     0 -> "Code";
                     _ -> element(1, pick(Chunks))
                 end,
            iff([case C of
                     {Id, D} -> {Id, mutate(D)};
                     _ -> C
                 end
                 || C <- Chunks], []);
        8 ->
            %% A chunk's size field.
            K = 1 + r(N),
            {_, D} = lists:nth(K, Chunks),
            Size = pick([byte_size(D) + r(9) - 4, 0, r(1 bsl 32), 16#7FFFFFFF, 16#FFFFFFFF,
                         byte_size(D) + 4]) band 16#FFFFFFFF,
            iff(Chunks, [{K, Size}]);
        9 ->
            %% Chunk order, a missing chunk, a duplicated (maybe empty or mutated) chunk.
            case r(4) of
                0 -> iff(shuffle(Chunks), []);
                1 -> iff(Chunks -- [pick(Chunks)], []);
                2 -> {Id, D} = pick(Chunks), iff(Chunks ++ [{Id, mutate(D)}], []);
                _ -> {Id, _} = pick(Chunks), iff(insert_at(r(N + 1), {Id, <<>>}, Chunks), [])
            end;
        10 ->
            %% Truncation, or bytes after the form.
            B = iff(Chunks, []),
            case r(3) of
                0 -> <<B/binary, (bytes(1 + r(7)))/binary>>;
                _ -> binary:part(B, 0, r(byte_size(B)))
            end;
        _ ->
            %% The form size.
            <<"FOR1", S:32, Rest/binary>> = iff(Chunks, []),
            <<"FOR1", ((S + pick([-4, -1, 1, 4, 1 bsl 31, -S])) band 16#FFFFFFFF):32,
              Rest/binary>>
    end.

shuffle(L) -> [X || {_, X} <- lists:sort([{r(1000), X} || X <- L])].

insert_at(0, X, L) -> [X | L];
insert_at(K, X, [H | T]) -> [H | insert_at(K - 1, X, T)];
insert_at(_, X, []) -> [X].
