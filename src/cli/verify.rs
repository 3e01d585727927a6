//! `proofmill verify DIR`: re-check every record with the kernel and replay
//! every trace, independently of the generator. Exit 0 all good, 1 naming
//! each bad record, 2 when the corpus cannot be read.

use clap::Args;
use proofmill_corpora::corpus::verify_dir;
use std::path::PathBuf;
use std::process::ExitCode;

/// Re-check a corpus: proof terms by the kernel, traces by the tactic engine.
#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// The corpus directory (with manifest.json).
    dir: PathBuf,
}

pub fn run(a: VerifyArgs) -> ExitCode {
    let dir = a.dir.clone();
    let r = proofmill_kernel::with_kernel_stack(move || verify_dir(&dir, |_| {}));
    match r {
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
        Ok(rep) => {
            for b in &rep.bad {
                eprintln!("error: {b}");
            }
            outln!("verified {} records: {} bad", rep.records, rep.bad.len());
            if rep.bad.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
    }
}
