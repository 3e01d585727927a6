//! The NDJSON writer (`proofmill_corpora::lean_export::write_env`) against
//! the reader, on every export the checker accepts: `good/`, `fixtures/`,
//! `tutorial/good/`, `perf/` and `Nat.add_succ.v3_0.ndjson` (format 3.0.0).
//!
//! For each file: import it, write the environment, and
//! - writing it again gives the same bytes;
//! - importing the output into a fresh environment, with the recursor
//!   comparison on, is accepted and gives the same constants in the same
//!   order: same kinds, flags and universe parameters, alpha-equal types,
//!   values and recursor rules;
//! - writing that environment gives the first output again.
//!
//! Files run on as many threads as there are cores; the test fails listing
//! every file that went wrong. Also: the written `Init.Prelude` is accepted
//! by `proofmill lean-check`. (The writer's unit tests, beside it in
//! `corpora`, check the output line by line: numbering, hash-consing, and
//! byte-for-byte agreement with real lean4export output.)

use proofmill_corpora::lean_export::{check_export, write_env, ImportOptions, WriteSummary};
use proofmill_kernel::{alpha_eq, with_kernel_stack, ConstantKind, Env, ExprId};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

fn arena_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lean-arena")
}

/// Every export the checker accepts, largest first (so the slow ones start early).
fn accepted_exports() -> Vec<PathBuf> {
    let dir = arena_dir();
    let mut files = vec![dir.join("Nat.add_succ.v3_0.ndjson")];
    for folder in ["good", "fixtures", "tutorial/good", "perf"] {
        let entries = std::fs::read_dir(dir.join(folder))
            .unwrap_or_else(|e| panic!("cannot read {folder}: {e}"));
        for e in entries {
            let p = e.expect("directory entry").path();
            if p.extension().is_some_and(|x| x == "ndjson") {
                files.push(p);
            }
        }
    }
    files.sort_by_key(|p| std::cmp::Reverse(std::fs::metadata(p).map_or(0, |m| m.len())));
    files
}

/// Imports an export on a kernel-sized stack (as the CLI does).
fn import(text: &[u8]) -> Result<Env, String> {
    with_kernel_stack(|| check_export(text, ImportOptions::default()))
        .map(|(env, _)| env)
        .map_err(|e| e.to_string())
}

/// Writes on the calling thread's ordinary stack: the writer must not recurse.
fn write(env: &Env) -> Result<(Vec<u8>, WriteSummary), String> {
    let mut out = Vec::new();
    let summary = write_env(env, &mut out).map_err(|e| e.to_string())?;
    Ok((out, summary))
}

fn same_term(a: &Env, x: ExprId, b: &Env, y: ExprId, what: &str) -> Result<(), String> {
    if alpha_eq(a.arena(), x, b.arena(), y) {
        Ok(())
    } else {
        Err(format!("{what} differs"))
    }
}

