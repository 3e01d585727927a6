//! The export's three index tables (names, levels, expressions) and the
//! construction of each node as its line is read.
//!
//! An export may skip numbers or number its objects in any order, as long as
//! every reference is to an object defined on an earlier line. Exports
//! number densely, so an [`IndexTable`] keeps indices up to about twice the
//! number of entries in a vector, and any other index in a hash map (so
//! memory stays proportional to what the export defines). Name 0 (the anonymous name) and
//! level 0 (`zero`) are predefined. Expressions are built straight into the
//! environment's hash-consing arena, so an expression shared by many
//! declarations is stored once; building is one node per line and never
//! recurses, whatever the depth of the term.

use super::error::{IndexKind, Malformed};
use super::json::Res;
use super::records::{ExprRec, LevelRec, NameRec};
use proofmill_kernel::{Arena, ExprId, ExprStore, Level, Name};
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

/// Values by index: dense indices in a vector, the others in a hash map.
pub(crate) struct IndexTable<T> {
    dense: Vec<Option<T>>,
    sparse: HashMap<u64, T>,
    len: usize,
}

impl<T> Default for IndexTable<T> {
    fn default() -> IndexTable<T> {
        IndexTable {
            dense: Vec::new(),
            sparse: HashMap::default(),
            len: 0,
        }
    }
}

impl<T> IndexTable<T> {
    pub(crate) fn get(&self, i: u64) -> Option<&T> {
        match usize::try_from(i).ok().and_then(|i| self.dense.get(i)) {
            Some(slot) => slot.as_ref(),
            None => self.sparse.get(&i),
        }
    }

    pub(crate) fn contains_key(&self, i: u64) -> bool {
        self.get(i).is_some()
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Records `v` at `i`, which must not be defined yet.
    pub(crate) fn insert(&mut self, i: u64, v: T) {
        self.len += 1;
        let dense_limit = 2 * self.len + 1024;
        match usize::try_from(i) {
            Ok(k) if k < self.dense.len() => self.dense[k] = Some(v),
            Ok(k) if k < dense_limit => {
                self.dense.resize_with(k + 1, || None);
                self.dense[k] = Some(v);
            }
            _ => {
                self.sparse.insert(i, v);
            }
        }
    }
}

/// Names, levels and expressions defined so far.
pub(crate) struct Tables {
    names: IndexTable<Name>,
    levels: IndexTable<Level>,
    exprs: IndexTable<ExprId>,
    /// Deepest level accepted (deeper levels are declined: the kernel
    /// recurses on them).
    max_level_depth: u32,
}

fn undefined(kind: IndexKind, index: u64) -> Malformed {
    Malformed::UndefinedIndex { kind, index }
}

impl Tables {
    pub(crate) fn new(max_level_depth: u32) -> Tables {
        Tables {
            names: IndexTable::default(),
            levels: IndexTable::default(),
            exprs: IndexTable::default(),
            max_level_depth,
        }
    }

    pub(crate) fn name(&self, i: u64) -> Res<Name> {
        if i == 0 {
            return Ok(Name::anon());
        }
        self.names
            .get(i)
            .cloned()
            .ok_or(undefined(IndexKind::Name, i))
    }

    pub(crate) fn names(&self, is: &[u64]) -> Res<Vec<Name>> {
        is.iter().map(|&i| self.name(i)).collect()
    }

    pub(crate) fn level(&self, i: u64) -> Res<Level> {
        if i == 0 {
            return Ok(Level::zero());
        }
        self.levels
            .get(i)
            .cloned()
            .ok_or(undefined(IndexKind::Level, i))
    }

    pub(crate) fn expr(&self, i: u64) -> Res<ExprId> {
        self.exprs
            .get(i)
            .copied()
            .ok_or(undefined(IndexKind::Expr, i))
    }

    pub(crate) fn num_exprs(&self) -> usize {
        self.exprs.len()
    }

    pub(crate) fn define_name(&mut self, idx: u64, node: &NameRec) -> Res<()> {
        fresh_index(
            &self.names,
            IndexKind::Name,
            idx,
            Some("the anonymous name"),
        )?;
        let name = match node {
            NameRec::Str { pre, s } => Name::str(&self.name(*pre)?, s),
            NameRec::Num { pre, i } => Name::num(&self.name(*pre)?, *i),
        };
        self.names.insert(idx, name);
        Ok(())
    }

    pub(crate) fn define_level(&mut self, idx: u64, node: &LevelRec) -> Res<()> {
        fresh_index(&self.levels, IndexKind::Level, idx, Some("zero"))?;
        let level = match node {
            LevelRec::Succ(a) => Level::succ(&self.level(*a)?),
            LevelRec::Max(a, b) => Level::max(&self.level(*a)?, &self.level(*b)?),
            LevelRec::IMax(a, b) => Level::imax(&self.level(*a)?, &self.level(*b)?),
            LevelRec::Param(n) => Level::param(&self.name(*n)?),
        };
        if level.depth() > self.max_level_depth {
            return Err(Malformed::TooLarge {
                what: "universe level (nesting depth)",
                value: level.depth().to_string(),
                limit: self.max_level_depth.to_string(),
            });
        }
        self.levels.insert(idx, level);
        Ok(())
    }

