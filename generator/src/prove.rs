//! `proofmill prove`: proofmill's own baseline prover, a bidirectional
//! breadth-first search over the theory's rewrite rules.
//!
//! Generation walks forwards from a term; proving has both ends given. The
//! search grows two trees of terms: forwards from the left side and
//! backwards from the right (every direction of a rule applies to either
//! side, since a rule read backwards is its inverse direction), always
//! expanding the smaller frontier a whole level at a time, and stops when a
//! term reached from one side has been reached from the other. A meeting
//! term `M` gives the chain `lhs → … → M → … → rhs`, the right half read
//! backwards; that chain is assembled, checked by the kernel and printed
//! exactly as a generated theorem is (`render.rs`), so the script a user
//! sees is one the kernel, the tactic engine and `verify`'s record checks
//! have all accepted.
//!
//! Each step rewrites one occurrence. Where that occurrence is the only
//! instance in the goal, the step is printed `rw [rule σ]`; otherwise
//! `nth_rewrite k [rule σ]`, so that no step touches the right side.
//!
//! A direction that invents terms (`0 = a + -a` read right to left) takes
//! them from a small inventory: the statement's variables and constants,
//! their images under the unary symbols, and the subterms of the two sides
//! of at most three nodes. The work is bounded by a node count, a term size
//! and a wall-clock timeout; the search says which stopped it
//! ([`StopReason`]), as egg's runner does.

use crate::driver::{Candidate, Finished, Generator, Options, Refused};
use crate::print::TermPrinter;
use crate::term::{Relation, SortId, Term};
use crate::walk::{Chain, Step, VarPool, WalkLimits, Walker};
use proofmill_corpora::corpus::{Record, RecordChecker};
use proofmill_kernel::{BinderInfo, ExprId, ExprKind, ExprStore, Name};
use proofmill_tactics::parse::parse_tactic;
use proofmill_tactics::reader::{ReplayError, TheoremReader};
use rustc_hash::FxHashMap;
use std::fmt;
use std::time::{Duration, Instant};

/// The bounds of one search.
#[derive(Clone, Debug)]
pub struct ProveLimits {
    pub timeout: Duration,
    /// Terms reached, both sides together.
    pub max_nodes: usize,
    /// The largest term a step may produce (nodes); `None`: the larger side
    /// plus [`SIZE_SLACK`].
    pub max_size: Option<usize>,
}

/// How much larger than both sides a term on the way may grow, by default.
pub const SIZE_SLACK: usize = 8;

impl Default for ProveLimits {
    fn default() -> Self {
        ProveLimits {
            timeout: Duration::from_secs(5),
            max_nodes: 1_000_000,
            max_size: None,
        }
    }
}

/// Why a search ended without a proof.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// The wall-clock limit passed.
    Timeout,
    /// The node limit was reached.
    NodeLimit,
    /// Every term within the size limit reachable from one side was
    /// reached: there is no proof by these rules within that size.
    Exhausted,
}

impl StopReason {
    pub fn as_str(self) -> &'static str {
        match self {
            StopReason::Timeout => "timeout",
            StopReason::NodeLimit => "node-limit",
            StopReason::Exhausted => "exhausted",
        }
    }
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a statement could not be searched at all (bad input).
#[derive(Debug, thiserror::Error)]
pub enum ProveError {
    /// The statement does not parse or elaborate in the theory (the message
    /// names `<statement>` and the line:col).
    #[error("{0}")]
    Statement(String),
    /// It elaborates, but is not an equation (or `↔`) between first-order
    /// terms over the symbols of the theory's rules.
    #[error("<statement>: {0}")]
    Unsupported(String),
    /// Both sides are the same term: there is nothing to rewrite.
    #[error("<statement>: both sides are the same term; `rfl` proves it, no rewriting is needed")]
    Trivial,
    /// A proof was found but did not pass the checks (a proofmill bug).
    #[error("a proof was found but refused by the checks (a proofmill bug): {0}")]
    Refused(String),
}

/// A proof found and checked.
#[derive(Clone, Debug)]
pub struct Proved {
    /// The proof as a corpus record (statement, trace, proof term), which
    /// `verify`'s record checks accept.
    pub record: Record,
    /// The tactic script: `intro …` (when there are variables), then the steps.
    pub script: Vec<String>,
    /// Terms reached, both sides together.
    pub nodes: usize,
}

