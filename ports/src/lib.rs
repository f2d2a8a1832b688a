//! Port programs, linked-in drivers and the erl_driver C ABI for dynamic drivers.
//!
//! Not implemented yet: a later issue builds it on the extension points of `erts`.
