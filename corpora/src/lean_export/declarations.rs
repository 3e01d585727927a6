//! Raw declaration records → kernel declarations, plus what the input claims
//! about the constants the kernel generates (constructors, recursors,
//! quotient constants), kept for comparison after `Env::add`.

use super::error::Malformed;
use super::json::Res;
use super::records::{CtorRec, DeclRec, Header, InductiveTypeRec, RecursorRec};
use super::tables::Tables;
use proofmill_kernel::{
    Constructor, Declaration, ExprId, InductiveDecl, InductiveType, Name, QuotKind,
};

/// Name, universe parameters and type, resolved.
#[derive(Clone, Debug)]
pub(crate) struct Supplied {
    pub(crate) name: Name,
    pub(crate) level_params: Vec<Name>,
    pub(crate) ty: ExprId,
}

#[derive(Clone, Debug)]
pub(crate) struct SuppliedType {
    pub(crate) head: Supplied,
    pub(crate) num_params: u32,
    pub(crate) num_indices: u32,
    pub(crate) all: Vec<Name>,
    pub(crate) ctors: Vec<Name>,
    pub(crate) num_nested: u32,
    pub(crate) is_rec: bool,
    pub(crate) is_unsafe: bool,
    pub(crate) is_reflexive: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct SuppliedCtor {
    pub(crate) head: Supplied,
    pub(crate) induct: Name,
    pub(crate) cidx: u32,
    pub(crate) num_params: u32,
    pub(crate) num_fields: u32,
    pub(crate) is_unsafe: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct SuppliedRule {
    pub(crate) ctor: Name,
    pub(crate) num_fields: u32,
    pub(crate) rhs: ExprId,
}

#[derive(Clone, Debug)]
pub(crate) struct SuppliedRec {
    pub(crate) head: Supplied,
    pub(crate) all: Vec<Name>,
    pub(crate) num_params: u32,
    pub(crate) num_indices: u32,
    pub(crate) num_motives: u32,
    pub(crate) num_minors: u32,
    pub(crate) rules: Vec<SuppliedRule>,
    pub(crate) k: bool,
    pub(crate) is_unsafe: bool,
}

/// An inductive record, resolved.
#[derive(Clone, Debug)]
pub(crate) struct SuppliedInductive {
    pub(crate) types: Vec<SuppliedType>,
    pub(crate) ctors: Vec<SuppliedCtor>,
    pub(crate) recs: Vec<SuppliedRec>,
}

/// A declaration record, resolved.
#[derive(Clone, Debug)]
pub(crate) enum Resolved {
    /// Axiom, definition, theorem or opaque: submitted as is.
    Plain(Declaration),
    /// One of the four quotient constants (the kernel makes all four at once).
    Quot(Supplied, QuotKind),
    Inductive(SuppliedInductive),
}

impl Resolved {
    /// The name errors about this declaration are reported under.
    pub(crate) fn name(&self) -> Name {
        match self {
            Resolved::Plain(d) => d.names().into_iter().next().unwrap_or_else(Name::anon),
            Resolved::Quot(h, _) => h.name.clone(),
            Resolved::Inductive(ind) => ind.types[0].head.name.clone(),
        }
    }
}

/// A definition's, theorem's or opaque's `all`: names that resolve, among
/// them the declaration's own.
fn check_all(t: &Tables, name: &Name, all: &Option<Vec<u64>>) -> Res<()> {
    let Some(all) = all else { return Ok(()) };
    if t.names(all)?.contains(name) {
        Ok(())
    } else {
        Err(Malformed::AllOmitsSelf {
            name: name.to_string(),
        })
    }
}

fn header(t: &Tables, h: &Header) -> Res<Supplied> {
    Ok(Supplied {
        name: t.name(h.name)?,
        level_params: t.names(&h.level_params)?,
        ty: t.expr(h.ty)?,
    })
}

fn inductive_type(t: &Tables, r: &InductiveTypeRec) -> Res<SuppliedType> {
    Ok(SuppliedType {
        head: header(t, &r.header)?,
        num_params: r.num_params,
        num_indices: r.num_indices,
        all: t.names(&r.all)?,
        ctors: t.names(&r.ctors)?,
        num_nested: r.num_nested,
        is_rec: r.is_rec,
        is_unsafe: r.is_unsafe,
        is_reflexive: r.is_reflexive,
    })
}

fn ctor(t: &Tables, r: &CtorRec) -> Res<SuppliedCtor> {
    Ok(SuppliedCtor {
        head: header(t, &r.header)?,
        induct: t.name(r.induct)?,
        cidx: r.cidx,
        num_params: r.num_params,
        num_fields: r.num_fields,
        is_unsafe: r.is_unsafe,
    })
}

fn recursor(t: &Tables, r: &RecursorRec) -> Res<SuppliedRec> {
    Ok(SuppliedRec {
        head: header(t, &r.header)?,
        all: t.names(&r.all)?,
        num_params: r.num_params,
        num_indices: r.num_indices,
        num_motives: r.num_motives,
        num_minors: r.num_minors,
        rules: r
            .rules
            .iter()
            .map(|x| {
                Ok(SuppliedRule {
                    ctor: t.name(x.ctor)?,
                    num_fields: x.num_fields,
                    rhs: t.expr(x.rhs)?,
                })
            })
            .collect::<Res<Vec<_>>>()?,
        k: r.k,
        is_unsafe: r.is_unsafe,
    })
}

/// Resolves every index of a declaration record.
pub(crate) fn resolve(t: &Tables, d: &DeclRec) -> Res<Resolved> {
    Ok(match d {
        DeclRec::Axiom {
            header: h,
            is_unsafe,
        } => {
            let s = header(t, h)?;
            Resolved::Plain(Declaration::Axiom {
                name: s.name,
                level_params: s.level_params,
                ty: s.ty,
                is_unsafe: *is_unsafe,
            })
        }
        DeclRec::Def {
            header: h,
            value,
            hints,
            safety,
            all,
        } => {
            let s = header(t, h)?;
            check_all(t, &s.name, all)?;
            Resolved::Plain(Declaration::Definition {
                name: s.name,
                level_params: s.level_params,
                ty: s.ty,
                value: t.expr(*value)?,
                hints: *hints,
                safety: *safety,
            })
        }
        DeclRec::Thm {
            header: h,
            value,
            all,
        } => {
            let s = header(t, h)?;
            check_all(t, &s.name, all)?;
            Resolved::Plain(Declaration::Theorem {
                name: s.name,
                level_params: s.level_params,
                ty: s.ty,
                value: t.expr(*value)?,
            })
        }
        DeclRec::Opaque {
            header: h,
            value,
            is_unsafe,
            all,
        } => {
            let s = header(t, h)?;
            check_all(t, &s.name, all)?;
            Resolved::Plain(Declaration::Opaque {
                name: s.name,
                level_params: s.level_params,
                ty: s.ty,
                value: t.expr(*value)?,
                is_unsafe: *is_unsafe,
            })
        }
        DeclRec::Quot { header: h, kind } => Resolved::Quot(header(t, h)?, *kind),
        DeclRec::Inductive { types, ctors, recs } => {
            if types.is_empty() {
                return Err(Malformed::EmptyInductive);
            }
            Resolved::Inductive(SuppliedInductive {
                types: types
                    .iter()
                    .map(|r| inductive_type(t, r))
                    .collect::<Res<_>>()?,
                ctors: ctors.iter().map(|r| ctor(t, r)).collect::<Res<_>>()?,
                recs: recs.iter().map(|r| recursor(t, r)).collect::<Res<_>>()?,
            })
        }
    })
}

impl SuppliedInductive {
    /// What the kernel is asked to check: the block's real types (those in
    /// the first type's `all`, in that order; the auxiliary types of nested
    /// occurrences are the kernel's business), each with the constructors
    /// whose `induct` names it, in input order. Recursors are not submitted:
    /// the kernel generates its own, which are compared with the input's.
    pub(crate) fn to_declaration(&self) -> Declaration {
        let first = &self.types[0];
        let types = first
            .all
            .iter()
            .filter_map(|n| self.types.iter().find(|t| &t.head.name == n))
            .map(|t| InductiveType {
                name: t.head.name.clone(),
                ty: t.head.ty,
                ctors: self
                    .ctors
                    .iter()
                    .filter(|c| c.induct == t.head.name)
                    .map(|c| Constructor {
                        name: c.head.name.clone(),
                        ty: c.head.ty,
                    })
                    .collect(),
            })
            .collect();
        Declaration::Inductive(InductiveDecl {
            level_params: first.head.level_params.clone(),
            num_params: first.num_params,
            types,
            is_unsafe: first.is_unsafe,
        })
    }
}
