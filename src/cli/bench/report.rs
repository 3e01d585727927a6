//! A benchmark's results: one row per problem and prover, judged against
//! the problem's expected status; the summary per difficulty bucket and
//! prover (solve rate, median and 90th-percentile time of the solved); the
//! per-problem rating as the TPTP library rates problems (the fraction of
//! the provers run that failed it); and the files they are written to.

use super::problems::{Expected, Problem};
use super::provers::Verdict;
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::time::Duration;

/// A verdict judged against what the problem is.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Judged {
    /// The right answer (a theorem proved, a non-theorem refuted).
    Solved,
    /// No answer within the limits.
    Unsolved,
    /// The wrong answer: a non-theorem "proved", or a theorem refuted.
    Unsound,
    /// The prover's answer could not be read, or it failed to run.
    Error,
}

impl Judged {
    pub fn of(expected: Expected, v: &Verdict) -> Judged {
        match (expected, v) {
            (Expected::Theorem, Verdict::Proved(_))
            | (Expected::CounterSatisfiable, Verdict::Refuted(_)) => Judged::Solved,
            (Expected::Theorem, Verdict::Refuted(_))
            | (Expected::CounterSatisfiable, Verdict::Proved(_)) => Judged::Unsound,
            (_, Verdict::GaveUp(_) | Verdict::Killed) => Judged::Unsolved,
            (_, Verdict::Error(_)) => Judged::Error,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Judged::Solved => "solved",
            Judged::Unsolved => "unsolved",
            Judged::Unsound => "unsound",
            Judged::Error => "error",
        }
    }
}

/// One problem run by one prover.
#[derive(Clone, Debug)]
pub struct Row {
    pub problem: usize,
    pub prover: usize,
    pub verdict: Verdict,
    pub judged: Judged,
    pub time: Duration,
}

/// A difficulty dimension the summary is bucketed by.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Dimension {
    Steps,
    HardSteps,
    Size,
    /// The measured difficulty bucket (`--rating-from … --buckets …`).
    Rating,
}

impl Dimension {
    pub const ALL: [Dimension; 3] = [Dimension::Steps, Dimension::HardSteps, Dimension::Size];
    pub fn name(self) -> &'static str {
        match self {
            Dimension::Steps => "steps",
            Dimension::HardSteps => "hard_steps",
            Dimension::Size => "size",
            Dimension::Rating => "rating_bucket",
        }
    }
    /// The bucket of `p`: its steps or hard steps; its size in eights (1–8, 9–16, …).
    fn bucket(self, p: &Problem) -> u32 {
        match self {
            Dimension::Steps => p.difficulty.steps,
            Dimension::HardSteps => p.difficulty.hard_steps,
            Dimension::Size => p.difficulty.size.saturating_sub(1) / 8,
            Dimension::Rating => p.rating_bucket.unwrap_or(0),
        }
    }
    fn label(self, b: u32) -> String {
        match self {
            Dimension::Size => format!("{}-{}", b * 8 + 1, b * 8 + 8),
            _ => b.to_string(),
        }
    }
}

/// A line of the summary.
#[derive(Clone, Debug)]
pub struct Bucket {
    pub dimension: Dimension,
    pub bucket: u32,
    pub prover: usize,
    pub problems: usize,
    pub solved: usize,
    pub unsound: usize,
    pub errors: usize,
    /// Median and 90th percentile of the solved problems' times.
    pub median: Option<Duration>,
    pub p90: Option<Duration>,
}

impl Bucket {
    pub fn rate(&self) -> f64 {
        100.0 * self.solved as f64 / self.problems.max(1) as f64
    }
}

/// The `q`-quantile (nearest rank) of sorted `xs`.
fn quantile(xs: &[Duration], q: f64) -> Option<Duration> {
    if xs.is_empty() {
        return None;
    }
    let rank = ((q * xs.len() as f64).ceil() as usize).clamp(1, xs.len());
    Some(xs[rank - 1])
}

pub struct Report<'a> {
    pub problems: &'a [Problem],
    pub provers: Vec<String>,
    /// Provers asked for but not run, and why.
    pub skipped: Vec<(String, String)>,
    pub rows: Vec<Row>,
    pub timeout: Duration,
}