/// What a search found.
#[derive(Clone, Debug)]
pub enum Outcome {
    Proved(Box<Proved>),
    NotFound { stop: StopReason, nodes: usize },
}

/// A statement read into first-order terms.
struct Goal {
    vars: Vec<(String, SortId)>,
    sort: SortId,
    lhs: Term,
    rhs: Term,
}

/// A rewrite of one occurrence: direction `dir` instantiated by `sigma` at `pos`.
#[derive(Clone, Debug)]
struct Move {
    dir: usize,
    sigma: Vec<Term>,
    pos: Vec<usize>,
}

struct Node {
    term: Term,
    /// The node this one was reached from (`u32::MAX`: a root) and how.
    parent: u32,
    by: Option<Move>,
}

/// The terms reached from one side.
#[derive(Default)]
struct Side {
    nodes: Vec<Node>,
    index: FxHashMap<Term, u32>,
    frontier: Vec<u32>,
}

impl Side {
    fn rooted(t: Term) -> Side {
        let mut s = Side::default();
        s.index.insert(t.clone(), 0);
        s.nodes.push(Node {
            term: t,
            parent: u32::MAX,
            by: None,
        });
        s.frontier.push(0);
        s
    }

    /// The terms and moves from the root to node `i`.
    fn path(&self, mut i: u32) -> (Vec<Term>, Vec<Move>) {
        let mut terms = Vec::new();
        let mut moves = Vec::new();
        loop {
            let n = &self.nodes[i as usize];
            terms.push(n.term.clone());
            match &n.by {
                Some(m) => moves.push(m.clone()),
                None => break,
            }
            i = n.parent;
        }
        terms.reverse();
        moves.reverse();
        (terms, moves)
    }
}

/// A loaded theory, ready to prove statements of it. Not shared between
/// threads: each proof sets the variable pool to its statement's.
pub struct Prover {
    g: Generator,
    opts: Options,
}

impl Prover {
    /// Loads a shipped theory or a `.theory` file (as `generate --theory`).
    pub fn load(theory: &str) -> Result<Prover, String> {
        let g = Generator::load(theory)?;
        Ok(Prover {
            g,
            opts: Options::new(theory, std::path::PathBuf::new()),
        })
    }

    /// Searches for a proof of `statement`. `index` numbers the record the
    /// proof is written as (its id's last part).
    pub fn prove(
        &mut self,
        statement: &str,
        limits: &ProveLimits,
        index: u64,
    ) -> Result<Outcome, ProveError> {
        let start = Instant::now();
        let goal = self.read_statement(statement)?;
        let biggest = goal.lhs.size().max(goal.rhs.size());
        if biggest > crate::driver::MAX_SIZE {
            return Err(ProveError::Unsupported(format!(
                "a side has {biggest} nodes; at most {} are searched",
                crate::driver::MAX_SIZE
            )));
        }
        if goal.lhs == goal.rhs {
            return Err(ProveError::Trivial);
        }
        self.g.pool = VarPool {
            vars: goal.vars.clone(),
        };
        self.g.names = self.g.pool.names();
        let max_size = limits
            .max_size
            .unwrap_or(goal.lhs.size().max(goal.rhs.size()) + SIZE_SLACK);
        let walk_limits = WalkLimits {
            min_steps: 1,
            max_steps: usize::MAX,
            max_size,
            start_size: (1, 1),
            max_depth: usize::MAX,
        };
        let coverage = vec![0; self.g.rs.dirs.len()];
        let walker = Walker::new(
            &self.g.rs,
            &self.g.space,
            &self.g.pool,
            &walk_limits,
            &coverage,
            goal.sort,
        );
        let search = Search {
            walker: &walker,
            inventory: inventory(&walker, &goal),
            max_size,
            deadline: start + limits.timeout,
            max_nodes: limits.max_nodes,
        };
        let (chain, nodes) = match search.run(&goal) {
            Ok(found) => found,
            Err((stop, nodes)) => return Ok(Outcome::NotFound { stop, nodes }),
        };
        let record = self.check(statement, chain, index)?;
        let mut script = Vec::with_capacity(record.steps.len() + 1);
        if !record.intro.is_empty() {
            script.push(record.intro.clone());
        }
        script.extend(record.steps.iter().map(|s| s.tactic.clone()));
        Ok(Outcome::Proved(Box::new(Proved {
            record,
            script,
            nodes,
        })))
    }

