%% Hand-written BEAM assembly with instructions that only OTP 23/24 compilers emit (and OTP 25's
%% loader still accepts): bs_init2 (literal size, y destination), bs_init_bits, bs_add with a
%% failure label, bs_put_string, bs_append, bs_init_writable + bs_private_append,
%% bs_utf8_size/bs_utf16_size; and a bs_create_bin with a string segment
%% and native/little flags as OTP 25's compiler writes it, and one with a utf8 segment whose unit
%% is not 0, which OTP 25 loads but fails with a size error when run.
%% expect_status: 1
{module, bs_asm_old}.
{exports, [{main,0}]}.
{attributes, []}.
{labels, 30}.

{function, mk, 2, 2}.
  {label,1}.
    {func_info,{atom,bs_asm_old},{atom,mk},2}.
  {label,2}.
    {move,{integer,0},{x,2}}.
    {bs_add,{f,0},[{x,2},{integer,5},8],{x,2}}.
    {gc_bif,byte_size,{f,0},3,[{x,1}],{x,3}}.
    {bs_add,{f,0},[{x,2},{x,3},8],{x,2}}.
    {bs_init_bits,{f,0},{x,2},0,3,{field_flags,[]},{x,2}}.
    {bs_put_integer,{f,0},{integer,16},1,{field_flags,[]},{x,0}}.
    {bs_put_string,3,{string,<<"xyz">>}}.
    {bs_put_binary,{f,0},{atom,all},8,{field_flags,[]},{x,1}}.
    {move,{x,2},{x,0}}.
    return.

{function, fixed, 1, 4}.
  {label,3}.
    {func_info,{atom,bs_asm_old},{atom,fixed},1}.
  {label,4}.
    {allocate,1,1}.
    {init_yregs,{list,[{y,0}]}}.
    {bs_init2,{f,0},4,0,1,{field_flags,[]},{y,0}}.
    {bs_put_integer,{f,0},{integer,3},8,{field_flags,[little]},{x,0}}.
    {bs_put_string,1,{string,<<"!">>}}.
    {move,{y,0},{x,0}}.
    {deallocate,1}.
    return.

{function, app, 2, 6}.
  {label,5}.
    {func_info,{atom,bs_asm_old},{atom,app},2}.
  {label,6}.
    {move,{integer,0},{x,2}}.
    {bs_add,{f,0},[{x,2},{integer,1},8],{x,2}}.
    {bs_append,{f,0},{x,2},0,3,8,{x,0},{field_flags,[]},{x,2}}.
    {bs_put_integer,{f,0},{integer,4},1,{field_flags,[little]},{x,1}}.
    {bs_put_integer,{f,0},{integer,4},1,{field_flags,[]},{x,1}}.
    {move,{x,2},{x,0}}.
    return.

{function, priv, 1, 8}.
  {label,7}.
    {func_info,{atom,bs_asm_old},{atom,priv},1}.
  {label,8}.
    {allocate,1,1}.
    {move,{x,0},{y,0}}.
    {move,{integer,16},{x,0}}.
    bs_init_writable.
    {bs_private_append,{f,0},{integer,8},1,{x,0},{field_flags,[]},{x,0}}.
    {bs_put_integer,{f,0},{integer,8},1,{field_flags,[]},{y,0}}.
    {bs_private_append,{f,0},{integer,16},1,{x,0},{field_flags,[]},{x,0}}.
    {bs_put_integer,{f,0},{integer,16},1,{field_flags,[little]},{y,0}}.
    {deallocate,1}.
    return.

{function, utf, 1, 10}.
  {label,9}.
    {func_info,{atom,bs_asm_old},{atom,utf},1}.
  {label,10}.
    {move,{integer,0},{x,1}}.
    {bs_utf8_size,{f,0},{x,0},{x,2}}.
    {bs_add,{f,0},[{x,1},{x,2},8],{x,1}}.
    {bs_utf16_size,{f,0},{x,0},{x,2}}.
    {bs_add,{f,0},[{x,1},{x,2},8],{x,1}}.
    {bs_add,{f,0},[{x,1},{integer,4},8],{x,1}}.
    {bs_init_bits,{f,0},{x,1},0,2,{field_flags,[]},{x,1}}.
    {bs_put_utf8,{f,0},{field_flags,[]},{x,0}}.
    {bs_put_utf16,{f,0},{field_flags,[little]},{x,0}}.
    {bs_put_utf32,{f,0},{field_flags,[]},{x,0}}.
    {move,{x,1},{x,0}}.
    return.

{function, safe_add, 2, 12}.
  {label,11}.
    {func_info,{atom,bs_asm_old},{atom,safe_add},2}.
  {label,12}.
    {bs_add,{f,13},[{x,0},{x,1},8],{x,0}}.
    return.
  {label,13}.
    {move,{atom,error},{x,0}}.
    return.

