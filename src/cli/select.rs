//! `proofmill select DIR --rating-from RATINGS.json --buckets SPEC --out OUT`:
//! a benchmark cut from a calibrated corpus by measured difficulty.
//!
//! The records of the buckets asked for (`--keep`, default all; at most
//! `--per-bucket N` of each, those with the smallest mixed canonical
//! hashes) are copied byte for byte, in the corpus's order, into a corpus
//! of their own in `OUT`: shard files of 1,000 records and the source's
//! manifest with the new files, the new record count and the selection in
//! its options. Nothing is re-generated, so `verify OUT` re-checks every
//! proof, and `export`/`bench-provers` read it as any corpus. The ratings
//! must be of this very corpus (its manifest's sha256). The per-bucket
//! solve rates the ratings file measured are printed per prover. Exit 0, 1
//! when a shard differs from its manifest, 2 on bad arguments or input.

use crate::cli::rating::{BucketSpec, Ratings};
use clap::Args;
use proofmill_corpora::corpus::{read_manifest, sha256_hex, ShardInfo};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Cut a benchmark from a calibrated corpus by measured difficulty.
#[derive(Args, Debug)]
pub struct SelectArgs {
    /// The corpus the ratings file was measured on (JSONL shards).
    dir: PathBuf,
    /// The ratings file (`bench-provers --calibrate`).
    #[arg(long)]
    rating_from: PathBuf,
    /// K equal buckets, or shares P1,P2,… easiest first.
    #[arg(long, default_value = "4")]
    buckets: String,
    /// Order by this prover's results first (solved before failed, faster
    /// first), then by rating and effort: the difficulty scale is its own.
    #[arg(long)]
    reference: Option<String>,
    /// The buckets to keep, comma-separated (1 = easiest); default all.
    #[arg(long)]
    keep: Option<String>,
    /// At most N records of each bucket kept.
    #[arg(long)]
    per_bucket: Option<usize>,
    /// The new corpus's directory (missing or empty).
    #[arg(long)]
    out: PathBuf,
    /// Also plot each prover's measured solve rate per bucket kept, to
    /// PLOT.svg and PLOT.png (outside the corpus directory).
    #[arg(long)]
    plot: Option<PathBuf>,
}

/// Records a shard file holds.
const PER_FILE: usize = 1000;

/// What failed; the exit code is by variant.
#[derive(Debug, thiserror::Error)]
enum SelectError {
    #[error("{0}")]
    Usage(String),
    #[error(
        "{file}: sha256 differs from the manifest (the corpus was changed after it was written)"
    )]
    Tampered { file: String },
    #[error("{0}")]
    Io(String),
}

pub fn run(a: SelectArgs) -> ExitCode {
    match select(&a) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(match e {
                SelectError::Usage(_) => 2,
                SelectError::Tampered { .. } | SelectError::Io(_) => 1,
            })
        }
    }
}

/// SplitMix64's finalizer (the order `--per-bucket` keeps by).
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn parse_keep(s: &str, k: usize) -> Result<Vec<u32>, SelectError> {
    let mut out = Vec::new();
    for p in s.split(',').map(str::trim) {
        match p.parse::<u32>() {
            Ok(b) if b >= 1 && b as usize <= k && !out.contains(&b) => out.push(b),
            _ => {
                return Err(SelectError::Usage(format!(
                    "--keep {s}: expected distinct bucket numbers from 1 to {k}"
                )))
            }
        }
    }
    Ok(out)
}

