//! The corpus directory a run writes: its manifest, and the shard files of
//! an earlier run that `--resume` keeps.

use crate::driver::{Candidate, Generator, Options, Report};
use crate::space::Coverage;
use proofmill_corpora::corpus;
use std::collections::BTreeMap;

impl Generator {
    pub(crate) fn write_manifest(
        &self,
        opts: &Options,
        report: &Report,
        cov: &Coverage,
        shards: Vec<corpus::ShardInfo>,
    ) -> Result<(), String> {
        let mut counts = BTreeMap::new();
        counts.insert("records".into(), report.written);
        counts.insert("accepted_all_shards".into(), report.accepted);
        counts.insert("attempts".into(), report.attempts);
        counts.insert("duplicates".into(), report.duplicates);
        counts.insert("too_short".into(), report.too_short);
        counts.insert("trace_conflicts".into(), report.trace_conflicts);
        counts.insert("trivial".into(), report.trivial);
        counts.insert("search_not_found".into(), report.not_found);
        counts.insert("excluded".into(), report.excluded);
        counts.insert("kernel_rejections".into(), report.rejections.len() as u64);
        let nodes: BTreeMap<String, serde_json::Value> = self
            .rs
            .dirs
            .iter()
            .enumerate()
            .map(|(i, d)| {
                (
                    d.label(&self.rs.rules),
                    serde_json::json!({"cost": d.cost.as_str(), "uses": cov.nodes[i]}),
                )
            })
            .collect();
        let edges: Vec<serde_json::Value> = cov
            .edges
            .iter()
            .map(|((a, b), n)| {
                serde_json::json!([
                    self.rs.dirs[*a].label(&self.rs.rules),
                    self.rs.dirs[*b].label(&self.rs.rules),
                    n
                ])
            })
            .collect();
        let m = corpus::Manifest {
            format_version: corpus::FORMAT_VERSION,
            proofmill_version: env!("CARGO_PKG_VERSION").to_string(),
            theory: opts.theory.clone(),
            theory_hash: corpus::theory_hash(&self.theory),
            options: opts.as_map(),
            seed: opts.seed.to_string(),
            counts,
            shards,
            coverage: serde_json::json!({
                "rule_space_nodes": report.nodes, "rule_space_edges": report.edges,
                "nodes_covered": report.coverage_nodes, "edges_covered": report.coverage_edges,
                "nodes": nodes, "edges": edges,
                "skipped_rules": self.rs.skipped.iter().map(|s| format!("{}: {}", s.name, s.reason)).collect::<Vec<_>>(),
            }),
        };
        let text = serde_json::to_string_pretty(&m).map_err(|e| e.to_string())?;
        let path = opts.out.join("manifest.json");
        let tmp = opts.out.join("manifest.json.tmp");
        std::fs::write(&tmp, text + "\n").map_err(|e| format!("{}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, &path).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Whether an earlier run's shard file at `path` holds exactly `part`.
    pub(crate) fn complete(
        &self,
        path: &std::path::Path,
        opts: &Options,
        part: &[(u64, Candidate)],
    ) -> bool {
        let ids: Vec<(String, String)> = part
            .iter()
            .map(|(i, c)| (self.record_id(opts, *i), format!("{:016x}", c.hash)))
            .collect();
        complete_file(path, &ids)
    }
}

/// Whether a shard file exists, reads back (checksum and all) and holds
/// exactly the records `part` asks for: same ids and canonical hashes, in order.
fn complete_file(path: &std::path::Path, ids: &[(String, String)]) -> bool {
    let r = if path.extension().is_some_and(|e| e == "bin") {
        corpus::read_bin(path)
    } else {
        corpus::read_jsonl(path)
    };
    r.is_ok_and(|v| {
        v.len() == ids.len()
            && v.iter()
                .zip(ids)
                .all(|(r, (id, h))| r.id == *id && r.canonical_hash == *h)
    })
}
