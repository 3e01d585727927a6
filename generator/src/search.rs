//! Backward search (DESIGN §6): a bounded, goal-directed breadth-first /
//! beam search from a target term over *inverse* directions, to reach a
//! source term from which the forward chain source → … → target meets given
//! constraints (a minimum source size, at least K hard steps, a required
//! rule, a minimum number of steps).
//!
//! Searching backwards is how hard steps get placed: a hard direction is never
//! applied forwards, but its easy inverse is applied to the target, and the
//! chain read forwards takes the hard step. Every chain the search returns has
//! been checked against `rw`'s semantics (`walk::finish`), so it is assembled,
//! kernel-checked and rendered like any walk.
//!
//! The search is steered towards the constraints a state still misses: an
//! expanded state's children always include the inverse applications that
//! make progress on them (a direction of the required rule, the easy inverse
//! of a hard direction), the others are sampled with a bias towards
//! directions near the required rule in the rule space (DESIGN §5), and the
//! beam ranks a state where the rule applies above one where it does not; a
//! state that only lacks length expands at most 3 children. A
//! step whose forward instance occurs in the target is never taken: `rw`
//! would rewrite the goal's right side too, so no chain through it passes
//! `walk::finish`. The search can only place hard steps when the target has
//! something to differentiate; choosing such a target is the caller's part
//! (the driver's is `C[deriv F]`).
//!
//! The search reads like egg's runner: limits are set with builder methods
//! and the result carries a typed [`StopReason`].
//!
//! ```
//! use proofmill_generator::search::{BackwardSearch, Constraints, StopReason};
//! use proofmill_generator::rules::Cost;
//! use proofmill_generator::term::Term;
//! use proofmill_generator::{rng::Rng, Generator, Options};
//!
//! let g = Generator::load("calculus").unwrap();
//! let opts = Options::new("calculus", "unused".into());
//! let limits = opts.limits();
//! let coverage = vec![0; g.rs.dirs.len()];
//! let walker = g.walker(&limits, &coverage);
//! let mut rng = Rng::new(1);
//! // Something to differentiate: `deriv F`, F built from what the
//! // differentiation rules know.
//! let f = walker.integrable(&mut rng, g.sort, 5);
//! let target = Term::App(g.deriv.unwrap(), [f].into());
//! let mul_comm = g.rs.rules.iter().position(|r| r.name.to_string() == "mul_comm").unwrap();
//! let wanted = Constraints::default()
//!     .with_min_steps(3)
//!     .with_min_hard(2)
//!     .with_min_size(8)
//!     .with_rule(mul_comm);
//! let found = BackwardSearch::new(&walker)
//!     .with_beam_width(8)
//!     .with_branching(6)
//!     .with_max_depth(8)
//!     .with_node_limit(1_000)
//!     .run(&target, &wanted, &mut rng);
//! assert_eq!(found.stop, StopReason::Found);
//! let chain = found.chain.unwrap();
//! assert_eq!(chain.terms.last(), Some(&target));
//! assert!(chain.steps.len() >= 3 && chain.terms[0].size() >= 8);
//! let hard = chain.steps.iter().filter(|s| g.rs.dirs[s.dir].cost == Cost::Hard);
//! assert!(hard.count() >= 2);
//! assert!(chain.steps.iter().any(|s| g.rs.dirs[s.dir].rule == mul_comm));
//! ```

use crate::rng::Rng;
use crate::rules::Cost;
use crate::term::Term;
use crate::walk::{finish, Chain, Step, Walker};
use std::collections::HashSet;

/// What the source and the forward chain must satisfy.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct Constraints {
    /// At least this many steps.
    pub min_steps: usize,
    /// The source has at least this many nodes.
    pub min_size: usize,
    /// At least this many hard steps (read forwards).
    pub min_hard: usize,
    /// This rule (index into `RuleSet::rules`) is used by some step.
    pub require_rule: Option<usize>,
}

impl Constraints {
    pub fn with_min_steps(mut self, n: usize) -> Self {
        self.min_steps = n;
        self
    }
    pub fn with_min_size(mut self, n: usize) -> Self {
        self.min_size = n;
        self
    }
    pub fn with_min_hard(mut self, n: usize) -> Self {
        self.min_hard = n;
        self
    }
    pub fn with_rule(mut self, rule: usize) -> Self {
        self.require_rule = Some(rule);
        self
    }
}

