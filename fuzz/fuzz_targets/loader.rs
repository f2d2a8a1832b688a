//! Fuzzes the `.beam` loader: any byte string must give a module or a load error, never a
//! panic or a hang.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(file) = erts::loader::beam_file::parse(data) {
        let _ = erts::loader::transform::transform(file);
    }
});
