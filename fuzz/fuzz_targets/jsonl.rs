//! The JSONL shard reader: any bytes decode to records or an error.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = proofmill_corpora::corpus::decode_jsonl(data, "fuzz.jsonl");
});