fn select(a: &SelectArgs) -> Result<(), SelectError> {
    let usage = |m: String| SelectError::Usage(m);
    let spec = BucketSpec::parse(&a.buckets)
        .map_err(|e| usage(e.to_string()))?
        .with_reference(a.reference.as_deref());
    let keep = match &a.keep {
        Some(s) => parse_keep(s, spec.len())?,
        None => (1..=spec.len() as u32).collect(),
    };
    if a.per_bucket == Some(0) {
        return Err(usage("--per-bucket 0: nothing to keep".into()));
    }
    let ratings = Ratings::read(&a.rating_from).map_err(|e| usage(e.to_string()))?;
    let m = read_manifest(&a.dir).map_err(|e| usage(e.to_string()))?;
    let mp = a.dir.join("manifest.json");
    let mbytes = std::fs::read(&mp).map_err(|e| usage(format!("{}: {e}", mp.display())))?;
    if sha256_hex(&mbytes) != ratings.manifest_sha256 {
        return Err(usage(format!(
            "{}: rates another corpus than {} (manifest sha256 differs)",
            a.rating_from.display(),
            a.dir.display()
        )));
    }
    if !m.complete {
        return Err(usage(format!(
            "{}: the corpus is incomplete",
            a.dir.display()
        )));
    }
    if m.shards.iter().any(|s| !s.file.ends_with(".jsonl")) {
        return Err(usage(format!(
            "{}: select copies JSONL shards (generate --format jsonl)",
            a.dir.display()
        )));
    }
    if let Ok(mut entries) = std::fs::read_dir(&a.out) {
        if entries.next().is_some() {
            return Err(usage(format!("{}: not empty", a.out.display())));
        }
    }
    let buckets = ratings.buckets(&spec).map_err(|e| usage(e.to_string()))?;
    // Which records to keep: by bucket, then at most N per bucket.
    let mut chosen: HashMap<&str, u32> = buckets
        .iter()
        .filter(|(_, b)| keep.contains(b))
        .map(|(h, b)| (h.as_str(), *b))
        .collect();
    if let Some(n) = a.per_bucket {
        let mut by: BTreeMap<u32, Vec<(u64, &str)>> = BTreeMap::new();
        for (h, b) in &chosen {
            let x = u64::from_str_radix(h, 16).unwrap_or(0);
            by.entry(*b).or_default().push((mix(x), h));
        }
        let mut kept = HashMap::new();
        for (b, mut v) in by {
            v.sort_unstable();
            for (_, h) in v.into_iter().take(n) {
                kept.insert(h, b);
            }
        }
        chosen = kept;
    }
    // Copy the chosen records' lines, in corpus order.
    let mut lines: Vec<String> = Vec::new();
    let mut per_bucket: BTreeMap<u32, usize> = BTreeMap::new();
    for s in &m.shards {
        let p = a.dir.join(&s.file);
        let bytes =
            std::fs::read(&p).map_err(|e| SelectError::Io(format!("{}: {e}", p.display())))?;
        if sha256_hex(&bytes) != s.sha256 {
            return Err(SelectError::Tampered {
                file: s.file.clone(),
            });
        }
        let text = String::from_utf8(bytes)
            .map_err(|_| SelectError::Io(format!("{}: not UTF-8", p.display())))?;
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line)
                .map_err(|e| SelectError::Io(format!("{}: {e}", p.display())))?;
            let h = v["canonical_hash"].as_str().unwrap_or_default();
            if let Some(b) = chosen.get(h) {
                *per_bucket.entry(*b).or_default() += 1;
                lines.push(line.to_string());
            }
        }
    }
    if lines.is_empty() {
        return Err(usage(format!(
            "{}: no record of {} is in the buckets kept",
            a.rating_from.display(),
            a.dir.display()
        )));
    }
    std::fs::create_dir_all(&a.out)
        .map_err(|e| SelectError::Io(format!("{}: {e}", a.out.display())))?;
    let mut shards = Vec::new();
    for (i, chunk) in lines.chunks(PER_FILE).enumerate() {
        let file = format!("shard-{i:05}.jsonl");
        let mut text = chunk.join("\n");
        text.push('\n');
        write(&a.out.join(&file), text.as_bytes())?;
        shards.push(ShardInfo {
            file,
            records: chunk.len() as u64,
            sha256: sha256_hex(text.as_bytes()),
        });
    }
    let mut out = m.clone();
    out.shards = shards;
    out.non_theorems = Vec::new();
    out.counts.remove("non_theorems");
    out.counts.insert("records".into(), lines.len() as u64);
    let kept: Vec<String> = keep.iter().map(u32::to_string).collect();
    let shares: Vec<String> = spec.shares.iter().map(u32::to_string).collect();
    out.options.insert(
        "selected".into(),
        format!(
            "buckets {} of shares {} by measured difficulty{}; from corpus manifest sha256 {}, ratings sha256 {}",
            kept.join(","),
            shares.join(","),
            a.per_bucket.map(|n| format!(", at most {n} each")).unwrap_or_default(),
            ratings.manifest_sha256,
            sha256_hex(&std::fs::read(&a.rating_from).map_err(|e| SelectError::Io(e.to_string()))?)
        ),
    );
    let text = serde_json::to_string_pretty(&out).map_err(|e| SelectError::Io(e.to_string()))?;
    write(&a.out.join("manifest.json"), (text + "\n").as_bytes())?;
    outln!(
        "selected {} records of {} into {}",
        lines.len(),
        a.dir.display(),
        a.out.display()
    );
    let rates = bucket_rates(&ratings, &buckets, &chosen, &per_bucket);
    print_table(&ratings.provers, &rates);
    if let Some(stem) = &a.plot {
        let series: Vec<(String, Vec<(u32, f64)>)> = ratings
            .provers
            .iter()
            .enumerate()
            .map(|(k, p)| {
                let pts = rates.iter().map(|r| (r.bucket, r.solved[k])).collect();
                (p.clone(), pts)
            })
            .collect();
        for ext in ["svg", "png"] {
            let p = stem.with_extension(ext);
            crate::cli::plot::lines(
                &p,
                &format!("{}: solve rate by measured difficulty", ratings.theory),
                "difficulty bucket (1 = easiest)",
                &series,
            )
            .map_err(|e| SelectError::Io(format!("{}: {e}", p.display())))?;
        }
    }
    Ok(())
}

