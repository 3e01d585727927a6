//! Inductive declarations: checking a mutual, possibly nested, block of
//! inductive types and generating their constructors and recursors, as Lean
//! 4's kernel does (`src/kernel/inductive.cpp`).
//!
//! [`add_inductive`] runs these steps; nothing reaches the environment unless
//! all of them succeed:
//!
//! 1. Syntactic checks on the submitted block: universe parameters distinct,
//!    terms closed, no reference to the reserved `_nested` auxiliary names,
//!    and every occurrence of a type being declared applied to exactly the
//!    block's parameters and universe levels (Lean's `check_no_nested_aux` and
//!    `check_uniform_ind_occs`; reduction cannot create such occurrences, so
//!    checking the syntax covers them all).
//! 2. Nested occurrences such as `List Tree` are replaced by auxiliary types
//!    added to the block ([`nested`], Lean's `elim_nested_inductive`).
//! 3. The extended block is checked and its recursors generated ([`add`],
//!    Lean's `add_inductive_fn`): type formers first, against the environment
//!    as it is; then the type formers are entered temporarily so that the
//!    constructors can be checked against them, and removed again whatever
//!    the outcome.
//! 4. For a nested block, the auxiliary types are translated back: their
//!    recursors become `I.rec_1`, `I.rec_2`, … over the nested types. The
//!    parameters of each nested occurrence (which the auxiliary types drop)
//!    are type-checked, and the restored constructors and recursors are
//!    type-checked again once they are in place (Lean 4 #14577, #14621).
//!
//! Generated terms are built in a checker's scratch layer and copied into the
//! environment's arena at the end; a refused block leaves only inert terms in
//! the arena, never a constant.

mod add;
mod nested;
#[cfg(test)]
mod tests;

use crate::declaration::{
    ConstantInfo, ConstantKind, DefinitionSafety, InductiveDecl, RecursorRule,
};
use crate::env::Env;
use crate::error::{InductiveFailure, KernelError};
use crate::expr::{Arena, ExprId, ExprKind, ExprStore};
use crate::level::Level;
use crate::name::Name;
use crate::type_checker::TypeChecker;
use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::Arc;

type Res<T> = Result<T, KernelError>;

/// The most auxiliary types one nested block may generate.
const MAX_AUX_TYPES: usize = 10_000;

pub(crate) fn add_inductive(env: &mut Env, decl: InductiveDecl) -> Result<(), KernelError> {
    let Some(first) = decl.types.first() else {
        return Err(KernelError::Inductive {
            name: Name::anon(),
            failure: InductiveFailure::MalformedBlock("a block declares at least one type".into()),
        });
    };
    let block = first.name.clone();
    let lps = check_block_syntax(env, &decl)?;
    let elim = nested::elim_nested(env, &decl)?;
    check_names(env, &decl, &elim)?;
    let types = add::check_inductive_types(env, &elim.decl, &lps)?;
    let (is_rec, is_reflexive) = add::rec_and_reflexive(env.arena(), &elim.decl);
    let b = Block {
        decl: &decl,
        elim: &elim,
        lps,
        types,
        is_rec,
        is_reflexive,
    };
    let (gen, recs) = check_and_generate(env, &b)?;
    let consts = assemble(env, &b, &gen, recs)?;
    for info in &consts {
        if env.contains(&info.name) {
            return Err(KernelError::AlreadyDeclared(info.name.clone()));
        }
    }
    let keep = env.names().len();
    for info in consts.iter().cloned() {
        env.insert(info);
    }
    if !elim.aux.is_empty() {
        if let Err(e) = recheck(env, &consts, &block, decl.is_unsafe) {
            env.truncate(keep);
            return Err(e);
        }
    }
    Ok(())
}

/// A block whose type formers have been checked.
struct Block<'a> {
    /// As submitted.
    decl: &'a InductiveDecl,
    /// With nested occurrences eliminated.
    elim: &'a nested::Elim,
    lps: Arc<[Name]>,
    types: add::TypesInfo,
    is_rec: bool,
    is_reflexive: bool,
}

