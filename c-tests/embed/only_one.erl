%% A module that two_runtimes.c loads into one of its runtimes only.
-module(only_one).
-export([hello/0]).
hello() -> world.
