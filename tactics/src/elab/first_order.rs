//! First-order terms, elaborated directly.
//!
//! Most of what the elaborator reads is first-order: a corpus statement's
//! two sides, the bodies of `congrArg`'s motives, a rule's arguments, a
//! rewrite's instance. Such a term is a local variable or a constant, or a
//! constant applied to as many arguments as its type has binders, where the
//! type is `A₁ → … → Aₙ → B` with every `Aᵢ` and `B` closed (no bound, free
//! or universe variable: `R → R → R`), every binder explicit and `B` not
//! itself a function type; a local's type is closed and not a function
//! type, and a constant has no universe parameters. `B` may also mention
//! the binders, as a rule's statement does (`∀ (a b : R), a + b = b + a`):
//! the application's type is then `B` with the arguments in their place,
//! as the general path instantiates it binder by binder.
//!
//! On such a term the general path ([`Elab::app_core_typed`]) creates no
//! metavariable: each argument's expected type is known in full, so each is
//! elaborated at once against it and instantiated, the application is
//! built, and its type, `B`, is unified with the expected type. This module
//! does exactly those steps, in the same order, without the general path's
//! bookkeeping (the head's type inferred again, the binder types
//! instantiated, the argument lists collected); an argument that is not
//! first-order goes to the general path, as before. Where the general path
//! unifies two types that are the very same term, which succeeds and
//! assigns nothing, it is skipped, and so is instantiating a term built
//! here from first-order parts alone (it has no metavariable). The terms,
//! the metavariables and the errors are those of the general path; only
//! the work is less.

use super::{EResult, Elab};
use crate::syntax::{Arg, Term, TermKind};
use proofmill_kernel::{BinderInfo, ExprId, ExprKind, ExprStore, Name};
use std::sync::Arc;

/// A constant's type `A₁ → … → Aₙ → B` as above: its binder types and `B`
/// (shared, so that taking it from the cache at every application copies
/// nothing).
#[derive(Clone, Debug)]
pub(crate) struct FirstOrderType {
    doms: Arc<[ExprId]>,
    cod: ExprId,
    /// `B` mentions the binders (`∀ (a b : R), a + b = b + a`, a rule).
    dependent: bool,
}

/// A first-order term elaborated: the term, its type, and whether it was
/// built from first-order parts alone (so holds no metavariable).
type Elaborated = (ExprId, ExprId, bool);

