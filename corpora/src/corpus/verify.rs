//! `proofmill verify DIR`: re-checks a corpus independently of the generator.
//!
//! The theory named in the manifest is loaded again and its source hash
//! compared. Every shard's sha256 is compared with the manifest's. For every
//! record, the statement and the printed proof term are elaborated by the
//! theory language and checked by the kernel (`Env::add`, the one door); the
//! tactic script (`intro`, then every step's `rw`) is replayed by the tactic
//! engine and must prove the statement; and every step is checked on its own:
//! from `state_before`, its tactic must leave exactly `state_after` (or no
//! goals, for the last step), and consecutive states must agree.

use super::manifest::{Manifest, FORMAT_VERSION};
use super::record::Record;
use super::shard::{read_bin, read_jsonl, sha256_hex};
use proofmill_tactics::theory::{shipped_source, Theory};
use std::path::Path;

/// A record that failed, and why.
#[derive(Clone, Debug)]
pub struct BadRecord {
    /// The record's id, or the file when no record could be read.
    pub id: String,
    pub reason: String,
}

#[derive(Clone, Debug, Default)]
pub struct VerifyReport {
    pub records: u64,
    pub bad: Vec<BadRecord>,
}

/// The theory of a manifest: a shipped name or a path; its source text.
pub fn theory_source(name: &str, base: &Path) -> Result<(Theory, String), String> {
    if let Some(src) = shipped_source(name) {
        let t = Theory::shipped(name).map_err(|e| e.to_string())?;
        return Ok((t, src.to_string()));
    }
    let p = Path::new(name);
    let p = if p.is_relative() && !p.exists() {
        base.join(p)
    } else {
        p.to_path_buf()
    };
    let src = Theory::read_source(&p, name).map_err(|e| e.to_string())?;
    let t = Theory::load_file(&p).map_err(|e| e.to_string())?;
    Ok((t, src))
}

/// The manifest's `theory_hash`: sha256 over every source the theory was
/// checked from (the implicit prelude and imports too, so a changed prelude
/// is noticed), each prefixed with its length in bytes.
pub fn theory_hash(theory: &Theory) -> String {
    let mut bytes = Vec::new();
    for src in theory.sources() {
        bytes.extend_from_slice(format!("{}:", src.len()).as_bytes());
        bytes.extend_from_slice(src.as_bytes());
    }
    sha256_hex(&bytes)
}

/// `a b : R\n` lines of a goal, grouping consecutive variables of one type.
fn hyps(r: &Record) -> (String, String) {
    let mut groups: Vec<(Vec<&str>, &str)> = Vec::new();
    for v in &r.vars {
        match groups.last_mut() {
            Some((ns, t)) if *t == v.ty => ns.push(&v.name),
            _ => groups.push((vec![&v.name], &v.ty)),
        }
    }
    let lines: String = groups
        .iter()
        .map(|(ns, t)| format!("{} : {t}\n", ns.join(" ")))
        .collect();
    let binders = groups
        .iter()
        .map(|(ns, t)| format!("({} : {t})", ns.join(" ")))
        .collect::<Vec<_>>()
        .join(" ");
    (lines, binders)
}

