//! `verify` against `generate` on the same corpus, in one run, one thread
//! each: the README's "verify/generate per core" ratio. Each iteration
//! generates the same 2,000 `ring` 5..10 records into a scratch directory
//! (every record checked by the kernel and read back from its text, shards
//! written), or verifies them (manifest, sha256s, every field, both proofs
//! elaborated from their text and kernel-checked, the script replayed
//! tactic by tactic). Criterion prints records per second for both; their
//! quotient is the ratio. `regress` (every trace replayed by the tactic
//! engine against the corpus's own theory, each goal printed and compared
//! with the record's, the replayed proof kernel-checked) runs on the same
//! corpus in the same group, so regress/verify per record is read off the
//! same run. Run with `cargo bench --bench verify` (`-- "verify|regress"`
//! for those two alone).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use proofmill_corpora::corpus::regress::Regressor;
use proofmill_corpora::corpus::verify_dir_on;
use proofmill_generator::{Generator, Options};
use std::path::PathBuf;
use std::time::Duration;

const RECORDS: u64 = 2000;

fn options(out: PathBuf) -> Options {
    let mut opts = Options::new("ring", out);
    opts.steps = (5, 10);
    opts.count = RECORDS;
    opts.seed = 42;
    opts.threads = 1;
    opts.overwrite = true;
    opts
}

fn verify_against_generate(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("proofmill-bench-verify-{}", std::process::id()));
    let g = Generator::load("ring").expect("the shipped ring theory loads");
    let opts = options(dir.clone());
    let report = g.run(&opts, &|_, _| {}).expect("generates");
    assert_eq!(report.written, RECORDS, "the corpus is complete");

    let mut group = c.benchmark_group("corpus/ring/steps=5..10/one thread");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(RECORDS));
    group.bench_function("generate (per record)", |b| {
        b.iter(|| g.run(&opts, &|_, _| {}).expect("generates"))
    });
    group.bench_function("verify (per record)", |b| {
        b.iter(|| {
            let report = verify_dir_on(&dir, 1, |_| {}).expect("the corpus opens");
            assert!(report.bad.is_empty(), "every record verifies");
            report.records
        })
    });
    group.bench_function("regress (per record)", |b| {
        b.iter(|| {
            let g = Regressor::open(&dir, None).expect("the corpus opens");
            let report = g.run(&dir, 1, |_| {}).expect("the corpus reads");
            assert!(report.all_ok(), "every record replays as recorded");
            report.records
        })
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, verify_against_generate);
criterion_main!(benches);
