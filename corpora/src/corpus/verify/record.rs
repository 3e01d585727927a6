//! One record, checked field by field against what its own text implies,
//! then by the kernel and the tactic engine.
//!
//! Cheap checks come first, so a record with false metadata is refused
//! before anything is elaborated:
//! - identity: `theory` and `seed` are the manifest's, `id` is
//!   `{theory}/s{seed}/{index:06}` with an index below the run's accepted
//!   count, `attempt` a decimal from the index up to the run's attempt
//!   count (which attempt made a theorem only rerunning the run could
//!   confirm);
//! - the statement binds exactly `vars`, `intro` introduces them, and the
//!   statement, every goal and every tactic is in printed form (printing
//!   what it parses to gives it back), so two texts that mean one thing
//!   cannot both pass;
//! - the trace replayed on first-order terms: each step's tactic is one
//!   `rw` by a `@[rule]` of the theory, fully instantiated; `rule`,
//!   `direction` and `cost` are the tactic's, `position` is the first
//!   position of the rewritten instance in the left side, `state_after` is
//!   the goal with every occurrence rewritten, and the last step leaves
//!   both sides equal;
//! - `difficulty.*` recomputed from the replayed chain, `canonical_hash`
//!   from the statement (`canon`), `problem` from the statement's sides.
//!
//! Then the kernel checks the proof term against the statement, and the
//! tactic engine replays the script one tactic at a time: after each, the
//! goals it prints must be the step's `state_after` (and the next step's
//! `state_before`), and the kernel checks the proof the script builds.

use super::error::VerifyError;
use crate::corpus::canon;
use crate::corpus::first_order::{FoTerm, Plain, Printer};
use crate::corpus::record::Record;
use proofmill_kernel::{BinderInfo, ExprId, ExprKind, ExprStore, Name, TypeChecker};
use proofmill_tactics::parse::parse_tactic;
use proofmill_tactics::parse::parse_term;
use proofmill_tactics::print::print_term;
use proofmill_tactics::reader::{Goals, ReadProof, ReplayError, TheoremReader};
use proofmill_tactics::syntax::{Arg, Tactic, TacticKind, Term as Syn, TermKind};
use proofmill_tactics::theory::Theory;
use std::collections::HashMap;
use std::fmt::Write;

/// What the manifest says a record of this corpus must carry.
pub(super) struct Expect {
    pub theory: String,
    pub seed: String,
    /// `{label}/s{seed}/`, the prefix of every id.
    pub id_prefix: String,
    /// Theorems accepted by the whole run (ids are below it).
    pub accepted: u64,
    /// Attempts the run made (attempts are below it).
    pub attempts: u64,
}

/// A `@[rule]` of the theory as a first-order equation.
struct RuleInfo {
    nvars: usize,
    /// Its arguments are implicit (as core's `and_comm`'s are): a step names
    /// it `@rule`, with every argument given.
    implicit: bool,
    lhs: FoTerm,
    rhs: FoTerm,
    /// The cost class of each direction, forwards then reversed (rhs →
    /// lhs), worked out once rather than at every step.
    costs: [&'static str; 2],
}

impl RuleInfo {
    /// The cost class of the direction (`reversed`: rhs → lhs).
    fn cost(&self, reversed: bool) -> &'static str {
        self.costs[usize::from(reversed)]
    }
}

/// The cost class of rewriting `source` to `target`, as the generator
/// assigns it (DESIGN §5): `hard` for a `@[rule (fwd := hard)]` forwards,
/// `easy` when `target` has no variable `source` lacks, else `invent`.
fn cost_class(source: &FoTerm, target: &FoTerm, hard: bool) -> &'static str {
    let (mut sv, mut tv) = (Vec::new(), Vec::new());
    source.vars(&mut sv);
    target.vars(&mut tv);
    if hard {
        "hard"
    } else if tv.iter().all(|v| sv.contains(v)) {
        "easy"
    } else {
        "invent"
    }
}

/// The theory's first-order rules, by name, and its derivative (the head
/// of a hard rule's right side `… = deriv F`), which antiderivative
/// problems are about.
pub(super) struct Rules {
    by_name: HashMap<String, RuleInfo>,
    deriv: Option<String>,
}

impl Rules {
    pub fn of(theory: &Theory) -> Rules {
        let store = theory.env().arena();
        let mut by_name = HashMap::new();
        let mut deriv = None;
        for r in theory.rules() {
            let mut e = r.statement;
            let mut nvars = 0u32;
            let mut implicit = false;
            while let ExprKind::Pi(_, bi, _, body) = store.kind(e).clone() {
                if bi == BinderInfo::InstImplicit {
                    break;
                }
                implicit |= bi != BinderInfo::Default;
                nvars += 1;
                e = body;
            }
            let (head, args) = store.app_args(e);
            let sides = match store.kind(head) {
                ExprKind::Const(n, _) if n.to_string() == "Eq" && args.len() == 3 => {
                    Some((args[1], args[2]))
                }
                ExprKind::Const(n, _) if n.to_string() == "Iff" && args.len() == 2 => {
                    Some((args[0], args[1]))
                }
                _ => None,
            };
            let Some((l, r_side)) = sides else { continue };
            let (Ok(lhs), Ok(rhs)) = (
                FoTerm::from_expr(store, l, nvars),
                FoTerm::from_expr(store, r_side, nvars),
            ) else {
                continue;
            };
            if r.fwd_hard && deriv.is_none() {
                if let FoTerm::App(d, xs) = &rhs {
                    if xs.len() == 1 {
                        deriv = Some(d.clone());
                    }
                }
            }
            by_name.insert(
                r.name.to_string(),
                RuleInfo {
                    nvars: nvars as usize,
                    implicit,
                    costs: [
                        cost_class(&lhs, &rhs, r.fwd_hard),
                        cost_class(&rhs, &lhs, false),
                    ],
                    lhs,
                    rhs,
                },
            );
        }
        Rules { by_name, deriv }
    }
}

