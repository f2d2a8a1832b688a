%% erlang:load_module/2 on damaged copies of a small OTP module (orddict, renamed): the IFF
%% container and the chunks as OTP 25's loader reads them, found by the differential fuzzer's
%% loader target (tests/fuzz/fuzz_diff.erl). Only the verdict is printed.
-module(load_module_damaged).
-export([main/0]).

-define(M, load_module_damaged_copy).

main() ->
    %% OTP's loader reports each refusal to the logger, on standard output.
    _ = (catch logger:set_primary_config(level, none)),
    {ok, File} = file:read_file(code:which(orddict)),
    Chunks = rename(chunks(File)),
    Good = iff(Chunks),
    t(good, Good),
    t(bytes_after_form, <<Good/binary, 1, 2, 3>>),
    t(truncated_padding, binary:part(Good, 0, byte_size(Good) - 1)),
    t(form_size_short, resize(Good, -4)),
    t(form_size_negative, resize(Good, 1 bsl 31)),
    t(trailing_half_header, iff(Chunks, <<"Abc">>)),
    %% The last chunk of an id wins; an empty one counts as absent.
    t(empty_exports_last, iff(Chunks ++ [{"ExpT", <<>>}])),
    t(empty_exports_first, iff([{"ExpT", <<>>} | Chunks])),
    t(second_code_garbage, iff(Chunks ++ [{"Code", <<1, 2, 3>>}])),
    t(no_imports, iff(lists:keydelete("ImpT", 1, Chunks))),
    t(no_exports, iff(lists:keydelete("ExpT", 1, Chunks))),
    t(latin1_atoms, iff(replace("AtU8", fun(D) -> D end, Chunks, "Atom"))),
    %% LocT is never read.
    t(garbage_locals, iff(replace("LocT", fun(_) -> <<0, 0, 0, 9, 1>> end, Chunks))),
    %% Line: another version is ignored; file names must be UTF-8.
    t(line_version_1, iff(replace("Line", fun(<<_:32, R/binary>>) -> <<1:32, R/binary>> end, Chunks))),
    t(line_no_items, iff(replace("Line", fun(<<V:32, F:32, I:32, _:32, N:32, _/binary>>) ->
                                                 <<V:32, F:32, I:32, 0:32, N:32>>
                                         end, Chunks))),
    %% Type: version 1 entries are checked, another version is ignored.
    Any = <<31, 255, 0:64, -1:64>>,
    Types = [{count0, <<1:32, 0:32>>}, {trailing, <<1:32, 1:32, Any/binary, 1, 2, 3>>},
             {first_not_any, <<1:32, 1:32, 1, 0, 0:64, -1:64>>},
             {any_with_range, <<1:32, 1:32, 31, 255, 0:64, 5:64>>},
             {empty_type, <<1:32, 2:32, Any/binary, 0, 0, 0:64, -1:64>>},
             {high_bits, <<1:32, 2:32, Any/binary, 32, 1, 0:64, -1:64>>},
             {first_all_bits, <<1:32, 1:32, 255, 255, 0:64, -1:64>>},
             {second_range, <<1:32, 2:32, Any/binary, 0, 64, 5:64, 1:64>>},
             {first_min_eq_max, <<1:32, 1:32, 31, 255, 3:64, 3:64>>},
             {count_negative, <<1:32, -1:32, Any/binary>>},
             {version2, <<2:32, 0:32>>}, {version0, <<0:32>>},
             {short, <<1:32, 2:32, Any/binary>>}, {only_version, <<1:32>>}],
    [t({type, Name}, iff(replace("Type", fun(_) -> D end, Chunks))) || {Name, D} <- Types],
    %% erts_internal:beamfile_chunk/2, which erl_features:load_allowed/1 uses.
    erlang:display(erts_internal:beamfile_chunk(Good, "Meta") =:= proplists:get_value("Meta", Chunks)),
    erlang:display(erts_internal:beamfile_chunk(Good, "Dbgi")),
    erlang:display(erts_internal:beamfile_chunk(<<"FOR1">>, "Code")),
    erlang:display(try erts_internal:beamfile_chunk(Good, "Cod") catch C:R -> {C, R} end),
    %% Loading twice keeps one old version; a third load needs a purge.
    erlang:display(code:purge(?M)),
    erlang:display(erlang:load_module(?M, Good)),
    erlang:display(erlang:load_module(?M, Good)),
    erlang:display(erlang:load_module(?M, Good)),
    erlang:display(code:purge(?M)),
    erlang:display(erlang:load_module(?M, Good)),
    erlang:display(?M:to_list(?M:store(a, 1, ?M:new()))),
    ok.

t(Name, Bin) ->
    code:purge(?M),
    R = erlang:load_module(?M, Bin),
    erlang:display({Name, R}).

chunks(<<"FOR1", Size:32, "BEAM", Rest:(Size - 4)/binary, _/binary>>) -> chunks(Rest);
chunks(<<Id:4/binary, Size:32, Data:Size/binary, Rest0/binary>>) ->
    Pad = (4 - Size rem 4) rem 4,
    <<_:Pad/binary, Rest/binary>> = Rest0,
    [{binary_to_list(Id), Data} | chunks(Rest)];
chunks(<<>>) -> [].

iff(Chunks) -> iff(Chunks, <<>>).

iff(Chunks, Tail) ->
    B = iolist_to_binary([[Id, <<(byte_size(D)):32>>, D, <<0:(((4 - byte_size(D) rem 4) rem 4) * 8)>>]
                          || {Id, D} <- Chunks]),
    <<"FOR1", (byte_size(B) + 4 + byte_size(Tail)):32, "BEAM", B/binary, Tail/binary>>.

resize(<<"FOR1", S:32, Rest/binary>>, D) -> <<"FOR1", ((S + D) band 16#FFFFFFFF):32, Rest/binary>>.

replace(Id, F, Chunks) -> replace(Id, F, Chunks, Id).

replace(Id, F, Chunks, NewId) ->
    [case C of {Id, D} -> {NewId, F(D)}; _ -> C end || C <- Chunks].

%% The module name is atom 1 of AtU8 (1-byte lengths in orddict's OTP 25 build).
rename(Chunks) ->
    New = atom_to_binary(?M),
    replace("AtU8", fun(<<Count:32, Len, _:Len/binary, Rest/binary>>) ->
                            <<Count:32, (byte_size(New)), New/binary, Rest/binary>>
                    end, Chunks).
