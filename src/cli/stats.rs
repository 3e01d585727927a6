//! `proofmill stats DIR`: counts, difficulty histograms, rule and edge
//! coverage and the duplicate rate of a corpus.

use clap::Args;
use proofmill_corpora::corpus::FoTerm;
use proofmill_corpora::corpus::{read_bin, read_jsonl, read_manifest, Manifest};
use proofmill_tactics::notation::NotationTable;
use proofmill_tactics::parse::parse_term;
use proofmill_tactics::syntax::{Arg, TermKind};
use proofmill_tactics::theory::Theory;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

/// Summarize a corpus.
#[derive(Args, Debug)]
pub struct StatsArgs {
    dir: PathBuf,
    /// Also write the figures as SVG and PNG charts into this directory: rule
    /// shares, answer and question sizes, problem quality, the rule space
    /// with the edges the corpus covered.
    #[arg(long)]
    plot: Option<PathBuf>,
    #[command(flatten)]
    rating: crate::cli::rating::RatingArgs,
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
    let rated = match a.rating.load() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let mut hashes: std::collections::HashSet<String> = Default::default();
    let mut hs: [BTreeMap<u32, u64>; 4] = Default::default();
    let mut rules: BTreeMap<String, u64> = BTreeMap::new();
    let mut families: BTreeMap<String, u64> = BTreeMap::new();
    let mut covered: std::collections::HashSet<(String, String)> = Default::default();
    let mut n = 0u64;
    let mut problems = 0u64;
    let mut q = Quality::default();
    // The theory, read once the first problem needs its notations.
    let mut theory: Option<Theory> = None;
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
            if rated.is_some() {
                hashes.insert(r.canonical_hash.clone());
            }
            problems += u64::from(r.problem.is_some());
            if let Some(p) = &r.problem {
                if theory.is_none() {
                    match corpus_theory(&m) {
                        Ok(t) => theory = Some(t),
                        Err(e) => {
                            eprintln!("error: {e}");
                            return ExitCode::from(2);
                        }
                    }
                }
                let t = theory.as_ref().expect("read just above");
                q.add(p, t.notations());
            }
            let d = &r.difficulty;
            for (h, v) in hs
                .iter_mut()
                .zip([d.steps, d.distinct_rules, d.hard_steps, d.size])
            {
                *h.entry(v).or_default() += 1;
            }
            for w in r.steps.windows(2) {
                let label = |s: &proofmill_corpora::corpus::Step| {
                    if s.direction == "rev" {
                        format!("{}←", s.rule)
                    } else {
                        s.rule.clone()
                    }
                };
                covered.insert((label(&w[0]), label(&w[1])));
            }
            for st in &r.steps {
                *families.entry(st.rule.clone()).or_default() += 1;
                *rules
                    .entry(format!("{} ({})", st.rule, st.direction))
                    .or_default() += 1;
            }
        }
    }
    outln!(
        "corpus {}: theory {} (seed {}), {n} records, {problems} problems",
        a.dir.display(),
        m.theory,
        m.seed
    );
    for (k, v) in &m.counts {
        outln!("  {k}: {v}");
    }
    if !m.non_theorems.is_empty() {
        if let Err(e) = non_theorems(&a.dir, &m) {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
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
    if let Some((r, buckets)) = &rated {
        let mine: Vec<&crate::cli::rating::Rated> = r
            .problems
            .iter()
            .filter(|q| hashes.contains(&q.canonical_hash))
            .collect();
        outln!(
            "ratings ({} of {n} records rated by {} at {} s: {}):",
            mine.len(),
            a.rating
                .rating_from
                .as_ref()
                .map_or(String::new(), |f| f.display().to_string()),
            r.timeout_s,
            r.provers.join(", ")
        );
        let h = crate::cli::rating::histogram(mine.iter().copied());
        let max = h.iter().map(|(_, k)| *k).max().unwrap_or(1).max(1);
        for (label, k) in &h {
            outln!("  {label} {k:>8} {}", "#".repeat(40 * k / max));
        }
        let mut by: BTreeMap<u32, u64> = BTreeMap::new();
        for q in &mine {
            if let Some(b) = buckets.get(&q.canonical_hash) {
                *by.entry(*b).or_default() += 1;
            }
        }
        histogram("difficulty bucket (1 = easiest)", &by);
    }
    outln!("rule uses:");
    for (r, k) in &rules {
        outln!("  {r:<40} {k}");
    }
    let total: u64 = families.values().sum();
    let mut by_share: Vec<(&String, &u64)> = families.iter().collect();
    by_share.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    outln!("rule share of steps (both directions; {total} steps):");
    for (r, k) in by_share {
        outln!(
            "  {r:<24} {:>5.1}%",
            100.0 * *k as f64 / total.max(1) as f64
        );
    }
    if problems > 0 {
        q.print(problems);
    }
    if let Some(out) = &a.plot {
        let shares: Vec<(String, f64)> = {
            let mut v: Vec<(String, f64)> = families
                .iter()
                .map(|(r, k)| (r.clone(), 100.0 * *k as f64 / total.max(1) as f64))
                .collect();
            v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            v
        };
        match write_plots(out, &m, theory.as_ref(), &shares, &q, problems, &covered) {
            Ok(files) => outln!("plots: {} ({})", out.display(), files.join(", ")),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        }
    }
    ExitCode::SUCCESS
}

/// The charts of `stats --plot`; the files written. `theory`: the corpus's,
/// if already read.
fn write_plots(
    out: &std::path::Path,
    m: &Manifest,
    theory: Option<&Theory>,
    shares: &[(String, f64)],
    q: &Quality,
    problems: u64,
    covered: &std::collections::HashSet<(String, String)>,
) -> Result<Vec<String>, String> {
    use super::plot;
    plot::prepare(out).map_err(|e| e.to_string())?;
    let mut files = Vec::new();
    // Each chart as SVG and as PNG.
    let mut both = |stem: &str, draw: &dyn Fn(&std::path::Path) -> Result<(), plot::PlotError>| {
        for ext in ["svg", "png"] {
            let name = format!("{stem}.{ext}");
            draw(&out.join(&name)).map_err(|e| e.to_string())?;
            files.push(name);
        }
        Ok::<(), String>(())
    };
    both("rule_share", &|p| {
        plot::bars(
            p,
            "share of steps by rule (both directions)",
            "% of steps",
            shares,
        )
    })?;
    if problems > 0 {
        both("answer_size", &|p| {
            plot::histogram(p, "answer size (nodes)", &q.answer_size)
        })?;
        both("question_size", &|p| {
            plot::histogram(p, "question size (nodes)", &q.question_size)
        })?;
        both("quality", &|p| {
            plot::bars(p, "problem quality", "% of problems", &q.ratios(problems))
        })?;
    }
    // The theory the problems were read with, or (a corpus without
    // problems) the manifest's, read now.
    let read;
    let theory = match theory {
        Some(t) => t,
        None => {
            read = corpus_theory(m)?;
            &read
        }
    };
    both("rule_space", &|p| {
        plot::rule_space(p, theory, covered).map(|_| ())
    })?;
    Ok(files)
}

/// The corpus's theory, read from the sources its manifest records.
fn corpus_theory(m: &Manifest) -> Result<Theory, String> {
    let sources: Vec<(String, String)> = m
        .theory_sources
        .iter()
        .map(|s| (s.origin.clone(), s.text.clone()))
        .collect();
    proofmill_kernel::with_kernel_stack(|| Theory::load_recorded(&sources))
        .map_err(|e| format!("the corpus's theory: {e}"))
}

/// Data quality of a corpus's problems (issue 17): kinds, distinct and
/// repeated answers, constant answers, unsimplified questions and sizes.
#[derive(Default)]
struct Quality {
    kinds: BTreeMap<String, u64>,
    answers: std::collections::HashMap<String, u64>,
    constant: u64,
    unsimplified: u64,
    foldable: u64,
    /// Problems whose question or answer does not parse (a tampered corpus:
    /// `verify` says what is wrong): counted in the kinds and answers only.
    unreadable: u64,
    answer_size: BTreeMap<u32, u64>,
    question_size: BTreeMap<u32, u64>,
}

/// A calculus function, or the two sides of an ODE question's equation,
/// as `stats` reads them: the printed text parsed with the corpus's own
/// theory's notations (the parser `verify` uses), as first-order terms
/// whose symbols are named in full (`F.mul`, `F.const`). Only ODE
/// questions have a variable, `y`.
fn parse_function(t: &str, notations: &NotationTable) -> Option<Vec<FoTerm>> {
    let syn = parse_term(t, notations).ok()?;
    if let TermKind::App(f, args) = &syn.kind {
        if let (TermKind::Ident(rel), [Arg::Pos(l), Arg::Pos(r)]) = (&f.kind, args.as_slice()) {
            if rel == "Eq" {
                let side = |x| FoTerm::from_syntax(x, &["y"]).ok();
                return Some(vec![side(l)?, side(r)?]);
            }
        }
    }
    Some(vec![FoTerm::from_syntax(&syn, &["y"]).ok()?])
}

fn is_const(t: &FoTerm, n: Option<u32>) -> bool {
    matches!(t, FoTerm::App(f, xs) if f == "F.const"
        && matches!(xs.as_slice(), [FoTerm::Lit(k)] if n.is_none_or(|n| n == *k)))
}

/// Forms a simplified question has no place for: `f ∘ id`, `id ∘ f`,
/// `f * const 1`, `const 1 * f`, `f + const 0`, `const 0 + f`, `const 0 *
/// f`, `f * const 0`, `f ∘ const n`, `- -f`.
fn unsimplified(t: &FoTerm) -> bool {
    let FoTerm::App(f, xs) = t else {
        return false;
    };
    let id = |x: &FoTerm| matches!(x, FoTerm::App(g, a) if g == "F.id" && a.is_empty());
    let here = match (f.as_str(), xs.as_slice()) {
        ("F.comp", [l, r]) => id(l) || id(r) || is_const(r, None),
        ("F.mul", [l, r]) => [0, 1]
            .iter()
            .any(|&k| is_const(l, Some(k)) || is_const(r, Some(k))),
        ("F.add", [l, r]) => is_const(l, Some(0)) || is_const(r, Some(0)),
        ("F.neg", [x]) => matches!(x, FoTerm::App(g, _) if g == "F.neg"),
        _ => false,
    };
    here || xs.iter().any(unsimplified)
}

/// Whether a question holds two constants under one `+` or `*`, or one
/// regrouping apart (`F.const 2 * (F.const 3 * F.sin)`), as
/// `Calculus::foldable` says of terms.
fn foldable(t: &FoTerm) -> bool {
    let FoTerm::App(f, xs) = t else {
        return false;
    };
    let here = match (f.as_str(), xs.as_slice()) {
        (op @ ("F.add" | "F.mul"), [l, r]) => {
            let k = |x: &FoTerm| is_const(x, None);
            // `x` is `op` applied with a constant as its left (or right) operand.
            let under = |x: &FoTerm, left: bool| {
                matches!(x, FoTerm::App(g, ab) if g == op
                    && ab.len() == 2 && k(&ab[if left { 0 } else { 1 }]))
            };
            (k(l) && (k(r) || under(r, true))) || (under(l, false) && k(r))
        }
        _ => false,
    };
    here || xs.iter().any(foldable)
}

impl Quality {
    fn add(&mut self, p: &proofmill_corpora::corpus::Problem, notations: &NotationTable) {
        *self.kinds.entry(p.kind.clone()).or_default() += 1;
        *self.answers.entry(p.answer.clone()).or_default() += 1;
        // A constant answer names no function of x.
        if !["F.id", "F.sin", "F.cos", "F.exp", "F.log"]
            .iter()
            .any(|f| p.answer.contains(f))
        {
            self.constant += 1;
        }
        let subject = p
            .question
            .strip_prefix("find an antiderivative of ")
            .or_else(|| p.question.strip_prefix("find the derivative of "))
            .or_else(|| p.question.strip_prefix("find y such that "))
            .unwrap_or(&p.question);
        let (Some(answer), Some(question)) = (
            parse_function(&p.answer, notations),
            parse_function(subject, notations),
        ) else {
            self.unreadable += 1;
            return;
        };
        self.unsimplified += u64::from(question.iter().any(unsimplified));
        self.foldable += u64::from(question.iter().any(foldable));
        let answer: usize = answer.iter().map(FoTerm::size).sum();
        *self.answer_size.entry(answer as u32).or_default() += 1;
        let size: usize = question.iter().map(FoTerm::size).sum();
        *self.question_size.entry(size as u32).or_default() += 1;
    }

    /// Distinct answers, top-10 share, constant answers and unsimplified
    /// questions, in percent of `n` problems.
    fn ratios(&self, n: u64) -> Vec<(String, f64)> {
        let pct = |k: u64| 100.0 * k as f64 / n.max(1) as f64;
        let mut counts: Vec<u64> = self.answers.values().copied().collect();
        counts.sort_unstable_by(|a, b| b.cmp(a));
        vec![
            ("distinct answers".into(), pct(self.answers.len() as u64)),
            ("top 10 answers".into(), pct(counts.iter().take(10).sum())),
            ("constant answers".into(), pct(self.constant)),
            ("unsimplified questions".into(), pct(self.unsimplified)),
            ("foldable constants".into(), pct(self.foldable)),
        ]
    }

    fn print(&self, n: u64) {
        let pct = |k: u64| 100.0 * k as f64 / n.max(1) as f64;
        outln!("problems by kind:");
        for (k, v) in &self.kinds {
            outln!("  {k:<16} {v}");
        }
        let mut counts: Vec<u64> = self.answers.values().copied().collect();
        counts.sort_unstable_by(|a, b| b.cmp(a));
        let top10: u64 = counts.iter().take(10).sum();
        let mean = self
            .answer_size
            .iter()
            .map(|(s, k)| u64::from(*s) * k)
            .sum::<u64>() as f64
            / n as f64;
        outln!(
            "distinct answers: {} ({:.1}%); top 10 answers: {:.1}% of problems; constant answers: {:.1}%",
            self.answers.len(),
            pct(self.answers.len() as u64),
            pct(top10),
            pct(self.constant)
        );
        outln!(
            "unsimplified questions: {:.2}%; questions with foldable constants: {:.2}%; mean answer size: {mean:.1} nodes",
            pct(self.unsimplified),
            pct(self.foldable)
        );
        if self.unreadable > 0 {
            outln!(
                "problems whose question or answer does not parse (not in the sizes, nor counted unsimplified or foldable): {}",
                self.unreadable
            );
        }
        histogram("answer size", &self.answer_size);
        histogram("question size", &self.question_size);
    }
}

/// The non-theorem files: how many, by kind of perturbation and by the
/// carrier size of their counter-models.
fn non_theorems(dir: &std::path::Path, m: &Manifest) -> Result<(), String> {
    use proofmill_corpora::corpus::{decode_non_theorems, read_limited, MAX_SHARD_BYTES};
    let mut kinds: BTreeMap<String, u64> = BTreeMap::new();
    let mut sizes: BTreeMap<u32, u64> = BTreeMap::new();
    let mut n = 0u64;
    for s in &m.non_theorems {
        let bytes = read_limited(&dir.join(&s.file), MAX_SHARD_BYTES)?;
        for r in decode_non_theorems(&bytes, &s.file).map_err(|e| e.to_string())? {
            n += 1;
            let kind = r.perturbation.split(':').next().unwrap_or("").to_string();
            *kinds.entry(kind).or_default() += 1;
            *sizes.entry(r.counter_model.size).or_default() += 1;
        }
    }
    let kinds: Vec<String> = kinds.iter().map(|(k, v)| format!("{k} {v}")).collect();
    let sizes: Vec<String> = sizes.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    outln!(
        "non-theorems: {n} ({}); counter-model carrier sizes {}",
        kinds.join(", "),
        sizes.join(", ")
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{foldable, parse_function, unsimplified, FoTerm, Theory};
    use std::sync::OnceLock;

    fn calculus() -> &'static Theory {
        static CALCULUS: OnceLock<Theory> = OnceLock::new();
        CALCULUS.get_or_init(|| {
            proofmill_kernel::with_kernel_stack(|| Theory::shipped("calculus")).unwrap()
        })
    }

    /// A printed calculus function (or ODE equation), read as `stats` reads it.
    fn read(t: &str) -> Vec<FoTerm> {
        parse_function(t, calculus().notations()).unwrap_or_else(|| panic!("{t} does not parse"))
    }

    #[test]
    fn foldable_constants_are_found_and_only_they() {
        for t in [
            "F.const 1 + F.const 1",
            "F.sin + (F.const 1 + F.const 2)",
            "F.const 2 * (F.const 3 * F.sin)",
            "F.cos + F.const 1 + F.const 4",
            "F.const 2 * F.const 3 * F.id⁻¹",
            "-(F.const 3 * (F.const 3 * F.sin ∘ F.exp))",
            "F.deriv y = F.const 2 * F.const 3 * y",
        ] {
            assert!(read(t).iter().any(foldable), "{t}");
        }
        for t in [
            "F.sin * F.const 2 + F.const 3",
            "F.const 2 * (F.const 3 * F.sin + F.cos)",
            "F.const 2 ∘ F.const 3",
            "F.const 2 + F.sin * F.const 3",
            "-F.const 1 + F.const 2 * F.id",
            "F.deriv y + F.const 2 * y",
            "F.deriv y = F.const 2 * y",
        ] {
            assert!(!read(t).iter().any(foldable), "{t}");
        }
    }

    #[test]
    fn unsimplified_forms_are_found_and_only_they() {
        for t in [
            "F.sin ∘ F.id",
            "F.id ∘ F.sin",
            "F.sin * F.const 1",
            "F.const 0 * F.cos",
            "F.sin + F.const 0",
            "F.sin ∘ F.const 2",
            "F.sin ∘ (F.const 2)",
            "- -F.sin",
            "F.deriv y = y * F.const 1",
        ] {
            assert!(read(t).iter().any(unsimplified), "{t}");
        }
        for t in [
            "F.sin ∘ F.id⁻¹",
            "F.cos ∘ (F.const 4 * F.id) * F.const 4",
            "F.const 1 + F.cos",
            "F.identity ∘ F.sin",
            // A product with 12, not with 1 (the old text search took it for one).
            "F.sin * F.const 12",
            "F.deriv y = F.const 2 * y",
        ] {
            assert!(!read(t).iter().any(unsimplified), "{t}");
        }
    }

    #[test]
    fn sizes_count_symbols_and_numerals() {
        let size = |t: &str| read(t).iter().map(FoTerm::size).sum::<usize>();
        assert_eq!(size("F.const 2 * F.id"), 4);
        assert_eq!(size("-(F.sin ∘ F.id⁻¹)"), 5);
        assert_eq!(size("F.deriv y = F.const 2 * y"), 2 + 4);
    }

    #[test]
    fn text_that_is_no_term_is_not_read() {
        for t in ["F.sin +", "(F.cos", "fun x => x", "F.sin x y z = "] {
            assert!(parse_function(t, calculus().notations()).is_none(), "{t}");
        }
    }
}
