//! `--to leandojo`: the corpus in LeanDojo Benchmark 4's layout.
//!
//! Why: ML work on Lean theorem proving (ReProver and its successors)
//! trains on LeanDojo's traced theorems and its premise corpus, read by
//! loaders that access fixed field names. A corpus in that layout trains
//! with those loaders unchanged:
//!
//! ```text
//! leandojo/src/…                    the Lean files (the `lean` export's layout), whose
//!                                   positions the theorems and premises give
//! leandojo/random/{train,val,test}.json           theorems split by canonical hash
//! leandojo/novel_premises/{train,val,test}.json   every val/test theorem uses a rule
//!                                                 that no train theorem uses
//! leandojo/corpus.jsonl             one line per Lean file: path, imports, premises
//!                                   (the rules: full_name, code, start, end, kind)
//! leandojo/metadata.json            provenance, counts, the held-out rules
//! ```
//!
//! A theorem is `{url, commit, file_path, full_name, start, end,
//! traced_tactics: [{tactic, annotated_tactic, state_before, state_after}]}`;
//! `annotated_tactic` is `[tactic with <a>rule</a> marked, [{full_name,
//! def_path, def_pos, def_end_pos}]]` as LeanDojo writes it, the position
//! being the rule's in `src/Ring.lean`. Positions are 1-based (line,
//! column), columns counted in characters; `end` is just after the last
//! character.
//!
//! Memory stays flat: theorems are written as they arrive, into JSON
//! arrays written by hand, and into a spool file for `novel_premises`,
//! whose split needs every record's rules first: the held-out rules are
//! chosen at the end from per-rule counts, then the spool is read once.

use crate::lean::{self, io, LeanTree, Placed, Pos};
use crate::{ExportContext, ExportError, Exporter, Split};
use proofmill_corpora::corpus::Record;
use proofmill_tactics::theory::Theory;
use serde::Serialize;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

pub(crate) fn exporter(cx: &ExportContext) -> Result<Box<dyn Exporter>, ExportError> {
    let theory = lean::load_theory(cx)?;
    let tree = LeanTree::create(&cx.out.join("src"), cx, &theory)?;
    let random = SplitArrays::create(&cx.out.join("random"))?;
    let spool_path = cx.out.join("novel_premises.spool");
    let spool = BufWriter::new(File::create(&spool_path).map_err(|e| io(spool_path.clone(), e))?);
    let rule_index = tree
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.name.clone(), i))
        .collect();
    let uses = vec![0; tree.rules.len()];
    Ok(Box::new(LeanDojo {
        out: cx.out.to_path_buf(),
        url: "src".to_string(),
        commit: cx.source.manifest_sha256().to_string(),
        provenance: cx.provenance.lines(),
        split: cx.provenance.split.clone(),
        theory,
        tree,
        random,
        spool,
        spool_path,
        rule_index,
        uses,
        records: 0,
    }))
}

struct LeanDojo {
    out: PathBuf,
    url: String,
    commit: String,
    provenance: Vec<String>,
    split: String,
    theory: Theory,
    tree: LeanTree,
    random: SplitArrays,
    /// `hash \t rule indices \t theorem json` per record.
    spool: BufWriter<File>,
    spool_path: PathBuf,
    rule_index: HashMap<String, usize>,
    /// How many records use each rule.
    uses: Vec<u64>,
    records: u64,
}

#[derive(Serialize)]
struct Theorem<'a> {
    url: &'a str,
    commit: &'a str,
    file_path: &'a str,
    full_name: &'a str,
    start: [u64; 2],
    end: [u64; 2],
    traced_tactics: Vec<TracedTactic<'a>>,
}

#[derive(Serialize)]
struct TracedTactic<'a> {
    tactic: &'a str,
    annotated_tactic: (String, Vec<Provenance<'a>>),
    state_before: String,
    state_after: &'a str,
}

#[derive(Serialize)]
struct Provenance<'a> {
    full_name: &'a str,
    def_path: &'a str,
    def_pos: [u64; 2],
    def_end_pos: [u64; 2],
}

