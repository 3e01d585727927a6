//! Every Lean 4 export in `tests/data/lean-arena/` through the built
//! `proofmill lean-check`, fed on standard input as the Lean Kernel Arena
//! does (`checker < FILE`), against the expected exit code of the folder's
//! `README.md`: 0 accept, 1 reject (2 would be a decline, never expected).
//!
//! The test runs all files (on as many threads as there are cores), prints a
//! table of results with timings, and fails listing *every* file whose exit
//! code is wrong, that panicked, or that timed out. Run it with
//! `cargo test --release --test lean_arena -- --nocapture` to see the table.
//! `PROOFMILL_ARENA_TIMEOUT_SECS` sets the per-file time limit (default 600).

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Expected exit codes of the top-level files (README's first table).
const TOP_LEVEL: &[(&str, i32)] = &[
    ("Constlevels.ndjson", 1),
    ("LargeElimParam.ndjson", 1),
    ("LevelImaxLeq.ndjson", 1),
    ("LevelImaxNormalization.ndjson", 1),
    ("LevelIndexOutOfOrder.ndjson", 0),
    ("NatRecKLie.ndjson", 1),
    ("NatRecRules.ndjson", 1),
    ("NestedUnusedParam.ndjson", 1),
    ("SparseNameIndex.ndjson", 0),
    ("Nat.add_succ.v3_0.ndjson", 0),
];

/// Expected exit codes by folder (README's second table).
const FOLDERS: &[(&str, i32)] = &[
    ("tutorial/good", 0),
    ("tutorial/bad", 1),
    ("good", 0),
    ("bad", 1),
    ("fixtures", 0),
    ("perf", 0),
];

fn arena_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lean-arena")
}

/// Every `.ndjson` file under `dir`, as paths relative to `root`.
fn collect(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect(root, &p, out);
        } else if p.extension().is_some_and(|x| x == "ndjson") {
            out.push(p.strip_prefix(root).expect("under root").to_path_buf());
        }
    }
}

fn expected(rel: &Path) -> Option<i32> {
    let s = rel.to_string_lossy().replace('\\', "/");
    match s.rsplit_once('/') {
        None => TOP_LEVEL.iter().find(|(f, _)| *f == s).map(|(_, c)| *c),
        Some((folder, _)) => FOLDERS.iter().find(|(f, _)| *f == folder).map(|(_, c)| *c),
    }
}

struct Outcome {
    file: PathBuf,
    expected: Option<i32>,
    /// `None` when the process was killed (timeout) or died by a signal.
    code: Option<i32>,
    timed_out: bool,
    elapsed: Duration,
    stdout: String,
    stderr: String,
}

impl Outcome {
    fn panicked(&self) -> bool {
        self.stderr.contains("panicked")
    }
    fn ok(&self) -> bool {
        self.expected.is_some()
            && self.code == self.expected
            && !self.panicked()
            && !self.timed_out
            && self.stdout.starts_with("checked ")
    }
    fn problem(&self) -> String {
        if self.expected.is_none() {
            return "no expected outcome (add it to the tables in tests/lean_arena.rs and the README)".into();
        }
        let mut what = Vec::new();
        if self.timed_out {
            what.push(format!("timed out after {:.0?}", self.elapsed));
        }
        if self.panicked() {
            what.push("panicked".into());
        }
        if self.code != self.expected {
            what.push(format!(
                "exit {:?}, expected {:?}",
                self.code,
                self.expected.unwrap_or(-1)
            ));
        }
        if !self.stdout.starts_with("checked ") && !self.timed_out {
            what.push("no `checked N declarations` summary on stdout".into());
        }
        let first_err = self
            .stderr
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        let mut msg = what.join(", ");
        if !first_err.is_empty() {
            let cut: String = first_err.chars().take(300).collect();
            msg.push_str(&format!(" — {cut}"));
        }
        msg
    }
}

fn read_all(mut r: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = r.read_to_end(&mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    })
}

