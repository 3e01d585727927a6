//! A theory in first-order form, shared by the first-order exporters (TPTP,
//! SMT-LIB, Coq): its sorts, its function symbols with their argument and
//! result sorts, and its `@[rule]`s as universally quantified equations
//! (`=`) or equivalences (`↔`) between first-order terms.
//!
//! It is read from the elaborated theory (the kernel's types of the
//! constants, the rules' statements), never from the theory's text, so
//! notation, `variable`s and namespaces are already resolved. A sort is
//! `Prop`, or a constant whose type is `Type` (`R`, `Nat`, `F`). A function
//! symbol is a constant whose type is `S₁ → … → Sₙ → S` over sorts (a
//! constant when `n = 0`); `Not`, `And`, `Or` are functions into `Prop`, and
//! an implication `p → q` between propositions is the pseudo-symbol `→`.
//! `Nat` literals are terms of sort `Nat`.
//!
//! A record's statement and rewriting steps are read here too
//! ([`Signature::statement`], [`Signature::steps`]), as terms over the
//! record's variables.

use crate::error::ExportError;
use proofmill_corpora::corpus::{FoTerm, NonTheorem, Record, Var};
use proofmill_kernel::{BinderInfo, ExprId, ExprKind, ExprStore, Name};
use proofmill_tactics::parse::parse_term;
use proofmill_tactics::syntax::{Arg, TacticKind, Term as Syn, TermKind};
use proofmill_tactics::theory::Theory;
use std::collections::{HashMap, HashSet};

/// The pseudo-symbol of implication between propositions.
pub const IMPLIES: &str = "→";

/// The index of a sort in [`Signature::sorts`].
pub type SortId = usize;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKind {
    /// `Prop`: propositions (as terms, for the untyped or uninterpreted targets).
    Prop,
    /// The prelude's `Nat` (its literals are terms of it).
    Nat,
    /// A theory's own type (`axiom R : Type`).
    Declared,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sort {
    /// The theory's name for it: `Prop`, `Nat`, `R`.
    pub name: String,
    pub kind: SortKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Function {
    /// The full name (`R.add`), or [`IMPLIES`].
    pub name: String,
    pub args: Vec<SortId>,
    pub result: SortId,
    /// Declared by the prelude (`Not`, `And`, `Nat.add`), not by the theory.
    pub prelude: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    Eq,
    Iff,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// The full name (`add_comm`, `Nat.add_comm`).
    pub name: String,
    /// A theorem (proven in the theory), not an axiom.
    pub proven: bool,
    /// Its arguments are implicit (a step names it `@rule`).
    pub implicit: bool,
    /// The variables, in binder order, with their sorts.
    pub vars: Vec<(String, SortId)>,
    pub relation: Relation,
    pub lhs: FoTerm,
    pub rhs: FoTerm,
}

/// A record's statement: `∀ vars, lhs = rhs` (or `↔`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub vars: Vec<(String, SortId)>,
    pub relation: Relation,
    pub lhs: FoTerm,
    pub rhs: FoTerm,
}

/// One step of a record's trace: `rw [← rule args]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RwStep {
    /// Index into [`Signature::rules`].
    pub rule: usize,
    pub reversed: bool,
    /// The rule's variables, instantiated (terms over the record's variables).
    pub args: Vec<FoTerm>,
    /// Where the rewritten instance is, in the statement's left side.
    pub position: Vec<u32>,
    /// `nth_rewrite k`: only the k-th instance in the goal (pre-order from
    /// 1, both sides), not every one.
    pub occ: Option<usize>,
}

/// A theory's first-order signature and rules.
#[derive(Clone, Debug)]
pub struct Signature {
    pub sorts: Vec<Sort>,
    pub functions: Vec<Function>,
    pub rules: Vec<Rule>,
    /// Rules that are not first-order equations, with the reason (never
    /// used by a record: the generator rewrites with first-order rules only).
    pub skipped: Vec<(String, String)>,
    fun_index: HashMap<String, usize>,
    rule_index: HashMap<String, usize>,
    sort_index: HashMap<String, SortId>,
    notations: proofmill_tactics::notation::NotationTable,
    /// The names the prelude declares (`Nat`, `Not`, `Nat.add`, …).
    prelude: HashSet<Name>,
}

