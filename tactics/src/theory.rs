//! The driver: reads a theory file command by command, elaborates each
//! declaration and submits it to the kernel (`Env::add`, the one door).
//! It keeps what the language needs between commands: the notation table,
//! scopes (`section`, `namespace`, `variable`, `open`, `universe`),
//! structures, imports, and the `@[rule]` declarations the generator reads.

use crate::elab::{err, EResult, Elab, ElabError, Globals, StructInfo};
use crate::notation::{Mixfix, Notation, NotationTable};
use crate::parse::Parser;
use crate::reader::TheoremReader;
use crate::syntax::{Attribute, Binder, BinderKind, Command, CommandKind, Ctor, Field, Pos, Term};
use proofmill_kernel::{
    abstract_fvars, for_each_const, instantiate1, Arena, BinderInfo, ConstantKind, Constructor,
    Declaration, DefinitionSafety, Env, ExprId, ExprKind, ExprStore, InductiveDecl, InductiveType,
    Level, Name, ReducibilityHints,
};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

/// The shipped theories, compiled into the binary.
pub const SHIPPED: &[(&str, &str)] = &[
    ("prelude", include_str!("../../theories/prelude.theory")),
    ("nat", include_str!("../../theories/nat.theory")),
    ("ring", include_str!("../../theories/ring.theory")),
    ("group", include_str!("../../theories/group.theory")),
    ("nilgroup", include_str!("../../theories/nilgroup.theory")),
    ("logic", include_str!("../../theories/logic.theory")),
    ("calculus", include_str!("../../theories/calculus.theory")),
];

/// The text of a shipped theory.
pub fn shipped_source(name: &str) -> Option<&'static str> {
    SHIPPED.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}

/// Files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: usize = 64 << 20;

/// A declaration marked `@[rule]`.
#[derive(Clone, Debug)]
pub struct RuleDecl {
    pub name: Name,
    /// The statement, in the environment's arena.
    pub statement: ExprId,
    /// `@[rule (fwd := hard)]`: never applied forwards by the generator.
    pub fwd_hard: bool,
    /// Where it is declared: the file as errors name it, and the position.
    pub file: String,
    pub pos: Pos,
}

/// Where a notation (`infixl:65 " + " => R.add`, or a general `notation`)
/// was declared: its token (a general notation's first token), the file as
/// errors name it, and the position. `regress` points a theory author at it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotationDecl {
    pub token: String,
    pub file: String,
    pub pos: Pos,
}

/// A rejected theory: `file:line:col: error: message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TheoryError {
    pub file: String,
    pub pos: Pos,
    pub msg: String,
}

impl fmt::Display for TheoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: error: {}",
            self.file, self.pos.line, self.pos.col, self.msg
        )
    }
}

impl std::error::Error for TheoryError {}

#[derive(Clone, Debug, PartialEq, Eq)]
enum ScopeKind {
    Section,
    Namespace,
}

#[derive(Clone, Debug)]
struct Scope {
    kind: ScopeKind,
    name: Option<String>,
    vars: Vec<Binder>,
    opens: Vec<Name>,
    universes: Vec<String>,
}

/// A checked theory: the kernel environment and what the language adds.
pub struct Theory {
    env: Env,
    notations: NotationTable,
    structures: HashMap<Name, StructInfo>,
    rules: Vec<RuleDecl>,
    /// Every notation command, in order (a later one for a token wins).
    notation_decls: Vec<NotationDecl>,
    /// The file being read, as errors name it (for `RuleDecl::file`).
    file: String,
    imported: HashSet<String>,
    scopes: Vec<Scope>,
    /// Declarations made by the theory files (not counting generated ones).
    declarations: Vec<Name>,
    /// The text of every source checked into the theory (the implicit
    /// prelude, imports, the file itself), in the order they were begun.
    sources: Vec<String>,
    /// Where each of `sources` came from: `<name>` for a shipped theory, a
    /// file's path relative to the first file's directory (`lib/base.theory`,
    /// `../x.theory`), or the name given to `add_source`.
    origins: Vec<String>,
    /// Replaying recorded sources (`load_recorded`): the text of each origin,
    /// read instead of files and shipped theories.
    recorded: Option<HashMap<String, String>>,
    /// The directory of the file being read, relative to the first file's.
    vdir: PathBuf,
}

impl fmt::Debug for Theory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Theory")
            .field("declarations", &self.declarations.len())
            .field("rules", &self.rules.len())
            .finish()
    }
}

impl Default for Theory {
    fn default() -> Self {
        Theory::new()
    }
}

/// The result of elaborating one declaration, ready to copy into the environment.
struct Elaborated {
    arena: Arena,
    ty: ExprId,
    value: Option<ExprId>,
    level_params: Vec<Name>,
}

fn root_scope() -> Scope {
    Scope {
        kind: ScopeKind::Namespace,
        name: None,
        vars: Vec::new(),
        opens: Vec::new(),
        universes: Vec::new(),
    }
}

impl Theory {
    /// An empty theory (not even the prelude).
    pub fn new() -> Theory {
        Theory {
            env: Env::new(),
            notations: NotationTable::new(),
            structures: HashMap::new(),
            rules: Vec::new(),
            notation_decls: Vec::new(),
            file: String::new(),
            imported: HashSet::new(),
            scopes: vec![root_scope()],
            declarations: Vec::new(),
            sources: Vec::new(),
            origins: Vec::new(),
            recorded: None,
            vdir: PathBuf::new(),
        }
    }

    pub fn env(&self) -> &Env {
        &self.env
    }
    pub fn into_env(self) -> Env {
        self.env
    }
    pub fn notations(&self) -> &NotationTable {
        &self.notations
    }
    /// The `@[rule]` declarations, in order.
    pub fn rules(&self) -> &[RuleDecl] {
        &self.rules
    }
    /// The notation commands, in the order they were read.
    pub fn notation_decls(&self) -> &[NotationDecl] {
        &self.notation_decls
    }
    pub fn structures(&self) -> &HashMap<Name, StructInfo> {
        &self.structures
    }
    /// The names the theory files declared, in order.
    /// The text of every source checked into the theory, in the order they
    /// were begun: what a corpus's theory hash covers.
    pub fn sources(&self) -> &[String] {
        &self.sources
    }
    /// Every source checked into the theory, in order, as (origin, text):
    /// what a corpus records so that `load_recorded` checks the same theory
    /// wherever the files have gone. The first is the theory itself.
    pub fn source_files(&self) -> impl Iterator<Item = (&str, &str)> {
        self.origins
            .iter()
            .map(String::as_str)
            .zip(self.sources.iter().map(String::as_str))
    }

