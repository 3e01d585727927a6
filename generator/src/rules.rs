//! Rule extraction: the `@[rule]` declarations of a checked theory as
//! first-order equations, each giving two directions with a cost class
//! (DESIGN §5).

use crate::term::{Signature, Sort, SortId, Sym, SymId, Term};
use crate::walk::{Chain, Step};
use proofmill_kernel::{BinderInfo, ExprId, ExprKind, ExprStore, Name};
use proofmill_tactics::theory::Theory;
use std::collections::HashMap;

/// How hard a direction is to apply forwards.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cost {
    /// Matching the source binds every variable of the target.
    Easy,
    /// The target has variables the source does not bind: applying it needs a choice.
    Invent,
    /// Declared hard (`@[rule (fwd := hard)]`): never applied forwards.
    Hard,
}

impl Cost {
    pub fn as_str(self) -> &'static str {
        match self {
            Cost::Easy => "easy",
            Cost::Invent => "invent",
            Cost::Hard => "hard",
        }
    }
}

/// A rule: `∀ vars, lhs = rhs` (or `↔`).
#[derive(Clone, Debug)]
pub struct Rule {
    pub name: Name,
    /// `name` as printed (built once: traces print it for every step).
    pub label: String,
    /// How an application to every variable is written: `label`, or
    /// `@label` when some binder is implicit (`@and_comm p q`, as Lean 4
    /// reads a fully instantiated rule whose arguments core takes implicitly).
    pub head: String,
    /// Binder names and sorts, in order.
    pub vars: Vec<(String, SortId)>,
    pub lhs: Term,
    pub rhs: Term,
    /// The sort both sides live in.
    pub sort: SortId,
    /// Stated with `↔` (used through `propext`).
    pub iff: bool,
    pub fwd_hard: bool,
    /// For a rule whose reverse is an instance of itself (`add_comm`:
    /// `b + a = a + b` is `add_comm b a`), the permutation `π` of its
    /// variables with `rhs = lhs[vᵢ ↦ v_π(i)]` and `lhs = rhs[vᵢ ↦ v_π(i)]`:
    /// the reversed step `← rule σ` is the forward step `rule (σ ∘ π)`.
    pub swap: Option<Vec<u32>>,
}

impl Rule {
    /// The permutation `π` of [`Rule::swap`], if the rule has one.
    fn find_swap(&self) -> Option<Vec<u32>> {
        fn bind(l: &Term, r: &Term, pi: &mut [Option<u32>]) -> bool {
            match (l, r) {
                (Term::Var(i), Term::Var(j)) => match pi.get(*i as usize) {
                    Some(Some(k)) => k == j,
                    Some(None) => {
                        pi[*i as usize] = Some(*j);
                        true
                    }
                    None => false,
                },
                (Term::Lit(a), Term::Lit(b)) => a == b,
                (Term::App(f, xs), Term::App(g, ys)) => {
                    f == g
                        && xs.len() == ys.len()
                        && xs.iter().zip(ys.iter()).all(|(x, y)| bind(x, y, pi))
                }
                _ => false,
            }
        }
        if self.fwd_hard {
            return None;
        }
        let mut pi = vec![None; self.vars.len()];
        if !bind(&self.lhs, &self.rhs, &mut pi) {
            return None;
        }
        let pi: Vec<u32> = pi.into_iter().collect::<Option<Vec<u32>>>()?;
        let sub: Vec<Term> = pi.iter().map(|&j| Term::Var(j)).collect();
        let rename = |t: &Term| t.instantiate(&sub);
        let is_identity = pi.iter().enumerate().all(|(i, &j)| i as u32 == j);
        (!is_identity && rename(&self.lhs) == self.rhs && rename(&self.rhs) == self.lhs)
            .then_some(pi)
    }
}

/// One direction of a rule.
#[derive(Clone, Debug)]
pub struct Direction {
    pub rule: usize,
    /// `false`: lhs → rhs; `true`: rhs → lhs (`rw [← rule]`).
    pub reversed: bool,
    pub cost: Cost,
    pub source: Term,
    pub target: Term,
    /// Target variables the source does not bind (sampled for `invent`).
    pub invented: Vec<u32>,
}

impl Direction {
    /// `add_comm` or `add_comm←`: how reports name a direction.
    pub fn label(&self, rules: &[Rule]) -> String {
        let n = rules[self.rule].name.to_string();
        if self.reversed {
            format!("{n}←")
        } else {
            n
        }
    }
}

/// A rule the generator cannot use, and why.
#[derive(Clone, Debug)]
pub struct Skipped {
    pub name: Name,
    pub reason: String,
}

/// The rules of a theory and the signature they range over.
#[derive(Clone, Debug)]
pub struct RuleSet {
    pub sig: Signature,
    pub rules: Vec<Rule>,
    pub dirs: Vec<Direction>,
    pub skipped: Vec<Skipped>,
}