/// The names declared by the theory's `<prelude>` source (none when the
/// theory does not start from the prelude).
fn prelude_names(theory: &Theory) -> HashSet<Name> {
    let Some((origin, text)) = theory.source_files().find(|(o, _)| *o == "<prelude>") else {
        return HashSet::new();
    };
    match Theory::load_recorded(&[(origin.to_string(), text.to_string())]) {
        Ok(p) => p.declarations().iter().cloned().collect(),
        Err(_) => HashSet::new(),
    }
}

impl Signature {
    /// Reads the signature of `theory`: every rule that is a first-order
    /// equation, the sorts and symbols they use, and every other constant
    /// of the theory's own files with a first-order type over those sorts.
    pub fn of(theory: &Theory) -> Result<Signature, ExportError> {
        let mut sig = Signature {
            sorts: Vec::new(),
            functions: Vec::new(),
            rules: Vec::new(),
            skipped: Vec::new(),
            fun_index: HashMap::new(),
            rule_index: HashMap::new(),
            sort_index: HashMap::new(),
            notations: theory.notations().clone(),
            prelude: prelude_names(theory),
        };
        for r in theory.rules() {
            let name = r.name.to_string();
            match sig.rule(theory, r.statement) {
                Ok((vars, relation, lhs, rhs, implicit)) => {
                    let proven = theory
                        .env()
                        .get(&r.name)
                        .is_some_and(|c| c.value().is_some());
                    sig.rule_index.insert(name.clone(), sig.rules.len());
                    sig.rules.push(Rule {
                        name,
                        proven,
                        implicit,
                        vars,
                        relation,
                        lhs,
                        rhs,
                    });
                }
                Err(why) => sig.skipped.push((name, why)),
            }
        }
        // The theory's other first-order constants (a record may use one
        // that no rule mentions).
        for n in theory.declarations() {
            let s = n.to_string();
            if sig.fun_index.contains_key(&s)
                || sig.sort_index.contains_key(&s)
                || sig.prelude.contains(n)
            {
                continue;
            }
            if let Some(c) = theory.env().get(n) {
                if let Ok((args, result)) = sig.fun_type(theory, c.ty, false) {
                    sig.add_function(s, args, result, false);
                }
            }
        }
        Ok(sig)
    }

    pub fn sort(&self, name: &str) -> Option<SortId> {
        self.sort_index.get(name).copied()
    }

    pub fn function(&self, name: &str) -> Option<&Function> {
        self.fun_index.get(name).map(|&i| &self.functions[i])
    }

    pub fn rule_named(&self, name: &str) -> Option<&Rule> {
        self.rule_index.get(name).map(|&i| &self.rules[i])
    }

    /// The sort of `Nat` literals, when the theory has `Nat`.
    pub fn nat(&self) -> Option<SortId> {
        self.sorts.iter().position(|s| s.kind == SortKind::Nat)
    }

    /// The sort of a term whose variables have the sorts `vars`.
    pub fn sort_of(&self, t: &FoTerm, vars: &[SortId]) -> Option<SortId> {
        match t {
            FoTerm::Var(v) => vars.get(*v as usize).copied(),
            FoTerm::Lit(_) => self.nat(),
            FoTerm::App(f, _) => self.function(f).map(|f| f.result),
        }
    }

    fn add_sort(&mut self, name: String, kind: SortKind) -> SortId {
        if let Some(&i) = self.sort_index.get(&name) {
            return i;
        }
        self.sort_index.insert(name.clone(), self.sorts.len());
        self.sorts.push(Sort { name, kind });
        self.sorts.len() - 1
    }

    fn add_function(&mut self, name: String, args: Vec<SortId>, result: SortId, prelude: bool) {
        if self.fun_index.contains_key(&name) {
            return;
        }
        self.fun_index.insert(name.clone(), self.functions.len());
        self.functions.push(Function {
            name,
            args,
            result,
            prelude,
        });
    }