impl Elab<'_> {
    /// `t` elaborated as [`Elab::elab_core_typed`] would, with `expected`
    /// unified with its type the same way, when `t` is first-order; `None`,
    /// having done nothing, when it is not.
    pub(super) fn first_order(
        &mut self,
        t: &Term,
        expected: Option<ExprId>,
    ) -> EResult<Option<Elaborated>> {
        #[cfg(test)]
        if tests::GENERAL_PATH_ONLY.with(|g| g.get()) {
            return Ok(None);
        }
        let (v, ty, pure) = match &t.kind {
            TermKind::Ident(name) => match self.first_order_atom(name) {
                Some((v, ty)) => (v, ty, true),
                None => return Ok(None),
            },
            TermKind::App(head, args) => {
                let TermKind::Ident(name) = &head.kind else {
                    return Ok(None);
                };
                let eligible = args
                    .iter()
                    .all(|a| matches!(a, Arg::Pos(x) if !matches!(x.kind, TermKind::By(_))));
                if !eligible {
                    return Ok(None);
                }
                let Some((c, sig)) = self.first_order_head(name, args.len()) else {
                    return Ok(None);
                };
                let mut e = self.mk_const_levels(c, 0);
                let mut pure = true;
                // The arguments, when the result type mentions them.
                let mut subst = Vec::with_capacity(if sig.dependent { args.len() } else { 0 });
                for (a, &dom) in args.iter().zip(sig.doms.iter()) {
                    let Arg::Pos(a) = a else {
                        unreachable!("only positional arguments are eligible")
                    };
                    let (v, p) = self.first_order_arg(a, dom)?;
                    pure &= p;
                    e = self.store().mk_app(e, v);
                    if sig.dependent {
                        subst.push(v);
                    }
                }
                // `#0` is the last binder.
                subst.reverse();
                let ty = proofmill_kernel::instantiate(self.store(), sig.cod, &subst);
                (e, ty, pure)
            }
            _ => return Ok(None),
        };
        if let Some(x) = expected {
            if x != ty {
                self.unify(ty, x);
            }
        }
        Ok(Some((v, ty, pure)))
    }

    /// An argument against its binder type `dom` (closed), as
    /// `app_core_typed` elaborates it at once: elaborated against `dom`,
    /// checked, and instantiated. Returns it and whether it is pure.
    fn first_order_arg(&mut self, a: &Term, dom: ExprId) -> EResult<(ExprId, bool)> {
        match self.first_order(a, Some(dom))? {
            Some((v, ty, pure)) => {
                if ty != dom {
                    self.ensure_has_type(v, ty, dom, a.pos)?;
                }
                if pure {
                    Ok((v, true))
                } else {
                    Ok((self.inst(v), false))
                }
            }
            None => {
                let v = self.elab(a, Some(dom))?;
                Ok((self.inst(v), false))
            }
        }
    }

    /// A name standing alone, resolved as [`Elab::resolve_head`] does, when
    /// it is a local or a constant of a closed type that is not a function
    /// type: the term and its type.
    fn first_order_atom(&mut self, name: &str) -> Option<(ExprId, ExprId)> {
        if let Some(x) = self.lookup_local(name) {
            if self.mvar_index(x).is_some() {
                return None;
            }
            let ty = self.tc.local_decl(x)?.ty;
            return self.closed_value_type(ty).then_some((x, ty));
        }
        let c = self.first_order_global(name)?;
        let ty = self.g.env.get(&c)?.ty;
        if !self.closed_value_type(ty) {
            return None;
        }
        Some((self.mk_const_levels(c, 0), ty))
    }

    /// The head of an application, resolved as [`Elab::resolve_head`] does,
    /// when it is a constant whose type is first-order with `n` binders.
    fn first_order_head(&mut self, name: &str, n: usize) -> Option<(Name, FirstOrderType)> {
        if self.lookup_local(name).is_some() {
            return None;
        }
        let c = self.first_order_global(name)?;
        let sig = match self.names.first_order.get(&c) {
            Some(s) => s.clone(),
            None => {
                let s = self.first_order_type(&c);
                self.names.first_order.insert(c.clone(), s.clone());
                s
            }
        }?;
        (sig.doms.len() == n).then_some((c, sig))
    }

    /// The constant `name` resolves to when [`Elab::resolve_head`] would
    /// resolve it to a constant without universe parameters.
    fn first_order_global(&mut self, name: &str) -> Option<Name> {
        match self.global_head(name)? {
            (c, 0) => Some(c),
            _ => None,
        }
    }

    /// Constant `c`'s type as a first-order function type, if it is one.
    fn first_order_type(&self, c: &Name) -> Option<FirstOrderType> {
        let st = self.tc.store_ref();
        let mut ty = self.g.env.get(c)?.ty;
        let mut doms = Vec::new();
        while let ExprKind::Pi(_, bi, dom, body) = *st.kind(ty) {
            if bi != BinderInfo::Default || !self.closed(dom) {
                return None;
            }
            doms.push(dom);
            ty = body;
        }
        let n = st.node(ty);
        let cod_ok = !n.has_fvar
            && !n.has_level_param
            && n.bvar_range as usize <= doms.len()
            && (n.bvar_range == 0 || !matches!(st.kind(ty), ExprKind::Pi(..)));
        (!doms.is_empty() && cod_ok).then(|| FirstOrderType {
            dependent: n.bvar_range > 0,
            doms: doms.into(),
            cod: ty,
        })
    }

    /// `ty` has no bound, free or universe variable and is not a function type.
    fn closed_value_type(&self, ty: ExprId) -> bool {
        self.closed(ty) && !matches!(self.tc.store_ref().kind(ty), ExprKind::Pi(..))
    }

    fn closed(&self, e: ExprId) -> bool {
        let n = self.tc.store_ref().node(e);
        n.bvar_range == 0 && !n.has_fvar && !n.has_level_param
    }
}