/// A record's identity, for the checks across records.
pub(super) struct Identity {
    pub index: u64,
    pub attempt: u64,
    pub canonical_hash: String,
    /// What the tactic engine's replay is compared with.
    pub trace: Trace,
}

/// A record's trace as the first-order replay read it: the goal each
/// tactic must leave, and the tactics, parsed.
pub(super) struct Trace {
    /// The statement's equation: the goal `intro` leaves.
    pub first: (FoTerm, FoTerm),
    /// The goal each step but the last leaves (the last leaves none).
    pub after: Vec<(FoTerm, FoTerm)>,
    /// (Handed on to the tactic engine by `check_proofs`.)
    pub steps: Vec<Tactic>,
}

fn is_decimal(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'))
}

pub(super) fn identity(x: &Expect, r: &Record) -> Result<(u64, u64), VerifyError> {
    let id = || r.id.clone();
    if r.theory != x.theory {
        return Err(VerifyError::TheoryMismatch {
            id: id(),
            found: r.theory.clone(),
            expected: x.theory.clone(),
        });
    }
    if r.seed != x.seed {
        return Err(VerifyError::SeedMismatch {
            id: id(),
            found: r.seed.clone(),
            expected: x.seed.clone(),
        });
    }
    let index =
        r.id.strip_prefix(&x.id_prefix)
            .filter(|d| d.len() >= 6 && d.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|d| d.parse::<u64>().ok().filter(|n| format!("{n:06}") == d))
            .filter(|&n| n < x.accepted);
    let Some(index) = index else {
        return Err(VerifyError::MalformedId {
            id: id(),
            expected_form: format!("{}NNNNNN with an index below {}", x.id_prefix, x.accepted),
        });
    };
    let attempt = Some(&r.attempt)
        .filter(|a| is_decimal(a))
        .and_then(|a| a.parse::<u64>().ok())
        // Theorem `index` needs at least `index + 1` attempts.
        .filter(|&a| a < x.attempts && a >= index);
    let Some(attempt) = attempt else {
        return Err(VerifyError::MalformedAttempt {
            id: id(),
            found: r.attempt.clone(),
            attempts: x.attempts,
        });
    };
    Ok((index, attempt))
}

/// `a b : R\n` lines of a goal, grouping consecutive variables of one type,
/// and the statement's binders `(a b : R)`.
pub(super) fn hyps(vars: &[crate::corpus::record::Var]) -> (String, String) {
    let mut groups: Vec<(Vec<&str>, &str)> = Vec::new();
    for v in vars {
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

/// Reads record texts as first-order terms over the record's variables.
pub(super) struct Reader<'a> {
    pub theory: &'a Theory,
    pub vars: Vec<&'a str>,
    pub id: &'a str,
}

impl Reader<'_> {
    pub fn not_fo(&self, field: &str, msg: impl Into<String>) -> VerifyError {
        VerifyError::NotFirstOrder {
            id: self.id.to_string(),
            field: field.to_string(),
            msg: msg.into(),
        }
    }

    /// Parses `text`, which must be in printed form.
    pub fn syntax(&self, field: &str, text: &str) -> Result<Syn, VerifyError> {
        let t = self.parse(field, text)?;
        self.check_printed(field, text, &t)?;
        Ok(t)
    }

    fn parse(&self, field: &str, text: &str) -> Result<Syn, VerifyError> {
        parse_term(text, self.theory.notations())
            .map_err(|e| self.not_fo(field, format!("does not parse: {}", e.msg)))
    }

    /// Whether `text`, which parses to `t`, is what printing `t` gives.
    fn check_printed(&self, field: &str, text: &str, t: &Syn) -> Result<(), VerifyError> {
        let printed = print_term(t, self.theory.notations());
        if printed != text {
            return Err(VerifyError::NotPrinted {
                id: self.id.to_string(),
                field: field.to_string(),
                expected: printed,
            });
        }
        Ok(())
    }

    fn term(&self, field: &str, t: &Syn) -> Result<FoTerm, VerifyError> {
        FoTerm::from_syntax(t, &self.vars).map_err(|m| self.not_fo(field, m))
    }

    /// An equation `l = r` (or `l ↔ r`) in printed form, as its two sides.
    fn equation(&self, field: &str, text: &str) -> Result<(FoTerm, FoTerm), VerifyError> {
        self.relation(field, text).map(|(_, l, r)| (l, r))
    }

    /// [`Reader::equation`], with its relation (`Eq` or `Iff`).
    fn relation(
        &self,
        field: &str,
        text: &str,
    ) -> Result<(&'static str, FoTerm, FoTerm), VerifyError> {
        let t = self.parse(field, text)?;
        let sides = relation_sides(&t);
        // What the first-order printer writes for the sides read is what
        // `print_term` prints of the term parsed (the sides' surface terms
        // are the parsed ones: a parsed first-order term read and written
        // back is itself), so a text it writes is in printed form without
        // printing it again. Any other is checked as `print_term` prints it.
        if let Some((rel, l, r)) = sides {
            if let (Ok(l), Ok(r)) = (
                FoTerm::from_syntax(l, &self.vars),
                FoTerm::from_syntax(r, &self.vars),
            ) {
                let mut written = String::with_capacity(text.len());
                if self.write_equation(rel, &l, &r, &mut written) && written == text {
                    return Ok((rel, l, r));
                }
            }
        }
        self.check_printed(field, text, &t)?;
        match sides {
            Some((rel, l, r)) => Ok((rel, self.term(field, l)?, self.term(field, r)?)),
            None => Err(self.not_fo(field, "not an equation")),
        }
    }

    /// Appends the equation `l rel r` as the first-order printer writes it
    /// (its printed form); `false`, appending nothing, when the printer
    /// leaves it to `print_term` or no surface term reads as the sides.
    fn write_equation(&self, rel: &str, l: &FoTerm, r: &FoTerm, out: &mut String) -> bool {
        Printer::new(self.theory.notations(), &self.vars).app(rel, &[l, r], out)
    }

    /// Appends the printed form of the equation `l rel r` over the
    /// record's variables: the one text [`Reader::equation`] reads as these
    /// sides (it accepts a text only when printing what it parses to gives
    /// the text back, and distinct sides are distinct surface terms).
    /// `false`, appending nothing, when no surface term reads as them.
    fn printed_equation(&self, rel: &str, l: &FoTerm, r: &FoTerm, out: &mut String) -> bool {
        if self.write_equation(rel, l, r, out) {
            return true;
        }
        let (Some(l), Some(r)) = (l.to_syntax(&self.vars), r.to_syntax(&self.vars)) else {
            return false;
        };
        let eq = Syn {
            pos: Default::default(),
            kind: TermKind::App(
                Box::new(Syn {
                    pos: Default::default(),
                    kind: TermKind::Ident(rel.to_string()),
                }),
                vec![Arg::Pos(l), Arg::Pos(r)],
            ),
        };
        out.push_str(&print_term(&eq, self.theory.notations()));
        true
    }
}