    /// The sort a binder's type names: `Prop` or a constant of type `Type`.
    fn sort_expr(&mut self, theory: &Theory, ty: ExprId) -> Result<SortId, String> {
        let store = theory.env().arena();
        match store.kind(ty) {
            ExprKind::Sort(l) if l.is_zero() => Ok(self.add_sort("Prop".into(), SortKind::Prop)),
            ExprKind::Const(n, ls) if ls.is_empty() => {
                let c = theory
                    .env()
                    .get(n)
                    .ok_or_else(|| format!("{n} is not declared"))?;
                let is_type = matches!(store.kind(c.ty), ExprKind::Sort(l)
                    if !l.is_zero() && *l == proofmill_kernel::Level::succ(&proofmill_kernel::Level::zero()));
                if !is_type {
                    return Err(format!("{n} is not a type of terms"));
                }
                let name = n.to_string();
                let kind = if name == "Nat" && self.prelude.contains(n) {
                    SortKind::Nat
                } else {
                    SortKind::Declared
                };
                Ok(self.add_sort(name, kind))
            }
            _ => Err(format!("{} is not a sort", theory.print_expr(ty))),
        }
    }

    /// `S₁ → … → Sₙ → S` over sorts: the argument sorts and the result.
    /// `register`: add the sorts met (else they must be known already).
    fn fun_type(
        &mut self,
        theory: &Theory,
        mut ty: ExprId,
        register: bool,
    ) -> Result<(Vec<SortId>, SortId), String> {
        let store = theory.env().arena();
        let mut args = Vec::new();
        let sort = |this: &mut Signature, e: ExprId| -> Result<SortId, String> {
            if register {
                return this.sort_expr(theory, e);
            }
            let known = match store.kind(e) {
                ExprKind::Sort(l) if l.is_zero() => this.sort("Prop"),
                ExprKind::Const(n, _) => this.sort(&n.to_string()),
                _ => None,
            };
            known.ok_or_else(|| "not a known sort".to_string())
        };
        while let ExprKind::Pi(_, bi, dom, body) = store.kind(ty).clone() {
            if bi != BinderInfo::Default || has_loose_bvar(store, body, 0) {
                return Err("a dependent or implicit argument".into());
            }
            args.push(sort(self, dom)?);
            ty = body;
        }
        let result = sort(self, ty)?;
        Ok((args, result))
    }

    /// A rule's statement as variables and an equation.
    #[allow(clippy::type_complexity)]
    fn rule(
        &mut self,
        theory: &Theory,
        stmt: ExprId,
    ) -> Result<(Vec<(String, SortId)>, Relation, FoTerm, FoTerm, bool), String> {
        let store = theory.env().arena();
        let mut e = stmt;
        let mut vars = Vec::new();
        let mut implicit = false;
        while let ExprKind::Pi(n, bi, dom, body) = store.kind(e).clone() {
            if bi == BinderInfo::InstImplicit {
                return Err("an instance argument".into());
            }
            implicit |= bi != BinderInfo::Default;
            vars.push((n.to_string(), self.sort_expr(theory, dom)?));
            e = body;
        }
        let (head, args) = store.app_args(e);
        let (relation, l, r) = match store.kind(head) {
            ExprKind::Const(n, _) if n.to_string() == "Eq" && args.len() == 3 => {
                (Relation::Eq, args[1], args[2])
            }
            ExprKind::Const(n, _) if n.to_string() == "Iff" && args.len() == 2 => {
                (Relation::Iff, args[0], args[1])
            }
            _ => return Err("not an equation or an equivalence".into()),
        };
        let nvars = vars.len() as u32;
        let lhs = self.expr_term(theory, l, nvars, 0)?;
        let rhs = self.expr_term(theory, r, nvars, 0)?;
        Ok((vars, relation, lhs, rhs, implicit))
    }

