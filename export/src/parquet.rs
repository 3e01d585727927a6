//! `--to parquet`: the corpus as a Hugging Face dataset.
//!
//! Why: most ML training reads datasets through Hugging Face `datasets`,
//! whose native form is Parquet files under `data/` named by split, with a
//! `README.md` dataset card whose YAML says which files make which split
//! and what the features are. `datasets.load_dataset(OUT/parquet)` then
//! loads the corpus with no script and no conversion (tested, every record
//! compared field by field with the corpus's JSONL).
//!
//! Layout: `data/{train,validation,test}-0000K-of-0000N.parquet` (zstd), a
//! row per record with every field of the JSONL record under the same name:
//! strings as strings (seeds and hashes too, as in the JSONL), `vars` and
//! `steps` as lists of structs (`position` a list of `uint32`),
//! `difficulty` a struct of `uint32`, `problem` a nullable struct. Splits
//! are the export's (`--split`, by canonical hash). The card gives the
//! features, the theory, the generation options, the counts, a histogram
//! of proof lengths and how the corpus was verified, and the provenance;
//! each file's key-value metadata carries the provenance too.
//!
//! Memory stays flat: records are buffered a batch at a time per split
//! ([`BATCH`]), written as row groups, and a split's file is closed every
//! [`ROWS_PER_FILE`] rows; files are renamed to their `-of-N` names at the
//! end, when N is known.

use crate::lean::{io, write_file};
use crate::{ExportContext, ExportError, Exporter, Split};
use arrow_array::builder::{ListBuilder, StringBuilder, UInt32Builder};
use arrow_array::{ArrayRef, ListArray, RecordBatch, StringArray, StructArray, UInt32Array};
use arrow_buffer::{OffsetBuffer, ScalarBuffer};
use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use proofmill_corpora::corpus::Record;
use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Records buffered per split before they are written as a row group.
const BATCH: usize = 2000;
/// Rows a file holds before the split's next file is begun.
pub(crate) const ROWS_PER_FILE: u64 = 500_000;

pub(crate) fn exporter(cx: &ExportContext) -> Result<Box<dyn Exporter>, ExportError> {
    let data = cx.out.join("data");
    std::fs::create_dir_all(&data).map_err(|e| io(data.clone(), e))?;
    let provenance = cx.provenance.lines();
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(
            ZstdLevel::try_new(3).expect("3 is a zstd level"),
        ))
        .set_max_row_group_row_count(Some(BATCH * 5))
        .set_created_by(format!("proofmill {}", env!("CARGO_PKG_VERSION")))
        .set_key_value_metadata(Some(
            provenance
                .iter()
                .enumerate()
                .map(|(i, l)| KeyValue::new(format!("proofmill.provenance.{i}"), l.clone()))
                .collect(),
        ))
        .build();
    let m = cx.source.manifest();
    let label: String = cx
        .source
        .theory_name()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let sha = cx.source.manifest_sha256();
    let config_name = format!("{label}-{}", sha.get(..12).unwrap_or(sha));
    Ok(Box::new(ParquetExporter {
        config_name,
        out: cx.out.to_path_buf(),
        schema: Arc::new(schema()),
        props,
        splits: [SplitFiles::new(), SplitFiles::new(), SplitFiles::new()],
        steps_histogram: BTreeMap::new(),
        card: CardFacts {
            theory: m.theory.clone(),
            theory_hash: m.theory_hash.clone(),
            options: m.options.clone(),
            counts: m.counts.clone(),
            provenance,
            split: cx.provenance.split.clone(),
        },
    }))
}

struct ParquetExporter {
    out: PathBuf,
    schema: SchemaRef,
    props: WriterProperties,
    /// Train, validation, test.
    splits: [SplitFiles; 3],
    /// Records by `difficulty.steps`.
    steps_histogram: BTreeMap<u32, u64>,
    card: CardFacts,
    /// `ring-0b6b8491b5ee`: the theory and the manifest's sha256.
    config_name: String,
}

/// What the dataset card says beyond the counts.
struct CardFacts {
    theory: String,
    theory_hash: String,
    options: BTreeMap<String, String>,
    counts: BTreeMap<String, u64>,
    provenance: Vec<String>,
    split: String,
}

