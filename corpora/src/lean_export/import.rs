//! The import driver: read a line, define what it defines, and submit each
//! declaration to the kernel as soon as it is read (or, with several
//! threads, hand the declarations to one parallel batch as they are read).

use super::compare;
use super::declarations::{resolve, Resolved};
use super::error::{ImportError, Malformed};
use super::lines::Lines;
use super::records::{parse_record, Record};
use super::tables::Tables;
use proofmill_kernel::{Arena, BatchError, Declaration, Env, Name};
use std::collections::BTreeSet;
use std::io::BufRead;
use std::sync::mpsc;

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

/// Whether the input's claims about the constants the kernel generates
/// (recursors, constructors, quotient constants, inductive flags) are
/// compared with the kernel's.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum GeneratedCheck {
    /// Compare, and reject on any difference (the default, and what
    /// `proofmill lean-check` does).
    #[default]
    Compare,
    /// Do not compare. The environment is the same either way (the kernel
    /// never uses the input's recursors); only an export that lies about
    /// them is no longer flagged. For testing what the kernel alone refuses.
    Skip,
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
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImportOptions {
    pub axioms: AxiomPolicy,
    pub limits: ImportLimits,
    /// Threads checking declarations. With 1 (the default) the import
    /// streams: each declaration is checked as soon as its line is read.
    /// With more, the export is one parallel batch of the kernel
    /// (`Env::add_batch_with`): each declaration is handed over as it is
    /// read, and the bodies are checked on all threads once all is read;
    /// the verdict, and the failure reported, are the same.
    pub threads: usize,
    pub generated: GeneratedCheck,
}