/// Why a search stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// A chain meeting the constraints was found.
    Found,
    /// Every reachable term within the limits was expanded without success.
    Exhausted,
    /// The beam reached `max_depth` backward steps without success.
    DepthLimit(usize),
    /// `node_limit` terms were generated without success.
    NodeLimit(usize),
}

/// The result of a search: the chain when found, why it stopped, and how
/// many terms it generated.
#[derive(Clone, Debug)]
pub struct SearchResult {
    pub chain: Option<Chain>,
    pub stop: StopReason,
    pub nodes: usize,
}

/// A bounded backward beam search (beam width `usize::MAX`: breadth-first).
pub struct BackwardSearch<'w, 'a> {
    walker: &'w Walker<'a>,
    beam_width: usize,
    branching: usize,
    max_depth: usize,
    node_limit: usize,
    max_size: usize,
}

/// A state of the search: the current source and the steps back to the target.
#[derive(Clone)]
struct State {
    term: Term,
    /// Forward steps from `term` to the target, first step first.
    steps: Vec<Step>,
    /// Terms from `term` to the target.
    terms: Vec<Term>,
}

impl<'w, 'a> BackwardSearch<'w, 'a> {
    /// Defaults: beam width 64, 8 children per state, depth 8, 20,000 nodes,
    /// the walker's size limit.
    pub fn new(walker: &'w Walker<'a>) -> Self {
        BackwardSearch {
            walker,
            beam_width: 64,
            branching: 8,
            max_depth: 8,
            node_limit: 20_000,
            max_size: walker.limits.max_size,
        }
    }
    pub fn with_beam_width(mut self, n: usize) -> Self {
        self.beam_width = n.max(1);
        self
    }
    /// At most `n` inverse applications per expanded state, sampled from
    /// all of them (`usize::MAX`: every one, an exhaustive search).
    pub fn with_branching(mut self, n: usize) -> Self {
        self.branching = n.max(1);
        self
    }
    pub fn with_max_depth(mut self, n: usize) -> Self {
        self.max_depth = n;
        self
    }
    pub fn with_node_limit(mut self, n: usize) -> Self {
        self.node_limit = n;
        self
    }
    pub fn with_max_size(mut self, n: usize) -> Self {
        self.max_size = n;
        self
    }

    fn hard_steps(&self, st: &State) -> usize {
        let rs = self.walker.rs;
        st.steps
            .iter()
            .filter(|s| rs.dirs[s.dir].cost == Cost::Hard)
            .count()
    }

    fn uses(&self, st: &State, rule: usize) -> bool {
        st.steps
            .iter()
            .any(|s| self.walker.rs.dirs[s.dir].rule == rule)
    }

    /// How close a state is to the constraints (higher is closer); ties keep
    /// generation order, so the search is deterministic for a given `rng`.
    /// While the rule is missing, a state where one of the rule's directions
    /// applies is closer, and otherwise one whose last backward direction is
    /// nearer to them in the rule space.
    fn score(&self, st: &State, c: &Constraints, g: &Goals) -> (bool, usize, u32, usize, usize) {
        let rule = match c.require_rule {
            None => true,
            Some(r) => self.uses(st, r),
        };
        let near = if rule {
            u32::MAX
        } else if g.applies(self.walker, &st.term) {
            u32::MAX - 1
        } else {
            st.steps
                .first()
                .map_or(0, |s| u32::MAX - 1 - g.rule_dist[s.dir ^ 1])
        };
        (
            rule,
            self.hard_steps(st).min(c.min_hard),
            near,
            st.term.size().min(c.min_size),
            st.steps.len().min(c.min_steps),
        )
    }

    fn meets(&self, st: &State, c: &Constraints) -> bool {
        st.steps.len() >= c.min_steps.max(1)
            && st.term.size() >= c.min_size
            && self.hard_steps(st) >= c.min_hard
            && match c.require_rule {
                None => true,
                Some(r) => self.uses(st, r),
            }
    }

