//! The import driver: read a line, define what it defines, and submit each
//! declaration to the kernel as soon as it is read.

use super::compare;
use super::declarations::{resolve, Resolved};
use super::error::{ImportError, Malformed};
use super::lines::Lines;
use super::records::{parse_record, Record};
use super::tables::Tables;
use proofmill_kernel::{Declaration, Env, Name};
use std::collections::BTreeSet;
use std::io::BufRead;

/// Which axioms an export may declare.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum AxiomPolicy {
    /// Every axiom is accepted (after the kernel checks its type).
    #[default]
    PermitAll,
    /// Only axioms with these (dotted) names; any other is rejected.
    PermitOnly(BTreeSet<String>),
}

impl AxiomPolicy {
    /// No axiom at all.
    pub fn none() -> AxiomPolicy {
        AxiomPolicy::PermitOnly(BTreeSet::new())
    }

    /// Whether `name` may be declared as an axiom.
    pub fn permits(&self, name: &Name) -> bool {
        match self {
            AxiomPolicy::PermitAll => true,
            AxiomPolicy::PermitOnly(names) => names.contains(&name.to_string()),
        }
    }
}

/// Size limits on untrusted input; exceeding one declines the input.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImportLimits {
    /// Longest line, in bytes.
    pub max_line_bytes: usize,
    /// Most decimal digits in a natural-number literal.
    pub max_nat_digits: usize,
    /// Deepest universe level.
    pub max_level_depth: u32,
}

impl Default for ImportLimits {
    fn default() -> ImportLimits {
        ImportLimits {
            max_line_bytes: 256 << 20,
            max_nat_digits: 1_000_000,
            max_level_depth: 10_000,
        }
    }
}

impl ImportLimits {
    pub fn with_max_line_bytes(mut self, n: usize) -> Self {
        self.max_line_bytes = n;
        self
    }
    pub fn with_max_nat_digits(mut self, n: usize) -> Self {
        self.max_nat_digits = n;
        self
    }
    pub fn with_max_level_depth(mut self, n: u32) -> Self {
        self.max_level_depth = n;
        self
    }
}

/// How to import.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImportOptions {
    pub axioms: AxiomPolicy,
    pub limits: ImportLimits,
}

impl ImportOptions {
    pub fn with_axioms(mut self, axioms: AxiomPolicy) -> Self {
        self.axioms = axioms;
        self
    }
    pub fn with_limits(mut self, limits: ImportLimits) -> Self {
        self.limits = limits;
        self
    }
}

/// What an import has done so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImportReport {
    /// Lines read (blank lines included).
    pub lines: u64,
    /// Declaration records accepted by the kernel.
    pub declarations: u64,
    /// Constants in the environment (generated recursors, constructors and
    /// quotient constants included).
    pub constants: usize,
    /// Expressions the export defined.
    pub expressions: usize,
    /// The format version the meta record announced, if there was one.
    pub format_version: Option<String>,
}

/// Feeds an export, line by line, into a kernel environment.
///
/// ```
/// use proofmill_corpora::lean_export::{Importer, ImportOptions};
/// use proofmill_kernel::{Env, Name};
/// let export = r#"{"meta":{"format":{"version":"3.1.0"}}}
/// {"in":1,"str":{"pre":0,"str":"p"}}
/// {"ie":0,"sort":0}
/// {"axiom":{"name":1,"levelParams":[],"type":0,"isUnsafe":false}}
/// "#;
/// let mut env = Env::new();
/// let mut importer = Importer::new(&mut env, ImportOptions::default());
/// importer.read_all(export.as_bytes()).unwrap();
/// assert_eq!(importer.report().declarations, 1);
/// assert!(env.contains(&Name::from_dotted("p")));
/// ```
pub struct Importer<'e> {
    env: &'e mut Env,
    tables: Tables,
    options: ImportOptions,
    report: ImportReport,
    seen_record: bool,
}

