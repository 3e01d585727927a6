//! Reader + kernel on real Lean exports: `Init.Prelude` and the arena's
//! performance cases. Run with `cargo bench --bench lean_check`.
//!
//! Each iteration imports the whole file into a fresh environment, as
//! `proofmill lean-check` does, on a kernel-sized stack: streaming on one
//! thread, and as a parallel batch on two (`--threads 2`), so the speed-up is
//! read off one run. Inputs are read into memory once, so disk speed is not
//! measured.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use proofmill_corpora::lean_export::{check_export, ImportOptions};
use proofmill_kernel::with_kernel_stack;
use std::path::Path;
use std::time::Duration;

/// (file, threads)
const CASES: &[(&str, usize)] = &[
    ("good/init-prelude.ndjson", 1),
    ("good/init-prelude.ndjson", 2),
    ("perf/app-lam.ndjson", 1),
    ("perf/shift-cascade.ndjson", 1),
];

fn lean_check(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lean-arena");
    let mut group = c.benchmark_group("lean_check");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    for &(case, threads) in CASES {
        let bytes = std::fs::read(root.join(case)).unwrap_or_else(|e| panic!("{case}: {e}"));
        let mut refused = None;
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(format!("{case}/threads={threads}"), |b| {
            b.iter(|| {
                let options = ImportOptions::default().with_threads(threads);
                let result = with_kernel_stack(|| check_export(&bytes[..], options));
                if let Err(e) = &result {
                    refused.get_or_insert_with(|| e.to_string());
                }
                result
            })
        });
        // A file the kernel does not accept is still timed, but say so.
        if let Some(e) = refused {
            eprintln!("warning: {case} was not accepted, so this is the time to refuse it: {e}");
        }
    }
    group.finish();
}

criterion_group!(benches, lean_check);
criterion_main!(benches);