/// One split's files: the one being written and the buffered records.
struct SplitFiles {
    buffer: Vec<Record>,
    writer: Option<(ArrowWriter<File>, u64)>,
    /// Temporary names of the files written, in order.
    files: Vec<PathBuf>,
    rows: u64,
}

impl SplitFiles {
    fn new() -> SplitFiles {
        SplitFiles {
            buffer: Vec::with_capacity(BATCH),
            writer: None,
            files: Vec::new(),
            rows: 0,
        }
    }
}

fn index(split: Split) -> usize {
    match split {
        Split::Train => 0,
        Split::Validation => 1,
        Split::Test => 2,
    }
}

const SPLITS: [Split; 3] = [Split::Train, Split::Validation, Split::Test];

impl ParquetExporter {
    /// Writes the buffered records of split `k` as a batch.
    fn flush(&mut self, k: usize) -> Result<(), ExportError> {
        let split = &mut self.splits[k];
        if split.buffer.is_empty() {
            return Ok(());
        }
        if split.writer.is_none() {
            let path = self.out.join("data").join(format!(
                "{}-{:05}.parquet.tmp",
                SPLITS[k].name(),
                split.files.len()
            ));
            let file = File::create(&path).map_err(|e| io(path.clone(), e))?;
            let w = ArrowWriter::try_new(file, self.schema.clone(), Some(self.props.clone()))
                .map_err(|e| parquet_error(&path, e))?;
            split.files.push(path);
            split.writer = Some((w, 0));
        }
        let path = split.files.last().cloned().unwrap_or_default();
        let batch = batch(&self.schema, &split.buffer).map_err(|e| parquet_error(&path, e))?;
        let (w, rows) = split.writer.as_mut().expect("a file is open");
        w.write(&batch).map_err(|e| parquet_error(&path, e))?;
        *rows += split.buffer.len() as u64;
        split.rows += split.buffer.len() as u64;
        split.buffer.clear();
        if *rows >= ROWS_PER_FILE {
            let (w, _) = split.writer.take().expect("a file is open");
            w.close().map_err(|e| parquet_error(&path, e))?;
        }
        Ok(())
    }

