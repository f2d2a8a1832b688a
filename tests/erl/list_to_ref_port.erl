-module(list_to_ref_port).
-export([main/0]).
%% list_to_ref/1 and list_to_port/1: the text of a reference or port back to the term, and
%% badarg for text that is not one.
main() ->
    D = fun(X) -> erlang:display(X) end,
    R = make_ref(),
    D(list_to_ref(ref_to_list(R)) =:= R),
    D([ref_to_list(list_to_ref(S)) || S <- ["#Ref<0.1.2.3>", "#Ref<0.0.0.0>", "#Ref<0.0.0.262143>"]]),
    T = fun(F, S) -> try F(S) catch error:E -> E end end,
    D([T(fun list_to_ref/1, S) || S <- ["#Ref<0.1.2>", "#Ref<1.2.3.4>", "Ref<0.1.2.3>", "#Ref<0.a.2.3>",
                                        "#Ref<0.1.2.262144>", bad]]),
    D([port_to_list(list_to_port(S)) || S <- ["#Port<0.0>", "#Port<0.12345>"]]),
    D([T(fun list_to_port/1, S) || S <- ["#Port<1.2>", "#Port<0.1.2>", "<0.1>", x]]),
    ok.
