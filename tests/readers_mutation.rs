//! Byte mutations of valid inputs, over every reader of untrusted input
//! (the stable, in-CI companion of the cargo-fuzz targets in `fuzz/`):
//! the theory parser and elaborator, the Lean export (NDJSON) reader, the
//! JSONL and bincode shard readers, and `verify` on a corpus directory.
//! Each mutated input ends in a verdict, never a panic; and a mutated
//! corpus either fails `verify` or still holds the records written (up to
//! their `attempt` fields, which only rerunning the generator could
//! confirm).

use proofmill_corpora::corpus::{
    decode_bin, decode_jsonl, sha256_hex, verify_dir, Manifest, Record, Verifier,
};
use proofmill_corpora::lean_export::{ImportOptions, Importer};
use proofmill_kernel::with_kernel_stack;
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

#[derive(Clone, Debug)]
enum Edit {
    Set(f64, u8),
    Insert(f64, u8),
    Delete(f64),
    Truncate(f64),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let at = 0.0..1.0f64;
    let edit = prop_oneof![
        4 => (at.clone(), any::<u8>()).prop_map(|(a, b)| Edit::Set(a, b)),
        2 => (at.clone(), any::<u8>()).prop_map(|(a, b)| Edit::Insert(a, b)),
        2 => at.clone().prop_map(Edit::Delete),
        1 => at.prop_map(Edit::Truncate),
    ];
    prop::collection::vec(edit, 1..4)
}

fn mutate(bytes: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut b = bytes.to_vec();
    for e in edits {
        let at = |f: f64, n: usize| ((f * n as f64) as usize).min(n.saturating_sub(1));
        match *e {
            Edit::Set(f, x) if !b.is_empty() => {
                let i = at(f, b.len());
                b[i] = x;
            }
            Edit::Insert(f, x) => {
                let i = at(f, b.len() + 1);
                b.insert(i.min(b.len()), x);
            }
            Edit::Delete(f) if !b.is_empty() => {
                let i = at(f, b.len());
                b.remove(i);
            }
            Edit::Truncate(f) => b.truncate(at(f, b.len() + 1)),
            _ => {}
        }
    }
    b
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A small corpus (written once), its manifest and records.
fn corpus() -> &'static (PathBuf, Manifest, Vec<Record>, Vec<u8>) {
    static C: OnceLock<(PathBuf, Manifest, Vec<Record>, Vec<u8>)> = OnceLock::new();
    C.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("proofmill-mutation-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_proofmill"))
            .args([
                "generate", "--theory", "calculus", "--count", "3", "--steps", "2..3",
            ])
            .args(["--format", "jsonl,bin", "--out"])
            .arg(&dir)
            .output()
            .unwrap();
        assert!(out.status.success());
        let m: Manifest =
            serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
        let jsonl = std::fs::read(dir.join("shard-00000.jsonl")).unwrap();
        let recs = decode_jsonl(&jsonl, "s").unwrap();
        let bin = std::fs::read(dir.join("shard-00000.bin")).unwrap();
        (dir, m, recs, bin)
    })
}

