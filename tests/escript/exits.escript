#!/usr/bin/env escript
%% Ways of ending: a normal return (0), halt/1 with a status, exit/1, throw/1.
main(["return"]) -> io:format("returning~n");
main(["halt", N]) -> io:format("halting~n"), halt(list_to_integer(N));
main(["exit"]) -> exit(bye);
main(["throw"]) -> throw(ball);
main(["halt_string"]) -> halt("a halt message").