    /// The chain assembled, kernel-checked, rendered and read back as a
    /// generated theorem is; then the record checked as `verify` checks
    /// one, and its script replayed on the user's own statement text.
    fn check(&self, statement: &str, chain: Chain, index: u64) -> Result<Record, ProveError> {
        let g = &self.g;
        let (l, r) = (&chain.terms[0], chain.terms.last().expect("tn"));
        let hash = crate::canon::hash(&g.rs.sig, l, r);
        let c = Candidate {
            attempt: index,
            chain,
            hash,
        };
        let mut tc = g.theory.env().checker(&[]);
        let mut reader = TheoremReader::new(&g.theory);
        let printer = TermPrinter::new(&g.rs.sig, g.theory.notations());
        let mut times = Finished {
            result: Ok((None, None)),
            assemble: Duration::ZERO,
            kernel: Duration::ZERO,
            render: Duration::ZERO,
            readback: Duration::ZERO,
        };
        let record = g
            .checked_record(
                &mut tc,
                &mut reader,
                &printer,
                &self.opts,
                index,
                &c,
                &mut times,
            )
            .map_err(|e| match e {
                Refused::Rejected(s, why) | Refused::ReadBack(s, why) => {
                    ProveError::Refused(format!("{s}: {why}"))
                }
            })?;
        RecordChecker::new(&g.theory)
            .check(&mut reader, &record)
            .map_err(|e| ProveError::Refused(e.to_string()))?;
        // The script proves the statement as the user typed it.
        let notations = g.theory.notations();
        let mut tactics = Vec::new();
        for t in std::iter::once(&record.intro)
            .filter(|t| !t.is_empty())
            .chain(record.steps.iter().map(|s| &s.tactic))
        {
            tactics.push(parse_tactic(t, notations).map_err(|e| ProveError::Refused(e.msg))?);
        }
        let name = Name::from_dotted("proofmill_prove");
        let replayed = reader.replay(
            statement,
            &tactics,
            |_, _| Ok::<(), ()>(()),
            |tc, ty, proof| {
                tc.check_type(ty).map_err(|e| e.to_string())?;
                tc.check_value(&name, proof, ty).map_err(|e| e.to_string())
            },
        );
        match replayed {
            Ok(Ok(())) => Ok(record),
            Ok(Err(e)) => Err(ProveError::Refused(format!(
                "the kernel rejects the script's proof of the statement as given: {e}"
            ))),
            Err(e) => Err(ProveError::Refused(format!(
                "the script does not prove the statement as given: {}",
                match e {
                    ReplayError::Statement(e) => e.to_string(),
                    ReplayError::Tactic { step, error } => format!("tactic {step}: {error}"),
                    ReplayError::Refused { step, .. } => format!("tactic {step} refused"),
                    ReplayError::Unsolved(goals) => format!("unsolved goals\n{goals}"),
                }
            ))),
        }
    }

    /// Elaborates `statement` and reads it as first-order terms.
    fn read_statement(&self, statement: &str) -> Result<Goal, ProveError> {
        let mut reader = TheoremReader::new(&self.g.theory);
        let mut got: Option<Result<Goal, String>> = None;
        let rs = &self.g.rs;
        let replayed = reader.replay(
            statement,
            &[],
            |_, goals| {
                let target = goals.target(0);
                got = Some(read_goal(rs, goals.store(), target));
                Err(())
            },
            |_, _, _| (),
        );
        match (got, replayed) {
            (Some(goal), _) => goal.map_err(ProveError::Unsupported),
            (None, Err(ReplayError::Statement(e))) => Err(ProveError::Statement(e.to_string())),
            (None, _) => Err(ProveError::Unsupported("the statement has no goal".into())),
        }
    }
}