fn check_record(theory: &mut Theory, k: usize, r: &Record) -> Result<(), String> {
    let (lines, binders) = hyps(r);
    let names: Vec<&str> = r.vars.iter().map(|v| v.name.as_str()).collect();
    let prefix = if names.is_empty() {
        String::new()
    } else {
        format!("∀ {binders}, ")
    };
    let Some(body) = r.statement.strip_prefix(&prefix) else {
        return Err(format!(
            "the statement does not bind its vars as `{prefix}…`"
        ));
    };
    if r.steps.is_empty() {
        return Err("no steps".into());
    }
    let file = format!("<record {}>", r.id);
    // The proof term, elaborated and checked by the kernel.
    let src = format!(
        "theorem proofmill_verify_term_{k} : {} :=\n  {}\n",
        r.statement, r.proof_term
    );
    theory
        .add_source(&file, &src, None)
        .map_err(|e| format!("proof term: {}", e.msg))?;
    // The tactic script proves the statement.
    let mut script = format!(
        "theorem proofmill_verify_trace_{k} : {} := by\n  {}\n",
        r.statement, r.intro
    );
    for s in &r.steps {
        script.push_str(&format!("  {}\n", s.tactic));
    }
    theory
        .add_source(&file, &script, None)
        .map_err(|e| format!("trace: {}", e.msg))?;
    let intro = if names.is_empty() {
        String::new()
    } else {
        format!("intro {}", names.join(" "))
    };
    if r.intro != intro {
        return Err(format!("intro `{}` does not introduce the vars", r.intro));
    }
    // Every step on its own, and the states chained.
    let first = format!("{lines}⊢ {body}");
    let mut expected = first;
    for (i, s) in r.steps.iter().enumerate() {
        if s.state_before != expected {
            return Err(format!("step {i}: state_before is not the previous goal"));
        }
        let before = s
            .state_before
            .strip_prefix(lines.as_str())
            .and_then(|g| g.strip_prefix("⊢ "))
            .ok_or_else(|| format!("step {i}: state_before is not a goal over the vars"))?;
        let last = i + 1 == r.steps.len();
        let src = if last {
            if s.state_after != "no goals" {
                return Err(format!("step {i}: the last step must close the goal"));
            }
            format!(
                "theorem proofmill_verify_step_{k}_{i} : {prefix}{before} := by\n  {intro}\n  {}\n",
                s.tactic
            )
        } else {
            let after = s
                .state_after
                .strip_prefix(lines.as_str())
                .and_then(|g| g.strip_prefix("⊢ "))
                .ok_or_else(|| format!("step {i}: state_after is not a goal over the vars"))?;
            format!(
                "theorem proofmill_verify_step_{k}_{i} : {prefix}({after}) → ({before}) := by\n  intro {} proofmill_h\n  {}\n  exact proofmill_h\n",
                names.join(" "),
                s.tactic
            )
        };
        theory
            .add_source(&file, &src, None)
            .map_err(|e| format!("step {i} ({}): {}", s.tactic, e.msg))?;
        expected = s.state_after.clone();
    }
    Ok(())
}

/// Verifies the corpus in `dir`. `Err` only when the corpus cannot be read at all.
pub fn verify_dir(dir: &Path, mut progress: impl FnMut(u64)) -> Result<VerifyReport, String> {
    let mpath = dir.join("manifest.json");
    let text = std::fs::read_to_string(&mpath).map_err(|e| format!("{}: {e}", mpath.display()))?;
    let m: Manifest =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", mpath.display()))?;
    if m.format_version != FORMAT_VERSION {
        return Err(format!(
            "{}: format version {}, expected {FORMAT_VERSION}",
            mpath.display(),
            m.format_version
        ));
    }
    let (mut theory, _) = theory_source(&m.theory, dir)?;
    let h = theory_hash(&theory);
    if h != m.theory_hash {
        return Err(format!(
            "theory {}: its source hash is {h}, the manifest says {}",
            m.theory, m.theory_hash
        ));
    }
    let mut report = VerifyReport::default();
    let mut k = 0usize;
    for sh in &m.shards {
        let path = dir.join(&sh.file);
        if sh.file.contains('/') || sh.file.contains("..") {
            report.bad.push(BadRecord {
                id: sh.file.clone(),
                reason: "a shard outside the corpus".into(),
            });
            continue;
        }
        match std::fs::read(&path) {
            Ok(bytes) if sha256_hex(&bytes) != sh.sha256 => report.bad.push(BadRecord {
                id: sh.file.clone(),
                reason: "sha256 differs from the manifest".into(),
            }),
            Ok(_) => {}
            Err(e) => {
                report.bad.push(BadRecord {
                    id: sh.file.clone(),
                    reason: e.to_string(),
                });
                continue;
            }
        }
        let records = if sh.file.ends_with(".bin") {
            read_bin(&path)
        } else {
            read_jsonl(&path)
        };
        let records = match records {
            Ok(r) => r,
            Err(e) => {
                report.bad.push(BadRecord {
                    id: sh.file.clone(),
                    reason: e.to_string(),
                });
                continue;
            }
        };
        if records.len() as u64 != sh.records {
            report.bad.push(BadRecord {
                id: sh.file.clone(),
                reason: format!(
                    "{} records, the manifest says {}",
                    records.len(),
                    sh.records
                ),
            });
        }
        for r in &records {
            report.records += 1;
            if let Err(reason) = check_record(&mut theory, k, r) {
                report.bad.push(BadRecord {
                    id: r.id.clone(),
                    reason,
                });
            }
            k += 1;
            progress(report.records);
        }
    }
    Ok(report)
}