/// The relation (`Eq` or `Iff`) and sides of a surface term `l = r` or
/// `l ↔ r`.
fn relation_sides(t: &Syn) -> Option<(&'static str, &Syn, &Syn)> {
    let TermKind::App(f, args) = &t.kind else {
        return None;
    };
    let (TermKind::Ident(rel), [Arg::Pos(l), Arg::Pos(r)]) = (&f.kind, &args[..]) else {
        return None;
    };
    let rel = match rel.as_str() {
        "Eq" => "Eq",
        "Iff" => "Iff",
        _ => return None,
    };
    Some((rel, l, r))
}

/// A goal `lines⊢ eq`, as its equation's text.
fn goal_body<'s>(state: &'s str, lines: &str) -> Option<&'s str> {
    state.strip_prefix(lines)?.strip_prefix("⊢ ")
}

/// One `rw [← rule args]`, read from its parsed tactic.
struct Rewrite<'t> {
    reversed: bool,
    /// `nth_rewrite k`: only the k-th instance.
    occ: Option<usize>,
    rule: &'t str,
    /// Written `@rule`.
    explicit: bool,
    args: Vec<&'t Syn>,
}

impl<'t> Rewrite<'t> {
    /// Its printed form, in `out` (cleared first), with `@` when the
    /// rule's arguments are `implicit` and each argument written by `arg`
    /// (by its index), parenthesized when it is an application (`sigma`
    /// has the arguments read).
    fn printed(
        &self,
        implicit: bool,
        sigma: &[FoTerm],
        out: &mut String,
        mut arg: impl FnMut(usize, &mut String),
    ) {
        out.clear();
        match self.occ {
            Some(k) => {
                let _ = write!(out, "nth_rewrite {k} [");
            }
            None => out.push_str("rw ["),
        }
        if self.reversed {
            out.push_str("← ");
        }
        if implicit {
            out.push('@');
        }
        out.push_str(self.rule);
        for (k, fo) in sigma.iter().enumerate() {
            let application = matches!(fo, FoTerm::App(_, xs) if !xs.is_empty());
            out.push_str(if application { " (" } else { " " });
            arg(k, out);
            if application {
                out.push(')');
            }
        }
        out.push(']');
    }

    /// The one rule rewrite `tac` is, or what else it is (a detail of
    /// [`VerifyError::NotARuleRewrite`]).
    fn of(tac: &'t Tactic) -> Result<Rewrite<'t>, String> {
        let TacticKind::Rw {
            rules,
            at: None,
            occ,
        } = &tac.kind
        else {
            return Err(String::new());
        };
        let [rw] = &rules[..] else {
            return Err(String::new());
        };
        let (head, args) = match &rw.term.kind {
            TermKind::App(f, args) => (f.as_ref(), &args[..]),
            _ => (&rw.term, &[][..]),
        };
        let (rule, explicit) = match &head.kind {
            TermKind::Ident(rule) => (rule, false),
            TermKind::Explicit(rule) => (rule, true),
            _ => return Err(String::new()),
        };
        let args = args
            .iter()
            .map(|a| match a {
                Arg::Pos(x) => Ok(x),
                Arg::Named(..) => Err(": a named argument".to_string()),
            })
            .collect::<Result<_, _>>()?;
        Ok(Rewrite {
            reversed: rw.reverse,
            occ: *occ,
            rule,
            explicit,
            args,
        })
    }
}

impl FoTerm {
    /// Every subterm that `is` (outermost first) replaced by what `by`
    /// builds.
    fn replace_all(&self, is: &impl Fn(&FoTerm) -> bool, by: &impl Fn() -> FoTerm) -> FoTerm {
        if is(self) {
            return by();
        }
        match self {
            FoTerm::App(f, xs) => FoTerm::App(
                f.clone(),
                xs.iter().map(|x| x.replace_all(is, by)).collect(),
            ),
            _ => self.clone(),
        }
    }
}

/// What the trace replays to: the chain t₀ … tₙ (its largest terms), the
/// rule names and costs of its steps.
struct Replayed<'r> {
    /// The largest size and depth of t₀ … tₙ₋₁.
    size: usize,
    depth: usize,
    rules: Vec<&'r str>,
    costs: Vec<&'static str>,
    /// The goals after each step but the last, and the steps' tactics.
    after: Vec<(FoTerm, FoTerm)>,
    tactics: Vec<Tactic>,
}