/// `∀ (x : S) …, l = r` (or `l ↔ r`) as first-order terms over `rs`'s signature.
fn read_goal<S: ExprStore + ?Sized>(
    rs: &crate::rules::RuleSet,
    store: &S,
    mut e: ExprId,
) -> Result<Goal, String> {
    let sig = &rs.sig;
    let sort_named = |ty: ExprId| -> Result<SortId, String> {
        let name = match store.kind(ty) {
            ExprKind::Sort(l) if l.is_zero() => "Prop".to_string(),
            ExprKind::Const(n, ls) if ls.is_empty() => n.to_string(),
            _ => return Err("a variable's type is not a sort of the theory's rules".into()),
        };
        sig.sorts
            .iter()
            .position(|s| s.name == name)
            .map(|i| i as SortId)
            .ok_or_else(|| format!("no rule of the theory is about {name}"))
    };
    let mut vars: Vec<(String, SortId)> = Vec::new();
    while let ExprKind::Pi(n, bi, ty, body) = store.kind(e).clone() {
        if bi != BinderInfo::Default {
            return Err("only explicit binders `∀ (x : S)` are supported".into());
        }
        if store.bvar_range(ty) != 0 {
            return Err("a variable's type depends on another variable".into());
        }
        let name = n.to_string();
        if vars.iter().any(|(m, _)| *m == name) {
            return Err(format!("two variables are named {name}"));
        }
        vars.push((name, sort_named(ty)?));
        e = body;
    }
    let (head, args) = store.app_args(e);
    let rel = match store.kind(head) {
        ExprKind::Const(n, _) => n.to_string(),
        _ => String::new(),
    };
    let (sort, l, r) = match (rel.as_str(), &args[..]) {
        ("Eq", [ty, l, r]) => (sort_named(*ty)?, *l, *r),
        ("Iff", [l, r]) => (
            sig.sorts
                .iter()
                .position(|s| s.name == "Prop")
                .ok_or("no rule of the theory is about Prop")? as SortId,
            *l,
            *r,
        ),
        _ => return Err("the statement is not an equation `l = r` or `l ↔ r`".into()),
    };
    if (sig.relation(sort) == Relation::Iff) != (rel == "Iff") {
        return Err(format!(
            "the theory's rules state {} between its terms",
            sig.relation(sort).constant()
        ));
    }
    let nvars = vars.len() as u32;
    let lhs = read_term(rs, store, l, nvars)?;
    let rhs = read_term(rs, store, r, nvars)?;
    Ok(Goal {
        vars,
        sort,
        lhs,
        rhs,
    })
}

fn read_term<S: ExprStore + ?Sized>(
    rs: &crate::rules::RuleSet,
    store: &S,
    e: ExprId,
    nvars: u32,
) -> Result<Term, String> {
    let (head, args) = store.app_args(e);
    match store.kind(head) {
        ExprKind::BVar(i) if args.is_empty() && *i < nvars => Ok(Term::Var(nvars - 1 - i)),
        ExprKind::NatLit(n) if args.is_empty() => u32::try_from(&**n)
            .map(Term::Lit)
            .map_err(|_| format!("the literal {n} is too large")),
        ExprKind::Const(n, _) => {
            let f = rs
                .sig
                .syms
                .iter()
                .position(|s| s.name == *n && s.args.len() == args.len())
                .ok_or_else(|| {
                    format!(
                        "{n} applied to {} arguments occurs in no rule of the theory",
                        args.len()
                    )
                })?;
            let xs = args
                .iter()
                .map(|&a| read_term(rs, store, a, nvars))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Term::App(f as u32, xs.into()))
        }
        _ => Err("a side is not a first-order term over the theory's symbols".into()),
    }
}

/// The terms a direction that invents may put in: the statement's
/// variables and constants and their images under unary symbols, and the
/// small subterms of both sides.
fn inventory(w: &Walker<'_>, goal: &Goal) -> Vec<Term> {
    let sig = &w.rs.sig;
    let mut out: Vec<Term> = Vec::new();
    let add = |t: Term, out: &mut Vec<Term>| {
        if !out.contains(&t) {
            out.push(t);
        }
    };
    let mut leaves: Vec<Term> = (0..goal.vars.len() as u32).map(Term::Var).collect();
    for (f, s) in sig.syms.iter().enumerate() {
        if s.args.is_empty() {
            leaves.push(Term::App(f as u32, std::sync::Arc::from([])));
        }
    }
    for t in &leaves {
        add(t.clone(), &mut out);
    }
    for (f, s) in sig.syms.iter().enumerate() {
        if s.args.len() == 1 {
            for t in &leaves {
                if w.sort_of(t) == s.args[0] {
                    add(
                        Term::App(f as u32, std::sync::Arc::from([t.clone()])),
                        &mut out,
                    );
                }
            }
        }
    }
    for side in [&goal.lhs, &goal.rhs] {
        let mut ps = Vec::new();
        side.positions(&mut Vec::new(), &mut ps);
        for p in ps {
            if let Some(t) = side.at(&p).filter(|t| t.size() <= 3) {
                add(t.clone(), &mut out);
            }
        }
    }
    out
}