#[derive(Serialize)]
struct Premise<'a> {
    full_name: &'a str,
    code: &'a str,
    start: [u64; 2],
    end: [u64; 2],
    kind: &'a str,
}

#[derive(Serialize)]
struct CorpusFile<'a> {
    path: &'a str,
    imports: Vec<&'a str>,
    premises: Vec<Premise<'a>>,
}

fn pos(p: Pos) -> [u64; 2] {
    [p.0, p.1]
}

impl LeanDojo {
    /// The theorem entry of `r`, written at `placed`, as JSON.
    fn entry(&self, r: &Record, placed: &Placed) -> Result<(Vec<u8>, Vec<usize>), ExportError> {
        let theory_file = self.tree.theory_file();
        let mut traced = Vec::with_capacity(r.steps.len() + 1);
        if !r.intro.is_empty() {
            let first = r
                .steps
                .first()
                .map_or("no goals", |s| s.state_before.as_str());
            traced.push(TracedTactic {
                tactic: &r.intro,
                annotated_tactic: (r.intro.clone(), Vec::new()),
                state_before: format!("⊢ {}", r.statement),
                state_after: first,
            });
        }
        let mut used = Vec::new();
        for s in &r.steps {
            let Some(&i) = self.rule_index.get(&s.rule) else {
                return Err(ExportError::Unsupported {
                    format: "leandojo",
                    why: format!(
                        "record {}: rule '{}' is not a rule of the theory",
                        r.id, s.rule
                    ),
                });
            };
            if !used.contains(&i) {
                used.push(i);
            }
            let rule = &self.tree.rules[i];
            let annotated =
                annotate(&s.tactic, &s.rule).ok_or_else(|| ExportError::Unsupported {
                    format: "leandojo",
                    why: format!(
                        "record {}: the tactic '{}' does not name its rule '{}'",
                        r.id, s.tactic, s.rule
                    ),
                })?;
            traced.push(TracedTactic {
                tactic: &s.tactic,
                annotated_tactic: (
                    annotated,
                    vec![Provenance {
                        full_name: &rule.name,
                        def_path: &theory_file,
                        def_pos: pos(rule.start),
                        def_end_pos: pos(rule.end),
                    }],
                ),
                state_before: s.state_before.clone(),
                state_after: &s.state_after,
            });
        }
        let t = Theorem {
            url: &self.url,
            commit: &self.commit,
            file_path: &placed.file,
            full_name: &placed.name,
            start: pos(placed.start),
            end: pos(placed.end),
            traced_tactics: traced,
        };
        let json = serde_json::to_vec(&t).map_err(|e| io(self.out.clone(), e.into()))?;
        Ok((json, used))
    }

    /// The rules held out of `novel_premises`' training split: the least
    /// used first, until the records using them reach the share the
    /// validation and test splits have (`--split`), never all records.
    fn held_out(&self) -> Vec<usize> {
        let share: u64 = {
            let parts: Vec<u64> = self
                .split
                .split(',')
                .map(|p| p.trim().parse().unwrap_or(0))
                .collect();
            let total: u64 = parts.iter().sum::<u64>().max(1);
            let rest: u64 = parts.iter().skip(1).sum();
            (self.records * rest).div_ceil(total).max(1)
        };
        let mut order: Vec<usize> = (0..self.uses.len()).filter(|&i| self.uses[i] > 0).collect();
        order.sort_by_key(|&i| (self.uses[i], self.tree.rules[i].name.clone()));
        let mut held = Vec::new();
        let mut covered = 0;
        for i in order {
            if covered >= share || covered + self.uses[i] >= self.records {
                break;
            }
            covered += self.uses[i];
            held.push(i);
        }
        held
    }
}

