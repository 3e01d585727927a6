//! `proofmill regress DIR [--theory T]`: replay every record's trace with
//! today's tactics against the corpus's theory or a changed one, and say
//! which records break or change, at which step, and which change to the
//! theory is to blame. Exit 0 when every record replays as recorded, 1 when
//! one does not, 2 when the corpus or the theory cannot be read.

use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use proofmill_corpora::corpus::read_manifest;
use proofmill_corpora::corpus::regress::{
    load_theory, ChangeSummary, Place, RecordResult, RegressReport, Regressor, SubjectKind, What,
};
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// A line per broken or changed record, then a line per change.
    Text,
    /// GitHub Actions annotations: an `::error file=…,line=…::` line per change.
    Github,
}

/// Replay a corpus's traces against its theory or a changed one.
#[derive(Args, Debug)]
pub struct RegressArgs {
    /// The corpus directory (with manifest.json).
    dir: PathBuf,
    /// The theory to replay against: a shipped theory's name or a .theory
    /// file (default: the corpus's own, from its manifest).
    #[arg(long, value_name = "T")]
    theory: Option<String>,
    /// Also write the full report (every record's verdict, the summary per
    /// change, the theory's changes) as JSON to REPORT.
    #[arg(long, value_name = "REPORT")]
    json: Option<PathBuf>,
    /// How to print the report.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Replaying threads (0: one per core). The report does not depend on it.
    #[arg(long, default_value_t = 0)]
    threads: usize,
}

pub fn run(a: RegressArgs) -> ExitCode {
    let start = Instant::now();
    let total = read_manifest(&a.dir)
        .ok()
        .and_then(|m| m.counts.get("records").copied())
        .unwrap_or(0);
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} replaying [{bar:40}] {pos}/{len} ({per_sec}, eta {eta})",
        )
        .expect("a valid template")
        .progress_chars("=> "),
    );
    let (dir, theory, threads) = (a.dir.clone(), a.theory.clone(), a.threads);
    let shown = bar.clone();
    let r = proofmill_kernel::with_kernel_stack(move || {
        let new = match theory {
            Some(t) => Some(load_theory(&t).map_err(|e| e.to_string())?),
            None => None,
        };
        let g = Regressor::open(&dir, new).map_err(|e| format!("error: {e}"))?;
        g.run(&dir, threads, move |n| shown.set_position(n))
            .map_err(|e| format!("error: {e}"))
    });
    bar.finish_and_clear();
    let report = match r {
        Ok(rep) => rep,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
    if let Some(path) = &a.json {
        if let Err(e) = write_json(path, &report) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    if !report.complete {
        eprintln!("warning: the corpus is incomplete (an interrupted run): its records so far were replayed");
    }
    let secs = start.elapsed().as_secs_f64();
    let tally = format!(
        "regress: {} records against {}: {} ok, {} broken, {} changed ({:.1} s, {:.0} records/s)",
        report.records,
        report.theory,
        report.ok,
        report.broken,
        report.changed,
        secs,
        report.records as f64 / secs.max(1e-9)
    );
    match a.format {
        Format::Text => {
            print_text(&report);
            outln!("{tally}");
        }
        Format::Github => {
            let by_id: HashMap<&str, &RecordResult> = report
                .results
                .iter()
                .filter(|r| r.divergence.is_some())
                .map(|r| (r.id.as_str(), r))
                .collect();
            for s in &report.summary {
                outln!("{}", github_line(&report, &by_id, s));
            }
            eprintln!("{tally}");
        }
    }
    if report.all_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn write_json(path: &std::path::Path, report: &RegressReport) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    serde_json::to_writer(&mut w, report)?;
    w.write_all(b"\n")?;
    w.flush()
}

/// A (possibly multi-line) message on one line.
fn one_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where a record parted from its replay: `step 2 (rw [add_comm a b])`.
fn place(r: &RecordResult) -> String {
    let Some(d) = &r.divergence else {
        return String::new();
    };
    match (d.at, d.step, &d.tactic) {
        (Place::Step, Some(i), Some(t)) => format!("step {i} ({t})"),
        (Place::Intro, _, Some(t)) => format!("intro ({t})"),
        (Place::Statement, ..) => "statement".into(),
        (Place::Proof, ..) => "proof".into(),
        _ => String::new(),
    }
}

/// The change a summary entry is about: `rule add_comm`, `notation "-"`.
fn subject(s: &ChangeSummary) -> String {
    let name = s.cause.name.clone().unwrap_or_default();
    match s.cause.subject {
        SubjectKind::Rule => format!("rule {name}"),
        SubjectKind::Notation => format!("notation \"{name}\""),
        SubjectKind::Statement => "the statements".into(),
        SubjectKind::Proof => "the kernel's check of the replayed proofs".into(),
    }
}

fn indented(label: &str, text: &str) -> String {
    let pad = " ".repeat(label.len());
    text.lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("    {label}{l}")
            } else {
                format!("\n    {pad}{l}")
            }
        })
        .collect()
}