/// The most instantiations of a direction's invented variables tried at one place.
const MAX_INVENTIONS: usize = 64;

struct Search<'w, 'a> {
    walker: &'w Walker<'a>,
    inventory: Vec<Term>,
    max_size: usize,
    deadline: Instant,
    max_nodes: usize,
}

impl Search<'_, '_> {
    /// A chain `lhs → … → rhs` and the nodes reached, or why none was found.
    fn run(&self, goal: &Goal) -> Result<(Chain, usize), (StopReason, usize)> {
        let mut sides = [
            Side::rooted(goal.lhs.clone()),
            Side::rooted(goal.rhs.clone()),
        ];
        loop {
            let nodes = sides[0].nodes.len() + sides[1].nodes.len();
            // The smaller frontier grows a level.
            let k = usize::from(sides[1].frontier.len() < sides[0].frontier.len());
            if sides[k].frontier.is_empty() {
                return Err((StopReason::Exhausted, nodes));
            }
            let [a, b] = &mut sides;
            let (own, other) = if k == 0 { (a, b) } else { (b, a) };
            match self.level(own, other) {
                Ok(Some((i, j))) => {
                    let nodes = sides[0].nodes.len() + sides[1].nodes.len();
                    let (l, r) = if k == 0 { (i, j) } else { (j, i) };
                    return Ok((self.chain(goal, &sides[0], l, &sides[1], r), nodes));
                }
                Ok(None) => {}
                Err(stop) => return Err((stop, sides[0].nodes.len() + sides[1].nodes.len())),
            }
        }
    }

    /// Expands every node of `own`'s frontier; the meeting nodes (own's, other's) if any.
    fn level(&self, own: &mut Side, other: &Side) -> Result<Option<(u32, u32)>, StopReason> {
        let w = self.walker;
        let frontier = std::mem::take(&mut own.frontier);
        let mut positions = Vec::new();
        let mut dirs = Vec::new();
        for (n, &i) in frontier.iter().enumerate() {
            if n % 16 == 0 && Instant::now() >= self.deadline {
                return Err(StopReason::Timeout);
            }
            let t = own.nodes[i as usize].term.clone();
            positions.clear();
            t.positions(&mut Vec::new(), &mut positions);
            for pos in &positions {
                let sub = t.at(pos).expect("a position of t");
                dirs.clear();
                w.directions_at(sub, &|_| true, &mut Vec::new(), &mut |d| dirs.push(d));
                for &d in &dirs {
                    for sigma in self.instantiations(d, sub) {
                        let dir = &w.rs.dirs[d];
                        let to = dir.target.instantiate(&sigma);
                        let next = t.replace_at(pos, &to);
                        if !next.fits(self.max_size, usize::MAX) || own.index.contains_key(&next) {
                            continue;
                        }
                        if own.nodes.len() + other.nodes.len() >= self.max_nodes {
                            return Err(StopReason::NodeLimit);
                        }
                        let id = own.nodes.len() as u32;
                        own.index.insert(next.clone(), id);
                        let meet = other.index.get(&next).copied();
                        own.nodes.push(Node {
                            term: next,
                            parent: i,
                            by: Some(Move {
                                dir: d,
                                sigma,
                                pos: pos.clone(),
                            }),
                        });
                        if let Some(j) = meet {
                            return Ok(Some((id, j)));
                        }
                        own.frontier.push(id);
                    }
                }
            }
        }
        Ok(None)
    }