    /// Checks a theory again from the sources `source_files` gave (origin and
    /// text, the theory itself first): imports and shipped theories are read
    /// from them, never from the file system or the binary.
    pub fn load_recorded(files: &[(String, String)]) -> Result<Theory, TheoryError> {
        let Some((main, _)) = files.first() else {
            return Err(TheoryError {
                file: "<recorded>".into(),
                pos: Pos::new(1, 1),
                msg: "no recorded theory sources".into(),
            });
        };
        let mut t = Theory::new();
        t.recorded = Some(files.iter().cloned().collect());
        match main.strip_prefix('<').and_then(|m| m.strip_suffix('>')) {
            Some(name) => t.import_shipped(name, "<recorded>", Pos::new(1, 1))?,
            None => t.add_file(Path::new(main), main, PathBuf::from(main), Pos::new(1, 1))?,
        }
        Ok(t)
    }

    pub fn declarations(&self) -> &[Name] {
        &self.declarations
    }

    /// Prints a closed term of the environment in the theory language, with
    /// the notation in force (implicit arguments hidden).
    pub fn print_expr(&self, e: ExprId) -> String {
        let g = self.globals();
        let mut el = Elab::new(&g);
        el.show(e)
    }

    /// Checks a shipped theory by name (`prelude`, `nat`, …).
    pub fn shipped(name: &str) -> Result<Theory, TheoryError> {
        let mut t = Theory::new();
        t.import_shipped(name, "<command line>", Pos::new(1, 1))?;
        Ok(t)
    }

    /// Checks a theory file (with the prelude unless it starts with `prelude`).
    pub fn load_file(path: &Path) -> Result<Theory, TheoryError> {
        let mut t = Theory::new();
        let origin = PathBuf::from(path.file_name().unwrap_or(path.as_os_str()));
        t.add_file(path, &path.display().to_string(), origin, Pos::new(1, 1))?;
        Ok(t)
    }

    /// Checks source text named `file` (relative imports resolve against `dir`).
    pub fn load_source(file: &str, src: &str, dir: Option<&Path>) -> Result<Theory, TheoryError> {
        let mut t = Theory::new();
        t.add_source(file, src, dir)?;
        Ok(t)
    }

