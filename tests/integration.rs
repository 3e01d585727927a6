//! Every integration test of the `proofmill` package, in one test binary.
//!
//! Each file under `tests/` is a module here rather than a test target of
//! its own: one binary is compiled and linked instead of one per file (each
//! linked with every dependency), and its tests share the test
//! threads, so a long single-threaded test overlaps the others. A file
//! added to `tests/` must be declared below: [`every_test_file_is_a_module`]
//! fails otherwise (`autotests = false` would silently skip it).

mod export_common;

mod bad_theories;
mod calculus_truth;
mod cli_bench;
mod cli_check;
mod cli_generate;
mod cli_hard;
mod cli_lean_check;
mod cli_limits;
mod cli_merge;
mod cli_problems;
mod cli_prove;
mod cli_regress;
mod corpus_integrity;
mod export_cli;
mod export_coq;
mod export_lean;
mod export_ml;
mod export_smt2;
mod export_tptp;
mod lean_arena;
mod lean_export_write;
mod lean_style;
mod non_theorems;
mod readers_mutation;
mod roundtrip_corpora;
mod roundtrip_proptest;

/// Every `tests/*.rs` file but this one is declared as a module above.
#[test]
fn every_test_file_is_a_module() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let this = include_str!("integration.rs");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("the tests directory") {
        let path = entry.expect("a directory entry").path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if path.extension().is_some_and(|e| e == "rs")
            && stem != "integration"
            && !this.contains(&format!("\nmod {stem};\n"))
        {
            missing.push(stem.to_string());
        }
    }
    assert!(
        missing.is_empty(),
        "tests/integration.rs does not declare: {missing:?}"
    );
}