    /// The instantiations of direction `d` whose source is `sub`: the
    /// match, and for each invented variable a term of its sort from the
    /// inventory (at most [`MAX_INVENTIONS`] combinations).
    fn instantiations(&self, d: usize, sub: &Term) -> Vec<Vec<Term>> {
        let w = self.walker;
        let dir = &w.rs.dirs[d];
        let rule = &w.rs.rules[dir.rule];
        let mut bound = vec![None; rule.vars.len()];
        if !dir.source.matches(sub, &mut bound) {
            return Vec::new();
        }
        let mut out: Vec<Vec<Option<Term>>> = vec![bound];
        for &v in &dir.invented {
            let sort = rule.vars[v as usize].1;
            let fill: Vec<&Term> = self
                .inventory
                .iter()
                .filter(|t| w.sort_of(t) == sort)
                .collect();
            let mut next = Vec::new();
            'grow: for s in &out {
                for t in &fill {
                    if next.len() == MAX_INVENTIONS {
                        break 'grow;
                    }
                    let mut s = s.clone();
                    s[v as usize] = Some((*t).clone());
                    next.push(s);
                }
            }
            out = next;
        }
        out.into_iter()
            .filter_map(|s| s.into_iter().collect::<Option<Vec<Term>>>())
            .collect()
    }

    /// The chain `lhs → … → M → … → rhs` through left node `l` and right
    /// node `r` (the same term `M`), each step rewriting one occurrence.
    fn chain(&self, goal: &Goal, left: &Side, l: u32, right: &Side, r: u32) -> Chain {
        let rs = self.walker.rs;
        let (mut terms, lmoves) = left.path(l);
        let (rterms, rmoves) = right.path(r);
        let mut moves: Vec<(usize, Vec<Term>, Vec<usize>)> = lmoves
            .into_iter()
            .map(|m| (m.dir, m.sigma, m.pos))
            .collect();
        // The right half backwards: each move undone by the inverse direction.
        for m in rmoves.into_iter().rev() {
            moves.push((m.dir ^ 1, m.sigma, m.pos));
        }
        terms.extend(rterms.into_iter().rev().skip(1));
        let rhs = terms.last().expect("rhs").clone();
        let steps = moves
            .into_iter()
            .enumerate()
            .map(|(i, (dir, sigma, position))| {
                let d = &rs.dirs[dir];
                let from = d.source.instantiate(&sigma);
                let to = d.target.instantiate(&sigma);
                let t = &terms[i];
                let occs = t.occurrences(&from);
                let k = occs.iter().position(|p| *p == position).expect("occurs") + 1;
                // `rw` rewrites every instance in the goal, right side too.
                let occ = (occs.len() > 1 || rhs.contains(&from)).then_some(k);
                Step {
                    dir,
                    sigma,
                    from,
                    to,
                    position,
                    occ,
                }
            })
            .collect();
        Chain {
            sort: goal.sort,
            terms,
            steps,
            problem: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prove(theory: &str, statement: &str) -> Result<Outcome, ProveError> {
        Prover::load(theory)
            .expect("a shipped theory")
            .prove(statement, &ProveLimits::default(), 0)
    }

    #[test]
    fn proves_a_commuted_sum_and_prints_a_checked_script() {
        let Ok(Outcome::Proved(p)) = prove("ring", "∀ (a b : R), a + b = b + a") else {
            panic!("not proved");
        };
        assert_eq!(p.script, ["intro a b", "rw [add_comm a b]"]);
    }

    #[test]
    fn meets_in_the_middle_on_a_longer_chain() {
        let Ok(Outcome::Proved(p)) = prove("ring", "∀ (a b c : R), (a + b) + c = c + (b + a)")
        else {
            panic!("not proved");
        };
        assert!(p.record.steps.len() >= 2, "{:?}", p.script);
    }

    #[test]
    fn a_false_statement_is_not_proved() {
        let limits = ProveLimits {
            timeout: Duration::from_secs(30),
            max_nodes: 20_000,
            max_size: None,
        };
        let out = Prover::load("ring")
            .unwrap()
            .prove("∀ (a b : R), a + b = a * b", &limits, 0)
            .unwrap();
        assert!(matches!(out, Outcome::NotFound { .. }), "{out:?}");
    }

    #[test]
    fn bad_statements_are_errors_with_a_position() {
        let e = prove("ring", "∀ (a b : R), a + = b").expect_err("an error");
        assert!(e.to_string().starts_with("<statement>:1:"), "{e}");
        assert!(matches!(
            prove("ring", "∀ (a : R), a + a = a + a"),
            Err(ProveError::Trivial)
        ));
        assert!(matches!(
            prove("ring", "∀ (a : R), a"),
            Err(ProveError::Statement(_) | ProveError::Unsupported(_))
        ));
    }
}
