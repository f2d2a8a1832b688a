-module(process_dict).
-export([main/0]).
%% Process dictionary BIFs.
main() ->
    erlang:display(put(a, 1)),
    erlang:display(put(a, 2)),
    erlang:display(get(a)),
    erlang:display(get(missing)),
    put({complex, key}, [1, 2, 3]),
    put(b, 1),
    erlang:display(get({complex, key})),
    erlang:display(lists:sort(get_keys())),
    erlang:display(lists:sort(get_keys(1))),
    erlang:display(erase(b)),
    erlang:display(erase(b)),
    [put(I, I * I) || I <- lists:seq(1, 50)],
    erlang:display(lists:sum([get(I) || I <- lists:seq(1, 50)])),
    erlang:display(length(get())),
    erlang:display(lists:sort(erase())),
    erlang:display(get()).
