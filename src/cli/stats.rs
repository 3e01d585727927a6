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
                q.add(p);
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
        match write_plots(out, &m, &shares, &q, problems, &covered) {
            Ok(files) => outln!("plots: {} ({})", out.display(), files.join(", ")),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        }
    }
    ExitCode::SUCCESS
}

/// The charts of `stats --plot`; the files written.
fn write_plots(
    out: &std::path::Path,
    m: &Manifest,
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
    let sources: Vec<(String, String)> = m
        .theory_sources
        .iter()
        .map(|s| (s.origin.clone(), s.text.clone()))
        .collect();
    let theory = proofmill_kernel::with_kernel_stack(|| {
        proofmill_tactics::theory::Theory::load_recorded(&sources)
    })
    .map_err(|e| format!("the corpus's theory: {e}"))?;
    both("rule_space", &|p| {
        plot::rule_space(p, &theory, covered).map(|_| ())
    })?;
    Ok(files)
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
    answer_size: BTreeMap<u32, u64>,
    question_size: BTreeMap<u32, u64>,
}

/// Nodes of a printed calculus term: identifiers, numerals and operators
/// (`F.const 2` is two nodes, as in the generator's terms).
fn nodes(t: &str) -> u32 {
    let mut n = 0;
    let mut in_word = false;
    for c in t.chars() {
        let word = (c.is_alphanumeric() || c == '.' || c == '_') && c != '¹';
        if word && !in_word {
            n += 1;
        }
        in_word = word;
        if matches!(c, '+' | '*' | '-' | '∘' | '⁻') {
            n += 1;
        }
    }
    n
}

/// Forms a simplified question has no place for: `∘ id`, `id ∘`, `* const
/// 1`, `const 1 *`, `+ const 0`, `const 0 +`, `const 0 *`, `* const 0`,
/// `∘ const n`, `- -`.
fn unsimplified(t: &str) -> bool {
    let comp_id = t.match_indices("∘ F.id").any(|(i, m)| {
        let rest = &t[i + m.len()..];
        !rest.starts_with('⁻') && !rest.starts_with(|c: char| c.is_alphanumeric())
    });
    // `f ∘ (F.const 2)`, not `f ∘ (F.const 2 * g)`.
    let comp_const = t.match_indices("∘ (F.const ").any(|(i, m)| {
        let rest = t[i + m.len()..].trim_start_matches(|c: char| c.is_ascii_digit());
        rest.starts_with(')')
    });
    comp_id
        || comp_const
        || [
            "F.id ∘",
            "* F.const 1",
            "F.const 1 *",
            "+ F.const 0",
            "F.const 0 +",
            "F.const 0 *",
            "* F.const 0",
            "∘ F.const",
            "- -",
        ]
        .iter()
        .any(|p| t.contains(p))
}

/// A printed calculus term, parsed as far as folding needs: constants,
/// the binary operators and everything else as opaque.
#[derive(Debug, PartialEq)]
enum Printed {
    Const(u32),
    Bin(char, Box<Printed>, Box<Printed>),
    Other(Vec<Printed>),
}