/// Every check of one record that needs no elaboration; its identity.
pub(super) fn check_fields(
    theory: &Theory,
    rules: &Rules,
    x: &Expect,
    r: &Record,
) -> Result<Identity, VerifyError> {
    let (index, attempt) = identity(x, r)?;
    let id = || r.id.clone();
    let (lines, binders) = hyps(&r.vars);
    let prefix = if r.vars.is_empty() {
        String::new()
    } else {
        format!("∀ {binders}, ")
    };
    let Some(body) = r.statement.strip_prefix(&prefix) else {
        return Err(VerifyError::StatementUnbound {
            id: id(),
            expected: prefix,
        });
    };
    let names: Vec<&str> = r.vars.iter().map(|v| v.name.as_str()).collect();
    let intro = if names.is_empty() {
        String::new()
    } else {
        format!("intro {}", names.join(" "))
    };
    if r.intro != intro {
        return Err(VerifyError::IntroMismatch {
            id: id(),
            found: r.intro.clone(),
            expected: intro,
        });
    }
    if r.steps.is_empty() {
        return Err(VerifyError::NoSteps { id: id() });
    }
    let rd = Reader {
        theory,
        vars: names,
        id: &r.id,
    };
    let (rel, l0, rn) = rd.relation("statement", body)?;
    let first = (l0, rn);
    let replayed = replay(theory, rules, &rd, r, (&lines, rel), body, &first)?;
    let (l0, rn) = first;

    // Difficulty, from the replayed chain t₀ … tₙ (tₙ the statement's right side).
    let mut distinct: Vec<&str> = Vec::new();
    for &n in &replayed.rules {
        if !distinct.contains(&n) {
            distinct.push(n);
        }
    }
    let count = |c: &str| replayed.costs.iter().filter(|&&k| k == c).count();
    let d = &r.difficulty;
    let expected: [(&'static str, u64, usize); 6] = [
        ("steps", d.steps.into(), r.steps.len()),
        ("distinct_rules", d.distinct_rules.into(), distinct.len()),
        ("hard_steps", d.hard_steps.into(), count("hard")),
        ("invent_steps", d.invent_steps.into(), count("invent")),
        ("size", d.size.into(), replayed.size.max(rn.size())),
        ("depth", d.depth.into(), replayed.depth.max(rn.depth())),
    ];
    for (field, found, want) in expected {
        if found != want as u64 {
            return Err(VerifyError::DifficultyMismatch {
                id: id(),
                field,
                found: found.to_string(),
                expected: want.to_string(),
            });
        }
    }

    let hash = canon::hash_text(canon::hash(&canon::canonical(&l0, &rn, &Plain)));
    if r.canonical_hash != hash {
        return Err(VerifyError::CanonicalHashMismatch {
            id: id(),
            found: r.canonical_hash.clone(),
            expected: hash,
        });
    }

    if let Some(p) = &r.problem {
        check_problem(theory, rules, &rd, p, body, (&l0, &rn)).map_err(|msg| match msg {
            Ok(msg) => VerifyError::ProblemMismatch { id: id(), msg },
            Err(e) => e,
        })?;
    }

    // The proof term is checked by the kernel below. Its spelling is free:
    // what it means is the term it parses to (the generator parenthesizes
    // more than the printer does), and that term is checked.
    Ok(Identity {
        index,
        attempt,
        canonical_hash: hash,
        trace: Trace {
            first: (l0, rn),
            after: replayed.after,
            steps: replayed.tactics,
        },
    })
}

/// A record's `problem` against its statement: the question names the
/// statement's parts, by kind (`antiderivative`: `f = deriv F`, question
/// about f, answer F; `derivative`: `deriv F = f`, question about F, answer
/// f; `ode_linear` / `ode_separable`: the question's equation in `y`,
/// `deriv y + p * y = q` / `deriv y = y * g` or `deriv y = ±(g * (y * y))`
/// with p, q, g free of y, is the
/// statement at y = the answer). `Err(Ok(msg))`: a mismatch.
fn check_problem(
    theory: &Theory,
    rules: &Rules,
    rd: &Reader<'_>,
    p: &crate::corpus::Problem,
    body: &str,
    (l0, rn): (&FoTerm, &FoTerm),
) -> Result<(), Result<String, VerifyError>> {
    let bad = |m: &str| Err(Ok(m.to_string()));
    let answer = rd
        .term(
            "problem.answer",
            &rd.syntax("problem.answer", &p.answer).map_err(Err)?,
        )
        .map_err(Err)?;
    let is_deriv_of = |t: &FoTerm, a: &FoTerm| match (&rules.deriv, t) {
        (Some(d), FoTerm::App(f, xs)) => f == d && xs.len() == 1 && xs[0] == *a,
        _ => false,
    };
    let free_of_y = |t: &FoTerm| {
        let mut v = Vec::new();
        t.vars(&mut v);
        v.is_empty()
    };
    match p.kind.as_str() {
        "antiderivative" => {
            let lhs_text = match &rd.syntax("statement", body).map_err(Err)?.kind {
                TermKind::App(_, args) => match &args[0] {
                    Arg::Pos(l) => print_term(l, theory.notations()),
                    Arg::Named(..) => String::new(),
                },
                _ => String::new(),
            };
            if p.question != format!("find an antiderivative of {lhs_text}") {
                return bad(&format!(
                    "the question is not `find an antiderivative of {lhs_text}`"
                ));
            }
            if !is_deriv_of(rn, &answer) {
                return bad("the statement's right side is not the derivative of the answer");
            }
        }
        "derivative" => {
            let Some(f) = p.question.strip_prefix("find the derivative of ") else {
                return bad("the question is not `find the derivative of …`");
            };
            let f = rd
                .term(
                    "problem.question",
                    &rd.syntax("problem.question", f).map_err(Err)?,
                )
                .map_err(Err)?;
            if !is_deriv_of(l0, &f) || *rn != answer {
                return bad("the statement is not `deriv F = answer` for the question's F");
            }
        }
        "ode_linear" | "ode_separable" => {
            let Some(eq) = p.question.strip_prefix("find y such that ") else {
                return bad("the question is not `find y such that …`");
            };
            let ry = Reader {
                theory,
                vars: vec!["y"],
                id: rd.id,
            };
            let (l, r) = ry.equation("problem.question", eq).map_err(Err)?;
            let y = FoTerm::Var(0);
            let shape = match (p.kind.as_str(), &l, &r) {
                ("ode_linear", FoTerm::App(_, xs), _) => {
                    xs.len() == 2
                        && is_deriv_of(&xs[0], &y)
                        && matches!(&xs[1], FoTerm::App(_, ys) if ys.len() == 2 && ys[1] == y && free_of_y(&ys[0]))
                        && free_of_y(&r)
                }
                ("ode_separable", _, r) => {
                    // y * g; g * (y * y); -(g * (y * y)).
                    let sq = |t: &FoTerm| matches!(t, FoTerm::App(_, zs) if zs.len() == 2 && zs[0] == y && zs[1] == y);
                    let g_sq = |t: &FoTerm| matches!(t, FoTerm::App(_, zs) if zs.len() == 2 && free_of_y(&zs[0]) && sq(&zs[1]));
                    is_deriv_of(&l, &y)
                        && match r {
                            FoTerm::App(_, ys) if ys.len() == 2 => {
                                (ys[0] == y && free_of_y(&ys[1])) || g_sq(r)
                            }
                            FoTerm::App(_, ys) if ys.len() == 1 => g_sq(&ys[0]),
                            _ => false,
                        }
                }
                _ => false,
            };
            if !shape {
                return bad(
                    "the question's equation is not a first-order equation of its kind in y",
                );
            }
            let at = |t: &FoTerm| t.instantiate(std::slice::from_ref(&answer));
            if at(&l).as_ref() != Some(l0) || at(&r).as_ref() != Some(rn) {
                return bad("the statement is not the question's equation at y = the answer");
            }
        }
        other => return bad(&format!("unknown kind `{other}`")),
    }
    Ok(())
}

/// Replays the trace on first-order terms from the statement's goal.
fn replay<'r>(
    theory: &Theory,
    rules: &'r Rules,
    rd: &Reader<'_>,
    r: &Record,
    (lines, rel): (&str, &str),
    body: &str,
    first: &(FoTerm, FoTerm),
) -> Result<Replayed<'r>, VerifyError> {
    let id = || r.id.clone();
    let mut out = Replayed {
        size: 0,
        depth: 0,
        rules: Vec::new(),
        costs: Vec::new(),
        after: Vec::new(),
        tactics: Vec::new(),
    };
    let first_state = format!("{lines}⊢ {body}");
    // The text of each step's tactic and goal, as printed from what it
    // reads as, in one buffer (grown once, not once per text).
    let mut written = String::new();
    let mut expected: &str = &first_state;
    for (i, s) in r.steps.iter().enumerate() {
        if s.state_before != expected {
            return Err(VerifyError::StateMismatch { id: id(), step: i });
        }
        // The goal before this step: the statement's, or the previous
        // step's `state_after` (equal to `state_before`, as just checked).
        let (t, rhs) = match out.after.last() {
            Some((t, rhs)) => (t, rhs),
            None => (&first.0, &first.1),
        };
        out.size = out.size.max(t.size());
        out.depth = out.depth.max(t.depth());
        let not_rule = |detail: String| VerifyError::NotARuleRewrite {
            id: id(),
            step: i,
            tactic: s.tactic.clone(),
            detail,
        };
        let tactic = parse_tactic(&s.tactic, theory.notations())
            .map_err(|e| not_rule(format!(": {}", e.msg)))?;
        let rw = Rewrite::of(&tactic).map_err(not_rule)?;
        let Some((name, rule)) = rules.by_name.get_key_value(rw.rule) else {
            return Err(not_rule(format!(
                ": {} is not a @[rule] of the theory",
                rw.rule
            )));
        };
        if rw.args.len() != rule.nvars {
            return Err(not_rule(format!(
                ": {} takes {} arguments, the step gives {}",
                rw.rule,
                rule.nvars,
                rw.args.len()
            )));
        }
        let field = || format!("steps[{i}].tactic");
        let sigma = rw
            .args
            .iter()
            .map(|a| FoTerm::from_syntax(a, &rd.vars))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|m| rd.not_fo(&field(), m))?;
        if rw.explicit != rule.implicit {
            return Err(not_rule(format!(
                ": {} is written {} (its arguments are {})",
                rw.rule,
                if rw.explicit { "with @" } else { "without @" },
                if rule.implicit {
                    "implicit"
                } else {
                    "explicit"
                }
            )));
        }
        // Each argument must be the text `print_term` gives for it. It is
        // written straight from its reading where the printer can: a text
        // that matches is in printed form (`print_term` prints a surface
        // term as a text that parses back to it, so these arguments parse to
        // the surface terms of their readings, which print as written). Any
        // other text is checked, and refused, as `print_term` prints the
        // arguments.
        let print_arg = |k: usize, out: &mut String| {
            out.push_str(&print_term(rw.args[k], theory.notations()));
        };
        let printer = Printer::new(theory.notations(), &rd.vars);
        rw.printed(rule.implicit, &sigma, &mut written, |k, out| {
            if !printer.term(&sigma[k], out) {
                print_arg(k, out);
            }
        });
        if written != s.tactic {
            let mut printed = String::new();
            rw.printed(rule.implicit, &sigma, &mut printed, print_arg);
            if printed != s.tactic {
                return Err(VerifyError::NotPrinted {
                    id: id(),
                    field: field(),
                    expected: printed,
                });
            }
        }
        let (source, target) = if rw.reversed {
            (&rule.rhs, &rule.lhs)
        } else {
            (&rule.lhs, &rule.rhs)
        };
        // The rewritten instance is recognized without being built.
        let is_from = |x: &FoTerm| x.is_instance(source, &sigma);
        // What it is rewritten to, built where it goes (usually once).
        let to = || {
            target
                .instantiate(&sigma)
                .expect("one argument per variable")
        };
        let cost = rule.cost(rw.reversed);
        let label = |field: &'static str, found: &str, expected: &str| {
            if found == expected {
                Ok(())
            } else {
                Err(VerifyError::StepLabelMismatch {
                    id: id(),
                    step: i,
                    field,
                    found: found.to_string(),
                    expected: expected.to_string(),
                })
            }
        };
        label("rule", &s.rule, rw.rule)?;
        let dir = if rw.reversed { "rev" } else { "fwd" };
        label("direction", &s.direction, dir)?;
        label("cost", &s.cost, cost)?;
        // `nth_rewrite k` rewrites the k-th instance, which the trace
        // places in the left side; `rw` every instance, the first giving the
        // position.
        let found = match rw.occ {
            Some(k) => t.find_nth(&is_from, k),
            None => t.find(&is_from),
        };
        let Some(position) = found else {
            return Err(VerifyError::StepDiverges {
                id: id(),
                step: i,
                tactic: s.tactic.clone(),
                msg: "the instance does not occur in the left side".into(),
            });
        };
        // (Positions are compared as they are, and written only to say
        // they differ.)
        if s.position != position {
            label(
                "position",
                &format!("{:?}", s.position),
                &format!("{position:?}"),
            )?;
        }
        let (t2, rhs2) = match rw.occ {
            Some(_) => (t.replace_at(&position, &to()), rhs.clone()),
            None => (t.replace_all(&is_from, &to), rhs.replace_all(&is_from, &to)),
        };
        let last = i + 1 == r.steps.len();
        if last {
            if s.state_after != "no goals" || t2 != rhs2 {
                return Err(VerifyError::NotClosed { id: id(), step: i });
            }
        } else {
            let after = goal_body(&s.state_after, lines).ok_or(VerifyError::NotAGoal {
                id: id(),
                step: i,
                which: "state_after",
            })?;
            // A text that is the goal's printed form (with the statement's
            // relation) passes unread: reading it would give these very
            // sides back. Any other text is read, to pass (the other
            // relation) or to say what is wrong with it.
            written.clear();
            let printed = t2 != rhs2
                && rd.printed_equation(rel, &t2, &rhs2, &mut written)
                && written == after;
            let (a, b) = if printed {
                (t2, rhs2)
            } else {
                let (a, b) = rd.equation(&format!("steps[{i}].state_after"), after)?;
                if a != t2 || b != rhs2 || a == b {
                    return Err(VerifyError::StepDiverges {
                        id: id(),
                        step: i,
                        tactic: s.tactic.clone(),
                        msg: "state_after is not the goal with every occurrence of the instance rewritten".into(),
                    });
                }
                (a, b)
            };
            out.after.push((a, b));
        }
        out.rules.push(name);
        out.tactics.push(tactic);
        out.costs.push(cost);
        expected = &s.state_after;
    }
    Ok(out)
}

