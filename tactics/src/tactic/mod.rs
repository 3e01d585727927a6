//! The tactic engine. A goal is a metavariable with the locals it may use;
//! each tactic assigns the main goal a piece of proof (possibly mentioning
//! new goals) and replaces it by those goals. When no goal is left, the
//! assembled term is the proof, which the kernel then checks.
//!
//! Goals print as in Lean: `x y : R` lines, then `⊢ target`.

mod basic;
mod eq;
mod induction;
mod rw;

pub use eq::EqParts;

use crate::elab::{err, EResult, Elab, ElabError, MVarKind};
use crate::syntax::{Pos, Tactic, TacticKind};
use proofmill_kernel::ExprId;

/// The most rewriting steps one `simp only` may take.
pub const MAX_SIMP_STEPS: usize = 200;

#[derive(Clone, Debug)]
pub struct Goal {
    pub mvar: ExprId,
    /// The locals the goal may use, oldest first.
    pub ctx: Vec<ExprId>,
}

impl<'e> Elab<'e> {
    /// Proves `goal` with `tacs`; the result is a closed-over proof term.
    pub fn run_tactics(&mut self, tacs: &[Tactic], goal: ExprId, pos: Pos) -> EResult<ExprId> {
        let ctx: Vec<ExprId> = self.scope.iter().map(|(_, x)| *x).collect();
        let m = self.new_mvar(goal, pos, MVarKind::Goal);
        let mut goals = vec![Goal { mvar: m, ctx }];
        let saved_scope = self.scope.clone();
        let r = self.run_block(tacs, &mut goals);
        self.scope = saved_scope;
        r?;
        if !goals.is_empty() {
            let shown = self.show_goals(&goals);
            return err(pos, format!("unsolved goals\n{shown}"));
        }
        let proof = self.inst(m);
        if self.has_unassigned(proof) {
            return err(pos, "tactics left parts of the proof undetermined");
        }
        Ok(proof)
    }

    pub(crate) fn run_block(&mut self, tacs: &[Tactic], goals: &mut Vec<Goal>) -> EResult<()> {
        for t in tacs {
            if goals.is_empty() {
                return err(t.pos, "no goals to be proved");
            }
            self.run_tactic(t, goals)?;
        }
        Ok(())
    }

    fn run_tactic(&mut self, t: &Tactic, goals: &mut Vec<Goal>) -> EResult<()> {
        let g = goals[0].clone();
        self.set_scope(&g);
        let r = match &t.kind {
            TacticKind::Intro(names) => self.tac_intro(&g, names, t.pos).map(|g2| vec![g2]),
            TacticKind::Exact(e) => self.tac_exact(&g, e, t.pos).map(|_| vec![]),
            TacticKind::Apply(e) => self.tac_apply(&g, e, t.pos),
            TacticKind::Rfl => self.tac_rfl(&g, t.pos).map(|_| vec![]),
            TacticKind::Symm => self.tac_symm(&g, t.pos).map(|g2| vec![g2]),
            TacticKind::Constructor => self.tac_constructor(&g, t.pos),
            TacticKind::Rw { rules, at, occ } => self.tac_rw(&g, rules, at.as_deref(), *occ, t.pos),
            TacticKind::SimpOnly { rules, at } => self.tac_simp(&g, rules, at.as_deref(), t.pos),
            TacticKind::Induction { target, alts } => {
                self.tac_induction(&g, target, alts.as_deref(), true, t.pos)
            }
            TacticKind::Cases { target, alts } => {
                self.tac_induction(&g, target, alts.as_deref(), false, t.pos)
            }
            TacticKind::Calc(steps) => self.tac_calc(&g, steps, t.pos).map(|_| vec![]),
            TacticKind::Have { name, ty, value } => self
                .tac_have(&g, name, ty.as_ref(), value, t.pos)
                .map(|g2| vec![g2]),
            TacticKind::Show(ty) => self.tac_show(&g, ty, t.pos).map(|g2| vec![g2]),
            TacticKind::Focus(tacs) => {
                let mut sub = vec![g.clone()];
                self.run_block(tacs, &mut sub)?;
                if !sub.is_empty() {
                    let shown = self.show_goals(&sub);
                    return err(t.pos, format!("unsolved goals\n{shown}"));
                }
                Ok(vec![])
            }
        };
        match r {
            Ok(new) => {
                goals.splice(0..1, new);
                Ok(())
            }
            Err(e) => Err(self.with_goal(e, &g)),
        }
    }

    /// Adds the goal to a tactic's error message (once).
    fn with_goal(&mut self, e: ElabError, g: &Goal) -> ElabError {
        if e.msg.contains('⊢') {
            return e;
        }
        let shown = self.show_goal(g);
        ElabError {
            pos: e.pos,
            msg: format!("{}\n{shown}", e.msg),
        }
    }

    /// Makes the goal's locals the names in scope (a local's name is
    /// its declaration's, so a scope of the same locals is kept as it is).
    pub(crate) fn set_scope(&mut self, g: &Goal) {
        let same = self.scope.len() == g.ctx.len()
            && self.scope.iter().zip(&g.ctx).all(|((_, x), y)| x == y);
        if same {
            return;
        }
        self.scope = g
            .ctx
            .iter()
            .filter_map(|&x| {
                let n = self.tc.local_decl(x)?.name.to_string();
                Some((n, x))
            })
            .collect();
    }