impl Default for ImportOptions {
    fn default() -> ImportOptions {
        ImportOptions {
            axioms: AxiomPolicy::default(),
            limits: ImportLimits::default(),
            threads: 1,
            generated: GeneratedCheck::Compare,
        }
    }
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
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }
    pub fn with_generated_check(mut self, generated: GeneratedCheck) -> Self {
        self.generated = generated;
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

    /// What has been imported so far.
    pub fn report(&self) -> ImportReport {
        ImportReport {
            constants: self.env.len(),
            expressions: self.tables.num_exprs(),
            ..self.report.clone()
        }
    }

    /// Reads every line of `reader`, stopping at the first failure.
    pub fn read_all<R: BufRead>(&mut self, reader: R) -> Result<(), ImportError> {
        if self.options.threads > 1 {
            return self.read_all_batched(reader);
        }
        let mut lines = Lines::new(reader, self.options.limits.max_line_bytes);
        while let Some((line_no, line)) = lines.next_line()? {
            self.process_line(line_no, line)?;
        }
        Ok(())
    }

    /// Processes one line (`line_no` is used in errors), checking the
    /// declaration it holds, if any. Blank lines are skipped.
    pub fn process_line(&mut self, line_no: u64, line: &str) -> Result<(), ImportError> {
        if let Some(resolved) = self.read_line(line_no, line)? {
            self.submit(line_no, resolved)?;
            self.report.declarations += 1;
        }
        Ok(())
    }

    /// Defines what a line defines; a declaration is returned, resolved, for
    /// the caller to submit.
    fn read_line(&mut self, line_no: u64, line: &str) -> Result<Option<Resolved>, ImportError> {
        self.report.lines = self.report.lines.max(line_no);
        if line.trim().is_empty() {
            return Ok(None);
        }
        let record = parse_record(line, self.options.limits.max_nat_digits);
        self.define(line_no, record)
    }

    /// Defines what a parsed line defines (see `read_line`).
    fn define(
        &mut self,
        line_no: u64,
        record: Result<Record, Malformed>,
    ) -> Result<Option<Resolved>, ImportError> {
        define(
            &mut self.tables,
            &mut self.report,
            &mut self.seen_record,
            self.env.arena_mut(),
            line_no,
            record,
        )
    }

    /// Refuses axioms the options do not permit.
    fn check_policy(&self, line: u64, resolved: &Resolved) -> Result<(), ImportError> {
        check_policy(&self.options.axioms, line, resolved)
    }

    fn add(&mut self, line: u64, decl_name: &Name, decl: Declaration) -> Result<(), ImportError> {
        self.env.add(decl).map_err(|error| ImportError::Kernel {
            line,
            decl: decl_name.clone(),
            error,
        })
    }

    /// Checks one declaration: policy, kernel, then the input's claims about
    /// what the kernel generated.
    fn submit(&mut self, line: u64, resolved: Resolved) -> Result<(), ImportError> {
        self.check_policy(line, &resolved)?;
        let name = resolved.name();
        match &resolved {
            Resolved::Plain(decl) => self.add(line, &name, decl.clone())?,
            Resolved::Quot(..) => {
                if !self.env.quot_initialized() {
                    self.add(line, &name, Declaration::Quot)?;
                }
            }
            Resolved::Inductive(ind) => self.add(line, &name, ind.to_declaration())?,
        }
        self.compare(line, &resolved)
    }

    /// The input's recursors, constructors and quotient constants against the kernel's.
    fn compare(&self, line: u64, resolved: &Resolved) -> Result<(), ImportError> {
        let mismatch =
            |(decl, what): compare::Mismatch| ImportError::GeneratedMismatch { line, decl, what };
        if self.options.generated == GeneratedCheck::Skip {
            return Ok(());
        }
        match resolved {
            Resolved::Plain(_) => Ok(()),
            Resolved::Quot(supplied, kind) => {
                compare::check_quot(self.env, supplied, *kind).map_err(mismatch)
            }
            Resolved::Inductive(ind) => compare::check_inductive(self.env, ind).map_err(mismatch),
        }
    }

    /// Reads the export and checks its declarations as one parallel batch
    /// (`Env::add_batch_with`). Failures are reported as the streaming
    /// import reports them: the earliest line's.
    ///
    /// Reading is a pipeline: this thread reads lines a chunk at a time and
    /// hands each chunk to a parser thread (`threads - 1` of them, in turn);
    /// it defines the records of the chunks as they come back, in order
    /// (definitions depend on earlier lines), and hands each declaration to
    /// the kernel, which does its in-order part at once, while the parsers
    /// work on the next chunks. The declarations' bodies are checked in
    /// parallel once everything is read.
    fn read_all_batched<R: BufRead>(&mut self, reader: R) -> Result<(), ImportError> {
        let mut lines = Lines::new(reader, self.options.limits.max_line_bytes);
        let max_nat_digits = self.options.limits.max_nat_digits;
        let threads = self.options.threads;
        let parsers = threads.saturating_sub(1).max(1);
        // Declarations read, and for each one handed to the kernel, its
        // position among them.
        let mut pending: Vec<(u64, Resolved)> = Vec::new();
        let mut origin = Vec::new();
        // The first line that cannot be read; what was read before it is checked first.
        let mut read_error = None;
        // The first failure met while defining (always on an earlier line).
        let mut stop = None;
        let env = &mut *self.env;
        let (tables, report, seen_record) =
            (&mut self.tables, &mut self.report, &mut self.seen_record);
        let axioms = &self.options.axioms;
        let mut quot = env.quot_initialized();
        let result = std::thread::scope(|scope| {
            let mut to_parsers = Vec::with_capacity(parsers);
            let mut from_parsers = Vec::with_capacity(parsers);
            for _ in 0..parsers {
                let (to_parser, jobs) = mpsc::channel::<Chunk>();
                let (done, from_parser) = mpsc::channel();
                std::thread::Builder::new()
                    .name("proofmill-parse".into())
                    .spawn_scoped(scope, move || {
                        for chunk in jobs {
                            let parsed = chunk.parse(max_nat_digits);
                            if done.send((chunk.lines, parsed)).is_err() {
                                break;
                            }
                        }
                    })
                    .expect("cannot spawn a parser thread");
                to_parsers.push(to_parser);
                from_parsers.push(from_parser);
            }
            // Chunks sent and received so far.
            let (mut sent, mut received) = (0usize, 0usize);
            let mut end = false;
            // The lines of the chunk being defined.
            let mut current = Vec::<(u64, usize, usize)>::new()
                .into_iter()
                .zip(Vec::<Parsed>::new());
            let next = |arena: &mut Arena| loop {
                let Some(((line_no, ..), parsed)) = current.next() else {
                    // Keep the parsers a few chunks ahead of this thread.
                    while !end && read_error.is_none() && sent - received < LOOKAHEAD * parsers {
                        let mut chunk = Chunk::default();
                        while chunk.lines.len() < PARSE_CHUNK {
                            let start = chunk.text.len();
                            match lines.next_raw_line(&mut chunk.text) {
                                Ok(Some((line_no, line_end))) => {
                                    chunk.lines.push((line_no, start, line_end))
                                }
                                Ok(None) => {
                                    end = true;
                                    break;
                                }
                                Err(e) => {
                                    read_error = Some(e);
                                    break;
                                }
                            }
                        }
                        if to_parsers[sent % parsers].send(chunk).is_err() {
                            break;
                        }
                        sent += 1;
                    }
                    if received == sent {
                        return None;
                    }
                    // A parser thread that died ends the batch; the scope reports its panic.
                    let (chunk_lines, parsed) = from_parsers[received % parsers].recv().ok()?;
                    received += 1;
                    current = chunk_lines.into_iter().zip(parsed);
                    continue;
                };
                let record = match parsed {
                    Parsed::NotUtf8 => {
                        stop = Some(ImportError::malformed(line_no, Malformed::NotUtf8));
                        return None;
                    }
                    Parsed::Blank => {
                        report.lines = report.lines.max(line_no);
                        continue;
                    }
                    Parsed::Record(record) => record,
                };
                report.lines = report.lines.max(line_no);
                let defined =
                    define(tables, report, seen_record, arena, line_no, record).and_then(|r| {
                        if let Some(resolved) = &r {
                            check_policy(axioms, line_no, resolved)?;
                        }
                        Ok(r)
                    });
                let resolved = match defined {
                    Ok(Some(resolved)) => resolved,
                    Ok(None) => continue,
                    Err(e) => {
                        stop = Some(e);
                        return None;
                    }
                };
                let decl = match &resolved {
                    Resolved::Plain(d) => Some(d.clone()),
                    Resolved::Quot(..) if quot => None,
                    Resolved::Quot(..) => {
                        quot = true;
                        Some(Declaration::Quot)
                    }
                    Resolved::Inductive(ind) => Some(ind.to_declaration()),
                };
                pending.push((line_no, resolved));
                if let Some(decl) = decl {
                    origin.push(pending.len() - 1);
                    return Some(decl);
                }
            };
            let result = env.add_batch_with(threads, next);
            // Dropping the senders ends the parsers.
            drop(to_parsers);
            result
        });
        self.finish_batch(pending, &origin, result)?;
        stop.or(read_error).map_or(Ok(()), Err)
    }

    /// After the kernel's verdict on a batch: the input's claims about what
    /// it generated, or, if it refused a declaration, the earliest failure.
    fn finish_batch(
        &mut self,
        pending: Vec<(u64, Resolved)>,
        origin: &[usize],
        result: Result<(), BatchError>,
    ) -> Result<(), ImportError> {
        match result {
            Ok(()) => {
                for (line, r) in &pending {
                    self.compare(*line, r)?;
                    self.report.declarations += 1;
                }
                Ok(())
            }
            Err(batch) => {
                // Nothing of the batch is left in the environment. Replaying
                // it in order finds the earliest failure, which may be an
                // earlier disagreement with a generated constant.
                let (line, decl) = origin
                    .get(batch.index)
                    .and_then(|&i| pending.get(i))
                    .map_or((0, Name::anon()), |(line, r)| (*line, r.name()));
                let first_found = ImportError::Kernel {
                    line,
                    decl,
                    error: batch.error,
                };
                for (line, r) in pending {
                    self.submit(line, r)?;
                    self.report.declarations += 1;
                }
                Err(first_found)
            }
        }
    }
}