    /// The dataset card: YAML (configs, features, splits), then the corpus.
    fn card(&self, files: &[Vec<String>; 3]) -> String {
        let c = &self.card;
        // A config named after the corpus: `datasets` caches a local
        // dataset by its directory's name and its config, not its path, so
        // two exports under `*/parquet` with the same config name would
        // load as whichever was cached first.
        let mut s = format!(
            "---\nconfigs:\n- config_name: {}\n  default: true\n  data_files:\n",
            self.config_name
        );
        for (k, split) in SPLITS.iter().enumerate() {
            if !files[k].is_empty() {
                s.push_str(&format!(
                    "  - split: {}\n    path: data/{}-*\n",
                    split.name(),
                    split.name()
                ));
            }
        }
        s.push_str("dataset_info:\n");
        s.push_str(&format!("  config_name: {}\n", self.config_name));
        s.push_str(FEATURES_YAML);
        s.push_str("tags:\n- theorem-proving\n- lean4\n- proofmill\n---\n\n");
        let total: u64 = self.splits.iter().map(|x| x.rows).sum();
        s.push_str(&format!(
            "# proofmill `{}` corpus\n\n\
             {total} theorems of the `{}` theory, each with its statement, a Lean-style tactic \
             trace (`intro`, then one `rw [rule args]` a step, with the goal before and after \
             each), a proof term and difficulty measures, generated by \
             proofmill and checked by its kernel.\n\n",
            c.theory, c.theory
        ));
        s.push_str("```python\nimport datasets\nds = datasets.load_dataset(\"path/to/this/directory\")\n```\n\n");
        s.push_str("## Provenance\n\n");
        for l in &c.provenance {
            s.push_str(&format!("- {l}\n"));
        }
        s.push_str(&format!(
            "\nTheory `{}`, sha256 of its sources `{}` (the sources' text is in the corpus's \
             `manifest.json`).\n\n",
            c.theory, c.theory_hash
        ));
        s.push_str("## Splits\n\n| split | records | files |\n|---|---|---|\n");
        for (k, split) in SPLITS.iter().enumerate() {
            s.push_str(&format!(
                "| {} | {} | {} |\n",
                split.name(),
                self.splits[k].rows,
                files[k].len()
            ));
        }
        s.push_str(&format!(
            "\nBy canonical hash (`--split {}`): a statement is in one split only, whatever its \
             variable names or the order of its sides.\n\n",
            c.split
        ));
        s.push_str("## Generation options\n\n| option | value |\n|---|---|\n");
        for (k, v) in &c.options {
            s.push_str(&format!("| `{k}` | `{v}` |\n"));
        }
        s.push_str("\n## Generation counts\n\n| count | value |\n|---|---|\n");
        for (k, v) in &c.counts {
            s.push_str(&format!("| `{k}` | {v} |\n"));
        }
        s.push_str("\n## Difficulty: proof length\n\n| steps | records | |\n|---|---|---|\n");
        let most = self
            .steps_histogram
            .values()
            .copied()
            .max()
            .unwrap_or(1)
            .max(1);
        for (steps, n) in &self.steps_histogram {
            let bar = "█".repeat(((n * 40).div_ceil(most)) as usize);
            s.push_str(&format!("| {steps} | {n} | {bar} |\n"));
        }
        s.push_str(
            "\n## How it was verified\n\n\
             Every theorem's proof was checked by proofmill's kernel before it was written, and \
             its printed statement and proof term were read back and elaborated to the very \
             terms the kernel checked. `proofmill verify` re-checks a corpus independently of \
             the generator: every field of every record, the proof term by the kernel, and the \
             tactic script replayed one tactic at a time, each goal compared with the record's. \
             The export read every shard only after checking its sha256 against the corpus's \
             manifest, whose own sha256 is given above.\n\n\
             ## Fields\n\n\
             `id` (`theory/sSEED/INDEX`), `theory`, `seed` and `attempt` (decimal strings), \
             `statement` (`∀ (a b : R), lhs = rhs`), `vars` (`name`, `type`), `intro` (the tactic \
             introducing them), `steps` (`state_before`, `tactic`, `rule`, `direction` \
             `fwd`/`rev`, `cost` `easy`/`invent`/`hard`, `position` in the left side, \
             `state_after`), `proof_term`, `difficulty` (`steps`, `distinct_rules`, \
             `hard_steps`, `invent_steps`, `size`, `depth`), `canonical_hash` (16 hex digits), \
             `problem` (`kind`, `question`, `answer`, or null).\n",
        );
        s
    }
}