/// The fields in which two record lists differ, for messages.
fn differences(a: &[Record], b: &[Record]) -> String {
    fn walk(p: &str, x: &serde_json::Value, y: &serde_json::Value, out: &mut Vec<String>) {
        match (x, y) {
            (serde_json::Value::Object(m), serde_json::Value::Object(n)) => {
                for (k, v) in m {
                    walk(
                        &format!("{p}.{k}"),
                        v,
                        n.get(k).unwrap_or(&serde_json::Value::Null),
                        out,
                    );
                }
            }
            (serde_json::Value::Array(m), serde_json::Value::Array(n)) if m.len() == n.len() => {
                for (i, (v, w)) in m.iter().zip(n).enumerate() {
                    walk(&format!("{p}[{i}]"), v, w, out);
                }
            }
            _ if x != y => out.push(format!("{p}: {x} (written {y})")),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(
        "",
        &serde_json::to_value(a).unwrap(),
        &serde_json::to_value(b).unwrap(),
        &mut out,
    );
    out.join("; ")
}

/// What records mean: their fields, except that a proof term means the
/// term it parses to (its spacing is free) and `attempt` is not compared.
fn meaning(rs: &[Record]) -> Vec<Record> {
    static THEORY: OnceLock<proofmill_tactics::notation::NotationTable> = OnceLock::new();
    let nt = THEORY.get_or_init(|| {
        with_kernel_stack(|| proofmill_tactics::theory::Theory::shipped("calculus"))
            .unwrap()
            .notations()
            .clone()
    });
    rs.iter()
        .cloned()
        .map(|mut r| {
            r.attempt.clear();
            if let Ok(t) = proofmill_tactics::parse::parse_term(&r.proof_term, nt) {
                r.proof_term = proofmill_tactics::print::print_term(&t, nt);
            }
            r
        })
        .collect()
}

/// The bincode shard with its checksum made right, as a forger would.
fn with_checksum(body: &[u8]) -> Vec<u8> {
    let mut b = body.to_vec();
    let hex = sha256_hex(body);
    for i in 0..32 {
        b.push(u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap());
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_theories_end_in_a_verdict(e in edits(), which in 0usize..3) {
        let name = ["ring", "calculus", "logic"][which];
        let src = std::fs::read(root().join(format!("theories/{name}.theory"))).unwrap();
        let m = mutate(&src, &e);
        let r = with_kernel_stack(move || {
            proofmill_tactics::theory::decode_source("m.theory", m)
                .and_then(|s| proofmill_tactics::theory::Theory::load_source("m.theory", &s, None))
                .map(|t| t.rules().len())
        });
        let _ = r;
    }

    #[test]
    fn mutated_lean_exports_end_in_a_verdict(e in edits(), which in 0usize..2) {
        let f = ["Nat.add_succ.v3_0.ndjson", "NatRecRules.ndjson"][which];
        let m = mutate(&std::fs::read(root().join("tests/data/lean-arena").join(f)).unwrap(), &e);
        with_kernel_stack(move || {
            let mut env = proofmill_kernel::Env::new();
            let mut importer = Importer::new(&mut env, ImportOptions::default());
            let _ = importer.read_all(&m[..]);
        });
    }

    #[test]
    fn mutated_shards_are_refused_or_mean_the_same(e in edits()) {
        let (dir, _, written, bin) = corpus();
        let jsonl = std::fs::read(dir.join("shard-00000.jsonl")).unwrap();
        let mj = mutate(&jsonl, &e);
        let mb = with_checksum(&mutate(&bin[..bin.len() - 32], &e));
        let d = dir.clone();
        let written = written.clone();
        with_kernel_stack(move || {
            let v = Verifier::open(&d).unwrap();
            for recs in [decode_jsonl(&mj, "m"), decode_bin(&mb, "m")].into_iter().flatten() {
                if recs.len() == written.len() && meaning(&recs) != meaning(&written) {
                    assert!(
                        !v.check_records(&recs).is_empty(),
                        "accepted: {}",
                        differences(&recs, &written)
                    );
                }
            }
        });
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    /// The whole of `verify` on a directory whose shard was mutated and
    /// whose manifest was made to agree with it.
    #[test]
    fn verify_on_a_mutated_corpus_dir(e in edits()) {
        let (dir, m, written, _) = corpus();
        let d = std::env::temp_dir().join(format!("proofmill-mutation-dir-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        let data = mutate(&std::fs::read(dir.join("shard-00000.jsonl")).unwrap(), &e);
        let mut m = m.clone();
        m.shards.retain(|s| s.file.ends_with(".jsonl"));
        m.shards[0].sha256 = sha256_hex(&data);
        m.shards[0].records = data.iter().filter(|&&b| b == b'\n').count() as u64;
        std::fs::write(d.join("shard-00000.jsonl"), &data).unwrap();
        std::fs::write(d.join("manifest.json"), serde_json::to_vec(&m).unwrap()).unwrap();
        let dd = d.clone();
        let report = with_kernel_stack(move || verify_dir(&dd, |_| {})).unwrap();
        if report.bad.is_empty() {
            let got = decode_jsonl(&data, "m").unwrap();
            prop_assert!(meaning(&got) == meaning(written), "{}", differences(&got, written));
        }
        let _ = std::fs::remove_dir_all(&d);
    }
}

#[test]
fn the_unmutated_corpus_verifies() {
    let (dir, ..) = corpus();
    let d: &Path = dir;
    let d = d.to_path_buf();
    let report = with_kernel_stack(move || verify_dir(&d, |_| {})).unwrap();
    assert!(report.bad.is_empty(), "{:?}", report.bad);
}
