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

use crate::elab::{Elab, ElabError, ElabMemory, Globals};
use crate::syntax::Pos;
use crate::theory::{check_solved, Theory, TheoryError};
use proofmill_kernel::{ExprId, LocalStore, TypeChecker};

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
    /// gets the elaborated statement and proof in the elaborator's store.
    /// Errors name `<statement>` or `<proof>` and the line:col in that text.
    pub fn read<R>(
        &mut self,
        statement: &str,
        proof: &str,
        f: impl FnOnce(&LocalStore<'_>, ExprId, ExprId) -> R,
    ) -> Result<R, TheoryError> {
        let in_text = |file: &str| {
            let file = file.to_string();
            move |pos: Pos, msg: String| TheoryError {
                file: file.clone(),
                pos,
                msg,
            }
        };
        let (in_statement, in_proof) = (in_text("<statement>"), in_text("<proof>"));
        let notations = self.theory.notations();
        let st = crate::parse::parse_term(statement, notations)
            .map_err(|e| in_statement(e.pos, e.msg))?;
        let pf = crate::parse::parse_term(proof, notations).map_err(|e| in_proof(e.pos, e.msg))?;
        let g = Globals {
            env: self.theory.env(),
            namespaces: Vec::new(),
            opens: Vec::new(),
            universes: Vec::new(),
            structures: self.theory.structures(),
            notations,
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
        let result = (|| {
            let statement_error = |e: ElabError| in_statement(e.pos, e.msg);
            let proof_error = |e: ElabError| in_proof(e.pos, e.msg);
            let ty = el.elab_type(&st).map_err(statement_error)?;
            check_solved(&mut el, ty, st.pos).map_err(statement_error)?;
            let ty = el.inst(ty);
            let value = el.elab(&pf, Some(ty)).map_err(proof_error)?;
            let value = el.inst(value);
            check_solved(&mut el, value, pf.pos).map_err(proof_error)?;
            Ok(f(el.tc.store_ref(), ty, value))
        })();
        let (tc, mem) = el.into_parts();
        self.spare = Some((tc, mem, served + 1));
        result
    }
}