/// Parses a printed calculus term with Lean's precedences (`+` 65, `*` 70
/// left; prefix `-` 75; `∘` 90 right; `⁻¹` postfix; application tightest).
fn parse_printed(t: &str) -> Option<Printed> {
    let mut toks: Vec<String> = Vec::new();
    let cs: Vec<char> = t.chars().collect();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_alphanumeric() && c != '∘' {
            let st = i;
            while i < cs.len() && (cs[i].is_alphanumeric() || cs[i] == '.' || cs[i] == '_') {
                i += 1;
            }
            toks.push(cs[st..i].iter().collect());
        } else if c == '⁻' && cs.get(i + 1) == Some(&'¹') {
            toks.push("⁻¹".into());
            i += 2;
        } else {
            toks.push(c.to_string());
            i += 1;
        }
    }
    struct P<'a>(&'a [String], usize);
    impl P<'_> {
        fn peek(&self) -> Option<&str> {
            self.0.get(self.1).map(|s| s.as_str())
        }
        fn expr(&mut self, min: u32) -> Option<Printed> {
            let mut l = if self.peek() == Some("-") {
                self.1 += 1;
                Printed::Other(vec![self.expr(75)?])
            } else {
                self.app()?
            };
            loop {
                let (op, prec, right) = match self.peek() {
                    Some("+") => ('+', 65, false),
                    Some("*") => ('*', 70, false),
                    Some("∘") => ('∘', 90, true),
                    _ => return Some(l),
                };
                if prec < min {
                    return Some(l);
                }
                self.1 += 1;
                let r = self.expr(if right { prec } else { prec + 1 })?;
                l = Printed::Bin(op, Box::new(l), Box::new(r));
            }
        }
        fn app(&mut self) -> Option<Printed> {
            let head = self.atom()?;
            let mut args = Vec::new();
            while matches!(self.peek(), Some(t) if t == "(" || t.starts_with(|c: char| c.is_alphanumeric()))
            {
                args.push(self.atom()?);
            }
            Some(if args.is_empty() {
                head
            } else {
                Printed::Other(std::iter::once(head).chain(args).collect())
            })
        }
        fn atom(&mut self) -> Option<Printed> {
            let t = self.peek()?.to_string();
            self.1 += 1;
            let mut e = if t == "(" {
                let e = self.expr(0)?;
                (self.peek() == Some(")")).then_some(())?;
                self.1 += 1;
                e
            } else if t == "F.const" {
                let n = self.peek()?.parse().ok()?;
                self.1 += 1;
                Printed::Const(n)
            } else if t.starts_with(|c: char| c.is_alphanumeric()) {
                Printed::Other(Vec::new())
            } else {
                return None;
            };
            while self.peek() == Some("⁻¹") {
                self.1 += 1;
                e = Printed::Other(vec![e]);
            }
            Some(e)
        }
    }
    let mut p = P(&toks, 0);
    let e = p.expr(0)?;
    (p.1 == toks.len()).then_some(e)
}

/// Whether a printed question holds two constants under one `+` or `*`,
/// or one regrouping apart (`F.const 2 * (F.const 3 * F.sin)`), as
/// `Calculus::foldable` says of terms.
fn foldable(t: &str) -> bool {
    fn go(e: &Printed) -> bool {
        match e {
            Printed::Const(_) => false,
            Printed::Other(xs) => xs.iter().any(go),
            Printed::Bin(op, l, r) => {
                let k = |x: &Printed| matches!(x, Printed::Const(_));
                let under = |x: &Printed, left: bool| match x {
                    Printed::Bin(o, a, b) if o == op => k(if left { a } else { b }),
                    _ => false,
                };
                let here =
                    *op != '∘' && ((k(l) && (k(r) || under(r, true))) || (under(l, false) && k(r)));
                here || go(l) || go(r)
            }
        }
    }
    parse_printed(t).is_some_and(|e| go(&e))
}

impl Quality {
    fn add(&mut self, p: &proofmill_corpora::corpus::Problem) {
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
        self.unsimplified += u64::from(unsimplified(subject));
        self.foldable += u64::from(foldable(subject));
        *self.answer_size.entry(nodes(&p.answer)).or_default() += 1;
        *self.question_size.entry(nodes(subject)).or_default() += 1;
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
    use super::{foldable, nodes, unsimplified};

    #[test]
    fn foldable_constants_are_found_and_only_they() {
        for t in [
            "F.const 1 + F.const 1",
            "F.sin + (F.const 1 + F.const 2)",
            "F.const 2 * (F.const 3 * F.sin)",
            "F.cos + F.const 1 + F.const 4",
            "F.const 2 * F.const 3 * F.id⁻¹",
            "-(F.const 3 * (F.const 3 * F.sin ∘ F.exp))",
        ] {
            assert!(foldable(t), "{t}");
        }
        for t in [
            "F.sin * F.const 2 + F.const 3",
            "F.const 2 * (F.const 3 * F.sin + F.cos)",
            "F.const 2 ∘ F.const 3",
            "F.const 2 + F.sin * F.const 3",
            "-F.const 1 + F.const 2 * F.id",
            "F.deriv y + F.const 2 * y",
        ] {
            assert!(!foldable(t), "{t}");
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
        ] {
            assert!(unsimplified(t), "{t}");
        }
        for t in [
            "F.sin ∘ F.id⁻¹",
            "F.cos ∘ (F.const 4 * F.id) * F.const 4",
            "F.const 1 + F.cos",
            "F.identity ∘ F.sin",
        ] {
            assert!(!unsimplified(t), "{t}");
        }
    }

    #[test]
    fn nodes_count_symbols_numerals_and_operators() {
        assert_eq!(nodes("F.const 2 * F.id"), 4);
        assert_eq!(nodes("-(F.sin ∘ F.id⁻¹)"), 5);
    }
}
