//! Top-level commands of a theory file.

use super::term::{Binder, Term};
use super::Pos;

/// `@[rule]` or `@[rule (fwd := hard)]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Attribute {
    Rule { fwd_hard: bool },
}

/// `| c (x : A) : T`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ctor {
    pub pos: Pos,
    pub name: String,
    pub binders: Vec<Binder>,
    pub ty: Option<Term>,
}

/// A structure field `name : T` (several names may share a type).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub pos: Pos,
    pub name: String,
    pub binders: Vec<Binder>,
    pub ty: Term,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum NotationKind {
    Infix,
    Infixl,
    Infixr,
    Prefix,
    Postfix,
}

/// One item of the left side of a general `notation`: a quoted token (as
/// written, spaces included) or a variable with an optional precedence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotationItem {
    Token {
        text: String,
        pos: Pos,
    },
    Var {
        name: String,
        prec: Option<u32>,
        pos: Pos,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    pub pos: Pos,
    pub kind: CommandKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommandKind {
    Prelude,
    /// `import nat`
    ImportShipped(String),
    /// `import "path.theory"`
    ImportPath(String),
    Universe(Vec<String>),
    Section(Option<String>),
    Namespace(String),
    End(Option<String>),
    Variable(Vec<Binder>),
    Open(Vec<String>),
    Inductive {
        name: String,
        binders: Vec<Binder>,
        ty: Option<Term>,
        ctors: Vec<Ctor>,
    },
    Structure {
        name: String,
        binders: Vec<Binder>,
        ty: Option<Term>,
        ctor: Option<String>,
        fields: Vec<Field>,
    },
    Def {
        attrs: Vec<Attribute>,
        name: String,
        binders: Vec<Binder>,
        ty: Option<Term>,
        value: Term,
    },
    Theorem {
        attrs: Vec<Attribute>,
        name: String,
        binders: Vec<Binder>,
        ty: Term,
        value: Term,
    },
    Axiom {
        attrs: Vec<Attribute>,
        name: String,
        binders: Vec<Binder>,
        ty: Term,
    },
    Notation {
        kind: NotationKind,
        prec: u32,
        token: String,
        target: String,
    },
    /// `notation:50 a:51 " ≈ " b:51 => Equiv a b`: the right side is a
    /// function applied to the variables; `args[i]` is the index (among the
    /// left side's variables) of the function's `i`th argument.
    Mixfix {
        prec: Option<u32>,
        items: Vec<NotationItem>,
        target: String,
        target_pos: Pos,
        args: Vec<usize>,
    },
}
