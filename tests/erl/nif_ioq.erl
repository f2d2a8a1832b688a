%% I/O vectors and queues through the nif_ioq test NIF (c-tests/nifs/nif_ioq.c):
%% enif_inspect_iovec on lists of heap, refc, sub and unaligned binaries (which elements are
%% referenced and which copied into one buffer, empty binaries, the element limit and the
%% tail, refusals), with and without an environment and into the caller's structure or an
%% allocated one; enif_ioq_* (enqueueing vectors and binaries with skips, sizes, dequeueing
%% across and inside elements, enif_ioq_peek and enif_ioq_peek_head, bad options).
-module(nif_ioq).
-export([main/0]).
-on_load(init/0).

init() ->
    erlang:load_nif(filename:join(os:getenv("BEAM_TEST_NIF_DIR"), "nif_ioq"), 0).

inspect(_, _, _) -> erlang:nif_error(not_loaded).
new(_) -> erlang:nif_error(not_loaded).
enqv(_, _, _, _) -> erlang:nif_error(not_loaded).
enq_binary(_, _, _, _) -> erlang:nif_error(not_loaded).
qsize(_) -> erlang:nif_error(not_loaded).
deq(_, _) -> erlang:nif_error(not_loaded).
peek(_) -> erlang:nif_error(not_loaded).
peek_head(_) -> erlang:nif_error(not_loaded).
peek_head_nosize(_) -> erlang:nif_error(not_loaded).
destroy(_) -> erlang:nif_error(not_loaded).
no_env_roundtrip(_) -> erlang:nif_error(not_loaded).

main() ->
    Big = binary:copy(<<"0123456789">>, 20),
    Big2 = binary:copy(<<"ab">>, 50),
    Part = binary:part(Big, 10, 100),
    <<_:3, Unaligned:20/binary, _/bits>> = <<0:3, Big/binary, 0:5>>,
    Small = <<"small">>,
    %% Inspection, every way.
    Lists = [[],
             [Small],
             [Big],
             [Small, Big, <<"x">>, Big2, <<"yz">>],
             [<<>>, Small, <<>>, Big, <<>>],
             [Part, Unaligned, Small],
             [<<1:3>>, Small],
             lists:duplicate(20, Small),
             lists:duplicate(20, Big)],
    [[erlang:display({How, summary(inspect(L, 100, How))}) || How <- [0, 1, 2, 3]]
     || L <- Lists],
    %% The element limit and the tail.
    L5 = [Small, Big, <<"x">>, Big2, <<"yz">>],
    erlang:display(summary(inspect(L5, 2, 0))),
    erlang:display(summary(inspect(L5, 0, 1))),
    erlang:display(summary(inspect(L5, 5, 0))),
    erlang:display(summary(inspect([Small, Big | improper], 2, 0))),
    %% Refusals.
    erlang:display([inspect(X, 100, 0) || X <- [Small, foo, [Small | improper], [Small, 1],
                                                [Small, [Big]], [<<1:11>>], [Small, "ab"]]]),
    erlang:display(inspect([Small, <<1:11>>], 1, 0) =/= error),
    queues(Big, Big2, Small),
    erlang:display(no_env_roundtrip([Small, Big, Unaligned, Part])),
    ok.

%% What inspect/3 reports, with the elements' bytes shortened to their sizes.
summary(error) -> error;
summary({Cnt, Size, Elems, OneBuf, Tail, Where}) ->
    {Cnt, Size, [{Len, erlang:crc32(B), Kind} || {Len, B, Kind} <- Elems], OneBuf,
     tail_of(Tail), Where}.

tail_of([]) -> [];
tail_of(L) when is_list(L) -> {rest, length(L)};
tail_of(X) -> X.

queues(Big, Big2, Small) ->
    erlang:display({bad_opts, new(0), new(2)}),
    Q = new(1),
    erlang:display({empty, qsize(Q), peek(Q), peek_head(Q), peek_head_nosize(Q), deq(Q, 0),
                    deq(Q, 1)}),
    erlang:display({enqv, enqv(Q, [Small, Big], 0, 0)}),
    erlang:display({enqv_skip, enqv(Q, [Small, Big2], 3, 1)}),
    erlang:display({enqv_skip_first, enqv(Q, [<<"abc">>, <<"defg">>], 3, 2)}),
    erlang:display({enqv_skip_all, enqv(Q, [<<"abc">>, <<"defg">>], 7, 3)}),
    erlang:display({enqv_skip_over, enqv(Q, [<<"abc">>], 4, 0)}),
    erlang:display({enqv_empty, enqv(Q, [<<>>, <<>>], 0, 0)}),
    erlang:display({size, qsize(Q)}),
    show_peek(Q),
    erlang:display({head, crc_head(peek_head(Q))}),
    erlang:display({deq_some, deq(Q, 2)}),
    erlang:display({head, crc_head(peek_head(Q))}),
    erlang:display({deq_rest_of_first, deq(Q, 3)}),
    erlang:display({head, crc_head(peek_head(Q))}),
    erlang:display({deq_inside_big, deq(Q, 150)}),
    erlang:display({head, crc_head(peek_head(Q))}),
    erlang:display({deq_too_much, deq(Q, 100000)}),
    show_peek(Q),
    erlang:display({enq_binary, enq_binary(Q, Big, 0, alloc), enq_binary(Q, Small, 2, alloc),
                    enq_binary(Q, Big2, 10, inspect), enq_binary(Q, <<"tiny">>, 0, inspect)}),
    erlang:display({enq_binary_skips, enq_binary(Q, Small, 5, alloc),
                    enq_binary(Q, Small, 6, alloc), enq_binary(Q, Small, 6, inspect)}),
    show_peek(Q),
    erlang:display({head, crc_head(peek_head(Q))}),
    Total = qsize(Q),
    erlang:display({deq_all, deq(Q, Total), qsize(Q), peek(Q), peek_head(Q)}),
    erlang:display({again, enqv(Q, [Big], 0, 0), crc_head(peek_head(Q)),
                    byte_size(peek_head_nosize(Q))}),
    %% A head left over 64 bytes by a partial deq still shares the queue's bytes.
    erlang:display({partial, deq(Q, 10), crc_head(peek_head(Q))}),
    erlang:display({partial, deq(Q, 125), crc_head(peek_head(Q))}),
    erlang:display({destroy, destroy(Q)}).

show_peek(Q) ->
    {N, Kind, Bins} = peek(Q),
    erlang:display({peek, N, Kind, [{byte_size(B), erlang:crc32(B)} || B <- Bins]}).

crc_head({1, Size, Bin, Kind}) -> {Size, byte_size(Bin), erlang:crc32(Bin), Kind};
crc_head(X) -> X.