{function, safe_put, 1, 15}.
  {label,14}.
    {func_info,{atom,bs_asm_old},{atom,safe_put},1}.
  {label,15}.
    {bs_init2,{f,16},1,0,1,{field_flags,[]},{x,1}}.
    {bs_put_integer,{f,16},{integer,8},1,{field_flags,[]},{x,0}}.
    {move,{x,1},{x,0}}.
    return.
  {label,16}.
    {move,{atom,error},{x,0}}.
    return.

{function, rcv, 1, 18}.
  {label,17}.
    {func_info,{atom,bs_asm_old},{atom,rcv},1}.
  {label,18}.
    {allocate_heap,1,3,1}.
    {move,{x,0},{y,0}}.
    {bif,self,{f,0},[],{x,0}}.
    {put_tuple2,{x,1},{list,[{y,0},{atom,hello}]}}.
    send.
    {recv_marker_use,{y,0}}.
  {label,19}.
    {loop_rec,{f,21},{x,0}}.
    {test,is_tuple,{f,20},[{x,0}]}.
    {test,test_arity,{f,20},[{x,0},2]}.
    {get_tuple_element,{x,0},0,{x,1}}.
    {test,is_eq_exact,{f,20},[{x,1},{y,0}]}.
    {get_tuple_element,{x,0},1,{x,0}}.
    remove_message.
    {deallocate,1}.
    return.
  {label,20}.
    {loop_rec_end,{f,19}}.
  {label,21}.
    {wait_timeout,{f,19},{integer,100}}.
    timeout.
    {move,{atom,timeout},{x,0}}.
    {deallocate,1}.
    return.

{function, new, 2, 23}.
  {label,22}.
    {func_info,{atom,bs_asm_old},{atom,new},2}.
  {label,23}.
    {bs_create_bin,{f,0},0,2,1,{x,0},
                   {list,[{atom,integer},1,1,{literal,[native]},{x,0},{integer,16},
                          {atom,string},2,8,nil,{string,<<"xyz">>},{integer,3},
                          {atom,binary},3,8,nil,{x,1},{atom,all},
                          {atom,utf16},4,0,{literal,[little]},{x,0},{atom,undefined},
                          {atom,integer},5,1,{literal,[little,signed]},{x,0},{integer,24},
                          {atom,float},6,1,{literal,[native]},{x,0},{integer,32}]}}.
    return.

{function, new_bad, 1, 27}.
  {label,26}.
    {func_info,{atom,bs_asm_old},{atom,new_bad},1}.
  {label,27}.
    {bs_create_bin,{f,0},0,1,1,{x,0},
                   {list,[{atom,utf8},1,1,nil,{x,0},{atom,undefined}]}}.
    return.

{function, main, 0, 25}.
  {label,24}.
    {func_info,{atom,bs_asm_old},{atom,main},0}.
  {label,25}.
    {allocate,0,0}.
    {move,{literal,<<"q">>},{x,1}}.
    {move,{integer,258},{x,0}}.
    {call,2,{f,2}}.
    {call_ext,1,{extfunc,erlang,display,1}}.
    {move,{integer,513},{x,0}}.
    {call,1,{f,4}}.
    {call_ext,1,{extfunc,erlang,display,1}}.
    {move,{integer,5},{x,1}}.
    {move,{literal,<<1,2>>},{x,0}}.
    {call,2,{f,6}}.
    {call_ext,1,{extfunc,erlang,display,1}}.
    {move,{integer,772},{x,0}}.
    {call,1,{f,8}}.
    {call_ext,1,{extfunc,erlang,display,1}}.
    {move,{integer,128512},{x,0}}.
    {call,1,{f,10}}.
    {call_ext,1,{extfunc,erlang,display,1}}.
    {move,{integer,228},{x,0}}.
    {call,1,{f,10}}.
    {call_ext,1,{extfunc,erlang,display,1}}.
    {move,{integer,3},{x,1}}.
    {move,{integer,4},{x,0}}.
    {call,2,{f,12}}.
    {call_ext,1,{extfunc,erlang,display,1}}.
    {move,{integer,-3},{x,1}}.
    {move,{integer,4},{x,0}}.
    {call,2,{f,12}}.
    {call_ext,1,{extfunc,erlang,display,1}}.
    {move,{atom,a},{x,1}}.
    {move,{integer,4},{x,0}}.
    {call,2,{f,12}}.
    {call_ext,1,{extfunc,erlang,display,1}}.
    {move,{integer,65},{x,0}}.
    {call,1,{f,15}}.
    {call_ext,1,{extfunc,erlang,display,1}}.
    {move,{atom,b},{x,0}}.
    {call,1,{f,15}}.
    {call_ext,1,{extfunc,erlang,display,1}}.
    {move,{atom,ref},{x,0}}.
    {call,1,{f,18}}.
    {call_ext,1,{extfunc,erlang,display,1}}.
    {move,{literal,<<"bin">>},{x,1}}.
    {move,{integer,8364},{x,0}}.
    {call,2,{f,23}}.
    {call_ext,1,{extfunc,erlang,display,1}}.
    {move,{integer,65},{x,0}}.
    {call,1,{f,27}}.
    {call_ext,1,{extfunc,erlang,display,1}}.
    {move,{atom,ok},{x,0}}.
    {deallocate,0}.
    return.
