//! `proofmill check FILE…`: parse, elaborate and kernel-check theory files.
//! Exit 0 when every file is accepted, 1 with `file:line:col: error: …` when
//! one is rejected (with the kernel's reason when the kernel refused), 2 for
//! usage or I/O errors.

use clap::Args;
use proofmill_kernel::with_kernel_stack;
use proofmill_tactics::theory::Theory;
use std::path::PathBuf;
use std::process::ExitCode;

/// Check theory files: parse, elaborate, and submit every declaration to the kernel.
///
/// A file starts from the shipped `prelude` unless its first command is
/// `prelude`; `import nat` brings in a shipped theory, `import "x.theory"`
/// another file. Prints `FILE: ok (N declarations, R rules)` per file.
///
/// Exit status: 0 all accepted, 1 a file was rejected
/// (`file:line:col: error: …` on stderr), 2 usage or I/O error.
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct CheckArgs {
    /// Theory files to check.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
}

pub fn run(args: CheckArgs) -> ExitCode {
    for path in &args.files {
        if !path.is_file() {
            eprintln!("error: cannot open {}: no such file", path.display());
            return ExitCode::from(2);
        }
        if let Err(e) = std::fs::File::open(path) {
            eprintln!("error: cannot open {}: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    let mut failed = false;
    for path in &args.files {
        let result = with_kernel_stack(|| {
            Theory::load_file(path).map(|t| (t.declarations().len(), t.rules().len()))
        });
        match result {
            Ok((n, r)) => println!("{}: ok ({n} declarations, {r} rules)", path.display()),
            Err(e) => {
                eprintln!("{e}");
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