fn print_text(report: &RegressReport) {
    for r in report.results.iter().filter(|r| r.divergence.is_some()) {
        let d = r.divergence.as_ref().expect("a divergence");
        let rule = d
            .rule
            .as_deref()
            .map(|n| format!(" [{n}]"))
            .unwrap_or_default();
        match &d.what {
            What::Broken { error } => outln!(
                "broken  {} at {}{rule}: {}",
                r.id,
                place(r),
                one_line(error)
            ),
            What::Changed { recorded, replayed } => {
                outln!("changed {} at {}{rule}", r.id, place(r));
                outln!("{}", indented("recorded: ", recorded));
                outln!("{}", indented("replayed: ", replayed));
            }
        }
    }
    if !report.summary.is_empty() {
        outln!("changes:");
    }
    for s in &report.summary {
        let at = s
            .location
            .as_ref()
            .map(|l| format!(" ({}:{})", l.file, l.line))
            .unwrap_or_default();
        outln!(
            "  {} ({}): {} broken, {} changed{at}",
            subject(s),
            s.cause.kind,
            s.broken,
            s.changed
        );
    }
    let felt = |name: &str, kind: SubjectKind| {
        report
            .summary
            .iter()
            .any(|s| s.cause.subject == kind && s.cause.name.as_deref() == Some(name))
    };
    for c in &report.theory_changes.rules {
        if !felt(&c.rule, SubjectKind::Rule) {
            outln!("  rule {} ({}): no record uses it", c.rule, c.kind);
        }
    }
}

/// A GitHub workflow command's data: `%`, CR and LF escaped.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: also `:` and `,` escaped.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `::error file=F,line=L::rule add_comm (rule missing): …` for one change.
fn github_line(
    report: &RegressReport,
    by_id: &HashMap<&str, &RecordResult>,
    s: &ChangeSummary,
) -> String {
    let (file, line) = match &s.location {
        Some(l) => (l.file.as_str(), format!(",line={}", l.line)),
        None => (report.theory.as_str(), String::new()),
    };
    let first = s.records.first().and_then(|id| by_id.get(id.as_str()));
    let example = match first.and_then(|r| r.divergence.as_ref().map(|d| (r, d))) {
        Some((r, d)) => match &d.what {
            What::Broken { error } => {
                format!("; first {} at {}: {}", r.id, place(r), one_line(error))
            }
            What::Changed { .. } => format!(
                "; first {} at {}: the goals print otherwise",
                r.id,
                place(r)
            ),
        },
        None => String::new(),
    };
    let msg = format!(
        "{} ({}): {} records broken, {} changed{example}",
        subject(s),
        s.cause.kind,
        s.broken,
        s.changed
    );
    format!(
        "::error file={}{line}::{}",
        escape_property(file),
        escape_data(&msg)
    )
}
