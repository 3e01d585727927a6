//! Export of a checked environment as lean4export NDJSON, format 3.1.0: the
//! reader's inverse.
//!
//! Why: proofmill's corpora are checked by proofmill's kernel, and a corpus is
//! only as credible as the checks anyone else can rerun. Writing the
//! environment in the format Lean's own exporter produces lets every Lean
//! kernel that reads lean4export (the Lean Kernel Arena's checkers, or
//! `proofmill lean-check` itself) check the same declarations again, and
//! makes proofmill's import testable as a round trip.
//!
//! What is written: a `meta` line naming proofmill as the exporter and
//! format 3.1.0, then the declarations in the order the kernel added them
//! (`Env::names`), each line preceded by the names (`in`), levels (`il`)
//! and expressions (`ie`) it needs that no earlier line defined:
//! - `axiom`, `def`, `thm` and `opaque` records; one `quot` record for each
//!   of the four quotient constants; and one `inductive` record per
//!   inductive block, holding the block's types, constructors and recursors
//!   (the auxiliary recursors `I.rec_1`, … of a nested block included),
//!   each list in the kernel's order, with every field the reader and
//!   lean4export have;
//! - primitives are hash-consed: each distinct name, level and expression
//!   gets one index, numbered from 1 for names and levels (0 is the
//!   anonymous name and `zero`) and from 0 for expressions;
//! - they come in lean4export's order: a declaration's name, its universe
//!   parameters (as names, then as `param` levels), its type, then its
//!   value, or for an inductive type its `all` and `ctors`, for a
//!   constructor its type's name, for a recursor its `all` and each rule's
//!   constructor and right-hand side; within a term, a node's own names and
//!   levels on entering it, then its children left to right, then the node. Keys are in lexicographic order, as lean4export writes them,
//!   and strings are escaped by `serde_json`. So a declaration taken
//!   unchanged from a lean4export file is written back byte for byte; only
//!   the constants the kernel generates itself (recursors, quotient
//!   constants) may differ, in binder names.
//!
//! Names, levels and expressions are walked with explicit stacks, never by
//! recursion, so a term nested 100,000 deep is written like any other. The
//! output depends only on the environment's contents, so writing the same
//! environment twice gives the same bytes.
//!
//! What the kernel does not keep is written as lean4export writes its
//! commonest case: the `all` of a definition, theorem or opaque constant
//! (its mutual block) is the constant alone; a definition's safety is
//! `unsafe` or `safe` (the kernel checks `partial` definitions as safe and
//! does not record the difference); a `letE` is not marked `nondep`; and
//! metadata (`mdata`), which the reader drops, is gone. `meta` has no `lean`
//! section: no Lean toolchain made the file.

use super::error::WriteError;
use proofmill_kernel::{
    BinderInfo, ConstantInfo, ConstantKind, Env, ExprId, ExprKind, ExprStore, Level, LevelKind,
    Name, QuotKind, ReducibilityHints,
};
use std::collections::HashMap;
use std::io::{self, BufWriter, Write};

/// The format version written in the `meta` record.
pub const FORMAT_VERSION: &str = "3.1.0";

/// What [`write_env`] wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct WriteSummary {
    /// Lines written, the `meta` line included.
    pub lines: u64,
    /// `in` records (distinct names, the anonymous name aside).
    pub names: u64,
    /// `il` records (distinct levels, `zero` aside).
    pub levels: u64,
    /// `ie` records (distinct expressions).
    pub exprs: u64,
    /// Declaration records (`axiom`, `def`, `thm`, `opaque`, `quot`, `inductive`).
    pub declarations: u64,
    /// Constants covered by those records (the environment's size).
    pub constants: usize,
}

/// Writes `env` to `out` as lean4export NDJSON, format 3.1.0.
///
/// The output is buffered here and flushed at the end, so `out` may be an
/// unbuffered file. Reading it back with [`Importer`](super::Importer) into
/// a fresh environment gives the same constants in the same order.
///
/// ```
/// use proofmill_corpora::lean_export::{check_export, write_env, ImportOptions};
/// let export = r#"{"meta":{"format":{"version":"3.1.0"}}}
/// {"in":1,"str":{"pre":0,"str":"p"}}
/// {"ie":0,"sort":0}
/// {"axiom":{"name":1,"levelParams":[],"type":0,"isUnsafe":false}}
/// "#;
/// let (env, _) = check_export(export.as_bytes(), ImportOptions::default()).unwrap();
/// let mut out = Vec::new();
/// let summary = write_env(&env, &mut out).unwrap();
/// assert_eq!(summary.declarations, 1);
/// let text = String::from_utf8(out).unwrap();
/// assert!(text.ends_with(r#"{"axiom":{"isUnsafe":false,"levelParams":[],"name":1,"type":0}}
/// "#));
/// ```
pub fn write_env(env: &Env, out: impl Write) -> Result<WriteSummary, WriteError> {
    let plan = plan(env)?;
    let mut w = Writer::new(env, BufWriter::with_capacity(1 << 16, out));
    w.meta()?;
    for group in plan.groups {
        match group {
            Group::Plain(c) => w.plain(c)?,
            Group::Inductive(i) => w.inductive(&plan.blocks[i])?,
        }
        w.summary.declarations += 1;
    }
    w.out.flush()?;
    w.summary.constants = env.len();
    Ok(w.summary)
}

/// Writes an environment, then theorems checked outside it, one at a time,
/// as one lean4export NDJSON 3.1.0 file.
///
/// Why: a corpus of a million theorems is checked against its theory's
/// environment without adding to it (a checker's scratch layer holds each
/// theorem's terms, then is dropped), so its memory stays flat; adding every
/// theorem to an environment only to call [`write_env`] would make it grow
/// with the corpus. [`StreamWriter::new`] writes the environment as
/// [`write_env`] does; [`StreamWriter::theorem`] then writes one `thm`
/// record whose terms live in a checker's store over that environment's
/// arena. What a theorem first needed (its scratch terms, names and levels)
/// is forgotten after it, to be written again if a later theorem needs it,
/// so the writer's tables stay the size of the environment's.
pub struct StreamWriter<W: Write> {
    out: BufWriter<W>,
    names: HashMap<Name, u64>,
    levels: HashMap<Level, u64>,
    exprs: Vec<u64>,
    summary: WriteSummary,
}

