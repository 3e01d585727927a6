//! One record's trace replayed with today's tactic engine against a theory:
//! the statement elaborated, `intro`, then each step's tactic, one at a
//! time. After each tactic the goals are printed as the theory prints them
//! and compared with the text the record holds (`state_before` of the
//! first step after `intro`, then each step's `state_after`); the first
//! place where the replay and the record part is the verdict. A tactic
//! that fails there breaks the record; one that applies but leaves other
//! goals changes it. Nothing after that place is replayed: a later failure
//! would only echo the first difference. When the script runs to the end,
//! the kernel checks the proof it built.

use crate::corpus::record::Record;
use proofmill_kernel::{Name, TypeChecker};
use proofmill_tactics::parse::parse_tactic;
use proofmill_tactics::reader::{ReplayError, TheoremReader};
use proofmill_tactics::syntax::Tactic;
use proofmill_tactics::theory::Theory;
use serde::Serialize;

/// Where in a record the replay first parted from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    /// The statement does not parse or elaborate, or (with no variables to
    /// introduce) its goal prints otherwise.
    Statement,
    /// `intro` fails or leaves a goal that prints otherwise.
    Intro,
    /// A step (its index in `steps`).
    Step,
    /// Every step replayed as recorded, and the kernel rejects the proof
    /// the script built.
    Proof,
}

/// The first difference between a record and its replay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Divergence {
    pub at: Place,
    /// The step's index when `at` is `Step`.
    pub step: Option<usize>,
    /// The tactic that ran there (`intro …` or the step's).
    pub tactic: Option<String>,
    /// The step's rule, as the record names it.
    pub rule: Option<String>,
    pub what: What,
}

/// What happened at the divergence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum What {
    /// It failed, with this error.
    Broken { error: String },
    /// It applied, and the goals it left print as `replayed`, not as
    /// `recorded`.
    Changed { recorded: String, replayed: String },
}

impl Divergence {
    fn at(r: &Record, at: Place, step: Option<usize>, what: What) -> Divergence {
        let (tactic, rule) = match (at, step) {
            (Place::Step, Some(i)) => (
                Some(r.steps[i].tactic.clone()),
                Some(r.steps[i].rule.clone()),
            ),
            (Place::Intro, _) => (Some(r.intro.clone()), None),
            _ => (None, None),
        };
        Divergence {
            at,
            step,
            tactic,
            rule,
            what,
        }
    }
}

/// The goals expected after the first `k` tactics of the replay (`intro`
/// first, when there is one), and where they are in the record.
fn expected(r: &Record, intro: usize, k: usize) -> Option<(&str, Place, Option<usize>)> {
    if k < intro {
        return None;
    }
    match k - intro {
        0 if intro == 1 => Some((r.steps.first()?.state_before.as_str(), Place::Intro, None)),
        0 => Some((
            r.steps.first()?.state_before.as_str(),
            Place::Statement,
            None,
        )),
        j => Some((
            r.steps.get(j - 1)?.state_after.as_str(),
            Place::Step,
            Some(j - 1),
        )),
    }
}

/// Where tactic `k` of the replay (`intro` first, when there is one) is.
fn place_of_tactic(intro: usize, k: usize) -> (Place, Option<usize>) {
    match k.checked_sub(intro) {
        Some(i) => (Place::Step, Some(i)),
        None => (Place::Intro, None),
    }
}

