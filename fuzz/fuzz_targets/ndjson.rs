//! The Lean 4 export reader: any bytes, read as lean4export NDJSON into a
//! fresh environment, are accepted, rejected or declined (never a panic).
#![no_main]
use libfuzzer_sys::fuzz_target;
use proofmill_corpora::lean_export::{ImportOptions, Importer};
use proofmill_kernel::Env;

fuzz_target!(|data: &[u8]| {
    let data = data.to_vec();
    proofmill_kernel::with_kernel_stack(move || {
        let mut env = Env::new();
        let mut importer = Importer::new(&mut env, ImportOptions::default());
        let _ = importer.read_all(&data[..]);
    });
});
