//! `verify` on a corpus directory: a small real corpus is generated once;
//! each input replaces its shard (the manifest's sha256 and record count
//! made right, as someone forging a corpus would), and the directory is
//! verified. Verification ends in a verdict, never a panic; and a shard
//! that verifies holds the records written, up to their `attempt` fields
//! and the spacing of their proof terms (a proof term means the term it
//! parses to).
#![no_main]
use libfuzzer_sys::fuzz_target;
use proofmill_corpora::corpus::{decode_jsonl, sha256_hex, verify_dir, Manifest, Record};
use proofmill_generator::{Generator, Options};
use proofmill_tactics::notation::NotationTable;
use proofmill_tactics::parse::parse_term;
use proofmill_tactics::print::print_term;
use proofmill_tactics::theory::Theory;
use std::path::PathBuf;
use std::sync::OnceLock;

fn corpus() -> &'static (PathBuf, Manifest, Vec<Record>) {
    static C: OnceLock<(PathBuf, Manifest, Vec<Record>)> = OnceLock::new();
    C.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("proofmill-fuzz-verify-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let d = dir.clone();
        proofmill_kernel::with_kernel_stack(move || {
            let g = Generator::load("ring").expect("ring");
            let mut opts = Options::new("ring", d);
            opts.count = 3;
            opts.steps = (2, 3);
            opts.threads = 1;
            g.run(&opts, &|_, _| {}).expect("a corpus");
        });
        let m: Manifest =
            serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
        let recs = decode_jsonl(&std::fs::read(dir.join("shard-00000.jsonl")).unwrap(), "s").unwrap();
        (dir, m, recs)
    })
}

fn notations() -> &'static NotationTable {
    static N: OnceLock<NotationTable> = OnceLock::new();
    N.get_or_init(|| {
        proofmill_kernel::with_kernel_stack(|| Theory::shipped("ring").map(|t| t.notations().clone()))
            .expect("ring")
    })
}

fuzz_target!(|data: &[u8]| {
    let (dir, m, written) = corpus();
    let mut m = m.clone();
    m.shards[0].sha256 = sha256_hex(data);
    m.shards[0].records = data.iter().filter(|&&b| b == b'\n').count() as u64;
    std::fs::write(dir.join("shard-00000.jsonl"), data).unwrap();
    std::fs::write(dir.join("manifest.json"), serde_json::to_vec(&m).unwrap()).unwrap();
    let d = dir.clone();
    let report = proofmill_kernel::with_kernel_stack(move || verify_dir(&d, |_| {}))
        .expect("the manifest reads");
    if report.bad.is_empty() {
        let got = decode_jsonl(data, "s").expect("verified, so readable");
        let nt = notations();
        let strip = |rs: &[Record]| -> Vec<Record> {
            rs.iter()
                .cloned()
                .map(|mut r| {
                    r.attempt.clear();
                    if let Ok(t) = parse_term(&r.proof_term, nt) {
                        r.proof_term = print_term(&t, nt);
                    }
                    r
                })
                .collect()
        };
        assert_eq!(strip(&got), strip(written), "a changed shard verified");
    }
});
