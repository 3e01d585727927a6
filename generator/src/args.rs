//! The options of a run in the form a person writes them (`--steps 3..8`,
//! `--shard 1/4`, `--format jsonl,bin`, `--problems derivative=2,…`, an
//! `--exclude` file), turned into [`Options`] with the messages the CLI
//! prints. One place, so that `proofmill generate` and the Python
//! bindings (`proofmill.generate(steps="3..8", …)`) accept the same values
//! and refuse the same ones with the same words.

use crate::calculus::ProblemKind;
use crate::driver::Options;
use std::collections::HashSet;
use std::path::PathBuf;

/// `generate`'s options as text, with the CLI's defaults.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct GenerateArgs {
    pub theory: String,
    pub count: u64,
    pub seed: u64,
    pub steps: String,
    pub max_size: usize,
    pub threads: usize,
    pub shard: String,
    pub format: String,
    pub out: PathBuf,
    pub hard_steps: usize,
    pub require_rule: Option<String>,
    pub min_size: usize,
    pub curriculum: bool,
    pub exclude: Option<PathBuf>,
    pub resume: bool,
    pub overwrite: bool,
    pub answer_size: String,
    pub problems: String,
    /// Non-theorems per 1,000 theorems (`--non-theorems K`).
    pub non_theorems: u32,
    /// `RULE[=W],…`: rules the walks draw W times as often (`--favor`).
    pub favor: String,
}

impl Default for GenerateArgs {
    fn default() -> Self {
        GenerateArgs {
            theory: "ring".into(),
            count: 1000,
            seed: 0,
            steps: "3..8".into(),
            max_size: 24,
            threads: 0,
            shard: "0/1".into(),
            format: "jsonl".into(),
            out: PathBuf::from("corpus"),
            hard_steps: 0,
            require_rule: None,
            min_size: 0,
            curriculum: false,
            exclude: None,
            resume: false,
            overwrite: false,
            answer_size: "4..10".into(),
            problems: "antiderivative=1".into(),
            non_theorems: 0,
            favor: String::new(),
        }
    }
}

/// The factor a bare `--favor RULE` gives.
pub const DEFAULT_FAVOR: u32 = 8;

/// `RULE[=W],…` with 1 ≤ W ≤ 1000 (a bare RULE weighs [`DEFAULT_FAVOR`]);
/// the empty string favours nothing. Whether each RULE is a rule of the
/// theory is checked when the run starts.
pub fn parse_favor(s: &str) -> Result<Vec<(String, u32)>, String> {
    let mut out: Vec<(String, u32)> = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (r, w) = match part.split_once('=') {
            Some((r, w)) => (r.trim(), Some(w.trim())),
            None => (part, None),
        };
        let w = match w {
            None => DEFAULT_FAVOR,
            Some(w) => match w.parse::<u32>() {
                Ok(w) if (1..=1000).contains(&w) => w,
                _ => {
                    return Err(format!(
                        "--favor: '{part}': expected RULE=W with W a whole number from 1 to 1000"
                    ))
                }
            },
        };
        if r.is_empty() {
            return Err(format!("--favor: '{part}': no rule name"));
        }
        if out.iter().any(|(n, _)| n == r) {
            return Err(format!("--favor: {r} named twice"));
        }
        out.push((r.to_string(), w));
    }
    Ok(out)
}

/// `KIND=W,…` (a bare KIND weighs 1).
pub fn parse_problems(s: &str) -> Result<Vec<(ProblemKind, u32)>, String> {
    s.split(',')
        .map(|part| {
            let (k, w) = part.split_once('=').unwrap_or((part, "1"));
            let kind = ProblemKind::parse(k.trim()).ok_or_else(|| {
                let kinds: Vec<&str> = ProblemKind::ALL.iter().map(|k| k.as_str()).collect();
                format!(
                    "--problems: unknown kind '{}' ({})",
                    k.trim(),
                    kinds.join(", ")
                )
            })?;
            let w = w.trim().parse::<u32>().map_err(|_| {
                format!("--problems: '{part}': expected KIND=W with W a whole number")
            })?;
            Ok((kind, w))
        })
        .collect()
}

/// `A..B` with 1 ≤ A ≤ B.
pub fn parse_range(s: &str) -> Option<(usize, usize)> {
    let (a, b) = s.split_once("..")?;
    let (a, b) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
    (a >= 1 && a <= b).then_some((a, b))
}