fn run_one(root: &Path, rel: &Path, timeout: Duration) -> Outcome {
    let input = File::open(root.join(rel)).expect("test file opens");
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_proofmill"))
        .arg("lean-check")
        .stdin(Stdio::from(input))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the proofmill binary starts");
    let out = read_all(child.stdout.take().expect("stdout"));
    let err = read_all(child.stderr.take().expect("stderr"));
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > timeout {
            timed_out = true;
            let _ = child.kill();
            break child.wait().expect("wait after kill");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Outcome {
        file: rel.to_path_buf(),
        expected: expected(rel),
        code: if timed_out { None } else { status.code() },
        timed_out,
        elapsed: start.elapsed(),
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    }
}

#[test]
fn every_arena_file_gets_its_expected_verdict() {
    let root = arena_dir();
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    assert!(
        files.len() > 150,
        "the arena test data is missing: found {} files",
        files.len()
    );
    let timeout = Duration::from_secs(
        std::env::var("PROOFMILL_ARENA_TIMEOUT_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(600),
    );
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let next = AtomicUsize::new(0);
    let outcomes = Mutex::new(Vec::new());
    let started = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(rel) = files.get(i) else { break };
                let o = run_one(&root, rel, timeout);
                outcomes.lock().unwrap_or_else(|p| p.into_inner()).push(o);
            });
        }
    });
    let mut outcomes = outcomes.into_inner().unwrap_or_else(|p| p.into_inner());
    outcomes.sort_by(|a, b| a.file.cmp(&b.file));

    println!(
        "{:<70} {:>8} {:>5} {:>9}",
        "file", "expected", "exit", "time"
    );
    for o in &outcomes {
        println!(
            "{:<70} {:>8} {:>5} {:>8.2}s {}",
            o.file.display(),
            o.expected.map_or("?".into(), |c| c.to_string()),
            o.code.map_or("-".into(), |c| c.to_string()),
            o.elapsed.as_secs_f64(),
            if o.ok() { "ok" } else { "FAIL" }
        );
    }
    let failures: Vec<&Outcome> = outcomes.iter().filter(|o| !o.ok()).collect();
    println!(
        "{} passed, {} failed, in {:.1}s on {workers} threads",
        outcomes.len() - failures.len(),
        failures.len(),
        started.elapsed().as_secs_f64()
    );
    if !failures.is_empty() {
        let list: Vec<String> = failures
            .iter()
            .map(|o| format!("  {}: {}", o.file.display(), o.problem()))
            .collect();
        panic!(
            "{} of {} arena files did not get their expected verdict:\n{}",
            failures.len(),
            outcomes.len(),
            list.join("\n")
        );
    }
}

#[test]
fn every_top_level_file_and_folder_has_an_expected_outcome() {
    let root = arena_dir();
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    let unknown: Vec<_> = files.iter().filter(|f| expected(f).is_none()).collect();
    assert!(
        unknown.is_empty(),
        "files with no expected outcome: {unknown:?}"
    );
    for (f, _) in TOP_LEVEL {
        assert!(root.join(f).is_file(), "{f} is listed but missing");
    }
}

/// The reject cases must be refused by the kernel itself, not only because
/// the export's recursors disagree with the kernel's: several of them also
/// lie about a recursor (e.g. `False.rec` claimed K-like), which the
/// comparison catches first and would otherwise hide the bug the case is
/// about (an `imax` comparison, a wrong reduction rule, …).
#[test]
fn reject_cases_are_refused_by_the_kernel_itself() {
    use proofmill_corpora::lean_export::{
        check_export, GeneratedCheck, ImportError, ImportOptions,
    };
    let root = arena_dir();
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    let options = ImportOptions::default().with_generated_check(GeneratedCheck::Skip);
    let mut wrong = Vec::new();
    for rel in files.iter().filter(|f| expected(f) == Some(1)) {
        let text = std::fs::read(root.join(rel)).expect("test file reads");
        let result =
            proofmill_kernel::with_kernel_stack(|| check_export(&text[..], options.clone()));
        match result {
            Err(ImportError::Kernel { error, .. }) if !error.is_decline() => {}
            Err(e) => wrong.push(format!("  {}: {e}", rel.display())),
            Ok(_) => wrong.push(format!("  {}: accepted", rel.display())),
        }
    }
    assert!(
        wrong.is_empty(),
        "reject cases the kernel alone does not refuse:\n{}",
        wrong.join("\n")
    );
}