    /// Builds the expression node in `arena` and records its index.
    pub(crate) fn define_expr(&mut self, arena: &mut Arena, idx: u64, node: &ExprRec) -> Res<()> {
        fresh_index(&self.exprs, IndexKind::Expr, idx, None)?;
        let e = match node {
            ExprRec::BVar(i) => arena.mk_bvar(*i),
            ExprRec::Sort(l) => arena.mk_sort(self.level(*l)?),
            ExprRec::Const { name, levels } => {
                let ls: Arc<[Level]> = levels
                    .iter()
                    .map(|&l| self.level(l))
                    .collect::<Res<Vec<_>>>()?
                    .into();
                arena.mk_const(self.name(*name)?, ls)
            }
            ExprRec::App(f, a) => {
                let (f, a) = (self.expr(*f)?, self.expr(*a)?);
                arena.mk_app(f, a)
            }
            ExprRec::Lam {
                name,
                info,
                ty,
                body,
            } => {
                let (n, t, b) = (self.name(*name)?, self.expr(*ty)?, self.expr(*body)?);
                arena.mk_lam(n, *info, t, b)
            }
            ExprRec::Pi {
                name,
                info,
                ty,
                body,
            } => {
                let (n, t, b) = (self.name(*name)?, self.expr(*ty)?, self.expr(*body)?);
                arena.mk_pi(n, *info, t, b)
            }
            ExprRec::Let {
                name,
                ty,
                value,
                body,
            } => {
                let n = self.name(*name)?;
                let (t, v, b) = (self.expr(*ty)?, self.expr(*value)?, self.expr(*body)?);
                arena.mk_let(n, t, v, b)
            }
            ExprRec::Proj {
                struct_name,
                idx,
                expr,
            } => {
                let (n, e) = (self.name(*struct_name)?, self.expr(*expr)?);
                arena.mk_proj(n, *idx, e)
            }
            ExprRec::Nat(n) => arena.mk_nat(n.clone()),
            ExprRec::Str(s) => arena.mk_str(s),
            ExprRec::MData(e) => self.expr(*e)?,
        };
        self.exprs.insert(idx, e);
        Ok(())
    }
}

/// An index being defined must not be predefined (`predefined` names what
/// index 0 already is, if anything) nor defined before.
fn fresh_index<T>(
    table: &IndexTable<T>,
    kind: IndexKind,
    idx: u64,
    predefined: Option<&'static str>,
) -> Res<()> {
    if let (0, Some(predefined)) = (idx, predefined) {
        return Err(Malformed::PredefinedIndex { kind, predefined });
    }
    if table.contains_key(idx) {
        return Err(Malformed::Redefinition { kind, index: idx });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proofmill_kernel::ExprKind;

    #[test]
    fn indices_may_skip_and_arrive_out_of_order() {
        let mut t = Tables::new(100);
        t.define_name(
            7,
            &NameRec::Str {
                pre: 0,
                s: "u".into(),
            },
        )
        .unwrap();
        t.define_level(5, &LevelRec::Param(7)).unwrap();
        t.define_level(2, &LevelRec::Succ(5)).unwrap();
        assert_eq!(
            t.level(2).unwrap(),
            Level::succ(&Level::param(&Name::from_dotted("u")))
        );
        let mut arena = Arena::new();
        t.define_expr(&mut arena, 9, &ExprRec::Sort(2)).unwrap();
        t.define_expr(&mut arena, 3, &ExprRec::Sort(0)).unwrap();
        assert!(matches!(arena.kind(t.expr(3).unwrap()), ExprKind::Sort(l) if l.is_zero()));
    }

    #[test]
    fn dangling_and_duplicate_indices_are_errors() {
        let mut t = Tables::new(100);
        assert_eq!(
            t.define_level(1, &LevelRec::Succ(4)),
            Err(Malformed::UndefinedIndex {
                kind: IndexKind::Level,
                index: 4
            })
        );
        t.define_name(1, &NameRec::Num { pre: 0, i: 3 }).unwrap();
        assert_eq!(
            t.define_name(1, &NameRec::Num { pre: 0, i: 3 }),
            Err(Malformed::Redefinition {
                kind: IndexKind::Name,
                index: 1
            })
        );
        assert!(matches!(
            t.define_name(0, &NameRec::Num { pre: 0, i: 3 }),
            Err(Malformed::PredefinedIndex { .. })
        ));
        let mut arena = Arena::new();
        assert_eq!(
            t.define_expr(&mut arena, 0, &ExprRec::App(1, 2)),
            Err(Malformed::UndefinedIndex {
                kind: IndexKind::Expr,
                index: 1
            })
        );
    }

    #[test]
    fn index_tables_stay_proportional_to_their_entries() {
        let mut t = IndexTable::default();
        // Each index about twice the one before: only the first few are dense.
        let mut i = 1u64;
        for n in 0..60 {
            assert!(!t.contains_key(i));
            t.insert(i, n);
            i = 2 * i + 1000;
        }
        t.insert(u64::MAX, 60);
        t.insert(0, 61);
        assert_eq!(t.len(), 62);
        assert!(t.dense.len() <= 2 * t.len() + 1025);
        assert_eq!(t.get(1), Some(&0));
        assert_eq!(t.get(1002), Some(&1));
        assert_eq!(t.get(u64::MAX), Some(&60));
        assert_eq!(t.get(0), Some(&61));
        assert_eq!(t.get(2), None);
        assert_eq!(t.get(u64::MAX - 1), None);
    }

    #[test]
    fn absurdly_deep_levels_are_refused() {
        let mut t = Tables::new(3);
        for i in 1..=3 {
            t.define_level(i, &LevelRec::Succ(i - 1)).unwrap();
        }
        assert!(matches!(
            t.define_level(4, &LevelRec::Succ(3)),
            Err(Malformed::TooLarge { .. })
        ));
    }
}