/// `K/N` with K < N.
pub fn parse_shard(s: &str) -> Option<(u64, u64)> {
    let (a, b) = s.split_once('/')?;
    let (a, b): (u64, u64) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
    (b >= 1 && a < b).then_some((a, b))
}

/// Canonical hashes, 16 hex digits a line (`#` comments and blank lines allowed).
pub fn read_exclude(p: &std::path::Path) -> Result<HashSet<u64>, String> {
    let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
    let mut set = HashSet::new();
    for (i, l) in text.lines().enumerate() {
        let l = l.trim().trim_matches('"');
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let h = u64::from_str_radix(l, 16)
            .map_err(|_| format!("{}:{}: not a canonical hash: {l}", p.display(), i + 1))?;
        set.insert(h);
    }
    Ok(set)
}

impl GenerateArgs {
    /// The run's options, or the usage error the CLI prints after `error: `.
    pub fn options(&self) -> Result<Options, String> {
        let steps = parse_range(&self.steps)
            .ok_or_else(|| format!("--steps {}: expected A..B with 1 ≤ A ≤ B", self.steps))?;
        let shard = parse_shard(&self.shard)
            .ok_or_else(|| format!("--shard {}: expected K/N with K < N", self.shard))?;
        let answer_size = parse_range(&self.answer_size).ok_or_else(|| {
            format!(
                "--answer-size {}: expected A..B with 1 ≤ A ≤ B",
                self.answer_size
            )
        })?;
        let mut opts = Options::new(&self.theory, self.out.clone());
        opts.problems = parse_problems(&self.problems)?;
        opts.answer_size = answer_size;
        opts.count = self.count;
        opts.seed = self.seed;
        opts.steps = steps;
        opts.max_size = self.max_size;
        opts.threads = self.threads;
        opts.shard = shard;
        opts.hard_steps = self.hard_steps;
        opts.curriculum = self.curriculum;
        opts.require_rule = self.require_rule.clone();
        opts.min_size = self.min_size;
        opts.resume = self.resume;
        opts.overwrite = self.overwrite;
        opts.non_theorems = self.non_theorems;
        opts.favor = parse_favor(&self.favor)?;
        opts.jsonl = false;
        for f in self.format.split(',') {
            match f.trim() {
                "jsonl" => opts.jsonl = true,
                "bin" => opts.bin = true,
                other => return Err(format!("--format: unknown format '{other}' (jsonl, bin)")),
            }
        }
        if let Some(p) = &self.exclude {
            opts.exclude = read_exclude(p)?;
        }
        opts.check()?;
        Ok(opts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_cli_defaults_and_bad_values_are_named() {
        let o = GenerateArgs::default().options().unwrap();
        assert_eq!(
            (o.count, o.steps, o.shard, o.jsonl, o.bin),
            (1000, (3, 8), (0, 1), true, false)
        );
        let bad = |f: fn(&mut GenerateArgs)| {
            let mut a = GenerateArgs::default();
            f(&mut a);
            a.options().unwrap_err()
        };
        assert_eq!(
            bad(|a| a.steps = "5..2".into()),
            "--steps 5..2: expected A..B with 1 ≤ A ≤ B"
        );
        assert_eq!(
            bad(|a| a.shard = "2/2".into()),
            "--shard 2/2: expected K/N with K < N"
        );
        assert_eq!(
            bad(|a| a.format = "csv".into()),
            "--format: unknown format 'csv' (jsonl, bin)"
        );
        assert!(bad(|a| a.problems = "integral=1".into())
            .starts_with("--problems: unknown kind 'integral'"));
        assert!(bad(|a| a.max_size = 0).starts_with("--max-size 0"));
        assert!(bad(|a| a.favor = "mul_add=0".into()).starts_with("--favor: 'mul_add=0'"));
        assert_eq!(
            bad(|a| a.favor = "mul_add,mul_add".into()),
            "--favor: mul_add named twice"
        );
        assert_eq!(
            parse_favor("mul_add, add_mul=3").unwrap(),
            [
                ("mul_add".to_string(), DEFAULT_FAVOR),
                ("add_mul".to_string(), 3)
            ]
        );
    }
}
