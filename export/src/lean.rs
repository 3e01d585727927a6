//! `--to lean`: the corpus as Lean 4 source files.
//!
//! Why: a Lean user reads a theorem as Lean source, and the traces a
//! corpus records are already Lean tactic scripts (`intro a b`, then one
//! `rw [rule args]` a step). The theory language shares Lean 4's syntax
//! for everything a corpus uses, so the export is the theory's own text and
//! each record's statement and tactics, laid out as a Lean user writes them:
//!
//! ```text
//! lean/Ring.lean                 provenance comment, then the theory's text
//! lean/Ring/Theorems00000.lean   provenance comment, `import "../Ring.lean"`,
//!                                then 1,000 theorems, each
//!                                  theorem ring_s0_000001 : ∀ (a c : R), … := by
//!                                    intro a c
//!                                    rw [mul_comm (-a) c]
//!                                    …
//! ```
//!
//! `proofmill check` accepts every file unchanged (tested), which re-checks
//! each theorem by elaborating its script from the statement. What real
//! Lean 4 needs beyond this (a module import instead of the file import,
//! the prelude's declarations) is listed in the README.
//!
//! The layout is computed here once, as [`LeanTree`], and shared with the
//! LeanDojo export, whose `start`/`end` positions must be true positions in
//! these very files. Files are written as records stream by, so memory
//! does not grow with the corpus.

use crate::{ExportContext, ExportError, Exporter, Provenance, Split};
use proofmill_corpora::corpus::{theory_label, Record};
use proofmill_kernel::Name;
use proofmill_tactics::theory::Theory;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Component, Path, PathBuf};

/// Theorems a file holds (the corpus's shard size, so a file stays far
/// below the 64 MiB a theory file may have).
pub(crate) const THEOREMS_PER_FILE: u64 = 1000;

pub(crate) fn exporter(cx: &ExportContext) -> Result<Box<dyn Exporter>, ExportError> {
    let theory = load_theory(cx)?;
    let tree = LeanTree::create(cx.out, cx, &theory)?;
    Ok(Box::new(LeanExporter { tree, theory }))
}

/// Checks the corpus's theory from the sources its manifest records.
pub(crate) fn load_theory(cx: &ExportContext) -> Result<Theory, ExportError> {
    let files: Vec<(String, String)> = cx
        .source
        .manifest()
        .theory_sources
        .iter()
        .map(|s| (s.origin.clone(), s.text.clone()))
        .collect();
    proofmill_kernel::with_kernel_stack(|| Theory::load_recorded(&files)).map_err(|e| {
        ExportError::Theory {
            theory: cx.source.theory_name().to_string(),
            msg: e.to_string(),
        }
    })
}

struct LeanExporter {
    tree: LeanTree,
    theory: Theory,
}

impl Exporter for LeanExporter {
    fn record(&mut self, record: &Record, _split: Split) -> Result<(), ExportError> {
        self.tree.theorem(record, &self.theory)?;
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<String, ExportError> {
        let dir = self.tree.root.clone();
        let (files, theorems) = self.tree.finish()?;
        Ok(format!(
            "{theorems} theorems in {files} Lean files (and the theory) in {}",
            dir.display()
        ))
    }
}

/// A 1-based (line, column) position, the column counted in characters
/// (Unicode scalar values), as Lean's `Position` and LeanDojo count.
pub(crate) type Pos = (u64, u64);

/// Where a theorem was written.
pub(crate) struct Placed {
    /// The file, relative to the tree's root (`Ring/Theorems00000.lean`).
    pub file: String,
    /// The theorem's Lean name (`ring_s0_000001`).
    pub name: String,
    /// The position of `theorem`.
    pub start: Pos,
    /// The position just after the proof's last character.
    pub end: Pos,
}

/// A `@[rule]` declaration of the theory, found in the theory file.
pub(crate) struct RuleSource {
    pub name: String,
    /// `axiom` or `theorem` (the keyword that declares it).
    pub kind: String,
    pub start: Pos,
    pub end: Pos,
    /// The declaration's text, `start` to `end`.
    pub code: String,
}

/// The Lean files of an export, written as theorems arrive.
pub(crate) struct LeanTree {
    root: PathBuf,
    /// The theory's module name (`Ring`): `Ring.lean` and `Ring/`.
    pub module: String,
    header: String,
    current: Option<Current>,
    files: u64,
    theorems: u64,
    /// The rules of the theory, with their places in the theory file.
    pub rules: Vec<RuleSource>,
}

struct Current {
    out: BufWriter<File>,
    path: PathBuf,
    rel: String,
    /// Lines written so far (the next line's number minus one).
    lines: u64,
    theorems: u64,
}

impl LeanTree {
    /// Writes the theory file (and any file it imports) under `root`.
    pub(crate) fn create(
        root: &Path,
        cx: &ExportContext,
        theory: &Theory,
    ) -> Result<LeanTree, ExportError> {
        let manifest = cx.source.manifest();
        let module = module_name(&theory_label(&manifest.theory));
        let header = header(cx.provenance);
        let theory_file = format!("{module}.lean");
        let text = cx.source.theory_text();
        let mut content = header.clone();
        content.push_str(text);
        if !content.ends_with('\n') {
            content.push('\n');
        }
        write_file(&root.join(&theory_file), content.as_bytes())?;
        // Files the theory imports by path sit where its imports look for them.
        for s in manifest.theory_sources.iter().skip(1) {
            if s.origin.starts_with('<') {
                continue;
            }
            let rel = Path::new(&s.origin);
            if rel.is_absolute() || rel.components().any(|c| !matches!(c, Component::Normal(_))) {
                return Err(ExportError::Unsupported {
                    format: "lean",
                    why: format!(
                        "a theory that imports '{}', which is not a path below its directory",
                        s.origin
                    ),
                });
            }
            write_file(&root.join(rel), s.text.as_bytes())?;
        }
        let offset = header.matches('\n').count() as u64;
        let rules = find_rules(theory, text, offset)?;
        std::fs::create_dir_all(root.join(&module)).map_err(|e| io(root.join(&module), e))?;
        Ok(LeanTree {
            root: root.to_path_buf(),
            module,
            header,
            current: None,
            files: 0,
            theorems: 0,
            rules,
        })
    }

