-module(empty).
-export([main/0]).
%% Measures VM start-up for bench/run.sh.
main() -> ok.