/// `b` has the constants of `a`, in the same order, with the same contents.
fn same_constants(a: &Env, b: &Env) -> Result<(), String> {
    if a.names() != b.names() {
        let i = a
            .names()
            .iter()
            .zip(b.names())
            .position(|(x, y)| x != y)
            .unwrap_or(a.names().len().min(b.names().len()));
        return Err(format!(
            "constant {i} differs: {:?} before, {:?} after ({} and {} constants)",
            a.names().get(i),
            b.names().get(i),
            a.len(),
            b.len()
        ));
    }
    for n in a.names() {
        let (x, y) = match (a.get(n), b.get(n)) {
            (Some(x), Some(y)) => (x, y),
            _ => return Err(format!("{n}: missing")),
        };
        let here = |e: String| format!("{n}: {e}");
        if x.level_params != y.level_params || x.is_unsafe != y.is_unsafe {
            return Err(here("universe parameters or safety differ".into()));
        }
        same_term(a, x.ty, b, y.ty, "the type").map_err(here)?;
        let ok = match (&x.kind, &y.kind) {
            (ConstantKind::Axiom, ConstantKind::Axiom) => true,
            (
                ConstantKind::Definition { value: v, hints: h },
                ConstantKind::Definition { value: w, hints: k },
            ) => {
                same_term(a, *v, b, *w, "the value").map_err(here)?;
                h == k
            }
            (ConstantKind::Theorem { value: v }, ConstantKind::Theorem { value: w })
            | (ConstantKind::Opaque { value: v }, ConstantKind::Opaque { value: w }) => {
                same_term(a, *v, b, *w, "the value").map_err(here)?;
                true
            }
            (ConstantKind::Quot(k), ConstantKind::Quot(l)) => k == l,
            (
                ConstantKind::Inductive {
                    num_params: p1,
                    num_indices: i1,
                    all: a1,
                    ctors: c1,
                    num_nested: n1,
                    is_rec: r1,
                    is_reflexive: f1,
                },
                ConstantKind::Inductive {
                    num_params: p2,
                    num_indices: i2,
                    all: a2,
                    ctors: c2,
                    num_nested: n2,
                    is_rec: r2,
                    is_reflexive: f2,
                },
            ) => (p1, i1, a1, c1, n1, r1, f1) == (p2, i2, a2, c2, n2, r2, f2),
            (
                ConstantKind::Constructor {
                    induct: t1,
                    cidx: c1,
                    num_params: p1,
                    num_fields: f1,
                },
                ConstantKind::Constructor {
                    induct: t2,
                    cidx: c2,
                    num_params: p2,
                    num_fields: f2,
                },
            ) => (t1, c1, p1, f1) == (t2, c2, p2, f2),
            (
                ConstantKind::Recursor {
                    all: a1,
                    num_params: p1,
                    num_indices: i1,
                    num_motives: m1,
                    num_minors: n1,
                    rules: rules1,
                    k: k1,
                    major_induct: j1,
                },
                ConstantKind::Recursor {
                    all: a2,
                    num_params: p2,
                    num_indices: i2,
                    num_motives: m2,
                    num_minors: n2,
                    rules: rules2,
                    k: k2,
                    major_induct: j2,
                },
            ) => {
                if rules1.len() != rules2.len() {
                    return Err(here("the number of rules differs".into()));
                }
                for (r, s) in rules1.iter().zip(rules2.iter()) {
                    if (&r.ctor, r.num_fields) != (&s.ctor, s.num_fields) {
                        return Err(here(format!("the rule for {} differs", r.ctor)));
                    }
                    same_term(a, r.rhs, b, s.rhs, "a rule's right-hand side").map_err(here)?;
                }
                (a1, p1, i1, m1, n1, k1, j1) == (a2, p2, i2, m2, n2, k2, j2)
            }
            _ => false,
        };
        if !ok {
            return Err(here(format!(
                "it was a {}, it is a {} with different fields",
                x.kind_name(),
                y.kind_name()
            )));
        }
    }
    Ok(())
}

/// The whole round trip for one file.
fn round_trip(path: &Path) -> Result<(), String> {
    let input = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    let env = import(&input).map_err(|e| format!("the input is refused: {e}"))?;
    let (first, summary) = write(&env)?;
    let (again, _) = write(&env)?;
    if first != again {
        return Err("writing twice gives different bytes".into());
    }
    if summary.constants != env.len()
        || summary.lines != first.split(|&b| b == b'\n').count() as u64 - 1
    {
        return Err(format!("the summary is wrong: {summary:?}"));
    }
    let back = import(&first).map_err(|e| format!("the written export is refused: {e}"))?;
    same_constants(&env, &back)?;
    let (second, _) = write(&back)?;
    if second != first {
        return Err("writing the re-imported environment gives different bytes".into());
    }
    Ok(())
}

#[test]
fn every_accepted_export_round_trips() {
    let files = accepted_exports();
    assert!(files.len() > 100, "the arena files are missing");
    let queue = Mutex::new(files.clone());
    let failures = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let Some(path) = queue.lock().expect("queue").pop() else {
                    break;
                };
                let result = std::panic::catch_unwind(|| round_trip(&path))
                    .unwrap_or_else(|_| Err("panicked".into()));
                if let Err(e) = result {
                    let rel = path.strip_prefix(arena_dir()).unwrap_or(&path).to_owned();
                    failures
                        .lock()
                        .expect("failures")
                        .push(format!("{}: {e}", rel.display()));
                }
            });
        }
    });
    let mut failures = failures.into_inner().expect("failures");
    failures.sort();
    assert!(
        failures.is_empty(),
        "{} of {} files fail the round trip:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

#[test]
fn the_written_init_prelude_passes_lean_check() {
    let input = std::fs::read(arena_dir().join("good/init-prelude.ndjson")).expect("test data");
    let (env, report) = with_kernel_stack(|| check_export(&input[..], ImportOptions::default()))
        .expect("Init.Prelude is accepted");
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("init-prelude.written.ndjson");
    let file = std::fs::File::create(&path).expect("a temporary file");
    let summary = write_env(&env, file).expect("written");
    // One record per declaration record of the input: inductive blocks and
    // quotient constants are grouped as lean4export groups them.
    assert_eq!(summary.declarations, report.declarations);
    let out = Command::new(env!("CARGO_BIN_EXE_proofmill"))
        .arg("lean-check")
        .arg(&path)
        .output()
        .expect("proofmill runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout: {stdout}\nstderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.starts_with(&format!("checked {} declarations", summary.declarations)),
        "{stdout}"
    );
    std::fs::remove_file(&path).expect("the temporary file is removed");
}