    /// The theory file, relative to the root.
    pub(crate) fn theory_file(&self) -> String {
        format!("{}.lean", self.module)
    }

    /// The theorem files begun so far.
    pub(crate) fn files(&self) -> u64 {
        self.files
    }

    /// Theorem file `k` (from 0), relative to the root.
    pub(crate) fn file_name(&self, k: u64) -> String {
        format!("{}/Theorems{k:05}.lean", self.module)
    }

    /// Writes `r` as a theorem (beginning a new file every
    /// [`THEOREMS_PER_FILE`]); where it went.
    pub(crate) fn theorem(&mut self, r: &Record, theory: &Theory) -> Result<Placed, ExportError> {
        let name = theorem_name(r, theory)?;
        if self
            .current
            .as_ref()
            .is_some_and(|c| c.theorems >= THEOREMS_PER_FILE)
        {
            self.close()?;
        }
        if self.current.is_none() {
            let rel = self.file_name(self.files);
            let path = self.root.join(&rel);
            let file = File::create(&path).map_err(|e| io(path.clone(), e))?;
            let mut out = BufWriter::new(file);
            let head = format!("{}import \"../{}\"\n", self.header, self.theory_file());
            out.write_all(head.as_bytes())
                .map_err(|e| io(path.clone(), e))?;
            self.files += 1;
            self.current = Some(Current {
                out,
                path,
                rel,
                lines: head.matches('\n').count() as u64,
                theorems: 0,
            });
        }
        let c = self.current.as_mut().expect("a file is open");
        let text = theorem_text(&name, r);
        // A blank line, then the theorem.
        let start = (c.lines + 2, 1);
        let end_line = start.0 + text.matches('\n').count() as u64;
        let last = text.rsplit('\n').next().unwrap_or("");
        let end = (end_line, last.chars().count() as u64 + 1);
        c.out
            .write_all(b"\n")
            .and_then(|()| c.out.write_all(text.as_bytes()))
            .and_then(|()| c.out.write_all(b"\n"))
            .map_err(|e| io(c.path.clone(), e))?;
        c.lines = end_line;
        c.theorems += 1;
        self.theorems += 1;
        Ok(Placed {
            file: c.rel.clone(),
            name,
            start,
            end,
        })
    }

    fn close(&mut self) -> Result<(), ExportError> {
        if let Some(mut c) = self.current.take() {
            c.out.flush().map_err(|e| io(c.path.clone(), e))?;
        }
        Ok(())
    }

    /// Closes the last file: (theorem files, theorems).
    pub(crate) fn finish(mut self) -> Result<(u64, u64), ExportError> {
        self.close()?;
        Ok((self.files, self.theorems))
    }
}

/// `/- … -/` naming the exporter, the theory and the corpus.
fn header(p: &Provenance) -> String {
    let mut s = String::from("/-\n  Exported by `proofmill export --to lean`.\n");
    for l in p.lines() {
        s.push_str("  ");
        s.push_str(&l);
        s.push('\n');
    }
    s.push_str("-/\n");
    s
}

/// A theorem as Lean source: the statement, then `by` and one tactic a line.
pub(crate) fn theorem_text(name: &str, r: &Record) -> String {
    let mut s = format!("theorem {name} : {} := by", r.statement);
    for t in tactics(r) {
        s.push_str("\n  ");
        s.push_str(t);
    }
    s
}

/// A record's tactics in order: `intro` (when it introduces anything), then
/// each step's.
pub(crate) fn tactics(r: &Record) -> impl Iterator<Item = &str> {
    let intro = (!r.intro.is_empty()).then_some(r.intro.as_str());
    intro
        .into_iter()
        .chain(r.steps.iter().map(|s| s.tactic.as_str()))
}

/// The Lean name of a record's theorem: its id with `/` as `_`
/// (`ring/s0/000001` → `ring_s0_000001`). Ids are unique in a corpus and
/// share their `theory/seed/` prefix, so names are too; a name the theory
/// itself declares is refused.
pub(crate) fn theorem_name(r: &Record, theory: &Theory) -> Result<String, ExportError> {
    let mut s: String =
        r.id.chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
    if !s.starts_with(|c: char| c.is_ascii_alphabetic()) {
        s.insert(0, 't');
    }
    if theory.env().get(&Name::from_dotted(&s)).is_some() {
        return Err(ExportError::Unsupported {
            format: "lean",
            why: format!(
                "record {} as '{s}', a name the theory itself declares",
                r.id
            ),
        });
    }
    Ok(s)
}

/// `ring` → `Ring`: an identifier that starts with a capital letter.
pub(crate) fn module_name(label: &str) -> String {
    let mut s: String = label
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    match s.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => {
            let up = c.to_ascii_uppercase();
            s.replace_range(..1, &up.to_string());
        }
        _ => s.insert(0, 'T'),
    }
    s
}

