//! Fuzzes external-term decoding (`binary_to_term`): any byte string must decode or be
//! refused, never panic; what decodes must encode again.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut heap = erts::heap::Heap::default();
    let opts = erts::etf::DecodeOpts::default();
    if let Ok((t, _)) = erts::etf::decode(&mut heap, data, opts) {
        let _ = erts::etf::encode(t, erts::etf::EncodeOpts::default());
    }
});