/// The kernel and the tactic engine: the proof term proves the statement,
/// and the script, replayed one tactic at a time, leaves exactly the goal
/// each step records (the engine's goal read as a first-order term and
/// compared with the recorded one, which `check_fields` showed is the
/// printed form of that term) and builds a proof of the statement. Both
/// proofs are checked by the kernel. Nothing is added to the theory's
/// environment, so memory does not grow with the corpus.
pub(super) fn check_proofs(
    reader: &mut TheoremReader<'_>,
    theory: &Theory,
    r: &Record,
    trace: &mut Trace,
) -> Result<(), VerifyError> {
    let id = || r.id.clone();
    let name = Name::from_dotted("proofmill_verify");
    // Both proofs are checked against the one statement, in one checker:
    // the kernel checks that the statement is a type once.
    let mut type_checked = false;
    let kernel_check = |tc: &mut TypeChecker<'_>, ty, proof: ReadProof| -> Result<(), String> {
        if !type_checked {
            tc.check_type(ty).map_err(|e| e.to_string())?;
            type_checked = true;
        }
        proof.check(tc, &name, ty).map_err(|e| e.to_string())
    };
    // The tactics in order: `intro` (when there are variables), then the steps.
    let intro = usize::from(!r.intro.is_empty());
    let mut tactics = Vec::with_capacity(trace.steps.len() + intro);
    if intro == 1 {
        let t =
            parse_tactic(&r.intro, theory.notations()).map_err(|e| VerifyError::TraceRejected {
                id: id(),
                msg: format!("intro: {}", e.msg),
            })?;
        tactics.push(t);
    }
    // The steps' tactics are the trace's: the trace is read no more.
    tactics.append(&mut trace.steps);
    // The goal left after the first `k` tactics: none before `intro`, then
    // the statement's, then each step's `state_after` (none after the last).
    let expected = |k: usize| -> Option<Option<&(FoTerm, FoTerm)>> {
        match k.checked_sub(intro)? {
            0 => Some(Some(&trace.first)),
            j => Some(trace.after.get(j - 1)),
        }
    };
    let names: Vec<Name> = r
        .vars
        .iter()
        .map(|v| Name::str(&Name::anon(), &v.name))
        .collect();
    let (term, replayed) = reader
        .read_and_replay(
            &r.statement,
            &r.proof_term,
            &tactics,
            |k, goals| {
                let Some(want) = expected(k) else {
                    return Ok(());
                };
                let same = match want {
                    None => goals.is_empty(),
                    Some(want) => goals.len() == 1 && goal_is(goals, &names, want),
                };
                if same {
                    Ok(())
                } else {
                    Err(goals.show())
                }
            },
            kernel_check,
        )
        .map_err(|e| VerifyError::ProofRejected {
            id: id(),
            msg: e.to_string(),
        })?;
    term.map_err(|msg| VerifyError::ProofRejected { id: id(), msg })?;
    let diverges = |step: usize, msg: String| VerifyError::StepDiverges {
        id: id(),
        step,
        tactic: r.steps[step].tactic.clone(),
        msg,
    };
    match replayed {
        Ok(Ok(())) => Ok(()),
        Ok(Err(msg)) => Err(VerifyError::TraceRejected {
            id: id(),
            msg: format!("the kernel rejects the proof the script builds: {msg}"),
        }),
        Err(ReplayError::Tactic { step, error }) => match step.checked_sub(intro) {
            Some(step) => Err(diverges(step, error.to_string())),
            None => Err(VerifyError::TraceRejected {
                id: id(),
                msg: error.to_string(),
            }),
        },
        Err(ReplayError::Refused { step: k, why }) => {
            let msg = format!("the tactic engine leaves\n{why}\nnot the goal the record gives");
            match k.checked_sub(intro + 1) {
                Some(step) => Err(diverges(step, msg)),
                None => Err(VerifyError::TraceRejected {
                    id: id(),
                    msg: format!("intro: {msg}"),
                }),
            }
        }
        Err(ReplayError::Statement(e)) => Err(VerifyError::TraceRejected {
            id: id(),
            msg: e.to_string(),
        }),
        Err(ReplayError::Unsolved(goals)) => Err(VerifyError::TraceRejected {
            id: id(),
            msg: format!("unsolved goals\n{goals}"),
        }),
    }
}

