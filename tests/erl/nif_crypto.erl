-module(nif_crypto).
-export([main/0]).
%% Debian's unmodified OTP crypto NIF library (crypto.so, loaded by crypto's on_load through
%% code:priv_dir(crypto) and erlang:load_nif/2): hashes, HMAC, ciphers, random bytes,
%% public-key signatures and the library's own description.
main() ->
    [erlang:display({hash, T, crypto:hash(T, <<"abc">>)}) || T <- [md5, sha, sha256, sha512]],
    H = crypto:hash_init(sha256),
    H2 = crypto:hash_update(crypto:hash_update(H, <<"a">>), <<"bc">>),
    erlang:display({hash_stream, crypto:hash_final(H2) =:= crypto:hash(sha256, <<"abc">>)}),
    erlang:display({hmac, crypto:mac(hmac, sha256, <<"key">>, <<"data">>)}),
    Key = binary:copy(<<1>>, 16),
    IV = binary:copy(<<2>>, 16),
    C = crypto:crypto_one_time(aes_128_ctr, Key, IV, <<"attack at dawn">>, true),
    erlang:display({aes_ctr, C, crypto:crypto_one_time(aes_128_ctr, Key, IV, C, false)}),
    {Ct, Tag} = crypto:crypto_one_time_aead(aes_128_gcm, Key, binary:copy(<<3>>, 12),
                                             <<"secret">>, <<"aad">>, true),
    erlang:display({aes_gcm, Ct, Tag}),
    erlang:display({random, byte_size(crypto:strong_rand_bytes(32))}),
    {Pub, Priv} = crypto:generate_key(ecdh, secp256r1),
    Sig = crypto:sign(ecdsa, sha256, <<"msg">>, [Priv, secp256r1]),
    erlang:display({ecdsa_verify, crypto:verify(ecdsa, sha256, <<"msg">>, Sig, [Pub, secp256r1])}),
    erlang:display({bad_hash, try crypto:hash(nope, <<>>) catch C1:R1 -> {C1, element(1, R1)} end}),
    [{Name, _, _}] = crypto:info_lib(),
    erlang:display({info_lib, Name}).