impl<'e> Importer<'e> {
    pub fn new(env: &'e mut Env, options: ImportOptions) -> Importer<'e> {
        let tables = Tables::new(options.limits.max_level_depth);
        Importer {
            env,
            tables,
            options,
            report: ImportReport::default(),
            seen_record: false,
        }
    }

    /// Reads every line of `reader`, stopping at the first failure.
    pub fn read_all<R: BufRead>(&mut self, reader: R) -> Result<(), ImportError> {
        let mut lines = Lines::new(reader, self.options.limits.max_line_bytes);
        while let Some((line_no, line)) = lines.next_line()? {
            self.process_line(line_no, line)?;
        }
        Ok(())
    }

    /// What has been imported so far.
    pub fn report(&self) -> ImportReport {
        ImportReport {
            constants: self.env.len(),
            expressions: self.tables.num_exprs(),
            ..self.report.clone()
        }
    }

    /// Processes one line (`line_no` is used in errors). Blank lines are skipped.
    pub fn process_line(&mut self, line_no: u64, line: &str) -> Result<(), ImportError> {
        self.report.lines = self.report.lines.max(line_no);
        if line.trim().is_empty() {
            return Ok(());
        }
        let bad = |what| ImportError::malformed(line_no, what);
        let record = parse_record(line, self.options.limits.max_nat_digits).map_err(bad)?;
        let first = !self.seen_record;
        self.seen_record = true;
        match record {
            Record::Meta { version } => {
                if !first {
                    return Err(bad(Malformed::MisplacedMeta));
                }
                if !version.starts_with("3.") {
                    return Err(bad(Malformed::UnsupportedFormat(version)));
                }
                self.report.format_version = Some(version);
                Ok(())
            }
            Record::Name { idx, node } => self.tables.define_name(idx, &node).map_err(bad),
            Record::Level { idx, node } => self.tables.define_level(idx, &node).map_err(bad),
            Record::Expr { idx, node } => self
                .tables
                .define_expr(self.env.arena_mut(), idx, &node)
                .map_err(bad),
            Record::Decl(d) => {
                let resolved = resolve(&self.tables, &d).map_err(bad)?;
                self.submit(line_no, resolved)?;
                self.report.declarations += 1;
                Ok(())
            }
        }
    }

    fn add(&mut self, line: u64, decl_name: &Name, decl: Declaration) -> Result<(), ImportError> {
        self.env.add(decl).map_err(|error| ImportError::Kernel {
            line,
            decl: decl_name.clone(),
            error,
        })
    }

    fn submit(&mut self, line: u64, resolved: Resolved) -> Result<(), ImportError> {
        let name = resolved.name();
        let mismatch =
            |(decl, what): compare::Mismatch| ImportError::GeneratedMismatch { line, decl, what };
        match resolved {
            Resolved::Plain(decl) => {
                if matches!(decl, Declaration::Axiom { .. }) && !self.options.axioms.permits(&name)
                {
                    return Err(ImportError::AxiomNotPermitted { line, decl: name });
                }
                self.add(line, &name, decl)
            }
            Resolved::Quot(supplied, kind) => {
                if !self.env.quot_initialized() {
                    self.add(line, &name, Declaration::Quot)?;
                }
                compare::check_quot(self.env, &supplied, kind).map_err(mismatch)
            }
            Resolved::Inductive(ind) => {
                self.add(line, &name, ind.to_declaration())?;
                compare::check_inductive(self.env, &ind).map_err(mismatch)
            }
        }
    }
}

/// Checks a whole export into a fresh environment.
pub fn check_export<R: BufRead>(
    reader: R,
    options: ImportOptions,
) -> Result<(Env, ImportReport), ImportError> {
    let mut env = Env::new();
    let mut importer = Importer::new(&mut env, options);
    importer.read_all(reader)?;
    let report = importer.report();
    Ok((env, report))
}