impl Exporter for ParquetExporter {
    fn record(&mut self, record: &Record, split: Split) -> Result<(), ExportError> {
        *self
            .steps_histogram
            .entry(record.difficulty.steps)
            .or_insert(0) += 1;
        let k = index(split);
        self.splits[k].buffer.push(record.clone());
        if self.splits[k].buffer.len() >= BATCH {
            self.flush(k)?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<String, ExportError> {
        let mut names: [Vec<String>; 3] = Default::default();
        for k in 0..3 {
            self.flush(k)?;
            let split = &mut self.splits[k];
            if let Some((w, _)) = split.writer.take() {
                let path = split.files.last().cloned().unwrap_or_default();
                w.close().map_err(|e| parquet_error(&path, e))?;
            }
            let n = split.files.len();
            for (i, tmp) in split.files.iter().enumerate() {
                let name = format!("{}-{i:05}-of-{n:05}.parquet", SPLITS[k].name());
                let path = self.out.join("data").join(&name);
                std::fs::rename(tmp, &path).map_err(|e| io(path.clone(), e))?;
                names[k].push(name);
            }
        }
        let card = self.card(&names);
        write_file(&self.out.join("README.md"), card.as_bytes())?;
        let files: usize = names.iter().map(Vec::len).sum();
        Ok(format!(
            "{} train, {} validation, {} test rows in {files} Parquet files in {} (load with datasets.load_dataset)",
            self.splits[0].rows,
            self.splits[1].rows,
            self.splits[2].rows,
            self.out.display()
        ))
    }
}

fn parquet_error(path: &Path, e: impl std::fmt::Display) -> ExportError {
    io(path.to_path_buf(), std::io::Error::other(e.to_string()))
}

/// The features as the card's YAML gives them (`dataset_info.features`).
const FEATURES_YAML: &str = "  features:
  - name: id
    dtype: string
  - name: theory
    dtype: string
  - name: seed
    dtype: string
  - name: attempt
    dtype: string
  - name: statement
    dtype: string
  - name: vars
    list:
    - name: name
      dtype: string
    - name: type
      dtype: string
  - name: intro
    dtype: string
  - name: steps
    list:
    - name: state_before
      dtype: string
    - name: tactic
      dtype: string
    - name: rule
      dtype: string
    - name: direction
      dtype: string
    - name: cost
      dtype: string
    - name: position
      list: uint32
    - name: state_after
      dtype: string
  - name: proof_term
    dtype: string
  - name: difficulty
    struct:
    - name: steps
      dtype: uint32
    - name: distinct_rules
      dtype: uint32
    - name: hard_steps
      dtype: uint32
    - name: invent_steps
      dtype: uint32
    - name: size
      dtype: uint32
    - name: depth
      dtype: uint32
  - name: canonical_hash
    dtype: string
  - name: problem
    struct:
    - name: kind
      dtype: string
    - name: question
      dtype: string
    - name: answer
      dtype: string
";

fn string_field(name: &str) -> Field {
    Field::new(name, DataType::Utf8, false)
}

fn var_fields() -> Fields {
    Fields::from(vec![string_field("name"), string_field("type")])
}

fn position_item() -> Arc<Field> {
    Arc::new(Field::new("item", DataType::UInt32, true))
}

fn step_fields() -> Fields {
    Fields::from(vec![
        string_field("state_before"),
        string_field("tactic"),
        string_field("rule"),
        string_field("direction"),
        string_field("cost"),
        Field::new("position", DataType::List(position_item()), false),
        string_field("state_after"),
    ])
}

const DIFFICULTY: [&str; 6] = [
    "steps",
    "distinct_rules",
    "hard_steps",
    "invent_steps",
    "size",
    "depth",
];

fn difficulty_fields() -> Fields {
    DIFFICULTY
        .iter()
        .map(|n| Field::new(*n, DataType::UInt32, false))
        .collect()
}

fn problem_fields() -> Fields {
    Fields::from(vec![
        Field::new("kind", DataType::Utf8, true),
        Field::new("question", DataType::Utf8, true),
        Field::new("answer", DataType::Utf8, true),
    ])
}

fn list_of(fields: Fields) -> DataType {
    DataType::List(Arc::new(Field::new("item", DataType::Struct(fields), true)))
}

/// The Arrow schema of the Parquet export: the JSONL record's fields, in
/// its order (also what the Python bindings' `Corpus.to_arrow()` gives).
pub fn arrow_schema() -> SchemaRef {
    Arc::new(schema())
}

/// The Arrow schema: the JSONL record's fields, in its order.
fn schema() -> Schema {
    Schema::new(vec![
        string_field("id"),
        string_field("theory"),
        string_field("seed"),
        string_field("attempt"),
        string_field("statement"),
        Field::new("vars", list_of(var_fields()), false),
        string_field("intro"),
        Field::new("steps", list_of(step_fields()), false),
        string_field("proof_term"),
        Field::new("difficulty", DataType::Struct(difficulty_fields()), false),
        string_field("canonical_hash"),
        Field::new("problem", DataType::Struct(problem_fields()), true),
    ])
}

fn strings<'a>(xs: impl Iterator<Item = &'a str>) -> ArrayRef {
    Arc::new(StringArray::from_iter_values(xs))
}

/// `List<Struct>` from each record's items.
fn struct_list<T>(
    fields: Fields,
    rows: &[Record],
    items: impl Fn(&Record) -> &[T],
    columns: impl Fn(&[&T]) -> Vec<ArrayRef>,
) -> Result<ArrayRef, arrow_schema::ArrowError> {
    let mut offsets = vec![0i32];
    let mut flat: Vec<&T> = Vec::new();
    for r in rows {
        flat.extend(items(r));
        let end = i32::try_from(flat.len())
            .map_err(|_| arrow_schema::ArrowError::ComputeError("too many items".into()))?;
        offsets.push(end);
    }
    let values = StructArray::try_new(fields.clone(), columns(&flat), None)?;
    let item = Arc::new(Field::new("item", DataType::Struct(fields), true));
    Ok(Arc::new(ListArray::try_new(
        item,
        OffsetBuffer::new(ScalarBuffer::from(offsets)),
        Arc::new(values),
        None,
    )?))
}

/// A record batch of `rows` in [`arrow_schema`]: the rows the Parquet
/// export writes for them.
pub fn record_batch(
    schema: &SchemaRef,
    rows: &[Record],
) -> Result<RecordBatch, arrow_schema::ArrowError> {
    batch(schema, rows)
}

/// A record batch of `rows`.
fn batch(schema: &SchemaRef, rows: &[Record]) -> Result<RecordBatch, arrow_schema::ArrowError> {
    let vars = struct_list(
        var_fields(),
        rows,
        |r| &r.vars,
        |vs| {
            vec![
                strings(vs.iter().map(|v| v.name.as_str())),
                strings(vs.iter().map(|v| v.ty.as_str())),
            ]
        },
    )?;
    let steps = struct_list(
        step_fields(),
        rows,
        |r| &r.steps,
        |ss| {
            let mut position = ListBuilder::new(UInt32Builder::new()).with_field(position_item());
            for s in ss {
                position.values().append_slice(&s.position);
                position.append(true);
            }
            vec![
                strings(ss.iter().map(|s| s.state_before.as_str())),
                strings(ss.iter().map(|s| s.tactic.as_str())),
                strings(ss.iter().map(|s| s.rule.as_str())),
                strings(ss.iter().map(|s| s.direction.as_str())),
                strings(ss.iter().map(|s| s.cost.as_str())),
                Arc::new(position.finish()),
                strings(ss.iter().map(|s| s.state_after.as_str())),
            ]
        },
    )?;
    let d = |f: fn(&Record) -> u32| -> ArrayRef {
        Arc::new(UInt32Array::from_iter_values(rows.iter().map(f)))
    };
    let difficulty = StructArray::try_new(
        difficulty_fields(),
        vec![
            d(|r| r.difficulty.steps),
            d(|r| r.difficulty.distinct_rules),
            d(|r| r.difficulty.hard_steps),
            d(|r| r.difficulty.invent_steps),
            d(|r| r.difficulty.size),
            d(|r| r.difficulty.depth),
        ],
        None,
    )?;
    let mut kind = StringBuilder::new();
    let mut question = StringBuilder::new();
    let mut answer = StringBuilder::new();
    for r in rows {
        kind.append_option(r.problem.as_ref().map(|p| p.kind.as_str()));
        question.append_option(r.problem.as_ref().map(|p| p.question.as_str()));
        answer.append_option(r.problem.as_ref().map(|p| p.answer.as_str()));
    }
    let present: Vec<bool> = rows.iter().map(|r| r.problem.is_some()).collect();
    let problem = StructArray::try_new(
        problem_fields(),
        vec![
            Arc::new(kind.finish()),
            Arc::new(question.finish()),
            Arc::new(answer.finish()),
        ],
        Some(present.into()),
    )?;
    RecordBatch::try_new(
        schema.clone(),
        vec![
            strings(rows.iter().map(|r| r.id.as_str())),
            strings(rows.iter().map(|r| r.theory.as_str())),
            strings(rows.iter().map(|r| r.seed.as_str())),
            strings(rows.iter().map(|r| r.attempt.as_str())),
            strings(rows.iter().map(|r| r.statement.as_str())),
            vars,
            strings(rows.iter().map(|r| r.intro.as_str())),
            steps,
            strings(rows.iter().map(|r| r.proof_term.as_str())),
            Arc::new(difficulty),
            strings(rows.iter().map(|r| r.canonical_hash.as_str())),
            Arc::new(problem),
        ],
    )
}
