//! Property: whatever the seed, a generated corpus reads back and verifies.
//!
//! The generator reads every record's text back before writing it
//! (`generator/src/readback.rs`); `verify` then re-checks the corpus from the
//! files alone. Both must hold for any seed of any shipped theory under any
//! of the option sets below, not only for the seeds a developer tried.

use proofmill_corpora::corpus::verify_dir;
use proofmill_generator::{Generator, Options};
use proptest::prelude::*;

const THEORIES: &[&str] = &["nat", "ring", "group", "nilgroup", "logic", "calculus"];

fn options(theory: &str, set: usize, seed: u64, out: std::path::PathBuf) -> Options {
    let mut o = Options::new(theory, out);
    o.seed = seed;
    o.count = 150;
    o.threads = 1;
    match set {
        0 => {}
        1 => o.steps = (5, 10),
        2 => o.min_size = 8,
        _ if theory == "calculus" => o.hard_steps = 1,
        _ => o.steps = (2, 4),
    }
    o
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn a_corpus_of_any_seed_reads_back_and_verifies(
        which in 0..THEORIES.len(),
        set in 0usize..4,
        seed in any::<u64>(),
    ) {
        let theory = THEORIES[which];
        let dir = std::env::temp_dir().join(format!(
            "proofmill-roundtrip-prop-{}-{theory}-{set}-{seed}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        let g = Generator::load(theory).expect("a shipped theory loads");
        let opts = options(theory, set, seed, dir.clone());
        let report = proofmill_kernel::with_kernel_stack(|| g.run(&opts, &|_, _| {}))
            .expect("the run completes");
        prop_assert!(report.rejections.is_empty(), "{:?}", report.rejections);
        prop_assert!(report.readback_failures.is_empty(), "{:?}", report.readback_failures);
        let verified = proofmill_kernel::with_kernel_stack(|| verify_dir(&dir, |_| {}))
            .expect("the corpus reads");
        let _ = std::fs::remove_dir_all(&dir);
        prop_assert_eq!(verified.records, report.written);
        prop_assert!(verified.bad.is_empty(), "{:?}", verified.bad);
    }
}
