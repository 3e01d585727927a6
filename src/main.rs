//! The `proofmill` command line: a thin layer that turns subcommands into
//! calls to the library crates and their results into one clear line and an
//! exit code (see the CLI contract in `DESIGN.md` and `README.md`).

mod cli;

/// mimalloc instead of the system allocator: generation builds and drops
/// millions of small terms, and glibc's malloc/free took about a third of its
/// profile (`perf record` on `generate --theory ring`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
