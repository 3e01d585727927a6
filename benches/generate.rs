//! The factory's phases on `ring` with 5–10 steps (the README's throughput
//! command), fixed seeds: random walks per attempt, proof assembly per
//! theorem, kernel checking per theorem, and reading a theorem back from its
//! printed text (parse and elaborate, compared with the checked terms). Run
//! with `cargo bench --bench generate`.
//!
//! End-to-end verified theorems per second (walks, dedup, assembly, kernel,
//! rendering and writing) are measured by the command in the README's
//! "Throughput" section.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use proofmill_generator::print::TermPrinter;
use proofmill_generator::proof::{assemble, binders, kernel_check, print_proof, theorem_vars};
use proofmill_generator::readback::read_back;
use proofmill_generator::{Generator, Options};
use proofmill_tactics::reader::TheoremReader;
use std::path::PathBuf;
use std::time::Duration;

const ATTEMPTS: u64 = 512;

fn generate(c: &mut Criterion) {
    let g = Generator::load("ring").expect("the shipped ring theory loads");
    let mut opts = Options::new("ring", PathBuf::from("unused"));
    opts.steps = (5, 10);
    opts.seed = 42;
    let limits = opts.limits();
    let coverage = vec![0u64; g.rs.dirs.len()];
    let walker = g.walker(&limits, &coverage);
    let chains: Vec<_> = (0..ATTEMPTS)
        .filter_map(|k| g.walk_one(&walker, &opts, k).ok())
        .collect();
    assert!(!chains.is_empty(), "some walks succeed");

    let mut group = c.benchmark_group("generate/ring/steps=5..10");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(5));

    group.throughput(Throughput::Elements(ATTEMPTS));
    group.bench_function("walks (per attempt)", |b| {
        b.iter(|| {
            (0..ATTEMPTS)
                .filter(|&k| g.walk_one(&walker, &opts, k).is_ok())
                .count()
        })
    });

    group.throughput(Throughput::Elements(chains.len() as u64));
    group.bench_function("proof assembly (per theorem)", |b| {
        b.iter(|| {
            for ch in &chains {
                let mut tc = g.theory.env().checker(&[]);
                assemble(&g.rs, &g.pool, ch, &theorem_vars(ch), &mut tc).expect("assembles");
            }
        })
    });

    group.bench_function("kernel check (per theorem)", |b| {
        b.iter_batched_ref(
            || {
                chains
                    .iter()
                    .map(|ch| {
                        let mut tc = g.theory.env().checker(&[]);
                        let th = assemble(&g.rs, &g.pool, ch, &theorem_vars(ch), &mut tc)
                            .expect("assembles");
                        (tc, th)
                    })
                    .collect::<Vec<_>>()
            },
            |built| {
                for (tc, th) in built.iter_mut() {
                    kernel_check(tc, th).expect("the kernel accepts");
                }
            },
            BatchSize::LargeInput,
        )
    });
    // As `generate` does it: one type checker, reset every 32 theorems.
    group.bench_function(
        "assembly + kernel check, reused checker (per theorem)",
        |b| {
            let mut tc = g.theory.env().checker(&[]);
            b.iter(|| {
                for (i, ch) in chains.iter().enumerate() {
                    if i % 32 == 0 {
                        tc.reset();
                    }
                    let th = assemble(&g.rs, &g.pool, ch, &theorem_vars(ch), &mut tc)
                        .expect("assembles");
                    kernel_check(&mut tc, &th).expect("the kernel accepts");
                }
            })
        },
    );
    // As `generate` does it for every record: parse the printed statement
    // and proof term and elaborate them, then compare with the terms the
    // kernel checked. One reader for all, as a worker keeps one.
    let printer = TermPrinter::new(&g.rs.sig, g.theory.notations());
    let records: Vec<_> = chains
        .iter()
        .map(|ch| {
            let ch = &*g.rs.read_forwards(ch);
            let vars = theorem_vars(ch);
            let mut tc = g.theory.env().checker(&[]);
            let th = assemble(&g.rs, &g.pool, ch, &vars, &mut tc).expect("assembles");
            kernel_check(&mut tc, &th).expect("the kernel accepts");
            let rel = g.rs.sig.relation(ch.sort);
            let eq = printer.print_rel(rel, &ch.terms[0], ch.terms.last().expect("tn"), &g.names);
            let statement = if vars.is_empty() {
                eq
            } else {
                format!("∀ {}, {eq}", binders(&g.rs, &g.pool, &vars))
            };
            let proof = print_proof(&g.rs, &g.pool, &g.names, &vars, ch, &printer);
            (statement, proof, tc, th)
        })
        .collect();
    group.bench_function("read back (per theorem)", |b| {
        let mut reader = TheoremReader::new(&g.theory);
        b.iter(|| {
            for (statement, proof, tc, th) in &records {
                read_back(&mut reader, statement, proof, tc, th).expect("reads back");
            }
        })
    });
    group.finish();
}

criterion_group!(benches, generate);
criterion_main!(benches);
