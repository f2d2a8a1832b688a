-module(nif_p1_xml).
-export([main/0]).
%% Debian's unmodified fast_xml NIFs (package erlang-p1-xml): fxml.so (escaping and
%% serialisation) and fxml_stream.so (a streaming parser that sends events to a process, and
%% whole-element parsing), loaded by the modules' on_load through p1_nif_utils, which looks
%% for the libraries with filelib:is_file/1.
main() ->
    El = {xmlel, <<"message">>,
          [{<<"to">>, <<"a@b/c">>}, {<<"q">>, <<"'\"&<>">>}],
          [{xmlcdata, <<"hi & <bye>">>},
           {xmlel, <<"body">>, [], [{xmlcdata, <<"é"/utf8>>}]},
           {xmlel, <<"empty">>, [{<<"x">>, <<"1">>}], []}]},
    B = fxml:element_to_binary(El),
    erlang:display(B),
    erlang:display(fxml:element_to_header(El)),
    erlang:display(fxml:crypt(<<"a<b>&'\"c">>)),
    erlang:display(fxml_stream:parse_element(B) =:= El),
    erlang:display(fxml_stream:parse_element(<<"<a xmlns='urn:x'><b/>text<![CDATA[<raw>]]></a>">>)),
    erlang:display(fxml_stream:parse_element(<<"<a><b></a>">>)),
    erlang:display(fxml_stream:parse_element(<<"not xml">>)),
    erlang:display(catching(fun() -> fxml:element_to_binary({bad}) end)),
    erlang:display(fxml:get_subtag(El, <<"body">>)),
    erlang:display(fxml:get_tag_attr_s(<<"to">>, El)),
    erlang:display(fxml:get_tag_cdata(El)),
    S0 = fxml_stream:new(self()),
    S1 = fxml_stream:parse(S0, <<"<stream:stream xmlns:stream='http://etherx.jabber.org/streams' to='x'>">>),
    S2 = fxml_stream:parse(S1, <<"<iq id='1'><query xmlns='q'/></iq><message><bo">>),
    S3 = fxml_stream:parse(S2, <<"dy>x</body></message></stream:stream>">>),
    fxml_stream:close(S3),
    events(),
    S4 = fxml_stream:new(self(), 10),
    fxml_stream:close(fxml_stream:parse(S4, <<"<s><too-long-element attr='1234567890'/></s>">>)),
    events(),
    S5 = fxml_stream:new(self()),
    fxml_stream:close(fxml_stream:parse(S5, <<"<s><a></b></s>">>)),
    events(),
    S6 = fxml_stream:new(self(), infinity, [use_maps]),
    S7 = fxml_stream:parse(S6, <<"<s xmlns='a'><m id='1'><x/>y</m>">>),
    fxml_stream:close(fxml_stream:parse(fxml_stream:reset(S7), <<"<t><n/></t>">>)),
    events().

catching(F) ->
    try F() catch C:R -> {C, R} end.

events() ->
    receive
        {'$gen_event', E} ->
            erlang:display(E),
            events()
    after 100 ->
        erlang:display(no_more_events)
    end.