    /// At most `branching` of `cands` (in their original order): first every
    /// one that makes progress on a constraint `st` still misses (a
    /// direction of the required rule, the inverse of a hard direction), then
    /// a sample of the others, weighted towards directions near the required
    /// rule in the rule space.
    fn choose<'t>(
        &self,
        st: &State,
        c: &Constraints,
        g: &Goals,
        cands: Vec<(usize, &'t Term)>,
        rng: &mut Rng,
    ) -> Vec<(usize, &'t Term)> {
        let rs = self.walker.rs;
        let want_rule = c.require_rule.filter(|&r| !self.uses(st, r));
        let want_hard = self.hard_steps(st) < c.min_hard;
        // A state that only lacks length needs a few more steps of any kind:
        // at most 3 children (fewer lost too many beams to dead ends).
        let branching = if want_rule.is_none() && !want_hard && st.term.size() >= c.min_size {
            self.branching.min(3)
        } else {
            self.branching
        };
        if cands.len() <= branching {
            return cands;
        }
        let progress = |d: usize| {
            want_rule == Some(rs.dirs[d].rule) || want_hard && rs.dirs[d ^ 1].cost == Cost::Hard
        };
        let mut take: Vec<usize> = (0..cands.len())
            .filter(|&i| progress(cands[i].0))
            .take(branching)
            .collect();
        let mut weights: Vec<u64> = cands
            .iter()
            .enumerate()
            .map(|(i, (d, _))| {
                if take.contains(&i) {
                    0
                } else if want_rule.is_some() {
                    // 8 one step away from the rule, 4 two steps, …, 1 beyond.
                    1 << (4u32.saturating_sub(g.rule_dist[*d]).min(3))
                } else {
                    1
                }
            })
            .collect();
        while take.len() < branching {
            let i = rng.weighted(&weights);
            weights[i] = 0;
            take.push(i);
        }
        take.sort_unstable();
        take.into_iter().map(|i| cands[i]).collect()
    }

    /// Searches backwards from `target` for a chain meeting `c`; `rng`
    /// samples the terms that `invent` directions need.
    pub fn run(&self, target: &Term, c: &Constraints, rng: &mut Rng) -> SearchResult {
        let w = self.walker;
        let rs = w.rs;
        let goals = Goals::new(w, c);
        // Applied backwards: any direction whose forward reading (its
        // inverse) may be taken; a hard direction itself is never applied.
        let allowed = |d: usize| rs.dirs[d].cost != Cost::Hard;
        let mut seen: HashSet<Term> = HashSet::new();
        seen.insert(target.clone());
        let mut frontier = vec![State {
            term: target.clone(),
            steps: Vec::new(),
            terms: vec![target.clone()],
        }];
        let mut nodes = 1usize;
        for _depth in 0..self.max_depth {
            let mut next: Vec<State> = Vec::new();
            for st in &frontier {
                let mut cands = Vec::new();
                w.candidates(&st.term, &allowed, &mut Vec::new(), &mut cands);
                for (d, sub) in self.choose(st, c, &goals, cands, rng) {
                    if nodes >= self.node_limit {
                        return SearchResult {
                            chain: None,
                            stop: StopReason::NodeLimit(self.node_limit),
                            nodes,
                        };
                    }
                    let (back, src) = w.apply(rng, &st.term, d, sub);
                    nodes += 1;
                    if src.size() > self.max_size || src.depth() > w.limits.max_depth {
                        continue;
                    }
                    // Read forwards, the step rewrites `back.to` into `back.from`
                    // everywhere in `src`: it must give exactly `st.term` back.
                    // As `rw` rewrites the goal's right side too, a step whose
                    // instance occurs in the target would change it: `finish`
                    // rejects every chain through such a step.
                    if target.contains(&back.to)
                        || src.replace_all(&back.to, &back.from) != st.term
                        || !seen.insert(src.clone())
                    {
                        continue;
                    }
                    let Some(position) = src.find(&back.to) else {
                        continue;
                    };
                    let fwd = Step {
                        dir: d ^ 1,
                        sigma: back.sigma,
                        from: back.to,
                        to: back.from,
                        position,
                        occ: None,
                    };
                    let mut steps = Vec::with_capacity(st.steps.len() + 1);
                    steps.push(fwd);
                    steps.extend(st.steps.iter().cloned());
                    let mut terms = Vec::with_capacity(st.terms.len() + 1);
                    terms.push(src.clone());
                    terms.extend(st.terms.iter().cloned());
                    let cand = State {
                        term: src,
                        steps,
                        terms,
                    };
                    if self.meets(&cand, c) {
                        let chain = Chain {
                            sort: w.sort_of(target),
                            terms: cand.terms.clone(),
                            steps: cand.steps.clone(),
                            problem: None,
                        };
                        if let Ok(chain) = finish(&w.rs.sig, chain) {
                            return SearchResult {
                                chain: Some(chain),
                                stop: StopReason::Found,
                                nodes,
                            };
                        }
                    }
                    next.push(cand);
                }
            }
            if next.is_empty() {
                return SearchResult {
                    chain: None,
                    stop: StopReason::Exhausted,
                    nodes,
                };
            }
            // Keep the best `beam_width` states (stable: ties in generation order).
            let mut scored: Vec<(usize, State)> = next.into_iter().enumerate().collect();
            scored.sort_by_cached_key(|(i, st)| (std::cmp::Reverse(self.score(st, c, &goals)), *i));
            scored.truncate(self.beam_width);
            frontier = scored.into_iter().map(|(_, s)| s).collect();
        }
        SearchResult {
            chain: None,
            stop: StopReason::DepthLimit(self.max_depth),
            nodes,
        }
    }
}

