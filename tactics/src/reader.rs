//! Reading a theorem back from its text.
//!
//! A corpus record holds a statement and a proof term as text; whoever
//! re-checks it elaborates that text (`proofmill verify`, or a user's
//! `check`). The generator reads every record back this way before writing
//! it, to make sure the text stands for the terms the kernel checked, so
//! this path is hot: a [`TheoremReader`] keeps one type checker (its arena
//! and tables) and the elaborator's tables from theorem to theorem. The
//! checker is reset only every [`RESET_EVERY`] theorems, as the generator's
//! own checkers are: what it computed for one theorem (the types of
//! `Eq.trans` and `congrArg` at universe metavariables, of the rules, …)
//! holds for the next, since it depends on the terms alone. Metavariables
//! of an earlier theorem are only locals to the next elaborator, and no term
//! it builds mentions them.

use crate::elab::{Elab, ElabError, ElabMemory, Globals, MVarKind, OpenProof};
use crate::syntax::{Pos, Tactic, Term};
use crate::tactic::Goal;
use crate::theory::{check_solved, Theory, TheoryError};
use proofmill_kernel::{ExprId, LocalStore, Name, TypeChecker};

/// How many theorems a reader's checker serves before it is reset (its
/// memory stays bounded).
pub const RESET_EVERY: u32 = 32;

/// Reads theorems of one theory from their text, one after another.
pub struct TheoremReader<'t> {
    theory: &'t Theory,
    /// The checker and the elaborator's tables of the previous theorem, and
    /// how many theorems the checker has served since it was reset.
    spare: Option<(TypeChecker<'t>, ElabMemory, u32)>,
}

