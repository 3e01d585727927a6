//! Terms and tactics.

use super::Pos;
use num_bigint::BigUint;

/// A universe level as written: `0`, `u`, `u+1`, `max u v`, `imax u v`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LevelSyn {
    Num(u32),
    Param(String),
    Add(Box<LevelSyn>, u32),
    Max(Box<LevelSyn>, Box<LevelSyn>),
    IMax(Box<LevelSyn>, Box<LevelSyn>),
}

/// How a binder's argument is passed.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum BinderKind {
    /// `(x : A)`
    Explicit,
    /// `{x : A}`
    Implicit,
    /// `⦃x : A⦄` or `{{x : A}}`
    StrictImplicit,
    /// `[x : A]`
    Inst,
}

/// `(x y : A)`: names sharing a type (absent for `fun x => …`).
#[derive(Clone, Debug)]
pub struct Binder {
    pub pos: Pos,
    pub names: Vec<(String, Pos)>,
    pub ty: Option<Term>,
    pub kind: BinderKind,
}

/// Equality ignores positions.
impl PartialEq for Binder {
    fn eq(&self, other: &Binder) -> bool {
        self.kind == other.kind
            && self.ty == other.ty
            && self.names.len() == other.names.len()
            && self
                .names
                .iter()
                .zip(&other.names)
                .all(|((a, _), (b, _))| a == b)
    }
}
impl Eq for Binder {}

/// An argument of an application: positional, or named `(x := e)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    Pos(Term),
    Named(String, Term),
}

/// One step of `calc`: `_ = c := proof`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalcStep {
    pub pos: Pos,
    pub rel: Term,
    pub proof: Term,
}

#[derive(Clone, Debug)]
pub struct Term {
    pub pos: Pos,
    pub kind: TermKind,
}

/// Equality ignores positions: two terms are equal when they are written the same.
impl PartialEq for Term {
    fn eq(&self, other: &Term) -> bool {
        self.kind == other.kind
    }
}
impl Eq for Term {}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TermKind {
    /// A (possibly dotted) name: a local, a constant, or `x.field`.
    Ident(String),
    /// `@f`: every argument explicit.
    Explicit(String),
    Num(BigUint),
    /// `Sort u`
    Sort(LevelSyn),
    /// `Type u` (`Type` is `Type 0`)
    Type(LevelSyn),
    Prop,
    /// `_`
    Hole,
    App(Box<Term>, Vec<Arg>),
    /// `fun x (y : A) => b`
    Lam(Vec<Binder>, Box<Term>),
    /// `∀ x (y : A), b` and `(x : A) → b`
    Pi(Vec<Binder>, Box<Term>),
    /// `A → B`
    Arrow(Box<Term>, Box<Term>),
    /// `∃ x (y : A), p`
    Exists(Vec<Binder>, Box<Term>),
    /// `(e : T)`
    Ascribe(Box<Term>, Box<Term>),
    /// `⟨a, b⟩`
    Anon(Vec<Term>),
    /// `e.1`
    ProjIdx(Box<Term>, u32),
    /// `(e).field`
    ProjField(Box<Term>, String),
    /// `by tac…`
    By(Vec<Tactic>),
    /// `calc a = b := p  _ = c := q`
    Calc(Vec<CalcStep>),
    /// `show T from e`
    Show(Box<Term>, Box<Term>),
}

/// `h`, `← h`, `h a b` in `rw [...]` and `simp only [...]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RwRule {
    pub pos: Pos,
    pub reverse: bool,
    pub term: Term,
}

/// `| succ n ih => tactics`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InductionAlt {
    pub pos: Pos,
    pub ctor: String,
    pub names: Vec<String>,
    pub tactics: Vec<Tactic>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tactic {
    pub pos: Pos,
    pub kind: TacticKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TacticKind {
    Intro(Vec<String>),
    Exact(Term),
    Apply(Term),
    Rfl,
    Symm,
    /// `rw [rules] (at h)`; `nth_rewrite k [rules]` (`occ = Some(k)`)
    /// rewrites only the k-th instance (1-based, in `rw`'s pre-order).
    Rw {
        rules: Vec<RwRule>,
        at: Option<String>,
        occ: Option<usize>,
    },
    Induction {
        target: String,
        alts: Option<Vec<InductionAlt>>,
    },
    Cases {
        target: String,
        alts: Option<Vec<InductionAlt>>,
    },
    Constructor,
    SimpOnly {
        rules: Vec<RwRule>,
        at: Option<String>,
    },
    Calc(Vec<CalcStep>),
    Have {
        name: String,
        ty: Option<Term>,
        value: Term,
    },
    Show(Term),
    /// `· tacs` / `(tacs)`: a focused block
    Focus(Vec<Tactic>),
}