impl Block<'_> {
    /// The inductive type constant for type `k` of the (extended) block.
    fn type_info(&self, k: usize, all: &Arc<[Name]>) -> ConstantInfo {
        let t = &self.elim.decl.types[k];
        ConstantInfo {
            name: t.name.clone(),
            level_params: self.lps.clone(),
            ty: t.ty,
            kind: ConstantKind::Inductive {
                num_params: self.decl.num_params,
                num_indices: self.types.nindices[k] as u32,
                all: all.clone(),
                ctors: t.ctors.iter().map(|c| c.name.clone()).collect(),
                num_nested: self.elim.aux.len() as u32,
                is_rec: self.is_rec,
                is_reflexive: self.is_reflexive,
            },
            is_unsafe: self.decl.is_unsafe,
        }
    }
}

/// Generated recursors in the environment's arena: type and rules (rule
/// right-hand side, number of fields), per type of the extended block.
type Recs = Vec<(ExprId, Vec<(ExprId, u32)>)>;

/// Enters the type formers temporarily, checks the constructors and
/// generates the recursors, removes the type formers again, and copies the
/// generated terms into the environment's arena.
fn check_and_generate(env: &mut Env, b: &Block<'_>) -> Res<(add::Generated, Recs)> {
    let keep = env.names().len();
    let all_aux: Arc<[Name]> = b.elim.decl.types.iter().map(|t| t.name.clone()).collect();
    for k in 0..b.elim.decl.types.len() {
        env.insert(b.type_info(k, &all_aux));
    }
    let generated = add::generate(env, b.elim, &b.lps, &b.types);
    env.truncate(keep);
    let (scratch, gen) = generated?;
    let mut memo = FxHashMap::default();
    let arena = env.arena_mut();
    let recs = gen
        .recs
        .iter()
        .map(|r| {
            let ty = arena.import_local(&scratch, r.ty, &mut memo);
            let rules = r
                .rules
                .iter()
                .map(|&(rhs, nf)| (arena.import_local(&scratch, rhs, &mut memo), nf))
                .collect();
            (ty, rules)
        })
        .collect();
    Ok((gen, recs))
}

