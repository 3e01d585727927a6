//! Small corpora generated for unit tests, in the system's temporary
//! directory (each test names its own).

use std::path::PathBuf;

/// A fresh corpus of `count` records of the shipped `theory`, 1..4 steps.
pub fn small_corpus(tag: &str, theory: &str, count: u64) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("proofmill-export-{tag}-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    let mut opts = proofmill_generator::Options::new(theory, dir.clone());
    opts.count = count;
    opts.seed = 7;
    opts.steps = (1, 4);
    opts.threads = 1;
    let g = proofmill_generator::Generator::load(theory).expect("a shipped theory");
    proofmill_kernel::with_kernel_stack(move || g.run(&opts, &|_, _| {}))
        .expect("the generator writes the corpus");
    dir
}
