//! The bincode shard reader: any bytes decode to records or an error. The
//! checksum is made right first (as someone forging a shard would), so the
//! fuzzer reaches the decoder behind it.
#![no_main]
use libfuzzer_sys::fuzz_target;
use proofmill_corpora::corpus::{decode_bin, sha256_hex, BIN_MAGIC};

fuzz_target!(|data: &[u8]| {
    let _ = decode_bin(data, "fuzz.bin");
    let mut forged = BIN_MAGIC.to_vec();
    forged.extend_from_slice(data);
    let hex = sha256_hex(&forged);
    for i in 0..32 {
        forged.push(u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).expect("hex"));
    }
    let _ = decode_bin(&forged, "fuzz.bin");
});