/// The constants the block adds, in Lean's order: without nesting all types,
/// then all constructors, then all recursors; with nesting each type with
/// its constructors and recursor, then the auxiliary recursors `I.rec_k`.
/// For a nested block, auxiliary types are translated back first.
fn assemble(
    env: &mut Env,
    b: &Block<'_>,
    gen: &add::Generated,
    recs: Recs,
) -> Res<Vec<ConstantInfo>> {
    let (decl, elim) = (b.decl, b.elim);
    let nested = !elim.aux.is_empty();
    let norig = decl.types.len();
    let all: Arc<[Name]> = decl.types.iter().map(|t| t.name.clone()).collect();
    let rec_lps: Arc<[Name]> = match &gen.elim_level {
        Some(u) => std::iter::once(u.clone())
            .chain(b.lps.iter().cloned())
            .collect(),
        None => b.lps.clone(),
    };
    let rec_names = rec_names(elim, norig);
    let rec_map: FxHashMap<Name, Name> = elim
        .decl
        .types
        .iter()
        .zip(&rec_names)
        .skip(norig)
        .map(|(t, new)| (rec_name(&t.name), new.clone()))
        .collect();

    let mut type_infos = Vec::with_capacity(norig);
    let mut ctor_infos = Vec::with_capacity(norig);
    let mut rec_infos = Vec::with_capacity(recs.len());
    for (k, (t, (rec_ty, rules))) in elim.decl.types.iter().zip(recs).enumerate() {
        let (rec_ty, rules) = if nested {
            nested::with_arena(env, |_, arena| -> Res<_> {
                let ty = elim.restore(arena, rec_ty, &rec_map)?;
                let rules = rules
                    .into_iter()
                    .map(|(rhs, nf)| Ok((elim.restore(arena, rhs, &rec_map)?, nf)))
                    .collect::<Res<Vec<_>>>()?;
                Ok((ty, rules))
            })?
        } else {
            (rec_ty, rules)
        };
        let rules: Arc<[RecursorRule]> = t
            .ctors
            .iter()
            .zip(rules)
            .map(|(c, (rhs, num_fields))| RecursorRule {
                // An auxiliary type's rules are for the nested type's constructors.
                ctor: elim
                    .aux_ctors
                    .get(&c.name)
                    .map_or_else(|| c.name.clone(), |(j, _)| j.clone()),
                num_fields,
                rhs,
            })
            .collect();
        let major_induct =
            major_induct(env.arena(), rec_ty, gen, k).unwrap_or_else(|| t.name.clone());
        rec_infos.push(ConstantInfo {
            name: rec_names[k].clone(),
            level_params: rec_lps.clone(),
            ty: rec_ty,
            kind: ConstantKind::Recursor {
                all: all.clone(),
                num_params: decl.num_params,
                num_indices: b.types.nindices[k] as u32,
                num_motives: gen.num_motives,
                num_minors: gen.num_minors,
                rules,
                k: gen.k,
                major_induct,
            },
            is_unsafe: decl.is_unsafe,
        });
        if k >= norig {
            continue;
        }
        // The submitted type, with `all` naming the submitted types only.
        type_infos.push(b.type_info(k, &all));
        let mut cs = Vec::with_capacity(t.ctors.len());
        for (cidx, c) in t.ctors.iter().enumerate() {
            let ty = if nested {
                nested::with_arena(env, |_, arena| {
                    elim.restore(arena, c.ty, &FxHashMap::default())
                })?
            } else {
                c.ty
            };
            cs.push(ConstantInfo {
                name: c.name.clone(),
                level_params: b.lps.clone(),
                ty,
                kind: ConstantKind::Constructor {
                    induct: t.name.clone(),
                    cidx: cidx as u32,
                    num_params: decl.num_params,
                    num_fields: gen.num_fields[k][cidx],
                },
                is_unsafe: decl.is_unsafe,
            });
        }
        ctor_infos.push(cs);
    }

    let mut out = Vec::new();
    if nested {
        let aux_recs = rec_infos.split_off(norig);
        for ((ti, cs), ri) in type_infos.into_iter().zip(ctor_infos).zip(rec_infos) {
            out.push(ti);
            out.extend(cs);
            out.push(ri);
        }
        out.extend(aux_recs);
    } else {
        out.extend(type_infos);
        out.extend(ctor_infos.into_iter().flatten());
        out.extend(rec_infos);
    }
    Ok(out)
}

/// `I.rec`
pub(super) fn rec_name(ind: &Name) -> Name {
    Name::str(ind, "rec")
}

/// The final recursor names: `I.rec` for the block's own types, `I₀.rec_k`
/// for the auxiliary ones (`I₀` the block's first type).
fn rec_names(elim: &nested::Elim, norig: usize) -> Vec<Name> {
    let main = rec_name(&elim.decl.types[0].name);
    elim.decl
        .types
        .iter()
        .enumerate()
        .map(|(k, t)| {
            if k < norig {
                rec_name(&t.name)
            } else {
                append_after(&main, &format!("_{}", k - norig + 1))
            }
        })
        .collect()
}

/// The head constant of the major premise's type (Lean's `get_major_induct`).
fn major_induct(arena: &Arena, rec_ty: ExprId, gen: &add::Generated, k: usize) -> Option<Name> {
    let skip = gen.num_params
        + gen.num_motives as usize
        + gen.num_minors as usize
        + gen.recs[k].num_indices;
    let mut t = rec_ty;
    for _ in 0..skip {
        match arena.kind(t) {
            ExprKind::Pi(_, _, _, b) => t = *b,
            _ => return None,
        }
    }
    match arena.kind(t) {
        ExprKind::Pi(_, _, d, _) => arena.head_const(*d).map(|(n, _)| n.clone()),
        _ => None,
    }
}

