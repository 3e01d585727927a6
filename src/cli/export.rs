//! `proofmill export DIR --to F[,F…] --out OUT`: a verified corpus written
//! for other tools (`proofmill_export`). Exit 0 when every format was
//! written, 1 when the corpus is tampered with or unreadable (the message
//! names the shard) or a format cannot express it, 2 on bad arguments.

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use proofmill_export::{export_with, AxiomSet, ExportError, Format, SplitRatio};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Export a corpus for Lean, Coq, TPTP provers, SMT solvers, LeanDojo or Hugging Face.
#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The corpus directory (with manifest.json).
    dir: PathBuf,
    /// Comma-separated formats: lean-ndjson, lean, coq, tptp, smt2, leandojo, parquet.
    #[arg(long)]
    to: String,
    /// The output directory; each format goes to OUT/<format>/.
    #[arg(long)]
    out: PathBuf,
    /// Train, validation and test parts, by canonical hash.
    #[arg(long, default_value = "98,1,1")]
    split: String,
    /// Write into OUT even if it holds files.
    #[arg(long)]
    force: bool,
    /// The rules tptp and smt2 problems state as axioms: all, or base (the
    /// theory's axioms only; its derived rules withheld).
    #[arg(long, default_value = "all")]
    axioms: String,
}

fn fail(e: &ExportError) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::from(e.exit_code())
}

/// Whether `out` is missing or an empty directory.
fn out_is_free(out: &Path) -> Result<(), ExportError> {
    match std::fs::read_dir(out) {
        Ok(mut entries) => match entries.next() {
            None => Ok(()),
            Some(_) => Err(ExportError::OutNotEmpty {
                path: out.to_path_buf(),
            }),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(ExportError::Io {
            path: out.to_path_buf(),
            source,
        }),
    }
}

pub fn run(a: ExportArgs) -> ExitCode {
    let formats = match Format::parse_list(&a.to) {
        Ok(f) => f,
        Err(e) => return fail(&e),
    };
    let split = match SplitRatio::parse(&a.split) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let axioms = match AxiomSet::parse(&a.axioms) {
        Ok(x) => x,
        Err(e) => return fail(&e),
    };
    if !a.force {
        if let Err(e) = out_is_free(&a.out) {
            return fail(&e);
        }
    }
    let total = proofmill_corpora::corpus::read_manifest(&a.dir)
        .ok()
        .and_then(|m| m.counts.get("records").copied())
        .unwrap_or(0);
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} exporting [{bar:40}] {pos}/{len} ({per_sec}, eta {eta})",
        )
        .expect("a valid template")
        .progress_chars("=> "),
    );
    let start = Instant::now();
    let shown = bar.clone();
    let (dir, out) = (a.dir.clone(), a.out.clone());
    let r = proofmill_kernel::with_kernel_stack(move || {
        export_with(
            &dir,
            &formats,
            &out,
            &split,
            axioms,
            |_| true,
            move |n| {
                if n % 256 == 0 {
                    shown.set_position(n);
                }
            },
        )
    });
    bar.finish_and_clear();
    match r {
        Err(e) => fail(&e),
        Ok(rep) => {
            let secs = start.elapsed().as_secs_f64();
            outln!(
                "exported {} records ({} train, {} validation, {} test) in {:.1} s ({:.0} records/s)",
                rep.records,
                rep.splits[0],
                rep.splits[1],
                rep.splits[2],
                secs,
                rep.records as f64 / secs.max(1e-9)
            );
            if rep.non_theorems > 0 {
                outln!(
                    "and {} non-theorems (tptp and smt2 write them as CounterSatisfiable / sat problems; the proof formats leave them out)",
                    rep.non_theorems
                );
            }
            for s in &rep.summaries {
                outln!("{s}");
            }
            ExitCode::SUCCESS
        }
    }
}