    /// A kernel expression under `nvars` variable binders and `depth`
    /// further binders (of implications) as a first-order term; the symbols
    /// met are added to the signature.
    fn expr_term(
        &mut self,
        theory: &Theory,
        e: ExprId,
        nvars: u32,
        depth: u32,
    ) -> Result<FoTerm, String> {
        let store = theory.env().arena();
        let (head, args) = store.app_args(e);
        match store.kind(head).clone() {
            ExprKind::BVar(i) if args.is_empty() => {
                if i < depth || i - depth >= nvars {
                    return Err("a bound variable that is not the rule's".into());
                }
                Ok(FoTerm::Var(nvars - 1 - (i - depth)))
            }
            ExprKind::NatLit(n) if args.is_empty() => {
                let n = u32::try_from(&*n).map_err(|_| "a literal too large".to_string())?;
                self.nat_sort(theory)?;
                Ok(FoTerm::Lit(n))
            }
            ExprKind::Const(n, _) => {
                let name = n.to_string();
                if !self.fun_index.contains_key(&name) {
                    let c = theory
                        .env()
                        .get(&n)
                        .ok_or_else(|| format!("{n} is not declared"))?;
                    let (fargs, result) = self.fun_type(theory, c.ty, true)?;
                    let prelude = self.prelude.contains(&n);
                    self.add_function(name.clone(), fargs, result, prelude);
                }
                let arity = self.function(&name).map_or(0, |f| f.args.len());
                if arity != args.len() {
                    return Err(format!("{name} applied to {} arguments", args.len()));
                }
                let xs = args
                    .iter()
                    .map(|&a| self.expr_term(theory, a, nvars, depth))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(FoTerm::App(name, xs))
            }
            ExprKind::Pi(_, BinderInfo::Default, dom, body)
                if args.is_empty() && !has_loose_bvar(store, body, 0) =>
            {
                let prop = self.add_sort("Prop".into(), SortKind::Prop);
                self.add_function(IMPLIES.into(), vec![prop, prop], prop, true);
                let a = self.expr_term(theory, dom, nvars, depth)?;
                let b = self.expr_term(theory, body, nvars, depth + 1)?;
                Ok(FoTerm::App(IMPLIES.into(), vec![a, b]))
            }
            _ => Err("not a first-order term".into()),
        }
    }

    fn nat_sort(&mut self, theory: &Theory) -> Result<SortId, String> {
        if let Some(s) = self.nat() {
            return Ok(s);
        }
        let n = Name::from_dotted("Nat");
        if theory.env().get(&n).is_none() {
            return Err("a literal without Nat".into());
        }
        Ok(self.add_sort("Nat".into(), SortKind::Nat))
    }

    fn record_err(r: &Record, msg: impl Into<String>) -> ExportError {
        ExportError::Record {
            id: r.id.clone(),
            msg: msg.into(),
        }
    }

    /// A record's statement, over its variables.
    pub fn statement(&self, r: &Record) -> Result<Statement, ExportError> {
        self.statement_of(&r.id, &r.statement, &r.vars)
    }

    /// A non-theorem's statement, over its variables.
    pub fn non_theorem_statement(&self, r: &NonTheorem) -> Result<Statement, ExportError> {
        self.statement_of(&r.id, &r.statement, &r.vars)
    }

    /// The statement `statement` of record `id` over the variables `vs`.
    fn statement_of(
        &self,
        id: &str,
        statement: &str,
        vs: &[Var],
    ) -> Result<Statement, ExportError> {
        let err = |msg: String| ExportError::Record {
            id: id.to_string(),
            msg,
        };
        let mut vars = Vec::with_capacity(vs.len());
        for v in vs {
            let s = self
                .sort(&v.ty)
                .ok_or_else(|| err(format!("the type {} is not a sort", v.ty)))?;
            vars.push((v.name.clone(), s));
        }
        let body = statement_body(statement, vs)
            .ok_or_else(|| err("the statement does not bind the record's variables".into()))?;
        let t = parse_term(body, &self.notations)
            .map_err(|e| err(format!("the statement does not parse: {}", e.msg)))?;
        let names: Vec<&str> = vs.iter().map(|v| v.name.as_str()).collect();
        let (relation, l, rr) = match &t.kind {
            TermKind::App(f, args) => match (&f.kind, &args[..]) {
                (TermKind::Ident(rel), [Arg::Pos(l), Arg::Pos(r)]) if rel == "Eq" => {
                    (Relation::Eq, l, r)
                }
                (TermKind::Ident(rel), [Arg::Pos(l), Arg::Pos(r)]) if rel == "Iff" => {
                    (Relation::Iff, l, r)
                }
                _ => return Err(err("the statement is not an equation".into())),
            },
            _ => return Err(err("the statement is not an equation".into())),
        };
        let lhs = self.syntax_term(l, &names).map_err(err)?;
        let rhs = self.syntax_term(rr, &names).map_err(err)?;
        Ok(Statement {
            vars,
            relation,
            lhs,
            rhs,
        })
    }

