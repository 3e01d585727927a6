//! `proofmill lean-check [FILE]`: check a Lean 4 export with proofmill's
//! kernel, under the Lean Kernel Arena's contract (exit 0 accept, 1 reject,
//! 2 decline).

use super::error::CliError;
use clap::Args;
use proofmill_corpora::lean_export::{
    AxiomPolicy, ImportError, ImportOptions, ImportReport, Importer, Verdict,
};
use proofmill_kernel::{with_kernel_stack, Env};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Check a Lean 4 export (lean4export NDJSON, format 3.0.0 or 3.1.0).
///
/// Every declaration goes through the kernel; recursors, constructors and
/// quotient constants listed by the export must agree with the ones the
/// kernel generates. Prints `checked N declarations in X.XXs` on stdout and,
/// when the export is not accepted, `error: …` on stderr.
///
/// Exit status: 0 accepted, 1 rejected (a declaration is wrong, or an axiom
/// is not permitted), 2 declined (unreadable or malformed input, unsupported
/// feature, resource limit).
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct LeanCheckArgs {
    /// The export to check; standard input when omitted or `-`.
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,

    /// Check declarations on N threads. With 1 (the default) the export is
    /// streamed: each declaration is checked as soon as its line is read.
    /// With more, the export is checked as one parallel batch by the kernel
    /// (`Env::add_batch_with`): declarations are handed over as they are
    /// read and their bodies checked on N threads once all is read; the
    /// verdict and the error reported are the same.
    /// 0 means one thread per core, as for every command.
    #[arg(long, value_name = "N", default_value_t = 1)]
    threads: u32,

    /// Permit only these axioms (comma-separated names, e.g.
    /// `propext,Quot.sound,Classical.choice`); any other axiom is rejected.
    /// By default every axiom is permitted.
    #[arg(
        long,
        value_name = "A,B,...",
        value_delimiter = ',',
        conflicts_with = "no_axioms"
    )]
    permit_axioms: Option<Vec<String>>,

    /// Reject every axiom.
    #[arg(long)]
    no_axioms: bool,
}

impl LeanCheckArgs {
    fn options(&self) -> ImportOptions {
        let axioms = if self.no_axioms {
            AxiomPolicy::none()
        } else if let Some(names) = &self.permit_axioms {
            AxiomPolicy::PermitOnly(
                names
                    .iter()
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect(),
            )
        } else {
            AxiomPolicy::PermitAll
        };
        ImportOptions::default()
            .with_axioms(axioms)
            .with_threads(match self.threads {
                0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
                n => n as usize,
            })
    }

    /// The input, unless it is standard input.
    fn path(&self) -> Option<&Path> {
        self.file.as_deref().filter(|p| *p != Path::new("-"))
    }
}

/// Runs the check on a kernel-sized stack and reports the verdict.
pub fn run(args: LeanCheckArgs) -> ExitCode {
    let options = args.options();
    let path = args.path().map(Path::to_path_buf);
    let start = Instant::now();
    let outcome = with_kernel_stack(move || check(path.as_deref(), options));
    let seconds = start.elapsed().as_secs_f64();
    let (report, result) = match outcome {
        Ok(done) => done,
        Err(e) => return fail(&e),
    };
    outln!(
        "checked {} declarations in {seconds:.2}s",
        report.declarations
    );
    match result {
        Ok(()) => ExitCode::from(Verdict::Accept.exit_code()),
        Err(e) => fail(&CliError::Import(e)),
    }
}

/// Imports the export into a fresh environment. The outer error is for
/// input that cannot be opened; the inner result is the import's.
fn check(
    path: Option<&Path>,
    options: ImportOptions,
) -> Result<(ImportReport, Result<(), ImportError>), CliError> {
    let reader: Box<dyn BufRead> = match path {
        Some(p) => {
            let file = File::open(p).map_err(|source| CliError::Open {
                path: p.to_path_buf(),
                source,
            })?;
            Box::new(BufReader::with_capacity(1 << 20, file))
        }
        None => Box::new(BufReader::with_capacity(1 << 20, std::io::stdin().lock())),
    };
    let mut env = Env::new();
    let mut importer = Importer::new(&mut env, options);
    let result = importer.read_all(reader);
    Ok((importer.report(), result))
}

/// Prints the one error line and returns the verdict's exit code.
fn fail(e: &CliError) -> ExitCode {
    let verdict = e.verdict();
    match (verdict, e) {
        (Verdict::Decline, CliError::Import(ImportError::Malformed { .. })) => {
            eprintln!("error: {e} (malformed input: declining)")
        }
        (Verdict::Decline, CliError::Import(_)) => eprintln!("error: {e} (declining)"),
        _ => eprintln!("error: {e}"),
    }
    ExitCode::from(verdict.exit_code())
}