fn safety(is_unsafe: bool) -> DefinitionSafety {
    if is_unsafe {
        DefinitionSafety::Unsafe
    } else {
        DefinitionSafety::Safe
    }
}

/// Type-checks the restored constructors and recursors of a nested block now
/// that they are in the environment (Lean 4 #14621: redundant with the checks
/// before, kept as defence in depth).
fn recheck(env: &Env, infos: &[ConstantInfo], block: &Name, is_unsafe: bool) -> Res<()> {
    for info in infos {
        let check_ty = matches!(
            info.kind,
            ConstantKind::Constructor { .. } | ConstantKind::Recursor { .. }
        );
        if !check_ty {
            continue;
        }
        let mut tc = TypeChecker::new(
            env,
            info.level_params.clone(),
            safety(is_unsafe),
            info.name.clone(),
        );
        tc.check_type(info.ty)
            .map_err(|e| restore_failed(block, &info.name, e))?;
        if let ConstantKind::Recursor { rules, .. } = &info.kind {
            for r in rules.iter() {
                tc.infer(r.rhs)
                    .map_err(|e| restore_failed(block, &info.name, e))?;
            }
        }
    }
    Ok(())
}

fn restore_failed(block: &Name, what: &Name, e: KernelError) -> KernelError {
    if e.is_decline() {
        return e;
    }
    KernelError::Inductive {
        name: block.clone(),
        failure: InductiveFailure::BadNesting(format!("restored {what} is ill-typed: {e}")),
    }
}

// ----- checks on the submitted block ----------------------------------------

/// Universe parameters distinct; every term closed, within the depth limit,
/// using only declared universe parameters; no `_nested` reference; uniform
/// occurrences of the types being declared.
fn check_block_syntax(env: &Env, decl: &InductiveDecl) -> Res<Arc<[Name]>> {
    let mut seen = FxHashSet::default();
    for p in &decl.level_params {
        if !seen.insert(p.clone()) {
            return Err(KernelError::DuplicateLevelParam(p.clone()));
        }
    }
    for t in &decl.types {
        env.check_term(&t.name, &decl.level_params, t.ty)?;
        for c in &t.ctors {
            env.check_term(&c.name, &decl.level_params, c.ty)?;
        }
    }
    let block = &decl.types[0].name;
    let arena = env.arena();
    // The parameters are binders of the first type (before any reduction, as
    // Lean's nested-occurrence pass requires); checking this first also bounds
    // `num_params` by the size of the input.
    let mut cur = decl.types[0].ty;
    for _ in 0..decl.num_params {
        match arena.kind(cur) {
            ExprKind::Pi(_, _, _, b) => cur = *b,
            _ => {
                return Err(KernelError::Inductive {
                    name: block.clone(),
                    failure: InductiveFailure::MalformedBlock(
                        "the first type has fewer binders than the block has parameters".into(),
                    ),
                })
            }
        }
    }
    for t in &decl.types {
        check_no_nested_aux(arena, block, &t.name, t.ty)?;
        for c in &t.ctors {
            check_no_nested_aux(arena, block, &c.name, c.ty)?;
        }
    }
    let names: FxHashSet<Name> = decl.types.iter().map(|t| t.name.clone()).collect();
    let lvls: Vec<Level> = decl.level_params.iter().map(Level::param).collect();
    let mut memo = FxHashSet::default();
    for t in &decl.types {
        for c in &t.ctors {
            check_uniform(arena, decl, &names, &lvls, &c.name, c.ty, &mut memo).map_err(
                |failure| KernelError::Inductive {
                    name: t.name.clone(),
                    failure,
                },
            )?;
        }
    }
    Ok(decl.level_params.as_slice().into())
}

/// The root of the kernel's auxiliary names for nested occurrences.
fn nested_prefix() -> Name {
    Name::str(&Name::anon(), "_nested")
}