/// Replays `r` with `reader` (over `theory`, the theory replayed against):
/// `None` when every goal prints as recorded and the kernel accepts the
/// proof the script builds.
pub fn replay(reader: &mut TheoremReader<'_>, theory: &Theory, r: &Record) -> Option<Divergence> {
    if r.steps.is_empty() {
        return Some(Divergence::at(
            r,
            Place::Statement,
            None,
            What::Broken {
                error: "the record has no steps to replay".into(),
            },
        ));
    }
    let intro = usize::from(!r.intro.is_empty());
    let texts = (!r.intro.is_empty())
        .then_some(r.intro.as_str())
        .into_iter()
        .chain(r.steps.iter().map(|s| s.tactic.as_str()));
    // The tactics that parse, up to the first that does not.
    let mut tactics: Vec<Tactic> = Vec::with_capacity(r.steps.len() + intro);
    let mut unparsed = None;
    for (k, text) in texts.enumerate() {
        match parse_tactic(text, theory.notations()) {
            Ok(t) => tactics.push(t),
            Err(e) => {
                unparsed = Some((
                    k,
                    format!("<tactic>:{}:{}: {}", e.pos.line, e.pos.col, e.msg),
                ));
                break;
            }
        }
    }
    let name = Name::from_dotted("proofmill_regress");
    let outcome = reader.replay(
        &r.statement,
        &tactics,
        |k, goals| match expected(r, intro, k) {
            None => Ok(()),
            Some((want, place, step)) => {
                let got = goals.show();
                if got == want {
                    Ok(())
                } else {
                    Err((place, step, want.to_string(), got))
                }
            }
        },
        |tc: &mut TypeChecker<'_>, ty, proof| -> Result<(), String> {
            tc.check_type(ty).map_err(|e| e.to_string())?;
            tc.check_value(&name, proof, ty).map_err(|e| e.to_string())
        },
    );
    let broken = |at: Place, step: Option<usize>, error: String| {
        Some(Divergence::at(r, at, step, What::Broken { error }))
    };
    match outcome {
        Err(ReplayError::Statement(e)) => broken(Place::Statement, None, e.to_string()),
        Err(ReplayError::Tactic { step, error }) => {
            let (at, i) = place_of_tactic(intro, step);
            broken(at, i, error.to_string())
        }
        Err(ReplayError::Refused {
            why: (at, step, recorded, replayed),
            ..
        }) => Some(Divergence::at(
            r,
            at,
            step,
            What::Changed { recorded, replayed },
        )),
        // Every parsed tactic replayed as recorded: the first that did not
        // parse is where the record breaks.
        Err(ReplayError::Unsolved(_)) | Ok(_) if unparsed.is_some() => {
            let (k, error) = unparsed.expect("a tactic that did not parse");
            let (at, i) = place_of_tactic(intro, k);
            broken(at, i, error)
        }
        Err(ReplayError::Unsolved(goals)) => {
            // The last goal printed as recorded (`no goals`), yet parts of
            // the proof are undetermined.
            broken(
                Place::Step,
                Some(r.steps.len() - 1),
                format!("unsolved: {goals}"),
            )
        }
        Ok(Err(msg)) => broken(
            Place::Proof,
            None,
            format!("the kernel rejects the proof the script builds: {msg}"),
        ),
        Ok(Ok(())) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::record::{Difficulty, Step, Var};

    fn theory(rule: &str) -> Theory {
        let src = format!(
            "axiom R : Type\naxiom f : R → R → R\naxiom g : R → R\n\
             infixl:65 \" ⊗ \" => f\n{rule}\n"
        );
        proofmill_kernel::with_kernel_stack(|| Theory::load_source("t.theory", &src, None))
            .expect("the test theory checks")
    }

    /// `∀ (a b : R), g (a ⊗ b) = g (b ⊗ a)` by `rw [comm a b]`.
    fn record() -> Record {
        let goal = |t: &str| format!("a b : R\n⊢ {t}");
        Record {
            id: "t/s0/000000".into(),
            theory: "t".into(),
            seed: "0".into(),
            attempt: "0".into(),
            statement: "∀ (a b : R), g (a ⊗ b) = g (b ⊗ a)".into(),
            vars: ["a", "b"]
                .map(|n| Var {
                    name: n.into(),
                    ty: "R".into(),
                })
                .to_vec(),
            intro: "intro a b".into(),
            steps: vec![Step {
                state_before: goal("g (a ⊗ b) = g (b ⊗ a)"),
                tactic: "rw [comm a b]".into(),
                rule: "comm".into(),
                direction: "fwd".into(),
                cost: "easy".into(),
                position: vec![0],
                state_after: "no goals".into(),
            }],
            proof_term: String::new(),
            difficulty: Difficulty {
                steps: 1,
                distinct_rules: 1,
                hard_steps: 0,
                invent_steps: 0,
                size: 4,
                depth: 3,
            },
            canonical_hash: String::new(),
            problem: None,
        }
    }

    fn run(t: &Theory, r: &Record) -> Option<Divergence> {
        proofmill_kernel::with_kernel_stack(|| replay(&mut TheoremReader::new(t), t, r))
    }

    #[test]
    fn a_trace_replays_against_its_theory() {
        let t = theory("@[rule] axiom comm (a b : R) : a ⊗ b = b ⊗ a");
        assert_eq!(run(&t, &record()), None);
    }

    #[test]
    fn the_first_difference_is_the_verdict() {
        // The rule is gone: the step breaks, naming its tactic and rule.
        let gone = theory("@[rule] axiom comm2 (a b : R) : a ⊗ b = b ⊗ a");
        let d = run(&gone, &record()).expect("broken");
        assert_eq!((d.at, d.step), (Place::Step, Some(0)));
        assert_eq!(d.tactic.as_deref(), Some("rw [comm a b]"));
        assert_eq!(d.rule.as_deref(), Some("comm"));
        assert!(matches!(&d.what, What::Broken { error } if error.contains("comm")));

        // The step applies, but the record says it left another goal.
        let t = theory("@[rule] axiom comm (a b : R) : a ⊗ b = b ⊗ a");
        let mut r = record();
        r.steps[0].state_after = "a b : R\n⊢ g (b ⊗ a) = g (b ⊗ a)".into();
        let d = run(&t, &r).expect("changed");
        assert_eq!((d.at, d.step), (Place::Step, Some(0)));
        assert_eq!(
            d.what,
            What::Changed {
                recorded: r.steps[0].state_after.clone(),
                replayed: "no goals".into()
            }
        );

        // `intro` leaves a goal printed otherwise than recorded.
        let mut r = record();
        r.steps[0].state_before = "a b : R\n⊢ g (a ⊗ b) = g (a ⊗ b)".into();
        let d = run(&t, &r).expect("changed");
        assert_eq!(
            (d.at, d.tactic.as_deref()),
            (Place::Intro, Some("intro a b"))
        );

        // A tactic that no longer parses breaks where it is.
        let mut r = record();
        r.steps[0].tactic = "rw [comm a b".into();
        let d = run(&t, &r).expect("broken");
        assert_eq!((d.at, d.step), (Place::Step, Some(0)));
        assert!(matches!(&d.what, What::Broken { error } if error.starts_with("<tactic>:")));

        // A statement that no longer parses.
        let mut r = record();
        r.statement = "∀ (a b : R), g (a ⊕ b) = g (b ⊗ a)".into();
        let d = run(&t, &r).expect("broken");
        assert_eq!((d.at, d.tactic), (Place::Statement, None));
    }
}
