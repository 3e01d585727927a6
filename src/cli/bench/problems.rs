//! The problems a benchmark runs: a deterministic sample of the corpus,
//! exported to TPTP and SMT-LIB by the `export` crate (exactly the files
//! `proofmill export` writes), then read back from the TPTP files' headers
//! (`% Problem`, `% English`, `% Status`, `% Difficulty`). Reading the
//! exported files, not the records, means every problem is benchmarked as
//! a user of the export would see it, and whatever the export writes with
//! another status (a non-theorem is `CounterSatisfiable`) is benchmarked
//! with the verdict it expects.

use proofmill_export::{export_with, AxiomSet, CorpusSource, Format, SplitRatio};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// What a correct prover answers.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Expected {
    /// `% Status : Theorem`: the conjecture follows from the axioms.
    Theorem,
    /// `% Status : CounterSatisfiable`: it does not (a non-theorem).
    CounterSatisfiable,
}

impl Expected {
    pub fn as_str(self) -> &'static str {
        match self {
            Expected::Theorem => "Theorem",
            Expected::CounterSatisfiable => "CounterSatisfiable",
        }
    }
}

/// The difficulty fields of a problem (`% Difficulty:`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Difficulty {
    pub steps: u32,
    pub distinct_rules: u32,
    pub hard_steps: u32,
    pub invent_steps: u32,
    pub size: u32,
    pub depth: u32,
}

#[derive(Clone, Debug)]
pub struct Problem {
    pub id: String,
    pub statement: String,
    pub expected: Expected,
    pub difficulty: Difficulty,
    pub tptp: PathBuf,
    pub smt2: Option<PathBuf>,
    /// The record's canonical hash (16 hex digits).
    pub canonical_hash: String,
    /// Its difficulty bucket (1 = easiest) under `--rating-from`, if given.
    pub rating_bucket: Option<u32>,
}

/// SplitMix64's finalizer: the sample is the records with the smallest
/// mixed canonical hashes, spread over the corpus whatever its order.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The ids of the `k` records of `source` with the smallest mixed hashes.
fn sample_ids(source: &CorpusSource, k: usize) -> Result<HashSet<String>, String> {
    let mut keys: Vec<(u64, String)> = Vec::new();
    for r in source.records() {
        let r = r.map_err(|e| e.to_string())?;
        let h = u64::from_str_radix(&r.canonical_hash, 16)
            .map_err(|_| format!("{}: canonical_hash is not 16 hex digits", r.id))?;
        keys.push((mix(h), r.id));
    }
    keys.sort_unstable();
    keys.truncate(k);
    Ok(keys.into_iter().map(|(_, id)| id).collect())
}

/// Exports the sample of `dir` (every record when `sample` is `None`)
/// into `work/`, stating the rules `axioms` says, and reads its problems,
/// sorted by id.
pub fn prepare(
    dir: &Path,
    work: &Path,
    sample: Option<usize>,
    axioms: AxiomSet,
) -> Result<Vec<Problem>, String> {
    let source = CorpusSource::open(dir).map_err(|e| e.to_string())?;
    let keep = match sample {
        Some(k) => Some(sample_ids(&source, k)?),
        None => None,
    };
    drop(source);
    let split = SplitRatio::parse("100,0,0").map_err(|e| e.to_string())?;
    let mut hashes: HashMap<String, String> = HashMap::new();
    export_with(
        dir,
        &[Format::Tptp, Format::Smt2],
        work,
        &split,
        axioms,
        |r| {
            hashes.insert(r.id.clone(), r.canonical_hash.clone());
            match &keep {
                Some(k) => k.contains(&r.id),
                None => true,
            }
        },
        |_| {},
    )
    .map_err(|e| e.to_string())?;
    let tptp_root = work.join("tptp");
    let mut files = Vec::new();
    find_files(&tptp_root, "p", &mut files)?;
    let mut problems = Vec::with_capacity(files.len());
    for f in files {
        let text = std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
        let mut p = read_header(&text).map_err(|e| format!("{}: {e}", f.display()))?;
        let rel = f.strip_prefix(&tptp_root).expect("under the root");
        let smt2 = work.join("smt2").join(rel).with_extension("smt2");
        p.smt2 = smt2.is_file().then_some(smt2);
        p.tptp = f;
        if let Some(h) = hashes.get(&p.id) {
            p.canonical_hash = h.clone();
        }
        problems.push(p);
    }
    problems.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(problems)
}

/// Every file under `root` with extension `ext`.
fn find_files(root: &Path, ext: &str, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(root).map_err(|e| format!("{}: {e}", root.display()))?;
    for e in entries {
        let p = e.map_err(|e| format!("{}: {e}", root.display()))?.path();
        if p.is_dir() {
            find_files(&p, ext, out)?;
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
    Ok(())
}

/// A problem's id, statement, status and difficulty from its TPTP header.
pub fn read_header(text: &str) -> Result<Problem, String> {
    let field = |key: &str| -> Option<&str> {
        text.lines()
            .take_while(|l| l.starts_with('%'))
            .find_map(|l| l.strip_prefix(key))
            .map(str::trim)
    };
    let id = field("% Problem  :").ok_or("no `% Problem` line")?;
    let statement = field("% English  :").ok_or("no `% English` line")?;
    let expected = match field("% Status   :") {
        Some("Theorem") => Expected::Theorem,
        Some("CounterSatisfiable") => Expected::CounterSatisfiable,
        Some(other) => {
            return Err(format!(
                "status `{other}` is neither Theorem nor CounterSatisfiable"
            ))
        }
        None => return Err("no `% Status` line".into()),
    };
    let mut d = Difficulty::default();
    if let Some(line) = field("% Difficulty:") {
        let words: Vec<&str> = line.split_whitespace().collect();
        for pair in words.chunks(2) {
            let [key, value] = pair else {
                return Err(format!("`% Difficulty: {line}` is not key value pairs"));
            };
            let v: u32 = value
                .parse()
                .map_err(|_| format!("difficulty {key} `{value}` is not a number"))?;
            match *key {
                "steps" => d.steps = v,
                "distinct_rules" => d.distinct_rules = v,
                "hard_steps" => d.hard_steps = v,
                "invent_steps" => d.invent_steps = v,
                "size" => d.size = v,
                "depth" => d.depth = v,
                _ => {}
            }
        }
    }
    Ok(Problem {
        id: id.to_string(),
        statement: statement.to_string(),
        expected,
        difficulty: d,
        tptp: PathBuf::new(),
        smt2: None,
        canonical_hash: String::new(),
        rating_bucket: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_header_the_tptp_export_writes() {
        let text = "%----\n% File     : ring_s1_000000.p\n% Problem  : ring/s1/000000\n% English  : ∀ (b c : R), c + b = b + c\n% Status   : Theorem\n% Difficulty: steps 2 distinct_rules 2 hard_steps 0 invent_steps 1 size 6 depth 4\n%----\nfof(goal, conjecture, a = a).\n";
        let p = read_header(text).unwrap();
        assert_eq!(p.id, "ring/s1/000000");
        assert_eq!(p.statement, "∀ (b c : R), c + b = b + c");
        assert_eq!(p.expected, Expected::Theorem);
        assert_eq!(
            (
                p.difficulty.steps,
                p.difficulty.invent_steps,
                p.difficulty.size
            ),
            (2, 1, 6)
        );
        let bad = text.replace("Theorem", "Unknown");
        assert!(read_header(&bad).unwrap_err().contains("Unknown"));
        assert!(read_header("fof(a, axiom, a = a).").is_err());
    }
}