impl Exporter for LeanDojo {
    fn record(&mut self, record: &Record, split: Split) -> Result<(), ExportError> {
        let placed = self.tree.theorem(record, &self.theory)?;
        let (json, used) = self.entry(record, &placed)?;
        self.random.push(split, &json)?;
        for &i in &used {
            self.uses[i] += 1;
        }
        let used: Vec<String> = used.iter().map(usize::to_string).collect();
        let spool = &mut self.spool;
        spool
            .write_all(record.canonical_hash.as_bytes())
            .and_then(|()| write!(spool, "\t{}\t", used.join(",")))
            .and_then(|()| spool.write_all(&json))
            .and_then(|()| spool.write_all(b"\n"))
            .map_err(|e| io(self.spool_path.clone(), e))?;
        self.records += 1;
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<String, ExportError> {
        let held = self.held_out();
        let held_names: Vec<String> = held
            .iter()
            .map(|&i| self.tree.rules[i].name.clone())
            .collect();
        let LeanDojo {
            out,
            url,
            commit,
            provenance,
            split,
            tree,
            random,
            mut spool,
            spool_path,
            ..
        } = *self;
        let random_counts = random.finish()?;
        spool.flush().map_err(|e| io(spool_path.clone(), e))?;
        drop(spool);

        // novel_premises, from the spool.
        let mut novel = SplitArrays::create(&out.join("novel_premises"))?;
        let f = File::open(&spool_path).map_err(|e| io(spool_path.clone(), e))?;
        for line in BufReader::new(f).lines() {
            let line = line.map_err(|e| io(spool_path.clone(), e))?;
            let mut parts = line.splitn(3, '\t');
            let (Some(hash), Some(rules), Some(json)) = (parts.next(), parts.next(), parts.next())
            else {
                return Err(io(
                    spool_path.clone(),
                    std::io::Error::other("a spool line without its three fields"),
                ));
            };
            let uses_held = rules
                .split(',')
                .filter_map(|i| i.parse::<usize>().ok())
                .any(|i| held.contains(&i));
            let split = if !uses_held {
                Split::Train
            } else if mix(u64::from_str_radix(hash.get(..16).unwrap_or(hash), 16).unwrap_or(0))
                >> 63
                == 0
            {
                Split::Validation
            } else {
                Split::Test
            };
            novel.push(split, json.as_bytes())?;
        }
        let novel_counts = novel.finish()?;
        std::fs::remove_file(&spool_path).map_err(|e| io(spool_path.clone(), e))?;

        // corpus.jsonl: the theory file with its rules, then every theorem file.
        let theory_file = tree.theory_file();
        let path = out.join("corpus.jsonl");
        let mut w = BufWriter::new(File::create(&path).map_err(|e| io(path.clone(), e))?);
        let mut line = |f: &CorpusFile| -> Result<(), ExportError> {
            serde_json::to_writer(&mut w, f)
                .map_err(std::io::Error::from)
                .and_then(|()| w.write_all(b"\n"))
                .map_err(|e| io(path.clone(), e))
        };
        line(&CorpusFile {
            path: &theory_file,
            imports: Vec::new(),
            premises: tree
                .rules
                .iter()
                .map(|r| Premise {
                    full_name: &r.name,
                    code: &r.code,
                    start: pos(r.start),
                    end: pos(r.end),
                    kind: &r.kind,
                })
                .collect(),
        })?;
        for k in 0..tree.files() {
            line(&CorpusFile {
                path: &tree.file_name(k),
                imports: vec![&theory_file],
                premises: Vec::new(),
            })?;
        }
        w.flush().map_err(|e| io(path.clone(), e))?;
        let (files, theorems) = tree.finish()?;

        let metadata = serde_json::json!({
            "exporter": "proofmill export --to leandojo",
            "provenance": provenance,
            "from_repo": {"url": url, "commit": commit},
            "about": {
                "url": "the directory of the Lean sources, relative to this file",
                "commit": "the sha256 of the corpus's manifest.json",
                "positions": "[line, column], both from 1, columns in characters; end is just after the last character",
                "novel_premises": "every val and test theorem uses a held-out rule, which no train theorem uses",
            },
            "split": split,
            "theorems": theorems,
            "lean_files": files + 1,
            "num_theorems": {
                "random": {"train": random_counts[0], "val": random_counts[1], "test": random_counts[2]},
                "novel_premises": {"train": novel_counts[0], "val": novel_counts[1], "test": novel_counts[2]},
            },
            "novel_premises_held_out_rules": held_names,
        });
        let path = out.join("metadata.json");
        let text =
            serde_json::to_string_pretty(&metadata).map_err(|e| io(path.clone(), e.into()))?;
        lean::write_file(&path, format!("{text}\n").as_bytes())?;
        Ok(format!(
            "{theorems} theorems in {} ({} rules held out of novel_premises/train)",
            out.display(),
            held.len(),
        ))
    }
}

/// SplitMix64's finalizer: the canonical hash's bits mixed, so that one
/// bit of it halves the held-out theorems evenly (FNV-1a's low bit follows
/// its input's parity: on a 1M `ring` corpus it split them 34,366 / 7,699).
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The tactic with its rule marked as LeanDojo marks premises:
/// `rw [← <a>neg_add_cancel</a> (-c)]`, `rw [@<a>and_comm</a> p q]`.
fn annotate(tactic: &str, rule: &str) -> Option<String> {
    let bytes = tactic.as_bytes();
    let mut from = 0;
    while let Some(k) = tactic[from..].find(rule) {
        let at = from + k;
        let end = at + rule.len();
        let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'\'';
        let before_ok = at == 0 || !ident(bytes[at - 1]);
        let after_ok = end == bytes.len() || !ident(bytes[end]);
        if before_ok && after_ok {
            return Some(format!("{}<a>{rule}</a>{}", &tactic[..at], &tactic[end..]));
        }
        from = end;
    }
    None
}

/// Three JSON arrays, `train.json`, `val.json` and `test.json`, written
/// an element at a time.
struct SplitArrays {
    files: Vec<(PathBuf, BufWriter<File>, u64)>,
}

impl SplitArrays {
    fn create(dir: &Path) -> Result<SplitArrays, ExportError> {
        std::fs::create_dir_all(dir).map_err(|e| io(dir.to_path_buf(), e))?;
        let mut files = Vec::new();
        for name in ["train", "val", "test"] {
            let path = dir.join(format!("{name}.json"));
            let f = File::create(&path).map_err(|e| io(path.clone(), e))?;
            files.push((path, BufWriter::new(f), 0));
        }
        Ok(SplitArrays { files })
    }

