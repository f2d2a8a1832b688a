-module(code_dirs).
%% code:root_dir/0, lib_dir/1,2 and priv_dir/1 (what NIF and driver loaders use to find their libraries).
-export([main/0]).
main() -> erlang:display({code:root_dir(), code:lib_dir(kernel), code:priv_dir(megaco), code:lib_dir(nonexistent_app), code:priv_dir(nonexistent_app), code:lib_dir(kernel, ebin), erlang:system_info(version)}).