impl Report<'_> {
    /// The dimensions summed up: steps, hard steps, size, and the rating
    /// bucket when the problems have one.
    pub fn dimensions(&self) -> Vec<Dimension> {
        let mut d = Dimension::ALL.to_vec();
        if self.problems.iter().any(|p| p.rating_bucket.is_some()) {
            d.push(Dimension::Rating);
        }
        d
    }

    /// Every (dimension, bucket, prover) with its counts, in order: the
    /// theorems' (non-theorems are summed up on their own, `non_theorems`).
    pub fn buckets(&self) -> Vec<Bucket> {
        let theorem = |i: usize| self.problems[i].expected == Expected::Theorem;
        let mut out = Vec::new();
        for dim in self.dimensions() {
            let mut keys: Vec<u32> = self
                .problems
                .iter()
                .filter(|p| p.expected == Expected::Theorem)
                .map(|p| dim.bucket(p))
                .collect();
            keys.sort_unstable();
            keys.dedup();
            for &b in &keys {
                for k in 0..self.provers.len() {
                    let rows: Vec<&Row> = self
                        .rows
                        .iter()
                        .filter(|r| {
                            r.prover == k
                                && theorem(r.problem)
                                && dim.bucket(&self.problems[r.problem]) == b
                        })
                        .collect();
                    let count = |j: Judged| rows.iter().filter(|r| r.judged == j).count();
                    let mut times: Vec<Duration> = rows
                        .iter()
                        .filter(|r| r.judged == Judged::Solved)
                        .map(|r| r.time)
                        .collect();
                    times.sort_unstable();
                    out.push(Bucket {
                        dimension: dim,
                        bucket: b,
                        prover: k,
                        problems: rows.len(),
                        solved: times.len(),
                        unsound: count(Judged::Unsound),
                        errors: count(Judged::Error),
                        median: quantile(&times, 0.5),
                        p90: quantile(&times, 0.9),
                    });
                }
            }
        }
        out
    }

    /// Per prover, on the non-theorems (`CounterSatisfiable` problems):
    /// (problems, refuted, wrongly proved, gave up or errors).
    pub fn non_theorems(&self, prover: usize) -> (usize, usize, usize, usize) {
        let rows: Vec<&Row> = self
            .rows
            .iter()
            .filter(|r| {
                r.prover == prover
                    && self.problems[r.problem].expected == Expected::CounterSatisfiable
            })
            .collect();
        let n = |j: Judged| rows.iter().filter(|r| r.judged == j).count();
        let solved = n(Judged::Solved);
        let wrong = n(Judged::Unsound);
        (rows.len(), solved, wrong, rows.len() - solved - wrong)
    }

    /// Per problem: the fraction of the provers run that failed it, and who solved it.
    pub fn ratings(&self) -> Vec<(f64, Vec<&str>)> {
        let n = self.provers.len().max(1) as f64;
        self.problems
            .iter()
            .enumerate()
            .map(|(i, _)| {
                let solved_by: Vec<&str> = self
                    .rows
                    .iter()
                    .filter(|r| r.problem == i && r.judged == Judged::Solved)
                    .map(|r| self.provers[r.prover].as_str())
                    .collect();
                (1.0 - solved_by.len() as f64 / n, solved_by)
            })
            .collect()
    }

    /// Wrong answers per prover.
    pub fn unsound(&self, prover: usize) -> usize {
        self.rows
            .iter()
            .filter(|r| r.prover == prover && r.judged == Judged::Unsound)
            .count()
    }

    pub fn csv(&self) -> String {
        let mut s = String::from(
            "problem,prover,expected,status,result,time_s,steps,distinct_rules,hard_steps,invent_steps,size,depth,detail\n",
        );
        for r in &self.rows {
            let p = &self.problems[r.problem];
            let d = &p.difficulty;
            let detail = match &r.verdict {
                Verdict::Error(m) => m.as_str(),
                _ => "",
            };
            let _ = writeln!(
                s,
                "{},{},{},{},{},{:.3},{},{},{},{},{},{},{}",
                csv_field(&p.id),
                csv_field(&self.provers[r.prover]),
                p.expected.as_str(),
                csv_field(&r.verdict.status()),
                r.judged.as_str(),
                r.time.as_secs_f64(),
                d.steps,
                d.distinct_rules,
                d.hard_steps,
                d.invent_steps,
                d.size,
                d.depth,
                csv_field(detail)
            );
        }
        s
    }

    pub fn ratings_csv(&self) -> String {
        let mut s = String::from("problem,expected,rating,solved_by\n");
        for (p, (rating, by)) in self.problems.iter().zip(self.ratings()) {
            let _ = writeln!(
                s,
                "{},{},{rating:.2},{}",
                csv_field(&p.id),
                p.expected.as_str(),
                csv_field(&by.join(" "))
            );
        }
        s
    }

    pub fn json(&self) -> Value {
        let secs = |d: Option<Duration>| d.map(|d| (d.as_secs_f64() * 1000.0).round() / 1000.0);
        let rows: Vec<Value> = self
            .rows
            .iter()
            .map(|r| {
                let p = &self.problems[r.problem];
                let d = &p.difficulty;
                json!({
                    "problem": p.id, "prover": self.provers[r.prover],
                    "expected": p.expected.as_str(), "status": r.verdict.status(),
                    "result": r.judged.as_str(), "time_s": secs(Some(r.time)),
                    "detail": match &r.verdict { Verdict::Error(m) => Value::from(m.as_str()), _ => Value::Null },
                    "difficulty": {"steps": d.steps, "distinct_rules": d.distinct_rules,
                        "hard_steps": d.hard_steps, "invent_steps": d.invent_steps,
                        "size": d.size, "depth": d.depth},
                })
            })
            .collect();
        let summary: Vec<Value> = self
            .buckets()
            .iter()
            .map(|b| {
                json!({
                    "dimension": b.dimension.name(), "bucket": b.dimension.label(b.bucket),
                    "prover": self.provers[b.prover], "problems": b.problems,
                    "solved": b.solved, "solve_rate": b.rate(), "unsound": b.unsound,
                    "errors": b.errors, "median_s": secs(b.median), "p90_s": secs(b.p90),
                })
            })
            .collect();
        let ratings: Vec<Value> = self
            .problems
            .iter()
            .zip(self.ratings())
            .map(|(p, (rating, by))| json!({"problem": p.id, "rating": rating, "solved_by": by}))
            .collect();
        let provers: Vec<Value> = (0..self.provers.len())
            .map(|k| {
                let solved = self
                    .rows
                    .iter()
                    .filter(|r| r.prover == k && r.judged == Judged::Solved)
                    .count();
                let (n, refuted, wrong, none) = self.non_theorems(k);
                json!({"name": self.provers[k], "solved": solved, "unsound": self.unsound(k),
                    "non_theorems": {"problems": n, "refuted": refuted, "wrongly_proved": wrong, "no_answer": none}})
            })
            .collect();
        json!({
            "timeout_s": self.timeout.as_secs_f64(),
            "problems": self.problems.len(),
            "provers": provers,
            "skipped": self.skipped.iter().map(|(n, why)| json!({"prover": n, "why": why})).collect::<Vec<_>>(),
            "summary": summary,
            "ratings": ratings,
            "rows": rows,
        })
    }

    /// The summary as a Markdown table per dimension.
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        let ms = |d: Option<Duration>| match d {
            Some(d) => format!("{:.0} ms", d.as_secs_f64() * 1000.0),
            None => "–".into(),
        };
        let buckets = self.buckets();
        for dim in self.dimensions() {
            let _ = writeln!(
                s,
                "| {} | prover | problems | solved | rate | median | p90 | unsound | errors |",
                dim.name()
            );
            let _ = writeln!(s, "|---|---|---:|---:|---:|---:|---:|---:|---:|");
            for b in buckets.iter().filter(|b| b.dimension.name() == dim.name()) {
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} | {:.1}% | {} | {} | {} | {} |",
                    dim.label(b.bucket),
                    self.provers[b.prover],
                    b.problems,
                    b.solved,
                    b.rate(),
                    ms(b.median),
                    ms(b.p90),
                    b.unsound,
                    b.errors
                );
            }
            s.push('\n');
        }
        if self
            .problems
            .iter()
            .any(|p| p.expected == Expected::CounterSatisfiable)
        {
            let _ = writeln!(
                s,
                "| non-theorems | prover | problems | refuted | wrongly proved | no answer |"
            );
            let _ = writeln!(s, "|---|---|---:|---:|---:|---:|");
            for k in 0..self.provers.len() {
                let (n, refuted, wrong, none) = self.non_theorems(k);
                let _ = writeln!(
                    s,
                    "| CounterSatisfiable | {} | {n} | {refuted} | {wrong} | {none} |",
                    self.provers[k]
                );
            }
            s.push('\n');
        }
        s
    }

    /// Solve rate against `dim`, one series per prover.
    pub fn series(&self, dim: Dimension) -> Vec<(String, Vec<(u32, f64)>)> {
        let buckets = self.buckets();
        (0..self.provers.len())
            .map(|k| {
                let points = buckets
                    .iter()
                    .filter(|b| b.prover == k && b.dimension.name() == dim.name() && b.problems > 0)
                    .map(|b| match dim {
                        Dimension::Size => (b.bucket * 8 + 8, b.rate()),
                        _ => (b.bucket, b.rate()),
                    })
                    .collect();
                (self.provers[k].clone(), points)
            })
            .collect()
    }
}

