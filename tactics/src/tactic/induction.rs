//! `induction x with | c a b => …` and `cases x with …`: apply the
//! recursor `I.rec` with motive `fun x => target`, one goal per constructor.

use super::Goal;
use crate::elab::{err, Assignment, EResult, Elab};
use crate::syntax::{InductionAlt, Pos};
use proofmill_kernel::{instantiate1, ConstantKind, ExprId, ExprKind, ExprStore, Level, Name};
use std::sync::Arc;

impl Elab<'_> {
    pub(crate) fn tac_induction(
        &mut self,
        g: &Goal,
        target: &str,
        alts: Option<&[InductionAlt]>,
        with_ih: bool,
        pos: Pos,
    ) -> EResult<Vec<Goal>> {
        let tac = if with_ih { "induction" } else { "cases" };
        let Some(x) = self.lookup_local(target) else {
            return err(pos, format!("{tac}: unknown variable '{target}'"));
        };
        let xty = self.tc.local_decl(x).map(|d| d.ty).expect("a local");
        let xty = self.whnf(xty, pos)?;
        let (head, args) = self.tc.store_ref().app_args(xty);
        let ExprKind::Const(ind, ind_levels) = self.kind(head) else {
            let s = self.show(xty);
            return err(
                pos,
                format!("{tac}: the type of '{target}' is not an inductive type\n  {s}"),
            );
        };
        let Some(ConstantKind::Inductive {
            num_params,
            num_indices,
            ctors,
            ..
        }) = self.g.env.get(&ind).map(|i| i.kind.clone())
        else {
            return err(pos, format!("{tac}: '{ind}' is not an inductive type"));
        };
        if num_indices > 0 {
            return err(
                pos,
                format!("{tac}: indexed families such as '{ind}' are not supported"),
            );
        }
        // Other hypotheses may not depend on x.
        for &y in &g.ctx {
            if y == x {
                continue;
            }
            let yty = self.tc.local_decl(y).map(|d| d.ty).expect("a local");
            let yty = self.inst(yty);
            if self
                .local_fvars(yty)
                .contains(&self.fvar_id(x).expect("a local"))
            {
                let n = self
                    .tc
                    .local_decl(y)
                    .map(|d| d.name.to_string())
                    .unwrap_or_default();
                return err(
                    pos,
                    format!("{tac}: hypothesis '{n}' depends on '{target}'"),
                );
            }
        }
        let goal_ty = self.goal_type(g);
        let motive = self.close_over(&[x], goal_ty, false);
        let lvl = self.sort_level(goal_ty, pos)?;
        let rec_name = Name::str(&ind, "rec");
        let Some(rec) = self.g.env.get(&rec_name).cloned() else {
            return err(pos, format!("{tac}: '{rec_name}' is not declared"));
        };
        let mut levels: Vec<Level> = Vec::new();
        if rec.level_params.len() > ind_levels.len() {
            levels.push(lvl);
        } else if !lvl.is_zero() {
            return err(
                pos,
                format!("{tac}: '{ind}' can only be eliminated into Prop"),
            );
        }
        levels.extend(ind_levels.iter().cloned());
        let mut e = self.store().mk_const(rec_name, Arc::from(levels));
        let mut ty = self.infer(e, pos)?;
        let mut minors = Vec::new();
        let ctx: Vec<ExprId> = g.ctx.iter().copied().filter(|&y| y != x).collect();
        let nparams = num_params as usize;
        let total = nparams + 1 + ctors.len() + 1;
        for i in 0..total {
            let ExprKind::Pi(_, _, dom, body) = self.kind(ty) else {
                return err(pos, format!("{tac}: unexpected recursor type"));
            };
            let arg = if i < nparams {
                args[i]
            } else if i == nparams {
                motive
            } else if i < total - 1 {
                let d = self.beta(dom);
                let goal = self.new_goal(d, ctx.clone(), pos);
                minors.push(goal.clone());
                goal.mvar
            } else {
                x
            };
            e = self.store().mk_app(e, arg);
            ty = instantiate1(self.store(), body, arg);
        }
        self.assign(g.mvar, Assignment::Term(e));
        let mut out = Vec::new();
        match alts {
            None => {
                for m in minors {
                    let mty = self.mvars_ty(m.mvar);
                    let n = self.count_pis(mty, pos)?;
                    let names = vec!["_".to_string(); n];
                    out.push(self.intro_all(&m, &names, pos)?);
                }
            }
            Some(alts) => {
                for a in alts {
                    if !ctors.iter().any(|c| c.last_str() == Some(a.ctor.as_str())) {
                        return err(
                            a.pos,
                            format!("{tac}: '{}' is not a constructor of '{ind}'", a.ctor),
                        );
                    }
                }
                for (ci, c) in ctors.iter().enumerate() {
                    let cname = c.last_str().unwrap_or("").to_string();
                    let Some(a) = alts.iter().find(|a| a.ctor == cname) else {
                        return err(pos, format!("{tac}: alternative '{cname}' is missing"));
                    };
                    let m = minors[ci].clone();
                    let mty = self.mvars_ty(m.mvar);
                    let n = self.count_pis(mty, pos)?;
                    let nfields = match self.g.env.get(c).map(|i| i.kind.clone()) {
                        Some(ConstantKind::Constructor { num_fields, .. }) => num_fields as usize,
                        _ => n,
                    };
                    let mut names: Vec<String> = Vec::new();
                    for k in 0..n {
                        let given = if with_ih || k < nfields {
                            a.names.get(k).cloned()
                        } else {
                            None
                        };
                        names.push(given.unwrap_or_else(|| "_".into()));
                    }
                    if a.names.len() > if with_ih { n } else { nfields } {
                        return err(a.pos, format!("{tac}: too many names for '{cname}'"));
                    }
                    let g2 = self.intro_all(&m, &names, a.pos)?;
                    let mut sub = vec![g2];
                    self.run_block(&a.tactics, &mut sub)?;
                    if !sub.is_empty() {
                        let shown = self.show_goals(&sub);
                        return err(a.pos, format!("unsolved goals\n{shown}"));
                    }
                }
            }
        }
        Ok(out)
    }

    fn mvars_ty(&mut self, m: ExprId) -> ExprId {
        self.mvar_type(m)
    }

    fn intro_all(&mut self, g: &Goal, names: &[String], pos: Pos) -> EResult<Goal> {
        if names.is_empty() {
            return Ok(g.clone());
        }
        self.tac_intro(g, names, pos)
    }
}
