//! The theory language: any bytes, parsed and elaborated into the kernel,
//! end in a verdict (never a panic, never unbounded work).
#![no_main]
use libfuzzer_sys::fuzz_target;
use proofmill_tactics::theory::{decode_source, Theory};

fuzz_target!(|data: &[u8]| {
    let Ok(src) = decode_source("fuzz.theory", data.to_vec()) else {
        return;
    };
    let _ = proofmill_kernel::with_kernel_stack(move || {
        Theory::load_source("fuzz.theory", &src, None).map(|t| t.rules().len())
    });
});