    /// A record's steps, each a rewrite with a rule of the signature,
    /// fully instantiated.
    pub fn steps(&self, r: &Record) -> Result<Vec<RwStep>, ExportError> {
        let names: Vec<&str> = r.vars.iter().map(|v| v.name.as_str()).collect();
        r.steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                self.step(&s.tactic, &names, s.position.clone())
                    .map_err(|m| Self::record_err(r, format!("step {}: {m}", i + 1)))
            })
            .collect()
    }

    fn step(&self, tactic: &str, names: &[&str], position: Vec<u32>) -> Result<RwStep, String> {
        let t = parse_term(&format!("by {tactic}"), &self.notations)
            .map_err(|e| format!("the tactic does not parse: {}", e.msg))?;
        let TermKind::By(tacs) = &t.kind else {
            return Err("not a tactic".into());
        };
        let [tac] = &tacs[..] else {
            return Err("not one tactic".into());
        };
        let TacticKind::Rw {
            rules,
            at: None,
            occ,
        } = &tac.kind
        else {
            return Err("not a rewrite of the goal".into());
        };
        let [rw] = &rules[..] else {
            return Err("not a rewrite with one rule".into());
        };
        let (head, args): (&Syn, &[Arg]) = match &rw.term.kind {
            TermKind::App(f, args) => (f, args),
            _ => (&rw.term, &[]),
        };
        let rule = match &head.kind {
            TermKind::Ident(n) | TermKind::Explicit(n) => n,
            _ => return Err("a rewrite with a term that is not a rule".into()),
        };
        let index = *self
            .rule_index
            .get(rule.as_str())
            .ok_or_else(|| format!("{rule} is not a first-order rule of the theory"))?;
        let args = args
            .iter()
            .map(|a| match a {
                Arg::Pos(x) => self.syntax_term(x, names),
                Arg::Named(n, _) => Err(format!("a named argument ({n} := …)")),
            })
            .collect::<Result<Vec<_>, _>>()?;
        if args.len() != self.rules[index].vars.len() {
            return Err(format!(
                "{rule} is given {} arguments, it has {} variables",
                args.len(),
                self.rules[index].vars.len()
            ));
        }
        Ok(RwStep {
            rule: index,
            reversed: rw.reverse,
            args,
            position,
            occ: *occ,
        })
    }

    /// A surface term over the variables `vars` as a first-order term of
    /// the signature (symbols it lacks are refused, arities checked).
    pub fn syntax_term(&self, t: &Syn, vars: &[&str]) -> Result<FoTerm, String> {
        let t = self.syntax_term_unchecked(t, vars)?;
        self.check_symbols(&t)?;
        Ok(t)
    }

    fn syntax_term_unchecked(&self, t: &Syn, vars: &[&str]) -> Result<FoTerm, String> {
        match &t.kind {
            TermKind::Arrow(a, b) => Ok(FoTerm::App(
                IMPLIES.into(),
                vec![
                    self.syntax_term_unchecked(a, vars)?,
                    self.syntax_term_unchecked(b, vars)?,
                ],
            )),
            TermKind::App(f, args) => {
                let TermKind::Ident(name) = &f.kind else {
                    return Err("an application whose head is not a symbol".into());
                };
                if vars.contains(&name.as_str()) {
                    return Err(format!("the variable {name} is applied"));
                }
                let xs = args
                    .iter()
                    .map(|a| match a {
                        Arg::Pos(x) => self.syntax_term_unchecked(x, vars),
                        Arg::Named(n, _) => Err(format!("a named argument ({n} := …)")),
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(FoTerm::App(name.clone(), xs))
            }
            _ => FoTerm::from_syntax(t, vars),
        }
    }

    fn check_symbols(&self, t: &FoTerm) -> Result<(), String> {
        match t {
            FoTerm::App(f, xs) => {
                let sym = self
                    .function(f)
                    .ok_or_else(|| format!("{f} is not a symbol of the signature"))?;
                if sym.args.len() != xs.len() {
                    return Err(format!("{f} applied to {} arguments", xs.len()));
                }
                xs.iter().try_for_each(|x| self.check_symbols(x))
            }
            FoTerm::Lit(_) if self.nat().is_none() => Err("a literal without Nat".into()),
            _ => Ok(()),
        }
    }
}

/// The statement without its binders: `∀ (a b : R), body` gives `body`
/// (the binders grouped as the generator prints them: consecutive variables
/// of one type together).
fn statement_body<'s>(statement: &'s str, vars: &[Var]) -> Option<&'s str> {
    if vars.is_empty() {
        return Some(statement);
    }
    let mut groups: Vec<(Vec<&str>, &str)> = Vec::new();
    for v in vars {
        match groups.last_mut() {
            Some((ns, t)) if *t == v.ty => ns.push(&v.name),
            _ => groups.push((vec![&v.name], &v.ty)),
        }
    }
    let binders = groups
        .iter()
        .map(|(ns, t)| format!("({} : {t})", ns.join(" ")))
        .collect::<Vec<_>>()
        .join(" ");
    statement
        .strip_prefix("∀ ")?
        .strip_prefix(binders.as_str())?
        .strip_prefix(", ")
}