/// Defines what a parsed line defines, building expressions in `arena`; a
/// declaration is returned, resolved, for the caller to submit.
fn define(
    tables: &mut Tables,
    report: &mut ImportReport,
    seen_record: &mut bool,
    arena: &mut Arena,
    line_no: u64,
    record: Result<Record, Malformed>,
) -> Result<Option<Resolved>, ImportError> {
    let bad = |what| ImportError::malformed(line_no, what);
    let record = record.map_err(bad)?;
    let first = !*seen_record;
    *seen_record = true;
    match record {
        Record::Meta { version } => {
            if !first {
                return Err(bad(Malformed::MisplacedMeta));
            }
            if !version.starts_with("3.") {
                return Err(bad(Malformed::UnsupportedFormat(version)));
            }
            report.format_version = Some(version);
        }
        Record::Name { idx, node } => tables.define_name(idx, &node).map_err(bad)?,
        Record::Level { idx, node } => tables.define_level(idx, &node).map_err(bad)?,
        Record::Expr { idx, node } => tables.define_expr(arena, idx, &node).map_err(bad)?,
        Record::Decl(d) => return resolve(tables, &d).map(Some).map_err(bad),
    }
    Ok(None)
}

/// Refuses axioms `axioms` does not permit.
fn check_policy(axioms: &AxiomPolicy, line: u64, resolved: &Resolved) -> Result<(), ImportError> {
    match resolved {
        Resolved::Plain(Declaration::Axiom { name, .. }) if !axioms.permits(name) => {
            Err(ImportError::AxiomNotPermitted {
                line,
                decl: name.clone(),
            })
        }
        _ => Ok(()),
    }
}

/// Lines parsed together in the batched import.
const PARSE_CHUNK: usize = 2048;

/// Chunks read ahead for each parser thread.
const LOOKAHEAD: usize = 8;

/// Lines read for a parser thread: their bytes, one after the other, and
/// each line's number and place in them.
#[derive(Default)]
struct Chunk {
    text: Vec<u8>,
    lines: Vec<(u64, usize, usize)>,
}

/// A line of a chunk, parsed.
enum Parsed {
    /// Not UTF-8 (which `Lines::next_line` would have refused).
    NotUtf8,
    Blank,
    Record(Result<Record, Malformed>),
}

impl Chunk {
    fn parse(&self, max_nat_digits: usize) -> Vec<Parsed> {
        self.lines
            .iter()
            .map(
                |&(_, start, end)| match std::str::from_utf8(&self.text[start..end]) {
                    Err(_) => Parsed::NotUtf8,
                    Ok(line) if line.trim().is_empty() => Parsed::Blank,
                    Ok(line) => Parsed::Record(parse_record(line, max_nat_digits)),
                },
            )
            .collect()
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
