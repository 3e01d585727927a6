//! `proofmill stats DIR`: counts, difficulty histograms, rule and edge
//! coverage and the duplicate rate of a corpus.

use clap::Args;
use proofmill_corpora::corpus::{read_bin, read_jsonl, read_manifest, Manifest};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

/// Summarize a corpus.
#[derive(Args, Debug)]
pub struct StatsArgs {
    dir: PathBuf,
}

fn histogram(name: &str, h: &BTreeMap<u32, u64>) {
    let max = h.values().copied().max().unwrap_or(1).max(1);
    outln!("{name}:");
    for (k, v) in h {
        outln!("  {k:>4} {v:>8} {}", "#".repeat((40 * v / max) as usize));
    }
}

pub fn run(a: StatsArgs) -> ExitCode {
    let m: Manifest = match read_manifest(&a.dir) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let mut hs: [BTreeMap<u32, u64>; 4] = Default::default();
    let mut rules: BTreeMap<String, u64> = BTreeMap::new();
    let mut n = 0u64;
    let mut problems = 0u64;
    // One format is enough: the shards of the other hold the same records.
    let jsonl = m.shards.iter().any(|s| s.file.ends_with(".jsonl"));
    for s in m
        .shards
        .iter()
        .filter(|s| s.file.ends_with(".jsonl") == jsonl)
    {
        let p = a.dir.join(&s.file);
        let recs = if jsonl { read_jsonl(&p) } else { read_bin(&p) };
        let recs = match recs {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
        for r in recs {
            n += 1;
            problems += u64::from(r.problem.is_some());
            let d = &r.difficulty;
            for (h, v) in hs
                .iter_mut()
                .zip([d.steps, d.distinct_rules, d.hard_steps, d.size])
            {
                *h.entry(v).or_default() += 1;
            }
            for st in &r.steps {
                *rules
                    .entry(format!("{} ({})", st.rule, st.direction))
                    .or_default() += 1;
            }
        }
    }
    outln!(
        "corpus {}: theory {} (seed {}), {n} records, {problems} antiderivative problems",
        a.dir.display(),
        m.theory,
        m.seed
    );
    for (k, v) in &m.counts {
        outln!("  {k}: {v}");
    }
    let acc = m.counts.get("accepted_all_shards").copied().unwrap_or(n);
    let dup = m.counts.get("duplicates").copied().unwrap_or(0);
    outln!(
        "duplicate rate: {:.1}%",
        100.0 * dup as f64 / (acc + dup).max(1) as f64
    );
    let c = &m.coverage;
    outln!(
        "rule space: {}/{} directions, {}/{} edges covered",
        c["nodes_covered"],
        c["rule_space_nodes"],
        c["edges_covered"],
        c["rule_space_edges"]
    );
    for (name, h) in ["steps", "distinct rules", "hard steps", "size"]
        .iter()
        .zip(&hs)
    {
        histogram(name, h);
    }
    outln!("rule uses:");
    for (r, k) in &rules {
        outln!("  {r:<40} {k}");
    }
    ExitCode::SUCCESS
}