    pub fn goal_type(&mut self, g: &Goal) -> ExprId {
        self.mvar_type(g.mvar)
    }

    /// `x y : R\n⊢ target`, as Lean prints it.
    pub fn show_goal(&mut self, g: &Goal) -> String {
        let saved = self.scope.clone();
        self.set_scope(g);
        let mut lines: Vec<(Vec<String>, String)> = Vec::new();
        let names: Vec<String> = g
            .ctx
            .iter()
            .map(|&x| {
                self.tc
                    .local_decl(x)
                    .map(|d| d.name.to_string())
                    .unwrap_or_default()
            })
            .collect();
        for (i, &x) in g.ctx.iter().enumerate() {
            let mut name = names[i].clone();
            if names[i + 1..].contains(&name) {
                name.push('✝');
            }
            let ty = self.tc.local_decl(x).map(|d| d.ty);
            let Some(ty) = ty else { continue };
            let shown = self.show(ty);
            match lines.last_mut() {
                Some((ns, t)) if *t == shown => ns.push(name),
                _ => lines.push((vec![name], shown)),
            }
        }
        let target = self.goal_type(g);
        let target = self.show(target);
        self.scope = saved;
        let mut out = String::new();
        for (ns, t) in lines {
            out.push_str(&format!("{} : {t}\n", ns.join(" ")));
        }
        out.push_str(&format!("⊢ {target}"));
        out
    }

    pub fn show_goals(&mut self, goals: &[Goal]) -> String {
        let parts: Vec<String> = goals.iter().map(|g| self.show_goal(g)).collect();
        parts.join("\n\n")
    }

    /// A new goal `?g : ty` in context `ctx`.
    pub(crate) fn new_goal(&mut self, ty: ExprId, ctx: Vec<ExprId>, pos: Pos) -> Goal {
        let mvar = self.new_mvar(ty, pos, MVarKind::Goal);
        Goal { mvar, ctx }
    }
}

#[cfg(test)]
mod tests {
    use crate::theory::Theory;

    fn run(src: &str) -> Result<Theory, crate::theory::TheoryError> {
        proofmill_kernel::with_kernel_stack(|| Theory::load_source("t.theory", src, None))
    }

    #[test]
    fn a_failing_tactic_shows_the_goal_like_lean() {
        let e = run("axiom R : Type\ntheorem t (x y : R) (h : x = y) : y = x := by\n  exact h\n")
            .unwrap_err();
        assert_eq!((e.pos.line, e.pos.col), (3, 9));
        assert!(e.msg.ends_with("x y : R\nh : x = y\n⊢ y = x"), "{}", e.msg);
    }

    #[test]
    fn intro_of_several_binders_builds_the_proof_intro_by_intro_builds() {
        let src = "axiom R : Type
theorem t1 : ∀ (a b : R) (h : a = b), b = a := by
  intro a b h
  exact Eq.symm h
theorem t2 : ∀ (a b : R) (h : a = b), b = a := by
  intro a
  intro b
  intro h
  exact Eq.symm h
theorem t3 : ∀ (a b : R) (h : a = b), b = a := fun (a b : R) (h : a = b) => Eq.symm h
";
        let th = run(src).unwrap();
        let value = |n: &str| {
            let c = th.env().get(&proofmill_kernel::Name::from_dotted(n));
            c.and_then(|c| c.value()).expect("a theorem")
        };
        assert_eq!(value("t1"), value("t2"));
        assert_eq!(value("t1"), value("t3"));
    }

    #[test]
    fn rw_closes_with_rfl_and_symm_flips() {
        run("axiom R : Type\naxiom f : R → R\ntheorem t (x y : R) (h : x = y) : f y = f x := by\n  symm\n  rw [h]\n").unwrap();
    }

    #[test]
    fn nth_rewrite_rewrites_one_instance() {
        let pre =
            "axiom R : Type\naxiom f : R → R → R\naxiom g : R → R\naxiom e (x : R) : x = g x\n";
        // Only the second `x` (pre-order) becomes `g x`; `rw` would rewrite both.
        run(&format!(
            "{pre}theorem t (x : R) : f x x = f x (g x) := by\n  nth_rewrite 2 [e x]\n"
        ))
        .unwrap();
        run(&format!(
            "{pre}theorem t (x : R) : f x x = f (g x) x := by\n  nth_rewrite 1 [e x]\n"
        ))
        .unwrap();
        let e = run(&format!(
            "{pre}theorem t (x : R) : f x x = f x x := by\n  nth_rewrite 5 [e x]\n"
        ))
        .unwrap_err();
        assert!(e.msg.contains("instance number 5"), "{}", e.msg);
        assert!(run(&format!(
            "{pre}theorem t (x : R) : f x x = f x x := by\n  nth_rewrite 0 [e x]\n"
        ))
        .is_err());
    }

    #[test]
    fn rw_at_a_hypothesis() {
        run("axiom R : Type\ntheorem t (x y z : R) (h : x = y) (k : y = z) : x = z := by\n  rw [k] at h\n  exact h\n").unwrap();
    }

    #[test]
    fn apply_leaves_the_premises_as_goals() {
        run("theorem t (p q : Prop) (hp : p) (hq : q) : p ∧ q := by\n  apply And.intro\n  exact hp\n  exact hq\n").unwrap();
    }
}