/// Whether the one goal's target is `l = r` (or `l ↔ r`) for `want`'s
/// first-order sides over the record's variables (the goal's locals, by
/// name).
fn goal_is(goals: &mut Goals<'_, '_>, names: &[Name], want: &(FoTerm, FoTerm)) -> bool {
    let target = goals.target(0);
    let store = goals.store();
    let (head, args) = store.app_args(target);
    let ExprKind::Const(rel, _) = store.kind(head) else {
        return false;
    };
    let atom = if rel.prefix().is_anon() {
        rel.last_str()
    } else {
        None
    };
    let (l, r) = match (atom, &args[..]) {
        (Some("Eq"), [_, l, r]) | (Some("Iff"), [l, r]) => (*l, *r),
        _ => return false,
    };
    let var_of = |x: ExprId| -> Option<u32> {
        if !matches!(store.kind(x), ExprKind::FVar(_)) {
            return None;
        }
        let n = goals.local_name(x)?;
        names.iter().position(|v| v == n).map(|k| k as u32)
    };
    want.0.is_expr(store, l, &var_of) && want.1.is_expr(store, r, &var_of)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::record::{Difficulty, Step, Var};

    /// Addition with a general notation, `‖x‖` for `R.norm`, which only
    /// `print_term` writes.
    const NORMED: &str = "axiom R : Type
axiom R.add : R → R → R
axiom R.norm : R → R
infixl:65 \" + \" => R.add
notation \"‖\" x \"‖\" => R.norm x
section S
variable (a b : R)
@[rule] axiom add_comm : a + b = b + a
@[rule] axiom norm_norm : ‖‖a‖‖ = ‖a‖
end S
";

    fn theory(name: &str) -> Theory {
        match name {
            "normed" => Theory::load_source("normed.theory", NORMED, None).unwrap(),
            _ => Theory::shipped(name).unwrap(),
        }
    }

    /// A record of `theory` over the variables `a b : R` stating
    /// `goals[0]`, whose step `i` is `tactics[i]` from `goals[i]` (to
    /// `goals[i + 1]`; the last step closes the goal). Its labels and
    /// metadata are whatever `check_fields` recomputes.
    fn record(t: &Theory, goals: &[&str], tactics: &[&str]) -> Record {
        let state = |g: &str| format!("a b : R\n⊢ {g}");
        let steps = tactics
            .iter()
            .enumerate()
            .map(|(i, tactic)| Step {
                state_before: state(goals[i]),
                tactic: tactic.to_string(),
                rule: String::new(),
                direction: String::new(),
                cost: String::new(),
                position: Vec::new(),
                state_after: match goals.get(i + 1) {
                    Some(g) => state(g),
                    None => "no goals".into(),
                },
            })
            .collect();
        let var = |name: &str| Var {
            name: name.into(),
            ty: "R".into(),
        };
        let mut r = Record {
            id: "t/s1/000000".into(),
            theory: "t".into(),
            seed: "1".into(),
            attempt: "0".into(),
            statement: format!("∀ (a b : R), {}", goals[0]),
            vars: vec![var("a"), var("b")],
            intro: "intro a b".into(),
            steps,
            proof_term: String::new(),
            difficulty: Difficulty {
                steps: 0,
                distinct_rules: 0,
                hard_steps: 0,
                invent_steps: 0,
                size: 0,
                depth: 0,
            },
            canonical_hash: String::new(),
            problem: None,
        };
        // Each label and number as check_fields recomputes it.
        loop {
            match check(t, &r) {
                Err(VerifyError::StepLabelMismatch {
                    step,
                    field,
                    expected,
                    ..
                }) => {
                    let s = &mut r.steps[step];
                    match field {
                        "rule" => s.rule = expected,
                        "direction" => s.direction = expected,
                        "cost" => s.cost = expected,
                        _ => s.position = serde_json::from_str(&expected).unwrap(),
                    }
                }
                Err(VerifyError::DifficultyMismatch {
                    field, expected, ..
                }) => {
                    let n = expected.parse().unwrap();
                    let d = &mut r.difficulty;
                    *match field {
                        "steps" => &mut d.steps,
                        "distinct_rules" => &mut d.distinct_rules,
                        "hard_steps" => &mut d.hard_steps,
                        "invent_steps" => &mut d.invent_steps,
                        "size" => &mut d.size,
                        _ => &mut d.depth,
                    } = n;
                }
                Err(VerifyError::CanonicalHashMismatch { expected, .. }) => {
                    r.canonical_hash = expected;
                }
                _ => return r,
            }
        }
    }

    fn check(t: &Theory, r: &Record) -> Result<Identity, VerifyError> {
        let x = Expect {
            theory: "t".into(),
            seed: "1".into(),
            id_prefix: "t/s1/".into(),
            accepted: 1,
            attempts: 1,
        };
        check_fields(t, &Rules::of(t), &x, r)
    }

    /// `check_fields` of `r` with `edit` applied: `None` when it passes,
    /// else the field not in printed form and its printed form.
    fn not_printed(
        t: &Theory,
        r: &Record,
        edit: impl FnOnce(&mut Record),
    ) -> Option<(String, String)> {
        let mut r = r.clone();
        edit(&mut r);
        match check(t, &r) {
            Ok(_) => None,
            Err(VerifyError::NotPrinted {
                field, expected, ..
            }) => Some((field, expected)),
            Err(e) => panic!("{e}"),
        }
    }

    /// Rule arguments and goals pass in printed form only, and one not in
    /// printed form is refused naming its printed form, with operator
    /// notations (which the first-order printer writes) and general ones
    /// (which `print_term` writes).
    #[test]
    fn tactics_and_goals_pass_in_printed_form_only() {
        let ring = theory("ring");
        let r = record(
            &ring,
            &["-a * (b + a) = (a + b) * -a", "-a * (a + b) = (a + b) * -a"],
            &["rw [add_comm b a]", "rw [mul_comm (-a) (a + b)]"],
        );
        check(&ring, &r).unwrap();
        let field = |i: usize| format!("steps[{i}].tactic");
        for (i, written, printed) in [
            (0, "rw [add_comm (b) a]", "rw [add_comm b a]"),
            (
                1,
                "rw [mul_comm (-a) ((a + b))]",
                "rw [mul_comm (-a) (a + b)]",
            ),
            (
                1,
                "rw [mul_comm (- a) (a + b)]",
                "rw [mul_comm (-a) (a + b)]",
            ),
            (
                1,
                "rw [mul_comm (-a) (R.add a b)]",
                "rw [mul_comm (-a) (a + b)]",
            ),
        ] {
            let refused = not_printed(&ring, &r, |r| r.steps[i].tactic = written.into());
            assert_eq!(refused, Some((field(i), printed.into())), "{written}");
        }
        let refused = not_printed(&ring, &r, |r| {
            r.statement = "∀ (a b : R), -a * (b + a) = (a + b) * (-a)".into();
        });
        let printed = "-a * (b + a) = (a + b) * -a".to_string();
        assert_eq!(refused, Some(("statement".into(), printed)));
        let refused = not_printed(&ring, &r, |r| {
            r.steps[0].state_after = "a b : R\n⊢ -a * (a + b) = (a + b) * (-a)".into();
            r.steps[1].state_before = r.steps[0].state_after.clone();
        });
        let printed = "-a * (a + b) = (a + b) * -a".to_string();
        assert_eq!(refused, Some(("steps[0].state_after".into(), printed)));

        let normed = theory("normed");
        let r = record(
            &normed,
            &["‖‖a + b‖‖ = ‖b + a‖", "‖a + b‖ = ‖b + a‖"],
            &["rw [norm_norm (a + b)]", "rw [add_comm a b]"],
        );
        check(&normed, &r).unwrap();
        for (i, written, printed) in [
            (0, "rw [norm_norm (R.add a b)]", "rw [norm_norm (a + b)]"),
            (0, "rw [norm_norm ((a + b))]", "rw [norm_norm (a + b)]"),
        ] {
            let refused = not_printed(&normed, &r, |r| r.steps[i].tactic = written.into());
            assert_eq!(refused, Some((field(i), printed.into())), "{written}");
        }
        let refused = not_printed(&normed, &r, |r| {
            r.steps[0].state_after = "a b : R\n⊢ ‖a + b‖ = ‖(b + a)‖".into();
            r.steps[1].state_before = r.steps[0].state_after.clone();
        });
        let printed = "‖a + b‖ = ‖b + a‖".to_string();
        assert_eq!(refused, Some(("steps[0].state_after".into(), printed)));
        let r = record(&normed, &["‖a‖ + b = b + ‖a‖"], &["rw [add_comm (‖a‖) b]"]);
        check(&normed, &r).unwrap();
        let refused = not_printed(&normed, &r, |r| {
            r.steps[0].tactic = "rw [add_comm (R.norm a) b]".into()
        });
        assert_eq!(refused, Some((field(0), "rw [add_comm (‖a‖) b]".into())));
    }
}