/// A CSV field, quoted when it must be.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::bench::problems::Difficulty;

    fn problem(id: &str, steps: u32, expected: Expected) -> Problem {
        Problem {
            id: id.into(),
            statement: String::new(),
            expected,
            difficulty: Difficulty {
                steps,
                size: 10,
                ..Default::default()
            },
            tptp: Default::default(),
            smt2: None,
            canonical_hash: String::new(),
            rating_bucket: None,
        }
    }

    #[test]
    fn judges_buckets_and_rates() {
        let problems = vec![
            problem("a", 1, Expected::Theorem),
            problem("b", 2, Expected::Theorem),
            problem("c", 2, Expected::CounterSatisfiable),
        ];
        let row = |problem, prover, verdict: Verdict, ms| Row {
            problem,
            prover,
            judged: Judged::of(problems[problem].expected, &verdict),
            verdict,
            time: Duration::from_millis(ms),
        };
        let rows = vec![
            row(0, 0, Verdict::Proved("Theorem".into()), 10),
            row(1, 0, Verdict::GaveUp("ResourceOut".into()), 1000),
            row(2, 0, Verdict::Proved("Theorem".into()), 5),
            row(0, 1, Verdict::Proved("unsat".into()), 30),
            row(1, 1, Verdict::Proved("unsat".into()), 40),
            row(2, 1, Verdict::Refuted("sat".into()), 50),
        ];
        let r = Report {
            problems: &problems,
            provers: vec!["e".into(), "z".into()],
            skipped: vec![],
            rows,
            timeout: Duration::from_secs(2),
        };
        assert_eq!(r.unsound(0), 1);
        assert_eq!(r.unsound(1), 0);
        let b = r.buckets();
        let steps2_e = b
            .iter()
            .find(|b| b.dimension.name() == "steps" && b.bucket == 2 && b.prover == 0)
            .unwrap();
        // The non-theorem `c` is summed up apart, not in the buckets.
        assert_eq!(
            (steps2_e.problems, steps2_e.solved, steps2_e.unsound),
            (1, 0, 0)
        );
        assert_eq!(r.non_theorems(0), (1, 0, 1, 0));
        assert_eq!(r.non_theorems(1), (1, 1, 0, 0));
        let steps2_z = b
            .iter()
            .find(|b| b.dimension.name() == "steps" && b.bucket == 2 && b.prover == 1)
            .unwrap();
        assert_eq!(steps2_z.solved, 1);
        assert_eq!(steps2_z.median, Some(Duration::from_millis(40)));
        assert_eq!(steps2_z.p90, Some(Duration::from_millis(40)));
        let ratings: Vec<f64> = r.ratings().iter().map(|(x, _)| *x).collect();
        assert_eq!(ratings, [0.0, 0.5, 0.5]);
        assert!(r.csv().lines().nth(3).unwrap().contains(",unsound,"));
        assert_eq!(r.series(Dimension::Steps)[1].1, [(1, 100.0), (2, 100.0)]);
        assert!(r.markdown().contains("| 2 | e | 1 | 0 | 0.0% |"));
        assert!(r
            .markdown()
            .contains("| CounterSatisfiable | e | 1 | 0 | 1 | 0 |"));
    }

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"x\""), "\"say \"\"x\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
    }
}