struct Extract<'t> {
    theory: &'t Theory,
    sig: Signature,
    sym_index: HashMap<Name, SymId>,
}

impl Extract<'_> {
    fn arena(&self) -> &proofmill_kernel::Arena {
        self.theory.env().arena()
    }

    fn sort_of_type(&mut self, ty: ExprId) -> Result<SortId, String> {
        if let Some(i) = self.sig.sorts.iter().position(|s| s.expr == ty) {
            return Ok(i as SortId);
        }
        let (name, is_nat) = match self.arena().kind(ty) {
            ExprKind::Sort(l) if l.is_zero() => ("Prop".to_string(), false),
            ExprKind::Const(n, ls) if ls.is_empty() => (n.to_string(), n.to_string() == "Nat"),
            _ => {
                return Err(format!(
                    "a binder's type is not a constant type or Prop: {}",
                    self.theory.print_expr(ty)
                ))
            }
        };
        self.sig.sorts.push(Sort {
            name,
            expr: ty,
            is_nat,
        });
        Ok((self.sig.sorts.len() - 1) as SortId)
    }

    fn sym(&mut self, n: &Name, nargs: usize) -> Result<SymId, String> {
        if let Some(&i) = self.sym_index.get(n) {
            if self.sig.syms[i as usize].args.len() != nargs {
                return Err(format!("{n} is applied to different numbers of arguments"));
            }
            return Ok(i);
        }
        let info = self
            .theory
            .env()
            .get(n)
            .ok_or_else(|| format!("unknown constant {n}"))?;
        if !info.level_params.is_empty() {
            return Err(format!("{n} is universe polymorphic"));
        }
        let mut ty = info.ty;
        let mut args = Vec::new();
        for _ in 0..nargs {
            match self.arena().kind(ty).clone() {
                ExprKind::Pi(_, BinderInfo::Default, a, b)
                    if self.arena().node(b).bvar_range == 0 =>
                {
                    args.push(self.sort_of_type(a)?);
                    ty = b;
                }
                _ => {
                    return Err(format!(
                        "{n} is not a first-order function of {nargs} explicit arguments"
                    ))
                }
            }
        }
        let result = self.sort_of_type(ty)?;
        self.sig.syms.push(Sym {
            text: n.to_string(),
            name: n.clone(),
            args,
            result,
        });
        let id = (self.sig.syms.len() - 1) as SymId;
        self.sym_index.insert(n.clone(), id);
        Ok(id)
    }

    /// A side of a rule, under `nvars` binders.
    fn term(&mut self, e: ExprId, nvars: u32) -> Result<Term, String> {
        let (head, args) = self.arena().app_args(e);
        match self.arena().kind(head).clone() {
            ExprKind::BVar(i) if args.is_empty() && i < nvars => Ok(Term::Var(nvars - 1 - i)),
            ExprKind::NatLit(n) if args.is_empty() => {
                let v = u32::try_from(&*n).map_err(|_| "a literal too large".to_string())?;
                if !self.sig.lits.contains(&v) {
                    self.sig.lits.push(v);
                }
                Ok(Term::Lit(v))
            }
            ExprKind::Const(n, _) => {
                let f = self.sym(&n, args.len())?;
                let xs = args
                    .iter()
                    .map(|&a| self.term(a, nvars))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Term::App(f, xs.into()))
            }
            _ => Err("a side is not a first-order term".to_string()),
        }
    }

    fn rule(&mut self, name: &Name, stmt: ExprId, fwd_hard: bool) -> Result<Rule, String> {
        let mut vars = Vec::new();
        let mut implicit = false;
        let mut e = stmt;
        while let ExprKind::Pi(n, bi, ty, body) = self.arena().kind(e).clone() {
            match bi {
                BinderInfo::Default => {}
                BinderInfo::Implicit | BinderInfo::StrictImplicit => implicit = true,
                BinderInfo::InstImplicit => {
                    return Err("instance-implicit binders are not supported".into())
                }
            }
            if self.arena().node(ty).bvar_range != 0 {
                return Err("dependent binder types are not supported".into());
            }
            let s = self
                .sort_of_type(ty)
                .map_err(|e| format!("conditional or higher-order rule ({e})"))?;
            vars.push((n.to_string(), s));
            e = body;
        }
        let (head, args) = self.arena().app_args(e);
        let (iff, l, r, sort) = match self.arena().kind(head).clone() {
            ExprKind::Const(n, _) if n.to_string() == "Eq" && args.len() == 3 => {
                if self.arena().node(args[0]).bvar_range != 0 {
                    return Err("the equation's type depends on a variable".into());
                }
                let s = self.sort_of_type(args[0])?;
                (false, args[1], args[2], s)
            }
            ExprKind::Const(n, _) if n.to_string() == "Iff" && args.len() == 2 => {
                let s = self.prop_sort()?;
                (true, args[0], args[1], s)
            }
            _ => return Err("the statement is not an equation or ↔".into()),
        };
        let n = vars.len() as u32;
        let lhs = self.term(l, n)?;
        let rhs = self.term(r, n)?;
        let label = name.to_string();
        Ok(Rule {
            name: name.clone(),
            head: if implicit {
                format!("@{label}")
            } else {
                label.clone()
            },
            label,
            vars,
            lhs,
            rhs,
            sort,
            iff,
            fwd_hard,
            swap: None,
        })
    }

    fn prop_sort(&mut self) -> Result<SortId, String> {
        if let Some(i) = self.sig.sorts.iter().position(|s| s.name == "Prop") {
            return Ok(i as SortId);
        }
        Err("an ↔ rule over a theory without Prop binders".into())
    }
}