    /// Reads a theorem back from its text (see [`TheoremReader`]; a
    /// caller reading many keeps one reader).
    pub fn read_theorem<R>(
        &self,
        statement: &str,
        proof: &str,
        f: impl FnOnce(&proofmill_kernel::LocalStore<'_>, ExprId, ExprId) -> R,
    ) -> Result<R, TheoryError> {
        TheoremReader::new(self).read(statement, proof, |tc, s, p| f(tc.store_ref(), s, p))
    }

    /// Reads `path`, refusing oversized files and invalid UTF-8 with a position.
    /// A file over `MAX_FILE_BYTES` is refused from its size, before it is read.
    pub fn read_source(path: &Path, file: &str) -> Result<String, TheoryError> {
        use std::io::Read;
        let fail = |msg: String| TheoryError {
            file: file.to_string(),
            pos: Pos::new(1, 1),
            msg,
        };
        let cannot = |e: std::io::Error| fail(format!("cannot read {}: {e}", path.display()));
        let f = std::fs::File::open(path).map_err(cannot)?;
        let len = f.metadata().map_err(cannot)?.len();
        if len > MAX_FILE_BYTES as u64 {
            return Err(fail(too_large(len)));
        }
        let mut bytes = Vec::with_capacity(len as usize);
        // A file that grows meanwhile is read no further than one byte past the limit.
        f.take(MAX_FILE_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(cannot)?;
        decode_source(file, bytes)
    }

    /// Checks the file at `path`, whose origin (its path relative to the
    /// first file's directory) is `origin`.
    fn add_file(
        &mut self,
        path: &Path,
        file: &str,
        origin: PathBuf,
        at: Pos,
    ) -> Result<(), TheoryError> {
        let vorigin = origin.display().to_string();
        let (key, src) = match &self.recorded {
            Some(files) => {
                let Some(src) = files.get(&vorigin) else {
                    return Err(TheoryError {
                        file: file.to_string(),
                        pos: at,
                        msg: format!("the recorded sources do not hold '{vorigin}'"),
                    });
                };
                (format!("recorded:{vorigin}"), src.clone())
            }
            None => {
                let key = std::fs::canonicalize(path)
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|_| path.display().to_string());
                if self.imported.contains(&key) {
                    return Ok(());
                }
                (key, Theory::read_source(path, file)?)
            }
        };
        if !self.imported.insert(key) {
            return Ok(());
        }
        let vdir = origin.parent().map(Path::to_path_buf).unwrap_or_default();
        let saved = std::mem::replace(&mut self.vdir, vdir);
        let r = self.add_source_from(&vorigin, file, &src, path.parent());
        self.vdir = saved;
        r
    }

    fn import_shipped(&mut self, name: &str, file: &str, pos: Pos) -> Result<(), TheoryError> {
        let origin = format!("<{name}>");
        let src = match &self.recorded {
            Some(files) => files.get(&origin).cloned(),
            None => shipped_source(name).map(str::to_string),
        };
        let Some(src) = src else {
            return Err(TheoryError {
                file: file.to_string(),
                pos,
                msg: format!(
                    "unknown theory '{name}' (shipped: {})",
                    SHIPPED
                        .iter()
                        .map(|(n, _)| *n)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        };
        if !self.imported.insert(origin.clone()) {
            return Ok(());
        }
        self.add_source_from(&origin, &origin, &src, None)
    }

    /// Checks every command of `src` into this theory.
    pub fn add_source(
        &mut self,
        file: &str,
        src: &str,
        dir: Option<&Path>,
    ) -> Result<(), TheoryError> {
        self.add_source_from(file, file, src, dir)
    }

    fn add_source_from(
        &mut self,
        origin: &str,
        file: &str,
        src: &str,
        dir: Option<&Path>,
    ) -> Result<(), TheoryError> {
        self.sources.push(src.to_string());
        self.origins.push(origin.to_string());
        let saved_scopes = std::mem::replace(&mut self.scopes, vec![root_scope()]);
        let saved_file = std::mem::replace(&mut self.file, file.to_string());
        let r = self.add_source_inner(file, src, dir);
        self.scopes = saved_scopes;
        self.file = saved_file;
        r
    }

    fn add_source_inner(
        &mut self,
        file: &str,
        src: &str,
        dir: Option<&Path>,
    ) -> Result<(), TheoryError> {
        let fail = |pos: Pos, msg: String| TheoryError {
            file: file.to_string(),
            pos,
            msg,
        };
        let mut parser = Parser::new(src, self.notations.clone());
        let starts_with_prelude = parser.starts_with_prelude();
        if !starts_with_prelude {
            self.import_shipped("prelude", file, Pos::new(1, 1))?;
            parser.set_notations(self.notations.clone());
        }
        let mut first = true;
        loop {
            let cmd = match parser.next_command() {
                Ok(Some(c)) => c,
                Ok(None) => break,
                Err(e) => return Err(fail(e.pos, e.msg)),
            };
            let is_first = first;
            first = false;
            match &cmd.kind {
                CommandKind::Prelude if !is_first => {
                    return Err(fail(cmd.pos, "'prelude' must be the first command".into()))
                }
                CommandKind::Prelude => {}
                CommandKind::ImportShipped(n) => {
                    self.import_shipped(n, file, cmd.pos)?;
                    parser.set_notations(self.notations.clone());
                }
                CommandKind::ImportPath(p) => {
                    let path: PathBuf = match dir {
                        Some(d) => d.join(p),
                        None => PathBuf::from(p),
                    };
                    let origin = normalize(&self.vdir.join(p));
                    if self.recorded.is_none() && !path.is_file() {
                        return Err(fail(cmd.pos, format!("cannot find theory file '{p}'")));
                    }
                    let saved = std::mem::replace(&mut self.scopes, vec![root_scope()]);
                    let r = self.add_file(&path, &path.display().to_string(), origin, cmd.pos);
                    self.scopes = saved;
                    r?;
                    parser.set_notations(self.notations.clone());
                }
                CommandKind::Notation {
                    kind,
                    prec,
                    token,
                    target,
                } => {
                    let g = self.globals();
                    let Some(full) = g.resolve(target) else {
                        return Err(fail(cmd.pos, format!("unknown identifier '{target}'")));
                    };
                    let n = Notation {
                        kind: *kind,
                        prec: *prec,
                        token: token.clone(),
                        target: full.to_string(),
                    };
                    self.notation_decls.push(NotationDecl {
                        token: n.token.clone(),
                        file: file.to_string(),
                        pos: cmd.pos,
                    });
                    self.notations.add(n.clone());
                    parser.notations_mut().add(n);
                }
                CommandKind::Mixfix {
                    target, target_pos, ..
                } => {
                    let g = self.globals();
                    let Some(full) = g.resolve(target) else {
                        return Err(fail(*target_pos, format!("unknown identifier '{target}'")));
                    };
                    let mut m = Mixfix::from_command(&cmd.kind).expect("a notation");
                    m.target = full.to_string();
                    self.notation_decls.push(NotationDecl {
                        token: m.key().to_string(),
                        file: file.to_string(),
                        pos: cmd.pos,
                    });
                    self.notations.add_mixfix(m.clone());
                    parser.notations_mut().add_mixfix(m);
                }
                _ => self.command(&cmd).map_err(|e| fail(e.pos, e.msg))?,
            }
        }
        if self.scopes.len() > 1 {
            let s = self.scopes.last().expect("a scope");
            let what = match s.kind {
                ScopeKind::Section => "section",
                ScopeKind::Namespace => "namespace",
            };
            let end = parser.pos_of(src.len());
            return Err(fail(
                end,
                format!(
                    "{what} '{}' is not closed by 'end'",
                    s.name.clone().unwrap_or_default()
                ),
            ));
        }
        Ok(())
    }

    fn current_namespace(&self) -> Name {
        let mut n = Name::anon();
        for s in &self.scopes {
            if s.kind == ScopeKind::Namespace {
                if let Some(x) = &s.name {
                    n = crate::elab::join(&n, x);
                }
            }
        }
        n
    }

    fn globals(&self) -> Globals<'_> {
        let mut namespaces = Vec::new();
        let mut ns = self.current_namespace();
        while !ns.is_anon() {
            namespaces.push(ns.clone());
            ns = ns.prefix();
        }
        Globals {
            env: &self.env,
            namespaces,
            opens: self.scopes.iter().flat_map(|s| s.opens.clone()).collect(),
            universes: self
                .scopes
                .iter()
                .flat_map(|s| s.universes.clone())
                .collect(),
            structures: &self.structures,
            notations: &self.notations,
        }
    }

    fn command(&mut self, cmd: &Command) -> EResult<()> {
        let pos = cmd.pos;
        match &cmd.kind {
            CommandKind::Universe(us) => {
                let s = self.scopes.last_mut().expect("a scope");
                s.universes.extend(us.iter().cloned());
                Ok(())
            }
            CommandKind::Section(n) => {
                self.scopes.push(Scope {
                    kind: ScopeKind::Section,
                    name: n.clone(),
                    vars: Vec::new(),
                    opens: Vec::new(),
                    universes: Vec::new(),
                });
                Ok(())
            }
            CommandKind::Namespace(n) => {
                self.scopes.push(Scope {
                    kind: ScopeKind::Namespace,
                    name: Some(n.clone()),
                    vars: Vec::new(),
                    opens: Vec::new(),
                    universes: Vec::new(),
                });
                Ok(())
            }
            CommandKind::End(n) => {
                if self.scopes.len() <= 1 {
                    return err(pos, "'end' without an open section or namespace");
                }
                let s = self.scopes.last().expect("a scope");
                if s.name != *n {
                    return err(
                        pos,
                        format!(
                            "'end {}' does not match the open scope '{}'",
                            n.clone().unwrap_or_default(),
                            s.name.clone().unwrap_or_default()
                        ),
                    );
                }
                self.scopes.pop();
                Ok(())
            }
            CommandKind::Variable(bs) => {
                // Check the binders now, so errors point here.
                let vars: Vec<Binder> = self.scopes.iter().flat_map(|s| s.vars.clone()).collect();
                {
                    let g = self.globals();
                    let mut el = Elab::new(&g);
                    el.elab_binders(&vars, None)?;
                    el.elab_binders(bs, None)?;
                }
                self.scopes
                    .last_mut()
                    .expect("a scope")
                    .vars
                    .extend(bs.iter().cloned());
                Ok(())
            }
            CommandKind::Open(ns) => {
                let mut names = Vec::new();
                for n in ns {
                    let full = self.resolve_namespace(n);
                    match full {
                        Some(f) => names.push(f),
                        None => return err(pos, format!("unknown namespace '{n}'")),
                    }
                }
                self.scopes.last_mut().expect("a scope").opens.extend(names);
                Ok(())
            }
            CommandKind::Axiom {
                attrs,
                name,
                binders,
                ty,
            } => {
                let full = self.decl_name(name, pos)?;
                let el = self.elab_decl(binders, Some(ty), None, pos, false)?;
                let (ty, _, lps) = self.import(el);
                self.add(
                    Declaration::Axiom {
                        name: full.clone(),
                        level_params: lps,
                        ty,
                        is_unsafe: false,
                    },
                    pos,
                )?;
                self.record_rules(attrs, &full, ty, pos)
            }
            CommandKind::Theorem {
                attrs,
                name,
                binders,
                ty,
                value,
            } => {
                let full = self.decl_name(name, pos)?;
                let el = self.elab_decl(binders, Some(ty), Some(value), pos, true)?;
                let (ty, value, lps) = self.import(el);
                self.add(
                    Declaration::Theorem {
                        name: full.clone(),
                        level_params: lps,
                        ty,
                        value: value.expect("a value"),
                    },
                    pos,
                )?;
                self.record_rules(attrs, &full, ty, pos)
            }
            CommandKind::Def {
                attrs,
                name,
                binders,
                ty,
                value,
            } => {
                if !attrs.is_empty() {
                    return err(
                        pos,
                        "@[rule] applies to theorems and axioms, not definitions",
                    );
                }
                let full = self.decl_name(name, pos)?;
                let el = self.elab_decl(binders, ty.as_ref(), Some(value), pos, false)?;
                let (ty, value, lps) = self.import(el);
                let value = value.expect("a value");
                let height = self.height(value);
                self.add(
                    Declaration::Definition {
                        name: full,
                        level_params: lps,
                        ty,
                        value,
                        hints: ReducibilityHints::Regular(height),
                        safety: DefinitionSafety::Safe,
                    },
                    pos,
                )
            }
            CommandKind::Inductive {
                name,
                binders,
                ty,
                ctors,
            } => self
                .inductive(name, binders, ty.as_ref(), ctors, pos)
                .map(|_| ()),
            CommandKind::Structure {
                name,
                binders,
                ty,
                ctor,
                fields,
            } => self.structure(name, binders, ty.as_ref(), ctor.as_deref(), fields, pos),
            CommandKind::Prelude
            | CommandKind::ImportShipped(_)
            | CommandKind::ImportPath(_)
            | CommandKind::Notation { .. }
            | CommandKind::Mixfix { .. } => Ok(()),
        }
    }

    fn resolve_namespace(&self, n: &str) -> Option<Name> {
        let g = self.globals();
        let mut cands: Vec<Name> = g
            .namespaces
            .iter()
            .map(|ns| crate::elab::join(ns, n))
            .collect();
        cands.push(Name::from_dotted(n));
        cands.into_iter().find(|c| {
            self.env.names().iter().any(|x| x.has_prefix(c) && x != c) || self.env.contains(c)
        })
    }

    fn decl_name(&self, name: &str, pos: Pos) -> EResult<Name> {
        let full = crate::elab::join(&self.current_namespace(), name);
        if self.env.contains(&full) {
            return err(pos, format!("'{full}' has already been declared"));
        }
        Ok(full)
    }

    fn add(&mut self, d: Declaration, pos: Pos) -> EResult<()> {
        let names = d.names();
        let shown = names.first().map(|n| n.to_string()).unwrap_or_default();
        self.env.add(d).map_err(|e| ElabError {
            pos,
            msg: format!("kernel rejected '{shown}': {e}"),
        })?;
        self.declarations.extend(names);
        Ok(())
    }

    /// Copies an elaborated declaration into the environment's arena.
    fn import(&mut self, el: Elaborated) -> (ExprId, Option<ExprId>, Vec<Name>) {
        let mut memo = rustc_hash_map();
        let ty = self
            .env
            .arena_mut()
            .import_local(&el.arena, el.ty, &mut memo);
        let value = el
            .value
            .map(|v| self.env.arena_mut().import_local(&el.arena, v, &mut memo));
        (ty, value, el.level_params)
    }

    fn height(&self, value: ExprId) -> u32 {
        let mut h = 0;
        for_each_const(self.env.arena(), value, &mut |n, _| {
            if let Some(ReducibilityHints::Regular(k)) = self.env.get(n).map(|i| i.hints()) {
                if matches!(
                    self.env.get(n).map(|i| &i.kind),
                    Some(ConstantKind::Definition { .. })
                ) {
                    h = h.max(k);
                }
            }
        });
        h + 1
    }

    fn record_rules(
        &mut self,
        attrs: &[Attribute],
        name: &Name,
        ty: ExprId,
        pos: Pos,
    ) -> EResult<()> {
        for a in attrs {
            let Attribute::Rule { fwd_hard } = a;
            if !is_rule_shape(&self.env, ty) {
                return err(
                    pos,
                    format!(
                        "@[rule] '{name}': the statement must be ∀ xs, (h → …) lhs = rhs (or ↔)"
                    ),
                );
            }
            self.rules.push(RuleDecl {
                name: name.clone(),
                statement: ty,
                fwd_hard: *fwd_hard,
                file: self.file.clone(),
                pos,
            });
        }
        Ok(())
    }

    /// Elaborates `∀ vars binders, ty` and (optionally) its value.
    fn elab_decl(
        &self,
        binders: &[Binder],
        ty: Option<&Term>,
        value: Option<&Term>,
        pos: Pos,
        is_theorem: bool,
    ) -> EResult<Elaborated> {
        let g = self.globals();
        let mut el = Elab::new(&g);
        let var_binders: Vec<Binder> = self.scopes.iter().flat_map(|s| s.vars.clone()).collect();
        let (vars, _) = el.elab_binders(&var_binders, None)?;
        let (xs, _) = el.elab_binders(binders, None)?;
        let ty_e = match ty {
            Some(t) => Some(el.elab_type(t)?),
            None => None,
        };
        if let Some(t) = ty_e {
            if is_theorem || value.is_none() {
                check_solved(&mut el, t, pos)?;
            }
        }
        let (ty_e, val_e) = match (ty_e, value) {
            (Some(t), Some(v)) => {
                let t = el.inst(t);
                let v = el.elab(v, Some(t))?;
                (t, Some(v))
            }
            (Some(t), None) => (t, None),
            (None, Some(v)) => {
                let v = el.elab(v, None)?;
                let t = el.infer(v, pos)?;
                (t, Some(v))
            }
            (None, None) => return err(pos, "a declaration needs a type or a value"),
        };
        let ty_e = el.inst(ty_e);
        check_solved(&mut el, ty_e, pos)?;
        let val_e = match val_e {
            Some(v) => {
                let v = el.inst(v);
                check_solved(&mut el, v, pos)?;
                Some(v)
            }
            None => None,
        };
        // Section variables: those the declaration uses (and their dependencies).
        let mut used: Vec<ExprId> = Vec::new();
        let mut uses: Vec<proofmill_kernel::FVarId> = el.local_fvars(ty_e);
        if let Some(v) = val_e {
            uses.extend(el.local_fvars(v));
        }
        for &x in xs.iter() {
            let t = el.tc.local_decl(x).map(|d| d.ty).expect("a local");
            let t = el.inst(t);
            uses.extend(el.local_fvars(t));
        }
        for &v in vars.iter().rev() {
            let id = el.fvar_id(v).expect("a local");
            if uses.contains(&id) {
                used.push(v);
                let t = el.tc.local_decl(v).map(|d| d.ty).expect("a local");
                let t = el.inst(t);
                uses.extend(el.local_fvars(t));
            }
        }
        used.reverse();
        used.extend(xs.iter().copied());
        let mut ty_c = el.close_over(&used, ty_e, true);
        let mut val_c = val_e.map(|v| el.close_over(&used, v, false));
        // Universe metavariables left over become universe parameters.
        let mut lms = el.level_mvars_in(ty_c);
        if let Some(v) = val_c {
            for i in el.level_mvars_in(v) {
                if !lms.contains(&i) {
                    lms.push(i);
                }
            }
        }
        let mut generalized = Vec::new();
        for (k, i) in lms.into_iter().enumerate() {
            let n = format!("u_{}", k + 1);
            el.assign_level_mvar(i, Level::param(&Name::str(&Name::anon(), &n)));
            generalized.push(n);
        }
        ty_c = el.inst(ty_c);
        val_c = val_c.map(|v| el.inst(v));
        let mut level_params: Vec<Name> = Vec::new();
        let mut present = HashSet::new();
        let mut collect = |e: ExprId, el: &Elab<'_>| {
            proofmill_kernel::for_each_level(el.tc.store_ref(), e, &mut |l: &Level| {
                l.for_each_param(&mut |p| {
                    present.insert(p.to_string());
                })
            });
        };
        collect(ty_c, &el);
        if let Some(v) = val_c {
            collect(v, &el);
        }
        for u in g
            .universes
            .iter()
            .chain(el.auto_levels.iter())
            .chain(generalized.iter())
        {
            if present.contains(u) && !level_params.iter().any(|p| p.to_string() == *u) {
                level_params.push(Name::str(&Name::anon(), u));
            }
        }
        if el.tc.store_ref().has_fvar(ty_c) || val_c.is_some_and(|v| el.tc.store_ref().has_fvar(v))
        {
            return err(
                pos,
                "a local variable escapes its scope (could not elaborate the declaration)",
            );
        }
        Ok(Elaborated {
            arena: el.tc.into_local(),
            ty: ty_c,
            value: val_c,
            level_params,
        })
    }

    fn inductive(
        &mut self,
        name: &str,
        binders: &[Binder],
        ty: Option<&Term>,
        ctors: &[Ctor],
        pos: Pos,
    ) -> EResult<Name> {
        let full = self.decl_name(name, pos)?;
        let (decl, nparams) = {
            let g = self.globals();
            let mut el = Elab::new(&g);
            let (xs, _) = el.elab_binders(binders, None)?;
            let sort = match ty {
                Some(t) => el.elab_type(t)?,
                None => el.store().mk_sort(Level::one()),
            };
            check_solved(&mut el, sort, pos)?;
            let ind_ty = el.close_over(&xs, sort, true);
            // The type itself, as a local, while its constructors are elaborated.
            let me = el.tc.mk_local(full.clone(), BinderInfo::Default, ind_ty);
            el.scope.push((name.to_string(), me));
            if full.to_string() != name {
                el.scope.push((full.to_string(), me));
            }
            let nindices = el.count_pis(sort, pos)?;
            // Which indices each constructor leaves fixed (see `fixed_indices`).
            let mut fixed = vec![true; nindices];
            let mut ctor_tys = Vec::new();
            for c in ctors {
                let (ys, _) = el.elab_binders(&c.binders, None)?;
                let result = match &c.ty {
                    Some(t) => el.elab_type(t)?,
                    None => {
                        let mut r = me;
                        for &x in &xs {
                            r = el.store().mk_app(r, x);
                        }
                        r
                    }
                };
                let here = fixed_indices(&mut el, me, xs.len(), &ys, result, nindices);
                for (f, h) in fixed.iter_mut().zip(here) {
                    *f &= h;
                }
                el.pop_scope(ys.len());
                let inner = el.close_over(&ys, result, true);
                check_solved(&mut el, inner, c.pos)?;
                let cty = el.close_over_with(&xs, inner, true, Some(BinderInfo::Implicit));
                ctor_tys.push((c, cty));
            }
            // Universe parameters, then replace the local by the constant.
            let mut present = HashSet::new();
            let mut all = vec![ind_ty];
            all.extend(ctor_tys.iter().map(|(_, t)| *t));
            for &e in &all {
                proofmill_kernel::for_each_level(el.tc.store_ref(), e, &mut |l: &Level| {
                    l.for_each_param(&mut |p| {
                        present.insert(p.to_string());
                    })
                });
            }
            if let Some(i) = el.level_mvars_in(ind_ty).first() {
                let _ = i;
                return err(pos, "cannot determine the universe of the inductive type");
            }
            let mut lps: Vec<Name> = Vec::new();
            for u in g.universes.iter().chain(el.auto_levels.iter()) {
                if present.contains(u) && !lps.iter().any(|p| p.to_string() == *u) {
                    lps.push(Name::str(&Name::anon(), u));
                }
            }
            let levels: Vec<Level> = lps.iter().map(Level::param).collect();
            let konst = el.store().mk_const(full.clone(), levels.into());
            let me_id = el.fvar_id(me).expect("a local");
            let mut ctors_out = Vec::new();
            for (c, t) in ctor_tys {
                let t = el.inst(t);
                let abs = abstract_fvars(el.store(), t, &[me_id]);
                let t = instantiate1(el.store(), abs, konst);
                if !el.level_mvars_in(t).is_empty() {
                    return err(
                        c.pos,
                        "cannot determine a universe level in this constructor",
                    );
                }
                if el.has_unassigned(t) || el.tc.store_ref().has_fvar(t) {
                    return err(c.pos, "could not elaborate the constructor's type");
                }
                ctors_out.push((crate::elab::join(&full, &c.name), t));
            }
            let arena = el.tc.into_local();
            // Leading fixed indices become parameters, as Lean 4 does.
            let promoted = fixed.iter().take_while(|&&f| f).count();
            (
                (arena, ind_ty, ctors_out, lps),
                (xs.len() + promoted) as u32,
            )
        };
        let (arena, ind_ty, ctors_out, lps) = decl;
        let mut memo = rustc_hash_map();
        let ind_ty = self.env.arena_mut().import_local(&arena, ind_ty, &mut memo);
        let ctors: Vec<Constructor> = ctors_out
            .into_iter()
            .map(|(n, t)| Constructor {
                name: n,
                ty: self.env.arena_mut().import_local(&arena, t, &mut memo),
            })
            .collect();
        self.add(
            Declaration::Inductive(InductiveDecl {
                level_params: lps,
                num_params: nparams,
                types: vec![InductiveType {
                    name: full.clone(),
                    ty: ind_ty,
                    ctors,
                }],
                is_unsafe: false,
            }),
            pos,
        )?;
        self.declarations.push(Name::str(&full, "rec"));
        Ok(full)
    }

    fn structure(
        &mut self,
        name: &str,
        binders: &[Binder],
        ty: Option<&Term>,
        ctor: Option<&str>,
        fields: &[Field],
        pos: Pos,
    ) -> EResult<()> {
        // The constructor: fields as explicit binders.
        let ctor_name = ctor.unwrap_or("mk");
        let fbinders: Vec<Binder> = fields
            .iter()
            .map(|f| {
                let ty = if f.binders.is_empty() {
                    f.ty.clone()
                } else {
                    Term {
                        pos: f.ty.pos,
                        kind: crate::syntax::TermKind::Pi(
                            f.binders.clone(),
                            Box::new(f.ty.clone()),
                        ),
                    }
                };
                Binder {
                    pos: f.pos,
                    names: vec![(f.name.clone(), f.pos)],
                    ty: Some(ty),
                    kind: BinderKind::Explicit,
                }
            })
            .collect();
        let c = Ctor {
            pos,
            name: ctor_name.to_string(),
            binders: fbinders,
            ty: None,
        };
        let full = self.inductive(name, binders, ty, std::slice::from_ref(&c), pos)?;
        let ctor_full = Name::str(&full, ctor_name);
        self.structures.insert(
            full.clone(),
            StructInfo {
                ctor: ctor_full.clone(),
                fields: fields.iter().map(|f| f.name.clone()).collect(),
            },
        );
        // Projections `S.field {params} (self : S params) : T := self.i`.
        let info = self.env.get(&full).cloned().expect("just added");
        let ConstantKind::Inductive { num_params, .. } = info.kind else {
            return err(pos, "not an inductive type");
        };
        let cinfo = self.env.get(&ctor_full).cloned().expect("just added");
        let lps: Vec<Name> = info.level_params.to_vec();
        for (i, f) in fields.iter().enumerate() {
            let built = {
                let g = self.globals();
                let mut el = Elab::new(&g);
                let mut t = cinfo.ty;
                let mut params = Vec::new();
                for _ in 0..num_params {
                    let ExprKind::Pi(n, _, d, b) = el.kind(t) else {
                        return err(pos, "bad constructor type");
                    };
                    let x = el.tc.mk_local(n, BinderInfo::Implicit, d);
                    params.push(x);
                    t = instantiate1(el.store(), b, x);
                }
                let levels: Vec<Level> = lps.iter().map(Level::param).collect();
                let s_const = el.store().mk_const(full.clone(), levels.into());
                let s_app = el.store().mk_apps(s_const, &params);
                let selfx =
                    el.tc
                        .mk_local(Name::str(&Name::anon(), "self"), BinderInfo::Default, s_app);
                for j in 0..i {
                    let ExprKind::Pi(_, _, _, b) = el.kind(t) else {
                        return err(pos, "bad constructor type");
                    };
                    let pj = el.store().mk_proj(full.clone(), j as u32, selfx);
                    t = instantiate1(el.store(), b, pj);
                }
                let ExprKind::Pi(_, _, fty, _) = el.kind(t) else {
                    return err(pos, "bad constructor type");
                };
                let val = el.store().mk_proj(full.clone(), i as u32, selfx);
                let mut xs = params.clone();
                xs.push(selfx);
                let ty_c = el.close_over(&xs, fty, true);
                let val_c = el.close_over(&xs, val, false);
                Elaborated {
                    arena: el.tc.into_local(),
                    ty: ty_c,
                    value: Some(val_c),
                    level_params: lps.clone(),
                }
            };
            let (ty, value, lps) = self.import(built);
            self.add(
                Declaration::Definition {
                    name: Name::str(&full, &f.name),
                    level_params: lps,
                    ty,
                    value: value.expect("a value"),
                    hints: ReducibilityHints::Abbrev,
                    safety: DefinitionSafety::Safe,
                },
                f.pos,
            )?;
        }
        Ok(())
    }
}

fn rustc_hash_map() -> rustc_hash::FxHashMap<u32, ExprId> {
    rustc_hash::FxHashMap::default()
}

/// Reports unsolved metavariables at the position they were made.
pub(crate) fn check_solved(el: &mut Elab<'_>, e: ExprId, pos: Pos) -> EResult<()> {
    let e = el.inst(e);
    if el.is_mvar_free(e) {
        return Ok(());
    }
    if let Some(&i) = el.unassigned_in(e).first() {
        let m = el.mvars[i].clone();
        let what = match &m.kind {
            crate::elab::MVarKind::Implicit(n) => {
                format!("could not infer the implicit argument '{n}'")
            }
            crate::elab::MVarKind::Hole => "could not infer this placeholder '_'".to_string(),
            crate::elab::MVarKind::Goal => "unsolved goal".to_string(),
        };
        let ty = el.show(m.ty);
        let p = if m.pos == Pos::default() { pos } else { m.pos };
        return err(p, format!("{what} of type\n  {ty}"));
    }
    Ok(())
}

/// For each index of an inductive type, whether this constructor leaves it
/// fixed: the constructor's `j`-th field (after the parameters) is the
/// result's `j`-th index, and every recursive occurrence in a field's type
/// passes that same field there. Lean 4 (`fixedIndicesToParams`) turns the
/// indices that every constructor leaves fixed, from the first on, into
/// parameters: `inductive Eq : α → α → Prop | refl (a : α) : Eq a a` has the
/// parameters `α` and `a`, one index, and `Eq.refl` takes `a` explicitly.
fn fixed_indices(
    el: &mut Elab<'_>,
    me: ExprId,
    nparams: usize,
    ys: &[ExprId],
    result: ExprId,
    nindices: usize,
) -> Vec<bool> {
    let result = el.inst(result);
    let (head, args) = el.tc.store_ref().app_args(result);
    if head != me || args.len() != nparams + nindices {
        return vec![false; nindices];
    }
    let mut fixed: Vec<bool> = (0..nindices)
        .map(|j| ys.get(j).is_some_and(|&y| args[nparams + j] == y))
        .collect();
    // Recursive occurrences in the fields' types.
    for &y in ys {
        let Some(t) = el.tc.local_decl(y).map(|d| d.ty) else {
            continue;
        };
        let t = el.inst(t);
        let st = el.tc.store_ref();
        let mut stack = vec![t];
        let mut seen = HashSet::new();
        while let Some(e) = stack.pop() {
            if !seen.insert(e) {
                continue;
            }
            let (h, xs) = st.app_args(e);
            if h == me {
                for (j, f) in fixed.iter_mut().enumerate() {
                    if let Some(&x) = xs.get(nparams + j) {
                        *f &= ys.get(j) == Some(&x);
                    }
                }
            }
            stack.extend(proofmill_kernel::child_ids(st.kind(e)));
        }
    }
    fixed
}

/// `∀ xs, (h → …) lhs = rhs` or `↔`.
fn is_rule_shape(env: &Env, ty: ExprId) -> bool {
    let a = env.arena();
    let mut t = ty;
    while let ExprKind::Pi(_, _, _, b) = a.kind(t) {
        t = *b;
    }
    let (f, args) = a.app_args(t);
    (args.len() == 3 && a.is_const_named(f, &Name::from_dotted("Eq")))
        || (args.len() == 2 && a.is_const_named(f, &Name::from_dotted("Iff")))
}

/// `a/./b/../c` as `a/c`, lexically (a leading `..` is kept).
fn normalize(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out.iter().collect()
}

/// The message for a file over `MAX_FILE_BYTES` (`len` bytes, or more).
pub fn too_large(len: u64) -> String {
    format!("file too large ({len} bytes; the limit is {MAX_FILE_BYTES})")
}

/// Source bytes to text; invalid UTF-8 is reported with its line and column.
pub fn decode_source(file: &str, bytes: Vec<u8>) -> Result<String, TheoryError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(TheoryError {
            file: file.to_string(),
            pos: Pos::new(1, 1),
            msg: too_large(bytes.len() as u64),
        });
    }
    String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let prefix = std::str::from_utf8(&bytes[..good]).unwrap_or("");
        let line = prefix.matches('\n').count() as u32 + 1;
        let col = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
        TheoryError {
            file: file.to_string(),
            pos: Pos::new(line, col),
            msg: "invalid UTF-8".into(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(src: &str) -> Result<Theory, TheoryError> {
        proofmill_kernel::with_kernel_stack(|| Theory::load_source("t.theory", src, None))
    }

    /// `Eq.trans p (Eq.symm (Nat.add_comm 0 (m * 2)))`, where `p`'s type
    /// ends in the beta-redex `(fun x => m * 2 + x) 0` that `congrArg`
    /// leaves: unifying `?a + ?b` with it must beta-reduce, not compare the
    /// `Nat.rec` unfoldings (which solved `?b := m`, and then the explicit
    /// `0` was refused).
    #[test]
    fn unification_reduces_beta_before_unfolding() {
        let t = load(
            "axiom add_comm (n m : Nat) : n + m = m + n\n\
             axiom zero_add (n : Nat) : 0 + n = n\n\
             axiom zero_mul (n : Nat) : 0 * n = 0\n\
             theorem t (m : Nat) : m * 2 + 0 * m = m * 2 :=\n  \
             Eq.trans (Eq.trans (congrArg (fun (x : Nat) => m * 2 + x) (zero_mul m)) \
             (Eq.symm (add_comm 0 (m * 2)))) (zero_add (m * 2))\n",
        );
        assert!(t.is_ok(), "{t:?}");
    }

    /// A lambda's type is the Π over its body's known type (not inferred
    /// again), and it is still checked against the statement: a binder
    /// declared with another type than the statement's is refused even
    /// though the body checks.
    #[test]
    fn a_lambda_with_the_wrong_binder_type_is_refused() {
        let t = load("axiom add_comm (n m : Nat) : n + m = m + n\n").unwrap();
        let ok = t.read_theorem(
            "∀ (a : Nat), a + 0 = 0 + a",
            "fun (a : Nat) => add_comm a 0",
            |_, _, _| (),
        );
        assert!(ok.is_ok(), "{ok:?}");
        let bad = t.read_theorem(
            "∀ (a : Nat), 0 + 0 = 0 + 0",
            "fun (a : Prop) => add_comm 0 0",
            |_, _, _| (),
        );
        assert!(bad.is_err(), "{bad:?}");
    }

    #[test]
    fn a_theorem_reads_back_from_its_text() {
        let t = load("axiom add_comm (n m : Nat) : n + m = m + n\n").unwrap();
        let kinds = t
            .read_theorem(
                "∀ (a b : Nat), a + b = b + a",
                "fun (a b : Nat) => add_comm a b",
                |st, s, p| (st.kind(s).clone(), st.kind(p).clone()),
            )
            .unwrap();
        assert!(
            matches!(kinds, (ExprKind::Pi(..), ExprKind::Lam(..))),
            "{kinds:?}"
        );
        let e = t
            .read_theorem(
                "∀ (a b : Nat), a + b = b + a",
                "fun (a b : Nat) => add_comm b a",
                |_, _, _| (),
            )
            .unwrap_err();
        assert_eq!(e.file, "<proof>");
        let e = t
            .read_theorem("∀ (a : Nat), a +", "add_comm", |_, _, _| ())
            .unwrap_err();
        assert_eq!(e.file, "<statement>");
    }

    #[test]
    fn rules_are_recorded_with_their_hardness() {
        let t = load(
            "axiom R : Type\naxiom f : R → R\n@[rule] axiom a (x : R) : f x = x\n@[rule (fwd := hard)] axiom b (x : R) : x = f x\n",
        )
        .unwrap();
        let rules: Vec<(String, bool)> = t
            .rules()
            .iter()
            .map(|r| (r.name.to_string(), r.fwd_hard))
            .collect();
        assert_eq!(rules, vec![("a".into(), false), ("b".into(), true)]);
    }

    #[test]
    fn section_variables_are_added_only_where_used() {
        let t =
            load("section\nvariable (p q : Prop)\ntheorem id' (h : p) : p := h\nend\n").unwrap();
        let ty = t.env().get(&Name::from_dotted("id'")).unwrap().ty;
        assert_eq!(t.print_expr(ty), "∀ (p : Prop), p → p");
    }

    #[test]
    fn namespaces_prefix_names_and_open_resolves_them() {
        let t = load("namespace A\naxiom x : Prop\ntheorem y (h : x) : x := h\nend A\nopen A\ntheorem z (h : x) : A.x := y h\n").unwrap();
        assert!(t.env().contains(&Name::from_dotted("A.y")));
        assert!(t.env().contains(&Name::from_dotted("z")));
    }

    #[test]
    fn the_kernel_has_the_last_word() {
        // Elaboration succeeds; the kernel refuses the non-positive type.
        let e = load("inductive Bad : Type where\n  | mk (f : Bad → Prop) : Bad\n").unwrap_err();
        assert!(e.msg.starts_with("kernel rejected 'Bad'"), "{e}");
        assert_eq!(e.pos, Pos::new(1, 1));
    }

    #[test]
    fn structures_get_projections() {
        let t = load("structure P (a b : Prop) : Prop where\n  fst : a\n  snd : b\ntheorem sw (a b : Prop) (h : P a b) : P b a := ⟨h.2, h.fst⟩\n").unwrap();
        assert!(t.env().contains(&Name::from_dotted("P.fst")));
        assert!(t.structures().contains_key(&Name::from_dotted("P")));
    }

    fn num_params(t: &Theory, n: &str) -> (u32, u32) {
        match t.env().get(&Name::from_dotted(n)).map(|i| &i.kind) {
            Some(ConstantKind::Inductive {
                num_params,
                num_indices,
                ..
            }) => (*num_params, *num_indices),
            _ => panic!("{n} is not an inductive type"),
        }
    }

    fn shown(t: &Theory, n: &str) -> String {
        t.print_expr(t.env().get(&Name::from_dotted(n)).expect("declared").ty)
    }

    #[test]
    fn a_fixed_index_becomes_a_parameter_as_in_lean() {
        let t = load(
            "universe u
inductive E {α : Sort u} (a : α) : α → Prop where
  | refl : E a a
inductive F {α : Sort u} : α → α → Prop where
  | refl (a : α) : F a a
",
        )
        .unwrap();
        assert_eq!(num_params(&t, "E"), (2, 1));
        assert_eq!(num_params(&t, "F"), (2, 1));
        // Kernel terms, every argument shown: the recursors are the same.
        let raw = |n: &str| {
            let ty = t.env().get(&Name::from_dotted(n)).expect("declared").ty;
            proofmill_kernel::expr_to_string(t.env().arena(), ty, &|_| None)
        };
        assert_eq!(raw("E.rec"), raw("F.rec").replace('F', "E"));
        assert_eq!(raw("E.refl"), raw("F.refl").replace('F', "E"));
        // Only the constructor's binder differs.
        assert_eq!(shown(&t, "E.refl"), "∀ {α : Sort u} {a : α}, E a a");
        assert_eq!(shown(&t, "F.refl"), "∀ {α : Sort u} (a : α), F a a");
    }

    #[test]
    fn the_preludes_eq_is_declared_as_in_lean_4() {
        let t = load("").unwrap();
        assert_eq!(num_params(&t, "Eq"), (2, 1));
        assert_eq!(shown(&t, "Eq.refl"), "∀ {α : Sort u} (a : α), a = a");
        // Its recursor is the one the parameter-style declaration gets.
        let t = load(
            "universe u\ninductive E {α : Sort u} (a : α) : α → Prop where\n  | refl : E a a\n",
        )
        .unwrap();
        let raw = |n: &str| {
            let ty = t.env().get(&Name::from_dotted(n)).expect("declared").ty;
            proofmill_kernel::expr_to_string(t.env().arena(), ty, &|_| None)
        };
        assert_eq!(raw("E.rec"), raw("Eq.rec").replace("Eq", "E"));
    }

    #[test]
    fn only_indices_fixed_everywhere_from_the_first_on_are_promoted() {
        let t = load(
            "inductive Le (n : Nat) : Nat → Prop where
  | refl : Le n n
  | step (m : Nat) (h : Le n m) : Le n (Nat.succ m)
inductive Same : Nat → Nat → Prop where
  | mk (a : Nat) (b : Nat) : Same a b
inductive Twisted : Nat → Nat → Prop where
  | mk (a : Nat) (b : Nat) : Twisted b a
inductive Rec : Nat → Prop where
  | base (a : Nat) : Rec a
  | up (a : Nat) (h : Rec (Nat.succ a)) : Rec a
",
        )
        .unwrap();
        assert_eq!(num_params(&t, "Le"), (1, 1));
        assert_eq!(num_params(&t, "Same"), (2, 0));
        assert_eq!(shown(&t, "Same.mk"), "∀ (a : Nat) (b : Nat), Same a b");
        assert_eq!(num_params(&t, "Twisted"), (0, 2));
        // A recursive occurrence with another argument there keeps the index.
        assert_eq!(num_params(&t, "Rec"), (0, 1));
    }

    #[test]
    fn a_metavariable_applied_to_locals_is_solved_by_abstraction() {
        // `?β x =?= Nat` under `(x : ?α) → ?β x =?= Nat → Nat`: `?β := fun x => Nat`.
        load("universe u v\naxiom cf {α : Sort u} {β : α → Sort v} {f g : (x : α) → β x} (h : f = g) (a : α) : f a = g a\ntheorem t (f g : Nat → Nat) (h : f = g) : f 0 = g 0 := cf h 0\n").unwrap();
    }

    #[test]
    fn field_notation_on_a_constant_fills_its_implicit_arguments_first() {
        load("theorem sw {a b : Prop} : a ∧ b ↔ b ∧ a := ⟨fun h => ⟨h.2, h.1⟩, fun h => ⟨h.2, h.1⟩⟩\ntheorem t (p q : Prop) (h : p ∧ q) : q ∧ p := sw.mp h\n").unwrap();
    }

    #[test]
    fn invalid_utf8_has_a_position() {
        let e = decode_source("x", b"ab\ncd\xffe".to_vec()).unwrap_err();
        assert_eq!(e.pos, Pos::new(2, 3));
    }

    #[test]
    fn general_notation_is_declared_used_and_printed_back() {
        let t = load(
            "axiom R : Type\naxiom Equiv : R → R → Prop\naxiom norm : R → R\nnotation:50 a:51 \" ≈ \" b:51 => Equiv a b\nnotation \"‖\" x \"‖\" => norm x\naxiom norm_equiv (x : R) : ‖‖x‖‖ ≈ ‖x‖\ntheorem again (y : R) : Equiv (norm (norm y)) (norm y) := norm_equiv y\n",
        )
        .unwrap();
        for n in ["norm_equiv", "again"] {
            let ty = t.env().get(&Name::from_dotted(n)).unwrap().ty;
            assert_eq!(
                t.print_expr(ty),
                "∀ (x : R), ‖‖x‖‖ ≈ ‖x‖".replace('x', if n == "again" { "y" } else { "x" })
            );
        }
        let e = load("axiom R : Type\nnotation \"‖\" x \"‖\" => nrm x\n").unwrap_err();
        assert_eq!(
            (e.pos, e.msg.as_str()),
            (Pos::new(2, 23), "unknown identifier 'nrm'")
        );
    }

    #[test]
    fn recorded_sources_check_the_same_theory_without_the_files() {
        let root = std::env::temp_dir().join(format!("proofmill-recorded-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("src/lib")).unwrap();
        std::fs::create_dir_all(root.join("up")).unwrap();
        std::fs::write(root.join("up/u.theory"), "axiom U : Type\n").unwrap();
        std::fs::write(
            root.join("src/lib/base.theory"),
            "import \"../../up/u.theory\"\naxiom R : Type\naxiom f : R → R\n",
        )
        .unwrap();
        std::fs::write(
            root.join("src/main.theory"),
            "import nat\nimport \"lib/base.theory\"\n@[rule] axiom a (x : R) : f x = x\n",
        )
        .unwrap();
        let t = proofmill_kernel::with_kernel_stack({
            let p = root.join("src/main.theory");
            move || Theory::load_file(&p)
        })
        .unwrap();
        let files: Vec<(String, String)> = t
            .source_files()
            .map(|(o, s)| (o.to_string(), s.to_string()))
            .collect();
        let origins: Vec<&str> = files.iter().map(|(o, _)| o.as_str()).collect();
        assert_eq!(
            origins,
            [
                "main.theory",
                "<prelude>",
                "<nat>",
                "lib/base.theory",
                "../up/u.theory"
            ]
        );
        std::fs::remove_dir_all(&root).unwrap();
        let again =
            proofmill_kernel::with_kernel_stack(move || Theory::load_recorded(&files)).unwrap();
        assert_eq!(again.sources(), t.sources());
        assert_eq!(again.rules().len(), t.rules().len());
        // A recorded shipped theory is read from the record, not the binary.
        let edited = vec![
            ("<ring>".to_string(), "axiom Q : Type\n".to_string()),
            (
                "<prelude>".to_string(),
                shipped_source("prelude").unwrap().to_string(),
            ),
        ];
        let q =
            proofmill_kernel::with_kernel_stack(move || Theory::load_recorded(&edited)).unwrap();
        assert!(q.env().get(&Name::from_dotted("Q")).is_some());
    }
}
