//! Proof assembly (DESIGN §6): every step becomes
//! `congrArg (fun x => C[x]) (rule σ)` (with `Eq.symm` for a reversed
//! direction and `propext` for a `↔` rule), the steps are chained with
//! `Eq.trans`, nested to the right (`Eq.trans s₁ (Eq.trans s₂ s₃)`, the
//! proof `rw` builds, so `verify`'s kernel meets the same term twice), and
//! the whole is closed by lambdas over the theorem's variables. The kernel
//! checks the closed proof against the statement; there is no way to skip
//! that check. The same proof is also printed in the theory language, so a
//! corpus reader can elaborate and re-check it independently.

use crate::print::TermPrinter;
use crate::rules::RuleSet;
use crate::term::{Relation, Term};
use crate::walk::{Chain, VarPool};
use proofmill_kernel::{
    BinderInfo, ExprId, ExprKind, ExprStore, KernelError, Level, Name, TypeChecker,
};
use std::sync::Arc;

/// The variables of a chain's theorem, in pool order.
pub fn theorem_vars(chain: &Chain) -> Vec<u32> {
    fn mark(t: &Term, seen: &mut Vec<bool>) {
        match t {
            Term::Var(v) => {
                let v = *v as usize;
                if v >= seen.len() {
                    seen.resize(v + 1, false);
                }
                seen[v] = true;
            }
            Term::Lit(_) => {}
            Term::App(_, xs) => xs.iter().for_each(|x| mark(x, seen)),
        }
    }
    let mut seen = Vec::new();
    for t in &chain.terms {
        mark(t, &mut seen);
    }
    (0..seen.len() as u32)
        .filter(|&v| seen[v as usize])
        .collect()
}

struct Build<'r, 'c, 'e> {
    rs: &'r RuleSet,
    tc: &'c mut TypeChecker<'e>,
    /// Statement variable of each pool variable (index into `vars`).
    slot: Vec<Option<u32>>,
    nvars: u32,
    u: Level,
    /// Each symbol's constant, once built (most terms are a few symbols, many times).
    consts: Vec<Option<ExprId>>,
    /// Each rule's constant, once built.
    rule_consts: Vec<Option<ExprId>>,
    /// `Eq.trans`, `congrArg`, … at the theory's universe, once built.
    known: Vec<(&'static str, ExprId)>,
}

impl Build<'_, '_, '_> {
    fn expr(&mut self, t: &Term, extra: u32) -> ExprId {
        match t {
            Term::Var(v) => {
                let k = self.slot[*v as usize].expect("a theorem variable");
                self.tc.store().mk_bvar(self.nvars - 1 - k + extra)
            }
            Term::Lit(n) => self.tc.store().mk_nat((*n).into()),
            Term::App(f, xs) => {
                let mut e = self.sym(*f);
                for x in xs.iter() {
                    let a = self.expr(x, extra);
                    e = self.tc.store().mk_app(e, a);
                }
                e
            }
        }
    }
    /// A rule's side with its variables instantiated by `sigma`.
    fn pattern(&mut self, t: &Term, sigma: &[ExprId]) -> ExprId {
        match t {
            Term::Var(v) => sigma[*v as usize],
            Term::Lit(n) => self.tc.store().mk_nat((*n).into()),
            Term::App(f, xs) => {
                let mut e = self.sym(*f);
                for x in xs.iter() {
                    let a = self.pattern(x, sigma);
                    e = self.tc.store().mk_app(e, a);
                }
                e
            }
        }
    }
    fn sym(&mut self, f: u32) -> ExprId {
        if let Some(e) = self.consts[f as usize] {
            return e;
        }
        let name = self.rs.sig.syms[f as usize].name.clone();
        let e = self.tc.store().mk_const(name, Arc::from(vec![]));
        self.consts[f as usize] = Some(e);
        e
    }
    /// `t` with every occurrence of `p` replaced by the motive's bound variable.
    fn motive_body(&mut self, t: &Term, p: &Term) -> ExprId {
        if t == p {
            return self.tc.store().mk_bvar(0);
        }
        match t {
            Term::App(f, xs) => {
                let mut e = self.sym(*f);
                for x in xs.iter() {
                    let a = self.motive_body(x, p);
                    e = self.tc.store().mk_app(e, a);
                }
                e
            }
            _ => self.expr(t, 1),
        }
    }
    /// The constant `n` at universe levels `ls`, which for a given `n` are
    /// always the same within one theorem.
    fn cnst(&mut self, n: &'static str, ls: Vec<Level>) -> ExprId {
        if let Some(&(_, e)) = self.known.iter().find(|(m, _)| *m == n) {
            return e;
        }
        let e = self
            .tc
            .store()
            .mk_const(Name::from_dotted(n), Arc::from(ls));
        self.known.push((n, e));
        e
    }
    fn rule(&mut self, r: usize) -> ExprId {
        if let Some(e) = self.rule_consts[r] {
            return e;
        }
        let name = self.rs.rules[r].name.clone();
        let e = self.tc.store().mk_const(name, Arc::from(vec![]));
        self.rule_consts[r] = Some(e);
        e
    }
}