/// A declaration may not name the kernel's auxiliary types (Lean 4 #14616):
/// they exist only while a nested block is checked, and a reference to one
/// would be checked against one type and stored against another.
fn check_no_nested_aux(arena: &Arena, block: &Name, what: &Name, e: ExprId) -> Res<()> {
    let prefix = nested_prefix();
    let mut seen = FxHashSet::default();
    let mut stack = vec![e];
    while let Some(x) = stack.pop() {
        if !seen.insert(x) {
            continue;
        }
        let bad = match arena.kind(x) {
            ExprKind::Const(n, _) | ExprKind::Proj(n, _, _) => n.has_prefix(&prefix),
            _ => false,
        };
        if bad {
            return Err(KernelError::Inductive {
                name: block.clone(),
                failure: InductiveFailure::BadNesting(format!(
                    "{what} uses the reserved prefix _nested"
                )),
            });
        }
        stack.extend(crate::expr::child_ids(arena.kind(x)));
    }
    Ok(())
}

/// Lean's `check_uniform_ind_occs`: in a constructor type, every occurrence
/// of a type being declared that is applied to at most `num_params` arguments
/// must be applied to exactly the constructor's own parameter binders, in
/// order, and to the block's universe parameters. Over-applied occurrences
/// are checked through their parameter prefix and their indices.
fn check_uniform(
    arena: &Arena,
    decl: &InductiveDecl,
    names: &FxHashSet<Name>,
    lvls: &[Level],
    ctor: &Name,
    ty: ExprId,
    memo: &mut FxHashSet<(ExprId, u32)>,
) -> Result<(), InductiveFailure> {
    let np = decl.num_params as usize;
    // Top-level binders, to say which argument is at fault.
    let mut tops = Vec::new();
    let mut cur = ty;
    while let ExprKind::Pi(_, _, d, b) = arena.kind(cur) {
        tops.push(*d);
        cur = *b;
    }
    let parts = tops.iter().copied().chain(std::iter::once(cur)).enumerate();
    for (arg, part) in parts {
        let mut stack = vec![(part, arg as u32)];
        while let Some((e, offset)) = stack.pop() {
            if !memo.insert((e, offset)) {
                continue;
            }
            let (head, args) = arena.app_args(e);
            if let ExprKind::Const(c, us) = arena.kind(head) {
                if names.contains(c) {
                    if args.len() <= np {
                        let ok = args.len() == np
                            && offset as usize >= np
                            && us.len() == lvls.len()
                            && us.iter().zip(lvls).all(|(a, b)| a == b)
                            && args.iter().enumerate().all(|(i, a)| {
                                matches!(arena.kind(*a), ExprKind::BVar(j) if *j as usize + 1 + i == offset as usize)
                            });
                        if !ok {
                            return Err(if arg == tops.len() {
                                InductiveFailure::WrongConstructorResult { ctor: ctor.clone() }
                            } else {
                                InductiveFailure::InvalidOccurrence {
                                    ctor: ctor.clone(),
                                    arg,
                                }
                            });
                        }
                        continue;
                    }
                    // Over-applied: the parameter prefix and the remaining arguments.
                    let prefix = arena_prefix(arena, e, args.len() - np);
                    stack.push((prefix, offset));
                    stack.extend(args[np..].iter().map(|&a| (a, offset)));
                    continue;
                }
            }
            if !args.is_empty() {
                stack.push((head, offset));
                stack.extend(args.iter().map(|&a| (a, offset)));
                continue;
            }
            match arena.kind(e) {
                ExprKind::Lam(_, _, t, b) | ExprKind::Pi(_, _, t, b) => {
                    stack.push((*t, offset));
                    stack.push((*b, offset + 1));
                }
                ExprKind::Let(_, t, v, b) => {
                    stack.push((*t, offset));
                    stack.push((*v, offset));
                    stack.push((*b, offset + 1));
                }
                ExprKind::Proj(_, _, x) => stack.push((*x, offset)),
                _ => {}
            }
        }
    }
    Ok(())
}

/// The application `e` without its last `drop` arguments.
fn arena_prefix(arena: &Arena, mut e: ExprId, drop: usize) -> ExprId {
    for _ in 0..drop {
        if let ExprKind::App(f, _) = arena.kind(e) {
            e = *f;
        }
    }
    e
}

