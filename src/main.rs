//! The `proofmill` command line: a thin layer that turns subcommands into
//! calls to the library crates and their results into one clear line and an
//! exit code (see the CLI contract in `DESIGN.md` and `README.md`).

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