/// A closed statement and proof in the kernel's terms.
pub struct KernelTheorem {
    pub statement: ExprId,
    pub proof: ExprId,
}

/// Builds the statement `∀ vars, t₀ = tₙ` and its proof in `tc`'s store.
/// `vars`: the theorem's variables (`theorem_vars(chain)`).
pub fn assemble(
    rs: &RuleSet,
    pool: &VarPool,
    chain: &Chain,
    vars: &[u32],
    tc: &mut TypeChecker<'_>,
) -> Result<KernelTheorem, KernelError> {
    let mut slot = vec![None; pool.vars.len()];
    for (k, &v) in vars.iter().enumerate() {
        slot[v as usize] = Some(k as u32);
    }
    let alpha = rs.sig.sorts[chain.sort as usize].expr;
    let aty = tc.infer(alpha)?;
    let u = match tc.store_ref().kind(aty) {
        ExprKind::Sort(l) => l.clone(),
        _ => Level::one(),
    };
    let mut b = Build {
        rs,
        tc,
        slot,
        nvars: vars.len() as u32,
        u,
        consts: vec![None; rs.sig.syms.len()],
        rule_consts: vec![None; rs.rules.len()],
        known: Vec::new(),
    };
    let t0 = &chain.terms[0];
    let e0 = b.expr(t0, 0);
    // Each step's proof of `t_i = t_{i+1}`, with `t_i`.
    let mut steps: Vec<(ExprId, ExprId)> = Vec::with_capacity(chain.steps.len());
    let mut e_i = e0;
    for (i, s) in chain.steps.iter().enumerate() {
        let dir = &rs.dirs[s.dir];
        let rule = &rs.rules[dir.rule];
        let mut h = b.rule(dir.rule);
        let sigma: Vec<ExprId> = s.sigma.iter().map(|x| b.expr(x, 0)).collect();
        for &a in &sigma {
            h = b.tc.store().mk_app(h, a);
        }
        let lhs = b.pattern(&rule.lhs, &sigma);
        let rhs = b.pattern(&rule.rhs, &sigma);
        let uu = b.u.clone();
        if rule.iff {
            let pe = b.cnst("propext", vec![]);
            h = b.tc.store().mk_apps(pe, &[lhs, rhs, h]);
        }
        if dir.reversed {
            let sy = b.cnst("Eq.symm", vec![uu.clone()]);
            h = b.tc.store().mk_apps(sy, &[alpha, lhs, rhs, h]);
        }
        let (from, to) = if dir.reversed { (rhs, lhs) } else { (lhs, rhs) };
        let ti = &chain.terms[i];
        let step = if *ti == s.from {
            h
        } else {
            let body = match s.occ {
                None => b.motive_body(ti, &s.from),
                // Only the instance at `position`: mark it and abstract the mark.
                Some(_) => {
                    let mark = Term::Var(u32::MAX);
                    b.motive_body(&ti.replace_at(&s.position, &mark), &mark)
                }
            };
            let motive =
                b.tc.store()
                    .mk_lam(Name::from_dotted("x"), BinderInfo::Default, alpha, body);
            let ca = b.cnst("congrArg", vec![uu.clone(), uu.clone()]);
            b.tc.store()
                .mk_apps(ca, &[alpha, alpha, from, to, motive, h])
        };
        steps.push((step, e_i));
        e_i = b.expr(&chain.terms[i + 1], 0);
    }
    // `t_n`, as the last step left it.
    let en = e_i;
    // `Eq.trans s₁ (Eq.trans s₂ (… sₙ))`: each `Eq.trans` proves `t_i = t_n`
    // from the step `t_i = t_{i+1}` and the rest, the proof `rw` builds
    // from the goal `t_0 = t_n` one step at a time.
    let (mut proof, mut e_next) = steps.pop().expect("a chain has a step");
    let tr = b.cnst("Eq.trans", vec![b.u.clone()]);
    for &(step, e_from) in steps.iter().rev() {
        proof =
            b.tc.store()
                .mk_apps(tr, &[alpha, e_from, e_next, en, step, proof]);
        e_next = e_from;
    }
    let mut stmt = match rs.sig.relation(chain.sort) {
        Relation::Eq => {
            let eq = b.cnst("Eq", vec![b.u.clone()]);
            b.tc.store().mk_apps(eq, &[alpha, e0, en])
        }
        Relation::Iff => {
            let of_eq = b.cnst("Iff.of_eq", vec![]);
            proof = b.tc.store().mk_apps(of_eq, &[e0, en, proof]);
            let iff = b.cnst("Iff", vec![]);
            b.tc.store().mk_apps(iff, &[e0, en])
        }
    };
    for &v in vars.iter().rev() {
        let (name, sort) = &pool.vars[v as usize];
        let ty = rs.sig.sorts[*sort as usize].expr;
        let n = Name::from_dotted(name);
        stmt = b.tc.store().mk_pi(n.clone(), BinderInfo::Default, ty, stmt);
        proof = b.tc.store().mk_lam(n, BinderInfo::Default, ty, proof);
    }
    Ok(KernelTheorem {
        statement: stmt,
        proof,
    })
}