/// The theory's `@[rule]` declarations in its text (which starts on line
/// `offset + 1` of the exported file). A declaration starts at column 1
/// with its attributes and runs to its last non-blank line before the next
/// line that starts at column 1 (the next command). Namespaces opened with
/// `namespace X` prefix the names declared in them.
fn find_rules(theory: &Theory, text: &str, offset: u64) -> Result<Vec<RuleSource>, ExportError> {
    let lines: Vec<&str> = text.lines().collect();
    let mut namespaces: Vec<String> = Vec::new();
    let mut found: Vec<(String, String, usize)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if let Some(ns) = line.strip_prefix("namespace ") {
            namespaces.push(ns.trim().to_string());
            continue;
        }
        if let Some(ns) = line.strip_prefix("end ") {
            if namespaces.last().map(String::as_str) == Some(ns.trim()) {
                namespaces.pop();
            }
            continue;
        }
        if let Some((kind, ident)) = declared(line) {
            let mut full = namespaces.join(".");
            if !full.is_empty() {
                full.push('.');
            }
            full.push_str(ident);
            found.push((full, kind.to_string(), i));
        }
    }
    let mut rules = Vec::new();
    for rule in theory.rules() {
        let name = rule.name.to_string();
        let Some((_, kind, i)) = found.iter().find(|(n, _, _)| *n == name) else {
            return Err(ExportError::Unsupported {
                format: "lean",
                why: format!("rule '{name}', which is not declared in the theory's own file"),
            });
        };
        let mut last = *i;
        for (j, l) in lines.iter().enumerate().skip(i + 1) {
            if l.starts_with(|c: char| !c.is_whitespace()) {
                break;
            }
            if !l.trim().is_empty() {
                last = j;
            }
        }
        let code = lines[*i..=last].join("\n");
        rules.push(RuleSource {
            name,
            kind: kind.clone(),
            start: (offset + *i as u64 + 1, 1),
            end: (
                offset + last as u64 + 1,
                lines[last].chars().count() as u64 + 1,
            ),
            code,
        });
    }
    Ok(rules)
}

/// `@[rule] axiom add_comm : …` → (`axiom`, `add_comm`).
fn declared(line: &str) -> Option<(&str, &str)> {
    let mut rest = line;
    while let Some(r) = rest.strip_prefix("@[") {
        rest = r.split_once(']')?.1.trim_start();
    }
    for m in ["private ", "protected ", "noncomputable "] {
        rest = rest.strip_prefix(m).unwrap_or(rest);
    }
    let (kind, r) = rest.split_once(' ')?;
    if !matches!(kind, "axiom" | "theorem" | "lemma" | "def") {
        return None;
    }
    let ident = r
        .trim_start()
        .split(|c: char| c.is_whitespace() || c == ':' || c == '(' || c == '{' || c == '[')
        .next()?;
    (!ident.is_empty()).then_some((kind, ident))
}

pub(crate) fn io(path: PathBuf, source: std::io::Error) -> ExportError {
    ExportError::Io { path, source }
}

pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io(dir.to_path_buf(), e))?;
    }
    std::fs::write(path, bytes).map_err(|e| io(path.to_path_buf(), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names_are_capitalized_identifiers() {
        assert_eq!(module_name("ring"), "Ring");
        assert_eq!(module_name("my-theory"), "My_theory");
        assert_eq!(module_name("2x"), "T2x");
    }

    #[test]
    fn declarations_are_found_through_attributes() {
        assert_eq!(
            declared("@[rule] axiom add_comm : a + b = b + a"),
            Some(("axiom", "add_comm"))
        );
        assert_eq!(
            declared("@[rule (fwd := hard)] theorem deriv_add (f g : F) : x"),
            Some(("theorem", "deriv_add"))
        );
        assert_eq!(declared("  rw [h]"), None);
        assert_eq!(declared("axiom R : Type"), Some(("axiom", "R")));
    }
}