impl<W: Write> StreamWriter<W> {
    /// Writes the `meta` line and every declaration of `env`. `provenance`
    /// (lines saying where the theorems come from) goes into the `meta`
    /// record's `exporter` object, which readers of the format ignore.
    pub fn new(env: &Env, out: W, provenance: &[String]) -> Result<StreamWriter<W>, WriteError> {
        let plan = plan(env)?;
        let mut w = Writer::new(env, BufWriter::with_capacity(1 << 16, out));
        w.meta_with(provenance)?;
        for group in plan.groups {
            match group {
                Group::Plain(c) => w.plain(c)?,
                Group::Inductive(i) => w.inductive(&plan.blocks[i])?,
            }
            w.summary.declarations += 1;
        }
        w.summary.constants = env.len();
        Ok(StreamWriter {
            out: w.out,
            names: w.names,
            levels: w.levels,
            exprs: w.exprs,
            summary: w.summary,
        })
    }

    /// Writes `theorem name : ty := value` (no universe parameters), whose
    /// terms are in `store`: `env`'s arena (the environment given to
    /// [`StreamWriter::new`]) or a checker's store over it. The caller has
    /// checked it; `name` must not be declared already.
    pub fn theorem<S: ExprStore + ?Sized>(
        &mut self,
        env: &Env,
        store: &S,
        name: &Name,
        ty: ExprId,
        value: ExprId,
    ) -> Result<(), WriteError> {
        let mut exprs = std::mem::take(&mut self.exprs);
        exprs.resize(env.arena().len().max(exprs.len()), NONE);
        let mut w = Writer {
            env,
            out: &mut self.out,
            names: std::mem::take(&mut self.names),
            levels: std::mem::take(&mut self.levels),
            exprs,
            local: HashMap::new(),
            scratch: Some((Vec::new(), Vec::new())),
            summary: std::mem::take(&mut self.summary),
        };
        let result = (|| -> Result<(), WriteError> {
            let n = w.name(name)?;
            let ty = w.expr_in(store, name, ty)?;
            let v = w.expr_in(store, name, value)?;
            writeln!(
                w.out,
                r#"{{"thm":{{"all":[{n}],"levelParams":[],"name":{n},"type":{ty},"value":{v}}}}}"#
            )?;
            w.summary.lines += 1;
            w.summary.declarations += 1;
            w.summary.constants += 1;
            Ok(())
        })();
        if let Some((names, levels)) = w.scratch.take() {
            for n in &names {
                w.names.remove(n);
            }
            for l in &levels {
                w.levels.remove(l);
            }
        }
        self.names = w.names;
        self.levels = w.levels;
        self.exprs = w.exprs;
        self.summary = w.summary;
        result
    }

    /// Flushes the output; what was written.
    pub fn finish(mut self) -> Result<WriteSummary, WriteError> {
        self.out.flush()?;
        Ok(self.summary)
    }
}

/// One declaration record to write.
enum Group<'e> {
    /// An axiom, definition, theorem, opaque or quotient constant.
    Plain(&'e ConstantInfo),
    /// An inductive block: its position in the list of blocks.
    Inductive(usize),
}

/// What to write: the declaration records, in the order of each one's first
/// constant, and the inductive blocks' constants, each block's in the
/// kernel's order.
struct Plan<'e> {
    groups: Vec<Group<'e>>,
    blocks: Vec<Vec<&'e ConstantInfo>>,
}

/// Groups the environment's constants into declaration records.
///
/// Every constant of an inductive block is filed under the block's first
/// type (the first name of the `all` its type or recursor lists; a
/// constructor goes by its type's), so a block's constants make one record
/// wherever the kernel put them.
fn plan(env: &Env) -> Result<Plan<'_>, WriteError> {
    let mut groups = Vec::new();
    let mut blocks: Vec<Vec<&ConstantInfo>> = Vec::new();
    let mut block_of: HashMap<Name, usize> = HashMap::new();
    for name in env.names() {
        let c = env.get(name).ok_or_else(|| WriteError::NotExportable {
            decl: name.clone(),
            reason: "it is listed in the environment's order but not defined",
        })?;
        let key = match &c.kind {
            ConstantKind::Inductive { all, .. } | ConstantKind::Recursor { all, .. } => {
                all.first().unwrap_or(&c.name).clone()
            }
            ConstantKind::Constructor { induct, .. } => match env.get(induct).map(|t| &t.kind) {
                Some(ConstantKind::Inductive { all, .. }) => all.first().unwrap_or(induct).clone(),
                _ => {
                    return Err(WriteError::NotExportable {
                        decl: c.name.clone(),
                        reason: "its inductive type is not in the environment",
                    })
                }
            },
            _ => {
                groups.push(Group::Plain(c));
                continue;
            }
        };
        let i = *block_of.entry(key).or_insert_with(|| {
            groups.push(Group::Inductive(blocks.len()));
            blocks.push(Vec::new());
            blocks.len() - 1
        });
        blocks[i].push(c);
    }
    for b in &blocks {
        if !b.iter().any(|c| c.is_inductive()) {
            return Err(WriteError::NotExportable {
                decl: b.first().map_or_else(Name::anon, |c| c.name.clone()),
                reason: "its inductive block has no type in the environment",
            });
        }
    }
    Ok(Plan { groups, blocks })
}

/// No index assigned yet.
const NONE: u64 = u64::MAX;

struct Writer<'e, W: Write> {
    env: &'e Env,
    out: W,
    names: HashMap<Name, u64>,
    levels: HashMap<Level, u64>,
    /// Expression index by arena position (`NONE` until written).
    exprs: Vec<u64>,
    /// Expression index of a checker's scratch nodes (a theorem written by
    /// [`StreamWriter::theorem`]; emptied after each).
    local: HashMap<u32, u64>,
    /// While a theorem is written: the names and levels first written for
    /// it, forgotten after it so that memory does not grow with the
    /// theorems (`None` while the environment is written).
    scratch: Option<(Vec<Name>, Vec<Level>)>,
    summary: WriteSummary,
}