/// What the search steers towards: each direction's distance in the rule
/// space to a direction of the required rule (`rule_dist[d]`: how many
/// backward steps after `d` at the least before one of the rule's can apply;
/// `u32::MAX / 2`: never, or no rule required).
struct Goals {
    rule_dist: Vec<u32>,
    /// The required rule's directions that may be applied backwards.
    rule_dirs: Vec<usize>,
}

impl Goals {
    fn new(w: &Walker<'_>, c: &Constraints) -> Goals {
        let rs = w.rs;
        let n = rs.dirs.len();
        let far = u32::MAX / 2;
        let mut rule_dist = vec![far; n];
        let Some(r) = c.require_rule else {
            return Goals {
                rule_dist,
                rule_dirs: Vec::new(),
            };
        };
        let rule_dirs: Vec<usize> = (0..n)
            .filter(|&d| rs.dirs[d].rule == r && rs.dirs[d].cost != Cost::Hard)
            .collect();
        for &d in &rule_dirs {
            rule_dist[d] = 0;
        }
        // Backward, `d` introduces its target, which `e` may rewrite next
        // when `d → e` is an edge of the rule space.
        let mut changed = true;
        while changed {
            changed = false;
            for d in 0..n {
                for e in 0..n {
                    if w.space.succ[d][e] && rule_dist[e] + 1 < rule_dist[d] {
                        rule_dist[d] = rule_dist[e] + 1;
                        changed = true;
                    }
                }
            }
        }
        Goals {
            rule_dist,
            rule_dirs,
        }
    }

