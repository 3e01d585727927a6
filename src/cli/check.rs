//! `proofmill check FILE…`: parse, elaborate and kernel-check theory files.
//! Exit 0 when every file is accepted, 1 with `file:line:col: error: …` when
//! one is rejected (with the kernel's reason when the kernel refused), 2 for
//! usage or I/O errors.

use clap::Args;
use proofmill_corpora::lean_export::write_env;
use proofmill_kernel::with_kernel_stack;
use proofmill_tactics::theory::{too_large, Theory, TheoryError, MAX_FILE_BYTES};
use std::path::{Path, PathBuf};

type CheckError = TheoryError;

/// Writes the theory's environment to `out`; an error message on failure.
fn emit_ndjson(t: Theory, out: &Path) -> Result<(), String> {
    let file =
        std::fs::File::create(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    write_env(t.env(), file)
        .map(|_| ())
        .map_err(|e| format!("cannot write {}: {e}", out.display()))
}
use std::process::ExitCode;

/// Check theory files: parse, elaborate, and submit every declaration to the kernel.
///
/// A file starts from the shipped `prelude` unless its first command is
/// `prelude`; `import nat` brings in a shipped theory, `import "x.theory"`
/// another file. Prints `FILE: ok (N declarations, R rules)` per file.
///
/// With `--emit-ndjson OUT` (one FILE only), the checked environment is
/// written as a Lean 4 export (lean4export NDJSON 3.1.0), which
/// `proofmill lean-check OUT` accepts.
///
/// Exit status: 0 all accepted, 1 a file was rejected
/// (`file:line:col: error: …` on stderr), 2 usage or I/O error.
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct CheckArgs {
    /// Theory files to check.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,

    /// Write the checked environment (prelude and imports included) to OUT
    /// as lean4export NDJSON 3.1.0. Needs exactly one FILE.
    #[arg(long, value_name = "OUT")]
    emit_ndjson: Option<PathBuf>,
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
        // A resource limit, like a missing file: refused from the file's size, unread.
        match std::fs::metadata(path) {
            Ok(m) if m.len() > MAX_FILE_BYTES as u64 => {
                eprintln!("error: {}: {}", path.display(), too_large(m.len()));
                return ExitCode::from(2);
            }
            Ok(_) => {}
            Err(e) => {
                eprintln!("error: cannot open {}: {e}", path.display());
                return ExitCode::from(2);
            }
        }
    }
    if args.emit_ndjson.is_some() && args.files.len() != 1 {
        eprintln!("error: --emit-ndjson needs exactly one FILE");
        return ExitCode::from(2);
    }
    let mut failed = false;
    for path in &args.files {
        let emit = args.emit_ndjson.as_deref();
        let result = with_kernel_stack(|| {
            let t = Theory::load_file(path)?;
            let counts = (t.declarations().len(), t.rules().len());
            Ok::<_, CheckError>(match emit {
                Some(out) => (counts, Some(emit_ndjson(t, out))),
                None => (counts, None),
            })
        });
        match result {
            Ok(((n, r), emitted)) => {
                outln!("{}: ok ({n} declarations, {r} rules)", path.display());
                if let Some(Err(e)) = emitted {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            }
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
