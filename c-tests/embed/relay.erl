%% A module whose NIF (linked into two_runtimes.c) answers from a thread of its own, one
%% the runtime does not know (started with pthread_create, not enif_thread_create).
-module(relay).
-export([roundtrip/1]).
-on_load(init/0).

init() -> erlang:load_nif("relay", 0).

%% Sends {relayed, Term} back to the caller from the NIF's own thread.
send_later(_) -> erlang:nif_error(not_loaded).

roundtrip(Term) ->
    ok = send_later(Term),
    receive
        {relayed, X} -> X
    after 5000 -> timeout
    end.