impl<'e, W: Write> Writer<'e, W> {
    fn new(env: &'e Env, out: W) -> Writer<'e, W> {
        Writer {
            env,
            out,
            names: HashMap::new(),
            levels: HashMap::new(),
            exprs: vec![NONE; env.arena().len()],
            local: HashMap::new(),
            scratch: None,
            summary: WriteSummary::default(),
        }
    }

    fn end_line(&mut self) -> io::Result<()> {
        self.summary.lines += 1;
        self.out.write_all(b"\n")
    }

    fn string(&mut self, s: &str) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, s).map_err(io::Error::from)
    }

    fn meta(&mut self) -> io::Result<()> {
        self.meta_with(&[])
    }

    /// The `meta` line, with `provenance` in `exporter` when there is any.
    fn meta_with(&mut self, provenance: &[String]) -> io::Result<()> {
        let version = env!("CARGO_PKG_VERSION");
        write!(self.out, r#"{{"meta":{{"exporter":{{"name":"proofmill","#)?;
        if !provenance.is_empty() {
            self.out.write_all(br#""provenance":"#)?;
            serde_json::to_writer(&mut self.out, provenance).map_err(io::Error::from)?;
            self.out.write_all(b",")?;
        }
        write!(
            self.out,
            r#""version":"{version}"}},"format":{{"version":"{FORMAT_VERSION}"}}}}}}"#
        )?;
        self.end_line()
    }

    /// The index of `n`, writing `in` records for it and any prefix not yet written.
    fn name(&mut self, n: &Name) -> io::Result<u64> {
        if n.is_anon() {
            return Ok(0);
        }
        if let Some(&i) = self.names.get(n) {
            return Ok(i);
        }
        // The unwritten suffix of the chain of prefixes, longest first.
        let mut pending = Vec::new();
        let mut cur = n.clone();
        while !cur.is_anon() && !self.names.contains_key(&cur) {
            let pre = cur.prefix();
            pending.push(cur);
            cur = pre;
        }
        let mut pre = self.names.get(&cur).copied().unwrap_or(0);
        for m in pending.into_iter().rev() {
            let i = self.summary.names + 1;
            match (m.last_str(), m.last_num()) {
                (Some(s), _) => {
                    write!(self.out, r#"{{"in":{i},"str":{{"pre":{pre},"str":"#)?;
                    self.string(s)?;
                    self.out.write_all(b"}}")?;
                }
                (None, Some(k)) => {
                    write!(self.out, r#"{{"in":{i},"num":{{"i":{k},"pre":{pre}}}}}"#)?;
                }
                (None, None) => unreachable!("a name that is not anonymous has a last component"),
            }
            self.end_line()?;
            self.summary.names = i;
            if let Some((names, _)) = &mut self.scratch {
                names.push(m.clone());
            }
            self.names.insert(m, i);
            pre = i;
        }
        Ok(pre)
    }

    fn names_of(&mut self, ns: &[Name]) -> io::Result<Vec<u64>> {
        ns.iter().map(|n| self.name(n)).collect()
    }

    fn known_level(&self, l: &Level) -> Option<u64> {
        if l.is_zero() {
            Some(0)
        } else {
            self.levels.get(l).copied()
        }
    }

    /// The index of `l`, writing `il` records for it and its unwritten parts
    /// (children first, by an explicit stack).
    fn level(&mut self, root: &Level) -> io::Result<u64> {
        if let Some(i) = self.known_level(root) {
            return Ok(i);
        }
        let mut stack = vec![(root.clone(), false)];
        while let Some((l, expanded)) = stack.pop() {
            if self.known_level(&l).is_some() {
                continue;
            }
            if !expanded {
                stack.push((l.clone(), true));
                match l.kind() {
                    LevelKind::Succ(a) => stack.push((a.clone(), false)),
                    LevelKind::Max(a, b) | LevelKind::IMax(a, b) => {
                        stack.push((b.clone(), false));
                        stack.push((a.clone(), false));
                    }
                    LevelKind::Zero | LevelKind::Param(_) => {}
                }
                continue;
            }
            let idx = |w: &Self, x: &Level| w.known_level(x).unwrap_or(0);
            let i = self.summary.levels + 1;
            match l.kind() {
                LevelKind::Succ(a) => {
                    let a = idx(self, a);
                    write!(self.out, r#"{{"il":{i},"succ":{a}}}"#)?;
                }
                LevelKind::Max(a, b) => {
                    let (a, b) = (idx(self, a), idx(self, b));
                    write!(self.out, r#"{{"il":{i},"max":[{a},{b}]}}"#)?;
                }
                LevelKind::IMax(a, b) => {
                    let (a, b) = (idx(self, a), idx(self, b));
                    write!(self.out, r#"{{"il":{i},"imax":[{a},{b}]}}"#)?;
                }
                LevelKind::Param(n) => {
                    let n = self.name(n)?;
                    write!(self.out, r#"{{"il":{i},"param":{n}}}"#)?;
                }
                LevelKind::Zero => unreachable!("zero is predefined"),
            }
            self.end_line()?;
            self.summary.levels = i;
            if let Some((_, levels)) = &mut self.scratch {
                levels.push(l.clone());
            }
            self.levels.insert(l, i);
        }
        Ok(self.known_level(root).unwrap_or(0))
    }

    fn known_expr(&self, e: ExprId) -> Option<u64> {
        if e.is_local() {
            return self.local.get(&e.raw()).copied();
        }
        match self.exprs.get(e.raw() as usize) {
            Some(&i) if i != NONE => Some(i),
            _ => None,
        }
    }

    /// The index of `root` (a term of constant `decl`), writing `ie` records
    /// for it and its unwritten subterms by an explicit stack, so that depth
    /// costs heap, not call stack. The order is lean4export's: on entering a
    /// node, the names and levels it mentions; then its children, left to
    /// right; then the node. A shared subterm is written once.
    fn expr(&mut self, decl: &Name, root: ExprId) -> Result<u64, WriteError> {
        let arena = self.env.arena();
        self.expr_in(arena, decl, root)
    }

    /// [`Writer::expr`] for a term of `store`: the environment's arena, or
    /// a checker's store whose scratch nodes lie over it.
    fn expr_in<S: ExprStore + ?Sized>(
        &mut self,
        store: &S,
        decl: &Name,
        root: ExprId,
    ) -> Result<u64, WriteError> {
        if let Some(i) = self.known_expr(root) {
            return Ok(i);
        }
        let arena = self.env.arena();
        let mut stack = vec![(root, false)];
        while let Some((e, entered)) = stack.pop() {
            if self.known_expr(e).is_some() {
                continue;
            }
            if !e.is_local() && !arena.contains(e) {
                return Err(WriteError::NotExportable {
                    decl: decl.clone(),
                    reason: "a term is not in the environment's arena",
                });
            }
            let kind = store.kind(e);
            if entered {
                self.write_expr(e, kind)?;
                continue;
            }
            stack.push((e, true));
            // Children are pushed last to first, so the first is written first.
            match kind {
                ExprKind::BVar(_) | ExprKind::NatLit(_) | ExprKind::StrLit(_) => {}
                ExprKind::Sort(l) => {
                    self.level(l)?;
                }
                ExprKind::Const(n, us) => {
                    self.name(n)?;
                    for u in us.iter() {
                        self.level(u)?;
                    }
                }
                ExprKind::App(f, a) => {
                    stack.push((*a, false));
                    stack.push((*f, false));
                }
                ExprKind::Lam(n, _, t, b) | ExprKind::Pi(n, _, t, b) => {
                    self.name(n)?;
                    stack.push((*b, false));
                    stack.push((*t, false));
                }
                ExprKind::Let(n, t, v, b) => {
                    self.name(n)?;
                    stack.push((*b, false));
                    stack.push((*v, false));
                    stack.push((*t, false));
                }
                ExprKind::Proj(n, _, x) => {
                    self.name(n)?;
                    stack.push((*x, false));
                }
                ExprKind::FVar(_) => {
                    return Err(WriteError::NotExportable {
                        decl: decl.clone(),
                        reason: "a term has a free variable",
                    })
                }
            }
        }
        Ok(self.known_expr(root).unwrap_or(0))
    }

    /// Writes the `ie` record of `e`, whose names, levels and children are
    /// written.
    fn write_expr(&mut self, e: ExprId, kind: &ExprKind) -> io::Result<()> {
        let i = self.summary.exprs;
        let sub = |w: &Self, x: &ExprId| w.known_expr(*x).unwrap_or(0);
        match kind {
            ExprKind::BVar(k) => write!(self.out, r#"{{"bvar":{k},"ie":{i}}}"#)?,
            ExprKind::Sort(l) => {
                let l = self.level(l)?;
                write!(self.out, r#"{{"ie":{i},"sort":{l}}}"#)?;
            }
            ExprKind::Const(n, us) => {
                let n = self.name(n)?;
                let us = us
                    .iter()
                    .map(|u| self.level(u))
                    .collect::<io::Result<Vec<_>>>()?;
                let us = json_list(&us);
                write!(self.out, r#"{{"const":{{"name":{n},"us":{us}}},"ie":{i}}}"#)?;
            }
            ExprKind::App(f, a) => {
                let (f, a) = (sub(self, f), sub(self, a));
                write!(self.out, r#"{{"app":{{"arg":{a},"fn":{f}}},"ie":{i}}}"#)?;
            }
            ExprKind::Lam(n, bi, t, b) | ExprKind::Pi(n, bi, t, b) => {
                let n = self.name(n)?;
                let (t, b) = (sub(self, t), sub(self, b));
                let bi = binder_info(*bi);
                let body = format!(r#"{{"binderInfo":"{bi}","body":{b},"name":{n},"type":{t}}}"#);
                if matches!(kind, ExprKind::Lam(..)) {
                    write!(self.out, r#"{{"ie":{i},"lam":{body}}}"#)?;
                } else {
                    write!(self.out, r#"{{"forallE":{body},"ie":{i}}}"#)?;
                }
            }
            ExprKind::Let(n, t, v, b) => {
                let n = self.name(n)?;
                let (t, v, b) = (sub(self, t), sub(self, v), sub(self, b));
                write!(
                    self.out,
                    r#"{{"ie":{i},"letE":{{"body":{b},"name":{n},"nondep":false,"type":{t},"value":{v}}}}}"#
                )?;
            }
            ExprKind::NatLit(v) => write!(self.out, r#"{{"ie":{i},"natVal":"{v}"}}"#)?,
            ExprKind::StrLit(s) => {
                write!(self.out, r#"{{"ie":{i},"strVal":"#)?;
                self.string(s)?;
                self.out.write_all(b"}")?;
            }
            ExprKind::Proj(n, k, x) => {
                let n = self.name(n)?;
                let x = sub(self, x);
                write!(
                    self.out,
                    r#"{{"ie":{i},"proj":{{"idx":{k},"struct":{x},"typeName":{n}}}}}"#
                )?;
            }
            // Refused when the node was entered.
            ExprKind::FVar(_) => return Ok(()),
        }
        self.end_line()?;
        self.summary.exprs += 1;
        if e.is_local() {
            self.local.insert(e.raw(), i);
        } else {
            self.exprs[e.raw() as usize] = i;
        }
        Ok(())
    }

    /// A constant's universe parameters, as lean4export writes them: their
    /// names, then each as a level (`il … param`), whether used or not.
    fn level_params(&mut self, lps: &[Name]) -> io::Result<String> {
        let names = self.names_of(lps)?;
        for p in lps {
            self.level(&Level::param(p))?;
        }
        Ok(json_list(&names))
    }

    /// An axiom, definition, theorem, opaque or quotient constant.
    fn plain(&mut self, c: &ConstantInfo) -> Result<(), WriteError> {
        let name = self.name(&c.name)?;
        let lps = self.level_params(&c.level_params)?;
        let ty = self.expr(&c.name, c.ty)?;
        let is_unsafe = c.is_unsafe;
        let o = &mut self.out;
        match &c.kind {
            ConstantKind::Axiom => writeln!(
                o,
                r#"{{"axiom":{{"isUnsafe":{is_unsafe},"levelParams":{lps},"name":{name},"type":{ty}}}}}"#
            )?,
            ConstantKind::Definition { value, hints } => {
                let v = self.expr(&c.name, *value)?;
                let hints = match hints {
                    ReducibilityHints::Abbrev => r#""abbrev""#.to_owned(),
                    ReducibilityHints::Opaque => r#""opaque""#.to_owned(),
                    ReducibilityHints::Regular(h) => format!(r#"{{"regular":{h}}}"#),
                };
                let safety = if is_unsafe { "unsafe" } else { "safe" };
                writeln!(
                    self.out,
                    r#"{{"def":{{"all":[{name}],"hints":{hints},"levelParams":{lps},"name":{name},"safety":"{safety}","type":{ty},"value":{v}}}}}"#
                )?;
            }
            ConstantKind::Theorem { value } => {
                let v = self.expr(&c.name, *value)?;
                writeln!(
                    self.out,
                    r#"{{"thm":{{"all":[{name}],"levelParams":{lps},"name":{name},"type":{ty},"value":{v}}}}}"#
                )?;
            }
            ConstantKind::Opaque { value } => {
                let v = self.expr(&c.name, *value)?;
                writeln!(
                    self.out,
                    r#"{{"opaque":{{"all":[{name}],"isUnsafe":{is_unsafe},"levelParams":{lps},"name":{name},"type":{ty},"value":{v}}}}}"#
                )?;
            }
            ConstantKind::Quot(kind) => writeln!(
                o,
                r#"{{"quot":{{"kind":"{}","levelParams":{lps},"name":{name},"type":{ty}}}}}"#,
                quot_kind(*kind)
            )?,
            ConstantKind::Inductive { .. }
            | ConstantKind::Constructor { .. }
            | ConstantKind::Recursor { .. } => {
                return Err(WriteError::NotExportable {
                    decl: c.name.clone(),
                    reason: "it is part of an inductive block, not a declaration of its own",
                })
            }
        }
        self.summary.lines += 1;
        Ok(())
    }

    /// One `inductive` record for a whole block (its constants in the
    /// kernel's order): every name and term it refers to is written first,
    /// then the record.
    fn inductive(&mut self, members: &[&ConstantInfo]) -> Result<(), WriteError> {
        let (mut types, mut ctors, mut recs) = (Vec::new(), Vec::new(), Vec::new());
        for c in members {
            let name = self.name(&c.name)?;
            let lps = self.level_params(&c.level_params)?;
            let ty = self.expr(&c.name, c.ty)?;
            let is_unsafe = c.is_unsafe;
            match &c.kind {
                ConstantKind::Inductive {
                    num_params,
                    num_indices,
                    all,
                    ctors: cs,
                    num_nested,
                    is_rec,
                    is_reflexive,
                } => {
                    let all = json_list(&self.names_of(all)?);
                    let cs = json_list(&self.names_of(cs)?);
                    types.push(format!(
                        r#"{{"all":{all},"ctors":{cs},"isRec":{is_rec},"isReflexive":{is_reflexive},"isUnsafe":{is_unsafe},"levelParams":{lps},"name":{name},"numIndices":{num_indices},"numNested":{num_nested},"numParams":{num_params},"type":{ty}}}"#
                    ));
                }
                ConstantKind::Constructor {
                    induct,
                    cidx,
                    num_params,
                    num_fields,
                } => {
                    let induct = self.name(induct)?;
                    ctors.push(format!(
                        r#"{{"cidx":{cidx},"induct":{induct},"isUnsafe":{is_unsafe},"levelParams":{lps},"name":{name},"numFields":{num_fields},"numParams":{num_params},"type":{ty}}}"#
                    ));
                }
                ConstantKind::Recursor {
                    all,
                    num_params,
                    num_indices,
                    num_motives,
                    num_minors,
                    rules,
                    k,
                    ..
                } => {
                    let all = json_list(&self.names_of(all)?);
                    let mut rs = Vec::with_capacity(rules.len());
                    for rule in rules.iter() {
                        let ctor = self.name(&rule.ctor)?;
                        let rhs = self.expr(&c.name, rule.rhs)?;
                        let nfields = rule.num_fields;
                        rs.push(format!(
                            r#"{{"ctor":{ctor},"nfields":{nfields},"rhs":{rhs}}}"#
                        ));
                    }
                    let rs = rs.join(",");
                    recs.push(format!(
                        r#"{{"all":{all},"isUnsafe":{is_unsafe},"k":{k},"levelParams":{lps},"name":{name},"numIndices":{num_indices},"numMinors":{num_minors},"numMotives":{num_motives},"numParams":{num_params},"rules":[{rs}],"type":{ty}}}"#
                    ));
                }
                _ => {
                    return Err(WriteError::NotExportable {
                        decl: c.name.clone(),
                        reason: "it is filed under an inductive block it is not part of",
                    })
                }
            }
        }
        writeln!(
            self.out,
            r#"{{"inductive":{{"ctors":[{}],"recs":[{}],"types":[{}]}}}}"#,
            ctors.join(","),
            recs.join(","),
            types.join(",")
        )?;
        self.summary.lines += 1;
        Ok(())
    }
}

fn json_list(xs: &[u64]) -> String {
    let items: Vec<String> = xs.iter().map(u64::to_string).collect();
    format!("[{}]", items.join(","))
}

fn binder_info(bi: BinderInfo) -> &'static str {
    match bi {
        BinderInfo::Default => "default",
        BinderInfo::Implicit => "implicit",
        BinderInfo::StrictImplicit => "strictImplicit",
        BinderInfo::InstImplicit => "instImplicit",
    }
}

fn quot_kind(k: QuotKind) -> &'static str {
    match k {
        QuotKind::Type => "type",
        QuotKind::Ctor => "ctor",
        QuotKind::Lift => "lift",
        QuotKind::Ind => "ind",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lean_export::{check_export, ImportOptions};
    use proofmill_kernel::{alpha_eq, Declaration, ReducibilityHints};
    use serde_json::Value;
    use std::collections::HashSet;
    use std::path::PathBuf;

    fn data(rel: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/data/lean-arena")
            .join(rel)
    }

    fn import(text: &[u8]) -> Env {
        check_export(text, ImportOptions::default())
            .unwrap_or_else(|e| panic!("import failed: {e}"))
            .0
    }

    fn write(env: &Env) -> String {
        let mut out = Vec::new();
        write_env(env, &mut out).expect("writing to memory succeeds");
        String::from_utf8(out).expect("the export is UTF-8")
    }

    fn records(text: &str) -> Vec<Value> {
        text.lines()
            .map(|l| serde_json::from_str(l).expect("every line is JSON"))
            .collect()
    }

    /// Exports whose constants all come from the input (no recursor or
    /// quotient constant whose binder names the kernel chooses differently
    /// from Lean) are reproduced exactly, apart from the `meta` line:
    /// defs with each kind of hint, universe levels, `let`, an inductive type
    /// with its recursor, projections, Nat literals, rule K.
    #[test]
    fn real_exports_are_reproduced_byte_for_byte() {
        for rel in [
            "tutorial/good/001_basicDef.ndjson",
            "tutorial/good/015_levelParams.ndjson",
            "tutorial/good/019_imax1.ndjson",
            "tutorial/good/031_letTypeDep.ndjson",
            "tutorial/good/034_boolType.ndjson",
            "tutorial/good/066_eqRec.ndjson",
            "tutorial/good/079_Prod.snd.ndjson",
            "tutorial/good/094_ruleK.ndjson",
            "tutorial/good/097_aNatLit.ndjson",
            "fixtures/lean4export-v4.30-nat-literal.ndjson",
            "fixtures/lean4export-v4.30-projection.ndjson",
        ] {
            let input = std::fs::read_to_string(data(rel)).expect("test data");
            let output = write(&import(input.as_bytes()));
            let (_, body_in) = input.split_once('\n').expect("a meta line");
            let (meta, body_out) = output.split_once('\n').expect("a meta line");
            assert_eq!(
                meta,
                r#"{"meta":{"exporter":{"name":"proofmill","version":"0.1.0"},"format":{"version":"3.1.0"}}}"#
            );
            assert_eq!(body_out, body_in, "{rel} is not reproduced");
        }
    }

    #[test]
    fn a_nested_block_is_one_record_with_its_auxiliary_recursors() {
        let input = std::fs::read(data(
            "fixtures/lean4export-v4.30-construct-matrix-nested.ndjson",
        ))
        .expect("test data");
        let env = import(&input);
        let out = write(&env);
        let recs = records(&out);
        let name_of = |i: &Value| -> String {
            // Rebuild a name from its `in` records (string components only here).
            let mut parts = Vec::new();
            let mut i = i.as_u64().expect("a name index");
            while i != 0 {
                let r = recs
                    .iter()
                    .find(|r| r["in"].as_u64() == Some(i))
                    .expect("defined");
                parts.push(r["str"]["str"].as_str().expect("a string").to_owned());
                i = r["str"]["pre"].as_u64().expect("a prefix");
            }
            parts.reverse();
            parts.join(".")
        };
        let rose = recs
            .iter()
            .filter_map(|r| r.get("inductive"))
            .find(|ind| name_of(&ind["types"][0]["name"]) == "AxeyumConstructMatrix.Rose")
            .expect("Rose's block is written");
        let recs_of_rose: Vec<String> = rose["recs"]
            .as_array()
            .expect("recs")
            .iter()
            .map(|r| name_of(&r["name"]))
            .collect();
        assert_eq!(
            recs_of_rose,
            [
                "AxeyumConstructMatrix.Rose.rec",
                "AxeyumConstructMatrix.Rose.rec_1"
            ]
        );
        assert_eq!(rose["types"][0]["numNested"], 1);
        assert_eq!(rose["recs"][1]["numMotives"], 2);
        // As many records as the input has, and the same constants.
        let count = |text: &str, kind: &str| {
            records(text)
                .iter()
                .filter(|r| r.get(kind).is_some())
                .count()
        };
        let input = String::from_utf8(input).expect("UTF-8");
        for kind in ["inductive", "def", "thm", "axiom", "opaque", "quot"] {
            assert_eq!(count(&out, kind), count(&input, kind), "{kind} records");
        }
        assert_eq!(import(out.as_bytes()).names(), env.names());
    }

    #[test]
    fn the_four_quotient_constants_are_quot_records() {
        let input =
            std::fs::read(data("fixtures/lean4export-v4.30-quotient.ndjson")).expect("test data");
        let out = write(&import(&input));
        let kinds: Vec<String> = records(&out)
            .iter()
            .filter_map(|r| r.get("quot"))
            .map(|q| q["kind"].as_str().expect("a kind").to_owned())
            .collect();
        assert_eq!(kinds, ["type", "ctor", "lift", "ind"]);
    }

    fn nm(s: &str) -> Name {
        Name::from_dotted(s)
    }

    /// `axiom P : Prop`, `axiom f : Prop → Prop`, and
    /// `def deep : Prop := f (f (… (f P)))` with `depth` applications.
    fn deep_env(depth: usize) -> Env {
        let mut env = Env::new();
        let (prop, fun_ty) = {
            let a = env.arena_mut();
            let prop = a.mk_sort(Level::zero());
            let fun_ty = a.mk_pi(nm("x"), BinderInfo::Default, prop, prop);
            (prop, fun_ty)
        };
        for (name, ty) in [("P", prop), ("f", fun_ty)] {
            env.add(Declaration::Axiom {
                name: nm(name),
                level_params: vec![],
                ty,
                is_unsafe: false,
            })
            .expect("axiom");
        }
        let value = {
            let a = env.arena_mut();
            let f = a.mk_const(nm("f"), Vec::new().into());
            let mut v = a.mk_const(nm("P"), Vec::new().into());
            for _ in 0..depth {
                v = a.mk_app(f, v);
            }
            v
        };
        env.add(Declaration::Definition {
            name: nm("deep"),
            level_params: vec![],
            ty: prop,
            value,
            hints: ReducibilityHints::Regular(1),
            safety: proofmill_kernel::DefinitionSafety::Safe,
        })
        .expect("deep definition");
        env
    }

    #[test]
    fn terms_100_000_deep_are_written_on_a_small_stack() {
        let env = deep_env(100_000);
        // 256 KiB of stack: a recursive walk would overflow long before.
        let out = std::thread::scope(|s| {
            std::thread::Builder::new()
                .stack_size(256 << 10)
                .spawn_scoped(s, || write(&env))
                .expect("spawn")
                .join()
                .expect("the writer does not overflow")
        });
        // meta; names P, x, f, deep; Prop, Prop → Prop, f, P and the
        // applications; three declarations.
        assert_eq!(out.lines().count(), 1 + 4 + (4 + 100_000) + 3);
        let back = import(out.as_bytes());
        let (a, b) = (
            env.get(&nm("deep")).expect("deep"),
            back.get(&nm("deep")).expect("deep is read back"),
        );
        assert!(alpha_eq(
            env.arena(),
            a.value().expect("a value"),
            back.arena(),
            b.value().expect("a value")
        ));
        assert_eq!(write(&back), out);
    }

    #[test]
    fn numeric_components_and_escaped_strings_round_trip() {
        let weird = Name::num(
            &Name::str(
                &Name::str(&Name::anon(), "quote\"back\\slash"),
                "nl\nctl\u{1}α",
            ),
            4_000_000_000,
        );
        let binder = Name::num(&Name::anon(), 7);
        let mut env = Env::new();
        let ty = {
            let a = env.arena_mut();
            let prop = a.mk_sort(Level::zero());
            a.mk_pi(binder.clone(), BinderInfo::InstImplicit, prop, prop)
        };
        env.add(Declaration::Axiom {
            name: weird.clone(),
            level_params: vec![],
            ty,
            is_unsafe: true,
        })
        .expect("axiom");
        let out = write(&env);
        assert!(out.contains(r#""str":"quote\"back\\slash""#), "{out}");
        assert!(out.contains(r#""str":"nl\nctl\u0001α""#), "{out}");
        assert!(out.contains(r#""num":{"i":4000000000,"pre":2}"#), "{out}");
        let back = import(out.as_bytes());
        assert_eq!(back.names(), std::slice::from_ref(&weird));
        let c = back.get(&weird).expect("read back");
        assert!(c.is_unsafe);
        match back.arena().kind(c.ty) {
            ExprKind::Pi(n, bi, _, _) => assert_eq!((n, *bi), (&binder, BinderInfo::InstImplicit)),
            other => panic!("expected a Π type, got {other:?}"),
        }
    }

    #[test]
    fn the_empty_environment_is_a_meta_line() {
        let mut out = Vec::new();
        let summary = write_env(&Env::new(), &mut out).expect("written");
        assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 1);
        assert_eq!(
            summary,
            WriteSummary {
                lines: 1,
                ..WriteSummary::default()
            }
        );
    }

    #[test]
    fn the_summary_counts_what_was_written() {
        let env = deep_env(10);
        let mut out = Vec::new();
        let s = write_env(&env, &mut out).expect("written");
        let text = String::from_utf8(out).expect("UTF-8");
        let count = |key: &str| {
            records(&text)
                .iter()
                .filter(|r| r.get(key).is_some())
                .count() as u64
        };
        assert_eq!(
            (s.names, s.levels, s.exprs, s.declarations, s.constants),
            (count("in"), count("il"), count("ie"), 3, 3)
        );
        assert_eq!(s.lines, text.lines().count() as u64);
    }

    /// The exports the checker accepts (the integration test
    /// `tests/lean_export_write.rs` round-trips the same files).
    fn accepted_exports() -> Vec<PathBuf> {
        let mut files = vec![data("Nat.add_succ.v3_0.ndjson")];
        for folder in ["good", "fixtures", "tutorial/good", "perf"] {
            for e in std::fs::read_dir(data(folder)).expect("test data") {
                let p = e.expect("directory entry").path();
                if p.extension().is_some_and(|x| x == "ndjson") {
                    files.push(p);
                }
            }
        }
        files.sort();
        files
    }

    /// Names and levels are numbered 1, 2, …, expressions 0, 1, …, each
    /// defined once (hash-consing: no two records say the same thing), and
    /// every index a record mentions was defined on an earlier line.
    fn check_numbering(text: &str) -> Result<(), String> {
        let mut next = [1u64, 1, 0];
        let mut seen: [HashSet<String>; 3] = Default::default();
        let mut lines = text.lines().enumerate();
        match lines.next() {
            Some((_, meta)) if records(meta)[0]["meta"]["format"]["version"] == "3.1.0" => {}
            other => return Err(format!("no 3.1.0 meta record first: {other:?}")),
        }
        // Every number in a record that is an index of one of the three kinds.
        fn refs(v: &Value, key: &str, out: &mut Vec<(usize, u64)>) {
            let kind = match key {
                "pre" | "name" | "param" | "typeName" | "induct" | "ctor" | "all" | "ctors"
                | "levelParams" => Some(0),
                "succ" | "max" | "imax" | "sort" | "us" => Some(1),
                "fn" | "arg" | "type" | "body" | "value" | "struct" | "rhs" => Some(2),
                _ => None,
            };
            match v {
                Value::Number(n) => {
                    if let (Some(k), Some(i)) = (kind, n.as_u64()) {
                        out.push((k, i));
                    }
                }
                Value::Array(xs) => xs.iter().for_each(|x| refs(x, key, out)),
                Value::Object(m) => m.iter().for_each(|(k, x)| refs(x, k, out)),
                _ => {}
            }
        }
        for (n, line) in lines {
            let mut v: Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
            let o = v.as_object_mut().ok_or("not an object")?;
            let mut defined = None;
            for (k, key) in ["in", "il", "ie"].into_iter().enumerate() {
                if let Some(i) = o.remove(key) {
                    if i.as_u64() != Some(next[k]) {
                        return Err(format!("line {}: {key} {i}, expected {}", n + 1, next[k]));
                    }
                    if !seen[k].insert(Value::Object(o.clone()).to_string()) {
                        return Err(format!("line {}: {key} {i} defines a duplicate", n + 1));
                    }
                    defined = Some(k);
                }
            }
            let mut used = Vec::new();
            refs(&Value::Object(o.clone()), "", &mut used);
            for (k, i) in used {
                // `pre`, `name` and so on are 0-based for expressions only.
                if i >= next[k] && !(k < 2 && i == 0) {
                    return Err(format!(
                        "line {}: index {i} used before it is defined",
                        n + 1
                    ));
                }
            }
            if let Some(k) = defined {
                next[k] += 1;
            }
        }
        Ok(())
    }

    #[test]
    fn every_primitive_is_defined_once_before_use() {
        let files = accepted_exports();
        assert!(files.len() > 100, "the arena files are missing");
        for path in files {
            let input = std::fs::read(&path).expect("test data");
            let env = proofmill_kernel::with_kernel_stack(|| import(&input));
            if let Err(e) = check_numbering(&write(&env)) {
                panic!("{}: {e}", path.display());
            }
        }
        // The check itself sees skipped, out-of-order and dangling indices.
        for (rel, from, to) in [
            ("good/sparse-name-index.ndjson", "", ""),
            ("good/level-index-out-of-order.ndjson", "", ""),
            (
                "tutorial/good/001_basicDef.ndjson",
                r#""value":1"#,
                r#""value":2"#,
            ),
            (
                "tutorial/good/001_basicDef.ndjson",
                r#"{"ie":1,"sort":0}"#,
                r#"{"ie":1,"sort":1}"#,
            ),
        ] {
            let text = std::fs::read_to_string(data(rel)).expect("test data");
            assert!(
                check_numbering(&text.replace(from, to)).is_err(),
                "{rel}: {to}"
            );
        }
    }

    /// A sink that accepts `limit` bytes, then fails.
    struct Failing {
        limit: usize,
    }

    impl Write for Failing {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if buf.len() > self.limit {
                return Err(io::Error::other("disk full"));
            }
            self.limit -= buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn output_errors_are_reported() {
        let env = deep_env(100);
        let err = write_env(&env, Failing { limit: 10 }).expect_err("the sink fails");
        assert!(matches!(err, WriteError::Io(_)), "{err:?}");
        assert!(err.to_string().contains("disk full"), "{err}");
    }

    /// Theorems written one at a time over an environment, their terms in
    /// a scratch layer: the file is accepted, each theorem with its own
    /// names and terms; the writer's tables do not grow with the theorems;
    /// a wrong proof written this way is rejected by the reader.
    #[test]
    fn streamed_theorems_are_checked_and_forgotten() {
        use proofmill_kernel::{ExprStore, LocalStore};
        let export = r#"{"meta":{"format":{"version":"3.1.0"}}}
{"in":1,"str":{"pre":0,"str":"p"}}
{"in":2,"str":{"pre":0,"str":"q"}}
{"ie":0,"sort":0}
{"axiom":{"name":1,"levelParams":[],"type":0,"isUnsafe":false}}
{"axiom":{"name":2,"levelParams":[],"type":0,"isUnsafe":false}}
"#;
        let env = import(export.as_bytes());
        let write = |proof_of: &[&str], provenance: &[String]| {
            let mut out = Vec::new();
            let mut w = StreamWriter::new(&env, &mut out, provenance).expect("writes");
            let mut sizes = Vec::new();
            for (k, prop) in proof_of.iter().enumerate() {
                let mut store = LocalStore::new(env.arena());
                let p = store.mk_const(Name::from_dotted("p"), Vec::new().into());
                let hyp = store.mk_const(Name::from_dotted(prop), Vec::new().into());
                // `∀ (h : p), p`, proved by `fun (h : p) => h` (or by `q`'s
                // hypothesis when asked for a wrong proof).
                let h = Name::from_dotted(&format!("h{k}"));
                let b0 = store.mk_bvar(0);
                let ty = store.mk_pi(h.clone(), BinderInfo::Default, p, p);
                let value = store.mk_lam(h, BinderInfo::Default, hyp, b0);
                let name = Name::from_dotted(&format!("thm{k}"));
                w.theorem(&env, &store, &name, ty, value).expect("writes");
                sizes.push((w.names.len(), w.levels.len()));
            }
            let summary = w.finish().expect("flushes");
            (String::from_utf8(out).expect("UTF-8"), summary, sizes)
        };
        let prov = vec!["theory t sha256 00".to_string()];
        let (text, summary, sizes) = write(&["p", "p", "p"], &prov);
        assert_eq!(summary.constants, 5);
        assert!(sizes.windows(2).all(|s| s[0] == s[1]), "{sizes:?}");
        assert!(text.starts_with(
            r#"{"meta":{"exporter":{"name":"proofmill","provenance":["theory t sha256 00"],"#
        ));
        let (back, report) = check_export(text.as_bytes(), ImportOptions::default())
            .unwrap_or_else(|e| panic!("rejected: {e}\n{text}"));
        assert_eq!(back.len(), 5, "{report:?}");
        assert!(back.get(&Name::from_dotted("thm2")).is_some());
        // `fun (h : q) => h` does not prove `p → p`.
        let (bad, _, _) = write(&["p", "q"], &[]);
        assert!(check_export(bad.as_bytes(), ImportOptions::default()).is_err());
    }
}