    /// Whether one of the required rule's directions applies to `t`.
    fn applies(&self, w: &Walker<'_>, t: &Term) -> bool {
        let rs = w.rs;
        let mut scratch = Vec::new();
        let mut stack = vec![t];
        while let Some(x) = stack.pop() {
            for &d in &self.rule_dirs {
                let dir = &rs.dirs[d];
                scratch.clear();
                scratch.resize(rs.rules[dir.rule].vars.len(), None);
                if dir.source.matches_ref(x, &mut scratch) {
                    return true;
                }
            }
            if let Term::App(_, xs) = x {
                stack.extend(xs.iter());
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Generator, Options};

    #[test]
    fn limits_are_typed_stop_reasons_and_found_chains_read_forwards() {
        let g = Generator::load("ring").unwrap();
        let opts = Options::new("ring", "unused".into());
        let limits = opts.limits();
        let coverage = vec![0; g.rs.dirs.len()];
        let w = g.walker(&limits, &coverage);
        let mut rng = Rng::new(3);
        let target = w.sample(&mut rng, g.sort, 6, &[0, 1, 2], &[]);
        let far = Constraints::default().with_min_steps(50);
        let r = BackwardSearch::new(&w)
            .with_node_limit(10)
            .run(&target, &far, &mut rng);
        assert_eq!(r.stop, StopReason::NodeLimit(10));
        assert!(r.chain.is_none());
        let r = BackwardSearch::new(&w)
            .with_max_depth(2)
            .run(&target, &far, &mut rng);
        assert_eq!(r.stop, StopReason::DepthLimit(2));
        // A term no direction applies to, backwards, within size 1.
        let r = BackwardSearch::new(&w)
            .with_max_size(1)
            .run(&Term::Var(0), &far, &mut rng);
        assert_eq!(r.stop, StopReason::Exhausted);

        let add_comm =
            g.rs.rules
                .iter()
                .position(|r| r.name.to_string() == "add_comm")
                .unwrap();
        let want = Constraints::default()
            .with_min_steps(3)
            .with_min_size(target.size() + 2)
            .with_rule(add_comm);
        let r = BackwardSearch::new(&w).run(&target, &want, &mut rng);
        assert_eq!(r.stop, StopReason::Found);
        let ch = r.chain.unwrap();
        assert_eq!(ch.terms.last(), Some(&target));
        assert!(ch.steps.len() >= 3 && ch.terms[0].size() >= target.size() + 2);
        assert!(ch.steps.iter().any(|s| g.rs.dirs[s.dir].rule == add_comm));
        for (i, s) in ch.steps.iter().enumerate() {
            assert_eq!(ch.terms[i].replace_all(&s.from, &s.to), ch.terms[i + 1]);
        }
    }

    /// Attempts `0..n` of the driver with `opts`: how many found a chain.
    /// Every chain found meets the constraints, replays as `rw` and is
    /// checked by the kernel.
    fn found_of(opts: &Options, n: u64) -> u64 {
        let g = Generator::load(&opts.theory).unwrap();
        let limits = opts.limits();
        let coverage = vec![0; g.rs.dirs.len()];
        let w = g.walker(&limits, &coverage);
        let rule = opts.require_rule.as_ref().map(|n| {
            g.rs.rules
                .iter()
                .position(|r| r.name.to_string() == *n)
                .unwrap()
        });
        proofmill_kernel::with_kernel_stack(|| {
            let mut tc = g.theory.env().checker(&[]);
            let mut found = 0;
            for k in 0..n {
                let Ok(ch) = g.walk_one(&w, opts, k) else {
                    continue;
                };
                found += 1;
                let hard = ch
                    .steps
                    .iter()
                    .filter(|s| g.rs.dirs[s.dir].cost == Cost::Hard);
                assert!(hard.count() >= opts.hard_steps);
                assert!(ch.terms[0].size() >= opts.min_size);
                assert!((opts.steps.0..=opts.steps.1).contains(&ch.steps.len()));
                if let Some(r) = rule {
                    assert!(ch.steps.iter().any(|s| g.rs.dirs[s.dir].rule == r));
                }
                for (i, s) in ch.steps.iter().enumerate() {
                    assert_eq!(ch.terms[i].replace_all(&s.from, &s.to), ch.terms[i + 1]);
                }
                let vars = crate::proof::theorem_vars(&ch);
                let th = crate::proof::assemble(&g.rs, &g.pool, &ch, &vars, &mut tc).unwrap();
                crate::proof::kernel_check(&mut tc, &th).unwrap();
            }
            found
        })
    }

    /// Searches under hard constraints mostly succeed: the target has
    /// something to differentiate and the search is steered towards the
    /// constraints. (Before, about 1 in 8 of these searches found a chain,
    /// 1 in 4 of the `mul_add` ones.)
    #[test]
    fn searches_under_hard_constraints_mostly_succeed() {
        let mut opts = Options::new("calculus", "unused".into());
        opts.hard_steps = 2;
        opts.min_size = 8;
        let found = found_of(&opts, 100);
        assert!(found >= 70, "{found} of 100 searches found a chain");
        let mut opts = Options::new("calculus", "unused".into());
        opts.require_rule = Some("mul_add".into());
        let found = found_of(&opts, 100);
        assert!(found >= 70, "{found} of 100 searches found a chain");
    }
}
