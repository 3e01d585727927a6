//! What `regress` found: a verdict per record, in corpus order, each
//! broken or changed record blamed on what changed (a rule, a notation
//! token, or nothing the theories show), and the summary per change.
//! Everything here serializes to the `--json` report.

use super::diff::{ChangeKind, Location, NotationChange, RuleChange, TheoryDiff};
use super::replay::{Divergence, Place, What};
use crate::corpus::record::Record;
use serde::{Serialize, Serializer};
use std::collections::HashMap;

/// What a difference is blamed on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// The rule of the step where the record parted from its replay.
    Rule,
    /// A notation token that changed and that the record's statement holds.
    Notation,
    /// The statement, when no changed notation token occurs in it.
    Statement,
    /// The proof the replayed script built.
    Proof,
}

/// A change a record is blamed on, and its kind.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Cause {
    pub subject: SubjectKind,
    /// The rule's name or the token (for `rule` and `notation`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub kind: ChangeKind,
}

/// One record's verdict: ok, or the first difference and its causes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordResult {
    pub id: String,
    pub divergence: Option<Divergence>,
    pub causes: Vec<Cause>,
}

impl RecordResult {
    pub fn new(r: &Record, divergence: Option<Divergence>, diff: &TheoryDiff) -> RecordResult {
        let causes = match &divergence {
            None => Vec::new(),
            Some(d) => causes(r, d, diff),
        };
        RecordResult {
            id: r.id.clone(),
            divergence,
            causes,
        }
    }

    pub fn is_broken(&self) -> bool {
        matches!(
            self.divergence,
            Some(Divergence {
                what: What::Broken { .. },
                ..
            })
        )
    }

    pub fn is_changed(&self) -> bool {
        matches!(
            self.divergence,
            Some(Divergence {
                what: What::Changed { .. },
                ..
            })
        )
    }

    /// `ok`, `broken` or `changed`.
    pub fn verdict(&self) -> &'static str {
        match &self.divergence {
            None => "ok",
            Some(d) => match d.what {
                What::Broken { .. } => "broken",
                What::Changed { .. } => "changed",
            },
        }
    }
}

/// Whom to blame for `d`: the step's rule; before any step, the changed
/// notation tokens the statement holds (else the statement itself); after
/// every step, the proof.
fn causes(r: &Record, d: &Divergence, diff: &TheoryDiff) -> Vec<Cause> {
    match (d.at, &d.rule) {
        (Place::Step, Some(rule)) => vec![Cause {
            subject: SubjectKind::Rule,
            name: Some(rule.clone()),
            kind: diff.rule_kind(rule),
        }],
        (Place::Statement | Place::Intro | Place::Step, _) => {
            let tokens: Vec<Cause> = diff
                .tokens_in(&r.statement)
                .map(|t| Cause {
                    subject: SubjectKind::Notation,
                    name: Some(t.to_string()),
                    kind: ChangeKind::NotationChanged,
                })
                .collect();
            if !tokens.is_empty() {
                return tokens;
            }
            let kind = if diff.notations.is_empty() {
                ChangeKind::Other
            } else {
                ChangeKind::NotationChanged
            };
            vec![Cause {
                subject: SubjectKind::Statement,
                name: None,
                kind,
            }]
        }
        (Place::Proof, _) => vec![Cause {
            subject: SubjectKind::Proof,
            name: None,
            kind: ChangeKind::Other,
        }],
    }
}

/// A record's verdict as the JSON report writes it.
#[derive(Serialize)]
struct RecordView<'a> {
    id: &'a str,
    verdict: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    at: Option<Place>,
    #[serde(skip_serializing_if = "Option::is_none")]
    step: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tactic: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recorded: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    replayed: Option<&'a str>,
    #[serde(skip_serializing_if = "<[Cause]>::is_empty")]
    causes: &'a [Cause],
}

impl Serialize for RecordResult {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let d = self.divergence.as_ref();
        let (error, recorded, replayed) = match d.map(|d| &d.what) {
            Some(What::Broken { error }) => (Some(error.as_str()), None, None),
            Some(What::Changed { recorded, replayed }) => {
                (None, Some(recorded.as_str()), Some(replayed.as_str()))
            }
            None => (None, None, None),
        };
        RecordView {
            id: &self.id,
            verdict: self.verdict(),
            at: d.map(|d| d.at),
            step: d.and_then(|d| d.step),
            tactic: d.and_then(|d| d.tactic.as_deref()),
            rule: d.and_then(|d| d.rule.as_deref()),
            error,
            recorded,
            replayed,
            causes: &self.causes,
        }
        .serialize(s)
    }
}

/// How many records one change broke and changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChangeSummary {
    #[serde(flatten)]
    pub cause: Cause,
    pub broken: u64,
    pub changed: u64,
    /// Where the rule or notation is declared: in the new theory when it
    /// has it, else in the corpus's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The records, in corpus order.
    pub records: Vec<String>,
}

/// The changes between the two theories, whether or not a record felt them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TheoryChanges {
    pub rules: Vec<RuleChange>,
    pub notations: Vec<NotationChange>,
}

/// Everything `regress` found.
#[derive(Clone, Debug, Serialize)]
pub struct RegressReport {
    /// The corpus's theory, as its manifest names it.
    pub corpus_theory: String,
    /// The theory replayed against: the file given, or the corpus's own.
    pub theory: String,
    /// Whether the corpus was complete (an interrupted run's is not).
    pub complete: bool,
    pub records: u64,
    pub ok: u64,
    pub broken: u64,
    pub changed: u64,
    /// One entry per change that broke or changed a record, in the order
    /// of the first record it touched.
    pub summary: Vec<ChangeSummary>,
    pub theory_changes: TheoryChanges,
    /// Every record's verdict, in corpus order.
    pub results: Vec<RecordResult>,
}

impl RegressReport {
    /// Whether every record replayed as recorded.
    pub fn all_ok(&self) -> bool {
        self.broken == 0 && self.changed == 0
    }
}

/// The summary per change of `results`, in the order of first appearance.
pub fn summarize(results: &[RecordResult], diff: &TheoryDiff) -> Vec<ChangeSummary> {
    let mut out: Vec<ChangeSummary> = Vec::new();
    let mut index: HashMap<Cause, usize> = HashMap::new();
    for r in results {
        for c in &r.causes {
            let i = *index.entry(c.clone()).or_insert_with(|| {
                let location = match (c.subject, &c.name) {
                    (SubjectKind::Rule, Some(n)) => diff.rule_location(n).cloned(),
                    (SubjectKind::Notation, Some(t)) => diff.notation_location(t).cloned(),
                    _ => None,
                };
                out.push(ChangeSummary {
                    cause: c.clone(),
                    broken: 0,
                    changed: 0,
                    location,
                    records: Vec::new(),
                });
                out.len() - 1
            });
            let s = &mut out[i];
            if r.is_broken() {
                s.broken += 1;
            } else {
                s.changed += 1;
            }
            s.records.push(r.id.clone());
        }
    }
    out
}
