//! The erl_nif C ABI (`enif_*`), NIF library loading, resources and dirty NIFs.
//!
//! Not implemented yet: a later issue builds it on the extension points of `erts`.