#[cfg(test)]
pub(super) mod tests {
    use crate::reader::TheoremReader;
    use crate::theory::Theory;
    use proofmill_kernel::alpha_eq;
    use std::cell::Cell;

    thread_local! {
        /// Set: every term takes the general path.
        pub(in crate::elab) static GENERAL_PATH_ONLY: Cell<bool> = const { Cell::new(false) };
        /// Set: no application is elaborated arguments first
        /// ([`super::super::args_first`]), whatever `GENERAL_PATH_ONLY` says.
        pub(in crate::elab) static ARGS_FIRST_OFF: Cell<bool> = const { Cell::new(false) };
    }

    /// Reads `statement` and `proof` with the shortcuts and without them:
    /// the terms must be the same, or both reads fail (with the same error
    /// when `same_error`).
    fn same_either_way(theory: &Theory, statement: &str, proof: &str, same_error: bool) {
        let mut fast = TheoremReader::new(theory);
        let mut general = TheoremReader::new(theory);
        GENERAL_PATH_ONLY.with(|g| g.set(false));
        let shortcut = fast.read(statement, proof, |tc, s, p| {
            GENERAL_PATH_ONLY.with(|g| g.set(true));
            let r = general.read(statement, proof, |tc2, s2, p2| {
                let (a, b) = (tc.store_ref(), tc2.store_ref());
                (alpha_eq(a, s, b, s2), alpha_eq(a, p, b, p2))
            });
            GENERAL_PATH_ONLY.with(|g| g.set(false));
            r
        });
        match shortcut {
            Ok(Ok(same)) => assert_eq!(same, (true, true), "{statement} := {proof}"),
            Ok(Err(e)) => panic!("only the general path fails on {proof}: {e}"),
            Err(e) => {
                GENERAL_PATH_ONLY.with(|g| g.set(true));
                let general = general.read(statement, proof, |_, _, _| ());
                GENERAL_PATH_ONLY.with(|g| g.set(false));
                let general = general.expect_err("only the shortcut fails");
                if same_error {
                    assert_eq!(e.to_string(), general.to_string(), "{statement} := {proof}");
                }
            }
        }
    }

    #[test]
    fn first_order_terms_elaborate_as_the_general_path_elaborates_them() {
        ARGS_FIRST_OFF.with(|g| g.set(true));
        let ring = Theory::shipped("ring").expect("ring checks");
        let chain = "fun (c : R) => Eq.trans (Eq.trans (congrArg (fun (x : R) => x * c) \
            (add_comm (-c) (-(c * R.one)))) (congrArg (fun (x : R) => (-x + -c) * c) \
            (mul_comm c R.one))) (add_mul (-(R.one * c)) (-c) c)";
        let cases = [
            (
                "∀ (c : R), (-c + -(c * R.one)) * c = -(R.one * c) * c + -c * c",
                chain,
            ),
            (
                "∀ (a b c : R), a * (b + c) = a * b + a * c",
                "fun (a b c : R) => mul_add a b c",
            ),
            ("∀ (a : R), a * R.one = a", "fun (a : R) => mul_one a"),
            (
                "∀ (a : R), a * R.one = a",
                "fun (a : R) => mul_one (a * R.one)",
            ),
            ("∀ (a : R), a = a", "fun (a : R) => Eq.refl (R.add a)"),
            ("∀ (a : R), a = a", "fun (a : R) => Eq.refl (R.add a a a)"),
            ("∀ (a : R), a = a", "fun (a : R) => Eq.refl (R.neg R)"),
            ("∀ (a : R), a + a = a + a", "fun (a : R) => Eq.refl (a + _)"),
            ("∀ (a : R), a + a = a + a", "fun (a : R) => rfl"),
            ("∀ (a : R), R.add a = R.add a", "fun (a : R) => rfl"),
        ];
        for (statement, proof) in cases {
            same_either_way(&ring, statement, proof, true);
        }
        let nat = Theory::shipped("nat").expect("nat checks");
        for (statement, proof) in [
            ("∀ (n : Nat), 0 + n = n", "fun (n : Nat) => Nat.zero_add n"),
            (
                "∀ (n : Nat), 0 + n = n",
                "fun (n : Nat) => Nat.zero_add (Nat.succ n)",
            ),
            ("Nat.succ 1 = 2", "rfl"),
        ] {
            same_either_way(&nat, statement, proof, true);
        }
        ARGS_FIRST_OFF.with(|g| g.set(false));
    }

