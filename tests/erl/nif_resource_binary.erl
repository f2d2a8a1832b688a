%% A binary made by enif_make_resource_binary keeps its resource alive (OTP: the binary
%% refers to the resource's memory; the destructor runs only after the binary is gone too).
%% Uses the `blob` resources of c-tests/nifs/nif_env.c through nif_env.erl.
-module(nif_resource_binary).
-export([main/0]).

main() ->
    D0 = nif_env:blob_destroyed(),
    Bin = only_binary(),
    erlang:garbage_collect(),
    receive after 100 -> ok end,
    erlang:garbage_collect(),
    erlang:display({while_binary_lives, nif_env:blob_destroyed() - D0, Bin}),
    drop(Bin),
    erlang:display({after_binary, wait(D0 + 1, 200)}),
    ok.

%% A resource binary whose resource term is dropped at once.
only_binary() ->
    {_Res, Bin} = nif_env:blob(<<"resource bytes">>, true),
    Bin.

drop(_) -> ok.

wait(N, 0) -> {timeout, nif_env:blob_destroyed() - N};
wait(N, K) ->
    erlang:garbage_collect(),
    case nif_env:blob_destroyed() >= N of
        true -> {destroyed, nif_env:blob_destroyed() - N};
        false -> receive after 5 -> wait(N, K - 1) end
    end.