impl<'t> TheoremReader<'t> {
    pub fn new(theory: &'t Theory) -> TheoremReader<'t> {
        TheoremReader {
            theory,
            spare: None,
        }
    }

    /// Parses `statement` and `proof` with the theory's notation and
    /// elaborates them as `theorem _ : statement := proof` at the theory's
    /// top level would be, without adding anything to the environment. `f`
    /// gets the elaborator's checker (a kernel type checker, whose store
    /// holds the elaborated terms) with the statement and the proof; it may
    /// check them with the kernel there. Errors name `<statement>` or
    /// `<proof>` and the line:col in that text.
    pub fn read<R>(
        &mut self,
        statement: &str,
        proof: &str,
        f: impl FnOnce(&mut TypeChecker<'t>, ExprId, ExprId) -> R,
    ) -> Result<R, TheoryError> {
        self.read_with(statement, proof, closed_proof, f)
    }

    /// [`TheoremReader::read`], except that a proof `fun xs => body` whose
    /// closing is all that is left is not closed (see
    /// [`Elab::elab_proof_open`]): `f` gets a [`ReadProof`], for a caller
    /// that compares the proof with another term or checks it with
    /// [`ReadProof::check`]. Closed over its locals, it is `read`'s proof,
    /// and it reads exactly when `read` succeeds.
    pub fn read_open<R>(
        &mut self,
        statement: &str,
        proof: &str,
        f: impl FnOnce(&mut TypeChecker<'t>, ExprId, ReadProof) -> R,
    ) -> Result<R, TheoryError> {
        self.read_with(statement, proof, read_proof, f)
    }

    /// `read` and `read_open`: the proof elaborated by `elab_proof`
    /// against the statement.
    fn read_with<P, R>(
        &mut self,
        statement: &str,
        proof: &str,
        elab_proof: fn(&mut Elab<'t>, &Term, ExprId) -> Result<P, ElabError>,
        f: impl FnOnce(&mut TypeChecker<'t>, ExprId, P) -> R,
    ) -> Result<R, TheoryError> {
        let (st, pf) = self.parse_theorem(statement, proof)?;
        self.with_elab(|el| {
            let statement_error = |e: ElabError| in_text("<statement>", e.pos, e.msg);
            let ty = el.elab_type(&st).map_err(statement_error)?;
            check_solved(el, ty, st.pos).map_err(statement_error)?;
            let ty = el.inst(ty);
            let value = elab_proof(el, &pf, ty).map_err(|e| in_text("<proof>", e.pos, e.msg))?;
            Ok(f(&mut el.tc, ty, value))
        })
    }

    /// A statement and a proof, parsed with the theory's notation.
    fn parse_theorem(&self, statement: &str, proof: &str) -> Result<(Term, Term), TheoryError> {
        let notations = self.theory.notations();
        let st = crate::parse::parse_term(statement, notations)
            .map_err(|e| in_text("<statement>", e.pos, e.msg))?;
        let pf = crate::parse::parse_term(proof, notations)
            .map_err(|e| in_text("<proof>", e.pos, e.msg))?;
        Ok((st, pf))
    }

    /// Parses and elaborates `statement` alone (a statement with no proof
    /// to read: a non-theorem's), then `f` gets the checker and the
    /// elaborated statement (it may check it with the kernel there).
    pub fn read_statement<R>(
        &mut self,
        statement: &str,
        f: impl FnOnce(&mut TypeChecker<'t>, ExprId) -> R,
    ) -> Result<R, TheoryError> {
        let st = crate::parse::parse_term(statement, self.theory.notations())
            .map_err(|e| in_text("<statement>", e.pos, e.msg))?;
        self.with_elab(|el| {
            let statement_error = |e: ElabError| in_text("<statement>", e.pos, e.msg);
            let ty = el.elab_type(&st).map_err(statement_error)?;
            check_solved(el, ty, st.pos).map_err(statement_error)?;
            let ty = el.inst(ty);
            Ok(f(&mut el.tc, ty))
        })
    }

    /// Replays a tactic script as a trace: elaborates `statement`, then runs
    /// `tactics` (a record's `intro` and steps, each parsed with
    /// [`crate::parse::parse_tactic`]) on its goal one at a time.
    /// `after(k, goals)` is shown the goals left after the first `k`
    /// tactics (`k = 0`: the statement's own goal) and may refuse them.
    /// When every tactic has run and no goal is left, `done` gets the
    /// checker, the statement and the proof the tactics built (it may check
    /// them with the kernel).
    pub fn replay<R, E>(
        &mut self,
        statement: &str,
        tactics: &[Tactic],
        after: impl FnMut(usize, &mut Goals<'_, 't>) -> Result<(), E>,
        done: impl FnOnce(&mut TypeChecker<'t>, ExprId, ExprId) -> R,
    ) -> Result<R, ReplayError<E>> {
        let st = crate::parse::parse_term(statement, self.theory.notations())
            .map_err(|e| ReplayError::Statement(in_text("<statement>", e.pos, e.msg)))?;
        self.with_elab(|el| {
            let ty = elab_statement(el, &st)?;
            let ReadProof::Closed(proof) = run_trace(el, ty, st.pos, tactics, after, false)? else {
                unreachable!("a trace's proof is closed unless asked otherwise")
            };
            Ok(done(&mut el.tc, ty, proof))
        })
    }

    /// [`TheoremReader::read_open`] and [`TheoremReader::replay`] of one
    /// theorem, its statement elaborated once: `check` gets the proof
    /// term, then (if the proof term elaborated) the proof the tactics
    /// built, and its verdict on the first is returned with the replay's.
    /// Either proof may be left open (a `fun` over the statement's
    /// variables, or over the locals of a first `intro`, not closed), for
    /// [`ReadProof::check`].
    pub fn read_and_replay<R, E>(
        &mut self,
        statement: &str,
        proof: &str,
        tactics: &[Tactic],
        after: impl FnMut(usize, &mut Goals<'_, 't>) -> Result<(), E>,
        mut check: impl FnMut(&mut TypeChecker<'t>, ExprId, ReadProof) -> R,
    ) -> Result<(R, Result<R, ReplayError<E>>), TheoryError> {
        let (st, pf) = self.parse_theorem(statement, proof)?;
        self.with_elab(|el| {
            let ty = elab_statement(el, &st).map_err(|e: ReplayError<E>| match e {
                ReplayError::Statement(e) => e,
                _ => unreachable!("only the statement is elaborated"),
            })?;
            let proof_error = |e: ElabError| in_text("<proof>", e.pos, e.msg);
            let value = read_proof(el, &pf, ty).map_err(proof_error)?;
            // The script's `intro` takes the proof term's locals, so that a
            // script that builds the proof term builds the very same term.
            if let ReadProof::Open { locals, .. } = &value {
                el.offer_locals(locals.clone());
            }
            let term = check(&mut el.tc, ty, value);
            let trace =
                run_trace(el, ty, st.pos, tactics, after, true).map(|p| check(&mut el.tc, ty, p));
            Ok((term, trace))
        })
    }

    /// Runs `body` with an elaborator over the theory, made from the
    /// checker and tables the previous theorem left (the checker reset
    /// every [`RESET_EVERY`] theorems).
    fn with_elab<R>(&mut self, body: impl FnOnce(&mut Elab<'t>) -> R) -> R {
        let g = Globals {
            env: self.theory.env(),
            namespaces: Vec::new(),
            opens: Vec::new(),
            universes: Vec::new(),
            structures: self.theory.structures(),
            notations: self.theory.notations(),
        };
        let (tc, mem, served) = match self.spare.take() {
            Some((mut tc, mem, served)) if served >= RESET_EVERY => {
                tc.reset();
                (tc, mem, 0)
            }
            Some(spare) => spare,
            None => (self.theory.env().checker(&[]), ElabMemory::default(), 0),
        };
        let mut el = Elab::with_memory(g, tc, mem);
        let result = body(&mut el);
        let (tc, mem) = el.into_parts();
        self.spare = Some((tc, mem, served + 1));
        result
    }
}

/// A proof as [`TheoremReader::read_open`] gives it.
pub enum ReadProof {
    /// The proof term.
    Closed(ExprId),
    /// The proof term is `fun locals => body`: `locals` are locals of the
    /// checker's context (`TypeChecker::local_decl` gives their names and
    /// types, which hold no metavariable), and `body` mentions them as
    /// free variables.
    Open { locals: Vec<ExprId>, body: ExprId },
}

impl ReadProof {
    /// Checks with the kernel that the proof proves `ty` (a type already
    /// checked), the open one without building its lambda.
    pub fn check(
        &self,
        tc: &mut TypeChecker<'_>,
        name: &Name,
        ty: ExprId,
    ) -> Result<(), proofmill_kernel::KernelError> {
        match self {
            ReadProof::Closed(p) => tc.check_value(name, *p, ty),
            ReadProof::Open { locals, body } => tc.check_lambda_value(name, locals, *body, ty),
        }
    }
}

/// [`Elab::elab`] of `pf` against the statement `ty`, its metavariables
/// instantiated and none left.
fn closed_proof(el: &mut Elab<'_>, pf: &Term, ty: ExprId) -> Result<ExprId, ElabError> {
    let value = el.elab(pf, Some(ty))?;
    let value = el.inst(value);
    check_solved(el, value, pf.pos)?;
    Ok(value)
}

/// [`Elab::elab_proof_open`] of `pf` against the statement `ty`, its
/// metavariables instantiated and none left.
fn read_proof(el: &mut Elab<'_>, pf: &Term, ty: ExprId) -> Result<ReadProof, ElabError> {
    match el.elab_proof_open(pf, ty)? {
        OpenProof::Closed(value) => {
            let value = el.inst(value);
            check_solved(el, value, pf.pos)?;
            Ok(ReadProof::Closed(value))
        }
        // Neither the body nor the locals' types hold a metavariable.
        OpenProof::Open { locals, body } => Ok(ReadProof::Open { locals, body }),
    }
}

/// Elaborates a theorem's statement (no metavariable may be left).
fn elab_statement<E>(el: &mut Elab<'_>, st: &Term) -> Result<ExprId, ReplayError<E>> {
    let ty = el
        .elab_type(st)
        .and_then(|ty| check_solved(el, ty, st.pos).map(|()| ty))
        .map_err(|e| ReplayError::Statement(in_text("<statement>", e.pos, e.msg)))?;
    Ok(el.inst(ty))
}

/// Runs `tactics` one at a time on a new goal `ty`, showing `after` the
/// goals left after each; the proof they built, left open when `open` and
/// the first tactic was an `intro` (its body over the introduced locals).
fn run_trace<'t, E>(
    el: &mut Elab<'t>,
    ty: ExprId,
    pos: Pos,
    tactics: &[Tactic],
    mut after: impl FnMut(usize, &mut Goals<'_, 't>) -> Result<(), E>,
    open: bool,
) -> Result<ReadProof, ReplayError<E>> {
    let goal = el.new_mvar(ty, pos, MVarKind::Goal);
    let mut goals = vec![Goal {
        mvar: goal,
        ctx: Vec::new(),
    }];
    for step in 0..=tactics.len() {
        if step > 0 {
            el.run_block(std::slice::from_ref(&tactics[step - 1]), &mut goals)
                .map_err(|e| ReplayError::Tactic {
                    step: step - 1,
                    error: in_text("<tactic>", e.pos, e.msg),
                })?;
        }
        let mut view = Goals {
            el: &mut *el,
            goals: &goals,
        };
        after(step, &mut view).map_err(|why| ReplayError::Refused { step, why })?;
    }
    if !goals.is_empty() {
        return Err(ReplayError::Unsolved(el.show_goals(&goals)));
    }
    let undetermined =
        || ReplayError::Unsolved("tactics left parts of the proof undetermined".to_string());
    // The goal is `fun xs => ?body` once its body is assigned, as `inst`
    // would close it.
    if let Some((locals, body)) = el.intro_assignment(goal).filter(|_| open) {
        let body = el.inst(body);
        if el.has_unassigned(body) {
            return Err(undetermined());
        }
        if el.is_mvar_free(body) && el.locals_mvar_free(&locals) {
            return Ok(ReadProof::Open { locals, body });
        }
    }
    let proof = el.inst(goal);
    if el.has_unassigned(proof) {
        return Err(undetermined());
    }
    Ok(ReadProof::Closed(proof))
}

/// The goals a replayed tactic left, as `TheoremReader::replay` shows them.
pub struct Goals<'a, 'e> {
    el: &'a mut Elab<'e>,
    goals: &'a [Goal],
}

impl<'e> Goals<'_, 'e> {
    pub fn len(&self) -> usize {
        self.goals.len()
    }

    pub fn is_empty(&self) -> bool {
        self.goals.is_empty()
    }

    /// Goal `i`'s target, its metavariables instantiated.
    pub fn target(&mut self, i: usize) -> ExprId {
        let t = self.el.goal_type(&self.goals[i]);
        self.el.inst(t)
    }

    /// The store the targets live in.
    pub fn store(&self) -> &LocalStore<'e> {
        self.el.tc.store_ref()
    }

    /// The name of a goal's local (`None` if `x` is not a local).
    pub fn local_name(&self, x: ExprId) -> Option<&Name> {
        self.el.tc.local_decl(x).map(|d| &d.name)
    }

    /// The goals as Lean prints them (`no goals` when none is left).
    pub fn show(&mut self) -> String {
        if self.goals.is_empty() {
            "no goals".to_string()
        } else {
            self.el.show_goals(self.goals)
        }
    }
}

/// Why a replayed trace failed.
#[derive(Debug)]
pub enum ReplayError<E> {
    /// The statement does not parse or elaborate.
    Statement(TheoryError),
    /// Tactic `step` does not parse, or fails on its goal.
    Tactic { step: usize, error: TheoryError },
    /// `after` refused the goals left after the first `step` tactics.
    Refused { step: usize, why: E },
    /// Goals are left after the last tactic.
    Unsolved(String),
}

fn in_text(file: &str, pos: Pos, msg: String) -> TheoryError {
    TheoryError {
        file: file.to_string(),
        pos,
        msg,
    }
}

#[cfg(test)]
mod tests {
    use super::{ReadProof, TheoremReader};
    use crate::theory::Theory;
    use proofmill_kernel::{alpha_eq, Name};

    /// `read` and `read_open` of one theorem: both fail, with the same
    /// error, or both succeed, and the open proof closed over its binders
    /// is `read`'s proof. Whether the proof was left open.
    fn open_is_closed(theory: &Theory, statement: &str, proof: &str) -> bool {
        let mut closed = TheoremReader::new(theory);
        let mut open = TheoremReader::new(theory);
        let name = Name::from_dotted("t");
        let read = closed.read(statement, proof, |tc, s, p| {
            let checks = tc.check_type(s).is_ok() && tc.check_value(&name, p, s).is_ok();
            open.read_open(statement, proof, |tc2, s2, p2| {
                // The kernel's verdict on the proof as read is the same.
                assert!(tc2.check_type(s2).is_ok());
                assert_eq!(p2.check(tc2, &name, s2).is_ok(), checks, "{proof}");
                let (p2, was_open) = match p2 {
                    ReadProof::Closed(p2) => (p2, false),
                    ReadProof::Open { locals, body } => (tc2.mk_lam_over(&locals, body), true),
                };
                let (a, b) = (tc.store_ref(), tc2.store_ref());
                let same = alpha_eq(a, s, b, s2) && alpha_eq(a, p, b, p2);
                (same, was_open)
            })
        });
        match read {
            Ok(Ok((same, was_open))) => {
                assert!(same, "{statement} := {proof}");
                was_open
            }
            Ok(Err(e)) => panic!("only read_open fails on {proof}: {e}"),
            Err(e) => {
                let e2 = open
                    .read_open(statement, proof, |_, _, _| ())
                    .expect_err("only read fails");
                assert_eq!(e.to_string(), e2.to_string(), "{statement} := {proof}");
                false
            }
        }
    }

    /// Generated proofs (left open) and proofs made from them that fail,
    /// or that `read_open` closes itself.
    #[test]
    fn a_proof_read_open_is_the_proof_read() {
        let mut opened = 0;
        let (n, _) = crate::test_data::for_each_generated_proof(|theory, statement, proof| {
            opened += usize::from(open_is_closed(theory, statement, proof));
            for broken in crate::test_data::broken_variants(proof) {
                open_is_closed(theory, statement, &broken);
            }
        });
        assert!(n >= 48);
        assert!(opened >= 40, "most generated proofs are read open");
        let ring = Theory::shipped("ring").expect("ring checks");
        let s = "∀ (a b : R), a + b = b + a";
        for (proof, open) in [
            ("fun (a b : R) => add_comm a b", true),
            ("fun (a : R) (b : R) => add_comm a b", true),
            ("fun a b => add_comm a b", true),
            ("fun (a : R) => fun (b : R) => add_comm a b", true),
            ("fun (a b : _) => add_comm a b", false),
            ("add_comm", false),
            ("fun (a b : R) => add_comm b a", false),
            ("fun (a b : R) => add_comm a", false),
            ("fun (a : R) => add_comm a", true),
            ("fun (a b c : R) => add_comm a b", false),
            ("fun (a b : Prop) => add_comm a b", false),
            ("fun (a b : R) => by rw [add_comm a b]", false),
            ("fun (a b : R) => (add_comm a b : a + b = b + a)", false),
            ("fun (a b : R) => _", false),
        ] {
            assert_eq!(open_is_closed(&ring, s, proof), open, "{proof}");
        }
    }

    /// `read_and_replay` of a theorem: whether both proofs check, and
    /// whether the script built the proof term itself (the same body over
    /// the same locals).
    fn replayed_is_term(
        theory: &Theory,
        statement: &str,
        proof: &str,
        script: &[&str],
    ) -> (bool, bool) {
        let tactics: Vec<_> = script
            .iter()
            .map(|t| crate::parse::parse_tactic(t, theory.notations()).expect("a tactic"))
            .collect();
        let name = Name::from_dotted("t");
        let mut reader = TheoremReader::new(theory);
        let (term, trace) = reader
            .read_and_replay(
                statement,
                proof,
                &tactics,
                |_, _| Ok::<(), ()>(()),
                |tc, ty, p| {
                    let checks = tc.check_type(ty).is_ok() && p.check(tc, &name, ty).is_ok();
                    let open = match p {
                        ReadProof::Open { locals, body } => Some((locals, body)),
                        ReadProof::Closed(_) => None,
                    };
                    (checks, open)
                },
            )
            .expect("the theorem reads");
        let trace = trace.expect("the script replays");
        let same = term.1.is_some() && term.1 == trace.1;
        (term.0 && trace.0, same)
    }

    /// A script whose rewrites are all in the goal's left side builds the
    /// generator's proof, `Eq.trans s₁ (… sₙ)`, over the proof term's
    /// locals: the very term, which the kernel then checks once. Other
    /// scripts build other proofs, which check as well.
    #[test]
    fn left_side_rewrites_build_the_proof_term() {
        let ring = Theory::shipped("ring").expect("ring checks");
        let s = "∀ (a b c : R), (a + b) * c = c * (b + a)";
        let p = "fun (a b c : R) => Eq.trans (congrArg (fun (x : R) => x * c) (add_comm a b)) \
                 (mul_comm (b + a) c)";
        let cases: [(&str, &str, &[&str], bool); 5] = [
            (
                s,
                p,
                &[
                    "intro a b c",
                    "rw [add_comm a b]",
                    "rw [mul_comm (b + a) c]",
                ],
                true,
            ),
            // Both rules in one `rw`.
            (
                s,
                p,
                &["intro a b c", "rw [add_comm a b, mul_comm (b + a) c]"],
                true,
            ),
            // Other names: other locals.
            (
                s,
                p,
                &[
                    "intro x y z",
                    "rw [add_comm x y]",
                    "rw [mul_comm (y + x) z]",
                ],
                false,
            ),
            // The instance is in both sides: `Eq.mpr`.
            (
                "∀ (a b : R), (a + b) * (a + b) = (b + a) * (a + b)",
                "fun (a b : R) => congrArg (fun (x : R) => x * (a + b)) (add_comm a b)",
                &["intro a b", "rw [add_comm a b]"],
                false,
            ),
            // A rewrite at the root: the rule's proof itself.
            (
                "∀ (a b : R), a + b = b + a",
                "fun (a b : R) => add_comm a b",
                &["intro a b", "rw [add_comm a b]"],
                true,
            ),
        ];
        for (statement, proof, script, same) in cases {
            assert_eq!(
                replayed_is_term(&ring, statement, proof, script),
                (true, same),
                "{script:?}"
            );
        }
    }
}