/// One bucket kept, as the ratings file measured it.
struct BucketRates {
    bucket: u32,
    records: usize,
    rating: (f64, f64),
    /// Per prover, the percentage of the bucket it solved.
    solved: Vec<f64>,
}

fn bucket_rates(
    ratings: &Ratings,
    buckets: &HashMap<String, u32>,
    chosen: &HashMap<&str, u32>,
    per_bucket: &BTreeMap<u32, usize>,
) -> Vec<BucketRates> {
    per_bucket
        .iter()
        .map(|(b, n)| {
            let qs: Vec<_> = ratings
                .problems
                .iter()
                .filter(|q| chosen.get(q.canonical_hash.as_str()) == Some(b))
                .filter(|q| buckets.get(&q.canonical_hash) == Some(b))
                .collect();
            let lo = qs.iter().map(|q| q.rating).fold(f64::INFINITY, f64::min);
            let hi = qs.iter().map(|q| q.rating).fold(0.0, f64::max);
            let solved = ratings
                .provers
                .iter()
                .map(|p| {
                    let k = qs.iter().filter(|q| q.solved_by.contains(p)).count();
                    100.0 * k as f64 / qs.len().max(1) as f64
                })
                .collect();
            BucketRates {
                bucket: *b,
                records: *n,
                rating: (lo, hi),
                solved,
            }
        })
        .collect()
}

fn write(p: &Path, bytes: &[u8]) -> Result<(), SelectError> {
    std::fs::write(p, bytes).map_err(|e| SelectError::Io(format!("{}: {e}", p.display())))
}

/// Per bucket kept: records, rating range and each prover's solve rate as
/// the ratings file measured them.
fn print_table(provers: &[String], rates: &[BucketRates]) {
    let mut head = String::from("| bucket | records | rating |");
    let mut rule = String::from("|---:|---:|---|");
    for p in provers {
        head.push_str(&format!(" {p} |"));
        rule.push_str("---:|");
    }
    outln!("{head}");
    outln!("{rule}");
    for r in rates {
        let mut line = format!(
            "| {} | {} | {:.2}–{:.2} |",
            r.bucket, r.records, r.rating.0, r.rating.1
        );
        for x in &r.solved {
            line.push_str(&format!(" {x:.1}% |"));
        }
        outln!("{line}");
    }
}