    /// Generated proofs of every shipped theory (`theory`, `statement`,
    /// `proof_term` of records of `generate --count 4 --seed 7` and
    /// `--steps 5..10 --count 4 --seed 8`): elaborated arguments first and
    /// by the general path, they are the same terms. So are wrong proofs
    /// made from them (an argument dropped, two swapped): where the general
    /// path fails, so does the shortcut (its message may differ: a
    /// mismatch is found on the whole application rather than on an
    /// argument, as Lean 4 often reports it too).
    #[test]
    fn applications_elaborated_arguments_first_are_the_general_paths() {
        let (n, theories) =
            crate::test_data::for_each_generated_proof(|theory, statement, proof| {
                same_either_way(theory, statement, proof, true);
                for broken in crate::test_data::broken_variants(proof) {
                    same_either_way(theory, statement, &broken, false);
                }
            });
        assert_eq!(theories, 6, "every shipped theory but the prelude");
        assert!(n >= 48);
        // A tactic block needs its expected type, even when an ascription
        // around the application holding it stands alone.
        let ring = Theory::shipped("ring").expect("ring checks");
        same_either_way(
            &ring,
            "∀ (a b : R), a + b = b + a",
            "fun (a b : R) => Eq.symm (Eq.symm (by rw [add_comm a b]) : b + a = a + b)",
            true,
        );
        // Types equal only up to reduction (`Nat.succ 0` and `1`): the
        // general path takes over with the arguments elaborated.
        // Here the two paths part: both read the proof, but the general
        // path puts the expected type's `Nat.succ 0` in place of the
        // written explicit argument `1` (its metavariable for that argument
        // was assigned from the expected type first), where arguments first
        // keeps `Eq.refl 1` as written, as Lean 4 elaborates it.
        let nat = Theory::shipped("nat").expect("nat checks");
        let read = |general: bool| {
            GENERAL_PATH_ONLY.with(|g| g.set(general));
            let mut r = TheoremReader::new(&nat);
            let statement = "Nat.succ 0 = 1";
            let proof = "Eq.trans (Eq.refl (Nat.succ 0)) (Eq.refl 1)";
            let shown = r.read(statement, proof, |tc, _, p| tc.show(p));
            GENERAL_PATH_ONLY.with(|g| g.set(false));
            shown.expect("the proof reads")
        };
        let refls = "(Eq.refl.{1} Nat (Nat.succ 0))";
        let head = "(Eq.trans.{1} Nat (Nat.succ 0) (Nat.succ 0) 1";
        assert_eq!(
            read(false),
            format!("{head} {refls} (Eq.refl.{{1}} Nat 1))")
        );
        assert_eq!(read(true), format!("{head} {refls} {refls})"));
    }
}
