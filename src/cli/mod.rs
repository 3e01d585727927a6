//! Argument parsing (clap) and dispatch to one file per subcommand.

/// `println!` for a standard output that may be closed (`out.rs`).
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::out::line(format_args!($($arg)*))
    };
}

mod bench;
mod check;
mod error;
mod export;
mod generate;
mod lean_check;
mod merge;
mod out;
mod plot;
mod prove;
mod rating;
mod regress;
mod select;
mod stats;
mod verify;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// proofmill: a theorem-proving data factory around a small Lean 4 kernel.
#[derive(Parser, Debug)]
#[command(name = "proofmill", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    Check(check::CheckArgs),
    LeanCheck(lean_check::LeanCheckArgs),
    Generate(Box<generate::GenerateArgs>),
    Verify(verify::VerifyArgs),
    Stats(stats::StatsArgs),
    Export(export::ExportArgs),
    Prove(prove::ProveArgs),
    BenchProvers(bench::BenchArgs),
    Regress(regress::RegressArgs),
    Merge(merge::MergeArgs),
    Select(select::SelectArgs),
}

/// Parses the command line and runs the subcommand. Usage errors exit with 2.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::LeanCheck(args) => lean_check::run(args),
        Command::Generate(args) => generate::run(*args),
        Command::Verify(args) => verify::run(args),
        Command::Stats(args) => stats::run(args),
        Command::Export(args) => export::run(args),
        Command::Prove(args) => prove::run(args),
        Command::BenchProvers(args) => bench::run(args),
        Command::Regress(args) => regress::run(args),
        Command::Merge(args) => merge::run(args),
        Command::Select(args) => select::run(args),
    }
}
