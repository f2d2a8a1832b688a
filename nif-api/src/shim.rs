//! The Rust side of the C shim (`csrc/nif_shim.c`): the `%T` conversion of `enif_fprintf`
//! and friends, printing a term as `erlang:display/1` does.

use std::ffi::{c_char, c_int};

/// Writes the display form of `term` to `buf` (at most `size` bytes including the final NUL)
/// and returns its full length (like `snprintf`).
///
/// # Safety
/// `buf` must be null (with `size` 0) or hold `size` writable bytes; `term` a live term.
#[no_mangle]
pub unsafe extern "C" fn nif_api_display_term(term: u64, buf: *mut c_char, size: usize) -> c_int {
    let text = erts::display::display_bytes(erts::term::Term(term));
    if size > 0 && !buf.is_null() {
        let n = text.len().min(size - 1);
        // SAFETY: `buf` holds `size` bytes by the caller's contract; `n < size`.
        unsafe {
            std::ptr::copy_nonoverlapping(text.as_ptr(), buf as *mut u8, n);
            *buf.add(n) = 0;
        }
    }
    text.len() as c_int
}
