//! Argument parsing (clap) and dispatch to one file per subcommand.

mod check;
mod error;
mod lean_check;

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
}

/// Parses the command line and runs the subcommand. Usage errors exit with 2.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::LeanCheck(args) => lean_check::run(args),
    }
}
