//! `proofmill export --to leandojo,parquet`, read by the Python programs ML
//! users read them with: `tests/python/test_export_ml.py` loads the Parquet
//! export with `datasets.load_dataset` and reads the LeanDojo layout as
//! ReProver's loaders do, comparing every field with the corpus. One corpus
//! of every shipped theory with rules.
//!
//! Needs Python 3 with `pytest`, `pyarrow` and `datasets`: `scripts/test.sh`
//! installs them (a venv under `target/py` when the system Python lacks
//! them) and names its interpreter in `PROOFMILL_PYTHON`.

use std::path::PathBuf;
use std::process::{Command, Output};

fn proofmill(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_proofmill"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn ok(o: &Output, what: &str) {
    assert!(
        o.status.success(),
        "{what}: exit {:?}\nstdout: {}\nstderr: {}",
        o.status.code(),
        text(&o.stdout),
        text(&o.stderr)
    );
}

fn python() -> String {
    std::env::var("PROOFMILL_PYTHON").unwrap_or_else(|_| "python3".to_string())
}

#[test]
fn leandojo_and_parquet_exports_read_as_ml_tools_read_them() {
    let py = python();
    let probe = Command::new(&py)
        .args(["-c", "import pytest, pyarrow, datasets"])
        .output()
        .unwrap_or_else(|e| panic!("cannot run {py}: {e} (run scripts/test.sh, which installs Python and its packages)"));
    ok(
        &probe,
        &format!("{py} lacks pytest, pyarrow or datasets (scripts/test.sh installs them)"),
    );
    let root = std::env::temp_dir().join(format!("proofmill-export-ml-{}", std::process::id()));
    std::fs::remove_dir_all(&root).ok();
    let mut cases = Vec::new();
    for (theory, extra) in [
        ("ring", &[][..]),
        ("group", &[][..]),
        ("nilgroup", &[][..]),
        ("nat", &[][..]),
        ("logic", &[][..]),
        // Antiderivative problems: `problem` is set on these records.
        ("calculus", &["--hard-steps", "1"][..]),
    ] {
        let corpus = root.join(theory).join("corpus");
        let out = root.join(theory).join("out");
        let mut args = vec![
            "generate",
            "--theory",
            theory,
            "--count",
            "1500",
            "--steps",
            "3..8",
            "--threads",
            "2",
        ];
        args.extend_from_slice(extra);
        let c = corpus.to_string_lossy().into_owned();
        args.extend_from_slice(&["--out", &c]);
        ok(&proofmill(&args), &format!("{theory}: generate"));
        let o = proofmill(&[
            "export",
            &c,
            "--to",
            "leandojo,parquet",
            "--out",
            &out.to_string_lossy(),
        ]);
        ok(&o, &format!("{theory}: export"));
        cases.push(format!("{}={}", corpus.display(), out.display()));
    }
    let tests = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/python");
    let sep = if cfg!(windows) { ";" } else { ":" };
    let o = Command::new(&py)
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .arg(tests.join("test_export_ml.py"))
        .env("PROOFMILL_EXPORT_CASES", cases.join(sep))
        .env("HF_DATASETS_CACHE", root.join("hf-cache"))
        .env("HF_HUB_OFFLINE", "1")
        .env("HF_DATASETS_OFFLINE", "1")
        .output()
        .expect("pytest runs");
    ok(&o, "pytest tests/python/test_export_ml.py");
    assert!(text(&o.stdout).contains(" passed"), "{}", text(&o.stdout));
    std::fs::remove_dir_all(&root).ok();
}