/// The kernel's verdict: the statement is a proposition and the proof proves it.
pub fn kernel_check(tc: &mut TypeChecker<'_>, th: &KernelTheorem) -> Result<(), KernelError> {
    tc.check_type(th.statement)?;
    tc.check_value(&Name::from_dotted("generated"), th.proof, th.statement)
}

/// `(a b : R) (n : Nat)`: binders grouped by sort, for `∀` and `fun`.
pub fn binders(rs: &RuleSet, pool: &VarPool, vars: &[u32]) -> String {
    groups(rs, pool, vars)
        .into_iter()
        .map(|(ns, t)| format!("({} : {t})", ns.join(" ")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Consecutive variables of the same sort, as Lean groups hypotheses.
pub fn groups(rs: &RuleSet, pool: &VarPool, vars: &[u32]) -> Vec<(Vec<String>, String)> {
    let mut out: Vec<(Vec<String>, String)> = Vec::new();
    for &v in vars {
        let (name, sort) = &pool.vars[v as usize];
        let ty = rs.sig.sorts[*sort as usize].name.clone();
        match out.last_mut() {
            Some((ns, t)) if *t == ty => ns.push(name.clone()),
            _ => out.push((vec![name.clone()], ty)),
        }
    }
    out
}

/// The proof in the theory language (implicit arguments left to the elaborator).
/// `names`: the pool's variable names; `vars`: the theorem's (`theorem_vars`).
pub fn print_proof(
    rs: &RuleSet,
    pool: &VarPool,
    names: &[String],
    vars: &[u32],
    chain: &Chain,
    printer: &TermPrinter,
) -> String {
    let used: Vec<&str> = vars.iter().map(|&v| names[v as usize].as_str()).collect();
    let hole = ["x", "y", "z", "w", "u", "v", "e", "q"]
        .into_iter()
        .find(|n| !used.contains(n))
        .unwrap_or("xx");
    let sort = &rs.sig.sorts[chain.sort as usize].name;
    // `Eq.trans (s₁) (Eq.trans (s₂) (s₃))`, written left to right.
    let mut out = String::with_capacity(256 * chain.steps.len());
    if !vars.is_empty() {
        out.push_str("fun ");
        out.push_str(&binders(rs, pool, vars));
        out.push_str(" => ");
    }
    let iff = rs.sig.relation(chain.sort) == Relation::Iff;
    if iff {
        out.push_str("Iff.of_eq (");
    }
    let last = chain.steps.len() - 1;
    for (i, s) in chain.steps.iter().enumerate() {
        if i < last {
            out.push_str("Eq.trans (");
        }
        let dir = &rs.dirs[s.dir];
        let rule = &rs.rules[dir.rule];
        // `congrArg (fun (x : R) => C[x]) (Eq.symm (propext (rule σ)))`, each
        // wrapper only where needed, written straight into `out`.
        let ti = &chain.terms[i];
        let mut close = 0;
        if *ti != s.from {
            // The motive: the term with the instance replaced by a fresh variable.
            out.push_str("congrArg (fun (");
            out.push_str(hole);
            out.push_str(" : ");
            out.push_str(sort);
            out.push_str(") => ");
            match s.occ {
                None => printer.write_with_hole(ti, &s.from, hole, names, &mut out),
                Some(_) => {
                    // Only the instance at `position`: a fresh variable marks it.
                    let mut names2 = names.to_vec();
                    names2.push(hole.to_string());
                    let mark = Term::Var(names.len() as u32);
                    let marked = ti.replace_at(&s.position, &mark);
                    printer.write_with_hole(&marked, &mark, hole, &names2, &mut out);
                }
            }
            out.push_str(") (");
            close += 1;
        }
        if dir.reversed {
            out.push_str("Eq.symm (");
            close += 1;
        }
        if rule.iff {
            out.push_str("propext (");
            close += 1;
        }
        out.push_str(&rule.head);
        for x in &s.sigma {
            out.push(' ');
            printer.write_arg(x, names, &mut out);
        }
        for _ in 0..close {
            out.push(')');
        }
        if i < last {
            out.push_str(") (");
        }
    }
    for _ in 0..last {
        out.push(')');
    }
    if iff {
        out.push(')');
    }
    out
}