impl RuleSet {
    /// The forward direction of rule `r`.
    pub fn forward_dir(&self, r: usize) -> usize {
        self.dirs
            .iter()
            .position(|d| d.rule == r && !d.reversed)
            .expect("every rule has a forward direction")
    }

    /// `chain` with every reversed step of a rule whose reverse is an
    /// instance of itself read forwards (`← add_comm x y` is `add_comm y x`:
    /// the same instance, the same rewrite), as a Lean user writes it.
    pub fn read_forwards<'c>(&self, chain: &'c Chain) -> std::borrow::Cow<'c, Chain> {
        let swapped = |s: &Step| {
            let d = &self.dirs[s.dir];
            d.reversed && self.rules[d.rule].swap.is_some()
        };
        if !chain.steps.iter().any(swapped) {
            return std::borrow::Cow::Borrowed(chain);
        }
        let mut out = chain.clone();
        for s in out.steps.iter_mut().filter(|s| swapped(s)) {
            let rule = self.dirs[s.dir].rule;
            let pi = self.rules[rule].swap.as_ref().expect("a swap");
            s.dir = self.forward_dir(rule);
            s.sigma = pi.iter().map(|&j| s.sigma[j as usize].clone()).collect();
        }
        std::borrow::Cow::Owned(out)
    }

    /// The usable rules of `theory`, with the ones it cannot use and why.
    pub fn extract(theory: &Theory) -> RuleSet {
        let mut x = Extract {
            theory,
            sig: Signature::default(),
            sym_index: HashMap::new(),
        };
        let mut rules: Vec<Rule> = Vec::new();
        let mut skipped = Vec::new();
        for r in theory.rules() {
            let (sig0, idx0) = (x.sig.clone(), x.sym_index.clone());
            match x.rule(&r.name, r.statement, r.fwd_hard) {
                Ok(rule) => rules.push(rule),
                Err(reason) => {
                    x.sig = sig0;
                    x.sym_index = idx0;
                    skipped.push(Skipped {
                        name: r.name.clone(),
                        reason,
                    });
                }
            }
        }
        for r in rules.iter_mut() {
            r.swap = r.find_swap();
        }
        let mut dirs = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            for reversed in [false, true] {
                let (source, target) = if reversed {
                    (&r.rhs, &r.lhs)
                } else {
                    (&r.lhs, &r.rhs)
                };
                let mut sv = Vec::new();
                source.vars(&mut sv);
                let mut tv = Vec::new();
                target.vars(&mut tv);
                let invented: Vec<u32> = tv.into_iter().filter(|v| !sv.contains(v)).collect();
                let cost = if r.fwd_hard && !reversed {
                    Cost::Hard
                } else if invented.is_empty() {
                    Cost::Easy
                } else {
                    Cost::Invent
                };
                dirs.push(Direction {
                    rule: i,
                    reversed,
                    cost,
                    source: source.clone(),
                    target: target.clone(),
                    invented,
                });
            }
        }
        RuleSet {
            sig: x.sig,
            rules,
            dirs,
            skipped,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(theory: &str) -> RuleSet {
        let (t, _) = proofmill_corpora::corpus::theory_source(theory, std::path::Path::new("."))
            .expect("a shipped theory");
        RuleSet::extract(&t)
    }

    #[test]
    fn rules_with_implicit_arguments_are_applied_with_at() {
        let logic = rules("logic");
        // Only `contrapositive` (`(p → q) ↔ …`, not first-order) is left out.
        let skipped: Vec<String> = logic.skipped.iter().map(|s| s.name.to_string()).collect();
        assert_eq!(skipped, ["contrapositive"]);
        let and_comm = logic
            .rules
            .iter()
            .find(|r| r.label == "and_comm")
            .expect("and_comm");
        assert_eq!(
            (and_comm.head.as_str(), and_comm.vars.len()),
            ("@and_comm", 2)
        );
        let ring = rules("ring");
        let add_comm = ring.rules.iter().find(|r| r.label == "add_comm").unwrap();
        assert_eq!(add_comm.head, "add_comm");
    }
}
