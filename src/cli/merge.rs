//! `proofmill merge OUT SHARD_DIR…`: the corpora of one run split with
//! `generate --shard K/N` joined into the corpus the unsplit run writes
//! (`proofmill_generator::merge`). Exit 0 when merged, 1 when the inputs
//! are not the N shards of one run or fail their checks, 2 when an input
//! cannot be read or OUT is not empty.

use clap::Args;
use proofmill_generator::merge;
use std::path::PathBuf;
use std::process::ExitCode;

/// Merge the shard directories of a split run (`generate --shard K/N`) into one corpus.
#[derive(Args, Debug)]
pub struct MergeArgs {
    /// The merged corpus's directory (empty or new).
    out: PathBuf,
    /// The N shard directories, in any order.
    #[arg(value_name = "SHARD_DIR", required = true)]
    shards: Vec<PathBuf>,
}

pub fn run(a: MergeArgs) -> ExitCode {
    match merge(&a.out, &a.shards) {
        Ok(r) => {
            outln!(
                "merged {} shards: {} records in {} files in {}",
                r.shards,
                r.records,
                r.files,
                a.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