/// Whether `e` mentions the bound variable `k` (counted from `e`'s root).
fn has_loose_bvar(store: &impl ExprStore, e: ExprId, k: u32) -> bool {
    match store.kind(e) {
        ExprKind::BVar(i) => *i == k,
        ExprKind::App(f, a) => has_loose_bvar(store, *f, k) || has_loose_bvar(store, *a, k),
        ExprKind::Lam(_, _, t, b) | ExprKind::Pi(_, _, t, b) => {
            has_loose_bvar(store, *t, k) || has_loose_bvar(store, *b, k + 1)
        }
        ExprKind::Let(_, t, v, b) => {
            has_loose_bvar(store, *t, k)
                || has_loose_bvar(store, *v, k)
                || has_loose_bvar(store, *b, k + 1)
        }
        ExprKind::Proj(_, _, x) => has_loose_bvar(store, *x, k),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig(name: &str) -> Signature {
        Signature::of(&Theory::shipped(name).unwrap()).unwrap()
    }

    #[test]
    fn ring_has_one_sort_five_symbols_and_every_rule() {
        let s = sig("ring");
        assert_eq!(s.sorts.len(), 1);
        assert_eq!(s.sorts[0].name, "R");
        let add = s.function("R.add").unwrap();
        assert_eq!((add.args.len(), add.result), (2, 0));
        assert_eq!(s.function("R.zero").unwrap().args.len(), 0);
        assert_eq!(s.rules.len(), 13, "{:?}", s.skipped);
        let mz = s.rule_named("mul_zero").unwrap();
        assert!(mz.proven);
        assert!(!s.rule_named("add_comm").unwrap().proven);
        assert_eq!(
            mz.lhs,
            FoTerm::App(
                "R.mul".into(),
                vec![FoTerm::Var(0), FoTerm::App("R.zero".into(), vec![])]
            )
        );
    }

    #[test]
    fn logic_reads_propositions_and_implication() {
        let s = sig("logic");
        assert!(s.skipped.is_empty(), "{:?}", s.skipped);
        let c = s.rule_named("contrapositive").unwrap();
        assert!(c.implicit && c.proven);
        assert_eq!(c.relation, Relation::Iff);
        assert!(matches!(&c.lhs, FoTerm::App(f, xs) if f == IMPLIES && xs.len() == 2));
        assert_eq!(s.function("Not").unwrap().args.len(), 1);
        assert_eq!(
            s.sorts[s.function("And").unwrap().result].kind,
            SortKind::Prop
        );
    }

    #[test]
    fn nat_and_calculus_have_nat_literals() {
        let n = sig("nat");
        assert_eq!(n.sorts[n.nat().unwrap()].name, "Nat");
        assert!(n.function("Nat.add").unwrap().prelude);
        let c = sig("calculus");
        let konst = c.function("F.const").unwrap();
        assert_eq!(konst.args, vec![c.nat().unwrap()]);
        // Every @[rule] of the theory is a first-order equation.
        let declared = include_str!("../../theories/calculus.theory")
            .lines()
            .filter(|l| l.starts_with("@[rule"))
            .count();
        assert_eq!(c.rules.len(), declared, "{:?}", c.skipped);
        assert!(c.skipped.is_empty(), "{:?}", c.skipped);
    }
}