/// Whether `e` mentions a constant named in `names`.
pub(super) fn mentions_any<S: ExprStore + ?Sized>(
    s: &S,
    e: ExprId,
    names: &FxHashSet<Name>,
) -> bool {
    let mut seen = FxHashSet::default();
    let mut stack = vec![e];
    while let Some(x) = stack.pop() {
        if !seen.insert(x) {
            continue;
        }
        match s.kind(x) {
            ExprKind::Const(n, _) if names.contains(n) => return true,
            ExprKind::App(a, b) | ExprKind::Lam(_, _, a, b) | ExprKind::Pi(_, _, a, b) => {
                stack.push(*a);
                stack.push(*b);
            }
            ExprKind::Let(_, a, b, c) => {
                stack.push(*a);
                stack.push(*b);
                stack.push(*c);
            }
            ExprKind::Proj(_, _, a) => stack.push(*a),
            _ => {}
        }
    }
    false
}

/// Every name the block will introduce (types, constructors, recursors, and
/// the auxiliary types' ones while checking) must be fresh and distinct.
fn check_names(env: &Env, decl: &InductiveDecl, elim: &nested::Elim) -> Res<()> {
    let mut seen = FxHashSet::default();
    let mut fresh = |n: Name| -> Res<()> {
        if env.contains(&n) || !seen.insert(n.clone()) {
            return Err(KernelError::AlreadyDeclared(n));
        }
        Ok(())
    };
    for t in &elim.decl.types {
        fresh(t.name.clone())?;
        fresh(rec_name(&t.name))?;
        for c in &t.ctors {
            fresh(c.name.clone())?;
        }
    }
    for n in rec_names(elim, decl.types.len())
        .into_iter()
        .skip(decl.types.len())
    {
        fresh(n)?;
    }
    Ok(())
}

// ----- names -----------------------------------------------------------------

enum Comp {
    Str(String),
    Num(u64),
}

/// The components of a name, root first.
fn components(n: &Name) -> Vec<Comp> {
    let mut out = Vec::new();
    let mut cur = n.clone();
    while !cur.is_anon() {
        let pre = cur.prefix();
        match cur.last_str() {
            Some(s) => out.push(Comp::Str(s.to_string())),
            None => {
                // A numeric component: its value is what `Display` prints last.
                let full = cur.to_string();
                let digits = if pre.is_anon() {
                    full.as_str()
                } else {
                    full.get(pre.to_string().len() + 1..).unwrap_or("")
                };
                out.push(Comp::Num(digits.parse().unwrap_or(0)));
            }
        }
        cur = pre;
    }
    out.reverse();
    out
}

fn extend(mut n: Name, comps: &[Comp]) -> Name {
    for c in comps {
        n = match c {
            Comp::Str(s) => Name::str(&n, s),
            Comp::Num(k) => Name::num(&n, *k),
        };
    }
    n
}

/// Lean's `name::replace_prefix`: `prefix.rest` becomes `new.rest`; other
/// names are unchanged.
pub(super) fn replace_prefix(n: &Name, prefix: &Name, new: &Name) -> Name {
    if !n.has_prefix(prefix) {
        return n.clone();
    }
    let comps = components(n);
    let skip = prefix.len();
    extend(new.clone(), comps.get(skip..).unwrap_or(&[]))
}

/// Lean's `name::append_after`: appends `suffix` to the last component.
pub(super) fn append_after(n: &Name, suffix: &str) -> Name {
    match n.last_str() {
        Some(s) => Name::str(&n.prefix(), &format!("{s}{suffix}")),
        None => Name::str(n, suffix),
    }
}

/// `a ++ b` (Lean's `name + name`).
pub(super) fn concat(a: &Name, b: &Name) -> Name {
    extend(a.clone(), &components(b))
}

/// Whether a level is zero under every assignment of its parameters
/// (Lean 4 compares normalised levels here since #14613).
pub(super) fn is_zero_level(l: &Level) -> bool {
    l.is_zero() || l.leq(&Level::zero())
}