    fn push(&mut self, split: Split, json: &[u8]) -> Result<(), ExportError> {
        let k = match split {
            Split::Train => 0,
            Split::Validation => 1,
            Split::Test => 2,
        };
        let (path, out, n) = &mut self.files[k];
        let sep: &[u8] = if *n == 0 { b"[\n" } else { b",\n" };
        out.write_all(sep)
            .and_then(|()| out.write_all(json))
            .map_err(|e| io(path.clone(), e))?;
        *n += 1;
        Ok(())
    }

    /// Closes the arrays; their lengths.
    fn finish(self) -> Result<[u64; 3], ExportError> {
        let mut counts = [0; 3];
        for (k, (path, mut out, n)) in self.files.into_iter().enumerate() {
            let end: &[u8] = if n == 0 { b"[]\n" } else { b"\n]\n" };
            out.write_all(end)
                .and_then(|()| out.flush())
                .map_err(|e| io(path.clone(), e))?;
            counts[k] = n;
        }
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::annotate;

    #[test]
    fn the_mixed_bit_halves_consecutive_hashes() {
        let high = (0..10_000u64).filter(|&h| super::mix(h) >> 63 == 1).count();
        assert!((4_700..5_300).contains(&high), "{high}");
    }

    #[test]
    fn rules_are_marked_where_the_tactic_names_them() {
        assert_eq!(
            annotate("rw [mul_comm (-a) c]", "mul_comm").unwrap(),
            "rw [<a>mul_comm</a> (-a) c]"
        );
        assert_eq!(
            annotate("rw [← @not_and_or p q]", "not_and_or").unwrap(),
            "rw [← @<a>not_and_or</a> p q]"
        );
        // A longer name that contains the rule's is not the rule.
        assert_eq!(
            annotate("rw [add_comm_x a, add_comm a]", "add_comm").unwrap(),
            "rw [add_comm_x a, <a>add_comm</a> a]"
        );
        assert_eq!(annotate("rw [mul_one a]", "mul_comm"), None);
    }
}
