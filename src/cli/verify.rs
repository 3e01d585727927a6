//! `proofmill verify DIR`: re-check every record with the kernel and replay
//! every trace, independently of the generator, on every core. Exit 0 all
//! good, 1 naming each bad record, 2 when the corpus cannot be read.

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use proofmill_corpora::corpus::{read_manifest, verify_dir_on};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// Re-check a corpus: proof terms by the kernel, traces by the tactic engine.
#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// The corpus directory (with manifest.json).
    dir: PathBuf,
    /// Checking threads (0: one per core). The verdict does not depend on it.
    #[arg(long, default_value_t = 0)]
    threads: usize,
}

pub fn run(a: VerifyArgs) -> ExitCode {
    let dir = a.dir.clone();
    let total = read_manifest(&dir)
        .ok()
        .and_then(|m| m.counts.get("records").copied())
        .unwrap_or(0);
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} verifying [{bar:40}] {pos}/{len} ({per_sec}, eta {eta})",
        )
        .expect("a valid template")
        .progress_chars("=> "),
    );
    let start = Instant::now();
    let threads = a.threads;
    let shown = bar.clone();
    let r = proofmill_kernel::with_kernel_stack(move || {
        verify_dir_on(&dir, threads, move |n| {
            if n % 256 == 0 {
                shown.set_position(n);
            }
        })
    });
    bar.finish_and_clear();
    match r {
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
        Ok(rep) => {
            for b in &rep.bad {
                eprintln!("error: {b}");
            }
            let secs = start.elapsed().as_secs_f64();
            outln!(
                "verified {} records: {} bad ({:.1} s, {:.0} records/s)",
                rep.records,
                rep.bad.len(),
                secs,
                rep.records as f64 / secs.max(1e-9)
            );
            if rep.non_theorems > 0 {
                outln!(
                    "checked {} non-theorems against their counter-models",
                    rep.non_theorems
                );
            }
            if rep.bad.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
    }
}
